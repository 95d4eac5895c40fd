/* test_project_fix.c — correcting a signed project (issue 13 §2): project edit
 * (one history row per changed field, a no-op, refusals that change nothing)
 * and project terminate (stage, parcels, lead, alerts, history, refusals),
 * through the library and the command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/lead.h"
#include "parkland/lifecycle.h"
#include "parkland/park.h"
#include "parkland/parcel.h"
#include "parkland/project.h"
#include "parkland/report.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

static void status(const char *code, const char *to, const char *date, const char *lead)
{
    pl_status_options o = {date, NULL, 0, lead, NULL};
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_set_status(db, NULL, code, to, &o, NULL, &err), PL_OK, "%s → %s: %s", code, to,
                 err.message);
}

static void lead(const char *code)
{
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = code;
    f.company = "西门子智能制造(青岛)有限公司";
    f.industry = "equipment";
    f.date = "2024-12-01";
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
}

/* P-1: lead L-A on 004 (reserved for L-A) and 006 (available), signed 2025-03-01,
 * land supplied 2025-03-20, construction start planned 2025-06-01, investment 5000 万元. */
static void setup(void)
{
    db = tu_db_new("project_fix.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", NULL, "西海岸新区", NULL, &err), PL_OK);
    tu_import(db, SAMPLES_DIR "/parcels.txt", NULL);
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, building_coverage_min, updated_at)"
                    " SELECT id, 40, '2025-01-01T00:00:00Z' FROM parcel"
                    " WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005', 'QDIP-2024-006')");
    lead("L-A");
    status("QDIP-2024-004", "available", "2025-01-10", NULL);
    status("QDIP-2024-006", "available", "2025-01-10", NULL);
    status("QDIP-2024-005", "available", "2025-01-10", NULL);
    status("QDIP-2024-004", "reserved", "2025-02-01", "L-A");
    const char *parcels[] = {"QDIP-2024-004", "QDIP-2024-006"};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-A";
    o.parcels = parcels;
    o.nparcels = 2;
    o.code = "P-1";
    o.date = "2025-03-01";
    o.start_by = "2025-06-01";
    o.production_by = "2026-06-01";
    o.investment = 5000;
    pl_project_sign_result r;
    pl_error_clear(&err);
    cr_assert_eq(pl_project_sign(db, &o, &r, &err), PL_OK, "%s", err.message);
    pl_project_sign_result_release(&r);
    /* the land supply (出让合同) transfers both parcels */
    cr_assert_eq(pl_project_milestone(db, "P-1", "land", NULL, "2025-03-20", NULL, &err), PL_OK, "%s", err.message);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(project_fix, .init = setup, .fini = teardown);

/* The history rows after signing (the land supply of the setup left out): "field old>new [note]" joined with " | ". */
static const char *changes(const char *entity, const char *code)
{
    static char buf[2048];
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(field || ' ' || coalesce(old_value, '∅') || '>' || coalesce(new_value, '∅')"
             " || coalesce(' [' || note || ']', ''), ' | ') FROM (SELECT * FROM history WHERE entity = '%s'"
             " AND code = '%s' AND field <> 'milestone land actual'"
             " AND id > (SELECT max(id) FROM history WHERE entity = 'project' AND field = 'parcel')"
             " ORDER BY id)",
             entity, code);
    const char *s = tu_sql_text(db, sql);
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    return buf;
}

static const char *stage_of(const char *code)
{
    return tu_sql_text_arg(db,
                           "SELECT CASE WHEN terminated_on IS NOT NULL THEN 'terminated' ELSE 'live' END"
                           " FROM project WHERE code = ?1",
                           code);
}

static int get_stage(const pl_project_row *r, void *ctx)
{
    snprintf(ctx, 32, "%s", r->stage);
    return 0;
}

