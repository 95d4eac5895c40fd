/*
 * buf.h — one growable byte buffer for the whole program (internal), named
 * after git's strbuf: pl_buf_init / pl_buf_release, pl_buf_add*, grown by
 * doubling. And pl_grow, the same growth for arrays of any element (git's
 * ALLOC_GROW).
 *
 * A pl_buf holds `len` bytes at `buf`, always followed by a NUL once anything
 * was added, so buf is a C string when no NUL was added inside. A pl_buf set
 * to zeros (PL_BUF_INIT, `= {0}`, calloc) is a valid empty buffer whose buf
 * is NULL until the first add; pl_buf_cstr gives "" then.
 *
 * Errors: the functions that can allocate return 0, or -1 when memory runs
 * out or the size would overflow; the buffer is then unchanged (pl_buf_addf:
 * unchanged too). They never fill a pl_error: the caller says what it was
 * doing.
 *
 * Ownership: the pl_buf owns `buf`; pl_buf_release frees it and leaves an
 * empty buffer, pl_buf_detach hands it to the caller (who frees it).
 */
#ifndef PARKLAND_BUF_H
#define PARKLAND_BUF_H

#include <stddef.h>

typedef struct pl_buf {
    char *buf;    /* NULL while nothing was ever added */
    size_t len;   /* bytes held, NUL not counted */
    size_t alloc; /* bytes allocated at buf */
} pl_buf;

#define PL_BUF_INIT {NULL, 0, 0}

void pl_buf_init(pl_buf *b);
/* Free the bytes; b is an empty buffer again. */
void pl_buf_release(pl_buf *b);
/* Keep the memory, drop the contents (len 0). */
void pl_buf_reset(pl_buf *b);
/* Make room for `extra` more bytes and the NUL. */
int pl_buf_grow(pl_buf *b, size_t extra);

int pl_buf_add(pl_buf *b, const void *data, size_t n);
/* NULL adds nothing. */
int pl_buf_addstr(pl_buf *b, const char *s);
int pl_buf_addch(pl_buf *b, char c);
int pl_buf_addf(pl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The contents as a C string: buf, or "" while buf is NULL. */
static inline const char *pl_buf_cstr(const pl_buf *b)
{
    return b->buf ? b->buf : "";
}

/* Hand the bytes to the caller (NUL-terminated, never NULL; caller frees);
 * b is an empty buffer again. NULL when memory runs out. */
char *pl_buf_detach(pl_buf *b, size_t *len);

/* Grow the array *arr of *alloc elements of `size` bytes to hold at least
 * `need` of them: doubling from `first` (when *alloc is 0). The elements
 * already there are kept; the new ones are zeroed. 0, or -1 when
 * memory runs out or the size would overflow (*arr and *alloc unchanged). */
int pl_grow(void **arr, size_t *alloc, size_t need, size_t size, size_t first);

#endif
