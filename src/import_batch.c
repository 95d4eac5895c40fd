/* import_batch.c — the import batches: list them, undo one (see parkland/batch.h). */
#include "parkland/batch.h"

#include "db_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *col_text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

int pl_batch_each(pl_db *db, const char *park, int (*cb)(const pl_batch_row *row, void *ctx), void *ctx,
                  pl_error *err)
{
    long park_id = 0;
    int rc;
    if (park && (rc = pl_park_find(db, park, &park_id, err)))
        return rc;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
            "SELECT b.id, b.file, b.sha256, b.format, b.encoding, b.source_srid, b.target_srid, k.code,"
            " b.n_read, b.n_inserted, b.n_updated, b.n_skipped, b.n_repaired, b.area_m2, b.imported_at,"
            " b.imported_by, b.undone_at, b.undone_by"
            " FROM import_batch b LEFT JOIN park k ON k.id = b.park_id"
            " WHERE ?1 = 0 OR b.park_id = ?1 ORDER BY b.id DESC", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, park_id);
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_batch_row r = {
            .id = (long)sqlite3_column_int64(st, 0),
            .file = col_text(st, 1),
            .sha256 = col_text(st, 2),
            .format = col_text(st, 3),
            .encoding = col_text(st, 4),
            .source_srid = sqlite3_column_int(st, 5),
            .target_srid = sqlite3_column_int(st, 6),
            .park = col_text(st, 7),
            .n_read = (long)sqlite3_column_int64(st, 8),
            .n_inserted = (long)sqlite3_column_int64(st, 9),
            .n_updated = (long)sqlite3_column_int64(st, 10),
            .n_skipped = (long)sqlite3_column_int64(st, 11),
            .n_repaired = (long)sqlite3_column_int64(st, 12),
            .area_m2 = sqlite3_column_double(st, 13),
            .imported_at = col_text(st, 14),
            .imported_by = col_text(st, 15),
            .undone_at = col_text(st, 16),
            .undone_by = col_text(st, 17),
        };
        rc = cb(&r, ctx);
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read the import batches");
    sqlite3_finalize(st);
    return rc;
}

void pl_batch_undo_result_release(pl_batch_undo_result *r)
{
    if (!r)
        return;
    free(r->file);
    for (size_t i = 0; i < r->ncodes; i++)
        free(r->codes[i]);
    free(r->codes);
    for (size_t i = 0; i < r->nblockers; i++) {
        free(r->blockers[i].code);
        free(r->blockers[i].what);
    }
    free(r->blockers);
    memset(r, 0, sizeof *r);
}

/* One parcel the batch inserted: its id, and the id of its "created" row. */
typedef struct inserted {
    long id, created_row;
} inserted;

typedef struct undo {
    pl_db *db;
    pl_batch_undo_result *r;
    inserted *parcels; /* parallel to r->codes */
    pl_error *err;
} undo;

static int add_blocker(undo *u, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int add_blocker(undo *u, const char *code, const char *fmt, ...)
{
    pl_batch_undo_result *r = u->r;
    pl_batch_blocker *b = realloc(r->blockers, (r->nblockers + 1) * sizeof *b);
    if (!b)
        return pl_error_set(u->err, PL_ERR_NOMEM, "out of memory");
    r->blockers = b;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    b[r->nblockers].code = strdup(code ? code : "");
    b[r->nblockers].what = strdup(what);
    if (!b[r->nblockers].code || !b[r->nblockers].what) {
        free(b[r->nblockers].code);
        free(b[r->nblockers].what);
        return pl_error_set(u->err, PL_ERR_NOMEM, "out of memory");
    }
    r->nblockers++;
    return PL_OK;
}

/* The parcels the batch inserted, from its "created" history rows: a later
 * batch that updated one has put its own id in parcel.batch_id. */
static int collect_parcels(undo *u, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(u->db, "SELECT entity_id, id, code FROM history WHERE batch_id = ?1"
                                  " AND entity = 'parcel' AND field = 'created' ORDER BY id", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, u->r->batch_id);
    size_t cap = 0;
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_batch_undo_result *r = u->r;
        if (r->ncodes == cap) {
            cap = cap ? 2 * cap : 16;
            char **c = realloc(r->codes, cap * sizeof *c);
            if (c)
                r->codes = c;
            inserted *p = c ? realloc(u->parcels, cap * sizeof *p) : NULL;
            if (p)
                u->parcels = p;
            if (!c || !p) {
                rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                break;
            }
        }
        const char *code = col_text(st, 2);
        if (!(r->codes[r->ncodes] = strdup(code ? code : ""))) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            break;
        }
        u->parcels[r->ncodes].id = (long)sqlite3_column_int64(st, 0);
        u->parcels[r->ncodes].created_row = (long)sqlite3_column_int64(st, 1);
        r->ncodes++;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(u->db, err, "cannot read the batch's parcels");
    sqlite3_finalize(st);
    return rc;
}

