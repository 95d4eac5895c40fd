/* test_match.c — `match LEAD`: a hand-made park where the right ranking is
 * known; every score and reason asserted; the top-N heap; the command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/match.h"
#include "parkland/park.h"
#include "db_internal.h"
#include "match_internal.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

/* ---- the park (EPSG:4549, rectangles 200 m high at y 3996000–3996200) ----
 *   P-A available   x 536400–536800  120 亩  touches P-G        ind 280 万元/亩, tax 20, 'equipment,it'
 *   P-B available   x 537000–537430  129 亩                     ind 350, tax 30, any industry
 *   P-C available   x 537600–537920   96 亩                     ind —, tax 20, 'equipment'
 *   P-D available   x 538100–538580  144 亩  touches P-S        ind 250, tax 15, 'it'
 *   P-S transferred x 538580–538780   60 亩  projects PRJ-5 (lead L5, it) and PRJ-6 (L6, equipment, terminated)
 *   P-E reserved    x 538800–539200  120 亩  for L1             no indicators
 *   P-F reserved    x 539400–539800  120 亩  for L2             no indicators
 *   P-G transferred x 536000–536400  120 亩  project PRJ-0 (lead L0, equipment, signed)
 *   P-H available   x 535598–535998  120 亩  2 m from P-G       ind 280, tax 20, 'equipment,itx'
 *   P-K available   x 536000–536400, y 3996200.5–3996400.5  120 亩  0.5 m from P-G   ind 500, tax 40, 'it'
 *   P-T available   triangle  30 亩                             no indicators
 *   P-R reserve     x 540000–540400  120 亩  (land bank: never matched)
 *   JMIP J-1 available x 545000–545350  105 亩                  no indicators
 * Lead L1: equipment, 120 亩, 36000 万元 (300 万元/亩), tax 25 万元/亩·年. */

static void indicators(long parcel, double intensity, double tax, const char *industries)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "INSERT INTO parcel_indicator(parcel_id, investment_intensity, tax_per_mu, industries, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, '2024-01-01T00:00:00Z')", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, parcel);
    tu_bind_num(st, 2, intensity);
    tu_bind_num(st, 3, tax);
    if (industries)
        sqlite3_bind_text(st, 4, industries, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db->h));
    sqlite3_finalize(st);
}

static long lead(const char *code, const char *industry, double land_mu, double investment, double tax,
                 const char *stage)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "INSERT INTO lead(code, company, industry, land_mu, investment, tax_per_mu, stage, stage_date, created_at,"
        " updated_at) VALUES (?1, ?1 || ' 公司 GmbH', ?2, ?3, ?4, ?5, ?6, '2024-03-01', '2024-01-01T00:00:00Z',"
        " '2024-01-01T00:00:00Z')", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (industry)
        sqlite3_bind_text(st, 2, industry, -1, SQLITE_STATIC);
    tu_bind_num(st, 3, land_mu);
    tu_bind_num(st, 4, investment);
    tu_bind_num(st, 5, tax);
    sqlite3_bind_text(st, 6, stage, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db->h));
    sqlite3_finalize(st);
    return (long)sqlite3_last_insert_rowid(db->h);
}

static void project(const char *code, long lead_id, long parcel_id, const char *terminated)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO project(code, lead_id, signed_on, terminated_on, created_at, updated_at)"
             " VALUES ('%s', %ld, '2024-02-01', %s, 'x', 'x');"
             "INSERT INTO project_parcel(project_id, parcel_id) VALUES (last_insert_rowid(), %ld);",
             code, lead_id, terminated ? "'2024-06-01'" : "NULL", parcel_id);
    tu_sql_exec(db, sql);
}

static void reserve(long parcel_id, long lead_id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO reservation(parcel_id, lead_id, reserved_on, expires_on) VALUES (%ld, %ld, '2024-03-01',"
             " '2024-09-01')", parcel_id, lead_id);
    tu_sql_exec(db, sql);
}

static void setup(void)
{
    db = tu_db_new("m.db", dbpath);
    tu_park_qdip(db);
    tu_park_jmip(db);
    const double y0 = 3996000, y1 = 3996200;
    long a = tu_add_rect(db, "QDIP", "P-A", "available", 536400, 536800, y0, y1);
    long b = tu_add_rect(db, "QDIP", "P-B", "available", 537000, 537430, y0, y1);
    long c = tu_add_rect(db, "QDIP", "P-C", "available", 537600, 537920, y0, y1);
    long d = tu_add_rect(db, "QDIP", "P-D", "available", 538100, 538580, y0, y1);
    long s = tu_add_rect(db, "QDIP", "P-S", "transferred", 538580, 538780, y0, y1);
    long e = tu_add_rect(db, "QDIP", "P-E", "reserved", 538800, 539200, y0, y1);
    long f = tu_add_rect(db, "QDIP", "P-F", "reserved", 539400, 539800, y0, y1);
    long g = tu_add_rect(db, "QDIP", "P-G", "transferred", 536000, 536400, y0, y1);
    long h = tu_add_rect(db, "QDIP", "P-H", "available", 535598, 535998, y0, y1);
    long k = tu_add_rect(db, "QDIP", "P-K", "available", 536000, 536400, y1 + 0.5, y1 + 200.5);
    tu_add_parcel(db, "QDIP", "P-T", "available",
                  "POLYGON((536500 3996900, 536500 3997100, 536300 3997100, 536500 3996900))");
    tu_add_rect(db, "QDIP", "P-R", "reserve", 540000, 540400, y0, y1);
    tu_add_rect(db, "JMIP", "J-1", "available", 545000, 545350, y0, y1);
    indicators(a, 280, 20, "equipment,it");
    indicators(b, 350, 30, NULL);
    indicators(c, NAN, 20, "equipment");
    indicators(d, 250, 15, "it");
    indicators(g, 280, 20, "equipment");
    indicators(h, 280, 20, "equipment,itx");
    indicators(k, 500, 40, "it");
    long l0 = lead("L0", "equipment", 120, 33600, 20, "signed");
    long l1 = lead("L1", "equipment", 120, 36000, 25, "intent");
    long l2 = lead("L2", "it", 100, 30000, 20, "visited");
    lead("L3", NULL, NAN, NAN, NAN, "new");
    lead("L4", "equipment", 120, 36000, 25, "lost");
    long l5 = lead("L5", "it", 60, 18000, 20, "signed");
    long l6 = lead("L6", "equipment", 60, 18000, 20, "signed");
    project("PRJ-0", l0, g, NULL);
    project("PRJ-5", l5, s, NULL);
    project("PRJ-6", l6, s, "terminated");
    reserve(e, l1);
    reserve(f, l2);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(match, .init = setup, .fini = teardown);

/* ---- collecting results ---- */

#define MAXR 128
typedef struct res {
    char park[16], code[16], status[16];
    int rank;
    double score, area_mu;
    double points[PL_MATCH_NCOMPONENTS];
    int no_data[PL_MATCH_NCOMPONENTS];
    char reason[PL_MATCH_NCOMPONENTS][512];
} res;

typedef struct got {
    res r[MAXR];
    int n;
    char codes[2048];
} got;

static int collect(const pl_match_result *m, void *ctx)
{
    got *g = ctx;
    cr_assert_lt(g->n, MAXR);
    res *r = &g->r[g->n++];
    snprintf(r->park, sizeof r->park, "%s", m->park);
    snprintf(r->code, sizeof r->code, "%s", m->code);
    snprintf(r->status, sizeof r->status, "%s", m->status);
    r->rank = m->rank;
    r->score = m->score;
    r->area_mu = m->area_mu;
    double sum = 0;
    for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++) {
        cr_assert_str_eq(m->reasons[c].component, pl_match_component_name(c));
        r->points[c] = m->reasons[c].points;
        r->no_data[c] = m->reasons[c].no_data;
        snprintf(r->reason[c], sizeof r->reason[c], "%s", m->reasons[c].text);
        sum += m->reasons[c].points;
    }
    cr_assert_float_eq(sum, m->score, 1e-9, "%s: the score is the sum of the reasons", m->code);
    size_t len = strlen(g->codes);
    snprintf(g->codes + len, sizeof g->codes - len, "%s%s", len ? " " : "", m->code);
    return 0;
}

