/* serve_client.h — a tiny HTTP/1.1 client for the tests of `parkland serve` (tests/test_serve*.c):
 * one request per connection ("Connection: close"), the answer read whole, its JSON parsed.
 * Every resp owns its head, body and json: resp_free releases them. */
#ifndef PARKLAND_TESTS_SERVE_CLIENT_H
#define PARKLAND_TESTS_SERVE_CLIENT_H

#include <jansson.h>
#include <stddef.h>

typedef struct resp {
    int status;
    size_t body_len;
    char *head;   /* status line and headers */
    char *body;
    json_t *json; /* the body parsed, when it is JSON; else NULL */
} resp;

/* The loopback port of the server under test: the test's fixture sets it. */
extern unsigned serve_port;
/* Header lines added to the next requests of this thread ("Accept-Language: zh\r\n"), or NULL. */
extern _Thread_local const char *extra_headers;

void resp_free(resp *r);
/* A socket connected to serve_port (the caller closes it). */
int connect_local(void);
/* Send raw request bytes on a new connection and read the answer until the server closes. */
resp raw(const char *req, size_t len);
/* A request with optional session cookie, CSRF token and a body of `type` (NULL: JSON). */
resp request(const char *method, const char *path, const char *cookie, const char *csrf, const char *type,
             const char *body, size_t blen);
/* request() with a JSON body (or none). */
resp http(const char *method, const char *path, const char *cookie, const char *csrf, const char *body);
/* The value of header `name` of r (a static buffer, valid until the next call), or NULL. */
const char *header(const resp *r, const char *name);
/* The "error" member of a JSON answer, or "". */
const char *error_of(const resp *r);

typedef struct session {
    char cookie[80], csrf[80];
} session;

/* Log in (asserts 200): the session cookie and the CSRF token. */
session login_as(const char *user, const char *password);
/* A request of that session: its cookie, and its token unless a GET. */
resp call(const session *s, const char *method, const char *path, const char *body);

#endif
