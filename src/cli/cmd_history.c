/* cmd_history.c — parkland history parcel|lead|project|park CODE */
#include "cli.h"

#include "parkland/history.h"
#include "parkland/table.h"

#include <stdio.h>
#include <string.h>

static const char history_usage[] =
    "parkland history parcel|lead|project|park CODE [--park P] [--format table|csv|json]";

static void help(void)
{
    printf(_("usage: %s\n\n"
           "Every recorded change of a parcel, lead, project or park, oldest first:\n"
           "when it was recorded (UTC), the date it takes effect (status moves), who, the field,\n"
           "old and new values, and the note. In the table a geometry is summarised\n"
           "(\"MULTIPOLYGON … (1234 chars)\"); csv and json carry the full text.\n\n"
           "  --park P        the park, when a parcel code exists in several\n"
           "  --format F      table (default), csv or json\n"),
           history_usage);
}

int cmd_history(int argc, char **argv, const cli_global *g)
{
    const char *entity = NULL, *code = NULL, *park = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            help();
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(history_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(history_usage, "unknown option '%s'", argv[i]);
        } else if (!entity) {
            entity = argv[i];
        } else if (!code) {
            code = argv[i];
        } else {
            return cli_usage_error(history_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!entity)
        return cli_usage_error(history_usage, "history of what? (parcel, lead, project or park)");
    const char *e = pl_history_entity_parse(entity);
    if (!e)
        return cli_usage_error(history_usage, "history of what? parcel, lead, project or park, not '%s'", entity);
    if (!code)
        return cli_usage_error(history_usage, "history %s needs a CODE", e);
    int st;
    pl_db *db = cli_open_db_park(g, park ? &park : NULL, &st);
    if (!db)
        return st;
    pl_code_kind kind = !strcmp(e, "parcel") ? PL_CODE_PARCEL
                        : !strcmp(e, "lead") ? PL_CODE_LEAD
                        : !strcmp(e, "park") ? PL_CODE_PARK
                                             : PL_CODE_PROJECT;
    if (strcmp(e, "user") && (st = cli_code(db, kind, kind == PL_CODE_PARCEL ? park : NULL, &code, 1))) {
        pl_db_close(db);
        return st;
    }
    pl_error err;
    pl_error_clear(&err);
    pl_table *t = NULL;
    int rc = pl_history_table(db, e, park, code, (pl_table_format)fmt, &t, &err);
    if (!rc) {
        if (fmt == PL_TABLE_TEXT)
            printf(_("%s %s: %zu change%s\n"), _(e), code, pl_table_rows(t), pl_table_rows(t) == 1 ? "" : "s");
        cli_table_write(t, fmt);
    }
    pl_table_free(t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
