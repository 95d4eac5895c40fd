/* test_crs.c — the Gauss-Krüger zone ↔ EPSG arithmetic of gis/crs.c, checked
 * code by code against the names PROJ's database gives the codes, and the
 * .prj recogniser of gis/prj.c on WKT texts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crs.h"
#include "testutil.h"

static const char *const datum_name[PL_GK_DATUMS] = {"CGCS2000", "Xian 1980", "Beijing 1954"};

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* Every zone of every series is the CRS PROJ names so: datum, width, zone or central meridian. */
Test(crs, every_gauss_kruger_code_is_the_crs_proj_names)
{
    int codes = 0;
    for (int d = 0; d < PL_GK_DATUMS; d++)
        for (int width = 3; width <= 6; width += 3)
            for (int prefixed = 0; prefixed <= 1; prefixed++)
                for (int zone = 10; zone <= 48; zone++) {
                    int srid = pl_crs_gk_epsg((pl_gk_datum)d, width, zone, prefixed);
                    if (pl_crs_gk_width(zone) != width) {
                        cr_expect_eq(srid, 0, "%s %d° zone %d", datum_name[d], width, zone);
                        continue;
                    }
                    cr_assert_gt(srid, 0);
                    double bbox[4];
                    char name[160], tail[32];
                    cr_assert_eq(pl_crs_area_of_use(srid, bbox, name, sizeof name), 0, "EPSG:%d", srid);
                    cr_expect_eq(strncmp(name, datum_name[d], strlen(datum_name[d])), 0, "EPSG:%d %s", srid, name);
                    cr_expect_eq(strstr(name, "3-degree") != NULL, width == 3, "EPSG:%d %s", srid, name);
                    if (prefixed)
                        snprintf(tail, sizeof tail, "zone %d", zone);
                    else
                        snprintf(tail, sizeof tail, "CM %dE", width == 3 ? zone * 3 : zone * 6 - 3);
                    cr_expect(ends_with(name, tail), "EPSG:%d %s: want '… %s'", srid, name, tail);
                    /* and back */
                    pl_gk_datum bd;
                    int bw, bz, bp;
                    cr_expect_eq(pl_crs_gk_of_epsg(srid, &bd, &bw, &bz, &bp), 1, "EPSG:%d", srid);
                    cr_expect(bd == (pl_gk_datum)d && bw == width && bz == zone && bp == prefixed, "EPSG:%d", srid);
                    codes++;
                }
    cr_expect_eq(codes, 3 * (2 * 21 + 2 * 11));
}

Test(crs, known_codes_and_the_ends_of_the_ranges)
{
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 3, 40, 1), 4528);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 3, 40, 0), 4549);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 3, 25, 1), 4513);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 3, 45, 0), 4554);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 6, 13, 1), 4491);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 6, 23, 0), 4512);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_XIAN80, 3, 25, 1), 2349);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_XIAN80, 3, 45, 0), 2390);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_XIAN80, 6, 13, 1), 2327);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_BEIJING54, 3, 25, 1), 2401);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_BEIJING54, 3, 45, 0), 2442);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_BEIJING54, 6, 13, 1), 21413);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_BEIJING54, 6, 23, 0), 21463);
    /* out of range, other widths and datums */
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 3, 24, 1), 0);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 3, 46, 0), 0);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 6, 12, 1), 0);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 6, 24, 0), 0);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 6, 40, 1), 0);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 3, 20, 1), 0);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_CGCS2000, 0, 40, 1), 0);
    cr_expect_eq(pl_crs_gk_epsg(PL_GK_DATUMS, 3, 40, 1), 0);
    cr_expect_eq(pl_crs_gk_width(25), 3);
    cr_expect_eq(pl_crs_gk_width(45), 3);
    cr_expect_eq(pl_crs_gk_width(13), 6);
    cr_expect_eq(pl_crs_gk_width(23), 6);
    cr_expect_eq(pl_crs_gk_width(24), 0);
    cr_expect_eq(pl_crs_gk_width(12), 0);
    cr_expect_eq(pl_crs_gk_width(46), 0);
    /* not Gauss-Krüger codes of the series */
    const int others[] = {4326, 4490, 4555, 2326, 2443, 21412, 21464, 21473, 32651, 0, -1};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        cr_expect_eq(pl_crs_gk_of_epsg(others[i], NULL, NULL, NULL, NULL), 0, "EPSG:%d", others[i]);
}

/* ======================================================================= */
/* The .prj recogniser                                                     */
/* ======================================================================= */

typedef struct prj_case {
    const char *what;
    const char *wkt;
    int srid;
    pl_prj_found found;
    const char *name;
} prj_case;

