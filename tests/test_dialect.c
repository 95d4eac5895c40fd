/*
 * test_dialect.c — the one dialect on the command line (issue 13 §1): every
 * form of a date, a number and a quantity, in every command and option that
 * takes one, and the global options after the command. The parsers alone are
 * tested in test_parse.c.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/lead.h"
#include "parkland/park.h"
#include "parkland/parcel.h"
#include "testutil.h"

#define PL PARKLAND_BIN " --db '%s' "

static char dbpath[1024];
static char *out, *errout;

static void setup(void)
{
    pl_db *db = tu_db_new("dialect.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", NULL, "西海岸新区", NULL, &err), PL_OK);
    tu_import(db, SAMPLES_DIR "/parcels.txt", NULL);
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu,"
                    " output_per_mu, energy_per_output, updated_at)"
                    " SELECT id, 300, 1.0, 2.0, 20, 400, 0.5, '2025-01-01T00:00:00Z' FROM parcel"
                    " WHERE code IN ('QDIP-2024-003', 'QDIP-2024-004')");
    /* free parcels for query free */
    tu_sql_exec(db, "UPDATE parcel SET status = 'available' WHERE code IN ('QDIP-2024-001', 'QDIP-2024-002')");
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = "L-A";
    f.company = "西门子智能制造(青岛)有限公司";
    f.industry = "equipment";
    f.date = "2024-12-01";
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
    tu_db_close(db);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
}

TestSuite(dialect, .init = setup, .fini = teardown);

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return tu_rerun(&out, &errout, "%s", cmd);
}

static long count(const char *sql)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    long n = tu_sql_count(db, sql);
    pl_db_close(db);
    return n;
}

/* 2025-03-01 in every form a date is written in */
static const char *const date_forms[] = {
    "2025-03-01", "2025-3-1", "2025/3/1", "2025.3.1", "2025年3月1日", "20250301", "２０２５－３－１", "２０２５年３月１日",
};
#define NFORMS (sizeof date_forms / sizeof *date_forms)

Test(dialect, lead_add_and_stage_take_every_date_form)
{
    for (size_t i = 0; i < NFORMS; i++) {
        cr_assert_eq(run(PL "lead add L-D%zu --company 甲公司 --date '%s'", dbpath, i, date_forms[i]), 0, "%s: %s",
                     date_forms[i], errout);
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM lead WHERE code = 'L-D%zu' AND stage_date = '2025-03-01'", i);
        cr_assert_eq(count(sql), 1, "%s", date_forms[i]);
    }
    cr_assert_eq(run(PL "lead stage L-D0 contacted --date 2025年3月5日", dbpath), 0, "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM lead WHERE code = 'L-D0' AND stage_date = '2025-03-05'"), 1);
    cr_assert_eq(run(PL "lead stage L-D0 visited --date=２０２５０３０６", dbpath), 0, "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM lead WHERE code = 'L-D0' AND stage_date = '2025-03-06'"), 1);
}

Test(dialect, parcel_status_project_sign_and_milestones_take_the_forms)
{
    cr_assert_eq(run(PL "parcel status QDIP-2024-003 available --date 2025/1/10", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "2025-01-10"), "%s", out);
    cr_assert_eq(run(PL "parcel status QDIP-2024-004 available --date 2025.1.10", dbpath), 0, "%s", errout);
    cr_assert_eq(run(PL "parcel status QDIP-2024-004 reserved --date 2025年2月1日 --lead L-A --expires 20250601",
                     dbpath), 0, "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM reservation WHERE expires_on = '2025-06-01'"), 1);
    cr_assert_eq(run(PL "project sign L-A --parcel QDIP-2024-003 --date 2025-3-1 --investment 1.2亿元"
                        " --start-by ２０２５／６／１ --accept-shortfall --note 测试", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "on 2025-03-01"), "%s", out);
    cr_assert(strstr(errout, "parkland: --investment 1.2亿元 = 12000 万元"), "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM project WHERE investment = 12000 AND signed_on = '2025-03-01'"), 1);
    cr_assert_eq(count("SELECT count(*) FROM milestone WHERE planned = '2025-06-01'"), 1);
    cr_assert_eq(run(PL "project milestone P-L-A land --actual 2025年4月1日", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "actual 2025-04-01"), "%s", out);
    cr_assert_eq(run(PL "project milestone P-L-A production --planned 2026.6.30", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "planned 2026-06-30"), "%s", out);
    cr_assert_eq(run(PL "project progress P-L-A 2025-06 '1,500.5'", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "= 1500.50 万元"), "%s", out);
    static const char *const months[] = {"2025-7", "2025/7", "2025.7", "2025年7月", "202507", "２０２５－０７"};
    for (size_t i = 0; i < sizeof months / sizeof *months; i++) {
        cr_assert_eq(run(PL "project progress P-L-A '%s' 1亿", dbpath, months[i]), 0, "%s: %s", months[i], errout);
        cr_assert(strstr(out, "investment completed 2025-07 = 10000.00 万元"), "%s: %s", months[i], out);
    }
    cr_assert_eq(run(PL "project progress P-L-A 2025-13 1", dbpath), 2);
    cr_assert(strstr(errout, "PERIOD '2025-13' is not a month (2026-03, 2026-3"), "%s", errout);
    cr_assert_eq(run(PL "project plan P-L-A ２０２５ 0.6亿", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "2025 = 6000.00 万元"), "%s", out);
}

