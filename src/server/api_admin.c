/* api_admin.c — the administrator's endpoints: accounts (`user list|add|passwd|disable`) and
 * parks (`park list|add`), with the keys of the CLI's --format json. */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "parkland/park.h"
#include "parkland/units.h"
#include "parkland/user.h"

/* ---- accounts ---------------------------------------------------------------------------- */

typedef struct user_ctx {
    pl_table *t;
    const char *only; /* one account's name, or NULL for all */
} user_ctx;

static int user_row(const pl_user_row *u, void *vctx)
{
    user_ctx *c = vctx;
    if (c->only && strcmp(c->only, u->name))
        return 0;
    const char *cells[] = {u->name, pl_role_name(u->role), u->created_at, u->updated_at, u->disabled_at};
    return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
}

/* The accounts (all, or `only`) as the JSON of `user list --format json`; NULL after answering. */
static json_t *users_json(pl_req *r, pl_db *db, const char *only)
{
    static const char *const keys[] = {"name", "role", "created_at", "updated_at", "disabled_at"};
    static const char *const labels[] = {"用户 name", "角色 role", "创建 created (UTC)", "更新 updated (UTC)",
                                         "停用 disabled (UTC)"};
    user_ctx c = {pl_table_new(5, keys, labels), only};
    pl_error err;
    pl_error_clear(&err);
    if (!c.t) {
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
        return NULL;
    }
    if (pl_user_each(db, user_row, &c, &err)) {
        pl_table_free(c.t);
        pl_reply_lib_error(r, &err);
        return NULL;
    }
    json_t *a = pl_table_to_json(c.t);
    if (!a)
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
    return a;
}

/* One account as a JSON object with `status`. */
static enum MHD_Result reply_user(pl_req *r, pl_db *db, const char *name, unsigned status)
{
    json_t *a = users_json(r, db, name);
    if (!a)
        return MHD_YES;
    json_t *o = json_incref(json_array_get(a, 0));
    json_decref(a);
    if (!o)
        return pl_reply_error(r, MHD_HTTP_NOT_FOUND, "no account '%s'", name);
    return pl_reply_json(r, status, o);
}

enum MHD_Result pl_api_users(pl_req *r, pl_db *db)
{
    json_t *a = users_json(r, db, NULL);
    return a ? pl_reply_json(r, MHD_HTTP_OK, a) : MHD_YES;
}

enum MHD_Result pl_api_user_add(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"name", "role", "password", NULL};
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    if (!pl_req_members(r, j, N_("an account"), keys, "sss")) {
        json_decref(j);
        return MHD_YES;
    }
    const char *name = pl_json_str(j, "name"), *role = pl_json_str(j, "role"), *password = pl_json_str(j, "password");
    enum MHD_Result ret;
    int rl = role ? pl_role_parse(role) : 0;
    pl_error err;
    pl_error_clear(&err);
    if (!name || !role || !password)
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                             "an account is {\"name\": \"…\", \"role\": \"viewer|investment|land|admin\", "
                             "\"password\": \"…\"}");
    else if (!rl)
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "unknown role '%s' (viewer, investment, land, admin)", role);
    else if (pl_user_add(db, name, rl, password, &err))
        ret = pl_reply_lib_error(r, &err);
    else
        ret = reply_user(r, db, name, MHD_HTTP_CREATED);
    json_decref(j); /* the password's copy goes with it */
    return ret;
}

/* PATCH /api/v1/users/NAME: {"password": "…"} (user passwd) and/or {"disabled": true} (user disable). */
enum MHD_Result pl_api_user_patch(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"password", "disabled", NULL};
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    if (!pl_req_members(r, j, N_("an account change"), keys, "sb")) {
        json_decref(j);
        return MHD_YES;
    }
    const char *password = pl_json_str(j, "password");
    json_t *disabled = json_object_get(j, "disabled");
    pl_error err;
    pl_error_clear(&err);
    enum MHD_Result ret;
    if (!password && !json_is_true(disabled))
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                             "an account change is {\"password\": \"…\"} or {\"disabled\": true}");
    else if (password && pl_user_set_password(db, r->arg, password, &err))
        ret = pl_reply_lib_error(r, &err);
    else if (json_is_true(disabled) && pl_user_disable(db, r->arg, &err))
        ret = pl_reply_lib_error(r, &err);
    else
        ret = reply_user(r, db, r->arg, MHD_HTTP_OK);
    json_decref(j);
    return ret;
}

