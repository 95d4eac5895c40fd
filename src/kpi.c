/* kpi.c — the figures the province scores, per park as of a date, and their
 * targets (parkland/kpi.h). */
#include "parkland/kpi.h"
#include "parkland/deadline.h"

#include "date.h"
#include "db_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *key, *option, *zh, *en;
    double target;
} kpis[PL_KPIS] = {
    {"start_rate", "start-rate", "开工率", "construction start rate", 90},
    {"on_time_start_rate", "on-time-start-rate", "按期开工率", "on-time start rate", NAN},
    {"completion_rate", "completion-rate", "竣工率", "completion rate", NAN},
    {"on_time_completion_rate", "on-time-completion-rate", "按期竣工率", "on-time completion rate", 100},
    {"performance_rate", "performance-rate", "履约率", "performance rate", NAN},
    {"funds_rate", "funds-rate", "资金到位率", "funds in place rate", 80},
    {"invest_rate", "investment-rate", "年度投资完成率", "annual investment completion rate", 80},
};

const char *pl_kpi_key(pl_kpi_id k)
{
    return (unsigned)k < PL_KPIS ? kpis[k].key : "";
}

const char *pl_kpi_zh(pl_kpi_id k)
{
    return (unsigned)k < PL_KPIS ? kpis[k].zh : "";
}

const char *pl_kpi_en(pl_kpi_id k)
{
    return (unsigned)k < PL_KPIS ? kpis[k].en : "";
}

const char *pl_kpi_option(pl_kpi_id k)
{
    return (unsigned)k < PL_KPIS ? kpis[k].option : "";
}

int pl_kpi_parse(const char *s)
{
    for (int k = 0; s && k < PL_KPIS; k++)
        if (!strcasecmp(s, kpis[k].key) || !strcasecmp(s, kpis[k].option) || !strcmp(s, kpis[k].zh))
            return k;
    return -1;
}

double pl_kpi_default_target(pl_kpi_id k)
{
    return (unsigned)k < PL_KPIS ? kpis[k].target : NAN;
}

/* ---- targets ---------------------------------------------------------------------------- */

static int park_id_of(pl_db *db, const char *park, long *id, pl_error *err)
{
    *id = 0;
    return park ? pl_park_find(db, park, id, err) : PL_OK;
}

static double stored_target(pl_db *db, long park_id, pl_kpi_id kpi, int *found)
{
    sqlite3_stmt *st;
    double v = NAN;
    *found = 0;
    if (sqlite3_prepare_v2(db->h, "SELECT target_pct FROM kpi_target WHERE park_id = ?1 AND kpi = ?2", -1, &st,
                           NULL) != SQLITE_OK)
        return NAN;
    sqlite3_bind_int64(st, 1, park_id);
    sqlite3_bind_text(st, 2, kpis[kpi].key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_double(st, 0);
        *found = 1;
    }
    sqlite3_finalize(st);
    return v;
}

int pl_kpi_target(pl_db *db, const char *park, pl_kpi_id kpi, double *pct, const char **source, pl_error *err)
{
    if ((unsigned)kpi >= PL_KPIS)
        return pl_error_set(err, PL_ERR_USAGE, "unknown figure");
    long id;
    int rc = park_id_of(db, park, &id, err), found = 0;
    if (rc)
        return rc;
    const char *src = "default";
    double v = NAN;
    if (id && (v = stored_target(db, id, kpi, &found), found))
        src = "park";
    else if ((v = stored_target(db, 0, kpi, &found), found))
        src = "global";
    else
        v = kpis[kpi].target;
    *pct = v;
    if (source)
        *source = src;
    return PL_OK;
}

