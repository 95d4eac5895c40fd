/* test_kml.c — the KML reader (import/kml.c) on real and hand-made files. */
#include "reader.h"
#include "testutil.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KML_DIR TEST_DATA_DIR "/kml/"
#define PEER_DIR TEST_DATA_DIR "/kml-peer/"

/* ------------------------------------------------------------------------ */
/* A callback that copies every feature                                      */

typedef struct rec {
    long number, line;
    int is_polygon;
    char kind[32];
    char where[64];
    size_t nattrs;
    char **keys, **vals;   /* owned copies */
    pl_geom geom;          /* owned deep copy */
} rec;

typedef struct coll {
    rec *r;
    size_t n, cap;
    long stop_at;          /* return 7 from the callback at this feature (0: never) */
    int encoding_ok;       /* info->encoding was filled before the first callback */
} coll;

static int collect(const pl_feature *f, const pl_source_info *info, void *ctx)
{
    coll *c = ctx;
    if (c->n == 0)
        c->encoding_ok = info->encoding[0] != '\0';
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->r = realloc(c->r, c->cap * sizeof *c->r);
        cr_assert_not_null(c->r);
    }
    rec *r = &c->r[c->n++];
    memset(r, 0, sizeof *r);
    r->number = f->number;
    r->line = f->line;
    r->is_polygon = f->is_polygon;
    snprintf(r->kind, sizeof r->kind, "%s", f->kind);
    snprintf(r->where, sizeof r->where, "%s", f->where);
    r->nattrs = f->nattrs;
    r->keys = calloc(f->nattrs + 1, sizeof *r->keys);
    r->vals = calloc(f->nattrs + 1, sizeof *r->vals);
    for (size_t i = 0; i < f->nattrs; i++) {
        r->keys[i] = strdup(f->attrs[i].key);
        r->vals[i] = strdup(f->attrs[i].value);
    }
    pl_geom_init(&r->geom);
    cr_assert_eq(pl_geom_copy(&r->geom, &f->geom), 0);
    cr_assert(isnan(f->declared_area_m2), "KML states no area");
    if (!f->is_polygon)
        cr_assert_eq(f->geom.n, 0, "a non-polygon feature carries no geometry");
    return (c->stop_at && f->number == c->stop_at) ? 7 : 0;
}

static void coll_free(coll *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; k < c->r[i].nattrs; k++) {
            free(c->r[i].keys[k]);
            free(c->r[i].vals[k]);
        }
        free(c->r[i].keys);
        free(c->r[i].vals);
        pl_geom_release(&c->r[i].geom);
    }
    free(c->r);
    memset(c, 0, sizeof *c);
}

/* The value of `key` in a copied feature, NULL when absent. */
static const char *attr(const rec *r, const char *key)
{
    for (size_t i = 0; i < r->nattrs; i++)
        if (strcmp(r->keys[i], key) == 0)
            return r->vals[i];
    return NULL;
}

static int read_opt(const char *path, pl_encoding enc, int srid, coll *c, pl_source_info *info,
                    pl_error *err)
{
    pl_read_options opt = {enc, srid, tu_note, NULL};
    tu_notes_clear();
    return pl_read_kml(path, &opt, info, collect, c, err);
}

static int read_file(const char *path, coll *c, pl_source_info *info, pl_error *err)
{
    return read_opt(path, PL_ENCODING_AUTO, 0, c, info, err);
}

static size_t count_polygons(const coll *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->r[i].is_polygon != 0;
    return n;
}

static void assert_point(const pl_ring *ring, size_t i, double x, double y)
{
    cr_assert_lt(i, ring->n);
    cr_assert_eq(ring->xy[2 * i], x, "x[%zu] = %.10f, expected %.10f", i, ring->xy[2 * i], x);
    cr_assert_eq(ring->xy[2 * i + 1], y, "y[%zu] = %.10f, expected %.10f", i, ring->xy[2 * i + 1], y);
}

/* Read a file expected to fail; the message must equal "PATH: " + tail. */
static void expect_error(const char *path, int code, const char *tail)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_file(path, &c, &info, &err);
    cr_assert_eq(rc, code, "%s: rc %d (%s), expected %d", path, rc, err.message, code);
    cr_assert_eq(err.code, code);
    char want[PL_ERROR_MAX];
    snprintf(want, sizeof want, "%s: %s", path, tail);
    cr_assert_str_eq(err.message, want);
    coll_free(&c);
}

/* ------------------------------------------------------------------------ */
/* The togeojson test files (tests/data/kml-peer), checked by hand           */

typedef struct peer_case {
    const char *file;
    size_t features, polygons;
    const char *names[3];   /* "name" attribute of each feature, NULL when it has none */
    const char *kinds[3];
} peer_case;

