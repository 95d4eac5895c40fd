/*
 * parkland/project.h — signed projects (签约项目): signing a lead onto parcels,
 * milestones, annual investment plans and monthly investment progress.
 * Ownership: see parkland/error.h.
 *
 * A project's stage is derived from its actual milestone dates, never stored:
 *   signed 已签约 → land_supplied 已供地 (actual land) → construction 在建
 *   (actual construction start) → production 已投产 → verified 已达产;
 *   terminated 已终止 (project.terminated_on set) overrides them all.
 * Signing an investment agreement (投资协议) transfers no land: it holds the
 * parcels for the project, reserved (预留) or, with `list`, listed (挂牌) for
 * 招拍挂. Recording the actual land supply (出让合同/交地) moves the parcels it
 * holds to 'transferred' (已出让); an actual construction start to
 * 'construction', production to 'production', verification to 'verified'.
 *
 * Money is 万元, investment intensity 万元/亩, tax and output per mu
 * 万元/亩·年, energy per output 吨标准煤/万元, FAR a ratio.
 */
#ifndef PARKLAND_PROJECT_H
#define PARKLAND_PROJECT_H

#include <stddef.h>

#include "parkland/db.h"
#include "parkland/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Derived stages in order; NULL-terminated. */
extern const char *const pl_project_stage_ids[];
const char *pl_project_stage_zh(const char *id);
const char *pl_project_stage_en(const char *id);
/* Stage id for an id, a Chinese or an English label (ASCII case ignored);
 * NULL when unknown (static storage). */
const char *pl_project_stage_parse(const char *s);

/* Milestone kinds in order: land, construction, production, verification. */
extern const char *const pl_milestone_kinds[];
const char *pl_milestone_zh(const char *kind); /* 供地, 开工, 投产, 达产验收 */
/* Kind for an id, a Chinese or an English label ("construction start", 开工 →
 * "construction"; ASCII case ignored); NULL when unknown (static storage). */
const char *pl_milestone_parse(const char *s);

/* One committed indicator against one parcel's standard-land indicator. */
typedef struct pl_indicator_check {
    const char *key;      /* investment_intensity, far, tax_per_mu, output_per_mu, energy_per_output */
    const char *label;    /* "投资强度 investment intensity" (static) */
    const char *unit;     /* "万元/亩", "" for FAR … (static) */
    const char *rule;     /* "≥", "≤" or "within" (FAR) */
    double committed;     /* NAN: not committed */
    double required;      /* NAN: the parcel sets none (FAR: the minimum) */
    double required_max;  /* FAR maximum; NAN otherwise */
    int shortfall;        /* the commitment misses the requirement, or is missing while required */
} pl_indicator_check;

#define PL_INDICATOR_CHECKS 5

/* One shortfall of a signing: the parcel, the check and a ready sentence
 * ("QDIP-2024-001: 投资强度 investment intensity: committed 250.00 万元/亩, required ≥ 300.00 万元/亩"). */
typedef struct pl_shortfall {
    char parcel[64];
    pl_indicator_check check;
    char text[320];
} pl_shortfall;

typedef struct pl_project_sign_options {
    const char *lead;              /* lead code (required) */
    const char *const *parcels;    /* parcel codes (at least one) */
    size_t nparcels;
    const char *park;              /* park of the parcels; NULL: codes must be unique across parks */
    const char *code;              /* project code; NULL: "P-<LEAD>" */
    const char *date;              /* signing date; NULL: today */
    double investment;             /* committed investment, 万元; NAN: none */
    double investment_intensity;   /* 万元/亩; NAN: pl_investment_intensity(investment, parcels' area) */
    double far;                    /* committed FAR */
    double tax_per_mu, output_per_mu, energy_per_output;
    const char *land_by, *start_by, *production_by, *verify_by; /* planned milestone dates */
    int accept_shortfall;          /* sign despite shortfalls (needs note) */
    const char *note;              /* kept in history (and as project.shortfall_note when accepting) */
    int list;                      /* put the parcels on listing (挂牌) instead of reserving them (预留) */
} pl_project_sign_options;

void pl_project_sign_options_init(pl_project_sign_options *o);

