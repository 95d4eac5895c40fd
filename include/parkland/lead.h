/*
 * parkland/lead.h — investment leads (招商线索): add, import from CSV, list,
 * move through the stages. Ownership: see parkland/error.h.
 *
 * Stages: new 线索 → contacted 洽谈 → visited 考察 → intent 意向 → signed 签约,
 * or lost 流失. pl_lead_set_stage moves forward any number of steps; a move
 * back (including out of 'signed') needs force and a note; 'signed' is
 * reached only by signing a project (parkland/project.h); 'lost' is reached
 * from any stage before 'signed'; a lost lead is reopened at any stage before
 * 'signed' with a note. A move is dated (default today): a real date, not in
 * the future, and not before the date of the current stage (unless that is
 * 'new', whose date is only when the lead was entered).
 *
 * Money is 万元 CNY. A foreign-currency lead keeps its amount in that
 * currency's 万 (investment_foreign), the currency code and the rate (CNY per
 * unit); investment = investment_foreign × rate.
 */
#ifndef PARKLAND_LEAD_H
#define PARKLAND_LEAD_H

#include <stddef.h>

#include "parkland/db.h"
#include "parkland/import.h" /* pl_encoding */

#ifdef __cplusplus
extern "C" {
#endif

/* Stage ids in pipeline order ("new" … "signed", then "lost"); NULL-terminated. */
extern const char *const pl_lead_stage_ids[];
/* Chinese / English label of a stage id; NULL when unknown. */
const char *pl_lead_stage_zh(const char *id);
const char *pl_lead_stage_en(const char *id);
/* The stage id for an id, a Chinese or an English label (ASCII case ignored:
 * 签约, "Signed" → "signed"); NULL when unknown. Returns static storage. */
const char *pl_lead_stage_parse(const char *s);

/* What a new lead holds. Doubles are NAN when not given (pl_lead_fields_init). */
typedef struct pl_lead_fields {
    const char *code;          /* required, unique */
    const char *company;       /* required: Chinese (or original) company name */
    const char *company_en;
    const char *country;       /* country or region of origin */
    const char *industry;      /* industry id (it, equipment…), or its Chinese or English name */
    const char *industry_code; /* GB/T 4754 division, optional */
    int new_economy;           /* 四新 */
    double investment;         /* planned investment: 万元 CNY, or 万 of `currency` */
    const char *currency;      /* NULL or "CNY": CNY; else a 3-letter code or 美元/欧元/日元… */
    double rate;               /* CNY per unit of `currency`; required with a foreign currency */
    double land_mu;            /* land demand, 亩 */
    double tax_per_mu;         /* expected tax, 万元/亩·年 */
    double output_per_mu;      /* expected output, 万元/亩·年 */
    const char *contact, *owner, *source, *note;
    const char *stage;         /* NULL = "new"; "signed" is refused */
    const char *date;          /* YYYY-MM-DD of the stage; NULL = today */
    const char *park;          /* code of the park it negotiates for; NULL = not decided (未定园区) */
} pl_lead_fields;

void pl_lead_fields_init(pl_lead_fields *f);

/* Add one lead (one transaction, history row 'created'). */
int pl_lead_add(pl_db *db, const pl_lead_fields *f, pl_error *err);

/* One lead as read. Strings live until the callback returns; NULL when empty. */
typedef struct pl_lead_row {
    long id;
    const char *code, *company, *company_en, *country;
    const char *industry;      /* id */
    const char *industry_zh;   /* its Chinese name */
    const char *industry_code;
    int new_economy;
    double investment;         /* 万元 CNY; NAN when unknown */
    const char *currency;      /* NULL for CNY */
    double investment_foreign; /* 万 of currency; NAN */
    double rate;               /* NAN */
    double land_mu, tax_per_mu, output_per_mu; /* NAN when unknown */
    const char *contact, *owner, *source, *note;
    const char *stage, *stage_date, *created_at, *updated_at;
    const char *projects;      /* codes of its signed projects, comma-separated; NULL when none */
    const char *park;          /* code of the park it negotiates for; NULL: not decided */
} pl_lead_row;

typedef struct pl_lead_filter {
    const char *stage;    /* id or Chinese label */
    const char *industry; /* id or name */
    const char *country;  /* equal, ignoring ASCII case */
    const char *owner;    /* equal, ignoring ASCII case */
    const char *search;   /* substring of code, company (zh/en), contact, note or source */
} pl_lead_filter;

/* Call `cb` for every lead matching `filter` (NULL = all), ordered by code.
 * A non-zero return from cb stops and is returned. */
int pl_lead_each(pl_db *db, const pl_lead_filter *filter, int (*cb)(const pl_lead_row *row, void *ctx),
                 void *ctx, pl_error *err);

/* Call `cb` once for lead `code`; PL_ERR_NOTFOUND when there is none. */
int pl_lead_get(pl_db *db, const char *code, int (*cb)(const pl_lead_row *row, void *ctx), void *ctx,
                pl_error *err);

/* Move lead `code` to `stage` on `date` (NULL = today); see the rules above.
 * History row 'stage' old → new with the note. */
int pl_lead_set_stage(pl_db *db, const char *code, const char *stage, const char *date, const char *note,
                      int force, pl_error *err);

/* ---- corrections: edit and remove (issue 13 §2) ------------------------------------ */

/* The fields an edit may change or clear (PL_LEAD_F_* bits of pl_lead_changes.clear). */
enum {
    PL_LEAD_F_COMPANY_EN = 1 << 0,
    PL_LEAD_F_COUNTRY = 1 << 1,
    PL_LEAD_F_INDUSTRY = 1 << 2,
    PL_LEAD_F_INDUSTRY_CODE = 1 << 3,
    PL_LEAD_F_INVESTMENT = 1 << 4,
    PL_LEAD_F_CURRENCY = 1 << 5, /* back to CNY: the rate goes too, the amount is read as 万元 */
    PL_LEAD_F_LAND_MU = 1 << 6,
    PL_LEAD_F_TAX_PER_MU = 1 << 7,
    PL_LEAD_F_OUTPUT_PER_MU = 1 << 8,
    PL_LEAD_F_CONTACT = 1 << 9,
    PL_LEAD_F_OWNER = 1 << 10,
    PL_LEAD_F_SOURCE = 1 << 11,
    PL_LEAD_F_NOTE = 1 << 12,
    PL_LEAD_F_PARK = 1 << 13,
};

/* The bit of a field name as `lead edit --clear` takes it ("company-en" or
 * "company_en", "land-mu"…); 0 when the field is unknown or cannot be
 * cleared (company, new-economy, rate: see pl_lead_edit). */
unsigned pl_lead_field_bit(const char *name);

/* What an edit changes: NULL / NAN / -1 leave a field as it is
 * (pl_lead_changes_init); `clear` empties the fields of its bits. Values are
 * read as pl_lead_add reads them (industry: id, Chinese or English name;
 * currency: code or Chinese name; amounts as numbers). */
typedef struct pl_lead_changes {
    const char *company, *company_en, *country, *industry, *industry_code;
    int new_economy;    /* -1 keep, 0 no, 1 yes (四新) */
    double investment;  /* in the lead's currency (after this edit): 万元, or 万 of it */
    const char *currency;
    double rate;        /* CNY per unit of the (new) currency */
    double land_mu, tax_per_mu, output_per_mu;
    const char *contact, *owner, *source, *note;
    const char *park;   /* code of the park it negotiates for */
    unsigned clear;     /* PL_LEAD_F_* */
} pl_lead_changes;

void pl_lead_changes_init(pl_lead_changes *c);

/* Change the fields of lead `code` (as stored: resolve what the user wrote
 * with pl_code_resolve first). The lead after the edit must pass the checks of
 * pl_lead_add: a company name, a known industry, no negative amount, a known
 * currency, a foreign currency with a positive rate, no rate other than 1
 * without one. The amount keeps its figure when only the currency changes
 * (a correction of the currency); the CNY investment follows amount × rate.
 * One transaction; one history row per changed column (entity 'lead', field =
 * column name: company, company_en, country, industry, industry_code,
 * new_economy, investment, currency, investment_foreign, rate, land_mu,
 * tax_per_mu, output_per_mu, contact, owner, source, note, park (codes); old and new as
 * text, NULL when empty; who = the database user). *changed (may be NULL) is the number of columns
 * changed: 0 writes nothing. PL_ERR_NOTFOUND for no such lead, PL_ERR_INPUT
 * for a refused value (nothing written). */
int pl_lead_edit(pl_db *db, const char *code, const pl_lead_changes *c, int *changed, pl_error *err);

/* Remove lead `code` (as stored), only when no project was signed with it
 * (PL_ERR_INPUT naming the projects) and no reservation names it. One
 * transaction; the history keeps a row (entity 'lead', field 'removed', old =
 * a JSON object of the lead's fields, note = `note`, may be NULL), so that
 * pl_history_each still finds the lead by its code. */
int pl_lead_remove(pl_db *db, const char *code, const char *note, pl_error *err);

/* ---- CSV import ---------------------------------------------------------------- */

typedef struct pl_lead_import_options {
    pl_encoding encoding; /* auto (UTF-8 strict, else GBK), utf-8, gbk */
    int dry_run;          /* check everything, write nothing */
} pl_lead_import_options;

typedef struct pl_lead_import_result {
    char encoding[16];    /* "utf-8", "utf-8-bom", "gbk" */
    char sha256[65];
    long batch_id;        /* import_batch row; 0 on dry run or refusal */
    long rows;            /* data rows read (header excluded, blank rows excluded) */
    long blank;           /* rows whose fields were all empty: skipped */
    long inserted;
    long refused;         /* rows refused */
    char **messages;      /* "line 7: …" per refused row, in file order; owned */
    size_t nmessages;
    long messages_dropped;
    int dry_run;
} pl_lead_import_result;

#define PL_LEAD_IMPORT_MAX_MESSAGES 1000

/* Import the leads of a CSV file with a header row. Columns (English key or
 * Chinese header; order free; code and company required): code 编号,
 * company 企业名称, company_en 英文名称, country 国别/国家或地区, industry 行业/产业,
 * industry_code 行业代码, new_economy 四新, investment 计划投资(万元), currency 币种,
 * rate 汇率, land_mu 用地需求(亩), tax_per_mu 亩均税收, output_per_mu 亩均产值,
 * contact 联系人, owner 负责人, source 来源, note 备注, stage 阶段, date 日期.
 * All or nothing: PL_ERR_INPUT when any row is refused (every one listed in
 * `result`), and nothing is written. A header with no rows imports 0 leads.
 * `result` is always filled and must be released. */
int pl_lead_import(pl_db *db, const char *path, const pl_lead_import_options *opt,
                   pl_lead_import_result *result, pl_error *err);

void pl_lead_import_result_release(pl_lead_import_result *result);

#ifdef __cplusplus
}
#endif
#endif
