/* cmd_lead.c — parkland lead add|edit|remove|import|list|show|stage */
#include "cli.h"

#include "parkland/brief.h"

#include "parkland/lead.h"
#include "parkland/sanity.h"
#include "parkland/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char lead_usage[] =
    "parkland lead add CODE --company NAME [--company-en NAME] [--country C] [--industry I]\n"
    "               [--industry-code GBT4754] [--new-economy] [--investment WAN] [--currency CUR --rate R]\n"
    "               [--land-mu MU] [--tax-per-mu WAN] [--output-per-mu WAN] [--contact TEXT] [--owner NAME]\n"
    "               [--source TEXT] [--note TEXT] [--date D] [--park P]\n"
    "       parkland lead edit CODE [--company NAME] [--company-en NAME] [--country C] [--industry I]\n"
    "               [--industry-code GBT4754] [--new-economy|--no-new-economy] [--investment WAN]\n"
    "               [--currency CUR --rate R] [--rate R] [--land-mu MU] [--tax-per-mu WAN]\n"
    "               [--output-per-mu WAN] [--contact TEXT] [--owner NAME] [--source TEXT] [--note TEXT]\n"
    "               [--park P] [--clear FIELD]…\n"
    "       parkland lead remove CODE [--note TEXT]\n"
    "       parkland lead import FILE.csv [--encoding auto|utf-8|gbk] [--dry-run]\n"
    "       parkland lead list [--stage S] [--industry I] [--country C] [--owner O] [--search TEXT]\n"
    "               [--format table|csv|json]\n"
    "       parkland lead show CODE [--format table|csv|json]\n"
    "       parkland lead stage CODE STAGE [--note TEXT] [--date D] [--force]\n"
    "       parkland lead brief CODE [--top N] -o FILE [--force]";

static void help(void)
{
    printf(_("usage: %s\n\n"
           "Investment leads.\n\n"
           "  add      add a lead. --investment is 万元, or 万 of --currency (EUR, USD, JPY,\n"
           "           KRW… or 欧元, 美元…) with --rate in CNY per unit: 万元 = amount × rate.\n"
           "           --industry: it 新一代信息技术, equipment 高端装备, energy_materials 新能源新材料,\n"
           "           marine 现代海洋, health 医养健康, chemical 绿色化工, agriculture 现代高效农业,\n"
           "           culture 文化创意, tourism 精品旅游, finance 现代金融, other 其他 (id or Chinese name).\n"
           "           --land-mu 亩; --tax-per-mu and --output-per-mu 万元/亩·年; --new-economy: 四新.\n"
           "           --park P: the park the lead is negotiating for (the 'leads by park' report counts\n"
           "           it there; without one it is in the row 未定园区 no park; signing names the\n"
           "           parcels' park when it has none).\n"
           "  edit     correct a lead's fields: the options of add; every change is a history\n"
           "           row (old → new). --clear FIELD empties a field (company-en, country, industry,\n"
           "           industry-code, investment, currency, land-mu, tax-per-mu, output-per-mu, contact,\n"
           "           owner, source, note, park; repeatable); --no-new-economy clears 四新. A new --currency\n"
           "           needs its --rate; the amount keeps its figure unless --investment is given;\n"
           "           --clear currency makes it 万元. The stage moves with 'lead stage'.\n"
           "  remove   remove a lead entered by mistake: refused when a project was signed with\n"
           "           it; 'parkland history lead CODE' still shows it (field 'removed').\n"
           "  import   import a CSV file (UTF-8 or GBK, with or without BOM, Excel's CSV) with a header\n"
           "           row: code 编号, company 企业名称, company_en 英文名称, country 国别, industry 行业,\n"
           "           industry_code 行业代码, new_economy 四新, investment 计划投资(万元), currency 币种,\n"
           "           rate 汇率, land_mu 用地需求(亩), tax_per_mu 亩均税收, output_per_mu 亩均产值,\n"
           "           contact 联系人, owner 负责人, source 来源, note 备注, stage 阶段, date 日期,\n"
           "           park 园区 (the code of the park it negotiates for).\n"
           "           All or nothing: every bad row is listed and nothing is imported.\n"
           "  list     list leads; --search matches code, company (zh/en), contact, note, source\n"
           "  show     one lead\n"
           "  stage    move a lead: new 线索 → contacted 洽谈 → visited 考察 → intent 意向 (forward any\n"
           "           number of steps), lost 流失 from any stage; back only with --force --note;\n"
           "           signed 签约 only through 'parkland project sign'.\n"),
           lead_usage);
}

