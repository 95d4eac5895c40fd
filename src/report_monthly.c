/* report_monthly.c — `report monthly`: the monthly statistics table per park
 * (月度统计: new leads, signings, investment, starts, completions, the rates of
 * parkland/kpi.h, open idle cases) as of a month's last day
 * (parkland/report.h, pl_report_build_monthly). */
#include "report_internal.h"
#include "buf.h"

#include "parkland/i18n.h"
#include "parkland/idle.h"
#include "parkland/kpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared with report_quarterly.c ------------------------------------------------------ */

const char *rp_met_text(int met)
{
    return met < 0 ? "" : met ? "met 达标" : "not met 未达标";
}

int rp_definitions_table(pl_report *r, const char *key, const char *title, const rp_column_definition *defs,
                         size_t n, pl_error *err)
{
    static const rp_col cols[] = {{"column", "列 column", 0}, {"definition", "定义 definition", 0}};
    rp_table *t = rp_table_add(r, key, title, sizeof cols / sizeof *cols, cols);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    /* the chosen language; both when none is chosen (as the labels) */
    int chosen = pl_lang_chosen(), zh = pl_lang_current() == PL_LANG_ZH;
    int rc = PL_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        char both[2048];
        snprintf(both, sizeof both, "%s / %s", defs[i].zh, defs[i].en);
        const char *cells[] = {defs[i].col, !chosen ? both : zh ? defs[i].zh : defs[i].en};
        rc = rp_row(t, cells, err);
    }
    return rc;
}

int rp_period_caption(pl_report *r, const char *period_zh, const char *period_en, const char *park)
{
    int zh = pl_lang_current() == PL_LANG_ZH;
    if (!pl_lang_chosen())
        snprintf(r->caption, sizeof r->caption, "%s %s (截至 as of %s); %s%s", period_zh, period_en, r->as_of,
                 park ? "园区 park " : "", park ? park : "全部园区 all parks");
    else if (zh)
        snprintf(r->caption, sizeof r->caption, "%s（截至 %s）；%s%s", period_zh, r->as_of, park ? "园区 " : "",
                 park ? park : "全部园区");
    else
        snprintf(r->caption, sizeof r->caption, "%s (as of %s); %s%s", period_en, r->as_of, park ? "park " : "",
                 park ? park : "all parks");
    return PL_OK;
}

