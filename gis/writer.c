/* writer.c — text escaping, numbers and buffers shared by the export writers. */
#include "writer.h"
#include "fixed.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 character at s (n bytes left). Returns its length and the
 * code point in *cp, or 0 when the bytes are not well-formed UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* 1 when XML 1.0 allows the character. */
static int xml_char_ok(uint32_t cp)
{
    if (cp < 0x20)
        return cp == 0x09 || cp == 0x0a || cp == 0x0d;
    if (cp >= 0xd800 && cp <= 0xdfff)
        return 0;
    return cp != 0xfffe && cp != 0xffff;
}

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

char *pl_w_clean(const char *s, int oneline)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1); /* each bad byte may become 3 bytes */
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_next(p + i, n - i, &cp);
        if (!k || !xml_char_ok(cp)) {
            memcpy(out + o, replacement, 3);
            o += 3;
            i += k ? k : 1;
        } else if (oneline && (cp == 0x09 || cp == 0x0a || cp == 0x0d)) {
            out[o++] = ' ';
            i += k;
        } else {
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
    return out;
}

void pl_w_json_string(FILE *out, const char *s, int html_safe)
{
    char buf[1024];
    pl_w_out o;
    pl_w_out_init_with(&o, out, buf, sizeof buf);
    pl_w_put_json(&o, s, html_safe);
    pl_w_out_flush(&o);
}

static const char *html_entity(char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

void pl_w_html(FILE *out, const char *s)
{
    char *c = pl_w_clean(s, 0);
    if (!c)
        return;
    for (const char *p = c; *p; p++) {
        const char *e = html_entity(*p);
        if (e)
            fputs(e, out);
        else
            fputc(*p, out);
    }
    free(c);
}

int pl_w_buf_html(pl_buf *b, const char *s)
{
    char *c = pl_w_clean(s, 0);
    if (!c)
        return -1;
    int rc = 0;
    const char *run = c;
    for (const char *p = c; *p && !rc; p++) {
        const char *e = html_entity(*p);
        if (e) {
            rc = pl_buf_add(b, run, (size_t)(p - run));
            if (!rc)
                rc = pl_buf_addstr(b, e);
            run = p + 1;
        }
    }
    if (!rc)
        rc = pl_buf_addstr(b, run);
    free(c);
    return rc;
}


void pl_w_num(char *buf, size_t len, double v, int decimals)
{
    pl_format_trimmed(buf, len, v, decimals);
}

size_t pl_w_num_len(char *buf, size_t len, double v, int decimals)
{
    return pl_format_trimmed(buf, len, v, decimals);
}

/* ---- buffered output ---------------------------------------------------------------- */

int pl_w_out_init(pl_w_out *o, FILE *f, size_t cap)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    if (cap < 64)
        cap = 64;
    if (!(o->p = malloc(cap)))
        return -1;
    o->cap = cap;
    o->own = 1;
    return 0;
}

void pl_w_out_init_with(pl_w_out *o, FILE *f, char *buf, size_t cap)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    o->p = buf;
    o->cap = cap;
}

int pl_w_out_flush(pl_w_out *o)
{
    if (!o->f)
        return o->err ? -1 : 0;
    if (o->n && !o->err && fwrite(o->p, 1, o->n, o->f) != o->n)
        o->err = 1;
    o->done += o->n;
    o->n = 0;
    return o->err ? -1 : 0;
}

void pl_w_out_free(pl_w_out *o)
{
    if (o->own)
        free(o->p);
    o->p = NULL;
    o->n = o->cap = 0;
    o->own = 0;
}

void pl_w_out_write(pl_w_out *o, const char *s, size_t n)
{
    if (!o->f) { /* grow */
        if (o->err)
            return;
        size_t cap = o->cap ? o->cap : 64;
        while (cap - o->n < n) {
            if (cap > ((size_t)-1) / 2) {
                o->err = 1;
                return;
            }
            cap *= 2;
        }
        char *p = o->own ? realloc(o->p, cap) : NULL;
        if (!p) {
            o->err = 1;
            return;
        }
        o->p = p;
        o->cap = cap;
        memcpy(o->p + o->n, s, n);
        o->n += n;
        return;
    }
    pl_w_out_flush(o);
    if (n <= o->cap) {
        memcpy(o->p, s, n);
        o->n = n;
    } else {
        if (!o->err && fwrite(s, 1, n, o->f) != n)
            o->err = 1;
        o->done += n;
    }
}

void pl_w_puts(pl_w_out *o, const char *s)
{
    if (s)
        pl_w_put(o, s, strlen(s));
}

