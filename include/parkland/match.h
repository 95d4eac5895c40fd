/*
 * parkland/match.h — `match LEAD`: free parcels ranked for a lead, with a
 * stated score (0–100) and one reason per scoring component.
 * Ownership: see parkland/error.h. Results are handed to a callback; their
 * strings live until the callback returns. A pl_match_summary is filled in
 * the caller's storage.
 *
 * Scoring (the same text is in README.md and `parkland match --help`):
 *   area 面积         30  lead land demand vs parcel 亩: full within ±10 %, then linear
 *                         to 0 at ±50 %; beyond the band a parcel smaller than the
 *                         demand gets 4/5 of what a larger one with the same deviation gets
 *   industry 产业     25  the parcel allows the lead's industry or any: full; else 0
 *   investment 投资强度 20 lead investment ÷ the parcel's area (万元/亩, as `project
 *                         sign` computes it: pl_investment_intensity) vs the
 *                         parcel's minimum: full when ≥, proportional below (the
 *                         reason shows the figure by the land demand too)
 *   tax 亩均税收      15  lead expected tax per 亩 vs the parcel's minimum: the same
 *   contiguity 连片   10  within 1 m of a parcel of a project whose lead is in the
 *                         same industry: full; else 0
 * Missing data on either side gives half of the component ("no data").
 * Points are rounded to 0.1 per component; the score is their sum.
 */
#ifndef PARKLAND_MATCH_H
#define PARKLAND_MATCH_H

#include "parkland/db.h"
#include "parkland/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Maximum points of each component (they add up to 100). */
#define PL_MATCH_AREA_MAX 30
#define PL_MATCH_INDUSTRY_MAX 25
#define PL_MATCH_INVESTMENT_MAX 20
#define PL_MATCH_TAX_MAX 15
#define PL_MATCH_CONTIGUITY_MAX 10

enum pl_match_component {
    PL_MATCH_AREA = 0,
    PL_MATCH_INDUSTRY,
    PL_MATCH_INVESTMENT,
    PL_MATCH_TAX,
    PL_MATCH_CONTIGUITY,
    PL_MATCH_NCOMPONENTS
};

/* "area", "industry", "investment", "tax", "contiguity". */
const char *pl_match_component_name(int component);

/* What the caller learns about the lead and the run (all strings copied in). */
typedef struct pl_match_summary {
    char lead[128];
    char company[512];
    char stage[16];            /* new, contacted, visited, intent, lost */
    char industry[64];         /* id, "" when the lead has none */
    char industry_zh[128];
    double land_mu;            /* NAN when not set */
    double investment;         /* 万元, NAN when not set */
    double investment_per_mu;  /* investment ÷ land demand, 万元/亩, NAN when either is missing
                                  (the score uses investment ÷ each parcel's area) */
    double tax_per_mu;         /* 万元/亩·年, NAN when not set */
    long candidates;           /* free parcels counted; only those that can rank are scored */
    long returned;             /* results handed to the callback */
    char warning[512];         /* "" or why the result deserves a second look (lost lead) */
} pl_match_summary;

typedef struct pl_match_options {
    int top;                   /* best N (default 10 when ≤ 0) */
    const char *park;          /* only this park; NULL = every park */
    pl_match_summary *summary; /* optional: filled before the first callback */
} pl_match_options;

void pl_match_options_init(pl_match_options *o);

typedef struct pl_match_reason {
    const char *component;     /* pl_match_component_name */
    double points, max;
    int no_data;               /* the neutral score for missing data */
    const char *text;          /* "面积 area: 需求 120.0 亩, 地块 118.3 亩 (−1.4%) → 30/30" */
} pl_match_reason;

typedef struct pl_match_result {
    int rank;                  /* 1 = best */
    long parcel_id;
    const char *park, *code, *name; /* name may be NULL */
    const char *status;        /* 'available', or 'reserved' (for this lead) */
    double area_m2, area_mu;
    double score;              /* 0–100, sum of the reasons' points */
    pl_match_reason reasons[PL_MATCH_NCOMPONENTS]; /* in enum order */
} pl_match_result;

/* Rank the free parcels (status 'available', or 'reserved' with an open
 * reservation for this lead) for lead `lead_code` and call `cb` for the best
 * `top`, best first (ties: the area closer to the demand, then park code,
 * then parcel code). Only the best `top`
 * are kept while scanning. A non-zero return from `cb` stops and is returned.
 * Refuses an unknown lead or park (PL_ERR_NOTFOUND) and a signed lead
 * (PL_ERR_INPUT); a lost lead is matched with a warning in the summary. */
int pl_match_lead(pl_db *db, const char *lead_code, const pl_match_options *opt,
                  int (*cb)(const pl_match_result *result, void *ctx), void *ctx, pl_error *err);

/* pl_match_lead into a table (parkland/table.h), the columns of `match --format F`: text, one
 * line per reason (rank, park, code, name, area_mu, status, score, reasons); csv and json, one
 * record per parcel (rank, park, code, name, area_m2, area_mu, status, score, then
 * COMPONENT_points and COMPONENT_reason of each component). opt->summary is filled as by
 * pl_match_lead. *out is the caller's (pl_table_free); NULL on failure. */
int pl_match_table(pl_db *db, const char *lead_code, const pl_match_options *opt, pl_table_format fmt,
                   pl_table **out, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
