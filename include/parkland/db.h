/*
 * parkland/db.h — the parkland database: one SpatiaLite file.
 * Ownership: see parkland/error.h. A pl_db is created by pl_db_create or
 * pl_db_open and freed by the caller with pl_db_close.
 */
#ifndef PARKLAND_DB_H
#define PARKLAND_DB_H

#include "parkland/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Schema version written by this build; older files are migrated forward,
 * newer ones refused. */
#define PL_SCHEMA_VERSION 15
/* Default working CRS: CGCS2000 / 3-degree Gauss-Kruger CM 120E (Qingdao). */
#define PL_DEFAULT_SRID 4549

typedef struct pl_db pl_db;

/* Create a new database at `path` working in projected EPSG `srid`.
 * Refuses an existing file, a geographic or unknown EPSG code. */
int pl_db_create(const char *path, int srid, pl_db **out, pl_error *err);

/* Open an existing parkland database (WAL, foreign keys, 10 s busy timeout).
 * Refuses a file that is not parkland's or has a newer schema, without
 * modifying it. */
int pl_db_open(const char *path, pl_db **out, pl_error *err);

/* Close and free; NULL is fine. */
void pl_db_close(pl_db *db);

/* The working CRS (EPSG code). */
int pl_db_srid(const pl_db *db);

/* Who is recorded in history: $PARKLAND_USER, else the login name, else "unknown".
 * The string lives as long as `db`. */
const char *pl_db_user(const pl_db *db);

/* Override the user recorded in history (copied). */
void pl_db_set_user(pl_db *db, const char *user);

/* Keep up to `mb` MiB (PL_CACHE_MB_MIN–MAX) of the database in this connection's page
 * cache (SQLite's default is 2 MiB). For a long-lived connection that runs
 * many queries — a service, the benchmark harness — the pages a query reads
 * stay in memory for the next call. A one-shot command gains nothing: it
 * reads each page once and would only pay for the memory.
 * Without this call an import raises the cache to 16 MiB while it runs;
 * after it, every statement, imports included, keeps the chosen size. */
#define PL_CACHE_MB_MIN 1
#define PL_CACHE_MB_MAX 4096
int pl_db_set_cache_mb(pl_db *db, int mb, pl_error *err);

/* Read the database file through a memory map of up to `mb` MiB (0–PL_MMAP_MB_MAX;
 * 0 turns it off, SQLite's default). The pages are the operating system's page
 * cache, shared by every connection of the process, so several long-lived
 * connections (the server's workers) read without copying each page into their
 * own cache. Writes still go through the WAL. An I/O error on a mapped page is a
 * SIGBUS rather than an error code: for a file on a local disk. */
#define PL_MMAP_MB_MAX 65536
int pl_db_set_mmap_mb(pl_db *db, int mb, pl_error *err);

/* The database file name given at open. Lives as long as `db`. */
const char *pl_db_path(const pl_db *db);

/* Once at program start / exit (libxml2 and SpatiaLite global state). */
void pl_library_init(void);
void pl_library_shutdown(void);

/* "SpatiaLite 5.0.1, GEOS 3.11.1, PROJ 9.1.1, SQLite 3.40.1" (static storage). */
const char *pl_library_versions(void);

#ifdef __cplusplus
}
#endif
#endif
