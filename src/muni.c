/* muni.c — 亩均效益 evaluation: settings, scores and grades (see parkland/muni.h). */
#include "parkland/muni.h"

#include "db_internal.h"
#include "parkland/i18n.h"
#include "parkland/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const pl_muni_indicator_ids[PL_MUNI_INDICATORS] = {"tax", "sales", "energy", "rd", "labour"};
const char *const pl_muni_indicator_labels[PL_MUNI_INDICATORS] = {
    "亩均税收 tax per mu", "亩均销售收入 sales per mu", "单位能耗增加值 added value per energy",
    "研发投入强度 R&D intensity", "全员劳动生产率 labour productivity"};
const char *const pl_muni_indicator_units[PL_MUNI_INDICATORS] = {"万元/亩", "万元/亩", "万元/吨标准煤", "%",
                                                                 "万元/人"};

/* ---- settings ----------------------------------------------------------------------------- */

const char *const pl_muni_setting_keys[] = {
    "weight_tax",   "weight_sales",   "weight_energy",   "weight_rd",   "weight_labour",
    "baseline_tax", "baseline_sales", "baseline_energy", "baseline_rd", "baseline_labour",
    "cap",          "cut_a",          "cut_b",           "cut_c",       "size_threshold",
    "min_months",   NULL};

static const char *const setting_meaning[] = {
    "权重 亩均税收 weight of tax per mu",
    "权重 亩均销售收入 weight of sales per mu",
    "权重 单位能耗增加值 weight of added value per energy",
    "权重 研发投入强度 weight of R&D intensity",
    "权重 全员劳动生产率 weight of labour productivity",
    "基准值 亩均税收(万元/亩, 0 = 平均值) baseline tax per mu (0 = the mean)",
    "基准值 亩均销售收入(万元/亩, 0 = 平均值) baseline sales per mu (0 = the mean)",
    "基准值 单位能耗增加值(万元/吨标准煤, 0 = 平均值) baseline added value per energy (0 = the mean)",
    "基准值 研发投入强度(%, 0 = 平均值) baseline R&D intensity (0 = the mean)",
    "基准值 全员劳动生产率(万元/人, 0 = 平均值) baseline labour productivity (0 = the mean)",
    "单项得分上限(权重倍数) most points of an indicator (times its weight)",
    "A 档百分位(前 %) A: top percent",
    "B 档百分位(前 %) B: up to percent",
    "C 档百分位(前 %) C: up to percent",
    "规上企业销售收入门槛(万元) above-size threshold on sales",
    "参评所需当年投产月数 months of production in the year to be graded",
};

void pl_muni_settings_default(pl_muni_settings *s)
{
    static const double w[PL_MUNI_INDICATORS] = {45, 20, 15, 15, 5};
    for (int i = 0; i < PL_MUNI_INDICATORS; i++) {
        s->weight[i] = w[i];
        s->baseline[i] = 0;
    }
    s->cap = 2;
    s->cut[0] = 25;
    s->cut[1] = 70;
    s->cut[2] = 95;
    s->size_threshold = 2000;
    s->min_months = 6;
}

static double *setting_slot(pl_muni_settings *s, int k)
{
    if (k < 5)
        return &s->weight[k];
    if (k < 10)
        return &s->baseline[k - 5];
    switch (k) {
    case 10: return &s->cap;
    case 11: return &s->cut[0];
    case 12: return &s->cut[1];
    case 13: return &s->cut[2];
    case 14: return &s->size_threshold;
    case 15: return &s->min_months;
    default: return NULL;
    }
}

static int setting_index(const char *key)
{
    for (int k = 0; key && pl_muni_setting_keys[k]; k++)
        if (!strcmp(key, pl_muni_setting_keys[k]))
            return k;
    return -1;
}

int pl_muni_settings_get(pl_db *db, pl_muni_settings *s, pl_error *err)
{
    pl_muni_settings_default(s);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT key, value FROM muni_setting", &st, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int k = setting_index((const char *)sqlite3_column_text(st, 0));
        if (k >= 0)
            *setting_slot(s, k) = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? PL_OK : pl_db_fail(db, err, "cannot read the 亩均 settings");
}

