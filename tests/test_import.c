/* test_import.c — the importer end to end through the library: what lands,
 * what is refused, and that a refused import leaves every table as it was. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "parkland/parcel.h"
#include "db_internal.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("t.db", dbpath);
    tu_park_qdip(db);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(import, .init = setup, .fini = teardown);

static int import_file(const char *path, pl_import_options *o, pl_import_result *r, pl_error *err)
{
    pl_error_clear(err);
    return pl_import_parcels(db, path, o, r, err);
}

/* any message of the result containing `needle` */
static int has_message(const pl_import_result *r, pl_message_level level, const char *needle)
{
    for (size_t i = 0; i < r->nmessages; i++)
        if (r->messages[i].level == level && strstr(r->messages[i].text, needle))
            return 1;
    return 0;
}

static void dump_messages(const pl_import_result *r)
{
    for (size_t i = 0; i < r->nmessages; i++)
        fprintf(stderr, "  [%d] %s\n", r->messages[i].level, r->messages[i].text);
}

Test(import, txt_example_lands_with_batch_and_history)
{
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    int rc = import_file(TEST_DATA_DIR "/txt/example_gbk_crlf.txt", &o, &r, &err);
    dump_messages(&r);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 1);
    cr_assert_eq(r.source_srid, 4528);
    cr_assert_str_eq(r.encoding, "gbk");
    cr_assert_float_eq(r.area_m2, 59400.0, 0.01);
    cr_assert_str_eq(r.park, "QDIP");
    cr_assert_eq(strlen(r.sha256), 64);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'XHA-2024-017' AND status = 'reserve'"
                                  " AND abs(area_m2 - 59400) < 0.01 AND abs(declared_area_m2 - 59400) < 0.01"), 1);
    /* 4528 → 4549 drops the zone prefix: easting 40 509 000 → 509 000 */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE abs(MbrMinX(geom) - 509000) < 0.001"
                                  " AND abs(MbrMaxY(geom) - 3985700) < 0.001"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch WHERE format = 'txt' AND source_srid = 4528"
                                  " AND target_srid = 4549 AND n_read = 1 AND n_inserted = 1 AND encoding = 'gbk'"
                                  " AND length(sha256) = 64"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND field = 'created'"
                                  " AND code = 'XHA-2024-017' AND who = 'tester'"), 1);
}

/* ---- refused inputs leave the database exactly as it was ------------------ */

typedef struct bad_case {
    const char *name;     /* file name in the temp dir */
    const char *content;  /* file bytes (NULL: `path` names an existing file) */
    size_t len;           /* (size_t)-1: strlen */
    const char *path;     /* existing file to import instead */
    int format;           /* forced format or 0 */
    const char *encoding; /* "utf-8" forces UTF-8 */
    const char *expect[3];/* substrings the user must see (error + messages) */
} bad_case;

#define TXT_HEAD "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n[地块坐标]\n"
#define GJ_HEAD "{\"type\":\"FeatureCollection\",\"features\":["
#define SQ(code, ring) "{\"type\":\"Feature\",\"properties\":{\"code\":\"" code "\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" ring "]}}"
#define RING_OK "[[120.40,36.10],[120.401,36.10],[120.401,36.101],[120.40,36.101],[120.40,36.10]]"

