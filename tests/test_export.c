/* test_export.c — map exports through the library and the CLI: GeoJSON
 * (RFC 7946: order, orientation, precision, bbox, GCJ-02), KML (schema-valid,
 * structure, styles, timeline), HTML (self-contained, escaped), TXT (the
 * Ministry form, byte for byte the sample's conventions), round trips through
 * parkland's own importer, both themes, filters, escaping, empty exports and
 * safe file output. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "db_internal.h"
#include "gcj02.h"
#include "parkland/db.h"
#include "parkland/export.h"
#include "parkland/import.h"
#include "parkland/parcel.h"
#include "parkland/park.h"
#include "style.h"
#include "text.h"
#include "parkland/number.h"
#include "testutil.h"
#include "writer.h"

#define KML_NS "http://www.opengis.net/kml/2.2"
#define KML_XSD TEST_DATA_DIR "/kml22/ogckml22.xsd"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("x.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", "Sample park", "西海岸新区", NULL, &err), PL_OK,
                 "%s", err.message);
    tu_import(db, SAMPLES_DIR "/parcels.txt", "QDIP");
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(export, .init = setup, .fini = teardown);

/* ---- helpers ---------------------------------------------------------------- */

static const char *export_to(const pl_export_options *o, const char *name, pl_export_result *res)
{
    const char *path = tu_tmp(name);
    pl_error err;
    pl_error_clear(&err);
    pl_export_result r;
    cr_assert_eq(pl_export_file(db, o, path, 1, res ? res : &r, &err), PL_OK, "%s: %s", name, err.message);
    return path;
}

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: line %d: %s", path, je.line, je.text);
    return j;
}

static xmlDocPtr load_xml(const char *path)
{
    xmlDocPtr d = xmlReadFile(path, NULL, XML_PARSE_NONET);
    cr_assert_not_null(d, "%s is not well-formed XML", path);
    return d;
}

static void schema_error(void *ctx, const char *fmt, ...)
{
    char *buf = ctx;
    size_t n = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    if (n < 1000)
        vsnprintf(buf + n, 1024 - n, fmt, ap);
    va_end(ap);
}

/* Validate against the OGC KML 2.2 schema; the reason in `why`. */
static int kml_valid(xmlDocPtr d, char why[1024])
{
    why[0] = '\0';
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(KML_XSD);
    cr_assert_not_null(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    cr_assert_not_null(schema, "cannot parse %s", KML_XSD);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidErrors(vc, schema_error, schema_error, why);
    int rc = xmlSchemaValidateDoc(vc, d);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc == 0;
}

static xmlXPathObjectPtr xpath(xmlDocPtr d, const char *expr)
{
    xmlXPathContextPtr c = xmlXPathNewContext(d);
    xmlXPathRegisterNs(c, BAD_CAST "k", BAD_CAST KML_NS);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, c);
    xmlXPathFreeContext(c);
    cr_assert_not_null(r, "bad xpath %s", expr);
    return r;
}

static double xcount(xmlDocPtr d, const char *expr)
{
    char e[512];
    snprintf(e, sizeof e, "count(%s)", expr);
    xmlXPathObjectPtr r = xpath(d, e);
    double v = r->floatval;
    xmlXPathFreeObject(r);
    return v;
}

/* The string value of an XPath expression; caller frees. */
static char *xstring(xmlDocPtr d, const char *expr)
{
    char e[512];
    snprintf(e, sizeof e, "string(%s)", expr);
    xmlXPathObjectPtr r = xpath(d, e);
    char *s = strdup((const char *)r->stringval);
    xmlXPathFreeObject(r);
    return s;
}

/* The string value of an XPath expression begins with `prefix`. */
static void assert_xprefix(xmlDocPtr d, const char *expr, const char *prefix)
{
    char *c = xstring(d, expr);
    cr_assert(!strncmp(c, prefix, strlen(prefix)), "%s: '%.60s' does not begin with '%s'", expr, c, prefix);
    free(c);
}

static double shoelace(json_t *ring)
{
    double a = 0;
    size_t n = json_array_size(ring);
    for (size_t i = 0; i + 1 < n; i++) {
        json_t *p = json_array_get(ring, i), *q = json_array_get(ring, i + 1);
        a += json_number_value(json_array_get(p, 0)) * json_number_value(json_array_get(q, 1)) -
             json_number_value(json_array_get(q, 0)) * json_number_value(json_array_get(p, 1));
    }
    return a / 2;
}

static json_t *feature_by_code(json_t *fc, const char *code)
{
    json_t *fs = json_object_get(fc, "features");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        if (!strcmp(json_string_value(json_object_get(json_object_get(f, "properties"), "code")), code))
            return f;
    }
    cr_assert_fail("no feature %s", code);
    return NULL;
}

static const char *prop(json_t *f, const char *key)
{
    return json_string_value(json_object_get(json_object_get(f, "properties"), key));
}

static json_t *propj(json_t *f, const char *key)
{
    return json_object_get(json_object_get(f, "properties"), key);
}

/* Polygons of a feature's geometry as an array of polygons (Polygon wrapped). */
static json_t *polygons(json_t *f)
{
    json_t *g = json_object_get(f, "geometry");
    json_t *c = json_object_get(g, "coordinates");
    if (!strcmp(json_string_value(json_object_get(g, "type")), "Polygon")) {
        json_t *a = json_array();
        json_array_append(a, c);
        return a;
    }
    return json_incref(c);
}

/* Max decimals of the numbers inside every "coordinates" array of a text,
 * and how many numbers have exactly that many. */
static int coordinate_decimals(const char *text, long *at_max)
{
    int maxd = 0;
    long n = 0;
    const char *p = text;
    while ((p = strstr(p, "\"coordinates\":"))) {
        p += 14;
        int depth = 0;
        do {
            if (*p == '[')
                depth++;
            else if (*p == ']')
                depth--;
            else if (*p == '.') {
                int d = 0;
                for (const char *q = p + 1; *q >= '0' && *q <= '9'; q++)
                    d++;
                if (d > maxd) {
                    maxd = d;
                    n = 0;
                }
                if (d == maxd)
                    n++;
            }
            p++;
        } while (depth > 0 && *p);
    }
    if (at_max)
        *at_max = n;
    return maxd;
}

/* Import a file into a new park and compare it with QDIP: same codes, names,
 * uses, vertex counts; geometries within `maxdist` m; areas within `maxarea`
 * m² (or, `relative`, within that fraction of the area). */
static void roundtrip(const char *path, const char *park, double maxdist, double maxarea, int relative)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, park, park, NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = park;
    o.allow_overlap = 1; /* the same land as QDIP's, on purpose */
    pl_import_result r;
    int rc = pl_import_parcels(db, path, &o, &r, &err);
    for (size_t m = 0; rc && m < r.nmessages; m++)
        fprintf(stderr, "%s\n", r.messages[m].text);
    cr_assert_eq(rc, PL_OK, "%s: %s", path, err.message);
    cr_assert_eq(r.inserted, 48, "%s: %ld inserted", path, r.inserted);
    pl_import_result_release(&r);
    double same = tu_sql_num_arg(db,
        "SELECT count(*) FROM parcel a JOIN park ka ON ka.id = a.park_id AND ka.code = 'QDIP'"
        " JOIN parcel b ON b.code = a.code JOIN park kb ON kb.id = b.park_id AND kb.code = ?1"
        " WHERE a.name = b.name AND a.land_use = b.land_use AND a.land_use_code IS b.land_use_code"
        " AND ST_NumGeometries(a.geom) = ST_NumGeometries(b.geom) AND ST_NPoints(a.geom) = ST_NPoints(b.geom)",
        park);
    cr_assert_eq(same, 48, "%s: %g of 48 parcels have the same code, name, use and shape", path, same);
    double d = tu_sql_num_arg(db, "SELECT max(HausdorffDistance(a.geom, b.geom)) FROM parcel a JOIN park ka"
                                  " ON ka.id = a.park_id AND ka.code = 'QDIP' JOIN parcel b ON b.code = a.code"
                                  " JOIN park kb ON kb.id = b.park_id AND kb.code = ?1", park);
    cr_assert_lt(d, maxdist, "%s: geometries differ by %.6f m", path, d);
    double a = tu_sql_num_arg(db, relative ? "SELECT max(abs(a.area_m2 - b.area_m2) / a.area_m2) FROM parcel a"
                                             " JOIN park ka ON ka.id = a.park_id AND ka.code = 'QDIP' JOIN parcel b"
                                             " ON b.code = a.code JOIN park kb ON kb.id = b.park_id AND kb.code = ?1"
                                           : "SELECT max(abs(a.area_m2 - b.area_m2)) FROM parcel a JOIN park ka"
                                             " ON ka.id = a.park_id AND ka.code = 'QDIP' JOIN parcel b"
                                             " ON b.code = a.code JOIN park kb ON kb.id = b.park_id"
                                             " AND kb.code = ?1", park);
    cr_assert_lt(a, maxarea, "%s: areas differ by %.6g %s", path, a, relative ? "(relative)" : "m²");
}

/* ---- the style table ------------------------------------------------------- */

Test(export, one_style_table_matches_the_status_labels)
{
    for (size_t i = 0; pl_parcel_status_ids[i]; i++) {
        const pl_style *s = pl_style_get(PL_STYLE_AVAILABILITY, pl_parcel_status_ids[i]);
        cr_assert_not_null(s, "no style for status %s", pl_parcel_status_ids[i]);
        cr_assert_str_eq(s->zh, pl_parcel_status_zh(s->key));
        cr_assert_str_eq(s->en, pl_parcel_status_en(s->key));
    }
    cr_assert_not_null(pl_style_get(PL_STYLE_AVAILABILITY, "retired"));
    for (int t = 0; t < 2; t++) {
        size_t n = pl_style_count((pl_style_theme)t);
        cr_assert_leq(n, PL_STYLE_MAX);
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                cr_assert_str_neq(pl_style_at((pl_style_theme)t, i)->fill, pl_style_at((pl_style_theme)t, j)->fill,
                                  "theme %d: classes %zu and %zu share a fill", t, i, j);
    }
    /* a meaning shared by both themes has one colour */
    static const char *const shared[] = {"construction", "production", "verified", "idle"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(pl_style_get(PL_STYLE_AVAILABILITY, shared[i])->fill,
                         pl_style_get(PL_STYLE_LANDING, shared[i])->fill);
    char c[9];
    pl_style_kml_color("#b0bec5", 0.6, c);
    cr_assert_str_eq(c, "99c5beb0");
    pl_style_kml_color("#1b5e20", 1.0, c);
    cr_assert_str_eq(c, "ff205e1b");
    cr_assert_str_eq(pl_stage_zh("land_supplied"), "已供地");
    cr_assert_null(pl_stage_zh("overdue"));
}

/* ---- GeoJSON -------------------------------------------------------------------- */

Test(export, geojson_follows_rfc7946)
{
    pl_export_options o;
    pl_export_options_init(&o);
    pl_export_result res;
    const char *path = export_to(&o, "a.geojson", &res);
    cr_assert_eq(res.parcels, 48);
    cr_assert_eq(res.srid, 4326);
    json_t *fc = load_json(path);
    cr_assert_str_eq(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    cr_assert_null(json_object_get(fc, "crs"), "RFC 7946 has no crs member");
    cr_assert_null(json_object_get(fc, "coord_sys"));
    cr_assert_null(json_object_get(fc, "bbox"));
    json_t *fs = json_object_get(fc, "features");
    cr_assert_eq(json_array_size(fs), 48);
    long holes = 0, multi = 0;
    for (size_t i = 0; i < 48; i++) {
        json_t *f = json_array_get(fs, i);
        cr_assert(json_is_integer(json_object_get(f, "id")), "feature %zu has no integer id", i);
        for (size_t j = 0; j < i; j++)
            cr_assert_neq(json_integer_value(json_object_get(f, "id")),
                          json_integer_value(json_object_get(json_array_get(fs, j), "id")));
        json_t *ps = polygons(f);
        multi += json_array_size(ps) > 1;
        for (size_t p = 0; p < json_array_size(ps); p++) {
            json_t *rings = json_array_get(ps, p);
            for (size_t r = 0; r < json_array_size(rings); r++) {
                json_t *ring = json_array_get(rings, r);
                double a = shoelace(ring);
                if (r == 0)
                    cr_assert_gt(a, 0, "%s: exterior ring is not counter-clockwise", prop(f, "code"));
                else
                    cr_assert_lt(a, 0, "%s: hole %zu is not clockwise", prop(f, "code"), r);
                holes += r > 0;
                /* closed, lon first (Qingdao: 120.07–120.10 E, 36.04–36.06 N) */
                json_t *first = json_array_get(ring, 0), *last = json_array_get(ring, json_array_size(ring) - 1);
                cr_assert(json_equal(first, last));
                for (size_t k = 0; k < json_array_size(ring); k++) {
                    double lon = json_number_value(json_array_get(json_array_get(ring, k), 0));
                    double lat = json_number_value(json_array_get(json_array_get(ring, k), 1));
                    cr_assert(lon > 120.06 && lon < 120.10 && lat > 36.04 && lat < 36.06, "%f %f", lon, lat);
                }
            }
        }
        json_decref(ps);
    }
    cr_assert_eq(holes, 6);
    cr_assert_eq(multi, 1);
    /* properties and simplestyle */
    json_t *f = feature_by_code(fc, "QDIP-2024-009");
    cr_assert_str_eq(prop(f, "name"), "中德生态园标准地A-09");
    cr_assert_str_eq(prop(f, "park"), "QDIP");
    cr_assert_str_eq(prop(f, "status"), "reserve");
    cr_assert_str_eq(prop(f, "status_zh"), "储备");
    cr_assert_str_eq(prop(f, "status_en"), "Land bank");
    cr_assert_str_eq(prop(f, "land_use_code"), "0601");
    cr_assert_float_eq(json_number_value(propj(f, "area_m2")), 165900.02, 0.006);
    cr_assert_float_eq(json_number_value(propj(f, "area_mu")), 248.85, 0.005);
    cr_assert_float_eq(json_number_value(propj(f, "area_ha")), 16.59, 0.00005);
    cr_assert_str_eq(prop(f, "fill"), "#b0bec5");
    cr_assert_str_eq(prop(f, "stroke"), "#546e7a");
    cr_assert_float_eq(json_number_value(propj(f, "fill-opacity")), 0.6, 1e-9);
    cr_assert(json_is_number(propj(f, "stroke-width")));
    cr_assert_str_eq(prop(f, "title"), "QDIP-2024-009 中德生态园标准地A-09");
    cr_assert(json_is_null(propj(f, "company")));
    cr_assert(json_is_false(propj(f, "overdue")));
    /* the legend foreign member */
    json_t *leg = json_object_get(fc, "legend");
    cr_assert_eq(json_array_size(leg), 1, "the legend lists the classes present");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(leg, 0), "class")), "reserve");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(leg, 0), "parcels")), 48);
    json_decref(fc);
    /* 7 decimals by default, and used */
    char *text = tu_read_file(path, NULL);
    long n7;
    cr_assert_eq(coordinate_decimals(text, &n7), 7);
    cr_assert_gt(n7, 500);
    free(text);
}

