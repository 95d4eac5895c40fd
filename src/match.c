/* match.c — rank free parcels for a lead: a stated score (0–100) with one
 * reason per component (see parkland/match.h for the weights). Candidates are
 * streamed from one statement; only the best `top` are kept, in a min-heap. */
#include "parkland/match.h"

#include "db_internal.h"

#include <math.h>
#include <stdarg.h>
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

/* ---- scoring ---- */

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

static int neutral(int c)
{
    return component_max[c] * 10 / 2;
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
    double d = (parcel_mu - l->land_mu) / l->land_mu, ad = fabs(d);
    double f;
    if (ad <= AREA_BAND + 1e-9)
        f = 1.0;
    else if (ad >= AREA_ZERO)
        f = 0.0;
    else
        f = (AREA_ZERO - ad) / (AREA_ZERO - AREA_BAND);
    int smaller = d < 0 && ad > AREA_BAND + 1e-9 && f > 0;
    if (smaller)
        f *= AREA_SMALLER;
    char pct[32];
    fmt_pct(pct, sizeof pct, d);
    put(head, sizeof head, "面积 area: 需求 %.1f 亩, 地块 %.1f 亩 (%s%s)", l->land_mu, parcel_mu, pct,
             smaller ? ", 偏小 smaller ×0.8" : "");
    reason(s, PL_MATCH_AREA, tenths(PL_MATCH_AREA_MAX * f), 0, head, NULL);
}

/* allowed: 2 = any industry, 1 = in the list, 0 = not in the list */
static void score_industry(scored *s, const lead_info *l, const char *industries, int allowed)
{
    char head[REASON_MAX], lead_part[300];
    if (l->industry[0])
        put(lead_part, sizeof lead_part, "线索 %s %s", l->industry_zh, l->industry);
    else
        put(lead_part, sizeof lead_part, "%s", "no data (线索未填产业 lead has no industry)");
    if (!industries) {
        put(head, sizeof head, "产业 industry: %s, 地块不限产业 any industry", lead_part);
        reason(s, PL_MATCH_INDUSTRY, PL_MATCH_INDUSTRY_MAX * 10, 0, head, NULL);
    } else if (!l->industry[0]) {
        put(head, sizeof head, "产业 industry: %s, 地块允许 %s", lead_part, industries);
        reason(s, PL_MATCH_INDUSTRY, neutral(PL_MATCH_INDUSTRY), 1, head, NULL);
    } else if (allowed) {
        put(head, sizeof head, "产业 industry: %s, 地块允许 %s", lead_part, industries);
        reason(s, PL_MATCH_INDUSTRY, PL_MATCH_INDUSTRY_MAX * 10, 0, head, NULL);
    } else {
        put(head, sizeof head, "产业 industry: %s, 地块允许 %s", lead_part, industries);
        reason(s, PL_MATCH_INDUSTRY, 0, 0, head, "industry not allowed");
    }
}

/* lead value vs the parcel's required minimum: full when ≥, proportional below */
static void score_minimum(scored *s, int c, const char *label, const char *unit, double have, const char *have_note,
                          const char *missing_lead, double need, const char *missing_parcel)
{
    char head[REASON_MAX], lead_part[256], parcel_part[200];
    if (isnan(have))
        put(lead_part, sizeof lead_part, "线索 no data (%s)", missing_lead);
    else
        put(lead_part, sizeof lead_part, "线索 %.1f %s%s", have, unit, have_note ? have_note : "");
    if (isnan(need))
        put(parcel_part, sizeof parcel_part, "地块 no data (%s)", missing_parcel);
    else
        put(parcel_part, sizeof parcel_part, "地块要求 ≥ %.1f %s", need, unit);
    if (isnan(have) || isnan(need)) {
        put(head, sizeof head, "%s: %s, %s", label, lead_part, parcel_part);
        reason(s, c, neutral(c), 1, head, NULL);
        return;
    }
    if (need <= 0 || have >= need) {
        put(head, sizeof head, "%s: %s, %s", label, lead_part, parcel_part);
        reason(s, c, component_max[c] * 10, 0, head, NULL);
        return;
    }
    double f = have / need;
    put(head, sizeof head, "%s: %s, %s (%.1f%%)", label, lead_part, parcel_part, f * 100.0);
    reason(s, c, tenths(component_max[c] * f), 0, head, NULL);
}

/* ---- the heap of the best `top` ---- */

typedef struct entry {
    long parcel_id;
    char *park, *code, *name, *status;
    double area_m2;
    double area_dev; /* |parcel − demand| ÷ demand; HUGE_VAL without a demand */
    int total; /* tenths */
    scored s;
} entry;

/* Area deviations closer than this are a tie (decided by park and code). */
#define PL_MATCH_AREA_TIE 1e-9

/* 1 when a ranks before b */
static int better(const entry *a, const entry *b)
{
    if (a->total != b->total)
        return a->total > b->total;
    if (fabs(a->area_dev - b->area_dev) > PL_MATCH_AREA_TIE) /* equal deviations tie, whatever the rounding */
        return a->area_dev < b->area_dev;
    int c = strcmp(a->park, b->park);
    if (c)
        return c < 0;
    return strcmp(a->code, b->code) < 0;
}

