/* lead.c — investment leads (招商线索): add, CSV import, list, stages. */
#include "parkland/lead.h"

#include "csv_reader.h"
#include "date.h"
#include "parkland/parse.h"
#include "db_internal.h"
#include "hash.h"
#include "lead_internal.h"
#include "text.h"
#include "vocab.h"
#include "message_list.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- stages ------------------------------------------------------------------------ */

const char *const pl_lead_stage_ids[] = {PL_VOCAB_LEAD_STAGES(PL_VOCAB_ID) NULL};

const char *pl_lead_stage_zh(const char *id)
{
    return pl_vocab_zh(PL_VOCAB_LEAD_STAGE, id);
}

const char *pl_lead_stage_en(const char *id)
{
    return pl_vocab_en(PL_VOCAB_LEAD_STAGE, id);
}

const char *pl_lead_stage_parse(const char *s)
{
    return pl_vocab_parse_id(PL_VOCAB_LEAD_STAGE, s);
}

static const char stage_list[] = "new 线索, contacted 洽谈, visited 考察, intent 意向, signed 签约, lost 流失";

/* ---- small helpers ------------------------------------------------------------------- */

void pl_lead_fields_init(pl_lead_fields *f)
{
    memset(f, 0, sizeof *f);
    f->investment = f->rate = f->land_mu = f->tax_per_mu = f->output_per_mu = NAN;
}

/* A date in any form of parkland/parse.h (2025-03-05, 2025/3/5, 2025.3.5,
 * 2025年3月5日, 20250305, full-width digits) of the years a register takes;
 * YYYY-MM-DD into out[11]. 0 when not a real date. */
static int norm_date(const char *s, char out[11])
{
    char d[11];
    int y;
    if (!pl_parse_date(s, d) || !pl_date_parse(d, &y, NULL, NULL) || y < PL_DATE_YEAR_MIN || y > PL_DATE_YEAR_MAX)
        return 0;
    memcpy(out, d, sizeof d);
    return 1;
}

/* A number of parkland/parse.h ("12,000.5", "１２，０００"), or a quantity in
 * `unit` ("1.2亿元" for 万元, "2.6公顷" for 亩); blank → NAN. */
static int parse_number(const char *s, pl_unit unit, double *out)
{
    if (!s[strspn(s, " \t")]) {
        *out = NAN;
        return 1;
    }
    return pl_parse_quantity(s, unit, out, NULL);
}

static const struct {
    const char *name, *code;
} currency_names[] = {
    {"人民币", "CNY"}, {"RMB", "CNY"}, {"美元", "USD"}, {"欧元", "EUR"}, {"日元", "JPY"},
    {"韩元", "KRW"}, {"港元", "HKD"}, {"港币", "HKD"}, {"英镑", "GBP"}, {"新加坡元", "SGD"},
    {"卢布", "RUB"}, {"俄罗斯卢布", "RUB"}, {"坚戈", "KZT"}, {"瑞士法郎", "CHF"}, {"澳元", "AUD"},
    {"加元", "CAD"}, {"新台币", "TWD"}, {"以色列新谢克尔", "ILS"}, {"谢克尔", "ILS"}, {"苏姆", "UZS"},
};

/* Currency code for s (3 letters, or a Chinese name); 0 when not one. */
static int norm_currency(const char *s, char out[4])
{
    for (size_t i = 0; i < sizeof currency_names / sizeof *currency_names; i++)
        if (!strcasecmp(s, currency_names[i].name)) {
            memcpy(out, currency_names[i].code, 4);
            return 1;
        }
    if (strlen(s) != 3)
        return 0;
    for (int i = 0; i < 3; i++) {
        if (!isalpha((unsigned char)s[i]))
            return 0;
        out[i] = (char)toupper((unsigned char)s[i]);
    }
    out[3] = '\0';
    return 1;
}

static int blank(const char *s)
{
    return !s || !*s;
}

/* Problems of one lead, joined with "; ". */
typedef struct problems {
    char text[1024];
    int n;
} problems;

static void problem(problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(problems *p, const char *fmt, ...)
{
    size_t len = strlen(p->text);
    if (p->n && len + 2 < sizeof p->text) {
        memcpy(p->text + len, "; ", 3);
        len += 2;
    }
    if (len + 1 < sizeof p->text) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->text + len, sizeof p->text - len, fmt, ap);
        va_end(ap);
    }
    p->n++;
}

