/* test_shp.c — the ESRI Shapefile reader (import/shp.c) and .prj recognition.
 *
 * Data: the shapefiles in tests/data/shp were made with ogr2ogr from the GeoJSON in src (see
 * tests/data/shp/README.md); prj/ holds .prj texts. Odd files (orientation,
 * null and deleted records, code pages) are written here with shapelib's
 * writer, and corrupt ones by patching copies of the ogr2ogr files. */
#include "reader.h"
#include "shp.h"
#include "testutil.h"
#include "text.h"

#include <criterion/criterion.h>
#include <math.h>
#include <shapefil.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHP_DIR TEST_DATA_DIR "/shp"

/* ---- collecting features ------------------------------------------------ */

#define MAXF 16
#define MAXA 8

typedef struct got_feature {
    long number, line;
    char where[32], kind[32];
    int is_polygon;
    pl_geom geom;
    char key[MAXA][64], value[MAXA][128];
    size_t nattrs;
    int area_is_nan;
} got_feature;

typedef struct got {
    got_feature f[MAXF];
    int n;
    int stop_after; /* 0: never */
    int info_srid_at_first; /* info as seen by the first callback */
    char info_enc_at_first[16];
} got;

static int collect(const pl_feature *f, const pl_source_info *info, void *ctx)
{
    got *g = ctx;
    cr_assert_lt(g->n, MAXF);
    got_feature *o = &g->f[g->n];
    if (g->n == 0) {
        g->info_srid_at_first = info->srid;
        snprintf(g->info_enc_at_first, sizeof g->info_enc_at_first, "%s", info->encoding);
    }
    o->number = f->number;
    o->line = f->line;
    snprintf(o->where, sizeof o->where, "%s", f->where);
    snprintf(o->kind, sizeof o->kind, "%s", f->kind);
    o->is_polygon = f->is_polygon;
    pl_geom_init(&o->geom);
    cr_assert_eq(pl_geom_copy(&o->geom, &f->geom), 0);
    cr_assert_leq(f->nattrs, MAXA);
    o->nattrs = f->nattrs;
    for (size_t i = 0; i < f->nattrs; i++) {
        snprintf(o->key[i], sizeof o->key[i], "%s", f->attrs[i].key);
        snprintf(o->value[i], sizeof o->value[i], "%s", f->attrs[i].value);
    }
    o->area_is_nan = isnan(f->declared_area_m2);
    g->n++;
    return (g->stop_after && g->n >= g->stop_after) ? 42 : 0;
}

static void got_release(got *g)
{
    for (int i = 0; i < g->n; i++)
        pl_geom_release(&g->f[i].geom);
}

static const char *attr(const got_feature *f, const char *key)
{
    for (size_t i = 0; i < f->nattrs; i++)
        if (strcmp(f->key[i], key) == 0)
            return f->value[i];
    return NULL;
}

static int read_file(const char *path, pl_encoding enc, pl_source_info *info, got *g, pl_error *err)
{
    pl_read_options opt = {enc, 0, tu_note, NULL};
    tu_notes_clear();
    memset(g, 0, sizeof *g);
    pl_error_clear(err);
    return pl_read_shp(path, &opt, info, collect, g, err);
}

/* ---- files ------------------------------------------------------------ */

/* Copy tests/data/shp/SRC.{shp,shx,dbf,cpg,prj} to tmp/DST.<ext as given>. */
static void copy_set(const char *src, const char *dst, const char *const ext[5])
{
    static const char *const from[5] = {"shp", "shx", "dbf", "cpg", "prj"};
    for (int i = 0; i < 5; i++) {
        if (!ext[i])
            continue;
        char s[512], d[128];
        snprintf(s, sizeof s, "%s/%s.%s", SHP_DIR, src, from[i]);
        snprintf(d, sizeof d, "%s.%s", dst, ext[i]);
        tu_copy_file(s, tu_tmp(d));
    }
}

static const char *const LOWER[5] = {"shp", "shx", "dbf", "cpg", "prj"};

static uint32_t rd_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Overwrite 4 little-endian bytes at `off` in a file. */
static void patch_le32(const char *path, size_t off, int32_t v)
{
    size_t len;
    char *d = tu_read_file(path, &len);
    cr_assert_not_null(d);
    cr_assert_leq(off + 4, len);
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++)
        d[off + i] = (char)((u >> (8 * i)) & 0xff);
    tu_write_file(path, d, len);
    free(d);
}

/* Byte offset of record `rec` (1-based) in the .shp, read from the .shx. */
static size_t record_offset(const char *shx, int rec)
{
    size_t len;
    char *d = tu_read_file(shx, &len);
    cr_assert_not_null(d);
    cr_assert_geq(len, 100 + 8 * (size_t)rec);
    size_t off = (size_t)rd_be32((unsigned char *)d + 100 + 8 * (rec - 1)) * 2;
    free(d);
    return off;
}

/* ---- writing odd shapefiles with shapelib ---------------------------- */

/* A closed axis-aligned square ring, clockwise (shell) or not. */
static void square(double *xy, double x0, double y0, double x1, double y1, int clockwise)
{
    double cw[10] = {x0, y0, x0, y1, x1, y1, x1, y0, x0, y0};
    for (int i = 0; i < 5; i++) {
        int k = clockwise ? i : 4 - i;
        xy[2 * i] = cw[2 * k];
        xy[2 * i + 1] = cw[2 * k + 1];
    }
}

