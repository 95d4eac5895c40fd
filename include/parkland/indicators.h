/*
 * parkland/indicators.h — standard-land (标准地) control indicators of parcels
 * and park defaults/thresholds, checked against the national control table
 * (工业项目建设用地控制指标, loaded at init from data/national_controls.csv)
 * and against the park's own thresholds.
 *
 * Units: investment intensity and base price 万元/亩; tax and output per mu
 * 万元/亩·年; energy 吨标准煤/万元; coverage, admin share and green ratio in %
 * (0–100); FAR is a ratio; term in years.
 *
 * Ownership: see parkland/error.h. A pl_indicators is a plain value (no
 * pointers). A pl_indicator_warnings filled by the library is released by the
 * caller with pl_indicator_warnings_release.
 */
#ifndef PARKLAND_INDICATORS_H
#define PARKLAND_INDICATORS_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every indicator; the order is the display order. */
typedef enum pl_ind_field {
    PL_IND_INVESTMENT_INTENSITY = 0, /* 固定资产投资强度 ≥, 万元/亩 */
    PL_IND_FAR_MIN,                  /* 容积率下限 */
    PL_IND_FAR_MAX,                  /* 容积率上限 */
    PL_IND_TAX_PER_MU,               /* 亩均税收 ≥, 万元/亩·年 */
    PL_IND_OUTPUT_PER_MU,            /* 亩均产值 ≥, 万元/亩·年 */
    PL_IND_ENERGY_PER_OUTPUT,        /* 单位产值能耗 ≤, 吨标准煤/万元 */
    PL_IND_BUILDING_COVERAGE_MIN,    /* 建筑系数下限, % */
    PL_IND_ADMIN_SHARE_MAX,          /* 行政办公及生活服务设施用地比例上限, % */
    PL_IND_GREEN_RATIO_MAX,          /* 绿地率上限, % */
    PL_IND_INDUSTRIES,               /* allowed industry ids (industry table), comma-separated */
    PL_IND_INDUSTRY_CODE,            /* GB/T 4754 2-digit division */
    PL_IND_INDUSTRY_CODE_EDITION,    /* '2002', '2011' or '2017' */
    PL_IND_BASE_PRICE,               /* 起始价, 万元/亩 */
    PL_IND_TERM_YEARS,               /* 出让年限, years (whole, 1–50) */
    PL_IND_THRESHOLD_INVESTMENT_INTENSITY, /* park only: the park's floor, 万元/亩 */
    PL_IND_THRESHOLD_TAX_PER_MU,           /* park only: 万元/亩·年 */
    PL_IND_THRESHOLD_OUTPUT_PER_MU,        /* park only: 万元/亩·年 */
    PL_IND_FIELD_COUNT
} pl_ind_field;

/* The first field that only parks hold. */
#define PL_IND_PARCEL_FIELDS PL_IND_THRESHOLD_INVESTMENT_INTENSITY

typedef enum pl_ind_kind { PL_IND_REAL = 0, PL_IND_INT, PL_IND_TEXT } pl_ind_kind;

typedef struct pl_indicator_info {
    const char *key;    /* column / CSV / JSON key, e.g. "tax_per_mu" */
    const char *option; /* command-line option, e.g. "--tax-per-mu" */
    const char *zh;     /* label, e.g. "亩均税收" */
    const char *en;     /* label, e.g. "tax per mu" */
    const char *unit;   /* e.g. "万元/亩·年"; "" for ratios and codes */
    pl_ind_kind kind;
    int percent;        /* 1: a percentage, 0–100 */
} pl_indicator_info;

/* Static description of a field; NULL when out of range. */
const pl_indicator_info *pl_indicator_field_info(pl_ind_field f);
/* Field of a key ("far_min") or option ("--far-min", "--edition"); -1 when unknown. */
int pl_indicator_field_parse(const char *key_or_option);

/* A set of indicators. A field holds a value when its bit is set in `has`
 * (see pl_indicators_has); unset fields are "not given" (set) or "not set"
 * (get). */
typedef struct pl_indicators {
    unsigned has;       /* bit (1u << field) */
    unsigned clear;     /* set only: bit (1u << field) removes the field's value */
    int present;        /* get: 1 when the parcel/park has an indicator row at all */
    double investment_intensity, far_min, far_max, tax_per_mu, output_per_mu, energy_per_output;
    double building_coverage_min, admin_share_max, green_ratio_max;
    char industries[512];        /* e.g. "it,equipment" */
    char industry_code[8];       /* e.g. "39" */
    char industry_code_edition[8];
    double base_price;
    int term_years;
    double threshold_investment_intensity, threshold_tax_per_mu, threshold_output_per_mu;
    char updated_at[32];         /* get: when the row last changed (UTC ISO 8601) */
} pl_indicators;

