/* crs.c — CRS metadata from PROJ; the Gauss-Krüger zone ↔ EPSG arithmetic. */
#include "crs.h"

#include <proj.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* A quiet PROJ context and the CRS EPSG:`srid` in it (*crs NULL when PROJ does
 * not know it); def gets "EPSG:srid". NULL when no context could be made. The
 * caller destroys *crs, then the context. */
static PJ_CONTEXT *open_epsg(int srid, char def[32], PJ **crs)
{
    *crs = NULL;
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx)
        return NULL;
    proj_log_level(ctx, PJ_LOG_NONE);
    snprintf(def, 32, "EPSG:%d", srid);
    *crs = proj_create(ctx, def);
    return ctx;
}

/* -1: PROJ does not know the code; -2: no PROJ context could be made (not a property of the
 * code: not kept). */
static int area_of_use_read(int srid, double bbox[4], char *name, size_t namelen)
{
    char def[32];
    PJ *crs;
    PJ_CONTEXT *ctx = open_epsg(srid, def, &crs);
    if (!ctx)
        return -2;
    int rc = -1;
    if (crs) {
        const char *area = NULL;
        if (proj_get_area_of_use(ctx, crs, &bbox[0], &bbox[1], &bbox[2], &bbox[3], &area) &&
            bbox[0] > -1000) {
            rc = 0;
            if (name) {
                const char *n = proj_get_name(crs);
                snprintf(name, namelen, "%s", n ? n : def);
            }
        }
        proj_destroy(crs);
    }
    proj_context_destroy(ctx);
    return rc;
}

/* What PROJ's database says of a code does not change while the process runs, and reading
 * it costs ~1 ms (a PROJ context, proj.db queries): the answers of the last few codes are
 * kept, for every thread (a server's request exports a map and asks each time). */
#define AOU_MEMO 16
static struct {
    int srid, rc;
    double bbox[4];
    char name[128];
} aou_memo[AOU_MEMO];
static int aou_n;
static pthread_mutex_t aou_lock = PTHREAD_MUTEX_INITIALIZER;

/* The memo's entry of `srid`, or NULL; under aou_lock. */
static int aou_find(int srid)
{
    for (int i = 0; i < aou_n; i++)
        if (aou_memo[i].srid == srid)
            return i;
    return -1;
}

int pl_crs_area_of_use(int srid, double bbox[4], char *name, size_t namelen)
{
    pthread_mutex_lock(&aou_lock);
    int i = aou_find(srid);
    if (i < 0) { /* read it without the lock (~1 ms), then keep it unless another thread did */
        pthread_mutex_unlock(&aou_lock);
        double b[4] = {0, 0, 0, 0};
        char n[128] = "";
        int rc = area_of_use_read(srid, b, n, sizeof n);
        if (rc == -2)
            return -1;
        pthread_mutex_lock(&aou_lock);
        if ((i = aou_find(srid)) < 0) {
            i = aou_n < AOU_MEMO ? aou_n++ : srid % AOU_MEMO;
            aou_memo[i].srid = srid;
            aou_memo[i].rc = rc;
            memcpy(aou_memo[i].bbox, b, sizeof b);
            snprintf(aou_memo[i].name, sizeof aou_memo[i].name, "%s", n);
        }
    }
    int rc = aou_memo[i].rc;
    memcpy(bbox, aou_memo[i].bbox, sizeof aou_memo[i].bbox);
    if (name && namelen)
        snprintf(name, namelen, "%s", aou_memo[i].name);
    pthread_mutex_unlock(&aou_lock);
    return rc;
}

int pl_crs_datum_name(int srid, char *name, size_t namelen)
{
    char def[32];
    PJ *crs;
    PJ_CONTEXT *ctx = open_epsg(srid, def, &crs);
    if (!ctx)
        return -1;
    int rc = -1;
    if (crs) {
        PJ *datum = proj_crs_get_datum(ctx, crs);
        if (!datum)
            datum = proj_crs_get_datum_ensemble(ctx, crs);
        const char *n = datum ? proj_get_name(datum) : NULL;
        if (n) {
            snprintf(name, namelen, "%s", n);
            rc = 0;
        }
        proj_destroy(datum);
        proj_destroy(crs);
    }
    proj_context_destroy(ctx);
    return rc;
}

int pl_crs_operation_name(int src, int dst, char *name, size_t namelen, double *accuracy)
{
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx)
        return -1;
    proj_log_level(ctx, PJ_LOG_NONE);
    char a[32], b[32];
    snprintf(a, sizeof a, "EPSG:%d", src);
    snprintf(b, sizeof b, "EPSG:%d", dst);
    PJ *op = proj_create_crs_to_crs(ctx, a, b, NULL);
    int rc = -1;
    if (op) {
        const char *n = proj_get_name(op);
        if (n) {
            snprintf(name, namelen, "%s", n);
            *accuracy = proj_coordoperation_get_accuracy(ctx, op);
            rc = 0;
        }
        proj_destroy(op);
    }
    proj_context_destroy(ctx);
    return rc;
}

/* ---- Gauss-Krüger zones ------------------------------------------------------------------------ */

/* EPSG code of zone 0 of each series (checked against PROJ's proj.db, test_crs):
 * [datum][width 3, 6][prefixed 0, 1]. */
static const int gk_base[PL_GK_DATUMS][2][2] = {
    [PL_GK_CGCS2000] = {{4509, 4488}, {4489, 4478}},
    [PL_GK_XIAN80] = {{2345, 2324}, {2325, 2314}},
    [PL_GK_BEIJING54] = {{2397, 2376}, {21440, 21400}},
};

int pl_crs_gk_width(int zone)
{
    if (zone >= PL_GK3_ZONE_MIN && zone <= PL_GK3_ZONE_MAX)
        return 3;
    if (zone >= PL_GK6_ZONE_MIN && zone <= PL_GK6_ZONE_MAX)
        return 6;
    return 0;
}

int pl_crs_gk_epsg(pl_gk_datum datum, int width, int zone, int prefixed)
{
    if ((unsigned)datum >= PL_GK_DATUMS || (width != 3 && width != 6) || pl_crs_gk_width(zone) != width)
        return 0;
    return gk_base[datum][width == 6][prefixed != 0] + zone;
}

int pl_crs_gk_of_epsg(int srid, pl_gk_datum *datum, int *width, int *zone, int *prefixed)
{
    for (int d = 0; d < PL_GK_DATUMS; d++)
        for (int w = 0; w < 2; w++)
            for (int p = 0; p < 2; p++) {
                int z = srid - gk_base[d][w][p];
                if (pl_crs_gk_width(z) == (w ? 6 : 3)) {
                    if (datum)
                        *datum = (pl_gk_datum)d;
                    if (width)
                        *width = w ? 6 : 3;
                    if (zone)
                        *zone = z;
                    if (prefixed)
                        *prefixed = p;
                    return 1;
                }
            }
    return 0;
}
