/* test_muni.c — 亩均效益 evaluation (parkland/muni.h): grades against the hand
 * computation of tests/data/muni/expected.csv (projects: dataset.sql, figures:
 * figures.csv), percentile boundaries and ties, the exclusions, settings, the
 * import's refusals (bad number with line and column, unknown project, GBK),
 * the report and the map theme in a GeoJSON export, the migration to schema 11.
 * The samples' figures (samples/annual-2026.csv) are imported by scripts/demo
 * and by tests/golden.sh (golden outputs muni.*.txt). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/export.h"
#include "parkland/muni.h"
#include "parkland/report.h"
#include "db_internal.h"
#include "style.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];
static pl_muni_grades grades;
static char *out, *errs;

static void setup(void)
{
    db = tu_db_new("muni.db", dbpath);
    char *sql = tu_read_file(TEST_DATA_DIR "/muni/dataset.sql", NULL);
    cr_assert_not_null(sql);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db->h, sql, NULL, NULL, &msg), SQLITE_OK, "dataset.sql: %s", msg);
    free(sql);
}

static void teardown(void)
{
    pl_muni_grades_release(&grades);
    tu_outputs_free(&out, &errs);
    tu_db_close(db);
}

TestSuite(muni, .init = setup, .fini = teardown);

static int import_file(const char *path, int year, pl_muni_import_result *r, pl_error *e)
{
    pl_muni_import_options o = {year, PL_ENCODING_AUTO, 0};
    pl_error_clear(e);
    return pl_muni_import(db, path, &o, r, e);
}

static void import_figures(void)
{
    pl_muni_import_result r;
    pl_error e;
    int rc = import_file(TEST_DATA_DIR "/muni/figures.csv", 0, &r, &e);
    cr_assert_eq(rc, PL_OK, "%s", e.message);
    cr_assert_eq(r.inserted, 9);
    cr_assert_eq(r.replaced, 0);
    pl_muni_import_result_release(&r);
}

static void set(const char *key, double value)
{
    pl_error e;
    pl_error_clear(&e);
    const char *keys[] = {key};
    cr_assert_eq(pl_muni_settings_set(db, keys, &value, 1, &e), PL_OK, "%s: %s", key, e.message);
}

static void grade(int year, const char *park)
{
    pl_muni_grades_release(&grades);
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_muni_grade(db, year, park, &grades, &e), PL_OK, "%s", e.message);
}

static const pl_muni_firm *firm(const char *code)
{
    const pl_muni_firm *f = pl_muni_project_firm(&grades, code);
    cr_assert_not_null(f, "no firm %s", code);
    return f;
}

/* Compare the grades with the rows of expected.csv of `which` ("fixed", "mean"). */
static void expect_hand_table(const char *which)
{
    char *csv = tu_read_file(TEST_DATA_DIR "/muni/expected.csv", NULL);
    cr_assert_not_null(csv);
    int rows = 0;
    for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !strncmp(line, "case,", 5))
            continue;
        char cas[16] = "", code[16] = "", score[32] = "", rank[16] = "", g[8] = "", excl[32] = "";
        /* case,project,score,rank,grade,excluded (empty fields allowed) */
        char *f[6] = {cas, code, score, rank, g, excl};
        size_t len[6] = {sizeof cas, sizeof code, sizeof score, sizeof rank, sizeof g, sizeof excl};
        const char *p = line;
        for (int k = 0; k < 6; k++) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            snprintf(f[k], len[k], "%.*s", (int)n, p);
            p = comma ? comma + 1 : p + n;
        }
        if (strcmp(cas, which))
            continue;
        rows++;
        const pl_muni_firm *m = firm(code);
        cr_expect_eq(m->grade, g[0], "%s %s: grade %c, expected %s", which, code, m->grade, g);
        if (excl[0]) {
            cr_expect(m->excluded && !strcmp(m->excluded, excl), "%s %s: excluded %s, expected %s", which, code,
                      m->excluded ? m->excluded : "(graded)", excl);
            continue;
        }
        cr_expect_null(m->excluded, "%s %s: excluded as %s", which, code, m->excluded);
        cr_expect(fabs(m->score - atof(score)) < 0.005 + 1e-9, "%s %s: score %.4f, expected %s", which, code,
                  m->score, score);
        cr_expect_eq(m->rank, atol(rank), "%s %s: rank %ld, expected %s", which, code, m->rank, rank);
    }
    free(csv);
    cr_assert_gt(rows, 5, "expected.csv has rows for '%s'", which);
}

