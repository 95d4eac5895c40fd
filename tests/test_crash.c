/* test_crash.c — crash safety (issue 7, item 3): the parkland command is killed with SIGKILL in the
 * middle of a large import, of an export over a good file, and of a split, at several points.
 * Afterwards PRAGMA integrity_check is ok, the database holds exactly the state before the command
 * (or, for a command killed after its COMMIT, exactly the state a complete run commits), the output
 * path of an export holds the old file or the complete new one byte for byte, and the next command
 * works.
 *
 * A point is reached by polling the child every 0.2–1 ms (elapsed time, size of the WAL, the export's
 * temporary file, or the database's write lock seen from a second connection); when it is reached
 * the child is frozen with SIGSTOP, what it left on disk is recorded, and it is killed with SIGKILL:
 * the same as a kill at that instant, but the record describes exactly what was killed. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/import.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Parcels of the large import (20 m squares 25 m apart): 20 000, or 5 000 in the ASan + UBSan build,
 * where everything runs 3–5 times slower; the export database; vertices of each split parcel. */
#define IMPORT_N (SANITIZED ? 5000 : 20000)
#define EXPORT_N (SANITIZED ? 1000 : 2000)
#define SPLIT_VERTICES (SANITIZED ? 10000 : 20000)
#define SPLIT_RUNS 8

/* ---- helpers ------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static char *dup_path(const char *p)
{
    char *s = strdup(p);
    cr_assert_not_null(s);
    return s;
}

/* The WAL of dbpath ("…-wal" in a static buffer). */
static const char *wal_of(const char *dbpath)
{
    static char buf[1100];
    snprintf(buf, sizeof buf, "%s-wal", dbpath);
    return buf;
}

/* Start PARKLAND_BIN --db dbpath ARGS… (NULL-terminated) with stdout and stderr into
 * tu_tmp("<tag>.out" / "<tag>.err"). */
