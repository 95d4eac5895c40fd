/*
 * server.h — `parkland serve`: the HTTP API over the parkland library
 * (libmicrohttpd). The server layer parses requests, checks sessions, roles
 * and limits, calls the public API of include/parkland/ and writes JSON: no
 * SQL and no business rule here. docs/api.md describes the endpoints.
 *
 * Threads and the database: a pool of `threads` workers; each worker opens
 * its own pl_db on its first request and keeps it (WAL: readers do not wait
 * for each other, writers take SQLite's lock one at a time with parkland's
 * busy handler). A pl_db is never shared between threads: its SpatiaLite
 * cache, GEOS context, prepared history statement and "who" are per
 * connection and not thread-safe.
 *
 * Ownership: see parkland/error.h. pl_server_stop frees the server.
 */
#ifndef PARKLAND_SERVER_H
#define PARKLAND_SERVER_H

#include <stddef.h>

#include "parkland/error.h"

typedef struct pl_server_options {
    const char *db_path;         /* the database (required) */
    const char *listen;          /* "ADDR:PORT", IPv4; default "127.0.0.1:8080"; port 0 = any free port */
    unsigned threads;            /* worker threads (pl_server_default_threads: one per core, 2–64) */
    size_t max_body;             /* request body, bytes (1 MiB): above → 413 */
    size_t max_json;             /* JSON body, bytes (64 KiB): above → 400 */
    int max_json_depth;          /* nesting of arrays and objects (8): above → 400 */
    size_t max_header;           /* request line and headers, bytes (16 KiB): libmicrohttpd refuses more */
    unsigned per_ip;             /* connections at once from one address (32): above → 429, and the
                                    connection is refused outright above twice that */
    unsigned timeout_s;          /* idle connection timeout, seconds (30) */
    unsigned session_idle_s;     /* a session ends after this long without a request (30 min) */
    unsigned session_max_s;      /* and this long after the login in any case (12 h) */
    unsigned login_failures;     /* failed logins of one user from one address within login_window_s (5) */
    unsigned login_window_s;     /* … after which logins are refused 429 until the window passes (15 min) */
    size_t max_upload;           /* an import's file (POST /api/v1/imports), bytes (64 MiB): above → 413 */
    unsigned upload_ttl_s;       /* an uploaded import not committed is removed after this long (1 h) */
    const char *cert_path;       /* with key_path: serve HTTPS (PEM certificate chain, PEM private key) */
    const char *key_path;
    int trust_proxy;             /* the client's address is the last of X-Forwarded-For (behind a reverse
                                    proxy that sets it: the login limit and the log then see browsers) */
    int secure_cookie;           /* mark the cookie Secure (behind a TLS proxy; always under TLS) */
    int quiet;                   /* no request log on stderr */
} pl_server_options;

void pl_server_options_init(pl_server_options *o);
/* The default number of workers: the online cores, at least 2, at most 64. */
unsigned pl_server_default_threads(void);

typedef struct pl_server pl_server;

/* Open the database once (to refuse a bad file before listening), bind and
 * start the workers. */
int pl_server_start(const pl_server_options *o, pl_server **out, pl_error *err);

/* The port listened on (the one chosen when the options said 0). */
unsigned pl_server_port(const pl_server *s);

/* Stop accepting connections, let the requests in progress finish (up to
 * grace_s seconds), stop the workers, close their databases and free `s`.
 * NULL is fine. Every write is one library transaction: a request either
 * committed before its answer or did nothing. */
void pl_server_stop(pl_server *s, double grace_s);

#endif