int rp_month_end(int y, int m, char out[11])
{
    int d = 31;
    while (d > 28 && !pl_date_ymd_valid(y, m, d))
        d--;
    char b[32];
    snprintf(b, sizeof b, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    snprintf(out, 11, "%.10s", b);
    return d;
}

/* ---- the month ---------------------------------------------------------------------------- */

/* "YYYY-MM" (also "YYYY-M") → year, month; 0 when it is not one. */
static int parse_month(const char *s, int *y, int *m)
{
    if (!s || strlen(s) < 6 || strlen(s) > 7 || s[4] != '-')
        return 0;
    for (int i = 0; s[i]; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return 0;
    *y = atoi(s);
    *m = atoi(s + 5);
    return *y >= PL_DATE_YEAR_MIN && *y <= PL_DATE_YEAR_MAX && *m >= 1 && *m <= 12;
}

typedef struct mo_sums {
    long new_leads, signings, starts, completions, idle;
    double signed_wan, done_wan;
} mo_sums;

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

static int in_month(const char *date, const char *first, const char *last)
{
    return date[0] && strncmp(date, first, 10) >= 0 && strncmp(date, last, 10) <= 0;
}

/* Index of park `code` among the kpi rows (the total excluded), -1 when none. */
static long row_of(const pl_kpi_park *rows, size_t nparks, const char *code)
{
    for (size_t j = 0; j < nparks; j++)
        if (!strcmp(rows[j].park, code))
            return (long)j;
    return -1;
}

/* New leads of the month by the park they negotiate for; *no_park: those naming none. */
static int count_leads(pl_db *db, const char *first, const char *last, const pl_kpi_park *rows, size_t nparks,
                       int filtered, mo_sums *s, mo_sums *total, long *no_park, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT date(l.created_at, '+8 hours'), l.stage_date,"
        " (SELECT min(COALESCE(h.effective, substr(h.at, 1, 10))) FROM history h WHERE h.entity = 'lead'"
        "   AND h.entity_id = l.id AND h.field = 'stage'), k.code"
        " FROM lead l LEFT JOIN park k ON k.id = l.park_id", &st, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        /* the lead's first day: recorded (Beijing time), its stage date while it never moved, its first move */
        char day[11] = "";
        const char *cand[3] = {col_text(st, 0), sqlite3_column_type(st, 2) == SQLITE_NULL ? col_text(st, 1) : "",
                               col_text(st, 2)};
        for (int i = 0; i < 3; i++)
            if (pl_date_valid(cand[i]) && (!day[0] || strcmp(cand[i], day) < 0))
                snprintf(day, sizeof day, "%s", cand[i]);
        if (!in_month(day, first, last))
            continue;
        const char *park = col_text(st, 3);
        long j = park[0] ? row_of(rows, nparks, park) : -1;
        if (j >= 0)
            s[j].new_leads++;
        if (j >= 0 || !filtered) {
            total->new_leads++;
            if (j < 0)
                (*no_park)++;
        }
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot read the leads");
}

typedef struct mo_project {
    long id;
    int signed_in, started_in, completed_in;
    double investment, done;
} mo_project;

static int by_id(const void *key, const void *elem)
{
    long a = *(const long *)key, b = ((const mo_project *)elem)->id;
    return a < b ? -1 : a > b;
}

/* Signings, investment, starts and completions of the month, in the parks of the parcels held at its end. */
static int count_projects(pl_db *db, const char *month, const char *first, const char *last,
                          const pl_kpi_park *rows, size_t nparks, mo_sums *s, mo_sums *total, pl_error *err)
{
    sqlite3_stmt *st = NULL;
    mo_project *ps = NULL;
    unsigned char *flags = NULL;
    size_t np = 0, cap = 0;
    int rc = pl_db_prepare(db,
        "SELECT pr.id, pr.signed_on, pr.investment,"
        " (SELECT substr(actual, 1, 10) FROM milestone WHERE project_id = pr.id AND kind = 'construction'),"
        " (SELECT substr(actual, 1, 10) FROM milestone WHERE project_id = pr.id AND kind = 'completion'),"
        " (SELECT sum(amount) FROM investment_progress WHERE project_id = pr.id AND period = ?3)"
        " FROM project pr WHERE pr.signed_on <= ?2 AND (pr.terminated_on IS NULL OR pr.terminated_on > ?2)"
        " ORDER BY pr.id", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 2, last);
    pl_bind_text(st, 3, month);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (pl_grow((void **)&ps, &cap, np + 1, sizeof *ps, 16)) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            goto out;
        }
        mo_project *p = &ps[np++];
        p->id = (long)sqlite3_column_int64(st, 0);
        p->signed_in = in_month(col_text(st, 1), first, last);
        p->investment = pl_col_num(st, 2);
        p->started_in = in_month(col_text(st, 3), first, last);
        p->completed_in = in_month(col_text(st, 4), first, last);
        p->done = sqlite3_column_double(st, 5);
    }
    if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the projects");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!np)
        goto out;
    if (!(flags = calloc(np * (nparks ? nparks : 1), 1))) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = pl_db_prepare(db, "SELECT DISTINCT pp.project_id, k.code FROM project_parcel pp"
                                " JOIN parcel c ON c.id = pp.parcel_id JOIN park k ON k.id = c.park_id"
                                " WHERE pp.reclaimed_on IS NULL OR pp.reclaimed_on > ?1", &st, err)))
        goto out;
    pl_bind_text(st, 1, last);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long id = (long)sqlite3_column_int64(st, 0);
        mo_project *p = bsearch(&id, ps, np, sizeof *ps, by_id);
        long j = row_of(rows, nparks, col_text(st, 1));
        if (p && j >= 0)
            flags[(size_t)(p - ps) * nparks + (size_t)j] = 1;
    }
    if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the projects' parcels");
        goto out;
    }
    for (size_t i = 0; i < np; i++) {
        const mo_project *p = &ps[i];
        int any = 0;
        for (size_t j = 0; j <= nparks; j++) {
            if (j < nparks && !flags[i * nparks + j])
                continue;
            if (j == nparks && !any)
                break;
            any = 1;
            mo_sums *t = j < nparks ? &s[j] : total;
            t->signings += p->signed_in;
            if (p->signed_in && !isnan(p->investment))
                t->signed_wan += p->investment;
            t->done_wan += p->done;
            t->starts += p->started_in;
            t->completions += p->completed_in;
        }
    }
