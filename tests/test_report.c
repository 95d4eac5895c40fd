/* test_report.c — reports as of a date on a hand-made data set
 * (tests/data/report/dataset.sql) where every number is worked out by hand:
 * availability, landing KPIs and alerts on three dates, zero denominators,
 * --park, the four formats (the XLSX read back by openpyxl and compared with
 * the CSV) and the command line. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "parkland/db.h"
#include "parkland/report.h"
#include "parkland/table.h"
#include "db_internal.h"
#include "testutil.h"

#define D1 "2023-06-30"
#define D2 "2024-06-30"
#define D3 "2025-06-30"
#define DASH "—"
#define TOTAL "合计 total"

static pl_db *db;
static char dbpath[1024];
static pl_report *rep;
static char *out, *err;

static void setup(void)
{
    db = tu_db_new("report.db", dbpath);
    char *sql = tu_read_file(TEST_DATA_DIR "/report/dataset.sql", NULL);
    cr_assert_not_null(sql);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db->h, sql, NULL, NULL, &msg), SQLITE_OK, "dataset.sql: %s", msg);
    free(sql);
}

static void teardown(void)
{
    pl_report_free(rep);
    rep = NULL;
    tu_outputs_free(&out, &err);
    tu_db_close(db);
}

TestSuite(report, .init = setup, .fini = teardown);

static pl_report *build(pl_report_kind kind, const char *as_of, const char *park)
{
    pl_report_free(rep);
    rep = NULL;
    pl_error e;
    pl_error_clear(&e);
    pl_report_options o = {as_of, park};
    cr_assert_eq(pl_report_build(db, kind, &o, &rep, &e), PL_OK, "%s", e.message);
    return rep;
}

typedef struct want {
    const char *table, *where, *col, *value;
} want;

static void expect(const want *w, size_t n, const char *label)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = pl_report_get(rep, w[i].table, w[i].where, w[i].col);
        cr_assert_not_null(got, "%s: no cell %s [%s] %s", label, w[i].table, w[i].where, w[i].col);
        cr_expect_str_eq(got, w[i].value, "%s: %s [%s] %s = '%s', expected '%s'", label, w[i].table, w[i].where,
                         w[i].col, got, w[i].value);
    }
}
#define EXPECT(label, ...)                                                                                        \
    do {                                                                                                          \
        const want w_[] = {__VA_ARGS__};                                                                          \
        expect(w_, sizeof w_ / sizeof *w_, label);                                                                \
    } while (0)

static size_t table_index(const char *key)
{
    for (size_t t = 0; t < pl_report_table_count(rep); t++)
        if (!strcmp(pl_report_table_key(rep, t), key))
            return t;
    cr_assert_fail("no table %s", key);
    return 0;
}

/* cell of row `row` (0-based) in column `col` of table `key` */
static const char *cell(const char *key, size_t row, const char *col)
{
    size_t t = table_index(key);
    for (size_t c = 0; c < pl_report_table_cols(rep, t); c++)
        if (!strcmp(pl_report_col_key(rep, t, c), col)) {
            const char *s = pl_report_cell(rep, t, row, c);
            cr_assert_not_null(s, "%s row %zu %s", key, row, col);
            return s;
        }
    cr_assert_fail("no column %s in %s", col, key);
    return NULL;
}

/* ---- availability ------------------------------------------------------------------- */

Test(report, availability_on_three_dates)
{
    build(PL_REPORT_AVAILABILITY, D1, NULL);
    cr_assert_str_eq(pl_report_table_key(rep, 0), "status_by_park");
    cr_assert_str_eq(pl_report_table_key(rep, 1), "free_by_size");
    cr_assert_str_eq(pl_report_table_key(rep, 2), "reserved");
    /* D1: A6 does not exist yet; A4 is available (listed only on 2023-09-01); B1 transferred on 2023-05-15 */
    EXPECT("D1",
           {"status_by_park", "park=QDIP;status=available", "parcels", "6"},
           {"status_by_park", "park=QDIP;status=available", "area_mu", "635.00"},
           {"status_by_park", "park=QDIP;status=available", "area_ha", "42.3333"},
           {"status_by_park", "park=QDIP;status=reserve", "parcels", "0"},
           {"status_by_park", "park=QDIP;status=all", "parcels", "6"},
           {"status_by_park", "park=JMIP;status=transferred", "parcels", "1"},
           {"status_by_park", "park=JMIP;status=transferred", "area_mu", "120.00"},
           {"status_by_park", "park=JMIP;status=reserve", "area_mu", "75.00"},
           {"status_by_park", "park=JMIP;status=available", "area_mu", "60.00"},
           {"status_by_park", "park=EMPT;status=all", "parcels", "0"},
           {"status_by_park", "park=" TOTAL ";status=available", "parcels", "7"},
           {"status_by_park", "park=" TOTAL ";status=available", "area_mu", "695.00"},
           {"status_by_park", "park=" TOTAL ";status=available", "area_ha", "46.3333"},
           {"status_by_park", "park=" TOTAL ";status=all", "parcels", "9"},
           {"status_by_park", "park=" TOTAL ";status=all", "area_mu", "890.00"},
           {"status_by_park", "park=" TOTAL ";status=all", "area_ha", "59.3333"},
           {"status_by_park", "park=QDIP;status=available", "status_zh", "可供"},
           {"free_by_size", "park=QDIP;size_class=<20", "parcels", "1"},
           {"free_by_size", "park=QDIP;size_class=<20", "area_mu", "15.00"},
           {"free_by_size", "park=QDIP;size_class=20–50", "area_mu", "20.00"}, /* exactly 20 亩 */
           {"free_by_size", "park=QDIP;size_class=50–100", "parcels", "2"},
           {"free_by_size", "park=QDIP;size_class=50–100", "area_mu", "150.00"},
           {"free_by_size", "park=QDIP;size_class=100–300", "area_mu", "150.00"},
           {"free_by_size", "park=QDIP;size_class=≥300", "parcels", "1"},
           {"free_by_size", "park=QDIP;size_class=≥300", "area_ha", "20.0000"},
           {"free_by_size", "park=JMIP;size_class=50–100", "parcels", "1"},
           {"free_by_size", "park=" TOTAL ";size_class=50–100", "parcels", "3"},
           {"free_by_size", "park=" TOTAL ";size_class=50–100", "area_mu", "210.00"},
           {"free_by_size", "park=" TOTAL ";size_class=合计 all", "parcels", "7"},
           {"free_by_size", "park=" TOTAL ";size_class=合计 all", "area_mu", "695.00"});
    cr_assert_eq(pl_report_table_rows(rep, 2), 0, "no reservation on D1");
    /* 3 parks + total, 10 rows each */
    cr_assert_eq(pl_report_table_rows(rep, 0), 40);
    cr_assert_eq(pl_report_table_rows(rep, 1), 24);

    build(PL_REPORT_AVAILABILITY, D2, NULL);
    EXPECT("D2",
           {"status_by_park", "park=QDIP;status=available", "parcels", "4"},
           {"status_by_park", "park=QDIP;status=available", "area_mu", "170.00"},
           {"status_by_park", "park=QDIP;status=reserved", "area_mu", "60.00"},
           {"status_by_park", "park=QDIP;status=transferred", "area_mu", "300.00"},
           /* A4's move to construction was recorded 2024-04-02, effective 2024-03-01 */
           {"status_by_park", "park=QDIP;status=construction", "area_mu", "150.00"},
           {"status_by_park", "park=QDIP;status=all", "parcels", "7"},
           {"status_by_park", "park=QDIP;status=all", "area_mu", "680.00"},
           {"status_by_park", "park=" TOTAL ";status=available", "parcels", "5"},
           {"status_by_park", "park=" TOTAL ";status=available", "area_mu", "230.00"},
           {"status_by_park", "park=" TOTAL ";status=transferred", "parcels", "2"},
           {"status_by_park", "park=" TOTAL ";status=transferred", "area_mu", "420.00"},
           {"status_by_park", "park=" TOTAL ";status=all", "parcels", "10"},
           {"status_by_park", "park=" TOTAL ";status=all", "area_mu", "935.00"},
           {"free_by_size", "park=QDIP;size_class=20–50", "parcels", "2"},
           {"free_by_size", "park=QDIP;size_class=20–50", "area_mu", "65.00"},
           {"free_by_size", "park=QDIP;size_class=100–300", "parcels", "0"},
           {"free_by_size", "park=" TOTAL ";size_class=50–100", "area_mu", "150.00"},
           {"free_by_size", "park=" TOTAL ";size_class=合计 all", "area_mu", "230.00"},
           {"reserved", "code=A1", "park", "QDIP"},
           {"reserved", "code=A1", "area_mu", "60.00"},
           {"reserved", "code=A1", "lead", "L4"},
           {"reserved", "code=A1", "company", "丁医疗"},
           {"reserved", "code=A1", "reserved_on", "2024-01-10"},
           {"reserved", "code=A1", "expires_on", "2024-04-10"},
           {"reserved", "code=A1", "days_left", "-81"},
           {"reserved", "code=A1", "expired", "是 yes"});
    cr_assert_eq(pl_report_table_rows(rep, 2), 1);

    build(PL_REPORT_AVAILABILITY, D3, NULL);
    /* A7 retired (recorded 2025-01-15, no effective date): no longer land */
    EXPECT("D3",
           {"status_by_park", "park=QDIP;status=available", "parcels", "3"},
           {"status_by_park", "park=QDIP;status=available", "area_mu", "80.00"},
           {"status_by_park", "park=QDIP;status=all", "parcels", "6"},
           {"status_by_park", "park=QDIP;status=all", "area_mu", "590.00"},
           {"status_by_park", "park=JMIP;status=transferred", "area_mu", "180.00"},
           {"status_by_park", "park=" TOTAL ";status=available", "area_mu", "80.00"},
           {"status_by_park", "park=" TOTAL ";status=transferred", "parcels", "3"},
           {"status_by_park", "park=" TOTAL ";status=transferred", "area_mu", "480.00"},
           {"status_by_park", "park=" TOTAL ";status=all", "parcels", "9"},
           {"status_by_park", "park=" TOTAL ";status=all", "area_mu", "845.00"},
           {"free_by_size", "park=JMIP;size_class=合计 all", "parcels", "0"},
           {"free_by_size", "park=" TOTAL ";size_class=合计 all", "parcels", "3"},
           {"reserved", "code=A1", "days_left", "-446"});
}