static int cmp_pair(const void *a, const void *b)
{
    const double *p = a, *q = b;
    if (p[0] != q[0])
        return p[0] < q[0] ? -1 : 1;
    return p[1] < q[1] ? -1 : p[1] > q[1];
}

/* The coordinates are transformed in C (src/xform.h), not by SQL: they must be
 * ST_Transform's, vertex for vertex (compared at 15 decimals, sorted, so that
 * the re-oriented rings compare too). The stored geometry is read by export.c
 * itself; every other parcel is stored compressed here, the form it leaves to
 * SpatiaLite. */
Test(export, geojson_coordinates_are_st_transform_vertex_for_vertex)
{
    tu_sql_exec(db, "UPDATE parcel SET geom = CompressGeometry(geom) WHERE id % 2 = 0");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE id % 2 = 0 AND hex(geom) LIKE '%6943420F00%'"),
                 24, "the compressed polygons (class 1000003) are stored");
    pl_export_options o;
    pl_export_options_init(&o);
    o.precision = 15;
    json_t *fc = load_json(export_to(&o, "p15.geojson", NULL));
    json_t *fs = json_object_get(fc, "features");
    cr_assert_eq(json_array_size(fs), 48);
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        double *got = NULL, *want = NULL;
        size_t ng = 0, nw = 0;
        json_t *ps = polygons(f);
        for (size_t p = 0; p < json_array_size(ps); p++)
            for (size_t r = 0; r < json_array_size(json_array_get(ps, p)); r++) {
                json_t *ring = json_array_get(json_array_get(ps, p), r);
                for (size_t k = 0; k < json_array_size(ring); k++) {
                    got = realloc(got, (ng + 1) * 2 * sizeof *got);
                    got[2 * ng] = json_number_value(json_array_get(json_array_get(ring, k), 0));
                    got[2 * ng + 1] = json_number_value(json_array_get(json_array_get(ring, k), 1));
                    ng++;
                }
            }
        json_decref(ps);
        const char *wkt = tu_sql_text_arg(db, "SELECT AsWkt(ST_Transform(geom, 4326), 15) FROM parcel WHERE code = ?1",
                                          prop(f, "code"));
        cr_assert_not_null(wkt);
        for (const char *c = wkt; *c;) {
            if ((*c >= '0' && *c <= '9') || *c == '-') {
                char *e;
                double x = strtod(c, &e);
                double y = strtod(e, &e);
                want = realloc(want, (nw + 1) * 2 * sizeof *want);
                want[2 * nw] = x, want[2 * nw + 1] = y;
                nw++;
                c = e;
            } else {
                c++;
            }
        }
        cr_assert_eq(ng, nw, "%s: %zu vertices exported, %zu from ST_Transform", prop(f, "code"), ng, nw);
        qsort(got, ng, 2 * sizeof *got, cmp_pair);
        qsort(want, nw, 2 * sizeof *want, cmp_pair);
        for (size_t k = 0; k < 2 * ng; k++)
            cr_assert(fabs(got[k] - want[k]) <= 1e-13, "%s: %.15f vs ST_Transform %.15f", prop(f, "code"), got[k],
                      want[k]);
        free(got);
        free(want);
    }
    json_decref(fc);
}

Test(export, geojson_precision_and_bbox)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.precision = 3;
    o.bbox = 1;
    const char *path = export_to(&o, "p3.geojson", NULL);
    char *text = tu_read_file(path, NULL);
    cr_assert_eq(coordinate_decimals(text, NULL), 3);
    free(text);
    json_t *fc = load_json(path);
    json_t *bb = json_object_get(fc, "bbox");
    cr_assert_eq(json_array_size(bb), 4);
    double all[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    json_t *fs = json_object_get(fc, "features");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i), *fb = json_object_get(f, "bbox");
        cr_assert_eq(json_array_size(fb), 4, "feature %zu has no bbox", i);
        double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        json_t *ps = polygons(f);
        for (size_t p = 0; p < json_array_size(ps); p++)
            for (size_t r = 0; r < json_array_size(json_array_get(ps, p)); r++) {
                json_t *ring = json_array_get(json_array_get(ps, p), r);
                for (size_t k = 0; k < json_array_size(ring); k++) {
                    double x = json_number_value(json_array_get(json_array_get(ring, k), 0));
                    double y = json_number_value(json_array_get(json_array_get(ring, k), 1));
                    b[0] = fmin(b[0], x), b[1] = fmin(b[1], y), b[2] = fmax(b[2], x), b[3] = fmax(b[3], y);
                }
            }
        json_decref(ps);
        for (int k = 0; k < 4; k++) {
            cr_assert_float_eq(json_number_value(json_array_get(fb, k)), b[k], 1e-12, "feature %zu bbox[%d]", i, k);
            all[k] = k < 2 ? fmin(all[k], b[k]) : fmax(all[k], b[k]);
        }
    }
    for (int k = 0; k < 4; k++)
        cr_assert_float_eq(json_number_value(json_array_get(bb, k)), all[k], 1e-12);
    json_decref(fc);
}

/* --bd09: every coordinate is the GCJ-02 one with Baidu's offset (checked against
 * the known pair GCJ-02 116.404,39.915 → BD-09 116.41036949,39.92133699 of the public
 * coordtransform examples), and every format says so. */
Test(export, bd09_shifts_every_coordinate_and_says_so)
{
    double kb1, kb2;
    pl_gcj02_to_bd09(116.404, 39.915, &kb1, &kb2);
    cr_assert(fabs(kb1 - 116.41036949371029) < 1e-9 && fabs(kb2 - 39.92133699351022) < 1e-9, "%.10f %.10f", kb1, kb2);
    pl_export_options o;
    pl_export_options_init(&o);
    o.precision = 10;
    o.gcj02 = 1;
    json_t *gcj = load_json(export_to(&o, "gcj.geojson", NULL));
    o.gcj02 = 0;
    o.bd09 = 1;
    pl_export_result res;
    json_t *bd = load_json(export_to(&o, "bd.geojson", &res));
    cr_assert(res.bd09 && !res.gcj02);
    cr_assert(strstr(res.crs_note, "BD-09"), "%s", res.crs_note);
    cr_assert_str_eq(json_string_value(json_object_get(bd, "coord_sys")), "BD-09");
    json_t *fa = json_object_get(gcj, "features"), *fb = json_object_get(bd, "features");
    cr_assert_eq(json_array_size(fb), 48);
    long checked = 0;
    for (size_t i = 0; i < 48; i++) {
        json_t *pa = polygons(json_array_get(fa, i)), *pb = polygons(json_array_get(fb, i));
        for (size_t p = 0; p < json_array_size(pa); p++)
            for (size_t r = 0; r < json_array_size(json_array_get(pa, p)); r++) {
                json_t *ra = json_array_get(json_array_get(pa, p), r), *rb = json_array_get(json_array_get(pb, p), r);
                cr_assert_eq(json_array_size(ra), json_array_size(rb));
                for (size_t k = 0; k < json_array_size(ra); k++) {
                    double lon = json_number_value(json_array_get(json_array_get(ra, k), 0));
                    double lat = json_number_value(json_array_get(json_array_get(ra, k), 1));
                    double blon, blat, glon, glat;
                    pl_gcj02_to_bd09(lon, lat, &blon, &blat);
                    cr_assert_float_eq(json_number_value(json_array_get(json_array_get(rb, k), 0)), blon, 2e-10);
                    cr_assert_float_eq(json_number_value(json_array_get(json_array_get(rb, k), 1)), blat, 2e-10);
                    /* Baidu's offset is about 0.0065° east, 0.006° north; and it inverts */
                    cr_assert(blon - lon > 0.005 && blon - lon < 0.008 && blat - lat > 0.004 && blat - lat < 0.008,
                              "%.7f %.7f", blon - lon, blat - lat);
                    pl_bd09_to_gcj02(blon, blat, &glon, &glat);
                    cr_assert(fabs(glon - lon) < 1e-5 && fabs(glat - lat) < 1e-5);
                    checked++;
                }
            }
        json_decref(pa);
        json_decref(pb);
    }
    cr_assert_gt(checked, 300);
    json_decref(gcj);
    json_decref(bd);
    o.precision = 7;
    o.format = PL_EXPORT_KML;
    char *kml = tu_read_file(export_to(&o, "bd.kml", NULL), NULL);
    cr_assert(strstr(kml, "<b>BD-09</b>"), "the KML description does not mention BD-09");
    free(kml);
    o.format = PL_EXPORT_HTML;
    char *html = tu_read_file(export_to(&o, "bd.html", NULL), NULL);
    cr_assert(strstr(html, "label points: <b>BD-09</b>"));
    free(html);
}

