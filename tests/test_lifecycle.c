/* test_lifecycle.c — parcel status moves: every legal move, illegal ones refused
 * with the legal list and the database unchanged, forced moves, reservations,
 * and the 'parcel status' command line. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "lifecycle.h"
#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/indicators.h"
#include "parkland/lifecycle.h"
#include "parkland/parcel.h"
#include "parkland/park.h"
#include "testutil.h"

#define CODE "XHA-2024-017"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("life.db", dbpath);
    pl_db_set_user(db, "alice");
    tu_park_qdip(db);
    tu_import(db, TEST_DATA_DIR "/txt/example_utf8.txt", "QDIP");
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(lifecycle, .init = setup, .fini = teardown);

static void give_indicators(void)
{
    pl_indicators ch;
    pl_indicators_init(&ch);
    pl_indicators_put_number(&ch, PL_IND_INVESTMENT_INTENSITY, 300);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_indicators_set(db, "QDIP", CODE, &ch, NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
}

static int move(const char *to, const char *date, const char *note, int force, pl_error *err)
{
    pl_status_options o = {.date = date, .note = note, .force = force};
    pl_error_clear(err);
    return pl_parcel_set_status(db, NULL, CODE, to, &o, NULL, err);
}

static void must_move(const char *to, const char *date)
{
    pl_error err;
    cr_assert_eq(move(to, date, NULL, 0, &err), PL_OK, "→ %s on %s: %s", to, date, err.message);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM parcel WHERE code = '%s' AND status = '%s' AND status_date = '%s'",
             CODE, to, date);
    cr_assert_eq(tu_sql_count(db, sql), 1, "parcel is not %s since %s", to, date);
}

/* The design table, written out independently of lifecycle.c. */
static const char *const statuses[] = {"reserve", "available", "reserved", "listed", "transferred",
                                       "construction", "production", "verified", "idle"};
static const char *const legal_pairs[] = {
    "reserve>available",        "available>reserved",      "available>listed",    "available>reserve",
    "reserved>available",       "reserved>listed",         "reserved>transferred", "listed>transferred",
    "listed>available",         "transferred>construction", "transferred>idle",    "construction>production",
    "construction>idle",        "production>verified",     "idle>construction",   "idle>reserve",
    "idle>available"};
#define NLEGAL (sizeof legal_pairs / sizeof *legal_pairs)

static int in_table(const char *from, const char *to)
{
    char key[64];
    snprintf(key, sizeof key, "%s>%s", from, to);
    for (size_t i = 0; i < NLEGAL; i++)
        if (!strcmp(legal_pairs[i], key))
            return 1;
    return 0;
}

Test(lifecycle, legality_is_exactly_the_design_table)
{
    int legal = 0;
    for (size_t a = 0; a < 9; a++)
        for (size_t b = 0; b < 9; b++) {
            int want = in_table(statuses[a], statuses[b]);
            cr_assert_eq(pl_parcel_status_is_legal(statuses[a], statuses[b]), want, "%s → %s", statuses[a],
                         statuses[b]);
            cr_assert_eq(pl_parcel_move_is_legal(statuses[a], statuses[b]), want);
            legal += want;
        }
    cr_assert_eq(legal, (int)NLEGAL);
    cr_assert_eq(pl_parcel_status_next("verified")[0], NULL);
    cr_assert_null(pl_parcel_status_next("nonsense"));
    cr_assert_eq(pl_parcel_status_is_legal("reserve", "retired"), 0);
    cr_assert_eq(pl_parcel_status_is_legal("nonsense", "available"), 0);
}

