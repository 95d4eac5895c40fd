/* test_query.c — `query free`: every filter, the sort orders, the R*Tree
 * spatial filters confirmed by exact distances, and the command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/park.h"
#include "parkland/query.h"
#include "db_internal.h"
#include "query_internal.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

/* ---- a hand-made park in EPSG:4549 (metres; 1 亩 = 10000/15 m²) ----
 * Rectangles 200 m high (y 3996000–3996200) unless said otherwise:
 *   P-A available  x 536400–536800   120 亩  touches P-G on its east side
 *   P-B available  x 537000–537430   129 亩
 *   P-C available  x 537600–537920    96 亩
 *   P-D available  x 538100–538580   144 亩
 *   P-E reserved   x 538800–539200   120 亩  (for lead L1)
 *   P-F reserved   x 539400–539800   120 亩  (for lead L2)
 *   P-G transferred x 536000–536400  120 亩  project PRJ-0 of lead L0 (equipment)
 *   P-H available  x 535598–535998   120 亩  2 m west of P-G
 *   P-K available  x 536000–536400, y 3996200.5–3996400.5  120 亩  0.5 m north of P-G,
 *                  0.5 m from P-A's corner
 *   P-T available  triangle (536500 3996900, 536500 3997100, 536300 3997100)  30 亩
 *   P-R reserve    x 540000–540400   120 亩
 * park JMIP:
 *   J-1 available  x 545000–545350   105 亩
 * The WGS84 point 120.4E 36.1N is E 536019.978, N 3996712.745 in EPSG:4549. */
#define PX 536019.978170719
#define PY 3996712.74547386

static void indicators(long parcel, double intensity, double far_min, double far_max, double tax,
                       const char *industries)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu, industries,"
        " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '2024-01-01T00:00:00Z')", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, parcel);
    tu_bind_num(st, 2, intensity);
    tu_bind_num(st, 3, far_min);
    tu_bind_num(st, 4, far_max);
    tu_bind_num(st, 5, tax);
    if (industries)
        sqlite3_bind_text(st, 6, industries, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db->h));
    sqlite3_finalize(st);
}

static void setup(void)
{
    db = tu_db_new("q.db", dbpath);
    tu_park_qdip(db);
    tu_park_jmip(db);
    const double y0 = 3996000, y1 = 3996200;
    long a = tu_add_rect(db, "QDIP", "P-A", "available", 536400, 536800, y0, y1);
    long b = tu_add_rect(db, "QDIP", "P-B", "available", 537000, 537430, y0, y1);
    long c = tu_add_rect(db, "QDIP", "P-C", "available", 537600, 537920, y0, y1);
    long d = tu_add_rect(db, "QDIP", "P-D", "available", 538100, 538580, y0, y1);
    tu_add_rect(db, "QDIP", "P-E", "reserved", 538800, 539200, y0, y1);
    tu_add_rect(db, "QDIP", "P-F", "reserved", 539400, 539800, y0, y1);
    long g = tu_add_rect(db, "QDIP", "P-G", "transferred", 536000, 536400, y0, y1);
    long h = tu_add_rect(db, "QDIP", "P-H", "available", 535598, 535998, y0, y1);
    long k = tu_add_rect(db, "QDIP", "P-K", "available", 536000, 536400, y1 + 0.5, y1 + 200.5);
    tu_add_parcel(db, "QDIP", "P-T", "available",
                  "POLYGON((536500 3996900, 536500 3997100, 536300 3997100, 536500 3996900))");
    tu_add_rect(db, "QDIP", "P-R", "reserve", 540000, 540400, y0, y1);
    tu_add_rect(db, "JMIP", "J-1", "available", 545000, 545350, y0, y1);
    indicators(a, 280, 1.0, 2.0, 20, "equipment,it");
    indicators(b, 350, 1.2, 2.5, 30, NULL);
    indicators(c, NAN, NAN, NAN, 20, "equipment");
    indicators(d, 250, 0.8, 1.5, 15, "it");
    indicators(g, 280, 1.0, 2.0, 20, "equipment");
    indicators(h, 280, 1.0, 1.8, 20, "equipment,itx");
    indicators(k, 500, 1.5, 3.0, 40, "it");
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(query, .init = setup, .fini = teardown);

/* codes of the rows, "J-1 P-A …", and the distances */
typedef struct got {
    char codes[8192];
    double dist[32];
    pl_free_parcel first;
    char first_ind[64];
    int n;
} got;

static int collect(const pl_free_parcel *r, void *ctx)
{
    got *g = ctx;
    size_t len = strlen(g->codes);
    snprintf(g->codes + len, sizeof g->codes - len, "%s%s", len ? " " : "", r->code);
    if (g->n < 32)
        g->dist[g->n] = r->distance_m;
    if (g->n == 0) {
        g->first = *r;
        snprintf(g->first_ind, sizeof g->first_ind, "%s", r->industries ? r->industries : "(any)");
        g->first.park = g->first.code = g->first.name = g->first.industries = NULL;
    }
    g->n++;
    return 0;
}

static got run(const pl_query_filter *f)
{
    got g;
    memset(&g, 0, sizeof g);
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_query_free(db, f, collect, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    return g;
}

static int run_fail(const pl_query_filter *f, char *msg, size_t len)
{
    got g;
    memset(&g, 0, sizeof g);
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_query_free(db, f, collect, &g, &err);
    snprintf(msg, len, "%s", err.message);
    cr_assert_eq(g.n, 0);
    return rc;
}

Test(query, no_filter_lists_available_parcels_by_park_and_code)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    got g = run(&f);
    cr_assert_str_eq(g.codes, "J-1 P-A P-B P-C P-D P-H P-K P-T");
    g = run(NULL);
    cr_assert_str_eq(g.codes, "J-1 P-A P-B P-C P-D P-H P-K P-T");
    f.limit = 2;
    cr_assert_str_eq(run(&f).codes, "J-1 P-A");
}

Test(query, row_carries_area_and_indicators)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.park = "QDIP";
    f.limit = 1;
    got g = run(&f);
    cr_assert_eq(g.n, 1);
    cr_assert_float_eq(g.first.area_m2, 80000.0, 1e-6);
    cr_assert_float_eq(g.first.area_mu, 120.0, 1e-9);
    cr_assert_float_eq(g.first.investment_intensity, 280.0, 1e-9);
    cr_assert_float_eq(g.first.far_min, 1.0, 1e-9);
    cr_assert_float_eq(g.first.far_max, 2.0, 1e-9);
    cr_assert_float_eq(g.first.tax_per_mu, 20.0, 1e-9);
    cr_assert(isnan(g.first.distance_m));
    cr_assert_str_eq(g.first_ind, "equipment,it");
}

