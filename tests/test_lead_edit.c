/* test_lead_edit.c — correcting a lead (issue 13 §2): every field edited and
 * its history row, clearing, a no-op edit, refusals that change nothing,
 * removal with and without a project, history after removal, and the
 * 'lead edit' / 'lead remove' command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/history.h"
#include "parkland/lead.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("lead_edit.db", dbpath);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(lead_edit, .init = setup, .fini = teardown);

static void add_full(const char *code)
{
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = code;
    f.company = "博世力士乐";
    f.company_en = "Bosch Rexroth";
    f.country = "德国";
    f.industry = "equipment";
    f.industry_code = "34";
    f.new_economy = 1;
    f.investment = 100;
    f.currency = "EUR";
    f.rate = 7.5;
    f.land_mu = 50;
    f.tax_per_mu = 20;
    f.output_per_mu = 300;
    f.contact = "Anna";
    f.owner = "王磊";
    f.source = "展会";
    f.note = "first";
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
}

/* The lead's history after 'created': "field old>new" joined with " | " (∅ for NULL). */
static const char *changes(void)
{
    return tu_sql_text(db, "SELECT group_concat(field || ' ' || coalesce(old_value, '∅') || '>' ||"
                           " coalesce(new_value, '∅'), ' | ') FROM (SELECT * FROM history"
                           " WHERE entity = 'lead' AND field <> 'created' ORDER BY id)");
}

static int edit(const pl_lead_changes *c, int *changed, pl_error *err)
{
    pl_error_clear(err);
    return pl_lead_edit(db, "DE-1", c, changed, err);
}

