/*
 * lifecycle.h — parcel status moves (internal; the public face is
 * parkland/lifecycle.h). Shared by the parcel, project and split/merge code.
 */
#ifndef PARKLAND_LIFECYCLE_INTERNAL_H
#define PARKLAND_LIFECYCLE_INTERNAL_H

#include "db_internal.h"

/* Move parcel `parcel_id` to status `to` on `date` (YYYY-MM-DD; NULL = today)
 * inside the CALLER's transaction (no BEGIN/COMMIT here). An illegal move is
 * refused (PL_ERR_INPUT, the message lists the legal ones) unless `force`,
 * which needs a non-empty `note`. Writes the history row (field 'status',
 * old, new, note). Leaving 'reserved' releases the open reservation. */
int pl_parcel_move(pl_db *db, long parcel_id, const char *to, const char *date, const char *note, int force,
                   pl_error *err);

/* Hold parcel `parcel_id` for signed project `project` on `date`, inside the
 * caller's transaction: an available parcel goes to 'reserved' (预留, no
 * reservation row: the project holds it until its land milestone) or, with
 * `list`, to 'listed' (挂牌); a parcel reserved for the lead keeps 'reserved'
 * (its reservation is released, history saying "→ project P") or goes to
 * 'listed'; a listed parcel stays listed. Any other status is refused
 * (PL_ERR_INPUT). status[16] gets the parcel's status after. */
int pl_parcel_hold_for_project(pl_db *db, long parcel_id, int list, const char *project, const char *date,
                               const char *note, char status[16], pl_error *err);

/* 1 when the table of design.md allows from → to. */
int pl_parcel_move_is_legal(const char *from, const char *to);

#endif
