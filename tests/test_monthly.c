/* test_monthly.c — `report monthly` and `report quarterly` (parkland/report.h)
 * on three hand-built parks: the month's counts at its boundaries (the 1st
 * and the last day, leap February 2024, a lead recorded at 23:59:59 and at
 * 00:00:00 Beijing time), the rates at the month's end, the parks ranked with
 * ties, the year-end projection and its warnings computed by hand, the XLSX
 * read back with openpyxl, and the command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkland/kpi.h"
#include "parkland/park.h"
#include "parkland/report.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];
static char *out, *errout;

/* Parks HDIP, JMIP, QDIP (ordered by code). February 2024 runs 02-01 to 02-29.
 * Leads (park they negotiate for):
 *  L1 QDIP recorded 2024-02-01 08:00 Beijing            → in February
 *  L2 QDIP recorded 2024-02-29 23:59:59 Beijing         → in
 *  L3 QDIP recorded 2024-03-01 00:00:00 Beijing         → out (March)
 *  L4 JMIP recorded 2024-01-31 23:59:59 Beijing         → out (January)
 *  L5 JMIP recorded 2026, first stage move 2024-02-10   → in
 *  L6 no park, recorded 2026, never moved, dated 2024-02-15 → in (the "no park" row)
 *  L7 no park, recorded 2026, never moved, dated 2024-01-20 → out (January)
 *  L10 the projects' lead, dated 2020-01-01             → out
 * Projects (parcels → parks):
 *  P1 QDIP signed 2024-02-01, 10000 万元; start agreed = actual 2024-02-29; progress 2024-02 300,
 *     2024-03 500; plan 2024 1000; funds 2024-03 2000
 *  P2 QDIP + JMIP signed 2024-02-29, 5000; progress 2024-02 200; plan 2024 1000
 *  P3 JMIP signed 2024-01-31, 8000; start 2024-01-31 = agreed; completion agreed 2024-02-29, actual 2024-02-01;
 *     progress 2024-01 100; plan 2024 3000; funds 2024-02 8000
 *  P4 QDIP signed 2024-03-01 (after February)
 *  P5 HDIP signed 2024-02-10, 3000, terminated 2024-02-20 (not in force at the month's end)
 *  P6 HDIP signed 2023-06-01; start agreed 2024-03-15, actual 2024-02-01 (early)
 *  P7 HDIP signed 2022-01-01; start agreed 2023-03-01, not started: day 365 on 2024-02-29 → idle
 *  P8 HDIP signed 2022-01-01; start agreed 2023-03-02, not started: day 364 → not idle
 *  P9 QDIP signed 2023-01-01, 10000; funds 2023-06 9000 */
