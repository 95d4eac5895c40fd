/*
 * test_txt.c — the Ministry coordinate TXT reader (import/txt.c) and format
 * detection / dispatch (import/detect.c), on the files in tests/data/txt.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "testutil.h"

#define TXT_DIR TEST_DATA_DIR "/txt/"
#define MAXF 8
#define MAXA 16

/* A deep copy of what the reader handed out (its feature lives only during the callback). */
typedef struct got_feature {
    long number, line;
    char where[32];
    int is_polygon;
    char kind[16];
    pl_geom geom;
    size_t nattrs;
    char keys[MAXA][32];
    char values[MAXA][128];
    double area;
    int area_bare;
    char refusal[512];   /* "" when the reader does not refuse it */
} got_feature;

typedef struct collect {
    got_feature f[MAXF];
    long n;              /* callbacks seen (may exceed MAXF) */
    int stop_with;       /* callback return value (0: go on) */
    int srid_at_first;
    char enc_at_first[16];
    double area_sum;     /* sum of |shell| - |holes| over all polygons */
} collect;

static double geom_area(const pl_geom *g)
{
    double a = 0.0;
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++) {
            double s = fabs(pl_ring_signed_area(&g->polys[i].rings[j]));
            a += j == 0 ? s : -s;
        }
    return a;
}

static int collect_cb(const pl_feature *f, const pl_source_info *info, void *ctx)
{
    collect *c = ctx;
    if (c->n == 0) {
        c->srid_at_first = info->srid;
        snprintf(c->enc_at_first, sizeof c->enc_at_first, "%s", info->encoding);
    }
    c->area_sum += geom_area(&f->geom);
    if (c->n < MAXF) {
        got_feature *g = &c->f[c->n];
        g->number = f->number;
        g->line = f->line;
        snprintf(g->where, sizeof g->where, "%s", f->where);
        g->is_polygon = f->is_polygon;
        snprintf(g->kind, sizeof g->kind, "%s", f->kind);
        pl_geom_init(&g->geom);
        cr_assert_eq(pl_geom_copy(&g->geom, &f->geom), 0);
        g->nattrs = f->nattrs;
        for (size_t i = 0; i < f->nattrs && i < MAXA; i++) {
            snprintf(g->keys[i], sizeof g->keys[i], "%s", f->attrs[i].key);
            snprintf(g->values[i], sizeof g->values[i], "%s", f->attrs[i].value);
        }
        g->area = f->declared_area_m2;
        g->area_bare = f->declared_area_unitless;
        snprintf(g->refusal, sizeof g->refusal, "%s", f->refusal ? f->refusal : "");
    }
    c->n++;
    return c->stop_with;
}

static void collect_free(collect *c)
{
    for (long i = 0; i < c->n && i < MAXF; i++)
        pl_geom_release(&c->f[i].geom);
}

static int read_txt(const char *path, pl_encoding enc, int srid, collect *c, pl_source_info *info, pl_error *err)
{
    pl_read_options opt = {enc, srid, tu_note, NULL};
    tu_notes_clear();
    pl_error_clear(err);
    return pl_read_txt(path, &opt, info, collect_cb, c, err);
}

static const char *attr(const got_feature *g, const char *key)
{
    for (size_t i = 0; i < g->nattrs && i < MAXA; i++)
        if (strcmp(g->keys[i], key) == 0)
            return g->values[i];
    return NULL;
}

static void assert_point(const pl_ring *r, size_t k, double x, double y)
{
    cr_assert_lt(k, r->n);
    cr_assert_float_eq(r->xy[2 * k], x, 1e-6, "point %zu x = %.3f, expected %.3f", k, r->xy[2 * k], x);
    cr_assert_float_eq(r->xy[2 * k + 1], y, 1e-6, "point %zu y = %.3f, expected %.3f", k, r->xy[2 * k + 1], y);
}

