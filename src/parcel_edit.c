/* parcel_edit.c — split a parcel by a line and merge parcels (宗地分割/合并). */
#include "parkland/parcel_edit.h"

#include "parkland/parcel.h"
#include "db_internal.h"
#include "geom.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- result --------------------------------------------------------------- */

void pl_edit_result_release(pl_edit_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nparents; i++) {
        free(r->parents[i].code);
        free(r->parents[i].name);
    }
    for (size_t i = 0; i < r->nchildren; i++) {
        free(r->children[i].code);
        free(r->children[i].name);
    }
    for (size_t i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->parents);
    free(r->children);
    free(r->warnings);
    memset(r, 0, sizeof *r);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

__attribute__((format(printf, 2, 3)))
static int add_warning(pl_edit_result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(r->warnings, (r->nwarnings + 1) * sizeof *w);
    if (!w)
        return PL_ERR_NOMEM;
    r->warnings = w;
    if (!(w[r->nwarnings] = strdup(buf)))
        return PL_ERR_NOMEM;
    r->nwarnings++;
    return PL_OK;
}

static int add_edit_parcel(pl_edit_parcel **arr, size_t *n, const char *code, const char *name, double area,
                           int parts, int holes)
{
    pl_edit_parcel *a = realloc(*arr, (*n + 1) * sizeof *a);
    if (!a)
        return PL_ERR_NOMEM;
    *arr = a;
    pl_edit_parcel *p = &a[*n];
    memset(p, 0, sizeof *p);
    p->code = strdup(code);
    p->name = dup_or_null(name);
    p->area_m2 = area;
    p->parts = parts;
    p->holes = holes;
    (*n)++;
    return (!p->code || (name && !p->name)) ? PL_ERR_NOMEM : PL_OK;
}

/* ---- reading the parcels ---------------------------------------------------- */

typedef struct src_parcel {
    long id, park_id;
    char park[64];
    char *code, *name, *land_use, *land_use_code, *status, *attrs;
    double area_m2;       /* as stored */
    GEOSGeometry *geom;   /* working CRS; NULL unless asked for */
} src_parcel;

static void src_release(pl_db *db, src_parcel *p)
{
    free(p->code);
    free(p->name);
    free(p->land_use);
    free(p->land_use_code);
    free(p->status);
    free(p->attrs);
    if (p->geom)
        GEOSGeom_destroy_r(db->geos, p->geom);
    memset(p, 0, sizeof *p);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? strdup((const char *)s) : NULL;
}

/* Look parcel `code` up (in `park`, or across parks when NULL). */
static int load_parcel(pl_db *db, const char *park, const char *code, int with_geom, src_parcel *p,
                       pl_error *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT p.id, p.park_id, k.code, p.code, p.name, p.land_use, p.land_use_code, p.status, p.attrs,"
        "       p.area_m2, CASE WHEN ?3 THEN ST_AsBinary(p.geom) END"
        "  FROM parcel p JOIN park k ON k.id = p.park_id"
        " WHERE p.code = ?1 AND (?2 IS NULL OR k.code = ?2) ORDER BY k.code", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    pl_bind_text(st, 2, park);
    sqlite3_bind_int(st, 3, with_geom);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        sqlite3_finalize(st);
        if (park) {
            sqlite3_stmt *k;
            if ((rc = pl_db_prepare(db, "SELECT 1 FROM park WHERE code = ?1", &k, err)))
                return rc;
            pl_bind_text(k, 1, park);
            int found = sqlite3_step(k) == SQLITE_ROW;
            sqlite3_finalize(k);
            if (!found)
                return pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", park);
            return pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s' in park '%s'", code, park);
        }
        return pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s'", code);
    }
    if (step != SQLITE_ROW) {
        sqlite3_finalize(st);
        return pl_db_fail(db, err, "cannot read parcel");
    }
    p->id = (long)sqlite3_column_int64(st, 0);
    p->park_id = (long)sqlite3_column_int64(st, 1);
    snprintf(p->park, sizeof p->park, "%s", (const char *)sqlite3_column_text(st, 2));
    p->code = col_dup(st, 3);
    p->name = col_dup(st, 4);
    p->land_use = col_dup(st, 5);
    p->land_use_code = col_dup(st, 6);
    p->status = col_dup(st, 7);
    p->attrs = col_dup(st, 8);
    p->area_m2 = sqlite3_column_double(st, 9);
    if (!p->code || !p->status) {
        sqlite3_finalize(st);
        src_release(db, p);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    if (with_geom) {
        const void *blob = sqlite3_column_blob(st, 10);
        int len = sqlite3_column_bytes(st, 10);
        p->geom = blob ? pl_geos_from_wkb(db->geos, blob, (size_t)len) : NULL;
        if (!p->geom) {
            sqlite3_finalize(st);
            rc = pl_error_set(err, PL_ERR_DB, "parcel '%s': cannot read its geometry", code);
            src_release(db, p);
            return rc;
        }
        GEOSSetSRID_r(db->geos, p->geom, db->srid);
    }
    if (!park && sqlite3_step(st) == SQLITE_ROW) {
        rc = pl_error_set(err, PL_ERR_USAGE, "parcel code '%s' exists in parks '%s' and '%s'; name one with --park",
                          code, p->park, (const char *)sqlite3_column_text(st, 2));
        sqlite3_finalize(st);
        src_release(db, p);
        return rc;
    }
    sqlite3_finalize(st);
    return PL_OK;
}