/* number → text without trailing zeros (at most `dec` decimals); "" for NAN */
static const char *num(double v, int dec, char *buf, size_t len)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, len, "%.*f", dec, v);
    return buf;
}

static const char *num_trim(double v, char *buf, size_t len)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, len, "%.6f", v);
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

/* A land demand that looks like m² (parkland/sanity.h): a warning on stderr,
 * the value kept. */
static void warn_land_mu(const char *code, double mu)
{
    char msg[512];
    if (pl_sanity_land_mu(mu, msg, sizeof msg))
        fprintf(stderr, _("parkland: warning: lead %s: %s (to correct: parkland lead edit %s --land-mu %.10gm²)\n"), code,
                msg, code, mu);
}

static int lead_add(int argc, char **argv, const cli_global *g)
{
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    for (int i = 2; i < argc; i++) {
        const cli_text_opt texts[] = {
            {"--company", &f.company, 0}, {"--company-en", &f.company_en, 0}, {"--country", &f.country, 0},
            {"--industry", &f.industry, 0}, {"--industry-code", &f.industry_code, 0}, {"--currency", &f.currency, 0},
            {"--contact", &f.contact, 0}, {"--owner", &f.owner, 0}, {"--source", &f.source, 0},
            {"--note", &f.note, 0},       {"--date", &f.date, 1},     {"--park", &f.park, 0}};
        const cli_num_opt nums[] = {{"--investment", &f.investment, PL_UNIT_WAN},
                                    {"--rate", &f.rate, PL_UNIT_NONE},
                                    {"--land-mu", &f.land_mu, PL_UNIT_MU},
                                    {"--tax-per-mu", &f.tax_per_mu, PL_UNIT_WAN_PER_MU_YEAR},
                                    {"--output-per-mu", &f.output_per_mu, PL_UNIT_WAN_PER_MU_YEAR}};
        int r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, nums, sizeof nums / sizeof *nums);
        if (r < 0)
            return EXIT_USAGE;
        if (r)
            continue;
        if (!strcmp(argv[i], "--new-economy"))
            f.new_economy = 1;
        else if (argv[i][0] == '-' || f.code)
            return cli_usage_error(lead_usage, "unexpected argument '%s'", argv[i]);
        else
            f.code = argv[i];
    }
    if (!f.code || !f.company)
        return cli_usage_error(lead_usage, "lead add needs a CODE and --company NAME");
    if (f.currency && isnan(f.rate))
        return cli_usage_error(lead_usage, "--currency %s needs --rate (CNY per 1 %s)", f.currency, f.currency);
    if (!f.currency && !isnan(f.rate))
        return cli_usage_error(lead_usage, "--rate needs --currency");
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_lead_add(db, &f, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    printf(_("added lead %s %s (stage new)\n"), f.code, f.company);
    warn_land_mu(f.code, f.land_mu);
    char a[32], b[32], c[32];
    if (f.currency && !isnan(f.investment))
        printf(_("investment %s 万%s × %s = %s 万元\n"), num_trim(f.investment, a, sizeof a), f.currency,
               num_trim(f.rate, b, sizeof b), num(f.investment * f.rate, 2, c, sizeof c));
    return EXIT_DONE;
}

