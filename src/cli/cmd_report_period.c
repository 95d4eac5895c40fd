/* cmd_report_period.c — parkland report monthly|quarterly: the monthly
 * statistics table and the quarterly assessment (摘星夺旗) (parkland/report.h). */
#include "cli.h"

#include "parkland/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char monthly_usage[] =
    "parkland report monthly [--month YYYY-MM] [--park P] [--format text|csv|json|xlsx] [-o FILE] [--force]";
static const char quarterly_usage[] =
    "parkland report quarterly [--quarter YYYY-Qn] [--format text|csv|json|xlsx] [-o FILE] [--force]";

static int run(int argc, char **argv, const cli_global *g, int quarterly)
{
    const char *usage = quarterly ? quarterly_usage : monthly_usage;
    const char *period = NULL, *park = NULL;
    cli_report_output out = {PL_REPORT_TEXT, NULL, 0};
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            if (quarterly)
                printf(_("usage: %s\n\n"
                         "季度考核 (摘星夺旗): each park's 开工率, 按期开工率, 竣工率, 按期竣工率, 履约率, 资金到位率 and\n"
                         "年度投资完成率 as of the quarter's end against its targets ('parkland park targets'), the\n"
                         "parks ranked on each figure (1 = best; equal rates share a rank), stars (figures meeting\n"
                         "their target), and a warning where the projected year-end value misses the target:\n"
                         "value + (value − value at the year's start) × quarters remaining ÷ quarters elapsed\n"
                         "(年度投资完成率: value × 4 ÷ quarters elapsed). A table of definitions follows.\n\n"
                         "  --quarter YYYY-Qn  the quarter (default: the last complete one)\n"
                         "  --format F         text (default), csv, json, xlsx (needs -o)\n"
                         "  -o, --output FILE  write to FILE; an existing FILE needs --force\n"),
                       usage);
            else
                printf(_("usage: %s\n\n"
                         "月度统计: per park and in total, the month's new leads, signings, their committed\n"
                         "investment, investment completed in the month, construction starts and completions,\n"
                         "open idle-land cases at the month's end, and the rates as of the month's end (with\n"
                         "numerator, denominator, target, met). A table of definitions follows.\n\n"
                         "  --month YYYY-MM    the month (default: the last complete one)\n"
                         "  --park P           one park only\n"
                         "  --format F         text (default), csv, json, xlsx (needs -o)\n"
                         "  -o, --output FILE  write to FILE; an existing FILE needs --force\n"),
                       usage);
            return EXIT_DONE;
        } else if (!quarterly && (r = cli_opt_value(argc, argv, &i, "--month", &v))) {
            period = v;
        } else if (quarterly && (r = cli_opt_value(argc, argv, &i, "--quarter", &v))) {
            period = v;
        } else if (!quarterly && (r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_report_output_option(argc, argv, &i, usage, &out))) {
        } else {
            return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    int status = cli_report_output_check(usage, &out);
    if (status)
        return status;
    char def[40];
    if (!period) {
        pl_report_last_period(quarterly, def, sizeof def);
        period = def;
    }
    pl_db *db = quarterly ? cli_open_db(g, &status) : cli_open_db_park(g, &park, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_report *rep = NULL;
    int rc = quarterly ? pl_report_build_quarterly(db, period, &rep, &err)
                       : pl_report_build_monthly(db, period, park, &rep, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    rc = cli_report_output_write(rep, &out, &err);
    if (!rc && out.file)
        printf(_("wrote the %s report of %s (as of %s) → %s\n"), quarterly ? "quarterly" : "monthly", period,
               pl_report_as_of(rep), out.file);
    pl_report_free(rep);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

int cli_report_monthly(int argc, char **argv, const cli_global *g)
{
    return run(argc, argv, g, 0);
}

int cli_report_quarterly(int argc, char **argv, const cli_global *g)
{
    return run(argc, argv, g, 1);
}
