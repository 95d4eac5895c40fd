/*
 * parkland/muni.h — 亩均效益 evaluation (per-mu performance, grades A/B/C/D)
 * of the firms (signed projects) of a year, from their annual figures.
 *
 * Annual figures (annual_figure, per project and year): tax paid 税收 (万元),
 * sales revenue 销售收入 (万元), industrial added value 工业增加值 (万元),
 * energy use 综合能耗 (吨标准煤, tce), R&D spending 研发经费 (万元),
 * employees 从业人员. The land a project uses is the area of the parcels it
 * held on 31 December of the year (a parcel reclaimed later still counts), in 亩.
 *
 * Indicators (domain.md §11, one city's published rule; every number here is
 * a setting, stored in the database, muni_setting):
 *   tax     亩均税收        tax ÷ 亩                      weight 45
 *   sales   亩均销售收入    sales ÷ 亩                    weight 20
 *   energy  单位能耗增加值  added value ÷ energy (万元/tce) weight 15
 *   rd      研发经费投入强度 R&D ÷ sales × 100 (%)          weight 15
 *   labour  全员劳动生产率  added value ÷ employees (万元/人) weight 5
 * An indicator's points = weight × min(max(value, 0) ÷ baseline, cap); the
 * baseline of a setting 0 (the default) is the mean of the indicator over the
 * graded firms of the firm's group; a value that cannot be computed (no
 * energy, no employees, no land) earns 0 points. The score is the sum.
 * Firms above the size threshold (规上: sales ≥ size_threshold 万元, default
 * 2000) are scored on the five; firms below it (规下) on tax per mu alone
 * (100 × min(value ÷ baseline, cap)). Each group is ranked on its own.
 *
 * Grades by percentile: a firm's rank r among the n graded firms of its group
 * (1 = best; equal scores share the better rank) gives the mid-rank
 * percentile p = (r − ½) ÷ n × 100; A when p ≤ cut_a (25), B when p ≤ cut_b
 * (70), C when p ≤ cut_c (95), else D. The mid-rank does not punish small
 * groups (a lone firm is at 50: B; of four, A B B C) and keeps the cut-offs for
 * large ones (of twenty: 5 A, 9 B, 5 C, 1 D).
 *
 * Not graded (treated as B, domain.md §11): projects under construction (no
 * actual production start on or before 31 December of the year), newly
 * producing ones (production started less than min_months months, default 6,
 * before the end of the year: after 1 July for 6), and projects terminated
 * by the end of the year. Producing projects without figures for the year
 * are listed as "no figures" and not graded either.
 *
 * Ownership: see parkland/error.h; a pl_muni_grades is the caller's
 * (pl_muni_grades_release), as is an import result.
 */
#ifndef PARKLAND_MUNI_H
#define PARKLAND_MUNI_H

#include <stddef.h>

#include "parkland/db.h"
#include "parkland/format.h" /* pl_encoding */
#include "parkland/table.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { PL_MUNI_TAX = 0, PL_MUNI_SALES, PL_MUNI_ENERGY, PL_MUNI_RD, PL_MUNI_LABOUR, PL_MUNI_INDICATORS };

/* Indicator ids "tax", "sales", "energy", "rd", "labour"; labels "亩均税收 tax per mu" …; units. */
extern const char *const pl_muni_indicator_ids[PL_MUNI_INDICATORS];
extern const char *const pl_muni_indicator_labels[PL_MUNI_INDICATORS];
extern const char *const pl_muni_indicator_units[PL_MUNI_INDICATORS];

typedef struct pl_muni_settings {
    double weight[PL_MUNI_INDICATORS];   /* 45, 20, 15, 15, 5 */
    double baseline[PL_MUNI_INDICATORS]; /* 0 = the group's mean */
    double cap;                          /* most points an indicator earns, × its weight (2) */
    double cut[3];                       /* A, B, C percentile cut-offs (25, 70, 95) */
    double size_threshold;               /* 规上 when sales ≥ this, 万元 (2000) */
    double min_months;                   /* months of production in the year before grading (6) */
} pl_muni_settings;

/* The city's rule of domain.md §11 (the values in brackets above). */
void pl_muni_settings_default(pl_muni_settings *s);
/* The settings in force: the defaults, overridden by what is stored. */
int pl_muni_settings_get(pl_db *db, pl_muni_settings *s, pl_error *err);
/* Setting keys: weight_tax … weight_labour, baseline_tax … baseline_labour, cap,
 * cut_a, cut_b, cut_c, size_threshold, min_months; NULL-terminated. */
extern const char *const pl_muni_setting_keys[];
/* Store the settings `keys[i]` = `values[i]` (i < n) in one transaction, with
 * history (entity "setting"). Refused (PL_ERR_USAGE, nothing stored): an
 * unknown key; a negative number; weights summing to 0; cap ≤ 0; cut-offs not
 * 0 < a ≤ b ≤ c ≤ 100; min_months above 12. */