/* Only parcels not yet promised or transferred change shape. */
static int check_editable(const src_parcel *p, const char *verb, pl_error *err)
{
    const char *s = p->status;
    if (!strcmp(s, "reserve") || !strcmp(s, "available"))
        return PL_OK;
    const char *zh = pl_parcel_status_zh(s);
    if (!strcmp(s, "reserved") || !strcmp(s, "listed"))
        return pl_error_set(err, PL_ERR_INPUT,
                            "parcel '%s' is %s (%s); release it first ('parkland parcel status %s available'): "
                            "only parcels in reserve (储备) or available (可供) can be %s",
                            p->code, s, zh ? zh : "?", p->code, verb);
    if (!strcmp(s, "retired"))
        return pl_error_set(err, PL_ERR_INPUT,
                            "parcel '%s' is retired (已注销): it was replaced by a split or merge already "
                            "and cannot be %s", p->code, verb);
    return pl_error_set(err, PL_ERR_INPUT,
                        "parcel '%s' is %s (%s): only parcels not yet transferred, in reserve (储备) or "
                        "available (可供), can be %s", p->code, s, zh ? zh : "?", verb);
}

static int code_exists(pl_db *db, long park_id, const char *code, int *exists, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT 1 FROM parcel WHERE park_id = ?1 AND code = ?2", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, park_id);
    pl_bind_text(st, 2, code);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pl_db_fail(db, err, "cannot read parcels");
    *exists = step == SQLITE_ROW;
    return PL_OK;
}

/* ---- indicators ------------------------------------------------------------ */

/* The columns of parcel_indicator that describe the parcel (not its id or
 * timestamp), read from the schema so that new indicators are carried too.
 * Returns a malloc'd comma-separated list of quoted names; *n gets the count. */
static int indicator_columns(pl_db *db, char **list, int *n, pl_error *err)
{
    *list = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT name FROM pragma_table_info('parcel_indicator')"
                               " WHERE name NOT IN ('parcel_id', 'updated_at') ORDER BY cid", &st, err);
    if (rc)
        return rc;
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    if (!s) {
        sqlite3_finalize(st);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    s[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        size_t need = len + strlen(name) * 2 + 8;
        if (need > cap) {
            while (cap < need)
                cap *= 2;
            char *t = realloc(s, cap);
            if (!t) {
                free(s);
                sqlite3_finalize(st);
                return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            }
            s = t;
        }
        if (len)
            s[len++] = ',';
        s[len++] = '"';
        for (const char *c = name; *c; c++) {
            if (*c == '"')
                s[len++] = '"';
            s[len++] = *c;
        }
        s[len++] = '"';
        s[len] = '\0';
        (*n)++;
    }
    sqlite3_finalize(st);
    *list = s;
    return PL_OK;
}

/* Copy the indicator row of `from` to `to`; *copied = 1 when there was one. */
static int copy_indicators(pl_db *db, const char *cols, long from, long to, const char *now, int *copied,
                           pl_error *err)
{
    *copied = 0;
    if (!cols[0])
        return PL_OK;
    size_t len = 2 * strlen(cols) + 256;
    char *sql = malloc(len);
    if (!sql)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    snprintf(sql, len, "INSERT INTO parcel_indicator(parcel_id, updated_at, %s) SELECT ?1, ?2, %s"
                       " FROM parcel_indicator WHERE parcel_id = ?3", cols, cols);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    free(sql);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, to);
    pl_bind_text(st, 2, now);
    sqlite3_bind_int64(st, 3, from);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot copy indicators");
    else
        *copied = sqlite3_changes(db->h) > 0;
    sqlite3_finalize(st);
    return rc;
}

/* The indicator values of a parcel as SQL literals (quote()), one per column;
 * *vals = NULL when the parcel has none. Caller frees each and the array. */
static int indicator_values(pl_db *db, const char *cols, int ncols, long id, char ***vals, pl_error *err)
{
    *vals = NULL;
    if (ncols == 0)
        return PL_OK;
    /* "quote(a)||char(31)||quote(b)…": one text, split below */
    size_t len = strlen(cols) * 2 + (size_t)ncols * 24 + 128;
    char *sql = malloc(len);
    if (!sql)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    size_t n = (size_t)snprintf(sql, len, "SELECT ");
    const char *c = cols;
    for (int i = 0; i < ncols; i++) {
        const char *end = c + 1; /* c points at the opening quote */
        while (*end && !(end[0] == '"' && end[1] != '"'))
            end += end[0] == '"' ? 2 : 1;
        n += (size_t)snprintf(sql + n, len - n, "%squote(%.*s)", i ? "||char(31)||" : "", (int)(end - c + 1), c);
        c = end + 1;
        if (*c == ',')
            c++;
    }
    snprintf(sql + n, len - n, " FROM parcel_indicator WHERE parcel_id = ?1");
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    free(sql);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        char *all = col_dup(st, 0);
        char **v = calloc((size_t)ncols, sizeof *v);
        if (!all || !v) {
            free(all);
            free(v);
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        } else {
            char *save = all;
            for (int i = 0; i < ncols; i++) {
                char *sep = strchr(save, '\x1f');
                if (sep)
                    *sep = '\0';
                v[i] = strdup(save);
                save = sep ? sep + 1 : save + strlen(save);
            }
            free(all);
            *vals = v;
        }
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read indicators");
    }
    sqlite3_finalize(st);
    return rc;
}

