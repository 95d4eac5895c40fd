/* lead_edit.c — correcting a lead: change or clear its fields, remove it (issue 13 §2). */
#include "parkland/lead.h"

#include "db_internal.h"
#include "lead_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns an edit may change, in the order of the SELECT and UPDATE below. */
enum { C_COMPANY, C_COMPANY_EN, C_COUNTRY, C_INDUSTRY, C_INDUSTRY_CODE, C_NEW_ECONOMY, C_INVESTMENT, C_CURRENCY,
       C_FOREIGN, C_RATE, C_LAND_MU, C_TAX, C_OUTPUT, C_CONTACT, C_OWNER, C_SOURCE, C_NOTE, NCOL };

static const char *const col_name[NCOL] = {
    "company", "company_en", "country", "industry", "industry_code", "new_economy", "investment", "currency",
    "investment_foreign", "rate", "land_mu", "tax_per_mu", "output_per_mu", "contact", "owner", "source", "note"};

/* 1: a number column (compared as a number; new_economy 0/1) */
static const char col_num[NCOL] = {[C_NEW_ECONOMY] = 1, [C_INVESTMENT] = 1, [C_FOREIGN] = 1, [C_RATE] = 1, [C_LAND_MU] = 1,
                                   [C_TAX] = 1, [C_OUTPUT] = 1};

static const struct {
    const char *name;
    unsigned bit;
} clearable[] = {
    {"company_en", PL_LEAD_F_COMPANY_EN}, {"country", PL_LEAD_F_COUNTRY},
    {"industry", PL_LEAD_F_INDUSTRY},     {"industry_code", PL_LEAD_F_INDUSTRY_CODE},
    {"investment", PL_LEAD_F_INVESTMENT}, {"currency", PL_LEAD_F_CURRENCY},
    {"land_mu", PL_LEAD_F_LAND_MU},       {"tax_per_mu", PL_LEAD_F_TAX_PER_MU},
    {"output_per_mu", PL_LEAD_F_OUTPUT_PER_MU}, {"contact", PL_LEAD_F_CONTACT},
    {"owner", PL_LEAD_F_OWNER},           {"source", PL_LEAD_F_SOURCE},
    {"note", PL_LEAD_F_NOTE},             {"park", PL_LEAD_F_PARK},
};

unsigned pl_lead_field_bit(const char *name)
{
    char key[32];
    size_t n = name ? strlen(name) : 0;
    if (!n || n >= sizeof key)
        return 0;
    for (size_t i = 0; i <= n; i++)
        key[i] = name[i] == '-' ? '_' : name[i];
    for (size_t i = 0; i < sizeof clearable / sizeof *clearable; i++)
        if (!strcmp(key, clearable[i].name))
            return clearable[i].bit;
    return 0;
}

void pl_lead_changes_init(pl_lead_changes *c)
{
    memset(c, 0, sizeof *c);
    c->new_economy = -1;
    c->investment = c->rate = c->land_mu = c->tax_per_mu = c->output_per_mu = NAN;
}

/* One lead's editable columns: text (owned, NULL when empty) or number (NAN when empty). */
typedef struct lead_cols {
    char *t[NCOL];
    double n[NCOL];
} lead_cols;

static void cols_free(lead_cols *c)
{
    for (int i = 0; i < NCOL; i++)
        free(c->t[i]);
}

static int set_text(lead_cols *c, int i, const char *s)
{
    free(c->t[i]);
    c->t[i] = NULL;
    if (s && *s && !(c->t[i] = strdup(s)))
        return PL_ERR_NOMEM;
    return PL_OK;
}

/* The column as history text: NULL when empty; numbers with up to 15 significant digits. */
static const char *col_text(const lead_cols *c, int i, char buf[32])
{
    if (!col_num[i])
        return c->t[i];
    if (isnan(c->n[i]))
        return NULL;
    snprintf(buf, 32, "%.15g", c->n[i]);
    return buf;
}

