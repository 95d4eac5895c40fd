/* test_cli.c — the command line contract: names, options, outputs, exit statuses. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/table.h"
#include "testutil.h"

static char *out, *err;

static void cleanup(void)
{
    tu_outputs_free(&out, &err);
}

static const char *db(void)
{
    return tu_tmp("cli.db");
}

static void init_with_park(void)
{
    cr_assert_eq(tu_cli(&out, &err, db(), "init"), 0, "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "park add QDIP --name 示范园区 --name-en Sample --district 西海岸新区"), 0, "%s",
                 err);
}

TestSuite(cli, .fini = cleanup);

Test(cli, version_help_and_usage_errors)
{
    cr_assert_eq(tu_cli(&out, &err, NULL, "--version"), 0);
    cr_assert(strstr(out, "parkland ") && strstr(out, "SpatiaLite"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, NULL, "--help"), 0);
    cr_assert(strstr(out, "import cadastral parcels") && !strstr(out, "导入"));
    cr_assert_eq(tu_cli(&out, &err, NULL, "import --help"), 0);
    cr_assert(strstr(out, "--on-conflict") && strstr(out, "--dry-run"));
    cr_assert_eq(tu_cli(&out, &err, NULL, "%s", ""), 2);
    cr_assert_eq(tu_cli(&out, &err, NULL, "frobnicate"), 2);
    cr_assert(strstr(err, "unknown command 'frobnicate'"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "import parcels x.txt --on-conflict maybe"), 2);
    cr_assert(strstr(err, "--on-conflict is fail, skip or update"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "import parcels x.txt --field color=RED"), 2);
    cr_assert_eq(tu_cli(&out, &err, NULL, "--cache-mb 0 --db %s park list", tu_q(db())), 2);
    cr_assert(strstr(err, "--cache-mb wants a whole number of MiB from 1 to 4096, not '0'"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "--cache-mb 4097 park list"), 2);
    cr_assert_eq(tu_cli(&out, &err, db(), "--cache-mb=8M park list"), 2);
    cr_assert(strstr(err, "not '8M'"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "--cache-mb"), 2);
    cr_assert(strstr(err, "option '--cache-mb' needs a value"), "%s", err);
}

/* Output that cannot be written is an error (a full disk here): exit 1 and say so, as git does; the
 * same commands into a file exit 0, and a failing command keeps its own status. */
Test(cli, output_that_cannot_be_written_is_an_error)
{
    cr_assert_eq(tu_cli(&out, &err, NULL, "--version >/dev/full"), 1, "%s", err);
    cr_assert(strstr(err, "parkland: write failure on standard output: No space left on device"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, NULL, "--help >/dev/full"), 1);
    cr_assert(strstr(err, "write failure on standard output"), "%s", err);
    init_with_park();
    cr_assert_eq(tu_cli(&out, &err, db(), "park list --format csv --keys"), 0, "%s", err);
    cr_assert(strstr(out, "QDIP"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "park list --format csv --keys >/dev/full"), 1);
    cr_assert(strstr(err, "parkland: write failure on standard output: No space left on device"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "park lists >/dev/full"), 2);
    cr_assert(!strstr(err, "write failure"), "%s", err);
}

/* --cache-mb goes before or after --db, with a space or "=", and the command runs as without it (that
 * the import then keeps the small cache is asserted in test_crash, whose kill points need it) */
Test(cli, cache_mb_is_a_global_option)
{
    init_with_park();
    cr_assert_eq(tu_cli(&out, &err, db(), "--cache-mb 1 import parcels " SAMPLES_DIR "/parcels.geojson"), 0, "%s", err);
    cr_assert(strstr(out, "inserted 48"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, NULL, "--cache-mb=64 --db %s parcel list --format csv --keys", tu_q(db())), 0, "%s", err);
    cr_assert(strstr(out, "QDIP-2024-048"), "%s", out);
}

Test(cli, init_refuses_geographic_unknown_and_existing)
{
    cr_assert_eq(tu_cli(&out, &err, db(), "init --crs 4326"), 1);
    cr_assert(strstr(err, "EPSG:4326 is not a projected"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "init --crs 999999"), 1);
    cr_assert(strstr(err, "EPSG:999999"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "init --crs 4528"), 0, "%s", err);
    cr_assert(strstr(out, "EPSG:4528"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "init"), 1);
    cr_assert(strstr(err, "already exists"), "%s", err);
}

