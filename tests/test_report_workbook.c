/* test_report_workbook.c — `report all --format xlsx`: one workbook with every
 * table of the availability, landing, alerts (and, from the CLI, kpi) reports on sheets named in the
 * chosen language, and a definitions sheet (numerator, denominator, as-of);
 * read back with openpyxl (python3-openpyxl) and compared with the reports. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/report.h"
#include "testutil.h"

#define D2 "2024-06-30"

static pl_db *db;
static char dbpath[1024];
static pl_report *reps[3];

static void setup(void)
{
    db = tu_db_new("wb.db", dbpath);
    char *sql = tu_read_file(TEST_DATA_DIR "/report/dataset.sql", NULL);
    cr_assert_not_null(sql);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db->h, sql, NULL, NULL, &msg), SQLITE_OK, "dataset.sql: %s", msg);
    free(sql);
    pl_error e;
    pl_error_clear(&e);
    pl_report_options o = {D2, NULL};
    for (int k = 0; k < 3; k++)
        cr_assert_eq(pl_report_build(db, (pl_report_kind)k, &o, &reps[k], &e), PL_OK, "%s", e.message);
}

static void teardown(void)
{
    for (int k = 0; k < 3; k++)
        pl_report_free(reps[k]);
    tu_db_close(db);
}

TestSuite(workbook, .init = setup, .fini = teardown);

static const char *python_with_openpyxl(void)
{
    static const char *const cands[] = {"/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 2; i++)
        if (tu_run(NULL, NULL, "%s -c 'import openpyxl'", cands[i]) == 0)
            return cands[i];
    return NULL;
}

/* The workbook as JSON: {"sheets": [names], "cells": {name: [[row values]]}}. */
static const char dump_py[] = "import json, sys, openpyxl\n"
                              "wb = openpyxl.load_workbook(sys.argv[1], data_only=True)\n"
                              "print(json.dumps({'sheets': wb.sheetnames, 'cells': {ws.title: [list(r) for r in "
                              "ws.iter_rows(values_only=True)] for ws in wb.worksheets}}, ensure_ascii=False))\n";

static json_t *read_workbook(const char *path_in)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", path_in);
    const char *py = python_with_openpyxl();
    if (!py)
        cr_skip("python3-openpyxl is not installed (scripts/install-deps installs it)");
    const char *script = tu_tmp("dump.py");
    tu_write_file(script, dump_py, (size_t)-1);
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_run(&out, &err, "%s %s %s", py, tu_q(script), tu_q(path)), 0, "%s", err);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    tu_outputs_free(&out, &err);
    return j;
}

static const char *cell(json_t *wb, const char *sheet, size_t row, size_t col)
{
    json_t *v = json_array_get(json_array_get(json_object_get(json_object_get(wb, "cells"), sheet), row), col);
    static char buf[64];
    if (json_is_number(v)) {
        snprintf(buf, sizeof buf, "%g", json_number_value(v));
        return buf;
    }
    return json_string_value(v);
}

/* The row of `sheet` whose column `col` is `value`, -1 when none. */
static long find_row(json_t *wb, const char *sheet, size_t col, const char *value)
{
    json_t *rows = json_object_get(json_object_get(wb, "cells"), sheet);
    for (size_t r = 0; r < json_array_size(rows); r++) {
        const char *s = json_string_value(json_array_get(json_array_get(rows, r), col));
        if (s && !strcmp(s, value))
            return (long)r;
    }
    return -1;
}

