/* test_xform.c — transformations from stored PROJ pipelines agree with ST_Transform; schema 2 migration. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* PL_SCHEMA_VERSION as the text meta keeps */
#define TEXT_OF(x) #x
#define TEXT_OF_VALUE(x) TEXT_OF(x)
#define SCHEMA_VERSION_TEXT TEXT_OF_VALUE(PL_SCHEMA_VERSION)

#include "db_internal.h"
#include "parkland/code.h"
#include "schema.sql.h"
#include "testutil.h"
#include "xform.h"

/* ST_Transform of one point, through SQL. */
static void sql_transform(pl_db *db, int src, int dst, double x, double y, double *ox, double *oy)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT X(g), Y(g) FROM (SELECT ST_Transform(MakePoint(?1, ?2, ?3), ?4) AS g)",
                                    -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_double(st, 1, x);
    sqlite3_bind_double(st, 2, y);
    sqlite3_bind_int(st, 3, src);
    sqlite3_bind_int(st, 4, dst);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_neq(sqlite3_column_type(st, 0), SQLITE_NULL, "ST_Transform(%d → %d) of %.9f %.9f", src, dst, x, y);
    *ox = sqlite3_column_double(st, 0);
    *oy = sqlite3_column_double(st, 1);
    sqlite3_finalize(st);
}

/* Points over the Qingdao area in `src`: a 21 × 21 grid from lon/lat, transformed by SQL. */
static size_t grid(pl_db *db, int src, double *xy)
{
    size_t n = 0;
    for (int i = 0; i <= 20; i++)
        for (int j = 0; j <= 20; j++) {
            double lon = 119.5 + i * 0.05, lat = 35.5 + j * 0.05;
            if (src == 4326)
                xy[2 * n] = lon, xy[2 * n + 1] = lat;
            else
                sql_transform(db, 4326, src, lon, lat, &xy[2 * n], &xy[2 * n + 1]);
            n++;
        }
    return n;
}

static void check_pair(pl_db *db, int src, int dst)
{
    double xy[2 * 441], sq[2 * 441];
    size_t n = grid(db, src, xy);
    for (size_t i = 0; i < n; i++)
        sql_transform(db, src, dst, xy[2 * i], xy[2 * i + 1], &sq[2 * i], &sq[2 * i + 1]);
    pl_xform *x;
    pl_error err;
    cr_assert_eq(pl_xform_open(db, src, dst, 0, &x, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_xform_points(x, xy, n, &err), PL_OK, "%s", err.message);
    for (size_t i = 0; i < 2 * n; i++)
        cr_assert(xy[i] == sq[i], "EPSG:%d → %d, value %zu: %.12f vs ST_Transform %.12f", src, dst, i, xy[i], sq[i]);
    pl_xform_free(x);
}

Test(xform, points_equal_st_transform_bit_for_bit)
{
    pl_db *db = tu_db_new("x.db", NULL);
    pl_db_ensure_srid(db, 4528);
    pl_db_ensure_srid(db, 4490);
    check_pair(db, 4326, 4549);
    check_pair(db, 4549, 4326);
    check_pair(db, 4528, 4549);
    check_pair(db, 4490, 4549);
    check_pair(db, 4549, 4549);
    tu_db_close(db);
}

Test(xform, geometry_in_place_keeps_its_rings)
{
    pl_db *db = tu_db_new("g.db", NULL);
    pl_geom g;
    pl_geom_init(&g);
    pl_ring *shell = pl_poly_add_ring(pl_geom_add_poly(&g));
    double pts[][2] = {{120.1, 36.0}, {120.11, 36.0}, {120.11, 36.01}, {120.1, 36.0}};
    for (int i = 0; i < 4; i++)
        pl_ring_add_point(shell, pts[i][0], pts[i][1]);
    pl_poly *p2 = pl_geom_add_poly(&g);
    pl_ring_add_point(pl_poly_add_ring(p2), 120.2, 36.1);
    pl_ring_add_point(pl_poly_add_ring(p2), 120.3, 36.2);
    pl_xform *x;
    pl_error err;
    cr_assert_eq(pl_xform_open(db, 4326, 4549, 0, &x, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_xform_geom(x, &g, &err), PL_OK, "%s", err.message);
    double ex, ey;
    sql_transform(db, 4326, 4549, 120.11, 36.01, &ex, &ey);
    cr_assert(g.polys[0].rings[0].xy[4] == ex && g.polys[0].rings[0].xy[5] == ey);
    sql_transform(db, 4326, 4549, 120.3, 36.2, &ex, &ey);
    cr_assert(g.polys[1].rings[1].xy[0] == ex && g.polys[1].rings[1].xy[1] == ey);
    cr_assert_eq(g.polys[0].rings[0].n, 4);
    pl_xform_free(x);
    pl_geom_release(&g);
    tu_db_close(db);
}

Test(xform, out_of_domain_is_an_error_not_garbage)
{
    pl_db *db = tu_db_new("d.db", NULL);
    pl_xform *x;
    pl_error err;
    cr_assert_eq(pl_xform_open(db, 4326, 4549, 0, &x, &err), PL_OK, "%s", err.message);
    double xy[] = {120.1, 36.0, 300.0, 95.0};
    cr_assert_eq(pl_xform_points(x, xy, 2, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "EPSG:4326") && strstr(err.message, "EPSG:4549"), "%s", err.message);
    pl_xform_free(x);
    cr_assert_eq(pl_xform_open(db, 4326, 999999, 0, &x, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "EPSG:999999"), "%s", err.message);
    tu_db_close(db);
}

Test(xform, init_stores_the_working_pipelines_and_a_stale_row_is_ignored)
{
    pl_db *db = tu_db_new("s.db", NULL);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM crs_pipeline WHERE src_srid = 4326 AND dst_srid = 4549"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM crs_pipeline WHERE src_srid = 4549 AND dst_srid = 4326"), 1);
    cr_assert(strstr(tu_sql_text(db, "SELECT pipeline FROM crs_pipeline WHERE src_srid = 4326"), "+proj=tmerc"));
    /* a pipeline written by another PROJ version is not used */
    tu_sql_exec(db, "INSERT INTO crs_pipeline VALUES (4326, 4490, '0.0.1', '+proj=affine +xoff=1000')");
    pl_db_ensure_srid(db, 4490);
    pl_xform *x;
    pl_error err;
    cr_assert_eq(pl_xform_open(db, 4326, 4490, 1, &x, &err), PL_OK, "%s", err.message);
    double xy[] = {120.1, 36.0};
    cr_assert_eq(pl_xform_points(x, xy, 1, &err), PL_OK, "%s", err.message);
    cr_assert(fabs(xy[0] - 120.1) < 1e-9 && fabs(xy[1] - 36.0) < 1e-9, "%.9f %.9f", xy[0], xy[1]);
    pl_xform_free(x);
    /* store = 1 wrote the current version's row beside the stale one */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM crs_pipeline WHERE src_srid = 4326 AND dst_srid = 4490"), 2);
    tu_db_close(db);
}

