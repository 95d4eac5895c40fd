/* lifecycle.c — parcel status moves (design.md "Parcel status") and reservations. */
#include "lifecycle.h"

#include "date.h"
#include "parkland/lifecycle.h"
#include "parkland/parcel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const next_reserve[] = {"available", NULL};
static const char *const next_available[] = {"reserved", "listed", "reserve", NULL};
static const char *const next_reserved[] = {"available", "listed", "transferred", NULL};
static const char *const next_listed[] = {"transferred", "available", NULL};
static const char *const next_transferred[] = {"construction", "idle", NULL};
static const char *const next_construction[] = {"production", "idle", NULL};
static const char *const next_production[] = {"verified", NULL};
static const char *const next_none[] = {NULL};
static const char *const next_idle[] = {"construction", "reserve", "available", NULL};

static const struct {
    const char *from;
    const char *const *to;
} moves[] = {
    {"reserve", next_reserve},         {"available", next_available},       {"reserved", next_reserved},
    {"listed", next_listed},           {"transferred", next_transferred},   {"construction", next_construction},
    {"production", next_production},   {"verified", next_none},             {"idle", next_idle},
    {"retired", next_none},
};

const char *const *pl_parcel_status_next(const char *from)
{
    for (size_t i = 0; from && i < sizeof moves / sizeof *moves; i++)
        if (!strcmp(moves[i].from, from))
            return moves[i].to;
    return NULL;
}

int pl_parcel_status_is_legal(const char *from, const char *to)
{
    const char *const *next = pl_parcel_status_next(from);
    for (size_t i = 0; next && to && next[i]; i++)
        if (!strcmp(next[i], to))
            return 1;
    return 0;
}

int pl_parcel_move_is_legal(const char *from, const char *to)
{
    return pl_parcel_status_is_legal(from, to);
}

/* 1 when `s` is YYYY-MM-DD and a real calendar date (years 1900–2199). */
static int valid_date(const char *s)
{
    return pl_date_valid_years(s, PL_DATE_YEAR_MIN, 2199);
}

/* "construction 在建, idle 闲置" (or "none 无 (final 终态)"). */
static void legal_list(const char *from, char *buf, size_t len)
{
    const char *const *next = pl_parcel_status_next(from);
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; next && next[i] && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s %s", i ? ", " : "", next[i], pl_parcel_status_zh(next[i]));
    if (!buf[0])
        snprintf(buf, len, "none 无 (%s is final 终态)", from);
}

static int known_status(const char *s)
{
    return s && (pl_parcel_status_zh(s) != NULL);
}

static const char *zh(const char *status)
{
    const char *z = pl_parcel_status_zh(status);
    return z ? z : "";
}

/* Everything a move needs to know about the parcel. */
typedef struct parcel_state {
    long id;
    char code[128], park[64], status[16];
    int has_indicators;
} parcel_state;

static int load_state(pl_db *db, long id, parcel_state *ps, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT p.code, k.code, p.status, EXISTS (SELECT 1 FROM parcel_indicator i WHERE i.parcel_id = p.id)"
        "  FROM parcel p JOIN park k ON k.id = p.park_id WHERE p.id = ?1", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        ps->id = id;
        snprintf(ps->code, sizeof ps->code, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(ps->park, sizeof ps->park, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(ps->status, sizeof ps->status, "%s", (const char *)sqlite3_column_text(st, 2));
        ps->has_indicators = sqlite3_column_int(st, 3);
    } else if (step == SQLITE_DONE) {
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no parcel with id %ld", id);
    } else {
        rc = pl_db_fail(db, err, "cannot read parcel");
    }
    sqlite3_finalize(st);
    return rc;
}

/* `date` + `days` as YYYY-MM-DD. */
static int add_days(pl_db *db, const char *date, int days, char out[11], pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT date(?1, printf('%d days', ?2))", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, date);
    sqlite3_bind_int(st, 2, days);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
        snprintf(out, 11, "%s", (const char *)sqlite3_column_text(st, 0));
    else
        rc = pl_db_fail(db, err, "cannot compute a date");
    sqlite3_finalize(st);
    return rc;
}

static int exec_bound(pl_db *db, sqlite3_stmt *st, const char *what, pl_error *err)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, what);
    sqlite3_finalize(st);
    return rc;
}