/* Everything the domain.md §6 example must give, whatever its encoding or line ends. */
static void check_example(const char *file, pl_encoding enc, const char *want_encoding)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(file, enc, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s: rc %d: %s", file, rc, err.message);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(info.srid, 4528);
    cr_assert_eq(c.srid_at_first, 4528, "srid must be known before the first callback");
    cr_assert_str_eq(info.encoding, want_encoding);
    cr_assert_str_eq(c.enc_at_first, want_encoding);
    cr_assert_str_eq(info.crs_text, "2000国家大地坐标系, 3度带, 带号 40, 高斯克吕格, 米, 精度 0.001");
    cr_assert_str_eq(tu_notes(), "", "unexpected note: %s", tu_notes());
    cr_assert_eq(info.skipped, 0);

    const got_feature *g = &c.f[0];
    cr_assert_eq(g->number, 1);
    cr_assert_eq(g->line, 13);
    cr_assert_str_eq(g->where, "line 13");
    cr_assert_eq(g->is_polygon, 1);
    cr_assert_str_eq(g->kind, "面");
    cr_assert_eq(g->nattrs, 8);
    cr_assert_str_eq(attr(g, "界址点数"), "10");
    cr_assert_str_eq(attr(g, "地块面积"), "5.9400");
    cr_assert_str_eq(attr(g, "地块编号"), "XHA-2024-017");
    cr_assert_str_eq(attr(g, "地块名称"), "中德生态园标准地A-17");
    cr_assert_str_eq(attr(g, "记录图形属性"), "面");
    cr_assert_str_eq(attr(g, "图幅号"), "");
    cr_assert_str_eq(attr(g, "地块用途"), "工业用地");
    cr_assert_str_eq(attr(g, "地类编码"), "0601");
    cr_assert_float_eq(g->area, 59400.0, 1e-6);

    /* one polygon: the 300 x 200 m shell and the 20 x 30 m hole, closed as in the file */
    cr_assert_eq(g->geom.n, 1);
    const pl_poly *p = &g->geom.polys[0];
    cr_assert_eq(p->n, 2, "rings: %zu", p->n);
    cr_assert_eq(p->rings[0].n, 5);
    cr_assert_eq(p->rings[1].n, 5);
    assert_point(&p->rings[0], 0, 40509000.0, 3985700.0);
    assert_point(&p->rings[0], 1, 40509300.0, 3985700.0);
    assert_point(&p->rings[0], 2, 40509300.0, 3985500.0);
    assert_point(&p->rings[0], 3, 40509000.0, 3985500.0);
    assert_point(&p->rings[0], 4, 40509000.0, 3985700.0);
    assert_point(&p->rings[1], 0, 40509100.0, 3985630.0);
    assert_point(&p->rings[1], 2, 40509120.0, 3985600.0);
    assert_point(&p->rings[1], 4, 40509100.0, 3985630.0);
    double shell = fabs(pl_ring_signed_area(&p->rings[0]));
    double hole = fabs(pl_ring_signed_area(&p->rings[1]));
    cr_assert_float_eq(shell, 60000.0, 0.01);
    cr_assert_float_eq(hole, 600.0, 0.01);
    cr_assert_float_eq(shell - hole, 59400.0, 0.01);
    cr_assert_float_eq(shell - hole, g->area, 0.01);
    collect_free(&c);
}

Test(txt, example_utf8)
{
    check_example(TXT_DIR "example_utf8.txt", PL_ENCODING_AUTO, "utf-8");
}

Test(txt, example_gbk_crlf)
{
    check_example(TXT_DIR "example_gbk_crlf.txt", PL_ENCODING_AUTO, "gbk");
}

Test(txt, example_utf8_bom_crlf)
{
    check_example(TXT_DIR "example_bom_crlf.txt", PL_ENCODING_AUTO, "utf-8-bom");
}

Test(txt, example_cr_line_ends)
{
    check_example(TXT_DIR "example_cr.txt", PL_ENCODING_AUTO, "utf-8");
}

Test(txt, example_forced_encodings)
{
    check_example(TXT_DIR "example_gbk_crlf.txt", PL_ENCODING_GBK, "gbk");
    check_example(TXT_DIR "example_utf8.txt", PL_ENCODING_UTF8, "utf-8");
    check_example(TXT_DIR "example_bom_crlf.txt", PL_ENCODING_UTF8, "utf-8-bom");
}

Test(txt, traditional_section_names_gbk)
{
    check_example(TXT_DIR "traditional_gbk.txt", PL_ENCODING_AUTO, "gbk");
}

