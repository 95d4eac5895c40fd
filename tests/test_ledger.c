/* test_ledger.c — the stock ledger (存量土地台账, parkland/ledger.h): a park built
 * for the test with parcels in every category, counts and 亩 computed by hand,
 * as-of dates that move parcels between categories, the approval record
 * (parcel edit --approval-doc --approved-on, schema 14), the map theme in a
 * GeoJSON export, and the CLI's text, CSV and JSON.
 *
 * Park QDIP, every parcel 100 m wide (15 亩 = 10000 m² = 100 m × 100 m):
 *   code  亩    status        project (signed)  facts                                      on 2026-06-30
 *   R1    15    reserve       —                 —                                          储备
 *   R2    7.5   available     —                 no approval                                其他
 *   B1    30    available     —                 approved 2025-03-01 (CLI)                  批而未供
 *   B2    15    reserve       —                 approved 2025-01-01                        批而未供
 *   S1    15    reserved →    P1 2025-01-01     approved 2025-06-01; land actual           供而未用
 *                 transferred 2026-03-01       2026-03-01, not started                     (批而未供 before)
 *   U1    22.5  construction  P2 2023-01-01     started 2024-06-01, not completed          用而未尽
 *   U2    15    production    P3 2019-01-01     producing 2020; inspection 2026-05-01 60 %  用而未尽 (其他 before)
 *   I1    15    idle          P4 2022-01-01     idle case confirmed 2026-01-10             闲置
 *   E1    15    production    P5 2019-01-01     2025 tax 1 万元/亩: graded D (3rd of 3)     低效
 *   E2    15    production    P6 2019-01-01     2025 tax 10 < committed 20 万元/亩 (B)      低效
 *   G1    15    production    P7 2019-01-01     2025 tax 30 万元/亩 (A), nothing committed  其他
 * 2026-06-30 by hand: 批而未供 2 / 45 亩, 供而未用 1 / 15, 用而未尽 2 / 37.5, 闲置 1 / 15,
 * 低效 2 / 30, 储备 1 / 15, 其他 2 / 22.5; all 11 parcels, 180 亩.
 * The 亩均 grades of 2025 (below size: sales < 2000 万元, ranked by tax per mu
 * alone, mid-rank percentile = (rank − ½) ÷ 3; this city's cut_c is 80): G1 16.7 % A,
 * E2 50 % B, E1 83.3 % D. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/export.h"
#include "parkland/ledger.h"
#include "parkland/parcel_fix.h"
#include "parkland/report.h"
#include "db_internal.h"
#include "style.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];
static char *out, *errs;
static pl_report *rep;

#define MU(m) ((m) * 100.0 / 15.0) /* the height in m of a 100 m wide parcel of m 亩 */

static void rect(const char *code, const char *status, double mu, int slot)
{
    double x0 = 500000 + 200.0 * slot;
    tu_add_rect(db, "QDIP", code, status, x0, x0 + 100, 3990000, 3990000 + MU(mu));
}

static void approve(const char *code, const char *doc, const char *on)
{
    pl_parcel_changes c;
    memset(&c, 0, sizeof c);
    c.approval_doc = doc;
    c.approved_on = on;
    pl_error e;
    pl_error_clear(&e);
    int n = 0;
    cr_assert_eq(pl_parcel_edit(db, "QDIP", code, &c, &n, &e), PL_OK, "%s", e.message);
    cr_assert_eq(n, 2);
}

