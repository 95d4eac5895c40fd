/* test_project.c — signed projects: signing (parcel statuses, shortfalls refused
 * then accepted with a note), milestones moving parcels, the derived stage,
 * investment plans and progress, history rows, and the 'project' command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/lead.h"
#include "parkland/lifecycle.h"
#include "parkland/park.h"
#include "parkland/project.h"
#include "parkland/units.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

/* ---- fixture: the sample park, three leads, parcels 001–006 prepared ------------------ */

static void status(const char *code, const char *to, const char *date, const char *lead)
{
    pl_status_options o = {date, NULL, 0, lead, NULL};
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_set_status(db, NULL, code, to, &o, NULL, &err), PL_OK, "%s → %s: %s", code, to,
                 err.message);
}

static void lead(const char *code, const char *company)
{
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = code;
    f.company = company;
    f.industry = "equipment";
    f.date = "2024-12-01";
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
}

static void setup(void)
{
    db = tu_db_new("project.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", NULL, "西海岸新区", NULL, &err), PL_OK);
    tu_import(db, SAMPLES_DIR "/parcels.txt", NULL);
    /* standard-land indicators of 001–003; 004–006 only a building coverage (nothing a project commits to) */
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu,"
                    " output_per_mu, energy_per_output, updated_at)"
                    " SELECT id, 300, 1.0, 2.0, 20, 400, 0.5, '2025-01-01T00:00:00Z' FROM parcel"
                    " WHERE code IN ('QDIP-2024-001', 'QDIP-2024-002', 'QDIP-2024-003')");
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, building_coverage_min, updated_at)"
                    " SELECT id, 40, '2025-01-01T00:00:00Z' FROM parcel"
                    " WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005', 'QDIP-2024-006')");
    lead("L-A", "西门子智能制造(青岛)有限公司");
    lead("L-B", "株式会社青岛精密");
    lead("L-C", "韩国斗山新能源");
    status("QDIP-2024-002", "available", "2025-01-10", NULL);
    status("QDIP-2024-003", "available", "2025-01-10", NULL);
    status("QDIP-2024-002", "reserved", "2025-02-01", "L-B");
    status("QDIP-2024-004", "available", "2025-01-10", NULL);
    status("QDIP-2024-005", "available", "2025-01-10", NULL);
    status("QDIP-2024-006", "available", "2025-01-10", NULL);
    status("QDIP-2024-004", "reserved", "2025-02-01", "L-A");
    status("QDIP-2024-005", "listed", "2025-02-01", NULL);
    /* 005 loses its indicator row (listed already): signing notes it */
    tu_sql_exec(db, "DELETE FROM parcel_indicator WHERE parcel_id = (SELECT id FROM parcel"
                    " WHERE code = 'QDIP-2024-005')");
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(project, .init = setup, .fini = teardown);

static int sign(pl_project_sign_options *o, pl_project_sign_result *r, pl_error *err)
{
    pl_error_clear(err);
    return pl_project_sign(db, o, r, err);
}