Test(txt, multipart_restarting_ring_numbers_and_holes)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "multipart.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(tu_notes(), "", "unexpected note: %s", tu_notes());

    /* MP-1: two parts both numbered 圈号 1; the second has a hole (圈号 2) */
    const pl_geom *g = &c.f[0].geom;
    cr_assert_str_eq(attr(&c.f[0], "地块编号"), "MP-1");
    cr_assert_eq(c.f[0].line, 10);
    cr_assert_eq(g->n, 2);
    cr_assert_eq(g->polys[0].n, 1);
    cr_assert_eq(g->polys[1].n, 2);
    assert_point(&g->polys[1].rings[0], 0, 40509500.0, 3986100.0);
    assert_point(&g->polys[1].rings[1], 0, 40509550.0, 3986060.0);
    cr_assert_float_eq(geom_area(g), 10000.0 + 20000.0 - 400.0, 0.01);
    cr_assert_float_eq(geom_area(g), c.f[0].area, 0.01);

    /* MP-2: ring 2 lies outside ring 1 (another part); ring 3 is a hole of ring 1 */
    g = &c.f[1].geom;
    cr_assert_eq(c.f[1].number, 2);
    cr_assert_eq(g->n, 2);
    cr_assert_eq(g->polys[0].n, 2);
    cr_assert_eq(g->polys[1].n, 1);
    assert_point(&g->polys[0].rings[1], 0, 40510040.0, 3986060.0);
    assert_point(&g->polys[1].rings[0], 0, 40510200.0, 3986100.0);
    cr_assert_float_eq(geom_area(g), 19600.0, 0.01);
    cr_assert_float_eq(geom_area(g), c.f[1].area, 0.01);

    /* MP-3: ring 3 sits inside the hole of ring 1: an island, i.e. a new part */
    g = &c.f[2].geom;
    cr_assert_eq(g->n, 2);
    cr_assert_eq(g->polys[0].n, 2);
    cr_assert_eq(g->polys[1].n, 1);
    assert_point(&g->polys[1].rings[0], 0, 40511090.0, 3986110.0);
    cr_assert_float_eq(geom_area(g), 40000.0 - 10000.0 + 400.0, 0.01);
    cr_assert_float_eq(geom_area(g), c.f[2].area, 0.01);
    collect_free(&c);
}

Test(txt, unclosed_rings_and_point_counts)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "unclosed.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 3);
    for (int i = 0; i < 3; i++) {
        const pl_geom *g = &c.f[i].geom;
        cr_assert_eq(g->n, 1);
        cr_assert_eq(g->polys[0].n, 2);
        for (int r = 0; r < 2; r++) {
            cr_assert_eq(g->polys[0].rings[r].n, 5, "the reader closes the ring");
            cr_assert(pl_ring_is_closed(&g->polys[0].rings[r]));
        }
        cr_assert_float_eq(geom_area(g), 59400.0, 0.01);
    }
    /* 8 (no closing points) and 10 (closing points counted) are both the exporter
     * variant; 7 with rings left open is a point list that does not agree: refused */
    cr_assert_str_eq(c.f[0].refusal, "");
    cr_assert_str_eq(c.f[1].refusal, "");
    cr_assert_str_eq(c.f[2].refusal, "界址点数 is 7 but 8 point lines follow (to line 36), with ring 1 not closed: "
                                     "the points do not agree with the header");
    cr_assert_str_eq(tu_notes(), "2 parcels (first at line 10) with rings that do not repeat their first point: "
                                "closed, as 界址点数 allows (the exporter variant that omits the closing point)");
    collect_free(&c);
}

/* A point list that stops early: the counts disagree and a ring is left open,
 * in the middle of the file or where it ends; or the file ends in an open
 * ring while its other parcels close theirs (界址点数 empty). */
Test(txt, truncated_point_lists_are_refused_with_the_counts)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "truncated.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(c.f[0].refusal, "界址点数 is 10 but 5 point lines follow (to line 15), with ring 1 not closed: "
                                     "the point list stops early");
    cr_assert_str_eq(c.f[1].refusal, "");
    cr_assert_str_eq(c.f[2].refusal, "界址点数 is 66 but the file ends after 3 point lines (line 25), with ring 1 "
                                     "not closed: the point list is cut short");
    cr_assert_str_eq(tu_notes(), "");
    collect_free(&c);

    const char *path = tu_tmp("cut-no-count.txt");
    tu_write_file(path,
                  "[属性描述]\n带号=40\n[地块坐标]\n"
                  ",,N-1,完整,面,,,,@\n"
                  "J1,1,3985700.000,40509000.000\nJ2,1,3985700.000,40509300.000\n"
                  "J3,1,3985500.000,40509300.000\nJ1,1,3985700.000,40509000.000\n"
                  ",,N-2,截断,面,,,,@\n"
                  "J1,1,3985400.000,40509000.000\nJ2,1,3985400.000,40509300.000\n"
                  "J3,1,3985200.000,40509300.000\n",
                  (size_t)-1);
    collect c2 = {0};
    rc = read_txt(path, PL_ENCODING_AUTO, 0, &c2, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c2.n, 2);
    cr_assert_str_eq(c2.f[0].refusal, "");
    cr_assert_str_eq(c2.f[1].refusal, "the file ends after 3 point lines (line 12), with ring 1 not closed while the "
                                      "file's other parcels close their rings: the point list is cut short "
                                      "(界址点数 is empty)");
    collect_free(&c2);

    /* headers without their points: one followed by the next header, one where the file ends */
    path = tu_tmp("headers-only.txt");
    tu_write_file(path,
                  "[属性描述]\n带号=40\n[地块坐标]\n"
                  "5,,H-1,无点,面,,,,@\n"
                  "5,,H-2,完整,面,,,,@\n"
                  "J1,1,3985700.000,40509000.000\nJ2,1,3985700.000,40509300.000\n"
                  "J3,1,3985500.000,40509300.000\nJ4,1,3985500.000,40509000.000\nJ1,1,3985700.000,40509000.000\n"
                  "66,,H-3,只有表头,面,,,,@\n",
                  (size_t)-1);
    collect c3 = {0};
    rc = read_txt(path, PL_ENCODING_AUTO, 0, &c3, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c3.n, 3);
    cr_assert_str_eq(c3.f[0].refusal, "界址点数 is 5 but no point line follows: the next parcel header comes at once");
    cr_assert_str_eq(c3.f[1].refusal, "");
    cr_assert_str_eq(c3.f[2].refusal, "界址点数 is 66 but no point line follows: the file ends at the parcel header, "
                                      "cut short");
    collect_free(&c3);
}