/* A read-only command: every form gives the output of YYYY-MM-DD. */
Test(dialect, as_of_takes_every_form_with_the_same_result)
{
    cr_assert_eq(run(PL "report alerts --as-of 2025-03-01", dbpath), 0, "%s", errout);
    char *iso = strdup(out);
    cr_assert_eq(run(PL "export geojson --as-of 2025-03-01 -o '%s'", dbpath, tu_tmp("iso.geojson")), 0, "%s",
                 errout);
    for (size_t i = 1; i < NFORMS; i++) {
        cr_assert_eq(run(PL "report alerts --as-of '%s'", dbpath, date_forms[i]), 0, "%s: %s", date_forms[i], errout);
        cr_assert_str_eq(out, iso, "%s", date_forms[i]);
        cr_assert_eq(run(PL "export geojson --as-of='%s' -o '%s' --force", dbpath, date_forms[i],
                         tu_tmp("form.geojson")),
                     0, "%s: %s", date_forms[i], errout);
    }
    free(iso);
}

Test(dialect, an_invalid_date_names_the_option_and_the_value)
{
    static const struct {
        const char *args, *message;
    } bad[] = {
        {"lead add L-X --company 甲 --date 2025-2-29", "--date '2025-2-29' is not a date"},
        {"lead stage L-A contacted --date 2025/13/1", "--date '2025/13/1' is not a date"},
        {"parcel status QDIP-2024-003 available --date 20250230", "--date '20250230' is not a date"},
        {"parcel status QDIP-2024-003 reserved --lead L-A --expires 2025年2月30日",
         "--expires '2025年2月30日' is not a date"},
        {"project sign L-A --parcel QDIP-2024-003 --date 2025-3-32", "--date '2025-3-32' is not a date"},
        {"project sign L-A --parcel QDIP-2024-003 --start-by tomorrow", "--start-by 'tomorrow' is not a date"},
        {"project sign L-A --parcel QDIP-2024-003 --land-by 2025-3", "--land-by '2025-3' is not a date"},
        {"project sign L-A --parcel QDIP-2024-003 --production-by 2025-02-29",
         "--production-by '2025-02-29' is not a date"},
        {"project sign L-A --parcel QDIP-2024-003 --verify-by 2025-3/1", "--verify-by '2025-3/1' is not a date"},
        {"project milestone P-1 land --planned 2100-2-29", "--planned '2100-2-29' is not a date"},
        {"project milestone P-1 land --actual 25-3-1", "--actual '25-3-1' is not a date"},
        {"export html --as-of 2024-13-01 -o x.html", "--as-of '2024-13-01' is not a date"},
        {"report landing --as-of 2023-02-29", "--as-of '2023-02-29' is not a date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(run(PL "%s", dbpath, bad[i].args), 2, "%s: %s", bad[i].args, errout);
        cr_assert(strstr(errout, bad[i].message), "%s: %s", bad[i].args, errout);
        cr_assert(strstr(errout, "2026年3月1日"), "the forms are listed: %s", errout);
    }
}

Test(dialect, numbers_and_quantities_in_lead_add)
{
    static const struct {
        const char *opt, *value, *column;
        double stored;
        const char *echo; /* NULL: nothing echoed */
    } cases[] = {
        {"--investment", "12,000", "investment", 12000, NULL},
        {"--investment", "１２，０００", "investment", 12000, NULL},
        {"--investment", "12000万元", "investment", 12000, NULL},
        {"--investment", "1.2亿元", "investment", 12000, "--investment 1.2亿元 = 12000 万元"},
        {"--investment", "120000000元", "investment", 12000, "= 12000 万元"},
        {"--land-mu", "40亩", "land_mu", 40, NULL},
        {"--land-mu", "2.6公顷", "land_mu", 39, "--land-mu 2.6公顷 = 39 亩"},
        {"--land-mu", "30000m²", "land_mu", 45, "--land-mu 30000m² = 45 亩"},
        {"--land-mu", "30,000平方米", "land_mu", 45, "= 45 亩"},
        {"--tax-per-mu", "450万元/公顷·年", "tax_per_mu", 30, "--tax-per-mu 450万元/公顷·年 = 30 万元/亩·年"},
        {"--output-per-mu", "４００", "output_per_mu", 400, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(run(PL "lead add L-N%zu --company 乙公司 %s '%s'", dbpath, i, cases[i].opt, cases[i].value), 0,
                     "%s %s: %s", cases[i].opt, cases[i].value, errout);
        if (cases[i].echo)
            cr_assert(strstr(errout, cases[i].echo), "%s: %s", cases[i].value, errout);
        else
            cr_assert_str_eq(errout, "", "%s", cases[i].value);
        char sql[300];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM lead WHERE code = 'L-N%zu' AND abs(%s - %.17g) < 1e-9", i,
                 cases[i].column, cases[i].stored);
        cr_assert_eq(count(sql), 1, "%s %s", cases[i].opt, cases[i].value);
    }
    static const struct {
        const char *args, *message;
    } bad[] = {
        {"--land-mu 40万元", "--land-mu expects a number, not '40万元' (in 亩, or with a unit: 亩/mu, 公顷/ha"},
        {"--investment 40亩", "--investment expects a number, not '40亩' (in 万元"},
        {"--investment 1,2", "--investment expects a number, not '1,2'"},
        {"--rate 7亿 --currency USD", "--rate expects a number, not '7亿'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(run(PL "lead add L-BAD --company 丙 %s", dbpath, bad[i].args), 2, "%s", bad[i].args);
        cr_assert(strstr(errout, bad[i].message), "%s: %s", bad[i].args, errout);
    }
    cr_assert_eq(count("SELECT count(*) FROM lead WHERE code = 'L-BAD'"), 0);
}

/* query free: a quantity in another unit gives the result of the number in the option's unit */
Test(dialect, query_options_take_units_and_the_full_width_comma)
{
    static const struct {
        const char *plain, *dialect;
    } same[] = {
        {"--min-mu 39", "--min-mu 2.6公顷"},
        {"--min-mu 39", "--min-mu=2.6ha"},
        {"--max-mu 60", "--max-mu 40000m²"},
        {"--max-mu 60", "--max-mu ６０"},
        {"--near 120.072,36.044 --within 1500", "--near 120.072,36.044 --within 1.5km"},
        {"--near 120.072,36.044 --within 1500", "--near '120.072，36.044' --within 1500米"},
        {"--near 120.072,36.044 --within 1500", "--near '１２０．０７２，３６．０４４' --within '1,500'"},
        {"--limit 2", "--limit ２"},
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        cr_assert_eq(run(PL "query free %s --format csv --keys", dbpath, same[i].plain), 0, "%s: %s", same[i].plain, errout);
        char *want = strdup(out);
        cr_assert_eq(run(PL "query free %s --format csv --keys", dbpath, same[i].dialect), 0, "%s: %s", same[i].dialect,
                     errout);
        cr_assert_str_eq(out, want, "%s", same[i].dialect);
        cr_assert(strstr(want, "QDIP-2024-00"), "%s finds parcels: %s", same[i].plain, want);
        free(want);
    }
    cr_assert_eq(run(PL "query free --min-mu 2.6公顷", dbpath), 0);
    cr_assert(strstr(errout, "parkland: --min-mu 2.6公顷 = 39 亩"), "%s", errout);
    cr_assert_eq(run(PL "query free --min-mu 40万元", dbpath), 2);
    cr_assert(strstr(errout, "--min-mu expects a number"), "%s", errout);
    cr_assert_eq(run(PL "query free --near '120.4；36.1' --within 10", dbpath), 2);
    cr_assert(strstr(errout, "--near expects LON,LAT"), "%s", errout);
}

Test(dialect, indicators_take_separators_and_units)
{
    cr_assert_eq(run(PL "parcel indicators QDIP-2024-001 --investment-intensity 4500万元/公顷 --tax-per-mu ３０"
                        " --base-price '1,200'", dbpath), 0, "%s", errout);
    cr_assert(strstr(errout, "--investment-intensity 4500万元/公顷 = 300 万元/亩"), "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM parcel_indicator WHERE investment_intensity = 300 AND tax_per_mu = 30"
                       " AND base_price = 1200"), 1);
    cr_assert_eq(run(PL "park indicators QDIP --threshold-tax-per-mu 20万元/亩·年", dbpath), 0, "%s", errout);
    cr_assert_str_eq(errout, "");
    cr_assert_eq(run(PL "parcel indicators QDIP-2024-001 --far-min 1亩", dbpath), 2);
    cr_assert(strstr(errout, "--far-min expects a number, not '1亩'"), "%s", errout);
}

/* Industries are enumerated values: their id, Chinese or English name, in any
 * ASCII case, in --industries and in export --industry (issue 13 §1). */
Test(dialect, industries_by_id_chinese_or_english_name)
{
    cr_assert_eq(run(PL "parcel indicators QDIP-2024-003 --industries '高端装备, MARINE,equipment'", dbpath), 0,
                 "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM parcel_indicator p JOIN parcel x ON x.id = p.parcel_id"
                       " WHERE x.code = 'QDIP-2024-003' AND p.industries = 'equipment,marine'"), 1);
    cr_assert_eq(run(PL "parcel indicators QDIP-2024-003 --industries 高端装", dbpath), 1);
    cr_assert(strstr(errout, "unknown industry '高端装' in --industries"), "%s", errout);
    char *by_id = NULL;
    const char *gj = tu_tmp("by-id.geojson"), *gz = tu_tmp("by-zh.geojson");
    cr_assert_eq(run(PL "export geojson --industry equipment -o '%s'", dbpath, gj), 0, "%s", errout);
    by_id = tu_read_file(gj, NULL);
    cr_assert_eq(run(PL "export geojson --industry 高端装备 -o '%s'", dbpath, gz), 0, "%s", errout);
    char *by_zh = tu_read_file(gz, NULL);
    cr_assert_not_null(by_id);
    cr_assert_not_null(by_zh);
    cr_assert_str_eq(by_zh, by_id);
    free(by_id);
    free(by_zh);
    cr_assert_eq(run(PL "export geojson --industry 高端装 -o '%s'", dbpath, tu_tmp("none.geojson")), 2);
    cr_assert(strstr(errout, "unknown industry '高端装'"), "%s", errout);
}

