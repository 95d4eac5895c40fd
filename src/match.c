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
 * the index). The whole reading is one read transaction (one snapshot). */
#include "parkland/match.h"
#include "match_internal.h"

#include "buf.h"
#include "db_internal.h"

#include <math.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const component_names[PL_MATCH_NCOMPONENTS] = {"area", "industry", "investment", "tax",
                                                                  "contiguity"};
static const int component_max[PL_MATCH_NCOMPONENTS] = {PL_MATCH_AREA_MAX, PL_MATCH_INDUSTRY_MAX,
                                                        PL_MATCH_INVESTMENT_MAX, PL_MATCH_TAX_MAX,
                                                        PL_MATCH_CONTIGUITY_MAX};

/* Area fit: full within ±AREA_BAND, zero at ±AREA_ZERO and beyond; beyond the
 * band a parcel smaller than the demand gets AREA_SMALLER of the score a larger
 * parcel with the same deviation gets. */
#define AREA_BAND 0.10
#define AREA_ZERO 0.50
#define AREA_SMALLER 0.8
/* Two parcels within this distance (m) are contiguous. */
#define CONTIGUOUS_M 1.0
#define DEFAULT_TOP 10
#define REASON_MAX 512

const char *pl_match_component_name(int component)
{
    return component >= 0 && component < PL_MATCH_NCOMPONENTS ? component_names[component] : NULL;
}

void pl_match_options_init(pl_match_options *o)
{
    memset(o, 0, sizeof *o);
    o->top = DEFAULT_TOP;
}

/* snprintf that never leaves half a UTF-8 character at the end when it cuts. */
static void put(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= cap && cap > 1) {
        size_t len = cap - 1; /* dst[len] == '\0' */
        size_t k = len;
        while (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && ((unsigned char)dst[k - 1] & 0x80)) {
            unsigned char lead = (unsigned char)dst[k - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (len - (k - 1) < need)
                dst[k - 1] = '\0';
        }
    }
}

/* ---- the lead ---- */

typedef struct lead_info {
    long id;
    char code[128], company[512], stage[16], stage_date[16];
    char industry[64], industry_zh[128], industry_en[128];
    double land_mu, investment, per_mu, tax_per_mu; /* NAN when missing */
} lead_info;

static const char *col_str(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

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
        put(l->code, sizeof l->code, "%s", col_str(st, 1));
        put(l->company, sizeof l->company, "%s", col_str(st, 2));
        put(l->stage, sizeof l->stage, "%s", col_str(st, 3));
        put(l->stage_date, sizeof l->stage_date, "%s", col_str(st, 4));
        put(l->industry, sizeof l->industry, "%s", col_str(st, 5));
        put(l->industry_zh, sizeof l->industry_zh, "%s", col_str(st, 6));
        put(l->industry_en, sizeof l->industry_en, "%s", col_str(st, 7));
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

/* ---- formatting ---- */

/* Points in tenths: "30", "17.1". */
static void fmt_points(char *buf, size_t len, int tenths)
{
    if (tenths % 10 == 0)
        snprintf(buf, len, "%d", tenths / 10);
    else
        snprintf(buf, len, "%d.%d", tenths / 10, abs(tenths % 10));
}

/* A number without useless decimals: 36000, 1234.5, 0.25. */
static void fmt_num(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
}

/* Signed percentage with a real minus sign: "+7.5%", "−1.4%", "0.0%". */
static void fmt_pct(char *buf, size_t len, double fraction)
{
    double pct = round(fraction * 1000.0) / 10.0;
    if (fabs(pct) < 0.05)
        snprintf(buf, len, "0.0%%");
    else if (pct < 0)
        snprintf(buf, len, "\u2212%.1f%%", -pct);
    else
        snprintf(buf, len, "+%.1f%%", pct);
}

static int tenths(double points)
{
    return (int)lround(points * 10.0);
}

/* ---- scoring: numbers ---- */

static int neutral(int c)
{
    return component_max[c] * 10 / 2;
}

/* Area points in tenths (the lead has a land demand); *smaller as the reason states it. */
static int area_points(const lead_info *l, double parcel_mu, double *dev, int *smaller)
{
    double d = (parcel_mu - l->land_mu) / l->land_mu, ad = fabs(d);
    double f;
    if (ad <= AREA_BAND + 1e-9)
        f = 1.0;
    else if (ad >= AREA_ZERO)
        f = 0.0;
    else
        f = (AREA_ZERO - ad) / (AREA_ZERO - AREA_BAND);
    int sm = d < 0 && ad > AREA_BAND + 1e-9 && f > 0;
    if (sm)
        f *= AREA_SMALLER;
    if (dev)
        *dev = d;
    if (smaller)
        *smaller = sm;
    return tenths(PL_MATCH_AREA_MAX * f);
}

/* fit: 2 = the parcel allows any industry, 1 = it allows the lead's, 0 = it does not */
static int industry_points(const lead_info *l, int fit, int *no_data)
{
    *no_data = 0;
    if (fit == 2)
        return PL_MATCH_INDUSTRY_MAX * 10;
    if (!l->industry[0]) {
        *no_data = 1;
        return neutral(PL_MATCH_INDUSTRY);
    }
    return fit ? PL_MATCH_INDUSTRY_MAX * 10 : 0;
}

/* lead value vs the parcel's required minimum: full when ≥, proportional below */
static int minimum_points(int c, double have, double need, int *no_data)
{
    *no_data = 0;
    if (isnan(have) || isnan(need)) {
        *no_data = 1;
        return neutral(c);
    }
    if (need <= 0 || have >= need)
        return component_max[c] * 10;
    return tenths(component_max[c] * (have / need));
}

/* Does `hay` (n bytes) hold `needle` (m bytes)? */
static int holds(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || m > n)
        return m == 0;
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == needle[0] && !memcmp(hay + i, needle, m))
            return 1;
    return 0;
}

/* Replace every `from` (left to right, not overlapping) by the one byte `to`, or
 * delete it when to == 0, in place (as SQLite's replace()); returns the new length. */
static size_t replace_in(char *s, size_t n, const char *from, char to)
{
    size_t m = strlen(from), o = 0;
    for (size_t i = 0; i < n;) {
        if (i + m <= n && !memcmp(s + i, from, m)) {
            if (to)
                s[o++] = to;
            i += m;
        } else {
            s[o++] = s[i++];
        }
    }
    return o;
}

/* How the parcel's `industries` (n bytes, NULL when not set) treats the lead,
 * exactly as SQL would say it: NULLIF(trim(industries), '') IS NULL → 2 (any);
 * else the list with ，and 、 as commas and spaces and tabs removed, framed by
 * commas, holds ",<id>," or ",<Chinese name>," → 1; else 0. */
static int industry_fit(const char *industries, size_t n, const lead_info *l)
{
    if (!industries)
        return 2;
    size_t k = 0;
    while (k < n && industries[k] == ' ')
        k++;
    if (k == n)
        return 2;
    if (!l->industry[0])
        return 0;
    char local[512], *buf = local;
    if (n + 2 > sizeof local && !(buf = malloc(n + 2)))
        return -1;
    buf[0] = ',';
    memcpy(buf + 1, industries, n);
    size_t len = n;
    len = replace_in(buf + 1, len, "，", ',');
    len = replace_in(buf + 1, len, "、", ',');
    len = replace_in(buf + 1, len, " ", 0);
    len = replace_in(buf + 1, len, "\t", 0);
    buf[1 + len] = ',';
    len += 2;
    char needle[sizeof l->industry_zh + 2];
    int fit = 0;
    const char *names[2] = {l->industry, l->industry_zh};
    for (int i = 0; i < 2 && !fit; i++) {
        if (!names[i][0])
            continue;
        int m = snprintf(needle, sizeof needle, ",%s,", names[i]);
        fit = m > 0 && (size_t)m < sizeof needle && holds(buf, len, needle, (size_t)m);
    }
    if (buf != local)
        free(buf);
    return fit;
}

