/*
 * test_reclaim.c — reclaiming idle land (收回闲置土地, issue 13 §2): `parcel
 * status CODE reserve|available` on a parcel held by a project whose start is
 * a year overdue ends the project's hold (project_parcel.reclaimed_on, history
 * rows on both), closes its alerts for the parcel, terminates the project
 * with its last parcel, and both maps show the parcel as reclaimed 已收回;
 * pl_parcel_reclaim's refusals change nothing.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/reclaim.h"
#include "testutil.h"

static char dbpath[1024];
static char *out, *errout;

/* P-1 (lead L-1) holds, signed 2022-03-01 (land 2022-04-01), agreed start 2023-01-01: idle from
 * 2024-01-01 on. P-2 (lead L-2) holds A-3, agreed start 2025-03-01: not idle on 2025-06-01.
 * I-1 is idle 闲置 without a project. */
static void setup(void)
{
    pl_db *db = tu_db_new("reclaim.db", dbpath);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "A-1", "available", 600000, 600100, 3000000, 3000100);
    tu_add_rect(db, "QDIP", "A-2", "available", 600100, 600200, 3000000, 3000100);
    tu_add_rect(db, "QDIP", "A-3", "available", 600200, 600300, 3000000, 3000100);
    tu_add_rect(db, "QDIP", "I-1", "idle", 600300, 600400, 3000000, 3000100);
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu,"
                    " output_per_mu, energy_per_output, base_price, updated_at)"
                    " SELECT id, 300, 1.0, 2.0, 20, 400, 0.5, 30, '2022-01-01T00:00:00Z' FROM parcel");
    tu_db_close(db);
    static const char *const steps[] = {
        "lead add L-1 --company 甲公司 --industry equipment --date 2022-01-01",
        "lead add L-2 --company 乙公司 --industry equipment --date 2024-01-01",
        "project sign L-1 --parcel A-1 --parcel A-2 --date 2022-03-01 --code P-1 --start-by 2023-01-01"
        " --accept-shortfall --note test",
        "project sign L-2 --parcel A-3 --date 2024-06-01 --code P-2 --start-by 2025-03-01 --accept-shortfall --note test",
        /* signing holds the parcels; the land supply (出让合同/交地) transfers them */
        "project milestone P-1 land --actual 2022-04-01",
        "project milestone P-2 land --actual 2024-07-01",
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        cr_assert_eq(tu_cli(&out, &errout, dbpath, "%s", steps[i]), 0, "%s: %s", steps[i], errout);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
}

TestSuite(reclaim, .init = setup, .fini = teardown);

static const char *text(const char *sql)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    static char buf[2048];
    snprintf(buf, sizeof buf, "%s", tu_sql_text(db, sql));
    pl_db_close(db);
    return buf;
}

/* The parcels column of the alerts of `kind` for project P-1 as of D ("" when none). */
static const char *alert_parcels(const char *as_of, const char *kind)
{
    static char buf[256];
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report alerts --as-of %s --format json", as_of), 0, "%s", errout);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    cr_assert(root, "%s: %s", je.text, out);
    buf[0] = '\0';
    json_t *tables = json_object_get(root, "tables"), *t;
    size_t i, j;
    json_array_foreach(tables, i, t)
    {
        json_t *row;
        json_array_foreach(json_object_get(t, "rows"), j, row)
        {
            const char *k = json_string_value(json_object_get(row, "severity"));
            const char *s = json_string_value(json_object_get(row, "subject"));
            if (k && s && !strcmp(k, kind) && !strcmp(s, "P-1"))
                snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(row, "parcels")));
        }
    }
    json_decref(root);
    return buf;
}

/* The map class of parcel `code` in `export geojson --theme THEME --as-of D`, and whether the
 * legend lists the reclaimed class with both labels. */
static const char *map_class(const char *theme, const char *as_of, const char *code, int *legend)
{
    static char buf[64];
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export geojson --theme %s --as-of %s", theme, as_of), 0, "%s", errout);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    cr_assert(root, "%s", je.text);
    buf[0] = '\0';
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "features"), i, f)
    {
        json_t *p = json_object_get(f, "properties");
        if (!strcmp(json_string_value(json_object_get(p, "code")), code))
            snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(p, "class")));
    }
    *legend = strstr(out, "\"reclaimed\"") && strstr(out, "已收回") && strstr(out, "Reclaimed");
    json_decref(root);
    return buf;
}

