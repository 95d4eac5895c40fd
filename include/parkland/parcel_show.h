/* parkland/parcel_show.h — what `parcel show` tells about one parcel beyond
 * its row (parkland/parcel.h): the open reservation, the project on it and
 * its stage, milestones and effective deadlines, and a label point in WGS 84. Its indicators come
 * from pl_parcel_indicators_get (parkland/indicators.h). */
#ifndef PARKLAND_PARCEL_SHOW_H
#define PARKLAND_PARCEL_SHOW_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pl_parcel_detail {
    /* a point on the parcel's surface (GEOS PointOnSurface: inside it, also
     * for an L-shape or a parcel with holes), WGS 84 (EPSG:4326) degrees;
     * NAN when the working CRS does not transform */
    double label_lon, label_lat;
    /* the open reservation (released_on unset), the latest when several */
    int reserved;
    char reserved_lead[64];      /* lead code, "" when the reservation names none */
    char reserved_company[256];  /* the lead's company */
    char reserved_on[11], reserved_expires[11];
    int reservation_expired;     /* 1: expires before today */
    /* the project holding the parcel: a live one first, else the latest terminated */
    int has_project;
    char project[64], project_lead[64], project_company[256];
    char project_signed_on[11];
    char project_stage[32];      /* derived stage id (parkland/project.h) */
    char milestone_planned[4][11], milestone_actual[4][11]; /* land, construction, production, verification; "" */
    /* the contract deadlines as of today (parkland/deadline.h pl_project_deadlines): 竣工 agreed and
     * actual, and the effective start and completion (agreed, moved by a late handover, extended); "" */
    char completion_planned[11], completion_actual[11];
    char start_deadline[11], completion_deadline[11];
} pl_parcel_detail;

/* Fill `out` for parcel `code` (park NULL when the code is unique):
 * PL_ERR_NOTFOUND / PL_ERR_USAGE as pl_parcel_get. Reads only. */
int pl_parcel_detail_get(pl_db *db, const char *park, const char *code, pl_parcel_detail *out, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