static void setup(void)
{
    db = tu_db_new("ledger.db", dbpath);
    tu_park_qdip(db);
    rect("R1", "reserve", 15, 0);
    rect("R2", "available", 7.5, 1);
    rect("B1", "available", 30, 2);
    rect("B2", "reserve", 15, 3);
    rect("S1", "transferred", 15, 4);
    rect("U1", "construction", 22.5, 5);
    rect("U2", "production", 15, 6);
    rect("I1", "idle", 15, 7);
    rect("E1", "production", 15, 8);
    rect("E2", "production", 15, 9);
    rect("G1", "production", 15, 10);
    approve("B2", "鲁政土字[2025]1号", "2025-01-01");
    approve("S1", "鲁政土字[2025]6号", "2025-06-01");
    tu_sql_exec(db,
        "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, effective)"
        " SELECT 'parcel', id, code, 'status', 'reserved', 'transferred', '2026-03-01T02:00:00Z', 'tester',"
        " '2026-03-01' FROM parcel WHERE code = 'S1';"
        "INSERT INTO lead(id, code, company, stage, stage_date, created_at, updated_at) VALUES"
        " (1, 'L1', '企业1', 'signed', '2019-01-01', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (2, 'L2', '企业2', 'signed', '2019-01-01', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (3, 'L3', '企业3', 'signed', '2019-01-01', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (4, 'L4', '企业4', 'signed', '2019-01-01', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (5, 'L5', '企业5', 'signed', '2019-01-01', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (6, 'L6', '企业6', 'signed', '2019-01-01', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (7, 'L7', '企业7', 'signed', '2019-01-01', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z');"
        "INSERT INTO project(id, code, lead_id, signed_on, tax_per_mu, created_at, updated_at) VALUES"
        " (1, 'P1', 1, '2025-01-01', NULL, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),"
        " (2, 'P2', 2, '2023-01-01', NULL, '2023-01-01T00:00:00Z', '2023-01-01T00:00:00Z'),"
        " (3, 'P3', 3, '2019-01-01', NULL, '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (4, 'P4', 4, '2022-01-01', NULL, '2022-01-01T00:00:00Z', '2022-01-01T00:00:00Z'),"
        " (5, 'P5', 5, '2019-01-01', NULL, '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (6, 'P6', 6, '2019-01-01', 20, '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z'),"
        " (7, 'P7', 7, '2019-01-01', NULL, '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z');"
        "INSERT INTO project_parcel(project_id, parcel_id) SELECT x.id, p.id FROM project x JOIN parcel p"
        " ON p.code = CASE x.code WHEN 'P1' THEN 'S1' WHEN 'P2' THEN 'U1' WHEN 'P3' THEN 'U2' WHEN 'P4' THEN 'I1'"
        " WHEN 'P5' THEN 'E1' WHEN 'P6' THEN 'E2' WHEN 'P7' THEN 'G1' END;"
        "INSERT INTO milestone(project_id, kind, planned, actual) VALUES"
        " (1, 'land', '2026-03-01', '2026-03-01'), (1, 'construction', '2027-01-01', NULL),"
        " (2, 'land', '2024-01-01', '2024-01-01'), (2, 'construction', '2024-06-01', '2024-06-01'),"
        " (3, 'land', '2019-03-01', '2019-03-01'), (3, 'construction', '2019-06-01', '2019-06-01'),"
        " (3, 'production', '2020-01-01', '2020-01-01'),"
        " (4, 'land', '2022-03-01', '2022-03-01'), (4, 'construction', '2023-01-01', NULL),"
        " (5, 'land', '2019-03-01', '2019-03-01'), (5, 'construction', '2019-06-01', '2019-06-01'),"
        " (5, 'production', '2020-01-01', '2020-01-01'),"
        " (6, 'land', '2019-03-01', '2019-03-01'), (6, 'construction', '2019-06-01', '2019-06-01'),"
        " (6, 'production', '2020-01-01', '2020-01-01'),"
        " (7, 'land', '2019-03-01', '2019-03-01'), (7, 'construction', '2019-06-01', '2019-06-01'),"
        " (7, 'production', '2020-01-01', '2020-01-01');"
        "INSERT INTO annual_figure(project_id, year, tax, sales, recorded_at) VALUES"
        " (5, 2025, 15, 1000, '2026-02-01T00:00:00Z'), (6, 2025, 150, 1000, '2026-02-01T00:00:00Z'),"
        " (7, 2025, 450, 1000, '2026-02-01T00:00:00Z');"
        "INSERT INTO muni_setting(key, value) VALUES ('cut_c', 80);"
        "INSERT INTO idle_case(parcel_id, found_on, basis, idle_since, project, agreed_start, decision_no,"
        " confirmed_on, created_at, updated_at) SELECT id, '2026-01-10', 'not_started', '2023-01-01', 'P4',"
        " '2023-01-01', '青自然资闲[2026]3号', '2026-01-10', '2026-01-10T00:00:00Z', '2026-01-10T00:00:00Z'"
        " FROM parcel WHERE code = 'I1';"
        "INSERT INTO inspection(parcel_id, inspected_on, progress_pct, built_area_m2, created_at, created_by)"
        " SELECT id, '2026-05-01', 60, 5000, '2026-05-01T00:00:00Z', 'tester' FROM parcel WHERE code = 'U2';");
    /* B1 through the command line: the approval in the history */
    tu_db_close(db);
    cr_assert_eq(tu_cli(&out, &errs, dbpath,
                        "--lang en parcel edit B1 --approval-doc %s --approved-on 2025-03-01 --note %s",
                        tu_q("鲁政土字[2025]3号"), tu_q("农用地转用批复")), 0, "%s", errs);
    cr_expect(strstr(out, "parcel B1: 2 fields changed"), "%s", out);
    pl_error e;
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
}

