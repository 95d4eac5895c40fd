/* cmd_muni.c — 亩均效益: parkland muni settings, import annual, report muni (parkland/muni.h). */
#include "cli.h"

#include "parkland/muni.h"
#include "parkland/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char muni_usage[] = "parkland muni settings [KEY=VALUE …] [--reset] [--format table|csv|json]";

static void muni_help(void)
{
    printf(_("usage: %s\n\n"
             "The settings of the 亩均效益 evaluation (report muni), stored in the database:\n"
             "  weight_tax, weight_sales, weight_energy, weight_rd, weight_labour   weights (45 20 15 15 5)\n"
             "  baseline_tax … baseline_labour   an indicator's baseline; 0 (default): the group's mean\n"
             "  cap              most points of an indicator, times its weight (2)\n"
             "  cut_a, cut_b, cut_c   percentile cut-offs of grades A, B, C (25, 70, 95); below: D\n"
             "  size_threshold   规上 (above size) when sales ≥ this, 万元 (2000)\n"
             "  min_months       months of production in the year to be graded (6)\n"
             "With KEY=VALUE pairs, stores them (one transaction, with history); --reset goes back to\n"
             "the defaults; then shows every setting.\n"),
           muni_usage);
}

int cmd_muni(int argc, char **argv, const cli_global *g)
{
    int status;
    if (cli_family_help(argc, argv, muni_help, &status))
        return status;
    if (strcmp(argv[1], "settings"))
        return cli_usage_error(muni_usage, "unknown subcommand '%s' (settings)", argv[1]);
    int fmt = PL_TABLE_TEXT, reset = 0;
    const char *keys[32];
    double values[32];
    size_t n = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = cli_opt_value(argc, argv, &i, "--format", &v);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0) {
            if (cli_table_format(muni_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--reset")) {
            reset = 1;
        } else if (strchr(argv[i], '=') && argv[i][0] != '-') {
            if (n == sizeof keys / sizeof *keys)
                return cli_usage_error(muni_usage, "too many settings at once");
            char *eq = strchr(argv[i], '=');
            *eq = '\0';
            keys[n] = argv[i];
            if (!cli_parse_double(keys[n], eq + 1, &values[n]))
                return EXIT_USAGE;
            n++;
        } else {
            return cli_usage_error(muni_usage, "unexpected argument '%s' (KEY=VALUE, --reset, --format)", argv[i]);
        }
    }
    if (reset && n)
        return cli_usage_error(muni_usage, "--reset takes no KEY=VALUE");
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    int rc = reset ? pl_muni_settings_reset(db, &err) : n ? pl_muni_settings_set(db, keys, values, n, &err) : PL_OK;
    pl_table *t = NULL;
    if (!rc)
        rc = pl_muni_settings_table(db, &t, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    if (reset)
        fprintf(stderr, _("parkland: the 亩均 settings are the defaults again\n"));
    else if (n)
        fprintf(stderr, _("parkland: stored %zu 亩均 setting(s)\n"), n);
    rc = cli_table_write(t, fmt);
    pl_table_free(t);
    return rc ? EXIT_REFUSED : EXIT_DONE;
}

static const char annual_usage[] = "parkland import annual FILE.csv [--year Y] [--encoding E] [--dry-run]";

int cli_import_annual(int argc, char **argv, const cli_global *g)
{
    pl_muni_import_options o = {0, PL_ENCODING_AUTO, 0};
    const char *path = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\n"
                     "Each firm's annual figures for the 亩均效益 evaluation (report muni), one row per project\n"
                     "and year, from a CSV file (UTF-8 or GBK; an XLSX sheet must be saved as CSV first). The\n"
                     "header names the columns in English or Chinese (a unit in brackets is ignored):\n"
                     "  project 项目编号 or company 企业名称, year 年度, tax 税收 (万元), sales 销售收入 (万元),\n"
                     "  added_value 工业增加值 (万元), energy 综合能耗 (吨标准煤), rd 研发经费 (万元),\n"
                     "  employees 从业人员, note 备注\n"
                     "tax and sales are required. A project and year recorded before is replaced (history keeps\n"
                     "the old figures). One transaction: any refused row refuses the file.\n\n"
                     "  --year Y      the year of rows without a year column\n"
                     "  --encoding E  auto (UTF-8, else GBK), utf-8, gbk\n"
                     "  --dry-run     check and count; write nothing\n"),
                   annual_usage);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--year", &v))) {
            if (r > 0 && (!cli_parse_int("--year", v, &o.year) || o.year < 1900 || o.year > 9999))
                return cli_usage_error(annual_usage, "--year expects a year (1900 to 9999), not '%s'", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "--encoding", &v))) {
            if (r > 0 && cli_parse_encoding(annual_usage, v, &o.encoding))
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--dry-run")) {
            o.dry_run = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(annual_usage, "unknown option '%s'", argv[i]);
        } else if (path) {
            return cli_usage_error(annual_usage, "one file at a time ('%s' and '%s')", path, argv[i]);
        } else {
            path = argv[i];
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!path)
        return cli_usage_error(annual_usage, "import annual needs a FILE.csv (XLSX: save it as CSV first)");
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    pl_muni_import_result r;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_muni_import(db, path, &o, &r, &err);
    pl_db_close(db);
    if (rc) {
        for (size_t i = 0; i < r.nmessages; i++)
            fprintf(stderr, _("refused: %s\n"), r.messages[i]);
        if (r.messages_dropped)
            fprintf(stderr, _("… and %ld more\n"), r.messages_dropped);
        status = cli_fail(&err);
    } else {
        printf(_("%s %s: annual figures of %ld project-year(s): %ld new, %ld replaced%s\n"),
               o.dry_run ? _("would import") : _("imported"), path, r.inserted + r.replaced, r.inserted, r.replaced,
               o.dry_run ? _(" (dry run: nothing written)") : "");
        printf(_("encoding %s, sha256 %.16s…, rows %ld, blank rows skipped %ld\n"), r.encoding, r.sha256, r.rows,
               r.blank);
        status = EXIT_DONE;
    }
    pl_muni_import_result_release(&r);
    return status;
}

