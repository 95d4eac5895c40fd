/* parcel_writer.c — an import's parcels written in bulk (see parcel_writer.h). */
#include "parcel_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SpatiaLite triggers on parcel that an import suspends (see suspend_triggers). */
#define N_SUSPENDED 3
/* match's counter triggers that it suspends (see suspend_match_triggers). */
#define N_MATCH_SUSPENDED 4

struct pl_parcel_writer {
    pl_db *db;
    long park_id, batch_id;
    const char *status, *today, *now; /* borrowed */
    const char *entered;              /* borrowed: import --date, NULL = today */
    /* prepared once, reused for every parcel */
    sqlite3_stmt *st_insert, *st_update, *st_old;
    sqlite3_stmt *st_defaults; /* NULL when the park has no default indicators */
    sqlite3_stmt *st_rtree;    /* NULL when the triggers were not suspended */
    /* SpatiaLite's per-row triggers on parcel that the writer does itself (see
     * suspend_triggers): their CREATE statements (owned), NULL when not suspended */
    char *trigger_sql[N_SUSPENDED];
    /* the same for match's counter triggers; match_suspended: the counters are moved at the end */
    char *match_sql[N_MATCH_SUSPENDED];
    int match_suspended;
    long inserted;
};

/* A park_indicator row that sets anything */
#define PARK_HAS_DEFAULTS                                                                                    \
    "coalesce(investment_intensity, far_min, far_max, tax_per_mu, output_per_mu, energy_per_output,"         \
    " building_coverage_min, admin_share_max, green_ratio_max, industries, industry_code,"                    \
    " industry_code_edition, base_price, term_years) IS NOT NULL"

/* The park's defaults cannot change during the import (its transaction holds
 * the write lock): asked once, so that a park without defaults costs no
 * statement per parcel. */
static int prepare_defaults(pl_parcel_writer *w, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(w->db,
        "SELECT EXISTS (SELECT 1 FROM park_indicator WHERE park_id = ?1 AND " PARK_HAS_DEFAULTS ")", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, w->park_id);
    int has_defaults = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        has_defaults = sqlite3_column_int(st, 0);
    else
        rc = pl_db_fail(w->db, err, "cannot read the park");
    sqlite3_finalize(st);
    if (rc || !has_defaults)
        return rc;
    return pl_db_prepare(w->db,
        "INSERT INTO parcel_indicator(parcel_id, investment_intensity, far_min, far_max, tax_per_mu, output_per_mu,"
        " energy_per_output, building_coverage_min, admin_share_max, green_ratio_max, industries, industry_code,"
        " industry_code_edition, base_price, term_years, updated_at)"
        " SELECT ?1, investment_intensity, far_min, far_max, tax_per_mu, output_per_mu, energy_per_output,"
        " building_coverage_min, admin_share_max, green_ratio_max, industries, industry_code, industry_code_edition,"
        " base_price, term_years, ?2 FROM park_indicator WHERE park_id = ?3 AND " PARK_HAS_DEFAULTS,
        &w->st_defaults, err);
}

/* SpatiaLite keeps the R*Tree and geometry_columns_time up to date with
 * triggers on parcel, and checks each new geometry's type and SRID with a
 * third. Its AFTER INSERT index trigger calls RTreeAlign(), which formats an
 * INSERT and runs it through sqlite3_exec — a parse per row, 10 % of an
 * import; the BEFORE INSERT check scans geometry_columns with Lower() and
 * parses the geometry again (2.4 %). Inside the import's transaction these
 * three triggers are dropped: the writer writes the R*Tree row with one
 * prepared statement (the R*Tree rounds the box outward to 32-bit floats, as
 * with the trigger), touches geometry_columns_time once, and the importer
 * makes sure itself that every geometry is a MULTIPOLYGON in the working SRID
 * (judge_geometry; bind_values binds the working SRID). The triggers are
 * created again, from their own text, before the commit. Nobody else sees
 * the schema without them: a rollback or a crash restores it with the rest. */
static const char *const suspended_triggers[N_SUSPENDED] = {"gii_parcel_geom", "tmi_parcel_geom", "ggi_parcel_geom"};

