/* test_db_kept.c — what a long-lived connection keeps between calls (db_kept.c, xform.c's
 * caches per pair, crs.c's memo, pl_db_set_mmap_mb): kept, the answers stay those of a fresh
 * connection. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/export.h"
#include "parkland/park.h"

#include "crs.h"
#include "db_internal.h"
#include "testutil.h"
#include "xform.h"

#define ONE_SQL "SELECT count(*) FROM park WHERE code <> ?1"

Test(kept, the_same_text_gets_the_same_statement_back_reset)
{
    pl_db *db = tu_db_new("k.db", NULL);
    tu_park_qdip(db);
    pl_error err;
    sqlite3_stmt *a, *b, *nested;
    cr_assert_eq(pl_db_prepare_kept(db, ONE_SQL, &a, &err), PL_OK, "%s", err.message);
    pl_bind_text(a, 1, "X");
    cr_assert_eq(sqlite3_step(a), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(a, 0), 1, "QDIP is not 'X'");
    /* in use: the same text asked again (a nested call) gets a statement of its own */
    cr_assert_eq(pl_db_prepare_kept(db, ONE_SQL, &nested, &err), PL_OK, "%s", err.message);
    cr_assert_neq(nested, a);
    pl_db_kept_done(db, nested); /* not kept: finalized */
    pl_db_kept_done(db, a);
    cr_assert_eq(sqlite3_stmt_busy(a), 0, "given back, the statement is reset");
    cr_assert_eq(pl_db_prepare_kept(db, ONE_SQL, &b, &err), PL_OK, "%s", err.message);
    cr_assert_eq(b, a, "the kept statement is handed out again");
    cr_assert_eq(sqlite3_bind_parameter_count(b), 1);
    cr_assert_eq(sqlite3_step(b), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(b, 0), 0, "bindings cleared: NULL, so no row counts");
    pl_db_kept_done(db, b);
    tu_db_close(db);
}