static const peer_case peer_cases[] = {
    {"cdata.kml", 1, 0, {NULL}, {"Point"}},
    {"extended_data.kml", 1, 0, {"Extended data placemark"}, {"Point"}},
    {"linear_ring.kml", 1, 0, {"AOI"}, {"LinearRing"}},
    {"multigeometry.kml", 1, 0, {"SF Marina Harbor Master"}, {"MultiGeometry"}},
    {"multigeometry_discrete.kml", 1, 0, {"SF Marina Harbor Master"}, {"MultiGeometry"}},
    {"multigeometry_sibling.kml", 1, 0, {NULL}, {"MultiGeometry"}},
    {"nogeomplacemark.kml", 1, 0, {"With all inline styles"}, {"none"}},
    {"null_geometry.kml", 1, 0, {"Simple placemark"}, {"none"}},
    {"polygon.kml", 1, 1, {"hollow box"}, {"Polygon"}},
    {"schema.kml", 1, 1, {NULL}, {"Polygon"}},
    {"selfclosing.kml", 1, 0, {"unextruded"}, {"LineString"}},
    {"simpledata.kml", 2, 0, {"Easy trail", "Difficult trail"}, {"Point", "Point"}},
    {"style_url.kml", 1, 1, {"Building 41"}, {"Polygon"}},
    {"styles.kml", 2, 1, {"Untitled Placemark", "Untitled Polygon"}, {"Point", "Polygon"}},
    {"timespan.kml", 1, 1, {"1"}, {"Polygon"}},
};

Test(kml_peer, every_file_is_covered)
{
    DIR *d = opendir(PEER_DIR);
    cr_assert_not_null(d, "%s", PEER_DIR);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".kml") != 0)
            continue;
        n++;
        int known = strcmp(e->d_name, "bad.kml") == 0;
        for (size_t i = 0; i < sizeof peer_cases / sizeof peer_cases[0]; i++)
            known |= strcmp(e->d_name, peer_cases[i].file) == 0;
        cr_assert(known, "no expectation written for %s", e->d_name);
    }
    closedir(d);
    cr_assert_eq(n, 16);
}

Test(kml_peer, counts_kinds_and_names)
{
    for (size_t i = 0; i < sizeof peer_cases / sizeof peer_cases[0]; i++) {
        const peer_case *pc = &peer_cases[i];
        char path[1024];
        snprintf(path, sizeof path, "%s%s", PEER_DIR, pc->file);
        coll c = {0};
        pl_source_info info;
        pl_error err;
        int rc = read_file(path, &c, &info, &err);
        cr_assert_eq(rc, PL_OK, "%s: %s", pc->file, err.message);
        cr_assert_eq(c.n, pc->features, "%s: %zu features", pc->file, c.n);
        cr_assert_eq(count_polygons(&c), pc->polygons, "%s: polygons", pc->file);
        cr_assert_eq(info.srid, 4326);
        cr_assert_str_eq(info.encoding, "utf-8", "%s", pc->file);
        cr_assert_str_eq(tu_notes(), "", "%s: %s", pc->file, tu_notes());
        cr_assert(c.encoding_ok);
        for (size_t k = 0; k < c.n; k++) {
            const char *name = attr(&c.r[k], "name");
            if (pc->names[k])
                cr_assert(name && strcmp(name, pc->names[k]) == 0, "%s #%zu: name '%s'", pc->file,
                          k + 1, name ? name : "(none)");
            else
                cr_assert_null(name, "%s #%zu", pc->file, k + 1);
            cr_assert_str_eq(c.r[k].kind, pc->kinds[k], "%s #%zu", pc->file, k + 1);
            cr_assert_eq(c.r[k].number, (long)k + 1);
        }
        coll_free(&c);
    }
}

Test(kml_peer, bad_kml_is_refused_at_the_first_bad_number)
{
    expect_error(PEER_DIR "bad.kml", PL_ERR_INPUT,
                 "placemark 1 (line 3): non-numeric coordinate 'no' (line 5)");
}

Test(kml_peer, polygon_with_hole_coordinates)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(PEER_DIR "polygon.kml", &c, &info, &err), PL_OK, "%s", err.message);
    const rec *r = &c.r[0];
    cr_assert_eq(r->line, 6);
    cr_assert_str_eq(r->where, "placemark 1 (line 6)");
    cr_assert_eq(r->geom.n, 1);
    cr_assert_eq(r->geom.polys[0].n, 2);
    const pl_ring *outer = &r->geom.polys[0].rings[0], *hole = &r->geom.polys[0].rings[1];
    cr_assert_eq(outer->n, 5);
    cr_assert_eq(hole->n, 5);
    assert_point(outer, 0, -122.366278, 37.818844);
    assert_point(outer, 3, -122.366669, 37.819429);
    assert_point(outer, 4, -122.366278, 37.818844);
    assert_point(hole, 1, -122.365424, 37.819294);
    coll_free(&c);
}

