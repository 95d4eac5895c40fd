/* test_geojson.c — the streaming GeoJSON reader (import/geojson.c). */
#include "reader.h"
#include "testutil.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GJ_DIR TEST_DATA_DIR "/geojson/"
#define MAXF 16

/* A deep copy of what the callback saw (the reader's feature dies with it). */
typedef struct cfeat {
    long number, line;
    int is_polygon;
    char kind[32], where[64];
    pl_geom geom;
    size_t nattrs;
    char **keys, **vals;
    double area;
    int srid;         /* info->srid at callback time */
    char enc[16];     /* info->encoding at callback time */
} cfeat;

typedef struct coll {
    cfeat f[MAXF];
    int n;           /* features copied */
    long total;      /* callbacks */
    long last_number, last_line;
    long stop_at;    /* return 7 at this callback (0: never) */
} coll;

static int collect(const pl_feature *f, const pl_source_info *info, void *ctx)
{
    coll *c = ctx;
    c->total++;
    c->last_number = f->number;
    c->last_line = f->line;
    if (c->n < MAXF) {
        cfeat *d = &c->f[c->n++];
        d->number = f->number;
        d->line = f->line;
        d->is_polygon = f->is_polygon;
        snprintf(d->kind, sizeof d->kind, "%s", f->kind);
        snprintf(d->where, sizeof d->where, "%s", f->where);
        pl_geom_init(&d->geom);
        cr_assert_eq(pl_geom_copy(&d->geom, &f->geom), 0);
        d->nattrs = f->nattrs;
        d->keys = calloc(f->nattrs + 1, sizeof *d->keys);
        d->vals = calloc(f->nattrs + 1, sizeof *d->vals);
        for (size_t i = 0; i < f->nattrs; i++) {
            d->keys[i] = strdup(f->attrs[i].key);
            d->vals[i] = strdup(f->attrs[i].value);
        }
        d->area = f->declared_area_m2;
        d->srid = info->srid;
        snprintf(d->enc, sizeof d->enc, "%s", info->encoding);
    }
    return c->stop_at && c->total == c->stop_at ? 7 : 0;
}

static void coll_free(coll *c)
{
    for (int i = 0; i < c->n; i++) {
        pl_geom_release(&c->f[i].geom);
        for (size_t k = 0; k < c->f[i].nattrs; k++) {
            free(c->f[i].keys[k]);
            free(c->f[i].vals[k]);
        }
        free(c->f[i].keys);
        free(c->f[i].vals);
    }
    memset(c, 0, sizeof *c);
}

static const char *attr(const cfeat *f, const char *key)
{
    for (size_t i = 0; i < f->nattrs; i++)
        if (strcmp(f->keys[i], key) == 0)
            return f->vals[i];
    return NULL;
}

static int read_file(const char *path, pl_encoding enc, int srid, coll *c, pl_source_info *info,
                     pl_error *err)
{
    pl_read_options opt = {.encoding = enc, .srid = srid};
    return pl_read_geojson(path, &opt, info, collect, c, err);
}

static void assert_point(const pl_ring *r, size_t i, double x, double y)
{
    cr_assert_lt(i, r->n);
    cr_assert_eq(r->xy[2 * i], x, "point %zu x: %.17g != %.17g", i, r->xy[2 * i], x);
    cr_assert_eq(r->xy[2 * i + 1], y, "point %zu y: %.17g != %.17g", i, r->xy[2 * i + 1], y);
}

/* ------------------------------------------------------------------------ */

