/*
 * export.c — maps and coordinate files out of the database.
 *
 * One streaming query reads the selected parcels with everything a map shows
 * about them (park, status, standard-land indicators, the project signed for
 * them and its lead and company, or the lead a reservation holds them for,
 * the milestone dates) and, when the writer wants it, the stored geometry
 * (SpatiaLite's BLOB, read here), and the parcel's status history as JSON
 * (--timeline). The
 * WGS 84 coordinates are transformed here, in C, with the PROJ pipeline
 * stored in the database (src/xform.h: the same numbers as ST_Transform,
 * without its two spatial_ref_sys look-ups per row). Each row becomes one
 * pl_export_feature handed to the writer of the format (gis/writer.h):
 * landing stage and flags are derived here, in C, from the dates and the
 * as-of date; the map class and its colours come from gis/style.c.
 *
 * Nothing here prints; pl_export_file writes through src/output_file.h (a
 * temporary file next to the target, renamed into place only when complete).
 */
#define _GNU_SOURCE /* sync_file_range */
#include "parkland/export.h"
#include "parkland/ledger.h"
#include "parkland/muni.h"
#include "parkland/parcel.h"
#include "parkland/park.h"
#include "parkland/units.h"

#include "crs.h"
#include "date.h"
#include "db_internal.h"
#include "vocab.h"
#include "gcj02.h"
#include "geom.h"
#include "geom_blob.h"
#include "landing.h"
#include "output_file.h"
#include "export_internal.h"
#include "writer.h"
#include "xform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#ifndef PARKLAND_VERSION
#define PARKLAND_VERSION "0"
#endif

/* ---- names ------------------------------------------------------------------ */

static const char *const format_names[] = {"geojson", "kml", "html", "txt", "pdf"};

int pl_export_format_parse(const char *s)
{
    for (int i = 0; s && i < 5; i++)
        if (!strcmp(s, format_names[i]))
            return i;
    return -1;
}

const char *pl_export_format_name(pl_export_format f)
{
    return (unsigned)f < 5 ? format_names[f] : "?";
}

/* The themes are gis/style.h's, under their public names. */
_Static_assert((int)PL_THEME_AVAILABILITY == (int)PL_STYLE_AVAILABILITY &&
                   (int)PL_THEME_LANDING == (int)PL_STYLE_LANDING && (int)PL_THEME_MUNI == (int)PL_STYLE_MUNI &&
                   (int)PL_THEME_LEDGER == (int)PL_STYLE_LEDGER && PL_THEME_LEDGER + 1 == PL_STYLE_THEMES,
               "pl_export_theme and pl_style_theme differ");

int pl_export_theme_parse(const char *s)
{
    return pl_style_theme_parse(s);
}

const char *pl_export_theme_name(pl_export_theme t)
{
    return pl_style_theme_name((pl_style_theme)t);
}

void pl_export_options_init(pl_export_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = PL_EXPORT_GEOJSON;
    opt->theme = PL_THEME_AVAILABILITY;
    opt->precision = PL_EXPORT_DEFAULT_PRECISION;
    opt->encoding = PL_ENCODING_AUTO;
}

/* ---- WKB → pl_geom ------------------------------------------------------------ */

typedef struct wkb_in {
    const unsigned char *p;
    size_t n, pos;
} wkb_in;

static int wkb_u32(wkb_in *w, int le, uint32_t *v)
{
    if (w->n - w->pos < 4)
        return -1;
    const unsigned char *b = w->p + w->pos;
    *v = le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
            : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
    w->pos += 4;
    return 0;
}

static int wkb_f64(wkb_in *w, int le, double *v)
{
    if (w->n - w->pos < 8)
        return -1;
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = w->p[w->pos + (size_t)(le ? i : 7 - i)];
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | b[i];
    memcpy(v, &u, sizeof *v);
    w->pos += 8;
    return 0;
}

static int wkb_polygon(wkb_in *w, int le, pl_geom *g)
{
    uint32_t nrings;
    if (wkb_u32(w, le, &nrings) || nrings > (w->n - w->pos) / 4)
        return -1;
    pl_poly *p = pl_geom_add_poly(g);
    if (!p)
        return -1;
    for (uint32_t r = 0; r < nrings; r++) {
        uint32_t npts;
        if (wkb_u32(w, le, &npts) || npts > (w->n - w->pos) / 16)
            return -1;
        pl_ring *ring = pl_poly_add_ring(p);
        if (!ring)
            return -1;
        for (uint32_t k = 0; k < npts; k++) {
            double x, y;
            if (wkb_f64(w, le, &x) || wkb_f64(w, le, &y) || pl_ring_add_point(ring, x, y))
                return -1;
        }
    }
    return 0;
}

/* A 2-D Polygon or MultiPolygon WKB (any byte order) into g (cleared first). */
static int wkb_to_geom(const unsigned char *b, size_t n, pl_geom *g)
{
    pl_geom_clear(g);
    wkb_in w = {b, n, 0};
    if (n < 5)
        return -1;
    int le = b[w.pos++] == 1;
    uint32_t type;
    if (wkb_u32(&w, le, &type))
        return -1;
    if (type == 3)
        return wkb_polygon(&w, le, g);
    if (type != 6)
        return -1;
    uint32_t nparts;
    if (wkb_u32(&w, le, &nparts))
        return -1;
    for (uint32_t i = 0; i < nparts; i++) {
        if (w.pos >= n)
            return -1;
        int ple = b[w.pos++] == 1;
        uint32_t pt;
        if (wkb_u32(&w, ple, &pt) || pt != 3 || wkb_polygon(&w, ple, g))
            return -1;
    }
    return 0;
}

/* A SpatiaLite BLOB geometry (the stored p.geom) into g, read here for the
 * common case, a plain 2-D Polygon or MultiPolygon: 0x00, byte order, SRID,
 * MBR, 0x7C, class, the body (each part of a multi after 0x69 and its class),
 * 0xFE. Anything else (compressed, Z/M, other types) goes through SpatiaLite
 * (gaiaFromSpatiaLiteBlobWkb, then WKB), as ST_AsBinary would. */
int pl_blob_to_geom(const unsigned char *b, size_t n, pl_geom *g)
{
    if (n >= 45 && b[0] == 0x00 && (b[1] == 0x00 || b[1] == 0x01) && b[38] == 0x7c && b[n - 1] == 0xfe) {
        int le = b[1] == 0x01;
        wkb_in w = {b, n - 1, 39};
        uint32_t type;
        if (wkb_u32(&w, le, &type))
            return -1;
        if (type == 3 || type == 6) {
            pl_geom_clear(g);
            int bad = 0;
            if (type == 3) {
                bad = wkb_polygon(&w, le, g);
            } else {
                uint32_t nparts;
                bad = wkb_u32(&w, le, &nparts);
                for (uint32_t i = 0; !bad && i < nparts; i++) {
                    uint32_t pt;
                    bad = w.pos >= w.n || b[w.pos++] != 0x69 || wkb_u32(&w, le, &pt) || pt != 3 ||
                          wkb_polygon(&w, le, g);
                }
            }
            if (!bad && w.pos == w.n)
                return 0;
            /* e.g. a MultiPolygon of compressed polygons: SpatiaLite knows */
        }
    }
    gaiaGeomCollPtr gc = gaiaFromSpatiaLiteBlobWkb(b, (unsigned int)n);
    if (!gc)
        return -1;
    unsigned char *wkb = NULL;
    int len = 0;
    gaiaToWkb(gc, &wkb, &len);
    gaiaFreeGeomColl(gc);
    int rc = wkb && len > 0 ? wkb_to_geom(wkb, (size_t)len, g) : -1;
    free(wkb);
    return rc;
}

/* Reverse ring r when its orientation is not the one wanted (ccw = 1: positive area). */
static void orient_ring(pl_ring *r, int ccw)
{
    double a = pl_ring_signed_area(r);
    if ((ccw && a < 0) || (!ccw && a > 0)) {
        for (size_t i = 0, j = r->n - 1; r->n && i < j; i++, j--) {
            double x = r->xy[2 * i], y = r->xy[2 * i + 1];
            r->xy[2 * i] = r->xy[2 * j];
            r->xy[2 * i + 1] = r->xy[2 * j + 1];
            r->xy[2 * j] = x;
            r->xy[2 * j + 1] = y;
        }
    }
}

/* ---- the query ------------------------------------------------------------------ */

enum {
    C_ID, C_PARK, C_PARK_NAME, C_PARK_NAME_EN, C_CODE, C_NAME, C_USE, C_USE_CODE, C_STATUS, C_STATUS_DATE,
    C_AREA, C_CREATED,
    C_I_INV, C_I_FAR_MIN, C_I_FAR_MAX, C_I_TAX, C_I_OUTPUT, C_I_ENERGY, C_I_COVER, C_I_ADMIN, C_I_GREEN,
    C_I_INDUSTRIES, C_I_PRICE, C_I_TERM,
    C_PROJECT, C_SIGNED, C_INVEST,
    C_LEAD, C_COMPANY, C_COMPANY_EN, C_COUNTRY, C_INDUSTRY, C_INDUSTRY_ZH, C_RESERVED_UNTIL,
    C_LAND_P, C_LAND_A, C_CONS_P, C_CONS_A, C_PROD_P, C_PROD_A, C_VER_P, C_VER_A,
    C_COMP_P, C_COMP_A, C_XS, C_XS_ON, C_XC, C_XC_ON, /* 竣工; extensions of the start and the completion */
    C_RECLAIMED, C_INSPECTIONS, C_GEOM, C_HISTORY, C_SELECTED
};

/* The parcel passes --status and --industry (every parcel but retired ones without them). */
#define SELECTED                                                                                                   \
    "((CASE WHEN ?3 IS NULL THEN p.status <> 'retired' ELSE p.status = ?3 END)"                                   \
    " AND (?4 IS NULL OR ld.industry = ?4"                                                                         \
    "      OR instr(',' || replace(coalesce(pi.industries, ''), ' ', '') || ',', ',' || ?4 || ',') > 0))"

/* 1 when the parcel was reclaimed from a project by the as-of date
 * (pl_parcel_reclaim) and no project holds it since (pr: the holding one). */
#define RECLAIMED_SQL                                                                                         \
    "CASE WHEN pr.id IS NULL AND EXISTS (SELECT 1 FROM project_parcel g WHERE g.parcel_id = p.id"             \
    " AND g.reclaimed_on <= ?1) THEN 1 END"

/* The dates of the deadlines (parkland/deadline.h) beyond the four milestones:
 * C_COMP_P … C_XC_ON; and all of them, in the order of enum dl_date, as the
 * arguments of CLASS_FN. */