/* ---- scoring: reasons (for the parcels handed out) ---- */

typedef struct scored {
    int pts[PL_MATCH_NCOMPONENTS];   /* tenths of a point */
    int no_data[PL_MATCH_NCOMPONENTS];
    char text[PL_MATCH_NCOMPONENTS][REASON_MAX];
} scored;

static void reason(scored *s, int c, int pts, int no_data, const char *fmt_head, const char *tail)
{
    char p[16];
    fmt_points(p, sizeof p, pts);
    s->pts[c] = pts;
    s->no_data[c] = no_data;
    put(s->text[c], sizeof s->text[c], "%s → %s/%d%s%s", fmt_head, p, component_max[c], tail ? " " : "",
             tail ? tail : "");
}

static void score_area(scored *s, const lead_info *l, double parcel_mu)
{
    char head[REASON_MAX];
    if (isnan(l->land_mu)) {
        put(head, sizeof head, "面积 area: no data (线索未填用地需求 lead has no land demand), 地块 %.1f 亩",
                 parcel_mu);
        reason(s, PL_MATCH_AREA, neutral(PL_MATCH_AREA), 1, head, NULL);
        return;
    }
    double d;
    int smaller;
    int pts = area_points(l, parcel_mu, &d, &smaller);
    char pct[32];
    fmt_pct(pct, sizeof pct, d);
    put(head, sizeof head, "面积 area: 需求 %.1f 亩, 地块 %.1f 亩 (%s%s)", l->land_mu, parcel_mu, pct,
             smaller ? ", 偏小 smaller ×0.8" : "");
    reason(s, PL_MATCH_AREA, pts, 0, head, NULL);
}

/* industries: the parcel's list as stated (trimmed), fit as industry_fit */
static void score_industry(scored *s, const lead_info *l, const char *industries, int fit)
{
    char head[REASON_MAX], lead_part[300];
    int no_data;
    int pts = industry_points(l, fit, &no_data);
    if (l->industry[0])
        put(lead_part, sizeof lead_part, "线索 %s %s", l->industry_zh, l->industry);
    else
        put(lead_part, sizeof lead_part, "%s", "no data (线索未填产业 lead has no industry)");
    if (fit == 2)
        put(head, sizeof head, "产业 industry: %s, 地块不限产业 any industry", lead_part);
    else
        put(head, sizeof head, "产业 industry: %s, 地块允许 %s", lead_part, industries ? industries : "");
    reason(s, PL_MATCH_INDUSTRY, pts, no_data, head, fit == 2 || no_data || pts ? NULL : "industry not allowed");
}

static void score_minimum(scored *s, int c, const char *label, const char *unit, double have, const char *have_note,
                          const char *missing_lead, double need, const char *missing_parcel)
{
    char head[REASON_MAX], lead_part[256], parcel_part[200];
    int no_data;
    int pts = minimum_points(c, have, need, &no_data);
    if (isnan(have))
        put(lead_part, sizeof lead_part, "线索 no data (%s)", missing_lead);
    else
        put(lead_part, sizeof lead_part, "线索 %.1f %s%s", have, unit, have_note ? have_note : "");
    if (isnan(need))
        put(parcel_part, sizeof parcel_part, "地块 no data (%s)", missing_parcel);
    else
        put(parcel_part, sizeof parcel_part, "地块要求 ≥ %.1f %s", need, unit);
    if (no_data || need <= 0 || have >= need)
        put(head, sizeof head, "%s: %s, %s", label, lead_part, parcel_part);
    else
        put(head, sizeof head, "%s: %s, %s (%.1f%%)", label, lead_part, parcel_part, have / need * 100.0);
    reason(s, c, pts, no_data, head, NULL);
}

/* ---- the run ---- */

/* Area deviations closer than this are a tie (decided by park and code). */
#define PL_MATCH_AREA_TIE 1e-9
/* Points (tenths) of industry, investment and tax together, at most. */
#define OTHERS_MAX ((PL_MATCH_INDUSTRY_MAX + PL_MATCH_INVESTMENT_MAX + PL_MATCH_TAX_MAX) * 10)
/* R*Tree boxes are searched this much wider than CONTIGUOUS_M (the exact test decides). */
#define BOX_SLACK 0.01
/* Industry lists remembered per call (short ones: a park has a handful of distinct lists). */
#define FIT_MEMO 16
#define FIT_MEMO_LEN 96
/* Above this parcel id, no byte map: the R*Tree pass is not used. */
#define BYTEMAP_MAX_ID (32L * 1024 * 1024)

/* A free parcel, as numbers. */
typedef struct cand {
    long id;
    double area_m2, dev;  /* dev: |parcel − demand| ÷ demand; HUGE_VAL without a demand */
    double inv, tax;      /* the parcel's minimums, NAN when not set */
    int fit;              /* industry_fit */
    int partial;          /* tenths: area + industry + investment + tax */
    int ub;               /* partial + the most contiguity can add */
} cand;

/* One of the best `top`: exact score and what its reasons need. */
typedef struct entry {
    const cand *c;
    int total;            /* tenths */
    int contig;           /* tenths of it for contiguity, as contiguity() gave them */
    char *park, *code, *name, *status, *industries; /* in the same block (name, industries may be NULL) */
    char *neighbour, *project;                      /* in the same block; NULL when not contiguous */
} entry;

typedef struct box {
    long id;
    double x0, x1, y0, y1; /* R*Tree box */
} box;

/* An available parcel before its minimums are read. */
typedef struct arow {
    long id;
    double area_m2;
    int area; /* area points, tenths */
} arow;

typedef struct fit_memo {
    size_t len;
    int fit;
    char s[FIT_MEMO_LEN];
} fit_memo;

/* Everything one call holds; released by run_free. */
typedef struct run {
    pl_db *db;
    pl_error *err;
    const lead_info *l;
    long park_id; /* 0 = every park */
    size_t top;
    sqlite3_stmt *st_count, *st_window, *st_indicator, *st_reserved, *st_projects, *st_near, *st_box, *st_exact,
        *st_detail, *st_pass;
    arow *a;             /* the window being read */
    size_t na, capa;
    char *json;          /* ids for indicator_sql */
    size_t capjson;
    fit_memo memo[FIT_MEMO];
    int nmemo;
    /* phase 1: the candidates kept, and the `top` best lower bounds so far (min-heap, tenths) */
    cand *c;
    size_t nc, capc;
    int *lb;
    size_t nlb, caplb;
    /* contiguity */
    int contig_known;    /* 1: the same for every parcel: contig_value */
    int contig_value;
    long *proj;          /* parcels of live projects of the lead's industry, sorted */
    size_t nproj, capproj;
    long *near;          /* project side: parcels whose box is within reach of a project parcel's, sorted */
    size_t nnear, capnear;
    int near_ready;
    unsigned char *bytemap; /* R*Tree pass: 1 = candidate, 2 = project parcel, by id up to bytemap_max */
    long bytemap_max;
    box *cbox, *qbox;       /* after the pass: candidates' boxes (by id), project parcels' boxes */
    size_t ncbox, capcbox, nqbox, capqbox;
    double gcell;           /* project boxes in a hashed grid of gcell × gcell cells: */
    size_t *gstart, gmask;  /* bucket b holds gent[gstart[b] .. gstart[b + 1]) */
    size_t *gent;           /* indexes into qbox */
    box *qbig;              /* boxes too large for the grid, looked at one by one */
    size_t nqbig, capqbig;
    int pass_ready, pass_oom;
    int planned;         /* plan_contiguity has run */
    /* phase 2: the best `top` (min-heap on `better`) */
    entry **h;
    size_t nh, caph;
} run;

