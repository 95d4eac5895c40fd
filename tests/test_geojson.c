/* test_geojson.c — the streaming GeoJSON reader (import/geojson.c). */
#include "reader.h"
#include "testutil.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
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
    char kind[96], where[64];
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
    cr_assert_str_eq(c.f[5].kind, "GeometryCollection (1 Polygon, 1 LineString)");
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
    cr_assert_eq(read_file(TEST_DATA_DIR "/refused/geojson/bad_crs_unknown.geojson", PL_ENCODING_AUTO, 4528, &c, &info,
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
    /* the files refused with the encoding guessed are cases of test_refused (tests/data/refused/geojson/) */
    {"../refused/geojson/bad_utf8.geojson", PL_ENCODING_UTF8, 0,
     "line 3 (feature 2): invalid UTF-8 text (byte 0xFF in a string); if the file is GBK, use "
     "--encoding gbk"},
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

/* ------------------------------------------------------------------------ */
/* Geometry read by the reader's own scanner (no jansson tree): numbers,     */
/* member order, repeated members, errors as jansson worded them.            */

/* Write `doc` to a temporary file and read it; the result is in *c. */
static int read_doc(const char *name, const char *doc, coll *c, pl_error *err)
{
    const char *path = tu_tmp(name);
    tu_write_file(path, doc, (size_t)-1);
    pl_source_info info;
    return read_file(path, PL_ENCODING_AUTO, 0, c, &info, err);
}

/* Bitwise equality, so that -0.0 and 0.0 differ. */
static void assert_bits(double got, double want, const char *what)
{
    cr_assert_eq(memcmp(&got, &want, sizeof got), 0, "%s: got %a, want %a", what, got, want);
}

#define GJ_FC(features) "{\"type\":\"FeatureCollection\",\"features\":[\n" features "\n]}"
#define GJ_POLY(ring) "{\"type\":\"Feature\",\"properties\":{\"code\":\"N\"},\"geometry\":" \
                      "{\"type\":\"Polygon\",\"coordinates\":[[" ring "]]}}"

Test(geojson_numbers, every_json_number_form)
{
    static const struct {
        const char *text;
        double want;
    } cases[] = {
        {"0", 0.0},          {"-0.0", -0.0},        {"0.0", 0.0},         {"-0e0", -0.0},
        {"1E+2", 100.0},     {"1e2", 100.0},        {"1E2", 100.0},       {"1e-2", 0.01},
        {"-1.5E-3", -0.0015}, {"2.5e+0", 2.5},      {"120.40000000", 120.4}, {"36.1", 36.1},
        {"0.1", 0.1},        {"1e22", 1e22},        {"1e23", 1e23},       {"123456789012345678", 123456789012345678.0},
        {"9007199254740993", 9007199254740992.0},   {"4.9e-324", 4.9e-324}, {"1e-400", 0.0},
        {"-1e-400", -0.0},   {"1.7976931348623157e308", 1.7976931348623157e308},
        {"0.30000000000000004", 0.30000000000000004}, {"120.123456789012345678901234", 120.12345678901235},
        {"9223372036854775807", 9223372036854775807.0}, {"-9223372036854775808", -9223372036854775808.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, GJ_FC(GJ_POLY("[%s,7],[1,%s]")), cases[i].text, cases[i].text);
        coll c = {0};
        pl_error err;
        cr_assert_eq(read_doc("num.geojson", doc, &c, &err), PL_OK, "%s: %s", cases[i].text, err.message);
        const pl_ring *r = &c.f[0].geom.polys[0].rings[0];
        assert_bits(r->xy[0], cases[i].want, cases[i].text);
        assert_bits(r->xy[3], cases[i].want, cases[i].text);
        assert_bits(r->xy[0], strtod(cases[i].text, NULL), cases[i].text);
        coll_free(&c);
    }
}

/* The integer -0 reads as 0 (jansson reads integers as integers), the real
 * -0.0 as -0.0; an integer beyond 64 bits anywhere in the feature makes
 * jansson read the whole feature as reals, where -0 is -0.0 and property
 * integers are written as reals. */
Test(geojson_numbers, negative_zero_and_integers_beyond_64_bits)
{
    coll c = {0};
    pl_error err;
    cr_assert_eq(read_doc("negzero.geojson",
                          GJ_FC("{\"type\":\"Feature\",\"properties\":{\"i\":12345678901234567},"
                                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-0,-0.0],[1,2]]]}}"),
                          &c, &err), PL_OK, "%s", err.message);
    const pl_ring *r = &c.f[0].geom.polys[0].rings[0];
    assert_bits(r->xy[0], 0.0, "integer -0");
    assert_bits(r->xy[1], -0.0, "real -0.0");
    cr_assert_str_eq(attr(&c.f[0], "i"), "12345678901234567");
    coll_free(&c);

    /* a big integer in the coordinates: the properties are read as reals */
    cr_assert_eq(read_doc("bigcoord.geojson",
                          GJ_FC("{\"type\":\"Feature\",\"properties\":{\"i\":12345678901234567},"
                                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-0,12345678901234567890],"
                                "[1,-98765432109876543210]]]}}"),
                          &c, &err), PL_OK, "%s", err.message);
    r = &c.f[0].geom.polys[0].rings[0];
    assert_bits(r->xy[0], -0.0, "-0 read as a real");
    assert_bits(r->xy[1], 12345678901234567890.0, "big integer");
    assert_bits(r->xy[3], -98765432109876543210.0, "big negative integer");
    cr_assert_str_eq(attr(&c.f[0], "i"), "12345678901234568");
    coll_free(&c);

    /* a big integer in the properties, after the geometry: -0 is -0.0 too */
    cr_assert_eq(read_doc("bigprop.geojson",
                          GJ_FC("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                                "[[[-0,5],[1,2]]]},\"properties\":{\"big\":-12345678901234567890}}"),
                          &c, &err), PL_OK, "%s", err.message);
    assert_bits(c.f[0].geom.polys[0].rings[0].xy[0], -0.0, "-0 with a big integer in the properties");
    cr_assert_str_eq(attr(&c.f[0], "big"), "-1.2345678901234567e+19");
    coll_free(&c);
}

