/* check.c — read-only checks of a parkland database. */
#include "parkland/check.h"

#include "db_internal.h"
#include "geom.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Overlaps and area differences below these are survey noise, as on import. */
#define CHECK_OVERLAP_M2 1.0
#define CHECK_AREA_M2 0.01

typedef struct checker {
    pl_db *db;
    int (*cb)(const pl_check_problem *p, void *ctx);
    void *ctx;
    pl_check_summary *sum;
    pl_error *err;
} checker;

static int report(checker *c, const char *check, const char *subject, const char *detail)
{
    c->sum->problems++;
    pl_check_problem p = {check, subject, detail};
    return c->cb ? c->cb(&p, c->ctx) : 0;
}

/* Rows of a pragma that answers "ok" when all is well. */
static int check_integrity(checker *c)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(c->db, "PRAGMA integrity_check", &st, c->err);
    if (rc)
        return rc;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if (s && strcmp(s, "ok"))
            rc = report(c, "integrity", "database", s);
    }
    sqlite3_finalize(st);
    return rc;
}

static int check_foreign_keys(checker *c)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(c->db, "PRAGMA foreign_key_check", &st, c->err);
    if (rc)
        return rc;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        char subject[160], detail[256];
        snprintf(subject, sizeof subject, "%s row %lld", (const char *)sqlite3_column_text(st, 0),
                 (long long)sqlite3_column_int64(st, 1));
        snprintf(detail, sizeof detail, "refers to a missing %s row", (const char *)sqlite3_column_text(st, 2));
        rc = report(c, "foreign_key", subject, detail);
    }
    sqlite3_finalize(st);
    return rc;
}

