/* api_projects.c — POST/GET /api/v1/projects (project sign, project list), GET
 * /api/v1/projects/CODE (project show), POST /api/v1/projects/CODE/milestones (project
 * milestone, 竣工 completion included). JSON as the CLI's --format json; writes through pl_project_sign and
 * pl_project_milestone. */
#include "http.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/deadline.h"
#include "parkland/parse.h"
#include "parkland/project.h"

enum MHD_Result pl_api_projects(pl_req *r, pl_db *db)
{
    pl_project_filter f = {.stage = pl_req_arg(r, "stage"), .lead = pl_req_arg(r, "lead")};
    if (f.stage && !pl_project_stage_parse(f.stage))
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "unknown project stage '%s' (signed, land_supplied, construction, production, verified)",
                              f.stage);
    pl_error err;
    pl_error_clear(&err);
    pl_table *t = NULL;
    if (pl_project_table(db, &f, NULL, &t, &err))
        return pl_reply_lib_error(r, &err);
    return pl_reply_table_json(r, MHD_HTTP_OK, t);
}

/* Project `code` (as stored) as one JSON object (the record of `project show --format json`). */
static enum MHD_Result reply_project(pl_req *r, pl_db *db, const char *code, unsigned status)
{
    pl_error err;
    pl_error_clear(&err);
    pl_table *t = NULL;
    if (pl_project_table(db, NULL, code, &t, &err))
        return pl_reply_lib_error(r, &err);
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
    json_t *a = json_loadb(text, len, 0, NULL);
    free(text);
    json_t *o = json_incref(json_array_get(a, 0));
    json_decref(a);
    if (!o)
        return pl_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error");
    return pl_reply_json(r, status, o);
}

enum MHD_Result pl_api_project(pl_req *r, pl_db *db)
{
    char *code = NULL;
    if (!pl_req_code(r, db, PL_CODE_PROJECT, NULL, r->arg, &code))
        return MHD_YES;
    enum MHD_Result ret = reply_project(r, db, code, MHD_HTTP_OK);
    free(code);
    return ret;
}

/* ---- sign ------------------------------------------------------------------------------ */

typedef struct sign_text {
    const char *key;
    size_t off; /* in pl_project_sign_options */
    int date;
} sign_text;

typedef struct sign_num {
    const char *key;
    size_t off;
    pl_unit unit;
} sign_num;

/* the options of `project sign`, '-' as '_' */
static const sign_text sign_texts[] = {
    {"lead", offsetof(pl_project_sign_options, lead), 0},
    {"park", offsetof(pl_project_sign_options, park), 0},
    {"code", offsetof(pl_project_sign_options, code), 0},
    {"date", offsetof(pl_project_sign_options, date), 1},
    {"land_by", offsetof(pl_project_sign_options, land_by), 1},
    {"start_by", offsetof(pl_project_sign_options, start_by), 1},
    {"production_by", offsetof(pl_project_sign_options, production_by), 1},
    {"verify_by", offsetof(pl_project_sign_options, verify_by), 1},
    {"note", offsetof(pl_project_sign_options, note), 0},
};
static const sign_num sign_nums[] = {
    {"investment", offsetof(pl_project_sign_options, investment), PL_UNIT_WAN},
    {"investment_intensity", offsetof(pl_project_sign_options, investment_intensity), PL_UNIT_WAN_PER_MU},
    {"far", offsetof(pl_project_sign_options, far), PL_UNIT_NONE},
    {"tax_per_mu", offsetof(pl_project_sign_options, tax_per_mu), PL_UNIT_WAN_PER_MU_YEAR},
    {"output_per_mu", offsetof(pl_project_sign_options, output_per_mu), PL_UNIT_WAN_PER_MU_YEAR},
    {"energy_per_output", offsetof(pl_project_sign_options, energy_per_output), PL_UNIT_NONE},
};

#define MAX_SIGN_PARCELS 256

