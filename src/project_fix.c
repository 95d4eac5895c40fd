/* project_fix.c — correcting a signed project: edit its agreed dates and
 * commitments, terminate it (issue 13 §2). */
#include "parkland/project.h"

#include "date.h"
#include "db_internal.h"
#include "lifecycle.h"
#include "vocab.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int blank(const char *s)
{
    return !s || !*s;
}

/* "%.15g", or NULL for NAN */
static const char *num_text(double v, char buf[32])
{
    if (isnan(v))
        return NULL;
    snprintf(buf, 32, "%.15g", v);
    return buf;
}

/* The project's id, signing date and termination date ("" when live). */
typedef struct fix_project {
    long id, lead_id;
    char lead[64], signed_on[16], terminated_on[16];
    char planned[4][16];
    double nums[6];
} fix_project;

enum { N_INVESTMENT, N_INTENSITY, N_FAR, N_TAX, N_OUTPUT, N_ENERGY, NNUM };
static const char *const num_col[NNUM] = {"investment", "investment_intensity", "far",
                                          "tax_per_mu", "output_per_mu",        "energy_per_output"};
static const char *const num_opt[NNUM] = {"--investment", "--investment-intensity", "--far",
                                          "--tax-per-mu", "--output-per-mu",        "--energy-per-output"};
static const char *const date_opt[4] = {"--land-by", "--start-by", "--production-by", "--verify-by"};