Test(reclaim, idle_land_back_from_the_project_parcel_by_parcel)
{
    /* before: P-1 is a reclaim candidate for both parcels; the maps show it */
    cr_assert_str_eq(alert_parcels("2024-06-01", "idle"), "A-1,A-2"); /* 517 days late */
    cr_assert_str_eq(alert_parcels("2025-06-01", "idle"), "");
    cr_assert_str_eq(alert_parcels("2025-06-01", "reclaim"), "A-1,A-2"); /* 881 days late */
    int legend;
    cr_assert_str_eq(map_class("landing", "2025-06-01", "A-1", &legend), "reclaim");
    cr_assert(!legend, "nothing reclaimed yet: the legend lists the classes present only");

    /* the first parcel */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-1 reserve --date 2025-06-01 --note 'idle two years'"), 0,
                 "%s", errout);
    cr_assert(strstr(out, "parcel A-1 (park QDIP): transferred 已出让 → reserve 储备 on 2025-06-01"), "%s", out);
    cr_assert(strstr(out, "reclaimed from project P-1 (construction start 882 days overdue): its hold on the parcel "
                          "ended, its alerts for it closed"), "%s", out);
    cr_assert_null(strstr(out, "terminated"), "%s", out);
    cr_assert_str_eq(text("SELECT group_concat(c.code || ':' || coalesce(pp.reclaimed_on, '-'), ' ') FROM project_parcel pp"
                          " JOIN parcel c ON c.id = pp.parcel_id JOIN project p ON p.id = pp.project_id"
                          " WHERE p.code = 'P-1' ORDER BY c.code"),
                     "A-1:2025-06-01 A-2:-");
    cr_assert_str_eq(text("SELECT group_concat(entity || ' ' || code || ' ' || field || ' ' || coalesce(old_value, '∅') ||"
                          " '>' || coalesce(new_value, '∅') || ' ' || coalesce(note, '∅'), ' | ')"
                          " FROM (SELECT * FROM history WHERE effective = '2025-06-01' ORDER BY id)"),
                     "parcel A-1 status transferred>reserve reclaimed 收回 from project P-1 (construction start 882 days "
                     "overdue): idle two years | "
                     "project P-1 reclaimed A-1>reserve idle two years | "
                     "parcel A-1 project P-1>∅ reclaimed 收回 from project P-1 (construction start 882 days overdue): "
                     "idle two years");
    /* its alerts close for the parcel from that day; the maps show it reclaimed */
    cr_assert_str_eq(alert_parcels("2025-05-31", "reclaim"), "A-1,A-2");
    cr_assert_str_eq(alert_parcels("2025-06-01", "reclaim"), "A-2");
    cr_assert_str_eq(map_class("landing", "2025-06-01", "A-1", &legend), "reclaimed");
    cr_assert_str_eq(map_class("landing", "2025-06-01", "A-2", &legend), "reclaim");
    cr_assert_str_eq(map_class("landing", "2025-05-31", "A-1", &legend), "reclaim");
    cr_assert_str_eq(map_class("availability", "2025-06-01", "A-1", &legend), "reclaimed");
    cr_assert(legend, "the availability legend lists 已收回 Reclaimed");
    cr_assert_str_eq(map_class("availability", "2025-06-01", "A-2", &legend), "transferred");

    /* the last parcel: the project ends, its lead is lost, no alert is left */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-2 可供 --date 2025.6.2"), 0, "%s", errout);
    cr_assert(strstr(out, "reclaimed from project P-1 (construction start 883 days overdue)"), "%s", out);
    cr_assert(strstr(out, "project P-1 had no other parcel: terminated on 2025-06-02; lead L-1 is lost"), "%s", out);
    cr_assert_str_eq(text("SELECT terminated_on FROM project WHERE code = 'P-1'"), "2025-06-02");
    cr_assert_str_eq(text("SELECT stage || ' ' || stage_date FROM lead WHERE code = 'L-1'"), "lost 2025-06-02");
    cr_assert_str_eq(text("SELECT old_value || '>' || new_value || ' ' || note FROM history WHERE entity = 'lead'"
                          " AND code = 'L-1' ORDER BY id DESC LIMIT 1"),
                     "signed>lost project P-1: all its parcels reclaimed 收回");
    cr_assert_str_eq(text("SELECT new_value || ' ' || note FROM history WHERE entity = 'project' AND code = 'P-1'"
                          " AND field = 'terminated'"),
                     "2025-06-02 all its parcels reclaimed 收回");
    cr_assert_str_eq(alert_parcels("2025-06-03", "idle"), "");
    cr_assert_str_eq(alert_parcels("2025-06-03", "reclaim"), "");
    cr_assert_str_eq(map_class("landing", "2025-06-03", "A-2", &legend), "reclaimed");
    cr_assert_str_eq(map_class("availability", "2025-06-03", "A-2", &legend), "reclaimed");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project show P-1 --format json"), 0, "%s", errout);
    cr_assert(strstr(out, "terminated"), "%s", out);

    /* a reclaimed parcel reserved again for another lead is that, not reclaimed */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-2 reserved --date 2025-06-05 --lead L-2"), 0, "%s",
                 errout);
    cr_assert_str_eq(map_class("availability", "2025-06-05", "A-2", &legend), "reserved");
}

/* What is not idle is not reclaimed: the plain move's rules, or pl_parcel_reclaim's refusal;
 * nothing is written. */
