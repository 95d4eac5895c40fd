/*
 * fixed.h — exact decimal text of doubles (internal; the public form is
 * pl_format_fixed in parkland/number.h). Used by the export writers, which
 * write millions of coordinates.
 */
#ifndef PARKLAND_FIXED_H
#define PARKLAND_FIXED_H

#include <stddef.h>

/* printf("%.*f", decimals, v) into buf (≥ 40 bytes), computed with integers
 * from the exact binary value (round half to even on exact ties); with
 * `trim`, trailing zeros and a bare '.' dropped and never "-0". Returns the
 * length written (NUL-terminated), or 0 when v is not finite, |v| ≥ 2^63 or
 * decimals is outside 0..15 — then nothing useful is in buf. */
size_t pl_fixed_fast(char *buf, double v, int decimals, int trim);

/* A number with at most `decimals` (clamped to 0..15) decimals, trailing
 * zeros dropped, never "-0", "null" when not finite: pl_fixed_fast(…, 1) when
 * it can, else snprintf into `len` bytes. Returns the length. */
size_t pl_format_trimmed(char *buf, size_t len, double v, int decimals);

#endif
