/*
 * gcj02.h — WGS 84 → GCJ-02 (the obfuscated datum of licensed Chinese online
 * maps: AMap/Gaode, Tencent), written from the published formulas
 * (docs/domain.md §7), not copied from any implementation.
 *
 * Outside China the shift is not applied. The "China" test is the
 * eviltransform box (domain.md §7): a point is outside when
 *     lon < 72.004 or lon > 137.8347 or lat < 0.8293 or lat > 55.8271.
 * It is the wider of the two public boxes, and the one the reference vectors
 * come from; a point inside it (Qingdao, Shanghai, Beijing) is shifted.
 */
#ifndef PARKLAND_GCJ02_H
#define PARKLAND_GCJ02_H

/* 1 when (lon, lat) in degrees is outside the box above (no shift applies). */
int pl_gcj02_outside_china(double lon, double lat);

/* GCJ-02 of the WGS 84 point (lon, lat), degrees; points outside China and
 * non-finite input come back unchanged. */
void pl_wgs84_to_gcj02(double lon, double lat, double *gcj_lon, double *gcj_lat);

/* WGS 84 of the GCJ-02 point (lon, lat): the inverse of pl_wgs84_to_gcj02 by
 * fixed-point iteration, to 1e-10 degree (forward of the result is within
 * 1e-9 degree of the input). Points outside China come back unchanged. */
void pl_gcj02_to_wgs84(double lon, double lat, double *wgs_lon, double *wgs_lat);

/* BD-09 (Baidu Maps) → GCJ-02, and back: the published closed formulas
 * (0.0065/0.006 offset and the 3000·π/180 rotation terms). */
void pl_bd09_to_gcj02(double lon, double lat, double *gcj_lon, double *gcj_lat);
void pl_gcj02_to_bd09(double lon, double lat, double *bd_lon, double *bd_lat);

#endif