Test(project, sign_refuses_parcels_in_the_wrong_status_and_changes_nothing)
{
    char *before = tu_db_snapshot(dbpath);
    const char *parcels[] = {"QDIP-2024-001", "QDIP-2024-002", "QDIP-2024-003", "QDIP-2099-999"};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-A";
    o.parcels = parcels;
    o.nparcels = 4;
    o.date = "2025-03-01";
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nproblems, 3);
    cr_assert_str_eq(r.problems[0], "parcel 'QDIP-2024-001' is reserve (储备); a project can take parcels that are "
                                    "available (可供), listed (挂牌) or reserved (预留) for lead L-A");
    cr_assert_str_eq(r.problems[1], "parcel 'QDIP-2024-002' is reserved (预留) for lead L-B until 2025-05-02, not for L-A");
    cr_assert_str_eq(r.problems[2], "no parcel 'QDIP-2099-999' (see 'parkland parcel list')");
    cr_assert_str_eq(err.message, "project P-L-A not signed: parcel 'QDIP-2024-001' is reserve (储备); a project can "
                                  "take parcels that are available (可供), listed (挂牌) or reserved (预留) for lead L-A; "
                                  "parcel 'QDIP-2024-002' is reserved (预留) for lead L-B until 2025-05-02, not for L-A; "
                                  "no parcel 'QDIP-2099-999' (see 'parkland parcel list')");
    cr_assert_eq(r.project_id, 0);
    pl_project_sign_result_release(&r);

    /* an unknown lead, a lost lead, a parcel named twice, an unknown park */
    o.nparcels = 1;
    parcels[0] = "QDIP-2024-003";
    o.lead = "L-Z";
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no lead 'L-Z' (see 'parkland lead list')");
    pl_project_sign_result_release(&r);
    o.lead = "L-A";
    o.park = "XXX";
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no park 'XXX' (see 'parkland park list')");
    pl_project_sign_result_release(&r);
    o.park = NULL;
    const char *twice[] = {"QDIP-2024-003", "QDIP-2024-003"};
    o.parcels = twice;
    o.nparcels = 2;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "parcel 'QDIP-2024-003' is named twice");
    pl_project_sign_result_release(&r);
    o.date = "2099-01-01";
    o.nparcels = 1;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "signing date 2099-01-01 is in the future");
    pl_project_sign_result_release(&r);
    o.date = "2025-03-01";
    o.start_by = "2025-09-01";
    o.production_by = "2025-06-01";
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "planned production 2025-06-01 (--production-by) is before planned construction "
                                  "start 2025-09-01 (--start-by)");
    pl_project_sign_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before, "a refused signing changed the database");
    free(after);

    pl_error_clear(&err);
    cr_assert_eq(pl_lead_set_stage(db, "L-C", "lost", "2025-02-01", NULL, 0, &err), PL_OK, "%s", err.message);
    free(before);
    before = tu_db_snapshot(dbpath);
    pl_project_sign_options_init(&o);
    o.lead = "L-C";
    o.parcels = parcels;
    o.nparcels = 1;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "lead 'L-C' is lost (流失); reopen it first"), "%s", err.message);
    pl_project_sign_result_release(&r);
    after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
}

