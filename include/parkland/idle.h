/*
 * parkland/idle.h — idle land as MLR order 53 (闲置土地处置办法, 2012) defines it,
 * from suspicion to disposal (issue 15 §2).
 *
 * The test, as of a date D, for a parcel that a project holds on D (signed on
 * or before D, not terminated, its hold not ended):
 *   not_started  the project has no actual construction start on or before D
 *                and its effective start (agreed, moved by a late handover,
 *                extended: parkland/deadline.h) is PL_IDLE_DAYS (365) days or
 *                more before D — the rule of the idle-land warning of `report
 *                alerts` and of the landing map (src/landing.c), so that the
 *                three agree: day 364 is not idle, days 365 and 366 are;
 *                counted in days, so an agreed start of 2024-02-29 is idle
 *                from 2025-02-28;
 *   stopped      it started, and the latest inspection on or before D
 *                (parkland/inspect.h) records work stopped since a day at
 *                least 365 days before D, with the area developed LESS than
 *                ⅓ of the parcel's area or the investment spent LESS than
 *                25 % of the project's total (committed) investment — "less
 *                than": exactly ⅓ or exactly 25 % is not idle (order 53,
 *                art. 2: 不足三分之一 / 不足百分之二十五). A figure the
 *                inspection does not record does not count either way.
 *
 * A case per parcel (idle_case), its stage as of D:
 *   suspected 疑似闲置  found by the test on D (computed, not stored);
 *   confirmed 认定闲置  pl_idle_confirm: decision number and date; the parcel's
 *                       status becomes idle 闲置 (lifecycle's move, history);
 *   disposed  处置      pl_idle_dispose fee (征收闲置费: 20 % of the recorded
 *                       transfer price) or delay (延期开工 to a new date: for a
 *                       case of a start not made, also the project's start
 *                       extension, pl_project_extend's record, with the
 *                       decision number as its document, in the same
 *                       transaction);
 *   closed    已结案    pl_idle_dispose reclaim (收回, pl_parcel_reclaim's
 *                       rule: the parcel goes back to the land bank, the
 *                       project's hold ends) or exempt (排除: government delay,
 *                       force majeure; the reason required). An exemption
 *                       finds no idle land: a parcel that 认定 made idle 闲置
 *                       gets back the status it had before (its last move to
 *                       idle in the history, e.g. transferred), with a history
 *                       row noting the exemption; any other keeps its status.
 * A recorded case shows as of D from the day it was recorded (found_on) with
 * the stage its dates reached by D; before that day the parcel is tested
 * like any other. Every step writes a history row on the parcel (field
 * 'idle_case', old and new stage, effective the step's date) with the account.
 *
 * Ownership: see parkland/error.h. pl_idle_cases' array is the caller's
 * (free()).
 */
#ifndef PARKLAND_IDLE_H
#define PARKLAND_IDLE_H

#include <stddef.h>

#include "parkland/db.h"
#include "parkland/reclaim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_idle_stage {
    PL_IDLE_SUSPECTED = 0,
    PL_IDLE_CONFIRMED,
    PL_IDLE_DISPOSED,
    PL_IDLE_CLOSED,
    PL_IDLE_STAGES
} pl_idle_stage;

/* "suspected", "confirmed", "disposed", "closed" (static storage). */
const char *pl_idle_stage_id(pl_idle_stage s);

typedef enum pl_idle_disposal {
    PL_IDLE_FEE = 0, /* 征收闲置费 */
    PL_IDLE_DELAY,   /* 延期开工 */
    PL_IDLE_RECLAIM, /* 收回 */
    PL_IDLE_EXEMPT   /* 排除 */
} pl_idle_disposal;

/* "fee|delay|reclaim|exempt" (also 闲置费, 延期, 收回, 排除) → disposal; -1 when unknown. */
int pl_idle_disposal_parse(const char *s);
/* "fee", "delay", "reclaim", "exempt" (static storage). */
const char *pl_idle_disposal_id(pl_idle_disposal d);

/* Why a parcel is (or was found) idle: the facts of the test. */
typedef struct pl_idle_evidence {
    char basis[16];          /* "not_started" or "stopped" */
    char as_of[11];          /* the day the facts are of */
    char idle_since[11];     /* effective start (not_started) or stopped since (stopped) */
    char agreed_start[11];
    char inspected_on[11];   /* stopped: the inspection */
    double area_m2, built_area_m2, invested_wan, investment_wan; /* stopped; NAN: not recorded */
    char project[64];
} pl_idle_evidence;