/* match with contiguity looked up by `plan` (PL_MATCH_PLAN_COST: as pl_match_lead) */
static got *match_planned(const char *lead_code, int top, const char *park, pl_match_summary *sum,
                          pl_match_plan plan)
{
    static got g;
    memset(&g, 0, sizeof g);
    pl_match_options o;
    pl_match_options_init(&o);
    o.top = top;
    o.park = park;
    o.summary = sum;
    pl_error err;
    pl_error_clear(&err);
    if (plan == PL_MATCH_PLAN_COST)
        cr_assert_eq(pl_match_lead(db, lead_code, &o, collect, &g, &err), PL_OK, "%s", err.message);
    else
        cr_assert_eq(pl_match_lead_planned(db, lead_code, &o, plan, collect, &g, &err), PL_OK, "%s", err.message);
    for (int i = 0; i < g.n; i++)
        cr_assert_eq(g.r[i].rank, i + 1);
    return &g;
}

static got *match(const char *lead_code, int top, const char *park, pl_match_summary *sum)
{
    return match_planned(lead_code, top, park, sum, PL_MATCH_PLAN_COST);
}

static const res *find(const got *g, const char *code)
{
    for (int i = 0; i < g->n; i++)
        if (!strcmp(g->r[i].code, code))
            return &g->r[i];
    cr_assert_fail("%s not in the results (%s)", code, g->codes);
    return NULL;
}

static void assert_reasons(const res *r, const char *area, const char *industry, const char *investment,
                           const char *tax, const char *contiguity)
{
    const char *want[] = {area, industry, investment, tax, contiguity};
    for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++)
        if (want[c])
            cr_assert_str_eq(r->reason[c], want[c], "%s %s", r->code, pl_match_component_name(c));
}

/* L1's 36000 万元 on a parcel of MU 亩 (the intensity signing checks), then the figure by its demand */
#define INV_L1_ON(PER_MU, MU) "投资强度 investment: 线索 " PER_MU " 万元/亩 (36000 万元 ÷ 地块 " MU " 亩; 按需求 by demand 300.0 万元/亩), "
#define INV_L1 INV_L1_ON("300.0", "120.0")
#define TAX_L1 "亩均税收 tax: 线索 25.0 万元/亩·年, "
#define NO_NEIGHBOUR "连片 contiguity: 1 m 内无同产业项目地块 no neighbour of the same industry → 0/10"

Test(match, known_ranking_and_scores)
{
    pl_match_summary sum;
    got *g = match("L1", 100, NULL, &sum);
    cr_assert_str_eq(g->codes, "P-A P-H P-B P-E P-C J-1 P-K P-D P-T");
    const double want[] = {100, 90, 83.4, 72.5, 68, 65, 61.4, 57.5, 42.5};
    for (int i = 0; i < g->n; i++)
        cr_assert_float_eq(g->r[i].score, want[i], 1e-9, "%s: %g", g->r[i].code, g->r[i].score);
    cr_assert_eq(sum.candidates, 9);
    cr_assert_eq(sum.returned, 9);
    cr_assert_str_eq(sum.lead, "L1");
    cr_assert_str_eq(sum.industry, "equipment");
    cr_assert_str_eq(sum.industry_zh, "高端装备");
    cr_assert_float_eq(sum.investment_per_mu, 300.0, 1e-9);
    cr_assert_str_eq(sum.warning, "");
    cr_assert_str_eq(find(g, "P-E")->status, "reserved");
    cr_assert_str_eq(find(g, "P-A")->status, "available");
}

Test(match, reasons_are_stated_exactly)
{
    got *g = match("L1", 100, NULL, NULL);
    assert_reasons(find(g, "P-A"), "面积 area: 需求 120.0 亩, 地块 120.0 亩 (0.0%) → 30/30",
                   "产业 industry: 线索 高端装备 equipment, 地块允许 equipment,it → 25/25",
                   INV_L1 "地块要求 ≥ 280.0 万元/亩 → 20/20", TAX_L1 "地块要求 ≥ 20.0 万元/亩·年 → 15/15",
                   "连片 contiguity: 邻接同产业地块 P-G (项目 project PRJ-0, 高端装备 equipment) → 10/10");
    /* the same as P-A but 2 m away from P-G */
    assert_reasons(find(g, "P-H"), NULL, "产业 industry: 线索 高端装备 equipment, 地块允许 equipment,itx → 25/25",
                   NULL, NULL, NO_NEIGHBOUR);
    assert_reasons(find(g, "P-B"), "面积 area: 需求 120.0 亩, 地块 129.0 亩 (+7.5%) → 30/30",
                   "产业 industry: 线索 高端装备 equipment, 地块不限产业 any industry → 25/25",
                   /* 36000 万元 on 129 亩 is 279.1 万元/亩, short of 350 (by the demand, 300, it was 85.7 %) */
                   INV_L1_ON("279.1", "129.0") "地块要求 ≥ 350.0 万元/亩 (79.7%) → 15.9/20",
                   TAX_L1 "地块要求 ≥ 30.0 万元/亩·年 (83.3%) → 12.5/15", NO_NEIGHBOUR);
    const res *e = find(g, "P-E");
    assert_reasons(e, "面积 area: 需求 120.0 亩, 地块 120.0 亩 (0.0%) → 30/30",
                   "产业 industry: 线索 高端装备 equipment, 地块不限产业 any industry → 25/25",
                   INV_L1 "地块 no data (地块未设投资强度 parcel has no investment intensity) → 10/20",
                   TAX_L1 "地块 no data (地块未设亩均税收 parcel has no tax per mu) → 7.5/15", NO_NEIGHBOUR);
    cr_assert(e->no_data[PL_MATCH_INVESTMENT] && e->no_data[PL_MATCH_TAX] && !e->no_data[PL_MATCH_AREA]);
    assert_reasons(find(g, "P-C"), "面积 area: 需求 120.0 亩, 地块 96.0 亩 (−20.0%, 偏小 smaller ×0.8) → 18/30",
                   "产业 industry: 线索 高端装备 equipment, 地块允许 equipment → 25/25",
                   INV_L1_ON("375.0", "96.0") "地块 no data (地块未设投资强度 parcel has no investment intensity) → 10/20",
                   TAX_L1 "地块要求 ≥ 20.0 万元/亩·年 → 15/15", NULL);
    assert_reasons(find(g, "J-1"), "面积 area: 需求 120.0 亩, 地块 105.0 亩 (−12.5%, 偏小 smaller ×0.8) → 22.5/30",
                   NULL, NULL, NULL, NULL);
    assert_reasons(find(g, "P-K"), NULL, "产业 industry: 线索 高端装备 equipment, 地块允许 it → 0/25 industry not allowed",
                   INV_L1 "地块要求 ≥ 500.0 万元/亩 (60.0%) → 12/20",
                   TAX_L1 "地块要求 ≥ 40.0 万元/亩·年 (62.5%) → 9.4/15",
                   "连片 contiguity: 邻接同产业地块 P-G (项目 project PRJ-0, 高端装备 equipment) → 10/10");
    /* P-D touches P-S, whose live project is 'it' and whose equipment project is terminated */
    assert_reasons(find(g, "P-D"), "面积 area: 需求 120.0 亩, 地块 144.0 亩 (+20.0%) → 22.5/30",
                   "产业 industry: 线索 高端装备 equipment, 地块允许 it → 0/25 industry not allowed",
                   INV_L1_ON("250.0", "144.0") "地块要求 ≥ 250.0 万元/亩 → 20/20", TAX_L1 "地块要求 ≥ 15.0 万元/亩·年 → 15/15",
                   NO_NEIGHBOUR);
    assert_reasons(find(g, "P-T"), "面积 area: 需求 120.0 亩, 地块 30.0 亩 (−75.0%) → 0/30", NULL, NULL, NULL,
                   NULL);
}

Test(match, smaller_parcel_scores_lower_than_a_larger_one)
{
    /* same deviation, either side of the demand */
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 144 * 10000.0 / 15 WHERE code = 'P-B'"); /* +20 % */
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 96 * 10000.0 / 15 WHERE code = 'P-H'");  /* −20 % */
    got *g = match("L1", 100, NULL, NULL);
    cr_assert_float_eq(find(g, "P-B")->points[PL_MATCH_AREA], 22.5, 1e-9);
    cr_assert_float_eq(find(g, "P-H")->points[PL_MATCH_AREA], 18.0, 1e-9);
    /* inside ±10 % both are full; at ±50 % and beyond both are 0 */
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 110 * 10000.0 / 15 WHERE code = 'P-B'");
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 180 * 10000.0 / 15 WHERE code = 'P-H'");
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 60 * 10000.0 / 15 WHERE code = 'P-C'");
    g = match("L1", 100, NULL, NULL);
    cr_assert_str_eq(find(g, "P-B")->reason[PL_MATCH_AREA], "面积 area: 需求 120.0 亩, 地块 110.0 亩 (−8.3%) → 30/30");
    cr_assert_str_eq(find(g, "P-H")->reason[PL_MATCH_AREA], "面积 area: 需求 120.0 亩, 地块 180.0 亩 (+50.0%) → 0/30");
    cr_assert_str_eq(find(g, "P-C")->reason[PL_MATCH_AREA], "面积 area: 需求 120.0 亩, 地块 60.0 亩 (−50.0%) → 0/30");
}

