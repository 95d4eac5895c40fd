/* api_leads.c — GET/POST /api/v1/leads, GET/PATCH /api/v1/leads/CODE. The keys are those of
 * `lead list --format json`; writes go through pl_lead_add and pl_lead_set_stage. */
#include "http.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/code.h"
#include "parkland/lead.h"
#include "parkland/lifecycle.h"
#include "parkland/match.h"
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

/* ---- PATCH: move the stage (lead stage) or edit fields (lead edit) -------------------------- */

typedef struct edit_field {
    const char *key;
    size_t off;   /* offsetof in pl_lead_changes */
    pl_unit unit; /* a number in this unit; PL_UNIT_NONE with num 0: text */
    int num;
    unsigned bit; /* PL_LEAD_F_*: null clears it; 0: cannot be cleared */
} edit_field;

#define ET(k, m, b) {k, offsetof(pl_lead_changes, m), PL_UNIT_NONE, 0, b}
#define EN(k, m, u, b) {k, offsetof(pl_lead_changes, m), u, 1, b}
static const edit_field edit_fields[] = {
    ET("company", company, 0), ET("company_en", company_en, PL_LEAD_F_COMPANY_EN),
    ET("country", country, PL_LEAD_F_COUNTRY), ET("industry", industry, PL_LEAD_F_INDUSTRY),
    ET("industry_code", industry_code, PL_LEAD_F_INDUSTRY_CODE), ET("currency", currency, PL_LEAD_F_CURRENCY),
    ET("contact", contact, PL_LEAD_F_CONTACT), ET("owner", owner, PL_LEAD_F_OWNER),
    ET("source", source, PL_LEAD_F_SOURCE), ET("note", note, PL_LEAD_F_NOTE), ET("park", park, PL_LEAD_F_PARK),
    EN("investment_wan", investment, PL_UNIT_WAN, PL_LEAD_F_INVESTMENT), EN("rate", rate, PL_UNIT_NONE, 0),
    EN("land_mu", land_mu, PL_UNIT_MU, PL_LEAD_F_LAND_MU),
    EN("tax_per_mu", tax_per_mu, PL_UNIT_WAN_PER_MU_YEAR, PL_LEAD_F_TAX_PER_MU),
    EN("output_per_mu", output_per_mu, PL_UNIT_WAN_PER_MU_YEAR, PL_LEAD_F_OUTPUT_PER_MU),
};
#undef ET
#undef EN

/* The members of an edit into c: 1, or 0 after answering 400. */
static int read_edit(pl_req *r, json_t *j, pl_lead_changes *c)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        const edit_field *f = NULL;
        for (size_t i = 0; i < sizeof edit_fields / sizeof *edit_fields && !f; i++)
            if (!strcmp(key, edit_fields[i].key))
                f = &edit_fields[i];
        if (!f && !strcmp(key, "new_economy")) {
            if (!json_is_boolean(v)) {
                pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'new_economy' must be true or false");
                return 0;
            }
            c->new_economy = json_is_true(v);
            continue;
        }
        if (!f) {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' is not a field of a lead that can be edited", key);
            return 0;
        }
        if (json_is_null(v)) {
            if (!f->bit) {
                pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' cannot be cleared", key);
                return 0;
            }
            c->clear |= f->bit;
        } else if (f->num) {
            if (!member_number(v, f->unit, (double *)((char *)c + f->off))) {
                pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be a number", key);
                return 0;
            }
        } else if (json_is_string(v)) {
            *(const char **)((char *)c + f->off) = json_string_value(v);
        } else {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' must be a string or null", key);
            return 0;
        }
    }
    return 1;
}

