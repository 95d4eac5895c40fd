/* match_table.c — pl_match_lead into a table: the columns of `match --format F` (parkland/match.h). */
#include "parkland/match.h"

#include <math.h>
#include <stdio.h>

typedef struct out_ctx {
    pl_table *t;
    int fmt;
} out_ctx;

static void fmt_points(char *buf, size_t len, double p)
{
    if (fabs(p - round(p)) < 1e-9)
        snprintf(buf, len, "%.0f", p);
    else
        snprintf(buf, len, "%.1f", p);
}

static int add_result(const pl_match_result *r, void *vctx)
{
    out_ctx *c = vctx;
    char rank[16], m2[32], mu[32], score[16];
    snprintf(rank, sizeof rank, "%d", r->rank);
    snprintf(m2, sizeof m2, "%.2f", r->area_m2);
    snprintf(mu, sizeof mu, "%.2f", r->area_mu);
    snprintf(score, sizeof score, "%.1f", r->score);
    if (c->fmt == PL_TABLE_TEXT) {
        for (int k = 0; k < PL_MATCH_NCOMPONENTS; k++) {
            const char *cells[8] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, r->reasons[k].text};
            if (k == 0) {
                cells[0] = rank;
                cells[1] = r->park;
                cells[2] = r->code;
                cells[3] = r->name;
                cells[4] = mu;
                cells[5] = r->status;
                cells[6] = score;
            }
            if (pl_table_add_row(c->t, cells))
                return PL_ERR_NOMEM;
        }
        return 0;
    }
    char pts[PL_MATCH_NCOMPONENTS][16];
    const char *cells[8 + 2 * PL_MATCH_NCOMPONENTS] = {rank, r->park, r->code, r->name, m2, mu, r->status, score};
    for (int k = 0; k < PL_MATCH_NCOMPONENTS; k++) {
        fmt_points(pts[k], sizeof pts[k], r->reasons[k].points);
        cells[8 + 2 * k] = pts[k];
        cells[9 + 2 * k] = r->reasons[k].text;
    }
    return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
}

static pl_table *new_table(int fmt)
{
    if (fmt == PL_TABLE_TEXT) {
        static const char *const keys[] = {"rank", "park", "code", "name", "area_mu", "status", "score", "reasons"};
        static const char *const labels[] = {"名次 rank", "园区 park", "宗地号 code", "名称 name", "面积 亩",
                                             "状态 status", "得分 score /100", "理由 reasons"};
        pl_table *t = pl_table_new(8, keys, labels);
        if (t) {
            pl_table_set_numeric(t, 0);
            pl_table_set_numeric(t, 4);
            pl_table_set_numeric(t, 6);
            /* to fit the terminal (pl_table_write_fit): park and status go first, reasons wrap */
            static const int prio[8] = {0, 3, 0, 2, 1, 3, 0, 1};
            for (size_t k = 0; k < 8; k++)
                pl_table_set_priority(t, k, prio[k]);
            pl_table_set_wrap(t, 7);
        }
        return t;
    }
    const char *keys[8 + 2 * PL_MATCH_NCOMPONENTS] = {"rank", "park", "code", "name", "area_m2", "area_mu",
                                                      "status", "score"};
    char names[2 * PL_MATCH_NCOMPONENTS][32];
    for (int k = 0; k < PL_MATCH_NCOMPONENTS; k++) {
        snprintf(names[2 * k], sizeof names[0], "%s_points", pl_match_component_name(k));
        snprintf(names[2 * k + 1], sizeof names[0], "%s_reason", pl_match_component_name(k));
        keys[8 + 2 * k] = names[2 * k];
        keys[9 + 2 * k] = names[2 * k + 1];
    }
    pl_table *t = pl_table_new(8 + 2 * PL_MATCH_NCOMPONENTS, keys, NULL);
    if (t) {
        static const size_t num[] = {0, 4, 5, 7};
        for (size_t i = 0; i < sizeof num / sizeof *num; i++)
            pl_table_set_numeric(t, num[i]);
        for (int k = 0; k < PL_MATCH_NCOMPONENTS; k++)
            pl_table_set_numeric(t, (size_t)(8 + 2 * k));
    }
    return t;
}

int pl_match_table(pl_db *db, const char *lead_code, const pl_match_options *opt, pl_table_format fmt,
                   pl_table **out, pl_error *err)
{
    *out = NULL;
    out_ctx c = {new_table((int)fmt), (int)fmt};
    if (!c.t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    int rc = pl_match_lead(db, lead_code, opt, add_result, &c, err);
    if (rc) {
        if (rc == PL_ERR_NOMEM && !err->message[0])
            pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        pl_table_free(c.t);
        return rc;
    }
    *out = c.t;
    return PL_OK;
}
