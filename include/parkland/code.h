/*
 * parkland/code.h — the code a user wrote, found as the database holds it:
 * the one dialect of codes (issue 13). Ownership: see parkland/error.h.
 */
#ifndef PARKLAND_CODE_H
#define PARKLAND_CODE_H

#include <stddef.h>

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_code_kind { PL_CODE_PARCEL, PL_CODE_LEAD, PL_CODE_PROJECT, PL_CODE_PARK } pl_code_kind;

/* How pl_code_resolve found the code. */
typedef enum pl_code_match {
    PL_CODE_EXACT = 0, /* stored as written */
    PL_CODE_CASE,      /* the one code equal to it ignoring ASCII case (qdip-2024-006) */
    PL_CODE_LABEL,     /* parcels: the one whose map label — the part of the code after
                          its last '-', as the HTML map prints it — is it (006) */
} pl_code_match;

/* The stored code that `text` names, into *out (malloc'd: the caller frees
 * it; NULL on error), and how (*match, may be NULL): itself when stored; else the one code equal to it ignoring case;
 * else, for parcels, the one parcel whose map label is it (ignoring case).
 * Parcels are looked for in `park` when it is not NULL, else in every park.
 * PL_ERR_USAGE when several codes match (they are listed); PL_ERR_NOTFOUND
 * "no parcel 'X'" (" in park 'P'"), "no lead 'X'", "no project 'X'", "no park
 * 'X'", with " (did you mean 'A' or 'B'?)" naming the nearest codes by edit
 * distance, searched among the codes of about the same length (a park with
 * no near code: "no park 'X' (see 'parkland park list')"). */
int pl_code_resolve(pl_db *db, pl_code_kind kind, const char *park, const char *text, char **out,
                    pl_code_match *match, pl_error *err);

#ifdef __cplusplus
}
#endif

#endif