static const bad_case bad_cases[] = {
    {"empty.txt", "", 0, NULL, 0, NULL, {"empty.txt", NULL}},
    {"garbage.bin", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00\x01", 20, NULL, 0, NULL, {"garbage.bin", NULL}},
    {"truncated.txt", TXT_HEAD "5,0.06,T-1,截断,面,,工业用地,0601,@\nJ1,1,3985700.000,40509000.000\nJ2,1,39857", (size_t)-1,
     NULL, 0, NULL, {"truncated.txt", NULL}},
    {"order.txt", "[地块坐标]\n5,0.06,T-1,顺序,面,,,,@\nJ1,1,3985700,40509000\n[属性描述]\n带号=40\n", (size_t)-1, NULL, 0, NULL,
     {"order.txt", NULL}},
    {"noat.txt", TXT_HEAD "J1,1,3985700.000,40509000.000\nJ2,1,3985700.000,40509300.000\n", (size_t)-1, NULL, 0, NULL,
     {"noat.txt", "line 8", NULL}},
    {"nonnum.txt", TXT_HEAD "5,6,T-2,非数字,面,,,,@\nJ1,1,3985700.000,40509000.000\nJ2,1,39857OO.000,40509300.000\n"
     "J3,1,3985500.000,40509300.000\nJ1,1,3985700.000,40509000.000\n", (size_t)-1, NULL, 0, NULL,
     {"nonnum.txt", "line 10", NULL}},
    {"tooshort.txt", TXT_HEAD "3,0,T-3,两点,面,,,,@\nJ1,1,3985700.000,40509000.000\nJ2,1,3985700.000,40509300.000\n"
     "J1,1,3985700.000,40509000.000\n", (size_t)-1, NULL, 0, NULL, {"T-3", "at least 4", NULL}},
    {"bowtie.txt", TXT_HEAD "5,0,T-4,蝴蝶结,面,,,,@\nJ1,1,3985700.000,40509000.000\nJ2,1,3985500.000,40509300.000\n"
     "J3,1,3985700.000,40509300.000\nJ4,1,3985500.000,40509000.000\nJ1,1,3985700.000,40509000.000\n", (size_t)-1, NULL, 0,
     NULL, {"line 8 (T-4)", "Self-intersection", "--repair"}},
    {"holeout.geojson", GJ_HEAD SQ("H-1", RING_OK ",[[120.41,36.11],[120.411,36.11],[120.411,36.111],[120.41,36.11]]") "]}",
     (size_t)-1, NULL, 0, NULL, {"H-1", "Hole lies outside shell", NULL}},
    {"unclosed.geojson", GJ_HEAD SQ("U-1", "[[120.40,36.10],[120.401,36.10],[120.401,36.101],[120.40,36.101]]") "]}",
     (size_t)-1, NULL, 0, NULL, {"U-1", "not closed", NULL}},
    {"huge.geojson", GJ_HEAD SQ("B-1", "[[1e300,36.10],[120.401,36.10],[120.401,36.101],[1e300,36.10]]") "]}", (size_t)-1,
     NULL, 0, NULL, {"B-1", "not longitude/latitude", NULL}},
    {"projected-as-lonlat.geojson", GJ_HEAD SQ("P-1", "[[509000,3985700],[509300,3985700],[509300,3985500],[509000,3985700]]")
     "]}", (size_t)-1, NULL, 0, NULL, {"P-1", "--crs", NULL}},
    {"california.geojson", GJ_HEAD SQ("CA-1", "[[-122.40,37.78],[-122.39,37.78],[-122.39,37.79],[-122.40,37.78]]") "]}",
     (size_t)-1, NULL, 0, NULL, {"CA-1", "far outside", NULL}},
    {"dupcode.geojson", GJ_HEAD SQ("D-1", RING_OK) "," SQ("D-1",
     "[[120.42,36.10],[120.421,36.10],[120.421,36.101],[120.42,36.10]]") "]}", (size_t)-1, NULL, 0, NULL,
     {"duplicate parcel code 'D-1'", "feature 1", NULL}},
    {"overlap-in-file.geojson", GJ_HEAD SQ("O-1", RING_OK) "," SQ("O-2",
     "[[120.4005,36.1005],[120.4015,36.1005],[120.4015,36.1015],[120.4005,36.1005]]") "]}", (size_t)-1, NULL, 0, NULL,
     {"O-2", "overlaps parcel 'O-1'", "--allow-overlap"}},
    {"overlap-existing.txt", TXT_HEAD "5,0,X-9,压占,面,,,,@\nJ1,1,3985690.000,40509010.000\nJ2,1,3985690.000,40509050.000\n"
     "J3,1,3985650.000,40509050.000\nJ4,1,3985650.000,40509010.000\nJ1,1,3985690.000,40509010.000\n", (size_t)-1, NULL, 0,
     NULL, {"X-9", "overlaps parcel 'XHA-2024-017' by 1600.00 m²", NULL}},
    {"conflict.txt", NULL, 0, TEST_DATA_DIR "/txt/example_utf8.txt", 0, NULL,
     {"XHA-2024-017", "already exists", "--on-conflict"}},
    {"badutf8.geojson", GJ_HEAD "{\"type\":\"Feature\",\"properties\":{\"code\":\"\xff\xfe\"},\"geometry\":null}]}", (size_t)-1,
     NULL, 0, "utf-8", {"badutf8.geojson", NULL}},
    {"gbk-as-utf8.txt", NULL, 0, TEST_DATA_DIR "/txt/example_gbk_crlf.txt", 0, "utf-8", {"example_gbk_crlf.txt", NULL}},
    {"broken.kml", "<?xml version=\"1.0\"?><kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark><name>a</name>"
     "<Polygon><outerBoundaryIs><LinearRing><coordinates>120.4,36.1 120.41,36.1", (size_t)-1, NULL, 0, NULL,
     {"broken.kml", NULL}},
    {"nocode.geojson", GJ_HEAD "{\"type\":\"Feature\",\"properties\":{\"x\":1},\"geometry\":{\"type\":\"Polygon\","
     "\"coordinates\":[" RING_OK "]}}]}", (size_t)-1, NULL, 0, NULL, {"feature 1", "no parcel code", NULL}},
    {"zone-mismatch.txt", "[属性描述]\n带号=39\n[地块坐标]\n5,0,Z-1,带号不符,面,,,,@\nJ1,1,3985700.000,40509000.000\n"
     "J2,1,3985700.000,40509300.000\nJ3,1,3985500.000,40509300.000\nJ1,1,3985700.000,40509000.000\n", (size_t)-1, NULL, 0,
     NULL, {"zone-mismatch.txt", NULL}},
    {"california.kml", NULL, 0, TEST_DATA_DIR "/kml-peer/polygon.kml", 0, NULL, {"far outside", NULL}},
    {"noparcels.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}", (size_t)-1, NULL, 0, NULL,
     {"no parcel", NULL}},
};

Test(import, refused_inputs_change_nothing)
{
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(TEST_DATA_DIR "/txt/example_utf8.txt", &o, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    char *before = tu_db_snapshot(dbpath);
    size_t n = sizeof bad_cases / sizeof *bad_cases;
    cr_assert_geq(n, 20);
    for (size_t i = 0; i < n; i++) {
        const bad_case *c = &bad_cases[i];
        const char *path = c->path;
        if (!path) {
            path = tu_tmp(c->name);
            tu_write_file(path, c->content, c->len);
        }
        pl_import_options_init(&o);
        o.format = (pl_format)c->format;
        if (c->encoding)
            o.encoding = PL_ENCODING_UTF8;
        int rc = import_file(path, &o, &r, &err);
        cr_expect_neq(rc, PL_OK, "%s: imported, should be refused", c->name);
        /* everything the user is shown */
        size_t cap = 65536, len = 0;
        char *shown = malloc(cap);
        len += (size_t)snprintf(shown, cap, "%s\n", err.message);
        for (size_t m = 0; m < r.nmessages && len < cap - 1; m++)
            len += (size_t)snprintf(shown + len, cap - len, "%s\n", r.messages[m].text);
        for (int k = 0; k < 3 && c->expect[k]; k++)
            cr_expect(strstr(shown, c->expect[k]) != NULL, "%s: expected '%s' in:\n%s", c->name, c->expect[k], shown);
        free(shown);
        pl_import_result_release(&r);
        char *after = tu_db_snapshot(dbpath);
        cr_expect_str_eq(after, before, "%s changed the database", c->name);
        free(after);
    }
    free(before);
}

Test(import, repair_reports_area_before_and_after)
{
    const char *p = tu_tmp("bowtie.txt");
    tu_write_file(p, TXT_HEAD "5,0,R-1,蝴蝶结,面,,,,@\nJ1,1,3985700.000,40509000.000\nJ2,1,3985500.000,40509300.000\n"
                  "J3,1,3985700.000,40509300.000\nJ4,1,3985500.000,40509000.000\nJ1,1,3985700.000,40509000.000\n",
                  (size_t)-1);
    pl_import_options o;
    pl_import_options_init(&o);
    o.repair = 1;
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(p, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.repaired, 1);
    /* the bow-tie's two triangles: each 300 × 100 / 2 = 15 000 m² */
    cr_assert_float_eq(r.area_m2, 30000.0, 0.01);
    cr_assert(has_message(&r, PL_MSG_WARNING, "repaired (Self-intersection"), "no repair message");
    cr_assert(has_message(&r, PL_MSG_WARNING, "30000.00 m² after repair (an outer ring crosses itself"));
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'R-1' AND ST_IsValid(geom) = 1"
                                  " AND ST_NumGeometries(geom) = 2"), 1);
}

