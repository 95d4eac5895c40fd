/* test_parcel_edit.c — split and merge: area conservation, validity, holes,
 * lineage and history; refused edits leave the database byte-identical. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/parcel_edit.h"
#include "parkland/park.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

/* A parcel straight into the table (the fixture; the importer has its own tests). */
static void add_parcel(const char *park, const char *code, const char *status, const char *wkt)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "INSERT INTO parcel(park_id, code, name, land_use, land_use_code, area_m2, status, status_date, attrs,"
        " created_at, updated_at, geom)"
        " SELECT k.id, ?2, '地块' || ?2, '工业用地', '0601', ST_Area(ST_GeomFromText(?4, 4549)), ?3, '2024-01-01',"
        "        '{\"宗地号\":\"' || ?2 || '\"}', 't', 't', CastToMultiPolygon(ST_GeomFromText(?4, 4549))"
        "   FROM park k WHERE k.code = ?1", -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db->h));
    sqlite3_bind_text(st, 1, park, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, wkt, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s: %s", code, sqlite3_errmsg(db->h));
    cr_assert_eq(sqlite3_changes(db->h), 1);
    sqlite3_finalize(st);
}

/* Indicators of a parcel (investment intensity, FAR min, industries). */
static void set_indicators(const char *code, double intensity, double far_min, const char *industries)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, industries, updated_at)"
             " SELECT id, %.17g, %.17g, '%s', 't' FROM parcel WHERE code = '%s'", intensity, far_min, industries,
             code);
    tu_sql_exec(db, sql);
}

static void setup(void)
{
    db = tu_db_new("edit.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    pl_db_set_user(db, "tester");
    cr_assert_eq(pl_park_add(db, "T", "测试园区", "Test park", NULL, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_park_add(db, "U", "另一园区", "Other park", NULL, NULL, &err), PL_OK, "%s", err.message);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(edit, .init = setup, .fini = teardown);

static int split(const char *code, const char *line, int srid, pl_edit_result *r, pl_error *err)
{
    pl_split_options o;
    memset(&o, 0, sizeof o);
    o.line_wkt = line;
    o.line_srid = srid;
    pl_error_clear(err);
    return pl_parcel_split(db, code, &o, r, err);
}

static int merge2(const char *a, const char *b, const char *into, int multipart, pl_edit_result *r, pl_error *err)
{
    const char *codes[] = {a, b};
    pl_merge_options o;
    memset(&o, 0, sizeof o);
    o.allow_multipart = multipart;
    pl_error_clear(err);
    return pl_parcel_merge(db, codes, 2, into, &o, r, err);
}

/* 300 × 200 m at E 500000 N 4000000 */
#define RECT "POLYGON((500000 4000000, 500300 4000000, 500300 4000200, 500000 4000200, 500000 4000000))"

/* ---- split -------------------------------------------------------------------- */

Test(edit, split_rectangle_at_x100_gives_exact_areas_lineage_history_indicators)
{
    add_parcel("T", "R", "available", RECT);
    set_indicators("R", 300, 1.2, "it,equipment");
    pl_edit_result r;
    pl_error err;
    int rc = split("R", "LINESTRING(500100 3999990, 500100 4000210)", 0, &r, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_str_eq(r.operation, "split");
    cr_assert_str_eq(r.park, "T");
    cr_assert_str_eq(r.status, "available");
    cr_assert_eq(r.nparents, 1);
    cr_assert_eq(r.nchildren, 2);
    /* descending area: R-1 is the 200 m wide part, R-2 the 100 m one */
    cr_assert_str_eq(r.children[0].code, "R-1");
    cr_assert_str_eq(r.children[1].code, "R-2");
    cr_assert_float_eq(r.children[0].area_m2, 40000.0, 1e-6);
    cr_assert_float_eq(r.children[1].area_m2, 20000.0, 1e-6);
    cr_assert_float_eq(r.children_area_m2, 60000.0, 1e-6);
    cr_assert_float_eq(r.parents_area_m2, 60000.0, 1e-6);
    cr_assert_str_eq(r.children[0].name, "地块R-1");
    cr_assert_eq(r.indicators_copied, 1);
    cr_assert_eq(r.nwarnings, 0);
    pl_edit_result_release(&r);

    /* stored: areas, shapes, validity, fields copied, parent retired and kept */
    cr_assert_float_eq(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'R-1'"), 40000.0, 1e-6);
    cr_assert_float_eq(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'R-2'"), 20000.0, 1e-6);
    cr_assert_float_eq(tu_sql_num(db, "SELECT ST_Area(geom) FROM parcel WHERE code = 'R-2'"), 20000.0, 1e-6);
    cr_assert_eq(tu_sql_count(db, "SELECT ST_Equals(geom, ST_GeomFromText('POLYGON((500000 4000000, 500100 4000000,"
                                  " 500100 4000200, 500000 4000200, 500000 4000000))', 4549)) FROM parcel"
                                  " WHERE code = 'R-2'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT ST_Equals(geom, ST_GeomFromText('POLYGON((500100 4000000, 500300 4000000,"
                                  " 500300 4000200, 500100 4000200, 500100 4000000))', 4549)) FROM parcel"
                                  " WHERE code = 'R-1'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('R-1', 'R-2') AND ST_IsValid(geom) = 1"
                                  " AND GeometryType(geom) = 'MULTIPOLYGON' AND status = 'available'"
                                  " AND land_use = '工业用地' AND land_use_code = '0601' AND attrs = '{\"宗地号\":\"R\"}'"
                                  " AND batch_id IS NULL AND declared_area_m2 IS NULL AND park_id = (SELECT id"
                                  " FROM park WHERE code = 'T')"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'R' AND status = 'retired'"
                                  " AND abs(area_m2 - 60000) < 1e-6 AND ST_Area(geom) = 60000"), 1);
    /* indicators copied to each piece, parent keeps its own */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_indicator i JOIN parcel p ON p.id = i.parcel_id"
                                  " WHERE p.code IN ('R', 'R-1', 'R-2') AND i.investment_intensity = 300"
                                  " AND i.far_min = 1.2 AND i.industries = 'it,equipment'"), 3);
    /* lineage */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_lineage l JOIN parcel a ON a.id = l.parent_id"
                                  " JOIN parcel c ON c.id = l.child_id WHERE a.code = 'R' AND c.code IN ('R-1', 'R-2')"
                                  " AND l.operation = 'split' AND l.at LIKE '____-__-__T__:__:__Z'"), 2);
    /* history */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND code = 'R'"
                                  " AND field = 'status' AND old_value = 'available' AND new_value = 'retired'"
                                  " AND note = 'split into R-1, R-2' AND who = 'tester'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history h JOIN parcel p ON p.id = h.entity_id"
                                  " AND p.code = h.code WHERE h.entity = 'parcel' AND h.code IN ('R-1', 'R-2')"
                                  " AND h.field = 'created' AND h.old_value IS NULL AND h.new_value = 'available'"
                                  " AND h.note = 'split from R'"), 2);
}

