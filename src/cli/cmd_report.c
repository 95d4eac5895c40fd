/* cmd_report.c — parkland report availability|landing|alerts|kpi|all */
#include "cli.h"

#include "parkland/park.h"
#include "parkland/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char report_usage[] =
    "parkland report availability|landing|alerts|kpi|ledger|all [--as-of D] [--park P] [--format text|csv|json|xlsx]\n"
    "                [-o FILE] [--force] [--fail-on-alerts]\n"
    "       parkland report muni [--year Y] [--park P] [--format text|csv|json|xlsx] [-o FILE] [--force]\n"
    "       parkland report pack [--as-of D] [--park P] -o FILE.pdf [--force]\n"
    "       parkland report monthly [--month YYYY-MM] [--park P] [--format text|csv|json|xlsx] [-o FILE] [--force]\n"
    "       parkland report quarterly [--quarter YYYY-Qn] [--format text|csv|json|xlsx] [-o FILE] [--force]";

static const char report_help[] = /* xgettext:no-c-format */
    N_("\n"
    "  availability  可供土地: parcels and area (亩, ha) by park and status, free land by size class\n"
    "                (<20, 20–50, 50–100, 100–300, ≥300 亩), reserved parcels with lead and expiry\n"
    "  landing       项目落地: leads by stage and conversion, projects, committed investment, land\n"
    "                supplied, 开工率, 投产率, 年度投资完成率, 四新 share — by park, by industry, total\n"
    "  alerts        预警: reclaim candidates (≥730 days past the agreed start), idle land (≥365 days,\n"
    "                fee 20% of the land price), late starts, overdue milestones, expired reservations,\n"
    "                committed indicators below the parcel's — most severe first\n"
    "  muni          亩均效益: each firm's score by indicator and grade A/B/C/D of a year\n"
    "                (see 'parkland report muni --help')\n"
    "  all           availability, landing, alerts and kpi, one after another (text), or one\n"
    "                workbook (--format xlsx -o FILE):\n"
    "                every table on a sheet named in the chosen language, and a sheet of definitions\n"
    "                (each figure's numerator and denominator, the as-of date)\n"
    "  pack          the meeting pack, one PDF (-o FILE.pdf): contents page, availability and landing\n"
    "                maps, the tables of the three reports with the definitions of their figures, the\n"
    "                kpi figures with theirs, the idle land (open cases, idle and reclaim alerts), page\n"
    "                numbers\n"
    "\n"
    "  --as-of D          the report as it stood on D (2026-03-01, 2026/3/1, 2026年3月1日, 20260301 …;\n"
    "                     default today), from history\n"
    "  --park P           one park only\n"
    "  --format F         text (aligned, default), csv (UTF-8 with BOM: a title row before each table,\n"
    "                     a blank row between tables), json, xlsx (one sheet per table; needs -o)\n"
    "  -o, --output FILE  write to FILE (through a temporary file); an existing FILE needs --force\n"
    "  --fail-on-alerts   (alerts, all) exit 1 when there is any alert; without it alerts exit 0\n"
    "\n"
    "Rates show their numerator and denominator; a zero denominator shows — (JSON null).\n");

static const char report_help_kpi[] = /* xgettext:no-c-format */
    N_("  kpi           考核指标: per park and in total 开工率, 按期开工率, 竣工率, 按期竣工率, 履约率,\n"
       "                资金到位率, 年度投资完成率 with numerator, denominator, target (park targets) and\n"
       "                met/not met; then every project's contract deadlines (交地, 开工, 竣工, 投产, 达产):\n"
       "                agreed, moved by a late handover, extended, effective, actual, state\n");

static const char report_help_ledger[] = /* xgettext:no-c-format */
    N_("  ledger        存量土地台账 (批供用): parcels and 亩 by park of 批而未供 (approved, not supplied),\n"
       "                供而未用 (supplied, not started), 用而未尽 (started, not fully built), 闲置 (confirmed\n"
       "                idle), 低效 (grade D or below the floors), 储备 (land bank) and other land; then\n"
       "                each category's parcels with the reason ('parkland parcel edit --approved-on')\n");

static const char report_help_period[] =
    N_("  monthly       月度统计: a month's new leads, signings, investment, starts, completions, open\n"
       "                idle cases and the rates at its end, per park (see 'parkland report monthly --help')\n"
       "  quarterly     季度考核 摘星夺旗: the parks ranked on each rate, targets met, year-end warnings\n"
       "                (see 'parkland report quarterly --help')\n");

static int count_parcels(const pl_park *p, void *ctx)
{
    *(long *)ctx += p->parcels;
    return 0;
}

/* A report needs land to report on: on a database (or park) without parcels
 * it says so and is refused, instead of tables of zeros. 0, or the exit
 * status after the message. */
