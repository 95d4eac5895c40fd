/* db.c — open, create, version and close the parkland database. */
#include "db_internal.h"
#include "data_dir.h"
#include "schema.sql.h"
#include "crs.h"
#include "pdf_doc.h"
#include "xform.h"

#include <ctype.h>
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pwd.h>
#include <spatialite.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <proj.h>
#include <libxml/parser.h>

static void geos_message(const char *message, void *userdata)
{
    pl_db *db = userdata;
    snprintf(db->geos_msg, sizeof db->geos_msg, "%s", message);
}

static void pick_user(pl_db *db)
{
    const char *u = getenv("PARKLAND_USER");
    if (!u || !*u) {
        struct passwd *pw = getpwuid(geteuid());
        u = pw ? pw->pw_name : NULL;
    }
    if (!u || !*u)
        u = getenv("USER");
    snprintf(db->user, sizeof db->user, "%s", u && *u ? u : "unknown");
}

/* Waiting for another writer (the busy handler of every connection). SQLite's own handler
 * (sqlite3_busy_timeout) sleeps up to 100 ms between attempts, while a process that writes one
 * transaction after another takes the lock again within microseconds of its COMMIT: a waiter
 * could miss every free moment for more than 10 s and fail with "database is locked" while the
 * others go on (seen in tests/test_concurrency.c with 4 processes writing in a loop). So try
 * again every 0.5–1.5 ms (jittered, so waiters do not move in step) until PL_BUSY_TIMEOUT_S of
 * wall clock have passed. One wait at a time per thread: the handler runs inside a statement. */
#define PL_BUSY_TIMEOUT_S 10.0

static int busy_wait(void *arg, int count)
{
    (void)arg;
    static _Thread_local double since;
    static _Thread_local unsigned seed;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double t = (double)now.tv_sec + now.tv_nsec / 1e9;
    if (count == 0) {
        since = t;
        if (!seed)
            seed = (unsigned)getpid() ^ (unsigned)now.tv_nsec;
    }
    if (t - since >= PL_BUSY_TIMEOUT_S)
        return 0;
    struct timespec d = {0, (500 + rand_r(&seed) % 1000) * 1000L};
    nanosleep(&d, NULL);
    return 1;
}

static int connect(const char *path, int flags, pl_db **out, pl_error *err)
{
    pl_db *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    db->splite_cache = spatialite_alloc_connection();
    int rc = sqlite3_open_v2(path, &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        pl_error_set(err, PL_ERR_DB, "cannot open database '%s': %s", path,
                     db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        pl_db_close(db);
        return PL_ERR_DB;
    }
    sqlite3_extended_result_codes(db->h, 1);
    spatialite_init_ex(db->h, db->splite_cache, 0);
    spatialite_set_silent_mode(db->splite_cache);
    /* after spatialite_init_ex, which sets a 5 s sqlite3_busy_timeout of its own */
    sqlite3_busy_handler(db->h, busy_wait, NULL);
    db->geos = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(db->geos, geos_message, db);
    GEOSContext_setNoticeMessageHandler_r(db->geos, geos_message, db);
    pick_user(db);
    *out = db;
    return PL_OK;
}

int pl_db_prepare(pl_db *db, const char *sql, sqlite3_stmt **st, pl_error *err)
{
    if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
        return pl_error_set(err, PL_ERR_DB, "database: %s", sqlite3_errmsg(db->h));
    return PL_OK;
}

int pl_db_exec(pl_db *db, const char *sql, pl_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        pl_error_set(err, PL_ERR_DB, "database: %s", msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        return PL_ERR_DB;
    }
    return PL_OK;
}

int pl_db_run(pl_db *db, const char *sql, const char *what, long id, const char *t2, const char *t3, const char *t4,
              pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    const char *texts[] = {t2, t3, t4};
    int params = sqlite3_bind_parameter_count(st);
    if (params >= 1)
        sqlite3_bind_int64(st, 1, id);
    for (int i = 2; i <= params && i <= 4; i++)
        pl_bind_text(st, i, texts[i - 2]);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, what);
    sqlite3_finalize(st);
    return rc;
}

