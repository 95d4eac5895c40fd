/*
 * report_internal.h — what the report files share (internal): the report's
 * tables and the database as of a date, loaded once into memory.
 * report.c: tables, loading, writers; report_availability.c,
 * report_landing.c, report_alerts.c: one report each.
 */
#ifndef PARKLAND_REPORT_INTERNAL_H
#define PARKLAND_REPORT_INTERNAL_H

#include "date.h"
#include "db_internal.h"
#include "vocab.h"
#include "parkland/deadline.h"
#include "parkland/lead.h"
#include "parkland/ledger.h"
#include "parkland/parcel.h"
#include "parkland/project.h"
#include "parkland/report.h"

/* ---- tables ---------------------------------------------------------------------- */

typedef struct rp_table {
    char *key, *title;         /* owned */
    char *note;                /* owned, may be NULL: how the table's rates are made */
    size_t ncols;
    char **col_keys, **labels; /* owned */
    unsigned char *numeric;
    char **cells;              /* rows * ncols, owned, never NULL */
    size_t rows, cap;
} rp_table;

struct pl_report {
    pl_report_kind kind;
    char as_of[11];
    char park[64];             /* "" = every park */
    char caption[160];         /* "截至 as of D" (+ park) */
    rp_table **tables;
    size_t ntables;
    size_t alerts;
};

/* A column: key, label ("状态 status"), numeric flag. */
typedef struct rp_col {
    const char *key, *label;
    int numeric;
} rp_col;

/* Add a table to the report; NULL on ENOMEM. */
rp_table *rp_table_add(pl_report *r, const char *key, const char *title, size_t ncols, const rp_col *cols);
/* Set the table's note (copied); PL_ERR_NOMEM on failure. */
int rp_table_note(rp_table *t, const char *note, pl_error *err);
/* Append a row (NULL cells become ""); PL_ERR_NOMEM on failure. */
int rp_row(rp_table *t, const char *const *cells, pl_error *err);

/* ---- formatting -------------------------------------------------------------------- */

#define RP_DASH "—"            /* a rate with a zero denominator */
#define RP_TOTAL "合计 total"  /* the total row's park / industry */

/* Small rotating buffers for number cells (valid for the next 31 calls). */
const char *rp_int(long v);
const char *rp_num(double v, int decimals);
/* 100 × num ÷ den with one decimal; RP_DASH when den is 0. */
const char *rp_rate(double num, double den);

/* Days from 1970-01-01 of a YYYY-MM-DD date (already validated: pl_date_valid). */
long rp_days(const char *date);

/* ---- the database as of a date ------------------------------------------------------- */

enum { RP_LAND, RP_CONSTRUCTION, RP_PRODUCTION, RP_VERIFICATION, RP_MILESTONES };
/* RP_LAND … RP_VERIFICATION index pl_milestone_kinds and the milestones of vocab.h. */

typedef struct rp_park {
    long id;
    char *code, *name;
} rp_park;

typedef struct rp_parcel {
    long id;
    int park;                  /* index into parks; -1: outside the report (other park) */
    char *code, *name;
    double area_m2;
    char status[16];           /* as of D */
    int has_ind;               /* a parcel_indicator row */
    double ind_intensity, ind_far_min, ind_far_max, ind_tax, ind_output, ind_energy, base_price; /* NAN: none */
    double transfer_price_wan; /* 成交价 (idle price), 万元; NAN: none recorded */
} rp_parcel;

typedef struct rp_lead {
    long id;
    char *code, *company, *industry; /* industry id, NULL when not given */
    int new_economy;
    char stage[16];            /* as of D */
    unsigned char *in_park;    /* nparks flags: the park it negotiates for (lead.park_id), if reported */
    int has_park;              /* it names a park (maybe one outside --park) */
    int counted;               /* exists as of D and is within --park */
} rp_lead;

typedef struct rp_project {
    long id;
    char *code, *company;
    int lead;                  /* index into leads, -1 when the lead does not exist as of D */
    char *industry;            /* the lead's industry id or NULL */
    int new_economy;
    double investment;         /* committed, 万元; NAN: none */
    double intensity, far, tax, output, energy; /* committed indicators; NAN: none */
    char planned[RP_MILESTONES][11], actual[RP_MILESTONES][11]; /* "" when none (actual > D: none) */
    char completion[2][11];    /* 竣工 agreed, actual ("" when none) */
    char extended[PL_DL_KINDS][11], extended_on[PL_DL_KINDS][11]; /* extensions (start, completion) */
    pl_deadline dl[PL_DL_KINDS]; /* the effective deadlines as of D (parkland/deadline.h) */
    size_t *parcels;           /* indexes into parcels */
    size_t nparcels;
    double plan_year, done_year; /* 万元 of D's year (done: up to D's month) */
    unsigned char *in_park;
    int counted;               /* within --park (always 1 without it) */
} rp_project;

