/* crs.h — coordinate reference systems (internal). Transformations go through
 * SpatiaLite (ST_Transform in SQL, gaiaTransformEx_r in xform.h); PROJ's own
 * API is used only to read metadata and to build pipeline strings. */
#ifndef PARKLAND_CRS_H
#define PARKLAND_CRS_H

#include <stddef.h>

/* Area of use of EPSG `srid` in degrees (west, south, east, north) and the
 * CRS name. 0 on success, -1 when PROJ does not know the code. */
int pl_crs_area_of_use(int srid, double bbox[4], char *name, size_t namelen);

/* Name of the geodetic datum of EPSG `srid` ("Xian 1980"). 0 on success, -1 when unknown. */
int pl_crs_datum_name(int srid, char *name, size_t namelen);

/* Name of the operation PROJ uses from EPSG `src` to `dst` (as ST_Transform
 * would) and its accuracy in metres (-1: unknown). 0 on success, -1 when none.
 * Searches proj.db: 0.1–0.2 s, for messages only. */
int pl_crs_operation_name(int src, int dst, char *name, size_t namelen, double *accuracy);

#endif