Test(kept, a_write_by_another_connection_is_seen_after_the_statement_is_given_back)
{
    char path[1024];
    pl_db *db = tu_db_new("w.db", path);
    pl_db *other;
    pl_error err;
    cr_assert_eq(pl_db_open(path, &other, &err), PL_OK, "%s", err.message);
    sqlite3_stmt *st;
    for (int round = 0; round < 2; round++) {
        cr_assert_eq(pl_db_prepare_kept(db, "SELECT count(*) FROM park", &st, &err), PL_OK, "%s", err.message);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        cr_assert_eq(sqlite3_column_int(st, 0), round, "round %d", round);
        pl_db_kept_done(db, st);
        /* no read transaction left open by the kept statement: the other connection writes,
         * the next call sees it */
        char code[8];
        snprintf(code, sizeof code, "KP%d", round);
        cr_assert_eq(pl_park_add(other, code, "保留测试园区", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    }
    pl_db_close(other);
    tu_db_close(db);
}

Test(kept, the_least_recently_used_goes_when_all_slots_are_taken)
{
    pl_db *db = tu_db_new("l.db", NULL);
    pl_error err;
    sqlite3_stmt *st, *zero = NULL;
    char sql[64];
    for (int i = 0; i <= PL_KEPT_STMTS; i++) {
        /* before the last text: "SELECT 0" asked again, so "SELECT 1" is the least recently used */
        if (i == PL_KEPT_STMTS) {
            cr_assert_eq(pl_db_prepare_kept(db, "SELECT 0", &st, &err), PL_OK, "%s", err.message);
            cr_assert_eq(st, zero, "still kept");
            pl_db_kept_done(db, st);
        }
        snprintf(sql, sizeof sql, "SELECT %d", i);
        cr_assert_eq(pl_db_prepare_kept(db, sql, &st, &err), PL_OK, "%s", err.message);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        cr_assert_eq(sqlite3_column_int(st, 0), i);
        if (!i)
            zero = st;
        pl_db_kept_done(db, st);
    }
    int kept = 0, has[PL_KEPT_STMTS + 1] = {0};
    for (int i = 0; i < PL_KEPT_STMTS; i++)
        if (db->kept[i].sql) {
            kept++;
            has[atoi(db->kept[i].sql + 7)] = 1;
        }
    cr_assert_eq(kept, PL_KEPT_STMTS);
    cr_assert(has[0], "\"SELECT 0\", used again, is kept");
    cr_assert_not(has[1], "\"SELECT 1\", the least recently used, was finalized for \"SELECT %d\"", PL_KEPT_STMTS);
    cr_assert(has[PL_KEPT_STMTS]);
    tu_db_close(db); /* valgrind/ASan: every kept statement finalized */
}

/* Two transformations used in turn on one connection (a map of a lon/lat box: the box one
 * way, the parcels the other) give what each gives alone. */
Test(kept, alternating_transformations_keep_their_own_cache_and_results)
{
    pl_db *db = tu_db_new("x.db", NULL);
    pl_error err;
    pl_xform *to, *back;
    cr_assert_eq(pl_xform_open(db, 4326, 4549, 0, &to, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_xform_open(db, 4549, 4326, 0, &back, &err), PL_OK, "%s", err.message);
    double alone[2] = {120.3, 36.1};
    cr_assert_eq(pl_xform_points(to, alone, 1, &err), PL_OK, "%s", err.message);
    for (int i = 0; i < 3; i++) {
        double p[2] = {120.3, 36.1};
        cr_assert_eq(pl_xform_points(to, p, 1, &err), PL_OK, "%s", err.message);
        cr_assert(p[0] == alone[0] && p[1] == alone[1]);
        cr_assert_eq(pl_xform_points(back, p, 1, &err), PL_OK, "%s", err.message);
        cr_assert(fabs(p[0] - 120.3) < 1e-9 && fabs(p[1] - 36.1) < 1e-9, "round trip %d: %.12f %.12f", i, p[0], p[1]);
    }
    int caches = 0;
    for (int i = 0; i < PL_KEPT_XFORMS; i++)
        caches += db->kept_xf[i].cache != NULL;
    cr_assert_eq(caches, 2, "one cache per direction");
    pl_xform_free(to);
    pl_xform_free(back);
    tu_db_close(db);
}

Test(kept, area_of_use_asked_twice_answers_the_same)
{
    double a[4], b[4];
    char na[128], nb[128];
    cr_assert_eq(pl_crs_area_of_use(4549, a, na, sizeof na), 0);
    cr_assert_eq(pl_crs_area_of_use(4549, b, nb, sizeof nb), 0);
    cr_assert_str_eq(na, nb);
    cr_assert(strstr(na, "CGCS2000"), "%s", na);
    cr_assert(memcmp(a, b, sizeof a) == 0);
    cr_assert(a[0] > 118 && a[2] < 123, "EPSG:4549 is the zone of 120°E: %f–%f", a[0], a[2]);
    cr_assert_eq(pl_crs_area_of_use(999999, b, nb, sizeof nb), -1, "an unknown code stays unknown when asked again");
    cr_assert_eq(pl_crs_area_of_use(999999, b, nb, sizeof nb), -1);
}

Test(kept, memory_map_size_is_checked_and_set)
{
    pl_db *db = tu_db_new("m.db", NULL);
    pl_error err;
    cr_assert_eq(pl_db_set_mmap_mb(db, 64, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA mmap_size"), 64L << 20);
    cr_assert_eq(pl_db_set_mmap_mb(db, -1, &err), PL_ERR_USAGE);
    cr_assert_eq(pl_db_set_mmap_mb(db, PL_MMAP_MB_MAX + 1, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "memory map"), "%s", err.message);
    cr_assert_eq(pl_db_set_mmap_mb(db, 0, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA mmap_size"), 0);
    tu_db_close(db);
}

/* A KML export (rows by map class through an SQL function of the export) leaves the
 * connection's kept statements prepared: registering a function on every export had expired
 * them all, and each was parsed again on its next use. */
Test(kept, an_export_by_class_keeps_the_kept_statements)
{
    pl_db *db = tu_db_new("e.db", NULL);
    tu_park_qdip(db);
    pl_error err;
    sqlite3_stmt *st;
    cr_assert_eq(pl_db_prepare_kept(db, ONE_SQL, &st, &err), PL_OK, "%s", err.message);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    pl_db_kept_done(db, st);
    for (int i = 0; i < 2; i++) {
        pl_export_options o;
        pl_export_options_init(&o);
        o.format = PL_EXPORT_KML;
        pl_export_result res;
        cr_assert_eq(pl_export_file(db, &o, tu_tmp("e.kml"), 1, &res, &err), PL_OK, "%s", err.message);
    }
    sqlite3_stmt *again;
    cr_assert_eq(pl_db_prepare_kept(db, ONE_SQL, &again, &err), PL_OK, "%s", err.message);
    cr_assert_eq(again, st);
    cr_assert_eq(sqlite3_step(again), SQLITE_ROW);
    cr_assert_eq(sqlite3_stmt_status(again, SQLITE_STMTSTATUS_REPREPARE, 0), 0,
                 "the kept statement was not expired by the exports");
    pl_db_kept_done(db, again);
    tu_db_close(db);
}