static const char dataset[] =
    "INSERT INTO lead(id, code, company, stage, stage_date, created_at, updated_at, park_id) VALUES"
    " (1, 'L1', '甲', 'new', '2024-02-01', '2024-02-01T00:00:00Z', 'x', (SELECT id FROM park WHERE code = 'QDIP')),"
    " (2, 'L2', '乙', 'new', '2024-02-29', '2024-02-29T15:59:59Z', 'x', (SELECT id FROM park WHERE code = 'QDIP')),"
    " (3, 'L3', '丙', 'new', '2024-03-01', '2024-02-29T16:00:00Z', 'x', (SELECT id FROM park WHERE code = 'QDIP')),"
    " (4, 'L4', '丁', 'new', '2024-01-31', '2024-01-31T15:59:59Z', 'x', (SELECT id FROM park WHERE code = 'JMIP')),"
    " (5, 'L5', '戊', 'visited', '2024-03-05', '2026-12-01T00:00:00Z', 'x', (SELECT id FROM park WHERE code = 'JMIP')),"
    " (6, 'L6', '己', 'new', '2024-02-15', '2026-12-01T00:00:00Z', 'x', NULL),"
    " (7, 'L7', '庚', 'new', '2024-01-20', '2026-12-01T00:00:00Z', 'x', NULL),"
    " (10, 'L10', '企业', 'signed', '2020-01-01', 'x', 'x', NULL);"
    "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, effective) VALUES"
    " ('lead', 5, 'L5', 'stage', 'new', 'contacted', '2026-12-01T00:00:00Z', 't', '2024-02-10'),"
    " ('lead', 5, 'L5', 'stage', 'contacted', 'visited', '2026-12-01T00:00:00Z', 't', '2024-03-05');"
    "INSERT INTO project(id, code, lead_id, signed_on, investment, terminated_on, created_at, updated_at) VALUES"
    " (1, 'P1', 10, '2024-02-01', 10000, NULL, 'x', 'x'), (2, 'P2', 10, '2024-02-29', 5000, NULL, 'x', 'x'),"
    " (3, 'P3', 10, '2024-01-31', 8000, NULL, 'x', 'x'), (4, 'P4', 10, '2024-03-01', NULL, NULL, 'x', 'x'),"
    " (5, 'P5', 10, '2024-02-10', 3000, '2024-02-20', 'x', 'x'), (6, 'P6', 10, '2023-06-01', NULL, NULL, 'x', 'x'),"
    " (7, 'P7', 10, '2022-01-01', NULL, NULL, 'x', 'x'), (8, 'P8', 10, '2022-01-01', NULL, NULL, 'x', 'x'),"
    " (9, 'P9', 10, '2023-01-01', 10000, NULL, 'x', 'x');"
    "INSERT INTO project_parcel(project_id, parcel_id) SELECT p.id, c.id FROM project p JOIN parcel c"
    " ON c.code = 'A' || p.id OR c.code = 'B' || p.id;"
    "INSERT INTO milestone(project_id, kind, planned, actual) VALUES"
    " (1, 'construction', '2024-02-29', '2024-02-29'),"
    " (3, 'construction', '2024-01-31', '2024-01-31'), (3, 'completion', '2024-02-29', '2024-02-01'),"
    " (6, 'construction', '2024-03-15', '2024-02-01'),"
    " (7, 'construction', '2023-03-01', NULL), (8, 'construction', '2023-03-02', NULL);"
    "INSERT INTO investment_progress(project_id, period, amount, recorded_at) VALUES"
    " (1, '2024-02', 300, 'x'), (1, '2024-03', 500, 'x'), (2, '2024-02', 200, 'x'), (3, '2024-01', 100, 'x');"
    "INSERT INTO investment_plan(project_id, year, amount) VALUES (1, 2024, 1000), (2, 2024, 1000), (3, 2024, 3000);"
    "INSERT INTO project_funds(project_id, period, amount, recorded_at) VALUES"
    " (1, '2024-03', 2000, 'x'), (3, '2024-02', 8000, 'x'), (9, '2023-06', 9000, 'x');";

static void setup(void)
{
    db = tu_db_new("monthly.db", dbpath);
    tu_park_qdip(db);
    tu_park_jmip(db);
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_park_add(db, "HDIP", "海岛园区", "Island park", "黄岛区", NULL, &e), PL_OK, "%s", e.message);
    static const struct {
        const char *park, *code;
    } parcels[] = {{"QDIP", "A1"}, {"QDIP", "A2"}, {"JMIP", "B2"}, {"JMIP", "A3"}, {"QDIP", "A4"},
                   {"HDIP", "A5"}, {"HDIP", "A6"}, {"HDIP", "A7"}, {"HDIP", "A8"}, {"QDIP", "A9"}};
    for (size_t i = 0; i < sizeof parcels / sizeof *parcels; i++) {
        double x = 500000 + 1000.0 * (double)i;
        tu_add_rect(db, parcels[i].park, parcels[i].code, "transferred", x, x + 200, 4000000, 4000200);
    }
    tu_sql_exec(db, dataset);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
    tu_db_close(db);
}

TestSuite(monthly, .init = setup, .fini = teardown);

static pl_report *monthly(const char *month, const char *park)
{
    pl_report *r = NULL;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_report_build_monthly(db, month, park, &r, &e), PL_OK, "%s", e.message);
    return r;
}

#define CELL(r, table, where, col, want)                                                                           \
    do {                                                                                                           \
        const char *got_ = pl_report_get((r), (table), (where), (col));                                            \
        cr_expect(got_ && !strcmp(got_, (want)), "%s [%s] %s: '%s', expected '%s'", (table), (where), (col),       \
                  got_ ? got_ : "(none)", (want));                                                                 \
    } while (0)