Test(txt, exporter_variants)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "variants.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 6);
    cr_assert_eq(info.srid, 4528, "分带=3度带 and the Y prefix 40 give EPSG:4528");
    cr_assert_str_eq(info.encoding, "utf-8");
    cr_assert_str_eq(info.crs_text, "2000国家大地坐标系, 3度带, 带号 40(取自Y坐标前缀), 高斯克吕格, 米");
    /* the 线 record is handed on as a non-polygon (the importer counts it), not counted twice */
    cr_assert_eq(info.skipped, 0);
    /* its ring closes: a count that disagrees is only remarked on */
    cr_assert_str_eq(tu_notes(), "line 18: parcel 1 declares 界址点数 41 but has 5 point lines");
    int lines = 0;
    for (long i = 0; i < c.n; i++)
        if (!c.f[i].is_polygon) {
            lines++;
            cr_assert_str_eq(c.f[i].kind, "线");
            cr_assert_eq(c.f[i].line, 30);
        }
    cr_assert_eq(lines, 1);

    /* area with a unit; spaces, tabs and trailing blanks around fields */
    const got_feature *f = &c.f[0];
    cr_assert_eq(f->line, 12);
    cr_assert_str_eq(attr(f, "地块面积"), "0.7655公顷");
    cr_assert_float_eq(f->area, 7655.0, 1e-6);
    cr_assert_eq(f->geom.polys[0].rings[0].n, 5);
    assert_point(&f->geom.polys[0].rings[0], 1, 40510100.0, 3985000.0);
    assert_point(&f->geom.polys[0].rings[0], 2, 40510100.0, 3984923.45);
    cr_assert_float_eq(geom_area(&f->geom), f->area, 0.01);

    /* the short header line 41,0,1,0,面,0,0,,@ */
    f = &c.f[1];
    cr_assert_eq(f->nattrs, 8);
    cr_assert_str_eq(attr(f, "地块编号"), "1");
    cr_assert_str_eq(attr(f, "地块名称"), "0");
    cr_assert_str_eq(attr(f, "地类编码"), "");
    cr_assert(isnan(f->area), "area 0 means none");
    cr_assert_eq(f->geom.polys[0].rings[0].n, 5);
    cr_assert(pl_ring_is_closed(&f->geom.polys[0].rings[0]));
    cr_assert_float_eq(geom_area(&f->geom), 2500.0, 0.01);

    /* 13 fields: the extra ones come out by position */
    f = &c.f[2];
    cr_assert_eq(f->nattrs, 12);
    cr_assert_str_eq(attr(f, "图幅号"), "H51G001001");
    cr_assert_str_eq(f->keys[8], "field9");
    cr_assert_str_eq(f->values[8], "图斑类型A");
    cr_assert_str_eq(f->keys[11], "field12");
    cr_assert_str_eq(f->values[11], "备注文字");
    cr_assert_float_eq(f->area, 15000.0, 1e-6);
    cr_assert_float_eq(geom_area(&f->geom), 15000.0, 0.01);

    /* a 线 record: handed over as a non-polygon, without geometry */
    f = &c.f[3];
    cr_assert_eq(f->number, 4);
    cr_assert_eq(f->is_polygon, 0);
    cr_assert_str_eq(f->kind, "线");
    cr_assert_eq(f->geom.n, 0);
    cr_assert_str_eq(attr(f, "地块名称"), "排水沟");

    /* empty 记录图形属性 is a parcel; area in 平方米; tab-separated point lines */
    f = &c.f[4];
    cr_assert_eq(f->is_polygon, 1);
    cr_assert_str_eq(f->kind, "面");
    cr_assert_float_eq(f->area, 300.0, 1e-9);
    cr_assert_eq(f->geom.polys[0].rings[0].n, 4);
    assert_point(&f->geom.polys[0].rings[0], 2, 40514030.0, 3980980.0);
    cr_assert_float_eq(geom_area(&f->geom), 300.0, 0.01);

    /* area in 亩, empty 界址点数, unclosed ring */
    f = &c.f[5];
    cr_assert_str_eq(attr(f, "界址点数"), "");
    cr_assert_float_eq(f->area, 9.0 * 10000.0 / 15.0, 1e-9);
    cr_assert_float_eq(geom_area(&f->geom), 6000.0, 0.01);
    collect_free(&c);
}