Test(muni, grades_with_fixed_baselines_match_the_hand_table)
{
    import_figures();
    set("baseline_tax", 20);
    set("baseline_sales", 300);
    set("baseline_energy", 2);
    set("baseline_rd", 3);
    set("baseline_labour", 10);
    grade(2025, NULL);
    expect_hand_table("fixed");
    /* F1's breakdown, indicator by indicator (expected.csv's comment) */
    const pl_muni_firm *f1 = firm("F1");
    const double v[] = {30, 500, 3, 4, 15}, pts[] = {67.5, 33.3333, 22.5, 20, 7.5};
    for (int k = 0; k < PL_MUNI_INDICATORS; k++) {
        cr_expect(fabs(f1->value[k] - v[k]) < 1e-9, "%s: %g", pl_muni_indicator_ids[k], f1->value[k]);
        cr_expect(fabs(f1->points[k] - pts[k]) < 1e-4, "%s: %g points", pl_muni_indicator_ids[k], f1->points[k]);
    }
    cr_expect(fabs(f1->mu - 10) < 1e-9);
    cr_expect(f1->above_size);
    cr_expect(!firm("F7")->above_size, "sales 1000 < 2000: below size");
    /* F1 at rank 1 of 4 is at the mid-rank percentile (1 − ½) ÷ 4 = 12.5 %: A */
    cr_expect(fabs(f1->percentile - 12.5) < 1e-9);
    cr_expect_eq(grades.graded, 6);
    cr_expect_eq(grades.count[0], 2); /* F1, F7 */
    cr_expect_eq(grades.count[1], 2); /* F2, F4 */
    cr_expect_eq(grades.count[2], 2); /* F3, F8 */
    cr_expect_eq(grades.count[3], 0); /* four and two firms: nobody in the bottom 5 % */
    /* the cap: at most 2 × the weight (F1's tax 30 against a baseline of 10: 3 → 2) */
    set("baseline_tax", 10);
    grade(2025, NULL);
    cr_expect(fabs(firm("F1")->points[PL_MUNI_TAX] - 90) < 1e-9);
    set("cap", 1.2);
    grade(2025, NULL);
    cr_expect(fabs(firm("F1")->points[PL_MUNI_TAX] - 54) < 1e-9);
}

Test(muni, grades_against_the_group_mean_match_the_hand_table)
{
    import_figures();
    grade(2025, NULL);
    expect_hand_table("mean");
    cr_expect(fabs(firm("F1")->baseline[PL_MUNI_TAX] - 17.5) < 1e-9);
    cr_expect(fabs(firm("F7")->baseline[PL_MUNI_TAX] - 7.5) < 1e-9);
    cr_expect(isnan(firm("F7")->points[PL_MUNI_SALES]), "below size: tax alone");
}

Test(muni, exclusions_come_from_the_milestones)
{
    import_figures();
    grade(2025, NULL);
    cr_expect_str_eq(firm("F4")->excluded ? firm("F4")->excluded : "graded", "graded",
                     "production 2025-07-01: six months in the year");
    cr_expect_str_eq(firm("F5")->excluded, "new");
    cr_expect_str_eq(firm("F6")->excluded, "construction");
    cr_expect_str_eq(firm("F9")->excluded, "no_figures");
    cr_expect_str_eq(firm("F10")->excluded, "terminated");
    for (const char *const *c = (const char *const[]){"F5", "F6", "F9", "F10", NULL}; *c; c++)
        cr_expect_eq(firm(*c)->grade, 'B', "%s: not graded, treated as B", *c);
    /* the excluded are listed after the graded */
    for (size_t i = 0; i < grades.n; i++)
        if (grades.firms[i].excluded)
            for (size_t j = i; j < grades.n; j++)
                cr_expect_not_null(grades.firms[j].excluded, "%s after an excluded firm", grades.firms[j].project);
    /* min_months 0: producing by the year's end is enough (F5 graded); 12: F4 is new too */
    set("min_months", 0);
    grade(2025, NULL);
    cr_expect_null(firm("F5")->excluded);
    set("min_months", 12);
    grade(2025, NULL);
    cr_expect_str_eq(firm("F4")->excluded, "new");
    cr_expect_null(firm("F2")->excluded, "production 2024-01-01: the whole year");
    /* 2024: F6 has no figures and no production: not listed; F2 producing since 2024-01-01 without figures */
    grade(2024, NULL);
    cr_expect_null(pl_muni_project_firm(&grades, "F6"));
    cr_expect_str_eq(firm("F2")->excluded, "no_figures");
    cr_expect_eq(grades.graded, 0);
}

