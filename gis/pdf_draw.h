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

#define PL_PT_PER_MM (72.0 / 25.4)
#define PL_PDF_FONT "Noto Sans CJK SC"

typedef struct pl_pdf pl_pdf;

/* A document of pages w × h points written to `out` (borrowed); `title` goes
 * in the document information. */
int pl_pdf_open(FILE *out, double w, double h, const char *title, pl_pdf **pdf, pl_error *err);
cairo_t *pl_pdf_cr(pl_pdf *pdf);
/* End the current page and start another. */
void pl_pdf_next_page(pl_pdf *pdf);
/* Finish the document, flush it to the FILE and free pdf. */
int pl_pdf_close(pl_pdf *pdf, pl_error *err);
/* Release what the text machinery keeps for the whole process once a document
 * has been opened: pango's default font map of the calling thread (its fonts
 * and their fontconfig patterns), cairo's static caches and fontconfig's
 * configuration. Without it a leak checker (LeakSanitizer, valgrind) reports
 * them at exit. Does nothing when no document was opened. Called once at the
 * end of the process (pl_library_shutdown), from the thread that drew the
 * documents, after every document is closed; a later pl_pdf_open starts the
 * libraries again. */
void pl_pdf_library_shutdown(void);

enum { PL_ALIGN_LEFT = 0, PL_ALIGN_CENTER = 1, PL_ALIGN_RIGHT = 2 };

/* Size of `text` at `size` points (bold: 1) in *w, *h (may be NULL). */
void pl_pdf_text_size(pl_pdf *pdf, const char *text, double size, int bold, double *w, double *h);
/* Draw `text` with its top at y, x its left, centre or right edge by `align`,
 * in the current colour. Returns the width drawn. */
double pl_pdf_text(pl_pdf *pdf, const char *text, double size, int bold, double x, double y, int align);
/* The same, wrapped at `width` points; returns the height drawn. */
double pl_pdf_text_wrapped(pl_pdf *pdf, const char *text, double size, int bold, double x, double y,
                           double width);

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