Test(txt, swapped_columns)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "swapped.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4528);
    cr_assert_str_eq(tu_notes(), "line 14: X 40509000.000 looks like an easting and Y 3985700.000 like a northing: "
                                "columns read as swapped");
    const pl_poly *p = &c.f[0].geom.polys[0];
    assert_point(&p->rings[0], 0, 40509000.0, 3985700.0);
    assert_point(&p->rings[0], 2, 40509300.0, 3985500.0);
    assert_point(&p->rings[1], 2, 40509120.0, 3985600.0);
    cr_assert_float_eq(geom_area(&c.f[0].geom), 59400.0, 0.01);
    collect_free(&c);
}

Test(txt, unprefixed_easting_uses_zone_number)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "unprefixed.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4549, "CGCS2000 3-degree CM 120E");
    cr_assert(strstr(info.crs_text, "Y坐标无带号前缀"), "%s", info.crs_text);
    assert_point(&c.f[0].geom.polys[0].rings[0], 0, 509000.0, 3985700.0);
    cr_assert_float_eq(geom_area(&c.f[0].geom), 59400.0, 0.01);
    collect_free(&c);
}

Test(txt, unprefixed_without_zone_leaves_srid_unknown)
{
    const char *path = tu_tmp("nozone.txt");
    size_t len;
    char *text = tu_read_file(TXT_DIR "unprefixed.txt", &len);
    cr_assert_not_null(text);
    char *z = strstr(text, "带号=40");
    cr_assert_not_null(z);
    memcpy(z + strlen("带号="), "  ", 2);
    tu_write_file(path, text, len);
    free(text);
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(path, PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 0);
    cr_assert_str_eq(tu_notes(),
                     "Y coordinates have no zone prefix and 带号 is empty: cannot tell the zone (use --crs)");
    collect_free(&c);
    /* --crs settles it */
    collect c2 = {0};
    rc = read_txt(path, PL_ENCODING_AUTO, 4549, &c2, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4549);
    cr_assert_str_eq(tu_notes(), "");
    collect_free(&c2);
}

Test(txt, xian80_with_transform_parameters)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "xian80_params.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 2364, "Xian 1980 3-degree zone 40");
    cr_assert_str_eq(tu_notes(), "line 11: 转换参数 -12.5,101.3,55.2,0.52,-1.1,2.3,3.4e-6 not applied "
                                "(7-parameter transforms are not supported yet): coordinates are taken as Xian 1980");
    cr_assert(strstr(info.crs_text, "1980西安坐标系"), "%s", info.crs_text);
    cr_assert(strstr(info.crs_text, "转换参数 -12.5,101.3"), "%s", info.crs_text);
    collect_free(&c);
}

Test(txt, beijing54_six_degree_zone)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "beijing54_6deg.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 21421, "Beijing 1954 / Gauss-Kruger zone 21");
    cr_assert_float_eq(c.f[0].area, 400.0, 1e-9);
    cr_assert_float_eq(geom_area(&c.f[0].geom), 400.0, 0.01);
    collect_free(&c);
}

Test(txt, crs_option_overrides_and_relaxes_zone_check)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "example_utf8.txt", PL_ENCODING_AUTO, 4549, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4549);
    collect_free(&c);

    collect c2 = {0};
    rc = read_txt(TEST_DATA_DIR "/refused/txt/zone_mismatch.txt", PL_ENCODING_AUTO, 4528, &c2, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4528);
    cr_assert_str_eq(tu_notes(),
                     "line 14: Y coordinate has zone prefix 40 but 带号 is 39 (line 9); using --crs EPSG:4528");
    collect_free(&c2);
}

