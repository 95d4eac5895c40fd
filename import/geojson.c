/*
 * geojson.c — streaming GeoJSON reader (RFC 7946, plus the older `crs` member).
 *
 * The document is never loaded whole. A small byte-level scanner (string- and
 * escape-aware, with an explicit bracket stack) walks the top-level object:
 *
 *   pass 1  scans the whole file once, checking its JSON syntax and collecting
 *           the top-level "type" and "crs" members, wherever they stand (a crs
 *           written after "features" is honoured). No feature is parsed.
 *   pass 2  walks the file again and, for every element of "features", cuts
 *           out that element's bytes and parses only them with jansson. The
 *           single top-level Feature or bare geometry is one such chunk.
 *
 * Memory is bounded by the largest feature (the capture buffer, the jansson
 * tree of one feature, the attribute arena), not by the number of features.
 * Nesting deeper than GJ_MAX_DEPTH levels (counted from the top of the
 * document) and features larger than GJ_MAX_FEATURE bytes are refused before
 * jansson sees them.
 *
 * Encoding: GeoJSON is UTF-8. Pass 1 checks every string byte by byte: as
 * strict UTF-8, or as GBK when --encoding gbk. With --encoding auto and no
 * BOM, the first string that is not UTF-8 sends pass 1 round again as GBK
 * (a BOM settles the file as UTF-8). GBK is scanned GBK-aware: inside a
 * string a lead byte 0x81-0xFE takes its trail bytes along, so a trail byte
 * 0x5C is never read as a backslash escape; each cut-out chunk is converted
 * with pl_text_gbk_to_utf8() before jansson parses it. Outside strings JSON
 * is ASCII, so nothing else needs care. Bad text is thus refused in pass 1,
 * with its line, before any feature is handed out.
 *
 * Choices worth knowing:
 *   - a top-level "type", "crs" or "features" given twice is an error;
 *   - "crs": null reads as no crs (4326); a crs form not understood is an
 *     error unless the user gave --crs, which always wins;
 *   - the feature "id" becomes the last attribute (after the properties, so
 *     a lookup taking the first "id" finds a property of that name);
 *   - a missing "geometry" reads as null; a polygon without rings adds no
 *     polygon (an empty Polygon gives an empty pl_geom, for the importer to
 *     judge); a GeometryCollection of only (Multi)Polygons is one parcel of
 *     kind "GeometryCollection", any other member makes it a non-polygon;
 *   - integers too big for 64 bits are read as doubles;
 *   - keys are matched on their raw bytes: a top-level member written with
 *     escapes ("\u0074ype") is not recognised as "type".
 */
#include "reader.h"

#include "text.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GJ_MAX_DEPTH 64                          /* nesting levels, whole document */
#define GJ_MAX_FEATURE ((size_t)256 * 1024 * 1024) /* bytes of one feature */
#define GJ_MAX_CRS ((size_t)64 * 1024)           /* bytes of the crs member */
#define GJ_BUFSZ 65536

/* ------------------------------------------------------------------------ */
/* Scanner                                                                   */

typedef struct gj_scan {
    FILE *f;                    /* borrowed from the reader */
    const char *path;           /* borrowed, for messages */
    pl_error *err;              /* caller-owned */
    unsigned char buf[GJ_BUFSZ];
    size_t pos, len;
    int ioerr;                  /* a read failed (err already set) */
    long line;                  /* 1-based line of the next byte */
    unsigned long long consumed; /* bytes consumed since the rewind */
    int gbk;                    /* strings hold GBK (else UTF-8) */
    int gbk_auto;               /* GBK was guessed because the text is not UTF-8 */
    int bad_text;               /* a string was not valid in the encoding */
    long bad_text_line;         /* where */
    long utf8_cjk_line;         /* GBK guessed: first string that is strict UTF-8 holding Chinese (0: none) */
    long feature;               /* feature index for messages, 0 outside "features" */
    /* Capture: every consumed byte is appended while cap_on. The buffer is
     * owned by the scanner and reused (its capacity is the largest capture). */
    int cap_on;
    char *cap;
    size_t caplen, capcap, caplimit;
    long cap_line;              /* line where the capture started */
} gj_scan;

static int sc_fill(gj_scan *s)
{
    if (s->ioerr)
        return -1;
    s->pos = 0;
    s->len = fread(s->buf, 1, sizeof s->buf, s->f);
    if (s->len == 0) {
        if (ferror(s->f)) {
            s->ioerr = 1;
            pl_error_set(s->err, PL_ERR_IO, "%s: read error: %s", s->path, strerror(errno));
        }
        return -1;
    }
    return 0;
}

/* Next byte without consuming it; -1 at end of file or on a read error. */
static int sc_peek(gj_scan *s)
{
    if (s->pos == s->len && sc_fill(s) != 0)
        return -1;
    return s->buf[s->pos];
}

static int cap_push(gj_scan *s, int c)
{
    if (s->caplen + 1 > s->caplimit) {
        if (s->feature > 0)
            pl_error_set(s->err, PL_ERR_INPUT,
                         "%s: feature %ld (line %ld): feature larger than %zu MiB, refused",
                         s->path, s->feature, s->cap_line, s->caplimit / (1024 * 1024));
        else
            pl_error_set(s->err, PL_ERR_INPUT, "%s: line %ld: member larger than %zu KiB, refused",
                         s->path, s->cap_line, s->caplimit / 1024);
        return -1;
    }
    if (s->caplen + 1 > s->capcap) {
        size_t ncap = s->capcap ? s->capcap * 2 : 65536;
        if (ncap > s->caplimit + 1)
            ncap = s->caplimit + 1;
        char *n = realloc(s->cap, ncap);
        if (!n) {
            pl_error_set(s->err, PL_ERR_NOMEM, "%s: out of memory", s->path);
            return -1;
        }
        s->cap = n;
        s->capcap = ncap;
    }
    s->cap[s->caplen++] = (char)c;
    return 0;
}

