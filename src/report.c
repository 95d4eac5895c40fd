/* report.c — reports as of a date: tables, the data as of D, the writers
 * (text, CSV, JSON, XLSX) and the public API of parkland/report.h. */
#include "report_internal.h"
#include "output_file.h"
#include "buf.h"
#include "xlsx.h"

#include "parkland/i18n.h"
#include "parkland/table.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- labels ------------------------------------------------------------------------ */

const char *rp_status_zh(const char *id)
{
    const char *zh = pl_vocab_zh(PL_VOCAB_STATUS, id);
    return zh ? zh : "";
}

const char *rp_stage_zh(const char *id)
{
    const char *zh = pl_vocab_zh(PL_VOCAB_LEAD_STAGE, id);
    return zh ? zh : "";
}

static int known_status(const char *s)
{
    return pl_vocab_index(PL_VOCAB_STATUS, s) >= 0;
}

static int known_stage(const char *s)
{
    return pl_vocab_index(PL_VOCAB_LEAD_STAGE, s) >= 0;
}

static const char *const kind_ids[] = {"availability", "landing", "alerts", "kpi", "muni", "monthly", "quarterly",
                                       "ledger"};
static const char *const kind_titles[] = {"可供土地 land availability", "项目落地 project landing",
                                          "预警 alerts", "考核指标 scored figures", "亩均效益评价 per-mu performance",
                                          "月度统计 monthly statistics", "季度考核 quarterly assessment",
                                          "存量土地台账 stock ledger"};

int pl_report_kind_parse(const char *s)
{
    for (int i = 0; i <= PL_REPORT_LEDGER; i++)
        if (s && !strcmp(s, kind_ids[i]))
            return i;
    return -1;
}

const char *pl_report_kind_id(pl_report_kind kind)
{
    return (unsigned)kind < sizeof kind_ids / sizeof *kind_ids ? kind_ids[kind] : "";
}

void pl_report_last_period(int quarter, char *buf, size_t len)
{
    char today[16];
    pl_today(today, sizeof today);
    int y = atoi(today), m = atoi(today + 5);
    if (quarter) {
        int q = (m - 1) / 3; /* the quarter before the current one; 0: Q4 of last year */
        if (!q) {
            q = 4;
            y--;
        }
        snprintf(buf, len, "%04d-Q%d", y, q);
    } else {
        if (--m == 0) {
            m = 12;
            y--;
        }
        snprintf(buf, len, "%04d-%02d", y, m);
    }
}

int pl_report_format_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "text") || !strcmp(s, "table"))
        return PL_REPORT_TEXT;
    if (!strcmp(s, "csv"))
        return PL_REPORT_CSV;
    if (!strcmp(s, "json"))
        return PL_REPORT_JSON;
    if (!strcmp(s, "xlsx"))
        return PL_REPORT_XLSX;
    return -1;
}

/* ---- dates and numbers ---------------------------------------------------------------- */

long rp_days(const char *date)
{
    long days = 0;
    pl_date_days(date, &days);
    return days;
}

#define RP_BUFS 64
static char *rp_buf(void)
{
    static char bufs[RP_BUFS][48];
    static unsigned k;
    return bufs[k++ % RP_BUFS];
}

const char *rp_int(long v)
{
    char *b = rp_buf();
    snprintf(b, 48, "%ld", v);
    return b;
}

const char *rp_num(double v, int decimals)
{
    char *b = rp_buf();
    if (isnan(v))
        return "";
    if (fabs(v) < 0.5 * pow(10.0, -decimals))
        v = 0.0;
    snprintf(b, 48, "%.*f", decimals, v);
    return b;
}

const char *rp_rate(double num, double den)
{
    if (fabs(den) < 1e-9)
        return RP_DASH;
    return rp_num(100.0 * num / den, 1);
}

/* ---- tables ---------------------------------------------------------------------------- */

static void table_free(rp_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->rows * t->ncols; i++)
        free(t->cells[i]);
    for (size_t c = 0; c < t->ncols; c++) {
        free(t->col_keys ? t->col_keys[c] : NULL);
        free(t->labels ? t->labels[c] : NULL);
    }
    free(t->cells);
    free(t->col_keys);
    free(t->labels);
    free(t->numeric);
    free(t->key);
    free(t->title);
    free(t->note);
    free(t);
}

rp_table *rp_table_add(pl_report *r, const char *key, const char *title, size_t ncols, const rp_col *cols)
{
    rp_table **ts = realloc(r->tables, (r->ntables + 1) * sizeof *ts);
    if (!ts)
        return NULL;
    r->tables = ts;
    rp_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->key = strdup(key);
    t->title = strdup(title);
    t->col_keys = calloc(ncols, sizeof *t->col_keys);
    t->labels = calloc(ncols, sizeof *t->labels);
    t->numeric = calloc(ncols, 1);
    int ok = t->key && t->title && t->col_keys && t->labels && t->numeric;
    for (size_t c = 0; ok && c < ncols; c++) {
        t->col_keys[c] = strdup(cols[c].key);
        t->labels[c] = strdup(cols[c].label);
        t->numeric[c] = (unsigned char)cols[c].numeric;
        ok = t->col_keys[c] && t->labels[c];
    }
    if (!ok) {
        table_free(t);
        return NULL;
    }
    r->tables[r->ntables++] = t;
    return t;
}

int rp_table_note(rp_table *t, const char *note, pl_error *err)
{
    free(t->note);
    if (!(t->note = strdup(note)))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    return PL_OK;
}

int rp_row(rp_table *t, const char *const *cells, pl_error *err)
{
    if (t->rows == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, nc * t->ncols * sizeof *c);
        if (!c)
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        t->cells = c;
        t->cap = nc;
    }
    char **row = t->cells + t->rows * t->ncols;
    for (size_t c = 0; c < t->ncols; c++) {
        row[c] = strdup(cells[c] ? cells[c] : "");
        if (!row[c]) {
            while (c--)
                free(row[c]);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
    }
    t->rows++;
    return PL_OK;
}

