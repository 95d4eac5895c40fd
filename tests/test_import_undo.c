/* test_import_undo.c — 'import list' and 'import undo': the batches newest first; an
 * untouched batch undone (parcels, indicators and R*Tree entries gone, history kept,
 * batch marked); a batch whose parcels were touched since refused, changing nothing. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/batch.h"
#include "parkland/db.h"
#include "parkland/history.h"
#include "parkland/import.h"
#include "parkland/indicators.h"
#include "parkland/park.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];
static char *out, *errout;

/* A Ministry TXT of n squares of 100 m (1 ha) with codes PREFIX-1…n, the k-th
 * square at column k of row `row` (zone 40, CGCS2000). `grow` widens each by that
 * many metres (a changed geometry for --on-conflict update). */
static const char *write_txt(const char *name, const char *prefix, int n, int row, int grow)
{
    static char buf[16384];
    size_t len = (size_t)snprintf(buf, sizeof buf, "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n"
                                                   "投影类型=高斯克吕格\n计量单位=米\n带号=40\n[地块坐标]\n");
    for (int k = 1; k <= n; k++) {
        double x0 = 40509000.0 + 200.0 * k, y0 = 3985000.0 + 200.0 * row, x1 = x0 + 100 + grow, y1 = y0 + 100;
        len += (size_t)snprintf(buf + len, sizeof buf - len,
                                "5,%.4f,%s-%d,地块%d,面,,工业用地,0601,@\n"
                                "J1,1,%.3f,%.3f\nJ2,1,%.3f,%.3f\nJ3,1,%.3f,%.3f\nJ4,1,%.3f,%.3f\nJ1,1,%.3f,%.3f\n",
                                (100.0 + grow) * 100 / 10000, prefix, k, k, y1, x0, y1, x1, y0, x1, y0, x0, y1, x0);
    }
    const char *path = tu_tmp(name);
    tu_write_file(path, buf, len);
    return path;
}

static long import_txt(const char *path, pl_on_conflict on_conflict)
{
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = "QDIP";
    o.on_conflict = on_conflict;
    o.allow_overlap = 1;
    tu_import_with(db, path, &o);
    return tu_sql_count(db, "SELECT max(id) FROM import_batch");
}

static void setup(void)
{
    db = tu_db_new("undo.db", dbpath);
    pl_db_set_user(db, "carol");
    tu_park_qdip(db);
}

static void teardown(void)
{
    tu_outputs_free(&out, &errout);
    tu_db_close(db);
}

TestSuite(import_undo, .init = setup, .fini = teardown);

typedef struct seen {
    long ids[8];
    char files[8][64];
    int undone[8];
    size_t n;
} seen;

static int collect(const pl_batch_row *r, void *ctx)
{
    seen *s = ctx;
    if (s->n < 8) {
        s->ids[s->n] = r->id;
        const char *slash = strrchr(r->file, '/');
        snprintf(s->files[s->n], sizeof s->files[0], "%s", slash ? slash + 1 : r->file);
        s->undone[s->n] = r->undone_at != NULL;
        cr_assert_str_eq(r->park, "QDIP");
        cr_assert_str_eq(r->format, "txt");
        cr_assert_eq(r->target_srid, 4549);
        cr_assert_eq(r->source_srid, 4528);
        cr_assert_str_eq(r->imported_by, "carol");
        cr_assert_eq(strlen(r->sha256), 64);
    }
    s->n++;
    return 0;
}

/* The parcels of `prefix` the R*Tree finds in the window of the test squares. */
static long rtree_hits(const char *prefix)
{
    return tu_sql_count_arg(db,
        "SELECT count(*) FROM parcel p WHERE p.code LIKE ?1 || '-%' AND p.id IN (SELECT pkid FROM idx_parcel_geom"
        " WHERE xmin <= 510000 AND xmax >= 509000 AND ymin <= 3987000 AND ymax >= 3985000)", prefix);
}

Test(import_undo, list_shows_every_batch_newest_first)
{
    long a = import_txt(write_txt("a.txt", "A", 3, 0, 0), PL_CONFLICT_FAIL);
    long b = import_txt(write_txt("b.txt", "B", 2, 1, 0), PL_CONFLICT_FAIL);
    long c = import_txt(write_txt("c.txt", "C", 1, 2, 0), PL_CONFLICT_FAIL);
    seen s = {0};
    pl_error err;
    cr_assert_eq(pl_batch_each(db, "QDIP", collect, &s, &err), PL_OK, "%s", err.message);
    cr_assert_eq(s.n, 3);
    cr_assert(s.ids[0] == c && s.ids[1] == b && s.ids[2] == a);
    cr_assert_str_eq(s.files[0], "c.txt");
    cr_assert_str_eq(s.files[2], "a.txt");
    cr_assert_eq(tu_sql_count(db, "SELECT n_inserted FROM import_batch WHERE id = 1"), 3);
    tu_park_jmip(db);
    seen none = {0};
    cr_assert_eq(pl_batch_each(db, "JMIP", collect, &none, &err), PL_OK);
    cr_assert_eq(none.n, 0);
    cr_assert_eq(pl_batch_each(db, "NOPE", collect, &none, &err), PL_ERR_NOTFOUND);
}

