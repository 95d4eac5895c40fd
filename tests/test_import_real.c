/* test_import_real.c — situations met in files that other tools really write
 * (issue 12): a point list cut short, a declared area in another unit, names
 * that repeat where codes should be, the area shown for a repaired polygon.
 * Each in every format where it can occur; the messages word for word; a
 * refused import leaves the database as it was. */
#include <criterion/criterion.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("real.db", dbpath);
    tu_park_qdip(db);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(real, .init = setup, .fini = teardown);

#define TXT_HEAD "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n[地块坐标]\n"
/* GeoJSON in the working CRS (the older crs member), so that areas are exact */
#define GJ_HEAD "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":" \
                "\"urn:ogc:def:crs:EPSG::4549\"}},\"features\":["
#define KML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n"
#define KML_TAIL "</Document></kml>\n"

/* A TXT parcel: a 100 × h m rectangle whose north-west corner is (north, 40 509 000 + east). */
static char *txt_rect(char *buf, size_t cap, const char *head, double north, double east, double h)
{
    double e0 = 40509000.0 + east, e1 = e0 + 100.0, n0 = north, n1 = north - h;
    snprintf(buf, cap,
             "%s\nJ1,1,%.3f,%.3f\nJ2,1,%.3f,%.3f\nJ3,1,%.3f,%.3f\nJ4,1,%.3f,%.3f\nJ1,1,%.3f,%.3f\n", head, n0, e0, n0,
             e1, n1, e1, n1, e0, n0, e0);
    return buf;
}

/* A GeoJSON feature: a 100 × 100 m square at (x, y) in EPSG:4549, with properties `props` (JSON members). */
static char *gj_square(char *buf, size_t cap, const char *props, double x, double y)
{
    snprintf(buf, cap,
             "{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
             "[[[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f]]]}}",
             props, x, y, x + 100, y, x + 100, y + 100, x, y + 100, x, y);
    return buf;
}

/* A KML placemark: a 0.001° square at (lon, lat), with `inner` (name, ExtendedData) before the polygon. */
static char *kml_square(char *buf, size_t cap, const char *inner, double lon, double lat)
{
    snprintf(buf, cap,
             "<Placemark>%s<Polygon><outerBoundaryIs><LinearRing><coordinates>%.3f,%.3f %.3f,%.3f %.3f,%.3f "
             "%.3f,%.3f %.3f,%.3f</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n",
             inner, lon, lat, lon + 0.001, lat, lon + 0.001, lat + 0.001, lon, lat + 0.001, lon, lat);
    return buf;
}

/* A shapefile (no .prj: import with --crs 4549) of n polygons, each given as
 * parts of closed rings (x, y lists of 5 points), with text fields. */
typedef struct shp_part {
    double x[5], y[5];
} shp_part;

static void square_part(shp_part *p, double x0, double y0, double size)
{
    /* clockwise: a shell */
    double xs[5] = {x0, x0, x0 + size, x0 + size, x0}, ys[5] = {y0, y0 + size, y0 + size, y0, y0};
    memcpy(p->x, xs, sizeof xs);
    memcpy(p->y, ys, sizeof ys);
}

static const char *write_shp(const char *stem, int n, const shp_part *parts, const int *nparts, int nfields,
                             const char *const *fields, const char *const *values)
{
    const char *path = tu_tmp(stem);
    char p[1024];
    snprintf(p, sizeof p, "%s", path);
    SHPHandle h = SHPCreate(p, SHPT_POLYGON);
    cr_assert_not_null(h);
    int k = 0;
    for (int i = 0; i < n; i++) {
        double x[64], y[64];
        int starts[8], nv = 0;
        for (int j = 0; j < nparts[i]; j++, k++) {
            starts[j] = nv;
            for (int v = 0; v < 5; v++, nv++) {
                x[nv] = parts[k].x[v];
                y[nv] = parts[k].y[v];
            }
        }
        SHPObject *o = SHPCreateObject(SHPT_POLYGON, -1, nparts[i], starts, NULL, nv, x, y, NULL, NULL);
        cr_assert_not_null(o);
        cr_assert_geq(SHPWriteObject(h, -1, o), 0);
        SHPDestroyObject(o);
    }
    SHPClose(h);
    char dbf[1100];
    snprintf(dbf, sizeof dbf, "%s.dbf", p);
    DBFHandle d = DBFCreateEx(dbf, "UTF-8");
    cr_assert_not_null(d);
    for (int f = 0; f < nfields; f++)
        cr_assert_eq(DBFAddField(d, fields[f], FTString, 40, 0), f);
    for (int i = 0; i < n; i++)
        for (int f = 0; f < nfields; f++)
            cr_assert(DBFWriteStringAttribute(d, i, f, values[i * nfields + f]));
    DBFClose(d);
    static char shp[1100];
    snprintf(shp, sizeof shp, "%s.shp", p);
    return shp;
}

