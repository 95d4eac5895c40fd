/*
 * text.h — character sets and display width (internal).
 * iconv from glibc does the GBK work: it is always there on Debian, and its
 * GB18030 table is a strict superset of GBK/GB2312.
 */
#ifndef PARKLAND_TEXT_H
#define PARKLAND_TEXT_H

#include <stddef.h>

/* 1 when buf[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int pl_text_is_utf8(const char *buf, size_t len);
/* Length of a UTF-8 BOM at the start of buf (3 or 0). */
size_t pl_text_bom_len(const char *buf, size_t len);

/* Length of the longest prefix of s[0..len) that does not end inside a UTF-8
 * sequence, so that cutting there keeps valid UTF-8 valid. */
size_t pl_text_utf8_cut(const char *s, size_t len);
/* Copy src[0..srclen) into dst (n bytes; nothing when n is 0), NUL-terminated
 * and cut at a UTF-8 character boundary when it does not fit. */
void pl_text_copy_utf8(char *dst, size_t n, const char *src, size_t srclen);

/* Convert GBK (read as GB18030) to UTF-8. Returns a NUL-terminated string the
 * caller frees, or NULL when the bytes are not valid GBK (errno EILSEQ) or on
 * ENOMEM. *outlen gets the length without the NUL when outlen is non-NULL. */
char *pl_text_gbk_to_utf8(const char *buf, size_t len, size_t *outlen);
/* UTF-8 to GBK (GB18030) for export; NULL when a character has no GBK form. */
char *pl_text_utf8_to_gbk(const char *buf, size_t len, size_t *outlen);

/* Columns a UTF-8 string takes on a terminal: CJK and full-width count 2. */
size_t pl_text_display_width(const char *utf8);

/* 1 when s is usable as a lead or project code: 1–63 bytes, no blanks,
 * control characters, commas or quotes. */
int pl_text_is_code(const char *s);

#endif
