/* crs.c — CRS metadata from PROJ. */
#include "crs.h"

#include <proj.h>
#include <stdio.h>

int pl_crs_area_of_use(int srid, double bbox[4], char *name, size_t namelen)
{
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx)
        return -1;
    proj_log_level(ctx, PJ_LOG_NONE);
    char def[32];
    snprintf(def, sizeof def, "EPSG:%d", srid);
    PJ *crs = proj_create(ctx, def);
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

int pl_crs_datum_name(int srid, char *name, size_t namelen)
{
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx)
        return -1;
    proj_log_level(ctx, PJ_LOG_NONE);
    char def[32];
    snprintf(def, sizeof def, "EPSG:%d", srid);
    PJ *crs = proj_create(ctx, def);
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