static pid_t spawn(const char *tag, const char *dbpath, const char *const *args)
{
    const char *argv[40];
    int n = 0;
    argv[n++] = PARKLAND_BIN;
    argv[n++] = "--db";
    argv[n++] = dbpath;
    for (; *args && n < 39; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    char o[1100], e[1100];
    snprintf(o, sizeof o, "%s.out", tu_tmp(tag));
    snprintf(e, sizeof e, "%s.err", tu_tmp(tag));
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0) {
        int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644), fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        setenv("PARKLAND_USER", "tester", 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Run a command to its end; its exit status (stderr shown on failure by the caller). */
static int run_to_end(const char *tag, const char *dbpath, const char *const *args)
{
    pid_t pid = spawn(tag, dbpath, args);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *output_of(const char *tag, const char *ext)
{
    char p[1100];
    snprintf(p, sizeof p, "%s.%s", tu_tmp(tag), ext);
    char *s = tu_read_file(p, NULL);
    return s ? s : strdup("");
}

/* Poll every `poll_us` µs until ready(ctx, seconds since the start) is true, then freeze the child
 * (SIGSTOP) and return 1; 0 when the child ended first (*status is its wait status). */
static int stop_when(pid_t pid, int (*ready)(void *ctx, double elapsed), void *ctx, int *status, useconds_t poll_us)
{
    double t0 = now_s();
    for (;;) {
        if (waitpid(pid, status, WNOHANG) == pid)
            return 0;
        if (ready(ctx, now_s() - t0)) {
            kill(pid, SIGSTOP);
            return 1;
        }
        if (now_s() - t0 > 240) {
            kill(pid, SIGKILL);
            waitpid(pid, status, 0);
            cr_assert_fail("the kill point was never reached in 240 s");
        }
        usleep(poll_us);
    }
}

/* SIGKILL (the child may be frozen, or may have just exited) and reap: its wait status. */
static int kill_child(pid_t pid)
{
    int st;
    kill(pid, SIGKILL);
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return st;
}

static int was_killed(int st)
{
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

/* What the next command sees: pl_db_open works (recovering the WAL of the killed process),
 * PRAGMA integrity_check is "ok" and no foreign key is dangling. */
static void check_opens_and_is_intact(const char *dbpath)
{
    pl_db *db = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "after the kill: %s", err.message);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    pl_db_close(db);
}

/* 1 when another connection holds the write lock of dbpath right now (a writer is inside its
 * transaction): a BEGIN IMMEDIATE that may not wait fails with SQLITE_BUSY. */
static int write_lock_held(sqlite3 *probe)
{
    int rc = sqlite3_exec(probe, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_exec(probe, "ROLLBACK", NULL, NULL, NULL);
        return 0;
    }
    return (rc & 0xff) == SQLITE_BUSY;
}

static sqlite3 *open_probe(const char *dbpath)
{
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, 0);
    return h;
}

/* Fingerprint like tu_db_snapshot, without the columns that hold the clock (history.at,
 * created_at, updated_at, imported_at, the SpatiaLite geometry_columns_time stamps): equal for two
 * runs of the same command on the same database, a few seconds apart. */
static int clock_column(const char *name)
{
    size_t n = strlen(name);
    return !strcmp(name, "at") || (n > 3 && !strcmp(name + n - 3, "_at")) || !strncmp(name, "last_", 5);
}

static char *snapshot_without_clock(const char *dbpath)
{
    return tu_db_snapshot_skipping(dbpath, clock_column);
}

/* The header of a Ministry TXT in EPSG:4528 (zone 40, X = northing). */
static void txt_header(FILE *f)
{
    fputs("[属性描述]\n格式版本号=1.01\n数据产生单位=parkland test_crash\n坐标系=2000国家大地坐标系\n几度分带=3\n"
          "投影类型=高斯克吕格\n计量单位=米\n带号=40\n精度=0.001\n转换参数=,,,,,,\n[地块坐标]\n", f);
}

/* n squares of 20 × 20 m, 25 m apart, 150 to a row, from (e0, n0) in EPSG:4528: codes PREFIX-00001… */
static void write_grid(const char *path, const char *prefix, int n, double e0, double n0)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    txt_header(f);
    for (int k = 0; k < n; k++) {
        double e = e0 + (k % 150) * 25.0, no = n0 + (k / 150) * 25.0;
        fprintf(f, "5,0.0400,%s-%05d,试验地块%d,面,,工业用地,0601,@\n", prefix, k + 1, k + 1);
        fprintf(f, "J1,1,%.3f,%.3f\nJ2,1,%.3f,%.3f\nJ3,1,%.3f,%.3f\nJ4,1,%.3f,%.3f\nJ1,1,%.3f,%.3f\n", no, e, no + 20,
                e, no + 20, e + 20, no, e + 20, no, e);
    }
    fclose(f);
}

/* A database with park QDIP and the 48 sample parcels (east of 40 508 500 is free). */
static void sample_db(const char *name, char *path)
{
    pl_db *db = tu_db_new(name, path);
    tu_park_qdip(db);
    cr_assert_eq(tu_import(db, SAMPLES_DIR "/parcels-utf8.txt", "QDIP"), 48);
    tu_sql_exec(db, "INSERT INTO lead(code, company, stage, stage_date, created_at, updated_at)"
                    " VALUES ('L-1', '青岛测试有限公司', 'new', '2025-01-01', '2025-01-01T00:00:00Z',"
                    " '2025-01-01T00:00:00Z')");
    pl_db_close(db);
}

/* ---- (a) a large import ------------------------------------------------------------------- */

typedef struct import_point {
    const char *what;
    double after_s; /* > 0: this long after the start */
    double wal;     /* > 0: once the WAL holds this share of what the transaction spills before COMMIT */
} import_point;

typedef struct import_ctx {
    const import_point *p;
    const char *wal;
    long wal_bytes;
} import_ctx;

static int import_ready(void *ctx, double elapsed)
{
    import_ctx *c = ctx;
    if (c->p->after_s > 0)
        return elapsed >= c->p->after_s;
    return file_size(c->wal) >= c->wal_bytes;
}

Test(crash, import_killed_at_five_points_leaves_the_database_as_it_was, .timeout = 400)
{
    char base[1024];
    sample_db("import.db", base);
    char *txt = dup_path(tu_tmp("big.txt"));
    write_grid(txt, "BIG", IMPORT_N, 40510000, 3990000);
    char *before = tu_db_snapshot(base);
    char n_arg[32];
    snprintf(n_arg, sizeof n_arg, "inserted %d,", IMPORT_N);
    /* --cache-mb 2: SQLite's default page cache, not the import's own 16 MiB, which would hold the
     * whole transaction until the COMMIT at these sizes */
    const char *args[] = {"--cache-mb", "2", "import", "parcels", txt, "--park", "QDIP", NULL};

    /* The open transaction writes ~750 bytes of WAL a parcel; once the page cache (2 MiB) is full
     * it spills pages of the open transaction into the WAL as the import goes, and the COMMIT
     * appends the last ~1.8 MB. The kill points are shares of what is spilled before the COMMIT. */
    double spilled = 750.0 * IMPORT_N - 2.0e6;
    const import_point points[] = {
        {"10 ms after the start (opening the database)", 0.010, 0},
        {"the first spill of the transaction (WAL created)", 0, 1e-9},
        {"15 % of the spill", 0, 0.15},
        {"45 % of the spill", 0, 0.45},
        {"80 % of the spill", 0, 0.80},
    };
    /* each point on its own copy of the database (a WAL left by a kill belongs to its file) */
    char *committed[5] = {0};
    int rolled_back_with_pages = 0;
    char *last = NULL;
    for (size_t i = 0; i < sizeof points / sizeof *points; i++) {
        char name[32];
        snprintf(name, sizeof name, "import-%zu.db", i + 1);
        free(last);
        last = dup_path(tu_tmp(name));
        tu_copy_file(base, last);
        const char *wal = wal_of(last);
        cr_assert_eq(file_size(wal), -1);
        import_ctx ctx = {&points[i], wal, points[i].wal > 0 ? (long)fmax(1, points[i].wal * spilled) : 0};
        double t0 = now_s();
        pid_t pid = spawn("import", last, args);
        int st = 0;
        int stopped = stop_when(pid, import_ready, &ctx, &st, 1000);
        long wal_at_kill = file_size(wal);
        if (stopped)
            st = kill_child(pid);
        double took = now_s() - t0;
        check_opens_and_is_intact(last);
        char *now = tu_db_snapshot(last);
        int same = !strcmp(now, before);
        free(now);
        if (same) {
            cr_assert(was_killed(st), "point %zu: the import ended (status %d) and changed nothing", i + 1, st);
            rolled_back_with_pages += wal_at_kill > 32;
        } else {
            committed[i] = snapshot_without_clock(last); /* compared with a complete run below */
        }
        cr_log_info("import of %d parcels, kill at %s: %s after %.3f s, WAL %ld bytes → %s", IMPORT_N,
                    points[i].what, was_killed(st) ? "killed" : "completed", took, wal_at_kill,
                    same ? "the state before" : "the state after (committed)");
        if (i + 1 < sizeof points / sizeof *points)
            unlink(last);
    }
    cr_assert_geq(rolled_back_with_pages, 3, "fewer than 3 kills left uncommitted pages in the WAL");

    /* the next command works: the same import, to its end, on the database of the last kill */
    double t0 = now_s();
    int rc = run_to_end("import", last, args);
    char *out = output_of("import", "out"), *err = output_of("import", "err");
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(out, n_arg), "%s", out);
    cr_log_info("the same import run to its end: %.3f s", now_s() - t0);
    free(out);
    free(err);
    check_opens_and_is_intact(last);
    char *after = snapshot_without_clock(last);
    for (size_t i = 0; i < sizeof committed / sizeof *committed; i++)
        if (committed[i]) {
            cr_assert_str_eq(committed[i], after, "point %zu: neither the state before nor the state after", i + 1);
            free(committed[i]);
        }
    free(after);
    pl_db *db = NULL;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_db_open(last, &db, &e), PL_OK, "%s", e.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel"), 48 + IMPORT_N);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'created' AND batch_id = 2"), IMPORT_N);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM idx_parcel_geom"), 48 + IMPORT_N);
    tu_db_close(db);
    free(before);
    free(txt);
    free(last);
}

