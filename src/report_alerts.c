/* report_alerts.c — early warnings as of a date, most severe first:
 * reclaim candidates (≥ 730 days past the effective start without a start),
 * idle-land warnings (≥ 365 days; idle fee 20 % of the land price: the
 * recorded transfer price, else base price × area; MLR order 53), late
 * starts, overdue completion (竣工) and production (投产), overdue
 * milestones (达产 verification), overdue handover (交地, the government's
 * side), expired reservations still held, and committed indicators below the
 * parcel's standard-land indicators. Every deadline is the effective one
 * (parkland/deadline.h): agreed, moved by a late handover, extended. */
#include "report_internal.h"
#include "landing.h"

#include "parkland/units.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { A_RECLAIM, A_IDLE, A_LATE, A_COMPLETION, A_PRODUCTION, A_MILESTONE, A_LAND, A_RESERVATION, A_SHORTFALL,
       A_KINDS };
static const char *const kind_id[A_KINDS] = {"reclaim", "idle", "late_start", "completion_overdue",
                                             "production_overdue", "milestone_overdue", "land_overdue",
                                             "reservation_expired", "indicator_shortfall"};
static const char *const kind_zh[A_KINDS] = {"收回候选", "闲置预警", "逾期未开工", "逾期未竣工", "逾期未投产",
                                             "节点逾期", "逾期未交地(政府)", "预留过期", "指标不达标"};
static const char *const kind_en[A_KINDS] = {"reclaim candidate", "idle-land warning", "late start",
                                             "completion overdue", "production overdue", "milestone overdue",
                                             "handover overdue (government)", "reservation expired",
                                             "indicator shortfall"};

#define NO_DAYS LONG_MIN

typedef struct alert {
    int kind;
    char park[128], subject[128], company[256], parcels[512], date[11];
    long days;       /* NO_DAYS when none */
    double fee;      /* 万元, NAN when none */
    char detail[1024];
} alert;

typedef struct alerts {
    alert *a;
    size_t n, cap;
} alerts;

static alert *push(alerts *as, pl_error *err)
{
    if (as->n == as->cap) {
        size_t nc = as->cap ? as->cap * 2 : 32;
        alert *p = realloc(as->a, nc * sizeof *p);
        if (!p) {
            pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            return NULL;
        }
        as->a = p;
        as->cap = nc;
    }
    alert *a = &as->a[as->n++];
    memset(a, 0, sizeof *a);
    a->days = NO_DAYS;
    a->fee = NAN;
    return a;
}

static int alert_cmp(const void *x, const void *y)
{
    const alert *a = x, *b = y;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->days != b->days)
        return a->days > b->days ? -1 : 1; /* most days first; none last */
    int c = strcmp(a->park, b->park);
    if (!c)
        c = strcmp(a->subject, b->subject);
    return c ? c : strcmp(a->detail, b->detail);
}

/* The project's parcel codes (those within the report's parks). */
static void project_parcels(const rp_data *d, const rp_project *p, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < p->nparcels; k++) {
        const rp_parcel *q = &d->parcels[p->parcels[k]];
        if (q->park < 0)
            continue;
        int w = snprintf(buf + n, len - n, "%s%s", n ? "," : "", q->code);
        if (w < 0 || (size_t)w >= len - n)
            break;
        n += (size_t)w;
    }
}

static void project_alert(alert *a, const rp_data *d, const rp_project *p, int kind)
{
    a->kind = kind;
    rp_project_parks(d, p, a->park, sizeof a->park);
    snprintf(a->subject, sizeof a->subject, "%s", p->code);
    snprintf(a->company, sizeof a->company, "%s", p->company ? p->company : "");
    project_parcels(d, p, a->parcels, sizeof a->parcels);
}

/* Idle fee: 20 % of the land price: a parcel's recorded transfer price (成交价, `idle price`) when
 * it has one, else estimated at its base price (起始价, 万元/亩) × area; NAN when a parcel has
 * neither. *basis: how (a phrase for the detail, "" when NAN). */
