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

/* ---- the .prj recogniser (gis/prj.c) ------------------------------------ */

/* The longest .prj text the recogniser looks at, in bytes. */
#define PL_PRJ_MAX_LEN (64 * 1024)

/* How the recogniser read a .prj text. */
typedef enum pl_prj_found {
    PL_PRJ_NOT_TEXT,   /* NUL bytes in it: not looked at (note set) */
    PL_PRJ_TOO_LONG,   /* longer than PL_PRJ_MAX_LEN: not looked at (note set) */
    PL_PRJ_UNPARSED,   /* not WKT, or no PROJCS/GEOGCS (or WKT2 equivalent) at its top */
    PL_PRJ_UNKNOWN,    /* a CRS, but no EPSG code recognised (name set) */
    PL_PRJ_AUTHORITY,  /* AUTHORITY["EPSG","N"] / ID["EPSG",N] of the outer CRS */
    PL_PRJ_NAME,       /* the outer name */
    PL_PRJ_PARAMETERS, /* a projected CRS's datum and Gauss-Krüger parameters */
    PL_PRJ_DATUM,      /* a geographic CRS's DATUM name */
} pl_prj_found;

/* What the recogniser found in a .prj text. */
typedef struct pl_prj_crs {
    int srid;          /* EPSG code; 0 when not recognised */
    pl_prj_found found;
    char name[256];    /* the outer CRS's name as written (WKT2 doubled quotes undone), cut at a
                        * UTF-8 character boundary; "" when the text does not parse */
    char note[64];     /* for PL_PRJ_NOT_TEXT and PL_PRJ_TOO_LONG, why the CRS is unknown, to
                        * follow the file's name ("not a text file; the CRS is unknown"); "" else */
} pl_prj_crs;

/* Recognise the CRS described by the .prj text text[0..len) (ESRI WKT1, OGC
 * WKT1 or WKT2; `text` need not be NUL-terminated, must not be NULL). Fills
 * *out and returns out->srid. In order:
 *   1. an AUTHORITY["EPSG","N"] / ID["EPSG",N] directly inside the outer
 *      PROJCS/GEOGCS (not the one of the nested GEOGCS);
 *   2. the outer name: CGCS2000 / Xian 1980 / Beijing 1954 Gauss-Kruger
 *      names in their ESRI ("CGCS2000_3_Degree_GK_Zone_40") and EPSG
 *      ("CGCS2000 / 3-degree Gauss-Kruger zone 40") spellings, 3- and
 *      6-degree, zone and CM forms (pl_crs_gk_epsg); WGS 84 UTM zones;
 *      geographic CGCS2000, WGS 84, Xian 1980, Beijing 1954 (by the name, then
 *      by the DATUM's);
 *   3. for a PROJCS with an unknown name: its datum (one of the three above)
 *      and Gauss-Kruger/Transverse Mercator parameters (central meridian,
 *      false easting, scale 1, no false northing).
 * A compound or bound CRS is recognised by its horizontal (source) part. */
int pl_prj_recognise(const char *text, size_t len, pl_prj_crs *out);

#endif
