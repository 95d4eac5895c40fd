/*
 * parcel_writer.h — an import's parcels written in bulk (internal to the core).
 *
 * The importer (importer.c) decides what lands: validation, codes, conflicts,
 * overlaps, repair, messages. The writer only writes what it is given, fast:
 * prepared statements made once for the whole import, and SpatiaLite's
 * per-row triggers on parcel suspended while the import's transaction is open
 * (the writer keeps the R*Tree itself) and created again by
 * pl_parcel_writer_finish before the commit.
 *
 * Every call runs inside the caller's transaction; a rollback undoes the
 * writes and the suspension alike. Errors: PL_OK, or a code with `err` filled.
 *
 * Ownership: pl_parcel_writer_open allocates the writer, pl_parcel_writer_free
 * frees it (also when finish was never called: the triggers then come back
 * with the caller's rollback). The writer borrows the db and every text it is
 * given; texts of pl_parcel_values need to live only during the call.
 */
#ifndef PARKLAND_PARCEL_WRITER_H
#define PARKLAND_PARCEL_WRITER_H

#include "db_internal.h"

#include <geos_c.h>
#include <stddef.h>

typedef struct pl_parcel_writer pl_parcel_writer;

/* One parcel as the importer settled it. */
typedef struct pl_parcel_values {
    const char *code;
    const char *name, *land_use, *land_use_code; /* NULL: none */
    double area_m2;             /* of the working geometry */
    double declared_m2;         /* as the file states it; NAN: none */
    const char *source_ref;     /* where in the file ("feature 3") */
    const char *attrs_json;     /* the file's attributes as JSON */
    const unsigned char *wkb;   /* working-CRS MultiPolygon, ISO WKB */
    size_t wkb_len;
    const double *box;          /* its minx, miny, maxx, maxy */
    const char *note;           /* for the history rows ("import batch 7: FILE feature 3") */
} pl_parcel_values;

/* Prepare the statements for park `park_id` and import batch `batch_id` (new
 * parcels take `status` of `today`, or of `entered` when not NULL: the day
 * they entered the land bank, import --date, kept in parcel.entered_on and as
 * the effective day of their 'created' history rows; rows are stamped `now`),
 * and suspend the
 * triggers (when they are SpatiaLite's usual three; else they stay and do
 * their work). */
int pl_parcel_writer_open(pl_db *db, long park_id, long batch_id, const char *status, const char *today,
                          const char *entered, const char *now, pl_parcel_writer **out, pl_error *err);

/* Insert a new parcel with its R*Tree row, its 'created' history row and the
 * park's default indicators (when the park has any); its id in *id. */
int pl_parcel_insert(pl_parcel_writer *w, const pl_parcel_values *v, long *id, pl_error *err);

/* Update parcel `id` with v (v->code names it in the history), writing a
 * history row for each field that changes; `work` is the new geometry for
 * the history's WKT (NULL: none). */
int pl_parcel_update(pl_parcel_writer *w, long id, const pl_parcel_values *v, const GEOSGeometry *work,
                     pl_error *err);

/* Create the suspended triggers again (inside the transaction) and do once
 * what their per-row work would have done. Call before the commit. */
int pl_parcel_writer_finish(pl_parcel_writer *w, pl_error *err);

void pl_parcel_writer_free(pl_parcel_writer *w);

#endif
