/* ledger.c — the stock ledger (存量土地台账): each parcel's category as of a
 * date (parkland/ledger.h), from the reports' data as of D (report.c), the
 * idle-land cases, the 亩均 grades, the inspections and the approvals. */
#include "ledger_internal.h"

#include "parkland/i18n.h"
#include "parkland/idle.h"
#include "parkland/muni.h"
#include "vocab.h"

#define N_(msgid) msgid /* marked for xgettext, translated where used (pl_tr) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pl_term classes[] = {
#define LEDGER_TERM(id, zh, en) {#id, zh, en},
    PL_VOCAB_LEDGER(LEDGER_TERM)
#undef LEDGER_TERM
};
_Static_assert(sizeof classes / sizeof *classes == PL_LEDGER_CLASSES, "one term per ledger class");

const char *pl_ledger_class_id(pl_ledger_class c)
{
    return (unsigned)c < PL_LEDGER_CLASSES ? classes[c].id : "";
}

const char *pl_ledger_class_zh(pl_ledger_class c)
{
    return (unsigned)c < PL_LEDGER_CLASSES ? classes[c].zh : "";
}

const char *pl_ledger_class_en(pl_ledger_class c)
{
    return (unsigned)c < PL_LEDGER_CLASSES ? classes[c].en : "";
}

/* What the ledger reads beside rp_data, per parcel (index of d->parcels). */
typedef struct facts {
    char approved_on[11], approval_doc[64];
    int inspected;
    char inspected_on[11];
    double progress, built;    /* NAN: not recorded */
    int idle_case;             /* confirmed or disposed, not closed */
    char idle_stage[16], idle_decision[64];
    long project;              /* index into d->projects holding it, -1 */
} facts;

static int read_approvals(pl_db *db, const rp_data *d, facts *f, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, approved_on, approval_doc FROM parcel WHERE approved_on IS NOT NULL"
                               " AND approved_on <= ?1", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, d->as_of);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long i = rp_parcel_index(d, (long)sqlite3_column_int64(st, 0));
        const char *on = (const char *)sqlite3_column_text(st, 1), *doc = (const char *)sqlite3_column_text(st, 2);
        if (i < 0 || !on || !pl_date_valid(on))
            continue;
        snprintf(f[i].approved_on, sizeof f[i].approved_on, "%s", on);
        snprintf(f[i].approval_doc, sizeof f[i].approval_doc, "%s", doc ? doc : "");
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot read the parcels' approvals");
}

/* The latest inspection on or before D of each parcel. */
static int read_inspections(pl_db *db, const rp_data *d, facts *f, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT parcel_id, inspected_on, progress_pct, built_area_m2 FROM inspection"
                               " WHERE inspected_on <= ?1 ORDER BY parcel_id, inspected_on, id", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, d->as_of);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long i = rp_parcel_index(d, (long)sqlite3_column_int64(st, 0));
        if (i < 0)
            continue;
        f[i].inspected = 1;
        snprintf(f[i].inspected_on, sizeof f[i].inspected_on, "%.10s", (const char *)sqlite3_column_text(st, 1));
        f[i].progress = sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
        f[i].built = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot read the inspections");
}

static int read_idle(pl_db *db, const rp_data *d, const char *park, facts *f, pl_error *err)
{
    pl_idle_case *cases = NULL;
    size_t n = 0;
    int rc = pl_idle_cases(db, d->as_of, park, 0, &cases, &n, err);
    for (size_t c = 0; !rc && c < n; c++) {
        if (!cases[c].recorded || (cases[c].stage != PL_IDLE_CONFIRMED && cases[c].stage != PL_IDLE_DISPOSED))
            continue;
        for (size_t i = 0; i < d->nparcels; i++) {
            const rp_parcel *p = &d->parcels[i];
            if (p->park < 0 || strcmp(p->code, cases[c].parcel) || strcmp(d->parks[p->park].code, cases[c].park))
                continue;
            f[i].idle_case = 1;
            snprintf(f[i].idle_stage, sizeof f[i].idle_stage, "%s", pl_idle_stage_id(cases[c].stage));
            snprintf(f[i].idle_decision, sizeof f[i].idle_decision, "%s", cases[c].decision_no);
        }
    }
    free(cases);
    return rc;
}

/* The latest year with annual figures not after D's year; 0 when none. */
static int muni_year(pl_db *db, const rp_data *d)
{
    sqlite3_stmt *st;
    pl_error e;
    if (pl_db_prepare(db, "SELECT max(year) FROM annual_figure WHERE year <= ?1", &st, &e))
        return 0;
    sqlite3_bind_int(st, 1, d->year);
    int y = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return y;
}