Test(geojson, feature_collection)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_file(GJ_DIR "collection.geojson", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.total, 6);
    cr_assert_eq(info.srid, 4326);
    cr_assert_str_eq(info.crs_text, "");
    cr_assert_str_eq(info.encoding, "utf-8");

    /* 1: Polygon with a hole, every JSON property type, Chinese keys and values. */
    cfeat *f = &c.f[0];
    cr_assert_eq(f->number, 1);
    cr_assert_eq(f->line, 5);
    cr_assert_str_eq(f->where, "feature 1 (line 5)");
    cr_assert_eq(f->is_polygon, 1);
    cr_assert_str_eq(f->kind, "Polygon");
    cr_assert(isnan(f->area));
    cr_assert_eq(f->srid, 4326);
    cr_assert_eq(f->geom.n, 1);
    cr_assert_eq(f->geom.polys[0].n, 2);
    const pl_ring *shell = &f->geom.polys[0].rings[0], *hole = &f->geom.polys[0].rings[1];
    cr_assert_eq(shell->n, 5);
    assert_point(shell, 0, 120.4, 36.1);
    assert_point(shell, 1, 120.41, 36.1);
    assert_point(shell, 2, 120.41, 36.11);
    assert_point(shell, 3, 120.4, 36.11);
    assert_point(shell, 4, 120.4, 36.1);
    cr_assert_eq(hole->n, 4);
    assert_point(hole, 0, 120.402, 36.102);
    assert_point(hole, 2, 120.404, 36.104);
    cr_assert_eq(f->nattrs, 13);
    cr_assert_str_eq(f->keys[0], "地块编号"); /* file order */
    cr_assert_str_eq(f->keys[1], "名称");
    cr_assert_str_eq(attr(f, "地块编号"), "QD-001");
    cr_assert_str_eq(attr(f, "名称"), "中德生态园 A-1");
    cr_assert_str_eq(attr(f, "面积"), "12345.67");
    cr_assert_str_eq(attr(f, "亩"), "18");
    cr_assert_str_eq(attr(f, "neg"), "-0.1");
    cr_assert_str_eq(attr(f, "exp"), "1500");
    cr_assert_str_eq(attr(f, "ok"), "true");
    cr_assert_str_eq(attr(f, "bad"), "false");
    cr_assert_str_eq(attr(f, "empty"), "");
    cr_assert_str_eq(attr(f, "tags"), "[\"工业\",1,null]");
    cr_assert_str_eq(attr(f, "meta"), "{\"a\":1,\"b\":[true,\"x\"]}");
    cr_assert_str_eq(attr(f, "esc"), "quote \" backslash \\ tab \t uni 中");
    cr_assert_str_eq(f->keys[12], "id");
    cr_assert_str_eq(f->vals[12], "QD-001");

    /* 2: MultiPolygon, Z dropped, numeric id, an integer too big for 64 bits. */
    f = &c.f[1];
    cr_assert_eq(f->line, 30);
    cr_assert_str_eq(f->kind, "MultiPolygon");
    cr_assert_eq(f->is_polygon, 1);
    cr_assert_eq(f->geom.n, 2);
    cr_assert_eq(f->geom.polys[0].n, 1);
    cr_assert_eq(f->geom.polys[0].rings[0].n, 5);
    assert_point(&f->geom.polys[0].rings[0], 2, 10, 10);
    cr_assert_eq(f->geom.polys[1].n, 2);
    cr_assert_eq(f->geom.polys[1].rings[0].n, 4); /* not closed by the reader: 4 as written */
    assert_point(&f->geom.polys[1].rings[1], 2, 21.5, 21.2);
    cr_assert_str_eq(attr(f, "name"), "multi");
    cr_assert_str_eq(attr(f, "big"), "1.2345678901234567e+19");
    cr_assert_str_eq(attr(f, "id"), "42");

    /* 3: Point, 4: null geometry — passed on as non-polygons. */
    cr_assert_eq(c.f[2].is_polygon, 0);
    cr_assert_str_eq(c.f[2].kind, "Point");
    cr_assert_eq(c.f[2].geom.n, 0);
    cr_assert_str_eq(attr(&c.f[2], "name"), "well");
    cr_assert_eq(c.f[2].line, 34);
    cr_assert_eq(c.f[3].is_polygon, 0);
    cr_assert_str_eq(c.f[3].kind, "null");
    cr_assert_eq(c.f[3].nattrs, 0);

    /* 5: GeometryCollection of polygons = a multipolygon; 6: mixed = not a parcel. */
    f = &c.f[4];
    cr_assert_eq(f->is_polygon, 1);
    cr_assert_str_eq(f->kind, "GeometryCollection");
    cr_assert_eq(f->geom.n, 2);
    assert_point(&f->geom.polys[1].rings[0], 1, 6, 5);
    cr_assert_eq(c.f[5].is_polygon, 0);
    cr_assert_str_eq(c.f[5].kind, "GeometryCollection");
    cr_assert_eq(c.f[5].geom.n, 0);
    cr_assert_eq(c.f[5].line, 40);
    coll_free(&c);
}

