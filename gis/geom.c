/* geom.c — GEOS work on parcel geometry. */
#include "geom.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pl_geom_check_structure(const pl_geom *g, char *why, size_t whylen)
{
    if (g->n == 0) {
        snprintf(why, whylen, "no polygon");
        return 0;
    }
    for (size_t i = 0; i < g->n; i++) {
        const pl_poly *p = &g->polys[i];
        if (p->n == 0) {
            snprintf(why, whylen, "part %zu has no ring", i + 1);
            return 0;
        }
        for (size_t j = 0; j < p->n; j++) {
            const pl_ring *r = &p->rings[j];
            for (size_t k = 0; k < r->n; k++) {
                double x = r->xy[2 * k], y = r->xy[2 * k + 1];
                if (!isfinite(x) || !isfinite(y)) {
                    snprintf(why, whylen, "part %zu, ring %zu, point %zu is not a finite number (%g %g)",
                             i + 1, j + 1, k + 1, x, y);
                    return 0;
                }
            }
            if (r->n < 4) {
                snprintf(why, whylen, "part %zu, ring %zu has %zu points; a polygon ring needs at least 4 "
                         "(3 corners and the closing point)", i + 1, j + 1, r->n);
                return 0;
            }
            if (!pl_ring_is_closed(r)) {
                snprintf(why, whylen, "part %zu, ring %zu is not closed: first point (%.10g %.10g) "
                         "differs from last (%.10g %.10g)", i + 1, j + 1, r->xy[0], r->xy[1],
                         r->xy[2 * (r->n - 1)], r->xy[2 * (r->n - 1) + 1]);
                return 0;
            }
        }
    }
    return 1;
}

static GEOSGeometry *ring_from_raw(GEOSContextHandle_t ctx, const pl_ring *r)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(ctx, r->xy, (unsigned)r->n, 0, 0);
    return seq ? GEOSGeom_createLinearRing_r(ctx, seq) : NULL;
}

GEOSGeometry *pl_geos_from_raw(GEOSContextHandle_t ctx, const pl_geom *g, int srid)
{
    GEOSGeometry **polys = calloc(g->n, sizeof *polys);
    if (!polys)
        return NULL;
    size_t made = 0;
    GEOSGeometry *out = NULL;
    for (; made < g->n; made++) {
        const pl_poly *p = &g->polys[made];
        GEOSGeometry *shell = ring_from_raw(ctx, &p->rings[0]);
        GEOSGeometry **holes = p->n > 1 ? calloc(p->n - 1, sizeof *holes) : NULL;
        if (!shell || (p->n > 1 && !holes)) {
            if (shell)
                GEOSGeom_destroy_r(ctx, shell);
            free(holes);
            goto fail;
        }
        size_t h = 0;
        for (; h + 1 < p->n; h++)
            if (!(holes[h] = ring_from_raw(ctx, &p->rings[h + 1])))
                break;
        if (h + 1 < p->n) {
            for (size_t k = 0; k < h; k++)
                GEOSGeom_destroy_r(ctx, holes[k]);
            GEOSGeom_destroy_r(ctx, shell);
            free(holes);
            goto fail;
        }
        polys[made] = GEOSGeom_createPolygon_r(ctx, shell, holes, (unsigned)(p->n - 1));
        free(holes);
        if (!polys[made])
            goto fail;
    }
    out = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys, (unsigned)g->n);
    if (!out)
        goto fail;
    free(polys);
    GEOSSetSRID_r(ctx, out, srid);
    return out;
fail:
    for (size_t k = 0; k < made; k++)
        GEOSGeom_destroy_r(ctx, polys[k]);
    free(polys);
    return NULL;
}

int pl_geos_validate(GEOSContextHandle_t ctx, const GEOSGeometry *g, char *reason, size_t len,
                     double *x, double *y)
{
    char *r = NULL;
    GEOSGeometry *loc = NULL;
    char v = GEOSisValidDetail_r(ctx, g, 0, &r, &loc);
    if (v == 2)
        return -1;
    if (v == 1)
        return 1;
    snprintf(reason, len, "%s", r ? r : "invalid geometry");
    *x = *y = NAN;
    if (loc) {
        GEOSGeomGetX_r(ctx, loc, x);
        GEOSGeomGetY_r(ctx, loc, y);
        GEOSGeom_destroy_r(ctx, loc);
    }
    if (r)
        GEOSFree_r(ctx, r);
    return 0;
}

/* Collect the polygons of g (recursively through collections) into polys. */
static int collect_polygons(GEOSContextHandle_t ctx, const GEOSGeometry *g, GEOSGeometry ***polys,
                            size_t *n, size_t *cap)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx, g))
            return 0;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 4;
            GEOSGeometry **p = realloc(*polys, nc * sizeof *p);
            if (!p)
                return -1;
            *polys = p;
            *cap = nc;
        }
        GEOSGeometry *c = GEOSGeom_clone_r(ctx, g);
        if (!c)
            return -1;
        (*polys)[(*n)++] = c;
        return 0;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < k; i++)
            if (collect_polygons(ctx, GEOSGetGeometryN_r(ctx, g, i), polys, n, cap))
                return -1;
    }
    return 0;
}

static GEOSGeometry *polygons_as_multi(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    GEOSGeometry **polys = NULL;
    size_t n = 0, cap = 0;
    GEOSGeometry *out = NULL;
    if (collect_polygons(ctx, g, &polys, &n, &cap) == 0 && n > 0) {
        out = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys, (unsigned)n);
        if (out) {
            free(polys);
            GEOSSetSRID_r(ctx, out, GEOSGetSRID_r(ctx, g));
            return out;
        }
    }
    for (size_t i = 0; i < n; i++)
        GEOSGeom_destroy_r(ctx, polys[i]);
    free(polys);
    return NULL;
}