/* The evidence as one line in the current language (parkland/i18n.h). */
void pl_idle_evidence_text(const pl_idle_evidence *e, char *buf, size_t len);

typedef struct pl_idle_case {
    char park[64], parcel[128];
    pl_idle_stage stage;     /* as of the date */
    int recorded;            /* 1: a stored case; 0: suspected by the test on the date */
    long days;               /* days idle: from idle_since to the date (to closed_on once closed) */
    char found_on[11];       /* recorded on ("" when not recorded) */
    pl_idle_evidence ev;
    char company[256];
    char decision_no[64], confirmed_on[11];
    char disposal[16], disposed_on[11]; /* the latest disposal as of the date; "" when none */
    double fee_wan, price_wan;          /* NAN when no fee */
    char delay_until[11];
    char closed_on[11];
    char note[256];
} pl_idle_case;

/* The test for one parcel on `as_of`: *idle 1 and *ev filled when it holds.
 * PL_ERR_NOTFOUND / PL_ERR_USAGE as pl_parcel_find. Reads only. */
int pl_idle_test(pl_db *db, const char *park, const char *code, const char *as_of, int *idle, pl_idle_evidence *ev,
                 pl_error *err);

/* Every case as of `as_of` (YYYY-MM-DD; NULL = today) of `park` (NULL = all):
 * recorded cases (closed ones only when include_closed) and the parcels the
 * test finds idle without one, ordered by park and parcel code. *out (the
 * caller's, free()) and *n. PL_ERR_USAGE (bad date), PL_ERR_NOTFOUND (park). */
int pl_idle_cases(pl_db *db, const char *as_of, const char *park, int include_closed, pl_idle_case **out, size_t *n,
                  pl_error *err);

/* 认定闲置: record the decision `decision_no` (required, non-empty) on `date`
 * (NULL = today; not in the future) for parcel `code`, which must be
 * suspected on that date (the test holds) and have no open case; the
 * parcel's status becomes idle 闲置 (from transferred or construction, as the
 * lifecycle allows). One transaction. Refusals: PL_ERR_USAGE (no decision
 * number, bad date), PL_ERR_NOTFOUND, PL_ERR_INPUT (not idle on the date,
 * already confirmed, a closed case, the status move refused). */
int pl_idle_confirm(pl_db *db, const char *park, const char *code, const char *decision_no, const char *date,
                    const char *note, pl_error *err);

typedef struct pl_idle_dispose_options {
    const char *date;  /* NULL = today; not in the future */
    const char *until; /* delay: the new start date, required, after date */
    const char *note;  /* exempt: the reason, required */
} pl_idle_dispose_options;

typedef struct pl_idle_dispose_result {
    char park[64], parcel[128];
    pl_idle_stage stage;     /* after */
    double fee_wan, price_wan; /* fee: 20 % of the transfer price; else NAN */
    long delay_days;         /* delay: days from date to until */
    int delay_beyond_year;   /* delay: until is more than one year after date (a warning, not a refusal) */
    pl_reclaim_result reclaim; /* reclaim: what pl_parcel_reclaim did */
} pl_idle_dispose_result;

/* 处置 of parcel `code` on opt->date. fee, delay and reclaim need a confirmed
 * (or disposed) case; exempt takes a suspected parcel too (the case is then
 * recorded closed) and gives an idle parcel its status before the case
 * back. fee needs the parcel's transfer price
 * (pl_parcel_set_transfer_price). reclaim moves the parcel to reserve through
 * pl_parcel_reclaim's rule. A closed case takes nothing more. One
 * transaction; `result` may be NULL. Refusals: PL_ERR_USAGE (bad date, delay
 * without until or until not after date, exempt without a reason),
 * PL_ERR_NOTFOUND, PL_ERR_INPUT (no confirmed case: "not confirmed idle",
 * closed case, no transfer price, reclaim refused). */
int pl_idle_dispose(pl_db *db, const char *park, const char *code, pl_idle_disposal what,
                    const pl_idle_dispose_options *opt, pl_idle_dispose_result *result, pl_error *err);

/* The transfer price (成交价, 万元, > 0) of parcel `code`, in history (field
 * 'transfer_price_wan'); *old (may be NULL) gets the previous one, NAN when none. */
int pl_parcel_set_transfer_price(pl_db *db, const char *park, const char *code, double wan, const char *note,
                                 double *old, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
