/* server.c — the daemon of `parkland serve` (server.h): libmicrohttpd's thread pool, the
 * request's life (limits, route, session, role, CSRF, handler), one pl_db per worker. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "http.h"

#include <arpa/inet.h>
#include <sched.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "parkland/i18n.h"
#include "parkland/parse.h"
#include "parkland/user.h"
#include "static_files.h"

#define MAX_DBS 256
#define IP_SLOTS 1024

typedef struct ip_count {
    char ip[64]; /* "" = free */
    unsigned n;
} ip_count;

struct pl_server {
    pl_server_options o;
    char *db_path;
    struct MHD_Daemon *d;
    unsigned port;
    pl_session_store *sessions;
    pthread_key_t db_key;
    pthread_mutex_t lock; /* dbs and ips */
    pl_db *dbs[MAX_DBS];
    size_t ndbs;
    ip_count ips[IP_SLOTS];
    atomic_int in_flight;
    pl_staging *staging;
    char *cert_pem, *key_pem; /* under TLS */
    int lang; /* the messages' language when a request names none: the process's */
    int starting;        /* in MHD_start_daemon: its messages go into start_msg (under lock) */
    char start_msg[256]; /* libmicrohttpd's first message while starting, for the error */
};

unsigned pl_server_default_threads(void)
{
    /* One worker per core: with more, the workers' connections wait behind each other's time
     * slices (bench/serve on 2 cores, 32 connections: p99 of the 1 km² map 51 ms with 4 workers,
     * 25 ms with 2, the same throughput); at least 2, so that a write's fsync does not hold every
     * connection. */
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t cpus; /* the cores this process may run on (taskset, a container's cpuset) */
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 0)
        n = CPU_COUNT(&cpus);
    return n < 2 ? 2 : n > 64 ? 64 : (unsigned)n;
}

void pl_server_options_init(pl_server_options *o)
{
    memset(o, 0, sizeof *o);
    o->listen = "127.0.0.1:8080";
    o->threads = pl_server_default_threads();
    o->max_body = 1 << 20;
    o->max_json = 64 << 10;
    o->max_json_depth = 8;
    o->max_header = 16 << 10;
    o->per_ip = 32;
    o->timeout_s = 30;
    o->session_idle_s = 30 * 60;
    o->session_max_s = 12 * 3600;
    o->login_failures = 5;
    o->login_window_s = 15 * 60;
    o->max_upload = 64 << 20;
    o->upload_ttl_s = 3600;
}

const pl_server_options *pl_server_opts(const pl_server *s) { return &s->o; }
pl_session_store *pl_server_sessions(pl_server *s) { return s->sessions; }
pl_staging *pl_server_staging(pl_server *s) { return s->staging; }
int pl_server_tls(const pl_server *s) { return s->cert_pem != NULL; }
unsigned pl_server_port(const pl_server *s) { return s->port; }

/* ---- the worker's database ------------------------------------------------------------- */

/* This worker's connection, opened on its first request and kept until the server stops. */
static pl_db *worker_db(pl_server *s, pl_error *err)
{
    pl_db *db = pthread_getspecific(s->db_key);
    if (db)
        return db;
    if (pl_db_open(s->db_path, &db, err))
        return NULL;
    /* a private page cache for what changes (the WAL's pages), and the file itself through a
     * map shared by all workers: a read copies no page (pl_db_set_mmap_mb) */
    if (pl_db_set_cache_mb(db, 16, err) || pl_db_set_mmap_mb(db, 1024, err)) {
        pl_db_close(db);
        return NULL;
    }
    pthread_mutex_lock(&s->lock);
    if (s->ndbs == MAX_DBS) {
        pthread_mutex_unlock(&s->lock);
        pl_db_close(db);
        pl_error_set(err, PL_ERR_NOMEM, "too many worker connections");
        return NULL;
    }
    s->dbs[s->ndbs++] = db;
    pthread_mutex_unlock(&s->lock);
    pthread_setspecific(s->db_key, db);
    return db;
}

/* ---- connections per address --------------------------------------------------------- */

static void client_ip(struct MHD_Connection *c, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, len, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, (socklen_t)len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, (socklen_t)len);
}