typedef struct ring_spec {
    double x0, y0, x1, y1;
    int clockwise;
} ring_spec;

static void add_polygon(SHPHandle h, const ring_spec *rings, int nrings)
{
    double x[64], y[64], xy[10];
    int starts[16], nv = 0;
    cr_assert_leq(nrings, 12);
    for (int r = 0; r < nrings; r++) {
        starts[r] = nv;
        square(xy, rings[r].x0, rings[r].y0, rings[r].x1, rings[r].y1, rings[r].clockwise);
        for (int i = 0; i < 5; i++) {
            x[nv] = xy[2 * i];
            y[nv] = xy[2 * i + 1];
            nv++;
        }
    }
    SHPObject *o = SHPCreateObject(SHPT_POLYGON, -1, nrings, starts, NULL, nv, x, y, NULL, NULL);
    cr_assert_not_null(o);
    cr_assert_geq(SHPWriteObject(h, -1, o), 0);
    SHPDestroyObject(o);
}

static void add_null(SHPHandle h)
{
    SHPObject *o = SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL);
    cr_assert_geq(SHPWriteObject(h, -1, o), 0);
    SHPDestroyObject(o);
}

/* A .dbf with one text field NAME holding the raw bytes in `values`.
 * `codepage` as for DBFCreateEx ("LDID/77", "GBK" → a .cpg); NULL: none. */
static void write_dbf(const char *stem, const char *const *values, int n, const char *codepage)
{
    char path[512];
    snprintf(path, sizeof path, "%s.dbf", tu_tmp(stem));
    DBFHandle d = DBFCreateEx(path, codepage ? codepage : "LDID/0");
    cr_assert_not_null(d);
    cr_assert_eq(DBFAddField(d, "NAME", FTString, 40, 0), 0);
    for (int i = 0; i < n; i++)
        cr_assert(DBFWriteStringAttribute(d, i, 0, values[i]));
    DBFClose(d);
}

static SHPHandle create_shp(const char *stem)
{
    SHPHandle h = SHPCreate(tu_tmp(stem), SHPT_POLYGON);
    cr_assert_not_null(h);
    return h;
}

static double ring_area(const pl_geom *g, size_t poly, size_t ring)
{
    cr_assert_lt(poly, g->n);
    cr_assert_lt(ring, g->polys[poly].n);
    return pl_ring_signed_area(&g->polys[poly].rings[ring]);
}

/* ======================================================================= */
/* Real files made by ogr2ogr                                              */
/* ======================================================================= */