Test(workbook, all_reports_with_chinese_sheet_names_and_definitions)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", tu_tmp("reports.xlsx"));
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_report_save_workbook((const pl_report *const *)reps, 3, path, PL_REPORT_LANG_ZH, 0, &e), PL_OK,
                 "%s", e.message);
    json_t *wb = read_workbook(path);
    static const char *const want[] = {"宗地按园区状态", "可供土地按面积段", "预留地块", "线索按园区",
                                       "项目落地按园区", "线索按行业", "项目落地按行业", "预警汇总",
                                       "预警明细", "指标定义"};
    json_t *sheets = json_object_get(wb, "sheets");
    cr_assert_eq(json_array_size(sheets), 10);
    for (size_t i = 0; i < 10; i++)
        cr_assert_str_eq(json_string_value(json_array_get(sheets, i)), want[i]);
    /* every table: its title row, its header, then its cells (numbers as numbers) */
    size_t s = 0;
    for (int k = 0; k < 3; k++)
        for (size_t t = 0; t < pl_report_table_count(reps[k]); t++, s++) {
            const char *sheet = want[s];
            cr_assert(!strncmp(cell(wb, sheet, 0, 0), pl_report_table_title(reps[k], t),
                               strlen(pl_report_table_title(reps[k], t))),
                      "%s: title %s", sheet, cell(wb, sheet, 0, 0));
            cr_assert(strstr(cell(wb, sheet, 0, 0), "截至 as of " D2), "%s", cell(wb, sheet, 0, 0));
            cr_assert_eq(json_array_size(json_object_get(json_object_get(wb, "cells"), sheet)),
                         2 + pl_report_table_rows(reps[k], t), "%s", sheet);
        }
    /* a few cells against the reports */
    long row = find_row(wb, "项目落地按园区", 0, "合计 total");
    cr_assert_geq(row, 2);
    const char *rate = pl_report_get(reps[1], "landing_by_park", "park=合计 total", "start_rate_pct");
    cr_assert_not_null(rate);
    size_t col = 0;
    for (; col < pl_report_table_cols(reps[1], 1); col++)
        if (!strcmp(pl_report_col_key(reps[1], 1, col), "start_rate_pct"))
            break;
    char want_rate[64];
    snprintf(want_rate, sizeof want_rate, "%g", strtod(rate, NULL));
    cr_assert_str_eq(cell(wb, "项目落地按园区", (size_t)row, col), want_rate);
    const char *reclaim = pl_report_get(reps[2], "alerts_summary", "severity=all", "count");
    cr_assert_not_null(reclaim);
    row = find_row(wb, "预警汇总", 0, "all");
    cr_assert_geq(row, 2);
    cr_assert_str_eq(cell(wb, "预警汇总", (size_t)row, 3), reclaim);
    /* definitions: the header, a rate with its numerator and denominator, a count with "—" */
    cr_assert_str_eq(cell(wb, "指标定义", 1, 0), "报表");
    cr_assert_str_eq(cell(wb, "指标定义", 1, 4), "分子");
    cr_assert_str_eq(cell(wb, "指标定义", 1, 5), "分母");
    cr_assert_str_eq(cell(wb, "指标定义", 1, 6), "截至");
    long d = find_row(wb, "指标定义", 3, "start_rate_pct");
    cr_assert_geq(d, 2);
    cr_assert_str_eq(cell(wb, "指标定义", (size_t)d, 1), "项目落地按园区");
    cr_assert(strstr(cell(wb, "指标定义", (size_t)d, 4), "实际开工日"), "%s", cell(wb, "指标定义", (size_t)d, 4));
    cr_assert(strstr(cell(wb, "指标定义", (size_t)d, 5), "约定开工日"), "%s", cell(wb, "指标定义", (size_t)d, 5));
    cr_assert_str_eq(cell(wb, "指标定义", (size_t)d, 6), D2);
    cr_assert_str_eq(cell(wb, "指标定义", (size_t)d, 7), "全部园区");
    d = find_row(wb, "指标定义", 3, "conversion_pct");
    cr_assert_geq(d, 2);
    cr_assert(strstr(cell(wb, "指标定义", (size_t)d, 5), "全部线索"), "%s", cell(wb, "指标定义", (size_t)d, 5));
    d = find_row(wb, "指标定义", 3, "count");
    cr_assert_geq(d, 2);
    cr_assert_str_eq(cell(wb, "指标定义", (size_t)d, 5), "—");
    /* every rate column of every sheet has its definition */
    size_t rates = 0;
    for (int k = 0; k < 3; k++)
        for (size_t t = 0; t < pl_report_table_count(reps[k]); t++)
            for (size_t c = 0; c < pl_report_table_cols(reps[k], t); c++)
                rates += strstr(pl_report_col_key(reps[k], t, c), "_pct") != NULL;
    size_t defined = 0;
    json_t *drows = json_object_get(json_object_get(wb, "cells"), "指标定义");
    for (size_t r = 2; r < json_array_size(drows); r++)
        defined += strstr(cell(wb, "指标定义", r, 3), "_pct") && strcmp(cell(wb, "指标定义", r, 5), "—");
    cr_assert_eq(defined, rates, "%zu rate columns, %zu defined", rates, defined);
    json_decref(wb);
}