/* Release the open reservation of the parcel (if any) on `date`, with history. */
static int release_reservation(pl_db *db, const parcel_state *ps, const char *date, const char *to, long *released,
                               pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT r.id, r.expires_on, l.code FROM reservation r LEFT JOIN lead l ON l.id = r.lead_id"
        " WHERE r.parcel_id = ?1 AND r.released_on IS NULL ORDER BY r.id", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, ps->id);
    long ids[16];
    char what[16][192];
    size_t n = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && n < 16) {
        ids[n] = (long)sqlite3_column_int64(st, 0);
        const char *lead = (const char *)sqlite3_column_text(st, 2);
        const char *until = (const char *)sqlite3_column_text(st, 1);
        if (lead)
            snprintf(what[n], sizeof what[n], "lead %s until %s", lead, until);
        else
            snprintf(what[n], sizeof what[n], "until %s", until);
        n++;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pl_db_fail(db, err, "cannot read reservations");
    for (size_t i = 0; i < n; i++) {
        if ((rc = pl_db_prepare(db, "UPDATE reservation SET released_on = ?1 WHERE id = ?2", &st, err)))
            return rc;
        pl_bind_text(st, 1, date);
        sqlite3_bind_int64(st, 2, ids[i]);
        if ((rc = exec_bound(db, st, "cannot release the reservation", err)))
            return rc;
        char note[96];
        snprintf(note, sizeof note, "released on %s (→ %s)", date, to);
        if ((rc = pl_history_add_effective(db, "parcel", ps->id, ps->code, "reservation", what[i], NULL, note, date, 0,
                                           err)))
            return rc;
        if (released)
            *released = ids[i];
    }
    return PL_OK;
}

/* The move itself; `lead_id` and `expires` only for 'reserved'. `hold`: the
 * parcel goes to 'reserved' for a signed project (project_parcel says which),
 * with no reservation row and so no expiry: the land milestone is its deadline. */
