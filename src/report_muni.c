/* report_muni.c — the 亩均效益 report: the grades of a year as report tables (parkland/report.h). */
#include "report_internal.h"

#include "parkland/i18n.h"
#include "parkland/muni.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOLS (6 + 2 * PL_MUNI_INDICATORS + 5)

static const char *num(char *buf, size_t len, double v, int decimals)
{
    if (isfinite(v))
        snprintf(buf, len, "%.*f", decimals, v);
    else
        snprintf(buf, len, RP_DASH);
    return buf;
}

static int grade_rows(rp_table *t, const pl_muni_grades *g, pl_error *err)
{
    int rc = PL_OK;
    for (size_t i = 0; i < g->n && !rc; i++) {
        const pl_muni_firm *f = &g->firms[i];
        char mu[32], v[PL_MUNI_INDICATORS][32], p[PL_MUNI_INDICATORS][32], score[32], rank[48], pct[32], grade[8],
            lbuf[256], gbuf[64];
        num(mu, sizeof mu, f->mu, 2);
        for (int k = 0; k < PL_MUNI_INDICATORS; k++) {
            num(v[k], sizeof v[k], f->value[k], 2);
            num(p[k], sizeof p[k], f->points[k], 2);
        }
        num(score, sizeof score, f->score, 2);
        const char *group = RP_DASH;
        if (f->has_figures)
            group = pl_tr_label(f->above_size ? "规上 above size" : "规下 below size", gbuf, sizeof gbuf);
        if (f->excluded) {
            snprintf(rank, sizeof rank, RP_DASH);
            snprintf(pct, sizeof pct, RP_DASH);
            snprintf(grade, sizeof grade, "B*");
        } else {
            snprintf(rank, sizeof rank, "%ld/%ld", f->rank, f->group_n);
            num(pct, sizeof pct, f->percentile, 2);
            snprintf(grade, sizeof grade, "%c", f->grade);
        }
        const char *note = f->excluded ? pl_tr_label(pl_muni_excluded_label(f->excluded), lbuf, sizeof lbuf) : "";
        const char *cells[NCOLS] = {f->park, f->project, f->company, f->parcels, mu, group,
                                    v[0], p[0], v[1], p[1], v[2], p[2], v[3], p[3], v[4], p[4],
                                    score, rank, pct, grade, note};
        rc = rp_row(t, cells, err);
    }
    return rc;
}

static int summary_rows(rp_table *t, const pl_muni_grades *g, pl_error *err)
{
    static const char *const names[] = {"规上 above size", "规下 below size", RP_TOTAL};
    long cnt[3][6] = {{0}};
    for (size_t i = 0; i < g->n; i++) {
        const pl_muni_firm *f = &g->firms[i];
        for (int row = 0; row < 3; row++) {
            if (row < 2 && (!f->has_figures || f->above_size != (row == 0)))
                continue;
            if (f->excluded) {
                cnt[row][5]++;
            } else {
                cnt[row][0]++;
                cnt[row][1 + (f->grade - 'A')]++;
            }
        }
    }
    int rc = PL_OK;
    for (int row = 0; row < 3 && !rc; row++) {
        char buf[64];
        const char *cells[7] = {pl_tr_label(names[row], buf, sizeof buf)};
        for (int k = 0; k < 6; k++)
            cells[1 + k] = rp_int(cnt[row][k]);
        rc = rp_row(t, cells, err);
    }
    return rc;
}

