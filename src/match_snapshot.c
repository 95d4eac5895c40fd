/* match_snapshot.c — what match reads of every free parcel, kept in memory per
 * connection (pl_db) and read again only when it has changed.
 *
 * Phase 1 of match (match_scan.c) used to read the available parcels' areas
 * and minimums, the parcels of live projects and the whole R*Tree from SQLite
 * on every call (≈ 16 ms at 100 000 parcels). They are now read once into a
 * match_snapshot and reused while the counters of schema 15 (match_generation,
 * bumped by triggers in the writer's transaction) stand where they stood when
 * it was built. The counters are read in the call's read transaction, so the
 * snapshot is always that of the data the rest of the call reads: a write by
 * any connection (or process) to a table match reads invalidates it, a write
 * to any other table (a lead added, its stage moved) does not.
 *
 * Two parts, each with its own counters:
 *  - parcels (parcel, parcel_indicator): the available parcels by area, the
 *    R*Tree boxes by id;
 *  - projects (project, project_parcel, lead's industry): per industry, the
 *    parcels of its live projects and, by box, whether one of them is within
 *    reach (what the R*Tree pass of match_contiguity.c finds), a few industries
 *    kept (both read again with the parcels).
 *
 * Memory at 100 000 parcels (bench/, 39 904 available, every parcel in the
 * R*Tree): 48 B per available parcel (1.9 MB) + their industries text
 * (≈ 0.4 MB) + 40 B per R*Tree box (4.0 MB) ≈ 6.3 MB per connection, plus per
 * industry kept 8 B per project parcel and 1 B per box (0.1 MB). Freed with the handle
 * (pl_db_close). */
#include "match_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_INDUSTRIES 8

typedef struct snap_projects {
    char industry[64];
    long *ids;           /* sorted, unique */
    size_t n;
    unsigned char *near; /* by box of the snapshot: one of ids within reach (NULL until needed) */
} snap_projects;

struct match_snapshot {
    sqlite3_stmt *st_gen;        /* the counters, prepared once */
    int parcels_ready;
    long long gen_parcels;       /* counters the parcels part was read at */
    match_snap_parcel *p;        /* available parcels by area_m2, then id */
    size_t np, capp;
    char *text;                  /* their industries, one after the other (no terminators) */
    size_t ntext, captext;
    box *boxes;                  /* the R*Tree, by id */
    size_t nboxes, capboxes;
    int projects_ready;
    long long gen_projects;      /* counters the project lists were read at */
    snap_projects proj[SNAP_INDUSTRIES];
    int nproj, next_evict;
    unsigned long builds;        /* times the parcels part was read (tests) */
};

static const char gen_sql[] =
    "SELECT coalesce(sum(gen) FILTER (WHERE name IN ('parcel', 'parcel_indicator')), 0),"
    "       coalesce(sum(gen) FILTER (WHERE name IN ('project', 'project_parcel', 'lead')), 0)"
    "  FROM match_generation";

static const char available_sql[] =
    "SELECT p.id, p.park_id, p.area_m2, i.investment_intensity, i.tax_per_mu, i.industries"
    "  FROM parcel p LEFT JOIN parcel_indicator i ON i.parcel_id = p.id WHERE p.status = 'available'";

static const char boxes_sql[] = "SELECT pkid, xmin, xmax, ymin, ymax FROM idx_parcel_geom";

static void projects_clear(match_snapshot *s)
{
    for (int i = 0; i < s->nproj; i++) {
        free(s->proj[i].ids);
        free(s->proj[i].near);
    }
    s->nproj = 0;
    s->next_evict = 0;
}

void pl_match_snapshot_free(match_snapshot *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->st_gen);
    free(s->p);
    free(s->text);
    free(s->boxes);
    projects_clear(s);
    free(s);
}

unsigned long match_snapshot_builds(const pl_db *db)
{
    return db->match_snapshot ? db->match_snapshot->builds : 0;
}