Test(match, industry_token_and_reservations_per_lead)
{
    got *g = match("L2", 100, NULL, NULL); /* it, 100 亩 */
    /* reserved P-F for L2 is in, P-E (for L1) is not */
    cr_assert_str_eq(find(g, "P-F")->status, "reserved");
    cr_assert_null(strstr(g->codes, "P-E"), "%s", g->codes);
    assert_reasons(find(g, "P-H"), NULL,
                   "产业 industry: 线索 新一代信息技术 it, 地块允许 equipment,itx → 0/25 industry not allowed", NULL, NULL,
                   NULL);
    assert_reasons(find(g, "P-A"), NULL, "产业 industry: 线索 新一代信息技术 it, 地块允许 equipment,it → 25/25", NULL,
                   NULL, NO_NEIGHBOUR);
    assert_reasons(find(g, "P-D"), NULL, NULL, NULL, NULL,
                   "连片 contiguity: 邻接同产业地块 P-S (项目 project PRJ-5, 新一代信息技术 it) → 10/10");
    /* a released reservation no longer counts */
    tu_sql_exec(db, "UPDATE reservation SET released_on = '2024-04-01' WHERE parcel_id = (SELECT id FROM parcel"
                    " WHERE code = 'P-F')");
    g = match("L2", 100, NULL, NULL);
    cr_assert_null(strstr(g->codes, "P-F"), "%s", g->codes);
}

Test(match, missing_data_gives_the_neutral_half)
{
    got *g = match("L3", 100, NULL, NULL);
    const res *a = find(g, "P-A");
    assert_reasons(a, "面积 area: no data (线索未填用地需求 lead has no land demand), 地块 120.0 亩 → 15/30",
                   "产业 industry: no data (线索未填产业 lead has no industry), 地块允许 equipment,it → 12.5/25",
                   "投资强度 investment: 线索 no data (线索未填投资额 lead has no investment), "
                   "地块要求 ≥ 280.0 万元/亩 → 10/20",
                   "亩均税收 tax: 线索 no data (线索未填亩均税收 lead has no expected tax), 地块要求 ≥ 20.0 万元/亩·年 → 7.5/15",
                   "连片 contiguity: no data (线索未填产业 lead has no industry) → 5/10");
    cr_assert_float_eq(a->score, 50.0, 1e-9);
    for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++)
        cr_assert(a->no_data[c], "%d", c);
    /* a parcel that allows any industry: full, whatever the lead */
    assert_reasons(find(g, "P-B"), NULL, "产业 industry: no data (线索未填产业 lead has no industry), 地块不限产业 any "
                                         "industry → 25/25", NULL, NULL, NULL);
    /* investment known but no land demand: the investment on the parcel's area still counts */
    tu_sql_exec(db, "UPDATE lead SET investment = 30000 WHERE code = 'L3'");
    g = match("L3", 100, NULL, NULL);
    cr_assert_str_eq(find(g, "P-A")->reason[PL_MATCH_INVESTMENT],
                     "投资强度 investment: 线索 250.0 万元/亩 (30000 万元 ÷ 地块 120.0 亩), 地块要求 ≥ 280.0 万元/亩 (89.3%) → "
                     "17.9/20");
}

Test(match, top_n_is_the_prefix_of_the_full_ranking)
{
    /* 60 more free parcels with varied areas and indicators */
    for (int i = 0; i < 60; i++) {
        char code[16];
        snprintf(code, sizeof code, "X-%02d", i);
        double x0 = 550000 + i * 500.0, len = 200 + (i * 37) % 400;
        long id = tu_add_rect(db, "JMIP", code, "available", x0, x0 + len, 3996000, 3996200);
        static const char *const ind[] = {"equipment", "it", NULL, "marine,equipment", "health"};
        if (i % 3)
            indicators(id, 200 + (i * 53) % 300, 10 + (i * 7) % 30, ind[i % 5]);
    }
    got *all = match("L1", 1000, NULL, NULL);
    cr_assert_eq(all->n, 69);
    got full = *all;
    for (int i = 1; i < full.n; i++) {
        const res *p = &full.r[i - 1], *q = &full.r[i];
        double pd = fabs(p->area_mu - 120) / 120, qd = fabs(q->area_mu - 120) / 120;
        cr_assert(p->score > q->score ||
                  (p->score == q->score &&
                   (pd < qd - 1e-9 || (fabs(pd - qd) <= 1e-9 && (strcmp(p->park, q->park) < 0 ||
                                             (!strcmp(p->park, q->park) && strcmp(p->code, q->code) < 0))))),
                  "order at %d: %s %g, %s %g", i, p->code, p->score, q->code, q->score);
    }
    static const int tops[] = {1, 2, 3, 7, 20, 68, 69, 70};
    for (size_t t = 0; t < sizeof tops / sizeof *tops; t++) {
        pl_match_summary sum;
        got *g = match("L1", tops[t], NULL, &sum);
        int want = tops[t] < full.n ? tops[t] : full.n;
        cr_assert_eq(g->n, want, "top %d", tops[t]);
        cr_assert_eq(sum.candidates, 69);
        cr_assert_eq(sum.returned, want);
        for (int i = 0; i < want; i++) {
            cr_assert_str_eq(g->r[i].code, full.r[i].code, "top %d, rank %d", tops[t], i + 1);
            cr_assert_float_eq(g->r[i].score, full.r[i].score, 1e-9);
            for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++)
                cr_assert_str_eq(g->r[i].reason[c], full.r[i].reason[c]);
        }
    }
    /* default top is 10 */
    got *d = match("L1", 0, NULL, NULL);
    cr_assert_eq(d->n, 10);
}

Test(match, ties_go_to_the_closer_area_then_the_code)
{
    /* without PRJ-0, P-A loses its contiguity and ties with P-H at 90 */
    tu_sql_exec(db, "UPDATE project SET terminated_on = '2024-06-01' WHERE code = 'PRJ-0'");
    got *g = match("L1", 2, NULL, NULL);
    cr_assert_str_eq(g->codes, "P-A P-H"); /* both 120 亩: by code */
    cr_assert_float_eq(g->r[0].score, 90.0, 1e-9);
    cr_assert_float_eq(g->r[1].score, 90.0, 1e-9);
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 123 * 10000.0 / 15 WHERE code = 'P-A'"); /* +2.5 % */
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 118 * 10000.0 / 15 WHERE code = 'P-H'"); /* −1.7 % */
    g = match("L1", 2, NULL, NULL);
    cr_assert_str_eq(g->codes, "P-H P-A");
    cr_assert_str_eq(g->r[0].reason[PL_MATCH_AREA], "面积 area: 需求 120.0 亩, 地块 118.0 亩 (−1.7%) → 30/30");
    /* the heap keeps the closer one when only one fits */
    g = match("L1", 1, NULL, NULL);
    cr_assert_str_eq(g->codes, "P-H");
}

Test(match, park_filter)
{
    got *g = match("L1", 100, "JMIP", NULL);
    cr_assert_str_eq(g->codes, "J-1");
    g = match("L1", 2, "QDIP", NULL);
    cr_assert_str_eq(g->codes, "P-A P-H");
}

Test(match, a_parcel_outside_the_band_can_win)
{
    /* within ±10 % the best scores 80; 20 % larger with every other point it scores 82.5 */
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "ZZ", "测试园区", "Test park", NULL, NULL, &err), PL_OK, "%s", err.message);
    long band = tu_add_rect(db, "ZZ", "Z-BAND", "available", 560000, 560500, 3996000, 3996200); /* 150 亩 */
    long out = tu_add_rect(db, "ZZ", "Z-OUT", "available", 561000, 561600, 3996000, 3996200);  /* 180 亩 */
    indicators(band, NAN, 20, "marine");
    indicators(out, 250, 20, "marine"); /* 45000 万元 on 180 亩 meets it */
    lead("LM", "marine", 150, 45000, 20, "intent");
    got *g = match("LM", 1, "ZZ", NULL);
    cr_assert_str_eq(g->codes, "Z-OUT");
    cr_assert_float_eq(g->r[0].score, 82.5, 1e-9);
    g = match("LM", 2, "ZZ", NULL);
    cr_assert_str_eq(g->codes, "Z-OUT Z-BAND");
    cr_assert_float_eq(g->r[1].score, 80.0, 1e-9);
}