GEOSGeometry *pl_geos_repair(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    GEOSMakeValidParams *params = GEOSMakeValidParams_create_r(ctx);
    if (!params)
        return NULL;
    GEOSMakeValidParams_setMethod_r(ctx, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(ctx, params, 0);
    GEOSGeometry *fixed = GEOSMakeValidWithParams_r(ctx, g, params);
    GEOSMakeValidParams_destroy_r(ctx, params);
    if (!fixed)
        return NULL;
    GEOSSetSRID_r(ctx, fixed, GEOSGetSRID_r(ctx, g));
    GEOSGeometry *out = polygons_as_multi(ctx, fixed);
    GEOSGeom_destroy_r(ctx, fixed);
    return out;
}

GEOSGeometry *pl_geos_to_multi(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    if (GEOSGeomTypeId_r(ctx, g) == GEOS_MULTIPOLYGON)
        return GEOSGeom_clone_r(ctx, g);
    return polygons_as_multi(ctx, g);
}

double pl_geos_area(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    double a = 0;
    if (!GEOSArea_r(ctx, g, &a))
        return 0;
    return a;
}

GEOSGeometry *pl_geos_from_wkb(GEOSContextHandle_t ctx, const unsigned char *wkb, size_t len)
{
    GEOSWKBReader *r = GEOSWKBReader_create_r(ctx);
    if (!r)
        return NULL;
    GEOSGeometry *g = GEOSWKBReader_read_r(ctx, r, wkb, len);
    GEOSWKBReader_destroy_r(ctx, r);
    return g;
}

unsigned char *pl_geos_to_wkb(GEOSContextHandle_t ctx, const GEOSGeometry *g, size_t *len)
{
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(ctx);
    if (!w)
        return NULL;
    GEOSWKBWriter_setOutputDimension_r(ctx, w, 2);
    GEOSWKBWriter_setByteOrder_r(ctx, w, GEOS_WKB_NDR);
    unsigned char *out = GEOSWKBWriter_write_r(ctx, w, g, len);
    GEOSWKBWriter_destroy_r(ctx, w);
    return out;
}

/* ---- split and merge ----------------------------------------------------- */

/* Node the boundary of g with the line: every crossing becomes a vertex of both. */
static GEOSGeometry *node_with_line(GEOSContextHandle_t ctx, const GEOSGeometry *g, const GEOSGeometry *line)
{
    GEOSGeometry *parts[2] = {GEOSBoundary_r(ctx, g), GEOSGeom_clone_r(ctx, line)};
    if (!parts[0] || !parts[1]) {
        for (int i = 0; i < 2; i++)
            if (parts[i])
                GEOSGeom_destroy_r(ctx, parts[i]);
        return NULL;
    }
    GEOSGeometry *all = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts, 2);
    if (!all) {
        GEOSGeom_destroy_r(ctx, parts[0]);
        GEOSGeom_destroy_r(ctx, parts[1]);
        return NULL;
    }
    GEOSGeometry *noded = GEOSNode_r(ctx, all);
    if (!noded) /* iterated noding may fail to converge: overlay noding is robust */
        noded = GEOSUnaryUnion_r(ctx, all);
    GEOSGeom_destroy_r(ctx, all);
    return noded;
}

int pl_geos_split_by_line(GEOSContextHandle_t ctx, const GEOSGeometry *g, const GEOSGeometry *line,
                          GEOSGeometry ***pieces)
{
    *pieces = NULL;
    GEOSGeometry *noded = node_with_line(ctx, g, line);
    if (!noded)
        return -1;
    const GEOSGeometry *in[1] = {noded};
    GEOSGeometry *faces = GEOSPolygonize_r(ctx, in, 1);
    GEOSGeom_destroy_r(ctx, noded);
    if (!faces)
        return -1;
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(ctx, g);
    int nf = GEOSGetNumGeometries_r(ctx, faces);
    GEOSGeometry **out = nf > 0 ? calloc((size_t)nf, sizeof *out) : NULL;
    int n = 0, ok = prep && nf >= 0 && (nf == 0 || out);
    for (int i = 0; ok && i < nf; i++) {
        const GEOSGeometry *f = GEOSGetGeometryN_r(ctx, faces, i);
        if (GEOSGeomTypeId_r(ctx, f) != GEOS_POLYGON || GEOSisEmpty_r(ctx, f))
            continue;
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx, f);
        if (!pt) {
            ok = 0;
            break;
        }
        char inside = GEOSPreparedIntersects_r(ctx, prep, pt);
        GEOSGeom_destroy_r(ctx, pt);
        if (inside == 2) {
            ok = 0;
        } else if (inside == 1) {
            if (!(out[n] = GEOSGeom_clone_r(ctx, f)))
                ok = 0;
            else
                GEOSSetSRID_r(ctx, out[n++], GEOSGetSRID_r(ctx, g));
        }
    }
    if (prep)
        GEOSPreparedGeom_destroy_r(ctx, prep);
    GEOSGeom_destroy_r(ctx, faces);
    if (!ok) {
        for (int i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx, out[i]);
        free(out);
        return -1;
    }
    *pieces = out;
    return n;
}

int pl_geos_count_holes(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON)
        return GEOSisEmpty_r(ctx, g) ? 0 : GEOSGetNumInteriorRings_r(ctx, g);
    if (type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION)
        return 0;
    int k = GEOSGetNumGeometries_r(ctx, g), total = 0;
    for (int i = 0; i < k; i++) {
        int h = pl_geos_count_holes(ctx, GEOSGetGeometryN_r(ctx, g, i));
        if (h < 0)
            return -1;
        total += h;
    }
    return total;
}