static int col_same(const lead_cols *a, const lead_cols *b, int i)
{
    if (col_num[i])
        return (isnan(a->n[i]) && isnan(b->n[i])) || a->n[i] == b->n[i];
    if (!a->t[i] || !b->t[i])
        return !a->t[i] && !b->t[i];
    return !strcmp(a->t[i], b->t[i]);
}

/* Read lead `code`: its id and columns. PL_ERR_NOTFOUND when there is none. */
static int read_lead(pl_db *db, const char *code, long *id, lead_cols *c, pl_error *err)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
                           "SELECT id, company, company_en, country, industry, industry_code, new_economy, investment,"
                           " currency, investment_foreign, rate, land_mu, tax_per_mu, output_per_mu, contact, owner,"
                           " source, note FROM lead WHERE code = ?1",
                           &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = (long)sqlite3_column_int64(st, 0);
        for (int i = 0; i < NCOL && !rc; i++) {
            if (col_num[i])
                c->n[i] = pl_col_num(st, i + 1);
            else
                rc = set_text(c, i, (const char *)sqlite3_column_text(st, i + 1));
        }
        if (rc)
            rc = pl_error_set(err, rc, "out of memory");
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s' (see 'parkland lead list')", code);
    } else {
        rc = pl_db_fail(db, err, "cannot read leads");
    }
    sqlite3_finalize(st);
    return rc;
}

/* old + changes → the lead after the edit, checked as pl_lead_add checks a new one. */
static int merge(pl_db *db, const char *code, const lead_cols *old, const pl_lead_changes *c, lead_cols *now,
                 pl_error *err)
{
    memset(now, 0, sizeof *now);
    unsigned clr = c->clear;
#define PICK_TEXT(given, bit, i) ((given) ? (given) : (clr & (bit)) ? NULL : old->t[i])
#define PICK_NUM(given, bit, oldv) (!isnan(given) ? (given) : (clr & (bit)) ? NAN : (oldv))
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = code;
    f.company = c->company ? c->company : old->t[C_COMPANY];
    f.company_en = PICK_TEXT(c->company_en, PL_LEAD_F_COMPANY_EN, C_COMPANY_EN);
    f.country = PICK_TEXT(c->country, PL_LEAD_F_COUNTRY, C_COUNTRY);
    f.industry = PICK_TEXT(c->industry, PL_LEAD_F_INDUSTRY, C_INDUSTRY);
    f.industry_code = PICK_TEXT(c->industry_code, PL_LEAD_F_INDUSTRY_CODE, C_INDUSTRY_CODE);
    f.new_economy = c->new_economy >= 0 ? c->new_economy : (int)old->n[C_NEW_ECONOMY];
    f.currency = PICK_TEXT(c->currency, PL_LEAD_F_CURRENCY, C_CURRENCY);
    /* a new currency (or none) needs its own rate; the old one serves the old currency only */
    int currency_touched = c->currency || (clr & PL_LEAD_F_CURRENCY);
    f.rate = !isnan(c->rate) ? c->rate : currency_touched ? NAN : old->n[C_RATE];
    /* the amount as entered: in the old currency's 万 when it was foreign */
    double amount = old->t[C_CURRENCY] ? old->n[C_FOREIGN] : old->n[C_INVESTMENT];
    f.investment = PICK_NUM(c->investment, PL_LEAD_F_INVESTMENT, amount);
    f.land_mu = PICK_NUM(c->land_mu, PL_LEAD_F_LAND_MU, old->n[C_LAND_MU]);
    f.tax_per_mu = PICK_NUM(c->tax_per_mu, PL_LEAD_F_TAX_PER_MU, old->n[C_TAX]);
    f.output_per_mu = PICK_NUM(c->output_per_mu, PL_LEAD_F_OUTPUT_PER_MU, old->n[C_OUTPUT]);
    f.contact = PICK_TEXT(c->contact, PL_LEAD_F_CONTACT, C_CONTACT);
    f.owner = PICK_TEXT(c->owner, PL_LEAD_F_OWNER, C_OWNER);
    f.source = PICK_TEXT(c->source, PL_LEAD_F_SOURCE, C_SOURCE);
    f.note = PICK_TEXT(c->note, PL_LEAD_F_NOTE, C_NOTE);
#undef PICK_TEXT
#undef PICK_NUM
    pl_lead_checked k;
    char problems[1024];
    int rc = pl_lead_check(db, &f, &k, problems, sizeof problems, err);
    if (rc)
        return rc;
    if (problems[0])
        return pl_error_set(err, PL_ERR_INPUT, "lead '%s' not changed: %s", code, problems);
    const char *texts[NCOL] = {[C_COMPANY] = f.company,         [C_COMPANY_EN] = f.company_en,
                               [C_COUNTRY] = f.country,         [C_INDUSTRY] = k.industry,
                               [C_INDUSTRY_CODE] = f.industry_code, [C_CURRENCY] = k.currency,
                               [C_CONTACT] = f.contact,         [C_OWNER] = f.owner,
                               [C_SOURCE] = f.source,           [C_NOTE] = f.note};
    for (int i = 0; i < NCOL; i++)
        if (texts[i] && set_text(now, i, texts[i]))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    now->n[C_NEW_ECONOMY] = f.new_economy ? 1 : 0;
    now->n[C_INVESTMENT] = k.investment_cny;
    now->n[C_FOREIGN] = k.investment_foreign;
    now->n[C_RATE] = k.currency[0] ? f.rate : NAN;
    now->n[C_LAND_MU] = f.land_mu;
    now->n[C_TAX] = f.tax_per_mu;
    now->n[C_OUTPUT] = f.output_per_mu;
    return PL_OK;
}

