/* cmd_park.c — parkland park add|list|datum|edit|remove (indicators, targets: their own files) */
#include "cli.h"

#include "parkland/park.h"
#include "parkland/table.h"
#include "parkland/units.h"

#include <stdio.h>
#include <string.h>

static const char park_usage[] =
    "parkland park add CODE --name NAME [--name-en NAME] [--district D] [--boundary FILE]\n"
    "       parkland park list [--format table|csv|json]\n"
    "       parkland park datum CODE [xian80|beijing54 --towgs84 DX,DY,DZ,RX,RY,RZ,S [--note TEXT]]\n"
    "       parkland park edit CODE [--name N] [--name-en N] [--district D] [--contact-name N]\n"
    "                      [--contact-phone P] [--contact-address A] [--contact-email E] [--note TEXT]\n"
    "       parkland park remove CODE [--note TEXT]\n"
    "       parkland park targets [CODE | --global] [--start-rate N …] [--clear FIGURE]";

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
    printf(_("added park %s %s\n"), code, name);
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
        cli_table_write(t, fmt);
    pl_table_free(t);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

static int add_shift_row(const pl_datum_shift *s, void *ctx)
{
    char p[7][32];
    for (int i = 0; i < 7; i++)
        snprintf(p[i], sizeof p[i], "%.10g", s->towgs84[i]);
    const char *cells[] = {s->datum, p[0], p[1], p[2], p[3], p[4], p[5], p[6], s->note, s->updated_at, s->updated_by};
    return pl_table_add_row(ctx, cells) ? PL_ERR_NOMEM : 0;
}

