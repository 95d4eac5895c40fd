/* parcel_show.c — one parcel's reservation, project, milestones and label
 * point for `parcel show` (parkland/parcel_show.h). */
#include "parkland/parcel_show.h"

#include "db_internal.h"
#include "xform.h"
#include "parkland/deadline.h"
#include "parkland/project.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    snprintf(dst, n, "%s", s ? s : "");
}

/* The label point: a point on the surface in the working CRS, then WGS 84. */
static int label_point(pl_db *db, long id, pl_parcel_detail *out, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare_kept(db, "SELECT ST_X(p.pt), ST_Y(p.pt) FROM (SELECT PointOnSurface(geom) AS pt"
                               " FROM parcel WHERE id = ?1) p", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    double xy[2] = {NAN, NAN};
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        xy[0] = sqlite3_column_double(st, 0);
        xy[1] = sqlite3_column_double(st, 1);
    }
    pl_db_kept_done(db, st);
    if (isnan(xy[0]))
        return PL_OK;
    pl_xform *xf;
    pl_error ignored;
    pl_error_clear(&ignored);
    if (pl_xform_open(db, db->srid, 4326, 0, &xf, &ignored) != PL_OK)
        return PL_OK; /* no transformation: no label point, not an error */
    if (pl_xform_points(xf, xy, 1, &ignored) == PL_OK && isfinite(xy[0]) && isfinite(xy[1])) {
        out->label_lon = xy[0];
        out->label_lat = xy[1];
    }
    pl_xform_free(xf);
    return PL_OK;
}

static int reservation(pl_db *db, long id, pl_parcel_detail *out, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare_kept(db, "SELECT l.code, l.company, r.reserved_on, r.expires_on, r.expires_on < ?2"
                               " FROM reservation r LEFT JOIN lead l ON l.id = r.lead_id"
                               " WHERE r.parcel_id = ?1 AND r.released_on IS NULL"
                               " ORDER BY r.reserved_on DESC, r.id DESC LIMIT 1", &st, err);
    if (rc)
        return rc;
    char today[16];
    pl_today(today, sizeof today);
    sqlite3_bind_int64(st, 1, id);
    pl_bind_text(st, 2, today);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->reserved = 1;
        copy_col(out->reserved_lead, sizeof out->reserved_lead, st, 0);
        copy_col(out->reserved_company, sizeof out->reserved_company, st, 1);
        copy_col(out->reserved_on, sizeof out->reserved_on, st, 2);
        copy_col(out->reserved_expires, sizeof out->reserved_expires, st, 3);
        out->reservation_expired = sqlite3_column_int(st, 4);
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the parcel's reservation");
    }
    pl_db_kept_done(db, st);
    return rc;
}

static int project_row(const pl_project_row *r, void *vctx)
{
    pl_parcel_detail *out = vctx;
    snprintf(out->project_stage, sizeof out->project_stage, "%s", r->stage ? r->stage : "");
    snprintf(out->project_company, sizeof out->project_company, "%s", r->company ? r->company : "");
    snprintf(out->project_lead, sizeof out->project_lead, "%s", r->lead ? r->lead : "");
    snprintf(out->project_signed_on, sizeof out->project_signed_on, "%s", r->signed_on ? r->signed_on : "");
    for (int k = 0; k < 4; k++) {
        snprintf(out->milestone_planned[k], sizeof out->milestone_planned[k], "%s",
                 r->milestones[k].planned ? r->milestones[k].planned : "");
        snprintf(out->milestone_actual[k], sizeof out->milestone_actual[k], "%s",
                 r->milestones[k].actual ? r->milestones[k].actual : "");
    }
    return 0;
}

static int project(pl_db *db, long id, pl_parcel_detail *out, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare_kept(db, "SELECT pr.code FROM project_parcel pp JOIN project pr ON pr.id = pp.project_id"
                               " WHERE pp.parcel_id = ?1"
                               " ORDER BY pr.terminated_on IS NOT NULL, pr.signed_on DESC, pr.id DESC LIMIT 1",
                           &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->has_project = 1;
        copy_col(out->project, sizeof out->project, st, 0);
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the parcel's project");
    }
    pl_db_kept_done(db, st);
    if (!rc && out->has_project)
        rc = pl_project_get(db, out->project, project_row, out, err);
    pl_deadline dl[PL_DL_KINDS];
    if (!rc && out->has_project && !(rc = pl_project_deadlines(db, out->project, NULL, dl, err))) {
        snprintf(out->completion_planned, sizeof out->completion_planned, "%s", dl[PL_DL_COMPLETION].agreed);
        snprintf(out->completion_actual, sizeof out->completion_actual, "%s", dl[PL_DL_COMPLETION].actual);
        snprintf(out->start_deadline, sizeof out->start_deadline, "%s", dl[PL_DL_START].effective);
        snprintf(out->completion_deadline, sizeof out->completion_deadline, "%s", dl[PL_DL_COMPLETION].effective);
    }
    return rc;
}

int pl_parcel_detail_get(pl_db *db, const char *park, const char *code, pl_parcel_detail *out, pl_error *err)
{
    memset(out, 0, sizeof *out);
    out->label_lon = out->label_lat = NAN;
    long id;
    int rc = pl_parcel_find(db, park, code, &id, NULL, 0, err);
    if (!rc)
        rc = label_point(db, id, out, err);
    if (!rc)
        rc = reservation(db, id, out, err);
    if (!rc)
        rc = project(db, id, out, err);
    return rc;
}