static const char report_muni_usage[] =
    "parkland report muni [--year Y] [--park P] [--format text|csv|json|xlsx] [-o FILE] [--force]";

int cli_report_muni(int argc, char **argv, const cli_global *g)
{
    int year = 0;
    const char *park = NULL;
    cli_report_output out = {PL_REPORT_TEXT, NULL, 0};
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\n"
                     "亩均效益评价: each firm's figures per 亩 of its land, scored by indicator (亩均税收,\n"
                     "亩均销售收入, 单位能耗增加值, 研发投入强度, 全员劳动生产率; weights and baselines:\n"
                     "'parkland muni settings'), ranked within 规上/规下 and graded A/B/C/D by percentile.\n"
                     "Under construction, newly producing and terminated projects are not graded (B*).\n\n"
                     "  --year Y           the year of the figures (default: the latest imported)\n"
                     "  --park P           the firms of one park, ranked among themselves (default: all parks)\n"
                     "  --format F         text (default), csv, json, xlsx (needs -o)\n"
                     "  -o, --output FILE  write to FILE; an existing FILE needs --force\n"),
                   report_muni_usage);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--year", &v))) {
            if (r > 0 && (!cli_parse_int("--year", v, &year) || year < 1900 || year > 9999))
                return cli_usage_error(report_muni_usage, "--year expects a year (1900 to 9999), not '%s'", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_report_output_option(argc, argv, &i, report_muni_usage, &out))) {
        } else {
            return cli_usage_error(report_muni_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    int status = cli_report_output_check(report_muni_usage, &out);
    if (status)
        return status;
    pl_db *db = cli_open_db_park(g, &park, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    if (!year && !(year = pl_muni_latest_year(db, &err))) {
        pl_db_close(db);
        fprintf(stderr, _("parkland: no annual figures yet: import them with 'parkland import annual FILE.csv', "
                          "or give --year\n"));
        return EXIT_REFUSED;
    }
    pl_report *rep = NULL;
    int rc = pl_report_build_muni(db, year, park, &rep, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    rc = cli_report_output_write(rep, &out, &err);
    if (!rc && out.file)
        printf(_("wrote the 亩均 report of %d → %s\n"), year, out.file);
    pl_report_free(rep);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
