/*
 * writer.h — the contract of every export writer (gis/write_geojson.c,
 * write_kml.c, write_html.c, write_txt.c, write_pdf.c). src/export.c runs the query and
 * calls begin once, feature once per parcel, end once, then release; a writer
 * never touches the database and knows nothing of the others.
 *
 * Memory: the pl_export_doc, every pl_export_feature and everything they
 * point to are owned by export.c and valid only during the call. A writer
 * owns its state (allocated in begin, freed in release, which is called
 * whatever happened, also after a failed begin with *state possibly NULL).
 *
 * Errors: return PL_OK or a code with `err` filled ("cannot write …").
 */
#ifndef PARKLAND_WRITER_H
#define PARKLAND_WRITER_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "pdf_doc.h"
#include "parkland/error.h"
#include "rawgeom.h"
#include "style.h"

/* ---- one parcel ---------------------------------------------------------- */

typedef enum pl_field_kind {
    PL_FIELD_TEXT = 0,
    PL_FIELD_NUMBER, /* text holds the number formatted with its decimals */
    PL_FIELD_BOOL,   /* text "true"/"false", num 1/0 */
    PL_FIELD_DATE    /* YYYY-MM-DD */
} pl_field_kind;

/* A field of a parcel as every format shows it: GeoJSON property `key`,
 * KML ExtendedData/Data name `key` with displayName "zh en (unit)", a row of
 * the balloon and the HTML details. */
typedef struct pl_export_field {
    const char *key;   /* ASCII: "code", "area_m2", "tax_per_mu_wan" */
    const char *zh;    /* "宗地号" */
    const char *en;    /* "code" */
    const char *unit;  /* "m²", "万元/亩·年" …; NULL when none */
    pl_field_kind kind;
    const char *text;  /* the value as text; NULL when the parcel has none */
    double num;        /* numeric value of NUMBER and BOOL fields */
} pl_export_field;

/* One status period of a parcel (KML --timeline). */
typedef struct pl_export_period {
    const char *status;    /* status id */
    const pl_style *style; /* the availability class of that status */
    char begin[11];        /* YYYY-MM-DD */
    char end[11];          /* YYYY-MM-DD, "" while it lasts */
} pl_export_period;

/* A photo or document of one of the parcel's inspections (parkland/inspect.h)
 * that the export carries beside it: a KMZ entry files/SHA256.ext, or a file in
 * the HTML map's OUT_files/ directory. */
typedef struct pl_export_attachment {
    const char *name;      /* the stored file name (database text: escape it) */
    const char *href;      /* the relative link: doc->files_href and SHA256.ext, URL-escaped */
} pl_export_attachment;

typedef struct pl_export_feature {
    long id;               /* parcel id in the database */
    long index;            /* 1-based position in the export */
    const char *park, *park_name, *park_name_en;
    const char *code, *name, *land_use, *land_use_code;
    const char *status, *status_date;
    double area_m2;
    const pl_style *style; /* map class of the theme */
    const char *stage;     /* landing stage ("none", "signed" …) */
    int overdue, idle, reclaim;
    long overdue_days;     /* days past the agreed construction start, 0 when not overdue */
    const char *company;   /* linked company (zh), NULL when none */
    const pl_export_field *fields;
    size_t nfields;
    /* Geometry in the writer's CRS (see pl_writer_ops.needs): exterior rings
     * counter-clockwise and holes clockwise when it is lon/lat. */
    const pl_geom *geom;   /* lon/lat (GCJ-02 when doc->gcj02) — PL_NEED_LONLAT */
    double label_lon, label_lat; /* a point inside the parcel (GEOS PointOnSurface) — PL_NEED_LABEL */
    const pl_geom *work;   /* working CRS as stored — PL_NEED_WORK */
    double label_x, label_y;     /* a point inside, in the working CRS */
    const pl_export_period *periods; /* --timeline */
    size_t nperiods;
    /* 1: a context parcel of a filtered export (another parcel of the park, drawn in
     * grey): style pl_style_context(), fields only its code, no periods, in no count */
    int context;
    /* the inspection files of the parcel (up to the as-of date, oldest first) when
     * doc->files_href is set; else none */
    const pl_export_attachment *files;
    size_t nfiles;
} pl_export_feature;

/* ---- the whole export ---------------------------------------------------- */