/* The most contiguity can add to a parcel (tenths): its one value when known. */
static int contig_most(const run *r)
{
    return r->contig_known ? r->contig_value : PL_MATCH_CONTIGUITY_MAX * 10;
}

static int nomem(run *r)
{
    return pl_error_set(r->err, PL_ERR_NOMEM, "out of memory");
}

/* ---- lower bounds: the `top`-th best so far ---- */

static int lb_offer(run *r, int v)
{
    int *h;
    size_t i;
    if (r->nlb < r->top) {
        if (pl_grow((void **)&r->lb, &r->caplb, r->nlb + 1, sizeof *r->lb, 256))
            return -1;
        h = r->lb;
        i = r->nlb++;
        h[i] = v;
        while (i > 0 && h[(i - 1) / 2] > h[i]) {
            int t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return 0;
    }
    h = r->lb;
    if (v <= h[0])
        return 0;
    h[0] = v;
    i = 0;
    for (;;) {
        size_t a = 2 * i + 1, b = a + 1, w = i;
        if (a < r->nlb && h[a] < h[w])
            w = a;
        if (b < r->nlb && h[b] < h[w])
            w = b;
        if (w == i)
            return 0;
        int t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

/* Nothing whose upper bound is below this can be among the best `top`. */
static int lb_floor(const run *r)
{
    return r->nlb == r->top ? r->lb[0] : INT_MIN;
}

/* ---- phase 1: free parcels as numbers ---- */

static int fit_of(run *r, const char *s, size_t n)
{
    if (!s || n >= FIT_MEMO_LEN)
        return industry_fit(s, n, r->l);
    for (int i = 0; i < r->nmemo; i++)
        if (r->memo[i].len == n && !memcmp(r->memo[i].s, s, n))
            return r->memo[i].fit;
    int fit = industry_fit(s, n, r->l);
    if (fit >= 0 && r->nmemo < FIT_MEMO) {
        fit_memo *m = &r->memo[r->nmemo++];
        m->len = n;
        m->fit = fit;
        memcpy(m->s, s, n);
    }
    return fit;
}

/* Score a free parcel from its numbers; keep it if it may count. */
static int take_values(run *r, long id, double area_m2, double inv, double tax, const char *ind, size_t n)
{
    const lead_info *l = r->l;
    cand c;
    c.id = id;
    c.area_m2 = area_m2;
    c.inv = inv;
    c.tax = tax;
    c.fit = fit_of(r, ind, n);
    if (c.fit < 0)
        return nomem(r);
    double mu = c.area_m2 * 15.0 / 10000.0;
    int nd, area;
    if (isnan(l->land_mu)) {
        c.dev = HUGE_VAL;
        area = neutral(PL_MATCH_AREA);
    } else {
        c.dev = fabs(mu - l->land_mu) / l->land_mu;
        area = area_points(l, mu, NULL, NULL);
    }
    c.partial = area + industry_points(l, c.fit, &nd) + minimum_points(PL_MATCH_INVESTMENT, l->per_mu, c.inv, &nd) +
                minimum_points(PL_MATCH_TAX, l->tax_per_mu, c.tax, &nd);
    int lower = c.partial + (r->contig_known ? r->contig_value : 0);
    c.ub = c.partial + contig_most(r);
    if (c.ub < lb_floor(r))
        return PL_OK;
    if (pl_grow((void **)&r->c, &r->capc, r->nc + 1, sizeof *r->c, 256))
        return nomem(r);
    r->c[r->nc++] = c;
    return lb_offer(r, lower) ? nomem(r) : PL_OK;
}

/* A row (id, area_m2, investment_intensity, tax_per_mu, industries). */
static int take_row(run *r, sqlite3_stmt *st)
{
    const char *ind = (const char *)sqlite3_column_text(st, 4);
    return take_values(r, (long)sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1), pl_col_num(st, 2),
                       pl_col_num(st, 3), ind, ind ? (size_t)sqlite3_column_bytes(st, 4) : 0);
}

static int take_rows(run *r, sqlite3_stmt *st, long *count)
{
    int step, rc = PL_OK;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count)
            ++*count;
        if ((rc = take_row(r, st)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(r->db, r->err, "cannot read free parcels");
    sqlite3_reset(st);
    return rc;
}

/* The most area points (tenths) of a parcel of this area, or of any parcel
 * farther from the demand on the same side. */
static int area_bound(const lead_info *l, double area_m2)
{
    int p = area_points(l, area_m2 * 15.0 / 10000.0, NULL, NULL) + 1; /* +0.1: rounding aside */
    return p > PL_MATCH_AREA_MAX * 10 ? PL_MATCH_AREA_MAX * 10 : p;
}

/* Available parcels with area_m2 in [?1, ?2) but not in [?3, ?4): a range of
 * the parcel(status, area_m2) index, read from the index alone (with --park, an
 * index on parcel(park_id, status, area_m2) would keep it so). */
static const char window_sql[] =
    "SELECT id, area_m2 FROM parcel WHERE status = 'available' AND area_m2 >= ?1 AND area_m2 < ?2"
    "   AND NOT (area_m2 >= ?3 AND area_m2 < ?4)";
static const char window_park_sql[] =
    "SELECT id, area_m2 FROM parcel WHERE park_id = ?5 AND status = 'available' AND area_m2 >= ?1 AND area_m2 < ?2"
    "   AND NOT (area_m2 >= ?3 AND area_m2 < ?4)";
/* the minimums of the parcels whose ids are in the JSON array ?1, in its order
 * (no parcel_indicator row: not set) */
static const char indicator_sql[] =
    "SELECT j.value, i.investment_intensity, i.tax_per_mu, i.industries"
    "  FROM json_each(?1) j LEFT JOIN parcel_indicator i ON i.parcel_id = j.value";
/* ids per execution of indicator_sql: the floor is looked at again between them */
#define INDICATOR_BATCH 512

/* sort_<name>(v, n): sort an array of `type` by its `id` (quicksort, insertion sort below 16) */
#define DEFINE_SORT_BY_ID(name, type)                                                                              \
    static void sort_##name(type *v, size_t n)                                                                    \
    {                                                                                                              \
        while (n > 16) {                                                                                           \
            long a = v[0].id, b = v[n / 2].id, c = v[n - 1].id;                                                    \
            long pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));                    \
            size_t i = 0, j = n - 1;                                                                               \
            for (;;) {                                                                                             \
                while (v[i].id < pivot)                                                                            \
                    i++;                                                                                           \
                while (v[j].id > pivot)                                                                            \
                    j--;                                                                                           \
                if (i >= j)                                                                                        \
                    break;                                                                                         \
                type t = v[i];                                                                                     \
                v[i] = v[j];                                                                                       \
                v[j] = t;                                                                                          \
                i++, j--;                                                                                          \
            }                                                                                                      \
            if (j + 1 < n - j - 1) { /* the smaller part first, the larger one in this loop */                     \
                sort_##name(v, j + 1);                                                                             \
                v += j + 1;                                                                                        \
                n -= j + 1;                                                                                        \
            } else {                                                                                               \
                sort_##name(v + j + 1, n - j - 1);                                                                 \
                n = j + 1;                                                                                         \
            }                                                                                                      \
        }                                                                                                          \
        for (size_t i = 1; i < n; i++) {                                                                           \
            type t = v[i];                                                                                         \
            size_t j = i;                                                                                          \
            while (j > 0 && v[j - 1].id > t.id) {                                                                  \
                v[j] = v[j - 1];                                                                                   \
                j--;                                                                                               \
            }                                                                                                      \
            v[j] = t;                                                                                              \
        }                                                                                                          \
    }

DEFINE_SORT_BY_ID(arows, arow)
DEFINE_SORT_BY_ID(boxes, box)

/* Append id in decimal and a comma. */
static size_t put_id(char *p, long id)
{
    char d[24];
    size_t n = 0, o = 0;
    unsigned long u = id < 0 ? 0UL - (unsigned long)id : (unsigned long)id;
    do
        d[n++] = (char)('0' + u % 10);
    while (u /= 10);
    if (id < 0)
        p[o++] = '-';
    while (n)
        p[o++] = d[--n];
    p[o++] = ',';
    return o;
}

static int plan_contiguity(run *r, const arow *extra, size_t nextra);
static int pass_maybe(const run *r, long id, box *cb);
static int pass_marked(const run *r, long id);
static int has_id(const long *v, size_t n, long id);

/* The parcels of one window: ids and areas from the index, those whose area
 * leaves them a chance kept in r->a, by id. */
static int window_ids(run *r, double lo, double hi, double xlo, double xhi)
{
    const int contig_max = contig_most(r);
    sqlite3_stmt *st = r->st_window;
    sqlite3_bind_double(st, 1, lo);
    sqlite3_bind_double(st, 2, hi);
    sqlite3_bind_double(st, 3, xlo);
    sqlite3_bind_double(st, 4, xhi);
    int step, rc = PL_OK, floor = lb_floor(r);
    r->na = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        arow a = {(long)sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1), 0};
        a.area = isnan(r->l->land_mu) ? neutral(PL_MATCH_AREA)
                                      : area_points(r->l, a.area_m2 * 15.0 / 10000.0, NULL, NULL);
        if (a.area + OTHERS_MAX + contig_max < floor)
            continue;
        if (pl_grow((void **)&r->a, &r->capa, r->na + 1, sizeof *r->a, 256)) {
            rc = nomem(r);
            break;
        }
        r->a[r->na++] = a;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(r->db, r->err, "cannot read free parcels");
    sqlite3_reset(st);
    /* by id: parcel_indicator is then read page after page instead of at random */
    if (!rc)
        sort_arows(r->a, r->na);
    return rc;
}