Test(query, park_filter)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.park = "QDIP";
    cr_assert_str_eq(run(&f).codes, "P-A P-B P-C P-D P-H P-K P-T");
    f.park = "JMIP";
    cr_assert_str_eq(run(&f).codes, "J-1");
}

Test(query, area_range_sorted_by_closeness_to_its_middle)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.min_mu = 100;
    f.max_mu = 140; /* middle 120: A H K (0), B (9), J-1 (15); C 96 and D 144 out */
    cr_assert_str_eq(run(&f).codes, "P-A P-H P-K P-B J-1");
    pl_query_filter_init(&f);
    f.min_mu = 100; /* one bound: closeness to it */
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-H P-K P-B P-D");
    pl_query_filter_init(&f);
    f.max_mu = 100;
    cr_assert_str_eq(run(&f).codes, "P-C P-T");
    pl_query_filter_init(&f);
    f.min_mu = 120; /* inclusive bounds */
    f.max_mu = 120;
    cr_assert_str_eq(run(&f).codes, "P-A P-H P-K");
}

Test(query, industry_is_an_exact_token_or_any)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.industry = "it"; /* A 'equipment,it', D 'it', K 'it'; B, T, J-1 allow any; not H 'equipment,itx', C */
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-B P-D P-K P-T");
    f.industry = "新一代信息技术";
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-B P-D P-K P-T");
    f.industry = "IT";
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-B P-D P-K P-T");
    f.industry = "equipment";
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-B P-C P-H P-T");
    f.industry = "high-end EQUIPMENT";
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-B P-C P-H P-T");
    /* spaces and a Chinese comma in the stored list */
    tu_sql_exec(db, "UPDATE parcel_indicator SET industries = 'marine， it ' WHERE parcel_id = (SELECT id FROM parcel"
                    " WHERE code = 'P-C')");
    f.industry = "it";
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-B P-C P-D P-K P-T");
    char msg[PL_ERROR_MAX];
    f.industry = "robots";
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
    cr_assert(strstr(msg, "unknown industry 'robots'") && strstr(msg, "it, equipment"), "%s", msg);
}

Test(query, max_intensity_and_min_far)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.max_intensity = 300; /* A 280, D 250, H 280; C, T, J-1 not set; not B 350, K 500 */
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-C P-D P-H P-T");
    f.max_intensity = 280;
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-C P-D P-H P-T");
    f.max_intensity = 279.9;
    cr_assert_str_eq(run(&f).codes, "J-1 P-C P-D P-T");
    pl_query_filter_init(&f);
    f.min_far = 2.0; /* far_max: A 2.0, B 2.5, K 3.0; C, T, J-1 not capped; not D 1.5, H 1.8 */
    cr_assert_str_eq(run(&f).codes, "J-1 P-A P-B P-C P-K P-T");
    /* combined with park and industry */
    pl_query_filter_init(&f);
    f.park = "QDIP";
    f.industry = "it";
    f.max_intensity = 300;
    cr_assert_str_eq(run(&f).codes, "P-A P-D P-T");
}

Test(query, near_uses_exact_distance_and_sorts_by_it)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 400;
    /* P-T's bounding box is 336.9 m away, the triangle itself 471.8 m: not in */
    got g = run(&f);
    cr_assert_str_eq(g.codes, "P-K");
    cr_assert_float_eq(g.dist[0], 3996712.745 - 3996400.5, 0.005);
    f.within_m = 600;
    g = run(&f);
    cr_assert_str_eq(g.codes, "P-K P-T P-H");
    cr_assert_float_eq(g.dist[0], PY - 3996400.5, 1e-6);
    cr_assert_float_eq(g.dist[1], (536500.0 + 3996900.0 - PX - PY) / sqrt(2.0), 1e-6);
    cr_assert_float_eq(g.dist[2], hypot(PX - 535998.0, PY - 3996200.0), 1e-6);
    /* near wins over the area order; filters still apply */
    f.min_mu = 100;
    f.max_mu = 140;
    cr_assert_str_eq(run(&f).codes, "P-K P-H");
    f.park = "JMIP";
    cr_assert_str_eq(run(&f).codes, "");
}

