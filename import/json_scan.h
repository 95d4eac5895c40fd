/*
 * json_scan.h — the byte-level JSON scanner of the GeoJSON reader (internal
 * to import/, used by geojson.c).
 *
 * A gj_scan reads a FILE through a fixed buffer and consumes JSON tokens:
 * strings (escape-aware, checked as strict UTF-8 or as GBK, GBK lead bytes
 * taking their trail bytes along), numbers, literals, member names and the
 * punctuation between values, counting lines. It never builds a value: the
 * caller walks the structure (geojson.c: walk_value) and decides what to
 * keep. Every consumed byte can be copied into the capture buffer (cap_on),
 * so that the caller can cut a feature's bytes out for jansson.
 *
 * Results: functions returning int give 0, or -1 with s->err filled
 * ("FILE: line L (feature N): …"; an earlier error is kept); sc_next gives
 * the byte, -1 at end of file, -2 when the capture failed (err set).
 *
 * Ownership: the scanner borrows f, path and err from its reader; it owns
 * `cap` (freed by the reader: free(s->cap)). The hot paths (peek, next,
 * whitespace, number bytes) are inline here; the rest is json_scan.c.
 */
#ifndef PARKLAND_JSON_SCAN_H
#define PARKLAND_JSON_SCAN_H

#include "parkland/error.h"

#include "buf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define GJ_BUFSZ 65536

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

/* Refill the buffer: 0, or -1 at end of file or on a read error (err set). */
int sc_fill(gj_scan *s);

/* Next byte without consuming it; -1 at end of file or on a read error. */
static inline int sc_peek(gj_scan *s)
{
    if (s->pos == s->len && sc_fill(s) != 0)
        return -1;
    return s->buf[s->pos];
}

/* Append n consumed bytes to the capture: 0, or -1 with err set (the
 * capture outgrew its limit, or no memory). */
int sc_cap_append(gj_scan *s, const void *p, size_t n);

static inline int sc_cap_push(gj_scan *s, int c)
{
    if (s->caplen < s->capcap && s->caplen < s->caplimit) {
        s->cap[s->caplen++] = (char)c;
        return 0;
    }
    unsigned char b = (unsigned char)c;
    return sc_cap_append(s, &b, 1);
}

/* Consume the k bytes at s->buf + s->pos (nl of them line feeds): 0, or -1
 * when the capture failed (err set). */
static inline int sc_consume(gj_scan *s, size_t k, long nl)
{
    const unsigned char *b = s->buf + s->pos;
    s->pos += k;
    s->consumed += k;
    s->line += nl;
    return s->cap_on ? sc_cap_append(s, b, k) : 0;
}

/* Append to one of the reader's buffers (pl_buf, owned by the reader and
 * reused); err set when memory runs out. */
int sc_buf_add(gj_scan *s, pl_buf *b, const void *p, size_t n);

/* Consume one byte: the byte, -1 at end of file / read error, -2 when the
 * capture failed (err set). */
static inline int sc_next(gj_scan *s)
{
    int c = sc_peek(s);
    if (c < 0)
        return -1;
    s->pos++;
    s->consumed++;
    if (c == '\n')
        s->line++;
    if (s->cap_on && sc_cap_push(s, c) != 0)
        return -2;
    return c;
}

/* Start capturing (sc_cap_append) at the next byte, at most `limit` bytes. */
void sc_cap_start(gj_scan *s, size_t limit);

static inline int sc_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* sc_skip_ws beyond its fast cases. */
int sc_skip_ws_run(gj_scan *s);

/* Skip whitespace: 0, or -1 when the capture failed. The usual cases (none,
 * one space) are taken here without a call. */
static inline int sc_skip_ws(gj_scan *s)
{
    if (s->pos + 1 < s->len) {
        unsigned char c = s->buf[s->pos];
        if (c > ' ')
            return 0;
        if (c == ' ' && s->buf[s->pos + 1] > ' ') {
            s->pos++;
            s->consumed++;
            return s->cap_on ? sc_cap_push(s, ' ') : 0;
        }
    }
    return sc_skip_ws_run(s);
}

/* A byte as messages show it: 'x', "byte 0x0A", "end of file" (c < 0). */
void sc_describe(int c, char *out, size_t n);

/* "FILE: line L (feature N): expected WHAT, found X"; always returns -1.
 * A pending read error or capture error is kept instead. */
int sc_expected(gj_scan *s, const char *what);