/* ---- the data as of D ------------------------------------------------------------------ */

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? strdup((const char *)s) : NULL;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : NULL;
}

static int step_error(pl_db *db, int step, pl_error *err)
{
    return step == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot read the database for the report");
}

static int park_index(const rp_data *d, long park_id)
{
    for (size_t i = 0; i < d->nparks; i++)
        if (d->parks[i].id == park_id)
            return (int)i;
    return -1;
}

/* Index of the element whose `long id` (at offset `off` in elements of `size`
 * bytes) is `id`, in an array of n sorted by id; -1 when none. */
static long index_of_id(const void *arr, size_t n, size_t size, size_t off, long id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        long v;
        memcpy(&v, (const char *)arr + mid * size + off, sizeof v);
        if (v == id)
            return (long)mid;
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long rp_parcel_index(const rp_data *d, long id)
{
    return index_of_id(d->parcels, d->nparcels, sizeof *d->parcels, offsetof(rp_parcel, id), id);
}

static long lead_index(const rp_data *d, long id)
{
    return index_of_id(d->leads, d->nleads, sizeof *d->leads, offsetof(rp_lead, id), id);
}

static long project_index(const rp_data *d, long id)
{
    return index_of_id(d->projects, d->nprojects, sizeof *d->projects, offsetof(rp_project, id), id);
}

void rp_project_parks(const rp_data *d, const rp_project *pr, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t n = 0;
    for (size_t p = 0; p < d->nparks; p++)
        if (pr->in_park[p])
            n += (size_t)snprintf(buf + (n < len ? n : len - 1), n < len ? len - n : 1, "%s%s", n ? "," : "",
                                  d->parks[p].code);
}

/* The effective day of a history row. */
#define EFF "COALESCE(h.effective, substr(h.at, 1, 10))"

static int load_parks(pl_db *db, const char *park, rp_data *d, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, code, name FROM park WHERE ?1 IS NULL OR code = ?1 ORDER BY code", &st,
                           err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, park);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (pl_grow((void **)&d->parks, &cap, d->nparks + 1, sizeof *d->parks, 32)) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        rp_park *p = &d->parks[d->nparks++];
        p->id = (long)sqlite3_column_int64(st, 0);
        p->code = col_dup(st, 1);
        p->name = col_dup(st, 2);
    }
    sqlite3_finalize(st);
    if ((rc = step_error(db, step, err)))
        return rc;
    if (park && !d->nparks)
        return pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", park);
    return PL_OK;
}

static int load_industries(pl_db *db, rp_data *d, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, name_zh, name_en FROM industry ORDER BY rowid", &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (pl_grow((void **)&d->industries, &cap, d->nindustries + 1, sizeof *d->industries, 32)) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        rp_industry *in = &d->industries[d->nindustries++];
        in->id = col_dup(st, 0);
        in->name_zh = col_dup(st, 1);
        in->name_en = col_dup(st, 2);
    }
    sqlite3_finalize(st);
    return step_error(db, step, err);
}

static int load_parcels(pl_db *db, rp_data *d, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT p.id, p.park_id, p.code, p.name, p.area_m2, p.status,"
        " COALESCE(p.entered_on, substr(p.created_at, 1, 10)) <= ?1," /* in the land bank by D (import --date) */
        " (SELECT h.new_value FROM history h WHERE h.entity = 'parcel' AND h.entity_id = p.id"
        "    AND h.field = 'status' AND " EFF " <= ?1 ORDER BY " EFF " DESC, h.id DESC LIMIT 1),"
        " (SELECT h.old_value FROM history h WHERE h.entity = 'parcel' AND h.entity_id = p.id"
        "    AND h.field = 'status' ORDER BY " EFF ", h.id LIMIT 1),"
        " i.parcel_id IS NOT NULL, i.investment_intensity, i.far_min, i.far_max, i.tax_per_mu, i.output_per_mu,"
        " i.energy_per_output, i.base_price, p.transfer_price_wan"
        " FROM parcel p LEFT JOIN parcel_indicator i ON i.parcel_id = p.id ORDER BY p.id", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, d->as_of);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *hist = col_text(st, 7), *first = col_text(st, 8), *now = col_text(st, 5);
        const char *status;
        if (hist)
            status = hist;                                 /* the latest move on or before D */
        else if (sqlite3_column_int(st, 6))
            status = first && known_status(first) ? first : now; /* created by D, not moved yet */
        else
            continue;                                      /* created after D */
        if (!known_status(status) || !strcmp(status, "retired"))
            continue;
        if (pl_grow((void **)&d->parcels, &cap, d->nparcels + 1, sizeof *d->parcels, 32)) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        rp_parcel *p = &d->parcels[d->nparcels++];
        p->id = (long)sqlite3_column_int64(st, 0);
        p->park = park_index(d, (long)sqlite3_column_int64(st, 1));
        p->code = col_dup(st, 2);
        p->name = col_dup(st, 3);
        p->area_m2 = sqlite3_column_double(st, 4);
        snprintf(p->status, sizeof p->status, "%s", status);
        p->has_ind = sqlite3_column_int(st, 9);
        p->ind_intensity = pl_col_num(st, 10);
        p->ind_far_min = pl_col_num(st, 11);
        p->ind_far_max = pl_col_num(st, 12);
        p->ind_tax = pl_col_num(st, 13);
        p->ind_output = pl_col_num(st, 14);
        p->ind_energy = pl_col_num(st, 15);
        p->base_price = pl_col_num(st, 16);
        p->transfer_price_wan = pl_col_num(st, 17);
    }
    sqlite3_finalize(st);
    return step_error(db, step, err);
}