Test(query, near_goes_through_the_rtree_index)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 400;
    cr_assert_str_eq(run(&f).codes, "P-K");
    /* without its index entry P-K is invisible to the spatial filter, not to the rest */
    tu_sql_exec(db, "DELETE FROM idx_parcel_geom WHERE pkid = (SELECT id FROM parcel WHERE code = 'P-K')");
    cr_assert_str_eq(run(&f).codes, "");
    pl_query_filter_init(&f);
    f.park = "QDIP";
    cr_assert_str_eq(run(&f).codes, "P-A P-B P-C P-D P-H P-K P-T");
}

Test(query, adjacent_touching_or_within_one_metre)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.adjacent = "P-G"; /* A touches, K is 0.5 m away, H 2 m: not adjacent */
    cr_assert_str_eq(run(&f).codes, "P-A P-K");
    f.adjacent = "P-A"; /* K's corner is 0.5 m from A's; G touches but is transferred */
    cr_assert_str_eq(run(&f).codes, "P-K");
    f.adjacent = "P-K";
    cr_assert_str_eq(run(&f).codes, "P-A");
    f.adjacent = "P-H";
    cr_assert_str_eq(run(&f).codes, "");
    f.adjacent = "P-G";
    f.park = "QDIP";
    f.industry = "it";
    f.max_intensity = 300;
    cr_assert_str_eq(run(&f).codes, "P-A");
    /* 1.0 m exactly still counts, 1.01 m does not */
    tu_sql_exec(db, "UPDATE parcel SET geom = CastToMultiPolygon(ST_GeomFromText("
                    "'POLYGON((535599 3996000, 535999 3996000, 535999 3996200, 535599 3996200, 535599 3996000))',"
                    " 4549)) WHERE code = 'P-H'");
    pl_query_filter_init(&f);
    f.adjacent = "P-G";
    cr_assert_str_eq(run(&f).codes, "P-A P-H P-K");
    tu_sql_exec(db, "UPDATE parcel SET geom = CastToMultiPolygon(ST_GeomFromText("
                    "'POLYGON((535598.99 3996000, 535998.99 3996000, 535998.99 3996200, 535598.99 3996200,"
                    " 535598.99 3996000))', 4549)) WHERE code = 'P-H'");
    cr_assert_str_eq(run(&f).codes, "P-A P-K");
}

Test(query, refusals_name_the_subject)
{
    char msg[PL_ERROR_MAX];
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.park = "NOPE";
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_NOTFOUND);
    cr_assert_str_eq(msg, "no park 'NOPE' (see 'parkland park list')");
    pl_query_filter_init(&f);
    f.adjacent = "P-Z";
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_NOTFOUND);
    cr_assert_str_eq(msg, "no parcel 'P-Z'");
    f.park = "JMIP";
    f.adjacent = "P-A";
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_NOTFOUND);
    cr_assert_str_eq(msg, "no parcel 'P-A' in park 'JMIP'");
    pl_query_filter_init(&f);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
    cr_assert_str_eq(msg, "--near needs --within METRES");
    pl_query_filter_init(&f);
    f.within_m = 100;
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
    cr_assert_str_eq(msg, "--within needs --near LON,LAT");
    f.near_lon = 36.1; /* swapped */
    f.near_lat = 120.4;
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
    cr_assert(strstr(msg, "latitude 120.4 is out of range"), "%s", msg);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 0;
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
    pl_query_filter_init(&f);
    f.min_mu = 150;
    f.max_mu = 100;
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
    cr_assert_str_eq(msg, "--min-mu 150 is larger than --max-mu 100");
    pl_query_filter_init(&f);
    f.max_intensity = -1;
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
}

Test(query, code_in_two_parks_needs_park_for_adjacent)
{
    tu_add_rect(db, "JMIP", "P-A", "available", 546000, 546400, 3996000, 3996200);
    char msg[PL_ERROR_MAX];
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.adjacent = "P-A";
    cr_assert_eq(run_fail(&f, msg, sizeof msg), PL_ERR_USAGE);
    cr_assert_str_eq(msg, "parcel code 'P-A' exists in parks 'JMIP' and 'QDIP'; name one with --park");
    f.park = "QDIP";
    cr_assert_str_eq(run(&f).codes, "P-K");
}

static int stop_after_one(const pl_free_parcel *r, void *ctx)
{
    (void)r;
    ++*(int *)ctx;
    return 42;
}

Test(query, callback_stops_the_stream)
{
    int n = 0;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_query_free(db, NULL, stop_after_one, &n, &err), 42);
    cr_assert_eq(n, 1);
}

/* ---- the command line ---- */

static char *out, *errs;