typedef struct rp_reservation {
    long id;
    size_t parcel;             /* index into parcels */
    char *lead_code, *company; /* NULL when not for a lead */
    char reserved_on[11], expires_on[11];
} rp_reservation;

typedef struct rp_industry {
    char *id, *name_zh, *name_en;
} rp_industry;

typedef struct rp_data {
    char as_of[11];
    long today;                /* rp_days(as_of) */
    int year, month;
    int filtered;              /* --park given */
    rp_park *parks;
    size_t nparks;
    rp_parcel *parcels;        /* existing as of D, not retired, ordered by id */
    size_t nparcels;
    rp_lead *leads;            /* every lead (see counted), ordered by id */
    size_t nleads;
    rp_project *projects;      /* in force as of D, ordered by id */
    size_t nprojects;
    rp_reservation *res;       /* holding on D (made ≤ D, not released by D) */
    size_t nres;
    rp_industry *industries;
    size_t nindustries;
} rp_data;

int rp_load(pl_db *db, const char *as_of, const char *park, rp_data *d, pl_error *err);
void rp_data_free(rp_data *d);
/* Compute p->dl (the effective deadlines as of d->as_of) from its dates. */
void rp_project_deadlines(const rp_data *d, rp_project *p);
/* Index of parcel `id` in d->parcels, or -1. */
long rp_parcel_index(const rp_data *d, long id);
/* "QDIP,JMIP" parks of a project (buffer). */
void rp_project_parks(const rp_data *d, const rp_project *pr, char *buf, size_t len);

/* Chinese labels of a parcel status and a lead stage (vocab.h); "" when unknown.
 * The ids in order: pl_parcel_status_ids, pl_lead_stage_ids. */
const char *rp_status_zh(const char *id);
const char *rp_stage_zh(const char *id);

/* The three reports. */
int rp_build_availability(pl_report *r, const rp_data *d, pl_error *err);
int rp_build_landing(pl_report *r, const rp_data *d, pl_error *err);
int rp_build_alerts(pl_report *r, const rp_data *d, pl_error *err);
/* report_kpi.c: the figures (pl_kpi_by_park, read from db) and the deadlines of d's projects. */
int rp_build_kpi(pl_report *r, pl_db *db, const rp_data *d, pl_error *err);
/* report_ledger.c: the stock ledger (parkland/ledger.h) of d's parcels. */
int rp_build_ledger(pl_report *r, pl_db *db, const rp_data *d, pl_error *err);

/* ---- the workbook of several reports (report_definitions.c) ------------------------ */

#define RP_DEFINITIONS_KEY "definitions"

/* The sheet name of table `key` (or RP_DEFINITIONS_KEY) in Chinese (zh) or
 * English; the key itself when it has none. Static storage. */
const char *rp_sheet_name_of(const char *key, int zh);

/* A figure of the reports: the column `col` of table `table` (NULL: of every
 * table with that column), its numerator and its denominator (NULL: a count
 * or a sum, not a rate), in both languages. */
typedef struct rp_definition {
    const char *table, *col;
    const char *num_zh, *num_en;
    const char *den_zh, *den_en;
} rp_definition;

size_t rp_definition_count(void);
/* The i-th category of the stock ledger in the order they are tested (i <
 * PL_LEDGER_CLASSES; parkland/ledger.h): its definition in Chinese (zh) or
 * English, *cls (may be NULL) the category; NULL past the end. Static storage. */
const char *rp_ledger_definition(size_t i, int zh, pl_ledger_class *cls);
const rp_definition *rp_definition_at(size_t i);


/* ---- the monthly and quarterly reports (report_monthly.c, report_quarterly.c) ------- */

#include "parkland/kpi.h"

/* What a column counts, in both languages (the reports' definitions tables). */
typedef struct rp_column_definition {
    const char *col, *zh, *en;
} rp_column_definition;

/* "met 达标", "not met 未达标", "" (met < 0); static storage. */
const char *rp_met_text(int met);
/* A table `key` of the definitions: column, definition (in the chosen language; both before one is chosen). */
int rp_definitions_table(pl_report *r, const char *key, const char *title, const rp_column_definition *defs,
                         size_t n, pl_error *err);
/* r->caption from the period ("2024年2月", "month 2024-02"), r->as_of and the park (NULL: all). */
int rp_period_caption(pl_report *r, const char *period_zh, const char *period_en, const char *park);
/* The last day of month m of year y into out (YYYY-MM-DD); returns the day. */
int rp_month_end(int y, int m, char out[11]);
/* One row per park (then the total) and figure of parkland/kpi.h: park, kpi,
 * kpi_zh, numerator, denominator, rate_pct, target_pct, met. */
int rp_kpi_rows(rp_table *t, const pl_kpi_park *rows, size_t n, pl_error *err);

#endif
