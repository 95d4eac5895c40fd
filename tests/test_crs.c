/* test_crs.c — the Gauss-Krüger zone ↔ EPSG arithmetic of gis/crs.c, checked
 * code by code against the names PROJ's database gives the codes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "crs.h"

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
