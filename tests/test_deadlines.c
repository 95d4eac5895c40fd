/* test_deadlines.c — the deadlines of a transfer contract (parkland/deadline.h)
 * and the scored figures (parkland/kpi.h), from hand-computed cases: a late
 * handover moves the company's deadlines, an extension beyond one year warns,
 * the overdue classes at the boundary day, each rate of a hand-built set of
 * projects with its exact numerator and denominator, targets met and not met,
 * results that change with the as-of date, and the command line. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "landing.h"
#include "parkland/deadline.h"
#include "parkland/kpi.h"
#include "parkland/project.h"
#include "parkland/report.h"
#include "testutil.h"

/* ---- the rule, pure ------------------------------------------------------------------- */

Test(deadline, handover_30_days_late_moves_the_company_deadlines)
{
    pl_deadline_dates in = {
        .agreed = {"2025-03-01", "2025-06-01", "2026-06-01", "2026-09-01", "2027-03-01"},
        .actual = {"2025-03-31", NULL, NULL, NULL, NULL},
    };
    pl_deadline d[PL_DL_KINDS];
    pl_deadlines_compute(&in, "2025-04-15", d);
    cr_expect_str_eq(d[PL_DL_LAND].effective, "2025-03-01", "the government's own deadline does not move");
    cr_expect_eq(d[PL_DL_LAND].shift_days, 0);
    cr_expect(d[PL_DL_LAND].done && !d[PL_DL_LAND].on_time, "handed over, late");
    cr_expect_str_eq(d[PL_DL_START].effective, "2025-07-01");
    cr_expect_str_eq(d[PL_DL_COMPLETION].effective, "2026-07-01");
    cr_expect_str_eq(d[PL_DL_PRODUCTION].effective, "2026-10-01");
    cr_expect_str_eq(d[PL_DL_FULL].effective, "2027-03-31");
    for (int k = PL_DL_START; k < PL_DL_KINDS; k++)
        cr_expect_eq(d[k].shift_days, 30, "kind %d", k);
    /* before the handover (as of D it has not happened): nothing moves yet, 交地 is overdue */
    pl_deadlines_compute(&in, "2025-03-20", d);
    cr_expect_str_eq(d[PL_DL_START].effective, "2025-06-01");
    cr_expect_eq(d[PL_DL_START].shift_days, 0);
    cr_expect_eq(d[PL_DL_LAND].overdue_days, 19);
    /* on time or early: no shift */
    in.actual[PL_DL_LAND] = "2025-02-20";
    pl_deadlines_compute(&in, "2025-04-15", d);
    cr_expect_str_eq(d[PL_DL_START].effective, "2025-06-01");
}

Test(deadline, extension_counts_from_its_agreement_and_only_when_later)
{
    pl_deadline_dates in = {
        .agreed = {"2024-02-01", "2024-06-01", "2025-06-01", NULL, NULL},
        .actual = {"2024-03-02", NULL, NULL, NULL, NULL}, /* 30 days late (2024-02 has 29 days) */
        .extended = {NULL, "2024-12-01", "2025-06-15", NULL, NULL},
        .extended_on = {NULL, "2024-06-20", "2024-06-20", NULL, NULL},
    };
    pl_deadline d[PL_DL_KINDS];
    pl_deadlines_compute(&in, "2024-06-19", d); /* before the agreement */
    cr_expect_str_eq(d[PL_DL_START].effective, "2024-07-01");
    cr_expect_eq(d[PL_DL_START].extended, 0);
    pl_deadlines_compute(&in, "2024-06-20", d);
    cr_expect_str_eq(d[PL_DL_START].effective, "2024-12-01");
    cr_expect_eq(d[PL_DL_START].extended, 1);
    /* the completion's extension (06-15) is before the shifted deadline (07-01): the exemption stands */
    cr_expect_str_eq(d[PL_DL_COMPLETION].effective, "2025-07-01");
    cr_expect_eq(d[PL_DL_COMPLETION].extended, 0);
}

