/* park.c — parks: add, look up, list. */
#include "parkland/park.h"

#include "db_internal.h"
#include "reader.h"
#include "xform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_col(char *dst, size_t len, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, len, "%s", s ? (const char *)s : "");
}

typedef struct boundary_ctx {
    pl_geom all;    /* every polygon of the file */
    int srid;
    long features;
} boundary_ctx;

static int boundary_feature(const pl_feature *f, const pl_source_info *info, void *vctx)
{
    boundary_ctx *c = vctx;
    c->srid = info->srid;
    if (!f->is_polygon)
        return 0;
    c->features++;
    for (size_t i = 0; i < f->geom.n; i++) {
        pl_poly *p = pl_geom_add_poly(&c->all);
        if (!p)
            return PL_ERR_NOMEM;
        for (size_t j = 0; j < f->geom.polys[i].n; j++) {
            const pl_ring *s = &f->geom.polys[i].rings[j];
            pl_ring *r = pl_poly_add_ring(p);
            if (!r)
                return PL_ERR_NOMEM;
            for (size_t k = 0; k < s->n; k++)
                if (pl_ring_add_point(r, s->xy[2 * k], s->xy[2 * k + 1]))
                    return PL_ERR_NOMEM;
        }
    }
    return 0;
}

/* Read a boundary file into WKB in the working CRS (caller frees *wkb). */
static int read_boundary(pl_db *db, const char *path, unsigned char **wkb, int *wkblen, pl_error *err)
{
    boundary_ctx c = {0};
    pl_geom_init(&c.all);
    pl_read_options ro = {PL_ENCODING_AUTO, 0, NULL, NULL};
    pl_source_info info;
    memset(&info, 0, sizeof info);
    unsigned char *raw = NULL;
    size_t cap = 0, len = 0;
    sqlite3_stmt *st = NULL;
    int rc = pl_read_any(path, PL_FORMAT_AUTO, &ro, &info, boundary_feature, &c, err);
    if (rc)
        goto out;
    if (c.features == 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "boundary file '%s' holds no polygon", path);
        goto out;
    }
    if (info.srid <= 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "boundary file '%s' does not say its coordinate system", path);
        goto out;
    }
    if (pl_geom_to_wkb(&c.all, &raw, &cap, &len)) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    pl_db_ensure_srid(db, info.srid);
    if ((rc = pl_db_prepare(db,
            "SELECT ST_AsBinary(CastToMultiPolygon(ST_UnaryUnion("
            "  ST_Transform(ST_GeomFromWKB(?1, ?2), ?3))))", &st, err)))
        goto out;
    sqlite3_bind_blob(st, 1, raw, (int)len, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, info.srid);
    sqlite3_bind_int(st, 3, db->srid);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_BLOB) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "boundary file '%s': the polygons are invalid or cannot be transformed to EPSG:%d",
                          path, db->srid);
        goto out;
    }
    *wkblen = sqlite3_column_bytes(st, 0);
    *wkb = malloc((size_t)*wkblen);
    if (!*wkb) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(*wkb, sqlite3_column_blob(st, 0), (size_t)*wkblen);
out:
    sqlite3_finalize(st);
    free(raw);
    pl_geom_release(&c.all);
    return rc;
}