Test(dialect, global_options_after_the_command)
{
    cr_assert_eq(tu_rerun(&out, &errout, PARKLAND_BIN " park list --db '%s'", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "QDIP"), "%s", out);
    cr_assert_eq(tu_rerun(&out, &errout, PARKLAND_BIN " park list --format csv --keys --cache-mb 8 --db='%s'", dbpath), 0,
                 "%s", errout);
    cr_assert(strstr(out, "QDIP"), "%s", out);
    cr_assert_eq(tu_rerun(&out, &errout, PARKLAND_BIN " lead add L-G --db '%s' --company 丁公司 --cache-mb=4", dbpath),
                 0, "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM lead WHERE code = 'L-G'"), 1);
    cr_assert_eq(tu_rerun(&out, &errout, PARKLAND_BIN " park list --db '%s' --cache-mb 0", dbpath), 2);
    cr_assert(strstr(errout, "--cache-mb wants a whole number of MiB from 1 to 4096, not '0'"), "%s", errout);
    cr_assert_eq(tu_rerun(&out, &errout, PARKLAND_BIN " park list --db%s", ""), 2);
    cr_assert(strstr(errout, "option '--db' needs a value"), "%s", errout);
    /* after the command wins over before it, as a later option does */
    cr_assert_eq(tu_rerun(&out, &errout, PARKLAND_BIN " --db /nonexistent/x.db park list --db '%s'", dbpath), 0,
                 "%s", errout);
}