Test(project, shortfall_is_listed_and_refused_then_accepted_with_a_note)
{
    const char *parcels[] = {"QDIP-2024-003"};
    double mu = pl_m2_to_mu(tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'QDIP-2024-003'"));
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-A";
    o.parcels = parcels;
    o.nparcels = 1;
    o.date = "2025-03-01";
    o.investment = 250 * mu; /* 250 万元/亩 < 300 */
    o.far = 2.5;             /* outside 1.0–2.0 */
    o.tax_per_mu = 25;       /* ≥ 20: fine */
    o.output_per_mu = 450;   /* ≥ 400: fine */
    o.energy_per_output = 0.6; /* > 0.5 */
    o.land_by = "2025-04-01";
    o.start_by = "2025-06-01";
    o.production_by = "2026-06-01";
    o.verify_by = "2027-06-01";
    char *before = tu_db_snapshot(dbpath);
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nshortfalls, 3);
    cr_assert_str_eq(r.shortfalls[0].text, "QDIP-2024-003: 投资强度 investment intensity: committed 250.00 万元/亩, "
                                           "required ≥ 300.00 万元/亩");
    cr_assert_str_eq(r.shortfalls[1].text, "QDIP-2024-003: 容积率 FAR: committed 2.50, required 1.00–2.00");
    cr_assert_str_eq(r.shortfalls[2].text, "QDIP-2024-003: 单位产值能耗 energy per output: committed 0.600 "
                                           "吨标准煤/万元, required ≤ 0.500 吨标准煤/万元");
    cr_assert_str_eq(r.shortfalls[0].check.key, "investment_intensity");
    cr_assert_float_eq(r.shortfalls[0].check.required, 300, 1e-9);
    cr_assert(r.intensity_computed);
    cr_assert_float_eq(r.investment_intensity, 250, 1e-9);
    cr_assert_str_eq(err.message, "project P-L-A not signed: 3 shortfalls against the parcels' standard-land "
                                  "indicators; sign with --accept-shortfall --note TEXT to record and accept them");
    pl_project_sign_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before, "a refused signing changed the database");
    free(after);
    free(before);

    /* a missing commitment against a required indicator is a shortfall too */
    o.tax_per_mu = NAN;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nshortfalls, 4);
    cr_assert_str_eq(r.shortfalls[2].text, "QDIP-2024-003: 亩均税收 tax per mu: not committed, required ≥ 20.00 万元/亩·年");
    pl_project_sign_result_release(&r);
    o.tax_per_mu = 25;

    o.accept_shortfall = 1;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "--accept-shortfall needs a --note saying why");
    pl_project_sign_result_release(&r);

    o.note = "市重点项目，投资强度分期达标";
    cr_assert_eq(sign(&o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(r.code, "P-L-A");
    cr_assert_gt(r.project_id, 0);
    cr_assert_eq(r.nshortfalls, 3);
    pl_project_sign_result_release(&r);

    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project p JOIN lead l ON l.id = p.lead_id"
                                  " WHERE p.code = 'P-L-A' AND l.code = 'L-A' AND p.signed_on = '2025-03-01'"
                                  " AND abs(p.investment_intensity - 250) < 1e-9 AND p.far = 2.5 AND p.tax_per_mu = 25"
                                  " AND p.output_per_mu = 450 AND p.energy_per_output = 0.6"
                                  " AND p.shortfall_note = '市重点项目，投资强度分期达标'"), 1);
    /* an investment agreement transfers no land: the parcel is reserved for the project */
    cr_assert_str_eq(tu_sql_text(db, "SELECT status || ' ' || status_date FROM parcel WHERE code = 'QDIP-2024-003'"),
                     "reserved 2025-03-01");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation r JOIN parcel c ON c.id = r.parcel_id"
                                  " WHERE c.code = 'QDIP-2024-003'"), 0, "the project holds it: no reservation row");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project_parcel pp JOIN parcel c ON c.id = pp.parcel_id"
                                  " WHERE c.code = 'QDIP-2024-003'"), 1);
    cr_assert_str_eq(tu_sql_text(db, "SELECT stage || ' ' || stage_date FROM lead WHERE code = 'L-A'"),
                     "signed 2025-03-01");
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(kind || '=' || planned, ' ') FROM (SELECT * FROM milestone"
                                     " ORDER BY rowid)"),
                     "land=2025-04-01 construction=2025-06-01 production=2026-06-01 verification=2027-06-01");
    /* history: the available parcel reserved for the project; project, shortfall and lead rows */
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(old_value || '>' || new_value || ' ' || effective || ' ' ||"
                                     " note, '; ') FROM (SELECT * FROM history WHERE entity = 'parcel'"
                                     " AND code = 'QDIP-2024-003' AND field = 'status' AND id > (SELECT max(id)"
                                     " FROM history WHERE field = 'status' AND new_value = 'available'"
                                     " AND code = 'QDIP-2024-003') ORDER BY id)"),
                     "available>reserved 2025-03-01 project P-L-A signed with lead L-A: reserved (预留) for the "
                     "project");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND code = 'P-L-A'"
                                  " AND field = 'created' AND new_value = 'lead L-A; parcels QDIP-2024-003'"
                                  " AND effective = '2025-03-01' AND who = 'tester'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND field = 'shortfall'"
                                  " AND note = '市重点项目，投资强度分期达标' AND new_value LIKE '%容积率 FAR: committed 2.50%'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND field = 'commitments'"
                                  " AND new_value LIKE 'investment=%; investment_intensity=250 万元/亩; far=2.5;%'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project'"
                                  " AND field LIKE 'milestone % planned'"),
                 4);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND code = 'L-A'"
                                  " AND field = 'stage' AND old_value = 'new' AND new_value = 'signed'"
                                  " AND note = 'project P-L-A'"), 1);
    /* the same default code again is refused */
    const char *p5[] = {"QDIP-2024-005"};
    pl_project_sign_options_init(&o);
    o.lead = "L-A";
    o.parcels = p5;
    o.nparcels = 1;
    cr_assert_eq(sign(&o, &r, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-L-A' already exists (name the new one with --code)");
    pl_project_sign_result_release(&r);
}

Test(project, reserved_for_the_lead_and_listed_parcels_are_taken)
{
    const char *parcels[] = {"QDIP-2024-004", "QDIP-2024-005"};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-A";
    o.parcels = parcels;
    o.nparcels = 2;
    o.park = "QDIP";
    o.code = "P-DE-2025-01";
    o.date = "2025-06-15"; /* after the reservation's expiry (2025-05-02): taken, with a note */
    o.investment = 30000;
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign(&o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.nshortfalls, 0);
    cr_assert_eq(r.nnotes, 3);
    cr_assert_str_eq(r.notes[0], "parcel 'QDIP-2024-004': the reservation for lead L-A expired on 2025-05-02; "
                                 "signed all the same");
    cr_assert_str_eq(r.notes[1], "parcel 'QDIP-2024-005' has no standard-land indicators (parkland parcel indicators "
                                 "QDIP-2024-005 …): nothing to check the commitments against");
    cr_assert_str_eq(r.notes[2], "parcel 'QDIP-2024-005' was listed (挂牌) already and stays listed");
    double area = tu_sql_num(db, "SELECT sum(area_m2) FROM parcel WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005')");
    cr_assert_float_eq(r.area_m2, area, 1e-6);
    cr_assert_float_eq(r.investment_intensity, 30000 / pl_m2_to_mu(area), 1e-9);
    pl_project_sign_result_release(&r);
    /* held for the project: the lead's reservation passes to it, the listed parcel stays listed */
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(code || '=' || status, ',') FROM (SELECT code, status"
                                     " FROM parcel WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005') ORDER BY code)"),
                     "QDIP-2024-004=reserved,QDIP-2024-005=listed");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation r JOIN parcel c ON c.id = r.parcel_id"
                                  " WHERE c.code = 'QDIP-2024-004' AND released_on = '2025-06-15'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'QDIP-2024-004' AND field = 'reservation'"
                                  " AND new_value IS NULL AND note = 'released on 2025-06-15 (→ project P-DE-2025-01)'"),
                 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005')"
                                  " AND field = 'status' AND new_value = 'transferred'"), 0);
    /* another lead cannot take a parcel the project holds, listed or not */
    const char *held[] = {"QDIP-2024-005"};
    pl_project_sign_options o2;
    pl_project_sign_options_init(&o2);
    o2.lead = "L-B";
    o2.parcels = held;
    o2.nparcels = 1;
    o2.date = "2025-06-20";
    cr_assert_eq(sign(&o2, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nproblems, 1);
    cr_assert_str_eq(r.problems[0], "parcel 'QDIP-2024-005' is held by project P-DE-2025-01 (listed 挂牌)");
    pl_project_sign_result_release(&r);
    /* the land supply (出让合同/交地) transfers them, with the history rows */
    cr_assert_eq(pl_project_milestone(db, "P-DE-2025-01", "land", NULL, "2025-07-01", "出让合同", &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005')"
                                  " AND status = 'transferred' AND status_date = '2025-07-01'"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'QDIP-2024-004' AND field = 'status'"
                                  " AND old_value = 'reserved' AND new_value = 'transferred' AND effective = '2025-07-01'"
                                  " AND note = 'project P-DE-2025-01: land supply 2025-07-01; 出让合同'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'QDIP-2024-005' AND field = 'status'"
                                  " AND old_value = 'listed' AND new_value = 'transferred'"), 1);
}