out:
    sqlite3_finalize(st);
    free(flags);
    free(ps);
    return rc;
}

/* Idle-land cases not closed at the month's end. */
static int count_idle(pl_db *db, const char *last, const char *park, const pl_kpi_park *rows, size_t nparks,
                      mo_sums *s, mo_sums *total, pl_error *err)
{
    pl_idle_case *cases = NULL;
    size_t n = 0;
    int rc = pl_idle_cases(db, last, park, 0, &cases, &n, err);
    for (size_t i = 0; i < n && !rc; i++) {
        if (cases[i].stage == PL_IDLE_CLOSED)
            continue;
        long j = row_of(rows, nparks, cases[i].park);
        if (j >= 0)
            s[j].idle++;
        total->idle++;
    }
    free(cases);
    return rc;
}

static const rp_col month_cols[] = {
    {"park", "园区 park", 0},
    {"park_name", "园区名称 name", 0},
    {"new_leads", "新增线索 new leads", 1},
    {"signings", "签约项目 signings", 1},
    {"signed_investment_wan", "签约投资(万元) signed investment", 1},
    {"invest_done_wan", "当月完成投资(万元) investment done", 1},
    {"starts", "开工 starts", 1},
    {"completions", "竣工 completions", 1},
    {"idle_open", "闲置案件 open idle cases", 1},
    {"start_rate", "开工率(%) start rate", 1},
    {"on_time_start_rate", "按期开工率(%) on-time start", 1},
    {"completion_rate", "竣工率(%) completion rate", 1},
    {"on_time_completion_rate", "按期竣工率(%) on-time completion", 1},
    {"performance_rate", "履约率(%) performance", 1},
    {"funds_rate", "资金到位率(%) funds in place", 1},
    {"invest_rate", "年度投资完成率(%) annual investment", 1},
};
#define MONTH_COLS (sizeof month_cols / sizeof *month_cols)

