/* match_scan.c — phase 1 of match: every free parcel counted, and those that
 * may be among the best `top` kept as numbers (match.c, steps 1 and 2). */
#include "match_internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* ---- lower bounds: the `top`-th best so far ---- */

static int lb_offer(run *r, int v)
{
    int *h;
    size_t i;
    if (r->nlb < r->top) {
        if (pl_grow((void **)&r->lb, &r->caplb, r->nlb + 1, sizeof *r->lb, 256))
            return -1;
        h = r->lb;
        i = r->nlb++;
        h[i] = v;
        while (i > 0 && h[(i - 1) / 2] > h[i]) {
            int t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return 0;
    }
    h = r->lb;
    if (v <= h[0])
        return 0;
    h[0] = v;
    i = 0;
    for (;;) {
        size_t a = 2 * i + 1, b = a + 1, w = i;
        if (a < r->nlb && h[a] < h[w])
            w = a;
        if (b < r->nlb && h[b] < h[w])
            w = b;
        if (w == i)
            return 0;
        int t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}


/* ---- phase 1: free parcels as numbers ---- */

static int fit_of(run *r, const char *s, size_t n)
{
    if (!s || n >= FIT_MEMO_LEN)
        return match_industry_fit(s, n, r->l);
    for (int i = 0; i < r->nmemo; i++)
        if (r->memo[i].len == n && !memcmp(r->memo[i].s, s, n))
            return r->memo[i].fit;
    int fit = match_industry_fit(s, n, r->l);
    if (fit >= 0 && r->nmemo < FIT_MEMO) {
        fit_memo *m = &r->memo[r->nmemo++];
        m->len = n;
        m->fit = fit;
        memcpy(m->s, s, n);
    }
    return fit;
}

/* Score a free parcel from its numbers; keep it if it may count. */
static int take_values(run *r, long id, double area_m2, double inv, double tax, const char *ind, size_t n)
{
    const lead_info *l = r->l;
    cand c;
    c.id = id;
    c.area_m2 = area_m2;
    c.inv = inv;
    c.tax = tax;
    c.fit = fit_of(r, ind, n);
    if (c.fit < 0)
        return nomem(r);
    c.partial = match_partial(l, c.area_m2, c.inv, c.tax, c.fit, &c.dev);
    int lower = c.partial + (r->contig_known ? r->contig_value : 0);
    c.ub = c.partial + contig_most(r);
    if (c.ub < lb_floor(r))
        return PL_OK;
    if (pl_grow((void **)&r->c, &r->capc, r->nc + 1, sizeof *r->c, 256))
        return nomem(r);
    r->c[r->nc++] = c;
    return lb_offer(r, lower) ? nomem(r) : PL_OK;
}

/* A row (id, area_m2, investment_intensity, tax_per_mu, industries). */
static int take_row(run *r, sqlite3_stmt *st)
{
    const char *ind = (const char *)sqlite3_column_text(st, 4);
    return take_values(r, (long)sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1), pl_col_num(st, 2),
                       pl_col_num(st, 3), ind, ind ? (size_t)sqlite3_column_bytes(st, 4) : 0);
}

static int take_rows(run *r, sqlite3_stmt *st, long *count)
{
    int step, rc = PL_OK;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count)
            ++*count;
        if ((rc = take_row(r, st)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(r->db, r->err, "cannot read free parcels");
    sqlite3_reset(st);
    return rc;
}

/* The most area points (tenths) of a parcel of this area, or of any parcel
 * farther from the demand on the same side. */
static int area_bound(const lead_info *l, double area_m2)
{
    int p = match_area_points(l, area_m2 * 15.0 / 10000.0, NULL, NULL) + 1; /* +0.1: rounding aside */
    return p > PL_MATCH_AREA_MAX * 10 ? PL_MATCH_AREA_MAX * 10 : p;
}

/* Available parcels with area_m2 in [?1, ?2) but not in [?3, ?4): a range of
 * the parcel(status, area_m2) index, read from the index alone (with --park, an
 * index on parcel(park_id, status, area_m2) would keep it so). */
static const char window_sql[] =
    "SELECT id, area_m2 FROM parcel WHERE status = 'available' AND area_m2 >= ?1 AND area_m2 < ?2"
    "   AND NOT (area_m2 >= ?3 AND area_m2 < ?4)";
static const char window_park_sql[] =
    "SELECT id, area_m2 FROM parcel WHERE park_id = ?5 AND status = 'available' AND area_m2 >= ?1 AND area_m2 < ?2"
    "   AND NOT (area_m2 >= ?3 AND area_m2 < ?4)";
/* the minimums of the parcels whose ids are in the JSON array ?1, in its order
 * (no parcel_indicator row: not set) */
static const char indicator_sql[] =
    "SELECT j.value, i.investment_intensity, i.tax_per_mu, i.industries"
    "  FROM json_each(?1) j LEFT JOIN parcel_indicator i ON i.parcel_id = j.value";
/* ids per execution of indicator_sql: the floor is looked at again between them */
#define INDICATOR_BATCH 512

DEFINE_SORT_BY_ID(arows, arow)


/* Append id in decimal and a comma. */
static size_t put_id(char *p, long id)
{
    char d[24];
    size_t n = 0, o = 0;
    unsigned long u = id < 0 ? 0UL - (unsigned long)id : (unsigned long)id;
    do
        d[n++] = (char)('0' + u % 10);
    while (u /= 10);
    if (id < 0)
        p[o++] = '-';
    while (n)
        p[o++] = d[--n];
    p[o++] = ',';
    return o;
}


/* Does parcel area a fall in the window [lo, hi) but not in [xlo, xhi)? As window_sql says it. */
static int in_window(double a, double lo, double hi, double xlo, double xhi)
{
    return a >= lo && a < hi && !(a >= xlo && a < xhi);
}

/* window_ids from the snapshot: the same parcels, in the same order. */
static int window_ids_snapshot(run *r, double lo, double hi, double xlo, double xhi)
{
    const int contig_max = contig_most(r);
    const int floor = lb_floor(r);
    size_t n;
    const match_snap_parcel *p = match_snapshot_parcels(r, lo, &n);
    for (size_t i = 0; i < n && p[i].area_m2 < hi; i++) {
        const match_snap_parcel *sp = &p[i];
        if (sp->area_null || (r->park_id && sp->park_id != r->park_id) ||
            !in_window(sp->area_m2, lo, hi, xlo, xhi))
            continue;
        arow a = {sp->id, sp->area_m2, 0, sp};
        a.area = isnan(r->l->land_mu) ? match_neutral(PL_MATCH_AREA)
                                      : match_area_points(r->l, a.area_m2 * 15.0 / 10000.0, NULL, NULL);
        if (a.area + OTHERS_MAX + contig_max < floor)
            continue;
        if (pl_grow((void **)&r->a, &r->capa, r->na + 1, sizeof *r->a, 256))
            return nomem(r);
        r->a[r->na++] = a;
    }
    sort_arows(r->a, r->na);
    return PL_OK;
}

/* The parcels of one window: ids and areas from the index, those whose area
 * leaves them a chance kept in r->a, by id. */
static int window_ids(run *r, double lo, double hi, double xlo, double xhi)
{
    r->na = 0;
    if (r->snap) /* no statement then: r->st_window is not prepared */
        return window_ids_snapshot(r, lo, hi, xlo, xhi);
    const int contig_max = contig_most(r);
    sqlite3_stmt *st = r->st_window;
    sqlite3_bind_double(st, 1, lo);
    sqlite3_bind_double(st, 2, hi);
    sqlite3_bind_double(st, 3, xlo);
    sqlite3_bind_double(st, 4, xhi);
    int step, rc = PL_OK, floor = lb_floor(r);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        arow a = {(long)sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1), 0, NULL};
        a.area = isnan(r->l->land_mu) ? match_neutral(PL_MATCH_AREA)
                                      : match_area_points(r->l, a.area_m2 * 15.0 / 10000.0, NULL, NULL);
        if (a.area + OTHERS_MAX + contig_max < floor)
            continue;
        if (pl_grow((void **)&r->a, &r->capa, r->na + 1, sizeof *r->a, 256)) {
            rc = nomem(r);
            break;
        }
        r->a[r->na++] = a;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(r->db, r->err, "cannot read free parcels");
    sqlite3_reset(st);
    /* by id: parcel_indicator is then read page after page instead of at random */
    if (!rc)
        sort_arows(r->a, r->na);
    return rc;
}

/* Score the parcels of r->a: each one's minimums, unless its area and what is
 * known of its contiguity already keep it below the floor. */
static int window_score(run *r)
{
    const int contig_max = contig_most(r);
    sqlite3_stmt *st = r->st_indicator;
    size_t i = 0;
    while (i < r->na) {
        /* the next batch of parcels that may still reach the floor, as a JSON array of ids */
        size_t batch[INDICATOR_BATCH], nb = 0, len = 1;
        if (!r->snap && pl_grow((void **)&r->json, &r->capjson, INDICATOR_BATCH * 22 + 3, 1, 256))
            return nomem(r);
        if (!r->snap)
            r->json[0] = '[';
        int floor = lb_floor(r);
        for (; i < r->na && nb < INDICATOR_BATCH; i++) {
            const arow *a = &r->a[i];
            int cmax = contig_max;
            box b;
            if ((r->pass_ready && match_pass_marked(r, a->id) && !match_pass_maybe(r, a->id, &b)) ||
                (r->near_ready && !match_has_id(r->near, r->nnear, a->id)))
                cmax = 0; /* no project parcel within reach: no contiguity */
            if (a->area + OTHERS_MAX + cmax < floor)
                continue;
            batch[nb++] = i;
            if (!r->snap)
                len += put_id(r->json + len, a->id);
        }
        if (!nb)
            break;
        if (r->snap) { /* the minimums are in the snapshot */
            int rc = PL_OK;
            for (size_t k = 0; !rc && k < nb; k++) {
                const arow *a = &r->a[batch[k]];
                const match_snap_parcel *sp = a->sp;
                rc = take_values(r, a->id, a->area_m2, sp->inv, sp->tax, match_snapshot_industries(r, sp),
                                 sp->ind_len);
            }
            if (rc)
                return rc;
            continue;
        }
        r->json[len - 1] = ']';
        sqlite3_bind_text(st, 1, r->json, (int)len, SQLITE_STATIC);
        int step, rc = PL_OK;
        size_t k = 0;
        while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
            const arow *a = k < nb ? &r->a[batch[k++]] : NULL;
            if (!a || sqlite3_column_int64(st, 0) != a->id) {
                rc = pl_error_set(r->err, PL_ERR_DB, "standard-land indicators came back out of order");
                break;
            }
            const char *ind = (const char *)sqlite3_column_text(st, 3);
            rc = take_values(r, a->id, a->area_m2, pl_col_num(st, 1), pl_col_num(st, 2), ind,
                             ind ? (size_t)sqlite3_column_bytes(st, 3) : 0);
        }
        if (!rc && step != SQLITE_DONE)
            rc = pl_db_fail(r->db, r->err, "cannot read standard-land indicators");
        if (!rc && k != nb)
            rc = pl_error_set(r->err, PL_ERR_DB, "standard-land indicators: %zu of %zu parcels", k, nb);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (rc)
            return rc;
    }
    return PL_OK;
}