static const char *write_tmp(const char *name, const char *content)
{
    const char *p = tu_tmp(name);
    tu_write_file(p, content, (size_t)-1);
    return p;
}

static int import(const char *path, const pl_import_options *o, pl_import_result *r, pl_error *err)
{
    pl_import_options defaults;
    if (!o) {
        pl_import_options_init(&defaults);
        o = &defaults;
    }
    pl_error_clear(err);
    return pl_import_parcels(db, path, o, r, err);
}

/* Message i of r, word for word. */
static void expect_message(const pl_import_result *r, size_t i, pl_message_level level, const char *text)
{
    cr_assert_lt(i, r->nmessages, "no message %zu (only %zu) for: %s", i, r->nmessages, text);
    cr_expect_eq(r->messages[i].level, level, "message %zu level %d: %s", i, r->messages[i].level,
                 r->messages[i].text);
    cr_expect_str_eq(r->messages[i].text, text);
}

/* The import is refused, the database unchanged. */
static void expect_refused(const char *path, const pl_import_options *o, pl_import_result *r, const char *error)
{
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    int rc = import(path, o, r, &err);
    cr_assert_eq(rc, PL_ERR_INPUT, "%s: rc %d %s", path, rc, err.message);
    cr_expect_str_eq(err.message, error);
    char *after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before, "%s changed the database", path);
    free(before);
    free(after);
}

static void expect_ok(const char *path, const pl_import_options *o, pl_import_result *r)
{
    pl_error err;
    int rc = import(path, o, r, &err);
    for (size_t i = 0; rc && i < r->nmessages; i++)
        fprintf(stderr, "  %s\n", r->messages[i].text);
    cr_assert_eq(rc, PL_OK, "%s: %s", path, err.message);
}

/* ---- 1. a point list that stops early ----------------------------------------- */

Test(real, truncated_point_list_is_refused_in_every_format)
{
    pl_import_result r;
    char msg[512];
    /* TXT: the counts disagree and a ring is open, mid-file and where the file ends */
    const char *txt = TEST_DATA_DIR "/txt/truncated.txt";
    expect_refused(txt, NULL, &r, TEST_DATA_DIR "/txt/truncated.txt: 2 of 3 features refused; nothing was imported");
    cr_assert_eq(r.nmessages, 2);
    expect_message(&r, 0, PL_MSG_REFUSED, "line 10 (TR-1): 界址点数 is 10 but 5 point lines follow (to line 15), "
                                          "with ring 1 not closed: the point list stops early");
    expect_message(&r, 1, PL_MSG_REFUSED, "line 22 (TR-3): 界址点数 is 66 but the file ends after 3 point lines "
                                          "(line 25), with ring 1 not closed: the point list is cut short");
    pl_import_result_release(&r);

    /* the same open ring, with a count that agrees: the exporter variant, closed with a note */
    char a[512], body[2048];
    txt_rect(a, sizeof a, "4,1,V-1,未闭合,面,,,,@", 3985700, 0, 100);
    *strrchr(a, 'J') = '\0'; /* drop the closing J1 */
    snprintf(body, sizeof body, TXT_HEAD "%s", a);
    const char *p = write_tmp("variant.txt", body);
    expect_ok(p, NULL, &r);
    cr_assert_eq(r.inserted, 1);
    snprintf(msg, sizeof msg, "%s: 1 parcel (first at line 8) with rings that do not repeat their first point: "
             "closed, as 界址点数 allows (the exporter variant that omits the closing point)", p);
    cr_assert_eq(r.nmessages, 1);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);

    /* GeoJSON and KML: an open ring is refused too */
    snprintf(body, sizeof body, GJ_HEAD "%s]}", "{\"type\":\"Feature\",\"properties\":{\"code\":\"G-1\"},\"geometry\":"
             "{\"type\":\"Polygon\",\"coordinates\":[[[509000,3985500],[509100,3985500],[509100,3985600],"
             "[509000,3985600]]]}}");
    p = write_tmp("open.geojson", body);
    snprintf(msg, sizeof msg, "%s: 1 of 1 features refused; nothing was imported", p);
    expect_refused(p, NULL, &r, msg);
    expect_message(&r, 0, PL_MSG_REFUSED, "feature 1 (line 1) (G-1): part 1, ring 1 is not closed: first point "
                                          "(509000 3985500) differs from last (509000 3985600)");
    pl_import_result_release(&r);
    snprintf(body, sizeof body, KML_HEAD "%s" KML_TAIL,
             "<Placemark><name>K-1</name><Polygon><outerBoundaryIs><LinearRing><coordinates>120.40,36.10 "
             "120.401,36.10 120.401,36.101 120.40,36.101</coordinates></LinearRing></outerBoundaryIs></Polygon>"
             "</Placemark>");
    p = write_tmp("open.kml", body);
    snprintf(msg, sizeof msg, "%s: 1 of 1 features refused; nothing was imported", p);
    expect_refused(p, NULL, &r, msg);
    expect_message(&r, 1, PL_MSG_REFUSED, "placemark 1 (line 3) (K-1): part 1, ring 1 is not closed: first point "
                                          "(120.4 36.1) differs from last (120.4 36.101)");
    pl_import_result_release(&r);
}