/* What touched parcel i after the import: a blocker for each thing. */
static int find_blockers(undo *u, size_t i, sqlite3_stmt *const q[5])
{
    const char *code = u->r->codes[i];
    long id = u->parcels[i].id;
    int rc = PL_OK;
    /* q[0]: the parcel row */
    sqlite3_reset(q[0]);
    sqlite3_bind_int64(q[0], 1, id);
    if (sqlite3_step(q[0]) != SQLITE_ROW) {
        rc = add_blocker(u, code, "no longer in the parcel table");
    } else if (sqlite3_column_type(q[0], 0) == SQLITE_NULL || sqlite3_column_int64(q[0], 0) != u->r->batch_id) {
        rc = add_blocker(u, code, "updated by a later import (batch %lld)", (long long)sqlite3_column_int64(q[0], 0));
    }
    sqlite3_reset(q[0]);
    /* q[1]: later history rows */
    sqlite3_reset(q[1]);
    sqlite3_bind_int64(q[1], 1, id);
    sqlite3_bind_int64(q[1], 2, u->parcels[i].created_row);
    sqlite3_bind_int64(q[1], 3, u->r->batch_id);
    while (!rc && sqlite3_step(q[1]) == SQLITE_ROW) {
        const char *field = col_text(q[1], 0), *o = col_text(q[1], 1), *n = col_text(q[1], 2),
                   *at = col_text(q[1], 3), *who = col_text(q[1], 4);
        long batch = (long)sqlite3_column_int64(q[1], 5);
        if (batch)
            rc = add_blocker(u, code, "%s changed by a later import (batch %ld) on %s", field, batch, at);
        else if (!strcmp(field, "status"))
            rc = add_blocker(u, code, "status %s → %s on %s by %s", o ? o : "-", n ? n : "-", at, who);
        else if (!strcmp(field, "geometry"))
            rc = add_blocker(u, code, "geometry edited on %s by %s", at, who);
        else
            rc = add_blocker(u, code, "%s %s → %s on %s by %s", field, o ? o : "-", n ? n : "-", at, who);
    }
    sqlite3_reset(q[1]);
    /* q[2]: reservations */
    sqlite3_reset(q[2]);
    sqlite3_bind_int64(q[2], 1, id);
    while (!rc && sqlite3_step(q[2]) == SQLITE_ROW)
        rc = add_blocker(u, code, "a reservation from %s to %s%s", col_text(q[2], 0), col_text(q[2], 1),
                         sqlite3_column_type(q[2], 2) == SQLITE_NULL ? "" : " (released)");
    sqlite3_reset(q[2]);
    /* q[3]: projects */
    sqlite3_reset(q[3]);
    sqlite3_bind_int64(q[3], 1, id);
    while (!rc && sqlite3_step(q[3]) == SQLITE_ROW)
        rc = add_blocker(u, code, "linked to project %s", col_text(q[3], 0));
    sqlite3_reset(q[3]);
    /* q[4]: split and merge */
    sqlite3_reset(q[4]);
    sqlite3_bind_int64(q[4], 1, id);
    while (!rc && sqlite3_step(q[4]) == SQLITE_ROW)
        rc = add_blocker(u, code, "%s of a %s with %s", col_text(q[4], 0), col_text(q[4], 1),
                         col_text(q[4], 2) ? col_text(q[4], 2) : "a removed parcel");
    sqlite3_reset(q[4]);
    return rc;
}

static int check_parcels(undo *u)
{
    static const char *const sql[5] = {
        "SELECT batch_id FROM parcel WHERE id = ?1",
        "SELECT field, old_value, new_value, at, who, batch_id FROM history WHERE entity = 'parcel'"
        " AND entity_id = ?1 AND id > ?2 AND (batch_id IS NULL OR batch_id <> ?3) ORDER BY id",
        "SELECT reserved_on, expires_on, released_on FROM reservation WHERE parcel_id = ?1 ORDER BY id",
        "SELECT j.code FROM project_parcel pp JOIN project j ON j.id = pp.project_id WHERE pp.parcel_id = ?1"
        " ORDER BY j.code",
        "SELECT 'parent', l.operation, c.code FROM parcel_lineage l LEFT JOIN parcel c ON c.id = l.child_id"
        " WHERE l.parent_id = ?1 UNION ALL"
        " SELECT 'child', l.operation, p.code FROM parcel_lineage l LEFT JOIN parcel p ON p.id = l.parent_id"
        " WHERE l.child_id = ?1"};
    sqlite3_stmt *q[5] = {NULL};
    int rc = PL_OK;
    for (int k = 0; k < 5 && !rc; k++)
        rc = pl_db_prepare(u->db, sql[k], &q[k], u->err);
    for (size_t i = 0; i < u->r->ncodes && !rc; i++)
        rc = find_blockers(u, i, q);
    for (int k = 0; k < 5; k++)
        sqlite3_finalize(q[k]);
    return rc;
}