typedef struct heap {
    entry **e; /* min-heap: e[0] is the worst kept */
    size_t n, cap, max;
} heap;

static void entry_free(entry *e)
{
    if (!e)
        return;
    free(e->park);
    free(e->code);
    free(e->name);
    free(e->status);
    free(e);
}

static void sift_down(heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < h->n && better(h->e[w], h->e[l]))
            w = l;
        if (r < h->n && better(h->e[w], h->e[r]))
            w = r;
        if (w == i)
            return;
        entry *t = h->e[i];
        h->e[i] = h->e[w];
        h->e[w] = t;
        i = w;
    }
}

static void sift_up(heap *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!better(h->e[p], h->e[i]))
            return;
        entry *t = h->e[i];
        h->e[i] = h->e[p];
        h->e[p] = t;
        i = p;
    }
}

/* Offer a candidate; the heap takes ownership of `e` or frees it. -1 on ENOMEM. */
static int heap_offer(heap *h, entry *e)
{
    if (h->n < h->max) {
        if (h->n == h->cap) {
            size_t nc = h->cap ? h->cap * 2 : 16;
            if (nc > h->max)
                nc = h->max;
            entry **ne = realloc(h->e, nc * sizeof *ne);
            if (!ne) {
                entry_free(e);
                return -1;
            }
            h->e = ne;
            h->cap = nc;
        }
        h->e[h->n++] = e;
        sift_up(h, h->n - 1);
        return 0;
    }
    if (better(e, h->e[0])) {
        entry_free(h->e[0]);
        h->e[0] = e;
        sift_down(h, 0);
    } else {
        entry_free(e);
    }
    return 0;
}