typedef struct pl_project_sign_result {
    char code[64];
    char signed_on[16];            /* the signing date used (YYYY-MM-DD) */
    long project_id;               /* 0 when refused */
    double area_m2;                /* the parcels' total area */
    double investment_intensity;   /* committed (given or computed), NAN when none */
    int intensity_computed;        /* 1 when computed from the investment */
    int commitments_from_lead;     /* 1: no commitment option was given; the lead's investment, tax
                                      and output are the commitments (below) */
    double investment, tax_per_mu, output_per_mu; /* as committed, NAN when none */
    char lead_park[64];            /* the park signing named for the lead (it had none); "" otherwise */
    pl_shortfall *shortfalls;      /* owned */
    size_t nshortfalls;
    char **problems;               /* parcels that cannot be taken, one sentence each; owned */
    size_t nproblems;
    char **notes;                  /* remarks (a parcel without indicators, an expired reservation); owned */
    size_t nnotes;
} pl_project_sign_result;

/* Sign lead `o->lead` onto the parcels (one transaction): the parcels must
 * be available, listed, or reserved for this lead, and held by no live
 * project; each is held for the project: reserved (预留, no expiry; a lead's
 * reservation is released to the project) or with `o->list` listed (挂牌);
 * a listed parcel stays listed. The lead becomes 'signed'; a lead that named
 * no park gets the parcels' park (when they are in one). Without any
 * commitment option, the lead's investment, tax and output are committed.
 * Committed indicators are checked against every parcel's; any
 * shortfall refuses the signing (PL_ERR_INPUT, listed in `res`) unless
 * accept_shortfall with a note. `res` is always filled and must be released. */
int pl_project_sign(pl_db *db, const pl_project_sign_options *o, pl_project_sign_result *res, pl_error *err);
void pl_project_sign_result_release(pl_project_sign_result *res);

/* Set the planned or the actual date (exactly one non-NULL) of milestone
 * `kind` of project `code`. Actual dates are not in the future, not before
 * signing, and in order (each after the previous kind's actual, which must be
 * there). A first actual land supply moves the parcels the project holds
 * (reserved, listed) to 'transferred'; a first actual construction/production/
 * verification moves them on. `note` (may be NULL) goes to history. */
int pl_project_milestone(pl_db *db, const char *code, const char *kind, const char *planned, const char *actual,
                         const char *note, pl_error *err);

/* Investment completed in month `period` (YYYY-MM, not after this month):
 * `amount` 万元 ≥ 0. Recording a period again replaces it; history keeps the old value. */
int pl_project_progress(pl_db *db, const char *code, const char *period, double amount, const char *note,
                        pl_error *err);

/* Funds in place (到位资金) in month `period`, as pl_project_progress (report kpi's 资金到位率). */
int pl_project_funds(pl_db *db, const char *code, const char *period, double amount, const char *note,
                     pl_error *err);

/* Planned investment of `year`, 万元 ≥ 0 (replaces; history keeps the old value). */
int pl_project_plan(pl_db *db, const char *code, int year, double amount, const char *note, pl_error *err);

/* ---- corrections (issue 13 §2): src/project_fix.c ------------------------------------------ */

/* What `pl_project_edit` changes: NULL / NAN leave a field as it is. */
typedef struct pl_project_changes {
    const char *land_by, *start_by, *production_by, *verify_by; /* planned milestone dates YYYY-MM-DD */
    double investment;            /* 万元 */
    double investment_intensity;  /* 万元/亩 */
    double far, tax_per_mu, output_per_mu, energy_per_output;
    const char *note;             /* kept in every history row of the edit (may be NULL) */
} pl_project_changes;

void pl_project_changes_init(pl_project_changes *c);

/* Change the agreed dates and commitments of project `code` in one
 * transaction: one history row per changed field (entity 'project'; fields
 * 'milestone KIND planned', 'investment', 'investment_intensity', 'far',
 * 'tax_per_mu', 'output_per_mu', 'energy_per_output'). The planned dates stay
 * in milestone order; numbers are ≥ 0. A terminated project is refused.
 * *changed (may be NULL) gets the number of changed fields; 0 writes nothing.
 * PL_ERR_NOTFOUND for no project; on any error nothing is written. */
int pl_project_edit(pl_db *db, const char *code, const pl_project_changes *c, int *changed, pl_error *err);

/* The lead's stage after a termination. */
typedef enum pl_terminate_lead { PL_TERMINATE_LEAD_LOST = 0, PL_TERMINATE_LEAD_INTENT } pl_terminate_lead;

/* What a termination did (caller's storage). */
typedef struct pl_project_terminate_result {
    int released;      /* parcels moved back to available (they were reserved or listed) */
    int kept;          /* parcels kept as they are (transferred or later; see below) */
    char kept_codes[512]; /* their codes, comma-separated ("" when none) */
    char lead_stage[16];  /* the lead's stage after: lost, intent, or unchanged when another project is live */
} pl_project_terminate_result;

