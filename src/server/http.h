/* http.h — what the files of the server layer share (internal): a request, answers, the handlers. */
#ifndef PARKLAND_SERVER_HTTP_H
#define PARKLAND_SERVER_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

#include "parkland/code.h"
#include "parkland/db.h"
#include "parkland/table.h"
#include "server.h"
#include "session.h"
#include "staging.h"

/* A message marked for translation, looked up later (pl_tr). */
#ifndef N_
#define N_(msgid) msgid
#endif

/* One request, from its headers to its answer. */
typedef struct pl_req {
    pl_server *srv;
    struct MHD_Connection *conn;
    const char *method;          /* MHD's, lives as long as the request */
    const char *url;             /* path, percent-decoded by MHD */
    char ip[64];                 /* the client's address */
    char *body;                  /* received body, NUL-terminated; NULL when none */
    size_t body_len;
    int body_too_big;            /* more than the route's limit arrived */
    size_t body_limit;           /* max_body, or max_upload for an upload */
    /* an upload goes to a file of its own staging directory as it comes (api_imports.c) */
    FILE *spool;
    size_t spool_len;
    char spool_id[PL_STAGING_ID_LEN + 1];
    char spool_dir[4096];        /* "" when none (or handed to the staging store) */
    const struct pl_route *route;
    char arg[256];               /* the path segment the route's '*' matched */
    /* the session (when the route needs one) */
    char user[PL_SESSION_USER_MAX];
    int role;
    char token[PL_SESSION_TOKEN_LEN + 1];
    int lang;                    /* pl_lang of the answer's messages (Accept-Language) */
    int answered;
    int status;                  /* the status answered, for the log */
} pl_req;

typedef enum MHD_Result (*pl_handler)(pl_req *r, pl_db *db);

/* Route roles: PUBLIC needs no session; otherwise a mask of pl_role. */
#define ROUTE_PUBLIC 0

typedef struct pl_route {
    const char *method;
    const char *pattern;         /* "/api/v1/leads/_": '_' is one path segment, given to the handler */
    int roles;                   /* pl_role mask that may call it; ROUTE_PUBLIC */
    pl_handler fn;
} pl_route;

/* The route of method + url: the route, or NULL with *path_known 1 when the
 * path is served for other methods (405) and 0 when not at all (404).
 * Copies the '_' segment into arg. */
const pl_route *pl_route_find(const char *method, const char *url, char *arg, size_t arglen, int *path_known);
/* Every route (for docs and tests), and how many. */
const pl_route *pl_routes(size_t *n);

/* Server settings and state the handlers use. */
const pl_server_options *pl_server_opts(const pl_server *s);
pl_session_store *pl_server_sessions(pl_server *s);
pl_staging *pl_server_staging(pl_server *s);
/* 1 when the server speaks TLS. */
int pl_server_tls(const pl_server *s);

struct pl_static_file;
/* An embedded page or asset (static_files.h): its type, ETag (304 for If-None-Match), the pages' CSP. */
enum MHD_Result pl_reply_static(pl_req *r, const struct pl_static_file *f);

