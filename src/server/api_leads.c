/* api_leads.c — GET/POST /api/v1/leads, GET/PATCH /api/v1/leads/CODE. The keys are those of
 * `lead list --format json`; writes go through pl_lead_add and pl_lead_set_stage. */
#include "http.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/code.h"
#include "parkland/lead.h"
#include "parkland/parse.h"

static json_t *text_or_null(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *num2(double v) { return isfinite(v) ? json_real(round(v * 100) / 100) : json_null(); }

static int lead_json(const pl_lead_row *l, void *ctx)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", text_or_null(l->code));
    json_object_set_new(o, "company", text_or_null(l->company));
    json_object_set_new(o, "company_en", text_or_null(l->company_en));
    json_object_set_new(o, "country", text_or_null(l->country));
    json_object_set_new(o, "industry", text_or_null(l->industry));
    json_object_set_new(o, "industry_zh", text_or_null(l->industry_zh));
    json_object_set_new(o, "industry_code", text_or_null(l->industry_code));
    json_object_set_new(o, "new_economy", json_integer(l->new_economy ? 1 : 0));
    json_object_set_new(o, "investment_wan", num2(l->investment));
    json_object_set_new(o, "currency", text_or_null(l->currency));
    json_object_set_new(o, "investment_foreign", num2(l->investment_foreign));
    json_object_set_new(o, "rate", isfinite(l->rate) ? json_real(l->rate) : json_null());
    json_object_set_new(o, "land_mu", num2(l->land_mu));
    json_object_set_new(o, "tax_per_mu", num2(l->tax_per_mu));
    json_object_set_new(o, "output_per_mu", num2(l->output_per_mu));
    json_object_set_new(o, "contact", text_or_null(l->contact));
    json_object_set_new(o, "owner", text_or_null(l->owner));
    json_object_set_new(o, "source", text_or_null(l->source));
    json_object_set_new(o, "note", text_or_null(l->note));
    json_object_set_new(o, "stage", text_or_null(l->stage));
    json_object_set_new(o, "stage_zh", text_or_null(pl_lead_stage_zh(l->stage)));
    json_object_set_new(o, "stage_date", text_or_null(l->stage_date));
    json_object_set_new(o, "projects", text_or_null(l->projects));
    json_object_set_new(o, "park", text_or_null(l->park));
    if (json_is_array((json_t *)ctx))
        json_array_append_new(ctx, o);
    else
        json_object_update(ctx, o), json_decref(o);
    return 0;
}

enum MHD_Result pl_api_leads(pl_req *r, pl_db *db)
{
    pl_lead_filter f = {
        .stage = pl_req_arg(r, "stage"),
        .industry = pl_req_arg(r, "industry"),
        .country = pl_req_arg(r, "country"),
        .owner = pl_req_arg(r, "owner"),
        .search = pl_req_arg(r, "q"),
    };
    json_t *a = json_array();
    pl_error err;
    pl_error_clear(&err);
    if (pl_lead_each(db, &f, lead_json, a, &err)) {
        json_decref(a);
        return pl_reply_lib_error(r, &err);
    }
    return pl_reply_json(r, MHD_HTTP_OK, a);
}

/* Lead `code` as JSON with `status`. */
static enum MHD_Result reply_lead(pl_req *r, pl_db *db, const char *code, unsigned status)
{
    json_t *o = json_object();
    pl_error err;
    pl_error_clear(&err);
    if (pl_lead_get(db, code, lead_json, o, &err)) {
        json_decref(o);
        return pl_reply_lib_error(r, &err);
    }
    return pl_reply_json(r, status, o);
}

enum MHD_Result pl_api_lead(pl_req *r, pl_db *db)
{
    pl_error err;
    pl_error_clear(&err);
    char *code = NULL;
    if (pl_code_resolve(db, PL_CODE_LEAD, NULL, r->arg, &code, NULL, &err))
        return pl_reply_lib_error(r, &err);
    enum MHD_Result ret = reply_lead(r, db, code, MHD_HTTP_OK);
    free(code);
    return ret;
}

/* ---- writes ----------------------------------------------------------------------------- */

typedef struct text_field {
    const char *key;
    size_t off; /* offsetof in pl_lead_fields */
} text_field;

typedef struct num_field {
    const char *key;
    size_t off;
    pl_unit unit;
} num_field;

