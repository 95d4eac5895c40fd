#include "testutil.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db_internal.h"
#include "parkland/park.h"

const char *tu_tmpdir(void)
{
    static char dir[512];
    static pid_t owner;
    if (!dir[0] || owner != getpid()) {
        mkdir(TEST_TMP_DIR, 0755);
        snprintf(dir, sizeof dir, "%s/t%ld-XXXXXX", TEST_TMP_DIR, (long)getpid());
        cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
        owner = getpid();
    }
    return dir;
}

const char *tu_tmp(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", tu_tmpdir(), name);
    return b;
}

void tu_write_file(const char *path, const char *data, size_t len)
{
    if (len == (size_t)-1)
        len = strlen(data);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int tu_run(char **out, char **errout, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    const char *o = tu_tmp("run.stdout"), *e = tu_tmp("run.stderr");
    char full[9000];
    snprintf(full, sizeof full, "( %s ) >'%s' 2>'%s'", cmd, o, e);
    int st = system(full);
    if (out)
        *out = tu_read_file(o, NULL);
    if (errout)
        *errout = tu_read_file(e, NULL);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int vrun(char **out, char **errout, const char *fmt, va_list ap)
{
    char cmd[8192];
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    return tu_run(out, errout, "%s", cmd);
}

int tu_rerun(char **out, char **errout, const char *fmt, ...)
{
    tu_outputs_free(out, errout);
    va_list ap;
    va_start(ap, fmt);
    int rc = vrun(out, errout, fmt, ap);
    va_end(ap);
    return rc;
}

void tu_outputs_free(char **out, char **errout)
{
    free(*out);
    free(*errout);
    *out = *errout = NULL;
}

const char *tu_q(const char *s)
{
    static char buf[8][4096];
    static int k;
    char *b = buf[k++ % 8];
    size_t n = 0;
    b[n++] = '\'';
    for (; *s; s++) {
        cr_assert_lt(n + 5, sizeof buf[0], "tu_q: too long to quote");
        if (*s == '\'') {
            memcpy(b + n, "'\\''", 4);
            n += 4;
        } else {
            b[n++] = *s;
        }
    }
    b[n++] = '\'';
    b[n] = '\0';
    return b;
}

int tu_cli(char **out, char **errout, const char *db, const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0 && (size_t)n < sizeof args, "tu_cli: arguments too long");
    if (out) {
        free(*out);
        *out = NULL;
    }
    if (errout) {
        free(*errout);
        *errout = NULL;
    }
    if (db)
        return tu_run(out, errout, "%s --db %s %s", tu_q(PARKLAND_BIN), tu_q(db), args);
    return tu_run(out, errout, "%s %s", tu_q(PARKLAND_BIN), args);
}

/* ---- fixtures ------------------------------------------------------------------------------ */

pl_db *tu_db_new(const char *name, char *path)
{
    pl_library_init();
    const char *p = tu_tmp(name);
    if (path)
        snprintf(path, 1024, "%s", p);
    pl_db *db = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_create(p, 4549, &db, &err), PL_OK, "%s", err.message);
    return db;
}

void tu_db_close(pl_db *db)
{
    pl_db_close(db);
    pl_library_shutdown();
}

void tu_park_qdip(pl_db *db)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "示范园区", "Sample park", "西海岸新区", NULL, &err), PL_OK, "%s", err.message);
}

void tu_park_jmip(pl_db *db)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "JMIP", "即墨园区", "Jimo park", "即墨区", NULL, &err), PL_OK, "%s", err.message);
}

long tu_import_with(pl_db *db, const char *path, const pl_import_options *o)
{
    pl_import_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_import_parcels(db, path, o, &r, &err), PL_OK, "%s: %s", path, err.message);
    long n = (long)r.inserted;
    pl_import_result_release(&r);
    return n;
}

long tu_import(pl_db *db, const char *path, const char *park)
{
    pl_import_options o;
    pl_import_options_init(&o);
    o.park = park;
    return tu_import_with(db, path, &o);
}

long tu_add_parcel(pl_db *db, const char *park, const char *code, const char *status, const char *wkt)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h,
        "INSERT INTO parcel(park_id, code, name, area_m2, status, status_date, created_at, updated_at, geom)"
        " VALUES ((SELECT id FROM park WHERE code = ?1), ?2, '地块' || ?2, ST_Area(ST_GeomFromText(?4, 4549)), ?3,"
        " '2024-01-01', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z',"
        " CastToMultiPolygon(ST_GeomFromText(?4, 4549)))", -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db->h));
    sqlite3_bind_text(st, 1, park, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, wkt, -1, SQLITE_TRANSIENT);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s: %s", code, sqlite3_errmsg(db->h));
    sqlite3_finalize(st);
    return (long)sqlite3_last_insert_rowid(db->h);
}