static int cmp_rank(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

/* ---- the run ---- */

/* allowed industries normalised to ",a,b," (as in query.c) */
#define INDUSTRY_LIST "(',' || replace(replace(replace(replace(i.industries, '，', ','), '、', ','), ' ', ''), " \
                      "char(9), '') || ',')"

static const char candidates_sql[] =
    "SELECT p.id, k.code, p.code, p.name, p.status, p.area_m2,"
    "       i.investment_intensity, i.tax_per_mu, NULLIF(trim(i.industries), ''),"
    "       CASE WHEN NULLIF(trim(i.industries), '') IS NULL THEN 2"
    "            WHEN instr(" INDUSTRY_LIST ", ',' || ?3 || ',') > 0"
    "              OR instr(" INDUSTRY_LIST ", ',' || ?4 || ',') > 0 THEN 1 ELSE 0 END,"
    "       MbrMinX(p.geom), MbrMaxX(p.geom), MbrMinY(p.geom), MbrMaxY(p.geom)"
    "  FROM parcel p JOIN park k ON k.id = p.park_id"
    "  LEFT JOIN parcel_indicator i ON i.parcel_id = p.id"
    " WHERE (p.status = 'available'"
    "        OR (p.status = 'reserved' AND EXISTS (SELECT 1 FROM reservation r"
    "            WHERE r.parcel_id = p.id AND r.lead_id = ?1 AND r.released_on IS NULL)))"
    "   AND (?2 IS NULL OR k.code = ?2)"
    " ORDER BY k.code, p.code";

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

static int score_contiguity(pl_db *db, sqlite3_stmt *st, scored *s, const lead_info *l, long parcel_id,
                            const double box[4], pl_error *err)
{
    char head[REASON_MAX];
    if (!l->industry[0]) {
        put(head, sizeof head, "%s", "连片 contiguity: no data (线索未填产业 lead has no industry)");
        reason(s, PL_MATCH_CONTIGUITY, neutral(PL_MATCH_CONTIGUITY), 1, head, NULL);
        return PL_OK;
    }
    sqlite3_reset(st);
    pl_bind_text(st, 1, l->industry);
    sqlite3_bind_int64(st, 2, parcel_id);
    sqlite3_bind_double(st, 3, box[0] - CONTIGUOUS_M);
    sqlite3_bind_double(st, 4, box[1] + CONTIGUOUS_M);
    sqlite3_bind_double(st, 5, box[2] - CONTIGUOUS_M);
    sqlite3_bind_double(st, 6, box[3] + CONTIGUOUS_M);
    sqlite3_bind_double(st, 7, CONTIGUOUS_M);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        put(head, sizeof head, "连片 contiguity: 邻接同产业地块 %s (项目 project %s, %s %s)", col_str(st, 0),
                 col_str(st, 1), l->industry_zh, l->industry);
        reason(s, PL_MATCH_CONTIGUITY, PL_MATCH_CONTIGUITY_MAX * 10, 0, head, NULL);
    } else if (step == SQLITE_DONE) {
        put(head, sizeof head, "%s", "连片 contiguity: 1 m 内无同产业项目地块 no neighbour of the same industry");
        reason(s, PL_MATCH_CONTIGUITY, 0, 0, head, NULL);
    } else {
        return pl_db_fail(db, err, "cannot look for contiguous parcels");
    }
    sqlite3_reset(st);
    return PL_OK;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
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
    int rc = load_lead(db, lead_code, &l, err);
    if (rc)
        return rc;
    if (!strcmp(l.stage, "signed"))
        return pl_error_set(err, PL_ERR_INPUT,
                            "lead '%s' is already signed (签约); its project holds its land (see 'parkland project')",
                            l.code);
    if (opt->park && (rc = pl_park_find(db, opt->park, NULL, err)))
        return rc;

    pl_match_summary local;
    pl_match_summary *sum = opt->summary ? opt->summary : &local;
    fill_summary(sum, &l);

    sqlite3_stmt *cand = NULL, *contig = NULL;
    if ((rc = pl_db_prepare(db, candidates_sql, &cand, err)) ||
        (rc = pl_db_prepare(db, contiguity_sql, &contig, err))) {
        sqlite3_finalize(cand);
        return rc;
    }
    sqlite3_bind_int64(cand, 1, l.id);
    pl_bind_text(cand, 2, opt->park);
    pl_bind_text(cand, 3, l.industry[0] ? l.industry : NULL);
    pl_bind_text(cand, 4, l.industry_zh[0] ? l.industry_zh : NULL);

    heap h = {0};
    h.max = opt->top > 0 ? (size_t)opt->top : DEFAULT_TOP;
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
    int step;
    while ((step = sqlite3_step(cand)) == SQLITE_ROW) {
        sum->candidates++;
        entry *e = calloc(1, sizeof *e);
        if (!e) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            break;
        }
        e->parcel_id = (long)sqlite3_column_int64(cand, 0);
        e->area_m2 = sqlite3_column_double(cand, 5);
        double mu = e->area_m2 * 15.0 / 10000.0;
        e->area_dev = isnan(l.land_mu) ? HUGE_VAL : fabs(mu - l.land_mu) / l.land_mu;
        const char *industries = (const char *)sqlite3_column_text(cand, 8);
        int allowed = sqlite3_column_int(cand, 9);
        score_area(&e->s, &l, mu);
        score_industry(&e->s, &l, industries, allowed);
        score_minimum(&e->s, PL_MATCH_INVESTMENT, "投资强度 investment", "万元/亩", l.per_mu, per_mu_note,
                      inv_missing, pl_col_num(cand, 6), "地块未设投资强度 parcel has no investment intensity");
        score_minimum(&e->s, PL_MATCH_TAX, "亩均税收 tax", "万元/亩·年", l.tax_per_mu, NULL,
                      "线索未填亩均税收 lead has no expected tax", pl_col_num(cand, 7),
                      "地块未设亩均税收 parcel has no tax per mu");
        int partial = 0;
        for (int c = 0; c < PL_MATCH_CONTIGUITY; c++)
            partial += e->s.pts[c];
        /* cannot enter the heap even with full contiguity: skip the spatial query */
        if (h.n == h.max && partial + PL_MATCH_CONTIGUITY_MAX * 10 < h.e[0]->total) {
            free(e);
            continue;
        }
        double box[4] = {sqlite3_column_double(cand, 10), sqlite3_column_double(cand, 11),
                         sqlite3_column_double(cand, 12), sqlite3_column_double(cand, 13)};
        if ((rc = score_contiguity(db, contig, &e->s, &l, e->parcel_id, box, err))) {
            free(e);
            break;
        }
        e->total = partial + e->s.pts[PL_MATCH_CONTIGUITY];
        e->park = dup_or_null((const char *)sqlite3_column_text(cand, 1));
        e->code = dup_or_null((const char *)sqlite3_column_text(cand, 2));
        e->name = dup_or_null((const char *)sqlite3_column_text(cand, 3));
        e->status = dup_or_null((const char *)sqlite3_column_text(cand, 4));
        if (!e->park || !e->code || !e->status) {
            entry_free(e);
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            break;
        }
        if (heap_offer(&h, e)) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            break;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read free parcels");
    sqlite3_finalize(cand);
    sqlite3_finalize(contig);

    if (!rc && h.n)
        qsort(h.e, h.n, sizeof *h.e, cmp_rank);
    for (size_t i = 0; !rc && i < h.n; i++) {
        const entry *e = h.e[i];
        pl_match_result r;
        memset(&r, 0, sizeof r);
        r.rank = (int)i + 1;
        r.parcel_id = e->parcel_id;
        r.park = e->park;
        r.code = e->code;
        r.name = e->name;
        r.status = e->status;
        r.area_m2 = e->area_m2;
        r.area_mu = e->area_m2 * 15.0 / 10000.0;
        r.score = e->total / 10.0;
        for (int c = 0; c < PL_MATCH_NCOMPONENTS; c++) {
            r.reasons[c].component = component_names[c];
            r.reasons[c].points = e->s.pts[c] / 10.0;
            r.reasons[c].max = component_max[c];
            r.reasons[c].no_data = e->s.no_data[c];
            r.reasons[c].text = e->s.text[c];
        }
        sum->returned++;
        rc = cb(&r, ctx);
    }
    for (size_t i = 0; i < h.n; i++)
        entry_free(h.e[i]);
    free(h.e);
    return rc;
}
