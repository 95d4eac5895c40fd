/* serve_client.c — see serve_client.h. */
#include "serve_client.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

unsigned serve_port;
_Thread_local const char *extra_headers;

void resp_free(resp *r)
{
    free(r->head);
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

int connect_local(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)serve_port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

resp raw(const char *req, size_t len)
{
    int fd = connect_local();
    size_t sent = 0;
    while (sent < len) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the server may answer and close before it has read everything (413) */
        sent += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    size_t cap = 1 << 16, got = 0;
    char *buf = malloc(cap);
    ssize_t n;
    while ((n = recv(fd, buf + got, cap - got - 1, 0)) > 0) {
        got += (size_t)n;
        if (got + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    close(fd);
    buf[got] = '\0';
    resp r = {0};
    char *sep = strstr(buf, "\r\n\r\n");
    cr_assert_not_null(sep, "no answer: '%s'", buf);
    *sep = '\0';
    r.head = strdup(buf);
    r.body_len = got - (size_t)(sep + 4 - buf);
    r.body = malloc(r.body_len + 1);
    memcpy(r.body, sep + 4, r.body_len + 1);
    free(buf);
    cr_assert_eq(sscanf(r.head, "HTTP/1.1 %d", &r.status), 1, "%s", r.head);
    r.json = json_loads(r.body, 0, NULL);
    return r;
}

resp request(const char *method, const char *path, const char *cookie, const char *csrf, const char *type,
             const char *body, size_t blen)
{
    size_t plen = strlen(path);
    char *req = malloc(blen + plen + 1024);
    size_t cap = plen + 1024;
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
    if (cookie)
        n += snprintf(req + n, cap - (size_t)n, "Cookie: pl_session=%s\r\n", cookie);
    if (csrf)
        n += snprintf(req + n, cap - (size_t)n, "X-CSRF-Token: %s\r\n", csrf);
    if (extra_headers)
        n += snprintf(req + n, cap - (size_t)n, "%s", extra_headers);
    if (body)
        n += snprintf(req + n, cap - (size_t)n, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                      type ? type : "application/json", blen);
    n += snprintf(req + n, cap - (size_t)n, "\r\n");
    if (body)
        memcpy(req + n, body, blen);
    resp r = raw(req, (size_t)n + blen);
    free(req);
    return r;
}

resp http(const char *method, const char *path, const char *cookie, const char *csrf, const char *body)
{
    return request(method, path, cookie, csrf, NULL, body, body ? strlen(body) : 0);
}

const char *header(const resp *r, const char *name)
{
    static _Thread_local char value[512];
    size_t n = strlen(name);
    for (const char *p = strstr(r->head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
        if (!strncasecmp(p + 2, name, n) && p[2 + n] == ':') {
            const char *v = p + 3 + n;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof value, "%.*s", (int)strcspn(v, "\r"), v);
            return value;
        }
    return NULL;
}

const char *error_of(const resp *r)
{
    const char *e = json_string_value(json_object_get(r->json, "error"));
    return e ? e : "";
}

session login_as(const char *user, const char *password)
{
    char body[256];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
    resp r = http("POST", "/api/v1/session", NULL, NULL, body);
    cr_assert_eq(r.status, 200, "login %s: %d %s", user, r.status, r.body);
    session s;
    const char *c = header(&r, "Set-Cookie");
    cr_assert_not_null(c);
    cr_assert_eq(sscanf(c, "pl_session=%64[0-9a-f]", s.cookie), 1, "%s", c);
    snprintf(s.csrf, sizeof s.csrf, "%s", json_string_value(json_object_get(r.json, "csrf")));
    resp_free(&r);
    return s;
}

resp call(const session *s, const char *method, const char *path, const char *body)
{
    return http(method, path, s->cookie, strcmp(method, "GET") ? s->csrf : NULL, body);
}
