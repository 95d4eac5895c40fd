/*
 * xlsx.h — a small XLSX writer on libxlsxwriter (internal): sheets of one
 * title row, one header row and data rows. Cells of numeric columns that are
 * plain decimal numbers become numbers (shown with the decimals they were
 * given); every other cell (e.g. "—") is a string.
 * The library never prints: failures fill the caller's pl_error.
 */
#ifndef PARKLAND_XLSX_H
#define PARKLAND_XLSX_H

#include <stddef.h>
#include <stdio.h>

#include "parkland/error.h"

typedef struct pl_xlsx pl_xlsx;

/* Start a workbook that pl_xlsx_close writes to `path` (which is overwritten). */
int pl_xlsx_open(const char *path, pl_xlsx **out, pl_error *err);
/* Start a sheet named `name` (≤ 31 characters, none of []:*?/\), with a title
 * row (NULL: none) and a header row of `ncols` labels; `numeric[c]` marks
 * number columns (may be NULL). */
int pl_xlsx_sheet(pl_xlsx *x, const char *name, const char *title, size_t ncols, const char *const *labels,
                  const unsigned char *numeric, pl_error *err);
/* Append a data row of the current sheet's ncols cells (NULL = empty). */
int pl_xlsx_row(pl_xlsx *x, const char *const *cells, pl_error *err);
/* Write the file and free `x` (also on failure). */
int pl_xlsx_close(pl_xlsx *x, pl_error *err);

/* Fills a workbook: sheets and rows through pl_xlsx_sheet and pl_xlsx_row. */
typedef int (*pl_xlsx_fill)(pl_xlsx *x, void *ctx, pl_error *err);
/* A workbook filled by `fill` written to the stream `out`. libxlsxwriter writes
 * only to a path it opens itself, so the workbook is written into a directory
 * of our own ($TMPDIR or /tmp, mode 0700: nothing can be planted there), its
 * bytes copied into `out`, and the directory removed, on failure too. */
int pl_xlsx_write_stream(FILE *out, pl_xlsx_fill fill, void *ctx, pl_error *err);

/* 1 when `s` is a plain decimal number ("-12", "3.50"); *value and *decimals get it. */
int pl_xlsx_is_number(const char *s, double *value, int *decimals);

#endif