/* "it 新一代信息技术, equipment 高端装备, …" into buf */
static void industry_list(pl_db *db, char *buf, size_t len)
{
    sqlite3_stmt *st;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db->h, "SELECT id, name_zh FROM industry ORDER BY ten_strong DESC, rowid", -1, &st,
                           NULL) != SQLITE_OK)
        return;
    size_t used = 0;
    while (sqlite3_step(st) == SQLITE_ROW && used + 1 < len)
        used += (size_t)snprintf(buf + used, len - used, "%s%s %s", used ? ", " : "",
                                 (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
}

/* Industry id for an id, Chinese or English name. 1 found, 0 not, <0 db error. */
static int find_industry(pl_db *db, const char *s, char out[32])
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT id FROM industry WHERE id = lower(?1) OR name_zh = ?1"
                           " OR lower(name_en) = lower(?1)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    pl_bind_text(st, 1, s);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW;
    if (found)
        snprintf(out, 32, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return found ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when a park has the code, 0 when none, -1 on a database error. */
static int park_exists(pl_db *db, const char *code)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM park WHERE code = ?1", -1, &st, NULL) != SQLITE_OK)
        return -1;
    pl_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A lead ready to insert: the checked and normalised form of pl_lead_fields. */
typedef struct lead_rec {
    const pl_lead_fields *f;
    char industry[32];       /* "" when none */
    char currency[4];        /* "" for CNY */
    char stage[16];
    char date[11];
    double investment_cny, investment_foreign;
} lead_rec;

/* Check `f` and fill `r`; problems go to `p`. 0 when fine. <0 on a db error (err set). */
static int check_lead(pl_db *db, const pl_lead_fields *f, const char *today, lead_rec *r, problems *p,
                      pl_error *err)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->investment_cny = r->investment_foreign = NAN;
    const char *code = f->code ? f->code : "";
    if (blank(f->code))
        problem(p, "no code (编号)");
    else if (!pl_text_is_code(f->code))
        problem(p, "code '%s' is not a usable lead code (1–63 bytes, no blanks, commas or quotes)", f->code);
    if (blank(f->company))
        problem(p, "lead '%s' has no company name (企业名称)", code);
    if (!blank(f->industry)) {
        int k = find_industry(db, f->industry, r->industry);
        if (k < 0)
            return pl_db_fail(db, err, "cannot read industries");
        if (k == 0) {
            char list[1024];
            industry_list(db, list, sizeof list);
            problem(p, "unknown industry '%s' (one of: %s)", f->industry, list);
        }
    }
    struct {
        double v;
        const char *what;
    } nums[] = {{f->investment, "investment 计划投资"}, {f->land_mu, "land demand 用地需求"},
                {f->tax_per_mu, "tax per mu 亩均税收"}, {f->output_per_mu, "output per mu 亩均产值"}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        if (!isnan(nums[i].v) && nums[i].v < 0)
            problem(p, "%s must not be negative (%g)", nums[i].what, nums[i].v);
    int foreign = 0;
    if (!blank(f->currency)) {
        char cur[4];
        if (!norm_currency(f->currency, cur))
            problem(p, "unknown currency '%s' (a 3-letter code such as EUR, USD, JPY, KRW, or 欧元, 美元, 日元…)",
                    f->currency);
        else if (strcmp(cur, "CNY")) {
            foreign = 1;
            memcpy(r->currency, cur, 4);
        }
    }
    if (foreign) {
        if (isnan(f->rate))
            problem(p, "currency %s needs a rate (汇率: CNY per 1 %s)", r->currency, r->currency);
        else if (!(f->rate > 0))
            problem(p, "rate %g is not a positive number of CNY per 1 %s", f->rate, r->currency);
        else if (!isnan(f->investment)) {
            r->investment_foreign = f->investment;
            r->investment_cny = f->investment * f->rate;
        }
    } else {
        if (!isnan(f->rate) && f->rate != 1.0)
            problem(p, "rate %g given without a foreign currency (币种)", f->rate);
        r->investment_cny = f->investment;
    }
    if (!blank(f->park)) {
        int k = park_exists(db, f->park);
        if (k < 0)
            return pl_db_fail(db, err, "cannot read parks");
        if (k == 0)
            problem(p, "lead '%s': no park '%s' (see 'parkland park list')", code, f->park);
    }
    const char *stage = "new";
    if (!blank(f->stage)) {
        const char *s = pl_lead_stage_parse(f->stage);
        if (!s)
            problem(p, "unknown stage '%s' (%s)", f->stage, stage_list);
        else if (!strcmp(s, "signed"))
            problem(p, "stage 'signed' comes only from signing a project ('parkland project sign %s --parcel …')",
                    code);
        else
            stage = s;
    }
    snprintf(r->stage, sizeof r->stage, "%s", stage);
    if (blank(f->date)) {
        snprintf(r->date, sizeof r->date, "%s", today);
    } else if (!norm_date(f->date, r->date)) {
        problem(p, "date '%s' is not a real date (YYYY-MM-DD)", f->date);
    } else if (strcmp(r->date, today) > 0) {
        problem(p, "date %s is in the future", r->date);
    }
    return PL_OK;
}

static const char lead_insert_sql[] =
    "INSERT INTO lead(code, company, company_en, country, industry, industry_code, new_economy, investment,"
    " currency, investment_foreign, rate, land_mu, tax_per_mu, output_per_mu, contact, owner, source, note,"
    " stage, stage_date, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?21)";

static const char *nz(const char *s)
{
    return blank(s) ? NULL : s;
}

/* Insert a checked lead and its history rows (inside the caller's transaction). */
static int insert_lead(pl_db *db, sqlite3_stmt *st, const lead_rec *r, const char *now, const char *hist_note,
                       long batch_id, pl_error *err)
{
    const pl_lead_fields *f = r->f;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    pl_bind_text(st, 1, f->code);
    pl_bind_text(st, 2, f->company);
    pl_bind_text(st, 3, nz(f->company_en));
    pl_bind_text(st, 4, nz(f->country));
    pl_bind_text(st, 5, r->industry[0] ? r->industry : NULL);
    pl_bind_text(st, 6, nz(f->industry_code));
    sqlite3_bind_int(st, 7, f->new_economy ? 1 : 0);
    pl_bind_num(st, 8, r->investment_cny);
    pl_bind_text(st, 9, r->currency[0] ? r->currency : NULL);
    pl_bind_num(st, 10, r->investment_foreign);
    pl_bind_num(st, 11, r->currency[0] ? f->rate : NAN);
    pl_bind_num(st, 12, f->land_mu);
    pl_bind_num(st, 13, f->tax_per_mu);
    pl_bind_num(st, 14, f->output_per_mu);
    pl_bind_text(st, 15, nz(f->contact));
    pl_bind_text(st, 16, nz(f->owner));
    pl_bind_text(st, 17, nz(f->source));
    pl_bind_text(st, 18, nz(f->note));
    pl_bind_text(st, 19, r->stage);
    pl_bind_text(st, 20, r->date);
    pl_bind_text(st, 21, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE)
            return pl_error_set(err, PL_ERR_INPUT, "lead '%s' already exists", f->code);
        return pl_db_fail(db, err, "cannot add lead");
    }
    long id = (long)sqlite3_last_insert_rowid(db->h);
    int rc = pl_history_add(db, "lead", id, f->code, "created", NULL, f->company, hist_note, batch_id, err);
    if (!rc && !blank(f->park))
        rc = pl_lead_park_set(db, id, f->code, f->park, NULL, err);
    if (!rc && strcmp(r->stage, "new"))
        rc = pl_history_add_effective(db, "lead", id, f->code, "stage", "new", r->stage, hist_note, r->date, batch_id,
                                      err);
    return rc;
}

static int lead_exists(pl_db *db, const char *code, long *id, char stage[16], char stage_date[16], pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, stage, stage_date FROM lead WHERE code = ?1", &st, err);
    if (rc)
        return -rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    int found = step == SQLITE_ROW;
    if (found) {
        if (id)
            *id = (long)sqlite3_column_int64(st, 0);
        if (stage)
            snprintf(stage, 16, "%s", (const char *)sqlite3_column_text(st, 1));
        if (stage_date)
            snprintf(stage_date, 16, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    if (!found && step != SQLITE_DONE)
        return -pl_db_fail(db, err, "cannot read leads");
    return found;
}

int pl_lead_add(pl_db *db, const pl_lead_fields *f, pl_error *err)
{
    char today[16], now[32];
    pl_today(today, sizeof today);
    pl_now_iso(now, sizeof now);
    lead_rec r;
    problems p = {{0}, 0};
    int rc = check_lead(db, f, today, &r, &p, err);
    if (rc)
        return rc;
    if (p.n)
        return pl_error_set(err, PL_ERR_INPUT, "%s", p.text);
    if ((rc = pl_db_begin(db, err)))
        return rc;
    sqlite3_stmt *st = NULL;
    int k = lead_exists(db, f->code, NULL, NULL, NULL, err);
    if (k < 0) {
        rc = -k;
        goto fail;
    }
    if (k > 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "lead '%s' already exists (see 'parkland lead show %s')", f->code,
                          f->code);
        goto fail;
    }
    if ((rc = pl_db_prepare(db, lead_insert_sql, &st, err)) ||
        (rc = insert_lead(db, st, &r, now, NULL, 0, err)))
        goto fail;
    sqlite3_finalize(st);
    return pl_db_commit(db, err);
fail:
    sqlite3_finalize(st);
    pl_db_rollback(db);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------- */

static const char lead_select[] =
    "SELECT l.id, l.code, l.company, l.company_en, l.country, l.industry, i.name_zh, l.industry_code,"
    " l.new_economy, l.investment, l.currency, l.investment_foreign, l.rate, l.land_mu, l.tax_per_mu,"
    " l.output_per_mu, l.contact, l.owner, l.source, l.note, l.stage, l.stage_date, l.created_at, l.updated_at,"
    " (SELECT group_concat(p.code, ',') FROM (SELECT code FROM project WHERE lead_id = l.id ORDER BY code) p),"
    " (SELECT code FROM park WHERE id = l.park_id)"
    " FROM lead l LEFT JOIN industry i ON i.id = l.industry";

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s && *s ? (const char *)s : NULL;
}

static void row_from(sqlite3_stmt *st, pl_lead_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = (long)sqlite3_column_int64(st, 0);
    r->code = col_text(st, 1);
    r->company = col_text(st, 2);
    r->company_en = col_text(st, 3);
    r->country = col_text(st, 4);
    r->industry = col_text(st, 5);
    r->industry_zh = col_text(st, 6);
    r->industry_code = col_text(st, 7);
    r->new_economy = sqlite3_column_int(st, 8);
    r->investment = pl_col_num(st, 9);
    r->currency = col_text(st, 10);
    r->investment_foreign = pl_col_num(st, 11);
    r->rate = pl_col_num(st, 12);
    r->land_mu = pl_col_num(st, 13);
    r->tax_per_mu = pl_col_num(st, 14);
    r->output_per_mu = pl_col_num(st, 15);
    r->contact = col_text(st, 16);
    r->owner = col_text(st, 17);
    r->source = col_text(st, 18);
    r->note = col_text(st, 19);
    r->stage = col_text(st, 20);
    r->stage_date = col_text(st, 21);
    r->created_at = col_text(st, 22);
    r->updated_at = col_text(st, 23);
    r->projects = col_text(st, 24);
    r->park = col_text(st, 25);
}

int pl_lead_park_set(pl_db *db, long id, const char *code, const char *park, int *changed, pl_error *err)
{
    if (changed)
        *changed = 0;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT (SELECT code FROM park WHERE id = l.park_id), (SELECT id FROM park WHERE code = ?2)"
                               " FROM lead l WHERE l.id = ?1", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    pl_bind_text(st, 2, blank(park) ? NULL : park);
    char old[64] = "";
    long park_id = 0;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        snprintf(old, sizeof old, "%s", col_text(st, 0) ? col_text(st, 0) : "");
        park_id = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_ROW)
        return step == SQLITE_DONE ? pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s'", code)
                                   : pl_db_fail(db, err, "cannot read leads");
    if (!blank(park) && !park_id)
        return pl_error_set(err, PL_ERR_NOTFOUND, "lead '%s': no park '%s' (see 'parkland park list')", code, park);
    if (!strcmp(old, blank(park) ? "" : park))
        return PL_OK;
    if ((rc = pl_db_prepare(db, "UPDATE lead SET park_id = ?2 WHERE id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (park_id)
        sqlite3_bind_int64(st, 2, park_id);
    else
        sqlite3_bind_null(st, 2);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot change the lead's park");
    sqlite3_finalize(st);
    if (!rc)
        rc = pl_history_add(db, "lead", id, code, "park", old[0] ? old : NULL, blank(park) ? NULL : park, NULL, 0, err);
    if (!rc && changed)
        *changed = 1;
    return rc;
}

int pl_lead_each(pl_db *db, const pl_lead_filter *filter, int (*cb)(const pl_lead_row *row, void *ctx),
                 void *ctx, pl_error *err)
{
    pl_lead_filter none = {0};
    if (!filter)
        filter = &none;
    const char *stage = NULL;
    char industry[32] = "";
    if (!blank(filter->stage) && !(stage = pl_lead_stage_parse(filter->stage)))
        return pl_error_set(err, PL_ERR_USAGE, "unknown stage '%s' (%s)", filter->stage, stage_list);
    if (!blank(filter->industry)) {
        int k = find_industry(db, filter->industry, industry);
        if (k < 0)
            return pl_db_fail(db, err, "cannot read industries");
        if (k == 0) {
            char list[1024];
            industry_list(db, list, sizeof list);
            return pl_error_set(err, PL_ERR_USAGE, "unknown industry '%s' (one of: %s)", filter->industry, list);
        }
    }
    char sql[2048];
    snprintf(sql, sizeof sql,
             "%s WHERE (?1 IS NULL OR l.stage = ?1) AND (?2 IS NULL OR l.industry = ?2)"
             " AND (?3 IS NULL OR l.country = ?3 COLLATE NOCASE) AND (?4 IS NULL OR l.owner = ?4 COLLATE NOCASE)"
             " AND (?5 IS NULL OR instr(lower(l.code), lower(?5)) > 0 OR instr(l.company, ?5) > 0"
             "   OR instr(lower(coalesce(l.company_en, '')), lower(?5)) > 0"
             "   OR instr(lower(coalesce(l.contact, '')), lower(?5)) > 0"
             "   OR instr(lower(coalesce(l.note, '')), lower(?5)) > 0"
             "   OR instr(lower(coalesce(l.source, '')), lower(?5)) > 0)"
             " ORDER BY l.code",
             lead_select);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, stage);
    pl_bind_text(st, 2, industry[0] ? industry : NULL);
    pl_bind_text(st, 3, nz(filter->country));
    pl_bind_text(st, 4, nz(filter->owner));
    pl_bind_text(st, 5, nz(filter->search));
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_lead_row r;
        row_from(st, &r);
        if ((rc = cb(&r, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read leads");
    sqlite3_finalize(st);
    return rc;
}

int pl_lead_get(pl_db *db, const char *code, int (*cb)(const pl_lead_row *row, void *ctx), void *ctx,
                pl_error *err)
{
    char sql[sizeof lead_select + 64];
    snprintf(sql, sizeof sql, "%s WHERE l.code = ?1", lead_select);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        pl_lead_row r;
        row_from(st, &r);
        rc = cb(&r, ctx);
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s' (see 'parkland lead list')", code);
    } else {
        rc = pl_db_fail(db, err, "cannot read leads");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- stages ------------------------------------------------------------------------- */

int pl_lead_set_stage(pl_db *db, const char *code, const char *stage, const char *date, const char *note,
                      int force, pl_error *err)
{
    const char *to = pl_lead_stage_parse(stage);
    if (!to)
        return pl_error_set(err, PL_ERR_USAGE, "unknown stage '%s' (%s)", stage ? stage : "", stage_list);
    char today[16], day[16];
    pl_today(today, sizeof today);
    if (blank(date))
        snprintf(day, sizeof day, "%s", today);
    else if (!norm_date(date, day))
        return pl_error_set(err, PL_ERR_USAGE, "date '%s' is not a real date (YYYY-MM-DD)", date);
    else if (strcmp(day, today) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "lead '%s': date %s is in the future", code, day);
    int has_note = !blank(note);
    if (force && !has_note)
        return pl_error_set(err, PL_ERR_USAGE, "lead '%s': --force needs a --note saying why", code);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id = 0;
    char from[16], from_date[16];
    int k = lead_exists(db, code, &id, from, from_date, err);
    if (k <= 0) {
        rc = k < 0 ? -k : pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s' (see 'parkland lead list')", code);
        goto fail;
    }
    /* a move is not dated before the previous stage's own move ('new' only dates the entry) */
    if (strcmp(from, "new") && strcmp(day, from_date) < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "lead '%s': date %s is before its current stage date %s", code, day,
                          from_date);
        goto fail;
    }
    int fi = pl_vocab_index(PL_VOCAB_LEAD_STAGE, from), ti = pl_vocab_index(PL_VOCAB_LEAD_STAGE, to);
    const int signed_i = 4, lost_i = 5;
    if (fi == ti) {
        rc = pl_error_set(err, PL_ERR_INPUT, "lead '%s' is already %s (%s)", code, to, pl_lead_stage_zh(to));
        goto fail;
    }
    if (ti == signed_i) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "lead '%s' becomes signed (签约) only by signing a project: "
                          "parkland project sign %s --parcel CODE",
                          code, code);
        goto fail;
    }
    if (fi == lost_i) {
        if (!has_note) {
            rc = pl_error_set(err, PL_ERR_INPUT, "lead '%s' is lost (流失); reopening it at %s needs a --note", code,
                              to);
            goto fail;
        }
    } else if (ti == lost_i) {
        if (fi == signed_i && !force) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "lead '%s' is signed (签约); marking it lost needs --force --note", code);
            goto fail;
        }
    } else if (ti < fi && !force) {
        char fwd[128] = "";
        size_t used = 0;
        for (int i = fi + 1; i < lost_i && i != signed_i; i++)
            used += (size_t)snprintf(fwd + used, sizeof fwd - used, "%s, ", pl_lead_stage_ids[i]);
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "lead '%s' is %s (%s); moving back to %s (%s) needs --force --note (it may go to: %slost%s)",
                          code, from, pl_lead_stage_zh(from), to, pl_lead_stage_zh(to), fwd,
                          fi < signed_i ? "; signed through 'project sign'" : "");
        goto fail;
    }
    sqlite3_stmt *st;
    char now[32];
    pl_now_iso(now, sizeof now);
    if ((rc = pl_db_prepare(db, "UPDATE lead SET stage = ?1, stage_date = ?2, updated_at = ?3 WHERE id = ?4", &st,
                            err)))
        goto fail;
    pl_bind_text(st, 1, to);
    pl_bind_text(st, 2, day);
    pl_bind_text(st, 3, now);
    sqlite3_bind_int64(st, 4, id);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok) {
        rc = pl_db_fail(db, err, "cannot change the lead's stage");
        goto fail;
    }
    char hnote[1200];
    snprintf(hnote, sizeof hnote, "%s%s%s%s", force ? "forced: " : "", has_note ? note : "",
             strcmp(day, today) ? (has_note ? "; on " : "on ") : "", strcmp(day, today) ? day : "");
    if ((rc = pl_history_add_effective(db, "lead", id, code, "stage", from, to, hnote[0] ? hnote : NULL, day, 0, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

/* ---- CSV import ------------------------------------------------------------------------ */

enum {
    C_CODE, C_COMPANY, C_COMPANY_EN, C_COUNTRY, C_INDUSTRY, C_INDUSTRY_CODE, C_NEW_ECONOMY, C_INVESTMENT,
    C_CURRENCY, C_RATE, C_LAND_MU, C_TAX, C_OUTPUT, C_CONTACT, C_OWNER, C_SOURCE, C_NOTE, C_STAGE, C_DATE,
    C_PARK, NCOL
};

static const struct {
    const char *key;
    const char *zh;                /* label in messages */
    const char *aliases[6];        /* normalised (ASCII lower case, ASCII parentheses) */
} columns[NCOL] = {
    {"code", "编号", {"编号", "线索编号", "代码", NULL}},
    {"company", "企业名称", {"企业名称", "公司名称", "企业", "公司", NULL}},
    {"company_en", "英文名称", {"英文名称", "英文名", "企业英文名称", NULL}},
    {"country", "国别", {"国别", "国家或地区", "国家/地区", "国家", "国别/地区", NULL}},
    {"industry", "行业", {"行业", "产业", "所属行业", "十强产业", NULL}},
    {"industry_code", "行业代码", {"行业代码", "国民经济行业代码", NULL}},
    {"new_economy", "四新", {"四新", "是否四新", NULL}},
    {"investment", "计划投资", {"计划投资", "投资额", "计划投资额", "总投资", NULL}},
    {"currency", "币种", {"币种", "货币", NULL}},
    {"rate", "汇率", {"汇率", NULL}},
    {"land_mu", "用地需求", {"用地需求", "用地", "用地面积", NULL}},
    {"tax_per_mu", "亩均税收", {"亩均税收", NULL}},
    {"output_per_mu", "亩均产值", {"亩均产值", "亩均营收", NULL}},
    {"contact", "联系人", {"联系人", "联系方式", NULL}},
    {"owner", "负责人", {"负责人", "招商负责人", NULL}},
    {"source", "来源", {"来源", "渠道", "来源渠道", NULL}},
    {"note", "备注", {"备注", "说明", NULL}},
    {"stage", "阶段", {"阶段", "进展阶段", NULL}},
    {"date", "日期", {"日期", "阶段日期", NULL}},
    {"park", "园区", {"园区", "意向园区", "洽谈园区", "园区代码", NULL}},
};

/* Header cell → normalised: trimmed, ASCII lower case, full-width （） → ().
 * `base` gets the same without a trailing "(unit)". */
static void norm_header(const char *s, char *out, size_t outlen, char *base, size_t baselen)
{
    size_t k = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    for (; *s && k + 1 < outlen; s++) {
        if (!strncmp(s, "（", 3)) {
            out[k++] = '(';
            s += 2;
        } else if (!strncmp(s, "）", 3)) {
            out[k++] = ')';
            s += 2;
        } else {
            out[k++] = (char)tolower((unsigned char)*s);
        }
    }
    while (k && (out[k - 1] == ' ' || out[k - 1] == '\t'))
        k--;
    out[k] = '\0';
    snprintf(base, baselen, "%s", out);
    size_t n = strlen(base);
    if (n && base[n - 1] == ')') {
        char *open = strrchr(base, '(');
        if (open && open != base) {
            *open = '\0';
            n = strlen(base);
            while (n && base[n - 1] == ' ')
                base[--n] = '\0';
        }
    }
}

static int header_column(const char *cell)
{
    char full[256], base[256];
    norm_header(cell, full, sizeof full, base, sizeof base);
    for (int pass = 0; pass < 2; pass++) {
        const char *h = pass ? base : full;
        for (int c = 0; c < NCOL; c++) {
            if (!strcmp(h, columns[c].key))
                return c;
            for (int a = 0; columns[c].aliases[a]; a++)
                if (!strcmp(h, columns[c].aliases[a]))
                    return c;
        }
    }
    return -1;
}

typedef struct lead_import {
    pl_db *db;
    const char *path;
    pl_lead_import_result *res;
    pl_error *err;
    char today[16], now[32], hist_note[512];
    int col[NCOL];            /* field index of each column, -1 when absent */
    char **header;            /* the header cells as written (owned) */
    size_t nheader;
    int header_done, header_bad;
    sqlite3_stmt *st_insert, *st_exists, *st_seen;
} lead_import;

static void add_message(lead_import *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_message(lead_import *im, const char *fmt, ...)
{
    pl_lead_import_result *r = im->res;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pl_message_list_add(&r->messages, &r->nmessages, &r->messages_dropped, PL_LEAD_IMPORT_MAX_MESSAGES, buf);
}

static int read_header(lead_import *im, const pl_csv_row *row)
{
    for (int c = 0; c < NCOL; c++)
        im->col[c] = -1;
    im->header = calloc(row->nfields ? row->nfields : 1, sizeof *im->header);
    if (!im->header)
        return pl_error_set(im->err, PL_ERR_NOMEM, "out of memory");
    im->nheader = row->nfields;
    char unknown[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *h = row->fields[i];
        im->header[i] = strdup(h);
        int c = header_column(h);
        if (blank(h)) {
            /* a column without a name (Excel keeps touched empty columns): its cells must stay empty */
        } else if (c < 0) {
            if (used + 1 < sizeof unknown)
                used += (size_t)snprintf(unknown + used, sizeof unknown - used, "%s'%s' (field %zu)",
                                         used ? ", " : "", h, i + 1);
        } else if (im->col[c] >= 0) {
            add_message(im, "line %ld: column %s (%s) appears twice: fields %d and %zu", row->line, columns[c].key,
                        columns[c].zh, im->col[c] + 1, i + 1);
            im->header_bad = 1;
        } else {
            im->col[c] = (int)i;
        }
    }
    if (row->bad) {
        add_message(im, "line %ld: header field %ld: %s", row->line, row->bad_field + 1, row->bad);
        im->header_bad = 1;
    }
    if (unknown[0]) {
        add_message(im,
                    "line %ld: unknown column %s; the columns are code 编号, company 企业名称, company_en 英文名称, "
                    "country 国别, industry 行业, industry_code 行业代码, new_economy 四新, investment 计划投资(万元), "
                    "currency 币种, rate 汇率, land_mu 用地需求(亩), tax_per_mu 亩均税收, output_per_mu 亩均产值, "
                    "contact 联系人, owner 负责人, source 来源, note 备注, stage 阶段, date 日期, park 园区",
                    row->line, unknown);
        im->header_bad = 1;
    }
    if (im->col[C_CODE] < 0 || im->col[C_COMPANY] < 0) {
        add_message(im, "line %ld: the header has no %s column", row->line,
                    im->col[C_CODE] < 0 && im->col[C_COMPANY] < 0 ? "code (编号) and no company (企业名称)"
                    : im->col[C_CODE] < 0                         ? "code (编号)"
                                                                  : "company (企业名称)");
        im->header_bad = 2; /* rows cannot be read without them */
    }
    im->header_done = 1;
    return PL_OK;
}

static const char *cell(lead_import *im, const pl_csv_row *row, int c)
{
    int i = im->col[c];
    if (i < 0 || (size_t)i >= row->nfields)
        return NULL;
    const char *s = row->fields[i];
    return blank(s) ? NULL : s;
}

/* 四新 flag: 1/0, 是/否, yes/no, true/false, y/n, √/×, blank = 0. -1 when none of these. */
static int parse_flag(const char *s)
{
    if (blank(s))
        return 0;
    static const char *const yes[] = {"1", "是", "yes", "y", "true", "√", "✓", "四新", NULL};
    static const char *const no[] = {"0", "否", "no", "n", "false", "×", "-", NULL};
    for (int i = 0; yes[i]; i++)
        if (!strcasecmp(s, yes[i]))
            return 1;
    for (int i = 0; no[i]; i++)
        if (!strcasecmp(s, no[i]))
            return 0;
    return -1;
}

static void trim_inplace(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    size_t k = 0;
    while (s[k] == ' ' || s[k] == '\t')
        k++;
    if (k)
        memmove(s, s + k, n - k + 1);
}

static int on_row(const pl_csv_row *row, const pl_csv_info *info, void *vim)
{
    (void)info;
    lead_import *im = vim;
    pl_lead_import_result *res = im->res;
    if (!im->header_done)
        return read_header(im, row);
    if (im->header_bad == 2)
        return 0;
    int empty = 1;
    for (size_t i = 0; i < row->nfields && empty; i++)
        if (!blank(row->fields[i]))
            empty = 0;
    if (empty && !row->bad) {
        res->blank++;
        return 0;
    }
    res->rows++;
    if (row->nfields != im->nheader) {
        add_message(im, "line %ld: %zu fields where the header has %zu (a missing or extra comma?)", row->line,
                    row->nfields, im->nheader);
        res->refused++;
        return 0;
    }
    if (row->bad) {
        const char *h = row->bad_field >= 0 && (size_t)row->bad_field < im->nheader ? im->header[row->bad_field]
                                                                                   : "?";
        add_message(im, "line %ld: column '%s' (field %ld): %s", row->line, h ? h : "?", row->bad_field + 1,
                    row->bad);
        res->refused++;
        return 0;
    }
    for (size_t i = 0; i < row->nfields; i++)
        if (blank(im->header[i]) && !blank(row->fields[i])) {
            add_message(im, "line %ld: field %zu holds '%.40s' but its column has no name in the header", row->line,
                        i + 1, row->fields[i]);
            res->refused++;
            return 0;
        }
    /* trimmed copies of the cells (quoted fields keep their blanks in libcsv) */
    char *cells[NCOL] = {0};
    for (int c = 0; c < NCOL; c++) {
        const char *s = cell(im, row, c);
        if (s) {
            cells[c] = strdup(s);
            if (!cells[c]) {
                for (int k = 0; k < c; k++)
                    free(cells[k]);
                return pl_error_set(im->err, PL_ERR_NOMEM, "out of memory");
            }
            trim_inplace(cells[c]);
            if (!cells[c][0]) {
                free(cells[c]);
                cells[c] = NULL;
            }
        }
    }
    problems p = {{0}, 0};
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = cells[C_CODE];
    f.company = cells[C_COMPANY];
    f.company_en = cells[C_COMPANY_EN];
    f.country = cells[C_COUNTRY];
    f.industry = cells[C_INDUSTRY];
    f.industry_code = cells[C_INDUSTRY_CODE];
    f.currency = cells[C_CURRENCY];
    f.contact = cells[C_CONTACT];
    f.owner = cells[C_OWNER];
    f.source = cells[C_SOURCE];
    f.note = cells[C_NOTE];
    f.stage = cells[C_STAGE];
    f.date = cells[C_DATE];
    f.park = cells[C_PARK];
    int flag = parse_flag(cells[C_NEW_ECONOMY]);
    if (flag < 0)
        problem(&p, "四新 (new_economy) '%s' is not yes or no (1/0, 是/否)", cells[C_NEW_ECONOMY]);
    f.new_economy = flag > 0;
    struct {
        int c;
        double *slot;
        const char *unit;
        pl_unit u;
    } nums[] = {{C_INVESTMENT, &f.investment, "万元", PL_UNIT_WAN},
                {C_RATE, &f.rate, "CNY per unit", PL_UNIT_NONE},
                {C_LAND_MU, &f.land_mu, "亩", PL_UNIT_MU},
                {C_TAX, &f.tax_per_mu, "万元/亩·年", PL_UNIT_WAN_PER_MU_YEAR},
                {C_OUTPUT, &f.output_per_mu, "万元/亩·年", PL_UNIT_WAN_PER_MU_YEAR}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        if (cells[nums[i].c] && !parse_number(cells[nums[i].c], nums[i].u, nums[i].slot)) {
            problem(&p, "%s (%s) '%s' is not a number (%s)", columns[nums[i].c].key, columns[nums[i].c].zh,
                    cells[nums[i].c], nums[i].unit);
            *nums[i].slot = NAN;
        }
    lead_rec r;
    int rc = check_lead(im->db, &f, im->today, &r, &p, im->err);
    if (!rc && f.code && pl_text_is_code(f.code)) {
        /* duplicate in the file */
        sqlite3_stmt *st = im->st_seen;
        sqlite3_reset(st);
        pl_bind_text(st, 1, f.code);
        sqlite3_bind_int64(st, 2, row->line);
        int step = sqlite3_step(st), dup = 0;
        if (step == SQLITE_ROW && sqlite3_column_int64(st, 0) != row->line) {
            problem(&p, "code '%s' appears again (first on line %lld)", f.code,
                    (long long)sqlite3_column_int64(st, 0));
            dup = 1;
        } else if (step != SQLITE_ROW) {
            rc = pl_db_fail(im->db, im->err, "cannot check codes");
        }
        sqlite3_reset(st);
        /* already in the database (before this import: a code of the file is inserted at most once) */
        if (!rc && !dup) {
            st = im->st_exists;
            sqlite3_reset(st);
            pl_bind_text(st, 1, f.code);
            if (sqlite3_step(st) == SQLITE_ROW)
                problem(&p, "lead '%s' already exists in the database", f.code);
            sqlite3_reset(st);
        }
    }
    if (!rc) {
        if (p.n) {
            add_message(im, "line %ld: %s", row->line, p.text);
            res->refused++;
        } else if (!res->refused) {
            pl_error e2;
            pl_error_clear(&e2);
            char note[600];
            snprintf(note, sizeof note, "%s line %ld", im->hist_note, row->line);
            int k = insert_lead(im->db, im->st_insert, &r, im->now, note, res->batch_id, &e2);
            if (k == PL_ERR_INPUT) {
                add_message(im, "line %ld: %s", row->line, e2.message);
                res->refused++;
            } else if (k) {
                rc = pl_error_set(im->err, k, "%s: line %ld: %s", im->path, row->line, e2.message);
            } else {
                res->inserted++;
            }
        }
    }
    for (int c = 0; c < NCOL; c++)
        free(cells[c]);
    return rc;
}

static int write_batch(lead_import *im, int insert)
{
    sqlite3_stmt *st;
    pl_lead_import_result *r = im->res;
    int rc;
    if (insert) {
        rc = pl_db_prepare(im->db,
                           "INSERT INTO import_batch(file, sha256, format, encoding, target_srid, options,"
                           " imported_at, imported_by) VALUES (?1, ?2, 'csv', NULL, ?3, 'leads', ?4, ?5)",
                           &st, im->err);
        if (rc)
            return rc;
        pl_bind_text(st, 1, im->path);
        pl_bind_text(st, 2, r->sha256);
        sqlite3_bind_int(st, 3, im->db->srid);
        pl_bind_text(st, 4, im->now);
        pl_bind_text(st, 5, im->db->user);
    } else {
        rc = pl_db_prepare(im->db,
                           "UPDATE import_batch SET encoding = ?1, n_read = ?2, n_inserted = ?3, n_skipped = ?4"
                           " WHERE id = ?5", &st, im->err);
        if (rc)
            return rc;
        pl_bind_text(st, 1, r->encoding);
        sqlite3_bind_int64(st, 2, r->rows);
        sqlite3_bind_int64(st, 3, r->inserted);
        sqlite3_bind_int64(st, 4, r->blank);
        sqlite3_bind_int64(st, 5, r->batch_id);
    }
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(im->db, im->err, "cannot record the import batch");
    if (insert && !rc)
        r->batch_id = (long)sqlite3_last_insert_rowid(im->db->h);
    sqlite3_finalize(st);
    return rc;
}

int pl_lead_import(pl_db *db, const char *path, const pl_lead_import_options *opt,
                   pl_lead_import_result *res, pl_error *err)
{
    pl_lead_import_options defaults = {PL_ENCODING_AUTO, 0};
    if (!opt)
        opt = &defaults;
    memset(res, 0, sizeof *res);
    res->dry_run = opt->dry_run;
    lead_import im = {.db = db, .path = path, .res = res, .err = err};
    pl_today(im.today, sizeof im.today);
    pl_now_iso(im.now, sizeof im.now);
    const char *slash = strrchr(path, '/');
    snprintf(im.hist_note, sizeof im.hist_note, "imported from %s", slash ? slash + 1 : path);
    int rc = pl_file_sha256(path, res->sha256, err);
    if (rc)
        return rc;
    if ((rc = pl_db_begin(db, err)))
        return rc;
    if ((rc = pl_db_prepare(db, lead_insert_sql, &im.st_insert, err)) ||
        (rc = pl_db_prepare(db, "SELECT 1 FROM lead WHERE code = ?1", &im.st_exists, err)) ||
        (rc = pl_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS pl_lead_code(code TEXT PRIMARY KEY, line INTEGER);"
                             "DELETE FROM temp.pl_lead_code;", err)) ||
        (rc = pl_db_prepare(db,
                            "INSERT INTO temp.pl_lead_code(code, line) VALUES (?1, ?2)"
                            " ON CONFLICT(code) DO UPDATE SET line = line RETURNING line", &im.st_seen, err)) ||
        (rc = write_batch(&im, 1)))
        goto fail;
    pl_csv_info info;
    pl_error_clear(err);
    rc = pl_csv_read(path, opt->encoding, &info, on_row, &im, err);
    snprintf(res->encoding, sizeof res->encoding, "%s", info.encoding);
    if (rc)
        goto fail;
    if (!im.header_done) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: empty file: no header row (code,company,…) and no lead", path);
        goto fail;
    }
    if (res->refused || im.header_bad) {
        if (im.header_bad)
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: the header row is refused%s; nothing was imported", path,
                              res->refused ? " and so are rows" : "");
        else
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: %ld of %ld rows refused; nothing was imported", path,
                              res->refused, res->rows);
        goto fail;
    }
    if ((rc = write_batch(&im, 0)))
        goto fail;
    sqlite3_finalize(im.st_insert);
    sqlite3_finalize(im.st_exists);
    sqlite3_finalize(im.st_seen);
    im.st_insert = im.st_exists = im.st_seen = NULL;
    pl_db_exec(db, "DELETE FROM temp.pl_lead_code;", NULL);
    for (size_t i = 0; i < im.nheader; i++)
        free(im.header[i]);
    free(im.header);
    if (opt->dry_run) {
        pl_db_rollback(db);
        res->batch_id = 0;
        return PL_OK;
    }
    return pl_db_commit(db, err);
fail:
    sqlite3_finalize(im.st_insert);
    sqlite3_finalize(im.st_exists);
    sqlite3_finalize(im.st_seen);
    for (size_t i = 0; i < im.nheader; i++)
        free(im.header[i]);
    free(im.header);
    pl_db_rollback(db);
    res->batch_id = 0;
    res->inserted = 0;
    return rc;
}

void pl_lead_import_result_release(pl_lead_import_result *r)
{
    if (r)
        pl_message_list_release(&r->messages, &r->nmessages);
}

/* ---- shared with lead_edit.c (lead_internal.h) ------------------------------------------ */

int pl_lead_check(pl_db *db, const pl_lead_fields *f, pl_lead_checked *out, char *text, size_t len, pl_error *err)
{
    char today[16];
    pl_today(today, sizeof today);
    lead_rec r;
    problems p = {{0}, 0};
    int rc = check_lead(db, f, today, &r, &p, err);
    if (rc)
        return rc;
    memcpy(out->industry, r.industry, sizeof out->industry);
    memcpy(out->currency, r.currency, sizeof out->currency);
    out->investment_cny = r.investment_cny;
    out->investment_foreign = r.investment_foreign;
    snprintf(text, len, "%s", p.text);
    return PL_OK;
}