typedef struct pl_export_doc {
    FILE *out;
    pl_style_theme theme;
    const char *theme_zh, *theme_en;
    const char *title;      /* "青岛国际招商产业园(示范片区) QDIP" or "parkland" */
    const char *generated;  /* YYYY-MM-DD, today */
    const char *as_of;      /* YYYY-MM-DD */
    const char *filter;     /* "park QDIP, status available" or "" */
    int gcj02, precision, bbox, timeline;
    int bd09;              /* lon/lat are Baidu BD-09 (gcj02 is 0 then) */
    int work_srid;          /* working CRS */
    const char *work_crs_name;
    /* TXT: CRS of the coordinates written */
    int txt_srid;           /* zone-prefixed code or the working CRS */
    int txt_zone;           /* 带号, 0 when the working CRS is not a CGCS2000 3-degree zone */
    double txt_east_offset; /* added to working eastings (zone × 10⁶ or 0) */
    int txt_gbk;            /* 1: GBK, 0: UTF-8 */
    const char *version;    /* parkland version */
    /* The fields every feature carries, in the same order (key, labels, unit,
     * kind; text NULL): for what a writer shows before the first feature. */
    const pl_export_field *fields;
    size_t nfields;
    /* The descriptor of `out` when it is a new regular file that the writer may
     * also write at an offset it has already passed (pwrite, after flushing
     * `out`); -1 when `out` is a stream only (a pipe, stdout). */
    int out_fd;
    /* 1 when the rows come as PL_NEED_CLASS_ORDER says: the writer asked for it
     * and can use it (a file it can write at an offset: out_fd >= 0, no
     * doc->timeline); else by park and code. */
    int rows_by_class;
    /* present[i]: class i of the theme (of the folders: availability with
     * timeline) has a selected parcel, or the legend lists every class
     * (--legend all); the legends list only these. Filled before begin only
     * for a writer with PL_NEED_PRESENT (a legend before the features); else
     * only --legend all sets it, and the writer adds the classes the summary
     * counted (pl_export_summary.count). */
    unsigned char present[PL_STYLE_MAX];
    /* 1 when the export may hold context features (--status or --industry):
     * they come after the selected parcels of their park */
    int context;
    /* PL_NEED_EXTENT (pdf): the working-CRS box of every parcel exported
     * (minx, miny, maxx, maxy; have_extent 0 when there is none), the page
     * (mm, orientation applied) and the scale asked for (0: fit). The writer
     * puts the scale it drew at in *map_scale and 1 in *map_clipped when the
     * extent does not fit at it. */
    int have_extent;
    double extent[4];
    double page_w_mm, page_h_mm;
    double scale;
    double *map_scale;
    int *map_clipped;      /* always 0 now: a map that does not fit is cut into pages */
    int *map_pages;        /* map pages made (1, or the grid's pages after the index sheet) */
    /* pdf: draw onto the current page of this open document (borrowed; its
     * pages are the size above) instead of a new document on `out`; the
     * writer neither turns the first page nor closes the document */
    pl_pdf *into;
    /* the inspection files travel with the export (KMZ: "files/"; HTML written to
     * a file: "OUT_files/", URL-escaped): features carry them and balloons and
     * panels link them under this prefix. NULL: they do not (plain KML, a stream):
     * the inspections field names them as text. */
    const char *files_href;
} pl_export_doc;

/* Totals handed to end(): per class of the theme, in legend order. */
typedef struct pl_export_summary {
    long parcels;
    double area_m2;
    long count[PL_STYLE_MAX];
    double area[PL_STYLE_MAX];
    int have_bbox;
    double bbox[4];         /* lon/lat extent of what was written (minx, miny, maxx, maxy) */
} pl_export_summary;

enum {
    PL_NEED_LONLAT = 1,  /* feature->geom */
    PL_NEED_WORK = 2,    /* feature->work and label_x/y */
    PL_NEED_HISTORY = 4, /* feature->periods (when doc->timeline) */
    PL_NEED_LABEL = 8,   /* label_lon/lat (with PL_NEED_LONLAT) */
    /* rows by park, then by the position of their class (of doc->theme) in the
     * legend, then by code, when it can use them so (doc->rows_by_class) */
    PL_NEED_CLASS_ORDER = 16,
    PL_NEED_EXTENT = 32, /* doc->extent before begin */
    PL_NEED_PRESENT = 64 /* doc->present before begin (a pass over the rows without geometry) */
};

typedef struct pl_writer_ops {
    const char *name;
    unsigned needs;
    int (*begin)(void **state, const pl_export_doc *doc, pl_error *err);
    int (*feature)(void *state, const pl_export_feature *f, pl_error *err);
    int (*end)(void *state, const pl_export_summary *sum, pl_error *err);
    void (*release)(void *state);
} pl_writer_ops;

extern const pl_writer_ops pl_writer_geojson;
extern const pl_writer_ops pl_writer_kml;
extern const pl_writer_ops pl_writer_html;
extern const pl_writer_ops pl_writer_txt;
extern const pl_writer_ops pl_writer_pdf;

/* ---- helpers shared by the writers (gis/writer.c) -------------------------- */