Test(export, gcj02_shifts_every_coordinate_and_says_so)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.precision = 10;
    json_t *plain = load_json(export_to(&o, "wgs.geojson", NULL));
    o.gcj02 = 1;
    pl_export_result res;
    json_t *gcj = load_json(export_to(&o, "gcj.geojson", &res));
    cr_assert(res.gcj02);
    cr_assert_str_eq(json_string_value(json_object_get(gcj, "coord_sys")), "GCJ-02");
    json_t *fa = json_object_get(plain, "features"), *fb = json_object_get(gcj, "features");
    cr_assert_eq(json_array_size(fb), 48);
    long checked = 0;
    for (size_t i = 0; i < 48; i++) {
        json_t *pa = polygons(json_array_get(fa, i)), *pb = polygons(json_array_get(fb, i));
        for (size_t p = 0; p < json_array_size(pa); p++)
            for (size_t r = 0; r < json_array_size(json_array_get(pa, p)); r++) {
                json_t *ra = json_array_get(json_array_get(pa, p), r), *rb = json_array_get(json_array_get(pb, p), r);
                cr_assert_eq(json_array_size(ra), json_array_size(rb));
                for (size_t k = 0; k < json_array_size(ra); k++) {
                    double lon = json_number_value(json_array_get(json_array_get(ra, k), 0));
                    double lat = json_number_value(json_array_get(json_array_get(ra, k), 1));
                    double glon, glat;
                    pl_wgs84_to_gcj02(lon, lat, &glon, &glat);
                    cr_assert_float_eq(json_number_value(json_array_get(json_array_get(rb, k), 0)), glon, 2e-10);
                    cr_assert_float_eq(json_number_value(json_array_get(json_array_get(rb, k), 1)), glat, 2e-10);
                    /* about 470 m east in Qingdao */
                    cr_assert(glon - lon > 0.0045 && glon - lon < 0.0056, "%.7f", glon - lon);
                    checked++;
                }
            }
        json_decref(pa);
        json_decref(pb);
    }
    cr_assert_gt(checked, 300);
    json_decref(plain);
    json_decref(gcj);
    /* KML and HTML say so too */
    o.precision = 7;
    o.format = PL_EXPORT_KML;
    char *kml = tu_read_file(export_to(&o, "gcj.kml", NULL), NULL);
    cr_assert(strstr(kml, "<b>GCJ-02</b>"), "the KML description does not mention GCJ-02");
    free(kml);
    o.format = PL_EXPORT_HTML;
    char *html = tu_read_file(export_to(&o, "gcj.html", NULL), NULL);
    cr_assert(strstr(html, "label points: <b>GCJ-02</b>"));
    free(html);
}

Test(export, geojson_round_trip_through_the_importer)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.park = "QDIP"; /* not the parks the round trips add */
    /* 7 decimals (~1 cm): same parcels, areas within a fraction of a m² */
    roundtrip(export_to(&o, "rt7.geojson", NULL), "GJ7", 0.02, 2e-4, 1);
    /* 10 decimals: within a millimetre */
    o.precision = 10;
    roundtrip(export_to(&o, "rt10.geojson", NULL), "GJ10", 0.001, 0.01, 0);
}

/* ---- KML -------------------------------------------------------------------------- */

Test(export, kml_is_schema_valid_with_styles_folders_and_label_points)
{
    tu_sql_exec(db, "UPDATE parcel SET status = 'available' WHERE code IN ('QDIP-2024-001', 'QDIP-2024-002')");
    tu_sql_exec(db, "UPDATE parcel SET status = 'idle' WHERE code = 'QDIP-2024-029'");
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_KML;
    const char *path = export_to(&o, "a.kml", NULL);
    xmlDocPtr d = load_xml(path);
    char why[1024];
    cr_assert(kml_valid(d, why), "not valid KML 2.2: %s", why);
    xmlNodePtr root = xmlDocGetRootElement(d);
    cr_assert_str_eq((const char *)root->name, "kml");
    cr_assert_str_eq((const char *)root->ns->href, KML_NS);
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Style"), 11); /* 10 statuses and reclaimed */
    char *c = xstring(d, "//k:Style[@id='availability-reserve']/k:PolyStyle/k:color");
    cr_assert_str_eq(c, "99c5beb0");
    free(c);
    c = xstring(d, "//k:Style[@id='availability-available']/k:LineStyle/k:color");
    cr_assert_str_eq(c, "ff205e1b");
    free(c);
    /* legend, then park folder with LookAt, then class folders in legend order */
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder[1]/k:Placemark"), 3, "the classes present");
    c = xstring(d, "/k:kml/k:Document/k:Folder[1]/k:name");
    cr_assert_str_eq(c, "图例 legend");
    free(c);
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder[2]/k:LookAt"), 1);
    c = xstring(d, "/k:kml/k:Document/k:Folder[2]/k:LookAt/k:longitude");
    cr_assert(atof(c) > 120.07 && atof(c) < 120.10, "%s", c);
    free(c);
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder[2]/k:Folder"), 3);
    assert_xprefix(d, "/k:kml/k:Document/k:Folder[2]/k:Folder[1]/k:name", "储备 Land bank — 45 宗");
    assert_xprefix(d, "/k:kml/k:Document/k:Folder[2]/k:Folder[2]/k:name", "可供 Available — 2 宗");
    cr_assert_eq(xcount(d, "//k:Placemark[k:MultiGeometry]"), 48);
    cr_assert_eq(xcount(d, "//k:Placemark/k:MultiGeometry/k:Point"), 48);
    cr_assert_eq(xcount(d, "//k:Placemark[@id]/k:MultiGeometry[count(k:Polygon)=2]"), 1);
    cr_assert_eq(xcount(d, "//k:innerBoundaryIs"), 6);
    cr_assert_eq(xcount(d, "//k:Folder[2]/k:Placemark[k:styleUrl='#availability-available']"), 2);
    cr_assert_eq(xcount(d, "//k:Placemark[@id][k:styleUrl='#availability-idle']"), 1);
    /* every field as ExtendedData, with a display name */
    cr_assert_eq(xcount(d, "//k:Placemark[@id]/k:ExtendedData/k:Data[@name='code']"), 48);
    c = xstring(d, "//k:Placemark[k:ExtendedData/k:Data[@name='code']/k:value='QDIP-2024-009']"
                   "/k:ExtendedData/k:Data[@name='area_mu']/k:displayName");
    cr_assert_str_eq(c, "面积 area (亩)");
    free(c);
    c = xstring(d, "//k:Placemark[k:ExtendedData/k:Data[@name='code']/k:value='QDIP-2024-009']/k:name");
    cr_assert_str_eq(c, "中德生态园标准地A-09");
    free(c);
    /* the bilingual balloon: one template per class (BalloonStyle), filled from each placemark's Data */
    c = xstring(d, "//k:Placemark[k:ExtendedData/k:Data[@name='code']/k:value='QDIP-2024-009']/k:styleUrl");
    cr_assert_str_eq(c, "#availability-reserve");
    free(c);
    c = xstring(d, "//k:Style[@id='availability-reserve']/k:BalloonStyle/k:text");
    cr_assert(strstr(c, "<th align=\"left\">宗地号 code</th><td>$[code]</td>"), "%s", c);
    cr_assert(strstr(c, "<th align=\"left\">面积 area (亩)</th><td>$[area_mu]</td>"), "%s", c);
    cr_assert(strstr(c, "储备 Land bank"), "%s", c);
    free(c);
    cr_assert_eq(xcount(d, "//k:Placemark/k:description"), 0, "no balloon per placemark");
    cr_assert_eq(xcount(d, "//k:Placemark[@id]/k:Style"), 0, "no placemark of the sample needs its own balloon");
    /* every entity of every template is a Data element of every parcel */
    xmlXPathObjectPtr tpl = xpath(d, "/k:kml/k:Document/k:Style/k:BalloonStyle/k:text");
    cr_assert_eq(tpl->nodesetval->nodeNr, 11);
    for (int i = 0; i < tpl->nodesetval->nodeNr; i++) {
        xmlChar *text = xmlNodeGetContent(tpl->nodesetval->nodeTab[i]);
        long entities = 0;
        for (const char *e = (const char *)text; (e = strstr(e, "$[")); e += 2) {
            const char *end = strchr(e, ']');
            cr_assert_not_null(end);
            char key[128], q[256];
            snprintf(key, sizeof key, "%.*s", (int)(end - e - 2), e + 2);
            snprintf(q, sizeof q, "//k:Placemark[@id]/k:ExtendedData/k:Data[@name='%s']", key);
            cr_assert_eq(xcount(d, q), 48, "entity $[%s] is not a Data of every placemark", key);
            entities++;
        }
        cr_assert_gt(entities, 40);
        xmlFree(text);
    }
    xmlXPathFreeObject(tpl);
    /* the label point lies inside its parcel (PointOnSurface, not the centroid) */
    xmlXPathObjectPtr pts = xpath(d, "//k:Placemark[@id]");
    for (int i = 0; i < pts->nodesetval->nodeNr; i++) {
        xmlXPathContextPtr ctx = xmlXPathNewContext(d);
        xmlXPathRegisterNs(ctx, BAD_CAST "k", BAD_CAST KML_NS);
        ctx->node = pts->nodesetval->nodeTab[i];
        xmlXPathObjectPtr code = xmlXPathEvalExpression(BAD_CAST "string(k:ExtendedData/k:Data[@name='code']/k:value)", ctx);
        xmlXPathObjectPtr pt = xmlXPathEvalExpression(BAD_CAST "string(k:MultiGeometry/k:Point/k:coordinates)", ctx);
        double lon, lat;
        cr_assert_eq(sscanf((const char *)pt->stringval, "%lf,%lf", &lon, &lat), 2);
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT ST_Contains(ST_Transform(geom, 4326), MakePoint(%.10f, %.10f, 4326))"
                                  " FROM parcel WHERE code = ?1", lon, lat);
        cr_assert_eq(tu_sql_num_arg(db, sql, (const char *)code->stringval), 1, "%s: label point outside",
                     code->stringval);
        xmlXPathFreeObject(code);
        xmlXPathFreeObject(pt);
        xmlXPathFreeContext(ctx);
    }
    xmlXPathFreeObject(pts);
    xmlFreeDoc(d);
}

Test(export, kml_round_trip_through_the_importer)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.park = "QDIP"; /* not the parks the round trips add */
    o.format = PL_EXPORT_KML;
    roundtrip(export_to(&o, "rt7.kml", NULL), "KML7", 0.02, 2e-4, 1);
    o.precision = 10;
    roundtrip(export_to(&o, "rt10.kml", NULL), "KML10", 0.001, 0.01, 0);
}

/* The KML as pl_export_file writes it (placemarks straight into the file, each
 * folder's header written afterwards into the room kept for it) and as a
 * stream writes it (placemarks through one temporary file per class): the same
 * document but for white space between elements. */
static char *kml_without_blanks(const char *text, size_t len)
{
    xmlDocPtr d = xmlReadMemory(text, (int)len, NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    cr_assert_not_null(d, "not well-formed");
    char why[1024];
    cr_assert(kml_valid(d, why), "not valid KML 2.2: %s", why);
    xmlChar *mem;
    int n;
    xmlDocDumpMemory(d, &mem, &n);
    char *out = strndup((const char *)mem, (size_t)n);
    xmlFree(mem);
    xmlFreeDoc(d);
    return out;
}

static void add_projects(void);

static void same_kml_in_place_and_streamed(const pl_export_options *o, const char *name)
{
    size_t flen;
    char *file = tu_read_file(export_to(o, name, NULL), &flen);
    char *mem = NULL;
    size_t mlen = 0;
    FILE *f = open_memstream(&mem, &mlen);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_export_stream(db, o, f, NULL, &err), PL_OK, "%s", err.message);
    fclose(f);
    char *a = kml_without_blanks(file, flen), *b = kml_without_blanks(mem, mlen);
    cr_assert_str_eq(a, b, "%s: the file and the stream differ", name);
    cr_assert_lt(strlen(b), mlen + 1);
    free(a), free(b), free(file), free(mem);
}

