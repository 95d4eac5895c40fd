/* report_availability.c — land availability as of a date: parcels and area by
 * park and status, free land by size class, reserved parcels. */
#include "report_internal.h"

#include "parkland/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NSTATUS 9
#define NCLASS 5

/* Size classes of free land, 亩: [0,20) [20,50) [50,100) [100,300) [300,∞). */
static const double class_min[NCLASS] = {0, 20, 50, 100, 300};
static const char *const class_label[NCLASS] = {"<20", "20–50", "50–100", "100–300", "≥300"};

/* The class of an area, decided on the area rounded to 0.01 亩 as printed, so
 * that a parcel shown as 20.00 亩 is in 20–50. */
static int size_class(double m2)
{
    double mu = round(pl_m2_to_mu(m2) * 100.0) / 100.0;
    int k = 0;
    while (k + 1 < NCLASS && mu >= class_min[k + 1])
        k++;
    return k;
}

static int status_index(const char *s)
{
    for (int i = 0; i < NSTATUS; i++)
        if (!strcmp(pl_parcel_status_ids[i], s))
            return i;
    return -1;
}

typedef struct tally {
    long n;
    double m2;
} tally;

static int status_rows(rp_table *t, const char *park, const char *name, const tally *by, pl_error *err)
{
    tally all = {0, 0};
    int rc = PL_OK;
    for (int s = 0; s < NSTATUS && !rc; s++) {
        all.n += by[s].n;
        all.m2 += by[s].m2;
        const char *cells[] = {park, name, pl_parcel_status_ids[s], rp_status_zh(pl_parcel_status_ids[s]), rp_int(by[s].n),
                               rp_num(pl_m2_to_mu(by[s].m2), 2), rp_num(pl_m2_to_ha(by[s].m2), 4)};
        rc = rp_row(t, cells, err);
    }
    if (rc)
        return rc;
    const char *cells[] = {park, name, "all", "合计", rp_int(all.n), rp_num(pl_m2_to_mu(all.m2), 2),
                           rp_num(pl_m2_to_ha(all.m2), 4)};
    return rp_row(t, cells, err);
}

static int class_rows(rp_table *t, const char *park, const char *name, const tally *by, pl_error *err)
{
    tally all = {0, 0};
    int rc = PL_OK;
    for (int k = 0; k < NCLASS && !rc; k++) {
        all.n += by[k].n;
        all.m2 += by[k].m2;
        const char *cells[] = {park, name, class_label[k], rp_int(by[k].n), rp_num(pl_m2_to_mu(by[k].m2), 2),
                               rp_num(pl_m2_to_ha(by[k].m2), 4)};
        rc = rp_row(t, cells, err);
    }
    if (rc)
        return rc;
    const char *cells[] = {park, name, "合计 all", rp_int(all.n), rp_num(pl_m2_to_mu(all.m2), 2),
                           rp_num(pl_m2_to_ha(all.m2), 4)};
    return rp_row(t, cells, err);
}

typedef struct reserved_row {
    size_t parcel;
    const rp_reservation *res; /* NULL: reserved without a reservation record */
    const char *park, *expires, *code; /* sort keys */
} reserved_row;

static int reserved_cmp(const void *a, const void *b)
{
    const reserved_row *x = a, *y = b;
    int c = strcmp(x->park, y->park);
    if (c)
        return c;
    c = strcmp(x->expires, y->expires);
    return c ? c : strcmp(x->code, y->code);
}

static reserved_row reserved_at(const rp_data *d, size_t parcel, const rp_reservation *res)
{
    const rp_parcel *p = &d->parcels[parcel];
    return (reserved_row){parcel, res, d->parks[p->park].code, res ? res->expires_on : "9999", p->code};
}