static int refuse(const char *lead_code, const char *park, char *msg)
{
    got g;
    memset(&g, 0, sizeof g);
    pl_match_options o;
    pl_match_options_init(&o);
    o.park = park;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_match_lead(db, lead_code, &o, collect, &g, &err);
    snprintf(msg, PL_ERROR_MAX, "%s", err.message);
    cr_assert_eq(g.n, 0);
    return rc;
}

Test(match, lead_stage_and_existence)
{
    char msg[PL_ERROR_MAX];
    cr_assert_eq(refuse("NOPE", NULL, msg), PL_ERR_NOTFOUND);
    cr_assert_str_eq(msg, "no lead 'NOPE' (see 'parkland lead list')");
    cr_assert_eq(refuse("L0", NULL, msg), PL_ERR_INPUT);
    cr_assert_str_eq(msg, "lead 'L0' is already signed (签约); its project holds its land (see 'parkland project')");
    cr_assert_eq(refuse("L1", "NOPE", msg), PL_ERR_NOTFOUND);
    cr_assert_str_eq(msg, "no park 'NOPE' (see 'parkland park list')");
    pl_match_summary sum;
    got *g = match("L4", 100, NULL, &sum);
    cr_assert_str_eq(sum.warning, "lead 'L4' is lost (流失) since 2024-03-01; matching anyway");
    /* the same lead values as L1, without L1's reservation */
    cr_assert_str_eq(g->codes, "P-A P-H P-B P-C J-1 P-K P-D P-T");
}

/* ---- the command line ---- */

static char *out, *errs;

static int sum_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(match, cli_table_csv_json)
{
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --top 2"), 0, "%s", errs);
    cr_assert(strstr(out, "lead L1 L1 公司 GmbH · stage intent · industry 高端装备 equipment"), "%s", out);
    cr_assert(strstr(out, "land demand 120.0 亩 · investment 36000 万元 = 300.0 万元/亩 · "
                          "tax 25.0 万元/亩·年"), "%s", out);
    cr_assert(strstr(out, "9 free parcels scored; best 2 shown"), "%s", out);
    cr_assert(strstr(out, "rank") && strstr(out, "score /100") && strstr(out, "reasons") && !strstr(out, "名次"), "%s", out);
    cr_assert(strstr(out, "面积 area: 需求 120.0 亩, 地块 120.0 亩 (0.0%) → 30/30"), "%s", out);
    cr_assert(strstr(out, "连片 contiguity: 邻接同产业地块 P-G"), "%s", out);
    cr_assert(strstr(out, "100.0") && strstr(out, "90.0") && !strstr(out, "P-B"), "%s", out);
    cr_assert(strstr(out, "P-A") < strstr(out, "P-H"), "%s", out);
    cr_assert(strstr(out, "area 30 + industry 25 + investment 20 + tax 15 + contiguity 10"),
              "%s", out);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --top 1 --format csv --keys"), 0, "%s", errs);
    cr_assert_str_eq(out,
        "\xEF\xBB\xBF" "rank,park,code,name,area_m2,area_mu,status,score,area_points,area_reason,industry_points,industry_reason,"
        "investment_points,investment_reason,tax_points,tax_reason,contiguity_points,contiguity_reason\r\n"
        "1,QDIP,P-A,地块P-A,80000.00,120.00,available,100.0,"
        "30,\"面积 area: 需求 120.0 亩, 地块 120.0 亩 (0.0%) → 30/30\","
        "25,\"产业 industry: 线索 高端装备 equipment, 地块允许 equipment,it → 25/25\","
        "20,\"投资强度 investment: 线索 300.0 万元/亩 (36000 万元 ÷ 地块 120.0 亩; 按需求 by demand 300.0 万元/亩), "
        "地块要求 ≥ 280.0 万元/亩 → 20/20\","
        "15,\"亩均税收 tax: 线索 25.0 万元/亩·年, 地块要求 ≥ 20.0 万元/亩·年 → 15/15\","
        "10,\"连片 contiguity: 邻接同产业地块 P-G (项目 project PRJ-0, 高端装备 equipment) → 10/10\"\r\n");
    cr_assert_eq(sum_lines(out), 2);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --top 3 --format json"), 0, "%s", errs);
    cr_assert(strstr(out, "\"rank\": 1,") && strstr(out, "\"rank\": 3,") && !strstr(out, "\"rank\": 4,"), "%s", out);
    cr_assert(strstr(out, "\"score\": 83.4") && strstr(out, "\"investment_points\": 15.9") &&
              strstr(out, "\"tax_reason\": \"亩均税收 tax: 线索 25.0 万元/亩·年, 地块要求 ≥ 30.0 万元/亩·年 (83.3%) → 12.5/15\""),
              "%s", out);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L4 --format csv --keys --top 1"), 0, "%s", errs);
    cr_assert(strstr(errs, "warning") && strstr(errs, "lead 'L4' is lost (流失)"), "%s", errs);
    cr_assert(strstr(out, "\r\n1,QDIP,P-A,"), "%s", out);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --park JMIP"), 0, "%s", errs);
    cr_assert(strstr(out, "J-1") && !strstr(out, "P-A"), "%s", out);
}