Test(export, kml_written_in_place_equals_the_streamed_kml)
{
    /* two parks, every class of both themes, a park name that fills the folder name (cut at
     * 1023 bytes, in the middle of a character, all of it escaped), an area of 1e300 */
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "ZZ", "第二园区", "Second park", NULL, NULL, &err), PL_OK, "%s", err.message);
    pl_import_options zo;
    pl_import_options_init(&zo);
    zo.park = "ZZ";
    zo.allow_overlap = 1; /* the same land as QDIP's */
    tu_import_with(db, SAMPLES_DIR "/parcels.txt", &zo);
    tu_sql_exec(db, "UPDATE parcel SET status = CASE id % 5 WHEN 0 THEN 'available' WHEN 1 THEN 'idle'"
                    " WHEN 2 THEN 'reserve' WHEN 3 THEN 'listed' ELSE 'production' END");
    add_projects();
    char big[2100];
    size_t n = 0;
    for (int i = 0; n + 4 < sizeof big; i++) {
        const char *piece = i % 3 ? "&<" : "园";
        memcpy(big + n, piece, strlen(piece));
        n += strlen(piece);
    }
    big[n] = '\0';
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "UPDATE park SET name = ?1 WHERE code = 'ZZ'", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, big, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 1e300 WHERE id = (SELECT max(id) FROM parcel)");
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_KML;
    o.as_of = "2024-07-01";
    same_kml_in_place_and_streamed(&o, "av.kml");
    o.theme = PL_THEME_LANDING;
    same_kml_in_place_and_streamed(&o, "la.kml");
    o.timeline = 1;
    same_kml_in_place_and_streamed(&o, "tl.kml");
    /* the folders in legend order, each class once per park */
    o.timeline = 0;
    o.theme = PL_THEME_AVAILABILITY;
    xmlDocPtr d = load_xml(export_to(&o, "av2.kml", NULL));
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder"), 3);
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder[2]/k:Folder"), 5);
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder[3]/k:Folder"), 5);
    assert_xprefix(d, "/k:kml/k:Document/k:Folder[3]/k:Folder[1]/k:name", "储备 Land bank — ");
    assert_xprefix(d, "/k:kml/k:Document/k:Folder[3]/k:name", "园&<&<园");
    cr_assert_eq(xcount(d, "//k:Placemark[@id]"), 96);
    xmlFreeDoc(d);
}

/* Records entered after the fact: a parcel imported today whose moves took
 * effect years ago still gets a period per status, starting at the first move. */
Test(export, kml_timeline_with_moves_back_dated_before_the_import)
{
    tu_sql_exec(db, "UPDATE parcel SET created_at = '2026-11-28T08:00:00Z', status = 'reserved'"
                    " WHERE code = 'QDIP-2024-002'");
    sqlite3_int64 id = (sqlite3_int64)tu_sql_num(db, "SELECT id FROM parcel WHERE code = 'QDIP-2024-002'");
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, effective) VALUES"
             " ('parcel', %lld, 'QDIP-2024-002', 'status', 'reserve', 'available', '2026-11-28T09:00:00Z', 't',"
             "  '2024-11-15'),"
             " ('parcel', %lld, 'QDIP-2024-002', 'status', 'available', 'reserved', '2026-11-28T09:01:00Z', 't',"
             "  '2025-06-01')", id, id);
    tu_sql_exec(db, sql);
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_KML;
    o.timeline = 1;
    pl_export_result res;
    xmlDocPtr d = load_xml(export_to(&o, "tb.kml", &res));
    char q[320];
    /* the reserve period before the first move has no length and is dropped: available, then reserved */
    snprintf(q, sizeof q, "//k:Placemark[starts-with(@id, 'p%lld-')]", (long long)id);
    cr_assert_eq(xcount(d, q), 2);
    snprintf(q, sizeof q, "//k:Placemark[starts-with(@id, 'p%lld-')][k:styleUrl='#availability-available']"
             "/k:TimeSpan[k:begin='2024-11-15'][k:end='2025-06-01']", (long long)id);
    cr_assert_eq(xcount(d, q), 1);
    snprintf(q, sizeof q, "//k:Placemark[starts-with(@id, 'p%lld-')][k:styleUrl='#availability-reserved']"
             "/k:TimeSpan[k:begin='2025-06-01']", (long long)id);
    cr_assert_eq(xcount(d, q), 1);
    xmlFreeDoc(d);
}

Test(export, kml_timeline_has_one_placemark_per_status_period)
{
    tu_sql_exec(db, "UPDATE parcel SET created_at = '2023-12-01T08:00:00Z', status = 'listed'"
                    " WHERE code = 'QDIP-2024-001'");
    sqlite3_int64 id = (sqlite3_int64)tu_sql_num(db, "SELECT id FROM parcel WHERE code = 'QDIP-2024-001'");
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who) VALUES"
             " ('parcel', %lld, 'QDIP-2024-001', 'status', 'available', 'reserved', '2024-03-05T09:00:00Z', 't'),"
             " ('parcel', %lld, 'QDIP-2024-001', 'status', 'reserve', 'available', '2024-01-10T09:00:00Z', 't'),"
             " ('parcel', %lld, 'QDIP-2024-001', 'status', 'reserved', 'listed', '2024-04-01T09:00:00Z', 't')",
             id, id, id);
    tu_sql_exec(db, sql);
    /* the date a move takes effect wins over when it was recorded (column being added to history) */
    int effective = tu_sql_num(db, "SELECT count(*) FROM pragma_table_info('history') WHERE name = 'effective'") > 0;
    if (effective)
        tu_sql_exec(db, "UPDATE history SET effective = '2024-03-01' WHERE new_value = 'reserved'");
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_KML;
    o.timeline = 1;
    pl_export_result res;
    xmlDocPtr d = load_xml(export_to(&o, "t.kml", &res));
    char why[1024];
    cr_assert(kml_valid(d, why), "not valid KML 2.2: %s", why);
    cr_assert_eq(res.parcels, 48);
    cr_assert_eq(res.features, 47 + 4);
    cr_assert_eq(xcount(d, "//k:Placemark[starts-with(@id, 'p')]"), 51);
    struct {
        const char *id, *style, *begin, *end;
    } want[] = {
        {"1", "reserve", "2023-12-01", "2024-01-10"},
        {"2", "available", "2024-01-10", "2024-03-05"},
        {"3", "reserved", "2024-03-05", "2024-04-01"},
        {"4", "listed", "2024-04-01", ""},
    };
    if (effective) {
        want[1].end = "2024-03-01";
        want[2].begin = "2024-03-01";
    }
    for (int i = 0; i < 4; i++) {
        char e[256];
        snprintf(e, sizeof e, "//k:Placemark[@id='p%lld-%s']", (long long)id, want[i].id);
        char q[320];
        snprintf(q, sizeof q, "%s/k:styleUrl", e);
        char *s = xstring(d, q), url[64];
        snprintf(url, sizeof url, "#availability-%s", want[i].style);
        cr_assert_str_eq(s, url, "period %d", i + 1);
        free(s);
        snprintf(q, sizeof q, "%s/k:TimeSpan/k:begin", e);
        s = xstring(d, q);
        cr_assert_str_eq(s, want[i].begin, "period %d begins", i + 1);
        free(s);
        snprintf(q, sizeof q, "%s/k:TimeSpan/k:end", e);
        s = xstring(d, q);
        cr_assert_str_eq(s, want[i].end, "period %d ends", i + 1);
        free(s);
    }
    /* each period sits in the folder of its status */
    char q[256];
    snprintf(q, sizeof q, "//k:Folder[starts-with(k:name, '可供')]/k:Placemark[@id='p%lld-2']", (long long)id);
    cr_assert_eq(xcount(d, q), 1);
    xmlFreeDoc(d);
}

/* ---- TXT ---------------------------------------------------------------------------- */

/* The part of a TXT after "[地块坐标]". */
static const char *coord_section(const char *s)
{
    const char *p = strstr(s, "[地块坐标]");
    cr_assert_not_null(p);
    return p;
}

Test(export, txt_is_the_ministry_form_in_gbk_with_crlf)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_TXT;
    pl_export_result res;
    const char *path = export_to(&o, "a.txt", &res);
    cr_assert_eq(res.srid, 4528);
    size_t len;
    char *raw = tu_read_file(path, &len);
    cr_assert_not(pl_text_is_utf8(raw, len), "the default TXT is GBK");
    for (size_t i = 0; i < len; i++)
        if (raw[i] == '\n')
            cr_assert(i > 0 && raw[i - 1] == '\r', "bare LF at byte %zu", i);
    char *u = pl_text_gbk_to_utf8(raw, len, NULL);
    cr_assert_not_null(u);
    static const char *const head[] = {"[属性描述]\r\n", "格式版本号=1.01\r\n", "坐标系=2000国家大地坐标系\r\n",
                                       "几度分带=3\r\n", "投影类型=高斯克吕格\r\n", "计量单位=米\r\n", "带号=40\r\n",
                                       "精度=0.001\r\n", "转换参数=,,,,,,\r\n", "[地块坐标]\r\n"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        cr_assert(strstr(u, head[i]), "header lacks %s", head[i]);
    /* the parcels, byte for byte as the sample writes them: point counts with closing repeats,
     * area in ha to 4 decimals, X northing first, zone-prefixed Y, 3 decimals, shells clockwise
     * from the north-west corner, holes anticlockwise, 圈号 per ring, J numbers across rings */
    char *sample = tu_read_file(SAMPLES_DIR "/parcels-utf8.txt", NULL);
    cr_assert_not_null(sample);
    size_t sn = strlen(sample), un = strlen(u);
    char *crlf = malloc(sn * 2 + 1), *q = crlf;
    for (const char *p = sample; *p; p++) {
        if (*p == '\n')
            *q++ = '\r';
        *q++ = *p;
    }
    *q = '\0';
    cr_assert_str_eq(coord_section(u), coord_section(crlf));
    cr_assert_gt(un, 10000);
    free(crlf);
    free(sample);
    free(u);
    free(raw);
}

Test(export, txt_round_trip_within_a_millimetre)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.park = "QDIP"; /* not the parks the round trips add */
    o.format = PL_EXPORT_TXT;
    roundtrip(export_to(&o, "rt.txt", NULL), "TXT2", 0.001, 0.01, 0);
    o.encoding = PL_ENCODING_UTF8;
    const char *path = export_to(&o, "rt-utf8.txt", NULL);
    size_t len;
    char *raw = tu_read_file(path, &len);
    cr_assert(pl_text_is_utf8(raw, len));
    cr_assert_eq(pl_text_bom_len(raw, len), 0);
    free(raw);
    roundtrip(path, "TXT3", 0.001, 0.01, 0);
}