/* Leads with their stage as of D; `exists` is decided after the projects. */
static int load_leads(pl_db *db, rp_data *d, unsigned char **exists, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT l.id, l.code, l.company, l.industry, l.new_economy, l.stage, substr(l.created_at, 1, 10) <= ?1,"
        " (SELECT h.new_value FROM history h WHERE h.entity = 'lead' AND h.entity_id = l.id"
        "    AND h.field = 'stage' AND " EFF " <= ?1 ORDER BY " EFF " DESC, h.id DESC LIMIT 1),"
        " (SELECT h.old_value FROM history h WHERE h.entity = 'lead' AND h.entity_id = l.id"
        "    AND h.field = 'stage' ORDER BY " EFF ", h.id LIMIT 1), l.park_id"
        " FROM lead l ORDER BY l.id", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, d->as_of);
    size_t cap = 0, ecap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (pl_grow((void **)&d->leads, &cap, d->nleads + 1, sizeof *d->leads, 32) ||
            pl_grow((void **)exists, &ecap, d->nleads + 1, 1, 32)) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        const char *hist = col_text(st, 7), *first = col_text(st, 8), *now = col_text(st, 5);
        rp_lead *l = &d->leads[d->nleads];
        (*exists)[d->nleads] = hist || sqlite3_column_int(st, 6);
        d->nleads++;
        l->id = (long)sqlite3_column_int64(st, 0);
        l->code = col_dup(st, 1);
        l->company = col_dup(st, 2);
        l->industry = col_dup(st, 3);
        l->new_economy = sqlite3_column_int(st, 4) != 0;
        const char *stage = hist ? hist : first && known_stage(first) ? first : now;
        snprintf(l->stage, sizeof l->stage, "%s", stage && known_stage(stage) ? stage : "new");
        if (!(l->in_park = calloc(d->nparks ? d->nparks : 1, 1))) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        /* a lead is in the park it negotiates for, and only there */
        l->has_park = sqlite3_column_type(st, 9) != SQLITE_NULL;
        int k = l->has_park ? park_index(d, (long)sqlite3_column_int64(st, 9)) : -1;
        if (k >= 0)
            l->in_park[k] = 1;
    }
    sqlite3_finalize(st);
    return step_error(db, step, err);
}

static int load_projects(pl_db *db, rp_data *d, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT pr.id, pr.code, pr.lead_id, l.company, l.industry, COALESCE(l.new_economy, 0), pr.investment,"
        " pr.investment_intensity, pr.far, pr.tax_per_mu, pr.output_per_mu, pr.energy_per_output"
        " FROM project pr LEFT JOIN lead l ON l.id = pr.lead_id"
        " WHERE pr.signed_on <= ?1 AND (pr.terminated_on IS NULL OR pr.terminated_on > ?1) ORDER BY pr.id", &st,
        err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, d->as_of);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (pl_grow((void **)&d->projects, &cap, d->nprojects + 1, sizeof *d->projects, 32)) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        rp_project *p = &d->projects[d->nprojects++];
        p->id = (long)sqlite3_column_int64(st, 0);
        p->code = col_dup(st, 1);
        p->lead = (int)lead_index(d, (long)sqlite3_column_int64(st, 2));
        p->company = col_dup(st, 3);
        p->industry = col_dup(st, 4);
        p->new_economy = sqlite3_column_int(st, 5) != 0;
        p->investment = pl_col_num(st, 6);
        p->intensity = pl_col_num(st, 7);
        p->far = pl_col_num(st, 8);
        p->tax = pl_col_num(st, 9);
        p->output = pl_col_num(st, 10);
        p->energy = pl_col_num(st, 11);
        if (!(p->in_park = calloc(d->nparks ? d->nparks : 1, 1))) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
    }
    sqlite3_finalize(st);
    if ((rc = step_error(db, step, err)))
        return rc;

    /* milestones: actual dates after D do not count */
    if ((rc = pl_db_prepare(db, "SELECT project_id, kind, planned, actual FROM milestone", &st, err)))
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long pi = project_index(d, (long)sqlite3_column_int64(st, 0));
        const char *kind = col_text(st, 1), *planned = col_text(st, 2), *actual = col_text(st, 3);
        if (pi < 0 || !kind)
            continue;
        if (!strcmp(kind, "completion")) {
            rp_project *p = &d->projects[pi];
            if (planned && pl_date_valid(planned))
                snprintf(p->completion[0], sizeof p->completion[0], "%s", planned);
            if (actual && pl_date_valid(actual) && strcmp(actual, d->as_of) <= 0)
                snprintf(p->completion[1], sizeof p->completion[1], "%s", actual);
        }
        for (int k = 0; k < RP_MILESTONES; k++)
            if (!strcmp(kind, pl_milestone_kinds[k])) {
                rp_project *p = &d->projects[pi];
                if (planned && pl_date_valid(planned))
                    snprintf(p->planned[k], sizeof p->planned[k], "%s", planned);
                if (actual && pl_date_valid(actual) && strcmp(actual, d->as_of) <= 0)
                    snprintf(p->actual[k], sizeof p->actual[k], "%s", actual);
            }
    }
    sqlite3_finalize(st);
    if ((rc = step_error(db, step, err)))
        return rc;

    /* extensions (延期开工/延期竣工), then the effective deadlines */
    if ((rc = pl_db_prepare(db, "SELECT project_id, kind, until, agreed_on FROM project_extension", &st, err)))
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long pi = project_index(d, (long)sqlite3_column_int64(st, 0));
        int k = pl_deadline_parse(col_text(st, 1));
        const char *until = col_text(st, 2), *on = col_text(st, 3);
        if (pi < 0 || k < 0 || !until || !pl_date_valid(until))
            continue;
        snprintf(d->projects[pi].extended[k], 11, "%s", until);
        snprintf(d->projects[pi].extended_on[k], 11, "%.10s", on ? on : "");
    }
    sqlite3_finalize(st);
    if ((rc = step_error(db, step, err)))
        return rc;
    for (size_t i = 0; i < d->nprojects; i++)
        rp_project_deadlines(d, &d->projects[i]);

    /* parcels: those the project still holds on D (a reclaimed parcel leaves its alerts) */
    if ((rc = pl_db_prepare(db, "SELECT project_id, parcel_id FROM project_parcel"
                                " WHERE reclaimed_on IS NULL OR reclaimed_on > ?1 ORDER BY project_id, parcel_id",
                            &st, err)))
        return rc;
    pl_bind_text(st, 1, d->as_of);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long pi = project_index(d, (long)sqlite3_column_int64(st, 0));
        long qi = rp_parcel_index(d, (long)sqlite3_column_int64(st, 1));
        if (pi < 0 || qi < 0)
            continue;
        rp_project *p = &d->projects[pi];
        size_t *np = realloc(p->parcels, (p->nparcels + 1) * sizeof *np);
        if (!np) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        p->parcels = np;
        p->parcels[p->nparcels++] = (size_t)qi;
        if (d->parcels[qi].park >= 0)
            p->in_park[d->parcels[qi].park] = 1;
    }
    sqlite3_finalize(st);
    if ((rc = step_error(db, step, err)))
        return rc;

    /* the year of D: plans, and progress up to D's month */
    char from[8], to[8];
    snprintf(from, sizeof from, "%04d-01", d->year);
    snprintf(to, sizeof to, "%04d-%02d", d->year, d->month);
    for (int pass = 0; pass < 2; pass++) {
        if ((rc = pl_db_prepare(db, pass == 0 ? "SELECT project_id, SUM(amount) FROM investment_plan"
                                                " WHERE year = ?1 GROUP BY project_id"
                                              : "SELECT project_id, SUM(amount) FROM investment_progress"
                                                " WHERE period >= ?2 AND period <= ?3 GROUP BY project_id",
                                &st, err)))
            return rc;
        if (pass == 0) {
            sqlite3_bind_int(st, 1, d->year);
        } else {
            pl_bind_text(st, 2, from);
            pl_bind_text(st, 3, to);
        }
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            long pi = project_index(d, (long)sqlite3_column_int64(st, 0));
            if (pi < 0)
                continue;
            if (pass == 0)
                d->projects[pi].plan_year = sqlite3_column_double(st, 1);
            else
                d->projects[pi].done_year = sqlite3_column_double(st, 1);
        }
        sqlite3_finalize(st);
        if ((rc = step_error(db, step, err)))
            return rc;
    }
    return PL_OK;
}