Test(match, cli_errors_and_help)
{
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match NOPE"), 1);
    cr_assert(strstr(errs, "no lead 'NOPE'"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L0"), 1);
    cr_assert(strstr(errs, "lead 'L0' is already signed"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --park NOPE"), 1);
    cr_assert(strstr(errs, "no park 'NOPE'"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match --top 3"), 2);
    cr_assert(strstr(errs, "match needs a LEAD"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --top 0"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --top many"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 --format xml"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match L1 L2"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "match --help"), 0);
    cr_assert(strstr(out, "面积 area           30") && strstr(out, "产业 industry       25") &&
              strstr(out, "投资强度 investment 20") && strstr(out, "亩均税收 tax        15") &&
              strstr(out, "连片 contiguity     10") && strstr(out, "no data"), "%s", out);
    free(out);
    free(errs);
    out = errs = NULL;
}

/* ---- many parcels: the ranking against an independent reference ----
 * A grid of 300 cells (800 m × 600 m apart) in two parks, each holding one
 * rectangle 200 m high whose width gives its area, plus neighbours placed at
 * known gaps that belong to projects of known industries. Areas sit on and
 * around the edges of the area score (±10 %, ±50 %), indicators and industry
 * lists cover every form the scoring reads, and some codes exist in both
 * parks with the same area (ties). The expected ranking is computed here from
 * the fixture's own numbers and rectangles (no SQL, no GEOS), from the rules
 * in README.md, and compared with pl_match_lead for several leads, tops and
 * park filters. */

#define MANY_COLS 20
#define MANY_ROWS 15
#define MANY_MAX 512
#define MANY_NB 1024

typedef struct many_parcel {
    char park[8], code[16], status[16];
    double x0, x1, y0, y1, area_m2;
    int has_ind;
    double inv, tax;
    const char *industries;      /* NULL: no list */
    const char *reserved_for;    /* lead code of an open reservation, or NULL */
} many_parcel;

typedef struct many_neighbour {
    char code[16];
    double x0, x1, y0, y1;
    long id;
    const char *projects[2];     /* project codes, NULL-terminated */
} many_neighbour;

typedef struct many_project {
    const char *code, *lead, *industry; /* lead: a signed lead of that industry */
    int live;
} many_project;

static const many_project many_projects[] = {
    {"PRJ-A", "SA", "equipment", 1}, {"PRJ-B", "SB", "equipment", 0},
    {"PRJ-C", "SC", "it", 1},        {"PRJ-D", "SD", "health", 1},
};

static many_parcel mp[MANY_MAX];
static int n_mp;
static many_neighbour mn[MANY_NB];
static int n_mn;

static unsigned mix(unsigned i, unsigned salt)
{
    unsigned x = i * 2654435761u + salt * 2246822519u + 374761393u;
    x ^= x >> 15;
    x *= 0x2c1b3c6dU;
    x ^= x >> 12;
    x *= 0x297a2d39U;
    x ^= x >> 15;
    return x;
}

/* widths on a 1/8 m grid, so that every coordinate is exact */
static double width_for_mu(double mu)
{
    return round(mu / 0.3 * 8.0) / 8.0;
}

static void many_ind(long id, const many_parcel *p)
{
    if (p->has_ind)
        indicators(id, p->inv, p->tax, p->industries);
}

static void link_project(const char *project, long parcel_id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO project_parcel(project_id, parcel_id) SELECT id, %ld FROM project WHERE code = '%s'",
             parcel_id, project);
    tu_sql_exec(db, sql);
}

/* Parcel `id` is in project p1 (and p2 unless NULL): linked, and noted for the reference. */
static void many_neighbour_record(const char *code, double x0, double x1, double y0, double y1, long id,
                                  const char *p1, const char *p2)
{
    cr_assert_lt(n_mn, MANY_NB);
    many_neighbour *n = &mn[n_mn++];
    snprintf(n->code, sizeof n->code, "%s", code);
    n->x0 = x0, n->x1 = x1, n->y0 = y0, n->y1 = y1;
    n->id = id;
    n->projects[0] = p1;
    n->projects[1] = p2;
    for (int j = 0; j < 2; j++)
        if (n->projects[j])
            link_project(n->projects[j], id);
}

/* A transferred parcel of project p1 (and p2). */
static void many_neighbour_add(const char *code, double x0, double x1, double y0, double y1, const char *p1,
                               const char *p2)
{
    many_neighbour_record(code, x0, x1, y0, y1, tu_add_rect(db, "QDIP", code, "transferred", x0, x1, y0, y1), p1,
                          p2);
}

static void reserve_for(long parcel_id, const char *lead_code, int released)
{
    char sql[384];
    snprintf(sql, sizeof sql,
             "INSERT INTO reservation(parcel_id, lead_id, reserved_on, expires_on, released_on)"
             " SELECT %ld, id, '2024-03-01', '2024-09-01', %s FROM lead WHERE code = '%s'",
             parcel_id, released ? "'2024-04-01'" : "NULL", lead_code);
    tu_sql_exec(db, sql);
}

static void setup_many(void)
{
    db = tu_db_new("many.db", dbpath);
    tu_park_qdip(db);
    tu_park_jmip(db);
    tu_sql_exec(db, "BEGIN");
    /* the leads being matched, and the signed leads of the projects */
    lead("M1", "equipment", 120, 36000, 25, "intent");
    lead("M2", "it", 100, 30000, 20, "visited");
    lead("M3", NULL, NAN, NAN, NAN, "new");
    lead("M4", "equipment", 45, 13500, 25, "contacted");
    lead("M5", "marine", 150, NAN, 20, "intent");
    lead("M6", "health", 60, 18000, NAN, "lost");
    lead("M7", "equipment", 1000, 300000, 25, "intent"); /* larger than any parcel: the band is empty */
    lead("M8", "it", 1, 300, 20, "intent");              /* smaller than any parcel */
    for (size_t k = 0; k < sizeof many_projects / sizeof *many_projects; k++) {
        const many_project *pr = &many_projects[k];
        long l = lead(pr->lead, pr->industry, 50, 10000, 20, "signed");
        char sql[384];
        snprintf(sql, sizeof sql,
                 "INSERT INTO project(code, lead_id, signed_on, terminated_on, created_at, updated_at)"
                 " VALUES ('%s', %ld, '2024-02-01', %s, 'x', 'x')",
                 pr->code, l, pr->live ? "NULL" : "'2024-06-01'");
        tu_sql_exec(db, sql);
    }

    static const double mus[] = {120, 120, 108, 132, 107.9, 132.1, 60, 180, 59.9, 180.1, 96, 144, 30, 45,
                                 40.5, 49.5, 49.6, 22.5, 67.5, 150, 160, 100, 90, 110, 195, 45, 45, 60, 75, 120.05,
                                 135, 165, 52, 38, 150.1, 225.0 / 2};
    static const double invs[] = {NAN, 250, 280, 300, 300.0001, 350, 500, 0};
    static const double taxes[] = {NAN, 15, 20, 25, 30, 40};
    static const char *const lists[] = {NULL, "", "  ", "equipment", "it", "itx", "it,equipment", "equipment，it",
                                        "it、 equipment", " equipment ", "高端装备", "equipmentx", "it ,  marine",
                                        "现代海洋", "health,医养健康", "marine"};
#define COUNT(a) (int)(sizeof(a) / sizeof *(a))
    n_mp = n_mn = 0;
    for (int i = 0; i < MANY_COLS * MANY_ROWS; i++) {
        const double x = 600000 + (i % MANY_COLS) * 800.0, y = 3990000 + (i / MANY_COLS) * 600.0;
        many_parcel *p = &mp[n_mp++];
        memset(p, 0, sizeof *p);
        snprintf(p->park, sizeof p->park, "%s", mix(i, 1) % 3 == 0 ? "JMIP" : "QDIP");
        snprintf(p->code, sizeof p->code, "G-%03d", i);
        unsigned s = mix(i, 2) % 20;
        snprintf(p->status, sizeof p->status, "%s", s < 15 ? "available" : s < 19 ? "reserved" : "reserve");
        p->reserved_for = s == 15 || s == 16 ? "M1" : s == 17 ? "M2" : NULL;
        p->x0 = x;
        p->x1 = x + width_for_mu(mus[mix(i, 3) % COUNT(mus)]);
        p->y0 = y;
        p->y1 = y + 200;
        p->has_ind = mix(i, 4) % 100 < 85;
        p->inv = invs[mix(i, 5) % COUNT(invs)];
        p->tax = taxes[mix(i, 6) % COUNT(taxes)];
        p->industries = lists[mix(i, 7) % COUNT(lists)];
        long id = tu_add_rect(db, p->park, p->code, p->status, p->x0, p->x1, p->y0, p->y1);
        many_ind(id, p);
        if (s >= 15 && s <= 18)
            reserve_for(id, s == 17 ? "M2" : "M1", s == 18);
        /* a neighbour on the right at a known gap, of a known project */
        char code[16];
        snprintf(code, sizeof code, "N%03dR", i);
        double gx = 0, gy = -1; /* gy < 0: beside, else at the corner */
        const char *p1 = NULL, *p2 = NULL;
        switch (mix(i, 8) % 14) {
        case 0: p1 = "PRJ-A"; break;
        case 1: p1 = "PRJ-A"; gx = 0.5; break;
        case 2: p1 = "PRJ-A"; gx = 0.99; break;
        case 3: p1 = "PRJ-A"; gx = 1.01; break;
        case 4: p1 = "PRJ-A"; gx = 1.5; break;
        case 5: p1 = "PRJ-A"; gx = 0.6; gy = 0.6; break;   /* 0.85 m */
        case 6: p1 = "PRJ-A"; gx = 0.75; gy = 0.75; break; /* 1.06 m: the boxes meet, the parcels do not */
        case 7: p1 = "PRJ-B"; break;
        case 8: p1 = "PRJ-C"; break;
        case 9: p1 = "PRJ-B"; p2 = "PRJ-C"; break;
        case 10: p1 = "PRJ-C"; p2 = "PRJ-A"; break;
        case 11: p1 = "PRJ-D"; gx = 0.3; break;
        default: break;
        }
        if (p1) {
            double nx0 = p->x1 + gx, ny0 = gy < 0 ? y : p->y1 + gy;
            many_neighbour_add(code, nx0, nx0 + 50, ny0, ny0 + 200, p1, p2);
        }
        /* sometimes a second one on the left (its code sorts first) */
        if (mix(i, 9) % 6 == 0) {
            snprintf(code, sizeof code, "N%03dL", i);
            many_neighbour_add(code, x - 50, x, y + 20, y + 120, mix(i, 10) % 2 ? "PRJ-A" : "PRJ-D", NULL);
        }
        /* a twin in the other park: the same code, area and indicators, far away */
        if (i % 13 == 0 && p->reserved_for == NULL && !strcmp(p->status, "available")) {
            many_parcel *t = &mp[n_mp++];
            *t = *p;
            snprintf(t->park, sizeof t->park, "%s", strcmp(p->park, "QDIP") ? "QDIP" : "JMIP");
            t->y0 += 100000;
            t->y1 += 100000;
            many_ind(tu_add_rect(db, t->park, t->code, t->status, t->x0, t->x1, t->y0, t->y1), t);
        }
    }
    /* a free parcel that is itself in a live equipment project, and one touching it */
    many_parcel *self = &mp[n_mp++];
    memset(self, 0, sizeof *self);
    snprintf(self->park, sizeof self->park, "QDIP");
    snprintf(self->code, sizeof self->code, "S-SELF");
    snprintf(self->status, sizeof self->status, "available");
    self->x0 = 580000, self->x1 = 580400, self->y0 = 3990000, self->y1 = 3990200;
    long self_id = tu_add_rect(db, "QDIP", "S-SELF", "available", self->x0, self->x1, self->y0, self->y1);
    many_neighbour_record("S-SELF", self->x0, self->x1, self->y0, self->y1, self_id, "PRJ-A", NULL);
    many_parcel *next = &mp[n_mp++];
    *next = *self;
    snprintf(next->code, sizeof next->code, "S-NEXT");
    next->x0 = 580400, next->x1 = 580800;
    tu_add_rect(db, "QDIP", "S-NEXT", "available", next->x0, next->x1, next->y0, next->y1);
    tu_sql_exec(db, "COMMIT");
    /* the stored areas are the reference's input */
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "SELECT p.area_m2 FROM parcel p JOIN park k ON k.id = p.park_id WHERE k.code = ?1 AND p.code = ?2", -1, &st,
        NULL), SQLITE_OK);
    for (int k = 0; k < n_mp; k++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, mp[k].park, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, mp[k].code, -1, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s %s", mp[k].park, mp[k].code);
        mp[k].area_m2 = sqlite3_column_double(st, 0);
    }
    sqlite3_finalize(st);
#undef COUNT
}

TestSuite(match_many, .init = setup_many, .fini = teardown);

/* ---- the reference: README.md's rules, computed from the fixture ---- */

typedef struct ref_lead {
    const char *code, *industry, *industry_zh;
    double land_mu, investment, tax;
} ref_lead;

static const ref_lead ref_leads[] = {
    {"M1", "equipment", "高端装备", 120, 36000, 25},
    {"M2", "it", "新一代信息技术", 100, 30000, 20},
    {"M3", NULL, NULL, NAN, NAN, NAN},
    {"M4", "equipment", "高端装备", 45, 13500, 25},
    {"M5", "marine", "现代海洋", 150, NAN, 20},
    {"M6", "health", "医养健康", 60, 18000, NAN},
    {"M7", "equipment", "高端装备", 1000, 300000, 25},
    {"M8", "it", "新一代信息技术", 1, 300, 20},
};


typedef struct ref_row {
    const many_parcel *p;
    int pts[PL_MATCH_NCOMPONENTS], no_data[PL_MATCH_NCOMPONENTS], total;
    double dev;
    char neighbour[16], project[16];
} ref_row;

static int ref_tenths(double points)
{
    return (int)floor(points * 10.0 + 0.5);
}

/* the list allows this industry: separators , ， 、; spaces and tabs ignored; id or Chinese name */
static int ref_list_allows(const char *list, const ref_lead *l)
{
    char buf[256];
    size_t n = 0;
    for (const char *s = list; *s && n + 1 < sizeof buf;) {
        if (!strncmp(s, "，", strlen("，")) || !strncmp(s, "、", strlen("、"))) {
            buf[n++] = ',';
            s += strlen("，");
        } else if (*s == ' ' || *s == '\t') {
            s++;
        } else {
            buf[n++] = *s++;
        }
    }
    buf[n] = '\0';
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (!strcmp(tok, l->industry) || !strcmp(tok, l->industry_zh))
            return 1;
    return 0;
}

static int ref_any_industry(const char *list)
{
    if (!list)
        return 1;
    for (const char *s = list; *s; s++)
        if (*s != ' ')
            return 0;
    return 1;
}

static double rect_distance(double ax0, double ax1, double ay0, double ay1, double bx0, double bx1, double by0,
                            double by1)
{
    double dx = fmax(0, fmax(bx0 - ax1, ax0 - bx1)), dy = fmax(0, fmax(by0 - ay1, ay0 - by1));
    return sqrt(dx * dx + dy * dy);
}

static void ref_score(const ref_lead *l, const many_parcel *p, ref_row *r)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    double mu = p->area_m2 * 15.0 / 10000.0;
    /* area */
    if (isnan(l->land_mu)) {
        r->pts[PL_MATCH_AREA] = 150, r->no_data[PL_MATCH_AREA] = 1;
        r->dev = HUGE_VAL;
    } else {
        double d = (mu - l->land_mu) / l->land_mu, ad = fabs(d), f;
        r->dev = ad;
        if (ad <= 0.1 + 1e-9) /* within ±10 % (rounding of the stored area aside) */
            f = 1;
        else if (ad >= 0.5)
            f = 0;
        else
            f = (0.5 - ad) / 0.4 * (d < 0 ? 0.8 : 1.0);
        r->pts[PL_MATCH_AREA] = ref_tenths(30 * f);
    }
    /* industry */
    const char *list = p->has_ind ? p->industries : NULL;
    if (ref_any_industry(list))
        r->pts[PL_MATCH_INDUSTRY] = 250;
    else if (!l->industry)
        r->pts[PL_MATCH_INDUSTRY] = 125, r->no_data[PL_MATCH_INDUSTRY] = 1;
    else
        r->pts[PL_MATCH_INDUSTRY] = ref_list_allows(list, l) ? 250 : 0;
    /* investment and tax: the lead's value against the parcel's minimum */
    double have[2] = {isnan(l->investment) ? NAN : l->investment / mu, l->tax}; /* on this parcel, as signing */
    double need[2] = {p->has_ind ? p->inv : NAN, p->has_ind ? p->tax : NAN};
    const int comp[2] = {PL_MATCH_INVESTMENT, PL_MATCH_TAX}, max[2] = {20, 15};
    for (int k = 0; k < 2; k++) {
        if (isnan(have[k]) || isnan(need[k]))
            r->pts[comp[k]] = max[k] * 5, r->no_data[comp[k]] = 1;
        else if (need[k] <= 0 || have[k] >= need[k])
            r->pts[comp[k]] = max[k] * 10;
        else
            r->pts[comp[k]] = ref_tenths(max[k] * (have[k] / need[k]));
    }
    /* contiguity: a parcel of a live project of the same industry within 1 m (the first by codes) */
    if (!l->industry) {
        r->pts[PL_MATCH_CONTIGUITY] = 50, r->no_data[PL_MATCH_CONTIGUITY] = 1;
    } else {
        for (int k = 0; k < n_mn; k++) {
            const many_neighbour *n = &mn[k];
            if (!strcmp(n->code, p->code) ||
                rect_distance(p->x0, p->x1, p->y0, p->y1, n->x0, n->x1, n->y0, n->y1) > 1.0)
                continue;
            for (int j = 0; j < 2 && n->projects[j]; j++)
                for (size_t q = 0; q < sizeof many_projects / sizeof *many_projects; q++) {
                    const many_project *pr = &many_projects[q];
                    if (strcmp(pr->code, n->projects[j]) || !pr->live || strcmp(pr->industry, l->industry))
                        continue;
                    int c = r->neighbour[0] ? strcmp(n->code, r->neighbour) : -1;
                    if (c < 0 || (c == 0 && strcmp(pr->code, r->project) < 0)) {
                        snprintf(r->neighbour, sizeof r->neighbour, "%.15s", n->code);
                        snprintf(r->project, sizeof r->project, "%.15s", pr->code);
                    }
                }
        }
        r->pts[PL_MATCH_CONTIGUITY] = r->neighbour[0] ? 100 : 0;
    }
    for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++)
        r->total += r->pts[c];
}

static int ref_cmp(const void *a, const void *b)
{
    const ref_row *x = a, *y = b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    if (fabs(x->dev - y->dev) > 1e-9)
        return x->dev < y->dev ? -1 : 1;
    int c = strcmp(x->p->park, y->p->park);
    return c ? c : strcmp(x->p->code, y->p->code);
}

/* every free parcel for the lead (in the park), ranked */
static int ref_rank(const ref_lead *l, const char *park, ref_row *rows)
{
    int n = 0;
    for (int k = 0; k < n_mp; k++) {
        const many_parcel *p = &mp[k];
        int is_free = !strcmp(p->status, "available") ||
                      (!strcmp(p->status, "reserved") && p->reserved_for && !strcmp(p->reserved_for, l->code));
        if (is_free && (!park || !strcmp(park, p->park)))
            ref_score(l, p, &rows[n++]);
    }
    qsort(rows, (size_t)n, sizeof *rows, ref_cmp);
    return n;
}

static void compare_planned(const ref_lead *l, int top, const char *park, pl_match_plan plan)
{
    static ref_row rows[MANY_MAX];
    int n = ref_rank(l, park, rows);
    pl_match_summary sum;
    got *g = match_planned(l->code, top, park, &sum, plan);
    int want = top < n ? top : n;
    cr_assert_eq(sum.candidates, n, "%s top %d park %s: candidates", l->code, top, park ? park : "-");
    cr_assert_eq(g->n, want, "%s top %d park %s", l->code, top, park ? park : "-");
    cr_assert_eq(sum.returned, want);
    for (int i = 0; i < want; i++) {
        const res *r = &g->r[i];
        const ref_row *e = &rows[i];
        cr_assert(!strcmp(r->park, e->p->park) && !strcmp(r->code, e->p->code),
                  "%s top %d park %s rank %d: got %s %s (%.1f), expected %s %s (%.1f)", l->code, top,
                  park ? park : "-", i + 1, r->park, r->code, r->score, e->p->park, e->p->code, e->total / 10.0);
        cr_assert_eq((int)lround(r->score * 10), e->total, "%s %s", l->code, r->code);
        for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++) {
            cr_assert_eq((int)lround(r->points[c] * 10), e->pts[c], "%s %s %s", l->code, r->code,
                         pl_match_component_name(c));
            cr_assert_eq(r->no_data[c], e->no_data[c], "%s %s %s", l->code, r->code, pl_match_component_name(c));
        }
        if (e->neighbour[0]) {
            char want_text[128];
            snprintf(want_text, sizeof want_text, "邻接同产业地块 %s (项目 project %s,", e->neighbour, e->project);
            cr_assert(strstr(r->reason[PL_MATCH_CONTIGUITY], want_text), "%s %s: %s, expected %s", l->code, r->code,
                      r->reason[PL_MATCH_CONTIGUITY], want_text);
        }
        cr_assert_str_eq(r->status, e->p->status);
    }
}