Test(kml_peer, texts_attributes_and_old_namespace)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    /* CDATA with leading blank lines: trimmed */
    cr_assert_eq(read_file(PEER_DIR "cdata.kml", &c, &info, &err), PL_OK);
    cr_assert_str_eq(attr(&c.r[0], "description"), "Here is some text");
    coll_free(&c);
    /* Data/value */
    cr_assert_eq(read_file(PEER_DIR "extended_data.kml", &c, &info, &err), PL_OK);
    cr_assert_eq(c.r[0].nattrs, 3);
    cr_assert_str_eq(c.r[0].keys[2], "foo");
    cr_assert_str_eq(c.r[0].vals[2], "bar");
    coll_free(&c);
    /* SchemaData/SimpleData, in file order */
    cr_assert_eq(read_file(PEER_DIR "schema.kml", &c, &info, &err), PL_OK);
    cr_assert_eq(c.r[0].nattrs, 11);
    cr_assert_str_eq(c.r[0].keys[0], "gid");
    cr_assert_str_eq(c.r[0].vals[0], "167001");
    cr_assert_str_eq(c.r[0].keys[10], "cn_cv_1109");
    cr_assert_str_eq(c.r[0].vals[10], "89%");
    cr_assert_eq(c.r[0].geom.polys[0].rings[0].n, 5);
    assert_point(&c.r[0].geom.polys[0].rings[0], 1, 12.8204862, 55.9654342);
    coll_free(&c);
    cr_assert_eq(read_file(PEER_DIR "simpledata.kml", &c, &info, &err), PL_OK);
    cr_assert_str_eq(attr(&c.r[1], "TrailLength"), "347.45");
    cr_assert_str_eq(attr(&c.r[1], "ElevationGain"), "10000");
    cr_assert_eq(c.r[1].line, 48);
    coll_free(&c);
    /* HTML inside CDATA, gx: elements around */
    cr_assert_eq(read_file(PEER_DIR "styles.kml", &c, &info, &err), PL_OK);
    cr_assert_str_eq(attr(&c.r[0], "description"), "<div>Ahoj <b>PM</b></div>");
    cr_assert_eq(c.r[1].geom.polys[0].rings[0].n, 5);
    assert_point(&c.r[1].geom.polys[0].rings[0], 0, 20.99533143425753, 48.76385474037835);
    coll_free(&c);
    /* earth.google.com/kml/2.1 namespace; the open ring is not closed */
    cr_assert_eq(read_file(PEER_DIR "timespan.kml", &c, &info, &err), PL_OK);
    const pl_ring *ring = &c.r[0].geom.polys[0].rings[0];
    cr_assert_eq(ring->n, 3);
    assert_point(ring, 2, 115.87439, 24.90768);
    coll_free(&c);
    cr_assert_eq(read_file(PEER_DIR "linear_ring.kml", &c, &info, &err), PL_OK);
    cr_assert_str_eq(attr(&c.r[0], "description"), "Area of interest");
    cr_assert_eq(c.r[0].line, 14);
    coll_free(&c);
}

/* ------------------------------------------------------------------------ */
/* Own files                                                                 */

Test(kml, polygon_with_two_holes_exact_coordinates)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "holes2.kml", &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 1);
    const rec *r = &c.r[0];
    cr_assert_str_eq(attr(r, "name"), "QD-01-001");
    cr_assert_str_eq(r->kind, "Polygon");
    cr_assert_eq(r->line, 5);
    cr_assert_eq(r->geom.n, 1);
    cr_assert_eq(r->geom.polys[0].n, 3);
    const pl_ring *o = &r->geom.polys[0].rings[0];
    const pl_ring *h1 = &r->geom.polys[0].rings[1];
    const pl_ring *h2 = &r->geom.polys[0].rings[2];
    cr_assert_eq(o->n, 5);
    assert_point(o, 0, 120.1, 36.1);
    assert_point(o, 1, 120.11, 36.1);
    assert_point(o, 2, 120.11, 36.11);
    assert_point(o, 3, 120.1, 36.11);
    assert_point(o, 4, 120.1, 36.1);
    cr_assert_eq(h1->n, 4);
    assert_point(h1, 0, 120.101, 36.101);
    assert_point(h1, 1, 120.102, 36.101);
    assert_point(h1, 2, 120.102, 36.102);
    assert_point(h1, 3, 120.101, 36.101);
    /* tabs, blanks around commas, an exponent; left unclosed as written */
    cr_assert_eq(h2->n, 3);
    assert_point(h2, 0, 120.105, 36.105);
    assert_point(h2, 1, 120.106, 36.105);
    assert_point(h2, 2, 120.1055, 36.106);
    cr_assert_eq(pl_ring_is_closed(h2), 0);
    coll_free(&c);
}