static double idle_fee(const rp_data *d, const rp_project *p, const char **basis)
{
    double price = 0;
    int transfer = 0, base = 0;
    *basis = "";
    if (!p->nparcels)
        return NAN;
    for (size_t k = 0; k < p->nparcels; k++) {
        const rp_parcel *q = &d->parcels[p->parcels[k]];
        if (!isnan(q->transfer_price_wan)) {
            price += q->transfer_price_wan;
            transfer = 1;
        } else if (!isnan(q->base_price)) {
            price += q->base_price * pl_m2_to_mu(q->area_m2);
            base = 1;
        } else {
            return NAN;
        }
    }
    *basis = transfer && base ? "; 闲置费 = 20% × 成交价 (未记录成交价的宗地按起始价 × 面积估算); idle fee = 20% of "
                                "the transfer price (estimated at base price × area where none is recorded)"
             : transfer       ? "; 闲置费 = 20% × 成交价; idle fee = 20% of the transfer price"
                              : "; 闲置费按起始价 × 面积估算 (未记录成交价); idle fee estimated at 20% of base price × "
                                "area (no transfer price recorded)";
    return PL_IDLE_FEE_SHARE * price;
}

/* How the effective deadline came about, for the detail ("" when it is the agreed date). */
static void deadline_why(const pl_deadline *dl, char *buf, size_t len)
{
    buf[0] = '\0';
    if (dl->extended)
        snprintf(buf, len, " (约定 %s, 延期至 %s; agreed %s, extended to %s)", dl->agreed, dl->effective, dl->agreed,
                 dl->effective);
    else if (dl->shift_days > 0)
        snprintf(buf, len, " (约定 %s, 因交地延迟顺延 %ld 天; agreed %s, moved %ld days by the late handover)",
                 dl->agreed, dl->shift_days, dl->agreed, dl->shift_days);
}

/* the English name of a deadline in the detail (the milestones' own: "production planned …") */
static const char *const deadline_en[PL_DL_KINDS] = {"land supply", "construction start", "completion", "production",
                                                     "verification"};

static int start_alerts(const rp_data *d, alerts *as, pl_error *err)
{
    for (size_t i = 0; i < d->nprojects; i++) {
        const rp_project *p = &d->projects[i];
        const char *planned = p->dl[PL_DL_START].effective; /* agreed, moved by a late handover, extended */
        const char *const actual[PL_MS_KINDS] = {p->actual[RP_LAND], p->actual[RP_CONSTRUCTION],
                                                 p->actual[RP_PRODUCTION], p->actual[RP_VERIFICATION]};
        pl_landing l;
        pl_landing_of_deadlines(1, actual, p->dl, d->as_of, &l); /* the map's rule (export.c) */
        if (!p->counted || !l.overdue)
            continue;
        long days = l.overdue_days;
        int kind = l.reclaim ? A_RECLAIM : l.idle ? A_IDLE : A_LATE;
        alert *a = push(as, err);
        if (!a)
            return PL_ERR_NOMEM;
        project_alert(a, d, p, kind);
        snprintf(a->date, sizeof a->date, "%s", planned);
        a->days = days;
        const char *basis = "";
        if (kind == A_RECLAIM) {
            a->fee = idle_fee(d, p, &basis);
            snprintf(a->detail, sizeof a->detail,
                     "约定开工 %s，逾期 %ld 天未开工，满两年可无偿收回 (国土资源部令第53号); agreed start %s passed "
                     "%ld days ago without a start: may be reclaimed without compensation (MLR order 53)%s",
                     planned, days, planned, days, basis);
        } else if (kind == A_IDLE) {
            a->fee = idle_fee(d, p, &basis);
            snprintf(a->detail, sizeof a->detail,
                     "约定开工 %s，逾期 %ld 天未开工，闲置满一年征收土地闲置费 (出让价 20%%, 国土资源部令第53号); "
                     "agreed start %s passed %ld days ago: idle land, fee 20%% of the land price (MLR order 53)%s",
                     planned, days, planned, days, basis);
        } else {
            char why[256];
            deadline_why(&p->dl[PL_DL_START], why, sizeof why);
            snprintf(a->detail, sizeof a->detail, "约定开工 %s，逾期 %ld 天未开工%s; agreed start %s passed %ld days ago, "
                     "not started", planned, days, why, planned, days);
        }
    }
    return PL_OK;
}

