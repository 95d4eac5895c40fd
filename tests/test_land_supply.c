/* test_land_supply.c — the steps agree with each other and with how land is
 * supplied (issue 13 §3): signing holds the parcels and the land milestone
 * transfers them (the alerts and the map agree), a database signed under the
 * old model is migrated (schema 5 → 6), match, query free and signing compute
 * the investment intensity the same way, signing without commitments takes
 * the lead's, and a lead's park decides where the "leads by park" report
 * counts it. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/intensity.h"
#include "parkland/lead.h"
#include "parkland/lifecycle.h"
#include "parkland/match.h"
#include "parkland/park.h"
#include "parkland/project.h"
#include "parkland/query.h"
#include "parkland/report.h"
#include "parkland/units.h"
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

static void lead(const char *code, double investment, double tax, double output, const char *park)
{
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = code;
    f.company = "测试企业";
    f.investment = investment;
    f.tax_per_mu = tax;
    f.output_per_mu = output;
    f.park = park;
    f.date = "2024-12-01";
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
}

static int sign(const char *lead_code, const char *parcel, const char *code, const char *date, const char *land_by,
                pl_project_sign_result *r, pl_error *err)
{
    const char *parcels[] = {parcel};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = lead_code;
    o.parcels = parcels;
    o.nparcels = 1;
    o.code = code;
    o.date = date;
    o.land_by = land_by;
    pl_error_clear(err);
    return pl_project_sign(db, &o, r, err);
}

static void sign_ok(const char *lead_code, const char *parcel, const char *code, const char *date,
                    const char *land_by)
{
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign(lead_code, parcel, code, date, land_by, &r, &err), PL_OK, "%s", err.message);
    pl_project_sign_result_release(&r);
}

/* the alerts as of `as_of`, as JSON text (static) */
static const char *alerts(const char *as_of)
{
    static char text[1 << 16];
    pl_report_options o = {as_of, NULL};
    pl_report *rep = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_report_build(db, PL_REPORT_ALERTS, &o, &rep, &err), PL_OK, "%s", err.message);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(pl_report_write(rep, f, PL_REPORT_JSON, &err), PL_OK, "%s", err.message);
    fclose(f);
    pl_report_free(rep);
    snprintf(text, sizeof text, "%s", buf);
    free(buf);
    return text;
}

/* the sample park; 004–007 available with a building coverage only (no commitment is checked) */
static void setup(void)
{
    db = tu_db_new("supply.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", NULL, "西海岸新区", NULL, &err), PL_OK);
    tu_import(db, SAMPLES_DIR "/parcels.txt", NULL);
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, building_coverage_min, updated_at)"
                    " SELECT id, 40, '2025-01-01T00:00:00Z' FROM parcel WHERE code IN ('QDIP-2024-004',"
                    " 'QDIP-2024-005', 'QDIP-2024-006', 'QDIP-2024-007')");
    status("QDIP-2024-004", "available", "2025-01-10", NULL);
    status("QDIP-2024-005", "available", "2025-01-10", NULL);
    status("QDIP-2024-006", "available", "2025-01-10", NULL);
    status("QDIP-2024-007", "available", "2025-01-10", NULL);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(supply, .init = setup, .fini = teardown);

static const char *status_of(const char *code)
{
    return tu_sql_text_arg(db, "SELECT status FROM parcel WHERE code = ?1", code);
}

/* ---- signing holds the land; the land milestone transfers it ------------------------------ */