Test(import, dry_run_reports_and_writes_nothing)
{
    char *before = tu_db_snapshot(dbpath);
    pl_import_options o;
    pl_import_options_init(&o);
    o.dry_run = 1;
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(TEST_DATA_DIR "/txt/multipart.txt", &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 3);
    cr_assert_eq(r.batch_id, 0);
    cr_assert(r.dry_run);
    pl_import_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
}

/* A dry run's preview: the would-be parcels, and only they, as GeoJSON in WGS 84; nothing stays. */
Test(import, dry_run_preview_is_the_would_be_parcels)
{
    tu_add_rect(db, "QDIP", "OLD-1", "reserve", 500000, 500100, 4000000, 4000100); /* not in the preview */
    char *before = tu_db_snapshot(dbpath);
    char *text = NULL;
    size_t len = 0;
    pl_import_options o;
    pl_import_options_init(&o);
    o.dry_run = 1;
    o.preview = open_memstream(&text, &len);
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(TEST_DATA_DIR "/txt/multipart.txt", &o, &r, &err), PL_OK, "%s", err.message);
    fclose(o.preview);
    json_t *fc = json_loadb(text, len, 0, NULL);
    cr_assert_not_null(fc, "%s", text);
    cr_assert_str_eq(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    json_t *features = json_object_get(fc, "features");
    cr_assert_eq((long)json_array_size(features), r.inserted);
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f) {
        cr_assert_str_neq(json_string_value(json_object_get(json_object_get(f, "properties"), "code")), "OLD-1");
        json_t *pt = json_object_get(json_object_get(f, "geometry"), "coordinates");
        while (json_is_array(json_array_get(pt, 0)))
            pt = json_array_get(pt, 0);
        double lon = json_number_value(json_array_get(pt, 0)), lat = json_number_value(json_array_get(pt, 1));
        cr_assert(lon > 70 && lon < 140 && lat > 0 && lat < 60, "lon/lat: %f %f", lon, lat);
    }
    json_decref(fc);
    free(text);
    pl_import_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
}

Test(import, conflict_skip_and_update_keep_history)
{
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(TEST_DATA_DIR "/txt/example_utf8.txt", &o, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);

    o.on_conflict = PL_CONFLICT_SKIP;
    cr_assert_eq(import_file(TEST_DATA_DIR "/txt/example_utf8.txt", &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.skipped, 1);
    cr_assert_eq(r.inserted + r.updated, 0);
    pl_import_result_release(&r);

    /* the same code, a smaller shape: 300 × 100 without the hole */
    const char *p = tu_tmp("smaller.txt");
    tu_write_file(p, TXT_HEAD "5,3.0,XHA-2024-017,改小,面,,工业用地,0601,@\nJ1,1,3985700.000,40509000.000\n"
                  "J2,1,3985700.000,40509300.000\nJ3,1,3985600.000,40509300.000\nJ4,1,3985600.000,40509000.000\n"
                  "J1,1,3985700.000,40509000.000\n", (size_t)-1);
    o.on_conflict = PL_CONFLICT_UPDATE;
    cr_assert_eq(import_file(p, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.updated, 1);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'XHA-2024-017'"
                                  " AND abs(area_m2 - 30000) < 0.01 AND name = '改小'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'XHA-2024-017' AND field = 'geometry'"
                                  " AND old_value LIKE 'MULTIPOLYGON%509120 3985630%'"
                                  " AND new_value NOT LIKE '%509120%'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'XHA-2024-017' AND field = 'area_m2'"
                                  " AND old_value = '59400.00' AND new_value = '30000.00'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'XHA-2024-017' AND field = 'name'"
                                  " AND new_value = '改小'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch"), 3);
}

Test(import, allow_overlap_warns_and_status_available)
{
    const char *p = tu_tmp("two.geojson");
    tu_write_file(p, GJ_HEAD SQ("O-1", RING_OK) "," SQ("O-2",
                  "[[120.4005,36.1005],[120.4015,36.1005],[120.4015,36.1015],[120.4005,36.1005]]") "]}", (size_t)-1);
    pl_import_options o;
    pl_import_options_init(&o);
    o.allow_overlap = 1;
    o.status = "available";
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(p, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 2);
    cr_assert(has_message(&r, PL_MSG_WARNING, "overlaps parcel 'O-1'"));
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE status = 'available'"), 2);
    /* area is measured in the working CRS, not in degrees */
    cr_assert_gt(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'O-1'"), 9000.0);
}

Test(import, field_mapping_and_declared_area_warning)
{
    const char *p = tu_tmp("fields.geojson");
    tu_write_file(p, GJ_HEAD "{\"type\":\"Feature\",\"properties\":{\"DKBH_X\":\"F-1\",\"MC\":\"映射\",\"面积亩\":\"1\"},"
                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" RING_OK "]}}]}", (size_t)-1);
    pl_import_options o;
    pl_import_options_init(&o);
    o.field_code = "DKBH_X";
    o.field_name = "MC";
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(p, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert(has_message(&r, PL_MSG_WARNING, "the file states 666.67 m²"), "no area warning");
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'F-1' AND name = '映射'"
                                  " AND abs(declared_area_m2 - 10000.0 / 15) < 1e-6"), 1);
}

Test(import, peer_kml_files_never_crash)
{
    static const char *const files[] = {"bad.kml", "cdata.kml", "extended_data.kml", "linear_ring.kml",
        "multigeometry.kml", "multigeometry_discrete.kml", "multigeometry_sibling.kml", "nogeomplacemark.kml",
        "null_geometry.kml", "polygon.kml", "schema.kml", "selfclosing.kml", "simpledata.kml", "style_url.kml",
        "styles.kml", "timespan.kml"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/kml-peer/%s", TEST_DATA_DIR, files[i]);
        pl_import_options o;
        pl_import_options_init(&o);
        o.dry_run = 1;
        pl_import_result r;
        pl_error err;
        int rc = import_file(path, &o, &r, &err);
        /* these are all outside Qingdao's zone or not polygons: refused with a reason or skipped with a count */
        if (rc == PL_OK)
            cr_expect_eq(r.inserted, 0, "%s: imported parcels from far away", files[i]);
        else
            cr_expect(strstr(err.message, files[i]) != NULL, "%s: message without the file name: %s", files[i],
                      err.message);
        cr_expect_eq(r.read, r.inserted + r.updated + r.skipped + r.refused, "%s: unaccounted features", files[i]);
        pl_import_result_release(&r);
    }
}

