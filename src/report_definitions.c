/* report_definitions.c — what each figure of the reports counts (its
 * numerator and denominator), for the definitions sheet of the workbook of
 * `report all`, and the sheet names of the tables in each language. The
 * definitions follow parkland/report.h and design.md "KPIs". */
#include "report_internal.h"
#include "parkland/ledger.h"

#include <string.h>

typedef struct rp_sheet_name {
    const char *key, *zh, *en;
} rp_sheet_name;

/* ≤ 31 characters each (Excel's limit), none of []:*?/\ */
static const rp_sheet_name sheet_names[] = {
    {"status_by_park", "宗地按园区状态", "Parcels by park and status"},
    {"free_by_size", "可供土地按面积段", "Free land by size"},
    {"reserved", "预留地块", "Reserved parcels"},
    {"leads_by_park", "线索按园区", "Leads by park"},
    {"landing_by_park", "项目落地按园区", "Landing by park"},
    {"leads_by_industry", "线索按行业", "Leads by industry"},
    {"landing_by_industry", "项目落地按行业", "Landing by industry"},
    {"alerts_summary", "预警汇总", "Alerts by kind"},
    {"alerts", "预警明细", "Alerts"},
    {"kpi", "考核指标", "Scored figures"},
    {"deadlines", "出让合同期限", "Contract deadlines"},
    {"muni_grades", "亩均效益评价", "Per-mu grades"},
    {"muni_summary", "亩均等级汇总", "Per-mu grades by group"},
    {"ledger", "存量土地台账", "Stock ledger"},
    {"ledger_parcels", "台账宗地", "Ledger parcels"},
    {RP_DEFINITIONS_KEY, "指标定义", "Definitions"},
};

const char *rp_sheet_name_of(const char *key, int zh)
{
    for (size_t i = 0; i < sizeof sheet_names / sizeof *sheet_names; i++)
        if (!strcmp(sheet_names[i].key, key))
            return zh ? sheet_names[i].zh : sheet_names[i].en;
    return key;
}

/* Figures: a column key of the tables (table NULL: of every table that has
 * the column), what it counts (the numerator) and what it is divided by
 * (NULL: a count or a sum, not a rate). */
static const rp_definition definitions[] = {
    {"status_by_park", "parcels", "宗地数: 截至统计日状态(按历史记录)为该状态的宗地, 不含已注销",
     "parcels whose status on the as-of date (from history) is the row's status; retired parcels left out", NULL,
     NULL},
    {"status_by_park", "area_mu", "这些宗地的面积之和(工作坐标系计算; 1 亩 = 10000/15 m²)",
     "sum of those parcels' areas (computed in the working CRS; 1 mu = 10000/15 m²)", NULL, NULL},
    {"free_by_size", "parcels", "截至统计日为可供状态、面积在该面积段内的宗地",
     "parcels available on the as-of date whose area falls in the size class", NULL, NULL},
    {"reserved", "days_left", "预留到期日 − 统计日", "expiry date − as-of date", NULL, NULL},
    {NULL, "conversion_pct", "已签约线索数(签约)", "signed leads (signed)", "全部线索数(合计)", "all leads (leads)"},
    {NULL, "investment_wan", "统计日前签约且未终止项目的承诺投资(万元)",
     "committed investment of the projects signed and not terminated by the as-of date (10k CNY)", NULL, NULL},
    {NULL, "land_mu", "这些项目已供地(实际供地日 ≤ 统计日)的宗地面积",
     "area of those projects' parcels with land supplied (actual date ≤ as-of date)", NULL, NULL},
    {NULL, "start_rate_pct", "实际开工日 ≤ 统计日的项目(已开工)", "projects with an actual construction start ≤ as-of date (started)",
     "约定开工日 ≤ 统计日的项目(应开工)", "projects whose agreed start ≤ as-of date (due)"},
    {NULL, "production_rate_pct", "实际投产日 ≤ 统计日的项目(已投产)", "projects in production by the as-of date (producing)",
     "约定投产日 ≤ 统计日的项目(应投产)", "projects whose agreed production ≤ as-of date (due)"},
    {NULL, "invest_rate_pct", "统计年度截至统计月的投资进度(万元)",
     "investment progress of the as-of year up to the as-of month (10k CNY)", "统计年度的年度投资计划(万元)",
     "investment plans of the as-of year (10k CNY)"},
    {NULL, "new_economy_share_pct", "四新线索项目的承诺投资(四新投资)",
     "committed investment of projects whose lead is new-economy (四新)", "全部承诺投资", "all committed investment"},
    {"alerts_summary", "count", "统计日的该类预警条数", "alerts of the kind on the as-of date", NULL, NULL},
    {"alerts", "days", "统计日 − 基准日(约定日期或到期日)", "as-of date − due date (agreed or expiry date)", NULL, NULL},
    {"alerts", "idle_fee_wan", "20% × 成交价(idle price 记录的);未记录成交价时 20% × 起始价 × 面积(亩)",
     "20 % × the transfer price (recorded by idle price); without one, 20 % × base price × area (mu)", NULL, NULL},
    /* report kpi (parkland/kpi.h): one row per park and figure; the figures by their key (the kpi column) */
    {"kpi", "start_rate", "实际开工日 ≤ 统计日的项目(已开工)", "projects started by the as-of date",
     "有效开工期限 ≤ 统计日的项目(应开工)", "projects whose effective start ≤ as-of date (due)"},
    {"kpi", "on_time_start_rate", "应开工且在有效开工期限当日或之前开工的项目",
     "due projects started on or before the effective start", "有效开工期限 ≤ 统计日的项目(应开工)",
     "projects whose effective start ≤ as-of date (due)"},
    {"kpi", "completion_rate", "实际竣工日 ≤ 统计日的项目(已竣工)", "projects completed (竣工) by the as-of date",
     "有效竣工期限 ≤ 统计日的项目(应竣工)", "projects whose effective completion ≤ as-of date (due)"},
    {"kpi", "on_time_completion_rate", "应竣工且在有效竣工期限当日或之前竣工的项目",
     "due projects completed on or before the effective completion", "有效竣工期限 ≤ 统计日的项目(应竣工)",
     "projects whose effective completion ≤ as-of date (due)"},
    {"kpi", "performance_rate", "每项到期承诺(开工、竣工、投产、达产)均在有效期限内完成的项目",
     "projects that met every due commitment (start, completion, production, full production) on time",
     "至少有一项承诺到期的项目", "projects with at least one commitment due"},
    {"kpi", "funds_rate", "统计月及以前的到位资金(万元)", "funds in place up to the as-of month (10k CNY)",
     "这些项目的协议投资(万元)", "committed investment of the projects (10k CNY)"},
    {"kpi", "invest_rate", "统计年度截至统计月的投资进度(万元)",
     "investment progress of the as-of year up to the as-of month (10k CNY)", "统计年度的年度投资计划(万元)",
     "investment plans of the as-of year (10k CNY)"},
    {"kpi", "target_pct", "园区目标, 否则全局目标, 否则默认 (开工率 90, 投资完成率 80, 资金到位率 80, 按期竣工率 100)",
     "the park's target, else the global one, else the default (start 90, investment 80, funds 80, on-time "
     "completion 100)", NULL, NULL},
    {"deadlines", "effective", "约定期限 + 交地延迟天数 (政府原因, 免责), 延期开工/竣工协议的新期限较晚时取之",
     "agreed deadline + handover delay (the government's, exempt); an extension's new date when later", NULL, NULL},
    {"deadlines", "overdue_days", "统计日 − 有效期限 (期限当日不算逾期)",
     "as-of date − effective deadline (the deadline day itself is not overdue)", NULL, NULL},
    /* report ledger (parkland/ledger.h): one row per park and category */
    {"ledger", "parcels", "截至统计日属于该类的宗地数 (每宗地只计入一类, 见类别定义), 不含已注销",
     "parcels in the category on the as-of date (each parcel in one category: see the categories); retired parcels "
     "left out", NULL, NULL},
    {"ledger", "area_mu", "这些宗地的面积之和 (1 亩 = 10000/15 m²)", "sum of those parcels' areas (1 mu = 10000/15 m²)",
     NULL, NULL},
    {"ledger", "share_pct", "该类宗地面积", "the category's area", "园区全部土地面积 (各类合计)",
     "the park's land (every category)"},
};