int pl_lead_edit(pl_db *db, const char *code, const pl_lead_changes *c, int *changed, pl_error *err)
{
    if (changed)
        *changed = 0;
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id = 0;
    lead_cols old, now;
    memset(&now, 0, sizeof now);
    sqlite3_stmt *st = NULL;
    if ((rc = read_lead(db, code, &id, &old, err)) || (rc = merge(db, code, &old, c, &now, err)))
        goto done;
    int n = 0;
    for (int i = 0; i < NCOL; i++)
        n += !col_same(&old, &now, i);
    /* the park: by code, its own history row */
    int park_changed = 0;
    if (c->park || (c->clear & PL_LEAD_F_PARK)) {
        if ((rc = pl_lead_park_set(db, id, code, c->park, &park_changed, err)))
            goto done;
        n += park_changed;
    }
    if (!n)
        goto done; /* nothing to write: the transaction is rolled back */
    if (n == park_changed) { /* the park alone */
        cols_free(&old);
        cols_free(&now);
        if ((rc = pl_db_commit(db, err)))
            return rc;
        if (changed)
            *changed = n;
        return PL_OK;
    }
    if ((rc = pl_db_prepare(db,
                            "UPDATE lead SET company = ?1, company_en = ?2, country = ?3, industry = ?4,"
                            " industry_code = ?5, new_economy = ?6, investment = ?7, currency = ?8,"
                            " investment_foreign = ?9, rate = ?10, land_mu = ?11, tax_per_mu = ?12,"
                            " output_per_mu = ?13, contact = ?14, owner = ?15, source = ?16, note = ?17,"
                            " updated_at = ?18 WHERE id = ?19",
                            &st, err)))
        goto done;
    for (int i = 0; i < NCOL; i++) {
        if (i == C_NEW_ECONOMY)
            sqlite3_bind_int(st, i + 1, (int)now.n[i]);
        else if (col_num[i])
            pl_bind_num(st, i + 1, now.n[i]);
        else
            pl_bind_text(st, i + 1, now.t[i]);
    }
    char at[32];
    pl_now_iso(at, sizeof at);
    pl_bind_text(st, 18, at);
    sqlite3_bind_int64(st, 19, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot change lead");
        goto done;
    }
    for (int i = 0; i < NCOL && !rc; i++) {
        if (col_same(&old, &now, i))
            continue;
        char a[32], b[32];
        const char *ov, *nv;
        if (i == C_NEW_ECONOMY) {
            snprintf(a, sizeof a, "%d", (int)old.n[i]);
            snprintf(b, sizeof b, "%d", (int)now.n[i]);
            ov = a;
            nv = b;
        } else {
            ov = col_text(&old, i, a);
            nv = col_text(&now, i, b);
        }
        rc = pl_history_add(db, "lead", id, code, col_name[i], ov, nv, NULL, 0, err);
    }
    if (!rc) {
        sqlite3_finalize(st);
        st = NULL;
        cols_free(&old);
        cols_free(&now);
        if ((rc = pl_db_commit(db, err)))
            return rc;
        if (changed)
            *changed = n;
        return PL_OK;
    }
done:
    sqlite3_finalize(st);
    cols_free(&old);
    cols_free(&now);
    pl_db_rollback(db);
    return rc;
}