/* Count a connection of `ip` in (+1) or out (-1); the count after. */
static unsigned ip_add(pl_server *s, const char *ip, int delta)
{
    pthread_mutex_lock(&s->lock);
    ip_count *hit = NULL, *free_slot = NULL;
    for (size_t i = 0; i < IP_SLOTS && !hit; i++) {
        if (!strcmp(s->ips[i].ip, ip) && s->ips[i].ip[0])
            hit = &s->ips[i];
        else if (!s->ips[i].ip[0] && !free_slot)
            free_slot = &s->ips[i];
    }
    if (!hit && delta > 0 && free_slot) {
        hit = free_slot;
        snprintf(hit->ip, sizeof hit->ip, "%s", ip);
        hit->n = 0;
    }
    unsigned n = 0;
    if (hit) {
        if (delta > 0)
            hit->n++;
        else if (hit->n > 0)
            hit->n--;
        n = hit->n;
        if (!n)
            hit->ip[0] = '\0';
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    pl_server *s = cls;
    char ip[64];
    client_ip(c, ip, sizeof ip);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = (void *)(uintptr_t)1;
        ip_add(s, ip, +1);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        ip_add(s, ip, -1);
    }
}

static unsigned ip_connections(pl_server *s, const char *ip)
{
    pthread_mutex_lock(&s->lock);
    unsigned n = 0;
    for (size_t i = 0; i < IP_SLOTS; i++)
        if (s->ips[i].ip[0] && !strcmp(s->ips[i].ip, ip))
            n = s->ips[i].n;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* ---- answers ------------------------------------------------------------------------- */

/* '<', '>' and '&' of JSON text as \u003c, \u003e, \u0026: outside strings JSON has none of
 * them, inside they mean the same; a page or a sniffing browser never sees markup in an answer.
 * Frees `text`; NULL when out of memory. */
static char *json_html_safe(char *text, size_t *len)
{
    size_t extra = 0;
    for (size_t i = 0; i < *len; i++)
        if (text[i] == '<' || text[i] == '>' || text[i] == '&')
            extra += 5;
    if (!extra)
        return text;
    char *out = malloc(*len + extra + 1), *o = out;
    if (out) {
        for (size_t i = 0; i < *len; i++) {
            char ch = text[i];
            if (ch == '<' || ch == '>' || ch == '&')
                o += sprintf(o, "\\u%04x", (unsigned)ch);
            else
                *o++ = ch;
        }
        *o = '\0';
        *len = (size_t)(o - out);
    }
    free(text);
    return out;
}

static enum MHD_Result reply(pl_req *r, unsigned status, const char *type, char *data, size_t len,
                             const char *set_cookie, const char *disposition, const char *cache_control)
{
    if (!strncmp(type, "application/json", 16) || !strncmp(type, "application/geo+json", 20))
        if (!(data = json_html_safe(data, &len)))
            return MHD_NO;
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control ? cache_control : "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (set_cookie)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, set_cookie);
    if (disposition)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_LANGUAGE, r->lang == PL_LANG_ZH ? "zh-CN" : "en");
    if (status == MHD_HTTP_TOO_MANY_REQUESTS || status == MHD_HTTP_CONTENT_TOO_LARGE)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    r->answered = 1;
    r->status = (int)status;
    return ret;
}

enum MHD_Result pl_reply_bytes(pl_req *r, unsigned status, const char *type, char *data, size_t len,
                               const char *set_cookie)
{
    return reply(r, status, type, data, len, set_cookie, NULL, NULL);
}

enum MHD_Result pl_reply_download(pl_req *r, const char *type, const char *filename, char *data, size_t len)
{
    char disposition[256]; /* filename: the server's own ASCII name, no quote in it */
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    return reply(r, MHD_HTTP_OK, type, data, len, NULL, disposition, NULL);
}

/* RFC 8187 attr-char: the bytes a filename* value keeps as they are; everything else (CR, LF,
 * quotes, ';', spaces, UTF-8) is %XX, so that no name can end the header or start another. */
static int attr_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c);
}

enum MHD_Result pl_reply_file(pl_req *r, const char *type, const char *filename, char *data, size_t len,
                              unsigned max_age_s)
{
    char disposition[64 + 3 * 256], cache[64];
    size_t n = (size_t)snprintf(disposition, sizeof disposition, "inline; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)filename; *p && n + 4 < sizeof disposition; p++)
        n += attr_char(*p) ? (size_t)snprintf(disposition + n, 2, "%c", *p)
                           : (size_t)snprintf(disposition + n, 4, "%%%02X", *p);
    snprintf(cache, sizeof cache, "private, max-age=%u", max_age_s);
    return reply(r, MHD_HTTP_OK, type, data, len, NULL, disposition, cache);
}

json_t *pl_table_to_json(pl_table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out)
        pl_table_write(t, out, PL_TABLE_JSON, 0);
    pl_table_free(t);
    json_t *j = NULL;
    if (out && !fclose(out))
        j = json_loadb(text, len, 0, NULL);
    free(text);
    return j;
}