static int settings_check(const pl_muni_settings *s, pl_error *err)
{
    double sum = 0;
    for (int i = 0; i < PL_MUNI_INDICATORS; i++)
        sum += s->weight[i];
    if (!(sum > 0))
        return pl_error_set(err, PL_ERR_USAGE, "the weights add up to 0: at least one must be positive");
    if (!(s->cap > 0))
        return pl_error_set(err, PL_ERR_USAGE, "'cap' must be positive");
    if (!(s->cut[0] > 0 && s->cut[0] <= s->cut[1] && s->cut[1] <= s->cut[2] && s->cut[2] <= 100))
        return pl_error_set(err, PL_ERR_USAGE,
                            "the cut-offs must be 0 < cut_a ≤ cut_b ≤ cut_c ≤ 100 (now %g, %g, %g)", s->cut[0],
                            s->cut[1], s->cut[2]);
    if (s->min_months > 12)
        return pl_error_set(err, PL_ERR_USAGE, "'min_months' must be 0 to 12, not %g", s->min_months);
    return PL_OK;
}

static void fmt_num(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.10g", v);
}

int pl_muni_settings_set(pl_db *db, const char *const *keys, const double *values, size_t n, pl_error *err)
{
    pl_muni_settings s;
    int rc = pl_muni_settings_get(db, &s, err);
    if (rc)
        return rc;
    pl_muni_settings old = s;
    for (size_t i = 0; i < n; i++) {
        int k = setting_index(keys[i]);
        if (k < 0)
            return pl_error_set(err, PL_ERR_USAGE,
                                "unknown setting '%s' (weight_tax, weight_sales, weight_energy, weight_rd, "
                                "weight_labour, baseline_…, cap, cut_a, cut_b, cut_c, size_threshold, min_months)",
                                keys[i]);
        if (!isfinite(values[i]) || values[i] < 0)
            return pl_error_set(err, PL_ERR_USAGE, "setting '%s' must be a number ≥ 0, not %g", keys[i], values[i]);
        *setting_slot(&s, k) = values[i];
    }
    if ((rc = settings_check(&s, err)))
        return rc;
    if ((rc = pl_db_begin(db, err)))
        return rc;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "INSERT INTO muni_setting(key, value) VALUES (?1, ?2)"
                                " ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st, err)))
        goto fail;
    for (int k = 0; pl_muni_setting_keys[k] && !rc; k++) {
        double was = *setting_slot(&old, k), now = *setting_slot(&s, k);
        if (was == now)
            continue;
        sqlite3_reset(st);
        pl_bind_text(st, 1, pl_muni_setting_keys[k]);
        sqlite3_bind_double(st, 2, now);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = pl_db_fail(db, err, "cannot store the 亩均 settings");
            break;
        }
        char a[32], b[32];
        fmt_num(a, sizeof a, was);
        fmt_num(b, sizeof b, now);
        rc = pl_history_add(db, "setting", 0, "muni", pl_muni_setting_keys[k], a, b, NULL, 0, err);
    }
    sqlite3_finalize(st);
    if (rc)
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_muni_settings_reset(pl_db *db, pl_error *err)
{
    int rc = pl_db_begin(db, err);
    if (rc)
        return rc;
    /* one history row per stored setting, then forget them */
    pl_muni_settings s;
    if ((rc = pl_muni_settings_get(db, &s, err)))
        goto fail;
    pl_muni_settings def;
    pl_muni_settings_default(&def);
    for (int k = 0; pl_muni_setting_keys[k] && !rc; k++) {
        double was = *setting_slot(&s, k), now = *setting_slot(&def, k);
        if (was == now)
            continue;
        char a[32], b[32];
        fmt_num(a, sizeof a, was);
        fmt_num(b, sizeof b, now);
        rc = pl_history_add(db, "setting", 0, "muni", pl_muni_setting_keys[k], a, b, "reset to the default", 0,
                            err);
    }
    if (rc || (rc = pl_db_exec(db, "DELETE FROM muni_setting", err)))
        goto fail;
    return pl_db_commit(db, err);
fail:
    pl_db_rollback(db);
    return rc;
}