Test(geojson, crs_member_epsg4528)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(GJ_DIR "crs_epsg4528.geojson", PL_ENCODING_AUTO, 0, &c, &info, &err),
                 PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4528);
    cr_assert_str_eq(info.crs_text, "EPSG:4528");
    cr_assert_eq(c.total, 1);
    cr_assert_eq(c.f[0].srid, 4528);
    cr_assert_eq(c.f[0].line, 4);
    const pl_ring *r = &c.f[0].geom.polys[0].rings[0];
    cr_assert_eq(r->n, 4);
    assert_point(r, 0, 40536019.978, 3996712.745);
    assert_point(r, 2, 40536119.978, 3996812.745);
    cr_assert_str_eq(attr(&c.f[0], "DKBH"), "J-7");
    coll_free(&c);

    /* --crs overrides what the file says. */
    cr_assert_eq(read_file(GJ_DIR "crs_epsg4528.geojson", PL_ENCODING_AUTO, 4549, &c, &info, &err),
                 PL_OK);
    cr_assert_eq(info.srid, 4549);
    cr_assert_eq(c.f[0].srid, 4549);
    cr_assert_str_eq(info.crs_text, "EPSG:4528");
    coll_free(&c);
}

Test(geojson, crs_after_features_is_honoured)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(GJ_DIR "crs_after_features.geojson", PL_ENCODING_AUTO, 0, &c, &info,
                           &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.total, 2);
    /* Known before the first callback although written after "features". */
    cr_assert_eq(c.f[0].srid, 4528);
    cr_assert_eq(info.srid, 4528);
    cr_assert_str_eq(info.crs_text, "urn:ogc:def:crs:EPSG::4528");
    cr_assert_eq(c.f[0].line, 3);
    cr_assert_eq(c.f[1].line, 5);
    cr_assert_str_eq(attr(&c.f[1], "DKBH"), "J-9");
    assert_point(&c.f[1].geom.polys[0].rings[0], 1, 40537100, 3997000);
    coll_free(&c);
}

Test(geojson, crs_name_forms)
{
    static const struct { const char *crs; int srid; } cases[] = {
        {"{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}}", 4326},
        {"{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC::CRS84\"}}", 4326},
        {"{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4490\"}}", 4490},
        {"{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG:6.6:4549\"}}", 4549},
        {"{\"type\":\"name\",\"properties\":{\"name\":\"http://www.opengis.net/def/crs/EPSG/0/2364\"}}", 2364},
        {"null", 4326},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, "{\"type\":\"FeatureCollection\",\"features\":[],\"crs\":%s}",
                 cases[i].crs);
        const char *path = tu_tmp("crs.geojson");
        tu_write_file(path, doc, (size_t)-1);
        coll c = {0};
        pl_source_info info;
        pl_error err;
        cr_assert_eq(read_file(path, PL_ENCODING_AUTO, 0, &c, &info, &err), PL_OK, "%s: %s",
                     cases[i].crs, err.message);
        cr_assert_eq(info.srid, cases[i].srid, "%s", cases[i].crs);
        cr_assert_eq(c.total, 0);
    }
    /* The crs84 file, and an unknown crs accepted when --crs is given. */
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(GJ_DIR "crs_crs84.geojson", PL_ENCODING_AUTO, 0, &c, &info, &err), PL_OK);
    cr_assert_eq(info.srid, 4326);
    cr_assert_str_eq(info.crs_text, "urn:ogc:def:crs:OGC:1.3:CRS84");
    cr_assert_eq(read_file(GJ_DIR "bad_crs_unknown.geojson", PL_ENCODING_AUTO, 4528, &c, &info,
                           &err), PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4528);
    cr_assert_str_eq(info.crs_text, "CGCS2000 / 3-degree Gauss-Kruger zone 40");
}