static void expect_prj(const prj_case *c)
{
    pl_prj_crs crs;
    memset(&crs, 0x5a, sizeof crs); /* every field is set, whatever the text */
    int srid = pl_prj_recognise(c->wkt, strlen(c->wkt), &crs);
    cr_expect_eq(srid, c->srid, "%s: EPSG:%d", c->what, srid);
    cr_expect_eq(crs.srid, srid, "%s", c->what);
    cr_expect_eq(crs.found, c->found, "%s: found %d", c->what, (int)crs.found);
    cr_expect_str_eq(crs.name, c->name, "%s", c->what);
    cr_expect_str_eq(crs.note, "", "%s", c->what);
}

/* What ArcGIS writes (ESRI WKT1: no authority, recognised by the name) and
 * what GDAL writes (OGC WKT1: the EPSG authority; without it, the name). */
Test(prj, esri_and_ogc_wkt_of_the_chinese_datums)
{
    static const prj_case cases[] = {
        {"ESRI CGCS2000 zone 40",
         "PROJCS[\"CGCS2000_3_Degree_GK_Zone_40\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\","
         "DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],"
         "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",40500000.0],"
         "PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",120.0],PARAMETER[\"Scale_Factor\",1.0],"
         "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]",
         4528, PL_PRJ_NAME, "CGCS2000_3_Degree_GK_Zone_40"},
        {"ESRI CGCS2000 CM 120E",
         "PROJCS[\"CGCS2000_3_Degree_GK_CM_120E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\","
         "DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],"
         "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",500000.0],"
         "PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",120.0],PARAMETER[\"Scale_Factor\",1.0],"
         "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]",
         4549, PL_PRJ_NAME, "CGCS2000_3_Degree_GK_CM_120E"},
        {"OGC CGCS2000 CM 120E",
         "PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 120E\",GEOGCS[\"China Geodetic Coordinate System 2000\","
         "DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"1024\"]],"
         "AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
         "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]],"
         "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",120],"
         "PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],"
         "UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AUTHORITY[\"EPSG\",\"4549\"]]",
         4549, PL_PRJ_AUTHORITY, "CGCS2000 / 3-degree Gauss-Kruger CM 120E"},
        {"OGC CGCS2000 zone 40, no authority",
         "PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger zone 40\",GEOGCS[\"China Geodetic Coordinate System 2000\","
         "DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],"
         "UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4490\"]],PROJECTION[\"Transverse_Mercator\"],"
         "PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",120],PARAMETER[\"scale_factor\",1],"
         "PARAMETER[\"false_easting\",40500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]",
         4528, PL_PRJ_NAME, "CGCS2000 / 3-degree Gauss-Kruger zone 40"},
        {"ESRI Xian 1980 zone 40",
         "PROJCS[\"Xian_1980_3_Degree_GK_Zone_40\",GEOGCS[\"GCS_Xian_1980\",DATUM[\"D_Xian_1980\","
         "SPHEROID[\"Xian_1980\",6378140.0,298.257]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],"
         "PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",40500000.0],PARAMETER[\"False_Northing\",0.0],"
         "PARAMETER[\"Central_Meridian\",120.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],"
         "UNIT[\"Meter\",1.0]]",
         2364, PL_PRJ_NAME, "Xian_1980_3_Degree_GK_Zone_40"},
        {"OGC Xian 1980 zone 40, no authority",
         "PROJCS[\"Xian 1980 / 3-degree Gauss-Kruger zone 40\",GEOGCS[\"Xian 1980\",DATUM[\"Xian_1980\","
         "SPHEROID[\"IAG 1975\",6378140,298.257]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
         "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",120],"
         "PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",40500000],PARAMETER[\"false_northing\",0],"
         "UNIT[\"metre\",1]]",
         2364, PL_PRJ_NAME, "Xian 1980 / 3-degree Gauss-Kruger zone 40"},
        {"ESRI Beijing 1954 CM 120E",
         "PROJCS[\"Beijing_1954_3_Degree_GK_CM_120E\",GEOGCS[\"GCS_Beijing_1954\",DATUM[\"D_Beijing_1954\","
         "SPHEROID[\"Krasovsky_1940\",6378245.0,298.3]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],"
         "PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
         "PARAMETER[\"Central_Meridian\",120.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],"
         "UNIT[\"Meter\",1.0]]",
         2437, PL_PRJ_NAME, "Beijing_1954_3_Degree_GK_CM_120E"},
        {"OGC Beijing 1954 CM 120E",
         "PROJCS[\"Beijing 1954 / 3-degree Gauss-Kruger CM 120E\",GEOGCS[\"Beijing 1954\",DATUM[\"Beijing_1954\","
         "SPHEROID[\"Krassowsky 1940\",6378245,298.3,AUTHORITY[\"EPSG\",\"7024\"]],AUTHORITY[\"EPSG\",\"6214\"]],"
         "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4214\"]],"
         "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",120],"
         "PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],"
         "UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"2437\"]]",
         2437, PL_PRJ_AUTHORITY, "Beijing 1954 / 3-degree Gauss-Kruger CM 120E"},
        {"ESRI WGS 84",
         "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],"
         "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
         4326, PL_PRJ_NAME, "GCS_WGS_1984"},
        {"OGC WGS 84",
         "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],"
         "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
         "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]",
         4326, PL_PRJ_AUTHORITY, "WGS 84"},
        {"ESRI Xian 1980 geographic",
         "GEOGCS[\"GCS_Xian_1980\",DATUM[\"D_Xian_1980\",SPHEROID[\"Xian_1980\",6378140.0,298.257]],"
         "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
         4610, PL_PRJ_NAME, "GCS_Xian_1980"},
        {"ESRI Beijing 1954 geographic",
         "GEOGCS[\"GCS_Beijing_1954\",DATUM[\"D_Beijing_1954\",SPHEROID[\"Krasovsky_1940\",6378245.0,298.3]],"
         "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
         4214, PL_PRJ_NAME, "GCS_Beijing_1954"},
        {"a geographic CRS of another name on the CGCS2000 datum",
         "GEOGCS[\"Park survey\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],"
         "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
         4490, PL_PRJ_DATUM, "Park survey"},
        {"a local name on Xian 1980 with the zone-40 parameters",
         "PROJCS[\"Xian80_Park\",GEOGCS[\"GCS_Xian_1980\",DATUM[\"D_Xian_1980\",SPHEROID[\"Xian_1980\",6378140.0,298.257]],"
         "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],"
         "PARAMETER[\"False_Easting\",40500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",120.0],"
         "PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]",
         2364, PL_PRJ_PARAMETERS, "Xian80_Park"},
        {"unknown: a local grid (central meridian 120.3)",
         "PROJCS[\"Qingdao_Local_Grid\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\","
         "SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],"
         "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
         "PARAMETER[\"Central_Meridian\",120.3],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],"
         "UNIT[\"Meter\",1.0]]",
         0, PL_PRJ_UNKNOWN, "Qingdao_Local_Grid"},
        {"unknown: New Beijing", "PROJCS[\"New_Beijing_3_Degree_GK_Zone_40\",UNIT[\"Meter\",1.0]]",
         0, PL_PRJ_UNKNOWN, "New_Beijing_3_Degree_GK_Zone_40"},
        {"not WKT", "ESRI shapefile projection: CGCS2000 zone 40", 0, PL_PRJ_UNPARSED, ""},
        {"WKT without a CRS", "VERT_CS[\"Yellow Sea 1985 height\",AUTHORITY[\"EPSG\",\"5737\"]]", 0,
         PL_PRJ_UNPARSED, ""},
        {"empty", "", 0, PL_PRJ_UNPARSED, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_prj(&cases[i]);
}

