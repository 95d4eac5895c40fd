/* parcel_fix.c — correcting a parcel: rename, edit name, land use, attributes (issue 13 §2). */
#include "parkland/parcel_fix.h"

#include "db_internal.h"
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parcel `code` in `park` (NULL: anywhere, but only one): its id, park id and park code. */
static int find_parcel(pl_db *db, const char *park, const char *code, long *id, long *park_id, char park_code[64],
                       pl_error *err)
{
    int rc;
    if (park && (rc = pl_park_find(db, park, NULL, err)))
        return rc;
    sqlite3_stmt *st;
    rc = pl_db_prepare(db,
                           "SELECT p.id, p.park_id, k.code FROM parcel p JOIN park k ON k.id = p.park_id"
                           " WHERE p.code = ?1 AND (?2 IS NULL OR k.code = ?2) ORDER BY k.code",
                           &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    pl_bind_text(st, 2, park);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = (long)sqlite3_column_int64(st, 0);
        *park_id = (long)sqlite3_column_int64(st, 1);
        snprintf(park_code, 64, "%s", (const char *)sqlite3_column_text(st, 2));
        if ((step = sqlite3_step(st)) == SQLITE_ROW)
            rc = pl_error_set(err, PL_ERR_USAGE,
                              "parcel code '%s' exists in parks '%s' and '%s'; name one with --park", code, park_code,
                              (const char *)sqlite3_column_text(st, 2));
        else if (step != SQLITE_DONE)
            rc = pl_db_fail(db, err, "cannot read parcel");
    } else if (step == SQLITE_DONE) {
        rc = park ? pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s' in park '%s'", code, park)
                  : pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s'", code);
    } else {
        rc = pl_db_fail(db, err, "cannot read parcel");
    }
    sqlite3_finalize(st);
    return rc;
}

static const char *note_or_null(const char *note)
{
    return note && *note ? note : NULL;
}