Test(export, txt_in_a_working_crs_that_is_not_a_zone_says_so)
{
    pl_db_close(db);
    db = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_create(tu_tmp("utm.db"), 32651, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_park_add(db, "QDIP", "示范园区", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    pl_import_options io;
    pl_import_options_init(&io);
    pl_import_result r;
    cr_assert_eq(pl_import_parcels(db, SAMPLES_DIR "/parcels.txt", &io, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_TXT;
    o.encoding = PL_ENCODING_UTF8;
    pl_export_result res;
    char *u = tu_read_file(export_to(&o, "utm.txt", &res), NULL);
    cr_assert_eq(res.srid, 32651);
    cr_assert(strstr(u, "坐标系=EPSG:32651 WGS 84 / UTM zone 51N\r\n"), "%.600s", u);
    cr_assert(strstr(u, "带号=\r\n"));
    cr_assert(strstr(u, "说明=工作坐标系EPSG:32651不是2000国家大地坐标系3度带"));
    /* northing first, unprefixed easting as stored */
    double x, y;
    const char *j1 = strstr(u, "\r\nJ1,1,");
    cr_assert_not_null(j1);
    cr_assert_eq(sscanf(j1 + 7, "%lf,%lf", &x, &y), 2);
    cr_assert(x > 3.9e6 && x < 4.1e6 && y > 1e5 && y < 3e5, "%f %f", x, y);
    free(u);
    /* a CGCS2000 zone-prefixed working CRS is already the Ministry's */
    pl_db_close(db);
    db = NULL;
    cr_assert_eq(pl_db_create(tu_tmp("z.db"), 4528, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_park_add(db, "QDIP", "示范园区", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_import_parcels(db, SAMPLES_DIR "/parcels.txt", &io, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    u = tu_read_file(export_to(&o, "z.txt", &res), NULL);
    cr_assert_eq(res.srid, 4528);
    cr_assert(strstr(u, "带号=40\r\n") && strstr(u, "\r\nJ1,1,3990481.289,40506399.019\r\n"), "%.900s", u);
    free(u);
}

/* ---- escaping ------------------------------------------------------------------------- */

#define NASTY "A<B & \"C\" ]]> 'D' <script>alert(1)</script>\x01,@\nend"

Test(export, names_that_look_like_markup_stay_text_in_every_format)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "UPDATE parcel SET name = ?1, land_use = ?2 WHERE code = 'QDIP-2024-001'",
                                    -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, NASTY, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, "工业</td>用地 & ]]>", -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    pl_export_options o;
    pl_export_options_init(&o);
    /* GeoJSON: exact, control character escaped */
    const char *gpath = export_to(&o, "x.geojson", NULL);
    char *text = tu_read_file(gpath, NULL);
    cr_assert(strstr(text, "\\u0001"), "the control character is not escaped");
    free(text);
    json_t *fc = load_json(gpath);
    cr_assert_str_eq(prop(feature_by_code(fc, "QDIP-2024-001"), "name"), NASTY);
    cr_assert_str_eq(prop(feature_by_code(fc, "QDIP-2024-001"), "title"), "QDIP-2024-001 " NASTY);
    json_decref(fc);
    /* KML: well-formed, schema-valid, the text back (the control character as U+FFFD) */
    o.format = PL_EXPORT_KML;
    xmlDocPtr d = load_xml(export_to(&o, "x.kml", NULL));
    char why[1024];
    cr_assert(kml_valid(d, why), "%s", why);
    const char *expect = "A<B & \"C\" ]]> 'D' <script>alert(1)</script>\xef\xbf\xbd,@\nend";
    char *s = xstring(d, "//k:Placemark[k:ExtendedData/k:Data[@name='code']/k:value='QDIP-2024-001']/k:name");
    cr_assert_str_eq(s, expect);
    free(s);
    s = xstring(d, "//k:Data[@name='name'][../k:Data[@name='code']/k:value='QDIP-2024-001']/k:value");
    cr_assert_str_eq(s, expect);
    free(s);
    /* a viewer would put the Data values into the shared template as HTML: this placemark has its own
     * balloon, the text escaped */
    cr_assert_eq(xcount(d, "//k:Placemark[@id]/k:Style"), 1);
    s = xstring(d, "//k:Placemark[k:ExtendedData/k:Data[@name='code']/k:value='QDIP-2024-001']/k:Style/k:BalloonStyle/k:text");
    cr_assert(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s", s);
    cr_assert(strstr(s, "工业&lt;/td&gt;用地 &amp; ]]&gt;"), "%s", s);
    cr_assert_null(strstr(s, "<script>"));
    /* the same balloon as the shared template of its class, filled in: the same rows */
    char *shared = xstring(d, "//k:Document/k:Style[1]/k:BalloonStyle/k:text");
    size_t own_rows = 0, shared_rows = 0;
    for (const char *p = s; (p = strstr(p, "<tr>")); p++)
        own_rows++;
    for (const char *p = shared; (p = strstr(p, "<tr>")); p++)
        shared_rows++;
    cr_assert(strstr(shared, "$[land_use]"), "%s", shared);
    cr_assert_gt(shared_rows, 10);
    cr_assert_eq(own_rows, shared_rows, "own balloon %zu rows, the template %zu", own_rows, shared_rows);
    free(shared);
    free(s);
    xmlFreeDoc(d);
    /* HTML: never markup */
    o.format = PL_EXPORT_HTML;
    char *h = tu_read_file(export_to(&o, "x.html", NULL), NULL);
    cr_assert_null(strstr(h, "<script>alert"));
    cr_assert_null(strstr(h, "</td>用地"));
    cr_assert(strstr(h, "<td>A&lt;B &amp; &quot;C&quot; ]]&gt; &#39;D&#39; &lt;script&gt;alert(1)&lt;/script&gt;"), "row");
    cr_assert(strstr(h, "\"A\\u003cB \\u0026 \\\"C\\\" ]]\\u003e 'D' \\u003cscript\\u003ealert(1)\\u003c/script\\u003e"
                        "\\u0001,@\\nend\""), "json block");
    /* exactly the page's own two scripts and one JSON block */
    long scripts = 0;
    for (const char *p = h; (p = strstr(p, "<script")); p++)
        scripts++;
    cr_assert_eq(scripts, 3);
    free(h);
    /* TXT: the separators cannot break the line structure */
    o.format = PL_EXPORT_TXT;
    o.encoding = PL_ENCODING_UTF8;
    const char *tpath = export_to(&o, "x.txt", NULL);
    char *t = tu_read_file(tpath, NULL);
    cr_assert(strstr(t, ",QDIP-2024-001,A<B & \"C\" ]]> 'D' <script>alert(1)</script>\xef\xbf\xbd，＠ end,面,,"), "%.800s",
              t);
    free(t);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "ESC", "ESC", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    pl_import_options io;
    pl_import_options_init(&io);
    io.park = "ESC";
    io.allow_overlap = 1; /* the same land as QDIP's */
    pl_import_result r;
    cr_assert_eq(pl_import_parcels(db, tpath, &io, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 48);
    pl_import_result_release(&r);
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT p.name, p.land_use FROM parcel p JOIN park k ON k.id = p.park_id"
                                           " WHERE k.code = 'ESC' AND p.code = 'QDIP-2024-001'", -1, &q, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(q, 0),
                     "A<B & \"C\" ]]> 'D' <script>alert(1)</script>\xef\xbf\xbd，＠ end");
    cr_assert_str_eq((const char *)sqlite3_column_text(q, 1), "工业</td>用地 & ]]>");
    sqlite3_finalize(q);
}

/* ---- themes and filters ------------------------------------------------------------------ */

static void add_projects(void)
{
    tu_sql_exec(db, "INSERT INTO lead(id, code, company, company_en, country, industry, stage, stage_date, created_at,"
                    " updated_at) VALUES (1, 'L-DE-01', '德资精密机械有限公司', 'German Precision GmbH', '德国', 'equipment',"
                    " 'signed',         '2023-01-10', '2023-01-01', '2023-01-01'),"
                    "        (2, 'L-JP-02', '日资电子有限公司', 'Japan Electronics KK', '日本', 'it', 'intent', '2024-05-01',"
                    "         '2024-01-01', '2024-01-01')");
    static const struct {
        int id;
        const char *code, *signed_on, *parcel;
    } pr[] = {
        {1, "P-IDLE", "2023-01-10", "QDIP-2024-001"},   /* agreed start 2023-06-01: 395 days late */
        {2, "P-RECLAIM", "2021-06-01", "QDIP-2024-002"},           /* agreed start 2022-01-01: 911 days */
        {3, "P-LATE", "2024-01-15", "QDIP-2024-003"},              /* agreed start 2024-06-01: 29 days */
        {4, "P-PROD", "2023-02-01", "QDIP-2024-004"},
        {5, "P-LAND", "2024-02-01", "QDIP-2024-005"},
        {6, "P-SIGNED", "2024-05-01", "QDIP-2024-006"},
        {7, "P-VER", "2021-03-01", "QDIP-2024-007"},
        {8, "P-FUTURE", "2024-08-01", "QDIP-2024-008"},            /* signed after the as-of date */
    };
    for (size_t i = 0; i < sizeof pr / sizeof *pr; i++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "INSERT INTO project(id, code, lead_id, signed_on, investment, created_at, updated_at)"
                 " VALUES (%d, '%s', 1, '%s', 50000, '2023-01-01', '2023-01-01');"
                 "INSERT INTO project_parcel(project_id, parcel_id) SELECT %d, id FROM parcel WHERE code = '%s';",
                 pr[i].id, pr[i].code, pr[i].signed_on, pr[i].id, pr[i].parcel);
        tu_sql_exec(db, sql);
    }
    tu_sql_exec(db, "INSERT INTO milestone(project_id, kind, planned, actual) VALUES"
                    " (1, 'construction', '2023-06-01', NULL),"
                    " (2, 'construction', '2022-01-01', NULL),"
                    " (3, 'construction', '2024-06-01', NULL),"
                    " (4, 'land', '2023-03-01', '2023-03-01'), (4, 'construction', '2023-06-01', '2023-05-20'),"
                    " (4, 'production', '2024-06-01', '2024-05-01'),"
                    " (5, 'land', '2024-04-01', '2024-04-01'), (5, 'construction', '2024-12-01', NULL),"
                    " (6, 'construction', '2025-03-01', NULL),"
                    " (7, 'construction', '2021-06-01', '2021-06-01'), (7, 'production', '2022-06-01', '2022-05-01'),"
                    " (7, 'verification', '2024-06-01', '2024-06-01'),"
                    " (8, 'construction', '2024-01-01', NULL)");
    /* a reservation for the Japanese lead, and indicators allowing 'it' */
    tu_sql_exec(db, "INSERT INTO reservation(parcel_id, lead_id, reserved_on, expires_on)"
                    " SELECT id, 2, '2024-06-01', '2024-09-01' FROM parcel WHERE code = 'QDIP-2024-009'");
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, tax_per_mu, industries,"
                    " updated_at) SELECT id, 300, 1.2, 25, 'equipment, it', '2024-01-01' FROM parcel"
                    " WHERE code = 'QDIP-2024-010'");
}

Test(export, landing_theme_derives_stage_overdue_idle_and_reclaim)
{
    add_projects();
    pl_export_options o;
    pl_export_options_init(&o);
    o.theme = PL_THEME_LANDING;
    o.as_of = "2024-06-30";
    json_t *fc = load_json(export_to(&o, "l.geojson", NULL));
    struct {
        const char *code, *cls, *stage;
        long days;
        int overdue, idle, reclaim;
    } want[] = {
        {"QDIP-2024-001", "idle", "signed", 395, 1, 1, 0},
        {"QDIP-2024-002", "reclaim", "signed", 911, 1, 1, 1},
        {"QDIP-2024-003", "overdue", "signed", 29, 1, 0, 0},
        {"QDIP-2024-004", "production", "production", 0, 0, 0, 0},
        {"QDIP-2024-005", "land_supplied", "land_supplied", 0, 0, 0, 0},
        {"QDIP-2024-006", "signed", "signed", 0, 0, 0, 0},
        {"QDIP-2024-007", "verified", "verified", 0, 0, 0, 0},
        {"QDIP-2024-008", "none", "none", 0, 0, 0, 0},
        {"QDIP-2024-009", "none", "none", 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        json_t *f = feature_by_code(fc, want[i].code);
        cr_assert_str_eq(prop(f, "class"), want[i].cls, "%s", want[i].code);
        cr_assert_str_eq(prop(f, "stage"), want[i].stage, "%s", want[i].code);
        cr_assert_eq(json_integer_value(propj(f, "overdue_days")), want[i].days, "%s", want[i].code);
        cr_assert_eq(json_is_true(propj(f, "overdue")), want[i].overdue, "%s", want[i].code);
        cr_assert_eq(json_is_true(propj(f, "idle")), want[i].idle, "%s", want[i].code);
        cr_assert_eq(json_is_true(propj(f, "reclaim_candidate")), want[i].reclaim, "%s", want[i].code);
        cr_assert_str_eq(prop(f, "fill"), pl_style_get(PL_STYLE_LANDING, want[i].cls)->fill, "%s", want[i].code);
    }
    json_t *f = feature_by_code(fc, "QDIP-2024-004");
    cr_assert_str_eq(prop(f, "project"), "P-PROD");
    cr_assert_str_eq(prop(f, "lead"), "L-DE-01");
    cr_assert_str_eq(prop(f, "company"), "德资精密机械有限公司");
    cr_assert_str_eq(prop(f, "company_en"), "German Precision GmbH");
    cr_assert_str_eq(prop(f, "industry_zh"), "高端装备");
    cr_assert_str_eq(prop(f, "construction_actual"), "2023-05-20");
    cr_assert_str_eq(prop(f, "production_actual"), "2024-05-01");
    cr_assert_float_eq(json_number_value(propj(f, "investment_wan")), 50000, 1e-9);
    f = feature_by_code(fc, "QDIP-2024-008");
    cr_assert(json_is_null(propj(f, "project")), "a project signed after the as-of date is not shown");
    f = feature_by_code(fc, "QDIP-2024-009");
    cr_assert_str_eq(prop(f, "company"), "日资电子有限公司");
    cr_assert_str_eq(prop(f, "reserved_until"), "2024-09-01");
    f = feature_by_code(fc, "QDIP-2024-010");
    cr_assert_float_eq(json_number_value(propj(f, "investment_intensity_wan_per_mu")), 300, 1e-9);
    cr_assert_str_eq(prop(f, "industries"), "equipment, it");
    json_t *leg = json_object_get(fc, "legend");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(leg, 0), "class")), "none");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(leg, 0), "parcels")), 48 - 7);
    json_decref(fc);
    /* as of a later date, P-LATE is idle too; as of an earlier one, P-PROD was still land-supplied */
    o.as_of = "2025-06-02";
    fc = load_json(export_to(&o, "l2.geojson", NULL));
    cr_assert_str_eq(prop(feature_by_code(fc, "QDIP-2024-003"), "class"), "idle");
    json_decref(fc);
    o.as_of = "2023-04-01";
    fc = load_json(export_to(&o, "l3.geojson", NULL));
    cr_assert_str_eq(prop(feature_by_code(fc, "QDIP-2024-004"), "class"), "land_supplied");
    json_decref(fc);
    /* the KML of the theme is valid and styled by class */
    o.format = PL_EXPORT_KML;
    o.as_of = "2024-06-30";
    xmlDocPtr d = load_xml(export_to(&o, "l.kml", NULL));
    char why[1024];
    cr_assert(kml_valid(d, why), "%s", why);
    cr_assert_eq(xcount(d, "//k:Placemark[@id][k:styleUrl='#landing-reclaim']"), 1);
    cr_assert_eq(xcount(d, "//k:Placemark[@id][k:styleUrl='#landing-none']"), 41);
    xmlFreeDoc(d);
}

Test(export, filters_by_park_status_and_industry)
{
    add_projects();
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "P2", "第二园区", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    pl_import_options io;
    pl_import_options_init(&io);
    io.park = "P2";
    io.allow_overlap = 1; /* the same land as QDIP's */
    pl_import_result r;
    cr_assert_eq(pl_import_parcels(db, SAMPLES_DIR "/parcels.geojson", &io, &r, &err), PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    tu_sql_exec(db, "UPDATE parcel SET status = 'available' WHERE code IN ('QDIP-2024-011', 'QDIP-2024-012')"
                    " AND park_id = (SELECT id FROM park WHERE code = 'QDIP')");
    tu_sql_exec(db, "UPDATE parcel SET status = 'retired' WHERE code = 'QDIP-2024-048'"
                    " AND park_id = (SELECT id FROM park WHERE code = 'QDIP')");
    pl_export_options o;
    pl_export_options_init(&o);
    pl_export_result res;
    /* everything but retired parcels, parks in order */
    json_t *fc = load_json(export_to(&o, "all.geojson", &res));
    cr_assert_eq(res.parcels, 95, "%ld parcels", res.parcels);
    cr_assert_str_eq(prop(json_array_get(json_object_get(fc, "features"), 0), "park"), "P2");
    json_decref(fc);
    o.park = "QDIP";
    fc = load_json(export_to(&o, "park.geojson", &res));
    cr_assert_eq(json_array_size(json_object_get(fc, "features")), 47);
    json_decref(fc);
    o.park = NULL;
    o.status = "available";
    fc = load_json(export_to(&o, "avail.geojson", &res));
    json_t *fs = json_object_get(fc, "features");
    /* the two, then the 45 other (not retired) parcels of their park as context; P2 has none selected */
    cr_assert_eq(res.parcels, 2);
    cr_assert_eq(res.context, 45);
    cr_assert_eq(json_array_size(fs), 47);
    cr_assert(json_is_true(propj(json_array_get(fs, 2), "context")));
    cr_assert_str_eq(prop(json_array_get(fs, 0), "code"), "QDIP-2024-011");
    cr_assert_str_eq(prop(json_array_get(fs, 1), "code"), "QDIP-2024-012");
    json_decref(fc);
    o.status = "retired";
    fc = load_json(export_to(&o, "retired.geojson", &res));
    cr_assert_eq(res.parcels, 1);
    cr_assert_eq(json_array_size(json_object_get(fc, "features")), 1 + 47);
    json_decref(fc);
    /* industry: linked lead of that industry, or indicators that allow it */
    o.status = NULL;
    o.industry = "it";
    fc = load_json(export_to(&o, "it.geojson", &res));
    fs = json_object_get(fc, "features");
    cr_assert_eq(res.parcels, 2);
    cr_assert_eq(json_array_size(fs), 2 + res.context);
    cr_assert_str_eq(prop(json_array_get(fs, 0), "code"), "QDIP-2024-009");
    cr_assert_str_eq(prop(json_array_get(fs, 1), "code"), "QDIP-2024-010");
    json_decref(fc);
    o.industry = "equipment";
    o.as_of = "2024-06-30";
    fc = load_json(export_to(&o, "eq.geojson", &res));
    cr_assert_eq(res.parcels, 8, "7 projects of the German lead + indicators");
    cr_assert_eq(json_array_size(json_object_get(fc, "features")), 8 + (size_t)res.context);
    json_decref(fc);
    /* refused requests name the subject */
    o.industry = "steel";
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("no.geojson"), 1, &res, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "unknown industry 'steel' (") && strstr(err.message, "equipment"), "%s", err.message);
    o.industry = NULL;
    o.park = "NOPE";
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("no.geojson"), 1, &res, &err), PL_ERR_NOTFOUND);
    cr_assert(strstr(err.message, "no park 'NOPE'"), "%s", err.message);
    o.park = NULL;
    o.status = "sold";
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("no.geojson"), 1, &res, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "unknown status 'sold'"), "%s", err.message);
    o.status = NULL;
    o.as_of = "2024-02-30";
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("no.geojson"), 1, &res, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "--as-of '2024-02-30' is not a date"), "%s", err.message);
    cr_assert_eq(access(tu_tmp("no.geojson"), F_OK), -1, "a refused export leaves no file");
}

