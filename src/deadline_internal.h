/*
 * deadline_internal.h — what project.c and idle.c ask of deadline.c (internal).
 */
#ifndef PARKLAND_DEADLINE_INTERNAL_H
#define PARKLAND_DEADLINE_INTERNAL_H

#include "db_internal.h"
#include "parkland/deadline.h"

/* The agreed or the actual 竣工 (exactly one non-NULL) of project `code`, in
 * its own transaction (pl_project_milestone hands kind 'completion' here). */
int pl_deadline_completion(pl_db *db, const char *code, const char *planned, const char *actual, const char *note,
                           pl_error *err);

/* Inside the caller's transaction, when the actual 交地 `actual` of project
 * `project_id` is later than the agreed `agreed` (either may be "" or NULL:
 * nothing): one history row (field 'deadline exemption') saying that the
 * company's later deadlines move by the delay, and why. */
int pl_deadline_handover_in_tx(pl_db *db, long project_id, const char *code, const char *agreed, const char *actual,
                               pl_error *err);

/* pl_project_extend inside the caller's transaction (the caller rolls back
 * on an error); `res` must not be NULL. idle.c's 延期开工 disposal records
 * the project's start extension through it. */
int pl_project_extend_in_tx(pl_db *db, const char *code, pl_deadline_kind kind, const char *document,
                            const char *until, const char *date, const char *note, pl_extend_result *res,
                            pl_error *err);

/* Day number (pl_date_days) back to YYYY-MM-DD (out ≥ 11 bytes). */
void pl_deadline_date_of(long days, char out[11]);

#endif
