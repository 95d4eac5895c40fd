/* parcel.c — reading parcels: list and show. */
#include "parkland/parcel.h"

#include "db_internal.h"
#include "vocab.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const pl_parcel_status_ids[] = {PL_VOCAB_STATUSES(PL_VOCAB_ID) NULL};

const char *pl_parcel_status_zh(const char *id)
{
    return pl_vocab_zh(PL_VOCAB_STATUS, id);
}

const char *pl_parcel_status_en(const char *id)
{
    return pl_vocab_en(PL_VOCAB_STATUS, id);
}

const char *pl_parcel_status_parse(const char *s)
{
    return pl_vocab_parse_id(PL_VOCAB_STATUS, s);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static const char parcel_select[] =
    "SELECT p.id, k.code, p.code, p.name, p.land_use, p.land_use_code, p.status, p.status_date,"
    "       p.area_m2, p.declared_area_m2, p.batch_id, p.attrs,"
    "       ST_NumGeometries(p.geom), ST_NPoints(p.geom),"
    "       (SELECT total(NumInteriorRings(ST_GeometryN(p.geom, n.value)))"
    "          FROM (WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c"
    "                WHERE value < ST_NumGeometries(p.geom)) SELECT value FROM c) n),"
    "       %s"
    "  FROM parcel p JOIN park k ON k.id = p.park_id";

static void row_from_stmt(sqlite3_stmt *st, pl_parcel_row *r, int with_wkt)
{
    memset(r, 0, sizeof *r);
    r->id = (long)sqlite3_column_int64(st, 0);
    r->park = col_text(st, 1);
    r->code = col_text(st, 2);
    r->name = col_text(st, 3);
    r->land_use = col_text(st, 4);
    r->land_use_code = col_text(st, 5);
    r->status = col_text(st, 6);
    r->status_date = col_text(st, 7);
    r->area_m2 = sqlite3_column_double(st, 8);
    r->declared_area_m2 = sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
    r->batch_id = (long)sqlite3_column_int64(st, 10);
    r->attrs_json = col_text(st, 11);
    r->parts = sqlite3_column_int(st, 12);
    r->vertices = sqlite3_column_int(st, 13);
    r->holes = sqlite3_column_int(st, 14);
    r->wkt = with_wkt ? col_text(st, 15) : NULL;
}

int pl_parcel_each(pl_db *db, const pl_parcel_filter *filter,
                   int (*cb)(const pl_parcel_row *row, void *ctx), void *ctx, pl_error *err)
{
    char sql[2048];
    int n = snprintf(sql, sizeof sql, parcel_select, "NULL");
    snprintf(sql + n, sizeof sql - (size_t)n,
             " WHERE (?1 IS NULL OR k.code = ?1)"
             "   AND (p.status = ?2 OR (?2 IS NULL AND p.status <> 'retired'))"
             " ORDER BY k.code, p.code");
    if (filter && filter->status && !pl_parcel_status_parse(filter->status))
        return pl_error_set(err, PL_ERR_USAGE, "unknown status '%s'", filter->status);
    if (filter && filter->park) {
        sqlite3_stmt *chk;
        int rc = pl_db_prepare(db, "SELECT 1 FROM park WHERE code = ?1", &chk, err);
        if (rc)
            return rc;
        pl_bind_text(chk, 1, filter->park);
        int found = sqlite3_step(chk) == SQLITE_ROW;
        sqlite3_finalize(chk);
        if (!found)
            return pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s'", filter->park);
    }
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, filter ? filter->park : NULL);
    pl_bind_text(st, 2, filter ? pl_parcel_status_parse(filter->status) : NULL);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_parcel_row r;
        row_from_stmt(st, &r, 0);
        if ((rc = cb(&r, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read parcels");
    sqlite3_finalize(st);
    return rc;
}

int pl_parcel_find(pl_db *db, const char *park, const char *code, long *id, char *park_out, size_t plen,
                   pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare_kept(db,
        "SELECT p.id, k.code FROM parcel p JOIN park k ON k.id = p.park_id"
        " WHERE p.code = ?1 AND (?2 IS NULL OR k.code = ?2) ORDER BY k.code", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    pl_bind_text(st, 2, park);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = (long)sqlite3_column_int64(st, 0);
        char first[64];
        snprintf(first, sizeof first, "%s", (const char *)sqlite3_column_text(st, 1));
        if (park_out)
            snprintf(park_out, plen, "%s", first);
        if (sqlite3_step(st) == SQLITE_ROW)
            rc = pl_error_set(err, PL_ERR_USAGE, "parcel code '%s' exists in parks '%s' and '%s'; name one with --park",
                              code, first, (const char *)sqlite3_column_text(st, 1));
    } else if (step == SQLITE_DONE) {
        rc = park ? pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s' in park '%s'", code, park)
                  : pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s'", code ? code : "");
    } else {
        rc = pl_db_fail(db, err, "cannot read parcels");
    }
    pl_db_kept_done(db, st);
    return rc;
}

int pl_parcel_get(pl_db *db, const char *park, const char *code,
                  int (*cb)(const pl_parcel_row *row, void *ctx), void *ctx, pl_error *err)
{
    char sql[2048];
    int n = snprintf(sql, sizeof sql, parcel_select, "ST_AsText(p.geom)");
    snprintf(sql + n, sizeof sql - (size_t)n, " WHERE p.code = ?1 AND (?2 IS NULL OR k.code = ?2) ORDER BY k.code");
    sqlite3_stmt *st;
    int rc = pl_db_prepare_kept(db, sql, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    pl_bind_text(st, 2, park);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = park ? pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s' in park '%s'", code, park)
                  : pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s'", code);
    } else if (step != SQLITE_ROW) {
        rc = pl_db_fail(db, err, "cannot read parcel");
    } else {
        pl_parcel_row r;
        row_from_stmt(st, &r, 1);
        char first_park[64];
        snprintf(first_park, sizeof first_park, "%s", r.park ? r.park : "");
        if (!park && sqlite3_step(st) == SQLITE_ROW) {
            rc = pl_error_set(err, PL_ERR_USAGE, "parcel code '%s' exists in parks '%s' and '%s'; name one with --park",
                              code, first_park, col_text(st, 1));
        } else {
            sqlite3_reset(st);
            if (sqlite3_step(st) == SQLITE_ROW) {
                row_from_stmt(st, &r, 1);
                rc = cb(&r, ctx);
            }
        }
    }
    pl_db_kept_done(db, st);
    return rc;
}