int pl_park_add(pl_db *db, const char *code, const char *name, const char *name_en,
                const char *district, const char *boundary_path, pl_error *err)
{
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "a park needs a code");
    if (!name || !*name)
        return pl_error_set(err, PL_ERR_USAGE, "park '%s' needs a name (--name)", code);
    if (strlen(code) >= sizeof(((pl_park *)0)->code))
        return pl_error_set(err, PL_ERR_INPUT, "park code '%.40s…' is too long (at most 63 bytes)", code);
    unsigned char *wkb = NULL;
    int wkblen = 0, rc;
    if (boundary_path && (rc = read_boundary(db, boundary_path, &wkb, &wkblen, err)))
        return rc;
    if ((rc = pl_db_begin(db, err))) {
        free(wkb);
        return rc;
    }
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
            "INSERT INTO park(code, name, name_en, district, created_at, created_by, boundary)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, CastToMultiPolygon(ST_GeomFromWKB(?7, ?8)))", &st, err)))
        goto fail;
    char now[32];
    pl_now_iso(now, sizeof now);
    pl_bind_text(st, 1, code);
    pl_bind_text(st, 2, name);
    pl_bind_text(st, 3, name_en);
    pl_bind_text(st, 4, district);
    pl_bind_text(st, 5, now);
    pl_bind_text(st, 6, db->user);
    if (wkb)
        sqlite3_bind_blob(st, 7, wkb, wkblen, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_int(st, 8, db->srid);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE)
            rc = pl_error_set(err, PL_ERR_INPUT, "park '%s' already exists", code);
        else
            rc = pl_db_fail(db, err, "cannot add park");
        goto fail;
    }
    long id = (long)sqlite3_last_insert_rowid(db->h);
    if ((rc = pl_history_add(db, "park", id, code, "created", NULL, name, NULL, 0, err)))
        goto fail;
    free(wkb);
    return pl_db_commit(db, err);
fail:
    free(wkb);
    pl_db_rollback(db);
    return rc;
}

static const char park_select[] =
    "SELECT k.id, k.code, k.name, k.name_en, k.district, k.boundary IS NOT NULL,"
    "       (SELECT count(*) FROM parcel p WHERE p.park_id = k.id AND p.status <> 'retired'),"
    "       (SELECT total(area_m2) FROM parcel p WHERE p.park_id = k.id AND p.status <> 'retired')"
    "  FROM park k";

static void park_from_row(sqlite3_stmt *st, pl_park *p)
{
    memset(p, 0, sizeof *p);
    p->id = (long)sqlite3_column_int64(st, 0);
    copy_col(p->code, sizeof p->code, st, 1);
    copy_col(p->name, sizeof p->name, st, 2);
    copy_col(p->name_en, sizeof p->name_en, st, 3);
    copy_col(p->district, sizeof p->district, st, 4);
    p->has_boundary = sqlite3_column_int(st, 5);
    p->parcels = (long)sqlite3_column_int64(st, 6);
    p->area_m2 = sqlite3_column_double(st, 7);
}

int pl_park_get(pl_db *db, const char *code, pl_park *out, pl_error *err)
{
    char sql[sizeof park_select + 32];
    snprintf(sql, sizeof sql, "%s WHERE k.code = ?1", park_select);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        park_from_row(st, out);
    else if (step == SQLITE_DONE)
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", code);
    else
        rc = pl_db_fail(db, err, "cannot read parks");
    sqlite3_finalize(st);
    return rc;
}