Test(kml, multigeometry_polygons_points_and_nesting)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "multigeometry.kml", &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 4);
    /* 2 polygons + a point: the polygons, and a note about the point */
    cr_assert_eq(c.r[0].is_polygon, 1);
    cr_assert_str_eq(c.r[0].kind, "MultiPolygon");
    cr_assert_eq(c.r[0].geom.n, 2);
    assert_point(&c.r[0].geom.polys[0].rings[0], 1, 120.001, 36);
    assert_point(&c.r[0].geom.polys[1].rings[0], 2, 121.001, 37.001);
    /* nested MultiGeometry: 3 polygons in document order */
    cr_assert_eq(c.r[1].geom.n, 3);
    assert_point(&c.r[1].geom.polys[0].rings[0], 0, 1, 2);
    assert_point(&c.r[1].geom.polys[1].rings[0], 0, 7, 8);
    assert_point(&c.r[1].geom.polys[2].rings[0], 0, 13, 14);
    cr_assert_eq(c.r[1].geom.polys[2].n, 1);
    /* no polygon at all */
    cr_assert_eq(c.r[2].is_polygon, 0);
    cr_assert_str_eq(c.r[2].kind, "MultiGeometry");
    cr_assert_str_eq(c.r[3].kind, "MultiPolygon");
    cr_assert_eq(c.r[3].geom.n, 1);
    cr_assert_str_eq(tu_notes(),
                     "placemark 1 (line 4) 'two parts and a label': 1 non-polygon member ignored");
    coll_free(&c);
}

Test(kml, nested_folders_documents_and_namespaces)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "folders.kml", &c, &info, &err), PL_OK, "%s", err.message);
    static const char *const names[] = {"top", "deep", "deeper", "track", "last"};
    static const char *const kinds[] = {"Point", "Polygon", "none", "Track", "LineString"};
    static const long lines[] = {5, 10, 16, 20, 25};
    cr_assert_eq(c.n, 5);
    for (size_t i = 0; i < 5; i++) {
        cr_assert_str_eq(attr(&c.r[i], "name"), names[i]);
        cr_assert_str_eq(c.r[i].kind, kinds[i]);
        cr_assert_eq(c.r[i].line, lines[i], "#%zu line %ld", i + 1, c.r[i].line);
        char where[64];
        snprintf(where, sizeof where, "placemark %zu (line %ld)", i + 1, lines[i]);
        cr_assert_str_eq(c.r[i].where, where);
        /* folder and document names never leak into a placemark */
        cr_assert_eq(c.r[i].nattrs, 1);
    }
    cr_assert_eq(count_polygons(&c), 1);
    coll_free(&c);
}

Test(kml, extended_data_with_chinese_values)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "extdata_zh.kml", &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 1);
    const rec *r = &c.r[0];
    static const char *const keys[] = {"name", "面积", "权利人", "empty", "地块编号", "用地性质"};
    static const char *const vals[] = {"青岛高新区 A-01", "12345.67", "青岛某某实业有限公司", "",
                                       "QD-A-01", "工业用地（M1）"};
    cr_assert_eq(r->nattrs, 6, "the <Data> without a name is dropped");
    for (size_t i = 0; i < 6; i++) {
        cr_assert_str_eq(r->keys[i], keys[i]);
        cr_assert_str_eq(r->vals[i], vals[i]);
    }
    cr_assert_str_eq(info.encoding, "utf-8");
    coll_free(&c);
}

Test(kml, cdata_with_brackets_and_markup)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "cdata.kml", &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(attr(&c.r[0], "name"), "A&B <parcel>");
    cr_assert_str_eq(attr(&c.r[0], "description"), "<b>bold</b> a]]b ]] & <i>x</i><tail>");
    coll_free(&c);
}

Test(kml, gbk_declared_file)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "gbk.kml", &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(info.encoding, "gbk");
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(attr(&c.r[0], "name"), "地块一号");
    cr_assert_str_eq(attr(&c.r[0], "权利人"), "青岛堃镕科技有限公司");
    cr_assert_eq(c.r[0].geom.polys[0].rings[0].n, 4);
    cr_assert(c.encoding_ok);
    coll_free(&c);
}

Test(kml, gb2312_declared_file_with_gbk_only_characters)
{
    /* 堃 and 镕 are not in GB2312: read as GB18030, reported as declared */
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "gb2312_with_gbk_chars.kml", &c, &info, &err), PL_OK, "%s",
                 err.message);
    cr_assert_str_eq(info.encoding, "gb2312");
    cr_assert_str_eq(attr(&c.r[0], "name"), "堃镕地块");
    coll_free(&c);
}

Test(kml, undeclared_gbk_auto_and_forced)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "gbk_undeclared.kml", &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(info.encoding, "gbk");
    cr_assert_str_eq(attr(&c.r[0], "name"), "未声明编码");
    char note[1100];
    snprintf(note, sizeof note, "%s: not valid UTF-8: read as GBK", KML_DIR "gbk_undeclared.kml");
    cr_assert_str_eq(tu_notes(), note);
    coll_free(&c);

    cr_assert_eq(read_opt(KML_DIR "gbk_undeclared.kml", PL_ENCODING_GBK, 0, &c, &info, &err), PL_OK);
    cr_assert_str_eq(info.encoding, "gbk");
    cr_assert_str_eq(tu_notes(), "");
    cr_assert_str_eq(attr(&c.r[0], "name"), "未声明编码");
    coll_free(&c);

    /* --encoding utf-8 on GBK bytes: libxml2's own complaint, with the line */
    int rc = read_opt(KML_DIR "gbk_undeclared.kml", PL_ENCODING_UTF8, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_ERR_INPUT);
    cr_assert_eq(c.n, 0);
    cr_assert(strstr(err.message, KML_DIR "gbk_undeclared.kml: line 2: input is not proper UTF-8") ==
                  err.message, "%s", err.message);
    coll_free(&c);
}

