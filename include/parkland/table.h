/*
 * parkland/table.h — tables for people and programs: aligned text (CJK
 * characters count double width), CSV (RFC 4180) and JSON.
 * A pl_table copies every string it is given; pl_table_free releases it.
 */
#ifndef PARKLAND_TABLE_H
#define PARKLAND_TABLE_H

#include <stdio.h>

#include "parkland/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_table_format {
    PL_TABLE_TEXT = 0,
    PL_TABLE_CSV,
    PL_TABLE_JSON
} pl_table_format;

/* Parse "table|text|csv|json"; -1 when unknown. */
int pl_table_format_parse(const char *s);

typedef struct pl_table pl_table;

/* `keys` name the columns in JSON members (and CSV headers with
 * pl_table_csv_keys); `labels` are the headers for people, in text and CSV
 * (may be NULL: keys are used). Each label is shown in the language of
 * parkland/i18n.h: looked up in the catalog (pl_tr), or, written "中文 english",
 * its Chinese or its English half (pl_tr_label). */
pl_table *pl_table_new(size_t ncols, const char *const *keys, const char *const *labels);
/* Column `col` holds numbers: right-aligned in text, bare numbers in JSON. */
void pl_table_set_numeric(pl_table *t, size_t col);
/* Column `col` holds labels (the field names of a "show" table): its cells
 * are shown in the language of parkland/i18n.h like the headers (pl_tr_label). */
void pl_table_set_label_column(pl_table *t, size_t col);
/* How much column `col` matters when the text form must fit a width
 * (pl_table_write_fit). 0, the default, is a key column: always shown and
 * never cut (only its label wraps). 1, 2, … may be cut (text cells end in
 * "…") and, when the columns still do not fit, are hidden: the highest number
 * first, the rightmost first among equals. */
void pl_table_set_priority(pl_table *t, size_t col, int priority);
/* Column `col` wraps its long text cells onto more lines (at blanks and
 * after commas) instead of cutting them with "…"; it may be narrowed even
 * with priority 0 (which then only keeps it from being hidden). */
void pl_table_set_wrap(pl_table *t, size_t col);
/* Append a row of ncols cells (NULL cells are empty / JSON null). -1 on ENOMEM. */
int pl_table_add_row(pl_table *t, const char *const *cells);
size_t pl_table_rows(const pl_table *t);
/* Write the table. `bom`: start CSV with a UTF-8 BOM (for Excel and WPS); CSV
 * written to a regular file (a redirected stdout too) always starts with one.
 * CSV headers are the keys, or the labels after pl_table_csv_keys(0).
 * Text and CSV with labels show the times stored in UTC ("YYYY-MM-DDTHH:MM:SSZ"
 * cells) as local time "YYYY-MM-DD HH:MM:SS" ($TZ); JSON and CSV with keys
 * keep them as stored. */
int pl_table_write(const pl_table *t, FILE *out, pl_table_format fmt, int bom);
/* Process-wide: CSV headers are the stable English keys (1, the default of
 * the library) or the labels (0: the parkland command's, unless --keys). */
void pl_table_csv_keys(int keys);
/* The text form fitted to `width` terminal columns (0, or a table that fits:
 * exactly pl_table_write's text). Otherwise the columns of priority > 0 and
 * the wrapping ones are narrowed, the widest first, to a floor of 12
 * columns (30 for wrapping ones; less when their content is narrower): text
 * cut with "…" or wrapped, numbers and key columns never cut. When the
 * floors do not fit, columns are hidden by priority; labels stay on one line
 * unless that would hide a column of priority 1, then they wrap at blanks.
 * Hidden columns are named on a last line "(not shown: KEY, …;
 * --wide shows every column)" in the current language (parkland/i18n.h); a table whose key columns alone are wider
 * than `width` is printed wider. Rows with nothing left in the shown columns
 * are left out; no line ends in blanks. *hidden (may be NULL) gets the
 * number of hidden columns. */
int pl_table_write_fit(const pl_table *t, FILE *out, size_t width, size_t *hidden);
void pl_table_free(pl_table *t);

/* Columns a UTF-8 string takes on a terminal (CJK = 2). */
size_t pl_display_width(const char *utf8);

#ifdef __cplusplus
}
#endif
#endif