const char *pl_json_str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

int pl_req_members(pl_req *r, json_t *j, const char *what, const char *const *keys, const char *types)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], key))
            i++;
        if (!keys[i]) {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "unknown field '%s' of %s", key, pl_tr(what));
            return 0;
        }
        if (json_is_null(v))
            continue;
        int ok = 1;
        switch (types[i]) {
        case 's': ok = json_is_string(v); break;
        case 'n': ok = json_is_number(v) || json_is_string(v); break;
        case 'b': ok = json_is_boolean(v); break;
        case 'a': {
            ok = json_is_array(v);
            size_t k;
            json_t *e;
            json_array_foreach(v, k, e) ok = ok && json_is_string(e);
            break;
        }
        case 'o': {
            ok = json_is_object(v);
            const char *k;
            json_t *e;
            json_object_foreach(v, k, e) ok = ok && (json_is_string(e) || json_is_null(e));
            break;
        }
        }
        if (!ok) {
            static const char *const kinds[] = {"s", N_("a string"), "n", N_("a number"), "b", N_("true or false"),
                                                "a", N_("an array of strings"), "o", N_("an object of strings")};
            const char *kind = "";
            for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k += 2)
                if (kinds[k][0] == types[i])
                    kind = kinds[k + 1];
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be %s", key, pl_tr(kind));
            return 0;
        }
    }
    return 1;
}

enum MHD_Result pl_reply_table_json(pl_req *r, unsigned status, pl_table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out)
        pl_table_write(t, out, PL_TABLE_JSON, 0);
    pl_table_free(t);
    if (!out || fclose(out)) {
        free(text);
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
    }
    return pl_reply_bytes(r, status, "application/json; charset=utf-8", text, len, NULL);
}

enum MHD_Result pl_reply_json_cookie(pl_req *r, unsigned status, json_t *body, const char *set_cookie)
{
    /* UTF-8 as is; numbers with 15 significant digits (34056.09, not 34056.089999999997) */
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(body);
    if (!text)
        return MHD_NO;
    return pl_reply_bytes(r, status, "application/json; charset=utf-8", text, strlen(text), set_cookie);
}

enum MHD_Result pl_reply_json(pl_req *r, unsigned status, json_t *body)
{
    return pl_reply_json_cookie(r, status, body, NULL);
}

/* Bytes of s that are not UTF-8 (a client's text quoted in a message) as '?', in place. */
static void utf8_repair(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        int ok = n > 0;
        for (int k = 1; ok && k < n; k++)
            ok = (p[k] & 0xc0) == 0x80;
        if (ok && n > 1) { /* overlong forms and surrogates too: jansson's own judgement */
            json_t *t = json_stringn((const char *)p, (size_t)n);
            ok = t != NULL;
            json_decref(t);
        }
        if (!ok) {
            *p++ = '?';
            continue;
        }
        p += n;
    }
}

enum MHD_Result pl_reply_error(pl_req *r, unsigned status, const char *fmt, ...)
{
    char msg[PL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, pl_tr(fmt), ap); /* in the request's language (pl_lang_thread_use) */
    va_end(ap);
    utf8_repair(msg); /* a quoted argument may be any bytes: the answer is still JSON */
    return pl_reply_json(r, status, json_pack("{s:s}", "error", msg));
}

enum MHD_Result pl_reply_lib_error(pl_req *r, const pl_error *err)
{
    unsigned status;
    switch (err->code) {
    case PL_ERR_USAGE: status = MHD_HTTP_BAD_REQUEST; break;
    case PL_ERR_NOTFOUND: status = MHD_HTTP_NOT_FOUND; break;
    case PL_ERR_INPUT: status = MHD_HTTP_UNPROCESSABLE_CONTENT; break;
    case PL_ERR_DB: status = strstr(err->message, "busy") ? MHD_HTTP_SERVICE_UNAVAILABLE
                                                           : MHD_HTTP_INTERNAL_SERVER_ERROR; break;
    case PL_ERR_NOMEM: status = MHD_HTTP_SERVICE_UNAVAILABLE; break;
    default: status = MHD_HTTP_INTERNAL_SERVER_ERROR; break;
    }
    return pl_reply_error(r, status, "%s", err->message[0] ? err->message : "internal error");
}