int pl_db_fail(pl_db *db, pl_error *err, const char *what)
{
    int code = sqlite3_errcode(db->h);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return pl_error_set(err, PL_ERR_DB, "%s: the database is busy (another user is writing); try again", what);
    return pl_error_set(err, PL_ERR_DB, "%s: %s", what, sqlite3_errmsg(db->h));
}

int pl_db_begin(pl_db *db, pl_error *err)
{
    if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return pl_db_fail(db, err, "cannot start a transaction");
    return PL_OK;
}

int pl_db_commit(pl_db *db, pl_error *err)
{
    if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = pl_db_fail(db, err, "cannot commit");
        pl_db_rollback(db);
        return rc;
    }
    return PL_OK;
}

void pl_db_rollback(pl_db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

void pl_now_iso(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void pl_today(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

int pl_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

int pl_bind_text_static(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

int pl_bind_num(sqlite3_stmt *st, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

double pl_col_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

int pl_history_add(pl_db *db, const char *entity, long entity_id, const char *code,
                   const char *field, const char *old_value, const char *new_value,
                   const char *note, long batch_id, pl_error *err)
{
    return pl_history_add_effective(db, entity, entity_id, code, field, old_value, new_value, note, NULL, batch_id,
                                    err);
}

int pl_history_add_effective(pl_db *db, const char *entity, long entity_id, const char *code,
                             const char *field, const char *old_value, const char *new_value,
                             const char *note, const char *effective, long batch_id, pl_error *err)
{
    /* one statement per connection, prepared on first use (an import writes a
     * row per parcel: preparing it each time was 5 % of the import) */
    if (!db->st_history) {
        int rc = pl_db_prepare(db,
            "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who, note, batch_id,"
            " effective) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &db->st_history, err);
        if (rc)
            return rc;
    }
    sqlite3_stmt *st = db->st_history;
    int rc;
    char now[32];
    pl_now_iso(now, sizeof now);
    pl_bind_text_static(st, 1, entity);
    sqlite3_bind_int64(st, 2, entity_id);
    pl_bind_text_static(st, 3, code);
    pl_bind_text_static(st, 4, field);
    pl_bind_text_static(st, 5, old_value);
    pl_bind_text_static(st, 6, new_value);
    pl_bind_text_static(st, 7, now);
    pl_bind_text_static(st, 8, db->user);
    pl_bind_text_static(st, 9, note);
    if (batch_id > 0)
        sqlite3_bind_int64(st, 10, batch_id);
    else
        sqlite3_bind_null(st, 10);
    pl_bind_text_static(st, 11, effective);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot write history");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* Run "SELECT fn(args)" with one int argument and return the int result (or -1). */
static long select_int(pl_db *db, const char *sql, long arg)
{
    sqlite3_stmt *st;
    long v = -1;
    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, arg);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int rewrite_parcel_status_check(pl_db *db, pl_error *err);
static int schema_v6(pl_db *db, pl_error *err);
static int schema_v10(pl_db *db, pl_error *err);
static int schema_v9(pl_db *db, pl_error *err);
static int schema_v14(pl_db *db, pl_error *err);
static int schema_v15(pl_db *db, pl_error *err);

/* Make sure EPSG `srid` is in spatial_ref_sys (SpatiaLite needs it for
 * ST_Transform and geometry columns). 0 when SpatiaLite does not know it. */
int pl_db_ensure_srid(pl_db *db, int srid)
{
    if (select_int(db, "SELECT count(*) FROM spatial_ref_sys WHERE srid = ?1", srid) > 0)
        return 1;
    /* ask PROJ first: SpatiaLite prints to stderr about codes it does not know */
    double aou[4];
    if (pl_crs_area_of_use(srid, aou, NULL, 0) != 0)
        return 0;
    return select_int(db, "SELECT InsertEpsgSrid(?1)", srid) == 1;
}

int pl_db_srid_is_geographic(pl_db *db, int srid)
{
    return select_int(db, "SELECT SridIsGeographic(?1)", srid) == 1;
}

/* ---- the national control table (data/national_controls.csv) ------------- */

#define NC_COLS 7
static const char *const nc_header[NC_COLS] = {"edition", "industry_code", "industry_name", "far_min",
                                               "building_coverage_min", "admin_share_max", "source"};

typedef struct nc_load {
    pl_db *db;
    sqlite3_stmt *st;
    pl_error *err;
    const char *path;
    char *field[NC_COLS];
    size_t nfield;
    long line;     /* record number, 1 = header */
    int failed;
} nc_load;

static void nc_field(void *s, size_t len, void *data)
{
    nc_load *c = data;
    if (c->failed)
        return;
    if (c->nfield >= NC_COLS) {
        c->nfield++;
        return;
    }
    char *f = malloc(len + 1);
    if (!f) {
        c->failed = pl_error_set(c->err, PL_ERR_NOMEM, "out of memory");
        return;
    }
    if (len)
        memcpy(f, s, len);
    f[len] = '\0';
    c->field[c->nfield++] = f;
}

/* Empty → NULL, else a finite number ≥ 0. */
static int nc_bind_number(nc_load *c, int col, int param)
{
    const char *s = c->field[col];
    if (!*s)
        return sqlite3_bind_null(c->st, param), 0;
    char *end;
    double v = strtod(s, &end);
    if (*end || end == s || !isfinite(v) || v < 0)
        return pl_error_set(c->err, PL_ERR_IO, "national control table '%s', record %ld: %s '%s' is not a number",
                            c->path, c->line, nc_header[col], s);
    sqlite3_bind_double(c->st, param, v);
    return 0;
}

static void nc_row(int term, void *data)
{
    (void)term;
    nc_load *c = data;
    c->line++;
    size_t n = c->nfield;
    if (!c->failed && n != NC_COLS)
        c->failed = pl_error_set(c->err, PL_ERR_IO, "national control table '%s', record %ld: %zu fields, expected %d",
                                 c->path, c->line, n, NC_COLS);
    if (!c->failed && c->line == 1) {
        for (int i = 0; i < NC_COLS && !c->failed; i++)
            if (strcmp(c->field[i], nc_header[i]))
                c->failed = pl_error_set(c->err, PL_ERR_IO, "national control table '%s': column %d is '%s', expected '%s'",
                                         c->path, i + 1, c->field[i], nc_header[i]);
    } else if (!c->failed) {
        const char *ed = c->field[0], *code = c->field[1];
        if (strcmp(ed, "2002") && strcmp(ed, "2011") && strcmp(ed, "2017"))
            c->failed = pl_error_set(c->err, PL_ERR_IO, "national control table '%s', record %ld: edition '%s' "
                                     "is not 2002, 2011 or 2017", c->path, c->line, ed);
        else if (strcmp(code, "*") && (strlen(code) != 2 || !isdigit((unsigned char)code[0]) ||
                                        !isdigit((unsigned char)code[1])))
            c->failed = pl_error_set(c->err, PL_ERR_IO, "national control table '%s', record %ld: industry code '%s' "
                                     "is not a 2-digit GB/T 4754 division or '*'", c->path, c->line, code);
        if (!c->failed) {
            sqlite3_reset(c->st);
            pl_bind_text(c->st, 1, ed);
            pl_bind_text(c->st, 2, code);
            pl_bind_text(c->st, 3, *c->field[2] ? c->field[2] : NULL);
            pl_bind_text(c->st, 7, *c->field[6] ? c->field[6] : NULL);
            if (!(c->failed = nc_bind_number(c, 3, 4)) && !(c->failed = nc_bind_number(c, 4, 5)) &&
                !(c->failed = nc_bind_number(c, 5, 6)) && sqlite3_step(c->st) != SQLITE_DONE)
                c->failed = pl_error_set(c->err, PL_ERR_IO, "national control table '%s', record %ld: %s", c->path,
                                         c->line, sqlite3_errmsg(c->db->h));
        }
    }
    for (size_t i = 0; i < n && i < NC_COLS; i++)
        free(c->field[i]);
    c->nfield = 0;
}

/* Load the national control minimums (national_controls.csv, found as
 * data_dir.h says) into national_control, inside the caller's transaction. */
static int load_national_controls(pl_db *db, pl_error *err)
{
    char path[4096];
    int rc = pl_data_path("national_controls.csv", path, sizeof path, err);
    if (rc)
        return rc;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pl_error_set(err, PL_ERR_IO, "cannot read the national control table '%s': %s "
                            "(set PARKLAND_DATA_DIR to the directory that holds national_controls.csv)",
                            path, strerror(errno));
    nc_load c = {.db = db, .err = err, .path = path};
    struct csv_parser p;
    rc = pl_db_prepare(db, "INSERT INTO national_control(edition, industry_code, industry_name, far_min,"
                           " building_coverage_min, admin_share_max, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       &c.st, err);
    if (rc || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fclose(f);
        sqlite3_finalize(c.st);
        return rc ? rc : pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    char buf[4096];
    size_t n, off = 0;
    int first = 1;
    while (!c.failed && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        off = first && n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0; /* UTF-8 BOM */
        first = 0;
        if (csv_parse(&p, buf + off, n - off, nc_field, nc_row, &c) != n - off && !c.failed)
            c.failed = pl_error_set(err, PL_ERR_IO, "national control table '%s': %s", path,
                                    csv_strerror(csv_error(&p)));
    }
    if (!c.failed && ferror(f))
        c.failed = pl_error_set(err, PL_ERR_IO, "cannot read the national control table '%s'", path);
    if (!c.failed && csv_fini(&p, nc_field, nc_row, &c) != 0)
        c.failed = pl_error_set(err, PL_ERR_IO, "national control table '%s': %s", path,
                                csv_strerror(csv_error(&p)));
    if (!c.failed && c.line < 2)
        c.failed = pl_error_set(err, PL_ERR_IO, "national control table '%s' holds no rows", path);
    for (size_t i = 0; i < c.nfield && i < NC_COLS; i++)
        free(c.field[i]);
    csv_free(&p);
    fclose(f);
    sqlite3_finalize(c.st);
    return c.failed;
}

static int create_schema(pl_db *db, int srid, pl_error *err)
{
    /* InitSpatialMetadata(1) runs its own transaction: before ours. */
    if (select_int(db, "SELECT InitSpatialMetadata(1, 'NONE')", 0) != 1)
        return pl_error_set(err, PL_ERR_DB, "cannot initialise spatial metadata in '%s'", db->path);
    if (!pl_db_ensure_srid(db, srid))
        return pl_error_set(err, PL_ERR_INPUT, "EPSG:%d is not a coordinate system SpatiaLite knows", srid);
    if (select_int(db, "SELECT SridIsProjected(?1)", srid) != 1)
        return pl_error_set(err, PL_ERR_INPUT,
                            "EPSG:%d is not a projected coordinate system; parkland works in metres "
                            "(e.g. 4549, CGCS2000 / 3-degree Gauss-Kruger CM 120E)", srid);
    static const int common[] = {4326, 4490, 4528, 4549};
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        pl_db_ensure_srid(db, common[i]);

    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = pl_db_exec(db, pl_schema_v1, err)) || (rc = pl_db_exec(db, pl_schema_v2, err)) ||
        (rc = rewrite_parcel_status_check(db, err)) || (rc = pl_db_exec(db, pl_schema_v4, err)) ||
        (rc = pl_db_exec(db, pl_schema_v5, err)) || (rc = schema_v6(db, err)) ||
        (rc = pl_db_exec(db, pl_schema_v7, err)) ||
        (rc = pl_db_exec(db, pl_schema_v8, err)) || (rc = schema_v9(db, err)) || (rc = schema_v10(db, err)) ||
        (rc = pl_db_exec(db, pl_schema_v11, err)) || (rc = pl_db_exec(db, pl_schema_v12, err)) ||
        (rc = pl_db_exec(db, pl_schema_v13, err)) || (rc = schema_v14(db, err)) || (rc = schema_v15(db, err)))
        goto fail;
    if ((rc = load_national_controls(db, err)))
        goto fail;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
            "SELECT AddGeometryColumn('parcel', 'geom', ?1, 'MULTIPOLYGON', 'XY', 1),"
            "       CreateSpatialIndex('parcel', 'geom'),"
            "       AddGeometryColumn('park', 'boundary', ?1, 'MULTIPOLYGON', 'XY', 0)", &st, err)))
        goto fail;
    sqlite3_bind_int(st, 1, srid);
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1 &&
             sqlite3_column_int(st, 1) == 1 && sqlite3_column_int(st, 2) == 1;
    sqlite3_finalize(st);
    if (!ok) {
        rc = pl_error_set(err, PL_ERR_DB, "cannot create the geometry columns");
        goto fail;
    }
    if ((rc = pl_db_prepare(db, "INSERT INTO meta(key, value) VALUES ('application', 'parkland'),"
                                " ('schema_version', ?1), ('srid', ?2), ('created_at', ?3), ('created_by', ?4)",
                            &st, err)))
        goto fail;
    char now[32], ver[16], s[16];
    pl_now_iso(now, sizeof now);
    snprintf(ver, sizeof ver, "%d", PL_SCHEMA_VERSION);
    snprintf(s, sizeof s, "%d", srid);
    pl_bind_text(st, 1, ver);
    pl_bind_text(st, 2, s);
    pl_bind_text(st, 3, now);
    pl_bind_text(st, 4, db->user);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok) {
        rc = pl_db_fail(db, err, "cannot write meta");
        goto fail;
    }
    char pragma[96];
    snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
             PL_APPLICATION_ID, PL_SCHEMA_VERSION);
    db->srid = srid;
    if ((rc = pl_db_exec(db, pragma, err)) || (rc = pl_xform_store_common(db, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_db_create(const char *path, int srid, pl_db **out, pl_error *err)
{
    *out = NULL;
    struct stat sb;
    if (lstat(path, &sb) == 0)
        return pl_error_set(err, PL_ERR_INPUT, "'%s' already exists; parkland init never overwrites a file", path);
    /* Make the file ourselves: mode 0666 less the user's umask (SQLite would
     * make it 0644 whatever the umask), never over a file or through a symlink
     * (O_EXCL | O_NOFOLLOW: no race with the check above). */
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return errno == EEXIST || errno == ELOOP
                   ? pl_error_set(err, PL_ERR_INPUT, "'%s' already exists; parkland init never overwrites a file", path)
                   : pl_error_set(err, PL_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    close(fd);
    pl_db *db;
    int rc = connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, &db, err);
    if (rc) {
        unlink(path);
        return rc;
    }
    if ((rc = pl_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;", err)) ||
        (rc = create_schema(db, srid, err))) {
        pl_db_close(db);
        unlink(path);
        char side[4096];
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
        return rc;
    }
    db->srid = srid;
    *out = db;
    return PL_OK;
}

/* Schema 2 → 3: parcel.status's CHECK, see PL_PARCEL_STATUS_CHECK_V3. The
 * table's text in sqlite_schema is rewritten (the caller holds the write
 * transaction) and the schema cookie bumped so that every connection reads
 * the new definition. */
static int rewrite_parcel_status_check(pl_db *db, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'parcel'", &st, err);
    if (rc)
        return rc;
    char *sql = NULL; /* owned: the new definition */
    const char *old = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    const char *at = old ? strstr(old, PL_PARCEL_STATUS_CHECK_V1) : NULL;
    if (at) {
        size_t head = (size_t)(at - old), oldlen = strlen(PL_PARCEL_STATUS_CHECK_V1),
               newlen = strlen(PL_PARCEL_STATUS_CHECK_V3), tail = strlen(at + oldlen);
        if ((sql = malloc(head + newlen + tail + 1))) {
            memcpy(sql, old, head);
            memcpy(sql + head, PL_PARCEL_STATUS_CHECK_V3, newlen);
            memcpy(sql + head + newlen, at + oldlen, tail + 1);
        }
    }
    sqlite3_finalize(st);
    if (!at)
        return pl_error_set(err, PL_ERR_DB, "the parcel table is not as parkland wrote it (its status check differs)");
    if (!sql)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    long cookie = select_int(db, "PRAGMA schema_version", 0);
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA schema_version = %ld", cookie + 1);
    rc = pl_db_exec(db, "PRAGMA writable_schema = ON", err);
    if (!rc && !(rc = pl_db_prepare(db, "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'parcel'",
                                    &st, err))) {
        pl_bind_text(st, 1, sql);
        if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(db->h) != 1)
            rc = pl_db_fail(db, err, "cannot rewrite the parcel table's definition");
        sqlite3_finalize(st);
    }
    if (!rc)
        rc = pl_db_exec(db, bump, err);
    int off = pl_db_exec(db, "PRAGMA writable_schema = RESET", rc ? NULL : err); /* OFF, and the schema read again */
    free(sql);
    if (rc || off)
        return rc ? rc : off;
    /* the connection reads the new definition back: a statement that writes a parcel prepares */
    if ((rc = pl_db_prepare(db, "UPDATE parcel SET status = status WHERE 0", &st, err)))
        return rc;
    sqlite3_finalize(st);
    return PL_OK;
}

/* Schema 1 → 2: see pl_schema_v2. */
static int schema_v2(pl_db *db, pl_error *err)
{
    int rc = pl_db_exec(db, pl_schema_v2, err);
    return rc ? rc : pl_xform_store_common(db, err);
}

/* Schema 3 → 4: see pl_schema_v4. */
static int schema_v4(pl_db *db, pl_error *err)
{
    return pl_db_exec(db, pl_schema_v4, err);
}

/* Schema 4 → 5: see pl_schema_v5. */
static int schema_v5(pl_db *db, pl_error *err)
{
    return pl_db_exec(db, pl_schema_v5, err);
}

/* Schema 5 → 6: see pl_schema_v6_ddl (the model, and what becomes of a
 * database signed under the old one). */
static int schema_v6(pl_db *db, pl_error *err)
{
    int rc = pl_db_exec(db, pl_schema_v6_ddl, err);
    char now[32];
    pl_now_iso(now, sizeof now);
    for (size_t i = 0; !rc && pl_schema_v6_data[i]; i++)
        rc = pl_db_run(db, pl_schema_v6_data[i], "cannot move the projects' parcels to the land supply model", 0,
                       now, db->user, NULL, err);
    return rc;
}

/* Schema → 8: see pl_schema_v8 (IF NOT EXISTS: it does not depend on 6 and 7). */
static int schema_v8(pl_db *db, pl_error *err)
{
    return pl_db_exec(db, pl_schema_v8, err);
}

/* Schema → 13: see pl_schema_v13 (IF NOT EXISTS: independent of the others). */
static int schema_v13(pl_db *db, pl_error *err)
{
    return pl_db_exec(db, pl_schema_v13, err);
}

/* Schema → 14: see pl_schema_v14 (the columns added when missing: independent of the others). */
static int schema_v14(pl_db *db, pl_error *err)
{
    if (select_int(db, "SELECT count(*) FROM pragma_table_info('parcel') WHERE name = 'approved_on'", 0) > 0)
        return PL_OK;
    return pl_db_exec(db, pl_schema_v14, err);
}

/* Schema → 15: see pl_schema_v15 (IF NOT EXISTS: independent of the others). */
static int schema_v15(pl_db *db, pl_error *err)
{
    return pl_db_exec(db, pl_schema_v15, err);
}

/* Schema → 9: see pl_schema_v9 (independent of the other numbers). */
static int schema_v9(pl_db *db, pl_error *err)
{
    int rc = pl_db_exec(db, pl_schema_v9, err);
    if (rc || select_int(db, "SELECT count(*) FROM pragma_table_info('parcel') WHERE name = 'transfer_price_wan'", 0) > 0)
        return rc;
    return pl_db_exec(db, pl_schema_v9_price, err);
}

/* Schema → 11: see pl_schema_v11 (IF NOT EXISTS: it depends on no other step). */
static int schema_v11(pl_db *db, pl_error *err)
{
    return pl_db_exec(db, pl_schema_v11, err);
}

/* Schema → 12: see pl_schema_v12 (IF NOT EXISTS: independent of the others). */
static int schema_v12(pl_db *db, pl_error *err)
{
    return pl_db_exec(db, pl_schema_v12, err);
}

/* Schema → 7: see pl_schema_v7 (independent of version 6). */
static int schema_v7(pl_db *db, pl_error *err)
{
    /* a file that has the columns already (a version 6 written after them) keeps them */
    if (select_int(db, "SELECT count(*) FROM pragma_table_info('parcel') WHERE name = 'entered_on'", 0) > 0)
        return PL_OK;
    return pl_db_exec(db, pl_schema_v7, err);
}

/* Schema → 10: see pl_schema_v10_milestone and pl_schema_v10 (independent of the other versions). A file
 * whose milestone table takes 'completion' already is not rebuilt. */
static int schema_v10(pl_db *db, pl_error *err)
{
    int rc = PL_OK;
    if (select_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'milestone'"
                       " AND sql LIKE '%''completion''%'", 0) == 0)
        rc = pl_db_exec(db, pl_schema_v10_milestone, err);
    return rc ? rc : pl_db_exec(db, pl_schema_v10, err);
}

/* One migration in one transaction, the version written with it. The version
 * is read again under the write lock: another process may have opened the
 * file at the same time and done this migration while this one waited. */
static int migrate(pl_db *db, int to, int (*step)(pl_db *, pl_error *), pl_error *err)
{
    char version[160];
    snprintf(version, sizeof version, "UPDATE meta SET value = '%d' WHERE key = 'schema_version';"
             " PRAGMA user_version = %d;", to, to);
    int rc = pl_db_begin(db, err);
    if (!rc) {
        int done = select_int(db, "PRAGMA user_version", 0) >= to;
        if ((!done && ((rc = step(db, err)) || (rc = pl_db_exec(db, version, err)))) || (rc = pl_db_commit(db, err)))
            pl_db_rollback(db);
    }
    return rc ? pl_error_prefix(err, "cannot upgrade '%s' to schema version %d", db->path, to) : PL_OK;
}

int pl_db_open(const char *path, pl_db **out, pl_error *err)
{
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return pl_error_set(err, PL_ERR_INPUT, "database '%s' does not exist (run 'parkland init' first): %s",
                            path, strerror(errno));
    pl_db *db;
    int rc = connect(path, SQLITE_OPEN_READWRITE, &db, err);
    if (rc)
        return rc;
    /* Look before touching anything: not parkland's, or newer → refuse unmodified. */
    long app = select_int(db, "PRAGMA application_id", 0);
    long ver = select_int(db, "PRAGMA user_version", 0);
    if (app < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "'%s' is not a database file: %s", path, sqlite3_errmsg(db->h));
        goto fail;
    }
    if (app != PL_APPLICATION_ID) {
        rc = pl_error_set(err, PL_ERR_INPUT, "'%s' is not a parkland database (application id %ld)", path, app);
        goto fail;
    }
    if (ver > PL_SCHEMA_VERSION) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "'%s' has schema version %ld, newer than this parkland (%d); upgrade parkland",
                          path, ver, PL_SCHEMA_VERSION);
        goto fail;
    }
    /* (still before anything is written: a forged application id is refused as is) */
    db->srid = (int)select_int(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'srid'", 0);
    if (db->srid <= 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "'%s': the working CRS is missing from meta", path);
        goto fail;
    }
    if ((rc = pl_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;", err)))
        goto fail;
    /* Migrations from older versions, one transaction each. */
    if ((ver < 2 && (rc = migrate(db, 2, schema_v2, err))) ||
        (ver < 3 && (rc = migrate(db, 3, rewrite_parcel_status_check, err))) ||
        (ver < 4 && (rc = migrate(db, 4, schema_v4, err))) ||
        (ver < 5 && (rc = migrate(db, 5, schema_v5, err))) ||
        (ver < 6 && (rc = migrate(db, 6, schema_v6, err))) ||
        (ver < 7 && (rc = migrate(db, 7, schema_v7, err))) ||
        (ver < 8 && (rc = migrate(db, 8, schema_v8, err))) ||
        (ver < 9 && (rc = migrate(db, 9, schema_v9, err))) ||
        (ver < 10 && (rc = migrate(db, 10, schema_v10, err))) ||
        (ver < 11 && (rc = migrate(db, 11, schema_v11, err))) ||
        (ver < 12 && (rc = migrate(db, 12, schema_v12, err))) ||
        (ver < 13 && (rc = migrate(db, 13, schema_v13, err))) ||
        (ver < 14 && (rc = migrate(db, 14, schema_v14, err))) ||
        (ver < 15 && (rc = migrate(db, 15, schema_v15, err))))
        goto fail;
    *out = db;
    return PL_OK;
fail:
    pl_db_close(db);
    return rc;
}

void pl_db_close(pl_db *db)
{
    if (!db)
        return;
    sqlite3_finalize(db->st_history);
    pl_match_snapshot_free(db->match_snapshot);
    pl_db_kept_release(db);
    pl_xform_release_kept(db);
    if (db->h)
        sqlite3_close(db->h);
    if (db->splite_cache)
        spatialite_cleanup_ex(db->splite_cache);
    if (db->geos)
        GEOS_finish_r(db->geos);
    free(db->path);
    free(db);
}

int pl_db_srid(const pl_db *db) { return db->srid; }
const char *pl_db_user(const pl_db *db) { return db->user; }
const char *pl_db_path(const pl_db *db) { return db->path; }

int pl_db_set_cache_mb(pl_db *db, int mb, pl_error *err)
{
    if (mb < PL_CACHE_MB_MIN || mb > PL_CACHE_MB_MAX)
        return pl_error_set(err, PL_ERR_USAGE, "a page cache of %d MiB is outside %d–%d", mb, PL_CACHE_MB_MIN,
                            PL_CACHE_MB_MAX);
    char sql[64]; /* PRAGMA takes no bound values; mb is a checked int */
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", mb * 1024);
    int rc = pl_db_exec(db, sql, err);
    if (rc == PL_OK)
        db->cache_mb = mb;
    return rc;
}

int pl_db_set_mmap_mb(pl_db *db, int mb, pl_error *err)
{
    if (mb < 0 || mb > PL_MMAP_MB_MAX)
        return pl_error_set(err, PL_ERR_USAGE, "a memory map of %d MiB is outside 0–%d", mb, PL_MMAP_MB_MAX);
    char sql[64]; /* PRAGMA takes no bound values; mb is a checked int */
    snprintf(sql, sizeof sql, "PRAGMA mmap_size = %lld", (long long)mb * 1024 * 1024);
    return pl_db_exec(db, sql, err);
}

void pl_db_set_user(pl_db *db, const char *user)
{
    snprintf(db->user, sizeof db->user, "%s", user && *user ? user : "unknown");
}

const char *pl_library_versions(void)
{
    static char buf[160];
    if (!buf[0]) {
        PJ_INFO pi = proj_info();
        snprintf(buf, sizeof buf, "SpatiaLite %s, GEOS %s, PROJ %s, SQLite %s", spatialite_version(),
                 GEOS_CAPI_VERSION, pi.version, sqlite3_libversion());
    }
    return buf;
}

void pl_library_init(void)
{
    LIBXML_TEST_VERSION;
    /* Keep statement journals in memory: an INSERT that fires SpatiaLite's
     * triggers inside an import's transaction needs one, and spilled to a
     * temporary file they cost a pwrite per row (before any connection opens;
     * a second call fails harmlessly with SQLITE_MISUSE). */
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
    /* No allocation statistics: they take a global mutex on every malloc,
     * which costs once an import's reader thread is running. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void pl_library_shutdown(void)
{
    pl_pdf_library_shutdown();
    spatialite_shutdown();
    xmlCleanupParser();
}
