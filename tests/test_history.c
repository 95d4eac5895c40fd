/* test_history.c — the history of parcels, leads, projects and parks: a row per
 * operation, in order, with who, when, old, new and note; and 'parkland history'. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/history.h"
#include "parkland/import.h"
#include "parkland/indicators.h"
#include "parkland/lifecycle.h"
#include "parkland/park.h"
#include "testutil.h"

#define CODE "XHA-2024-017"

static pl_db *db;
static char dbpath[1024];

/* The example parcel widened by 10 m (61 400 m² with its hole). */
static const char wider_txt[] =
    "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n"
    "[地块坐标]\n"
    "10,6.1400,XHA-2024-017,中德生态园标准地A-17,面,,工业用地,0601,@\n"
    "J1,1,3985700.000,40509000.000\nJ2,1,3985700.000,40509310.000\nJ3,1,3985500.000,40509310.000\n"
    "J4,1,3985500.000,40509000.000\nJ1,1,3985700.000,40509000.000\n"
    "J5,2,3985630.000,40509100.000\nJ6,2,3985630.000,40509120.000\nJ7,2,3985600.000,40509120.000\n"
    "J8,2,3985600.000,40509100.000\nJ5,2,3985630.000,40509100.000\n";

static void import_file(const char *park, const char *path, pl_on_conflict on_conflict)
{
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = park;
    o.on_conflict = on_conflict;
    o.allow_overlap = 1; /* the same file in a second park: the same land in two parks */
    tu_import_with(db, path, &o);
}

static void setup(void)
{
    db = tu_db_new("hist.db", dbpath);
    pl_db_set_user(db, "carol");
    tu_park_qdip(db);
    import_file("QDIP", TEST_DATA_DIR "/txt/example_utf8.txt", PL_CONFLICT_FAIL);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(history, .init = setup, .fini = teardown);

#define MAXROWS 64
typedef struct rows {
    size_t n;
    char field[MAXROWS][48], old[MAXROWS][96], new[MAXROWS][96], who[MAXROWS][32], note[MAXROWS][128];
    char effective[MAXROWS][16], at[MAXROWS][32];
    long id[MAXROWS];
    size_t old_len[MAXROWS];
} rows;

static int collect(const pl_history_row *r, void *vctx)
{
    rows *c = vctx;
    if (c->n >= MAXROWS)
        return 0;
    size_t i = c->n++;
    c->id[i] = r->id;
    snprintf(c->field[i], sizeof c->field[i], "%s", r->field);
    snprintf(c->old[i], sizeof c->old[i], "%s", r->old_value ? r->old_value : "∅");
    snprintf(c->new[i], sizeof c->new[i], "%s", r->new_value ? r->new_value : "∅");
    snprintf(c->who[i], sizeof c->who[i], "%s", r->who);
    snprintf(c->note[i], sizeof c->note[i], "%s", r->note ? r->note : "");
    snprintf(c->effective[i], sizeof c->effective[i], "%s", r->effective ? r->effective : "");
    snprintf(c->at[i], sizeof c->at[i], "%s", r->at);
    c->old_len[i] = r->old_value ? strlen(r->old_value) : 0;
    return 0;
}

static rows *history_of(const char *entity, const char *park, const char *code)
{
    static rows r;
    memset(&r, 0, sizeof r);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_history_each(db, entity, park, code, collect, &r, &err), PL_OK, "%s", err.message);
    return &r;
}