/* ---- 4. the unit of a declared area ----------------------------------------------- */

/* Two TXT parcels of 100 × 200 m (20 000 m²) and 100 × 300 m (30 000 m²) declaring `a1` and `a2`. */
static const char *txt_two(const char *name, const char *a1, const char *a2)
{
    char h1[128], h2[128], r1[512], r2[512], body[2048];
    snprintf(h1, sizeof h1, "5,%s,A-1,甲,面,,,,@", a1);
    snprintf(h2, sizeof h2, "5,%s,A-2,乙,面,,,,@", a2);
    snprintf(body, sizeof body, TXT_HEAD "%s%s", txt_rect(r1, sizeof r1, h1, 3985700, 0, 200),
             txt_rect(r2, sizeof r2, h2, 3985700, 200, 300));
    return write_tmp(name, body);
}

Test(real, declared_area_unit_is_recognised_forced_and_overridden)
{
    pl_import_result r;
    pl_import_options o;
    char msg[1024];

    /* every parcel matches in m² (one within 0.5 %): read as m², said first, stored as such */
    const char *p = txt_two("area-m2.txt", "20000", "30100");
    pl_import_options_init(&o);
    o.dry_run = 1;
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    cr_assert_eq(r.warnings, 0);
    snprintf(msg, sizeof msg, "%s: 地块面积 read as m² (平方米), not 公顷 as the format says: every parcel's declared "
             "area matches its polygon in m² (--area-unit ha|m2|mu to choose)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);

    /* in 亩 (20 000 m² = 30 亩) */
    p = txt_two("area-mu.txt", "30", "45");
    expect_ok(p, NULL, &r);
    snprintf(msg, sizeof msg, "%s: 地块面积 read as 亩 (mu), not 公顷 as the format says: every parcel's declared "
             "area matches its polygon in 亩 (--area-unit ha|m2|mu to choose)", p);
    cr_assert_eq(r.nmessages, 1);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'A-1' AND abs(declared_area_m2 - 20000) < 1e-6"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'A-2' AND abs(declared_area_m2 - 30000) < 1e-6"), 1);
    tu_sql_exec(db, "DELETE FROM parcel");

    /* one in m², one in 公顷: no unit fits all, 公顷 as the format says, with the warning */
    p = txt_two("area-mixed.txt", "20000", "3");
    pl_import_options_init(&o);
    o.dry_run = 1;
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 2);
    expect_message(&r, 0, PL_MSG_WARNING, "line 8 (A-1): the file states 200000000.00 m² (20000.0000 ha) but the "
                                          "polygon measures 20000.00 m² (2.0000 ha), -99.99%; declared "
                                          "200000000.00 m² is 10000 × the polygon's 20000.00 m²: m²? (a number in m² "
                                          "read as ha)");
    snprintf(msg, sizeof msg, "%s: 地块面积 read as 公顷 (ha), as the format says: 1 of 2 parcels differ from their "
             "polygons by more than 0.5 %% (--area-unit m2|mu if the file means another unit)", p);
    expect_message(&r, 1, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);

    /* --area-unit forces it: m2 on the mixed file warns about the other parcel */
    o.area_unit = PL_AREA_UNIT_M2;
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    expect_message(&r, 0, PL_MSG_WARNING, "line 14 (A-2): the file states 3.00 m² (0.0003 ha) but the polygon "
                                          "measures 30000.00 m² (3.0000 ha), +999900.00%; declared 3.00 m² is "
                                          "1/10000 of the polygon's 30000.00 m²: ha? (a number in ha read as m²)");
    pl_import_result_release(&r);

    /* --field area=COLUMN wins over the TXT's own 地块面积, and over the usual columns elsewhere */
    p = txt_two("area-field.txt", "20000", "30000");
    pl_import_options_init(&o);
    o.field_area = "地块面积";
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 0);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('A-1', 'A-2')"
                                  " AND declared_area_m2 IN (20000, 30000)"), 2);

    char f[1024], body[4096];
    snprintf(body, sizeof body, GJ_HEAD "%s]}",
             gj_square(f, sizeof f, "\"code\":\"G-1\",\"MJ\":\"10000\",\"area_ha\":\"7\"", 509000, 3985000));
    p = write_tmp("area-field.geojson", body);
    pl_import_options_init(&o);
    o.field_area = "MJ";
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 0);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'G-1' AND declared_area_m2 = 10000"), 1);

    snprintf(body, sizeof body, KML_HEAD "%s" KML_TAIL,
             kml_square(f, sizeof f, "<name>K-1</name><ExtendedData><Data name=\"code\"><value>K-1</value></Data>"
                        "<Data name=\"MJ_MU\"><value>2.5</value></Data></ExtendedData>", 120.40, 36.06));
    p = write_tmp("area-field.kml", body);
    pl_import_options_init(&o);
    o.field_area_mu = "MJ_MU";
    expect_ok(p, &o, &r);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'K-1'"
                                  " AND abs(declared_area_m2 - 2.5 * 10000.0 / 15) < 1e-6"), 1);

    shp_part part;
    square_part(&part, 509000, 3984000, 100);
    int one = 1;
    const char *fields[] = {"CODE", "MJ"}, *values[] = {"S-1", "10000"};
    p = write_shp("area-field", 1, &part, &one, 2, fields, values);
    pl_import_options_init(&o);
    o.srid = 4549;
    o.field_area = "MJ";
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 0);
    pl_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'S-1' AND declared_area_m2 = 10000"), 1);

    /* said when it does not apply: a column no feature has; --area-unit for named columns */
    snprintf(body, sizeof body, GJ_HEAD "%s]}", gj_square(f, sizeof f, "\"code\":\"G-2\"", 509000, 3983000));
    p = write_tmp("area-none.geojson", body);
    pl_import_options_init(&o);
    o.dry_run = 1;
    o.field_area = "MJ";
    o.area_unit = PL_AREA_UNIT_MU;
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 2);
    snprintf(msg, sizeof msg, "%s: --area-unit does not apply: no declared area in this file is a bare number (as "
             "the TXT's 地块面积 is); named columns say their unit (--field area, area_ha, area_mu)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    snprintf(msg, sizeof msg, "%s: --field area=MJ does not apply: no feature has a column 'MJ', so no declared area "
             "was read", p);
    expect_message(&r, 1, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);
}