Test(lifecycle, full_lifecycle_through_every_legal_move)
{
    give_indicators();
    /* one walk that uses all 17 legal moves: idle paths and reclaims included */
    static const char *const walk[] = {
        "available", "reserve", "available", "reserved", "available", "listed", "available", "reserved",
        "listed", "transferred", "idle", "reserve", "available", "reserved", "transferred", "construction",
        "idle", "available", "listed", "transferred", "construction", "idle", "construction", "production",
        "verified"};
    size_t n = sizeof walk / sizeof *walk;
    int used[NLEGAL] = {0};
    const char *from = "reserve";
    char date[16];
    for (size_t i = 0; i < n; i++) {
        snprintf(date, sizeof date, "2025-01-%02zu", i + 2);
        must_move(walk[i], date);
        char key[64];
        snprintf(key, sizeof key, "%s>%s", from, walk[i]);
        for (size_t k = 0; k < NLEGAL; k++)
            if (!strcmp(legal_pairs[k], key))
                used[k] = 1;
        from = walk[i];
    }
    for (size_t k = 0; k < NLEGAL; k++)
        cr_assert(used[k], "legal move %s not exercised", legal_pairs[k]);
    /* one history row per move, in order, with old, new, effective date and who */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel'"
                                  " AND field = 'status'"), (long)n);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT old_value, new_value, effective, who, note FROM history"
                                           " WHERE field = 'status' ORDER BY id", -1, &st, NULL), SQLITE_OK);
    from = "reserve";
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        snprintf(date, sizeof date, "2025-01-%02zu", i + 2);
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), from);
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 1), walk[i]);
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 2), date);
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 3), "alice");
        cr_assert_eq(sqlite3_column_type(st, 4), SQLITE_NULL);
        from = walk[i];
    }
    sqlite3_finalize(st);
    /* three reservations, each released on the day the parcel left 'reserved' */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation"), 3);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation WHERE released_on IS NULL"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation WHERE reserved_on = '2025-01-05'"
                                  " AND released_on = '2025-01-06' AND expires_on = '2025-04-05'"
                                  " AND lead_id IS NULL"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation WHERE reserved_on = '2025-01-15'"
                                  " AND released_on = '2025-01-16'"), 1);
    /* verified is final: nothing is legal any more */
    pl_error err;
    cr_assert_eq(move("idle", "2025-02-01", NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "parcel 'XHA-2024-017' is verified 达产; it may go to: none 无 (verified is final 终态)"
                                  " (not idle 闲置; 不允许的状态变更, --force --note TEXT overrides)");
}

/* Try `to` from the current status: refused, the legal list named, nothing written. */
static void refuse(const char *from, const char *to, const char *legal)
{
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    cr_assert_eq(move(to, "2025-06-01", "try", 0, &err), PL_ERR_INPUT, "%s → %s was allowed", from, to);
    char want[512];
    snprintf(want, sizeof want, "parcel 'XHA-2024-017' is %s ", from);
    cr_assert(strstr(err.message, want), "%s", err.message);
    snprintf(want, sizeof want, "; it may go to: %s (not %s ", legal, to);
    cr_assert(strstr(err.message, want), "%s → %s: '%s' lacks '%s'", from, to, err.message, want);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after, "%s → %s changed the database", from, to);
    free(before);
    free(after);
}

static int count_parcel(const pl_parcel_row *r, void *ud)
{
    (void)r;
    ++*(int *)ud;
    return 0;
}