Test(import, park_boundary_from_a_polygon_file)
{
    const char *p = tu_tmp("boundary.geojson");
    tu_write_file(p, GJ_HEAD SQ("B", RING_OK) "]}", (size_t)-1);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "B1", "边界园", NULL, NULL, p, &err), PL_OK, "%s", err.message);
    pl_park k;
    cr_assert_eq(pl_park_get(db, "B1", &k, &err), PL_OK);
    cr_assert(k.has_boundary);
    /* 0.001° × 0.001° at 36.1°N: about 90 m × 111 m, stored in the working CRS */
    double a = tu_sql_num(db, "SELECT ST_Area(boundary) FROM park WHERE code = 'B1'");
    cr_assert(a > 9000 && a < 10500, "boundary area %f", a);
    cr_assert_eq(tu_sql_count(db, "SELECT ST_SRID(boundary) FROM park WHERE code = 'B1'"), 4549);
    /* a file with no polygon is refused and adds no park */
    const char *q = tu_tmp("nopoly.geojson");
    tu_write_file(q, GJ_HEAD "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[120.4,36.1]}}]}", (size_t)-1);
    cr_assert_eq(pl_park_add(db, "B2", "无边界", NULL, NULL, q, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "holds no polygon"), "%s", err.message);
    cr_assert_eq(pl_park_get(db, "B2", &k, &err), PL_ERR_NOTFOUND);
}

/* The import writes the R*Tree itself with SpatiaLite's per-row triggers
 * suspended inside its transaction: afterwards the triggers are back word for
 * word, the index agrees with the geometries, and later writes are indexed by
 * the triggers again — after a commit, a refusal and a dry run alike. */
Test(import, spatial_index_and_triggers_after_import)
{
    char before[8192];
    snprintf(before, sizeof before, "%s",
             tu_sql_text(db, "SELECT group_concat(name || ':' || sql, '|') FROM (SELECT name, sql FROM sqlite_master"
                             " WHERE type = 'trigger' AND tbl_name = 'parcel' ORDER BY name)"));
    cr_assert(strstr(before, "gii_parcel_geom") && strstr(before, "tmi_parcel_geom") && strstr(before, "ggi_parcel_geom"),
              "%s", before);
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    for (int i = 0; i < 2; i++) { /* a dry run, then the real import */
        pl_import_options_init(&o);
        o.dry_run = i == 0;
        cr_assert_eq(import_file(SAMPLES_DIR "/parcels.geojson", &o, &r, &err), PL_OK, "%s", err.message);
        pl_import_result_release(&r);
    }
    /* refused (already there): rolled back */
    pl_import_options_init(&o);
    cr_assert_neq(import_file(SAMPLES_DIR "/parcels.geojson", &o, &r, &err), PL_OK);
    pl_import_result_release(&r);
    const char *after = tu_sql_text(db, "SELECT group_concat(name || ':' || sql, '|') FROM (SELECT name, sql FROM"
                                        " sqlite_master WHERE type = 'trigger' AND tbl_name = 'parcel' ORDER BY name)");
    cr_assert_str_eq(after, before);
    long n = tu_sql_count(db, "SELECT count(*) FROM parcel");
    cr_assert_eq(n, 48);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM idx_parcel_geom"), n);
    cr_assert_eq(tu_sql_count(db, "SELECT CheckSpatialIndex('parcel', 'geom')"), 1);
    /* every box holds its parcel (32-bit boxes rounded outward) */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel p JOIN idx_parcel_geom r ON r.pkid = p.id"
                                  " WHERE r.xmin <= MbrMinX(p.geom) AND r.xmax >= MbrMaxX(p.geom)"
                                  " AND r.ymin <= MbrMinY(p.geom) AND r.ymax >= MbrMaxY(p.geom)"), n);
    cr_assert_neq(strcmp(tu_sql_text(db, "SELECT last_insert FROM geometry_columns_time WHERE f_table_name = 'parcel'"),
                         "0000-01-01T00:00:00.000Z"), 0);
    /* a later insert outside the importer is indexed by the restored trigger */
    long id = tu_add_rect(db, "QDIP", "LATER-1", "available", 400000, 400100, 3000000, 3000100);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM idx_parcel_geom WHERE pkid = %ld AND xmin <= 400000.01", id);
    cr_assert_eq(tu_sql_count(db, sql), 1);
    /* the geometry constraint is back: a point, or another SRID, is refused */
    const char *bad[] = {"GeomFromText('POINT(400000 3000000)', 4549)",
                         "CastToMultiPolygon(GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 4326))"};
    for (int i = 0; i < 2; i++) {
        char ins[512];
        snprintf(ins, sizeof ins, "INSERT INTO parcel(park_id, code, area_m2, status_date, created_at, updated_at, geom)"
                 " VALUES (1, 'BAD-%d', 1, '2026-01-01', 'x', 'x', %s)", i, bad[i]);
        char *msg = NULL;
        cr_assert_neq(sqlite3_exec(db->h, ins, NULL, NULL, &msg), SQLITE_OK, "%s was accepted", bad[i]);
        cr_assert(msg && strstr(msg, "violates Geometry constraint"), "%s", msg ? msg : "");
        sqlite3_free(msg);
    }
    /* an update of every parcel goes through giu_parcel_geom, which the import leaves alone */
    pl_import_options_init(&o);
    o.on_conflict = PL_CONFLICT_UPDATE;
    cr_assert_eq(import_file(SAMPLES_DIR "/parcels.geojson", &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.updated, 48);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT CheckSpatialIndex('parcel', 'geom')"), 1);
}

/* The reader and the geometry checks run on a second thread, a few dozen
 * features ahead: messages still come in file order, counts add up, and a
 * file cut off after many features is refused whole. */
static char *many_features(int n, int cut, int with_dups)
{
    size_t cap = (size_t)n * 400 + 256, len = 0;
    char *b = malloc(cap);
    len += (size_t)snprintf(b + len, cap - len, "{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (int i = 1; i <= n; i++) {
        double x = 120.05 + (i % 20) * 0.002, y = 36.0 + (i / 20) * 0.002, d = 0.001;
        int dup = with_dups && i % 11 == 0, bowtie = i % 7 == 0;
        char code[32];
        snprintf(code, sizeof code, "M-%03d", dup ? i - 1 : i);
        if (bowtie)
            len += (size_t)snprintf(b + len, cap - len, "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\"},"
                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],"
                "[%.4f,%.4f]]]}}\n", i > 1 ? "," : "", code, x, y, x + d, y + d, x + d, y, x, y + d, x, y);
        else
            len += (size_t)snprintf(b + len, cap - len, "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\"},"
                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],"
                "[%.4f,%.4f]]]}}\n", i > 1 ? "," : "", code, x, y, x + d, y, x + d, y + d, x, y + d, x, y);
    }
    if (!cut)
        len += (size_t)snprintf(b + len, cap - len, "]}\n");
    return b;
}

