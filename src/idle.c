/* idle.c — idle land under MLR order 53: the test, and the case from
 * suspicion to disposal (parkland/idle.h, issue 15 §2). */
#include "parkland/idle.h"
#include "parkland/i18n.h"
#include "parkland/parcel.h"
#include "parkland/report.h" /* PL_IDLE_DAYS, PL_IDLE_FEE_SHARE */

#include "date.h"
#include "db_internal.h"
#include "deadline_internal.h"
#include "landing.h"
#include "lifecycle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const stage_ids[PL_IDLE_STAGES] = {"suspected", "confirmed", "disposed", "closed"};
static const char *const disposal_ids[] = {"fee", "delay", "reclaim", "exempt"};
static const char *const disposal_zh[] = {"闲置费", "延期", "收回", "排除"};

const char *pl_idle_stage_id(pl_idle_stage s)
{
    return s >= 0 && s < PL_IDLE_STAGES ? stage_ids[s] : "";
}

int pl_idle_disposal_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(s, disposal_ids[i]) || !strcmp(s, disposal_zh[i]))
            return i;
    if (!strcmp(s, "征收闲置费"))
        return PL_IDLE_FEE;
    if (!strcmp(s, "延期开工"))
        return PL_IDLE_DELAY;
    return -1;
}

const char *pl_idle_disposal_id(pl_idle_disposal d)
{
    return d >= 0 && d <= PL_IDLE_EXEMPT ? disposal_ids[d] : "";
}

