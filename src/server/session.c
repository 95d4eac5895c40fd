/* session.c — login sessions and the login rate limit, in memory (session.h). */
#include "session.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

typedef struct session {
    char token[PL_SESSION_TOKEN_LEN + 1]; /* "" = free slot */
    char csrf[PL_SESSION_TOKEN_LEN + 1];
    char user[PL_SESSION_USER_MAX];
    time_t created, last;
} session;

typedef struct failure {
    char key[PL_SESSION_USER_MAX + 64]; /* "user\nip"; "" = free */
    unsigned count;
    time_t first;
} failure;

#define FAILURE_SLOTS 1024

struct pl_session_store {
    pthread_mutex_t lock;
    session *s;
    size_t cap;
    unsigned idle_s, max_s, failures, window_s;
    failure f[FAILURE_SLOTS];
};

static time_t now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec;
}

pl_session_store *pl_session_store_new(size_t cap, unsigned idle_s, unsigned max_s, unsigned failures,
                                       unsigned window_s)
{
    pl_session_store *s = calloc(1, sizeof *s);
    if (!s || !(s->s = calloc(cap, sizeof *s->s))) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->cap = cap;
    s->idle_s = idle_s;
    s->max_s = max_s;
    s->failures = failures;
    s->window_s = window_s;
    return s;
}

void pl_session_store_free(pl_session_store *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->lock);
    memset(s->s, 0, s->cap * sizeof *s->s); /* no tokens left in freed memory */
    free(s->s);
    free(s);
}

static int random_hex(char out[PL_SESSION_TOKEN_LEN + 1])
{
    unsigned char b[PL_SESSION_TOKEN_LEN / 2];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        got += (size_t)r;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof b; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[PL_SESSION_TOKEN_LEN] = '\0';
    return 0;
}

/* Equal strings of PL_SESSION_TOKEN_LEN, in time that does not depend on where they differ. */
static int token_eq(const char *a, const char *b)
{
    if (strlen(b) != PL_SESSION_TOKEN_LEN || strlen(a) != PL_SESSION_TOKEN_LEN)
        return 0;
    unsigned char d = 0;
    for (size_t i = 0; i < PL_SESSION_TOKEN_LEN; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static int expired(const pl_session_store *s, const session *x, time_t t)
{
    return t - x->last >= (time_t)s->idle_s || t - x->created >= (time_t)s->max_s;
}

int pl_session_create(pl_session_store *s, const char *user, char token[PL_SESSION_TOKEN_LEN + 1],
                      char csrf[PL_SESSION_TOKEN_LEN + 1])
{
    if (random_hex(token) || random_hex(csrf))
        return -1;
    time_t t = now_s();
    pthread_mutex_lock(&s->lock);
    size_t pick = 0;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->s[i].token[0] || expired(s, &s->s[i], t)) {
            pick = i;
            break;
        }
        if (s->s[i].last < s->s[pick].last)
            pick = i;
    }
    session *x = &s->s[pick];
    memcpy(x->token, token, PL_SESSION_TOKEN_LEN + 1);
    memcpy(x->csrf, csrf, PL_SESSION_TOKEN_LEN + 1);
    snprintf(x->user, sizeof x->user, "%s", user);
    x->created = x->last = t;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* The slot of `token`, or NULL; the lock held. */
static session *slot_of(pl_session_store *s, const char *token)
{
    session *hit = NULL;
    for (size_t i = 0; i < s->cap; i++) /* every slot, whatever matches: constant time */
        if (s->s[i].token[0] && token_eq(s->s[i].token, token))
            hit = &s->s[i];
    return hit;
}

int pl_session_find(pl_session_store *s, const char *token, char *user)
{
    if (!token || strlen(token) != PL_SESSION_TOKEN_LEN)
        return 0;
    time_t t = now_s();
    pthread_mutex_lock(&s->lock);
    session *x = slot_of(s, token);
    int ok = 0;
    if (x && expired(s, x, t)) {
        memset(x, 0, sizeof *x);
    } else if (x) {
        x->last = t;
        memcpy(user, x->user, PL_SESSION_USER_MAX);
        ok = 1;
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

int pl_session_csrf_ok(pl_session_store *s, const char *token, const char *csrf)
{
    if (!token || !csrf)
        return 0;
    pthread_mutex_lock(&s->lock);
    session *x = slot_of(s, token);
    int ok = x && token_eq(x->csrf, csrf);
    pthread_mutex_unlock(&s->lock);
    return ok;
}

void pl_session_end(pl_session_store *s, const char *token)
{
    if (!token)
        return;
    pthread_mutex_lock(&s->lock);
    session *x = slot_of(s, token);
    if (x)
        memset(x, 0, sizeof *x);
    pthread_mutex_unlock(&s->lock);
}

/* ---- the login rate limit ------------------------------------------------------------- */

static void key_of(const char *user, const char *ip, char *key, size_t len)
{
    snprintf(key, len, "%.*s\n%s", PL_SESSION_USER_MAX - 1, user ? user : "", ip ? ip : "");
}

/* The slot of key, or NULL (lock held). */
static failure *failure_of(pl_session_store *s, const char *key)
{
    for (size_t i = 0; i < FAILURE_SLOTS; i++)
        if (s->f[i].key[0] && !strcmp(s->f[i].key, key))
            return &s->f[i];
    return NULL;
}

unsigned pl_login_blocked(pl_session_store *s, const char *user, const char *ip)
{
    char key[sizeof s->f[0].key];
    key_of(user, ip, key, sizeof key);
    time_t t = now_s();
    unsigned wait = 0;
    pthread_mutex_lock(&s->lock);
    failure *f = failure_of(s, key);
    if (f && t - f->first >= (time_t)s->window_s)
        memset(f, 0, sizeof *f);
    else if (f && f->count >= s->failures)
        wait = (unsigned)(s->window_s - (t - f->first));
    pthread_mutex_unlock(&s->lock);
    return wait;
}

void pl_login_failed(pl_session_store *s, const char *user, const char *ip)
{
    char key[sizeof s->f[0].key];
    key_of(user, ip, key, sizeof key);
    time_t t = now_s();
    pthread_mutex_lock(&s->lock);
    failure *f = failure_of(s, key);
    if (!f) { /* a free slot, else the oldest window */
        f = &s->f[0];
        for (size_t i = 0; i < FAILURE_SLOTS; i++) {
            if (!s->f[i].key[0] || t - s->f[i].first >= (time_t)s->window_s) {
                f = &s->f[i];
                break;
            }
            if (s->f[i].first < f->first)
                f = &s->f[i];
        }
        memset(f, 0, sizeof *f);
        snprintf(f->key, sizeof f->key, "%s", key);
        f->first = t;
    }
    f->count++;
    pthread_mutex_unlock(&s->lock);
}

void pl_login_succeeded(pl_session_store *s, const char *user, const char *ip)
{
    char key[sizeof s->f[0].key];
    key_of(user, ip, key, sizeof key);
    pthread_mutex_lock(&s->lock);
    failure *f = failure_of(s, key);
    if (f)
        memset(f, 0, sizeof *f);
    pthread_mutex_unlock(&s->lock);
}