int pl_report_build_muni(pl_db *db, int year, const char *park, pl_report **out, pl_error *err)
{
    *out = NULL;
    if (park && !*park)
        park = NULL;
    pl_muni_grades g;
    int rc = pl_muni_grade(db, year, park, &g, err);
    if (rc) {
        pl_muni_grades_release(&g);
        return rc;
    }
    pl_report *r = calloc(1, sizeof *r);
    if (!r) {
        pl_muni_grades_release(&g);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    r->kind = PL_REPORT_MUNI;
    snprintf(r->as_of, sizeof r->as_of, "%04d-12-31", (year % 10000 + 10000) % 10000);
    snprintf(r->park, sizeof r->park, "%s", park ? park : "");
    int zh = pl_lang_current() == PL_LANG_ZH;
    const char *all = !pl_lang_chosen() ? "全部园区 all parks" : zh ? "全部园区" : "all parks";
    if (!pl_lang_chosen())
        snprintf(r->caption, sizeof r->caption, "%d 年度 year %d; %s%s", year, year, park ? "园区 park " : "",
                 park ? park : all);
    else if (zh)
        snprintf(r->caption, sizeof r->caption, "%d 年度；%s%s", year, park ? "园区 " : "", park ? park : all);
    else
        snprintf(r->caption, sizeof r->caption, "year %d; %s%s", year, park ? "park " : "", park ? park : all);
    static const rp_col cols[NCOLS] = {
        {"park", "园区 park", 0},
        {"project", "项目 project", 0},
        {"company", "企业 company", 0},
        {"parcel_codes", "宗地 parcels", 0},
        {"land_mu", "用地(亩) land (mu)", 1},
        {"size_group", "类别 group", 0},
        {"tax_per_mu", "亩均税收(万元/亩) tax per mu", 1},
        {"tax_points", "税收得分 tax points", 1},
        {"sales_per_mu", "亩均销售(万元/亩) sales per mu", 1},
        {"sales_points", "销售得分 sales points", 1},
        {"value_per_energy", "单位能耗增加值(万元/吨标煤) value per energy", 1},
        {"energy_points", "能耗得分 energy points", 1},
        {"rd_intensity_pct", "研发投入强度(%) R&D intensity", 1},
        {"rd_points", "研发得分 R&D points", 1},
        {"productivity", "劳动生产率(万元/人) labour productivity", 1},
        {"labour_points", "劳产率得分 labour points", 1},
        {"score", "总分 score", 1},
        {"rank", "排名 rank", 0},
        {"percentile", "百分位(%) percentile", 1},
        {"grade", "等级 grade", 0},
        {"grade_note", "说明 note", 0}};
    static const rp_col sum_cols[] = {{"size_group", "类别 group", 0},     {"graded", "参评 graded", 1},
                                      {"A", "A", 1},                       {"B", "B", 1},
                                      {"C", "C", 1},                       {"D", "D", 1},
                                      {"not_graded", "不参评 not graded (as B)", 1}};
    rp_table *tg = rp_table_add(r, "muni_grades", "亩均效益评价 per-mu performance grades", NCOLS, cols);
    rp_table *ts = tg ? rp_table_add(r, "muni_summary", "亩均等级汇总 grades by group",
                                     sizeof sum_cols / sizeof *sum_cols, sum_cols)
                      : NULL;
    if (!ts) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    } else {
        char note[1024];
        const pl_muni_settings *s = &g.settings;
        if (pl_lang_chosen() && zh)
            snprintf(note, sizeof note,
                     "权重: 亩均税收 %g, 亩均销售收入 %g, 单位能耗增加值 %g, 研发投入强度 %g, 全员劳动生产率 %g; "
                     "单项得分 = 权重 × min(指标值 ÷ 基准值, %g), 基准值 0 为本组平均值; 规下企业按亩均税收排名; "
                     "组内排名百分位 (名次 − 0.5) ÷ 企业数 ≤ %g%% 为 A, ≤ %g%% 为 B, ≤ %g%% 为 C, 其余为 D; 规上: 销售收入 ≥ %g 万元",
                     s->weight[0], s->weight[1], s->weight[2], s->weight[3], s->weight[4], s->cap, s->cut[0],
                     s->cut[1], s->cut[2], s->size_threshold);
        else
            snprintf(note, sizeof note,
                     "weights: tax %g, sales %g, energy %g, R&D %g, labour %g; points = weight × min(value ÷ "
                     "baseline, %g), baseline 0 = the group's mean; below size: tax per mu alone; percentile "
                     "(rank − 0.5) ÷ firms in the group ≤ %g%% A, ≤ %g%% B, ≤ %g%% C, else D; above size: sales ≥ %g 万元",
                     s->weight[0], s->weight[1], s->weight[2], s->weight[3], s->weight[4], s->cap, s->cut[0],
                     s->cut[1], s->cut[2], s->size_threshold);
        rc = rp_table_note(tg, note, err);
        if (!rc)
            rc = grade_rows(tg, &g, err);
        if (!rc)
            rc = summary_rows(ts, &g, err);
    }
    pl_muni_grades_release(&g);
    if (rc) {
        pl_report_free(r);
        return rc;
    }
    *out = r;
    return PL_OK;
}