/* After a value inside an object (in_object) or an array: a ',' → 1 (after it
 * and the blanks that follow: the next member's key or element comes next),
 * the closing bracket → 0 (consumed), anything else → -1 with the error. */
int sc_after_value(gj_scan *s, int in_object);

/* "FILE: line L (feature N): REASON"; always returns -1. */
int sc_fail(gj_scan *s, long line, const char *reason);

/* Consume a JSON string (the opening quote is next). When out is non-NULL
 * the raw bytes between the quotes (escapes not decoded) are copied there,
 * NUL-terminated and cut at outsz-1; *rawlen gets the full raw length. When
 * sink is non-NULL all the raw bytes are appended to it as well. */
int sc_string(gj_scan *s, char *out, size_t outsz, size_t *rawlen, pl_buf *sink);

/* The parts of a JSON number, as num_scan finds them. */
typedef struct gj_numparts {
    uint64_t m;         /* all its digits as one integer (wrapped when there are more than 19) */
    size_t ilen, flen;  /* digits before and after the decimal point */
    long ex;            /* the exponent as written (clamped to +-10^8) */
    int neg, is_int;    /* a '-' sign; no '.', no exponent */
    int open;           /* the bytes ran out where the number could go on */
} gj_numparts;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight digits at once (bytes in little-endian order): 1 when the 8 bytes
 * at p are all '0'..'9', their value in *v (the known SWAR method). */
static inline int digits8(const unsigned char *p, uint32_t *v)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    if (((x & 0xF0F0F0F0F0F0F0F0ULL) | (((x + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) !=
        0x3333333333333333ULL)
        return 0;
    x -= 0x3030303030303030ULL;
    x = x * 10 + (x >> 8);
    x = (((x & 0x000000FF000000FFULL) * 0x000F424000000064ULL) +
         (((x >> 16) & 0x000000FF000000FFULL) * 0x0000271000000001ULL)) >> 32;
    *v = (uint32_t)x;
    return 1;
}

#define GJ_DIGITS8(p, e, m)                                                                    \
    do {                                                                                       \
        uint32_t v8_;                                                                          \
        while ((e) - (p) >= 8 && digits8((p), &v8_)) {                                         \
            (m) = (m) * 100000000u + v8_;                                                      \
            (p) += 8;                                                                          \
        }                                                                                      \
    } while (0)
#else
#define GJ_DIGITS8(p, e, m) ((void)0)
#endif

/* The length of the JSON number -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * at p0 (bytes up to e) and its parts in *np; 0 when there is no valid
 * number there. np->open: the bytes ran out where the number could go on. */
static inline size_t num_scan(const unsigned char *p0, const unsigned char *e, gj_numparts *np)
{
    const unsigned char *p = p0, *d;
    uint64_t m = 0;
    np->neg = 0;
    np->is_int = 1;
    np->ex = 0;
    np->flen = 0;
    if (p < e && *p == '-')
        np->neg = 1, p++;
    d = p;
    if (p < e && *p == '0') {
        p++;
    } else {
        while (p < e && (unsigned)(*p - '0') < 10)
            m = m * 10 + (unsigned)(*p++ - '0');
        if (p == d)
            goto bad;
    }
    np->ilen = (size_t)(p - d);
    if (p < e && *p == '.') {
        d = ++p;
        GJ_DIGITS8(p, e, m);
        while (p < e && (unsigned)(*p - '0') < 10)
            m = m * 10 + (unsigned)(*p++ - '0');
        if (p == d)
            goto bad;
        np->flen = (size_t)(p - d);
        np->is_int = 0;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        int eneg = 0;
        long ex = 0;
        np->is_int = 0;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        d = p;
        while (p < e && (unsigned)(*p - '0') < 10) {
            if (ex < 100000000)
                ex = ex * 10 + (*p - '0');
            p++;
        }
        if (p == d)
            goto bad;
        np->ex = eneg ? -ex : ex;
    }
    np->m = m;
    np->open = p == e;
    return (size_t)(p - p0);
bad:
    np->open = p == e;
    return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  The text is appended to
 * sink when it is non-NULL. */
int sc_number(gj_scan *s, pl_buf *sink);

/* The literal `word` (true, false, null), or the error. */
int sc_literal(gj_scan *s, const char *word);

/* After a member name: blanks, the ':' and the blanks after it. */
int sc_colon(gj_scan *s);

/* Consume an object key and the ':' after it (whitespace before the key
 * already skipped). out/outsz/rawlen as for sc_string. */
int sc_key(gj_scan *s, char *out, size_t outsz, size_t *rawlen);

#endif
