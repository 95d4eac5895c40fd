/* query_table.c — `query free` as a table: the columns of the CLI and of `parkland serve`'s /api/v1/free. */
#include "parkland/number.h"
#include "parkland/query.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Room for any double as "%.2f" (309 digits, a sign, the point, two decimals):
 * a number is never cut. */
#define NUM_BUF 320

/* 1.0, 1.25, 280.0 — at least one decimal, at most two. */
static void fmt_dec(char *buf, size_t len, double v)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return;
    }
    pl_format_fixed(buf, len, v, 2);
    size_t n = strlen(buf);
    if (n >= 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
        buf[n - 1] = '\0';
}

typedef struct out_ctx {
    pl_table *t;
    int fmt, near;
} out_ctx;

static int add_row(const pl_free_parcel *r, void *vctx)
{
    out_ctx *c = vctx;
    char m2[NUM_BUF], mu[NUM_BUF], dist[NUM_BUF], inten[NUM_BUF], fmin[NUM_BUF], fmax[NUM_BUF], far[2 * NUM_BUF + 4],
        tax[NUM_BUF];
    pl_format_fixed(m2, sizeof m2, r->area_m2, 2);
    pl_format_fixed(mu, sizeof mu, r->area_mu, 2);
    if (c->near)
        pl_format_fixed(dist, sizeof dist, r->distance_m, 1);
    fmt_dec(inten, sizeof inten, r->investment_intensity);
    fmt_dec(fmin, sizeof fmin, r->far_min);
    fmt_dec(fmax, sizeof fmax, r->far_max);
    fmt_dec(tax, sizeof tax, r->tax_per_mu);
    const char *cells[12];
    size_t k = 0;
    cells[k++] = r->park;
    cells[k++] = r->code;
    cells[k++] = r->name;
    cells[k++] = m2;
    cells[k++] = mu;
    if (c->near)
        cells[k++] = dist;
    cells[k++] = inten;
    if (c->fmt == PL_TABLE_TEXT) {
        if (fmin[0] && fmax[0])
            snprintf(far, sizeof far, "%s–%s", fmin, fmax);
        else if (fmin[0])
            snprintf(far, sizeof far, "≥ %s", fmin);
        else if (fmax[0])
            snprintf(far, sizeof far, "≤ %s", fmax);
        else
            far[0] = '\0';
        cells[k++] = far;
    } else {
        cells[k++] = fmin;
        cells[k++] = fmax;
    }
    cells[k++] = tax;
    cells[k++] = r->industries ? r->industries : c->fmt == PL_TABLE_TEXT ? "不限 any" : NULL;
    return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
}

static pl_table *new_table(int fmt, int near)
{
    const char *keys[12], *labels[12];
    int numeric[12] = {0}, prio[12] = {0}; /* prio: pl_table_set_priority, to fit the terminal */
    size_t k = 0;
#define COL(key, label, num, pri) (keys[k] = (key), labels[k] = (label), numeric[k] = (num), prio[k] = (pri), k++)
    COL("park", "园区 park", 0, 3);
    COL("code", "宗地号 code", 0, 0);
    COL("name", "名称 name", 0, 1);
    COL("area_m2", "面积 m²", 1, 4);
    COL("area_mu", "面积 亩", 1, 0);
    if (near)
        COL("distance_m", "距离 distance m", 1, 0);
    COL("investment_intensity", "投资强度 万元/亩", 1, 1);
    if (fmt == PL_TABLE_TEXT) {
        COL("far", "容积率 FAR min–max", 0, 2);
    } else {
        COL("far_min", "容积率 FAR min", 1, 2);
        COL("far_max", "容积率 FAR max", 1, 2);
    }
    COL("tax_per_mu", "亩均税收 万元/亩·年", 1, 2);
    COL("industries", "允许产业 industries", 0, 3);
#undef COL
    pl_table *t = pl_table_new(k, keys, labels);
    for (size_t i = 0; t && i < k; i++) {
        if (numeric[i])
            pl_table_set_numeric(t, i);
        pl_table_set_priority(t, i, prio[i]);
    }
    if (t)
        pl_table_set_wrap(t, k - 1); /* industries */
    return t;
}

int pl_query_free_table(pl_db *db, const pl_query_filter *f, pl_table_format fmt, pl_table **out, pl_error *err)
{
    int near = !isnan(f->within_m);
    out_ctx c = {new_table(fmt, near), fmt, near};
    *out = NULL;
    if (!c.t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    int rc = pl_query_free(db, f, add_row, &c, err);
    if (rc) {
        if (rc == PL_ERR_NOMEM && !err->message[0])
            pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        pl_table_free(c.t);
        return rc;
    }
    *out = c.t;
    return PL_OK;
}