Test(monthly, february_2024_counts_at_the_boundaries)
{
    pl_report *r = monthly("2024-02", NULL);
    cr_expect_str_eq(pl_report_as_of(r), "2024-02-29", "leap February ends on the 29th");
    cr_expect_eq(pl_report_kind_of(r), PL_REPORT_MONTHLY);
    /* new leads: L1 (the 1st), L2 (the 29th, 23:59:59); not L3 (00:00 on 03-01) nor L4 (01-31) */
    CELL(r, "monthly", "park=QDIP", "new_leads", "2");
    CELL(r, "monthly", "park=JMIP", "new_leads", "1"); /* L5 by its first move */
    CELL(r, "monthly", "park=HDIP", "new_leads", "0");
    CELL(r, "monthly", "park=无园区 no park", "new_leads", "1"); /* L6; not L7 */
    CELL(r, "monthly", "park=合计 total", "new_leads", "4");
    /* signings: P1 (the 1st), P2 (the 29th) — P2 in both of its parks, once in the total; not P3 (01-31),
     * P4 (03-01), P5 (terminated in the month) */
    CELL(r, "monthly", "park=QDIP", "signings", "2");
    CELL(r, "monthly", "park=QDIP", "signed_investment_wan", "15000.00");
    CELL(r, "monthly", "park=JMIP", "signings", "1");
    CELL(r, "monthly", "park=JMIP", "signed_investment_wan", "5000.00");
    CELL(r, "monthly", "park=HDIP", "signings", "0");
    CELL(r, "monthly", "park=合计 total", "signings", "2");
    CELL(r, "monthly", "park=合计 total", "signed_investment_wan", "15000.00");
    /* investment completed in February: P1 300 + P2 200 (not March's 500, not January's 100) */
    CELL(r, "monthly", "park=QDIP", "invest_done_wan", "500.00");
    CELL(r, "monthly", "park=JMIP", "invest_done_wan", "200.00");
    CELL(r, "monthly", "park=合计 total", "invest_done_wan", "500.00");
    /* starts: P1 on the 29th, P6 on the 1st (ahead of its agreed date); P3 on 01-31 is January's */
    CELL(r, "monthly", "park=QDIP", "starts", "1");
    CELL(r, "monthly", "park=JMIP", "starts", "0");
    CELL(r, "monthly", "park=HDIP", "starts", "1");
    CELL(r, "monthly", "park=合计 total", "starts", "2");
    CELL(r, "monthly", "park=JMIP", "completions", "1"); /* P3 on the 1st */
    CELL(r, "monthly", "park=合计 total", "completions", "1");
    /* idle: P7 is on day 365 of its agreed start, P8 on day 364 */
    CELL(r, "monthly", "park=HDIP", "idle_open", "1");
    CELL(r, "monthly", "park=QDIP", "idle_open", "0");
    CELL(r, "monthly", "park=合计 total", "idle_open", "1");
    /* the rates at the month's end: HDIP's start: P6 started early (numerator only), P7 and P8 due → 1/2 */
    CELL(r, "monthly", "park=HDIP", "start_rate", "50.0");
    CELL(r, "monthly_rates", "park=HDIP;kpi=start_rate", "numerator", "1");
    CELL(r, "monthly_rates", "park=HDIP;kpi=start_rate", "denominator", "2");
    CELL(r, "monthly_rates", "park=HDIP;kpi=start_rate", "target_pct", "90.0");
    CELL(r, "monthly_rates", "park=HDIP;kpi=start_rate", "met", "not met 未达标");
    CELL(r, "monthly", "park=QDIP", "start_rate", "100.0");
    CELL(r, "monthly_rates", "park=QDIP;kpi=start_rate", "met", "met 达标");
    /* QDIP's funds: P9's 9000 (P1's 2000 is March's) ÷ 10000 + 5000 + 10000 */
    CELL(r, "monthly_rates", "park=QDIP;kpi=funds_rate", "numerator", "9000.00");
    CELL(r, "monthly_rates", "park=QDIP;kpi=funds_rate", "denominator", "25000.00");
    CELL(r, "monthly", "park=QDIP", "funds_rate", "36.0");
    CELL(r, "monthly", "park=HDIP", "funds_rate", "—");
    CELL(r, "monthly", "park=JMIP", "completion_rate", "100.0");
    /* every column of the main table has its definition */
    for (size_t c = 0; c < pl_report_table_cols(r, 0); c++) {
        const char *key = pl_report_col_key(r, 0, c);
        char where[96];
        snprintf(where, sizeof where, "column=%s", key);
        if (strcmp(key, "park_name"))
            cr_expect(pl_report_get(r, "monthly_definitions", where, "definition"), "no definition of %s", key);
    }
    pl_report_free(r);
}