static json_t *strings(char **s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

enum MHD_Result pl_api_project_sign(pl_req *r, pl_db *db)
{
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    pl_project_sign_options o;
    pl_project_sign_options_init(&o);
    char dates[sizeof sign_texts / sizeof *sign_texts][11];
    char *codes[MAX_SIGN_PARCELS] = {0}, *lead = NULL;
    size_t np = 0;
    enum MHD_Result ret = MHD_YES;
    json_t *parcels = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        int known = 0;
        for (size_t i = 0; i < sizeof sign_texts / sizeof *sign_texts && !known; i++) {
            if (strcmp(key, sign_texts[i].key))
                continue;
            known = 1;
            const char **slot = (const char **)((char *)&o + sign_texts[i].off);
            if (!json_is_string(v)) {
                ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be a string", key);
                goto done;
            }
            *slot = json_string_value(v);
            if (sign_texts[i].date && !pl_req_date(r, key, *slot, dates[i], slot))
                goto done;
        }
        for (size_t i = 0; i < sizeof sign_nums / sizeof *sign_nums && !known; i++) {
            if (strcmp(key, sign_nums[i].key))
                continue;
            known = 1;
            double *slot = (double *)((char *)&o + sign_nums[i].off);
            int converted;
            if (json_is_number(v))
                *slot = json_number_value(v);
            else if (!json_is_string(v) || !pl_parse_quantity(json_string_value(v), sign_nums[i].unit, slot, &converted))
                *slot = NAN;
            if (!isfinite(*slot)) {
                ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be a number", key);
                goto done;
            }
        }
        if (!known && (!strcmp(key, "accept_shortfall") || !strcmp(key, "list"))) {
            known = 1;
            if (!json_is_boolean(v)) {
                ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be true or false", key);
                goto done;
            }
            *(!strcmp(key, "list") ? &o.list : &o.accept_shortfall) = json_is_true(v);
        }
        if (!known && !strcmp(key, "parcels")) {
            known = 1;
            parcels = v;
            if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > MAX_SIGN_PARCELS) {
                ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'parcels' is an array of 1 to %d parcel codes",
                                     MAX_SIGN_PARCELS);
                goto done;
            }
        }
        if (!known) {
            ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "unknown field '%s' of a signing", key);
            goto done;
        }
    }
    if (!o.lead || !parcels) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a signing needs \"lead\" and \"parcels\"");
        goto done;
    }
    if (o.accept_shortfall && (!o.note || !*o.note)) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "\"accept_shortfall\" needs a \"note\" saying why");
        goto done;
    }
    if (!pl_req_code(r, db, PL_CODE_LEAD, NULL, o.lead, &lead))
        goto done;
    o.lead = lead;
    size_t i;
    json_array_foreach(parcels, i, v) {
        if (!json_is_string(v)) {
            ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'parcels' is an array of parcel codes (strings)");
            goto done;
        }
        if (!pl_req_code(r, db, PL_CODE_PARCEL, o.park, json_string_value(v), &codes[np]))
            goto done;
        np++;
    }
    o.parcels = (const char *const *)codes;
    o.nparcels = np;
    pl_project_sign_result res;
    pl_error err;
    pl_error_clear(&err);
    if (pl_project_sign(db, &o, &res, &err)) {
        /* the refusal with each reason: parcels that cannot be taken, shortfalls, notes */
        json_t *sf = json_array();
        for (size_t k = 0; k < res.nshortfalls; k++)
            json_array_append_new(sf, json_string(res.shortfalls[k].text));
        json_t *body = json_pack("{s:s, s:o, s:o, s:o}", "error", err.message[0] ? err.message : "refused",
                                 "problems", strings(res.problems, res.nproblems), "shortfalls", sf, "notes",
                                 strings(res.notes, res.nnotes));
        pl_project_sign_result_release(&res);
        if (err.code == PL_ERR_INPUT)
            ret = pl_reply_json(r, MHD_HTTP_UNPROCESSABLE_CONTENT, body);
        else {
            json_decref(body);
            ret = pl_reply_lib_error(r, &err);
        }
        goto done;
    }
    char code[64];
    snprintf(code, sizeof code, "%s", res.code);
    pl_project_sign_result_release(&res);
    ret = reply_project(r, db, code, MHD_HTTP_CREATED);
done:
    for (size_t k = 0; k < np; k++)
        free(codes[k]);
    free(lead);
    json_decref(j);
    return ret;
}

/* ---- milestones -------------------------------------------------------------------------- */

enum MHD_Result pl_api_project_milestone(pl_req *r, pl_db *db)
{
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    const char *key, *kind = NULL, *planned = NULL, *actual = NULL, *note = NULL;
    char pbuf[11], abuf[11], *code = NULL;
    json_t *v;
    enum MHD_Result ret = MHD_YES;
    json_object_foreach(j, key, v) {
        const char **slot = !strcmp(key, "kind") ? &kind : !strcmp(key, "planned") ? &planned
                          : !strcmp(key, "actual") ? &actual : !strcmp(key, "note") ? &note : NULL;
        if (!slot || !json_is_string(v)) {
            ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                                 "a milestone takes \"kind\", \"planned\" or \"actual\" (a date) and \"note\" "
                                 "(strings), not '%s'", key);
            goto done;
        }
        *slot = json_string_value(v);
    }
    if (!kind || !planned == !actual) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                             "a milestone needs \"kind\" (land, construction, completion, production, verification) "
                             "and one date, \"planned\" or \"actual\"");
        goto done;
    }
    const char *k = pl_milestone_parse(kind);
    if (!k && pl_deadline_parse(kind) == PL_DL_COMPLETION)
        k = pl_deadline_ids[PL_DL_COMPLETION]; /* 竣工: a deadline (parkland/deadline.h), as the CLI takes it */
    if (!k) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                             "unknown milestone '%s' (land, construction, completion, production, verification)", kind);
        goto done;
    }
    if (!pl_req_date(r, "planned", planned, pbuf, &planned) || !pl_req_date(r, "actual", actual, abuf, &actual) ||
        !pl_req_code(r, db, PL_CODE_PROJECT, NULL, r->arg, &code))
        goto done;
    pl_error err;
    pl_error_clear(&err);
    if (pl_project_milestone(db, code, k, planned, actual, note, &err))
        ret = pl_reply_lib_error(r, &err);
    else
        ret = reply_project(r, db, code, MHD_HTTP_OK);
done:
    free(code);
    json_decref(j);
    return ret;
}
