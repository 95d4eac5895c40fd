/* gcj02.c — WGS 84 ↔ GCJ-02 from the formulas of domain.md §7, and BD-09 ↔ GCJ-02. */
#include "gcj02.h"

#include <math.h>

/* Krassovsky ellipsoid, as the transformation uses it. */
#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323
#define GCJ_PI 3.14159265358979323846

int pl_gcj02_outside_china(double lon, double lat)
{
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

/* The two offset polynomials, with x = lon − 105 and y = lat − 35 (degrees);
 * both return metres on the Krassovsky ellipsoid. */
static double t_lat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * GCJ_PI) + 20.0 * sin(2.0 * x * GCJ_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * GCJ_PI) + 40.0 * sin(y / 3.0 * GCJ_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * GCJ_PI) + 320.0 * sin(y / 30.0 * GCJ_PI)) * 2.0 / 3.0;
    return r;
}

static double t_lon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * GCJ_PI) + 20.0 * sin(2.0 * x * GCJ_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * GCJ_PI) + 40.0 * sin(x / 3.0 * GCJ_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * GCJ_PI) + 300.0 * sin(x / 30.0 * GCJ_PI)) * 2.0 / 3.0;
    return r;
}

void pl_wgs84_to_gcj02(double lon, double lat, double *gcj_lon, double *gcj_lat)
{
    if (!isfinite(lon) || !isfinite(lat) || pl_gcj02_outside_china(lon, lat)) {
        *gcj_lon = lon;
        *gcj_lat = lat;
        return;
    }
    double x = lon - 105.0, y = lat - 35.0;
    double phi = lat / 180.0 * GCJ_PI;
    double s = sin(phi);
    double m = 1.0 - GCJ_EE * s * s;
    double sm = sqrt(m);
    /* metres → degrees: meridian radius of curvature a(1−e²)/m^{3/2} for
     * latitude, parallel radius (a/√m)·cos φ for longitude */
    double dlat = t_lat(x, y) * 180.0 / ((GCJ_A * (1.0 - GCJ_EE)) / (m * sm) * GCJ_PI);
    double dlon = t_lon(x, y) * 180.0 / (GCJ_A / sm * cos(phi) * GCJ_PI);
    *gcj_lat = lat + dlat;
    *gcj_lon = lon + dlon;
}

void pl_gcj02_to_wgs84(double lon, double lat, double *wgs_lon, double *wgs_lat)
{
    double wl = lon, wb = lat;
    if (isfinite(lon) && isfinite(lat) && !pl_gcj02_outside_china(lon, lat)) {
        /* fixed point of w ↦ w + (g − forward(w)): the shift varies slowly
         * (metres per kilometre), so each step gains about three digits */
        for (int i = 0; i < 30; i++) {
            double gl, gb;
            pl_wgs84_to_gcj02(wl, wb, &gl, &gb);
            double dl = lon - gl, db = lat - gb;
            wl += dl;
            wb += db;
            if (fabs(dl) < 1e-10 && fabs(db) < 1e-10)
                break;
        }
    }
    *wgs_lon = wl;
    *wgs_lat = wb;
}

void pl_bd09_to_gcj02(double lon, double lat, double *gcj_lon, double *gcj_lat)
{
    const double x_pi = GCJ_PI * 3000.0 / 180.0;
    double x = lon - 0.0065, y = lat - 0.006;
    double z = sqrt(x * x + y * y) - 0.00002 * sin(y * x_pi);
    double theta = atan2(y, x) - 0.000003 * cos(x * x_pi);
    *gcj_lon = z * cos(theta);
    *gcj_lat = z * sin(theta);
}

void pl_gcj02_to_bd09(double lon, double lat, double *bd_lon, double *bd_lat)
{
    const double x_pi = GCJ_PI * 3000.0 / 180.0;
    double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * x_pi);
    double theta = atan2(lat, lon) + 0.000003 * cos(lon * x_pi);
    *bd_lon = z * cos(theta) + 0.0065;
    *bd_lat = z * sin(theta) + 0.006;
}