/* Replace `from` (which must be there) by `to` in the parcel table's definition, as SQLite's
 * procedure for changing a constraint does: writable schema, the schema cookie bumped, the
 * schema read again. */
static void replace_in_parcel_definition(sqlite3 *h, const char *from, const char *to)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA schema_version", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long cookie = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    cr_assert_eq(sqlite3_exec(h, "PRAGMA writable_schema = ON", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(h, "UPDATE sqlite_schema SET sql = replace(sql, ?1, ?2)"
                                       " WHERE type = 'table' AND name = 'parcel' AND instr(sql, ?1) > 0",
                                    -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    cr_assert_eq(sqlite3_changes(h), 1, "'%s' is not in the parcel table's definition", from);
    sqlite3_finalize(st);
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA schema_version = %ld; PRAGMA writable_schema = RESET;", cookie + 1);
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
}

/* the parcel table as schema 1 and 2 wrote it: status IN (list) */
static void put_back_status_in_list(pl_db *db)
{
    replace_in_parcel_definition(db->h, PL_PARCEL_STATUS_CHECK_V3, PL_PARCEL_STATUS_CHECK_V1);
}

/* the version a file says it has (meta and user_version) */
/* what schema 5 added, taken away (a file written before it) */
#define UNDO_SCHEMA_5 "ALTER TABLE import_batch DROP COLUMN undone_at; ALTER TABLE import_batch DROP COLUMN undone_by;"
/* what schema 6 added (the lead's park), taken away */
#define UNDO_SCHEMA_6 "ALTER TABLE lead DROP COLUMN park_id;"

/* what schema 7 added, taken away */
#define UNDO_SCHEMA_7 "ALTER TABLE parcel DROP COLUMN entered_on; ALTER TABLE project_parcel DROP COLUMN reclaimed_on;"

static void mark_schema_version(sqlite3 *h, int version)
{
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE meta SET value = '%d' WHERE key = 'schema_version'; PRAGMA user_version = %d;",
             version, version);
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
}

