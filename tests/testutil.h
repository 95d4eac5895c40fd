/* testutil.h — helpers shared by the Criterion suites. */
#ifndef PARKLAND_TESTUTIL_H
#define PARKLAND_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "parkland/db.h"
#include "parkland/import.h"

/* A fresh, empty temporary directory for this test process; path owned by testutil. */
const char *tu_tmpdir(void);
/* Join tu_tmpdir() and name into a static buffer (one of 8 rotating buffers). */
const char *tu_tmp(const char *name);
/* Write `len` bytes (len == (size_t)-1: strlen) to path; aborts the test on failure. */
void tu_write_file(const char *path, const char *data, size_t len);
/* Read a whole file; caller frees; *len gets the size. NULL when missing. */
char *tu_read_file(const char *path, size_t *len);
/* Run a shell command line; captured stdout/stderr returned in malloc'd strings
 * (caller frees, may pass NULL to discard). Returns the exit status (or 128+signal). */
int tu_run(char **out, char **errout, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* tu_run for a suite that keeps one pair of outputs: frees *out and *errout first (both required). */
int tu_rerun(char **out, char **errout, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Free *out and *errout and set them to NULL. */
void tu_outputs_free(char **out, char **errout);
/* s quoted as one shell word ('…', a ' inside written '\''), in one of 8 rotating static buffers. */
const char *tu_q(const char *s);
/* Run the parkland command: `PARKLAND_BIN --db DB ARGS` through the shell (a plain `PARKLAND_BIN ARGS` when
 * db is NULL), the binary and DB quoted with tu_q. ARGS is a printf format for shell words: quote a path or
 * any other text that comes from a variable with tu_q, e.g. tu_cli(&out, &err, db, "import parcels %s",
 * tu_q(path)). As tu_rerun, *out and *errout are freed first and then hold the captured stdout and stderr
 * (caller frees; out or errout NULL: discarded). Returns the exit status (or 128+signal). */
int tu_cli(char **out, char **errout, const char *db, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- fixtures (each aborts the test on failure) ---------------------------------------------- */

/* pl_library_init(), then a new database tu_tmp(name) in EPSG:4549, opened; its path is copied into
 * path (1024 bytes) when path is not NULL. Close it with tu_db_close. */
pl_db *tu_db_new(const char *name, char *path);
/* pl_db_close(db) (db may be NULL) and pl_library_shutdown(). */
void tu_db_close(pl_db *db);
/* Park QDIP 示范园区 / Sample park / 西海岸新区. */
void tu_park_qdip(pl_db *db);
/* Add park JMIP (即墨园区, Jimo park, 即墨区), the second park of the query and match fixtures. */
void tu_park_jmip(pl_db *db);
/* Splitmix64: the next of a fixed sequence of pseudo-random numbers from *state. */
uint64_t tu_splitmix64(uint64_t *state);
/* Import a parcel file into `park` (NULL: the only park) with default options; the number inserted. */
long tu_import(pl_db *db, const char *path, const char *park);
/* The same with options of one's own. */
long tu_import_with(pl_db *db, const char *path, const pl_import_options *o);
/* A parcel straight into the table (area from the WKT, EPSG:4549): its id. */
long tu_add_parcel(pl_db *db, const char *park, const char *code, const char *status, const char *wkt);
/* A rectangle x0–x1 × y0–y1 as tu_add_parcel. */
long tu_add_rect(pl_db *db, const char *park, const char *code, const char *status, double x0, double x1, double y0,
                 double y1);

/* ---- SQL on the library's own connection (SpatiaLite functions loaded) ----------------------- */

/* First column of the first row as a number: NAN when there is no row or it is NULL. */
double tu_sql_num(pl_db *db, const char *sql);
/* The same with ?1 bound to arg (not bound when arg is NULL). */
double tu_sql_num_arg(pl_db *db, const char *sql, const char *arg);
/* First column of the first row as an integer: -1 when there is no row. */
long tu_sql_count(pl_db *db, const char *sql);
long tu_sql_count_arg(pl_db *db, const char *sql, const char *arg);
/* First column of the first row as text, in a static buffer: "" when no row or NULL. */
const char *tu_sql_text(pl_db *db, const char *sql);
const char *tu_sql_text_arg(pl_db *db, const char *sql, const char *arg);
/* Run SQL without results. */
void tu_sql_exec(pl_db *db, const char *sql);
/* Bind a number; NAN binds NULL. */
void tu_bind_num(sqlite3_stmt *st, int i, double v);

/* Fingerprint of a database file: every table's row count and an FNV-1a digest of its rows (equal
 * fingerprints ⇔ equal content), after asserting PRAGMA integrity_check is "ok". Caller frees. */
char *tu_db_snapshot(const char *dbpath);
/* The same, leaving out the columns for which skip_column(name) is true (e.g. clock columns that
 * a rerun fills differently); skip_column may be NULL. */
char *tu_db_snapshot_skipping(const char *dbpath, int (*skip_column)(const char *name));
/* Copy a file byte for byte; aborts the test on failure. */
void tu_copy_file(const char *from, const char *to);

/* A reader's notes: tu_note is a pl_note_fn (ctx unused) that keeps each
 * note; tu_notes() is every note since tu_notes_clear(), joined by "\n"
 * ("" when none; valid until the next tu_note or tu_notes_clear). */
void tu_note(void *ctx, const char *text);
const char *tu_notes(void);
void tu_notes_clear(void);

#endif
