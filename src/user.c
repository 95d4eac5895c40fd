/* user.c — the accounts of `parkland serve` (parkland/user.h): argon2id hashes, roles, history. */
#include "parkland/user.h"

#include <argon2.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "db_internal.h"
#include "vocab.h"

/* argon2id cost: 2 passes over 19 MiB, one lane (OWASP's minimum for
 * argon2id); about 30 ms on this machine. The parameters are in each encoded
 * hash, so raising them later keeps old hashes valid. */
#define HASH_T_COST 2
#define HASH_M_COST (19 * 1024)
#define HASH_LANES 1
#define SALT_LEN 16
#define HASH_LEN 32

static const struct {
    int role;
    const char *name;
} roles[] = {
    {PL_ROLE_VIEWER, "viewer"},
    {PL_ROLE_INVESTMENT, "investment"},
    {PL_ROLE_LAND, "land"},
    {PL_ROLE_ADMIN, "admin"},
};

int pl_role_parse(const char *s)
{
    /* the id, the Chinese or the English name, through the one vocabulary parser */
    const char *id = pl_vocab_parse_id(PL_VOCAB_ROLE, s);
    for (size_t i = 0; id && i < sizeof roles / sizeof *roles; i++)
        if (!strcmp(id, roles[i].name))
            return roles[i].role;
    return 0;
}

const char *pl_role_name(int role)
{
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (role == roles[i].role)
            return roles[i].name;
    return NULL;
}

static int check_name(const char *name, pl_error *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > PL_USER_NAME_MAX)
        return pl_error_set(err, PL_ERR_USAGE, "a user name has 1 to %d bytes", PL_USER_NAME_MAX);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == ':')
            return pl_error_set(err, PL_ERR_USAGE, "user name '%s' has a space, a control character, '/' or ':'", name);
    return PL_OK;
}

static int check_password(const char *password, pl_error *err)
{
    size_t n = password ? strlen(password) : 0;
    if (n < PL_PASSWORD_MIN)
        return pl_error_set(err, PL_ERR_USAGE, "a password has at least %d characters", PL_PASSWORD_MIN);
    if (n > PL_PASSWORD_MAX)
        return pl_error_set(err, PL_ERR_USAGE, "a password has at most %d bytes", PL_PASSWORD_MAX);
    return PL_OK;
}

