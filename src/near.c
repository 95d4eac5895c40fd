/* near.c — the point of `query free --near`: WGS 84, GCJ-02 or BD-09
 * longitude and latitude, or projected X,Y of the working CRS recognised by
 * magnitude (parkland/query.h, pl_near_point). */
#include "parkland/query.h"

#include "db_internal.h"
#include "gcj02.h"
#include "xform.h"

#include <math.h>
#include <stdio.h>
#include <strings.h>

int pl_near_crs_parse(const char *s)
{
    static const struct {
        const char *name;
        pl_near_crs crs;
    } names[] = {{"wgs84", PL_NEAR_WGS84}, {"wgs-84", PL_NEAR_WGS84}, {"4326", PL_NEAR_WGS84},
                 {"gcj02", PL_NEAR_GCJ02}, {"gcj-02", PL_NEAR_GCJ02}, {"amap", PL_NEAR_GCJ02},
                 {"bd09", PL_NEAR_BD09},   {"bd-09", PL_NEAR_BD09},   {"baidu", PL_NEAR_BD09}};
    for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
        if (!strcasecmp(s, names[i].name))
            return (int)names[i].crs;
    return -1;
}

/* (e, n) of the working CRS in WGS 84; 0 when it does not transform. */
static int to_wgs84(pl_db *db, double e, double n, double *lon, double *lat)
{
    pl_xform *xf;
    pl_error ignored;
    pl_error_clear(&ignored);
    if (pl_xform_open(db, db->srid, 4326, 0, &xf, &ignored) != PL_OK)
        return 0;
    double xy[2] = {e, n};
    int rc = pl_xform_points(xf, xy, 1, &ignored);
    pl_xform_free(xf);
    if (rc != PL_OK || !isfinite(xy[0]) || !isfinite(xy[1]))
        return 0;
    *lon = xy[0];
    *lat = xy[1];
    return 1;
}

static int is_northing(double v)
{
    return v >= 1e6 && v < 1e7;
}

static int is_easting(double v)
{
    return (v > 0 && v < 1e6) || (v >= 1e7 && v < 1e8);
}

int pl_near_point(pl_db *db, double a, double b, pl_near_crs crs, double *lon, double *lat, char *how,
                  size_t howlen, pl_error *err)
{
    if (how && howlen)
        how[0] = '\0';
    if (!isfinite(a) || !isfinite(b))
        return pl_error_set(err, PL_ERR_USAGE, "--near needs two finite numbers");
    if (fabs(a) <= 360 && fabs(b) <= 360) {
        /* longitude, latitude */
        double wl = a, wb = b, gl = a, gb = b;
        if (crs == PL_NEAR_BD09)
            pl_bd09_to_gcj02(a, b, &gl, &gb);
        if (crs != PL_NEAR_WGS84)
            pl_gcj02_to_wgs84(gl, gb, &wl, &wb);
        if (crs != PL_NEAR_WGS84 && how)
            snprintf(how, howlen, "--near %.7g,%.7g read as %s longitude,latitude = %.7f,%.7f WGS 84", a, b,
                     crs == PL_NEAR_BD09 ? "BD-09 (Baidu Maps)" : "GCJ-02 (AMap, Tencent)", wl, wb);
        *lon = wl;
        *lat = wb;
        return PL_OK;
    }
    if (crs != PL_NEAR_WGS84)
        return pl_error_set(err, PL_ERR_USAGE,
                            "--near-crs is for longitude,latitude; %.10g,%.10g are projected X,Y of EPSG:%d", a, b,
                            db->srid);
    /* projected: the northing has 7 digits; the easting 6, or 8 with the zone in front */
    double e, n;
    int north_first;
    if (is_northing(a) && is_easting(b))
        north_first = 1, n = a, e = b;
    else if (is_easting(a) && is_northing(b))
        north_first = 0, e = a, n = b;
    else
        return pl_error_set(err, PL_ERR_USAGE,
                            "--near %.10g,%.10g: neither longitude,latitude nor projected X,Y of EPSG:%d (a northing "
                            "of 7 digits and an easting of 6, or 8 with the zone number in front)",
                            a, b, db->srid);
    double wl, wb;
    int zone = 0;
    int ok = to_wgs84(db, e, n, &wl, &wb) && !pl_gcj02_outside_china(wl, wb);
    if (!ok && e >= 1e7) { /* a zone number the working CRS does not write */
        zone = (int)(e / 1e6);
        ok = to_wgs84(db, e - zone * 1e6, n, &wl, &wb) && !pl_gcj02_outside_china(wl, wb);
    }
    if (!ok)
        return pl_error_set(err, PL_ERR_INPUT, "--near %.10g,%.10g read as projected X,Y of EPSG:%d is not in China", a,
                            b, db->srid);
    /* the zone dropped must be the one of the point: 3° (lon/3) or 6° (lon/6 + 1) */
    if (zone && zone != (int)lround(wl / 3.0) && zone != (int)floor(wl / 6.0) + 1)
        return pl_error_set(err, PL_ERR_INPUT,
                            "--near %.10g,%.10g: zone %d in front of the easting is not the zone of EPSG:%d "
                            "(3-degree zone %d, 6-degree zone %d)",
                            a, b, zone, db->srid, (int)lround(wl / 3.0), (int)floor(wl / 6.0) + 1);
    if (how) {
        char z[64] = "";
        if (zone)
            snprintf(z, sizeof z, ", zone %d in front of the easting dropped", zone);
        snprintf(how, howlen,
                 "--near %.10g,%.10g read as projected %s of EPSG:%d (%s first%s) = %.7f,%.7f WGS 84", a, b,
                 north_first ? "X (northing), Y (easting)" : "easting, northing", db->srid,
                 north_first ? "northing" : "easting", z, wl, wb);
    }
    *lon = wl;
    *lat = wb;
    return PL_OK;
}
