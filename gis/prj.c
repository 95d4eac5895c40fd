/*
 * prj.c — the .prj recogniser (pl_prj_recognise, see crs.h): which EPSG CRS
 * a shapefile's .prj text (ESRI WKT1, OGC WKT1 or WKT2) describes.
 *
 * A small WKT parser builds a node tree over the brackets and quoted strings;
 * the outer CRS is then recognised by its EPSG authority, its name, or its
 * datum and Gauss-Krüger parameters. The codes of the Gauss-Krüger series are
 * crs.c's arithmetic. Reading the file, its encoding and the notes are the
 * shapefile reader's (import/shp.c).
 */
#include "crs.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ======================================================================= */
/* WKT: a tokenizer over brackets and quoted strings, and a node tree       */
/* ======================================================================= */

#define WKT_MAX_DEPTH 32

typedef struct wkt_node {
    const char *kw;    /* keyword, not NUL-terminated */
    size_t kwlen;
    const char *arg[2]; /* first two scalar arguments (quoted: without the quotes) */
    size_t arglen[2];
    int nargs;          /* scalar arguments seen (may exceed 2) */
    int first, next;    /* first child, next sibling; -1 for none */
} wkt_node;

typedef struct wkt_doc {
    const char *s;
    size_t len, pos;
    wkt_node *n; /* owned; freed by the caller of wkt_parse */
    int count, cap;
} wkt_doc;

static int wkt_isalpha(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static int wkt_isdigit(int c)
{
    return c >= '0' && c <= '9';
}
static void wkt_skip_ws(wkt_doc *d)
{
    while (d->pos < d->len && (d->s[d->pos] == ' ' || d->s[d->pos] == '\t' ||
                               d->s[d->pos] == '\r' || d->s[d->pos] == '\n'))
        d->pos++;
}

/* Parse KEYWORD[ args ] at d->pos; returns the node index or -1. */
static int wkt_parse_node(wkt_doc *d, int depth)
{
    if (depth > WKT_MAX_DEPTH || d->count >= d->cap)
        return -1;
    size_t kw0 = d->pos;
    while (d->pos < d->len && (wkt_isalpha(d->s[d->pos]) || wkt_isdigit(d->s[d->pos])))
        d->pos++;
    if (d->pos == kw0)
        return -1;
    size_t kwlen = d->pos - kw0;
    wkt_skip_ws(d);
    if (d->pos >= d->len || (d->s[d->pos] != '[' && d->s[d->pos] != '('))
        return -1;
    char closer = d->s[d->pos] == '[' ? ']' : ')';
    d->pos++;
    int me = d->count++;
    wkt_node *nd = &d->n[me];
    memset(nd, 0, sizeof *nd);
    nd->kw = d->s + kw0;
    nd->kwlen = kwlen;
    nd->first = nd->next = -1;
    int last_child = -1;

    wkt_skip_ws(d);
    if (d->pos < d->len && d->s[d->pos] == closer) {
        d->pos++;
        return me;
    }
    for (;;) {
        wkt_skip_ws(d);
        if (d->pos >= d->len)
            return -1;
        char c = d->s[d->pos];
        const char *arg = NULL;
        size_t arglen = 0;
        if (c == '"') {
            size_t a0 = ++d->pos;
            for (;;) {
                if (d->pos >= d->len)
                    return -1;
                if (d->s[d->pos] == '"') {
                    if (d->pos + 1 < d->len && d->s[d->pos + 1] == '"') {
                        d->pos += 2; /* WKT2 doubles a quote inside a string */
                        continue;
                    }
                    break;
                }
                d->pos++;
            }
            arg = d->s + a0;
            arglen = d->pos - a0;
            d->pos++;
        } else if (wkt_isalpha(c)) {
            size_t save = d->pos;
            while (d->pos < d->len && (wkt_isalpha(d->s[d->pos]) || wkt_isdigit(d->s[d->pos])))
                d->pos++;
            size_t end = d->pos;
            wkt_skip_ws(d);
            if (d->pos < d->len && (d->s[d->pos] == '[' || d->s[d->pos] == '(')) {
                d->pos = save;
                int child = wkt_parse_node(d, depth + 1);
                if (child < 0)
                    return -1;
                nd = &d->n[me];
                if (last_child < 0)
                    nd->first = child;
                else
                    d->n[last_child].next = child;
                last_child = child;
            } else {
                arg = d->s + save; /* bare enumeration value: NORTH, ellipsoidal … */
                arglen = end - save;
            }
        } else if (wkt_isdigit(c) || c == '-' || c == '+' || c == '.') {
            size_t a0 = d->pos;
            while (d->pos < d->len && (wkt_isdigit(d->s[d->pos]) || d->s[d->pos] == '.' ||
                                       d->s[d->pos] == '-' || d->s[d->pos] == '+' ||
                                       d->s[d->pos] == 'e' || d->s[d->pos] == 'E'))
                d->pos++;
            arg = d->s + a0;
            arglen = d->pos - a0;
        } else {
            return -1;
        }
        if (arg) {
            nd = &d->n[me];
            if (nd->nargs < 2) {
                nd->arg[nd->nargs] = arg;
                nd->arglen[nd->nargs] = arglen;
            }
            nd->nargs++;
        }
        wkt_skip_ws(d);
        if (d->pos >= d->len)
            return -1;
        if (d->s[d->pos] == ',') {
            d->pos++;
            continue;
        }
        if (d->s[d->pos] == closer) {
            d->pos++;
            return me;
        }
        return -1;
    }
}

/* Parse the whole text; returns the root index (0) or -1. d->n is allocated
 * here and owned by the caller (free(d->n)) whatever the result. */
static int wkt_parse(wkt_doc *d, const char *s, size_t len)
{
    memset(d, 0, sizeof *d);
    d->s = s;
    d->len = len;
    int brackets = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '[' || s[i] == '(')
            brackets++;
    d->cap = brackets + 1;
    d->n = calloc((size_t)d->cap, sizeof *d->n);
    if (!d->n)
        return -1;
    wkt_skip_ws(d);
    return wkt_parse_node(d, 0);
}