Test(deadline, overdue_from_the_day_after_the_deadline)
{
    pl_deadline_dates in = {.agreed = {"2025-03-01", "2025-06-01", "2026-06-01", "2026-09-01", NULL}};
    const char *none[PL_MS_KINDS] = {NULL, NULL, NULL, NULL};
    pl_deadline d[PL_DL_KINDS];
    pl_landing l;
    /* 交地 (the government's side) on its day and the day after */
    pl_deadlines_compute(&in, "2025-03-01", d);
    cr_expect(d[PL_DL_LAND].due);
    cr_expect_eq(d[PL_DL_LAND].overdue_days, 0);
    pl_landing_of_deadlines(1, none, d, "2025-03-01", &l);
    cr_expect_str_eq(l.cls, "signed");
    pl_deadlines_compute(&in, "2025-03-02", d);
    pl_landing_of_deadlines(1, none, d, "2025-03-02", &l);
    cr_expect_eq(l.land_overdue_days, 1);
    cr_expect_str_eq(l.cls, "overdue_land");
    /* 开工: the deadline day is not overdue; the next day is (red) */
    pl_deadlines_compute(&in, "2025-06-01", d);
    pl_landing_of_deadlines(1, none, d, "2025-06-01", &l);
    cr_expect_eq(l.overdue_days, 0);
    cr_expect_str_eq(l.cls, "overdue_land");
    pl_deadlines_compute(&in, "2025-06-02", d);
    pl_landing_of_deadlines(1, none, d, "2025-06-02", &l);
    cr_expect_eq(l.overdue_days, 1);
    cr_expect_str_eq(l.cls, "overdue", "past the agreed start is ahead of the late handover");
    /* 竣工 once started */
    const char *started[PL_MS_KINDS] = {"2025-02-20", "2025-05-01", NULL, NULL};
    in.actual[PL_DL_LAND] = "2025-02-20";
    in.actual[PL_DL_START] = "2025-05-01";
    pl_deadlines_compute(&in, "2026-06-01", d);
    pl_landing_of_deadlines(1, started, d, "2026-06-01", &l);
    cr_expect_str_eq(l.cls, "construction");
    pl_deadlines_compute(&in, "2026-06-02", d);
    pl_landing_of_deadlines(1, started, d, "2026-06-02", &l);
    cr_expect_eq(l.completion_overdue_days, 1);
    cr_expect_str_eq(l.cls, "overdue_completion");
    /* 投产 after its day, once 竣工 is done */
    const char *completed[PL_MS_KINDS] = {"2025-02-20", "2025-05-01", NULL, NULL};
    in.actual[PL_DL_COMPLETION] = "2026-05-01";
    pl_deadlines_compute(&in, "2026-09-01", d);
    pl_landing_of_deadlines(1, completed, d, "2026-09-01", &l);
    cr_expect_str_eq(l.cls, "construction");
    pl_deadlines_compute(&in, "2026-09-02", d);
    pl_landing_of_deadlines(1, completed, d, "2026-09-02", &l);
    cr_expect_str_eq(l.cls, "overdue_production");
}

/* ---- a hand-built park ------------------------------------------------------------------ */

static pl_db *db;
static char dbpath[1024];
static char *out, *errout;

/* Projects of park QDIP (as of 2025-12-31, hand-computed in the tests):
 *  P1 signed 2024-01-01, 10000 万元: land on time; start 2024-05-20 ≤ 06-01; completion 2025-05-01 ≤ 06-01;
 *     production 2025-08-01 ≤ 09-01; 达产 2026-12-01 not due. Funds 5000 (2024-03) + 3000 (2025-01).
 *  P2 signed 2024-01-01, 20000 万元: land agreed 2024-02-01, handed over 2024-03-02 (30 days late);
 *     start agreed 2024-06-01 → 07-01, started 06-25 (on time); completion agreed 2025-06-01 → 07-01,
 *     completed 2025-08-01 (late). Funds 10000 (2025-06), 5000 (2026-01: after D).
 *  P3 signed 2024-06-01, 5000 万元: start agreed 2025-03-01, not started.
 *  P4 signed 2025-01-01, no investment: land agreed 2025-06-01 not handed over; start 2026-01-01.
 *  P5 signed 2024-01-01, 1000 万元, terminated 2025-01-01. */
