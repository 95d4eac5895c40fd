/*
 * parkland/parse.h — the one dialect that every option and CSV cell takes for
 * dates, numbers and quantities with a unit (implemented in base/parse.c).
 *
 * Full-width forms (０-９, ，, ．, －, ／, the ideographic space) and the minus
 * sign − (U+2212) read as their ASCII counterparts; blanks around a value are ignored.
 *
 * Dates: 2026-03-01, 2026-3-1, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301.
 * Numbers: an optional sign, digits with thousands separators (12,000 or
 * 12，000: groups of exactly three digits), a decimal point, an exponent.
 * Quantities: a number and a unit of the option's dimension (40亩, 2.6公顷,
 * 26666m², 1.2亿元, 12000万元), converted into the option's unit.
 */
#ifndef PARKLAND_PARSE_H
#define PARKLAND_PARSE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The forms a date is written in, for messages. */
#define PL_PARSE_DATE_FORMS "2026-03-01, 2026-3-1, 2026/3/1, 2026.3.1, 2026年3月1日 or 20260301"

/* 1 when s is a real calendar date (years 1000–9999; 2026-2-30 is not, leap
 * years are) in one of the forms above; out[11] (when not NULL) gets it as
 * YYYY-MM-DD. 0 else (s may be NULL). */
int pl_parse_date(const char *s, char out[11]);

/* The forms a month is written in, for messages. */
#define PL_PARSE_MONTH_FORMS "2026-03, 2026-3, 2026/3, 2026.3, 2026年3月 or 202603"

/* 1 when s is a month of years 1000–9999 in one of the forms above (full-width
 * digits too); out[8] (when not NULL) gets it as YYYY-MM. 0 else. */
int pl_parse_month(const char *s, char out[8]);

/* 1 when the whole of s is a finite number as above (*out set); 0 else. */
int pl_parse_number(const char *s, double *out);

/* 1 when s is exactly n numbers separated by commas (ASCII or full-width,
 * blanks around each allowed), each as above but without thousands
 * separators (the comma separates the numbers): "-15.8,１２３，－4.5" (also
 * U+2212 − as the sign). out[0..n-1] set; 0 else (out may be changed). */
int pl_parse_number_list(const char *s, double *out, size_t n);

/* The units a quantity is read in. Each has a dimension: area (m², 亩, ha),
 * money (万元), length (m), land intensity (万元/亩), land intensity per year
 * (万元/亩·年). */
typedef enum pl_unit {
    PL_UNIT_NONE = 0, /* a plain number: no unit is taken */
    PL_UNIT_M2,       /* m², m2, ㎡, 平方米, sqm */
    PL_UNIT_MU,       /* 亩, mu */
    PL_UNIT_HA,       /* 公顷, ha, hectare(s) */
    PL_UNIT_WAN,      /* 万元, 万 (10 000 CNY); also 亿元/亿 (10 000 万元), 元 (0.0001 万元) */
    PL_UNIT_M,        /* m, 米, metre(s); also km, 公里, 千米 */
    PL_UNIT_WAN_PER_MU,      /* 万元/亩; also 万元/公顷, 元/m² */
    PL_UNIT_WAN_PER_MU_YEAR, /* 万元/亩·年 (万元/亩/年, 万元/亩); also 万元/公顷·年 */
} pl_unit;

/* The main name of a unit ("亩", "m²", "万元"…); "" for PL_UNIT_NONE. Static. */
const char *pl_unit_name(pl_unit u);

/* The unit named by text (one of the names above, ASCII case-insensitive);
 * PL_UNIT_NONE when unknown or empty. */
pl_unit pl_unit_parse(const char *text);

/* Read s as a quantity in `unit`: a number alone is in `unit`; a number and a
 * unit of the same dimension is converted into `unit`. Returns 1 and sets
 * *out (and *converted: 1 when a unit other than `unit` was written, else 0;
 * converted may be NULL); 0 when s is not a number followed by nothing or
 * by a unit of that dimension. */
int pl_parse_quantity(const char *s, pl_unit unit, double *out, int *converted);

/* The units of unit's dimension, for messages ("亩, 公顷/ha, m²/平方米"). Static. */
const char *pl_unit_choices(pl_unit unit);

/* Edit distance between a and b (optimal string alignment: insertions,
 * deletions, substitutions and swaps of two neighbours, each 1; bytes, ASCII
 * case ignored), for "did you mean". Stops counting at limit: any distance
 * above it is returned as limit + 1. */
int pl_edit_distance(const char *a, const char *b, int limit);

/* The largest distance at which a suggestion is worth making for a word of
 * n bytes: 1 up to 4 bytes, 2 up to 9, then 3. */
int pl_suggest_limit(size_t n);

#ifdef __cplusplus
}
#endif

#endif
