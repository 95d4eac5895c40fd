/* parcel_reclaim.c — taking idle land back from the project that holds it
 * (parkland/reclaim.h, issue 13 §2). */
#include "parkland/reclaim.h"
#include "parkland/lifecycle.h"
#include "parkland/parcel.h"

#include "date.h"
#include "db_internal.h"
#include "landing.h"
#include "lifecycle.h"

#include <stdio.h>
#include <string.h>

/* The live project holding the parcel on `date` (signed by then, not
 * terminated by then, its hold not ended), with its landing on the date. */
typedef struct holder {
    long id, lead_id;
    char code[64], lead[64];
    pl_landing landing;
} holder;

static int find_holder(pl_db *db, long parcel_id, const char *date, holder *h, pl_error *err)
{
    memset(h, 0, sizeof *h);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT pr.id, pr.code, pr.lead_id, l.code, NULL,"
        " (SELECT actual FROM milestone m WHERE m.project_id = pr.id AND m.kind = 'land'),"
        " (SELECT actual FROM milestone m WHERE m.project_id = pr.id AND m.kind = 'construction'),"
        " (SELECT actual FROM milestone m WHERE m.project_id = pr.id AND m.kind = 'production'),"
        " (SELECT actual FROM milestone m WHERE m.project_id = pr.id AND m.kind = 'verification'),"
        " (SELECT planned FROM milestone m WHERE m.project_id = pr.id AND m.kind = 'construction')"
        " FROM project_parcel pp JOIN project pr ON pr.id = pp.project_id LEFT JOIN lead l ON l.id = pr.lead_id"
        " WHERE pp.parcel_id = ?1 AND pp.reclaimed_on IS NULL AND pr.signed_on <= ?2"
        "   AND (pr.terminated_on IS NULL OR pr.terminated_on > ?2)"
        " ORDER BY pr.signed_on DESC, pr.id DESC LIMIT 1", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, parcel_id);
    pl_bind_text(st, 2, date);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        h->id = (long)sqlite3_column_int64(st, 0);
        snprintf(h->code, sizeof h->code, "%s", (const char *)sqlite3_column_text(st, 1));
        h->lead_id = (long)sqlite3_column_int64(st, 2);
        snprintf(h->lead, sizeof h->lead, "%s", sqlite3_column_text(st, 3) ? (const char *)sqlite3_column_text(st, 3) : "");
        const char *const actual[PL_MS_KINDS] = {
            (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6),
            (const char *)sqlite3_column_text(st, 7), (const char *)sqlite3_column_text(st, 8)};
        pl_landing_of(1, actual, (const char *)sqlite3_column_text(st, 9), date, &h->landing);
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the parcel's project");
    }
    sqlite3_finalize(st);
    return rc;
}