Test(edit, split_codes_option_names_pieces_largest_first_and_note_is_recorded)
{
    add_parcel("T", "R", "reserve", RECT);
    const char *codes[] = {"EAST", "WEST"};
    pl_split_options o;
    memset(&o, 0, sizeof o);
    o.line_wkt = "LINESTRING(500100 3999990, 500100 4000210)";
    o.codes = codes;
    o.ncodes = 2;
    o.note = "规划调整 2024";
    pl_edit_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_split(db, "R", &o, &r, &err), PL_OK, "%s", err.message);
    pl_edit_result_release(&r);
    cr_assert_float_eq(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'EAST'"), 40000.0, 1e-6);
    cr_assert_float_eq(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'WEST'"), 20000.0, 1e-6);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('EAST', 'WEST') AND status = 'reserve'"),
                 2);
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE code = 'R' AND field = 'status'"),
                     "split into EAST, WEST: 规划调整 2024");
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE code = 'WEST'"), "split from R: 规划调整 2024");
}

Test(edit, split_through_a_hole_keeps_the_hole_out_of_every_piece)
{
    /* 200 × 200 with a 50 × 50 hole in the middle; the line x = 100 runs through the hole */
    add_parcel("T", "H", "available",
               "POLYGON((500000 4000000, 500200 4000000, 500200 4000200, 500000 4000200, 500000 4000000),"
               " (500075 4000075, 500075 4000125, 500125 4000125, 500125 4000075, 500075 4000075))");
    cr_assert_float_eq(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'H'"), 37500.0, 1e-6);
    pl_edit_result r;
    pl_error err;
    cr_assert_eq(split("H", "LINESTRING(500100 3999900, 500100 4000300)", 0, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.nchildren, 2);
    cr_assert_float_eq(r.children[0].area_m2, 18750.0, 1e-6);
    cr_assert_float_eq(r.children[1].area_m2, 18750.0, 1e-6);
    cr_assert_eq(r.children[0].holes, 0); /* the hole is now a notch of each piece */
    cr_assert_eq(r.parents[0].holes, 1);
    pl_edit_result_release(&r);
    cr_assert_float_eq(tu_sql_num(db, "SELECT sum(area_m2) FROM parcel WHERE code IN ('H-1', 'H-2')"), 37500.0, 0.01);
    /* nothing of the hole belongs to a piece; the pieces cover exactly the parcel */
    cr_assert_float_eq(tu_sql_num(db, "SELECT total(ST_Area(ST_Intersection(geom, ST_GeomFromText('POLYGON((500075"
                                      " 4000075, 500075 4000125, 500125 4000125, 500125 4000075, 500075 4000075))',"
                                      " 4549)))) FROM parcel WHERE code IN ('H-1', 'H-2')"), 0.0, 1e-9);
    cr_assert_eq(tu_sql_count(db, "SELECT ST_Equals(ST_Union(c.geom), (SELECT geom FROM parcel WHERE code = 'H'))"
                                  " FROM parcel c WHERE c.code IN ('H-1', 'H-2')"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('H-1', 'H-2') AND ST_IsValid(geom)"), 2);
}

Test(edit, split_beside_a_hole_leaves_it_a_hole_of_its_piece)
{
    add_parcel("T", "H", "reserve",
               "POLYGON((500000 4000000, 500200 4000000, 500200 4000200, 500000 4000200, 500000 4000000),"
               " (500075 4000075, 500075 4000125, 500125 4000125, 500125 4000075, 500075 4000075))");
    pl_edit_result r;
    pl_error err;
    cr_assert_eq(split("H", "LINESTRING(500040 3999900, 500040 4000300)", 0, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.nchildren, 2);
    cr_assert_float_eq(r.children[0].area_m2, 160.0 * 200 - 2500, 1e-6);
    cr_assert_eq(r.children[0].holes, 1);
    cr_assert_float_eq(r.children[1].area_m2, 40.0 * 200, 1e-6);
    cr_assert_eq(r.children[1].holes, 0);
    pl_edit_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT NumInteriorRings(ST_GeometryN(geom, 1)) FROM parcel WHERE code = 'H-1'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT ST_Equals(ST_InteriorRingN(ST_GeometryN(geom, 1), 1), ST_GeomFromText("
                                  "'LINESTRING(500075 4000075, 500075 4000125, 500125 4000125, 500125 4000075, 500075"
                                  " 4000075)', 4549)) FROM parcel WHERE code = 'H-1'"), 1);
}

Test(edit, split_l_shape_into_three_pieces_with_one_line)
{
    /* arms 100 m wide, 300 m long; the line x + y = 360 clips both arm tips */
    add_parcel("T", "L", "available",
               "POLYGON((500000 4000000, 500300 4000000, 500300 4000100, 500100 4000100, 500100 4000300,"
               " 500000 4000300, 500000 4000000))");
    pl_edit_result r;
    pl_error err;
    cr_assert_eq(split("L", "LINESTRING(500050 4000310, 500310 4000050)", 0, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.nchildren, 3);
    cr_assert_float_eq(r.children[0].area_m2, 48400.0, 1e-6);
    cr_assert_float_eq(r.children[1].area_m2, 800.0, 1e-6);
    cr_assert_float_eq(r.children[2].area_m2, 800.0, 1e-6);
    cr_assert_float_eq(r.children_area_m2, 50000.0, 0.01);
    pl_edit_result_release(&r);
    /* equal areas: the northern piece first (the tip of the vertical arm) */
    cr_assert_float_eq(tu_sql_num(db, "SELECT MbrMinY(geom) FROM parcel WHERE code = 'L-2'"), 4000260.0, 1e-6);
    cr_assert_float_eq(tu_sql_num(db, "SELECT MbrMinX(geom) FROM parcel WHERE code = 'L-3'"), 500260.0, 1e-6);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'L-_' AND ST_IsValid(geom)"
                                  " AND status = 'available'"), 3);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_lineage WHERE operation = 'split'"), 3);
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE code = 'L' AND field = 'status'"),
                     "split into L-1, L-2, L-3");
}

Test(edit, split_line_in_4528_and_in_4326)
{
    add_parcel("T", "A", "available", RECT);
    add_parcel("T", "B", "available",
               "POLYGON((500400 4000000, 500700 4000000, 500700 4000200, 500400 4000200, 500400 4000000))");
    pl_edit_result r;
    pl_error err;
    /* zone-prefixed eastings (带号 40) */
    cr_assert_eq(split("A", "LINESTRING(40500100 3999990, 40500100 4000210)", 4528, &r, &err), PL_OK, "%s",
                 err.message);
    cr_assert_float_eq(r.children[0].area_m2, 40000.0, 0.001);
    cr_assert_float_eq(r.children[1].area_m2, 20000.0, 0.001);
    cr_assert_float_eq(r.children_area_m2, 60000.0, 0.01);
    pl_edit_result_release(&r);
    /* longitude/latitude of x = 500500 just outside both long sides */
    char line[256];
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "SELECT printf('LINESTRING(%.10f %.10f, %.10f %.10f)',"
        "  ST_X(ST_Transform(MakePoint(500500, 3999990, 4549), 4326)),"
        "  ST_Y(ST_Transform(MakePoint(500500, 3999990, 4549), 4326)),"
        "  ST_X(ST_Transform(MakePoint(500500, 4000210, 4549), 4326)),"
        "  ST_Y(ST_Transform(MakePoint(500500, 4000210, 4549), 4326)))", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    snprintf(line, sizeof line, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    cr_assert_eq(split("B", line, 4326, &r, &err), PL_OK, "%s: %s", line, err.message);
    cr_assert_eq(r.nchildren, 2);
    cr_assert_float_eq(r.children[0].area_m2, 40000.0, 0.05); /* 1e-10° ≈ 1 cm along 200 m */
    cr_assert_float_eq(r.children[1].area_m2, 20000.0, 0.05);
    cr_assert_float_eq(r.children_area_m2, 60000.0, 0.01);
    pl_edit_result_release(&r);
}

Test(edit, split_refusals_leave_the_database_unchanged)
{
    add_parcel("T", "R", "available", RECT);
    add_parcel("T", "R-1", "available",
               "POLYGON((501000 4000000, 501100 4000000, 501100 4000100, 501000 4000100, 501000 4000000))");
    add_parcel("T", "S", "transferred",
               "POLYGON((502000 4000000, 502100 4000000, 502100 4000100, 502000 4000100, 502000 4000000))");
    add_parcel("T", "V", "reserved",
               "POLYGON((503000 4000000, 503100 4000000, 503100 4000100, 503000 4000100, 503000 4000000))");
    /* an invalid parcel (two parts overlapping by 100 × 100) cannot keep its area when cut */
    add_parcel("T", "O", "available",
               "MULTIPOLYGON(((504000 4000000, 504200 4000000, 504200 4000100, 504000 4000100, 504000 4000000)),"
               " ((504100 4000000, 504300 4000000, 504300 4000100, 504100 4000100, 504100 4000000)))");
    char *before = tu_db_snapshot(dbpath);
    static const struct {
        const char *code, *line;
        int srid;
        int rc;
        const char *message;
    } cases[] = {
        {"R", "LINESTRING(600000 4000000, 600100 4000100)", 0, PL_ERR_INPUT,
         "the line does not reach parcel 'R' (line E 600000.000–600100.000 N 4000000.000–4000100.000, parcel "
         "E 500000.000–500300.000 N 4000000.000–4000200.000, EPSG:4549); is the line in another CRS? (--line-crs "
         "EPSG); nothing was split"},
        {"R", "LINESTRING(500000 4000000, 500300 4000000)", 0, PL_ERR_INPUT,
         "the line only touches the boundary of parcel 'R'; it must cross the parcel; nothing was split"},
        {"R", "LINESTRING(499990 4000100, 500150 4000100)", 0, PL_ERR_INPUT,
         "the line enters parcel 'R' but does not cut it into pieces: it must run across the parcel from one side "
         "of its boundary to another; nothing was split"},
        {"R", "LINESTRING(500100 3999990, 500100 4000210)", 0, PL_ERR_INPUT,
         "parcel 'R-1' already exists in park 'T' (name the pieces with --codes A,B,…); nothing was split"},
        {"R", "LINESTRING(500000.002 3999990, 500000.002 4000210)", 0, PL_ERR_INPUT,
         "would measure only"},
        {"R", "POLYGON((0 0, 1 0, 1 1, 0 0))", 0, PL_ERR_INPUT,
         "--line must be a LINESTRING (or MULTILINESTRING), not a Polygon"},
        {"R", "LINESTRING(1 2", 0, PL_ERR_INPUT, "--line is not WKT SpatiaLite can read: 'LINESTRING(1 2'"},
        {"S", "LINESTRING(502050 3999990, 502050 4000110)", 0, PL_ERR_INPUT,
         "parcel 'S' is transferred (已出让): only parcels not yet transferred, in reserve (储备) or available "
         "(可供), can be split"},
        {"V", "LINESTRING(503050 3999990, 503050 4000110)", 0, PL_ERR_INPUT,
         "parcel 'V' is reserved (预留); release it first ('parkland parcel status V available'): only parcels "
         "in reserve (储备) or available (可供) can be split"},
        {"NOPE", "LINESTRING(0 0, 1 1)", 0, PL_ERR_NOTFOUND, "no parcel 'NOPE'"},
        {"O", "LINESTRING(504050 3999990, 504050 4000110)", 0, PL_ERR_INPUT,
         "m² together but the parcel 40000.0000 m² (difference "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pl_edit_result r;
        pl_error err;
        int rc = split(cases[i].code, cases[i].line, cases[i].srid, &r, &err);
        cr_expect_eq(rc, cases[i].rc, "case %zu: rc %d: %s", i, rc, err.message);
        cr_expect(strstr(err.message, cases[i].message), "case %zu: %s", i, err.message);
        pl_edit_result_release(&r);
        char *after = tu_db_snapshot(dbpath);
        cr_expect_str_eq(after, before, "case %zu changed the database", i);
        free(after);
    }
    free(before);
    /* a refused split after a good one in the same session: still atomic */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'retired'"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_lineage"), 0);
}

Test(edit, split_dry_run_reports_and_writes_nothing)
{
    add_parcel("T", "R", "available", RECT);
    char *before = tu_db_snapshot(dbpath);
    pl_split_options o;
    memset(&o, 0, sizeof o);
    o.line_wkt = "LINESTRING(500100 3999990, 500100 4000210)";
    o.dry_run = 1;
    pl_edit_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_split(db, "R", &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.nchildren, 2);
    cr_assert_float_eq(r.children[1].area_m2, 20000.0, 1e-6);
    pl_edit_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
}

/* ---- merge -------------------------------------------------------------------- */

#define SQ_A "POLYGON((500000 4000000, 500100 4000000, 500100 4000100, 500000 4000100, 500000 4000000))"
#define SQ_B "POLYGON((500100 4000000, 500200 4000000, 500200 4000100, 500100 4000100, 500100 4000000))"
#define SQ_FAR "POLYGON((500500 4000000, 500600 4000000, 500600 4000100, 500500 4000100, 500500 4000000))"

/* lineage rows as "role code status operation;" */
typedef struct lin {
    int parents, children;
    char seen[256];
} lin;

static int cb(const pl_lineage_row *row, void *ctx)
{
    lin *l = ctx;
    if (!strcmp(row->role, "parent"))
        l->parents++;
    else
        l->children++;
    size_t n = strlen(l->seen);
    snprintf(l->seen + n, sizeof l->seen - n, "%s %s %s %s;", row->role, row->code, row->status, row->operation);
    return 0;
}

Test(edit, merge_two_touching_squares)
{
    add_parcel("T", "A", "reserve", SQ_A);
    add_parcel("T", "B", "reserve", SQ_B);
    set_indicators("A", 280, 1.0, "it");
    set_indicators("B", 280, 1.0, "it");
    pl_edit_result r;
    pl_error err;
    cr_assert_eq(merge2("A", "B", "AB", 0, &r, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(r.operation, "merge");
    cr_assert_eq(r.nparents, 2);
    cr_assert_eq(r.nchildren, 1);
    cr_assert_str_eq(r.children[0].code, "AB");
    cr_assert_str_eq(r.children[0].name, "地块A");
    cr_assert_eq(r.children[0].parts, 1);
    cr_assert_float_eq(r.children_area_m2, 20000.0, 1e-6);
    cr_assert_float_eq(r.parents_area_m2, 20000.0, 1e-6);
    cr_assert_eq(r.indicators_copied, 1);
    cr_assert_eq(r.nwarnings, 0);
    pl_edit_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'AB' AND status = 'reserve'"
                                  " AND area_m2 = 20000 AND ST_IsValid(geom) AND ST_NumGeometries(geom) = 1"
                                  " AND ST_Equals(geom, ST_GeomFromText('POLYGON((500000 4000000, 500200 4000000,"
                                  " 500200 4000100, 500000 4000100, 500000 4000000))', 4549)) AND land_use = '工业用地'"
                                  " AND attrs = '{\"宗地号\":\"A\"}'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('A', 'B') AND status = 'retired'"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_lineage l JOIN parcel c ON c.id = l.child_id"
                                  " JOIN parcel p ON p.id = l.parent_id WHERE c.code = 'AB' AND p.code IN ('A', 'B')"
                                  " AND l.operation = 'merge'"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code IN ('A', 'B') AND field = 'status'"
                                  " AND old_value = 'reserve' AND new_value = 'retired'"
                                  " AND note = 'merged into AB'"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'AB' AND field = 'created'"
                                  " AND new_value = 'reserve' AND note = 'merged from A, B' AND who = 'tester'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_indicator i JOIN parcel p ON p.id = i.parcel_id"
                                  " WHERE p.code = 'AB' AND investment_intensity = 280 AND far_min = 1.0"
                                  " AND industries = 'it'"), 1);
    /* lineage seen from each side */
    lin l = {0};
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_lineage_each(db, "T", "AB", cb, &l, &err), PL_OK, "%s", err.message);
    cr_assert_eq(l.parents, 2);
    cr_assert_eq(l.children, 0);
    cr_assert_str_eq(l.seen, "parent A retired merge;parent B retired merge;");
    memset(&l, 0, sizeof l);
    cr_assert_eq(pl_parcel_lineage_each(db, NULL, "B", cb, &l, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(l.seen, "child AB reserve merge;");
}

Test(edit, merge_disjoint_squares_refused_then_allowed_as_multipart)
{
    add_parcel("T", "A", "available", SQ_A);
    add_parcel("T", "F", "available", SQ_FAR);
    char *before = tu_db_snapshot(dbpath);
    pl_edit_result r;
    pl_error err;
    cr_assert_eq(merge2("A", "F", "AF", 0, &r, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "parcels A, F do not form one polygon: their union has 2 separate parts (merged "
                                  "parcels must share boundaries); pass --allow-multipart to keep a multi-part "
                                  "parcel; nothing was merged");
    pl_edit_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
    cr_assert_eq(merge2("A", "F", "AF", 1, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.children[0].parts, 2);
    cr_assert_eq(r.nwarnings, 1);
    cr_assert_str_eq(r.warnings[0], "parcel 'AF' has 2 separate parts (--allow-multipart)");
    pl_edit_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'AF' AND ST_NumGeometries(geom) = 2"
                                  " AND area_m2 = 20000 AND ST_IsValid(geom) AND status = 'available'"), 1);
}

Test(edit, merge_refusals_leave_the_database_unchanged)
{
    add_parcel("T", "A", "available", SQ_A);
    add_parcel("T", "B", "available", SQ_B);
    add_parcel("T", "C", "reserve",
               "POLYGON((500200 4000000, 500300 4000000, 500300 4000100, 500200 4000100, 500200 4000000))");
    add_parcel("T", "X", "available", /* overlaps B by 10 × 100 */
               "POLYGON((500190 4000000, 500290 4000000, 500290 4000100, 500190 4000100, 500190 4000000))");
    add_parcel("T", "P", "transferred",
               "POLYGON((500000 4000100, 500100 4000100, 500100 4000200, 500000 4000200, 500000 4000100))");
    add_parcel("U", "Q", "available",
               "POLYGON((500000 3999900, 500100 3999900, 500100 4000000, 500000 4000000, 500000 3999900))");
    char *before = tu_db_snapshot(dbpath);
    static const struct {
        const char *a, *b, *into;
        int rc;
        const char *message;
    } cases[] = {
        {"A", "Q", "AQ", PL_ERR_INPUT,
         "parcels 'A' (park T) and 'Q' (park U) are in different parks; only parcels of one park can be merged"},
        {"B", "C", "BC", PL_ERR_INPUT,
         "parcels 'B' (available) and 'C' (reserve) are in different statuses; move them to one status first"},
        {"A", "P", "AP", PL_ERR_INPUT, "parcel 'P' is transferred (已出让): only parcels not yet transferred"},
        {"A", "B", "C", PL_ERR_INPUT, "parcel 'C' already exists in park 'T'; choose another --into code"},
        {"A", "A", "AA", PL_ERR_USAGE, "parcel 'A' is named twice"},
        {"B", "X", "BX", PL_ERR_INPUT,
         "merging B, X: the union measures 19000.0000 m² but the parcels 20000.0000 m² together (difference "
         "-1000.0000 m², more than 0.01 m²): 'B' and 'X' overlap by 1000.0000 m²; nothing was merged"},
        {"A", "NOPE", "AN", PL_ERR_NOTFOUND, "no parcel 'NOPE'"},
        {"A", "B", "", PL_ERR_USAGE, "a merge needs the new parcel's code (--into CODE)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pl_edit_result r;
        pl_error err;
        int rc = merge2(cases[i].a, cases[i].b, cases[i].into, 0, &r, &err);
        cr_expect_eq(rc, cases[i].rc, "case %zu: rc %d: %s", i, rc, err.message);
        cr_expect(strstr(err.message, cases[i].message), "case %zu: %s", i, err.message);
        pl_edit_result_release(&r);
        char *after = tu_db_snapshot(dbpath);
        cr_expect_str_eq(after, before, "case %zu changed the database", i);
        free(after);
    }
    /* one parcel is not a merge; the park option confines the lookup */
    const char *one[] = {"A"};
    pl_edit_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_merge(db, one, 1, "Z", NULL, &r, &err), PL_ERR_USAGE);
    pl_edit_result_release(&r);
    const char *aq[] = {"A", "Q"};
    pl_merge_options o = {.park = "T"};
    cr_assert_eq(pl_parcel_merge(db, aq, 2, "Z", &o, &r, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no parcel 'Q' in park 'T'");
    pl_edit_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
}

Test(edit, merge_with_different_indicators_and_land_uses_warns_and_copies_none)
{
    add_parcel("T", "A", "available", SQ_A);
    add_parcel("T", "B", "available", SQ_B);
    set_indicators("A", 300, 1.0, "it");
    set_indicators("B", 250, 1.0, "it");
    tu_sql_exec(db, "UPDATE parcel SET land_use = '仓储用地' WHERE code = 'B'");
    const char *codes[] = {"A", "B"};
    pl_merge_options o = {.name = "合并地块", .note = "招商需要"};
    pl_edit_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_merge(db, codes, 2, "AB", &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.indicators_copied, 0);
    cr_assert_eq(r.nwarnings, 2);
    cr_assert_str_eq(r.warnings[0], "land uses differ ('A': 工业用地, 'B': 仓储用地); 'AB' takes 工业用地");
    cr_assert_str_eq(r.warnings[1], "the parcels' indicators differ (investment_intensity: 'A' 300.0, 'B' 250.0); "
                                    "'AB' gets none: set them with 'parkland parcel indicators AB …'");
    pl_edit_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_indicator i JOIN parcel p ON p.id = i.parcel_id"
                                  " WHERE p.code = 'AB'"), 0);
    cr_assert_str_eq(tu_sql_text(db, "SELECT name FROM parcel WHERE code = 'AB'"), "合并地块");
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE code = 'AB'"), "merged from A, B: 招商需要");
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE code = 'B' AND field = 'status'"),
                     "merged into AB: 招商需要");
}

Test(edit, split_then_merge_back_restores_the_shape)
{
    add_parcel("T", "L", "available",
               "POLYGON((500000 4000000, 500300 4000000, 500300 4000100, 500100 4000100, 500100 4000300,"
               " 500000 4000300, 500000 4000000))");
    pl_edit_result r;
    pl_error err;
    cr_assert_eq(split("L", "LINESTRING(500050 4000310, 500310 4000050)", 0, &r, &err), PL_OK, "%s", err.message);
    pl_edit_result_release(&r);
    const char *codes[] = {"L-1", "L-2", "L-3"};
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_merge(db, codes, 3, "L2", NULL, &r, &err), PL_OK, "%s", err.message);
    cr_assert_float_eq(r.children_area_m2, 50000.0, 0.01);
    pl_edit_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT ST_Equals(a.geom, b.geom) FROM parcel a, parcel b WHERE a.code = 'L'"
                                  " AND b.code = 'L2'"), 1);
    /* L-1 now has a parent (L) and a child (L2) */
    lin l = {0};
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_lineage_each(db, NULL, "L-1", cb, &l, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(l.seen, "parent L retired split;child L2 available merge;");
    /* a retired parcel cannot be edited again */
    cr_assert_eq(split("L-1", "LINESTRING(500050 3999990, 500050 4000310)", 0, &r, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "parcel 'L-1' is retired (已注销)"), "%s", err.message);
    pl_edit_result_release(&r);
}

/* ---- the sample park ------------------------------------------------------------ */

static void import_samples(void)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "示范园区", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = "QDIP";
    o.status = "available";
    cr_assert_eq(tu_import_with(db, SAMPLES_DIR "/parcels.txt", &o), 48);
}

