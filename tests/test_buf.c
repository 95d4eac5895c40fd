/*
 * test_buf.c — base/buf.h: the growable byte buffer and array growth that
 * the writers, the GeoJSON reader, match and the reports share.
 */
#include "buf.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

Test(buf, a_zeroed_buffer_is_empty_and_grows_by_appends)
{
    pl_buf b = PL_BUF_INIT;
    cr_assert_str_eq(pl_buf_cstr(&b), "");
    cr_assert_eq(pl_buf_addstr(&b, "宗地"), 0);
    cr_assert_eq(pl_buf_addch(&b, ' '), 0);
    cr_assert_eq(pl_buf_add(&b, "abcdef", 3), 0);
    cr_assert_eq(pl_buf_addstr(&b, NULL), 0);
    cr_assert_str_eq(b.buf, "宗地 abc");
    cr_assert_eq(b.len, strlen("宗地 abc"));
    /* far past the first allocation, byte for byte */
    for (int i = 0; i < 10000; i++)
        cr_assert_eq(pl_buf_addch(&b, (char)('a' + i % 26)), 0);
    cr_assert_eq(b.len, strlen("宗地 abc") + 10000);
    cr_assert_eq(b.buf[b.len], '\0');
    cr_assert_geq(b.alloc, b.len + 1);
    cr_assert_eq(b.buf[strlen("宗地 abc") + 9999], (char)('a' + 9999 % 26));
    pl_buf_release(&b);
    cr_assert_null(b.buf);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.alloc, 0);
}

Test(buf, addf_appends_short_and_long_text_exactly)
{
    pl_buf b = PL_BUF_INIT;
    cr_assert_eq(pl_buf_addf(&b, "%s=%d", "n", 42), 0);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    /* longer than what is free, and than the 512 bytes the writers' old buffer formatted on the stack */
    cr_assert_eq(pl_buf_addf(&b, ",%s,%.3f", big, 1.0 / 3), 0);
    cr_assert_eq(b.len, strlen("n=42,") + sizeof big - 1 + strlen(",0.333"));
    cr_assert_eq(strncmp(b.buf, "n=42,xxx", 8), 0);
    cr_assert_str_eq(b.buf + b.len - 6, ",0.333");
    pl_buf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.buf, "");
    cr_assert_eq(pl_buf_addf(&b, "%s", ""), 0);
    cr_assert_str_eq(b.buf, "");
    pl_buf_release(&b);
}

Test(buf, detach_hands_over_a_string_and_empties_the_buffer)
{
    pl_buf b = PL_BUF_INIT;
    size_t len = 99;
    char *s = pl_buf_detach(&b, &len);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "");
    cr_assert_eq(len, 0);
    free(s);
    pl_buf_addstr(&b, "parcel");
    s = pl_buf_detach(&b, &len);
    cr_assert_str_eq(s, "parcel");
    cr_assert_eq(len, 6);
    cr_assert_null(b.buf);
    cr_assert_eq(b.len, 0);
    free(s);
}

Test(buf, a_size_that_would_overflow_is_refused_and_changes_nothing)
{
    pl_buf b = PL_BUF_INIT;
    pl_buf_addstr(&b, "keep");
    cr_assert_eq(pl_buf_grow(&b, SIZE_MAX - 2), -1);
    cr_assert_eq(pl_buf_add(&b, "x", SIZE_MAX), -1);
    cr_assert_str_eq(b.buf, "keep");
    cr_assert_eq(b.len, 4);
    pl_buf_release(&b);

    long *a = NULL;
    size_t alloc = 0;
    cr_assert_eq(pl_grow((void **)&a, &alloc, SIZE_MAX / sizeof *a + 1, sizeof *a, 4), -1);
    cr_assert_null(a);
    cr_assert_eq(alloc, 0);
}

Test(buf, grow_keeps_the_elements_and_zeroes_the_new_ones)
{
    long *a = NULL;
    size_t alloc = 0;
    cr_assert_eq(pl_grow((void **)&a, &alloc, 1, sizeof *a, 4), 0);
    cr_assert_eq(alloc, 4);
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(a[i], 0);
        a[i] = (long)i + 1;
    }
    cr_assert_eq(pl_grow((void **)&a, &alloc, 3, sizeof *a, 4), 0); /* room already */
    cr_assert_eq(alloc, 4);
    cr_assert_eq(pl_grow((void **)&a, &alloc, 9, sizeof *a, 4), 0);
    cr_assert_eq(alloc, 16);
    for (size_t i = 0; i < 16; i++)
        cr_assert_eq(a[i], i < 4 ? (long)i + 1 : 0, "element %zu", i);
    free(a);
}