Test(history, a_row_per_operation_in_order)
{
    pl_error err;
    pl_error_clear(&err);
    /* indicators (2 fields), a status move, a reservation, a release, a forced move, an import update */
    pl_indicators ch;
    pl_indicators_init(&ch);
    pl_indicators_put_number(&ch, PL_IND_INVESTMENT_INTENSITY, 300);
    pl_indicators_put_number(&ch, PL_IND_TAX_PER_MU, 25);
    cr_assert_eq(pl_parcel_indicators_set(db, NULL, CODE, &ch, "标准地 notice", NULL, NULL, &err), PL_OK);
    pl_status_options o = {.date = "2025-03-01", .note = "ready"};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "available", &o, NULL, &err), PL_OK, "%s", err.message);
    pl_status_options r = {.date = "2025-03-02", .expires = "2025-04-01"};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "reserved", &r, NULL, &err), PL_OK, "%s", err.message);
    pl_db_set_user(db, "dave");
    pl_status_options f = {.date = "2025-03-03", .note = "court order", .force = 1};
    cr_assert_eq(pl_parcel_set_status(db, NULL, CODE, "construction", &f, NULL, &err), PL_OK, "%s", err.message);
    const char *path = tu_tmp("wider.txt");
    tu_write_file(path, wider_txt, (size_t)-1);
    import_file("QDIP", path, PL_CONFLICT_UPDATE);

    rows *h = history_of("parcel", NULL, CODE);
    static const char *const want[][4] = {
        /* field, old, new, note (prefix) */
        {"created", "∅", "reserve", "import batch 1: "},
        {"investment_intensity", "∅", "300", "标准地 notice"},
        {"tax_per_mu", "∅", "25", "标准地 notice"},
        {"status", "reserve", "available", "ready"},
        {"status", "available", "reserved", ""},
        {"reservation", "∅", "until 2025-04-01", ""},
        {"status", "reserved", "construction", "forced: court order"},
        {"reservation", "until 2025-04-01", "∅", "released on 2025-03-03 (→ construction)"},
        {"geometry", "MULTIPOLYGON(((509000 3985700", "MULTIPOLYGON (((509000 3985700", "import batch 2: "},
        {"area_m2", "59400.00", "61400.00", "import batch 2: "},
    };
    size_t n = sizeof want / sizeof *want;
    cr_assert_eq(h->n, n, "%zu rows", h->n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(h->field[i], want[i][0], "row %zu", i);
        cr_assert(!strncmp(h->old[i], want[i][1], strlen(want[i][1])), "row %zu old '%s'", i, h->old[i]);
        cr_assert(!strncmp(h->new[i], want[i][2], strlen(want[i][2])), "row %zu new '%s'", i, h->new[i]);
        cr_assert(!strncmp(h->note[i], want[i][3], strlen(want[i][3])), "row %zu note '%s'", i, h->note[i]);
        cr_assert_eq(strlen(h->at[i]), 20);
        if (i)
            cr_assert_gt(h->id[i], h->id[i - 1]);
    }
    cr_assert_str_eq(h->who[0], "carol");
    cr_assert_str_eq(h->who[5], "carol");
    cr_assert_str_eq(h->who[6], "dave");
    cr_assert_str_eq(h->effective[3], "2025-03-01");
    cr_assert_str_eq(h->effective[6], "2025-03-03");
    cr_assert_str_eq(h->effective[1], "");
    /* the whole geometry is kept */
    cr_assert_gt(h->old_len[8], 90);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'geometry' AND old_value LIKE '%))'"
                                  " AND length(old_value) > 90"), 1);
}

