/* deadline.c — the deadlines of a transfer contract: the effective deadline
 * (agreed + handover delay + extension), 竣工 dates, extensions (延期开工 /
 * 延期竣工) and funds in place (parkland/deadline.h). */
#include "deadline_internal.h"

#include "date.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const pl_deadline_ids[PL_DL_KINDS] = {"land", "construction", "completion", "production",
                                                  "verification"};
static const char *const dl_zh[PL_DL_KINDS] = {"交地", "开工", "竣工", "投产", "达产"};
static const char *const dl_en[PL_DL_KINDS] = {"land handover", "construction start", "completion", "production",
                                               "full production"};

const char *pl_deadline_zh(pl_deadline_kind k)
{
    return (unsigned)k < PL_DL_KINDS ? dl_zh[k] : "";
}

const char *pl_deadline_en(pl_deadline_kind k)
{
    return (unsigned)k < PL_DL_KINDS ? dl_en[k] : "";
}

int pl_deadline_parse(const char *s)
{
    static const struct {
        const char *name;
        int kind;
    } names[] = {{"land", PL_DL_LAND},          {"handover", PL_DL_LAND},        {"交地", PL_DL_LAND},
                 {"供地", PL_DL_LAND},          {"construction", PL_DL_START},   {"start", PL_DL_START},
                 {"开工", PL_DL_START},         {"completion", PL_DL_COMPLETION}, {"竣工", PL_DL_COMPLETION},
                 {"production", PL_DL_PRODUCTION}, {"投产", PL_DL_PRODUCTION},  {"verification", PL_DL_FULL},
                 {"full", PL_DL_FULL},          {"达产", PL_DL_FULL},            {"达产验收", PL_DL_FULL}};
    for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
        if (!strcasecmp(s, names[i].name))
            return names[i].kind;
    return -1;
}

/* ---- the rule ------------------------------------------------------------------------ */

void pl_deadline_date_of(long z, char out[11])
{
    /* H. Hinnant's civil_from_days */
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    unsigned yy = (unsigned)(y % 10000), mm = (unsigned)m % 100u, ddd = (unsigned)d % 100u;
    snprintf(out, 11, "%04u-%02u-%02u", yy % 10000u, mm, ddd);
}

static int day_of(const char *s, long *days)
{
    return s && *s && pl_date_days(s, days);
}

void pl_deadlines_compute(const pl_deadline_dates *in, const char *as_of, pl_deadline out[PL_DL_KINDS])
{
    memset(out, 0, PL_DL_KINDS * sizeof *out);
    long today = 0;
    pl_date_days(as_of, &today);
    /* the handover delay: the land handed over (on or before D) after the agreed day */
    long land_agreed, land_actual, shift = 0;
    if (day_of(in->agreed[PL_DL_LAND], &land_agreed) && day_of(in->actual[PL_DL_LAND], &land_actual) &&
        land_actual <= today && land_actual > land_agreed)
        shift = land_actual - land_agreed;
    for (int k = 0; k < PL_DL_KINDS; k++) {
        pl_deadline *o = &out[k];
        long agreed, actual, ext, ext_on;
        int has_actual = day_of(in->actual[k], &actual) && actual <= today;
        if (has_actual) {
            snprintf(o->actual, sizeof o->actual, "%s", in->actual[k]);
            o->done = 1;
        }
        if (!day_of(in->agreed[k], &agreed))
            continue;
        snprintf(o->agreed, sizeof o->agreed, "%s", in->agreed[k]);
        long eff = agreed;
        if (k != PL_DL_LAND) {
            o->shift_days = shift;
            eff += shift;
        }
        if ((k == PL_DL_START || k == PL_DL_COMPLETION) && day_of(in->extended[k], &ext) &&
            (!in->extended_on[k] || !day_of(in->extended_on[k], &ext_on) || ext_on <= today) && ext > eff) {
            eff = ext;
            o->extended = 1;
        }
        pl_deadline_date_of(eff, o->effective);
        o->due = eff <= today;
        o->on_time = has_actual && actual <= eff;
        if (!has_actual && eff < today)
            o->overdue_days = today - eff;
    }
}

/* ---- reading ------------------------------------------------------------------------- */

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s && *s ? (const char *)s : NULL;
}

static int blank(const char *s)
{
    return !s || !*s;
}

