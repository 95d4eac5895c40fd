/*
 * parkland/export.h — maps and coordinate files out of the database:
 * GeoJSON (RFC 7946), KML 2.2, a self-contained offline HTML map, the
 * Ministry coordinate TXT (界址点坐标交换格式), and a printed map sheet (PDF: one
 * page at a stated scale or fitted, legend with counts and 亩, north arrow,
 * scale bar, CGCS2000 grid ticks).
 *
 * One streaming query reads the selected parcels with their park, status,
 * indicators, linked lead/project/company, milestone dates and flags, and
 * hands them one by one to the writer of the format; memory does not grow
 * with the number of parcels (the KML and HTML writers spool to temporary
 * files to put folders and sections in order).
 *
 * Filters: with --status or --industry the other (not retired) parcels of
 * the parks exported (--park, or every park holding a selected parcel) are
 * drawn too, in grey, as context: GeoJSON features with "context": true and
 * only their code, a KML folder 背景 context, grey SVG paths behind the map,
 * grey parcels without a code on the PDF map (named beside its legend, and
 * making no page of their own when the map is cut into pages); they are in no
 * legend and no count. Legends list the classes that have a
 * selected parcel (every class with legend_all, and with --timeline).
 *
 * Ownership: see parkland/error.h. Options are borrowed for the call; a
 * pl_export_result is a plain struct filled by the call (nothing to free).
 */
#ifndef PARKLAND_EXPORT_H
#define PARKLAND_EXPORT_H

#include <stdio.h>

#include "parkland/db.h"
#include "parkland/format.h" /* pl_encoding */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_export_format {
    PL_EXPORT_GEOJSON = 0,
    PL_EXPORT_KML,
    PL_EXPORT_HTML,
    PL_EXPORT_TXT,
    PL_EXPORT_PDF
} pl_export_format;

typedef enum pl_export_theme {
    PL_THEME_AVAILABILITY = 0, /* colour by parcel status (土地供应) */
    PL_THEME_LANDING,          /* colour by project stage, overdue and idle flagged (项目落地) */
    PL_THEME_MUNI,             /* colour by the 亩均效益 grade of the holding project (parkland/muni.h) */
    PL_THEME_LEDGER            /* colour by the stock ledger's category as of the date (parkland/ledger.h) */
} pl_export_theme;

/* "geojson|kml|html|txt|pdf" → format, -1 when unknown; and back. */
int pl_export_format_parse(const char *s);
const char *pl_export_format_name(pl_export_format f);
/* "availability|landing|muni|ledger" → theme, -1 when unknown; and back. */
int pl_export_theme_parse(const char *s);
const char *pl_export_theme_name(pl_export_theme t);

#define PL_EXPORT_DEFAULT_PRECISION 7

