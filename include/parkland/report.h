/*
 * parkland/report.h — reports for the leadership, as of a date:
 *   availability  可供土地: parcels and area (亩, ha) by park and status, free
 *                 (available) land by size class, reserved parcels with their
 *                 lead and expiry;
 *   landing       项目落地: leads by stage and conversion, signed projects,
 *                 committed investment, land supplied, 开工率, 投产率,
 *                 年度投资完成率 and the 四新 share — per park, per industry
 *                 (十强) and in total;
 *   alerts        预警: reclaim candidates, idle-land warnings, late starts,
 *                 overdue completion, production, milestones and handovers
 *                 (交地, the government's side), expired reservations,
 *                 committed indicators below the parcel's, most severe first;
 *   kpi           考核指标: per park 开工率, 按期开工率, 竣工率, 按期竣工率,
 *                 履约率, 资金到位率, 年度投资完成率, each with numerator,
 *                 denominator, target and met/not met (parkland/kpi.h), then
 *                 every project's deadlines (parkland/deadline.h);
 *   ledger        存量土地台账: parcels and 亩 by park of 批而未供, 供而未用,
 *                 用而未尽, 闲置, 低效, 储备 and other land, then each
 *                 category's parcels with the reason (parkland/ledger.h).
 *
 * As of a date D (default today) every report shows the past as it was:
 *   - a parcel's status is the latest 'status' history row whose effective
 *     date (history.effective, else the day it was recorded) is ≤ D, else its
 *     first status when it was created on or before D; a parcel created after
 *     D (no status change ≤ D) does not exist yet; 'retired' parcels (split or
 *     merged) are not land any more and are left out;
 *   - a lead's stage likewise from its 'stage' history rows; a lead whose
 *     project is in force on D counts as signed;
 *   - projects signed after D (or terminated on or before D) do not exist;
 *     actual milestone dates after D do not count; investment progress counts
 *     the months of D's year up to D's month; reservations count when made on
 *     or before D and not released by D.
 *   Planned dates, committed figures and indicators are today's values.
 *
 * KPIs (design.md "KPIs"); every rate comes with its numerator and
 * denominator in the same row, and a zero denominator gives "—" (JSON null):
 *   开工率 = projects with an actual construction start ≤ D ÷ projects whose
 *            effective start (agreed, moved by a late handover, extended:
 *            parkland/deadline.h) is ≤ D (a project started ahead of its
 *            agreed date counts in the numerator only: the rate can pass 100 %);
 *   投产率 = the same with production;
 *   年度投资完成率 = progress of D's year up to D's month ÷ the plans of D's year;
 *   conversion 转化率 = signed leads ÷ all leads;
 *   四新 share = committed investment of projects whose lead is 四新 ÷ all
 *            committed investment.
 *
 * A project counts in every park it has parcels in (the total counts it
 * once); a lead belongs to the parks of its project's parcels and of the
 * parcels it reserved on or before D, other leads are in the "无园区 no park"
 * row. --park narrows everything to one park.
 *
 * Ownership: see parkland/error.h. A pl_report is created by pl_report_build
 * and freed with pl_report_free; every string it returns lives as long as it.
 */
#ifndef PARKLAND_REPORT_H
#define PARKLAND_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_report_kind {
    PL_REPORT_AVAILABILITY = 0,
    PL_REPORT_LANDING,
    PL_REPORT_ALERTS,
    PL_REPORT_KPI,     /* the figures the province scores (parkland/kpi.h) and the deadlines */
    PL_REPORT_MUNI,     /* 亩均效益 grades of a year: pl_report_build_muni (not pl_report_build) */
    PL_REPORT_MONTHLY,  /* 月度统计 of a month: pl_report_build_monthly (not pl_report_build) */
    PL_REPORT_QUARTERLY, /* 季度考核 摘星夺旗 of a quarter: pl_report_build_quarterly (not pl_report_build) */
    PL_REPORT_LEDGER    /* 存量土地台账: the stock ledger as of the date (parkland/ledger.h) */
} pl_report_kind;

/* "availability|landing|alerts|kpi" → kind; -1 when unknown. */
int pl_report_kind_parse(const char *s);
/* The id of a kind ("availability"…), static storage. */
const char *pl_report_kind_id(pl_report_kind kind);

typedef enum pl_report_format {
    PL_REPORT_TEXT = 0, /* aligned tables, CJK double width */
    PL_REPORT_CSV,      /* UTF-8 with BOM; one title row before each table, a blank row between */
    PL_REPORT_JSON,     /* one object: report, as_of, park, tables[] */
    PL_REPORT_XLSX      /* one sheet per table (files only) */
} pl_report_format;

/* "text|table|csv|json|xlsx" → format; -1 when unknown. */
int pl_report_format_parse(const char *s);

/* Days past the agreed construction start that make an idle-land warning
 * (idle fee 20 % of the land price) and a reclaim candidate (MLR order 53). */
#define PL_IDLE_DAYS 365
#define PL_RECLAIM_DAYS 730
/* Idle fee: share of the land price. */
#define PL_IDLE_FEE_SHARE 0.20

