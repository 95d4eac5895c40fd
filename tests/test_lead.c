/* test_lead.c — leads: add (with foreign currency), list filters with Chinese
 * search, stage moves and their rules, history rows, and the 'lead' command line. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/lead.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("lead.db", dbpath);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(lead, .init = setup, .fini = teardown);

static int add(const char *code, const char *company, const char *country, const char *industry, const char *owner,
               const char *contact, const char *note, const char *source, pl_error *err)
{
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = code;
    f.company = company;
    f.country = country;
    f.industry = industry;
    f.owner = owner;
    f.contact = contact;
    f.note = note;
    f.source = source;
    pl_error_clear(err);
    return pl_lead_add(db, &f, err);
}

Test(lead, add_foreign_currency_stores_amount_rate_and_cny)
{
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = "DE-01";
    f.company = "博世力士乐(青岛)液压有限公司";
    f.company_en = "Bosch Rexroth Hydraulics (Qingdao)";
    f.country = "德国";
    f.industry = "高端装备"; /* the Chinese name resolves to the id */
    f.industry_code = "34";
    f.new_economy = 1;
    f.investment = 6000; /* 万 EUR */
    f.currency = "欧元";
    f.rate = 7.85;
    f.land_mu = 150;
    f.tax_per_mu = 32;
    f.output_per_mu = 520;
    f.contact = "Klaus Weber";
    f.owner = "王磊";
    f.source = "中德生态园推介会";
    f.note = "一期 80 亩";
    f.date = "2025-03-05";
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'DE-01' AND industry = 'equipment'"
                                  " AND industry_code = '34' AND new_economy = 1 AND currency = 'EUR'"
                                  " AND investment_foreign = 6000 AND rate = 7.85 AND abs(investment - 47100) < 1e-6"
                                  " AND land_mu = 150 AND tax_per_mu = 32 AND output_per_mu = 520 AND stage = 'new'"
                                  " AND stage_date = '2025-03-05'"
                                  " AND company_en = 'Bosch Rexroth Hydraulics (Qingdao)'"),
                 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND code = 'DE-01'"
                                  " AND field = 'created' AND new_value = '博世力士乐(青岛)液压有限公司' AND who = 'tester'"
                                  " AND old_value IS NULL"),
                 1);

    /* CNY: investment as given, no currency kept */
    pl_lead_fields_init(&f);
    f.code = "CN-01";
    f.company = "青岛本地企业";
    f.investment = 20000;
    f.currency = "CNY";
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'CN-01' AND investment = 20000"
                                  " AND currency IS NULL AND investment_foreign IS NULL AND rate IS NULL"), 1);
}

Test(lead, add_refusals_name_the_reason_and_change_nothing)
{
    pl_error err;
    cr_assert_eq(add("X-1", "已存在", NULL, NULL, NULL, NULL, NULL, NULL, &err), PL_OK);
    char *before = tu_db_snapshot(dbpath);
    pl_lead_fields f;

    pl_lead_fields_init(&f);
    f.code = "X-2";
    f.company = "欧元无汇率";
    f.investment = 100;
    f.currency = "EUR";
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "currency EUR needs a rate (汇率: CNY per 1 EUR)");

    f.rate = -2;
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "rate -2 is not a positive number of CNY per 1 EUR");

    pl_lead_fields_init(&f);
    f.code = "X-3";
    f.company = "未知行业";
    f.industry = "semiconductors";
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "unknown industry 'semiconductors' (one of: it 新一代信息技术, equipment 高端装备"),
              "%s", err.message);

    cr_assert_eq(add("X-1", "重复", NULL, NULL, NULL, NULL, NULL, NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'X-1' already exists (see 'parkland lead show X-1')");

    cr_assert_eq(add("X 4", "空格", NULL, NULL, NULL, NULL, NULL, NULL, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "code 'X 4' is not a usable lead code"), "%s", err.message);

    cr_assert_eq(add("X-5", "", NULL, NULL, NULL, NULL, NULL, NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'X-5' has no company name (企业名称)");

    pl_lead_fields_init(&f);
    f.code = "X-6";
    f.company = "负数";
    f.land_mu = -5;
    f.date = "2025-13-01";
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message,
                     "land demand 用地需求 must not be negative (-5); date '2025-13-01' is not a real date (YYYY-MM-DD)");

    f.land_mu = 5;
    f.date = "2099-01-01";
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "date 2099-01-01 is in the future");

    f.date = NULL;
    f.stage = "signed";
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "stage 'signed' comes only from signing a project"), "%s", err.message);

    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
}

/* ---- list ------------------------------------------------------------------------------- */