Test(report, status_from_history_effective_dates_and_first_status)
{
    /* before any move: the first status (the old value of the earliest move), not today's */
    build(PL_REPORT_AVAILABILITY, "2023-01-15", NULL);
    EXPECT("2023-01-15",
           {"status_by_park", "park=QDIP;status=reserve", "parcels", "2"}, /* A1, A4 */
           {"status_by_park", "park=QDIP;status=reserve", "area_mu", "210.00"},
           {"status_by_park", "park=QDIP;status=construction", "parcels", "0"},
           {"status_by_park", "park=QDIP;status=available", "parcels", "4"}, /* A2, A3, A5, A7 */
           {"status_by_park", "park=JMIP;status=available", "parcels", "2"}); /* B1, B3 */
    /* A4 went to construction effective 2024-03-01, recorded 2024-04-02: the effective date counts */
    build(PL_REPORT_AVAILABILITY, "2024-03-15", NULL);
    EXPECT("2024-03-15",
           {"status_by_park", "park=QDIP;status=construction", "parcels", "1"},
           {"status_by_park", "park=QDIP;status=transferred", "parcels", "1"}); /* A5 */
    build(PL_REPORT_AVAILABILITY, "2024-02-29", NULL);
    EXPECT("2024-02-29",
           {"status_by_park", "park=QDIP;status=construction", "parcels", "0"},
           {"status_by_park", "park=QDIP;status=transferred", "parcels", "2"}); /* A4, A5 */
    /* A7's retirement has no effective date: the day it was recorded (2025-01-15) */
    build(PL_REPORT_AVAILABILITY, "2025-01-14", NULL);
    EXPECT("2025-01-14", {"free_by_size", "park=QDIP;size_class=50–100", "parcels", "1"});
    build(PL_REPORT_AVAILABILITY, "2025-01-15", NULL);
    EXPECT("2025-01-15", {"free_by_size", "park=QDIP;size_class=50–100", "parcels", "0"});
}

Test(report, availability_for_one_park)
{
    build(PL_REPORT_AVAILABILITY, D2, "JMIP");
    cr_assert_str_eq(pl_report_park(rep), "JMIP");
    EXPECT("JMIP",
           {"status_by_park", "park=JMIP;status=all", "area_mu", "255.00"},
           {"status_by_park", "park=" TOTAL ";status=all", "area_mu", "255.00"},
           {"status_by_park", "park=" TOTAL ";status=all", "park_name", "即墨园区"});
    cr_assert_null(pl_report_get(rep, "status_by_park", "park=QDIP;status=all", "parcels"));
    cr_assert_eq(pl_report_table_rows(rep, 2), 0, "A1 is in QDIP");
}

/* ---- landing ------------------------------------------------------------------------ */