static void free_values(char **v, int n)
{
    if (!v)
        return;
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Name of column i of the quoted list (into buf, unquoted). */
static void column_name(const char *cols, int i, char *buf, size_t len)
{
    const char *c = cols;
    for (int k = 0; *c; k++) {
        const char *start = c + 1, *end = start;
        while (*end && !(end[0] == '"' && end[1] != '"'))
            end += end[0] == '"' ? 2 : 1;
        if (k == i) {
            snprintf(buf, len, "%.*s", (int)(end - start), start);
            return;
        }
        c = *end ? end + 1 : end;
        if (*c == ',')
            c++;
    }
    snprintf(buf, len, "?");
}

/* ---- writing ---------------------------------------------------------------- */

typedef struct edit_ctx {
    pl_db *db;
    char now[32], today[16];
} edit_ctx;

/* Insert a new parcel from `tmpl` with geometry g (any polygonal), checked valid. */
static int insert_child(edit_ctx *e, const src_parcel *tmpl, const char *code, const char *name,
                        const GEOSGeometry *g, double area, const char *status, const char *source_ref,
                        long *id, pl_error *err)
{
    pl_db *db = e->db;
    GEOSGeometry *multi = pl_geos_to_multi(db->geos, g);
    size_t wkblen = 0;
    unsigned char *wkb = multi ? pl_geos_to_wkb(db->geos, multi, &wkblen) : NULL;
    if (multi)
        GEOSGeom_destroy_r(db->geos, multi);
    if (!wkb)
        return pl_error_set(err, PL_ERR_NOMEM, "parcel '%s': cannot encode the geometry", code);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "INSERT INTO parcel(park_id, code, name, land_use, land_use_code, area_m2, declared_area_m2, status,"
        " status_date, batch_id, source_ref, attrs, created_at, updated_at, geom)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, NULL, ?9, ?10, ?11, ?11, ST_GeomFromWKB(?12, ?13))",
        &st, err);
    if (rc) {
        GEOSFree_r(db->geos, wkb);
        return rc;
    }
    sqlite3_bind_int64(st, 1, tmpl->park_id);
    pl_bind_text(st, 2, code);
    pl_bind_text(st, 3, name);
    pl_bind_text(st, 4, tmpl->land_use);
    pl_bind_text(st, 5, tmpl->land_use_code);
    sqlite3_bind_double(st, 6, area);
    pl_bind_text(st, 7, status);
    pl_bind_text(st, 8, e->today);
    pl_bind_text(st, 9, source_ref);
    pl_bind_text(st, 10, tmpl->attrs);
    pl_bind_text(st, 11, e->now);
    sqlite3_bind_blob(st, 12, wkb, (int)wkblen, SQLITE_STATIC);
    sqlite3_bind_int(st, 13, db->srid);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    GEOSFree_r(db->geos, wkb);
    if (step != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE)
            return pl_error_set(err, PL_ERR_INPUT, "parcel '%s' already exists in park '%s'", code, tmpl->park);
        return pl_db_fail(db, err, "cannot insert parcel");
    }
    *id = (long)sqlite3_last_insert_rowid(db->h);
    /* what SpatiaLite stored must be valid and measure what GEOS measured */
    if ((rc = pl_db_prepare(db, "SELECT ST_IsValid(geom), ST_Area(geom) FROM parcel WHERE id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, *id);
    int valid = -1;
    double stored = NAN;
    if (sqlite3_step(st) == SQLITE_ROW) {
        valid = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 0);
        stored = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    if (valid != 1)
        return pl_error_set(err, PL_ERR_INPUT, "parcel '%s': the new geometry is not valid (ST_IsValid)", code);
    if (!(fabs(stored - area) <= PL_EDIT_AREA_TOLERANCE_M2))
        return pl_error_set(err, PL_ERR_INPUT, "parcel '%s': the stored geometry measures %.4f m², not %.4f m²",
                            code, stored, area);
    return PL_OK;
}

static int add_lineage(edit_ctx *e, long parent, long child, const char *op, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(e->db, "INSERT INTO parcel_lineage(parent_id, child_id, operation, at)"
                                  " VALUES (?1, ?2, ?3, ?4)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, parent);
    sqlite3_bind_int64(st, 2, child);
    pl_bind_text(st, 3, op);
    pl_bind_text(st, 4, e->now);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = pl_db_fail(e->db, err, "cannot write lineage");
    sqlite3_finalize(st);
    return rc;
}

static int retire(edit_ctx *e, const src_parcel *p, const char *note, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(e->db, "UPDATE parcel SET status = 'retired', status_date = ?1, updated_at = ?2"
                                  " WHERE id = ?3", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, e->today);
    pl_bind_text(st, 2, e->now);
    sqlite3_bind_int64(st, 3, p->id);
    if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(e->db->h) != 1)
        rc = pl_db_fail(e->db, err, "cannot retire parcel");
    sqlite3_finalize(st);
    if (rc)
        return rc;
    return pl_history_add(e->db, "parcel", p->id, p->code, "status", p->status, "retired", note, 0, err);
}

/* "PREFIX WHAT" or "PREFIX WHAT: NOTE" into a malloc'd string. */
static char *make_note(const char *prefix, const char *what, const char *note)
{
    size_t len = strlen(prefix) + strlen(what) + (note ? strlen(note) : 0) + 8;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, "%s %s%s%s", prefix, what, note && *note ? ": " : "", note && *note ? note : "");
    return s;
}

/* Append `s` to a growing "A, B, C" list. */
static int list_append(char **list, size_t *len, size_t *cap, const char *s)
{
    size_t need = *len + strlen(s) + 3;
    if (need > *cap) {
        size_t nc = *cap ? *cap : 64;
        while (nc < need)
            nc *= 2;
        char *t = realloc(*list, nc);
        if (!t)
            return -1;
        *list = t;
        *cap = nc;
    }
    *len += (size_t)snprintf(*list + *len, *cap - *len, "%s%s", *len ? ", " : "", s);
    return 0;
}

static void edit_ctx_init(edit_ctx *e, pl_db *db)
{
    e->db = db;
    pl_now_iso(e->now, sizeof e->now);
    pl_today(e->today, sizeof e->today);
}

static int count_parts(GEOSContextHandle_t gc, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(gc, g);
    return t == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(gc, g);
}

static void bbox_text(GEOSContextHandle_t gc, const GEOSGeometry *g, char *buf, size_t len)
{
    double x0, y0, x1, y1;
    if (GEOSGeom_getXMin_r(gc, g, &x0) && GEOSGeom_getYMin_r(gc, g, &y0) && GEOSGeom_getXMax_r(gc, g, &x1) &&
        GEOSGeom_getYMax_r(gc, g, &y1))
        snprintf(buf, len, "E %.3f–%.3f N %.3f–%.3f", x0, x1, y0, y1);
    else
        snprintf(buf, len, "(empty)");
}

/* ---- split ------------------------------------------------------------------ */

/* The line in the working CRS, or NULL with err filled. */
static GEOSGeometry *read_line(pl_db *db, const char *wkt, int srid, pl_error *err)
{
    if (!wkt || !*wkt) {
        pl_error_set(err, PL_ERR_USAGE, "a split needs a line (--line 'LINESTRING(x1 y1, x2 y2)')");
        return NULL;
    }
    if (srid <= 0)
        srid = db->srid;
    if (!pl_db_ensure_srid(db, srid)) {
        pl_error_set(err, PL_ERR_INPUT, "EPSG:%d is not a coordinate system SpatiaLite knows", srid);
        return NULL;
    }
    sqlite3_stmt *st;
    if (pl_db_prepare(db, "SELECT ST_GeomFromText(?1, ?2) IS NOT NULL,"
                          "       ST_AsBinary(CASE WHEN ?2 = ?3 THEN ST_GeomFromText(?1, ?2)"
                          "                        ELSE ST_Transform(ST_GeomFromText(?1, ?2), ?3) END)", &st, err))
        return NULL;
    pl_bind_text(st, 1, wkt);
    sqlite3_bind_int(st, 2, srid);
    sqlite3_bind_int(st, 3, db->srid);
    GEOSGeometry *g = NULL;
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        pl_db_fail(db, err, "cannot read the line");
    } else if (!sqlite3_column_int(st, 0)) {
        pl_error_set(err, PL_ERR_INPUT, "--line is not WKT SpatiaLite can read: '%.120s%s'", wkt,
                     strlen(wkt) > 120 ? "…" : "");
    } else if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
        pl_error_set(err, PL_ERR_INPUT, "cannot transform the line from EPSG:%d to EPSG:%d", srid, db->srid);
    } else if (!(g = pl_geos_from_wkb(db->geos, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1)))) {
        pl_error_set(err, PL_ERR_INPUT, "cannot read the line: %s", db->geos_msg);
    }
    sqlite3_finalize(st);
    if (!g)
        return NULL;
    int type = GEOSGeomTypeId_r(db->geos, g);
    if (type != GEOS_LINESTRING && type != GEOS_MULTILINESTRING) {
        char *name = GEOSGeomType_r(db->geos, g);
        pl_error_set(err, PL_ERR_INPUT, "--line must be a LINESTRING (or MULTILINESTRING), not a %s",
                     name ? name : "?");
        if (name)
            GEOSFree_r(db->geos, name);
        GEOSGeom_destroy_r(db->geos, g);
        return NULL;
    }
    if (GEOSisEmpty_r(db->geos, g)) {
        pl_error_set(err, PL_ERR_INPUT, "--line is empty");
        GEOSGeom_destroy_r(db->geos, g);
        return NULL;
    }
    GEOSSetSRID_r(db->geos, g, db->srid);
    return g;
}

