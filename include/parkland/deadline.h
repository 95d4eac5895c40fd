/*
 * parkland/deadline.h — the deadlines of a transfer contract (出让合同) per
 * project (issue 15 §1; domain.md §11):
 *   land        交地  the handover, the government's side;
 *   construction 开工, completion 竣工, production 投产, verification 达产:
 *               the company's side.
 * Each has an agreed date and an actual date (the milestone table: `project
 * milestone CODE KIND --planned D | --actual D`; 竣工 is kind 'completion').
 *
 * The effective deadline — what every alert, map class and rate uses — is
 * (pl_deadlines_compute, the one rule):
 *   land: the agreed date;
 *   the company's deadlines: the agreed date moved by the handover delay
 *   (actual 交地 − agreed 交地, when the land was handed over late on or
 *   before the as-of date: an exemption, written to history with the reason
 *   when the actual 交地 is recorded), then, for construction and completion,
 *   the new date of an extension (延期开工 / 延期竣工, `project extend`)
 *   agreed on or before the as-of date when it is later.
 * A deadline is due on the as-of date when the effective date is on or before
 * it; overdue when it is before it and no actual date is on or before it (the
 * deadline day itself is not overdue, the next day is); met on time when the
 * actual date is on or before the effective date.
 *
 * Ownership: see parkland/error.h. Nothing here allocates for the caller.
 */
#ifndef PARKLAND_DEADLINE_H
#define PARKLAND_DEADLINE_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_deadline_kind {
    PL_DL_LAND = 0,     /* 交地 */
    PL_DL_START,        /* 开工 */
    PL_DL_COMPLETION,   /* 竣工 */
    PL_DL_PRODUCTION,   /* 投产 */
    PL_DL_FULL,         /* 达产 */
    PL_DL_KINDS
} pl_deadline_kind;

/* The milestone kinds of the deadlines: land, construction, completion, production, verification. */
extern const char *const pl_deadline_ids[PL_DL_KINDS];
/* 交地, 开工, 竣工, 投产, 达产 and English labels (static). */
const char *pl_deadline_zh(pl_deadline_kind k);
const char *pl_deadline_en(pl_deadline_kind k);
/* "construction"/"start"/开工 → PL_DL_START, "completion"/竣工 → PL_DL_COMPLETION, …; -1 when unknown. */
int pl_deadline_parse(const char *s);

/* An extension may move a deadline by at most this (domain.md §11): beyond, a warning. */
#define PL_EXTENSION_MAX_YEARS 1

/* What the rule reads: dates YYYY-MM-DD; NULL, "" or not a date: none. */
typedef struct pl_deadline_dates {
    const char *agreed[PL_DL_KINDS];
    const char *actual[PL_DL_KINDS];       /* a date after the as-of date has not happened */
    const char *extended[PL_DL_KINDS];     /* the new date of an extension (start, completion) */
    const char *extended_on[PL_DL_KINDS];  /* the day it was agreed (after the as-of date: not yet; NULL: counts) */
} pl_deadline_dates;

typedef struct pl_deadline {
    char agreed[11];     /* "" when none */
    char effective[11];  /* "" when no agreed date */
    char actual[11];     /* "" when none on or before the as-of date */
    long shift_days;     /* the handover delay that moved it (0: none) */
    int extended;        /* an extension set the effective date */
    int due;             /* effective ≤ as-of */
    int done;            /* an actual date ≤ as-of */
    int on_time;         /* done and actual ≤ effective (or no deadline agreed: 0) */
    long overdue_days;   /* not done and effective < as-of: as-of − effective; else 0 */
} pl_deadline;

/* The effective deadlines as of `as_of` (a valid date) from `in`, into out[PL_DL_KINDS]. */
void pl_deadlines_compute(const pl_deadline_dates *in, const char *as_of, pl_deadline out[PL_DL_KINDS]);

/* The deadlines of project `code` as of `as_of` (NULL: today). PL_ERR_NOTFOUND when no such project. */
int pl_project_deadlines(pl_db *db, const char *code, const char *as_of, pl_deadline out[PL_DL_KINDS],
                         pl_error *err);

/* What `pl_project_extend` did. */
typedef struct pl_extend_result {
    char base[11];       /* the deadline it moves: agreed + handover delay */
    char until[11];
    long days;           /* until − base */
    int beyond_limit;    /* 1: more than PL_EXTENSION_MAX_YEARS after the base (warn; it is recorded) */
    char replaced[11];   /* the earlier extension's date it replaces, "" when none */
} pl_extend_result;

/* Record 延期开工 (kind PL_DL_START) or 延期竣工 (PL_DL_COMPLETION) of project
 * `code` in one transaction: agreement `document` (required), new deadline
 * `until` (after the base deadline), agreed on `date` (NULL: today; not in the
 * future, not before the signing), `note` (may be NULL). A second one replaces
 * the first (history keeps it). A terminated project, a deadline without an
 * agreed date, or one met already are refused (PL_ERR_INPUT). `res` may be NULL. */
int pl_project_extend(pl_db *db, const char *code, pl_deadline_kind kind, const char *document, const char *until,
                      const char *date, const char *note, pl_extend_result *res, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
