/* staging.h — the uploads of `parkland serve` waiting for their commit (internal): one private
 * directory per server (mode 0700, under $TMPDIR or /tmp), one subdirectory per upload, removed on
 * commit, discard, expiry and when the server stops. */
#ifndef PARKLAND_SERVER_STAGING_H
#define PARKLAND_SERVER_STAGING_H

#include <jansson.h>
#include <stddef.h>

#include "parkland/error.h"

#define PL_STAGING_ID_LEN 32 /* hex of 16 random bytes */

typedef struct pl_staging pl_staging;

/* A store of at most `cap` uploads, each kept `ttl_s` seconds; its directory made now. */
int pl_staging_new(size_t cap, unsigned ttl_s, pl_staging **out, pl_error *err);
/* Remove every upload and the directory; NULL is fine. */
void pl_staging_free(pl_staging *s);

/* A new upload's directory (its path into dir, dirlen ≥ 4096) and id: 0, or -1 (no random bytes,
 * no directory). Not yet in the store: pl_staging_put it, or pl_staging_remove_dir it. */
int pl_staging_new_dir(pl_staging *s, char id[PL_STAGING_ID_LEN + 1], char *dir, size_t dirlen);
/* Remove an upload's directory and what is in it (one level: an upload has no subdirectory). */
void pl_staging_remove_dir(const char *dir);

/* Keep upload `id` of account `user`: its directory, the file to import (a path inside it) and the
 * import's parameters (a JSON object, stolen). Expired uploads go first; 0, or -1 when the store is
 * full (nothing kept: the caller removes the directory and params are freed). */
int pl_staging_put(pl_staging *s, const char *id, const char *user, const char *dir, const char *file,
                   json_t *params);
/* Take upload `id` of `user` out of the store: 1 with its directory, file (each ≥ 4096 bytes) and
 * parameters (the caller's), or 0 when there is none for this account (or it expired). */
int pl_staging_take(pl_staging *s, const char *id, const char *user, char *dir, char *file, json_t **params);
/* Remove expired uploads; how many. */
size_t pl_staging_sweep(pl_staging *s);
/* The store's directory (for tests). */
const char *pl_staging_root(const pl_staging *s);

#endif