static int load_reservations(pl_db *db, rp_data *d, pl_error *err)
{
    sqlite3_stmt *st;
    /* the reservations still holding on D */
    int rc = pl_db_prepare(db,
        "SELECT r.id, r.parcel_id, r.lead_id, r.reserved_on, r.expires_on,"
        " r.released_on IS NULL OR r.released_on > ?1, l.code, l.company"
        " FROM reservation r LEFT JOIN lead l ON l.id = r.lead_id"
        " WHERE r.reserved_on <= ?1 ORDER BY r.id", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, d->as_of);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long qi = rp_parcel_index(d, (long)sqlite3_column_int64(st, 1));
        if (qi < 0)
            continue;
        if (!sqlite3_column_int(st, 5))
            continue;
        if (pl_grow((void **)&d->res, &cap, d->nres + 1, sizeof *d->res, 32)) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        rp_reservation *r = &d->res[d->nres++];
        r->id = (long)sqlite3_column_int64(st, 0);
        r->parcel = (size_t)qi;
        r->lead_code = col_dup(st, 6);
        r->company = col_dup(st, 7);
        snprintf(r->reserved_on, sizeof r->reserved_on, "%s", col_text(st, 3) ? col_text(st, 3) : "");
        snprintf(r->expires_on, sizeof r->expires_on, "%s", col_text(st, 4) ? col_text(st, 4) : "");
    }
    sqlite3_finalize(st);
    return step_error(db, step, err);
}

void rp_data_free(rp_data *d)
{
    for (size_t i = 0; i < d->nparks; i++) {
        free(d->parks[i].code);
        free(d->parks[i].name);
    }
    for (size_t i = 0; i < d->nparcels; i++) {
        free(d->parcels[i].code);
        free(d->parcels[i].name);
    }
    for (size_t i = 0; i < d->nleads; i++) {
        free(d->leads[i].code);
        free(d->leads[i].company);
        free(d->leads[i].industry);
        free(d->leads[i].in_park);
    }
    for (size_t i = 0; i < d->nprojects; i++) {
        free(d->projects[i].code);
        free(d->projects[i].company);
        free(d->projects[i].industry);
        free(d->projects[i].parcels);
        free(d->projects[i].in_park);
    }
    for (size_t i = 0; i < d->nres; i++) {
        free(d->res[i].lead_code);
        free(d->res[i].company);
    }
    for (size_t i = 0; i < d->nindustries; i++) {
        free(d->industries[i].id);
        free(d->industries[i].name_zh);
        free(d->industries[i].name_en);
    }
    free(d->parks);
    free(d->parcels);
    free(d->leads);
    free(d->projects);
    free(d->res);
    free(d->industries);
    memset(d, 0, sizeof *d);
}

void rp_project_deadlines(const rp_data *d, rp_project *p)
{
    pl_deadline_dates in = {
        .agreed = {p->planned[RP_LAND], p->planned[RP_CONSTRUCTION], p->completion[0], p->planned[RP_PRODUCTION],
                   p->planned[RP_VERIFICATION]},
        .actual = {p->actual[RP_LAND], p->actual[RP_CONSTRUCTION], p->completion[1], p->actual[RP_PRODUCTION],
                   p->actual[RP_VERIFICATION]},
    };
    for (int k = 0; k < PL_DL_KINDS; k++) {
        in.extended[k] = p->extended[k];
        in.extended_on[k] = p->extended_on[k][0] ? p->extended_on[k] : NULL;
    }
    pl_deadlines_compute(&in, d->as_of, p->dl);
}

