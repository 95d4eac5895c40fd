/*
 * txt.c — reader for the Ministry of Natural Resources boundary-point
 * coordinate exchange format (界址点坐标交换格式; domain.md §5, §6, §10).
 *
 *   [扩展信息]      optional, ignored
 *   [属性描述]      key=value: 坐标系, 几度分带 (or 分带=3度带), 投影类型, 计量单位,
 *                  带号, 精度, 转换参数 …
 *   [地块坐标]      per parcel: a header line containing '@'
 *                  (界址点数,地块面积,地块编号,地块名称,记录图形属性,图幅号,地块用途,地类编码,@)
 *                  then point lines 点号,圈号,X,Y (X northing, Y easting, usually
 *                  zone-prefixed).
 *
 * Streaming: the file is read line by line through a bounded buffer (lines
 * longer than TXT_MAX_LINE are refused); only the current parcel is held in
 * memory, in one pl_feature reused for every parcel. With --encoding auto the
 * file is read twice: a first pass checks whether it is all valid UTF-8, the
 * second parses it (as UTF-8, or converting GBK lines to UTF-8).
 *
 * Ownership: everything below is owned by the txt_reader on the stack of
 * pl_read_txt and released before it returns; the pl_feature handed to the
 * callback points into it and is valid only during the callback.
 */
#include "crs.h"
#include "reader.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TXT_MAX_LINE 65536      /* bytes in one line, before decoding */
#define TXT_MAX_FIELDS 64       /* fields in one parcel header line */
#define TXT_MAX_POINTS 1000000L /* point lines in one parcel */
#define TXT_IOBUF 65536

/* Magnitudes that tell northing from easting (domain.md §6). */
#define NORTH_MIN 1.8e6
#define NORTH_MAX 6.0e6
#define EAST_PREFIXED_MIN 1.3e7
#define EAST_PREFIXED_MAX 4.6e7
#define EAST_PLAIN_MIN 1.0e5
#define EAST_PLAIN_MAX 9.0e5
#define PREFIX_THRESHOLD 1.0e7 /* eastings at or above carry a zone prefix */

enum { SEC_NONE, SEC_EXT, SEC_ATTR, SEC_COORD };
enum { DATUM_CGCS2000 = PL_GK_CGCS2000, DATUM_XIAN80 = PL_GK_XIAN80, DATUM_BEIJING54 = PL_GK_BEIJING54,
       DATUM_UNKNOWN = PL_GK_DATUMS };
enum { ENC_UTF8, ENC_GBK };

/* ---------------------------------------------------------------- lines */

typedef struct txt_lines {
    FILE *fp;               /* owned; closed by pl_read_txt */
    unsigned char io[TXT_IOBUF];
    size_t pos, len;
    int eof;
    char *line;             /* current raw line, NUL-terminated; owned */
    size_t n, cap;
    long lineno;            /* number of the current line, 1-based */
} txt_lines;

/* 1: bytes available, 0: end of file, -1: read error. */
static int lines_fill(txt_lines *L)
{
    if (L->pos < L->len)
        return 1;
    if (L->eof)
        return 0;
    L->pos = 0;
    L->len = fread(L->io, 1, sizeof L->io, L->fp);
    if (L->len == 0) {
        if (ferror(L->fp))
            return -1;
        L->eof = 1;
        return 0;
    }
    return 1;
}

static int lines_append(txt_lines *L, const unsigned char *s, size_t k)
{
    if (L->n + k + 1 > L->cap) {
        size_t ncap = L->cap ? L->cap : 256;
        while (ncap < L->n + k + 1)
            ncap *= 2;
        char *p = realloc(L->line, ncap);
        if (!p)
            return -1;
        L->line = p;
        L->cap = ncap;
    }
    memcpy(L->line + L->n, s, k);
    L->n += k;
    return 0;
}

/* Next line, ending at LF, CRLF or CR (terminator removed).
 * Returns 1 with L->line/L->n set, 0 at end of file, or an error code < 0
 * after filling err. */
static int lines_next(txt_lines *L, const char *path, pl_error *err)
{
    int got = 0;
    L->n = 0;
    for (;;) {
        int f = lines_fill(L);
        if (f < 0) {
            pl_error_set(err, PL_ERR_IO, "%s: read error: %s", path, strerror(errno));
            return -PL_ERR_IO;
        }
        if (f == 0)
            break;
        const unsigned char *s = L->io + L->pos;
        size_t avail = L->len - L->pos, k = 0;
        while (k < avail && s[k] != '\n' && s[k] != '\r')
            k++;
        if (L->n + k > TXT_MAX_LINE) {
            pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: longer than %d bytes (not a coordinate TXT file?)",
                         path, L->lineno + 1, TXT_MAX_LINE);
            return -PL_ERR_INPUT;
        }
        if (lines_append(L, s, k)) {
            pl_error_set(err, PL_ERR_NOMEM, "%s: line %ld: out of memory", path, L->lineno + 1);
            return -PL_ERR_NOMEM;
        }
        got = 1;
        L->pos += k;
        if (k < avail) {
            unsigned char t = s[k];
            L->pos++;
            if (t == '\r') {
                f = lines_fill(L);
                if (f < 0) {
                    pl_error_set(err, PL_ERR_IO, "%s: read error: %s", path, strerror(errno));
                    return -PL_ERR_IO;
                }
                if (f > 0 && L->io[L->pos] == '\n')
                    L->pos++;
            }
            break;
        }
    }
    if (!got)
        return 0;
    if (lines_append(L, (const unsigned char *)"", 1)) {
        pl_error_set(err, PL_ERR_NOMEM, "%s: line %ld: out of memory", path, L->lineno + 1);
        return -PL_ERR_NOMEM;
    }
    L->n--; /* the NUL is not part of the line */
    L->lineno++;
    return 1;
}

static int lines_rewind(txt_lines *L)
{
    if (fseek(L->fp, 0L, SEEK_SET) != 0)
        return -1;
    clearerr(L->fp);
    L->pos = L->len = 0;
    L->eof = 0;
    L->n = 0;
    L->lineno = 0;
    return 0;
}

