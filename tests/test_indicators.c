/* test_indicators.c — standard-land indicators: the national control table
 * loaded at init, set/show/validate for parcels and parks, warnings against
 * the national minimums and the park's thresholds, park defaults on import,
 * and the 'parcel indicators' / 'park indicators' command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/indicators.h"
#include "parkland/park.h"
#include "testutil.h"

#define CODE "XHA-2024-017"

static pl_db *db;
static char dbpath[1024];

static void import_into(const char *park)
{
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = park;
    o.allow_overlap = 1; /* the same file in several parks */
    cr_assert_eq(tu_import_with(db, TEST_DATA_DIR "/txt/example_utf8.txt", &o), 1);
}

static void setup(void)
{
    db = tu_db_new("ind.db", dbpath);
    pl_db_set_user(db, "bob");
    tu_park_qdip(db);
    import_into("QDIP");
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(indicators, .init = setup, .fini = teardown);

/* Build a change set from "--option value" pairs, NULL-terminated. */
static pl_indicators changes(const char *first, ...)
{
    pl_indicators ch;
    pl_indicators_init(&ch);
    va_list ap;
    va_start(ap, first);
    for (const char *opt = first; opt; opt = va_arg(ap, const char *)) {
        const char *val = va_arg(ap, const char *);
        int f = pl_indicator_field_parse(opt);
        cr_assert_geq(f, 0, "unknown option %s", opt);
        pl_error err;
        pl_error_clear(&err);
        cr_assert_eq(pl_indicators_put(&ch, (pl_ind_field)f, val, &err), PL_OK, "%s", err.message);
    }
    va_end(ap);
    return ch;
}

static int set_parcel(const pl_indicators *ch, pl_indicator_warnings *w, int *changed, pl_error *err)
{
    pl_error_clear(err);
    return pl_parcel_indicators_set(db, "QDIP", CODE, ch, "notice 2025-07", w, changed, err);
}

Test(indicators, national_table_is_loaded_from_the_data_file)
{
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM national_control"), 35);
    cr_assert_float_eq(tu_sql_num(db, "SELECT far_min FROM national_control WHERE edition = '2002'"
                                      " AND industry_code = '40'"),
                       1.0, 1e-12);
    cr_assert_float_eq(tu_sql_num(db, "SELECT far_min FROM national_control WHERE edition = '2002'"
                                      " AND industry_code = '25'"),
                       0.5, 1e-12);
    cr_assert_float_eq(tu_sql_num(db, "SELECT building_coverage_min FROM national_control WHERE edition = '2002'"
                                      " AND industry_code = '*'"), 30.0, 1e-12);
    cr_assert_float_eq(tu_sql_num(db, "SELECT building_coverage_min FROM national_control WHERE edition = '2017'"
                                      " AND industry_code = '*'"), 40.0, 1e-12);
    cr_assert_float_eq(tu_sql_num(db, "SELECT admin_share_max FROM national_control WHERE edition = '2017'"
                                      " AND industry_code = '*'"), 7.0, 1e-12);
    /* GB/T 4754-2017 renumbering: 36 汽车 and 37 from 2002's 37, 38 from 39, 39 from 40, 40 from 41 */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM national_control WHERE edition = '2017'"
                                  " AND industry_code = '36' AND industry_name = '汽车制造业' AND far_min = 0.7"
                                  " AND source LIKE '%GB/T 4754-2002 37 mapped by concordance'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM national_control WHERE edition = '2017'"
                                  " AND industry_code = '39' AND far_min = 1.0"
                                  " AND source LIKE '%GB/T 4754-2002 40 mapped by concordance'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM national_control WHERE edition = '2017'"
                                  " AND industry_code = '40' AND industry_name = '仪器仪表制造业' AND far_min = 1.0"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM national_control WHERE industry_code = '*'"
                                  " AND far_min IS NULL"), 3);
    /* the quoted source with commas came through whole */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM national_control WHERE edition = '2002' AND industry_code = '*'"
                                  " AND source = '国土资发〔2008〕24号 工业项目建设用地控制指标: 建筑系数 ≥ 30 %,"
                                  " 行政办公及生活服务设施用地 ≤ 7 %'"), 1);
}

