/* json_scan.c — the byte-level JSON scanner of the GeoJSON reader (see json_scan.h). */
#include "json_scan.h"

#include <errno.h>
#include <stdlib.h>

int sc_fill(gj_scan *s)
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

/* Append n consumed bytes to the capture: 0, or -1 with err set (the
 * capture outgrew its limit, or no memory). */
int sc_cap_append(gj_scan *s, const void *p, size_t n)
{
    if (n > s->caplimit - s->caplen) {
        if (s->feature > 0)
            pl_error_set(s->err, PL_ERR_INPUT,
                         "%s: feature %ld (line %ld): feature larger than %zu MiB, refused",
                         s->path, s->feature, s->cap_line, s->caplimit / (1024 * 1024));
        else
            pl_error_set(s->err, PL_ERR_INPUT, "%s: line %ld: member larger than %zu KiB, refused",
                         s->path, s->cap_line, s->caplimit / 1024);
        return -1;
    }
    if (s->caplen + n > s->capcap) {
        size_t ncap = s->capcap ? s->capcap : 65536;
        while (ncap < s->caplen + n)
            ncap *= 2;
        if (ncap > s->caplimit + 1)
            ncap = s->caplimit + 1;
        char *nc = realloc(s->cap, ncap);
        if (!nc) {
            pl_error_set(s->err, PL_ERR_NOMEM, "%s: out of memory", s->path);
            return -1;
        }
        s->cap = nc;
        s->capcap = ncap;
    }
    memcpy(s->cap + s->caplen, p, n);
    s->caplen += n;
    return 0;
}

/* Append to one of the reader's buffers (pl_buf, owned by the reader and
 * reused); err set when memory runs out. */
int sc_buf_add(gj_scan *s, pl_buf *b, const void *p, size_t n)
{
    if (pl_buf_add(b, p, n) != 0) {
        pl_error_set(s->err, PL_ERR_NOMEM, "%s: out of memory", s->path);
        return -1;
    }
    return 0;
}

void sc_cap_start(gj_scan *s, size_t limit)
{
    s->cap_on = 1;
    s->caplen = 0;
    s->caplimit = limit;
    s->cap_line = s->line;
}

int sc_skip_ws_run(gj_scan *s)
{
    for (;;) {
        if (s->pos == s->len && sc_fill(s) != 0)
            return 0;
        const unsigned char *b = s->buf + s->pos, *p = b, *e = s->buf + s->len;
        long nl = 0;
        while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
            nl += *p++ == '\n';
        if (p > b && sc_consume(s, (size_t)(p - b), nl) != 0)
            return -1;
        if (p < e)
            return 0;
    }
}

void sc_describe(int c, char *out, size_t n)
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
int sc_expected(gj_scan *s, const char *what)
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

/* After a value inside an object (in_object) or an array: a ',' → 1 (after it
 * and the blanks that follow: the next member's key or element comes next),
 * the closing bracket → 0 (consumed), anything else → -1 with the error. */
int sc_after_value(gj_scan *s, int in_object)
{
    if (sc_skip_ws(s) != 0)
        return -1;
    int c = sc_peek(s);
    if (c == ',')
        return sc_next(s) == -2 || sc_skip_ws(s) != 0 ? -1 : 1;
    if (c != (in_object ? '}' : ']'))
        return sc_expected(s, in_object ? "',' or '}' after an object member" : "',' or ']' after an array element");
    return sc_next(s) == -2 ? -1 : 0;
}

/* "FILE: line L (feature N): REASON"; always returns -1. */
int sc_fail(gj_scan *s, long line, const char *reason)
{
    if (s->ioerr || (s->err && s->err->code != PL_OK))
        return -1;
    char ctx[64];
    sc_context(s, ctx, sizeof ctx);
    pl_error_set(s->err, PL_ERR_INPUT, "%s: line %ld%s: %s", s->path, line, ctx, reason);
    return -1;
}

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

/* Consume a JSON string (the opening quote is next). When out is non-NULL
 * the raw bytes between the quotes (escapes not decoded) are copied there,
 * NUL-terminated and cut at outsz-1; *rawlen gets the full raw length. When
 * sink is non-NULL all the raw bytes are appended to it as well. */