static const char *ctext(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static void copy(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

static long days_between(const char *a, const char *b)
{
    long x, y;
    return pl_date_days(a, &x) && pl_date_days(b, &y) ? y - x : 0;
}

/* ---- the evidence ----------------------------------------------------------------- */

/* translate 0: English, for the history's record (each format twice: pl_tr's for xgettext) */
static void evidence_text(const pl_idle_evidence *e, char *buf, size_t len, int translate)
{
    if (!strcmp(e->basis, "not_started") && e->idle_since[0] && strcmp(e->idle_since, e->agreed_start)) {
        snprintf(buf, len,
                 translate ? pl_tr("agreed start %s, moved to %s (late handover or extension), not started %ld days "
                                   "later on %s (idle from %d days)")
                           : "agreed start %s, moved to %s (late handover or extension), not started %ld days "
                             "later on %s (idle from %d days)",
                 e->agreed_start, e->idle_since, days_between(e->idle_since, e->as_of), e->as_of, PL_IDLE_DAYS);
        return;
    }
    if (!strcmp(e->basis, "not_started")) {
        snprintf(buf, len,
                 translate ? pl_tr("agreed start %s, not started %ld days later on %s (idle from %d days)")
                           : "agreed start %s, not started %ld days later on %s (idle from %d days)",
                 e->agreed_start, days_between(e->agreed_start, e->as_of), e->as_of, PL_IDLE_DAYS);
        return;
    }
    char built[160] = "", inv[160] = "";
    if (!isnan(e->built_area_m2))
        snprintf(built, sizeof built,
                 translate ? pl_tr("; built %.2f of %.2f m² (%.3f %%, idle below 1/3)")
                           : "; built %.2f of %.2f m² (%.3f %%, idle below 1/3)",
                 e->built_area_m2, e->area_m2, e->area_m2 > 0 ? 100 * e->built_area_m2 / e->area_m2 : 0);
    if (!isnan(e->invested_wan) && !isnan(e->investment_wan))
        snprintf(inv, sizeof inv,
                 translate ? pl_tr("; invested %.2f of %.2f 万元 (%.3f %%, idle below 25 %%)")
                           : "; invested %.2f of %.2f 万元 (%.3f %%, idle below 25 %%)",
                 e->invested_wan, e->investment_wan,
                 e->investment_wan > 0 ? 100 * e->invested_wan / e->investment_wan : 0);
    snprintf(buf, len,
             translate ? pl_tr("inspection %s: work stopped since %s, %ld days on %s%s%s")
                       : "inspection %s: work stopped since %s, %ld days on %s%s%s",
             e->inspected_on, e->idle_since, days_between(e->idle_since, e->as_of), e->as_of, built, inv);
}

void pl_idle_evidence_text(const pl_idle_evidence *e, char *buf, size_t len)
{
    evidence_text(e, buf, len, 1);
}

/* ---- the test ---------------------------------------------------------------------- */

/* Parcels held by a live project on ?1, of park ?2 (NULL all), parcel ?3 (NULL all), with the
 * project's milestones, its start extension and the latest inspection on or before ?1 (the holder
 * as export.c's). */
static const char test_sql[] =
    "SELECT p.id, k.code, p.code, p.area_m2, pr.code, l.company, pr.investment,"
    " ml.actual, mc.actual, mp.actual, mv.actual, mc.planned,"
    " i.inspected_on, i.built_area_m2, i.invested_wan, i.stopped_since, ml.planned, xs.until, xs.agreed_on"
    " FROM parcel p JOIN park k ON k.id = p.park_id"
    " JOIN project pr ON pr.id = (SELECT x.id FROM project_parcel pp JOIN project x ON x.id = pp.project_id"
    "      WHERE pp.parcel_id = p.id AND x.signed_on <= ?1 AND (pp.reclaimed_on IS NULL OR pp.reclaimed_on > ?1)"
    "        AND (x.terminated_on IS NULL OR x.terminated_on > ?1) ORDER BY x.signed_on DESC, x.id DESC LIMIT 1)"
    " LEFT JOIN lead l ON l.id = pr.lead_id"
    " LEFT JOIN milestone ml ON ml.project_id = pr.id AND ml.kind = 'land'"
    " LEFT JOIN milestone mc ON mc.project_id = pr.id AND mc.kind = 'construction'"
    " LEFT JOIN milestone mp ON mp.project_id = pr.id AND mp.kind = 'production'"
    " LEFT JOIN milestone mv ON mv.project_id = pr.id AND mv.kind = 'verification'"
    " LEFT JOIN project_extension xs ON xs.project_id = pr.id AND xs.kind = 'construction'"
    " LEFT JOIN inspection i ON i.id = (SELECT j.id FROM inspection j WHERE j.parcel_id = p.id"
    "      AND j.inspected_on <= ?1 ORDER BY j.inspected_on DESC, j.id DESC LIMIT 1)"
    " WHERE p.status <> 'retired' AND (?2 IS NULL OR k.code = ?2) AND (?3 IS NULL OR p.id = ?3)"
    " ORDER BY k.code, p.code";

/* The rule on one row of test_sql: 1 and *ev when idle on as_of. */
static int row_idle(sqlite3_stmt *st, const char *as_of, pl_idle_evidence *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->area_m2 = ev->built_area_m2 = ev->invested_wan = ev->investment_wan = NAN;
    const char *cons_a = (const char *)sqlite3_column_text(st, 8);
    const char *planned = (const char *)sqlite3_column_text(st, 11);
    const char *const actual[PL_MS_KINDS] = {(const char *)sqlite3_column_text(st, 7), cons_a,
                                             (const char *)sqlite3_column_text(st, 9),
                                             (const char *)sqlite3_column_text(st, 10)};
    /* the effective start (agreed, moved by a late handover, extended: parkland/deadline.h), the
     * alerts' and the map's rule */
    pl_deadline_dates in = {.agreed = {(const char *)sqlite3_column_text(st, 16), planned, NULL, NULL, NULL},
                            .actual = {actual[PL_MS_LAND], cons_a, NULL, NULL, NULL},
                            .extended = {NULL, (const char *)sqlite3_column_text(st, 17), NULL, NULL, NULL},
                            .extended_on = {NULL, (const char *)sqlite3_column_text(st, 18), NULL, NULL, NULL}};
    pl_deadline dl[PL_DL_KINDS];
    pl_deadlines_compute(&in, as_of, dl);
    pl_landing l;
    pl_landing_of_deadlines(1, actual, dl, as_of, &l);
    copy(ev->as_of, sizeof ev->as_of, as_of);
    copy(ev->project, sizeof ev->project, ctext(st, 4));
    copy(ev->agreed_start, sizeof ev->agreed_start, planned);
    int started = cons_a && *cons_a && strcmp(cons_a, as_of) <= 0;
    if (!started) {
        if (!l.idle)
            return 0;
        copy(ev->basis, sizeof ev->basis, "not_started");
        copy(ev->idle_since, sizeof ev->idle_since, dl[PL_DL_START].effective);
        return 1;
    }
    const char *stopped = (const char *)sqlite3_column_text(st, 15);
    if (!stopped || days_between(stopped, as_of) < PL_IDLE_DAYS)
        return 0;
    double area = sqlite3_column_double(st, 3), built = pl_col_num(st, 13), invested = pl_col_num(st, 14);
    double investment = pl_col_num(st, 6);
    int built_low = !isnan(built) && built * 3 < area;                              /* less than ⅓ */
    int inv_low = !isnan(invested) && !isnan(investment) && investment > 0 && invested * 4 < investment; /* < 25 % */
    if (!built_low && !inv_low)
        return 0;
    copy(ev->basis, sizeof ev->basis, "stopped");
    copy(ev->idle_since, sizeof ev->idle_since, stopped);
    copy(ev->inspected_on, sizeof ev->inspected_on, ctext(st, 12));
    ev->area_m2 = area;
    ev->built_area_m2 = built;
    ev->invested_wan = invested;
    ev->investment_wan = investment;
    return 1;
}

static int check_date(const char *d, pl_error *err)
{
    if (!d || !pl_date_valid_years(d, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX) || strlen(d) != 10)
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a date (YYYY-MM-DD, a real calendar day)", d ? d : "");
    return PL_OK;
}

/* The test for parcel `pid` on `as_of` (inside or outside a transaction). */
static int test_parcel(pl_db *db, long pid, const char *as_of, int *idle, pl_idle_evidence *ev, char company[256],
                       pl_error *err)
{
    *idle = 0;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, test_sql, &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, as_of);
    sqlite3_bind_int64(st, 3, pid);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *idle = row_idle(st, as_of, ev);
        if (company)
            copy(company, 256, ctext(st, 5));
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the parcel's project");
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_idle_test(pl_db *db, const char *park, const char *code, const char *as_of, int *idle, pl_idle_evidence *ev,
                 pl_error *err)
{
    *idle = 0;
    long pid;
    int rc = check_date(as_of, err);
    if (rc || (rc = pl_parcel_find(db, park, code, &pid, NULL, 0, err)))
        return rc;
    return test_parcel(db, pid, as_of, idle, ev, NULL, err);
}

/* ---- recorded cases ------------------------------------------------------------------ */

static const char case_sql[] =
    "SELECT c.id, k.code, p.code, c.found_on, c.basis, c.idle_since, c.project, c.agreed_start, c.inspected_on,"
    " c.area_m2, c.built_area_m2, c.invested_wan, c.investment_wan, c.decision_no, c.confirmed_on, c.disposed_on,"
    " c.disposal, c.fee_wan, c.price_wan, c.delay_until, c.closed_on, c.note,"
    " (SELECT l.company FROM project pr JOIN lead l ON l.id = pr.lead_id WHERE pr.code = c.project), p.id"
    " FROM idle_case c JOIN parcel p ON p.id = c.parcel_id JOIN park k ON k.id = p.park_id"
    " WHERE (?1 IS NULL OR c.found_on <= ?1) AND (?2 IS NULL OR k.code = ?2) AND (?3 IS NULL OR p.id = ?3)"
    " ORDER BY k.code, p.code";

static int le(const char *date, const char *as_of)
{
    return date && *date && (!as_of || strcmp(date, as_of) <= 0);
}

/* A row of case_sql as of `as_of` (NULL: now, every date counts). */
static void case_of_row(sqlite3_stmt *st, const char *as_of, pl_idle_case *c)
{
    memset(c, 0, sizeof *c);
    c->recorded = 1;
    copy(c->park, sizeof c->park, ctext(st, 1));
    copy(c->parcel, sizeof c->parcel, ctext(st, 2));
    copy(c->found_on, sizeof c->found_on, ctext(st, 3));
    pl_idle_evidence *e = &c->ev;
    copy(e->basis, sizeof e->basis, ctext(st, 4));
    copy(e->as_of, sizeof e->as_of, ctext(st, 3));
    copy(e->idle_since, sizeof e->idle_since, ctext(st, 5));
    copy(e->project, sizeof e->project, ctext(st, 6));
    copy(e->agreed_start, sizeof e->agreed_start, ctext(st, 7));
    copy(e->inspected_on, sizeof e->inspected_on, ctext(st, 8));
    e->area_m2 = pl_col_num(st, 9);
    e->built_area_m2 = pl_col_num(st, 10);
    e->invested_wan = pl_col_num(st, 11);
    e->investment_wan = pl_col_num(st, 12);
    const char *confirmed = ctext(st, 14), *disposed = ctext(st, 15), *closed = ctext(st, 20);
    const char *disposal = ctext(st, 16);
    c->fee_wan = NAN;
    c->price_wan = NAN;
    if (le(closed, as_of)) {
        c->stage = PL_IDLE_CLOSED;
        copy(c->closed_on, sizeof c->closed_on, closed);
        copy(c->disposal, sizeof c->disposal, disposal);
    } else if (le(disposed, as_of)) {
        c->stage = PL_IDLE_DISPOSED;
        /* the latest disposal that does not close: a fee, else a delay */
        copy(c->disposal, sizeof c->disposal, sqlite3_column_type(st, 17) != SQLITE_NULL ? "fee" : "delay");
    } else if (le(confirmed, as_of)) {
        c->stage = PL_IDLE_CONFIRMED;
    } else {
        c->stage = PL_IDLE_SUSPECTED;
    }
    if (c->stage >= PL_IDLE_CONFIRMED || le(confirmed, as_of)) {
        copy(c->decision_no, sizeof c->decision_no, ctext(st, 13));
        copy(c->confirmed_on, sizeof c->confirmed_on, confirmed);
    }
    if (c->stage >= PL_IDLE_DISPOSED) {
        copy(c->disposed_on, sizeof c->disposed_on, le(disposed, as_of) ? disposed : closed);
        c->fee_wan = pl_col_num(st, 17);
        c->price_wan = pl_col_num(st, 18);
        copy(c->delay_until, sizeof c->delay_until, ctext(st, 19));
    }
    copy(c->note, sizeof c->note, ctext(st, 21));
    copy(c->company, sizeof c->company, ctext(st, 22));
}

typedef struct case_list {
    pl_idle_case *a;
    size_t n, cap;
} case_list;

static pl_idle_case *push(case_list *l, pl_error *err)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        pl_idle_case *p = realloc(l->a, nc * sizeof *p);
        if (!p) {
            pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            return NULL;
        }
        l->a = p;
        l->cap = nc;
    }
    return &l->a[l->n++];
}