Test(history, parks_leads_projects_and_missing_entities)
{
    pl_error err;
    pl_error_clear(&err);
    rows *h = history_of("park", NULL, "QDIP");
    cr_assert_eq(h->n, 1);
    cr_assert_str_eq(h->field[0], "created");
    cr_assert_str_eq(h->new[0], "示范园区");
    /* lead and project rows as their modules write them */
    tu_sql_exec(db, "INSERT INTO lead(code, company, stage_date, created_at, updated_at) VALUES"
                    " ('L-7', '博世', '2025-01-01', '2025-01-01', '2025-01-01')");
    long lead = tu_sql_count(db, "SELECT id FROM lead WHERE code = 'L-7'");
    tu_sql_exec(db, "INSERT INTO project(code, lead_id, signed_on, created_at, updated_at) VALUES"
                    " ('P-7', (SELECT id FROM lead WHERE code = 'L-7'), '2025-05-01', '2025-05-01', '2025-05-01')");
    long project = tu_sql_count(db, "SELECT id FROM project WHERE code = 'P-7'");
    cr_assert_eq(pl_history_add(db, "lead", lead, "L-7", "created", NULL, "new", NULL, 0, &err), PL_OK);
    cr_assert_eq(pl_history_add(db, "lead", lead, "L-7", "stage", "new", "signed", "contract", 0, &err), PL_OK);
    cr_assert_eq(pl_history_add(db, "project", project, "P-7", "created", NULL, "signed", NULL, 0, &err), PL_OK);
    h = history_of("lead", NULL, "L-7");
    cr_assert_eq(h->n, 2);
    cr_assert_str_eq(h->field[1], "stage");
    cr_assert_str_eq(h->old[1], "new");
    cr_assert_str_eq(h->new[1], "signed");
    cr_assert_str_eq(h->note[1], "contract");
    h = history_of("project", "IGNORED", "P-7");
    cr_assert_eq(h->n, 1);
    cr_assert_str_eq(h->new[0], "signed");

    rows r;
    memset(&r, 0, sizeof r);
    cr_assert_eq(pl_history_each(db, "lead", NULL, "L-404", collect, &r, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no lead 'L-404'");
    cr_assert_eq(pl_history_each(db, "parcel", "QDIP", "NOPE", collect, &r, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no parcel 'NOPE' in park 'QDIP'");
    cr_assert_eq(pl_history_each(db, "building", NULL, "X", collect, &r, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "history of what? parcel, lead, project or park, not 'building'");
    cr_assert_eq(r.n, 0);

    /* the same code in two parks: --park chooses */
    cr_assert_eq(pl_park_add(db, "JMIP", "即墨园区", NULL, NULL, NULL, &err), PL_OK);
    import_file("JMIP", TEST_DATA_DIR "/txt/example_utf8.txt", PL_CONFLICT_FAIL);
    cr_assert_eq(pl_history_each(db, "parcel", NULL, CODE, collect, &r, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "parcel code 'XHA-2024-017' exists in parks 'JMIP' and 'QDIP'; name one with --park");
    h = history_of("parcel", "JMIP", CODE);
    cr_assert_eq(h->n, 1);
    cr_assert(strstr(h->note[0], "import batch 2"), "%s", h->note[0]);

    /* a parcel gone from the table is still found by the code in its history */
    tu_sql_exec(db, "DELETE FROM parcel WHERE park_id = (SELECT id FROM park WHERE code = 'JMIP')");
    h = history_of("parcel", NULL, CODE);
    cr_assert_eq(h->n, 1);
    cr_assert(strstr(h->note[0], "import batch 1"), "%s", h->note[0]);
}

/* ---- command line ---------------------------------------------------------- */

static char *out, *errout;

static void cli_fini(void)
{
    tu_outputs_free(&out, &errout);
    teardown();
}

TestSuite(history_cli, .init = setup, .fini = cli_fini);

Test(history_cli, history_contract)
{
    const char *path = tu_tmp("wider.txt");
    tu_write_file(path, wider_txt, (size_t)-1);
    import_file("QDIP", path, PL_CONFLICT_UPDATE);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT old_value, new_value FROM history WHERE field = 'geometry'", -1, &st,
                                    NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    char *old_wkt = strdup((const char *)sqlite3_column_text(st, 0));
    char *new_wkt = strdup((const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    pl_db_close(db);
    db = NULL;

    setenv("PARKLAND_USER", "tester", 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status " CODE " available --force --note 'no indicators yet'"
                                               " --date 2025-04-01"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel " CODE), 0, "%s", errout);
    cr_assert(strstr(out, "parcel XHA-2024-017: 4 changes"), "%s", out);
    cr_assert(strstr(out, "recorded at") && strstr(out, "who") && strstr(out, "old") && !strstr(out, "操作人"), "%s", out);
    char summary[128];
    snprintf(summary, sizeof summary, "MULTIPOLYGON … (%zu chars)", strlen(old_wkt));
    cr_assert(strstr(out, summary), "'%s' not in %s", summary, out);
    snprintf(summary, sizeof summary, "MULTIPOLYGON … (%zu chars)", strlen(new_wkt));
    cr_assert(strstr(out, summary), "'%s' not in %s", summary, out);
    cr_assert(!strstr(out, old_wkt), "the table shows the whole geometry");
    cr_assert(strstr(out, "2025-04-01") && strstr(out, "forced: no indicators yet") && strstr(out, "tester"),
              "%s", out);
    /* csv and json carry the full text */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel " CODE " --format csv --keys"), 0, "%s", errout);
    cr_assert(strstr(out, "at,effective,who,field,old,new,note,batch\r\n"), "%s", out);
    cr_assert(strstr(out, old_wkt) && strstr(out, new_wkt), "%s", out);
    cr_assert(strstr(out, ",2025-04-01,tester,status,reserve,available,forced: no indicators yet,\r\n"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel " CODE " --format json --park QDIP"), 0, "%s", errout);
    cr_assert(strstr(out, old_wkt) && strstr(out, "\"field\": \"geometry\"") && strstr(out, "\"effective\": null"),
              "%s", out);
    cr_assert(strstr(out, "\"effective\": \"2025-04-01\""), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history park QDIP"), 0, "%s", errout);
    cr_assert(strstr(out, "park QDIP: 1 change"), "%s", out);
    /* refused (1) and usage (2) */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel NOPE"), 1);
    cr_assert(strstr(errout, "no parcel 'NOPE'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history lead L-1"), 1);
    cr_assert(strstr(errout, "no lead 'L-1'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel " CODE " --park JMIP"), 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history building X"), 2);
    cr_assert(strstr(errout, "not 'building'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel " CODE " --format xml"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel " CODE " extra"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history --help"), 0);
    cr_assert(strstr(out, "parcel|lead|project"), "%s", out);
    free(old_wkt);
    free(new_wkt);
}