Test(geojson, single_feature_and_bare_geometry)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(GJ_DIR "single_feature.geojson", PL_ENCODING_AUTO, 0, &c, &info, &err),
                 PL_OK, "%s", err.message);
    cr_assert_eq(c.total, 1);
    cr_assert_eq(c.f[0].number, 1);
    cr_assert_eq(c.f[0].line, 2); /* the file starts with an empty line */
    cr_assert_str_eq(c.f[0].kind, "Polygon");
    cr_assert_str_eq(attr(&c.f[0], "名称"), "单个地块");
    cr_assert_str_eq(attr(&c.f[0], "编号"), "7");
    assert_point(&c.f[0].geom.polys[0].rings[0], 0, 1.25, 2.5);
    assert_point(&c.f[0].geom.polys[0].rings[0], 2, 3, 4);
    coll_free(&c);

    cr_assert_eq(read_file(GJ_DIR "bare_multipolygon.geojson", PL_ENCODING_AUTO, 0, &c, &info,
                           &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.total, 1);
    cr_assert_eq(c.f[0].is_polygon, 1);
    cr_assert_str_eq(c.f[0].kind, "MultiPolygon");
    cr_assert_eq(c.f[0].nattrs, 0);
    cr_assert_eq(c.f[0].geom.n, 2);
    cr_assert_eq(c.f[0].geom.polys[0].n, 1);
    cr_assert_eq(c.f[0].geom.polys[1].n, 2);
    assert_point(&c.f[0].geom.polys[1].rings[1], 1, 2.2, 2.1);
    cr_assert_eq(info.srid, 4326);
    coll_free(&c);
}

Test(geojson, bom_and_crlf)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(GJ_DIR "bom.geojson", PL_ENCODING_AUTO, 0, &c, &info, &err), PL_OK,
                 "%s", err.message);
    cr_assert_str_eq(info.encoding, "utf-8-bom");
    cr_assert_str_eq(c.f[0].enc, "utf-8-bom");
    cr_assert_eq(c.total, 1);
    cr_assert_eq(c.f[0].line, 2);
    cr_assert_str_eq(attr(&c.f[0], "名称"), "带BOM");
    assert_point(&c.f[0].geom.polys[0].rings[0], 1, 7, 6);
    coll_free(&c);
}

/* 運 and 誠 are GBK DF5C and D55C: their second byte is a backslash. © is the
 * 4-byte GB18030 sequence 81 30 84 38. */
Test(geojson, gbk_text)
{
    pl_encoding encs[] = {PL_ENCODING_AUTO, PL_ENCODING_GBK};
    for (int i = 0; i < 2; i++) {
        coll c = {0};
        pl_source_info info;
        pl_error err;
        cr_assert_eq(read_file(GJ_DIR "gbk.geojson", encs[i], 0, &c, &info, &err), PL_OK, "%s",
                     err.message);
        cr_assert_str_eq(info.encoding, "gbk");
        cr_assert_eq(c.total, 1);
        cr_assert_str_eq(attr(&c.f[0], "名称"), "運");
        cr_assert_str_eq(attr(&c.f[0], "说明"), "a誠b");
        cr_assert_str_eq(attr(&c.f[0], "地块"), "青岛");
        cr_assert_str_eq(attr(&c.f[0], "注"), "©2024"); /* a 4-byte GB18030 character */
        assert_point(&c.f[0].geom.polys[0].rings[0], 2, 3, 4);
        coll_free(&c);
    }
    /* Forced UTF-8: refused with the line and the feature. */
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(GJ_DIR "gbk.geojson", PL_ENCODING_UTF8, 0, &c, &info, &err),
                 PL_ERR_INPUT);
    cr_assert_str_eq(err.message, GJ_DIR "gbk.geojson: line 2 (feature 1): invalid UTF-8 text "
                                         "(byte 0xC3 in a string); if the file is GBK, use "
                                         "--encoding gbk");
    cr_assert_eq(c.total, 0);
}