Test(workbook, cli_language_from_the_locale_or_lang)
{
    char *out = NULL, *err = NULL;
    char path[1024]; /* tu_tmp's buffers rotate */
    snprintf(path, sizeof path, "%s", tu_tmp("en.xlsx"));
    cr_assert_eq(tu_rerun(&out, &err, "LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 %s --db %s report all --as-of %s "
                                      "--format xlsx -o %s",
                          PARKLAND_BIN, tu_q(dbpath), D2, tu_q(path)),
                 0, "%s", err);
    cr_assert(strstr(out, "wrote availability, landing, alerts and kpi") && strstr(out, "11 sheets and definitions"),
              "%s", out);
    json_t *wb = read_workbook(path);
    json_t *sheets = json_object_get(wb, "sheets");
    cr_assert_str_eq(json_string_value(json_array_get(sheets, 0)), "Parcels by park and status");
    /* the kpi report after the alerts: its scored figures and the contract deadlines */
    cr_assert_str_eq(json_string_value(json_array_get(sheets, 9)), "Scored figures");
    cr_assert_str_eq(json_string_value(json_array_get(sheets, 10)), "Contract deadlines");
    cr_assert_str_eq(json_string_value(json_array_get(sheets, 11)), "Definitions");
    cr_assert_str_eq(cell(wb, "Definitions", 1, 4), "numerator");
    long k = find_row(wb, "Scored figures", 1, "start_rate");
    cr_assert_geq(k, 2, "the 开工率 row");
    /* the scored figures' definitions (named by their key) with numerator and denominator */
    long d = find_row(wb, "Definitions", 3, "on_time_completion_rate");
    cr_assert_geq(d, 2);
    cr_assert_str_eq(cell(wb, "Definitions", (size_t)d, 1), "Scored figures");
    cr_assert(strstr(cell(wb, "Definitions", (size_t)d, 4), "on or before the effective completion"), "%s",
              cell(wb, "Definitions", (size_t)d, 4));
    cr_assert(strstr(cell(wb, "Definitions", (size_t)d, 5), "effective completion"), "%s",
              cell(wb, "Definitions", (size_t)d, 5));
    json_decref(wb);
    /* a Chinese locale, and --lang over the locale */
    snprintf(path, sizeof path, "%s", tu_tmp("zh.xlsx"));
    cr_assert_eq(tu_rerun(&out, &err, "LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 %s --db %s report all --format xlsx -o %s",
                          PARKLAND_BIN, tu_q(dbpath), tu_q(path)),
                 0, "%s", err);
    wb = read_workbook(path);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(wb, "sheets"), 9)), "考核指标");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(wb, "sheets"), 11)), "指标定义");
    json_decref(wb);
    cr_assert_eq(tu_rerun(&out, &err, "LANG=zh_CN.UTF-8 %s --db %s report all --format xlsx --lang en --force -o %s",
                          PARKLAND_BIN, tu_q(dbpath), tu_q(path)),
                 0, "%s", err);
    wb = read_workbook(path);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(wb, "sheets"), 11)), "Definitions");
    json_decref(wb);
    /* an existing file needs --force; csv of all is a usage error */
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report all --format xlsx -o %s", tu_q(path)), 1);
    cr_assert(strstr(err, "already exists"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report all --format csv"), 2);
    /* --lang is the global option: the text of any report in that language */
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report landing --lang zh --as-of %s", D2), 0, "%s", err);
    cr_assert(strstr(out, "项目落地") && !strstr(out, "project landing"), "%s", out);
    /* text: the four reports one after another, the scored figures last */
    cr_assert_eq(tu_cli(&out, &err, dbpath, "report all --as-of %s", D2), 0, "%s", err);
    cr_assert(strstr(out, "land availability") && strstr(out, "project landing") && strstr(out, "alerts"),
              "%s", out);
    cr_assert(strstr(out, "scored figures") && strstr(out, "start_rate") &&
                  strstr(out, "scored figures") > strstr(out, "alerts"),
              "%s", out);
    tu_outputs_free(&out, &err);
}

Test(workbook, refuses_the_same_report_twice)
{
    const pl_report *two[2] = {reps[0], reps[0]};
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_report_save_workbook(two, 2, tu_tmp("twice.xlsx"), PL_REPORT_LANG_EN, 0, &e), PL_ERR_USAGE);
    cr_assert(strstr(e.message, "'availability' report twice"), "%s", e.message);
    FILE *f = fopen(tu_tmp("twice.xlsx"), "r");
    cr_assert_null(f, "a refused workbook left a file");
}