Test(report, landing_on_first_date)
{
    build(PL_REPORT_LANDING, D1, NULL);
    EXPECT("D1 leads",
           /* L3 signed (P3); L1 contacted, L2 intent; L4, L5, L7 new; L6 created later */
           {"leads_by_park", "park=" TOTAL, "new", "3"},
           {"leads_by_park", "park=" TOTAL, "contacted", "1"},
           {"leads_by_park", "park=" TOTAL, "visited", "0"},
           {"leads_by_park", "park=" TOTAL, "intent", "1"},
           {"leads_by_park", "park=" TOTAL, "signed", "1"},
           {"leads_by_park", "park=" TOTAL, "lost", "0"},
           {"leads_by_park", "park=" TOTAL, "leads", "6"},
           {"leads_by_park", "park=" TOTAL, "conversion_pct", "16.7"},
           /* a lead counts in the park it names, signed or not: QDIP L1, L2, L4; JMIP L3, L7 */
           {"leads_by_park", "park=QDIP", "leads", "3"},
           {"leads_by_park", "park=QDIP", "conversion_pct", "0.0"},
           {"leads_by_park", "park=JMIP", "signed", "1"},
           {"leads_by_park", "park=JMIP", "leads", "2"},
           {"leads_by_park", "park=JMIP", "conversion_pct", "50.0"},
           /* L5 names no park: a row apart, with no conversion rate */
           {"leads_by_park", "park=未定园区 no park", "leads", "1"},
           {"leads_by_park", "park=未定园区 no park", "new", "1"},
           {"leads_by_park", "park=未定园区 no park", "conversion_pct", DASH},
           {"leads_by_industry", "industry=it", "leads", "2"},
           {"leads_by_industry", "industry=it", "conversion_pct", "50.0"},
           {"leads_by_industry", "industry=equipment", "conversion_pct", "0.0"},
           {"leads_by_industry", "industry=finance", "conversion_pct", DASH});
    EXPECT("D1 landing",
           {"landing_by_park", "park=JMIP", "projects", "1"},
           {"landing_by_park", "park=JMIP", "investment_wan", "20000.00"},
           {"landing_by_park", "park=JMIP", "land_parcels", "1"},
           {"landing_by_park", "park=JMIP", "land_mu", "120.00"},
           {"landing_by_park", "park=JMIP", "started", "0"},
           {"landing_by_park", "park=JMIP", "start_due", "1"},
           {"landing_by_park", "park=JMIP", "start_rate_pct", "0.0"},
           {"landing_by_park", "park=JMIP", "produced", "0"},
           {"landing_by_park", "park=JMIP", "production_due", "0"},
           {"landing_by_park", "park=JMIP", "production_rate_pct", DASH},
           {"landing_by_park", "park=JMIP", "invest_done_wan", "2000.00"}, /* 2023-05 + 2023-06, not 2023-07 */
           {"landing_by_park", "park=JMIP", "invest_plan_wan", "8000.00"},
           {"landing_by_park", "park=JMIP", "invest_rate_pct", "25.0"},
           {"landing_by_park", "park=JMIP", "new_economy_wan", "0.00"},
           {"landing_by_park", "park=JMIP", "new_economy_share_pct", "0.0"},
           {"landing_by_park", "park=QDIP", "projects", "0"},
           {"landing_by_park", "park=QDIP", "investment_wan", "0.00"},
           {"landing_by_park", "park=QDIP", "start_rate_pct", DASH},
           {"landing_by_park", "park=QDIP", "invest_rate_pct", DASH},
           {"landing_by_park", "park=QDIP", "new_economy_share_pct", DASH},
           {"landing_by_park", "park=" TOTAL, "projects", "1"},
           {"landing_by_park", "park=" TOTAL, "invest_rate_pct", "25.0"},
           {"landing_by_industry", "industry=it", "projects", "1"},
           {"landing_by_industry", "industry=health", "projects", "0"});
    cr_assert_null(pl_report_get(rep, "leads_by_industry", "industry=", "leads"), "no lead without industry on D1");
}

Test(report, landing_on_second_date)
{
    build(PL_REPORT_LANDING, D2, NULL);
    EXPECT("D2 leads",
           {"leads_by_park", "park=" TOTAL, "intent", "2"},
           {"leads_by_park", "park=" TOTAL, "signed", "3"},
           {"leads_by_park", "park=" TOTAL, "lost", "1"},
           {"leads_by_park", "park=" TOTAL, "leads", "6"},
           {"leads_by_park", "park=" TOTAL, "conversion_pct", "50.0"},
           /* QDIP: L1 (P1), L2 (P2), L4 (its park, reserved A1) */
           {"leads_by_park", "park=QDIP", "intent", "1"},
           {"leads_by_park", "park=QDIP", "signed", "2"},
           {"leads_by_park", "park=QDIP", "leads", "3"},
           {"leads_by_park", "park=QDIP", "conversion_pct", "66.7"},
           {"leads_by_park", "park=JMIP", "leads", "2"},
           {"leads_by_park", "park=EMPT", "leads", "0"},
           {"leads_by_park", "park=EMPT", "conversion_pct", DASH},
           {"leads_by_park", "park=未定园区 no park", "lost", "1"},
           {"leads_by_park", "park=未定园区 no park", "intent", "0"},
           {"leads_by_park", "park=未定园区 no park", "leads", "1"},
           {"leads_by_industry", "industry=equipment", "leads", "2"},
           {"leads_by_industry", "industry=equipment", "conversion_pct", "50.0"},
           {"leads_by_industry", "industry=marine", "lost", "1"});
    EXPECT("D2 landing",
           {"landing_by_park", "park=QDIP", "projects", "2"},
           {"landing_by_park", "park=QDIP", "investment_wan", "90000.00"},
           {"landing_by_park", "park=QDIP", "land_parcels", "2"},
           {"landing_by_park", "park=QDIP", "land_mu", "450.00"},
           {"landing_by_park", "park=QDIP", "started", "1"},
           {"landing_by_park", "park=QDIP", "start_due", "2"},
           {"landing_by_park", "park=QDIP", "start_rate_pct", "50.0"},
           {"landing_by_park", "park=QDIP", "production_due", "0"},
           {"landing_by_park", "park=QDIP", "production_rate_pct", DASH},
           {"landing_by_park", "park=QDIP", "invest_done_wan", "9000.00"},
           {"landing_by_park", "park=QDIP", "invest_plan_wan", "30000.00"},
           {"landing_by_park", "park=QDIP", "invest_rate_pct", "30.0"},
           {"landing_by_park", "park=QDIP", "new_economy_wan", "30000.00"},
           {"landing_by_park", "park=QDIP", "new_economy_share_pct", "33.3"},
           {"landing_by_park", "park=JMIP", "invest_done_wan", "0.00"},
           {"landing_by_park", "park=JMIP", "invest_plan_wan", "10000.00"},
           {"landing_by_park", "park=JMIP", "invest_rate_pct", "0.0"},
           {"landing_by_park", "park=EMPT", "projects", "0"},
           {"landing_by_park", "park=EMPT", "start_rate_pct", DASH},
           {"landing_by_park", "park=" TOTAL, "projects", "3"},
           {"landing_by_park", "park=" TOTAL, "investment_wan", "110000.00"},
           {"landing_by_park", "park=" TOTAL, "land_parcels", "3"},
           {"landing_by_park", "park=" TOTAL, "land_mu", "570.00"},
           {"landing_by_park", "park=" TOTAL, "started", "1"},
           {"landing_by_park", "park=" TOTAL, "start_due", "3"},
           {"landing_by_park", "park=" TOTAL, "start_rate_pct", "33.3"},
           {"landing_by_park", "park=" TOTAL, "invest_done_wan", "9000.00"},
           {"landing_by_park", "park=" TOTAL, "invest_plan_wan", "40000.00"},
           {"landing_by_park", "park=" TOTAL, "invest_rate_pct", "22.5"},
           {"landing_by_park", "park=" TOTAL, "new_economy_share_pct", "27.3"},
           {"landing_by_industry", "industry=it", "projects", "2"},
           {"landing_by_industry", "industry=it", "investment_wan", "50000.00"},
           {"landing_by_industry", "industry=it", "land_mu", "270.00"},
           {"landing_by_industry", "industry=it", "start_rate_pct", "50.0"},
           {"landing_by_industry", "industry=it", "invest_rate_pct", "25.0"},
           {"landing_by_industry", "industry=it", "new_economy_share_pct", "60.0"},
           {"landing_by_industry", "industry=it", "industry_name", "新一代信息技术 New-generation IT"},
           {"landing_by_industry", "industry=equipment", "investment_wan", "60000.00"},
           {"landing_by_industry", "industry=equipment", "start_rate_pct", "0.0"},
           {"landing_by_industry", "industry=equipment", "invest_rate_pct", "20.0"},
           {"landing_by_industry", "industry=equipment", "new_economy_share_pct", "0.0"},
           {"landing_by_industry", "industry=" TOTAL, "investment_wan", "110000.00"});
}

