/*
 * test_landbank.c — how land enters the land bank (issue 13 §2): `import
 * parcels --date D` backdates the parcels' entry so that reports and maps as
 * of an earlier day count them, and a park's parcels imported into another
 * park are refused (both parks and the parcel named), with `parkland check`
 * reporting such cross-park overlaps.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "testutil.h"

static char dbpath[1024];
static char *out, *errout;

static void setup(void)
{
    pl_db *db = tu_db_new("landbank.db", dbpath);
    tu_park_qdip(db);
    tu_park_jmip(db);
    tu_db_close(db);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
}

TestSuite(landbank, .init = setup, .fini = teardown);

static long count(const char *sql)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    long n = tu_sql_count(db, sql);
    pl_db_close(db);
    return n;
}

/* The 储备 row of park QDIP in `report availability --as-of D --format csv`: "parcels,area_mu". */
static const char *reserve_row(const char *as_of)
{
    static char row[128];
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report availability --as-of %s --park QDIP --format csv", as_of), 0,
                 "%s", errout);
    const char *p = strstr(out, "\nQDIP,");
    cr_assert(p && (p = strstr(p, ",reserve,储备,")), "%s", out);
    p += strlen(",reserve,储备,");
    size_t n = strcspn(p, ",");
    n += 1 + strcspn(p + n + 1, ",");
    snprintf(row, sizeof row, "%.*s", (int)n, p);
    return row;
}

/* Without --date the parcels entered today: a report as of an earlier day has none of them. With
 * --date (any form of the dialect) they count from that day on, and the day is their status
 * date, their entered_on and the effective day of their 'created' history rows. */
Test(landbank, import_date_backdates_the_land_bank)
{
    static const struct {
        const char *date;   /* --date as written; NULL: none */
        const char *stored; /* entered_on */
        const char *before, *after; /* reserve row as of 2024-12-31 and 2025-06-01 */
    } cases[] = {
        {NULL, NULL, "0,0.00", "0,0.00"},
        {"2025-01-01", "2025-01-01", "0,0.00", "48,3378.66"},
        {"2025年1月1日", "2025-01-01", "0,0.00", "48,3378.66"},
        {"20250101", "2025-01-01", "0,0.00", "48,3378.66"},
        {"２０２５/1/1", "2025-01-01", "0,0.00", "48,3378.66"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char date[64] = "";
        if (cases[i].date)
            snprintf(date, sizeof date, "--date %s", tu_q(cases[i].date));
        cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --park QDIP %s",
                            tu_q(SAMPLES_DIR "/parcels.txt"), date), 0, "%s: %s", date, errout);
        cr_assert_eq(count("SELECT count(*) FROM parcel"), 48);
        if (cases[i].stored) {
            char q[256];
            snprintf(q, sizeof q, "SELECT count(*) FROM parcel WHERE entered_on = '%s' AND status_date = '%s'",
                     cases[i].stored, cases[i].stored);
            cr_assert_eq(count(q), 48, "%s", date);
            snprintf(q, sizeof q, "SELECT count(*) FROM history WHERE field = 'created' AND effective = '%s'",
                     cases[i].stored);
            cr_assert_eq(count(q), 48, "%s", date);
        } else {
            cr_assert_eq(count("SELECT count(*) FROM parcel WHERE entered_on IS NULL"), 48);
        }
        cr_assert_str_eq(reserve_row("2024-12-31"), cases[i].before, "%s", date);
        cr_assert_str_eq(reserve_row("2025-06-01"), cases[i].after, "%s", date);
        cr_assert_str_eq(reserve_row("2099-01-01"), "48,3378.66", "%s", date); /* and today on */
        cr_assert_eq(tu_cli(&out, &errout, dbpath, "import undo 1 --note again"), 0, "%s", errout);
        pl_db *db;
        pl_error err;
        cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
        tu_sql_exec(db, "DELETE FROM history; DELETE FROM import_batch");
        pl_db_close(db);
    }
}

/* The timeline of the map starts on the day of --date, not on the day of the import. */
Test(landbank, import_date_is_where_the_map_timeline_starts)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --park QDIP --date 2025-01-01",
                        tu_q(SAMPLES_DIR "/parcels.txt")), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export geojson --as-of 2025-06-01 --park QDIP"), 0, "%s", errout);
    cr_assert(strstr(out, "\"QDIP-2024-001\""), "%s", out);
    cr_assert(strstr(out, "2025-01-01"), "the status date: %.400s", out);
}

/* A date in the future or not a date is refused, nothing written. */
Test(landbank, import_date_refusals)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --park QDIP --date 2099-01-01",
                        tu_q(SAMPLES_DIR "/parcels.txt")), 1);
    cr_assert(strstr(errout, "import date 2099-01-01 is in the future"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --park QDIP --date 2025-2-30",
                        tu_q(SAMPLES_DIR "/parcels.txt")), 2);
    cr_assert(strstr(errout, "--date '2025-2-30' is not a date"), "%s", errout);
    cr_assert_eq(count("SELECT count(*) FROM parcel"), 0);
    cr_assert_eq(count("SELECT count(*) FROM import_batch"), 0);
}

/* ---- a park's parcels imported into another park ------------------------------------------- */

