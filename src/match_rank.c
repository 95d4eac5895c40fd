/* match_rank.c — phase 2 of match: the kept candidates by decreasing upper
 * bound, contiguity looked up for each until none left can beat the `top`-th,
 * the best `top` in a heap (match.c, step 3). */
#include "match_internal.h"

#include <math.h>
#include <string.h>

/* ---- phase 2: the best `top` ---- */

/* 1 when a ranks before b (both with their codes) */
static int better(const entry *a, const entry *b)
{
    if (a->total != b->total)
        return a->total > b->total;
    if (fabs(a->c->dev - b->c->dev) > PL_MATCH_AREA_TIE) /* equal deviations tie, whatever the rounding */
        return a->c->dev < b->c->dev;
    int c = strcmp(a->park, b->park);
    if (c)
        return c < 0;
    return strcmp(a->code, b->code) < 0;
}

static void sift_down(run *r, size_t i)
{
    entry **h = r->h;
    for (;;) {
        size_t a = 2 * i + 1, b = a + 1, w = i;
        if (a < r->nh && better(h[w], h[a]))
            w = a;
        if (b < r->nh && better(h[w], h[b]))
            w = b;
        if (w == i)
            return;
        entry *t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static void sift_up(run *r, size_t i)
{
    entry **h = r->h;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!better(h[p], h[i]))
            return;
        entry *t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static const char detail_sql[] =
    "SELECT k.code, p.code, p.name, p.status, NULLIF(trim(i.industries), '')"
    "  FROM parcel p JOIN park k ON k.id = p.park_id"
    "  LEFT JOIN parcel_indicator i ON i.parcel_id = p.id WHERE p.id = ?1";

static char *append(char **at, const char *s)
{
    if (!s)
        return NULL;
    char *start = *at;
    size_t n = strlen(s) + 1;
    memcpy(start, s, n);
    *at += n;
    return start;
}

/* An entry for c with its codes and the strings its reasons need (one block). */
static int make_entry(run *r, const cand *c, int contig, const char *nb, const char *pr, entry **out)
{
    int rc;
    *out = NULL;
    if (!r->st_detail && (rc = pl_db_prepare(r->db, detail_sql, &r->st_detail, r->err)))
        return rc;
    sqlite3_stmt *st = r->st_detail;
    sqlite3_bind_int64(st, 1, c->id);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? pl_error_set(r->err, PL_ERR_DB, "parcel %ld vanished while matching", c->id)
                                 : pl_db_fail(r->db, r->err, "cannot read a parcel");
        sqlite3_reset(st);
        return rc;
    }
    const char *s[5];
    size_t len = sizeof(entry) + strlen(nb) + strlen(pr) + 2;
    for (int i = 0; i < 5; i++) {
        s[i] = (const char *)sqlite3_column_text(st, i);
        len += (s[i] ? strlen(s[i]) : 0) + 1;
    }
    entry *e = malloc(len);
    if (!e) {
        sqlite3_reset(st);
        return nomem(r);
    }
    memset(e, 0, sizeof *e);
    char *at = (char *)(e + 1);
    e->c = c;
    e->contig = contig;
    e->total = c->partial + contig;
    e->park = append(&at, s[0] ? s[0] : "");
    e->code = append(&at, s[1] ? s[1] : "");
    e->name = append(&at, s[2]);
    e->status = append(&at, s[3] ? s[3] : "");
    e->industries = append(&at, s[4]);
    e->neighbour = nb[0] ? append(&at, nb) : NULL;
    e->project = nb[0] ? append(&at, pr) : NULL;
    sqlite3_reset(st);
    *out = e;
    return PL_OK;
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->ub != y->ub)
        return x->ub > y->ub ? -1 : 1;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_rank(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

/* Take the kept candidates by decreasing upper bound; stop when the next cannot beat the `top`-th. */
int match_rank(run *r)
{
    int rc = PL_OK;
    qsort(r->c, r->nc, sizeof *r->c, cmp_cand);
    if (!r->planned && (rc = match_plan_contiguity(r, NULL, 0)))
        return rc;
    if (pl_grow((void **)&r->h, &r->caph, r->top < r->nc ? r->top : (r->nc ? r->nc : 1), sizeof *r->h, 256))
        return nomem(r);
    char nb[REASON_MAX], pr[REASON_MAX];
    for (size_t i = 0; i < r->nc; i++) {
        const cand *c = &r->c[i];
        entry *min = r->nh == r->top ? r->h[0] : NULL;
        if (min && (c->ub < min->total ||
                    (c->ub == min->total && c->dev > min->c->dev + PL_MATCH_AREA_TIE)))
            break; /* neither this one nor any after it (sorted) can beat the `top`-th */
        int contig;
        if ((rc = match_contiguity(r, c, &contig, nb, pr)))
            return rc;
        int total = c->partial + contig;
        if (min && (total < min->total ||
                    (total == min->total && c->dev > min->c->dev + PL_MATCH_AREA_TIE)))
            continue;
        entry *e;
        if ((rc = make_entry(r, c, contig, nb, pr, &e)))
            return rc;
        if (!min) {
            r->h[r->nh++] = e;
            sift_up(r, r->nh - 1);
        } else if (better(e, min)) {
            free(min);
            r->h[0] = e;
            sift_down(r, 0);
        } else {
            free(e);
        }
    }
    if (r->nh)
        qsort(r->h, r->nh, sizeof *r->h, cmp_rank);
    return PL_OK;
}