/* ---------------------------------------------------------------- reader state */

typedef struct txt_reader {
    const char *path;             /* borrowed from the caller */
    const pl_read_options *opt;   /* borrowed */
    pl_source_info *info;         /* borrowed */
    pl_feature_cb cb;
    void *ctx;
    pl_error *err;                /* borrowed */

    int section;
    long ext_line, attr_line, coord_line; /* where each section started, 0 = not seen */
    int nonblank;                 /* any non-blank line seen */

    /* [属性描述] */
    char datum_text[128];         /* 坐标系 as written */
    int datum;
    int width;                    /* 3, 6, or 0 when not said */
    long width_line;
    long zone_raw;                /* 带号 as written (zone, or a central meridian), 0 = empty */
    long zone_line;
    char proj_text[64], unit_text[32], prec_text[32], params_text[256];
    long params_line;
    int params_nonempty;

    /* CRS and coordinate form, fixed at the first point (or first parcel) */
    int crs_decided;
    int have_ref;                 /* prefixed/pzone below are known */
    int prefixed;
    int pzone;
    long ref_line;
    int swap_decided, swapped;

    /* the current parcel */
    int in_parcel;
    long nparcels;
    int polygon;
    long decl_count;              /* 界址点数, -1 when empty */
    long point_lines, repeats, added;
    long last_point_line;         /* line of the parcel's last point line */
    long open_ringno;             /* 圈号 of the first ring the file left open (added > 0) */
    pl_ring cur;                  /* ring being read; xy owned */
    long cur_ringno;
    char refusal[512];            /* why the current parcel is refused (f.refusal), "" when not */
    /* the file so far */
    long closed_parcels;          /* parcels whose every ring repeats its first point */
    long open_parcels, open_first_line; /* parcels with open rings kept (the exporter variant) */
    char *hdr;                    /* copy of the header line, split in place; owned */
    size_t hdr_cap;
    pl_attr attrs[TXT_MAX_FIELDS];
    char extra_names[TXT_MAX_FIELDS][16];
    char where[32];
    pl_feature f;                 /* f.geom owned */
} txt_reader;

static const char *const STD_FIELDS[8] = {"界址点数", "地块面积", "地块编号", "地块名称",
                                          "记录图形属性", "图幅号", "地块用途", "地类编码"};

/* ---------------------------------------------------------------- text helpers */

/* Cut a trailing incomplete UTF-8 sequence (after a snprintf truncation). */
static void utf8_fix_tail(char *s)
{
    size_t i = strlen(s), k = 0;
    while (i > 0 && k < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
        i--;
        k++;
    }
    if (i == 0)
        return;
    unsigned char c = (unsigned char)s[i - 1];
    size_t need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (c >= 0xc0 && k < need)
        s[i - 1] = '\0';
}

/* A short quotable excerpt of user text into out (size cap). */
static const char *excerpt(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);
    if (n < cap) {
        memcpy(out, s, n + 1);
        return out;
    }
    snprintf(out, cap, "%.*s", (int)(cap - 4), s);
    utf8_fix_tail(out);
    strcat(out, "...");
    return out;
}

static void append_text(char *buf, size_t cap, const char *sep, const char *text)
{
    size_t used = strlen(buf);
    if (used + 1 >= cap)
        return;
    snprintf(buf + used, cap - used, "%s%s", used ? sep : "", text);
    utf8_fix_tail(buf);
}

static void note_add(txt_reader *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_add(txt_reader *R, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pl_read_vnote(R->opt, fmt, ap);
    va_end(ap);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* Trim ASCII blanks and ideographic spaces (U+3000) at both ends, in place. */
static char *trim(char *s)
{
    for (;;) {
        if (is_blank(*s))
            s++;
        else if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
            s += 3;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n > 0 && is_blank(s[n - 1]))
            n--;
        else if (n >= 3 && (unsigned char)s[n - 3] == 0xe3 && (unsigned char)s[n - 2] == 0x80 &&
                 (unsigned char)s[n - 1] == 0x80)
            n -= 3;
        else
            break;
    }
    s[n] = '\0';
    return s;
}

/* Split s in place at sep (or at runs of blanks when sep is 0) into at most
 * max trimmed fields; returns the number of fields found (which may exceed max:
 * the extra ones are not stored). */
static int split(char *s, char sep, char **out, int max)
{
    int n = 0;
    if (!sep) {
        char *p = s;
        while (*p) {
            while (is_blank(*p))
                p++;
            if (!*p)
                break;
            char *start = p;
            while (*p && !is_blank(*p))
                p++;
            if (*p)
                *p++ = '\0';
            if (n < max)
                out[n] = start;
            n++;
        }
        return n;
    }
    char *p = s;
    for (;;) {
        char *e = strchr(p, sep);
        if (e)
            *e = '\0';
        if (n < max)
            out[n] = trim(p);
        n++;
        if (!e)
            break;
        p = e + 1;
    }
    return n;
}

/* Strict decimal number: digits, sign, point, exponent; finite. */
static int parse_double(const char *s, double *v)
{
    if (!*s)
        return -1;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+' || *p == 'e' || *p == 'E'))
            return -1;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end || !isfinite(d))
        return -1;
    *v = d;
    return 0;
}

static int parse_long(const char *s, long *v)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    char *end;
    errno = 0;
    long l = strtol(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = l;
    return 0;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* 地块面积: hectares unless a unit says otherwise; NAN when empty or 0;
 * *bare = 1 when no unit is written. Returns -1 when the text is not a number. */
static int parse_area(const char *text, double *m2, int *bare)
{
    char buf[128];
    size_t n = strlen(text);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, text, n + 1);
    double factor = 10000.0; /* hectares */
    *bare = 1;
    static const struct { const char *unit; double factor; } UNITS[] = {
        {"平方米", 1.0}, {"㎡", 1.0}, {"m²", 1.0}, {"m2", 1.0}, {"公顷", 10000.0}, {"ha", 10000.0},
        {"亩", 10000.0 / 15.0}};
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (ends_with(buf, n, UNITS[i].unit)) {
            n -= strlen(UNITS[i].unit);
            buf[n] = '\0';
            factor = UNITS[i].factor;
            *bare = 0;
            break;
        }
    char *t = trim(buf);
    if (!*t) {
        *m2 = NAN;
        return 0;
    }
    double v;
    if (parse_double(t, &v))
        return -1;
    *m2 = v > 0.0 ? v * factor : NAN;
    return 0;
}