Test(lead_edit, every_field_changes_with_one_history_row_each)
{
    add_full("DE-1");
    pl_lead_changes c;
    pl_lead_changes_init(&c);
    c.company = "博世力士乐(青岛)";
    c.company_en = "Bosch Rexroth Qingdao";
    c.country = "奥地利";
    c.industry = "新一代信息技术"; /* the Chinese name, stored as the id */
    c.industry_code = "39";
    c.new_economy = 0;
    c.investment = 200; /* 万 EUR: the currency stays */
    c.rate = 8;
    c.land_mu = 60;
    c.tax_per_mu = 25;
    c.output_per_mu = 350;
    c.contact = "Jan";
    c.owner = "刘洋";
    c.source = "驻德代表处";
    c.note = "second";
    int n = -1;
    pl_error err;
    cr_assert_eq(edit(&c, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 16); /* every column but the currency */
    cr_assert_str_eq(changes(),
                     "company 博世力士乐>博世力士乐(青岛) | company_en Bosch Rexroth>Bosch Rexroth Qingdao | "
                     "country 德国>奥地利 | industry equipment>it | industry_code 34>39 | new_economy 1>0 | "
                     "investment 750>1600 | investment_foreign 100>200 | rate 7.5>8 | land_mu 50>60 | "
                     "tax_per_mu 20>25 | output_per_mu 300>350 | contact Anna>Jan | owner 王磊>刘洋 | "
                     "source 展会>驻德代表处 | note first>second");
    /* who: the database user, on every row */
    cr_assert_eq(tu_sql_count_arg(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND who = ?1", db->user),
                 17);
    cr_assert_str_eq(tu_sql_text(db, "SELECT industry || ' ' || currency || ' ' || investment || ' ' || rate"
                                     " FROM lead WHERE code = 'DE-1'"),
                     "it EUR 1600.0 8.0");

    /* a new currency with its rate: the amount keeps its figure */
    pl_lead_changes_init(&c);
    c.currency = "美元";
    c.rate = 7;
    cr_assert_eq(edit(&c, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(tu_sql_text(db, "SELECT currency || ' ' || investment_foreign || ' ' || investment || ' ' || rate"
                                     " FROM lead WHERE code = 'DE-1'"),
                     "USD 200.0 1400.0 7.0");
    /* back to 万元: the figure is read as 万元, the rate and the foreign amount go */
    pl_lead_changes_init(&c);
    c.clear = PL_LEAD_F_CURRENCY;
    cr_assert_eq(edit(&c, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(tu_sql_text(db, "SELECT coalesce(currency, '-') || ' ' || coalesce(investment_foreign, '-')"
                                     " || ' ' || investment || ' ' || coalesce(rate, '-') FROM lead WHERE code = 'DE-1'"),
                     "- - 200.0 -");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'currency' AND old_value = 'USD'"
                                  " AND new_value IS NULL"),
                 1);
}

Test(lead_edit, clear_empties_fields_and_names_map_to_bits)
{
    add_full("DE-1");
    cr_assert_eq(pl_lead_field_bit("company-en"), PL_LEAD_F_COMPANY_EN);
    cr_assert_eq(pl_lead_field_bit("land_mu"), PL_LEAD_F_LAND_MU);
    cr_assert_eq(pl_lead_field_bit("company"), 0u);
    cr_assert_eq(pl_lead_field_bit("rate"), 0u);
    cr_assert_eq(pl_lead_field_bit(""), 0u);
    pl_lead_changes c;
    pl_lead_changes_init(&c);
    c.clear = PL_LEAD_F_COMPANY_EN | PL_LEAD_F_COUNTRY | PL_LEAD_F_INDUSTRY | PL_LEAD_F_INDUSTRY_CODE |
              PL_LEAD_F_INVESTMENT | PL_LEAD_F_LAND_MU | PL_LEAD_F_TAX_PER_MU | PL_LEAD_F_OUTPUT_PER_MU |
              PL_LEAD_F_CONTACT | PL_LEAD_F_OWNER | PL_LEAD_F_SOURCE | PL_LEAD_F_NOTE;
    int n;
    pl_error err;
    cr_assert_eq(edit(&c, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 13); /* 12 fields and the CNY investment */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'DE-1' AND company_en IS NULL AND"
                                  " country IS NULL AND industry IS NULL AND industry_code IS NULL AND investment IS"
                                  " NULL AND investment_foreign IS NULL AND currency = 'EUR' AND rate = 7.5 AND"
                                  " land_mu IS NULL AND tax_per_mu IS NULL AND output_per_mu IS NULL AND contact IS"
                                  " NULL AND owner IS NULL AND source IS NULL AND note IS NULL"),
                 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE field = 'owner' AND old_value = '王磊'"
                                  " AND new_value IS NULL"),
                 1);
}

Test(lead_edit, the_values_it_holds_change_nothing_and_write_nothing)
{
    add_full("DE-1");
    char *before = tu_db_snapshot(dbpath);
    pl_lead_changes c;
    pl_lead_changes_init(&c);
    c.company = "博世力士乐";
    c.industry = "高端装备"; /* the name of the industry it has */
    c.new_economy = 1;
    c.land_mu = 50;
    c.rate = 7.5;
    c.owner = "王磊";
    int n = -1;
    pl_error err;
    cr_assert_eq(edit(&c, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 0);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
}

Test(lead_edit, refusals_leave_the_database_unchanged)
{
    add_full("DE-1");
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = "CN-1";
    f.company = "青岛港科技";
    pl_error err;
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
    char *before = tu_db_snapshot(dbpath);
    pl_lead_changes c;
    int n;
#define REFUSED(code_, setup_, rc_, msg_)                                                                            \
    do {                                                                                                             \
        pl_lead_changes_init(&c);                                                                                    \
        setup_;                                                                                                      \
        pl_error_clear(&err);                                                                                        \
        n = -1;                                                                                                      \
        cr_assert_eq(pl_lead_edit(db, code_, &c, &n, &err), rc_, "%s", err.message);                                 \
        cr_assert_str_eq(err.message, msg_);                                                                         \
        cr_assert_eq(n, 0);                                                                                          \
        char *after = tu_db_snapshot(dbpath);                                                                        \
        cr_assert_str_eq(after, before, "%s", msg_);                                                                 \
        free(after);                                                                                                 \
    } while (0)
    REFUSED("DE-9", c.owner = "x", PL_ERR_NOTFOUND, "no lead 'DE-9' (see 'parkland lead list')");
    REFUSED("DE-1", c.industry = "半导体", PL_ERR_INPUT,
            "lead 'DE-1' not changed: unknown industry '半导体' (one of: it 新一代信息技术, equipment 高端装备, "
            "energy_materials 新能源新材料, marine 现代海洋, health 医养健康, chemical 绿色化工, agriculture "
            "现代高效农业, culture 文化创意, tourism 精品旅游, finance 现代金融, other 其他)");
    REFUSED("DE-1", c.company = "", PL_ERR_INPUT, "lead 'DE-1' not changed: lead 'DE-1' has no company name (企业名称)");
    REFUSED("DE-1", (c.land_mu = -3, c.owner = "y"), PL_ERR_INPUT,
            "lead 'DE-1' not changed: land demand 用地需求 must not be negative (-3)");
    REFUSED("DE-1", c.currency = "USD", PL_ERR_INPUT,
            "lead 'DE-1' not changed: currency USD needs a rate (汇率: CNY per 1 USD)");
    REFUSED("DE-1", (c.currency = "XX1", c.rate = 2), PL_ERR_INPUT,
            "lead 'DE-1' not changed: unknown currency 'XX1' (a 3-letter code such as EUR, USD, JPY, KRW, or 欧元, "
            "美元, 日元…); rate 2 given without a foreign currency (币种)");
    REFUSED("DE-1", c.rate = 0, PL_ERR_INPUT, "lead 'DE-1' not changed: rate 0 is not a positive number of CNY per 1 EUR");
    REFUSED("CN-1", c.rate = 7, PL_ERR_INPUT,
            "lead 'CN-1' not changed: rate 7 given without a foreign currency (币种)");
    REFUSED("DE-1", (c.clear = PL_LEAD_F_CURRENCY, c.rate = 7), PL_ERR_INPUT,
            "lead 'DE-1' not changed: rate 7 given without a foreign currency (币种)");
#undef REFUSED
    free(before);
}

static int collect(const pl_history_row *r, void *ctx)
{
    char *buf = ctx;
    size_t len = strlen(buf);
    snprintf(buf + len, 4096 - len, "%s%s:%s", len ? " " : "", r->field, r->note ? r->note : "");
    return 0;
}

Test(lead_edit, remove_refused_with_a_project_else_kept_in_the_history)
{
    add_full("DE-1");
    add_full("DE-2");
    tu_sql_exec(db, "INSERT INTO project(code, lead_id, signed_on, created_at, updated_at)"
                    " SELECT 'P-2', id, '2025-01-01', 'x', 'x' FROM lead WHERE code = 'DE-2';"
                    "INSERT INTO project(code, lead_id, signed_on, created_at, updated_at)"
                    " SELECT 'P-1', id, '2025-01-01', 'x', 'x' FROM lead WHERE code = 'DE-2'");
    char *before = tu_db_snapshot(dbpath);
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_remove(db, "DE-2", NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'DE-2' not removed: it has signed projects P-1, P-2 (a signed lead stays; "
                                  "see 'parkland project show')");
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_remove(db, "DE-9", NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no lead 'DE-9' (see 'parkland lead list')");
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);

    pl_lead_changes c;
    pl_lead_changes_init(&c);
    c.owner = "刘洋";
    int n;
    cr_assert_eq(edit(&c, &n, &err), PL_OK, "%s", err.message);
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_remove(db, "DE-1", "entered twice", &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'DE-1'"), 0);
    cr_assert_str_eq(tu_sql_text(db, "SELECT json_extract(old_value, '$.company') || ' ' ||"
                                     " json_extract(old_value, '$.owner') || ' ' || json_extract(old_value, '$.rate')"
                                     " || ' ' || who FROM history WHERE field = 'removed'"),
                     tu_sql_text_arg(db, "SELECT '博世力士乐 刘洋 7.5 ' || ?1", db->user));
    char seen[4096] = "";
    pl_error_clear(&err);
    cr_assert_eq(pl_history_each(db, "lead", NULL, "DE-1", collect, seen, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(seen, "created: owner: removed:entered twice");
    /* the code is free again; the new lead's history is its own */
    add_full("DE-1");
    seen[0] = '\0';
    cr_assert_eq(pl_history_each(db, "lead", NULL, "DE-1", collect, seen, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(seen, "created:");
    /* removed twice: two leads had the code, the history cannot tell which is meant */
    cr_assert_eq(pl_lead_remove(db, "DE-1", NULL, &err), PL_OK, "%s", err.message);
    pl_error_clear(&err);
    cr_assert_eq(pl_history_each(db, "lead", NULL, "DE-1", collect, seen, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "lead code 'DE-1' named 2 different leads over time");
}

Test(lead_edit, command_line)
{
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "lead add DE-7 --company KUKA --country 德国 --investment 8000 --currency EUR --rate 7.8"
                        " --owner 王磊"),
                 0, "%s", errout);
    /* a code written in another case resolves; numbers in the one dialect */
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "lead edit de-7 --investment 1.2亿 --land-mu 2公顷 --clear country --clear owner --new-economy"),
                 0, "%s", errout);
    cr_assert(strstr(out, "lead DE-7: 6 fields changed (see 'parkland history lead DE-7')"), "%s", out);
    cr_assert_str_eq(tu_sql_text(db, "SELECT investment_foreign || ' ' || land_mu || ' ' || new_economy || ' ' ||"
                                     " coalesce(country, '-') || coalesce(owner, '-') FROM lead WHERE code = 'DE-7'"),
                     "12000.0 30.0 1 --");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-7 --new-economy"), 0, "%s", errout);
    cr_assert(strstr(out, "lead DE-7: nothing changed"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-7 --no-new-economy"), 0, "%s", errout);
    cr_assert(strstr(out, "1 field changed"), "%s", out);
    /* usage errors: exit 2 */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-7"), 2);
    cr_assert(strstr(errout, "lead edit DE-7: nothing to change"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-7 --clear company"), 2);
    cr_assert(strstr(errout, "--clear 'company': not a field that can be emptied"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-7 --currency USD"), 2);
    cr_assert(strstr(errout, "--currency USD needs --rate (CNY per 1 USD)"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-7 --land-mu lots"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead remove"), 2);
    /* refused: exit 1 */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-8 --owner x"), 1);
    cr_assert(strstr(errout, "no lead 'DE-8' (did you mean 'DE-7'?)"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead edit DE-7 --industry 半导体"), 1);
    cr_assert(strstr(errout, "unknown industry '半导体'"), "%s", errout);
    /* remove, then the history still shows it */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead remove de-7 --note 'entered twice'"), 0, "%s", errout);
    cr_assert(strstr(out, "removed lead DE-7"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead show DE-7"), 1);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history lead DE-7 --format csv --keys"), 0, "%s", errout);
    cr_assert(strstr(out, "removed") && strstr(out, "entered twice") && strstr(out, "KUKA"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead --help"), 0);
    cr_assert(strstr(out, "--clear FIELD") && strstr(out, "lead remove CODE"), "%s", out);
    free(out);
    free(errout);
}