static int parcel_status(pl_db *db, long parcel_id, char status[16], char code[128], pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT status, code FROM parcel WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, parcel_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        snprintf(status, 16, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(code, 128, "%s", (const char *)sqlite3_column_text(st, 1));
    } else {
        rc = step == SQLITE_DONE ? pl_error_set(err, PL_ERR_NOTFOUND, "no parcel with id %ld", parcel_id)
                                 : pl_db_fail(db, err, "cannot read parcel");
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_reclaim_applies(pl_db *db, long parcel_id, const char *date, int *idle, pl_error *err)
{
    *idle = 0;
    char status[16], code[128];
    holder h;
    int rc = parcel_status(db, parcel_id, status, code, err);
    if (!rc && !strcmp(status, "retired"))
        return PL_OK;
    if (!rc && !(rc = find_holder(db, parcel_id, date, &h, err)))
        *idle = h.id && (!strcmp(status, "idle") || h.landing.idle);
    return rc;
}

/* The project has no parcel it still holds: terminated on `date`, its lead lost
 * unless another live project of the lead remains. */
static int end_project(pl_db *db, const holder *h, const char *date, const char *note, pl_reclaim_result *res,
                       pl_error *err)
{
    char now[32], hnote[600];
    pl_now_iso(now, sizeof now);
    snprintf(hnote, sizeof hnote, "all its parcels reclaimed 收回%s%s", note && *note ? ": " : "", note ? note : "");
    int rc;
    if ((rc = pl_db_run(db, "UPDATE project SET terminated_on = ?2, updated_at = ?3 WHERE id = ?1",
                        "cannot terminate the project", h->id, date, now, NULL, err)) ||
        (rc = pl_history_add_effective(db, "project", h->id, h->code, "terminated", NULL, date, hnote, date, 0, err)))
        return rc;
    res->project_terminated = 1;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
                            "SELECT l.stage, (SELECT count(*) FROM project x WHERE x.lead_id = l.id AND x.id <> ?2"
                            " AND x.terminated_on IS NULL) FROM lead l WHERE l.id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, h->lead_id);
    sqlite3_bind_int64(st, 2, h->id);
    char stage[16] = "";
    int live = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(stage, sizeof stage, "%s", (const char *)sqlite3_column_text(st, 0));
        live = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    snprintf(res->lead_stage, sizeof res->lead_stage, "%s", stage);
    if (!stage[0] || live || !strcmp(stage, "lost"))
        return PL_OK;
    snprintf(res->lead_stage, sizeof res->lead_stage, "lost");
    snprintf(hnote, sizeof hnote, "project %s: all its parcels reclaimed 收回", h->code);
    if ((rc = pl_db_run(db, "UPDATE lead SET stage = 'lost', stage_date = ?2, updated_at = ?3 WHERE id = ?1",
                        "cannot update the lead", h->lead_id, date, now, NULL, err)))
        return rc;
    return pl_history_add_effective(db, "lead", h->lead_id, h->lead, "stage", stage, "lost", hnote, date, 0, err);
}

int pl_reclaim_in_tx(pl_db *db, long parcel_id, const char *to, const char *date, const char *note,
                     pl_reclaim_result *result, pl_error *err)
{
    pl_reclaim_result local;
    pl_reclaim_result *res = result ? result : &local;
    memset(res, 0, sizeof *res);
    char status[16], code[128], today[16];
    holder h;
    int rc = parcel_status(db, parcel_id, status, code, err);
    if (rc || (rc = find_holder(db, parcel_id, date, &h, err)))
        return rc;
    pl_today(today, sizeof today);
    if (strcmp(date, today) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "parcel '%s': reclaim date %s is in the future", code, date);
    if (strcmp(status, "idle") && !(h.id && h.landing.idle)) {
        if (h.id)
            return pl_error_set(err, PL_ERR_INPUT,
                                "parcel '%s' is not idle 闲置 on %s: project '%s' holds it and its construction start "
                                "is %ld days overdue (idle from %d)", code, date, h.code, h.landing.overdue_days,
                                PL_IDLE_DAYS);
        return pl_error_set(err, PL_ERR_INPUT, "parcel '%s' is not idle 闲置 (it is %s %s) and no project holds it",
                            code, status, pl_parcel_status_zh(status) ? pl_parcel_status_zh(status) : "");
    }
    char mnote[700];
    if (h.id)
        snprintf(mnote, sizeof mnote, "reclaimed 收回 from project %s (construction start %ld days overdue)%s%s", h.code,
                 h.landing.overdue_days, note && *note ? ": " : "", note ? note : "");
    else /* idle, held by no project: the plain move */
        snprintf(mnote, sizeof mnote, "%s", note ? note : "");
    if ((rc = pl_parcel_move(db, parcel_id, to, date, mnote[0] ? mnote : NULL, PL_MOVE_RECLAIM, err)))
        return rc;
    snprintf(res->code, sizeof res->code, "%s", code);
    snprintf(res->from, sizeof res->from, "%s", status);
    snprintf(res->to, sizeof res->to, "%s", to);
    snprintf(res->date, sizeof res->date, "%.10s", date);
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "SELECT k.code FROM parcel p JOIN park k ON k.id = p.park_id WHERE p.id = ?1", &st,
                            err)))
        return rc;
    sqlite3_bind_int64(st, 1, parcel_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(res->park, sizeof res->park, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!h.id)
        return PL_OK;
    snprintf(res->project, sizeof res->project, "%s", h.code);
    snprintf(res->lead, sizeof res->lead, "%s", h.lead);
    res->overdue_days = h.landing.overdue_days;
    if ((rc = pl_db_prepare(db, "UPDATE project_parcel SET reclaimed_on = ?3 WHERE project_id = ?1 AND parcel_id = ?2",
                            &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, h.id);
    sqlite3_bind_int64(st, 2, parcel_id);
    pl_bind_text(st, 3, date);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return pl_db_fail(db, err, "cannot end the project's hold on the parcel");
    if ((rc = pl_history_add_effective(db, "project", h.id, h.code, "reclaimed", code, to, note, date, 0, err)) ||
        (rc = pl_history_add_effective(db, "parcel", parcel_id, code, "project", h.code, NULL, mnote, date, 0, err)))
        return rc;
    /* the project's last parcel: the project ends */
    if ((rc = pl_db_prepare(db, "SELECT count(*) FROM project_parcel WHERE project_id = ?1 AND reclaimed_on IS NULL",
                            &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, h.id);
    long held = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (held < 0)
        return pl_db_fail(db, err, "cannot read the project's parcels");
    return held ? PL_OK : end_project(db, &h, date, note, res, err);
}

int pl_parcel_reclaim(pl_db *db, const char *park, const char *code, const char *to, const char *date,
                      const char *note, pl_reclaim_result *result, pl_error *err)
{
    if (result)
        memset(result, 0, sizeof *result);
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (a parcel code)");
    const char *id_to = to ? pl_parcel_status_parse(to) : "reserve";
    if (!id_to || (strcmp(id_to, "reserve") && strcmp(id_to, "available")))
        return pl_error_set(err, PL_ERR_USAGE, "reclaimed land goes to reserve 储备 or available 可供, not '%s'", to);
    char today[16];
    pl_today(today, sizeof today);
    if (!date)
        date = today;
    if (!pl_date_valid_years(date, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX) || strlen(date) != 10)
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a date (YYYY-MM-DD, a real calendar day)", date);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    long id;
    if ((rc = pl_parcel_find(db, park, code, &id, NULL, 0, err)) ||
        (rc = pl_reclaim_in_tx(db, id, id_to, date, note, result, err))) {
        pl_db_rollback(db);
        if (result)
            memset(result, 0, sizeof *result);
        return rc;
    }
    return pl_db_commit(db, err);
}
