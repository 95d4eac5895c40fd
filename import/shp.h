/*
 * shp.h — helpers of the ESRI Shapefile reader (import/shp.c) that other
 * modules and the tests may call. The reader itself is pl_read_shp() in
 * reader.h.
 */
#ifndef PARKLAND_SHP_H
#define PARKLAND_SHP_H

#include <stddef.h>

/* Recognise the CRS described by a .prj text (ESRI WKT1, OGC WKT1 or WKT2).
 *
 * Returns the EPSG code, or 0 when the text is not understood. In order:
 *   1. an AUTHORITY["EPSG","N"] / ID["EPSG",N] directly inside the outer
 *      PROJCS/GEOGCS (not the one of the nested GEOGCS);
 *   2. the outer name: CGCS2000 / Xian 1980 / Beijing 1954 Gauss-Kruger
 *      names in their ESRI ("CGCS2000_3_Degree_GK_Zone_40") and EPSG
 *      ("CGCS2000 / 3-degree Gauss-Kruger zone 40") spellings, 3- and
 *      6-degree, zone and CM forms; geographic CGCS2000, WGS 84, Xian 1980,
 *      Beijing 1954;
 *   3. for a PROJCS with an unknown name: its datum (one of the three above)
 *      and Gauss-Kruger/Transverse Mercator parameters (central meridian,
 *      false easting, scale 1, no false northing).
 *
 * `name` (may be NULL) receives the outer name as written, NUL-terminated and
 * cut to fit namelen bytes at a UTF-8 character boundary; "" when the text
 * does not parse. The caller owns `name`. */
int pl_shp_srid_from_prj(const char *wkt, char *name, size_t namelen);

#endif
