/* test_export_readers.c — the exports opened by real readers: GDAL's ogrinfo
 * (GeoJSON, KML, and the SpatiaLite database itself) and headless Chromium
 * (the HTML map: it renders, its script runs without error, it requests
 * nothing). Each test skips when its reader is not installed
 * (scripts/install-deps installs gdal-bin and chromium). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/export.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "testutil.h"

#define BROWSER_DIR TEST_DATA_DIR "/../browser"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("r.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", "Sample park", "西海岸新区", NULL, &err), PL_OK,
                 "%s", err.message);
    tu_import(db, SAMPLES_DIR "/parcels.txt", NULL);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(readers, .init = setup, .fini = teardown);

static int have(const char *tool)
{
    return tu_run(NULL, NULL, "command -v %s", tool) == 0;
}

static const char *export_to(pl_export_format fmt, const char *name)
{
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = fmt;
    const char *path = tu_tmp(name);
    pl_error err;
    pl_export_result res;
    cr_assert_eq(pl_export_file(db, &o, path, 1, &res, &err), PL_OK, "%s", err.message);
    return path;
}

/* Sum of "Feature Count: N" lines of ogrinfo -so -al output, skipping the layer named `skip`. */
static long feature_count(const char *out, const char *skip)
{
    long total = 0;
    const char *p = out;
    while ((p = strstr(p, "Layer name: "))) {
        const char *eol = strchr(p, '\n');
        int skipped = skip && eol && (size_t)(eol - p - 12) == strlen(skip) && !strncmp(p + 12, skip, strlen(skip));
        const char *fc = strstr(p, "Feature Count: ");
        const char *next = strstr(p + 1, "Layer name: ");
        if (fc && (!next || fc < next) && !skipped)
            total += atol(fc + 15);
        p += 12;
    }
    return total;
}

Test(readers, ogrinfo_reads_the_geojson_with_its_fields)
{
    if (!have("ogrinfo"))
        cr_skip_test("ogrinfo is not installed (Debian gdal-bin)");
    const char *path = export_to(PL_EXPORT_GEOJSON, "g.geojson");
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_run(&out, &err, "ogrinfo -ro -so -al '%s'", path), 0, "%s", err);
    cr_assert(strstr(out, "using driver `GeoJSON' successful"), "%s", out);
    cr_assert(strstr(out, "Layer name: parcels\n"), "%s", out);
    cr_assert_eq(feature_count(out, NULL), 48, "%s", out);
    cr_assert(strstr(out, "ID[\"EPSG\",4326]"), "%s", out);
    static const char *const fields[] = {"code: String", "name: String", "status_zh: String", "area_m2: Real",
                                         "area_mu: Real", "overdue: Integer(Boolean)", "overdue_days: Integer",
                                         "fill: String", "fill-opacity: Real", "stroke: String", "title: String",
                                         "construction_planned: "};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        cr_assert(strstr(out, fields[i]), "ogrinfo lacks field '%s':\n%s", fields[i], out);
    free(out);
    free(err);
    /* and the values of one feature, coordinates lon/lat */
    cr_assert_eq(tu_run(&out, &err, "ogrinfo -ro -al -where \"code = 'QDIP-2024-029'\" '%s'", path), 0, "%s", err);
    cr_assert(strstr(out, "name (String) = 国际经济合作区标准地B-13"), "%s", out);
    cr_assert(strstr(out, "MULTIPOLYGON (((120.0"), "%s", out);
    free(out);
    free(err);
}

Test(readers, ogrinfo_reads_the_kml_with_its_folders_and_fields)
{
    if (!have("ogrinfo"))
        cr_skip_test("ogrinfo is not installed (Debian gdal-bin)");
    const char *path = export_to(PL_EXPORT_KML, "k.kml");
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_run(&out, &err, "ogrinfo -ro -so -al '%s'", path), 0, "%s", err);
    cr_assert(strstr(out, "successful"), "%s", out);
    cr_assert(strstr(out, "Layer name: 图例 legend\n"), "%s", out);
    cr_assert(strstr(out, "Layer name: 储备 Land bank — 48 宗 parcels, 3378.66 亩 mu\n"), "%s", out);
    cr_assert_eq(feature_count(out, "图例 legend"), 48, "%s", out);
    static const char *const fields[] = {"code: String", "park: String", "status: String", "area_m2: ",
                                         "area_mu: ", "company: String", "class_zh: String", "construction_actual: "};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        cr_assert(strstr(out, fields[i]), "ogrinfo lacks field '%s':\n%s", fields[i], out);
    free(out);
    free(err);
}

