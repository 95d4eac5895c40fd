/* hash.h — digests of files (internal). */
#ifndef PARKLAND_HASH_H
#define PARKLAND_HASH_H

#include "parkland/error.h"

/* SHA-256 of the file at `path` as 64 lowercase hex digits and a NUL in hex.
 * PL_ERR_IO (err names the file) when it cannot be read. */
int pl_file_sha256(const char *path, char hex[65], pl_error *err);

/* SHA-256 of len bytes at data as 64 lowercase hex digits and a NUL; 0 on success. */
int pl_sha256_hex(const void *data, size_t len, char hex[65]);
#endif