int pl_muni_settings_table(pl_db *db, pl_table **out, pl_error *err)
{
    *out = NULL;
    pl_muni_settings s, def;
    int rc = pl_muni_settings_get(db, &s, err);
    if (rc)
        return rc;
    pl_muni_settings_default(&def);
    static const char *const keys[] = {"key", "value", "default", "meaning"};
    static const char *const labels[] = {"设置 setting", "值 value", "默认 default", "含义 meaning"};
    pl_table *t = pl_table_new(4, keys, labels);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    pl_table_set_numeric(t, 1);
    pl_table_set_numeric(t, 2);
    pl_table_set_label_column(t, 3);
    pl_table_set_wrap(t, 3);
    for (int k = 0; pl_muni_setting_keys[k]; k++) {
        char a[32], b[32];
        fmt_num(a, sizeof a, *setting_slot(&s, k));
        fmt_num(b, sizeof b, *setting_slot(&def, k));
        const char *cells[] = {pl_muni_setting_keys[k], a, b, setting_meaning[k]};
        if (pl_table_add_row(t, cells)) {
            pl_table_free(t);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
    }
    *out = t;
    return PL_OK;
}

/* ---- grades -------------------------------------------------------------------------------- */

const char *pl_muni_excluded_label(const char *id)
{
    if (!id)
        return "";
    if (!strcmp(id, "construction"))
        return "不参评: 在建 not graded: under construction";
    if (!strcmp(id, "new"))
        return "不参评: 新投产 not graded: newly producing";
    if (!strcmp(id, "terminated"))
        return "不参评: 已终止 not graded: terminated";
    if (!strcmp(id, "no_figures"))
        return "不参评: 无年度数据 not graded: no annual figures";
    return id;
}

void pl_muni_grades_release(pl_muni_grades *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        free(g->firms[i].parcel_ids);
    free(g->firms);
    g->firms = NULL;
    g->n = 0;
}

static double col_num_or_nan(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static void copy_text(char *dst, size_t len, sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    snprintf(dst, len, "%s", s ? s : "");
}

/* The parcels project `id` held on `end`; the firm's park (of its first parcel) and area. */
static int load_parcels(pl_db *db, sqlite3_stmt *st, long id, pl_muni_firm *f, long park_id, int *in_park,
                        pl_error *err)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    double m2 = 0;
    size_t used = 0;
    int step;
    *in_park = park_id == 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long *ids = realloc(f->parcel_ids, (f->nparcels + 1) * sizeof *ids);
        if (!ids)
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        f->parcel_ids = ids;
        ids[f->nparcels++] = (long)sqlite3_column_int64(st, 0);
        const char *code = (const char *)sqlite3_column_text(st, 1);
        if (!f->park[0])
            copy_text(f->park, sizeof f->park, st, 2);
        if (park_id && sqlite3_column_int64(st, 4) == park_id)
            *in_park = 1;
        m2 += sqlite3_column_double(st, 3);
        if (code && used < sizeof f->parcels) {
            int n = snprintf(f->parcels + used, sizeof f->parcels - used, "%s%s", used ? "," : "", code);
            if (n < 0 || (size_t)n >= sizeof f->parcels - used)
                snprintf(f->parcels + sizeof f->parcels - 5, 5, "…");
            used += n > 0 ? (size_t)n : 0;
        }
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return pl_db_fail(db, err, "cannot read the projects' parcels");
    f->mu = pl_m2_to_mu(m2);
    return PL_OK;
}

static void compute_values(pl_muni_firm *f, double size_threshold)
{
    for (int i = 0; i < PL_MUNI_INDICATORS; i++)
        f->value[i] = f->baseline[i] = f->points[i] = NAN;
    f->score = NAN;
    if (!f->has_figures)
        return;
    double mu = f->mu;
    f->value[PL_MUNI_TAX] = mu > 0 ? f->tax / mu : NAN;
    f->value[PL_MUNI_SALES] = mu > 0 ? f->sales / mu : NAN;
    f->value[PL_MUNI_ENERGY] = isfinite(f->added_value) && f->energy > 0 ? f->added_value / f->energy : NAN;
    f->value[PL_MUNI_RD] = isfinite(f->rd) && f->sales > 0 ? f->rd / f->sales * 100.0 : NAN;
    f->value[PL_MUNI_LABOUR] = isfinite(f->added_value) && f->employees > 0 ? f->added_value / f->employees : NAN;
    f->above_size = f->sales >= size_threshold;
}

static int by_score(const void *a, const void *b)
{
    const pl_muni_firm *x = *(const pl_muni_firm *const *)a, *y = *(const pl_muni_firm *const *)b;
    if (x->score > y->score + 1e-9)
        return -1;
    if (y->score > x->score + 1e-9)
        return 1;
    return strcmp(x->project, y->project);
}

/* Score and grade the graded firms of one group (above: 规上 on the five indicators; else 规下 on tax). */
static int grade_group(pl_muni_grades *g, int above, pl_error *err)
{
    const pl_muni_settings *s = &g->settings;
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++)
        if (!g->firms[i].excluded && g->firms[i].above_size == above)
            n++;
    if (!n)
        return PL_OK;
    pl_muni_firm **v = malloc(n * sizeof *v);
    if (!v)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    n = 0;
    for (size_t i = 0; i < g->n; i++)
        if (!g->firms[i].excluded && g->firms[i].above_size == above)
            v[n++] = &g->firms[i];
    double weight[PL_MUNI_INDICATORS], base[PL_MUNI_INDICATORS];
    for (int k = 0; k < PL_MUNI_INDICATORS; k++) {
        weight[k] = above ? s->weight[k] : (k == PL_MUNI_TAX ? 100.0 : 0.0);
        base[k] = NAN;
        if (!(weight[k] > 0))
            continue;
        if (s->baseline[k] > 0) {
            base[k] = s->baseline[k];
            continue;
        }
        double sum = 0;
        long m = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(v[i]->value[k])) {
                sum += v[i]->value[k];
                m++;
            }
        if (m && sum / m > 0)
            base[k] = sum / m;
    }
    for (size_t i = 0; i < n; i++) {
        pl_muni_firm *f = v[i];
        f->score = 0;
        for (int k = 0; k < PL_MUNI_INDICATORS; k++) {
            f->baseline[k] = base[k];
            if (!isfinite(base[k])) {
                f->points[k] = weight[k] > 0 ? 0 : NAN;
                continue;
            }
            double x = isfinite(f->value[k]) ? fmax(f->value[k], 0) / base[k] : 0;
            f->points[k] = weight[k] * fmin(x, s->cap);
            f->score += f->points[k];
        }
    }
    qsort(v, n, sizeof *v, by_score);
    for (size_t i = 0; i < n; i++) {
        pl_muni_firm *f = v[i];
        long rank = 1;
        for (size_t j = 0; j < n; j++)
            if (v[j]->score > f->score + 1e-9)
                rank++;
        f->rank = rank;
        f->group_n = (long)n;
        /* the mid-rank percentile p = (r − ½) ÷ n × 100: the middle of the firm's share of the
         * group, so a small group is not pushed to the bottom (p = r ÷ n made a lone firm D, and
         * the last of any group D whatever its size); for a large n it keeps the cut-offs (A the
         * top 25 %, D the bottom 5 %): n = 1 is B (50), n = 4 is A B B C (12.5, 37.5, 62.5, 87.5),
         * n = 20 is A for r ≤ 5, B ≤ 14, C ≤ 19, D 20 (97.5) */
        f->percentile = 100.0 * ((double)rank - 0.5) / (double)n;
        /* p ≤ cut, compared as (2r − 1) × 100 ≤ 2 × cut × n (exact for whole-number cut-offs) */
        double r100 = 100.0 * (2.0 * (double)rank - 1.0), dn = 2.0 * (double)n;
        f->grade = r100 <= s->cut[0] * dn + 1e-9 ? 'A'
                   : r100 <= s->cut[1] * dn + 1e-9 ? 'B'
                   : r100 <= s->cut[2] * dn + 1e-9 ? 'C'
                                                   : 'D';
        g->count[f->grade - 'A']++;
        g->graded++;
    }
    free(v);
    return PL_OK;
}