Test(report, landing_on_third_date)
{
    build(PL_REPORT_LANDING, D3, NULL);
    EXPECT("D3",
           /* L7's signing was recorded after D3 without an effective date, but P4 is in force */
           {"leads_by_park", "park=" TOTAL, "new", "1"},
           {"leads_by_park", "park=" TOTAL, "signed", "4"},
           {"leads_by_park", "park=" TOTAL, "leads", "7"},
           {"leads_by_park", "park=" TOTAL, "conversion_pct", "57.1"},
           {"leads_by_park", "park=JMIP", "signed", "2"},
           {"leads_by_park", "park=未定园区 no park", "new", "1"},
           {"leads_by_industry", "industry=", "leads", "1"},
           {"leads_by_industry", "industry=", "conversion_pct", "0.0"},
           {"leads_by_industry", "industry=", "industry_name", "未填 not given"},
           {"landing_by_industry", "industry=", "projects", "0"},
           {"landing_by_park", "park=QDIP", "produced", "0"}, /* P1's production 2025-08-01 is after D3 */
           {"landing_by_park", "park=QDIP", "production_due", "1"},
           {"landing_by_park", "park=QDIP", "production_rate_pct", "0.0"},
           {"landing_by_park", "park=QDIP", "invest_done_wan", "1500.00"},
           {"landing_by_park", "park=QDIP", "invest_plan_wan", "15000.00"},
           {"landing_by_park", "park=QDIP", "invest_rate_pct", "10.0"},
           {"landing_by_park", "park=JMIP", "projects", "2"},
           {"landing_by_park", "park=JMIP", "investment_wan", "30000.00"},
           {"landing_by_park", "park=JMIP", "land_parcels", "1"}, /* P4 has no land supply yet */
           {"landing_by_park", "park=JMIP", "start_rate_pct", "0.0"},
           {"landing_by_park", "park=JMIP", "production_rate_pct", DASH},
           {"landing_by_park", "park=JMIP", "invest_rate_pct", "50.0"},
           {"landing_by_park", "park=JMIP", "new_economy_share_pct", "33.3"},
           {"landing_by_park", "park=" TOTAL, "projects", "4"},
           {"landing_by_park", "park=" TOTAL, "investment_wan", "120000.00"},
           {"landing_by_park", "park=" TOTAL, "land_mu", "570.00"},
           {"landing_by_park", "park=" TOTAL, "start_rate_pct", "33.3"},
           {"landing_by_park", "park=" TOTAL, "produced", "0"},
           {"landing_by_park", "park=" TOTAL, "production_due", "1"},
           {"landing_by_park", "park=" TOTAL, "invest_done_wan", "4000.00"},
           {"landing_by_park", "park=" TOTAL, "invest_plan_wan", "20000.00"},
           {"landing_by_park", "park=" TOTAL, "invest_rate_pct", "20.0"},
           {"landing_by_park", "park=" TOTAL, "new_economy_wan", "40000.00"},
           {"landing_by_park", "park=" TOTAL, "new_economy_share_pct", "33.3"},
           {"landing_by_industry", "industry=equipment", "projects", "2"},
           {"landing_by_industry", "industry=equipment", "investment_wan", "70000.00"},
           {"landing_by_industry", "industry=equipment", "invest_rate_pct", "16.7"},
           {"landing_by_industry", "industry=equipment", "new_economy_share_pct", "14.3"},
           {"leads_by_industry", "industry=equipment", "conversion_pct", "100.0"});
}

Test(report, landing_for_one_park)
{
    build(PL_REPORT_LANDING, D3, "QDIP");
    EXPECT("QDIP",
           {"leads_by_park", "park=" TOTAL, "leads", "3"},
           {"landing_by_park", "park=" TOTAL, "projects", "2"},
           {"landing_by_park", "park=" TOTAL, "investment_wan", "90000.00"},
           {"leads_by_industry", "industry=it", "leads", "1"}, /* L1; L3 is JMIP's */
           {"landing_by_industry", "industry=equipment", "projects", "1"});
    cr_assert_null(pl_report_get(rep, "leads_by_park", "park=未定园区 no park", "leads"));
}

/* ---- alerts ------------------------------------------------------------------------- */