Test(indicators, init_fails_whole_without_a_readable_table)
{
    const char *p = tu_tmp("nodata.db");
    setenv("PARKLAND_DATA_DIR", "/nonexistent-parkland-data", 1);
    pl_db *d = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_neq(pl_db_create(p, 4549, &d, &err), PL_OK);
    cr_assert_null(d);
    cr_assert(strstr(err.message, "cannot read the national control table "
                                  "'/nonexistent-parkland-data/national_controls.csv'"), "%s", err.message);
    struct stat sb;
    cr_assert_neq(stat(p, &sb), 0, "a half-made database was left behind");
    /* a malformed table: the record and the reason */
    const char *dir = tu_tmp("baddata");
    mkdir(dir, 0755);
    char csv[1100];
    snprintf(csv, sizeof csv, "%s/national_controls.csv", dir);
    tu_write_file(csv, "edition,industry_code,industry_name,far_min,building_coverage_min,admin_share_max,source\n"
                       "2002,*,all,,30,7,x\n2002,13,农副食品加工业,one,,,x\n", (size_t)-1);
    setenv("PARKLAND_DATA_DIR", dir, 1);
    pl_error_clear(&err);
    cr_assert_neq(pl_db_create(p, 4549, &d, &err), PL_OK);
    cr_assert(strstr(err.message, "record 3: far_min 'one' is not a number"), "%s", err.message);
    cr_assert_neq(stat(p, &sb), 0);
    tu_write_file(csv, "edition,code,industry_name,far_min,building_coverage_min,admin_share_max,source\n",
                  (size_t)-1);
    cr_assert_neq(pl_db_create(p, 4549, &d, &err), PL_OK);
    cr_assert(strstr(err.message, "column 2 is 'code', expected 'industry_code'"), "%s", err.message);
    tu_write_file(csv, "edition,industry_code,industry_name,far_min,building_coverage_min,admin_share_max,source\n"
                       "2008,13,x,1,,,x\n", (size_t)-1);
    cr_assert_neq(pl_db_create(p, 4549, &d, &err), PL_OK);
    cr_assert(strstr(err.message, "record 2: edition '2008' is not 2002, 2011 or 2017"), "%s", err.message);
    /* a good one with a BOM loads */
    tu_write_file(csv, "\xEF\xBB\xBF" "edition,industry_code,industry_name,far_min,building_coverage_min,"
                       "admin_share_max,source\r\n2017,*,all,,40,7,\"a, b\"\r\n", (size_t)-1);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_create(p, 4549, &d, &err), PL_OK, "%s", err.message);
    pl_db_close(d);
    unsetenv("PARKLAND_DATA_DIR");
}