Test(import, many_features_keep_file_order_through_the_reader_thread)
{
    const int n = 300;
    const char *path = tu_tmp("many.geojson");
    char *text = many_features(n, 0, 1);
    tu_write_file(path, text, (size_t)-1);
    free(text);
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    char *before = tu_db_snapshot(dbpath);
    cr_assert_neq(import_file(path, &o, &r, &err), PL_OK);
    int bowties = 0, dups = 0;
    for (int i = 1; i <= n; i++) {
        if (i % 11 == 0)
            dups++;
        else if (i % 7 == 0)
            bowties++;
    }
    cr_assert_eq(r.read, n);
    cr_assert_eq(r.refused, bowties + dups, "refused %ld", r.refused);
    /* every refusal once, in file order */
    long last = 0;
    size_t seen = 0;
    for (size_t m = 0; m < r.nmessages; m++) {
        if (r.messages[m].level != PL_MSG_REFUSED)
            continue;
        long k = 0;
        cr_assert_eq(sscanf(r.messages[m].text, "feature %ld", &k), 1, "%s", r.messages[m].text);
        cr_assert_gt(k, last, "out of order: %s", r.messages[m].text);
        last = k;
        if (k % 11 == 0)
            cr_expect(strstr(r.messages[m].text, "duplicate parcel code"), "%s", r.messages[m].text);
        else
            cr_expect(k % 7 == 0 && strstr(r.messages[m].text, "invalid polygon"), "%s", r.messages[m].text);
        seen++;
    }
    cr_assert_eq(seen, (size_t)(bowties + dups));
    pl_import_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);

    /* the same file cut off at the end: the reader's error, nothing written */
    text = many_features(n, 1, 1);
    tu_write_file(path, text, (size_t)-1);
    free(text);
    cr_assert_neq(import_file(path, &o, &r, &err), PL_OK);
    cr_assert(strstr(err.message, "many.geojson"), "%s", err.message);
    pl_import_result_release(&r);
    after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);

    /* with the duplicates still in, repairing the bow-ties is not enough: they are refused */
    text = many_features(n, 0, 1);
    tu_write_file(path, text, (size_t)-1);
    free(text);
    o.repair = 1;
    pl_error_clear(&err);
    cr_assert_eq(import_file(path, &o, &r, &err), PL_ERR_INPUT, "%s", err.message);
    cr_assert_eq(r.refused, dups);
    cr_assert_eq(r.repaired, bowties);
    pl_import_result_release(&r);

    /* without them, repaired: every parcel lands, each where the file put it */
    text = many_features(n, 0, 0);
    tu_write_file(path, text, (size_t)-1);
    free(text);
    pl_error_clear(&err);
    cr_assert_eq(import_file(path, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, n);
    cr_assert_eq(r.repaired, n / 7); /* every seventh, now those that were duplicates too */
    cr_assert_eq(r.refused, 0);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'M-%'"), n);
    /* M-001 is the square at (120.052, 36.0): rows are not shuffled between features */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'M-001' AND"
                                  " abs(ST_X(ST_Transform(ST_Centroid(geom), 4326)) - 120.0525) < 1e-4 AND"
                                  " abs(ST_Y(ST_Transform(ST_Centroid(geom), 4326)) - 36.0005) < 1e-4"), 1);
}

/* parcel.attrs is written without jansson for speed: it must be exactly what
 * jansson writes (compact, file order, same escapes) for any text. */