Test(monthly, other_months_and_one_park)
{
    pl_report *r = monthly("2024-01", NULL);
    cr_expect_str_eq(pl_report_as_of(r), "2024-01-31");
    CELL(r, "monthly", "park=JMIP", "new_leads", "1");       /* L4 at 23:59:59 on the 31st */
    CELL(r, "monthly", "park=无园区 no park", "new_leads", "1"); /* L7 */
    CELL(r, "monthly", "park=JMIP", "signings", "1");        /* P3 on the 31st */
    CELL(r, "monthly", "park=JMIP", "signed_investment_wan", "8000.00");
    CELL(r, "monthly", "park=JMIP", "starts", "1");
    CELL(r, "monthly", "park=JMIP", "invest_done_wan", "100.00");
    CELL(r, "monthly", "park=HDIP", "idle_open", "0"); /* P7 on day 336 */
    pl_report_free(r);
    r = monthly("2024-03", NULL);
    CELL(r, "monthly", "park=QDIP", "new_leads", "1"); /* L3 at 00:00:00 on the 1st */
    CELL(r, "monthly", "park=QDIP", "signings", "1");  /* P4 */
    CELL(r, "monthly", "park=QDIP", "invest_done_wan", "500.00");
    CELL(r, "monthly", "park=HDIP", "idle_open", "2"); /* P8 too, from 03-01 */
    pl_report_free(r);
    r = monthly("2023-02", NULL);
    cr_expect_str_eq(pl_report_as_of(r), "2023-02-28");
    pl_report_free(r);
    /* one park: its row and a total of the same; no "no park" row */
    r = monthly("2024-02", "JMIP");
    cr_expect_eq(pl_report_table_rows(r, 0), 2);
    CELL(r, "monthly", "park=合计 total", "new_leads", "1");
    CELL(r, "monthly", "park=合计 total", "signings", "1");
    CELL(r, "monthly", "park=合计 total", "signed_investment_wan", "5000.00");
    CELL(r, "monthly", "park=合计 total", "completions", "1");
    cr_expect_null(pl_report_get(r, "monthly", "park=无园区 no park", "new_leads"));
    pl_report_free(r);
    /* refusals */
    pl_error e;
    pl_error_clear(&e);
    static const char *const bad[] = {"2024-13", "2024-00", "2024-2-1", "24-02", "2024/02", "", "2024-02x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_expect_eq(pl_report_build_monthly(db, bad[i], NULL, &r, &e), PL_ERR_USAGE, "%s", bad[i]);
        cr_expect_null(r);
    }
    cr_expect_eq(pl_report_build_monthly(db, "2024-02", "NOPE", &r, &e), PL_ERR_NOTFOUND);
}

/* ---- the quarterly assessment ---------------------------------------------------------- */

Test(monthly, projection_by_hand)
{
    /* linear: 60 at the end of Q2, 80 at the year's start: 60 + (60 − 80) × 2 ÷ 2 = 40 */
    cr_expect_float_eq(pl_report_projection(PL_KPI_START, 2, 60, 80), 40, 1e-9);
    /* Q1: 50 + (50 − 20) × 3 ÷ 1 = 140 */
    cr_expect_float_eq(pl_report_projection(PL_KPI_FUNDS, 1, 50, 20), 140, 1e-9);
    /* Q3: 70 + (70 − 40) × 1 ÷ 3 = 80 */
    cr_expect_float_eq(pl_report_projection(PL_KPI_COMPLETION, 3, 70, 40), 80, 1e-9);
    /* run rate of the year's investment: 60 × 4 ÷ 3 = 80, whatever the year's start */
    cr_expect_float_eq(pl_report_projection(PL_KPI_INVEST, 3, 60, 99), 80, 1e-9);
    cr_expect_float_eq(pl_report_projection(PL_KPI_INVEST, 1, 7.5, NAN), 30, 1e-9);
    /* no rate at the year's start: flat; never below 0; Q4: the value */
    cr_expect_float_eq(pl_report_projection(PL_KPI_FUNDS, 1, 61.5, NAN), 61.5, 1e-9);
    cr_expect_float_eq(pl_report_projection(PL_KPI_FUNDS, 1, 44, 90), 0, 1e-9);
    cr_expect_float_eq(pl_report_projection(PL_KPI_START, 4, 70, 10), 70, 1e-9);
    cr_expect(isnan(pl_report_projection(PL_KPI_START, 2, NAN, 50)));
}