Test(reclaim, refusals_change_nothing)
{
    char *before = tu_db_snapshot(dbpath);
    /* P-2 is 92 days late on 2025-06-01: not idle; transferred → reserve is no legal move */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-3 reserve --date 2025-06-01"), 1);
    cr_assert(strstr(errout, "parcel 'A-3' is transferred 已出让; it may go to: construction 在建, idle 闲置"), "%s",
              errout);
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    pl_reclaim_result r;
    static const struct {
        const char *code, *to, *date;
        int rc;
        const char *message;
    } bad[] = {
        {"A-3", "reserve", "2025-06-01", PL_ERR_INPUT,
         "parcel 'A-3' is not idle 闲置 on 2025-06-01: project 'P-2' holds it and its construction start is 92 days "
         "overdue (idle from 365)"},
        {"A-1", "reserve", "2099-01-01", PL_ERR_INPUT, "parcel 'A-1': reclaim date 2099-01-01 is in the future"},
        {"A-1", "listed", "2025-06-01", PL_ERR_USAGE, "reclaimed land goes to reserve 储备 or available 可供, not 'listed'"},
        {"A-1", "reserve", "2025-02-30", PL_ERR_USAGE, "'2025-02-30' is not a date (YYYY-MM-DD, a real calendar day)"},
        {"A-9", "reserve", "2025-06-01", PL_ERR_NOTFOUND, "no parcel 'A-9'"},
        /* signed 2022-03-01: on 2022-02-01 no project holds A-1 yet */
        {"A-1", "reserve", "2022-02-01", PL_ERR_INPUT, "parcel 'A-1' is not idle 闲置 (it is transferred 已出让) and no "
                                                       "project holds it"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        pl_error_clear(&err);
        cr_assert_eq(pl_parcel_reclaim(db, NULL, bad[i].code, bad[i].to, bad[i].date, "x", &r, &err), bad[i].rc,
                     "%s %s: %s", bad[i].code, bad[i].date, err.message);
        cr_assert(strstr(err.message, bad[i].message), "%s", err.message);
        cr_assert_str_eq(r.project, "");
    }
    pl_db_close(db);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
}

/* The library call (for `idle dispose reclaim`): the same as the status move. */
Test(reclaim, library_call)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    pl_reclaim_result r;
    /* the status idle 闲置 set by the land office counts, whatever the delay (364 days) */
    tu_sql_exec(db, "UPDATE parcel SET status = 'idle' WHERE code = 'A-1'");
    cr_assert_eq(pl_parcel_reclaim(db, NULL, "A-1", "可供", "2023-12-31", NULL, &r, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(r.project, "P-1");
    cr_assert_eq(r.overdue_days, 364);
    cr_assert_eq(r.project_terminated, 0);
    cr_assert_str_eq(tu_sql_text(db, "SELECT status || ' ' || status_date FROM parcel WHERE code = 'A-1'"),
                     "available 2023-12-31");
    /* the delay alone: 366 days; the project's last parcel */
    cr_assert_eq(pl_parcel_reclaim(db, "QDIP", "A-2", NULL, "2024-01-02", "闲置满一年", &r, &err), PL_OK, "%s",
                 err.message);
    cr_assert_str_eq(r.park, "QDIP");
    cr_assert_str_eq(r.code, "A-2");
    cr_assert_str_eq(r.from, "transferred");
    cr_assert_str_eq(r.to, "reserve");
    cr_assert_str_eq(r.date, "2024-01-02");
    cr_assert_str_eq(r.project, "P-1");
    cr_assert_eq(r.overdue_days, 366);
    cr_assert_eq(r.project_terminated, 1);
    cr_assert_str_eq(r.lead, "L-1");
    cr_assert_str_eq(r.lead_stage, "lost");
    cr_assert_str_eq(tu_sql_text(db, "SELECT terminated_on FROM project WHERE code = 'P-1'"), "2024-01-02");
    /* idle without a project: the plain move, nothing to end */
    cr_assert_eq(pl_parcel_reclaim(db, NULL, "I-1", "reserve", "2025-06-01", NULL, &r, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(r.project, "");
    cr_assert_str_eq(r.from, "idle");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'I-1' AND field = 'status'"
                                  " AND note IS NULL"), 1);
    pl_db_close(db);
}

/* A reclaimed parcel has left the project: its milestones no longer move it, and terminating
 * the project leaves it alone. */
Test(reclaim, a_reclaimed_parcel_leaves_the_project)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-1 reserve --date 2025-06-01 --note x"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P-1 land --actual 2022-06-01"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project milestone P-1 construction --actual 2025-06-01"), 0, "%s",
                 errout);
    cr_assert_str_eq(text("SELECT group_concat(code || ':' || status, ' ') FROM (SELECT code, status FROM parcel"
                          " WHERE code IN ('A-1', 'A-2') ORDER BY code)"),
                     "A-1:reserve A-2:construction");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-1 available --date 2025-06-02"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-1 reserved --date 2025-06-03 --lead L-2"), 0, "%s",
                 errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project terminate P-1 --date 2025-06-04 --note gone"), 0, "%s", errout);
    cr_assert_str_eq(text("SELECT status FROM parcel WHERE code = 'A-1'"), "reserved", "L-2's reservation stays");
}