/* The .prj texts of the shapefile tests (tests/data/shp/prj/), each recognised the way it says. */
Test(prj, the_shapefile_tests_prj_texts)
{
    static const struct {
        const char *file;
        int srid;
        pl_prj_found found;
        const char *name;
    } cases[] = {
        {"cgcs2000_3_degree_gk_zone_40.prj", 4528, PL_PRJ_NAME, "CGCS2000_3_Degree_GK_Zone_40"},
        {"cgcs2000_3_degree_gk_cm_120e.prj", 4549, PL_PRJ_NAME, "CGCS2000_3_Degree_GK_CM_120E"},
        {"gcs_cgcs2000.prj", 4490, PL_PRJ_NAME, "GCS_China_Geodetic_Coordinate_System_2000"},
        {"cgcs_2000.prj", 4490, PL_PRJ_NAME, "CGCS_2000"},
        {"gcs_wgs_1984.prj", 4326, PL_PRJ_NAME, "GCS_WGS_1984"},
        {"wgs_84.prj", 4326, PL_PRJ_NAME, "WGS 84"},
        {"xian_1980_3_degree_gk_zone_40.prj", 2364, PL_PRJ_NAME, "Xian_1980_3_Degree_GK_Zone_40"},
        {"beijing_1954_3_degree_gk_zone_40.prj", 2416, PL_PRJ_NAME, "Beijing_1954_3_Degree_GK_Zone_40"},
        {"xian_1980_3_degree_gk_cm_120e.prj", 2385, PL_PRJ_NAME, "Xian_1980_3_Degree_GK_CM_120E"},
        {"beijing_1954_3_degree_gk_cm_120e.prj", 2437, PL_PRJ_NAME, "Beijing_1954_3_Degree_GK_CM_120E"},
        {"cgcs2000_gk_zone_20.prj", 4498, PL_PRJ_NAME, "CGCS2000_GK_Zone_20"},
        {"cgcs2000_gk_cm_117e.prj", 4509, PL_PRJ_NAME, "CGCS2000_GK_CM_117E"},
        {"ogc_wkt1_epsg_4528.prj", 4528, PL_PRJ_AUTHORITY, "CGCS2000 / 3-degree Gauss-Kruger zone 40"},
        {"epsg_name_zone_40_no_authority.prj", 4528, PL_PRJ_NAME, "CGCS2000 / 3-degree Gauss-Kruger zone 40"},
        {"authority_top_level.prj", 4549, PL_PRJ_AUTHORITY, "Qingdao West Coast grid"},
        {"wkt2_epsg_4549.prj", 4549, PL_PRJ_AUTHORITY, "CGCS2000 / 3-degree Gauss-Kruger CM 120E"},
        {"params_cgcs2000_zone_40.prj", 4528, PL_PRJ_PARAMETERS, "Gauss_Kruger_Qingdao"},
        {"params_xian_1980_cm_120e.prj", 2385, PL_PRJ_PARAMETERS, "Xian80_Qingdao"},
        {"unknown_local_grid.prj", 0, PL_PRJ_UNKNOWN, "Qingdao_Local_Grid"},
        {"not_wkt.prj", 0, PL_PRJ_UNPARSED, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/shp/prj/%s", TEST_DATA_DIR, cases[i].file);
        char *txt = tu_read_file(path, NULL);
        cr_assert_not_null(txt, "missing %s", path);
        prj_case c = {cases[i].file, txt, cases[i].srid, cases[i].found, cases[i].name};
        expect_prj(&c);
        free(txt);
    }
}

/* The text is text[0..len): no NUL needed, none allowed, at most PL_PRJ_MAX_LEN bytes. */
Test(prj, length_nul_bytes_and_the_notes)
{
    pl_prj_crs crs;
    /* only the first len bytes count: the rest of the buffer is not read */
    const char two[] = "GEOGCS[\"GCS_WGS_1984\"]GEOGCS[\"GCS_Xian_1980\"]";
    cr_expect_eq(pl_prj_recognise(two, 22, &crs), 4326);
    cr_expect_str_eq(crs.name, "GCS_WGS_1984");
    cr_expect_eq(pl_prj_recognise(two, 21, &crs), 0, "cut before the closing bracket");
    cr_expect_eq(crs.found, PL_PRJ_UNPARSED);

    /* a NUL byte: not a text, nothing parsed */
    const char nul[] = "GEOGCS[\"GCS_WGS_1984\"]\0 trailing";
    cr_expect_eq(pl_prj_recognise(nul, sizeof nul - 1, &crs), 0);
    cr_expect_eq(crs.found, PL_PRJ_NOT_TEXT);
    cr_expect_str_eq(crs.note, "not a text file; the CRS is unknown");
    cr_expect_str_eq(crs.name, "");

    /* longer than the limit: refused before parsing; at the limit: parsed */
    size_t n = PL_PRJ_MAX_LEN + 1;
    char *big = malloc(n);
    cr_assert_not_null(big);
    const char *head = "GEOGCS[\"GCS_WGS_1984\"";
    memset(big, ' ', n);
    memcpy(big, head, strlen(head));
    big[PL_PRJ_MAX_LEN - 1] = ']';
    cr_expect_eq(pl_prj_recognise(big, PL_PRJ_MAX_LEN, &crs), 4326);
    cr_expect_str_eq(crs.note, "");
    big[PL_PRJ_MAX_LEN - 1] = ' ';
    big[PL_PRJ_MAX_LEN] = ']';
    cr_expect_eq(pl_prj_recognise(big, n, &crs), 0);
    cr_expect_eq(crs.found, PL_PRJ_TOO_LONG);
    cr_expect_str_eq(crs.note, "larger than 65536 bytes; the CRS is unknown");
    free(big);

    /* the name is cut at a character boundary to its 256 bytes */
    char wkt[1200] = "PROJCS[\"";
    for (int i = 0; i < 100; i++)
        strcat(wkt, "园区");            /* 6 bytes each */
    strcat(wkt, "\"]");
    cr_expect_eq(pl_prj_recognise(wkt, strlen(wkt), &crs), 0);
    cr_expect_eq(crs.found, PL_PRJ_UNKNOWN);
    cr_expect_eq(strlen(crs.name), 255, "42 pairs and 园: %zu bytes", strlen(crs.name));
    cr_expect_eq(strncmp(crs.name + 252, "园", 3), 0);
}
