/*
 * boundary.h — the boundary points (界址点) of a parcel as the Ministry TXT
 * and the 界址点成果表 number them (domain.md §6): J1… numbered across the
 * parcel; 圈号 1 for the first shell, counting on over its holes and then the
 * further parts; each ring starts at its north-west vertex (largest y − x) and
 * ends with the repeat of it; shells run clockwise, holes anticlockwise.
 * Coordinates are those given (the stored, projected ones): x easting,
 * y northing.
 *
 * Memory: a pl_boundary owns its array (pl_boundary_release frees it).
 */
#ifndef PARKLAND_BOUNDARY_H
#define PARKLAND_BOUNDARY_H

#include <stddef.h>

#include "rawgeom.h"

typedef struct pl_bpoint {
    long number;   /* J number (the closing repeat has its ring's first number) */
    int ring;      /* 圈号, 1-based across the parcel */
    int closing;   /* 1 for the repeat of the ring's first point */
    double x, y;   /* easting, northing as given */
    double side;   /* length of the side from the previous point of the ring; NAN on a ring's first point */
} pl_bpoint;

typedef struct pl_boundary {
    pl_bpoint *p;
    size_t n, cap;
    int rings;
    long vertices; /* distinct points (J numbers) */
} pl_boundary;

/* Copy ring r into out (cleared first) without its closing point, oriented
 * (cw = 1: clockwise), starting at its north-west vertex. -1 on ENOMEM. */
int pl_boundary_ring(pl_ring *out, const pl_ring *r, int cw);

/* Every ring of g in the order above, closing repeats included. -1 on ENOMEM. */
int pl_boundary_of(const pl_geom *g, pl_boundary *b);
void pl_boundary_release(pl_boundary *b);

#endif