/* The encoded argon2id hash of `password` with a fresh random salt, into out[len]. */
static int hash_password(const char *password, char *out, size_t len, pl_error *err)
{
    unsigned char salt[SALT_LEN];
    size_t got = 0;
    while (got < sizeof salt) {
        ssize_t r = getrandom(salt + got, sizeof salt - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return pl_error_set(err, PL_ERR_IO, "no random bytes for the password salt: %s", strerror(errno));
        got += (size_t)r;
    }
    int rc = argon2id_hash_encoded(HASH_T_COST, HASH_M_COST, HASH_LANES, password, strlen(password), salt,
                                   sizeof salt, HASH_LEN, out, len);
    if (rc != ARGON2_OK)
        return pl_error_set(err, PL_ERR_NOMEM, "cannot hash the password: %s", argon2_error_message(rc));
    return PL_OK;
}

#define ENCODED_MAX 192 /* argon2_encodedlen for these parameters is about 100 */

/* id and disabled_at of `name`: PL_OK, PL_ERR_NOTFOUND, or a database error. */
static int find(pl_db *db, const char *name, long *id, int *disabled, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, disabled_at IS NOT NULL FROM app_user WHERE name = ?1", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, name);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = (long)sqlite3_column_int64(st, 0);
        *disabled = sqlite3_column_int(st, 1);
        rc = PL_OK;
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no user '%s' (see 'parkland user list')", name);
    } else {
        rc = pl_db_fail(db, err, "cannot read the accounts");
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_user_add(pl_db *db, const char *name, int role, const char *password, pl_error *err)
{
    int rc;
    if ((rc = check_name(name, err)))
        return rc;
    if (!pl_role_name(role))
        return pl_error_set(err, PL_ERR_USAGE, "unknown role (viewer, investment, land, admin)");
    if ((rc = check_password(password, err)))
        return rc;
    char hash[ENCODED_MAX], now[32];
    if ((rc = hash_password(password, hash, sizeof hash, err)))
        return rc;
    pl_now_iso(now, sizeof now);
    if ((rc = pl_db_begin(db, err)))
        return rc;
    long id;
    int disabled;
    if ((rc = find(db, name, &id, &disabled, err)) != PL_ERR_NOTFOUND) {
        if (rc == PL_OK)
            rc = pl_error_set(err, PL_ERR_INPUT, "user '%s' already exists", name);
        goto fail;
    }
    pl_error_clear(err);
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "INSERT INTO app_user(name, role, password_hash, created_at, updated_at)"
                                " VALUES (?1, ?2, ?3, ?4, ?4)", &st, err)))
        goto fail;
    pl_bind_text(st, 1, name);
    pl_bind_text(st, 2, pl_role_name(role));
    pl_bind_text(st, 3, hash);
    pl_bind_text(st, 4, now);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot add the user");
        goto fail;
    }
    id = (long)sqlite3_last_insert_rowid(db->h);
    if ((rc = pl_history_add(db, "user", id, name, "created", NULL, pl_role_name(role), NULL, 0, err)) ||
        (rc = pl_db_commit(db, err)))
        goto fail;
    return PL_OK;
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_user_set_password(pl_db *db, const char *name, const char *password, pl_error *err)
{
    int rc;
    if ((rc = check_password(password, err)))
        return rc;
    char hash[ENCODED_MAX], now[32];
    if ((rc = hash_password(password, hash, sizeof hash, err)))
        return rc;
    pl_now_iso(now, sizeof now);
    if ((rc = pl_db_begin(db, err)))
        return rc;
    long id;
    int disabled;
    if ((rc = find(db, name, &id, &disabled, err)) ||
        (rc = pl_db_run(db, "UPDATE app_user SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
                        "cannot set the password", id, hash, now, NULL, err)) ||
        /* that it changed, never the hash */
        (rc = pl_history_add(db, "user", id, name, "password", NULL, NULL, NULL, 0, err)) ||
        (rc = pl_db_commit(db, err)))
        goto fail;
    return PL_OK;
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_user_disable(pl_db *db, const char *name, pl_error *err)
{
    char now[32];
    pl_now_iso(now, sizeof now);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id;
    int disabled;
    if ((rc = find(db, name, &id, &disabled, err)))
        goto fail;
    if (disabled) {
        rc = pl_error_set(err, PL_ERR_INPUT, "user '%s' is already disabled", name);
        goto fail;
    }
    if ((rc = pl_db_run(db, "UPDATE app_user SET disabled_at = ?2, updated_at = ?2 WHERE id = ?1",
                        "cannot disable the user", id, now, NULL, NULL, err)) ||
        (rc = pl_history_add(db, "user", id, name, "disabled", NULL, now, NULL, 0, err)) ||
        (rc = pl_db_commit(db, err)))
        goto fail;
    return PL_OK;
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_user_each(pl_db *db, int (*cb)(const pl_user_row *row, void *ctx), void *ctx, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, name, role, created_at, updated_at, disabled_at FROM app_user"
                               " ORDER BY name", &st, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_user_row r = {
            .id = (long)sqlite3_column_int64(st, 0),
            .name = (const char *)sqlite3_column_text(st, 1),
            .role = pl_role_parse((const char *)sqlite3_column_text(st, 2)),
            .created_at = (const char *)sqlite3_column_text(st, 3),
            .updated_at = (const char *)sqlite3_column_text(st, 4),
            .disabled_at = (const char *)sqlite3_column_text(st, 5),
        };
        if ((rc = cb(&r, ctx))) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot read the accounts");
}

/* name → role and hash of an enabled account; 0 when there is none. */
static int lookup(pl_db *db, const char *name, int *role, char *hash, size_t hlen, pl_error *err)
{
    sqlite3_stmt *st;
    if (pl_db_prepare_kept(db, "SELECT role, password_hash FROM app_user WHERE name = ?1 AND disabled_at IS NULL",
                           &st, err)) /* every request of the server asks */
        return -1;
    pl_bind_text(st, 1, name);
    int step = sqlite3_step(st), found = 0;
    if (step == SQLITE_ROW) {
        *role = pl_role_parse((const char *)sqlite3_column_text(st, 0));
        const char *h = (const char *)sqlite3_column_text(st, 1);
        found = h && strlen(h) < hlen;
        if (found)
            memcpy(hash, h, strlen(h) + 1);
    } else if (step != SQLITE_DONE) {
        found = -1;
        pl_db_fail(db, err, "cannot read the accounts");
    }
    pl_db_kept_done(db, st);
    return found;
}

int pl_user_role(pl_db *db, const char *name, int *role, pl_error *err)
{
    char hash[ENCODED_MAX];
    int r = 0;
    int found = lookup(db, name, &r, hash, sizeof hash, err);
    if (found < 0)
        return err->code ? err->code : PL_ERR_DB;
    if (!found || !pl_role_name(r))
        return pl_error_set(err, PL_ERR_NOTFOUND, "no user '%s' (or it is disabled)", name);
    if (role)
        *role = r;
    return PL_OK;
}

/* The hash an unknown name is checked against: the same work as a real one. */
static char dummy_hash[ENCODED_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
    pl_error ignored;
    if (hash_password("parkland: no such user", dummy_hash, sizeof dummy_hash, &ignored))
        dummy_hash[0] = '\0';
}

int pl_user_verify(pl_db *db, const char *name, const char *password, int *role, pl_error *err)
{
    pthread_once(&dummy_once, make_dummy);
    char hash[ENCODED_MAX];
    int r = 0;
    int found = name && *name && strlen(name) <= PL_USER_NAME_MAX ? lookup(db, name, &r, hash, sizeof hash, err) : 0;
    if (found < 0)
        return err->code ? err->code : PL_ERR_DB;
    size_t plen = password ? strlen(password) : 0;
    int too_long = plen > PL_PASSWORD_MAX; /* never set: wrong, after the work of a real check */
    if (too_long)
        plen = PL_PASSWORD_MAX;
    int ok = argon2id_verify(found ? hash : dummy_hash, password ? password : "", plen) == ARGON2_OK && !too_long;
    if (!found || !ok || !pl_role_name(r))
        return pl_error_set(err, PL_ERR_INPUT, "wrong user or password");
    if (role)
        *role = r;
    return PL_OK;
}
