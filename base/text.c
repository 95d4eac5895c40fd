#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int pl_text_is_utf8(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}

size_t pl_text_bom_len(const char *buf, size_t len)
{
    return (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
            (unsigned char)buf[2] == 0xbf) ? 3 : 0;
}

size_t pl_text_utf8_cut(const char *s, size_t len)
{
    size_t k = len;
    while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80 && len - k < 3)
        k--;
    if (k == 0)
        return len;
    unsigned char lead = (unsigned char)s[k - 1];
    size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return (len - (k - 1) >= need) ? len : k - 1;
}

void pl_text_copy_utf8(char *dst, size_t n, const char *src, size_t srclen)
{
    if (n == 0)
        return;
    if (srclen > n - 1)
        srclen = pl_text_utf8_cut(src, n - 1);
    memcpy(dst, src, srclen);
    dst[srclen] = '\0';
}

static char *convert(const char *to, const char *from, const char *buf, size_t len, size_t *outlen)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 2 + 16;
    char *out = malloc(cap);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *in = (char *)buf;
    size_t inleft = len, used = 0;
    for (;;) {
        char *op = out + used;
        size_t outleft = cap - used - 1;
        size_t r = iconv(cd, &in, &inleft, &op, &outleft);
        used = (size_t)(op - out);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            char *n = realloc(out, cap * 2);
            if (!n)
                goto fail;
            out = n;
            cap *= 2;
            continue;
        }
        goto fail; /* EILSEQ or EINVAL (truncated sequence) */
    }
    iconv_close(cd);
    out[used] = '\0';
    if (outlen)
        *outlen = used;
    return out;
fail:
    {
        int e = errno;
        iconv_close(cd);
        free(out);
        errno = e;
        return NULL;
    }
}

char *pl_text_gbk_to_utf8(const char *buf, size_t len, size_t *outlen)
{
    return convert("UTF-8", "GB18030", buf, len, outlen);
}

char *pl_text_utf8_to_gbk(const char *buf, size_t len, size_t *outlen)
{
    return convert("GB18030", "UTF-8", buf, len, outlen);
}

static int is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
           (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
           (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t pl_text_display_width(const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t w = 0;
    while (*s) {
        uint32_t cp;
        size_t n;
        if (*s < 0x80) {
            cp = *s;
            n = 1;
        } else if ((*s & 0xe0) == 0xc0) {
            cp = *s & 0x1f;
            n = 2;
        } else if ((*s & 0xf0) == 0xe0) {
            cp = *s & 0x0f;
            n = 3;
        } else {
            cp = *s & 0x07;
            n = 4;
        }
        for (size_t k = 1; k < n; k++) {
            if ((s[k] & 0xc0) != 0x80) {
                n = k;
                break;
            }
            cp = (cp << 6) | (s[k] & 0x3f);
        }
        s += n;
        if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36f) || cp == 0x200b)
            continue; /* control and combining marks take no column */
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}

int pl_text_is_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f || c == ',' || c == '\'' || c == '"')
            return 0;
    }
    return 1;
}
