/*
 * shp.h — helpers of the ESRI Shapefile reader (import/shp.c) that other
 * modules and the tests may call. The reader itself is pl_read_shp() in
 * reader.h.
 */
#ifndef PARKLAND_SHP_H
#define PARKLAND_SHP_H

#include <stddef.h>

/* The .prj recogniser of gis/prj.c (pl_prj_recognise in crs.h) on a
 * NUL-terminated text: the EPSG code, or 0 when the text is not understood
 * (or NULL, or longer than PL_PRJ_MAX_LEN). `name` (may be NULL) receives the
 * outer name as written, NUL-terminated and cut to fit namelen bytes at a
 * UTF-8 character boundary; "" when the text does not parse. The caller owns
 * `name`. */
int pl_shp_srid_from_prj(const char *wkt, char *name, size_t namelen);

#endif