/* ---- (b) an export over a good file ------------------------------------------------------- */

typedef struct export_ctx {
    int point;        /* 0 time, 1 temporary file made, 2 bytes in it, 3 half written, 4 renamed into place */
    char part[1100];  /* the child's temporary file */
    long full;        /* size of the complete export */
    int seen_part;    /* the temporary file existed at some poll */
} export_ctx;

static int export_ready(void *ctx, double elapsed)
{
    export_ctx *c = ctx;
    long sz = file_size(c->part);
    if (sz >= 0)
        c->seen_part = 1;
    switch (c->point) {
    case 0:
        return elapsed >= 0.005;
    case 1:
        return sz >= 0;
    case 2:
        return sz > 0;
    case 3:
        return sz >= c->full / 2;
    default:
        return c->seen_part && sz < 0;
    }
}

static const char *const export_point_names[] = {
    "5 ms after the start", "the temporary file made", "the first bytes in the temporary file",
    "half of the temporary file written", "just after the rename into place"};

/* How many names in dir start with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += !strncmp(de->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static void export_scenario(const char *path, const char *fmt)
{
    char outpath[1100], refpath[1100], base[64], prefix[80];
    snprintf(base, sizeof base, "map.%s", fmt);
    snprintf(outpath, sizeof outpath, "%s", tu_tmp(base));
    snprintf(refpath, sizeof refpath, "%s/ref.%s", tu_tmpdir(), fmt);
    snprintf(prefix, sizeof prefix, ".%s.part-", base);

    /* the old good file (5 decimals of lon/lat) and the complete new one (the default 7) */
    const char *old_args[] = {"export", fmt, "--precision", "5", "-o", outpath, NULL};
    const char *ref_args[] = {"export", fmt, "-o", refpath, NULL};
    cr_assert_eq(run_to_end("export", path, old_args), 0);
    cr_assert_eq(run_to_end("export", path, ref_args), 0);
    size_t old_len, new_len;
    char *old = tu_read_file(outpath, &old_len), *fresh = tu_read_file(refpath, &new_len);
    cr_assert(old_len != new_len || memcmp(old, fresh, old_len), "the two exports should differ");
    char *before = tu_db_snapshot(path);

    const char *args[] = {"export", fmt, "-o", outpath, "--force", NULL};
    int partial = 0, stale = 0;
    for (int i = 0; i < 5; i++) {
        tu_write_file(outpath, old, old_len); /* the good file the export replaces */
        export_ctx c = {.point = i, .full = (long)new_len};
        double t0 = now_s();
        pid_t pid = spawn("export", path, args);
        snprintf(c.part, sizeof c.part, "%s/%s%ld-0", tu_tmpdir(), prefix, (long)pid);
        int st = 0;
        int stopped = stop_when(pid, export_ready, &c, &st, 200);
        long part_at_kill = file_size(c.part);
        if (stopped)
            st = kill_child(pid);
        double took = now_s() - t0;
        size_t cur_len;
        char *cur = tu_read_file(outpath, &cur_len);
        cr_assert_not_null(cur, "%s: the output file is gone after a kill at %s", fmt, export_point_names[i]);
        int is_old = cur_len == old_len && !memcmp(cur, old, old_len);
        int is_new = cur_len == new_len && !memcmp(cur, fresh, new_len);
        free(cur);
        cr_assert(is_old || is_new, "%s killed at %s: the output is neither the old file nor the new one "
                  "(%zu bytes; old %zu, new %zu)", fmt, export_point_names[i], cur_len, old_len, new_len);
        if (was_killed(st)) {
            /* before the rename the old file stays in place; after it the new one is complete */
            if (part_at_kill >= 0) {
                cr_assert(is_old, "%s: the output changed before the rename", fmt);
                stale++; /* SIGKILL leaves the temporary file; nothing can remove it */
            }
            if (part_at_kill > 0 && part_at_kill < (long)new_len)
                partial++;
        } else {
            cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: exit status %d", fmt, st);
            cr_assert(is_new);
        }
        /* what a kill leaves: only the killed export's own temporary file, a hidden name next to
         * the output, never the output path itself */
        cr_assert_eq(count_prefixed(tu_tmpdir(), prefix), stale);
        if (was_killed(st) && part_at_kill >= 0)
            cr_assert_geq(file_size(c.part), 0);
        cr_log_info("export %s of %d parcels (%zu bytes), kill at %s: %s after %.3f s, temporary file %ld bytes, "
                    "output = the %s file", fmt, 48 + EXPORT_N, new_len, export_point_names[i],
                    was_killed(st) ? "killed" : "completed", took, part_at_kill, is_old ? "old" : "new");
        char *now = tu_db_snapshot(path);
        cr_assert_str_eq(now, before, "an export changed the database");
        free(now);
    }
    if (!strcmp(fmt, "kml"))
        cr_assert_geq(partial, 1, "no kill landed while the KML was being written");

    /* the next export works, ignores the temporary files of the killed ones and leaves none */
    tu_write_file(outpath, old, old_len);
    cr_assert_eq(run_to_end("export", path, args), 0);
    size_t cur_len;
    char *cur = tu_read_file(outpath, &cur_len);
    cr_assert(cur_len == new_len && !memcmp(cur, fresh, new_len), "the next export is not the complete file");
    free(cur);
    cr_assert_eq(count_prefixed(tu_tmpdir(), prefix), stale);
    free(old);
    free(fresh);
    free(before);
}