#define DEADLINE_COLS "mo.planned, mo.actual, xs.until, xs.agreed_on, xc.until, xc.agreed_on"
#define DEADLINE_ARGS                                                                                         \
    "ml.planned, ml.actual, mc.planned, mc.actual, mo.planned, mo.actual, mp.planned, mp.actual,"             \
    " mv.planned, mv.actual, xs.until, xs.agreed_on, xc.until, xc.agreed_on"
enum dl_date {
    D_LAND_P, D_LAND_A, D_CONS_P, D_CONS_A, D_COMP_P, D_COMP_A, D_PROD_P, D_PROD_A, D_VER_P, D_VER_A,
    D_XS, D_XS_ON, D_XC, D_XC_ON, D_DATES
};

/* The parcel's inspections up to the as-of date (parkland/inspect.h), oldest first, as text:
 * date, figures, note and each attached file's name, size and SHA-256; NULL when none.
 * The files themselves, when the export carries them, come from files_sql (row_files). */
#define INSPECTIONS_SQL                                                                                       \
    "CASE WHEN EXISTS (SELECT 1 FROM inspection g WHERE g.parcel_id = p.id) THEN (SELECT group_concat(t, ' | ')" \
    " FROM (SELECT i.inspected_on"                                                                            \
    " || CASE WHEN i.progress_pct IS NULL THEN '' ELSE printf('; progress %%g %%%%', i.progress_pct) END"        \
    " || CASE WHEN i.built_area_m2 IS NULL THEN '' ELSE printf('; built %%.2f m²', i.built_area_m2) END"       \
    " || CASE WHEN i.invested_wan IS NULL THEN '' ELSE printf('; invested %%g 万元', i.invested_wan) END"      \
    " || coalesce('; stopped since ' || i.stopped_since, '') || coalesce('; ' || i.note, '')"                 \
    " || coalesce((SELECT group_concat(printf('; file %%s (%%d bytes, sha256 %%s)', f.name, f.size, f.sha256), '')" \
    "     FROM inspection_file f WHERE f.inspection_id = i.id), '') AS t"                                     \
    " FROM inspection i WHERE i.parcel_id = p.id AND i.inspected_on <= ?1 ORDER BY i.inspected_on, i.id)) END"

static const char export_sql[] =
    "SELECT p.id, k.code, k.name, k.name_en, p.code, p.name, p.land_use, p.land_use_code, p.status,"
    "       p.status_date, p.area_m2, COALESCE(p.entered_on, substr(p.created_at, 1, 10)),"
    "       pi.investment_intensity, pi.far_min, pi.far_max, pi.tax_per_mu, pi.output_per_mu,"
    "       pi.energy_per_output, pi.building_coverage_min, pi.admin_share_max, pi.green_ratio_max,"
    "       pi.industries, pi.base_price, pi.term_years,"
    "       pr.code, pr.signed_on, pr.investment,"
    "       ld.code, ld.company, ld.company_en, ld.country, ld.industry, ind.name_zh, rv.expires_on,"
    "       ml.planned, ml.actual, mc.planned, mc.actual, mp.planned, mp.actual, mv.planned, mv.actual,"
    "       " DEADLINE_COLS ", " RECLAIMED_SQL ", " INSPECTIONS_SQL ","
    "       %s, %s, " SELECTED
    "  FROM parcel p JOIN park k ON k.id = p.park_id"
    "  LEFT JOIN parcel_indicator pi ON pi.parcel_id = p.id"
    /* the EXISTS guards skip the sorted subqueries (an ephemeral table set up and
     * cleared per row) for the parcels that have no project or reservation */
    "  LEFT JOIN project pr ON pr.id = CASE WHEN EXISTS (SELECT 1 FROM project_parcel g WHERE g.parcel_id = p.id)"
    "        THEN (SELECT x.id FROM project_parcel pp JOIN project x ON x.id = pp.project_id"
    "        WHERE pp.parcel_id = p.id AND x.signed_on <= ?1"
    "          AND (pp.reclaimed_on IS NULL OR pp.reclaimed_on > ?1)"
    "          AND (x.terminated_on IS NULL OR x.terminated_on > ?1)"
    "        ORDER BY x.signed_on DESC, x.id DESC LIMIT 1) END"
    "  LEFT JOIN reservation rv ON pr.id IS NULL AND rv.id = CASE WHEN EXISTS (SELECT 1 FROM reservation g"
    "        WHERE g.parcel_id = p.id) THEN (SELECT r.id FROM reservation r"
    "        WHERE r.parcel_id = p.id AND r.reserved_on <= ?1"
    "          AND (r.released_on IS NULL OR r.released_on > ?1)"
    "        ORDER BY r.reserved_on DESC, r.id DESC LIMIT 1) END"
    "  LEFT JOIN lead ld ON ld.id = coalesce(pr.lead_id, rv.lead_id)"
    "  LEFT JOIN industry ind ON ind.id = ld.industry"
    "  LEFT JOIN milestone ml ON ml.project_id = pr.id AND ml.kind = 'land'"
    "  LEFT JOIN milestone mc ON mc.project_id = pr.id AND mc.kind = 'construction'"
    "  LEFT JOIN milestone mp ON mp.project_id = pr.id AND mp.kind = 'production'"
    "  LEFT JOIN milestone mv ON mv.project_id = pr.id AND mv.kind = 'verification'"
    "  LEFT JOIN milestone mo ON mo.project_id = pr.id AND mo.kind = 'completion'"
    "  LEFT JOIN project_extension xs ON xs.project_id = pr.id AND xs.kind = 'construction'"
    "  LEFT JOIN project_extension xc ON xc.project_id = pr.id AND xc.kind = 'completion'"
    " WHERE (?2 IS NULL OR k.code = ?2)"
    "   AND (?11 IS NULL OR p.batch_id = ?11)"
    /* the filters, or (?5: with context) any other parcel that is land */
    "   AND (" SELECTED " OR (?5 AND p.status <> 'retired'))"
    "%s"
    " ORDER BY k.code, %s%s p.code";

/* The geometry written: as stored, or (?12 > 0, pl_export_options.simplify_m) simplified in the working
 * CRS without letting rings cross or collapse; the stored one should GEOS give nothing back. */
#define GEOM_SQL "CASE WHEN ?12 > 0 THEN coalesce(SimplifyPreserveTopology(p.geom, ?12), p.geom) ELSE p.geom END"

/* The map's view (pl_export_options.lonlat_box): ?6-?9 its envelope in the working CRS, ?10 the
 * SRID. The R*Tree gives the candidates (its float boxes are a superset); the exact test decides. */
static const char box_sql[] =
    "   AND p.id IN (SELECT pkid FROM idx_parcel_geom WHERE xmin <= ?8 AND xmax >= ?6 AND ymin <= ?9 AND ymax >= ?7)"
    "   AND ST_Intersects(p.geom, BuildMbr(?6, ?7, ?8, ?9, ?10))";

/* The envelope in the working CRS of the WGS 84 box b (its corners and edge midpoints). */
static int box_to_work(pl_db *db, const double b[4], double out[4], pl_error *err)
{
    if (!(isfinite(b[0]) && isfinite(b[1]) && isfinite(b[2]) && isfinite(b[3])) || b[0] >= b[2] || b[1] >= b[3] ||
        b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90)
        return pl_error_set(err, PL_ERR_USAGE,
                            "a box is lon1,lat1,lon2,lat2 in degrees with lon1 < lon2 and lat1 < lat2");
    double xy[16];
    size_t n = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (i != 1 || j != 1) {
                xy[2 * n] = b[0] + (b[2] - b[0]) * i / 2.0;
                xy[2 * n + 1] = b[1] + (b[3] - b[1]) * j / 2.0;
                n++;
            }
    pl_xform *xf;
    int rc = pl_xform_open(db, 4326, db->srid, 0, &xf, err);
    if (rc)
        return rc;
    rc = pl_xform_points(xf, xy, n, err);
    pl_xform_free(xf);
    if (rc)
        return rc;
    out[0] = out[1] = INFINITY;
    out[2] = out[3] = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(xy[2 * k]) || !isfinite(xy[2 * k + 1]))
            return pl_error_set(err, PL_ERR_USAGE, "the box %.7f,%.7f,%.7f,%.7f has no place in EPSG:%d", b[0], b[1],
                                b[2], b[3], db->srid);
        out[0] = fmin(out[0], xy[2 * k]);
        out[1] = fmin(out[1], xy[2 * k + 1]);
        out[2] = fmax(out[2], xy[2 * k]);
        out[3] = fmax(out[3], xy[2 * k + 1]);
    }
    return PL_OK;
}

static const char history_sql[] =
    "(SELECT json_group_array(json_array(h.id, substr(%s, 1, 10), h.old_value, h.new_value))"
    "   FROM history h WHERE h.entity = 'parcel' AND h.entity_id = p.id AND h.field = 'status')";

/* ---- building a feature --------------------------------------------------------- */

/* The files an export links (doc.files_href): each SHA-256 once, with the extension of its entry. */
typedef struct export_file_ref {
    char sha[65];
    char ext[4];
} export_file_ref;

typedef struct export_files {
    const char *href;        /* the prefix of the links ("files/", "map_files/") */
    export_file_ref *v;
    size_t n, cap;
} export_files;

/* The extension of a stored file's copy, from its type (pl_inspection_file_type). */
static const char *file_ext(const char *mime)
{
    return mime && !strcmp(mime, "image/png") ? "png" : mime && !strcmp(mime, "application/pdf") ? "pdf" : "jpg";
}

static int file_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const export_file_ref *)a)->sha, ((const export_file_ref *)b)->sha);
}

/* Sort the list and drop the repeats. */
static void files_unique(export_files *fl)
{
    if (!fl->n)
        return;
    qsort(fl->v, fl->n, sizeof *fl->v, file_ref_cmp);
    size_t m = 1;
    for (size_t i = 1; i < fl->n; i++)
        if (strcmp(fl->v[i].sha, fl->v[m - 1].sha))
            fl->v[m++] = fl->v[i];
    fl->n = m;
}

#define MAX_FIELDS 64

typedef struct exporter {
    pl_db *db;
    const pl_export_options *opt;
    const pl_writer_ops *w;
    void *wstate;
    pl_export_doc doc;
    pl_export_summary sum;
    pl_geom ll, work;
    pl_xform *xf;           /* working CRS → WGS 84 (PL_NEED_LONLAT) */
    pl_export_field fields[MAX_FIELDS];
    size_t nfields;
    char pool[16384];       /* formatted numbers of the current row */
    size_t pool_used;
    pl_export_period *periods;
    size_t nperiods, cperiods;
    pl_export_field schema[MAX_FIELDS]; /* the field list every row has (doc.fields) */
    char history_err[256];
    pl_muni_grades muni;    /* theme muni: the grades of the year */
    pl_ledger ledger;       /* theme ledger: each parcel's category as of the date */
    /* doc.files_href set: the files of the current row, and every file linked so far */
    export_files *files;
    sqlite3_stmt *files_st;
    pl_export_attachment *rowfiles;
    size_t nrowfiles, crowfiles;
    pl_buf rowtext;         /* their names and links, NUL-separated */
} exporter;