static int move_ex(pl_db *db, long parcel_id, const char *to, const char *date, const char *note, int force,
                   long lead_id, const char *lead_code, const char *expires, int hold, pl_status_result *res,
                   pl_error *err)
{
    if (!known_status(to))
        return pl_error_set(err, PL_ERR_USAGE,
                            "unknown status '%s' (reserve, available, reserved, listed, transferred, construction, "
                            "production, verified, idle)", to ? to : "");
    char today[16];
    if (!date) {
        pl_today(today, sizeof today);
        date = today;
    }
    if (!valid_date(date))
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a date (YYYY-MM-DD, a real calendar day)", date);
    if (force && (!note || !*note))
        return pl_error_set(err, PL_ERR_USAGE, "a forced status change needs a note (--note TEXT) saying why");
    if (strcmp(to, "reserved") && (lead_id || expires))
        return pl_error_set(err, PL_ERR_USAGE, "--lead and --expires only apply when moving to 'reserved' 预留");
    parcel_state ps;
    int rc = load_state(db, parcel_id, &ps, err);
    if (rc)
        return rc;
    if (!strcmp(ps.status, "retired"))
        return pl_error_set(err, PL_ERR_INPUT, "parcel '%s' is retired 已注销 (split or merged); its status cannot change",
                            ps.code);
    if (!strcmp(ps.status, to))
        return pl_error_set(err, PL_ERR_INPUT, "parcel '%s' is already %s %s", ps.code, to, zh(to));
    if (!force && !pl_parcel_status_is_legal(ps.status, to)) {
        char legal[512];
        legal_list(ps.status, legal, sizeof legal);
        return pl_error_set(err, PL_ERR_INPUT,
                            "parcel '%s' is %s %s; it may go to: %s (not %s %s; 不允许的状态变更, "
                            "--force --note TEXT overrides)",
                            ps.code, ps.status, zh(ps.status), legal, to, zh(to));
    }
    if (!force && !strcmp(to, "available") && !ps.has_indicators)
        return pl_error_set(err, PL_ERR_INPUT,
                            "parcel '%s' has no standard-land indicators 标准地控制指标 yet; set them with "
                            "'parkland parcel indicators %s --investment-intensity X …' before making it available",
                            ps.code, ps.code);
    char exp[11] = "";
    if (!strcmp(to, "reserved") && !hold) {
        if (expires) {
            if (!valid_date(expires))
                return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a date (YYYY-MM-DD, a real calendar day)",
                                    expires);
            if (strcmp(expires, date) <= 0)
                return pl_error_set(err, PL_ERR_INPUT,
                                    "the reservation of parcel '%s' would expire on %s, not after its date %s",
                                    ps.code, expires, date);
            snprintf(exp, sizeof exp, "%s", expires);
        } else if ((rc = add_days(db, date, PL_RESERVATION_DEFAULT_DAYS, exp, err))) {
            return rc;
        }
    }

    /* write: parcel, reservation, history */
    char now[32];
    pl_now_iso(now, sizeof now);
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "UPDATE parcel SET status = ?1, status_date = ?2, updated_at = ?3 WHERE id = ?4",
                            &st, err)))
        return rc;
    pl_bind_text(st, 1, to);
    pl_bind_text(st, 2, date);
    pl_bind_text(st, 3, now);
    sqlite3_bind_int64(st, 4, ps.id);
    if ((rc = exec_bound(db, st, "cannot change the parcel's status", err)))
        return rc;
    char *hnote = NULL;
    if (force) {
        size_t n = strlen(note) + 16;
        if (!(hnote = malloc(n)))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        snprintf(hnote, n, "forced: %s", note);
    }
    rc = pl_history_add_effective(db, "parcel", ps.id, ps.code, "status", ps.status, to, force ? hnote : note, date,
                                  0, err);
    free(hnote);
    if (rc)
        return rc;
    long released = 0;
    /* leaving 'reserved' (and, defensively, any stale open reservation) */
    if ((rc = release_reservation(db, &ps, date, to, &released, err)))
        return rc;

    long reservation = 0;
    if (!strcmp(to, "reserved") && !hold) {
        if ((rc = pl_db_prepare(db, "INSERT INTO reservation(parcel_id, lead_id, reserved_on, expires_on, note)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5)", &st, err)))
            return rc;
        sqlite3_bind_int64(st, 1, ps.id);
        if (lead_id)
            sqlite3_bind_int64(st, 2, lead_id);
        else
            sqlite3_bind_null(st, 2);
        pl_bind_text(st, 3, date);
        pl_bind_text(st, 4, exp);
        pl_bind_text(st, 5, note);
        if ((rc = exec_bound(db, st, "cannot record the reservation", err)))
            return rc;
        reservation = (long)sqlite3_last_insert_rowid(db->h);
        char what[192];
        if (lead_code)
            snprintf(what, sizeof what, "lead %s until %s", lead_code, exp);
        else
            snprintf(what, sizeof what, "until %s", exp);
        if ((rc = pl_history_add_effective(db, "parcel", ps.id, ps.code, "reservation", NULL, what, note, date, 0, err)))
            return rc;
    }
    if (res) {
        memset(res, 0, sizeof *res);
        snprintf(res->park, sizeof res->park, "%s", ps.park);
        snprintf(res->code, sizeof res->code, "%s", ps.code);
        snprintf(res->from, sizeof res->from, "%s", ps.status);
        snprintf(res->to, sizeof res->to, "%s", to);
        snprintf(res->date, sizeof res->date, "%.10s", date);
        snprintf(res->expires, sizeof res->expires, "%s", exp);
        res->forced = force;
        res->reservation_id = reservation;
        res->released_id = released;
    }
    return PL_OK;
}

