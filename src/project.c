/* project.c — signed projects: signing, milestones, investment plans and progress. */
#include "parkland/project.h"

#include "date.h"
#include "db_internal.h"
#include "deadline_internal.h"
#include "lifecycle.h"
#include "text.h"
#include "vocab.h"
#include "parkland/intensity.h"
#include "parkland/units.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- labels -------------------------------------------------------------------------- */

const char *const pl_project_stage_ids[] = {PL_VOCAB_PROJECT_STAGES(PL_VOCAB_ID) NULL};

const char *pl_project_stage_zh(const char *id)
{
    return pl_vocab_zh(PL_VOCAB_PROJECT_STAGE, id);
}

const char *pl_project_stage_en(const char *id)
{
    return pl_vocab_en(PL_VOCAB_PROJECT_STAGE, id);
}

const char *pl_project_stage_parse(const char *s)
{
    return pl_vocab_parse_id(PL_VOCAB_PROJECT_STAGE, s);
}

const char *const pl_milestone_kinds[] = {PL_VOCAB_MILESTONES(PL_VOCAB_ID) NULL};
/* the parcel status an actual date of each kind leads to: the land supply
 * (出让合同/交地) transfers the parcels the project holds (reserved or listed) */
static const char *const milestone_parcel_status[] = {"transferred", "construction", "production", "verified"};
_Static_assert(sizeof milestone_parcel_status / sizeof *milestone_parcel_status ==
                   sizeof pl_milestone_kinds / sizeof *pl_milestone_kinds - 1,
               "one parcel status per milestone kind");

/* the milestone kind `kind` names (id, Chinese or English label); -1 when none */
static int kind_index(const char *kind)
{
    return pl_vocab_parse(PL_VOCAB_MILESTONE, kind);
}

const char *pl_milestone_zh(const char *kind)
{
    return pl_vocab_zh(PL_VOCAB_MILESTONE, kind);
}

const char *pl_milestone_parse(const char *s)
{
    return pl_vocab_parse_id(PL_VOCAB_MILESTONE, s);
}

static const char *milestone_zh(int k)
{
    return pl_vocab_at(PL_VOCAB_MILESTONE, (size_t)k)->zh;
}

static const char *milestone_en(int k)
{
    return pl_vocab_at(PL_VOCAB_MILESTONE, (size_t)k)->en;
}

/* SQL for the derived stage of project alias p */
#define STAGE_SQL                                                                                               \
    "CASE WHEN p.terminated_on IS NOT NULL THEN 'terminated'"                                                 \
    " WHEN (SELECT actual FROM milestone WHERE project_id = p.id AND kind = 'verification') IS NOT NULL"       \
    " THEN 'verified'"                                                                                          \
    " WHEN (SELECT actual FROM milestone WHERE project_id = p.id AND kind = 'production') IS NOT NULL"         \
    " THEN 'production'"                                                                                        \
    " WHEN (SELECT actual FROM milestone WHERE project_id = p.id AND kind = 'construction') IS NOT NULL"       \
    " THEN 'construction'"                                                                                      \
    " WHEN (SELECT actual FROM milestone WHERE project_id = p.id AND kind = 'land') IS NOT NULL"               \
    " THEN 'land_supplied' ELSE 'signed' END"

/* ---- helpers ------------------------------------------------------------------------ */

static int blank(const char *s)
{
    return !s || !*s;
}