/* 40 000 numbers written as %.17g (and other forms) read back bit for bit
 * as strtod reads them; the file is large enough for numbers to straddle
 * the reader's 64 KiB blocks. */
Test(geojson_numbers, seventeen_digits_round_trip_as_strtod)
{
    enum { NPTS = 20000 };
    static char text[2 * NPTS][48];
    uint64_t seed = 20240618;
    for (int i = 0; i < 2 * NPTS; i++) {
        uint64_t u = tu_splitmix64(&seed);
        double v;
        switch (i % 5) {
        case 0: /* any finite double */
            do {
                u = tu_splitmix64(&seed);
                memcpy(&v, &u, sizeof v);
            } while (!isfinite(v));
            snprintf(text[i], sizeof text[i], "%.17g", v);
            break;
        case 1: /* longitude-like, 17 significant digits */
            snprintf(text[i], sizeof text[i], "%.17g", 73.0 + (double)(u >> 11) / 9007199254740992.0 * 62.0);
            break;
        case 2: /* 8 decimals, as GIS tools write them */
            snprintf(text[i], sizeof text[i], "%.8f", (double)(u % 36000000000ULL) / 1e8 - 180.0);
            break;
        case 3: /* random digits and exponent */
            snprintf(text[i], sizeof text[i], "%s%llu.%03llue%+d", u & 1 ? "-" : "",
                     (unsigned long long)((u >> 1) % 100000000000000000ULL),
                     (unsigned long long)((u >> 8) % 1000), (int)((u >> 40) % 61) - 30);
            break;
        default: /* integers of up to 19 digits */
            snprintf(text[i], sizeof text[i], "%lld", (long long)(u >> 1) / (long long)(1 + (u >> 59)));
            break;
        }
    }
    size_t cap = (size_t)2 * NPTS * 52 + 256, len = 0;
    char *doc = malloc(cap);
    len += (size_t)snprintf(doc + len, cap - len, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (int i = 0; i < NPTS; i++)
        len += (size_t)snprintf(doc + len, cap - len, "%s[%s,%s]", i ? "," : "", text[2 * i], text[2 * i + 1]);
    len += (size_t)snprintf(doc + len, cap - len, "]]}");
    coll c = {0};
    pl_error err;
    cr_assert_eq(read_doc("digits.geojson", doc, &c, &err), PL_OK, "%s", err.message);
    free(doc);
    const pl_ring *r = &c.f[0].geom.polys[0].rings[0];
    cr_assert_eq(r->n, NPTS);
    for (int i = 0; i < 2 * NPTS; i++) {
        double want = strtod(text[i], NULL);
        cr_assert_eq(memcmp(&r->xy[i], &want, sizeof want), 0, "%s: got %a, strtod %a", text[i], r->xy[i], want);
    }
    coll_free(&c);
}

/* A number cut by the end of the reader's 64 KiB block at every position. */
Test(geojson_numbers, number_across_block_boundary)
{
    const char *num = "-120.12345678901234e-1";
    size_t nlen = strlen(num);
    double want = strtod(num, NULL);
    char *doc = malloc(70000);
    for (size_t cut = 1; cut < nlen; cut++) {
        int n = snprintf(doc, 70000, "{\"type\":\"Polygon\",\"coordinates\":[[[1,");
        size_t len = (size_t)n;
        for (; len < 65536 - cut; len++)
            doc[len] = len % 80 ? ' ' : '\n';
        len += (size_t)snprintf(doc + len, 70000 - len, "%s],[%s,1e-3]]]}", num, num);
        coll c = {0};
        pl_error err;
        cr_assert_eq(read_doc("cut.geojson", doc, &c, &err), PL_OK, "cut %zu: %s", cut, err.message);
        const pl_ring *r = &c.f[0].geom.polys[0].rings[0];
        assert_bits(r->xy[1], want, "number across the boundary");
        assert_bits(r->xy[2], want, "number after it");
        assert_bits(r->xy[3], 1e-3, "1e-3");
        coll_free(&c);
    }
    free(doc);
}

Test(geojson_numbers, bad_numbers_are_refused)
{
    static const struct {
        const char *name, *num, *msg;
    } cases[] = {
        {"lead0.geojson", "01.5", "line 2 (feature 1): expected ',' or ']' after an array element, found '1'"},
        {"lead00.geojson", "-00", "line 2 (feature 1): expected ',' or ']' after an array element, found '0'"},
        {"plus.geojson", "+1", "line 2 (feature 1): expected a value, found '+'"},
        {"dot.geojson", ".5", "line 2 (feature 1): expected a value, found '.'"},
        {"dotend.geojson", "1.", "line 2 (feature 1): expected a digit after the decimal point, found ','"},
        {"exp.geojson", "1e", "line 2 (feature 1): expected a digit in the exponent, found ','"},
        {"expsign.geojson", "1E+", "line 2 (feature 1): expected a digit in the exponent, found ','"},
        {"minus.geojson", "-", "line 2 (feature 1): expected a digit in a number, found ','"},
        {"hex.geojson", "0x10", "line 2 (feature 1): expected ',' or ']' after an array element, found 'x'"},
        {"nan.geojson", "NaN", "line 2 (feature 1): expected a value, found 'N'"},
        {"inf.geojson", "-Infinity", "line 2 (feature 1): expected a digit in a number, found 'I'"},
        {"huge.geojson", "1e309", "feature 1 (line 2): at line 2: real number overflow near '1e309'"},
        {"mhuge.geojson", "-1.5E+400", "feature 1 (line 2): at line 2: real number overflow near '-1.5E+400'"},
        /* jansson shows the number only when it has at most 20 characters */
        {"longhuge.geojson", "1.00000000000000000000e999", "feature 1 (line 2): at line 2: real number overflow"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, GJ_FC(GJ_POLY("[1,2],[%s,3],[1,2]")), cases[i].num);
        expect_error(cases[i].name, doc, (size_t)-1, cases[i].msg);
    }
    /* an integer of 400 digits: beyond 64 bits, then beyond the doubles */
    char doc[1024], big[402];
    memset(big, '9', 400);
    big[400] = '\0';
    snprintf(doc, sizeof doc, GJ_FC(GJ_POLY("[1,2],[%s,3],[1,2]")), big);
    expect_error("bigint.geojson", doc, (size_t)-1, "feature 1 (line 2): at line 2: real number overflow");
}

/* Coordinates at the wrong depth name the feature, polygon, ring and point. */
Test(geojson_geometry, nested_arrays_of_the_wrong_depth)
{
    static const struct {
        const char *geom, *msg;
    } cases[] = {
        {"{\"type\":\"Polygon\",\"coordinates\":[[1,2],[3,4],[5,6]]}",
         "polygon 1 ring 1 point 1: expected a position [x, y], found a number"},
        {"{\"type\":\"Polygon\",\"coordinates\":[1,2]}",
         "polygon 1 ring 1: expected an array of positions, found a number"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[[1,2],[3,4]]]]}",
         "polygon 1 ring 1 point 1: coordinate 1 is an array, not a number"},
        {"{\"type\":\"MultiPolygon\",\"coordinates\":[1,2]}",
         "polygon 1: expected an array of rings, found a number"},
        {"{\"type\":\"Polygon\",\"coordinates\":{\"x\":1}}", "Polygon has no \"coordinates\" array"},
        {"{\"type\":\"MultiPolygon\",\"coordinates\":[[[1,2],[3,4],[5,6]]]}",
         "polygon 1 ring 1 point 1: expected a position [x, y], found a number"},
        {"{\"type\":\"MultiPolygon\",\"coordinates\":[[[[1,2],[3,4],[5,6]]],[[1,2]]]}",
         "polygon 2 ring 1 point 1: expected a position [x, y], found a number"},
        {"{\"type\":\"MultiPolygon\",\"coordinates\":[[[[1,2],[3,4],[5,6]]],[[[1]]]]}",
         "polygon 2 ring 1 point 1: position has 1 number, expected at least 2"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,\"4\"],[5,6]]]}",
         "polygon 1 ring 1 point 2: coordinate 2 is a string '4', not a number"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[1,2,null]]]}",
         "polygon 1 ring 1 point 1: coordinate 3 is null, not a number"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[true,2]]]}",
         "polygon 1 ring 1 point 1: coordinate 1 is a boolean, not a number"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[]]]}",
         "polygon 1 ring 1 point 1: position has 0 numbers, expected at least 2"},
        {"[[[1,2]]]", "geometry must be an object or null, found an array"},
        {"{\"coordinates\":[[[1,2]]]}", "geometry has no \"type\" string"},
        {"{\"type\":\"Polyg0n\",\"coordinates\":[[[1,2]]]}", "unknown geometry type 'Polyg0n'"},
        {"{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Polygon\",\"coordinates\":[[[1,2]]]},"
         "{\"type\":\"Polygon\",\"coordinates\":[[1]]}]}",
         "polygon 2 ring 1 point 1: expected a position [x, y], found a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[1024], want[512];
        /* the third feature is the bad one: two are handed out first */
        snprintf(doc, sizeof doc,
                 GJ_FC(GJ_POLY("[1,2],[3,4],[5,6],[1,2]") ",\n" GJ_POLY("[1,2],[3,4],[5,6],[1,2]") ",\n"
                       "{\"type\":\"Feature\",\"properties\":{},\"geometry\":%s}"), cases[i].geom);
        snprintf(want, sizeof want, "%s: feature 3 (line 4): %s", tu_tmp("depth.geojson"), cases[i].msg);
        coll c = {0};
        pl_error err;
        cr_assert_eq(read_doc("depth.geojson", doc, &c, &err), PL_ERR_INPUT, "%s", cases[i].geom);
        cr_assert_str_eq(err.message, want);
        cr_assert_eq(c.total, 2, "%s", cases[i].geom);
        coll_free(&c);
    }
}

