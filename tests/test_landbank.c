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