/* 1 when s is a real calendar date written YYYY-MM-DD */
static int valid_date(const char *s)
{
    return pl_date_valid_years(s, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s && *s ? (const char *)s : NULL;
}

/* "%.2f" without trailing zeros: 250 → "250", 1.25 → "1.25" */
static const char *fmt_num(double v, char *buf, size_t len)
{
    if (isnan(v)) {
        snprintf(buf, len, "-");
        return buf;
    }
    snprintf(buf, len, "%.4f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    return buf;
}

static int strlist_add(char ***list, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int strlist_add(char ***list, size_t *n, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return PL_ERR_NOMEM;
    *list = l;
    if (!(l[*n] = strdup(buf)))
        return PL_ERR_NOMEM;
    (*n)++;
    return PL_OK;
}

/* ---- indicator checks --------------------------------------------------------------------- */

static const struct {
    const char *key, *label, *unit, *rule;
} check_defs[PL_INDICATOR_CHECKS] = {
    {"investment_intensity", "投资强度 investment intensity", "万元/亩", "≥"},
    {"far", "容积率 FAR", "", "within"},
    {"tax_per_mu", "亩均税收 tax per mu", "万元/亩·年", "≥"},
    {"output_per_mu", "亩均产值 output per mu", "万元/亩·年", "≥"},
    {"energy_per_output", "单位产值能耗 energy per output", "吨标准煤/万元", "≤"},
};

/* committed[5] against the parcel's required values (req[0..5]: intensity,
 * far_min, far_max, tax, output, energy) → checks[5] */
static void run_checks(const double committed[PL_INDICATOR_CHECKS], const double req[6],
                       pl_indicator_check checks[PL_INDICATOR_CHECKS])
{
    for (int i = 0; i < PL_INDICATOR_CHECKS; i++) {
        pl_indicator_check *c = &checks[i];
        c->key = check_defs[i].key;
        c->label = check_defs[i].label;
        c->unit = check_defs[i].unit;
        c->rule = check_defs[i].rule;
        c->committed = committed[i];
        c->required_max = NAN;
        c->shortfall = 0;
        double v = committed[i];
        switch (i) {
        case 0:
        case 2:
        case 3: {
            double r = req[i == 0 ? 0 : i + 1];
            c->required = r;
            c->rule = "≥";
            if (!isnan(r))
                c->shortfall = isnan(v) || v < r - 1e-9;
            break;
        }
        case 1:
            c->required = req[1];
            c->required_max = req[2];
            if (!isnan(req[1]) || !isnan(req[2]))
                c->shortfall = isnan(v) || (!isnan(req[1]) && v < req[1] - 1e-9) ||
                               (!isnan(req[2]) && v > req[2] + 1e-9);
            c->rule = !isnan(req[1]) && !isnan(req[2]) ? "within" : !isnan(req[2]) ? "≤" : "≥";
            if (isnan(req[1]) && !isnan(req[2])) {
                c->required = req[2];
                c->required_max = NAN;
            }
            break;
        case 4:
            c->required = req[5];
            c->rule = "≤";
            if (!isnan(req[5]))
                c->shortfall = isnan(v) || v > req[5] + 1e-9;
            break;
        }
    }
}

static void describe_check(const char *parcel, const pl_indicator_check *c, char *buf, size_t len)
{
    int dec = !strcmp(c->key, "energy_per_output") ? 3 : 2;
    char unit[48] = "";
    if (c->unit[0])
        snprintf(unit, sizeof unit, " %s", c->unit);
    char committed[80];
    if (isnan(c->committed))
        snprintf(committed, sizeof committed, "not committed");
    else
        snprintf(committed, sizeof committed, "committed %.*f%s", dec, c->committed, unit);
    if (!strcmp(c->rule, "within"))
        snprintf(buf, len, "%s: %s: %s, required %.*f–%.*f%s", parcel, c->label, committed, dec, c->required, dec,
                 c->required_max, unit);
    else
        snprintf(buf, len, "%s: %s: %s, required %s %.*f%s", parcel, c->label, committed, c->rule, dec, c->required,
                 unit);
}

/* Read parcel_indicator of parcel `id` into req[6]; 1 found, 0 none, <0 db error */
static int parcel_requirements(pl_db *db, long id, double req[6])
{
    for (int i = 0; i < 6; i++)
        req[i] = NAN;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT investment_intensity, far_min, far_max, tax_per_mu, output_per_mu,"
                           " energy_per_output FROM parcel_indicator WHERE parcel_id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        for (int i = 0; i < 6; i++)
            req[i] = pl_col_num(st, i);
    sqlite3_finalize(st);
    return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

/* ---- signing --------------------------------------------------------------------------- */

void pl_project_sign_options_init(pl_project_sign_options *o)
{
    memset(o, 0, sizeof *o);
    o->investment = o->investment_intensity = o->far = NAN;
    o->tax_per_mu = o->output_per_mu = o->energy_per_output = NAN;
}

void pl_project_sign_result_release(pl_project_sign_result *r)
{
    if (!r)
        return;
    free(r->shortfalls);
    for (size_t i = 0; i < r->nproblems; i++)
        free(r->problems[i]);
    free(r->problems);
    for (size_t i = 0; i < r->nnotes; i++)
        free(r->notes[i]);
    free(r->notes);
    r->shortfalls = NULL;
    r->problems = r->notes = NULL;
    r->nshortfalls = r->nproblems = r->nnotes = 0;
}

typedef struct sign_parcel {
    long id;
    char code[64], park[64], status[16];
    double area_m2;
    int from_reserved;
} sign_parcel;

/* Check the options that need no database. */
static int check_sign_options(const pl_project_sign_options *o, const char *today, pl_error *err)
{
    if (blank(o->lead))
        return pl_error_set(err, PL_ERR_USAGE, "project sign needs a LEAD code");
    if (o->nparcels == 0)
        return pl_error_set(err, PL_ERR_USAGE, "project sign %s needs at least one --parcel CODE", o->lead);
    if (!blank(o->code) && !pl_text_is_code(o->code))
        return pl_error_set(err, PL_ERR_USAGE,
                            "project code '%s' is not usable (1–63 bytes, no blanks, commas or quotes)", o->code);
    if (o->accept_shortfall && blank(o->note))
        return pl_error_set(err, PL_ERR_USAGE, "--accept-shortfall needs a --note saying why");
    if (!blank(o->date)) {
        if (!valid_date(o->date))
            return pl_error_set(err, PL_ERR_USAGE, "signing date '%s' is not a real date (YYYY-MM-DD)", o->date);
        if (strcmp(o->date, today) > 0)
            return pl_error_set(err, PL_ERR_INPUT, "signing date %s is in the future", o->date);
    }
    const char *planned[4] = {o->land_by, o->start_by, o->production_by, o->verify_by};
    static const char *const opt[4] = {"--land-by", "--start-by", "--production-by", "--verify-by"};
    int last = -1;
    for (int k = 0; k < 4; k++) {
        if (blank(planned[k]))
            continue;
        if (!valid_date(planned[k]))
            return pl_error_set(err, PL_ERR_USAGE, "%s '%s' is not a real date (YYYY-MM-DD)", opt[k], planned[k]);
        if (last >= 0 && strcmp(planned[k], planned[last]) < 0)
            return pl_error_set(err, PL_ERR_INPUT, "planned %s %s (%s) is before planned %s %s (%s)",
                                milestone_en(k), planned[k], opt[k], milestone_en(last), planned[last], opt[last]);
        last = k;
    }
    struct {
        double v;
        const char *what;
    } nums[] = {{o->investment, "--investment"},       {o->investment_intensity, "--investment-intensity"},
                {o->far, "--far"},                     {o->tax_per_mu, "--tax-per-mu"},
                {o->output_per_mu, "--output-per-mu"}, {o->energy_per_output, "--energy-per-output"}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        if (!isnan(nums[i].v) && (!isfinite(nums[i].v) || nums[i].v < 0))
            return pl_error_set(err, PL_ERR_USAGE, "%s must be a number ≥ 0, not %g", nums[i].what, nums[i].v);
    for (size_t i = 0; i < o->nparcels; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(o->parcels[i], o->parcels[j]))
                return pl_error_set(err, PL_ERR_USAGE, "parcel '%s' is named twice", o->parcels[i]);
    return PL_OK;
}

/* Find a parcel by code (and park). 1 found, 0 problem recorded, <0 db error. */
static int find_parcel(pl_db *db, const char *park, const char *code, long lead_id, const char *lead_code,
                       const char *date, sign_parcel *out, pl_project_sign_result *res)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT p.id, p.code, k.code, p.status, p.area_m2 FROM parcel p JOIN park k"
                           " ON k.id = p.park_id WHERE p.code = ?1 AND (?2 IS NULL OR k.code = ?2) ORDER BY k.code",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    pl_bind_text(st, 1, code);
    pl_bind_text(st, 2, park);
    int n = 0;
    char parks[256] = "";
    size_t used = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == 0) {
            memset(out, 0, sizeof *out);
            out->id = (long)sqlite3_column_int64(st, 0);
            snprintf(out->code, sizeof out->code, "%s", (const char *)sqlite3_column_text(st, 1));
            snprintf(out->park, sizeof out->park, "%s", (const char *)sqlite3_column_text(st, 2));
            snprintf(out->status, sizeof out->status, "%s", (const char *)sqlite3_column_text(st, 3));
            out->area_m2 = sqlite3_column_double(st, 4);
        }
        if (used + 1 < sizeof parks)
            used += (size_t)snprintf(parks + used, sizeof parks - used, "%s%s", n ? ", " : "",
                                     (const char *)sqlite3_column_text(st, 2));
        n++;
    }
    sqlite3_finalize(st);
    if (n == 0) {
        if (park)
            strlist_add(&res->problems, &res->nproblems, "no parcel '%s' in park %s", code, park);
        else
            strlist_add(&res->problems, &res->nproblems, "no parcel '%s' (see 'parkland parcel list')", code);
        return 0;
    }
    if (n > 1) {
        strlist_add(&res->problems, &res->nproblems, "parcel code '%s' is in parks %s: name one with --park", code,
                    parks);
        return 0;
    }
    if (sqlite3_prepare_v2(db->h,
                           "SELECT x.code FROM project_parcel pp JOIN project x ON x.id = pp.project_id"
                           " WHERE pp.parcel_id = ?1 AND x.terminated_on IS NULL ORDER BY x.code LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, out->id);
    char holder_project[64] = "";
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(holder_project, sizeof holder_project, "%s", col_text(st, 0) ? col_text(st, 0) : "");
    sqlite3_finalize(st);
    if (holder_project[0]) {
        strlist_add(&res->problems, &res->nproblems, "parcel '%s' is held by project %s (%s %s)", code,
                    holder_project, out->status, pl_vocab_zh(PL_VOCAB_STATUS, out->status) ?
                    pl_vocab_zh(PL_VOCAB_STATUS, out->status) : "");
        return 0;
    }
    const char *s = out->status;
    if (!strcmp(s, "available") || !strcmp(s, "listed"))
        return 1;
    if (!strcmp(s, "reserved")) {
        if (sqlite3_prepare_v2(db->h,
                               "SELECT r.lead_id, l.code, r.expires_on FROM reservation r LEFT JOIN lead l"
                               " ON l.id = r.lead_id WHERE r.parcel_id = ?1 AND r.released_on IS NULL"
                               " ORDER BY r.id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_int64(st, 1, out->id);
        int found = sqlite3_step(st) == SQLITE_ROW;
        long holder = found && sqlite3_column_type(st, 0) != SQLITE_NULL ? (long)sqlite3_column_int64(st, 0) : 0;
        char holder_code[64] = "", expires[16] = "";
        if (found) {
            snprintf(holder_code, sizeof holder_code, "%s", col_text(st, 1) ? col_text(st, 1) : "");
            snprintf(expires, sizeof expires, "%s", col_text(st, 2) ? col_text(st, 2) : "");
        }
        sqlite3_finalize(st);
        if (found && holder == lead_id) {
            out->from_reserved = 1;
            if (expires[0] && strcmp(expires, date) < 0)
                strlist_add(&res->notes, &res->nnotes,
                            "parcel '%s': the reservation for lead %s expired on %s; signed all the same", code,
                            lead_code, expires);
            return 1;
        }
        if (!found || !holder)
            strlist_add(&res->problems, &res->nproblems,
                        "parcel '%s' is reserved (预留) without a lead; a project can take it once it is reserved "
                        "for lead %s, available or listed",
                        code, lead_code);
        else
            strlist_add(&res->problems, &res->nproblems, "parcel '%s' is reserved (预留) for lead %s until %s, not for %s",
                        code, holder_code, expires[0] ? expires : "?", lead_code);
        return 0;
    }
    const char *label = pl_vocab_zh(PL_VOCAB_STATUS, s) ? pl_vocab_zh(PL_VOCAB_STATUS, s) : "";
    strlist_add(&res->problems, &res->nproblems,
                "parcel '%s' is %s (%s); a project can take parcels that are available (可供), listed (挂牌) or "
                "reserved (预留) for lead %s",
                code, s, label, lead_code);
    return 0;
}

static int exec_bound(pl_db *db, pl_error *err, const char *what, const char *sql, const char *types, ...)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        switch (types[i]) {
        case 't':
            pl_bind_text(st, i + 1, va_arg(ap, const char *));
            break;
        case 'l':
            sqlite3_bind_int64(st, i + 1, va_arg(ap, long));
            break;
        case 'd':
            pl_bind_num(st, i + 1, va_arg(ap, double));
            break;
        }
    }
    va_end(ap);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, what);
    sqlite3_finalize(st);
    return rc;
}

int pl_project_sign(pl_db *db, const pl_project_sign_options *o, pl_project_sign_result *res, pl_error *err)
{
    memset(res, 0, sizeof *res);
    res->investment_intensity = NAN;
    char today[16], now[32], date[16];
    pl_today(today, sizeof today);
    pl_now_iso(now, sizeof now);
    int rc = check_sign_options(o, today, err);
    if (rc)
        return rc;
    snprintf(date, sizeof date, "%s", blank(o->date) ? today : o->date);
    snprintf(res->signed_on, sizeof res->signed_on, "%s", date);
    if (blank(o->code))
        snprintf(res->code, sizeof res->code, "P-%.61s", o->lead);
    else
        snprintf(res->code, sizeof res->code, "%s", o->code);
    const char *code = res->code;

    sign_parcel *parcels = calloc(o->nparcels, sizeof *parcels);
    if (!parcels)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    if ((rc = pl_db_begin(db, err))) {
        free(parcels);
        return rc;
    }
    sqlite3_stmt *st = NULL;

    /* the lead */
    long lead_id = 0, lead_park = 0;
    char lead_stage[16] = "";
    double lead_investment = NAN, lead_tax = NAN, lead_output = NAN;
    if ((rc = pl_db_prepare(db, "SELECT id, stage, investment, tax_per_mu, output_per_mu, park_id FROM lead"
                                " WHERE code = ?1", &st, err)))
        goto fail;
    pl_bind_text(st, 1, o->lead);
    if (sqlite3_step(st) == SQLITE_ROW) {
        lead_id = (long)sqlite3_column_int64(st, 0);
        snprintf(lead_stage, sizeof lead_stage, "%s", (const char *)sqlite3_column_text(st, 1));
        lead_investment = pl_col_num(st, 2);
        lead_tax = pl_col_num(st, 3);
        lead_output = pl_col_num(st, 4);
        lead_park = sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 : (long)sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!lead_id) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s' (see 'parkland lead list')", o->lead);
        goto fail;
    }
    if (!strcmp(lead_stage, "lost")) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "lead '%s' is lost (流失); reopen it first ('parkland lead stage %s intent --note …')",
                          o->lead, o->lead);
        goto fail;
    }
    /* the code */
    if ((rc = pl_db_prepare(db, "SELECT 1 FROM project WHERE code = ?1", &st, err)))
        goto fail;
    pl_bind_text(st, 1, code);
    int exists = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    st = NULL;
    if (exists) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s' already exists%s", code,
                          blank(o->code) ? " (name the new one with --code)" : "");
        goto fail;
    }
    if (!blank(o->park)) {
        if ((rc = pl_db_prepare(db, "SELECT 1 FROM park WHERE code = ?1", &st, err)))
            goto fail;
        pl_bind_text(st, 1, o->park);
        exists = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        st = NULL;
        if (!exists) {
            rc = pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", o->park);
            goto fail;
        }
    }
    /* the parcels */
    double area = 0;
    for (size_t i = 0; i < o->nparcels; i++) {
        int k = find_parcel(db, blank(o->park) ? NULL : o->park, o->parcels[i], lead_id, o->lead, date, &parcels[i],
                            res);
        if (k < 0) {
            rc = pl_db_fail(db, err, "cannot read parcels");
            goto fail;
        }
        area += k ? parcels[i].area_m2 : 0;
    }
    if (res->nproblems) {
        char list[PL_ERROR_MAX - 200] = "";
        size_t used = 0;
        for (size_t i = 0; i < res->nproblems && used + 1 < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? "; " : "", res->problems[i]);
        rc = pl_error_set(err, PL_ERR_INPUT, "project %s not signed: %s", code, list);
        goto fail;
    }
    res->area_m2 = area;

    /* commitments: without any commitment option, the lead's investment, tax
     * and output (what it declared while negotiating) are taken as committed */
    double investment = o->investment, tax = o->tax_per_mu, output = o->output_per_mu;
    if (isnan(o->investment) && isnan(o->investment_intensity) && isnan(o->far) && isnan(o->tax_per_mu) &&
        isnan(o->output_per_mu) && isnan(o->energy_per_output) &&
        (!isnan(lead_investment) || !isnan(lead_tax) || !isnan(lead_output))) {
        investment = lead_investment;
        tax = lead_tax;
        output = lead_output;
        res->commitments_from_lead = 1;
    }
    res->investment = investment;
    res->tax_per_mu = tax;
    res->output_per_mu = output;
    double intensity = o->investment_intensity;
    if (isnan(intensity) && !isnan(investment)) {
        intensity = pl_investment_intensity(investment, area);
        res->intensity_computed = !isnan(intensity);
    }
    res->investment_intensity = intensity;
    double committed[PL_INDICATOR_CHECKS] = {intensity, o->far, tax, output, o->energy_per_output};
    for (size_t i = 0; i < o->nparcels; i++) {
        double req[6];
        int k = parcel_requirements(db, parcels[i].id, req);
        if (k < 0) {
            rc = pl_db_fail(db, err, "cannot read parcel indicators");
            goto fail;
        }
        if (k == 0) {
            strlist_add(&res->notes, &res->nnotes,
                        "parcel '%s' has no standard-land indicators (parkland parcel indicators %s …): nothing "
                        "to check the commitments against",
                        parcels[i].code, parcels[i].code);
            continue;
        }
        pl_indicator_check checks[PL_INDICATOR_CHECKS];
        run_checks(committed, req, checks);
        for (int c = 0; c < PL_INDICATOR_CHECKS; c++) {
            if (!checks[c].shortfall)
                continue;
            pl_shortfall *s = realloc(res->shortfalls, (res->nshortfalls + 1) * sizeof *s);
            if (!s) {
                rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                goto fail;
            }
            res->shortfalls = s;
            s += res->nshortfalls++;
            memset(s, 0, sizeof *s);
            snprintf(s->parcel, sizeof s->parcel, "%s", parcels[i].code);
            s->check = checks[c];
            describe_check(parcels[i].code, &checks[c], s->text, sizeof s->text);
        }
    }
    if (res->nshortfalls && !o->accept_shortfall) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "project %s not signed: %zu shortfall%s against the parcels' standard-land indicators; "
                          "sign with --accept-shortfall --note TEXT to record and accept %s",
                          code, res->nshortfalls, res->nshortfalls > 1 ? "s" : "",
                          res->nshortfalls > 1 ? "them" : "it");
        goto fail;
    }

    /* write */
    if ((rc = exec_bound(db, err, "cannot add the project",
                         "INSERT INTO project(code, lead_id, signed_on, investment, investment_intensity, far,"
                         " tax_per_mu, output_per_mu, energy_per_output, shortfall_note, created_at, updated_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                         "tltddddddtt", code, lead_id, date, investment, intensity, o->far, tax, output,
                         o->energy_per_output,
                         res->nshortfalls ? o->note : (const char *)NULL, now)))
        goto fail;
    long pid = (long)sqlite3_last_insert_rowid(db->h);
    res->project_id = pid;
    const char *planned[4] = {o->land_by, o->start_by, o->production_by, o->verify_by};
    for (int k = 0; k < 4; k++)
        if ((rc = exec_bound(db, err, "cannot add milestones",
                             "INSERT INTO milestone(project_id, kind, planned) VALUES (?1, ?2, ?3)", "ltt", pid,
                             pl_milestone_kinds[k], blank(planned[k]) ? (const char *)NULL : planned[k])))
            goto fail;
    char plist[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < o->nparcels; i++)
        if (used + 1 < sizeof plist)
            used += (size_t)snprintf(plist + used, sizeof plist - used, "%s%s", i ? ", " : "", parcels[i].code);
    char created[1200];
    snprintf(created, sizeof created, "lead %s; parcels %s", o->lead, plist);
    if ((rc = pl_history_add_effective(db, "project", pid, code, "created", NULL, created,
                                       blank(o->note) ? NULL : o->note, date, 0, err)))
        goto fail;
    {
        char com[512] = "", a[32];
        size_t u = 0;
        struct {
            double v;
            const char *name, *unit;
        } cs[] = {{investment, "investment", " 万元"},
                  {intensity, "investment_intensity", " 万元/亩"},
                  {o->far, "far", ""},
                  {tax, "tax_per_mu", " 万元/亩·年"},
                  {output, "output_per_mu", " 万元/亩·年"},
                  {o->energy_per_output, "energy_per_output", " 吨标准煤/万元"}};
        for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
            if (!isnan(cs[i].v) && u + 1 < sizeof com)
                u += (size_t)snprintf(com + u, sizeof com - u, "%s%s=%s%s", u ? "; " : "", cs[i].name,
                                      fmt_num(cs[i].v, a, sizeof a), cs[i].unit);
        const char *cnote = res->commitments_from_lead && res->intensity_computed
                                ? "the lead's investment, tax and output taken as the commitments; investment "
                                  "intensity computed from the investment and the parcel area"
                            : res->commitments_from_lead ? "the lead's investment, tax and output taken as the commitments"
                            : res->intensity_computed
                                ? "investment intensity computed from the investment and the parcel area"
                                : NULL;
        if (com[0] && (rc = pl_history_add(db, "project", pid, code, "commitments", NULL, com, cnote, 0, err)))
            goto fail;
    }
    for (int k = 0; k < 4; k++) {
        char field[48];
        snprintf(field, sizeof field, "milestone %s planned", pl_milestone_kinds[k]);
        if (!blank(planned[k]) &&
            (rc = pl_history_add(db, "project", pid, code, field, NULL, planned[k], NULL, 0, err)))
            goto fail;
    }
    if (res->nshortfalls) {
        char list[2048] = "";
        size_t u = 0;
        for (size_t i = 0; i < res->nshortfalls && u + 1 < sizeof list; i++)
            u += (size_t)snprintf(list + u, sizeof list - u, "%s%s", i ? "; " : "", res->shortfalls[i].text);
        if ((rc = pl_history_add(db, "project", pid, code, "shortfall", NULL, list, o->note, 0, err)))
            goto fail;
    }
    char move_note[256];
    for (size_t i = 0; i < o->nparcels; i++) {
        sign_parcel *p = &parcels[i];
        if ((rc = exec_bound(db, err, "cannot link the parcel",
                             "INSERT INTO project_parcel(project_id, parcel_id) VALUES (?1, ?2)", "ll", pid, p->id)))
            goto fail;
        if ((rc = pl_history_add(db, "project", pid, code, "parcel", NULL, p->code, NULL, 0, err)))
            goto fail;
        /* an investment agreement (投资协议) does not transfer land: the parcel
         * is held for the project (reserved, or listed for 招拍挂) until the
         * land milestone (出让合同/交地) transfers it */
        snprintf(move_note, sizeof move_note, "project %s signed with lead %s: %s for the project", code, o->lead,
                 o->list ? "listed (挂牌)" : "reserved (预留)");
        char held[16];
        if ((rc = pl_parcel_hold_for_project(db, p->id, o->list, code, date, move_note, held, err)))
            goto fail;
        if (!o->list && !strcmp(held, "listed"))
            strlist_add(&res->notes, &res->nnotes, "parcel '%s' was listed (挂牌) already and stays listed", p->code);
    }
    /* the park the lead negotiated for: the parcels' when it named none */
    if (!lead_park) {
        long park_id = 0;
        int one = 1;
        for (size_t i = 0; i < o->nparcels && one; i++) {
            sqlite3_stmt *q;
            if ((rc = pl_db_prepare(db, "SELECT park_id FROM parcel WHERE id = ?1", &q, err)))
                goto fail;
            sqlite3_bind_int64(q, 1, parcels[i].id);
            long k = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
            sqlite3_finalize(q);
            one = k && (!park_id || park_id == k);
            park_id = k;
        }
        if (one && park_id) {
            snprintf(move_note, sizeof move_note, "project %s signed in park %s", code, parcels[0].park);
            if ((rc = exec_bound(db, err, "cannot update the lead", "UPDATE lead SET park_id = ?1 WHERE id = ?2", "ll",
                                 park_id, lead_id)) ||
                (rc = pl_history_add_effective(db, "lead", lead_id, o->lead, "park", NULL, parcels[0].park, move_note,
                                               date, 0, err)))
                goto fail;
            snprintf(res->lead_park, sizeof res->lead_park, "%s", parcels[0].park);
        }
    }
    if (strcmp(lead_stage, "signed")) {
        if ((rc = exec_bound(db, err, "cannot update the lead",
                             "UPDATE lead SET stage = 'signed', stage_date = ?1, updated_at = ?2 WHERE id = ?3", "ttl",
                             date, now, lead_id)))
            goto fail;
        snprintf(move_note, sizeof move_note, "project %s", code);
        if ((rc = pl_history_add_effective(db, "lead", lead_id, o->lead, "stage", lead_stage, "signed", move_note, date,
                                           0, err)))
            goto fail;
    }
    free(parcels);
    return pl_db_commit(db, err);