/* how many ephemeral tables the program of `sql` opens */
static int ephemeral_tables_of(pl_db *db, const char *sql)
{
    sqlite3_stmt *st;
    char explain[512];
    snprintf(explain, sizeof explain, "EXPLAIN %s", sql);
    cr_assert_eq(sqlite3_prepare_v2(db->h, explain, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db->h));
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        n += !strcmp((const char *)sqlite3_column_text(st, 1), "OpenEphemeral");
    sqlite3_finalize(st);
    return n;
}

Test(xform, schema_1_database_is_migrated_on_open)
{
    char path[1024];
    pl_db *db = tu_db_new("m.db", path);
    tu_sql_exec(db, "DROP TABLE park_datum_shift"); /* as before schema 4 */
    tu_sql_exec(db, UNDO_SCHEMA_5);
    tu_sql_exec(db, UNDO_SCHEMA_6);
    tu_sql_exec(db, UNDO_SCHEMA_7);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "P-1", "available", 500000, 500100, 3990000, 3990100);
    /* make it a schema 1 file, as every database written before this change */
    put_back_status_in_list(db);
    tu_sql_exec(db, "DROP TABLE crs_pipeline; DROP INDEX parcel_status_area;"
                    "CREATE INDEX parcel_status ON parcel(status);");
    mark_schema_version(db->h, 1);
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_str_eq(tu_sql_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), SCHEMA_VERSION_TEXT);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'park_datum_shift'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'parcel_status_area'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'parcel_status'"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM crs_pipeline"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'P-1'"), 1);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

/* Schema 3 states parcel.status's CHECK as comparisons: a write of a parcel
 * builds no ephemeral table for it. A schema 2 file is rewritten on open, its
 * rows kept, and the check still refuses an unknown status. */
Test(xform, schema_2_database_gets_the_status_check_without_a_list)
{
    char path[1024];
    pl_db *db = tu_db_new("m3.db", path);
    tu_sql_exec(db, "DROP TABLE park_datum_shift"); /* as before schema 4 */
    tu_sql_exec(db, UNDO_SCHEMA_5);
    tu_sql_exec(db, UNDO_SCHEMA_6);
    tu_sql_exec(db, UNDO_SCHEMA_7);
    tu_park_qdip(db);
    long id = tu_add_rect(db, "QDIP", "P-1", "available", 500000, 500100, 3990000, 3990100);
    char upd[128]; /* by rowid: a WHERE on another column has an ephemeral table of its own (the rows to update) */
    snprintf(upd, sizeof upd, "UPDATE parcel SET status = 'reserved' WHERE id = %ld", id);
    cr_assert_eq(ephemeral_tables_of(db, upd), 0);
    put_back_status_in_list(db);
    cr_assert_eq(ephemeral_tables_of(db, upd), 1); /* what schema 2 cost */
    mark_schema_version(db->h, 2);
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_str_eq(tu_sql_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), SCHEMA_VERSION_TEXT);
    cr_assert_eq(ephemeral_tables_of(db, upd), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'P-1' AND status = 'available'"), 1);
    tu_sql_exec(db, upd);
    cr_assert_eq(sqlite3_exec(db->h, "UPDATE parcel SET status = 'sold' WHERE id = 1", NULL, NULL, NULL),
                 SQLITE_CONSTRAINT_CHECK);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    pl_db_close(db);
    /* and a new connection reads the same definition */
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(sqlite3_exec(db->h, "UPDATE parcel SET status = 'sold' WHERE id = 1", NULL, NULL, NULL),
                 SQLITE_CONSTRAINT_CHECK);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'reserved'"), 1);
    tu_db_close(db);
}

/* Schema 4 adds park_datum_shift (a park's 7 parameters of an old datum): a
 * schema 3 file gets the table on open, its rows kept. */
Test(xform, schema_3_database_gets_the_park_datum_table)
{
    char path[1024];
    pl_db *db = tu_db_new("m5.db", path);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "P-1", "available", 500000, 500100, 3990000, 3990100);
    tu_sql_exec(db, "DROP TABLE park_datum_shift");
    tu_sql_exec(db, UNDO_SCHEMA_5);
    tu_sql_exec(db, UNDO_SCHEMA_6);
    tu_sql_exec(db, UNDO_SCHEMA_7);
    mark_schema_version(db->h, 3);
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_str_eq(tu_sql_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), SCHEMA_VERSION_TEXT);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM park_datum_shift"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'P-1'"), 1);
    /* the CHECK refuses a datum that is not one of the two */
    cr_assert_eq(sqlite3_exec(db->h, "INSERT INTO park_datum_shift VALUES (1, 'Tokyo', '0,0,0,0,0,0,0', NULL, 'x', 'y')",
                              NULL, NULL, NULL), SQLITE_CONSTRAINT_CHECK);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

