/* crs.h — coordinate reference systems (internal). Transformations go through
 * SpatiaLite (ST_Transform in SQL, gaiaTransformEx_r in xform.h); PROJ's own
 * API is used only to read metadata and to build pipeline strings. */
#ifndef PARKLAND_CRS_H
#define PARKLAND_CRS_H

#include <stddef.h>

/* Area of use of EPSG `srid` in degrees (west, south, east, north) and the
 * CRS name. 0 on success, -1 when PROJ does not know the code. */
int pl_crs_area_of_use(int srid, double bbox[4], char *name, size_t namelen);

#endif