typedef struct pl_report_options {
    const char *as_of; /* YYYY-MM-DD (a real calendar day); NULL = today */
    const char *park;  /* park code; NULL = every park */
} pl_report_options;

typedef struct pl_report pl_report;

/* Build a report. Refusals: PL_ERR_USAGE (as_of not a date), PL_ERR_NOTFOUND
 * (no such park). Reads only: the database is never changed. */
int pl_report_build(pl_db *db, pl_report_kind kind, const pl_report_options *opt, pl_report **out, pl_error *err);
/* The 亩均效益 report of `year` (parkland/muni.h), of park `park` (NULL: all
 * parks ranked together): tables "muni_grades" (one row per firm: park,
 * project, company, parcels, 亩, group, each indicator's value and points,
 * score, rank, percentile, grade, note) and "muni_summary" (firms per grade
 * and group). pl_report_as_of is the year's last day. */
int pl_report_build_muni(pl_db *db, int year, const char *park, pl_report **out, pl_error *err);

/* The monthly statistics (月度统计) of `month` ("YYYY-MM"), of park `park`
 * (NULL: every park), as of the month's last day: tables "monthly" (one row
 * per park, a "无园区 no park" row when leads of the month name no park, and
 * the total: new leads, signings, committed investment of the signings,
 * investment completed in the month, starts, completions, open idle cases at
 * the month's end and the seven rates of parkland/kpi.h), "monthly_rates"
 * (each rate with numerator, denominator, target, met) and
 * "monthly_definitions" (what every column counts). What counts:
 *   new_leads      leads entered in the month: the lead's first day is the
 *                  earliest of the day it was recorded (Beijing time), its
 *                  stage date while it never moved, and its first stage move;
 *                  in the park it negotiates for (lead.park_id);
 *   signings       projects signed in the month (signed_on) and in force at
 *                  the month's end, in every park they hold parcels in;
 *   starts, completions  projects in force at the month's end whose actual
 *                  开工 / 竣工 date falls in the month;
 *   invest_done_wan  investment progress recorded for the month (period);
 *   idle_open      idle-land cases not closed at the month's end
 *                  (pl_idle_cases, 疑似 included).
 * The total counts a project or lead once. Refusals: PL_ERR_USAGE (not a
 * month), PL_ERR_NOTFOUND (no such park). Reads only. */
int pl_report_build_monthly(pl_db *db, const char *month, const char *park, pl_report **out, pl_error *err);

/* The period these two reports take by default: the last complete month
 * ("YYYY-MM", quarter 0) or quarter ("YYYY-Qn", quarter 1) before today (local
 * date), into buf (at least 8 bytes). */
void pl_report_last_period(int quarter, char *buf, size_t len);

/* The city's quarterly assessment (季度考核, 摘星夺旗) of `quarter`
 * ("YYYY-Qn", n 1–4) as of the quarter's last day, every park: tables
 * "quarterly" (each park's seven figures of parkland/kpi.h with numerator,
 * denominator, rate, target, met, rank among the parks, the value at the
 * year's start, the projected year-end value and the warning), "quarterly_ranks"
 * (one row per park: its rank on each figure, stars = figures meeting their
 * target, its rank on stars, warnings), "quarterly_warnings" (the figures
 * warned) and "quarterly_definitions".
 *   rank       1 = the highest rate (as shown, one decimal); equal rates share
 *              the rank and the next rank skips (1, 1, 3); no rate: no rank;
 *   year start the figure as of 31 December of the year before (年度投资完成率:
 *              0, the year's progress starts from 0 each year);
 *   projected  年度投资完成率 (progress of the year ÷ the year's plan, which
 *              starts from 0 each year): the run rate, value × 4 ÷ q; every
 *              other figure: the linear year-to-date trend, value + (value −
 *              value at the year's start) × (4 − q) ÷ q, the value itself when
 *              the year's start has no rate; never below 0; in Q4 the value;
 *   warning    a target and a projection, and the projection (one decimal)
 *              below the target.
 * Refusals: PL_ERR_USAGE (not a quarter). Reads only. */
int pl_report_build_quarterly(pl_db *db, const char *quarter, pl_report **out, pl_error *err);
/* The projection of the quarterly assessment (see above) of figure `kpi` at
 * quarter `q` (1–4) from its value `value` and the value at the year's start
 * `start` (percent; NAN: no rate); NAN when value is NAN. */
double pl_report_projection(int kpi, int q, double value, double start);

void pl_report_free(pl_report *r);

pl_report_kind pl_report_kind_of(const pl_report *r);
const char *pl_report_as_of(const pl_report *r);   /* YYYY-MM-DD */
const char *pl_report_park(const pl_report *r);    /* park code or NULL */
/* Number of alerts (rows of the 'alerts' table); 0 for the other reports. */
size_t pl_report_alerts(const pl_report *r);