static void teardown(void)
{
    pl_report_free(rep);
    rep = NULL;
    tu_outputs_free(&out, &errs);
    tu_db_close(db);
}

TestSuite(ledger, .init = setup, .fini = teardown);

static const pl_ledger_parcel *entry(const pl_ledger *l, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->parcels[i].code, code))
            return &l->parcels[i];
    cr_assert_fail("no parcel %s in the ledger", code);
    return NULL;
}

static void build(const char *as_of)
{
    pl_report_free(rep);
    rep = NULL;
    pl_report_options o = {as_of, NULL};
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_report_build(db, PL_REPORT_LEDGER, &o, &rep, &e), PL_OK, "%s", e.message);
}

static void expect_row(const char *park, const char *cat, const char *parcels, const char *mu)
{
    char where[128];
    snprintf(where, sizeof where, "park=%s;category=%s", park, cat);
    const char *n = pl_report_get(rep, "ledger", where, "parcels");
    const char *a = pl_report_get(rep, "ledger", where, "area_mu");
    cr_assert(n && a, "no row %s", where);
    cr_expect_str_eq(n, parcels, "%s parcels", where);
    cr_expect_str_eq(a, mu, "%s area", where);
}

Test(ledger, every_category_counted_by_hand)
{
    build("2026-06-30");
    expect_row("QDIP", "approved_unsupplied", "2", "45.00");
    expect_row("QDIP", "supplied_unused", "1", "15.00");
    expect_row("QDIP", "underused", "2", "37.50");
    expect_row("QDIP", "idle", "1", "15.00");
    expect_row("QDIP", "inefficient", "2", "30.00");
    expect_row("QDIP", "reserve", "1", "15.00");
    expect_row("QDIP", "other", "2", "22.50");
    expect_row("合计 total", "underused", "2", "37.50");
    /* share of the park's 180 亩 */
    cr_expect_str_eq(pl_report_get(rep, "ledger", "park=QDIP;category=approved_unsupplied", "share_pct"), "25.0");
    /* the definitions (report_definitions.c): the note names every category, the share has its denominator */
    cr_expect(strstr(pl_report_table_note(rep, 0), "approved, not supplied: approved for construction use"),
              "%s", pl_report_table_note(rep, 0));
    cr_expect(strstr(pl_report_table_note(rep, 0), "grades of 2025"), "%s", pl_report_table_note(rep, 0));
    const char *den = NULL;
    cr_expect_str_eq(pl_report_definition(rep, 0, 6, PL_REPORT_LANG_ZH, &den), "该类宗地面积");
    cr_expect_str_eq(den, "园区全部土地面积 (各类合计)");
    /* the parcel list: one row per parcel of a category (other land only counted) */
    size_t t = 1;
    cr_assert_str_eq(pl_report_table_key(rep, t), "ledger_parcels");
    cr_expect_eq(pl_report_table_rows(rep, t), 9);
    cr_expect_str_eq(pl_report_get(rep, "ledger_parcels", "parcel=B1", "category"), "approved_unsupplied");
    cr_expect(strstr(pl_report_get(rep, "ledger_parcels", "parcel=B1", "reason"), "approved 2025-03-01 (鲁政土字[2025]3号)"));
    cr_expect_str_eq(pl_report_get(rep, "ledger_parcels", "parcel=S1", "project"), "P1");
    cr_expect_str_eq(pl_report_get(rep, "ledger_parcels", "parcel=E1", "category"), "inefficient");
    cr_expect(strstr(pl_report_get(rep, "ledger_parcels", "parcel=E1", "reason"), "graded D in 2025"));
    cr_expect(strstr(pl_report_get(rep, "ledger_parcels", "parcel=E2", "reason"),
                     "tax per mu 10.00 < 20.00 万元/亩 (committed)"));
    cr_expect(strstr(pl_report_get(rep, "ledger_parcels", "parcel=U2", "reason"), "inspection 2026-05-01: progress 60"));
    cr_expect(strstr(pl_report_get(rep, "ledger_parcels", "parcel=I1", "reason"), "青自然资闲[2026]3号"));
    cr_expect_null(pl_report_get(rep, "ledger_parcels", "parcel=G1", "category"));
    /* the library's ledger agrees, parcel by parcel */
    pl_ledger l;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_ledger_build(db, "2026-06-30", "QDIP", &l, &e), PL_OK, "%s", e.message);
    cr_expect_eq(l.n, 11);
    cr_expect_eq(l.muni_year, 2025);
    cr_expect_eq(entry(&l, "R1")->cls, PL_LEDGER_RESERVE);
    cr_expect_eq(entry(&l, "R2")->cls, PL_LEDGER_OTHER);
    cr_expect_eq(entry(&l, "B2")->cls, PL_LEDGER_APPROVED_UNSUPPLIED);
    cr_expect_eq(entry(&l, "U1")->cls, PL_LEDGER_UNDERUSED);
    cr_expect_eq(entry(&l, "E2")->cls, PL_LEDGER_INEFFICIENT);
    cr_expect_eq(entry(&l, "G1")->cls, PL_LEDGER_OTHER);
    cr_expect_eq(pl_ledger_find(&l, entry(&l, "I1")->id), entry(&l, "I1"));
    pl_ledger_release(&l);
}