static void compare_with_reference(const ref_lead *l, int top, const char *park)
{
    compare_planned(l, top, park, PL_MATCH_PLAN_COST);
}

Test(match_many, ranking_equals_the_reference)
{
    /* the fixture holds what it is meant to hold */
    cr_assert_gt(n_mp, 300);
    cr_assert_gt(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'available'"), 200);
    static const int tops[] = {1, 3, 10, 25, 128};
    static const char *const parks[] = {NULL, "QDIP", "JMIP"};
    /* whichever way contiguity is looked up */
    for (pl_match_plan plan = PL_MATCH_PLAN_COST; plan < PL_MATCH_NPLANS; plan++)
        for (size_t l = 0; l < sizeof ref_leads / sizeof *ref_leads; l++)
            for (size_t t = 0; t < sizeof tops / sizeof *tops; t++)
                for (size_t k = 0; k < sizeof parks / sizeof *parks; k++)
                    compare_planned(&ref_leads[l], tops[t], parks[k], plan);
}

Test(match_many, same_ranking_inside_the_callers_transaction)
{
    tu_sql_exec(db, "BEGIN");
    compare_with_reference(&ref_leads[0], 10, NULL);
    compare_with_reference(&ref_leads[3], 25, "QDIP");
    /* the caller's transaction is still open, and still the caller's */
    cr_assert_eq(sqlite3_get_autocommit(db->h), 0);
    tu_sql_exec(db, "COMMIT");
}

Test(match_many, every_plan_without_the_snapshot)
{
    /* in a transaction of the caller's the tables are read, not the snapshot: the R*Tree pass and the searches */
    tu_sql_exec(db, "BEGIN");
    for (pl_match_plan plan = PL_MATCH_PLAN_COST; plan < PL_MATCH_NPLANS; plan++)
        for (size_t l = 0; l < sizeof ref_leads / sizeof *ref_leads; l++) {
            compare_planned(&ref_leads[l], 10, NULL, plan);
            compare_planned(&ref_leads[l], 128, "QDIP", plan);
        }
    cr_assert_eq(match_snapshot_builds(db), 0);
    tu_sql_exec(db, "COMMIT");
}

Test(match_many, parcels_added_between_calls_are_seen)
{
    /* nothing is kept from one call to the next: a parcel that fits perfectly comes first */
    compare_with_reference(&ref_leads[0], 5, NULL);
    many_parcel *p = &mp[n_mp++];
    memset(p, 0, sizeof *p);
    snprintf(p->park, sizeof p->park, "QDIP");
    snprintf(p->code, sizeof p->code, "A-NEW");
    snprintf(p->status, sizeof p->status, "available");
    p->x0 = 570000, p->x1 = 570400, p->y0 = 3990000, p->y1 = 3990200; /* 120 亩 */
    p->has_ind = 1, p->inv = 250, p->tax = 15, p->industries = "equipment";
    long id = tu_add_rect(db, "QDIP", "A-NEW", "available", p->x0, p->x1, p->y0, p->y1);
    many_ind(id, p);
    p->area_m2 = tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'A-NEW'");
    /* beside a live equipment project parcel */
    many_neighbour_add("N-NEW", 570400, 570450, 3990000, 3990200, "PRJ-A", NULL);
    compare_with_reference(&ref_leads[0], 5, NULL);
    got *g = match("M1", 5, NULL, NULL);
    const res *r = find(g, "A-NEW");
    cr_assert_float_eq(r->score, 100.0, 1e-9);
    cr_assert(strstr(r->reason[PL_MATCH_CONTIGUITY], "N-NEW"), "%s", r->reason[PL_MATCH_CONTIGUITY]);
}

Test(match_many, the_fixture_has_every_case)
{
    /* ties (the same score and deviation in both parks), the edges of the area score, contiguity
     * won and lost at the 1 m limit, and every industry form near the top of some ranking */
    static ref_row rows[MANY_MAX];
    int ties = 0, edge10 = 0, edge50 = 0, contiguous = 0, corner_far = 0, allowed_forms = 0;
    for (size_t l = 0; l < sizeof ref_leads / sizeof *ref_leads; l++) {
        int n = ref_rank(&ref_leads[l], NULL, rows);
        for (int i = 0; i + 1 < n && i < 40; i++)
            ties += rows[i].total == rows[i + 1].total && fabs(rows[i].dev - rows[i + 1].dev) <= 1e-9;
        for (int i = 0; i < n; i++) {
            edge10 += fabs(rows[i].dev - 0.1) < 1e-9;
            edge50 += fabs(rows[i].dev - 0.5) < 1e-9;
            contiguous += rows[i].neighbour[0] != 0;
            allowed_forms += rows[i].p->has_ind && rows[i].p->industries &&
                             (strstr(rows[i].p->industries, "，") || strstr(rows[i].p->industries, "、") ||
                              strstr(rows[i].p->industries, "高端装备")) &&
                             rows[i].pts[PL_MATCH_INDUSTRY] == 250;
        }
    }
    for (int k = 0; k < n_mn; k++)
        corner_far += fabs(fmod(mn[k].y0 - 3990000, 600.0) - 200.75) < 1e-6; /* 0.75 m at the corner: 1.06 m */
    cr_assert_gt(ties, 3, "%d", ties);
    cr_assert_gt(edge10, 3, "%d", edge10);
    cr_assert_gt(edge50, 3, "%d", edge50);
    cr_assert_gt(contiguous, 10, "%d", contiguous);
    cr_assert_gt(corner_far, 1, "%d", corner_far);
    cr_assert_gt(allowed_forms, 5, "%d", allowed_forms);
}

/* ---- the snapshot kept per connection (match_snapshot.c) ---- */

/* Every figure and reason of a ranking, and the count, as one text. */
typedef struct said {
    char text[65536];
    size_t len;
} said;

static int say_result(const pl_match_result *m, void *ctx)
{
    said *s = ctx;
    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%d %s %s %s %.17g %.17g", m->rank, m->park,
                               m->code, m->status, m->area_m2, m->score);
    for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++)
        s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, " | %g %d %s", m->reasons[c].points,
                                   m->reasons[c].no_data, m->reasons[c].text);
    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "\n");
    cr_assert_lt(s->len, sizeof s->text - 1);
    return 0;
}