static int is_north(double v)
{
    return v >= NORTH_MIN && v <= NORTH_MAX;
}

static int is_east(double v)
{
    return (v >= EAST_PREFIXED_MIN && v < EAST_PREFIXED_MAX) || (v >= EAST_PLAIN_MIN && v <= EAST_PLAIN_MAX);
}

/* ---------------------------------------------------------------- CRS */

static const char *datum_name(int datum)
{
    switch (datum) {
    case DATUM_CGCS2000: return "CGCS2000";
    case DATUM_XIAN80: return "Xian 1980";
    case DATUM_BEIJING54: return "Beijing 1954";
    default: return "unknown";
    }
}

static int classify_datum(const char *s)
{
    if (!*s)
        return DATUM_CGCS2000;
    if (strstr(s, "2000") || strstr(s, "CGCS") || strstr(s, "cgcs"))
        return DATUM_CGCS2000;
    if (strstr(s, "1980") || strstr(s, "西安") || strstr(s, "Xian") || strstr(s, "XIAN") || strstr(s, "xian") ||
        strstr(s, "80"))
        return DATUM_XIAN80;
    if (strstr(s, "1954") || strstr(s, "北京") || strstr(s, "Beijing") || strstr(s, "BEIJING") ||
        strstr(s, "beijing") || strstr(s, "54"))
        return DATUM_BEIJING54;
    return DATUM_UNKNOWN;
}

/* Fix info->srid and info->crs_text from the header and the first point
 * (R->have_ref) if any. Returns PL_OK or an error (带号 contradicts the Y prefix). */
static int decide_crs(txt_reader *R)
{
    pl_source_info *info = R->info;
    int override = R->opt->srid;
    R->crs_decided = 1;

    int width = R->width;
    int zone_decl = 0, zone_is_cm = 0;
    if (R->zone_raw >= 72) { /* 带号 written as a central meridian (e.g. 120) */
        zone_is_cm = 1;
        if (width == 6)
            zone_decl = (int)((R->zone_raw + 3) / 6);
        else
            zone_decl = (int)(R->zone_raw / 3);
    } else if (R->zone_raw > 0) {
        zone_decl = (int)R->zone_raw;
    }
    if (zone_is_cm)
        note_add(R, "line %ld: 带号 %ld read as a central meridian (zone %d)", R->zone_line, R->zone_raw,
                 zone_decl);

    int prefixed, zone, zone_from_prefix = 0;
    if (R->have_ref && R->prefixed) {
        prefixed = 1;
        zone = R->pzone;
        zone_from_prefix = 1;
        if (zone_decl && zone_decl != zone) {
            if (!override)
                return pl_error_set(R->err, PL_ERR_INPUT,
                                    "%s: line %ld: Y coordinate has zone prefix %d but 带号 is %ld (line %ld)",
                                    R->path, R->ref_line, zone, R->zone_raw, R->zone_line);
            note_add(R, "line %ld: Y coordinate has zone prefix %d but 带号 is %ld (line %ld); using --crs EPSG:%d",
                     R->ref_line, zone, R->zone_raw, R->zone_line, override);
        }
    } else if (R->have_ref) {
        prefixed = 0;
        zone = zone_decl;
    } else {
        /* a parcel without points comes first: assume the standard prefixed form */
        prefixed = 1;
        zone = zone_decl;
        if (zone) {
            R->have_ref = 1;
            R->prefixed = 1;
            R->pzone = zone;
            R->ref_line = R->zone_line;
        }
    }
    if (!width && zone)
        width = pl_crs_gk_width(zone);

    int srid = pl_crs_gk_epsg((pl_gk_datum)R->datum, width, zone, prefixed);
    if (!override && !srid) {
        if (R->datum == DATUM_UNKNOWN)
            note_add(R, "坐标系 '%s' is not CGCS2000, Xian 1980 or Beijing 1954: give the EPSG code with --crs",
                     R->datum_text);
        else if (!zone)
            note_add(R, "Y coordinates have no zone prefix and 带号 is empty: cannot tell the zone (use --crs)");
        else
            note_add(R, "no EPSG code for %s %d-degree zone %d%s (use --crs)", datum_name(R->datum),
                     width ? width : 3, zone, prefixed ? "" : " without prefix");
    }
    info->srid = override ? override : srid;

    if ((R->datum == DATUM_XIAN80 || R->datum == DATUM_BEIJING54) && R->params_nonempty)
        note_add(R, "line %ld: 转换参数 %s not applied (7-parameter transforms are not supported yet): "
                 "coordinates are taken as %s",
                 R->params_line, R->params_text, datum_name(R->datum));

    /* readable summary of what the file said */
    char *t = info->crs_text;
    size_t cap = sizeof info->crs_text;
    char part[320];
    t[0] = '\0';
    if (R->datum_text[0])
        append_text(t, cap, ", ", R->datum_text);
    else
        append_text(t, cap, ", ", "坐标系未注明(按2000国家大地坐标系)");
    if (width) {
        snprintf(part, sizeof part, "%d度带%s", width, R->width ? "" : "(推定)");
        append_text(t, cap, ", ", part);
    }
    if (zone) {
        snprintf(part, sizeof part, "带号 %d%s", zone,
                 zone_from_prefix && !zone_decl ? "(取自Y坐标前缀)" : "");
        append_text(t, cap, ", ", part);
    }
    if (R->have_ref && !R->prefixed)
        append_text(t, cap, ", ", "Y坐标无带号前缀");
    if (R->proj_text[0])
        append_text(t, cap, ", ", R->proj_text);
    if (R->unit_text[0])
        append_text(t, cap, ", ", R->unit_text);
    if (R->prec_text[0]) {
        snprintf(part, sizeof part, "精度 %s", R->prec_text);
        append_text(t, cap, ", ", part);
    }
    if (R->params_nonempty) {
        snprintf(part, sizeof part, "转换参数 %s", R->params_text);
        append_text(t, cap, ", ", part);
    }
    return PL_OK;
}