Test(edit, sample_park_split_and_merge_of_neighbours)
{
    import_samples();
    double a4 = tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'QDIP-2024-004'");
    /* a north–south line through the middle of QDIP-2024-004 (E 506732–506915) */
    pl_edit_result r;
    pl_error err;
    cr_assert_eq(split("QDIP-2024-004", "LINESTRING(506820 3990300, 506830 3990800)", 0, &r, &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(r.nchildren, 2);
    cr_assert(fabs(r.children_area_m2 - a4) <= 0.01, "%.6f vs %.6f", r.children_area_m2, a4);
    cr_assert(r.children[0].area_m2 >= r.children[1].area_m2);
    pl_edit_result_release(&r);
    cr_assert(fabs(tu_sql_num(db, "SELECT sum(area_m2) FROM parcel WHERE code LIKE 'QDIP-2024-004-_'") - a4) <= 0.01);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'QDIP-2024-004-_' AND ST_IsValid(geom)"
                                  " AND status = 'available'"), 2);
    /* neighbours 001 and 002 share an edge exactly: one polygon */
    double a1 = tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'QDIP-2024-001'");
    double a2 = tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'QDIP-2024-002'");
    cr_assert_eq(merge2("QDIP-2024-001", "QDIP-2024-002", "QDIP-2024-101", 0, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.children[0].parts, 1);
    cr_assert_eq(r.children[0].holes, 0);
    cr_assert(fabs(r.children_area_m2 - (a1 + a2)) <= 0.01);
    cr_assert_eq(r.nwarnings, 0);
    pl_edit_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'QDIP-2024-101' AND ST_IsValid(geom)"
                                  " AND ST_NumGeometries(geom) = 1"
                                  " AND NumInteriorRings(ST_GeometryN(geom, 1)) = 0"), 1);
    cr_assert(fabs(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'QDIP-2024-101'") - (a1 + a2)) <= 0.01);
    /* the hole of QDIP-2024-009 survives a cut beside it */
    double a9 = tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'QDIP-2024-009'");
    cr_assert_eq(split("QDIP-2024-009", "LINESTRING(507300 3990700, 507900 3990760)", 0, &r, &err), PL_OK, "%s",
                 err.message);
    cr_assert(fabs(r.children_area_m2 - a9) <= 0.01);
    cr_assert_eq(r.children[0].holes + r.children[1].holes, 1);
    pl_edit_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'retired'"), 4);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_lineage"), 6);
}

