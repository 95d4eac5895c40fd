/* api_land.c — the land officers' writes: PATCH /api/v1/parcels/CODE (parcel edit, parcel rename),
 * POST …/status (parcel status), …/split, /api/v1/parcels/merge, …/reclaim, and GET /api/v1/check.
 * Each is one call of the library (one transaction, history with the account's name). */
#include "http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/check.h"
#include "parkland/lifecycle.h"
#include "parkland/parcel.h"
#include "parkland/parcel_edit.h"
#include "parkland/parcel_fix.h"
#include "parkland/parse.h"
#include "parkland/reclaim.h"
#include "parkland/units.h"

/* The body's object after the member check, or NULL after answering. */
static json_t *body_of(pl_req *r, const char *what, const char *const *keys, const char *types)
{
    json_t *j = pl_req_json(r);
    if (j && !pl_req_members(r, j, what, keys, types)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *text_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/* The parcel the path names (?park= when the code is in several parks): 1 and *code, or 0 after answering. */
static int path_parcel(pl_req *r, pl_db *db, char **code)
{
    return pl_req_code(r, db, PL_CODE_PARCEL, pl_req_arg(r, "park"), r->arg, code);
}

/* ---- PATCH /api/v1/parcels/CODE ------------------------------------------------------------- */

enum MHD_Result pl_api_parcel_patch(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"code", "name", "land_use", "land_use_code", "attrs", "note", NULL};
    json_t *j = body_of(r, N_("a parcel edit"), keys, "ssssos");
    if (!j)
        return MHD_YES;
    const char *park = pl_req_arg(r, "park"), *new_code = pl_json_str(j, "code"), *note = pl_json_str(j, "note");
    json_t *attrs = json_object_get(j, "attrs");
    int edits = json_object_get(j, "name") || json_object_get(j, "land_use") ||
                json_object_get(j, "land_use_code") || (attrs && json_object_size(attrs));
    if (new_code && edits) {
        json_decref(j);
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a new 'code' is its own request, without other fields");
    }
    char *code = NULL;
    if (!path_parcel(r, db, &code)) {
        json_decref(j);
        return MHD_YES;
    }
    pl_error err;
    pl_error_clear(&err);
    int rc;
    if (new_code) {
        rc = pl_parcel_rename(db, park, code, new_code, note, &err);
    } else {
        size_t n = json_object_size(attrs), nset = 0, nclear = 0;
        const char **set_keys = calloc(n + 1, sizeof *set_keys), **set_values = calloc(n + 1, sizeof *set_values);
        const char **clear = calloc(n + 1, sizeof *clear);
        if (!set_keys || !set_values || !clear) {
            rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
        } else {
            const char *k;
            json_t *v;
            if (attrs)
                json_object_foreach(attrs, k, v) {
                    if (json_is_null(v)) {
                        clear[nclear++] = k;
                    } else {
                        set_keys[nset] = k;
                        set_values[nset++] = json_string_value(v);
                    }
                }
            pl_parcel_changes c = {
                .name = pl_json_str(j, "name"),
                .land_use = pl_json_str(j, "land_use"),
                .land_use_code = pl_json_str(j, "land_use_code"),
                .attr_keys = set_keys, .attr_values = set_values, .nattrs = nset,
                .clear_attrs = clear, .nclear = nclear, .note = note,
            };
            /* null clears a column, as "" does in the CLI */
            if (json_is_null(json_object_get(j, "name")))
                c.name = "";
            if (json_is_null(json_object_get(j, "land_use")))
                c.land_use = "";
            if (json_is_null(json_object_get(j, "land_use_code")))
                c.land_use_code = "";
            int changed = 0;
            rc = pl_parcel_edit(db, park, code, &c, &changed, &err);
        }
        free(set_keys);
        free(set_values);
        free(clear);
    }
    free(code);
    if (rc) {
        enum MHD_Result ret = pl_reply_lib_error(r, &err);
        json_decref(j);
        return ret;
    }
    if (new_code) /* the answer is the parcel under its new code */
        snprintf(r->arg, sizeof r->arg, "%s", new_code);
    json_decref(j);
    return pl_api_parcel(r, db);
}

/* ---- POST /api/v1/parcels/CODE/status ----------------------------------------------------- */

enum MHD_Result pl_api_parcel_status(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"status", "date", "note", "force", "lead", "expires", NULL};
    json_t *j = body_of(r, N_("a status change"), keys, "sssbss");
    if (!j)
        return MHD_YES;
    const char *status = pl_json_str(j, "status");
    char date[11], expires[11];
    pl_status_options o = {.note = pl_json_str(j, "note"), .force = json_is_true(json_object_get(j, "force"))};
    char *code = NULL, *lead = NULL;
    enum MHD_Result ret = MHD_YES;
    if (!status) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a status change is {\"status\": \"…\"}");
        goto out;
    }
    if (!pl_req_date(r, "date", pl_json_str(j, "date"), date, &o.date) ||
        !pl_req_date(r, "expires", pl_json_str(j, "expires"), expires, &o.expires) || !path_parcel(r, db, &code))
        goto out;
    if (o.force && (!o.note || !*o.note)) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'force' needs a 'note' saying why");
        goto out;
    }
    if (pl_json_str(j, "lead")) {
        if (!pl_req_code(r, db, PL_CODE_LEAD, NULL, pl_json_str(j, "lead"), &lead))
            goto out;
        o.lead = lead;
    }
    pl_error err;
    pl_error_clear(&err);
    pl_status_result res;
    if (pl_parcel_set_status(db, pl_req_arg(r, "park"), code, status, &o, &res, &err)) {
        ret = pl_reply_lib_error(r, &err);
        goto out;
    }
    json_t *a = json_object();
    json_object_set_new(a, "park", json_string(res.park));
    json_object_set_new(a, "code", json_string(res.code));
    json_object_set_new(a, "from", json_string(res.from));
    json_object_set_new(a, "from_zh", text_or_null(pl_parcel_status_zh(res.from)));
    json_object_set_new(a, "to", json_string(res.to));
    json_object_set_new(a, "to_zh", text_or_null(pl_parcel_status_zh(res.to)));
    json_object_set_new(a, "date", json_string(res.date));
    json_object_set_new(a, "forced", json_boolean(res.forced));
    json_object_set_new(a, "reservation", res.reservation_id ? json_integer(res.reservation_id) : json_null());
    json_object_set_new(a, "expires", text_or_null(res.expires));
    json_object_set_new(a, "released", res.released_id ? json_integer(res.released_id) : json_null());
    json_object_set_new(a, "reclaimed", json_boolean(res.reclaimed));
    json_object_set_new(a, "reclaimed_from", text_or_null(res.reclaimed_from));
    json_object_set_new(a, "project_terminated", json_boolean(res.project_terminated));
    ret = pl_reply_json(r, MHD_HTTP_OK, a);