static int require_parcels(pl_db *db, const cli_global *g, const char *park)
{
    pl_error err;
    pl_error_clear(&err);
    long n = 0;
    if (park) {
        pl_park p;
        if (pl_park_get(db, park, &p, &err))
            return cli_fail(&err);
        n = p.parcels;
    } else if (pl_park_each(db, count_parcels, &n, &err)) {
        return cli_fail(&err);
    }
    if (n > 0)
        return 0;
    if (park)
        fprintf(stderr, _("parkland: park '%s' has no parcels: nothing to report (import them with 'parkland import "
                          "parcels FILE --park %s')\n"),
                park, park);
    else
        fprintf(stderr, _("parkland: the database '%s' has no parcels: nothing to report (import them with 'parkland "
                          "import parcels FILE --park CODE')\n"),
                g->db_path);
    return EXIT_REFUSED;
}

/* report all: the three reports, as text one after another or as one workbook. */
static int report_all(const cli_global *g, const pl_report_options *opt, int fmt, const char *output, int force,
                      int fail_on_alerts, pl_report_lang lang)
{
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_report *reps[4] = {NULL, NULL, NULL, NULL}; /* availability, landing, alerts, kpi */
    int rc = PL_OK;
    for (int k = 0; k < 4 && !rc; k++)
        rc = pl_report_build(db, (pl_report_kind)k, opt, &reps[k], &err);
    pl_db_close(db);
    if (!rc && fmt == PL_REPORT_XLSX) {
        rc = pl_report_save_workbook((const pl_report *const *)reps, 4, output, lang, force, &err);
        if (!rc) {
            size_t tables = 0;
            for (int k = 0; k < 4; k++)
                tables += pl_report_table_count(reps[k]);
            printf(_("wrote availability, landing, alerts and kpi as of %s → %s (xlsx, %zu sheets and definitions)\n"),
                   pl_report_as_of(reps[0]), output, tables);
        }
    } else if (!rc) {
        for (int k = 0; k < 4 && !rc; k++) {
            if (k)
                putchar('\n');
            rc = pl_report_write_fit(reps[k], stdout, (pl_report_format)fmt, cli_table_width(), &err);
        }
    }
    size_t alerts = reps[2] ? pl_report_alerts(reps[2]) : 0;
    char as_of[11] = "";
    if (reps[0])
        snprintf(as_of, sizeof as_of, "%s", pl_report_as_of(reps[0]));
    for (int k = 0; k < 4; k++)
        pl_report_free(reps[k]);
    if (rc)
        return cli_fail(&err);
    if (fail_on_alerts && alerts) {
        fprintf(stderr, _("parkland: %zu alert%s as of %s (--fail-on-alerts)\n"), alerts, alerts == 1 ? "" : "s", as_of);
        return EXIT_REFUSED;
    }
    return EXIT_DONE;
}

int cli_report_output_option(int argc, char **argv, int *i, const char *usage, cli_report_output *o)
{
    const char *v = NULL;
    int r;
    if ((r = cli_opt_value(argc, argv, i, "--format", &v))) {
        if (r > 0 && (o->fmt = pl_report_format_parse(v)) < 0) {
            cli_usage_error(usage, "unknown format '%s' (text, csv, json, xlsx)", v);
            return -1;
        }
        return r;
    }
    if ((r = cli_opt_value(argc, argv, i, "-o", &v)) || (r = cli_opt_value(argc, argv, i, "--output", &v))) {
        o->file = v;
        return r;
    }
    if (!strcmp(argv[*i], "--force")) {
        o->force = 1;
        return 1;
    }
    return 0;
}

int cli_report_output_check(const char *usage, const cli_report_output *o)
{
    if (o->fmt == PL_REPORT_XLSX && !o->file)
        return cli_usage_error(usage, "the xlsx format needs an output file: -o FILE.xlsx");
    if (o->file && !*o->file)
        return cli_usage_error(usage, "-o needs a file name");
    return 0;
}

int cli_report_output_write(const pl_report *rep, const cli_report_output *o, pl_error *err)
{
    if (o->file)
        return pl_report_save(rep, o->file, (pl_report_format)o->fmt, o->force, err);
    return pl_report_write_fit(rep, stdout, (pl_report_format)o->fmt, cli_table_width(), err);
}