/* A status is given by its id, its Chinese or its English label (base/vocab.h); the id is stored. */
Test(lifecycle, status_by_any_of_its_names)
{
    give_indicators();
    pl_error err;
    cr_assert_eq(move("可供", "2025-01-10", NULL, 0, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'available'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'status' AND new_value = 'available'"),
                 1);
    cr_assert_eq(move("LISTED", "2025-01-11", NULL, 0, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'listed'"), 1);
    cr_assert_eq(move("Transferred", "2025-01-12", NULL, 0, &err), PL_OK, "%s", err.message);
    cr_assert_eq(move("已注销", "2025-01-13", NULL, 0, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "'retired'"), "%s", err.message);
    cr_assert_eq(move("出让", "2025-01-13", NULL, 0, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "unknown status '出让'"), "%s", err.message);
    /* the list filter takes the same names */
    int n = 0;
    pl_parcel_filter f = {.status = "已出让"};
    cr_assert_eq(pl_parcel_each(db, &f, count_parcel, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 1);
    f.status = "transferred ";
    cr_assert_eq(pl_parcel_each(db, &f, count_parcel, &n, &err), PL_ERR_USAGE);
}

Test(lifecycle, illegal_moves_are_refused_with_the_legal_list_and_nothing_changes)
{
    give_indicators();
    int tried = 0;
    refuse("reserve", "reserved", "available 可供"), tried++;
    refuse("reserve", "listed", "available 可供"), tried++;
    refuse("reserve", "transferred", "available 可供"), tried++;
    refuse("reserve", "verified", "available 可供"), tried++;
    refuse("reserve", "idle", "available 可供"), tried++;
    must_move("available", "2025-02-01");
    refuse("available", "transferred", "reserved 预留, listed 挂牌, reserve 储备"), tried++;
    refuse("available", "construction", "reserved 预留, listed 挂牌, reserve 储备"), tried++;
    must_move("reserved", "2025-02-02");
    refuse("reserved", "reserve", "available 可供, listed 挂牌, transferred 已出让"), tried++;
    refuse("reserved", "idle", "available 可供, listed 挂牌, transferred 已出让"), tried++;
    must_move("listed", "2025-02-03");
    refuse("listed", "reserved", "transferred 已出让, available 可供"), tried++;
    refuse("listed", "construction", "transferred 已出让, available 可供"), tried++;
    must_move("transferred", "2025-02-04");
    refuse("transferred", "available", "construction 在建, idle 闲置"), tried++;
    refuse("transferred", "production", "construction 在建, idle 闲置"), tried++;
    must_move("construction", "2025-02-05");
    refuse("construction", "verified", "production 投产, idle 闲置"), tried++;
    refuse("construction", "reserve", "production 投产, idle 闲置"), tried++;
    must_move("idle", "2025-02-06");
    refuse("idle", "production", "construction 在建, reserve 储备, available 可供"), tried++;
    refuse("idle", "listed", "construction 在建, reserve 储备, available 可供"), tried++;
    must_move("construction", "2025-02-07");
    must_move("production", "2025-02-08");
    refuse("production", "idle", "verified 达产"), tried++;
    refuse("production", "construction", "verified 达产"), tried++;
    cr_assert_geq(tried, 10);
    /* the exact message, once in full */
    pl_error err;
    cr_assert_eq(move("available", NULL, NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "parcel 'XHA-2024-017' is production 投产; it may go to: verified 达产"
                                  " (not available 可供; 不允许的状态变更, --force --note TEXT overrides)");
    /* the same status and unknown ones */
    cr_assert_eq(move("production", NULL, NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "parcel 'XHA-2024-017' is already production 投产");
    cr_assert_eq(move("sold", NULL, NULL, 0, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "unknown status 'sold'"), "%s", err.message);
    cr_assert_eq(move("retired", NULL, "x", 1, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "'retired' is set by 'parcel split' and 'parcel merge' only"), "%s", err.message);
}

Test(lifecycle, forced_move_needs_a_note_and_is_recorded)
{
    give_indicators();
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    cr_assert_eq(move("transferred", "2025-03-01", NULL, 1, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "a forced status change needs a note (--note TEXT) saying why");
    cr_assert_eq(move("transferred", "2025-03-01", "", 1, &err), PL_ERR_USAGE);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
    pl_status_options o = {.date = "2025-03-01", .note = "contract signed before the import", .force = 1};
    pl_status_result res;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_set_status(db, "QDIP", CODE, "transferred", &o, &res, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(res.from, "reserve");
    cr_assert_str_eq(res.to, "transferred");
    cr_assert_str_eq(res.date, "2025-03-01");
    cr_assert_eq(res.forced, 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'status' AND old_value = 'reserve'"
                                  " AND new_value = 'transferred'"
                                  " AND note = 'forced: contract signed before the import'"
                                  " AND effective = '2025-03-01' AND who = 'alice'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'transferred'"
                                  " AND status_date = '2025-03-01'"),
                 1);
}

Test(lifecycle, available_needs_indicators_unless_forced)
{
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    cr_assert_eq(move("available", "2025-03-01", NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "parcel 'XHA-2024-017' has no standard-land indicators 标准地控制指标 yet; set them"
                                  " with 'parkland parcel indicators XHA-2024-017 --investment-intensity X …'"
                                  " before making it available");
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
    cr_assert_eq(move("available", "2025-03-01", "indicators follow next week", 1, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'status' AND new_value = 'available'"
                                  " AND note = 'forced: indicators follow next week'"), 1);
    /* with indicators set, the plain move is legal */
    must_move("reserve", "2025-03-02");
    give_indicators();
    must_move("available", "2025-03-03");
}

Test(lifecycle, reservation_with_lead_expiry_and_release)
{
    give_indicators();
    must_move("available", "2025-03-01");
    tu_sql_exec(db, "INSERT INTO lead(code, company, stage, stage_date, created_at, updated_at) VALUES"
                    " ('L-001', '西门子', 'intent', '2025-02-01', '2025-02-01', '2025-02-01'),"
                    " ('L-002', '流失公司', 'lost', '2025-02-01', '2025-02-01', '2025-02-01')");
    pl_error err;
    char *before = tu_db_snapshot(dbpath);
    pl_status_options o = {.date = "2025-03-10", .lead = "L-404"};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "reserved", &o, NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no lead 'L-404' (see 'parkland lead list')");
    o.lead = "L-002";
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "reserved", &o, NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'L-002' is lost 流失; parcel 'XHA-2024-017' cannot be reserved for it");
    o.lead = "L-001";
    o.expires = "2025-03-10";
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "reserved", &o, NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "the reservation of parcel 'XHA-2024-017' would expire on 2025-03-10, not after its"
                                  " date 2025-03-10");
    o.expires = "2025-02-30";
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "reserved", &o, NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "'2025-02-30' is not a date (YYYY-MM-DD, a real calendar day)");
    pl_status_options bad = {.date = "2025-03-10", .lead = "L-001"};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "listed", &bad, NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "--lead and --expires only apply when moving to 'reserved' 预留");
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);

    o.expires = "2025-06-30";
    o.note = "site visit in April";
    pl_status_result res;
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "reserved", &o, &res, &err), PL_OK, "%s", err.message);
    cr_assert_gt(res.reservation_id, 0);
    cr_assert_str_eq(res.expires, "2025-06-30");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation r JOIN lead l ON l.id = r.lead_id"
                                  " WHERE l.code = 'L-001' AND r.reserved_on = '2025-03-10'"
                                  " AND r.expires_on = '2025-06-30' AND r.released_on IS NULL"
                                  " AND r.note = 'site visit in April'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'reservation' AND old_value IS NULL"
                                  " AND new_value = 'lead L-001 until 2025-06-30' AND effective = '2025-03-10'"), 1);
    /* leaving 'reserved' releases it */
    pl_status_options l = {.date = "2025-04-20"};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "listed", &l, &res, &err), PL_OK, "%s", err.message);
    cr_assert_gt(res.released_id, 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation WHERE released_on = '2025-04-20'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'reservation'"
                                  " AND old_value = 'lead L-001 until 2025-06-30' AND new_value IS NULL"
                                  " AND note = 'released on 2025-04-20 (→ listed)' AND effective = '2025-04-20'"), 1);
    /* default expiry: PL_RESERVATION_DEFAULT_DAYS (90) days after the date */
    must_move("available", "2025-04-21");
    pl_status_options d = {.date = "2025-03-01"};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "reserved", &d, &res, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(res.expires, "2025-05-30");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation WHERE lead_id IS NULL"
                                  " AND reserved_on = '2025-03-01' AND expires_on = '2025-05-30'"
                                  " AND released_on IS NULL"), 1);
}

