/* geom_blob.h — a stored geometry (SpatiaLite BLOB) read into a pl_geom (internal; export.c). */
#ifndef PARKLAND_GEOM_BLOB_H
#define PARKLAND_GEOM_BLOB_H

#include <stddef.h>

#include "rawgeom.h"

/* The Polygon or MultiPolygon BLOB b (n bytes) into g (cleared first), in its
 * stored CRS; plain 2-D ones are read here, anything else through SpatiaLite.
 * 0, or -1 when it is not a readable polygonal geometry (or on ENOMEM). */
int pl_blob_to_geom(const unsigned char *b, size_t n, pl_geom *g);

#endif
