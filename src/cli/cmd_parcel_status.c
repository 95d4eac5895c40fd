/* cmd_parcel_status.c — parkland parcel status | parcel indicators
 * (and the indicators engine that park indicators shares). */
#include "cli.h"

#include "parkland/indicators.h"
#include "parkland/lifecycle.h"
#include "parkland/parcel.h"
#include "parkland/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char status_usage[] =
    "parkland parcel status CODE [STATUS] [--date D] [--note TEXT] [--force] [--park P]\n"
    "                       [--lead LEAD] [--expires D]";

static void status_help(void)
{
    printf(_("usage: %s\n\n"
           "Move a parcel to another status; without STATUS, show the current one.\n\n"
           "  STATUS          reserve 储备, available 可供, reserved 预留, listed 挂牌, transferred 已出让,\n"
           "                  construction 在建, production 投产, verified 达产, idle 闲置\n"
           "  --date D        effective date (default today; 2026-03-01, 2026/3/1, 2026年3月1日, 20260301 …)\n"
           "  --note TEXT     why (kept in history)\n"
           "  --force         allow a move outside the table below; needs --note; recorded as forced\n"
           "  --park P        the park, when the code exists in several\n"
           "  --lead LEAD     moving to reserved: the lead the parcel is held for\n"
           "  --expires D     moving to reserved: expiry date (default %d days after --date)\n\n"
           "Legal moves:\n"
           "  reserve → available;  available → reserved, listed, reserve;\n"
           "  reserved → available, listed, transferred;  listed → transferred, available;\n"
           "  transferred → construction, idle;  construction → production, idle;\n"
           "  production → verified;  idle → construction, reserve, available (reclaimed).\n"
           "Reclaiming idle land: reserve or available on a parcel that is idle (闲置, or\n"
           "held by a project whose construction start is 365 days overdue) ends the project's hold on\n"
           "it (the project is terminated with its last parcel), closes its alerts for the parcel, and\n"
           "the maps show it as reclaimed (已收回).\n"
           "available needs the parcel's indicators first ('parkland parcel indicators CODE ...').\n"),
           status_usage, PL_RESERVATION_DEFAULT_DAYS);
}

typedef struct show_status_ctx {
    char status[16], date[16], park[64];
} show_status_ctx;

static int keep_status(const pl_parcel_row *r, void *vctx)
{
    show_status_ctx *c = vctx;
    snprintf(c->status, sizeof c->status, "%s", r->status);
    snprintf(c->date, sizeof c->date, "%s", r->status_date ? r->status_date : "");
    snprintf(c->park, sizeof c->park, "%s", r->park);
    return 0;
}