/* ---------------------------------------------------------------- [属性描述] */

static int key_is(const char *k, const char *simp, const char *trad)
{
    return strcmp(k, simp) == 0 || (trad && strcmp(k, trad) == 0);
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
    utf8_fix_tail(dst);
}

static int attr_line(txt_reader *R, char *s, long ln)
{
    char ex[64];
    char *eq = strchr(s, '=');
    if (!eq) {
        if (strchr(s, '@'))
            return pl_error_set(R->err, PL_ERR_INPUT,
                                "%s: line %ld: parcel header in [属性描述]: the [地块坐标] section line is missing",
                                R->path, ln);
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: expected key=value in [属性描述], got '%s'",
                            R->path, ln, excerpt(s, ex, sizeof ex));
    }
    *eq = '\0';
    char *key = trim(s), *val = trim(eq + 1);

    if (key_is(key, "坐标系", "坐標系")) {
        copy_text(R->datum_text, sizeof R->datum_text, val);
        R->datum = classify_datum(val);
    } else if (key_is(key, "几度分带", "幾度分帶") || key_is(key, "分带", "分帶")) {
        R->width_line = ln;
        if (!*val)
            R->width = 0;
        else if (val[0] == '3' || strncmp(val, "三", strlen("三")) == 0)
            R->width = 3;
        else if (val[0] == '6' || strncmp(val, "六", strlen("六")) == 0)
            R->width = 6;
        else
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: %s '%s' is not 3 or 6 degrees", R->path, ln,
                                key, excerpt(val, ex, sizeof ex));
        /* "3", "3度", "3度带" are fine; "36" is not */
        if (*val && val[1] >= '0' && val[1] <= '9')
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: %s '%s' is not 3 or 6 degrees", R->path, ln,
                                key, excerpt(val, ex, sizeof ex));
    } else if (key_is(key, "带号", "帶號")) {
        R->zone_line = ln;
        R->zone_raw = 0;
        if (*val) {
            long z;
            if (parse_long(val, &z) || z < 1 || (z > 60 && (z < 72 || z > 138 || z % 3 != 0)))
                return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: 带号 '%s' is not a zone number", R->path,
                                    ln, excerpt(val, ex, sizeof ex));
            R->zone_raw = z;
        }
    } else if (key_is(key, "投影类型", "投影類型")) {
        copy_text(R->proj_text, sizeof R->proj_text, val);
    } else if (key_is(key, "计量单位", "計量單位")) {
        copy_text(R->unit_text, sizeof R->unit_text, val);
        if (*val && strncmp(val, "米", strlen("米")) != 0 && strcmp(val, "m") != 0 && strcmp(val, "M") != 0 &&
            strncmp(val, "meter", 5) != 0 && strncmp(val, "metre", 5) != 0)
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: 计量单位 '%s' is not supported (expected 米)",
                                R->path, ln, excerpt(val, ex, sizeof ex));
    } else if (key_is(key, "精度", NULL)) {
        copy_text(R->prec_text, sizeof R->prec_text, val);
    } else if (key_is(key, "转换参数", "轉換參數")) {
        R->params_line = ln;
        copy_text(R->params_text, sizeof R->params_text, val);
        R->params_nonempty = 0;
        for (const char *p = val; *p; p++)
            if (*p != ',' && !is_blank(*p))
                R->params_nonempty = 1;
        if (R->params_nonempty) {
            char tmp[256], *fld[8];
            copy_text(tmp, sizeof tmp, val);
            int n = split(tmp, ',', fld, 8);
            int ok = n == 7;
            for (int i = 0; ok && i < n; i++) {
                double d;
                if (*fld[i] && parse_double(fld[i], &d))
                    ok = 0;
            }
            if (!ok)
                note_add(R, "line %ld: 转换参数 '%s' is not 7 numbers (ignored)", ln, excerpt(val, ex, sizeof ex));
        }
    }
    /* 格式版本号, 数据产生单位, 数据产生日期 and unknown keys: nothing to do */
    return PL_OK;
}

/* ---------------------------------------------------------------- parcels */

/* 1 when (x, y) lies within tolerance on an edge of r. */
static int on_boundary(const pl_ring *r, double x, double y)
{
    for (size_t i = 0; i < r->n; i++) {
        size_t k = (i + 1) % r->n;
        double ax = r->xy[2 * i], ay = r->xy[2 * i + 1];
        double bx = r->xy[2 * k] - ax, by = r->xy[2 * k + 1] - ay, px = x - ax, py = y - ay;
        double len = sqrt(bx * bx + by * by);
        double tol = 1e-6 * (1.0 + len);
        if (len == 0.0) {
            if (fabs(px) <= tol && fabs(py) <= tol)
                return 1;
            continue;
        }
        double cross = bx * py - by * px, dot = bx * px + by * py;
        if (fabs(cross) <= tol * len && dot >= -tol * len && dot <= len * len + tol * len)
            return 1;
    }
    return 0;
}

/* 1 when most vertices of `inner` that are not on the boundary of `outer` lie
 * inside it (a sample spread over the ring, then all vertices if undecided). */