typedef struct pl_export_options {
    pl_export_format format;
    pl_export_theme theme;
    const char *park;      /* park code, NULL = every park */
    const char *status;    /* parcel status id, NULL = every status except retired */
    const char *industry;  /* industry id (table industry): parcels whose linked lead is in it or
                              whose indicators allow it; NULL = any */
    int gcj02;             /* shift lon/lat to GCJ-02 (geojson, kml, html label points) */
    int bd09;              /* shift lon/lat to Baidu BD-09 (GCJ-02, then Baidu's offset); not with gcj02 */
    int precision;         /* decimals of lon/lat, 0..15 (default 7) */
    int bbox;              /* geojson: a bbox on the collection and on each feature */
    int timeline;          /* kml: one placemark per status period with a TimeSpan */
    const char *as_of;     /* YYYY-MM-DD for stages, overdue and idle; NULL = today */
    int year;              /* muni theme: the year of the grades (all parks ranked together);
                              0 = the latest year with annual figures */
    pl_encoding encoding;  /* txt: GBK (default, also for AUTO) or UTF-8 */
    int legend_all;        /* legends list every class of the theme, not only those present */
    int kmz;               /* kml: a KMZ (a zip archive whose first entry is doc.kml);
                              pl_export_file only (a stream is refused) */
    int page_a3;           /* pdf: A3 instead of A4 */
    int landscape;         /* pdf: landscape instead of portrait */
    double scale;          /* pdf: the denominator N of 1:N; 0 = the smallest nice scale that fits */
    const double *lonlat_box; /* lon1, lat1, lon2, lat2 (WGS 84, lon1 < lon2, lat1 < lat2): only the
                                 parcels that meet the box's envelope in the working CRS (the map's
                                 view, through the spatial index); NULL = everywhere */
    long batch_id;         /* only the parcels the import batch wrote (inserted or updated); 0 = any */
    double simplify_m;     /* > 0: each geometry simplified by this tolerance in metres in the working
                              CRS (SpatiaLite's SimplifyPreserveTopology) before it is written, for a
                              map's low zooms; areas stay those stored. 0 = as stored */
    int map_fields;        /* 1: each feature carries only what a map view draws and labels (code,
                              name, park, park_name, status and its labels, area_mu, the theme's
                              class and its labels, stage, overdue, idle, reclaim_candidate, and the
                              styling): a quarter of the bytes for a web map; its click asks for the
                              parcel. 0 = every field */
} pl_export_options;

void pl_export_options_init(pl_export_options *opt);

typedef struct pl_export_result {
    long parcels;          /* parcels written */
    long features;         /* features/placemarks written (timeline: periods) */
    double area_m2;        /* their total area (working CRS) */
    long context;          /* other parcels of the parks drawn in grey as context (--status or
                              --industry): not in parcels, features or area_m2 */
    int srid;              /* EPSG of the coordinates written (4326 for lon/lat, GCJ-02 included) */
    int gcj02;             /* coordinates were shifted to GCJ-02 */
    int bd09;              /* coordinates were shifted to BD-09 */
    char crs_note[256];    /* what the coordinates are, for the user ("EPSG:4528 (带号 40)…") */
    double scale;          /* pdf: the denominator of the scale drawn at */
    int clipped;           /* pdf: 0 (a map that does not fit at the scale is cut into pages) */
    int pages;             /* pdf: map pages (1; or the grid's pages, after an index sheet that is not counted) */
    /* inspection photos and documents (parkland/inspect.h) of the parcels written: */
    long files;            /* carried and linked: KMZ entries files/SHA256.ext, or (html to a file)
                              files in the directory OUT-stem_files/ beside the map */
    long files_named;      /* named only as text (name and SHA-256): plain KML, or a map written to a
                              stream, which cannot hold them */
} pl_export_result;

/* 1 when `path` ends in ".kmz" (ASCII case ignored): a KML export to it is a KMZ. */
int pl_export_path_is_kmz(const char *path);

/* Write the export to an open stream (stdout for "-o -"). Nothing else is
 * written to `out`; on failure part of the output may already be there. */
int pl_export_stream(pl_db *db, const pl_export_options *opt, FILE *out, pl_export_result *res,
                     pl_error *err);

/* Write the export to `path` safely: into a temporary file in the same
 * directory (created with the user's umask), renamed over `path` only when
 * complete, so `path` never holds half a file. Refuses an existing `path`
 * unless `force`, and refuses a symbolic link at `path` (never followed,
 * never replaced) and a directory. With opt->kmz the KML is streamed into a
 * temporary file (memory stays flat) and then deflated by libzip into the
 * archive as entry doc.kml, the archive written as above, with the exported
 * parcels' inspection files as entries files/SHA256.ext that the balloons link.
 * An HTML map with inspection files gets them beside it, in the directory
 * "STEM_files" (STEM: the name of `path` without its extension; the panel links
 * them there): written under a temporary name, renamed into place just before the
 * map is, and removed should the map fail; an existing directory there is refused
 * unless `force` (then replaced). No directory is made when there are no files. */
int pl_export_file(pl_db *db, const pl_export_options *opt, const char *path, int force,
                   pl_export_result *res, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