static int case_cmp(const void *x, const void *y)
{
    const pl_idle_case *a = x, *b = y;
    int c = strcmp(a->park, b->park);
    return c ? c : strcmp(a->parcel, b->parcel);
}

int pl_idle_cases(pl_db *db, const char *as_of, const char *park, int include_closed, pl_idle_case **out, size_t *n,
                  pl_error *err)
{
    *out = NULL;
    *n = 0;
    char today[16];
    pl_today(today, sizeof today);
    if (!as_of)
        as_of = today;
    int rc = check_date(as_of, err);
    if (rc || (park && (rc = pl_park_find(db, park, NULL, err))))
        return rc;
    case_list l = {0};
    long *ids = NULL;
    size_t nids = 0;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, case_sql, &st, err)))
        return rc;
    pl_bind_text(st, 1, as_of);
    pl_bind_text(st, 2, park);
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        long *ni = realloc(ids, (nids + 1) * sizeof *ids);
        if (!ni) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            break;
        }
        ids = ni;
        ids[nids++] = (long)sqlite3_column_int64(st, 23);
        pl_idle_case tmp;
        case_of_row(st, as_of, &tmp);
        if (tmp.stage == PL_IDLE_CLOSED && !include_closed)
            continue;
        pl_idle_case *c = push(&l, err);
        if (!c) {
            rc = PL_ERR_NOMEM;
            break;
        }
        *c = tmp;
        c->days = days_between(c->ev.idle_since, c->stage == PL_IDLE_CLOSED ? c->closed_on : as_of);
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read the idle cases");
    sqlite3_finalize(st);
    if (!rc && !(rc = pl_db_prepare(db, test_sql, &st, err))) {
        pl_bind_text(st, 1, as_of);
        pl_bind_text(st, 2, park);
        while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
            long pid = (long)sqlite3_column_int64(st, 0);
            int known = 0;
            for (size_t i = 0; i < nids && !known; i++)
                known = ids[i] == pid;
            pl_idle_evidence ev;
            if (known || !row_idle(st, as_of, &ev))
                continue;
            pl_idle_case *c = push(&l, err);
            if (!c) {
                rc = PL_ERR_NOMEM;
                break;
            }
            memset(c, 0, sizeof *c);
            c->stage = PL_IDLE_SUSPECTED;
            c->ev = ev;
            c->fee_wan = c->price_wan = NAN;
            copy(c->park, sizeof c->park, ctext(st, 1));
            copy(c->parcel, sizeof c->parcel, ctext(st, 2));
            copy(c->company, sizeof c->company, ctext(st, 5));
            c->days = days_between(ev.idle_since, as_of);
        }
        if (!rc && step != SQLITE_DONE)
            rc = pl_db_fail(db, err, "cannot test the parcels for idle land");
        sqlite3_finalize(st);
    }
    free(ids);
    if (rc) {
        free(l.a);
        return rc;
    }
    if (l.n)
        qsort(l.a, l.n, sizeof *l.a, case_cmp);
    *out = l.a;
    *n = l.n;
    return PL_OK;
}

