/*
 * parkland/batch.h — the import batches: list them, undo one.
 * Ownership: see parkland/error.h. The strings of a pl_batch_row live until
 * the callback returns; a pl_batch_undo_result owns its arrays and strings
 * until pl_batch_undo_result_release.
 */
#ifndef PARKLAND_BATCH_H
#define PARKLAND_BATCH_H
#include <stddef.h>
#include "parkland/db.h"
#ifdef __cplusplus
extern "C" {
#endif
typedef struct pl_batch_row {
    long id;
    const char *file, *sha256, *format;
    const char *encoding;     /* NULL when the format has none */
    int source_srid;          /* 0 when unknown */
    int target_srid;
    const char *park;         /* the park's code; NULL when the batch names none */
    long n_read, n_inserted, n_updated, n_skipped, n_repaired;
    double area_m2;
    const char *imported_at, *imported_by;
    const char *undone_at, *undone_by; /* NULL while the batch stands */
} pl_batch_row;
/* Call `cb` for every import batch (of park `park` when not NULL), newest
 * first. PL_ERR_NOTFOUND for an unknown park; a non-zero return of `cb`
 * stops and is returned. */
int pl_batch_each(pl_db *db, const char *park, int (*cb)(const pl_batch_row *row, void *ctx), void *ctx,
                  pl_error *err);

/* A parcel of the batch that something did after the import. */
typedef struct pl_batch_blocker {
    char *code; /* owned */
    char *what; /* owned: "status available → reserved on 2026-03-01 by li", "a reservation from …" */
} pl_batch_blocker;

typedef struct pl_batch_undo_result {
    long batch_id;
    char *file;               /* owned: the batch's file */
    char **codes;             /* owned: the codes of the parcels the batch inserted, in import order */
    size_t ncodes;
    long removed;             /* parcels removed: ncodes, or 0 for a dry run or a refusal */
    pl_batch_blocker *blockers; /* owned: why the undo was refused, parcel by parcel */
    size_t nblockers;
} pl_batch_undo_result;

/* Undo import batch `batch_id`: remove the parcels it inserted (their
 * indicators and R*Tree entries with them), write a history row "removed"
 * for each (note: the batch, the undo and `note` when not NULL; who:
 * pl_db_user) and mark the batch undone — one transaction. Refused
 * (PL_ERR_INPUT, nothing changed) when the batch was undone already, when it
 * updated existing parcels (their earlier values are not all in the
 * history), or when anything touched one of its parcels after the import:
 * then r->blockers says what, parcel by parcel. `dry_run` checks and fills r
 * the same, and writes nothing. PL_ERR_NOTFOUND for an unknown batch.
 * r is filled in every case; release it with pl_batch_undo_result_release. */
int pl_batch_undo(pl_db *db, long batch_id, const char *note, int dry_run, pl_batch_undo_result *r,
                  pl_error *err);
void pl_batch_undo_result_release(pl_batch_undo_result *r);
#ifdef __cplusplus
}
#endif
#endif