static int suspend_triggers(pl_parcel_writer *w, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(w->db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1"
                                  " AND tbl_name = 'parcel'", &st, err);
    if (rc)
        return rc;
    char *text[N_SUSPENDED] = {NULL};
    int all = 1;
    for (int i = 0; i < N_SUSPENDED; i++) {
        sqlite3_reset(st);
        pl_bind_text(st, 1, suspended_triggers[i]);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            text[i] = strdup((const char *)sqlite3_column_text(st, 0));
        all &= text[i] != NULL;
    }
    sqlite3_finalize(st);
    for (int i = 0; all && !rc && i < N_SUSPENDED; i++) {
        char drop[96]; /* a name of the constant list above, not input */
        snprintf(drop, sizeof drop, "DROP TRIGGER %s", suspended_triggers[i]);
        rc = pl_db_exec(w->db, drop, err);
    }
    if (all && !rc)
        rc = pl_db_prepare(w->db, "INSERT INTO idx_parcel_geom(pkid, xmin, xmax, ymin, ymax)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5)", &w->st_rtree, err);
    /* not SpatiaLite's usual set: leave the triggers to do their work */
    for (int i = 0; i < N_SUSPENDED; i++) {
        if (all && !rc)
            w->trigger_sql[i] = text[i];
        else
            free(text[i]);
    }
    return rc;
}

/* Schema 15 counts the writes of parcel and parcel_indicator with per-row
 * triggers (match_generation, see match_snapshot.c); each is handed the whole
 * new row (geometry and attributes), 8 µs a parcel, 10 % of an import. Inside
 * the import's transaction they are dropped like SpatiaLite's, created again
 * from their own text before the commit, and both counters moved once then
 * (pl_parcel_writer_finish): what a reader sees is the same. */
static const char *const match_triggers[N_MATCH_SUSPENDED] = {"match_gen_parcel_ins", "match_gen_parcel_upd",
                                                               "match_gen_indicator_ins", "match_gen_indicator_upd"};

static int suspend_match_triggers(pl_parcel_writer *w, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(w->db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", &st, err);
    if (rc)
        return rc;
    for (int i = 0; i < N_MATCH_SUSPENDED; i++) {
        sqlite3_reset(st);
        pl_bind_text(st, 1, match_triggers[i]);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
            !(w->match_sql[i] = strdup((const char *)sqlite3_column_text(st, 0)))) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
    }
    sqlite3_finalize(st);
    for (int i = 0; !rc && i < N_MATCH_SUSPENDED; i++) {
        if (!w->match_sql[i])
            continue;
        char drop[96]; /* a name of the constant list above, not input */
        snprintf(drop, sizeof drop, "DROP TRIGGER %s", match_triggers[i]);
        rc = pl_db_exec(w->db, drop, err);
        w->match_suspended = 1;
    }
    return rc;
}

int pl_parcel_writer_open(pl_db *db, long park_id, long batch_id, const char *status, const char *today,
                          const char *entered, const char *now, pl_parcel_writer **out, pl_error *err)
{
    *out = NULL;
    pl_parcel_writer *w = calloc(1, sizeof *w);
    if (!w)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    w->db = db;
    w->park_id = park_id;
    w->batch_id = batch_id;
    w->status = status;
    w->today = entered ? entered : today;
    w->entered = entered;
    w->now = now;
    int rc;
    if ((rc = prepare_defaults(w, err)) ||
        (rc = pl_db_prepare(db,
            "INSERT INTO parcel(name, land_use, land_use_code, area_m2, declared_area_m2, batch_id, source_ref,"
            " attrs, created_at, updated_at, geom, park_id, code, status, status_date, entered_on)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ST_GeomFromWKB(?10, ?11), ?12, ?13, ?14, ?15, ?16)",
            &w->st_insert, err)) ||
        (rc = pl_db_prepare(db,
            "UPDATE parcel SET name = ?1, land_use = ?2, land_use_code = ?3, area_m2 = ?4,"
            " declared_area_m2 = ?5, batch_id = ?6, source_ref = ?7, attrs = ?8, updated_at = ?9,"
            " geom = ST_GeomFromWKB(?10, ?11) WHERE id = ?12", &w->st_update, err)) ||
        (rc = pl_db_prepare(db, "SELECT name, land_use, land_use_code, area_m2, ST_AsText(geom) FROM parcel"
                                " WHERE id = ?1", &w->st_old, err)) ||
        (rc = suspend_triggers(w, err)) || (rc = suspend_match_triggers(w, err))) {
        pl_parcel_writer_free(w);
        return rc;
    }
    *out = w;
    return PL_OK;
}

