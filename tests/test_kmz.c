/* test_kmz.c — `export kml` into a KMZ: a zip archive whose first (and only)
 * entry is doc.kml, the same KML as the plain export; read back with libzip,
 * `unzip -l` and GDAL's LIBKML driver; written atomically like every -o file. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "parkland/db.h"
#include "parkland/export.h"
#include "parkland/park.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("k.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", "Sample park", "西海岸新区", NULL, &err), PL_OK,
                 "%s", err.message);
    cr_assert_eq(tu_import(db, SAMPLES_DIR "/parcels.txt", "QDIP"), 48);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(kmz, .init = setup, .fini = teardown);

/* The one entry of the archive at path: its name must be doc.kml; its bytes (caller frees). */
static char *kmz_doc(const char *path, size_t *len)
{
    int code = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    cr_assert_not_null(za, "%s is not a zip archive (libzip error %d)", path, code);
    cr_assert_eq(zip_get_num_entries(za, 0), 1);
    cr_assert_str_eq(zip_get_name(za, 0, 0), "doc.kml");
    zip_stat_t st;
    cr_assert_eq(zip_stat_index(za, 0, 0, &st), 0);
    cr_assert_eq(st.comp_method, ZIP_CM_DEFLATE, "doc.kml is not deflated");
    cr_assert_lt(st.comp_size, st.size / 4, "doc.kml is hardly compressed (%lu of %lu)", (unsigned long)st.comp_size,
                 (unsigned long)st.size);
    char *buf = malloc(st.size + 1);
    cr_assert_not_null(buf);
    zip_file_t *zf = zip_fopen_index(za, 0, 0);
    cr_assert_not_null(zf);
    cr_assert_eq(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
    zip_fclose(zf);
    zip_close(za);
    buf[st.size] = 0;
    *len = st.size;
    return buf;
}

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

Test(kmz, holds_doc_kml_equal_to_the_plain_kml)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_KML;
    pl_error err;
    pl_error_clear(&err);
    pl_export_result res;
    const char *plain = tu_tmp("plain.kml");
    cr_assert_eq(pl_export_file(db, &o, plain, 0, &res, &err), PL_OK, "%s", err.message);
    o.kmz = 1;
    const char *kmz = tu_tmp("map.kmz");
    cr_assert_eq(pl_export_file(db, &o, kmz, 0, &res, &err), PL_OK, "%s", err.message);
    cr_assert_eq(res.parcels, 48);
    size_t n, m;
    char *doc = kmz_doc(kmz, &n);
    char *want = tu_read_file(plain, &m);
    cr_assert_eq(n, m);
    cr_assert(!memcmp(doc, want, n), "doc.kml differs from the plain KML export");
    free(doc);
    free(want);
    /* unzip lists it as the first entry */
    char *out = NULL;
    cr_assert_eq(tu_run(&out, NULL, "unzip -Z1 %s", tu_q(kmz)), 0);
    cr_assert_str_eq(out, "doc.kml\n");
    free(out);
    cr_assert_eq(leftovers(tu_tmpdir()), 0, "a temporary file was left behind");
}

/* Sum of the "Feature Count" lines of ogrinfo's output, but for the legend layer. */
static long ogr_parcels(const char *out)
{
    long total = 0;
    int legend = 0;
    for (const char *p = out; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (!strncmp(p, "Layer name: ", 12))
            legend = len >= 12 + 6 && !strncmp(p + 12, "图例", 6);
        else if (!strncmp(p, "Feature Count: ", 15) && !legend)
            total += atol(p + 15);
        p = nl ? nl + 1 : p + len;
    }
    return total;
}

