/* match_contiguity.c — contiguity for match (match.c, step 3): the parcels of
 * live projects of the lead's industry, found near a candidate by one R*Tree
 * search per candidate, one per project parcel, or one pass over the whole
 * R*Tree, then confirmed by the exact statement (ST_Distance). */
#include "match_internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

DEFINE_SORT_BY_ID(boxes, box)

/* ---- contiguity ---- */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static size_t sort_unique(long *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_long);
    size_t o = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[o - 1])
            v[o++] = v[i];
    return o;
}

int match_has_id(const long *v, size_t n, long id)
{
    return n && bsearch(&id, v, n, sizeof *v, cmp_long) != NULL;
}

/* parcels of live projects whose lead is in the lead's industry */
static const char projects_sql[] =
    "SELECT pp.parcel_id FROM project pr CROSS JOIN lead l CROSS JOIN project_parcel pp"
    " WHERE l.id = pr.lead_id AND pp.project_id = pr.id AND l.industry = ?1 AND pr.terminated_on IS NULL"
    "   AND pp.reclaimed_on IS NULL";

/* parcels whose R*Tree box comes within ?2 of the box of parcel ?1 (itself included) */
static const char near_sql[] =
    "SELECT r.pkid FROM idx_parcel_geom c CROSS JOIN idx_parcel_geom r"
    " WHERE c.pkid = ?1 AND r.xmin <= c.xmax + ?2 AND r.xmax >= c.xmin - ?2"
    "   AND r.ymin <= c.ymax + ?2 AND r.ymax >= c.ymin - ?2";

static const char box_sql[] = "SELECT xmin, xmax, ymin, ymax FROM idx_parcel_geom WHERE pkid = ?1";

/* One pass over the R*Tree (pl_match_boxes: see pass_cb) that returns no row. */
static const char pass_sql[] = "SELECT pkid FROM idx_parcel_geom WHERE pkid MATCH pl_match_boxes()";

/* A parcel within 1 m of the candidate that belongs to a live project whose
 * lead is in the industry: R*Tree candidates, exact distance. */
static const char contiguity_sql[] =
    "SELECT q.code, pr.code FROM parcel q"
    "  JOIN project_parcel pp ON pp.parcel_id = q.id"
    "  JOIN project pr ON pr.id = pp.project_id"
    "  JOIN lead l ON l.id = pr.lead_id"
    " WHERE l.industry = ?1 AND pr.terminated_on IS NULL AND pp.reclaimed_on IS NULL AND q.id <> ?2"
    "   AND q.ROWID IN (SELECT pkid FROM idx_parcel_geom"
    "        WHERE xmin <= ?4 AND xmax >= ?3 AND ymin <= ?6 AND ymax >= ?5)"
    "   AND ST_Distance(q.geom, (SELECT geom FROM parcel WHERE id = ?2)) <= ?7"
    " ORDER BY q.code, pr.code LIMIT 1";

int match_load_projects(run *r)
{
    int rc = pl_db_prepare(r->db, projects_sql, &r->st_projects, r->err);
    if (rc)
        return rc;
    pl_bind_text(r->st_projects, 1, r->l->industry);
    int step;
    while ((step = sqlite3_step(r->st_projects)) == SQLITE_ROW) {
        if (pl_grow((void **)&r->proj, &r->capproj, r->nproj + 1, sizeof *r->proj, 256))
            return nomem(r);
        r->proj[r->nproj++] = (long)sqlite3_column_int64(r->st_projects, 0);
    }
    if (step != SQLITE_DONE)
        return pl_db_fail(r->db, r->err, "cannot read projects");
    r->nproj = sort_unique(r->proj, r->nproj);
    return PL_OK;
}

/* Is a parcel of r->proj (other than `id`) within reach of parcel `id`'s box? (*found = 1)
 * With collect set, every parcel within reach (other than `id`) is appended to r->near instead. */