Test(crash, export_killed_leaves_the_old_file_or_the_complete_new_one, .timeout = 400)
{
    char path[1024];
    sample_db("export.db", path);
    char *txt = dup_path(tu_tmp("grid.txt"));
    write_grid(txt, "EXP", EXPORT_N, 40510000, 3990000);
    pl_db *db = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_import(db, txt, "QDIP"), EXPORT_N);
    pl_db_close(db);
    export_scenario(path, "kml");
    export_scenario(path, "html");
    free(txt);
    pl_library_shutdown();
}

/* ---- (c) a split ---------------------------------------------------------------------------- */

typedef struct split_ctx {
    double after_s;   /* -1: count extra_s from the moment the write lock is seen; -2: once it is
                         released again (after the COMMIT, before the process ends) */
    double extra_s;
    sqlite3 *probe;
    double lock_at;   /* elapsed when the lock was first seen, -1 before */
} split_ctx;

static int split_ready(void *ctx, double elapsed)
{
    split_ctx *c = ctx;
    if (c->after_s >= 0)
        return elapsed >= c->after_s;
    if (c->lock_at < 0) {
        if (write_lock_held(c->probe))
            c->lock_at = elapsed;
        return 0;
    }
    if (c->after_s < -1.5)
        return !write_lock_held(c->probe);
    return elapsed - c->lock_at >= c->extra_s;
}