Test(ledger, as_of_moves_parcels_between_categories)
{
    /* before S1's land milestone: approved, not supplied; U2 not yet inspected: in use */
    build("2026-02-01");
    cr_expect_str_eq(pl_report_get(rep, "ledger_parcels", "parcel=S1", "category"), "approved_unsupplied");
    expect_row("QDIP", "approved_unsupplied", "3", "60.00");
    expect_row("QDIP", "supplied_unused", "0", "0.00");
    expect_row("QDIP", "underused", "1", "22.50");
    expect_row("QDIP", "other", "3", "37.50");
    /* after it: supplied, not started */
    build("2026-03-01");
    cr_expect_str_eq(pl_report_get(rep, "ledger_parcels", "parcel=S1", "category"), "supplied_unused");
    /* before any approval and before the idle case: B1 other land, B2 in the land bank, I1 idle by its status */
    build("2024-12-31");
    expect_row("QDIP", "approved_unsupplied", "0", "0.00");
    cr_expect_str_eq(pl_report_get(rep, "ledger_parcels", "parcel=B2", "category"), "reserve");
    cr_expect_null(pl_report_get(rep, "ledger_parcels", "parcel=B1", "category"));
    cr_expect_str_eq(pl_report_get(rep, "ledger_parcels", "parcel=I1", "reason"), "status idle");
    /* no 2024 figures: no grades, E1 and E2 in use */
    expect_row("QDIP", "inefficient", "0", "0.00");
}