int pl_parcel_rename(pl_db *db, const char *park, const char *code, const char *new_code, const char *note,
                     pl_error *err)
{
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "parcel rename needs the parcel's CODE");
    if (!new_code || !*new_code)
        return pl_error_set(err, PL_ERR_USAGE, "parcel '%s' needs a new code that is not empty", code);
    if (!strcmp(code, new_code))
        return pl_error_set(err, PL_ERR_USAGE, "parcel '%s' already has the code '%s'", code, new_code);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id = 0, park_id = 0;
    char park_code[64];
    if ((rc = find_parcel(db, park, code, &id, &park_id, park_code, err)))
        goto fail;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "SELECT 1 FROM parcel WHERE park_id = ?1 AND code = ?2", &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, park_id);
    pl_bind_text(st, 2, new_code);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step == SQLITE_ROW) {
        rc = pl_error_set(err, PL_ERR_INPUT, "parcel '%s' already exists in park '%s'; '%s' not renamed", new_code,
                          park_code, code);
        goto fail;
    }
    if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read parcels");
        goto fail;
    }
    char at[32];
    pl_now_iso(at, sizeof at);
    if ((rc = pl_db_prepare(db, "UPDATE parcel SET code = ?1, updated_at = ?2 WHERE id = ?3", &st, err)))
        goto fail;
    pl_bind_text(st, 1, new_code);
    pl_bind_text(st, 2, at);
    sqlite3_bind_int64(st, 3, id);
    step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot rename parcel");
        goto fail;
    }
    if ((rc = pl_history_add(db, "parcel", id, code, "code", code, new_code, note_or_null(note), 0, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

/* The text of column `col` (name, land_use, land_use_code) of parcel `id`; malloc'd, NULL when NULL. */
static int read_text(pl_db *db, const char *sql, long id, const char *key, char **out, pl_error *err)
{
    *out = NULL;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (key)
        pl_bind_text(st, 2, key);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        if (!(*out = strdup((const char *)sqlite3_column_text(st, 0))))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read parcel");
    }
    sqlite3_finalize(st);
    return rc;
}

static int same(const char *a, const char *b)
{
    return (!a || !b) ? !a && !b : !strcmp(a, b);
}

/* Set one text column (or clear it when v is ""), with its history row when it changes. */
static int edit_column(pl_db *db, long id, const char *code, const char *col, const char *v, const char *note,
                       int *n, pl_error *err)
{
    if (!v)
        return PL_OK;
    char sel[96], upd[96];
    snprintf(sel, sizeof sel, "SELECT %s FROM parcel WHERE id = ?1", col);
    snprintf(upd, sizeof upd, "UPDATE parcel SET %s = ?2 WHERE id = ?1", col);
    char *old;
    int rc = read_text(db, sel, id, NULL, &old, err);
    if (rc)
        return rc;
    const char *now = *v ? v : NULL;
    if (!same(old, now)) {
        if (!(rc = pl_db_run(db, upd, "cannot change parcel", id, now, NULL, NULL, err)) &&
            !(rc = pl_history_add(db, "parcel", id, code, col, old, now, note, 0, err)))
            (*n)++;
    }
    free(old);
    return rc;
}

/* Set (v not NULL) or remove (v NULL) attrs[key], with its history row when it changes. */
static int edit_attr(pl_db *db, long id, const char *code, const char *key, const char *v, const char *note, int *n,
                     pl_error *err)
{
    char path[512];
    if (!*key || strchr(key, '"') || strlen(key) + 5 > sizeof path)
        return pl_error_set(err, PL_ERR_USAGE, "attribute key '%s' is empty, too long or has a '\"'", key);
    snprintf(path, sizeof path, "$.\"%s\"", key);
    char *old;
    int rc = read_text(db,
                       "SELECT CASE WHEN json_valid(attrs) THEN json_extract(attrs, ?2) END FROM parcel"
                       " WHERE id = ?1",
                       id, path, &old, err);
    if (rc)
        return rc;
    if (!same(old, v)) {
        sqlite3_stmt *st;
        if (!(rc = pl_db_prepare(db,
                                 v ? "UPDATE parcel SET attrs = json_set(CASE WHEN json_valid(attrs) THEN attrs"
                                     " ELSE '{}' END, ?1, ?2) WHERE id = ?3"
                                   : "UPDATE parcel SET attrs = json_remove(attrs, ?1) WHERE id = ?3",
                                 &st, err))) {
            pl_bind_text(st, 1, path);
            if (v)
                pl_bind_text(st, 2, v);
            sqlite3_bind_int64(st, 3, id);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = pl_db_fail(db, err, "cannot change parcel attributes");
            sqlite3_finalize(st);
        }
        char field[560];
        snprintf(field, sizeof field, "attrs.%s", key);
        if (!rc && !(rc = pl_history_add(db, "parcel", id, code, field, old, v, note, 0, err)))
            (*n)++;
    }
    free(old);
    return rc;
}

int pl_parcel_edit(pl_db *db, const char *park, const char *code, const pl_parcel_changes *c, int *changed,
                   pl_error *err)
{
    if (changed)
        *changed = 0;
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "parcel edit needs the parcel's CODE");
    if (c->approved_on && *c->approved_on) {
        char today[16];
        pl_today(today, sizeof today);
        if (!pl_date_valid(c->approved_on))
            return pl_error_set(err, PL_ERR_USAGE, "approval date '%s' is not a date (YYYY-MM-DD)", c->approved_on);
        if (strcmp(c->approved_on, today) > 0)
            return pl_error_set(err, PL_ERR_USAGE, "approval date '%s' is in the future", c->approved_on);
    }
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id = 0, park_id = 0;
    char park_code[64];
    int n = 0;
    const char *note = note_or_null(c->note);
    if ((rc = find_parcel(db, park, code, &id, &park_id, park_code, err)) ||
        (rc = edit_column(db, id, code, "name", c->name, note, &n, err)) ||
        (rc = edit_column(db, id, code, "land_use", c->land_use, note, &n, err)) ||
        (rc = edit_column(db, id, code, "land_use_code", c->land_use_code, note, &n, err)) ||
        (rc = edit_column(db, id, code, "approval_doc", c->approval_doc, note, &n, err)) ||
        (rc = edit_column(db, id, code, "approved_on", c->approved_on, note, &n, err)))
        goto fail;
    for (size_t i = 0; i < c->nattrs; i++)
        if ((rc = edit_attr(db, id, code, c->attr_keys[i], c->attr_values[i], note, &n, err)))
            goto fail;
    for (size_t i = 0; i < c->nclear; i++)
        if ((rc = edit_attr(db, id, code, c->clear_attrs[i], NULL, note, &n, err)))
            goto fail;
    if (!n) {
        pl_db_rollback(db); /* nothing differs: nothing written */
        return PL_OK;
    }
    char at[32];
    pl_now_iso(at, sizeof at);
    if ((rc = pl_db_run(db, "UPDATE parcel SET updated_at = ?2 WHERE id = ?1", "cannot change parcel", id, at, NULL,
                        NULL, err)) ||
        (rc = pl_db_commit(db, err)))
        goto fail;
    if (changed)
        *changed = n;
    return PL_OK;
fail:
    pl_db_rollback(db);
    return rc;
}