static int check_spatial_index(checker *c)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(c->db, "SELECT CheckSpatialIndex('parcel', 'geom'),"
                                  " (SELECT count(*) FROM idx_parcel_geom),"
                                  " (SELECT count(*) FROM parcel WHERE geom IS NOT NULL)", &st, c->err);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        long in_index = (long)sqlite3_column_int64(st, 1), rows = (long)sqlite3_column_int64(st, 2);
        if (sqlite3_column_type(st, 0) != SQLITE_NULL && sqlite3_column_int(st, 0) != 1) {
            char d[160];
            snprintf(d, sizeof d, "the R*Tree does not match the parcels (%ld entries, %ld parcels); "
                     "spatial queries may miss parcels", in_index, rows);
            rc = report(c, "spatial_index", "parcel.geom", d);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Each parcel: valid geometry, stored area equal to the geometry's, right CRS. */
static int check_parcels(checker *c)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(c->db,
        "SELECT k.code, p.code, p.area_m2, ST_AsBinary(p.geom), ST_SRID(p.geom) FROM parcel p"
        " JOIN park k ON k.id = p.park_id ORDER BY k.code, p.code", &st, c->err);
    if (rc)
        return rc;
    GEOSContextHandle_t g = c->db->geos;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        c->sum->parcels++;
        char subject[300], detail[1200];
        snprintf(subject, sizeof subject, "parcel %s/%s", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
        if (sqlite3_column_type(st, 3) != SQLITE_BLOB) {
            rc = report(c, "geometry", subject, "no geometry");
            continue;
        }
        if (sqlite3_column_int(st, 4) != c->db->srid) {
            snprintf(detail, sizeof detail, "geometry in EPSG:%d, the database works in EPSG:%d",
                     sqlite3_column_int(st, 4), c->db->srid);
            if ((rc = report(c, "crs", subject, detail)))
                break;
        }
        GEOSGeometry *geom = pl_geos_from_wkb(g, sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3));
        if (!geom) {
            rc = report(c, "geometry", subject, "unreadable geometry");
            continue;
        }
        char why[1024];
        double x, y;
        if (pl_geos_validate(g, geom, why, sizeof why, &x, &y) == 0) {
            snprintf(detail, sizeof detail, "invalid: %s at E %.3f N %.3f", why, x, y);
            rc = report(c, "geometry", subject, detail);
        } else {
            double stored = sqlite3_column_double(st, 2), actual = pl_geos_area(g, geom);
            if (fabs(stored - actual) > CHECK_AREA_M2) {
                snprintf(detail, sizeof detail, "stored area %.2f m² but the geometry measures %.2f m²", stored,
                         actual);
                rc = report(c, "area", subject, detail);
            }
        }
        GEOSGeom_destroy_r(g, geom);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Pairs of live parcels overlapping by more than CHECK_OVERLAP_M2, candidates
 * from the R*Tree (each pair once: a.id < b.id): "overlap" within a park,
 * "park_overlap" across two parks (the same land held by both: a park's
 * parcels imported into another), with the share of the smaller parcel. */
static int check_overlaps(checker *c)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(c->db,
        /* CROSS JOINs fix the loops: each parcel, its R*Tree box, the boxes that meet
         * it, their parcels by rowid. (With b joined on park_id, SQLite walked the
         * (park_id, code) index — every parcel of the park for each parcel.) The
         * ORDER BY gives the order that plan had. */
        "SELECT k.code, a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)), kb.code, b.park_id = a.park_id,"
        "       min(a.area_m2, b.area_m2)"
        "  FROM parcel a CROSS JOIN idx_parcel_geom r ON r.pkid = a.id"
        "  CROSS JOIN idx_parcel_geom r2 ON r2.xmin <= r.xmax AND r2.xmax >= r.xmin"
        "   AND r2.ymin <= r.ymax AND r2.ymax >= r.ymin"
        "  CROSS JOIN parcel b ON b.id = r2.pkid"
        "  JOIN park k ON k.id = a.park_id JOIN park kb ON kb.id = b.park_id"
        " WHERE b.id > a.id AND b.status <> 'retired' AND a.status <> 'retired'"
        "   AND ST_IsValid(a.geom) = 1 AND ST_IsValid(b.geom) = 1 AND ST_Intersects(a.geom, b.geom) = 1"
        " ORDER BY a.id, b.code", &st, c->err);
    if (rc)
        return rc;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        double a = sqlite3_column_double(st, 3);
        if (!(a > CHECK_OVERLAP_M2))
            continue;
        char subject[300], detail[400];
        snprintf(subject, sizeof subject, "parcel %s/%s", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
        if (sqlite3_column_int(st, 5)) {
            snprintf(detail, sizeof detail, "overlaps parcel '%s' by %.2f m²", (const char *)sqlite3_column_text(st, 2),
                     a);
            rc = report(c, "overlap", subject, detail);
        } else {
            double smaller = sqlite3_column_double(st, 6);
            snprintf(detail, sizeof detail, "overlaps parcel '%s' of park '%s' by %.2f m² (%.1f %% of the smaller)%s",
                     (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 4), a,
                     smaller > 0 ? fmin(100.0 * a / smaller, 100.0) : 0.0,
                     smaller > 0 && a >= 0.99 * smaller ? ": the same land in two parks" : "");
            rc = report(c, "park_overlap", subject, detail);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_check_database(pl_db *db, int (*cb)(const pl_check_problem *p, void *ctx), void *ctx,
                      pl_check_summary *summary, pl_error *err)
{
    pl_check_summary local;
    if (!summary)
        summary = &local;
    memset(summary, 0, sizeof *summary);
    checker c = {db, cb, ctx, summary, err};
    int (*const checks[])(checker *) = {check_integrity, check_foreign_keys, check_spatial_index, check_parcels,
                                        check_overlaps};
    /* one read transaction: every check sees the same state */
    int rc = pl_db_exec(db, "BEGIN", err);
    if (rc)
        return rc;
    for (size_t i = 0; i < sizeof checks / sizeof *checks && !rc; i++) {
        rc = checks[i](&c);
        summary->checks++;
    }
    pl_db_exec(db, "COMMIT", NULL);
    return rc;
}