Test(lifecycle, dates_are_real_calendar_days)
{
    give_indicators();
    pl_error err;
    static const char *const bad[] = {"2025-02-29", "2025-13-01", "2025-1-01", "20250301", "2025-04-31", "yesterday"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(move("available", bad[i], NULL, 0, &err), PL_ERR_USAGE, "%s", bad[i]);
        cr_assert(strstr(err.message, "is not a date"), "%s", err.message);
    }
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'status'"), 0);
    must_move("available", "2024-02-29");
}

Test(lifecycle, internal_move_in_the_callers_transaction)
{
    long id = tu_sql_count(db, "SELECT id FROM parcel WHERE code = '" CODE "'");
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_begin(db, &err), PL_OK);
    cr_assert_eq(pl_parcel_move(db, id, "listed", "2025-05-01", NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_eq(pl_parcel_move(db, id, "retired", "2025-05-01", "split into A and B", 1, &err), PL_OK, "%s",
                 err.message);
    pl_db_rollback(db); /* nothing stays */
    cr_assert_str_eq(tu_sql_text(db, "SELECT status FROM parcel WHERE code = '" CODE "'"), "reserve");
    cr_assert_eq(pl_db_begin(db, &err), PL_OK);
    cr_assert_eq(pl_parcel_move(db, id, "retired", "2025-05-01", "split into A and B", 1, &err), PL_OK);
    cr_assert_eq(pl_db_commit(db, &err), PL_OK);
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE field = 'status'"), "forced: split into A and B");
    /* a retired parcel never moves again, even forced */
    cr_assert_eq(move("available", NULL, "undo", 1, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "parcel 'XHA-2024-017' is retired 已注销 (split or merged); its status cannot change");
    cr_assert_eq(pl_parcel_move(db, 999999, "available", NULL, NULL, 0, &err), PL_ERR_NOTFOUND);
}

Test(lifecycle, parcel_codes_resolve_by_park)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "JMIP", "即墨园区", NULL, "即墨", NULL, &err), PL_OK, "%s", err.message);
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = "JMIP";
    o.allow_overlap = 1; /* the same land in a second park */
    pl_import_result r;
    cr_assert_eq(pl_import_parcels(db, TEST_DATA_DIR "/txt/example_utf8.txt", &o, &r, &err), PL_OK, "%s",
                 err.message);
    pl_import_result_release(&r);
    pl_status_options so = {.date = "2025-03-01", .note = "n", .force = 1};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "available", &so, NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "parcel code 'XHA-2024-017' exists in parks 'JMIP' and 'QDIP'; name one with --park");
    cr_assert_eq(pl_parcel_set_status(db, "JMIP", CODE, "available", &so, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id"
                                  " WHERE k.code = 'JMIP' AND p.status = 'available'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id"
                                  " WHERE k.code = 'QDIP' AND p.status = 'reserve'"), 1);
    cr_assert_eq(pl_parcel_set_status(db, "NOPE", CODE, "available", &so, NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no parcel 'XHA-2024-017' in park 'NOPE'");
}

/* ---- command line ---------------------------------------------------------- */

static char *out, *errout;

static void cli_fini(void)
{
    tu_outputs_free(&out, &errout);
    teardown();
}

TestSuite(lifecycle_cli, .init = setup, .fini = cli_fini);

Test(lifecycle_cli, parcel_status_contract)
{
    pl_db_close(db); /* the CLI works on the file */
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status --help"), 0);
    cr_assert(strstr(out, "--force") && strstr(out, "--expires") && strstr(out, "90 days"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE), 0, "%s", errout);
    cr_assert(strstr(out, "reserve 储备 since") && strstr(out, "may go to: available 可供"), "%s", out);
    /* refused: illegal (1), no indicators (1), unknown parcel (1) */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " listed"), 1);
    cr_assert(strstr(errout, "parcel 'XHA-2024-017' is reserve 储备; it may go to: available 可供"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " available --date 2025-03-01"), 1);
    cr_assert(strstr(errout, "parcel indicators XHA-2024-017"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status NOPE available"), 1);
    cr_assert(strstr(errout, "no parcel 'NOPE'"), "%s", errout);
    /* usage (2) */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " sold"), 2);
    cr_assert(strstr(errout, "unknown status 'sold'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " available --force"), 2);
    cr_assert(strstr(errout, "--force needs --note"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " available --date 2025-02-30"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " available --frobnicate"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " listed --lead L-1"), 2);
    /* done (0) */
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "parcel indicators " CODE " --investment-intensity 300"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "parcel status " CODE " available --date 2025-03-01 --note 'net land ready'"), 0, "%s",
                 errout);
    cr_assert(strstr(out, "parcel XHA-2024-017 (park QDIP): reserve 储备 → available 可供 on 2025-03-01"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "parcel status " CODE " reserved --date 2025-03-05 --expires 2025-04-05"), 0, "%s",
                 errout);
    cr_assert(strstr(out, "reserved until 2025-04-05"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "parcel status " CODE " construction --park QDIP --force --note 'court order'"), 0,
                        "%s", errout);
    cr_assert(strstr(out, "reserved 预留 → construction 在建") && strstr(out, "forced") &&
              strstr(out, "reservation released"), "%s", out);
    cr_assert_eq(tu_rerun(&out, &errout,
                          "sqlite3 '%s' \"SELECT note FROM history WHERE field = 'status' ORDER BY id DESC LIMIT 1\"",
                     dbpath), 0);
    cr_assert_str_eq(out, "forced: court order\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel --help"), 0);
    cr_assert(strstr(out, "status") && strstr(out, "indicators") && strstr(out, "standard-land indicators"), "%s", out);
}