/* A CSV cell takes what an option takes. */
Test(dialect, lead_csv_cells_take_the_dialect)
{
    const char *csv = tu_tmp("dialect-leads.csv");
    const char *text = "code,company,investment,land_mu,tax_per_mu,date\n"
                       "C-1,甲公司,1.2亿元,2.6公顷,450万元/公顷·年,20250301\n"
                       "C-2,乙公司,\"１２，０００\",30000m²,30,２０２５年３月１日\n"
                       "C-3,丙公司,12000万,40亩,30万元/亩·年,2025.3.1\n";
    tu_write_file(csv, text, strlen(text));
    cr_assert_eq(run(PL "lead import '%s'", dbpath, csv), 0, "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM lead WHERE code IN ('C-1', 'C-2', 'C-3') AND investment = 12000"
                       " AND stage_date = '2025-03-01' AND tax_per_mu = 30"),
                 3);
    cr_assert_eq(count("SELECT count(*) FROM lead WHERE (code = 'C-1' AND land_mu = 39)"
                       " OR (code = 'C-2' AND land_mu = 45) OR (code = 'C-3' AND land_mu = 40)"),
                 3);
    const char *bad = "code,company,land_mu,date\nC-9,丁公司,40万元,2025-2-29\n";
    tu_write_file(csv, bad, strlen(bad));
    cr_assert_eq(run(PL "lead import '%s'", dbpath, csv), 1);
    cr_assert(strstr(errout, "land_mu (用地需求) '40万元' is not a number (亩)"), "%s", errout);
    cr_assert(strstr(errout, "date '2025-2-29' is not a real date"), "%s", errout);
}