typedef struct stage_buf {
    char stage[32];
    double invested, planned;
    char parcels[256];
    int nparcels;
} stage_buf;

static int keep_stage(const pl_project_row *r, void *ctx)
{
    stage_buf *b = ctx;
    snprintf(b->stage, sizeof b->stage, "%s", r->stage);
    b->invested = r->invested;
    b->planned = r->planned_total;
    snprintf(b->parcels, sizeof b->parcels, "%s", r->parcels ? r->parcels : "");
    b->nparcels = r->nparcels;
    return 0;
}

static const char *stage_of(const char *code)
{
    static stage_buf b;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_project_get(db, code, keep_stage, &b, &err), PL_OK, "%s", err.message);
    return b.stage;
}

static int ms(const char *kind, const char *planned, const char *actual, pl_error *err)
{
    pl_error_clear(err);
    return pl_project_milestone(db, "P-1", kind, planned, actual, NULL, err);
}

static void sign_p1(void)
{
    const char *parcels[] = {"QDIP-2024-004", "QDIP-2024-006"};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-A";
    o.parcels = parcels;
    o.nparcels = 2;
    o.code = "P-1";
    o.date = "2025-03-01";
    o.start_by = "2025-06-01";
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign(&o, &r, &err), PL_OK, "%s", err.message);
    pl_project_sign_result_release(&r);
}