Test(query, cli_table_csv_json)
{
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --near 120.4,36.1 --within 400"), 0, "%s", errs);
    cr_assert(strstr(out, "1 free parcels\n"), "%s", out);
    cr_assert(strstr(out, "distance m") && strstr(out, "投资强度 万元/亩") && strstr(out, "亩均税收 万元/亩·年") &&
              strstr(out, "FAR min–max") && strstr(out, "面积 亩"), "%s", out);
    cr_assert(strstr(out, "P-K") && strstr(out, "地块P-K") && strstr(out, "80000.00") && strstr(out, "120.00") &&
              strstr(out, "312.2") && strstr(out, "500.0") && strstr(out, "1.5–3.0") && strstr(out, "40.0"), "%s",
              out);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --near 120.4,36.1 --within 400 --format csv --keys"), 0, "%s", errs);
    cr_assert_str_eq(out, "\xEF\xBB\xBF" "park,code,name,area_m2,area_mu,distance_m,investment_intensity,far_min,far_max,"
                          "tax_per_mu,industries\r\n"
                          "QDIP,P-K,地块P-K,80000.00,120.00,312.2,500.0,1.5,3.0,40.0,it\r\n");

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --park QDIP --max-mu 100 --format csv --keys"), 0, "%s", errs);
    cr_assert_str_eq(out, "\xEF\xBB\xBF" "park,code,name,area_m2,area_mu,investment_intensity,far_min,far_max,tax_per_mu,"
                          "industries\r\n"
                          "QDIP,P-C,地块P-C,64000.00,96.00,,,,20.0,equipment\r\n"
                          "QDIP,P-T,地块P-T,20000.00,30.00,,,,,\r\n");

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --adjacent P-G --format json"), 0, "%s", errs);
    cr_assert(strstr(out, "\"code\": \"P-A\"") && strstr(out, "\"code\": \"P-K\"") && !strstr(out, "P-H"), "%s",
              out);
    cr_assert(strstr(out, "\"area_mu\": 120.0") || strstr(out, "\"area_mu\": 120"), "%s", out);
    cr_assert(strstr(out, "\"investment_intensity\": 280.0") || strstr(out, "\"investment_intensity\": 280"),
              "%s", out);
    cr_assert(strstr(out, "\"industries\": \"equipment,it\""), "%s", out);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --park JMIP --format json"), 0, "%s", errs);
    cr_assert(strstr(out, "\"industries\": null") && strstr(out, "\"far_min\": null"), "%s", out);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --park JMIP"), 0, "%s", errs);
    cr_assert(strstr(out, "不限 any"), "%s", out);

    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --industry it --min-mu 100 --max-mu 140 --format csv --keys"), 0,
                 "%s", errs);
    cr_assert(strstr(out, "\r\nQDIP,P-A,") && strstr(out, "\r\nQDIP,P-K,") && strstr(out, "\r\nQDIP,P-B,") &&
              strstr(out, "\r\nJMIP,J-1,") && !strstr(out, "P-H"), "%s", out);
    cr_assert(strstr(out, "P-A") < strstr(out, "P-K") && strstr(out, "P-K") < strstr(out, "P-B") &&
              strstr(out, "P-B") < strstr(out, "J-1"), "%s", out);
}

