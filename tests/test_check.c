/* test_check.c — `check` finds what is wrong in a database and nothing else. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/check.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "testutil.h"

static pl_db *db;

static void setup(void)
{
    db = tu_db_new("c.db", NULL);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "示范", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    tu_import(db, SAMPLES_DIR "/parcels.txt", NULL);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(check, .init = setup, .fini = teardown);

typedef struct seen {
    char text[8192];
    int n;
} seen;

static int collect(const pl_check_problem *p, void *ctx)
{
    seen *s = ctx;
    size_t l = strlen(s->text);
    snprintf(s->text + l, sizeof s->text - l, "%s|%s|%s\n", p->check, p->subject, p->detail);
    s->n++;
    return 0;
}

Test(check, the_sample_park_is_clean)
{
    seen s = {"", 0};
    pl_check_summary sum;
    pl_error err;
    cr_assert_eq(pl_check_database(db, collect, &s, &sum, &err), PL_OK, "%s", err.message);
    cr_assert_eq(sum.problems, 0, "%s", s.text);
    cr_assert_eq(sum.parcels, 48);
    cr_assert_eq(sum.checks, 5);
}

Test(check, finds_area_geometry_and_overlap_problems)
{
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = area_m2 + 5 WHERE code = 'QDIP-2024-010'");
    /* a bow-tie written behind the importer's back */
    tu_sql_exec(db, "UPDATE parcel SET geom = MultiPolygonFromText('MULTIPOLYGON(((507000 3991000, 507100 3991100,"
                    " 507100 3991000, 507000 3991100, 507000 3991000)))', 4549) WHERE code = 'QDIP-2024-020'");
    /* QDIP-2024-002 moved half onto its neighbour 001 */
    tu_sql_exec(db, "UPDATE parcel SET geom = ST_Translate(geom, 0, -60, 0),"
                    " area_m2 = ST_Area(ST_Translate(geom, 0, -60, 0)) WHERE code = 'QDIP-2024-002'");
    seen s = {"", 0};
    pl_check_summary sum;
    pl_error err;
    cr_assert_eq(pl_check_database(db, collect, &s, &sum, &err), PL_OK, "%s", err.message);
    cr_assert(strstr(s.text, "area|parcel QDIP/QDIP-2024-010|stored area "), "%s", s.text);
    cr_assert(strstr(s.text, "geometry|parcel QDIP/QDIP-2024-020|invalid: Self-intersection at E 507050.000 N "
                             "3991050.000"), "%s", s.text);
    cr_assert(strstr(s.text, "overlap|parcel QDIP/QDIP-2024-001|overlaps parcel 'QDIP-2024-002' by "), "%s", s.text);
    cr_assert_eq(sum.problems, s.n);
    cr_assert_eq(sum.problems, 3, "%s", s.text);
}

Test(check, cli_exit_status_says_whether_problems_were_found)
{
    char *out = NULL, *errs = NULL;
    const char *path = tu_tmp("c.db");
    cr_assert_eq(tu_cli(&out, &errs, path, "check"), 0, "%s%s", out, errs);
    cr_assert(strstr(out, "48 parcels: 0 problems"), "%s", out);
    tu_sql_exec(db, "UPDATE parcel SET area_m2 = 1 WHERE code = 'QDIP-2024-001'");
    cr_assert_eq(tu_cli(&out, &errs, path, "check --format csv --keys"), 1);
    cr_assert(strstr(out, "check,subject,problem") && strstr(out, "area,parcel QDIP/QDIP-2024-001,stored area 1.00"),
              "%s", out);
    tu_outputs_free(&out, &errs);
    cr_assert_eq(tu_cli(NULL, NULL, path, "check --format yaml"), 2);
}

/* Overlap candidates come from the R*Tree box by box (never a walk over the
 * park): pairs are found in parcel order, each once; within a park as
 * overlap, across two parks as park_overlap (issue 13 §2: the same land in
 * two parks) with the share of the smaller parcel; a retired parcel is none. */
Test(check, overlaps_found_box_by_box_within_and_across_parks)
{
    pl_error err;
    cr_assert_eq(pl_park_add(db, "JMIP", "即墨", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    tu_add_rect(db, "QDIP", "X-1", "available", 600000, 600100, 3000000, 3000100);
    tu_add_rect(db, "QDIP", "X-2", "available", 600050, 600150, 3000000, 3000100); /* 50 × 100 over X-1 */
    tu_add_rect(db, "QDIP", "X-3", "available", 600100, 600200, 3000000, 3000100); /* touches X-1, overlaps X-2 */
    tu_add_rect(db, "JMIP", "Y-1", "available", 600000, 600100, 3000000, 3000100); /* other park */
    tu_add_rect(db, "QDIP", "Z-1", "retired", 600000, 600100, 3000000, 3000100);
    seen s = {"", 0};
    pl_check_summary sum;
    cr_assert_eq(pl_check_database(db, collect, &s, &sum, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(s.text, "overlap|parcel QDIP/X-1|overlaps parcel 'X-2' by 5000.00 m²\n"
                             "park_overlap|parcel QDIP/X-1|overlaps parcel 'Y-1' of park 'JMIP' by 10000.00 m² "
                             "(100.0 % of the smaller): the same land in two parks\n"
                             "overlap|parcel QDIP/X-2|overlaps parcel 'X-3' by 5000.00 m²\n"
                             "park_overlap|parcel QDIP/X-2|overlaps parcel 'Y-1' of park 'JMIP' by 5000.00 m² "
                             "(50.0 % of the smaller)\n");
}
