/*
 * rawgeom.h — polygons as read from a file, before any validation or transform.
 *
 * A pl_geom is a list of polygons; each polygon a list of rings (ring 0 the
 * shell, the rest holes); each ring a list of (x, y) points. x is easting or
 * longitude, y northing or latitude, in the source CRS. Nothing is checked
 * here: rings may be unclosed, short, or hold NaN — the importer judges them.
 *
 * Memory: a pl_geom owns all its arrays. pl_geom_clear() empties it but keeps
 * the capacity for reuse (readers reuse one pl_geom for every feature);
 * pl_geom_release() frees everything.
 */
#ifndef PARKLAND_RAWGEOM_H
#define PARKLAND_RAWGEOM_H

#include <stddef.h>

typedef struct pl_ring {
    double *xy;     /* 2*n doubles: x0, y0, x1, y1, … */
    size_t n;       /* points */
    size_t cap;     /* points allocated */
} pl_ring;

typedef struct pl_poly {
    pl_ring *rings; /* rings[0] shell, rings[1..] holes */
    size_t n, cap;
} pl_poly;

typedef struct pl_geom {
    pl_poly *polys;
    size_t n, cap;
} pl_geom;

void pl_geom_init(pl_geom *g);
void pl_geom_clear(pl_geom *g);
void pl_geom_release(pl_geom *g);

/* Append an empty polygon / ring; NULL when out of memory.
 * Pointers returned stay valid until the next add on the same parent. */
pl_poly *pl_geom_add_poly(pl_geom *g);
pl_ring *pl_poly_add_ring(pl_poly *p);
/* 0 on success, -1 when out of memory. */
int pl_ring_add_point(pl_ring *r, double x, double y);

/* Deep copy of `src` into `dst` (which is cleared first). -1 on ENOMEM. */
int pl_geom_copy(pl_geom *dst, const pl_geom *src);

size_t pl_geom_npoints(const pl_geom *g);

/* 1 when the ring's first and last points are identical. */
int pl_ring_is_closed(const pl_ring *r);
/* Repeat the first point at the end when the ring is not closed. -1 on ENOMEM. */
int pl_ring_close(pl_ring *r);
/* Signed shoelace area (positive = counter-clockwise), closed or not. */
double pl_ring_signed_area(const pl_ring *r);
/* Even-odd point-in-ring test (boundary points count as inside or outside arbitrarily). */
int pl_ring_contains_point(const pl_ring *r, double x, double y);
/* Bounding box over all points; returns 0 when the geometry has no point. */
int pl_geom_bbox(const pl_geom *g, double *minx, double *miny, double *maxx, double *maxy);

/* ISO WKB (little endian) of the geometry as MultiPolygon.
 * Writes into *buf (realloc'd, caller frees) and sets *len. -1 on ENOMEM. */
int pl_geom_to_wkb(const pl_geom *g, unsigned char **buf, size_t *cap, size_t *len);

#endif