/* Bind ?1..?11, what an insert and an update have in common; the texts
 * without a copy (the caller clears the bindings after the step). */
static void bind_values(pl_parcel_writer *w, sqlite3_stmt *st, const pl_parcel_values *v)
{
    pl_bind_text_static(st, 1, v->name);
    pl_bind_text_static(st, 2, v->land_use);
    pl_bind_text_static(st, 3, v->land_use_code);
    sqlite3_bind_double(st, 4, v->area_m2);
    if (isnan(v->declared_m2))
        sqlite3_bind_null(st, 5);
    else
        sqlite3_bind_double(st, 5, v->declared_m2);
    sqlite3_bind_int64(st, 6, w->batch_id);
    pl_bind_text_static(st, 7, v->source_ref);
    pl_bind_text_static(st, 8, v->attrs_json);
    pl_bind_text_static(st, 9, w->now);
    sqlite3_bind_blob(st, 10, v->wkb, (int)v->wkb_len, SQLITE_STATIC);
    sqlite3_bind_int(st, 11, w->db->srid);
}

static int index_parcel(pl_parcel_writer *w, long id, const double box[4], pl_error *err)
{
    sqlite3_stmt *st = w->st_rtree;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, box[0]);
    sqlite3_bind_double(st, 3, box[2]);
    sqlite3_bind_double(st, 4, box[1]);
    sqlite3_bind_double(st, 5, box[3]);
    int rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(w->db, err, "cannot index parcel");
    sqlite3_reset(st);
    return rc;
}

/* A new parcel takes the park's default indicators (park_indicator), when the
 * park has any; the thresholds stay with the park. */
static int copy_park_defaults(pl_parcel_writer *w, long parcel_id, const char *code, const char *note,
                              pl_error *err)
{
    sqlite3_stmt *st = w->st_defaults;
    if (!st)
        return PL_OK;
    sqlite3_reset(st);
    int rc = PL_OK;
    sqlite3_bind_int64(st, 1, parcel_id);
    pl_bind_text(st, 2, w->now);
    sqlite3_bind_int64(st, 3, w->park_id);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(w->db, err, "cannot copy the park's indicators");
    sqlite3_reset(st);
    if (!rc && sqlite3_changes(w->db->h) == 1)
        rc = pl_history_add(w->db, "parcel", parcel_id, code, "indicators", NULL, "park defaults 园区默认指标", note,
                            w->batch_id, err);
    return rc;
}

int pl_parcel_insert(pl_parcel_writer *w, const pl_parcel_values *v, long *id, pl_error *err)
{
    sqlite3_stmt *st = w->st_insert;
    int rc = PL_OK;
    sqlite3_reset(st);
    bind_values(w, st, v);
    sqlite3_bind_int64(st, 12, w->park_id);
    pl_bind_text_static(st, 13, v->code);
    pl_bind_text_static(st, 14, w->status);
    pl_bind_text_static(st, 15, w->today);
    pl_bind_text_static(st, 16, w->entered);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = pl_db_fail(w->db, err, "cannot insert parcel");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* the texts were bound without a copy */
    long new_id = (long)sqlite3_last_insert_rowid(w->db->h);
    if (!rc && w->st_rtree)
        rc = index_parcel(w, new_id, v->box, err);
    if (!rc)
        rc = pl_history_add_effective(w->db, "parcel", new_id, v->code, "created", NULL, w->status, v->note, w->entered,
                                      w->batch_id, err);
    if (!rc)
        rc = copy_park_defaults(w, new_id, v->code, v->note, err);
    if (!rc) {
        w->inserted++;
        *id = new_id;
    }
    return rc;
}

static char *geos_wkt(GEOSContextHandle_t gc, const GEOSGeometry *g)
{
    GEOSWKTWriter *w = GEOSWKTWriter_create_r(gc);
    if (!w)
        return NULL;
    GEOSWKTWriter_setRoundingPrecision_r(gc, w, 3);
    GEOSWKTWriter_setTrim_r(gc, w, 1);
    char *s = GEOSWKTWriter_write_r(gc, w, g);
    GEOSWKTWriter_destroy_r(gc, w);
    return s;
}