/* --near: GCJ-02 and BD-09 shifted back to WGS 84; projected X,Y by magnitude and axis order */
Test(dialect, near_in_gcj02_bd09_and_projected_coordinates)
{
    /* the WGS 84 point of parcel 001's centroid, and its EPSG:4549 coordinates */
    static const char wgs[] = "--near 120.0720587,36.0437605 --within 150 --format csv --keys";
    cr_assert_eq(run(PL "query free %s", dbpath, wgs), 0, "%s", errout);
    cr_assert(strstr(out, "QDIP-2024-001,中德生态园标准地A-01,34056.09,51.08,0.0,"), "%s", out);
    cr_assert_str_eq(errout, "");
    char *want = strdup(out);
    static const struct {
        const char *near, *how;
    } forms[] = {
        /* GCJ-02 and BD-09 of that point (AMap and Baidu would show these) */
        {"120.0774259,36.0440184 --near-crs gcj02", "read as GCJ-02 (AMap, Tencent) longitude,latitude = 120.07205"},
        {"120.0840062,36.0498023 --near-crs bd09", "read as BD-09 (Baidu Maps) longitude,latitude = 120.07205"},
        {"3990400.71,506493.48", "read as projected X (northing), Y (easting) of EPSG:4549 (northing first)"},
        {"506493.48,3990400.71", "read as projected easting, northing of EPSG:4549 (easting first)"},
        {"40506493.48,3990400.71", "(easting first, zone 40 in front of the easting dropped)"},
        {"'3990400.71，40506493.48'", "(northing first, zone 40 in front of the easting dropped)"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        cr_assert_eq(run(PL "query free --near %s --within 150 --format csv --keys", dbpath, forms[i].near), 0, "%s: %s",
                     forms[i].near, errout);
        cr_assert(strstr(errout, forms[i].how), "%s: %s", forms[i].near, errout);
        /* the same parcels; distances within 0.1 m */
        cr_assert(strstr(out, "QDIP-2024-001,中德生态园标准地A-01,34056.09,51.08,0.0,"), "%s: %s", forms[i].near, out);
        cr_assert(strstr(out, "QDIP-2024-002"), "%s: %s", forms[i].near, out);
    }
    free(want);
    static const struct {
        const char *args, *message;
        int status;
    } bad[] = {
        {"--near 506493,506493 --within 10", "neither longitude,latitude nor projected X,Y of EPSG:4549", 2},
        {"--near 39506493.48,3990400.71 --within 10", "zone 39 in front of the easting is not the zone", 1},
        {"--near 3990400.71,506493.48 --within 10 --near-crs gcj02", "--near-crs is for longitude,latitude", 2},
        {"--near 120.07,36.04 --within 10 --near-crs mars", "--near-crs is wgs84, gcj02 or bd09, not 'mars'", 2},
        {"--near-crs gcj02", "--near-crs needs --near", 2},
        {"--near 1000000,1000000 --within 10", "neither longitude,latitude nor projected", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(run(PL "query free %s", dbpath, bad[i].args), bad[i].status, "%s: %s", bad[i].args, errout);
        cr_assert(strstr(errout, bad[i].message), "%s: %s", bad[i].args, errout);
    }
}

/* An unknown option or command: the nearest one by edit distance. */
Test(dialect, did_you_mean_for_options_and_commands)
{
    static const struct {
        const char *args, *message;
    } cases[] = {
        {"query free --min-m 3", "unexpected argument '--min-m' (did you mean '--min-mu'?)"},
        {"query free --nearcrs gcj02", "(did you mean '--near-crs'?)"},
        {"parcel status X available --expire 2025-1-1", "unknown option '--expire' (did you mean '--expires'?)"},
        {"project sign L-A --parcel X --start-bye 2025-1-1", "(did you mean '--start-by'?)"},
        {"lead add L-Z --company 甲 --invesment 5", "(did you mean '--investment'?)"},
        {"expor geojson", "unknown command 'expor' (did you mean 'export'?"},
        {"reprot alerts", "(did you mean 'report'?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(run(PL "%s", dbpath, cases[i].args), 2, "%s", cases[i].args);
        cr_assert(strstr(errout, cases[i].message), "%s: %s", cases[i].args, errout);
    }
    cr_assert_eq(run(PL "query free --frobnicate", dbpath), 2);
    cr_assert(!strstr(errout, "did you mean"), "nothing near: %s", errout);
    cr_assert_eq(run(PL "zzzzzz", dbpath), 2);
    cr_assert(!strstr(errout, "did you mean"), "nothing near: %s", errout);
}

static void sql(const char *q)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    tu_sql_exec(db, q);
    pl_db_close(db);
}

/* Codes: as stored, ignoring case when one matches, a parcel's map label within its park, "did you mean". */
Test(dialect, codes_ignoring_case_by_map_label_and_did_you_mean)
{
    static const struct {
        const char *args, *out, *note;
    } found[] = {
        {"parcel show qdip-2024-001", "QDIP-2024-001", "parcel 'qdip-2024-001' is 'QDIP-2024-001'"},
        {"parcel show 006", "QDIP-2024-006", "parcel '006' is 'QDIP-2024-006' (its map label)"},
        {"parcel show 006 --park QDIP", "QDIP-2024-006", "(its map label)"},
        {"parcel indicators qdip-2024-003 --format csv --keys", "investment_intensity", "is 'QDIP-2024-003'"},
        {"lead show l-a", "西门子", "lead 'l-a' is 'L-A'"},
        {"history parcel 001", "QDIP-2024-001", "parcel '001' is 'QDIP-2024-001' (its map label)"},
        {"history lead l-a", "L-A", "lead 'l-a' is 'L-A'"},
        {"query free --adjacent 001 --format csv --keys", "QDIP-2024-002", "parcel '001' is 'QDIP-2024-001'"},
        {"match l-a --format csv --keys", "rank", "lead 'l-a' is 'L-A'"},
    };
    for (size_t i = 0; i < sizeof found / sizeof *found; i++) {
        cr_assert_eq(run(PL "%s", dbpath, found[i].args), 0, "%s: %s", found[i].args, errout);
        cr_assert(strstr(out, found[i].out), "%s: %s", found[i].args, out);
        cr_assert(strstr(errout, found[i].note), "%s: %s", found[i].args, errout);
    }
    /* written as stored: nothing said */
    cr_assert_eq(run(PL "parcel show QDIP-2024-001", dbpath), 0);
    cr_assert_str_eq(errout, "");
    /* a status move and a signing through the short forms */
    cr_assert_eq(run(PL "parcel status 003 available --date 2025-1-10", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "QDIP-2024-003"), "%s", out);
    cr_assert_eq(run(PL "project sign l-a --parcel 003 --date 2025-3-1 --code P-1 --accept-shortfall --note x", dbpath),
                 0, "%s", errout);
    cr_assert(strstr(out, "for lead L-A"), "%s", out);
    cr_assert_eq(run(PL "project milestone p-1 land --actual 2025-4-1", dbpath), 0, "%s", errout);
    cr_assert(strstr(errout, "project 'p-1' is 'P-1'"), "%s", errout);
    cr_assert_eq(run(PL "project show p-1", dbpath), 0, "%s", errout);
    cr_assert_eq(run(PL "parcel merge 001 qdip-2024-002 --into M-1 --dry-run", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, "would merge 2 parcels → M-1"), "%s", out);
    cr_assert(strstr(errout, "parcel '001' is 'QDIP-2024-001' (its map label)"), "%s", errout);
    cr_assert_eq(run(PL "parcel split 001 --line 'LINESTRING(0 0, 1 1)' --dry-run", dbpath), 1);
    cr_assert(strstr(errout, "the line does not reach parcel 'QDIP-2024-001'"), "%s", errout);

    static const struct {
        const char *args, *message;
        int status;
    } bad[] = {
        {"parcel show QDIP-2024-01", "no parcel 'QDIP-2024-01' (did you mean 'QDIP-2024-001', ", 1},
        {"parcel show 999", "no parcel '999'", 1},
        {"parcel show QDIP-2024-0O1 --park QDIP", "no parcel 'QDIP-2024-0O1' in park 'QDIP' (did you mean 'QDIP-2024-001'", 1},
        {"lead show L-AA", "no lead 'L-AA' (did you mean 'L-A'?)", 1},
        {"lead stage L-B contacted", "no lead 'L-B' (did you mean 'L-A'?)", 1},
        {"project show P-2", "no project 'P-2' (did you mean 'P-1'?)", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(run(PL "%s", dbpath, bad[i].args), bad[i].status, "%s: %s", bad[i].args, errout);
        cr_assert(strstr(errout, bad[i].message), "%s: %s", bad[i].args, errout);
    }
    /* ambiguous: two codes equal but for case; two parcels with the label 006 */
    sql("UPDATE parcel SET code = 'Qdip-2024-001' WHERE code = 'QDIP-2024-002'");
    cr_assert_eq(run(PL "parcel show qdip-2024-001", dbpath), 2);
    cr_assert(strstr(errout, "parcel 'qdip-2024-001' is ambiguous: 'QDIP-2024-001', 'Qdip-2024-001' (name one)"), "%s",
              errout);
    cr_assert_eq(run(PL "parcel show QDIP-2024-001", dbpath), 0, "exact still wins: %s", errout);
    sql("UPDATE parcel SET code = 'XX-006' WHERE code = 'QDIP-2024-005'");
    cr_assert_eq(run(PL "parcel show 006", dbpath), 2);
    cr_assert(strstr(errout, "parcel '006' is ambiguous: 'QDIP-2024-006', 'XX-006'"), "%s", errout);
}

/* A long code is found whole, as written and ignoring case (no buffer cuts it). */
Test(dialect, long_codes_are_found_whole)
{
    char code[700], lower[700], q[900];
    memset(code, 'A', 600);
    memcpy(code + 600, "-006", 5);
    for (size_t i = 0; i <= strlen(code); i++)
        lower[i] = (char)(code[i] == 'A' ? 'a' : code[i]);
    snprintf(q, sizeof q, "UPDATE parcel SET code = '%s' WHERE code = 'QDIP-2024-006'", code);
    sql(q);
    cr_assert_eq(run(PL "parcel show '%s' --format csv --keys", dbpath, code), 0, "%s", errout);
    cr_assert(strstr(out, code), "exact");
    cr_assert_eq(run(PL "parcel show '%s' --format csv --keys", dbpath, lower), 0, "%s", errout);
    cr_assert(strstr(out, code), "ignoring case");
    cr_assert_eq(run(PL "parcel show 006 --format csv --keys", dbpath), 0, "%s", errout);
    cr_assert(strstr(out, code), "by its label");
}

/* Park codes: as stored, ignoring case when one park matches, "did you mean" — in every command
 * that takes a park (issue 13 §1). */
Test(dialect, park_codes_ignoring_case_and_did_you_mean)
{
    sql("INSERT INTO park(code, name, created_at, created_by) VALUES ('JMIP', '即墨园区', '2025-01-01T00:00:00Z', 't')");
    static const struct {
        const char *args, *out;
    } found[] = {
        {"parcel list --park qdip --format csv", "QDIP-2024-001"},
        {"parcel show 001 --park Qdip --format csv", "QDIP-2024-001"},
        {"query free --park qdip --format csv", "QDIP-2024-001"},
        {"report availability --park qdip --format csv", "QDIP"},
        {"export geojson --park qdip", "QDIP-2024-001"},
        {"import list --park qdip --format csv", "QDIP"},
        {"park datum qdip", "datum"},
        {"park indicators qdip --format csv", ""},
        {"history park jmip", ""},
        {"match l-a --park qdip --format csv", "rank"},
        {"park edit jmip --name 即墨", "park JMIP: 1 field changed"},
    };
    for (size_t i = 0; i < sizeof found / sizeof *found; i++) {
        cr_assert_eq(run(PL "%s", dbpath, found[i].args), 0, "%s: %s", found[i].args, errout);
        cr_assert(strstr(out, found[i].out), "%s: %s", found[i].args, out);
        cr_assert(strstr(errout, "parkland: park 'qdip' is 'QDIP'") || strstr(errout, "parkland: park 'jmip' is 'JMIP'") ||
                      strstr(errout, "parkland: park 'Qdip' is 'QDIP'"),
                  "%s: %s", found[i].args, errout);
    }
    cr_assert_eq(count("SELECT count(*) FROM park WHERE code = 'JMIP' AND name = '即墨'"), 1);
    static const struct {
        const char *args, *message;
    } bad[] = {
        {"parcel list --park QDP", "no park 'QDP' (did you mean 'QDIP'?)"},
        {"report availability --park JMPI", "no park 'JMPI' (did you mean 'JMIP'?)"},
        {"park remove JMIPX", "no park 'JMIPX' (did you mean 'JMIP'?)"},
        {"import parcels " SAMPLES_DIR "/parcels.txt --park QIDP", "no park 'QIDP' (did you mean 'QDIP'?)"},
        {"parcel list --park NOWHERE-PARK", "no park 'NOWHERE-PARK' (see 'parkland park list')"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(run(PL "%s", dbpath, bad[i].args), 1, "%s: %s", bad[i].args, errout);
        cr_assert(strstr(errout, bad[i].message), "%s: %s", bad[i].args, errout);
    }
    cr_assert_eq(count("SELECT count(*) FROM parcel"), 48, "the refused import wrote nothing");
    /* two parks equal but for case: ambiguous ignoring case, exact still wins */
    sql("INSERT INTO park(code, name, created_at, created_by) VALUES ('Qdip', 'x', '2025-01-01T00:00:00Z', 't')");
    cr_assert_eq(run(PL "parcel list --park qDIP", dbpath), 2);
    cr_assert(strstr(errout, "park 'qDIP' is ambiguous: 'QDIP', 'Qdip' (name one)"), "%s", errout);
    cr_assert_eq(run(PL "parcel list --park QDIP --format csv", dbpath), 0, "%s", errout);
    cr_assert_str_eq(errout, "");
}

/* park datum --towgs84 takes the dialect's full-width digits, commas and minus signs. */
Test(dialect, towgs84_takes_full_width_forms)
{
    static const char *const forms[] = {
        "-12.5,-130,-92,0,0,0,2.5",
        "－１２．５，－１３０，－９２，０，０，０，２．５",
        "−12.5, −130, −92, 0, 0, 0, 2.5",
        "-12.5，-130，-92，0，0，0，2.5",
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        cr_assert_eq(run(PL "park datum QDIP beijing54 --towgs84 %s", dbpath, tu_q(forms[i])), 0, "%s: %s", forms[i],
                     errout);
        cr_assert_str_eq(out, "park QDIP: files in Beijing 1954 are transformed with -12.5,-130,-92,0,0,0,2.5 "
                              "(dX,dY,dZ m; rX,rY,rZ arc-seconds; scale ppm)\n", "%s", forms[i]);
        cr_assert_eq(count("SELECT count(*) FROM park_datum_shift WHERE towgs84 = '-12.5,-130,-92,0,0,0,2.5'"), 1, "%s",
                     forms[i]);
    }
    static const char *const bad[] = {"1,2,3", "1,2,3,4,5,6,7,8", "1,2,3,4,5,6,", "1,2,3,4,5,6,x", "1;2;3;4;5;6;7"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(run(PL "park datum QDIP beijing54 --towgs84 %s", dbpath, tu_q(bad[i])), 2, "%s", bad[i]);
        cr_assert(strstr(errout, "--towgs84 expects 7 numbers"), "%s: %s", bad[i], errout);
    }
}
