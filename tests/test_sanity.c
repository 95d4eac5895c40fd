/* test_sanity.c — possible but unlikely values (parkland/sanity.h): a land
 * demand over 3000 亩, a declared area 15 × or 1/15 of the polygon's (and the
 * m² slips), indicators outside their plausible ranges — warnings that name
 * the value and the likely unit, the value kept — and a `query free` that
 * finds nothing saying which filter removed the last candidates. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/import.h"
#include "parkland/park.h"
#include "parkland/query.h"
#include "parkland/sanity.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];
static char *out, *errout;

/* Four 100 m squares (10000 m² = 15 亩 = 1 ha) in EPSG:4528, each with a declared area:
 * S-HA 15 in area_ha (15 × the polygon: 亩 read as 公顷), S-MU 1 in area_mu (1/15: 公顷 read as 亩),
 * S-OK 10000 m², S-OFF 12000 m² (20 % off, no slip of unit). */
static const char squares[] =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4528\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"DKBH\":\"S-HA\",\"area_ha\":15},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[40536000,3996000],[40536100,3996000],[40536100,3996100],[40536000,3996100],[40536000,3996000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"DKBH\":\"S-MU\",\"area_mu\":1},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[40536200,3996000],[40536300,3996000],[40536300,3996100],[40536200,3996100],[40536200,3996000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"DKBH\":\"S-OK\",\"area_m2\":10000},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[40536400,3996000],[40536500,3996000],[40536500,3996100],[40536400,3996100],[40536400,3996000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"DKBH\":\"S-OFF\",\"area_m2\":12000},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[40536600,3996000],[40536700,3996000],[40536700,3996100],[40536600,3996100],[40536600,3996000]]]}}"
    "]}";

static pl_import_result imported;