Test(monthly, quarterly_ranks_ties_and_warnings)
{
    pl_report *r = NULL;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_report_build_quarterly(db, "2024-Q1", &r, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(pl_report_as_of(r), "2024-03-31");
    /* start rate at 03-31: JMIP 1/1, QDIP 1/1 (tie: both 1st), HDIP P6 of P6, P7, P8 = 33.3 (3rd) */
    CELL(r, "quarterly", "park=JMIP;kpi=start_rate", "rate_pct", "100.0");
    CELL(r, "quarterly", "park=QDIP;kpi=start_rate", "rank", "1");
    CELL(r, "quarterly", "park=JMIP;kpi=start_rate", "rank", "1");
    CELL(r, "quarterly", "park=HDIP;kpi=start_rate", "rate_pct", "33.3");
    CELL(r, "quarterly", "park=HDIP;kpi=start_rate", "rank", "3");
    /* HDIP at the year's start: P7, P8 due, none started → 0; 100/3 + (100/3 − 0) × 3 = 133.3: no warning */
    CELL(r, "quarterly", "park=HDIP;kpi=start_rate", "year_start_pct", "0.0");
    CELL(r, "quarterly", "park=HDIP;kpi=start_rate", "projected_pct", "133.3");
    CELL(r, "quarterly", "park=HDIP;kpi=start_rate", "warning", "");
    /* funds: QDIP (2000 + 9000) ÷ 25000 = 44.0, 90.0 at the year's start (P9 alone): 44 − 46 × 3 < 0 → 0 */
    CELL(r, "quarterly", "park=QDIP;kpi=funds_rate", "rate_pct", "44.0");
    CELL(r, "quarterly", "park=QDIP;kpi=funds_rate", "year_start_pct", "90.0");
    CELL(r, "quarterly", "park=QDIP;kpi=funds_rate", "projected_pct", "0.0");
    CELL(r, "quarterly", "park=QDIP;kpi=funds_rate", "warning", "warning 预警");
    CELL(r, "quarterly", "park=QDIP;kpi=funds_rate", "rank", "2");
    /* JMIP 8000 ÷ 13000 = 61.5, no projects at the year's start: flat 61.5 < 80 → warning; rank 1 */
    CELL(r, "quarterly", "park=JMIP;kpi=funds_rate", "rate_pct", "61.5");
    CELL(r, "quarterly", "park=JMIP;kpi=funds_rate", "year_start_pct", "—");
    CELL(r, "quarterly", "park=JMIP;kpi=funds_rate", "projected_pct", "61.5");
    CELL(r, "quarterly", "park=JMIP;kpi=funds_rate", "rank", "1");
    CELL(r, "quarterly", "park=HDIP;kpi=funds_rate", "rank", "—");
    /* the year's investment: QDIP (300 + 500 + 200) ÷ 2000 = 50.0 → × 4 = 200.0; JMIP (200 + 100) ÷ 4000 = 7.5
     * → 30.0 < 80: warning; the total (800 + 200 + 100) ÷ 5000 = 22.0 → 88.0 ≥ 80 */
    CELL(r, "quarterly", "park=QDIP;kpi=invest_rate", "projected_pct", "200.0");
    CELL(r, "quarterly", "park=QDIP;kpi=invest_rate", "warning", "");
    CELL(r, "quarterly", "park=JMIP;kpi=invest_rate", "rate_pct", "7.5");
    CELL(r, "quarterly", "park=JMIP;kpi=invest_rate", "projected_pct", "30.0");
    CELL(r, "quarterly", "park=JMIP;kpi=invest_rate", "year_start_pct", "0.0"); /* from 0 each year */
    CELL(r, "quarterly", "park=HDIP;kpi=invest_rate", "year_start_pct", "—");   /* no plan, no rate */
    CELL(r, "quarterly", "park=JMIP;kpi=invest_rate", "warning", "warning 预警");
    CELL(r, "quarterly", "park=合计 total;kpi=invest_rate", "rate_pct", "22.0");
    CELL(r, "quarterly", "park=合计 total;kpi=invest_rate", "projected_pct", "88.0");
    CELL(r, "quarterly", "park=合计 total;kpi=invest_rate", "warning", "");
    CELL(r, "quarterly", "park=合计 total;kpi=invest_rate", "rank", "");
    /* ranks table: stars JMIP 2 (start, on-time completion), QDIP 1 (start), HDIP 0 */
    CELL(r, "quarterly_ranks", "park=JMIP", "stars", "2");
    CELL(r, "quarterly_ranks", "park=JMIP", "stars_rank", "1");
    CELL(r, "quarterly_ranks", "park=QDIP", "stars", "1");
    CELL(r, "quarterly_ranks", "park=QDIP", "stars_rank", "2");
    CELL(r, "quarterly_ranks", "park=HDIP", "stars_rank", "3");
    CELL(r, "quarterly_ranks", "park=QDIP", "start_rate", "1");
    CELL(r, "quarterly_ranks", "park=JMIP", "start_rate", "1");
    CELL(r, "quarterly_ranks", "park=HDIP", "start_rate", "3");
    CELL(r, "quarterly_ranks", "park=QDIP", "warnings", "1");
    CELL(r, "quarterly_ranks", "park=JMIP", "warnings", "2");
    CELL(r, "quarterly_ranks", "park=HDIP", "warnings", "0");
    /* the total's funds: (2000 + 8000 + 9000) ÷ 33000 = 57.6, 90.0 at the year's start (P9) → 0: warned too */
    CELL(r, "quarterly", "park=合计 total;kpi=funds_rate", "rate_pct", "57.6");
    CELL(r, "quarterly", "park=合计 total;kpi=funds_rate", "warning", "warning 预警");
    cr_expect_eq(pl_report_table_rows(r, 2), 4, "QDIP funds, JMIP funds and investment, the total's funds");
    CELL(r, "quarterly_warnings", "park=JMIP;kpi=invest_rate", "target_pct", "80.0");
    cr_expect(pl_report_get(r, "quarterly_definitions", "column=projected_pct", "definition"));
    pl_report_free(r);
    /* a park's own target moves the warning: JMIP's funds at 60 → 61.5 meets it */
    cr_assert_eq(pl_kpi_set_target(db, "JMIP", PL_KPI_FUNDS, 60, &e), PL_OK, "%s", e.message);
    cr_assert_eq(pl_report_build_quarterly(db, "2024-q1", &r, &e), PL_OK, "%s", e.message);
    CELL(r, "quarterly", "park=JMIP;kpi=funds_rate", "warning", "");
    CELL(r, "quarterly", "park=JMIP;kpi=funds_rate", "met", "met 达标");
    CELL(r, "quarterly_ranks", "park=JMIP", "stars", "3");
    pl_report_free(r);
    /* Q4: the projection is the value */
    cr_assert_eq(pl_report_build_quarterly(db, "2024-Q4", &r, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(pl_report_as_of(r), "2024-12-31");
    const char *v = pl_report_get(r, "quarterly", "park=QDIP;kpi=funds_rate", "rate_pct");
    cr_assert(v);
    CELL(r, "quarterly", "park=QDIP;kpi=funds_rate", "projected_pct", v);
    pl_report_free(r);
    static const char *const bad[] = {"2024-Q5", "2024-Q0", "2024Q1", "2024-1", "2024-Q12", "abcd-Q1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_expect_eq(pl_report_build_quarterly(db, bad[i], &r, &e), PL_ERR_USAGE, "%s", bad[i]);
}

/* ---- the command line and the workbook ------------------------------------------------- */

static const char xlsx_py[] =
    "import sys, openpyxl\n"
    "wb = openpyxl.load_workbook(sys.argv[1])\n"
    "print('|'.join(ws.title for ws in wb.worksheets))\n"
    "ws = wb[sys.argv[2]]\n"
    "rows = list(ws.iter_rows(values_only=True))\n"
    "print(rows[0][0])\n"
    "for r in rows[2:]:\n"
    "    print(';'.join('%s' % v for v in r if v is not None))\n";

static const char *python_with_openpyxl(void)
{
    static const char *const cands[] = {"/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 2; i++)
        if (tu_run(NULL, NULL, "%s -c 'import openpyxl' 2>/dev/null", cands[i]) == 0)
            return cands[i];
    return NULL;
}

Test(monthly, command_line_text_csv_json_xlsx)
{
    tu_db_close(db);
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-02 --format csv"), 0, "%s", errout);
    cr_expect(strstr(out, "QDIP,示范园区,2,2,15000.00,500.00,1,0,0,100.0,"), "%s", out);
    cr_expect(strstr(out, "合计 total,,4,2,15000.00,500.00,2,1,1,"), "%s", out);
    cr_expect(strstr(out, "HDIP,start_rate,开工率,1,2,50.0,90.0,not met 未达标"), "%s", out);
    cr_expect(strstr(out, "monthly_definitions") == NULL && strstr(out, "new_leads,"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-02 --park JMIP"), 0, "%s", errout);
    cr_expect(strstr(out, "monthly statistics — month 2024-02 (as of 2024-02-29); park JMIP"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-02 --format json"), 0, "%s", errout);
    cr_expect(strstr(out, "\"report\": \"monthly\""), "%s", out);
    cr_expect(strstr(out, "\"new_leads\": 4"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report quarterly --quarter 2024-Q1 --format csv"), 0, "%s", errout);
    cr_expect(strstr(out, "JMIP,invest_rate,年度投资完成率,300.00,4000.00,7.5,80.0,not met 未达标,2,0.0,30.0,warning 预警"),
              "%s", out);
    cr_expect(strstr(out, "QDIP,start_rate,开工率,1,1,100.0,90.0,met 达标,1,—,100.0,"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report quarterly --quarter 2024-Q1"), 0, "%s", errout);
    cr_expect(strstr(out, "quarterly assessment — quarter 2024-Q1 (as of 2024-03-31)"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh report quarterly --quarter 2024-Q1"), 0, "%s", errout);
    cr_expect(strstr(out, "季度考核 — 2024年第1季度（截至 2024-03-31）"), "%s", out);
    /* refusals */
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-13"), 2);
    cr_expect(strstr(errout, "--month '2024-13' is not a month"), "%s", errout);
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "report quarterly --quarter 2024-Q5"), 2);
    cr_expect(strstr(errout, "--quarter '2024-Q5' is not a quarter"), "%s", errout);
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "report quarterly --park QDIP"), 2, "no --park: the parks are ranked");
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-02 --format xlsx"), 2);
    cr_expect_neq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-02 --park NOPE"), 0);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report monthly --help"), 0);
    cr_expect(strstr(out, "--month YYYY-MM"), "%s", out);

    /* XLSX, read back */
    char x[1024], script[1024];
    snprintf(x, sizeof x, "%s", tu_tmp("monthly.xlsx"));
    snprintf(script, sizeof script, "%s", tu_tmp("monthly.py"));
    unlink(x);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-02 --format xlsx -o %s", tu_q(x)), 0,
                 "%s", errout);
    cr_expect(strstr(out, "→"), "%s", out);
    cr_expect_neq(tu_cli(&out, &errout, dbpath, "report monthly --month 2024-02 --format xlsx -o %s", tu_q(x)), 0,
                  "an existing file needs --force");
    const char *py = python_with_openpyxl();
    if (!py)
        cr_skip("python3-openpyxl is not installed (scripts/install-deps installs it)");
    tu_write_file(script, xlsx_py, (size_t)-1);
    cr_assert_eq(tu_rerun(&out, &errout, "%s %s %s monthly", py, tu_q(script), tu_q(x)), 0, "%s", errout);
    cr_expect(strstr(out, "monthly|monthly_rates|monthly_definitions\n"), "%s", out);
    cr_expect(strstr(out, "monthly statistics — month 2024-02 (as of 2024-02-29)"), "%s", out);
    /* numbers as numbers: park, name, leads, signings, 万元, 万元, starts, completions, idle, rates */
    cr_expect(strstr(out, "QDIP;示范园区;2;2;15000;500;1;0;0;100;100;—;—;100;36;25\n"), "%s", out);
    cr_expect(strstr(out, "HDIP;海岛园区;0;0;0;0;1;0;1;50;0;—;—;0;—;—\n"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report quarterly --quarter 2024-Q1 --format xlsx -o %s --force",
                        tu_q(x)), 0, "%s", errout);
    cr_assert_eq(tu_rerun(&out, &errout, "%s %s %s quarterly_ranks", py, tu_q(script), tu_q(x)), 0, "%s", errout);
    cr_expect(strstr(out, "quarterly|quarterly_ranks|quarterly_warnings|quarterly_definitions\n"), "%s", out);
    cr_expect(strstr(out, "JMIP;即墨园区;1;1;1;1;1;1;2;2;1;2\n"), "%s", out);
    cr_expect(strstr(out, "HDIP;海岛园区;3;3;—;—;3;—;—;0;3;0\n"), "%s", out);
}