static int read_project(pl_db *db, const char *code, fix_project *p, pl_error *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
                           "SELECT p.id, p.lead_id, l.code, p.signed_on, p.terminated_on, p.investment,"
                           " p.investment_intensity, p.far, p.tax_per_mu, p.output_per_mu, p.energy_per_output"
                           " FROM project p JOIN lead l ON l.id = p.lead_id WHERE p.code = ?1",
                           &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        p->id = (long)sqlite3_column_int64(st, 0);
        p->lead_id = (long)sqlite3_column_int64(st, 1);
        snprintf(p->lead, sizeof p->lead, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(p->signed_on, sizeof p->signed_on, "%s", (const char *)sqlite3_column_text(st, 3));
        if (sqlite3_column_text(st, 4))
            snprintf(p->terminated_on, sizeof p->terminated_on, "%s", (const char *)sqlite3_column_text(st, 4));
        for (int i = 0; i < NNUM; i++)
            p->nums[i] = pl_col_num(st, 5 + i);
    }
    sqlite3_finalize(st);
    if (step == SQLITE_DONE)
        return pl_error_set(err, PL_ERR_NOTFOUND, "no project '%s' (see 'parkland project list')", code);
    if (step != SQLITE_ROW)
        return pl_db_fail(db, err, "cannot read projects");
    if ((rc = pl_db_prepare(db, "SELECT kind, planned FROM milestone WHERE project_id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, p->id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int k = pl_vocab_index(PL_VOCAB_MILESTONE, (const char *)sqlite3_column_text(st, 0));
        if (k >= 0 && sqlite3_column_text(st, 1))
            snprintf(p->planned[k], 16, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return PL_OK;
}

/* ---- edit ------------------------------------------------------------------------------- */

void pl_project_changes_init(pl_project_changes *c)
{
    memset(c, 0, sizeof *c);
    c->investment = c->investment_intensity = c->far = NAN;
    c->tax_per_mu = c->output_per_mu = c->energy_per_output = NAN;
}

int pl_project_edit(pl_db *db, const char *code, const pl_project_changes *c, int *changed, pl_error *err)
{
    if (changed)
        *changed = 0;
    const char *dates[4] = {c->land_by, c->start_by, c->production_by, c->verify_by};
    double nums[NNUM] = {c->investment, c->investment_intensity, c->far, c->tax_per_mu, c->output_per_mu,
                         c->energy_per_output};
    for (int k = 0; k < 4; k++)
        if (!blank(dates[k]) && !pl_date_valid_years(dates[k], PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX))
            return pl_error_set(err, PL_ERR_USAGE, "%s '%s' is not a real date (YYYY-MM-DD)", date_opt[k], dates[k]);
    for (int i = 0; i < NNUM; i++)
        if (!isnan(nums[i]) && (!isfinite(nums[i]) || nums[i] < 0))
            return pl_error_set(err, PL_ERR_USAGE, "%s must be a number ≥ 0, not %g", num_opt[i], nums[i]);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    fix_project p;
    if ((rc = read_project(db, code, &p, err)))
        goto fail;
    if (p.terminated_on[0]) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s' was terminated on %s; its commitments stay as they were",
                          code, p.terminated_on);
        goto fail;
    }
    /* the planned dates after the edit, in milestone order */
    char after[4][16];
    for (int k = 0; k < 4; k++)
        snprintf(after[k], 16, "%s", blank(dates[k]) ? p.planned[k] : dates[k]);
    for (int k = 0, last = -1; k < 4; k++) {
        if (!after[k][0])
            continue;
        if (last >= 0 && strcmp(after[k], after[last]) < 0) {
            rc = pl_error_set(err, PL_ERR_INPUT, "project '%s' not changed: planned %s %s is before planned %s %s",
                              code, pl_vocab_at(PL_VOCAB_MILESTONE, (size_t)k)->en, after[k],
                              pl_vocab_at(PL_VOCAB_MILESTONE, (size_t)last)->en, after[last]);
            goto fail;
        }
        last = k;
    }
    int n = 0;
    const char *note = blank(c->note) ? NULL : c->note;
    for (int k = 0; k < 4; k++) {
        if (!strcmp(after[k], p.planned[k]))
            continue;
        if ((rc = pl_db_run(db,
                           "INSERT INTO milestone(project_id, kind, planned) VALUES (?1, ?2, ?3)"
                           " ON CONFLICT(project_id, kind) DO UPDATE SET planned = excluded.planned",
                           "cannot change the milestone", p.id, pl_milestone_kinds[k], after[k], NULL, err)))
            goto fail;
        char field[48];
        snprintf(field, sizeof field, "milestone %s planned", pl_milestone_kinds[k]);
        if ((rc = pl_history_add(db, "project", p.id, code, field, p.planned[k][0] ? p.planned[k] : NULL, after[k],
                                 note, 0, err)))
            goto fail;
        n++;
    }
    for (int i = 0; i < NNUM; i++) {
        if (isnan(nums[i]) || nums[i] == p.nums[i])
            continue;
        char sql[96];
        snprintf(sql, sizeof sql, "UPDATE project SET %s = ?2 WHERE id = ?1", num_col[i]); /* a fixed column name */
        sqlite3_stmt *st;
        if ((rc = pl_db_prepare(db, sql, &st, err)))
            goto fail;
        sqlite3_bind_int64(st, 1, p.id);
        sqlite3_bind_double(st, 2, nums[i]);
        rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot change the project");
        sqlite3_finalize(st);
        char a[32], b[32];
        if (rc || (rc = pl_history_add(db, "project", p.id, code, num_col[i], num_text(p.nums[i], a),
                                       num_text(nums[i], b), note, 0, err)))
            goto fail;
        n++;
    }
    if (!n) {
        pl_db_rollback(db); /* nothing to write */
        return PL_OK;
    }
    char now[32];
    pl_now_iso(now, sizeof now);
    if ((rc = pl_db_run(db, "UPDATE project SET updated_at = ?2 WHERE id = ?1", "cannot change the project", p.id,
                       now, NULL, NULL, err)) ||
        (rc = pl_db_commit(db, err)))
        goto fail;
    if (changed)
        *changed = n;
    return PL_OK;
fail:
    pl_db_rollback(db);
    return rc;
}

/* ---- terminate -------------------------------------------------------------------------- */

int pl_project_terminate(pl_db *db, const char *code, const char *date, const char *note, pl_terminate_lead lead,
                         pl_project_terminate_result *res, pl_error *err)
{
    memset(res, 0, sizeof *res);
    if (blank(date) || !pl_date_valid_years(date, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX))
        return pl_error_set(err, PL_ERR_USAGE, "termination date '%s' is not a real date (YYYY-MM-DD)",
                            date ? date : "");
    if (blank(note))
        return pl_error_set(err, PL_ERR_USAGE, "project terminate needs a --note saying why");
    char today[16], now[32];
    pl_today(today, sizeof today);
    pl_now_iso(now, sizeof now);
    if (strcmp(date, today) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "project '%s': termination date %s is in the future", code, date);
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    fix_project p;
    if ((rc = read_project(db, code, &p, err)))
        goto fail;
    if (p.terminated_on[0]) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s' was terminated on %s already", code, p.terminated_on);
        goto fail;
    }
    if (strcmp(date, p.signed_on) < 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "project '%s': termination date %s is before the signing on %s", code,
                          date, p.signed_on);
        goto fail;
    }
    if ((rc = pl_db_run(db, "UPDATE project SET terminated_on = ?2, updated_at = ?3 WHERE id = ?1",
                       "cannot terminate the project", p.id, date, now, NULL, err)) ||
        (rc = pl_history_add_effective(db, "project", p.id, code, "terminated", NULL, date, note, date, 0, err)))
        goto fail;
    /* the parcels: reserved or listed ones go back to available, the others are counted */
    size_t used = 0;
    if ((rc = pl_db_prepare(db,
                            "SELECT c.code FROM project_parcel pp JOIN parcel c ON c.id = pp.parcel_id"
                            " WHERE pp.project_id = ?1 AND pp.reclaimed_on IS NULL"
                            " AND c.status NOT IN ('reserve', 'available', 'reserved',"
                            " 'listed', 'retired') ORDER BY c.code",
                            &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, p.id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        res->kept++;
        if (used + 1 < sizeof res->kept_codes)
            used += (size_t)snprintf(res->kept_codes + used, sizeof res->kept_codes - used, "%s%s", used ? ", " : "",
                                     (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    st = NULL;
    char mnote[512];
    snprintf(mnote, sizeof mnote, "project %s terminated: %s", code, note);
    int nrelease = 0;
    for (;;) { /* one at a time: each move changes the rows the query reads */
        if ((rc = pl_db_prepare(db,
                                "SELECT c.id FROM project_parcel pp JOIN parcel c ON c.id = pp.parcel_id"
                                " WHERE pp.project_id = ?1 AND pp.reclaimed_on IS NULL"
                                " AND c.status IN ('reserved', 'listed')"
                                " ORDER BY c.code LIMIT 1",
                                &st, err)))
            goto fail;
        sqlite3_bind_int64(st, 1, p.id);
        long id = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        st = NULL;
        if (!id)
            break;
        if ((rc = pl_parcel_move(db, id, "available", date, mnote, 0, err)))
            goto fail;
        nrelease++;
    }
    res->released = nrelease;
    if (res->kept &&
        (rc = pl_history_add_effective(db, "project", p.id, code, "parcels kept", NULL, res->kept_codes,
                                       "transferred or later: the land use right was granted; take the land back "
                                       "with 'parkland parcel status CODE reserve|available --force --note …'",
                                       date, 0, err)))
        goto fail;
    /* the lead */
    if ((rc = pl_db_prepare(db,
                            "SELECT l.stage, (SELECT count(*) FROM project x WHERE x.lead_id = l.id AND x.id <> ?2"
                            " AND x.terminated_on IS NULL) FROM lead l WHERE l.id = ?1",
                            &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, p.lead_id);
    sqlite3_bind_int64(st, 2, p.id);
    char stage[16] = "";
    int live = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(stage, sizeof stage, "%s", (const char *)sqlite3_column_text(st, 0));
        live = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    st = NULL;
    const char *to = lead == PL_TERMINATE_LEAD_INTENT ? "intent" : "lost";
    if (live || !strcmp(stage, to)) {
        snprintf(res->lead_stage, sizeof res->lead_stage, "%s", stage);
    } else {
        snprintf(res->lead_stage, sizeof res->lead_stage, "%s", to);
        if ((rc = pl_db_run(db, "UPDATE lead SET stage = ?2, stage_date = ?3, updated_at = ?4 WHERE id = ?1",
                           "cannot update the lead", p.lead_id, to, date, now, err)))
            goto fail;
        char lnote[512];
        snprintf(lnote, sizeof lnote, "project %s terminated: %s", code, note);
        if ((rc = pl_history_add_effective(db, "lead", p.lead_id, p.lead, "stage", stage, to, lnote, date, 0, err)))
            goto fail;
    }
    return pl_db_commit(db, err);
fail:
    sqlite3_finalize(st);
    pl_db_rollback(db);
    memset(res, 0, sizeof *res);
    return rc;
}
