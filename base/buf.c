/* buf.c — the growable byte buffer and array growth (buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pl_grow(void **arr, size_t *alloc, size_t need, size_t size, size_t first)
{
    if (need <= *alloc)
        return 0;
    if (!size)
        return -1;
    size_t n = *alloc ? *alloc : (first ? first : 1);
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return -1;
    void *p = realloc(*arr, n * size);
    if (!p)
        return -1;
    memset((char *)p + *alloc * size, 0, (n - *alloc) * size);
    *arr = p;
    *alloc = n;
    return 0;
}

void pl_buf_init(pl_buf *b)
{
    b->buf = NULL;
    b->len = b->alloc = 0;
}

void pl_buf_release(pl_buf *b)
{
    free(b->buf);
    pl_buf_init(b);
}

void pl_buf_reset(pl_buf *b)
{
    b->len = 0;
    if (b->buf)
        b->buf[0] = '\0';
}

int pl_buf_grow(pl_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - 1 - b->len)
        return -1;
    return pl_grow((void **)&b->buf, &b->alloc, b->len + extra + 1, 1, 256);
}

int pl_buf_add(pl_buf *b, const void *data, size_t n)
{
    if (pl_buf_grow(b, n))
        return -1;
    if (n)
        memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

int pl_buf_addstr(pl_buf *b, const char *s)
{
    return pl_buf_add(b, s ? s : "", s ? strlen(s) : 0);
}

int pl_buf_addch(pl_buf *b, char c)
{
    return pl_buf_add(b, &c, 1);
}

int pl_buf_addf(pl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->alloc > b->len ? b->alloc - b->len : 0;
    int n = vsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (b->buf)
            b->buf[b->len] = '\0';
        return -1;
    }
    if ((size_t)n >= room) {
        if (pl_buf_grow(b, (size_t)n)) {
            if (b->buf)
                b->buf[b->len] = '\0';
            return -1;
        }
        va_start(ap, fmt);
        vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
    return 0;
}

char *pl_buf_detach(pl_buf *b, size_t *len)
{
    if (!b->buf && pl_buf_grow(b, 0))
        return NULL;
    char *p = b->buf;
    if (len)
        *len = b->len;
    pl_buf_init(b);
    return p;
}