out:
    free(code);
    free(lead);
    json_decref(j);
    return ret;
}

/* ---- split and merge: the rows of `parcel split|merge --format json` ------------------------ */

static void add_edit_rows(json_t *a, const pl_edit_parcel *ps, size_t n, const char *role, const char *status)
{
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "role", json_string(role));
        json_object_set_new(o, "code", text_or_null(ps[i].code));
        json_object_set_new(o, "name", text_or_null(ps[i].name));
        json_object_set_new(o, "status", json_string(status));
        json_object_set_new(o, "status_zh", text_or_null(pl_parcel_status_zh(status)));
        json_object_set_new(o, "area_m2", json_real(round(ps[i].area_m2 * 100) / 100));
        json_object_set_new(o, "area_mu", json_real(round(pl_m2_to_mu(ps[i].area_m2) * 100) / 100));
        json_object_set_new(o, "parts", json_integer(ps[i].parts));
        json_object_set_new(o, "holes", json_integer(ps[i].holes));
        json_array_append_new(a, o);
    }
}

/* 201 with {"operation", "park", "dry_run", "parcels": [rows], "warnings": […]} (200 on a dry run). */
static enum MHD_Result reply_edit(pl_req *r, const pl_edit_result *e, int dry_run)
{
    json_t *rows = json_array(), *warnings = json_array();
    add_edit_rows(rows, e->parents, e->nparents, "parent", "retired");
    add_edit_rows(rows, e->children, e->nchildren, "child", e->status);
    for (size_t i = 0; i < e->nwarnings; i++)
        json_array_append_new(warnings, json_string(e->warnings[i]));
    json_t *o = json_pack("{s:s, s:s, s:b, s:o, s:o, s:b}", "operation", e->operation, "park", e->park, "dry_run",
                          dry_run, "parcels", rows, "warnings", warnings, "indicators_copied", e->indicators_copied);
    return pl_reply_json(r, dry_run ? MHD_HTTP_OK : MHD_HTTP_CREATED, o);
}

