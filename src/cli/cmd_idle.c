/* cmd_idle.c — parkland idle list|confirm|dispose|price (idle land, MLR order 53) */
#include "cli.h"

#include "parkland/idle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char idle_usage[] =
    "parkland idle list [--as-of D] [--park P] [--open] [--summary] [--format text|csv|json]\n"
    "       parkland idle confirm PARCEL --decision NO [--date D] [--note T] [--park P]\n"
    "       parkland idle dispose PARCEL fee|delay|reclaim|exempt [--date D] [--until D] [--note T] [--park P]\n"
    "       parkland idle price PARCEL WAN [--note T] [--park P]";

static void help(void)
{
    printf(_("usage: %s\n\n"
             "Idle land as MLR order 53 defines it, from suspicion to disposal.\n"
             "The test, as of a date: a project holds the parcel and has not started 365 days or more\n"
             "after its agreed start; or it started, and the latest inspection ('parkland inspect')\n"
             "says work stopped 365 days or more ago with the area developed less than 1/3 of the\n"
             "parcel or the investment spent less than 25 %% of the project's (exactly 1/3 or 25 %%\n"
             "is not idle).\n\n"
             "  list             the cases as of --as-of D (default today), by parcel: stage (suspected\n"
             "                   疑似, confirmed 认定, disposed 处置, closed 已结案), days idle, evidence;\n"
             "                   --open leaves closed cases out; --summary: open cases by stage and age\n"
             "  confirm          认定闲置: the decision number (--decision, required) and date; the\n"
             "                   parcel's status becomes idle 闲置\n"
             "  dispose          处置, after confirm: fee (征收闲置费, 20 %% of the transfer price),\n"
             "                   delay (延期开工 to --until D; more than one year is warned), reclaim\n"
             "                   (收回: the parcel goes back to the land bank, the project's hold ends),\n"
             "                   exempt (排除, also while suspected: --note gives the reason, e.g.\n"
             "                   government delay or force majeure); reclaim and exempt close the case\n"
             "  price            the parcel's transfer price (成交价) in 万元, that the fee is computed from\n"),
           idle_usage);
}

static const char *const stage_labels[PL_IDLE_STAGES] = {"疑似闲置 suspected", "认定闲置 confirmed", "处置 disposed",
                                                         "已结案 closed"};

/* The text form in English leaves out the stage id column: the stage label column next to it
 * says the same word (in Chinese it says 疑似闲置 beside the id). NO_SKIP: every column. */
#define NO_SKIP ((size_t)-1)
#define MAX_COLS 24

static size_t stage_id_skipped(int fmt, size_t col)
{
    return fmt == PL_TABLE_TEXT && pl_lang_current() == PL_LANG_EN ? col : NO_SKIP;
}

/* Column k of the full list in a table without column `skip`. */
static size_t col_of(size_t k, size_t skip)
{
    return k > skip ? k - 1 : k;
}

/* A table of the columns but `skip`. */
static pl_table *table_without(size_t n, const char *const *keys, const char *const *labels, size_t skip)
{
    const char *k2[MAX_COLS], *l2[MAX_COLS];
    size_t m = 0;
    for (size_t i = 0; i < n && m < MAX_COLS; i++)
        if (i != skip) {
            k2[m] = keys[i];
            l2[m++] = labels[i];
        }
    return pl_table_new(m, k2, l2);
}

/* A row of the cells but `skip`. */
static int add_row_without(pl_table *t, size_t n, const char *const *cells, size_t skip)
{
    const char *c2[MAX_COLS];
    size_t m = 0;
    for (size_t i = 0; i < n && m < MAX_COLS; i++)
        if (i != skip)
            c2[m++] = cells[i];
    return pl_table_add_row(t, c2);
}

static const char *num(double v, int prec, char *buf, size_t len)
{
    if (isnan(v))
        return "";
    snprintf(buf, len, "%.*f", prec, v);
    return buf;
}