static int milestone_alerts(const rp_data *d, alerts *as, pl_error *err)
{
    /* the deadlines after the start, and the government's handover */
    static const struct {
        int dl, kind;
    } which[] = {{PL_DL_COMPLETION, A_COMPLETION}, {PL_DL_PRODUCTION, A_PRODUCTION}, {PL_DL_FULL, A_MILESTONE},
                 {PL_DL_LAND, A_LAND}};
    for (size_t i = 0; i < d->nprojects; i++) {
        const rp_project *p = &d->projects[i];
        if (!p->counted)
            continue;
        for (size_t w = 0; w < sizeof which / sizeof *which; w++) {
            const pl_deadline *dl = &p->dl[which[w].dl];
            /* 竣工 is late once started (before that, the start is); 投产 once completed, if recorded */
            if (!dl->overdue_days || (which[w].dl == PL_DL_COMPLETION && !p->actual[RP_CONSTRUCTION][0]) ||
                (which[w].dl == PL_DL_COMPLETION && p->actual[RP_PRODUCTION][0]))
                continue;
            long days = dl->overdue_days;
            alert *a = push(as, err);
            if (!a)
                return PL_ERR_NOMEM;
            project_alert(a, d, p, which[w].kind);
            snprintf(a->date, sizeof a->date, "%s", dl->effective);
            a->days = days;
            char why[256];
            deadline_why(dl, why, sizeof why);
            if (which[w].dl == PL_DL_LAND)
                snprintf(a->detail, sizeof a->detail,
                         "计划供地 %s，逾期 %ld 天未交地 (政府方); land supply planned %s, %ld days overdue "
                         "(the government's side): the company's later deadlines move by the delay",
                         dl->effective, days, dl->effective, days);
            else
                snprintf(a->detail, sizeof a->detail, "计划%s %s，逾期 %ld 天未完成%s; %s planned %s, %ld days overdue",
                         pl_deadline_zh((pl_deadline_kind)which[w].dl), dl->effective, days, why,
                         deadline_en[which[w].dl], dl->effective, days);
        }
    }
    return PL_OK;
}

static int reservation_alerts(const rp_data *d, alerts *as, pl_error *err)
{
    for (size_t i = 0; i < d->nres; i++) {
        const rp_reservation *r = &d->res[i];
        const rp_parcel *q = &d->parcels[r->parcel];
        if (q->park < 0 || !pl_date_valid(r->expires_on) || strcmp(r->expires_on, d->as_of) >= 0)
            continue;
        long days = d->today - rp_days(r->expires_on);
        alert *a = push(as, err);
        if (!a)
            return PL_ERR_NOMEM;
        a->kind = A_RESERVATION;
        snprintf(a->park, sizeof a->park, "%s", d->parks[q->park].code);
        snprintf(a->subject, sizeof a->subject, "%s", q->code);
        snprintf(a->company, sizeof a->company, "%s", r->company ? r->company : "");
        snprintf(a->parcels, sizeof a->parcels, "%s", q->code);
        snprintf(a->date, sizeof a->date, "%s", r->expires_on);
        a->days = days;
        if (r->lead_code)
            snprintf(a->detail, sizeof a->detail,
                     "为线索 %s 预留至 %s，已过期 %ld 天仍未释放; reserved for lead %s until %s, expired %ld days ago "
                     "and not released",
                     r->lead_code, r->expires_on, days, r->lead_code, r->expires_on, days);
        else
            snprintf(a->detail, sizeof a->detail,
                     "预留至 %s，已过期 %ld 天仍未释放; reserved until %s, expired %ld days ago and not released",
                     r->expires_on, days, r->expires_on, days);
    }
    return PL_OK;
}

/* One committed indicator against the parcel's: ≥ (sense 1), ≤ (sense -1) or a range (FAR). */
typedef struct check {
    const char *zh, *en, *unit;
    double committed, min, max; /* NAN: none */
} check;