static int ring_inside(const pl_ring *inner, const pl_ring *outer)
{
    size_t n = inner->n;
    if (n > 1 && pl_ring_is_closed(inner))
        n--;
    if (n == 0 || outer->n < 3)
        return 0;
    long in = 0, out = 0;
    size_t stride = n > 9 ? n / 9 : 1;
    for (int pass = 0; pass < 2 && in == out; pass++) {
        in = out = 0;
        for (size_t i = 0; i < n; i += pass ? 1 : stride) {
            double x = inner->xy[2 * i], y = inner->xy[2 * i + 1];
            if (on_boundary(outer, x, y))
                continue;
            if (pl_ring_contains_point(outer, x, y))
                in++;
            else
                out++;
        }
    }
    return in > out;
}

/* Close the ring being read and put it into the geometry: a hole of the latest
 * polygon whose shell contains it (and none of whose holes does), else a new part. */
static int place_ring(txt_reader *R)
{
    pl_ring *c = &R->cur;
    if (c->n == 0)
        return PL_OK;
    if (!pl_ring_is_closed(c)) {
        if (pl_ring_close(c))
            return pl_error_set(R->err, PL_ERR_NOMEM, "%s: out of memory", R->path);
        if (!R->added++)
            R->open_ringno = R->cur_ringno;
    }
    pl_geom *g = &R->f.geom;
    size_t target = g->n;
    for (size_t i = g->n; i-- > 0;) {
        const pl_poly *p = &g->polys[i];
        if (!ring_inside(c, &p->rings[0]))
            continue;
        int in_hole = 0;
        for (size_t j = 1; j < p->n && !in_hole; j++)
            in_hole = ring_inside(c, &p->rings[j]);
        if (!in_hole)
            target = i;
        break;
    }
    pl_poly *p = target < g->n ? &g->polys[target] : pl_geom_add_poly(g);
    pl_ring *dst = p ? pl_poly_add_ring(p) : NULL;
    if (!dst)
        return pl_error_set(R->err, PL_ERR_NOMEM, "%s: out of memory", R->path);
    for (size_t k = 0; k < c->n; k++)
        if (pl_ring_add_point(dst, c->xy[2 * k], c->xy[2 * k + 1]))
            return pl_error_set(R->err, PL_ERR_NOMEM, "%s: out of memory", R->path);
    c->n = 0;
    return PL_OK;
}

/* A parcel with a ring the file left open: the exporter variant that omits
 * the closing point (its 界址点数 agrees, or is empty), or a point list that
 * stops early (the counts disagree, or the file ends in it while the file's
 * other parcels close their rings): then R->refusal says why. */
static void judge_open_rings(txt_reader *R, int at_eof)
{
    long L = R->point_lines, N = R->decl_count;
    const char *s = L == 1 ? "" : "s";
    if (N > 0 && N != L && N != L - R->repeats && N != L + R->added) {
        if (L < N && at_eof)
            snprintf(R->refusal, sizeof R->refusal,
                     "界址点数 is %ld but the file ends after %ld point line%s (line %ld), with ring %ld not closed: "
                     "the point list is cut short", N, L, s, R->last_point_line, R->open_ringno);
        else
            snprintf(R->refusal, sizeof R->refusal,
                     "界址点数 is %ld but %ld point line%s follow (to line %ld), with ring %ld not closed: %s", N, L,
                     s, R->last_point_line, R->open_ringno,
                     L < N ? "the point list stops early" : "the points do not agree with the header");
    } else if (N <= 0 && at_eof && R->closed_parcels > 0) {
        snprintf(R->refusal, sizeof R->refusal,
                 "the file ends after %ld point line%s (line %ld), with ring %ld not closed while the file's other "
                 "parcels close their rings: the point list is cut short (界址点数 is empty)", L, s,
                 R->last_point_line, R->open_ringno);
    } else {
        if (!R->open_parcels++)
            R->open_first_line = R->f.line;
        return;
    }
    utf8_fix_tail(R->refusal);
    R->f.refusal = R->refusal;
}

static int finish_parcel(txt_reader *R, int at_eof)
{
    int rc;
    if (!R->in_parcel)
        return PL_OK;
    R->in_parcel = 0;
    if (R->polygon && (rc = place_ring(R)) != PL_OK)
        return rc;
    const char *code = R->f.nattrs > 2 ? R->attrs[2].value : "";
    R->f.refusal = NULL;
    if (R->polygon && R->added > 0) {
        judge_open_rings(R, at_eof);
    } else if (R->polygon && R->point_lines == 0 && R->decl_count > 0) {
        snprintf(R->refusal, sizeof R->refusal, "界址点数 is %ld but no point line follows: %s", R->decl_count,
                 at_eof ? "the file ends at the parcel header, cut short" : "the next parcel header comes at once");
        R->f.refusal = R->refusal;
    }
    else if (R->polygon && R->repeats > 0)
        R->closed_parcels++;
    if (R->decl_count > 0 && !R->f.refusal) {
        long L = R->point_lines, N = R->decl_count;
        if (N != L && N != L - R->repeats && N != L + R->added)
            note_add(R, "line %ld: parcel %s declares 界址点数 %ld but has %ld point lines", R->f.line, code, N, L);
    }
    /* a 线/点 record goes to the callback as a non-polygon, which counts it */
    if (!R->crs_decided && (rc = decide_crs(R)) != PL_OK)
        return rc;
    return R->cb(&R->f, R->info, R->ctx);
}

