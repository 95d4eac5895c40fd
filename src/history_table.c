/* history_table.c — the history of one entity as a table: the columns of
 * `history ENTITY CODE --format csv|json` (parkland/history.h). */
#include "parkland/history.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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

int pl_history_table(pl_db *db, const char *entity, const char *park, const char *code, pl_table_format fmt,
                     pl_table **out, pl_error *err)
{
    *out = NULL;
    static const char *const keys[] = {"at", "effective", "who", "field", "old", "new", "note", "batch"};
    static const char *const labels[] = {"记录时间 recorded at", "生效日期 effective", "操作人 who", "字段 field",
                                         "原值 old", "新值 new", "备注 note", "批次 batch"};
    hctx c = {pl_table_new(8, keys, labels), fmt == PL_TABLE_TEXT};
    if (!c.t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    pl_table_set_numeric(c.t, 7);
    int rc = pl_history_each(db, entity, park, code, add_row, &c, err);
    if (rc == 1 && !err->message[0])
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    if (rc) {
        pl_table_free(c.t);
        return rc;
    }
    *out = c.t;
    return PL_OK;
}
