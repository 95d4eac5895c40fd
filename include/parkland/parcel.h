/* parkland/parcel.h — parcels (宗地). Ownership: see parkland/error.h. */
#ifndef PARKLAND_PARCEL_H
#define PARKLAND_PARCEL_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One parcel as listed. Text fields are UTF-8 and owned by the struct's
 * provider: in a callback they live until the callback returns. */
typedef struct pl_parcel_row {
    long id;
    const char *park;        /* park code */
    const char *code;        /* 宗地号 */
    const char *name;
    const char *land_use;
    const char *land_use_code;
    const char *status;      /* status id (reserve, available…) */
    const char *status_date; /* YYYY-MM-DD */
    double area_m2;          /* computed in the working CRS */
    double declared_area_m2; /* as stated in the source file; NAN when none */
    long batch_id;           /* import batch, 0 when none */
    const char *wkt;         /* geometry (working CRS) — only from pl_parcel_get, else NULL */
    const char *attrs_json;  /* other source attributes as a JSON object; may be NULL */
    int parts, holes, vertices;
} pl_parcel_row;

typedef struct pl_parcel_filter {
    const char *park;   /* park code or NULL */
    const char *status; /* status id or NULL */
} pl_parcel_filter;

/* Status ids in lifecycle order, with labels; NULL-terminated arrays. */
extern const char *const pl_parcel_status_ids[];
/* Chinese and English labels of a status id; NULL when unknown. */
const char *pl_parcel_status_zh(const char *id);
const char *pl_parcel_status_en(const char *id);
/* The status id for an id, a Chinese or an English label (ASCII case
 * ignored: "Available", 可供 → "available"; also "retired"); NULL when
 * unknown. Returns static storage. */
const char *pl_parcel_status_parse(const char *s);

/* Call `cb` for each parcel matching `filter` (ordered by park, code). */
int pl_parcel_each(pl_db *db, const pl_parcel_filter *filter,
                   int (*cb)(const pl_parcel_row *row, void *ctx), void *ctx, pl_error *err);

/* Show one parcel: `park` may be NULL when the code is unique across parks.
 * `cb` is called once with wkt and attrs_json filled. */
int pl_parcel_get(pl_db *db, const char *park, const char *code,
                  int (*cb)(const pl_parcel_row *row, void *ctx), void *ctx, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
