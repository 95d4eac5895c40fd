/* test_gcj02.c — WGS 84 → GCJ-02 against the published reference points
 * (domain.md §7) and the outside-China rule. */
#include <criterion/criterion.h>
#include <math.h>

#include "gcj02.h"

/* 1e-7° is about 1 cm: the reference values are given to 7–14 decimals. */
static void check(double wlat, double wlon, double glat, double glon, double tol)
{
    double lon, lat;
    pl_wgs84_to_gcj02(wlon, wlat, &lon, &lat);
    cr_assert(fabs(lat - glat) < tol, "lat %.10f, expected %.10f (WGS %.7f %.7f)", lat, glat, wlat, wlon);
    cr_assert(fabs(lon - glon) < tol, "lon %.10f, expected %.10f (WGS %.7f %.7f)", lon, glon, wlat, wlon);
}

Test(gcj02, published_reference_points)
{
    /* eviltransform's test vectors (c/test.c), reproduced independently */
    check(31.1774276, 121.5272106, 31.17530398364597, 121.531541859215, 1e-9);
    check(39.911954, 116.377817, 39.91334545536069, 116.38404722455657, 1e-9);
    /* Qingdao, domain.md §7 (7 decimals given) */
    check(36.1, 120.4, 36.1002919, 120.4051360, 6e-8);
}

Test(gcj02, qingdao_shift_is_about_470_m_east_and_30_m_north)
{
    double lon, lat;
    pl_wgs84_to_gcj02(120.0822, 36.0497, &lon, &lat);
    double east = (lon - 120.0822) * 111320.0 * cos(36.0497 * 3.14159265358979 / 180.0);
    double north = (lat - 36.0497) * 110540.0;
    cr_assert(east > 440 && east < 500, "east shift %.1f m", east);
    cr_assert(north > 15 && north < 45, "north shift %.1f m", north);
}

Test(gcj02, points_outside_china_are_unchanged)
{
    static const double pts[][2] = {
        {2.3522, 48.8566},     /* Paris */
        {139.6917, 35.6895},   /* Tokyo: east of 137.8347 */
        {71.9, 40.0},          /* just west of 72.004 */
        {100.0, 0.8},          /* just south of 0.8293 */
        {100.0, 55.9},         /* just north of 55.8271 */
        {-122.4194, 37.7749},  /* San Francisco */
    };
    for (size_t i = 0; i < sizeof pts / sizeof *pts; i++) {
        double lon, lat;
        cr_assert(pl_gcj02_outside_china(pts[i][0], pts[i][1]), "point %zu counts as inside", i);
        pl_wgs84_to_gcj02(pts[i][0], pts[i][1], &lon, &lat);
        cr_assert_eq(lon, pts[i][0]);
        cr_assert_eq(lat, pts[i][1]);
    }
    /* the box edges: eviltransform's, the wider of the two public boxes */
    cr_assert_not(pl_gcj02_outside_china(72.005, 30.0));
    cr_assert_not(pl_gcj02_outside_china(137.83, 30.0));
    cr_assert_not(pl_gcj02_outside_china(110.0, 0.83));
    cr_assert_not(pl_gcj02_outside_china(110.0, 55.82));
    /* inside eviltransform's box but outside wandergis's (73.66–135.05, 3.86–53.55): shifted */
    double lon, lat;
    pl_wgs84_to_gcj02(136.0, 54.0, &lon, &lat);
    cr_assert(lon != 136.0 && lat != 54.0);
}

Test(gcj02, non_finite_input_is_passed_through)
{
    double lon, lat;
    pl_wgs84_to_gcj02(NAN, 36.0, &lon, &lat);
    cr_assert(isnan(lon));
    cr_assert_eq(lat, 36.0);
}

/* GCJ-02 → WGS 84 undoes the forward shift to 1e-9 degree (0.1 mm) across China */
Test(gcj02, inverse_undoes_the_shift)
{
    for (double lon = 74; lon < 135; lon += 3.7)
        for (double lat = 18; lat < 53; lat += 2.9) {
            double g1, g2, w1, w2;
            pl_wgs84_to_gcj02(lon, lat, &g1, &g2);
            pl_gcj02_to_wgs84(g1, g2, &w1, &w2);
            cr_assert(fabs(w1 - lon) < 1e-9 && fabs(w2 - lat) < 1e-9, "%.10f,%.10f → %.10f,%.10f", lon, lat, w1, w2);
        }
    double w1, w2;
    pl_gcj02_to_wgs84(2.35, 48.85, &w1, &w2); /* Paris: no shift */
    cr_assert(w1 == 2.35 && w2 == 48.85);
}

/* BD-09: the pair the public coordtransform examples give for Tiananmen, and the round trip */
Test(gcj02, bd09_to_gcj02_and_back)
{
    double g1, g2, b1, b2;
    pl_bd09_to_gcj02(116.404, 39.915, &g1, &g2);
    cr_assert(fabs(g1 - 116.39762729119315) < 1e-9 && fabs(g2 - 39.90865673957631) < 1e-9, "%.10f,%.10f", g1, g2);
    pl_gcj02_to_bd09(g1, g2, &b1, &b2);
    cr_assert(fabs(b1 - 116.404) < 1e-5 && fabs(b2 - 39.915) < 1e-5, "%.7f,%.7f", b1, b2);
}