/* ---- parks ------------------------------------------------------------------------------- */

typedef struct park_ctx {
    pl_table *t;
    const char *only;
} park_ctx;

static int park_row(const pl_park *p, void *vctx)
{
    park_ctx *c = vctx;
    if (c->only && strcmp(c->only, p->code))
        return 0;
    char parcels[32], mu[32];
    snprintf(parcels, sizeof parcels, "%ld", p->parcels);
    snprintf(mu, sizeof mu, "%.2f", pl_m2_to_mu(p->area_m2));
    const char *cells[] = {p->code, p->name, p->name_en, p->district, parcels, mu};
    return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
}

/* `park list --format json` (all, or park `only`); NULL after answering. */
static json_t *parks_json(pl_req *r, pl_db *db, const char *only)
{
    static const char *const keys[] = {"code", "name", "name_en", "district", "parcels", "area_mu"};
    static const char *const labels[] = {"代码 code", "名称 name", "英文名 name (en)", "区 district",
                                         "宗地 parcels", "面积(亩) area (mu)"};
    park_ctx c = {pl_table_new(6, keys, labels), only};
    if (!c.t) {
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
        return NULL;
    }
    pl_table_set_numeric(c.t, 4);
    pl_table_set_numeric(c.t, 5);
    pl_error err;
    pl_error_clear(&err);
    if (pl_park_each(db, park_row, &c, &err)) {
        pl_table_free(c.t);
        pl_reply_lib_error(r, &err);
        return NULL;
    }
    json_t *a = pl_table_to_json(c.t); /* frees the table */
    if (!a) {
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
        return NULL;
    }
    /* beside the CLI's keys: the WGS 84 extent of the park's parcels, for a map's first view */
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o) {
        double b[4];
        int has;
        if (pl_park_extent(db, json_string_value(json_object_get(o, "code")), b, &has, &err)) {
            json_decref(a);
            pl_reply_lib_error(r, &err);
            return NULL;
        }
        json_object_set_new(o, "extent", has ? json_pack("[ffff]", b[0], b[1], b[2], b[3]) : json_null());
    }
    return a;
}

enum MHD_Result pl_api_parks(pl_req *r, pl_db *db)
{
    json_t *a = parks_json(r, db, NULL);
    return a ? pl_reply_json(r, MHD_HTTP_OK, a) : MHD_YES;
}

enum MHD_Result pl_api_park_add(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"code", "name", "name_en", "district", NULL};
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    if (!pl_req_members(r, j, N_("a park"), keys, "ssss")) {
        json_decref(j);
        return MHD_YES;
    }
    const char *code = pl_json_str(j, "code"), *name = pl_json_str(j, "name");
    pl_error err;
    pl_error_clear(&err);
    enum MHD_Result ret;
    if (!code || !name) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a park is {\"code\": \"…\", \"name\": \"…\"}");
    } else if (pl_park_add(db, code, name, pl_json_str(j, "name_en"), pl_json_str(j, "district"), NULL, &err)) {
        ret = pl_reply_lib_error(r, &err);
    } else {
        json_t *a = parks_json(r, db, code);
        json_t *o = a ? json_incref(json_array_get(a, 0)) : NULL;
        json_decref(a);
        ret = o ? pl_reply_json(r, MHD_HTTP_CREATED, o) : a ? pl_reply_error(r, MHD_HTTP_NOT_FOUND, "no park '%s'", code)
                                                             : MHD_YES;
    }
    json_decref(j);
    return ret;
}
