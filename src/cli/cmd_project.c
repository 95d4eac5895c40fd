/* cmd_project.c — parkland project sign|milestone|progress|funds|plan|extend|edit|terminate|list|show */
#include "cli.h"

#include "parkland/deadline.h"
#include "parkland/parcel.h"
#include "parkland/project.h"
#include "parkland/table.h"
#include "parkland/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char project_usage[] =
    "parkland project sign LEAD --parcel CODE [--parcel CODE...] [--park P] [--date D] [--code CODE]\n"
    "               [--investment WAN] [--investment-intensity X] [--far X] [--tax-per-mu X]\n"
    "               [--output-per-mu X] [--energy-per-output X] [--land-by D] [--start-by D]\n"
    "               [--production-by D] [--verify-by D] [--accept-shortfall --note T] [--note T] [--list]\n"
    "       parkland project milestone CODE land|construction|completion|production|verification\n"
    "               (--planned D | --actual D) [--note T]\n"
    "       parkland project progress CODE PERIOD AMOUNT [--note T]   (PERIOD 2026-03, AMOUNT 万元)\n"
    "       parkland project funds CODE PERIOD AMOUNT [--note T]      (funds in place 到位资金, 万元)\n"
    "       parkland project extend CODE start|completion --document NO --until D [--date D] [--note T]\n"
    "       parkland project plan CODE YEAR AMOUNT [--note T]         (annual planned investment, 万元)\n"
    "       parkland project edit CODE [--start-by D] [--production-by D] [--verify-by D] [--land-by D]\n"
    "               [--investment WAN] [--investment-intensity X] [--far X] [--tax-per-mu X]\n"
    "               [--output-per-mu X] [--energy-per-output X] [--note T]\n"
    "       parkland project terminate CODE --date D --note T [--lead lost|intent]\n"
    "       parkland project list [--stage S] [--lead LEAD] [--format table|csv|json]\n"
    "       parkland project show CODE [--format table|csv|json]";

static void help(void)
{
    printf(_("usage: %s\n\n"
           "Signed projects.\n\n"
           "  sign       sign an investment agreement (投资协议) of a lead onto parcels that are available\n"
           "             (可供), listed (挂牌) or reserved (预留) for the lead. Signing transfers no land:\n"
           "             the parcels are reserved (预留) for the project, or with --list put on listing\n"
           "             (挂牌, for 招拍挂); the actual land milestone (出让合同/交地) transfers them\n"
           "             (已出让). The lead becomes signed (签约). Without any commitment option the lead's\n"
           "             investment, tax and output per mu are the commitments (the output says so).\n"
           "             Committed indicators are checked against each parcel's standard-land indicators:\n"
           "             --investment-intensity 万元/亩 (default: the investment ÷ the parcels' area in 亩,\n"
           "             as match and query free compute it),\n"
           "             --far within the parcel's FAR range, --tax-per-mu and --output-per-mu 万元/亩·年 at\n"
           "             least, --energy-per-output 吨标准煤/万元 at most. Any shortfall refuses the signing\n"
           "             unless --accept-shortfall --note TEXT. --land-by, --start-by, --production-by and\n"
           "             --verify-by plan the milestones. The code defaults to P-<LEAD>.\n"
           "  milestone  planned or actual date of land 供地/交地, construction 开工, completion 竣工,\n"
           "             production 投产, verification 达产验收. An actual 交地 after the agreed one moves\n"
           "             the company's later deadlines by the delay (exempt; history says why). The actual land supply (出让合同/交地) moves the parcels the\n"
           "             project holds to transferred (已出让), an actual construction start to\n"
           "             construction (在建), production to production (投产), verification to verified (达产).\n"
           "  progress   investment completed in a month, 万元 (again for the same month replaces it)\n"
           "  funds      funds in place (到位资金) in a month, 万元 (again for the same month replaces it)\n"
           "  extend     延期开工 (start) or 延期竣工 (completion) agreed with a document number and a new\n"
           "             deadline (--until); more than one year later than the deadline warns\n"
           "  plan       planned investment of a year, 万元\n"
           "  edit       change the agreed milestone dates and the commitments (one history row each)\n"
           "  terminate  解约/终止: the project ends on --date; its reserved or listed parcels go back to\n"
           "             available, transferred or later ones keep their status (taking the land back is\n"
           "             'parcel status CODE reserve --force --note …'); its alerts close; the lead\n"
           "             becomes lost (流失, default) or intent (意向) with --lead intent\n"
           "  list       projects with their stage (derived from the actual dates: signed 已签约,\n"
           "             land_supplied 已供地, construction 在建, production 已投产, verified 已达产;\n"
           "             terminated 已终止)\n"
           "  show       one project: parcels, committed vs parcel indicators, milestones, investment\n"),
           project_usage);
}