int pl_park_find(pl_db *db, const char *code, long *id, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id FROM park WHERE code = ?1", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        if (id)
            *id = (long)sqlite3_column_int64(st, 0);
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", code ? code : "");
    } else {
        rc = pl_db_fail(db, err, "cannot read parks");
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_park_each(pl_db *db, int (*cb)(const pl_park *park, void *ctx), void *ctx, pl_error *err)
{
    char sql[sizeof park_select + 32];
    snprintf(sql, sizeof sql, "%s ORDER BY k.code", park_select);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_park p;
        park_from_row(st, &p);
        if ((rc = cb(&p, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read parks");
    sqlite3_finalize(st);
    return rc;
}

int pl_park_extent(pl_db *db, const char *code, double lonlat[4], int *has, pl_error *err)
{
    *has = 0;
    pl_park park;
    int rc = pl_park_get(db, code, &park, err);
    if (rc)
        return rc;
    /* the spatial index's boxes (a float superset of each parcel's): no geometry is read; the index
     * scanned in its order, each parcel looked up by its rowid (3 times faster than the other way) */
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "SELECT min(r.xmin), min(r.ymin), max(r.xmax), max(r.ymax)"
                                "  FROM idx_parcel_geom r CROSS JOIN parcel p ON p.id = r.pkid"
                                " WHERE p.park_id = ?1 AND p.status <> 'retired'", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, park.id);
    double b[4] = {0};
    int step = sqlite3_step(st), found = step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    for (int i = 0; found && i < 4; i++)
        b[i] = sqlite3_column_double(st, i);
    if (step != SQLITE_ROW)
        rc = pl_db_fail(db, err, "cannot read parks");
    sqlite3_finalize(st);
    if (rc || !found)
        return rc;
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
    if ((rc = pl_xform_open(db, db->srid, 4326, 0, &xf, err)))
        return rc;
    rc = pl_xform_points(xf, xy, n, err);
    pl_xform_free(xf);
    if (rc)
        return rc;
    double out[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t k = 0; k < n; k++) {
        out[0] = fmin(out[0], xy[2 * k]);
        out[1] = fmin(out[1], xy[2 * k + 1]);
        out[2] = fmax(out[2], xy[2 * k]);
        out[3] = fmax(out[3], xy[2 * k + 1]);
    }
    if (!(isfinite(out[0]) && isfinite(out[1]) && isfinite(out[2]) && isfinite(out[3])))
        return PL_OK;
    memcpy(lonlat, out, sizeof out);
    *has = 1;
    return PL_OK;
}

/* ---- corrections (issue 13 §2) ------------------------------------------------------------------ */

/* Set a text field of park `id` to v ("" = NULL) when v is not NULL and differs, with its
 * history row `field`: read by `read_sql` (?1 the id), written by `write_sql` (?1 the value,
 * ?2 the id); `what` names the table in messages. */
static int text_set(pl_db *db, long id, const char *code, const char *read_sql, const char *write_sql,
                    const char *field, const char *what, const char *v, const char *note, int *n, pl_error *err)
{
    if (!v)
        return PL_OK;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, read_sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    char *old = NULL;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_text(st, 0) && !(old = strdup((const char *)sqlite3_column_text(st, 0))))
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, what);
    sqlite3_finalize(st);
    const char *now = *v ? v : NULL;
    int differs = (!old || !now) ? (old || now) : strcmp(old, now) != 0;
    if (!rc && differs) {
        if (!(rc = pl_db_prepare(db, write_sql, &st, err))) {
            pl_bind_text(st, 1, now);
            sqlite3_bind_int64(st, 2, id);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = pl_db_fail(db, err, what);
            sqlite3_finalize(st);
        }
        if (!rc && !(rc = pl_history_add(db, "park", id, code, field, old, now, note, 0, err)))
            (*n)++;
    }
    free(old);
    return rc;
}

/* Column `col` of park `id` (the park row exists: no row is an error). */
static int park_set(pl_db *db, long id, const char *code, const char *col, const char *v, const char *note, int *n,
                    pl_error *err)
{
    char rd[96], wr[96];
    snprintf(rd, sizeof rd, "SELECT %s FROM park WHERE id = ?1", col);
    snprintf(wr, sizeof wr, "UPDATE park SET %s = ?1 WHERE id = ?2", col);
    return text_set(db, id, code, rd, wr, col, "cannot change park", v, note, n, err);
}

/* Field `col` of the park's contact (park_contact, created on first use; history field
 * "contact_`col`"). */
static int contact_set(pl_db *db, long id, const char *code, const char *col, const char *v, const char *note, int *n,
                       pl_error *err)
{
    char rd[96], wr[160], field[32];
    snprintf(rd, sizeof rd, "SELECT %s FROM park_contact WHERE park_id = ?1", col);
    snprintf(wr, sizeof wr, "INSERT INTO park_contact(park_id, %s) VALUES (?2, ?1) ON CONFLICT(park_id) DO UPDATE SET %s = ?1",
             col, col);
    snprintf(field, sizeof field, "contact_%s", col);
    return text_set(db, id, code, rd, wr, field, "cannot change the park's contact", v, note, n, err);
}

int pl_park_edit_contact(pl_db *db, const char *code, const char *name, const char *name_en, const char *district,
                         const pl_park_contact_edit *contact, const char *note, int *changed, pl_error *err)
{
    if (changed)
        *changed = 0;
    if (name && !*name)
        return pl_error_set(err, PL_ERR_USAGE, "park '%s' needs a name that is not empty", code ? code : "");
    if (contact && contact->email && *contact->email &&
        (!strchr(contact->email, '@') || strpbrk(contact->email, " \t\r\n")))
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not an e-mail address", contact->email);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id = 0;
    int n = 0;
    const char *nt = note && *note ? note : NULL;
    if ((rc = pl_park_find(db, code, &id, err)) || (rc = park_set(db, id, code, "name", name, nt, &n, err)) ||
        (rc = park_set(db, id, code, "name_en", name_en, nt, &n, err)) ||
        (rc = park_set(db, id, code, "district", district, nt, &n, err)))
        goto fail;
    if (contact && ((rc = contact_set(db, id, code, "name", contact->name, nt, &n, err)) ||
                    (rc = contact_set(db, id, code, "phone", contact->phone, nt, &n, err)) ||
                    (rc = contact_set(db, id, code, "address", contact->address, nt, &n, err)) ||
                    (rc = contact_set(db, id, code, "email", contact->email, nt, &n, err))))
        goto fail;
    if (!n) {
        pl_db_rollback(db); /* nothing differs: nothing written */
        return PL_OK;
    }
    if ((rc = pl_db_commit(db, err)))
        goto fail;
    if (changed)
        *changed = n;
    return PL_OK;
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_park_edit(pl_db *db, const char *code, const char *name, const char *name_en, const char *district,
                 const char *note, int *changed, pl_error *err)
{
    return pl_park_edit_contact(db, code, name, name_en, district, NULL, note, changed, err);
}

int pl_park_contact_get(pl_db *db, const char *code, pl_park_contact *out, pl_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
                           "SELECT c.name, c.phone, c.address, c.email FROM park k"
                           " LEFT JOIN park_contact c ON c.park_id = k.id WHERE k.code = ?1",
                           &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        char *dst[] = {out->name, out->phone, out->address, out->email};
        size_t len[] = {sizeof out->name, sizeof out->phone, sizeof out->address, sizeof out->email};
        for (int i = 0; i < 4; i++)
            snprintf(dst[i], len[i], "%s", sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "");
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s'", code ? code : "");
    } else {
        rc = pl_db_fail(db, err, "cannot read the park's contact");
    }
    sqlite3_finalize(st);
    return rc;
}

/* count(*) of `sql` with ?1 = id into *n. */
static int count_of(pl_db *db, const char *sql, long id, long *n, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = (long)sqlite3_column_int64(st, 0);
    else
        rc = pl_db_fail(db, err, "cannot read parks");
    sqlite3_finalize(st);
    return rc;
}

int pl_park_remove(pl_db *db, const char *code, const char *note, pl_error *err)
{
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id = 0, n = 0;
    char *summary = NULL;
    sqlite3_stmt *st = NULL;
    if ((rc = pl_park_find(db, code, &id, err)) ||
        (rc = count_of(db, "SELECT count(*) FROM parcel WHERE park_id = ?1", id, &n, err)))
        goto fail;
    if (n) {
        rc = pl_error_set(err, PL_ERR_INPUT, "park '%s' not removed: it has %ld parcel%s", code, n, n == 1 ? "" : "s");
        goto fail;
    }
    if ((rc = count_of(db, "SELECT count(*) FROM import_batch WHERE park_id = ?1", id, &n, err)))
        goto fail;
    if (n) {
        rc = pl_error_set(err, PL_ERR_INPUT, "park '%s' not removed: %ld import batch%s name it", code, n,
                          n == 1 ? "" : "es");
        goto fail;
    }
    if ((rc = pl_db_prepare(db,
                            "SELECT json_object('code', code, 'name', name, 'name_en', name_en, 'district', district,"
                            " 'created_at', created_at, 'created_by', created_by) FROM park WHERE id = ?1",
                            &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = pl_db_fail(db, err, "cannot read parks");
        goto fail;
    }
    if (!(summary = strdup((const char *)sqlite3_column_text(st, 0)))) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = pl_history_remove(db, "DELETE FROM park WHERE id = ?1", "park", id, code, summary, note, err)))
        goto fail;
    free(summary);
    return pl_db_commit(db, err);
fail:
    sqlite3_finalize(st);
    free(summary);
    pl_db_rollback(db);
    return rc;
}
