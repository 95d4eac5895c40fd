/* api_session.c — GET /healthz, POST and DELETE /api/v1/session: log in and out. */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "parkland/user.h"

enum MHD_Result pl_api_healthz(pl_req *r, pl_db *db)
{
    (void)db;
    return pl_reply_json(r, MHD_HTTP_OK, json_pack("{s:s}", "status", "ok"));
}

enum MHD_Result pl_api_session_create(pl_req *r, pl_db *db)
{
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    const char *user = json_string_value(json_object_get(j, "user"));
    const char *password = json_string_value(json_object_get(j, "password"));
    if (!user || !password) {
        json_decref(j);
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a login is {\"user\": \"…\", \"password\": \"…\"}");
    }
    pl_session_store *ss = pl_server_sessions(r->srv);
    unsigned wait = pl_login_blocked(ss, user, r->ip);
    if (wait) {
        json_decref(j);
        return pl_reply_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "too many failed logins; try again in %u s", wait);
    }
    pl_error err;
    pl_error_clear(&err);
    int role = 0;
    int rc = pl_user_verify(db, user, password, &role, &err);
    if (rc == PL_ERR_INPUT) {
        pl_login_failed(ss, user, r->ip);
        json_decref(j);
        return pl_reply_error(r, MHD_HTTP_UNAUTHORIZED, "%s", err.message);
    }
    if (rc) {
        json_decref(j);
        return pl_reply_lib_error(r, &err);
    }
    pl_login_succeeded(ss, user, r->ip);
    char token[PL_SESSION_TOKEN_LEN + 1], csrf[PL_SESSION_TOKEN_LEN + 1];
    if (pl_session_create(ss, user, token, csrf)) {
        json_decref(j);
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "no random bytes for a session");
    }
    snprintf(r->user, sizeof r->user, "%s", user);
    const pl_server_options *o = pl_server_opts(r->srv);
    char cookie[256];
    snprintf(cookie, sizeof cookie, "pl_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u%s", token,
             o->session_max_s, o->secure_cookie ? "; Secure" : "");
    json_t *body = json_pack("{s:s, s:s, s:s, s:i}", "user", user, "role", pl_role_name(role), "csrf", csrf,
                             "expires_in", (int)o->session_idle_s);
    json_decref(j);
    return pl_reply_json_cookie(r, MHD_HTTP_OK, body, cookie);
}

enum MHD_Result pl_api_session_delete(pl_req *r, pl_db *db)
{
    (void)db;
    pl_session_end(pl_server_sessions(r->srv), r->token);
    const pl_server_options *o = pl_server_opts(r->srv);
    char cookie[160];
    snprintf(cookie, sizeof cookie, "pl_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             o->secure_cookie ? "; Secure" : "");
    return pl_reply_json_cookie(r, MHD_HTTP_OK, json_pack("{s:s}", "status", "logged out"), cookie);
}
