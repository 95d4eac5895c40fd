/*
 * pdf_doc.h — the PDF document as the layers above gis/ see it: opened on a
 * FILE, pages turned, closed; no cairo or pango type. The drawing itself
 * (pdf_draw.h, cairo and pango) stays inside gis/: the core (src/) hands
 * plain data to the drawing modules (pdf_sheet.h, pdf_brief.h, pdf_pack.h).
 *
 * Memory: pl_pdf_open allocates the document; pl_pdf_close finishes it and
 * frees it (also on failure). Errors: PL_OK, or a code with `err` filled.
 */
#ifndef PARKLAND_PDF_DOC_H
#define PARKLAND_PDF_DOC_H

#include <stdio.h>

#include "parkland/error.h"

#define PL_PT_PER_MM (72.0 / 25.4)

typedef struct pl_pdf pl_pdf;

/* A document of pages w × h points written to `out` (borrowed); `title` goes
 * in the document information. */
int pl_pdf_open(FILE *out, double w, double h, const char *title, pl_pdf **pdf, pl_error *err);
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

#endif