/* Consume one byte: the byte, -1 at end of file / read error, -2 when the
 * capture failed (err set). */
static int sc_next(gj_scan *s)
{
    int c = sc_peek(s);
    if (c < 0)
        return -1;
    s->pos++;
    s->consumed++;
    if (c == '\n')
        s->line++;
    if (s->cap_on && cap_push(s, c) != 0)
        return -2;
    return c;
}

static void cap_start(gj_scan *s, size_t limit)
{
    s->cap_on = 1;
    s->caplen = 0;
    s->caplimit = limit;
    s->cap_line = s->line;
}

static int sc_is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int sc_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int sc_skip_ws(gj_scan *s)
{
    int c;
    while ((c = sc_peek(s)) >= 0 && sc_is_ws(c))
        if (sc_next(s) == -2)
            return -1;
    return 0;
}

static void sc_describe(int c, char *out, size_t n)
{
    if (c < 0)
        snprintf(out, n, "end of file");
    else if (c > 0x20 && c < 0x7f)
        snprintf(out, n, "'%c'", c);
    else
        snprintf(out, n, "byte 0x%02X", (unsigned)c);
}

static void sc_context(const gj_scan *s, char *out, size_t n)
{
    if (s->feature > 0)
        snprintf(out, n, " (feature %ld)", s->feature);
    else
        out[0] = '\0';
}

/* "FILE: line L (feature N): expected WHAT, found X"; always returns -1.
 * A pending read error or capture error is kept instead. */
static int sc_expected(gj_scan *s, const char *what)
{
    if (s->ioerr || (s->err && s->err->code != PL_OK))
        return -1;
    char found[32], ctx[64];
    sc_describe(sc_peek(s), found, sizeof found);
    if (s->ioerr)
        return -1;
    sc_context(s, ctx, sizeof ctx);
    pl_error_set(s->err, PL_ERR_INPUT, "%s: line %ld%s: expected %s, found %s", s->path, s->line,
                 ctx, what, found);
    return -1;
}

/* "FILE: line L (feature N): REASON"; always returns -1. */
static int sc_fail(gj_scan *s, long line, const char *reason)
{
    if (s->ioerr || (s->err && s->err->code != PL_OK))
        return -1;
    char ctx[64];
    sc_context(s, ctx, sizeof ctx);
    pl_error_set(s->err, PL_ERR_INPUT, "%s: line %ld%s: %s", s->path, line, ctx, reason);
    return -1;
}

/* Consume a JSON string (the opening quote is next). When out is non-NULL
 * the raw bytes between the quotes (escapes not decoded) are copied there,
 * NUL-terminated and cut at outsz-1; *rawlen gets the full raw length. */
/* A string's bytes as strict UTF-8, fed one at a time: when GBK was guessed
 * for the file, a string that is UTF-8 holding Chinese characters (3-byte
 * forms U+4E00..U+9FFF, which GBK text hardly ever makes) means two encodings
 * in one file: decoding it as GBK would store mojibake. */
typedef struct u8_check {
    int need, bad, cjk;
    unsigned lo, hi, lead;
} u8_check;

static void u8_feed(u8_check *u, unsigned c)
{
    if (u->need) {
        if (c >= u->lo && c <= u->hi) {
            u->lo = 0x80, u->hi = 0xbf;
            if (--u->need == 0 && u->lead >= 0xe4 && u->lead <= 0xe9)
                u->cjk = 1;
            return;
        }
        u->bad = 1, u->need = 0, u->lo = 0x80, u->hi = 0xbf;
    }
    u->lead = c;
    if (c >= 0xc2 && c <= 0xdf)
        u->need = 1;
    else if (c >= 0xe0 && c <= 0xef)
        u->need = 2, u->lo = c == 0xe0 ? 0xa0 : 0x80, u->hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        u->need = 3, u->lo = c == 0xf0 ? 0x90 : 0x80, u->hi = c == 0xf4 ? 0x8f : 0xbf;
    else if (c >= 0x80)
        u->bad = 1;
}