static int shortfall_alerts(const rp_data *d, alerts *as, pl_error *err)
{
    for (size_t i = 0; i < d->nprojects; i++) {
        const rp_project *p = &d->projects[i];
        if (!p->counted)
            continue;
        for (size_t k = 0; k < p->nparcels; k++) {
            const rp_parcel *q = &d->parcels[p->parcels[k]];
            if (q->park < 0 || !q->has_ind)
                continue;
            const check checks[] = {
                {"投资强度", "investment intensity", "万元/亩", p->intensity, q->ind_intensity, NAN},
                {"容积率", "FAR", "", p->far, q->ind_far_min, q->ind_far_max},
                {"亩均税收", "tax per mu", "万元/亩·年", p->tax, q->ind_tax, NAN},
                {"亩均产值", "output per mu", "万元/亩·年", p->output, q->ind_output, NAN},
                {"单位产值能耗", "energy per output", "吨标准煤/万元", p->energy, NAN, q->ind_energy},
            };
            for (size_t c = 0; c < sizeof checks / sizeof *checks; c++) {
                const check *ck = &checks[c];
                if (isnan(ck->min) && isnan(ck->max))
                    continue; /* the parcel sets none */
                int below = !isnan(ck->min) && ck->committed < ck->min - 1e-9;
                int above = !isnan(ck->max) && ck->committed > ck->max + 1e-9;
                if (!isnan(ck->committed) && !below && !above)
                    continue;
                char req[96], com[64];
                if (!isnan(ck->min) && !isnan(ck->max))
                    snprintf(req, sizeof req, "%s–%s%s", rp_num(ck->min, 2), rp_num(ck->max, 2), ck->unit);
                else if (!isnan(ck->min))
                    snprintf(req, sizeof req, "≥ %s%s%s", rp_num(ck->min, 2), *ck->unit ? " " : "", ck->unit);
                else
                    snprintf(req, sizeof req, "≤ %s%s%s", rp_num(ck->max, 2), *ck->unit ? " " : "", ck->unit);
                if (isnan(ck->committed))
                    snprintf(com, sizeof com, "未承诺 none");
                else
                    snprintf(com, sizeof com, "%s%s%s", rp_num(ck->committed, 2), *ck->unit ? " " : "", ck->unit);
                alert *a = push(as, err);
                if (!a)
                    return PL_ERR_NOMEM;
                project_alert(a, d, p, A_SHORTFALL);
                snprintf(a->park, sizeof a->park, "%s", d->parks[q->park].code);
                snprintf(a->parcels, sizeof a->parcels, "%s", q->code);
                snprintf(a->detail, sizeof a->detail, "宗地 %s %s: 承诺 %s, 要求 %s; parcel %s %s: committed %s, "
                         "required %s", q->code, ck->zh, com, req, q->code, ck->en, com, req);
            }
        }
    }
    return PL_OK;
}

int rp_build_alerts(pl_report *r, const rp_data *d, pl_error *err)
{
    static const rp_col sum_cols[] = {{"severity", "级别 severity", 0},
                                      {"severity_zh", "类型", 0},
                                      {"severity_en", "kind", 0},
                                      {"count", "条数 count", 1}};
    static const rp_col cols[] = {{"severity", "级别 severity", 0},
                                  {"severity_zh", "类型 kind", 0},
                                  {"park", "园区 park", 0},
                                  {"subject", "对象 project/parcel", 0},
                                  {"company", "企业 company", 0},
                                  {"parcels", "宗地 parcels", 0},
                                  {"date", "基准日 due date", 0},
                                  {"days", "逾期天数 days late", 1},
                                  {"idle_fee_wan", "闲置费 万元 idle fee (20% × 成交价 transfer price, else 起始价 base price)", 1},
                                  {"detail", "说明 detail", 0}};
    rp_table *ts = rp_table_add(r, "alerts_summary", "预警汇总 alerts by kind", sizeof sum_cols / sizeof *sum_cols,
                                sum_cols);
    rp_table *ta = ts ? rp_table_add(r, "alerts", "预警明细 alerts, most severe first", sizeof cols / sizeof *cols,
                                     cols)
                      : NULL;
    if (!ta)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    alerts as = {0};
    int rc;
    if ((rc = start_alerts(d, &as, err)) || (rc = milestone_alerts(d, &as, err)) ||
        (rc = reservation_alerts(d, &as, err)) || (rc = shortfall_alerts(d, &as, err)))
        goto out;
    if (as.n)
        qsort(as.a, as.n, sizeof *as.a, alert_cmp);
    long count[A_KINDS] = {0};
    for (size_t i = 0; i < as.n && !rc; i++) {
        const alert *a = &as.a[i];
        count[a->kind]++;
        const char *cells[] = {kind_id[a->kind], kind_zh[a->kind], a->park, a->subject, a->company, a->parcels,
                               a->date, a->days == NO_DAYS ? "" : rp_int(a->days), rp_num(a->fee, 2), a->detail};
        rc = rp_row(ta, cells, err);
    }
    for (int k = 0; k < A_KINDS && !rc; k++) {
        const char *cells[] = {kind_id[k], kind_zh[k], kind_en[k], rp_int(count[k])};
        rc = rp_row(ts, cells, err);
    }
    if (!rc) {
        const char *cells[] = {"all", "合计", "total", rp_int((long)as.n)};
        rc = rp_row(ts, cells, err);
    }
    r->alerts = as.n;
out:
    free(as.a);
    return rc;
}