/* ---- the steps ------------------------------------------------------------------------ */

/* The parcel's recorded case as it stands now: PL_OK and *found 1 with *c, or *found 0. */
static int current_case(pl_db *db, long pid, int *found, pl_idle_case *c, pl_error *err)
{
    *found = 0;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, case_sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 3, pid);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *found = 1;
        case_of_row(st, NULL, c);
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the idle case");
    }
    sqlite3_finalize(st);
    return rc;
}

static int step_date(const char **date, char today[16], pl_error *err)
{
    pl_today(today, 16);
    if (!*date)
        *date = today;
    int rc = check_date(*date, err);
    if (!rc && strcmp(*date, today) > 0)
        rc = pl_error_set(err, PL_ERR_USAGE, "date %s is in the future", *date);
    return rc;
}

static int stage_history(pl_db *db, long pid, const char *code, pl_idle_stage from, pl_idle_stage to,
                         const char *note, const char *date, pl_error *err)
{
    return pl_history_add_effective(db, "parcel", pid, code, "idle_case", pl_idle_stage_id(from), pl_idle_stage_id(to),
                                    note, date, 0, err);
}

static int insert_case(pl_db *db, long pid, const pl_idle_evidence *ev, const char *date, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
                           "INSERT INTO idle_case(parcel_id, found_on, basis, idle_since, project, agreed_start,"
                           " inspected_on, area_m2, built_area_m2, invested_wan, investment_wan, created_at, updated_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)", &st, err);
    if (rc)
        return rc;
    char now[32];
    pl_now_iso(now, sizeof now);
    sqlite3_bind_int64(st, 1, pid);
    pl_bind_text(st, 2, date);
    pl_bind_text(st, 3, ev->basis);
    pl_bind_text(st, 4, ev->idle_since);
    pl_bind_text(st, 5, ev->project[0] ? ev->project : NULL);
    pl_bind_text(st, 6, ev->agreed_start[0] ? ev->agreed_start : NULL);
    pl_bind_text(st, 7, ev->inspected_on[0] ? ev->inspected_on : NULL);
    pl_bind_num(st, 8, ev->area_m2);
    pl_bind_num(st, 9, ev->built_area_m2);
    pl_bind_num(st, 10, ev->invested_wan);
    pl_bind_num(st, 11, ev->investment_wan);
    pl_bind_text(st, 12, now);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? PL_OK : pl_db_fail(db, err, "cannot record the idle case");
}

