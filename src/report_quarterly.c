/* report_quarterly.c — `report quarterly`: the city's quarterly assessment
 * (季度考核, 摘星夺旗): each park's figures of parkland/kpi.h against its
 * targets as of the quarter's end, the parks ranked on each figure, and an
 * early warning where the year-to-date trend misses the target
 * (parkland/report.h, pl_report_build_quarterly). */
#include "report_internal.h"

#include "parkland/i18n.h"
#include "parkland/kpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "YYYY-Qn" (q or Q, n 1–4) → year, quarter; 0 when it is not one. */
static int parse_quarter(const char *s, int *y, int *q)
{
    if (!s || strlen(s) != 7 || s[4] != '-' || (s[5] != 'Q' && s[5] != 'q') || s[6] < '1' || s[6] > '4')
        return 0;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    *y = atoi(s);
    *q = s[6] - '0';
    return *y >= PL_DATE_YEAR_MIN && *y <= PL_DATE_YEAR_MAX;
}

double pl_report_projection(int kpi, int q, double value, double start)
{
    if (isnan(value) || q < 1 || q > 4)
        return NAN;
    double p;
    if (kpi == PL_KPI_INVEST)
        p = value * 4.0 / q; /* the year's progress starts from 0: the run rate */
    else if (isnan(start))
        p = value;
    else
        p = value + (value - start) * (4.0 - q) / q;
    return p < 0 ? 0 : p;
}

/* The rate as shown (one decimal). */
static double shown(double pct)
{
    return round(pct * 10) / 10;
}

/* Rank of park j on figure k among the n parks: 1 + parks with a higher rate; 0 when it has none. */
static long rank_of(const pl_kpi_park *rows, size_t n, size_t j, int k)
{
    double v = rows[j].fig[k].pct;
    if (isnan(v))
        return 0;
    long r = 1;
    for (size_t i = 0; i < n; i++)
        if (!isnan(rows[i].fig[k].pct) && shown(rows[i].fig[k].pct) > shown(v) + 1e-9)
            r++;
    return r;
}

static const rp_column_definition quarter_defs[] = {
    {"rate_pct", "截至季末的比率 (%), 定义同 report kpi: 分子 ÷ 分母",
     "the rate at the quarter's end (%), as report kpi defines it: numerator ÷ denominator"},
    {"target_pct", "目标: 园区目标, 否则全局目标, 否则默认 (开工率 90, 投资完成率 80, 资金到位率 80, 按期竣工率 100)",
     "target: the park's, else the global one, else the default (start 90, investment 80, funds 80, on-time "
     "completion 100)"},
    {"met", "比率 (一位小数) ≥ 目标为达标", "met when the rate (one decimal) ≥ the target"},
    {"rank", "园区间排名: 1 = 比率 (一位小数) 最高; 比率相同名次相同, 下一名次跳过 (1, 1, 3); 无比率不排名",
     "rank among the parks: 1 = the highest rate (one decimal); equal rates share the rank and the next skips (1, "
     "1, 3); no rate, no rank"},
    {"year_start_pct", "年初值: 上年 12 月 31 日的比率; 年度投资完成率每年从 0 开始, 年初值为 0",
     "value at the year's start: the rate as of 31 December of the year before; 年度投资完成率 starts from 0 each "
     "year"},
    {"projected_pct",
     "年末预测: 年度投资完成率按run rate = 季末值 × 4 ÷ 已过季度数; 其他指标按年内线性趋势 = 季末值 + (季末值 − 年初值) × "
     "剩余季度数 ÷ 已过季度数, 年初无比率时取季末值; 不低于 0; 第四季度即季末值",
     "projected year-end value: 年度投资完成率 by its run rate = value × 4 ÷ quarters elapsed; every other figure "
     "by the year's linear trend = value + (value − value at the year's start) × quarters remaining ÷ quarters "
     "elapsed, the value itself when the year's start has no rate; never below 0; in Q4 the value"},
    {"warning", "预警: 有目标且年末预测 (一位小数) 低于目标", "warning: a target, and the projection (one decimal) below it"},
    {"stars", "摘星: 达标的指标数", "stars: figures meeting their target"},
    {"stars_rank", "按摘星数的园区排名 (相同名次相同)", "the parks' rank on stars (ties share)"},
    {"warnings", "预警的指标数", "figures with a warning"},
};