/* A GBK character cut by the reader's 64 KiB buffer, whose trail byte is '\'. */
Test(geojson, gbk_character_across_buffer_boundary)
{
    for (int pad = 0; pad < 2; pad++) {
        size_t nchar = 40000;
        size_t cap = nchar * 2 + 256;
        char *doc = malloc(cap), *want = malloc(nchar * 3 + 1);
        int n = snprintf(doc, cap, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                                   "\"Feature\",\"properties\":{\"v\":\"%s", pad ? "x" : "");
        size_t len = (size_t)n;
        for (size_t i = 0; i < nchar; i++) {
            doc[len++] = (char)0xdf; /* 運 */
            doc[len++] = (char)0x5c;
            memcpy(want + 3 * i, "運", 3);
        }
        want[3 * nchar] = '\0';
        len += (size_t)snprintf(doc + len, cap - len, "\"},\"geometry\":null}]}");
        const char *path = tu_tmp("gbk_long.geojson");
        tu_write_file(path, doc, len);
        coll c = {0};
        pl_source_info info;
        pl_error err;
        cr_assert_eq(read_file(path, PL_ENCODING_AUTO, 0, &c, &info, &err), PL_OK, "%s",
                     err.message);
        cr_assert_str_eq(info.encoding, "gbk");
        cr_assert_eq(c.total, 1);
        const char *v = attr(&c.f[0], "v");
        cr_assert_not_null(v);
        cr_assert_eq(strcmp(v + pad, want), 0);
        coll_free(&c);
        free(doc);
        free(want);
    }
}

Test(geojson, callback_stop_value_is_returned)
{
    coll c = {.stop_at = 2};
    pl_source_info info;
    pl_error err;
    int rc = read_file(GJ_DIR "collection.geojson", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, 7);
    cr_assert_eq(c.total, 2);
    coll_free(&c);
}

Test(geojson, missing_file)
{
    pl_error err;
    pl_source_info info;
    coll c = {0};
    cr_assert_eq(read_file(GJ_DIR "no-such-file.geojson", PL_ENCODING_AUTO, 0, &c, &info, &err),
                 PL_ERR_IO);
    cr_assert_str_eq(err.message,
                     GJ_DIR "no-such-file.geojson: cannot open: No such file or directory");
}

/* ------------------------------------------------------------------------ */
/* Malformed input: PL_ERR_INPUT, file + line/feature + reason, no crash.    */