static int remove_parcels(undo *u, const char *note)
{
    char text[1600];
    snprintf(text, sizeof text, "undo of import batch %ld ('%s')%s%s", u->r->batch_id, u->r->file,
             note && *note ? ": " : "", note && *note ? note : "");
    sqlite3_stmt *status, *del;
    int rc = pl_db_prepare(u->db, "SELECT status FROM parcel WHERE id = ?1", &status, u->err);
    if (rc)
        return rc;
    if ((rc = pl_db_prepare(u->db, "DELETE FROM parcel WHERE id = ?1", &del, u->err))) {
        sqlite3_finalize(status);
        return rc;
    }
    for (size_t i = 0; i < u->r->ncodes && !rc; i++) {
        long id = u->parcels[i].id;
        sqlite3_bind_int64(status, 1, id);
        char old[32] = "";
        if (sqlite3_step(status) == SQLITE_ROW && col_text(status, 0))
            snprintf(old, sizeof old, "%s", col_text(status, 0));
        sqlite3_reset(status);
        if ((rc = pl_history_add(u->db, "parcel", id, u->r->codes[i], "removed", old[0] ? old : NULL, NULL, text,
                                 u->r->batch_id, u->err)))
            break;
        sqlite3_bind_int64(del, 1, id);
        if (sqlite3_step(del) != SQLITE_DONE || sqlite3_changes(u->db->h) != 1)
            rc = pl_db_fail(u->db, u->err, "cannot remove the parcel");
        sqlite3_reset(del);
        if (rc)
            pl_error_prefix(u->err, "parcel '%s'", u->r->codes[i]);
    }
    sqlite3_finalize(status);
    sqlite3_finalize(del);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(u->db, "UPDATE import_batch SET undone_at = ?1, undone_by = ?2 WHERE id = ?3", &st,
                            u->err)))
        return rc;
    char now[32];
    pl_now_iso(now, sizeof now);
    pl_bind_text(st, 1, now);
    pl_bind_text(st, 2, pl_db_user(u->db));
    sqlite3_bind_int64(st, 3, u->r->batch_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = pl_db_fail(u->db, u->err, "cannot mark the batch undone");
    sqlite3_finalize(st);
    if (!rc)
        u->r->removed = (long)u->r->ncodes;
    return rc;
}

/* The batch's row: refused when undone already or when it updated parcels. */
static int read_batch(undo *u)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(u->db,
        "SELECT file, undone_at, undone_by, n_updated,"
        " (SELECT count(*) FROM history h WHERE h.batch_id = b.id AND h.entity = 'parcel'"
        "   AND h.field <> 'created' AND h.field <> 'indicators')"
        " FROM import_batch b WHERE id = ?1", &st, u->err);
    if (rc)
        return rc;
    long id = u->r->batch_id;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = sqlite3_errcode(u->db->h) == SQLITE_DONE || sqlite3_errcode(u->db->h) == SQLITE_OK
                 ? pl_error_set(u->err, PL_ERR_NOTFOUND, "no import batch %ld (see 'parkland import list')", id)
                 : pl_db_fail(u->db, u->err, "cannot read the import batch");
    } else if (!(u->r->file = strdup(col_text(st, 0) ? col_text(st, 0) : ""))) {
        rc = pl_error_set(u->err, PL_ERR_NOMEM, "out of memory");
    } else if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
        rc = pl_error_set(u->err, PL_ERR_INPUT, "import batch %ld ('%s') was undone on %s by %s already", id,
                          u->r->file, col_text(st, 1), col_text(st, 2) ? col_text(st, 2) : "?");
    } else if (sqlite3_column_int64(st, 3) > 0 || sqlite3_column_int64(st, 4) > 0) {
        rc = pl_error_set(u->err, PL_ERR_INPUT,
                          "import batch %ld ('%s') updated %lld existing parcel%s (--on-conflict update) and "
                          "cannot be undone: the history keeps their old geometry to the millimetre and not their "
                          "declared area, source reference or attributes; correct them with 'parcel edit'",
                          id, u->r->file, (long long)sqlite3_column_int64(st, 3),
                          sqlite3_column_int64(st, 3) == 1 ? "" : "s");
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_batch_undo(pl_db *db, long batch_id, const char *note, int dry_run, pl_batch_undo_result *r,
                  pl_error *err)
{
    memset(r, 0, sizeof *r);
    r->batch_id = batch_id;
    undo u = {db, r, NULL, err};
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    if (!(rc = read_batch(&u)) && !(rc = collect_parcels(&u, err)) && !(rc = check_parcels(&u)) && r->nblockers)
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "import batch %ld ('%s') cannot be undone: %zu change%s after the import touched its "
                          "parcels; nothing was changed", batch_id, r->file, r->nblockers,
                          r->nblockers == 1 ? "" : "s");
    if (!rc && !dry_run)
        rc = remove_parcels(&u, note);
    if (!rc && !dry_run)
        rc = pl_db_commit(db, err);
    if (rc || dry_run)
        pl_db_rollback(db);
    free(u.parcels);
    return rc;
}