Test(ledger, approval_refusals_and_history)
{
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND code = 'B1'"
                                  " AND field IN ('approval_doc', 'approved_on') AND note = '农用地转用批复'"),
                 2);
    cr_expect_str_eq(tu_sql_text(db, "SELECT approved_on FROM parcel WHERE code = 'B1'"), "2025-03-01");
    pl_parcel_changes c;
    memset(&c, 0, sizeof c);
    c.approved_on = "2025-02-30";
    pl_error e;
    pl_error_clear(&e);
    cr_expect_eq(pl_parcel_edit(db, "QDIP", "R1", &c, NULL, &e), PL_ERR_USAGE);
    cr_expect(strstr(e.message, "'2025-02-30' is not a date"), "%s", e.message);
    c.approved_on = "2999-01-01";
    cr_expect_eq(pl_parcel_edit(db, "QDIP", "R1", &c, NULL, &e), PL_ERR_USAGE);
    cr_expect(strstr(e.message, "in the future"), "%s", e.message);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE approved_on IS NOT NULL"), 3);
}

Test(ledger, theme_in_a_geojson_export)
{
    cr_assert_eq(pl_export_theme_parse("ledger"), PL_THEME_LEDGER);
    cr_assert_eq(pl_export_theme_parse("存量土地台账"), PL_THEME_LEDGER);
    /* one fill per class; idle and the land bank keep their availability colours */
    size_t nc = pl_style_count(PL_STYLE_LEDGER);
    cr_assert_eq(nc, PL_LEDGER_CLASSES);
    for (size_t i = 0; i < nc; i++) {
        cr_expect_str_eq(pl_style_at(PL_STYLE_LEDGER, i)->key, pl_ledger_class_id((pl_ledger_class)i));
        for (size_t k = i + 1; k < nc; k++)
            cr_expect_str_neq(pl_style_at(PL_STYLE_LEDGER, i)->fill, pl_style_at(PL_STYLE_LEDGER, k)->fill);
    }
    cr_expect_str_eq(pl_style_get(PL_STYLE_LEDGER, "idle")->fill, pl_style_get(PL_STYLE_AVAILABILITY, "idle")->fill);
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_GEOJSON;
    o.theme = PL_THEME_LEDGER;
    o.as_of = "2026-06-30";
    pl_export_result res;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("ledger.geojson"), 1, &res, &e), PL_OK, "%s", e.message);
    json_error_t je;
    json_t *j = json_load_file(tu_tmp("ledger.geojson"), 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    static const struct {
        const char *code, *cls;
    } want[] = {{"R1", "reserve"},  {"R2", "other"},    {"B1", "approved_unsupplied"}, {"B2", "approved_unsupplied"},
                {"S1", "supplied_unused"}, {"U1", "underused"}, {"U2", "underused"}, {"I1", "idle"},
                {"E1", "inefficient"}, {"E2", "inefficient"}, {"G1", "other"}};
    size_t found = 0;
    json_t *features = json_object_get(j, "features");
    for (size_t i = 0; i < json_array_size(features); i++) {
        json_t *p = json_object_get(json_array_get(features, i), "properties");
        const char *code = json_string_value(json_object_get(p, "code"));
        for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
            if (strcmp(code, want[k].code))
                continue;
            found++;
            cr_expect_str_eq(json_string_value(json_object_get(p, "class")), want[k].cls, "%s", code);
            cr_expect_str_eq(json_string_value(json_object_get(p, "fill")),
                             pl_style_get(PL_STYLE_LEDGER, want[k].cls)->fill, "%s", code);
            cr_expect(json_is_string(json_object_get(p, "ledger_reason")), "%s", code);
        }
    }
    cr_expect_eq(found, sizeof want / sizeof *want);
    json_t *legend = json_object_get(j, "legend");
    cr_assert_eq(json_array_size(legend), 7);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(legend, 0), "class")), "approved_unsupplied");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(legend, 0), "label_zh")), "批而未供");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(legend, 0), "label_en")),
                     "Approved, not supplied");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(legend, 6), "class")), "other");
    json_decref(j);
    /* the same map a day before the land milestone: S1 approved, not supplied */
    o.as_of = "2026-02-28";
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("ledger2.geojson"), 1, &res, &e), PL_OK, "%s", e.message);
    j = json_load_file(tu_tmp("ledger2.geojson"), 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    features = json_object_get(j, "features");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(features); i++) {
        json_t *p = json_object_get(json_array_get(features, i), "properties");
        if (!strcmp(json_string_value(json_object_get(p, "code")), "S1")) {
            seen = 1;
            cr_expect_str_eq(json_string_value(json_object_get(p, "class")), "approved_unsupplied");
        }
    }
    cr_expect(seen);
    json_decref(j);
}