Test(report, alerts_on_three_dates)
{
    build(PL_REPORT_ALERTS, D1, NULL);
    cr_assert_eq(pl_report_alerts(rep), 4);
    cr_assert_str_eq(cell("alerts", 0, "severity"), "late_start");
    cr_assert_str_eq(cell("alerts", 0, "subject"), "P3");
    cr_assert_str_eq(cell("alerts", 0, "park"), "JMIP");
    cr_assert_str_eq(cell("alerts", 0, "company"), "丙电子");
    cr_assert_str_eq(cell("alerts", 0, "parcels"), "B1");
    /* agreed start 2023-06-01, moved 5 days by the late handover (agreed 05-20, handed over 05-25) */
    cr_assert_str_eq(cell("alerts", 0, "date"), "2023-06-06");
    cr_assert_str_eq(cell("alerts", 0, "days"), "24");
    cr_assert_str_eq(cell("alerts", 0, "idle_fee_wan"), "");
    for (size_t i = 1; i < 4; i++)
        cr_assert_str_eq(cell("alerts", i, "severity"), "indicator_shortfall");
    /* ordered by detail: energy (单位产值能耗), intensity (投资强度), tax (亩均税收) */
    cr_assert_str_eq(cell("alerts", 1, "detail"), "宗地 B1 亩均税收: 承诺 未承诺 none, 要求 ≥ 20.00 万元/亩·年; parcel B1 tax "
                                                  "per mu: committed 未承诺 none, required ≥ 20.00 万元/亩·年");
    cr_assert(strstr(cell("alerts", 2, "detail"), "单位产值能耗: 承诺 0.60 吨标准煤/万元, 要求 ≤ 0.50 吨标准煤/万元"), "%s",
              cell("alerts", 2, "detail"));
    cr_assert(strstr(cell("alerts", 3, "detail"), "投资强度: 承诺 250.00 万元/亩, 要求 ≥ 300.00 万元/亩"), "%s",
              cell("alerts", 3, "detail"));
    EXPECT("D1 summary",
           {"alerts_summary", "severity=late_start", "count", "1"},
           {"alerts_summary", "severity=indicator_shortfall", "count", "3"},
           {"alerts_summary", "severity=reclaim", "count", "0"},
           {"alerts_summary", "severity=all", "count", "4"});

    build(PL_REPORT_ALERTS, D2, NULL);
    cr_assert_eq(pl_report_alerts(rep), 6);
    static const char *const sev2[] = {"idle", "late_start", "reservation_expired", "indicator_shortfall",
                                       "indicator_shortfall", "indicator_shortfall"};
    static const char *const subj2[] = {"P3", "P2", "A1", "P3", "P3", "P3"};
    /* P3 moved 5 days, P2 9 days (agreed start 2024-05-01, handover 2024-03-01 → 03-10) */
    static const char *const days2[] = {"390", "51", "81", "", "", ""};
    for (size_t i = 0; i < 6; i++) {
        cr_expect_str_eq(cell("alerts", i, "severity"), sev2[i], "row %zu", i);
        cr_expect_str_eq(cell("alerts", i, "subject"), subj2[i], "row %zu", i);
        cr_expect_str_eq(cell("alerts", i, "days"), days2[i], "row %zu", i);
    }
    cr_assert_str_eq(cell("alerts", 0, "severity_zh"), "闲置预警");
    cr_assert_str_eq(cell("alerts", 0, "idle_fee_wan"), "", "B1 has no base price");
    cr_assert(strstr(cell("alerts", 0, "detail"), "fee 20% of the land price (MLR order 53)"));
    cr_assert_str_eq(cell("alerts", 2, "park"), "QDIP");
    cr_assert_str_eq(cell("alerts", 2, "company"), "丁医疗");
    cr_assert_str_eq(cell("alerts", 2, "date"), "2024-04-10");
    cr_assert(strstr(cell("alerts", 2, "detail"), "reserved for lead L4 until 2024-04-10, expired 81 days ago"));

    build(PL_REPORT_ALERTS, D3, NULL);
    cr_assert_eq(pl_report_alerts(rep), 7);
    static const char *const sev3[] = {"reclaim", "idle", "production_overdue", "reservation_expired",
                                       "indicator_shortfall", "indicator_shortfall", "indicator_shortfall"};
    static const char *const subj3[] = {"P3", "P2", "P1", "A1", "P3", "P3", "P3"};
    /* P1's production: agreed 2025-01-01, moved 14 days (handover 2023-11-01 → 11-15) */
    static const char *const days3[] = {"755", "416", "166", "446", "", "", ""};
    for (size_t i = 0; i < 7; i++) {
        cr_expect_str_eq(cell("alerts", i, "severity"), sev3[i], "row %zu", i);
        cr_expect_str_eq(cell("alerts", i, "subject"), subj3[i], "row %zu", i);
        cr_expect_str_eq(cell("alerts", i, "days"), days3[i], "row %zu", i);
    }
    cr_assert_str_eq(cell("alerts", 0, "severity_zh"), "收回候选");
    cr_assert(strstr(cell("alerts", 0, "detail"), "may be reclaimed without compensation (MLR order 53)"));
    cr_assert_str_eq(cell("alerts", 1, "idle_fee_wan"), "3000.00", "20%% × 50 万元/亩 × 300 亩");
    cr_assert_str_eq(cell("alerts", 2, "date"), "2025-01-15");
    cr_assert(strstr(cell("alerts", 2, "detail"), "production planned 2025-01-15, 166 days overdue"), "%s",
              cell("alerts", 2, "detail"));
    EXPECT("D3 summary",
           {"alerts_summary", "severity=reclaim", "count", "1"},
           {"alerts_summary", "severity=idle", "count", "1"},
           {"alerts_summary", "severity=late_start", "count", "0"},
           {"alerts_summary", "severity=production_overdue", "count", "1"},
           {"alerts_summary", "severity=milestone_overdue", "count", "0"},
           {"alerts_summary", "severity=reservation_expired", "count", "1"},
           {"alerts_summary", "severity=indicator_shortfall", "count", "3"},
           {"alerts_summary", "severity=all", "count", "7"});

    build(PL_REPORT_ALERTS, D3, "QDIP");
    cr_assert_eq(pl_report_alerts(rep), 3);
    build(PL_REPORT_ALERTS, "2023-01-15", NULL);
    cr_assert_eq(pl_report_alerts(rep), 0);
}

/* ---- refusals, read-only ------------------------------------------------------------ */

Test(report, refusals_and_read_only)
{
    pl_error e;
    pl_error_clear(&e);
    pl_report_options o = {"2024-02-30", NULL};
    int before = sqlite3_total_changes(db->h);
    cr_assert_eq(pl_report_build(db, PL_REPORT_LANDING, &o, &rep, &e), PL_ERR_USAGE);
    cr_assert_str_eq(e.message, "--as-of '2024-02-30' is not a date (YYYY-MM-DD, a real calendar day)");
    cr_assert_null(rep);
    o = (pl_report_options){"2024-2-3", NULL};
    cr_assert_eq(pl_report_build(db, PL_REPORT_LANDING, &o, &rep, &e), PL_ERR_USAGE);
    o = (pl_report_options){D2, "NOPE"};
    cr_assert_eq(pl_report_build(db, PL_REPORT_ALERTS, &o, &rep, &e), PL_ERR_NOTFOUND);
    cr_assert_str_eq(e.message, "no park 'NOPE' (see 'parkland park list')");
    o = (pl_report_options){"2024-02-29", NULL}; /* a leap day */
    cr_assert_eq(pl_report_build(db, PL_REPORT_AVAILABILITY, &o, &rep, &e), PL_OK, "%s", e.message);
    cr_assert_eq(sqlite3_total_changes(db->h), before, "a report changes nothing");
    cr_assert(sqlite3_get_autocommit(db->h), "no transaction left open");
    /* default: today */
    pl_report_free(rep);
    rep = NULL;
    cr_assert_eq(pl_report_build(db, PL_REPORT_AVAILABILITY, NULL, &rep, &e), PL_OK, "%s", e.message);
    char today[16];
    pl_today(today, sizeof today);
    cr_assert_str_eq(pl_report_as_of(rep), today);
    FILE *f = fopen("/dev/null", "w");
    cr_assert_eq(pl_report_write(rep, f, PL_REPORT_XLSX, &e), PL_ERR_USAGE);
    fclose(f);
}

/* ---- formats -------------------------------------------------------------------------- */

static char *write_mem(pl_report_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_report_write(rep, f, fmt, &e), PL_OK, "%s", e.message);
    fclose(f);
    return buf;
}

