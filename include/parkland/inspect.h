/*
 * parkland/inspect.h — inspection records (巡查) of a parcel, with their photos
 * and documents (issue 15 §2).
 *
 * An inspection says, on a date, how far the work on the parcel is: progress
 * (%), the area developed (m²), the investment spent (万元) and since when the
 * work has stopped (停工; none while it goes on). The idle-land test of MLR
 * order 53 (parkland/idle.h) reads the latest inspection on or before its date.
 *
 * Attached files are stored in the database (BLOB) with their SHA-256, size
 * and type: JPEG, PNG or PDF, recognised by their first bytes (the name's
 * extension does not count), at most PL_INSPECTION_FILE_MAX bytes each.
 * Adding an inspection is one transaction: the record, every file, and the
 * parcel's history rows ('inspection', and 'inspection_file' per file) with
 * the account's name; any refused file refuses the whole and writes nothing.
 *
 * Ownership: see parkland/error.h. The strings of a pl_inspection live until
 * the callback returns; pl_inspection_file_get's *data is the caller's (free).
 */
#ifndef PARKLAND_INSPECT_H
#define PARKLAND_INSPECT_H

#include <stddef.h>

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest file an inspection takes: 10 MiB. */
#define PL_INSPECTION_FILE_MAX (10L * 1024 * 1024)

typedef struct pl_inspection_input {
    const char *date;          /* YYYY-MM-DD, required, not in the future */
    double progress_pct;       /* 0–100; NAN: not recorded */
    double built_area_m2;      /* ≥ 0; NAN: not recorded */
    double invested_wan;       /* ≥ 0; NAN: not recorded */
    const char *stopped_since; /* YYYY-MM-DD, not after date; NULL: work goes on */
    const char *note;          /* NULL: none */
    const char *const *files;  /* paths of photos or documents to attach */
    size_t nfiles;
} pl_inspection_input;

/* Record an inspection of parcel `code` (of `park`; NULL when the code is
 * unique). *id (may be NULL) gets the new record's id. Refusals, with nothing
 * written: PL_ERR_USAGE (bad date, percentage outside 0–100, negative area or
 * amount, stopped since after the inspection), PL_ERR_NOTFOUND (no such
 * parcel), PL_ERR_IO (a file cannot be read), PL_ERR_INPUT (a file larger than
 * PL_INSPECTION_FILE_MAX or not a JPEG, PNG or PDF: the message names the file
 * and the reason; the same file twice). */
int pl_inspection_add(pl_db *db, const char *park, const char *code, const pl_inspection_input *in, long *id,
                      pl_error *err);

/* The type of a file from its first bytes: "image/jpeg" (FF D8 FF), "image/png"
 * (89 50 4E 47 0D 0A 1A 0A) or "application/pdf" ("%PDF-"); NULL for anything
 * else. Static storage. */
const char *pl_inspection_file_type(const unsigned char *data, size_t len);

typedef struct pl_inspection_file {
    const char *name;   /* as attached, without its directory */
    const char *mime;
    long size;          /* bytes */
    const char *sha256; /* 64 lowercase hex digits */
} pl_inspection_file;

typedef struct pl_inspection {
    long id;
    const char *park, *code; /* the parcel */
    const char *date;
    double progress_pct, built_area_m2, invested_wan; /* NAN: not recorded */
    const char *stopped_since;                        /* NULL: working */
    const char *note;                                 /* NULL: none */
    const char *at, *who;                             /* recorded when (UTC) and by whom */
    size_t nfiles;
    const pl_inspection_file *files;
} pl_inspection;

/* Call `cb` for every inspection of parcel `code`, oldest first (by date, then
 * as recorded). PL_ERR_NOTFOUND when no such parcel; a non-zero return of
 * `cb` stops and is returned. Reads only. */
int pl_inspection_each(pl_db *db, const char *park, const char *code, int (*cb)(const pl_inspection *, void *),
                       void *ctx, pl_error *err);

/* One line for people, in the current language (parkland/i18n.h): the date,
 * the figures recorded, the note, and each file as "name (size bytes, sha256
 * HEX)". Truncated to len. */
void pl_inspection_text(const pl_inspection *in, char *buf, size_t len);

/* The stored file whose SHA-256 is `sha256` (64 hex digits, any case; a
 * unique prefix of at least 8 digits is enough): *data (malloc'd, the
 * caller's to free) and *size; name and mime (may be NULL) get the file's name
 * and type (truncated to their sizes, 256 and 32 bytes). PL_ERR_NOTFOUND when
 * none, PL_ERR_USAGE when the prefix names several or is not hex. */
int pl_inspection_file_get(pl_db *db, const char *sha256, unsigned char **data, size_t *size, char name[256],
                           char mime[32], pl_error *err);

/* pl_inspection_file_get, written to `path` (never half written, never
 * through a link; an existing file only with `force`). name (may be NULL)
 * gets the stored file's name, *size its size. */
int pl_inspection_file_save(pl_db *db, const char *sha256, const char *path, int force, char name[256], size_t *size,
                            pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