Test(muni, one_park_is_ranked_alone)
{
    import_figures();
    set("baseline_tax", 20);
    grade(2025, "JMIP");
    cr_assert_eq(grades.n, 2);
    cr_expect_str_eq(grades.firms[0].project, "F3");
    cr_expect_eq(firm("F3")->group_n, 1);
    cr_expect_str_eq(firm("F3")->park, "JMIP");
    pl_muni_grades_release(&grades);
    pl_error e;
    cr_expect_eq(pl_muni_grade(db, 2025, "NOPE", &grades, &e), PL_ERR_NOTFOUND);
    cr_expect_eq(pl_muni_grade(db, 25, NULL, &grades, &e), PL_ERR_USAGE);
}

/* Twenty firms below the size threshold, tax 10, 20, … 200 per 亩 (ranked on tax alone):
 * rank r is at 5r − 2.5 %: A r ≤ 5, B r ≤ 14, C r ≤ 19, D 20 (the published cut-offs). */
static void twenty_firms(void)
{
    tu_sql_exec(db, "DELETE FROM milestone; DELETE FROM project_parcel; DELETE FROM annual_figure;"
                    " DELETE FROM project; DELETE FROM lead;");
    tu_sql_exec(db,
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)"
                " INSERT INTO lead(id, code, company, stage, stage_date, created_at, updated_at)"
                " SELECT 100 + i, 'T' || i, 'firm ' || i, 'signed', '2019-01-01', 'x', 'x' FROM n");
    tu_sql_exec(db, "INSERT INTO project(id, code, lead_id, signed_on, created_at, updated_at)"
                    " SELECT id, printf('T%02d', id - 100), id, '2019-01-01', 'x', 'x' FROM lead");
    tu_sql_exec(db, "INSERT INTO project_parcel(project_id, parcel_id) SELECT id, 1 FROM project");
    tu_sql_exec(db, "INSERT INTO milestone(project_id, kind, actual) SELECT id, 'production', '2020-01-01' FROM project");
    /* parcel 1 is 10 亩: tax per mu = (id - 100) × 10 */
    tu_sql_exec(db, "INSERT INTO annual_figure(project_id, year, tax, sales, recorded_at)"
                    " SELECT id, 2025, (id - 100) * 100, 1000, 'x' FROM project");
}

