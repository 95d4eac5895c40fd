/* cmd_check.c — parkland check: read-only checks of the database. */
#include "cli.h"

#include "parkland/check.h"
#include "parkland/table.h"

#include <stdio.h>
#include <string.h>

static const char check_usage[] = "parkland [--db FILE] check [--format table|csv|json]";

static int add_problem(const pl_check_problem *p, void *ctx)
{
    const char *cells[] = {p->check, p->subject, p->detail};
    return pl_table_add_row(ctx, cells) ? PL_ERR_NOMEM : 0;
}

int cmd_check(int argc, char **argv, const cli_global *g)
{
    int fmt = PL_TABLE_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\n"
                   "Check the database: SQLite integrity, foreign keys, the spatial index, and\n"
                   "every parcel's geometry (GEOS validity), stored area, overlaps within its park and with\n"
                   "parcels of other parks (park_overlap: the same land in two parks).\n"
                   "Reads only. Exit 0 when all is well, 1 when a problem is found.\n"), check_usage);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r < 0 || cli_table_format(check_usage, v, &fmt))
                return EXIT_USAGE;
        } else {
            return cli_usage_error(check_usage, "unexpected argument '%s'", argv[i]);
        }
    }
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    static const char *const keys[] = {"check", "subject", "problem"};
    static const char *const labels[] = {"检查 check", "对象 subject", "问题 problem"};
    pl_table *t = pl_table_new(3, keys, labels);
    pl_check_summary sum;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_check_database(db, add_problem, t, &sum, &err);
    if (rc) {
        status = cli_fail(&err);
    } else {
        if (fmt == PL_TABLE_TEXT)
            printf(_("%d checks, %ld parcels: %ld problems\n"), sum.checks, sum.parcels, sum.problems);
        if (sum.problems || fmt != PL_TABLE_TEXT)
            cli_table_write(t, fmt);
        status = sum.problems ? EXIT_REFUSED : EXIT_DONE;
    }
    pl_table_free(t);
    pl_db_close(db);
    return status;
}