long tu_add_rect(pl_db *db, const char *park, const char *code, const char *status, double x0, double x1, double y0,
                 double y1)
{
    char wkt[512];
    snprintf(wkt, sizeof wkt, "POLYGON((%.3f %.3f, %.3f %.3f, %.3f %.3f, %.3f %.3f, %.3f %.3f))", x0, y0, x1, y0, x1,
             y1, x0, y1, x0, y0);
    return tu_add_parcel(db, park, code, status, wkt);
}

/* ---- SQL ----------------------------------------------------------------------------------- */

/* Prepare sql on db's connection and step to its first row; 1 when there is one. */
static int first_row(pl_db *db, const char *sql, const char *arg, sqlite3_stmt **st)
{
    cr_assert_eq(sqlite3_prepare_v2(db->h, sql, -1, st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db->h));
    if (arg)
        sqlite3_bind_text(*st, 1, arg, -1, SQLITE_TRANSIENT);
    return sqlite3_step(*st) == SQLITE_ROW;
}

double tu_sql_num_arg(pl_db *db, const char *sql, const char *arg)
{
    sqlite3_stmt *st;
    double v = first_row(db, sql, arg, &st) && sqlite3_column_type(st, 0) != SQLITE_NULL
                   ? sqlite3_column_double(st, 0) : NAN;
    sqlite3_finalize(st);
    return v;
}

double tu_sql_num(pl_db *db, const char *sql)
{
    return tu_sql_num_arg(db, sql, NULL);
}

long tu_sql_count_arg(pl_db *db, const char *sql, const char *arg)
{
    sqlite3_stmt *st;
    long v = first_row(db, sql, arg, &st) ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

long tu_sql_count(pl_db *db, const char *sql)
{
    return tu_sql_count_arg(db, sql, NULL);
}

const char *tu_sql_text_arg(pl_db *db, const char *sql, const char *arg)
{
    static char buf[4096];
    sqlite3_stmt *st;
    buf[0] = '\0';
    if (first_row(db, sql, arg, &st) && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

const char *tu_sql_text(pl_db *db, const char *sql)
{
    return tu_sql_text_arg(db, sql, NULL);
}

void tu_sql_exec(pl_db *db, const char *sql)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db->h, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql, msg ? msg : "");
}

void tu_bind_num(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

char *tu_db_snapshot(const char *dbpath)
{
    return tu_db_snapshot_skipping(dbpath, NULL);
}

void tu_copy_file(const char *from, const char *to)
{
    size_t n;
    char *b = tu_read_file(from, &n);
    cr_assert_not_null(b, "%s", from);
    tu_write_file(to, b, n);
    free(b);
}

char *tu_db_snapshot_skipping(const char *dbpath, int (*skip_column)(const char *name))
{
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "%s", dbpath);
    sqlite3_stmt *tables;
    cr_assert_eq(sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &tables, NULL), SQLITE_OK);
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(tables, 0);
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", t);
        sqlite3_stmt *rows;
        if (sqlite3_prepare_v2(h, sql, -1, &rows, NULL) != SQLITE_OK) {
            snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t); /* WITHOUT ROWID */
            if (sqlite3_prepare_v2(h, sql, -1, &rows, NULL) != SQLITE_OK)
                continue; /* virtual tables of modules not loaded here */
        }
        unsigned long long hsh = 1469598103934665603ULL;
        long n = 0;
        while (sqlite3_step(rows) == SQLITE_ROW) {
            n++;
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                if (skip_column && skip_column(sqlite3_column_name(rows, c)))
                    continue;
                const unsigned char *b = sqlite3_column_blob(rows, c);
                int bl = sqlite3_column_bytes(rows, c);
                for (int k = 0; k < bl; k++)
                    hsh = (hsh ^ b[k]) * 1099511628211ULL;
                hsh = (hsh ^ 0xff) * 1099511628211ULL;
            }
        }
        sqlite3_finalize(rows);
        len += (size_t)snprintf(out + len, cap - len, "%s:%ld:%llx\n", t, n, hsh);
    }
    sqlite3_finalize(tables);
    sqlite3_stmt *ic;
    cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &ic, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(ic), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(ic, 0), "ok", "%s: integrity_check", dbpath);
    sqlite3_finalize(ic);
    sqlite3_close(h);
    return out;
}

uint64_t tu_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static char *tu_notes_text;
static size_t tu_notes_len;

void tu_note(void *ctx, const char *text)
{
    (void)ctx;
    size_t n = strlen(text), sep = tu_notes_len ? 1 : 0;
    char *t = realloc(tu_notes_text, tu_notes_len + sep + n + 1);
    cr_assert_not_null(t);
    if (sep)
        t[tu_notes_len] = '\n';
    memcpy(t + tu_notes_len + sep, text, n + 1);
    tu_notes_text = t;
    tu_notes_len += sep + n;
}

const char *tu_notes(void)
{
    return tu_notes_text ? tu_notes_text : "";
}

void tu_notes_clear(void)
{
    free(tu_notes_text);
    tu_notes_text = NULL;
    tu_notes_len = 0;
}