Test(muni, percentile_boundaries_and_ties)
{
    twenty_firms();
    grade(2025, NULL);
    cr_assert_eq(grades.graded, 20);
    for (int i = 1; i <= 20; i++) {
        char code[8];
        snprintf(code, sizeof code, "T%02d", i);
        const pl_muni_firm *f = firm(code);
        long r = 21 - i;
        char want = r <= 5 ? 'A' : r <= 14 ? 'B' : r <= 19 ? 'C' : 'D';
        cr_expect_eq(f->rank, r, "%s", code);
        cr_expect_eq(f->grade, want, "%s: rank %ld → %c, got %c", code, r, want, f->grade);
    }
    cr_expect_eq(grades.count[0], 5);
    cr_expect_eq(grades.count[1], 9);
    cr_expect_eq(grades.count[2], 5);
    cr_expect_eq(grades.count[3], 1);
    cr_expect(fabs(firm("T01")->percentile - 97.5) < 1e-9);
    /* a tie at the A/B boundary: ranks 5 and 6 share rank 5 (22.5 %: A); the next is rank 7 */
    tu_sql_exec(db, "UPDATE annual_figure SET tax = 1600 WHERE project_id = 115");
    grade(2025, NULL);
    cr_expect_eq(firm("T16")->rank, 5);
    cr_expect_eq(firm("T15")->rank, 5);
    cr_expect_eq(firm("T15")->grade, 'A');
    cr_expect_eq(firm("T14")->rank, 7);
    cr_expect_eq(grades.count[0], 6);
    /* other cut-offs: 10 / 50 / 90 */
    set("cut_a", 10);
    set("cut_b", 50);
    set("cut_c", 90);
    grade(2025, NULL);
    cr_expect_eq(firm("T19")->grade, 'A'); /* rank 2: 7.5 % */
    cr_expect_eq(firm("T18")->grade, 'B'); /* rank 3: 12.5 % */
    cr_expect_eq(firm("T11")->grade, 'B'); /* rank 10: 47.5 % */
    cr_expect_eq(firm("T10")->grade, 'C'); /* rank 11: 52.5 % */
    cr_expect_eq(firm("T03")->grade, 'C'); /* rank 18: 87.5 % */
    cr_expect_eq(firm("T02")->grade, 'D'); /* rank 19: 92.5 % */
}

/* Small groups are not punished (mid-rank percentile): a lone firm is B, not D; four firms are
 * A B B C; and twenty keep the published cut-offs (above). */
Test(muni, small_groups_by_mid_rank)
{
    twenty_firms();
    tu_sql_exec(db, "DELETE FROM annual_figure WHERE project_id > 101");
    grade(2025, NULL);
    cr_assert_eq(grades.graded, 1);
    cr_expect_eq(firm("T01")->rank, 1);
    cr_expect(fabs(firm("T01")->percentile - 50) < 1e-9, "%g", firm("T01")->percentile);
    cr_expect_eq(firm("T01")->grade, 'B', "a lone firm: %c", firm("T01")->grade);
    twenty_firms();
    tu_sql_exec(db, "DELETE FROM annual_figure WHERE project_id > 104");
    grade(2025, NULL);
    cr_assert_eq(grades.graded, 4);
    static const char *const codes[] = {"T04", "T03", "T02", "T01"};
    static const char want[] = "ABBC";
    static const double pct[] = {12.5, 37.5, 62.5, 87.5};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(firm(codes[i])->rank, i + 1, "%s", codes[i]);
        cr_expect(fabs(firm(codes[i])->percentile - pct[i]) < 1e-9, "%s: %g", codes[i], firm(codes[i])->percentile);
        cr_expect_eq(firm(codes[i])->grade, want[i], "%s: %c", codes[i], firm(codes[i])->grade);
    }
    cr_expect_eq(grades.count[3], 0, "no D among four");
}

Test(muni, settings_are_checked_stored_and_recorded)
{
    pl_error e;
    const char *bad_key[] = {"weight_colour"};
    double one = 1;
    cr_expect_eq(pl_muni_settings_set(db, bad_key, &one, 1, &e), PL_ERR_USAGE);
    cr_expect(strstr(e.message, "unknown setting 'weight_colour'"), "%s", e.message);
    const char *cuts[] = {"cut_a", "cut_b"};
    double inverted[] = {80, 70};
    cr_expect_eq(pl_muni_settings_set(db, cuts, inverted, 2, &e), PL_ERR_USAGE);
    cr_expect(strstr(e.message, "cut-offs"), "%s", e.message);
    const char *neg[] = {"weight_tax"};
    double minus = -1;
    cr_expect_eq(pl_muni_settings_set(db, neg, &minus, 1, &e), PL_ERR_USAGE);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM muni_setting"), 0, "nothing stored on a refusal");
    set("weight_tax", 60);
    pl_muni_settings s;
    cr_assert_eq(pl_muni_settings_get(db, &s, &e), PL_OK);
    cr_expect_eq(s.weight[PL_MUNI_TAX], 60);
    cr_expect_eq(s.weight[PL_MUNI_SALES], 20);
    cr_expect_eq(tu_sql_count_arg(db, "SELECT count(*) FROM history WHERE entity = 'setting' AND field = 'weight_tax'"
                                      " AND old_value = '45' AND new_value = '60' AND who = ?1", db->user), 1);
    cr_assert_eq(pl_muni_settings_reset(db, &e), PL_OK);
    cr_assert_eq(pl_muni_settings_get(db, &s, &e), PL_OK);
    cr_expect_eq(s.weight[PL_MUNI_TAX], 45);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'setting'"), 2);
}