int rp_build_availability(pl_report *r, const rp_data *d, pl_error *err)
{
    static const rp_col status_cols[] = {
        {"park", "园区 park", 0},        {"park_name", "园区名称 name", 0}, {"status", "状态 status", 0},
        {"status_zh", "状态", 0},        {"parcels", "宗数 parcels", 1},    {"area_mu", "面积 亩", 1},
        {"area_ha", "面积 ha", 1}};
    static const rp_col class_cols[] = {
        {"park", "园区 park", 0},         {"park_name", "园区名称 name", 0}, {"size_class", "面积段 亩 size class", 0},
        {"parcels", "宗数 parcels", 1},   {"area_mu", "面积 亩", 1},          {"area_ha", "面积 ha", 1}};
    static const rp_col res_cols[] = {
        {"park", "园区 park", 0},              {"code", "宗地号 parcel", 0},         {"name", "名称 name", 0},
        {"area_mu", "面积 亩", 1},              {"lead", "线索 lead", 0},             {"company", "企业 company", 0},
        {"reserved_on", "预留日 reserved on", 0}, {"expires_on", "到期日 expires on", 0},
        {"days_left", "剩余天数 days left", 1}, {"expired", "已过期 expired", 0}};
    rp_table *ts = rp_table_add(r, "status_by_park", "宗地按园区、状态 parcels and area by park and status",
                                sizeof status_cols / sizeof *status_cols, status_cols);
    rp_table *tc = ts ? rp_table_add(r, "free_by_size", "可供土地按面积段 free land (available) by size class (亩)",
                                     sizeof class_cols / sizeof *class_cols, class_cols)
                      : NULL;
    rp_table *tr = tc ? rp_table_add(r, "reserved", "预留地块 reserved parcels", sizeof res_cols / sizeof *res_cols,
                                     res_cols)
                      : NULL;
    if (!tr)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");

    size_t np = d->nparks;
    tally *st = calloc((np + 1) * NSTATUS, sizeof *st), *cl = calloc((np + 1) * NCLASS, sizeof *cl);
    reserved_row *rows = calloc(d->nparcels + d->nres + 1, sizeof *rows);
    int rc = PL_OK;
    if (!st || !cl || !rows) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    tally *st_total = st + np * NSTATUS, *cl_total = cl + np * NCLASS;
    for (size_t i = 0; i < d->nparcels; i++) {
        const rp_parcel *p = &d->parcels[i];
        int s = status_index(p->status);
        if (p->park < 0 || s < 0)
            continue;
        tally *a = &st[(size_t)p->park * NSTATUS + (size_t)s];
        a->n++, a->m2 += p->area_m2;
        st_total[s].n++, st_total[s].m2 += p->area_m2;
        if (!strcmp(p->status, "available")) {
            int k = size_class(p->area_m2);
            tally *c = &cl[(size_t)p->park * NCLASS + (size_t)k];
            c->n++, c->m2 += p->area_m2;
            cl_total[k].n++, cl_total[k].m2 += p->area_m2;
        }
    }
    for (size_t k = 0; k < np && !rc; k++)
        rc = status_rows(ts, d->parks[k].code, d->parks[k].name, st + k * NSTATUS, err);
    if (!rc)
        rc = status_rows(ts, RP_TOTAL, d->filtered ? d->parks[0].name : "全部园区 all parks", st_total, err);
    for (size_t k = 0; k < np && !rc; k++)
        rc = class_rows(tc, d->parks[k].code, d->parks[k].name, cl + k * NCLASS, err);
    if (!rc)
        rc = class_rows(tc, RP_TOTAL, d->filtered ? d->parks[0].name : "全部园区 all parks", cl_total, err);
    if (rc)
        goto out;

    /* reserved parcels: the reservations holding on D, and any parcel reserved without one */
    size_t n = 0;
    for (size_t i = 0; i < d->nres; i++)
        if (d->parcels[d->res[i].parcel].park >= 0)
            rows[n++] = reserved_at(d, d->res[i].parcel, &d->res[i]);
    for (size_t i = 0; i < d->nparcels; i++) {
        if (d->parcels[i].park < 0 || strcmp(d->parcels[i].status, "reserved"))
            continue;
        int held = 0;
        for (size_t k = 0; k < d->nres && !held; k++)
            held = d->res[k].parcel == i;
        if (!held)
            rows[n++] = reserved_at(d, i, NULL);
    }
    qsort(rows, n, sizeof *rows, reserved_cmp);
    for (size_t i = 0; i < n && !rc; i++) {
        const rp_parcel *p = &d->parcels[rows[i].parcel];
        const rp_reservation *res = rows[i].res;
        const char *left = "", *expired = "";
        if (res && pl_date_valid(res->expires_on)) {
            long days = rp_days(res->expires_on) - d->today;
            left = rp_int(days);
            expired = days < 0 ? "是 yes" : "";
        }
        const char *cells[] = {d->parks[p->park].code, p->code, p->name, rp_num(pl_m2_to_mu(p->area_m2), 2),
                               res ? res->lead_code : NULL, res ? res->company : NULL,
                               res ? res->reserved_on : NULL, res ? res->expires_on : NULL, left, expired};
        rc = rp_row(tr, cells, err);
    }
out:
    free(st);
    free(cl);
    free(rows);
    return rc;
}