fail:
    sqlite3_finalize(st);
    free(parcels);
    pl_db_rollback(db);
    res->project_id = 0;
    return rc;
}

/* ---- changes to a signed project ----------------------------------------------------------- */

typedef struct project_ref {
    long id;
    char signed_on[16];
    char terminated_on[16]; /* "" while the project lives */
    char planned[4][16], actual[4][16]; /* "" when none */
} project_ref;

static int load_project(pl_db *db, const char *code, project_ref *p, pl_error *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, signed_on, terminated_on FROM project WHERE code = ?1", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    if (sqlite3_step(st) == SQLITE_ROW) {
        p->id = (long)sqlite3_column_int64(st, 0);
        snprintf(p->signed_on, sizeof p->signed_on, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(p->terminated_on, sizeof p->terminated_on, "%s", col_text(st, 2) ? col_text(st, 2) : "");
    }
    sqlite3_finalize(st);
    if (!p->id)
        return pl_error_set(err, PL_ERR_NOTFOUND, "no project '%s' (see 'parkland project list')", code);
    if ((rc = pl_db_prepare(db, "SELECT kind, planned, actual FROM milestone WHERE project_id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, p->id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int k = pl_vocab_index(PL_VOCAB_MILESTONE, (const char *)sqlite3_column_text(st, 0));
        if (k < 0)
            continue;
        snprintf(p->planned[k], 16, "%s", col_text(st, 1) ? col_text(st, 1) : "");
        snprintf(p->actual[k], 16, "%s", col_text(st, 2) ? col_text(st, 2) : "");
    }
    sqlite3_finalize(st);
    return PL_OK;
}

/* A project to change: load_project, refused once it was terminated (its
 * milestones, progress and plans stay as they were on that day). */
static int load_live_project(pl_db *db, const char *code, project_ref *p, pl_error *err)
{
    int rc = load_project(db, code, p, err);
    if (!rc && p->terminated_on[0])
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s' was terminated on %s; its record stays as it was", code,
                          p->terminated_on);
    return rc;
}

int pl_project_milestone(pl_db *db, const char *code, const char *kind, const char *planned, const char *actual,
                         const char *note, pl_error *err)
{
    if (pl_deadline_parse(kind) == PL_DL_COMPLETION) /* 竣工: a deadline, not a stage (deadline.c) */
        return pl_deadline_completion(db, code, planned, actual, note, err);
    int k = kind_index(kind);
    if (k < 0)
        return pl_error_set(err, PL_ERR_USAGE,
                            "unknown milestone '%s' (land 供地, construction 开工, completion 竣工, production 投产, "
                            "verification 达产验收)",
                            kind ? kind : "");
    if (blank(planned) == blank(actual))
        return pl_error_set(err, PL_ERR_USAGE, "give one of --planned DATE or --actual DATE");
    const char *date = blank(planned) ? actual : planned;
    int is_actual = !blank(actual);
    if (!valid_date(date))
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a real date (YYYY-MM-DD)", date);
    char today[16], now[32];
    pl_today(today, sizeof today);
    pl_now_iso(now, sizeof now);
    if (is_actual && strcmp(date, today) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "project '%s': the actual %s date %s is in the future", code,
                            milestone_en(k), date);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    project_ref p;
    if ((rc = load_live_project(db, code, &p, err)))
        goto fail;
    char(*dates)[16] = is_actual ? p.actual : p.planned;
    const char *which = is_actual ? "actual" : "planned";
    if (is_actual && strcmp(date, p.signed_on) < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': the %s date %s is before the signing on %s", code,
                          milestone_en(k), date, p.signed_on);
        goto fail;
    }
    /* order: after the previous kind given, before the next one given */
    for (int j = k - 1; j >= 0; j--) {
        if (!dates[j][0]) {
            if (is_actual) {
                rc = pl_error_set(err, PL_ERR_INPUT,
                                  "project '%s': record the actual %s (%s) before the %s (parkland project milestone "
                                  "%s %s --actual DATE)",
                                  code, milestone_en(j), milestone_zh(j), milestone_en(k), code, pl_milestone_kinds[j]);
                goto fail;
            }
            continue;
        }
        if (strcmp(date, dates[j]) < 0) {
            rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': %s %s %s is before the %s %s on %s", code, which,
                              milestone_en(k), date, which, milestone_en(j), dates[j]);
            goto fail;
        }
        break;
    }
    for (int j = k + 1; j < 4; j++) {
        if (!dates[j][0])
            continue;
        if (strcmp(date, dates[j]) > 0) {
            rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': %s %s %s is after the %s %s on %s", code, which,
                              milestone_en(k), date, which, milestone_en(j), dates[j]);
            goto fail;
        }
        break;
    }
    if (!strcmp(dates[k], date)) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': the %s %s date is already %s", code, which,
                          milestone_en(k), date);
        goto fail;
    }
    int first = !dates[k][0];
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO milestone(project_id, kind, %s) VALUES (?1, ?2, ?3)"
             " ON CONFLICT(project_id, kind) DO UPDATE SET %s = excluded.%s",
             which, which, which);
    if ((rc = exec_bound(db, err, "cannot record the milestone", sql, "ltt", p.id, pl_milestone_kinds[k], date)) ||
        (rc = exec_bound(db, err, "cannot update the project", "UPDATE project SET updated_at = ?1 WHERE id = ?2",
                         "tl", now, p.id)))
        goto fail;
    char field[48];
    snprintf(field, sizeof field, "milestone %s %s", pl_milestone_kinds[k], which);
    if ((rc = pl_history_add_effective(db, "project", p.id, code, field, first ? NULL : dates[k], date,
                                       blank(note) ? NULL : note, is_actual ? date : NULL, 0, err)))
        goto fail;
    /* a late handover by the government moves the company's deadlines: the exemption in history */
    if (is_actual && k == 0 && (rc = pl_deadline_handover_in_tx(db, p.id, code, p.planned[0], date, err)))
        goto fail;
    if (is_actual && first && milestone_parcel_status[k]) {
        const char *to = milestone_parcel_status[k];
        sqlite3_stmt *st;
        if ((rc = pl_db_prepare(db,
                                "SELECT p.id, p.status FROM project_parcel pp JOIN parcel p ON p.id = pp.parcel_id"
                                " WHERE pp.project_id = ?1 AND pp.reclaimed_on IS NULL" /* not reclaimed land */
                                " ORDER BY p.code", &st, err)))
            goto fail;
        sqlite3_bind_int64(st, 1, p.id);
        long *ids = NULL;
        size_t n = 0, cap = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *now_status = (const char *)sqlite3_column_text(st, 1);
            if (!strcmp(now_status, to))
                continue; /* already there (moved by hand): nothing to do */
            if (k == 0 && strcmp(now_status, "reserved") && strcmp(now_status, "listed"))
                continue; /* the land supply transfers what the project holds, nothing else */
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                long *grown = realloc(ids, cap * sizeof *ids);
                if (!grown) {
                    free(ids);
                    sqlite3_finalize(st);
                    rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                    goto fail;
                }
                ids = grown;
            }
            ids[n++] = (long)sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
        char mnote[512];
        snprintf(mnote, sizeof mnote, "project %s: %s %s%s%s", code, milestone_en(k), date, blank(note) ? "" : "; ",
                 blank(note) ? "" : note);
        for (size_t i = 0; i < n && !rc; i++)
            rc = pl_parcel_move(db, ids[i], to, date, mnote, 0, err);
        free(ids);
        if (rc)
            goto fail;
    }
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

