/* xform.c — coordinate transformations through SpatiaLite, from stored PROJ pipelines. */
#include "xform.h"
#include "db_internal.h"

#include <math.h>
#include <proj.h>
#include <spatialite.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pl_xform {
    pl_db *db;       /* borrowed */
    int src, dst;
    char *pipeline;  /* owned; "" for the identity */
    void *cache;     /* SpatiaLite cache: the connection's (borrowed), or own_cache */
    void *own_cache; /* owned when detached, else NULL */
};

/* The pipeline PROJ builds for src → dst, as ST_Transform would (malloc'd),
 * or NULL when PROJ has none or cannot write it as one string. */
/* The pipeline of `op`, with the axis order of visualisation (easting,
 * northing), as PROJ writes it: malloc'd, caller frees; NULL when none. */
static char *pipeline_of(PJ_CONTEXT *ctx, PJ *op)
{
    char *out = NULL;
    PJ *norm = op ? proj_normalize_for_visualization(ctx, op) : NULL;
    if (norm) {
        const char *s = proj_as_proj_string(ctx, norm, PJ_PROJ_5, NULL);
        if (s && *s)
            out = strdup(s);
        proj_destroy(norm);
    }
    return out;
}

static char *build_pipeline(int src, int dst)
{
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx)
        return NULL;
    proj_log_level(ctx, PJ_LOG_NONE);
    char a[32], b[32];
    snprintf(a, sizeof a, "EPSG:%d", src);
    snprintf(b, sizeof b, "EPSG:%d", dst);
    PJ *op = proj_create_crs_to_crs(ctx, a, b, NULL);
    char *out = pipeline_of(ctx, op);
    proj_destroy(op);
    proj_context_destroy(ctx);
    return out;
}

static const char *proj_version(void)
{
    static char v[32];
    if (!v[0]) {
        PJ_INFO pi = proj_info();
        snprintf(v, sizeof v, "%s", pi.version ? pi.version : "?");
    }
    return v;
}

/* The stored pipeline for this PROJ (malloc'd), or NULL. A database of
 * schema 1 has no table yet: that is a miss, not an error. */
static char *load_pipeline(pl_db *db, int src, int dst)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, "SELECT pipeline FROM crs_pipeline WHERE src_srid = ?1 AND dst_srid = ?2"
                                  " AND proj_version = ?3", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int(st, 1, src);
    sqlite3_bind_int(st, 2, dst);
    pl_bind_text(st, 3, proj_version());
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static int store_pipeline(pl_db *db, int src, int dst, const char *pipeline, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "INSERT OR IGNORE INTO crs_pipeline(src_srid, dst_srid, proj_version, pipeline)"
                               " VALUES (?1, ?2, ?3, ?4)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, src);
    sqlite3_bind_int(st, 2, dst);
    pl_bind_text(st, 3, proj_version());
    pl_bind_text(st, 4, pipeline);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot store a coordinate transformation");
    sqlite3_finalize(st);
    return rc;
}

/* The SpatiaLite cache that transforms src → dst on this connection. SpatiaLite keeps the
 * last PROJ object it built in a cache and rebuilds it (~0.2 ms) when the pipeline changes:
 * a map of a box asked in lon/lat transforms the box one way and the parcels the other, so
 * each pair the connection uses has a cache of its own (up to PL_KEPT_XFORMS; then the
 * connection's, shared). */
static void *kept_cache(pl_db *db, int src, int dst)
{
    if (src == dst)
        return db->splite_cache;
    for (int i = 0; i < PL_KEPT_XFORMS; i++) {
        struct pl_kept_xform *k = &db->kept_xf[i];
        if (k->cache && k->src == src && k->dst == dst)
            return k->cache;
        if (!k->cache) {
            if (!(k->cache = spatialite_alloc_connection()))
                return db->splite_cache;
            k->src = src;
            k->dst = dst;
            return k->cache;
        }
    }
    return db->splite_cache;
}

void pl_xform_release_kept(pl_db *db)
{
    for (int i = 0; i < PL_KEPT_XFORMS; i++) {
        if (db->kept_xf[i].cache)
            spatialite_cleanup_ex(db->kept_xf[i].cache);
        db->kept_xf[i].cache = NULL;
        db->kept_xf[i].src = db->kept_xf[i].dst = 0;
    }
}

