/*
 * pdf_draw.h — what the printed outputs share (gis/pdf_sheet.c, write_pdf.c):
 * a PDF document on cairo's PDF surface written to a FILE, text through pango
 * (fontconfig finds Noto Sans CJK SC; cairo embeds the subsets used), and the
 * small pieces of a map: nice scales, the scale bar, the north arrow.
 *
 * Units: PDF points (1/72 inch), y downwards (cairo's user space).
 * Text is laid out as plain text (never markup), so "&<>" print as written;
 * invalid UTF-8 prints as U+FFFD.
 *
 * Memory: pl_pdf_open allocates the document; pl_pdf_close finishes it and
 * frees it (also on failure). Errors: PL_OK, or a code with `err` filled.
 */
#ifndef PARKLAND_PDF_DRAW_H
#define PARKLAND_PDF_DRAW_H

#include <cairo.h>
#include <stdio.h>

#include "parkland/error.h"
#include "pdf_doc.h" /* pl_pdf: open, next page, close */

#define PL_PDF_FONT "Noto Sans CJK SC"

cairo_t *pl_pdf_cr(pl_pdf *pdf);

enum { PL_ALIGN_LEFT = 0, PL_ALIGN_CENTER = 1, PL_ALIGN_RIGHT = 2 };

/* Size of `text` at `size` points (bold: 1) in *w, *h (may be NULL). */
void pl_pdf_text_size(pl_pdf *pdf, const char *text, double size, int bold, double *w, double *h);
/* Draw `text` with its top at y, x its left, centre or right edge by `align`,
 * in the current colour. Returns the width drawn. */
double pl_pdf_text(pl_pdf *pdf, const char *text, double size, int bold, double x, double y, int align);
/* The same, wrapped at `width` points; returns the height drawn. */
double pl_pdf_text_wrapped(pl_pdf *pdf, const char *text, double size, int bold, double x, double y,
                           double width);
/* The height pl_pdf_text_wrapped would draw, drawing nothing. */
double pl_pdf_text_wrapped_height(pl_pdf *pdf, const char *text, double size, int bold, double width);

/* Set the source colour "#rrggbb" with alpha. */
void pl_pdf_color(cairo_t *cr, const char *hex, double alpha);

/* The smallest scale denominator of the series 1, 2, 2.5, 5 × 10^k (≥ 100)
 * at which `ground` metres fit in `paper` points. */
double pl_pdf_nice_scale(double ground_m, double paper_pt);
/* A nice step (1, 2, 5 × 10^k) of ground metres close to `target` metres. */
double pl_pdf_nice_step(double target_m);

/* Scale bar with its left end at (x, y): alternating segments, labelled in
 * metres, about `max_pt` long at 1:n; then "1:n". Returns its height. */
double pl_pdf_scale_bar(pl_pdf *pdf, double x, double y, double n, double max_pt);
/* North arrow (grid north) of height h with its top centre at (x, y). */
void pl_pdf_north_arrow(pl_pdf *pdf, double x, double y, double h);

#endif
