/* history.c — reading the change history of a parcel, lead, project or park. */
#include "parkland/history.h"

#include "db_internal.h"

#include <stdio.h>
#include <string.h>

const char *pl_history_entity_parse(const char *s)
{
    static const char *const entities[] = {"parcel", "lead", "project", "park", "user"};
    for (size_t i = 0; s && i < sizeof entities / sizeof *entities; i++)
        if (!strcmp(s, entities[i]))
            return entities[i];
    return NULL;
}

/* The ids of the entity: from its table, else from the history rows that
 * carry its code (a parcel or a lead since removed). Fills at most `cap` ids. */
static int resolve(pl_db *db, const char *entity, const char *park, const char *code, long *ids, size_t cap,
                   size_t *n, int *gone, pl_error *err)
{
    *n = 0;
    *gone = 0;
    const char *sql;
    if (!strcmp(entity, "parcel"))
        sql = "SELECT p.id, k.code FROM parcel p JOIN park k ON k.id = p.park_id"
              " WHERE p.code = ?1 AND (?2 IS NULL OR k.code = ?2) ORDER BY k.code";
    else if (!strcmp(entity, "lead"))
        sql = "SELECT id, NULL FROM lead WHERE code = ?1";
    else if (!strcmp(entity, "project"))
        sql = "SELECT id, NULL FROM project WHERE code = ?1";
    else if (!strcmp(entity, "user"))
        sql = "SELECT id, NULL FROM app_user WHERE name = ?1";
    else
        sql = "SELECT id, NULL FROM park WHERE code = ?1";
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    if (!strcmp(entity, "parcel"))
        pl_bind_text(st, 2, park);
    char parks[2][64] = {"", ""};
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
        if (*n < 2 && sqlite3_column_text(st, 1))
            snprintf(parks[*n], sizeof parks[0], "%s", (const char *)sqlite3_column_text(st, 1));
        ids[(*n)++] = (long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pl_db_fail(db, err, "cannot read history");
    if (*n > 1)
        return pl_error_set(err, PL_ERR_USAGE, "parcel code '%s' exists in parks '%s' and '%s'; name one with --park",
                            code, parks[0], parks[1]);
    if (*n == 1)
        return PL_OK;
    /* gone from its table: the history rows still name it (only without --park,
     * since they do not say which park) */
    if (!(park && !strcmp(entity, "parcel"))) {
        if ((rc = pl_db_prepare(db, "SELECT DISTINCT entity_id FROM history WHERE entity = ?1 AND code = ?2"
                                    " ORDER BY entity_id", &st, err)))
            return rc;
        pl_bind_text(st, 1, entity);
        pl_bind_text(st, 2, code);
        while (sqlite3_step(st) == SQLITE_ROW && *n < cap)
            ids[(*n)++] = (long)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (*n > 1)
            return pl_error_set(err, PL_ERR_USAGE, "%s code '%s' named %zu different %ss over time%s", entity, code,
                                *n, entity, strcmp(entity, "parcel") ? "" : "; name the park with --park");
        if (*n == 1) {
            *gone = 1;
            return PL_OK;
        }
    }
    if (park && !strcmp(entity, "parcel"))
        return pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s' in park '%s'", code, park);
    return pl_error_set(err, PL_ERR_NOTFOUND, "no %s '%s'", entity, code);
}

int pl_history_each(pl_db *db, const char *entity, const char *park, const char *code,
                    int (*cb)(const pl_history_row *row, void *ctx), void *ctx, pl_error *err)
{
    const char *e = pl_history_entity_parse(entity);
    if (!e)
        return pl_error_set(err, PL_ERR_USAGE, "history of what? parcel, lead, project or park, not '%s'",
                            entity ? entity : "");
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "history %s needs a CODE", e);
    long ids[4];
    size_t n;
    int gone;
    int rc = resolve(db, e, park, code, ids, 4, &n, &gone, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
            "SELECT id, entity, entity_id, code, field, old_value, new_value, at, effective, who, note, batch_id"
            "  FROM history WHERE entity = ?1 AND entity_id = ?2 AND (code = ?3 OR (NOT ?4 AND id >"
            "  coalesce((SELECT max(r.id) FROM history r WHERE r.entity = ?1 AND r.entity_id = ?2"
            "  AND r.field = 'removed'), 0))) ORDER BY id", &st, err)))
        return rc;
    /* An undone import removes parcels (import_batch.c), and a later parcel may
     * take a removed one's id: the rows of an id since its last removal are the
     * present holder's, the earlier ones those that carry the code asked for; a
     * removed parcel's rows are those that carry its code. */
    pl_bind_text(st, 1, e);
    sqlite3_bind_int64(st, 2, ids[0]);
    pl_bind_text(st, 3, code);
    sqlite3_bind_int(st, 4, gone);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_history_row r;
        r.id = (long)sqlite3_column_int64(st, 0);
        r.entity = (const char *)sqlite3_column_text(st, 1);
        r.entity_id = (long)sqlite3_column_int64(st, 2);
        r.code = (const char *)sqlite3_column_text(st, 3);
        r.field = (const char *)sqlite3_column_text(st, 4);
        r.old_value = (const char *)sqlite3_column_text(st, 5);
        r.new_value = (const char *)sqlite3_column_text(st, 6);
        r.at = (const char *)sqlite3_column_text(st, 7);
        r.effective = (const char *)sqlite3_column_text(st, 8);
        r.who = (const char *)sqlite3_column_text(st, 9);
        r.note = (const char *)sqlite3_column_text(st, 10);
        r.batch_id = (long)sqlite3_column_int64(st, 11);
        if ((rc = cb(&r, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read history");
    sqlite3_finalize(st);
    return rc;
}

int pl_history_remove(pl_db *db, const char *delete_sql, const char *entity, long id, const char *code,
                      const char *summary, const char *note, pl_error *err)
{
    char what[48];
    snprintf(what, sizeof what, "cannot remove %s", entity);
    int rc = pl_db_run(db, delete_sql, what, id, NULL, NULL, NULL, err);
    return rc ? rc : pl_history_add(db, entity, id, code, "removed", summary, NULL, note && *note ? note : NULL, 0, err);
}