/* What `match lead --top top` says on connection h. */
static const char *ranking_on(pl_db *h, const char *lead_code, int top, said *s)
{
    memset(s, 0, sizeof *s);
    pl_match_summary sum;
    pl_match_options o;
    pl_match_options_init(&o);
    o.top = top;
    o.summary = &sum;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_match_lead(h, lead_code, &o, say_result, s, &err), PL_OK, "%s", err.message);
    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "candidates %ld returned %ld\n",
                               sum.candidates, sum.returned);
    return s->text;
}

/* The ranking of M1 on `db` (its snapshot) is the one a fresh connection gives, and differs from `before`
 * (NULL: no need to); returns it in *now. */
static void same_as_a_fresh_connection(const char *what, const said *before, said *now)
{
    static said fresh;
    pl_db *f;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &f, &err), PL_OK, "%s", err.message);
    ranking_on(db, "M1", 25, now);
    ranking_on(f, "M1", 25, &fresh);
    pl_db_close(f);
    cr_assert_str_eq(now->text, fresh.text, "%s: the kept snapshot and a fresh connection disagree", what);
    if (before)
        cr_assert_str_neq(now->text, before->text, "%s: the ranking did not change", what);
}

/* the free parcels counted in a ranking text */
static long candidates_in(const said *s)
{
    const char *c = strstr(s->text, "candidates ");
    cr_assert(c);
    return strtol(c + strlen("candidates "), NULL, 10);
}