typedef struct codes {
    char list[1024];
} codes;

static int collect_code(const pl_lead_row *r, void *ctx)
{
    codes *c = ctx;
    size_t n = strlen(c->list);
    snprintf(c->list + n, sizeof c->list - n, "%s%s", n ? "," : "", r->code);
    return 0;
}

static const char *list(const char *stage, const char *industry, const char *country, const char *owner,
                        const char *search)
{
    static codes c;
    c.list[0] = '\0';
    pl_lead_filter f = {stage, industry, country, owner, search};
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_each(db, &f, collect_code, &c, &err), PL_OK, "%s", err.message);
    return c.list;
}

static void five_leads(void)
{
    pl_error err;
    cr_assert_eq(add("L-DE", "西门子智能制造(青岛)有限公司", "德国", "equipment", "王磊", "Hans Müller",
                     "工业机器人, 一期 60 亩", "中德生态园推介会", &err), PL_OK, "%s", err.message);
    cr_assert_eq(add("L-JP", "株式会社青岛精密", "日本", "高端装备", "李娜", "佐藤健", "精密轴承_二期", "日本国际客厅",
                     &err), PL_OK, "%s", err.message);
    cr_assert_eq(add("L-KR", "韩国斗山新能源", "韩国", "新能源新材料", "王磊", "金敏俊", "氢燃料电池, 占地比50%",
                     "韩国客厅", &err), PL_OK, "%s", err.message);
    cr_assert_eq(add("L-CN", "青岛海洋生物医药研究院", "中国", "health", "刘洋", "张伟", "海洋药物", "市招商局", &err),
                 PL_OK, "%s", err.message);
    cr_assert_eq(add("L-SG", "Wilmar Marine Technology", "Singapore", "marine", "刘洋", "Tan Wei Ming",
                     "cold chain robots", "新加坡企业中心", &err), PL_OK, "%s", err.message);
}

Test(lead, list_filters_and_chinese_search)
{
    five_leads();
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, NULL), "L-CN,L-DE,L-JP,L-KR,L-SG");
    cr_assert_str_eq(list(NULL, "equipment", NULL, NULL, NULL), "L-DE,L-JP");
    cr_assert_str_eq(list(NULL, "高端装备", NULL, NULL, NULL), "L-DE,L-JP");
    cr_assert_str_eq(list(NULL, "Modern marine", NULL, NULL, NULL), "L-SG");
    cr_assert_str_eq(list(NULL, NULL, "德国", NULL, NULL), "L-DE");
    cr_assert_str_eq(list(NULL, NULL, "singapore", NULL, NULL), "L-SG", "country ignores ASCII case");
    cr_assert_str_eq(list(NULL, NULL, NULL, "王磊", NULL), "L-DE,L-KR");
    cr_assert_str_eq(list(NULL, NULL, NULL, "刘洋", NULL), "L-CN,L-SG");
    cr_assert_str_eq(list(NULL, "equipment", NULL, "王磊", NULL), "L-DE", "filters combine");
    /* Chinese substrings of company, note, source, contact */
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "青岛"), "L-CN,L-DE,L-JP");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "机器人"), "L-DE");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "客厅"), "L-JP,L-KR");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "金敏俊"), "L-KR");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "海洋"), "L-CN");
    /* English, ignoring ASCII case, in the English name and the note */
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "ROBOTS"), "L-SG");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "müller"), "L-DE");
    /* LIKE wildcards are plain characters */
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "%"), "L-KR");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "_"), "L-JP");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "50%"), "L-KR");
    cr_assert_str_eq(list(NULL, NULL, NULL, NULL, "无此企业"), "");
    /* stages */
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_set_stage(db, "L-JP", "intent", NULL, NULL, 0, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(list("intent", NULL, NULL, NULL, NULL), "L-JP");
    cr_assert_str_eq(list("意向", NULL, NULL, NULL, NULL), "L-JP");
    cr_assert_str_eq(list("new", NULL, NULL, NULL, NULL), "L-CN,L-DE,L-KR,L-SG");
    /* unknown filter values are usage errors, not empty lists */
    codes c = {""};
    pl_lead_filter f = {"negotiating", NULL, NULL, NULL, NULL};
    cr_assert_eq(pl_lead_each(db, &f, collect_code, &c, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "unknown stage 'negotiating'"), "%s", err.message);
    pl_lead_filter g = {NULL, "biotech", NULL, NULL, NULL};
    cr_assert_eq(pl_lead_each(db, &g, collect_code, &c, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "unknown industry 'biotech'"), "%s", err.message);
}

