/* indicators.c — standard-land control indicators of parcels and parks, and
 * their check against the national control table and the park's thresholds. */
#include "parkland/indicators.h"
#include "parkland/sanity.h"
#include "parkland/parse.h"

#include "db_internal.h"
#include "vocab.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct field_def {
    pl_indicator_info info;
    size_t off;  /* offset of the value in pl_indicators */
    size_t size; /* text fields: buffer size */
} field_def;

#define REAL_F(name, opt, zh, en, unit, pct) \
    {{#name, opt, zh, en, unit, PL_IND_REAL, pct}, offsetof(pl_indicators, name), 0}
#define TEXT_F(name, opt, zh, en) \
    {{#name, opt, zh, en, "", PL_IND_TEXT, 0}, offsetof(pl_indicators, name), sizeof(((pl_indicators *)0)->name)}

static const field_def fields[PL_IND_FIELD_COUNT] = {
    REAL_F(investment_intensity, "--investment-intensity", "投资强度", "investment intensity", "万元/亩", 0),
    REAL_F(far_min, "--far-min", "容积率下限", "FAR min", "", 0),
    REAL_F(far_max, "--far-max", "容积率上限", "FAR max", "", 0),
    REAL_F(tax_per_mu, "--tax-per-mu", "亩均税收", "tax per mu", "万元/亩·年", 0),
    REAL_F(output_per_mu, "--output-per-mu", "亩均产值", "output per mu", "万元/亩·年", 0),
    REAL_F(energy_per_output, "--energy-per-output", "单位产值能耗", "energy per output", "吨标准煤/万元", 0),
    REAL_F(building_coverage_min, "--building-coverage-min", "建筑系数下限", "building coverage min", "%", 1),
    REAL_F(admin_share_max, "--admin-share-max", "行政办公及生活服务设施用地比例上限", "admin share max", "%", 1),
    REAL_F(green_ratio_max, "--green-ratio-max", "绿地率上限", "green ratio max", "%", 1),
    TEXT_F(industries, "--industries", "准入产业", "industries allowed"),
    TEXT_F(industry_code, "--industry-code", "国民经济行业代码", "GB/T 4754 industry code"),
    TEXT_F(industry_code_edition, "--edition", "行业代码版本", "GB/T 4754 edition"),
    REAL_F(base_price, "--base-price", "起始价", "base price", "万元/亩", 0),
    {{"term_years", "--term-years", "出让年限", "term", "年", PL_IND_INT, 0}, offsetof(pl_indicators, term_years), 0},
    REAL_F(threshold_investment_intensity, "--threshold-investment-intensity", "园区投资强度门槛",
           "park threshold: investment intensity", "万元/亩", 0),
    REAL_F(threshold_tax_per_mu, "--threshold-tax-per-mu", "园区亩均税收门槛", "park threshold: tax per mu",
           "万元/亩·年", 0),
    REAL_F(threshold_output_per_mu, "--threshold-output-per-mu", "园区亩均产值门槛", "park threshold: output per mu",
           "万元/亩·年", 0),
};

#define BIT(f) (1u << (unsigned)(f))

const pl_indicator_info *pl_indicator_field_info(pl_ind_field f)
{
    return (int)f >= 0 && f < PL_IND_FIELD_COUNT ? &fields[f].info : NULL;
}

int pl_indicator_field_parse(const char *s)
{
    for (int f = 0; s && f < PL_IND_FIELD_COUNT; f++)
        if (!strcmp(s, fields[f].info.key) || !strcmp(s, fields[f].info.option))
            return f;
    return -1;
}

void pl_indicators_init(pl_indicators *ind)
{
    memset(ind, 0, sizeof *ind);
}

static double *real_ptr(pl_indicators *ind, pl_ind_field f)
{
    return (double *)((char *)ind + fields[f].off);
}

static char *text_ptr(pl_indicators *ind, pl_ind_field f)
{
    return (char *)ind + fields[f].off;
}

void pl_indicators_put_number(pl_indicators *ind, pl_ind_field f, double v)
{
    if (fields[f].info.kind == PL_IND_REAL)
        *real_ptr(ind, f) = v;
    else if (fields[f].info.kind == PL_IND_INT)
        ind->term_years = (int)v;
    else
        return;
    ind->has |= BIT(f);
    ind->clear &= ~BIT(f);
}

int pl_indicators_put(pl_indicators *ind, pl_ind_field f, const char *text, pl_error *err)
{
    const pl_indicator_info *in = pl_indicator_field_info(f);
    if (!in)
        return pl_error_set(err, PL_ERR_USAGE, "unknown indicator %d", (int)f);
    if (!text)
        text = "";
    if (!strcmp(text, "none") || (f == PL_IND_INDUSTRIES && !strcmp(text, "any"))) {
        ind->has &= ~BIT(f);
        ind->clear |= BIT(f);
        return PL_OK;
    }
    if (in->kind == PL_IND_TEXT) {
        if (strlen(text) >= fields[f].size)
            return pl_error_set(err, PL_ERR_USAGE, "%s is too long (at most %zu bytes)", in->option,
                                fields[f].size - 1);
        snprintf(text_ptr(ind, f), fields[f].size, "%s", text);
        ind->has |= BIT(f);
        ind->clear &= ~BIT(f);
        return PL_OK;
    }
    /* the one dialect (parkland/parse.h): 12,000, full-width digits, a unit of the field's dimension */
    double v;
    if (in->kind == PL_IND_INT) {
        if (!pl_parse_number(text, &v) || v != floor(v) || v < INT_MIN || v > INT_MAX)
            return pl_error_set(err, PL_ERR_USAGE, "%s expects a whole number, not '%s'", in->option, text);
        pl_indicators_put_number(ind, f, v);
        return PL_OK;
    }
    pl_unit unit = pl_unit_parse(in->unit);
    char *end;
    if (unit == PL_UNIT_NONE ? pl_parse_number(text, &v) : pl_parse_quantity(text, unit, &v, NULL))
        ; /* read */
    else if (v = strtod(text, &end), !*text || *end) /* as before: inf, nan are refused later, by name */
        return pl_error_set(err, PL_ERR_USAGE, "%s expects a number%s%s, not '%s'", in->option,
                            *in->unit ? " in " : "", in->unit, text);
    pl_indicators_put_number(ind, f, v);
    return PL_OK;
}

double pl_indicators_number(const pl_indicators *ind, pl_ind_field f)
{
    if ((int)f < 0 || f >= PL_IND_FIELD_COUNT || !pl_indicators_has(ind, f))
        return NAN;
    if (fields[f].info.kind == PL_IND_REAL)
        return *(const double *)((const char *)ind + fields[f].off);
    if (fields[f].info.kind == PL_IND_INT)
        return ind->term_years;
    return NAN;
}

void pl_indicators_format(const pl_indicators *ind, pl_ind_field f, char *buf, size_t len)
{
    if (!len)
        return;
    buf[0] = '\0';
    if ((int)f < 0 || f >= PL_IND_FIELD_COUNT || !pl_indicators_has(ind, f))
        return;
    if (fields[f].info.kind == PL_IND_TEXT)
        snprintf(buf, len, "%s", (const char *)ind + fields[f].off);
    else if (fields[f].info.kind == PL_IND_INT)
        snprintf(buf, len, "%d", ind->term_years);
    else
        snprintf(buf, len, "%.10g", pl_indicators_number(ind, f));
}

/* ---- warnings ------------------------------------------------------------ */

void pl_indicator_warnings_release(pl_indicator_warnings *w)
{
    if (!w)
        return;
    free(w->items);
    w->items = NULL;
    w->n = 0;
}

/* "35 %", "280 万元/亩", "0.8". */
static void with_unit(char *buf, size_t len, double v, const char *unit)
{
    snprintf(buf, len, "%.10g%s%s", v, *unit ? " " : "", unit);
}

static int add_warning(pl_indicator_warnings *w, pl_ind_field f, int national, double value, double limit,
                       int above, const char *whose, const char *context, pl_error *err)
{
    pl_indicator_warning *items = realloc(w->items, (w->n + 1) * sizeof *items);
    if (!items)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    w->items = items;
    pl_indicator_warning *it = &items[w->n++];
    memset(it, 0, sizeof *it);
    it->field = f;
    it->national = national;
    it->value = value;
    it->limit = limit;
    const pl_indicator_info *in = &fields[f].info;
    char v[64], l[64];
    with_unit(v, sizeof v, value, in->unit);
    with_unit(l, sizeof l, limit, in->unit);
    snprintf(it->text, sizeof it->text, "%s %s %s %s%s is %s %s %s%s%s%s", in->zh, in->en, v,
             above ? "高于" : "低于", national ? "国家控制指标" : "园区门槛", above ? "above" : "below", whose, l,
             context && *context ? " (" : "", context ? context : "", context && *context ? ")" : "");
    return PL_OK;
}

typedef struct national_row {
    int found;
    double far_min, coverage, admin; /* NAN when empty */
    char name[256], source[512];
} national_row;

static int national_lookup(pl_db *db, const char *edition, const char *code, national_row *r, pl_error *err)
{
    memset(r, 0, sizeof *r);
    r->far_min = r->coverage = r->admin = NAN;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT far_min, building_coverage_min, admin_share_max, industry_name, source FROM national_control"
        " WHERE edition = ?1 AND industry_code = ?2", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, edition);
    pl_bind_text(st, 2, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        r->found = 1;
        r->far_min = pl_col_num(st, 0);
        r->coverage = pl_col_num(st, 1);
        r->admin = pl_col_num(st, 2);
        const char *n = (const char *)sqlite3_column_text(st, 3), *s = (const char *)sqlite3_column_text(st, 4);
        snprintf(r->name, sizeof r->name, "%s", n ? n : "");
        snprintf(r->source, sizeof r->source, "%s", s ? s : "");
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the national control table");
    }
    sqlite3_finalize(st);
    return rc;
}

static int read_row(pl_db *db, int is_park, long id, pl_indicators *out, pl_error *err);

int pl_indicators_check(pl_db *db, const char *park, const pl_indicators *ind, pl_indicator_warnings *out,
                        pl_error *err)
{
    out->items = NULL;
    out->n = 0;
    int rc;
    /* national */
    const char *edition = pl_indicators_has(ind, PL_IND_INDUSTRY_CODE_EDITION) && ind->industry_code_edition[0]
                              ? ind->industry_code_edition : "2017";
    national_row star, row;
    if ((rc = national_lookup(db, edition, "*", &star, err)))
        return rc;
    int has_code = pl_indicators_has(ind, PL_IND_INDUSTRY_CODE) && ind->industry_code[0];
    if (has_code) {
        if ((rc = national_lookup(db, edition, ind->industry_code, &row, err)))
            return rc;
    } else {
        memset(&row, 0, sizeof row);
        row.far_min = row.coverage = row.admin = NAN;
    }
    char ctx[1024];
    if (row.found && !isnan(row.far_min)) {
        snprintf(ctx, sizeof ctx, "GB/T 4754-%s %s %s; %s", edition, ind->industry_code, row.name, row.source);
        if (pl_indicators_has(ind, PL_IND_FAR_MIN) && ind->far_min < row.far_min - 1e-9)
            rc = add_warning(out, PL_IND_FAR_MIN, 1, ind->far_min, row.far_min, 0, "the national minimum", ctx, err);
        else if (!pl_indicators_has(ind, PL_IND_FAR_MIN) && pl_indicators_has(ind, PL_IND_FAR_MAX) &&
                 ind->far_max < row.far_min - 1e-9)
            rc = add_warning(out, PL_IND_FAR_MAX, 1, ind->far_max, row.far_min, 0, "the national minimum", ctx, err);
        if (rc)
            goto fail;
    }
    double cov = !isnan(row.coverage) ? row.coverage : star.coverage;
    double adm = !isnan(row.admin) ? row.admin : star.admin;
    if (!isnan(cov) && pl_indicators_has(ind, PL_IND_BUILDING_COVERAGE_MIN) && ind->building_coverage_min < cov - 1e-9) {
        snprintf(ctx, sizeof ctx, "GB/T 4754-%s; %s", edition, !isnan(row.coverage) ? row.source : star.source);
        if ((rc = add_warning(out, PL_IND_BUILDING_COVERAGE_MIN, 1, ind->building_coverage_min, cov, 0,
                              "the national minimum", ctx, err)))
            goto fail;
    }
    if (!isnan(adm) && pl_indicators_has(ind, PL_IND_ADMIN_SHARE_MAX) && ind->admin_share_max > adm + 1e-9) {
        snprintf(ctx, sizeof ctx, "GB/T 4754-%s; %s", edition, !isnan(row.admin) ? row.source : star.source);
        if ((rc = add_warning(out, PL_IND_ADMIN_SHARE_MAX, 1, ind->admin_share_max, adm, 1,
                              "the national maximum", ctx, err)))
            goto fail;
    }
    /* the park's thresholds: stored ones, overridden by those set in `ind` */
    pl_indicators th;
    pl_indicators_init(&th);
    if (park) {
        long park_id;
        if ((rc = pl_park_find(db, park, &park_id, err)) || (rc = read_row(db, 1, park_id, &th, err)))
            goto fail;
    }
    static const pl_ind_field pairs[][2] = {
        {PL_IND_INVESTMENT_INTENSITY, PL_IND_THRESHOLD_INVESTMENT_INTENSITY},
        {PL_IND_TAX_PER_MU, PL_IND_THRESHOLD_TAX_PER_MU},
        {PL_IND_OUTPUT_PER_MU, PL_IND_THRESHOLD_OUTPUT_PER_MU},
    };
    char whose[160];
    if (park)
        snprintf(whose, sizeof whose, "the threshold of park %s", park);
    else
        snprintf(whose, sizeof whose, "the park's threshold");
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        double limit = pl_indicators_has(ind, pairs[i][1]) ? pl_indicators_number(ind, pairs[i][1])
                                                          : pl_indicators_number(&th, pairs[i][1]);
        double v = pl_indicators_number(ind, pairs[i][0]);
        if (!isnan(limit) && !isnan(v) && v < limit - 1e-9 &&
            (rc = add_warning(out, pairs[i][0], 0, v, limit, 0, whose, NULL, err)))
            goto fail;
    }
    /* plausible ranges (parkland/sanity.h): a slip of unit or decimal point */
    for (int f = 0; f < PL_IND_FIELD_COUNT; f++) {
        double v = pl_indicators_has(ind, (pl_ind_field)f) ? pl_indicators_number(ind, (pl_ind_field)f) : NAN;
        char text[sizeof out->items[0].text];
        if (!pl_sanity_indicator((pl_ind_field)f, v, text, sizeof text))
            continue;
        pl_indicator_warning *items = realloc(out->items, (out->n + 1) * sizeof *items);
        if (!items) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            goto fail;
        }
        out->items = items;
        pl_indicator_warning *it = &items[out->n++];
        memset(it, 0, sizeof *it);
        it->field = (pl_ind_field)f;
        it->value = v;
        it->implausible = 1;
        size_t nr;
        const pl_sanity_range *r = pl_sanity_ranges(&nr);
        for (size_t k = 0; k < nr; k++)
            if (r[k].field == (pl_ind_field)f)
                it->limit = v < r[k].lo ? r[k].lo : r[k].hi;
        snprintf(it->text, sizeof it->text, "%s", text);
    }
    return PL_OK;
fail:
    pl_indicator_warnings_release(out);
    return rc;
}

/* ---- storage ------------------------------------------------------------- */

static int nfields_of(int is_park)
{
    return is_park ? PL_IND_FIELD_COUNT : PL_IND_PARCEL_FIELDS;
}

static int read_row(pl_db *db, int is_park, long id, pl_indicators *out, pl_error *err)
{
    pl_indicators_init(out);
    int nf = nfields_of(is_park);
    char sql[2048];
    size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT ");
    for (int f = 0; f < nf; f++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s, ", fields[f].info.key);
    snprintf(sql + n, sizeof sql - n, "updated_at FROM %s WHERE %s = ?1", is_park ? "park_indicator" : "parcel_indicator",
             is_park ? "park_id" : "parcel_id");
    sqlite3_stmt *st;
    int rc = pl_db_prepare_kept(db, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->present = 1;
        for (int f = 0; f < nf; f++) {
            if (sqlite3_column_type(st, f) == SQLITE_NULL)
                continue;
            if (fields[f].info.kind == PL_IND_TEXT) {
                snprintf(text_ptr(out, (pl_ind_field)f), fields[f].size, "%s", (const char *)sqlite3_column_text(st, f));
                out->has |= BIT(f);
            } else if (fields[f].info.kind == PL_IND_INT) {
                pl_indicators_put_number(out, (pl_ind_field)f, (double)sqlite3_column_int64(st, f));
            } else {
                pl_indicators_put_number(out, (pl_ind_field)f, sqlite3_column_double(st, f));
            }
        }
        const char *at = (const char *)sqlite3_column_text(st, nf);
        snprintf(out->updated_at, sizeof out->updated_at, "%s", at ? at : "");
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read indicators");
    }
    pl_db_kept_done(db, st);
    return rc;
}

static int write_row(pl_db *db, int is_park, long id, const pl_indicators *ind, pl_error *err)
{
    int nf = nfields_of(is_park);
    const char *table = is_park ? "park_indicator" : "parcel_indicator", *idcol = is_park ? "park_id" : "parcel_id";
    char sql[4096];
    size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s(%s, ", table, idcol);
    for (int f = 0; f < nf; f++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s, ", fields[f].info.key);
    n += (size_t)snprintf(sql + n, sizeof sql - n, "updated_at) VALUES (?1, ");
    for (int f = 0; f < nf; f++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "?%d, ", f + 2);
    n += (size_t)snprintf(sql + n, sizeof sql - n, "?%d) ON CONFLICT(%s) DO UPDATE SET ", nf + 2, idcol);
    for (int f = 0; f < nf; f++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s = excluded.%s, ", fields[f].info.key, fields[f].info.key);
    snprintf(sql + n, sizeof sql - n, "updated_at = excluded.updated_at");
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    for (int f = 0; f < nf; f++) {
        int p = f + 2;
        if (!pl_indicators_has(ind, (pl_ind_field)f))
            sqlite3_bind_null(st, p);
        else if (fields[f].info.kind == PL_IND_TEXT)
            pl_bind_text(st, p, (const char *)ind + fields[f].off);
        else if (fields[f].info.kind == PL_IND_INT)
            sqlite3_bind_int(st, p, ind->term_years);
        else
            sqlite3_bind_double(st, p, pl_indicators_number(ind, (pl_ind_field)f));
    }
    char now[32];
    pl_now_iso(now, sizeof now);
    pl_bind_text(st, nf + 2, now);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot write indicators");
    sqlite3_finalize(st);
    return rc;
}

int pl_parcel_indicators_get(pl_db *db, const char *park, const char *code, pl_indicators *out, pl_error *err)
{
    pl_indicators_init(out);
    long id;
    char pk[64];
    int rc = pl_parcel_find(db, park, code, &id, pk, sizeof pk, err);
    return rc ? rc : read_row(db, 0, id, out, err);
}

int pl_park_indicators_get(pl_db *db, const char *park, pl_indicators *out, pl_error *err)
{
    pl_indicators_init(out);
    long id;
    int rc = pl_park_find(db, park, &id, err);
    return rc ? rc : read_row(db, 1, id, out, err);
}

/* Check and normalise the industries list in place ("it, equipment" → "it,equipment"). */
static int check_industries(pl_db *db, const char *subject, char *list, size_t len, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id FROM industry ORDER BY rowid", &st, err);
    if (rc)
        return rc;
    char allowed[1024] = "";
    size_t an = 0;
    char ids[32][64];
    size_t nids = 0;
    while (sqlite3_step(st) == SQLITE_ROW && nids < 32) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        snprintf(ids[nids++], sizeof ids[0], "%s", id);
        an += (size_t)snprintf(allowed + an, sizeof allowed - an, "%s%s", an ? ", " : "", id);
        if (an >= sizeof allowed)
            an = sizeof allowed - 1;
    }
    sqlite3_finalize(st);
    char *copy = strdup(list);
    if (!copy)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    char out[512] = "";
    size_t on = 0;
    char *save = NULL;
    int count = 0;
    rc = PL_OK;
    for (char *tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t tl = strlen(tok);
        while (tl && (tok[tl - 1] == ' ' || tok[tl - 1] == '\t'))
            tok[--tl] = '\0';
        if (!tl)
            continue;
        /* an industry by its id, or its Chinese or English name */
        const char *id = pl_vocab_parse_id(PL_VOCAB_INDUSTRY, tok), *name = id ? id : tok;
        int known = 0;
        for (size_t i = 0; i < nids && !known; i++)
            known = !strcmp(ids[i], name);
        if (!known) {
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: unknown industry '%s' in --industries; the industries are: %s",
                              subject, name, allowed);
            break;
        }
        /* skip duplicates */
        char probe[80];
        snprintf(probe, sizeof probe, ",%s,", name);
        char have[520];
        snprintf(have, sizeof have, ",%s,", out);
        if (strstr(have, probe))
            continue;
        on += (size_t)snprintf(out + on, sizeof out - on, "%s%s", on ? "," : "", name);
        if (on >= sizeof out) {
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: the industries list is too long", subject);
            break;
        }
        count++;
    }
    free(copy);
    if (!rc && !count)
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: --industries names no industry; the industries are: %s", subject,
                          allowed);
    if (!rc)
        snprintf(list, len, "%s", out);
    return rc;
}

/* Range rules on a complete set. */
static int validate(pl_db *db, const char *subject, pl_indicators *ind, pl_error *err)
{
    for (int f = 0; f < PL_IND_FIELD_COUNT; f++) {
        if (!pl_indicators_has(ind, (pl_ind_field)f) || fields[f].info.kind == PL_IND_TEXT)
            continue;
        const pl_indicator_info *in = &fields[f].info;
        double v = pl_indicators_number(ind, (pl_ind_field)f);
        if (!isfinite(v) || v < 0)
            return pl_error_set(err, PL_ERR_INPUT, "%s: %s %s must be a finite number ≥ 0, not %g", subject, in->zh,
                                in->en, v);
        if (in->percent && v > 100)
            return pl_error_set(err, PL_ERR_INPUT, "%s: %s %s is a percentage (0–100 %%), not %g", subject, in->zh,
                                in->en, v);
    }
    if (pl_indicators_has(ind, PL_IND_FAR_MIN) && pl_indicators_has(ind, PL_IND_FAR_MAX) &&
        ind->far_min > ind->far_max)
        return pl_error_set(err, PL_ERR_INPUT, "%s: 容积率 FAR min %g is above FAR max %g", subject, ind->far_min,
                            ind->far_max);
    if (pl_indicators_has(ind, PL_IND_TERM_YEARS) && (ind->term_years < 1 || ind->term_years > 50))
        return pl_error_set(err, PL_ERR_INPUT, "%s: 出让年限 term %d years is outside 1–50 (工业用地最高50年)", subject,
                            ind->term_years);
    if (pl_indicators_has(ind, PL_IND_INDUSTRIES)) {
        int rc = check_industries(db, subject, ind->industries, sizeof ind->industries, err);
        if (rc)
            return rc;
    }
    int has_code = pl_indicators_has(ind, PL_IND_INDUSTRY_CODE);
    int has_ed = pl_indicators_has(ind, PL_IND_INDUSTRY_CODE_EDITION);
    if (has_code) {
        const char *c = ind->industry_code;
        if (strlen(c) != 2 || c[0] < '0' || c[0] > '9' || c[1] < '0' || c[1] > '9')
            return pl_error_set(err, PL_ERR_INPUT, "%s: industry code '%s' is not a 2-digit GB/T 4754 division "
                                "(e.g. 39)", subject, c);
        if (!has_ed)
            return pl_error_set(err, PL_ERR_INPUT, "%s: industry code %s needs its GB/T 4754 edition "
                                "(--edition 2002|2011|2017): the divisions were renumbered", subject, c);
    }
    if (has_ed) {
        const char *e = ind->industry_code_edition;
        if (strcmp(e, "2002") && strcmp(e, "2011") && strcmp(e, "2017"))
            return pl_error_set(err, PL_ERR_INPUT, "%s: GB/T 4754 edition '%s' is not 2002, 2011 or 2017", subject, e);
        if (!has_code)
            return pl_error_set(err, PL_ERR_INPUT, "%s: --edition %s goes with an industry code (--industry-code)",
                                subject, e);
    }
    return PL_OK;
}

/* The common set routine: parcel (is_park 0) or park. */
static int set_indicators(pl_db *db, int is_park, const char *park, const char *code, const pl_indicators *changes,
                          const char *note, pl_indicator_warnings *warnings, int *changed, pl_error *err)
{
    if (warnings) {
        warnings->items = NULL;
        warnings->n = 0;
    }
    if (changed)
        *changed = 0;
    int nf = nfields_of(is_park);
    for (int f = nf; f < PL_IND_FIELD_COUNT; f++)
        if (((changes->has | changes->clear) >> f) & 1u)
            return pl_error_set(err, PL_ERR_USAGE, "%s (%s) is a park threshold: set it with 'parkland park indicators'",
                                fields[f].info.option, fields[f].info.zh);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id;
    char park_code[64], subject[256];
    if (is_park) {
        rc = pl_park_find(db, park, &id, err);
        snprintf(park_code, sizeof park_code, "%s", park ? park : "");
        snprintf(subject, sizeof subject, "park '%s'", park ? park : "");
    } else {
        rc = pl_parcel_find(db, park, code, &id, park_code, sizeof park_code, err);
        snprintf(subject, sizeof subject, "parcel '%s'", code ? code : "");
    }
    pl_indicators old, now;
    if (rc || (rc = read_row(db, is_park, id, &old, err)))
        goto fail;
    now = old;
    now.clear = 0;
    for (int f = 0; f < nf; f++) {
        if ((changes->clear >> f) & 1u) {
            now.has &= ~BIT(f);
            if (f == PL_IND_INDUSTRY_CODE)
                now.has &= ~BIT(PL_IND_INDUSTRY_CODE_EDITION);
        } else if (pl_indicators_has(changes, (pl_ind_field)f)) {
            if (fields[f].info.kind == PL_IND_TEXT)
                memcpy(text_ptr(&now, (pl_ind_field)f), (const char *)changes + fields[f].off, fields[f].size);
            else
                pl_indicators_put_number(&now, (pl_ind_field)f, pl_indicators_number(changes, (pl_ind_field)f));
            now.has |= BIT(f);
        }
    }
    if ((rc = validate(db, subject, &now, err)))
        goto fail;
    int n = 0;
    for (int f = 0; f < nf; f++) {
        char o[600], v[600];
        pl_indicators_format(&old, (pl_ind_field)f, o, sizeof o);
        pl_indicators_format(&now, (pl_ind_field)f, v, sizeof v);
        if (pl_indicators_has(&old, (pl_ind_field)f) == pl_indicators_has(&now, (pl_ind_field)f) && !strcmp(o, v))
            continue;
        n++;
        if ((rc = pl_history_add(db, is_park ? "park" : "parcel", id, is_park ? park_code : code, fields[f].info.key,
                                 pl_indicators_has(&old, (pl_ind_field)f) ? o : NULL,
                                 pl_indicators_has(&now, (pl_ind_field)f) ? v : NULL, note, 0, err)))
            goto fail;
    }
    if (n && (rc = write_row(db, is_park, id, &now, err)))
        goto fail;
    if (warnings && (rc = pl_indicators_check(db, park_code, &now, warnings, err)))
        goto fail;
    if (n) {
        if ((rc = pl_db_commit(db, err)))
            goto fail;
    } else {
        pl_db_rollback(db);
    }
    if (changed)
        *changed = n;
    return PL_OK;
fail:
    pl_db_rollback(db);
    if (warnings)
        pl_indicator_warnings_release(warnings);
    return rc;
}

int pl_parcel_indicators_set(pl_db *db, const char *park, const char *code, const pl_indicators *changes,
                             const char *note, pl_indicator_warnings *warnings, int *changed, pl_error *err)
{
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (a parcel code)");
    return set_indicators(db, 0, park, code, changes, note, warnings, changed, err);
}

int pl_park_indicators_set(pl_db *db, const char *park, const pl_indicators *changes, const char *note,
                           pl_indicator_warnings *warnings, int *changed, pl_error *err)
{
    if (!park || !*park)
        return pl_error_set(err, PL_ERR_USAGE, "which park? (a park code)");
    return set_indicators(db, 1, park, NULL, changes, note, warnings, changed, err);
}
