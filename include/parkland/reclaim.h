/*
 * parkland/reclaim.h — taking idle land back (收回闲置土地, issue 13 §2).
 *
 * A parcel is idle when its status is idle 闲置, or when the project that
 * holds it (signed, not terminated, its hold not ended) has not started
 * construction PL_IDLE_DAYS (365) days after the agreed start — the rule of
 * the idle-land warning of `report alerts` and of the landing map.
 *
 * Reclaiming it, on a date:
 *   - the parcel goes to reserve 储备 or available 可供 (a status history
 *     row with the note; no --force needed from transferred or construction;
 *     available still needs the standard-land indicators);
 *   - the project's hold on the parcel ends: project_parcel.reclaimed_on is
 *     the date; history rows 'reclaimed' on the project (old: the parcel)
 *     and 'project' on the parcel (old: the project), effective that day;
 *   - the project's alerts for the parcel close (reports as of the date on
 *     leave the parcel out of the project's alerts);
 *   - when it was the project's last parcel, the project is terminated
 *     (stage terminated 已终止, history 'terminated') and its lead becomes
 *     lost 流失 (unless another live project of the lead remains);
 *   - the availability and landing maps show the parcel as reclaimed 已收回
 *     while it stays reserve or available.
 * One transaction; the database is unchanged on any refusal.
 *
 * Ownership: see parkland/error.h. Nothing here allocates for the caller.
 */
#ifndef PARKLAND_RECLAIM_H
#define PARKLAND_RECLAIM_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a reclaim did (caller's storage, NUL-terminated strings). */
typedef struct pl_reclaim_result {
    char park[64], code[128];
    char from[16], to[16]; /* status ids */
    char date[11];
    char project[64];      /* the project whose hold ended; "" when none held the parcel */
    long overdue_days;     /* how late its construction start was on the date (0: none, or status idle) */
    int project_terminated;/* 1 when it was the project's last parcel */
    char lead[64];         /* the project's lead, "" when none */
    char lead_stage[16];   /* the lead's stage after the reclaim, "" when none */
} pl_reclaim_result;

/* Reclaim idle parcel `code` (of `park`; NULL when the code is unique across
 * parks) to `to` ("reserve" or "available", ids or labels; NULL: reserve) on
 * `date` (YYYY-MM-DD, not in the future; NULL: today) with `note` (may be
 * NULL). An idle parcel that no project holds (status idle) is simply moved.
 * `result` may be NULL (else zeroed on a refusal). Refusals: PL_ERR_USAGE
 * (another status, bad date), PL_ERR_NOTFOUND (no such parcel), PL_ERR_INPUT
 * ("parcel 'X' is not idle …": neither status idle nor held by an idle
 * project on the date — a project signed after the date does not hold it;
 * the date in the future; available without indicators). */
int pl_parcel_reclaim(pl_db *db, const char *park, const char *code, const char *to, const char *date,
                      const char *note, pl_reclaim_result *result, pl_error *err);

#ifdef __cplusplus
}
#endif

#endif
