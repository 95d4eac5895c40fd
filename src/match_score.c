/* match_score.c — the score of a parcel for a lead and its reasons, from
 * numbers alone (no database): components as integers (tenths), reasons
 * written by the same functions (see parkland/match.h for the weights). */
#include "match_internal.h"

#include "parkland/intensity.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int match_component_max[PL_MATCH_NCOMPONENTS] = {PL_MATCH_AREA_MAX, PL_MATCH_INDUSTRY_MAX,
                                                        PL_MATCH_INVESTMENT_MAX, PL_MATCH_TAX_MAX,
                                                        PL_MATCH_CONTIGUITY_MAX};

/* snprintf that never leaves half a UTF-8 character at the end when it cuts. */
void match_put(char *dst, size_t cap, const char *fmt, ...)
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

int match_neutral(int c)
{
    return match_component_max[c] * 10 / 2;
}

/* Area points in tenths (the lead has a land demand); *smaller as the reason states it. */
int match_area_points(const lead_info *l, double parcel_mu, double *dev, int *smaller)
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
int match_industry_points(const lead_info *l, int fit, int *no_data)
{
    *no_data = 0;
    if (fit == 2)
        return PL_MATCH_INDUSTRY_MAX * 10;
    if (!l->industry[0]) {
        *no_data = 1;
        return match_neutral(PL_MATCH_INDUSTRY);
    }
    return fit ? PL_MATCH_INDUSTRY_MAX * 10 : 0;
}