/* Score the parcels of r->a: each one's minimums, unless its area and what is
 * known of its contiguity already keep it below the floor. */
static int window_score(run *r)
{
    const int contig_max = contig_most(r);
    sqlite3_stmt *st = r->st_indicator;
    size_t i = 0;
    while (i < r->na) {
        /* the next batch of parcels that may still reach the floor, as a JSON array of ids */
        size_t batch[INDICATOR_BATCH], nb = 0, len = 1;
        if (pl_grow((void **)&r->json, &r->capjson, INDICATOR_BATCH * 22 + 3, 1, 256))
            return nomem(r);
        r->json[0] = '[';
        int floor = lb_floor(r);
        for (; i < r->na && nb < INDICATOR_BATCH; i++) {
            const arow *a = &r->a[i];
            int cmax = contig_max;
            box b;
            if ((r->pass_ready && pass_marked(r, a->id) && !pass_maybe(r, a->id, &b)) ||
                (r->near_ready && !has_id(r->near, r->nnear, a->id)))
                cmax = 0; /* no project parcel within reach: no contiguity */
            if (a->area + OTHERS_MAX + cmax < floor)
                continue;
            batch[nb++] = i;
            len += put_id(r->json + len, a->id);
        }
        if (!nb)
            break;
        r->json[len - 1] = ']';
        sqlite3_bind_text(st, 1, r->json, (int)len, SQLITE_STATIC);
        int step, rc = PL_OK;
        size_t k = 0;
        while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
            const arow *a = k < nb ? &r->a[batch[k++]] : NULL;
            if (!a || sqlite3_column_int64(st, 0) != a->id) {
                rc = pl_error_set(r->err, PL_ERR_DB, "standard-land indicators came back out of order");
                break;
            }
            const char *ind = (const char *)sqlite3_column_text(st, 3);
            rc = take_values(r, a->id, a->area_m2, pl_col_num(st, 1), pl_col_num(st, 2), ind,
                             ind ? (size_t)sqlite3_column_bytes(st, 3) : 0);
        }
        if (!rc && step != SQLITE_DONE)
            rc = pl_db_fail(r->db, r->err, "cannot read standard-land indicators");
        if (!rc && k != nb)
            rc = pl_error_set(r->err, PL_ERR_DB, "standard-land indicators: %zu of %zu parcels", k, nb);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (rc)
            return rc;
    }
    return PL_OK;
}

/* Window edges are looked for every EDGE_STEP of deviation; while fewer than
 * `top` parcels are known, windows widen by rounds. */
#define EDGE_STEP 0.025
static const double round_dev[] = {AREA_BAND, 0.2, 0.3, AREA_ZERO};
#define NROUNDS (sizeof round_dev / sizeof *round_dev)

/* Read the available parcels the ranking needs: the ±10 % band first, then
 * wider windows, each read once, until no parcel outside the window can reach
 * the `top`-th lower bound (the floor). Once the floor is known, contiguity is
 * planned, so that a pass over the R*Tree can spare the minimums of parcels far
 * from any project. */
static int read_available(run *r)
{
    const int contig_max = contig_most(r);
    const lead_info *l = r->l;
    double at = l->land_mu * 10000.0 / 15.0; /* area_m2 of the demand */
    int rc;
    if (isnan(l->land_mu) || !isfinite(at) || !(at > 0)) {
        if (!(rc = window_ids(r, -HUGE_VAL, HUGE_VAL, 0, 0)))
            rc = window_score(r);
        return rc;
    }
    double lo = at * (1 - AREA_BAND), hi = at * (1 + AREA_BAND);
    if ((rc = window_ids(r, lo, hi, 0, 0)) || (rc = window_score(r)))
        return rc;
    size_t k = 0;
    for (;;) {
        double nlo, nhi;
        int full = r->nlb == r->top;
        if (!full) {
            /* fewer than `top` so far: the next coarse round, or everything */
            if (++k < NROUNDS) {
                nlo = at * (1 - round_dev[k]);
                nhi = at * (1 + round_dev[k]);
            } else {
                nlo = -HUGE_VAL;
                nhi = HUGE_VAL;
            }
        } else {
            /* beyond nlo and nhi no parcel reaches the floor, even with every other point */
            int need = lb_floor(r) - OTHERS_MAX - contig_max;
            nlo = -HUGE_VAL;
            nhi = HUGE_VAL;
            for (double d = AREA_BAND; d < AREA_ZERO + EDGE_STEP / 2; d += EDGE_STEP) {
                if (nhi == HUGE_VAL && area_bound(l, at * (1 + d)) < need)
                    nhi = at * (1 + d);
                if (nlo == -HUGE_VAL && area_bound(l, at * (1 - d)) < need)
                    nlo = at * (1 - d);
            }
        }
        if (nlo >= lo && nhi <= hi)
            break;
        if (nlo > lo)
            nlo = lo;
        if (nhi < hi)
            nhi = hi;
        if ((rc = window_ids(r, nlo, nhi, lo, hi)))
            return rc;
        if (full && !r->planned && (rc = plan_contiguity(r, r->a, r->na)))
            return rc;
        if ((rc = window_score(r)))
            return rc;
        lo = nlo;
        hi = nhi;
        if (lo == -HUGE_VAL && hi == HUGE_VAL)
            break;
    }
    return PL_OK;
}

/* ---- contiguity ---- */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static size_t sort_unique(long *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_long);
    size_t o = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[o - 1])
            v[o++] = v[i];
    return o;
}

