/* cmd_park_targets.c — parkland park targets [CODE | --global] [--start-rate N …] [--clear FIGURE]:
 * the targets of the scored figures (parkland/kpi.h), per park or for every park. */
#include "cli.h"

#include "parkland/kpi.h"
#include "parkland/table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char targets_usage[] =
    "parkland park targets [CODE | --global] [--start-rate N] [--on-time-start-rate N] [--completion-rate N]\n"
    "               [--on-time-completion-rate N] [--performance-rate N] [--funds-rate N]\n"
    "               [--investment-rate N] [--clear FIGURE]... [--format table|csv|json]";

int cmd_park_targets(int argc, char **argv, const cli_global *g)
{
    /* argv[0] is "targets" */
    const char *park = NULL;
    int global = 0, fmt = PL_TABLE_TEXT, nset = 0;
    double value[PL_KPIS];
    int set[PL_KPIS] = {0};
    for (int k = 0; k < PL_KPIS; k++)
        value[k] = NAN;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\nThe targets of the scored figures (report kpi), in percent: the park's own, else the "
                     "global one (--global), else the default (开工率 90, 投资完成率 80, 资金到位率 80, 按期竣工率 "
                     "100). Without a figure option: the targets in force.\n"),
                   targets_usage);
            return EXIT_DONE;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0 || (fmt = pl_table_format_parse(v)) < 0)
                return r < 0 ? EXIT_USAGE : cli_usage_error(targets_usage, "unknown format '%s'", v);
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--clear", &v)) != 0) {
            int k = r < 0 ? -1 : pl_kpi_parse(v);
            if (r < 0)
                return EXIT_USAGE;
            if (k < 0)
                return cli_usage_error(targets_usage, "unknown figure '%s'", v);
            set[k] = 1;
            value[k] = NAN;
            nset++;
            continue;
        }
        if (!strcmp(argv[i], "--global")) {
            global = 1;
            continue;
        }
        int matched = 0;
        for (int k = 0; k < PL_KPIS && !matched; k++) {
            char opt[64];
            snprintf(opt, sizeof opt, "--%s", pl_kpi_option((pl_kpi_id)k));
            if ((r = cli_opt_value(argc, argv, &i, opt, &v)) == 0)
                continue;
            if (r < 0 || !cli_parse_quantity(opt, v, PL_UNIT_NONE, &value[k]))
                return EXIT_USAGE;
            set[k] = 1;
            nset++;
            matched = 1;
        }
        if (matched)
            continue;
        if (argv[i][0] == '-' || park)
            return cli_usage_error(targets_usage, "unexpected argument '%s'", argv[i]);
        park = argv[i];
    }
    if (!park == !global)
        return cli_usage_error(targets_usage, "park targets needs a park CODE or --global");
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    if (park && (status = cli_code(db, PL_CODE_PARK, NULL, &park, 0))) {
        pl_db_close(db);
        return status;
    }
    pl_error err;
    pl_error_clear(&err);
    int rc = PL_OK;
    for (int k = 0; k < PL_KPIS && !rc; k++)
        if (set[k] && !(rc = pl_kpi_set_target(db, park, (pl_kpi_id)k, value[k], &err))) {
            if (isnan(value[k]))
                printf(_("%s: target %s %s cleared\n"), park ? park : _("every park"), pl_kpi_key((pl_kpi_id)k),
                       pl_kpi_zh((pl_kpi_id)k));
            else
                printf(_("%s: target %s %s = %g %%\n"), park ? park : _("every park"), pl_kpi_key((pl_kpi_id)k),
                       pl_kpi_zh((pl_kpi_id)k), value[k]);
        }
    if (!rc && !nset) {
        static const char *const keys[] = {"kpi", "kpi_zh", "target_pct", "source"};
        static const char *const labels[] = {"指标代码 figure", "指标 name", "目标 % target", "来源 source"};
        pl_table *t = pl_table_new(4, keys, labels);
        if (t)
            pl_table_set_numeric(t, 2);
        for (int k = 0; k < PL_KPIS && !rc && t; k++) {
            double pct;
            const char *source;
            char b[32] = "";
            if (!(rc = pl_kpi_target(db, park, (pl_kpi_id)k, &pct, &source, &err))) {
                if (!isnan(pct))
                    snprintf(b, sizeof b, "%.1f", pct);
                const char *cells[] = {pl_kpi_key((pl_kpi_id)k), pl_kpi_zh((pl_kpi_id)k), b,
                                       isnan(pct) && !strcmp(source, "default") ? "" : source};
                if (pl_table_add_row(t, cells))
                    rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
            }
        }
        if (!t)
            rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
        if (!rc)
            cli_table_write(t, fmt);
        pl_table_free(t);
    }
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
