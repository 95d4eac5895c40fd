/* cmd_report.c — parkland report availability|landing|alerts */
#include "cli.h"

#include "parkland/report.h"

#include <stdio.h>
#include <string.h>

static const char report_usage[] =
    "parkland report availability|landing|alerts [--as-of D] [--park P] [--format text|csv|json|xlsx]\n"
    "                [-o FILE] [--force] [--fail-on-alerts]";

static const char report_help[] =
    "\n"
    "  availability  可供土地: parcels and area (亩, ha) by park and status, free land by size class\n"
    "                (<20, 20–50, 50–100, 100–300, ≥300 亩), reserved parcels with lead and expiry\n"
    "  landing       项目落地: leads by stage and conversion, projects, committed investment, land\n"
    "                supplied, 开工率, 投产率, 年度投资完成率, 四新 share — by park, by industry, total\n"
    "  alerts        预警: reclaim candidates (≥730 days past the agreed start), idle land (≥365 days,\n"
    "                fee 20% of the land price), late starts, overdue milestones, expired reservations,\n"
    "                committed indicators below the parcel's — most severe first\n"
    "\n"
    "  --as-of D          the report as it stood on D (2026-03-01, 2026/3/1, 2026年3月1日, 20260301 …;\n"
    "                     default today), from history\n"
    "  --park P           one park only\n"
    "  --format F         text (aligned, default), csv (UTF-8 with BOM: a title row before each table,\n"
    "                     a blank row between tables), json, xlsx (one sheet per table; needs -o)\n"
    "  -o, --output FILE  write to FILE (through a temporary file); an existing FILE needs --force\n"
    "  --fail-on-alerts   (alerts) exit 1 when there is any alert; without it alerts exit 0\n"
    "\n"
    "Rates show their numerator and denominator; a zero denominator shows — (JSON null).\n";

int cmd_report(int argc, char **argv, const cli_global *g)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        printf("usage: %s\n%s", report_usage, report_help);
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    int kind = pl_report_kind_parse(argv[1]);
    if (kind < 0)
        return cli_usage_error(report_usage, "unknown report '%s' (availability, landing, alerts)", argv[1]);
    pl_report_options opt = {0};
    const char *output = NULL;
    int fmt = PL_REPORT_TEXT, force = 0, fail_on_alerts = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf("usage: %s\n%s", report_usage, report_help);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--as-of", &v))) {
            if (r > 0 && !cli_parse_date("--as-of", v, &opt.as_of))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            opt.park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && (fmt = pl_report_format_parse(v)) < 0)
                return cli_usage_error(report_usage, "unknown format '%s' (text, csv, json, xlsx)", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", &v)) ||
                   (r = cli_opt_value(argc, argv, &i, "--output", &v))) {
            output = v;
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (!strcmp(argv[i], "--fail-on-alerts")) {
            fail_on_alerts = 1;
        } else {
            return cli_usage_error(report_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (fmt == PL_REPORT_XLSX && !output)
        return cli_usage_error(report_usage, "the xlsx format needs an output file: -o FILE.xlsx");
    if (fail_on_alerts && kind != PL_REPORT_ALERTS)
        return cli_usage_error(report_usage, "--fail-on-alerts applies to 'report alerts' only");
    if (output && !*output)
        return cli_usage_error(report_usage, "-o needs a file name");

    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_report *rep = NULL;
    int rc = pl_report_build(db, (pl_report_kind)kind, &opt, &rep, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    if (output) {
        rc = pl_report_save(rep, output, (pl_report_format)fmt, force, &err);
        if (!rc)
            printf("wrote %s report as of %s → %s (%s, %zu table%s)\n", pl_report_kind_id((pl_report_kind)kind),
                   pl_report_as_of(rep), output, fmt == PL_REPORT_XLSX ? "xlsx" : fmt == PL_REPORT_CSV ? "csv"
                                                                         : fmt == PL_REPORT_JSON ? "json" : "text",
                   pl_report_table_count(rep), pl_report_table_count(rep) == 1 ? "" : "s");
    } else {
        rc = pl_report_write_fit(rep, stdout, (pl_report_format)fmt, cli_table_width(), &err);
    }
    size_t alerts = pl_report_alerts(rep);
    char as_of[11];
    snprintf(as_of, sizeof as_of, "%s", pl_report_as_of(rep));
    pl_report_free(rep);
    if (rc)
        return cli_fail(&err);
    if (fail_on_alerts && alerts) {
        fprintf(stderr, "parkland: %zu alert%s as of %s (--fail-on-alerts)\n", alerts, alerts == 1 ? "" : "s", as_of);
        return EXIT_REFUSED;
    }
    return EXIT_DONE;
}
