/* match.c — rank free parcels for a lead: a stated score (0–100) with one
 * reason per component (see parkland/match.h for the weights).
 *
 * The ranking is exactly that of scoring every free parcel and sorting (tests
 * compare it with an independent reference), but at 100 000 parcels most of
 * them cannot reach the best `top`, so:
 *  1. Numbers first, text last. Components are scored as integers (tenths);
 *     reasons are written only for the parcels handed to the callback, by the
 *     same functions, so points and text cannot disagree.
 *  2. Area windows. Available parcels are read by ranges of area_m2 from the
 *     parcel(status, area_m2) index: the ±10 % band first, then wider until no
 *     parcel outside the window can reach the `top`-th best lower bound found so
 *     far (the floor), even with every other point. Their minimums come from
 *     parcel_indicator in id order (its pages one after the other), and only
 *     for parcels whose area (and, when known, contiguity) leaves them a chance.
 *     A parcel whose upper bound is below the floor is dropped.
 *  3. Contiguity last, and only where it can change the ranking. The parcels
 *     kept are taken by decreasing upper bound (then area deviation) until the
 *     next one cannot beat the `top`-th exact score. The parcels of live projects
 *     of the lead's industry are read once; a candidate is near one of them when
 *     their R*Tree boxes come within 1 m, found by one R*Tree search per
 *     candidate, one per project parcel, or one pass over the whole R*Tree
 *     (boxes then compared in memory), whichever reads the R*Tree least. Only a
 *     candidate near one runs the exact statement (ST_Distance) as before.
 * `candidates` in the summary still counts every free parcel (one COUNT over
 * the index). The whole reading is one read transaction (one snapshot).
 *  4. In memory between calls. What steps 2 and 3 read of the free parcels
 *     (areas, minimums, R*Tree boxes, project parcels) is kept per connection
 *     (match_snapshot.c) and read again only when a table it comes from has
 *     changed (schema 15's counters); the steps then read memory, not SQLite.
 *
 * The files (match_internal.h): match_score.c (1, the numbers and the text,
 * no database), match_scan.c (2), match_contiguity.c and match_rank.c (3),
 * match_snapshot.c (4);
 * this file: the API, the lead, the call. */
#include "parkland/match.h"
#include "match_internal.h"

#include "db_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const component_names[PL_MATCH_NCOMPONENTS] = {"area", "industry", "investment", "tax",
                                                                  "contiguity"};
#define DEFAULT_TOP 10

const char *pl_match_component_name(int component)
{
    return component >= 0 && component < PL_MATCH_NCOMPONENTS ? component_names[component] : NULL;
}

void pl_match_options_init(pl_match_options *o)
{
    memset(o, 0, sizeof *o);
    o->top = DEFAULT_TOP;
}

/* ---- the lead ---- */

static int load_lead(pl_db *db, const char *code, lead_info *l, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT l.id, l.code, l.company, l.stage, l.stage_date, l.industry, n.name_zh, n.name_en,"
        "       l.land_mu, l.investment, l.tax_per_mu"
        "  FROM lead l LEFT JOIN industry n ON n.id = l.industry WHERE l.code = ?1", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        memset(l, 0, sizeof *l);
        l->id = (long)sqlite3_column_int64(st, 0);
        match_put(l->code, sizeof l->code, "%s", col_str(st, 1));
        match_put(l->company, sizeof l->company, "%s", col_str(st, 2));
        match_put(l->stage, sizeof l->stage, "%s", col_str(st, 3));
        match_put(l->stage_date, sizeof l->stage_date, "%s", col_str(st, 4));
        match_put(l->industry, sizeof l->industry, "%s", col_str(st, 5));
        match_put(l->industry_zh, sizeof l->industry_zh, "%s", col_str(st, 6));
        match_put(l->industry_en, sizeof l->industry_en, "%s", col_str(st, 7));
        l->land_mu = pl_col_num(st, 8);
        l->investment = pl_col_num(st, 9);
        l->tax_per_mu = pl_col_num(st, 10);
        if (!(l->land_mu > 0))
            l->land_mu = NAN;
        if (!(l->investment >= 0))
            l->investment = NAN;
        if (!(l->tax_per_mu >= 0))
            l->tax_per_mu = NAN;
        l->per_mu = isnan(l->land_mu) || isnan(l->investment) ? NAN : l->investment / l->land_mu;
        rc = PL_OK;
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s' (see 'parkland lead list')", code);
    } else {
        rc = pl_db_fail(db, err, "cannot read lead");
    }
    sqlite3_finalize(st);
    return rc;
}