static int valid_period(const char *s)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return 0;
    for (int i = 0; i < 7; i++)
        if (i != 4 && !isdigit((unsigned char)s[i]))
            return 0;
    int y = atoi(s), m = atoi(s + 5);
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12;
}

/* A project's monthly series of 万元: investment completed (investment_progress) or funds in
 * place (project_funds). The table names are these constants, never input. */
typedef struct monthly_series {
    const char *select_sql, *upsert_sql, *what, *history_field;
} monthly_series;

static const monthly_series progress_series = {
    "SELECT amount FROM investment_progress WHERE project_id = ?1 AND period = ?2",
    "INSERT INTO investment_progress(project_id, period, amount, recorded_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT(project_id, period) DO UPDATE SET amount = excluded.amount, recorded_at = excluded.recorded_at",
    "cannot record investment progress", "progress"};
static const monthly_series funds_series = {
    "SELECT amount FROM project_funds WHERE project_id = ?1 AND period = ?2",
    "INSERT INTO project_funds(project_id, period, amount, recorded_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT(project_id, period) DO UPDATE SET amount = excluded.amount, recorded_at = excluded.recorded_at",
    "cannot record the funds in place", "funds"};

/* `amount` 万元 in month `period` of the series: checked, replaced if recorded, in history. */
static int monthly_amount_set(pl_db *db, const monthly_series *ms, const char *code, const char *period,
                              double amount, const char *note, pl_error *err)
{
    if (!valid_period(period))
        return pl_error_set(err, PL_ERR_USAGE, "period '%s' is not a month (YYYY-MM)", period ? period : "");
    if (!isfinite(amount) || amount < 0)
        return pl_error_set(err, PL_ERR_USAGE, "amount must be a number of 万元 ≥ 0, not %g", amount);
    char today[16], now[32];
    pl_today(today, sizeof today);
    pl_now_iso(now, sizeof now);
    if (strncmp(period, today, 7) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "project '%s': period %s is in the future", code, period);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    project_ref p;
    if ((rc = load_live_project(db, code, &p, err)))
        goto fail;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, ms->select_sql, &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, p.id);
    pl_bind_text(st, 2, period);
    double old = NAN;
    if (sqlite3_step(st) == SQLITE_ROW)
        old = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    if ((rc = exec_bound(db, err, ms->what, ms->upsert_sql, "ltdt", p.id, period, amount, now)) ||
        (rc = exec_bound(db, err, "cannot update the project", "UPDATE project SET updated_at = ?1 WHERE id = ?2",
                         "tl", now, p.id)))
        goto fail;
    char field[32], a[32], b[32];
    snprintf(field, sizeof field, "%s %s", ms->history_field, period);
    if ((rc = pl_history_add(db, "project", p.id, code, field, isnan(old) ? NULL : fmt_num(old, a, sizeof a),
                             fmt_num(amount, b, sizeof b), blank(note) ? NULL : note, 0, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_project_progress(pl_db *db, const char *code, const char *period, double amount, const char *note,
                        pl_error *err)
{
    return monthly_amount_set(db, &progress_series, code, period, amount, note, err);
}

int pl_project_funds(pl_db *db, const char *code, const char *period, double amount, const char *note,
                     pl_error *err)
{
    return monthly_amount_set(db, &funds_series, code, period, amount, note, err);
}

int pl_project_plan(pl_db *db, const char *code, int year, double amount, const char *note, pl_error *err)
{
    if (year < 1990 || year > 2200)
        return pl_error_set(err, PL_ERR_USAGE, "year %d is not a plan year", year);
    if (!isfinite(amount) || amount < 0)
        return pl_error_set(err, PL_ERR_USAGE, "amount must be a number of 万元 ≥ 0, not %g", amount);
    char now[32];
    pl_now_iso(now, sizeof now);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    project_ref p;
    if ((rc = load_live_project(db, code, &p, err)))
        goto fail;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "SELECT amount FROM investment_plan WHERE project_id = ?1 AND year = ?2", &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, p.id);
    sqlite3_bind_int(st, 2, year);
    double old = NAN;
    if (sqlite3_step(st) == SQLITE_ROW)
        old = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    if ((rc = exec_bound(db, err, "cannot record the plan",
                         "INSERT INTO investment_plan(project_id, year, amount) VALUES (?1, ?2, ?3)"
                         " ON CONFLICT(project_id, year) DO UPDATE SET amount = excluded.amount",
                         "lld", p.id, (long)year, amount)) ||
        (rc = exec_bound(db, err, "cannot update the project", "UPDATE project SET updated_at = ?1 WHERE id = ?2",
                         "tl", now, p.id)))
        goto fail;
    char field[32], a[32], b[32];
    snprintf(field, sizeof field, "plan %d", year);
    if ((rc = pl_history_add(db, "project", p.id, code, field, isnan(old) ? NULL : fmt_num(old, a, sizeof a),
                             fmt_num(amount, b, sizeof b), blank(note) ? NULL : note, 0, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

#define MS(kind, col) "(SELECT " col " FROM milestone WHERE project_id = p.id AND kind = '" kind "')"

static const char project_select[] =
    "SELECT p.id, p.code, l.code, l.company, l.company_en, l.country, l.industry, i.name_zh, p.signed_on,"
    " p.investment, p.investment_intensity, p.far, p.tax_per_mu, p.output_per_mu, p.energy_per_output,"
    " p.shortfall_note, " STAGE_SQL ","
    " " MS("land", "planned") ", " MS("land", "actual") ", " MS("construction", "planned") ","
    " " MS("construction", "actual") ", " MS("production", "planned") ", " MS("production", "actual") ","
    " " MS("verification", "planned") ", " MS("verification", "actual") ","
    " (SELECT count(*) FROM project_parcel WHERE project_id = p.id),"
    " (SELECT group_concat(code, ',') FROM (SELECT c.code FROM project_parcel pp JOIN parcel c"
    "   ON c.id = pp.parcel_id WHERE pp.project_id = p.id ORDER BY c.code)),"
    " (SELECT total(c.area_m2) FROM project_parcel pp JOIN parcel c ON c.id = pp.parcel_id"
    "   WHERE pp.project_id = p.id),"
    " (SELECT total(amount) FROM investment_progress WHERE project_id = p.id),"
    " (SELECT total(amount) FROM investment_plan WHERE project_id = p.id)"
    " FROM project p JOIN lead l ON l.id = p.lead_id LEFT JOIN industry i ON i.id = l.industry";

static void project_from(sqlite3_stmt *st, pl_project_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = (long)sqlite3_column_int64(st, 0);
    r->code = col_text(st, 1);
    r->lead = col_text(st, 2);
    r->company = col_text(st, 3);
    r->company_en = col_text(st, 4);
    r->country = col_text(st, 5);
    r->industry = col_text(st, 6);
    r->industry_zh = col_text(st, 7);
    r->signed_on = col_text(st, 8);
    r->investment = pl_col_num(st, 9);
    r->investment_intensity = pl_col_num(st, 10);
    r->far = pl_col_num(st, 11);
    r->tax_per_mu = pl_col_num(st, 12);
    r->output_per_mu = pl_col_num(st, 13);
    r->energy_per_output = pl_col_num(st, 14);
    r->shortfall_note = col_text(st, 15);
    r->stage = col_text(st, 16);
    for (int k = 0; k < 4; k++) {
        r->milestones[k].planned = col_text(st, 17 + 2 * k);
        r->milestones[k].actual = col_text(st, 18 + 2 * k);
    }
    r->nparcels = sqlite3_column_int(st, 25);
    r->parcels = col_text(st, 26);
    r->area_m2 = sqlite3_column_double(st, 27);
    r->invested = sqlite3_column_double(st, 28);
    r->planned_total = sqlite3_column_double(st, 29);
}

int pl_project_each(pl_db *db, const pl_project_filter *filter, int (*cb)(const pl_project_row *row, void *ctx),
                    void *ctx, pl_error *err)
{
    pl_project_filter none = {0};
    if (!filter)
        filter = &none;
    const char *stage = NULL;
    if (!blank(filter->stage) && !(stage = pl_project_stage_parse(filter->stage)))
        return pl_error_set(err, PL_ERR_USAGE,
                            "unknown project stage '%s' (signed 已签约, land_supplied 已供地, construction 在建, "
                            "production 已投产, verified 已达产, terminated 已终止)",
                            filter->stage);
    /* the stage is derived: filter on the row values */
    char full[sizeof project_select + 64];
    snprintf(full, sizeof full, "%s ORDER BY p.code", project_select);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, full, &st, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_project_row r;
        project_from(st, &r);
        if (stage && strcmp(r.stage, stage))
            continue;
        if (!blank(filter->lead) && (!r.lead || strcmp(r.lead, filter->lead)))
            continue;
        if ((rc = cb(&r, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = pl_db_fail(db, err, "cannot read projects");
    sqlite3_finalize(st);
    return rc;
}

int pl_project_get(pl_db *db, const char *code, int (*cb)(const pl_project_row *row, void *ctx), void *ctx,
                   pl_error *err)
{
    char full[sizeof project_select + 64];
    snprintf(full, sizeof full, "%s WHERE p.code = ?1", project_select);
    sqlite3_stmt *st;
    int rc = pl_db_prepare_kept(db, full, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        pl_project_row r;
        project_from(st, &r);
        rc = cb(&r, ctx);
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no project '%s' (see 'parkland project list')", code);
    } else {
        rc = pl_db_fail(db, err, "cannot read projects");
    }
    pl_db_kept_done(db, st);
    return rc;
}

int pl_project_parcels(pl_db *db, const char *code, int (*cb)(const pl_project_parcel *p, void *ctx), void *ctx,
                       pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
                           "SELECT k.code, c.code, c.name, c.status, c.area_m2, pi.parcel_id IS NOT NULL,"
                           " pi.investment_intensity, pi.far_min, pi.far_max, pi.tax_per_mu, pi.output_per_mu,"
                           " pi.energy_per_output, p.investment_intensity, p.far, p.tax_per_mu, p.output_per_mu,"
                           " p.energy_per_output"
                           " FROM project p JOIN project_parcel pp ON pp.project_id = p.id"
                           " JOIN parcel c ON c.id = pp.parcel_id JOIN park k ON k.id = c.park_id"
                           " LEFT JOIN parcel_indicator pi ON pi.parcel_id = c.id"
                           " WHERE p.code = ?1 ORDER BY k.code, c.code", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step, n = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_project_parcel p;
        memset(&p, 0, sizeof p);
        p.park = col_text(st, 0);
        p.code = col_text(st, 1);
        p.name = col_text(st, 2);
        p.status = col_text(st, 3);
        p.area_m2 = sqlite3_column_double(st, 4);
        p.has_indicators = sqlite3_column_int(st, 5);
        double req[6], committed[PL_INDICATOR_CHECKS];
        for (int i = 0; i < 6; i++)
            req[i] = pl_col_num(st, 6 + i);
        for (int i = 0; i < PL_INDICATOR_CHECKS; i++)
            committed[i] = pl_col_num(st, 12 + i);
        run_checks(committed, req, p.checks);
        n++;
        if ((rc = cb(&p, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = pl_db_fail(db, err, "cannot read the project's parcels");
    sqlite3_finalize(st);
    if (!rc && n == 0) {
        project_ref ref;
        rc = load_project(db, code, &ref, err);
    }
    return rc;
}

int pl_project_years(pl_db *db, const char *code, int (*cb)(const pl_project_year *y, void *ctx), void *ctx,
                     pl_error *err)
{
    project_ref ref;
    int rc = load_project(db, code, &ref, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
                            "WITH y(year) AS (SELECT year FROM investment_plan WHERE project_id = ?1"
                            "  UNION SELECT CAST(substr(period, 1, 4) AS INTEGER) FROM investment_progress"
                            "  WHERE project_id = ?1)"
                            " SELECT y.year, (SELECT amount FROM investment_plan WHERE project_id = ?1 AND year = y.year),"
                            " (SELECT total(amount) FROM investment_progress WHERE project_id = ?1"
                            "   AND CAST(substr(period, 1, 4) AS INTEGER) = y.year),"
                            " (SELECT count(*) FROM investment_progress WHERE project_id = ?1"
                            "   AND CAST(substr(period, 1, 4) AS INTEGER) = y.year)"
                            " FROM y ORDER BY y.year", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, ref.id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_project_year y = {sqlite3_column_int(st, 0), pl_col_num(st, 1), sqlite3_column_double(st, 2),
                             sqlite3_column_int(st, 3)};
        if ((rc = cb(&y, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = pl_db_fail(db, err, "cannot read investment");
    sqlite3_finalize(st);
    return rc;
}