static int lead_edit(int argc, char **argv, const cli_global *g)
{
    pl_lead_changes c;
    pl_lead_changes_init(&c);
    const char *code = NULL;
    int any = 0;
    for (int i = 2; i < argc; i++) {
        const cli_text_opt texts[] = {
            {"--company", &c.company, 0}, {"--company-en", &c.company_en, 0}, {"--country", &c.country, 0},
            {"--industry", &c.industry, 0}, {"--industry-code", &c.industry_code, 0}, {"--currency", &c.currency, 0},
            {"--contact", &c.contact, 0}, {"--owner", &c.owner, 0}, {"--source", &c.source, 0},
            {"--note", &c.note, 0},       {"--park", &c.park, 0}};
        const cli_num_opt nums[] = {{"--investment", &c.investment, PL_UNIT_WAN},
                                    {"--rate", &c.rate, PL_UNIT_NONE},
                                    {"--land-mu", &c.land_mu, PL_UNIT_MU},
                                    {"--tax-per-mu", &c.tax_per_mu, PL_UNIT_WAN_PER_MU_YEAR},
                                    {"--output-per-mu", &c.output_per_mu, PL_UNIT_WAN_PER_MU_YEAR}};
        const char *v = NULL;
        int r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, nums, sizeof nums / sizeof *nums);
        if (!r)
            r = cli_opt_value(argc, argv, &i, "--clear", &v);
        if (r < 0)
            return EXIT_USAGE;
        if (v) {
            unsigned bit = pl_lead_field_bit(v);
            if (!bit)
                return cli_usage_error(lead_usage,
                                       "--clear '%s': not a field that can be emptied (company-en, country, industry, "
                                       "industry-code, investment, currency, land-mu, tax-per-mu, output-per-mu, "
                                       "contact, owner, source, note, park)",
                                       v);
            c.clear |= bit;
        }
        if (r) {
            any = 1;
            continue;
        }
        if (!strcmp(argv[i], "--new-economy") || !strcmp(argv[i], "--no-new-economy")) {
            c.new_economy = !strcmp(argv[i], "--new-economy");
            any = 1;
        } else if (argv[i][0] == '-' || code)
            return cli_usage_error(lead_usage, "unexpected argument '%s'", argv[i]);
        else
            code = argv[i];
    }
    if (!code)
        return cli_usage_error(lead_usage, "lead edit needs a CODE");
    if (!any)
        return cli_usage_error(lead_usage, "lead edit %s: nothing to change (give the fields' new values or --clear FIELD)",
                               code);
    if (c.currency && isnan(c.rate))
        return cli_usage_error(lead_usage, "--currency %s needs --rate (CNY per 1 %s)", c.currency, c.currency);
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_LEAD, NULL, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    int changed = 0;
    int rc = pl_lead_edit(db, code, &c, &changed, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    if (changed)
        printf(_("lead %s: %d field%s changed (see 'parkland history lead %s')\n"), code, changed,
               changed == 1 ? "" : "s", code);
    else
        printf(_("lead %s: nothing changed (the values are the ones it holds)\n"), code);
    warn_land_mu(code, c.land_mu);
    return EXIT_DONE;
}

static int lead_remove(int argc, char **argv, const cli_global *g)
{
    const char *code = NULL, *note = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = cli_opt_value(argc, argv, &i, "--note", &v);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            note = v;
        else if (argv[i][0] == '-' || code)
            return cli_usage_error(lead_usage, "unexpected argument '%s'", argv[i]);
        else
            code = argv[i];
    }
    if (!code)
        return cli_usage_error(lead_usage, "lead remove needs a CODE");
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_LEAD, NULL, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_lead_remove(db, code, note, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    printf(_("removed lead %s (its history stays: 'parkland history lead %s')\n"), code, code);
    return EXIT_DONE;
}

static void print_import_messages(const pl_lead_import_result *r, FILE *out)
{
    for (size_t i = 0; i < r->nmessages; i++)
        fprintf(out, _("refused: %s\n"), r->messages[i]);
    if (r->messages_dropped)
        fprintf(out, _("… and %ld more\n"), r->messages_dropped);
}