Test(query, cli_errors_and_help)
{
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --park NOPE"), 1);
    cr_assert(strstr(errs, "no park 'NOPE'"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --adjacent P-Z"), 1);
    cr_assert(strstr(errs, "no parcel 'P-Z'"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --near 120.4 --within 100"), 2);
    cr_assert(strstr(errs, "--near expects LON,LAT"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --near 120.4,north --within 100"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --near 120.4,36.1"), 2);
    cr_assert(strstr(errs, "--near needs --within"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --within 100"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --near 36.1,120.4 --within 100"), 2);
    cr_assert(strstr(errs, "latitude 120.4 is out of range"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --min-mu lots"), 2);
    cr_assert(strstr(errs, "--min-mu expects a number"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --industry robots"), 2);
    cr_assert(strstr(errs, "unknown industry 'robots'"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --format xml"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --limit 0"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query busy"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --colour red"), 2);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --help"), 0);
    cr_assert(strstr(out, "--near LON,LAT --within M") && strstr(out, "--adjacent CODE") &&
              strstr(out, "--max-intensity") && strstr(out, "--min-far"), "%s", out);
    free(out);
    free(errs);
    out = errs = NULL;
}

/* ---- a bigger park whose results are pinned ----
 * 16 × 16 rectangles on a 300 m grid around the WGS84 point 120.4E 36.1N,
 * widths 100–276 m and height 200 m (30–83 亩), 60 % available, most with
 * indicators; the last two columns in park JMIP. The rows and their order were
 * recorded from the first version of `query free` (one statement, the area
 * filter as an expression in 亩) and must not change whatever plan the
 * statement gets. */

#define GRID 16

static void grid_setup(void)
{
    setup();
    static const char *const inds[] = {"equipment", "it", "equipment,it", NULL, "marine", "health，equipment"};
    static const char *const statuses[] = {"available", "available", "available", "available", "available",
                                           "reserved",  "transferred", "reserve", "listed",    "available"};
    tu_sql_exec(db, "BEGIN");
    for (int r = 0; r < GRID; r++)
        for (int c = 0; c < GRID; c++) {
            char code[16];
            snprintf(code, sizeof code, "G-%02d-%02d", r, c);
            double x0 = 533600 + c * 300.0, y0 = 3994400 + r * 300.0;
            double w = 100 + ((r * 31 + c * 17) % 23) * 8;
            long id = tu_add_rect(db, c >= GRID - 2 ? "JMIP" : "QDIP", code, statuses[(r * 7 + c * 13) % 10], x0,
                                  x0 + w, y0, y0 + 200);
            if ((r + c) % 5)
                indicators(id, 250 + (r * c) % 100, 1.0, 1.5 + (c % 4) * 0.5, 15 + (r % 4) * 5,
                           inds[(r * 3 + c) % 6]);
        }
    tu_sql_exec(db, "COMMIT");
}

TestSuite(query_pin, .init = grid_setup, .fini = teardown);

Test(query_pin, area_range)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.min_mu = 36;
    f.max_mu = 44;
    cr_assert_str_eq(run(&f).codes,
                     "G-11-14 G-00-07 G-02-02 G-03-11 G-05-06 G-07-01 G-12-00 G-14-14 G-00-03 G-01-12 G-03-07 G-05-02 "
                     "G-08-06 G-10-01 G-00-11 G-02-06 G-04-01 G-07-05 G-09-00 G-13-13 G-15-08");
    f.park = "QDIP";
    f.limit = 5;
    cr_assert_str_eq(run(&f).codes, "G-00-07 G-02-02 G-03-11 G-05-06 G-07-01");
    pl_query_filter_init(&f);
    f.min_mu = 70;
    cr_assert_str_eq(run(&f).codes,
                     "G-04-14 G-00-01 G-06-09 G-09-13 G-11-08 G-13-03 G-14-12 G-02-15 G-07-14 G-03-01 G-09-09 G-11-04 "
                     "G-12-13 G-14-08 G-05-15 G-10-14 G-01-02 G-07-10 G-12-09 G-14-04 G-15-13 G-08-15 G-13-14 G-04-02 "
                     "G-10-10 G-12-05 G-15-09 G-11-15 G-00-08 G-02-03 G-08-11 G-13-10 G-15-05 G-14-15 G-00-04 G-05-03 "
                     "G-11-11 G-13-06 P-C J-1 P-A P-H P-K P-B P-D");
    pl_query_filter_init(&f);
    f.max_mu = 33;
    cr_assert_str_eq(run(&f).codes,
                     "G-01-05 G-03-00 G-06-04 G-12-12 G-14-07 G-00-00 G-01-09 G-03-04 G-09-12 G-14-11 P-T");
}

Test(query_pin, near)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 800;
    got g = run(&f);
    cr_assert_str_eq(g.codes,
                     "G-07-08 G-08-08 G-07-07 G-08-09 P-K G-06-07 G-06-09 G-09-07 P-T G-09-09 G-08-06 P-H G-06-06 "
                     "G-09-06 G-07-10 G-05-08 P-A G-06-10 G-05-09 G-10-08 G-10-07 G-09-10 G-08-05 G-05-06 G-07-05");
    cr_assert_float_eq(g.dist[0], 12.745473857, 1e-6, "%.9f", g.dist[0]);
    cr_assert_float_eq(g.dist[g.n - 1], 796.080206616, 1e-6, "%.9f", g.dist[g.n - 1]);
    f.limit = 3;
    cr_assert_str_eq(run(&f).codes, "G-07-08 G-08-08 G-07-07");
}

Test(query_pin, both_with_industry_and_limit)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.min_mu = 30;
    f.max_mu = 60;
    f.industry = "equipment";
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 1500;
    cr_assert_str_eq(run(&f).codes,
                     "G-07-08 G-08-09 P-T G-08-06 G-06-06 G-05-09 G-10-08 G-08-05 G-05-06 G-07-05 G-04-08 G-05-05 "
                     "G-11-09 G-06-04 G-04-05 G-11-05 G-03-07 G-09-12 G-04-11 G-03-06 G-06-03 G-09-03 G-04-12 G-03-11");
    f.limit = 6;
    cr_assert_str_eq(run(&f).codes, "G-07-08 G-08-09 P-T G-08-06 G-06-06 G-05-09");
}

Test(query_pin, industry_intensity_far_and_limit)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.industry = "it";
    f.max_intensity = 300;
    f.limit = 12;
    cr_assert_str_eq(run(&f).codes,
                     "G-00-14 G-01-14 G-02-15 G-05-15 G-06-14 G-08-15 G-10-14 G-11-14 G-14-15 G-15-15 J-1 G-00-00");
    pl_query_filter_init(&f);
    f.industry = "health";
    f.min_far = 2.5;
    f.min_mu = 40;
    cr_assert_str_eq(run(&f).codes,
                     "G-00-03 G-03-07 G-05-02 G-12-15 G-08-02 G-15-15 G-01-04 G-02-13 G-06-03 G-11-02 G-07-08 G-03-14 "
                     "G-00-10 G-12-03 G-06-14 G-05-05 G-04-15 G-03-06 G-10-00 G-11-09 G-04-11 G-09-06 G-09-02 G-10-11 "
                     "G-14-01 G-08-12 G-15-06 G-01-14 G-10-03 G-13-07 G-15-02 G-06-09 G-02-15 G-07-14 G-11-04 G-12-13 "
                     "G-05-15 G-01-02 G-08-15 G-13-14 G-10-10 G-02-03 G-08-11 G-15-05 G-14-15 G-13-06 J-1 P-B");
    pl_query_filter_init(&f);
    f.park = "JMIP";
    f.limit = 4;
    cr_assert_str_eq(run(&f).codes, "G-00-14 G-01-14 G-01-15 G-02-15");
}

Test(query_pin, adjacent)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.adjacent = "P-G";
    f.min_mu = 100;
    cr_assert_str_eq(run(&f).codes, "P-A P-K");
    tu_sql_exec(db, "UPDATE parcel SET geom = CastToMultiPolygon(ST_GeomFromText("
                    "'POLYGON((533500 3994400, 533600 3994400, 533600 3994600, 533500 3994600, 533500 3994400))',"
                    " 4549)), area_m2 = 20000 WHERE code = 'P-T'");
    pl_query_filter_init(&f);
    f.adjacent = "P-T";
    cr_assert_str_eq(run(&f).codes, "G-00-00");
}

/* The codes SQLite gives for the area filter written as the expression in 亩
 * (the first version of the statement): the reference for the bounds. */
static void area_oracle(double min_mu, double max_mu, char *codes, size_t len)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "SELECT p.code FROM parcel p JOIN park k ON k.id = p.park_id WHERE p.status = 'available'"
        "   AND (?1 IS NULL OR p.area_m2 * 15.0 / 10000.0 >= ?1) AND (?2 IS NULL OR p.area_m2 * 15.0 / 10000.0 <= ?2)"
        " ORDER BY abs(p.area_m2 * 15.0 / 10000.0 - ?3), k.code, p.code", -1, &st, NULL), SQLITE_OK);
    tu_bind_num(st, 1, min_mu);
    tu_bind_num(st, 2, max_mu);
    tu_bind_num(st, 3, isnan(min_mu) ? max_mu : isnan(max_mu) ? min_mu : (min_mu + max_mu) / 2.0);
    size_t n = 0;
    codes[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && n < len)
        n += (size_t)snprintf(codes + n, len - n, "%s%s", n ? " " : "", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

Test(query_pin, area_bounds_are_exactly_the_expression_in_mu)
{
    /* 36.000 亩 is 24000 m² exactly: in for both bounds; one ulp less or more is out */
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 24000 WHERE code = 'G-00-00'");
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "UPDATE parcel SET area_m2 = ?1 WHERE code = ?2", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_double(st, 1, nextafter(24000.0, 0));
    sqlite3_bind_text(st, 2, "G-00-01", -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    sqlite3_bind_double(st, 1, nextafter(24000.0, 1e9));
    sqlite3_bind_text(st, 2, "G-00-03", -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.min_mu = 36;
    f.max_mu = 36;
    cr_assert_str_eq(run(&f).codes, "G-00-00");
    f.max_mu = 44;
    got g = run(&f);
    cr_assert(strstr(g.codes, "G-00-00") && !strstr(g.codes, "G-00-01") && strstr(g.codes, "G-00-03"), "%s", g.codes);
    f.min_mu = 30;
    f.max_mu = 36;
    g = run(&f);
    cr_assert(strstr(g.codes, "G-00-00") && strstr(g.codes, "G-00-01") && !strstr(g.codes, "G-00-03"), "%s", g.codes);

    /* around many bounds, every double within 20 ulps of m × 10000 / 15 */
    static const double bounds[] = {36, 44, 36.1, 100.0 / 3, 0.1, 1e-3, 7, 123456.789, 29.999999999999996,
                                    1e10, 4.9406564584124654e-324, 2.2250738585072014e-308,
                                    /* where m × 10000 / 15 is one ulp off the bound: lower, upper */
                                    369.15, 604.92, 139.26, 383.35, 166.49, 805.4};
    char want[1 << 14];
    long ids[41];
    size_t ncodes = 0;
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT id FROM parcel WHERE status = 'available' AND code LIKE 'G-%'"
                                           " ORDER BY id LIMIT 41", -1, &q, NULL), SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW && ncodes < 41) {
        ids[ncodes++] = (long)sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    cr_assert_eq(ncodes, 41);
    cr_assert_eq(sqlite3_prepare_v2(db->h, "UPDATE parcel SET area_m2 = ?1 WHERE id = ?2", -1, &q, NULL), SQLITE_OK);
    for (size_t b = 0; b < sizeof bounds / sizeof *bounds; b++) {
        double m = bounds[b], base = m * 10000.0 / 15.0;
        tu_sql_exec(db, "BEGIN");
        for (int k = -20; k <= 20; k++) {
            double a = base;
            for (int s = 0; s < abs(k); s++)
                a = nextafter(a, k < 0 ? 0 : INFINITY);
            if (!(a > 0))
                a = 5e-324 * (k + 21);
            sqlite3_bind_double(q, 1, a);
            sqlite3_bind_int64(q, 2, ids[k + 20]);
            cr_assert_eq(sqlite3_step(q), SQLITE_DONE, "%s", sqlite3_errmsg(db->h));
            sqlite3_reset(q);
        }
        tu_sql_exec(db, "COMMIT");
        const double ranges[][2] = {{m, NAN}, {NAN, m}, {m, m}, {m, m * 1.25}, {m * 0.8, m}};
        for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++) {
            pl_query_filter_init(&f);
            f.min_mu = ranges[r][0];
            f.max_mu = ranges[r][1];
            area_oracle(f.min_mu, f.max_mu, want, sizeof want);
            g = run(&f);
            cr_assert_str_eq(g.codes, want, "m = %.17g, range %zu", m, r);
        }
    }
    sqlite3_finalize(q);
    sqlite3_finalize(st);
}

/* ---- the plans: the R*Tree or the area index drives, as the filter suits ---- */

static const char *plan_of(const pl_query_filter *f)
{
    static char buf[4096];
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_query_free_plan(db, f, buf, sizeof buf, &err), PL_OK, "%s", err.message);
    return buf;
}

Test(query_pin, plans_follow_the_filter)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    const char *p = plan_of(&f);
    cr_assert(strstr(p, "INDEX parcel_status_area (status=?)\n"), "%s", p);

    /* an area range: a range on the index, bounds in m² */
    f.min_mu = 36;
    f.max_mu = 44;
    p = plan_of(&f);
    cr_assert(strstr(p, "INDEX parcel_status_area (status=? AND area_m2>? AND area_m2<?)"), "%s", p);
    cr_assert(!strstr(p, "idx_parcel_geom"), "%s", p);
    f.max_mu = NAN;
    p = plan_of(&f);
    cr_assert(strstr(p, "INDEX parcel_status_area (status=? AND area_m2>?)"), "%s", p);
    f.min_mu = NAN;
    f.max_mu = 44;
    p = plan_of(&f);
    cr_assert(strstr(p, "INDEX parcel_status_area (status=? AND area_m2<?)"), "%s", p);

    /* a point alone: the R*Tree drives, the parcel is read by its rowid (not "0 → A") */
    pl_query_filter_init(&f);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 800;
    p = plan_of(&f);
    cr_assert(strstr(p, "SCAN r VIRTUAL TABLE INDEX 2:") && strstr(p, "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)"),
              "%s", p);
    cr_assert(!strstr(p, "parcel_status_area"), "%s", p);
    /* with a wide area range its box holds fewer parcels: still the R*Tree */
    f.min_mu = 20;
    f.max_mu = 90;
    p = plan_of(&f);
    cr_assert(strstr(p, "SCAN r VIRTUAL TABLE") && !strstr(p, "parcel_status_area"), "%s", p);
    /* a narrow range and a box over the whole park: the area index, the box as a list */
    f.min_mu = 36;
    f.max_mu = 44;
    f.within_m = 5000;
    p = plan_of(&f);
    cr_assert(strstr(p, "INDEX parcel_status_area (status=? AND area_m2>? AND area_m2<?)") &&
              strstr(p, "LIST SUBQUERY") && strstr(p, "SCAN idx_parcel_geom VIRTUAL TABLE"), "%s", p);

    /* adjacent: its R*Tree box drives, also beside a point */
    pl_query_filter_init(&f);
    f.adjacent = "P-G";
    p = plan_of(&f);
    cr_assert(strstr(p, "SCAN r VIRTUAL TABLE") && strstr(p, "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)"), "%s", p);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 5000;
    f.min_mu = 100;
    p = plan_of(&f);
    cr_assert(strstr(p, "SCAN r VIRTUAL TABLE") && strstr(p, "LIST SUBQUERY"), "%s", p);
    cr_assert_str_eq(run(&f).codes, "P-K P-A");
}