int pl_req_code(pl_req *r, pl_db *db, pl_code_kind kind, const char *park, const char *text, char **out)
{
    pl_error err;
    pl_error_clear(&err);
    if (!pl_code_resolve(db, kind, park, text, out, NULL, &err))
        return 1;
    pl_reply_lib_error(r, &err);
    return 0;
}

int pl_req_date(pl_req *r, const char *name, const char *v, char out[11], const char **dst)
{
    *dst = NULL;
    if (!v)
        return 1;
    if (!pl_parse_date(v, out)) {
        pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' is not a date, '%s' (a real calendar day: %s)", name, v,
                       PL_PARSE_DATE_FORMS);
        return 0;
    }
    *dst = out;
    return 1;
}

const char *pl_req_arg(pl_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Deepest nesting of arrays and objects in JSON text (strings skipped). */
static int json_depth(const char *p, size_t n)
{
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = 0;
        } else if (ch == '"') {
            in_str = 1;
        } else if (ch == '[' || ch == '{') {
            if (++depth > max)
                max = depth;
        } else if (ch == ']' || ch == '}') {
            depth--;
        }
    }
    return max;
}

json_t *pl_req_json(pl_req *r)
{
    const pl_server_options *o = &r->srv->o;
    const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!type || strncmp(type, "application/json", 16)) {
        pl_reply_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "the body must be JSON (Content-Type: application/json)");
        return NULL;
    }
    if (!r->body || !r->body_len) {
        pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "the request has no JSON body");
        return NULL;
    }
    if (r->body_len > o->max_json) {
        pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "the JSON body has %zu bytes, more than %zu", r->body_len, o->max_json);
        return NULL;
    }
    int depth = json_depth(r->body, r->body_len);
    if (depth > o->max_json_depth) {
        pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "the JSON body nests %d deep, more than %d", depth, o->max_json_depth);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad JSON at line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "the JSON body must be an object");
        return NULL;
    }
    return j;
}

/* ---- a request --------------------------------------------------------------------- */

/* The language an Accept-Language header asks for among those parkland speaks: the entry of
 * the highest q that is zh… or en… (the first of equal ones); the server's language when none is. */
static int accept_language(const char *h, int dflt)
{
    int best = dflt;
    double best_q = -1;
    while (h && *h) {
        size_t n = strcspn(h, ",");
        char tag[64];
        size_t tl = strcspn(h, ";,");
        snprintf(tag, sizeof tag, "%.*s", (int)(tl < sizeof tag ? tl : sizeof tag - 1), h);
        char *t = tag;
        while (*t == ' ' || *t == '\t')
            t++;
        for (char *e = t + strlen(t); e > t && (e[-1] == ' ' || e[-1] == '\t');)
            *--e = '\0';
        double q = 1;
        const char *qp = strstr(h, ";q=");
        if (!qp || (size_t)(qp - h) > n)
            qp = strstr(h, "; q=");
        if (qp && (size_t)(qp - h) < n)
            q = strtod(strchr(qp, '=') + 1, NULL);
        int lang = strlen(t) >= 2 ? pl_lang_parse(t) : -1;
        if (lang >= 0 && q > 0 && q > best_q) {
            best = lang;
            best_q = q;
        }
        h += n;
        if (*h == ',')
            h++;
    }
    return best;
}

static int is_write(const char *method)
{
    return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* The session token of the Cookie header's pl_session, or NULL. */
static const char *cookie_token(pl_req *r)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "pl_session");
}