static const char *num(double v, int dec, char *buf, size_t len)
{
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, len, "%.*f", dec, v);
    return buf;
}

/* ---- sign ------------------------------------------------------------------------------ */

static int project_sign(int argc, char **argv, const cli_global *g)
{
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    const char **parcels = calloc((size_t)argc, sizeof *parcels);
    if (!parcels)
        return EXIT_REFUSED;
    size_t np = 0;
    int status = EXIT_DONE;
    for (int i = 2; i < argc && status == EXIT_DONE; i++) {
        const char *v = NULL;
        const cli_text_opt texts[] = {
            {"--park", &o.park, 0},           {"--date", &o.date, 1},
            {"--code", &o.code, 0},           {"--land-by", &o.land_by, 1},
            {"--start-by", &o.start_by, 1}, {"--production-by", &o.production_by, 1},
            {"--verify-by", &o.verify_by, 1}, {"--note", &o.note, 0}};
        const cli_num_opt nums[] = {{"--investment", &o.investment, PL_UNIT_WAN},
                                    {"--investment-intensity", &o.investment_intensity, PL_UNIT_WAN_PER_MU},
                                    {"--far", &o.far, PL_UNIT_NONE},
                                    {"--tax-per-mu", &o.tax_per_mu, PL_UNIT_WAN_PER_MU_YEAR},
                                    {"--output-per-mu", &o.output_per_mu, PL_UNIT_WAN_PER_MU_YEAR},
                                    {"--energy-per-output", &o.energy_per_output, PL_UNIT_NONE}};
        int r = cli_opt_value(argc, argv, &i, "--parcel", &v);
        if (r > 0)
            parcels[np++] = v;
        else if (!r)
            r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, nums, sizeof nums / sizeof *nums);
        if (r < 0)
            status = EXIT_USAGE;
        else if (r)
            continue;
        else if (!strcmp(argv[i], "--accept-shortfall"))
            o.accept_shortfall = 1;
        else if (!strcmp(argv[i], "--list"))
            o.list = 1;
        else if (argv[i][0] == '-' || o.lead)
            status = cli_usage_error(project_usage, "unexpected argument '%s'", argv[i]);
        else
            o.lead = argv[i];
    }
    o.parcels = parcels;
    o.nparcels = np;
    if (status == EXIT_DONE && (!o.lead || !np))
        status = cli_usage_error(project_usage, "project sign needs a LEAD and at least one --parcel CODE");
    if (status == EXIT_DONE && o.accept_shortfall && (!o.note || !*o.note))
        status = cli_usage_error(project_usage, "--accept-shortfall needs a --note saying why");
    if (status != EXIT_DONE) {
        free(parcels);
        return status;
    }
    pl_db *db = cli_open_db_park(g, &o.park, &status);
    if (!db) {
        free(parcels);
        return status;
    }
    status = cli_code(db, PL_CODE_LEAD, NULL, &o.lead, 0);
    for (size_t k = 0; k < np && !status; k++)
        status = cli_code(db, PL_CODE_PARCEL, o.park, &parcels[k], 0);
    if (status) {
        pl_db_close(db);
        free(parcels);
        return status;
    }
    pl_project_sign_result res;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_project_sign(db, &o, &res, &err);
    pl_db_close(db);
    char a[32], b[32];
    if (rc) {
        for (size_t i = 0; i < res.nproblems; i++)
            fprintf(stderr, _("refused: %s\n"), res.problems[i]);
        for (size_t i = 0; i < res.nshortfalls; i++)
            fprintf(stderr, _("shortfall: %s\n"), res.shortfalls[i].text);
        for (size_t i = 0; i < res.nnotes; i++)
            fprintf(stderr, _("note: %s\n"), res.notes[i]);
        status = cli_fail(&err);
    } else {
        printf(_("signed project %s for lead %s on %s\n"), res.code, o.lead, res.signed_on);
        printf(_("parcels: "));
        for (size_t i = 0; i < np; i++)
            printf("%s%s", i ? ", " : "", parcels[i]);
        printf(_(" → %s for the project (land is transferred by 'project milestone %s land --actual D'); "
                 "area %s 亩 (%s m²)\n"),
               o.list ? _("listed (挂牌)") : _("reserved (预留)"), res.code, num(pl_m2_to_mu(res.area_m2), 2, a, sizeof a),
               num(res.area_m2, 2, b, sizeof b));
        if (res.commitments_from_lead) {
            char c[32];
            printf(_("commitments taken from lead %s (no commitment option given): investment %s 万元, "
                     "tax %s 万元/亩·年, output %s 万元/亩·年\n"),
                   o.lead, isnan(res.investment) ? "-" : num(res.investment, 2, a, sizeof a),
                   isnan(res.tax_per_mu) ? "-" : num(res.tax_per_mu, 2, b, sizeof b),
                   isnan(res.output_per_mu) ? "-" : num(res.output_per_mu, 2, c, sizeof c));
        }
        if (res.lead_park[0])
            printf(_("lead %s: park %s (it named none)\n"), o.lead, res.lead_park);
        if (!isnan(res.investment_intensity))
            printf(_("investment intensity %s 万元/亩%s\n"), num(res.investment_intensity, 2, a, sizeof a),
                   res.intensity_computed ? _(" (investment ÷ area)") : "");
        for (size_t i = 0; i < res.nshortfalls; i++)
            printf(_("accepted shortfall: %s\n"), res.shortfalls[i].text);
        for (size_t i = 0; i < res.nnotes; i++)
            printf(_("note: %s\n"), res.notes[i]);
        status = EXIT_DONE;
    }
    pl_project_sign_result_release(&res);
    free(parcels);
    return status;
}

