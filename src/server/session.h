/* session.h — login sessions and the login rate limit of `parkland serve` (internal, in memory). */
#ifndef PARKLAND_SERVER_SESSION_H
#define PARKLAND_SERVER_SESSION_H

#include <stddef.h>

#define PL_SESSION_TOKEN_LEN 64 /* hex of 32 random bytes */
#define PL_SESSION_USER_MAX 72

typedef struct pl_session_store pl_session_store;

/* A store of at most `cap` sessions; NULL when out of memory. */
pl_session_store *pl_session_store_new(size_t cap, unsigned idle_s, unsigned max_s, unsigned failures,
                                       unsigned window_s);
void pl_session_store_free(pl_session_store *s);

/* A new session for `user`: its token and CSRF token (hex, NUL-terminated).
 * The least recently used session makes room when the store is full. 0, or
 * -1 when no random bytes could be had. */
int pl_session_create(pl_session_store *s, const char *user, char token[PL_SESSION_TOKEN_LEN + 1],
                      char csrf[PL_SESSION_TOKEN_LEN + 1]);
/* The live session of `token` (compared in constant time): 1 and user copied
 * (PL_SESSION_USER_MAX), its last use now; 0 when none or expired (removed). */
int pl_session_find(pl_session_store *s, const char *token, char *user);
/* 1 when `csrf` is the CSRF token of session `token` (constant time). */
int pl_session_csrf_ok(pl_session_store *s, const char *token, const char *csrf);
/* End the session of `token` (nothing when there is none). */
void pl_session_end(pl_session_store *s, const char *token);

/* The login rate limit, per user name and client address: seconds to wait
 * (> 0) while refused, else 0. */
unsigned pl_login_blocked(pl_session_store *s, const char *user, const char *ip);
/* A failed login counted; a good one clears the count. */
void pl_login_failed(pl_session_store *s, const char *user, const char *ip);
void pl_login_succeeded(pl_session_store *s, const char *user, const char *ip);

#endif
