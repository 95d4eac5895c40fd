/* landing.c — a project's stage, overdue start and landing class as of a date. */
#include "landing.h"

#include "date.h"

#include <string.h>

static int happened(const char *date, const char *as_of)
{
    return date && *date && strcmp(date, as_of) <= 0;
}

void pl_landing_of_deadlines(int has_project, const char *const actual[PL_MS_KINDS],
                             const pl_deadline dl[PL_DL_KINDS], const char *as_of, pl_landing *out)
{
    memset(out, 0, sizeof *out);
    if (!has_project)
        out->stage = "none";
    else if (happened(actual[PL_MS_VERIFICATION], as_of))
        out->stage = "verified";
    else if (happened(actual[PL_MS_PRODUCTION], as_of))
        out->stage = "production";
    else if (happened(actual[PL_MS_CONSTRUCTION], as_of))
        out->stage = "construction";
    else if (happened(actual[PL_MS_LAND], as_of))
        out->stage = "land_supplied";
    else
        out->stage = "signed";
    if (has_project && !happened(actual[PL_MS_CONSTRUCTION], as_of))
        out->overdue_days = dl[PL_DL_START].overdue_days;
    if (has_project) {
        if (!happened(actual[PL_MS_LAND], as_of))
            out->land_overdue_days = dl[PL_DL_LAND].overdue_days;
        /* 竣工 overdue once started (before it, the start is what is late) */
        if (happened(actual[PL_MS_CONSTRUCTION], as_of) && !happened(actual[PL_MS_PRODUCTION], as_of))
            out->completion_overdue_days = dl[PL_DL_COMPLETION].overdue_days;
        if (!happened(actual[PL_MS_PRODUCTION], as_of))
            out->production_overdue_days = dl[PL_DL_PRODUCTION].overdue_days;
    }
    out->overdue = out->overdue_days > 0;
    out->idle = out->overdue_days >= PL_IDLE_DAYS;
    out->reclaim = out->overdue_days >= PL_RECLAIM_DAYS;
    out->cls = out->reclaim                        ? "reclaim"
               : out->idle                         ? "idle"
               : out->overdue                      ? "overdue"
               : out->completion_overdue_days > 0  ? "overdue_completion"
               : out->production_overdue_days > 0  ? "overdue_production"
               : out->land_overdue_days > 0        ? "overdue_land"
                                                   : out->stage;
}

/* The start alone (no other deadline, no handover or extension). */
void pl_landing_of(int has_project, const char *const actual[PL_MS_KINDS], const char *construction_planned,
                   const char *as_of, pl_landing *out)
{
    pl_deadline_dates in = {.agreed = {NULL, construction_planned, NULL, NULL, NULL}};
    pl_deadline dl[PL_DL_KINDS];
    if (pl_date_valid(as_of))
        pl_deadlines_compute(&in, as_of, dl);
    else
        memset(dl, 0, sizeof dl);
    pl_landing_of_deadlines(has_project, actual, dl, as_of, out);
}