/* Copy of `s` in which invalid UTF-8 and characters XML 1.0 forbids (C0
 * controls but tab/LF/CR, U+FFFE/FFFF) become U+FFFD. NULL → "". Caller frees;
 * NULL on ENOMEM. With `oneline`, tab/LF/CR become spaces too. */
char *pl_w_clean(const char *s, int oneline);

/* JSON string literal with quotes. Invalid UTF-8 becomes U+FFFD; controls
 * are \u escaped. `html_safe`: also escape < > & U+2028 U+2029 (for JSON
 * inside an HTML <script>). NULL writes null. */
void pl_w_json_string(FILE *out, const char *s, int html_safe);

/* HTML text/attribute escape (& < > " ') of the cleaned text. */
void pl_w_html(FILE *out, const char *s);
/* The same appended to a buffer; -1 on ENOMEM. */
int pl_w_buf_html(pl_buf *b, const char *s);

/* A number with at most `decimals` decimals, trailing zeros dropped, never
 * "-0" (buf ≥ 40 bytes). */
void pl_w_num(char *buf, size_t len, double v, int decimals);

/* The same, NUL-terminated in `buf`, returning its length (≤ 39 for
 * |v| < 2⁶³; larger values go through snprintf into `len` bytes). Exactly the
 * digits of printf("%.*f") (round half to even on exact ties), computed with
 * integers when |v| < 2⁶³, else by snprintf. */
size_t pl_w_num_len(char *buf, size_t len, double v, int decimals);

/* ---- buffered output --------------------------------------------------------
 * A pl_w_out collects output in one buffer with memcpy appends and hands it to
 * its FILE when full (and on pl_w_out_flush), so memory stays at `cap` bytes
 * whatever is written. Errors are sticky: `err` is set on the first failed
 * write and every later write is dropped. */
typedef struct pl_w_out {
    FILE *f;       /* destination (borrowed); NULL: a growing buffer */
    char *p;       /* buffer (owned unless given to pl_w_out_init_with) */
    size_t n, cap;
    int err;       /* 1 after a failed write */
    int own;
    unsigned long long done; /* bytes handed to the FILE so far: done + n is the position */
} pl_w_out;

/* A buffer of `cap` bytes (malloc'd; freed by pl_w_out_free). -1 on ENOMEM.
 * With f NULL nothing is written anywhere: the buffer grows to hold
 * everything (o->p, o->n), and err is set when memory runs out. */
int pl_w_out_init(pl_w_out *o, FILE *f, size_t cap);
/* Use the caller's buffer (pl_w_out_free does not free it). */
void pl_w_out_init_with(pl_w_out *o, FILE *f, char *buf, size_t cap);
/* Write what is buffered to the FILE (not fflush). -1 when a write failed. */
int pl_w_out_flush(pl_w_out *o);
/* Free the buffer (without flushing). */
void pl_w_out_free(pl_w_out *o);
/* Slow path of pl_w_put: flush, then buffer or write through. */
void pl_w_out_write(pl_w_out *o, const char *s, size_t n);

static inline void pl_w_put(pl_w_out *o, const char *s, size_t n)
{
    if (n <= o->cap - o->n) {
        memcpy(o->p + o->n, s, n);
        o->n += n;
    } else {
        pl_w_out_write(o, s, n);
    }
}

static inline void pl_w_putc(pl_w_out *o, char c)
{
    if (o->n < o->cap)
        o->p[o->n++] = c;
    else
        pl_w_out_write(o, &c, 1);
}

/* A string literal (its length known at compile time). */
#define pl_w_lit(o, lit) pl_w_put((o), "" lit, sizeof(lit) - 1)

void pl_w_puts(pl_w_out *o, const char *s); /* NULL writes nothing */
/* pl_w_num's text. */
void pl_w_put_num(pl_w_out *o, double v, int decimals);
void pl_w_put_long(pl_w_out *o, long v);
/* pl_w_json_string's text. */
void pl_w_put_json(pl_w_out *o, const char *s, int html_safe);
/* XML character data of `s` cleaned as pl_w_clean(s, 0) does, with & < >
 * escaped, and also " (attr = 1) and CR, TAB, LF as character references where
 * a parser would otherwise change them (CR always; TAB and LF in attributes). */
void pl_w_put_xml(pl_w_out *o, const char *s, int attr);
/* A CDATA section of `s` as is (the caller cleans it), any "]]>" split over
 * two sections. */
void pl_w_put_cdata(pl_w_out *o, const char *s, size_t n);

/* Copy the contents of `from` (rewound) to `to`; -1 on read/write error. */
int pl_w_copy_file(FILE *from, FILE *to);

/* "宗地号 code (m²)" into buf. */
void pl_w_field_label(const pl_export_field *f, char *buf, size_t len);

#endif