/* the code of the parcel ranked first in a ranking text ("1 PARK CODE ...") */
static const char *first_code(const said *s, char *code, size_t n)
{
    char park[16];
    cr_assert_eq(sscanf(s->text, "1 %15s %15s", park, code), 2);
    (void)n;
    return code;
}

Test(match_many, writes_of_another_connection_change_the_next_ranking_exactly)
{
    static said a, b;
    pl_db *other;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &other, &err), PL_OK, "%s", err.message);
    same_as_a_fresh_connection("first call", NULL, &a);
    unsigned long builds = match_snapshot_builds(db);
    cr_assert_eq(builds, 1);
    /* a second call, nothing written: the snapshot is kept */
    same_as_a_fresh_connection("nothing written", NULL, &b);
    cr_assert_str_eq(a.text, b.text);
    cr_assert_eq(match_snapshot_builds(db), builds);

    char code[16], sql[512];
    /* the first one reserved elsewhere */
    snprintf(sql, sizeof sql, "UPDATE parcel SET status = 'reserved' WHERE code = '%s'", first_code(&b, code, sizeof code));
    tu_sql_exec(other, sql);
    same_as_a_fresh_connection("reserved", &b, &a);
    cr_assert_eq(match_snapshot_builds(db), ++builds);
    /* the new first one's indicators edited: the industry no longer allowed, the minimum raised */
    snprintf(sql, sizeof sql,
             "UPDATE parcel_indicator SET industries = 'marine', investment_intensity = 900"
             " WHERE parcel_id IN (SELECT id FROM parcel WHERE code = '%s')", first_code(&a, code, sizeof code));
    tu_sql_exec(other, sql);
    cr_assert_eq(sqlite3_changes(other->h), 1, "%s", code);
    same_as_a_fresh_connection("indicators edited", &a, &b);
    cr_assert_eq(match_snapshot_builds(db), ++builds);
    /* the new first one deleted (with its indicators) */
    snprintf(sql, sizeof sql, "DELETE FROM parcel WHERE code = '%s' AND status = 'available'",
             first_code(&b, code, sizeof code));
    tu_sql_exec(other, sql);
    same_as_a_fresh_connection("deleted", &b, &a);
    cr_assert_eq(match_snapshot_builds(db), ++builds);
    /* its area changed */
    snprintf(sql, sizeof sql, "UPDATE parcel SET area_m2 = area_m2 * 3 WHERE code = '%s'",
             first_code(&a, code, sizeof code));
    tu_sql_exec(other, sql);
    same_as_a_fresh_connection("area edited", &a, &b);
    cr_assert_eq(match_snapshot_builds(db), ++builds);
    /* a parcel imported: a perfect fit beside a live equipment project parcel */
    long id = tu_add_rect(other, "QDIP", "A-IMP", "available", 575000, 575400, 3990000, 3990200);
    snprintf(sql, sizeof sql,
             "INSERT INTO parcel_indicator(parcel_id, investment_intensity, tax_per_mu, industries, updated_at)"
             " VALUES (%ld, 250, 15, 'equipment', 'x')", id);
    tu_sql_exec(other, sql);
    long nb = tu_add_rect(other, "QDIP", "N-IMP", "transferred", 575400, 575450, 3990000, 3990200);
    snprintf(sql, sizeof sql,
             "INSERT INTO project_parcel(project_id, parcel_id) SELECT id, %ld FROM project WHERE code = 'PRJ-A'", nb);
    tu_sql_exec(other, sql);
    same_as_a_fresh_connection("imported", &b, &a);
    cr_assert(strstr(a.text, "1 QDIP A-IMP"), "%s", a.text);
    cr_assert(strstr(a.text, "N-IMP"), "%s", a.text);
    cr_assert_eq(match_snapshot_builds(db), ++builds);
    /* a parcel imported by `import parcels` (whose writer moves the counters once, not per row) */
    static const char gj[] =
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"A-GJ\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[577000,3990000],[577400,3990000],[577400,3990200],"
        "[577000,3990200],[577000,3990000]]]}}]}";
    const char *gj_path = tu_tmp("snapshot-import.geojson");
    tu_write_file(gj_path, gj, sizeof gj - 1);
    pl_import_options io;
    pl_import_options_init(&io);
    io.park = "QDIP";
    io.status = "available";
    io.srid = 4549;
    pl_import_result ir;
    memset(&ir, 0, sizeof ir);
    cr_assert_eq(pl_import_parcels(other, gj_path, &io, &ir, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&ir);
    cr_assert_eq(tu_sql_count(other, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'match_gen%'"),
                 14, "the import created the triggers it suspended again");
    same_as_a_fresh_connection("import parcels", &a, &b);
    cr_assert_eq(candidates_in(&b), candidates_in(&a) + 1, "%s", b.text);
    cr_assert_eq(match_snapshot_builds(db), ++builds);
    a = b;
    /* the project terminated: no contiguity from it any more */
    tu_sql_exec(other, "UPDATE project SET terminated_on = '2024-06-01' WHERE code = 'PRJ-A'");
    same_as_a_fresh_connection("project terminated", &a, &b);
    cr_assert(!strstr(b.text, "N-IMP"), "%s", b.text);
    /* the project's lead moved to another industry, and back */
    tu_sql_exec(other, "UPDATE project SET terminated_on = NULL WHERE code = 'PRJ-A'");
    same_as_a_fresh_connection("project live again", &b, &a);
    tu_sql_exec(other, "UPDATE lead SET industry = 'it' WHERE id = (SELECT lead_id FROM project WHERE code = 'PRJ-A')");
    same_as_a_fresh_connection("project lead's industry", &a, &b);
    pl_db_close(other);
}

Test(match_many, leads_added_and_moved_elsewhere_keep_the_snapshot)
{
    static said a, b;
    pl_db *other;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &other, &err), PL_OK, "%s", err.message);
    ranking_on(db, "M1", 10, &a);
    unsigned long builds = match_snapshot_builds(db);
    cr_assert_eq(builds, 1);
    /* what the server's writers do all day: leads added, their stage moved */
    for (int i = 0; i < 5; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT INTO lead(code, company, industry, land_mu, investment, tax_per_mu, stage, stage_date,"
                 " created_at, updated_at) VALUES ('W-%d', 'w', 'equipment', 50, 100, 1, 'new', '2024-03-01', 'x', 'x');"
                 "UPDATE lead SET stage = 'visited', stage_date = '2024-03-02', updated_at = 'y' WHERE code = 'W-%d';"
                 "UPDATE lead SET company = 'changed' WHERE code = 'M2';",
                 i, i);
        tu_sql_exec(other, sql);
        ranking_on(db, "M1", 10, &b);
        cr_assert_str_eq(a.text, b.text);
        cr_assert_eq(match_snapshot_builds(db), builds, "rebuilt after a lead write");
    }
    /* the one being matched, edited: read as it is now, the snapshot kept */
    tu_sql_exec(other, "UPDATE lead SET land_mu = 60, investment = 18000 WHERE code = 'M1'");
    same_as_a_fresh_connection("lead edited", &a, &b);
    cr_assert_eq(match_snapshot_builds(db), builds);
    /* a parcel's name edited: nothing match keeps */
    tu_sql_exec(other, "UPDATE parcel SET name = 'renamed' WHERE code = 'G-001'");
    ranking_on(db, "M1", 10, &a);
    cr_assert_eq(match_snapshot_builds(db), builds);
    pl_db_close(other);
}

Test(match_many, a_transaction_of_the_callers_own_neither_reads_nor_builds_the_snapshot)
{
    static said a, b;
    tu_sql_exec(db, "BEGIN");
    /* an uncommitted write, then rolled back: a snapshot of it would outlive it */
    tu_sql_exec(db, "UPDATE parcel SET status = 'reserve' WHERE status = 'available'");
    ranking_on(db, "M1", 10, &a);
    cr_assert(!strstr(a.text, " available "), "%s", a.text); /* only those reserved for M1 */
    cr_assert_eq(match_snapshot_builds(db), 0);
    tu_sql_exec(db, "ROLLBACK");
    same_as_a_fresh_connection("after the rollback", &a, &b);
    cr_assert_eq(match_snapshot_builds(db), 1);
}
