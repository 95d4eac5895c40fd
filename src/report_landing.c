/* report_landing.c — project landing as of a date: leads by stage and
 * conversion, signed projects, committed investment, land supplied, 开工率,
 * 投产率, 年度投资完成率 and the 四新 share, per park, per industry and in total. */
#include "report_internal.h"

#include "parkland/i18n.h"
#include "parkland/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NSTAGES 6

typedef enum group_kind { G_PARK, G_NO_PARK, G_TOTAL, G_INDUSTRY } group_kind;

typedef struct group {
    group_kind kind;
    size_t park;          /* G_PARK */
    const char *industry; /* G_INDUSTRY: industry id, NULL = not given */
} group;

typedef struct agg {
    long stage[NSTAGES], leads;
    long projects, land_parcels, started, start_due, produced, production_due;
    double investment, land_m2, done, plan, new_economy;
} agg;

static int same_industry(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : a == b;
}

static int lead_in(const rp_lead *l, const group *g)
{
    if (!l->counted)
        return 0;
    switch (g->kind) {
    case G_PARK:
        return l->in_park[g->park];
    case G_NO_PARK:
        return !l->has_park;
    case G_INDUSTRY:
        return same_industry(l->industry, g->industry);
    default:
        return 1;
    }
}

static int project_in(const rp_project *p, const group *g)
{
    if (!p->counted)
        return 0;
    switch (g->kind) {
    case G_PARK:
        return p->in_park[g->park];
    case G_NO_PARK:
        return 0;
    case G_INDUSTRY:
        return same_industry(p->industry, g->industry);
    default:
        return 1;
    }
}

static int aggregate(const rp_data *d, const group *g, agg *a, pl_error *err)
{
    memset(a, 0, sizeof *a);
    unsigned char *seen = calloc(d->nparcels + 1, 1); /* land supplied counts a parcel once */
    if (!seen)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < d->nleads; i++) {
        const rp_lead *l = &d->leads[i];
        if (!lead_in(l, g))
            continue;
        for (int s = 0; s < NSTAGES; s++)
            if (!strcmp(l->stage, pl_lead_stage_ids[s]))
                a->stage[s]++;
        a->leads++;
    }
    for (size_t i = 0; i < d->nprojects; i++) {
        const rp_project *p = &d->projects[i];
        if (!project_in(p, g))
            continue;
        a->projects++;
        if (!isnan(p->investment)) {
            a->investment += p->investment;
            if (p->new_economy)
                a->new_economy += p->investment;
        }
        if (p->actual[RP_LAND][0])
            for (size_t k = 0; k < p->nparcels; k++) {
                size_t q = p->parcels[k];
                const rp_parcel *pc = &d->parcels[q];
                if (pc->park < 0 || seen[q] || (g->kind == G_PARK && (size_t)pc->park != g->park))
                    continue;
                seen[q] = 1;
                a->land_parcels++;
                a->land_m2 += pc->area_m2;
            }
        if (p->actual[RP_CONSTRUCTION][0])
            a->started++;
        if (p->dl[PL_DL_START].due) /* the effective deadline (parkland/deadline.h) */
            a->start_due++;
        if (p->actual[RP_PRODUCTION][0])
            a->produced++;
        if (p->dl[PL_DL_PRODUCTION].due)
            a->production_due++;
        a->done += p->done_year;
        a->plan += p->plan_year;
    }
    free(seen);
    return PL_OK;
}

/* The two label cells then the counts of one group, in each table. */
static int add_leads_row(rp_table *t, const char *a_cell, const char *b_cell, const agg *a, int no_rate,
                         pl_error *err)
{
    const char *cells[] = {a_cell,
                           b_cell,
                           rp_int(a->stage[0]),
                           rp_int(a->stage[1]),
                           rp_int(a->stage[2]),
                           rp_int(a->stage[3]),
                           rp_int(a->stage[4]),
                           rp_int(a->stage[5]),
                           rp_int(a->leads),
                           no_rate ? RP_DASH : rp_rate((double)a->stage[4], (double)a->leads)};
    return rp_row(t, cells, err);
}