Test(import_undo, an_untouched_batch_is_undone)
{
    import_txt(write_txt("a.txt", "A", 3, 0, 0), PL_CONFLICT_FAIL);
    long b = import_txt(write_txt("b.txt", "B", 2, 1, 0), PL_CONFLICT_FAIL);
    cr_assert_eq(rtree_hits("B"), 2);
    pl_batch_undo_result r;
    pl_error err;
    cr_assert_eq(pl_batch_undo(db, b, "wrong file", 0, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.removed, 2);
    cr_assert_eq(r.ncodes, 2);
    cr_assert_str_eq(r.codes[0], "B-1");
    pl_batch_undo_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'B-%'"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'A-%'"), 3);
    /* the R*Tree no longer finds them, and holds no entry of a missing parcel */
    cr_assert_eq(rtree_hits("A"), 3);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM idx_parcel_geom"), 3);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM idx_parcel_geom WHERE pkid NOT IN (SELECT id FROM parcel)"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel_indicator WHERE parcel_id NOT IN (SELECT id FROM parcel)"),
                 0);
    /* history: created and removed, the note naming the batch, the undo and the reason */
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM history WHERE entity = 'parcel' AND field = 'removed' AND batch_id = %ld"
                          " AND who = 'carol' AND old_value = 'reserve' AND note LIKE 'undo of import batch %ld (%%b.txt''): wrong file'", b, b);
    cr_assert_eq(tu_sql_count(db, q), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'created' AND code LIKE 'B-%'"), 2);
    snprintf(q, sizeof q, "SELECT count(*) FROM import_batch WHERE id = %ld AND undone_by = 'carol'"
                          " AND undone_at LIKE '20%%Z'", b);
    cr_assert_eq(tu_sql_count(db, q), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch WHERE undone_at IS NOT NULL"), 1);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    /* not twice */
    cr_assert_eq(pl_batch_undo(db, b, NULL, 0, &r, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "was undone on") && strstr(err.message, "by carol already"), "%s", err.message);
    pl_batch_undo_result_release(&r);
    /* the file can be imported again */
    import_txt(write_txt("b.txt", "B", 2, 1, 0), PL_CONFLICT_FAIL);
    cr_assert_eq(rtree_hits("B"), 2);
    cr_assert_eq(pl_batch_undo(db, 99, NULL, 0, &r, &err), PL_ERR_NOTFOUND);
    cr_assert(strstr(err.message, "no import batch 99"), "%s", err.message);
    pl_batch_undo_result_release(&r);
}

Test(import_undo, a_dry_run_changes_nothing)
{
    long a = import_txt(write_txt("a.txt", "A", 3, 0, 0), PL_CONFLICT_FAIL);
    pl_db_close(db);
    db = NULL;
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    pl_batch_undo_result r;
    cr_assert_eq(pl_batch_undo(db, a, NULL, 1, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.ncodes, 3);
    cr_assert_eq(r.removed, 0);
    pl_batch_undo_result_release(&r);
    pl_db_close(db);
    db = NULL;
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
}

/* What touches parcel A-2 of batch 1, and the text each blocker must hold. */
typedef struct touch {
    const char *name;
    const char *sql;      /* run on the database, or NULL */
    const char *cli;      /* a parkland command, or NULL */
    const char *expect;   /* in the blocker of A-2 */
} touch;

static void refused_when(const touch *t)
{
    long a = import_txt(write_txt("a.txt", "A", 3, 0, 0), PL_CONFLICT_FAIL);
    if (t->sql)
        tu_sql_exec(db, t->sql);
    if (t->cli)
        cr_assert_eq(tu_cli(&out, &errout, dbpath, "%s", t->cli), 0, "%s: %s", t->name, errout);
    pl_db_close(db);
    db = NULL;
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    pl_batch_undo_result r;
    cr_assert_eq(pl_batch_undo(db, a, NULL, 0, &r, &err), PL_ERR_INPUT, "%s", t->name);
    cr_assert(strstr(err.message, "cannot be undone") && strstr(err.message, "nothing was changed"), "%s",
              err.message);
    cr_assert_geq(r.nblockers, 1, "%s", t->name);
    int found = 0;
    for (size_t i = 0; i < r.nblockers; i++) {
        cr_assert_str_eq(r.blockers[i].code, "A-2", "%s: %s %s", t->name, r.blockers[i].code, r.blockers[i].what);
        found |= strstr(r.blockers[i].what, t->expect) != NULL;
    }
    cr_assert(found, "%s: no blocker says '%s' (first: %s)", t->name, t->expect, r.blockers[0].what);
    pl_batch_undo_result_release(&r);
    pl_db_close(db);
    db = NULL;
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after, "%s", t->name);
    free(before);
    free(after);
}

Test(import_undo, refused_after_a_status_change)
{
    touch t = {"status", NULL, "parcel status A-2 available --force --note ok", "status reserve → available"};
    refused_when(&t);
}

Test(import_undo, refused_after_indicators_were_set)
{
    touch t = {"indicators", NULL, "parcel indicators A-2 --far-min 1.2", "far_min"};
    refused_when(&t);
}

Test(import_undo, refused_after_a_reservation)
{
    touch t = {"reservation",
               "INSERT INTO lead(code, company, stage_date, created_at, updated_at) VALUES ('L1', 'X', '2026-01-01', 'a', 'a');"
               "INSERT INTO reservation(parcel_id, lead_id, reserved_on, expires_on)"
               " SELECT id, 1, '2026-02-01', '2026-05-01' FROM parcel WHERE code = 'A-2'",
               NULL, "a reservation from 2026-02-01 to 2026-05-01"};
    refused_when(&t);
}

Test(import_undo, refused_after_a_project_link)
{
    touch t = {"project",
               "INSERT INTO lead(code, company, stage_date, created_at, updated_at) VALUES ('L1', 'X', '2026-01-01', 'a', 'a');"
               "INSERT INTO project(code, lead_id, signed_on, created_at, updated_at) VALUES ('PJ-1', 1, '2026-02-01', 'a', 'a');"
               "INSERT INTO project_parcel(project_id, parcel_id) SELECT 1, id FROM parcel WHERE code = 'A-2'",
               NULL, "linked to project PJ-1"};
    refused_when(&t);
}

Test(import_undo, refused_after_a_split_or_merge)
{
    touch t = {"lineage",
               "INSERT INTO parcel_lineage(parent_id, child_id, operation, at)"
               " SELECT p.id, c.id, 'merge', '2026-02-01' FROM parcel p, parcel c WHERE p.code = 'A-2' AND c.code = 'A-3'",
               NULL, "parent of a merge with A-3"};
    /* A-3 is the merge's child: a blocker too, then */
    long a = import_txt(write_txt("a.txt", "A", 3, 0, 0), PL_CONFLICT_FAIL);
    tu_sql_exec(db, t.sql);
    pl_batch_undo_result r;
    pl_error err;
    cr_assert_eq(pl_batch_undo(db, a, NULL, 0, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nblockers, 2);
    cr_assert_str_eq(r.blockers[0].code, "A-2");
    cr_assert_str_eq(r.blockers[0].what, "parent of a merge with A-3");
    cr_assert_str_eq(r.blockers[1].code, "A-3");
    cr_assert_str_eq(r.blockers[1].what, "child of a merge with A-2");
    pl_batch_undo_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'A-%'"), 3);
}

Test(import_undo, refused_after_a_later_import_updated_a_parcel)
{
    long a = import_txt(write_txt("a.txt", "A", 3, 0, 0), PL_CONFLICT_FAIL);
    long b = import_txt(write_txt("a2.txt", "A", 1, 0, 20), PL_CONFLICT_UPDATE); /* A-1 wider */
    cr_assert_neq(a, b);
    pl_batch_undo_result r;
    pl_error err;
    cr_assert_eq(pl_batch_undo(db, a, NULL, 0, &r, &err), PL_ERR_INPUT);
    cr_assert_geq(r.nblockers, 1);
    char want[64];
    snprintf(want, sizeof want, "updated by a later import (batch %ld)", b);
    cr_assert_str_eq(r.blockers[0].code, "A-1");
    cr_assert_str_eq(r.blockers[0].what, want);
    pl_batch_undo_result_release(&r);
    /* and the updating batch itself is refused with the reason */
    cr_assert_eq(pl_batch_undo(db, b, NULL, 0, &r, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "updated 1 existing parcel (--on-conflict update) and cannot be undone"), "%s",
              err.message);
    cr_assert_eq(r.nblockers, 0);
    pl_batch_undo_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'A-%'"), 3);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch WHERE undone_at IS NOT NULL"), 0);
}