static void write_csv(const char *name, const char *text)
{
    tu_write_file(tu_tmp(name), text, strlen(text));
}

Test(muni, import_refuses_bad_numbers_and_unknown_projects_naming_line_and_column)
{
    pl_muni_import_result r;
    pl_error e;
    write_csv("bad.csv", "project,year,tax,sales\nF1,2025,300,5000\nF2,2025,4O0,8000\n");
    cr_assert_eq(import_file(tu_tmp("bad.csv"), 0, &r, &e), PL_ERR_INPUT);
    cr_expect(strstr(e.message, "bad.csv: line 3: column tax (税收, field 3): '4O0' is not a number"), "%s",
              e.message);
    cr_expect(strstr(e.message, "1 of 2 rows refused, nothing was imported"), "%s", e.message);
    pl_muni_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM annual_figure"), 0, "no partial write");
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field LIKE 'annual_%'"), 0);

    write_csv("unknown.csv", "企业名称,年度,税收(万元),销售收入(万元)\n企业F1,2025,300,5000\n不存在公司,2025,1,2\n");
    cr_assert_eq(import_file(tu_tmp("unknown.csv"), 0, &r, &e), PL_ERR_INPUT);
    cr_expect(strstr(e.message, "line 3: company '不存在公司': no such project"), "%s", e.message);
    pl_muni_import_result_release(&r);

    write_csv("mismatch.csv", "项目编号,企业名称,年度,税收,销售收入\nF1,企业F2,2025,300,5000\n");
    cr_assert_eq(import_file(tu_tmp("mismatch.csv"), 0, &r, &e), PL_ERR_INPUT);
    cr_expect(strstr(e.message, "line 2: project 'F1' is the project of '企业F1', not of company '企业F2'"), "%s",
              e.message);
    pl_muni_import_result_release(&r);

    write_csv("noyear.csv", "project,tax,sales\nF1,300,5000\n");
    cr_assert_eq(import_file(tu_tmp("noyear.csv"), 0, &r, &e), PL_ERR_INPUT);
    cr_expect(strstr(e.message, "no year (年度) column: give the year with --year"), "%s", e.message);
    pl_muni_import_result_release(&r);
    cr_assert_eq(import_file(tu_tmp("noyear.csv"), 2025, &r, &e), PL_OK, "%s", e.message);
    pl_muni_import_result_release(&r);

    write_csv("twice.csv", "project,year,tax,sales,colour\nF1,2025,300,5000,red\n");
    cr_assert_eq(import_file(tu_tmp("twice.csv"), 0, &r, &e), PL_ERR_INPUT);
    cr_expect(strstr(e.message, "unknown column 'colour' (field 5)"), "%s", e.message);
    pl_muni_import_result_release(&r);

    write_csv("dup.csv", "project,year,tax,sales\nF2,2025,1,5000\nF2,2025,2,5000\n");
    cr_assert_eq(import_file(tu_tmp("dup.csv"), 0, &r, &e), PL_ERR_INPUT);
    cr_expect(strstr(e.message, "line 3: project 'F2', year 2025 appears again (first on line 2)"), "%s", e.message);
    pl_muni_import_result_release(&r);

    write_csv("empty.csv", "project,year,tax,sales\nF2,2025,,5000\n");
    cr_assert_eq(import_file(tu_tmp("empty.csv"), 0, &r, &e), PL_ERR_INPUT);
    cr_expect(strstr(e.message, "line 2: column tax (税收, field 3) is empty: it is required"), "%s", e.message);
    pl_muni_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM annual_figure"), 1, "only noyear.csv's row");
}