static int start_parcel(txt_reader *R, const char *s, long ln)
{
    int rc;
    char ex[64];
    if ((rc = finish_parcel(R, 0)) != PL_OK)
        return rc;

    size_t n = strlen(s);
    if (n + 1 > R->hdr_cap) {
        char *p = realloc(R->hdr, n + 1);
        if (!p)
            return pl_error_set(R->err, PL_ERR_NOMEM, "%s: out of memory", R->path);
        R->hdr = p;
        R->hdr_cap = n + 1;
    }
    memcpy(R->hdr, s, n + 1);
    *strchr(R->hdr, '@') = '\0'; /* what follows '@' is not data */

    char *fld[TXT_MAX_FIELDS + 1];
    int nf = 0;
    if (*trim(R->hdr) || strchr(R->hdr, ',')) {
        nf = split(R->hdr, ',', fld, TXT_MAX_FIELDS + 1);
        if (nf > TXT_MAX_FIELDS + 1)
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: parcel header has %d fields, at most %d allowed",
                                R->path, ln, nf, TXT_MAX_FIELDS);
        if (nf > 0 && !*fld[nf - 1]) /* the empty slot between the last ',' and '@' */
            nf--;
        if (nf > TXT_MAX_FIELDS)
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: parcel header has %d fields, at most %d allowed",
                                R->path, ln, nf, TXT_MAX_FIELDS);
    }
    for (int i = 0; i < nf; i++) {
        R->attrs[i].key = i < 8 ? STD_FIELDS[i] : R->extra_names[i];
        R->attrs[i].value = fld[i];
    }

    R->nparcels++;
    R->in_parcel = 1;
    R->point_lines = R->repeats = R->added = 0;
    R->last_point_line = R->open_ringno = 0;
    R->cur.n = 0;
    pl_geom_clear(&R->f.geom);
    R->f.number = R->nparcels;
    R->f.line = ln;
    snprintf(R->where, sizeof R->where, "line %ld", ln);
    R->f.where = R->where;
    R->f.attrs = R->attrs;
    R->f.nattrs = (size_t)nf;

    R->decl_count = -1;
    if (nf > 0 && *fld[0]) {
        if (parse_long(fld[0], &R->decl_count) || R->decl_count < 0)
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: 界址点数 '%s' is not a whole number", R->path,
                                ln, excerpt(fld[0], ex, sizeof ex));
    }
    R->f.declared_area_m2 = NAN;
    R->f.declared_area_unitless = 0;
    if (nf > 1 && parse_area(fld[1], &R->f.declared_area_m2, &R->f.declared_area_unitless))
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: 地块面积 '%s' is not a number", R->path, ln,
                            excerpt(fld[1], ex, sizeof ex));
    const char *kind = nf > 4 ? fld[4] : "";
    R->polygon = 1;
    R->f.kind = "面";
    if (strcmp(kind, "线") == 0 || strcmp(kind, "線") == 0) {
        R->polygon = 0;
        R->f.kind = "线";
    } else if (strcmp(kind, "点") == 0 || strcmp(kind, "點") == 0) {
        R->polygon = 0;
        R->f.kind = "点";
    } else if (*kind && strcmp(kind, "面") != 0) {
        note_add(R, "line %ld: 记录图形属性 '%s' read as 面", ln, excerpt(kind, ex, sizeof ex));
    }
    R->f.is_polygon = R->polygon;
    return PL_OK;
}

static int point_line(txt_reader *R, char *s, long ln)
{
    char ex[64], ex2[64];
    char *fld[4];
    int nf = split(s, strchr(s, ',') ? ',' : 0, fld, 4);
    if (!R->in_parcel) {
        if (nf >= 4)
            return pl_error_set(R->err, PL_ERR_INPUT,
                                "%s: line %ld: point line before any parcel header (a line ending in ',@')", R->path,
                                ln);
        return pl_error_set(R->err, PL_ERR_INPUT,
                            "%s: line %ld: expected a parcel header ending in ',@' or a point line 点号,圈号,X,Y",
                            R->path, ln);
    }
    if (nf < 4)
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: point line has %d field%s, expected 点号,圈号,X,Y",
                            R->path, ln, nf, nf == 1 ? "" : "s");
    long ringno;
    double x, y;
    if (parse_long(fld[1], &ringno))
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: 圈号 '%s' is not a whole number", R->path, ln,
                            excerpt(fld[1], ex, sizeof ex));
    if (parse_double(fld[2], &x))
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: non-numeric X coordinate '%s'", R->path, ln,
                            excerpt(fld[2], ex, sizeof ex));
    if (parse_double(fld[3], &y))
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: non-numeric Y coordinate '%s'", R->path, ln,
                            excerpt(fld[3], ex, sizeof ex));
    R->last_point_line = ln;
    if (++R->point_lines > TXT_MAX_POINTS)
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: parcel at line %ld has more than %ld points",
                            R->path, ln, R->f.line, TXT_MAX_POINTS);

    /* X is the northing, Y the easting, unless the file has them the other way round */
    if (!R->swap_decided) {
        R->swap_decided = 1;
        if (!is_north(x) && is_east(x) && is_north(y)) {
            R->swapped = 1;
            note_add(R, "line %ld: X %s looks like an easting and Y %s like a northing: columns read as swapped",
                     ln, excerpt(fld[2], ex, sizeof ex), excerpt(fld[3], ex2, sizeof ex2));
        }
    }
    double north = R->swapped ? y : x, east = R->swapped ? x : y;
    const char *east_text = R->swapped ? fld[2] : fld[3];
    int prefixed = east >= PREFIX_THRESHOLD;
    if (east >= 1e8) /* a zone prefix has two digits: no zone number can be taken from it (nor fits an int) */
        return pl_error_set(R->err, PL_ERR_INPUT,
                            "%s: line %ld: easting %s is too large for a Gauss-Krüger coordinate "
                            "(at most a 2-digit zone prefix and 6 digits of metres)",
                            R->path, ln, excerpt(east_text, ex, sizeof ex));
    int zone = prefixed ? (int)(east / 1e6) : 0;
    if (!R->have_ref) {
        R->have_ref = 1;
        R->prefixed = prefixed;
        R->pzone = zone;
        R->ref_line = ln;
    } else if (prefixed != R->prefixed || zone != R->pzone) {
        if (R->prefixed && !prefixed)
            return pl_error_set(R->err, PL_ERR_INPUT,
                                "%s: line %ld: easting %s has no zone prefix, unlike the file's zone %d (line %ld)",
                                R->path, ln, excerpt(east_text, ex, sizeof ex), R->pzone, R->ref_line);
        if (!R->prefixed)
            return pl_error_set(R->err, PL_ERR_INPUT,
                                "%s: line %ld: easting %s has a zone prefix, unlike the file's eastings (line %ld)",
                                R->path, ln, excerpt(east_text, ex, sizeof ex), R->ref_line);
        return pl_error_set(R->err, PL_ERR_INPUT,
                            "%s: line %ld: easting %s is in zone %d, unlike the file's zone %d (line %ld)", R->path,
                            ln, excerpt(east_text, ex, sizeof ex), zone, R->pzone, R->ref_line);
    }
    if (!R->crs_decided) {
        int rc = decide_crs(R);
        if (rc != PL_OK)
            return rc;
    }
    if (!R->polygon)
        return PL_OK;

    /* a new ring starts when 圈号 changes, or after the previous ring closed */
    if (R->cur.n > 0 && ringno != R->cur_ringno) {
        int rc = place_ring(R);
        if (rc != PL_OK)
            return rc;
    }
    if (R->cur.n == 0)
        R->cur_ringno = ringno;
    if (pl_ring_add_point(&R->cur, east, north))
        return pl_error_set(R->err, PL_ERR_NOMEM, "%s: out of memory", R->path);
    if (R->cur.n >= 4 && pl_ring_is_closed(&R->cur)) {
        R->repeats++;
        return place_ring(R);
    }
    return PL_OK;
}

