/*
 * parkland/lifecycle.h — parcel status (land availability) and reservations.
 *
 * The legal moves are the table of design.md "Parcel status":
 *   reserve      储备   → available
 *   available    可供   → reserved, listed, reserve
 *   reserved     预留   → available, listed, transferred
 *   listed       挂牌   → transferred, available
 *   transferred  已出让 → construction, idle
 *   construction 在建   → production, idle
 *   production   投产   → verified
 *   verified     达产   → (final)
 *   idle         闲置   → construction, reserve (reclaimed), available (reclaimed)
 * A parcel that is idle — its status idle, or held by a project whose
 * construction start is PL_IDLE_DAYS overdue — moved to reserve or available
 * is reclaimed (parkland/reclaim.h: the project's hold ends, its alerts for the
 * parcel close, the maps show it reclaimed), from any status and unforced.
 * Any other move is refused with the list of legal ones, unless forced with a
 * note; a forced move is recorded in history with the note prefixed "forced: ".
 * Moving to `available` also needs the parcel's standard-land indicators
 * (parcel_indicator row; see parkland/indicators.h), unless forced.
 * Moving to `reserved` opens a reservation (optional lead, expiry date);
 * leaving `reserved` releases it (released_on = the move's date).
 *
 * Ownership: see parkland/error.h. Nothing here allocates for the caller.
 */
#ifndef PARKLAND_LIFECYCLE_H
#define PARKLAND_LIFECYCLE_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A reservation without --expires lasts this many days from its date. */
#define PL_RESERVATION_DEFAULT_DAYS 90

typedef struct pl_status_options {
    const char *date;    /* effective date YYYY-MM-DD (a real calendar date); NULL = today */
    const char *note;    /* free text for history; required (non-empty) when force */
    int force;           /* override the table (and the indicators rule for 'available') */
    const char *lead;    /* moving to 'reserved': lead code the parcel is held for; NULL = none */
    const char *expires; /* moving to 'reserved': expiry date; NULL = date + PL_RESERVATION_DEFAULT_DAYS */
} pl_status_options;

/* What a successful move did (all strings NUL-terminated, caller's storage). */
typedef struct pl_status_result {
    char park[64], code[128];
    char from[16], to[16]; /* status ids */
    char date[11];         /* effective date */
    int forced;            /* 1 when --force was given */
    long reservation_id;   /* the reservation opened (moving to reserved), else 0 */
    char expires[11];      /* its expiry, else "" */
    long released_id;      /* the reservation released (leaving reserved), else 0 */
    /* Moving an idle parcel to reserve or available reclaims it (parkland/reclaim.h): */
    int reclaimed;          /* 1 when the move was a reclaim */
    char reclaimed_from[64];/* the project whose hold ended, "" when none held it */
    long overdue_days;      /* how late its construction start was */
    int project_terminated; /* 1 when it was the project's last parcel: the project ended */
    char lead[64], lead_stage[16]; /* the project's lead and its stage after */
} pl_status_result;

/* Move parcel `code` (of `park`; NULL when the code is unique across parks)
 * to `status`, in one transaction, writing history (field 'status', effective
 * date in history.effective). `opt` may be NULL (today, no note, not forced);
 * `result` may be NULL. Refusals: PL_ERR_USAGE (unknown status, bad date,
 * --force without a note, --lead/--expires when not reserving),
 * PL_ERR_NOTFOUND (no such parcel or lead), PL_ERR_INPUT (illegal move, no
 * indicators for 'available', lead lost, expiry not after the date). The
 * database is unchanged on any refusal. 'retired' is set only by split/merge. */
int pl_parcel_set_status(pl_db *db, const char *park, const char *code, const char *status,
                         const pl_status_options *opt, pl_status_result *result, pl_error *err);

/* 1 when the table allows from → to (both status ids), else 0. */
int pl_parcel_status_is_legal(const char *from, const char *to);

/* The statuses `from` may go to, NULL-terminated (static storage; empty for
 * 'verified', NULL for an unknown status). */
const char *const *pl_parcel_status_next(const char *from);

#ifdef __cplusplus
}
#endif
#endif
