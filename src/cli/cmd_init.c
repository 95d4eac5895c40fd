/* cmd_init.c — parkland init [--crs EPSG] */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char init_usage[] = "parkland [--db FILE] init [--crs EPSG]";

int cmd_init(int argc, char **argv, const cli_global *g)
{
    int srid = PL_DEFAULT_SRID;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\n"
                   "Create a new parkland database (SpatiaLite) working in a projected CRS.\n"
                   "\n"
                   "  --crs EPSG   working coordinate system (default %d: CGCS2000 / 3-degree\n"
                   "               Gauss-Kruger CM 120E, Qingdao); must be projected, in metres\n"),
                   init_usage, PL_DEFAULT_SRID);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--crs", &v))) {
            if (r < 0)
                return EXIT_USAGE;
            if (!strncmp(v, "EPSG:", 5) || !strncmp(v, "epsg:", 5))
                v += 5;
            if (!cli_parse_int("--crs", v, &srid) || srid <= 0)
                return cli_usage_error(init_usage, "--crs expects an EPSG code such as 4549");
        } else {
            return cli_usage_error(init_usage, "unexpected argument '%s'", argv[i]);
        }
    }
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    if (pl_db_create(g->db_path, srid, &db, &err))
        return cli_fail(&err);
    printf(_("created %s (working CRS EPSG:%d, schema version %d)\n"), g->db_path, pl_db_srid(db), PL_SCHEMA_VERSION);
    pl_db_close(db);
    return EXIT_DONE;
}
