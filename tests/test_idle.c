/*
 * test_idle.c — idle land under MLR order 53 (issue 15 §2): the test at its
 * boundaries (day 364/365/366 after the agreed start, a leap day, exactly ⅓
 * built and exactly 25 % invested: not idle, since the order says "less
 * than"), inspection records with their files (size and type refused, the
 * SHA-256 against a known value, nothing written on a refusal), the case flow
 * with its refusals, the as-of listing, and the command line.
 *
 * Every parcel is 100 m × 90 m = 9000 m² (⅓ = 3000 m²).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkland/db.h"
#include "parkland/idle.h"
#include "parkland/inspect.h"
#include "testutil.h"
#include "hash.h"

#include <zip.h>

static char dbpath[1024];
static char *out, *errout;

/* N-1 (P-1): agreed start 2023-03-01, not started: day 364 = 2024-02-28, day 365 = 2024-02-29 (a leap
 * day), day 366 = 2024-03-01.
 * L-1 (P-2): agreed start 2024-02-29, not started: day 364 = 2025-02-27, day 365 = 2025-02-28.
 * S-1 (P-3): agreed start 2022-06-01, started 2022-07-01, investment 1000 万元.
 * S-2 (P-4): the same, for the investment test alone. */
static void setup(void)
{
    pl_db *db = tu_db_new("idle.db", dbpath);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "N-1", "available", 600000, 600100, 3000000, 3000090);
    tu_add_rect(db, "QDIP", "L-1", "available", 600100, 600200, 3000000, 3000090);
    tu_add_rect(db, "QDIP", "S-1", "available", 600200, 600300, 3000000, 3000090);
    tu_add_rect(db, "QDIP", "S-2", "available", 600300, 600400, 3000000, 3000090);
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu,"
                    " output_per_mu, energy_per_output, base_price, updated_at)"
                    " SELECT id, 1, 1.0, 2.0, 1, 1, 5, 30, '2022-01-01T00:00:00Z' FROM parcel");
    tu_db_close(db);
    static const char *const steps[] = {
        "lead add LD-1 --company 甲公司 --industry equipment --date 2022-01-01",
        "lead add LD-2 --company 乙公司 --industry equipment --date 2022-01-01",
        "lead add LD-3 --company 丙公司 --industry equipment --date 2022-01-01",
        "lead add LD-4 --company 丁公司 --industry equipment --date 2022-01-01",
        "project sign LD-1 --parcel N-1 --date 2022-03-01 --code P-1 --start-by 2023-03-01 --investment 1000"
        " --accept-shortfall --note test",
        "project sign LD-2 --parcel L-1 --date 2022-03-01 --code P-2 --start-by 2024-02-29 --investment 1000"
        " --accept-shortfall --note test",
        "project sign LD-3 --parcel S-1 --date 2022-03-01 --code P-3 --start-by 2022-06-01 --investment 1000"
        " --accept-shortfall --note test",
        "project sign LD-4 --parcel S-2 --date 2022-03-01 --code P-4 --start-by 2022-06-01 --investment 1000"
        " --accept-shortfall --note test",
        "project milestone P-1 land --actual 2022-04-01",
        "project milestone P-2 land --actual 2022-04-01",
        "project milestone P-3 land --actual 2022-04-01",
        "project milestone P-4 land --actual 2022-04-01",
        "project milestone P-3 construction --actual 2022-07-01",
        "project milestone P-4 construction --actual 2022-07-01",
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        cr_assert_eq(tu_cli(&out, &errout, dbpath, "%s", steps[i]), 0, "%s: %s", steps[i], errout);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
}

TestSuite(idle, .init = setup, .fini = teardown);

static pl_db *open_db(void)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    return db;
}

/* The test on parcel `code` as of `date`: 1 idle, 0 not; *ev when not NULL. */
static int idle_on(pl_db *db, const char *code, const char *date, pl_idle_evidence *ev)
{
    pl_error err;
    pl_error_clear(&err);
    int idle = -1;
    pl_idle_evidence local;
    cr_assert_eq(pl_idle_test(db, NULL, code, date, &idle, ev ? ev : &local, &err), PL_OK, "%s", err.message);
    return idle;
}

static long add_inspection(pl_db *db, const char *code, const char *date, double built, double invested,
                           const char *stopped)
{
    pl_inspection_input in = {.date = date, .progress_pct = NAN, .built_area_m2 = built, .invested_wan = invested,
                              .stopped_since = stopped};
    pl_error err;
    pl_error_clear(&err);
    long id = 0;
    cr_assert_eq(pl_inspection_add(db, NULL, code, &in, &id, &err), PL_OK, "%s", err.message);
    return id;
}

Test(idle, not_started_day_364_365_366_across_a_leap_day)
{
    pl_db *db = open_db();
    pl_idle_evidence ev;
    cr_assert_eq(idle_on(db, "N-1", "2024-02-28", NULL), 0, "day 364 is not idle");
    cr_assert_eq(idle_on(db, "N-1", "2024-02-29", &ev), 1, "day 365 (2024-02-29, a leap day) is idle");
    cr_assert_str_eq(ev.basis, "not_started");
    cr_assert_str_eq(ev.idle_since, "2023-03-01");
    cr_assert_str_eq(ev.project, "P-1");
    cr_assert_eq(idle_on(db, "N-1", "2024-03-01", NULL), 1, "day 366 is idle");
    char text[512];
    pl_idle_evidence_text(&ev, text, sizeof text);
    cr_assert_str_eq(text, "agreed start 2023-03-01, not started 365 days later on 2024-02-29 (idle from 365 days)");
    pl_db_close(db);
}

