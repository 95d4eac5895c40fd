/* test_parcel_show.c — `parcel show`: indicators, the open reservation (lead,
 * expiry), the project with its stage and milestones, a WGS 84 label point
 * inside the parcel, the area in m²/亩/ha; the WKT and the source attributes
 * only with --geometry / --source (pl_parcel_detail_get and the command). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/lead.h"
#include "parkland/lifecycle.h"
#include "parkland/park.h"
#include "parkland/parcel_show.h"
#include "parkland/project.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];
static char *out, *errout;

static void status(const char *code, const char *to, const char *date, const char *lead, const char *expires)
{
    pl_status_options o = {date, NULL, 0, lead, expires};
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_set_status(db, NULL, code, to, &o, NULL, &err), PL_OK, "%s → %s: %s", code, to,
                 err.message);
}

static void setup(void)
{
    db = tu_db_new("show.db", dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛国际招商产业园(示范片区)", NULL, "西海岸新区", NULL, &err), PL_OK);
    tu_import(db, SAMPLES_DIR "/parcels.txt", NULL);
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu,"
                    " updated_at) SELECT id, 300, 1.0, 2.5, 20, '2025-01-01T00:00:00Z' FROM parcel"
                    " WHERE code IN ('QDIP-2024-002', 'QDIP-2024-003')");
    const char *leads[][2] = {{"L-A", "西门子智能制造(青岛)有限公司"}, {"L-B", "株式会社青岛精密"}};
    for (int i = 0; i < 2; i++) {
        pl_lead_fields f;
        pl_lead_fields_init(&f);
        f.code = leads[i][0];
        f.company = leads[i][1];
        f.industry = "equipment";
        f.date = "2024-12-01";
        cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
    }
    status("QDIP-2024-002", "available", "2025-01-10", NULL, NULL);
    status("QDIP-2024-002", "reserved", "2025-02-01", "L-B", "2099-06-30");
    status("QDIP-2024-003", "available", "2025-01-10", NULL, NULL);
    const char *parcels[] = {"QDIP-2024-003"};
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    o.lead = "L-A";
    o.parcels = parcels;
    o.nparcels = 1;
    o.code = "P-1";
    o.date = "2025-03-01";
    o.start_by = "2025-06-01";
    o.investment = 20000;
    o.accept_shortfall = 1;
    o.note = "test";
    pl_project_sign_result r;
    cr_assert_eq(pl_project_sign(db, &o, &r, &err), PL_OK, "%s", err.message);
    pl_project_sign_result_release(&r);
    cr_assert_eq(pl_project_milestone(db, "P-1", "land", NULL, "2025-04-01", NULL, &err), PL_OK, "%s", err.message);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
    tu_db_close(db);
}

TestSuite(parcel_show, .init = setup, .fini = teardown);

Test(parcel_show, detail_has_the_reservation_and_a_label_point_inside)
{
    pl_parcel_detail d;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_detail_get(db, NULL, "QDIP-2024-002", &d, &err), PL_OK, "%s", err.message);
    cr_assert_eq(d.reserved, 1);
    cr_assert_str_eq(d.reserved_lead, "L-B");
    cr_assert_str_eq(d.reserved_company, "株式会社青岛精密");
    cr_assert_str_eq(d.reserved_on, "2025-02-01");
    cr_assert_str_eq(d.reserved_expires, "2099-06-30");
    cr_assert_eq(d.reservation_expired, 0);
    cr_assert_eq(d.has_project, 0);
    /* Qingdao West Coast: about 120.0 E, 36.0 N; the point back in the working CRS is inside the parcel */
    cr_assert(d.label_lon > 119.5 && d.label_lon < 120.5 && d.label_lat > 35.5 && d.label_lat < 36.5,
              "%f %f", d.label_lon, d.label_lat);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
                                    "SELECT ST_Within(ST_Transform(MakePoint(?1, ?2, 4326), Srid(geom)), geom)"
                                    " FROM parcel WHERE code = 'QDIP-2024-002'", -1, &st, NULL), SQLITE_OK,
                 "%s", sqlite3_errmsg(db->h));
    sqlite3_bind_double(st, 1, d.label_lon);
    sqlite3_bind_double(st, 2, d.label_lat);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 1, "label point not inside the parcel");
    sqlite3_finalize(st);
}

