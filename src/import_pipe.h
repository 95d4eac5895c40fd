/*
 * import_pipe.h — read a parcel file on a thread of its own (internal).
 *
 * The import has two halves: reading and judging each feature's geometry
 * (parse, GEOS validity, transformation: no database needed), and checking
 * and writing it (duplicates, overlaps, inserts, history: the database). A
 * pl_pipe runs the first half — the reader and a caller-given stage function
 * — on a second thread, and hands finished items to the caller's thread in
 * file order through a small ring of reused slots, so that memory stays
 * constant and the two halves run side by side on two CPUs.
 *
 * Ownership: pl_pipe_start allocates the pipe, pl_pipe_finish frees it. Each
 * slot's copy of the feature belongs to the pipe; slot_data[i] (the stage's
 * per-slot results) belongs to the caller, who frees it after finishing.
 * An item from pl_pipe_next is the caller's until pl_pipe_release.
 *
 * Threads: the stage function runs on the reader thread, one item at a time;
 * it must touch nothing the caller's thread uses meanwhile (its own GEOS
 * context, its own SpatiaLite cache). The database connection may be used by
 * the stage only before the first item is published (setting up), while the
 * caller waits in pl_pipe_next.
 */
#ifndef PARKLAND_IMPORT_PIPE_H
#define PARKLAND_IMPORT_PIPE_H

#include "reader.h"

typedef struct pl_pipe_item {
    pl_feature f;     /* a copy: geom, where, kind and attrs owned by the pipe */
    void *data;       /* slot_data[i] of this slot */
} pl_pipe_item;

/* Runs on the reader thread for every feature, after the copy. Non-zero
 * stops reading (the value becomes the reader's result, `err` its message). */
typedef int (*pl_pipe_stage)(pl_pipe_item *item, const pl_source_info *info, void *ctx, pl_error *err);

/* Runs once on the reader thread before the reader starts (NULL: none).
 * Non-zero stops there: the value becomes the reader's result. */
typedef int (*pl_pipe_prologue)(void *ctx, pl_error *err);

typedef struct pl_pipe pl_pipe;

#define PL_PIPE_SLOTS 64

/* Start reading `path` with pl_read_any on a new thread. slot_data holds
 * PL_PIPE_SLOTS pointers. PL_ERR_NOMEM, or PL_ERR_IO when no thread starts. */
int pl_pipe_start(pl_pipe **out, void *const *slot_data, const char *path, pl_format fmt,
                  const pl_read_options *ro, pl_source_info *info, pl_pipe_prologue prologue,
                  pl_pipe_stage stage, void *ctx, pl_error *err);

/* The next item in file order; blocks. NULL when the reader has finished
 * (or stopped) and every item has been handed out. */
pl_pipe_item *pl_pipe_next(pl_pipe *p);

/* Give the item's slot back to the reader. */
void pl_pipe_release(pl_pipe *p, pl_pipe_item *item);

/* Stop (cancel = 1: tell the reader to stop at its next feature), wait for
 * the thread and free the pipe. Returns the reader's result, with `err`
 * filled by the reader or the stage when it is not PL_OK. */
int pl_pipe_finish(pl_pipe *p, int cancel, pl_error *err);

#endif