static const struct bad_case {
    const char *file;
    pl_encoding enc;
    long callbacks; /* features handed out before the error */
    const char *msg; /* after "PATH: " */
} BAD[] = {
    {"empty.geojson", PL_ENCODING_AUTO, 0, "empty file"},
    {"blank.geojson", PL_ENCODING_AUTO, 0, "empty file"},
    {"bad_truncated.geojson", PL_ENCODING_AUTO, 0,
     "line 3 (feature 1): expected ',' or ']' after an array element, found end of file"},
    {"bad_trailing.geojson", PL_ENCODING_AUTO, 0,
     "line 3: expected end of file after the top-level object, found '}'"},
    {"bad_unbalanced.geojson", PL_ENCODING_AUTO, 0,
     "line 3 (feature 2): expected ',' or '}' after an object member, found ']'"},
    {"bad_escape.geojson", PL_ENCODING_AUTO, 0,
     "line 2 (feature 1): expected an escape (\\\" \\\\ / b f n r t or u) after '\\' in a string, "
     "found 'q'"},
    {"bad_unterminated_string.geojson", PL_ENCODING_AUTO, 0,
     "line 2 (feature 1): line break inside a string (missing closing '\"'?)"},
    {"bad_missing_comma.geojson", PL_ENCODING_AUTO, 0,
     "line 3 (feature 1): expected ',' or ']' after a feature, found '{'"},
    {"bad_number.geojson", PL_ENCODING_AUTO, 0,
     "line 2 (feature 1): expected a digit after the decimal point, found ','"},
    {"bad_literal.geojson", PL_ENCODING_AUTO, 0, "line 2 (feature 1): expected a value, found 'T'"},
    {"bad_no_features.geojson", PL_ENCODING_AUTO, 0,
     "line 1: FeatureCollection has no \"features\" member"},
    {"bad_features_object.geojson", PL_ENCODING_AUTO, 0, "line 2: \"features\" must be an array"},
    {"bad_duplicate_features.geojson", PL_ENCODING_AUTO, 0,
     "line 2: duplicate top-level \"features\" member"},
    {"bad_type.geojson", PL_ENCODING_AUTO, 0,
     "line 2: unsupported GeoJSON type 'Topology' (expected FeatureCollection, Feature or a "
     "geometry)"},
    {"bad_no_type.geojson", PL_ENCODING_AUTO, 0, "line 1: the top-level object has no \"type\" member"},
    {"bad_top_array.geojson", PL_ENCODING_AUTO, 0,
     "line 1: expected '{' (a GeoJSON object), found '['"},
    {"bad_position_short.geojson", PL_ENCODING_AUTO, 1,
     "feature 2 (line 3): polygon 2 ring 1 point 2: position has 1 number, expected at least 2"},
    {"bad_position_string.geojson", PL_ENCODING_AUTO, 0,
     "feature 1 (line 2): polygon 1 ring 1 point 2: coordinate 1 is a string '120.5', not a "
     "number"},
    {"bad_feature_type.geojson", PL_ENCODING_AUTO, 1,
     "feature 2 (line 3): \"type\" is 'Polygon', expected 'Feature'"},
    {"bad_unknown_geometry.geojson", PL_ENCODING_AUTO, 0,
     "feature 1 (line 2): unknown geometry type 'Circle'"},
    {"bad_crs_unknown.geojson", PL_ENCODING_AUTO, 0,
     "line 2: unsupported crs name 'CGCS2000 / 3-degree Gauss-Kruger zone 40' (expected EPSG:N, "
     "urn:ogc:def:crs:EPSG::N or urn:ogc:def:crs:OGC:1.3:CRS84; use --crs)"},
    {"bad_crs_link.geojson", PL_ENCODING_AUTO, 0,
     "line 2: unsupported crs member {\"type\":\"link\",\"properties\":{\"href\":"
     "\"http://example.com/crs/42\",\"type\":\"proj4\"}} (expected {\"type\":\"name\","
     "\"properties\":{\"name\":\"EPSG:N\"}}; use --crs)"},
    {"bad_utf8.geojson", PL_ENCODING_UTF8, 0,
     "line 3 (feature 2): invalid UTF-8 text (byte 0xFF in a string); if the file is GBK, use "
     "--encoding gbk"},
    {"bad_utf8.geojson", PL_ENCODING_AUTO, 0,
     "line 3 (feature 2): text is neither UTF-8 nor GBK (byte 0xFF in a string)"},
    {"collection.geojson", PL_ENCODING_GBK, 0,
     "line 10 (feature 1): invalid GBK text (byte 0x80 in a string)"},
};

