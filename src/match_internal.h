/* match_internal.h — what tests/test_match.c may reach inside src/match.c. */
#ifndef PARKLAND_MATCH_INTERNAL_H
#define PARKLAND_MATCH_INTERNAL_H

/* How contiguity is looked up for the candidates left (src/match.c,
 * plan_contiguity): by cost, or one way forced. */
typedef enum pl_match_plan {
    PL_MATCH_PLAN_COST,          /* the cheapest of the three below */
    PL_MATCH_PLAN_BY_CANDIDATE,  /* one R*Tree search per candidate */
    PL_MATCH_PLAN_BY_PROJECT,    /* one per project parcel, then lookups */
    PL_MATCH_PLAN_PASS,          /* one pass over the whole R*Tree (when its ids allow) */
    PL_MATCH_NPLANS
} pl_match_plan;

/* Tests only: the plan every match uses (PL_MATCH_PLAN_COST outside tests).
 * Not part of the API. */
extern pl_match_plan pl_match_test_plan;

#endif
