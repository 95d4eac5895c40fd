/*
 * test_parse.c — parkland/parse.h (base/parse.c): the one dialect of dates,
 * numbers and quantities, every form it takes and what it refuses.
 */
#include "parkland/parse.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

Test(parse, dates_in_every_form)
{
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"2026-03-01", "2026-03-01"},   {"2026-3-1", "2026-03-01"},       {"2026/3/1", "2026-03-01"},
        {"2026.3.1", "2026-03-01"},     {"2026年3月1日", "2026-03-01"}, {"2026年03月01日", "2026-03-01"},
        {"2026年3月1", "2026-03-01"},   {"20260301", "2026-03-01"},       {"２０２６－３－１", "2026-03-01"},
        {"２０２６年３月１日", "2026-03-01"}, {"２０２６／３／１", "2026-03-01"}, {" 2026-12-31 ", "2026-12-31"},
        {"2024-2-29", "2024-02-29"},    {"2000/2/29", "2000-02-29"},      {"19991231", "1999-12-31"},
        {"\xe3\x80\x80" "2026.03.01", "2026-03-01"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char out[11] = "";
        cr_assert(pl_parse_date(ok[i].in, out), "'%s' refused", ok[i].in);
        cr_assert_str_eq(out, ok[i].out, "'%s' read as %s", ok[i].in, out);
    }
}

Test(parse, dates_that_are_not_real_or_not_a_form_are_refused)
{
    static const char *const bad[] = {
        "2026-2-30", "2026-02-29", "1900-2-29", "2100/2/29", "2026-13-01", "2026-00-10", "2026-1-0",
        "2026年2月30日", "20260230", "2026-3/1", "2026/3-1", "26-3-1", "2026-3-1x", "2026--3-1", "2026-003-01",
        "202631", "2026031", "2026-3", "2026年3月", "", "   ", "today", "0999-01-01", "2026-3-1 1", "+2026-3-1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char out[11] = "untouched";
        cr_assert_not(pl_parse_date(bad[i], out), "'%s' taken as %s", bad[i], out);
    }
    cr_assert_not(pl_parse_date(NULL, NULL));
    cr_assert(pl_parse_date("2028-2-29", NULL));
}