static void setup(void)
{
    db = tu_db_new("sanity.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    const char *path = tu_tmp("squares.geojson");
    tu_write_file(path, squares, (size_t)-1);
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = "QDIP";
    o.status = "available";
    cr_assert_eq(pl_import_parcels(db, path, &o, &imported, &err), PL_OK, "%s", err.message);
}

static void teardown(void)
{
    pl_import_result_release(&imported);
    tu_outputs_free(&out, &errout);
    tu_db_close(db);
}

TestSuite(sanity, .init = setup, .fini = teardown);

static const char *message_about(const char *code)
{
    for (size_t i = 0; i < imported.nmessages; i++)
        if (imported.messages[i].text && strstr(imported.messages[i].text, code))
            return imported.messages[i].text;
    return NULL;
}

Test(sanity, land_demand_over_3000_mu_asks_m2)
{
    char msg[512] = "untouched";
    cr_assert_eq(pl_sanity_land_mu(3000, msg, sizeof msg), 0);
    cr_assert_eq(pl_sanity_land_mu(NAN, msg, sizeof msg), 0);
    cr_assert_str_eq(msg, "untouched");
    cr_assert_eq(pl_sanity_land_mu(26666, msg, sizeof msg), 1);
    cr_assert(strstr(msg, "land demand 26666 亩 is more than 3000 亩 (= 1777.7 ha): m²? 26666 m² would be "
                          "40.00 亩; kept as 26666 亩"), "%s", msg);
}

Test(sanity, declared_area_15_times_or_a_fifteenth_names_the_unit)
{
    char msg[512];
    cr_assert_eq(pl_sanity_declared_area(150000, 10000, msg, sizeof msg), 1);
    cr_assert(strstr(msg, "declared 150000.00 m² is 15 × the polygon's 10000.00 m²: 亩? (a number in 亩 read as ha)"), "%s", msg);
    cr_assert_eq(pl_sanity_declared_area(10000.0 / 15, 10000, msg, sizeof msg), 1);
    cr_assert(strstr(msg, "1/15 of the polygon's 10000.00 m²: ha? (a number in ha read as 亩)"), "%s", msg);
    cr_assert_eq(pl_sanity_declared_area(10000 * 10000.0 / 15, 10000, msg, sizeof msg), 1);
    cr_assert(strstr(msg, "666.7 ×") && strstr(msg, ": m²?"), "%s", msg);
    cr_assert_eq(pl_sanity_declared_area(10000, 10000, msg, sizeof msg), 0);
    cr_assert_eq(pl_sanity_declared_area(12000, 10000, msg, sizeof msg), 0);
    cr_assert_eq(pl_sanity_declared_area(150000 * 1.01, 10000, msg, sizeof msg), 0, "1 %% off 15 × is not a slip");
    cr_assert_eq(pl_sanity_declared_area(0, 10000, msg, sizeof msg), 0);
}

Test(sanity, import_warns_with_the_likely_unit_and_keeps_the_parcels)
{
    cr_assert_eq(imported.inserted, 4);
    const char *ha = message_about("S-HA"), *mu = message_about("S-MU"), *off = message_about("S-OFF");
    cr_assert_not_null(ha);
    cr_assert(strstr(ha, "the file states 150000.00 m²") && strstr(ha, "15 × the polygon's 10000.00 m²: 亩?"),
              "%s", ha);
    cr_assert_not_null(mu);
    cr_assert(strstr(mu, "1/15 of the polygon's 10000.00 m²: ha?"), "%s", mu);
    cr_assert_not_null(off);
    cr_assert(strstr(off, "-16.67%") && !strstr(off, "?"), "20 %% off names no unit: %s", off);
    cr_assert_null(message_about("S-OK"));
}

Test(sanity, indicator_ranges_are_one_table)
{
    size_t n;
    const pl_sanity_range *r = pl_sanity_ranges(&n);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert_lt(r[i].lo, r[i].hi);
        if (r[i].field == PL_IND_FAR_MAX) {
            found = 1;
            cr_assert_float_eq(r[i].lo, 0.1, 1e-12);
            cr_assert_float_eq(r[i].hi, 10, 1e-12);
        }
        if (r[i].field == PL_IND_INVESTMENT_INTENSITY) {
            cr_assert_float_eq(r[i].lo, 50, 1e-12);
            cr_assert_float_eq(r[i].hi, 5000, 1e-12);
        }
    }
    cr_assert(found);
    char msg[640];
    cr_assert_eq(pl_sanity_indicator(PL_IND_FAR_MAX, 2.5, msg, sizeof msg), 0);
    cr_assert_eq(pl_sanity_indicator(PL_IND_FAR_MAX, 10, msg, sizeof msg), 0, "bounds are inclusive");
    cr_assert_eq(pl_sanity_indicator(PL_IND_FAR_MAX, 25, msg, sizeof msg), 1);
    cr_assert_str_eq(msg, "FAR max 25 is outside the plausible range 0.1–10: a slip of unit or decimal point?");
    cr_assert_eq(pl_sanity_indicator(PL_IND_INVESTMENT_INTENSITY, 30000, msg, sizeof msg), 1);
    cr_assert(strstr(msg, "30000 万元/亩 is outside the plausible range 50–5000 万元/亩"), "%s", msg);
    cr_assert_eq(pl_sanity_indicator(PL_IND_INDUSTRIES, 1, msg, sizeof msg), 0, "no range: no warning");
}

