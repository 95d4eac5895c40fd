/* db_kept.c — statements kept prepared on a connection (db_internal.h: pl_db_prepare_kept).
 *
 * The export's query of the map has some forty sub-selects: SQLite parses and plans it in
 * about 0.3 ms, more than it takes to read a square kilometre of parcels. A connection that
 * lives for many calls (the server's workers) keeps such statements prepared, keyed by their
 * exact text; a one-shot command prepares each once either way. */
#include "db_internal.h"

#include <stdlib.h>
#include <string.h>

int pl_db_prepare_kept(pl_db *db, const char *sql, sqlite3_stmt **st, pl_error *err)
{
    struct pl_kept_stmt *victim = NULL;
    for (int i = 0; i < PL_KEPT_STMTS; i++) {
        struct pl_kept_stmt *k = &db->kept[i];
        if (k->sql && !strcmp(k->sql, sql)) {
            if (k->busy) /* nested: the same text in use further up the stack */
                return pl_db_prepare(db, sql, st, err);
            k->busy = 1;
            k->used = ++db->kept_clock;
            *st = k->st;
            return PL_OK;
        }
        if (!k->busy && (!victim || !k->sql || (victim->sql && k->used < victim->used)))
            victim = &db->kept[i];
    }
    int rc = PL_OK;
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return pl_error_set(err, PL_ERR_DB, "database: %s", sqlite3_errmsg(db->h));
    char *copy = victim ? strdup(sql) : NULL;
    if (!copy) /* every slot busy, or no memory for the key: not kept, finalized when done */
        return rc;
    if (victim->sql) {
        sqlite3_finalize(victim->st);
        free(victim->sql);
    }
    victim->sql = copy;
    victim->st = *st;
    victim->busy = 1;
    victim->used = ++db->kept_clock;
    return rc;
}

void pl_db_kept_done(pl_db *db, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (int i = 0; i < PL_KEPT_STMTS; i++)
        if (db->kept[i].sql && db->kept[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            db->kept[i].busy = 0;
            return;
        }
    sqlite3_finalize(st);
}

void pl_db_kept_release(pl_db *db)
{
    for (int i = 0; i < PL_KEPT_STMTS; i++) {
        struct pl_kept_stmt *k = &db->kept[i];
        if (k->sql) {
            sqlite3_finalize(k->st);
            free(k->sql);
        }
        memset(k, 0, sizeof *k);
    }
}