static int wkt_kw_is(const wkt_node *nd, const char *kw)
{
    return strlen(kw) == nd->kwlen && strncasecmp(nd->kw, kw, nd->kwlen) == 0;
}

static int wkt_kw_in(const wkt_node *nd, const char *const *list)
{
    for (; *list; list++)
        if (wkt_kw_is(nd, *list))
            return 1;
    return 0;
}

/* First direct child of `parent` whose keyword is in `list`; -1 when none. */
static int wkt_child(const wkt_doc *d, int parent, const char *const *list)
{
    for (int c = d->n[parent].first; c >= 0; c = d->n[c].next)
        if (wkt_kw_in(&d->n[c], list))
            return c;
    return -1;
}

/* Locale-independent decimal number; 0 when `s` is not one. */
static int parse_number(const char *s, size_t len, double *out)
{
    size_t i = 0;
    int neg = 0, digits = 0, exp10 = 0;
    double mant = 0.0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    while (i < len && wkt_isdigit(s[i])) {
        mant = mant * 10.0 + (s[i++] - '0');
        digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && wkt_isdigit(s[i])) {
            mant = mant * 10.0 + (s[i++] - '0');
            exp10--;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, e = 0, edigits = 0;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        while (i < len && wkt_isdigit(s[i])) {
            if (e < 1000)
                e = e * 10 + (s[i] - '0');
            i++;
            edigits++;
        }
        if (edigits == 0)
            return 0;
        exp10 += eneg ? -e : e;
    }
    if (i != len)
        return 0;
    double p = 1.0;
    for (int k = 0; k < (exp10 < 0 ? -exp10 : exp10) && k < 400; k++)
        p *= 10.0;
    double v = exp10 < 0 ? mant / p : mant * p;
    *out = neg ? -v : v;
    return 1;
}

/* ---- names: lowercase alphanumeric tokens ---------------------------- */

#define NAME_MAX_TOKENS 16
#define NAME_TOKEN_LEN 40

typedef struct name_tokens {
    char t[NAME_MAX_TOKENS][NAME_TOKEN_LEN];
    int n;
    int overflow; /* more tokens (or longer) than kept: never matches */
} name_tokens;