Test(sanity, cli_warns_for_land_demand_and_indicators_and_keeps_the_values)
{
    pl_db_close(db);
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add L-X --company 甲 --land-mu 26666"), 0, "%s", errout);
    cr_assert(strstr(errout, "parkland: warning: lead L-X: land demand 26666 亩 is more than 3000 亩"), "%s",
              errout);
    cr_assert(strstr(errout, "m²? 26666 m² would be 40.00 亩; kept as 26666 亩 (to correct: parkland lead edit L-X "
                             "--land-mu 26666m²)"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead list --format csv"), 0);
    cr_assert(strstr(out, "26666.00"), "the value is kept: %s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit L-X --land-mu 26666m²"), 0, "%s", errout);
    cr_assert_null(strstr(errout, "warning"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add L-Y --company 乙 --land-mu 40"), 0, "%s", errout);
    cr_assert_null(strstr(errout, "warning"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit L-Y --land-mu 4000"), 0, "%s", errout);
    cr_assert(strstr(errout, "warning: lead L-Y: land demand 4000 亩"), "%s", errout);
    /* an indicator out of range: a warning, the value written */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators S-OK --far-min 1 --far-max 25"), 0, "%s", errout);
    size_t blen = strlen(out) + strlen(errout) + 1;
    char *both = malloc(blen);
    snprintf(both, blen, "%s%s", out, errout);
    cr_assert(strstr(both, "FAR max 25 is outside the plausible range 0.1–10"), "%s", both);
    cr_assert_null(strstr(both, "FAR min 1 is outside"), "%s", both);
    free(both);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show S-OK --format csv"), 0);
    cr_assert(strstr(out, ",25,"), "kept: %s", out);
}

Test(sanity, empty_query_names_the_filter_that_removed_the_last_candidates)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.park = "QDIP";
    f.min_mu = 10;
    f.max_mu = 20;
    f.min_far = 3;
    f.industry = "it";
    pl_query_funnel fn;
    pl_error err;
    pl_error_clear(&err);
    /* FAR max 2 everywhere, 'it' allowed on two */
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, far_min, far_max, industries, updated_at)"
                    " SELECT id, 1.0, 2.0, CASE WHEN code IN ('S-OK', 'S-OFF') THEN 'it' ELSE 'health' END,"
                    " '2025-01-01T00:00:00Z' FROM parcel");
    cr_assert_eq(pl_query_free_funnel(db, &f, &fn, &err), PL_OK, "%s", err.message);
    cr_assert_eq(fn.n, 5);
    const char *names[] = {"available", "park", "area", "industry", "min_far"};
    const long left[] = {4, 4, 4, 2, 0};
    for (size_t i = 0; i < 5; i++) {
        cr_assert_str_eq(fn.steps[i].filter, names[i]);
        cr_assert_eq(fn.steps[i].remaining, left[i], "%s: %ld", names[i], fn.steps[i].remaining);
    }
    cr_assert_eq(fn.emptied_by, 4, "--min-far removed the last two");
    f.min_far = 1.5;
    cr_assert_eq(pl_query_free_funnel(db, &f, &fn, &err), PL_OK);
    cr_assert_eq(fn.emptied_by, -1, "2 parcels pass: nothing emptied");
    cr_assert_eq(fn.steps[4].remaining, 2);
    f.min_mu = 16;
    cr_assert_eq(pl_query_free_funnel(db, &f, &fn, &err), PL_OK);
    cr_assert_eq(fn.steps[2].remaining, 0);
    cr_assert_eq(fn.steps[4].remaining, 0);
    cr_assert_eq(fn.emptied_by, 2, "the first filter that leaves none");
    /* the investor's investment ÷ each parcel's area (15 亩) against its required 300 万元/亩 */
    tu_sql_exec(db, "UPDATE parcel_indicator SET investment_intensity = 300");
    pl_query_filter_init(&f);
    f.investment = 1000;
    cr_assert_eq(pl_query_free_funnel(db, &f, &fn, &err), PL_OK, "%s", err.message);
    cr_assert_eq(fn.n, 2);
    cr_assert_str_eq(fn.steps[1].filter, "investment");
    cr_assert_eq(fn.steps[1].remaining, 0);
    cr_assert_eq(fn.emptied_by, 1);
    f.investment = 4600; /* 306.7 万元/亩 on 15 亩 */
    cr_assert_eq(pl_query_free_funnel(db, &f, &fn, &err), PL_OK);
    cr_assert_eq(fn.steps[1].remaining, 4);
    pl_db_close(db);
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "query free --park QDIP --min-mu 10 --max-mu 20 --min-far 2.5"), 0,
                 "%s", errout);
    cr_assert(strstr(out, "0 free parcels\n"), "%s", out);
    cr_assert(strstr(out, "\n  available (no filter)                         4\n"), "%s", out);
    cr_assert(strstr(out, "\n  --min-mu 10 --max-mu 20                       4\n"), "%s", out);
    cr_assert(strstr(out, "\n  --min-far 2.5                                 0  ← removed the last candidates"), "%s",
              out);
    cr_assert_null(strstr(out, "可供"), "English only: %s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh query free --park QDIP --min-mu 10 --max-mu 20 --min-far 2.5"),
                 0, "%s", errout);
    cr_assert(strstr(out, "没有符合全部条件的可供地块；逐项筛选后剩余的可供地块：\n"), "%s", out);
    cr_assert(strstr(out, "\n  可供（无筛选）"), "%s", out);
    cr_assert(strstr(out, "0  ← 排除了最后的候选地块"), "%s", out);
    cr_assert_null(strstr(out, "removed the last"), "Chinese only: %s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "query free --min-mu 16 --format json"), 0, "%s", errout);
    cr_assert(strstr(out, "[]"), "%s", out);
    cr_assert(strstr(errout, "--min-mu 16") && strstr(errout, "0  ← removed the last candidates"), "%s", errout);
}