/* ---- command line --------------------------------------------------------------- */

Test(edit, cli_contract)
{
    import_samples();
    pl_db_close(db);
    db = NULL;
    char *out = NULL, *er = NULL;
    const char *d = dbpath;
    cr_assert_eq(tu_cli(&out, &er, NULL, "parcel split --help"), 0);
    cr_assert(strstr(out, "--line WKT") && strstr(out, "--line-crs") && strstr(out, "--codes"), "%s", out);
    cr_assert_eq(tu_cli(&out, &er, NULL, "parcel merge --help"), 0);
    cr_assert(strstr(out, "--into NEWCODE") && strstr(out, "--allow-multipart"), "%s", out);
    /* usage errors: exit 2 */
    cr_assert_eq(tu_cli(&out, &er, d, "parcel split QDIP-2024-004"), 2);
    cr_assert(strstr(er, "needs --line WKT"), "%s", er);
    cr_assert_eq(tu_cli(&out, &er, d, "parcel merge QDIP-2024-001 --into X"), 2);
    cr_assert(strstr(er, "at least two parcel codes"), "%s", er);
    cr_assert_eq(tu_cli(&out, &er, d, "parcel merge QDIP-2024-001 QDIP-2024-002"), 2);
    cr_assert(strstr(er, "needs --into NEWCODE"), "%s", er);
    cr_assert_eq(tu_cli(&out, &er, d, "parcel split QDIP-2024-004 --line 'LINESTRING(0 0, 1 1)' --codes A"), 2);
    /* refused: exit 1, reason on stderr */
    cr_assert_eq(tu_cli(&out, &er, d, "parcel split QDIP-2024-004 --line 'LINESTRING(0 0, 1 1)'"), 1);
    cr_assert(strstr(er, "parkland: the line does not reach parcel 'QDIP-2024-004'"), "%s", er);
    cr_assert_eq(tu_cli(&out, &er, d, "parcel merge QDIP-2024-001 QDIP-2024-048 --into M"), 1);
    cr_assert(strstr(er, "do not form one polygon"), "%s", er);
    /* done: exit 0, the pieces with areas in m² and 亩 */
    cr_assert_eq(tu_cli(&out, &er, d, "parcel split QDIP-2024-004 --line-crs 4528"
                                      " --line 'LINESTRING(40506820 3990300, 40506830 3990800)'"
                                      " --codes QDIP-2024-004A,QDIP-2024-004B"), 0, "%s", er);
    cr_assert(strstr(out, "split QDIP-2024-004 → 2 parcels (park QDIP)") && strstr(out, "QDIP-2024-004A") &&
              strstr(out, "QDIP-2024-004B") && strstr(out, "已注销") && strstr(out, "面积 m²") &&
              strstr(out, "面积 亩") && strstr(out, "difference 0.0000 m²"), "%s", out);
    cr_assert_eq(tu_cli(&out, &er, d, "parcel merge QDIP-2024-001 QDIP-2024-002 --into QDIP-2024-101"
                                      " --name 合并地块 --format csv --keys"), 0, "%s", er);
    cr_assert(strstr(out, "role,code,name,status,status_zh,area_m2,area_mu,parts,holes"), "%s", out);
    cr_assert(strstr(out, "parent,QDIP-2024-001,中德生态园标准地A-01,retired,已注销,34056.09,51.08,1,0"), "%s", out);
    cr_assert(strstr(out, "child,QDIP-2024-101,合并地块,available,可供,70400.10,105.60,1,0"), "%s", out);
    cr_assert_eq(tu_cli(&out, &er, d, "parcel merge QDIP-2024-001 QDIP-2024-003 --into Y"), 1);
    cr_assert(strstr(er, "parcel 'QDIP-2024-001' is retired"), "%s", er);
    cr_assert_eq(tu_cli(&out, &er, d, "parcel list --status available"), 0);
    cr_assert(strstr(out, "QDIP-2024-101") && strstr(out, "QDIP-2024-004A") && !strstr(out, "QDIP-2024-001 "),
              "%s", out);
    tu_outputs_free(&out, &er);
}
