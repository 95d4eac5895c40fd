/* static.c — the embedded pages (static_files.h): lookup and answer. */
#include "http.h"

#include <string.h>

#include "static_files.h"

const pl_static_file *pl_static_find(const char *url)
{
    if (!strcmp(url, "/"))
        url = "/index.html";
    for (size_t i = 0; i < pl_static_files_count; i++)
        if (!strcmp(pl_static_files[i].path, url))
            return &pl_static_files[i];
    return NULL;
}

/* The pages' policy: scripts, styles, data from this server only (no inline script or style
 * element); images also from https (the optional base-map tiles of the settings). The API's
 * JSON keeps its own `default-src 'none'`. */
#define PAGE_CSP "default-src 'self'; img-src 'self' https:; object-src 'none'; base-uri 'none'; " \
                 "form-action 'self'; frame-ancestors 'none'"

enum MHD_Result pl_reply_static(pl_req *r, const pl_static_file *f)
{
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    int fresh = inm && strstr(inm, f->etag);
    struct MHD_Response *resp = MHD_create_response_from_buffer(fresh ? 0 : f->size, (void *)f->data,
                                                                MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f->type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, f->etag);
    /* revalidate every time: a new build's pages are seen at once, an unchanged one costs a 304 */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", PAGE_CSP);
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    unsigned status = fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
    enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    r->answered = 1;
    r->status = (int)status;
    return ret;
}