/* Schema 5 (issue 13) marks an undone import batch: a schema 4 file gets the
 * two columns on open, its batches kept and standing (NULL). */
Test(xform, schema_4_database_gets_the_batch_undo_columns)
{
    char path[1024];
    pl_db *db = tu_db_new("m6.db", path);
    tu_park_qdip(db);
    tu_sql_exec(db, "INSERT INTO import_batch(file, sha256, format, target_srid, imported_at, imported_by)"
                    " VALUES ('a.txt', 'x', 'txt', 4549, '2026-01-01T00:00:00Z', 'me')");
    tu_sql_exec(db, UNDO_SCHEMA_5);
    tu_sql_exec(db, UNDO_SCHEMA_6);
    tu_sql_exec(db, UNDO_SCHEMA_7);
    mark_schema_version(db->h, 4);
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_str_eq(tu_sql_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), SCHEMA_VERSION_TEXT);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch WHERE file = 'a.txt'"
                                  " AND undone_at IS NULL AND undone_by IS NULL"), 1);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

/* Schema 7 (issue 13): parcel.entered_on (import --date) and project_parcel.reclaimed_on
 * (pl_parcel_reclaim): a schema 5 file gets both on open, NULL, its rows kept; a file that
 * has them already is left as it is. */
Test(xform, schema_5_database_gets_entered_on_and_reclaimed_on)
{
    char path[1024];
    pl_db *db = tu_db_new("m7.db", path);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "P-1", "available", 500000, 500100, 3990000, 3990100);
    tu_sql_exec(db, UNDO_SCHEMA_6);
    tu_sql_exec(db, UNDO_SCHEMA_7);
    mark_schema_version(db->h, 5);
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_str_eq(tu_sql_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), SCHEMA_VERSION_TEXT);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'P-1' AND entered_on IS NULL"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project_parcel WHERE reclaimed_on IS NULL"), 0);
    mark_schema_version(db->h, 6); /* the columns there already: not added again */
    pl_db_close(db);
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

/* Schema 13: a parcel code without its park is found through the index
 * parcel_code, not by a walk over every parcel's (park_id, code); a schema 8
 * file gets the index on open. */
