/*
 * parkland/error.h — result codes and the caller-owned error buffer.
 *
 * Ownership rule for the whole public API (stated once, here):
 *   - Every function that can fail returns an int result code (PL_OK on success)
 *     and takes a `pl_error *` that the CALLER owns (usually on its stack).
 *     The library fills it on failure; it never allocates it.
 *   - A `const char *` returned by the library points into an object the caller
 *     passed in, and lives as long as that object.
 *   - A `char *` or struct pointer returned through an out-parameter is
 *     allocated by the library and freed by the caller with the matching
 *     `*_free`/`*_release` function named in the header that returns it.
 *   - The library never prints and never exits: only the CLI does.
 */
#ifndef PARKLAND_ERROR_H
#define PARKLAND_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pl_result {
    PL_OK = 0,
    PL_ERR_INPUT = 1,    /* the input or request was refused (bad file, illegal move…) */
    PL_ERR_USAGE = 2,    /* wrong arguments */
    PL_ERR_NOTFOUND = 3, /* the named park, parcel, lead… does not exist */
    PL_ERR_DB = 4,       /* the database refused or failed */
    PL_ERR_IO = 5,       /* a file could not be read or written */
    PL_ERR_NOMEM = 6
};

#define PL_ERROR_MAX 2048

typedef struct pl_error {
    int code;                    /* one of enum pl_result */
    char message[PL_ERROR_MAX];  /* UTF-8, lowercase start, names the subject */
} pl_error;

/* Reset to PL_OK and an empty message. */
void pl_error_clear(pl_error *err);

/* Fill `err` (if non-NULL) and return `code`, printf-style. */
int pl_error_set(pl_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the existing message with more context: "CONTEXT: old message". */
int pl_error_prefix(pl_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif
#endif