/* The strings of array member `key` (borrowed from j) into a new array; *n their count. 1, or 0 when
 * out of memory. */
static int string_array(json_t *j, const char *key, const char ***out, size_t *n)
{
    json_t *a = json_object_get(j, key);
    *n = json_array_size(a);
    *out = calloc(*n + 1, sizeof **out);
    if (!*out)
        return 0;
    for (size_t i = 0; i < *n; i++)
        (*out)[i] = json_string_value(json_array_get(a, i));
    return 1;
}

enum MHD_Result pl_api_parcel_split(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"line", "line_crs", "codes", "names", "note", "dry_run", NULL};
    json_t *j = body_of(r, N_("a split"), keys, "snaasb");
    if (!j)
        return MHD_YES;
    pl_split_options o = {.park = pl_req_arg(r, "park"), .line_wkt = pl_json_str(j, "line"),
                          .note = pl_json_str(j, "note"), .dry_run = json_is_true(json_object_get(j, "dry_run"))};
    json_t *crs = json_object_get(j, "line_crs");
    enum MHD_Result ret = MHD_YES;
    const char **codes = NULL, **names = NULL;
    char *code = NULL;
    if (!o.line_wkt) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a split needs a 'line' (WKT LINESTRING)");
        goto out;
    }
    if (crs && !json_is_null(crs)) {
        double v = json_is_number(crs) ? json_number_value(crs) : -1;
        if (json_is_string(crs) && !pl_parse_number(json_string_value(crs), &v))
            v = -1;
        if (v < 1 || v > 999999 || v != floor(v)) {
            ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'line_crs' is an EPSG number");
            goto out;
        }
        o.line_srid = (int)v;
    }
    if (!string_array(j, "codes", &codes, &o.ncodes) || !string_array(j, "names", &names, &o.nnames)) {
        ret = pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
        goto out;
    }
    o.codes = o.ncodes ? codes : NULL;
    o.names = o.nnames ? names : NULL;
    if (!path_parcel(r, db, &code))
        goto out;
    pl_error err;
    pl_error_clear(&err);
    pl_edit_result e;
    memset(&e, 0, sizeof e);
    if (pl_parcel_split(db, code, &o, &e, &err))
        ret = pl_reply_lib_error(r, &err);
    else
        ret = reply_edit(r, &e, o.dry_run);
    pl_edit_result_release(&e);
out:
    free(code);
    free(codes);
    free(names);
    json_decref(j);
    return ret;
}

