/*
 * parkland/check.h — check the database: SQLite integrity, foreign keys, the
 * spatial index, and every parcel's geometry, area and overlaps.
 * Ownership: see parkland/error.h. Problems are handed to a callback; their
 * strings live until the callback returns.
 */
#ifndef PARKLAND_CHECK_H
#define PARKLAND_CHECK_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pl_check_problem {
    const char *check;   /* "integrity", "foreign_key", "spatial_index", "geometry", "area", "overlap" (within a
                          * park), "park_overlap" (parcels of two parks), "crs" */
    const char *subject; /* what it concerns: "parcel QDIP/QDIP-2024-001", "database" */
    const char *detail;  /* what is wrong, UTF-8 */
} pl_check_problem;

typedef struct pl_check_summary {
    long parcels;        /* parcels looked at (retired ones included) */
    long problems;       /* problems reported */
    int checks;          /* checks run */
} pl_check_summary;

/* Run every check; `cb` gets each problem (a non-zero return stops). Returns
 * PL_OK when the checks ran (look at summary->problems), an error otherwise.
 * Reads only: never changes the database. */
int pl_check_database(pl_db *db, int (*cb)(const pl_check_problem *p, void *ctx), void *ctx,
                      pl_check_summary *summary, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