Test(kml, invalid_gbk_bytes)
{
    const char *p = tu_tmp("badgbk.kml");
    tu_write_file(p, "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<kml>\n<Placemark><name>ab\x81\x20x"
                     "</name></Placemark></kml>\n", (size_t)-1);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_ERR_INPUT);
    char want[PL_ERROR_MAX];
    snprintf(want, sizeof want,
             "%s: line 3: input conversion failed due to input error, bytes 0x81 0x20 0x78 0x3C "
             "(read as GBK)", p);
    cr_assert_str_eq(err.message, want);
    coll_free(&c);
}

Test(kml, utf16_with_bom)
{
    const char *text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<kml>\n<Placemark><name>wide</name>"
                       "<Polygon><outerBoundaryIs><LinearRing><coordinates>1,2 3,4 5,6</coordinates>"
                       "</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>\n";
    size_t n = strlen(text);
    char *buf = malloc(2 * n + 2);
    buf[0] = (char)0xff;
    buf[1] = (char)0xfe;
    for (size_t i = 0; i < n; i++) {
        buf[2 + 2 * i] = text[i];
        buf[3 + 2 * i] = 0;
    }
    const char *p = tu_tmp("utf16.kml");
    tu_write_file(p, buf, 2 * n + 2);
    free(buf);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(info.encoding, "utf-16");
    cr_assert_str_eq(attr(&c.r[0], "name"), "wide");
    cr_assert_eq(c.r[0].line, 3);
    assert_point(&c.r[0].geom.polys[0].rings[0], 2, 5, 6);
    coll_free(&c);
}

Test(kml, utf8_bom)
{
    const char *p = tu_tmp("bom.kml");
    tu_write_file(p, "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml><Placemark>"
                     "<name>地块</name></Placemark></kml>\n", (size_t)-1);
    for (int forced = 0; forced < 2; forced++) {
        coll c = {0};
        pl_source_info info;
        pl_error err;
        cr_assert_eq(read_opt(p, forced ? PL_ENCODING_UTF8 : PL_ENCODING_AUTO, 0, &c, &info, &err),
                     PL_OK, "%s", err.message);
        cr_assert_str_eq(info.encoding, "utf-8-bom");
        cr_assert_str_eq(attr(&c.r[0], "name"), "地块");
        coll_free(&c);
    }
}

Test(kml, coordinate_spellings)
{
    const char *p = tu_tmp("spell.kml");
    tu_write_file(p,
                  "<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>\r\n"
                  "+1,-2,0\r\n 1e2 ,3.5E-1\t.5,5. , 7\n  -0.25,  8,\t9 10,11</coordinates>"
                  "<coordinates>12,13</coordinates>"
                  "</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
                  (size_t)-1);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_OK, "%s", err.message);
    const pl_ring *ring = &c.r[0].geom.polys[0].rings[0];
    cr_assert_eq(ring->n, 6);
    assert_point(ring, 0, 1, -2);
    assert_point(ring, 1, 100, 0.35);
    assert_point(ring, 2, 0.5, 5);
    assert_point(ring, 3, -0.25, 8);
    assert_point(ring, 4, 10, 11);
    assert_point(ring, 5, 12, 13);
    coll_free(&c);
}

Test(kml, bad_coordinate_spellings)
{
    static const struct {
        const char *coords, *reason;
    } cases[] = {
        {"0x10,1", "non-numeric coordinate '0x10'"},
        {"1,2;3,4", "non-numeric coordinate '2;3'"},
        {"inf,1", "non-numeric coordinate 'inf'"},
        {"1,2 1.2.3,4", "non-numeric coordinate '1.2.3'"},
        {"1,2 -,4", "non-numeric coordinate '-'"},
        {"1,2 1e,4", "non-numeric coordinate '1e'"},
        {"1,,2", "misplaced comma in coordinates"},
        {",1,2", "misplaced comma in coordinates"},
        {"1,2 3", "coordinate tuple '3' has only one number"},
        {"1,2,3,4", "coordinate tuple starting '1' has more than 3 numbers"},
        {"1,2 地块,3", "non-numeric coordinate '地块'"},
    };
    const char *p = tu_tmp("badspell.kml");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[512];
        snprintf(doc, sizeof doc,
                 "<kml>\n<Placemark>\n<Point><coordinates>%s</coordinates></Point>\n</Placemark></kml>",
                 cases[i].coords);
        tu_write_file(p, doc, (size_t)-1);
        char tail[256];
        snprintf(tail, sizeof tail, "placemark 1 (line 2): %s (line 3)", cases[i].reason);
        expect_error(p, PL_ERR_INPUT, tail);
    }
}

