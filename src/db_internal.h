/* db_internal.h — what the core modules share about an open database (internal). */
#ifndef PARKLAND_DB_INTERNAL_H
#define PARKLAND_DB_INTERNAL_H

#include <geos_c.h>
#include <sqlite3.h>

#include "parkland/db.h"

#define PL_KEPT_STMTS 16
#define PL_KEPT_XFORMS 4

struct pl_db {
    sqlite3 *h;                 /* owned */
    void *splite_cache;         /* SpatiaLite connection cache, owned */
    GEOSContextHandle_t geos;   /* owned; messages land in geos_msg */
    char geos_msg[1024];        /* last GEOS error or notice */
    int srid;                   /* working CRS */
    char user[128];
    char *path;                 /* owned copy */
    sqlite3_stmt *st_history;   /* owned: INSERT INTO history, prepared on first use */
    int cache_mb;               /* page cache chosen by pl_db_set_cache_mb, 0 if never set */
    struct pl_kept_stmt {       /* statements kept prepared (db_kept.c) */
        char *sql;              /* owned copy of the text; NULL = free slot */
        sqlite3_stmt *st;       /* owned */
        int busy;               /* handed out, not yet given back */
        unsigned long used;     /* when it was last handed out (kept_clock) */
    } kept[PL_KEPT_STMTS];
    unsigned long kept_clock;
    int intensity_fn;           /* query.c's SQL function registered (once: registering a
                                   function expires every prepared statement) */
    int export_class_fn;        /* export.c's class function registered (once, as intensity_fn) */
    const void *export_class;   /* borrowed: the exporter whose rows it classes while an export
                                   runs, else NULL */
    struct pl_kept_xform {      /* SpatiaLite caches per transformation (xform.c) */
        int src, dst;           /* 0, 0 = free slot */
        void *cache;            /* owned: spatialite_alloc_connection */
    } kept_xf[PL_KEPT_XFORMS];
    struct match_snapshot *match_snapshot; /* owned: match's free parcels in memory (match_snapshot.c), or NULL */
};

/* Free what match keeps in memory for a connection (match_snapshot.c; NULL is fine). */
void pl_match_snapshot_free(struct match_snapshot *s);

/* Application id stored in the file header ("PKLD"). */
#define PL_APPLICATION_ID 0x504b4c44

/* Prepare `sql`; on failure fill err with the SQLite message. */
int pl_db_prepare(pl_db *db, const char *sql, sqlite3_stmt **st, pl_error *err);
/* The same, but the statement stays prepared on the connection for the next call with the
 * same text (a long-lived connection, the server's, pays SQLite's parser once for a long
 * query). Give it back with pl_db_kept_done — never sqlite3_finalize it. A statement whose
 * text is already handed out (a nested call) is prepared apart and finalized by
 * pl_db_kept_done. At most PL_KEPT_STMTS are kept, the least recently used goes. */
int pl_db_prepare_kept(pl_db *db, const char *sql, sqlite3_stmt **st, pl_error *err);
/* Reset a statement of pl_db_prepare_kept and clear its bindings (or finalize it if it was
 * not kept). NULL is ignored. */
void pl_db_kept_done(pl_db *db, sqlite3_stmt *st);
/* Finalize every kept statement (before the connection closes). */
void pl_db_kept_release(pl_db *db);

/* Execute SQL without results (no bound values: only constant SQL). */
int pl_db_exec(pl_db *db, const char *sql, pl_error *err);
/* Fill err from the connection's last error, with a context prefix. */
int pl_db_fail(pl_db *db, pl_error *err, const char *what);
/* Run one statement that returns no rows, with ?1 bound to `id` and ?2, ?3, ?4
 * to t2, t3, t4 as far as the statement has them (NULL binds NULL). On failure
 * the error says `what` and the database's reason. */
int pl_db_run(pl_db *db, const char *sql, const char *what, long id, const char *t2, const char *t3, const char *t4,
              pl_error *err);

/* Transactions: BEGIN IMMEDIATE (takes the write lock up front, so a busy
 * database waits in the busy handler instead of failing half-way). */
int pl_db_begin(pl_db *db, pl_error *err);
int pl_db_commit(pl_db *db, pl_error *err);
void pl_db_rollback(pl_db *db);

/* Current time as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void pl_now_iso(char *buf, size_t len);
/* Today as "YYYY-MM-DD" (local time). */
void pl_today(char *buf, size_t len);

/* Append a history row. entity: "parcel", "lead", "project", "park";
 * old/new/note may be NULL. */
int pl_history_add(pl_db *db, const char *entity, long entity_id, const char *code,
                   const char *field, const char *old_value, const char *new_value,
                   const char *note, long batch_id, pl_error *err);
/* Delete row `id` with `delete_sql` (its ?1 the id) and keep a 'removed' history row of `entity`
 * whose old value is `summary` (what the row held); `note` empty or NULL for none. */
int pl_history_remove(pl_db *db, const char *delete_sql, const char *entity, long id, const char *code,
                      const char *summary, const char *note, pl_error *err);
/* The same, for a change that takes effect on `effective` (YYYY-MM-DD; NULL =
 * the day it is recorded): status and stage moves, so that reports as of a
 * past date see them on the right day. */
int pl_history_add_effective(pl_db *db, const char *entity, long entity_id, const char *code,
                             const char *field, const char *old_value, const char *new_value,
                             const char *note, const char *effective, long batch_id, pl_error *err);

/* Make sure EPSG `srid` is in spatial_ref_sys; 0 when SpatiaLite does not know it. */
int pl_db_ensure_srid(pl_db *db, int srid);
/* 1 when EPSG `srid` is geographic (degrees). */
int pl_db_srid_is_geographic(pl_db *db, int srid);

/* Bind helpers: NULL-safe text; a number, NAN binding NULL. */
int pl_bind_text(sqlite3_stmt *st, int i, const char *s);
/* The same without a copy: `s` must stay valid until the statement's
 * bindings are cleared (sqlite3_clear_bindings) or `i` is bound again. */
int pl_bind_text_static(sqlite3_stmt *st, int i, const char *s);
int pl_bind_num(sqlite3_stmt *st, int i, double v);
/* A number column; NULL reads as NAN. */
double pl_col_num(sqlite3_stmt *st, int i);

/* The park with this code: PL_OK and *id (when id is not NULL) set, or
 * PL_ERR_NOTFOUND "no park 'X' (see 'parkland park list')" (park.c). */
int pl_park_find(pl_db *db, const char *code, long *id, pl_error *err);
/* The 7 parameters park `park_id` keeps for `datum` (park_datum.c): PL_OK, PL_ERR_NOTFOUND when
 * it keeps none (err untouched), or an error. */
int pl_park_datum_shift_of(pl_db *db, long park_id, const char *datum, double towgs84[7], pl_error *err);
/* The parcel with this code in `park` (NULL: in any park, where the code must
 * then be unique): PL_OK, *id set and its park's code copied into park_out
 * (plen bytes; may be NULL); PL_ERR_NOTFOUND "no parcel 'X' [in park 'P']", or
 * PL_ERR_USAGE when the code is in two parks (parcel.c). */
int pl_parcel_find(pl_db *db, const char *park, const char *code, long *id, char *park_out, size_t plen,
                   pl_error *err);

#endif