/* The categories of the stock ledger, in the order they are tested (the
 * first that holds): parkland/ledger.h, in both languages. */
static const struct {
    pl_ledger_class cls;
    const char *zh, *en;
} ledger_definitions[] = {
    {PL_LEDGER_IDLE, "闲置: 已认定或处置中(未结案)的闲置土地案件, 或统计日状态为闲置",
     "idle: an idle-land case confirmed or disposed and not closed, or status idle on the as-of date"},
    {PL_LEDGER_INEFFICIENT,
     "低效: 已供地已开工, 且所属企业在统计年度及以前最近一年的亩均效益评价为 D 类; 或参评企业亩均税收(亩均销售收入)"
     "低于下限: 项目承诺值, 否则宗地指标, 否则园区门槛",
     "inefficient: supplied and started, and the firm holding it graded D in the latest year with figures up to the "
     "as-of year; or graded with tax (sales) per mu below the floor: the project's committed figure, else the "
     "parcel's indicator, else the park's threshold"},
    {PL_LEDGER_UNDERUSED,
     "用而未尽: 已开工 (实际开工日 ≤ 统计日, 或状态为在建/投产/达产), 且未竣工未投产, 或统计日前最近一次巡查进度 < 100% "
     "或已开发面积 < 宗地面积",
     "underused: started (actual construction start ≤ as-of date, or status construction/production/verified) and "
     "neither completed nor producing, or the latest inspection up to the as-of date records progress < 100 % or a "
     "developed area < the parcel's area"},
    {PL_LEDGER_SUPPLIED_UNUSED, "供而未用: 已供地 (实际供地/交地日 ≤ 统计日, 或状态为已出让及以后) 未开工",
     "supplied, not started: land supplied (actual land milestone ≤ as-of date, or status transferred or later) "
     "and not started"},
    {PL_LEDGER_APPROVED_UNSUPPLIED, "批而未供: 已批准建设用地 (农用地转用/征收批准日 ≤ 统计日) 未供地",
     "approved, not supplied: approved for construction use (conversion/expropriation approval date ≤ as-of date) "
     "and not supplied"},
    {PL_LEDGER_RESERVE, "储备: 统计日状态为储备, 未批准", "land bank: status reserve on the as-of date, not approved"},
    {PL_LEDGER_OTHER, "其他: 以上均不符 (如无批准记录的可供地, 或已建成使用)",
     "other: none of the above (e.g. available land without an approval on record, or land fully in use)"},
};
_Static_assert(sizeof ledger_definitions / sizeof *ledger_definitions == PL_LEDGER_CLASSES,
               "one definition per ledger category");

const char *rp_ledger_definition(size_t i, int zh, pl_ledger_class *cls)
{
    if (i >= PL_LEDGER_CLASSES)
        return NULL;
    if (cls)
        *cls = ledger_definitions[i].cls;
    return zh ? ledger_definitions[i].zh : ledger_definitions[i].en;
}

size_t rp_definition_count(void)
{
    return sizeof definitions / sizeof *definitions;
}

const rp_definition *rp_definition_at(size_t i)
{
    return i < rp_definition_count() ? &definitions[i] : NULL;
}
