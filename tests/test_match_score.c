/* test_match_score.c — the pure scoring of `match` (src/match_score.c) on
 * structs, without a database: every component's points at its edges, the
 * industry list forms, missing data, the reasons' text, and points and text
 * from the same numbers as the ranking's partial score. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "match_internal.h"

/* Lead 120 亩, 36000 万元 (300 万元/亩), tax 25, industry equipment 装备. */
static lead_info lead(void)
{
    lead_info l;
    memset(&l, 0, sizeof l);
    snprintf(l.code, sizeof l.code, "L1");
    snprintf(l.industry, sizeof l.industry, "equipment");
    snprintf(l.industry_zh, sizeof l.industry_zh, "装备");
    l.land_mu = 120;
    l.investment = 36000;
    l.per_mu = 300;
    l.tax_per_mu = 25;
    return l;
}

static double m2(double mu)
{
    return mu * 10000.0 / 15.0;
}

Test(match_score, area_full_in_the_band_linear_to_zero_and_smaller_at_four_fifths)
{
    lead_info l = lead();
    static const struct {
        double mu;
        int tenths, smaller;
    } cases[] = {
        {120, 300, 0}, {132, 300, 0}, {108, 300, 0},  /* ±10 %: full */
        {150, 188, 0},                                /* +25 %: 30 × 0.625 = 18.75 */
        {90, 150, 1},                                 /* −25 %: 18.75 × 0.8 = 15 */
        {180, 0, 0},  {60, 0, 0},   {240, 0, 0},      /* ±50 % and beyond: 0 */
        {168, 75, 0}, {72, 60, 1},                    /* ±40 %: 7.5, smaller 6 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double dev;
        int smaller;
        int p = match_area_points(&l, cases[i].mu, &dev, &smaller);
        cr_assert_eq(p, cases[i].tenths, "%.0f 亩: %d", cases[i].mu, p);
        cr_assert_eq(smaller, cases[i].smaller, "%.0f 亩", cases[i].mu);
        cr_assert_float_eq(dev, (cases[i].mu - 120) / 120, 1e-12);
    }
}

Test(match_score, industry_lists_in_every_form)
{
    lead_info l = lead();
    static const struct {
        const char *list;
        int fit;
    } cases[] = {
        {NULL, 2},
        {"   ", 2},
        {"equipment", 1},
        {"it,equipment", 1},
        {"it， equipment", 1},  /* full-width comma, a space */
        {"it、\tequipment ", 1}, /* 顿号, a tab */
        {"装备", 1},              /* the Chinese name */
        {"高端装备", 0},          /* a longer name is another industry */
        {"equipment2,it", 0},
        {"it", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *s = cases[i].list;
        int fit = match_industry_fit(s, s ? strlen(s) : 0, &l);
        cr_assert_eq(fit, cases[i].fit, "'%s': %d", s ? s : "(null)", fit);
    }
    /* a list longer than the stack buffer */
    char longlist[2048];
    size_t n = 0;
    for (int i = 0; i < 150; i++)
        n += (size_t)snprintf(longlist + n, sizeof longlist - n, "ind%03d,", i);
    snprintf(longlist + n, sizeof longlist - n, "equipment");
    cr_assert_eq(match_industry_fit(longlist, strlen(longlist), &l), 1);
    int nd;
    cr_assert_eq(match_industry_points(&l, 2, &nd), 250);
    cr_assert_eq(nd, 0);
    cr_assert_eq(match_industry_points(&l, 1, &nd), 250);
    cr_assert_eq(match_industry_points(&l, 0, &nd), 0);
    cr_assert_eq(nd, 0);
    /* a lead without an industry: a list does not fit, and the component is half, no data */
    l.industry[0] = l.industry_zh[0] = '\0';
    cr_assert_eq(match_industry_fit("equipment", 9, &l), 0);
    cr_assert_eq(match_industry_points(&l, 0, &nd), 125);
    cr_assert_eq(nd, 1);
    cr_assert_eq(match_industry_points(&l, 2, &nd), 250, "any industry: full even without the lead's");
}

Test(match_score, minimums_full_proportional_or_half_without_data)
{
    int nd;
    cr_assert_eq(match_minimum_points(PL_MATCH_INVESTMENT, 300, 280, &nd), 200);
    cr_assert_eq(match_minimum_points(PL_MATCH_INVESTMENT, 300, 300, &nd), 200);
    cr_assert_eq(match_minimum_points(PL_MATCH_INVESTMENT, 250, 300, &nd), 167); /* 20 × 5/6 = 16.67 */
    cr_assert_eq(nd, 0);
    cr_assert_eq(match_minimum_points(PL_MATCH_TAX, 15, 20, &nd), 113);          /* 15 × 0.75 = 11.25 */
    cr_assert_eq(match_minimum_points(PL_MATCH_TAX, 0, 0, &nd), 150, "no minimum: full");
    cr_assert_eq(match_minimum_points(PL_MATCH_TAX, NAN, 20, &nd), 75);
    cr_assert_eq(nd, 1);
    cr_assert_eq(match_minimum_points(PL_MATCH_INVESTMENT, 300, NAN, &nd), 100);
    cr_assert_eq(nd, 1);
    cr_assert_eq(match_neutral(PL_MATCH_CONTIGUITY), 50);
}

static void explain(const lead_info *l, double mu, double inv, double tax, const char *ind, int contig,
                    const char *nb, match_scored *s)
{
    match_parcel p = {m2(mu), inv, tax, ind, match_industry_fit(ind, ind ? strlen(ind) : 0, l), contig, nb,
                      nb ? "PRJ-1" : NULL};
    match_explain(l, &p, s);
}

Test(match_score, reasons_state_the_numbers)
{
    lead_info l = lead();
    match_scored s;
    explain(&l, 150, 280, 30, "it,equipment", 100, "P-G", &s);
    cr_assert_str_eq(s.text[PL_MATCH_AREA], "面积 area: 需求 120.0 亩, 地块 150.0 亩 (+25.0%) → 18.8/30");
    cr_assert_str_eq(s.text[PL_MATCH_INDUSTRY], "产业 industry: 线索 装备 equipment, 地块允许 it,equipment → 25/25");
    cr_assert_str_eq(s.text[PL_MATCH_INVESTMENT],
                     /* 36000 万元 on this 150 亩 parcel: 240 万元/亩, short of 280, as signing would find it
                      * (by the lead's 120 亩 demand it was 300, full points, and then refused at signing) */
                     "投资强度 investment: 线索 240.0 万元/亩 (36000 万元 ÷ 地块 150.0 亩; 按需求 by demand 300.0 "
                     "万元/亩), 地块要求 ≥ 280.0 万元/亩 (85.7%) → 17.1/20");
    cr_assert_str_eq(s.text[PL_MATCH_TAX], "亩均税收 tax: 线索 25.0 万元/亩·年, 地块要求 ≥ 30.0 万元/亩·年 (83.3%) → 12.5/15");
    cr_assert_str_eq(s.text[PL_MATCH_CONTIGUITY],
                     "连片 contiguity: 邻接同产业地块 P-G (项目 project PRJ-1, 装备 equipment) → 10/10");
    cr_assert_eq(s.pts[PL_MATCH_AREA], 188);
    cr_assert_eq(s.pts[PL_MATCH_TAX], 125);

    explain(&l, 90, NAN, NAN, "it", 0, NULL, &s);
    cr_assert_str_eq(s.text[PL_MATCH_AREA], "面积 area: 需求 120.0 亩, 地块 90.0 亩 (−25.0%, 偏小 smaller ×0.8) → 15/30");
    cr_assert_str_eq(s.text[PL_MATCH_INDUSTRY],
                     "产业 industry: 线索 装备 equipment, 地块允许 it → 0/25 industry not allowed");
    cr_assert_str_eq(s.text[PL_MATCH_INVESTMENT],
                     "投资强度 investment: 线索 400.0 万元/亩 (36000 万元 ÷ 地块 90.0 亩; 按需求 by demand 300.0 万元/亩), 地块 no data "
                     "(地块未设投资强度 parcel has no investment intensity) → 10/20");
    cr_assert(s.no_data[PL_MATCH_INVESTMENT] && s.no_data[PL_MATCH_TAX] && !s.no_data[PL_MATCH_AREA]);
    cr_assert_str_eq(s.text[PL_MATCH_CONTIGUITY],
                     "连片 contiguity: 1 m 内无同产业项目地块 no neighbour of the same industry → 0/10");

    /* a lead with nothing but a code */
    lead_info bare;
    memset(&bare, 0, sizeof bare);
    bare.land_mu = bare.investment = bare.per_mu = bare.tax_per_mu = NAN;
    explain(&bare, 100, 280, 20, NULL, 50, NULL, &s);
    cr_assert_str_eq(s.text[PL_MATCH_AREA],
                     "面积 area: no data (线索未填用地需求 lead has no land demand), 地块 100.0 亩 → 15/30");
    cr_assert_str_eq(s.text[PL_MATCH_INDUSTRY],
                     "产业 industry: no data (线索未填产业 lead has no industry), 地块不限产业 any industry → 25/25");
    cr_assert_str_eq(s.text[PL_MATCH_INVESTMENT],
                     "投资强度 investment: 线索 no data (线索未填投资额 lead has no investment), 地块要求 ≥ 280.0 万元/亩 → "
                     "10/20");
    cr_assert_str_eq(s.text[PL_MATCH_CONTIGUITY], "连片 contiguity: no data (线索未填产业 lead has no industry) → 5/10");
    static const int no_data[PL_MATCH_NCOMPONENTS] = {1, 0, 1, 1, 1}; /* any industry is not missing data */
    for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++)
        cr_assert_eq(s.no_data[c], no_data[c], "%s", pl_match_component_name(c));
}