static int search_near(run *r, long id, int collect, int *found)
{
    int rc;
    if (!r->st_near && (rc = pl_db_prepare(r->db, near_sql, &r->st_near, r->err)))
        return rc;
    sqlite3_stmt *st = r->st_near;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, CONTIGUOUS_M + BOX_SLACK);
    int step;
    rc = PL_OK;
    *found = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long hit = (long)sqlite3_column_int64(st, 0);
        if (hit == id)
            continue;
        if (collect) {
            if (pl_grow((void **)&r->near, &r->capnear, r->nnear + 1, sizeof *r->near, 256)) {
                rc = nomem(r);
                break;
            }
            r->near[r->nnear++] = hit;
        } else if (match_has_id(r->proj, r->nproj, hit)) {
            *found = 1;
            break;
        }
    }
    if (!rc && !*found && step != SQLITE_DONE)
        rc = pl_db_fail(r->db, r->err, "cannot search the spatial index");
    sqlite3_reset(st);
    return rc;
}

/* Project side: every parcel whose box comes within reach of a project parcel's box. */
static int build_near(run *r)
{
    int rc, found;
    for (size_t i = 0; i < r->nproj; i++)
        if ((rc = search_near(r, r->proj[i], 1, &found)))
            return rc;
    r->nnear = sort_unique(r->near, r->nnear);
    r->near_ready = 1;
    return PL_OK;
}

/* The R*Tree pass: the query callback sees every cell; leaves of parcels marked
 * in the byte map have their box copied out, and nothing is returned as a row.
 * The run being served is passed per thread (a statement runs in one thread). */
static _Thread_local run *pass_run;

static int append_box(box **v, size_t *n, size_t *cap, long id, const double *c)
{
    if (pl_grow((void **)v, cap, *n + 1, sizeof **v, 256))
        return -1;
    (*v)[(*n)++] = (box){id, c[0], c[1], c[2], c[3]};
    return 0;
}