Test(query_pin, both_plans_give_the_same_rows)
{
    /* near with a narrow area range over the whole grid (area index) gives the
     * rows of near alone (R*Tree) whose area is in the range, in their order */
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 5000;
    const double ranges[][2] = {{36, 44}, {30, 33}, {70, NAN}, {NAN, 31}};
    for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++) {
        f.min_mu = f.max_mu = NAN;
        got all;
        memset(&all, 0, sizeof all);
        pl_error err;
        pl_error_clear(&err);
        char want[8192] = "";
        size_t n = 0;
        /* near alone, filtered here */
        sqlite3_stmt *st;
        cr_assert_eq(pl_query_free(db, &f, collect, &all, &err), PL_OK, "%s", err.message);
        cr_assert(strstr(plan_of(&f), "SCAN r VIRTUAL TABLE"));
        cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT area_m2 * 15.0 / 10000.0 FROM parcel WHERE code = ?1", -1,
                                        &st, NULL), SQLITE_OK);
        char *save = NULL;
        for (char *code = strtok_r(all.codes, " ", &save); code; code = strtok_r(NULL, " ", &save)) {
            sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
            cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
            double mu = sqlite3_column_double(st, 0);
            sqlite3_reset(st);
            if ((isnan(ranges[k][0]) || mu >= ranges[k][0]) && (isnan(ranges[k][1]) || mu <= ranges[k][1]))
                n += (size_t)snprintf(want + n, sizeof want - n, "%s%s", n ? " " : "", code);
        }
        sqlite3_finalize(st);
        f.min_mu = ranges[k][0];
        f.max_mu = ranges[k][1];
        cr_assert(strstr(plan_of(&f), "parcel_status_area"), "range %zu: %s", k, plan_of(&f));
        got g = run(&f);
        cr_assert(g.n > 0);
        cr_assert_str_eq(g.codes, want, "range %zu", k);
    }
}