static int cmp_area(const void *a, const void *b)
{
    const match_snap_parcel *x = a, *y = b;
    if (x->area_m2 != y->area_m2)
        return x->area_m2 < y->area_m2 ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_box(const void *a, const void *b)
{
    long x = ((const box *)a)->id, y = ((const box *)b)->id;
    return x < y ? -1 : x > y;
}

/* Read the parcels part again (in the caller's read transaction). */
static int read_parcels(run *r, match_snapshot *s)
{
    sqlite3_stmt *st;
    int rc, step;
    s->parcels_ready = 0;
    s->np = s->ntext = s->nboxes = 0;
    if ((rc = pl_db_prepare(r->db, available_sql, &st, r->err)))
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (pl_grow((void **)&s->p, &s->capp, s->np + 1, sizeof *s->p, 1024)) {
            sqlite3_finalize(st);
            return nomem(r);
        }
        match_snap_parcel *p = &s->p[s->np];
        p->id = (long)sqlite3_column_int64(st, 0);
        p->park_id = (long)sqlite3_column_int64(st, 1);
        p->area_m2 = sqlite3_column_double(st, 2);
        p->area_null = sqlite3_column_type(st, 2) == SQLITE_NULL;
        p->inv = pl_col_num(st, 3);
        p->tax = pl_col_num(st, 4);
        const char *ind = (const char *)sqlite3_column_text(st, 5);
        p->ind_null = !ind;
        p->ind_off = s->ntext;
        p->ind_len = 0;
        if (ind) {
            size_t n = (size_t)sqlite3_column_bytes(st, 5);
            if (pl_grow((void **)&s->text, &s->captext, s->ntext + n + 1, 1, 4096)) {
                sqlite3_finalize(st);
                return nomem(r);
            }
            memcpy(s->text + s->ntext, ind, n);
            s->ntext += n;
            p->ind_len = n;
        }
        s->np++;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return pl_db_fail(r->db, r->err, "cannot read free parcels");
    if (s->np)
        qsort(s->p, s->np, sizeof *s->p, cmp_area);

    if ((rc = pl_db_prepare(r->db, boxes_sql, &st, r->err)))
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (pl_grow((void **)&s->boxes, &s->capboxes, s->nboxes + 1, sizeof *s->boxes, 1024)) {
            sqlite3_finalize(st);
            return nomem(r);
        }
        s->boxes[s->nboxes++] = (box){(long)sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
                                      sqlite3_column_double(st, 2), sqlite3_column_double(st, 3),
                                      sqlite3_column_double(st, 4)};
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return pl_db_fail(r->db, r->err, "cannot read the spatial index");
    if (s->nboxes)
        qsort(s->boxes, s->nboxes, sizeof *s->boxes, cmp_box);

    s->parcels_ready = 1;
    s->builds++;
    return PL_OK;
}

int match_snapshot_use(run *r)
{
    pl_db *db = r->db;
    match_snapshot *s = db->match_snapshot;
    int rc;
    if (!s) {
        if (!(s = calloc(1, sizeof *s)))
            return nomem(r);
        db->match_snapshot = s;
    }
    if (!s->st_gen && (rc = pl_db_prepare(db, gen_sql, &s->st_gen, r->err)))
        return rc;
    if (sqlite3_step(s->st_gen) != SQLITE_ROW) {
        rc = pl_db_fail(db, r->err, "cannot read the match generation");
        sqlite3_reset(s->st_gen);
        return rc;
    }
    long long gp = sqlite3_column_int64(s->st_gen, 0), gj = sqlite3_column_int64(s->st_gen, 1);
    sqlite3_reset(s->st_gen);
    if (!s->parcels_ready || s->gen_parcels != gp) {
        s->projects_ready = 0; /* what is near a project parcel is known from the boxes */
        if ((rc = read_parcels(r, s)))
            return rc;
        s->gen_parcels = gp;
    }
    if (!s->projects_ready || s->gen_projects != gj) {
        projects_clear(s);
        s->projects_ready = 1;
        s->gen_projects = gj;
    }
    r->snap = s;
    return PL_OK;
}

/* ---- what match_scan.c and match_contiguity.c read ---- */

size_t match_snapshot_count(const run *r)
{
    const match_snapshot *s = r->snap;
    if (!r->park_id)
        return s->np;
    size_t n = 0;
    for (size_t i = 0; i < s->np; i++)
        n += s->p[i].park_id == r->park_id;
    return n;
}

const match_snap_parcel *match_snapshot_parcels(const run *r, double lo, size_t *n)
{
    const match_snapshot *s = r->snap;
    size_t a = 0, b = s->np;
    while (a < b) { /* the first with area_m2 >= lo */
        size_t m = a + (b - a) / 2;
        if (s->p[m].area_m2 < lo)
            a = m + 1;
        else
            b = m;
    }
    *n = s->np - a;
    return s->p + a;
}

const char *match_snapshot_industries(const run *r, const match_snap_parcel *p)
{
    return p->ind_null ? NULL : r->snap->text + p->ind_off;
}

int match_snapshot_projects(run *r, int (*load)(run *r))
{
    match_snapshot *s = r->snap;
    for (int i = 0; i < s->nproj; i++)
        if (!strcmp(s->proj[i].industry, r->l->industry)) {
            r->nproj = 0;
            if (s->proj[i].n && pl_grow((void **)&r->proj, &r->capproj, s->proj[i].n, sizeof *r->proj, 256))
                return nomem(r);
            if (s->proj[i].n)
                memcpy(r->proj, s->proj[i].ids, s->proj[i].n * sizeof *r->proj);
            r->nproj = s->proj[i].n;
            return PL_OK;
        }
    int rc = load(r);
    if (rc)
        return rc;
    long *ids = malloc((r->nproj ? r->nproj : 1) * sizeof *ids);
    if (!ids)
        return nomem(r);
    if (r->nproj)
        memcpy(ids, r->proj, r->nproj * sizeof *ids);
    int k;
    if (s->nproj < SNAP_INDUSTRIES) {
        k = s->nproj++;
    } else { /* in turn */
        k = s->next_evict;
        s->next_evict = (k + 1) % SNAP_INDUSTRIES;
        free(s->proj[k].ids);
        free(s->proj[k].near);
    }
    s->proj[k].near = NULL;
    s->proj[k].ids = ids;
    s->proj[k].n = r->nproj;
    match_put(s->proj[k].industry, sizeof s->proj[k].industry, "%s", r->l->industry);
    return PL_OK;
}

static snap_projects *projects_of(const match_snapshot *s, const char *industry)
{
    for (int i = 0; i < s->nproj; i++)
        if (!strcmp(s->proj[i].industry, industry))
            return (snap_projects *)&s->proj[i];
    return NULL;
}

int match_snapshot_use_near(run *r)
{
    match_snapshot *s = r->snap;
    snap_projects *p = projects_of(s, r->l->industry);
    if (!p) /* match_snapshot_projects keeps every industry it reads */
        return pl_error_set(r->err, PL_ERR_DB, "no project parcels kept for industry '%s'", r->l->industry);
    if (!p->near) {
        unsigned char *near = malloc(s->nboxes ? s->nboxes : 1);
        if (!near)
            return nomem(r);
        int rc = match_near_projects(r, s->boxes, s->nboxes, near);
        if (rc) {
            free(near);
            return rc;
        }
        p->near = near;
    }
    r->snap_near = p->near;
    return PL_OK;
}

int match_snapshot_near(const run *r, long id, box *cb)
{
    const match_snapshot *s = r->snap;
    size_t a = 0, b = s->nboxes;
    /* ids are mostly dense (rowids of one table): try id − first id before the binary search,
     * which costs a cache miss a step over 100 000 boxes, for every free parcel */
    if (b && id >= s->boxes[0].id) {
        size_t g = (size_t)(id - s->boxes[0].id);
        if (g < b && s->boxes[g].id == id)
            a = b = g;
    }
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (s->boxes[m].id < id)
            a = m + 1;
        else
            b = m;
    }
    if (a == s->nboxes || s->boxes[a].id != id)
        return 0;
    *cb = s->boxes[a];
    return r->snap_near[a];
}