static int add_landing_row(rp_table *t, const char *a_cell, const char *b_cell, const agg *a, pl_error *err)
{
    const char *cells[] = {a_cell,
                           b_cell,
                           rp_int(a->projects),
                           rp_num(a->investment, 2),
                           rp_int(a->land_parcels),
                           rp_num(pl_m2_to_mu(a->land_m2), 2),
                           rp_int(a->started),
                           rp_int(a->start_due),
                           rp_rate((double)a->started, (double)a->start_due),
                           rp_int(a->produced),
                           rp_int(a->production_due),
                           rp_rate((double)a->produced, (double)a->production_due),
                           rp_num(a->done, 2),
                           rp_num(a->plan, 2),
                           rp_rate(a->done, a->plan),
                           rp_num(a->new_economy, 2),
                           rp_rate(a->new_economy, a->investment)};
    return rp_row(t, cells, err);
}

static int group_rows(rp_table *tl, rp_table *tk, const rp_data *d, const group *g, const char *a_cell,
                      const char *b_cell, int skip_empty, pl_error *err)
{
    agg a;
    int rc = aggregate(d, g, &a, err);
    if (rc || (skip_empty && !a.leads && !a.projects))
        return rc;
    if (tl && (rc = add_leads_row(tl, a_cell, b_cell, &a, g->kind == G_NO_PARK, err)))
        return rc;
    return tk ? add_landing_row(tk, a_cell, b_cell, &a, err) : PL_OK;
}

