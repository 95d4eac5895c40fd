/* landing.c — a project's stage, overdue start and landing class as of a date. */
#include "landing.h"

#include "date.h"

#include <string.h>

static int happened(const char *date, const char *as_of)
{
    return date && *date && strcmp(date, as_of) <= 0;
}

void pl_landing_of(int has_project, const char *const actual[PL_MS_KINDS], const char *construction_planned,
                   const char *as_of, pl_landing *out)
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
    long planned, today;
    if (has_project && !happened(actual[PL_MS_CONSTRUCTION], as_of) &&
        pl_date_days(construction_planned, &planned) && pl_date_days(as_of, &today) && planned < today)
        out->overdue_days = today - planned;
    out->overdue = out->overdue_days > 0;
    out->idle = out->overdue_days >= PL_IDLE_DAYS;
    out->reclaim = out->overdue_days >= PL_RECLAIM_DAYS;
    out->cls = out->reclaim ? "reclaim" : out->idle ? "idle" : out->overdue ? "overdue" : out->stage;
}