static void run_free(run *r)
{
    sqlite3_finalize(r->st_count);
    sqlite3_finalize(r->st_window);
    sqlite3_finalize(r->st_indicator);
    sqlite3_finalize(r->st_pass);
    sqlite3_finalize(r->st_reserved);
    sqlite3_finalize(r->st_projects);
    sqlite3_finalize(r->st_near);
    sqlite3_finalize(r->st_box);
    sqlite3_finalize(r->st_exact);
    sqlite3_finalize(r->st_detail);
    for (size_t i = 0; i < r->nh; i++)
        free(r->h[i]);
    free(r->h);
    free(r->c);
    free(r->a);
    free(r->json);
    free(r->lb);
    free(r->proj);
    free(r->near);
    free(r->bytemap);
    free(r->cbox);
    free(r->qbox);
    free(r->qbig);
    free(r->gstart);
    free(r->gent);
}

static void fill_summary(pl_match_summary *sum, const lead_info *l)
{
    memset(sum, 0, sizeof *sum);
    match_put(sum->lead, sizeof sum->lead, "%s", l->code);
    match_put(sum->company, sizeof sum->company, "%s", l->company);
    match_put(sum->stage, sizeof sum->stage, "%s", l->stage);
    match_put(sum->industry, sizeof sum->industry, "%s", l->industry);
    match_put(sum->industry_zh, sizeof sum->industry_zh, "%s", l->industry_zh);
    sum->land_mu = l->land_mu;
    sum->investment = l->investment;
    sum->investment_per_mu = l->per_mu;
    sum->tax_per_mu = l->tax_per_mu;
    if (!strcmp(l->stage, "lost"))
        match_put(sum->warning, sizeof sum->warning, "lead '%s' is lost (流失) since %s; matching anyway", l->code,
                 l->stage_date);
}

int pl_match_lead(pl_db *db, const char *lead_code, const pl_match_options *opt,
                  int (*cb)(const pl_match_result *result, void *ctx), void *ctx, pl_error *err)
{
    return pl_match_lead_planned(db, lead_code, opt, PL_MATCH_PLAN_COST, cb, ctx, err);
}

int pl_match_lead_planned(pl_db *db, const char *lead_code, const pl_match_options *opt, pl_match_plan plan,
                          int (*cb)(const pl_match_result *result, void *ctx), void *ctx, pl_error *err)
{
    pl_match_options defaults;
    if (!opt) {
        pl_match_options_init(&defaults);
        opt = &defaults;
    }
    if (!lead_code || !*lead_code)
        return pl_error_set(err, PL_ERR_USAGE, "match needs a lead code");
    lead_info l;
    pl_match_summary local;
    pl_match_summary *sum = opt->summary ? opt->summary : &local;
    run r;
    memset(&r, 0, sizeof r);
    r.db = db;
    r.err = err;
    r.l = &l;
    r.plan = plan;
    r.top = opt->top > 0 ? (size_t)opt->top : DEFAULT_TOP;
    /* one read transaction (unless the caller has one): the lead, the count and the parcels from one snapshot */
    int own = sqlite3_get_autocommit(db->h);
    int rc = own ? pl_db_exec(db, "BEGIN", err) : PL_OK;
    if (rc)
        return rc;
    /* the snapshot only in a read transaction of our own: inside a caller's, it could hold
     * writes that are later rolled back, under counters that other writes then reach again */
    r.use_snapshot = own;
    rc = load_lead(db, lead_code, &l, err);
    if (!rc && !strcmp(l.stage, "signed"))
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "lead '%s' is already signed (签约); its project holds its land (see 'parkland project')",
                          l.code);
    if (!rc && opt->park)
        rc = pl_park_find(db, opt->park, &r.park_id, err);
    if (!rc) {
        fill_summary(sum, &l);
        if (!(rc = match_gather(&r, &sum->candidates)))
            rc = match_rank(&r);
    }
    if (own) {
        if (rc)
            pl_db_rollback(db);
        else
            rc = pl_db_exec(db, "COMMIT", err);
    }
    if (rc) {
        run_free(&r);
        return rc;
    }

    match_scored sc, *s = &sc;
    for (size_t i = 0; !rc && i < r.nh; i++) {
        const entry *e = r.h[i];
        const cand *c = e->c;
        match_parcel p = {c->area_m2, c->inv, c->tax, e->industries, c->fit, e->contig, e->neighbour, e->project};
        match_explain(&l, &p, s);
        pl_match_result res;
        memset(&res, 0, sizeof res);
        res.rank = (int)i + 1;
        res.parcel_id = c->id;
        res.park = e->park;
        res.code = e->code;
        res.name = e->name;
        res.status = e->status;
        res.area_m2 = c->area_m2;
        res.area_mu = c->area_m2 * 15.0 / 10000.0;
        res.score = e->total / 10.0;
        for (int k = 0; k < PL_MATCH_NCOMPONENTS; k++) {
            res.reasons[k].component = component_names[k];
            res.reasons[k].points = s->pts[k] / 10.0;
            res.reasons[k].max = match_component_max[k];
            res.reasons[k].no_data = s->no_data[k];
            res.reasons[k].text = s->text[k];
        }
        sum->returned++;
        rc = cb(&res, ctx);
    }
    run_free(&r);
    return rc;
}

