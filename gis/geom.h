/*
 * geom.h — GEOS work on parcel geometry (internal): build, validate, repair,
 * measure. Every function takes the caller's reentrant GEOS context.
 * Returned GEOSGeometry* are owned by the caller (GEOSGeom_destroy_r).
 */
#ifndef PARKLAND_GEOM_H
#define PARKLAND_GEOM_H

#include <geos_c.h>
#include <stddef.h>

#include "rawgeom.h"

/* Structural checks GEOS cannot make without throwing: every coordinate
 * finite, every ring closed with at least 4 points. Returns 1 when fine,
 * else 0 with a reason in `why` ("part 1, ring 2 is not closed …"). */
int pl_geom_check_structure(const pl_geom *g, char *why, size_t whylen);

/* MultiPolygon from raw coordinates that passed pl_geom_check_structure. */
GEOSGeometry *pl_geos_from_raw(GEOSContextHandle_t ctx, const pl_geom *g, int srid);

/* 1 valid; 0 invalid with GEOS's reason and location; -1 GEOS failure. */
int pl_geos_validate(GEOSContextHandle_t ctx, const GEOSGeometry *g, char *reason, size_t len,
                     double *x, double *y);

/* GEOS MakeValid (structure method), keeping only polygons, as a MultiPolygon.
 * NULL when nothing polygonal remains. */
GEOSGeometry *pl_geos_repair(GEOSContextHandle_t ctx, const GEOSGeometry *g);

/* Polygon → MultiPolygon (a clone otherwise). */
GEOSGeometry *pl_geos_to_multi(GEOSContextHandle_t ctx, const GEOSGeometry *g);

/* Area of the geometry (0 on failure). */
double pl_geos_area(GEOSContextHandle_t ctx, const GEOSGeometry *g);

/* WKB in/out (ISO, little endian, 2D). pl_geos_to_wkb returns a buffer the
 * caller frees with GEOSFree_r. */
GEOSGeometry *pl_geos_from_wkb(GEOSContextHandle_t ctx, const unsigned char *wkb, size_t len);
unsigned char *pl_geos_to_wkb(GEOSContextHandle_t ctx, const GEOSGeometry *g, size_t *len);

/* ---- split and merge (parcel_edit.c) ---- */

/* Cut polygonal `g` (Polygon or MultiPolygon) with the linework `line`
 * (LineString or MultiLineString): the boundary of g and the line are noded
 * together (GEOSNode_r, GEOSUnaryUnion_r when noding fails), polygonized
 * (GEOSPolygonize_r), and the faces whose interior point (GEOSPointOnSurface_r)
 * lies in g are kept; holes of g stay holes. Returns the number of pieces in
 * *pieces (an array the caller frees with free(), each piece a Polygon
 * destroyed with GEOSGeom_destroy_r), or -1 on a GEOS failure. One piece
 * means the line does not cut g. Pieces carry g's SRID. */
int pl_geos_split_by_line(GEOSContextHandle_t ctx, const GEOSGeometry *g, const GEOSGeometry *line,
                          GEOSGeometry ***pieces);

/* Interior rings over every polygon of a (Multi)Polygon; -1 on failure. */
int pl_geos_count_holes(GEOSContextHandle_t ctx, const GEOSGeometry *g);

#endif