int pl_xform_open(pl_db *db, int src, int dst, int store, pl_xform **out, pl_error *err)
{
    *out = NULL;
    pl_xform *x = calloc(1, sizeof *x);
    if (!x)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    x->db = db;
    x->cache = db->splite_cache;
    x->src = src;
    x->dst = dst;
    if (src == dst) {
        x->pipeline = strdup("");
    } else if (!(x->pipeline = load_pipeline(db, src, dst))) {
        x->pipeline = build_pipeline(src, dst);
        if (!x->pipeline) {
            free(x);
            return pl_error_set(err, PL_ERR_INPUT, "no coordinate transformation from EPSG:%d to EPSG:%d", src, dst);
        }
        if (store) {
            int rc = store_pipeline(db, src, dst, x->pipeline, err);
            if (rc) {
                pl_xform_free(x);
                return rc;
            }
        }
    }
    if (!x->pipeline) {
        free(x);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    x->cache = kept_cache(db, src, dst); /* a slot only for a pair that exists */
    *out = x;
    return PL_OK;
}

void pl_xform_free(pl_xform *x)
{
    if (!x)
        return;
    if (x->own_cache)
        spatialite_cleanup_ex(x->own_cache);
    free(x->pipeline);
    free(x);
}

const char *pl_xform_pipeline(const pl_xform *x) { return x->pipeline; }

int pl_xform_detach(pl_xform *x, pl_error *err)
{
    if (x->own_cache)
        return PL_OK;
    if (!(x->own_cache = spatialite_alloc_connection()))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    x->cache = x->own_cache;
    return PL_OK;
}

static int all_finite(const double *xy, size_t n)
{
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]) || fabs(xy[i]) >= 1e30)
            return 0;
    return 1;
}

int pl_xform_points(pl_xform *x, double *xy, size_t n, pl_error *err)
{
    if (!x->pipeline[0] || n == 0)
        return PL_OK;
    /* one linestring holding every point: SpatiaLite transforms points one by
     * one, so the shape they came from does not matter */
    gaiaGeomCollPtr in = gaiaAllocGeomColl();
    if (!in)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    in->Srid = x->src;
    gaiaLinestringPtr ln = gaiaAddLinestringToGeomColl(in, (int)n);
    memcpy(ln->Coords, xy, n * 2 * sizeof *xy);
    gaiaGeomCollPtr t = gaiaTransformEx_r(x->cache, in, x->pipeline, NULL, NULL);
    gaiaFreeGeomColl(in);
    int rc = PL_OK;
    if (!t || !t->FirstLinestring || t->FirstLinestring->Points != (int)n || !all_finite(t->FirstLinestring->Coords, n))
        rc = pl_error_set(err, PL_ERR_INPUT, "coordinates cannot be transformed from EPSG:%d to EPSG:%d "
                          "(outside the area the coordinate system covers?)", x->src, x->dst);
    else
        memcpy(xy, t->FirstLinestring->Coords, n * 2 * sizeof *xy);
    if (t)
        gaiaFreeGeomColl(t);
    return rc;
}

int pl_xform_geom(pl_xform *x, pl_geom *g, pl_error *err)
{
    if (!x->pipeline[0])
        return PL_OK;
    size_t n = pl_geom_npoints(g);
    if (n == 0)
        return PL_OK;
    if (n > (size_t)1 << 28)
        return pl_error_set(err, PL_ERR_INPUT, "too many points to transform (%zu)", n);
    double *xy = malloc(n * 2 * sizeof *xy);
    if (!xy)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t p = 0; p < g->n; p++)
        for (size_t r = 0; r < g->polys[p].n; r++) {
            const pl_ring *ring = &g->polys[p].rings[r];
            memcpy(xy + 2 * k, ring->xy, ring->n * 2 * sizeof *xy);
            k += ring->n;
        }
    int rc = pl_xform_points(x, xy, n, err);
    if (rc == PL_OK) {
        k = 0;
        for (size_t p = 0; p < g->n; p++)
            for (size_t r = 0; r < g->polys[p].n; r++) {
                pl_ring *ring = &g->polys[p].rings[r];
                memcpy(ring->xy, xy + 2 * k, ring->n * 2 * sizeof *xy);
                k += ring->n;
            }
    }
    free(xy);
    return rc;
}