Test(supply, signing_reserves_and_the_land_milestone_transfers_so_alerts_and_map_agree)
{
    lead("L-A", 5000, NAN, NAN, NULL);
    sign_ok("L-A", "QDIP-2024-004", "P-A", "2025-03-01", "2025-04-01");
    /* an investment agreement transfers no land: reserved for the project, no expiry */
    cr_assert_str_eq(status_of("QDIP-2024-004"), "reserved");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation r JOIN parcel c ON c.id = r.parcel_id"
                                  " WHERE c.code = 'QDIP-2024-004'"), 0);
    /* the land supply is overdue on 2025-05-01: the alert says so, and the parcel is not 已出让 */
    const char *j = alerts("2025-05-01");
    cr_assert_not_null(strstr(j, "计划供地 2025-04-01"), "%s", j);
    cr_assert_str_neq(status_of("QDIP-2024-004"), "transferred");
    /* the project stays in force: nothing reports its parcel as free for another lead */
    lead("L-B", 5000, NAN, NAN, NULL);
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign("L-B", "QDIP-2024-004", "P-B", "2025-05-01", NULL, &r, &err), PL_ERR_INPUT);
    cr_assert_str_eq(r.problems[0], "parcel 'QDIP-2024-004' is held by project P-A (reserved 预留)");
    pl_project_sign_result_release(&r);
    /* 出让合同/交地: transferred with its history row; the alert is gone */
    pl_error_clear(&err);
    cr_assert_eq(pl_project_milestone(db, "P-A", "land", NULL, "2025-05-10", NULL, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(status_of("QDIP-2024-004"), "transferred");
    cr_assert_str_eq(tu_sql_text(db, "SELECT old_value || '>' || new_value || ' ' || effective FROM history"
                                     " WHERE code = 'QDIP-2024-004' AND field = 'status' ORDER BY id DESC LIMIT 1"),
                     "reserved>transferred 2025-05-10");
    j = alerts("2025-05-11");
    cr_assert_null(strstr(j, "计划供地"), "%s", j);

    /* --list puts them on listing (挂牌) instead; the land milestone transfers them from there */
    lead("L-C", 5000, NAN, NAN, NULL);
    tu_db_close(db);
    db = NULL;
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project sign L-C --parcel QDIP-2024-005 --date 2025-03-01 --list"), 0,
                 "%s", errout);
    cr_assert_not_null(strstr(out, "QDIP-2024-005 → listed 挂牌 for the project"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-005"), 0, "%s", errout);
    cr_assert_not_null(strstr(out, "listed"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P-L-C 供地 --actual 2025-04-20"), 0, "%s", errout);
    tu_outputs_free(&out, &errout);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(status_of("QDIP-2024-005"), "transferred");
}

/* ---- schema 5 → 6: a database signed under the old model ------------------------------------ */

Test(supply, schema_5_database_signed_under_the_old_model_is_migrated)
{
    /* P-OLD: signed 2025-03-01, land planned 2025-04-01, never supplied; P-LAND: land supplied;
     * P-END: terminated; L-RES: only a reservation; L-NONE: nothing */
    lead("L-OLD", 5000, NAN, NAN, NULL);
    lead("L-LAND", 5000, NAN, NAN, NULL);
    lead("L-END", 5000, NAN, NAN, NULL);
    lead("L-RES", 5000, NAN, NAN, NULL);
    lead("L-NONE", 5000, NAN, NAN, NULL);
    sign_ok("L-OLD", "QDIP-2024-004", "P-OLD", "2025-03-01", "2025-04-01");
    sign_ok("L-LAND", "QDIP-2024-005", "P-LAND", "2025-03-01", "2025-04-01");
    sign_ok("L-END", "QDIP-2024-006", "P-END", "2025-03-01", "2025-04-01");
    status("QDIP-2024-007", "reserved", "2025-02-01", "L-RES");
    /* as the old model wrote them: transferred at signing (land milestone or not), no lead park */
    tu_sql_exec(db, "UPDATE parcel SET status = 'transferred' WHERE code IN ('QDIP-2024-004', 'QDIP-2024-005',"
                    " 'QDIP-2024-006');"
                    "UPDATE milestone SET actual = '2025-03-20' WHERE kind = 'land' AND project_id ="
                    " (SELECT id FROM project WHERE code = 'P-LAND');"
                    "UPDATE project SET terminated_on = '2025-06-01' WHERE code = 'P-END';"
                    "DELETE FROM history WHERE entity = 'lead' AND field = 'park';");
    const char *before = alerts("2025-05-01");
    cr_assert_not_null(strstr(before, "计划供地 2025-04-01"), "%s", before); /* while the map says 已出让 */
    /* what schema 6 added, taken away: the file as schema 5 wrote it */
    tu_sql_exec(db, "ALTER TABLE lead DROP COLUMN park_id;"
                    "UPDATE meta SET value = '5' WHERE key = 'schema_version'; PRAGMA user_version = 5;");
    pl_db_close(db);
    db = NULL;

    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), 6);
    cr_assert_str_eq(tu_sql_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), "6");
    /* the land was never supplied: back to reserved for the project, from its signing */
    cr_assert_str_eq(tu_sql_text(db, "SELECT status || ' ' || status_date FROM parcel WHERE code = 'QDIP-2024-004'"),
                     "reserved 2025-03-01");
    cr_assert_str_eq(tu_sql_text(db, "SELECT old_value || '>' || new_value || ' ' || effective || ' ' || note"
                                     " FROM history WHERE code = 'QDIP-2024-004' ORDER BY id DESC LIMIT 1"),
                     "transferred>reserved 2025-03-01 schema 6: held for project P-OLD signed on 2025-03-01 until "
                     "its land supply (出让合同/交地); signing no longer transfers land");
    /* recorded land supply, and a terminated project: left as they were */
    cr_assert_str_eq(status_of("QDIP-2024-005"), "transferred");
    cr_assert_str_eq(status_of("QDIP-2024-006"), "transferred");
    /* the leads' parks: from their projects, else their reservations */
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(l.code || '=' || coalesce(k.code, '-'), ',') FROM"
                                     " (SELECT * FROM lead ORDER BY code) l LEFT JOIN park k ON k.id = l.park_id"),
                     "L-END=QDIP,L-LAND=QDIP,L-NONE=-,L-OLD=QDIP,L-RES=QDIP");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND field = 'park'"
                                  " AND code = 'L-RES' AND note = 'schema 6: the park of the parcels reserved for it'"),
                 1);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    /* the alert and the map agree now; the land milestone transfers the parcel as for a new signing */
    const char *after = alerts("2025-05-01");
    cr_assert_not_null(strstr(after, "计划供地 2025-04-01"), "%s", after);
    cr_assert_str_eq(status_of("QDIP-2024-004"), "reserved");
    pl_error_clear(&err);
    cr_assert_eq(pl_project_milestone(db, "P-OLD", "land", NULL, "2025-05-10", NULL, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(status_of("QDIP-2024-004"), "transferred");
    /* opened again: nothing more to do */
    tu_db_close(db);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE note LIKE 'schema 6:%'"), 5);
}

/* ---- commitments from the lead ------------------------------------------------------------- */

Test(supply, signing_without_commitments_takes_the_leads_and_says_so)
{
    lead("L-A", 9000, 25, 400, NULL);
    pl_project_sign_result r;
    pl_error err;
    cr_assert_eq(sign("L-A", "QDIP-2024-004", "P-A", "2025-03-01", NULL, &r, &err), PL_OK, "%s", err.message);
    cr_assert(r.commitments_from_lead);
    cr_assert(r.intensity_computed);
    double area = tu_sql_num(db, "SELECT area_m2 FROM parcel WHERE code = 'QDIP-2024-004'");
    cr_assert_float_eq(r.investment_intensity, pl_investment_intensity(9000, area), 1e-9);
    pl_project_sign_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project WHERE code = 'P-A' AND investment = 9000"
                                  " AND tax_per_mu = 25 AND output_per_mu = 400 AND investment_intensity > 0"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'P-A' AND field = 'commitments'"
                                  " AND note LIKE 'the lead''s investment, tax and output taken as the commitments%'"),
                 1);
    /* one commitment given: the others are not taken */
    lead("L-B", 9000, 25, 400, NULL);
    const char *parcels[] = {"QDIP-2024-005"};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-B";
    o.parcels = parcels;
    o.nparcels = 1;
    o.date = "2025-03-01";
    o.far = 1.2;
    pl_error_clear(&err);
    cr_assert_eq(pl_project_sign(db, &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert(!r.commitments_from_lead);
    pl_project_sign_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project WHERE code = 'P-L-B' AND investment IS NULL"
                                  " AND tax_per_mu IS NULL AND far = 1.2"), 1);
    /* the command line says so */
    lead("L-C", 9000, 25, NAN, NULL);
    tu_db_close(db);
    db = NULL;
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project sign L-C --parcel QDIP-2024-006 --date 2025-03-01"), 0, "%s",
                 errout);
    cr_assert_not_null(strstr(out, "commitments 承诺指标 taken from lead L-C (no commitment option given): "
                                   "investment 投资 9000.00 万元, tax 亩均税收 25.00 万元/亩·年, output 亩均产值 - 万元/亩·年"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "lead L-C: park 园区 QDIP (it named none)"), "%s", out);
    tu_outputs_free(&out, &errout);
}

