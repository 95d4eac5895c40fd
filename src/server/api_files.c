/* api_files.c — GET /api/v1/files/SHA256: an inspection's photo or document (parkland/inspect.h)
 * as stored, for the links of the parcel panel. */
#include "http.h"

#include <stdlib.h>
#include <string.h>

#include "parkland/inspect.h"

/* The bytes of a SHA-256 never change: a browser may keep them a day (private: behind the login). */
#define FILE_MAX_AGE_S 86400u

/* 64 lowercase hex digits: the whole digest, as the parcel's JSON gives it (no prefix). */
static int is_sha256(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 64;
}

enum MHD_Result pl_api_file(pl_req *r, pl_db *db)
{
    if (!is_sha256(r->arg))
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "a file is named by its SHA-256 (64 lowercase hex digits), not '%s'", r->arg);
    pl_error err;
    pl_error_clear(&err);
    unsigned char *data = NULL;
    size_t size = 0;
    char name[256], mime[32];
    if (pl_inspection_file_get(db, r->arg, &data, &size, name, mime, &err))
        return pl_reply_lib_error(r, &err);
    return pl_reply_file(r, mime, name, (char *)data, size, FILE_MAX_AGE_S);
}