/* Window edges are looked for every EDGE_STEP of deviation; while fewer than
 * `top` parcels are known, windows widen by rounds. */
#define EDGE_STEP 0.025
static const double round_dev[] = {AREA_BAND, 0.2, 0.3, AREA_ZERO};
#define NROUNDS (sizeof round_dev / sizeof *round_dev)

/* Read the available parcels the ranking needs: the ±10 % band first, then
 * wider windows, each read once, until no parcel outside the window can reach
 * the `top`-th lower bound (the floor). Once the floor is known, contiguity is
 * planned, so that a pass over the R*Tree can spare the minimums of parcels far
 * from any project. */
static int read_available(run *r)
{
    const int contig_max = contig_most(r);
    const lead_info *l = r->l;
    double at = l->land_mu * 10000.0 / 15.0; /* area_m2 of the demand */
    int rc;
    if (isnan(l->land_mu) || !isfinite(at) || !(at > 0)) {
        if (!(rc = window_ids(r, -HUGE_VAL, HUGE_VAL, 0, 0)))
            rc = window_score(r);
        return rc;
    }
    double lo = at * (1 - AREA_BAND), hi = at * (1 + AREA_BAND);
    if ((rc = window_ids(r, lo, hi, 0, 0)) || (rc = window_score(r)))
        return rc;
    size_t k = 0;
    for (;;) {
        double nlo, nhi;
        int full = r->nlb == r->top;
        if (!full) {
            /* fewer than `top` so far: the next coarse round, or everything */
            if (++k < NROUNDS) {
                nlo = at * (1 - round_dev[k]);
                nhi = at * (1 + round_dev[k]);
            } else {
                nlo = -HUGE_VAL;
                nhi = HUGE_VAL;
            }
        } else {
            /* beyond nlo and nhi no parcel reaches the floor, even with every other point */
            int need = lb_floor(r) - OTHERS_MAX - contig_max;
            nlo = -HUGE_VAL;
            nhi = HUGE_VAL;
            for (double d = AREA_BAND; d < AREA_ZERO + EDGE_STEP / 2; d += EDGE_STEP) {
                if (nhi == HUGE_VAL && area_bound(l, at * (1 + d)) < need)
                    nhi = at * (1 + d);
                if (nlo == -HUGE_VAL && area_bound(l, at * (1 - d)) < need)
                    nlo = at * (1 - d);
            }
        }
        if (nlo >= lo && nhi <= hi)
            break;
        if (nlo > lo)
            nlo = lo;
        if (nhi < hi)
            nhi = hi;
        if ((rc = window_ids(r, nlo, nhi, lo, hi)))
            return rc;
        if (full && !r->planned && (rc = match_plan_contiguity(r, r->a, r->na)))
            return rc;
        if ((rc = window_score(r)))
            return rc;
        lo = nlo;
        hi = nhi;
        if (lo == -HUGE_VAL && hi == HUGE_VAL)
            break;
    }
    return PL_OK;
}