/* One ring of n vertices, written as Google Earth does (15 significant digits). */
static const char *write_big(const char *name, long n)
{
    const char *p = tu_tmp(name);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
          "<Placemark><name>big</name><Polygon><outerBoundaryIs><LinearRing><coordinates>\n", f);
    for (long i = 0; i < n; i++)
        fprintf(f, "%.13f,%.13f,0%c", 120.0 + i * 1e-7, 36.0 + (i % 1000) * 1e-6,
                i % 4 == 3 ? '\n' : ' ');
    fputs("\n</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n"
          "<Placemark><name>after</name></Placemark>\n</kml>\n", f);
    fclose(f);
    return p;
}

Test(kml, placemark_with_100k_vertices)
{
    const long n = 100000;
    const char *p = write_big("big100k.kml", n);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 2);
    const pl_ring *ring = &c.r[0].geom.polys[0].rings[0];
    cr_assert_eq(ring->n, (size_t)n);
    char buf[64];
    for (long i = 0; i < n; i += 9973) {
        snprintf(buf, sizeof buf, "%.13f", 120.0 + i * 1e-7);
        double x = strtod(buf, NULL);
        snprintf(buf, sizeof buf, "%.13f", 36.0 + (i % 1000) * 1e-6);
        double y = strtod(buf, NULL);
        assert_point(ring, (size_t)i, x, y);
    }
    cr_assert_eq(c.r[1].line, 3 + n / 4 + 3, "line %ld", c.r[1].line);
    coll_free(&c);
}

Test(kml, one_million_vertices_in_linear_time, .timeout = 120)
{
    /* ~40 MB of coordinates in one text node: more than libxml2's default
     * 10 MB text limit, and quadratic handling would never finish. */
    const long n = 1000000;
    const char *p = write_big("big1m.kml", n);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_OK, "%s", err.message);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_eq(c.r[0].geom.polys[0].rings[0].n, (size_t)n);
    assert_point(&c.r[0].geom.polys[0].rings[0], 0, 120.0, 36.0);
    cr_assert_lt(secs, 60.0, "took %.1f s", secs);
    cr_assert_str_eq(attr(&c.r[1], "name"), "after");
    coll_free(&c);
    unlink(p);
}

Test(kml, callback_stop_options_and_info)
{
    coll c = {0};
    c.stop_at = 1;
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_opt(PEER_DIR "simpledata.kml", PL_ENCODING_AUTO, 4490, &c, &info, &err), 7);
    cr_assert_eq(c.n, 1, "no callback after a stop");
    cr_assert_eq(info.srid, 4490, "--crs overrides");
    cr_assert_eq(info.skipped, 0);
    coll_free(&c);
    /* no callback at all is allowed */
    cr_assert_eq(pl_read_kml(PEER_DIR "polygon.kml", NULL, &info, NULL, NULL, &err), PL_OK);
    cr_assert_eq(info.srid, 4326);
    cr_assert_str_eq(info.crs_text, "WGS 84 longitude/latitude (KML)");
}

/* A callback that uses libxml2 itself and gets a parse error. */
static int cb_uses_libxml2(const pl_feature *f, const pl_source_info *info, void *ctx)
{
    (void)f;
    (void)info;
    xmlDocPtr doc = xmlReadMemory("<a><b></a>", 10, "cb.xml", NULL, 0);
    cr_assert_null(doc);
    (*(long *)ctx)++;
    return 0;
}

static void count_errors(void *ctx, xmlErrorPtr e)
{
    (void)e;
    (*(long *)ctx)++;
}

Test(kml, libxml2_error_handlers_are_restored)
{
    long seen = 0, calls = 0;
    xmlSetStructuredErrorFunc(&seen, count_errors);
    pl_error err;
    pl_source_info info;
    /* the callback's own libxml2 errors reach the caller's handler, not the reader */
    cr_assert_eq(pl_read_kml(PEER_DIR "simpledata.kml", NULL, &info, cb_uses_libxml2, &calls, &err),
                 PL_OK, "%s", err.message);
    cr_assert_eq(calls, 2);
    cr_assert_gt(seen, 0);
    cr_assert(xmlStructuredError == count_errors && xmlStructuredErrorContext == &seen);
    /* a failing read leaves them in place too, and reports nothing to them */
    long before = seen;
    cr_assert_eq(pl_read_kml(TEST_DATA_DIR "/refused/kml/unclosed_tag.kml", NULL, &info, NULL, NULL, &err), PL_ERR_INPUT);
    cr_assert_eq(seen, before);
    cr_assert(xmlStructuredError == count_errors && xmlStructuredErrorContext == &seen);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

Test(kml, every_note_is_kept)
{
    const char *p = tu_tmp("manynotes.kml");
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fputs("<kml>\n", f);
    for (int i = 0; i < 200; i++)
        fprintf(f, "<Placemark><name>地块%d</name><MultiGeometry><Point><coordinates>1,2</coordinates>"
                   "</Point><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1 0,0"
                   "</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>\n",
                i);
    fputs("</kml>\n", f);
    fclose(f);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 200);
    cr_assert_eq(count_polygons(&c), 200);
    /* one note per placemark, in file order, none cut or left out */
    const char *notes = tu_notes();
    long lines = 1;
    for (const char *q = notes; (q = strchr(q, '\n')); q++)
        lines++;
    cr_assert_eq(lines, 200, "%s", notes);
    cr_assert(strncmp(notes, "placemark 1 (line 2) '地块0': 1 non-polygon member ignored\n", 58) == 0, "%s", notes);
    const char *last = "\nplacemark 200 (line 201) '地块199': 1 non-polygon member ignored";
    size_t len = strlen(notes), k = strlen(last);
    cr_assert(len > k && strcmp(notes + len - k, last) == 0, "%s", notes + len - (len > 200 ? 200 : len));
    coll_free(&c);
}