/* Route, session, role and CSRF, before the body is read: 1 when answered (refused). */
static int admit(pl_req *r, pl_db *db)
{
    int path_known = 0;
    r->route = pl_route_find(r->method, r->url, r->arg, sizeof r->arg, &path_known);
    if (!r->route) {
        if (path_known)
            pl_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "%s is not allowed on '%s'", r->method, r->url);
        else
            pl_reply_error(r, MHD_HTTP_NOT_FOUND, "no such resource '%s'", r->url);
        return 1;
    }
    /* the worker's connection remembers the last account: no request writes under another's name */
    pl_db_set_user(db, "anonymous");
    const char *token = cookie_token(r);
    if (token && strlen(token) == PL_SESSION_TOKEN_LEN)
        snprintf(r->token, sizeof r->token, "%s", token);
    if (r->route->roles == ROUTE_PUBLIC)
        return 0;
    pl_error err;
    pl_error_clear(&err);
    if (!r->token[0] || !pl_session_find(r->srv->sessions, r->token, r->user)) {
        pl_reply_error(r, MHD_HTTP_UNAUTHORIZED, "log in first (POST /api/v1/session)");
        return 1;
    }
    /* the account as it is now: disabled or changed since the login */
    int rc = pl_user_role(db, r->user, &r->role, &err);
    if (rc == PL_ERR_NOTFOUND) {
        pl_session_end(r->srv->sessions, r->token);
        pl_reply_error(r, MHD_HTTP_UNAUTHORIZED, "the account '%s' is disabled; log in again", r->user);
        return 1;
    }
    if (rc) {
        pl_reply_lib_error(r, &err);
        return 1;
    }
    if (!(r->route->roles & r->role)) {
        pl_reply_error(r, MHD_HTTP_FORBIDDEN, "the role '%s' may not %s %s", pl_role_name(r->role), r->method,
                       r->route->pattern);
        return 1;
    }
    if (is_write(r->method)) {
        const char *csrf = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!pl_session_csrf_ok(r->srv->sessions, r->token, csrf)) {
            pl_reply_error(r, MHD_HTTP_FORBIDDEN, "a write needs the X-CSRF-Token header of the session");
            return 1;
        }
    }
    /* history names the account, not the server's login */
    pl_db_set_user(db, r->user);
    return 0;
}

/* The largest body the route of method + url takes: max_upload for an import's file, else max_body. */
static size_t body_limit(pl_server *s, const char *method, const char *url)
{
    char arg[256];
    int known;
    const pl_route *rt = pl_route_find(method, url, arg, sizeof arg, &known);
    return rt && rt->fn == pl_api_import_upload ? s->o.max_upload : s->o.max_body;
}

/* --trust-proxy: the address the proxy appended last to X-Forwarded-For (nginx's
 * $proxy_add_x_forwarded_for), when it is an address; the socket's otherwise. */
static void forwarded_ip(pl_req *r)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!h)
        return;
    const char *last = strrchr(h, ',');
    last = last ? last + 1 : h;
    while (*last == ' ' || *last == '\t')
        last++;
    char ip[64];
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= sizeof ip)
        return;
    memcpy(ip, last, n);
    ip[n] = '\0';
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1)
        snprintf(r->ip, sizeof r->ip, "%s", ip);
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The URL's and the arguments' %XX, decoded in place, except %00: a NUL would end the C string
 * there, and "/api/v1/parcels/CODE%00.json" be read as CODE. It stays the three characters
 * "%00", which names nothing (404) and matches no text. */