static const char count_sql[] = "SELECT count(*) FROM parcel p WHERE p.status = 'available'";
static const char count_park_sql[] =
    "SELECT count(*) FROM parcel p WHERE p.park_id = ?1 AND p.status = 'available'";

/* reserved with an open reservation for this lead (driven by the reservations) */
static const char reserved_sql[] =
    "SELECT p.id, p.area_m2, i.investment_intensity, i.tax_per_mu, i.industries"
    "  FROM parcel p LEFT JOIN parcel_indicator i ON i.parcel_id = p.id"
    " WHERE p.id IN (SELECT r.parcel_id FROM reservation r WHERE r.lead_id = ?1 AND r.released_on IS NULL)"
    "   AND +p.status = 'reserved' AND (?2 IS NULL OR +p.park_id = ?2)";

/* Phase 1: count the free parcels, keep those that may be among the best `top`. */
int match_gather(run *r, long *candidates)
{
    const lead_info *l = r->l;
    int rc;
    *candidates = 0;
    if (r->use_snapshot && (rc = match_snapshot_use(r)))
        return rc;
    if (r->snap) {
        *candidates = (long)match_snapshot_count(r);
    } else {
        if ((rc = pl_db_prepare(r->db, r->park_id ? count_park_sql : count_sql, &r->st_count, r->err)))
            return rc;
        if (r->park_id)
            sqlite3_bind_int64(r->st_count, 1, r->park_id);
        if (sqlite3_step(r->st_count) != SQLITE_ROW)
            return pl_db_fail(r->db, r->err, "cannot count free parcels");
        *candidates = (long)sqlite3_column_int64(r->st_count, 0);
    }

    /* contiguity: the same for everyone without an industry or without projects of it */
    if (!l->industry[0]) {
        r->contig_known = 1;
        r->contig_value = match_neutral(PL_MATCH_CONTIGUITY);
    } else {
        if ((rc = r->snap ? match_snapshot_projects(r, match_load_projects) : match_load_projects(r)))
            return rc;
        if (!r->nproj) {
            r->contig_known = 1;
            r->contig_value = 0;
        }
    }
    /* reserved for this lead: few, all taken */
    if ((rc = pl_db_prepare(r->db, reserved_sql, &r->st_reserved, r->err)))
        return rc;
    sqlite3_bind_int64(r->st_reserved, 1, l->id);
    if (r->park_id)
        sqlite3_bind_int64(r->st_reserved, 2, r->park_id);
    if ((rc = take_rows(r, r->st_reserved, candidates)))
        return rc;

    /* available: the windows of area the ranking needs, each in id order */
    if (r->snap)
        return read_available(r);
    if ((rc = pl_db_prepare(r->db, r->park_id ? window_park_sql : window_sql, &r->st_window, r->err)))
        return rc;
    if (r->park_id)
        sqlite3_bind_int64(r->st_window, 5, r->park_id);
    if ((rc = pl_db_prepare(r->db, indicator_sql, &r->st_indicator, r->err)))
        return rc;
    return read_available(r);
}