int pl_muni_settings_set(pl_db *db, const char *const *keys, const double *values, size_t n, pl_error *err);
/* Forget every stored setting (back to the defaults), with history. */
int pl_muni_settings_reset(pl_db *db, pl_error *err);
/* The settings as a table (key, value, default, meaning). *out is the caller's. */
int pl_muni_settings_table(pl_db *db, pl_table **out, pl_error *err);

/* ---- annual figures: src/muni_import.c ---------------------------------------------------- */

typedef struct pl_muni_import_options {
    int year;              /* the year of rows without a year column (0: the file must have one) */
    pl_encoding encoding;  /* PL_ENCODING_AUTO, UTF-8 or GBK */
    int dry_run;           /* check and count, write nothing */
} pl_muni_import_options;

#define PL_MUNI_IMPORT_MAX_MESSAGES 50

typedef struct pl_muni_import_result {
    char encoding[16], sha256[65];
    long rows, inserted, replaced, blank, refused;
    char **messages;       /* "line N: column 'tax' (税收, field 3): 'abc' is not a number", owned */
    size_t nmessages;
    long messages_dropped;
} pl_muni_import_result;

/* Import the annual figures of the CSV file `path` (UTF-8 with or without
 * BOM, or GBK), one row per project and year, in one transaction: a header
 * row names the columns in English or Chinese (project 项目编号 or company
 * 企业名称, year 年度, tax 税收, sales 销售收入, added_value 工业增加值, energy
 * 综合能耗, rd 研发经费, employees 从业人员, note 备注; a unit in brackets after
 * a name is ignored; a row with both a project and a company must name the
 * project's company, Chinese or English). tax and sales are required, the
 * others may be empty.
 * A row for a project and year already recorded replaces it (history keeps
 * the old figures). Any refused row refuses the file (PL_ERR_INPUT, err
 * "FILE: line N: …", every reason in res->messages); nothing is written.
 * `res` is always filled and must be released. */
int pl_muni_import(pl_db *db, const char *path, const pl_muni_import_options *opt, pl_muni_import_result *res,
                   pl_error *err);
void pl_muni_import_result_release(pl_muni_import_result *res);

/* ---- grades: src/muni.c ------------------------------------------------------------------- */

typedef struct pl_muni_firm {
    char project[64], company[256], park[64];
    char parcels[256];          /* its parcel codes, comma-separated (… when longer) */
    long *parcel_ids;           /* its parcels (nparcels), owned by the pl_muni_grades */
    size_t nparcels;
    double mu;                  /* land used, 亩 */
    char production[11];        /* actual production start, "" when none */
    int has_figures;
    double tax, sales, added_value, energy, rd, employees; /* as imported (NAN: empty) */
    int above_size;             /* 规上 */
    double value[PL_MUNI_INDICATORS];    /* NAN when it cannot be computed */
    double baseline[PL_MUNI_INDICATORS]; /* used (NAN: the indicator is not scored for the group) */
    double points[PL_MUNI_INDICATORS];
    double score;
    const char *excluded;       /* NULL when graded; else "construction", "new", "terminated", "no_figures" */
    long rank, group_n;         /* among the graded firms of its group */
    double percentile;          /* (rank − ½) ÷ group_n × 100 */
    char grade;                 /* 'A'..'D'; 'B' when not graded (treated as B) */
} pl_muni_firm;

typedef struct pl_muni_grades {
    int year;
    pl_muni_settings settings;
    pl_muni_firm *firms;        /* graded first, by group (规上, 规下), rank; then the others by code */
    size_t n;
    long graded, count[4];      /* graded firms; how many A, B, C, D */
} pl_muni_grades;

/* Grade the firms of `year` (1900..9999) of park `park` (NULL: all parks,
 * ranked together). *out is always set and must be released. */
int pl_muni_grade(pl_db *db, int year, const char *park, pl_muni_grades *out, pl_error *err);
void pl_muni_grades_release(pl_muni_grades *g);

/* The firm (of g) holding parcel `parcel_id`, NULL when none: its grade is
 * firm->grade, graded only when firm->excluded is NULL (the ledger's 低效 is a
 * graded 'D'). */
const pl_muni_firm *pl_muni_parcel_firm(const pl_muni_grades *g, long parcel_id);
/* The firm of project `code`, NULL when none. */
const pl_muni_firm *pl_muni_project_firm(const pl_muni_grades *g, const char *code);
/* The latest year with annual figures, 0 when there are none. */
int pl_muni_latest_year(pl_db *db, pl_error *err);

/* "在建 under construction", "新投产 newly producing", … for an excluded id. */
const char *pl_muni_excluded_label(const char *id);

/* The report (parkland/report.h) of the grades: pl_report_build_muni. */

#ifdef __cplusplus
}
#endif
#endif