/* --status/--industry: the park's other parcels in grey as context (code only, in no
 * count or legend), legends of the classes present (all with legend_all), in every writer. */
Test(export, filtered_maps_draw_the_park_in_grey_and_list_the_classes_present)
{
    tu_sql_exec(db, "UPDATE parcel SET status = 'available' WHERE code IN ('QDIP-2024-001', 'QDIP-2024-002')");
    tu_sql_exec(db, "UPDATE parcel SET status = 'retired' WHERE code = 'QDIP-2024-048'");
    pl_export_options o;
    pl_export_options_init(&o);
    o.status = "available";
    pl_export_result res;
    /* GeoJSON */
    json_t *fc = load_json(export_to(&o, "f.geojson", &res));
    cr_assert_eq(res.parcels, 2);
    cr_assert_eq(res.context, 45, "47 parcels of the park that are land, 2 selected");
    cr_assert_float_eq(res.area_m2, tu_sql_num(db, "SELECT sum(area_m2) FROM parcel WHERE status = 'available'"), 1e-6);
    json_t *fs = json_object_get(fc, "features");
    cr_assert_eq(json_array_size(fs), 47);
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        if (i < 2) {
            cr_assert_null(propj(f, "context"), "a selected parcel has no context member");
            cr_assert_str_eq(prop(f, "status"), "available");
            continue;
        }
        cr_assert(json_is_true(propj(f, "context")));
        cr_assert_str_eq(prop(f, "class"), "context");
        cr_assert_str_eq(prop(f, "fill"), pl_style_context()->fill);
        cr_assert_str_eq(prop(f, "title"), prop(f, "code"), "a context parcel shows its code only");
        cr_assert_null(propj(f, "name"));
        cr_assert_null(propj(f, "status"));
        cr_assert_str_neq(prop(f, "code"), "QDIP-2024-048", "retired parcels are no context");
    }
    json_t *leg = json_object_get(fc, "legend");
    cr_assert_eq(json_array_size(leg), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(leg, 0), "class")), "available");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(leg, 0), "parcels")), 2);
    json_decref(fc);
    o.legend_all = 1;
    fc = load_json(export_to(&o, "all.geojson", &res));
    cr_assert_eq(json_array_size(json_object_get(fc, "legend")), pl_style_count(PL_STYLE_AVAILABILITY));
    json_decref(fc);
    o.legend_all = 0;
    /* KML: schema-valid, a 背景 context folder after the classes, balloons of the code only */
    o.format = PL_EXPORT_KML;
    xmlDocPtr d = load_xml(export_to(&o, "f.kml", &res));
    char why[1024];
    cr_assert(kml_valid(d, why), "not valid KML 2.2: %s", why);
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder[1]/k:Placemark"), 1, "legend: the class present");
    assert_xprefix(d, "/k:kml/k:Document/k:Folder[2]/k:name", "青岛国际招商产业园(示范片区) (QDIP) — 2 宗");
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder[2]/k:Folder"), 2);
    assert_xprefix(d, "/k:kml/k:Document/k:Folder[2]/k:Folder[1]/k:name", "可供 Available — 2 宗");
    assert_xprefix(d, "/k:kml/k:Document/k:Folder[2]/k:Folder[2]/k:name", "背景 context — 45 宗");
    cr_assert_eq(xcount(d, "//k:Placemark[k:styleUrl='#context']"), 45);
    cr_assert_eq(xcount(d, "//k:Placemark[k:styleUrl='#context']/k:ExtendedData/k:Data"), 45, "code only");
    cr_assert_eq(xcount(d, "//k:Placemark[k:styleUrl='#context']/k:ExtendedData/k:Data[@name='code']"), 45);
    cr_assert_eq(xcount(d, "//k:Placemark[k:styleUrl='#context'][k:name = k:ExtendedData/k:Data/k:value]"), 45);
    cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Style[@id='context']"), 1);
    char *c = xstring(d, "/k:kml/k:Document/k:description");
    cr_assert(strstr(c, "可供 Available") && !strstr(c, "储备 Land bank"), "the description's legend: %s", c);
    free(c);
    xmlFreeDoc(d);
    same_kml_in_place_and_streamed(&o, "f2.kml");
    /* HTML: grey paths behind the map, in no list, no count */
    o.format = PL_EXPORT_HTML;
    char *h = tu_read_file(export_to(&o, "f.html", &res), NULL);
    long ctx = 0, rows = 0, legend = 0;
    for (const char *p = h; (p = strstr(p, "<path class=\"ctx\"")); p++)
        ctx++;
    for (const char *p = h; (p = strstr(p, "<tr data-i=")); p++)
        rows++;
    for (const char *p = h; (p = strstr(p, "<tr data-cls=")); p++)
        legend++;
    cr_assert_eq(ctx, 45);
    cr_assert_eq(rows, 2);
    cr_assert_eq(legend, 2, "the legend and totals rows of the one class present");
    cr_assert(strstr(h, "<tr class=\"ctx\" data-cls=\"context\">"), "the context row of the legend");
    cr_assert(strstr(h, "<g id=\"context\">") < strstr(h, "<g id=\"parcels\">"), "context is drawn first");
    cr_assert(!strstr(h, "<option value=\"reserve\">"), "the class filter offers the classes present");
    cr_assert(strstr(h, " · 2 宗 parcels, "), "the header counts the selected parcels");
    free(h);
    /* no filter, no context; --park alone neither */
    o.status = NULL;
    o.park = "QDIP";
    o.format = PL_EXPORT_GEOJSON;
    fc = load_json(export_to(&o, "p.geojson", &res));
    cr_assert_eq(res.context, 0);
    cr_assert_eq(json_array_size(json_object_get(fc, "features")), 47);
    cr_assert_eq(json_array_size(json_object_get(fc, "legend")), 2);
    json_decref(fc);
    /* landing theme with --industry: the classes present are derived per parcel */
    add_projects();
    o.park = NULL;
    o.theme = PL_THEME_LANDING;
    o.industry = "equipment";
    o.as_of = "2024-06-30";
    fc = load_json(export_to(&o, "l.geojson", &res));
    fs = json_object_get(fc, "features");
    char seen[PL_STYLE_MAX] = {0};
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        if (!propj(f, "context"))
            seen[pl_style_index(PL_STYLE_LANDING, prop(f, "class"))] = 1;
    }
    leg = json_object_get(fc, "legend");
    size_t nseen = 0;
    for (size_t i = 0; i < PL_STYLE_MAX; i++)
        nseen += (size_t)seen[i];
    cr_assert_eq(json_array_size(leg), nseen);
    for (size_t i = 0; i < json_array_size(leg); i++) {
        int ci = pl_style_index(PL_STYLE_LANDING, json_string_value(json_object_get(json_array_get(leg, i), "class")));
        cr_assert(ci >= 0 && seen[ci]);
        cr_assert_gt(json_integer_value(json_object_get(json_array_get(leg, i), "parcels")), 0);
    }
    cr_assert_eq(json_array_size(fs), (size_t)(res.parcels + res.context));
    cr_assert_gt(res.context, 0);
    json_decref(fc);
}