Test(muni, import_reads_gbk_and_replaces_with_history)
{
    pl_muni_import_result r;
    pl_error e;
    cr_assert_eq(import_file(TEST_DATA_DIR "/muni/figures-gbk.csv", 0, &r, &e), PL_OK, "%s", e.message);
    cr_expect_str_eq(r.encoding, "gbk");
    cr_expect_eq(r.inserted, 1);
    pl_muni_import_result_release(&r);
    cr_expect_eq(tu_sql_num(db, "SELECT tax FROM annual_figure WHERE project_id = 1 AND year = 2025"), 300);
    write_csv("again.csv", "project,year,tax,sales\nF1,2025,320,5100\n");
    cr_assert_eq(import_file(tu_tmp("again.csv"), 0, &r, &e), PL_OK, "%s", e.message);
    cr_expect_eq(r.replaced, 1);
    cr_expect_eq(r.inserted, 0);
    pl_muni_import_result_release(&r);
    cr_expect_eq(tu_sql_num(db, "SELECT tax FROM annual_figure WHERE project_id = 1 AND year = 2025"), 320);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM annual_figure WHERE project_id = 1 AND added_value IS NULL"),
                 1, "a column the file does not have is empty after the replacement");
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND code = 'F1'"
                                  " AND field = 'annual_2025' AND old_value LIKE 'tax 300.00, sales 5000.00%'"
                                  " AND new_value LIKE 'tax 320.00, sales 5100.00%'"), 1);
    /* a dry run writes nothing */
    write_csv("dry.csv", "project,year,tax,sales\nF2,2025,1,5000\n");
    pl_muni_import_options o = {0, PL_ENCODING_AUTO, 1};
    cr_assert_eq(pl_muni_import(db, tu_tmp("dry.csv"), &o, &r, &e), PL_OK, "%s", e.message);
    cr_expect_eq(r.inserted, 1);
    pl_muni_import_result_release(&r);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM annual_figure"), 1);
}

Test(muni, report_tables_and_command_line)
{
    import_figures();
    tu_db_close(db);
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "muni settings baseline_tax=20 baseline_sales=300 baseline_energy=2 "
                                             "baseline_rd=3 baseline_labour=10"), 0, "%s", errs);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "report muni --year 2025 --format json"), 0, "%s", errs);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    json_t *tables = json_object_get(j, "tables");
    cr_assert(json_is_array(tables));
    json_t *rows = json_object_get(json_array_get(tables, 0), "rows");
    cr_assert_eq(json_array_size(rows), 10);
    json_t *first = json_array_get(rows, 0);
    cr_expect_str_eq(json_string_value(json_object_get(first, "project")), "F1");
    cr_expect_str_eq(json_string_value(json_object_get(first, "grade")), "A");
    json_decref(j);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "--lang en report muni --year 2025 --park QDIP --format csv --keys"), 0,
                 "%s", errs);
    cr_expect(strstr(out, "F2,企业F2,A2,20.00,above size,20.00,45.00,400.00,26.67,2.00,15.00,2.00,10.00,10.00,5.00,"
                          "101.67,2/3,50.00,B,"), "%s", out);
    cr_expect(strstr(out, "F6,企业F6,A6,30.00,above size"), "%s", out);
    cr_expect(strstr(out, "B*,not graded: under construction"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "report muni --year 2025 --format xlsx -o %s --force",
                        tu_q(tu_tmp("muni.xlsx"))), 0, "%s", errs);
    /* latest year by default; refusals */
    cr_assert_eq(tu_cli(&out, &errs, dbpath, "--lang en report muni"), 0, "%s", errs);
    cr_expect(strstr(out, "year 2025; all parks"), "%s", out);
    cr_expect_eq(tu_cli(&out, &errs, dbpath, "report muni --year 25"), 2);
    cr_expect_eq(tu_cli(&out, &errs, dbpath, "muni settings cut_a=99"), 2);
    cr_expect(strstr(errs, "cut-offs"), "%s", errs);
    write_csv("cli-bad.csv", "project,year,tax,sales\nF1,2025,300,lots\n");
    cr_expect_eq(tu_cli(&out, &errs, dbpath, "--lang en import annual %s", tu_q(tu_tmp("cli-bad.csv"))), 1);
    cr_expect(strstr(errs, "line 2: column sales (销售收入, field 4): 'lots' is not a number"), "%s", errs);
    cr_expect_eq(tu_cli(&out, &errs, dbpath, "--lang en import annual %s --year 2025",
                        tu_q(TEST_DATA_DIR "/muni/figures.csv")), 0, "%s", errs);
    cr_expect(strstr(out, "9 project-year(s): 0 new, 9 replaced"), "%s", out);
}