/* Empty: no field set. */
void pl_indicators_init(pl_indicators *ind);
static inline int pl_indicators_has(const pl_indicators *ind, pl_ind_field f)
{
    return (int)((ind->has >> (unsigned)f) & 1u);
}
/* Set field `f` from its text form (numbers as written, e.g. "280" or "0.7").
 * "none" marks the field to be cleared (for PL_IND_INDUSTRIES "any" too: no
 * restriction; for PL_IND_INDUSTRY_CODE it clears the edition as well). PL_ERR_USAGE when the text
 * is not a number of the field's kind. Range checks happen when the set is
 * written (pl_parcel_indicators_set / pl_park_indicators_set). */
int pl_indicators_put(pl_indicators *ind, pl_ind_field f, const char *text, pl_error *err);
/* Set a numeric field directly. */
void pl_indicators_put_number(pl_indicators *ind, pl_ind_field f, double v);
/* Numeric value of `f`, NAN when unset or not numeric. */
double pl_indicators_number(const pl_indicators *ind, pl_ind_field f);
/* Text form of `f` ("" when unset): numbers as %.10g, e.g. "280", "0.7". */
void pl_indicators_format(const pl_indicators *ind, pl_ind_field f, char *buf, size_t len);

/* ---- warnings ------------------------------------------------------------ */

typedef struct pl_indicator_warning {
    pl_ind_field field;  /* the indicator that falls short */
    int national;        /* 1: national control table; 0: the park's threshold */
    double value, limit;
    char text[640];      /* bilingual, names the value, the limit and its source */
    int implausible;     /* 1: outside the plausible range (parkland/sanity.h); limit is the bound crossed */
} pl_indicator_warning;

typedef struct pl_indicator_warnings {
    pl_indicator_warning *items; /* owned by the struct */
    size_t n;
} pl_indicator_warnings;

/* Compare `ind` with the national control table and with the thresholds of
 * park `park` (NULL: national only; thresholds set in `ind` itself take
 * precedence over the park's stored ones). National rows: FAR minimum of
 * (industry_code, edition); building coverage minimum and admin share maximum
 * of the industry's row, else the edition's '*' row. Without an industry code
 * the current rules apply (edition 2017 '*' row: 自然资发〔2023〕72号).
 * Then every value outside its plausible range (parkland/sanity.h), marked
 * implausible. `out` is always initialised; release it with pl_indicator_warnings_release. */
int pl_indicators_check(pl_db *db, const char *park, const pl_indicators *ind, pl_indicator_warnings *out,
                        pl_error *err);
void pl_indicator_warnings_release(pl_indicator_warnings *w);

/* ---- parcels and parks ---------------------------------------------------- */

/* The indicators of parcel `code` (park may be NULL when the code is unique).
 * A parcel without indicators gives PL_OK with out->present == 0. */
int pl_parcel_indicators_get(pl_db *db, const char *park, const char *code, pl_indicators *out, pl_error *err);

/* Change the fields set in `changes` (the others keep their values), in one
 * transaction, with one history row per changed field (field = key, note =
 * `note`, may be NULL). Validation (PL_ERR_INPUT, nothing written): numbers
 * finite and ≥ 0, far_min ≤ far_max, percentages 0–100, term 1–50 whole years,
 * industries ids of the industry table, industry code 2 digits with an edition
 * of 2002/2011/2017; PL_ERR_USAGE for park-only fields. `warnings` (may be
 * NULL) receives pl_indicators_check of the result; `changed` (may be NULL)
 * the number of fields that changed. */
int pl_parcel_indicators_set(pl_db *db, const char *park, const char *code, const pl_indicators *changes,
                             const char *note, pl_indicator_warnings *warnings, int *changed, pl_error *err);

/* The park's default indicators and thresholds (out->present == 0 when none). */
int pl_park_indicators_get(pl_db *db, const char *park, pl_indicators *out, pl_error *err);

/* Like pl_parcel_indicators_set for a park (history entity 'park'). Parcels
 * imported into the park afterwards take its defaults; existing ones keep theirs. */
int pl_park_indicators_set(pl_db *db, const char *park, const pl_indicators *changes, const char *note,
                           pl_indicator_warnings *warnings, int *changed, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