#define PARCELS_IN(st) \
    tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code IN ('QDIP-2024-004', 'QDIP-2024-006')" \
                     " AND status = '" st "'")

Test(project, milestones_move_parcels_and_the_stage_is_derived)
{
    sign_p1();
    pl_error err;
    cr_assert_str_eq(stage_of("P-1"), "signed");
    char *before = tu_db_snapshot(dbpath);
    /* refusals */
    cr_assert_eq(ms("construction", NULL, "2025-05-01", &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': record the actual land supply (供地) before the construction start "
                                  "(parkland project milestone P-1 land --actual DATE)");
    cr_assert_eq(ms("land", NULL, "2025-02-01", &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': the land supply date 2025-02-01 is before the signing on 2025-03-01");
    cr_assert_eq(ms("land", NULL, "2099-01-01", &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': the actual land supply date 2099-01-01 is in the future");
    cr_assert_eq(ms("land", NULL, "2025-02-29", &err), PL_ERR_USAGE);
    cr_assert_eq(ms("handover", NULL, "2025-04-01", &err), PL_ERR_USAGE);
    cr_assert_eq(ms("land", "2025-04-01", "2025-04-01", &err), PL_ERR_USAGE);
    cr_assert_eq(ms("production", "2025-05-01", NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': planned production 2025-05-01 is before the planned construction "
                                  "start on 2025-06-01");
    pl_error_clear(&err);
    cr_assert_eq(pl_project_milestone(db, "P-9", "land", NULL, "2025-04-01", NULL, &err), PL_ERR_NOTFOUND);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);

    /* land: no parcel moves */
    cr_assert_eq(ms("land", NULL, "2025-04-15", &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(stage_of("P-1"), "land_supplied");
    cr_assert_eq(PARCELS_IN("transferred"), 2);
    cr_assert_eq(ms("construction", NULL, "2025-04-10", &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': actual construction start 2025-04-10 is before the actual land supply "
                                  "on 2025-04-15");
    /* construction: the parcels move */
    cr_assert_eq(ms("construction", NULL, "2025-07-20", &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(stage_of("P-1"), "construction");
    cr_assert_eq(PARCELS_IN("construction"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND field = 'status'"
                                  " AND old_value = 'transferred' AND new_value = 'construction'"
                                  " AND effective = '2025-07-20' AND note = 'project P-1: construction start"
                                  " 2025-07-20'"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND code = 'P-1'"
                                  " AND field = 'milestone construction actual' AND old_value IS NULL"
                                  " AND new_value = '2025-07-20' AND effective = '2025-07-20'"), 1);
    /* correcting a recorded date keeps the old one in history and moves nothing */
    cr_assert_eq(ms("land", NULL, "2025-07-21", &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': actual land supply 2025-07-21 is after the actual construction start "
                                  "on 2025-07-20");
    cr_assert_eq(ms("land", NULL, "2025-04-12", &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'milestone land actual'"
                                  " AND old_value = '2025-04-15' AND new_value = '2025-04-12'"), 1);
    cr_assert_eq(ms("land", NULL, "2025-04-12", &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': the actual land supply date is already 2025-04-12");
    cr_assert_eq(PARCELS_IN("construction"), 2);
    /* production, verification */
    cr_assert_eq(ms("production", NULL, "2026-03-01", &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(stage_of("P-1"), "production");
    cr_assert_eq(PARCELS_IN("production"), 2);
    cr_assert_eq(ms("verification", NULL, "2026-09-30", &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(stage_of("P-1"), "verified");
    cr_assert_eq(PARCELS_IN("verified"), 2);
    /* the stage is never stored: only the dates are */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM pragma_table_info('project') WHERE name = 'stage'"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND field = 'status'"
                                  " AND code IN ('QDIP-2024-004', 'QDIP-2024-006') AND new_value IN ('construction',"
                                  " 'production', 'verified')"), 6);
}

Test(project, a_parcel_that_cannot_follow_refuses_the_milestone_whole)
{
    sign_p1();
    pl_error err;
    cr_assert_eq(ms("land", NULL, "2025-04-15", &err), PL_OK);
    /* QDIP-2024-006 declared idle, then forced back to reserve: construction cannot move it */
    status("QDIP-2024-006", "idle", "2025-05-01", NULL);
    pl_status_options so = {"2025-05-02", "收回", 0, NULL, NULL};
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_set_status(db, NULL, "QDIP-2024-006", "reserve", &so, NULL, &err), PL_OK, "%s", err.message);
    char *before = tu_db_snapshot(dbpath);
    cr_assert_eq(ms("construction", NULL, "2025-07-20", &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "parcel 'QDIP-2024-006' is reserve 储备; it may go to: available"), "%s", err.message);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before, "the first parcel's move must be rolled back too");
    free(after);
    free(before);
    cr_assert_str_eq(stage_of("P-1"), "land_supplied");
}

typedef struct years {
    char text[512];
} years;

static int keep_year(const pl_project_year *y, void *ctx)
{
    years *b = ctx;
    size_t n = strlen(b->text);
    snprintf(b->text + n, sizeof b->text - n, "%s%d:%s/%.2f/%d", n ? " " : "", y->year,
             isnan(y->planned) ? "-" : "plan", y->completed, y->months);
    if (!isnan(y->planned)) {
        n = strlen(b->text);
        snprintf(b->text + n, sizeof b->text - n, "=%.2f", y->planned);
    }
    return 0;
}

Test(project, progress_and_plans_by_year)
{
    sign_p1();
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_project_plan(db, "P-1", 2025, 8000, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_project_plan(db, "P-1", 2026, 12000, "二期", &err), PL_OK);
    cr_assert_eq(pl_project_progress(db, "P-1", "2025-06", 1200, NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_project_progress(db, "P-1", "2025-07", 900, NULL, &err), PL_OK);
    cr_assert_eq(pl_project_progress(db, "P-1", "2026-01", 2500, NULL, &err), PL_OK);
    /* again for June: replaced, history keeps 1200 */
    cr_assert_eq(pl_project_progress(db, "P-1", "2025-06", 1500, "财务复核", &err), PL_OK);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM investment_progress"), 3);
    cr_assert_float_eq(tu_sql_num(db, "SELECT amount FROM investment_progress WHERE period = '2025-06'"), 1500, 1e-9);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND field = 'progress 2025-06'"
                                  " AND old_value = '1200' AND new_value = '1500' AND note = '财务复核'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND field = 'plan 2026'"
                                  " AND old_value IS NULL AND new_value = '12000' AND note = '二期'"), 1);
    char *before = tu_db_snapshot(dbpath);
    cr_assert_eq(pl_project_progress(db, "P-1", "2099-01", 10, NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "project 'P-1': period 2099-01 is in the future");
    cr_assert_eq(pl_project_progress(db, "P-1", "2025-13", 10, NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "period '2025-13' is not a month (YYYY-MM)");
    cr_assert_eq(pl_project_progress(db, "P-1", "2025-05", -3, NULL, &err), PL_ERR_USAGE);
    cr_assert_eq(pl_project_progress(db, "P-9", "2025-05", 3, NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_eq(pl_project_plan(db, "P-1", 1800, 3, NULL, &err), PL_ERR_USAGE);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
    years y = {""};
    cr_assert_eq(pl_project_years(db, "P-1", keep_year, &y, &err), PL_OK);
    cr_assert_str_eq(y.text, "2025:plan/2400.00/2=8000.00 2026:plan/2500.00/1=12000.00");
    stage_buf b;
    cr_assert_eq(pl_project_get(db, "P-1", keep_stage, &b, &err), PL_OK);
    cr_assert_float_eq(b.invested, 4900, 1e-9);
    cr_assert_float_eq(b.planned, 20000, 1e-9);
    cr_assert_str_eq(b.parcels, "QDIP-2024-004,QDIP-2024-006");
    cr_assert_eq(b.nparcels, 2);
}

typedef struct codes {
    char list[256];
} codes;

static int keep_code(const pl_project_row *r, void *ctx)
{
    codes *c = ctx;
    size_t n = strlen(c->list);
    snprintf(c->list + n, sizeof c->list - n, "%s%s:%s", n ? "," : "", r->code, r->stage);
    return 0;
}

Test(project, list_filters_on_the_derived_stage)
{
    sign_p1();
    const char *p5[] = {"QDIP-2024-005"};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-B";
    o.parcels = p5;
    o.nparcels = 1;
    o.date = "2025-04-01";
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign(&o, &r, &err), PL_OK, "%s", err.message);
    pl_project_sign_result_release(&r);
    cr_assert_eq(ms("land", NULL, "2025-05-01", &err), PL_OK);
    codes c = {""};
    cr_assert_eq(pl_project_each(db, NULL, keep_code, &c, &err), PL_OK);
    cr_assert_str_eq(c.list, "P-1:land_supplied,P-L-B:signed");
    pl_project_filter f = {"已签约", NULL};
    c.list[0] = '\0';
    cr_assert_eq(pl_project_each(db, &f, keep_code, &c, &err), PL_OK);
    cr_assert_str_eq(c.list, "P-L-B:signed");
    pl_project_filter g = {NULL, "L-A"};
    c.list[0] = '\0';
    cr_assert_eq(pl_project_each(db, &g, keep_code, &c, &err), PL_OK);
    cr_assert_str_eq(c.list, "P-1:land_supplied");
    pl_project_filter h = {"finished", NULL};
    cr_assert_eq(pl_project_each(db, &h, keep_code, &c, &err), PL_ERR_USAGE);
}

/* ---- the command line ------------------------------------------------------------------ */

static char *out, *errout;

static void cli_teardown(void)
{
    tu_outputs_free(&out, &errout);
    teardown();
}

TestSuite(project_cli, .init = setup, .fini = cli_teardown);

Test(project_cli, sign_milestone_progress_list_show_contract)
{
    pl_db_close(db);
    db = NULL;
    /* usage errors */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project sign L-A"), 2);
    cr_assert(strstr(errout, "project sign needs a LEAD and at least one --parcel CODE"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project sign L-A --parcel QDIP-2024-003 --accept-shortfall"), 2);
    cr_assert(strstr(errout, "--accept-shortfall needs a --note"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project sign L-A --parcel QDIP-2024-003 --far high"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P-1 land"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project progress P-1 2025-06"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project frob"), 2);
    /* refused: the shortfalls on stderr, exit 1 */
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "project sign L-A --parcel QDIP-2024-003 --date 2025-03-01 --investment 10000 --far 1.5"
                        " --tax-per-mu 25 --output-per-mu 450 --energy-per-output 0.4"), 1);
    cr_assert(strstr(errout, "shortfall 不达标: QDIP-2024-003: 投资强度 investment intensity: committed "), "%s", errout);
    cr_assert(strstr(errout, "parkland: project P-L-A not signed: 1 shortfall against"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project sign L-A --parcel QDIP-2024-001 --date 2025-03-01"), 1);
    cr_assert(strstr(errout, "refused: parcel 'QDIP-2024-001' is reserve (储备)"), "%s", errout);
    /* signed */
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "project sign L-A --parcel QDIP-2024-003 --date 2025-03-01 --investment 10000 --far 1.5"
                        " --tax-per-mu 25 --output-per-mu 450 --energy-per-output 0.4 --start-by 2025-06-01"
                        " --accept-shortfall --note 分期投入"), 0, "%s", errout);
    cr_assert(strstr(out, "signed project 签约项目 P-L-A for lead L-A on 2025-03-01"), "%s", out);
    cr_assert(strstr(out, "QDIP-2024-003 → reserved 预留 for the project"), "%s", out);
    cr_assert(strstr(out, "(investment ÷ area)"), "%s", out);
    cr_assert(strstr(out, "accepted shortfall 接受不达标: QDIP-2024-003: 投资强度"), "%s", out);
    /* milestones */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P-L-A construction --actual 2025-05-01"), 1);
    cr_assert(strstr(errout, "record the actual land supply"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P-L-A land --actual 2025-04-01"), 0, "%s", errout);
    cr_assert(strstr(out, "project P-L-A: land 供地 actual 实际 2025-04-01"), "%s", out);
    cr_assert(strstr(out, "stage 阶段: land_supplied 已供地"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "project milestone P-L-A construction --actual 2025-06-20 --note 开工仪式"), 0);
    cr_assert(strstr(out, "stage 阶段: construction 在建"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-003"), 0);
    cr_assert(strstr(out, "construction"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P-L-A production --planned 2026-06-30"), 0);
    cr_assert(strstr(out, "production 投产 planned 计划 2026-06-30"), "%s", out);
    /* investment */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project plan P-L-A 2025 6000"), 0);
    cr_assert(strstr(out, "planned investment 计划投资 2025 = 6000.00 万元"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project progress P-L-A 2025-06 1500.5"), 0);
    cr_assert(strstr(out, "investment completed 完成投资 2025-06 = 1500.50 万元"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project progress P-L-A 2025-07 abc"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project progress P-L-A 2099-07 1"), 1);
    cr_assert(strstr(errout, "period 2099-07 is in the future"), "%s", errout);
    /* list and show */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project list"), 0);
    cr_assert(strstr(out, "1 projects / 项目") && strstr(out, "construction") && strstr(out, "在建"), "%s", out);
    cr_assert(strstr(out, "面积 亩") && strstr(out, "投资 万元"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project list --stage signed"), 0);
    cr_assert(strstr(out, "0 projects"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project list --stage 在建 --format json"), 0);
    cr_assert(strstr(out, "\"code\": \"P-L-A\"") && strstr(out, "\"stage\": \"construction\""), "%s", out);
    cr_assert(strstr(out, "\"completed_wan\": 1500.5") && strstr(out, "\"construction_actual\": \"2025-06-20\""), "%s",
              out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project list --stage done"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project show P-L-A"), 0, "%s", errout);
    cr_assert(strstr(out, "阶段 stage") && strstr(out, "construction 在建"), "%s", out);
    cr_assert(strstr(out, "接受不达标说明 shortfall note") && strstr(out, "分期投入"), "%s", out);
    cr_assert(strstr(out, "宗地与指标 parcels: committed vs the parcel's standard-land indicators"), "%s", out);
    cr_assert(strstr(out, "≥ 300.00") && strstr(out, "shortfall 不达标") && strstr(out, "ok 达标"), "%s", out);
    cr_assert(strstr(out, "1.00–2.00"), "%s", out);
    cr_assert(strstr(out, "节点 milestones") && strstr(out, "done 已完成 (19 days late 延迟 19 天)"), "%s", out);
    cr_assert(strstr(out, "年度投资 investment by year") && strstr(out, "6000.00") && strstr(out, "25.0"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project show NOPE"), 1);
    cr_assert(strstr(errout, "no project 'NOPE'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history project P-L-A"), 0);
    cr_assert(strstr(out, "milestone construction actual") && strstr(out, "开工仪式"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project --help"), 0);
    cr_assert(strstr(out, "--accept-shortfall") && strstr(out, "--verify-by"), "%s", out);
}