static int sc_string(gj_scan *s, char *out, size_t outsz, size_t *rawlen)
{
    long start = s->line;
    size_t n = 0;
    char reason[160];
    u8_check u8 = {0, 0, 0, 0x80, 0xbf, 0};
#define SC_PUT(ch)                                                                              \
    do {                                                                                        \
        if (out && n + 1 < outsz)                                                               \
            out[n] = (char)(ch);                                                                \
        n++;                                                                                    \
        if (s->gbk_auto)                                                                        \
            u8_feed(&u8, (unsigned)(ch));                                                       \
    } while (0)

    if (sc_next(s) != '"')
        return -1; /* callers check the quote first; only a capture error lands here */
    for (;;) {
        int c = sc_next(s);
        if (c == -2)
            return -1;
        if (c < 0) {
            snprintf(reason, sizeof reason, "unterminated string (opened on line %ld)", start);
            return sc_fail(s, s->line, reason);
        }
        if (c == '"') {
            if (s->gbk_auto && !u8.bad && !u8.need && u8.cjk && !s->utf8_cjk_line)
                s->utf8_cjk_line = start;
            break;
        }
        if (c == '\\') {
            SC_PUT(c);
            int e = sc_peek(s);
            if (e < 0) {
                snprintf(reason, sizeof reason, "unterminated string (opened on line %ld)", start);
                return sc_fail(s, s->line, reason);
            }
            switch (e) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                if (sc_next(s) == -2)
                    return -1;
                SC_PUT(e);
                break;
            case 'u':
                if (sc_next(s) == -2)
                    return -1;
                SC_PUT(e);
                int zeros = 0;
                for (int k = 0; k < 4; k++) {
                    int h = sc_peek(s);
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return sc_expected(s, "4 hex digits after '\\u' in a string");
                    if (sc_next(s) == -2)
                        return -1;
                    SC_PUT(h);
                    zeros += h == '0';
                }
                if (zeros == 4) /* C strings end there: jansson refuses it too */
                    return sc_fail(s, s->line, "'\\u0000' (a NUL character) is not allowed in a string");
                break;
            default:
                return sc_expected(s, "an escape (\\\" \\\\ / b f n r t or u) after '\\' in a string");
            }
            continue;
        }
        if (c < 0x20) {
            if (c == '\n')
                return sc_fail(s, s->line - 1,
                               "line break inside a string (missing closing '\"'?)");
            snprintf(reason, sizeof reason, "control character 0x%02X inside a string", (unsigned)c);
            return sc_fail(s, s->line, reason);
        }
        SC_PUT(c);
        if (c < 0x80)
            continue;
        /* A multi-byte character: its continuation/trail bytes are taken
         * along (so a GBK trail byte 0x5C is never read as a backslash) and
         * checked, so that bad text is refused here, with its line, before
         * any feature is handed out. */
        int ok = 1;
        int lo[3], hi[3], need = 0;
        if (!s->gbk) {
            /* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
            lo[0] = lo[1] = lo[2] = 0x80;
            hi[0] = hi[1] = hi[2] = 0xbf;
            if (c >= 0xc2 && c <= 0xdf)
                need = 1;
            else if (c >= 0xe0 && c <= 0xef)
                need = 2;
            else if (c >= 0xf0 && c <= 0xf4)
                need = 3;
            else
                ok = 0;
            if (c == 0xe0)
                lo[0] = 0xa0;
            else if (c == 0xed)
                hi[0] = 0x9f;
            else if (c == 0xf0)
                lo[0] = 0x90;
            else if (c == 0xf4)
                hi[0] = 0x8f;
        } else if (c >= 0x81 && c <= 0xfe) {
            /* GBK/GB18030: lead, then trail 0x40-0x7E/0x80-0xFE, or a 4-byte
             * form 0x30-0x39, 0x81-0xFE, 0x30-0x39. */
            int t = sc_peek(s);
            if ((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfe)) {
                need = 1;
                lo[0] = t;
                hi[0] = t;
            } else {
                need = 3;
                lo[0] = 0x30, hi[0] = 0x39;
                lo[1] = 0x81, hi[1] = 0xfe;
                lo[2] = 0x30, hi[2] = 0x39;
            }
        } else {
            ok = 0;
        }
        for (int k = 0; ok && k < need; k++) {
            int t = sc_peek(s);
            if (t < lo[k] || t > hi[k]) {
                ok = 0;
                break;
            }
            if (sc_next(s) == -2)
                return -1;
            SC_PUT(t);
        }
        if (!ok) {
            s->bad_text = 1;
            s->bad_text_line = s->line;
            snprintf(reason, sizeof reason,
                     s->gbk ? (s->gbk_auto ? "text is neither UTF-8 nor GBK (byte 0x%02X in a string)"
                                           : "invalid GBK text (byte 0x%02X in a string)")
                            : "invalid UTF-8 text (byte 0x%02X in a string); if the file is GBK, use --encoding gbk",
                     (unsigned)c);
            return sc_fail(s, s->line, reason);
        }
    }
    if (out && outsz)
        out[n < outsz ? n : outsz - 1] = '\0';
    if (rawlen)
        *rawlen = n;
    return 0;
#undef SC_PUT
}

