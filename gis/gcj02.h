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

#endif