Test(xform, schema_8_database_gets_the_parcel_code_index)
{
    char path[1024];
    pl_db *db = tu_db_new("m13.db", path);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "P-1", "available", 500000, 500100, 3990000, 3990100);
    tu_sql_exec(db, "DROP INDEX parcel_code");
    mark_schema_version(db->h, 8);
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'parcel_code'"), 1);
    /* the form of pl_code_resolve's lookup (src/code.c) and of the parcel reads */
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "EXPLAIN QUERY PLAN"
                                           " SELECT DISTINCT p.code FROM parcel p JOIN park k ON k.id = p.park_id"
                                           " WHERE (?2 IS NULL OR k.code = ?2) AND (p.code = ?1) ORDER BY p.code",
                                    -1, &st, NULL), SQLITE_OK);
    char plan[512] = "";
    while (sqlite3_step(st) == SQLITE_ROW)
        snprintf(plan + strlen(plan), sizeof plan - strlen(plan), "%s; ", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    cr_assert(strstr(plan, "INDEX parcel_code") && !strstr(plan, "SCAN p"), "%s", plan);
    char *code = NULL;
    cr_assert_eq(pl_code_resolve(db, PL_CODE_PARCEL, NULL, "P-1", &code, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(code, "P-1");
    free(code);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

/* Schema 15: match's counters (match_generation) and the triggers that move
 * them, added to a schema 14 file; a write of a table match reads moves its
 * counter, a lead added or moved to another stage moves none. */
Test(xform, schema_14_database_gets_the_match_counters)
{
    char path[1024];
    pl_db *db = tu_db_new("m15.db", path);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "P-1", "available", 500000, 500100, 3990000, 3990100);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE"
                                           " 'match\\_gen\\_%' ESCAPE '\\'", -1, &st, NULL), SQLITE_OK);
    char drop[4096] = "DROP TABLE match_generation;";
    int triggers = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(drop + strlen(drop), sizeof drop - strlen(drop), " DROP TRIGGER %s;", sqlite3_column_text(st, 0));
        triggers++;
    }
    sqlite3_finalize(st);
    cr_assert_eq(triggers, 14);
    tu_sql_exec(db, drop);
    mark_schema_version(db->h, 14);
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM match_generation WHERE gen = 0"), 5);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'match_gen%'"),
                 14);
    tu_add_rect(db, "QDIP", "P-2", "available", 500200, 500300, 3990000, 3990100);
    tu_sql_exec(db, "UPDATE parcel SET name = 'n' WHERE code = 'P-1'"); /* not a column match keeps */
    tu_sql_exec(db, "INSERT INTO lead(code, company, industry, stage, stage_date, created_at, updated_at)"
                    " VALUES ('L', 'c', 'it', 'new', '2024-01-01', 'x', 'x');"
                    " UPDATE lead SET stage = 'visited' WHERE code = 'L';");
    cr_assert_gt(tu_sql_count(db, "SELECT gen FROM match_generation WHERE name = 'parcel'"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT sum(gen) FROM match_generation WHERE name <> 'parcel'"), 0);
    long g = tu_sql_count(db, "SELECT gen FROM match_generation WHERE name = 'parcel'");
    tu_sql_exec(db, "UPDATE parcel SET status = 'reserve' WHERE code = 'P-1'");
    cr_assert_eq(tu_sql_count(db, "SELECT gen FROM match_generation WHERE name = 'parcel'"), g + 1);
    tu_sql_exec(db, "UPDATE lead SET industry = 'equipment' WHERE code = 'L'");
    cr_assert_eq(tu_sql_count(db, "SELECT gen FROM match_generation WHERE name = 'lead'"), 1);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

/* A parcel table that is not as parkland wrote it is not rewritten: the open
 * is refused with the reason, and the file stays at schema 2. */
Test(xform, schema_2_database_with_a_foreign_parcel_check_is_refused)
{
    char path[1024];
    pl_db *db = tu_db_new("m4.db", path);
    put_back_status_in_list(db);
    replace_in_parcel_definition(db->h, ",'retired'", "");
    mark_schema_version(db->h, 2);
    cr_assert_null(strstr(tu_sql_text(db, "SELECT sql FROM sqlite_schema WHERE name = 'parcel'"), "retired"));
    pl_db_close(db);
    pl_error err;
    cr_assert_neq(pl_db_open(path, &db, &err), PL_OK);
    cr_assert(strstr(err.message, "cannot upgrade") && strstr(err.message, "schema version 3") &&
              strstr(err.message, "status check differs"), "%s", err.message);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(h);
}


typedef struct open_job {
    const char *path;
    int rc;
    char message[2048];
} open_job;

static void *open_in_thread(void *arg)
{
    open_job *j = arg;
    pl_db *db = NULL;
    pl_error err;
    pl_error_clear(&err);
    j->rc = pl_db_open(j->path, &db, &err);
    snprintf(j->message, sizeof j->message, "%s", err.message);
    pl_db_close(db);
    return NULL;
}

/* Two processes open a schema 2 file at once: the second waits for the first's
 * upgrade and then finds it done, instead of upgrading again (which failed:
 * "the parcel table is not as parkland wrote it"). The first is a plain SQLite
 * connection holding the write lock while the library's open waits for it. */
Test(xform, an_upgrade_done_meanwhile_by_another_connection_is_not_done_again)
{
    char path[1024];
    pl_db *db = tu_db_new("race.db", path);
    tu_sql_exec(db, "DROP TABLE park_datum_shift"); /* as before schema 4 */
    tu_sql_exec(db, UNDO_SCHEMA_5);
    tu_sql_exec(db, UNDO_SCHEMA_6);
    tu_sql_exec(db, UNDO_SCHEMA_7);
    put_back_status_in_list(db);
    mark_schema_version(db->h, 2);
    pl_db_close(db);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    open_job job = {path, -1, ""};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, open_in_thread, &job), 0);
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL); /* the open has read version 2 and waits for the lock */
    replace_in_parcel_definition(h, PL_PARCEL_STATUS_CHECK_V1, PL_PARCEL_STATUS_CHECK_V3);
    mark_schema_version(h, 3);
    cr_assert_eq(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    sqlite3_close(h);
    cr_assert_eq(pthread_join(t, NULL), 0);
    cr_assert_eq(job.rc, PL_OK, "%s", job.message);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

Test(db, page_cache_for_long_lived_connections)
{
    pl_db *db = tu_db_new("c.db", NULL);
    pl_error err;
    cr_assert_eq(pl_db_set_cache_mb(db, 64, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA cache_size"), -65536);
    cr_assert_eq(pl_db_set_cache_mb(db, 0, &err), PL_ERR_USAGE);
    cr_assert_eq(pl_db_set_cache_mb(db, 5000, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "5000"), "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA cache_size"), -65536);
    tu_db_close(db);
}