static size_t on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *p = s; *p; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0 && (hi | lo)) {
            *w++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    pl_server *s = cls;
    pl_req *r = *con_cls;
    if (!r) { /* the headers: check all that can be checked before the body */
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        *con_cls = r;
        atomic_fetch_add(&s->in_flight, 1);
        r->srv = s;
        r->conn = c;
        r->method = method;
        r->url = url;
        r->lang = accept_language(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE), s->lang);
        pl_lang_thread_use(r->lang);
        client_ip(c, r->ip, sizeof r->ip);
        if (ip_connections(s, r->ip) > s->o.per_ip)
            return pl_reply_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "too many connections from %s (at most %u)", r->ip,
                                  s->o.per_ip);
        if (s->o.trust_proxy)
            forwarded_ip(r);
        r->body_limit = body_limit(s, method, url);
        const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (len) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(len, &end, 10);
            if (errno || *end || n > r->body_limit)
                return pl_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "the body is larger than %zu bytes",
                                      r->body_limit);
        }
        /* the pages: a fixed table of embedded files, no session (the data they show needs one) */
        const pl_static_file *page = strncmp(url, "/api/", 5) ? pl_static_find(url) : NULL;
        if (page) {
            if (strcmp(method, "GET") && strcmp(method, "HEAD"))
                return pl_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "%s is not allowed on '%s'", method, url);
            return pl_reply_static(r, page);
        }
        pl_error err;
        pl_error_clear(&err);
        pl_db *db = worker_db(s, &err);
        if (!db)
            return pl_reply_lib_error(r, &err);
        if (admit(r, db))
            return MHD_YES;
        if (r->route->fn == pl_api_import_upload)
            pl_upload_begin(r);
        return MHD_YES;
    }
    pl_lang_thread_use(r->lang); /* this worker's messages in the request's language */
    if (r->answered) { /* refused before the body: drop what comes */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->body_too_big || r->body_len + r->spool_len + n > r->body_limit) {
            r->body_too_big = 1;
            return MHD_YES;
        }
        if (r->spool) { /* an upload: to its file */
            if (fwrite(upload_data, 1, n, r->spool) != n)
                return MHD_NO;
            r->spool_len += n;
            return MHD_YES;
        }
        char *b = realloc(r->body, r->body_len + n + 1);
        if (!b)
            return MHD_NO;
        memcpy(b + r->body_len, upload_data, n);
        r->body = b;
        r->body_len += n;
        r->body[r->body_len] = '\0';
        return MHD_YES;
    }
    if (r->body_too_big)
        return pl_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "the body is larger than %zu bytes", r->body_limit);
    pl_error err;
    pl_error_clear(&err);
    pl_db *db = worker_db(s, &err);
    if (!db)
        return pl_reply_lib_error(r, &err);
    return r->route->fn(r, db);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    pl_server *s = cls;
    pl_req *r = *con_cls;
    if (!r)
        return;
    if (!s->o.quiet)
        fprintf(stderr, "parkland serve: %s %s %s → %d%s%s\n", r->ip, r->method, r->url, r->status,
                r->user[0] ? " user " : "", r->user);
    free(r->body);
    if (r->spool)
        fclose(r->spool);
    if (r->spool_dir[0]) /* an upload refused, failed or cut off: not kept */
        pl_staging_remove_dir(r->spool_dir);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    pl_server *s = cls;
    pthread_mutex_lock(&s->lock);
    int starting = s->starting;
    if (starting && !s->start_msg[0]) { /* kept for pl_server_start's own message */
        vsnprintf(s->start_msg, sizeof s->start_msg, fmt, ap);
        s->start_msg[strcspn(s->start_msg, "\n")] = '\0';
    }
    pthread_mutex_unlock(&s->lock);
    if (starting || s->o.quiet)
        return;
    fputs("parkland serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- start and stop ----------------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_in *sa, pl_error *err)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    const char *colon = strrchr(listen, ':');
    char host[64];
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return pl_error_set(err, PL_ERR_USAGE, "--listen is ADDRESS:PORT (e.g. 127.0.0.1:8080), not '%s'", listen);
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (errno || *end || !colon[1] || port > 65535)
        return pl_error_set(err, PL_ERR_USAGE, "--listen '%s': the port is 0–65535", listen);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return pl_error_set(err, PL_ERR_USAGE, "--listen '%s': '%s' is not an IPv4 address", listen, host);
    sa->sin_port = htons((unsigned short)port);
    return PL_OK;
}