Test(idle, agreed_start_on_a_leap_day)
{
    pl_db *db = open_db();
    /* 2024-02-29 + 365 days = 2025-02-28 (there is no 2025-02-29) */
    cr_assert_eq(idle_on(db, "L-1", "2025-02-27", NULL), 0, "day 364");
    cr_assert_eq(idle_on(db, "L-1", "2025-02-28", NULL), 1, "day 365");
    cr_assert_eq(idle_on(db, "L-1", "2025-03-01", NULL), 1, "day 366");
    pl_db_close(db);
}

Test(idle, started_exactly_a_third_built_and_a_quarter_invested_is_not_idle)
{
    pl_db *db = open_db();
    /* started, no inspection: nothing says it stopped */
    cr_assert_eq(idle_on(db, "S-1", "2025-01-01", NULL), 0);
    /* exactly ⅓ of 9000 m² and exactly 25 % of 1000 万元, stopped since 2023-01-01 */
    add_inspection(db, "S-1", "2023-06-01", 3000, 250, "2023-01-01");
    cr_assert_eq(idle_on(db, "S-1", "2024-06-01", NULL), 0, "exactly 1/3 and exactly 25 %% is not 'less than'");
    /* a later inspection: 2999 m² (< ⅓), 250 万元 */
    add_inspection(db, "S-1", "2024-07-01", 2999, 250, "2023-01-01");
    pl_idle_evidence ev;
    cr_assert_eq(idle_on(db, "S-1", "2024-06-30", NULL), 0, "the day before that inspection");
    cr_assert_eq(idle_on(db, "S-1", "2024-07-01", &ev), 1, "built 2999 of 9000 m²");
    cr_assert_str_eq(ev.basis, "stopped");
    cr_assert_str_eq(ev.idle_since, "2023-01-01");
    cr_assert_str_eq(ev.inspected_on, "2024-07-01");
    cr_assert_float_eq(ev.built_area_m2, 2999, 1e-9);
    cr_assert_float_eq(ev.area_m2, 9000, 1e-6);

    /* S-2: the investment alone, built area not recorded; stopped 2023-07-01 */
    add_inspection(db, "S-2", "2024-01-01", NAN, 250, "2023-07-01");
    cr_assert_eq(idle_on(db, "S-2", "2024-08-01", NULL), 0, "250 of 1000 万元 is exactly 25 %%");
    add_inspection(db, "S-2", "2024-02-01", NAN, 249.99, "2023-07-01");
    /* stopped 2023-07-01: day 365 is 2024-06-30 */
    cr_assert_eq(idle_on(db, "S-2", "2024-06-29", NULL), 0, "stopped 364 days");
    cr_assert_eq(idle_on(db, "S-2", "2024-06-30", &ev), 1, "stopped 365 days, 249.99 < 250 万元");
    char text[512];
    pl_idle_evidence_text(&ev, text, sizeof text);
    cr_assert_str_eq(text, "inspection 2024-02-01: work stopped since 2023-07-01, 365 days on 2024-06-30; invested "
                           "249.99 of 1000.00 万元 (24.999 %, idle below 25 %)");
    pl_db_close(db);
}

static int confirm(pl_db *db, const char *code, const char *decision, const char *date, pl_error *err)
{
    pl_error_clear(err);
    return pl_idle_confirm(db, NULL, code, decision, date, NULL, err);
}

static int dispose(pl_db *db, const char *code, pl_idle_disposal what, const char *date, const char *until,
                   const char *note, pl_idle_dispose_result *res, pl_error *err)
{
    pl_error_clear(err);
    pl_idle_dispose_options o = {date, until, note};
    return pl_idle_dispose(db, NULL, code, what, &o, res, err);
}