int rp_load(pl_db *db, const char *as_of, const char *park, rp_data *d, pl_error *err)
{
    memset(d, 0, sizeof *d);
    snprintf(d->as_of, sizeof d->as_of, "%.10s", as_of);
    pl_date_parse(as_of, &d->year, &d->month, NULL); /* validated by the caller */
    d->today = rp_days(as_of);
    d->filtered = park != NULL;
    unsigned char *exists = NULL;
    /* one read transaction: every table seen at the same moment */
    int own = sqlite3_get_autocommit(db->h);
    int rc = own ? pl_db_exec(db, "BEGIN", err) : PL_OK;
    if (rc)
        return rc;
    if ((rc = load_parks(db, park, d, err)) || (rc = load_industries(db, d, err)) ||
        (rc = load_parcels(db, d, err)) || (rc = load_leads(db, d, &exists, err)) ||
        (rc = load_projects(db, d, err)) || (rc = load_reservations(db, d, err)))
        goto out;
    /* a lead whose project is in force on D exists and is signed (unless lost) */
    for (size_t i = 0; i < d->nprojects; i++) {
        rp_project *p = &d->projects[i];
        int counted = !d->filtered;
        for (size_t k = 0; k < d->nparks; k++)
            counted |= p->in_park[k];
        p->counted = counted;
        if (p->lead < 0)
            continue;
        rp_lead *l = &d->leads[p->lead];
        exists[p->lead] = 1;
        if (strcmp(l->stage, "lost"))
            snprintf(l->stage, sizeof l->stage, "signed");
    }
    for (size_t i = 0; i < d->nleads; i++) {
        rp_lead *l = &d->leads[i];
        int counted = !d->filtered;
        for (size_t k = 0; k < d->nparks; k++)
            counted |= l->in_park[k];
        l->counted = exists[i] && counted;
        if (!exists[i])
            memset(l->in_park, 0, d->nparks);
    }
out:
    if (own)
        pl_db_exec(db, "COMMIT", NULL);
    free(exists);
    if (rc)
        rp_data_free(d);
    return rc;
}

/* ---- the public API ------------------------------------------------------------------- */

int pl_report_build(pl_db *db, pl_report_kind kind, const pl_report_options *opt, pl_report **out, pl_error *err)
{
    *out = NULL;
    if ((unsigned)kind > PL_REPORT_KPI && kind != PL_REPORT_LEDGER)
        return pl_error_set(err, PL_ERR_USAGE,
                            "unknown report (availability, landing, alerts, kpi, ledger; muni needs a year)");
    char today[16];
    const char *as_of = opt ? opt->as_of : NULL;
    const char *park = opt && opt->park && *opt->park ? opt->park : NULL;
    if (!as_of) {
        pl_today(today, sizeof today);
        as_of = today;
    }
    if (!pl_date_valid(as_of))
        return pl_error_set(err, PL_ERR_USAGE, "--as-of '%s' is not a date (YYYY-MM-DD, a real calendar day)",
                            as_of);
    pl_report *r = calloc(1, sizeof *r);
    if (!r)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    r->kind = kind;
    snprintf(r->as_of, sizeof r->as_of, "%.10s", as_of);
    snprintf(r->park, sizeof r->park, "%s", park ? park : "");
    if (park)
        snprintf(r->caption, sizeof r->caption,
                 !pl_lang_chosen() ? "截至 as of %s; 园区 park %s" : pl_lang_current() == PL_LANG_ZH ? "截至 %s；园区 %s"
                                                                                                      : "as of %s; park %s",
                 as_of, park);
    else
        snprintf(r->caption, sizeof r->caption,
                 !pl_lang_chosen() ? "截至 as of %s; 全部园区 all parks"
                 : pl_lang_current() == PL_LANG_ZH ? "截至 %s；全部园区" : "as of %s; all parks",
                 as_of);
    rp_data d;
    int rc = rp_load(db, as_of, park, &d, err);
    if (rc) {
        pl_report_free(r);
        return rc;
    }
    switch (kind) {
    case PL_REPORT_AVAILABILITY:
        rc = rp_build_availability(r, &d, err);
        break;
    case PL_REPORT_LANDING:
        rc = rp_build_landing(r, &d, err);
        break;
    case PL_REPORT_KPI:
        rc = rp_build_kpi(r, db, &d, err);
        break;
    case PL_REPORT_LEDGER:
        rc = rp_build_ledger(r, db, &d, err);
        break;
    default:
        rc = rp_build_alerts(r, &d, err);
    }
    rp_data_free(&d);
    if (rc) {
        pl_report_free(r);
        return rc;
    }
    *out = r;
    return PL_OK;
}

void pl_report_free(pl_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntables; i++)
        table_free(r->tables[i]);
    free(r->tables);
    free(r);
}

pl_report_kind pl_report_kind_of(const pl_report *r)
{
    return r->kind;
}

const char *pl_report_as_of(const pl_report *r)
{
    return r->as_of;
}

const char *pl_report_park(const pl_report *r)
{
    return r->park[0] ? r->park : NULL;
}

size_t pl_report_alerts(const pl_report *r)
{
    return r->alerts;
}

size_t pl_report_table_count(const pl_report *r)
{
    return r->ntables;
}

const char *pl_report_table_key(const pl_report *r, size_t t)
{
    return t < r->ntables ? r->tables[t]->key : NULL;
}

const char *pl_report_table_title(const pl_report *r, size_t t)
{
    return t < r->ntables ? r->tables[t]->title : NULL;
}

size_t pl_report_table_rows(const pl_report *r, size_t t)
{
    return t < r->ntables ? r->tables[t]->rows : 0;
}

