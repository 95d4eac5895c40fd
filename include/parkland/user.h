/*
 * parkland/user.h — the accounts of `parkland serve`: a name, a role and an
 * argon2id password hash (table app_user, schema 8).
 *
 * Roles (not a ladder: investment and land are side by side; admin has both):
 *   viewer      maps, parcels, reports: read only
 *   investment  leads, match, reserve, sign, projects, milestones
 *   land        imports, parcel edits, statuses, split/merge, check
 *   admin       users, parks, everything
 *
 * Passwords are hashed with argon2id (libargon2; 16 random bytes of salt from
 * getrandom, parameters in the encoded string) and never stored, logged or put
 * in history. Every change of an account is one transaction with a history row
 * of entity "user" (created, role, password — without values —, disabled).
 * Ownership: see parkland/error.h. The strings of a pl_user_row live until the
 * callback returns.
 */
#ifndef PARKLAND_USER_H
#define PARKLAND_USER_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_role {
    PL_ROLE_VIEWER = 1 << 0,
    PL_ROLE_INVESTMENT = 1 << 1,
    PL_ROLE_LAND = 1 << 2,
    PL_ROLE_ADMIN = 1 << 3
} pl_role;

/* Every role (a mask), and the roles that may write leads, parcels. */
#define PL_ROLES_ALL (PL_ROLE_VIEWER | PL_ROLE_INVESTMENT | PL_ROLE_LAND | PL_ROLE_ADMIN)

/* "viewer|investment|land|admin", or a role's Chinese (查看, 招商, 土地, 管理员) or English
 * name in any ASCII case → its pl_role; 0 when unknown. */
int pl_role_parse(const char *s);
/* The id of a role ("viewer"…); NULL for anything but one role. Static storage. */
const char *pl_role_name(int role);

/* Passwords: at least PL_PASSWORD_MIN bytes and at most PL_PASSWORD_MAX. */
#define PL_PASSWORD_MIN 8
#define PL_PASSWORD_MAX 1024
/* Names: 1–64 bytes of UTF-8 without spaces, control characters, '/' or ':'. */
#define PL_USER_NAME_MAX 64

/* Add an account. Refuses a name already taken, a bad name, an unknown role
 * or a password outside the limits (PL_ERR_INPUT / PL_ERR_USAGE). */
int pl_user_add(pl_db *db, const char *name, int role, const char *password, pl_error *err);

/* Set a new password for `name` (PL_ERR_NOTFOUND when there is no such account). */
int pl_user_set_password(pl_db *db, const char *name, const char *password, pl_error *err);

/* Disable `name`: it can no longer log in, and its sessions stop at their next
 * request (the server looks the account up each time). Disabling a disabled
 * account is refused. */
int pl_user_disable(pl_db *db, const char *name, pl_error *err);

typedef struct pl_user_row {
    long id;
    const char *name;
    int role;                /* one pl_role */
    const char *created_at;  /* UTC "YYYY-MM-DDTHH:MM:SSZ" */
    const char *updated_at;
    const char *disabled_at; /* NULL while enabled */
} pl_user_row;

/* Every account, by name. A non-zero return of cb stops and is returned. */
int pl_user_each(pl_db *db, int (*cb)(const pl_user_row *row, void *ctx), void *ctx, pl_error *err);

/* The account `name`: PL_OK and *role set (when role is not NULL), or
 * PL_ERR_NOTFOUND for an unknown or disabled account. */
int pl_user_role(pl_db *db, const char *name, int *role, pl_error *err);

/* Check `password` for `name`. PL_OK and *role set when it matches an
 * enabled account; otherwise PL_ERR_INPUT "wrong user or password", the same
 * for an unknown name, a disabled account or a wrong password, after the same
 * argon2id work (an unknown name is checked against a dummy hash), so that
 * neither the answer nor its time tells which. */
int pl_user_verify(pl_db *db, const char *name, const char *password, int *role, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
