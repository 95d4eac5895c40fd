/* static_files.h — the pages of `parkland serve` (web/), embedded at build time by
 * cmake/embed_web.cmake: a fixed table, so a URL names one of these files or nothing. */
#ifndef PARKLAND_SERVER_STATIC_FILES_H
#define PARKLAND_SERVER_STATIC_FILES_H

#include <stddef.h>

typedef struct pl_static_file {
    const char *path;            /* "/index.html", "/vendor/leaflet/leaflet.js" */
    const char *type;            /* Content-Type */
    const char *etag;            /* "\"…\"": the start of the file's SHA-256, quoted */
    const unsigned char *data;   /* static, `size` bytes */
    size_t size;
} pl_static_file;

extern const pl_static_file pl_static_files[];
extern const size_t pl_static_files_count;

/* The file of a URL path ("/" is "/index.html"), or NULL. Never touches the file system. */
const pl_static_file *pl_static_find(const char *url);

#endif