Test(shp, gbk_parcels_with_hole_and_multipart)
{
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(SHP_DIR "/parcels_gbk.shp", PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(g.n, 3);
    cr_expect_eq(info.srid, 4528);
    cr_expect_eq(g.info_srid_at_first, 4528, "info is complete before the first callback");
    cr_expect_str_eq(g.info_enc_at_first, "gbk");
    cr_expect_str_eq(info.encoding, "gbk");
    cr_expect_eq(strncmp(info.crs_text, "PROJCS[\"CGCS2000_3_Degree_GK_Zone_40\"", 36), 0, "%s", info.crs_text);
    cr_expect_eq(info.skipped, 0);
    cr_expect_str_eq(tu_notes(), "");

    /* record 1: a 300 x 200 m shell with a 20 x 30 m hole */
    got_feature *f = &g.f[0];
    cr_expect_eq(f->number, 1);
    cr_expect_eq(f->line, 0);
    cr_expect_str_eq(f->where, "record 1");
    cr_expect(f->is_polygon);
    cr_expect_str_eq(f->kind, "Polygon");
    cr_assert_eq(f->geom.n, 1);
    cr_assert_eq(f->geom.polys[0].n, 2);
    cr_expect_float_eq(ring_area(&f->geom, 0, 0), -60000.0, 1e-6, "shell stays clockwise as read");
    cr_expect_float_eq(ring_area(&f->geom, 0, 1), 600.0, 1e-6, "hole stays counter-clockwise as read");
    cr_expect_eq(f->geom.polys[0].rings[0].n, 5, "closing point kept, nothing added");
    cr_expect(f->area_is_nan);
    cr_expect_str_eq(attr(f, "宗地号"), "XHA-2024-017");
    cr_expect_str_eq(attr(f, "地块名称"), "中德生态园标准地A-17");
    cr_expect_str_eq(attr(f, "用途"), "工业用地");
    cr_expect_str_eq(attr(f, "面积"), "5.940000000000000", "numbers as stored, padding trimmed");
    cr_expect_str_eq(attr(f, "宗数"), "1");
    cr_expect_eq(f->nattrs, 5);

    /* record 2: two parts, no holes */
    f = &g.f[1];
    cr_expect_str_eq(f->kind, "MultiPolygon");
    cr_assert_eq(f->geom.n, 2);
    cr_expect_eq(f->geom.polys[0].n, 1);
    cr_expect_eq(f->geom.polys[1].n, 1);
    cr_expect_float_eq(ring_area(&f->geom, 0, 0), -10000.0, 1e-6);
    cr_expect_float_eq(ring_area(&f->geom, 1, 0), -15000.0, 1e-6);
    cr_expect_str_eq(attr(f, "地块名称"), "董家口标准地B-2（两块）");
    cr_expect_str_eq(attr(f, "宗数"), "2");

    /* record 3: exact coordinates, a NULL number */
    f = &g.f[2];
    cr_expect_str_eq(f->where, "record 3");
    cr_assert_eq(f->geom.n, 1);
    const pl_ring *r = &f->geom.polys[0].rings[0];
    cr_assert_eq(r->n, 5);
    cr_expect_eq(r->xy[0], 40511000.125);
    cr_expect_eq(r->xy[1], 3985500.375);
    cr_expect_eq(r->xy[8], 40511000.125, "last point repeats the first");
    cr_expect_eq(r->xy[9], 3985500.375);
    cr_expect_str_eq(attr(f, "面积"), "", "NULL number reads as empty");
    cr_expect_str_eq(attr(f, "地块名称"), "胶州湾预留地");
    got_release(&g);
}

Test(shp, utf8_parcels_and_a_field_name_cut_mid_character)
{
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(SHP_DIR "/parcels_utf8.shp", PL_ENCODING_GBK, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_str_eq(info.encoding, "utf-8", "the .cpg outranks --encoding");
    cr_assert_eq(g.n, 3);
    /* GDAL cut 地块名称 (12 UTF-8 bytes) to 10 bytes, inside 称 */
    cr_expect_str_eq(attr(&g.f[0], "地块名"), "中德生态园标准地A-17");
    cr_expect_str_eq(attr(&g.f[1], "宗地号"), "XHA-2024-018");
    cr_expect_str_eq(attr(&g.f[2], "用途"), "工业用地");
    cr_expect_neq(strstr(tu_notes(), "parcels_utf8.dbf: field name '地块名' was cut inside a character"), NULL,
                  "%s", tu_notes());
    cr_expect_eq(g.f[1].geom.n, 2);
    cr_expect_eq(g.f[0].geom.polys[0].n, 2);
    got_release(&g);
}

Test(shp, wgs84_parcels)
{
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(SHP_DIR "/parcels_4326.shp", PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(info.srid, 4326);
    cr_assert_eq(g.n, 3);
    cr_assert_eq(g.f[0].geom.n, 1);
    cr_assert_eq(g.f[0].geom.polys[0].n, 2, "hole found in degrees too");
    /* J1 of domain.md §6 (40509000, 3985700 in EPSG:4528) → 120.0998202 E, 36.0013764 N */
    const pl_ring *r = &g.f[0].geom.polys[0].rings[0];
    cr_expect_float_eq(r->xy[2], 120.0998202, 5e-7);
    cr_expect_float_eq(r->xy[3], 36.0013764, 5e-7);
    cr_expect_eq(g.f[1].geom.n, 2);
    got_release(&g);
}

Test(shp, cm120e_parcels)
{
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(SHP_DIR "/parcels_4549.shp", PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(info.srid, 4549);
    cr_expect_str_eq(info.encoding, "gbk");
    cr_assert_eq(g.n, 3);
    const pl_ring *r = &g.f[2].geom.polys[0].rings[0];
    cr_expect_float_eq(r->xy[0], 511000.125, 1e-6, "4528 minus the zone prefix");
    cr_expect_float_eq(r->xy[1], 3985500.375, 1e-6);
    cr_expect_str_eq(attr(&g.f[0], "地块名称"), "中德生态园标准地A-17");
    got_release(&g);
}

/* A point or line shapefile is read record by record, each record a
 * non-polygon of the file's shape type with its attributes: the importer
 * says what the file holds (test_import no_polygon_is_refused_in_every_format). */
Test(shp, point_and_line_shapefiles_give_non_polygons)
{
    static const struct {
        const char *file, *kind, *code_key, *first;
        int n;
    } cases[] = {
        {SHP_DIR "/points.shp", "Point", "点号", "J1", 2},
        {SHP_DIR "/lines.shp", "PolyLine", "宗地号", "L-1", 3},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        pl_source_info info;
        pl_error err;
        got g;
        int rc = read_file(cases[c].file, PL_ENCODING_AUTO, &info, &g, &err);
        cr_assert_eq(rc, PL_OK, "%s", err.message);
        cr_expect_eq(g.n, cases[c].n, "%s", cases[c].file);
        for (int i = 0; i < g.n; i++) {
            cr_expect_eq(g.f[i].is_polygon, 0);
            cr_expect_str_eq(g.f[i].kind, cases[c].kind);
            cr_expect_eq(g.f[i].geom.n, 0);
        }
        cr_expect_str_eq(attr(&g.f[0], cases[c].code_key), cases[c].first);
        cr_expect_str_eq(tu_notes(), "", "no 'record in a polygon file' note: %s", tu_notes());
        cr_expect_eq(info.srid, 4528);
        got_release(&g);
    }
}

Test(shp, sibling_files_in_any_letter_case)
{
    static const char *const ext[5] = {"SHP", "Shx", "DBF", "Cpg", "pRj"};
    copy_set("parcels_gbk", "Mixed", ext);
    pl_source_info info;
    pl_error err;
    got g;
    char path[512];
    snprintf(path, sizeof path, "%s", tu_tmp("Mixed.SHP"));
    int rc = read_file(path, PL_ENCODING_UTF8, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(g.n, 3);
    cr_expect_str_eq(info.encoding, "gbk", "Mixed.Cpg found");
    cr_expect_eq(info.srid, 4528, "Mixed.pRj found");
    cr_expect_str_eq(attr(&g.f[0], "宗地号"), "XHA-2024-017");
    got_release(&g);

    /* the path of a sibling, or no extension at all, names the same shapefile */
    snprintf(path, sizeof path, "%s", tu_tmp("Mixed.DBF"));
    rc = read_file(path, PL_ENCODING_AUTO, &info, &g, &err);
    cr_expect_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(g.n, 3);
    got_release(&g);
    snprintf(path, sizeof path, "%s", tu_tmp("Mixed"));
    rc = read_file(path, PL_ENCODING_AUTO, &info, &g, &err);
    cr_expect_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(g.n, 3);
    got_release(&g);
}

Test(shp, callback_stops_the_reader)
{
    pl_source_info info;
    pl_error err;
    got g;
    memset(&g, 0, sizeof g);
    g.stop_after = 2;
    pl_read_options opt = {PL_ENCODING_AUTO, 0, NULL, NULL};
    pl_error_clear(&err);
    int rc = pl_read_shp(SHP_DIR "/parcels_gbk.shp", &opt, &info, collect, &g, &err);
    cr_expect_eq(rc, 42);
    cr_expect_eq(g.n, 2);
    got_release(&g);
}

Test(shp, no_prj_and_unrecognised_prj)
{
    static const char *const ext[5] = {"shp", "shx", "dbf", "cpg", NULL};
    copy_set("parcels_gbk", "noprj", ext);
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("noprj.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(info.srid, 0);
    cr_expect_str_eq(info.crs_text, "");
    got_release(&g);

    copy_set("parcels_gbk", "localgrid", ext);
    tu_copy_file(SHP_DIR "/prj/unknown_local_grid.prj", tu_tmp("localgrid.prj"));
    rc = read_file(tu_tmp("localgrid.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(info.srid, 0);
    cr_expect_eq(strncmp(info.crs_text, "PROJCS[\"Qingdao_Local_Grid\",GEOGCS[", 35), 0, "%s", info.crs_text);
    cr_expect_eq(info.crs_text[strlen(info.crs_text) - 1], ']', "trailing newline trimmed, WKT whole");
    got_release(&g);

    /* a WKT2 text longer than crs_text: cut at a character boundary */
    copy_set("parcels_gbk", "wkt2", ext);
    tu_copy_file(SHP_DIR "/prj/wkt2_epsg_4549.prj", tu_tmp("wkt2.prj"));
    rc = read_file(tu_tmp("wkt2.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_eq(info.srid, 4549);
    cr_expect_leq(strlen(info.crs_text), sizeof info.crs_text - 1);
    cr_expect_gt(strlen(info.crs_text), 1000, "the 2.4 kB WKT fills crs_text");
    cr_expect(pl_text_is_utf8(info.crs_text, strlen(info.crs_text)));
    cr_expect_eq(strncmp(info.crs_text, "PROJCRS[\"CGCS2000 / 3-degree Gauss-Kruger CM 120E\"", 50), 0);
    got_release(&g);
}

/* ======================================================================= */
/* Ring orientation                                                        */
/* ======================================================================= */

Test(shp, all_counter_clockwise_rings_use_containment)
{
    SHPHandle h = create_shp("ccw");
    /* a shell with a hole and a separate square, all written counter-clockwise */
    ring_spec rings[] = {{0, 0, 100, 100, 0}, {500, 0, 600, 100, 0}, {10, 10, 30, 30, 0}};
    add_polygon(h, rings, 3);
    SHPClose(h);
    const char *v[] = {"a"};
    write_dbf("ccw", v, 1, NULL);

    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("ccw.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(g.n, 1);
    const pl_geom *geo = &g.f[0].geom;
    cr_assert_eq(geo->n, 2);
    cr_expect_eq(geo->polys[0].n, 2, "the small square is a hole of the first");
    cr_expect_float_eq(ring_area(geo, 0, 0), 10000.0, 1e-9);
    cr_expect_float_eq(ring_area(geo, 0, 1), 400.0, 1e-9);
    cr_expect_eq(geo->polys[1].n, 1);
    cr_expect_eq(geo->polys[1].rings[0].xy[0], 500.0);
    cr_expect_str_eq(g.f[0].kind, "MultiPolygon");
    cr_expect_neq(strstr(tu_notes(), "record 1: every ring is counter-clockwise"), NULL, "%s", tu_notes());
    got_release(&g);
}

Test(shp, counter_clockwise_ring_outside_every_shell_is_a_polygon)
{
    SHPHandle h = create_shp("orphan");
    ring_spec rings[] = {{0, 0, 100, 100, 1}, {200, 0, 300, 100, 0}, {10, 10, 20, 20, 0}};
    add_polygon(h, rings, 3);
    SHPClose(h);
    const char *v[] = {"a"};
    write_dbf("orphan", v, 1, NULL);

    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("orphan.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    const pl_geom *geo = &g.f[0].geom;
    cr_assert_eq(geo->n, 2);
    cr_expect_eq(geo->polys[0].n, 2, "shell + its hole");
    cr_expect_eq(geo->polys[0].rings[1].xy[0], 10.0);
    cr_expect_eq(geo->polys[1].n, 1, "the stray ring stands alone");
    cr_expect_eq(geo->polys[1].rings[0].xy[0], 200.0);
    char want[600];
    snprintf(want, sizeof want, "%s: record 1: counter-clockwise ring 2 lies in no clockwise ring", tu_tmp("orphan.shp"));
    cr_expect_neq(strstr(tu_notes(), want), NULL, "%s", tu_notes());
    got_release(&g);
}

Test(shp, hole_goes_to_the_smallest_shell_around_it)
{
    SHPHandle h = create_shp("nested");
    /* shell A, hole in A, island I inside that hole, hole in I */
    ring_spec rings[] = {
        {0, 0, 100, 100, 1}, {20, 20, 80, 80, 1}, {10, 10, 90, 90, 0}, {30, 30, 40, 40, 0}};
    add_polygon(h, rings, 4);
    /* the same nesting with every ring counter-clockwise */
    ring_spec ccw[] = {
        {0, 0, 100, 100, 0}, {20, 20, 80, 80, 0}, {10, 10, 90, 90, 0}, {30, 30, 40, 40, 0}};
    add_polygon(h, ccw, 4);
    SHPClose(h);
    const char *v[] = {"a", "b"};
    write_dbf("nested", v, 2, NULL);

    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("nested.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(g.n, 2);
    for (int k = 0; k < 2; k++) {
        const pl_geom *geo = &g.f[k].geom;
        cr_assert_eq(geo->n, 2, "record %d", k + 1);
        cr_expect_eq(geo->polys[0].n, 2);
        cr_expect_float_eq(fabs(ring_area(geo, 0, 0)), 10000.0, 1e-9);
        cr_expect_float_eq(fabs(ring_area(geo, 0, 1)), 6400.0, 1e-9, "A's hole is the 80 x 80 ring");
        cr_expect_eq(geo->polys[1].n, 2);
        cr_expect_float_eq(fabs(ring_area(geo, 1, 0)), 3600.0, 1e-9, "island I");
        cr_expect_float_eq(fabs(ring_area(geo, 1, 1)), 100.0, 1e-9, "the small hole belongs to I, not A");
    }
    got_release(&g);
}

/* ======================================================================= */
/* Null and deleted records                                                */
/* ======================================================================= */

Test(shp, null_shape_and_deleted_record)
{
    SHPHandle h = create_shp("nulls");
    ring_spec sq[] = {{0, 0, 10, 10, 1}};
    add_polygon(h, sq, 1);
    add_null(h);
    add_polygon(h, sq, 1);
    add_polygon(h, sq, 1);
    SHPClose(h);
    const char *v[] = {"one", "two", "three", "four"};
    write_dbf("nulls", v, 4, NULL);
    char dbf[512];
    snprintf(dbf, sizeof dbf, "%s", tu_tmp("nulls.dbf"));
    DBFHandle d = DBFOpen(dbf, "r+b");
    cr_assert_not_null(d);
    cr_assert(DBFMarkRecordDeleted(d, 2, 1));
    DBFClose(d);

    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("nulls.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_assert_eq(g.n, 3);
    cr_expect_eq(g.f[1].number, 2);
    cr_expect_eq(g.f[1].is_polygon, 0);
    cr_expect_str_eq(g.f[1].kind, "null");
    cr_expect_eq(g.f[1].geom.n, 0);
    cr_expect_str_eq(attr(&g.f[1], "NAME"), "two");
    cr_expect_eq(g.f[2].number, 4, "record 3 was deleted");
    cr_expect_str_eq(g.f[2].where, "record 4");
    cr_expect_str_eq(attr(&g.f[2], "NAME"), "four");
    cr_expect_eq(info.skipped, 1);
    char want[600];
    snprintf(want, sizeof want, "%s: record 3: deleted in the .dbf; skipped", tu_tmp("nulls.shp"));
    cr_expect_str_eq(tu_notes(), want);
    got_release(&g);
}

/* ======================================================================= */
/* Encodings                                                               */
/* ======================================================================= */

/* One square per value; NAME = the raw bytes. */
static void make_named(const char *stem, const char *const *values, int n, const char *codepage)
{
    SHPHandle h = create_shp(stem);
    ring_spec sq[] = {{0, 0, 10, 10, 1}};
    for (int i = 0; i < n; i++)
        add_polygon(h, sq, 1);
    SHPClose(h);
    write_dbf(stem, values, n, codepage);
}

static char *gbk(const char *utf8)
{
    char *g = pl_text_utf8_to_gbk(utf8, strlen(utf8), NULL);
    cr_assert_not_null(g);
    return g;
}

Test(shp, language_driver_0x4d_means_gbk)
{
    char *name = gbk("中德生态园");
    const char *v[] = {"A-1", name};
    make_named("ldid", v, 2, "LDID/77");
    free(name);
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("ldid.shp"), PL_ENCODING_UTF8, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_str_eq(info.encoding, "gbk");
    cr_expect_str_eq(attr(&g.f[1], "NAME"), "中德生态园");
    got_release(&g);
}

Test(shp, auto_guesses_per_file_and_encoding_option)
{
    char *name = gbk("值"); /* D6 B5: also a valid UTF-8 sequence on its own */
    char *name2 = gbk("地块名称");
    const char *v[] = {name, name2};
    make_named("guess", v, 2, NULL);
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("guess.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_str_eq(info.encoding, "gbk");
    cr_expect_str_eq(attr(&g.f[0], "NAME"), "值", "decided for the whole file, not per value");
    cr_expect_str_eq(attr(&g.f[1], "NAME"), "地块名称");
    got_release(&g);

    rc = read_file(tu_tmp("guess.shp"), PL_ENCODING_GBK, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_str_eq(attr(&g.f[1], "NAME"), "地块名称");
    got_release(&g);

    rc = read_file(tu_tmp("guess.shp"), PL_ENCODING_UTF8, &info, &g, &err);
    cr_expect_eq(rc, PL_ERR_INPUT);
    char want[700];
    /* record 1's D6 B5 passes as UTF-8 (U+05B5); record 2 cannot */
    snprintf(want, sizeof want, "%s: record 2: field 'NAME': the text is not valid UTF-8 (--encoding utf-8)",
             tu_tmp("guess.dbf"));
    cr_expect_str_eq(err.message, want);
    got_release(&g);
    free(name);
    free(name2);

    const char *u[] = {"中德生态园", "plain"};
    make_named("guess8", u, 2, NULL);
    rc = read_file(tu_tmp("guess8.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_str_eq(info.encoding, "utf-8");
    cr_expect_str_eq(attr(&g.f[0], "NAME"), "中德生态园");
    got_release(&g);
}

Test(shp, cpg_spellings)
{
    static const char *const gbk_names[] = {"GBK", "936", "CP936", "GB2312", "GB18030", "ANSI 936",
                                            "gbk\r\n", ("\xef\xbb\xbf" "cp936\n") /* a BOM, then the name */};
    char *name = gbk("胶州湾");
    const char *v[] = {name};
    make_named("cpg", v, 1, NULL);
    free(name);
    for (size_t i = 0; i < sizeof gbk_names / sizeof gbk_names[0]; i++) {
        tu_write_file(tu_tmp("cpg.cpg"), gbk_names[i], (size_t)-1);
        pl_source_info info;
        pl_error err;
        got g;
        int rc = read_file(tu_tmp("cpg.shp"), PL_ENCODING_UTF8, &info, &g, &err);
        cr_assert_eq(rc, PL_OK, "cpg '%s': %s", gbk_names[i], err.message);
        cr_expect_str_eq(info.encoding, "gbk", "cpg '%s'", gbk_names[i]);
        cr_expect_str_eq(attr(&g.f[0], "NAME"), "胶州湾");
        got_release(&g);
    }
    /* a code page parkland does not read: noted, then guessed */
    tu_write_file(tu_tmp("cpg.cpg"), "1252", (size_t)-1);
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("cpg.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_assert_eq(rc, PL_OK, "%s", err.message);
    cr_expect_str_eq(info.encoding, "gbk");
    char want[600];
    snprintf(want, sizeof want, "%s: code page '1252' is neither UTF-8 nor GBK; the encoding is guessed",
             tu_tmp("cpg.cpg"));
    cr_expect_str_eq(tu_notes(), want);
    got_release(&g);
}

Test(shp, text_valid_in_no_encoding_is_refused)
{
    const char *v[] = {"ok", "bad \xff\xfe here"};
    make_named("badtext", v, 2, "GBK");
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(tu_tmp("badtext.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_expect_eq(rc, PL_ERR_INPUT);
    char want[700];
    snprintf(want, sizeof want, "%s: record 2: field 'NAME': the text is not valid GBK (the .cpg says GBK)",
             tu_tmp("badtext.dbf"));
    cr_expect_str_eq(err.message, want);
    got_release(&g);

    /* guessing: neither UTF-8 nor GBK either */
    unlink(tu_tmp("badtext.cpg"));
    rc = read_file(tu_tmp("badtext.shp"), PL_ENCODING_AUTO, &info, &g, &err);
    cr_expect_eq(rc, PL_ERR_INPUT);
    snprintf(want, sizeof want, "%s: record 2: field 'NAME': the text is not valid GBK (guessed GBK)",
             tu_tmp("badtext.dbf"));
    cr_expect_str_eq(err.message, want);
    got_release(&g);
}

/* ======================================================================= */
/* .prj recognition                                                        */
/* ======================================================================= */

static int srid_of_file(const char *name, char *out, size_t outlen)
{
    char path[512];
    snprintf(path, sizeof path, "%s/prj/%s", SHP_DIR, name);
    char *txt = tu_read_file(path, NULL);
    cr_assert_not_null(txt, "missing %s", path);
    int srid = pl_shp_srid_from_prj(txt, out, outlen);
    free(txt);
    return srid;
}

Test(shp, prj_files)
{
    static const struct {
        const char *file;
        int srid;
        const char *name;
    } cases[] = {
        {"cgcs2000_3_degree_gk_zone_40.prj", 4528, "CGCS2000_3_Degree_GK_Zone_40"},
        {"cgcs2000_3_degree_gk_cm_120e.prj", 4549, "CGCS2000_3_Degree_GK_CM_120E"},
        {"gcs_cgcs2000.prj", 4490, "GCS_China_Geodetic_Coordinate_System_2000"},
        {"cgcs_2000.prj", 4490, "CGCS_2000"},
        {"gcs_wgs_1984.prj", 4326, "GCS_WGS_1984"},
        {"wgs_84.prj", 4326, "WGS 84"},
        {"xian_1980_3_degree_gk_zone_40.prj", 2364, "Xian_1980_3_Degree_GK_Zone_40"},
        {"beijing_1954_3_degree_gk_zone_40.prj", 2416, "Beijing_1954_3_Degree_GK_Zone_40"},
        {"xian_1980_3_degree_gk_cm_120e.prj", 2385, "Xian_1980_3_Degree_GK_CM_120E"},
        {"beijing_1954_3_degree_gk_cm_120e.prj", 2437, "Beijing_1954_3_Degree_GK_CM_120E"},
        {"cgcs2000_gk_zone_20.prj", 4498, "CGCS2000_GK_Zone_20"},
        {"cgcs2000_gk_cm_117e.prj", 4509, "CGCS2000_GK_CM_117E"},
        {"ogc_wkt1_epsg_4528.prj", 4528, "CGCS2000 / 3-degree Gauss-Kruger zone 40"},
        {"epsg_name_zone_40_no_authority.prj", 4528, "CGCS2000 / 3-degree Gauss-Kruger zone 40"},
        {"authority_top_level.prj", 4549, "Qingdao West Coast grid"},
        {"wkt2_epsg_4549.prj", 4549, "CGCS2000 / 3-degree Gauss-Kruger CM 120E"},
        {"params_cgcs2000_zone_40.prj", 4528, "Gauss_Kruger_Qingdao"},
        {"params_xian_1980_cm_120e.prj", 2385, "Xian80_Qingdao"},
        {"unknown_local_grid.prj", 0, "Qingdao_Local_Grid"},
        {"not_wkt.prj", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[128];
        int srid = srid_of_file(cases[i].file, name, sizeof name);
        cr_expect_eq(srid, cases[i].srid, "%s: got %d", cases[i].file, srid);
        cr_expect_str_eq(name, cases[i].name, "%s", cases[i].file);
    }
}

Test(shp, prj_edge_cases)
{
    char name[16];
    cr_expect_eq(pl_shp_srid_from_prj(NULL, name, sizeof name), 0);
    cr_expect_str_eq(name, "");
    cr_expect_eq(pl_shp_srid_from_prj("", name, sizeof name), 0);
    /* unbalanced, unterminated string, garbage after a keyword */
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"CGCS2000_3_Degree_GK_Zone_40\"", NULL, 0), 0);
    cr_expect_eq(pl_shp_srid_from_prj("GEOGCS[\"WGS 84", NULL, 0), 0);
    cr_expect_eq(pl_shp_srid_from_prj("GEOGCS[\"WGS 84\",;]", NULL, 0), 0);
    /* the nested GEOGCS authority is not the CRS's */
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"x\",GEOGCS[\"y\",AUTHORITY[\"EPSG\",\"4490\"]]]", NULL, 0), 0);
    /* a name cut to the buffer at a character boundary */
    cr_expect_eq(pl_shp_srid_from_prj("GEOGCS[\"CGCS_2000\"]", name, sizeof name), 4490);
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"国家2000坐标系\"]", name, 6), 0);
    cr_expect_str_eq(name, "国", "5 bytes end inside 家: cut to 国");
    /* compound and bound CRSs: the horizontal part counts */
    cr_expect_eq(pl_shp_srid_from_prj("COMPD_CS[\"x\",PROJCS[\"CGCS2000_3_Degree_GK_Zone_40\",UNIT[\"m\",1]],"
                                      "VERT_CS[\"h\",AUTHORITY[\"EPSG\",\"5737\"]],AUTHORITY[\"EPSG\",\"9999\"]]",
                                      NULL, 0),
                 4528);
    cr_expect_eq(pl_shp_srid_from_prj("BOUNDCRS[SOURCECRS[GEOGCRS[\"WGS 84\",ID[\"EPSG\",4326]]],"
                                      "TARGETCRS[GEOGCRS[\"x\"]]]", NULL, 0),
                 4326);
    /* parentheses instead of brackets, WKT2 doubled quotes */
    cr_expect_eq(pl_shp_srid_from_prj("GEOGCS(\"GCS_WGS_1984\")", NULL, 0), 4326);
    cr_expect_eq(pl_shp_srid_from_prj("GEOGCRS[\"a \"\"b\"\"\"]", name, sizeof name), 0);
    cr_expect_str_eq(name, "a \"b\"");
    /* names that look close but are not in the series */
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"CGCS2000_3_Degree_GK_Zone_46\"]", NULL, 0), 0);
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"CGCS2000_3_Degree_GK_CM_121E\"]", NULL, 0), 0);
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"New_Beijing_3_Degree_GK_Zone_40\"]", NULL, 0), 0);
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"CGCS2000_3_Degree_GK_Zone_40_extra\"]", NULL, 0), 0);
    cr_expect_eq(pl_shp_srid_from_prj("PROJCS[\"WGS_1984_UTM_Zone_51N\"]", NULL, 0), 32651);
    /* deep nesting is refused, not overflowed */
    char deep[4096] = "";
    for (int i = 0; i < 200; i++)
        strcat(deep, "A[");
    for (int i = 0; i < 200; i++)
        strcat(deep, "]");
    cr_expect_eq(pl_shp_srid_from_prj(deep, NULL, 0), 0);
}

/* Every CGCS2000 / Xian 1980 / Beijing 1954 Gauss-Kruger CRS in PROJ's
 * database, by its EPSG name and by its ESRI alias, maps to its own code. */
Test(shp, prj_names_match_proj_database)
{
    const char *dbpath = "/usr/share/proj/proj.db";
    if (access(dbpath, R_OK) != 0)
        cr_skip_test("no %s", dbpath);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    const char *q =
        "SELECT p.code, p.name, (SELECT group_concat(a.alt_name, '|') FROM alias_name a"
        " WHERE a.table_name = 'projected_crs' AND a.auth_name = 'EPSG' AND a.code = p.code"
        " AND a.source = 'ESRI') FROM projected_crs p WHERE p.auth_name = 'EPSG' AND p.deprecated = 0"
        " AND (p.name LIKE 'CGCS2000 /%Gauss%' OR p.name LIKE 'Xian 1980 /%Gauss%'"
        " OR p.name LIKE 'Beijing 1954 /%Gauss%')";
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    int checked = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int code = sqlite3_column_int(st, 0);
        for (int c = 1; c <= 2; c++) {
            const char *nm = (const char *)sqlite3_column_text(st, c);
            if (!nm || strchr(nm, '|'))
                continue;
            char wkt[512];
            snprintf(wkt, sizeof wkt, "PROJCS[\"%s\",UNIT[\"Meter\",1.0]]", nm);
            cr_expect_eq(pl_shp_srid_from_prj(wkt, NULL, 0), code, "%s", nm);
            checked++;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    cr_expect_geq(checked, 300, "only %d names checked", checked);
}

/* ======================================================================= */
/* Malformed files                                                         */
/* ======================================================================= */

static void copy_parcels(const char *stem)
{
    copy_set("parcels_gbk", stem, LOWER);
}

/* Expect `code` and message `want` after `nbefore` sound records were read. */
static void expect_error_after(const char *path, int code, const char *want, int nbefore)
{
    pl_source_info info;
    pl_error err;
    got g;
    int rc = read_file(path, PL_ENCODING_AUTO, &info, &g, &err);
    cr_expect_eq(rc, code, "%s: rc %d (%s)", path, rc, err.message);
    cr_expect_str_eq(err.message, want);
    cr_expect_eq(g.n, nbefore, "%d features delivered before the error", g.n);
    got_release(&g);
}

/* File-level damage is found before any feature is delivered. */
static void expect_error(const char *path, int code, const char *want)
{
    expect_error_after(path, code, want, 0);
}

Test(shp, missing_shp)
{
    char shp[512], want[800];
    snprintf(shp, sizeof shp, "%s", tu_tmp("nothing.shp"));
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", shp);
    expect_error(shp, PL_ERR_IO, want);
}

/* A polygon record: 8-byte header, then type @0, box @4, nParts @36,
 * nPoints @40, part starts @44 (offsets in the record's content). The damaged
 * files refused before any feature are cases of test_refused
 * (tests/data/refused/shp/); this one hands out record 1 first. */
Test(shp, absurd_part_and_vertex_counts)
{
    copy_parcels("huge");
    char shp[512], want[800];
    snprintf(shp, sizeof shp, "%s", tu_tmp("huge.shp"));
    size_t off = record_offset(tu_tmp("huge.shx"), 2);
    patch_le32(shp, off + 8 + 36, 100000000);
    snprintf(want, sizeof want,
             "%s: record 2: 100000000 parts and 10 vertices do not fit in a 212-byte record", shp);
    expect_error_after(shp, PL_ERR_INPUT, want, 1);
}

/* Deterministic byte damage to each of the three files: the reader must
 * answer PL_OK or PL_ERR_INPUT with a message naming the file, and (run
 * under the sanitizers by ctest) never read out of bounds. */
Test(shp, damaged_bytes_never_crash)
{
    static const char *const ext[3] = {"shp", "shx", "dbf"};
    char *orig[3];
    size_t len[3];
    for (int i = 0; i < 3; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/parcels_gbk.%s", SHP_DIR, ext[i]);
        orig[i] = tu_read_file(p, &len[i]);
        cr_assert_not_null(orig[i]);
    }
    const char *dir = tu_tmpdir();
    uint64_t s = 20240520;
    int ok = 0, refused = 0;
    for (int it = 0; it < 400; it++) {
        for (int i = 0; i < 3; i++) {
            char d[64];
            snprintf(d, sizeof d, "dmg.%s", ext[i]);
            tu_write_file(tu_tmp(d), orig[i], len[i]);
        }
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int which = (int)((s >> 33) % 3);
        char *b = malloc(len[which]);
        memcpy(b, orig[which], len[which]);
        size_t n = len[which];
        int changes = 1 + (int)((s >> 40) % 4);
        for (int k = 0; k < changes; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t pos = (size_t)((s >> 20) % n);
            switch ((s >> 50) % 4) {
            case 0: b[pos] ^= (char)(1u << ((s >> 60) % 8)); break;
            case 1: b[pos] = (char)(s >> 8); break;
            case 2: b[pos] = (char)0xff; break;
            default: n = pos > 0 ? pos : 1; break;
            }
        }
        char d[64];
        snprintf(d, sizeof d, "dmg.%s", ext[which]);
        tu_write_file(tu_tmp(d), b, n);
        free(b);

        pl_source_info info;
        pl_error err;
        got g;
        int rc = read_file(tu_tmp("dmg.shp"), PL_ENCODING_AUTO, &info, &g, &err);
        got_release(&g);
        cr_assert(rc == PL_OK || rc == PL_ERR_INPUT, "iteration %d: rc %d (%s)", it, rc, err.message);
        if (rc == PL_OK) {
            ok++;
            continue;
        }
        refused++;
        cr_assert_eq(strncmp(err.message, dir, strlen(dir)), 0, "iteration %d: %s", it, err.message);
        cr_assert_eq(strncmp(err.message + strlen(dir), "/dmg.", 5), 0, "iteration %d: %s", it, err.message);
    }
    cr_expect_gt(ok, 0);
    cr_expect_gt(refused, 100);
    for (int i = 0; i < 3; i++)
        free(orig[i]);
}