static int has_id(const long *v, size_t n, long id)
{
    return n && bsearch(&id, v, n, sizeof *v, cmp_long) != NULL;
}

/* parcels of live projects whose lead is in the lead's industry */
static const char projects_sql[] =
    "SELECT pp.parcel_id FROM project pr CROSS JOIN lead l CROSS JOIN project_parcel pp"
    " WHERE l.id = pr.lead_id AND pp.project_id = pr.id AND l.industry = ?1 AND pr.terminated_on IS NULL";

/* parcels whose R*Tree box comes within ?2 of the box of parcel ?1 (itself included) */
static const char near_sql[] =
    "SELECT r.pkid FROM idx_parcel_geom c CROSS JOIN idx_parcel_geom r"
    " WHERE c.pkid = ?1 AND r.xmin <= c.xmax + ?2 AND r.xmax >= c.xmin - ?2"
    "   AND r.ymin <= c.ymax + ?2 AND r.ymax >= c.ymin - ?2";

static const char box_sql[] = "SELECT xmin, xmax, ymin, ymax FROM idx_parcel_geom WHERE pkid = ?1";

/* One pass over the R*Tree (pl_match_boxes: see pass_cb) that returns no row. */
static const char pass_sql[] = "SELECT pkid FROM idx_parcel_geom WHERE pkid MATCH pl_match_boxes()";

/* A parcel within 1 m of the candidate that belongs to a live project whose
 * lead is in the industry: R*Tree candidates, exact distance. */
static const char contiguity_sql[] =
    "SELECT q.code, pr.code FROM parcel q"
    "  JOIN project_parcel pp ON pp.parcel_id = q.id"
    "  JOIN project pr ON pr.id = pp.project_id"
    "  JOIN lead l ON l.id = pr.lead_id"
    " WHERE l.industry = ?1 AND pr.terminated_on IS NULL AND q.id <> ?2"
    "   AND q.ROWID IN (SELECT pkid FROM idx_parcel_geom"
    "        WHERE xmin <= ?4 AND xmax >= ?3 AND ymin <= ?6 AND ymax >= ?5)"
    "   AND ST_Distance(q.geom, (SELECT geom FROM parcel WHERE id = ?2)) <= ?7"
    " ORDER BY q.code, pr.code LIMIT 1";

static int load_projects(run *r)
{
    int rc = pl_db_prepare(r->db, projects_sql, &r->st_projects, r->err);
    if (rc)
        return rc;
    pl_bind_text(r->st_projects, 1, r->l->industry);
    int step;
    while ((step = sqlite3_step(r->st_projects)) == SQLITE_ROW) {
        if (pl_grow((void **)&r->proj, &r->capproj, r->nproj + 1, sizeof *r->proj, 256))
            return nomem(r);
        r->proj[r->nproj++] = (long)sqlite3_column_int64(r->st_projects, 0);
    }
    if (step != SQLITE_DONE)
        return pl_db_fail(r->db, r->err, "cannot read projects");
    r->nproj = sort_unique(r->proj, r->nproj);
    return PL_OK;
}

/* Is a parcel of r->proj (other than `id`) within reach of parcel `id`'s box? (*found = 1)
 * With collect set, every parcel within reach (other than `id`) is appended to r->near instead. */
static int search_near(run *r, long id, int collect, int *found)
{
    int rc;
    if (!r->st_near && (rc = pl_db_prepare(r->db, near_sql, &r->st_near, r->err)))
        return rc;
    sqlite3_stmt *st = r->st_near;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, CONTIGUOUS_M + BOX_SLACK);
    int step;
    rc = PL_OK;
    *found = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long hit = (long)sqlite3_column_int64(st, 0);
        if (hit == id)
            continue;
        if (collect) {
            if (pl_grow((void **)&r->near, &r->capnear, r->nnear + 1, sizeof *r->near, 256)) {
                rc = nomem(r);
                break;
            }
            r->near[r->nnear++] = hit;
        } else if (has_id(r->proj, r->nproj, hit)) {
            *found = 1;
            break;
        }
    }
    if (!rc && !*found && step != SQLITE_DONE)
        rc = pl_db_fail(r->db, r->err, "cannot search the spatial index");
    sqlite3_reset(st);
    return rc;
}

/* Project side: every parcel whose box comes within reach of a project parcel's box. */
static int build_near(run *r)
{
    int rc, found;
    for (size_t i = 0; i < r->nproj; i++)
        if ((rc = search_near(r, r->proj[i], 1, &found)))
            return rc;
    r->nnear = sort_unique(r->near, r->nnear);
    r->near_ready = 1;
    return PL_OK;
}

/* The R*Tree pass: the query callback sees every cell; leaves of parcels marked
 * in the byte map have their box copied out, and nothing is returned as a row.
 * The run being served is passed per thread (a statement runs in one thread). */
static _Thread_local run *pass_run;

static int append_box(box **v, size_t *n, size_t *cap, long id, const double *c)
{
    if (pl_grow((void **)v, cap, *n + 1, sizeof **v, 256))
        return -1;
    (*v)[(*n)++] = (box){id, c[0], c[1], c[2], c[3]};
    return 0;
}

