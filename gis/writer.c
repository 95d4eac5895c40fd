/* writer.c — text escaping, numbers and buffers shared by the export writers. */
#include "writer.h"

#include <math.h>
#include <stdarg.h>
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
    if (!s) {
        fputs("null", out);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    fputc('"', out);
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_next(p + i, n - i, &cp);
        if (!k) {
            fputs(replacement, out);
            i++;
            continue;
        }
        switch (cp) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (cp < 0x20 || cp == 0x7f)
                fprintf(out, "\\u%04x", (unsigned)cp);
            else if (html_safe && (cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029))
                fprintf(out, "\\u%04x", (unsigned)cp);
            else
                fwrite(p + i, 1, k, out);
        }
        i += k;
    }
    fputc('"', out);
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

int pl_w_buf_add(pl_w_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

int pl_w_buf_str(pl_w_buf *b, const char *s)
{
    return pl_w_buf_add(b, s ? s : "", s ? strlen(s) : 0);
}

int pl_w_buf_fmt(pl_w_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof tmp)
        return pl_w_buf_add(b, tmp, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big)
        return -1;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = pl_w_buf_add(b, big, (size_t)n);
    free(big);
    return rc;
}

int pl_w_buf_html(pl_w_buf *b, const char *s)
{
    char *c = pl_w_clean(s, 0);
    if (!c)
        return -1;
    int rc = 0;
    const char *run = c;
    for (const char *p = c; *p && !rc; p++) {
        const char *e = html_entity(*p);
        if (e) {
            rc = pl_w_buf_add(b, run, (size_t)(p - run));
            if (!rc)
                rc = pl_w_buf_str(b, e);
            run = p + 1;
        }
    }
    if (!rc)
        rc = pl_w_buf_str(b, run);
    free(c);
    return rc;
}

void pl_w_buf_free(pl_w_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

void pl_w_num(char *buf, size_t len, double v, int decimals)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "null");
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 15)
        decimals = 15;
    snprintf(buf, len, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    if (!strcmp(buf, "-0"))
        snprintf(buf, len, "0");
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