static int firm_order(const void *a, const void *b)
{
    const pl_muni_firm *x = a, *y = b;
    if (!x->excluded != !y->excluded)
        return x->excluded ? 1 : -1;
    if (!x->excluded) {
        if (x->above_size != y->above_size)
            return x->above_size ? -1 : 1;
        if (x->rank != y->rank)
            return x->rank < y->rank ? -1 : 1;
    }
    return strcmp(x->project, y->project);
}

/* The first day of the month min_months before 1 January of year+1: production on or
 * before it has min_months months in the year. */
static void new_cutoff(int year, double min_months, char out[11])
{
    int m = (int)lround(min_months); /* 0..12 (pl_muni_settings_set) */
    int total = (year + 1) * 12 - m;  /* months since year 0, January = 0; year ≤ 9999 */
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-01", total / 12, total % 12 + 1);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

int pl_muni_grade(pl_db *db, int year, const char *park, pl_muni_grades *out, pl_error *err)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    if (year < 1900 || year > 9999)
        return pl_error_set(err, PL_ERR_USAGE, "year %d is not a year (1900 to 9999)", year);
    int rc = pl_muni_settings_get(db, &out->settings, err);
    if (rc)
        return rc;
    long park_id = 0;
    if (park && (rc = pl_park_find(db, park, &park_id, err)))
        return rc;
    char end[11], cutoff[11];
    snprintf(end, sizeof end, "%04d-12-31", year);
    new_cutoff(year, out->settings.min_months, cutoff);
    sqlite3_stmt *st = NULL, *sp = NULL;
    if ((rc = pl_db_prepare(db,
                            "SELECT x.id, x.code, l.company, x.terminated_on,"
                            " (SELECT m.actual FROM milestone m WHERE m.project_id = x.id AND m.kind = 'production'),"
                            " a.project_id IS NOT NULL, a.tax, a.sales, a.added_value, a.energy, a.rd, a.employees"
                            " FROM project x JOIN lead l ON l.id = x.lead_id"
                            " LEFT JOIN annual_figure a ON a.project_id = x.id AND a.year = ?1"
                            " ORDER BY x.code", &st, err)) ||
        (rc = pl_db_prepare(db,
                            "SELECT c.id, c.code, k.code, c.area_m2, c.park_id FROM project_parcel pp"
                            " JOIN parcel c ON c.id = pp.parcel_id JOIN park k ON k.id = c.park_id"
                            " WHERE pp.project_id = ?1 AND (pp.reclaimed_on IS NULL OR pp.reclaimed_on > ?2)"
                            " ORDER BY k.code, c.code", &sp, err)))
        goto done;
    sqlite3_bind_int(st, 1, year);
    pl_bind_text(sp, 2, end);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *term = (const char *)sqlite3_column_text(st, 3);
        const char *prod = (const char *)sqlite3_column_text(st, 4);
        int has = sqlite3_column_int(st, 5);
        int producing = prod && strcmp(prod, end) <= 0;
        int terminated = term && strcmp(term, end) <= 0;
        if (!has && (!producing || terminated))
            continue;
        if (out->n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            pl_muni_firm *f = realloc(out->firms, nc * sizeof *f);
            if (!f) {
                rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                goto done;
            }
            out->firms = f;
            cap = nc;
        }
        pl_muni_firm *f = &out->firms[out->n];
        memset(f, 0, sizeof *f);
        out->n++;
        copy_text(f->project, sizeof f->project, st, 1);
        copy_text(f->company, sizeof f->company, st, 2);
        snprintf(f->production, sizeof f->production, "%s", prod ? prod : "");
        f->has_figures = has;
        f->tax = col_num_or_nan(st, 6);
        f->sales = col_num_or_nan(st, 7);
        f->added_value = col_num_or_nan(st, 8);
        f->energy = col_num_or_nan(st, 9);
        f->rd = col_num_or_nan(st, 10);
        f->employees = col_num_or_nan(st, 11);
        int in_park;
        if ((rc = load_parcels(db, sp, (long)sqlite3_column_int64(st, 0), f, park_id, &in_park, err)))
            goto done;
        if (!in_park) {
            free(f->parcel_ids);
            out->n--;
            continue;
        }
        f->grade = 'B';
        f->excluded = terminated             ? "terminated"
                      : !producing           ? "construction"
                      : strcmp(prod, cutoff) > 0 ? "new"
                      : !has                 ? "no_figures"
                                             : NULL;
        compute_values(f, out->settings.size_threshold);
    }
    if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the projects' annual figures");
        goto done;
    }
    if ((rc = grade_group(out, 1, err)) || (rc = grade_group(out, 0, err)))
        goto done;
    if (out->n)
        qsort(out->firms, out->n, sizeof *out->firms, firm_order);
done:
    sqlite3_finalize(st);
    sqlite3_finalize(sp);
    return rc;
}

const pl_muni_firm *pl_muni_parcel_firm(const pl_muni_grades *g, long parcel_id)
{
    for (size_t i = 0; g && i < g->n; i++)
        for (size_t j = 0; j < g->firms[i].nparcels; j++)
            if (g->firms[i].parcel_ids[j] == parcel_id)
                return &g->firms[i];
    return NULL;
}

const pl_muni_firm *pl_muni_project_firm(const pl_muni_grades *g, const char *code)
{
    for (size_t i = 0; g && code && i < g->n; i++)
        if (!strcmp(g->firms[i].project, code))
            return &g->firms[i];
    return NULL;
}

int pl_muni_latest_year(pl_db *db, pl_error *err)
{
    sqlite3_stmt *st;
    if (pl_db_prepare(db, "SELECT max(year) FROM annual_figure", &st, err))
        return 0;
    int y = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return y;
}