Test(project_fix, edit_changes_dates_and_commitments_with_one_history_row_each)
{
    pl_project_changes c;
    pl_project_changes_init(&c);
    c.start_by = "2025-09-01";
    c.verify_by = "2027-01-01";
    c.investment = 6000;
    c.far = 1.5;
    c.note = "supplementary agreement 补充协议";
    pl_error err;
    pl_error_clear(&err);
    int changed = -1;
    cr_assert_eq(pl_project_edit(db, "P-1", &c, &changed, &err), PL_OK, "%s", err.message);
    cr_expect_eq(changed, 4);
    cr_expect_str_eq(changes("project", "P-1"),
                     "milestone construction planned 2025-06-01>2025-09-01 [supplementary agreement 补充协议] | "
                     "milestone verification planned ∅>2027-01-01 [supplementary agreement 补充协议] | "
                     "investment 5000>6000 [supplementary agreement 补充协议] | "
                     "far ∅>1.5 [supplementary agreement 补充协议]");
    cr_expect_eq(tu_sql_num(db, "SELECT investment FROM project WHERE code = 'P-1'"), 6000);
    cr_expect_str_eq(tu_sql_text(db, "SELECT planned FROM milestone m JOIN project p ON p.id = m.project_id"
                                     " WHERE p.code = 'P-1' AND kind = 'construction'"),
                     "2025-09-01");
    cr_expect_str_eq(tu_sql_text(db, "SELECT who FROM history WHERE entity = 'project' AND code = 'P-1'"
                                     " AND field = 'far'"),
                     pl_db_user(db));
}

Test(project_fix, edit_with_the_values_it_holds_writes_nothing)
{
    char *before = tu_db_snapshot(dbpath);
    pl_project_changes c;
    pl_project_changes_init(&c);
    c.start_by = "2025-06-01";
    c.investment = 5000;
    pl_error err;
    pl_error_clear(&err);
    int changed = -1;
    cr_assert_eq(pl_project_edit(db, "P-1", &c, &changed, &err), PL_OK, "%s", err.message);
    cr_expect_eq(changed, 0);
    char *after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
}

Test(project_fix, edit_refusals_change_nothing)
{
    char *before = tu_db_snapshot(dbpath);
    pl_project_changes c;
    pl_project_changes_init(&c);
    pl_error err;
    c.production_by = "2025-05-01"; /* before the construction start */
    c.investment = 7000;
    pl_error_clear(&err);
    cr_expect_eq(pl_project_edit(db, "P-1", &c, NULL, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, "project 'P-1' not changed: planned production 2025-05-01 is before planned "
                                  "construction start 2025-06-01");
    pl_project_changes_init(&c);
    c.far = -1;
    pl_error_clear(&err);
    cr_expect_eq(pl_project_edit(db, "P-1", &c, NULL, &err), PL_ERR_USAGE);
    cr_expect_str_eq(err.message, "--far must be a number ≥ 0, not -1");
    pl_project_changes_init(&c);
    c.start_by = "2025-02-30";
    pl_error_clear(&err);
    cr_expect_eq(pl_project_edit(db, "P-1", &c, NULL, &err), PL_ERR_USAGE);
    cr_expect_str_eq(err.message, "--start-by '2025-02-30' is not a real date (YYYY-MM-DD)");
    pl_project_changes_init(&c);
    c.investment = 1;
    pl_error_clear(&err);
    cr_expect_eq(pl_project_edit(db, "P-9", &c, NULL, &err), PL_ERR_NOTFOUND);
    cr_expect_str_eq(err.message, "no project 'P-9' (see 'parkland project list')");
    char *after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
}

/* The alerts report as of `as_of`, as JSON text (caller frees) and its alert count. */
static char *alerts(const char *as_of, size_t *n)
{
    pl_report_options o = {as_of, NULL};
    pl_report *rep = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_report_build(db, PL_REPORT_ALERTS, &o, &rep, &err), PL_OK, "%s", err.message);
    *n = pl_report_alerts(rep);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(pl_report_write(rep, f, PL_REPORT_JSON, &err), PL_OK, "%s", err.message);
    fclose(f);
    pl_report_free(rep);
    return text;
}