/* ---- milestone, progress, plan --------------------------------------------------------------- */

static int print_stage(const pl_project_row *r, void *ctx)
{
    (void)ctx;
    printf(_("stage: %s %s\n"), r->stage, pl_project_stage_zh(r->stage));
    return 0;
}

static int project_change(int argc, char **argv, const cli_global *g, const char *sub)
{
    const char *pos[3] = {NULL, NULL, NULL};
    int npos = 0;
    const char *planned = NULL, *actual = NULL, *note = NULL;
    int is_ms = !strcmp(sub, "milestone");
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--note", &v)) > 0)
            note = v;
        else if (is_ms && !r && (r = cli_opt_value(argc, argv, &i, "--planned", &v)) > 0) {
            if (!cli_parse_date("--planned", v, &planned))
                return EXIT_USAGE;
        } else if (is_ms && !r && (r = cli_opt_value(argc, argv, &i, "--actual", &v)) > 0) {
            if (!cli_parse_date("--actual", v, &actual))
                return EXIT_USAGE;
        } else if (r < 0)
            return EXIT_USAGE;
        else if ((argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9')) || npos >= 3)
            return cli_usage_error(project_usage, "unexpected argument '%s'", argv[i]);
        else
            pos[npos++] = argv[i];
    }
    if (is_ms) {
        if (npos != 2)
            return cli_usage_error(project_usage, "project milestone needs a CODE and a milestone "
                                                  "(land, construction, completion, production, verification)");
        if (!planned == !actual)
            return cli_usage_error(project_usage, "project milestone needs one of --planned D or --actual D");
    } else if (npos != 3) {
        return cli_usage_error(project_usage, "project %s needs CODE %s AMOUNT", sub,
                               !strcmp(sub, "plan") ? "YEAR" : "PERIOD");
    }
    double amount = 0;
    int year = 0;
    static char period[8];
    if (!strcmp(sub, "progress") || !strcmp(sub, "funds")) {
        if (!pl_parse_month(pos[1], period))
            return cli_usage_error(project_usage, "PERIOD '%s' is not a month (%s)", pos[1], PL_PARSE_MONTH_FORMS);
        pos[1] = period;
    }
    if (!is_ms && !cli_parse_quantity("AMOUNT", pos[2], PL_UNIT_WAN, &amount))
        return EXIT_USAGE;
    if (!strcmp(sub, "plan") && !cli_parse_int("YEAR", pos[1], &year))
        return EXIT_USAGE;
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    if ((status = cli_code(db, PL_CODE_PROJECT, NULL, &pos[0], 0))) {
        pl_db_close(db);
        return status;
    }
    pl_error err;
    pl_error_clear(&err);
    int rc;
    char a[32];
    if (is_ms)
        rc = pl_project_milestone(db, pos[0], pos[1], planned, actual, note, &err);
    else if (!strcmp(sub, "progress"))
        rc = pl_project_progress(db, pos[0], pos[1], amount, note, &err);
    else if (!strcmp(sub, "funds"))
        rc = pl_project_funds(db, pos[0], pos[1], amount, note, &err);
    else
        rc = pl_project_plan(db, pos[0], year, amount, note, &err);
    if (!rc) {
        if (is_ms && !pl_milestone_parse(pos[1])) /* 竣工: a deadline (parkland/deadline.h) */
            printf(_("project %s: %s %s %s %s\n"), pos[0], "completion", pl_deadline_zh(PL_DL_COMPLETION),
                   planned ? _("planned") : _("actual"), planned ? planned : actual);
        else if (is_ms)
            printf(_("project %s: %s %s %s %s\n"), pos[0], pl_milestone_parse(pos[1]),
                   pl_milestone_zh(pl_milestone_parse(pos[1])), planned ? _("planned") : _("actual"),
                   planned ? planned : actual);
        else if (!strcmp(sub, "progress"))
            printf(_("project %s: investment completed %s = %s 万元\n"), pos[0], pos[1],
                   num(amount, 2, a, sizeof a));
        else if (!strcmp(sub, "funds"))
            printf(_("project %s: funds in place %s = %s 万元\n"), pos[0], pos[1], num(amount, 2, a, sizeof a));
        else
            printf(_("project %s: planned investment %d = %s 万元\n"), pos[0], year, num(amount, 2, a, sizeof a));
        if (is_ms && actual)
            pl_project_get(db, pos[0], print_stage, NULL, &err);
    }
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

/* ---- extend ------------------------------------------------------------------------------- */

/* project extend CODE start|completion --document NO --until D [--date D] [--note T] */
static int project_extend(int argc, char **argv, const cli_global *g)
{
    const char *pos[2] = {NULL, NULL}, *document = NULL, *until = NULL, *date = NULL, *note = NULL;
    int npos = 0;
    for (int i = 2; i < argc; i++) {
        const cli_text_opt texts[] = {
            {"--document", &document, 0}, {"--until", &until, 1}, {"--date", &date, 1}, {"--note", &note, 0}};
        int r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, NULL, 0);
        if (r < 0)
            return EXIT_USAGE;
        if (r)
            continue;
        if (argv[i][0] == '-' || npos >= 2)
            return cli_usage_error(project_usage, "unexpected argument '%s'", argv[i]);
        pos[npos++] = argv[i];
    }
    if (npos != 2)
        return cli_usage_error(project_usage, "project extend needs a CODE and start or completion");
    int kind = pl_deadline_parse(pos[1]);
    if (kind != PL_DL_START && kind != PL_DL_COMPLETION)
        return cli_usage_error(project_usage, "project extend moves start (延期开工) or completion (延期竣工), not '%s'",
                               pos[1]);
    if (!document || !until)
        return cli_usage_error(project_usage, "project extend needs --document NO and --until D");
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    if ((status = cli_code(db, PL_CODE_PROJECT, NULL, &pos[0], 0))) {
        pl_db_close(db);
        return status;
    }
    pl_error err;
    pl_error_clear(&err);
    pl_extend_result res;
    int rc = pl_project_extend(db, pos[0], (pl_deadline_kind)kind, document, until, date, note, &res, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    printf(_("project %s: %s extended by %s from %s to %s (%ld days)\n"), pos[0], pl_deadline_zh((pl_deadline_kind)kind),
           document, res.base, res.until, res.days);
    if (res.replaced[0])
        printf(_("(it replaces the extension to %s)\n"), res.replaced);
    if (res.beyond_limit)
        fprintf(stderr, _("parkland: warning: project %s: the extension is more than one year after the deadline %s "
                          "(contracts allow one extension of at most one year)\n"),
                pos[0], res.base);
    return EXIT_DONE;
}

/* ---- edit and terminate ------------------------------------------------------------------ */

static int project_edit(int argc, char **argv, const cli_global *g)
{
    pl_project_changes c;
    pl_project_changes_init(&c);
    const char *code = NULL;
    for (int i = 2; i < argc; i++) {
        const cli_text_opt texts[] = {{"--land-by", &c.land_by, 1},
                                      {"--start-by", &c.start_by, 1},
                                      {"--production-by", &c.production_by, 1},
                                      {"--verify-by", &c.verify_by, 1},
                                      {"--note", &c.note, 0}};
        const cli_num_opt nums[] = {{"--investment", &c.investment, PL_UNIT_WAN},
                                    {"--investment-intensity", &c.investment_intensity, PL_UNIT_WAN_PER_MU},
                                    {"--far", &c.far, PL_UNIT_NONE},
                                    {"--tax-per-mu", &c.tax_per_mu, PL_UNIT_WAN_PER_MU_YEAR},
                                    {"--output-per-mu", &c.output_per_mu, PL_UNIT_WAN_PER_MU_YEAR},
                                    {"--energy-per-output", &c.energy_per_output, PL_UNIT_NONE}};
        int r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, nums, sizeof nums / sizeof *nums);
        if (r < 0)
            return EXIT_USAGE;
        if (r)
            continue;
        if (argv[i][0] == '-' || code)
            return cli_usage_error(project_usage, "unexpected argument '%s'", argv[i]);
        code = argv[i];
    }
    if (!code)
        return cli_usage_error(project_usage, "project edit needs a CODE");
    int given = c.land_by || c.start_by || c.production_by || c.verify_by || !isnan(c.investment) ||
                !isnan(c.investment_intensity) || !isnan(c.far) || !isnan(c.tax_per_mu) || !isnan(c.output_per_mu) ||
                !isnan(c.energy_per_output);
    if (!given)
        return cli_usage_error(project_usage, "project edit %s: nothing to change (give the new dates or commitments)",
                               code);
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_PROJECT, NULL, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    int changed = 0;
    int rc = pl_project_edit(db, code, &c, &changed, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    if (changed)
        printf(_("project %s: %d field%s changed (see 'parkland history project %s')\n"), code, changed,
               changed == 1 ? "" : "s", code);
    else
        printf(_("project %s: nothing changed (the values are the ones it holds)\n"), code);
    return EXIT_DONE;
}

static int project_terminate(int argc, char **argv, const cli_global *g)
{
    const char *code = NULL, *date = NULL, *note = NULL, *lead = NULL;
    for (int i = 2; i < argc; i++) {
        const cli_text_opt texts[] = {{"--date", &date, 1}, {"--note", &note, 0}, {"--lead", &lead, 0}};
        int r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, NULL, 0);
        if (r < 0)
            return EXIT_USAGE;
        if (r)
            continue;
        if (argv[i][0] == '-' || code)
            return cli_usage_error(project_usage, "unexpected argument '%s'", argv[i]);
        code = argv[i];
    }
    if (!code || !date || !note || !*note)
        return cli_usage_error(project_usage, "project terminate needs a CODE, --date D and --note T");
    pl_terminate_lead to = PL_TERMINATE_LEAD_LOST;
    if (lead && !strcmp(lead, "intent"))
        to = PL_TERMINATE_LEAD_INTENT;
    else if (lead && strcmp(lead, "lost"))
        return cli_usage_error(project_usage, "--lead takes lost or intent, not '%s'", lead);
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_PROJECT, NULL, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_project_terminate_result res;
    int rc = pl_project_terminate(db, code, date, note, to, &res, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    printf(_("project %s: terminated on %s; %d parcel%s back to available; lead %s\n"), code, date,
           res.released, res.released == 1 ? "" : "s", res.lead_stage);
    if (res.kept)
        printf(_("note: parcel%s %s keep%s status (transferred or later); take the land back with "
               "'parkland parcel status CODE reserve --force --note …'\n"),
               res.kept == 1 ? "" : "s", res.kept_codes, res.kept == 1 ? "s its" : " their");
    return EXIT_DONE;
}

/* ---- list and show ------------------------------------------------------------------------- */


static const char *const text_keys[] = {"code", "lead", "company", "stage", "stage_zh", "signed_on", "parcels",
                                        "area_mu", "investment_wan", "completed_wan", "construction_planned",
                                        "construction_actual"};
static const char *const text_labels[] = {"项目 code", "线索 lead", "企业 company", "阶段 stage", "阶段",
                                          "签约 signed", "宗地 parcels", "面积 亩", "投资 万元", "完成 万元",
                                          "计划开工 start by", "实际开工 started"};
#define TEXT_COLS (sizeof text_keys / sizeof *text_keys)

typedef struct list_ctx {
    pl_table *t;
    int text;
} list_ctx;

static int add_project_row(const pl_project_row *r, void *vctx)
{
    list_ctx *c = vctx;
    pl_project_cells b;
    if (c->text) {
        const char *cells[TEXT_COLS] = {r->code, r->lead, r->company, r->stage, pl_project_stage_zh(r->stage),
                                        r->signed_on, r->parcels,
                                        num(pl_m2_to_mu(r->area_m2), 2, b.buf[0], sizeof b.buf[0]),
                                        num(r->investment, 2, b.buf[1], sizeof b.buf[1]),
                                        num(r->invested, 2, b.buf[2], sizeof b.buf[2]), r->milestones[1].planned,
                                        r->milestones[1].actual};
        return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
    }
    return pl_project_table_add(c->t, r) ? PL_ERR_NOMEM : 0;
}

static int project_list(int argc, char **argv, const cli_global *g)
{
    pl_project_filter f = {0};
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(project_usage, v, &fmt))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--stage", &v))) {
            f.stage = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--lead", &v))) {
            f.lead = v;
        } else {
            return cli_usage_error(project_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (f.stage && !pl_project_stage_parse(f.stage))
        return cli_usage_error(project_usage,
                               "unknown project stage '%s' (signed, land_supplied, construction, production, verified)",
                               f.stage);
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    list_ctx c = {NULL, fmt == PL_TABLE_TEXT};
    if (c.text) {
        c.t = pl_table_new(TEXT_COLS, text_keys, text_labels);
        pl_table_set_numeric(c.t, 7);
        pl_table_set_numeric(c.t, 8);
        pl_table_set_numeric(c.t, 9);
    } else {
        c.t = pl_project_table_new();
    }
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_project_each(db, &f, add_project_row, &c, &err);
    if (!rc) {
        if (c.text)
            printf(_("%zu projects\n"), pl_table_rows(c.t));
        cli_table_write(c.t, fmt);
    }
    pl_table_free(c.t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

/* show: the record, then tables */
static int show_record(const pl_project_row *r, void *vctx)
{
    list_ctx *c = vctx;
    if (!c->text) {
        c->t = pl_project_table_new();
        return !c->t || pl_project_table_add(c->t, r) ? PL_ERR_NOMEM : 0;
    }
    pl_project_cells b;
    const char *const *cells = pl_project_cells_fill(r, &b);
    static const char *const k2[] = {"field", "value"};
    static const char *const l2[] = {"字段 field", "值 value"};
    c->t = pl_table_new(2, k2, l2);
    if (!c->t)
        return PL_ERR_NOMEM;
    pl_table_set_label_column(c->t, 0);
    for (size_t k = 0; k < PL_PROJECT_COLS; k++) {
        if (k == 7 || (k >= 19 && k <= 26)) /* stage_zh with the stage; milestones have their own table */
            continue;
        char stage[64];
        const char *v = cells[k];
        if (k == 6) {
            snprintf(stage, sizeof stage, "%s %s", r->stage, pl_project_stage_zh(r->stage));
            v = stage;
        }
        const char *row[2] = {pl_project_col_labels[k], v};
        if (pl_table_add_row(c->t, row))
            return PL_ERR_NOMEM;
    }
    return 0;
}

typedef struct show_ctx {
    pl_table *t;
    char today[16];
    pl_milestone_dates ms[4];
    char ms_text[4][2][16];
} show_ctx;

static int keep_milestones(const pl_project_row *r, void *vctx)
{
    show_ctx *s = vctx;
    for (int k = 0; k < 4; k++) {
        snprintf(s->ms_text[k][0], 16, "%s", r->milestones[k].planned ? r->milestones[k].planned : "");
        snprintf(s->ms_text[k][1], 16, "%s", r->milestones[k].actual ? r->milestones[k].actual : "");
    }
    return 0;
}

static int add_parcel_checks(const pl_project_parcel *p, void *vctx)
{
    show_ctx *s = vctx;
    char mu[32], req[64], com[32];
    num(pl_m2_to_mu(p->area_m2), 2, mu, sizeof mu);
    if (!p->has_indicators) {
        const char *cells[] = {p->code, p->status, mu, _("(no indicators)"), "", "", "", ""};
        return pl_table_add_row(s->t, cells) ? PL_ERR_NOMEM : 0;
    }
    for (int i = 0; i < PL_INDICATOR_CHECKS; i++) {
        const pl_indicator_check *c = &p->checks[i];
        char a[32], b[32];
        if (isnan(c->required) && isnan(c->committed))
            continue;
        if (isnan(c->required))
            snprintf(req, sizeof req, "-");
        else if (!strcmp(c->rule, "within"))
            snprintf(req, sizeof req, "%s–%s", num(c->required, 2, a, sizeof a), num(c->required_max, 2, b, sizeof b));
        else
            snprintf(req, sizeof req, "%s %s", c->rule, num(c->required, i == 4 ? 3 : 2, a, sizeof a));
        if (isnan(c->committed))
            snprintf(com, sizeof com, "-");
        else
            num(c->committed, i == 4 ? 3 : 2, com, sizeof com);
        const char *verdict = isnan(c->required) ? "" : c->shortfall ? _("shortfall") : _("ok");
        const char *cells[] = {p->code, p->status, mu, c->label, com, req, c->unit, verdict};
        if (pl_table_add_row(s->t, cells))
            return PL_ERR_NOMEM;
    }
    return 0;
}

static int add_year(const pl_project_year *y, void *vctx)
{
    show_ctx *s = vctx;
    char year[16], plan[32], done[32], rate[32] = "";
    snprintf(year, sizeof year, "%d", y->year);
    num(y->planned, 2, plan, sizeof plan);
    num(y->completed, 2, done, sizeof done);
    if (!isnan(y->planned) && y->planned > 0)
        snprintf(rate, sizeof rate, "%.1f", 100.0 * y->completed / y->planned);
    char months[16];
    snprintf(months, sizeof months, "%d", y->months);
    const char *cells[] = {year, plan[0] ? plan : NULL, done, rate[0] ? rate : NULL, months};
    return pl_table_add_row(s->t, cells) ? PL_ERR_NOMEM : 0;
}

static long days_between(const char *a, const char *b)
{
    struct tm ta = {0}, tb = {0};
    if (sscanf(a, "%d-%d-%d", &ta.tm_year, &ta.tm_mon, &ta.tm_mday) != 3 ||
        sscanf(b, "%d-%d-%d", &tb.tm_year, &tb.tm_mon, &tb.tm_mday) != 3)
        return 0;
    ta.tm_year -= 1900;
    tb.tm_year -= 1900;
    ta.tm_mon--;
    tb.tm_mon--;
    ta.tm_hour = tb.tm_hour = 12;
    return (long)((mktime(&tb) - mktime(&ta)) / 86400);
}

static int project_show(int argc, char **argv, const cli_global *g)
{
    const char *code = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r < 0 || cli_table_format(project_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (!code && argv[i][0] != '-') {
            code = argv[i];
        } else {
            return cli_usage_error(project_usage, "unexpected argument '%s'", argv[i]);
        }
    }
    if (!code)
        return cli_usage_error(project_usage, "project show needs a CODE");
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_PROJECT, NULL, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    list_ctx c = {NULL, fmt == PL_TABLE_TEXT};
    int rc = pl_project_get(db, code, show_record, &c, &err);
    if (!rc)
        cli_table_write(c.t, fmt);
    pl_table_free(c.t);
    if (rc || fmt != PL_TABLE_TEXT) {
        pl_db_close(db);
        return rc ? cli_fail(&err) : EXIT_DONE;
    }
    show_ctx s;
    memset(&s, 0, sizeof s);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(s.today, sizeof s.today, "%Y-%m-%d", &tm);

    /* parcels: committed vs required */
    static const char *const pk[] = {"parcel", "status", "area_mu", "indicator", "committed", "required", "unit",
                                     "result"};
    static const char *const pl[] = {"宗地 parcel", "状态 status", "面积 亩", "指标 indicator", "承诺 committed",
                                     "要求 required", "单位 unit", "结果 result"};
    s.t = pl_table_new(8, pk, pl);
    printf(_("\nparcels: committed vs the parcel's standard-land indicators\n"));
    if (!(rc = pl_project_parcels(db, code, add_parcel_checks, &s, &err)))
        cli_table_write(s.t, PL_TABLE_TEXT);
    pl_table_free(s.t);

    /* milestones */
    if (!rc && !(rc = pl_project_get(db, code, keep_milestones, &s, &err))) {
        static const char *const mk[] = {"milestone", "zh", "planned", "actual", "status"};
        static const char *const ml[] = {"节点 milestone", "节点", "计划 planned", "实际 actual", "状态 status"};
        s.t = pl_table_new(5, mk, ml);
        for (int k = 0; k < 4; k++) {
            const char *planned = s.ms_text[k][0], *actual = s.ms_text[k][1];
            char st[96] = "";
            if (actual[0]) {
                long late = planned[0] ? days_between(planned, actual) : 0;
                if (late > 0)
                    snprintf(st, sizeof st, _("done (%ld days late)"), late);
                else
                    snprintf(st, sizeof st, "%s", _("done"));
            } else if (planned[0] && strcmp(planned, s.today) < 0) {
                long d = days_between(planned, s.today);
                snprintf(st, sizeof st, _("overdue %ld days"), d);
            } else if (planned[0]) {
                snprintf(st, sizeof st, "%s", _("due"));
            }
            const char *cells[] = {pl_milestone_kinds[k], pl_milestone_zh(pl_milestone_kinds[k]), planned, actual, st};
            pl_table_add_row(s.t, cells);
        }
        printf(_("\nmilestones\n"));
        cli_table_write(s.t, PL_TABLE_TEXT);
        pl_table_free(s.t);
    }

    /* investment by year */
    if (!rc) {
        static const char *const yk[] = {"year", "planned_wan", "completed_wan", "completion_pct", "months"};
        static const char *const yl[] = {"年度 year", "计划投资 planned (万元)", "完成投资 completed (万元)",
                                         "完成率 completion (%)", "填报月数 months"};
        s.t = pl_table_new(5, yk, yl);
        for (size_t k = 1; k < 5; k++)
            pl_table_set_numeric(s.t, k);
        if (!(rc = pl_project_years(db, code, add_year, &s, &err))) {
            printf(_("\ninvestment by year\n"));
            if (pl_table_rows(s.t))
                cli_table_write(s.t, PL_TABLE_TEXT);
            else
                printf(_("(no plan or progress yet)\n"));
        }
        pl_table_free(s.t);
    }
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

int cmd_project(int argc, char **argv, const cli_global *g)
{
    int status;
    if (cli_family_help(argc, argv, help, &status))
        return status;
    const char *sub = argv[1];
    if (!strcmp(sub, "sign"))
        return project_sign(argc, argv, g);
    if (!strcmp(sub, "milestone") || !strcmp(sub, "progress") || !strcmp(sub, "plan") || !strcmp(sub, "funds"))
        return project_change(argc, argv, g, sub);
    if (!strcmp(sub, "extend"))
        return project_extend(argc, argv, g);
    if (!strcmp(sub, "edit"))
        return project_edit(argc, argv, g);
    if (!strcmp(sub, "terminate"))
        return project_terminate(argc, argv, g);
    if (!strcmp(sub, "list"))
        return project_list(argc, argv, g);
    if (!strcmp(sub, "show"))
        return project_show(argc, argv, g);
    return cli_usage_error(project_usage, "unknown project command '%s'", sub);
}