/* Answers: JSON (steals `body`), an error {"error": message}, raw bytes. */
enum MHD_Result pl_reply_json(pl_req *r, unsigned status, json_t *body);
enum MHD_Result pl_reply_error(pl_req *r, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
enum MHD_Result pl_reply_bytes(pl_req *r, unsigned status, const char *type, char *data, size_t len,
                               const char *set_cookie);
/* A download: `data` (stolen) with Content-Disposition: attachment; filename="filename". */
enum MHD_Result pl_reply_download(pl_req *r, const char *type, const char *filename, char *data, size_t len);
/* A stored file: `data` (stolen) of `type` with Content-Disposition: inline; filename*=UTF-8''NAME
 * (percent-encoded: no byte of the name reaches the header as it is) and Cache-Control: private,
 * max-age=max_age_s. */
enum MHD_Result pl_reply_file(pl_req *r, const char *type, const char *filename, char *data, size_t len,
                              unsigned max_age_s);
/* A table (stolen) as the JSON of the CLI's --format json. */
enum MHD_Result pl_reply_table_json(pl_req *r, unsigned status, pl_table *t);
/* The same as pl_reply_json with a Set-Cookie header. */
enum MHD_Result pl_reply_json_cookie(pl_req *r, unsigned status, json_t *body, const char *set_cookie);
/* A library error: 400 usage, 404 not found, 422 refused, 503 busy, 500 otherwise. */
enum MHD_Result pl_reply_lib_error(pl_req *r, const pl_error *err);

/* A table (stolen) as the JSON value of the CLI's --format json (an array of objects); NULL when
 * out of memory. */
json_t *pl_table_to_json(pl_table *t);
/* Every member of object j is one of keys[i] with the JSON type types[i] ('s' string, 'n' number
 * or a string, 'b' boolean, 'a' array of strings, 'o' object of strings or nulls); null stands for
 * absent. 1, or 0 after answering 400 naming the member (`what`: "a parcel edit"). */
int pl_req_members(pl_req *r, json_t *j, const char *what, const char *const *keys, const char *types);
/* The string member `key` of j, or NULL (absent or null). */
const char *pl_json_str(json_t *j, const char *key);

/* The body as a JSON object within the limits: NULL after answering 400/415. */
json_t *pl_req_json(pl_req *r);
/* The stored code of `text` (pl_code_resolve; *out malloc'd): 1, or 0 after answering 404/400. */
int pl_req_code(pl_req *r, pl_db *db, pl_code_kind kind, const char *park, const char *text, char **out);
/* A date member or argument `v` (any form of pl_parse_date) into out: 1 when absent or read
 * (*dst = out, or NULL when v is NULL), 0 after answering 400. */
int pl_req_date(pl_req *r, const char *name, const char *v, char out[11], const char **dst);
/* A query-string argument or NULL. */
const char *pl_req_arg(pl_req *r, const char *name);

/* Handlers. */
enum MHD_Result pl_api_healthz(pl_req *r, pl_db *db);
enum MHD_Result pl_api_session_create(pl_req *r, pl_db *db);
enum MHD_Result pl_api_session_delete(pl_req *r, pl_db *db);
enum MHD_Result pl_api_parcels(pl_req *r, pl_db *db);
enum MHD_Result pl_api_parcel(pl_req *r, pl_db *db);
enum MHD_Result pl_api_free(pl_req *r, pl_db *db);
enum MHD_Result pl_api_leads(pl_req *r, pl_db *db);
enum MHD_Result pl_api_lead(pl_req *r, pl_db *db);
enum MHD_Result pl_api_lead_add(pl_req *r, pl_db *db);
enum MHD_Result pl_api_lead_patch(pl_req *r, pl_db *db);
enum MHD_Result pl_api_lead_match(pl_req *r, pl_db *db);
enum MHD_Result pl_api_lead_reserve(pl_req *r, pl_db *db);
enum MHD_Result pl_api_projects(pl_req *r, pl_db *db);
enum MHD_Result pl_api_project(pl_req *r, pl_db *db);
enum MHD_Result pl_api_project_sign(pl_req *r, pl_db *db);
enum MHD_Result pl_api_project_milestone(pl_req *r, pl_db *db);
enum MHD_Result pl_api_report(pl_req *r, pl_db *db);
enum MHD_Result pl_api_export(pl_req *r, pl_db *db);
enum MHD_Result pl_api_history(pl_req *r, pl_db *db);
/* an inspection's photo or document by its SHA-256 (api_files.c) */
enum MHD_Result pl_api_file(pl_req *r, pl_db *db);
/* land: parcel edits, statuses, split/merge, reclaim, check (api_land.c) */
enum MHD_Result pl_api_parcel_patch(pl_req *r, pl_db *db);
enum MHD_Result pl_api_parcel_status(pl_req *r, pl_db *db);
enum MHD_Result pl_api_parcel_split(pl_req *r, pl_db *db);
enum MHD_Result pl_api_parcel_merge(pl_req *r, pl_db *db);
enum MHD_Result pl_api_parcel_reclaim(pl_req *r, pl_db *db);
enum MHD_Result pl_api_check(pl_req *r, pl_db *db);
/* imports: upload and dry run, commit, discard (api_imports.c). pl_upload_begin opens the upload's
 * staging file once the request is admitted: 1 when it answered (refused). */
int pl_upload_begin(pl_req *r);
enum MHD_Result pl_api_import_upload(pl_req *r, pl_db *db);
enum MHD_Result pl_api_import_commit(pl_req *r, pl_db *db);
enum MHD_Result pl_api_import_discard(pl_req *r, pl_db *db);
/* admin: accounts and parks (api_admin.c) */
enum MHD_Result pl_api_users(pl_req *r, pl_db *db);
enum MHD_Result pl_api_user_add(pl_req *r, pl_db *db);
enum MHD_Result pl_api_user_patch(pl_req *r, pl_db *db);
enum MHD_Result pl_api_parks(pl_req *r, pl_db *db);
enum MHD_Result pl_api_park_add(pl_req *r, pl_db *db);

#endif
