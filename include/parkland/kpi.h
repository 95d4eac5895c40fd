/*
 * parkland/kpi.h — the figures the province scores, per park, as of a date
 * (issue 15 §4; domain.md §11), each with its numerator, denominator and the
 * park's target. The projects counted: signed on or before D and not
 * terminated by D, in every park they hold parcels in (the total counts each
 * once). Deadlines are the effective ones (parkland/deadline.h).
 *
 *   start_rate               开工率: started by D ÷ effective start ≤ D (as design.md's
 *                            开工率: a project started early counts in the numerator only);
 *   on_time_start_rate       按期开工率: started on or before the effective start ÷ start due;
 *   completion_rate          竣工率: completed (竣工) by D ÷ effective completion ≤ D;
 *   on_time_completion_rate  按期竣工率: completed on or before the effective completion ÷ due;
 *   performance_rate         履约率: projects meeting every due commitment (开工, 竣工, 投产,
 *                            达产 each met on or before its effective deadline) ÷ projects with
 *                            at least one commitment due;
 *   funds_rate               资金到位率: funds in place (project_funds, months ≤ D's) ÷
 *                            committed investment (projects with a committed investment);
 *   invest_rate              年度投资完成率: investment progress of D's year up to D's month ÷
 *                            the plans of D's year (as the landing report).
 * A zero denominator gives no rate (NAN) and no verdict.
 *
 * Targets (percent): the park's own, else the global one, else the default
 * (开工率 90, 投资完成率 80, 资金到位率 80, 按期竣工率 100; the others none).
 * Ownership: see parkland/error.h.
 */
#ifndef PARKLAND_KPI_H
#define PARKLAND_KPI_H

#include <stddef.h>

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_kpi_id {
    PL_KPI_START = 0,
    PL_KPI_ON_TIME_START,
    PL_KPI_COMPLETION,
    PL_KPI_ON_TIME_COMPLETION,
    PL_KPI_PERFORMANCE,
    PL_KPI_FUNDS,
    PL_KPI_INVEST,
    PL_KPIS
} pl_kpi_id;

/* "start_rate", … (the order above), Chinese and English labels; static storage. */
const char *pl_kpi_key(pl_kpi_id k);
const char *pl_kpi_zh(pl_kpi_id k);
const char *pl_kpi_en(pl_kpi_id k);
/* The option of `park targets` ("start-rate", …); static storage. */
const char *pl_kpi_option(pl_kpi_id k);
/* Key, option name or Chinese label → id; -1 when unknown. */
int pl_kpi_parse(const char *s);
/* The default target in percent; NAN when none. */
double pl_kpi_default_target(pl_kpi_id k);

typedef struct pl_kpi_figure {
    double num, den;   /* numerator and denominator (projects, or 万元 for funds and investment) */
    double pct;        /* 100 × num ÷ den; NAN when den is 0 */
    double target;     /* percent; NAN when none */
    int met;           /* 1 met (pct ≥ target), 0 not met, -1 no target or no rate */
} pl_kpi_figure;

typedef struct pl_kpi_park {
    char park[64];     /* park code; "" for the total of all parks */
    char name[128];    /* park name; "" for the total */
    int projects;      /* projects counted */
    pl_kpi_figure fig[PL_KPIS];
} pl_kpi_park;

/* The figures of every park (or only `park` when not NULL; PL_ERR_NOTFOUND
 * when none) as of `as_of` (NULL: today), ordered by park code, then the total
 * row (park ""; global targets). *out is the caller's (free()); *n its rows.
 * Reads only. */
int pl_kpi_by_park(pl_db *db, const char *as_of, const char *park, pl_kpi_park **out, size_t *n, pl_error *err);

/* Set the target of `kpi` for `park` (NULL: the global target) to `pct`
 * (0–100; NAN removes it, back to the global/default), with history (entity
 * 'park', field 'target KEY'; the global one under the code '*'). */
int pl_kpi_set_target(pl_db *db, const char *park, pl_kpi_id kpi, double pct, pl_error *err);

/* The target in force for `park` (NULL: global): PL_OK and *pct (NAN: none);
 * *source (may be NULL) gets "park", "global" or "default". */
int pl_kpi_target(pl_db *db, const char *park, pl_kpi_id kpi, double *pct, const char **source, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