enum MHD_Result pl_api_lead_patch(pl_req *r, pl_db *db)
{
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    char *code = NULL;
    enum MHD_Result ret = MHD_YES;
    pl_error err;
    pl_error_clear(&err);
    if (!pl_req_code(r, db, PL_CODE_LEAD, NULL, r->arg, &code))
        goto done;
    if (json_object_get(j, "stage")) {
        /* a stage move: stage, date, note (of the move), force */
        const char *key, *stage = NULL, *date = NULL, *note = NULL;
        char dbuf[11];
        int force = 0;
        json_t *v;
        json_object_foreach(j, key, v) {
            if (!strcmp(key, "force") && json_is_boolean(v)) {
                force = json_is_true(v);
            } else if ((!strcmp(key, "stage") || !strcmp(key, "date") || !strcmp(key, "note")) && json_is_string(v)) {
                *(!strcmp(key, "stage") ? &stage : !strcmp(key, "date") ? &date : &note) = json_string_value(v);
            } else {
                ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                                     "a lead's stage move takes \"stage\", \"date\", \"note\" (strings) and \"force\" "
                                     "(true/false), not '%s' (edit the other fields in a PATCH of their own)", key);
                goto done;
            }
        }
        if (!pl_req_date(r, "date", date, dbuf, &date))
            goto done;
        if (pl_lead_set_stage(db, code, stage, date, note, force, &err)) {
            ret = pl_reply_lib_error(r, &err);
            goto done;
        }
    } else {
        pl_lead_changes c;
        pl_lead_changes_init(&c);
        if (!read_edit(r, j, &c))
            goto done;
        if (pl_lead_edit(db, code, &c, NULL, &err)) {
            ret = pl_reply_lib_error(r, &err);
            goto done;
        }
    }
    ret = reply_lead(r, db, code, MHD_HTTP_OK);
done:
    free(code);
    json_decref(j); /* after the answer: messages may point into j */
    return ret;
}

/* ---- GET /api/v1/leads/CODE/match: `match LEAD --format json` ---------------------------- */

enum MHD_Result pl_api_lead_match(pl_req *r, pl_db *db)
{
    pl_match_options o;
    pl_match_options_init(&o);
    o.park = pl_req_arg(r, "park");
    const char *top = pl_req_arg(r, "top");
    if (top) {
        double n;
        if (!pl_parse_number(top, &n) || n < 1 || n > 1000 || n != floor(n))
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "top is a whole number from 1 to 1000, not '%s'", top);
        o.top = (int)n;
    }
    char *code = NULL;
    if (!pl_req_code(r, db, PL_CODE_LEAD, NULL, r->arg, &code))
        return MHD_YES;
    pl_error err;
    pl_error_clear(&err);
    pl_table *t = NULL;
    int rc = pl_match_table(db, code, &o, PL_TABLE_JSON, &t, &err);
    free(code);
    if (rc)
        return pl_reply_lib_error(r, &err);
    return pl_reply_table_json(r, MHD_HTTP_OK, t);
}

/* ---- POST /api/v1/leads/CODE/reserve: `parcel status P reserved --lead CODE --expires D` ------ */

enum MHD_Result pl_api_lead_reserve(pl_req *r, pl_db *db)
{
    json_t *j = pl_req_json(r);
    if (!j)
        return MHD_YES;
    const char *key, *parcel = NULL, *park = NULL, *expires = NULL, *date = NULL, *note = NULL;
    json_t *v;
    enum MHD_Result ret = MHD_YES;
    char *lead = NULL, *pcode = NULL, ebuf[11], dbuf[11];
    json_object_foreach(j, key, v) {
        const char **slot = !strcmp(key, "parcel") ? &parcel : !strcmp(key, "park") ? &park
                          : !strcmp(key, "expires") ? &expires : !strcmp(key, "date") ? &date
                          : !strcmp(key, "note") ? &note : NULL;
        if (!slot || !json_is_string(v)) {
            ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST,
                                 "a reservation takes \"parcel\", \"park\", \"expires\", \"date\" and \"note\" "
                                 "(strings), not '%s'", key);
            goto done;
        }
        *slot = json_string_value(v);
    }
    if (!parcel) {
        ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "a reservation needs \"parcel\"");
        goto done;
    }
    if (!pl_req_date(r, "expires", expires, ebuf, &expires) || !pl_req_date(r, "date", date, dbuf, &date) ||
        !pl_req_code(r, db, PL_CODE_LEAD, NULL, r->arg, &lead) ||
        !pl_req_code(r, db, PL_CODE_PARCEL, park, parcel, &pcode))
        goto done;
    pl_status_options o = {.date = date, .note = note, .lead = lead, .expires = expires};
    pl_status_result res;
    pl_error err;
    pl_error_clear(&err);
    if (pl_parcel_set_status(db, park, pcode, "reserved", &o, &res, &err)) {
        ret = pl_reply_lib_error(r, &err);
        goto done;
    }
    ret = pl_reply_json(r, MHD_HTTP_CREATED,
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "park", res.park, "parcel", res.code,
                                  "lead", lead, "from", res.from, "status", res.to, "date", res.date, "reservation",
                                  (json_int_t)res.reservation_id, "expires", res.expires));
done:
    free(lead);
    free(pcode);
    json_decref(j);
    return ret;
}
