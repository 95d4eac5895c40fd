/*
 * pdf_pack.h — the meeting pack (`report pack`) as a PDF, A4 portrait: a
 * contents page (each section's title and first page), then the sections in
 * order, each starting on a new page: a map (one page, drawn by the caller's
 * callback onto the document, e.g. the map sheet of write_pdf.c) or tables
 * (a title, the header row repeated on every page a table runs over, numbers
 * right-aligned, long cells wrapped). Every page ends with
 * "第 N 页 / 共 M 页 · page N of M"; the pages are counted by laying the
 * tables out once before anything is drawn.
 *
 * Everything is given by the caller (src/pack.c) and borrowed for the call.
 * No cairo type here: the caller stays out of the drawing.
 */
#ifndef PARKLAND_PDF_PACK_H
#define PARKLAND_PDF_PACK_H

#include <stddef.h>
#include <stdio.h>

#include "parkland/error.h"
#include "pdf_doc.h"

#define PL_PACK_PAGE_W_MM 210.0
#define PL_PACK_PAGE_H_MM 297.0

typedef struct pl_pack_table {
    const char *title;
    size_t ncols, nrows;
    const char *const *labels;    /* ncols */
    const char *const *cells;     /* nrows × ncols, row by row ("" for none) */
    const unsigned char *numeric; /* ncols, 1: right-aligned; NULL: none */
    const char *note;             /* a line under the table, NULL for none */
} pl_pack_table;

typedef struct pl_pack_section {
    const char *title;            /* in the contents and at the head of the section */
    int map;                      /* 1: one page drawn by the map callback */
    const pl_pack_table *tables;  /* map 0: the tables, in order */
    size_t ntables;
} pl_pack_section;

typedef struct pl_pack_doc {
    const char *title;            /* "会议材料 meeting pack · 园区 …" */
    const char *subtitle;         /* "截至 as of 2026-03-01 · 出图 …" */
    const pl_pack_section *sections;
    size_t nsections;
    /* Draw section `s`'s map on the current page of `pdf` (do not turn the
     * page, do not close the document). */
    int (*map)(void *ctx, size_t s, pl_pdf *pdf, pl_error *err);
    void *ctx;
} pl_pack_doc;

typedef struct pl_pack_out {
    int pages;                    /* pages written */
    int first_page[64];           /* first page of each section (≤ 64 sections) */
} pl_pack_out;

/* Write the pack to `out`. PL_ERR_USAGE for more than 64 sections; else the
 * errors of the map callback and of writing. */
int pl_pdf_pack_write(FILE *out, const pl_pack_doc *d, pl_pack_out *res, pl_error *err);

#endif