/* Line breaks, tabs and CRs between every token of a geometry: the same
 * points, and the lines of what follows stay right. */
Test(geojson_geometry, whitespace_anywhere_inside_coordinates)
{
    const char *doc = GJ_FC("{\"type\":\"Feature\",\"properties\":{\"code\":\"W\"},\"geometry\":\n"
                            "{ \"type\" :\r\n\"Polygon\" ,\n\t\"coordinates\"\n:\n[\n[\r\n[ 1.5 ,\n2 ] , [\t3\n,\n4.25e0\n]\n,\n"
                            "[\n5\n,\n\n6\n,\n7\n]\n,[1.5,2]\n]\n]\n}\n}\n,\n"
                            "{\"type\":\"Feature\",\"properties\":{\"code\":\"X\"},\"geometry\":"
                            "{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]]}}");
    coll c = {0};
    pl_error err;
    cr_assert_eq(read_doc("ws.geojson", doc, &c, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.total, 2);
    const pl_ring *r = &c.f[0].geom.polys[0].rings[0];
    cr_assert_eq(r->n, 4);
    assert_point(r, 0, 1.5, 2);
    assert_point(r, 1, 3, 4.25);
    assert_point(r, 2, 5, 6);
    assert_point(r, 3, 1.5, 2);
    cr_assert_eq(c.f[1].line, 29);
    cr_assert_str_eq(attr(&c.f[1], "code"), "X");
    coll_free(&c);

    /* an error after a geometry of many lines is reported on its own line */
    expect_error("wsafter.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\n\"coordinates\":[[\n[1,2],\n"
                       "[3,4]\n]]},\n\"properties\":{\n\"a\":1e999}}"),
                 (size_t)-1, "feature 1 (line 2): at line 8: real number overflow near '1e999'");
    expect_error("wsin.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\n\"coordinates\":[[\n[1,2],\n"
                       "[3,\n-4e999]\n]]},\n\"properties\":{\n\"a\":1e999}}"),
                 (size_t)-1, "feature 1 (line 2): at line 6: real number overflow near '-4e999'");
}