typedef struct piece {
    GEOSGeometry *g;
    double area, x, y;   /* area and interior point */
} piece;

static int piece_order(const void *va, const void *vb)
{
    const piece *a = va, *b = vb;
    if (fabs(a->area - b->area) > 1e-6)
        return a->area > b->area ? -1 : 1;
    if (a->y != b->y)
        return a->y > b->y ? -1 : 1;
    return a->x < b->x ? -1 : a->x > b->x;
}

/* Why a line that left the parcel whole does not cut it. */
static int explain_no_cut(pl_db *db, const src_parcel *p, const GEOSGeometry *line, int srid, pl_error *err)
{
    GEOSContextHandle_t gc = db->geos;
    char lb[160], pb[160];
    bbox_text(gc, line, lb, sizeof lb);
    bbox_text(gc, p->geom, pb, sizeof pb);
    char meets = GEOSIntersects_r(gc, line, p->geom);
    if (meets == 0)
        return pl_error_set(err, PL_ERR_INPUT,
                            "the line does not reach parcel '%s' (line %s, parcel %s, EPSG:%d)%s; nothing was split",
                            p->code, lb, pb, db->srid,
                            srid > 0 && srid != db->srid ? "" : "; is the line in another CRS? (--line-crs EPSG)");
    char inside = GEOSRelatePattern_r(gc, line, p->geom, "T********");
    if (inside == 0)
        return pl_error_set(err, PL_ERR_INPUT,
                            "the line only touches the boundary of parcel '%s'; it must cross the parcel; "
                            "nothing was split", p->code);
    return pl_error_set(err, PL_ERR_INPUT,
                        "the line enters parcel '%s' but does not cut it into pieces: it must run across the "
                        "parcel from one side of its boundary to another; nothing was split", p->code);
}