#define T(k, m) {k, offsetof(pl_lead_fields, m)}
#define N(k, m, u) {k, offsetof(pl_lead_fields, m), u}
static const text_field add_texts[] = {
    T("code", code), T("company", company), T("company_en", company_en), T("country", country),
    T("industry", industry), T("industry_code", industry_code), T("currency", currency), T("contact", contact),
    T("owner", owner), T("source", source), T("note", note), T("stage", stage), T("stage_date", date),
    T("park", park),
};
static const num_field add_nums[] = {
    N("investment_wan", investment, PL_UNIT_WAN), N("rate", rate, PL_UNIT_NONE), N("land_mu", land_mu, PL_UNIT_MU),
    N("tax_per_mu", tax_per_mu, PL_UNIT_WAN_PER_MU_YEAR), N("output_per_mu", output_per_mu, PL_UNIT_WAN_PER_MU_YEAR),
};
#undef T
#undef N

/* A number member: a JSON number, or a string in parkland's dialect ("40亩", "1.2亿元"). */
static int member_number(json_t *v, pl_unit unit, double *out)
{
    int converted;
    if (json_is_number(v))
        *out = json_number_value(v);
    else if (!json_is_string(v) || !pl_parse_quantity(json_string_value(v), unit, out, &converted))
        return 0;
    return isfinite(*out);
}

enum MHD_Result pl_api_lead_add(pl_req *r, pl_db *db)
{
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        int known = 0;
        for (size_t i = 0; i < sizeof add_texts / sizeof *add_texts && !known; i++)
            if (!strcmp(key, add_texts[i].key)) {
                known = 1;
                if (!json_is_string(v) && !json_is_null(v)) {
                    enum MHD_Result ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be a string", key);
                    json_decref(j); /* after the answer: key points into j */
                    return ret;
                }
                *(const char **)((char *)&f + add_texts[i].off) = json_string_value(v);
            }
        for (size_t i = 0; i < sizeof add_nums / sizeof *add_nums && !known; i++)
            if (!strcmp(key, add_nums[i].key)) {
                known = 1;
                if (!json_is_null(v) && !member_number(v, add_nums[i].unit, (double *)((char *)&f + add_nums[i].off))) {
                    enum MHD_Result ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be a number", key);
                    json_decref(j); /* after the answer: key points into j */
                    return ret;
                }
            }
        if (!known && !strcmp(key, "new_economy")) {
            known = 1;
            if (!json_is_boolean(v) && !json_is_integer(v)) {
                enum MHD_Result ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'new_economy' must be true or false");
                json_decref(j); /* after the answer: key points into j */
                return ret;
            }
            f.new_economy = json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
        }
        if (!known) {
            enum MHD_Result ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "unknown field '%s' of a lead", key);
            json_decref(j); /* after the answer: key points into j */
            return ret;
        }
    }
    pl_error err;
    pl_error_clear(&err);
    if (pl_lead_add(db, &f, &err)) {
        json_decref(j);
        return pl_reply_lib_error(r, &err);
    }
    enum MHD_Result ret = reply_lead(r, db, f.code, MHD_HTTP_CREATED);
    json_decref(j);
    return ret;
}

enum MHD_Result pl_api_lead_patch(pl_req *r, pl_db *db)
{
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    const char *key, *stage = NULL, *date = NULL, *note = NULL;
    int force = 0;
    json_t *v;
    json_object_foreach(j, key, v) {
        if (!strcmp(key, "force") && json_is_boolean(v)) {
            force = json_is_true(v);
        } else if ((!strcmp(key, "stage") || !strcmp(key, "date") || !strcmp(key, "note")) && json_is_string(v)) {
            *(!strcmp(key, "stage") ? &stage : !strcmp(key, "date") ? &date : &note) = json_string_value(v);
        } else {
            enum MHD_Result ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                                  "a lead's PATCH takes \"stage\", \"date\", \"note\" (strings) and \"force\" "
                                  "(true/false), not '%s'", key);
            json_decref(j); /* after the answer: key points into j */
            return ret;
        }
    }
    if (!stage) {
        enum MHD_Result ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a lead's PATCH needs \"stage\"");
        json_decref(j); /* after the answer: key points into j */
        return ret;
    }
    pl_error err;
    pl_error_clear(&err);
    char *code = NULL;
    enum MHD_Result ret;
    if (pl_code_resolve(db, PL_CODE_LEAD, NULL, r->arg, &code, NULL, &err) ||
        pl_lead_set_stage(db, code, stage, date, note, force, &err))
        ret = pl_reply_lib_error(r, &err);
    else
        ret = reply_lead(r, db, code, MHD_HTTP_OK);
    free(code);
    json_decref(j);
    return ret;
}