/* ---- the command line prints the numbers as printf("%.2f") / ("%.1f") would ---- */

static void ref_fixed(char *buf, size_t len, double v, int decimals)
{
    snprintf(buf, len, "%.*f", decimals, v);
}

static void ref_dec(char *buf, size_t len, double v) /* cmd_query.c's fmt_dec, through snprintf */
{
    if (isnan(v)) {
        buf[0] = '\0';
        return;
    }
    ref_fixed(buf, len, v, 2);
    size_t n = strlen(buf);
    if (n >= 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
        buf[n - 1] = '\0';
}

typedef struct csv_ref {
    char text[1 << 16];
    size_t n;
} csv_ref;

static int csv_row(const pl_free_parcel *r, void *ctx)
{
    csv_ref *c = ctx;
    char m2[320], mu[320], dist[320], inten[320], fmin[320], fmax[320], tax[320]; /* never cut */
    ref_fixed(m2, sizeof m2, r->area_m2, 2);
    ref_fixed(mu, sizeof mu, r->area_mu, 2);
    ref_fixed(dist, sizeof dist, r->distance_m, 1);
    ref_dec(inten, sizeof inten, r->investment_intensity);
    ref_dec(fmin, sizeof fmin, r->far_min);
    ref_dec(fmax, sizeof fmax, r->far_max);
    ref_dec(tax, sizeof tax, r->tax_per_mu);
    const char *ind = r->industries ? r->industries : "";
    const char *q = strchr(ind, ',') ? "\"" : ""; /* CSV quotes a field with a comma */
    c->n += (size_t)snprintf(c->text + c->n, sizeof c->text - c->n, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s%s%s\r\n",
                             r->park, r->code, m2, mu, dist, inten, fmin, fmax, tax, q, ind, q);
    return 0;
}

Test(query_pin, cli_numbers_are_printf_numbers)
{
    /* halves that printf rounds to even, values just below them, tiny, large and negative ones */
    static const double areas[] = {0.125, 0.375, 2.675, 1.005, 0.995, 9.995, 80000.005, 12345.675, 1e-7,
                                   0.005, 0.015, 0.025, 123456789.125, 5e-324, 1e14 + 0.125, 999999.995};
    static const double indic[] = {0.125, 280.125, 1.375, 2.625, 20.875, -0.001, -0.005, 0.045, 1e15, 1e300,
                                   -2.675, 299.995, 0.0, -0.0, 33.335, 7.005};
    sqlite3_stmt *q, *a, *i;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT id FROM parcel WHERE status = 'available' AND code LIKE 'G-%'"
                                           " ORDER BY id LIMIT 16", -1, &q, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db->h, "UPDATE parcel SET area_m2 = ?1 WHERE id = ?2", -1, &a, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db->h, "INSERT OR REPLACE INTO parcel_indicator(parcel_id, investment_intensity,"
                                           " far_min, far_max, tax_per_mu, updated_at) VALUES (?1, ?2, ?3, ?4, ?5,"
                                           " '2024-01-01T00:00:00Z')", -1, &i, NULL), SQLITE_OK);
    for (int k = 0; sqlite3_step(q) == SQLITE_ROW; k++) {
        long id = (long)sqlite3_column_int64(q, 0);
        sqlite3_bind_double(a, 1, areas[k]);
        sqlite3_bind_int64(a, 2, id);
        cr_assert_eq(sqlite3_step(a), SQLITE_DONE, "%s", sqlite3_errmsg(db->h));
        sqlite3_reset(a);
        sqlite3_bind_int64(i, 1, id);
        for (int c = 0; c < 4; c++)
            sqlite3_bind_double(i, 2 + c, indic[(k + c * 5) % 16]);
        cr_assert_eq(sqlite3_step(i), SQLITE_DONE, "%s", sqlite3_errmsg(db->h));
        sqlite3_reset(i);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(a);
    sqlite3_finalize(i);

    /* every available parcel of the grid and the hand-made park, with distances */
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.near_lon = 120.4;
    f.near_lat = 36.1;
    f.within_m = 20000;
    static csv_ref ref;
    memset(&ref, 0, sizeof ref);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_query_free(db, &f, csv_row, &ref, &err), PL_OK, "%s", err.message);
    cr_assert(ref.n > 100 * 10);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "query free --near 120.4,36.1 --within 20000 --format csv --keys"), 0, "%s",
                 errs);
    /* drop the name column (地块CODE) from the command's output */
    static char got_text[1 << 16];
    size_t n = 0;
    const char *line = strchr(out, '\n') + 1;
    while (*line) {
        const char *end = strchr(line, '\n');
        const char *c1 = strchr(line, ','), *c2 = strchr(c1 + 1, ','), *c3 = strchr(c2 + 1, ',');
        n += (size_t)snprintf(got_text + n, sizeof got_text - n, "%.*s%.*s\n", (int)(c2 - line), line,
                              (int)(end - c3), c3);
        line = end + 1;
    }
    cr_assert_str_eq(got_text, ref.text);
    free(out);
    free(errs);
    out = errs = NULL;
}