int pl_parcel_split(pl_db *db, const char *code, const pl_split_options *opt, pl_edit_result *out,
                    pl_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->operation, sizeof out->operation, "split");
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (parcel split CODE --line WKT)");
    if (!opt)
        return pl_error_set(err, PL_ERR_USAGE, "parcel split needs options");
    GEOSContextHandle_t gc = db->geos;
    src_parcel p;
    GEOSGeometry *line = NULL, **raw = NULL;
    piece *pieces = NULL;
    char *cols = NULL, *codes_list = NULL, *note_parent = NULL, *note_child = NULL, *source_ref = NULL;
    char **codes = NULL;
    int npieces = 0, ncols = 0;
    memset(&p, 0, sizeof p);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = load_parcel(db, opt->park, code, 1, &p, err)) || (rc = check_editable(&p, "split", err)))
        goto fail;
    snprintf(out->park, sizeof out->park, "%s", p.park);
    snprintf(out->status, sizeof out->status, "%s", p.status);
    if (!(line = read_line(db, opt->line_wkt, opt->line_srid, err))) {
        rc = err ? err->code : PL_ERR_INPUT;
        goto fail;
    }
    /* a line drawn from boundary point to boundary point, typed from 'parcel show'
     * with millimetres, ends on those points exactly */
    GEOSGeometry *snapped = GEOSSnap_r(gc, line, p.geom, PL_SPLIT_SNAP_M);
    if (snapped) {
        GEOSSetSRID_r(gc, snapped, db->srid);
        GEOSGeom_destroy_r(gc, line);
        line = snapped;
    }
    double original = pl_geos_area(gc, p.geom);
    if ((rc = add_edit_parcel(&out->parents, &out->nparents, p.code, p.name, p.area_m2, count_parts(gc, p.geom),
                              pl_geos_count_holes(gc, p.geom))))
        goto nomem;
    out->parents_area_m2 = p.area_m2;

    npieces = pl_geos_split_by_line(gc, p.geom, line, &raw);
    if (npieces < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "parcel '%s': GEOS could not cut the parcel with the line: %s", code,
                          db->geos_msg);
        goto fail;
    }
    if (npieces < 2) {
        rc = explain_no_cut(db, &p, line, opt->line_srid, err);
        goto fail;
    }
    if (!(pieces = calloc((size_t)npieces, sizeof *pieces)))
        goto nomem;
    for (int i = 0; i < npieces; i++) {
        pieces[i].g = raw[i];
        raw[i] = NULL;
        pieces[i].area = pl_geos_area(gc, pieces[i].g);
        GEOSGeometry *pt = GEOSPointOnSurface_r(gc, pieces[i].g);
        if (pt) {
            GEOSGeomGetX_r(gc, pt, &pieces[i].x);
            GEOSGeomGetY_r(gc, pt, &pieces[i].y);
            GEOSGeom_destroy_r(gc, pt);
        }
    }
    qsort(pieces, (size_t)npieces, sizeof *pieces, piece_order);

    /* conservation and shape of every piece */
    double sum = 0;
    for (int i = 0; i < npieces; i++)
        sum += pieces[i].area;
    if (!(fabs(sum - original) <= PL_EDIT_AREA_TOLERANCE_M2)) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "splitting parcel '%s': the %d pieces measure %.4f m² together but the parcel %.4f m² "
                          "(difference %.4f m², more than %.2f m²); nothing was split",
                          code, npieces, sum, original, sum - original, PL_EDIT_AREA_TOLERANCE_M2);
        goto fail;
    }
    for (int i = 0; i < npieces; i++) {
        if (pieces[i].area < PL_SPLIT_MIN_PIECE_M2) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "splitting parcel '%s': piece %d would measure only %.6f m² (at E %.3f N %.3f): "
                              "a sliver, does the line run along the boundary? nothing was split",
                              code, i + 1, pieces[i].area, pieces[i].x, pieces[i].y);
            goto fail;
        }
        char reason[256];
        double x, y;
        int v = pl_geos_validate(gc, pieces[i].g, reason, sizeof reason, &x, &y);
        if (v != 1) {
            rc = pl_error_set(err, PL_ERR_INPUT, "splitting parcel '%s': piece %d is not valid: %s; nothing was split",
                              code, i + 1, v < 0 ? db->geos_msg : reason);
            goto fail;
        }
    }

    /* codes of the pieces */
    if (opt->codes && opt->ncodes != (size_t)npieces) {
        rc = pl_error_set(err, PL_ERR_INPUT, "the line cuts parcel '%s' into %d pieces but --codes names %zu",
                          code, npieces, opt->ncodes);
        goto fail;
    }
    if (opt->names && opt->nnames != (size_t)npieces) {
        rc = pl_error_set(err, PL_ERR_INPUT, "the line cuts parcel '%s' into %d pieces but --names names %zu",
                          code, npieces, opt->nnames);
        goto fail;
    }
    if (!(codes = calloc((size_t)npieces, sizeof *codes)))
        goto nomem;
    size_t llen = 0, lcap = 0;
    for (int i = 0; i < npieces; i++) {
        if (opt->codes) {
            if (!opt->codes[i] || !*opt->codes[i]) {
                rc = pl_error_set(err, PL_ERR_USAGE, "--codes: code %d is empty", i + 1);
                goto fail;
            }
            codes[i] = strdup(opt->codes[i]);
        } else {
            size_t len = strlen(p.code) + 16;
            if ((codes[i] = malloc(len)))
                snprintf(codes[i], len, "%s-%d", p.code, i + 1);
        }
        if (!codes[i])
            goto nomem;
        for (int k = 0; k < i; k++)
            if (!strcmp(codes[k], codes[i])) {
                rc = pl_error_set(err, PL_ERR_INPUT, "--codes names '%s' twice", codes[i]);
                goto fail;
            }
        int exists = 0;
        if ((rc = code_exists(db, p.park_id, codes[i], &exists, err)))
            goto fail;
        if (exists) {
            rc = pl_error_set(err, PL_ERR_INPUT, "parcel '%s' already exists in park '%s'%s; nothing was split",
                              codes[i], p.park, opt->codes ? "" : " (name the pieces with --codes A,B,…)");
            goto fail;
        }
        if (list_append(&codes_list, &llen, &lcap, codes[i]))
            goto nomem;
    }

    /* write */
    edit_ctx e;
    edit_ctx_init(&e, db);
    if ((rc = indicator_columns(db, &cols, &ncols, err)))
        goto fail;
    note_parent = make_note("split into", codes_list, opt->note);
    note_child = make_note("split from", p.code, opt->note);
    source_ref = make_note("split from", p.code, NULL);
    if (!note_parent || !note_child || !source_ref)
        goto nomem;
    int copied_all = 1;
    for (int i = 0; i < npieces; i++) {
        char name[1024];
        const char *nm = NULL;
        if (opt->names) {
            nm = opt->names[i] && *opt->names[i] ? opt->names[i] : NULL;
        } else if (p.name && *p.name) {
            snprintf(name, sizeof name, "%s-%d", p.name, i + 1);
            nm = name;
        }
        long id = 0;
        int copied = 0;
        if ((rc = insert_child(&e, &p, codes[i], nm, pieces[i].g, pieces[i].area, p.status, source_ref, &id,
                                 err)) ||
            (rc = copy_indicators(db, cols, p.id, id, e.now, &copied, err)) ||
            (rc = add_lineage(&e, p.id, id, "split", err)) ||
            (rc = pl_history_add(db, "parcel", id, codes[i], "created", NULL, p.status, note_child, 0, err)))
            goto fail;
        copied_all &= copied;
        if ((rc = add_edit_parcel(&out->children, &out->nchildren, codes[i], nm, pieces[i].area, 1,
                                  pl_geos_count_holes(gc, pieces[i].g))))
            goto nomem;
        out->children_area_m2 += pieces[i].area;
    }
    out->indicators_copied = copied_all;
    if ((rc = retire(&e, &p, note_parent, err)))
        goto fail;
    if (opt->dry_run)
        pl_db_rollback(db);
    else if ((rc = pl_db_commit(db, err)))
        goto fail;
    goto done;