gaiaGeomCollPtr pl_xform_gaia(pl_xform *x, gaiaGeomCollPtr in, pl_error *err)
{
    gaiaGeomCollPtr t = x->pipeline[0] ? gaiaTransformEx_r(x->cache, in, x->pipeline, NULL, NULL)
                                       : gaiaCloneGeomColl(in);
    if (!t) {
        pl_error_set(err, PL_ERR_INPUT, "geometry cannot be transformed from EPSG:%d to EPSG:%d", x->src, x->dst);
        return NULL;
    }
    t->Srid = x->dst;
    return t;
}

int pl_xform_store_common(pl_db *db, pl_error *err)
{
    static const int geographic = 4326;
    int pairs[2][2] = {{geographic, db->srid}, {db->srid, geographic}};
    for (int i = 0; i < 2; i++) {
        pl_xform *x;
        int rc = pl_xform_open(db, pairs[i][0], pairs[i][1], 1, &x, err);
        if (rc)
            return rc;
        pl_xform_free(x);
    }
    return PL_OK;
}

/* The pipeline from src bound to WGS 84 by `p` to dst (malloc'd), or NULL. */
static char *build_towgs84_pipeline(int src, const double p[7], int dst)
{
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx)
        return NULL;
    proj_log_level(ctx, PJ_LOG_NONE);
    char a[32], b[32];
    snprintf(a, sizeof a, "EPSG:%d", src);
    snprintf(b, sizeof b, "EPSG:%d", dst);
    char *out = NULL;
    PJ *crs = proj_create(ctx, a);
    const char *def = crs ? proj_as_proj_string(ctx, crs, PJ_PROJ_4, NULL) : NULL;
    char bound[1024];
    int n = def ? snprintf(bound, sizeof bound, "%s +towgs84=%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g +type=crs", def,
                           p[0], p[1], p[2], p[3], p[4], p[5], p[6])
                : -1;
    /* the EPSG definition may carry +towgs84 of its own: the given one replaces it */
    PJ *src_crs = n > 0 && (size_t)n < sizeof bound && !strstr(def, "+towgs84") ? proj_create(ctx, bound) : NULL;
    /* PROJ goes through the WGS 84 hub only when both ends are bound to it:
     * a CGCS2000 (GRS80) or WGS 84 target is bound with zeros (domain.md §5:
     * CGCS2000 is WGS 84 within decimetres) */
    PJ *dst_epsg = src_crs ? proj_create(ctx, b) : NULL;
    const char *dst_def = dst_epsg ? proj_as_proj_string(ctx, dst_epsg, PJ_PROJ_4, NULL) : NULL;
    char dst_bound[1024];
    PJ *dst_crs = NULL;
    if (dst_def && !strstr(dst_def, "+towgs84") &&
        (strstr(dst_def, "+ellps=GRS80") || strstr(dst_def, "+ellps=WGS84") || strstr(dst_def, "+datum=WGS84")) &&
        snprintf(dst_bound, sizeof dst_bound, "%s +towgs84=0,0,0 +type=crs", dst_def) < (int)sizeof dst_bound)
        dst_crs = proj_create(ctx, dst_bound);
    else if (dst_epsg)
        dst_crs = proj_clone(ctx, dst_epsg);
    proj_destroy(dst_epsg);
    PJ *op = dst_crs ? proj_create_crs_to_crs_from_pj(ctx, src_crs, dst_crs, NULL, NULL) : NULL;
    out = pipeline_of(ctx, op);
    proj_destroy(op);
    proj_destroy(dst_crs);
    proj_destroy(src_crs);
    proj_destroy(crs);
    proj_context_destroy(ctx);
    return out;
}

int pl_xform_open_towgs84(pl_db *db, int src, const double towgs84[7], int dst, pl_xform **out, pl_error *err)
{
    *out = NULL;
    pl_xform *x = calloc(1, sizeof *x);
    if (!x)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    x->db = db;
    x->cache = db->splite_cache;
    x->src = src;
    x->dst = dst;
    if (!(x->pipeline = build_towgs84_pipeline(src, towgs84, dst))) {
        free(x);
        return pl_error_set(err, PL_ERR_INPUT, "no coordinate transformation from EPSG:%d with --towgs84 to EPSG:%d",
                            src, dst);
    }
    *out = x;
    return PL_OK;
}