/* A PEM file whole, NUL-terminated (*out malloc'd). */
static int read_pem(const char *path, char **out, pl_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pl_error_set(err, PL_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            char *b = realloc(buf, cap = 2 * (len + n + 1));
            if (!b) {
                free(buf);
                fclose(f);
                return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            }
            buf = b;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    if (!buf || len > (1 << 20) || !strstr(buf, "-----BEGIN ")) {
        free(buf);
        return pl_error_set(err, PL_ERR_INPUT, "'%s' is not a PEM file", path);
    }
    *out = buf;
    return PL_OK;
}

int pl_server_start(const pl_server_options *o, pl_server **out, pl_error *err)
{
    *out = NULL;
    if (!o->db_path)
        return pl_error_set(err, PL_ERR_USAGE, "the server needs a database");
    if (!o->cert_path != !o->key_path)
        return pl_error_set(err, PL_ERR_USAGE, "TLS needs both a certificate (--cert) and its key (--key)");
    struct sockaddr_in sa;
    int rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, err);
    if (rc)
        return rc;
    pl_db *probe; /* a database that cannot be opened is refused before listening */
    if ((rc = pl_db_open(o->db_path, &probe, err)))
        return rc;
    pl_db_close(probe);
    pl_server *s = calloc(1, sizeof *s);
    if (!s)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    s->o = *o;
    if (o->cert_path && ((rc = read_pem(o->cert_path, &s->cert_pem, err)) || (rc = read_pem(o->key_path, &s->key_pem, err)))) {
        free(s->cert_pem);
        free(s);
        return rc;
    }
    if (s->cert_pem)
        s->o.secure_cookie = 1; /* under TLS the cookie never travels in clear */
    if ((rc = pl_staging_new(256, o->upload_ttl_s ? o->upload_ttl_s : 3600, &s->staging, err))) {
        free(s->cert_pem);
        free(s->key_pem);
        free(s);
        return rc;
    }
    if (!s->o.threads)
        s->o.threads = 1;
    if (!(s->db_path = strdup(o->db_path)) ||
        !(s->sessions = pl_session_store_new(4096, o->session_idle_s, o->session_max_s, o->login_failures,
                                             o->login_window_s))) {
        free(s->db_path);
        pl_staging_free(s->staging);
        free(s->cert_pem);
        free(s->key_pem);
        free(s);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    /* every worker answers in its request's language (pl_lang_thread_use): prepared before they start */
    pl_error lerr;
    pl_error_clear(&lerr);
    if (pl_lang_threads_init(&lerr) && !o->quiet)
        fprintf(stderr, "parkland serve: messages in English only: %s\n", lerr.message);
    s->lang = pl_lang_current();
    /* CSV downloads are for people: their headers are the column titles in the request's
     * language, as the CLI's without --keys (a process-wide setting, made before the workers) */
    pl_table_csv_keys(0);
    pthread_key_create(&s->db_key, NULL);
    pthread_mutex_init(&s->lock, NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (s->cert_pem && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        rc = pl_error_set(err, PL_ERR_USAGE, "this libmicrohttpd has no TLS (GnuTLS); use a TLS reverse proxy");
        pl_server_stop(s, 0);
        return rc;
    }
    if (s->cert_pem)
        flags |= MHD_USE_TLS;
    /* the TLS options only under TLS: an empty array otherwise */
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    s->starting = 1;
    errno = 0;
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
        MHD_OPTION_ARRAY, s->cert_pem ? tls : tls + 2, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, s->o.threads,
        MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->o.max_header,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 2 * s->o.per_ip, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
        MHD_OPTION_END);
    int start_errno = errno;
    pthread_mutex_lock(&s->lock);
    s->starting = 0;
    pthread_mutex_unlock(&s->lock);
    if (!s->d) { /* the system's reason when there is one (libmicrohttpd's names port 0: the address
                  * was given whole), else libmicrohttpd's (a certificate it cannot use) */
        rc = pl_error_set(err, PL_ERR_IO, "cannot listen on %s: %s", o->listen ? o->listen : "127.0.0.1:8080",
                          start_errno ? strerror(start_errno)
                          : s->start_msg[0] ? s->start_msg : "libmicrohttpd refused");
        pl_server_stop(s, 0);
        return rc;
    }
    if (s->start_msg[0] && !s->o.quiet) /* a warning of a start that went well */
        fprintf(stderr, "parkland serve: %s\n", s->start_msg);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in bound;
    socklen_t blen = sizeof bound;
    if (di && getsockname(di->listen_fd, (struct sockaddr *)&bound, &blen) == 0)
        s->port = ntohs(bound.sin_port);
    *out = s;
    return PL_OK;
}

void pl_server_stop(pl_server *s, double grace_s)
{
    if (!s)
        return;
    if (s->d) {
        MHD_quiesce_daemon(s->d); /* no new connections */
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if (atomic_load(&s->in_flight) == 0 ||
                (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= grace_s)
                break;
            struct timespec d = {0, 10 * 1000 * 1000};
            nanosleep(&d, NULL);
        }
        MHD_stop_daemon(s->d);
    }
    for (size_t i = 0; i < s->ndbs; i++)
        pl_db_close(s->dbs[i]);
    pl_staging_free(s->staging); /* the uploads not committed go */
    free(s->cert_pem);
    if (s->key_pem)
        memset(s->key_pem, 0, strlen(s->key_pem));
    free(s->key_pem);
    pthread_key_delete(s->db_key);
    pthread_mutex_destroy(&s->lock);
    pl_session_store_free(s->sessions);
    free(s->db_path);
    free(s);
}