/* ---- 5. how codes were chosen ------------------------------------------------------ */

Test(real, codes_from_names_are_explained_first_even_when_refused)
{
    pl_import_result r;
    pl_import_options o;
    char msg[1024], f1[1024], f2[1024], f3[1024], body[4096];

    /* GeoJSON: names repeat; FID and DKBH2 differ in every parcel, 面积 is a decimal number, KIND repeats */
    snprintf(body, sizeof body, GJ_HEAD "%s,%s,%s]}",
             gj_square(f1, sizeof f1, "\"name\":\"标准地\",\"FID\":\"1\",\"DKBH2\":\"Q-01\",\"面积\":\"1.5\",\"KIND\":\"a\"",
                       509000, 3985000),
             gj_square(f2, sizeof f2, "\"name\":\"标准地\",\"FID\":\"2\",\"DKBH2\":\"Q-02\",\"面积\":\"2.5\",\"KIND\":\"a\"",
                       509200, 3985000),
             gj_square(f3, sizeof f3, "\"name\":\"标准地\",\"FID\":\"3\",\"DKBH2\":\"Q-03\",\"面积\":\"3.5\",\"KIND\":\"b\"",
                       509400, 3985000));
    const char *p = write_tmp("names.geojson", body);
    snprintf(msg, sizeof msg, "%s: 2 of 3 features refused; nothing was imported", p);
    expect_refused(p, NULL, &r, msg);
    cr_assert_eq(r.nmessages, 3);
    snprintf(msg, sizeof msg, "%s: no parcel code column found; the name (column 'name') is used as the code, and "
             "names repeat; columns with a different value for every parcel: 'FID', 'DKBH2' (use --field code=COLUMN)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    expect_message(&r, 1, PL_MSG_REFUSED, "feature 2 (line 1) (标准地): duplicate parcel code '标准地' (also at feature 1 (line 1))");
    pl_import_result_release(&r);
    /* the column it names works */
    pl_import_options_init(&o);
    o.field_code = "DKBH2";
    o.dry_run = 1;
    expect_ok(p, &o, &r);
    cr_assert_eq(r.inserted, 3);
    cr_assert_eq(r.nmessages, 0);
    pl_import_result_release(&r);

    /* KML: placemark names only */
    snprintf(body, sizeof body, KML_HEAD "%s%s" KML_TAIL,
             kml_square(f1, sizeof f1, "<name>地块</name>", 120.40, 36.06),
             kml_square(f2, sizeof f2, "<name>地块</name>", 120.41, 36.06));
    p = write_tmp("names.kml", body);
    snprintf(msg, sizeof msg, "%s: 1 of 2 features refused; nothing was imported", p);
    expect_refused(p, NULL, &r, msg);
    snprintf(msg, sizeof msg, "%s: no parcel code column found; the name (column 'name') is used as the code, and "
             "names repeat; no column has a different value for every parcel (use --field code=COLUMN)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);

    /* Shapefile: a NAME column that repeats, an ID that does not */
    shp_part parts[2];
    square_part(&parts[0], 509000, 3984000, 100);
    square_part(&parts[1], 509200, 3984000, 100);
    int ones[2] = {1, 1};
    const char *fields[] = {"NAME", "ID"}, *values[] = {"厂房", "7", "厂房", "8"};
    p = write_shp("names", 2, parts, ones, 2, fields, values);
    pl_import_options_init(&o);
    o.srid = 4549;
    snprintf(msg, sizeof msg, "%s: 1 of 2 features refused; nothing was imported", p);
    expect_refused(p, &o, &r, msg);
    snprintf(msg, sizeof msg, "%s: no parcel code column found; the name (column 'NAME') is used as the code, and "
             "names repeat; columns with a different value for every parcel: 'ID' (use --field code=COLUMN)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);

    /* TXT: 地块编号 left empty, 地块名称 repeats */
    char a[512], b[512];
    snprintf(body, sizeof body, TXT_HEAD "%s%s", txt_rect(a, sizeof a, "5,2,,工业地块,面,,工业用地,0601,@", 3985700, 0, 200),
             txt_rect(b, sizeof b, "5,3,,工业地块,面,,工业用地,0601,@", 3985700, 200, 300));
    p = write_tmp("names.txt", body);
    snprintf(msg, sizeof msg, "%s: 1 of 2 features refused; nothing was imported", p);
    expect_refused(p, NULL, &r, msg);
    snprintf(msg, sizeof msg, "%s: no parcel code column found; the name (column '地块名称') is used as the code, and "
             "names repeat; no column has a different value for every parcel (use --field code=COLUMN)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);

    /* and when it lands, first too (before the feature messages) */
    snprintf(body, sizeof body, GJ_HEAD "%s,%s]}",
             gj_square(f1, sizeof f1, "\"名称\":\"一号\",\"面积亩\":\"1\"", 509000, 3985000),
             gj_square(f2, sizeof f2, "\"名称\":\"二号\"", 509200, 3985000));
    p = write_tmp("names-ok.geojson", body);
    expect_ok(p, NULL, &r);
    cr_assert_eq(r.nmessages, 2);
    snprintf(msg, sizeof msg, "%s: no parcel code column found; the name (column '名称') is used as the code (use "
             "--field code=COLUMN to choose one)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    cr_expect_eq(r.messages[1].level, PL_MSG_WARNING);
    pl_import_result_release(&r);
}

/* ---- 8. the area shown for a repaired polygon ----------------------------------------- */

Test(real, repair_shows_the_area_as_drawn_or_none)
{
    pl_import_result r;
    pl_import_options o;
    pl_import_options_init(&o);
    o.repair = 1;
    char msg[1024], body[4096];

    /* TXT bow-tie: its outer ring crosses itself, so no area as drawn (GEOS said 0) */
    const char *p = write_tmp("bowtie.txt", TXT_HEAD "5,0,R-1,蝴蝶结,面,,,,@\nJ1,1,3985700.000,40509000.000\n"
                              "J2,1,3985500.000,40509300.000\nJ3,1,3985700.000,40509300.000\n"
                              "J4,1,3985500.000,40509000.000\nJ1,1,3985700.000,40509000.000\n");
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    expect_message(&r, 0, PL_MSG_WARNING, "line 8 (R-1): repaired (Self-intersection at E 40509150.000 N 3985600.000): "
                                          "30000.00 m² after repair (an outer ring crosses itself: no area as drawn)");
    pl_import_result_release(&r);

    /* GeoJSON: two parts that overlap by 50 × 100 m: 20 000 m² as drawn, 15 000 m² after */
    snprintf(body, sizeof body, GJ_HEAD "%s]}",
             "{\"type\":\"Feature\",\"properties\":{\"code\":\"R-2\"},\"geometry\":{\"type\":\"MultiPolygon\","
             "\"coordinates\":[[[[509000,3984000],[509100,3984000],[509100,3984100],[509000,3984100],[509000,3984000]]],"
             "[[[509050,3984000],[509150,3984000],[509150,3984100],[509050,3984100],[509050,3984000]]]]}}");
    p = write_tmp("overlap-parts.geojson", body);
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    expect_message(&r, 0, PL_MSG_WARNING, "feature 1 (line 1) (R-2): repaired (Self-intersection at E 509100.000 N "
                                          "3984000.000): 20000.00 m² as drawn (outer rings) → 15000.00 m² after repair");
    pl_import_result_release(&r);

    /* KML bow-tie in degrees */
    snprintf(body, sizeof body, KML_HEAD "%s" KML_TAIL,
             "<Placemark><name>R-3</name><Polygon><outerBoundaryIs><LinearRing><coordinates>120.400,36.050 "
             "120.401,36.051 120.401,36.050 120.400,36.051 120.400,36.050</coordinates></LinearRing>"
             "</outerBoundaryIs></Polygon></Placemark>");
    p = write_tmp("bowtie.kml", body);
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 2);
    snprintf(msg, sizeof msg, "placemark 1 (line 3) (R-3): repaired (Self-intersection at lon 120.4005000 lat "
             "36.0505000): %.2f m² after repair (an outer ring crosses itself: no area as drawn)",
             tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'R-3'"));
    expect_message(&r, 1, PL_MSG_WARNING, msg);
    pl_import_result_release(&r);

    /* Shapefile: two shells of one record that overlap by 50 × 100 m */
    shp_part parts[2];
    square_part(&parts[0], 509000, 3983000, 100);
    square_part(&parts[1], 509050, 3983000, 100);
    int two = 2;
    const char *fields[] = {"CODE"}, *values[] = {"R-4"};
    p = write_shp("overlap-parts", 1, parts, &two, 1, fields, values);
    o.srid = 4549;
    expect_ok(p, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    cr_expect(strstr(r.messages[0].text, "record 1 (R-4): repaired (") == r.messages[0].text, "%s", r.messages[0].text);
    cr_expect(strstr(r.messages[0].text, "): 20000.00 m² as drawn (outer rings) → 15000.00 m² after repair"),
              "%s", r.messages[0].text);
    pl_import_result_release(&r);
}

/* ---- Xian 1980 and Beijing 1954 without their 7 parameters --------------------------- */

Test(real, old_datums_warn_without_seven_parameters_and_take_towgs84)
{
    pl_import_result r;
    pl_import_options o;
    char msg[2048];
    const char *x80 = TEST_DATA_DIR "/txt/xian80_no_params.txt", *bj54 = TEST_DATA_DIR "/txt/beijing54_no_params.txt";
    pl_import_options_init(&o);
    o.dry_run = 1;
    expect_ok(x80, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    snprintf(msg, sizeof msg, "%s: coordinates in Xian 1980 (EPSG:2364) without the 7 transformation parameters: "
             "transformed to EPSG:4549 by PROJ's 'Inverse of 3-degree Gauss-Kruger zone 40 + Ballpark geographic "
             "offset from Xian 1980 to China Geodetic Coordinate System 2000 + 3-degree Gauss-Kruger CM 120E', "
             "accuracy unknown to PROJ: it keeps latitude and longitude as they are, so expect errors of tens of "
             "metres (the datum shift is not applied); give the parameters with --towgs84 dX,dY,dZ,rX,rY,rZ,S (m, arc-seconds, ppm)",
             x80);
    expect_message(&r, 0, PL_MSG_WARNING, msg);
    pl_import_result_release(&r);

    expect_ok(bj54, &o, &r);
    cr_assert_eq(r.source_srid, 2416);
    cr_assert_eq(r.nmessages, 1);
    snprintf(msg, sizeof msg, "%s: coordinates in Beijing 1954 (EPSG:2416) without the 7 transformation parameters: "
             "transformed to EPSG:4549 by PROJ's 'Inverse of 3-degree Gauss-Kruger zone 40 + Ballpark geographic "
             "offset from Beijing 1954 to China Geodetic Coordinate System 2000 + 3-degree Gauss-Kruger CM 120E', "
             "accuracy unknown to PROJ: it keeps latitude and longitude as they are, so expect errors of tens of "
             "metres (the datum shift is not applied); give the parameters with --towgs84 dX,dY,dZ,rX,rY,rZ,S (m, arc-seconds, ppm)",
             bj54);
    expect_message(&r, 0, PL_MSG_WARNING, msg);
    pl_import_result_release(&r);

    /* the same file twice: as PROJ has it, and with 7 parameters (a shift of 24, -123, -94 m) */
    pl_import_options_init(&o);
    expect_ok(x80, &o, &r);
    pl_import_result_release(&r);
    double x0 = tu_sql_num(db, "SELECT MbrMinX(geom) FROM parcel WHERE code = 'XHA-2024-017'");
    tu_sql_exec(db, "DELETE FROM parcel");
    o.have_towgs84 = 1;
    const double p[7] = {24, -123, -94, 0, 0, 0, 0};
    memcpy(o.towgs84, p, sizeof p);
    expect_ok(x80, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    snprintf(msg, sizeof msg, "%s: Xian 1980 (EPSG:2364) transformed to EPSG:4549 with --towgs84 24,-123,-94,0,0,0,0",
             x80);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);
    double x1 = tu_sql_num(db, "SELECT MbrMinX(geom) FROM parcel WHERE code = 'XHA-2024-017'");
    cr_assert_float_eq(x1 - x0, 40.93, 0.01, "the parameters moved the parcel by %.3f m", x1 - x0);
}

/* A park keeps the 7 parameters of an old datum (schema 4): an import of a
 * file in that datum into the park applies them and says so, exactly as
 * --towgs84 would; --towgs84 still wins; the change is in the park's history. */
Test(real, a_parks_datum_parameters_are_applied_when_the_import_names_none)
{
    pl_import_result r;
    pl_import_options o;
    pl_error err;
    char msg[1024];
    const char *x80 = TEST_DATA_DIR "/txt/xian80_no_params.txt";
    const double p[7] = {24, -123, -94, 0, 0, 0, 0};
    /* the reference: --towgs84 */
    pl_import_options_init(&o);
    o.have_towgs84 = 1;
    memcpy(o.towgs84, p, sizeof p);
    expect_ok(x80, &o, &r);
    pl_import_result_release(&r);
    double want = tu_sql_num(db, "SELECT MbrMinX(geom) FROM parcel WHERE code = 'XHA-2024-017'");
    tu_sql_exec(db, "DELETE FROM parcel");

    cr_assert_null(pl_datum_parse("xian 1954"));
    cr_assert_str_eq(pl_datum_parse("西安80"), "Xian 1980");
    cr_assert_str_eq(pl_datum_parse("BEIJING54"), "Beijing 1954");
    cr_assert_eq(pl_park_set_datum_shift(db, "QDIP", "unknown", p, NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "unknown datum 'unknown' (xian80 or beijing54)");
    cr_assert_eq(pl_park_set_datum_shift(db, "NOPARK", "xian80", p, NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM park_datum_shift"), 0);
    const double other[7] = {1, 2, 3, 0, 0, 0, 1.1};
    cr_assert_eq(pl_park_set_datum_shift(db, "QDIP", "xian80", other, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_park_set_datum_shift(db, "QDIP", "西安80", p, "survey institute 2019", &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM park_datum_shift"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'park' AND field = 'towgs84 Xian 1980'"
                                  " AND old_value = '1,2,3,0,0,0,1.1' AND new_value = '24,-123,-94,0,0,0,0'"
                                  " AND note = 'survey institute 2019'"), 1);

    pl_import_options_init(&o);
    expect_ok(x80, &o, &r);
    cr_assert_eq(r.nmessages, 1);
    snprintf(msg, sizeof msg, "%s: Xian 1980 (EPSG:2364) transformed to EPSG:4549 with the park's parameters "
             "24,-123,-94,0,0,0,0 (parkland park datum; --towgs84 overrides them)", x80);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    pl_import_result_release(&r);
    cr_assert_float_eq(tu_sql_num(db, "SELECT MbrMinX(geom) FROM parcel WHERE code = 'XHA-2024-017'"), want, 1e-9);
    tu_sql_exec(db, "DELETE FROM parcel");

    /* --towgs84 overrides the park's: all zero, the file lands where PROJ's ballpark puts it */
    pl_import_options_init(&o);
    o.have_towgs84 = 1;
    expect_ok(x80, &o, &r);
    pl_import_result_release(&r);
    cr_assert_float_eq(want - tu_sql_num(db, "SELECT MbrMinX(geom) FROM parcel WHERE code = 'XHA-2024-017'"), 40.93,
                       0.01);
    tu_sql_exec(db, "DELETE FROM parcel");

    /* a Beijing 1954 file is not moved by the park's Xian 1980 parameters: it warns as before */
    pl_import_options_init(&o);
    o.dry_run = 1;
    expect_ok(TEST_DATA_DIR "/txt/beijing54_no_params.txt", &o, &r);
    cr_assert_eq(r.messages[0].level, PL_MSG_WARNING);
    pl_import_result_release(&r);
}

Test(real, cli_park_datum_keeps_lists_and_refuses)
{
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_run(&out, &errout, PARKLAND_BIN " --db '%s' park datum QDIP beijing54 --towgs84 "
                                      "-12.5,-130,-92,0,0,0,2.5 --note 测量院", dbpath), 0, "%s", errout);
    cr_assert_str_eq(out, "park QDIP: files in Beijing 1954 are transformed with -12.5,-130,-92,0,0,0,2.5 "
                          "(dX,dY,dZ m; rX,rY,rZ arc-seconds; scale ppm)\n");
    tu_outputs_free(&out, &errout);
    cr_assert_eq(tu_run(&out, &errout, PARKLAND_BIN " --db '%s' park datum QDIP --format csv --keys", dbpath), 0);
    cr_assert(strstr(out, "Beijing 1954,-12.5,-130,-92,0,0,0,2.5,测量院,"), "%s", out);
    tu_outputs_free(&out, &errout);
    static const char *const bad[] = {"park datum QDIP xian80 --towgs84 1,2,3", "park datum QDIP tokyo --towgs84 1,2,3,4,5,6,7",
                                      "park datum QDIP xian80", "park datum"};
    static const char *const says[] = {"--towgs84 expects 7 numbers DX,DY,DZ,RX,RY,RZ,S, not '1,2,3'",
                                       "unknown datum 'tokyo' (xian80 or beijing54)",
                                       "needs both the datum (xian80 or beijing54) and --towgs84",
                                       "park datum needs a park CODE"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_expect_eq(tu_run(&out, &errout, PARKLAND_BIN " --db '%s' %s", dbpath, bad[i]), 2, "%s", bad[i]);
        cr_expect(strstr(errout, says[i]), "%s: %s", bad[i], errout);
        tu_outputs_free(&out, &errout);
    }
    cr_assert_eq(tu_run(&out, &errout, PARKLAND_BIN " --db '%s' park datum NOPARK xian80 --towgs84 1,2,3,4,5,6,7",
                        dbpath), 1);
    tu_outputs_free(&out, &errout);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM park_datum_shift"), 1);
}

/* ---- the command line ------------------------------------------------------------------ */

Test(real, cli_shows_how_codes_were_chosen_when_refusing_and_parses_the_new_options)
{
    char *out = NULL, *errout = NULL, body[2048], f1[512], f2[512];
    snprintf(body, sizeof body, KML_HEAD "%s%s" KML_TAIL, kml_square(f1, sizeof f1, "<name>地块</name>", 120.40, 36.06),
             kml_square(f2, sizeof f2, "<name>地块</name>", 120.41, 36.06));
    const char *p = write_tmp("cli-names.kml", body);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s", tu_q(p)), 1);
    char want[2048];
    snprintf(want, sizeof want,
             "note: %s: no parcel code column found; the name (column 'name') is used as the code, and names repeat; "
             "no column has a different value for every parcel (use --field code=COLUMN)\n"
             "refused: placemark 2 (line 4) (地块): duplicate parcel code '地块' (also at placemark 1 (line 3))\n"
             "parkland: %s: 1 of 2 features refused; nothing was imported\n", p, p);
    cr_expect_str_eq(errout, want);
    tu_cli(&out, &errout, dbpath, "import parcels x.txt --area-unit acre");
    cr_expect(strstr(errout, "--area-unit is ha, m2 or mu, not 'acre'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels x.txt --towgs84 1,2,3"), 2);
    cr_expect(strstr(errout, "--towgs84 expects 7 numbers DX,DY,DZ,RX,RY,RZ,S, not '1,2,3'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --area-unit m2 --towgs84 24,-123,-94,0,0,0,0"
                        " --dry-run", tu_q(TEST_DATA_DIR "/txt/xian80_no_params.txt")), 0, "%s", errout);
    cr_expect(strstr(out, "with --towgs84 24,-123,-94,0,0,0,0"), "%s", out);
    tu_outputs_free(&out, &errout);
}

/* More refusals than the result keeps: the note on codes is still first. */
Test(real, codes_note_stays_first_when_messages_overflow)
{
    size_t cap = 1200 * 300, len = 0;
    char *body = malloc(cap), f[512];
    len += (size_t)snprintf(body + len, cap - len, GJ_HEAD);
    for (int i = 0; i < 1100; i++)
        len += (size_t)snprintf(body + len, cap - len, "%s%s", i ? "," : "",
                                gj_square(f, sizeof f, "\"name\":\"同名\"", 500000 + 200 * (i % 50), 3980000 + 200 * (i / 50)));
    snprintf(body + len, cap - len, "]}");
    const char *p = write_tmp("many-names.geojson", body);
    free(body);
    pl_import_result r;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s: 1099 of 1100 features refused; nothing was imported", p);
    expect_refused(p, NULL, &r, msg);
    cr_assert_eq(r.nmessages, PL_IMPORT_MAX_MESSAGES);
    cr_assert_eq(r.messages_dropped, 100);
    snprintf(msg, sizeof msg, "%s: no parcel code column found; the name (column 'name') is used as the code, and "
             "names repeat; no column has a different value for every parcel (use --field code=COLUMN)", p);
    expect_message(&r, 0, PL_MSG_NOTE, msg);
    expect_message(&r, 1, PL_MSG_REFUSED, "feature 2 (line 1) (同名): duplicate parcel code '同名' (also at feature 1 (line 1))");
    pl_import_result_release(&r);
}