Test(indicators, set_show_and_history_per_changed_field)
{
    pl_indicators got;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_indicators_get(db, NULL, CODE, &got, &err), PL_OK, "%s", err.message);
    cr_assert_eq(got.present, 0);
    cr_assert_eq(got.has, 0u);

    pl_indicators ch = changes("--investment-intensity", "320", "--far-min", "1.2", "--far-max", "2.5",
                               "--tax-per-mu", "25", "--output-per-mu", "450", "--energy-per-output", "0.35",
                               "--building-coverage-min", "45", "--admin-share-max", "6", "--green-ratio-max", "15",
                               "--industries", "it, equipment,it", "--industry-code", "39", "--edition", "2017",
                               "--base-price", "19.2", "--term-years", "50", NULL);
    int changed = -1;
    pl_indicator_warnings w;
    cr_assert_eq(set_parcel(&ch, &w, &changed, &err), PL_OK, "%s", err.message);
    cr_assert_eq(changed, 14);
    cr_assert_eq(w.n, 0, "%s", w.n ? w.items[0].text : "");
    pl_indicator_warnings_release(&w);

    cr_assert_eq(pl_parcel_indicators_get(db, "QDIP", CODE, &got, &err), PL_OK);
    cr_assert_eq(got.present, 1);
    cr_assert_float_eq(got.investment_intensity, 320, 1e-9);
    cr_assert_float_eq(got.far_min, 1.2, 1e-9);
    cr_assert_float_eq(got.energy_per_output, 0.35, 1e-9);
    cr_assert_str_eq(got.industries, "it,equipment");
    cr_assert_str_eq(got.industry_code, "39");
    cr_assert_str_eq(got.industry_code_edition, "2017");
    cr_assert_eq(got.term_years, 50);
    char buf[64];
    pl_indicators_format(&got, PL_IND_BASE_PRICE, buf, sizeof buf);
    cr_assert_str_eq(buf, "19.2");
    cr_assert(isnan(pl_indicators_number(&got, PL_IND_THRESHOLD_TAX_PER_MU)));
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND old_value IS NULL"
                                  " AND note = 'notice 2025-07' AND who = 'bob' AND field IN ('investment_intensity',"
                                  " 'far_min', 'far_max', 'tax_per_mu', 'output_per_mu', 'energy_per_output',"
                                  " 'building_coverage_min', 'admin_share_max', 'green_ratio_max', 'industries',"
                                  " 'industry_code', 'industry_code_edition', 'base_price', 'term_years')"), 14);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'industries'"
                                  " AND new_value = 'it,equipment'"),
                 1);

    /* change two, repeat one unchanged: two history rows */
    pl_indicators ch2 = changes("--tax-per-mu", "30", "--far-max", "3", "--far-min", "1.2", NULL);
    cr_assert_eq(set_parcel(&ch2, NULL, &changed, &err), PL_OK, "%s", err.message);
    cr_assert_eq(changed, 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'tax_per_mu' AND old_value = '25'"
                                  " AND new_value = '30'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'far_max' AND old_value = '2.5'"
                                  " AND new_value = '3'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'far_min'"), 1);

    /* nothing changes: no history, no write */
    char *before = tu_db_snapshot(dbpath);
    cr_assert_eq(set_parcel(&ch2, NULL, &changed, &err), PL_OK);
    cr_assert_eq(changed, 0);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);

    /* clearing: 'none', 'any'; clearing the code clears its edition */
    pl_indicators ch3 = changes("--green-ratio-max", "none", "--industries", "any", "--industry-code", "none", NULL);
    cr_assert_eq(set_parcel(&ch3, NULL, &changed, &err), PL_OK, "%s", err.message);
    cr_assert_eq(changed, 4);
    cr_assert_eq(pl_parcel_indicators_get(db, "QDIP", CODE, &got, &err), PL_OK);
    cr_assert_eq(pl_indicators_has(&got, PL_IND_GREEN_RATIO_MAX), 0);
    cr_assert_eq(pl_indicators_has(&got, PL_IND_INDUSTRY_CODE_EDITION), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_indicator WHERE industries IS NULL"
                                  " AND industry_code IS NULL AND green_ratio_max IS NULL AND tax_per_mu = 30"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'industry_code_edition'"
                                  " AND old_value = '2017' AND new_value IS NULL"), 1);
}

/* Refused: the message, and every table as it was. */
static void refused(pl_indicators ch, int code, const char *message)
{
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    int rc = set_parcel(&ch, NULL, NULL, &err);
    cr_assert_eq(rc, code, "expected %d, got %d: %s", code, rc, err.message);
    cr_assert_str_eq(err.message, message);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
}