Test(report, text_is_aligned_with_cjk_double_width)
{
    build(PL_REPORT_AVAILABILITY, D2, NULL);
    char *txt = write_mem(PL_REPORT_TEXT);
    cr_assert(!strncmp(txt, "可供土地 land availability — 截至 as of 2024-06-30; 全部园区 all parks\n", 80), "%s", txt);
    cr_assert(strstr(txt, "\nQDIP        示范园区            reserved      预留               1    60.00   4.0000\n"),
              "%s", txt);
    /* the status table: rule and rows have the same display width (last column numeric) */
    char *p = strstr(txt, "宗地按园区、状态 parcels and area by park and status\n");
    cr_assert_not_null(p);
    p = strchr(p, '\n') + 1;
    p = strchr(p, '\n') + 1; /* header */
    size_t width = 0, lines = 0, bytes_differ = 0, first_bytes = 0;
    while (*p && *p != '\n') {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        size_t w = pl_display_width(p);
        if (!lines) {
            width = w;
            first_bytes = strlen(p);
        }
        cr_assert_eq(w, width, "line %zu '%s': width %zu, expected %zu", lines, p, w, width);
        bytes_differ |= strlen(p) != first_bytes;
        lines++;
        p = nl + 1;
    }
    cr_assert_eq(lines, 41, "rule + 40 rows");
    cr_assert(bytes_differ, "CJK makes byte lengths differ while widths agree");
    free(txt);
}

Test(report, csv_has_bom_title_rows_and_blank_lines)
{
    build(PL_REPORT_AVAILABILITY, D2, "QDIP");
    char *csv = write_mem(PL_REPORT_CSV);
    cr_assert(!strncmp(csv, "\xEF\xBB\xBF宗地按园区、状态 parcels and area by park and status — 截至 as of 2024-06-30; "
                            "园区 park QDIP\r\npark,park_name,status,status_zh,parcels,area_mu,area_ha\r\n"
                            "QDIP,示范园区,reserve,储备,0,0.00,0.0000\r\n", 180),
              "%s", csv);
    cr_assert(strstr(csv, "\r\n\r\n可供土地按面积段 free land (available) by size class (亩) — 截至 as of 2024-06-30; 园区 park "
                          "QDIP\r\npark,park_name,size_class,parcels,area_mu,area_ha\r\n"));
    cr_assert(strstr(csv, "\r\n\r\n预留地块 reserved parcels — 截至 as of 2024-06-30; 园区 park QDIP\r\n"
                          "park,code,name,area_mu,lead,company,reserved_on,expires_on,days_left,expired\r\n"
                          "QDIP,A1,地块A1,60.00,L4,丁医疗,2024-01-10,2024-04-10,-81,是 yes\r\n"),
              "%s", csv);
    cr_assert_eq(strstr(csv + 3, "\xEF\xBB\xBF"), NULL, "one BOM only");
    free(csv);
}

Test(report, json_has_null_rates_with_numerator_and_denominator)
{
    build(PL_REPORT_LANDING, D2, NULL);
    char *js = write_mem(PL_REPORT_JSON);
    json_error_t je;
    json_t *root = json_loads(js, 0, &je);
    cr_assert_not_null(root, "%s: %s", je.text, js);
    cr_assert_str_eq(json_string_value(json_object_get(root, "report")), "landing");
    cr_assert_str_eq(json_string_value(json_object_get(root, "as_of")), D2);
    cr_assert(json_is_null(json_object_get(root, "park")));
    json_t *tables = json_object_get(root, "tables");
    cr_assert_eq(json_array_size(tables), 4);
    json_t *kp = json_array_get(tables, 1);
    cr_assert_str_eq(json_string_value(json_object_get(kp, "key")), "landing_by_park");
    json_t *rows = json_object_get(kp, "rows");
    json_t *empt = NULL, *total = NULL;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        const char *park = json_string_value(json_object_get(json_array_get(rows, i), "park"));
        if (!strcmp(park, "EMPT"))
            empt = json_array_get(rows, i);
        if (!strcmp(park, TOTAL))
            total = json_array_get(rows, i);
    }
    cr_assert(empt && total);
    cr_assert(json_is_null(json_object_get(empt, "start_rate_pct")));
    cr_assert(json_is_integer(json_object_get(empt, "started")));
    cr_assert_eq(json_integer_value(json_object_get(empt, "started")), 0);
    cr_assert_eq(json_integer_value(json_object_get(empt, "start_due")), 0);
    cr_assert(json_is_null(json_object_get(empt, "invest_rate_pct")));
    cr_assert(json_real_value(json_object_get(empt, "invest_plan_wan")) == 0.0);
    cr_assert_eq(json_integer_value(json_object_get(total, "started")), 1);
    cr_assert_eq(json_integer_value(json_object_get(total, "start_due")), 3);
    cr_assert(json_real_value(json_object_get(total, "start_rate_pct")) == 33.3);
    cr_assert(json_real_value(json_object_get(total, "invest_done_wan")) == 9000.0);
    cr_assert(json_real_value(json_object_get(total, "invest_plan_wan")) == 40000.0);
    cr_assert(json_real_value(json_object_get(total, "invest_rate_pct")) == 22.5);
    json_decref(root);
    free(js);
}