/* The park's thresholds (park indicators): tax and output per mu; NAN when none. */
static void park_thresholds(pl_db *db, long park_id, double *tax, double *output)
{
    *tax = *output = NAN;
    sqlite3_stmt *st;
    pl_error e;
    if (pl_db_prepare(db, "SELECT threshold_tax_per_mu, threshold_output_per_mu FROM park_indicator"
                          " WHERE park_id = ?1", &st, &e))
        return;
    sqlite3_bind_int64(st, 1, park_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL)
            *tax = sqlite3_column_double(st, 0);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
            *output = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
}

static int statused(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

/* The floor of a per-mu figure: committed, else the parcel's indicator, else the park's. */
static double floor_of(double committed, double parcel, double park, const char **from)
{
    if (isfinite(committed) && committed > 0) {
        *from = N_("committed");
        return committed;
    }
    if (isfinite(parcel) && parcel > 0) {
        *from = N_("parcel indicator");
        return parcel;
    }
    *from = N_("park threshold");
    return park;
}

/* 低效: *reason filled when the firm of project pr holding parcel p is inefficient. */
static int inefficient(pl_db *db, const rp_data *d, const pl_muni_grades *g, const rp_parcel *p,
                       const rp_project *pr, char *reason, size_t len)
{
    const pl_muni_firm *m = pr ? pl_muni_project_firm(g, pr->code) : NULL;
    if (!m || m->excluded)
        return 0;
    if (m->grade == 'D') {
        snprintf(reason, len, pl_tr("graded D in %d (score %.2f)"), g->year, m->score);
        return 1;
    }
    double ptax, pout;
    park_thresholds(db, d->parks[p->park].id, &ptax, &pout);
    const char *from;
    double tax = m->value[PL_MUNI_TAX], sales = m->value[PL_MUNI_SALES];
    double ftax = floor_of(pr->tax, p->ind_tax, ptax, &from);
    if (isfinite(tax) && isfinite(ftax) && tax < ftax) {
        snprintf(reason, len, pl_tr("tax per mu %.2f < %.2f 万元/亩 (%s) in %d"), tax, ftax, pl_tr(from), g->year);
        return 1;
    }
    double fout = floor_of(pr->output, p->ind_output, pout, &from);
    if (isfinite(sales) && isfinite(fout) && sales < fout) {
        snprintf(reason, len, pl_tr("sales per mu %.2f < output %.2f 万元/亩 (%s) in %d"), sales, fout, pl_tr(from), g->year);
        return 1;
    }
    return 0;
}

static const char *const supplied_statuses[] = {"transferred", "construction", "production", "verified", "idle", NULL};
static const char *const started_statuses[] = {"construction", "production", "verified", NULL};

static void classify(pl_db *db, const rp_data *d, const pl_muni_grades *g, size_t i, const facts *f,
                     pl_ledger_parcel *e)
{
    const rp_parcel *p = &d->parcels[i];
    const rp_project *pr = f->project >= 0 ? &d->projects[f->project] : NULL;
    char *r = e->reason;
    size_t rl = sizeof e->reason;
    const char *land = pr ? pr->actual[RP_LAND] : "", *cons = pr ? pr->actual[RP_CONSTRUCTION] : "";
    int supplied = *land || statused(p->status, supplied_statuses);
    int started = *cons || statused(p->status, started_statuses);
    if (f->idle_case || !strcmp(p->status, "idle")) {
        e->cls = PL_LEDGER_IDLE;
        if (f->idle_case)
            snprintf(r, rl, pl_tr("idle case %s (decision %s)"), f->idle_stage, f->idle_decision);
        else
            snprintf(r, rl, "%s", pl_tr("status idle"));
        return;
    }
    if (supplied && started && g && inefficient(db, d, g, p, pr, r, rl)) {
        e->cls = PL_LEDGER_INEFFICIENT;
        return;
    }
    if (started) {
        const char *done = pr && *pr->completion[1] ? pr->completion[1] : pr && *pr->actual[RP_PRODUCTION]
                                                                           ? pr->actual[RP_PRODUCTION] : "";
        int finished = *done || !strcmp(p->status, "production") || !strcmp(p->status, "verified");
        if (!finished) {
            e->cls = PL_LEDGER_UNDERUSED;
            if (*cons)
                snprintf(r, rl, pl_tr("started %s, not completed"), cons);
            else
                snprintf(r, rl, pl_tr("status %s, not completed"), p->status);
            return;
        }
        if (f->inspected && isfinite(f->progress) && f->progress < 100) {
            e->cls = PL_LEDGER_UNDERUSED;
            snprintf(r, rl, pl_tr("inspection %s: progress %g %%"), f->inspected_on, f->progress);
            return;
        }
        if (f->inspected && isfinite(f->built) && f->built < p->area_m2) {
            e->cls = PL_LEDGER_UNDERUSED;
            snprintf(r, rl, pl_tr("inspection %s: developed %.2f of %.2f m²"), f->inspected_on, f->built, p->area_m2);
            return;
        }
        e->cls = PL_LEDGER_OTHER;
        if (*done)
            snprintf(r, rl, pl_tr("in use since %s"), done);
        else
            snprintf(r, rl, "%s", pl_tr("in use"));
        return;
    }
    if (supplied) {
        e->cls = PL_LEDGER_SUPPLIED_UNUSED;
        if (*land)
            snprintf(r, rl, pl_tr("land supplied %s, not started"), land);
        else
            snprintf(r, rl, pl_tr("status %s, not started"), p->status);
        return;
    }
    if (*f->approved_on) {
        e->cls = PL_LEDGER_APPROVED_UNSUPPLIED;
        if (*f->approval_doc)
            snprintf(r, rl, pl_tr("approved %s (%s), status %s"), f->approved_on, f->approval_doc, p->status);
        else
            snprintf(r, rl, pl_tr("approved %s, status %s"), f->approved_on, p->status);
        return;
    }
    if (!strcmp(p->status, "reserve")) {
        e->cls = PL_LEDGER_RESERVE;
        snprintf(r, rl, "%s", pl_tr("land bank"));
        return;
    }
    e->cls = PL_LEDGER_OTHER;
    snprintf(r, rl, pl_tr("status %s, no approval on record"), p->status);
}

int rp_ledger_classify(pl_db *db, const rp_data *d, const char *park, pl_ledger *out, pl_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->as_of, sizeof out->as_of, "%s", d->as_of);
    facts *f = calloc(d->nparcels ? d->nparcels : 1, sizeof *f);
    out->parcels = calloc(d->nparcels ? d->nparcels : 1, sizeof *out->parcels);
    if (!f || !out->parcels) {
        free(f);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < d->nparcels; i++) {
        f[i].project = -1;
        f[i].progress = f[i].built = NAN;
    }
    /* the holding project: the latest signed of those holding it on D (rp_load's links) */
    for (size_t k = 0; k < d->nprojects; k++)
        for (size_t j = 0; j < d->projects[k].nparcels; j++)
            f[d->projects[k].parcels[j]].project = (long)k;
    int rc = read_approvals(db, d, f, err);
    if (!rc)
        rc = read_inspections(db, d, f, err);
    if (!rc)
        rc = read_idle(db, d, park, f, err);
    pl_muni_grades g;
    memset(&g, 0, sizeof g);
    int year = rc ? 0 : muni_year(db, d), graded = 0;
    if (year) {
        if ((rc = pl_muni_grade(db, year, NULL, &g, err)))
            pl_muni_grades_release(&g);
        else
            graded = 1;
    }
    out->muni_year = graded ? year : 0;
    for (size_t i = 0; !rc && i < d->nparcels; i++) {
        const rp_parcel *p = &d->parcels[i];
        if (p->park < 0)
            continue;
        pl_ledger_parcel *e = &out->parcels[out->n++];
        e->id = p->id;
        snprintf(e->park, sizeof e->park, "%s", d->parks[p->park].code);
        snprintf(e->code, sizeof e->code, "%s", p->code);
        snprintf(e->status, sizeof e->status, "%s", p->status);
        e->area_m2 = p->area_m2;
        if (f[i].project >= 0)
            snprintf(e->project, sizeof e->project, "%s", d->projects[f[i].project].code);
        classify(db, d, graded ? &g : NULL, i, &f[i], e);
    }
    if (graded)
        pl_muni_grades_release(&g);
    free(f);
    if (rc) {
        pl_ledger_release(out);
        return rc;
    }
    return PL_OK;
}

int pl_ledger_build(pl_db *db, const char *as_of, const char *park, pl_ledger *out, pl_error *err)
{
    memset(out, 0, sizeof *out);
    char today[16];
    if (!as_of) {
        pl_today(today, sizeof today);
        as_of = today;
    }
    if (!pl_date_valid(as_of))
        return pl_error_set(err, PL_ERR_USAGE, "--as-of '%s' is not a date (YYYY-MM-DD, a real calendar day)", as_of);
    if (park && !*park)
        park = NULL;
    rp_data d;
    int rc = rp_load(db, as_of, park, &d, err);
    if (rc)
        return rc;
    rc = rp_ledger_classify(db, &d, park, out, err);
    rp_data_free(&d);
    return rc;
}

void pl_ledger_release(pl_ledger *l)
{
    if (!l)
        return;
    free(l->parcels);
    l->parcels = NULL;
    l->n = 0;
}

const pl_ledger_parcel *pl_ledger_find(const pl_ledger *l, long id)
{
    size_t lo = 0, hi = l ? l->n : 0; /* by id: rp_data's order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->parcels[mid].id == id)
            return &l->parcels[mid];
        if (l->parcels[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