/* ---- one investment intensity for match, query free and signing ------------------------------ */

static int first_code(const pl_match_result *m, void *ctx)
{
    char *buf = ctx;
    if (m->rank == 1)
        snprintf(buf, 64, "%s", m->code);
    return 0;
}

static int free_codes(const pl_free_parcel *p, void *ctx)
{
    char *buf = ctx;
    size_t n = strlen(buf);
    snprintf(buf + n, 256 - n, "%s%s", n ? "," : "", p->code);
    return 0;
}

Test(supply, match_query_and_signing_compute_the_intensity_alike)
{
    /* S-A 32.4 亩 (+8 % of the demand), S-B 27.3 亩 (−9 %): both in the full-area band, both
     * requiring 290 万元/亩. The lead: 9000 万元 for 30 亩 (300 万元/亩 by its demand).
     * By the demand both met 290 and S-A, closer in area, ranked first; signing then refused
     * it: 9000 ÷ 32.4 = 277.8 万元/亩. On each parcel's area, S-B ranks first. */
    tu_park_jmip(db);
    long a = tu_add_rect(db, "JMIP", "S-A", "available", 545000, 545216, 3996000, 3996100);
    long b = tu_add_rect(db, "JMIP", "S-B", "available", 546000, 546182, 3996000, 3996100);
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO parcel_indicator(parcel_id, investment_intensity, updated_at)"
                              " VALUES (%ld, 290, 'x'), (%ld, 290, 'x')", a, b);
    tu_sql_exec(db, sql);
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = "L-S";
    f.company = "测试企业";
    f.investment = 9000;
    f.land_mu = 30;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);

    pl_match_options mo;
    pl_match_options_init(&mo);
    mo.top = 2;
    mo.park = "JMIP";
    char best[64] = "";
    cr_assert_eq(pl_match_lead(db, "L-S", &mo, first_code, best, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(best, "S-B");

    pl_query_filter qf;
    pl_query_filter_init(&qf);
    qf.park = "JMIP";
    qf.investment = 9000;
    char codes[256] = "";
    cr_assert_eq(pl_query_free(db, &qf, free_codes, codes, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(codes, "S-B");

    /* signing with the lead's investment: S-A refused for intensity, S-B taken */
    pl_project_sign_result r;
    cr_assert_eq(sign("L-S", "S-A", "P-SA", "2025-03-01", NULL, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nshortfalls, 1);
    cr_assert_str_eq(r.shortfalls[0].check.key, "investment_intensity");
    cr_assert_float_eq(r.shortfalls[0].check.committed, 9000 / 32.4, 1e-6);
    pl_project_sign_result_release(&r);
    cr_assert_eq(sign("L-S", "S-B", "P-SB", "2025-03-01", NULL, &r, &err), PL_OK, "%s", err.message);
    pl_project_sign_result_release(&r);

    tu_db_close(db);
    db = NULL;
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "query free --park JMIP --investment 9000 --format csv"), 0, "%s",
                 errout);
    cr_assert_null(strstr(out, "S-A"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "query free --park JMIP --investment 1亿元 --format csv"), 0, "%s",
                 errout);
    cr_assert_not_null(strstr(out, "S-A"), "%s", out);
    tu_outputs_free(&out, &errout);
}

/* ---- the park a lead negotiates for ------------------------------------------------------ */

Test(supply, leads_by_park_counts_the_named_park_and_shows_leads_without_one_apart)
{
    tu_park_jmip(db);
    lead("L-Q", 5000, NAN, NAN, "QDIP");
    lead("L-J", 5000, NAN, NAN, "JMIP");
    lead("L-0", 5000, NAN, NAN, NULL);
    lead("L-S", 5000, NAN, NAN, NULL);
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = "L-X";
    f.company = "x";
    f.park = "NOPE";
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "lead 'L-X': no park 'NOPE' (see 'parkland park list')");
    /* signing names the parcels' park for a lead that named none */
    sign_ok("L-S", "QDIP-2024-004", "P-S", "2025-03-01", NULL);
    cr_assert_str_eq(tu_sql_text(db, "SELECT k.code FROM lead l JOIN park k ON k.id = l.park_id WHERE l.code = 'L-S'"),
                     "QDIP");
    /* edit: move and clear, one history row each */
    pl_lead_changes c;
    pl_lead_changes_init(&c);
    c.park = "QDIP";
    int changed = 0;
    cr_assert_eq(pl_lead_edit(db, "L-J", &c, &changed, &err), PL_OK, "%s", err.message);
    cr_assert_eq(changed, 1);
    pl_lead_changes_init(&c);
    c.clear = pl_lead_field_bit("park");
    cr_assert_neq(c.clear, 0);
    cr_assert_eq(pl_lead_edit(db, "L-J", &c, &changed, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(coalesce(old_value, '∅') || '>' || coalesce(new_value, '∅'),"
                                     " ' | ') FROM (SELECT * FROM history WHERE code = 'L-J' AND field = 'park'"
                                     " ORDER BY id)"),
                     "∅>JMIP | JMIP>QDIP | QDIP>∅");
    cr_assert_eq(pl_lead_edit(db, "L-J", &c, &changed, &err), PL_OK, "%s", err.message);
    cr_assert_eq(changed, 0);

    pl_report_options o = {NULL, NULL}; /* today: the leads were entered today */
    pl_report *rep = NULL;
    cr_assert_eq(pl_report_build(db, PL_REPORT_LANDING, &o, &rep, &err), PL_OK, "%s", err.message);
    /* QDIP: L-Q and L-S (signed); JMIP: nobody; no park: L-0 and L-J, with no conversion rate */
    cr_assert_str_eq(pl_report_get(rep, "leads_by_park", "park=QDIP", "leads"), "2");
    cr_assert_str_eq(pl_report_get(rep, "leads_by_park", "park=QDIP", "conversion_pct"), "50.0");
    cr_assert_str_eq(pl_report_get(rep, "leads_by_park", "park=JMIP", "leads"), "0");
    cr_assert_str_eq(pl_report_get(rep, "leads_by_park", "park=未定园区 no park", "leads"), "2");
    cr_assert_str_eq(pl_report_get(rep, "leads_by_park", "park=未定园区 no park", "conversion_pct"), "—");
    cr_assert_str_eq(pl_report_get(rep, "leads_by_park", "park=合计 total", "leads"), "4");
    pl_report_free(rep);

    tu_db_close(db);
    db = NULL;
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit L-0 --park JMIP"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead show L-0 --format json"), 0, "%s", errout);
    cr_assert_not_null(strstr(out, "\"park\": \"JMIP\""), "%s", out);
    tu_outputs_free(&out, &errout);
}
