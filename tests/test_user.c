/* test_user.c — accounts of `parkland serve` (parkland/user.h): argon2id hashes, roles, history, schema 8. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db_internal.h"
#include "parkland/user.h"
#include "testutil.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

Test(user, add_verify_and_roles)
{
    pl_db *db = tu_db_new("user_add.db", NULL);
    pl_error err;
    cr_assert_eq(pl_user_add(db, "alice", PL_ROLE_INVESTMENT, "correct horse", &err), PL_OK, "%s", err.message);
    int role = 0;
    cr_assert_eq(pl_user_verify(db, "alice", "correct horse", &role, &err), PL_OK, "%s", err.message);
    cr_assert_eq(role, PL_ROLE_INVESTMENT);
    cr_assert_eq(pl_user_verify(db, "alice", "correct horsE", &role, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "wrong user or password");
    cr_assert_eq(pl_user_verify(db, "nobody", "correct horse", &role, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "wrong user or password");
    cr_assert_eq(pl_user_add(db, "alice", PL_ROLE_VIEWER, "another one", &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "user 'alice' already exists");
    cr_assert_eq(pl_user_add(db, "bob", 0, "another one", &err), PL_ERR_USAGE);
    cr_assert_eq(pl_user_add(db, "bob", PL_ROLE_LAND, "short", &err), PL_ERR_USAGE);
    cr_assert_eq(pl_user_add(db, "b o b", PL_ROLE_LAND, "long enough", &err), PL_ERR_USAGE);
    cr_assert_eq(pl_user_add(db, "", PL_ROLE_LAND, "long enough", &err), PL_ERR_USAGE);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM app_user"), 1);
    cr_assert_eq(pl_role_parse("admin"), PL_ROLE_ADMIN);
    /* a role is read like every enumerated value: id, Chinese or English name, any ASCII case */
    cr_assert_eq(pl_role_parse("Admin"), PL_ROLE_ADMIN);
    cr_assert_eq(pl_role_parse("管理员"), PL_ROLE_ADMIN);
    cr_assert_eq(pl_role_parse("ADMINISTRATOR"), PL_ROLE_ADMIN);
    cr_assert_eq(pl_role_parse("招商"), PL_ROLE_INVESTMENT);
    cr_assert_eq(pl_role_parse("查看"), PL_ROLE_VIEWER);
    cr_assert_eq(pl_role_parse("土地"), PL_ROLE_LAND);
    cr_assert_eq(pl_role_parse("root"), 0);
    cr_assert_eq(pl_role_parse(""), 0);
    cr_assert_eq(pl_role_parse(NULL), 0);
    cr_assert_str_eq(pl_role_name(PL_ROLE_LAND), "land");
    cr_assert_null(pl_role_name(PL_ROLE_LAND | PL_ROLE_ADMIN));
    tu_db_close(db);
}