Test(kml, undeclared_gx_prefix_is_a_note)
{
    const char *p = tu_tmp("gx.kml");
    tu_write_file(p, "<kml>\n<Placemark><gx:Track><gx:coord>1 2 3</gx:coord></gx:Track></Placemark></kml>\n",
                  (size_t)-1);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(c.r[0].kind, "Track");
    char want[1100];
    snprintf(want, sizeof want, "%s: line 2: namespace prefix gx on Track is not defined (ignored)", p);
    cr_assert_str_eq(tu_notes(), want);
    coll_free(&c);
}

Test(kml, harmless_doctype_is_accepted)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "doctype_plain.kml", &c, &info, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(attr(&c.r[0], "name"), "harmless doctype");
    coll_free(&c);
}

/* ------------------------------------------------------------------------ */
/* Hostile input                                                             */

Test(kml_hostile, xxe_to_etc_passwd)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_file(KML_DIR "xxe_passwd.kml", &c, &info, &err);
    cr_assert_eq(rc, PL_ERR_INPUT);
    cr_assert_eq(c.n, 0);
    cr_assert_str_eq(err.message, KML_DIR "xxe_passwd.kml: line 2: DTD/entity declarations are not accepted");
    cr_assert_null(strstr(err.message, "root:"));
    coll_free(&c);
    /* DOCTYPE with an external subset only: never loaded, the reference refused */
    expect_error(KML_DIR "xxe_system_doctype.kml", PL_ERR_INPUT,
                 "line 4: DTD/entity declarations are not accepted (entity 'xxe' not defined)");
    /* parameter entity */
    expect_error(KML_DIR "xxe_parameter.kml", PL_ERR_INPUT,
                 "line 3: DTD/entity declarations are not accepted");
}

Test(kml_hostile, xxe_never_reads_the_target)
{
    const char *secret = tu_tmp("secret.txt");
    tu_write_file(secret, "SECRET-MARKER-42\n", (size_t)-1);
    const char *p = tu_tmp("xxe_local.kml");
    char doc[2048];
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n<!DOCTYPE kml [<!ENTITY x SYSTEM \"file://%s\">]>\n"
             "<kml><Placemark><name>&x;</name><description>&x;</description></Placemark></kml>\n",
             secret);
    tu_write_file(p, doc, (size_t)-1);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(p, &c, &info, &err), PL_ERR_INPUT);
    cr_assert_eq(c.n, 0);
    cr_assert_null(strstr(err.message, "SECRET"));
    cr_assert_null(strstr(tu_notes(), "SECRET"));
    char want[PL_ERROR_MAX];
    snprintf(want, sizeof want, "%s: line 2: DTD/entity declarations are not accepted", p);
    cr_assert_str_eq(err.message, want);
    coll_free(&c);
}

Test(kml_hostile, billion_laughs_refused_quickly)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_error(KML_DIR "billion_laughs.kml", PL_ERR_INPUT,
                 "line 2: DTD/entity declarations are not accepted");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_lt(secs, 2.0, "took %.2f s", secs);

    /* the same in UTF-16LE with a BOM: the DOCTYPE gate sees through the NULs */
    size_t len = 0;
    char *text = tu_read_file(KML_DIR "billion_laughs.kml", &len);
    cr_assert_not_null(text);
    char *wide = malloc(2 * len + 2);
    wide[0] = (char)0xff;
    wide[1] = (char)0xfe;
    for (size_t i = 0; i < len; i++) {
        wide[2 + 2 * i] = text[i];
        wide[3 + 2 * i] = 0;
    }
    const char *p = tu_tmp("lol16.kml");
    tu_write_file(p, wide, 2 * len + 2);
    free(wide);
    free(text);
    expect_error(p, PL_ERR_INPUT, "line 2: DTD/entity declarations are not accepted");
}