Test(kmz, read_back_by_gdal_libkml)
{
    char *out = NULL, *err_out = NULL;
    if (tu_run(&out, NULL, "ogrinfo --formats") || !strstr(out, "LIBKML")) {
        free(out);
        cr_skip("GDAL without its LIBKML driver (gdal-bin from scripts/install-deps has it)");
    }
    const char *kmz = tu_tmp("cli.kmz");
    /* the CLI: -o FILE.kmz is enough */
    cr_assert_eq(tu_cli(&out, &err_out, dbpath, "export kml --park QDIP -o %s", tu_q(kmz)), 0, "%s", err_out);
    cr_assert(strstr(out, "format kmz (doc.kml)"), "%s", out);
    /* the LIBKML driver alone (the plain KML driver skipped: it cannot open a KMZ anyway) */
    cr_assert_eq(tu_rerun(&out, &err_out, "ogrinfo --config OGR_SKIP KML -ro -so -al %s", tu_q(kmz)), 0, "%s",
                 err_out);
    cr_assert(strstr(out, "using driver `LIBKML' successful"), "%s", out);
    cr_assert_eq(ogr_parcels(out), 48, "%s", out);
    /* and ogr2ogr through it: 48 polygons with their codes */
    const char *gj = tu_tmp("from-kmz.geojson");
    cr_assert_eq(tu_rerun(&out, &err_out, "ogr2ogr --config OGR_SKIP KML -f GeoJSON %s %s '储备 Land bank — 48 宗 parcels, "
                                          "3378.66 亩 mu'",
                          tu_q(gj), tu_q(kmz)),
                 0, "%s", err_out);
    char *text = tu_read_file(gj, NULL);
    cr_assert_not_null(text);
    cr_assert(strstr(text, "\"code\": \"QDIP-2024-040\""), "no code field read back");
    long polys = 0;
    for (const char *p = text; (p = strstr(p, "\"type\": \"Feature\"")); p++)
        polys++;
    cr_assert_eq(polys, 48);
    free(text);
    /* export kmz and --format kmz say the same */
    const char *kmz2 = tu_tmp("other-name.zip");
    cr_assert_eq(tu_cli(&out, &err_out, dbpath, "export kml --format kmz -o %s", tu_q(kmz2)), 0, "%s", err_out);
    size_t n;
    free(kmz_doc(kmz2, &n));
    cr_assert_eq(tu_cli(&out, &err_out, dbpath, "export kmz --force -o %s", tu_q(kmz2)), 0, "%s", err_out);
    free(kmz_doc(kmz2, &n));
    /* --format kml into a .kmz name: plain KML, as asked */
    const char *named = tu_tmp("plain-named.kmz");
    cr_assert_eq(tu_cli(&out, &err_out, dbpath, "export kml --format kml -o %s", tu_q(named)), 0, "%s", err_out);
    text = tu_read_file(named, NULL);
    cr_assert(!strncmp(text, "<?xml", 5));
    free(text);
    tu_outputs_free(&out, &err_out);
}

Test(kmz, refused_where_it_cannot_be_written)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_KML;
    o.kmz = 1;
    pl_error err;
    pl_error_clear(&err);
    pl_export_result res;
    /* a stream cannot hold a zip archive written by libzip */
    cr_assert_eq(pl_export_stream(db, &o, stdout, &res, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "needs an output file"), "%s", err.message);
    /* only KML zips into a KMZ */
    o.format = PL_EXPORT_GEOJSON;
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("x.kmz"), 0, &res, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "a kmz is a zipped kml"), "%s", err.message);
    /* an existing file is kept without force, replaced with it; nothing left behind */
    o.format = PL_EXPORT_KML;
    const char *path = tu_tmp("old.kmz");
    tu_write_file(path, "precious", (size_t)-1);
    cr_assert_eq(pl_export_file(db, &o, path, 0, &res, &err), PL_ERR_INPUT);
    char *c = tu_read_file(path, NULL);
    cr_assert_str_eq(c, "precious");
    free(c);
    cr_assert_eq(pl_export_file(db, &o, path, 1, &res, &err), PL_OK, "%s", err.message);
    size_t n;
    free(kmz_doc(path, &n));
    cr_assert_eq(leftovers(tu_tmpdir()), 0, "a temporary file was left behind");
    /* the CLI: to standard output, and a geojson named .kmz, are usage errors */
    char *out = NULL, *eo = NULL;
    cr_assert_eq(tu_cli(&out, &eo, dbpath, "export kmz -o -"), 2);
    cr_assert(strstr(eo, "a kmz is a zip archive"), "%s", eo);
    cr_assert_eq(tu_cli(&out, &eo, dbpath, "export geojson -o %s", tu_q(tu_tmp("y.kmz"))), 2, "%s", eo);
    cr_assert(strstr(eo, "a kmz is a zipped kml"), "%s", eo);
    tu_outputs_free(&out, &eo);
}