static const rp_column_definition month_defs[] = {
    {"park", "园区代码; 无园区: 未指定园区的线索; 合计: 每个项目、线索只计一次",
     "park code; no park: leads naming no park; total: each project and lead counted once"},
    {"new_leads", "当月新增线索: 线索的首日 (录入日(北京时间)、未变更阶段时的阶段日期、首次阶段变更日中最早者) 在当月; 按洽谈园区",
     "leads entered in the month: the lead's first day (the earliest of the day recorded (Beijing time), its stage "
     "date while it never moved, its first stage move) falls in the month; in the park it negotiates for"},
    {"signings", "当月签约项目: 签约日在当月且月末仍有效 (未终止); 计入月末持有宗地所在的每个园区",
     "projects signed in the month and in force at the month's end (not terminated); in every park of the parcels "
     "they hold at the month's end"},
    {"signed_investment_wan", "当月签约项目的协议投资之和 (万元)", "committed investment of the month's signings (万元)"},
    {"invest_done_wan", "月末有效项目在当月的投资进度记录之和 (万元)",
     "investment progress recorded for the month of the projects in force at its end (万元)"},
    {"starts", "实际开工日在当月的项目 (月末有效)", "projects in force at the month's end whose actual 开工 falls in the month"},
    {"completions", "实际竣工日在当月的项目 (月末有效)",
     "projects in force at the month's end whose actual 竣工 falls in the month"},
    {"idle_open", "月末未结案的闲置土地案件 (含疑似闲置), 按宗地计",
     "idle-land cases not closed at the month's end (suspected included), one per parcel"},
    {"start_rate", "开工率 = 实际开工日 ≤ 月末的项目 ÷ 有效开工期限 ≤ 月末的项目",
     "start rate = projects started by the month's end ÷ projects whose effective start ≤ the month's end"},
    {"on_time_start_rate", "按期开工率 = 应开工且在有效开工期限当日或之前开工的项目 ÷ 应开工项目",
     "on-time start rate = due projects started on or before the effective start ÷ projects due to start"},
    {"completion_rate", "竣工率 = 实际竣工日 ≤ 月末的项目 ÷ 有效竣工期限 ≤ 月末的项目",
     "completion rate = projects completed by the month's end ÷ projects whose effective completion ≤ the month's end"},
    {"on_time_completion_rate", "按期竣工率 = 应竣工且按期竣工的项目 ÷ 应竣工项目",
     "on-time completion rate = due projects completed on or before the effective completion ÷ projects due"},
    {"performance_rate", "履约率 = 每项到期承诺 (开工、竣工、投产、达产) 均按期完成的项目 ÷ 至少一项承诺到期的项目",
     "performance rate = projects meeting every due commitment (start, completion, production, full production) on "
     "time ÷ projects with a commitment due"},
    {"funds_rate", "资金到位率 = 月末及以前的到位资金 ÷ 协议投资 (万元)",
     "funds in place rate = funds in place up to the month ÷ committed investment (万元)"},
    {"invest_rate", "年度投资完成率 = 当年截至当月的投资进度 ÷ 当年投资计划 (万元)",
     "annual investment completion rate = progress of the year up to the month ÷ the year's plans (万元)"},
    {"numerator", "比率的分子 (项目数, 资金与投资为万元)", "the rate's numerator (projects; 万元 for funds and investment)"},
    {"denominator", "比率的分母; 为 0 时比率显示 —", "the rate's denominator; when 0 the rate shows —"},
    {"target_pct", "目标: 园区目标, 否则全局目标, 否则默认 (开工率 90, 投资完成率 80, 资金到位率 80, 按期竣工率 100)",
     "target: the park's, else the global one, else the default (start 90, investment 80, funds 80, on-time "
     "completion 100)"},
    {"met", "比率 (一位小数) ≥ 目标为达标", "met when the rate (one decimal) ≥ the target"},
};

static int month_row(rp_table *t, const char *park, const char *name, const mo_sums *s, const pl_kpi_park *k,
                     pl_error *err)
{
    const char *cells[MONTH_COLS] = {park,
                                     name,
                                     rp_int(s->new_leads),
                                     k ? rp_int(s->signings) : "",
                                     k ? rp_num(s->signed_wan, 2) : "",
                                     k ? rp_num(s->done_wan, 2) : "",
                                     k ? rp_int(s->starts) : "",
                                     k ? rp_int(s->completions) : "",
                                     k ? rp_int(s->idle) : ""};
    for (int f = 0; f < PL_KPIS; f++)
        cells[9 + f] = k ? rp_rate(k->fig[f].num, k->fig[f].den) : "";
    return rp_row(t, cells, err);
}

int rp_kpi_rows(rp_table *t, const pl_kpi_park *rows, size_t n, pl_error *err)
{
    int rc = PL_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        for (int k = 0; k < PL_KPIS && !rc; k++) {
            const pl_kpi_figure *f = &rows[i].fig[k];
            int money = k == PL_KPI_FUNDS || k == PL_KPI_INVEST;
            const char *cells[] = {rows[i].park[0] ? rows[i].park : RP_TOTAL,
                                   pl_kpi_key((pl_kpi_id)k),
                                   pl_kpi_zh((pl_kpi_id)k),
                                   money ? rp_num(f->num, 2) : rp_int((long)f->num),
                                   money ? rp_num(f->den, 2) : rp_int((long)f->den),
                                   rp_rate(f->num, f->den),
                                   isnan(f->target) ? "" : rp_num(f->target, 1),
                                   rp_met_text(f->met)};
            rc = rp_row(t, cells, err);
        }
    }
    return rc;
}