Test(muni, theme_in_a_geojson_export)
{
    import_figures();
    set("baseline_tax", 20);
    set("baseline_sales", 300);
    set("baseline_energy", 2);
    set("baseline_rd", 3);
    set("baseline_labour", 10);
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_GEOJSON;
    cr_assert_eq(pl_export_theme_parse("muni"), PL_THEME_MUNI);
    cr_assert_eq(pl_export_theme_parse("亩均效益"), PL_THEME_MUNI);
    o.theme = PL_THEME_MUNI;
    o.year = 2025;
    pl_export_result res;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("muni.geojson"), 1, &res, &e), PL_OK, "%s", e.message);
    json_error_t je;
    json_t *j = json_load_file(tu_tmp("muni.geojson"), 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    const struct {
        const char *code, *cls, *grade;
        double score;
    } want[] = {{"A1", "A", "A", 150.83}, {"A2", "B", "B", 101.67}, {"A4", "B", "B", 88.75},
                {"A3", "C", "C", 34.42},  {"A5", "ungraded", "B*", NAN}, {"A6", "ungraded", "B*", NAN},
                {"A9", "ungraded", "B*", NAN}};
    size_t found = 0;
    json_t *features = json_object_get(j, "features");
    for (size_t i = 0; i < json_array_size(features); i++) {
        json_t *p = json_object_get(json_array_get(features, i), "properties");
        const char *code = json_string_value(json_object_get(p, "code"));
        for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
            if (strcmp(code, want[k].code))
                continue;
            found++;
            cr_expect_str_eq(json_string_value(json_object_get(p, "class")), want[k].cls, "%s", code);
            cr_expect_str_eq(json_string_value(json_object_get(p, "fill")),
                             pl_style_get(PL_STYLE_MUNI, want[k].cls)->fill, "%s", code);
            cr_expect_str_eq(json_string_value(json_object_get(p, "muni_grade")), want[k].grade, "%s", code);
            json_t *s = json_object_get(p, "muni_score");
            if (isnan(want[k].score))
                cr_expect(json_is_null(s) || !s, "%s", code);
            else
                cr_expect(fabs(json_number_value(s) - want[k].score) < 1e-9, "%s: %g", code, json_number_value(s));
        }
    }
    cr_expect_eq(found, sizeof want / sizeof *want);
    /* the legend: the grades in order, zh and en labels */
    json_t *legend = json_object_get(j, "legend");
    cr_assert(json_array_size(legend) >= 4);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(legend, 0), "class")), "A");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(legend, 0), "label_zh")), "A类");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(legend, 0), "label_en")), "Grade A");
    json_decref(j);
    /* a year without figures: no parcel has an evaluation */
    o.year = 2019;
    cr_assert_eq(pl_export_file(db, &o, tu_tmp("none.geojson"), 1, &res, &e), PL_OK, "%s", e.message);
    o.theme = PL_THEME_LANDING;
    cr_expect_eq(pl_export_file(db, &o, tu_tmp("none.geojson"), 1, &res, &e), PL_ERR_USAGE);
    cr_expect(strstr(e.message, "--year is for --theme muni"), "%s", e.message);
}

Test(muni, schema_8_database_gets_the_tables)
{
    tu_sql_exec(db, "DROP TABLE annual_figure; DROP TABLE muni_setting;"
                    " UPDATE meta SET value = '8' WHERE key = 'schema_version'; PRAGMA user_version = 8;");
    pl_db_close(db);
    pl_error e;
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
    cr_expect_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_expect_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('annual_figure', 'muni_setting')"),
                 2);
    import_figures();
}