/* Terminate (解约/终止) project `code` on `date` (YYYY-MM-DD, not in the future,
 * not before the signing) with `note` (required), in one transaction:
 *  - project.terminated_on = date; its stage becomes 'terminated' and the
 *    alerts report and the map no longer count it from that day;
 *  - its parcels that are reserved or listed go back to available; those
 *    transferred or later keep their status (the land use right was granted:
 *    taking it back is the land office's own decision, recorded with
 *    'parkland parcel status CODE reserve|available --force --note …') and are
 *    named in the history row and in `res`;
 *  - the lead becomes lost (流失) or goes back to intent (意向), unless another
 *    project of the lead is still live.
 * Every change has its history row. A project terminated already is refused. */
int pl_project_terminate(pl_db *db, const char *code, const char *date, const char *note, pl_terminate_lead lead,
                         pl_project_terminate_result *res, pl_error *err);

/* ---- reading ------------------------------------------------------------------------- */

typedef struct pl_milestone_dates {
    const char *planned, *actual; /* YYYY-MM-DD or NULL */
} pl_milestone_dates;

/* One project. Strings live until the callback returns; NULL when empty. */
typedef struct pl_project_row {
    long id;
    const char *code, *lead, *company, *company_en, *country, *industry, *industry_zh;
    const char *signed_on;
    double investment, investment_intensity, far, tax_per_mu, output_per_mu, energy_per_output; /* NAN: none */
    const char *shortfall_note;
    const char *stage;                  /* derived */
    pl_milestone_dates milestones[4];   /* land, construction, production, verification */
    int nparcels;
    const char *parcels;                /* parcel codes, comma-separated */
    double area_m2;
    double invested;                    /* investment completed (sum of progress), 万元 */
    double planned_total;               /* sum of the annual plans, 万元 */
} pl_project_row;

typedef struct pl_project_filter {
    const char *stage; /* derived stage id or Chinese label */
    const char *lead;  /* lead code */
} pl_project_filter;

int pl_project_each(pl_db *db, const pl_project_filter *filter, int (*cb)(const pl_project_row *row, void *ctx),
                    void *ctx, pl_error *err);
/* PL_ERR_NOTFOUND when there is no project `code`. */
int pl_project_get(pl_db *db, const char *code, int (*cb)(const pl_project_row *row, void *ctx), void *ctx,
                   pl_error *err);

/* The parcels of a project with their indicators checked against the commitments. */
typedef struct pl_project_parcel {
    const char *park, *code, *name, *status;
    double area_m2;
    int has_indicators;               /* 0: the parcel has no parcel_indicator row */
    pl_indicator_check checks[PL_INDICATOR_CHECKS];
} pl_project_parcel;

int pl_project_parcels(pl_db *db, const char *code, int (*cb)(const pl_project_parcel *p, void *ctx), void *ctx,
                       pl_error *err);

/* Investment by year: the plan (NAN when none) and what was completed. */
typedef struct pl_project_year {
    int year;
    double planned;
    double completed;
    int months;                       /* months with a progress entry */
} pl_project_year;

int pl_project_years(pl_db *db, const char *code, int (*cb)(const pl_project_year *y, void *ctx), void *ctx,
                     pl_error *err);

/* ---- as a table: the columns of `project list|show --format csv|json` ---------------- */

#define PL_PROJECT_COLS 30
/* Keys (code, lead, company, …, completed_wan, shortfall_note) and bilingual labels of the columns. */
extern const char *const pl_project_col_keys[PL_PROJECT_COLS];
extern const char *const pl_project_col_labels[PL_PROJECT_COLS];

/* The cells of one project (numbers as text with their decimals, NULL when none). */
typedef struct pl_project_cells {
    const char *cell[PL_PROJECT_COLS];
    char buf[11][32];
} pl_project_cells;

/* Fill `c` from `r`; returns c->cell (the strings point into r and c). */
const char *const *pl_project_cells_fill(const pl_project_row *r, pl_project_cells *c);
/* An empty table of the columns (numbers marked numeric); NULL when out of memory. */
pl_table *pl_project_table_new(void);
/* Add `r` as a row: PL_OK or PL_ERR_NOMEM. */
int pl_project_table_add(pl_table *t, const pl_project_row *r);
/* The projects of `filter` (NULL = all), or only project `code` (as stored) when not NULL
 * (PL_ERR_NOTFOUND when none), as a table. *out is the caller's (pl_table_free). */
int pl_project_table(pl_db *db, const pl_project_filter *filter, const char *code, pl_table **out, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