/* A comma-separated list of the codes `sql` (bound to ?1 = lead id) returns into buf; "" when none. */
static int codes_of(pl_db *db, const char *sql, long id, char *buf, size_t len, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    buf[0] = '\0';
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read leads");
    sqlite3_finalize(st);
    return rc;
}

int pl_lead_remove(pl_db *db, const char *code, const char *note, pl_error *err)
{
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    char *summary = NULL;
    long id = 0;
    char list[1024];
    if ((rc = pl_db_prepare(db,
                            "SELECT id, json_object('code', code, 'company', company, 'company_en', company_en,"
                            " 'country', country, 'industry', industry, 'industry_code', industry_code,"
                            " 'new_economy', new_economy, 'investment', investment, 'currency', currency,"
                            " 'investment_foreign', investment_foreign, 'rate', rate, 'land_mu', land_mu,"
                            " 'tax_per_mu', tax_per_mu, 'output_per_mu', output_per_mu, 'contact', contact,"
                            " 'owner', owner, 'source', source, 'note', note, 'stage', stage,"
                            " 'stage_date', stage_date, 'created_at', created_at)"
                            " FROM lead WHERE code = ?1",
                            &st, err)))
        goto fail;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        id = (long)sqlite3_column_int64(st, 0);
        if (!(summary = strdup((const char *)sqlite3_column_text(st, 1)))) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            goto fail;
        }
    } else {
        rc = step == SQLITE_DONE ? pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s' (see 'parkland lead list')", code)
                                 : pl_db_fail(db, err, "cannot read leads");
        goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = codes_of(db,
                       "SELECT group_concat(code, ', ') FROM (SELECT code FROM project WHERE lead_id = ?1"
                       " ORDER BY code)",
                       id, list, sizeof list, err)))
        goto fail;
    if (list[0]) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "lead '%s' not removed: it has signed project%s %s (a signed lead stays; see "
                          "'parkland project show')",
                          code, strchr(list, ',') ? "s" : "", list);
        goto fail;
    }
    if ((rc = codes_of(db,
                       "SELECT group_concat(code, ', ') FROM (SELECT DISTINCT p.code FROM reservation r"
                       " JOIN parcel p ON p.id = r.parcel_id WHERE r.lead_id = ?1 ORDER BY p.code)",
                       id, list, sizeof list, err)))
        goto fail;
    if (list[0]) {
        rc = pl_error_set(err, PL_ERR_INPUT, "lead '%s' not removed: reservations of parcel%s %s name it", code,
                          strchr(list, ',') ? "s" : "", list);
        goto fail;
    }
    if ((rc = pl_history_remove(db, "DELETE FROM lead WHERE id = ?1", "lead", id, code, summary, note, err)))
        goto fail;
    free(summary);
    return pl_db_commit(db, err);
fail:
    sqlite3_finalize(st);
    free(summary);
    pl_db_rollback(db);
    return rc;
}
