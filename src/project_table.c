/* project_table.c — projects as a table: the columns of `project list|show --format csv|json`
 * (parkland/project.h). */
#include "parkland/project.h"

#include "parkland/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const pl_project_col_keys[PL_PROJECT_COLS] = {
    "code", "lead", "company", "company_en", "country", "industry", "stage", "stage_zh", "signed_on", "parcels",
    "parcel_count", "area_m2", "area_mu", "investment_wan", "investment_intensity", "far", "tax_per_mu",
    "output_per_mu", "energy_per_output", "land_planned", "land_actual", "construction_planned",
    "construction_actual", "production_planned", "production_actual", "verification_planned",
    "verification_actual", "planned_wan", "completed_wan", "shortfall_note"};
const char *const pl_project_col_labels[PL_PROJECT_COLS] = {
    "项目 code", "线索 lead", "企业 company", "英文名称 company (en)", "国别 country", "行业 industry",
    "阶段 stage", "阶段", "签约日期 signed on", "宗地 parcels", "宗地数 parcel count", "面积 area (m²)",
    "面积 area (亩)", "承诺投资 investment (万元)", "投资强度 investment intensity (万元/亩)", "容积率 FAR",
    "亩均税收 tax per mu (万元/亩·年)", "亩均产值 output per mu (万元/亩·年)",
    "单位产值能耗 energy per output (吨标准煤/万元)", "计划供地 land planned", "实际供地 land actual",
    "计划开工 construction planned", "实际开工 construction actual", "计划投产 production planned",
    "实际投产 production actual", "计划达产验收 verification planned", "实际达产验收 verification actual",
    "计划投资合计 planned (万元)", "完成投资合计 completed (万元)", "接受不达标说明 shortfall note"};
static const int numeric_cols[] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 27, 28};

static const char *num(double v, int dec, char *buf, size_t len)
{
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, len, "%.*f", dec, v);
    return buf;
}

static const char *num_or_null(double v, int dec, char *buf, size_t len)
{
    return isnan(v) ? NULL : num(v, dec, buf, len);
}

const char *const *pl_project_cells_fill(const pl_project_row *r, pl_project_cells *c)
{
    char (*b)[32] = c->buf;
    snprintf(b[0], sizeof b[0], "%d", r->nparcels);
    const char *v[PL_PROJECT_COLS] = {
        r->code, r->lead, r->company, r->company_en, r->country, r->industry_zh ? r->industry_zh : r->industry,
        r->stage, pl_project_stage_zh(r->stage), r->signed_on, r->parcels, b[0],
        num(r->area_m2, 2, b[1], sizeof b[1]), num(pl_m2_to_mu(r->area_m2), 2, b[2], sizeof b[2]),
        num_or_null(r->investment, 2, b[3], sizeof b[3]),
        num_or_null(r->investment_intensity, 2, b[4], sizeof b[4]), num_or_null(r->far, 2, b[5], sizeof b[5]),
        num_or_null(r->tax_per_mu, 2, b[6], sizeof b[6]), num_or_null(r->output_per_mu, 2, b[7], sizeof b[7]),
        num_or_null(r->energy_per_output, 3, b[8], sizeof b[8]), r->milestones[0].planned,
        r->milestones[0].actual, r->milestones[1].planned, r->milestones[1].actual, r->milestones[2].planned,
        r->milestones[2].actual, r->milestones[3].planned, r->milestones[3].actual,
        num(r->planned_total, 2, b[9], sizeof b[9]), num(r->invested, 2, b[10], sizeof b[10]),
        r->shortfall_note};
    memcpy(c->cell, v, sizeof v);
    return c->cell;
}

pl_table *pl_project_table_new(void)
{
    pl_table *t = pl_table_new(PL_PROJECT_COLS, pl_project_col_keys, pl_project_col_labels);
    if (t)
        for (size_t k = 0; k < sizeof numeric_cols / sizeof *numeric_cols; k++)
            pl_table_set_numeric(t, (size_t)numeric_cols[k]);
    return t;
}

int pl_project_table_add(pl_table *t, const pl_project_row *r)
{
    pl_project_cells c;
    return pl_table_add_row(t, pl_project_cells_fill(r, &c)) ? PL_ERR_NOMEM : PL_OK;
}

static int add_row(const pl_project_row *r, void *ctx)
{
    return pl_project_table_add(ctx, r);
}

int pl_project_table(pl_db *db, const pl_project_filter *filter, const char *code, pl_table **out, pl_error *err)
{
    *out = NULL;
    pl_table *t = pl_project_table_new();
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    int rc = code ? pl_project_get(db, code, add_row, t, err) : pl_project_each(db, filter, add_row, t, err);
    if (rc) {
        if (!err->message[0])
            pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        pl_table_free(t);
        return rc;
    }
    *out = t;
    return PL_OK;
}