Test(export, exports_of_nothing_one_park_and_one_status_are_valid_files)
{
    tu_sql_exec(db, "UPDATE parcel SET status = 'listed' WHERE code = 'QDIP-2024-030'");
    static const char *const statuses[] = {"verified", "listed", NULL};
    for (int s = 0; s < 3; s++) {
        pl_export_options o;
        pl_export_options_init(&o);
        o.status = statuses[s];
        o.park = "QDIP";
        long want = s == 0 ? 0 : s == 1 ? 1 : 48;
        char name[64];
        snprintf(name, sizeof name, "e%d.geojson", s);
        pl_export_result res;
        json_t *fc = load_json(export_to(&o, name, &res));
        cr_assert_eq(res.parcels, want);
        /* a status filter draws the park's other parcels as context */
        cr_assert_eq(res.context, s < 2 ? 48 - want : 0);
        cr_assert_eq((long)json_array_size(json_object_get(fc, "features")), s < 2 ? 48 : want);
        cr_assert_eq(json_array_size(json_object_get(fc, "legend")), s == 0 ? 0 : s == 1 ? 1 : 2);
        json_decref(fc);
        o.format = PL_EXPORT_KML;
        snprintf(name, sizeof name, "e%d.kml", s);
        xmlDocPtr d = load_xml(export_to(&o, name, NULL));
        char why[1024];
        cr_assert(kml_valid(d, why), "%s: %s", name, why);
        cr_assert_eq((long)xcount(d, "//k:Placemark[k:MultiGeometry]"), s < 2 ? 48 : want);
        cr_assert_eq((long)xcount(d, "//k:Placemark[k:styleUrl='#context']"), s < 2 ? 48 - want : 0);
        cr_assert_eq(xcount(d, "/k:kml/k:Document/k:Folder"), 2);
        xmlFreeDoc(d);
        o.format = PL_EXPORT_HTML;
        snprintf(name, sizeof name, "e%d.html", s);
        char *h = tu_read_file(export_to(&o, name, NULL), NULL);
        cr_assert(strstr(h, "</html>\n") && strstr(h, "\"parcels\":["));
        long rows = 0;
        for (const char *p = h; (p = strstr(p, "<tr data-i=")); p++)
            rows++;
        cr_assert_eq(rows, want);
        if (!want)
            cr_assert(strstr(h, "no parcels match"));
        free(h);
        o.format = PL_EXPORT_TXT;
        o.encoding = PL_ENCODING_UTF8;
        snprintf(name, sizeof name, "e%d.txt", s);
        char *t = tu_read_file(export_to(&o, name, NULL), NULL);
        long at = 0;
        for (const char *p = t; (p = strstr(p, ",@\r\n")); p++)
            at++;
        cr_assert_eq(at, want);
        cr_assert(strstr(t, "[地块坐标]\r\n"));
        free(t);
    }
}

/* ---- HTML ----------------------------------------------------------------------------------- */

Test(export, html_is_one_self_contained_file)
{
    tu_sql_exec(db, "UPDATE parcel SET status = 'available' WHERE code = 'QDIP-2024-003'");
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_HTML;
    pl_export_result res;
    char *h = tu_read_file(export_to(&o, "m.html", &res), NULL);
    cr_assert_eq(res.srid, 4549);
    /* no reference to anything outside the file */
    static const char *const banned[] = {"src=", "href=", "url(", "@import", "https:", "<link", "<iframe", "<img",
                                         "fetch(", "XMLHttpRequest", "@font-face"};
    for (size_t i = 0; i < sizeof banned / sizeof *banned; i++)
        cr_assert_null(strstr(h, banned[i]), "the page refers to '%s'", banned[i]);
    for (const char *p = h; (p = strstr(p, "http:")); p++)
        cr_assert(!strncmp(p, "http://www.w3.org/2000/svg", 26), "the page refers to %.40s", p);
    cr_assert(strstr(h, "Content-Security-Policy\" content=\"default-src 'none'"));
    cr_assert(strstr(h, "<h1>青岛国际招商产业园(示范片区) QDIP</h1>"));
    /* 48 paths, rows and labels; legend and totals by class */
    long paths = 0, rows = 0;
    for (const char *p = h; (p = strstr(p, "<path class=\"p\"")); p++)
        paths++;
    for (const char *p = h; (p = strstr(p, "<tr data-i=")); p++)
        rows++;
    cr_assert_eq(paths, 48);
    cr_assert_eq(rows, 48);
    cr_assert(strstr(h, "data-cls=\"available\" fill=\"#43a047\""));
    cr_assert(strstr(h, "<tr data-cls=\"reserve\"><td><span class=\"sw\" style=\"background:#b0bec5;"
                        "border-color:#546e7a\"></span>储备 Land bank</td><td class=\"n\">47</td><td class=\"n\">"
                        "3278.16</td></tr>"), "legend with totals");
    cr_assert(strstr(h, "<select id=\"f-status\">") && strstr(h, "<input id=\"f-text\""));
    cr_assert(strstr(h, "<table id=\"totals\">"));
    cr_assert(strstr(h, "<tfoot><tr><th>合计 total</th><th class=\"n\">48</th><th class=\"n\">2252439.00</th>"));
    /* the map is in the working CRS, y flipped: 009 (south) lies below 038 (north), 034 (west) left of 048 */
    double x[4], y[4];
    static const char *const lab[] = {">009<", ">038<", ">034<", ">048<"};
    for (int i = 0; i < 4; i++) {
        const char *t = strstr(h, lab[i]);
        cr_assert_not_null(t, "no label %s", lab[i]);
        while (t > h && strncmp(t, "<text class=\"l\" x=\"", strlen("<text class=\"l\" x=\"")))
            t--;
        cr_assert_eq(sscanf(t, "<text class=\"l\" x=\"%lf\" y=\"%lf\"", &x[i], &y[i]), 2);
    }
    cr_assert_gt(y[0], y[1] + 500, "009 at y %.1f is not below 038 at %.1f", y[0], y[1]);
    cr_assert_lt(x[2], x[3] - 1000);
    free(h);
}

/* ---- file output ------------------------------------------------------------------------------ */

static long leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".part-") != NULL;
    closedir(d);
    return n;
}

Test(export, files_are_never_clobbered_half_written_or_followed)
{
    pl_export_options o;
    pl_export_options_init(&o);
    pl_error err;
    pl_error_clear(&err);
    pl_export_result res;
    const char *path = tu_tmp("out.geojson");
    tu_write_file(path, "precious", (size_t)-1);
    cr_assert_eq(pl_export_file(db, &o, path, 0, &res, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "already exists; add --force to replace it"), "%s", err.message);
    char *c = tu_read_file(path, NULL);
    cr_assert_str_eq(c, "precious");
    free(c);
    cr_assert_eq(pl_export_file(db, &o, path, 1, &res, &err), PL_OK, "%s", err.message);
    json_decref(load_json(path));
    /* a symbolic link is refused, with or without --force, and its target untouched */
    const char *target = tu_tmp("target.txt"), *link = tu_tmp("link.geojson");
    tu_write_file(target, "target", (size_t)-1);
    cr_assert_eq(symlink(target, link), 0);
    for (int force = 0; force < 2; force++) {
        cr_assert_eq(pl_export_file(db, &o, link, force, &res, &err), PL_ERR_INPUT);
        cr_assert(strstr(err.message, "is a symbolic link"), "%s", err.message);
    }
    c = tu_read_file(target, NULL);
    cr_assert_str_eq(c, "target");
    free(c);
    struct stat sb;
    cr_assert_eq(lstat(link, &sb), 0);
    cr_assert(S_ISLNK(sb.st_mode));
    /* a dangling link too */
    const char *dangling = tu_tmp("dangling.geojson");
    cr_assert_eq(symlink(tu_tmp("nowhere"), dangling), 0);
    cr_assert_eq(pl_export_file(db, &o, dangling, 1, &res, &err), PL_ERR_INPUT);
    cr_assert_eq(access(tu_tmp("nowhere"), F_OK), -1);
    /* a directory */
    cr_assert_eq(pl_export_file(db, &o, tu_tmpdir(), 1, &res, &err), PL_ERR_INPUT);
    /* the user's umask decides the mode */
    mode_t old = umask(027);
    const char *fresh = tu_tmp("fresh.kml");
    o.format = PL_EXPORT_KML;
    cr_assert_eq(pl_export_file(db, &o, fresh, 0, &res, &err), PL_OK, "%s", err.message);
    umask(old);
    cr_assert_eq(stat(fresh, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0640);
    /* a missing directory: an error, nothing left anywhere */
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("no/such/dir.kml"), 0, &res, &err), PL_ERR_IO);
    cr_assert(strstr(err.message, "cannot create a temporary file next to"), "%s", err.message);
    /* an export that fails half-way (a name with no GBK form cannot happen: GB18030 covers
     * Unicode; use a parcel whose geometry cannot be read) leaves the old file as it was */
    tu_write_file(path, "precious", (size_t)-1);
    tu_sql_exec(db, "DROP TRIGGER ggu_parcel_geom");
    tu_sql_exec(db, "UPDATE parcel SET geom = X'00010203' WHERE code = 'QDIP-2024-040'");
    o.format = PL_EXPORT_GEOJSON;
    cr_assert_eq(pl_export_file(db, &o, path, 1, &res, &err), PL_ERR_DB);
    cr_assert(strstr(err.message, "parcel 'QDIP-2024-040' (park QDIP)"), "%s", err.message);
    c = tu_read_file(path, NULL);
    cr_assert_str_eq(c, "precious");
    free(c);
    cr_assert_eq(leftovers(tu_tmpdir()), 0, "a temporary file was left behind");
}

/* ---- the command line ------------------------------------------------------------------------------ */

Test(export, cli_contract)
{
    char *out = NULL, *errs = NULL;
    pl_db_close(db); /* the CLI opens it itself */
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errs, NULL, "export --help"), 0);
    cr_assert(strstr(out, "--theme") && strstr(out, "--gcj02") && strstr(out, "--timeline") && strstr(out, "-o FILE"));
    static const struct {
        const char *args, *msg;
    } usage[] = {
        {"export", "export what?"},
        {"export shp -o x", "unknown export format 'shp'"},
        {"export geojson --theme colour", "--theme is availability, landing, muni or ledger"},
        {"export geojson --timeline -o x", "--timeline is for kml"},
        {"export txt --gcj02 -o x", "--gcj02 shifts longitudes and latitudes"},
        {"export geojson --gcj02 --bd09 -o x", "--gcj02 and --bd09 are two different shifts"},
        {"export pdf --bd09 -o x", "--bd09 shifts longitudes and latitudes; the pdf"},
        {"export txt --bd09 -o x", "--bd09 shifts longitudes and latitudes; the txt"},
        {"export kml --bbox -o x", "--bbox is for geojson"},
        {"export geojson --precision many", "--precision expects a whole number"},
        {"export geojson --precision 16 -o x", "--precision is 0 to 15"},
        {"export geojson --status sold -o x", "unknown status 'sold'"},
        {"export kml --encoding gbk -o x", "--encoding is for txt"},
        {"export txt --encoding latin1", "--encoding is gbk or utf-8"},
        {"export html --as-of 2024-13-01 -o x", "--as-of '2024-13-01' is not a date"},
        {"export geojson --frobnicate", "unexpected argument '--frobnicate'"},
    };
    for (size_t i = 0; i < sizeof usage / sizeof *usage; i++) {
        int st = tu_cli(&out, &errs, dbpath, "%s", usage[i].args);
        cr_assert_eq(st, 2, "%s: exit %d (%s)", usage[i].args, st, errs);
        cr_assert(strstr(errs, usage[i].msg), "%s: %s", usage[i].args, errs);
    }
    /* stdout: just the data */
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export geojson --park QDIP -o - > %s", tu_q(tu_tmp("stdout.geojson"))), 0,
                 "%s", errs);
    json_decref(load_json(tu_tmp("stdout.geojson")));
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export kml"), 0);
    cr_assert(!strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"" KML_NS "\">", 80), "%.120s", out);
    /* a file: a summary on stdout; refused when it exists; --force replaces it */
    const char *f = tu_tmp("cli.txt");
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export txt -o %s", tu_q(f)), 0, "%s", errs);
    cr_assert(strstr(out, "exported 48 parcels (3378.66 亩 = 2252439.00 m²) → "), "%s", out);
    cr_assert(strstr(out, "coordinates EPSG:4528 (2000国家大地坐标系 3度带 带号 40, X = northing)"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export txt -o %s", tu_q(f)), 1);
    cr_assert(strstr(errs, "already exists; add --force to replace it"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export txt --force --encoding utf-8 -o %s", tu_q(f)), 0, "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export html --park NOPE -o %s", tu_q(tu_tmp("n.html"))), 1);
    cr_assert(strstr(errs, "no park 'NOPE'"), "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "export kml --timeline --theme landing --as-of 2024-06-30 -o %s",
                        tu_q(tu_tmp("t.kml"))), 0, "%s", errs);
    cr_assert(strstr(out, "48 placemarks, one per status period"), "%s", out);
    tu_outputs_free(&out, &errs);
}

/* ---- the writers' text primitives (gis/writer.c) -------------------------------------------- */

TestSuite(writer);

/* What pl_w_num has always written: printf("%.*f"), trailing zeros dropped, never "-0". */
static void ref_num(char *buf, size_t len, double v, int decimals)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "null");
        return;
    }
    snprintf(buf, len, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    if (!strcmp(buf, "-0"))
        snprintf(buf, len, "0");
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) /* the same sequence on every run */
{
    return tu_splitmix64(&rng_state);
}