static int sc_digits(gj_scan *s, const char *what)
{
    if (!sc_is_digit(sc_peek(s)))
        return sc_expected(s, what);
    while (sc_is_digit(sc_peek(s)))
        if (sc_next(s) == -2)
            return -1;
    return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int sc_number(gj_scan *s)
{
    int c = sc_peek(s);
    if (c == '-') {
        if (sc_next(s) == -2)
            return -1;
        c = sc_peek(s);
    }
    if (c == '0') {
        if (sc_next(s) == -2)
            return -1;
    } else if (sc_digits(s, "a digit in a number") != 0) {
        return -1;
    }
    c = sc_peek(s);
    if (c == '.') {
        if (sc_next(s) == -2 || sc_digits(s, "a digit after the decimal point") != 0)
            return -1;
        c = sc_peek(s);
    }
    if (c == 'e' || c == 'E') {
        if (sc_next(s) == -2)
            return -1;
        c = sc_peek(s);
        if ((c == '+' || c == '-') && sc_next(s) == -2)
            return -1;
        if (sc_digits(s, "a digit in the exponent") != 0)
            return -1;
    }
    return 0;
}

static int sc_literal(gj_scan *s, const char *word)
{
    for (const char *p = word; *p; p++) {
        if (sc_peek(s) != (unsigned char)*p)
            return sc_expected(s, "a value (true, false or null)");
        if (sc_next(s) == -2)
            return -1;
    }
    return 0;
}

/* Consume an object key and the ':' after it (whitespace before the key
 * already skipped). out/outsz/rawlen as for sc_string. */
static int sc_key(gj_scan *s, char *out, size_t outsz, size_t *rawlen)
{
    if (sc_peek(s) != '"')
        return sc_expected(s, "a member name in double quotes");
    if (sc_string(s, out, outsz, rawlen) != 0 || sc_skip_ws(s) != 0)
        return -1;
    if (sc_peek(s) != ':')
        return sc_expected(s, "':' after a member name");
    if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
        return -1;
    return 0;
}

/* Consume one JSON value, checking its syntax. `base` is the nesting depth of
 * the container holding it (0 for the document itself). Iterative: the
 * bracket stack is a local array bounded by GJ_MAX_DEPTH. */
static int sc_value(gj_scan *s, int base)
{
    char stack[GJ_MAX_DEPTH];
    int depth = 0;
    char reason[96];

    if (sc_skip_ws(s) != 0)
        return -1;
    for (;;) {
        /* A value is expected here. */
        int c = sc_peek(s);
        if (c == '{' || c == '[') {
            if (base + depth + 1 > GJ_MAX_DEPTH) {
                snprintf(reason, sizeof reason, "nesting deeper than %d levels, refused",
                         GJ_MAX_DEPTH);
                return sc_fail(s, s->line, reason);
            }
            if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
                return -1;
            stack[depth++] = (char)c;
            int close = c == '{' ? '}' : ']';
            if (sc_peek(s) == close) {
                if (sc_next(s) == -2)
                    return -1;
                depth--;
            } else if (c == '{') {
                if (sc_key(s, NULL, 0, NULL) != 0)
                    return -1;
                continue;
            } else {
                continue;
            }
        } else if (c == '"') {
            if (sc_string(s, NULL, 0, NULL) != 0)
                return -1;
        } else if (c == '-' || sc_is_digit(c)) {
            if (sc_number(s) != 0)
                return -1;
        } else if (c == 't') {
            if (sc_literal(s, "true") != 0)
                return -1;
        } else if (c == 'f') {
            if (sc_literal(s, "false") != 0)
                return -1;
        } else if (c == 'n') {
            if (sc_literal(s, "null") != 0)
                return -1;
        } else {
            return sc_expected(s, "a value");
        }
        /* A value is complete: close containers or move to the next element. */
        for (;;) {
            if (depth == 0)
                return 0;
            if (sc_skip_ws(s) != 0)
                return -1;
            c = sc_peek(s);
            if (stack[depth - 1] == '{') {
                if (c == ',') {
                    if (sc_next(s) == -2 || sc_skip_ws(s) != 0 || sc_key(s, NULL, 0, NULL) != 0)
                        return -1;
                    break;
                }
                if (c != '}')
                    return sc_expected(s, "',' or '}' after an object member");
            } else {
                if (c == ',') {
                    if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
                        return -1;
                    break;
                }
                if (c != ']')
                    return sc_expected(s, "',' or ']' after an array element");
            }
            if (sc_next(s) == -2)
                return -1;
            depth--;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Reader state                                                              */

typedef struct gj_reader {
    gj_scan s;
    const char *path;            /* borrowed */
    pl_error *err;               /* caller-owned */
    pl_source_info *info;        /* caller-owned */
    pl_feature_cb cb;
    void *ctx;
    size_t bom;                  /* bytes of BOM to skip at the start */

    /* pass 1 findings */
    char type[64];               /* raw top-level "type" (cut), "" when absent */
    long type_line;
    int type_seen, features_seen, features_is_array, crs_seen;
    long features_line, crs_line, top_line;
    char *crs;                   /* owned: raw bytes of the crs member */
    size_t crslen;
    int single;                  /* 1: the document itself is the one feature */
    int stopped, stopval;        /* the callback returned stopval != 0 */

    /* per feature, reused for the whole file */
    pl_feature f;
    char where[64];
    pl_attr *attrs;              /* owned array, capacity attrcap */
    size_t *attroff;             /* owned: arena offset of each value, or SIZE_MAX */
    size_t nattrs, attrcap;
    char *arena;                 /* owned text arena for values that are not strings */
    size_t alen, acap;
} gj_reader;

static int gj_fail(gj_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "FILE: feature N (line L): REASON" */
static int gj_fail(gj_reader *r, const char *fmt, ...)
{
    char reason[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return pl_error_set(r->err, PL_ERR_INPUT, "%s: %s: %s", r->path, r->where, reason);
}

static int gj_nomem(gj_reader *r)
{
    return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
}

/* Rewind to the first byte after the BOM. */
static int gj_rewind(gj_reader *r)
{
    gj_scan *s = &r->s;
    if (fseek(s->f, (long)r->bom, SEEK_SET) != 0)
        return pl_error_set(r->err, PL_ERR_IO, "%s: cannot seek: %s", r->path, strerror(errno));
    clearerr(s->f);
    s->pos = s->len = 0;
    s->line = 1;
    s->consumed = 0;
    s->ioerr = 0;
    s->feature = 0;
    s->cap_on = 0;
    return PL_OK;
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* Copy at most n-1 bytes of UTF-8 `src` into dst without cutting a character. */
static void copy_utf8(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* copy_utf8 into buf, returned for use in a message. */
static const char *clip(char *buf, size_t n, const char *src)
{
    copy_utf8(buf, n, src);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Attributes                                                                */

static int arena_add(gj_reader *r, const char *text, size_t len, size_t *off)
{
    if (len > SIZE_MAX / 2 - r->alen - 1)
        return -1;
    if (r->alen + len + 1 > r->acap) {
        size_t ncap = r->acap ? r->acap : 1024;
        while (ncap < r->alen + len + 1)
            ncap *= 2;
        char *n = realloc(r->arena, ncap);
        if (!n)
            return -1;
        r->arena = n;
        r->acap = ncap;
    }
    memcpy(r->arena + r->alen, text, len);
    r->arena[r->alen + len] = '\0';
    *off = r->alen;
    r->alen += len + 1;
    return 0;
}

/* Shortest of %.15g..%.17g that reads back as the same double. */
static void fmt_real(double v, char *buf, size_t n)
{
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Append key/value; the value text is `str` (borrowed from the json tree,
 * must outlive the callback) or, when str is NULL, the text of `v` put into
 * the arena. */
static int attr_add(gj_reader *r, const char *key, json_t *v)
{
    if (r->nattrs == r->attrcap) {
        size_t ncap = r->attrcap ? r->attrcap * 2 : 16;
        pl_attr *na = realloc(r->attrs, ncap * sizeof *na);
        if (!na)
            return -1;
        r->attrs = na;
        size_t *no = realloc(r->attroff, ncap * sizeof *no);
        if (!no)
            return -1;
        r->attroff = no;
        r->attrcap = ncap;
    }
    pl_attr *a = &r->attrs[r->nattrs];
    size_t *off = &r->attroff[r->nattrs];
    a->key = key;
    a->value = NULL;
    *off = SIZE_MAX;
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        a->value = json_string_value(v);
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        if (arena_add(r, num, strlen(num), off) != 0)
            return -1;
        break;
    case JSON_REAL:
        fmt_real(json_real_value(v), num, sizeof num);
        if (arena_add(r, num, strlen(num), off) != 0)
            return -1;
        break;
    case JSON_TRUE:
        a->value = "true";
        break;
    case JSON_FALSE:
        a->value = "false";
        break;
    case JSON_NULL:
        a->value = "";
        break;
    case JSON_OBJECT:
    case JSON_ARRAY: {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!t)
            return -1;
        int rc = arena_add(r, t, strlen(t), off);
        free(t);
        if (rc != 0)
            return -1;
        break;
    }
    }
    r->nattrs++;
    return 0;
}

/* Properties in file order, then the feature's own "id" (after them, so that a
 * lookup taking the first "id" finds the property when both exist). */
static int attrs_build(gj_reader *r, json_t *feature)
{
    r->nattrs = 0;
    r->alen = 0;
    json_t *props = json_object_get(feature, "properties");
    if (props && !json_is_null(props)) {
        if (!json_is_object(props))
            return gj_fail(r, "\"properties\" must be an object or null, found %s",
                           json_kind(props));
        const char *key;
        json_t *v;
        json_object_foreach(props, key, v) {
            if (attr_add(r, key, v) != 0)
                return gj_nomem(r);
        }
    }
    json_t *id = json_object_get(feature, "id");
    if (id && !json_is_null(id)) {
        if (!json_is_string(id) && !json_is_number(id))
            return gj_fail(r, "\"id\" must be a string or a number, found %s", json_kind(id));
        if (attr_add(r, "id", id) != 0)
            return gj_nomem(r);
    }
    for (size_t i = 0; i < r->nattrs; i++)
        if (r->attroff[i] != SIZE_MAX)
            r->attrs[i].value = r->arena + r->attroff[i];
    r->f.attrs = r->attrs;
    r->f.nattrs = r->nattrs;
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Geometry                                                                  */

static const char *const GJ_TYPES[] = {"Point", "MultiPoint", "LineString", "MultiLineString",
                                       "Polygon", "MultiPolygon", "GeometryCollection"};

/* The static name of a geometry type, NULL when unknown. */
static const char *geom_type_name(const char *t)
{
    for (size_t i = 0; i < sizeof GJ_TYPES / sizeof GJ_TYPES[0]; i++)
        if (strcmp(t, GJ_TYPES[i]) == 0)
            return GJ_TYPES[i];
    return NULL;
}

/* Append one polygon (an array of rings) to r->f.geom. `pno` numbers it in
 * messages. A polygon without rings adds nothing. */
static int read_polygon(gj_reader *r, json_t *rings, size_t pno)
{
    if (!json_is_array(rings))
        return gj_fail(r, "polygon %zu: expected an array of rings, found %s", pno,
                       json_kind(rings));
    size_t nr = json_array_size(rings);
    if (nr == 0)
        return PL_OK;
    pl_poly *poly = pl_geom_add_poly(&r->f.geom);
    if (!poly)
        return gj_nomem(r);
    for (size_t i = 0; i < nr; i++) {
        json_t *ring = json_array_get(rings, i);
        if (!json_is_array(ring))
            return gj_fail(r, "polygon %zu ring %zu: expected an array of positions, found %s",
                           pno, i + 1, json_kind(ring));
        pl_ring *pr = pl_poly_add_ring(poly);
        if (!pr)
            return gj_nomem(r);
        size_t np = json_array_size(ring);
        for (size_t k = 0; k < np; k++) {
            json_t *pos = json_array_get(ring, k);
            if (!json_is_array(pos))
                return gj_fail(r, "polygon %zu ring %zu point %zu: expected a position [x, y], found %s",
                               pno, i + 1, k + 1, json_kind(pos));
            size_t dim = json_array_size(pos);
            if (dim < 2)
                return gj_fail(r, "polygon %zu ring %zu point %zu: position has %zu number%s, expected at least 2",
                               pno, i + 1, k + 1, dim, dim == 1 ? "" : "s");
            for (size_t d = 0; d < dim; d++) {
                json_t *c = json_array_get(pos, d);
                if (!json_is_number(c)) {
                    char shown[80] = "", cut[64];
                    if (json_is_string(c))
                        snprintf(shown, sizeof shown, " '%s'",
                                 clip(cut, sizeof cut, json_string_value(c)));
                    return gj_fail(r, "polygon %zu ring %zu point %zu: coordinate %zu is %s%s, not a number",
                                   pno, i + 1, k + 1, d + 1, json_kind(c), shown);
                }
            }
            if (pl_ring_add_point(pr, json_number_value(json_array_get(pos, 0)),
                                  json_number_value(json_array_get(pos, 1))) != 0)
                return gj_nomem(r);
        }
    }
    return PL_OK;
}

/* Read geometry `g` into r->f. *only_polys is cleared when `g` (or a member of
 * a collection) is not a polygon; `*pno` counts polygons for messages. */
static int read_geometry(gj_reader *r, json_t *g, int *only_polys, size_t *pno, int top)
{
    if (!json_is_object(g))
        return gj_fail(r, "geometry must be an object or null, found %s", json_kind(g));
    json_t *jt = json_object_get(g, "type");
    if (!json_is_string(jt))
        return gj_fail(r, "geometry has no \"type\" string");
    const char *t = geom_type_name(json_string_value(jt));
    if (!t) {
        char cut[64];
        return gj_fail(r, "unknown geometry type '%s'", clip(cut, sizeof cut, json_string_value(jt)));
    }
    if (top)
        r->f.kind = t;
    if (strcmp(t, "GeometryCollection") == 0) {
        json_t *gs = json_object_get(g, "geometries");
        if (!json_is_array(gs))
            return gj_fail(r, "GeometryCollection has no \"geometries\" array");
        if (json_array_size(gs) == 0)
            *only_polys = 0;
        for (size_t i = 0; i < json_array_size(gs) && *only_polys; i++) {
            int rc = read_geometry(r, json_array_get(gs, i), only_polys, pno, 0);
            if (rc != PL_OK)
                return rc;
        }
        return PL_OK;
    }
    int is_poly = strcmp(t, "Polygon") == 0, is_multi = strcmp(t, "MultiPolygon") == 0;
    if (!is_poly && !is_multi) {
        *only_polys = 0; /* not a parcel: its coordinates are not looked at */
        return PL_OK;
    }
    json_t *coords = json_object_get(g, "coordinates");
    if (!json_is_array(coords))
        return gj_fail(r, "%s has no \"coordinates\" array", t);
    if (is_poly)
        return read_polygon(r, coords, ++*pno);
    for (size_t i = 0; i < json_array_size(coords); i++) {
        int rc = read_polygon(r, json_array_get(coords, i), ++*pno);
        if (rc != PL_OK)
            return rc;
    }
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* One feature                                                               */

/* Parse the captured chunk (s.cap, s.caplen) as feature `number` starting on
 * `line`, fill r->f and call the callback. `bare` when the chunk is a bare
 * geometry rather than a Feature. */
static int gj_feature(gj_reader *r, long number, long line, int bare)
{
    gj_scan *s = &r->s;
    snprintf(r->where, sizeof r->where, "feature %ld (line %ld)", number, line);
    pl_geom_clear(&r->f.geom);
    r->f.number = number;
    r->f.line = line;
    r->f.where = r->where;
    r->f.is_polygon = 0;
    r->f.kind = "null";
    r->f.attrs = NULL;
    r->f.nattrs = 0;
    r->f.declared_area_m2 = NAN;

    const char *text = s->cap;
    size_t len = s->caplen;
    char *conv = NULL; /* owned: the chunk converted from GBK */
    if (s->gbk) {
        conv = pl_text_gbk_to_utf8(text, len, &len);
        if (!conv) {
            if (errno == ENOMEM)
                return gj_nomem(r);
            return gj_fail(r, "text is neither valid UTF-8 nor valid GBK");
        }
        text = conv;
    } else if (!pl_text_is_utf8(text, len)) {
        return gj_fail(r, "invalid UTF-8 text (if the file is GBK, use --encoding gbk)");
    }

    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root && strstr(je.text, "too big"))
        root = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &je);
    free(conv);
    if (!root) {
        if (json_error_code(&je) == json_error_out_of_memory)
            return gj_nomem(r);
        return gj_fail(r, "at line %ld: %s", line + (je.line > 0 ? je.line - 1 : 0), je.text);
    }

    int rc = PL_OK;
    json_t *geom;
    if (bare) {
        geom = root;
    } else {
        json_t *jt = json_object_get(root, "type");
        if (!json_is_string(jt)) {
            rc = gj_fail(r, "expected a Feature object with \"type\": \"Feature\"");
            goto out;
        }
        if (strcmp(json_string_value(jt), "Feature") != 0) {
            char cut[64];
            rc = gj_fail(r, "\"type\" is '%s', expected 'Feature'",
                         clip(cut, sizeof cut, json_string_value(jt)));
            goto out;
        }
        geom = json_object_get(root, "geometry"); /* a missing geometry reads as null */
        if ((rc = attrs_build(r, root)) != PL_OK)
            goto out;
    }
    if (geom && !json_is_null(geom)) {
        int only_polys = 1;
        size_t pno = 0;
        if ((rc = read_geometry(r, geom, &only_polys, &pno, 1)) != PL_OK)
            goto out;
        r->f.is_polygon = only_polys;
        if (!only_polys)
            pl_geom_clear(&r->f.geom);
    }
    rc = r->cb(&r->f, r->info, r->ctx);
    if (rc != 0) {
        r->stopped = 1;
        r->stopval = rc;
    }
out:
    json_decref(root);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Top level                                                                 */

/* The "features" array (next byte '['). Pass 1 only checks its syntax; pass 2
 * cuts out each element and hands it to gj_feature(). */
static int walk_features(gj_reader *r, int pass)
{
    gj_scan *s = &r->s;
    int stream = pass == 2 && !r->single;
    if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
        return -1;
    if (sc_peek(s) == ']')
        return sc_next(s) == -2 ? -1 : 0;
    for (long n = 1;; n++) {
        s->feature = n;
        if (sc_skip_ws(s) != 0)
            return -1;
        long line = s->line;
        unsigned long long start = s->consumed;
        if (stream) {
            int c = sc_peek(s);
            if (c != '{') {
                char found[32];
                sc_describe(c, found, sizeof found);
                snprintf(r->where, sizeof r->where, "feature %ld (line %ld)", n, line);
                gj_fail(r, "expected a Feature object '{', found %s", found);
                return -1;
            }
            cap_start(s, GJ_MAX_FEATURE);
        }
        int rc = sc_value(s, 2);
        s->cap_on = 0;
        if (rc != 0)
            return -1;
        if (s->consumed - start > GJ_MAX_FEATURE) { /* pass 1 refuses it before any callback */
            snprintf(r->where, sizeof r->where, "feature %ld (line %ld)", n, line);
            gj_fail(r, "feature larger than %zu MiB, refused", GJ_MAX_FEATURE / (1024 * 1024));
            return -1;
        }
        if (stream && gj_feature(r, n, line, 0) != 0)
            return -1;
        if (sc_skip_ws(s) != 0)
            return -1;
        int c = sc_peek(s);
        if (c == ',') {
            if (sc_next(s) == -2)
                return -1;
            continue;
        }
        if (c != ']')
            return sc_expected(s, "',' or ']' after a feature");
        s->feature = 0;
        return sc_next(s) == -2 ? -1 : 0;
    }
}

/* Walk the top-level object. Returns 0, or -1 with r->err set or r->stopped. */
static int walk(gj_reader *r, int pass)
{
    gj_scan *s = &r->s;
    if (gj_rewind(r) != PL_OK || sc_skip_ws(s) != 0)
        return -1;
    int c = sc_peek(s);
    if (c < 0) {
        if (!s->ioerr)
            pl_error_set(r->err, PL_ERR_INPUT, "%s: empty file", r->path);
        return -1;
    }
    if (c != '{')
        return sc_expected(s, "'{' (a GeoJSON object)");
    r->top_line = s->line;
    if (pass == 2 && r->single) {
        cap_start(s, GJ_MAX_FEATURE);
        s->feature = 1;
        int rc = sc_value(s, 0);
        s->cap_on = 0;
        s->feature = 0;
        if (rc != 0)
            return -1;
        if (gj_feature(r, 1, r->top_line, strcmp(r->type, "Feature") != 0) != 0)
            return -1;
    } else {
        if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
            return -1;
        if (sc_peek(s) == '}') {
            if (sc_next(s) == -2)
                return -1;
        } else {
            for (;;) {
                char key[16];
                size_t klen;
                if (sc_key(s, key, sizeof key, &klen) != 0)
                    return -1;
                long vline = s->line;
                int is_features = klen == 8 && strcmp(key, "features") == 0;
                int is_type = klen == 4 && strcmp(key, "type") == 0;
                int is_crs = klen == 3 && strcmp(key, "crs") == 0;
                if ((is_features && r->features_seen && pass == 1) ||
                    (is_type && r->type_seen && pass == 1) || (is_crs && r->crs_seen && pass == 1))
                    return sc_fail(s, vline, is_features ? "duplicate top-level \"features\" member"
                                             : is_type ? "duplicate top-level \"type\" member"
                                                       : "duplicate top-level \"crs\" member");
                if (is_features && sc_peek(s) == '[') {
                    if (pass == 1) {
                        r->features_seen = r->features_is_array = 1;
                        r->features_line = vline;
                    }
                    if (walk_features(r, pass) != 0)
                        return -1;
                } else if (is_type && pass == 1) {
                    size_t tlen;
                    if (sc_peek(s) != '"')
                        return sc_expected(s, "a string as the value of the top-level \"type\"");
                    if (sc_string(s, r->type, sizeof r->type, &tlen) != 0)
                        return -1;
                    r->type_seen = 1;
                    r->type_line = vline;
                } else if (is_crs && pass == 1) {
                    r->crs_seen = 1;
                    r->crs_line = vline;
                    cap_start(s, GJ_MAX_CRS);
                    int rc = sc_value(s, 1);
                    s->cap_on = 0;
                    if (rc != 0)
                        return -1;
                    r->crs = malloc(s->caplen ? s->caplen : 1);
                    if (!r->crs) {
                        gj_nomem(r);
                        return -1;
                    }
                    memcpy(r->crs, s->cap, s->caplen);
                    r->crslen = s->caplen;
                } else {
                    if (is_features && pass == 1) {
                        r->features_seen = 1;
                        r->features_line = vline;
                    }
                    if (sc_value(s, 1) != 0)
                        return -1;
                }
                if (sc_skip_ws(s) != 0)
                    return -1;
                c = sc_peek(s);
                if (c == '}')
                    break;
                if (c != ',')
                    return sc_expected(s, "',' or '}' after a member of the top-level object");
                if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
                    return -1;
            }
            if (sc_next(s) == -2)
                return -1;
        }
    }
    if (sc_skip_ws(s) != 0)
        return -1;
    if (sc_peek(s) >= 0)
        return sc_expected(s, "end of file after the top-level object");
    return s->ioerr ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* CRS                                                                       */

static int parse_code(const char *p)
{
    long v = 0;
    if (!*p)
        return 0;
    for (; *p; p++) {
        if (!sc_is_digit((unsigned char)*p) || v > 99999999)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

/* EPSG code named by a GeoJSON crs name; 0 when the form is not known. */
static int crs_name_srid(const char *name)
{
    static const char *const crs84[] = {
        "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84", "CRS84",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "https://www.opengis.net/def/crs/OGC/1.3/CRS84"};
    for (size_t i = 0; i < sizeof crs84 / sizeof crs84[0]; i++)
        if (strcasecmp(name, crs84[i]) == 0)
            return 4326;
    static const char *const prefixes[] = {"EPSG:", "http://www.opengis.net/def/crs/EPSG/0/",
                                           "https://www.opengis.net/def/crs/EPSG/0/"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncasecmp(name, prefixes[i], n) == 0)
            return parse_code(name + n);
    }
    /* urn:ogc:def:crs:EPSG:[version]:CODE */
    const char *urn = "urn:ogc:def:crs:EPSG:";
    if (strncasecmp(name, urn, strlen(urn)) == 0) {
        const char *colon = strchr(name + strlen(urn), ':');
        return colon ? parse_code(colon + 1) : 0;
    }
    return 0;
}

static int gj_crs(gj_reader *r, const pl_read_options *opt)
{
    pl_source_info *info = r->info;
    info->srid = 4326; /* RFC 7946 */
    if (!r->crs_seen)
        return PL_OK;
    const char *text = r->crs;
    size_t len = r->crslen;
    char *conv = NULL; /* owned */
    if (r->s.gbk) {
        conv = pl_text_gbk_to_utf8(text, len, &len);
        if (!conv)
            return pl_error_set(r->err, PL_ERR_INPUT, "%s: line %ld: crs member is not valid GBK",
                                r->path, r->crs_line);
        text = conv;
    }
    json_error_t je;
    json_t *crs = json_loadb(text, len, JSON_DECODE_ANY, &je);
    free(conv);
    if (!crs)
        return pl_error_set(r->err, PL_ERR_INPUT, "%s: line %ld: crs member: %s", r->path,
                            r->crs_line, je.text);
    int rc = PL_OK;
    if (json_is_null(crs))
        goto out; /* "crs": null — nothing said */
    json_t *t = json_object_get(crs, "type");
    json_t *props = json_object_get(crs, "properties");
    json_t *name = json_object_get(props, "name");
    if (!json_is_string(t) || strcmp(json_string_value(t), "name") != 0 || !json_is_string(name)) {
        char *dump = json_dumps(crs, JSON_COMPACT | JSON_ENCODE_ANY);
        char cut[256];
        copy_utf8(info->crs_text, sizeof info->crs_text, dump ? dump : "");
        if (!opt || opt->srid <= 0)
            rc = pl_error_set(r->err, PL_ERR_INPUT,
                              "%s: line %ld: unsupported crs member %s (expected "
                              "{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:N\"}}; use --crs)",
                              r->path, r->crs_line, clip(cut, sizeof cut, dump ? dump : ""));
        free(dump);
        goto out;
    }
    copy_utf8(info->crs_text, sizeof info->crs_text, json_string_value(name));
    int srid = crs_name_srid(json_string_value(name));
    if (srid > 0)
        info->srid = srid;
    else if (!opt || opt->srid <= 0) {
        char cut[256];
        rc = pl_error_set(r->err, PL_ERR_INPUT,
                          "%s: line %ld: unsupported crs name '%s' (expected EPSG:N, "
                          "urn:ogc:def:crs:EPSG::N or urn:ogc:def:crs:OGC:1.3:CRS84; use --crs)",
                          r->path, r->crs_line, clip(cut, sizeof cut, json_string_value(name)));
    }
out:
    json_decref(crs);
    return rc;
}

/* Forget what a pass 1 learned (before it runs again as GBK). */
static void pass1_reset(gj_reader *r)
{
    r->type[0] = '\0';
    r->type_line = 0;
    r->type_seen = r->features_seen = r->features_is_array = r->crs_seen = 0;
    r->features_line = r->crs_line = 0;
    free(r->crs);
    r->crs = NULL;
    r->crslen = 0;
}

/* ------------------------------------------------------------------------ */

int pl_read_geojson(const char *path, const pl_read_options *opt, pl_source_info *info,
                    pl_feature_cb cb, void *ctx, pl_error *err)
{
    pl_error local;
    if (!err)
        err = &local;
    pl_error_clear(err);
    pl_source_info localinfo;
    if (!info)
        info = &localinfo;
    memset(info, 0, sizeof *info);

    FILE *f = fopen(path, "rb");
    if (!f)
        return pl_error_set(err, PL_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    gj_reader *r = calloc(1, sizeof *r);
    if (!r) {
        fclose(f);
        return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
    }
    r->path = path;
    r->err = err;
    r->info = info;
    r->cb = cb;
    r->ctx = ctx;
    r->s.f = f;
    r->s.path = path;
    r->s.err = err;
    pl_geom_init(&r->f.geom);
    int rc = PL_OK;

    unsigned char head[3];
    size_t nhead = fread(head, 1, sizeof head, f);
    r->bom = pl_text_bom_len((const char *)head, nhead);
    pl_encoding enc = opt ? opt->encoding : PL_ENCODING_AUTO;
    r->s.gbk = enc == PL_ENCODING_GBK;

    /* Pass 1: syntax, text encoding, top-level type and crs. With --encoding
     * auto, text that is not UTF-8 (and no BOM) sends pass 1 round again as GBK. */
    if (walk(r, 1) != 0) {
        if (!(r->s.bad_text && enc == PL_ENCODING_AUTO && !r->bom && !r->s.gbk)) {
            rc = err->code;
            goto done;
        }
        pl_error_clear(err);
        pass1_reset(r);
        r->s.bad_text = 0;
        r->s.gbk = r->s.gbk_auto = 1;
        long not_utf8 = r->s.bad_text_line;
        if (walk(r, 1) != 0) {
            rc = err->code;
            goto done;
        }
        if (r->s.utf8_cjk_line) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "%s: line %ld: a string in UTF-8 (line %ld) and one that is not (line %ld): two "
                              "encodings in one file, refused (save it as UTF-8, or choose with --encoding gbk or "
                              "--encoding utf-8)", path, r->s.utf8_cjk_line < not_utf8 ? r->s.utf8_cjk_line : not_utf8,
                              r->s.utf8_cjk_line, not_utf8);
            goto done;
        }
    }
    snprintf(info->encoding, sizeof info->encoding, "%s",
             r->s.gbk ? "gbk" : r->bom ? "utf-8-bom" : "utf-8");
    if (!r->type_seen) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: the top-level object has no \"type\" member",
                          path, r->top_line);
        goto done;
    }
    if (strcmp(r->type, "FeatureCollection") == 0) {
        if (!r->features_seen) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "%s: line %ld: FeatureCollection has no \"features\" member", path,
                              r->top_line);
            goto done;
        }
        if (!r->features_is_array) {
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: \"features\" must be an array",
                              path, r->features_line);
            goto done;
        }
    } else if (strcmp(r->type, "Feature") == 0 || geom_type_name(r->type)) {
        r->single = 1;
        if (r->s.consumed > GJ_MAX_FEATURE) { /* the document is the feature */
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "%s: feature 1 (line %ld): feature larger than %zu MiB, refused", path,
                              r->top_line, GJ_MAX_FEATURE / (1024 * 1024));
            goto done;
        }
    } else {
        /* Shown as ASCII: the raw bytes may be GBK or cut inside a character. */
        for (char *p = r->type; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "%s: line %ld: unsupported GeoJSON type '%s' (expected FeatureCollection, "
                          "Feature or a geometry)", path, r->type_line, r->type);
        goto done;
    }
    if ((rc = gj_crs(r, opt)) != PL_OK)
        goto done;
    if (opt && opt->srid > 0)
        info->srid = opt->srid;

    /* Pass 2: the features. */
    if (walk(r, 2) != 0)
        rc = r->stopped ? r->stopval : err->code;

done:
    pl_geom_release(&r->f.geom);
    free(r->attrs);
    free(r->attroff);
    free(r->arena);
    free(r->crs);
    free(r->s.cap);
    free(r);
    fclose(f);
    return rc;
}