size_t pl_report_table_cols(const pl_report *r, size_t t)
{
    return t < r->ntables ? r->tables[t]->ncols : 0;
}

const char *pl_report_col_key(const pl_report *r, size_t t, size_t col)
{
    return t < r->ntables && col < r->tables[t]->ncols ? r->tables[t]->col_keys[col] : NULL;
}

const char *pl_report_col_label(const pl_report *r, size_t t, size_t col)
{
    return t < r->ntables && col < r->tables[t]->ncols ? r->tables[t]->labels[col] : NULL;
}

int pl_report_col_numeric(const pl_report *r, size_t t, size_t col)
{
    return t < r->ntables && col < r->tables[t]->ncols && r->tables[t]->numeric && r->tables[t]->numeric[col];
}

const char *pl_report_table_note(const pl_report *r, size_t t)
{
    return t < r->ntables ? r->tables[t]->note : NULL;
}

const char *pl_report_kind_title(pl_report_kind kind)
{
    return (unsigned)kind <= PL_REPORT_ALERTS ? kind_titles[kind] : NULL;
}

const char *pl_report_definition(const pl_report *r, size_t t, size_t col, pl_report_lang lang, const char **den)
{
    if (den)
        *den = NULL;
    if (t >= r->ntables || col >= r->tables[t]->ncols)
        return NULL;
    const rp_table *tb = r->tables[t];
    int zh = lang == PL_REPORT_LANG_ZH;
    for (size_t d = 0; d < rp_definition_count(); d++) {
        const rp_definition *def = rp_definition_at(d);
        if (strcmp(def->col, tb->col_keys[col]) || (def->table && strcmp(def->table, tb->key)))
            continue;
        if (den)
            *den = def->den_zh ? (zh ? def->den_zh : def->den_en) : NULL;
        return zh ? def->num_zh : def->num_en;
    }
    return NULL;
}

const char *pl_report_cell(const pl_report *r, size_t t, size_t row, size_t col)
{
    if (t >= r->ntables || row >= r->tables[t]->rows || col >= r->tables[t]->ncols)
        return NULL;
    return r->tables[t]->cells[row * r->tables[t]->ncols + col];
}

static long col_index(const rp_table *t, const char *key, size_t len)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strlen(t->col_keys[c]) == len && !strncmp(t->col_keys[c], key, len))
            return (long)c;
    return -1;
}

const char *pl_report_get(const pl_report *r, const char *table, const char *where, const char *col)
{
    const rp_table *t = NULL;
    for (size_t i = 0; i < r->ntables && !t; i++)
        if (!strcmp(r->tables[i]->key, table))
            t = r->tables[i];
    if (!t)
        return NULL;
    long c = col_index(t, col, strlen(col));
    if (c < 0)
        return NULL;
    for (size_t row = 0; row < t->rows; row++) {
        int match = 1;
        const char *w = where ? where : "";
        while (*w && match) {
            const char *end = strchr(w, ';');
            size_t len = end ? (size_t)(end - w) : strlen(w);
            const char *eq = memchr(w, '=', len);
            if (!eq)
                return NULL;
            long wc = col_index(t, w, (size_t)(eq - w));
            const char *v = eq + 1;
            size_t vlen = len - (size_t)(v - w);
            if (wc < 0)
                return NULL;
            const char *cell = t->cells[row * t->ncols + (size_t)wc];
            match = strlen(cell) == vlen && !strncmp(cell, v, vlen);
            w += len + (end ? 1 : 0);
        }
        if (match)
            return t->cells[row * t->ncols + (size_t)c];
    }
    return NULL;
}

/* ---- writers ----------------------------------------------------------------------------- */

/* How much a report column matters when a text report must fit a width
 * (pl_table_set_priority: higher numbers are hidden first); keys not listed
 * are key columns, always shown. */
static const struct {
    const char *key;
    int priority;
} col_priority[] = {
    {"park_name", 1},       {"name", 1},           {"company", 1},         {"industry_name", 1},
    {"status_zh", 3},       {"area_ha", 4},        {"reserved_on", 4},     {"expired", 2},
    {"new", 5},             {"contacted", 5},      {"visited", 5},         {"intent", 4},
    {"lost", 4},            {"investment_wan", 2}, {"land_parcels", 4},    {"land_mu", 2},
    {"started", 3},         {"start_due", 3},      {"produced", 3},        {"production_due", 3},
    {"invest_done_wan", 3}, {"invest_plan_wan", 3}, {"new_economy_wan", 4}, {"new_economy_share_pct", 2},
    /* report muni: the grade, score and rank stay; the breakdown goes first */
    {"parcel_codes", 6},    {"size_group", 3},     {"tax_per_mu", 2},      {"tax_points", 3},
    {"sales_per_mu", 5},    {"sales_points", 4},   {"value_per_energy", 6}, {"energy_points", 5},
    {"rd_intensity_pct", 6}, {"rd_points", 5},     {"productivity", 6},    {"labour_points", 5},
    {"percentile", 2},      {"grade_note", 1},
};

static pl_table *to_pl_table(const rp_table *t)
{
    pl_table *pt = pl_table_new(t->ncols, (const char *const *)t->col_keys, (const char *const *)t->labels);
    if (!pt)
        return NULL;
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->numeric[c])
            pl_table_set_numeric(pt, c);
        for (size_t k = 0; k < sizeof col_priority / sizeof *col_priority; k++)
            if (!strcmp(t->col_keys[c], col_priority[k].key))
                pl_table_set_priority(pt, c, col_priority[k].priority);
    }
    for (size_t row = 0; row < t->rows; row++)
        if (pl_table_add_row(pt, (const char *const *)(t->cells + row * t->ncols))) {
            pl_table_free(pt);
            return NULL;
        }
    return pt;
}