static const char dataset[] =
    "INSERT INTO lead(id, code, company, stage, stage_date, created_at, updated_at) VALUES"
    " (1, 'L1', '甲', 'signed', '2024-01-01', 'x', 'x'), (2, 'L2', '乙', 'signed', '2024-01-01', 'x', 'x'),"
    " (3, 'L3', '丙', 'signed', '2024-06-01', 'x', 'x'), (4, 'L4', '丁', 'signed', '2025-01-01', 'x', 'x'),"
    " (5, 'L5', '戊', 'lost', '2025-01-01', 'x', 'x');"
    "INSERT INTO project(id, code, lead_id, signed_on, investment, terminated_on, created_at, updated_at) VALUES"
    " (1, 'P1', 1, '2024-01-01', 10000, NULL, 'x', 'x'), (2, 'P2', 2, '2024-01-01', 20000, NULL, 'x', 'x'),"
    " (3, 'P3', 3, '2024-06-01', 5000, NULL, 'x', 'x'), (4, 'P4', 4, '2025-01-01', NULL, NULL, 'x', 'x'),"
    " (5, 'P5', 5, '2024-01-01', 1000, '2025-01-01', 'x', 'x');"
    "INSERT INTO project_parcel(project_id, parcel_id) SELECT p.id, c.id FROM project p JOIN parcel c"
    " ON c.code = 'A' || p.id;"
    "INSERT INTO milestone(project_id, kind, planned, actual) VALUES"
    " (1, 'land', '2024-02-01', '2024-02-01'), (1, 'construction', '2024-06-01', '2024-05-20'),"
    " (1, 'completion', '2025-06-01', '2025-05-01'), (1, 'production', '2025-09-01', '2025-08-01'),"
    " (1, 'verification', '2026-12-01', NULL),"
    " (2, 'land', '2024-02-01', '2024-03-02'), (2, 'construction', '2024-06-01', '2024-06-25'),"
    " (2, 'completion', '2025-06-01', '2025-08-01'), (2, 'production', '2026-06-01', NULL),"
    " (3, 'construction', '2025-03-01', NULL), (3, 'completion', '2026-03-01', NULL),"
    " (4, 'land', '2025-06-01', NULL), (4, 'construction', '2026-01-01', NULL);"
    "INSERT INTO project_funds(project_id, period, amount, recorded_at) VALUES"
    " (1, '2024-03', 5000, 'x'), (1, '2025-01', 3000, 'x'), (2, '2025-06', 10000, 'x'), (2, '2026-01', 5000, 'x');";

static void setup(void)
{
    db = tu_db_new("deadlines.db", dbpath);
    tu_park_qdip(db);
    for (int i = 1; i <= 5; i++) {
        char code[8];
        snprintf(code, sizeof code, "A%d", i);
        tu_add_rect(db, "QDIP", code, "transferred", 500000 + 1000 * i, 500000 + 1000 * i + 200, 4000000, 4000200);
    }
    tu_sql_exec(db, dataset);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
    tu_db_close(db);
}

TestSuite(kpi, .init = setup, .fini = teardown);

static pl_kpi_park rows[4];
static size_t nrows;

static const pl_kpi_park *figures(const char *as_of)
{
    pl_kpi_park *r = NULL;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_kpi_by_park(db, as_of, NULL, &r, &nrows, &e), PL_OK, "%s", e.message);
    cr_assert_eq(nrows, 2, "QDIP and the total");
    memcpy(rows, r, nrows * sizeof *r);
    free(r);
    cr_assert_str_eq(rows[0].park, "QDIP");
    cr_assert_str_eq(rows[1].park, "");
    return &rows[0];
}

#define EXPECT_FIG(p, k, n, d)                                                                                     \
    do {                                                                                                           \
        cr_expect_float_eq((p)->fig[k].num, (n), 1e-9, "%s numerator", pl_kpi_key(k));                             \
        cr_expect_float_eq((p)->fig[k].den, (d), 1e-9, "%s denominator", pl_kpi_key(k));                           \
    } while (0)