static int count_row(const pl_history_row *row, void *ctx)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

static int history_rows(const char *code)
{
    int n = 0;
    pl_error err;
    cr_assert_eq(pl_history_each(db, "parcel", NULL, code, count_row, &n, &err), PL_OK, "%s: %s", code, err.message);
    return n;
}

/* An id freed by an undo and taken again by a later import: the history of the
 * earlier parcel does not make the later one look touched. */
Test(import_undo, a_reused_parcel_id_is_not_a_change)
{
    long a = import_txt(write_txt("a.txt", "A", 2, 0, 0), PL_CONFLICT_FAIL);
    pl_batch_undo_result r;
    pl_error err;
    cr_assert_eq(pl_batch_undo(db, a, NULL, 0, &r, &err), PL_OK, "%s", err.message);
    pl_batch_undo_result_release(&r);
    long b = import_txt(write_txt("b.txt", "B", 2, 1, 0), PL_CONFLICT_FAIL);
    /* the history of each code is its own parcel's */
    cr_assert_eq(tu_sql_count(db, "SELECT count(DISTINCT p.id) FROM parcel p JOIN history h ON h.entity_id = p.id"
                                  " AND h.field = 'removed'"), 2, "the ids were taken again");
    cr_assert_eq(history_rows("B-1"), 1);
    cr_assert_eq(history_rows("A-1"), 2);
    cr_assert_eq(pl_batch_undo(db, b, NULL, 0, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.removed, 2);
    pl_batch_undo_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel"), 0);
    cr_assert_eq(history_rows("B-1"), 2);
    /* the same file again: its codes' histories hold each import and undo */
    import_txt(write_txt("a.txt", "A", 2, 0, 0), PL_CONFLICT_FAIL);
    cr_assert_eq(history_rows("A-1"), 3);
    cr_assert_eq(history_rows("B-1"), 2);
}

/* ---- command line ---------------------------------------------------------- */

Test(import_undo, cli_list_and_undo)
{
    import_txt(write_txt("a.txt", "A", 3, 0, 0), PL_CONFLICT_FAIL);
    import_txt(write_txt("b.txt", "B", 2, 1, 0), PL_CONFLICT_FAIL);
    pl_db_close(db);
    db = NULL;
    setenv("PARKLAND_USER", "tester", 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import list"), 0, "%s", errout);
    cr_assert(strstr(out, "2 import batches"), "%s", out);
    char *b_at = strstr(out, "b.txt"), *a_at = strstr(out, "a.txt");
    cr_assert(a_at && b_at && b_at < a_at, "newest first: %s", out);
    cr_assert(strstr(out, "30.00") && strstr(out, "45.00"), "3 ha = 45 亩, 2 ha = 30 亩: %s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import list --format csv --keys | cat"), 0);
    cr_assert(!strncmp(out, "batch,file,sha256,format,encoding,source_srid,target_srid,park,read,inserted,updated,"
                            "skipped,repaired,area_mu,imported_at,imported_by,undone_at,undone_by\n2,", 140), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import list --format json --park QDIP"), 0);
    cr_assert(strstr(out, "\"batch\": 2") || strstr(out, "\"batch\":2"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import list --park NOPE"), 1);
    cr_assert(strstr(errout, "no park 'NOPE'"), "%s", errout);

    char *before = tu_db_snapshot(dbpath);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import undo 2 --dry-run"), 0, "%s", errout);
    cr_assert(strstr(out, "would undo import batch 2") && strstr(out, "  B-1\n  B-2\n"), "%s", out);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(after);

    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel status A-1 available --force --note test"), 0, "%s", errout);
    free(before);
    before = tu_db_snapshot(dbpath);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import undo 1"), 1);
    cr_assert(strstr(errout, "A-1: status reserve → available on ") && strstr(errout, "cannot be undone"), "%s",
              errout);
    after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);

    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import undo 2 --note 'wrong park'"), 0, "%s", errout);
    cr_assert(strstr(out, "undid import batch 2") && strstr(out, "2 parcels removed"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel B-1 --format csv --keys"), 0, "%s", errout);
    cr_assert(strstr(out, ",removed,reserve,,undo of import batch 2 (") && strstr(out, "'): wrong park,2"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import undo 2"), 1);
    cr_assert(strstr(errout, "already"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import list --format csv --keys | cat"), 0);
    cr_assert(strstr(out, "\n2,") && strstr(out, "Z,tester"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import undo"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import undo x"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import list --bogus"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "import --help"), 0);
    cr_assert(strstr(out, "import undo BATCH") && strstr(out, "import list"), "%s", out);
}