Test(parcel_show, detail_has_the_project_stage_and_milestones)
{
    pl_parcel_detail d;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_detail_get(db, NULL, "QDIP-2024-003", &d, &err), PL_OK, "%s", err.message);
    cr_assert_eq(d.reserved, 0);
    cr_assert_eq(d.has_project, 1);
    cr_assert_str_eq(d.project, "P-1");
    cr_assert_str_eq(d.project_lead, "L-A");
    cr_assert_str_eq(d.project_signed_on, "2025-03-01");
    cr_assert_str_eq(d.project_stage, "land_supplied");
    cr_assert_str_eq(d.milestone_actual[0], "2025-04-01");
    cr_assert_str_eq(d.milestone_planned[1], "2025-06-01");
    cr_assert_str_eq(d.milestone_actual[1], "");
    cr_assert_eq(pl_parcel_detail_get(db, NULL, "NOPE", &d, &err), PL_ERR_NOTFOUND);
}

Test(parcel_show, text_shows_indicators_reservation_project_and_areas)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-002"), 0, "%s", errout);
    cr_assert(strstr(out, "investment intensity") && strstr(out, "300 万元/亩"), "%s", out);
    cr_assert(strstr(out, "L-B 株式会社青岛精密, 2025-02-01 → 2099-06-30"), "%s", out);
    cr_assert(strstr(out, " m² = ") && strstr(out, " 亩 = ") && strstr(out, " ha"), "%s", out);
    cr_assert(strstr(out, "(WGS 84 lon, lat)"), "%s", out);
    cr_assert_null(strstr(out, "MULTIPOLYGON"), "WKT only with --geometry:\n%s", out);
    cr_assert_null(strstr(out, "source attributes"), "attributes only with --source:\n%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-003"), 0, "%s", errout);
    cr_assert(strstr(out, "P-1 西门子智能制造(青岛)有限公司 · land_supplied 已供地 · signed 2025-03-01"), "%s",
              out);
    cr_assert(strstr(out, "\nland ") && strstr(out, "actual 2025-04-01"), "%s", out);
    cr_assert(strstr(out, "\nconstruction ") && strstr(out, "planned 2025-06-01 · actual —"), "%s", out);
    cr_assert(strstr(out, "reservation") && strstr(out, "(none)"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh parcel show QDIP-2024-003"), 0, "%s", errout);
    cr_assert(strstr(out, "P-1 西门子智能制造(青岛)有限公司 · land_supplied 已供地 · 签约 2025-03-01"), "%s", out);
    cr_assert(strstr(out, "计划 2025-06-01 · 实际 —") && strstr(out, "（无）"), "%s", out);
    cr_assert(strstr(out, " m² = ") && strstr(out, " 公顷") && strstr(out, "（WGS 84 经度, 纬度）"), "%s", out);
    cr_assert_null(strstr(out, "planned"), "Chinese only: %s", out);
}

Test(parcel_show, geometry_and_source_on_request)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-002 --geometry --source --wide"), 0, "%s",
                 errout);
    cr_assert(strstr(out, "geometry (WKT)") && strstr(out, "MULTIPOLYGON((("), "%s", out);
    cr_assert(strstr(out, "source attributes") && strstr(out, "\"地块编号\":\"QDIP-2024-002\""), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh parcel show QDIP-2024-002 --geometry --source --wide"), 0,
                 "%s", errout);
    cr_assert(strstr(out, "几何") && strstr(out, "原始属性") && !strstr(out, "source attributes"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-002 --format json"), 0, "%s", errout);
    cr_assert(strstr(out, "\"reserved_lead\": \"L-B\"") && strstr(out, "\"label_lon\": \"120."), "%s", out);
    cr_assert_null(strstr(out, "\"wkt\""), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-002 --format json --geometry"), 0);
    cr_assert(strstr(out, "\"wkt\": \"MULTIPOLYGON((("), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel list --geometry"), 2, "only parcel show takes it");
}