Test(kpi, each_rate_of_the_hand_built_set)
{
    const pl_kpi_park *p = figures("2025-12-31");
    cr_expect_eq(p->projects, 4, "P5 was terminated");
    EXPECT_FIG(p, PL_KPI_START, 2, 3);             /* P1, P2 started; P1, P2 (07-01), P3 due */
    EXPECT_FIG(p, PL_KPI_ON_TIME_START, 2, 3);     /* P2 on time thanks to the 30 days */
    EXPECT_FIG(p, PL_KPI_COMPLETION, 2, 2);
    EXPECT_FIG(p, PL_KPI_ON_TIME_COMPLETION, 1, 2); /* P2 completed 08-01 > 07-01 */
    EXPECT_FIG(p, PL_KPI_PERFORMANCE, 1, 3);       /* P1 kept all; P2 late completion; P3 no start; P4 none due */
    EXPECT_FIG(p, PL_KPI_FUNDS, 18000, 35000);     /* P4 commits nothing; P2's 2026-01 is after D */
    EXPECT_FIG(p, PL_KPI_INVEST, 0, 0);
    cr_expect_float_eq(p->fig[PL_KPI_START].pct, 200.0 / 3, 1e-9);
    cr_expect(isnan(p->fig[PL_KPI_INVEST].pct));
    cr_expect_eq(p->fig[PL_KPI_INVEST].met, -1, "no rate, no verdict");
    /* the total counts each project once: the same here */
    EXPECT_FIG(&rows[1], PL_KPI_FUNDS, 18000, 35000);
    cr_expect_eq(rows[1].projects, 4);
}

Test(kpi, targets_met_and_not_met)
{
    const pl_kpi_park *p = figures("2025-12-31");
    cr_expect_float_eq(p->fig[PL_KPI_START].target, 90, 1e-9);
    cr_expect_eq(p->fig[PL_KPI_START].met, 0, "66.7 < 90");
    cr_expect_float_eq(p->fig[PL_KPI_ON_TIME_COMPLETION].target, 100, 1e-9);
    cr_expect_eq(p->fig[PL_KPI_ON_TIME_COMPLETION].met, 0);
    cr_expect_eq(p->fig[PL_KPI_FUNDS].met, 0, "51.4 < 80");
    cr_expect_eq(p->fig[PL_KPI_PERFORMANCE].met, -1, "no default target");
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_kpi_set_target(db, "QDIP", PL_KPI_FUNDS, 50, &e), PL_OK, "%s", e.message);
    cr_assert_eq(pl_kpi_set_target(db, NULL, PL_KPI_ON_TIME_COMPLETION, 50, &e), PL_OK, "%s", e.message);
    cr_assert_eq(pl_kpi_set_target(db, NULL, PL_KPI_FUNDS, 60, &e), PL_OK, "%s", e.message);
    p = figures("2025-12-31");
    cr_expect_eq(p->fig[PL_KPI_FUNDS].met, 1, "the park's own 50 ≤ 51.4");
    cr_expect_float_eq(rows[1].fig[PL_KPI_FUNDS].target, 60, 1e-9, "the total takes the global target");
    cr_expect_eq(rows[1].fig[PL_KPI_FUNDS].met, 0);
    cr_expect_eq(p->fig[PL_KPI_ON_TIME_COMPLETION].met, 1, "50.0 ≥ the global 50 exactly");
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'park' AND field = 'target funds_rate'"),
                 2);
    /* removed: back to the global one, then the default */
    cr_assert_eq(pl_kpi_set_target(db, "QDIP", PL_KPI_FUNDS, NAN, &e), PL_OK, "%s", e.message);
    double pct;
    const char *src;
    cr_assert_eq(pl_kpi_target(db, "QDIP", PL_KPI_FUNDS, &pct, &src, &e), PL_OK);
    cr_expect_float_eq(pct, 60, 1e-9);
    cr_expect_str_eq(src, "global");
    cr_expect_eq(pl_kpi_set_target(db, "QDIP", PL_KPI_FUNDS, 101, &e), PL_ERR_USAGE);
}

Test(kpi, the_as_of_date_changes_the_figures)
{
    const pl_kpi_park *p = figures("2024-12-31");
    cr_expect_eq(p->projects, 4, "P1, P2, P3 and P5 (terminated later); P4 not signed yet");
    EXPECT_FIG(p, PL_KPI_START, 2, 2); /* P3's start is in 2025 */
    cr_expect_eq(p->fig[PL_KPI_START].met, 1, "100 ≥ 90");
    EXPECT_FIG(p, PL_KPI_COMPLETION, 0, 0);
    EXPECT_FIG(p, PL_KPI_FUNDS, 5000, 36000);
    /* P2's start on the day its moved deadline falls and the day before the handover */
    p = figures("2024-03-01"); /* the land is not handed over yet: P2's start stays 06-01 (not due) */
    EXPECT_FIG(p, PL_KPI_START, 0, 0);
    p = figures("2024-07-01");
    EXPECT_FIG(p, PL_KPI_ON_TIME_START, 2, 2);
}

