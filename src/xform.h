/*
 * xform.h — coordinate transformations between two EPSG systems (internal).
 *
 * A pl_xform transforms coordinates through SpatiaLite's gaiaTransformEx_r
 * (PROJ through SpatiaLite), given the PROJ pipeline of the pair instead of
 * two EPSG codes. SpatiaLite keeps the last PJ it built in the connection's
 * cache and reuses it while the pipeline string is the same, so a loop over
 * features pays PROJ's set-up once; and a pipeline string is built in about
 * 0.2 ms where proj_create_crs_to_crs("EPSG:a", "EPSG:b") searches proj.db
 * for 100–200 ms. The pipeline is the one ST_Transform(geom, dst) uses
 * (proj_create_crs_to_crs, normalised to x = easting/longitude), read from
 * the database's crs_pipeline table (schema v2) when the running PROJ wrote
 * it, else built with PROJ and, when asked, stored there.
 *
 * Results are identical to SpatiaLite's ST_Transform (tests/test_xform.c).
 * One connection holds one cached PJ: alternating two pl_xform on the same
 * pl_db in a tight loop rebuilds it each time (0.2 ms); keep one per loop.
 *
 * Ownership: pl_xform_open allocates, pl_xform_free frees. A pl_xform
 * borrows its pl_db, which must outlive it.
 */
#ifndef PARKLAND_XFORM_H
#define PARKLAND_XFORM_H

#include "parkland/db.h"
#include "rawgeom.h"

#include <sqlite3.h>
#include <spatialite/gaiageo.h>

typedef struct pl_xform pl_xform;

/* Transformation from EPSG `src` to EPSG `dst` on `db`'s connection.
 * store = 1: write a newly built pipeline into crs_pipeline (only inside the
 * caller's write transaction, or when the caller may write). src == dst gives
 * the identity. PL_ERR_INPUT when PROJ cannot build the transformation. */
int pl_xform_open(pl_db *db, int src, int dst, int store, pl_xform **out, pl_error *err);
void pl_xform_free(pl_xform *x);

/* Free the SpatiaLite caches pl_xform_open kept on `db` for its pairs of systems (before the
 * connection closes; no pl_xform of `db` may be in use). */
void pl_xform_release_kept(pl_db *db);

/* Transformation from EPSG `src`, bound to WGS 84 by the 7 parameters
 * `towgs84` (PROJ's +towgs84: dX, dY, dZ in metres, rX, rY, rZ in arc-seconds,
 * scale in ppm; position vector), to EPSG `dst`. Never stored. PL_ERR_INPUT
 * when PROJ cannot build it. */
int pl_xform_open_towgs84(pl_db *db, int src, const double towgs84[7], int dst, pl_xform **out, pl_error *err);

/* Give x a SpatiaLite cache of its own (freed with x), so that it can
 * transform on another thread than the one using its pl_db. After this, x
 * no longer touches the connection. */
int pl_xform_detach(pl_xform *x, pl_error *err);

/* The pipeline string (lives as long as x; "" for the identity). */
const char *pl_xform_pipeline(const pl_xform *x);

/* Transform every point of g in place. PL_ERR_INPUT when a point cannot be
 * transformed (outside the projection's domain: the result is not finite). */
int pl_xform_geom(pl_xform *x, pl_geom *g, pl_error *err);

/* Transform n points, x/y interleaved (xy[2i], xy[2i+1]), in place. */
int pl_xform_points(pl_xform *x, double *xy, size_t n, pl_error *err);

/* A transformed copy of `in` (its Srid set to dst); NULL on failure with err
 * filled. The caller frees the result with gaiaFreeGeomColl. */
gaiaGeomCollPtr pl_xform_gaia(pl_xform *x, gaiaGeomCollPtr in, pl_error *err);

/* Fill crs_pipeline for the pairs every database needs (WGS 84 ↔ the working
 * CRS). Inside the caller's write transaction (init, migration). */
int pl_xform_store_common(pl_db *db, pl_error *err);

#endif