Test(cli, refuses_foreign_database_without_touching_it)
{
    const char *p = tu_tmp("foreign.db");
    cr_assert_eq(tu_run(NULL, NULL, "sqlite3 '%s' 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'", p), 0);
    char *before = tu_read_file(p, NULL);
    size_t blen;
    free(tu_read_file(p, &blen));
    cr_assert_eq(tu_cli(&out, &err, p, "park list"), 1);
    cr_assert(strstr(err, "not a parkland database"), "%s", err);
    size_t alen;
    char *after = tu_read_file(p, &alen);
    cr_assert_eq(alen, blen);
    cr_assert_eq(memcmp(before, after, alen), 0, "the foreign file was modified");
    free(before);
    free(after);
    cr_assert_eq(tu_cli(&out, &err, tu_tmp("missing.db"), "park list"), 1);
    cr_assert(strstr(err, "no database") && strstr(err, "--db") && strstr(err, "$PARKLAND_DB"), "%s", err);
}

Test(cli, import_list_show_in_every_format)
{
    init_with_park();
    cr_assert_eq(tu_cli(&out, &err, db(), "import parcels " TEST_DATA_DIR "/txt/example_gbk_crlf.txt"
                                          " --status available"), 0, "%s", err);
    cr_assert(strstr(out, "inserted 1") && strstr(out, "59400.00 m²") && strstr(out, "89.10 亩"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "parcel list"), 0, "%s", err);
    cr_assert(strstr(out, "XHA-2024-017") && strstr(out, "可供") && strstr(out, "89.10"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "parcel list --format csv --keys"), 0);
    cr_assert(strstr(out, "park,code,name,land_use,status,status_zh,area_m2,area_mu,area_ha"), "%s", out);
    cr_assert(strstr(out, "QDIP,XHA-2024-017,中德生态园标准地A-17,工业用地,available,可供,59400.00,89.10,5.9400"),
              "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "parcel list --format json --status available"), 0);
    cr_assert(strstr(out, "\"area_mu\": 89.1") && strstr(out, "\"code\": \"XHA-2024-017\""), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "parcel list --status reserve --format json"), 0);
    cr_assert(strstr(out, "[]"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "parcel show XHA-2024-017 --geometry"), 0, "%s", err);
    cr_assert(strstr(out, "5.9400") && strstr(out, "MULTIPOLYGON") && strstr(out, "1 hole(s)"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, db(), "parcel show NOPE"), 1);
    cr_assert(strstr(err, "no parcel 'NOPE'"), "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db(), "parcel list --status nonsense"), 2);
    /* refused import: exit 1, the reason on stderr */
    cr_assert_eq(tu_cli(&out, &err, db(), "import parcels " TEST_DATA_DIR "/txt/example_utf8.txt"), 1);
    cr_assert(strstr(err, "already exists") && strstr(err, "nothing was imported"), "%s", err);
}

Test(cli, table_aligns_chinese_as_double_width)
{
    init_with_park();
    cr_assert_eq(tu_cli(&out, &err, db(), "park list"), 0);
    /* header, rule, row: the rule's dashes end where the widest cell ends */
    char *l1 = strtok(out, "\n"), *l2 = strtok(NULL, "\n"), *l3 = strtok(NULL, "\n");
    cr_assert(l1 && l2 && l3);
    cr_assert(strstr(l3, "示范园区"));
    /* the row's second column starts at the same display column as the header's and the rule's */
    char h[256], r[256];
    snprintf(h, sizeof h, "%.*s", (int)(strstr(l1, "name") - l1), l1);
    snprintf(r, sizeof r, "%.*s", (int)(strstr(l3, "示范") - l3), l3);
    cr_assert_eq(pl_display_width(h), pl_display_width(r), "'%s' vs '%s'", h, r);
    cr_assert_eq(strspn(l2, "-"), pl_display_width("code"));
    cr_assert_eq(l2[strspn(l2, "-") + 2], '-');
    cr_assert_eq(pl_display_width(h), strspn(l2, "-") + 2);
}