Test(txt, degenerate_parcels_are_handed_over)
{
    /* no 坐标系 (CGCS2000 assumed), no 几度分带 (3 from zone 40); an empty parcel
     * comes first, so the CRS is fixed from 带号 before any point is seen */
    const char *path = tu_tmp("degenerate.txt");
    tu_write_file(path,
                  "[属性描述]\n带号=40\n[地块坐标]\n"
                  "0,,E-1,空地块,面,,,,@\n"
                  "2,,E-2,两点,面,,,,@\n"
                  "J1,1,3985700.000,40509000.000\n"
                  "J2,1,3985700.000,40509300.000\n",
                  (size_t)-1);
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(path, PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.srid_at_first, 4528);
    cr_assert_str_eq(info.crs_text, "坐标系未注明(按2000国家大地坐标系), 3度带(推定), 带号 40");
    cr_assert_str_eq(tu_notes(), "1 parcel (first at line 5) with rings that do not repeat their first point: "
                                "closed, as 界址点数 allows (the exporter variant that omits the closing point)");
    cr_assert_str_eq(c.f[1].refusal, "", "two points announced, two read: not cut short");
    cr_assert_eq(c.f[0].is_polygon, 1);
    cr_assert_eq(c.f[0].geom.n, 0);
    cr_assert_eq(c.f[0].line, 4);
    cr_assert_eq(c.f[1].geom.n, 1);
    cr_assert_eq(c.f[1].geom.polys[0].n, 1);
    cr_assert_eq(c.f[1].geom.polys[0].rings[0].n, 3, "two points, closed by the reader");
    assert_point(&c.f[1].geom.polys[0].rings[0], 2, 40509000.0, 3985700.0);
    collect_free(&c);
}