enum MHD_Result pl_api_parcel_merge(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"codes", "into", "name", "allow_multipart", "park", "note", "dry_run", NULL};
    json_t *j = body_of(r, N_("a merge"), keys, "assbssb");
    if (!j)
        return MHD_YES;
    pl_merge_options o = {.park = pl_json_str(j, "park"), .name = pl_json_str(j, "name"),
                          .allow_multipart = json_is_true(json_object_get(j, "allow_multipart")),
                          .note = pl_json_str(j, "note"), .dry_run = json_is_true(json_object_get(j, "dry_run"))};
    const char *into = pl_json_str(j, "into");
    const char **given = NULL;
    char **codes = NULL;
    size_t n = 0;
    enum MHD_Result ret = MHD_YES;
    if (!string_array(j, "codes", &given, &n) || !(codes = calloc(n + 1, sizeof *codes))) {
        ret = pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
        goto out;
    }
    if (n < 2 || !into) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                             "a merge is {\"codes\": [\"A\", \"B\", …], \"into\": \"NEW\"} (two parcels or more)");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (!pl_req_code(r, db, PL_CODE_PARCEL, o.park, given[i], &codes[i]))
            goto out;
    pl_error err;
    pl_error_clear(&err);
    pl_edit_result e;
    memset(&e, 0, sizeof e);
    if (pl_parcel_merge(db, (const char *const *)codes, n, into, &o, &e, &err))
        ret = pl_reply_lib_error(r, &err);
    else
        ret = reply_edit(r, &e, o.dry_run);
    pl_edit_result_release(&e);
out:
    for (size_t i = 0; codes && i < n; i++)
        free(codes[i]);
    free(codes);
    free(given);
    json_decref(j);
    return ret;
}

/* ---- POST /api/v1/parcels/CODE/reclaim ---------------------------------------------------- */

enum MHD_Result pl_api_parcel_reclaim(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"to", "date", "note", NULL};
    json_t *j = body_of(r, N_("a reclaim"), keys, "sss");
    if (!j)
        return MHD_YES;
    char date[11], *code = NULL;
    const char *dp;
    enum MHD_Result ret = MHD_YES;
    if (!pl_req_date(r, "date", pl_json_str(j, "date"), date, &dp) || !path_parcel(r, db, &code))
        goto out;
    pl_error err;
    pl_error_clear(&err);
    pl_reclaim_result res;
    if (pl_parcel_reclaim(db, pl_req_arg(r, "park"), code, pl_json_str(j, "to"), dp, pl_json_str(j, "note"), &res,
                          &err)) {
        ret = pl_reply_lib_error(r, &err);
        goto out;
    }
    json_t *a = json_object();
    json_object_set_new(a, "park", json_string(res.park));
    json_object_set_new(a, "code", json_string(res.code));
    json_object_set_new(a, "from", json_string(res.from));
    json_object_set_new(a, "to", json_string(res.to));
    json_object_set_new(a, "date", json_string(res.date));
    json_object_set_new(a, "project", text_or_null(res.project));
    json_object_set_new(a, "overdue_days", json_integer(res.overdue_days));
    json_object_set_new(a, "project_terminated", json_boolean(res.project_terminated));
    json_object_set_new(a, "lead", text_or_null(res.lead));
    json_object_set_new(a, "lead_stage", text_or_null(res.lead_stage));
    ret = pl_reply_json(r, MHD_HTTP_OK, a);
out:
    free(code);
    json_decref(j);
    return ret;
}

/* ---- GET /api/v1/check: `check --format json` ---------------------------------------------- */

static int add_problem(const pl_check_problem *p, void *ctx)
{
    const char *cells[] = {p->check, p->subject, p->detail};
    return pl_table_add_row(ctx, cells) ? PL_ERR_NOMEM : 0;
}

enum MHD_Result pl_api_check(pl_req *r, pl_db *db)
{
    static const char *const keys[] = {"check", "subject", "problem"};
    static const char *const labels[] = {"检查 check", "对象 subject", "问题 problem"};
    pl_table *t = pl_table_new(3, keys, labels);
    if (!t)
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
    pl_check_summary sum;
    pl_error err;
    pl_error_clear(&err);
    if (pl_check_database(db, add_problem, t, &sum, &err)) {
        pl_table_free(t);
        return pl_reply_lib_error(r, &err);
    }
    return pl_reply_table_json(r, MHD_HTTP_OK, t);
}