/* park datum CODE: the parameters the park keeps; park datum CODE DATUM --towgs84 P: keep them. */
static int park_datum(int argc, char **argv, pl_db *db)
{
    const char *code = NULL, *datum = NULL, *towgs84 = NULL, *note = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--towgs84", &v)) > 0)
            towgs84 = v;
        else if (!r && (r = cli_opt_value(argc, argv, &i, "--note", &v)) > 0)
            note = v;
        else if (!r && (r = cli_opt_value(argc, argv, &i, "--format", &v)) > 0) {
            if ((fmt = pl_table_format_parse(v)) < 0)
                return cli_usage_error(park_usage, "--format is table, csv or json, not '%s'", v);
        } else if (r < 0)
            return EXIT_USAGE;
        else if (argv[i][0] == '-' || (code && datum))
            return cli_usage_error(park_usage, "unexpected argument '%s'", argv[i]);
        else if (!code)
            code = argv[i];
        else
            datum = argv[i];
    }
    if (!code)
        return cli_usage_error(park_usage, "park datum needs a park CODE");
    int st = cli_code(db, PL_CODE_PARK, NULL, &code, 0);
    if (st)
        return st;
    pl_error err;
    pl_error_clear(&err);
    if (datum || towgs84 || note) {
        if (!datum || !towgs84)
            return cli_usage_error(park_usage, "park datum CODE DATUM needs both the datum (xian80 or beijing54) "
                                               "and --towgs84");
        if (!pl_datum_parse(datum))
            return cli_usage_error(park_usage, "unknown datum '%s' (xian80 or beijing54)", datum);
        double p[7];
        if (pl_towgs84_parse(towgs84, p))
            return cli_usage_error(park_usage, "--towgs84 expects 7 numbers DX,DY,DZ,RX,RY,RZ,S, not '%s'", towgs84);
        if (pl_park_set_datum_shift(db, code, datum, p, note, &err))
            return cli_fail(&err);
        printf(_("park %s: files in %s are transformed with %.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g "
                 "(dX,dY,dZ m; rX,rY,rZ arc-seconds; scale ppm)\n"),
               code, pl_datum_parse(datum), p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        return EXIT_DONE;
    }
    static const char *const keys[] = {"datum", "dx", "dy", "dz", "rx", "ry", "rz", "scale_ppm",
                                       "note", "updated_at", "updated_by"};
    static const char *const labels[] = {"基准 datum", "dX m", "dY m", "dZ m", "rX ″", "rY ″", "rZ ″",
                                         "尺度 scale ppm", "备注 note", "更新 updated", "更新人 by"};
    pl_table *t = pl_table_new(11, keys, labels);
    for (size_t k = 1; k <= 7; k++)
        pl_table_set_numeric(t, k);
    int rc = pl_park_each_datum_shift(db, code, add_shift_row, t, &err);
    if (!rc)
        cli_table_write(t, fmt);
    pl_table_free(t);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

/* park edit CODE [--name N] [--name-en N] [--district D] [--note T]; park remove CODE [--note T] */
static int park_edit_or_remove(int argc, char **argv, pl_db *db, int remove)
{
    const char *code = NULL, *name = NULL, *name_en = NULL, *district = NULL, *note = NULL;
    pl_park_contact_edit contact = {0};
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--note", &v)) > 0)
            note = v;
        else if (!r && !remove && (r = cli_opt_value(argc, argv, &i, "--name", &v)) > 0)
            name = v;
        else if (!r && !remove && (r = cli_opt_value(argc, argv, &i, "--name-en", &v)) > 0)
            name_en = v;
        else if (!r && !remove && (r = cli_opt_value(argc, argv, &i, "--district", &v)) > 0)
            district = v;
        else if (!r && !remove && (r = cli_opt_value(argc, argv, &i, "--contact-name", &v)) > 0)
            contact.name = v;
        else if (!r && !remove && (r = cli_opt_value(argc, argv, &i, "--contact-phone", &v)) > 0)
            contact.phone = v;
        else if (!r && !remove && (r = cli_opt_value(argc, argv, &i, "--contact-address", &v)) > 0)
            contact.address = v;
        else if (!r && !remove && (r = cli_opt_value(argc, argv, &i, "--contact-email", &v)) > 0)
            contact.email = v;
        else if (r < 0)
            return EXIT_USAGE;
        else if (argv[i][0] == '-' || code)
            return cli_usage_error(park_usage, "unexpected argument '%s'", argv[i]);
        else
            code = argv[i];
    }
    if (!code)
        return cli_usage_error(park_usage, "park %s needs a park CODE", remove ? "remove" : "edit");
    int st = cli_code(db, PL_CODE_PARK, NULL, &code, 0);
    if (st)
        return st;
    pl_error err;
    pl_error_clear(&err);
    if (remove) {
        if (pl_park_remove(db, code, note, &err))
            return cli_fail(&err);
        printf(_("removed park %s (its history stays: 'parkland history park %s')\n"), code, code);
        return EXIT_DONE;
    }
    if (!name && !name_en && !district && !contact.name && !contact.phone && !contact.address && !contact.email)
        return cli_usage_error(park_usage, "park edit needs something to change (--name, --name-en, --district, "
                                           "--contact-name, --contact-phone, --contact-address, --contact-email)");
    int n = 0;
    if (pl_park_edit_contact(db, code, name, name_en, district, &contact, note, &n, &err))
        return cli_fail(&err);
    if (n)
        printf(_("park %s: %d field%s changed\n"), code, n, n == 1 ? "" : "s");
    else
        printf(_("park %s: nothing to change (every value is already so); nothing written\n"), code);
    return EXIT_DONE;
}

int cmd_park(int argc, char **argv, const cli_global *g)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        printf(_("usage: %s\n\n  add    add a park\n  list   list parks\n"
               "  datum  the 7 parameters from Xian 1980 / Beijing 1954 for the park's imports\n"
               "  edit   correct a park's names and district, set its contacts for investors (lead brief)\n"
               "  remove remove a park without parcels\n"
               "  targets the targets of the scored figures (report kpi), per park or --global\n"),
               park_usage);
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    if (!strcmp(argv[1], "indicators"))
        return cmd_park_indicators(argc - 1, argv + 1, g);
    if (!strcmp(argv[1], "targets"))
        return cmd_park_targets(argc - 1, argv + 1, g);
    for (int i = 2; i < argc; i++)
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n"), park_usage);
            return EXIT_DONE;
        }
    if (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "datum") && strcmp(argv[1], "edit") &&
        strcmp(argv[1], "remove"))
        return cli_usage_error(park_usage, "unknown park command '%s'", argv[1]);
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    status = !strcmp(argv[1], "add")     ? park_add(argc, argv, db)
             : !strcmp(argv[1], "datum") ? park_datum(argc, argv, db)
             : !strcmp(argv[1], "edit")   ? park_edit_or_remove(argc, argv, db, 0)
             : !strcmp(argv[1], "remove") ? park_edit_or_remove(argc, argv, db, 1)
                                         : park_list(argc, argv, db);
    pl_db_close(db);
    return status;
}