Test(txt, zone_given_as_central_meridian)
{
    const char *path = tu_tmp("cm.txt");
    size_t len;
    char *text = tu_read_file(TXT_DIR "unprefixed.txt", &len);
    cr_assert_not_null(text);
    char *z = strstr(text, "带号=40");
    cr_assert_not_null(z);
    char *fixed = malloc(len + 2);
    cr_assert_not_null(fixed);
    size_t head = (size_t)(z - text) + strlen("带号=");
    memcpy(fixed, text, head);
    memcpy(fixed + head, "120", 3);
    memcpy(fixed + head + 3, z + strlen("带号=40"), len - head - 2);
    tu_write_file(path, fixed, len + 1);
    free(fixed);
    free(text);
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(path, PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(info.srid, 4549);
    cr_assert_str_eq(tu_notes(), "line 9: 带号 120 read as a central meridian (zone 40)");
    collect_free(&c);
}

Test(txt, callback_stops_reading)
{
    collect c = {0};
    c.stop_with = 42;
    pl_source_info info;
    pl_error err;
    int rc = read_txt(TXT_DIR "multipart.txt", PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, 42);
    cr_assert_eq(c.n, 1);
    collect_free(&c);
}

Test(txt, many_parcels_stream)
{
    /* 20000 parcels of 10 x 10 m; the reader must hand out all of them */
    const char *path = tu_tmp("many.txt");
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=40\n[地块坐标]\n", fp);
    const long N = 20000;
    for (long i = 0; i < N; i++) {
        double e = 40500000.0 + (double)(i % 100) * 20.0, n = 3980000.0 + (double)(i / 100) * 20.0;
        fprintf(fp, "5,0.01,P%ld,,面,,,,@\n", i);
        fprintf(fp, "J1,1,%.3f,%.3f\nJ2,1,%.3f,%.3f\nJ3,1,%.3f,%.3f\nJ4,1,%.3f,%.3f\nJ1,1,%.3f,%.3f\n", n, e, n,
                e + 10, n - 10, e + 10, n - 10, e, n, e);
    }
    fclose(fp);
    collect c = {0};
    pl_source_info info;
    pl_error err;
    int rc = read_txt(path, PL_ENCODING_AUTO, 0, &c, &info, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.n, N);
    cr_assert_float_eq(c.area_sum, 100.0 * (double)N, 1e-3);
    cr_assert_str_eq(tu_notes(), "");
    collect_free(&c);
}

/* ---------------------------------------------------------------- malformed input */

static void expect_error(const char *path, pl_encoding enc, int code, const char *fmt_after_path)
{
    collect c = {0};
    pl_source_info info;
    pl_error err;
    char want[PL_ERROR_MAX];
    int rc = read_txt(path, enc, 0, &c, &info, &err);
    snprintf(want, sizeof want, "%s: %s", path, fmt_after_path);
    cr_assert_eq(rc, code, "%s: rc %d (%s)", path, rc, err.message);
    cr_assert_eq(err.code, code);
    cr_assert_str_eq(err.message, want);
    collect_free(&c);
}

/* The refusals that need no more than a file and its message are cases of test_refused
 * (tests/data/refused/txt/); here are those with a forced encoding or a file made on the fly. */
#define BAD(name) TEST_DATA_DIR "/refused/txt/" name

Test(txt_bad, bytes_neither_utf8_nor_gbk)
{
    /* forced GBK on a UTF-8 file: its first Chinese line already fails */
    expect_error(BAD("bad_bytes.txt"), PL_ENCODING_GBK, PL_ERR_INPUT,
                 "line 1: bytes that are not valid GBK (try --encoding utf-8)");
    expect_error(BAD("bad_bytes.txt"), PL_ENCODING_UTF8, PL_ERR_INPUT,
                 "line 13: bytes that are not valid UTF-8 (try --encoding gbk)");
    expect_error(TXT_DIR "example_gbk_crlf.txt", PL_ENCODING_UTF8, PL_ERR_INPUT,
                 "line 1: bytes that are not valid UTF-8 (try --encoding gbk)");
}

Test(txt_bad, binary_garbage)
{
    /* NUL bytes are ASCII for the charset checks, but no TXT file has them */
    const char text[] = "[属性描述]\n坐标系=2000\0\n[地块坐标]\n";
    const char *path = tu_tmp("nul.txt");
    tu_write_file(path, text, sizeof text - 1);
    expect_error(path, PL_ENCODING_AUTO, PL_ERR_INPUT,
                 "line 2: NUL byte: binary data or UTF-16 text, not a coordinate TXT file");
}

Test(txt_bad, huge_line)
{
    const char *path = tu_tmp("huge.txt");
    size_t n = 200000;
    char *buf = malloc(n);
    cr_assert_not_null(buf);
    memset(buf, 'A', n);
    const char head[] = "[属性描述]\n";
    memcpy(buf, head, sizeof head - 1);
    tu_write_file(path, buf, n);
    free(buf);
    expect_error(path, PL_ENCODING_AUTO, PL_ERR_INPUT, "line 2: longer than 65536 bytes (not a coordinate TXT file?)");
    expect_error(path, PL_ENCODING_UTF8, PL_ERR_INPUT, "line 2: longer than 65536 bytes (not a coordinate TXT file?)");
}

Test(txt_bad, missing_file)
{
    expect_error(TXT_DIR "no-such-file.txt", PL_ENCODING_AUTO, PL_ERR_IO, "No such file or directory");
}

/* ---------------------------------------------------------------- detection and dispatch */

static const char *write_tmp(const char *name, const char *data, size_t len)
{
    const char *p = tu_tmp(name);
    tu_write_file(p, data, len);
    return p;
}

Test(detect, by_extension_any_case)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_format_detect(write_tmp("a.TXT", "x", 1), &err), PL_FORMAT_TXT);
    cr_assert_eq(pl_format_detect(write_tmp("b.GeoJSON", "x", 1), &err), PL_FORMAT_GEOJSON);
    cr_assert_eq(pl_format_detect(write_tmp("c.json", "x", 1), &err), PL_FORMAT_GEOJSON);
    cr_assert_eq(pl_format_detect(write_tmp("d.KmL", "x", 1), &err), PL_FORMAT_KML);
    cr_assert_eq(pl_format_detect(write_tmp("e.Shp", "x", 1), &err), PL_FORMAT_SHP);
    cr_assert_eq(err.code, PL_OK);
}

Test(detect, by_content)
{
    pl_error err;
    pl_error_clear(&err);
    size_t len;
    char *gbk = tu_read_file(TXT_DIR "example_gbk_crlf.txt", &len);
    cr_assert_not_null(gbk);
    cr_assert_eq(pl_format_detect(write_tmp("txt_gbk", gbk, len), &err), PL_FORMAT_TXT);
    free(gbk);
    char *trad = tu_read_file(TXT_DIR "traditional_gbk.txt", &len);
    cr_assert_eq(pl_format_detect(write_tmp("txt_trad", trad, len), &err), PL_FORMAT_TXT);
    free(trad);
    cr_assert_eq(pl_format_detect(write_tmp("txt_utf8", "\xef\xbb\xbf[地块坐标]\r\n", (size_t)-1), &err),
                 PL_FORMAT_TXT);
    cr_assert_eq(pl_format_detect(write_tmp("json1", "\n  {\"type\": \"FeatureCollection\", \"features\": []}",
                                            (size_t)-1), &err),
                 PL_FORMAT_GEOJSON);
    cr_assert_eq(pl_format_detect(write_tmp("json2", "{\"type\":\"Feature\"}", (size_t)-1), &err),
                 PL_FORMAT_GEOJSON);
    cr_assert_eq(pl_format_detect(write_tmp("kml1", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                                    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"></kml>",
                                            (size_t)-1), &err),
                 PL_FORMAT_KML);
    const char shp[12] = {0x00, 0x00, 0x27, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0};
    cr_assert_eq(pl_format_detect(write_tmp("shp1", shp, sizeof shp), &err), PL_FORMAT_SHP);
    cr_assert_eq(err.code, PL_OK, "%s", err.message);
}