/* SPLIT_RUNS circles of SPLIT_VERTICES vertices, radius 500 m, 1 200 m apart, codes C-1…, in
 * EPSG:4528 from easting 40 512 000; their centres in the working CRS (EPSG:4549) are
 * (512 000 + 1 200 k, 3 992 500). */
static void write_circles(const char *path)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    txt_header(f);
    for (int k = 0; k < SPLIT_RUNS; k++) {
        double cx = 40512000 + 1200.0 * k, cy = 3992500, r = 500;
        fprintf(f, "%d,%.4f,C-%d,圆形试验地块%d,面,,工业用地,0601,@\n", SPLIT_VERTICES + 1, M_PI * r * r / 1e4, k + 1,
                k + 1);
        for (int v = 0; v <= SPLIT_VERTICES; v++) {
            double a = 2 * M_PI * (v % SPLIT_VERTICES) / SPLIT_VERTICES;
            fprintf(f, "J%d,1,%.3f,%.3f\n", v % SPLIT_VERTICES + 1, cy + r * sin(a), cx + r * cos(a));
        }
    }
    fclose(f);
}

Test(crash, split_killed_at_several_points_is_all_or_nothing, .timeout = 400)
{
    char path[1024];
    sample_db("split.db", path);
    char *txt = dup_path(tu_tmp("circles.txt")), *pre = dup_path(tu_tmp("split-pre.db"));
    write_circles(txt);
    pl_db *db = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_import(db, txt, "QDIP"), SPLIT_RUNS);
    pl_db_close(db);
    const char *wal = dup_path(wal_of(path));

    /* two kills at a time after the start, four once the split holds the write lock, one once it
     * has released it (committed, the process not yet ended) */
    const struct {
        double after_s, extra_s;
    } points[SPLIT_RUNS - 1] = {{0.005, 0}, {0.040, 0}, {-1, 0}, {-1, 0.010}, {-1, 0.030}, {-1, 0.100}, {-2, 0}};
    int in_transaction = 0, rolled_back = 0, committed = 0;
    for (int k = 0; k < SPLIT_RUNS - 1; k++) {
        char code[16], line[160];
        snprintf(code, sizeof code, "C-%d", k + 1);
        snprintf(line, sizeof line, "LINESTRING(%.3f 3992500.25, %.3f 3992500.25)", 512000 + 1200.0 * k - 700,
                 512000 + 1200.0 * k + 700);
        const char *args[] = {"parcel", "split", code, "--line", line, NULL};
        cr_assert_leq(file_size(wal), 0, "a WAL is left over before run %d", k + 1);
        tu_copy_file(path, pre); /* the state before, for a reference run */
        char *before = tu_db_snapshot(path);
        split_ctx c = {points[k].after_s, points[k].extra_s, open_probe(path), -1};
        double t0 = now_s();
        pid_t pid = spawn("split", path, args);
        int st = 0;
        int stopped = stop_when(pid, split_ready, &c, &st, 300);
        int locked = stopped && write_lock_held(c.probe);
        if (stopped)
            st = kill_child(pid);
        double took = now_s() - t0;
        sqlite3_close(c.probe);
        check_opens_and_is_intact(path);
        char *now = tu_db_snapshot(path);
        const char *outcome;
        if (!strcmp(now, before)) {
            outcome = "the state before";
            cr_assert(was_killed(st), "%s: the split ended (status %d) but changed nothing", code, st);
            rolled_back++;
            in_transaction += locked;
        } else {
            /* killed after its COMMIT, or done: exactly what a complete run commits */
            outcome = "the state after";
            cr_assert(!locked, "%s: killed inside its transaction, yet the database changed", code);
            const char *ref_args[] = {"parcel", "split", code, "--line", line, NULL};
            int rc = run_to_end("split-ref", pre, ref_args);
            char *e = output_of("split-ref", "err");
            cr_assert_eq(rc, 0, "%s", e);
            free(e);
            char *a = snapshot_without_clock(path), *b = snapshot_without_clock(pre);
            cr_assert_str_eq(a, b, "%s: the database is neither as before nor as after the split", code);
            free(a);
            free(b);
            committed++;
        }
        cr_log_info("split of %s (%d vertices) killed %s: %s after %.3f s%s → %s", code, SPLIT_VERTICES,
                    points[k].after_s >= 0 ? "at a delay"
                    : points[k].after_s < -1.5 ? "once it released the write lock" : "once it held the write lock",
                    was_killed(st) ? "killed" : "completed", took, locked ? " inside its transaction" : "", outcome);
        free(now);
        free(before);
        unlink(pre);
    }
    cr_log_info("split: %d rolled back (%d killed inside the transaction), %d committed", rolled_back,
                in_transaction, committed);
    cr_assert_geq(in_transaction, 2, "fewer than 2 kills landed inside the split's transaction");
    cr_assert_geq(committed, 1, "the kill after the COMMIT did not find the state after");

    /* the next command works: a split to its end, then a move of a piece */
    char code[16], line[160];
    snprintf(code, sizeof code, "C-%d", SPLIT_RUNS);
    snprintf(line, sizeof line, "LINESTRING(%.3f 3992500.25, %.3f 3992500.25)",
             512000 + 1200.0 * (SPLIT_RUNS - 1) - 700, 512000 + 1200.0 * (SPLIT_RUNS - 1) + 700);
    const char *args[] = {"parcel", "split", code, "--line", line, NULL};
    int rc = run_to_end("split", path, args);
    char *e = output_of("split", "err");
    cr_assert_eq(rc, 0, "%s", e);
    free(e);
    char piece[24];
    snprintf(piece, sizeof piece, "%s-1", code);
    const char *move[] = {"parcel", "status", piece, "available", "--force", "--note", "crash test", NULL};
    rc = run_to_end("move", path, move);
    e = output_of("move", "err");
    cr_assert_eq(rc, 0, "%s", e);
    free(e);
    check_opens_and_is_intact(path);
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count_arg(db, "SELECT count(*) FROM parcel WHERE code LIKE ?1 || '-_'", code), 2);
    cr_assert_str_eq(tu_sql_text_arg(db, "SELECT status FROM parcel WHERE code = ?1", code), "retired");
    tu_db_close(db);
    free(txt);
    free(pre);
    free((char *)wal);
}