static void check_num(double v, int decimals, long *checked)
{
    char want[64], got[64];
    ref_num(want, sizeof want, v, decimals);
    size_t n = pl_w_num_len(got, sizeof got, v, decimals);
    cr_assert_str_eq(got, want, "%.17g with %d decimals", v, decimals);
    cr_assert_eq(n, strlen(want), "%.17g with %d decimals: length", v, decimals);
    /* and the same digits with printf's own zeros and sign (the command line's) */
    char fwant[400], fgot[400];
    snprintf(fwant, sizeof fwant, "%.*f", decimals, v);
    n = pl_format_fixed(fgot, sizeof fgot, v, decimals);
    cr_assert_str_eq(fgot, fwant, "%.17g with %d decimals, as printf", v, decimals);
    cr_assert_eq(n, strlen(fwant), "%.17g with %d decimals, as printf: length", v, decimals);
    (*checked)++;
}

Test(writer, numbers_are_exactly_printf_digits)
{
    long checked = 0;
    static const double edge[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.625, 0.0625, 1e-7, -1e-7, 5e-8, -5e-8, 4.9e-8,
        -4.9e-8, 5.0000001e-8, 0.00000015, 0.00000025, 0.00000035, 0.99999995, 0.999999949, 0.9999999500000001,
        179.99999995, 179.999999949, 179.9999999, 179.99999999, -179.99999995, -179.99999999, 180.0, -180.0,
        120.12345675, 36.12345665, 36.12345675, 90.0, -90.0, 89.99999995, 1e-300, -1e-300, 4.9e-324, -4.9e-324,
        2.2250738585072014e-308, 1e-20, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 123456789.123456789, 1e15, 1e16 + 2,
        9007199254740993.0, 4503599627370495.5, 9.2233720368547748e18, 9.2233720368547758e18, 1.8446744073709552e19,
        1e300, -1e300, 1.7976931348623157e308, 499999.99999999994, 0.49999999999999994};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        for (int d = 0; d <= 15; d++)
            check_num(edge[i], d, &checked);
    check_num(NAN, 7, &checked);
    check_num(INFINITY, 7, &checked);
    check_num(-INFINITY, 2, &checked);
    /* exact binary ties at every number of decimals: k / 2^j */
    for (int j = 1; j <= 24; j++)
        for (int t = 0; t < 200; t++) {
            double v = (double)(long long)(rng() % 2000001 - 1000000) / (double)(1ll << j);
            for (int d = 0; d <= 15; d++)
                check_num(v, d, &checked);
        }
    /* lon/lat as the exports write them, and the same one unit in the last place around */
    for (int t = 0; t < 200000; t++) {
        double v = ((double)(rng() >> 11) / 9007199254740992.0) * 360.0 - 180.0;
        check_num(v, 7, &checked);
        check_num(nextafter(v, 1e9), 7, &checked);
        check_num(nextafter(v, -1e9), 7, &checked);
        /* a value at a decimal tie as near as binary gets: n.dddddddd5 */
        double tie = (double)(long long)(v * 1e7) / 1e7 + 5e-8 * (v < 0 ? -1 : 1);
        check_num(tie, 7, &checked);
        check_num(nextafter(tie, 1e9), 7, &checked);
        check_num(nextafter(tie, -1e9), 7, &checked);
        check_num(v, (int)(rng() % 16), &checked);
    }
    /* areas and other numbers, 0 to 15 decimals */
    for (int t = 0; t < 100000; t++) {
        double v = ldexp((double)(rng() >> 11), (int)(rng() % 100) - 80) * ((rng() & 1) ? -1 : 1);
        check_num(v, (int)(rng() % 16), &checked);
    }
    /* any bit pattern at all */
    for (int t = 0; t < 100000; t++) {
        unsigned long long b = rng();
        double v;
        memcpy(&v, &b, sizeof v);
        check_num(v, (int)(rng() % 16), &checked);
    }
    cr_assert_gt(checked, 1600000);
}

/* The JSON escaping pl_w_json_string had, one character at a time (the reference). */
static size_t ref_utf8(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    unsigned v, min;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, v = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, v = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static void ref_json(pl_buf *b, const char *s, int html_safe)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    pl_buf_addstr(b, "\"");
    while (i < n) {
        unsigned cp;
        size_t k = ref_utf8(p + i, n - i, &cp);
        if (!k) {
            pl_buf_addstr(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        switch (cp) {
        case '"': pl_buf_addstr(b, "\\\""); break;
        case '\\': pl_buf_addstr(b, "\\\\"); break;
        case '\n': pl_buf_addstr(b, "\\n"); break;
        case '\r': pl_buf_addstr(b, "\\r"); break;
        case '\t': pl_buf_addstr(b, "\\t"); break;
        case '\b': pl_buf_addstr(b, "\\b"); break;
        case '\f': pl_buf_addstr(b, "\\f"); break;
        default:
            if (cp < 0x20 || cp == 0x7f)
                pl_buf_addf(b, "\\u%04x", cp);
            else if (html_safe && (cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029))
                pl_buf_addf(b, "\\u%04x", cp);
            else
                pl_buf_add(b, (const char *)p + i, k);
        }
        i += k;
    }
    pl_buf_addstr(b, "\"");
}

/* A random string mixing ASCII, markup, controls, CJK, U+2028, and broken UTF-8. */
static void random_text(char *s, size_t cap)
{
    static const char *const bits[] = {"a", "Z", "0", " ", "\"", "\\", "<", ">", "&", "'", "]]>", "]]", "]", "\n",
                                       "\r", "\t", "\x01", "\x1f", "\x7f", "宗地", "号", "\xe2\x80\xa8",
                                       "\xe2\x80\xa9", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xf0\x9f\x98\x80", "\xc3\xa9",
                                       "\xc0\xaf", "\xed\xa0\x80", "\xe5\xae", "\xff", "\x80", "\xf4\x90\x80\x80",
                                       "abcdefghij", "m²", "万元/亩·年"};
    size_t n = 0, parts = rng() % 40;
    for (size_t i = 0; i < parts; i++) {
        const char *b = bits[rng() % (sizeof bits / sizeof *bits)];
        size_t l = strlen(b);
        if (n + l + 1 > cap)
            break;
        memcpy(s + n, b, l);
        n += l;
    }
    s[n] = '\0';
}

/* Everything written through a pl_w_out with a buffer of `cap` bytes, as a string. */
typedef void (*emit_fn)(pl_w_out *o, const char *s, int flag);
static char *through_out(emit_fn emit, const char *s, int flag, size_t cap)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    cr_assert_not_null(f);
    pl_w_out o;
    cr_assert_eq(pl_w_out_init(&o, f, cap), 0);
    emit(&o, s, flag);
    cr_assert_eq(pl_w_out_flush(&o), 0);
    pl_w_out_free(&o);
    fclose(f);
    return mem;
}

static void emit_json(pl_w_out *o, const char *s, int flag)
{
    pl_w_put_json(o, s, flag);
}

static void emit_xml(pl_w_out *o, const char *s, int flag)
{
    pl_w_lit(o, "<a b=\"");
    pl_w_put_xml(o, s, 1);
    pl_w_lit(o, "\">");
    if (flag) {
        char *c = pl_w_clean(s, 0);
        pl_w_put_cdata(o, c, strlen(c));
        free(c);
    } else {
        pl_w_put_xml(o, s, 0);
    }
    pl_w_lit(o, "</a>");
}

Test(writer, json_strings_are_escaped_as_before_by_spans)
{
    char s[512];
    for (int t = 0; t < 20000; t++) {
        random_text(s, sizeof s);
        for (int html = 0; html <= 1; html++) {
            pl_buf want = PL_BUF_INIT;
            ref_json(&want, s, html);
            char *big = through_out(emit_json, s, html, 1 << 16);
            char *tiny = through_out(emit_json, s, html, 64); /* every append may flush or write through */
            cr_assert_str_eq(big, want.buf, "html_safe %d", html);
            cr_assert_str_eq(tiny, want.buf, "html_safe %d, small buffer", html);
            /* and through the FILE interface the HTML writer uses */
            char *mem = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&mem, &len);
            pl_w_json_string(f, s, html);
            fclose(f);
            cr_assert_str_eq(mem, want.buf);
            free(mem), free(big), free(tiny);
            pl_buf_release(&want);
        }
    }
    char *null = through_out(emit_json, NULL, 0, 64);
    cr_assert_str_eq(null, "null");
    free(null);
}

Test(writer, xml_text_attributes_and_cdata_read_back_as_the_cleaned_text)
{
    char s[512];
    for (int t = 0; t < 5000; t++) {
        random_text(s, sizeof s);
        char *want = pl_w_clean(s, 0);
        for (int cdata = 0; cdata <= 1; cdata++) {
            char *doc = through_out(emit_xml, s, cdata, 64 + (size_t)(rng() % 4096));
            xmlDocPtr d = xmlReadMemory(doc, (int)strlen(doc), NULL, "UTF-8", XML_PARSE_NONET);
            cr_assert_not_null(d, "not well-formed: %s", doc);
            xmlNodePtr a = xmlDocGetRootElement(d);
            xmlChar *text = xmlNodeGetContent(a), *attr = xmlGetProp(a, BAD_CAST "b");
            /* a CDATA section carries CR as is, and XML parsers read CR LF and CR as LF */
            char *w = strdup(want), *q = w;
            for (const char *c = want; *c; c++)
                if (!cdata || *c != '\r')
                    *q++ = *c;
                else if (c[1] != '\n')
                    *q++ = '\n';
            *q = '\0';
            cr_assert_str_eq((const char *)text, w, "element text of %s", doc);
            free(w);
            cr_assert_str_eq((const char *)attr, want, "attribute of %s", doc);
            xmlFree(text);
            xmlFree(attr);
            xmlFreeDoc(d);
            free(doc);
        }
        free(want);
    }
}

Test(writer, output_errors_are_reported_and_sticky)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        cr_skip_test("no /dev/full");
    setvbuf(f, NULL, _IONBF, 0);
    pl_w_out o;
    cr_assert_eq(pl_w_out_init(&o, f, 64), 0);
    for (int i = 0; i < 100; i++)
        pl_w_lit(&o, "0123456789");
    cr_assert(o.err);
    cr_assert_eq(pl_w_out_flush(&o), -1);
    pl_w_out_free(&o);
    fclose(f);
}

Test(writer, an_output_without_a_file_grows_to_hold_everything)
{
    pl_w_out o;
    cr_assert_eq(pl_w_out_init(&o, NULL, 16), 0);
    char want[5000];
    for (int i = 0; i < 500; i++) {
        pl_w_lit(&o, "0123456789");
        memcpy(want + 10 * i, "0123456789", 10);
    }
    pl_w_put_long(&o, -1234567890L);
    cr_assert_eq(o.err, 0);
    cr_assert_eq(pl_w_out_flush(&o), 0);
    cr_assert_eq(o.n, 5000 + 11);
    cr_assert(!memcmp(o.p, want, 5000));
    cr_assert(!memcmp(o.p + 5000, "-1234567890", 11));
    pl_w_out_free(&o);
}
