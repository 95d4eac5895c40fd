/* cmd_history.c — parkland history parcel|lead|project|park CODE */
#include "cli.h"

#include "parkland/history.h"
#include "parkland/table.h"

#include <ctype.h>
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

typedef struct hctx {
    pl_table *t;
    int text;
} hctx;

/* "MULTIPOLYGON … (1234 chars)" for a WKT value in the text table. */
static const char *summarise(const char *field, const char *v, char *buf, size_t len)
{
    if (!v)
        return NULL;
    size_t n = strlen(v), k = 0;
    while (k < n && isupper((unsigned char)v[k]))
        k++;
    int wkt = k >= 5 && (v[k] == '(' || v[k] == ' ');
    if (!(wkt || (field && !strcmp(field, "geometry"))) || n <= 48)
        return v;
    snprintf(buf, len, "%.*s … (%zu chars)", (int)(k ? k : 16), v, n);
    return buf;
}

static int add_row(const pl_history_row *r, void *vctx)
{
    hctx *c = vctx;
    char o[128], nw[128], batch[32] = "";
    if (r->batch_id)
        snprintf(batch, sizeof batch, "%ld", r->batch_id);
    const char *ov = c->text ? summarise(r->field, r->old_value, o, sizeof o) : r->old_value;
    const char *nv = c->text ? summarise(r->field, r->new_value, nw, sizeof nw) : r->new_value;
    const char *cells[] = {r->at, r->effective, r->who, r->field, ov, nv, r->note, batch};
    return pl_table_add_row(c->t, cells) ? 1 : 0;
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
    static const char *const keys[] = {"at", "effective", "who", "field", "old", "new", "note", "batch"};
    static const char *const labels[] = {"记录时间 recorded at", "生效日期 effective", "操作人 who", "字段 field",
                                         "原值 old", "新值 new", "备注 note", "批次 batch"};
    hctx c = {pl_table_new(8, keys, labels), fmt == PL_TABLE_TEXT};
    pl_table_set_numeric(c.t, 7);
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_history_each(db, e, park, code, add_row, &c, &err);
    if (rc == 1 && !err.message[0])
        pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
    if (!rc) {
        if (fmt == PL_TABLE_TEXT)
            printf(_("%s %s: %zu change%s\n"), _(e), code, pl_table_rows(c.t), pl_table_rows(c.t) == 1 ? "" : "s");
        cli_table_write(c.t, fmt);
    }
    pl_table_free(c.t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