/* Text of column i; NULL when empty, NULL, or when there is no row (st NULL:
 * the field list alone, see row_fields). */
static const char *col(sqlite3_stmt *st, int i)
{
    if (!st)
        return NULL;
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s && *s ? s : NULL;
}

static const char *pool_put(exporter *x, const char *s)
{
    size_t n = strlen(s) + 1;
    if (x->pool_used + n > sizeof x->pool)
        return NULL;
    char *p = x->pool + x->pool_used;
    memcpy(p, s, n);
    x->pool_used += n;
    return p;
}

static const char files_sql[] =
    "SELECT f.name, f.sha256, f.mime FROM inspection i JOIN inspection_file f ON f.inspection_id = i.id"
    " WHERE i.parcel_id = ?1 AND i.inspected_on <= ?2 ORDER BY i.inspected_on, i.id, f.id";

/* The inspection files of parcel `id` into x->rowfiles (and the export's list). */
static int row_files(exporter *x, long id, pl_error *err)
{
    x->nrowfiles = 0;
    x->rowtext.len = 0;
    sqlite3_reset(x->files_st);
    sqlite3_bind_int64(x->files_st, 1, id);
    size_t off[2 * 256];
    int step;
    while ((step = sqlite3_step(x->files_st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(x->files_st, 0);
        const char *sha = (const char *)sqlite3_column_text(x->files_st, 1);
        const char *ext = file_ext((const char *)sqlite3_column_text(x->files_st, 2));
        if (!name || !sha || strlen(sha) != 64 || x->nrowfiles >= 256)
            continue; /* not a SHA-256 the archive can name; the text still names it */
        export_files *fl = x->files;
        if (fl->n == fl->cap) {
            size_t c = fl->cap ? 2 * fl->cap : 64;
            export_file_ref *v = realloc(fl->v, c * sizeof *v);
            if (!v)
                return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            fl->v = v;
            fl->cap = c;
        }
        snprintf(fl->v[fl->n].sha, sizeof fl->v[fl->n].sha, "%s", sha);
        snprintf(fl->v[fl->n].ext, sizeof fl->v[fl->n].ext, "%s", ext);
        fl->n++;
        if (x->nrowfiles == x->crowfiles) {
            size_t c = x->crowfiles ? 2 * x->crowfiles : 8;
            pl_export_attachment *v = realloc(x->rowfiles, c * sizeof *v);
            if (!v)
                return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            x->rowfiles = v;
            x->crowfiles = c;
        }
        off[2 * x->nrowfiles] = x->rowtext.len;
        if (pl_buf_add(&x->rowtext, name, strlen(name) + 1))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        off[2 * x->nrowfiles + 1] = x->rowtext.len;
        if (pl_buf_addf(&x->rowtext, "%s%s.%s", fl->href ? fl->href : "", sha, ext) || pl_buf_addch(&x->rowtext, '\0'))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        x->nrowfiles++;
    }
    if (step != SQLITE_DONE)
        return pl_db_fail(x->db, err, "cannot read the inspection files");
    for (size_t i = 0; i < x->nrowfiles; i++) /* the buffer may have moved while it grew */
        x->rowfiles[i] = (pl_export_attachment){x->rowtext.buf + off[2 * i], x->rowtext.buf + off[2 * i + 1]};
    return PL_OK;
}

static void field(exporter *x, const char *key, const char *zh, const char *en, const char *unit,
                  pl_field_kind kind, const char *text, double num)
{
    if (x->nfields >= MAX_FIELDS)
        return;
    x->fields[x->nfields++] = (pl_export_field){key, zh, en, unit, kind, text, num};
}

static void field_text(exporter *x, const char *key, const char *zh, const char *en, const char *text)
{
    field(x, key, zh, en, NULL, PL_FIELD_TEXT, text, NAN);
}

static void field_date(exporter *x, const char *key, const char *zh, const char *en, const char *text)
{
    field(x, key, zh, en, NULL, PL_FIELD_DATE, text, NAN);
}

static void field_num(exporter *x, const char *key, const char *zh, const char *en, const char *unit, double v,
                      int decimals)
{
    const char *t = NULL;
    if (isfinite(v)) {
        char buf[64];
        pl_w_num(buf, sizeof buf, v, decimals);
        t = pool_put(x, buf);
    }
    field(x, key, zh, en, unit, PL_FIELD_NUMBER, t, v);
}

static void field_col(exporter *x, sqlite3_stmt *st, int c, const char *key, const char *zh, const char *en,
                      const char *unit, int decimals)
{
    double v = !st || sqlite3_column_type(st, c) == SQLITE_NULL ? NAN : sqlite3_column_double(st, c);
    field_num(x, key, zh, en, unit, v, decimals);
}

static void field_bool(exporter *x, const char *key, const char *zh, const char *en, int v)
{
    field(x, key, zh, en, NULL, PL_FIELD_BOOL, v ? "true" : "false", v ? 1 : 0);
}

/* An actual date counts when it is on or before the as-of date. */
/* Status periods from the history JSON [[id, date, old, new], …]. */
static int build_periods(exporter *x, const char *created, const char *current, const char *json)
{
    x->nperiods = 0;
    json_error_t je;
    json_t *arr = json ? json_loads(json, 0, &je) : NULL;
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    /* rows sorted by (date, id): insertion sort over indices, histories are short */
    size_t *ord = n ? malloc(n * sizeof *ord) : NULL;
    if (n && !ord) {
        json_decref(arr);
        return PL_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(arr, i);
        const char *d = json_string_value(json_array_get(r, 1));
        const char *nv = json_string_value(json_array_get(r, 3));
        if (!d || !pl_date_valid(d) || !nv)
            continue;
        size_t j = m++;
        json_int_t id = json_integer_value(json_array_get(r, 0));
        while (j > 0) {
            json_t *q = json_array_get(arr, ord[j - 1]);
            int c = strcmp(json_string_value(json_array_get(q, 1)), d);
            if (c < 0 || (c == 0 && json_integer_value(json_array_get(q, 0)) <= id))
                break;
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = i;
    }
    const char *first_old = m ? json_string_value(json_array_get(json_array_get(arr, ord[0]), 2)) : NULL;
    const char *status = first_old && *first_old ? first_old : (m ? NULL : current);
    if (!status)
        status = json_string_value(json_array_get(json_array_get(arr, ord[0]), 3));
    char begin[11];
    snprintf(begin, sizeof begin, "%s", created && pl_date_valid(created) ? created : "1970-01-01");
    /* moves back-dated before the parcel was recorded (records entered after the
     * fact): the timeline starts at the earliest known date, not at data entry */
    if (m) {
        const char *first = json_string_value(json_array_get(json_array_get(arr, ord[0]), 1));
        if (strcmp(first, begin) < 0)
            snprintf(begin, sizeof begin, "%s", first);
    }
    int rc = PL_OK;
    for (size_t k = 0; k <= m && !rc; k++) {
        const char *end = NULL, *next = NULL;
        if (k < m) {
            json_t *r = json_array_get(arr, ord[k]);
            end = json_string_value(json_array_get(r, 1));
            next = json_string_value(json_array_get(r, 3));
        }
        /* a period of no length (a change on the day the last began, or dated before it) is dropped */
        if (!end || strcmp(end, begin) > 0) {
            if (x->nperiods == x->cperiods) {
                size_t c = x->cperiods ? 2 * x->cperiods : 8;
                pl_export_period *p = realloc(x->periods, c * sizeof *p);
                if (!p) {
                    rc = PL_ERR_NOMEM;
                    break;
                }
                x->periods = p;
                x->cperiods = c;
            }
            pl_export_period *p = &x->periods[x->nperiods++];
            p->style = pl_style_get(PL_STYLE_AVAILABILITY, status);
            if (!p->style) /* a status this build does not know */
                p->style = pl_style_get(PL_STYLE_AVAILABILITY, "reserve");
            p->status = p->style->key; /* static storage, unlike the JSON */
            snprintf(p->begin, sizeof p->begin, "%s", begin);
            snprintf(p->end, sizeof p->end, "%s", end ? end : "");
        }
        if (end && strcmp(end, begin) > 0)
            snprintf(begin, sizeof begin, "%s", end);
        if (next)
            status = next;
    }
    free(ord);
    json_decref(arr);
    return rc;
}

/* Label point of a geometry with GEOS PointOnSurface; 0 on success. */
static int label_point(pl_db *db, const pl_geom *gm, double *px, double *py)
{
    GEOSGeometry *g = pl_geos_from_raw(db->geos, gm, 0);
    if (!g)
        return -1;
    GEOSGeometry *pt = GEOSPointOnSurface_r(db->geos, g);
    int rc = -1;
    if (pt && GEOSGeomGetX_r(db->geos, pt, px) == 1 && GEOSGeomGetY_r(db->geos, pt, py) == 1)
        rc = 0;
    if (pt)
        GEOSGeom_destroy_r(db->geos, pt);
    GEOSGeom_destroy_r(db->geos, g);
    return rc;
}

static void bbox_add(pl_export_summary *s, double x, double y)
{
    if (!s->have_bbox) {
        s->bbox[0] = s->bbox[2] = x;
        s->bbox[1] = s->bbox[3] = y;
        s->have_bbox = 1;
        return;
    }
    s->bbox[0] = fmin(s->bbox[0], x);
    s->bbox[1] = fmin(s->bbox[1], y);
    s->bbox[2] = fmax(s->bbox[2], x);
    s->bbox[3] = fmax(s->bbox[3], y);
}

/* Every field of the row, in the order every format shows them, into
 * x->fields. With st NULL (and f's derived members set), the same list with no
 * values: the field list of the export. */
static void row_fields(exporter *x, sqlite3_stmt *st, const pl_export_feature *f)
{
    const char *project = col(st, C_PROJECT);
    const char *land_a = col(st, C_LAND_A), *cons_p = col(st, C_CONS_P), *cons_a = col(st, C_CONS_A);
    const char *prod_a = col(st, C_PROD_A), *ver_a = col(st, C_VER_A);
    field_text(x, "code", "宗地号", "code", f->code);
    field_text(x, "name", "地块名称", "name", f->name);
    field_text(x, "park", "园区", "park", f->park);
    field_text(x, "park_name", "园区名称", "park name", f->park_name);
    if (x->opt->map_fields) { /* what a map view draws and labels */
        field_text(x, "status", "状态", "status", f->status);
        field_text(x, "status_zh", "状态(中文)", "status label zh", pl_parcel_status_zh(f->status));
        field_text(x, "status_en", "状态(英文)", "status label en", pl_parcel_status_en(f->status));
        field_num(x, "area_mu", "面积", "area", "亩", pl_m2_to_mu(f->area_m2), 4);
        field_text(x, "class", "图例分类", "map class", f->style->key);
        field_text(x, "class_zh", "图例分类(中文)", "map class zh", f->style->zh);
        field_text(x, "class_en", "图例分类(英文)", "map class en", f->style->en);
        field_text(x, "stage", "项目阶段", "project stage", f->stage);
        field_bool(x, "overdue", "逾期未开工", "start overdue", f->overdue);
        field_bool(x, "idle", "疑似闲置(逾期满1年)", "idle, 1 year late", f->idle);
        field_bool(x, "reclaim_candidate", "拟收回(逾期满2年)", "reclaim candidate, 2 years late", f->reclaim);
        return;
    }
    field_text(x, "land_use", "用途", "land use", f->land_use);
    field_text(x, "land_use_code", "地类编码", "land-use code", f->land_use_code);
    field_text(x, "status", "状态", "status", f->status);
    field_text(x, "status_zh", "状态(中文)", "status label zh", pl_parcel_status_zh(f->status));
    field_text(x, "status_en", "状态(英文)", "status label en", pl_parcel_status_en(f->status));
    field_date(x, "status_date", "状态日期", "status date", f->status_date);
    field_num(x, "area_m2", "面积", "area", "m²", f->area_m2, 2);
    field_num(x, "area_mu", "面积", "area", "亩", pl_m2_to_mu(f->area_m2), 4);
    field_num(x, "area_ha", "面积", "area", "ha", pl_m2_to_ha(f->area_m2), 4);
    field_text(x, "class", "图例分类", "map class", f->style->key);
    field_text(x, "class_zh", "图例分类(中文)", "map class zh", f->style->zh);
    field_text(x, "class_en", "图例分类(英文)", "map class en", f->style->en);
    if (x->doc.theme == PL_STYLE_MUNI) {
        const pl_muni_firm *m = st ? pl_muni_project_firm(&x->muni, project) : NULL;
        char grade[4] = "";
        if (m)
            snprintf(grade, sizeof grade, "%c%s", m->grade, m->excluded ? "*" : "");
        field_text(x, "muni_grade", "亩均等级", "per-mu grade", m ? pool_put(x, grade) : NULL);
        field_num(x, "muni_score", "亩均得分", "per-mu score", NULL, m && !m->excluded ? m->score : NAN, 2);
        field_num(x, "muni_year", "亩均评价年度", "per-mu year", NULL, m ? (double)x->muni.year : NAN, 0);
    }
    if (x->doc.theme == PL_STYLE_LEDGER) {
        const pl_ledger_parcel *e = st ? pl_ledger_find(&x->ledger, f->id) : NULL;
        field_text(x, "ledger_reason", "台账依据", "ledger reason", e ? e->reason : NULL);
    }
    field_text(x, "stage", "项目阶段", "project stage", f->stage);
    field_text(x, "stage_zh", "项目阶段(中文)", "project stage zh", pl_stage_zh(f->stage));
    field_bool(x, "overdue", "逾期未开工", "start overdue", f->overdue);
    field_num(x, "overdue_days", "逾期天数", "days overdue", "天 days", (double)f->overdue_days, 0);
    field_bool(x, "idle", "疑似闲置(逾期满1年)", "idle, 1 year late", f->idle);
    field_bool(x, "reclaim_candidate", "拟收回(逾期满2年)", "reclaim candidate, 2 years late", f->reclaim);
    field_col(x, st, C_I_INV, "investment_intensity_wan_per_mu", "固定资产投资强度≥", "investment intensity ≥",
              "万元/亩", 4);
    field_col(x, st, C_I_FAR_MIN, "far_min", "容积率下限", "FAR min", NULL, 4);
    field_col(x, st, C_I_FAR_MAX, "far_max", "容积率上限", "FAR max", NULL, 4);
    field_col(x, st, C_I_TAX, "tax_per_mu_wan", "亩均税收≥", "tax per mu ≥", "万元/亩·年", 4);
    field_col(x, st, C_I_OUTPUT, "output_per_mu_wan", "亩均产值≥", "output per mu ≥", "万元/亩·年", 4);
    field_col(x, st, C_I_ENERGY, "energy_per_output_tce", "单位产值能耗≤", "energy per output ≤", "吨标准煤/万元",
              4);
    field_col(x, st, C_I_COVER, "building_coverage_min_pct", "建筑系数≥", "building coverage ≥", "%", 4);
    field_col(x, st, C_I_ADMIN, "admin_share_max_pct", "行政办公及生活服务设施用地≤", "admin and living share ≤",
              "%", 4);
    field_col(x, st, C_I_GREEN, "green_ratio_max_pct", "绿地率≤", "green ratio ≤", "%", 4);
    field_text(x, "industries", "准入产业", "industries allowed", col(st, C_I_INDUSTRIES));
    field_col(x, st, C_I_PRICE, "base_price_wan_per_mu", "起始价", "base price", "万元/亩", 4);
    field_col(x, st, C_I_TERM, "term_years", "出让年限", "term", "年 years", 0);
    field_text(x, "lead", "招商线索", "lead", col(st, C_LEAD));
    field_text(x, "company", "企业", "company", f->company);
    field_text(x, "company_en", "企业(英文)", "company (English)", col(st, C_COMPANY_EN));
    field_text(x, "country", "来源国家/地区", "country or region", col(st, C_COUNTRY));
    field_text(x, "industry", "产业", "industry", col(st, C_INDUSTRY));
    field_text(x, "industry_zh", "产业(中文)", "industry zh", col(st, C_INDUSTRY_ZH));
    field_date(x, "reserved_until", "预留至", "reserved until", col(st, C_RESERVED_UNTIL));
    field_text(x, "project", "签约项目", "project", project);
    field_date(x, "signed_on", "签约日期", "signed on", col(st, C_SIGNED));
    field_col(x, st, C_INVEST, "investment_wan", "协议投资", "committed investment", "万元", 4);
    field_date(x, "land_planned", "约定供地日期", "land supply agreed", col(st, C_LAND_P));
    field_date(x, "land_actual", "实际供地日期", "land supplied", land_a);
    field_date(x, "construction_planned", "约定开工日期", "construction start agreed", cons_p);
    field_date(x, "construction_actual", "实际开工日期", "construction started", cons_a);
    field_date(x, "production_planned", "约定投产日期", "production agreed", col(st, C_PROD_P));
    field_date(x, "production_actual", "实际投产日期", "production started", prod_a);
    field_date(x, "verification_planned", "约定达产复核日期", "verification agreed", col(st, C_VER_P));
    field_date(x, "verification_actual", "达产复核日期", "verified on", ver_a);
    field_text(x, "inspections", "巡查记录", "inspections", col(st, C_INSPECTIONS));
}

/* The deadline dates of a row, in the order of enum dl_date. */
static void row_dates(sqlite3_stmt *st, const char *dt[D_DATES])
{
    static const int cols[D_DATES] = {C_LAND_P, C_LAND_A, C_CONS_P, C_CONS_A, C_COMP_P, C_COMP_A, C_PROD_P,
                                      C_PROD_A, C_VER_P,  C_VER_A,  C_XS,     C_XS_ON,  C_XC,     C_XC_ON};
    for (int i = 0; i < D_DATES; i++)
        dt[i] = col(st, cols[i]);
}

/* Landing stage, overdue flags and map class of a parcel, as of the as-of
 * date (project: the signed project's code, NULL when none; the dates of its
 * milestones). */
static void derive(const exporter *x, long id, const char *status, const char *project,
                   const char *const dt[D_DATES], int reclaimed, pl_export_feature *f)
{
    const char *const actual[PL_MS_KINDS] = {dt[D_LAND_A], dt[D_CONS_A], dt[D_PROD_A], dt[D_VER_A]};
    pl_deadline_dates in = {
        .agreed = {dt[D_LAND_P], dt[D_CONS_P], dt[D_COMP_P], dt[D_PROD_P], dt[D_VER_P]},
        .actual = {dt[D_LAND_A], dt[D_CONS_A], dt[D_COMP_A], dt[D_PROD_A], dt[D_VER_A]},
        .extended = {NULL, dt[D_XS], dt[D_XC], NULL, NULL},
        .extended_on = {NULL, dt[D_XS_ON], dt[D_XC_ON], NULL, NULL},
    };
    pl_deadline dl[PL_DL_KINDS];
    memset(dl, 0, sizeof dl);
    if (pl_date_valid(x->doc.as_of))
        pl_deadlines_compute(&in, x->doc.as_of, dl);
    pl_landing l;
    pl_landing_of_deadlines(project != NULL, actual, dl, x->doc.as_of, &l); /* the alerts' rule (report_alerts.c) */
    f->stage = l.stage;
    f->overdue_days = l.overdue_days;
    f->overdue = l.overdue;
    f->idle = l.idle;
    f->reclaim = l.reclaim;
    const char *cls = x->doc.theme == PL_STYLE_LANDING ? l.cls : status;
    if (x->doc.theme == PL_STYLE_MUNI) {
        const pl_muni_firm *m = pl_muni_project_firm(&x->muni, project);
        static const char *const grades[] = {"A", "B", "C", "D"};
        cls = !m ? "none" : m->excluded ? "ungraded" : grades[(m->grade - 'A') & 3];
        f->style = pl_style_get(x->doc.theme, cls);
        return;
    }
    if (x->doc.theme == PL_STYLE_LEDGER) {
        const pl_ledger_parcel *e = pl_ledger_find(&x->ledger, id);
        f->style = pl_style_get(x->doc.theme, pl_ledger_class_id(e ? e->cls : PL_LEDGER_OTHER));
        return;
    }
    /* reclaimed land (pl_parcel_reclaim): on the landing map while no project holds it, on the
     * availability map while it stays in the land bank or available */
    if (reclaimed && !project &&
        (x->doc.theme == PL_STYLE_LANDING || (status && (!strcmp(status, "reserve") || !strcmp(status, "available")))))
        cls = "reclaimed";
    f->style = pl_style_get(x->doc.theme, cls);
    if (!f->style)
        f->style = pl_style_at(x->doc.theme, 0);
}

/* SQL parkland_export_class(status, project, the dates of enum dl_date,
 * reclaimed, parcel id): the position of the row's map class in the legend, for the ORDER BY
 * of writers that want the rows by class (PL_NEED_CLASS_ORDER). Registered on
 * the connection for the time of one export. */
#define CLASS_FN_NAME "parkland_export_class"
static void sql_class(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const pl_db *db = sqlite3_user_data(ctx);
    const exporter *x = db->export_class;
    if (!x) {
        sqlite3_result_error(ctx, CLASS_FN_NAME " outside an export", -1);
        return;
    }
    const char *a[2 + D_DATES];
    long id = argc > 3 + D_DATES ? (long)sqlite3_value_int64(argv[3 + D_DATES]) : 0;
    for (int i = 0; i < 2 + D_DATES; i++) {
        a[i] = NULL;
        if (i >= argc)
            continue;
        a[i] = (const char *)sqlite3_value_text(argv[i]);
        if (a[i] && !*a[i])
            a[i] = NULL; /* as col() reads them */
    }
    pl_export_feature f;
    memset(&f, 0, sizeof f);
    derive(x, id, a[0], a[1], a + 2, argc > 2 + D_DATES && sqlite3_value_int(argv[2 + D_DATES]), &f);
    sqlite3_result_int(ctx, pl_style_index(x->doc.theme, f.style->key));
}

#define CLASS_FN CLASS_FN_NAME

static int row_feature(exporter *x, sqlite3_stmt *st, pl_export_feature *f, pl_error *err)
{
    memset(f, 0, sizeof *f);
    x->nfields = 0;
    x->pool_used = 0;
    f->id = (long)sqlite3_column_int64(st, C_ID);
    f->index = x->sum.parcels + 1;
    f->park = col(st, C_PARK);
    f->park_name = col(st, C_PARK_NAME);
    f->park_name_en = col(st, C_PARK_NAME_EN);
    f->code = col(st, C_CODE);
    f->name = col(st, C_NAME);
    f->land_use = col(st, C_USE);
    f->land_use_code = col(st, C_USE_CODE);
    f->status = col(st, C_STATUS);
    f->status_date = col(st, C_STATUS_DATE);
    f->area_m2 = sqlite3_column_double(st, C_AREA);

    if (x->doc.context && !sqlite3_column_int(st, C_SELECTED)) {
        /* a context parcel: grey, its code only */
        f->context = 1;
        f->style = pl_style_context();
        f->stage = "none";
        field_text(x, "code", "宗地号", "code", f->code);
    } else {
        const char *dt[D_DATES];
        row_dates(st, dt);
        derive(x, f->id, f->status, col(st, C_PROJECT), dt, sqlite3_column_int(st, C_RECLAIMED), f);
        f->company = col(st, C_COMPANY);
        row_fields(x, st, f);
        if (x->files_st && col(st, C_INSPECTIONS)) {
            int rc = row_files(x, f->id, err);
            if (rc)
                return rc;
            if (x->doc.files_href) {
                f->files = x->rowfiles;
                f->nfiles = x->nrowfiles;
            }
        }
    }
    f->fields = x->fields;
    f->nfields = x->nfields;

    /* geometry: the stored one, and its WGS 84 copy */
    if (x->w->needs & (PL_NEED_LONLAT | PL_NEED_WORK)) {
        const unsigned char *b = sqlite3_column_blob(st, C_GEOM);
        size_t n = (size_t)sqlite3_column_bytes(st, C_GEOM);
        if (!b || pl_blob_to_geom(b, n, &x->work) || x->work.n == 0)
            return pl_error_set(err, PL_ERR_DB, "parcel '%s' (park %s) has no readable geometry",
                                f->code ? f->code : "?", f->park ? f->park : "?");
    }
    if (x->w->needs & PL_NEED_LONLAT) {
        pl_error xe;
        if (pl_geom_copy(&x->ll, &x->work))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        if (pl_xform_geom(x->xf, &x->ll, &xe))
            return pl_error_set(err, PL_ERR_DB, "parcel '%s' (park %s): its geometry cannot be transformed to "
                                "WGS 84 (EPSG:4326)", f->code ? f->code : "?", f->park ? f->park : "?");
        double lx = NAN, ly = NAN;
        if ((x->w->needs & PL_NEED_LABEL) && label_point(x->db, &x->ll, &lx, &ly)) {
            double minx, miny, maxx, maxy; /* GEOS refused: the middle of the box */
            pl_geom_bbox(&x->ll, &minx, &miny, &maxx, &maxy);
            lx = (minx + maxx) / 2;
            ly = (miny + maxy) / 2;
        }
        for (size_t i = 0; i < x->ll.n; i++)
            for (size_t j = 0; j < x->ll.polys[i].n; j++) {
                pl_ring *r = &x->ll.polys[i].rings[j];
                for (size_t k = 0; k < r->n; k++) {
                    if (x->doc.gcj02 || x->doc.bd09)
                        pl_wgs84_to_gcj02(r->xy[2 * k], r->xy[2 * k + 1], &r->xy[2 * k], &r->xy[2 * k + 1]);
                    if (x->doc.bd09)
                        pl_gcj02_to_bd09(r->xy[2 * k], r->xy[2 * k + 1], &r->xy[2 * k], &r->xy[2 * k + 1]);
                    bbox_add(&x->sum, r->xy[2 * k], r->xy[2 * k + 1]);
                }
                orient_ring(r, j == 0);
            }
        if ((x->doc.gcj02 || x->doc.bd09) && (x->w->needs & PL_NEED_LABEL))
            pl_wgs84_to_gcj02(lx, ly, &lx, &ly);
        if (x->doc.bd09 && (x->w->needs & PL_NEED_LABEL))
            pl_gcj02_to_bd09(lx, ly, &lx, &ly);
        f->geom = &x->ll;
        f->label_lon = lx;
        f->label_lat = ly;
    }
    if (x->w->needs & PL_NEED_WORK) {
        if (label_point(x->db, &x->work, &f->label_x, &f->label_y)) {
            double minx, miny, maxx, maxy;
            pl_geom_bbox(&x->work, &minx, &miny, &maxx, &maxy);
            f->label_x = (minx + maxx) / 2;
            f->label_y = (miny + maxy) / 2;
        }
        f->work = &x->work;
    }
    if ((x->w->needs & PL_NEED_HISTORY) && x->doc.timeline && !f->context) {
        if (build_periods(x, col(st, C_CREATED), f->status, col(st, C_HISTORY)))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        f->periods = x->periods;
        f->nperiods = x->nperiods;
    }
    return PL_OK;
}

/* An industry as the user named it (id, Chinese or English name) → its id;
 * the text itself when the vocabulary does not know it (refused later). */
static const char *industry_id(const char *s)
{
    const char *id = s ? pl_vocab_parse_id(PL_VOCAB_INDUSTRY, s) : NULL;
    return id ? id : s;
}

/* ---- options ---------------------------------------------------------------------- */

static int check_options(pl_db *db, const pl_export_options *o, pl_error *err)
{
    if ((unsigned)o->format > PL_EXPORT_PDF)
        return pl_error_set(err, PL_ERR_USAGE, "unknown export format");
    if ((unsigned)o->theme > PL_THEME_LEDGER)
        return pl_error_set(err, PL_ERR_USAGE, "unknown theme (availability, landing, muni, ledger)");
    if (o->year && (o->year < 1900 || o->year > 9999))
        return pl_error_set(err, PL_ERR_USAGE, "--year %d is not a year (1900 to 9999)", o->year);
    if (o->year && o->theme != PL_THEME_MUNI)
        return pl_error_set(err, PL_ERR_USAGE, "--year is for --theme muni");
    if (!(o->simplify_m >= 0 && o->simplify_m <= 10000))
        return pl_error_set(err, PL_ERR_USAGE, "a simplification is 0 to 10000 metres, not %g", o->simplify_m);
    if (o->precision < 0 || o->precision > 15)
        return pl_error_set(err, PL_ERR_USAGE, "--precision is 0 to 15 decimals, not %d", o->precision);
    if (o->as_of && !pl_date_valid(o->as_of))
        return pl_error_set(err, PL_ERR_USAGE, "--as-of '%s' is not a date YYYY-MM-DD", o->as_of);
    if (o->timeline && o->format != PL_EXPORT_KML)
        return pl_error_set(err, PL_ERR_USAGE, "--timeline is for kml (Google Earth's time slider)");
    if (o->bbox && o->format != PL_EXPORT_GEOJSON)
        return pl_error_set(err, PL_ERR_USAGE, "--bbox is for geojson");
    if (o->format != PL_EXPORT_PDF && (o->page_a3 || o->landscape || o->scale))
        return pl_error_set(err, PL_ERR_USAGE, "--page, --landscape and --scale are for pdf");
    if (o->scale < 0 || (o->scale > 0 && (o->scale < 10 || o->scale > 1e8)))
        return pl_error_set(err, PL_ERR_USAGE, "--scale is 1:N with N from 10 to 100000000, or fit");
    if (o->gcj02 && o->format == PL_EXPORT_PDF)
        return pl_error_set(err, PL_ERR_USAGE, "--gcj02 shifts longitudes and latitudes; the pdf draws the stored "
                            "projected coordinates");
    if (o->gcj02 && o->format == PL_EXPORT_TXT)
        return pl_error_set(err, PL_ERR_USAGE, "--gcj02 shifts longitudes and latitudes; the txt holds projected "
                            "coordinates and is never shifted");
    if (o->bd09 && o->gcj02)
        return pl_error_set(err, PL_ERR_USAGE, "--gcj02 and --bd09 are two different shifts; choose one");
    if (o->bd09 && (o->format == PL_EXPORT_PDF || o->format == PL_EXPORT_TXT))
        return pl_error_set(err, PL_ERR_USAGE, "--bd09 shifts longitudes and latitudes; the %s holds projected "
                            "coordinates", o->format == PL_EXPORT_PDF ? "pdf" : "txt");
    if (o->kmz && o->format != PL_EXPORT_KML)
        return pl_error_set(err, PL_ERR_USAGE, "a kmz is a zipped kml; export kml to it");
    if (o->encoding != PL_ENCODING_AUTO && o->format != PL_EXPORT_TXT)
        return pl_error_set(err, PL_ERR_USAGE, "--encoding is for txt (geojson, kml and html are UTF-8)");
    if (o->status && !pl_parcel_status_parse(o->status)) {
        char list[256] = "";
        for (size_t i = 0; pl_parcel_status_ids[i]; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", pl_parcel_status_ids[i]);
        return pl_error_set(err, PL_ERR_USAGE, "unknown status '%s' (%s, retired)", o->status, list);
    }
    if (o->park) {
        pl_park pk;
        int rc = pl_park_get(db, o->park, &pk, err);
        if (rc)
            return rc;
    }
    if (o->industry) {
        sqlite3_stmt *st;
        int rc = pl_db_prepare(db, "SELECT group_concat(id, ', '), sum(id = ?1) FROM industry", &st, err);
        if (rc)
            return rc;
        pl_bind_text(st, 1, industry_id(o->industry));
        int found = 0;
        char list[512] = "";
        if (sqlite3_step(st) == SQLITE_ROW) {
            found = sqlite3_column_int(st, 1) > 0;
            const char *l = (const char *)sqlite3_column_text(st, 0);
            snprintf(list, sizeof list, "%s", l ? l : "");
        }
        sqlite3_finalize(st);
        if (!found)
            return pl_error_set(err, PL_ERR_USAGE, "unknown industry '%s' (%s)", o->industry, list);
    }
    return PL_OK;
}

static int history_has_effective(pl_db *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM pragma_table_info('history') WHERE name = 'effective'", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    int yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* Title: the park exported, or the only park, else "parkland". */
static void make_title(pl_db *db, const char *park, char *buf, size_t len)
{
    snprintf(buf, len, "parkland");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, "SELECT code, name, (SELECT count(*) FROM park) FROM park"
                                  " WHERE ?1 IS NULL OR code = ?1 ORDER BY code LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return;
    pl_bind_text(st, 1, park);
    if (sqlite3_step(st) == SQLITE_ROW && (park || sqlite3_column_int(st, 2) == 1))
        snprintf(buf, len, "%s %s", (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* ---- the export ------------------------------------------------------------------------ */

/* Write back what the export has put in the file so far, from `*done` on,
 * once it is WRITEBACK bytes or more: the disk writes while the export goes
 * on, and the fsync at the end has little left to wait for. */
#define WRITEBACK (8 << 20)
static void writeback(int fd, off_t *done)
{
    off_t end = lseek(fd, 0, SEEK_CUR);
    if (end - *done >= WRITEBACK) {
        sync_file_range(fd, *done, end - *done, SYNC_FILE_RANGE_WRITE); /* a hint: errors show at fsync */
        *done = end;
    }
}

/* doc.present: the classes of the legend, those with a selected parcel (all
 * of them with --legend all, and with --timeline, whose folders are the
 * statuses of the periods). Availability without --industry reads the
 * distinct statuses from the status index; otherwise the export's query runs
 * once without geometry and each row's class is derived. */
static int find_present(exporter *x, const char *as_of, pl_error *err)
{
    const pl_export_options *opt = x->opt;
    pl_export_doc *d = &x->doc;
    pl_style_theme ft = d->timeline ? PL_STYLE_AVAILABILITY : d->theme;
    size_t n = pl_style_count(ft);
    memset(d->present, 0, sizeof d->present);
    if (opt->legend_all || d->timeline) {
        memset(d->present, 1, n < PL_STYLE_MAX ? n : PL_STYLE_MAX);
        return PL_OK;
    }
    /* a legend after the features (GeoJSON) takes the classes the rows had: no
     * pass over every parcel of the database for a map's box */
    if (!(x->w->needs & PL_NEED_PRESENT))
        return PL_OK;
    sqlite3_stmt *st;
    /* the classes are the statuses, unless an industry filter or a reclaimed parcel
     * (its own class, pl_parcel_reclaim) needs the whole row */
    int by_status = d->theme == PL_STYLE_AVAILABILITY && !opt->industry;
    if (by_status) {
        int rc = pl_db_prepare(x->db, "SELECT EXISTS (SELECT 1 FROM project_parcel WHERE reclaimed_on IS NOT NULL)",
                               &st, err);
        if (rc)
            return rc;
        by_status = sqlite3_step(st) == SQLITE_ROW && !sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    char sql[sizeof export_sql + 2048];
    if (by_status)
        snprintf(sql, sizeof sql, "SELECT DISTINCT p.status FROM parcel p JOIN park k ON k.id = p.park_id"
                                  " WHERE (?2 IS NULL OR k.code = ?2)"
                                  "   AND (CASE WHEN ?3 IS NULL THEN p.status <> 'retired' ELSE p.status = ?3 END)");
    else
        snprintf(sql, sizeof sql, export_sql, "NULL", "NULL", "", "", "");
    int rc = pl_db_prepare(x->db, sql, &st, err);
    if (rc)
        return rc;
    if (!by_status) {
        pl_bind_text(st, 1, as_of);
        pl_bind_text(st, 4, industry_id(opt->industry));
        sqlite3_bind_int(st, 5, 0);
    }
    pl_bind_text(st, 2, opt->park);
    pl_bind_text(st, 3, pl_parcel_status_parse(opt->status));
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_export_feature f;
        memset(&f, 0, sizeof f);
        if (by_status) {
            f.style = pl_style_get(d->theme, col(st, 0));
            if (!f.style)
                f.style = pl_style_at(d->theme, 0);
        } else {
            const char *dt[D_DATES];
            row_dates(st, dt);
            derive(x, (long)sqlite3_column_int64(st, C_ID), col(st, C_STATUS), col(st, C_PROJECT), dt,
                   sqlite3_column_int(st, C_RECLAIMED), &f);
        }
        int ci = pl_style_index(d->theme, f.style->key);
        if (ci >= 0 && ci < PL_STYLE_MAX)
            d->present[ci] = 1;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return pl_db_fail(x->db, err, "cannot read parcels for the export");
    return PL_OK;
}

/* The export into `out`; out_fd: the descriptor of `out` when it is a new
 * regular file (pl_export_file), else -1. */
static int export_run(pl_db *db, const pl_export_options *opt, FILE *out, int out_fd, int hint, pl_pdf *into,
                      export_files *files, pl_export_result *res, pl_error *err)
{
    pl_export_options defaults;
    if (!opt) {
        pl_export_options_init(&defaults);
        opt = &defaults;
    }
    if (res)
        memset(res, 0, sizeof *res);
    int rc = check_options(db, opt, err);
    if (rc)
        return rc;
    static const pl_writer_ops *const writers[] = {&pl_writer_geojson, &pl_writer_kml, &pl_writer_html,
                                                   &pl_writer_txt, &pl_writer_pdf};
    exporter *x = calloc(1, sizeof *x);
    if (!x)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    x->db = db;
    x->opt = opt;
    x->w = writers[opt->format];
    pl_geom_init(&x->ll);
    pl_geom_init(&x->work);
    sqlite3_stmt *st = NULL;
    if (opt->theme == PL_THEME_MUNI) {
        int year = opt->year ? opt->year : pl_muni_latest_year(db, err);
        rc = year ? pl_muni_grade(db, year, NULL, &x->muni, err)
                  : pl_error_set(err, PL_ERR_INPUT, "no annual figures for the muni theme: import them with "
                                                    "'parkland import annual FILE.csv'");
        if (rc) {
            pl_muni_grades_release(&x->muni);
            free(x);
            return rc;
        }
    }
    /* rows by park, then class, then code: the KML writes its class folders as the rows come,
     * into a file it can go back in (a stream gets them spooled per class, in any order) */
    int by_class = (x->w->needs & PL_NEED_CLASS_ORDER) && !opt->timeline && (out_fd >= 0 || into);

    char today[16], as_of[16], title[640], filter[512] = "", crs_name[256] = "";
    pl_today(today, sizeof today);
    snprintf(as_of, sizeof as_of, "%s", opt->as_of ? opt->as_of : today);
    if (opt->theme == PL_THEME_LEDGER && (rc = pl_ledger_build(db, as_of, opt->park, &x->ledger, err)))
        goto out;
    make_title(db, opt->park, title, sizeof title);
    if (opt->park)
        snprintf(filter + strlen(filter), sizeof filter - strlen(filter), "园区 park %s", opt->park);
    if (opt->status)
        snprintf(filter + strlen(filter), sizeof filter - strlen(filter), "%s状态 status %s", *filter ? ", " : "",
                 pl_parcel_status_parse(opt->status));
    if (opt->industry)
        snprintf(filter + strlen(filter), sizeof filter - strlen(filter), "%s产业 industry %s",
                 *filter ? ", " : "", industry_id(opt->industry));
    double aou[4];
    if (pl_crs_area_of_use(db->srid, aou, crs_name, sizeof crs_name))
        snprintf(crs_name, sizeof crs_name, "EPSG:%d", db->srid);

    pl_export_doc *d = &x->doc;
    d->out = out;
    d->theme = (pl_style_theme)opt->theme;
    d->theme_zh = pl_style_theme_zh(d->theme);
    d->theme_en = pl_style_theme_en(d->theme);
    d->title = title;
    d->generated = today;
    d->as_of = as_of;
    d->filter = filter;
    d->gcj02 = opt->gcj02 && opt->format != PL_EXPORT_TXT;
    d->bd09 = opt->bd09 && opt->format != PL_EXPORT_TXT;
    d->precision = opt->precision;
    d->bbox = opt->bbox;
    d->timeline = opt->timeline;
    d->work_srid = db->srid;
    d->work_crs_name = crs_name;
    d->version = PARKLAND_VERSION;
    d->out_fd = out_fd;
    d->into = opt->format == PL_EXPORT_PDF ? into : NULL;
    if (files) {
        d->files_href = files->href;
        x->files = files;
        if ((rc = pl_db_prepare(db, files_sql, &x->files_st, err)))
            goto out;
        pl_bind_text(x->files_st, 2, as_of);
    }
    d->rows_by_class = by_class;
    d->txt_gbk = opt->encoding != PL_ENCODING_UTF8;
    /* the other parcels of the park as context, when a filter leaves some out */
    d->context = (opt->status || opt->industry) && opt->format != PL_EXPORT_TXT;
    double map_scale = 0;
    int map_clipped = 0, map_pages = 0;
    d->page_w_mm = opt->page_a3 ? 297 : 210;
    d->page_h_mm = opt->page_a3 ? 420 : 297;
    if (opt->landscape) {
        double t = d->page_w_mm;
        d->page_w_mm = d->page_h_mm;
        d->page_h_mm = t;
    }
    d->scale = opt->scale;
    d->map_scale = &map_scale;
    d->map_clipped = &map_clipped;
    d->map_pages = &map_pages;
    /* CGCS2000 3-degree GK: the TXT holds the zone-prefixed form (4513–4533) of
     * the working CRS's zone; a CM-form working CRS (4534–4554) gets the prefix */
    pl_gk_datum gk_datum;
    int gk_width, gk_zone, gk_prefixed;
    d->txt_srid = db->srid;
    if (pl_crs_gk_of_epsg(db->srid, &gk_datum, &gk_width, &gk_zone, &gk_prefixed) && gk_datum == PL_GK_CGCS2000 &&
        gk_width == 3) {
        d->txt_zone = gk_zone;
        d->txt_srid = pl_crs_gk_epsg(PL_GK_CGCS2000, 3, gk_zone, 1);
        if (!gk_prefixed)
            d->txt_east_offset = gk_zone * 1e6;
    }

    char hist[512] = "NULL", sql[sizeof export_sql + sizeof box_sql + 1024];
    /* registered once per connection (registering a function expires every prepared statement of
     * the connection, the kept ones too); the running export is the connection's export_class */
    if (by_class && !db->export_class_fn) {
        if (sqlite3_create_function_v2(db->h, CLASS_FN, 4 + D_DATES, SQLITE_UTF8, db, sql_class, NULL, NULL, NULL) !=
            SQLITE_OK) {
            rc = pl_db_fail(db, err, "cannot prepare the export");
            goto out;
        }
        db->export_class_fn = 1;
    }
    if (by_class)
        db->export_class = x;
    if ((x->w->needs & PL_NEED_HISTORY) && opt->timeline)
        snprintf(hist, sizeof hist, history_sql,
                 history_has_effective(db) ? "coalesce(h.effective, h.at)" : "h.at");
    double box[4];
    if (opt->lonlat_box && (rc = box_to_work(db, opt->lonlat_box, box, err)))
        goto out;
    snprintf(sql, sizeof sql, export_sql,
             (x->w->needs & (PL_NEED_LONLAT | PL_NEED_WORK)) ? GEOM_SQL : "NULL", hist, opt->lonlat_box ? box_sql : "",
             d->context ? SELECTED " DESC, " : "",
             by_class ? CLASS_FN "(p.status, pr.code, " DEADLINE_ARGS ", " RECLAIMED_SQL ", p.id)," : "");
    if ((x->w->needs & PL_NEED_LONLAT) && (rc = pl_xform_open(db, db->srid, 4326, 0, &x->xf, err)))
        goto out;
    /* the field list (no values), for writers that show it before the first row */
    pl_export_feature proto;
    memset(&proto, 0, sizeof proto);
    proto.stage = "none";
    proto.style = pl_style_at(d->theme, 0);
    x->nfields = 0;
    x->pool_used = 0;
    row_fields(x, NULL, &proto);
    for (size_t i = 0; i < x->nfields; i++) {
        x->schema[i] = x->fields[i];
        x->schema[i].text = NULL;
        x->schema[i].num = NAN;
    }
    d->fields = x->schema;
    d->nfields = x->nfields;
    if (x->w->needs & PL_NEED_EXTENT) { /* the box of what the query selects, before the first row */
        char esub[sizeof sql], esql[sizeof sql + 256];
        snprintf(esub, sizeof esub, export_sql, "p.geom AS g", "NULL", "", "", "");
        snprintf(esql, sizeof esql, "SELECT min(MbrMinX(g)), min(MbrMinY(g)), max(MbrMaxX(g)), max(MbrMaxY(g))"
                 " FROM (%s)", esub);
        if ((rc = pl_db_prepare(db, esql, &st, err)))
            goto out;
        pl_bind_text(st, 1, as_of);
        pl_bind_text(st, 2, opt->park);
        pl_bind_text(st, 3, pl_parcel_status_parse(opt->status));
        pl_bind_text(st, 4, industry_id(opt->industry));
        if (opt->batch_id)
            sqlite3_bind_int64(st, 11, opt->batch_id);
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = pl_db_fail(db, err, "cannot measure the parcels for the map");
            goto out;
        }
        d->have_extent = sqlite3_column_type(st, 0) != SQLITE_NULL;
        for (int i = 0; i < 4; i++)
            d->extent[i] = sqlite3_column_double(st, i);
        sqlite3_finalize(st);
        st = NULL;
    }
    if ((rc = pl_db_prepare_kept(db, sql, &st, err)))
        goto out;
    pl_bind_text(st, 1, as_of);
    pl_bind_text(st, 2, opt->park);
    pl_bind_text(st, 3, pl_parcel_status_parse(opt->status)); /* NULL: every status but retired */
    pl_bind_text(st, 4, industry_id(opt->industry));
    sqlite3_bind_int(st, 5, d->context);
    if (opt->batch_id)
        sqlite3_bind_int64(st, 11, opt->batch_id);
    if (x->w->needs & (PL_NEED_LONLAT | PL_NEED_WORK))
        sqlite3_bind_double(st, 12, opt->simplify_m > 0 ? opt->simplify_m : 0);
    if (opt->lonlat_box) {
        for (int k = 0; k < 4; k++)
            sqlite3_bind_double(st, 6 + k, box[k]);
        sqlite3_bind_int(st, 10, db->srid);
    }
    if ((rc = find_present(x, as_of, err)))
        goto out;

    if ((rc = x->w->begin(&x->wstate, d, err)))
        goto out;
    int step;
    long features = 0;
    off_t written_back = 0;
    char sel_park[256] = ""; /* the park of the last selected parcel */
    long context = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (hint && out_fd >= 0 && ((x->sum.parcels + context) & 63) == 63)
            writeback(out_fd, &written_back);
        if (d->context) {
            const char *pk = col(st, C_PARK);
            if (sqlite3_column_int(st, C_SELECTED))
                snprintf(sel_park, sizeof sel_park, "%s", pk ? pk : "");
            else if (!opt->park && strcmp(sel_park, pk ? pk : "")) /* a park with nothing selected */
                continue;
        }
        pl_export_feature f;
        if ((rc = row_feature(x, st, &f, err)))
            goto out;
        if ((rc = x->w->feature(x->wstate, &f, err)))
            goto out;
        if (f.context) {
            context++;
            continue;
        }
        x->sum.parcels++;
        x->sum.area_m2 += f.area_m2;
        int ci = pl_style_index(d->theme, f.style->key);
        if (ci >= 0 && ci < PL_STYLE_MAX) {
            x->sum.count[ci]++;
            x->sum.area[ci] += f.area_m2;
        }
        features += f.periods ? (long)f.nperiods : 1;
    }
    if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read parcels for the export");
        goto out;
    }
    if ((rc = x->w->end(x->wstate, &x->sum, err)))
        goto out;
    if (fflush(out) || ferror(out)) {
        rc = pl_error_set(err, PL_ERR_IO, "cannot write the %s export: %s", pl_export_format_name(opt->format),
                          strerror(errno));
        goto out;
    }
    if (res) {
        res->parcels = x->sum.parcels;
        res->features = features;
        res->context = context;
        res->area_m2 = x->sum.area_m2;
        res->gcj02 = d->gcj02;
        res->bd09 = d->bd09;
        if (opt->format == PL_EXPORT_TXT) {
            res->srid = d->txt_srid;
            if (d->txt_zone)
                snprintf(res->crs_note, sizeof res->crs_note, "EPSG:%d (2000国家大地坐标系 3度带 带号 %d, X = northing)",
                         d->txt_srid, d->txt_zone);
            else
                snprintf(res->crs_note, sizeof res->crs_note, "EPSG:%d %.150s (the working CRS; not a CGCS2000 "
                         "3-degree zone)", d->txt_srid, crs_name);
        } else if (opt->format == PL_EXPORT_PDF) {
            res->srid = db->srid;
            res->scale = map_scale;
            res->clipped = map_clipped;
            res->pages = map_pages;
            snprintf(res->crs_note, sizeof res->crs_note, "map drawn in EPSG:%d %.150s at 1:%.0f", db->srid,
                     crs_name, map_scale);
            size_t used = strlen(res->crs_note);
            if (map_pages > 1)
                snprintf(res->crs_note + used, sizeof res->crs_note - used,
                         " on %d pages after an index sheet (they do not fit on one)", map_pages);
        } else if (opt->format == PL_EXPORT_HTML) {
            res->srid = db->srid;
            snprintf(res->crs_note, sizeof res->crs_note, "map drawn in EPSG:%d %.150s%s", db->srid, crs_name,
                     d->gcj02 ? "; label points in GCJ-02" : d->bd09 ? "; label points in BD-09" : "");
        } else {
            res->srid = 4326;
            snprintf(res->crs_note, sizeof res->crs_note, "%s",
                     d->gcj02 ? "GCJ-02 lon/lat (shifted for AMap/Tencent base maps; not EPSG:4326)"
                     : d->bd09 ? "BD-09 lon/lat (shifted for Baidu Maps; not EPSG:4326)"
                               : "EPSG:4326 WGS 84 lon/lat");
        }
    }
out:
    if (x->w && x->wstate)
        x->w->release(x->wstate);
    pl_db_kept_done(db, st); /* the extent's statement, or the map's kept one */
    if (by_class)
        db->export_class = NULL;
    pl_xform_free(x->xf);
    pl_geom_release(&x->ll);
    pl_geom_release(&x->work);
    free(x->periods);
    pl_muni_grades_release(&x->muni);
    pl_ledger_release(&x->ledger);
    sqlite3_finalize(x->files_st);
    free(x->rowfiles);
    pl_buf_release(&x->rowtext);
    free(x);
    return rc;
}

/* An export whose inspection files stay in the database (a stream, plain KML): the
 * inspections field names them; res->files_named counts them, for the user's note. */
static int export_named(pl_db *db, const pl_export_options *opt, FILE *out, int out_fd, int hint,
                        pl_export_result *res, pl_error *err)
{
    int count = opt && (opt->format == PL_EXPORT_KML || opt->format == PL_EXPORT_HTML);
    export_files fl = {NULL, NULL, 0, 0};
    int rc = export_run(db, opt, out, out_fd, hint, NULL, count ? &fl : NULL, res, err);
    files_unique(&fl);
    if (!rc && res)
        res->files_named = (long)fl.n;
    free(fl.v);
    return rc;
}

int pl_export_stream(pl_db *db, const pl_export_options *opt, FILE *out, pl_export_result *res, pl_error *err)
{
    if (opt && opt->kmz)
        return pl_error_set(err, PL_ERR_USAGE, "a kmz is a zip archive and needs an output file (-o FILE.kmz)");
    return export_named(db, opt, out, -1, 0, res, err);
}

int pl_export_into_pdf(pl_db *db, const pl_export_options *opt, FILE *out, pl_pdf *pdf, pl_export_result *res,
                       pl_error *err)
{
    if (!opt || opt->format != PL_EXPORT_PDF)
        return pl_error_set(err, PL_ERR_USAGE, "only a pdf map is drawn into a document");
    return export_run(db, opt, out, -1, 0, pdf, NULL, res, err);
}

int pl_export_path_is_kmz(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 4 && !strcasecmp(path + n - 4, ".kmz");
}

/* ---- KMZ ------------------------------------------------------------------------------------ */

static int zip_fail(const char *path, zip_error_t *ze, pl_error *err)
{
    return pl_error_set(err, PL_ERR_IO, "cannot write the kmz '%s': %s", path, zip_error_strerror(ze));
}

/* The KML in `kml` (complete; libzip owns and closes it from here on) deflated
 * into the temporary file of `out` as the archive's one entry doc.kml. libzip
 * reads the KML as it compresses (no copy in memory) and writes the archive
 * into a file of its own that it renames over out->tmp, which is then opened
 * again for the commit. */
/* The stored bytes of the inspection file `sha` (lower-case hex) into *data (malloc'd, the caller's). */
static int file_data(pl_db *db, sqlite3_stmt *st, const char *sha, void **data, size_t *len, pl_error *err)
{
    sqlite3_reset(st);
    pl_bind_text(st, 1, sha);
    if (sqlite3_step(st) != SQLITE_ROW)
        return pl_db_fail(db, err, "cannot read the inspection files");
    *len = (size_t)sqlite3_column_bytes(st, 0);
    *data = malloc(*len ? *len : 1);
    if (!*data)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    if (*len)
        memcpy(*data, sqlite3_column_blob(st, 0), *len);
    return PL_OK;
}

#define FILE_DATA_SQL "SELECT data FROM inspection_file WHERE sha256 = ?1 ORDER BY id LIMIT 1"

/* The photos and documents the balloons link (fl: every file of the exported parcels'
 * inspections up to the as-of date, each once) into the archive as files/SHA256.jpg|png|pdf. */
static int kmz_add_inspection_files(pl_db *db, const export_files *fl, const char *path, zip_t *za, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = fl->n ? pl_db_prepare(db, FILE_DATA_SQL, &st, err) : PL_OK;
    if (rc || !fl->n)
        return rc;
    for (size_t i = 0; !rc && i < fl->n; i++) {
        char name[96];
        snprintf(name, sizeof name, "files/%s.%s", fl->v[i].sha, fl->v[i].ext);
        void *copy;
        size_t len = 0;
        if ((rc = file_data(db, st, fl->v[i].sha, &copy, &len, err)))
            break;
        zip_source_t *src = zip_source_buffer(za, copy, len, 1);
        if (!src) {
            free(copy);
            rc = zip_fail(path, zip_get_error(za), err);
        } else if (zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) < 0) {
            zip_source_free(src);
            rc = zip_fail(path, zip_get_error(za), err);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int write_kmz(pl_db *db, const export_files *fl, FILE *kml, pl_output_file *out, pl_error *err)
{
    /* libzip 1.7 reads a length of -1 from the stream's position on: from the start */
    if (fflush(kml) || ferror(kml) || fseeko(kml, 0, SEEK_SET)) {
        fclose(kml);
        return pl_error_set(err, PL_ERR_IO, "cannot write a temporary file for the kmz: %s", strerror(errno));
    }
    int code = 0;
    zip_error_t ze;
    zip_t *za = zip_open(out->tmp, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!za) {
        fclose(kml);
        zip_error_init_with_code(&ze, code);
        int rc = zip_fail(out->path, &ze, err);
        zip_error_fini(&ze);
        return rc;
    }
    zip_source_t *src = zip_source_filep(za, kml, 0, -1);
    if (!src) {
        fclose(kml);
        int rc = zip_fail(out->path, zip_get_error(za), err);
        zip_discard(za);
        return rc;
    }
    zip_int64_t idx = zip_file_add(za, "doc.kml", src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        int rc = zip_fail(out->path, zip_get_error(za), err);
        zip_discard(za);
        return rc;
    }
    int frc = kmz_add_inspection_files(db, fl, out->path, za, err);
    if (frc) {
        zip_discard(za);
        return frc;
    }
    if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6) ||
        zip_file_set_mtime(za, (zip_uint64_t)idx, time(NULL), 0) || zip_close(za)) {
        int rc = zip_fail(out->path, zip_get_error(za), err);
        zip_discard(za);
        return rc;
    }
    return pl_output_file_reopen(out, err);
}

/* ---- the HTML map's files ------------------------------------------------------------- */

/* The directory of the HTML map's files beside `path` ("DIR/STEM_files", STEM the name
 * without its extension) in *dir, and the links' prefix ("STEM_files/", the stem
 * percent-encoded but for RFC 3986's unreserved characters) in *href. Both malloc'd. */
static int html_files_names(const char *path, char **dir, char **href)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    pl_buf d = PL_BUF_INIT, h = PL_BUF_INIT;
    int rc = pl_buf_add(&d, path, (size_t)(base - path) + stem) || pl_buf_addstr(&d, "_files");
    for (size_t i = 0; !rc && i < stem; i++) {
        unsigned char c = (unsigned char)base[i];
        rc = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~", c)
                 ? pl_buf_addch(&h, (char)c)
                 : pl_buf_addf(&h, "%%%02X", c);
    }
    rc = rc || pl_buf_addstr(&h, "_files/");
    if (rc) {
        pl_buf_release(&d);
        pl_buf_release(&h);
        return PL_ERR_NOMEM;
    }
    *dir = d.buf;
    *href = h.buf;
    return PL_OK;
}

/* Remove the files of directory `dir` (not below it), then the directory; errors ignored. */
static void remove_flat_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    if (dp) {
        struct dirent *e;
        while ((e = readdir(dp)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(dp), e->d_name, 0);
        closedir(dp);
    }
    rmdir(dir);
}

/* A name beside `dir` for a directory of ours: ".NAME.WHAT-PID-N". malloc'd. */
static char *side_name(const char *dir, const char *what)
{
    static unsigned long seq;
    const char *base = strrchr(dir, '/');
    base = base ? base + 1 : dir;
    pl_buf b = PL_BUF_INIT;
    if (pl_buf_add(&b, dir, (size_t)(base - dir)) ||
        pl_buf_addf(&b, ".%s.%s-%ld-%lu", base, what, (long)getpid(), ++seq)) {
        pl_buf_release(&b);
        return NULL;
    }
    return b.buf;
}

/* The files of fl written into a new directory `tmp` (mode 0777 less the umask), each
 * SHA256.ext with the stored bytes, synced. On failure `tmp` is removed. */
static int write_files_dir(pl_db *db, const export_files *fl, const char *tmp, const char *dir, pl_error *err)
{
    if (mkdir(tmp, 0777))
        return pl_error_set(err, PL_ERR_IO, "cannot create the directory of the map's files '%s': %s", dir,
                            strerror(errno));
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, FILE_DATA_SQL, &st, err);
    int dfd = rc ? -1 : open(tmp, O_RDONLY | O_DIRECTORY);
    if (!rc && dfd < 0)
        rc = pl_error_set(err, PL_ERR_IO, "cannot open the directory '%s': %s", tmp, strerror(errno));
    for (size_t i = 0; !rc && i < fl->n; i++) {
        char name[80];
        snprintf(name, sizeof name, "%s.%s", fl->v[i].sha, fl->v[i].ext);
        void *data;
        size_t len = 0;
        if ((rc = file_data(db, st, fl->v[i].sha, &data, &len, err)))
            break;
        int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        size_t done = 0;
        while (fd >= 0 && done < len) {
            ssize_t w = write(fd, (const char *)data + done, len - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        if (fd < 0 || done < len || fsync(fd))
            rc = pl_error_set(err, PL_ERR_IO, "cannot write '%s/%s': %s", dir, name, strerror(errno));
        if (fd >= 0 && close(fd) && !rc)
            rc = pl_error_set(err, PL_ERR_IO, "cannot write '%s/%s': %s", dir, name, strerror(errno));
        free(data);
    }
    if (!rc && fsync(dfd))
        rc = pl_error_set(err, PL_ERR_IO, "cannot write the directory '%s': %s", dir, strerror(errno));
    if (dfd >= 0)
        close(dfd);
    sqlite3_finalize(st);
    if (rc)
        remove_flat_dir(tmp);
    return rc;
}

/* The HTML map (written into out's temporary file) and its files: the files go into a
 * temporary directory, which replaces `dir` (an existing one only with force; it is moved
 * aside first and put back should anything fail), then the map is committed. */
static int commit_html(pl_db *db, const export_files *fl, const char *dir, pl_output_file *out, pl_error *err)
{
    struct stat sb;
    if (!fl->n) { /* no directory; one the map replaced (--force) held files it no longer links */
        int force = out->force; /* the commit releases out */
        int rc = pl_output_file_commit(out, err);
        if (!rc && force && !lstat(dir, &sb) && S_ISDIR(sb.st_mode))
            remove_flat_dir(dir);
        return rc;
    }
    int exists = !lstat(dir, &sb);
    if (exists && (!S_ISDIR(sb.st_mode) || !out->force)) {
        pl_output_file_abort(out);
        if (!S_ISDIR(sb.st_mode))
            return pl_error_set(err, PL_ERR_INPUT, "'%s' exists and is not a directory (the map's files go there)",
                                dir);
        return pl_error_set(err, PL_ERR_INPUT, "'%s' exists (the map's files go there; --force replaces it)", dir);
    }
    char *tmp = side_name(dir, "part"), *old = exists ? side_name(dir, "old") : NULL;
    int rc = !tmp || (exists && !old) ? pl_error_set(err, PL_ERR_NOMEM, "out of memory") : PL_OK;
    if (!rc)
        rc = write_files_dir(db, fl, tmp, dir, err);
    if (!rc && exists && rename(dir, old)) {
        rc = pl_error_set(err, PL_ERR_IO, "cannot replace '%s': %s", dir, strerror(errno));
        remove_flat_dir(tmp);
    }
    if (!rc && rename(tmp, dir)) {
        rc = pl_error_set(err, PL_ERR_IO, "cannot create '%s': %s", dir, strerror(errno));
        remove_flat_dir(tmp);
        if (exists)
            rename(old, dir);
    }
    if (rc) {
        pl_output_file_abort(out);
    } else if ((rc = pl_output_file_commit(out, err))) {
        remove_flat_dir(dir); /* the map stays as it was: so do its files */
        if (exists)
            rename(old, dir);
    } else if (exists) {
        remove_flat_dir(old);
    }
    free(tmp);
    free(old);
    return rc;
}

/* ---- safe file output ------------------------------------------------------------------ */

int pl_export_file(pl_db *db, const pl_export_options *opt, const char *path, int force, pl_export_result *res,
                   pl_error *err)
{
    if (!path || !*path)
        return pl_error_set(err, PL_ERR_USAGE, "no output file");
    pl_export_options defaults;
    if (!opt) {
        pl_export_options_init(&defaults);
        opt = &defaults;
    }
    int rc = check_options(db, opt, err); /* before any file is touched */
    if (rc)
        return rc;
    pl_output_file out;
    if ((rc = pl_output_file_open(&out, path, force, err)))
        return rc;
    export_files fl = {NULL, NULL, 0, 0};
    char *dir = NULL, *href = NULL;
    if (opt->kmz) {
        fl.href = "files/";
        FILE *kml = tmpfile();
        if (!kml)
            rc = pl_error_set(err, PL_ERR_IO, "cannot create a temporary file for the kmz: %s", strerror(errno));
        else if ((rc = export_run(db, opt, kml, fileno(kml), 0, NULL, &fl, res, err)))
            fclose(kml);
        else {
            files_unique(&fl);
            rc = write_kmz(db, &fl, kml, &out, err);
        }
    } else if (opt->format == PL_EXPORT_HTML) {
        if (html_files_names(path, &dir, &href))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        fl.href = href;
        if (!rc)
            rc = export_run(db, opt, out.f, out.fd, 1, NULL, &fl, res, err);
        files_unique(&fl);
    } else {
        rc = export_named(db, opt, out.f, out.fd, 1, res, err);
    }
    if (rc) {
        pl_output_file_abort(&out);
    } else {
        rc = opt->format == PL_EXPORT_HTML && !opt->kmz ? commit_html(db, &fl, dir, &out, err)
                                                        : pl_output_file_commit(&out, err);
        if (!rc && res && fl.href)
            res->files = (long)fl.n;
    }
    free(fl.v);
    free(dir);
    free(href);
    return rc;
}
