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

/* Correct park `code`: each of name, name_en, district that is not NULL is set ("" clears name_en or
 * district; the name cannot be empty). One transaction, one history row per changed field (entity park,
 * field "name", "name_en", "district"; who: pl_db_user); `note` may be NULL. *changed (may be NULL) gets
 * the number of rows written: 0 when nothing differs, and then nothing is written. PL_ERR_NOTFOUND for an
 * unknown park; PL_ERR_USAGE for an empty name. */
int pl_park_edit(pl_db *db, const char *code, const char *name, const char *name_en, const char *district,
                 const char *note, int *changed, pl_error *err);

/* A park's contacts for investors (printed on each page of `lead brief`); "" when not on record. */
typedef struct pl_park_contact {
    char name[256];
    char phone[128];
    char address[512];
    char email[256];
} pl_park_contact;

/* The fields of a contact to change: NULL leaves one as it is, "" clears it. */
typedef struct pl_park_contact_edit {
    const char *name, *phone, *address, *email;
} pl_park_contact_edit;

/* pl_park_edit and the park's contact (contact may be NULL) in one transaction: one history row per
 * changed field, the contact's as fields "contact_name", "contact_phone", "contact_address",
 * "contact_email". PL_ERR_USAGE also for an e-mail without '@' or with blanks. */
int pl_park_edit_contact(pl_db *db, const char *code, const char *name, const char *name_en, const char *district,
                         const pl_park_contact_edit *contact, const char *note, int *changed, pl_error *err);

/* The contact of park `code` (every field "" when none is on record). PL_ERR_NOTFOUND for an unknown park. */
int pl_park_contact_get(pl_db *db, const char *code, pl_park_contact *out, pl_error *err);

/* Remove park `code`, which must hold no parcel (retired ones count) and be named by no import batch
 * (PL_ERR_INPUT naming the count). The history keeps a row 'removed' (old value: the park as JSON).
 * One transaction. `note` may be NULL. */
int pl_park_remove(pl_db *db, const char *code, const char *note, pl_error *err);

/* Call `cb` for every park, ordered by code; a non-zero return stops and is returned. */
int pl_park_each(pl_db *db, int (*cb)(const pl_park *park, void *ctx), void *ctx, pl_error *err);

/* The extent in WGS 84 of park `code`'s parcels that are not retired (a map's first view):
 * lonlat = lon1, lat1, lon2, lat2, the envelope of the working-CRS box's corners and edge midpoints
 * after the transformation. *has (not NULL) is 0 and lonlat untouched for a park without parcels.
 * PL_ERR_NOTFOUND for an unknown park. */
int pl_park_extent(pl_db *db, const char *code, double lonlat[4], int *has, pl_error *err);

/* ---- the 7 parameters of an old datum (Xian 1980, Beijing 1954) -------------------------------- */

/* The datum a name stands for: "Xian 1980" for xian80, 西安80, 西安1980, "Xian 1980" (any case);
 * "Beijing 1954" for beijing54, 北京54, 北京1954, "Beijing 1954". A static string; NULL when unknown. */
const char *pl_datum_parse(const char *s);

/* Read "DX,DY,DZ,RX,RY,RZ,S" (7 numbers, commas, nothing else; the dialect of parkland/parse.h:
 * full-width digits, commas and minus signs too, pl_parse_number_list) into towgs84. 0, or -1
 * when it is not that. */
int pl_towgs84_parse(const char *s, double towgs84[7]);

/* Keep for park `park` the 7 parameters from `datum` (any name pl_datum_parse takes) to
 * CGCS2000/WGS 84, as PROJ's +towgs84 takes them: dX, dY, dZ (m), rX, rY, rZ (arc-seconds),
 * scale (ppm), position vector. An import of a file in that datum into the park uses them when
 * it is given none (--towgs84). Replaces what the park had; one transaction, in the history
 * (entity park, field "towgs84 <datum>"). `note` may be NULL. */
int pl_park_set_datum_shift(pl_db *db, const char *park, const char *datum, const double towgs84[7],
                            const char *note, pl_error *err);

typedef struct pl_datum_shift {
    char datum[32];       /* "Xian 1980" or "Beijing 1954" */
    double towgs84[7];
    char note[256];
    char updated_at[32];
    char updated_by[64];
} pl_datum_shift;

/* Call `cb` for each datum whose parameters park `park` keeps, by datum name; the row lives
 * for the call. A non-zero return stops and is returned. */
int pl_park_each_datum_shift(pl_db *db, const char *park, int (*cb)(const pl_datum_shift *shift, void *ctx),
                             void *ctx, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