/* The Debian python3 with openpyxl, else NULL. */
static const char *python_with_openpyxl(void)
{
    static const char *const cands[] = {"/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 2; i++)
        if (tu_run(NULL, NULL, "%s -c 'import openpyxl'", cands[i]) == 0)
            return cands[i];
    return NULL;
}

static const char compare_py[] =
    "import csv, io, sys, openpyxl\n"
    "wb = openpyxl.load_workbook(sys.argv[1], data_only=True)\n"
    "raw = open(sys.argv[2], encoding='utf-8', newline='').read()\n"
    "if not raw.startswith('\\ufeff'): sys.exit('csv: no BOM')\n"
    "blocks, cur = [], []\n"
    "for row in csv.reader(io.StringIO(raw[1:], newline='')):\n"
    "    if not row:\n"
    "        blocks.append(cur); cur = []\n"
    "    else:\n"
    "        cur.append(row)\n"
    "if cur: blocks.append(cur)\n"
    "if len(blocks) != len(wb.worksheets): sys.exit('%d csv tables, %d sheets' % (len(blocks), len(wb.worksheets)))\n"
    "cells = numbers = 0\n"
    "for ws, b in zip(wb.worksheets, blocks):\n"
    "    vals = [list(r) for r in ws.iter_rows(values_only=True)]\n"
    "    if vals[0][0] != b[0][0]: sys.exit('%s: title %r != %r' % (ws.title, vals[0][0], b[0][0]))\n"
    "    if len(vals[1]) != len(b[1]): sys.exit('%s: %d columns, csv %d' % (ws.title, len(vals[1]), len(b[1])))\n"
    "    if len(vals) != len(b): sys.exit('%s: %d rows, csv %d' % (ws.title, len(vals), len(b)))\n"
    "    for r, (xr, cr) in enumerate(zip(vals[2:], b[2:])):\n"
    "        for c, (x, s) in enumerate(zip(xr, cr)):\n"
    "            cells += 1\n"
    "            if isinstance(x, (int, float)):\n"
    "                numbers += 1\n"
    "                if abs(x - float(s)) > 1e-9 * max(1.0, abs(x)): sys.exit('%s!R%dC%d: %r != %r' % (ws.title, r + 3, c + 1, x, s))\n"
    "            elif (x if x is not None else '') != s:\n"
    "                sys.exit('%s!R%dC%d: %r != %r' % (ws.title, r + 3, c + 1, x, s))\n"
    "print('ok %d sheets %d cells %d numbers %s' % (len(blocks), cells, numbers, ','.join(ws.title for ws in wb.worksheets)))\n";

/* cells of numeric columns that are plain numbers */
static size_t count_numbers(void)
{
    size_t n = 0;
    for (size_t t = 0; t < pl_report_table_count(rep); t++)
        for (size_t row = 0; row < pl_report_table_rows(rep, t); row++)
            for (size_t c = 0; c < pl_report_table_cols(rep, t); c++) {
                const char *s = pl_report_cell(rep, t, row, c);
                char *end;
                if (*s && strcmp(s, DASH) && (strtod(s, &end), !*end))
                    n++;
            }
    return n;
}

static void xlsx_matches_csv(pl_report_kind kind, const char *as_of, const char *sheets)
{
    const char *py = python_with_openpyxl();
    if (!py)
        cr_skip("python3-openpyxl is not installed (scripts/install-deps installs it)");
    build(kind, as_of, NULL);
    pl_error e;
    pl_error_clear(&e);
    char xlsx[1024], csvp[1024], script[1024];
    snprintf(xlsx, sizeof xlsx, "%s", tu_tmp("r.xlsx"));
    snprintf(csvp, sizeof csvp, "%s", tu_tmp("r.csv"));
    snprintf(script, sizeof script, "%s", tu_tmp("compare.py"));
    unlink(xlsx);
    unlink(csvp);
    cr_assert_eq(pl_report_save(rep, xlsx, PL_REPORT_XLSX, 0, &e), PL_OK, "%s", e.message);
    cr_assert_eq(pl_report_save(rep, csvp, PL_REPORT_CSV, 0, &e), PL_OK, "%s", e.message);
    tu_write_file(script, compare_py, (size_t)-1);
    int st = tu_run(&out, &err, "%s '%s' '%s' '%s'", py, script, xlsx, csvp);
    cr_assert_eq(st, 0, "%s%s", out, err);
    size_t cells = 0;
    for (size_t t = 0; t < pl_report_table_count(rep); t++)
        cells += pl_report_table_rows(rep, t) * pl_report_table_cols(rep, t);
    char want[512];
    snprintf(want, sizeof want, "ok %zu sheets %zu cells %zu numbers %s\n", pl_report_table_count(rep), cells,
             count_numbers(), sheets);
    cr_assert_str_eq(out, want, "numbers are numbers in the workbook, text is text");
}

Test(report, xlsx_read_back_matches_csv_landing)
{
    xlsx_matches_csv(PL_REPORT_LANDING, D2, "leads_by_park,landing_by_park,leads_by_industry,landing_by_industry");
}

Test(report, xlsx_read_back_matches_csv_availability_and_alerts)
{
    xlsx_matches_csv(PL_REPORT_AVAILABILITY, D2, "status_by_park,free_by_size,reserved");
    tu_outputs_free(&out, &err);
    xlsx_matches_csv(PL_REPORT_ALERTS, D3, "alerts_summary,alerts");
}

Test(report, save_refuses_to_overwrite_and_leaves_nothing_behind)
{
    build(PL_REPORT_ALERTS, D3, NULL);
    pl_error e;
    pl_error_clear(&e);
    const char *path = tu_tmp("exists.json");
    tu_write_file(path, "keep", 4);
    cr_assert_eq(pl_report_save(rep, path, PL_REPORT_JSON, 0, &e), PL_ERR_INPUT);
    cr_assert(strstr(e.message, "already exists; add --force to replace it"), "%s", e.message);
    char *kept = tu_read_file(path, NULL);
    cr_assert_str_eq(kept, "keep");
    free(kept);
    cr_assert_eq(pl_report_save(rep, path, PL_REPORT_JSON, 1, &e), PL_OK, "%s", e.message);
    char *js = tu_read_file(path, NULL);
    cr_assert(strstr(js, "\"alerts\": 7"), "%s", js);
    free(js);
    cr_assert_eq(pl_report_save(rep, "/nonexistent-dir/r.xlsx", PL_REPORT_XLSX, 0, &e), PL_ERR_IO);
    cr_assert_eq(tu_run(&out, NULL, "ls -a '%s' | grep -c '[.]part-'", tu_tmpdir()), 1, "no temporary file left: %s",
                 out);
}

/* The guarantees of export -o (src/output_file.c) hold for report -o, in every format. */
Test(report, save_never_follows_a_link_and_a_failed_write_keeps_the_old_file)
{
    build(PL_REPORT_ALERTS, D3, NULL);
    pl_error e;
    pl_error_clear(&e);
    static const pl_report_format fmts[] = {PL_REPORT_TEXT, PL_REPORT_CSV, PL_REPORT_JSON, PL_REPORT_XLSX};
    const char *target = tu_tmp("target.txt"), *link = tu_tmp("link.out"), *dangling = tu_tmp("dangling.out");
    tu_write_file(target, "target", (size_t)-1);
    cr_assert_eq(symlink(target, link), 0);
    cr_assert_eq(symlink(tu_tmp("nowhere"), dangling), 0);
    for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++)
        for (int force = 0; force < 2; force++) {
            cr_assert_eq(pl_report_save(rep, link, fmts[k], force, &e), PL_ERR_INPUT);
            cr_assert(strstr(e.message, "is a symbolic link"), "%s", e.message);
            cr_assert_eq(pl_report_save(rep, dangling, fmts[k], force, &e), PL_ERR_INPUT);
            cr_assert_eq(pl_report_save(rep, tu_tmpdir(), fmts[k], force, &e), PL_ERR_INPUT);
        }
    char *c = tu_read_file(target, NULL);
    cr_assert_str_eq(c, "target");
    free(c);
    cr_assert_eq(access(tu_tmp("nowhere"), F_OK), -1);
    struct stat sb;
    cr_assert_eq(lstat(link, &sb), 0);
    cr_assert(S_ISLNK(sb.st_mode), "the link itself is not replaced");

    /* a link planted at the first temporary name is neither followed nor reused */
    const char *path = tu_tmp("alerts.xlsx");
    char planted[1024];
    snprintf(planted, sizeof planted, "%s/.alerts.xlsx.part-%ld-0", tu_tmpdir(), (long)getpid());
    cr_assert_eq(symlink(target, planted), 0);
    cr_assert_eq(pl_report_save(rep, path, PL_REPORT_XLSX, 0, &e), PL_OK, "%s", e.message);
    c = tu_read_file(target, NULL);
    cr_assert_str_eq(c, "target", "the planted link's target was written");
    free(c);
    size_t len;
    c = tu_read_file(path, &len);
    cr_assert(len > 1000 && !memcmp(c, "PK\x03\x04", 4), "a zip file");
    free(c);
    cr_assert_eq(unlink(planted), 0);

    /* a write that fails (the file size limit, as a full disk would) keeps the old file and leaves nothing */
    const char *csvp = tu_tmp("alerts.csv");
    tu_write_file(csvp, "old", (size_t)-1);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old_lim, lim;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old_lim), 0);
    lim = old_lim;
    lim.rlim_cur = 100; /* bytes: the report is longer */
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc_csv = pl_report_save(rep, csvp, PL_REPORT_CSV, 1, &e);
    char msg_csv[sizeof e.message];
    snprintf(msg_csv, sizeof msg_csv, "%s", e.message);
    int rc_xlsx = pl_report_save(rep, path, PL_REPORT_XLSX, 1, &e);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old_lim), 0);
    cr_assert_eq(rc_csv, PL_ERR_IO, "%s", msg_csv);
    cr_assert(strstr(msg_csv, "cannot write"), "%s", msg_csv);
    cr_assert_eq(rc_xlsx, PL_ERR_IO, "%s", e.message);
    c = tu_read_file(csvp, NULL);
    cr_assert_str_eq(c, "old");
    free(c);
    c = tu_read_file(path, &len);
    cr_assert(len > 1000 && !memcmp(c, "PK\x03\x04", 4), "the workbook written before is whole");
    free(c);
    cr_assert_eq(tu_run(&out, NULL, "ls -a '%s' | grep -c '[.]part-'", tu_tmpdir()), 1, "no temporary file left: %s",
                 out);
}