/* UPDATE idle_case SET <set> WHERE parcel_id = ?1, with ?2…?5 bound to text and ?6, ?7 to numbers. */
static int update_case(pl_db *db, long pid, const char *set, const char *t2, const char *t3, const char *t4,
                       const char *t5, double n6, double n7, pl_error *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "UPDATE idle_case SET %s, updated_at = ?8 WHERE parcel_id = ?1", set);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    char now[32];
    pl_now_iso(now, sizeof now);
    sqlite3_bind_int64(st, 1, pid);
    pl_bind_text(st, 2, t2);
    pl_bind_text(st, 3, t3);
    pl_bind_text(st, 4, t4);
    pl_bind_text(st, 5, t5);
    pl_bind_num(st, 6, n6);
    pl_bind_num(st, 7, n7);
    pl_bind_text(st, 8, now);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? PL_OK : pl_db_fail(db, err, "cannot update the idle case");
}

static int parcel_status(pl_db *db, long pid, char status[16], double *price, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT status, transfer_price_wan FROM parcel WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, pid);
    if (sqlite3_step(st) == SQLITE_ROW) {
        copy(status, 16, ctext(st, 0));
        if (price)
            *price = pl_col_num(st, 1);
    } else {
        rc = pl_db_fail(db, err, "cannot read the parcel");
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_idle_confirm(pl_db *db, const char *park, const char *code, const char *decision_no, const char *date,
                    const char *note, pl_error *err)
{
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (a parcel code)");
    if (!decision_no || !*decision_no)
        return pl_error_set(err, PL_ERR_USAGE,
                            "parcel '%s': confirming idle land 认定闲置 needs the decision number (--decision NO)", code);
    char today[16];
    int rc = step_date(&date, today, err);
    if (rc || (rc = pl_db_begin(db, err)))
        return rc;
    long pid;
    int found = 0, idle = 0;
    pl_idle_case c;
    pl_idle_evidence ev;
    char status[16];
    if ((rc = pl_parcel_find(db, park, code, &pid, NULL, 0, err)) || (rc = current_case(db, pid, &found, &c, err)))
        goto fail;
    if (found) {
        rc = c.stage == PL_IDLE_CLOSED
                 ? pl_error_set(err, PL_ERR_INPUT, "the idle case of parcel '%s' is closed (%s on %s)", code,
                                c.disposal, c.closed_on)
                 : pl_error_set(err, PL_ERR_INPUT, "parcel '%s' was confirmed idle on %s (decision %s)", code,
                                c.confirmed_on, c.decision_no);
        goto fail;
    }
    if ((rc = test_parcel(db, pid, date, &idle, &ev, NULL, err)))
        goto fail;
    if (!idle) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "parcel '%s' is not suspected idle on %s: the test of MLR order 53 does not hold "
                          "(see 'parkland idle list --as-of %s')", code, date, date);
        goto fail;
    }
    char evt[640], hnote[1024];
    evidence_text(&ev, evt, sizeof evt, 0);
    snprintf(hnote, sizeof hnote, "认定闲置 confirmed idle: decision %s; %s%s%s", decision_no, evt,
             note && *note ? "; " : "", note ? note : "");
    if ((rc = parcel_status(db, pid, status, NULL, err)))
        goto fail;
    if (strcmp(status, "idle") && (rc = pl_parcel_move(db, pid, "idle", date, hnote, 0, err)))
        goto fail;
    if ((rc = insert_case(db, pid, &ev, date, err)) ||
        (rc = update_case(db, pid, "decision_no = ?2, confirmed_on = ?3, note = ?4", decision_no, date,
                          note && *note ? note : NULL, NULL, NAN, NAN, err)) ||
        (rc = stage_history(db, pid, code, PL_IDLE_SUSPECTED, PL_IDLE_CONFIRMED, hnote, date, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

/* y-m-d one calendar year later (29 February → 28 February). */
static void one_year_after(const char *date, char out[11])
{
    int y, m, d;
    if (!pl_date_parse(date, &y, &m, &d)) {
        out[0] = '\0';
        return;
    }
    if (m == 2 && d == 29)
        d = 28;
    unsigned yy = (unsigned)(y + 1) % 10000u, mm = (unsigned)m % 100u, dd = (unsigned)d % 100u;
    snprintf(out, 11, "%04u-%02u-%02u", yy, mm, dd);
}

/* Parcel pid, idle, back to the status it had before its last move to idle (the history), on
 * `date` with `note`; a parcel recorded idle from the start stays idle. In the caller's transaction. */
static int status_before_idle(pl_db *db, long pid, const char *date, const char *note, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT old_value FROM history WHERE entity = 'parcel' AND entity_id = ?1"
                               " AND field = 'status' AND new_value = 'idle' ORDER BY id DESC LIMIT 1", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, pid);
    char before[16] = "";
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        copy(before, sizeof before, ctext(st, 0));
    sqlite3_finalize(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pl_db_fail(db, err, "cannot read the history of the parcel");
    if (!*before || !strcmp(before, "idle") || !pl_parcel_status_parse(before))
        return PL_OK;
    /* idle → transferred is no move of the table (design.md): this one undoes the confirmation */
    return pl_parcel_move(db, pid, before, date, note, !pl_parcel_move_is_legal("idle", before), err);
}

int pl_idle_dispose(pl_db *db, const char *park, const char *code, pl_idle_disposal what,
                    const pl_idle_dispose_options *opt, pl_idle_dispose_result *result, pl_error *err)
{
    pl_idle_dispose_result local;
    pl_idle_dispose_result *res = result ? result : &local;
    memset(res, 0, sizeof *res);
    res->fee_wan = res->price_wan = NAN;
    pl_idle_dispose_options none = {0};
    if (!opt)
        opt = &none;
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (a parcel code)");
    if (what < PL_IDLE_FEE || what > PL_IDLE_EXEMPT)
        return pl_error_set(err, PL_ERR_USAGE, "a disposal is fee, delay, reclaim or exempt");
    const char *date = opt->date, *note = opt->note && *opt->note ? opt->note : NULL;
    char today[16];
    int rc = step_date(&date, today, err);
    if (rc)
        return rc;
    if (what == PL_IDLE_EXEMPT && !note)
        return pl_error_set(err, PL_ERR_USAGE,
                            "parcel '%s': an exemption 排除 needs the reason (--note: government delay, force majeure …)",
                            code);
    if (what == PL_IDLE_DELAY) {
        if (!opt->until)
            return pl_error_set(err, PL_ERR_USAGE, "parcel '%s': a delay 延期开工 needs the new start date (--until D)",
                                code);
        if ((rc = check_date(opt->until, err)))
            return rc;
        if (strcmp(opt->until, date) <= 0)
            return pl_error_set(err, PL_ERR_USAGE, "parcel '%s': the new start date %s is not after %s", code,
                                opt->until, date);
    }
    if ((rc = pl_db_begin(db, err)))
        return rc;
    long pid;
    int found = 0;
    pl_idle_case c;
    char status[16];
    double price = NAN;
    if ((rc = pl_parcel_find(db, park, code, &pid, res->park, sizeof res->park, err)) ||
        (rc = current_case(db, pid, &found, &c, err)) || (rc = parcel_status(db, pid, status, &price, err)))
        goto fail;
    copy(res->parcel, sizeof res->parcel, code);
    if (found && c.stage == PL_IDLE_CLOSED) {
        rc = pl_error_set(err, PL_ERR_INPUT, "the idle case of parcel '%s' is closed (%s on %s): nothing more to do",
                          code, c.disposal, c.closed_on);
        goto fail;
    }
    if (what != PL_IDLE_EXEMPT && (!found || c.stage < PL_IDLE_CONFIRMED)) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "parcel '%s' is not confirmed idle 认定闲置: %s needs 'parkland idle confirm %s --decision NO' "
                          "first", code, pl_idle_disposal_id(what), code);
        goto fail;
    }
    if (found && strcmp(date, c.confirmed_on) < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "parcel '%s': %s is before the confirmation on %s", code, date,
                          c.confirmed_on);
        goto fail;
    }
    pl_idle_stage from = found ? c.stage : PL_IDLE_SUSPECTED;
    char hnote[1024];
    switch (what) {
    case PL_IDLE_FEE:
        if (isnan(price)) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "parcel '%s' has no transfer price 成交价: record it with 'parkland idle price %s WAN'",
                              code, code);
            goto fail;
        }
        res->price_wan = price;
        res->fee_wan = PL_IDLE_FEE_SHARE * price;
        snprintf(hnote, sizeof hnote, "征收闲置费 idle fee: 20%% of the transfer price %.4f 万元 = %.4f 万元%s%s", price,
                 res->fee_wan, note ? "; " : "", note ? note : "");
        rc = update_case(db, pid,
                         "disposal = 'fee', disposed_on = coalesce(disposed_on, ?2), fee_wan = ?6, price_wan = ?7,"
                         " note = coalesce(?3, note)", date, note, NULL, NULL, res->fee_wan, price, err);
        res->stage = PL_IDLE_DISPOSED;
        break;
    case PL_IDLE_DELAY: {
        char limit[11];
        one_year_after(date, limit);
        res->delay_days = days_between(date, opt->until);
        res->delay_beyond_year = strcmp(opt->until, limit) > 0;
        snprintf(hnote, sizeof hnote, "延期开工 construction start delayed to %s (%ld days)%s%s%s", opt->until,
                 res->delay_days, res->delay_beyond_year ? "; more than one year" : "", note ? "; " : "",
                 note ? note : "");
        rc = update_case(db, pid,
                         "disposal = 'delay', disposed_on = coalesce(disposed_on, ?2), delay_until = ?4,"
                         " note = coalesce(?3, note)", date, note, opt->until, NULL, NAN, NAN, err);
        /* the new start is the project's 延期开工 (the deadlines' one record of it), so that the
         * alerts, the landing map and the test above use it; a case of stopped work has started */
        if (!rc && !strcmp(c.ev.basis, "not_started") && c.ev.project[0]) {
            pl_extend_result ext;
            rc = pl_project_extend_in_tx(db, c.ev.project, PL_DL_START, c.decision_no[0] ? c.decision_no : note,
                                         opt->until, date, note, &ext, err);
        }
        res->stage = PL_IDLE_DISPOSED;
        break;
    }
    case PL_IDLE_RECLAIM:
        snprintf(hnote, sizeof hnote, "收回 reclaimed (MLR order 53), decision %s%s%s", c.decision_no, note ? "; " : "",
                 note ? note : "");
        if ((rc = pl_reclaim_in_tx(db, pid, "reserve", date, hnote, &res->reclaim, err)))
            goto fail;
        rc = update_case(db, pid, "disposal = 'reclaim', closed_on = ?2, note = coalesce(?3, note)", date, note, NULL,
                         NULL, NAN, NAN, err);
        res->stage = PL_IDLE_CLOSED;
        break;
    case PL_IDLE_EXEMPT:
        snprintf(hnote, sizeof hnote, "排除 exempt: %s", note);
        if (!found) {
            int idle = 0;
            pl_idle_evidence ev;
            if ((rc = test_parcel(db, pid, date, &idle, &ev, NULL, err)))
                goto fail;
            if (!idle) {
                rc = pl_error_set(err, PL_ERR_INPUT, "parcel '%s' is not suspected idle on %s: nothing to exempt",
                                  code, date);
                goto fail;
            }
            if ((rc = insert_case(db, pid, &ev, date, err)))
                goto fail;
        }
        rc = update_case(db, pid, "disposal = 'exempt', closed_on = ?2, note = ?3", date, note, NULL, NULL, NAN, NAN,
                         err);
        /* the case is closed without a finding: a parcel the confirmation made idle gets back
         * the status it had before (the history's move to idle), with this note */
        if (!rc && !strcmp(status, "idle"))
            rc = status_before_idle(db, pid, date, hnote, err);
        res->stage = PL_IDLE_CLOSED;
        break;
    }
    if (rc || (rc = stage_history(db, pid, code, from, res->stage, hnote, date, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    memset(res, 0, sizeof *res);
    res->fee_wan = res->price_wan = NAN;
    return rc;
}

int pl_parcel_set_transfer_price(pl_db *db, const char *park, const char *code, double wan, const char *note,
                                 double *old, pl_error *err)
{
    if (old)
        *old = NAN;
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (a parcel code)");
    if (!(wan > 0) || !isfinite(wan))
        return pl_error_set(err, PL_ERR_USAGE, "a transfer price is a positive amount in 万元, not %g", wan);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long pid;
    char status[16], ov[64] = "", nv[64];
    double prev = NAN;
    if ((rc = pl_parcel_find(db, park, code, &pid, NULL, 0, err)) || (rc = parcel_status(db, pid, status, &prev, err)))
        goto fail;
    if (!isnan(prev))
        snprintf(ov, sizeof ov, "%.4f", prev);
    snprintf(nv, sizeof nv, "%.4f", wan);
    char now[32];
    pl_now_iso(now, sizeof now);
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "UPDATE parcel SET transfer_price_wan = ?2, updated_at = ?3 WHERE id = ?1", &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, pid);
    pl_bind_num(st, 2, wan);
    pl_bind_text(st, 3, now);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok) {
        rc = pl_db_fail(db, err, "cannot set the transfer price");
        goto fail;
    }
    if ((rc = pl_history_add(db, "parcel", pid, code, "transfer_price_wan", ov[0] ? ov : NULL, nv, note, 0, err)))
        goto fail;
    if (old)
        *old = prev;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}