static void tokenize_name(const char *s, size_t len, name_tokens *nt)
{
    memset(nt, 0, sizeof *nt);
    size_t i = 0;
    while (i < len) {
        while (i < len && !(wkt_isdigit(s[i]) || (wkt_isalpha(s[i]) && s[i] != '_')))
            i++;
        if (i >= len)
            break;
        if (nt->n >= NAME_MAX_TOKENS) {
            nt->overflow = 1;
            return;
        }
        size_t k = 0;
        while (i < len && (wkt_isdigit(s[i]) || (wkt_isalpha(s[i]) && s[i] != '_'))) {
            if (k + 1 >= NAME_TOKEN_LEN) {
                nt->overflow = 1;
                return;
            }
            char c = s[i++];
            nt->t[nt->n][k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        nt->t[nt->n][k] = '\0';
        nt->n++;
    }
}

/* Match the token sequence `seq` (space-separated) at *i; advance on success. */
static int tok_seq(const name_tokens *nt, int *i, const char *seq)
{
    int k = *i;
    const char *p = seq;
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t l = sp ? (size_t)(sp - p) : strlen(p);
        if (k >= nt->n || strlen(nt->t[k]) != l || memcmp(nt->t[k], p, l) != 0)
            return 0;
        k++;
        p += l;
        while (*p == ' ')
            p++;
    }
    *i = k;
    return 1;
}

/* Whole-token integer with an optional one-letter suffix (e.g. "120e",
 * "13n"); `suffix` gets the letter or 0. */
static int tok_int(const char *t, int *v, char *suffix)
{
    int x = 0, d = 0;
    while (wkt_isdigit(*t) && d < 6) {
        x = x * 10 + (*t++ - '0');
        d++;
    }
    if (d == 0 || wkt_isdigit(*t))
        return 0;
    *suffix = 0;
    if (*t) {
        if (t[1])
            return 0;
        *suffix = *t;
    }
    *v = x;
    return 1;
}

enum datum_family { DATUM_NONE = 0, DATUM_CGCS2000, DATUM_XIAN80, DATUM_BEIJING54, DATUM_WGS84 };

/* A datum at *i, in any of the spellings seen in ESRI and EPSG names. */
static enum datum_family match_datum(const name_tokens *nt, int *i)
{
    static const struct {
        const char *seq;
        enum datum_family f;
    } tab[] = {
        {"cgcs2000", DATUM_CGCS2000},
        {"cgcs 2000", DATUM_CGCS2000},
        {"china geodetic coordinate system 2000", DATUM_CGCS2000},
        {"china 2000", DATUM_CGCS2000},
        {"xian 1980", DATUM_XIAN80},
        {"xian1980", DATUM_XIAN80},
        {"xian80", DATUM_XIAN80},
        {"beijing 1954", DATUM_BEIJING54},
        {"beijing1954", DATUM_BEIJING54},
        {"beijing54", DATUM_BEIJING54},
        {"wgs 1984", DATUM_WGS84},
        {"wgs 84", DATUM_WGS84},
        {"wgs84", DATUM_WGS84},
        {"world geodetic system 1984", DATUM_WGS84},
    };
    for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
        if (tok_seq(nt, i, tab[k].seq))
            return tab[k].f;
    return DATUM_NONE;
}

/* EPSG codes of the Gauss-Kruger series: gis/crs.c's arithmetic. */
static int gk(enum datum_family f, int width, int zone, int prefixed)
{
    pl_gk_datum d = f == DATUM_CGCS2000 ? PL_GK_CGCS2000 : f == DATUM_XIAN80 ? PL_GK_XIAN80
                    : f == DATUM_BEIJING54 ? PL_GK_BEIJING54 : PL_GK_DATUMS;
    return pl_crs_gk_epsg(d, width, zone, prefixed);
}
static int gk_zone3(enum datum_family f, int zone)
{
    return gk(f, 3, zone, 1);
}
static int gk_cm3(enum datum_family f, int cm)
{
    return cm % 3 == 0 ? gk(f, 3, cm / 3, 0) : 0;
}
static int gk_zone6(enum datum_family f, int zone)
{
    return gk(f, 6, zone, 1);
}
/* 6-degree zone without the zone prefix in the easting (CM form). */
static int gk_zone6_cm(enum datum_family f, int zone)
{
    return gk(f, 6, zone, 0);
}

static int srid_from_projected_name(const name_tokens *nt)
{
    int i = 0;
    enum datum_family f = match_datum(nt, &i);
    if (f == DATUM_NONE)
        return 0;
    if (f == DATUM_WGS84) { /* WGS_1984_UTM_Zone_51N, WGS 84 / UTM zone 51N */
        int z;
        char suf;
        if (tok_seq(nt, &i, "utm zone") && i == nt->n - 1 && tok_int(nt->t[i], &z, &suf) &&
            z >= 1 && z <= 60 && (suf == 'n' || suf == 's'))
            return (suf == 'n' ? 32600 : 32700) + z;
        return 0;
    }
    int three = 0;
    if (tok_seq(nt, &i, "3 degree") || tok_seq(nt, &i, "3degree"))
        three = 1;
    else if (tok_seq(nt, &i, "6 degree") || tok_seq(nt, &i, "6degree"))
        three = 0;
    if (!tok_seq(nt, &i, "gk") && !tok_seq(nt, &i, "gauss kruger") &&
        !tok_seq(nt, &i, "gauss krueger"))
        return 0;
    int form_zone;
    if (tok_seq(nt, &i, "zone"))
        form_zone = 1;
    else if (tok_seq(nt, &i, "cm"))
        form_zone = 0;
    else if (f == DATUM_BEIJING54 && !three && i == nt->n - 1)
        form_zone = 1; /* "Beijing 1954 / Gauss-Kruger 20N" */
    else
        return 0;
    int v;
    char suf;
    if (i != nt->n - 1 || !tok_int(nt->t[i], &v, &suf))
        return 0;
    if (form_zone) {
        if (suf == 'n') /* "Zone_20N": the easting carries no zone prefix */
            return three ? 0 : (f == DATUM_BEIJING54 ? (v >= 13 && v <= 23 ? 21460 + v : 0)
                                                      : gk_zone6_cm(f, v));
        if (suf)
            return 0;
        return three ? gk_zone3(f, v) : gk_zone6(f, v);
    }
    if (suf != 'e')
        return 0;
    if (three)
        return gk_cm3(f, v);
    return (v + 3) % 6 == 0 ? gk_zone6_cm(f, (v + 3) / 6) : 0;
}

static int srid_of_geographic(enum datum_family f)
{
    return f == DATUM_CGCS2000 ? 4490 : f == DATUM_WGS84 ? 4326 : f == DATUM_XIAN80 ? 4610
           : f == DATUM_BEIJING54 ? 4214 : 0;
}

/* Datum family of a geographic name ("GCS_China_Geodetic_Coordinate_System_2000",
 * "CGCS_2000", "WGS 84") or of a datum name ("D_China_2000"). */
static enum datum_family datum_of_name(const char *s, size_t len)
{
    name_tokens nt;
    tokenize_name(s, len, &nt);
    if (nt.overflow)
        return DATUM_NONE;
    int i = 0;
    if (!tok_seq(&nt, &i, "gcs"))
        tok_seq(&nt, &i, "d");
    enum datum_family f = match_datum(&nt, &i);
    return i == nt.n ? f : DATUM_NONE;
}

static const char *const KW_PROJECTED[] = {"PROJCS", "PROJCRS", "PROJECTEDCRS", NULL};
static const char *const KW_GEOGRAPHIC[] = {"GEOGCS", "GEOGCRS", "GEOGRAPHICCRS", "GEODCRS",
                                            "GEODETICCRS", NULL};
static const char *const KW_CRS[] = {"PROJCS", "PROJCRS", "PROJECTEDCRS", "GEOGCS", "GEOGCRS",
                                     "GEOGRAPHICCRS", "GEODCRS", "GEODETICCRS", NULL};
static const char *const KW_AUTHORITY[] = {"AUTHORITY", "ID", NULL};

/* EPSG code of an AUTHORITY["EPSG","N"] / ID["EPSG",N] directly inside `node`. */
static int wkt_epsg_authority(const wkt_doc *d, int node)
{
    for (int c = d->n[node].first; c >= 0; c = d->n[c].next) {
        const wkt_node *a = &d->n[c];
        if (!wkt_kw_in(a, KW_AUTHORITY) || a->nargs < 2 || a->arglen[0] != 4 ||
            strncasecmp(a->arg[0], "EPSG", 4) != 0)
            continue;
        double v;
        if (parse_number(a->arg[1], a->arglen[1], &v) && v >= 1 && v < 1e6 && v == floor(v))
            return (int)v;
    }
    return 0;
}

/* Gauss-Kruger parameters of a PROJCS whose name was not recognised. */
static int srid_from_parameters(const wkt_doc *d, int root)
{
    static const char *const kw_base[] = {"GEOGCS", "BASEGEOGCRS", "BASEGEODCRS", "GEOGCRS", NULL};
    static const char *const kw_datum[] = {"DATUM", "GEODETICDATUM", "TRF", NULL};
    static const char *const kw_proj[] = {"PROJECTION", NULL};
    static const char *const kw_conv[] = {"CONVERSION", NULL};
    static const char *const kw_method[] = {"METHOD", "PROJECTION", NULL};
    static const char *const kw_param[] = {"PARAMETER", NULL};
    static const char *const kw_unit[] = {"UNIT", "LENGTHUNIT", NULL};

    int base = wkt_child(d, root, kw_base);
    if (base < 0)
        return 0;
    enum datum_family f = DATUM_NONE;
    if (d->n[base].nargs > 0)
        f = datum_of_name(d->n[base].arg[0], d->n[base].arglen[0]);
    if (f == DATUM_NONE) {
        int dat = wkt_child(d, base, kw_datum);
        if (dat >= 0 && d->n[dat].nargs > 0)
            f = datum_of_name(d->n[dat].arg[0], d->n[dat].arglen[0]);
    }
    if (f == DATUM_NONE || f == DATUM_WGS84)
        return 0;

    int holder = root, method = wkt_child(d, root, kw_proj);
    if (method < 0) {
        int conv = wkt_child(d, root, kw_conv);
        if (conv < 0)
            return 0;
        holder = conv;
        method = wkt_child(d, conv, kw_method);
    }
    if (method < 0 || d->n[method].nargs < 1)
        return 0;
    name_tokens mt;
    tokenize_name(d->n[method].arg[0], d->n[method].arglen[0], &mt);
    int mi = 0;
    if (!((tok_seq(&mt, &mi, "gauss kruger") || tok_seq(&mt, &mi, "transverse mercator")) &&
          mi == mt.n))
        return 0;

    double cm = NAN, fe = NAN, fn = 0, k = 1, lat0 = 0;
    for (int c = d->n[holder].first; c >= 0; c = d->n[c].next) {
        const wkt_node *p = &d->n[c];
        double v;
        if (!wkt_kw_in(p, kw_param) || p->nargs < 2 || !parse_number(p->arg[1], p->arglen[1], &v))
            continue;
        name_tokens pt;
        tokenize_name(p->arg[0], p->arglen[0], &pt);
        int pi = 0;
        if ((tok_seq(&pt, &pi, "central meridian") || tok_seq(&pt, &pi, "longitude of natural origin") ||
             tok_seq(&pt, &pi, "longitude of origin")) && pi == pt.n)
            cm = v;
        else if ((pi = 0, tok_seq(&pt, &pi, "false easting")) && pi == pt.n)
            fe = v;
        else if ((pi = 0, tok_seq(&pt, &pi, "false northing")) && pi == pt.n)
            fn = v;
        else if ((pi = 0, tok_seq(&pt, &pi, "scale factor")) &&
                 (pi == pt.n || (tok_seq(&pt, &pi, "at natural origin") && pi == pt.n)))
            k = v;
        else if ((pi = 0, tok_seq(&pt, &pi, "latitude of origin") ||
                          tok_seq(&pt, &pi, "latitude of natural origin")) && pi == pt.n)
            lat0 = v;
    }
    int unit = wkt_child(d, root, kw_unit);
    if (unit >= 0) { /* WKT1 states the linear unit at the top level */
        double u;
        if (d->n[unit].nargs < 2 || !parse_number(d->n[unit].arg[1], d->n[unit].arglen[1], &u) ||
            fabs(u - 1.0) > 1e-12)
            return 0;
    }
    if (isnan(cm) || isnan(fe) || fn != 0 || fabs(k - 1.0) > 1e-12 || lat0 != 0 ||
        cm != floor(cm) || cm < 72 || cm > 138)
        return 0;
    int icm = (int)cm;
    if (fe == 500000.0)
        return gk_cm3(f, icm) ? gk_cm3(f, icm) : ((icm + 3) % 6 == 0 ? gk_zone6_cm(f, (icm + 3) / 6) : 0);
    double zf = (fe - 500000.0) / 1e6;
    if (zf != floor(zf) || zf < 1 || zf > 60)
        return 0;
    int zone = (int)zf;
    if (icm == 3 * zone)
        return gk_zone3(f, zone);
    if (icm == 6 * zone - 3)
        return gk_zone6(f, zone);
    return 0;
}

int pl_prj_recognise(const char *text, size_t len, pl_prj_crs *out)
{
    memset(out, 0, sizeof *out);
    out->found = PL_PRJ_UNPARSED;
    if (memchr(text, '\0', len)) {
        out->found = PL_PRJ_NOT_TEXT;
        snprintf(out->note, sizeof out->note, "not a text file; the CRS is unknown");
        return 0;
    }
    if (len > PL_PRJ_MAX_LEN) {
        out->found = PL_PRJ_TOO_LONG;
        snprintf(out->note, sizeof out->note, "larger than %d bytes; the CRS is unknown", PL_PRJ_MAX_LEN);
        return 0;
    }
    wkt_doc d;
    int root = wkt_parse(&d, text, len);
    if (root < 0)
        goto done;

    /* A compound or bound CRS: look at its horizontal part. */
    static const char *const kw_compound[] = {"COMPD_CS", "COMPOUNDCRS", NULL};
    static const char *const kw_bound[] = {"BOUNDCRS", NULL};
    static const char *const kw_source[] = {"SOURCECRS", NULL};
    if (wkt_kw_in(&d.n[root], kw_bound)) {
        int src = wkt_child(&d, root, kw_source);
        root = src >= 0 ? wkt_child(&d, src, KW_CRS) : -1;
    } else if (wkt_kw_in(&d.n[root], kw_compound)) {
        root = wkt_child(&d, root, KW_CRS);
    }
    if (root < 0 || !wkt_kw_in(&d.n[root], KW_CRS))
        goto done;
    out->found = PL_PRJ_UNKNOWN;
    const wkt_node *r = &d.n[root];
    if (r->nargs > 0) {
        /* unescape WKT2 doubled quotes while copying */
        size_t o = 0;
        for (size_t i = 0; i < r->arglen[0] && o + 1 < sizeof out->name; i++) {
            out->name[o++] = r->arg[0][i];
            if (r->arg[0][i] == '"' && i + 1 < r->arglen[0] && r->arg[0][i + 1] == '"')
                i++;
        }
        out->name[pl_text_utf8_cut(out->name, o)] = '\0';
    }

    int srid = wkt_epsg_authority(&d, root);
    if (srid) {
        out->srid = srid;
        out->found = PL_PRJ_AUTHORITY;
        goto done;
    }
    if (r->nargs == 0)
        goto done;
    if (wkt_kw_in(r, KW_PROJECTED)) {
        name_tokens nt;
        tokenize_name(r->arg[0], r->arglen[0], &nt);
        if (!nt.overflow && (out->srid = srid_from_projected_name(&nt)) != 0) {
            out->found = PL_PRJ_NAME;
        } else if ((out->srid = srid_from_parameters(&d, root)) != 0) {
            out->found = PL_PRJ_PARAMETERS;
        }
    } else if (wkt_kw_in(r, KW_GEOGRAPHIC)) {
        out->srid = srid_of_geographic(datum_of_name(r->arg[0], r->arglen[0]));
        if (out->srid) {
            out->found = PL_PRJ_NAME;
        } else {
            static const char *const kw_datum[] = {"DATUM", "GEODETICDATUM", "TRF", NULL};
            int dat = wkt_child(&d, root, kw_datum);
            if (dat >= 0 && d.n[dat].nargs > 0 &&
                (out->srid = srid_of_geographic(datum_of_name(d.n[dat].arg[0], d.n[dat].arglen[0]))) != 0)
                out->found = PL_PRJ_DATUM;
        }
    }
done:
    free(d.n);
    return out->srid;
}
