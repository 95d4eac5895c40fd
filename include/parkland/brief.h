/*
 * parkland/brief.h — `lead brief LEAD`: a PDF for an investor, one A4 page
 * per candidate parcel of `match LEAD` (best first): the parcel within its
 * park (the park's other parcels in grey, north arrow and scale bar), its
 * facts and indicators, the match score with the reason of each component,
 * in Chinese and English, and the park's contacts (pl_park_contact_get, set
 * with pl_park_edit_contact), or that none are on record. The drawing is
 * gis/pdf_brief.c's; src/brief.c only queries.
 *
 * Ownership: see parkland/error.h. The result is a plain struct.
 */
#ifndef PARKLAND_BRIEF_H
#define PARKLAND_BRIEF_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pl_brief_result {
    char lead[128];
    int pages;         /* one per candidate */
} pl_brief_result;

/* Write the brief of lead `lead` for its best `top` candidates (≤ 0: 5) to
 * `path` as pl_export_file writes (a temporary file renamed into place; an
 * existing file only with `force`). Refuses what pl_match_lead refuses, and
 * a lead with no candidate (PL_ERR_INPUT, nothing written). */
int pl_lead_brief_file(pl_db *db, const char *lead, int top, const char *path, int force, pl_brief_result *res,
                       pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