nomem:
    rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
fail:
    pl_db_rollback(db);
done:
    for (int i = 0; raw && i < npieces; i++)
        if (raw[i])
            GEOSGeom_destroy_r(gc, raw[i]);
    free(raw);
    for (int i = 0; pieces && i < npieces; i++)
        if (pieces[i].g)
            GEOSGeom_destroy_r(gc, pieces[i].g);
    free(pieces);
    for (int i = 0; codes && i < npieces; i++)
        free(codes[i]);
    free(codes);
    if (line)
        GEOSGeom_destroy_r(gc, line);
    free(cols);
    free(codes_list);
    free(note_parent);
    free(note_child);
    free(source_ref);
    src_release(db, &p);
    return rc;
}

/* ---- merge ------------------------------------------------------------------ */

/* Overlapping pairs, for the message of a merge whose areas do not add up. */
static void describe_overlaps(pl_db *db, src_parcel *ps, size_t n, char *buf, size_t len)
{
    GEOSContextHandle_t gc = db->geos;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            GEOSGeometry *x = GEOSIntersection_r(gc, ps[i].geom, ps[j].geom);
            double a = x ? pl_geos_area(gc, x) : 0;
            if (x)
                GEOSGeom_destroy_r(gc, x);
            if (a > 0 && used < len)
                used += (size_t)snprintf(buf + used, len - used, "%s'%s' and '%s' overlap by %.4f m²",
                                         used ? "; " : "", ps[i].code, ps[j].code, a);
        }
}