/* lead value vs the parcel's required minimum: full when ≥, proportional below */
int match_minimum_points(int c, double have, double need, int *no_data)
{
    *no_data = 0;
    if (isnan(have) || isnan(need)) {
        *no_data = 1;
        return match_neutral(c);
    }
    if (need <= 0 || have >= need)
        return match_component_max[c] * 10;
    return tenths(match_component_max[c] * (have / need));
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
int match_industry_fit(const char *industries, size_t n, const lead_info *l)
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

int match_partial(const lead_info *l, double area_m2, double inv, double tax, int fit, double *dev)
{
    double mu = area_m2 * 15.0 / 10000.0;
    int nd, area;
    if (isnan(l->land_mu)) {
        *dev = HUGE_VAL;
        area = match_neutral(PL_MATCH_AREA);
    } else {
        *dev = fabs(mu - l->land_mu) / l->land_mu;
        area = match_area_points(l, mu, NULL, NULL);
    }
    /* the intensity signing checks: the lead's investment on this parcel */
    double have = pl_investment_intensity(l->investment, area_m2);
    return area + match_industry_points(l, fit, &nd) + match_minimum_points(PL_MATCH_INVESTMENT, have, inv, &nd) +
           match_minimum_points(PL_MATCH_TAX, l->tax_per_mu, tax, &nd);
}

/* ---- scoring: reasons (for the parcels handed out) ---- */

static void reason(match_scored *s, int c, int pts, int no_data, const char *fmt_head, const char *tail)
{
    char p[16];
    fmt_points(p, sizeof p, pts);
    s->pts[c] = pts;
    s->no_data[c] = no_data;
    match_put(s->text[c], sizeof s->text[c], "%s → %s/%d%s%s", fmt_head, p, match_component_max[c], tail ? " " : "",
             tail ? tail : "");
}

static void score_area(match_scored *s, const lead_info *l, double parcel_mu)
{
    char head[REASON_MAX];
    if (isnan(l->land_mu)) {
        match_put(head, sizeof head, "面积 area: no data (线索未填用地需求 lead has no land demand), 地块 %.1f 亩",
                 parcel_mu);
        reason(s, PL_MATCH_AREA, match_neutral(PL_MATCH_AREA), 1, head, NULL);
        return;
    }
    double d;
    int smaller;
    int pts = match_area_points(l, parcel_mu, &d, &smaller);
    char pct[32];
    fmt_pct(pct, sizeof pct, d);
    match_put(head, sizeof head, "面积 area: 需求 %.1f 亩, 地块 %.1f 亩 (%s%s)", l->land_mu, parcel_mu, pct,
             smaller ? ", 偏小 smaller ×0.8" : "");
    reason(s, PL_MATCH_AREA, pts, 0, head, NULL);
}

/* industries: the parcel's list as stated (trimmed), fit as match_industry_fit */
static void score_industry(match_scored *s, const lead_info *l, const char *industries, int fit)
{
    char head[REASON_MAX], lead_part[300];
    int no_data;
    int pts = match_industry_points(l, fit, &no_data);
    if (l->industry[0])
        match_put(lead_part, sizeof lead_part, "线索 %s %s", l->industry_zh, l->industry);
    else
        match_put(lead_part, sizeof lead_part, "%s", "no data (线索未填产业 lead has no industry)");
    if (fit == 2)
        match_put(head, sizeof head, "产业 industry: %s, 地块不限产业 any industry", lead_part);
    else
        match_put(head, sizeof head, "产业 industry: %s, 地块允许 %s", lead_part, industries ? industries : "");
    reason(s, PL_MATCH_INDUSTRY, pts, no_data, head, fit == 2 || no_data || pts ? NULL : "industry not allowed");
}

static void score_minimum(match_scored *s, int c, const char *label, const char *unit, double have, const char *have_note,
                          const char *missing_lead, double need, const char *missing_parcel)
{
    char head[REASON_MAX], lead_part[256], parcel_part[200];
    int no_data;
    int pts = match_minimum_points(c, have, need, &no_data);
    if (isnan(have))
        match_put(lead_part, sizeof lead_part, "线索 no data (%s)", missing_lead);
    else
        match_put(lead_part, sizeof lead_part, "线索 %.1f %s%s", have, unit, have_note ? have_note : "");
    if (isnan(need))
        match_put(parcel_part, sizeof parcel_part, "地块 no data (%s)", missing_parcel);
    else
        match_put(parcel_part, sizeof parcel_part, "地块要求 ≥ %.1f %s", need, unit);
    if (no_data || need <= 0 || have >= need)
        match_put(head, sizeof head, "%s: %s, %s", label, lead_part, parcel_part);
    else
        match_put(head, sizeof head, "%s: %s, %s (%.1f%%)", label, lead_part, parcel_part, have / need * 100.0);
    reason(s, c, pts, no_data, head, NULL);
}

static void score_contiguity(match_scored *s, const lead_info *l, const match_parcel *p)
{
    char head[REASON_MAX];
    if (!l->industry[0]) {
        match_put(head, sizeof head, "%s", "连片 contiguity: no data (线索未填产业 lead has no industry)");
        reason(s, PL_MATCH_CONTIGUITY, p->contig, 1, head, NULL);
    } else if (p->neighbour) {
        match_put(head, sizeof head, "连片 contiguity: 邻接同产业地块 %s (项目 project %s, %s %s)", p->neighbour,
                  p->project ? p->project : "", l->industry_zh, l->industry);
        reason(s, PL_MATCH_CONTIGUITY, p->contig, 0, head, NULL);
    } else {
        match_put(head, sizeof head, "%s", "连片 contiguity: 1 m 内无同产业项目地块 no neighbour of the same industry");
        reason(s, PL_MATCH_CONTIGUITY, p->contig, 0, head, NULL);
    }
}

void match_explain(const lead_info *l, const match_parcel *p, match_scored *s)
{
    /* investment ÷ this parcel's area, as `project sign` computes it; the
     * figure by the lead's land demand beside it */
    double parcel_mu = p->area_m2 * 15.0 / 10000.0;
    double have = pl_investment_intensity(l->investment, p->area_m2);
    char per_mu_note[200] = "";
    if (!isnan(have)) {
        char inv[48], demand[96] = "";
        fmt_num(inv, sizeof inv, l->investment);
        if (!isnan(l->per_mu))
            match_put(demand, sizeof demand, "; 按需求 by demand %.1f 万元/亩", l->per_mu);
        match_put(per_mu_note, sizeof per_mu_note, " (%s 万元 ÷ 地块 %.1f 亩%s)", inv, parcel_mu, demand);
    }
    const char *inv_missing = "线索未填投资额 lead has no investment";
    score_area(s, l, parcel_mu);
    score_industry(s, l, p->industries, p->fit);
    score_minimum(s, PL_MATCH_INVESTMENT, "投资强度 investment", "万元/亩", have, per_mu_note, inv_missing, p->inv,
                  "地块未设投资强度 parcel has no investment intensity");
    score_minimum(s, PL_MATCH_TAX, "亩均税收 tax", "万元/亩·年", l->tax_per_mu, NULL,
                  "线索未填亩均税收 lead has no expected tax", p->tax, "地块未设亩均税收 parcel has no tax per mu");
    score_contiguity(s, l, p);
}