Test(import, attrs_json_is_what_jansson_writes)
{
    const char *path = tu_tmp("attrs.geojson");
    tu_write_file(path,
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{"
        "\"code\":\"A-1\",\"q\\\"uote\":\"a\\\"b\\\\c/d\",\"ctl\":\"\\u0001\\u001f\\b\\f\\n\\r\\t\\u007f\","
        "\"zh\":\"宗地 标准地\",\"emoji\":\"\\ud83d\\ude00\",\"ls\":\"\\u2028\\u2029\",\"empty\":\"\","
        "\"num\":12.50,\"neg\":-0.0,\"bool\":true,\"nul\":null,\"\\t key\":\"x\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[120.1,36.0],[120.101,36.0],[120.101,36.001],"
        "[120.1,36.001],[120.1,36.0]]]}}]}\n", (size_t)-1);
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(path, &o, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    char attrs[4096];
    snprintf(attrs, sizeof attrs, "%s", tu_sql_text(db, "SELECT attrs FROM parcel WHERE code = 'A-1'"));
    json_error_t je;
    json_t *o2 = json_loads(attrs, 0, &je);
    cr_assert_not_null(o2, "%s: %s", attrs, je.text);
    char *again = json_dumps(o2, JSON_COMPACT | JSON_PRESERVE_ORDER);
    cr_assert_str_eq(attrs, again);
    cr_assert_str_eq(json_string_value(json_object_get(o2, "q\"uote")), "a\"b\\c/d");
    cr_assert_str_eq(json_string_value(json_object_get(o2, "ctl")), "\x01\x1f\b\f\n\r\t\x7f");
    cr_assert_str_eq(json_string_value(json_object_get(o2, "emoji")), "\xF0\x9F\x98\x80");
    cr_assert_str_eq(json_string_value(json_object_get(o2, "zh")), "宗地 标准地");
    cr_assert_str_eq(json_string_value(json_object_get(o2, "\t key")), "x");
    cr_assert_eq(json_object_size(o2), 12);
    free(again);
    json_decref(o2);
}

/* 600 squares of 10 × 10 m in WGS84, 20 m apart, east of the samples */
static void write_squares(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    const double d = 0.0001; /* ≈ 9 × 11 m at 36°N */
    for (int k = 0; k < n; k++) {
        double x = 120.10 + (k % 40) * 2 * d, y = 36.10 + (k / 40) * 2 * d;
        fprintf(f,
                "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"SQ-%04d\"},\"geometry\":{\"type\":"
                "\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}}",
                k ? "," : "", k + 1, x, y, x + d, y, x + d, y + d, x, y + d, x, y);
    }
    fputs("]}", f);
    fclose(f);
}

/* the connection's cache_size whenever the import reports progress */
static void note_cache_size(long features, void *ctx)
{
    (void)features;
    *(long *)ctx = tu_sql_count(db, "PRAGMA cache_size");
}

/* An import reads with a 16 MiB page cache and gives the connection back as
 * it was. A cache the caller chose (pl_db_set_cache_mb) is never changed: it
 * holds during the import too. */
Test(import, page_cache_is_raised_only_when_the_caller_chose_none)
{
    const char *sq = tu_tmp("squares.geojson");
    write_squares(sq, 600);
    long before = tu_sql_count(db, "PRAGMA cache_size");
    long during = 0;
    pl_import_options o;
    pl_import_options_init(&o);
    o.dry_run = 1;
    o.progress = note_cache_size;
    o.progress_ctx = &during;
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(sq, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 600);
    pl_import_result_release(&r);
    cr_assert_eq(during, -16384);
    cr_assert_eq(tu_sql_count(db, "PRAGMA cache_size"), before);
    /* an import refused half-way gives it back too: the squares land, then come again (600 conflicts) */
    o.dry_run = 0;
    cr_assert_eq(import_file(sq, &o, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    during = 0;
    cr_assert_eq(import_file(sq, &o, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.refused, 600);
    pl_import_result_release(&r);
    cr_assert_eq(during, -16384);
    cr_assert_eq(tu_sql_count(db, "PRAGMA cache_size"), before);
    o.dry_run = 1;
    /* a chosen cache, larger or smaller, stays through the import and after it, even a failed one */
    cr_assert_eq(pl_db_set_cache_mb(db, 64, &err), PL_OK);
    cr_assert_neq(import_file(sq, &o, &r, &err), PL_OK);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "PRAGMA cache_size"), -65536);
    cr_assert_eq(pl_db_set_cache_mb(db, 1, &err), PL_OK);
    during = 0;
    o.on_conflict = PL_CONFLICT_UPDATE;
    cr_assert_eq(import_file(sq, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.updated, 600);
    pl_import_result_release(&r);
    cr_assert_eq(during, -1024);
    cr_assert_eq(tu_sql_count(db, "PRAGMA cache_size"), -1024);
}

/* ---- issue 12: what other tools really write -------------------------------- */

/* Item 3: a file in which nothing is a polygon is refused, in every format, with
 * what it holds; no batch is recorded and nothing changes. */
Test(import, no_polygon_is_refused_in_every_format)
{
    static const struct {
        const char *file, *message;
    } cases[] = {
        {"txt/lines_only.txt", "3 features: 2 线, 1 点; no polygon"},
        {"geojson/lines_and_point.geojson", "3 features: 2 LineString, 1 Point; no polygon"},
        {"geojson/bare_point.geojson", "1 feature: 1 Point; no polygon"},
        {"geojson/collection_no_polygon.geojson", "1 feature: 1 GeometryCollection (2 LineString, 1 Point); no polygon"},
        {"kml/lines_and_point.kml", "3 features: 2 LineString, 1 Point; no polygon"},
        {"kml/point.kml", "1 feature: 1 Point; no polygon"},
        {"kml/bare_linear_ring.kml", "1 feature: 1 LinearRing; no polygon"},
        {"kml/no_geometry.kml", "2 features: 1 without geometry, 1 LineString; no polygon"},
        {"shp/lines.shp", "3 features: 3 PolyLine; no polygon"},
        {"shp/points.shp", "2 features: 2 Point; no polygon"},
    };
    pl_import_options o;
    pl_import_result r;
    pl_error err;
    pl_import_options_init(&o);
    cr_assert_eq(import_file(TEST_DATA_DIR "/txt/example_utf8.txt", &o, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    char *before = tu_db_snapshot(dbpath);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[1024], want[2048];
        snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, cases[i].file);
        snprintf(want, sizeof want, "%s: %s", path, cases[i].message);
        for (int dry = 0; dry < 2; dry++) {
            pl_import_options_init(&o);
            o.dry_run = dry;
            cr_expect_eq(import_file(path, &o, &r, &err), PL_ERR_INPUT, "%s: not refused", cases[i].file);
            cr_expect_str_eq(err.message, want);
            cr_expect_eq(r.batch_id, 0);
            cr_expect_eq(r.inserted, 0);
            cr_expect_eq(r.read, r.skipped, "%s: every feature read is a skipped non-polygon", cases[i].file);
            pl_import_result_release(&r);
        }
        char *after = tu_db_snapshot(dbpath);
        cr_expect_str_eq(after, before, "%s changed the database", cases[i].file);
        free(after);
    }
    free(before);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch"), 1);

    /* polygons among other geometries: the polygons land, the rest is skipped and said */
    const char *p = tu_tmp("mixed.geojson");
    tu_write_file(p, GJ_HEAD SQ("M-1", RING_OK) ",{\"type\":\"Feature\",\"properties\":{\"code\":\"R-1\"},"
                  "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[120.40,36.10],[120.41,36.10]]}}]}",
                  (size_t)-1);
    pl_import_options_init(&o);
    cr_assert_eq(import_file(p, &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_eq(r.inserted, 1);
    cr_expect_eq(r.skipped_nonpolygon, 1);
    cr_expect(has_message(&r, PL_MSG_NOTE, "feature 2 (line 1) (R-1): skipped: a LineString, not a polygon"));
    pl_import_result_release(&r);
}

/* Item 3 through the command line: exit 1 and the summary on stderr. */
Test(import, no_polygon_exits_1_on_the_command_line)
{
    char *out = NULL, *errout = NULL;
    int st = tu_cli(&out, &errout, dbpath, "import parcels %s", tu_q(TEST_DATA_DIR "/kml/lines_and_point.kml"));
    cr_expect_eq(st, 1, "exit %d; stdout %s; stderr %s", st, out, errout);
    /* the notes of a refused import are shown too (issue 12 item 5), then the summary */
    cr_expect_str_eq(errout, "note: placemark 1 (line 4) (路-1): skipped: a LineString, not a polygon\n"
                             "note: placemark 2 (line 5) (路-2): skipped: a LineString, not a polygon\n"
                             "note: placemark 3 (line 6) (门): skipped: a Point, not a polygon\n"
                             "parkland: " TEST_DATA_DIR "/kml/lines_and_point.kml: 3 features: 2 LineString, "
                             "1 Point; no polygon\n");
    cr_expect_str_eq(out, "");
    tu_outputs_free(&out, &errout);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch"), 0);
}

/* Item 2: a KML placemark holding <MultiPolygon> (not KML 2.2, read by Google
 * Earth and GDAL) is read as the polygons it holds, with a note. */
Test(import, kml_multipolygon_is_read_as_its_polygons)
{
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    const char *path = TEST_DATA_DIR "/kml/multipolygon.kml";
    cr_assert_eq(import_file(path, &o, &r, &err), PL_OK, "%s", err.message);
    dump_messages(&r);
    cr_expect_eq(r.inserted, 2);
    cr_expect_eq(r.skipped_nonpolygon, 1);
    cr_expect(has_message(&r, PL_MSG_NOTE, "placemark 3 (line 25) (ML-1): skipped: a MultiLineString, not a polygon"));
    cr_expect(has_message(&r, PL_MSG_NOTE, TEST_DATA_DIR "/kml/multipolygon.kml: placemark 1 (line 5): <MultiPolygon> "
                                           "(line 7) is not KML 2.2; read as a <MultiGeometry> of what it holds"));
    cr_expect(has_message(&r, PL_MSG_NOTE, TEST_DATA_DIR "/kml/multipolygon.kml: 3 placemarks hold <MultiPolygon> "
                                           "or another multi-geometry element that is not KML 2.2"));
    pl_import_result_release(&r);
    /* MP-1: two parts, the second with a hole */
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'MP-1' AND ST_NumGeometries(geom) = 2"
                                  " AND NumInteriorRings(ST_GeometryN(geom, 2)) = 1"), 1);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'MP-2' AND ST_NumGeometries(geom) = 1"), 1);
}

/* Item 6: a bare GeoJSON geometry (RFC 7946 allows a file that is one geometry)
 * takes its code from the file name; --code-prefix P numbers the codeless
 * parcels of any format P-N; without it a parcel with no attributes at all is
 * refused with advice it can follow. */
Test(import, code_prefix_and_bare_geometry)
{
    pl_import_options o;
    pl_import_result r;
    pl_error err;
    /* refused without --code-prefix: nothing to take a code from */
    static const struct {
        const char *file, *message;
    } refused[] = {
        {"geojson/no_properties.geojson", "feature 1 (line 2) (no code): no parcel code, and no attributes to take "
                                          "one from (--code-prefix P numbers such parcels P-1, P-2…)"},
        {"kml/no_names.kml", "placemark 1 (line 4) (no code): no parcel code, and no attributes to take one from "
                             "(--code-prefix P numbers such parcels P-1, P-2…)"},
    };
    char *before = tu_db_snapshot(dbpath);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        char path[1024], want[1200];
        snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, refused[i].file);
        pl_import_options_init(&o);
        cr_expect_eq(import_file(path, &o, &r, &err), PL_ERR_INPUT, "%s", refused[i].file);
        snprintf(want, sizeof want, "%s: 2 of 2 features refused; nothing was imported", path);
        cr_expect_str_eq(err.message, want);
        /* how codes were chosen comes first (issue 12 item 5), then the two refusals */
        cr_expect_eq(r.nmessages, 3);
        snprintf(want, sizeof want, "%s: no parcel code column found, and no attributes to take a code from "
                 "(--code-prefix P numbers such parcels P-1, P-2…)", path);
        cr_expect_str_eq(r.messages[0].text, want);
        cr_expect_eq(r.messages[0].level, PL_MSG_NOTE);
        cr_expect_str_eq(r.messages[1].text, refused[i].message);
        cr_expect_eq(r.messages[1].level, PL_MSG_REFUSED);
        pl_import_result_release(&r);
        char *after = tu_db_snapshot(dbpath);
        cr_expect_str_eq(after, before, "%s changed the database", refused[i].file);
        free(after);
    }
    free(before);

    /* a bare geometry: the file's base name, said in a note */
    pl_import_options_init(&o);
    const char *bare = TEST_DATA_DIR "/geojson/bare_polygon.geojson";
    cr_assert_eq(import_file(bare, &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_eq(r.inserted, 1);
    cr_assert_eq(r.nmessages, 1);
    cr_expect_str_eq(r.messages[0].text, TEST_DATA_DIR "/geojson/bare_polygon.geojson: the file is one geometry without "
                                         "attributes: parcel code 'bare_polygon-1', from the file name (choose another "
                                         "with --code-prefix P)");
    pl_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'bare_polygon-1'"), 1);

    /* --code-prefix, in GeoJSON and KML; a code in the file still wins */
    pl_import_options_init(&o);
    o.code_prefix = "QD";
    cr_assert_eq(import_file(TEST_DATA_DIR "/geojson/no_properties.geojson", &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_eq(r.inserted, 2);
    cr_assert_eq(r.nmessages, 1);
    cr_expect_str_eq(r.messages[0].text, TEST_DATA_DIR "/geojson/no_properties.geojson: parcels without a code are "
                                         "numbered QD-N, N their place in the file (--code-prefix QD)");
    pl_import_result_release(&r);
    o.code_prefix = "K";
    cr_assert_eq(import_file(TEST_DATA_DIR "/kml/no_names.kml", &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_eq(r.inserted, 2);
    pl_import_result_release(&r);
    o.code_prefix = "S"; /* a shapefile without a code column (in a second park: the TXT below lies on it) */
    tu_park_jmip(db);
    o.park = "JMIP";
    cr_assert_eq(import_file(TEST_DATA_DIR "/shp/nocode.shp", &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_eq(r.inserted, 2);
    pl_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE (code = 'S-1' AND land_use = '工业用地')"
                                  " OR (code = 'S-2' AND land_use = '仓储用地')"), 2);
    o.code_prefix = "X";
    o.park = "QDIP";
    o.allow_overlap = 1; /* it is S-1 of JMIP, the same land */
    cr_assert_eq(import_file(TEST_DATA_DIR "/txt/example_utf8.txt", &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_eq(r.nmessages, 1, "no note when every parcel has a code, only the allowed overlap");
    cr_expect(strstr(r.messages[0].text, "is parcel 'S-1' of park 'JMIP'") &&
              strstr(r.messages[0].text, "(allowed by --allow-overlap)"), "%s", r.messages[0].text);
    pl_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('QD-1', 'QD-2', 'K-1', 'K-2', "
                                  "'XHA-2024-017')"), 5);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'X-%'"), 0);
}

/* Item 6 on the command line: --code-prefix is an option of import parcels. */
Test(import, code_prefix_on_the_command_line)
{
    char *out = NULL, *errout = NULL;
    int st = tu_cli(&out, &errout, dbpath, "import parcels %s --code-prefix GJ",
                    tu_q(TEST_DATA_DIR "/geojson/bare_polygon.geojson"));
    cr_expect_eq(st, 0, "exit %d; stderr %s", st, errout);
    cr_expect(strstr(out, "note: " TEST_DATA_DIR "/geojson/bare_polygon.geojson: parcels without a code are numbered "
                          "GJ-N, N their place in the file (--code-prefix GJ)\n"), "%s", out);
    tu_cli(&out, &errout, dbpath, "import parcels x.geojson --code-prefix ''");
    cr_expect(strstr(errout, "--code-prefix needs a non-empty prefix"), "%s", errout);
    tu_outputs_free(&out, &errout);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'GJ-1'"), 1);
}

/* Item 7: Esri JSON (an ArcGIS FeatureSet, or one Esri geometry) is read:
 * rings by orientation (clockwise shells, counter-clockwise holes),
 * spatialReference latestWkid before wkid, attributes; also when the format
 * is told by the content (no extension). The areas are those of the same
 * files converted by GDAL 3.6 (ogr2ogr -f GeoJSON) and imported. */
Test(import, esri_json_is_read)
{
    pl_import_options o;
    pl_import_result r;
    pl_error err;
    const char *rings = TEST_DATA_DIR "/geojson/esri_rings.json";
    pl_import_options_init(&o);
    cr_assert_eq(import_file(rings, &o, &r, &err), PL_OK, "%s", err.message);
    dump_messages(&r);
    cr_expect_str_eq(r.format, "esrijson");
    cr_expect_eq(r.source_srid, 3857, "latestWkid 3857 before wkid 102100");
    cr_expect_eq(r.inserted, 2);
    cr_expect_eq(r.skipped_nonpolygon, 2);
    cr_expect(has_message(&r, PL_MSG_NOTE, "feature 3 (ES-3): skipped: a Polyline, not a polygon"));
    cr_expect(has_message(&r, PL_MSG_NOTE, "feature 4 (ES-4): skipped: no geometry"));
    cr_expect(has_message(&r, PL_MSG_NOTE, TEST_DATA_DIR "/geojson/esri_rings.json: feature 2: only counter-clockwise "
                                           "rings (Esri outer rings are clockwise): each read as a polygon"));
    pl_import_result_release(&r);
    /* ES-1: two shells, the hole (listed between them) inside the second */
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'ES-1' AND ST_NumGeometries(geom) = 2"
                                  " AND NumInteriorRings(ST_GeometryN(geom, 2)) = 1"
                                  " AND NumInteriorRings(ST_GeometryN(geom, 1)) = 0"
                                  " AND abs(area_m2 - 19584.923) < 0.001"), 1);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'ES-2' AND abs(area_m2 - 9992.358) < 0.001"
                                  " AND abs(declared_area_m2 - 1000) < 1e-6"), 1);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch WHERE format = 'esrijson' AND source_srid = 3857"
                                  " AND n_read = 4 AND n_inserted = 2 AND n_skipped = 2"), 1);

    /* a FeatureSet in EPSG:4490, read without its extension (into a second park: it lies on ES-1) */
    const char *p = tu_tmp("featureset");
    tu_copy_file(TEST_DATA_DIR "/geojson/esri_featureset.json", p);
    tu_park_jmip(db);
    pl_import_options_init(&o);
    o.park = "JMIP";
    o.allow_overlap = 1; /* the same land as ES-1 of QDIP */
    cr_assert_eq(import_file(p, &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_str_eq(r.format, "esrijson");
    cr_expect_eq(r.source_srid, 4490);
    cr_expect_eq(r.inserted, 1);
    pl_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'E-1' AND abs(area_m2 - 9992.252) < 0.001"
                                  " AND json_extract(attrs, '$.OBJECTID') = '1'"), 1);

    /* one Esri geometry: its own spatialReference, a code from the file name */
    pl_import_options_init(&o);
    o.park = "QDIP";
    cr_assert_eq(import_file(TEST_DATA_DIR "/geojson/esri_geometry.json", &o, &r, &err), PL_OK, "%s", err.message);
    cr_expect_eq(r.source_srid, 4549);
    cr_assert_eq(r.nmessages, 1);
    cr_expect_str_eq(r.messages[0].text, TEST_DATA_DIR "/geojson/esri_geometry.json: the file is one geometry without "
                                         "attributes: parcel code 'esri_geometry-1', from the file name (choose "
                                         "another with --code-prefix P)");
    pl_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'esri_geometry-1'"
                                  " AND abs(area_m2 - 60000) < 1e-6"), 1);

    /* no polygon: refused as in every format, the database unchanged */
    char *before = tu_db_snapshot(dbpath);
    const char *lines = TEST_DATA_DIR "/geojson/esri_lines.json";
    pl_import_options_init(&o);
    o.park = "QDIP";
    cr_expect_eq(import_file(lines, &o, &r, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, TEST_DATA_DIR "/geojson/esri_lines.json: 2 features: 2 Polyline; no polygon");
    pl_import_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
}

/* The reader's notes reach the result whole and in order, after the
 * features' messages: no longer cut where 1024 bytes of them ended (here
 * 40 notes of ~90 bytes; before, the 12th was the last). */
Test(import, every_reader_note_is_a_message)
{
    const char *p = tu_tmp("notes.kml");
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fputs("<kml>\n", f);
    for (int i = 0; i < 40; i++)
        fprintf(f, "<Placemark><name>N-%d</name><MultiGeometry><Point><coordinates>120.4,36.1</coordinates></Point>"
                   "<Polygon><outerBoundaryIs><LinearRing><coordinates>%.4f,36.100 %.4f,36.100 %.4f,36.101 "
                   "%.4f,36.100</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>\n",
                i, 120.4 + 0.002 * i, 120.401 + 0.002 * i, 120.401 + 0.002 * i, 120.4 + 0.002 * i);
    fputs("</kml>\n", f);
    fclose(f);
    pl_import_options o;
    pl_import_options_init(&o);
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_file(p, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 40);
    size_t first = r.nmessages;
    for (size_t i = 0; i < r.nmessages && first == r.nmessages; i++)
        if (strstr(r.messages[i].text, "non-polygon member ignored"))
            first = i;
    cr_assert_geq(r.nmessages - first, 40, "%zu notes", r.nmessages - first);
    for (int i = 0; i < 40; i++) {
        char want[256];
        snprintf(want, sizeof want, "%s: placemark %d (line %d) 'N-%d': 1 non-polygon member ignored", p, i + 1, i + 2,
                 i);
        cr_expect_eq(r.messages[first + i].level, PL_MSG_NOTE);
        cr_expect_str_eq(r.messages[first + i].text, want);
    }
    cr_expect_eq(r.messages_dropped, 0);
    pl_import_result_release(&r);
}