Test(geojson, malformed_files)
{
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char path[512], want[2048];
        snprintf(path, sizeof path, GJ_DIR "%s", BAD[i].file);
        snprintf(want, sizeof want, "%s: %s", path, BAD[i].msg);
        coll c = {0};
        pl_source_info info;
        pl_error err;
        int rc = read_file(path, BAD[i].enc, 0, &c, &info, &err);
        cr_assert_eq(rc, PL_ERR_INPUT, "%s: rc %d (%s)", BAD[i].file, rc, err.message);
        cr_assert_eq(err.code, PL_ERR_INPUT);
        cr_assert_str_eq(err.message, want, "%s", BAD[i].file);
        cr_assert_eq(c.total, BAD[i].callbacks, "%s: %ld callbacks", BAD[i].file, c.total);
        coll_free(&c);
    }
}

static void expect_error(const char *name, const char *doc, size_t len, const char *msg)
{
    const char *path = tu_tmp(name);
    tu_write_file(path, doc, len);
    char want[2048];
    snprintf(want, sizeof want, "%s: %s", path, msg);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(path, PL_ENCODING_AUTO, 0, &c, &info, &err), PL_ERR_INPUT, "%s", name);
    cr_assert_str_eq(err.message, want);
    cr_assert_eq(c.total, 0);
    coll_free(&c);
}

Test(geojson, malformed_inline)
{
    expect_error("nul.geojson",
                 "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\","
                 "\"properties\":{\"a\":\"x\\u0000y\"},\"geometry\":null}]}", (size_t)-1,
                 "line 2 (feature 1): '\\u0000' (a NUL character) is not allowed in a string");
    expect_error("badhex.geojson",
                 "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                 "\"properties\":{\"a\":\"\\u12G4\"},\"geometry\":null}]}", (size_t)-1,
                 "line 1 (feature 1): expected 4 hex digits after '\\u' in a string, found 'G'");
    expect_error("ctl.geojson", "{\"type\":\"Feature\",\"properties\":{\"a\":\"x\ty\"}}", (size_t)-1,
                 "line 1: control character 0x09 inside a string");
    expect_error("unterminated.geojson", "{\"type\":\"FeatureCollection\",\"features\":[], \"name\":\"ab",
                 (size_t)-1, "line 1: unterminated string (opened on line 1)");
    expect_error("colon.geojson", "{\"type\" \"FeatureCollection\"}", (size_t)-1,
                 "line 1: expected ':' after a member name, found '\"'");
    expect_error("key.geojson", "{\"type\":\"FeatureCollection\",\n features:[]}", (size_t)-1,
                 "line 2: expected a member name in double quotes, found 'f'");
    expect_error("trailcomma.geojson", "{\"type\":\"FeatureCollection\",\"features\":[1,2,]}",
                 (size_t)-1, "line 1 (feature 3): expected a value, found ']'");
    expect_error("notobj.geojson", "{\"type\":\"FeatureCollection\",\"features\":[\n\n 17]}",
                 (size_t)-1, "feature 1 (line 3): expected a Feature object '{', found '1'");
    expect_error("props.geojson",
                 "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                 "\"properties\":[1],\"geometry\":null}]}", (size_t)-1,
                 "feature 1 (line 1): \"properties\" must be an object or null, found an array");
    expect_error("realoverflow.geojson",
                 "{\"type\":\"Feature\",\"properties\":{\"a\":1e999},\"geometry\":null}",
                 (size_t)-1, "feature 1 (line 1): at line 1: real number overflow near '1e999'");
    expect_error("rings.geojson",
                 "{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,4],[5,6]],\n{\"x\":1}]}",
                 (size_t)-1,
                 "feature 1 (line 1): polygon 1 ring 2: expected an array of positions, found an object");
    expect_error("nul_byte.geojson", "{\"type\":\"Feature\"\0}", 19,
                 "line 1: expected ',' or '}' after a member of the top-level object, found byte 0x00");
}