Test(idle, case_flow_and_its_refusals)
{
    pl_db *db = open_db();
    pl_error err;
    pl_idle_dispose_result res;
    /* no 认定 without a decision number */
    cr_assert_eq(confirm(db, "N-1", NULL, "2024-03-01", &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "decision number"), "%s", err.message);
    cr_assert_eq(confirm(db, "N-1", "", "2024-03-01", &err), PL_ERR_USAGE);
    /* not idle yet on day 364 */
    cr_assert_eq(confirm(db, "N-1", "西海自然资认〔2024〕3号", "2024-02-28", &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "not suspected idle on 2024-02-28"), "%s", err.message);
    /* no 收回 (nor fee, nor delay) before 认定 */
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_RECLAIM, "2024-03-01", NULL, NULL, &res, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "not confirmed idle"), "%s", err.message);
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_FEE, "2024-03-01", NULL, NULL, &res, &err), PL_ERR_INPUT);
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_DELAY, "2024-03-01", "2025-01-01", NULL, &res, &err), PL_ERR_INPUT);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM idle_case"), 0, "nothing recorded by the refusals");
    cr_assert_str_eq(tu_sql_text(db, "SELECT status FROM parcel WHERE code = 'N-1'"), "transferred");

    /* 认定 */
    cr_assert_eq(confirm(db, "N-1", "西海自然资认〔2024〕3号", "2024-03-01", &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(tu_sql_text(db, "SELECT status FROM parcel WHERE code = 'N-1'"), "idle");
    cr_assert_eq(confirm(db, "N-1", "another", "2024-03-02", &err), PL_ERR_INPUT, "confirmed once");
    /* fee: needs the transfer price; 20 % of it */
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_FEE, "2024-03-05", NULL, NULL, &res, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "no transfer price"), "%s", err.message);
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_set_transfer_price(db, NULL, "N-1", 1234.5, "成交确认书", NULL, &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_FEE, "2024-03-05", NULL, NULL, &res, &err), PL_OK, "%s", err.message);
    cr_assert_float_eq(res.fee_wan, 246.9, 1e-9);
    cr_assert_eq(res.stage, PL_IDLE_DISPOSED);
    /* delay: warned beyond one year (2024-03-05 + 1 year = 2025-03-05), not refused */
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_DELAY, "2024-03-06", NULL, NULL, &res, &err), PL_ERR_USAGE, "no --until");
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_DELAY, "2024-03-06", "2025-03-06", NULL, &res, &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(res.delay_beyond_year, 0, "exactly one year");
    cr_assert_eq(res.delay_days, 365);
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_DELAY, "2024-03-06", "2025-03-07", NULL, &res, &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(res.delay_beyond_year, 1);
    /* 收回: through pl_parcel_reclaim's rule; closes the case */
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_RECLAIM, "2024-04-01", NULL, "两年未开工", &res, &err), PL_OK, "%s",
                 err.message);
    cr_assert_eq(res.stage, PL_IDLE_CLOSED);
    cr_assert_str_eq(res.reclaim.project, "P-1");
    cr_assert_str_eq(tu_sql_text(db, "SELECT status FROM parcel WHERE code = 'N-1'"), "reserve");
    cr_assert_str_eq(tu_sql_text(db, "SELECT reclaimed_on FROM project_parcel pp JOIN parcel p ON p.id = pp.parcel_id"
                                     " WHERE p.code = 'N-1'"), "2024-04-01");
    /* no disposal on a closed case */
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_EXEMPT, "2024-04-02", NULL, "force majeure", &res, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "is closed"), "%s", err.message);
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_FEE, "2024-04-02", NULL, NULL, &res, &err), PL_ERR_INPUT);
    cr_assert_eq(confirm(db, "N-1", "again", "2024-04-02", &err), PL_ERR_INPUT);
    /* every step in history, with the account */
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(old_value || '>' || new_value || '@' || effective || ':' || who,"
                                     " ' ') FROM (SELECT * FROM history WHERE entity = 'parcel' AND code = 'N-1'"
                                     " AND field = 'idle_case' ORDER BY id)"),
                     "suspected>confirmed@2024-03-01:tester confirmed>disposed@2024-03-05:tester "
                     "disposed>disposed@2024-03-06:tester disposed>disposed@2024-03-06:tester "
                     "disposed>closed@2024-04-01:tester");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'N-1' AND field = 'status'"
                                  " AND new_value = 'idle' AND effective = '2024-03-01'"), 1);

    /* 排除 while suspected: needs the reason; closes at once */
    cr_assert_eq(dispose(db, "L-1", PL_IDLE_EXEMPT, "2025-03-01", NULL, NULL, &res, &err), PL_ERR_USAGE);
    cr_assert_eq(dispose(db, "L-1", PL_IDLE_EXEMPT, "2025-03-01", NULL, "政府原因延迟交地 government delay", &res,
                         &err), PL_OK, "%s", err.message);
    cr_assert_eq(res.stage, PL_IDLE_CLOSED);
    cr_assert_str_eq(tu_sql_text(db, "SELECT disposal || ' ' || closed_on FROM idle_case c JOIN parcel p"
                                     " ON p.id = c.parcel_id WHERE p.code = 'L-1'"), "exempt 2025-03-01");
    pl_db_close(db);
}

static const char *stages(pl_db *db, const char *as_of)
{
    static char buf[512];
    pl_idle_case *cs;
    size_t n;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_idle_cases(db, as_of, NULL, 1, &cs, &n, &err), PL_OK, "%s", err.message);
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s:%s:%ld", i ? " " : "", cs[i].parcel,
                              pl_idle_stage_id(cs[i].stage), cs[i].days);
    free(cs);
    return buf;
}