static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* "TITLE — CAPTION": the title row of CSV and XLSX. */
static void full_title(const pl_report *r, const rp_table *t, char *buf, size_t len)
{
    char b[256];
    snprintf(buf, len, "%s — %s", pl_tr_label(t->title, b, sizeof b), r->caption);
}

static int write_tables(const pl_report *r, FILE *out, pl_report_format fmt, size_t width, pl_error *err)
{
    char kb[256];
    if (fmt == PL_REPORT_TEXT)
        fprintf(out, "%s — %s\n", pl_tr_label(kind_titles[r->kind], kb, sizeof kb), r->caption);
    else
        fputs("\xEF\xBB\xBF", out);
    for (size_t i = 0; i < r->ntables; i++) {
        const rp_table *t = r->tables[i];
        pl_table *pt = to_pl_table(t);
        if (!pt)
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        if (fmt == PL_REPORT_TEXT) {
            char b[512];
            fprintf(out, "\n%s\n", pl_tr_label(t->title, b, sizeof b));
            if (t->note)
                fprintf(out, "%s\n", t->note);
        } else {
            char title[512];
            full_title(r, t, title, sizeof title);
            if (i)
                fputs("\r\n", out);
            csv_field(out, title);
            fputs("\r\n", out);
        }
        int rc = fmt == PL_REPORT_TEXT ? pl_table_write_fit(pt, out, width, NULL) : pl_table_write(pt, out, PL_TABLE_CSV, 0);
        pl_table_free(pt);
        if (rc)
            return pl_error_set(err, PL_ERR_IO, "cannot write the report: %s", strerror(errno));
        if (fmt == PL_REPORT_TEXT && !t->rows)
            fputs(!pl_lang_chosen() ? "(无 none)\n" : pl_lang_current() == PL_LANG_ZH ? "（无）\n" : "(none)\n", out);
    }
    return PL_OK;
}

static json_t *cell_json(const rp_table *t, size_t c, const char *s)
{
    if (!t->numeric[c])
        return json_string(s);
    double v;
    int dec;
    if (!pl_xlsx_is_number(s, &v, &dec))
        return json_null(); /* "" or "—": no value */
    return dec ? json_real(v) : json_integer(strtoll(s, NULL, 10));
}