/* Write history rows for the fields an update changes. */
static int history_update(pl_parcel_writer *w, long id, const pl_parcel_values *v, const char *new_wkt,
                          pl_error *err)
{
    sqlite3_stmt *st = w->st_old;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return pl_db_fail(w->db, err, "cannot read the parcel to update");
    struct {
        const char *field;
        const char *old;
        const char *new;
    } f[] = {
        {"name", (const char *)sqlite3_column_text(st, 0), v->name},
        {"land_use", (const char *)sqlite3_column_text(st, 1), v->land_use},
        {"land_use_code", (const char *)sqlite3_column_text(st, 2), v->land_use_code},
        {"geometry", (const char *)sqlite3_column_text(st, 4), new_wkt},
    };
    char old_area[64], new_area[64];
    snprintf(old_area, sizeof old_area, "%.2f", sqlite3_column_double(st, 3));
    snprintf(new_area, sizeof new_area, "%.2f", v->area_m2);
    int rc = PL_OK;
    for (size_t i = 0; i < sizeof f / sizeof *f && !rc; i++) {
        const char *o = f[i].old ? f[i].old : "", *n = f[i].new ? f[i].new : "";
        if (strcmp(o, n))
            rc = pl_history_add(w->db, "parcel", id, v->code, f[i].field, f[i].old, f[i].new, v->note, w->batch_id,
                                err);
    }
    if (!rc && strcmp(old_area, new_area))
        rc = pl_history_add(w->db, "parcel", id, v->code, "area_m2", old_area, new_area, v->note, w->batch_id, err);
    sqlite3_reset(st);
    return rc;
}

int pl_parcel_update(pl_parcel_writer *w, long id, const pl_parcel_values *v, const GEOSGeometry *work,
                     pl_error *err)
{
    GEOSContextHandle_t gc = w->db->geos;
    char *wkt = work ? geos_wkt(gc, work) : NULL;
    int rc = history_update(w, id, v, wkt, err);
    if (wkt)
        GEOSFree_r(gc, wkt);
    if (rc)
        return rc;
    sqlite3_stmt *st = w->st_update;
    sqlite3_reset(st);
    bind_values(w, st, v);
    sqlite3_bind_int64(st, 12, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = pl_db_fail(w->db, err, "cannot update parcel");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* the texts were bound without a copy */
    return rc;
}

/* Create the suspended triggers again (inside the transaction) and do once
 * what tmi_parcel_geom did per row, and what match's counter triggers did. */
int pl_parcel_writer_finish(pl_parcel_writer *w, pl_error *err)
{
    int rc = PL_OK;
    for (int i = 0; i < N_MATCH_SUSPENDED && !rc; i++)
        if (w->match_sql[i])
            rc = pl_db_exec(w->db, w->match_sql[i], err);
    if (!rc && w->match_suspended)
        rc = pl_db_exec(w->db, "UPDATE match_generation SET gen = gen + 1 WHERE name IN ('parcel', 'parcel_indicator')",
                        err);
    for (int i = 0; i < N_MATCH_SUSPENDED; i++) {
        free(w->match_sql[i]);
        w->match_sql[i] = NULL;
    }
    w->match_suspended = 0;
    if (rc || !w->trigger_sql[0])
        return rc;
    for (int i = 0; i < N_SUSPENDED && !rc; i++)
        rc = pl_db_exec(w->db, w->trigger_sql[i], err);
    if (!rc && w->inserted > 0)
        rc = pl_db_exec(w->db, "UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                               " WHERE Lower(f_table_name) = Lower('parcel') AND Lower(f_geometry_column) = Lower('geom')",
                        err);
    for (int i = 0; i < N_SUSPENDED; i++) {
        free(w->trigger_sql[i]);
        w->trigger_sql[i] = NULL;
    }
    return rc;
}

void pl_parcel_writer_free(pl_parcel_writer *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->st_insert);
    sqlite3_finalize(w->st_update);
    sqlite3_finalize(w->st_old);
    sqlite3_finalize(w->st_defaults);
    sqlite3_finalize(w->st_rtree);
    for (int i = 0; i < N_SUSPENDED; i++)
        free(w->trigger_sql[i]);
    for (int i = 0; i < N_MATCH_SUSPENDED; i++)
        free(w->match_sql[i]);
    free(w);
}