Test(sanity, area_attribute_15_times_the_polygon_warns_on_parcel_edit)
{
    char msg[640];
    cr_assert_eq(pl_sanity_area_attr("area_ha", "15", 10000, msg, sizeof msg), 1);
    cr_assert(strstr(msg, "area_ha=15: declared 150000.00 m² is 15 × the polygon's 10000.00 m²: 亩?"), "%s",
              msg);
    cr_assert_eq(pl_sanity_area_attr("AREA_MU", "1", 10000, msg, sizeof msg), 1, "ASCII case ignored");
    cr_assert(strstr(msg, ": ha? (a number in ha read as 亩)"), "%s", msg);
    cr_assert_eq(pl_sanity_area_attr("地块面积", "15", 10000, msg, sizeof msg), 1);
    cr_assert_eq(pl_sanity_area_attr("area_ha", "1", 10000, msg, sizeof msg), 0, "right");
    cr_assert_eq(pl_sanity_area_attr("area_ha", "many", 10000, msg, sizeof msg), 0);
    cr_assert_eq(pl_sanity_area_attr("owner", "15", 10000, msg, sizeof msg), 0);
    pl_db_close(db);
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel edit S-OK --attr area_ha=15 --attr 备注=x"), 0, "%s", errout);
    cr_assert(strstr(errout, "parkland: warning: parcel S-OK: area_ha=15: declared 150000.00 m² is 15 × the "
                             "polygon's 10000.00 m²: 亩? (a number in 亩 read as ha); kept as given"),
              "%s", errout);
    cr_assert(strstr(out, "parcel S-OK: 2 fields changed"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh parcel edit S-OK --attr area_ha=15"), 0, "%s", errout);
    cr_assert(strstr(errout, "parkland：警告：宗地 S-OK：area_ha=15: 申报面积 150000.00 m² 是多边形面积 10000.00 m² 的 "
                             "15 倍：应为亩？（以亩为单位的数字被当作公顷读入）；按所给值保存"),
              "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh lead add L-Z --company 丙 --land-mu 4000"), 0, "%s", errout);
    cr_assert(strstr(errout, "警告：线索 L-Z：用地需求 4000 亩超过 3000 亩（= 266.7 公顷）"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel edit S-OK --attr area_ha=1"), 0, "%s", errout);
    cr_assert_null(strstr(errout, "warning"), "%s", errout);
}