Test(detect, unknown_and_missing)
{
    pl_error err;
    char want[1200];
    pl_error_clear(&err);
    const char *p = write_tmp("mystery.dat", "hello, world\n", (size_t)-1);
    cr_assert_eq(pl_format_detect(p, &err), PL_FORMAT_AUTO);
    cr_assert_eq(err.code, PL_ERR_INPUT);
    snprintf(want, sizeof want, "%s: cannot tell the format (use --format)", p);
    cr_assert_str_eq(err.message, want);

    /* JSON that is not GeoJSON-looking and XML that is not KML */
    pl_error_clear(&err);
    cr_assert_eq(pl_format_detect(write_tmp("j", "{\"a\": 1}", (size_t)-1), &err), PL_FORMAT_AUTO);
    cr_assert_eq(err.code, PL_ERR_INPUT);
    pl_error_clear(&err);
    cr_assert_eq(pl_format_detect(write_tmp("x", "<gpx></gpx>", (size_t)-1), &err), PL_FORMAT_AUTO);
    cr_assert_eq(err.code, PL_ERR_INPUT);

    pl_error_clear(&err);
    const char *missing = TXT_DIR "missing.kml";
    cr_assert_eq(pl_format_detect(missing, &err), PL_FORMAT_AUTO);
    cr_assert_eq(err.code, PL_ERR_IO);
    snprintf(want, sizeof want, "%s: No such file or directory", missing);
    cr_assert_str_eq(err.message, want);
}

Test(detect, names)
{
    cr_assert_eq(pl_format_parse("auto"), PL_FORMAT_AUTO);
    cr_assert_eq(pl_format_parse("txt"), PL_FORMAT_TXT);
    cr_assert_eq(pl_format_parse("GeoJSON"), PL_FORMAT_GEOJSON);
    cr_assert_eq(pl_format_parse("kml"), PL_FORMAT_KML);
    cr_assert_eq(pl_format_parse("shp"), PL_FORMAT_SHP);
    cr_assert_eq(pl_format_parse("csv"), -1);
    cr_assert_eq(pl_format_parse(""), -1);
    cr_assert_eq(pl_format_parse(NULL), -1);
    for (int f = PL_FORMAT_AUTO; f <= PL_FORMAT_SHP; f++)
        cr_assert_eq(pl_format_parse(pl_format_name((pl_format)f)), f);
    cr_assert_str_eq(pl_format_name(PL_FORMAT_TXT), "txt");
}

Test(detect, read_any_dispatches)
{
    size_t len;
    char *gbk = tu_read_file(TXT_DIR "example_gbk_crlf.txt", &len);
    cr_assert_not_null(gbk);
    const char *p = write_tmp("parcels.dat", gbk, len);
    free(gbk);
    pl_read_options opt = {PL_ENCODING_AUTO, 0, NULL, NULL};
    pl_source_info info;
    pl_error err;
    pl_error_clear(&err);
    collect c = {0};
    int rc = pl_read_any(p, PL_FORMAT_AUTO, &opt, &info, collect_cb, &c, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(info.srid, 4528);
    cr_assert_str_eq(info.encoding, "gbk");
    cr_assert_str_eq(attr(&c.f[0], "地块名称"), "中德生态园标准地A-17");
    collect_free(&c);

    /* forced format on an extension that says otherwise */
    collect c2 = {0};
    rc = pl_read_any(TXT_DIR "example_utf8.txt", PL_FORMAT_TXT, &opt, &info, collect_cb, &c2, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(c2.n, 1);
    collect_free(&c2);

    const char *u = write_tmp("unknown.bin", "\x01\x02\x03", 3);
    collect c3 = {0};
    rc = pl_read_any(u, PL_FORMAT_AUTO, &opt, &info, collect_cb, &c3, &err);
    cr_assert_eq(rc, PL_ERR_INPUT);
    cr_assert_eq(c3.n, 0);
    char want[1200];
    snprintf(want, sizeof want, "%s: cannot tell the format (use --format)", u);
    cr_assert_str_eq(err.message, want);
}