void pl_w_put_num(pl_w_out *o, double v, int decimals)
{
    if (o->cap - o->n >= 64 && decimals >= 0 && decimals <= 15) {
        size_t n = pl_fixed_fast(o->p + o->n, v, decimals, 1); /* 0 when it cannot: below */
        if (n) {
            o->n += n;
            return;
        }
    }
    char b[64];
    size_t n = pl_w_num_len(b, sizeof b, v, decimals);
    pl_w_put(o, b, n);
}

void pl_w_put_long(pl_w_out *o, long v)
{
    char b[24], *e = b + sizeof b, *p = e;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    pl_w_put(o, p, (size_t)(e - p));
}

/* 1 for the ASCII bytes a JSON string carries as they are. */
static int json_plain(unsigned char c, int html_safe)
{
    if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
        return 0;
    return !(html_safe && (c == '<' || c == '>' || c == '&'));
}

void pl_w_put_json(pl_w_out *o, const char *s, int html_safe)
{
    if (!s) {
        pl_w_lit(o, "null");
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, run = 0;
    pl_w_putc(o, '"');
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80 && json_plain(c, html_safe)) {
            i++;
            continue;
        }
        uint32_t cp = c;
        size_t k = 1;
        if (c >= 0x80) {
            k = utf8_next(p + i, n - i, &cp);
            if (k && !(html_safe && (cp == 0x2028 || cp == 0x2029))) {
                i += k;
                continue;
            }
        }
        /* an escape: write the plain span before it */
        pl_w_put(o, s + run, i - run);
        if (!k) {
            pl_w_put(o, replacement, 3);
            i++;
        } else {
            char e[8];
            const char *t = e;
            size_t tn = 2;
            switch (cp) {
            case '"': t = "\\\""; break;
            case '\\': t = "\\\\"; break;
            case '\n': t = "\\n"; break;
            case '\r': t = "\\r"; break;
            case '\t': t = "\\t"; break;
            case '\b': t = "\\b"; break;
            case '\f': t = "\\f"; break;
            default:
                snprintf(e, sizeof e, "\\u%04x", (unsigned)cp);
                tn = 6;
            }
            pl_w_put(o, t, tn);
            i += k;
        }
        run = i;
    }
    pl_w_put(o, s + run, i - run);
    pl_w_putc(o, '"');
}

void pl_w_put_xml(pl_w_out *o, const char *s, int attr)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, run = 0;
    while (i < n) {
        unsigned char c = p[i];
        const char *t;
        size_t tn, k = 1;
        if (c >= 0x20 && c < 0x80) {
            switch (c) {
            case '&': t = "&amp;", tn = 5; break;
            case '<': t = "&lt;", tn = 4; break;
            case '>': t = "&gt;", tn = 4; break;
            case '"':
                if (!attr) {
                    i++;
                    continue;
                }
                t = "&quot;", tn = 6;
                break;
            default:
                i++;
                continue;
            }
        } else if (c < 0x20) {
            if (c == '\r')
                t = "&#13;", tn = 5;
            else if (c == '\n' && attr)
                t = "&#10;", tn = 5;
            else if (c == '\t' && attr)
                t = "&#9;", tn = 4;
            else if (c == '\n' || c == '\t') {
                i++;
                continue;
            } else
                t = replacement, tn = 3;
        } else {
            uint32_t cp;
            k = utf8_next(p + i, n - i, &cp);
            if (k && xml_char_ok(cp)) {
                i += k;
                continue;
            }
            t = replacement, tn = 3;
            if (!k)
                k = 1;
        }
        pl_w_put(o, s + run, i - run);
        pl_w_put(o, t, tn);
        i += k;
        run = i;
    }
    pl_w_put(o, s + run, i - run);
}

void pl_w_put_cdata(pl_w_out *o, const char *s, size_t n)
{
    pl_w_lit(o, "<![CDATA[");
    size_t i = 0, run = 0;
    while (i + 2 < n) {
        if (s[i] == ']' && s[i + 1] == ']' && s[i + 2] == '>') {
            pl_w_put(o, s + run, i + 2 - run);
            pl_w_lit(o, "]]><![CDATA[");
            run = i + 2;
            i += 2;
        } else {
            i++;
        }
    }
    pl_w_put(o, s + run, n - run);
    pl_w_lit(o, "]]>");
}

int pl_w_copy_file(FILE *from, FILE *to)
{
    if (fflush(from) || fseek(from, 0, SEEK_SET))
        return -1;
    char b[65536];
    size_t n;
    while ((n = fread(b, 1, sizeof b, from)) > 0)
        if (fwrite(b, 1, n, to) != n)
            return -1;
    return ferror(from) ? -1 : 0;
}

void pl_w_field_label(const pl_export_field *f, char *buf, size_t len)
{
    if (f->unit)
        snprintf(buf, len, "%s %s (%s)", f->zh, f->en, f->unit);
    else
        snprintf(buf, len, "%s %s", f->zh, f->en);
}