int pl_kpi_set_target(pl_db *db, const char *park, pl_kpi_id kpi, double pct, pl_error *err)
{
    if ((unsigned)kpi >= PL_KPIS)
        return pl_error_set(err, PL_ERR_USAGE, "unknown figure");
    if (!isnan(pct) && !(pct >= 0 && pct <= 100))
        return pl_error_set(err, PL_ERR_USAGE, "a target is a percentage from 0 to 100, not %g", pct);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id;
    int found;
    if ((rc = park_id_of(db, park, &id, err)))
        goto fail;
    double old = stored_target(db, id, kpi, &found);
    char now[32], a[32] = "", b[32] = "";
    pl_now_iso(now, sizeof now);
    if (found)
        snprintf(a, sizeof a, "%g", old);
    if (!isnan(pct))
        snprintf(b, sizeof b, "%g", pct);
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
                            isnan(pct) ? "DELETE FROM kpi_target WHERE park_id = ?1 AND kpi = ?2"
                                       : "INSERT INTO kpi_target(park_id, kpi, target_pct, updated_at)"
                                         " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(park_id, kpi) DO UPDATE SET"
                                         " target_pct = excluded.target_pct, updated_at = excluded.updated_at",
                            &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, id);
    pl_bind_text(st, 2, kpis[kpi].key);
    if (!isnan(pct)) {
        sqlite3_bind_double(st, 3, pct);
        pl_bind_text(st, 4, now);
    }
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot set the target");
    sqlite3_finalize(st);
    if (rc)
        goto fail;
    char field[64];
    snprintf(field, sizeof field, "target %s", kpis[kpi].key);
    if ((rc = pl_history_add(db, "park", id, park ? park : "*", field, a[0] ? a : NULL, b[0] ? b : NULL, NULL, 0,
                             err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

/* ---- the figures ------------------------------------------------------------------------- */

typedef struct kp_project {
    long id;
    double investment;                  /* NAN: none */
    double funds, plan_year, done_year; /* 万元 */
    char agreed[PL_DL_KINDS][11], actual[PL_DL_KINDS][11], extended[PL_DL_KINDS][11], extended_on[PL_DL_KINDS][11];
    unsigned char *in_park;             /* nparks flags */
} kp_project;

typedef struct kp_sums {
    double num[PL_KPIS], den[PL_KPIS];
    int projects;
} kp_sums;

static int by_id(const void *key, const void *elem)
{
    long a = *(const long *)key, b = ((const kp_project *)elem)->id;
    return a < b ? -1 : a > b;
}

static kp_project *find(kp_project *ps, size_t n, long id)
{
    return n ? bsearch(&id, ps, n, sizeof *ps, by_id) : NULL;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

/* What one project adds to the sums. */
static void add(kp_sums *s, const kp_project *p, const char *as_of)
{
    pl_deadline_dates in;
    for (int k = 0; k < PL_DL_KINDS; k++) {
        in.agreed[k] = p->agreed[k];
        in.actual[k] = p->actual[k];
        in.extended[k] = p->extended[k];
        in.extended_on[k] = p->extended_on[k][0] ? p->extended_on[k] : NULL;
    }
    pl_deadline d[PL_DL_KINDS];
    pl_deadlines_compute(&in, as_of, d);
    s->projects++;
    s->num[PL_KPI_START] += d[PL_DL_START].done;
    s->den[PL_KPI_START] += d[PL_DL_START].due;
    s->num[PL_KPI_ON_TIME_START] += d[PL_DL_START].due && d[PL_DL_START].on_time;
    s->den[PL_KPI_ON_TIME_START] += d[PL_DL_START].due;
    s->num[PL_KPI_COMPLETION] += d[PL_DL_COMPLETION].done;
    s->den[PL_KPI_COMPLETION] += d[PL_DL_COMPLETION].due;
    s->num[PL_KPI_ON_TIME_COMPLETION] += d[PL_DL_COMPLETION].due && d[PL_DL_COMPLETION].on_time;
    s->den[PL_KPI_ON_TIME_COMPLETION] += d[PL_DL_COMPLETION].due;
    int due = 0, kept = 1;
    for (int k = PL_DL_START; k < PL_DL_KINDS; k++)
        if (d[k].due) {
            due = 1;
            kept &= d[k].on_time;
        }
    s->den[PL_KPI_PERFORMANCE] += due;
    s->num[PL_KPI_PERFORMANCE] += due && kept;
    if (!isnan(p->investment)) {
        s->num[PL_KPI_FUNDS] += p->funds;
        s->den[PL_KPI_FUNDS] += p->investment;
    }
    s->num[PL_KPI_INVEST] += p->done_year;
    s->den[PL_KPI_INVEST] += p->plan_year;
}

static void figures(pl_kpi_park *row, const kp_sums *s, const double target[PL_KPIS])
{
    row->projects = s->projects;
    for (int k = 0; k < PL_KPIS; k++) {
        pl_kpi_figure *f = &row->fig[k];
        f->num = s->num[k];
        f->den = s->den[k];
        f->pct = s->den[k] > 0 ? 100.0 * s->num[k] / s->den[k] : NAN;
        f->target = target[k];
        /* met compares the rate as shown (one decimal) with the target */
        f->met = isnan(f->pct) || isnan(f->target) ? -1 : round(f->pct * 10) / 10 >= f->target - 1e-9;
    }
}

int pl_kpi_by_park(pl_db *db, const char *as_of, const char *park, pl_kpi_park **out, size_t *n, pl_error *err)
{
    *out = NULL;
    *n = 0;
    char today[16];
    if (!as_of) {
        pl_today(today, sizeof today);
        as_of = today;
    }
    if (!pl_date_valid(as_of))
        return pl_error_set(err, PL_ERR_USAGE, "--as-of '%s' is not a date (YYYY-MM-DD, a real calendar day)", as_of);
    long only = 0;
    int rc;
    if (park && (rc = pl_park_find(db, park, &only, err)))
        return rc;
    char month[8], year_first[8];
    snprintf(month, sizeof month, "%.7s", as_of);
    snprintf(year_first, sizeof year_first, "%.4s-01", as_of);
    int year = atoi(as_of);

    sqlite3_stmt *st = NULL;
    kp_project *ps = NULL;
    size_t np = 0, cap = 0, nparks = 0;
    long *park_ids = NULL;
    pl_kpi_park *rows = NULL;
    unsigned char *flags = NULL;

    /* parks */
    if ((rc = pl_db_prepare(db, "SELECT id, code, name FROM park WHERE ?1 = 0 OR id = ?1 ORDER BY code", &st, err)))
        goto out;
    sqlite3_bind_int64(st, 1, only);
    size_t pcap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (nparks == pcap) {
            pcap = pcap ? 2 * pcap : 8;
            pl_kpi_park *r = realloc(rows, (pcap + 1) * sizeof *r);
            long *ids = realloc(park_ids, pcap * sizeof *ids);
            if (r)
                rows = r;
            if (ids)
                park_ids = ids;
            if (!r || !ids) {
                rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                goto out;
            }
        }
        memset(&rows[nparks], 0, sizeof rows[nparks]);
        park_ids[nparks] = (long)sqlite3_column_int64(st, 0);
        snprintf(rows[nparks].park, sizeof rows[nparks].park, "%s", col_text(st, 1));
        snprintf(rows[nparks].name, sizeof rows[nparks].name, "%s", col_text(st, 2));
        nparks++;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!rows && !(rows = calloc(1, sizeof *rows))) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }

    /* projects in force on D */
    if ((rc = pl_db_prepare(db, "SELECT id, investment FROM project WHERE signed_on <= ?1"
                                " AND (terminated_on IS NULL OR terminated_on > ?1) ORDER BY id", &st, err)))
        goto out;
    pl_bind_text(st, 1, as_of);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (np == cap) {
            cap = cap ? 2 * cap : 16;
            kp_project *g = realloc(ps, cap * sizeof *g);
            if (!g) {
                rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                goto out;
            }
            ps = g;
        }
        kp_project *p = &ps[np++];
        memset(p, 0, sizeof *p);
        p->id = (long)sqlite3_column_int64(st, 0);
        p->investment = pl_col_num(st, 1);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (np && nparks && !(flags = calloc(np * nparks, 1))) {
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < np; i++)
        ps[i].in_park = flags ? flags + i * nparks : NULL;

    /* deadlines */
    if ((rc = pl_db_prepare(db, "SELECT project_id, kind, planned, actual FROM milestone", &st, err)))
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        kp_project *p = find(ps, np, (long)sqlite3_column_int64(st, 0));
        int k = pl_deadline_parse(col_text(st, 1));
        if (!p || k < 0)
            continue;
        snprintf(p->agreed[k], 11, "%.10s", col_text(st, 2));
        snprintf(p->actual[k], 11, "%.10s", col_text(st, 3));
    }
    sqlite3_finalize(st);
    if ((rc = pl_db_prepare(db, "SELECT project_id, kind, until, agreed_on FROM project_extension", &st, err)))
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        kp_project *p = find(ps, np, (long)sqlite3_column_int64(st, 0));
        int k = pl_deadline_parse(col_text(st, 1));
        if (!p || k < 0)
            continue;
        snprintf(p->extended[k], 11, "%.10s", col_text(st, 2));
        snprintf(p->extended_on[k], 11, "%.10s", col_text(st, 3));
    }
    sqlite3_finalize(st);
    /* money: funds in place up to D's month; the year's plan and progress up to D's month */
    if ((rc = pl_db_prepare(db, "SELECT project_id, 0, sum(amount) FROM project_funds WHERE period <= ?1"
                                " GROUP BY project_id"
                                " UNION ALL SELECT project_id, 1, amount FROM investment_plan WHERE year = ?3"
                                " UNION ALL SELECT project_id, 2, sum(amount) FROM investment_progress"
                                " WHERE period >= ?2 AND period <= ?1 GROUP BY project_id", &st, err)))
        goto out;
    pl_bind_text(st, 1, month);
    pl_bind_text(st, 2, year_first);
    sqlite3_bind_int(st, 3, year);
    while (sqlite3_step(st) == SQLITE_ROW) {
        kp_project *p = find(ps, np, (long)sqlite3_column_int64(st, 0));
        if (!p)
            continue;
        double v = sqlite3_column_double(st, 2);
        switch (sqlite3_column_int(st, 1)) {
        case 0: p->funds = v; break;
        case 1: p->plan_year = v; break;
        default: p->done_year = v;
        }
    }
    sqlite3_finalize(st);
    /* the parks of each project: those of the parcels it holds on D */
    if ((rc = pl_db_prepare(db, "SELECT DISTINCT pp.project_id, c.park_id FROM project_parcel pp"
                                " JOIN parcel c ON c.id = pp.parcel_id"
                                " WHERE pp.reclaimed_on IS NULL OR pp.reclaimed_on > ?1", &st, err)))
        goto out;
    pl_bind_text(st, 1, as_of);
    while (sqlite3_step(st) == SQLITE_ROW) {
        kp_project *p = find(ps, np, (long)sqlite3_column_int64(st, 0));
        long pk = (long)sqlite3_column_int64(st, 1);
        for (size_t j = 0; p && p->in_park && j < nparks; j++)
            if (park_ids[j] == pk)
                p->in_park[j] = 1;
    }
    sqlite3_finalize(st);
    st = NULL;

    /* the sums, the targets, the rows */
    kp_sums total = {0};
    double target[PL_KPIS];
    for (size_t j = 0; j <= nparks; j++) {
        kp_sums s = {0};
        for (size_t i = 0; i < np; i++) {
            const kp_project *p = &ps[i];
            int in = j < nparks ? p->in_park && p->in_park[j] : 0;
            if (j == nparks) {
                /* the total: each project once, within the park asked for */
                for (size_t q = 0; q < nparks && !in; q++)
                    in = p->in_park && p->in_park[q];
            }
            if (in)
                add(j < nparks ? &s : &total, p, as_of);
        }
        for (int k = 0; k < PL_KPIS; k++)
            if ((rc = pl_kpi_target(db, j < nparks ? rows[j].park : NULL, (pl_kpi_id)k, &target[k], NULL, err)))
                goto out;
        if (j == nparks) {
            memset(&rows[j], 0, sizeof rows[j]);
            figures(&rows[j], &total, target);
        } else {
            figures(&rows[j], &s, target);
        }
    }
    *out = rows;
    *n = nparks + 1;
    rows = NULL;
out:
    sqlite3_finalize(st);
    free(rows);
    free(park_ids);
    free(flags);
    free(ps);
    return rc;
}