int pl_parcel_move(pl_db *db, long parcel_id, const char *to, const char *date, const char *note, int force,
                   pl_error *err)
{
    return move_ex(db, parcel_id, to, date, note, force, 0, NULL, NULL, 0, NULL, err);
}

int pl_parcel_hold_for_project(pl_db *db, long parcel_id, int list, const char *project, const char *date,
                               const char *note, char status[16], pl_error *err)
{
    parcel_state ps;
    int rc = load_state(db, parcel_id, &ps, err);
    if (rc)
        return rc;
    char to[64];
    snprintf(to, sizeof to, "project %s", project);
    const char *next = NULL;
    if (!strcmp(ps.status, "available"))
        next = list ? "listed" : "reserved";
    else if (!strcmp(ps.status, "reserved"))
        next = list ? "listed" : NULL; /* the lead's reservation becomes the project's hold */
    else if (strcmp(ps.status, "listed"))
        return pl_error_set(err, PL_ERR_INPUT, "parcel '%s' is %s %s; a project holds parcels that are available, "
                            "reserved or listed", ps.code, ps.status, zh(ps.status));
    if (!next) {
        if ((rc = release_reservation(db, &ps, date, to, NULL, err)))
            return rc;
    } else if ((rc = move_ex(db, parcel_id, next, date, note, 0, 0, NULL, NULL, 1, NULL, err))) {
        return rc;
    }
    snprintf(status, 16, "%s", next ? next : ps.status);
    return PL_OK;
}

int pl_parcel_set_status(pl_db *db, const char *park, const char *code, const char *status,
                         const pl_status_options *opt, pl_status_result *result, pl_error *err)
{
    pl_status_options none = {0};
    if (!opt)
        opt = &none;
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (a parcel code)");
    if (pl_parcel_status_parse(status)) /* an id, a Chinese or an English label */
        status = pl_parcel_status_parse(status);
    if (status && !strcmp(status, "retired"))
        return pl_error_set(err, PL_ERR_USAGE, "status 'retired' is set by 'parcel split' and 'parcel merge' only");
    if (!known_status(status))
        return move_ex(db, 0, status, NULL, NULL, 0, 0, NULL, NULL, 0, NULL, err); /* the unknown-status message */
    if ((opt->lead || opt->expires) && strcmp(status, "reserved"))
        return pl_error_set(err, PL_ERR_USAGE, "--lead and --expires only apply when moving to 'reserved' 预留");
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id = 0, lead_id = 0;
    if ((rc = pl_parcel_find(db, park, code, &id, NULL, 0, err)))
        goto fail;
    if (opt->lead) {
        sqlite3_stmt *st;
        if ((rc = pl_db_prepare(db, "SELECT id, stage FROM lead WHERE code = ?1", &st, err)))
            goto fail;
        pl_bind_text(st, 1, opt->lead);
        int step = sqlite3_step(st);
        int lost = 0;
        if (step == SQLITE_ROW) {
            lead_id = (long)sqlite3_column_int64(st, 0);
            lost = !strcmp((const char *)sqlite3_column_text(st, 1), "lost");
        }
        sqlite3_finalize(st);
        if (step == SQLITE_DONE) {
            rc = pl_error_set(err, PL_ERR_NOTFOUND, "no lead '%s' (see 'parkland lead list')", opt->lead);
            goto fail;
        }
        if (step != SQLITE_ROW) {
            rc = pl_db_fail(db, err, "cannot read leads");
            goto fail;
        }
        if (lost) {
            rc = pl_error_set(err, PL_ERR_INPUT, "lead '%s' is lost 流失; parcel '%s' cannot be reserved for it",
                              opt->lead, code);
            goto fail;
        }
    }
    if ((rc = move_ex(db, id, status, opt->date, opt->note, opt->force, lead_id, opt->lead, opt->expires, 0, result,
                      err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}