Test(project_fix, terminate_ends_the_project_frees_parcels_closes_alerts_and_loses_the_lead)
{
    /* 005 linked to the project while still listed (as an older database may hold it) */
    status("QDIP-2024-005", "listed", "2025-02-15", NULL);
    tu_sql_exec(db, "INSERT INTO project_parcel(project_id, parcel_id) SELECT p.id, c.id FROM project p, parcel c"
                    " WHERE p.code = 'P-1' AND c.code = 'QDIP-2024-005'");
    size_t n0;
    char *j0 = alerts("2025-12-01", &n0);
    cr_assert_gt(n0, 0);
    cr_assert_not_null(strstr(j0, "P-1"), "the late start of P-1 is an alert before: %s", j0);
    free(j0);

    pl_project_terminate_result res;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_project_terminate(db, "P-1", "2025-10-01", "company withdrew 企业撤资", PL_TERMINATE_LEAD_LOST,
                                      &res, &err),
                 PL_OK, "%s", err.message);
    cr_expect_eq(res.released, 1);
    cr_expect_eq(res.kept, 2);
    cr_expect_str_eq(res.kept_codes, "QDIP-2024-004, QDIP-2024-006");
    cr_expect_str_eq(res.lead_stage, "lost");
    cr_expect_str_eq(stage_of("P-1"), "terminated");
    char stage[32] = "";
    cr_assert_eq(pl_project_get(db, "P-1", get_stage, stage, &err), PL_OK);
    cr_expect_str_eq(stage, "terminated");
    cr_expect_str_eq(pl_project_stage_zh("terminated"), "已终止");
    cr_expect_str_eq(tu_sql_text(db, "SELECT group_concat(code || '=' || status, ',') FROM (SELECT code, status"
                                     " FROM parcel WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005', 'QDIP-2024-006')"
                                     " ORDER BY code)"),
                     "QDIP-2024-004=transferred,QDIP-2024-005=available,QDIP-2024-006=transferred");
    cr_expect_str_eq(tu_sql_text(db, "SELECT stage || ' ' || stage_date FROM lead WHERE code = 'L-A'"),
                     "lost 2025-10-01");
    cr_expect_str_eq(changes("project", "P-1"),
                     "terminated ∅>2025-10-01 [company withdrew 企业撤资] | "
                     "parcels kept ∅>QDIP-2024-004, QDIP-2024-006 [transferred or later: the land use right was "
                     "granted; take the land back with 'parkland parcel status CODE reserve|available --force "
                     "--note …']");
    cr_expect_str_eq(changes("lead", "L-A"), "park ∅>QDIP [project P-1 signed in park QDIP] | stage new>signed "
                                             "[project P-1] | stage signed>lost [project P-1 terminated: company "
                                             "withdrew 企业撤资]");
    cr_expect_str_eq(changes("parcel", "QDIP-2024-005"),
                     "status available>listed | status listed>available [project P-1 terminated: company withdrew 企业撤资]");

    size_t n1;
    char *j1 = alerts("2025-12-01", &n1);
    cr_expect_null(strstr(j1, "P-1"), "no alert of P-1 after its termination: %s", j1);
    cr_expect_lt(n1, n0);
    free(j1);
    /* as of a day before the termination it was still live */
    char *j2 = alerts("2025-09-15", &n1);
    cr_expect_not_null(strstr(j2, "P-1"));
    free(j2);
}

Test(project_fix, terminate_can_send_the_lead_back_to_intent)
{
    pl_project_terminate_result res;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_project_terminate(db, "P-1", "2025-10-01", "renegotiating 重新洽谈", PL_TERMINATE_LEAD_INTENT,
                                      &res, &err),
                 PL_OK, "%s", err.message);
    cr_expect_str_eq(res.lead_stage, "intent");
    cr_expect_str_eq(tu_sql_text(db, "SELECT stage FROM lead WHERE code = 'L-A'"), "intent");
}