int pl_parcel_merge(pl_db *db, const char *const *codes, size_t ncodes, const char *into,
                    const pl_merge_options *opt, pl_edit_result *out, pl_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->operation, sizeof out->operation, "merge");
    static const pl_merge_options defaults = {0};
    if (!opt)
        opt = &defaults;
    if (ncodes < 2)
        return pl_error_set(err, PL_ERR_USAGE, "a merge needs at least two parcels (parcel merge A B… --into C)");
    if (!into || !*into)
        return pl_error_set(err, PL_ERR_USAGE, "a merge needs the new parcel's code (--into CODE)");
    GEOSContextHandle_t gc = db->geos;
    src_parcel *ps = calloc(ncodes, sizeof *ps);
    if (!ps)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    GEOSGeometry *all = NULL, *uni = NULL;
    char *cols = NULL, *from_list = NULL, *note_parent = NULL, *note_child = NULL, *source_ref = NULL;
    char **vals0 = NULL;
    int ncols = 0;
    int rc = pl_db_begin(db, err);
    if (rc) {
        free(ps);
        return rc;
    }
    size_t flen = 0, fcap = 0;
    for (size_t i = 0; i < ncodes; i++) {
        if ((rc = load_parcel(db, opt->park, codes[i], 1, &ps[i], err)))
            goto fail;
        for (size_t k = 0; k < i; k++)
            if (ps[k].id == ps[i].id) {
                rc = pl_error_set(err, PL_ERR_USAGE, "parcel '%s' is named twice", ps[i].code);
                goto fail;
            }
        if (ps[i].park_id != ps[0].park_id) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "parcels '%s' (park %s) and '%s' (park %s) are in different parks; only parcels of "
                              "one park can be merged", ps[0].code, ps[0].park, ps[i].code, ps[i].park);
            goto fail;
        }
        if ((rc = check_editable(&ps[i], "merged", err)))
            goto fail;
        if (strcmp(ps[i].status, ps[0].status)) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "parcels '%s' (%s) and '%s' (%s) are in different statuses; move them to one "
                              "status first ('parkland parcel status CODE STATUS')",
                              ps[0].code, ps[0].status, ps[i].code, ps[i].status);
            goto fail;
        }
        if (list_append(&from_list, &flen, &fcap, ps[i].code))
            goto nomem;
    }
    snprintf(out->park, sizeof out->park, "%s", ps[0].park);
    snprintf(out->status, sizeof out->status, "%s", ps[0].status);
    int exists = 0;
    if ((rc = code_exists(db, ps[0].park_id, into, &exists, err)))
        goto fail;
    if (exists) {
        rc = pl_error_set(err, PL_ERR_INPUT, "parcel '%s' already exists in park '%s'; choose another --into code",
                          into, ps[0].park);
        goto fail;
    }

    /* the union */
    GEOSGeometry **clones = calloc(ncodes, sizeof *clones);
    if (!clones)
        goto nomem;
    double sum = 0;
    int holes_in = 0;
    for (size_t i = 0; i < ncodes; i++) {
        clones[i] = GEOSGeom_clone_r(gc, ps[i].geom);
        sum += pl_geos_area(gc, ps[i].geom);
        holes_in += pl_geos_count_holes(gc, ps[i].geom);
        if ((rc = add_edit_parcel(&out->parents, &out->nparents, ps[i].code, ps[i].name, ps[i].area_m2,
                                  count_parts(gc, ps[i].geom), pl_geos_count_holes(gc, ps[i].geom))))
            break;
        out->parents_area_m2 += ps[i].area_m2;
    }
    int cloned = !rc;
    for (size_t i = 0; i < ncodes; i++)
        cloned = cloned && clones[i];
    if (cloned)
        all = GEOSGeom_createCollection_r(gc, GEOS_GEOMETRYCOLLECTION, clones, (unsigned)ncodes);
    if (!all)
        for (size_t i = 0; i < ncodes; i++)
            if (clones[i])
                GEOSGeom_destroy_r(gc, clones[i]);
    free(clones);
    if (!all)
        goto nomem;
    if (!(uni = GEOSUnaryUnion_r(gc, all))) {
        rc = pl_error_set(err, PL_ERR_INPUT, "merging %s: GEOS could not unite the parcels: %s", from_list,
                          db->geos_msg);
        goto fail;
    }
    GEOSSetSRID_r(gc, uni, db->srid);
    double area = pl_geos_area(gc, uni);
    if (!(fabs(area - sum) <= PL_EDIT_AREA_TOLERANCE_M2)) {
        char why[1024];
        describe_overlaps(db, ps, ncodes, why, sizeof why);
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "merging %s: the union measures %.4f m² but the parcels %.4f m² together "
                          "(difference %.4f m², more than %.2f m²)%s%s; nothing was merged",
                          from_list, area, sum, area - sum, PL_EDIT_AREA_TOLERANCE_M2, why[0] ? ": " : "", why);
        goto fail;
    }
    int parts = count_parts(gc, uni);
    if (parts > 1 && !opt->allow_multipart) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "parcels %s do not form one polygon: their union has %d separate parts (merged parcels "
                          "must share boundaries); pass --allow-multipart to keep a multi-part parcel; "
                          "nothing was merged", from_list, parts);
        goto fail;
    }
    char reason[256];
    double vx, vy;
    int v = pl_geos_validate(gc, uni, reason, sizeof reason, &vx, &vy);
    if (v != 1) {
        rc = pl_error_set(err, PL_ERR_INPUT, "merging %s: the union is not valid: %s; nothing was merged", from_list,
                          v < 0 ? db->geos_msg : reason);
        goto fail;
    }
    if (parts > 1 && (rc = add_warning(out, "parcel '%s' has %d separate parts (--allow-multipart)", into, parts)))
        goto nomem;
    int holes = pl_geos_count_holes(gc, uni);
    if (holes > holes_in &&
        (rc = add_warning(out, "parcel '%s' has %d hole(s) that the parcels did not have: gaps between them; "
                          "check the shapes", into, holes - holes_in)))
        goto nomem;
    for (size_t i = 1; i < ncodes; i++) {
        const char *a = ps[0].land_use ? ps[0].land_use : "", *b = ps[i].land_use ? ps[i].land_use : "";
        if (strcmp(a, b)) {
            if ((rc = add_warning(out, "land uses differ ('%s': %s, '%s': %s); '%s' takes %s", ps[0].code,
                                  *a ? a : "-", ps[i].code, *b ? b : "-", into, *a ? a : "none")))
                goto nomem;
            break;
        }
    }

    /* indicators: the first parcel's when every parcel has the same */
    if ((rc = indicator_columns(db, &cols, &ncols, err)) ||
        (rc = indicator_values(db, cols, ncols, ps[0].id, &vals0, err)))
        goto fail;
    int same = 1;
    char differ[512] = "";
    for (size_t i = 1; i < ncodes && same; i++) {
        char **vi = NULL;
        if ((rc = indicator_values(db, cols, ncols, ps[i].id, &vi, err)))
            goto fail;
        if (!vals0 != !vi) {
            same = 0;
            snprintf(differ, sizeof differ, "'%s' has %s, '%s' has %s", ps[0].code, vals0 ? "indicators" : "none",
                     ps[i].code, vi ? "indicators" : "none");
        } else {
            for (int c = 0; vi && c < ncols; c++)
                if (strcmp(vals0[c], vi[c])) {
                    char cname[128];
                    column_name(cols, c, cname, sizeof cname);
                    snprintf(differ, sizeof differ, "%s: '%s' %s, '%s' %s", cname, ps[0].code, vals0[c],
                             ps[i].code, vi[c]);
                    same = 0;
                    break;
                }
        }
        free_values(vi, ncols);
    }
    if (!same && (rc = add_warning(out, "the parcels' indicators differ (%s); '%s' gets none: set them with "
                                   "'parkland parcel indicators %s …'", differ, into, into)))
        goto nomem;

    /* write */
    edit_ctx e;
    edit_ctx_init(&e, db);
    note_parent = make_note("merged into", into, opt->note);
    note_child = make_note("merged from", from_list, opt->note);
    source_ref = make_note("merged from", from_list, NULL);
    if (!note_parent || !note_child || !source_ref)
        goto nomem;
    const char *name = opt->name && *opt->name ? opt->name : ps[0].name;
    long id = 0;
    int copied = 0;
    if ((rc = insert_child(&e, &ps[0], into, name, uni, area, ps[0].status, source_ref, &id, err)) || (same && (rc = copy_indicators(db, cols, ps[0].id, id, e.now, &copied, err))) ||
        (rc = pl_history_add(db, "parcel", id, into, "created", NULL, ps[0].status, note_child, 0, err)))
        goto fail;
    out->indicators_copied = copied;
    for (size_t i = 0; i < ncodes; i++)
        if ((rc = add_lineage(&e, ps[i].id, id, "merge", err)) || (rc = retire(&e, &ps[i], note_parent, err)))
            goto fail;
    if ((rc = add_edit_parcel(&out->children, &out->nchildren, into, name, area, parts, holes)))
        goto nomem;
    out->children_area_m2 = area;
    if (opt->dry_run)
        pl_db_rollback(db);
    else if ((rc = pl_db_commit(db, err)))
        goto fail;
    goto done;