/* ---- the command line --------------------------------------------------------------- */

Test(report, cli_contract)
{
    pl_db_close(db); /* the CLI opens the file itself */
    db = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report"), 2);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report --help"), 0);
    cr_assert(strstr(out, "--fail-on-alerts") && strstr(out, "--as-of D"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report frobs"), 2);
    cr_assert(strstr(err, "unknown report 'frobs'"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report alerts --as-of 2024-02-30"), 2);
    cr_assert(strstr(err, "'2024-02-30' is not a date"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report landing --format pdf"), 2);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report landing --format xlsx"), 2);
    cr_assert(strstr(err, "needs an output file"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report landing --fail-on-alerts"), 2);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report landing --bogus"), 2);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report landing --park NOPE"), 1);
    cr_assert_str_eq(err, "parkland: no park 'NOPE' (see 'parkland park list')\n");

    /* alerts are the answer: exit 0; --fail-on-alerts: exit 1, the report still printed */
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report alerts --as-of " D3), 0, "%s", err);
    cr_assert(strstr(out, "alerts — as of 2025-06-30; all parks"), "%s", out);
    cr_assert(strstr(out, "reclaim") && strstr(out, "收回候选"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report alerts --as-of " D3 " --fail-on-alerts"), 1);
    cr_assert_str_eq(err, "parkland: 7 alerts as of 2025-06-30 (--fail-on-alerts)\n");
    cr_assert(strstr(out, "收回候选"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report alerts --as-of 2023-01-15 --fail-on-alerts"), 0, "%s", err);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report alerts --as-of " D3 " --park QDIP --fail-on-alerts --format json"),
                 1);
    cr_assert(strstr(out, "\"alerts\": 3"), "%s", out);
    cr_assert_str_eq(err, "parkland: 3 alerts as of 2025-06-30 (--fail-on-alerts)\n");

    /* files: temporary then renamed; an existing file needs --force */
    const char *x = tu_tmp("landing.xlsx");
    cr_assert_eq(tu_cli(&out, &err, dbpath,
                        "report landing --as-of " D2 " --format xlsx -o %s", tu_q(x)), 0, "%s", err);
    cr_assert(strstr(out, "wrote landing report as of 2024-06-30 → "), "%s", out);
    cr_assert(strstr(out, "(xlsx, 4 tables)"), "%s", out);
    size_t len;
    char *bytes = tu_read_file(x, &len);
    cr_assert(len > 1000 && !memcmp(bytes, "PK\x03\x04", 4), "a zip file");
    free(bytes);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report availability --format xlsx -o %s", tu_q(x)), 1);
    cr_assert(strstr(err, "already exists; add --force to replace it"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report availability --format xlsx -o %s --force", tu_q(x)), 0, "%s", err);
    const char *c = tu_tmp("avail.csv");
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report availability --as-of " D1 " --format csv --output=%s", tu_q(c)), 0,
                                            "%s", err);
    char *csv = tu_read_file(c, NULL);
    cr_assert(!strncmp(csv, "\xEF\xBB\xBF", 3));
    cr_assert(strstr(csv, TOTAL ",全部园区 all parks,all,合计,9,890.00,59.3333\r\n"), "%s", csv);
    free(csv);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report landing --as-of " D2 " --format csv --keys"), 0);
    cr_assert(strstr(out, "JMIP,即墨园区,1,20000.00,1,120.00,0,1,0.0,0,0,—,0.00,10000.00,0.0,0.00,0.0\r\n"), "%s", out);
    cr_assert(strstr(out, "EMPT,空园区,0,0.00,0,0.00,0,0,—,0,0,—,0.00,0.00,—,0.00,—\r\n"), "%s", out);
    cr_assert_eq(tu_rerun(&out, &err, "ls -a '%s' | grep -c tmp-", tu_tmpdir()), 1, "no temporary file left: %s",
                 out);
}

/* The idle fee: 20 % of the recorded transfer price (idle price) when there is one, else the
 * estimate at base price × area; the detail says which. */
Test(report, alerts_idle_fee_from_the_transfer_price)
{
    build(PL_REPORT_ALERTS, D3, NULL);
    cr_assert_str_eq(cell("alerts", 1, "subject"), "P2");
    cr_assert_str_eq(cell("alerts", 1, "idle_fee_wan"), "3000.00", "20%% × 50 万元/亩 × 300 亩");
    cr_assert(strstr(cell("alerts", 1, "detail"), "idle fee estimated at 20% of base price × area"), "%s",
              cell("alerts", 1, "detail"));
    char parcel[64];
    snprintf(parcel, sizeof parcel, "%s", cell("alerts", 1, "parcels"));
    char *sql = sqlite3_mprintf("UPDATE parcel SET transfer_price_wan = 12345 WHERE code = %Q", parcel);
    tu_sql_exec(db, sql);
    sqlite3_free(sql);
    /* P3 (B1) has no base price: no fee until its transfer price is recorded */
    cr_assert_str_eq(cell("alerts", 0, "subject"), "P3");
    cr_assert_str_eq(cell("alerts", 0, "idle_fee_wan"), "");
    tu_sql_exec(db, "UPDATE parcel SET transfer_price_wan = 800 WHERE code = 'B1'");
    build(PL_REPORT_ALERTS, D3, NULL);
    cr_assert_str_eq(cell("alerts", 1, "idle_fee_wan"), "2469.00", "20%% × 12345 万元");
    cr_assert(strstr(cell("alerts", 1, "detail"), "; 闲置费 = 20% × 成交价; idle fee = 20% of the transfer price"),
              "%s", cell("alerts", 1, "detail"));
    cr_assert_str_eq(cell("alerts", 0, "severity"), "reclaim");
    cr_assert_str_eq(cell("alerts", 0, "idle_fee_wan"), "160.00", "20%% × 800 万元");
    cr_assert(strstr(cell("alerts", 0, "detail"), "idle fee = 20% of the transfer price"), "%s",
              cell("alerts", 0, "detail"));
}
