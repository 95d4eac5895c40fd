/*
 * reader.h — the contract of every format reader (import/txt.c, geojson.c,
 * kml.c, shp.c). Readers turn bytes into features and hand each one to a
 * callback; they never touch the database, never print, and never know which
 * CRS parkland works in.
 *
 * Memory: the reader owns the pl_feature and everything it points to; it is
 * valid only during the callback (readers reuse one feature for the whole
 * file, so memory does not grow with the number of parcels). A callback that
 * wants to keep something copies it.
 *
 * Notes: what a reader wants the user to know without refusing anything (a
 * point count that does not match, a guessed encoding…) goes, one note at a
 * time and in the order found, to the caller's pl_read_options.note, on the
 * thread the reader runs on; nothing is cut or dropped on the way.
 *
 * Errors: a reader returns PL_OK, or an error code with `err` naming the file,
 * the line or feature, and the reason ("FILE: line 12: non-numeric X '3.9e'").
 * Geometry judgement (closure, ring size, NaN, validity) is the importer's:
 * readers pass coordinates through as read. The TXT reader alone closes rings,
 * because the Ministry format lets exporters omit the closing point.
 */
#ifndef PARKLAND_READER_H
#define PARKLAND_READER_H

#include "parkland/error.h"
#include "parkland/format.h" /* pl_format, pl_encoding, pl_format_name, pl_format_parse */
#include "rawgeom.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct pl_attr {
    const char *key;    /* UTF-8 field name as in the file */
    const char *value;  /* UTF-8 text of the value ("" for empty, numbers as written) */
} pl_attr;

typedef struct pl_feature {
    long number;          /* 1-based index of the feature in the file */
    long line;            /* 1-based line where it starts, 0 when the format has no lines (SHP) */
    const char *where;    /* ready-made location for messages: "line 12", "feature 3", "record 7" */
    int is_polygon;       /* 0: a point/line/other record, to be counted as skipped */
    const char *kind;     /* what it is: "Polygon", "MultiPolygon", "LineString", "面", "线" … */
    pl_geom geom;         /* source coordinates (empty when !is_polygon) */
    const pl_attr *attrs; /* nattrs key/value pairs: properties, SimpleData, DBF fields, TXT header fields */
    size_t nattrs;
    double declared_area_m2; /* area the file states for this parcel, in m²; NAN when none */
    int declared_area_unitless; /* 1: declared_area_m2 is a bare number read in the format's unit
                                 * (TXT 地块面积: 公顷) because the file names none; the importer
                                 * may find that the file meant m² or 亩 (--area-unit) */
    const char *refusal;  /* the reader's reason to refuse this feature (a point list that stops
                           * early…), NULL when none: the importer refuses it with this text */
} pl_feature;

/* What a reader learned about the whole file. Filled before the first
 * callback (or on return when the file has no feature). */
typedef struct pl_source_info {
    int srid;             /* EPSG code of the source CRS; 0 when the file does not say */
    char crs_text[1024];  /* what the file said about its CRS ("2000国家大地坐标系, 3度带 40", a .prj WKT, a GeoJSON crs name) */
    char encoding[16];    /* "utf-8", "utf-8-bom", "gbk" */
    long skipped;         /* records the reader itself passed over (e.g. TXT 线/点 records) — each also reported via a note */
    /* the records counted in `skipped`, by kind ("线", "点", "deleted record"; static strings), for the
     * summary of a file that holds no polygon; pl_source_skip fills it */
    struct {
        const char *kind;
        long n;
    } skipped_kinds[4];
    int bare_geometry;    /* 1: the file is one geometry and nothing else (a GeoJSON geometry document) */
    char format[16];      /* set when the reader found another format than it was asked for ("esrijson") */
} pl_source_info;

/* Count one record the reader passes over itself, of kind `kind` (a static string). */
static inline void pl_source_skip(pl_source_info *info, const char *kind)
{
    info->skipped++;
    for (size_t i = 0; i < sizeof info->skipped_kinds / sizeof info->skipped_kinds[0]; i++) {
        if (!info->skipped_kinds[i].kind)
            info->skipped_kinds[i].kind = kind;
        if (info->skipped_kinds[i].kind == kind || !strcmp(info->skipped_kinds[i].kind, kind)) {
            info->skipped_kinds[i].n++;
            return;
        }
    }
}

/* Receives one note of the reader (warnings worth showing the user: a point
 * count mismatch, a guessed encoding…): one line, UTF-8, without the "FILE: "
 * the caller puts in front. `text` is valid only during the call. Called on
 * the reader's thread, in the order the reader finds them. */
typedef void (*pl_note_fn)(void *note_ctx, const char *text);

typedef struct pl_read_options {
    pl_encoding encoding; /* the user's --encoding */
    int srid;             /* the user's --crs, 0 when not given (may guide axis/zone decisions) */
    pl_note_fn note;      /* where the reader's notes go; NULL: nowhere */
    void *note_ctx;       /* handed to `note` */
} pl_read_options;

/* Return 0 to go on, non-zero to stop reading (the reader then returns that value). */
typedef int (*pl_feature_cb)(const pl_feature *f, const pl_source_info *info, void *ctx);

int pl_read_txt(const char *path, const pl_read_options *opt, pl_source_info *info,
                pl_feature_cb cb, void *ctx, pl_error *err);
int pl_read_geojson(const char *path, const pl_read_options *opt, pl_source_info *info,
                    pl_feature_cb cb, void *ctx, pl_error *err);
/* Esri JSON (ArcGIS FeatureSet or one Esri geometry): reached through
 * pl_read_geojson, which recognises it; sets info->format to "esrijson". */
int pl_read_esrijson(const char *path, const pl_read_options *opt, pl_source_info *info,
                     pl_feature_cb cb, void *ctx, pl_error *err);
int pl_read_kml(const char *path, const pl_read_options *opt, pl_source_info *info,
                pl_feature_cb cb, void *ctx, pl_error *err);
int pl_read_shp(const char *path, const pl_read_options *opt, pl_source_info *info,
                pl_feature_cb cb, void *ctx, pl_error *err);

/* ---- helpers the readers share (import/reader.c) ---- */

/* A reader's entry arguments made whole: the defaults for a NULL `opt`
 * (encoding auto, no --crs, notes nowhere), a local pl_source_info and
 * pl_error for NULL ones. pl_read_begin zeroes *info and clears *err; the
 * pointers in `a` stay valid as long as `a` does. */
typedef struct pl_read_args {
    const pl_read_options *opt;
    pl_source_info *info;
    pl_error *err;
    pl_source_info local_info;
    pl_error local_err;
} pl_read_args;

void pl_read_begin(pl_read_args *a, const pl_read_options *opt, pl_source_info *info, pl_error *err);

/* fopen(path, "rb"); NULL with err "PATH: cannot open: REASON" (PL_ERR_IO). */
FILE *pl_read_open(const char *path, pl_error *err);

/* Hand one note to opt->note, formatted in full (never cut). Nothing when
 * opt or opt->note is NULL; a note that cannot be formatted (no memory) is
 * lost. */
void pl_read_note(const pl_read_options *opt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pl_read_vnote(const pl_read_options *opt, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Guess the format from the extension, then from the first bytes. */
pl_format pl_format_detect(const char *path, pl_error *err);

/* Dispatch to the reader for `fmt` (detecting it first when AUTO). */
int pl_read_any(const char *path, pl_format fmt, const pl_read_options *opt, pl_source_info *info,
                pl_feature_cb cb, void *ctx, pl_error *err);

#endif