static int lead_import(int argc, char **argv, const cli_global *g)
{
    pl_lead_import_options o = {PL_ENCODING_AUTO, 0};
    const char *path = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = cli_opt_value(argc, argv, &i, "--encoding", &v);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0) {
            if (cli_parse_encoding(lead_usage, v, &o.encoding))
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--dry-run")) {
            o.dry_run = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(lead_usage, "unknown option '%s'", argv[i]);
        } else if (path) {
            return cli_usage_error(lead_usage, "one file at a time ('%s' and '%s')", path, argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return cli_usage_error(lead_usage, "lead import needs a FILE.csv");
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    pl_lead_import_result r;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_lead_import(db, path, &o, &r, &err);
    pl_db_close(db);
    if (rc) {
        print_import_messages(&r, stderr);
        status = cli_fail(&err);
    } else {
        printf(_("%s %s: %ld lead%s%s\n"), o.dry_run ? _("would import") : _("imported"), path,
               r.inserted, r.inserted == 1 ? "" : "s", o.dry_run ? _(" (dry run: nothing written)") : "");
        printf(_("encoding %s, sha256 %.16s…, rows %ld, blank rows skipped %ld\n"), r.encoding, r.sha256, r.rows,
               r.blank);
        if (r.batch_id)
            printf(_("batch %ld\n"), r.batch_id);
        status = EXIT_DONE;
    }
    pl_lead_import_result_release(&r);
    return status;
}

/* ---- list and show -------------------------------------------------------------------- */

static const char *const full_keys[] = {
    "code", "company", "company_en", "country", "industry", "industry_zh", "industry_code", "new_economy",
    "investment_wan", "currency", "investment_foreign", "rate", "land_mu", "tax_per_mu", "output_per_mu",
    "contact", "owner", "source", "note", "stage", "stage_zh", "stage_date", "projects", "park"};
static const char *const full_labels[] = {
    "编号 code", "企业名称 company", "英文名称 company (en)", "国别 country", "行业 industry", "行业",
    "行业代码 GB/T 4754", "四新 new economy", "计划投资 investment (万元)", "币种 currency",
    "外币投资 investment (万 currency)", "汇率 rate (CNY per unit)", "用地需求 land (亩)",
    "亩均税收 tax (万元/亩·年)", "亩均产值 output (万元/亩·年)", "联系人 contact", "负责人 owner", "来源 source",
    "备注 note", "阶段 stage", "阶段", "阶段日期 stage date", "签约项目 projects", "园区 park (未定 none)"};
#define FULL_COLS (sizeof full_keys / sizeof *full_keys)

static const char *const text_keys[] = {"code", "company", "country", "industry", "new_economy", "investment_wan",
                                        "land_mu", "stage", "stage_zh", "stage_date", "owner"};
static const char *const text_labels[] = {"编号 code", "企业名称 company", "国别 country", "行业 industry",
                                          "四新", "计划投资(万元) investment (万元)", "用地(亩) land (亩)", "阶段 stage", "阶段",
                                          "日期 date", "负责人 owner"};
#define TEXT_COLS (sizeof text_keys / sizeof *text_keys)
/* which columns stay when the table must fit the terminal (pl_table_set_priority) */
static const int text_priority[TEXT_COLS] = {0, 1, 3, 2, 5, 2, 2, 0, 4, 3, 4};

typedef struct list_ctx {
    pl_table *t;
    int text;
} list_ctx;

typedef struct cells_buf {
    char inv[32], fi[32], rate[32], land[32], tax[32], out[32];
} cells_buf;

static void full_cells(const pl_lead_row *r, cells_buf *b, const char *cells[FULL_COLS])
{
    num(r->investment, 2, b->inv, sizeof b->inv);
    num(r->investment_foreign, 2, b->fi, sizeof b->fi);
    num_trim(r->rate, b->rate, sizeof b->rate);
    num(r->land_mu, 2, b->land, sizeof b->land);
    num(r->tax_per_mu, 2, b->tax, sizeof b->tax);
    num(r->output_per_mu, 2, b->out, sizeof b->out);
    const char *v[FULL_COLS] = {r->code, r->company, r->company_en, r->country, r->industry, r->industry_zh,
                                r->industry_code, r->new_economy ? "1" : "0", b->inv[0] ? b->inv : NULL,
                                r->currency, b->fi[0] ? b->fi : NULL, b->rate[0] ? b->rate : NULL,
                                b->land[0] ? b->land : NULL, b->tax[0] ? b->tax : NULL, b->out[0] ? b->out : NULL,
                                r->contact, r->owner, r->source, r->note, r->stage, pl_lead_stage_zh(r->stage),
                                r->stage_date, r->projects, r->park};
    memcpy(cells, v, sizeof v);
}

static int add_lead_row(const pl_lead_row *r, void *vctx)
{
    list_ctx *c = vctx;
    cells_buf b;
    if (c->text) {
        num(r->investment, 2, b.inv, sizeof b.inv);
        num(r->land_mu, 2, b.land, sizeof b.land);
        const char *cells[TEXT_COLS] = {r->code, r->company, r->country, r->industry_zh ? r->industry_zh : r->industry,
                                        r->new_economy ? "四新" : "", b.inv, b.land, r->stage,
                                        pl_lead_stage_zh(r->stage), r->stage_date, r->owner};
        return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
    }
    const char *cells[FULL_COLS];
    full_cells(r, &b, cells);
    return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
}

static int show_lead(const pl_lead_row *r, void *vctx)
{
    list_ctx *c = vctx;
    cells_buf b;
    const char *cells[FULL_COLS];
    full_cells(r, &b, cells);
    if (!c->text) {
        c->t = pl_table_new(FULL_COLS, full_keys, NULL);
        if (!c->t)
            return PL_ERR_NOMEM;
        for (size_t k = 0; k < FULL_COLS; k++)
            if (k == 7 || k == 8 || k == 10 || k == 11 || k == 12 || k == 13 || k == 14)
                pl_table_set_numeric(c->t, k);
        return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
    }
    static const char *const k2[] = {"field", "value"};
    static const char *const l2[] = {"字段 field", "值 value"};
    c->t = pl_table_new(2, k2, l2);
    if (!c->t)
        return PL_ERR_NOMEM;
    pl_table_set_label_column(c->t, 0);
    for (size_t k = 0; k < FULL_COLS; k++) {
        if (k == 20) /* stage_zh: shown with the stage */
            continue;
        char stage[64];
        const char *v = cells[k];
        if (k == 19) {
            snprintf(stage, sizeof stage, "%s %s", r->stage, pl_lead_stage_zh(r->stage));
            v = stage;
        } else if (k == 7) {
            v = r->new_economy ? "是 yes" : "否 no";
        }
        const char *row[2] = {full_labels[k], v};
        if (pl_table_add_row(c->t, row))
            return PL_ERR_NOMEM;
    }
    const char *row[2] = {"创建 created", r->created_at};
    return pl_table_add_row(c->t, row) ? PL_ERR_NOMEM : 0;
}

static int lead_list(int argc, char **argv, const cli_global *g, int show)
{
    pl_lead_filter f = {0};
    const char *code = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(lead_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (!show && (r = cli_opt_value(argc, argv, &i, "--stage", &v))) {
            f.stage = v;
        } else if (!show && (r = cli_opt_value(argc, argv, &i, "--industry", &v))) {
            f.industry = v;
        } else if (!show && (r = cli_opt_value(argc, argv, &i, "--country", &v))) {
            f.country = v;
        } else if (!show && (r = cli_opt_value(argc, argv, &i, "--owner", &v))) {
            f.owner = v;
        } else if (!show && (r = cli_opt_value(argc, argv, &i, "--search", &v))) {
            f.search = v;
        } else if (show && !code && argv[i][0] != '-') {
            code = argv[i];
        } else {
            return cli_usage_error(lead_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (show && !code)
        return cli_usage_error(lead_usage, "lead show needs a CODE");
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_LEAD, NULL, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    list_ctx c = {NULL, fmt == PL_TABLE_TEXT};
    int rc;
    if (show) {
        rc = pl_lead_get(db, code, show_lead, &c, &err);
    } else {
        if (c.text) {
            c.t = pl_table_new(TEXT_COLS, text_keys, text_labels);
            pl_table_set_numeric(c.t, 5);
            pl_table_set_numeric(c.t, 6);
            for (size_t k = 0; k < TEXT_COLS; k++)
                pl_table_set_priority(c.t, k, text_priority[k]);
        } else {
            c.t = pl_table_new(FULL_COLS, full_keys, full_labels);
            for (size_t k = 7; k <= 14; k++)
                if (k != 9)
                    pl_table_set_numeric(c.t, k);
        }
        rc = pl_lead_each(db, &f, add_lead_row, &c, &err);
    }
    if (!rc && c.t) {
        if (!show && c.text)
            printf(_("%zu leads\n"), pl_table_rows(c.t));
        cli_table_write(c.t, fmt);
    }
    pl_table_free(c.t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

static int lead_stage(int argc, char **argv, const cli_global *g)
{
    const char *code = NULL, *stage = NULL, *note = NULL, *date = NULL;
    int force = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--note", &v)) > 0)
            note = v;
        else if (!r && (r = cli_opt_value(argc, argv, &i, "--date", &v)) > 0) {
            if (!cli_parse_date("--date", v, &date))
                return EXIT_USAGE;
        } else if (r < 0)
            return EXIT_USAGE;
        else if (!strcmp(argv[i], "--force"))
            force = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error(lead_usage, "unknown option '%s'", argv[i]);
        else if (!code)
            code = argv[i];
        else if (!stage)
            stage = argv[i];
        else
            return cli_usage_error(lead_usage, "unexpected argument '%s'", argv[i]);
    }
    if (!code || !stage)
        return cli_usage_error(lead_usage, "lead stage needs a CODE and a STAGE");
    if (force && (!note || !*note))
        return cli_usage_error(lead_usage, "--force needs a --note saying why");
    const char *to = pl_lead_stage_parse(stage);
    if (!to)
        return cli_usage_error(lead_usage,
                               "unknown stage '%s' (new 线索, contacted 洽谈, visited 考察, intent 意向, lost 流失)",
                               stage);
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_LEAD, NULL, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_lead_set_stage(db, code, to, date, note, force, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    printf(_("lead %s → %s %s\n"), code, to, pl_lead_stage_zh(to));
    return EXIT_DONE;
}

static const char brief_usage[] = "parkland lead brief CODE [--top N] -o FILE [--force]";

/* lead brief CODE: one PDF page per candidate parcel (parkland/brief.h). */
static int lead_brief(int argc, char **argv, const cli_global *g)
{
    const char *lead = NULL, *path = NULL;
    int top = 5, force = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\n"
                     "An investor brief: one PDF page per candidate parcel of `match CODE`, best first — the\n"
                     "parcel within its park, its facts and indicators, the match score and its reasons, in\n"
                     "Chinese and English.\n\n"
                     "  --top N     candidates (default 5)\n"
                     "  -o FILE     output file (required)\n"
                     "  --force     replace an existing FILE\n"),
                   brief_usage);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--top", &v))) {
            if (r > 0 && ((top = atoi(v)) < 1 || top > 100))
                return cli_usage_error(brief_usage, "--top is 1 to 100, not '%s'", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", &v)) ||
                   (r = cli_opt_value(argc, argv, &i, "--output", &v))) {
            path = v;
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (!lead && argv[i][0] != '-') {
            lead = argv[i];
        } else {
            return cli_usage_error(brief_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!lead)
        return cli_usage_error(brief_usage, "lead brief needs a lead CODE");
    if (!path || !strcmp(path, "-"))
        return cli_usage_error(brief_usage, "lead brief needs an output file (-o FILE)");
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_LEAD, NULL, &lead, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_brief_result res;
    if (pl_lead_brief_file(db, lead, top, path, force, &res, &err)) {
        status = cli_fail(&err);
    } else {
        printf(_("lead brief %s: %d candidate parcel(s), one page each → %s\n"), res.lead, res.pages, path);
        status = EXIT_DONE;
    }
    pl_db_close(db);
    return status;
}

int cmd_lead(int argc, char **argv, const cli_global *g)
{
    int status;
    if (cli_family_help(argc, argv, help, &status))
        return status;
    const char *sub = argv[1];
    int which = !strcmp(sub, "add") ? 1 : !strcmp(sub, "import") ? 2 : !strcmp(sub, "list") ? 3
              : !strcmp(sub, "show") ? 4 : !strcmp(sub, "stage") ? 5 : !strcmp(sub, "edit") ? 6
              : !strcmp(sub, "remove") ? 7 : !strcmp(sub, "brief") ? 8 : 0;
    if (!which)
        return cli_usage_error(lead_usage, "unknown lead command '%s'", sub);
    switch (which) {
    case 1: return lead_add(argc, argv, g);
    case 2: return lead_import(argc, argv, g);
    case 3: return lead_list(argc, argv, g, 0);
    case 4: return lead_list(argc, argv, g, 1);
    case 6: return lead_edit(argc, argv, g);
    case 7: return lead_remove(argc, argv, g);
    case 8: return lead_brief(argc, argv, g);
    default: return lead_stage(argc, argv, g);
    }
}