static int build(pl_report *r, pl_db *db, int y, int m, const char *park, pl_error *err)
{
    char month[16], first[16], last[11];
    snprintf(month, sizeof month, "%04d-%02d", y % 10000, m % 100);
    snprintf(first, sizeof first, "%.7s-01", month);
    rp_month_end(y, m, last);
    snprintf(r->as_of, sizeof r->as_of, "%s", last);
    char pzh[32], pen[32];
    snprintf(pzh, sizeof pzh, "%d年%d月", y, m);
    snprintf(pen, sizeof pen, "month %s", month);
    rp_period_caption(r, pzh, pen, park);

    pl_kpi_park *rows = NULL;
    size_t n = 0;
    mo_sums *s = NULL, total = {0};
    long no_park = 0;
    int rc = pl_kpi_by_park(db, last, park, &rows, &n, err);
    if (rc)
        return rc;
    size_t nparks = n - 1;
    if (!(s = calloc(n, sizeof *s))) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = count_leads(db, first, last, rows, nparks, park != NULL, s, &total, &no_park, err)) ||
        (rc = count_projects(db, month, first, last, rows, nparks, s, &total, err)) ||
        (rc = count_idle(db, last, park, rows, nparks, s, &total, err)))
        goto out;
    static const rp_col rate_cols[] = {{"park", "园区 park", 0},
                                       {"kpi", "指标代码 figure", 0},
                                       {"kpi_zh", "指标 name", 0},
                                       {"numerator", "分子 numerator", 1},
                                       {"denominator", "分母 denominator", 1},
                                       {"rate_pct", "比率 % rate", 1},
                                       {"target_pct", "目标 % target", 1},
                                       {"met", "达标 met", 0}};
    rp_table *t = rp_table_add(r, "monthly", "月度统计 monthly statistics", MONTH_COLS, month_cols);
    rp_table *tr = t ? rp_table_add(r, "monthly_rates", "月末考核指标 rates at the month's end",
                                    sizeof rate_cols / sizeof *rate_cols, rate_cols)
                     : NULL;
    if (!tr) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    char note[512];
    snprintf(note, sizeof note,
             !pl_lang_chosen() ? "当月 month %s 至 to %s; 比率截至月末 rates as of the month's end (%%); — : 分母为0 "
                                 "zero denominator"
             : pl_lang_current() == PL_LANG_ZH ? "当月 %s 至 %s；比率截至月末 (%%)；—：分母为0"
                                               : "the month %s to %s; rates as of the month's end (%%); —: zero "
                                                 "denominator",
             first, last);
    if ((rc = rp_table_note(t, note, err)))
        goto out;
    for (size_t j = 0; j < nparks && !rc; j++)
        rc = month_row(t, rows[j].park, rows[j].name, &s[j], &rows[j], err);
    if (!rc && no_park)
        rc = month_row(t, "无园区 no park", "", &(mo_sums){.new_leads = no_park}, NULL, err);
    if (!rc)
        rc = month_row(t, RP_TOTAL, "", &total, &rows[nparks], err);
    if (!rc)
        rc = rp_kpi_rows(tr, rows, n, err);
    if (!rc)
        rc = rp_definitions_table(r, "monthly_definitions", "指标定义 definitions", month_defs,
                                  sizeof month_defs / sizeof *month_defs, err);
out:
    free(s);
    free(rows);
    return rc;
}

int pl_report_build_monthly(pl_db *db, const char *month, const char *park, pl_report **out, pl_error *err)
{
    *out = NULL;
    int y, m;
    if (!parse_month(month, &y, &m))
        return pl_error_set(err, PL_ERR_USAGE, "--month '%s' is not a month (YYYY-MM)", month ? month : "");
    if (park && !*park)
        park = NULL;
    pl_report *r = calloc(1, sizeof *r);
    if (!r)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    r->kind = PL_REPORT_MONTHLY;
    snprintf(r->park, sizeof r->park, "%s", park ? park : "");
    int own = sqlite3_get_autocommit(db->h);
    if (own)
        pl_db_exec(db, "BEGIN", NULL); /* one snapshot for every query */
    int rc = build(r, db, y, m, park, err);
    if (own)
        pl_db_exec(db, "COMMIT", NULL);
    if (rc) {
        pl_report_free(r);
        return rc;
    }
    *out = r;
    return PL_OK;
}