int rp_build_landing(pl_report *r, const rp_data *d, pl_error *err)
{
    char done_label[96], plan_label[64], note[512];
    snprintf(done_label, sizeof done_label, "%04d年1–%d月完成 万元 invested", d->year, d->month);
    snprintf(plan_label, sizeof plan_label, "%04d年计划 万元 planned", d->year);
    snprintf(note, sizeof note,
             !pl_lang_chosen()
                 ? "开工率 start rate = 已开工 started ÷ 应开工 due (约定开工日 ≤ %s); 投产率 production rate likewise; "
                   "年度投资完成率 = %04d年1–%d月完成 ÷ %04d年计划; 四新占比 = 四新投资 ÷ 承诺投资; — : 分母为0 zero denominator"
             : pl_lang_current() == PL_LANG_ZH
                 ? "开工率 = 已开工 ÷ 应开工（约定开工日 ≤ %s）；投产率同理；"
                   "年度投资完成率 = %04d年1–%d月完成 ÷ %04d年计划；四新占比 = 四新投资 ÷ 承诺投资；—：分母为0"
                 : "start rate (开工率) = started ÷ due (agreed start ≤ %s); production rate (投产率) likewise; "
                   "investment completion (年度投资完成率) = completed in %04d, months 1–%d ÷ the plan of %04d; "
                   "四新 share = 四新 investment ÷ committed investment; —: zero denominator",
             d->as_of, d->year, d->month, d->year);
    const rp_col lead_tail[] = {{"new", "线索 new", 1},
                                {"contacted", "洽谈 contacted", 1},
                                {"visited", "考察 visited", 1},
                                {"intent", "意向 intent", 1},
                                {"signed", "签约 signed", 1},
                                {"lost", "流失 lost", 1},
                                {"leads", "合计 leads", 1},
                                {"conversion_pct", "转化率 % conversion", 1}};
    const rp_col landing_tail[] = {{"projects", "项目 projects", 1},
                                   {"investment_wan", "承诺投资 万元 committed", 1},
                                   {"land_parcels", "供地 宗 parcels", 1},
                                   {"land_mu", "供地 亩 land", 1},
                                   {"started", "已开工 started", 1},
                                   {"start_due", "应开工 due", 1},
                                   {"start_rate_pct", "开工率 %", 1},
                                   {"produced", "已投产 producing", 1},
                                   {"production_due", "应投产 due", 1},
                                   {"production_rate_pct", "投产率 %", 1},
                                   {"invest_done_wan", done_label, 1},
                                   {"invest_plan_wan", plan_label, 1},
                                   {"invest_rate_pct", "年度投资完成率 %", 1},
                                   {"new_economy_wan", "四新投资 万元", 1},
                                   {"new_economy_share_pct", "四新占比 %", 1}};
    enum { NL = sizeof lead_tail / sizeof *lead_tail, NK = sizeof landing_tail / sizeof *landing_tail };
    rp_col park_l[2 + NL], park_k[2 + NK], ind_l[2 + NL], ind_k[2 + NK];
    park_l[0] = park_k[0] = (rp_col){"park", "园区 park", 0};
    park_l[1] = park_k[1] = (rp_col){"park_name", "园区名称 name", 0};
    ind_l[0] = ind_k[0] = (rp_col){"industry", "行业代码 industry", 0};
    ind_l[1] = ind_k[1] = (rp_col){"industry_name", "行业 (十强) industry", 0};
    memcpy(park_l + 2, lead_tail, sizeof lead_tail);
    memcpy(ind_l + 2, lead_tail, sizeof lead_tail);
    memcpy(park_k + 2, landing_tail, sizeof landing_tail);
    memcpy(ind_k + 2, landing_tail, sizeof landing_tail);

    rp_table *lp = rp_table_add(r, "leads_by_park", "线索按园区 leads by park", 2 + NL, park_l);
    rp_table *kp = lp ? rp_table_add(r, "landing_by_park", "项目落地按园区 project landing by park", 2 + NK, park_k)
                      : NULL;
    rp_table *li = kp ? rp_table_add(r, "leads_by_industry", "线索按行业 leads by industry (十强)", 2 + NL, ind_l)
                      : NULL;
    rp_table *ki = li ? rp_table_add(r, "landing_by_industry", "项目落地按行业 project landing by industry (十强)",
                                     2 + NK, ind_k)
                      : NULL;
    if (!ki)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    const char *lead_note =
        !pl_lang_chosen() ? "转化率 conversion = 签约 signed ÷ 合计 leads; — : 分母为0 zero denominator; "
                            "a lead counts in the park it negotiates for (lead add/edit --park), leads "
                            "without one in the row 未定园区 no park (no conversion rate)"
        : pl_lang_current() == PL_LANG_ZH ? "转化率 = 签约 ÷ 合计；—：分母为0；线索计入其洽谈的园区"
                                            "（lead add/edit --park），未定园区的线索单列一行（不计转化率）"
                                          : "conversion = signed ÷ leads; —: zero denominator; a lead counts in "
                                            "the park it negotiates for (lead add/edit --park), leads without one "
                                            "in the row 'no park' (no conversion rate)";
    int rc;
    if ((rc = rp_table_note(lp, lead_note, err)) || (rc = rp_table_note(li, lead_note, err)) ||
        (rc = rp_table_note(kp, note, err)) || (rc = rp_table_note(ki, note, err)))
        return rc;

    const char *all_name = d->filtered ? d->parks[0].name : "全部园区 all parks";
    for (size_t k = 0; k < d->nparks && !rc; k++) {
        group g = {G_PARK, k, NULL};
        rc = group_rows(lp, kp, d, &g, d->parks[k].code, d->parks[k].name, 0, err);
    }
    if (!rc) {
        group g = {G_TOTAL, 0, NULL};
        rc = group_rows(lp, kp, d, &g, RP_TOTAL, all_name, 0, err);
    }
    /* leads that name no park: apart, under the total (they are in it), and
     * with no conversion rate (not a park whose leads failed to sign) */
    if (!rc && !d->filtered) {
        group g = {G_NO_PARK, 0, NULL};
        rc = group_rows(lp, NULL, d, &g, "未定园区 no park", "其中 of which: 未定洽谈园区的线索 leads without a park", 0,
                        err);
    }
    for (size_t i = 0; i < d->nindustries && !rc; i++) {
        const rp_industry *in = &d->industries[i];
        group g = {G_INDUSTRY, 0, in->id};
        char name[256];
        snprintf(name, sizeof name, "%s %s", in->name_zh ? in->name_zh : "", in->name_en ? in->name_en : "");
        rc = group_rows(li, ki, d, &g, in->id, name, 0, err);
    }
    if (!rc) { /* leads without an industry: a row only when there are some */
        group g = {G_INDUSTRY, 0, NULL};
        rc = group_rows(li, ki, d, &g, "", "未填 not given", 1, err);
    }
    if (!rc) {
        group g = {G_TOTAL, 0, NULL};
        rc = group_rows(li, ki, d, &g, RP_TOTAL, "全部行业 all industries", 0, err);
    }
    return rc;
}