int sc_string(gj_scan *s, char *out, size_t outsz, size_t *rawlen, pl_buf *sink)
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
        if (sink) {                                                                             \
            char ch_ = (char)(ch);                                                              \
            if (sc_buf_add(s, sink, &ch_, 1) != 0)                                                 \
                return -1;                                                                      \
        }                                                                                       \
    } while (0)

    if (sc_next(s) != '"')
        return -1; /* callers check the quote first; only a capture error lands here */
    for (;;) {
        /* Fast path: a run of plain ASCII bytes (no quote, backslash or
         * control character) in the buffer, taken at once. u8_feed needs
         * nothing for them unless a multi-byte form is pending. */
        if (s->pos < s->len && (!s->gbk_auto || !u8.need)) {
            const unsigned char *b = s->buf + s->pos, *p = b, *e = s->buf + s->len;
            while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
                p++;
            size_t k = (size_t)(p - b);
            if (k) {
                if (out && n + 1 < outsz)
                    memcpy(out + n, b, k < outsz - 1 - n ? k : outsz - 1 - n);
                if (sink && sc_buf_add(s, sink, b, k) != 0)
                    return -1;
                n += k;
                if (sc_consume(s, k, 0) != 0)
                    return -1;
            }
        }
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

/* One or more digits; `what` names them in the message when there is none.
 * The digits are appended to sink when it is non-NULL. */
static int sc_digits(gj_scan *s, const char *what, pl_buf *sink)
{
    if (!sc_is_digit(sc_peek(s)))
        return sc_expected(s, what);
    for (;;) {
        if (s->pos == s->len && sc_fill(s) != 0)
            return 0;
        const unsigned char *b = s->buf + s->pos, *p = b, *e = s->buf + s->len;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
        size_t k = (size_t)(p - b);
        if (k && ((sink && sc_buf_add(s, sink, b, k) != 0) || sc_consume(s, k, 0) != 0))
            return -1;
        if (p < e)
            return 0;
    }
}

/* Consume one byte known to be there (peeked), appending it to sink. */
static int sc_take(gj_scan *s, pl_buf *sink)
{
    int c = sc_next(s);
    if (c == -2)
        return -1;
    if (sink) {
        char ch = (char)c;
        if (sc_buf_add(s, sink, &ch, 1) != 0)
            return -1;
    }
    return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  The text is appended to
 * sink when it is non-NULL. */
int sc_number(gj_scan *s, pl_buf *sink)
{
    /* Fast path: the whole number and the byte after it are in the buffer. */
    gj_numparts np;
    size_t k = num_scan(s->buf + s->pos, s->buf + s->len, &np);
    if (k && !np.open)
        return (sink && sc_buf_add(s, sink, s->buf + s->pos, k) != 0) || sc_consume(s, k, 0) != 0 ? -1 : 0;
    /* Byte by byte: across a block boundary, or to word what is wrong. */
    int c = sc_peek(s);
    if (c == '-') {
        if (sc_take(s, sink) != 0)
            return -1;
        c = sc_peek(s);
    }
    if (c == '0') {
        if (sc_take(s, sink) != 0)
            return -1;
    } else if (sc_digits(s, "a digit in a number", sink) != 0) {
        return -1;
    }
    c = sc_peek(s);
    if (c == '.') {
        if (sc_take(s, sink) != 0 || sc_digits(s, "a digit after the decimal point", sink) != 0)
            return -1;
        c = sc_peek(s);
    }
    if (c == 'e' || c == 'E') {
        if (sc_take(s, sink) != 0)
            return -1;
        c = sc_peek(s);
        if ((c == '+' || c == '-') && sc_take(s, sink) != 0)
            return -1;
        if (sc_digits(s, "a digit in the exponent", sink) != 0)
            return -1;
    }
    return 0;
}

int sc_literal(gj_scan *s, const char *word)
{
    for (const char *p = word; *p; p++) {
        if (sc_peek(s) != (unsigned char)*p)
            return sc_expected(s, "a value (true, false or null)");
        if (sc_next(s) == -2)
            return -1;
    }
    return 0;
}

/* After a member name: blanks, the ':' and the blanks after it. */
int sc_colon(gj_scan *s)
{
    if (sc_skip_ws(s) != 0)
        return -1;
    if (sc_peek(s) != ':')
        return sc_expected(s, "':' after a member name");
    return sc_next(s) == -2 || sc_skip_ws(s) != 0 ? -1 : 0;
}

/* Consume an object key and the ':' after it (whitespace before the key
 * already skipped). out/outsz/rawlen as for sc_string. */
int sc_key(gj_scan *s, char *out, size_t outsz, size_t *rawlen)
{
    if (sc_peek(s) != '"')
        return sc_expected(s, "a member name in double quotes");
    return sc_string(s, out, outsz, rawlen, NULL) != 0 ? -1 : sc_colon(s);
}
