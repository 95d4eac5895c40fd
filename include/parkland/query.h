/*
 * parkland/query.h — `query free`: available parcels that fit an investor.
 * Ownership: see parkland/error.h. Rows are streamed to a callback; their
 * strings live until the callback returns.
 */
#ifndef PARKLAND_QUERY_H
#define PARKLAND_QUERY_H

#include "parkland/db.h"
#include "parkland/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Filters of `query free`. Numbers that are NAN and pointers that are NULL
 * are "no filter": start from pl_query_filter_init. */
typedef struct pl_query_filter {
    const char *park;          /* park code */
    double min_mu, max_mu;     /* area range in 亩 (area_m2 × 15 / 10000), inclusive */
    const char *industry;      /* industry id ('it') or Chinese name ('新一代信息技术'):
                                  the parcel allows it (its list holds that token) or allows any */
    double max_intensity;      /* investment intensity the investor can meet, 万元/亩:
                                  the parcel's required minimum is ≤ this, or not set */
    double min_far;            /* the parcel's FAR maximum is ≥ this, or not set */
    double investment;         /* the investor's investment, 万元: parcels whose required intensity
                                  is ≤ pl_investment_intensity(investment, the parcel's area) (as
                                  `project sign` checks it), or not set */
    double near_lon, near_lat; /* WGS84 degrees; with within_m */
    double within_m;           /* metres from the point, in the working CRS */
    const char *adjacent;      /* parcel code: touching or within 1 m of it (itself excluded);
                                  looked up in `park` when given, else across parks */
    long limit;                /* at most this many rows; 0 = all */
} pl_query_filter;

void pl_query_filter_init(pl_query_filter *f);

/* What the longitude and latitude of --near are in (--near-crs). */
typedef enum pl_near_crs {
    PL_NEAR_WGS84 = 0, /* GPS, the default */
    PL_NEAR_GCJ02,     /* AMap/Gaode, Tencent */
    PL_NEAR_BD09,      /* Baidu Maps */
} pl_near_crs;

/* "wgs84", "gcj02", "bd09" (also wgs-84, gcj-02, bd-09, amap, baidu; any
 * case) → its pl_near_crs; -1 when unknown. */
int pl_near_crs_parse(const char *s);

/* The WGS 84 point of --near A,B:
 * - |A|, |B| ≤ 360: longitude, latitude in crs (GCJ-02 and BD-09 shifted
 *   back to WGS 84, to 1e-9 degree);
 * - else projected X,Y of the working CRS, told apart by magnitude: the
 *   northing has 7 digits, the easting 6 (or 8 with the 3°/6° zone number in
 *   front, dropped when the working CRS does not write it); either may come
 *   first (X = northing first, as Chinese surveyors write). The point must
 *   fall in China.
 * how[howlen] (may be NULL) gets one sentence saying how the point was read,
 * "" for plain WGS 84. PL_ERR_USAGE when A,B is neither. */
int pl_near_point(pl_db *db, double a, double b, pl_near_crs crs, double *lon, double *lat, char *how,
                  size_t howlen, pl_error *err);

/* One free parcel. NAN marks a value that is not set. */
typedef struct pl_free_parcel {
    long id;
    const char *park;           /* park code */
    const char *code;           /* 宗地号 */
    const char *name;           /* may be NULL */
    double area_m2, area_mu;
    double distance_m;          /* from the --near point; NAN without one */
    double investment_intensity;/* required minimum, 万元/亩 */
    double far_min, far_max;    /* 容积率 range */
    double tax_per_mu;          /* required minimum, 万元/亩·年 */
    const char *industries;     /* allowed industry ids, comma-separated; NULL = any */
} pl_free_parcel;

/* Call `cb` for every parcel with status 'available' that passes `filter`,
 * best fit first: by distance with a point; by closeness to the middle of the
 * area range (or to its one bound) with an area range; else by park and code.
 * A non-zero return from `cb` stops and is returned.
 * Refuses: an unknown park or parcel (PL_ERR_NOTFOUND), an unknown industry,
 * a point without a distance or the reverse, lon/lat out of range, negative
 * bounds, min_mu > max_mu (PL_ERR_USAGE). */
int pl_query_free(pl_db *db, const pl_query_filter *filter,
                  int (*cb)(const pl_free_parcel *row, void *ctx), void *ctx, pl_error *err);

/* Why a `query free` found nothing: the free parcels left after each filter
 * of `filter` that is set, applied one after another in this order: park,
 * area (min/max together), industry, max_intensity, investment, min_far,
 * near (with within), adjacent. steps[0] is "available" (every free parcel, no
 * filter); the limit is not applied. */
typedef struct pl_query_funnel_step {
    const char *filter; /* "available", "park", "area", "industry", "max_intensity", "investment",
                           "min_far", "near", "adjacent" (static storage) */
    long remaining;     /* free parcels that pass this filter and the ones before it */
} pl_query_funnel_step;

typedef struct pl_query_funnel {
    pl_query_funnel_step steps[9];
    size_t n;
    int emptied_by;     /* index of the first step with 0 remaining; -1 when none */
} pl_query_funnel;

/* Count the funnel of `filter` (refusals as pl_query_free). */
int pl_query_free_funnel(pl_db *db, const pl_query_filter *filter, pl_query_funnel *out, pl_error *err);

/* pl_query_free into a table (parkland/table.h), the columns of `query free --format F`: park,
 * code, name, area_m2, area_mu, distance_m (with a point), investment_intensity, far (text) or
 * far_min and far_max (csv, json), tax_per_mu, industries. *out is the caller's (pl_table_free). */
int pl_query_free_table(pl_db *db, const pl_query_filter *filter, pl_table_format fmt, pl_table **out,
                        pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