static int write_json(const pl_report *r, FILE *out, pl_error *err)
{
    json_t *root = json_object(), *tables = json_array();
    if (!root || !tables) {
        json_decref(root);
        json_decref(tables);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    json_object_set_new(root, "report", json_string(kind_ids[r->kind]));
    json_object_set_new(root, "title", json_string(kind_titles[r->kind]));
    json_object_set_new(root, "as_of", json_string(r->as_of));
    json_object_set_new(root, "park", r->park[0] ? json_string(r->park) : json_null());
    if (r->kind == PL_REPORT_ALERTS)
        json_object_set_new(root, "alerts", json_integer((json_int_t)r->alerts));
    for (size_t i = 0; i < r->ntables; i++) {
        const rp_table *t = r->tables[i];
        json_t *jt = json_object(), *cols = json_array(), *rows = json_array();
        for (size_t c = 0; c < t->ncols; c++) {
            json_t *jc = json_object();
            json_object_set_new(jc, "key", json_string(t->col_keys[c]));
            json_object_set_new(jc, "label", json_string(t->labels[c]));
            json_object_set_new(jc, "numeric", json_boolean(t->numeric[c]));
            json_array_append_new(cols, jc);
        }
        for (size_t row = 0; row < t->rows; row++) {
            json_t *o = json_object();
            for (size_t c = 0; c < t->ncols; c++)
                json_object_set_new(o, t->col_keys[c], cell_json(t, c, t->cells[row * t->ncols + c]));
            json_array_append_new(rows, o);
        }
        json_object_set_new(jt, "key", json_string(t->key));
        json_object_set_new(jt, "title", json_string(t->title));
        if (t->note)
            json_object_set_new(jt, "note", json_string(t->note));
        json_object_set_new(jt, "columns", cols);
        json_object_set_new(jt, "rows", rows);
        json_array_append_new(tables, jt);
    }
    json_object_set_new(root, "tables", tables);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    fputc('\n', out);
    json_decref(root);
    if (rc || ferror(out))
        return pl_error_set(err, PL_ERR_IO, "cannot write the report: %s", strerror(errno));
    return PL_OK;
}

int pl_report_write(const pl_report *r, FILE *out, pl_report_format fmt, pl_error *err)
{
    return pl_report_write_fit(r, out, fmt, 0, err);
}

int pl_report_write_fit(const pl_report *r, FILE *out, pl_report_format fmt, size_t width, pl_error *err)
{
    int rc;
    switch (fmt) {
    case PL_REPORT_TEXT:
    case PL_REPORT_CSV:
        rc = write_tables(r, out, fmt, width, err);
        break;
    case PL_REPORT_JSON:
        rc = write_json(r, out, err);
        break;
    default:
        return pl_error_set(err, PL_ERR_USAGE, "the xlsx format needs an output file (-o FILE.xlsx)");
    }
    if (!rc && (fflush(out) || ferror(out)))
        rc = pl_error_set(err, PL_ERR_IO, "cannot write the report: %s", strerror(errno));
    return rc;
}

/* The reports of a workbook; lang < 0: the single-report workbook (sheet
 * names: the table keys, ASCII, ≤ 31 characters, unique; no definitions),
 * else sheet names in that language and a definitions sheet. */
typedef struct xlsx_reports {
    const pl_report *const *reports;
    size_t n;
    int lang;
} xlsx_reports;

/* pl_xlsx_fill: the tables of the reports into the workbook x. */
static int fill_xlsx_reports(pl_xlsx *x, void *ctx, pl_error *err)
{
    const xlsx_reports *w = ctx;
    const pl_report *const *reports = w->reports;
    size_t n = w->n;
    int lang = w->lang;
    int rc = PL_OK;
    int zh = lang == PL_REPORT_LANG_ZH;
    for (size_t k = 0; k < n && !rc; k++) {
        const pl_report *r = reports[k];
        for (size_t i = 0; i < r->ntables && !rc; i++) {
            const rp_table *t = r->tables[i];
            char title[512];
            full_title(r, t, title, sizeof title);
            /* the column labels in the language of the text (parkland/i18n.h) */
            const char *labels[64];
            char lb[64][128];
            for (size_t c = 0; c < t->ncols && c < 64; c++)
                labels[c] = pl_tr_label(t->labels[c], lb[c], sizeof lb[c]);
            rc = pl_xlsx_sheet(x, lang < 0 ? t->key : rp_sheet_name_of(t->key, zh), title, t->ncols,
                               t->ncols <= 64 ? labels : (const char *const *)t->labels, t->numeric, err);
            for (size_t row = 0; row < t->rows && !rc; row++)
                rc = pl_xlsx_row(x, (const char *const *)(t->cells + row * t->ncols), err);
        }
    }
    if (!rc && lang >= 0) {
        static const char *const labels_zh[] = {"报表", "工作表", "列", "指标", "分子", "分母", "截至", "园区"};
        static const char *const labels_en[] = {"report", "sheet", "column", "figure", "numerator", "denominator",
                                                "as of", "park"};
        rc = pl_xlsx_sheet(x, rp_sheet_name_of(RP_DEFINITIONS_KEY, zh),
                           zh ? "指标定义: 每个数字的分子与分母 (— : 计数或合计, 非比率)"
                              : "Definitions: the numerator and denominator of each figure (— : a count or a sum, "
                                "not a rate)",
                           8, zh ? labels_zh : labels_en, NULL, err);
        for (size_t k = 0; k < n && !rc; k++) {
            const pl_report *r = reports[k];
            for (size_t i = 0; i < r->ntables && !rc; i++) {
                const rp_table *t = r->tables[i];
                for (size_t c = 0; c < t->ncols && !rc; c++) {
                    for (size_t d = 0; d < rp_definition_count() && !rc; d++) {
                        const rp_definition *def = rp_definition_at(d);
                        if (strcmp(def->col, t->col_keys[c]) || (def->table && strcmp(def->table, t->key)))
                            continue;
                        const char *cells[8] = {kind_titles[r->kind],
                                                rp_sheet_name_of(t->key, zh),
                                                t->labels[c],
                                                t->col_keys[c],
                                                zh ? def->num_zh : def->num_en,
                                                def->den_zh ? (zh ? def->den_zh : def->den_en) : RP_DASH,
                                                r->as_of,
                                                r->park[0] ? r->park : (zh ? "全部园区" : "all parks")};
                        rc = pl_xlsx_row(x, cells, err);
                        break;
                    }
                }
                /* the figures of a table with a row per figure (kpi): definitions named by their key */
                for (size_t d = 0; d < rp_definition_count() && !rc; d++) {
                    const rp_definition *def = rp_definition_at(d);
                    int is_col = 0;
                    for (size_t c = 0; c < t->ncols && !is_col; c++)
                        is_col = !strcmp(def->col, t->col_keys[c]);
                    if (is_col || !def->table || strcmp(def->table, t->key))
                        continue;
                    const char *cells[8] = {kind_titles[r->kind],
                                            rp_sheet_name_of(t->key, zh),
                                            def->col,
                                            def->col,
                                            zh ? def->num_zh : def->num_en,
                                            def->den_zh ? (zh ? def->den_zh : def->den_en) : RP_DASH,
                                            r->as_of,
                                            r->park[0] ? r->park : (zh ? "全部园区" : "all parks")};
                    rc = pl_xlsx_row(x, cells, err);
                }
            }
        }
    }
    return rc;
}

static int write_xlsx_to(const pl_report *const *reports, size_t nreports, int lang, FILE *out, pl_error *err)
{
    xlsx_reports w = {reports, nreports, lang};
    return pl_xlsx_write_stream(out, fill_xlsx_reports, &w, err);
}

int pl_report_save(const pl_report *r, const char *path, pl_report_format fmt, int force, pl_error *err)
{
    pl_output_file out;
    int rc = pl_output_file_open(&out, path, force, err);
    if (rc)
        return rc;
    rc = fmt == PL_REPORT_XLSX ? write_xlsx_to(&r, 1, -1, out.f, err) : pl_report_write(r, out.f, fmt, err);
    if (rc) {
        pl_output_file_abort(&out);
        return rc;
    }
    return pl_output_file_commit(&out, err);
}

int pl_report_lang_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strncasecmp(s, "zh", 2) || !strcmp(s, "中文"))
        return PL_REPORT_LANG_ZH;
    if (!strncasecmp(s, "en", 2) || !strcasecmp(s, "english") || !strcmp(s, "英文"))
        return PL_REPORT_LANG_EN;
    return -1;
}

int pl_report_save_workbook(const pl_report *const *reports, size_t n, const char *path, pl_report_lang lang,
                            int force, pl_error *err)
{
    if (!n)
        return pl_error_set(err, PL_ERR_USAGE, "no report for the workbook");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (reports[i]->kind == reports[j]->kind)
                return pl_error_set(err, PL_ERR_USAGE, "the '%s' report twice in one workbook",
                                    kind_ids[reports[i]->kind]);
    if ((unsigned)lang > PL_REPORT_LANG_ZH)
        return pl_error_set(err, PL_ERR_USAGE, "unknown language (zh, en)");
    pl_output_file out;
    int rc = pl_output_file_open(&out, path, force, err);
    if (rc)
        return rc;
    if ((rc = write_xlsx_to(reports, n, (int)lang, out.f, err))) {
        pl_output_file_abort(&out);
        return rc;
    }
    return pl_output_file_commit(&out, err);
}