Test(project_fix, terminate_refusals_change_nothing)
{
    char *before = tu_db_snapshot(dbpath);
    pl_project_terminate_result res;
    pl_error err;
    pl_error_clear(&err);
    cr_expect_eq(pl_project_terminate(db, "P-1", "2025-02-01", "x", PL_TERMINATE_LEAD_LOST, &res, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, "project 'P-1': termination date 2025-02-01 is before the signing on 2025-03-01");
    pl_error_clear(&err);
    cr_expect_eq(pl_project_terminate(db, "P-1", "2199-01-01", "x", PL_TERMINATE_LEAD_LOST, &res, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, "project 'P-1': termination date 2199-01-01 is in the future");
    pl_error_clear(&err);
    cr_expect_eq(pl_project_terminate(db, "P-1", "2025-10-01", "", PL_TERMINATE_LEAD_LOST, &res, &err), PL_ERR_USAGE);
    cr_expect_str_eq(err.message, "project terminate needs a --note saying why");
    pl_error_clear(&err);
    cr_expect_eq(pl_project_terminate(db, "P-9", "2025-10-01", "x", PL_TERMINATE_LEAD_LOST, &res, &err),
                 PL_ERR_NOTFOUND);
    cr_expect_str_eq(err.message, "no project 'P-9' (see 'parkland project list')");
    char *after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
    /* terminated once: a second termination and an edit are refused */
    pl_error_clear(&err);
    cr_assert_eq(pl_project_terminate(db, "P-1", "2025-10-01", "x", PL_TERMINATE_LEAD_LOST, &res, &err), PL_OK);
    before = tu_db_snapshot(dbpath);
    pl_error_clear(&err);
    cr_expect_eq(pl_project_terminate(db, "P-1", "2025-11-01", "x", PL_TERMINATE_LEAD_LOST, &res, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, "project 'P-1' was terminated on 2025-10-01 already");
    pl_project_changes c;
    pl_project_changes_init(&c);
    c.investment = 1;
    pl_error_clear(&err);
    cr_expect_eq(pl_project_edit(db, "P-1", &c, NULL, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, "project 'P-1' was terminated on 2025-10-01; its commitments stay as they were");
    /* and so are its milestones, progress and plans */
    static const char *const ended = "project 'P-1' was terminated on 2025-10-01; its record stays as it was";
    pl_error_clear(&err);
    cr_expect_eq(pl_project_milestone(db, "P-1", "construction", NULL, "2025-11-01", NULL, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, ended);
    pl_error_clear(&err);
    cr_expect_eq(pl_project_progress(db, "P-1", "2025-11", 100, NULL, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, ended);
    pl_error_clear(&err);
    cr_expect_eq(pl_project_plan(db, "P-1", 2026, 100, NULL, &err), PL_ERR_INPUT);
    cr_expect_str_eq(err.message, ended);
    after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
}

/* ---- the command line --------------------------------------------------------------------- */

Test(project_fix, cli_edit_and_terminate)
{
    tu_db_close(db);
    db = NULL;
    char *out = NULL, *errout = NULL;
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "project edit p-1 --start-by 2025/09/01 --investment 6000 --note %s",
                        tu_q("补充协议")),
                 0, "%s", errout);
    cr_expect_str_eq(out, "project P-1: 2 fields changed (see 'parkland history project P-1')\n");
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "project edit P-1 --investment 6000"), 0, "%s", errout);
    cr_expect_str_eq(out, "project P-1: nothing changed (the values are the ones it holds) / 未修改\n");
    char *before = tu_db_snapshot(dbpath);
    cr_expect_neq(tu_cli(&out, &errout, dbpath, "project edit P-1"), 0);
    cr_expect_not_null(strstr(errout, "project edit P-1: nothing to change"), "%s", errout);
    cr_expect_neq(tu_cli(&out, &errout, dbpath, "project edit P-2 --far 1"), 0);
    cr_expect_not_null(strstr(errout, "no project 'P-2'"), "%s", errout);
    cr_expect_neq(tu_cli(&out, &errout, dbpath, "project edit P-1 --far abc"), 0);
    cr_expect_neq(tu_cli(&out, &errout, dbpath, "project terminate P-1 --date 2025-10-01"), 0);
    cr_expect_not_null(strstr(errout, "needs a CODE, --date D and --note T"), "%s", errout);
    cr_expect_neq(tu_cli(&out, &errout, dbpath, "project terminate P-1 --date 2025-10-01 --note x --lead gone"), 0);
    cr_expect_not_null(strstr(errout, "--lead takes lost or intent, not 'gone'"), "%s", errout);
    char *after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "project terminate P-1 --date 2025-10-01 --note %s --lead intent",
                        tu_q("企业撤资")),
                 0, "%s", errout);
    cr_expect_str_eq(out, "project P-1: terminated 已终止 on 2025-10-01; 0 parcels back to available; lead intent\n"
                          "note: parcels QDIP-2024-004, QDIP-2024-006 keep their status (transferred or later); "
                          "take the land back with 'parkland parcel status CODE reserve --force --note …'\n");
    cr_expect_eq(tu_cli(&out, &errout, dbpath, "project list --stage terminated --format csv"), 0, "%s", errout);
    cr_expect_not_null(strstr(out, "P-1"), "%s", out);
    tu_outputs_free(&out, &errout);
}
