/*
 * landing.h — where a project stands as of a date (internal): the stage its
 * milestones reached, how many days its construction start is overdue, and
 * the class of the landing theme. The one rule for the map (export.c: a
 * parcel's class and flags) and the reports (report_alerts.c: late start,
 * idle-land warning, reclaim candidate), so that a parcel is idle on both or
 * on neither.
 *
 * Overdue: a signed project whose effective construction start (agreed, moved
 * by a late handover, extended: parkland/deadline.h) is before the as-of date
 * and that has no actual start on or before it; overdue_days = as-of −
 * effective start. Idle from PL_IDLE_DAYS (365) days, reclaim candidate
 * from PL_RECLAIM_DAYS (730) (parkland/report.h; MLR order 53).
 */
#ifndef PARKLAND_LANDING_H
#define PARKLAND_LANDING_H

#include "parkland/deadline.h"
#include "parkland/report.h" /* PL_IDLE_DAYS, PL_RECLAIM_DAYS */

/* Milestones in the order of pl_milestone_kinds. */
enum { PL_MS_LAND, PL_MS_CONSTRUCTION, PL_MS_PRODUCTION, PL_MS_VERIFICATION, PL_MS_KINDS };

typedef struct pl_landing {
    const char *stage;  /* a stage of the landing classes (vocab.h): "none" without a project,
                         * else signed, land_supplied, construction, production, verified */
    long overdue_days;  /* days the construction start is overdue; 0 when it is not */
    int overdue;        /* overdue_days > 0 */
    int idle;           /* overdue_days >= PL_IDLE_DAYS */
    int reclaim;        /* overdue_days >= PL_RECLAIM_DAYS */
    long land_overdue_days;       /* 交地 overdue (the government's side); 0 when not */
    long completion_overdue_days; /* 竣工 overdue; 0 when not */
    long production_overdue_days; /* 投产 overdue; 0 when not */
    const char *cls;    /* the landing theme's class: reclaim, idle, overdue (start), overdue_completion,
                         * overdue_production, overdue_land, else the stage */
} pl_landing;

/* The landing as of `as_of` (YYYY-MM-DD) of a project (`has_project` 0: no
 * signed project, the class is "none"). actual[k]: the milestone's actual
 * date, NULL or "" when none; a date after as_of has not happened yet.
 * construction_planned: the agreed start, NULL, "" or not a date when none.
 * Static strings in *out. */
/* The same from the effective deadlines (parkland/deadline.h, computed as of
 * `as_of`): the start, completion, production and handover overdue days are
 * theirs (the deadline day itself is not overdue, the next day is). The one
 * the map and the alerts use. */
void pl_landing_of_deadlines(int has_project, const char *const actual[PL_MS_KINDS],
                             const pl_deadline dl[PL_DL_KINDS], const char *as_of, pl_landing *out);

void pl_landing_of(int has_project, const char *const actual[PL_MS_KINDS], const char *construction_planned,
                   const char *as_of, pl_landing *out);

#endif