static int pass_cb(sqlite3_rtree_query_info *q)
{
    run *r = pass_run;
    if (q->iLevel > 0) {
        q->eWithin = PARTLY_WITHIN;
        return SQLITE_OK;
    }
    q->eWithin = NOT_WITHIN;
    sqlite3_int64 id = q->iRowid;
    if (!r || q->nCoord != 4 || id < 0 || id > r->bytemap_max || !r->bytemap[id])
        return SQLITE_OK;
    unsigned char b = r->bytemap[id];
    if (((b & 1) && append_box(&r->cbox, &r->ncbox, &r->capcbox, (long)id, q->aCoord)) ||
        ((b & 2) && append_box(&r->qbox, &r->nqbox, &r->capqbox, (long)id, q->aCoord))) {
        r->pass_oom = 1;
        return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

static int cmp_box_id(const void *a, const void *b)
{
    long x = ((const box *)a)->id, y = ((const box *)b)->id;
    return x < y ? -1 : x > y;
}

/* The grid: cells of gcell, at most GRID_SPAN cells across for one box (larger ones go to qbig). */
#define GRID_SPAN 8

static long cell_of(double v, double g)
{
    double c = floor(v / g);
    return c < -1e15 ? (long)-1e15 : c > 1e15 ? (long)1e15 : (long)c;
}

static size_t bucket_of(const run *r, long cx, long cy)
{
    unsigned long long h = (unsigned long long)cx * 0x9E3779B97F4A7C15ULL;
    h ^= (unsigned long long)cy * 0xC2B2AE3D27D4EB4FULL;
    return (size_t)(h ^ (h >> 29)) & r->gmask;
}

/* Each project box, widened by the reach, into every cell it covers. */
static int build_grid(run *r)
{
    const double d = CONTIGUOUS_M + BOX_SLACK;
    double sum = 0;
    for (size_t i = 0; i < r->nqbox; i++)
        sum += fmax(r->qbox[i].x1 - r->qbox[i].x0, r->qbox[i].y1 - r->qbox[i].y0) + 2 * d;
    r->gcell = r->nqbox && sum > 0 ? sum / (double)r->nqbox : 1.0;
    /* the very large ones apart */
    size_t o = 0, cells = 0;
    for (size_t i = 0; i < r->nqbox; i++) {
        box b = r->qbox[i];
        long nx = cell_of(b.x1 + d, r->gcell) - cell_of(b.x0 - d, r->gcell) + 1;
        long ny = cell_of(b.y1 + d, r->gcell) - cell_of(b.y0 - d, r->gcell) + 1;
        if (nx > GRID_SPAN || ny > GRID_SPAN || !isfinite(b.x0 + b.x1 + b.y0 + b.y1)) {
            if (pl_grow((void **)&r->qbig, &r->capqbig, r->nqbig + 1, sizeof *r->qbig, 256))
                return -1;
            r->qbig[r->nqbig++] = b;
        } else {
            r->qbox[o++] = b;
            cells += (size_t)(nx * ny);
        }
    }
    r->nqbox = o;
    size_t nb = 64;
    while (nb < 2 * cells)
        nb *= 2;
    r->gmask = nb - 1;
    if (!(r->gstart = calloc(nb + 1, sizeof *r->gstart)) || !(r->gent = malloc((cells ? cells : 1) * sizeof *r->gent)))
        return -1;
    for (int fill = 0; fill < 2; fill++) {
        for (size_t i = 0; i < r->nqbox; i++) {
            const box *b = &r->qbox[i];
            long cx1 = cell_of(b->x1 + d, r->gcell), cy0 = cell_of(b->y0 - d, r->gcell),
                 cy1 = cell_of(b->y1 + d, r->gcell);
            for (long cx = cell_of(b->x0 - d, r->gcell); cx <= cx1; cx++)
                for (long cy = cy0; cy <= cy1; cy++) {
                    size_t k = bucket_of(r, cx, cy);
                    if (fill)
                        r->gent[--r->gstart[k + 1]] = i; /* filled from the end of each bucket */
                    else
                        r->gstart[k + 1]++;
                }
        }
        if (!fill) /* counts to ends */
            for (size_t k = 0; k < nb; k++)
                r->gstart[k + 1] += r->gstart[k];
    }
    /* after the fill, gstart[k + 1] has moved back to the start of bucket k: shift by one */
    memmove(r->gstart + 1, r->gstart + 2, (nb - 1) * sizeof *r->gstart);
    r->gstart[nb] = cells;
    r->gstart[0] = 0;
    return 0;
}

static int near_a_project(const run *r, const box *c, long id);

/* For the snapshot (match_snapshot_near): near[i] = 1 when a box of r->proj comes within reach of
 * boxes[i] (n of them, by id), as the pass would find it for that parcel. */
int match_near_projects(run *r, const box *boxes, size_t n, unsigned char *near)
{
    for (size_t i = 0; i < r->nproj; i++) {
        box key = {.id = r->proj[i]};
        const box *b = n ? bsearch(&key, boxes, n, sizeof *boxes, cmp_box_id) : NULL;
        const double c[4] = {b ? b->x0 : 0, b ? b->x1 : 0, b ? b->y0 : 0, b ? b->y1 : 0};
        if (b && append_box(&r->qbox, &r->nqbox, &r->capqbox, b->id, c))
            return nomem(r);
    }
    if (build_grid(r))
        return nomem(r);
    for (size_t i = 0; i < n; i++)
        near[i] = (unsigned char)near_a_project(r, &boxes[i], boxes[i].id);
    return PL_OK;
}

/* Boxes of the kept candidates that may be looked at, and of the project parcels, in one pass. */
static int build_pass(run *r, int floor, const arow *extra, size_t nextra)
{
    int rc;
    long max = 0;
    for (size_t i = 0; i < nextra; i++)
        if (extra[i].id > max)
            max = extra[i].id;
    for (size_t i = 0; i < r->nproj; i++)
        if (r->proj[i] > max)
            max = r->proj[i];
    for (size_t i = 0; i < r->nc; i++)
        if (r->c[i].ub >= floor && r->c[i].id > max)
            max = r->c[i].id;
    r->bytemap_max = max;
    if (!(r->bytemap = calloc((size_t)max + 1, 1)))
        return nomem(r);
    for (size_t i = 0; i < r->nproj; i++)
        if (r->proj[i] >= 0)
            r->bytemap[r->proj[i]] |= 2;
    for (size_t i = 0; i < r->nc; i++)
        if (r->c[i].ub >= floor && r->c[i].id >= 0)
            r->bytemap[r->c[i].id] |= 1;
    for (size_t i = 0; i < nextra; i++)
        if (extra[i].id >= 0)
            r->bytemap[extra[i].id] |= 1;
    if (sqlite3_prepare_v2(r->db->h, pass_sql, -1, &r->st_pass, NULL) != SQLITE_OK) {
        /* first use on this connection: register the callback (it lives as long as the connection) */
        if (sqlite3_rtree_query_callback(r->db->h, "pl_match_boxes", pass_cb, NULL, NULL) != SQLITE_OK)
            return pl_db_fail(r->db, r->err, "cannot register the spatial index pass");
        if ((rc = pl_db_prepare(r->db, pass_sql, &r->st_pass, r->err)))
            return rc;
    }
    pass_run = r;
    int step = sqlite3_step(r->st_pass);
    pass_run = NULL;
    sqlite3_reset(r->st_pass);
    if (r->pass_oom)
        return nomem(r);
    if (step != SQLITE_DONE)
        return pl_db_fail(r->db, r->err, "cannot read the spatial index");
    sort_boxes(r->cbox, r->ncbox);
    if (build_grid(r))
        return nomem(r);
    r->pass_ready = 1;
    return PL_OK;
}

/* Was this parcel's box looked for in the pass? (From the snapshot: every box was.) */
int match_pass_marked(const run *r, long id)
{
    if (r->snap_near)
        return 1;
    return id >= 0 && id <= r->bytemap_max && (r->bytemap[id] & 1);
}

static int boxes_near(const box *a, const box *b, long self, double d)
{
    return b->id != self && b->x0 <= a->x1 + d && b->x1 >= a->x0 - d && b->y0 <= a->y1 + d && b->y1 >= a->y0 - d;
}

/* After the pass: is a project parcel's box within reach of c's? Its box in *cb (0 without one). */
int match_pass_maybe(const run *r, long id, box *cb)
{
    if (r->snap_near)
        return match_snapshot_near(r, id, cb);
    box key = {.id = id};
    const box *c = bsearch(&key, r->cbox, r->ncbox, sizeof *r->cbox, cmp_box_id);
    if (!c)
        return 0;
    *cb = *c;
    return near_a_project(r, c, id);
}

/* Is a project parcel's box (r->qbox through the grid, r->qbig) within reach of box c, of parcel id? */
static int near_a_project(const run *r, const box *c, long id)
{
    const double d = CONTIGUOUS_M + BOX_SLACK;
    for (size_t i = 0; i < r->nqbig; i++)
        if (boxes_near(c, &r->qbig[i], id, d))
            return 1;
    long cx0 = cell_of(c->x0, r->gcell), cx1 = cell_of(c->x1, r->gcell), cy0 = cell_of(c->y0, r->gcell),
         cy1 = cell_of(c->y1, r->gcell);
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > GRID_SPAN * GRID_SPAN) {
        for (size_t i = 0; i < r->nqbox; i++) /* a very large candidate: every box */
            if (boxes_near(c, &r->qbox[i], id, d))
                return 1;
        return 0;
    }
    for (long cx = cx0; cx <= cx1; cx++)
        for (long cy = cy0; cy <= cy1; cy++) {
            size_t k = bucket_of(r, cx, cy);
            for (size_t e = r->gstart[k]; e < r->gstart[k + 1]; e++)
                if (boxes_near(c, &r->qbox[r->gent[e]], id, d))
                    return 1;
        }
    return 0;
}

/* Contiguity of c (tenths); when contiguous, the neighbour's and its project's
 * codes are copied into nb and pr (REASON_MAX bytes each, "" otherwise). */
int match_contiguity(run *r, const cand *c, int *points, char *nb, char *pr)
{
    nb[0] = pr[0] = '\0';
    *points = 0;
    if (r->contig_known) {
        *points = r->contig_value;
        return PL_OK;
    }
    int rc, maybe = 0, have_box = 0;
    box cb;
    if (r->pass_ready && match_pass_marked(r, c->id)) {
        maybe = match_pass_maybe(r, c->id, &cb); /* no box: not in the R*Tree, no neighbour */
        have_box = 1;
    } else if (r->near_ready) {
        maybe = match_has_id(r->near, r->nnear, c->id);
    } else if ((rc = search_near(r, c->id, 0, &maybe))) {
        return rc;
    }
    if (!maybe)
        return PL_OK;
    /* the exact test, as it always was: the candidate's box ± 1 m, then ST_Distance */
    if (!have_box) {
        if (!r->st_box && (rc = pl_db_prepare(r->db, box_sql, &r->st_box, r->err)))
            return rc;
        sqlite3_bind_int64(r->st_box, 1, c->id);
        int step = sqlite3_step(r->st_box);
        if (step == SQLITE_ROW)
            cb = (box){c->id, sqlite3_column_double(r->st_box, 0), sqlite3_column_double(r->st_box, 1),
                       sqlite3_column_double(r->st_box, 2), sqlite3_column_double(r->st_box, 3)};
        sqlite3_reset(r->st_box);
        if (step == SQLITE_DONE)
            return PL_OK;
        if (step != SQLITE_ROW)
            return pl_db_fail(r->db, r->err, "cannot search the spatial index");
    }
    if (!r->st_exact && (rc = pl_db_prepare(r->db, contiguity_sql, &r->st_exact, r->err)))
        return rc;
    sqlite3_stmt *st = r->st_exact;
    pl_bind_text(st, 1, r->l->industry);
    sqlite3_bind_int64(st, 2, c->id);
    sqlite3_bind_double(st, 3, cb.x0 - CONTIGUOUS_M);
    sqlite3_bind_double(st, 4, cb.x1 + CONTIGUOUS_M);
    sqlite3_bind_double(st, 5, cb.y0 - CONTIGUOUS_M);
    sqlite3_bind_double(st, 6, cb.y1 + CONTIGUOUS_M);
    sqlite3_bind_double(st, 7, CONTIGUOUS_M);
    int step = sqlite3_step(st);
    rc = PL_OK;
    if (step == SQLITE_ROW) {
        match_put(nb, REASON_MAX, "%s", col_str(st, 0));
        match_put(pr, REASON_MAX, "%s", col_str(st, 1));
        *points = PL_MATCH_CONTIGUITY_MAX * 10;
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(r->db, r->err, "cannot look for contiguous parcels");
    }
    sqlite3_reset(st);
    return rc;
}

/* How contiguity is looked up for the candidates left: one R*Tree search per
 * candidate, one per project parcel (then lookups), or one pass over the whole
 * R*Tree (then lookups in memory), whichever reads the R*Tree least: a search
 * reads a few nodes, the pass every node once. */
#define SEARCH_COST 250 /* a search costs about as much as passing this many R*Tree entries */

int match_plan_contiguity(run *r, const arow *extra, size_t nextra)
{
    r->planned = 1;
    if (r->contig_known)
        return PL_OK;
    if (r->snap && (r->plan == PL_MATCH_PLAN_COST || r->plan == PL_MATCH_PLAN_PASS)) {
        /* every box and whether a project parcel is within its reach: kept per industry */
        int rc = match_snapshot_use_near(r);
        if (!rc)
            r->pass_ready = 1;
        return rc;
    }
    int floor = lb_floor(r);
    size_t looks = nextra;
    for (size_t i = 0; i < r->nc; i++)
        looks += r->c[i].ub >= floor;
    size_t searches = looks < r->nproj ? looks : r->nproj;
    pl_match_plan plan = r->nproj < looks ? PL_MATCH_PLAN_BY_PROJECT : PL_MATCH_PLAN_BY_CANDIDATE;
    pl_match_plan forced = r->plan;
    if (searches >= 8 || forced == PL_MATCH_PLAN_PASS) {
        /* the R*Tree's size: about the number of parcels (ids index the byte map of the pass) */
        sqlite3_stmt *st;
        int rc = pl_db_prepare(r->db, "SELECT max(id) FROM parcel", &st, r->err);
        if (rc)
            return rc;
        long entries = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        int pass_fits = entries > 0 && entries <= BYTEMAP_MAX_ID;
        if (pass_fits && (double)searches * SEARCH_COST > (double)entries)
            plan = PL_MATCH_PLAN_PASS;
        if (!pass_fits && forced == PL_MATCH_PLAN_PASS)
            forced = PL_MATCH_PLAN_COST; /* the pass cannot be made */
    }
    if (forced != PL_MATCH_PLAN_COST)
        plan = forced;
    switch (plan) {
    case PL_MATCH_PLAN_PASS:
        return build_pass(r, floor, extra, nextra);
    case PL_MATCH_PLAN_BY_PROJECT:
        return build_near(r);
    default:
        return PL_OK;
    }
}