static int build(pl_report *r, pl_db *db, int y, int q, pl_error *err)
{
    char end[11], start[16];
    rp_month_end(y, 3 * q, end);
    snprintf(start, sizeof start, "%04d-12-31", (y - 1) % 10000);
    snprintf(r->as_of, sizeof r->as_of, "%s", end);
    char pzh[32], pen[32];
    snprintf(pzh, sizeof pzh, "%d年第%d季度", y, q);
    snprintf(pen, sizeof pen, "quarter %d-Q%d", y, q);
    rp_period_caption(r, pzh, pen, NULL);

    pl_kpi_park *cur = NULL, *prev = NULL;
    size_t n = 0, nprev = 0;
    int rc = pl_kpi_by_park(db, end, NULL, &cur, &n, err);
    if (!rc)
        rc = pl_kpi_by_park(db, start, NULL, &prev, &nprev, err);
    if (rc)
        goto out;
    size_t nparks = n - 1;
    static const rp_col cols[] = {{"park", "园区 park", 0},
                                  {"kpi", "指标代码 figure", 0},
                                  {"kpi_zh", "指标 name", 0},
                                  {"numerator", "分子 numerator", 1},
                                  {"denominator", "分母 denominator", 1},
                                  {"rate_pct", "比率 % rate", 1},
                                  {"target_pct", "目标 % target", 1},
                                  {"met", "达标 met", 0},
                                  {"rank", "排名 rank", 1},
                                  {"year_start_pct", "年初 % year start", 1},
                                  {"projected_pct", "年末预测 % projected", 1},
                                  {"warning", "预警 warning", 0}};
    rp_col rcols[3 + PL_KPIS + 3] = {{"park", "园区 park", 0}, {"park_name", "园区名称 name", 0}};
    static const char *const rank_labels[PL_KPIS] = {
        "开工率排名 start rate", "按期开工率排名 on-time start", "竣工率排名 completion rate",
        "按期竣工率排名 on-time completion", "履约率排名 performance", "资金到位率排名 funds in place",
        "年度投资完成率排名 annual investment"};
    for (int k = 0; k < PL_KPIS; k++)
        rcols[2 + k] = (rp_col){pl_kpi_key((pl_kpi_id)k), rank_labels[k], 1};
    rcols[2 + PL_KPIS] = (rp_col){"stars", "摘星 stars", 1};
    rcols[3 + PL_KPIS] = (rp_col){"stars_rank", "摘星排名 stars rank", 1};
    rcols[4 + PL_KPIS] = (rp_col){"warnings", "预警 warnings", 1};
    static const rp_col wcols[] = {{"park", "园区 park", 0},          {"kpi", "指标代码 figure", 0},
                                   {"kpi_zh", "指标 name", 0},        {"rate_pct", "比率 % rate", 1},
                                   {"projected_pct", "年末预测 % projected", 1}, {"target_pct", "目标 % target", 1}};
    rp_table *t = rp_table_add(r, "quarterly", "季度考核 quarterly assessment", sizeof cols / sizeof *cols, cols);
    rp_table *tr = t ? rp_table_add(r, "quarterly_ranks", "摘星夺旗排名 ranks", 5 + PL_KPIS, rcols) : NULL;
    rp_table *tw = tr ? rp_table_add(r, "quarterly_warnings", "年末预警 year-end warnings",
                                     sizeof wcols / sizeof *wcols, wcols)
                      : NULL;
    if (!tw) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    char note[512];
    snprintf(note, sizeof note,
             !pl_lang_chosen()
                 ? "截至 as of %s; 年初 year start = %s; 第 %d 季度, 剩余 %d 个季度 quarter %d, %d remaining; 1 = 最好 best"
             : pl_lang_current() == PL_LANG_ZH ? "截至 %s；年初 = %s；第 %d 季度，剩余 %d 个季度；1 = 最好"
                                               : "as of %s; year start = %s; quarter %d, %d remaining; 1 = best",
             end, start, q, 4 - q, q, 4 - q);
    if ((rc = rp_table_note(t, note, err)))
        goto out;
    long *stars = calloc(n, sizeof *stars), *warns = calloc(n, sizeof *warns);
    if (!stars || !warns) {
        free(stars);
        free(warns);
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t j = 0; j < n && !rc; j++) {
        /* the same park at the year's start (parks are the same rows; matched by code to be sure) */
        const pl_kpi_park *p0 = NULL;
        for (size_t i = 0; i < nprev && !p0; i++)
            if (!strcmp(prev[i].park, cur[j].park))
                p0 = &prev[i];
        for (int k = 0; k < PL_KPIS && !rc; k++) {
            const pl_kpi_figure *f = &cur[j].fig[k];
            /* the year's investment starts from 0 each year (its run rate is the linear trend from 0) */
            double v0 = k == PL_KPI_INVEST ? (isnan(f->pct) ? NAN : 0) : p0 ? p0->fig[k].pct : NAN;
            double proj = q == 4 ? f->pct : pl_report_projection(k, q, f->pct, v0);
            int warn = !isnan(proj) && !isnan(f->target) && shown(proj) < f->target - 1e-9;
            stars[j] += f->met == 1;
            warns[j] += warn;
            long rank = j < nparks ? rank_of(cur, nparks, j, k) : 0;
            int money = k == PL_KPI_FUNDS || k == PL_KPI_INVEST;
            const char *park = cur[j].park[0] ? cur[j].park : RP_TOTAL;
            const char *cells[] = {park,
                                   pl_kpi_key((pl_kpi_id)k),
                                   pl_kpi_zh((pl_kpi_id)k),
                                   money ? rp_num(f->num, 2) : rp_int((long)f->num),
                                   money ? rp_num(f->den, 2) : rp_int((long)f->den),
                                   rp_rate(f->num, f->den),
                                   isnan(f->target) ? "" : rp_num(f->target, 1),
                                   rp_met_text(f->met),
                                   j < nparks ? (rank ? rp_int(rank) : RP_DASH) : "",
                                   isnan(v0) ? RP_DASH : rp_num(v0, 1),
                                   isnan(proj) ? RP_DASH : rp_num(proj, 1),
                                   warn ? "warning 预警" : ""};
            rc = rp_row(t, cells, err);
            if (!rc && warn) {
                const char *wc[] = {park, cells[1], cells[2], cells[5], cells[10], cells[6]};
                rc = rp_row(tw, wc, err);
            }
        }
    }
    for (size_t j = 0; j < nparks && !rc; j++) {
        const char *cells[5 + PL_KPIS];
        cells[0] = cur[j].park;
        cells[1] = cur[j].name;
        for (int k = 0; k < PL_KPIS; k++) {
            long rank = rank_of(cur, nparks, j, k);
            cells[2 + k] = rank ? rp_int(rank) : RP_DASH;
        }
        long srank = 1;
        for (size_t i = 0; i < nparks; i++)
            srank += stars[i] > stars[j];
        cells[2 + PL_KPIS] = rp_int(stars[j]);
        cells[3 + PL_KPIS] = rp_int(srank);
        cells[4 + PL_KPIS] = rp_int(warns[j]);
        rc = rp_row(tr, cells, err);
    }
    free(stars);
    free(warns);
    if (!rc)
        rc = rp_definitions_table(r, "quarterly_definitions", "指标定义 definitions", quarter_defs,
                                  sizeof quarter_defs / sizeof *quarter_defs, err);
out:
    free(cur);
    free(prev);
    return rc;
}

int pl_report_build_quarterly(pl_db *db, const char *quarter, pl_report **out, pl_error *err)
{
    *out = NULL;
    int y, q;
    if (!parse_quarter(quarter, &y, &q))
        return pl_error_set(err, PL_ERR_USAGE, "--quarter '%s' is not a quarter (YYYY-Qn, n from 1 to 4)",
                            quarter ? quarter : "");
    pl_report *r = calloc(1, sizeof *r);
    if (!r)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    r->kind = PL_REPORT_QUARTERLY;
    int own = sqlite3_get_autocommit(db->h);
    if (own)
        pl_db_exec(db, "BEGIN", NULL); /* one snapshot for both dates */
    int rc = build(r, db, y, q, err);
    if (own)
        pl_db_exec(db, "COMMIT", NULL);
    if (rc) {
        pl_report_free(r);
        return rc;
    }
    *out = r;
    return PL_OK;
}
