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

/* The geodetic datums of China's Gauss-Krüger grids. */
typedef enum pl_gk_datum { PL_GK_CGCS2000, PL_GK_XIAN80, PL_GK_BEIJING54, PL_GK_DATUMS } pl_gk_datum;

/* Zones of the two widths: 3-degree 25–45 (central meridians 75°E–135°E),
 * 6-degree 13–23 (75°E–135°E). */
#define PL_GK3_ZONE_MIN 25
#define PL_GK3_ZONE_MAX 45
#define PL_GK6_ZONE_MIN 13
#define PL_GK6_ZONE_MAX 23

/* EPSG code of the Gauss-Krüger CRS of `datum`, `width` 3 or 6 degrees and
 * `zone`: `prefixed` 1 for the zone form (the easting carries the zone number,
 * "CGCS2000 / 3-degree Gauss-Kruger zone 40" = 4528), 0 for the central
 * meridian form (no prefix, "… CM 120E" = 4549). 0 when EPSG has none (zone
 * out of range, other width or datum). Beijing 1954's 6-degree zones without
 * prefix are the CM form 21453–21463 (EPSG also has them as "zone 13N" …
 * 21473–21483: the same grid, named differently). */
int pl_crs_gk_epsg(pl_gk_datum datum, int width, int zone, int prefixed);

/* The width whose zone numbers hold `zone`: 3, 6, or 0 when neither. */
int pl_crs_gk_width(int zone);

/* The inverse of pl_crs_gk_epsg: 1 when `srid` is one of its codes, with its
 * datum, width, zone and form in the pointers (each may be NULL); 0 else. */
int pl_crs_gk_of_epsg(int srid, pl_gk_datum *datum, int *width, int *zone, int *prefixed);

#endif
