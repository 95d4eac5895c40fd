/*
 * parkland/parcel_fix.h — correcting a parcel (issue 13 §2): rename it, change
 * its name, land use and source attributes. Each call is one transaction and
 * writes one history row per changed field (who: pl_db_user); a refused call
 * leaves the database unchanged. Ownership: see parkland/error.h; every string
 * passed in is the caller's and is only read during the call.
 */
#ifndef PARKLAND_PARCEL_FIX_H
#define PARKLAND_PARCEL_FIX_H

#include <stddef.h>

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Give parcel `code` (in park `park`; NULL: the code must be unique across
 * parks) the code `new_code`. History: entity parcel, field "code", old →
 * new, carrying the old code. PL_ERR_NOTFOUND for an unknown parcel or park;
 * PL_ERR_INPUT "parcel 'NEW' already exists in park 'P'" when the park has
 * one; PL_ERR_USAGE for an empty new code or one equal to the old. `note`
 * may be NULL. */
int pl_parcel_rename(pl_db *db, const char *park, const char *code, const char *new_code, const char *note,
                     pl_error *err);

/* What pl_parcel_edit changes: NULL leaves a column as it is, "" clears it. */
typedef struct pl_parcel_changes {
    const char *name;
    const char *land_use;
    const char *land_use_code;
    const char *const *attr_keys;   /* set attrs[key] = value (a JSON string) */
    const char *const *attr_values;
    size_t nattrs;
    const char *const *clear_attrs; /* remove these keys from attrs */
    size_t nclear;
    const char *note;               /* the history rows' note; may be NULL */
    const char *approval_doc;       /* 批准文号 of the approval for construction use (农用地转用/征收) */
    const char *approved_on;        /* its date YYYY-MM-DD (a real day, not in the future) */
} pl_parcel_changes;

/* Apply `c` to parcel `code` (park as pl_parcel_rename). One history row per
 * changed column (field "name", "land_use", "land_use_code", "approval_doc",
 * "approved_on": the approval the stock ledger's 批而未供 reads,
 * parkland/ledger.h) and per changed
 * attribute (field "attrs.KEY", old/new the values as text, NULL when absent).
 * *changed (may be NULL) gets the number of history rows written; 0 when
 * nothing differs, and then nothing is written. PL_ERR_USAGE for an empty
 * attribute key or one with '"', and for an approved_on that is not a date
 * or is in the future; PL_ERR_NOTFOUND as pl_parcel_rename. */
int pl_parcel_edit(pl_db *db, const char *park, const char *code, const pl_parcel_changes *c, int *changed,
                   pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
