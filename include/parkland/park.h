/* parkland/park.h — parks (招商产业园 areas). Ownership: see parkland/error.h. */
#ifndef PARKLAND_PARK_H
#define PARKLAND_PARK_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pl_park {
    long id;
    char code[64];
    char name[256];     /* Chinese name */
    char name_en[256];
    char district[128];
    long parcels;       /* parcels in the park */
    double area_m2;     /* their total area */
    int has_boundary;
} pl_park;

/* Add a park. `boundary_path` may be NULL; otherwise a polygon file in any
 * format parcels can be imported from (its polygons are unioned). */
int pl_park_add(pl_db *db, const char *code, const char *name, const char *name_en,
                const char *district, const char *boundary_path, pl_error *err);

/* Look a park up by code. PL_ERR_NOTFOUND when there is none. */
int pl_park_get(pl_db *db, const char *code, pl_park *out, pl_error *err);

/* Call `cb` for every park, ordered by code; a non-zero return stops and is returned. */
int pl_park_each(pl_db *db, int (*cb)(const pl_park *park, void *ctx), void *ctx, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
