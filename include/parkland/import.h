/*
 * parkland/import.h — import of cadastral parcels from TXT, GeoJSON, KML, SHP.
 * Every import is one transaction: all of it lands, or nothing does.
 * Ownership: see parkland/error.h; a pl_import_result is filled by
 * pl_import_parcels and released by the caller with pl_import_result_release.
 */
#ifndef PARKLAND_IMPORT_H
#define PARKLAND_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "parkland/db.h"
#include "parkland/format.h" /* pl_format, pl_encoding */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_on_conflict {
    PL_CONFLICT_FAIL = 0, /* a code already in the park refuses the import */
    PL_CONFLICT_SKIP,     /* keep the existing parcel, count the new one as skipped */
    PL_CONFLICT_UPDATE    /* replace geometry and attributes; the old ones go to history */
} pl_on_conflict;

/* The unit of a declared area that the file writes as a bare number (the
 * TXT's 地块面积, 公顷 by the format). AUTO: 公顷, unless every such parcel's
 * value matches its polygon in m² (or in 亩) and none in 公顷. */
typedef enum pl_area_unit {
    PL_AREA_UNIT_AUTO = 0,
    PL_AREA_UNIT_HA,
    PL_AREA_UNIT_M2,
    PL_AREA_UNIT_MU
} pl_area_unit;

/* Parse "ha|m2|mu"; -1 when unknown. */
int pl_area_unit_parse(const char *s);

typedef struct pl_import_options {
    const char *park;          /* park code; NULL: the only park in the database */
    pl_format format;
    int srid;                  /* source CRS override (--crs), 0 = from the file */
    pl_encoding encoding;
    const char *status;        /* "reserve" (default when NULL) or "available" */
    /* --date: YYYY-MM-DD the new parcels entered the land bank, not after today: their
     * status date, parcel.entered_on and the effective day of their 'created' history
     * rows, so that reports as of an earlier day count them. NULL: today. */
    const char *date;
    /* --field KEY=COLUMN: source column for code, name, land_use, land_use_code,
     * area (m²), area_ha, area_mu; NULL = look for the usual names. A
     * declared-area column named here wins over the reader's own (TXT 地块面积). */
    const char *field_code, *field_name, *field_land_use, *field_land_use_code;
    const char *field_area, *field_area_ha, *field_area_mu;
    /* --code-prefix P: a polygon that has no code (no code column, no name)
     * gets the code P-N, N its feature number in the file. NULL: only a file
     * that is one bare geometry (a GeoJSON geometry document) gets codes,
     * with the file's base name as P. */
    const char *code_prefix;
    pl_area_unit area_unit;    /* --area-unit */
    /* --towgs84: the 7 parameters that bind the file's datum to WGS 84 (PROJ's
     * +towgs84: dX, dY, dZ m, rX, rY, rZ arc-seconds, scale ppm), when have_towgs84 */
    int have_towgs84;
    double towgs84[7];
    pl_on_conflict on_conflict;
    int repair;                /* make invalid polygons valid (GEOS MakeValid) */
    int allow_overlap;         /* overlaps > 1 m² with parcels of the park become warnings */
    int dry_run;               /* do everything, then roll back */
    /* With dry_run: the parcels the import would write (inserted and updated), as an RFC 7946
     * FeatureCollection in WGS 84 (the GeoJSON export of parkland/export.h), written here before
     * the rollback (a preview map). NULL: none. Not written when the import is refused. */
    FILE *preview;
    /* The file's name as the batch records it (import list's file), when `path` is a copy of it
     * (an upload to the server); NULL: path. */
    const char *source_name;
    /* Called every few hundred features with the count read so far and the
     * bytes of the file consumed when known (else -1). May be NULL. */
    void (*progress)(long features, void *ctx);
    void *progress_ctx;
} pl_import_options;

void pl_import_options_init(pl_import_options *opt);

typedef enum pl_message_level {
    PL_MSG_NOTE = 0,    /* information (a skipped line record, a reader remark) */
    PL_MSG_WARNING,     /* imported, but look at it (area difference, repair, allowed overlap) */
    PL_MSG_REFUSED      /* this feature refuses the whole import */
} pl_message_level;

typedef struct pl_import_message {
    pl_message_level level;
    char *text;         /* owned by the result */
} pl_import_message;

typedef struct pl_import_result {
    char park[64];          /* park imported into */
    char format[16];        /* format actually read */
    char encoding[16];      /* encoding actually read */
    int source_srid;        /* CRS of the file */
    int target_srid;        /* working CRS */
    char sha256[65];        /* of the file's bytes (the .shp for shapefiles) */
    long batch_id;          /* import_batch row (0 on dry run or refusal) */
    long read;              /* features read */
    long inserted, updated, skipped;  /* skipped: non-polygons and --on-conflict skip */
    long skipped_nonpolygon;
    long refused;
    long repaired;
    long warnings;
    double area_m2;         /* total area of inserted + updated parcels */
    pl_import_message *messages; /* in file order; owned; at most PL_IMPORT_MAX_MESSAGES */
    size_t nmessages;
    long messages_dropped;  /* messages beyond the cap (still counted above) */
    int dry_run;
} pl_import_result;

#define PL_IMPORT_MAX_MESSAGES 1000

/* Import `path` into the database. Returns PL_OK when the import landed (or
 * would land, on dry run); PL_ERR_INPUT when any feature was refused — then
 * nothing was written and `result` lists why. `result` is always filled and
 * must be released. */
int pl_import_parcels(pl_db *db, const char *path, const pl_import_options *opt,
                      pl_import_result *result, pl_error *err);

void pl_import_result_release(pl_import_result *result);

#ifdef __cplusplus
}
#endif
#endif
