/* report_kpi.c — `report kpi`: the figures the province scores, per park, with
 * numerator, denominator, target and met/not met (parkland/kpi.h), then every
 * project's deadlines as of the date (parkland/deadline.h). */
#include "report_internal.h"

#include "parkland/i18n.h"
#include "parkland/kpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *met_text(int met)
{
    return met < 0 ? "" : met ? "met 达标" : "not met 未达标";
}

static int figures_table(pl_report *r, pl_db *db, const rp_data *d, pl_error *err)
{
    static const rp_col cols[] = {{"park", "园区 park", 0},
                                  {"kpi", "指标代码 figure", 0},
                                  {"kpi_zh", "指标 name", 0},
                                  {"numerator", "分子 numerator", 1},
                                  {"denominator", "分母 denominator", 1},
                                  {"rate_pct", "比率 % rate", 1},
                                  {"target_pct", "目标 % target", 1},
                                  {"met", "达标 met", 0}};
    rp_table *t = rp_table_add(r, "kpi", "考核指标 scored figures", sizeof cols / sizeof *cols, cols);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    char note[768];
    snprintf(note, sizeof note,
             !pl_lang_chosen()
                 ? "截至 %s; 期限为有效期限 (约定 + 交地延迟顺延 + 延期) effective deadlines (agreed + handover delay + "
                   "extension); 资金到位率与年度投资完成率的分子分母为万元 funds and investment in 万元; — : 分母为0 "
                   "zero denominator"
             : pl_lang_current() == PL_LANG_ZH
                 ? "截至 %s；期限为有效期限（约定 + 交地延迟顺延 + 延期）；资金到位率与年度投资完成率的分子分母为万元；—：分母为0"
                 : "as of %s; deadlines are the effective ones (agreed + handover delay + extension); funds and "
                   "investment figures in 万元; —: zero denominator",
             d->as_of);
    int rc = rp_table_note(t, note, err);
    pl_kpi_park *rows = NULL;
    size_t n = 0;
    if (!rc)
        rc = pl_kpi_by_park(db, d->as_of, r->park[0] ? r->park : NULL, &rows, &n, err);
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
                                   met_text(f->met)};
            rc = rp_row(t, cells, err);
        }
    }
    free(rows);
    return rc;
}

/* on_time, late (done after the deadline), overdue, due_today … */
static const char *state_of(const pl_deadline *dl)
{
    if (!dl->effective[0])
        return dl->done ? "done 已完成" : "";
    if (dl->done)
        return dl->on_time ? "on time 按期" : "late 逾期完成";
    if (dl->overdue_days)
        return "overdue 逾期";
    return "pending 未到期";
}

static int deadlines_table(pl_report *r, const rp_data *d, pl_error *err)
{
    static const rp_col cols[] = {{"park", "园区 park", 0},
                                  {"project", "项目 project", 0},
                                  {"company", "企业 company", 0},
                                  {"deadline", "期限 deadline", 0},
                                  {"agreed", "约定 agreed", 0},
                                  {"shift_days", "交地顺延天数 handover delay", 1},
                                  {"extended", "延期 extended", 0},
                                  {"effective", "有效期限 effective", 0},
                                  {"actual", "实际 actual", 0},
                                  {"state", "状态 state", 0},
                                  {"overdue_days", "逾期天数 days overdue", 1}};
    rp_table *t = rp_table_add(r, "deadlines", "出让合同期限 contract deadlines", sizeof cols / sizeof *cols, cols);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    int rc = PL_OK;
    for (size_t i = 0; i < d->nprojects && !rc; i++) {
        const rp_project *p = &d->projects[i];
        if (!p->counted)
            continue;
        char parks[128];
        rp_project_parks(d, p, parks, sizeof parks);
        for (int k = 0; k < PL_DL_KINDS && !rc; k++) {
            const pl_deadline *dl = &p->dl[k];
            if (!dl->agreed[0] && !dl->actual[0])
                continue;
            char kind[64];
            snprintf(kind, sizeof kind, "%s %s", pl_deadline_zh((pl_deadline_kind)k), pl_deadline_ids[k]);
            const char *cells[] = {parks,
                                   p->code,
                                   p->company ? p->company : "",
                                   kind,
                                   dl->agreed,
                                   dl->shift_days ? rp_int(dl->shift_days) : "",
                                   dl->extended ? "yes 是" : "",
                                   dl->effective,
                                   dl->actual,
                                   state_of(dl),
                                   dl->overdue_days ? rp_int(dl->overdue_days) : ""};
            rc = rp_row(t, cells, err);
        }
    }
    return rc;
}

int rp_build_kpi(pl_report *r, pl_db *db, const rp_data *d, pl_error *err)
{
    int rc = figures_table(r, db, d, err);
    return rc ? rc : deadlines_table(r, d, err);
}