/* ---------------------------------------------------------------- lines → parcels */

static int section_line(txt_reader *R, char *s, long ln)
{
    char ex[64];
    size_t n = strlen(s);
    if (s[n - 1] != ']')
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: section name '%s' has no closing ']'", R->path, ln,
                            excerpt(s, ex, sizeof ex));
    s[n - 1] = '\0';
    char *name = trim(s + 1);
    if (strcmp(name, "扩展信息") == 0 || strcmp(name, "擴展信息") == 0) {
        if (R->ext_line)
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: second [扩展信息] section (first at line %ld)",
                                R->path, ln, R->ext_line);
        if (R->attr_line || R->coord_line)
            return pl_error_set(R->err, PL_ERR_INPUT,
                                "%s: line %ld: [扩展信息] must come before [属性描述] and [地块坐标]", R->path, ln);
        R->ext_line = ln;
        R->section = SEC_EXT;
    } else if (strcmp(name, "属性描述") == 0 || strcmp(name, "屬性描述") == 0) {
        if (R->attr_line)
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: second [属性描述] section (first at line %ld)",
                                R->path, ln, R->attr_line);
        if (R->coord_line)
            return pl_error_set(R->err, PL_ERR_INPUT,
                                "%s: line %ld: [属性描述] must come before [地块坐标] (line %ld)", R->path, ln,
                                R->coord_line);
        R->attr_line = ln;
        R->section = SEC_ATTR;
    } else if (strcmp(name, "地块坐标") == 0 || strcmp(name, "地塊坐標") == 0) {
        if (R->coord_line)
            return pl_error_set(R->err, PL_ERR_INPUT, "%s: line %ld: second [地块坐标] section (first at line %ld)",
                                R->path, ln, R->coord_line);
        if (!R->attr_line)
            note_add(R, "no [属性描述] section: coordinates taken as 2000国家大地坐标系");
        R->coord_line = ln;
        R->section = SEC_COORD;
    } else {
        return pl_error_set(R->err, PL_ERR_INPUT,
                            "%s: line %ld: unknown section [%s] (expected [扩展信息], [属性描述] or [地块坐标])", R->path,
                            ln, excerpt(name, ex, sizeof ex));
    }
    return PL_OK;
}

static int process_line(txt_reader *R, char *s, long ln)
{
    char ex[64];
    s = trim(s);
    if (!*s)
        return PL_OK;
    R->nonblank = 1;
    if (*s == '[')
        return section_line(R, s, ln);
    switch (R->section) {
    case SEC_EXT:
        return PL_OK;
    case SEC_ATTR:
        if (!strchr(s, '=') && !strchr(s, '@')) {
            char tmp[256], *fld[4];
            copy_text(tmp, sizeof tmp, s);
            if (split(tmp, ',', fld, 4) >= 4)
                return pl_error_set(R->err, PL_ERR_INPUT,
                                    "%s: line %ld: coordinates in [属性描述]: the [地块坐标] section line is missing",
                                    R->path, ln);
        }
        return attr_line(R, s, ln);
    case SEC_COORD:
        if (strchr(s, '@'))
            return start_parcel(R, s, ln);
        return point_line(R, s, ln);
    default:
        if (strchr(s, '@') || strchr(s, ','))
            return pl_error_set(R->err, PL_ERR_INPUT,
                                "%s: line %ld: parcel data before any section: no [地块坐标] section line", R->path,
                                ln);
        return pl_error_set(R->err, PL_ERR_INPUT,
                            "%s: line %ld: expected a section such as [属性描述] or [地块坐标], got '%s'", R->path, ln,
                            excerpt(s, ex, sizeof ex));
    }
}