Test(match_score, reasons_and_the_ranking_score_agree)
{
    /* the ranking uses match_partial, the reasons match_explain: over a grid of
     * parcels, with and without each of the lead's numbers, the same points */
    lead_info leads[4];
    leads[0] = lead();
    leads[1] = lead();
    leads[1].land_mu = leads[1].per_mu = NAN;
    leads[2] = lead();
    leads[2].tax_per_mu = NAN;
    leads[2].industry[0] = leads[2].industry_zh[0] = '\0';
    leads[3] = lead();
    leads[3].land_mu = 37.5; /* a demand whose band edges are not round numbers of m² */
    leads[3].per_mu = 360;
    static const char *const lists[] = {NULL, "equipment", "it", "装备、it"};
    static const double invs[] = {NAN, 0, 250, 300, 400};
    static const double taxes[] = {NAN, 10, 25, 40};
    long n = 0;
    for (size_t k = 0; k < 4; k++)
        for (double mu = 10; mu <= 260; mu += 0.75)
            for (size_t a = 0; a < 4; a++)
                for (size_t b = 0; b < 5; b++)
                    for (size_t t = 0; t < 4; t++) {
                        const lead_info *l = &leads[k];
                        const char *ind = lists[a];
                        int fit = match_industry_fit(ind, ind ? strlen(ind) : 0, l);
                        double dev;
                        int partial = match_partial(l, m2(mu), invs[b], taxes[t], fit, &dev);
                        match_scored s;
                        match_parcel p = {m2(mu), invs[b], taxes[t], ind, fit, 0, NULL, NULL};
                        match_explain(l, &p, &s);
                        int sum = 0;
                        for (int c = 0; c < PL_MATCH_CONTIGUITY; c++) {
                            cr_assert(s.pts[c] >= 0 && s.pts[c] <= match_component_max[c] * 10);
                            sum += s.pts[c];
                        }
                        cr_assert_eq(sum, partial, "lead %zu, %.2f 亩, %s, %g, %g", k, mu, ind ? ind : "-", invs[b],
                                     taxes[t]);
                        if (isnan(l->land_mu))
                            cr_assert(isinf(dev));
                        else
                            cr_assert_float_eq(dev, fabs(mu - l->land_mu) / l->land_mu, 1e-9);
                        n++;
                    }
    cr_assert_gt(n, 100000);
}

Test(match_score, cut_text_never_ends_in_half_a_character)
{
    char buf[8];
    match_put(buf, sizeof buf, "%s", "面积面积"); /* 3 bytes each: 6 fit, the third would need 9 */
    cr_assert_str_eq(buf, "面积");
    match_put(buf, 5, "%s", "a面积");
    cr_assert_str_eq(buf, "a面");
    match_put(buf, 4, "%s", "ab面");
    cr_assert_str_eq(buf, "ab");
    match_put(buf, sizeof buf, "%s", "abc");
    cr_assert_str_eq(buf, "abc");
}