Test(kml_hostile, undefined_entity)
{
    expect_error(KML_DIR "undefined_entity.kml", PL_ERR_INPUT,
                 "line 2: DTD/entity declarations are not accepted (entity 'nbsp' not defined)");
}

/* ------------------------------------------------------------------------ */
/* Malformed input                                                           */
/* (the files refused with a message alone are cases of test_refused:         */
/* tests/data/refused/kml/)                                                  */

Test(kml_malformed, truncated_file)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_file(KML_DIR "truncated.kml", &c, &info, &err);
    cr_assert_eq(rc, PL_ERR_INPUT);
    cr_assert_eq(c.n, 1, "the complete placemark before the cut was delivered");
    cr_assert_str_eq(err.message, KML_DIR "truncated.kml: line 12: unexpected end of file: "
                                  "placemark 2 (line 8) is not closed (truncated file?)");
    coll_free(&c);
}

Test(kml_malformed, truncated_after_last_placemark)
{
    const char *p = tu_tmp("trunc2.kml");
    tu_write_file(p, "<kml>\n<Placemark><name>a</name></Placemark>\n", (size_t)-1);
    expect_error(p, PL_ERR_INPUT,
                 "line 2: unexpected end of file: the document is not closed (truncated file?)");
}

Test(kml_malformed, non_numeric_coordinate)
{
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(KML_DIR "non_numeric.kml", &c, &info, &err), PL_ERR_INPUT);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(err.message, KML_DIR "non_numeric.kml: placemark 2 (line 8): "
                                  "non-numeric coordinate '36.2e' (line 16)");
    coll_free(&c);
}

Test(kml_malformed, binary_garbage)
{
    unsigned char buf[4096];
    unsigned v = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        v = v * 1103515245u + 12345u;
        buf[i] = (unsigned char)(v >> 16);
    }
    buf[0] = 0x89; /* a PNG-like start */
    const char *p = tu_tmp("garbage.kml");
    tu_write_file(p, (const char *)buf, sizeof buf);
    expect_error(p, PL_ERR_INPUT, "line 1: not an XML document (byte 0x89 before the root element)");
    /* garbage after a valid start */
    const char *q = tu_tmp("garbage2.kml");
    char doc[600] = "<kml><Placemark><name>";
    size_t n = strlen(doc);
    memcpy(doc + n, buf + 1, 300);
    doc[n + 300] = '\0';
    for (size_t i = n; i < n + 300; i++)
        if (doc[i] == 0 || doc[i] == '<' || doc[i] == '&')
            doc[i] = 'x';
    tu_write_file(q, doc, n + 300);
    coll c = {0};
    pl_source_info info;
    pl_error err;
    cr_assert_eq(read_file(q, &c, &info, &err), PL_ERR_INPUT);
    cr_assert_eq(c.n, 0);
    cr_assert(strncmp(err.message, q, strlen(q)) == 0 && strstr(err.message, ": line "), "%s",
              err.message);
    coll_free(&c);
}

Test(kml_malformed, extra_root)
{
    const char *p = tu_tmp("tworoots.kml");
    tu_write_file(p, "<kml></kml>\n<kml/>\n", (size_t)-1);
    expect_error(p, PL_ERR_INPUT, "line 2: extra content at the end of the document");
}

Test(kml_malformed, missing_file_and_directory)
{
    expect_error(KML_DIR "no-such-file.kml", PL_ERR_IO, "cannot open: No such file or directory");
    expect_error(TEST_DATA_DIR "/kml", PL_ERR_IO, "read error: Is a directory");
}

Test(kml_malformed, nothing_goes_to_stderr)
{
    static const char *const files[] = {
        KML_DIR "truncated.kml", TEST_DATA_DIR "/refused/kml/unclosed_tag.kml", KML_DIR "xxe_passwd.kml",
        KML_DIR "xxe_system_doctype.kml", KML_DIR "billion_laughs.kml", KML_DIR "undefined_entity.kml",
        TEST_DATA_DIR "/refused/kml/not_kml.kml", PEER_DIR "bad.kml",
    };
    const char *p = tu_tmp("badgbk2.kml");
    tu_write_file(p, "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<kml><name>\x81\x20</name></kml>\n",
                  (size_t)-1);
    const char *q = tu_tmp("gx2.kml");
    tu_write_file(q, "<kml><gx:Track/></kml>", (size_t)-1);
    const char *log = tu_tmp("stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    int bad = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0] + 2; i++) {
        const char *f = i < sizeof files / sizeof files[0] ? files[i]
                        : i == sizeof files / sizeof files[0] ? p : q;
        coll c = {0};
        pl_source_info info;
        pl_error err;
        int rc = read_file(f, &c, &info, &err);
        bad += rc != PL_OK;
        coll_free(&c);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t len = 0;
    char *out = tu_read_file(log, &len);
    cr_assert_not_null(out);
    cr_assert_eq(len, 0, "stderr got: %s", out);
    free(out);
    cr_assert_eq(bad, 9, "all but the gx file fail");
}