static int pass_cb(sqlite3_rtree_query_info *q)
{
    run *r = pass_run;
    if (q->iLevel > 0) {
        q->eWithin = PARTLY_WITHIN;
        return SQLITE_OK;
    }
    q->eWithin = NOT_WITHIN;
    sqlite3_int64 id = q->iRowid;
    if (!r || q->nCoord != 4 || id < 0 || id > r->bytemap_max || !r->bytemap[id])
        return SQLITE_OK;
    unsigned char b = r->bytemap[id];
    if (((b & 1) && append_box(&r->cbox, &r->ncbox, &r->capcbox, (long)id, q->aCoord)) ||
        ((b & 2) && append_box(&r->qbox, &r->nqbox, &r->capqbox, (long)id, q->aCoord))) {
        r->pass_oom = 1;
        return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

static int cmp_box_id(const void *a, const void *b)
{
    long x = ((const box *)a)->id, y = ((const box *)b)->id;
    return x < y ? -1 : x > y;
}

/* The grid: cells of gcell, at most GRID_SPAN cells across for one box (larger ones go to qbig). */
#define GRID_SPAN 8

static long cell_of(double v, double g)
{
    double c = floor(v / g);
    return c < -1e15 ? (long)-1e15 : c > 1e15 ? (long)1e15 : (long)c;
}

static size_t bucket_of(const run *r, long cx, long cy)
{
    unsigned long long h = (unsigned long long)cx * 0x9E3779B97F4A7C15ULL;
    h ^= (unsigned long long)cy * 0xC2B2AE3D27D4EB4FULL;
    return (size_t)(h ^ (h >> 29)) & r->gmask;
}

/* Each project box, widened by the reach, into every cell it covers. */
static int build_grid(run *r)
{
    const double d = CONTIGUOUS_M + BOX_SLACK;
    double sum = 0;
    for (size_t i = 0; i < r->nqbox; i++)
        sum += fmax(r->qbox[i].x1 - r->qbox[i].x0, r->qbox[i].y1 - r->qbox[i].y0) + 2 * d;
    r->gcell = r->nqbox && sum > 0 ? sum / (double)r->nqbox : 1.0;
    /* the very large ones apart */
    size_t o = 0, cells = 0;
    for (size_t i = 0; i < r->nqbox; i++) {
        box b = r->qbox[i];
        long nx = cell_of(b.x1 + d, r->gcell) - cell_of(b.x0 - d, r->gcell) + 1;
        long ny = cell_of(b.y1 + d, r->gcell) - cell_of(b.y0 - d, r->gcell) + 1;
        if (nx > GRID_SPAN || ny > GRID_SPAN || !isfinite(b.x0 + b.x1 + b.y0 + b.y1)) {
            if (pl_grow((void **)&r->qbig, &r->capqbig, r->nqbig + 1, sizeof *r->qbig, 256))
                return -1;
            r->qbig[r->nqbig++] = b;
        } else {
            r->qbox[o++] = b;
            cells += (size_t)(nx * ny);
        }
    }
    r->nqbox = o;
    size_t nb = 64;
    while (nb < 2 * cells)
        nb *= 2;
    r->gmask = nb - 1;
    if (!(r->gstart = calloc(nb + 1, sizeof *r->gstart)) || !(r->gent = malloc((cells ? cells : 1) * sizeof *r->gent)))
        return -1;
    for (int fill = 0; fill < 2; fill++) {
        for (size_t i = 0; i < r->nqbox; i++) {
            const box *b = &r->qbox[i];
            long cx1 = cell_of(b->x1 + d, r->gcell), cy0 = cell_of(b->y0 - d, r->gcell),
                 cy1 = cell_of(b->y1 + d, r->gcell);
            for (long cx = cell_of(b->x0 - d, r->gcell); cx <= cx1; cx++)
                for (long cy = cy0; cy <= cy1; cy++) {
                    size_t k = bucket_of(r, cx, cy);
                    if (fill)
                        r->gent[--r->gstart[k + 1]] = i; /* filled from the end of each bucket */
                    else
                        r->gstart[k + 1]++;
                }
        }
        if (!fill) /* counts to ends */
            for (size_t k = 0; k < nb; k++)
                r->gstart[k + 1] += r->gstart[k];
    }
    /* after the fill, gstart[k + 1] has moved back to the start of bucket k: shift by one */
    memmove(r->gstart + 1, r->gstart + 2, (nb - 1) * sizeof *r->gstart);
    r->gstart[nb] = cells;
    r->gstart[0] = 0;
    return 0;
}

/* Boxes of the kept candidates that may be looked at, and of the project parcels, in one pass. */
static int build_pass(run *r, int floor, const arow *extra, size_t nextra)
{
    int rc;
    long max = 0;
    for (size_t i = 0; i < nextra; i++)
        if (extra[i].id > max)
            max = extra[i].id;
    for (size_t i = 0; i < r->nproj; i++)
        if (r->proj[i] > max)
            max = r->proj[i];
    for (size_t i = 0; i < r->nc; i++)
        if (r->c[i].ub >= floor && r->c[i].id > max)
            max = r->c[i].id;
    r->bytemap_max = max;
    if (!(r->bytemap = calloc((size_t)max + 1, 1)))
        return nomem(r);
    for (size_t i = 0; i < r->nproj; i++)
        if (r->proj[i] >= 0)
            r->bytemap[r->proj[i]] |= 2;
    for (size_t i = 0; i < r->nc; i++)
        if (r->c[i].ub >= floor && r->c[i].id >= 0)
            r->bytemap[r->c[i].id] |= 1;
    for (size_t i = 0; i < nextra; i++)
        if (extra[i].id >= 0)
            r->bytemap[extra[i].id] |= 1;
    if (sqlite3_prepare_v2(r->db->h, pass_sql, -1, &r->st_pass, NULL) != SQLITE_OK) {
        /* first use on this connection: register the callback (it lives as long as the connection) */
        if (sqlite3_rtree_query_callback(r->db->h, "pl_match_boxes", pass_cb, NULL, NULL) != SQLITE_OK)
            return pl_db_fail(r->db, r->err, "cannot register the spatial index pass");
        if ((rc = pl_db_prepare(r->db, pass_sql, &r->st_pass, r->err)))
            return rc;
    }
    pass_run = r;
    int step = sqlite3_step(r->st_pass);
    pass_run = NULL;
    sqlite3_reset(r->st_pass);
    if (r->pass_oom)
        return nomem(r);
    if (step != SQLITE_DONE)
        return pl_db_fail(r->db, r->err, "cannot read the spatial index");
    sort_boxes(r->cbox, r->ncbox);
    if (build_grid(r))
        return nomem(r);
    r->pass_ready = 1;
    return PL_OK;
}

/* Was this parcel's box looked for in the pass? */
static int pass_marked(const run *r, long id)
{
    return id >= 0 && id <= r->bytemap_max && (r->bytemap[id] & 1);
}

static int boxes_near(const box *a, const box *b, long self, double d)
{
    return b->id != self && b->x0 <= a->x1 + d && b->x1 >= a->x0 - d && b->y0 <= a->y1 + d && b->y1 >= a->y0 - d;
}

/* After the pass: is a project parcel's box within reach of c's? Its box in *cb (0 without one). */
static int pass_maybe(const run *r, long id, box *cb)
{
    box key = {.id = id};
    const box *c = bsearch(&key, r->cbox, r->ncbox, sizeof *r->cbox, cmp_box_id);
    if (!c)
        return 0;
    *cb = *c;
    const double d = CONTIGUOUS_M + BOX_SLACK;
    for (size_t i = 0; i < r->nqbig; i++)
        if (boxes_near(c, &r->qbig[i], id, d))
            return 1;
    long cx0 = cell_of(c->x0, r->gcell), cx1 = cell_of(c->x1, r->gcell), cy0 = cell_of(c->y0, r->gcell),
         cy1 = cell_of(c->y1, r->gcell);
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > GRID_SPAN * GRID_SPAN) {
        for (size_t i = 0; i < r->nqbox; i++) /* a very large candidate: every box */
            if (boxes_near(c, &r->qbox[i], id, d))
                return 1;
        return 0;
    }
    for (long cx = cx0; cx <= cx1; cx++)
        for (long cy = cy0; cy <= cy1; cy++) {
            size_t k = bucket_of(r, cx, cy);
            for (size_t e = r->gstart[k]; e < r->gstart[k + 1]; e++)
                if (boxes_near(c, &r->qbox[r->gent[e]], id, d))
                    return 1;
        }
    return 0;
}

/* Contiguity of c (tenths); when contiguous, the neighbour's and its project's
 * codes are copied into nb and pr (REASON_MAX bytes each, "" otherwise). */
static int contiguity(run *r, const cand *c, int *points, char *nb, char *pr)
{
    nb[0] = pr[0] = '\0';
    *points = 0;
    if (r->contig_known) {
        *points = r->contig_value;
        return PL_OK;
    }
    int rc, maybe = 0, have_box = 0;
    box cb;
    if (r->pass_ready && pass_marked(r, c->id)) {
        maybe = pass_maybe(r, c->id, &cb); /* no box: not in the R*Tree, no neighbour */
        have_box = 1;
    } else if (r->near_ready) {
        maybe = has_id(r->near, r->nnear, c->id);
    } else if ((rc = search_near(r, c->id, 0, &maybe))) {
        return rc;
    }
    if (!maybe)
        return PL_OK;
    /* the exact test, as it always was: the candidate's box ± 1 m, then ST_Distance */
    if (!have_box) {
        if (!r->st_box && (rc = pl_db_prepare(r->db, box_sql, &r->st_box, r->err)))
            return rc;
        sqlite3_bind_int64(r->st_box, 1, c->id);
        int step = sqlite3_step(r->st_box);
        if (step == SQLITE_ROW)
            cb = (box){c->id, sqlite3_column_double(r->st_box, 0), sqlite3_column_double(r->st_box, 1),
                       sqlite3_column_double(r->st_box, 2), sqlite3_column_double(r->st_box, 3)};
        sqlite3_reset(r->st_box);
        if (step == SQLITE_DONE)
            return PL_OK;
        if (step != SQLITE_ROW)
            return pl_db_fail(r->db, r->err, "cannot search the spatial index");
    }
    if (!r->st_exact && (rc = pl_db_prepare(r->db, contiguity_sql, &r->st_exact, r->err)))
        return rc;
    sqlite3_stmt *st = r->st_exact;
    pl_bind_text(st, 1, r->l->industry);
    sqlite3_bind_int64(st, 2, c->id);
    sqlite3_bind_double(st, 3, cb.x0 - CONTIGUOUS_M);
    sqlite3_bind_double(st, 4, cb.x1 + CONTIGUOUS_M);
    sqlite3_bind_double(st, 5, cb.y0 - CONTIGUOUS_M);
    sqlite3_bind_double(st, 6, cb.y1 + CONTIGUOUS_M);
    sqlite3_bind_double(st, 7, CONTIGUOUS_M);
    int step = sqlite3_step(st);
    rc = PL_OK;
    if (step == SQLITE_ROW) {
        put(nb, REASON_MAX, "%s", col_str(st, 0));
        put(pr, REASON_MAX, "%s", col_str(st, 1));
        *points = PL_MATCH_CONTIGUITY_MAX * 10;
    } else if (step != SQLITE_DONE) {
        rc = pl_db_fail(r->db, r->err, "cannot look for contiguous parcels");
    }
    sqlite3_reset(st);
    return rc;
}

/* How contiguity is looked up for the candidates left: one R*Tree search per
 * candidate, one per project parcel (then lookups), or one pass over the whole
 * R*Tree (then lookups in memory), whichever reads the R*Tree least: a search
 * reads a few nodes, the pass every node once. */
#define SEARCH_COST 250 /* a search costs about as much as passing this many R*Tree entries */
pl_match_plan pl_match_test_plan = PL_MATCH_PLAN_COST;

static int plan_contiguity(run *r, const arow *extra, size_t nextra)
{
    r->planned = 1;
    if (r->contig_known)
        return PL_OK;
    int floor = lb_floor(r);
    size_t looks = nextra;
    for (size_t i = 0; i < r->nc; i++)
        looks += r->c[i].ub >= floor;
    size_t searches = looks < r->nproj ? looks : r->nproj;
    pl_match_plan plan = r->nproj < looks ? PL_MATCH_PLAN_BY_PROJECT : PL_MATCH_PLAN_BY_CANDIDATE;
    pl_match_plan forced = pl_match_test_plan;
    if (searches >= 8 || forced == PL_MATCH_PLAN_PASS) {
        /* the R*Tree's size: about the number of parcels (ids index the byte map of the pass) */
        sqlite3_stmt *st;
        int rc = pl_db_prepare(r->db, "SELECT max(id) FROM parcel", &st, r->err);
        if (rc)
            return rc;
        long entries = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        int pass_fits = entries > 0 && entries <= BYTEMAP_MAX_ID;
        if (pass_fits && (double)searches * SEARCH_COST > (double)entries)
            plan = PL_MATCH_PLAN_PASS;
        if (!pass_fits && forced == PL_MATCH_PLAN_PASS)
            forced = PL_MATCH_PLAN_COST; /* the pass cannot be made */
    }
    if (forced != PL_MATCH_PLAN_COST)
        plan = forced;
    switch (plan) {
    case PL_MATCH_PLAN_PASS:
        return build_pass(r, floor, extra, nextra);
    case PL_MATCH_PLAN_BY_PROJECT:
        return build_near(r);
    default:
        return PL_OK;
    }
}

/* ---- phase 2: the best `top` ---- */

/* 1 when a ranks before b (both with their codes) */
static int better(const entry *a, const entry *b)
{
    if (a->total != b->total)
        return a->total > b->total;
    if (fabs(a->c->dev - b->c->dev) > PL_MATCH_AREA_TIE) /* equal deviations tie, whatever the rounding */
        return a->c->dev < b->c->dev;
    int c = strcmp(a->park, b->park);
    if (c)
        return c < 0;
    return strcmp(a->code, b->code) < 0;
}

static void sift_down(run *r, size_t i)
{
    entry **h = r->h;
    for (;;) {
        size_t a = 2 * i + 1, b = a + 1, w = i;
        if (a < r->nh && better(h[w], h[a]))
            w = a;
        if (b < r->nh && better(h[w], h[b]))
            w = b;
        if (w == i)
            return;
        entry *t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static void sift_up(run *r, size_t i)
{
    entry **h = r->h;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!better(h[p], h[i]))
            return;
        entry *t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static const char detail_sql[] =
    "SELECT k.code, p.code, p.name, p.status, NULLIF(trim(i.industries), '')"
    "  FROM parcel p JOIN park k ON k.id = p.park_id"
    "  LEFT JOIN parcel_indicator i ON i.parcel_id = p.id WHERE p.id = ?1";

static char *append(char **at, const char *s)
{
    if (!s)
        return NULL;
    char *start = *at;
    size_t n = strlen(s) + 1;
    memcpy(start, s, n);
    *at += n;
    return start;
}

/* An entry for c with its codes and the strings its reasons need (one block). */
static int make_entry(run *r, const cand *c, int contig, const char *nb, const char *pr, entry **out)
{
    int rc;
    *out = NULL;
    if (!r->st_detail && (rc = pl_db_prepare(r->db, detail_sql, &r->st_detail, r->err)))
        return rc;
    sqlite3_stmt *st = r->st_detail;
    sqlite3_bind_int64(st, 1, c->id);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? pl_error_set(r->err, PL_ERR_DB, "parcel %ld vanished while matching", c->id)
                                 : pl_db_fail(r->db, r->err, "cannot read a parcel");
        sqlite3_reset(st);
        return rc;
    }
    const char *s[5];
    size_t len = sizeof(entry) + strlen(nb) + strlen(pr) + 2;
    for (int i = 0; i < 5; i++) {
        s[i] = (const char *)sqlite3_column_text(st, i);
        len += (s[i] ? strlen(s[i]) : 0) + 1;
    }
    entry *e = malloc(len);
    if (!e) {
        sqlite3_reset(st);
        return nomem(r);
    }
    memset(e, 0, sizeof *e);
    char *at = (char *)(e + 1);
    e->c = c;
    e->contig = contig;
    e->total = c->partial + contig;
    e->park = append(&at, s[0] ? s[0] : "");
    e->code = append(&at, s[1] ? s[1] : "");
    e->name = append(&at, s[2]);
    e->status = append(&at, s[3] ? s[3] : "");
    e->industries = append(&at, s[4]);
    e->neighbour = nb[0] ? append(&at, nb) : NULL;
    e->project = nb[0] ? append(&at, pr) : NULL;
    sqlite3_reset(st);
    *out = e;
    return PL_OK;
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->ub != y->ub)
        return x->ub > y->ub ? -1 : 1;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Take the kept candidates by decreasing upper bound; stop when the next cannot beat the `top`-th. */
static int rank(run *r)
{
    int rc = PL_OK;
    qsort(r->c, r->nc, sizeof *r->c, cmp_cand);
    if (!r->planned && (rc = plan_contiguity(r, NULL, 0)))
        return rc;
    if (pl_grow((void **)&r->h, &r->caph, r->top < r->nc ? r->top : (r->nc ? r->nc : 1), sizeof *r->h, 256))
        return nomem(r);
    char nb[REASON_MAX], pr[REASON_MAX];
    for (size_t i = 0; i < r->nc; i++) {
        const cand *c = &r->c[i];
        entry *min = r->nh == r->top ? r->h[0] : NULL;
        if (min && (c->ub < min->total ||
                    (c->ub == min->total && c->dev > min->c->dev + PL_MATCH_AREA_TIE)))
            break; /* neither this one nor any after it (sorted) can beat the `top`-th */
        int contig;
        if ((rc = contiguity(r, c, &contig, nb, pr)))
            return rc;
        int total = c->partial + contig;
        if (min && (total < min->total ||
                    (total == min->total && c->dev > min->c->dev + PL_MATCH_AREA_TIE)))
            continue;
        entry *e;
        if ((rc = make_entry(r, c, contig, nb, pr, &e)))
            return rc;
        if (!min) {
            r->h[r->nh++] = e;
            sift_up(r, r->nh - 1);
        } else if (better(e, min)) {
            free(min);
            r->h[0] = e;
            sift_down(r, 0);
        } else {
            free(e);
        }
    }
    return PL_OK;
}

static int cmp_rank(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

/* ---- the call ---- */

static const char count_sql[] = "SELECT count(*) FROM parcel p WHERE p.status = 'available'";
static const char count_park_sql[] =
    "SELECT count(*) FROM parcel p WHERE p.park_id = ?1 AND p.status = 'available'";

/* reserved with an open reservation for this lead (driven by the reservations) */
static const char reserved_sql[] =
    "SELECT p.id, p.area_m2, i.investment_intensity, i.tax_per_mu, i.industries"
    "  FROM parcel p LEFT JOIN parcel_indicator i ON i.parcel_id = p.id"
    " WHERE p.id IN (SELECT r.parcel_id FROM reservation r WHERE r.lead_id = ?1 AND r.released_on IS NULL)"
    "   AND +p.status = 'reserved' AND (?2 IS NULL OR +p.park_id = ?2)";

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

/* Phase 1: count the free parcels, keep those that may be among the best `top`. */
static int gather(run *r, long *candidates)
{
    const lead_info *l = r->l;
    int rc;
    *candidates = 0;
    if ((rc = pl_db_prepare(r->db, r->park_id ? count_park_sql : count_sql, &r->st_count, r->err)))
        return rc;
    if (r->park_id)
        sqlite3_bind_int64(r->st_count, 1, r->park_id);
    if (sqlite3_step(r->st_count) != SQLITE_ROW)
        return pl_db_fail(r->db, r->err, "cannot count free parcels");
    *candidates = (long)sqlite3_column_int64(r->st_count, 0);

    /* contiguity: the same for everyone without an industry or without projects of it */
    if (!l->industry[0]) {
        r->contig_known = 1;
        r->contig_value = neutral(PL_MATCH_CONTIGUITY);
    } else {
        if ((rc = load_projects(r)))
            return rc;
        if (!r->nproj) {
            r->contig_known = 1;
            r->contig_value = 0;
        }
    }
    /* reserved for this lead: few, all taken */
    if ((rc = pl_db_prepare(r->db, reserved_sql, &r->st_reserved, r->err)))
        return rc;
    sqlite3_bind_int64(r->st_reserved, 1, l->id);
    if (r->park_id)
        sqlite3_bind_int64(r->st_reserved, 2, r->park_id);
    if ((rc = take_rows(r, r->st_reserved, candidates)))
        return rc;

    /* available: the windows of area the ranking needs, each in id order */
    if ((rc = pl_db_prepare(r->db, r->park_id ? window_park_sql : window_sql, &r->st_window, r->err)))
        return rc;
    if (r->park_id)
        sqlite3_bind_int64(r->st_window, 5, r->park_id);
    if ((rc = pl_db_prepare(r->db, indicator_sql, &r->st_indicator, r->err)))
        return rc;
    return read_available(r);
}

static void fill_summary(pl_match_summary *sum, const lead_info *l)
{
    memset(sum, 0, sizeof *sum);
    put(sum->lead, sizeof sum->lead, "%s", l->code);
    put(sum->company, sizeof sum->company, "%s", l->company);
    put(sum->stage, sizeof sum->stage, "%s", l->stage);
    put(sum->industry, sizeof sum->industry, "%s", l->industry);
    put(sum->industry_zh, sizeof sum->industry_zh, "%s", l->industry_zh);
    sum->land_mu = l->land_mu;
    sum->investment = l->investment;
    sum->investment_per_mu = l->per_mu;
    sum->tax_per_mu = l->tax_per_mu;
    if (!strcmp(l->stage, "lost"))
        put(sum->warning, sizeof sum->warning, "lead '%s' is lost (流失) since %s; matching anyway", l->code,
                 l->stage_date);
}

int pl_match_lead(pl_db *db, const char *lead_code, const pl_match_options *opt,
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
    r.top = opt->top > 0 ? (size_t)opt->top : DEFAULT_TOP;
    /* one read transaction (unless the caller has one): the lead, the count and the parcels from one snapshot */
    int own = sqlite3_get_autocommit(db->h);
    int rc = own ? pl_db_exec(db, "BEGIN", err) : PL_OK;
    if (rc)
        return rc;
    rc = load_lead(db, lead_code, &l, err);
    if (!rc && !strcmp(l.stage, "signed"))
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "lead '%s' is already signed (签约); its project holds its land (see 'parkland project')",
                          l.code);
    if (!rc && opt->park)
        rc = pl_park_find(db, opt->park, &r.park_id, err);
    if (!rc) {
        fill_summary(sum, &l);
        if (!(rc = gather(&r, &sum->candidates)))
            rc = rank(&r);
        if (!rc && r.nh)
            qsort(r.h, r.nh, sizeof *r.h, cmp_rank);
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

    char per_mu_note[160] = "";
    if (!isnan(l.per_mu)) {
        char inv[48];
        fmt_num(inv, sizeof inv, l.investment);
        put(per_mu_note, sizeof per_mu_note, " (%s 万元 ÷ %.1f 亩)", inv, l.land_mu);
    }
    const char *inv_missing = isnan(l.investment) && isnan(l.land_mu) ? "线索未填投资额和用地需求 lead has no investment "
                                                                        "and no land demand"
                              : isnan(l.investment) ? "线索未填投资额 lead has no investment"
                                                    : "线索未填用地需求 lead has no land demand";
    scored sc, *s = &sc;
    for (size_t i = 0; !rc && i < r.nh; i++) {
        const entry *e = r.h[i];
        const cand *c = e->c;
        double mu = c->area_m2 * 15.0 / 10000.0;
        score_area(s, &l, mu);
        score_industry(s, &l, e->industries, c->fit);
        score_minimum(s, PL_MATCH_INVESTMENT, "投资强度 investment", "万元/亩", l.per_mu, per_mu_note, inv_missing,
                      c->inv, "地块未设投资强度 parcel has no investment intensity");
        score_minimum(s, PL_MATCH_TAX, "亩均税收 tax", "万元/亩·年", l.tax_per_mu, NULL,
                      "线索未填亩均税收 lead has no expected tax", c->tax, "地块未设亩均税收 parcel has no tax per mu");
        char head[REASON_MAX];
        if (!l.industry[0]) {
            put(head, sizeof head, "%s", "连片 contiguity: no data (线索未填产业 lead has no industry)");
            reason(s, PL_MATCH_CONTIGUITY, e->contig, 1, head, NULL);
        } else if (e->neighbour) {
            put(head, sizeof head, "连片 contiguity: 邻接同产业地块 %s (项目 project %s, %s %s)", e->neighbour,
                e->project, l.industry_zh, l.industry);
            reason(s, PL_MATCH_CONTIGUITY, e->contig, 0, head, NULL);
        } else {
            put(head, sizeof head, "%s", "连片 contiguity: 1 m 内无同产业项目地块 no neighbour of the same industry");
            reason(s, PL_MATCH_CONTIGUITY, e->contig, 0, head, NULL);
        }
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
            res.reasons[k].max = component_max[k];
            res.reasons[k].no_data = s->no_data[k];
            res.reasons[k].text = s->text[k];
        }
        sum->returned++;
        rc = cb(&res, ctx);
    }
    run_free(&r);
    return rc;
}