int cmd_parcel_status(int argc, char **argv, const cli_global *g)
{
    const char *code = NULL, *status = NULL;
    pl_status_options o = {0};
    const char *park = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            status_help();
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--date", &v))) {
            if (r > 0 && !cli_parse_date("--date", v, &o.date))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--note", &v))) {
            o.note = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--lead", &v))) {
            o.lead = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--expires", &v))) {
            if (r > 0 && !cli_parse_date("--expires", v, &o.expires))
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--force")) {
            o.force = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(status_usage, "unknown option '%s'", argv[i]);
        } else if (!code) {
            code = argv[i];
        } else if (!status) {
            status = argv[i];
        } else {
            return cli_usage_error(status_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!code)
        return cli_usage_error(status_usage, "parcel status needs a CODE");
    if (o.force && (!o.note || !*o.note))
        return cli_usage_error(status_usage, "--force needs --note TEXT saying why");
    if (!status && (o.date || o.note || o.force || o.lead || o.expires))
        return cli_usage_error(status_usage, "which STATUS should parcel '%s' move to?", code);
    int st;
    pl_db *db = cli_open_db_park(g, &park, &st);
    if (!db)
        return st;
    if ((st = cli_code(db, PL_CODE_PARCEL, park, &code, 0))) {
        pl_db_close(db);
        return st;
    }
    /* soft: --lead with a status other than reserved is a usage error the library gives */
    if ((st = cli_code(db, PL_CODE_LEAD, NULL, &o.lead, 1))) {
        pl_db_close(db);
        return st;
    }
    pl_error err;
    pl_error_clear(&err);
    int rc;
    if (!status) {
        show_status_ctx c = {0};
        rc = pl_parcel_get(db, park, code, keep_status, &c, &err);
        if (!rc) {
            printf(_("parcel %s (park %s): %s %s since %s\n"), code, c.park, c.status,
                   pl_parcel_status_zh(c.status) ? pl_parcel_status_zh(c.status) : "", c.date);
            const char *const *next = pl_parcel_status_next(c.status);
            printf(_("may go to:"));
            if (!next || !next[0])
                printf(_(" — (final)"));
            for (size_t k = 0; next && next[k]; k++)
                printf("%s %s %s", k ? "," : "", next[k], pl_parcel_status_zh(next[k]));
            printf("\n");
        }
    } else {
        pl_status_result res;
        rc = pl_parcel_set_status(db, park, code, status, &o, &res, &err);
        if (!rc) {
            printf(_("parcel %s (park %s): %s %s → %s %s on %s%s\n"), res.code, res.park, res.from,
                   pl_parcel_status_zh(res.from), res.to, pl_parcel_status_zh(res.to), res.date,
                   res.forced ? _(" (forced: recorded in history)") : "");
            if (res.released_id)
                printf(_("reservation released (#%ld)\n"), res.released_id);
            if (res.reservation_id)
                printf(_("reserved until %s%s%s (reservation #%ld)\n"), res.expires, o.lead ? _(" for lead ") : "",
                       o.lead ? o.lead : "", res.reservation_id);
            if (res.reclaimed && res.reclaimed_from[0])
                printf(_("reclaimed from project %s (construction start %ld days overdue): its hold on the parcel "
                         "ended, its alerts for it closed\n"), res.reclaimed_from, res.overdue_days);
            if (res.project_terminated)
                printf(_("project %s had no other parcel: terminated on %s; lead %s is %s\n"), res.reclaimed_from,
                       res.date, res.lead, res.lead_stage);
        }
    }
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

/* ---- indicators (parcel and park) ------------------------------------------ */

static void indicators_help(int is_park, const char *usage)
{
    printf(_("usage: %s\n\n"), usage);
    if (is_park)
        printf(_("Show or set a park's default standard-land indicators (new parcels imported into the park\n"
                 "take them) and its thresholds. Without options: show.\n\n"));
    else
        printf(_("Show or set a parcel's standard-land control indicators.\n"
                 "Without options: show. Only the options given change; 'none' clears a value.\n\n"));
    int n = is_park ? PL_IND_FIELD_COUNT : PL_IND_PARCEL_FIELDS;
    for (int f = 0; f < n; f++) {
        const pl_indicator_info *in = pl_indicator_field_info((pl_ind_field)f);
        char opt[80];
        snprintf(opt, sizeof opt, "%s %s", in->option,
                 f == PL_IND_INDUSTRIES ? "LIST" : f == PL_IND_INDUSTRY_CODE ? "C"
                 : f == PL_IND_INDUSTRY_CODE_EDITION ? "2002|2011|2017" : f == PL_IND_TERM_YEARS ? "N" : "X");
        printf("  %-36s %s%s%s%s\n", opt, pl_lang_current() == PL_LANG_ZH ? in->zh : in->en, *in->unit ? " (" : "",
               in->unit, *in->unit ? ")" : "");
    }
    printf("  %-36s %s\n", "--note TEXT", _("why (kept in history)"));
    if (!is_park)
        printf("  %-36s %s\n", "--park P", _("the park, when the code exists in several"));
    printf("  %-36s %s\n\n", "--format table|csv|json", _("output form"));
    printf(_("--industries takes industry ids (comma-separated: it, equipment, energy_materials, marine, health,\n"
           "chemical, agriculture, culture, tourism, finance, other; 'any' = no restriction).\n"
           "Values below the national control minimums (工业项目建设用地控制指标, by GB/T 4754 code and\n"
           "edition) or the park's thresholds are reported as warnings.\n"));
}

static void print_warnings(const pl_indicator_warnings *w, FILE *out)
{
    for (size_t i = 0; i < w->n; i++)
        fprintf(out, _("warning: %s\n"), w->items[i].text);
}

static int show_indicators(const char *title, const pl_indicators *ind, int nfields, int fmt)
{
    static const char *const keys[] = {"key", "indicator_zh", "indicator_en", "value", "unit"};
    static const char *const labels[] = {"键 key", "指标", "indicator", "值 value", "单位 unit"};
    pl_table *t = pl_table_new(5, keys, labels);
    if (!t)
        return EXIT_REFUSED;
    for (int f = 0; f < nfields; f++) {
        const pl_indicator_info *in = pl_indicator_field_info((pl_ind_field)f);
        char v[600];
        pl_indicators_format(ind, (pl_ind_field)f, v, sizeof v);
        const char *unit = *in->unit ? in->unit : in->kind == PL_IND_TEXT ? NULL : "比值 ratio";
        const char *cells[] = {in->key, in->zh, in->en, pl_indicators_has(ind, (pl_ind_field)f) ? v : NULL, unit};
        pl_table_add_row(t, cells);
    }
    if (fmt == PL_TABLE_TEXT) {
        printf("%s\n", title);
        if (!ind->present)
            printf(_("no indicators set yet\n"));
    }
    cli_table_write(t, fmt);
    pl_table_free(t);
    return EXIT_DONE;
}

int cli_indicators_run(int argc, char **argv, const cli_global *g, int is_park)
{
    static const char parcel_ind_usage[] =
        "parkland parcel indicators CODE [--park P] [--investment-intensity X] [--far-min X] [--far-max X]\n"
        "               [--tax-per-mu X] [--output-per-mu X] [--energy-per-output X] [--building-coverage-min X]\n"
        "               [--admin-share-max X] [--green-ratio-max X] [--industries LIST]\n"
        "               [--industry-code C --edition 2002|2011|2017] [--base-price X] [--term-years N]\n"
        "               [--note TEXT] [--format table|csv|json]";
    static const char park_ind_usage[] =
        "parkland park indicators PARK [--investment-intensity X] [--far-min X] [--far-max X] [--tax-per-mu X]\n"
        "               [--output-per-mu X] [--energy-per-output X] [--building-coverage-min X]\n"
        "               [--admin-share-max X] [--green-ratio-max X] [--industries LIST]\n"
        "               [--industry-code C --edition 2002|2011|2017] [--base-price X] [--term-years N]\n"
        "               [--threshold-investment-intensity X] [--threshold-tax-per-mu X]\n"
        "               [--threshold-output-per-mu X] [--note TEXT] [--format table|csv|json]";
    const char *usage = is_park ? park_ind_usage : parcel_ind_usage;
    const char *code = NULL, *park = NULL, *note = NULL;
    int fmt = PL_TABLE_TEXT;
    pl_indicators ch;
    pl_indicators_init(&ch);
    pl_error err;
    pl_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            indicators_help(is_park, usage);
            return EXIT_DONE;
        }
        if (argv[i][0] == '-' && argv[i][1] == '-') {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(argv[i], "="), argv[i]);
            int f = pl_indicator_field_parse(name);
            if (f >= PL_IND_PARCEL_FIELDS && !is_park)
                return cli_usage_error(usage, "%s is a park threshold: use 'parkland park indicators'", name);
            if (f >= 0) {
                if ((r = cli_opt_value(argc, argv, &i, name, &v)) < 0)
                    return EXIT_USAGE;
                if (pl_indicators_put(&ch, (pl_ind_field)f, v, &err))
                    return cli_usage_error(usage, "%s", err.message);
                /* a value written in another unit (4500万元/公顷): say how it was read */
                pl_unit unit = pl_unit_parse(pl_indicator_field_info((pl_ind_field)f)->unit);
                double x;
                int converted = 0;
                if (unit != PL_UNIT_NONE && pl_parse_quantity(v, unit, &x, &converted) && converted)
                    cli_parse_quantity(name, v, unit, &x);
                continue;
            }
        }
        if ((r = cli_opt_value(argc, argv, &i, "--note", &v))) {
            note = v;
        } else if (!is_park && (r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(usage, v, &fmt))
                return EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(usage, "unknown option '%s'", argv[i]);
        } else if (!code) {
            code = argv[i];
        } else {
            return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!code)
        return cli_usage_error(usage, is_park ? "park indicators needs a PARK code" : "parcel indicators needs a CODE");
    int st;
    pl_db *db = cli_open_db_park(g, is_park ? &code : &park, &st);
    if (!db)
        return st;
    if (!is_park && (st = cli_code(db, PL_CODE_PARCEL, park, &code, 0))) {
        pl_db_close(db);
        return st;
    }
    int setting = ch.has || ch.clear;
    int changed = 0, rc;
    pl_indicator_warnings w = {0};
    pl_indicators cur;
    if (setting) {
        rc = is_park ? pl_park_indicators_set(db, code, &ch, note, &w, &changed, &err)
                     : pl_parcel_indicators_set(db, park, code, &ch, note, &w, &changed, &err);
        if (!rc && fmt == PL_TABLE_TEXT) {
            if (changed)
                printf(_("%s %s: %d indicator%s changed\n"), is_park ? _("park") : _("parcel"), code, changed,
                       changed == 1 ? "" : "s");
            else
                printf(_("%s %s: no change\n"), is_park ? _("park") : _("parcel"), code);
        }
    } else {
        rc = is_park ? pl_park_indicators_get(db, code, &cur, &err)
                     : pl_parcel_indicators_get(db, park, code, &cur, &err);
        show_status_ctx c = {0};
        if (!rc && !is_park) /* the parcel's park, for its thresholds */
            rc = pl_parcel_get(db, park, code, keep_status, &c, &err);
        if (!rc && cur.present)
            rc = pl_indicators_check(db, is_park ? code : c.park, &cur, &w, &err);
    }
    if (!rc && setting)
        rc = is_park ? pl_park_indicators_get(db, code, &cur, &err)
                     : pl_parcel_indicators_get(db, park, code, &cur, &err);
    if (!rc) {
        char title[256];
        snprintf(title, sizeof title, "%s %s — 标准地控制指标 standard-land indicators%s",
                 is_park ? "园区 park" : "宗地 parcel", code, is_park ? " (defaults and thresholds 默认值与门槛)" : "");
        show_indicators(title, &cur, is_park ? PL_IND_FIELD_COUNT : PL_IND_PARCEL_FIELDS, fmt);
        print_warnings(&w, fmt == PL_TABLE_TEXT ? stdout : stderr);
    }
    pl_indicator_warnings_release(&w);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

int cmd_parcel_indicators(int argc, char **argv, const cli_global *g)
{
    return cli_indicators_run(argc, argv, g, 0);
}