/* A project's id, signing and termination dates and its deadline dates (copies). */
typedef struct dl_project {
    long id;
    char signed_on[11], terminated_on[11];
    char agreed[PL_DL_KINDS][11], actual[PL_DL_KINDS][11], extended[PL_DL_KINDS][11], extended_on[PL_DL_KINDS][11];
} dl_project;

static int load(pl_db *db, const char *code, dl_project *p, pl_error *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, signed_on, terminated_on FROM project WHERE code = ?1", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    if (sqlite3_step(st) == SQLITE_ROW) {
        p->id = (long)sqlite3_column_int64(st, 0);
        snprintf(p->signed_on, sizeof p->signed_on, "%.10s", col_text(st, 1) ? col_text(st, 1) : "");
        snprintf(p->terminated_on, sizeof p->terminated_on, "%.10s", col_text(st, 2) ? col_text(st, 2) : "");
    }
    sqlite3_finalize(st);
    if (!p->id)
        return pl_error_set(err, PL_ERR_NOTFOUND, "no project '%s' (see 'parkland project list')", code);
    if ((rc = pl_db_prepare(db, "SELECT kind, planned, actual FROM milestone WHERE project_id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, p->id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int k = pl_deadline_parse(col_text(st, 0));
        if (k < 0)
            continue;
        snprintf(p->agreed[k], 11, "%.10s", col_text(st, 1) ? col_text(st, 1) : "");
        snprintf(p->actual[k], 11, "%.10s", col_text(st, 2) ? col_text(st, 2) : "");
    }
    sqlite3_finalize(st);
    if ((rc = pl_db_prepare(db, "SELECT kind, until, agreed_on FROM project_extension WHERE project_id = ?1", &st,
                            err)))
        return rc;
    sqlite3_bind_int64(st, 1, p->id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int k = pl_deadline_parse(col_text(st, 0));
        if (k < 0)
            continue;
        snprintf(p->extended[k], 11, "%.10s", col_text(st, 1) ? col_text(st, 1) : "");
        snprintf(p->extended_on[k], 11, "%.10s", col_text(st, 2) ? col_text(st, 2) : "");
    }
    sqlite3_finalize(st);
    return PL_OK;
}

static void dates_of(const dl_project *p, pl_deadline_dates *in)
{
    for (int k = 0; k < PL_DL_KINDS; k++) {
        in->agreed[k] = p->agreed[k];
        in->actual[k] = p->actual[k];
        in->extended[k] = p->extended[k];
        in->extended_on[k] = p->extended_on[k][0] ? p->extended_on[k] : NULL;
    }
}

int pl_project_deadlines(pl_db *db, const char *code, const char *as_of, pl_deadline out[PL_DL_KINDS],
                         pl_error *err)
{
    char today[16];
    if (!as_of) {
        pl_today(today, sizeof today);
        as_of = today;
    }
    if (!pl_date_valid(as_of))
        return pl_error_set(err, PL_ERR_USAGE, "--as-of '%s' is not a date (YYYY-MM-DD, a real calendar day)", as_of);
    dl_project p;
    int rc = load(db, code, &p, err);
    if (rc)
        return rc;
    pl_deadline_dates in;
    dates_of(&p, &in);
    pl_deadlines_compute(&in, as_of, out);
    return PL_OK;
}

/* ---- writing ------------------------------------------------------------------------- */

/* `sql` with ?1 = id and ?2… the texts as far as it has them (NULL binds NULL). */
static int run(pl_db *db, pl_error *err, const char *what, const char *sql, long id, const char *a, const char *b,
               const char *c, const char *d, const char *e, const char *f)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    const char *t[] = {a, b, c, d, e, f};
    int n = sqlite3_bind_parameter_count(st);
    for (int i = 0; i < 6 && i + 2 <= n; i++)
        pl_bind_text(st, i + 2, t[i]);
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, what);
    sqlite3_finalize(st);
    return rc;
}

static int touch(pl_db *db, long id, const char *now, pl_error *err)
{
    return run(db, err, "cannot update the project", "UPDATE project SET updated_at = ?2 WHERE id = ?1", id, now, NULL,
               NULL, NULL, NULL, NULL);
}