Test(parse, numbers_with_separators_and_full_width_digits)
{
    static const struct {
        const char *in;
        double v;
    } ok[] = {
        {"12000", 12000},     {"12,000", 12000},        {"12，000", 12000},  {"１２，０００", 12000},
        {"１２０００", 12000}, {"1,234,567.5", 1234567.5}, {"-3.5", -3.5},       {"+2", 2},
        {"－2.5", -2.5},      {"１．５", 1.5},          {".5", 0.5},         {"5.", 5},
        {"1e3", 1000},        {" 42 ", 42},             {"1234,567", 1234567}, {"0", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        double v = NAN;
        cr_assert(pl_parse_number(ok[i].in, &v), "'%s' refused", ok[i].in);
        cr_assert_eq(v, ok[i].v, "'%s' read as %g", ok[i].in, v);
    }
    static const char *const bad[] = {"", "  ", "abc", "1,2", "1,23", "1,2345", ",123", "12,000,00", "1.234,567",
                                      "0x10", "inf", "nan", "1e999", "1 000", "12 亩", "--1", "1e", ".", "-"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v = 7;
        cr_assert_not(pl_parse_number(bad[i], &v), "'%s' taken as %g", bad[i], v);
        cr_assert_eq(v, 7);
    }
}

/* Lists of numbers (--towgs84): commas ASCII or full-width, full-width digits and minus signs. */
Test(parse, number_lists)
{
    double v[3];
    static const char *const ok[] = {"1,-2.5,3", "１，－２．５，３", "1, −2.5 ,3", " 1,-2.5,3e0 ", "+1，-2.5，3"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cr_assert(pl_parse_number_list(ok[i], v, 3), "'%s' refused", ok[i]);
        cr_assert(v[0] == 1 && v[1] == -2.5 && v[2] == 3, "'%s' read as %g,%g,%g", ok[i], v[0], v[1], v[2]);
    }
    static const char *const bad[] = {"", "1,2", "1,2,3,4", "1,,3", "1,2,", ",1,2", "1;2;3", "1,2,x", "1 2 3", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(pl_parse_number_list(bad[i], v, 3), "'%s' taken", bad[i] ? bad[i] : "(null)");
    cr_assert_not(pl_parse_number_list("1", v, 0));
}

Test(parse, quantities_convert_into_the_options_unit)
{
    static const struct {
        const char *in;
        pl_unit unit;
        double v;
        int converted;
    } ok[] = {
        {"40", PL_UNIT_MU, 40, 0},
        {"40亩", PL_UNIT_MU, 40, 0},
        {"40 亩", PL_UNIT_MU, 40, 0},
        {"40mu", PL_UNIT_MU, 40, 0},
        {"2.6公顷", PL_UNIT_MU, 39, 1},
        {"2.6 ha", PL_UNIT_MU, 39, 1},
        {"2.6HA", PL_UNIT_MU, 39, 1},
        {"26666m²", PL_UNIT_MU, 26666 * 15 / 10000.0, 1},
        {"26,666 平方米", PL_UNIT_MU, 26666 * 15 / 10000.0, 1},
        {"30000㎡", PL_UNIT_MU, 45, 1},
        {"30000m2", PL_UNIT_MU, 45, 1},
        {"40亩", PL_UNIT_M2, 40 * 10000 / 15.0, 1},
        {"1.5ha", PL_UNIT_M2, 15000, 1},
        {"1.2亿元", PL_UNIT_WAN, 12000, 1},
        {"1.2亿", PL_UNIT_WAN, 12000, 1},
        {"12000万元", PL_UNIT_WAN, 12000, 0},
        {"１２，０００万", PL_UNIT_WAN, 12000, 0},
        {"5000000元", PL_UNIT_WAN, 500, 1},
        {"500", PL_UNIT_M, 500, 0},
        {"500米", PL_UNIT_M, 500, 0},
        {"2km", PL_UNIT_M, 2000, 1},
        {"1.5公里", PL_UNIT_M, 1500, 1},
        {"300万元/亩", PL_UNIT_WAN_PER_MU, 300, 0},
        {"4500万元/公顷", PL_UNIT_WAN_PER_MU, 300, 1},
        {"30万元/亩·年", PL_UNIT_WAN_PER_MU_YEAR, 30, 0},
        {"30万元/亩・年", PL_UNIT_WAN_PER_MU_YEAR, 30, 0},
        {"30万元/亩", PL_UNIT_WAN_PER_MU_YEAR, 30, 0},
        {"450万元/公顷·年", PL_UNIT_WAN_PER_MU_YEAR, 30, 1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        double v = NAN;
        int conv = -1;
        cr_assert(pl_parse_quantity(ok[i].in, ok[i].unit, &v, &conv), "'%s' in %s refused", ok[i].in,
                  pl_unit_name(ok[i].unit));
        cr_assert(fabs(v - ok[i].v) <= 1e-9 * fabs(ok[i].v), "'%s' read as %.17g, not %.17g", ok[i].in, v, ok[i].v);
        cr_assert_eq(conv, ok[i].converted, "'%s': converted %d", ok[i].in, conv);
    }
    /* exact where the decimal is: 2.6 公顷 is 39 亩, not 39.000000000000007 */
    double v;
    cr_assert(pl_parse_quantity("2.6公顷", PL_UNIT_MU, &v, NULL));
    cr_assert_eq(v, 39.0);
}

Test(parse, a_unit_of_another_dimension_or_unknown_is_refused)
{
    static const struct {
        const char *in;
        pl_unit unit;
    } bad[] = {
        {"40万元", PL_UNIT_MU}, {"40亩", PL_UNIT_WAN}, {"40 acres", PL_UNIT_MU}, {"40km", PL_UNIT_MU},
        {"40亩", PL_UNIT_NONE}, {"亩", PL_UNIT_MU},    {"40亩亩", PL_UNIT_MU},    {"1e999亿", PL_UNIT_WAN},
        {"2m²", PL_UNIT_M},     {"", PL_UNIT_MU},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v = 7;
        cr_assert_not(pl_parse_quantity(bad[i].in, bad[i].unit, &v, NULL), "'%s' taken as %g", bad[i].in, v);
        cr_assert_eq(v, 7);
    }
}

Test(parse, unit_names_and_choices)
{
    cr_assert_str_eq(pl_unit_name(PL_UNIT_MU), "亩");
    cr_assert_str_eq(pl_unit_name(PL_UNIT_M2), "m²");
    cr_assert_str_eq(pl_unit_name(PL_UNIT_WAN_PER_MU_YEAR), "万元/亩·年");
    cr_assert_str_eq(pl_unit_name(PL_UNIT_NONE), "");
    cr_assert_eq(pl_unit_parse("万元/亩·年"), PL_UNIT_WAN_PER_MU_YEAR);
    cr_assert_eq(pl_unit_parse("万元/亩"), PL_UNIT_WAN_PER_MU);
    cr_assert_eq(pl_unit_parse("HA"), PL_UNIT_HA);
    cr_assert_eq(pl_unit_parse(""), PL_UNIT_NONE);
    cr_assert_eq(pl_unit_parse(NULL), PL_UNIT_NONE);
    cr_assert(strstr(pl_unit_choices(PL_UNIT_MU), "公顷"));
    cr_assert_str_eq(pl_unit_choices(PL_UNIT_NONE), "");
}

Test(parse, edit_distance_for_did_you_mean)
{
    static const struct {
        const char *a, *b;
        int limit, d;
    } cases[] = {
        {"--min-mu", "--min-mu", 3, 0},   {"--min-mo", "--min-mu", 3, 1},    {"--mni-mu", "--min-mu", 3, 1},
        {"--minmu", "--min-mu", 3, 1},    {"QDIP-2024-01", "QDIP-2024-001", 3, 1}, {"qdip-2024-001", "QDIP-2024-001", 3, 0},
        {"abc", "xyz", 3, 3},             {"abc", "xyz", 2, 3},              {"a", "abcdef", 2, 3},
        {"", "ab", 3, 2},                 {"ca", "abc", 3, 3}, /* OSA: a swapped pair is not edited again */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_assert_eq(pl_edit_distance(cases[i].a, cases[i].b, cases[i].limit), cases[i].d, "%s / %s: %d", cases[i].a,
                     cases[i].b, pl_edit_distance(cases[i].a, cases[i].b, cases[i].limit));
    cr_assert_eq(pl_suggest_limit(3), 1);
    cr_assert_eq(pl_suggest_limit(8), 2);
    cr_assert_eq(pl_suggest_limit(13), 3);
}

Test(parse, months_in_every_form)
{
    static const char *const ok[] = {"2026-03", "2026-3", "2026/3", "2026.3", "2026年3月", "2026年03月", "202603",
                                     "２０２６－０３", "２０２６年３月", " 2026-03 "};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char out[8] = "";
        cr_assert(pl_parse_month(ok[i], out), "'%s' refused", ok[i]);
        cr_assert_str_eq(out, "2026-03", "'%s' read as %s", ok[i], out);
    }
    static const char *const bad[] = {"2026-13", "2026-0", "2026-3-1", "20263", "2026", "2026年3月1日",
                                      "26-3", "", "March", "2026-003", "0999-01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(pl_parse_month(bad[i], NULL), "'%s' taken", bad[i]);
}