Test(indicators, validation_refuses_and_leaves_the_database_unchanged)
{
    pl_error err;
    pl_indicators base = changes("--far-min", "1.0", "--far-max", "2.0", "--tax-per-mu", "20", NULL);
    cr_assert_eq(set_parcel(&base, NULL, NULL, &err), PL_OK, "%s", err.message);

    refused(changes("--investment-intensity", "-5", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': 投资强度 investment intensity must be a finite number ≥ 0, not -5");
    refused(changes("--tax-per-mu", "inf", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': 亩均税收 tax per mu must be a finite number ≥ 0, not inf");
    refused(changes("--energy-per-output", "nan", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': 单位产值能耗 energy per output must be a finite number ≥ 0, not nan");
    refused(changes("--far-min", "2.5", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': 容积率 FAR min 2.5 is above FAR max 2");
    refused(changes("--building-coverage-min", "120", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': 建筑系数下限 building coverage min is a percentage (0–100 %), not 120");
    refused(changes("--green-ratio-max", "100.5", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': 绿地率上限 green ratio max is a percentage (0–100 %), not 100.5");
    refused(changes("--term-years", "70", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': 出让年限 term 70 years is outside 1–50 (工业用地最高50年)");
    refused(changes("--industries", "it,semiconductors", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': unknown industry 'semiconductors' in --industries; the industries are: it, "
            "equipment, energy_materials, marine, health, chemical, agriculture, culture, tourism, finance, other");
    refused(changes("--industries", " , ", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': --industries names no industry; the industries are: it, equipment, "
            "energy_materials, marine, health, chemical, agriculture, culture, tourism, finance, other");
    refused(changes("--industry-code", "39", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': industry code 39 needs its GB/T 4754 edition (--edition 2002|2011|2017): "
            "the divisions were renumbered");
    refused(changes("--industry-code", "C39", "--edition", "2017", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': industry code 'C39' is not a 2-digit GB/T 4754 division (e.g. 39)");
    refused(changes("--industry-code", "39", "--edition", "2008", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': GB/T 4754 edition '2008' is not 2002, 2011 or 2017");
    refused(changes("--edition", "2017", NULL), PL_ERR_INPUT,
            "parcel 'XHA-2024-017': --edition 2017 goes with an industry code (--industry-code)");
    refused(changes("--threshold-tax-per-mu", "20", NULL), PL_ERR_USAGE,
            "--threshold-tax-per-mu (园区亩均税收门槛) is a park threshold: set it with 'parkland park indicators'");

    /* text that is not a number never becomes a change */
    pl_indicators ch;
    pl_indicators_init(&ch);
    pl_error_clear(&err);
    cr_assert_eq(pl_indicators_put(&ch, PL_IND_FAR_MIN, "1,2", &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "--far-min expects a number, not '1,2'");
    cr_assert_eq(pl_indicators_put(&ch, PL_IND_TAX_PER_MU, "", &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "--tax-per-mu expects a number in 万元/亩·年, not ''");
    cr_assert_eq(pl_indicators_put(&ch, PL_IND_TERM_YEARS, "40.5", &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "--term-years expects a whole number, not '40.5'");
    cr_assert_eq(ch.has, 0u);
    cr_assert_eq(pl_parcel_indicators_set(db, "QDIP", "NOPE", &base, NULL, NULL, NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no parcel 'NOPE' in park 'QDIP'");
}

static void set_park(pl_indicators ch)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_indicators_set(db, "QDIP", &ch, NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
}

Test(indicators, warnings_against_the_national_table_and_park_thresholds)
{
    set_park(changes("--threshold-investment-intensity", "280", "--threshold-tax-per-mu", "20",
                     "--threshold-output-per-mu", "400", NULL));
    pl_indicator_warnings w;
    pl_error err;
    /* 2002 code 40 (通信设备、计算机…): FAR ≥ 1.0; coverage ≥ 30 %; admin ≤ 7 % */
    pl_indicators ch = changes("--industry-code", "40", "--edition", "2002", "--far-min", "0.8", "--far-max", "1.5",
                               "--building-coverage-min", "25", "--admin-share-max", "8",
                               "--investment-intensity", "250", "--tax-per-mu", "15", "--output-per-mu", "400", NULL);
    cr_assert_eq(set_parcel(&ch, &w, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(w.n, 5);
    cr_assert_eq(w.items[0].field, PL_IND_FAR_MIN);
    cr_assert_eq(w.items[0].national, 1);
    cr_assert_float_eq(w.items[0].limit, 1.0, 1e-12);
    cr_assert_str_eq(w.items[0].text,
                     "容积率下限 FAR min 0.8 低于国家控制指标 is below the national minimum 1 (GB/T 4754-2002 40 "
                     "通信设备、计算机及其他电子设备制造业; 国土资发〔2008〕24号 表2 容积率)");
    cr_assert_str_eq(w.items[1].text,
                     "建筑系数下限 building coverage min 25 % 低于国家控制指标 is below the national minimum 30 % "
                     "(GB/T 4754-2002; 国土资发〔2008〕24号 工业项目建设用地控制指标: 建筑系数 ≥ 30 %, "
                     "行政办公及生活服务设施用地 ≤ 7 %)");
    cr_assert_str_eq(w.items[2].text,
                     "行政办公及生活服务设施用地比例上限 admin share max 8 % 高于国家控制指标 is above the national "
                     "maximum 7 % (GB/T 4754-2002; 国土资发〔2008〕24号 工业项目建设用地控制指标: 建筑系数 ≥ 30 %, "
                     "行政办公及生活服务设施用地 ≤ 7 %)");
    cr_assert_eq(w.items[3].field, PL_IND_INVESTMENT_INTENSITY);
    cr_assert_eq(w.items[3].national, 0);
    cr_assert_str_eq(w.items[3].text, "投资强度 investment intensity 250 万元/亩 低于园区门槛 is below the threshold "
                                      "of park QDIP 280 万元/亩");
    cr_assert_str_eq(w.items[4].text, "亩均税收 tax per mu 15 万元/亩·年 低于园区门槛 is below the threshold of park "
                                      "QDIP 20 万元/亩·年");
    pl_indicator_warnings_release(&w);
    cr_assert_null(w.items);
    /* warnings are not refusals: the values were written */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_indicator WHERE far_min = 0.8"
                                  " AND investment_intensity = 250"),
                 1);

    /* the same parcel under the 2017 codes: 40 is 仪器仪表 (1.0), coverage ≥ 40 % */
    pl_indicators ch2 = changes("--industry-code", "36", "--edition", "2017", "--far-min", "0.7",
                                "--building-coverage-min", "35", "--admin-share-max", "7",
                                "--investment-intensity", "300", "--tax-per-mu", "20", NULL);
    cr_assert_eq(set_parcel(&ch2, &w, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(w.n, 1, "%s", w.n > 1 ? w.items[1].text : "");
    cr_assert_str_eq(w.items[0].text,
                     "建筑系数下限 building coverage min 35 % 低于国家控制指标 is below the national minimum 40 % "
                     "(GB/T 4754-2017; 自然资发〔2023〕72号 工业项目建设用地控制指标: 建筑系数 ≥ 40 %, "
                     "行政办公及生活服务设施用地 ≤ 7 %)");
    pl_indicator_warnings_release(&w);

    /* pl_indicators_check directly: national only without a park; FAR max alone below the minimum */
    pl_indicators probe = changes("--industry-code", "13", "--edition", "2011", "--far-max", "0.9",
                                  "--investment-intensity", "10", NULL);
    cr_assert_eq(pl_indicators_check(db, NULL, &probe, &w, &err), PL_OK, "%s", err.message);
    cr_assert_eq(w.n, 2); /* and 10 万元/亩 is below the plausible range (parkland/sanity.h) */
    cr_assert_eq(w.items[1].implausible, 1);
    cr_assert_eq(w.items[1].field, PL_IND_INVESTMENT_INTENSITY);
    cr_assert_float_eq(w.items[1].limit, 50, 1e-12);
    cr_assert_str_eq(w.items[1].text, "investment intensity 10 万元/亩 is outside the plausible range 50–5000 万元/亩: "
                                      "a slip of unit or decimal point?");
    cr_assert_eq(w.items[0].implausible, 0);
    cr_assert_eq(w.items[0].field, PL_IND_FAR_MAX);
    cr_assert_str_eq(w.items[0].text, "容积率上限 FAR max 0.9 低于国家控制指标 is below the national minimum 1 "
                                      "(GB/T 4754-2011 13 农副食品加工业; 国土资发〔2008〕24号 表2 容积率, GB/T 4754-2002 13 "
                                      "mapped by concordance)");
    pl_indicator_warnings_release(&w);
    cr_assert_eq(pl_indicators_check(db, "QDIP", &probe, &w, &err), PL_OK);
    cr_assert_eq(w.n, 3);
    cr_assert_eq(w.items[2].implausible, 1);
    cr_assert_str_eq(w.items[1].text, "投资强度 investment intensity 10 万元/亩 低于园区门槛 is below the threshold "
                                      "of park QDIP 280 万元/亩");
    pl_indicator_warnings_release(&w);
    /* no code: the current rules (2017 '*') apply */
    pl_indicators nocode = changes("--building-coverage-min", "39.5", NULL);
    cr_assert_eq(pl_indicators_check(db, NULL, &nocode, &w, &err), PL_OK);
    cr_assert_eq(w.n, 1);
    cr_assert_float_eq(w.items[0].limit, 40, 1e-12);
    pl_indicator_warnings_release(&w);
    cr_assert_eq(pl_indicators_check(db, "NOPE", &nocode, &w, &err), PL_ERR_NOTFOUND);
    cr_assert_eq(w.n, 0);
}

Test(indicators, park_defaults_are_copied_to_imported_parcels)
{
    pl_error err;
    pl_error_clear(&err);
    /* a park with thresholds only: new parcels get no indicator row */
    cr_assert_eq(pl_park_add(db, "THRS", "门槛园区", NULL, NULL, NULL, &err), PL_OK);
    pl_indicators th = changes("--threshold-tax-per-mu", "20", NULL);
    cr_assert_eq(pl_park_indicators_set(db, "THRS", &th, NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    import_into("THRS");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_indicator i JOIN parcel p ON p.id = i.parcel_id"
                                  " JOIN park k ON k.id = p.park_id WHERE k.code = 'THRS'"), 0);

    /* a park with defaults */
    cr_assert_eq(pl_park_add(db, "JMIP", "即墨新能源汽车产业园", NULL, "即墨", NULL, &err), PL_OK);
    pl_indicators def = changes("--investment-intensity", "330", "--far-min", "1.5", "--tax-per-mu", "30",
                                "--output-per-mu", "450", "--industries", "equipment,energy_materials",
                                "--industry-code", "36", "--edition", "2017", "--term-years", "50",
                                "--threshold-investment-intensity", "300", NULL);
    pl_indicator_warnings w;
    int changed;
    cr_assert_eq(pl_park_indicators_set(db, "JMIP", &def, "即墨 NEV cluster", &w, &changed, &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(changed, 9);
    cr_assert_eq(w.n, 0);
    pl_indicator_warnings_release(&w);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history h JOIN park k ON k.id = h.entity_id"
                                  " WHERE h.entity = 'park' AND k.code = 'JMIP' AND h.note = '即墨 NEV cluster'"
                                  " AND h.code = 'JMIP'"), 9);
    pl_indicators got;
    cr_assert_eq(pl_park_indicators_get(db, "JMIP", &got, &err), PL_OK);
    cr_assert_eq(got.present, 1);
    cr_assert_float_eq(got.threshold_investment_intensity, 300, 1e-9);

    import_into("JMIP");
    cr_assert_eq(pl_parcel_indicators_get(db, "JMIP", CODE, &got, &err), PL_OK, "%s", err.message);
    cr_assert_eq(got.present, 1);
    cr_assert_float_eq(got.investment_intensity, 330, 1e-9);
    cr_assert_float_eq(got.far_min, 1.5, 1e-9);
    cr_assert_float_eq(got.output_per_mu, 450, 1e-9);
    cr_assert_str_eq(got.industries, "equipment,energy_materials");
    cr_assert_str_eq(got.industry_code, "36");
    cr_assert_str_eq(got.industry_code_edition, "2017");
    cr_assert_eq(got.term_years, 50);
    cr_assert_eq(pl_indicators_has(&got, PL_IND_FAR_MAX), 0);
    cr_assert_eq(pl_indicators_has(&got, PL_IND_THRESHOLD_INVESTMENT_INTENSITY), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history h JOIN parcel p ON p.id = h.entity_id"
                                  " JOIN park k ON k.id = p.park_id WHERE k.code = 'JMIP' AND h.entity = 'parcel'"
                                  " AND h.field = 'indicators' AND h.new_value = 'park defaults 园区默认指标'"
                                  " AND h.batch_id IS NOT NULL"), 1);
    /* QDIP (no defaults) parcel still has none; changing JMIP's defaults leaves the parcel alone */
    cr_assert_eq(pl_parcel_indicators_get(db, "QDIP", CODE, &got, &err), PL_OK);
    cr_assert_eq(got.present, 0);
    set_park(changes("--investment-intensity", "350", NULL));
    cr_assert_eq(pl_park_indicators_get(db, "QDIP", &got, &err), PL_OK);
    cr_assert_float_eq(got.investment_intensity, 350, 1e-9);
    cr_assert_eq(pl_parcel_indicators_get(db, "JMIP", CODE, &got, &err), PL_OK);
    cr_assert_float_eq(got.investment_intensity, 330, 1e-9);
    /* park validation refuses too */
    pl_indicators bad = changes("--far-min", "3", "--far-max", "2", NULL);
    cr_assert_eq(pl_park_indicators_set(db, "JMIP", &bad, NULL, NULL, NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "park 'JMIP': 容积率 FAR min 3 is above FAR max 2");
    cr_assert_eq(pl_park_indicators_set(db, "NOPE", &bad, NULL, NULL, NULL, &err), PL_ERR_NOTFOUND);
    /* a park's own thresholds warn about its own defaults */
    pl_indicators low = changes("--investment-intensity", "290", NULL);
    cr_assert_eq(pl_park_indicators_set(db, "JMIP", &low, NULL, &w, NULL, &err), PL_OK);
    cr_assert_eq(w.n, 1);
    cr_assert_str_eq(w.items[0].text, "投资强度 investment intensity 290 万元/亩 低于园区门槛 is below the threshold "
                                      "of park JMIP 300 万元/亩");
    pl_indicator_warnings_release(&w);
}

Test(indicators, field_table)
{
    cr_assert_eq(pl_indicator_field_parse("--edition"), PL_IND_INDUSTRY_CODE_EDITION);
    cr_assert_eq(pl_indicator_field_parse("tax_per_mu"), PL_IND_TAX_PER_MU);
    cr_assert_eq(pl_indicator_field_parse("--tax"), -1);
    cr_assert_str_eq(pl_indicator_field_info(PL_IND_ENERGY_PER_OUTPUT)->unit, "吨标准煤/万元");
    cr_assert_str_eq(pl_indicator_field_info(PL_IND_OUTPUT_PER_MU)->unit, "万元/亩·年");
    cr_assert_eq(pl_indicator_field_info(PL_IND_ADMIN_SHARE_MAX)->percent, 1);
    cr_assert_null(pl_indicator_field_info(PL_IND_FIELD_COUNT));
}

/* ---- command line ---------------------------------------------------------- */

static char *out, *errout;

static void cli_init(void)
{
    setup();
    pl_db_close(db); /* the CLI works on the file */
    db = NULL;
}

static void cli_fini(void)
{
    tu_outputs_free(&out, &errout);
    teardown();
}

TestSuite(indicators_cli, .init = cli_init, .fini = cli_fini);

Test(indicators_cli, parcel_indicators_contract)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE), 0, "%s", errout);
    cr_assert(strstr(out, "no indicators set yet") && strstr(out, "万元/亩·年") && strstr(out, "吨标准煤/万元"),
              "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators --help"), 0);
    cr_assert(strstr(out, "--building-coverage-min") && strstr(out, "--edition 2002|2011|2017"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "parcel indicators " CODE " --investment-intensity 250 --far-min 0.6 --industry-code 26"
                        " --edition 2002 --tax-per-mu 22 --industries it,marine --note 'from notice'"),
                 0, "%s", errout);
    cr_assert(strstr(out, "parcel XHA-2024-017: 6 indicators changed"), "%s", out);
    cr_assert(strstr(out, "250") && strstr(out, "万元/亩") && strstr(out, "it,marine"), "%s", out);
    cr_assert(!strstr(out, "warning"), "%s", out); /* 26 化学原料: FAR ≥ 0.6 is met */
    /* below the national FAR minimum: warned, done */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --far-min 0.5"), 0, "%s", errout);
    cr_assert(strstr(out, "warning: 容积率下限 FAR min 0.5 低于国家控制指标 is below the national minimum 0.6 "
                          "(GB/T 4754-2002 26 化学原料及化学制品制造业"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --format json"), 0, "%s", errout);
    cr_assert(strstr(out, "\"key\": \"investment_intensity\"") && strstr(out, "\"unit\": \"万元/亩\""), "%s", out);
    cr_assert(strstr(errout, "warning: 容积率下限"), "%s", errout); /* machine output stays clean */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --format csv --keys"), 0);
    cr_assert(strstr(out, "key,indicator_zh,indicator_en,value,unit\r\n") &&
              strstr(out, "far_min,容积率下限,FAR min,0.5,比值 ratio\r\n"), "%s", out);
    /* refused (1) */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --far-max 0.4"), 1);
    cr_assert(strstr(errout, "parcel 'XHA-2024-017': 容积率 FAR min 0.5 is above FAR max 0.4"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --industries steel"), 1);
    cr_assert(strstr(errout, "unknown industry 'steel'") && strstr(errout, "the industries are: it, equipment"),
              "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators NOPE"), 1);
    /* usage (2) */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --far-min abc"), 2);
    cr_assert(strstr(errout, "--far-min expects a number, not 'abc'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --threshold-tax-per-mu 20"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --colour red"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --format xml"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --far-min"), 2);
}

Test(indicators_cli, park_indicators_contract)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park indicators QDIP"), 0, "%s", errout);
    cr_assert(strstr(out, "threshold_tax_per_mu") && strstr(out, "园区亩均税收门槛"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "park indicators QDIP --investment-intensity 300 --threshold-investment-intensity 280"
                        " --threshold-tax-per-mu 20 --tax-per-mu 18"), 0, "%s", errout);
    cr_assert(strstr(out, "park QDIP: 4 indicators changed"), "%s", out);
    cr_assert(strstr(out, "warning: 亩均税收 tax per mu 18 万元/亩·年 低于园区门槛 is below the threshold of "
                          "park QDIP 20 万元/亩·年"), "%s", out);
    /* a parcel's show warns against its park's thresholds */
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "parcel indicators " CODE " --investment-intensity 270"), 0, "%s", errout);
    cr_assert(strstr(out, "投资强度 investment intensity 270 万元/亩 低于园区门槛 is below the threshold of park QDIP "
                          "280 万元/亩"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE), 0);
    cr_assert(strstr(out, "270 万元/亩 低于园区门槛"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park indicators NOPE"), 1);
    cr_assert(strstr(errout, "no park 'NOPE'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park indicators QDIP --green-ratio-max 101"), 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park indicators QDIP --term-years x"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park indicators"), 2);
    /* new parcels take the defaults (the importer) */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park add P2 --name 二号园"), 0);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "park indicators P2 --investment-intensity 310 --far-min 1.1"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "import parcels " TEST_DATA_DIR "/txt/example_utf8.txt --park P2 --allow-overlap"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel indicators " CODE " --park P2 --format csv --keys"), 0, "%s", errout);
    cr_assert(strstr(out, "investment_intensity,投资强度,investment intensity,310,万元/亩\r\n") &&
              strstr(out, "far_min,容积率下限,FAR min,1.1,比值 ratio\r\n"), "%s", out);
}