/* The tables, in output order. Table keys: availability: status_by_park,
 * free_by_size, reserved; landing: leads_by_park, landing_by_park,
 * leads_by_industry, landing_by_industry; alerts: alerts_summary, alerts;
 * kpi: kpi, deadlines; ledger: ledger (park, category, parcels, 亩, ha, share
 * of the park's land; a 合计 total row per category), ledger_parcels (every
 * parcel of a category but other: category, park, parcel, 亩, status,
 * project, reason). */
size_t pl_report_table_count(const pl_report *r);
const char *pl_report_table_key(const pl_report *r, size_t t);
const char *pl_report_table_title(const pl_report *r, size_t t);
size_t pl_report_table_rows(const pl_report *r, size_t t);
size_t pl_report_table_cols(const pl_report *r, size_t t);
const char *pl_report_col_key(const pl_report *r, size_t t, size_t col);
/* The column's label for people ("中文 english"), as the text header shows it. */
const char *pl_report_col_label(const pl_report *r, size_t t, size_t col);
/* 1 when the column holds numbers (right-aligned). */
int pl_report_col_numeric(const pl_report *r, size_t t, size_t col);
/* How the table's rates are made (a line under it), NULL when none. */
const char *pl_report_table_note(const pl_report *r, size_t t);
/* "可供土地 land availability" …, static storage; NULL for an unknown kind. */
const char *pl_report_kind_title(pl_report_kind kind);
/* Cell text as printed in text and CSV ("—" for a rate with a zero denominator). */
const char *pl_report_cell(const pl_report *r, size_t t, size_t row, size_t col);
/* The cell of column `col` in the first row of table `table` matching every
 * "key=value" of `where` (separated by ';', e.g. "park=QDIP;status=available");
 * NULL when there is no such table, column or row. */
const char *pl_report_get(const pl_report *r, const char *table, const char *where, const char *col);

/* Write text, CSV or JSON to `out` (PL_ERR_USAGE for XLSX: it needs a file). */
int pl_report_write(const pl_report *r, FILE *out, pl_report_format fmt, pl_error *err);
/* pl_report_write with the text tables fitted to `width` terminal columns
 * (pl_table_write_fit; 0 = no limit). Other formats ignore the width. */
int pl_report_write_fit(const pl_report *r, FILE *out, pl_report_format fmt, size_t width, pl_error *err);
/* Write any format to `path`: a temporary file in the same directory
 * (O_EXCL | O_NOFOLLOW), fsynced, then renamed into place. An existing `path`
 * is refused (PL_ERR_INPUT) unless `force`; a symbolic link, a directory or
 * anything but a regular file always is; on any failure nothing is left
 * behind and an existing file is as it was. */
int pl_report_save(const pl_report *r, const char *path, pl_report_format fmt, int force, pl_error *err);

/* Languages of the workbook's sheet names and definitions. */
typedef enum pl_report_lang {
    PL_REPORT_LANG_EN = 0,
    PL_REPORT_LANG_ZH
} pl_report_lang;

/* What the figure in column `col` of table `t` counts, in `lang` (the
 * definitions sheet of pl_report_save_workbook): its numerator, and in *den
 * (may be NULL) its denominator, NULL for a count or a sum. NULL when the
 * column is not such a figure. Static storage. */
const char *pl_report_definition(const pl_report *r, size_t t, size_t col, pl_report_lang lang, const char **den);

/* "zh|en" (also "zh_CN…", "en_US…", "中文", "english"; ASCII case ignored) → language; -1 when unknown. */
int pl_report_lang_parse(const char *s);

/* One XLSX workbook of several reports (`report all`): every table of each
 * report, in order, on a sheet named in `lang` (e.g. 项目落地按园区 /
 * Landing by park), each with its title row ("TITLE — 截至 as of D…"), then a
 * sheet of definitions (指标定义 / Definitions): for every figure of those
 * tables that is a rate, a count or a sum, the report, the sheet, the column,
 * its numerator, its denominator ("—" for a count or a sum), the as-of date
 * and the park. Written safely as pl_report_save. Errors: PL_ERR_USAGE (no
 * report, two reports of the same kind), those of pl_report_save. */
int pl_report_save_workbook(const pl_report *const *reports, size_t n, const char *path, pl_report_lang lang,
                            int force, pl_error *err);

/* The meeting pack (`report pack`): one A4 PDF with a contents page (each
 * section and its first page), the availability and landing maps (the map
 * sheet of `export pdf`, fitted to the page), the tables of the
 * availability, landing and alerts reports with the definitions of their
 * figures (numerator, denominator), the scored figures of `report kpi` with
 * their definitions, the idle land (the open idle cases of pl_idle_cases:
 * parcel, stage, days, evidence; then the alerts' idle and reclaim rows), and
 * on every page
 * "第 N 页 / 共 M 页 · page N of M". Options as pl_report_build (as_of,
 * park). Written safely as pl_report_save. */
typedef struct pl_report_pack_result {
    char as_of[11];
    int pages;
    int sections;
    size_t alerts;
    size_t idle;       /* open idle cases (suspected, confirmed, disposed) as of the date */
} pl_report_pack_result;

int pl_report_pack_file(pl_db *db, const pl_report_options *opt, const char *path, int force,
                        pl_report_pack_result *res, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