/* report pack: the meeting pack as one PDF. */
static int report_pack(const cli_global *g, const pl_report_options *opt, const char *output, int force)
{
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    if ((status = require_parcels(db, g, opt->park))) {
        pl_db_close(db);
        return status;
    }
    pl_error err;
    pl_error_clear(&err);
    pl_report_pack_result res;
    int rc = pl_report_pack_file(db, opt, output, force, &res, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    printf(_("wrote the meeting pack as of %s → %s (%d pages, %d sections, %zu alerts, %zu idle-land cases)\n"),
           res.as_of, output, res.pages, res.sections, res.alerts, res.idle);
    return EXIT_DONE;
}

int cmd_report(int argc, char **argv, const cli_global *g)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        printf(_("usage: %s\n%s%s"), report_usage, _(report_help), _(report_help_kpi));
        fputs(_(report_help_period), stdout);
        fputs(_(report_help_ledger), stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    if (!strcmp(argv[1], "muni"))
        return cli_report_muni(argc, argv, g);
    if (!strcmp(argv[1], "monthly"))
        return cli_report_monthly(argc, argv, g);
    if (!strcmp(argv[1], "quarterly"))
        return cli_report_quarterly(argc, argv, g);
    int all = !strcmp(argv[1], "all"), pack = !strcmp(argv[1], "pack");
    int kind = all || pack ? PL_REPORT_ALERTS : pl_report_kind_parse(argv[1]);
    if (kind < 0)
        return cli_usage_error(report_usage,
                               "unknown report '%s' (availability, landing, alerts, kpi, muni, monthly, quarterly, "
                               "ledger, all, pack)",
                               argv[1]);
    /* the workbook's sheet names and definitions: the language of the text (--lang, the locale) */
    pl_report_lang lang = pl_lang_current() == PL_LANG_ZH ? PL_REPORT_LANG_ZH : PL_REPORT_LANG_EN;
    pl_report_options opt = {0};
    cli_report_output out = {PL_REPORT_TEXT, NULL, 0};
    int fail_on_alerts = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n%s%s"), report_usage, _(report_help), _(report_help_kpi));
            fputs(_(report_help_period), stdout);
            fputs(_(report_help_ledger), stdout);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--as-of", &v))) {
            if (r > 0 && !cli_parse_date("--as-of", v, &opt.as_of))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            opt.park = v;
        } else if ((r = cli_report_output_option(argc, argv, &i, report_usage, &out))) {
        } else if (!strcmp(argv[i], "--fail-on-alerts")) {
            fail_on_alerts = 1;
        } else {
            return cli_usage_error(report_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (pack) {
        if (!out.file || !*out.file)
            return cli_usage_error(report_usage, "report pack needs an output file: -o FILE.pdf");
        if (out.fmt != PL_REPORT_TEXT || fail_on_alerts)
            return cli_usage_error(report_usage, "report pack writes one PDF: no --format, no --fail-on-alerts");
        return report_pack(g, &opt, out.file, out.force);
    }
    int status = cli_report_output_check(report_usage, &out);
    if (status)
        return status;
    if (fail_on_alerts && kind != PL_REPORT_ALERTS)
        return cli_usage_error(report_usage, "--fail-on-alerts applies to 'report alerts' only");
    if (all && out.fmt != PL_REPORT_XLSX && out.fmt != PL_REPORT_TEXT)
        return cli_usage_error(report_usage, "report all writes text or one xlsx workbook (--format xlsx -o FILE)");
    if (all && out.fmt == PL_REPORT_TEXT && out.file)
        return cli_usage_error(report_usage, "report all writes text to standard output; -o is for --format xlsx");
    if (all)
        return report_all(g, &opt, out.fmt, out.file, out.force, fail_on_alerts, lang);

    pl_db *db = cli_open_db_park(g, &opt.park, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_report *rep = NULL;
    if ((status = require_parcels(db, g, opt.park))) {
        pl_db_close(db);
        return status;
    }
    int rc = pl_report_build(db, (pl_report_kind)kind, &opt, &rep, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    rc = cli_report_output_write(rep, &out, &err);
    if (!rc && out.file)
        printf(_("wrote %s report as of %s → %s (%s, %zu table%s)\n"), pl_report_kind_id((pl_report_kind)kind),
               pl_report_as_of(rep), out.file, out.fmt == PL_REPORT_XLSX ? "xlsx" : out.fmt == PL_REPORT_CSV ? "csv"
                                                                     : out.fmt == PL_REPORT_JSON ? "json" : "text",
               pl_report_table_count(rep), pl_report_table_count(rep) == 1 ? "" : "s");
    size_t alerts = pl_report_alerts(rep);
    char as_of[11];
    snprintf(as_of, sizeof as_of, "%s", pl_report_as_of(rep));
    pl_report_free(rep);
    if (rc)
        return cli_fail(&err);
    if (fail_on_alerts && alerts) {
        fprintf(stderr, _("parkland: %zu alert%s as of %s (--fail-on-alerts)\n"), alerts, alerts == 1 ? "" : "s", as_of);
        return EXIT_REFUSED;
    }
    return EXIT_DONE;
}