static int list_cases(pl_db *db, const char *as_of, const char *park, int open_only, int fmt, pl_error *err)
{
    pl_idle_case *cs;
    size_t n;
    int rc = pl_idle_cases(db, as_of, park, !open_only, &cs, &n, err);
    if (rc)
        return rc;
    static const char *const keys[] = {"park", "parcel", "stage", "stage_label", "days", "idle_since", "basis",
                                       "project", "company", "found_on", "decision_no", "confirmed_on", "disposal",
                                       "disposed_on", "fee_wan", "delay_until", "closed_on", "evidence"};
    static const char *const labels[] = {"园区 park", "宗地 parcel", "stage", "阶段 stage", "闲置天数 days idle",
                                         "起算日 idle since", "basis", "项目 project", "企业 company",
                                         "立案日 recorded on", "认定文号 decision", "认定日 confirmed on",
                                         "处置 disposal", "处置日 disposed on", "闲置费 万元 idle fee",
                                         "延期至 delayed to", "结案日 closed on", "依据 evidence"};
    static const int prio[] = {0, 0, 5, 0, 0, 3, 6, 2, 4, 6, 3, 5, 2, 6, 3, 5, 5, 1};
    const size_t ncols = sizeof keys / sizeof *keys;
    size_t skip = stage_id_skipped(fmt, 2);
    pl_table *t = table_without(ncols, keys, labels, skip);
    if (!t) {
        free(cs);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    pl_table_set_numeric(t, col_of(4, skip));
    pl_table_set_numeric(t, col_of(14, skip));
    pl_table_set_label_column(t, col_of(3, skip));
    pl_table_set_wrap(t, col_of(17, skip));
    for (size_t k = 0; k < ncols; k++)
        if (k != skip)
            pl_table_set_priority(t, col_of(k, skip), prio[k]);
    size_t open = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const pl_idle_case *c = &cs[i];
        char days[32], fee[32], ev[768];
        snprintf(days, sizeof days, "%ld", c->days);
        pl_idle_evidence_text(&c->ev, ev, sizeof ev);
        if (c->stage != PL_IDLE_CLOSED)
            open++;
        const char *cells[] = {c->park, c->parcel, pl_idle_stage_id(c->stage), stage_labels[c->stage], days,
                               c->ev.idle_since, c->ev.basis, c->ev.project, c->company, c->found_on, c->decision_no,
                               c->confirmed_on, c->disposal, c->disposed_on, num(c->fee_wan, 4, fee, sizeof fee),
                               c->delay_until, c->closed_on, ev};
        if (add_row_without(t, ncols, cells, skip))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    if (!rc) {
        if (fmt == PL_TABLE_TEXT) {
            if (park)
                printf(_("idle land (MLR order 53) as of %s, park %s: %zu cases, %zu open\n"), as_of, park, n, open);
            else
                printf(_("idle land (MLR order 53) as of %s: %zu cases, %zu open\n"), as_of, n, open);
        }
        cli_table_write(t, fmt);
    }
    pl_table_free(t);
    free(cs);
    return rc;
}

/* Open cases by stage and age (days idle: under one year, one to two years, two years and more). */
static int summary(pl_db *db, const char *as_of, const char *park, int fmt, pl_error *err)
{
    pl_idle_case *cs;
    size_t n;
    int rc = pl_idle_cases(db, as_of, park, 1, &cs, &n, err);
    if (rc)
        return rc;
    long count[PL_IDLE_STAGES + 1] = {0}, y1[PL_IDLE_STAGES + 1] = {0}, y2[PL_IDLE_STAGES + 1] = {0},
         under[PL_IDLE_STAGES + 1] = {0}, oldest[PL_IDLE_STAGES + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        const pl_idle_case *c = &cs[i];
        int rows[2] = {(int)c->stage, c->stage == PL_IDLE_CLOSED ? -1 : PL_IDLE_STAGES};
        for (int k = 0; k < 2; k++) {
            int s = rows[k];
            if (s < 0)
                continue;
            count[s]++;
            if (c->days >= 730)
                y2[s]++;
            else if (c->days >= 365)
                y1[s]++;
            else
                under[s]++;
            if (c->days > oldest[s])
                oldest[s] = c->days;
        }
    }
    free(cs);
    static const char *const keys[] = {"stage", "stage_label", "count", "under_1_year", "1_to_2_years",
                                       "2_years_or_more", "oldest_days"};
    static const char *const labels[] = {"stage", "阶段 stage", "件数 cases", "不足一年 under one year",
                                         "一至两年 one to two years", "满两年 two years or more", "最长天数 oldest (days)"};
    size_t skip = stage_id_skipped(fmt, 0);
    pl_table *t = table_without(7, keys, labels, skip);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    pl_table_set_label_column(t, col_of(1, skip));
    for (size_t k = 2; k < 7; k++)
        pl_table_set_numeric(t, col_of(k, skip));
    static const int order[] = {PL_IDLE_SUSPECTED, PL_IDLE_CONFIRMED, PL_IDLE_DISPOSED, PL_IDLE_STAGES, PL_IDLE_CLOSED};
    for (size_t i = 0; i < sizeof order / sizeof *order && !rc; i++) {
        int s = order[i];
        char b[5][24];
        snprintf(b[0], sizeof b[0], "%ld", count[s]);
        snprintf(b[1], sizeof b[1], "%ld", under[s]);
        snprintf(b[2], sizeof b[2], "%ld", y1[s]);
        snprintf(b[3], sizeof b[3], "%ld", y2[s]);
        snprintf(b[4], sizeof b[4], "%ld", oldest[s]);
        const char *cells[] = {s == PL_IDLE_STAGES ? "open" : pl_idle_stage_id(s),
                               s == PL_IDLE_STAGES ? "未结案合计 open, total" : stage_labels[s], b[0], b[1], b[2], b[3],
                               b[4]};
        if (add_row_without(t, 7, cells, skip))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    if (!rc) {
        if (fmt == PL_TABLE_TEXT) {
            if (park)
                printf(_("idle land cases by stage and age as of %s, park %s\n"), as_of, park);
            else
                printf(_("idle land cases by stage and age as of %s\n"), as_of);
        }
        cli_table_write(t, fmt);
    }
    pl_table_free(t);
    return rc;
}

static int cmd_list(int argc, char **argv, const cli_global *g)
{
    const char *as_of = NULL, *park = NULL;
    int fmt = PL_TABLE_TEXT, open_only = 0, sum = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--as-of", &v))) {
            if (r > 0 && !cli_parse_date("--as-of", v, &as_of))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(idle_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--open")) {
            open_only = 1;
        } else if (!strcmp(argv[i], "--summary")) {
            sum = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(idle_usage, "unknown option '%s'", argv[i]);
        } else {
            return cli_usage_error(idle_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    char today[16];
    if (!as_of) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        as_of = today;
    }
    int st;
    pl_db *db = cli_open_db_park(g, park ? &park : NULL, &st);
    if (!db)
        return st;
    pl_error err;
    pl_error_clear(&err);
    int rc = sum ? summary(db, as_of, park, fmt, &err) : list_cases(db, as_of, park, open_only, fmt, &err);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

/* confirm, dispose and price: PARCEL [WORD] and the options. */
static int cmd_step(int argc, char **argv, const cli_global *g)
{
    const char *sub = argv[0];
    int is_confirm = !strcmp(sub, "confirm"), is_dispose = !strcmp(sub, "dispose");
    const char *code = NULL, *word = NULL, *park = NULL, *date = NULL, *until = NULL, *note = NULL, *decision = NULL;
    const cli_text_opt texts[] = {{"--date", &date, 1}, {"--until", &until, 1}, {"--note", &note, 0},
                                  {"--park", &park, 0}, {"--decision", &decision, 0}};
    for (int i = 1; i < argc; i++) {
        int r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, NULL, 0);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error(idle_usage, "unknown option '%s'", argv[i]);
        else if (!code)
            code = argv[i];
        else if (!word && !is_confirm)
            word = argv[i];
        else
            return cli_usage_error(idle_usage, "unexpected argument '%s'", argv[i]);
    }
    if (!code)
        return cli_usage_error(idle_usage, "idle %s needs a PARCEL code", sub);
    if (is_confirm && (!decision || !*decision))
        return cli_usage_error(idle_usage, "idle confirm needs --decision NO, the number of the decision (认定书)");
    if (!is_confirm && (decision))
        return cli_usage_error(idle_usage, "--decision belongs to idle confirm");
    int what = -1;
    double price = NAN;
    if (is_dispose) {
        if (!word)
            return cli_usage_error(idle_usage, "idle dispose needs fee, delay, reclaim or exempt");
        if ((what = pl_idle_disposal_parse(word)) < 0)
            return cli_usage_error(idle_usage, "unknown disposal '%s' (fee, delay, reclaim, exempt)", word);
        if (until && what != PL_IDLE_DELAY)
            return cli_usage_error(idle_usage, "--until belongs to a delay");
    } else if (!is_confirm) { /* price */
        if (!word)
            return cli_usage_error(idle_usage, "idle price needs the transfer price in 万元");
        if (!cli_parse_quantity("WAN", word, PL_UNIT_WAN, &price))
            return EXIT_USAGE;
        if (date || until)
            return cli_usage_error(idle_usage, "idle price takes --note and --park only");
    }
    int st;
    pl_db *db = cli_open_db_code(g, PL_CODE_PARCEL, &park, &code, &st);
    if (!db)
        return st;
    pl_error err;
    pl_error_clear(&err);
    int rc;
    char fee[32], pr[32];
    if (is_confirm) {
        rc = pl_idle_confirm(db, park, code, decision, date, note, &err);
        if (!rc)
            printf(_("parcel %s confirmed idle 认定闲置 (decision %s, %s); status idle 闲置\n"), code, decision,
                   date ? date : _("today"));
    } else if (is_dispose) {
        pl_idle_dispose_options o = {date, until, note};
        pl_idle_dispose_result res;
        rc = pl_idle_dispose(db, park, code, (pl_idle_disposal)what, &o, &res, &err);
        if (!rc && what == PL_IDLE_FEE)
            printf(_("parcel %s: idle fee 闲置费 %s 万元 (20%% of the transfer price %s 万元)\n"), code,
                   num(res.fee_wan, 4, fee, sizeof fee), num(res.price_wan, 4, pr, sizeof pr));
        else if (!rc && what == PL_IDLE_DELAY) {
            printf(_("parcel %s: construction start delayed 延期开工 to %s (%ld days)\n"), code, until, res.delay_days);
            if (res.delay_beyond_year)
                fprintf(stderr, _("parkland: warning: parcel %s: the delay to %s is more than one year; transfer "
                                  "contracts allow at most one\n"), code, until);
        } else if (!rc && what == PL_IDLE_RECLAIM)
            printf(_("parcel %s reclaimed 收回 (%s → %s)%s%s; case closed\n"), code, res.reclaim.from, res.reclaim.to,
                   res.reclaim.project[0] ? _(", hold of project ") : "", res.reclaim.project);
        else if (!rc)
            printf(_("parcel %s exempted 排除: %s; case closed\n"), code, note);
    } else {
        double old;
        rc = pl_parcel_set_transfer_price(db, park, code, price, note, &old, &err);
        if (!rc)
            printf(_("parcel %s: transfer price 成交价 %s 万元\n"), code, num(price, 4, fee, sizeof fee));
    }
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

int cmd_idle(int argc, char **argv, const cli_global *g)
{
    int status;
    if (cli_family_help(argc, argv, help, &status))
        return status;
    const char *sub = argv[1];
    if (!strcmp(sub, "list"))
        return cmd_list(argc - 1, argv + 1, g);
    if (!strcmp(sub, "confirm") || !strcmp(sub, "dispose") || !strcmp(sub, "price"))
        return cmd_step(argc - 1, argv + 1, g);
    return cli_usage_error(idle_usage, "unknown idle command '%s' (list, confirm, dispose, price)", sub);
}