Test(user, hash_is_argon2id_salted_and_never_in_history)
{
    pl_db *db = tu_db_new("user_hash.db", NULL);
    pl_error err;
    cr_assert_eq(pl_user_add(db, "a", PL_ROLE_VIEWER, "same password", &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_user_add(db, "b", PL_ROLE_VIEWER, "same password", &err), PL_OK, "%s", err.message);
    char ha[256], hb[256];
    snprintf(ha, sizeof ha, "%s", tu_sql_text(db, "SELECT password_hash FROM app_user WHERE name = 'a'"));
    snprintf(hb, sizeof hb, "%s", tu_sql_text(db, "SELECT password_hash FROM app_user WHERE name = 'b'"));
    cr_assert(!strncmp(ha, "$argon2id$v=19$", 15), "%s", ha);
    cr_assert_str_neq(ha, hb, "the same password got the same salt");
    cr_assert_null(strstr(ha, "same password"));
    cr_assert_eq(pl_user_set_password(db, "a", "a new password", &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_user_verify(db, "a", "same password", NULL, &err), PL_ERR_INPUT);
    cr_assert_eq(pl_user_verify(db, "a", "a new password", NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_user_set_password(db, "zed", "a new password", &err), PL_ERR_NOTFOUND);
    /* history: who, what; never a password or a hash */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'user' AND code = 'a'"), 2);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'user' AND field = 'password'"
                                  " AND old_value IS NULL AND new_value IS NULL AND who = 'tester'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE coalesce(new_value, '') LIKE '%argon2%'"
                                  " OR coalesce(old_value, '') LIKE '%password%'"), 0);
    tu_db_close(db);
}

Test(user, disabled_account_cannot_log_in)
{
    pl_db *db = tu_db_new("user_disable.db", NULL);
    pl_error err;
    cr_assert_eq(pl_user_add(db, "carol", PL_ROLE_LAND, "long enough", &err), PL_OK, "%s", err.message);
    int role;
    cr_assert_eq(pl_user_role(db, "carol", &role, &err), PL_OK);
    cr_assert_eq(role, PL_ROLE_LAND);
    cr_assert_eq(pl_user_disable(db, "carol", &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_user_disable(db, "carol", &err), PL_ERR_INPUT);
    cr_assert_eq(pl_user_verify(db, "carol", "long enough", &role, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "wrong user or password");
    cr_assert_eq(pl_user_role(db, "carol", &role, &err), PL_ERR_NOTFOUND);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'user' AND field = 'disabled'"), 1);
    tu_db_close(db);
}

/* An unknown name costs the same argon2id work as a wrong password: the time does not tell. */
Test(user, unknown_name_takes_as_long_as_a_wrong_password)
{
    pl_db *db = tu_db_new("user_time.db", NULL);
    pl_error err;
    cr_assert_eq(pl_user_add(db, "dave", PL_ROLE_VIEWER, "long enough", &err), PL_OK, "%s", err.message);
    pl_user_verify(db, "nobody", "x", NULL, &err); /* the dummy hash is made once */
    double known = 0, unknown = 0;
    for (int i = 0; i < 5; i++) {
        double t0 = now_s();
        pl_user_verify(db, "dave", "wrong password", NULL, &err);
        double t1 = now_s();
        pl_user_verify(db, "nobody", "wrong password", NULL, &err);
        double t2 = now_s();
        known += t1 - t0;
        unknown += t2 - t1;
    }
    cr_assert(known > 0.005 * 5, "argon2id took only %.1f ms", known / 5 * 1e3);
    cr_assert(unknown > known * 0.5 && unknown < known * 2, "known %.1f ms, unknown %.1f ms", known / 5 * 1e3,
              unknown / 5 * 1e3);
    tu_db_close(db);
}

/* A schema 5 file (no app_user, no lead.park_id) gets app_user when it is opened (schema 8). */
Test(user, schema_8_migration)
{
    char path[1024];
    pl_db *db = tu_db_new("user_migrate.db", path);
    tu_sql_exec(db, "DROP TABLE app_user; ALTER TABLE lead DROP COLUMN park_id; UPDATE meta SET value = '5' WHERE key = 'schema_version';"
                    " PRAGMA user_version = 5;");
    pl_db_close(db);
    pl_error err;
    cr_assert_eq(pl_db_open(path, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_eq(pl_user_add(db, "erin", PL_ROLE_ADMIN, "long enough", &err), PL_OK, "%s", err.message);
    tu_db_close(db);
}

/* The command: add from a password file, list, passwd, disable; refusals with their exit status. */
Test(user, cli_add_list_passwd_disable)
{
    char path[1024];
    pl_db *db = tu_db_new("user_cli.db", path);
    pl_db_close(db);
    const char *pw = tu_tmp("user_cli.pw");
    tu_write_file(pw, "long enough\n", (size_t)-1);
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, path, "user add fay --role land --password-file %s", tu_q(pw)), 0, "%s", err);
    cr_assert_str_eq(out, "added user fay (land)\n");
    cr_assert_eq(tu_cli(&out, &err, path, "user add fay --role land --password-file %s", tu_q(pw)), 1);
    cr_assert_str_eq(err, "parkland: user 'fay' already exists\n");
    cr_assert_eq(tu_cli(&out, &err, path, "user add gus --role boss --password-file %s", tu_q(pw)), 2);
    cr_assert(strstr(err, "unknown role 'boss'"), "%s", err);
    const char *pw2 = tu_tmp("user_cli.pw2");
    tu_write_file(pw2, "short\n", (size_t)-1);
    cr_assert_eq(tu_cli(&out, &err, path, "user passwd fay --password-file - < %s", tu_q(pw2)), 2);
    cr_assert_str_eq(err, "parkland: a password has at least 8 characters\n");
    tu_write_file(pw2, "a new password\n", (size_t)-1);
    cr_assert_eq(tu_cli(&out, &err, path, "user passwd fay --password-file - < %s", tu_q(pw2)), 0, "%s", err);
    cr_assert_eq(tu_cli(&out, &err, path, "user disable fay"), 0, "%s", err);
    cr_assert_eq(tu_cli(&out, &err, path, "user list --format json"), 0, "%s", err);
    cr_assert(strstr(out, "\"name\": \"fay\"") && strstr(out, "\"role\": \"land\""), "%s", out);
    cr_assert_null(strstr(out, "argon2"));
    cr_assert_eq(tu_cli(&out, &err, path, "history user fay"), 0, "%s", err);
    cr_assert(strstr(out, "created") && strstr(out, "password") && strstr(out, "disabled"), "%s", out);
    tu_outputs_free(&out, &err);
    pl_library_shutdown();
}
