/* cmd_park.c — parkland park add|list */
#include "cli.h"

#include "parkland/park.h"
#include "parkland/table.h"
#include "parkland/units.h"

#include <stdio.h>
#include <string.h>

static const char park_usage[] =
    "parkland park add CODE --name NAME [--name-en NAME] [--district D] [--boundary FILE]\n"
    "       parkland park list [--format table|csv|json]";

static int park_add(int argc, char **argv, pl_db *db)
{
    const char *code = NULL, *name = NULL, *name_en = NULL, *district = NULL, *boundary = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--name", &v)) > 0)
            name = v;
        else if (!r && (r = cli_opt_value(argc, argv, &i, "--name-en", &v)) > 0)
            name_en = v;
        else if (!r && (r = cli_opt_value(argc, argv, &i, "--district", &v)) > 0)
            district = v;
        else if (!r && (r = cli_opt_value(argc, argv, &i, "--boundary", &v)) > 0)
            boundary = v;
        else if (r < 0)
            return EXIT_USAGE;
        else if (argv[i][0] == '-' || code)
            return cli_usage_error(park_usage, "unexpected argument '%s'", argv[i]);
        else
            code = argv[i];
    }
    if (!code || !name)
        return cli_usage_error(park_usage, "park add needs a CODE and --name");
    pl_error err;
    pl_error_clear(&err);
    if (pl_park_add(db, code, name, name_en, district, boundary, &err))
        return cli_fail(&err);
    printf("added park %s %s\n", code, name);
    return EXIT_DONE;
}

static int add_park_row(const pl_park *p, void *ctx)
{
    char parcels[32], mu[32];
    snprintf(parcels, sizeof parcels, "%ld", p->parcels);
    snprintf(mu, sizeof mu, "%.2f", pl_m2_to_mu(p->area_m2));
    const char *cells[] = {p->code, p->name, p->name_en, p->district, parcels, mu};
    return pl_table_add_row(ctx, cells) ? PL_ERR_NOMEM : 0;
}

static int park_list(int argc, char **argv, pl_db *db)
{
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r = cli_opt_value(argc, argv, &i, "--format", &v);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0 || (fmt = pl_table_format_parse(v)) < 0)
            return cli_usage_error(park_usage, "unexpected argument '%s'", argv[i]);
    }
    static const char *const keys[] = {"code", "name", "name_en", "district", "parcels", "area_mu"};
    static const char *const labels[] = {"代码 code", "名称 name", "英文名 name (en)", "区 district",
                                         "宗地 parcels", "面积(亩) area (mu)"};
    pl_table *t = pl_table_new(6, keys, labels);
    pl_table_set_numeric(t, 4);
    pl_table_set_numeric(t, 5);
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_park_each(db, add_park_row, t, &err);
    if (!rc)
        pl_table_write(t, stdout, (pl_table_format)fmt, 0);
    pl_table_free(t);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

int cmd_park(int argc, char **argv, const cli_global *g)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        printf("usage: %s\n\n  add    add a park / 新增园区\n  list   list parks / 园区列表\n", park_usage);
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    if (!strcmp(argv[1], "indicators"))
        return cmd_park_indicators(argc - 1, argv + 1, g);
    for (int i = 2; i < argc; i++)
        if (cli_is_help(argv[i])) {
            printf("usage: %s\n", park_usage);
            return EXIT_DONE;
        }
    if (strcmp(argv[1], "add") && strcmp(argv[1], "list"))
        return cli_usage_error(park_usage, "unknown park command '%s'", argv[1]);
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    status = !strcmp(argv[1], "add") ? park_add(argc, argv, db) : park_list(argc, argv, db);
    pl_db_close(db);
    return status;
}