static int has_high_byte(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/* Pass 1 for --encoding auto: 1 when every line is valid UTF-8, 0 when not
 * (*bad_line: the first line that is not), or an error code < 0. A first
 * non-UTF-8 line that is not GBK either is an error right away. */
static int file_is_utf8(txt_lines *L, const char *path, long *bad_line, pl_error *err)
{
    int rc;
    while ((rc = lines_next(L, path, err)) == 1) {
        const char *s = L->line;
        size_t n = L->n;
        if (L->lineno == 1) {
            size_t b = pl_text_bom_len(s, n);
            s += b;
            n -= b;
        }
        if (!pl_text_is_utf8(s, n)) {
            *bad_line = L->lineno;
            errno = 0;
            char *conv = pl_text_gbk_to_utf8(s, n, NULL);
            if (conv) {
                free(conv);
                return 0;
            }
            if (errno == ENOMEM) {
                pl_error_set(err, PL_ERR_NOMEM, "%s: line %ld: out of memory", path, L->lineno);
                return -PL_ERR_NOMEM;
            }
            pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: bytes that are neither UTF-8 nor GBK", path, L->lineno);
            return -PL_ERR_INPUT;
        }
    }
    return rc < 0 ? rc : 1;
}

static int read_all(txt_reader *R, txt_lines *L)
{
    const pl_read_options *opt = R->opt;
    pl_source_info *info = R->info;
    int rc, enc, checked_utf8 = 0;
    long bad_utf8_line = 0; /* auto: first line that is not UTF-8 */
    char *conv = NULL; /* GBK line converted to UTF-8; owned, freed below */

    /* BOM and encoding */
    unsigned char head[3] = {0, 0, 0};
    size_t nh = fread(head, 1, 3, L->fp);
    int bom = nh == 3 && pl_text_bom_len((const char *)head, 3) == 3;
    if (ferror(L->fp) || lines_rewind(L))
        return pl_error_set(R->err, PL_ERR_IO, "%s: read error: %s", R->path, strerror(errno));

    if (opt->encoding == PL_ENCODING_GBK) {
        enc = ENC_GBK;
    } else if (opt->encoding == PL_ENCODING_UTF8) {
        enc = ENC_UTF8;
    } else {
        rc = file_is_utf8(L, R->path, &bad_utf8_line, R->err);
        if (rc < 0)
            return -rc;
        enc = rc ? ENC_UTF8 : ENC_GBK;
        checked_utf8 = rc;
        if (lines_rewind(L))
            return pl_error_set(R->err, PL_ERR_IO, "%s: cannot rewind: %s", R->path, strerror(errno));
    }
    snprintf(info->encoding, sizeof info->encoding, "%s", enc == ENC_GBK ? "gbk" : bom ? "utf-8-bom" : "utf-8");

    int ret = PL_OK;
    while ((rc = lines_next(L, R->path, R->err)) == 1) {
        char *s = L->line;
        size_t n = L->n;
        long ln = L->lineno;
        if (ln == 1 && bom) {
            s += 3;
            n -= 3;
        }
        if (memchr(s, '\0', n)) {
            ret = pl_error_set(R->err, PL_ERR_INPUT,
                               "%s: line %ld: NUL byte: binary data or UTF-16 text, not a coordinate TXT file",
                               R->path, ln);
            break;
        }
        if (has_high_byte(s, n)) {
            if (enc == ENC_GBK) {
                free(conv);
                errno = 0;
                conv = pl_text_gbk_to_utf8(s, n, NULL);
                if (!conv) {
                    if (errno == ENOMEM)
                        ret = pl_error_set(R->err, PL_ERR_NOMEM, "%s: line %ld: out of memory", R->path, ln);
                    else if (opt->encoding == PL_ENCODING_GBK)
                        ret = pl_error_set(R->err, PL_ERR_INPUT,
                                           "%s: line %ld: bytes that are not valid GBK (try --encoding utf-8)",
                                           R->path, ln);
                    else
                        ret = pl_error_set(R->err, PL_ERR_INPUT,
                                           "%s: line %ld: bytes that are not valid GBK, while line %ld is not "
                                           "valid UTF-8 (mixed encodings?)",
                                           R->path, ln, bad_utf8_line);
                    break;
                }
                s = conv;
            } else if (!checked_utf8 && !pl_text_is_utf8(s, n)) {
                ret = pl_error_set(R->err, PL_ERR_INPUT,
                                   "%s: line %ld: bytes that are not valid UTF-8 (try --encoding gbk)", R->path, ln);
                break;
            }
        }
        ret = process_line(R, s, ln);
        if (ret != PL_OK)
            break;
    }
    free(conv);
    if (rc < 0)
        return -rc;
    if (ret != PL_OK)
        return ret;

    if (!R->nonblank)
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: empty file: no parcel found", R->path);
    if (!R->coord_line)
        return pl_error_set(R->err, PL_ERR_INPUT, "%s: no [地块坐标] section: no parcel found", R->path);
    if (R->in_parcel && (rc = finish_parcel(R, 1)) != PL_OK)
        return rc;
    if (R->open_parcels)
        note_add(R, "%ld parcel%s (first at line %ld) with rings that do not repeat their first point: closed, "
                 "as 界址点数 allows (the exporter variant that omits the closing point)",
                 R->open_parcels, R->open_parcels == 1 ? "" : "s", R->open_first_line);
    if (!R->nparcels) {
        if (!R->crs_decided)
            decide_crs(R); /* fill info for the caller; cannot fail without points */
        return pl_error_set(R->err, PL_ERR_INPUT,
                            "%s: no parcel found in [地块坐标] (line %ld): no line ending in ',@'", R->path,
                            R->coord_line);
    }
    return PL_OK;
}

int pl_read_txt(const char *path, const pl_read_options *opt, pl_source_info *info, pl_feature_cb cb, void *ctx,
                pl_error *err)
{
    pl_read_args a;
    pl_read_begin(&a, opt, info, err);
    opt = a.opt;
    info = a.info;
    err = a.err;
    if (!path || !cb)
        return pl_error_set(err, PL_ERR_USAGE, "pl_read_txt: no file or no callback");

    txt_lines *L = calloc(1, sizeof *L);
    txt_reader *R = calloc(1, sizeof *R);
    if (!L || !R) {
        free(L);
        free(R);
        return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
    }
    L->fp = fopen(path, "rb");
    if (!L->fp) {
        int rc = pl_error_set(err, PL_ERR_IO, "%s: %s", path, strerror(errno));
        free(L);
        free(R);
        return rc;
    }
    R->path = path;
    R->opt = opt;
    R->info = info;
    R->cb = cb;
    R->ctx = ctx;
    R->err = err;
    R->datum = DATUM_CGCS2000;
    R->decl_count = -1;
    pl_geom_init(&R->f.geom);
    for (int i = 0; i < TXT_MAX_FIELDS; i++)
        snprintf(R->extra_names[i], sizeof R->extra_names[i], "field%d", i + 1);

    int rc = read_all(R, L);

    fclose(L->fp);
    free(L->line);
    free(L);
    free(R->cur.xy);
    free(R->hdr);
    pl_geom_release(&R->f.geom);
    free(R);
    return rc;
}