Test(readers, ogrinfo_lists_the_parcel_layer_of_the_database_with_its_crs)
{
    if (!have("ogrinfo"))
        cr_skip_test("ogrinfo is not installed (Debian gdal-bin)");
    pl_db_close(db); /* let GDAL have the file to itself */
    db = NULL;
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_run(&out, &err, "ogrinfo -ro '%s'", dbpath), 0, "%s", err);
    cr_assert(strstr(out, "parcel (Multi Polygon)"), "%s", out);
    cr_assert(strstr(out, "park (Multi Polygon)"), "%s", out);
    free(out);
    free(err);
    cr_assert_eq(tu_run(&out, &err, "ogrinfo -ro -so '%s' parcel", dbpath), 0, "%s", err);
    cr_assert(strstr(out, "Feature Count: 48\n"), "%s", out);
    cr_assert(strstr(out, "PROJCRS[\"CGCS2000 / 3-degree Gauss-Kruger CM 120E\""), "%s", out);
    cr_assert(strstr(out, "ID[\"EPSG\",4549]"), "%s", out);
    cr_assert(strstr(out, "code: String"), "%s", out);
    free(out);
    free(err);
}

static long value_of(const char *out, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "\n%s=", key);
    const char *p = strstr(out, k);
    if (!p && !strncmp(out, k + 1, strlen(k + 1)))
        p = out - 1;
    cr_assert_not_null(p, "no %s in:\n%s", key, out);
    return atol(p + strlen(k));
}

Test(readers, chromium_renders_the_html_map_offline_without_errors)
{
    /* colours to see, and a name that would be markup if anything let it through */
    static const char *const sql =
        "UPDATE parcel SET status = 'available' WHERE code IN ('QDIP-2024-002','QDIP-2024-010','QDIP-2024-019',"
        "  'QDIP-2024-035','QDIP-2024-041');"
        "UPDATE parcel SET status = 'reserved' WHERE code IN ('QDIP-2024-003','QDIP-2024-027');"
        "UPDATE parcel SET status = 'construction' WHERE code IN ('QDIP-2024-009','QDIP-2024-020');"
        "UPDATE parcel SET status = 'production' WHERE code IN ('QDIP-2024-014','QDIP-2024-038');"
        "UPDATE parcel SET status = 'idle' WHERE code = 'QDIP-2024-029';"
        "UPDATE parcel SET name = '<img src=x onerror=\"document.title=1\"><script>alert(1)</script>'"
        "  WHERE code = 'QDIP-2024-005';";
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db->h, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg);
    const char *html = export_to(PL_EXPORT_HTML, "map.html");
    char *out = NULL, *err = NULL;
    /* the filters preset from the address: available parcels whose row mentions "B-0" (019 only);
     * and the details panel showing the parcel with the hostile name */
    int st = tu_run(&out, &err, "'%s/check-html' '%s' '%s' 1400,1000 '#status=available&q=b-0&parcel=QDIP-2024-005'",
                    BROWSER_DIR, html, tu_tmp("map.png"));
    if (st == 77)
        cr_skip_test("chromium is not installed (scripts/install-deps installs it)");
    cr_assert_eq(st, 0, "check-html failed:\n%s\n%s", out, err);
    cr_assert_eq(value_of(out, "ready"), 48, "the page's script did not finish:\n%s", out);
    cr_assert(strstr(out, "\nerror=\n"), "the page raised an error:\n%s", out);
    cr_assert_eq(value_of(out, "rows"), 48, "%s", out);
    cr_assert_eq(value_of(out, "visible"), 1, "the status and text filters did not apply:\n%s", out);
    cr_assert(strstr(out, "\ndetails=QDIP-2024-005\n"), "the details panel does not show the parcel:\n%s", out);
    cr_assert_eq(value_of(out, "injected"), 0, "a parcel name became an element:\n%s", out);
    cr_assert_eq(value_of(out, "console"), 0, "the page logged to the console:\n%s\n%s", out, err);
    cr_assert_eq(value_of(out, "blocked"), 0, "the page tried to load something:\n%s\n%s", out, err);
    cr_assert_eq(value_of(out, "width"), 1400);
    cr_assert_gt(value_of(out, "nonwhite_permille"), 150, "the screenshot is (nearly) blank:\n%s", out);
    cr_assert_geq(value_of(out, "colours"), 6, "the screenshot shows too few colours:\n%s", out);
    free(out);
    free(err);
}