Test(ledger, cli_text_csv_json_and_kml)
{
    tu_db_close(db);
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "--lang en report ledger --as-of 2026-06-30"), 0, "%s", errs);
    cr_expect(strstr(out, "stock ledger"), "%s", out);
    cr_expect(strstr(out, "approved_unsupplied"), "%s", out);
    cr_expect(strstr(out, "land supplied 2026-03-01, not started"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "--lang zh report ledger --as-of 2026-06-30"), 0, "%s", errs);
    cr_expect(strstr(out, "存量土地台账"), "%s", out);
    cr_expect(strstr(out, "批而未供"), "%s", out);
    /* the reasons in Chinese too (they were English whatever the language) */
    cr_expect(strstr(out, "2026-03-01 供地，未开工"), "%s", out);
    cr_expect_null(strstr(out, "not started"), "%s", out);
    cr_expect_null(strstr(out, "approved 20"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "report ledger --as-of 2026-06-30 --park QDIP --format csv"), 0, "%s",
                 errs);
    cr_expect(strstr(out, "QDIP,inefficient,"), "%s", out);
    cr_expect(strstr(out, ",2,30.00,"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "report ledger --as-of 2026-06-30 --format json"), 0, "%s", errs);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    cr_assert_not_null(j, "%s: %s", je.text, out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "report")), "ledger");
    cr_expect_str_eq(json_string_value(json_object_get(j, "as_of")), "2026-06-30");
    cr_expect_eq(json_array_size(json_object_get(j, "tables")), 2);
    json_decref(j);
    cr_expect_eq(tu_cli(&out, &errs, dbpath, "report ledger --park NOPE"), 1, "%s", errs);
    cr_expect(strstr(errs, "no park 'NOPE'"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "report ledger --as-of 2026-06-30 --format xlsx -o %s --force",
                        tu_q(tu_tmp("ledger.xlsx"))), 0, "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export kml --theme ledger --as-of 2026-06-30 -o %s --force",
                        tu_q(tu_tmp("ledger.kml"))), 0, "%s", errs);
    char *kml = tu_read_file(tu_tmp("ledger.kml"), NULL);
    cr_assert_not_null(kml);
    cr_expect(strstr(kml, "用而未尽"), "kml legend");
    free(kml);
    pl_error e;
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
}

/* Schema 14: a schema 13 file gets the approval columns on open (empty). */
Test(ledger, schema_13_database_gets_the_approval_columns)
{
    tu_sql_exec(db, "ALTER TABLE parcel DROP COLUMN approval_doc; ALTER TABLE parcel DROP COLUMN approved_on;"
                    " UPDATE meta SET value = '13' WHERE key = 'schema_version'; PRAGMA user_version = 13;");
    pl_db_close(db);
    pl_error e;
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
    cr_expect_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM pragma_table_info('parcel')"
                                  " WHERE name IN ('approval_doc', 'approved_on')"), 2);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE approved_on IS NOT NULL"), 0);
    /* the ledger reads a file without approvals: B1, B2 and S1 are not approved */
    build("2026-02-01");
    expect_row("QDIP", "approved_unsupplied", "0", "0.00");
}
