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