/* A GeoJSON of rectangles in EPSG:4549 (imported with --crs 4549): "CODE x0 x1 y0 y1;…". */
static const char *rects_file(const char *name, const char *spec)
{
    static char buf[8192];
    size_t n = (size_t)snprintf(buf, sizeof buf, "{\"type\":\"FeatureCollection\",\"features\":[");
    const char *s = spec;
    for (int k = 0; *s; k++) {
        char code[32];
        double x0, x1, y0, y1;
        int used = 0;
        cr_assert_eq(sscanf(s, "%31s %lf %lf %lf %lf;%n", code, &x0, &x1, &y0, &y1, &used), 5, "%s", s);
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\"},\"geometry\":{\"type\":\"Polygon\","
                              "\"coordinates\":[[[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]}}",
                              k ? "," : "", code, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
        s += used ? (size_t)used : strlen(s); /* the last one has no ';' */
        while (*s == ' ')
            s++;
    }
    snprintf(buf + n, sizeof buf - n, "]}");
    const char *path = tu_tmp(name);
    tu_write_file(path, buf, (size_t)-1);
    return path;
}

/* The sample park imported again into another park: refused, both parks and each parcel named,
 * nothing written; --allow-overlap lets it through with warnings, and check then reports the 48
 * pairs as park_overlap. */
Test(landbank, a_parks_parcels_into_another_park_are_refused)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --park QDIP", tu_q(SAMPLES_DIR "/parcels.txt")), 0,
                 "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "check"), 0, "%s", out);
    char *before = tu_db_snapshot(dbpath);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --park JMIP", tu_q(SAMPLES_DIR "/parcels.txt")), 1);
    cr_assert(strstr(errout, "refused: line 13 (QDIP-2024-001): is parcel 'QDIP-2024-001' of park 'QDIP' (100.0 % of "
                             "the land shared), not land of park 'JMIP' (import it into park 'QDIP', or pass "
                             "--allow-overlap)"), "%s", errout);
    cr_assert(strstr(errout, "48 of 48 features refused; nothing was imported"), "%s", errout);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before, "no partial write");
    free(after);
    free(before);

    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --park JMIP --allow-overlap",
                        tu_q(SAMPLES_DIR "/parcels.txt")), 0, "%s", errout);
    cr_assert(strstr(out, "inserted 48"), "%s", out);
    cr_assert(strstr(out, "is parcel 'QDIP-2024-001' of park 'QDIP' (100.0 % of the land shared), imported into park "
                          "'JMIP' too (allowed by --allow-overlap)") ||
                  strstr(errout, "(allowed by --allow-overlap)"),
              "%s / %s", out, errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "check --format csv"), 1);
    const char *p = out;
    long n = 0;
    while ((p = strstr(p, "park_overlap,")))
        n++, p++;
    cr_assert_eq(n, 48, "%s", out);
    cr_assert(strstr(out, "park_overlap,parcel QDIP/QDIP-2024-001,overlaps parcel 'QDIP-2024-001' of park 'JMIP' by "
                          "34056.09 m² (100.0 % of the smaller): the same land in two parks"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "check"), 1);
    cr_assert(strstr(out, "96 parcels: 48 problems"), "%s", out);
}

/* The rule is the share of the smaller parcel: a parcel inside another park's (≥ 99 %) is refused,
 * one that only touches or half overlaps a parcel of another park is imported, and check reports
 * the partial overlap without calling it the same land. Overlaps within the park keep their
 * own rule and message. */
Test(landbank, same_land_is_the_share_of_the_smaller_parcel)
{
    const char *a = rects_file("a.geojson", "A-1 600000 600100 3000000 3000100; A-2 600300 600400 3000000 3000100");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --crs 4549 --park QDIP", tu_q(a)), 0, "%s", errout);
    static const struct {
        const char *spec, *says; /* says NULL: imported */
    } cases[] = {
        {"B-1 600010 600050 3000010 3000050", "(B-1): is parcel 'A-1' of park 'QDIP' (100.0 % of the land shared)"},
        {"B-2 599999 600101 2999999 3000101", "(B-2): is parcel 'A-1' of park 'QDIP' (100.0 % of the land shared)"},
        {"B-3 600000.5 600100 3000000 3000100", "(B-3): is parcel 'A-1' of park 'QDIP'"},
        {"B-4 600050 600150 3000000 3000100", NULL},
        {"B-5 600400 600500 3000000 3000100", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *b = rects_file("b.geojson", cases[i].spec);
        int st = tu_cli(&out, &errout, dbpath, "import parcels %s --crs 4549 --park JMIP", tu_q(b));
        if (cases[i].says) {
            cr_assert_eq(st, 1, "%s", cases[i].spec);
            cr_assert(strstr(errout, cases[i].says), "%s: %s", cases[i].spec, errout);
            cr_assert(strstr(errout, "not land of park 'JMIP'"), "%s", errout);
        } else {
            cr_assert_eq(st, 0, "%s: %s", cases[i].spec, errout);
        }
    }
    cr_assert_eq(count("SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id WHERE k.code = 'JMIP'"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "check --format csv"), 1);
    cr_assert(strstr(out, "park_overlap,parcel QDIP/A-1,overlaps parcel 'B-4' of park 'JMIP' by 5000.00 m² (50.0 % of the "
                          "smaller)"), "%s", out);
    cr_assert_null(strstr(out, "the same land"), "%s", out);
    cr_assert_null(strstr(out, "B-5"), "touching is no overlap: %s", out);
    /* within the park: the old rule */
    const char *c = rects_file("c.geojson", "A-3 600350 600450 3000000 3000100");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import parcels %s --crs 4549 --park QDIP", tu_q(c)), 1);
    cr_assert(strstr(errout, "(A-3): overlaps parcel 'A-2' by 5000.00 m² (fix the shapes, or pass --allow-overlap)"), "%s",
              errout);
}