nomem:
    rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
fail:
    pl_db_rollback(db);
done:
    if (all)
        GEOSGeom_destroy_r(gc, all);
    if (uni)
        GEOSGeom_destroy_r(gc, uni);
    for (size_t i = 0; i < ncodes; i++)
        src_release(db, &ps[i]);
    free(ps);
    free_values(vals0, ncols);
    free(cols);
    free(from_list);
    free(note_parent);
    free(note_child);
    free(source_ref);
    return rc;
}

/* ---- lineage ---------------------------------------------------------------- */

int pl_parcel_lineage_each(pl_db *db, const char *park, const char *code,
                           int (*cb)(const pl_lineage_row *row, void *ctx), void *ctx, pl_error *err)
{
    src_parcel p;
    int rc = load_parcel(db, park, code, 0, &p, err);
    if (rc)
        return rc;
    long id = p.id;
    src_release(db, &p);
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
            "SELECT 'parent', o.code, o.status, l.operation, l.at, o.area_m2 FROM parcel_lineage l"
            "  JOIN parcel o ON o.id = l.parent_id WHERE l.child_id = ?1"
            " UNION ALL "
            "SELECT 'child', o.code, o.status, l.operation, l.at, o.area_m2 FROM parcel_lineage l"
            "  JOIN parcel o ON o.id = l.child_id WHERE l.parent_id = ?1"
            " ORDER BY 1 DESC, 5, 2", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_lineage_row r = {
            (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            (const char *)sqlite3_column_text(st, 4), sqlite3_column_double(st, 5)};
        if ((rc = cb(&r, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read lineage");
    sqlite3_finalize(st);
    return rc;
}