static int keep_row(const pl_lead_row *r, void *ctx)
{
    char *buf = ctx;
    snprintf(buf, 512, "%s|%s|%s|%s|%s|%.2f|%s", r->code, r->company, r->industry, r->industry_zh, r->stage,
             r->investment, r->projects ? r->projects : "-");
    return 0;
}

Test(lead, get_one_and_not_found)
{
    five_leads();
    char buf[512];
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_get(db, "L-KR", keep_row, buf, &err), PL_OK);
    cr_assert_str_eq(buf, "L-KR|韩国斗山新能源|energy_materials|新能源新材料|new|nan|-");
    cr_assert_eq(pl_lead_get(db, "L-XX", keep_row, buf, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no lead 'L-XX' (see 'parkland lead list')");
}

/* ---- stages ---------------------------------------------------------------------------- */

static int stage(const char *code, const char *to, const char *date, const char *note, int force, pl_error *err)
{
    pl_error_clear(err);
    return pl_lead_set_stage(db, code, to, date, note, force, err);
}

Test(lead, stages_forward_back_lost_and_signed)
{
    pl_error err;
    cr_assert_eq(add("S-1", "阶段测试企业", NULL, NULL, NULL, NULL, NULL, NULL, &err), PL_OK);
    /* forward, skipping steps */
    cr_assert_eq(stage("S-1", "visited", "2025-02-01", "考察中德生态园", 0, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(tu_sql_text(db, "SELECT stage || ' ' || stage_date FROM lead WHERE code = 'S-1'"),
                     "visited 2025-02-01");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'S-1' AND field = 'stage'"
                                  " AND old_value = 'new' AND new_value = 'visited' AND note = '考察中德生态园; on 2025-02-01'"
                                  " AND effective = '2025-02-01'"), 1);
    char *before = tu_db_snapshot(dbpath);
    /* back: refused without force, with the forward list */
    cr_assert_eq(stage("S-1", "contacted", NULL, NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'S-1' is visited (考察); moving back to contacted (洽谈) needs --force --note "
                                  "(it may go to: intent, lost; signed through 'project sign')");
    cr_assert_eq(stage("S-1", "contacted", NULL, NULL, 1, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "lead 'S-1': --force needs a --note saying why");
    /* the same stage, signed, a future date, an unknown stage */
    cr_assert_eq(stage("S-1", "visited", NULL, NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'S-1' is already visited (考察)");
    cr_assert_eq(stage("S-1", "签约", NULL, NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'S-1' becomes signed (签约) only by signing a project: "
                                  "parkland project sign S-1 --parcel CODE");
    cr_assert_eq(stage("S-1", "intent", "2099-01-01", NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'S-1': date 2099-01-01 is in the future");
    cr_assert_eq(stage("S-1", "intent", "2025-02-30", NULL, 0, &err), PL_ERR_USAGE);
    cr_assert_eq(stage("S-1", "intent", "2025-01-15", NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'S-1': date 2025-01-15 is before its current stage date 2025-02-01");
    cr_assert_eq(stage("S-1", "won", NULL, NULL, 0, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "unknown stage 'won'"), "%s", err.message);
    cr_assert_eq(stage("S-9", "intent", NULL, NULL, 0, &err), PL_ERR_NOTFOUND);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before, "a refused stage move changed the database");
    free(after);
    free(before);
    /* back with force and a note: recorded as forced */
    cr_assert_eq(stage("S-1", "contacted", NULL, "录入错误", 1, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'S-1' AND field = 'stage'"
                                  " AND old_value = 'visited' AND new_value = 'contacted'"
                                  " AND note = 'forced: 录入错误'"), 1);
    /* lost from any stage; reopening needs a note */
    cr_assert_eq(stage("S-1", "流失", NULL, NULL, 0, &err), PL_OK, "%s", err.message);
    cr_assert_eq(stage("S-1", "intent", NULL, NULL, 0, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "lead 'S-1' is lost (流失); reopening it at intent needs a --note");
    cr_assert_eq(stage("S-1", "intent", NULL, "企业重启项目", 0, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(tu_sql_text(db, "SELECT stage FROM lead WHERE code = 'S-1'"), "intent");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'S-1' AND field = 'stage'"), 4);
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(new_value, ',') FROM (SELECT new_value FROM history"
                                     " WHERE code = 'S-1' AND field = 'stage' ORDER BY id)"),
                     "visited,contacted,lost,intent");
}

/* ---- the command line ------------------------------------------------------------------ */

static char *out, *errout;

static void cli_cleanup(void)
{
    tu_outputs_free(&out, &errout);
    teardown();
}

TestSuite(lead_cli, .init = setup, .fini = cli_cleanup);

Test(lead_cli, add_list_show_stage_contract)
{
    pl_db_close(db); /* the CLI writes; this test reads through it */
    db = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "lead add DE-7 --company 'KUKA 机器人(青岛)' --company-en 'KUKA Robotics Qingdao' --country 德国"
                        " --industry 高端装备 --new-economy --investment 8000 --currency EUR --rate 7.8 --land-mu 90"
                        " --tax-per-mu 25 --output-per-mu 400 --contact 'Anna Schmidt' --owner 王磊"
                        " --source 中德生态园 --note '机器人 本体+集成' --date 2025-05-06"), 0, "%s", errout);
    cr_assert(strstr(out, "added lead DE-7 KUKA 机器人(青岛) (stage new 线索)"), "%s", out);
    cr_assert(strstr(out, "investment 计划投资 8000 万EUR × 7.8 = 62400.00 万元"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "lead add CN-7 --company 青岛港科技 --industry marine --investment 12000 --owner 刘洋"), 0);

    /* usage errors: exit 2 */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add X --company Y --currency EUR"), 2);
    cr_assert(strstr(errout, "--currency EUR needs --rate (CNY per 1 EUR)"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add X --company Y --rate 7"), 2);
    cr_assert(strstr(errout, "--rate needs --currency"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add X --company Y --investment lots"), 2);
    cr_assert(strstr(errout, "--investment expects a number, not 'lots'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add X"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead frob"), 2);
    cr_assert(strstr(errout, "unknown lead command 'frob'"), "%s", errout);
    /* refused: exit 1 and the reason */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add DE-7 --company 再来一次"), 1);
    cr_assert(strstr(errout, "parkland: lead 'DE-7' already exists"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead add X --company Y --industry 半导体"), 1);
    cr_assert(strstr(errout, "unknown industry '半导体'"), "%s", errout);

    /* list: text with units, CSV, JSON */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead list"), 0, "%s", errout);
    cr_assert(strstr(out, "2 leads / 线索"), "%s", out);
    cr_assert(strstr(out, "计划投资 万元") && strstr(out, "用地 亩"), "%s", out);
    cr_assert(strstr(out, "62400.00") && strstr(out, "90.00") && strstr(out, "四新"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead list --search 机器人 --format csv"), 0);
    cr_assert(!strncmp(out, "code,company,company_en,country,industry,industry_zh,", 52), "%s", out);
    cr_assert(strstr(out, "\r\nDE-7,KUKA 机器人(青岛),KUKA Robotics Qingdao,德国,equipment,高端装备,,1,62400.00,EUR,"
                          "8000.00,7.8,90.00,25.00,400.00,Anna Schmidt,王磊,中德生态园,机器人 本体+集成,new,线索,"
                          "2025-05-06,,\r\n"), "%s", out); /* no project, no park */
    cr_assert_null(strstr(out, "CN-7"));
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead list --owner 刘洋 --format json"), 0);
    cr_assert(strstr(out, "\"code\": \"CN-7\"") && strstr(out, "\"investment_wan\": 12000"), "%s", out);
    cr_assert(strstr(out, "\"industry\": \"marine\""), "%s", out);
    cr_assert_null(strstr(out, "DE-7"));
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead list --stage won"), 2);
    cr_assert(strstr(errout, "unknown stage 'won'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead list --format xml"), 2);

    /* show */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead show DE-7"), 0);
    cr_assert(strstr(out, "计划投资 investment (万元)") && strstr(out, "62400.00"), "%s", out);
    cr_assert(strstr(out, "汇率 rate (CNY per unit)") && strstr(out, "7.8"), "%s", out);
    cr_assert(strstr(out, "new 线索"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead show NOPE"), 1);
    cr_assert(strstr(errout, "no lead 'NOPE'"), "%s", errout);

    /* stage */
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "lead stage DE-7 intent --date 2025-06-01 --note 签订意向书"), 0, "%s", errout);
    cr_assert(strstr(out, "lead DE-7 → intent 意向"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead stage DE-7 contacted"), 1);
    cr_assert(strstr(errout, "needs --force --note"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead stage DE-7 contacted --force"), 2);
    cr_assert(strstr(errout, "--force needs a --note"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead stage DE-7 signed"), 1);
    cr_assert(strstr(errout, "project sign DE-7"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead stage DE-7 contacted --force --note 误操作"), 0);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead list --stage contacted --format csv"), 0);
    cr_assert(strstr(out, "\r\nDE-7,"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead --help"), 0);
    cr_assert(strstr(out, "lead import FILE.csv") && strstr(out, "--search TEXT"), "%s", out);
}