/* 100000 '[' in a feature, and in an ignored member: refused at depth 64,
 * without recursion. */
Test(geojson, deep_nesting_refused)
{
    size_t depth = 100000;
    const char *head = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\","
                       "\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":";
    size_t hl = strlen(head);
    char *doc = malloc(hl + 2 * depth + 16);
    memcpy(doc, head, hl);
    memset(doc + hl, '[', depth);
    memset(doc + hl + depth, ']', depth);
    memcpy(doc + hl + 2 * depth, "}}]}", 5);
    expect_error("deep.geojson", doc, hl + 2 * depth + 4,
                 "line 2 (feature 1): nesting deeper than 64 levels, refused");

    const char *head2 = "{\"type\":\"FeatureCollection\",\"bbox\":";
    hl = strlen(head2);
    memcpy(doc, head2, hl);
    memset(doc + hl, '[', depth);
    memset(doc + hl + depth, ']', depth);
    memcpy(doc + hl + 2 * depth, ",\"features\":[]}", 16);
    expect_error("deep2.geojson", doc, hl + 2 * depth + 15,
                 "line 1: nesting deeper than 64 levels, refused");
    free(doc);

    /* 60 levels of properties nesting still read (jansson gets it). */
    char ok[1024];
    int n = snprintf(ok, sizeof ok, "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":");
    for (int i = 0; i < 60; i++)
        ok[n++] = '[';
    for (int i = 0; i < 60; i++)
        ok[n++] = ']';
    snprintf(ok + n, sizeof ok - (size_t)n, "}}");
    const char *path = tu_tmp("nested_ok.geojson");
    tu_write_file(path, ok, (size_t)-1);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(path, PL_ENCODING_AUTO, 0, &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_eq(strlen(attr(&c.f[0], "a")), 120);
    coll_free(&c);
}

/* A feature over 256 MiB is refused before anything is handed out. */
Test(geojson, oversized_feature_refused, .timeout = 300)
{
    const char *path = tu_tmp("huge.geojson");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n"
          "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}},\n"
          "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":\"", f);
    size_t block = 1 << 20;
    char *x = malloc(block);
    memset(x, 'x', block);
    for (int i = 0; i < 257; i++)
        cr_assert_eq(fwrite(x, 1, block, f), block);
    free(x);
    fputs("\"}}]}\n", f);
    fclose(f);
    char want[1024];
    snprintf(want, sizeof want, "%s: feature 2 (line 3): feature larger than 256 MiB, refused", path);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_file(path, PL_ENCODING_AUTO, 0, &c, &info, &err);
    unlink(path);
    cr_assert_eq(rc, PL_ERR_INPUT);
    cr_assert_str_eq(err.message, want);
    cr_assert_eq(c.total, 0);
}

/* 50 000 small features written here: all of them come through, in order. */
Test(geojson, many_features, .timeout = 300)
{
    const char *path = tu_tmp("many.geojson");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    long nfeat = 50000;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", f);
    for (long i = 1; i <= nfeat; i++)
        fprintf(f, "{\"type\":\"Feature\",\"id\":%ld,\"properties\":{\"名称\":\"地块%ld\",\"面积\":%ld.5},"
                   "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%ld,0],[%ld.25,0],[%ld.25,1],[%ld,0]]]}}%s\n",
                i, i, i, i, i, i, i, i < nfeat ? "," : "");
    fputs("]}\n", f);
    fclose(f);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(path, PL_ENCODING_AUTO, 0, &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.total, nfeat);
    cr_assert_eq(c.last_number, nfeat);
    cr_assert_eq(c.last_line, nfeat + 1);
    cr_assert_str_eq(attr(&c.f[15], "名称"), "地块16");
    cr_assert_str_eq(attr(&c.f[15], "面积"), "16.5");
    assert_point(&c.f[15].geom.polys[0].rings[0], 1, 16.25, 0);
    coll_free(&c);
    unlink(path);
}