int pl_deadline_handover_in_tx(pl_db *db, long project_id, const char *code, const char *agreed, const char *actual,
                               pl_error *err)
{
    long a, b;
    if (!day_of(agreed, &a) || !day_of(actual, &b) || b <= a)
        return PL_OK;
    char days[24], note[512];
    snprintf(days, sizeof days, "%ld", b - a);
    snprintf(note, sizeof note,
             "government handover (交地) %ld days late: agreed %s, handed over %s; the company's later deadlines "
             "(开工, 竣工, 投产, 达产) move by %ld days (exempt)",
             b - a, agreed, actual, b - a);
    return pl_history_add_effective(db, "project", project_id, code, "deadline exemption", NULL, days, note, actual,
                                    0, err);
}

int pl_deadline_completion(pl_db *db, const char *code, const char *planned, const char *actual, const char *note,
                           pl_error *err)
{
    if (blank(planned) == blank(actual))
        return pl_error_set(err, PL_ERR_USAGE, "give one of --planned DATE or --actual DATE");
    int is_actual = !blank(actual);
    const char *date = is_actual ? actual : planned;
    if (!pl_date_valid_years(date, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX))
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a real date (YYYY-MM-DD)", date);
    char today[16], now[32];
    pl_today(today, sizeof today);
    pl_now_iso(now, sizeof now);
    if (is_actual && strcmp(date, today) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "project '%s': the actual %s date %s is in the future", code,
                            "completion", date);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    dl_project p;
    if ((rc = load(db, code, &p, err)))
        goto fail;
    if (p.terminated_on[0]) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s' was terminated on %s; its record stays as it was", code,
                          p.terminated_on);
        goto fail;
    }
    char(*dates)[11] = is_actual ? p.actual : p.agreed;
    const char *which = is_actual ? "actual" : "planned";
    if (is_actual && strcmp(date, p.signed_on) < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': the %s date %s is before the signing on %s", code,
                          "completion", date, p.signed_on);
        goto fail;
    }
    /* 竣工 comes after the construction start and before production */
    if (is_actual && !dates[PL_DL_START][0]) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "project '%s': record the actual %s (%s) before the %s (parkland project milestone "
                          "%s %s --actual DATE)",
                          code, "construction start", "开工", "completion", code, "construction");
        goto fail;
    }
    if (dates[PL_DL_START][0] && strcmp(date, dates[PL_DL_START]) < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': %s %s %s is before the %s %s on %s", code, which,
                          "completion", date, which, "construction start", dates[PL_DL_START]);
        goto fail;
    }
    if (dates[PL_DL_PRODUCTION][0] && strcmp(date, dates[PL_DL_PRODUCTION]) > 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': %s %s %s is after the %s %s on %s", code, which,
                          "completion", date, which, "production", dates[PL_DL_PRODUCTION]);
        goto fail;
    }
    if (!strcmp(dates[PL_DL_COMPLETION], date)) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': the %s %s date is already %s", code, which, "completion",
                          date);
        goto fail;
    }
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO milestone(project_id, kind, %s) VALUES (?1, 'completion', ?2)"
             " ON CONFLICT(project_id, kind) DO UPDATE SET %s = excluded.%s",
             which, which, which);
    char field[48];
    snprintf(field, sizeof field, "milestone completion %s", which);
    if ((rc = run(db, err, "cannot record the milestone", sql, p.id, date, NULL, NULL, NULL, NULL, NULL)) ||
        (rc = touch(db, p.id, now, err)) ||
        (rc = pl_history_add_effective(db, "project", p.id, code, field,
                                       dates[PL_DL_COMPLETION][0] ? dates[PL_DL_COMPLETION] : NULL, date,
                                       blank(note) ? NULL : note, is_actual ? date : NULL, 0, err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

/* one calendar year after day `d` (29 February → 28 February) */
static long year_after(long d)
{
    char s[11];
    pl_deadline_date_of(d, s);
    int y = atoi(s), m = atoi(s + 5), dd = atoi(s + 8);
    if (m == 2 && dd == 29 && !pl_date_ymd_valid(y + PL_EXTENSION_MAX_YEARS, 2, 29))
        dd = 28;
    return pl_days_from_civil(y + PL_EXTENSION_MAX_YEARS, m, dd);
}

int pl_project_extend(pl_db *db, const char *code, pl_deadline_kind kind, const char *document, const char *until,
                      const char *date, const char *note, pl_extend_result *res, pl_error *err)
{
    pl_extend_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = pl_project_extend_in_tx(db, code, kind, document, until, date, note, res, err))) {
        pl_db_rollback(db);
        return rc;
    }
    return pl_db_commit(db, err);
}

int pl_project_extend_in_tx(pl_db *db, const char *code, pl_deadline_kind kind, const char *document,
                            const char *until, const char *date, const char *note, pl_extend_result *res,
                            pl_error *err)
{
    memset(res, 0, sizeof *res);
    if (kind != PL_DL_START && kind != PL_DL_COMPLETION)
        return pl_error_set(err, PL_ERR_USAGE, "an extension moves the construction start or the completion "
                                               "(start, completion)");
    if (blank(document))
        return pl_error_set(err, PL_ERR_USAGE, "an extension needs the number of its agreement (--document NO)");
    if (!pl_date_valid_years(until, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX))
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a real date (YYYY-MM-DD)", until ? until : "");
    char today[16], now[32];
    pl_today(today, sizeof today);
    pl_now_iso(now, sizeof now);
    if (!date)
        date = today;
    if (!pl_date_valid_years(date, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX))
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a real date (YYYY-MM-DD)", date);
    if (strcmp(date, today) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "project '%s': the extension's date %s is in the future", code, date);
    dl_project p;
    int rc = load(db, code, &p, err);
    if (rc)
        return rc;
    if (p.terminated_on[0]) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s' was terminated on %s; its record stays as it was", code,
                          p.terminated_on);
        goto fail;
    }
    if (strcmp(date, p.signed_on) < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': the extension's date %s is before the signing on %s",
                          code, date, p.signed_on);
        goto fail;
    }
    if (!p.agreed[kind][0]) {
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "project '%s' has no agreed %s to extend (parkland project milestone %s %s --planned DATE)",
                          code, pl_deadline_en(kind), code, pl_deadline_ids[kind]);
        goto fail;
    }
    if (p.actual[kind][0]) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': the %s took place on %s; there is nothing to extend", code,
                          pl_deadline_en(kind), p.actual[kind]);
        goto fail;
    }
    /* the base: the agreed date moved by the handover delay, without the extension */
    pl_deadline_dates in;
    dl_project base = p;
    memset(base.extended, 0, sizeof base.extended);
    dates_of(&base, &in);
    pl_deadline dl[PL_DL_KINDS];
    pl_deadlines_compute(&in, today, dl);
    snprintf(res->base, sizeof res->base, "%s", dl[kind].effective);
    snprintf(res->until, sizeof res->until, "%s", until);
    long b, u;
    pl_date_days(res->base, &b);
    pl_date_days(until, &u);
    res->days = u - b;
    if (u <= b) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': the new %s deadline %s is not after the deadline %s", code,
                          pl_deadline_en(kind), until, res->base);
        goto fail;
    }
    res->beyond_limit = u > year_after(b);
    snprintf(res->replaced, sizeof res->replaced, "%s", p.extended[kind]);
    if ((rc = run(db, err, "cannot record the extension",
                  "INSERT INTO project_extension(project_id, kind, document, until, agreed_on, note, recorded_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(project_id, kind) DO UPDATE SET"
                  " document = excluded.document, until = excluded.until, agreed_on = excluded.agreed_on,"
                  " note = excluded.note, recorded_at = excluded.recorded_at",
                  p.id, pl_deadline_ids[kind], document, until, date, blank(note) ? NULL : note, now)) ||
        (rc = touch(db, p.id, now, err)))
        goto fail;
    char field[48], hnote[768];
    snprintf(field, sizeof field, "extension %s", pl_deadline_ids[kind]);
    snprintf(hnote, sizeof hnote, "%s %s: %s → %s (%ld days)%s%s%s", kind == PL_DL_START ? "延期开工" : "延期竣工",
             document, res->base, until, res->days, res->beyond_limit ? "; more than one year" : "",
             blank(note) ? "" : "; ", blank(note) ? "" : note);
    if ((rc = pl_history_add_effective(db, "project", p.id, code, field, res->replaced[0] ? res->replaced : NULL,
                                       until, hnote, date, 0, err)))
        goto fail;
    return PL_OK;
fail:
    memset(res, 0, sizeof *res);
    return rc;
}