Test(kpi, handover_exemption_and_extension_through_the_library)
{
    pl_error e;
    pl_error_clear(&e);
    /* P4's land handed over 30 days late: history says why, its start moves 2026-01-01 → 01-31 */
    cr_assert_eq(pl_project_milestone(db, "P4", "land", NULL, "2025-07-01", NULL, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(tu_sql_text(db, "SELECT new_value FROM history WHERE entity = 'project' AND code = 'P4'"
                                     " AND field = 'deadline exemption'"), "30");
    cr_expect(strstr(tu_sql_text(db, "SELECT note FROM history WHERE field = 'deadline exemption'"),
                     "government handover (交地) 30 days late"));
    pl_deadline d[PL_DL_KINDS];
    cr_assert_eq(pl_project_deadlines(db, "P4", "2025-12-31", d, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(d[PL_DL_START].effective, "2026-01-31");
    /* 延期开工 of P3: more than one year after 2025-03-01 warns and is recorded */
    pl_extend_result r;
    cr_assert_eq(pl_project_extend(db, "P3", PL_DL_START, "青延〔2025〕3号", "2026-03-02", "2025-03-15", "资金", &r, &e),
                 PL_OK, "%s", e.message);
    cr_expect_str_eq(r.base, "2025-03-01");
    cr_expect_eq(r.days, 366);
    cr_expect_eq(r.beyond_limit, 1);
    /* exactly one year is within */
    cr_assert_eq(pl_project_extend(db, "P3", PL_DL_START, "青延〔2025〕4号", "2026-03-01", "2025-03-16", NULL, &r, &e),
                 PL_OK, "%s", e.message);
    cr_expect_eq(r.beyond_limit, 0);
    cr_expect_str_eq(r.replaced, "2026-03-02");
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'P3' AND field = 'extension construction'"),
                 2);
    cr_assert_eq(pl_project_deadlines(db, "P3", "2025-12-31", d, &e), PL_OK);
    cr_expect_str_eq(d[PL_DL_START].effective, "2026-03-01");
    cr_expect_eq(d[PL_DL_START].overdue_days, 0);
    /* refused: no document, not later, already started, nothing agreed */
    cr_expect_eq(pl_project_extend(db, "P3", PL_DL_START, "", "2026-03-01", NULL, NULL, NULL, &e), PL_ERR_USAGE);
    cr_expect_eq(pl_project_extend(db, "P3", PL_DL_START, "X", "2025-02-01", "2025-03-16", NULL, NULL, &e),
                 PL_ERR_INPUT);
    cr_expect_eq(pl_project_extend(db, "P1", PL_DL_START, "X", "2026-01-01", "2025-03-16", NULL, NULL, &e),
                 PL_ERR_INPUT);
    cr_expect_eq(pl_project_extend(db, "P4", PL_DL_COMPLETION, "X", "2027-01-01", "2025-03-16", NULL, NULL, &e),
                 PL_ERR_INPUT);
    /* 竣工 through pl_project_milestone: in order with the start */
    cr_expect_eq(pl_project_milestone(db, "P4", "completion", "2025-12-01", NULL, NULL, &e), PL_ERR_INPUT,
                 "before the agreed start");
    cr_expect_eq(pl_project_milestone(db, "P4", "竣工", "2027-01-01", NULL, NULL, &e), PL_OK, "%s", e.message);
    cr_expect_eq(pl_project_milestone(db, "P3", "completion", NULL, "2025-06-01", NULL, &e), PL_ERR_INPUT,
                 "not started");
    /* funds in place */
    cr_expect_eq(pl_project_funds(db, "P3", "2025-12", 2500, NULL, &e), PL_OK, "%s", e.message);
    cr_expect_eq(pl_project_funds(db, "P3", "2025-12", -1, NULL, &e), PL_ERR_USAGE);
    const pl_kpi_park *p = figures("2025-12-31");
    EXPECT_FIG(p, PL_KPI_FUNDS, 20500, 35000);
    EXPECT_FIG(p, PL_KPI_START, 2, 2); /* P3's start extended to 2026-03-01 */
}

Test(kpi, alerts_for_every_overdue_deadline)
{
    pl_report *rep = NULL;
    pl_error e;
    pl_error_clear(&e);
    pl_report_options o = {"2025-12-31", NULL};
    cr_assert_eq(pl_report_build(db, PL_REPORT_ALERTS, &o, &rep, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(pl_report_get(rep, "alerts_summary", "severity=late_start", "count"), "1");
    cr_expect_str_eq(pl_report_get(rep, "alerts_summary", "severity=land_overdue", "count"), "1");
    cr_expect_str_eq(pl_report_get(rep, "alerts", "severity=land_overdue", "subject"), "P4");
    cr_expect_str_eq(pl_report_get(rep, "alerts", "severity=land_overdue", "days"), "213");
    cr_expect_str_eq(pl_report_get(rep, "alerts", "severity=late_start", "days"), "305"); /* 2025-03-01 → 12-31 */
    cr_expect_str_eq(pl_report_get(rep, "alerts_summary", "severity=completion_overdue", "count"), "0",
                     "P2 completed, late");
    pl_report_free(rep);
    /* P2's completion on 2025-07-02 was overdue by one day (deadline 07-01 after the handover delay) */
    o.as_of = "2025-07-02";
    cr_assert_eq(pl_report_build(db, PL_REPORT_ALERTS, &o, &rep, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(pl_report_get(rep, "alerts", "severity=completion_overdue", "subject"), "P2");
    cr_expect_str_eq(pl_report_get(rep, "alerts", "severity=completion_overdue", "days"), "1");
    pl_report_free(rep);
    o.as_of = "2025-07-01";
    cr_assert_eq(pl_report_build(db, PL_REPORT_ALERTS, &o, &rep, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(pl_report_get(rep, "alerts_summary", "severity=completion_overdue", "count"), "0");
    pl_report_free(rep);
}

Test(kpi, report_kpi_and_the_commands)
{
    tu_db_close(db);
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report kpi --as-of 2025-12-31 --format csv"), 0, "%s", errout);
    cr_expect(strstr(out, "QDIP,start_rate,开工率,2,3,66.7,90.0,met 达标") == NULL);
    cr_expect(strstr(out, "QDIP,start_rate,开工率,2,3,66.7,90.0,not met 未达标"), "%s", out);
    cr_expect(strstr(out, "QDIP,funds_rate,资金到位率,18000.00,35000.00,51.4,80.0,not met 未达标"), "%s", out);
    cr_expect(strstr(out, "QDIP,P2,乙,开工 construction,2024-06-01,30,,2024-07-01,2024-06-25,on time 按期,"), "%s",
              out);
    /* extension beyond one year: a warning, exit 0 */
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "project extend P3 start --document 青延3号 --until 2026-06-01 --date 2025-03-15"),
                 0, "%s", errout);
    cr_expect(strstr(out, "project P3: 开工 extended by 青延3号 from 2025-03-01 to 2026-06-01 (457 days)"), "%s", out);
    cr_expect(strstr(errout, "warning: project P3: the extension is more than one year after the deadline 2025-03-01"),
              "%s", errout);
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "project extend P3 start --until 2026-06-01"), 2);
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "project extend P3 production --document X --until 2026-06-01"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project funds P3 2025-12 2500"), 0, "%s", errout);
    cr_expect(strstr(out, "project P3: funds in place 2025-12 = 2500.00 万元"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P4 completion --planned 2027-01-01"), 0, "%s",
                 errout);
    cr_expect(strstr(out, "project P4: completion 竣工 planned 2027-01-01"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park targets QDIP --funds-rate 50"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park targets QDIP --format csv"), 0, "%s", errout);
    cr_expect(strstr(out, "funds_rate,资金到位率,50.0,park"), "%s", out);
    cr_expect(strstr(out, "start_rate,开工率,90.0,default"), "%s", out);
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "park targets --start-rate 90"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report kpi --as-of 2025-12-31 --format json"), 0, "%s", errout);
    cr_expect(strstr(out, "\"start_rate\""), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report kpi --as-of 2025-12-31 --format csv"), 0, "%s", errout);
    cr_expect(strstr(out, "QDIP,start_rate,开工率,2,2,100.0,90.0,met 达标"), "%s", out);
    cr_expect(strstr(out, "QDIP,funds_rate,资金到位率,20500.00,35000.00,58.6,50.0,met 达标"), "%s", out);
    cr_expect(strstr(out, "QDIP,P3,丙,开工 construction,2025-03-01,,yes 是,2026-06-01,,pending 未到期,"), "%s", out);
}

/* ---- schema 10 ------------------------------------------------------------------------------ */

Test(kpi, schema_8_database_is_migrated_on_open)
{
    /* the file as schema 8 wrote it: milestone without 'completion', none of the new tables */
    tu_sql_exec(db, "DELETE FROM milestone WHERE kind = 'completion';"
                    "DROP TABLE project_extension; DROP TABLE project_funds; DROP TABLE kpi_target;"
                    "CREATE TABLE milestone_old(project_id INTEGER NOT NULL REFERENCES project(id),"
                    " kind TEXT NOT NULL CHECK (kind IN ('land','construction','production','verification')),"
                    " planned TEXT, actual TEXT, PRIMARY KEY (project_id, kind));"
                    "INSERT INTO milestone_old SELECT * FROM milestone; DROP TABLE milestone;"
                    "ALTER TABLE milestone_old RENAME TO milestone;"
                    "UPDATE meta SET value = '8' WHERE key = 'schema_version'; PRAGMA user_version = 8;");
    long before = tu_sql_count(db, "SELECT count(*) FROM milestone");
    cr_assert_eq(before, 10); /* 13 less the three 竣工 rows */
    tu_db_close(db);
    db = NULL;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
    cr_expect_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM milestone"), before, "the rows are kept");
    cr_expect_str_eq(tu_sql_text(db, "SELECT actual FROM milestone WHERE project_id = 2 AND kind = 'land'"),
                     "2024-03-02");
    cr_expect_eq(pl_project_milestone(db, "P3", "completion", "2026-03-01", NULL, NULL, &e), PL_OK, "%s", e.message);
    cr_expect_eq(pl_project_funds(db, "P3", "2025-12", 100, NULL, &e), PL_OK, "%s", e.message);
    cr_expect_eq(pl_kpi_set_target(db, NULL, PL_KPI_START, 85, &e), PL_OK, "%s", e.message);
    cr_expect_eq(pl_project_extend(db, "P3", PL_DL_START, "X", "2025-09-01", "2025-03-02", NULL, NULL, &e), PL_OK,
                 "%s", e.message);
    /* opened again: nothing to do */
    tu_db_close(db);
    db = NULL;
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM project_extension"), 1);
}

/* ---- the landing map: the classes and their colours ------------------------------------------ */

Test(kpi, landing_map_classes_of_the_overdue_deadlines)
{
    tu_db_close(db);
    db = NULL;
    const char *geo = tu_tmp("landing.geojson");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export geojson --theme landing --as-of 2025-12-31 -o %s", tu_q(geo)),
                 0, "%s", errout);
    json_error_t je;
    json_t *j = json_load_file(geo, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    /* P1 (A1) producing; P2 (A2) under construction; P3 (A3): past the agreed start, red;
     * P4 (A4): the government's handover overdue; P5 (A5) terminated */
    static const char *const want[][3] = {{"A1", "production", "#00897b"},
                                          {"A2", "construction", "#fb8c00"},
                                          {"A3", "overdue", "#ff8a80"},
                                          {"A4", "overdue_land", "#80deea"},
                                          {"A5", "none", "#e0e0e0"}};
    json_t *features = json_object_get(j, "features");
    cr_assert_eq(json_array_size(features), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *pr = json_object_get(json_array_get(features, i), "properties");
        cr_expect_str_eq(json_string_value(json_object_get(pr, "code")), want[i][0]);
        cr_expect_str_eq(json_string_value(json_object_get(pr, "class")), want[i][1], "%s", want[i][0]);
        cr_expect_str_eq(json_string_value(json_object_get(pr, "fill")), want[i][2], "%s", want[i][0]);
    }
    json_decref(j);
}