Test(idle, listing_as_of_changes_with_the_date)
{
    pl_db *db = open_db();
    pl_error err;
    cr_assert_str_eq(stages(db, "2024-02-28"), "");
    cr_assert_str_eq(stages(db, "2024-02-29"), "N-1:suspected:365");
    cr_assert_eq(confirm(db, "N-1", "D-1", "2024-03-10", &err), PL_OK, "%s", err.message);
    /* before the confirmation the parcel is still found by the test; from it, the case's stage */
    cr_assert_str_eq(stages(db, "2024-03-09"), "N-1:suspected:374");
    cr_assert_str_eq(stages(db, "2024-03-10"), "N-1:confirmed:375");
    cr_assert_str_eq(stages(db, "2025-03-01"), "L-1:suspected:366 N-1:confirmed:731");
    pl_idle_dispose_result res;
    cr_assert_eq(dispose(db, "N-1", PL_IDLE_RECLAIM, "2025-03-02", NULL, NULL, &res, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(stages(db, "2025-03-01"), "L-1:suspected:366 N-1:confirmed:731");
    cr_assert_str_eq(stages(db, "2025-03-02"), "L-1:suspected:367 N-1:closed:732");
    /* open cases only */
    pl_idle_case *cs;
    size_t n;
    pl_error_clear(&err);
    cr_assert_eq(pl_idle_cases(db, "2025-03-02", NULL, 0, &cs, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(cs[0].parcel, "L-1");
    free(cs);
    pl_db_close(db);
}

/* ---- inspection files ------------------------------------------------------------------- */

static const char pdf[] = "%PDF-1.4\n%parkland test\n"; /* 24 bytes */
#define PDF_SHA256 "4a2821cd9343441a80416253700d8dfe9f222ba2dfa8147d502f0cf041b03ec1"

static int add_with_file(pl_db *db, const char *path, pl_error *err)
{
    const char *files[] = {path};
    pl_inspection_input in = {.date = "2024-01-01", .progress_pct = 10, .built_area_m2 = NAN, .invested_wan = NAN,
                              .files = files, .nfiles = 1};
    pl_error_clear(err);
    return pl_inspection_add(db, NULL, "S-1", &in, NULL, err);
}

Test(idle, inspection_files_checked_and_hashed)
{
    pl_db *db = open_db();
    pl_error err;
    /* a GIF is none of JPEG, PNG, PDF, whatever its name says */
    const char *gif = tu_tmp("site.jpg");
    tu_write_file(gif, "GIF89a\x01\x00\x01\x00", 10);
    cr_assert_eq(add_with_file(db, gif, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "site.jpg") && strstr(err.message, "not a JPEG, PNG or PDF"), "%s", err.message);
    /* one byte over 10 MB, with a JPEG's first bytes */
    const char *big = tu_tmp("big.jpg");
    size_t n = (size_t)PL_INSPECTION_FILE_MAX + 1;
    char *data = calloc(n, 1);
    cr_assert(data);
    memcpy(data, "\xFF\xD8\xFF\xE0", 4);
    tu_write_file(big, data, n);
    cr_assert_eq(add_with_file(db, big, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "big.jpg") && strstr(err.message, "larger than 10 MB"), "%s", err.message);
    /* exactly 10 MB is taken */
    tu_write_file(big, data, n - 1);
    free(data);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM inspection"), 0, "a refused file writes nothing");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field LIKE 'inspection%'"), 0);
    cr_assert_eq(add_with_file(db, big, &err), PL_OK, "%s", err.message);
    /* the known SHA-256 */
    const char *doc = tu_tmp("report.pdf");
    tu_write_file(doc, pdf, sizeof pdf - 1);
    cr_assert_eq(add_with_file(db, doc, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(tu_sql_text(db, "SELECT sha256 || ' ' || size || ' ' || mime || ' ' || name FROM inspection_file"
                                     " WHERE name = 'report.pdf'"),
                     PDF_SHA256 " 24 application/pdf report.pdf");
    unsigned char *back;
    size_t len;
    char name[256], mime[32];
    pl_error_clear(&err);
    cr_assert_eq(pl_inspection_file_get(db, "4A2821CD", &back, &len, name, mime, &err), PL_OK, "%s", err.message);
    cr_assert_eq(len, 24);
    cr_assert_eq(memcmp(back, pdf, 24), 0);
    cr_assert_str_eq(name, "report.pdf");
    free(back);
    cr_assert_eq(pl_inspection_file_get(db, "00000000", &back, &len, NULL, NULL, &err), PL_ERR_NOTFOUND);
    pl_db_close(db);
    cr_assert_eq(pl_inspection_file_type((const unsigned char *)"\x89PNG\r\n\x1a\n", 8) != NULL, 1);
}

Test(idle, command_line_inspect_and_idle_list)
{
    const char *doc = tu_tmp("site-visit.pdf");
    tu_write_file(doc, pdf, sizeof pdf - 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "inspect S-1 --date 2024-07-01 --progress-pct 20 --built-area 2999 --invested 300"
                        " --stopped-since 2023-01-01 --note 停工 --photo %s", tu_q(doc)),
                 0, "%s", errout);
    cr_assert(strstr(out, "recorded inspection 1 of parcel S-1 on 2024-07-01 (1 files)"), "%s", out);
    cr_assert(strstr(out, "site-visit.pdf  application/pdf  24 bytes  sha256 " PDF_SHA256), "%s", out);
    /* a refused type: exit 1, the file named */
    const char *txt = tu_tmp("notes.txt");
    tu_write_file(txt, "hello", 5);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "inspect S-1 --date 2024-07-02 --photo %s", tu_q(txt)), 1);
    cr_assert(strstr(errout, "notes.txt") && strstr(errout, "not a JPEG, PNG or PDF"), "%s", errout);
    /* no date: usage */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "inspect S-1 --progress-pct 5"), 2);

    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle list --as-of 2024-07-01 --format csv --keys"), 0, "%s", errout);
    cr_assert(strstr(out, "QDIP,N-1,suspected,suspected,"), "%s", out);
    cr_assert(strstr(out, "QDIP,S-1,suspected,suspected,"), "%s", out);
    cr_assert(strstr(out, "built 2999.00 of 9000.00 m²"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle list --as-of 2024-06-30 --format csv --keys"), 0, "%s", errout);
    cr_assert_null(strstr(out, "S-1"), "the inspection of 2024-07-01 is not known on 2024-06-30: %s", out);
    cr_assert(strstr(out, "QDIP,N-1,suspected,suspected,487,2023-03-01,not_started,P-1,甲公司"), "%s", out);

    /* the flow on the command line */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle confirm N-1 --date 2024-03-01"), 2, "no decision number");
    cr_assert(strstr(errout, "--decision"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle dispose N-1 reclaim --date 2024-03-01"), 1);
    cr_assert(strstr(errout, "not confirmed idle"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle confirm N-1 --decision 认〔2024〕3号 --date 2024-03-01"), 0, "%s",
                 errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle price N-1 500"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle dispose N-1 fee --date 2024-03-02"), 0, "%s", errout);
    cr_assert(strstr(out, "idle fee 闲置费 100.0000 万元 (20% of the transfer price 500.0000 万元)"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle dispose N-1 delay --date 2024-03-03 --until 2025-06-01"), 0, "%s",
                 errout);
    cr_assert(strstr(errout, "more than one year"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle list --as-of 2024-07-01 --format json"), 0, "%s", errout);
    cr_assert(strstr(out, "\"stage\": \"disposed\"") || strstr(out, "\"stage\":\"disposed\""), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle list --as-of 2024-07-01 --summary --format csv --keys"), 0, "%s",
                 errout);
    cr_assert(strstr(out, "suspected,suspected,1,0,1,0,547"), "%s", out);
    cr_assert(strstr(out, "disposed,disposed,1,0,1,0,488"), "%s", out);
    cr_assert(strstr(out, "open,\"open, total\",2,0,2,0,547"), "%s", out);

    /* shown in parcel show and history, and the photo comes back out */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show S-1"), 0, "%s", errout);
    cr_assert(strstr(out, "site-visit.pdf") && strstr(out, PDF_SHA256), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel S-1 --format csv"), 0, "%s", errout);
    cr_assert(strstr(out, "inspection_file") && strstr(out, PDF_SHA256), "%s", out);
    const char *back = tu_tmp("back.pdf");
    remove(back);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "inspect photo %.12s -o %s", PDF_SHA256, tu_q(back)), 0, "%s", errout);
    size_t len;
    char *got = tu_read_file(back, &len);
    cr_assert_eq(len, 24);
    cr_assert_eq(memcmp(got, pdf, 24), 0);
    free(got);
}

/* Schema 9: a schema 8 file gets the inspection, inspection_file and idle_case tables and
 * parcel.transfer_price_wan on open, its parcels kept; a file that has them already is left as it is. */
Test(idle_schema, schema_8_database_gets_inspections_and_idle_cases)
{
    char path[1024];
    pl_db *db = tu_db_new("m9.db", path);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "P-1", "available", 500000, 500100, 3990000, 3990100);
    tu_sql_exec(db, "DROP TABLE idle_case; DROP TABLE inspection_file; DROP TABLE inspection;"
                    " ALTER TABLE parcel DROP COLUMN transfer_price_wan;"
                    " UPDATE meta SET value = '8' WHERE key = 'schema_version'; PRAGMA user_version = 8;");
    pl_db_close(db);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('inspection', 'inspection_file',"
                                  " 'idle_case')"), 3);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'P-1' AND transfer_price_wan IS NULL"), 1);
    tu_sql_exec(db, "UPDATE parcel SET transfer_price_wan = 12; UPDATE meta SET value = '8' WHERE key = "
                    "'schema_version'; PRAGMA user_version = 8;");
    pl_db_close(db);
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE transfer_price_wan = 12"), 1);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    tu_db_close(db);
}

/* The exports carry the inspections in the balloons and panels; the KMZ holds the files. */
Test(idle, exports_show_the_inspections)
{
    const char *doc = tu_tmp("visit.pdf");
    tu_write_file(doc, pdf, sizeof pdf - 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "inspect S-2 --date 2024-05-01 --built-area 100 --stopped-since 2023-01-01 --photo %s", tu_q(doc)),
                 0, "%s", errout);
    static const char *const expect = "2024-05-01; built 100.00 m²; stopped since 2023-01-01; file visit.pdf (24 bytes, "
                                      "sha256 " PDF_SHA256 ")";
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export kml --theme landing"), 0, "%s", errout);
    cr_assert(strstr(out, expect), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export geojson --as-of 2024-04-30"), 0, "%s", errout);
    cr_assert_null(strstr(out, PDF_SHA256), "not inspected yet on 2024-04-30");
    const char *html = tu_tmp("idle.html");
    remove(html);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export html -o %s", tu_q(html)), 0, "%s", errout);
    size_t len;
    char *text = tu_read_file(html, &len);
    cr_assert(strstr(text, PDF_SHA256), "the html panel names the file");
    free(text);
    const char *kmz = tu_tmp("idle.kmz");
    remove(kmz);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export kmz -o %s", tu_q(kmz)), 0, "%s", errout);
    int code = 0;
    zip_t *za = zip_open(kmz, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    cr_assert(za, "zip error %d", code);
    zip_int64_t idx = zip_name_locate(za, "files/" PDF_SHA256 ".pdf", 0);
    cr_assert_geq(idx, 0, "the kmz holds the file");
    zip_stat_t st;
    cr_assert_eq(zip_stat_index(za, (zip_uint64_t)idx, 0, &st), 0);
    cr_assert_eq(st.size, 24);
    zip_close(za);
}

/* idle list in English shows the stage once (the id and its English label are the same word); in
 * Chinese the id and 疑似闲置; CSV and JSON keep both columns. */
Test(idle, list_in_english_shows_the_stage_once)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang en idle list --as-of 2024-07-01"), 0, "%s", errout);
    cr_assert(strstr(out, "suspected"), "%s", out);
    cr_assert_null(strstr(out, "suspected  suspected"), "%s", out);
    cr_assert_null(strstr(out, "stage      stage"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang en idle list --as-of 2024-07-01 --summary"), 0, "%s", errout);
    cr_assert_null(strstr(out, "suspected  suspected"), "%s", out);
    cr_assert(strstr(out, "open, total"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh idle list --as-of 2024-07-01"), 0, "%s", errout);
    cr_assert(strstr(out, "suspected  疑似闲置"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang en idle list --as-of 2024-07-01 --format csv --keys"), 0, "%s",
                 errout);
    cr_assert(strstr(out, "QDIP,N-1,suspected,suspected,"), "%s", out);
}

/* An exemption after the confirmation closes the case without a finding: the parcel gets back the
 * status it had before the confirmation made it idle, both moves in the history. */
Test(idle, exempt_after_confirm_restores_the_status)
{
    pl_db *db = open_db();
    const char *before = tu_sql_text(db, "SELECT status FROM parcel WHERE code = 'N-1'");
    char was[16];
    snprintf(was, sizeof was, "%s", before);
    pl_db_close(db);
    cr_assert_str_neq(was, "idle");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle confirm N-1 --decision 认〔2024〕3号 --date 2024-03-01"), 0, "%s",
                 errout);
    db = open_db();
    cr_assert_str_eq(tu_sql_text(db, "SELECT status FROM parcel WHERE code = 'N-1'"), "idle");
    pl_db_close(db);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle dispose N-1 exempt --date 2024-03-05 --note 政府原因延迟交地"), 0,
                 "%s", errout);
    db = open_db();
    cr_assert_str_eq(tu_sql_text(db, "SELECT status FROM parcel WHERE code = 'N-1'"), was);
    cr_assert_str_eq(tu_sql_text(db, "SELECT status_date FROM parcel WHERE code = 'N-1'"), "2024-03-05");
    char expect[128];
    snprintf(expect, sizeof expect, "%s>idle idle>%s", was, was);
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(old_value || '>' || new_value, ' ') FROM (SELECT * FROM"
                                     " history WHERE entity = 'parcel' AND code = 'N-1' AND field = 'status'"
                                     " AND (old_value = 'idle' OR new_value = 'idle') ORDER BY id)"),
                     expect);
    cr_assert(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND code = 'N-1' AND field ="
                               " 'status' AND old_value = 'idle' AND note LIKE '%政府原因延迟交地%'") == 1);
    pl_db_close(db);
}

/* A second PDF, attached under a name that is markup. */
static const char pdf2[] = "%PDF-1.4\n%parkland test two\n";
#define HOSTILE "<img src=x onerror=alert(1)>.pdf"
#define HOSTILE_ESC "&lt;img src=x onerror=alert(1)&gt;.pdf"

static void inspect_two_files(void)
{
    const char *dir = tu_tmp("hostile");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", tu_q(dir));
    cr_assert_eq(system(cmd), 0);
    char p1[1024], p2[1024];
    snprintf(p1, sizeof p1, "%s/visit.pdf", dir);
    snprintf(p2, sizeof p2, "%s/" HOSTILE, dir);
    tu_write_file(p1, pdf, sizeof pdf - 1);
    tu_write_file(p2, pdf2, sizeof pdf2 - 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "inspect S-2 --date 2024-05-01 --built-area 100 --photo %s --photo %s",
                        tu_q(p1), tu_q(p2)), 0, "%s", errout);
}

/* Every href="PREFIX…" of text: the targets, checked to be SHA256.pdf, counted. */
static size_t links(const char *text, const char *prefix, char targets[][80], size_t max)
{
    size_t n = 0;
    char pat[256];
    snprintf(pat, sizeof pat, "href=\"%s", prefix);
    for (const char *p = strstr(text, pat); p && n < max; p = strstr(p + 1, pat)) {
        p += strlen(pat);
        const char *q = strchr(p, '"');
        cr_assert(q && q - p < 80, "a link ends");
        snprintf(targets[n], 80, "%.*s", (int)(q - p), p);
        n++;
    }
    return n;
}

/* The KMZ balloon links each inspection file to its entry files/SHA256.pdf, whose bytes have
 * that SHA-256; the file named as markup stays text. */
Test(idle, kmz_balloon_links_the_files)
{
    inspect_two_files();
    const char *kmz = tu_tmp("links.kmz");
    remove(kmz);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export kmz -o %s", tu_q(kmz)), 0, "%s", errout);
    cr_assert(strstr(out, "inspection files linked from the balloons: 2"), "%s", out);
    int code = 0;
    zip_t *za = zip_open(kmz, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    cr_assert(za, "zip error %d", code);
    zip_stat_t st;
    cr_assert_eq(zip_stat(za, "doc.kml", 0, &st), 0);
    char *kml = calloc(1, st.size + 1);
    zip_file_t *zf = zip_fopen(za, "doc.kml", 0);
    cr_assert_eq(zip_fread(zf, kml, st.size), (zip_int64_t)st.size);
    zip_fclose(zf);
    char targets[8][80];
    size_t n = links(kml, "files/", targets, 8);
    cr_assert_eq(n, 2, "two links in the balloon of S-2");
    for (size_t i = 0; i < n; i++) {
        char entry[128];
        snprintf(entry, sizeof entry, "files/%.79s", targets[i]);
        cr_assert_eq(zip_stat(za, entry, 0, &st), 0, "'%s' is in the kmz", entry);
        unsigned char *data = malloc(st.size);
        zf = zip_fopen(za, entry, 0);
        cr_assert_eq(zip_fread(zf, data, st.size), (zip_int64_t)st.size);
        zip_fclose(zf);
        char hex[65];
        cr_assert_eq(pl_sha256_hex(data, st.size, hex), 0);
        cr_assert_eq(strncmp(targets[i], hex, 64), 0, "'%s' holds bytes of sha256 %s", entry, hex);
        cr_assert_str_eq(targets[i] + 64, ".pdf");
        free(data);
    }
    cr_assert(strstr(kml, "\">visit.pdf</a>"), "the link shows the name");
    cr_assert(strstr(kml, "\">" HOSTILE_ESC "</a>"), "the hostile name is escaped text");
    cr_assert_null(strstr(kml, "<img"), "no markup from the database");
    free(kml);
    zip_close(za);
    /* plain KML cannot hold them: named with their SHA-256, no link, a note */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export kml"), 0, "%s", errout);
    cr_assert(strstr(out, "sha256 " PDF_SHA256), "%s", out);
    cr_assert_null(strstr(out, "href=\"files/"));
    cr_assert(strstr(errout, "2 inspection files are named, not linked"), "%s", errout);
}

/* The HTML map writes the files beside it in MAP_files/ and its panel links them there. */
Test(idle, html_links_the_files_beside_it)
{
    inspect_two_files();
    const char *dir = tu_tmp("html out");
    char cmd[2048], html[1024], files[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", tu_q(dir), tu_q(dir));
    cr_assert_eq(system(cmd), 0);
    snprintf(html, sizeof html, "%s/土地 map.html", dir);
    snprintf(files, sizeof files, "%s/土地 map_files", dir);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export html -o %s", tu_q(html)), 0, "%s", errout);
    size_t len;
    char *text = tu_read_file(html, &len);
    char targets[8][80];
    size_t n = links(text, "", targets, 8);
    cr_assert_eq(n, 0, "no static link: the panel makes them from the data");
    /* the JSON block: ["visit.pdf","%E5%9C%9F%E5%9C%B0%20map_files/SHA.pdf"] */
    const char *prefix = "%E5%9C%9F%E5%9C%B0%20map_files/";
    size_t found = 0;
    for (const char *p = strstr(text, prefix); p; p = strstr(p + 1, prefix)) {
        p += strlen(prefix);
        char path[1200];
        snprintf(path, sizeof path, "%s/%.68s", files, p);
        size_t flen;
        char *data = tu_read_file(path, &flen);
        char hex[65];
        cr_assert_eq(pl_sha256_hex(data, flen, hex), 0);
        cr_assert_eq(strncmp(p, hex, 64), 0, "'%s' holds the bytes its name says", path);
        free(data);
        found++;
    }
    cr_assert_eq(found, 2, "two links: %s", text);
    cr_assert(strstr(text, "[\"visit.pdf\",\"%E5%9C%9F%E5%9C%B0%20map_files/" PDF_SHA256 ".pdf\"]"));
    cr_assert(strstr(text, "\\u003cimg src=x onerror=alert(1)\\u003e.pdf"), "escaped in the JSON block");
    cr_assert_null(strstr(text, "<img"), "no markup from the database");
    cr_assert(strstr(text, "a.textContent=x[0]"), "the panel shows the name as text");
    free(text);
    /* again: the directory exists; refused without --force (the map gone, its directory left:
     * the directory's own refusal), replaced with it */
    cr_assert_eq(unlink(html), 0);
    cr_assert_neq(tu_cli(&out, &errout, dbpath, "export html -o %s", tu_q(html)), 0);
    cr_assert(strstr(errout, "exists (the map's files go there; --force replaces it)"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export html --force -o %s", tu_q(html)), 0, "%s", errout);
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 2 && test $(ls -A %s | wc -l) -eq 2", tu_q(files),
             tu_q(dir));
    cr_assert_eq(system(cmd), 0, "the map, its directory of two files, nothing else");
    /* as of a day before the inspection: no file to link, and the replaced map's directory goes */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export html --force --as-of 2024-04-01 -o %s", tu_q(html)), 0, "%s",
                 errout);
    snprintf(cmd, sizeof cmd, "test ! -e %s && test $(ls -A %s | wc -l) -eq 1", tu_q(files), tu_q(dir));
    cr_assert_eq(system(cmd), 0, "the map alone: its old files are not left published beside it");
    /* on standard output: the names, a note, no directory */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export html -o -"), 0, "%s", errout);
    cr_assert(strstr(out, "sha256 " PDF_SHA256), "named as text");
    cr_assert_null(strstr(out, "_files/"));
    cr_assert(strstr(errout, "2 inspection files are named, not linked"), "%s", errout);
}

/* When the files cannot go beside the map, nothing is written: no map, no temporary file or directory. */
Test(idle, html_refused_files_leave_nothing)
{
    inspect_two_files();
    const char *dir = tu_tmp("html refused");
    char cmd[2048], html[1024], files[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", tu_q(dir), tu_q(dir));
    cr_assert_eq(system(cmd), 0);
    snprintf(html, sizeof html, "%s/m.html", dir);
    snprintf(files, sizeof files, "%s/m_files", dir);
    tu_write_file(files, "x", 1); /* a file where the directory goes */
    cr_assert_neq(tu_cli(&out, &errout, dbpath, "export html --force -o %s", tu_q(html)), 0);
    cr_assert(strstr(errout, "m_files' exists and is not a directory"), "%s", errout);
    snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = m_files", tu_q(dir));
    cr_assert_eq(system(cmd), 0, "only the file that was there");
}

/* A map without inspection files writes no directory. */
Test(idle, html_without_files_has_no_directory)
{
    const char *html = tu_tmp("plain.html");
    remove(html);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export html -o %s", tu_q(html)), 0, "%s", errout);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "test ! -e %s", tu_q(tu_tmp("plain_files")));
    cr_assert_eq(system(cmd), 0);
}

/* 延期开工 is the project's start extension (parkland/deadline.h): after `idle dispose N-1 delay
 * --until 2024-12-31`, the idle test, the alerts and the kpi deadlines use the new start; from
 * 2025-12-31 (365 days after it) the parcel is idle again. */
Test(idle, delay_extends_the_project_start)
{
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle confirm N-1 --decision 认〔2024〕3号 --date 2024-03-01"), 0, "%s",
                 errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle dispose N-1 delay --date 2024-03-03 --until 2024-12-31"), 0, "%s",
                 errout);
    pl_db *db = open_db();
    cr_assert_str_eq(tu_sql_text(db, "SELECT document || ' ' || until || ' ' || agreed_on FROM project_extension x"
                                     " JOIN project p ON p.id = x.project_id WHERE p.code = 'P-1'"
                                     " AND x.kind = 'construction'"),
                     "认〔2024〕3号 2024-12-31 2024-03-03");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'project' AND code = 'P-1'"
                                  " AND field = 'extension construction' AND new_value = '2024-12-31'"), 1);
    /* the test: not idle before the new start (nor in the year after it), idle from day 365 */
    cr_assert_eq(idle_on(db, "N-1", "2024-06-01", NULL), 0, "delayed to 2024-12-31");
    cr_assert_eq(idle_on(db, "N-1", "2025-12-30", NULL), 0, "day 364 after the new start");
    pl_idle_evidence ev;
    cr_assert_eq(idle_on(db, "N-1", "2025-12-31", &ev), 1, "day 365 after the new start");
    cr_assert_str_eq(ev.idle_since, "2024-12-31");
    cr_assert_str_eq(ev.agreed_start, "2023-03-01");
    pl_db_close(db);

    /* idle list: the case stays disposed (delayed), the parcel is not suspected again before D */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "idle list --as-of 2024-06-01 --format csv --keys"), 0, "%s", errout);
    cr_assert(strstr(out, "QDIP,N-1,disposed,"), "%s", out);
    cr_assert_null(strstr(out, "N-1,suspected"), "%s", out);
    /* the alerts: no late start, no idle warning for P-1 before the new start */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report alerts --as-of 2024-06-01 --format csv --keys"), 0, "%s",
                 errout);
    for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        cr_assert(strncmp(line, "indicator_shortfall,", 20) == 0 || !strstr(line, ",P-1,") ||
                      strstr(line, ",P-1,") > strchr(line, '\n'),
                  "only the indicators of P-1, no start alert: %s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report alerts --as-of 2025-01-10 --format csv --keys"), 0, "%s",
                 errout);
    cr_assert(strstr(out, "约定开工 2024-12-31，逾期 10 天未开工 (约定 2023-03-01, 延期至 2024-12-31"), "%s", out);
    /* report kpi: the deadline is extended */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report kpi --as-of 2024-06-01 --format csv --keys"), 0, "%s", errout);
    cr_assert(strstr(out, "P-1,甲公司,开工 construction,2023-03-01,,yes 是,2024-12-31,,pending 未到期"), "%s", out);
}