/* "geometry" before or after "properties", "coordinates" before "type":
 * members count, not their order. */
Test(geojson_geometry, member_order_does_not_matter)
{
    static const char *const docs[] = {
        GJ_FC("{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"n\":1},"
              "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]]}}"),
        GJ_FC("{\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]]},"
              "\"properties\":{\"code\":\"A\",\"n\":1},\"type\":\"Feature\"}"),
        GJ_FC("{\"type\":\"Feature\",\"geometry\":{\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]],"
              "\"type\":\"Polygon\"},\"properties\":{\"code\":\"A\",\"n\":1}}"),
        GJ_FC("{\"properties\":{\"code\":\"A\",\"n\":1},\"geometry\":{\"bbox\":[1,2,5,6],\"coordinates\":"
              "[[[1,2],[3,4],[5,6],[1,2]]],\"crs\":null,\"type\":\"Polygon\"},\"type\":\"Feature\"}"),
        /* single Feature and bare geometry, "coordinates" first (one literal: the parentheses) */
        ("{\"geometry\":{\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]],\"type\":\"Polygon\"},"
         "\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"n\":1}}"),
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        coll c = {0};
        pl_error err;
        cr_assert_eq(read_doc("order.geojson", docs[i], &c, &err), PL_OK, "%zu: %s", i, err.message);
        cr_assert_eq(c.total, 1);
        cr_assert_eq(c.f[0].is_polygon, 1);
        cr_assert_str_eq(c.f[0].kind, "Polygon");
        cr_assert_eq(c.f[0].nattrs, 2, "%zu", i);
        cr_assert_str_eq(attr(&c.f[0], "code"), "A");
        cr_assert_str_eq(attr(&c.f[0], "n"), "1");
        const pl_ring *r = &c.f[0].geom.polys[0].rings[0];
        cr_assert_eq(r->n, 4);
        assert_point(r, 1, 3, 4);
        assert_point(r, 3, 1, 2);
        coll_free(&c);
    }
    coll c = {0};
    pl_error err;
    cr_assert_eq(read_doc("bare.geojson", "{\"coordinates\":[[[[1,2],[3,4],[5,6],[1,2]]]],\"type\":\"MultiPolygon\"}",
                          &c, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(c.f[0].kind, "MultiPolygon");
    assert_point(&c.f[0].geom.polys[0].rings[0], 2, 5, 6);
    coll_free(&c);
}

/* A repeated member: the last one counts (as jansson reads objects), and
 * names written with escapes are the names they decode to. */
Test(geojson_geometry, repeated_members_and_escaped_names)
{
    coll c = {0};
    pl_error err;
    /* "coordinates" twice: the first is not looked at */
    cr_assert_eq(read_doc("dupc.geojson",
                          GJ_FC("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                                "\"coordinates\":[[\"x\"]],\"coordinates\":[[[1,2],[3,4],[5,6]]]}}"),
                          &c, &err), PL_OK, "%s", err.message);
    assert_point(&c.f[0].geom.polys[0].rings[0], 2, 5, 6);
    coll_free(&c);
    /* "type" twice: the coordinates read as the last type says */
    cr_assert_eq(read_doc("dupt.geojson",
                          GJ_FC("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                                "\"coordinates\":[[[[1,2],[3,4],[5,6]]],[[[7,8],[9,10],[11,12]]]],"
                                "\"type\":\"MultiPolygon\"}}"),
                          &c, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(c.f[0].kind, "MultiPolygon");
    cr_assert_eq(c.f[0].geom.n, 2);
    assert_point(&c.f[0].geom.polys[1].rings[0], 0, 7, 8);
    coll_free(&c);
    /* "geometry" twice: the last; here null, so not a parcel */
    cr_assert_eq(read_doc("dupg.geojson",
                          GJ_FC("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                                "\"coordinates\":[[[1,2],[3,4],[5,6]]]},\"geometry\":null}"),
                          &c, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.f[0].is_polygon, 0);
    cr_assert_str_eq(c.f[0].kind, "null");
    cr_assert_eq(c.f[0].geom.n, 0);
    coll_free(&c);
    /* escapes in member names and in the type */
    cr_assert_eq(read_doc("esc.geojson",
                          GJ_FC("{\"type\":\"Feature\",\"properties\":{},\"geo\\u006detry\":{\"\\u0074ype\":"
                                "\"Pol\\u0079gon\",\"coordinates\":[[[1,2],[3,4],[5,6]]]}}"),
                          &c, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.f[0].is_polygon, 1);
    cr_assert_str_eq(c.f[0].kind, "Polygon");
    assert_point(&c.f[0].geom.polys[0].rings[0], 1, 3, 4);
    coll_free(&c);
}

/* jansson's findings inside a geometry keep jansson's words and order: the
 * first one in the feature is reported, wherever the geometry stands. */
Test(geojson_geometry, errors_in_file_order)
{
    expect_error("propsfirst.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"properties\":{\"a\":2e999},\"geometry\":"
                       "{\"type\":\"Polygon\",\"coordinates\":[[[1e999,2]]]}}"),
                 (size_t)-1, "feature 1 (line 2): at line 2: real number overflow near '2e999'");
    expect_error("geomfirst.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1e999,2]]]},"
                       "\"properties\":{\"a\":2e999}}"),
                 (size_t)-1, "feature 1 (line 2): at line 2: real number overflow near '1e999'");
    expect_error("surrogate.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                       "\"name\":\"\\uD800\",\"coordinates\":[[[1,2]]]}}"),
                 (size_t)-1, "feature 1 (line 2): at line 2: invalid Unicode '\\uD800' near '\"\\uD800\"'");
    expect_error("surrogate2.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                       "\"coordinates\":[[[1,2]]],\"x\":\"\\uDBFF\\u0041 and more text\"}}"),
                 (size_t)-1, "feature 1 (line 2): at line 2: invalid Unicode '\\uDBFF\\u0041'");
    /* a geometry error comes after the properties' and the feature's own */
    expect_error("semantic.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[1]]},"
                       "\"properties\":[]}"),
                 (size_t)-1, "feature 1 (line 2): \"properties\" must be an object or null, found an array");
    expect_error("semantic2.geojson",
                 GJ_FC("{\"type\":\"Featur\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[1]]}}"),
                 (size_t)-1, "feature 1 (line 2): \"type\" is 'Featur', expected 'Feature'");
    /* a bare geometry */
    expect_error("bareerr.geojson", "{\"type\":\"Polygon\",\n\"coordinates\":[[[1,2],[3,4]]],\"bbox\":[1e400]}",
                 (size_t)-1, "feature 1 (line 1): at line 2: real number overflow near '1e400'");
}

/* GBK text inside a geometry is shown converted to UTF-8. */
Test(geojson_geometry, gbk_geometry_type_in_message)
{
    /* {"type":"地块"} in GBK: B5 D8 BF E9 (not UTF-8: the file is read as GBK) */
    expect_error("gbktype.geojson",
                 GJ_FC("{\"type\":\"Feature\",\"properties\":{\"n\":\"\xb5\xd8\"},\"geometry\":"
                       "{\"type\":\"\xb5\xd8\xbf\xe9\",\"coordinates\":[]}}"),
                 (size_t)-1, "feature 1 (line 2): unknown geometry type '地块'");
}
