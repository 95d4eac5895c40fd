/*
 * export_internal.h — the map sheet of `export pdf` drawn into a document
 * that another printed output owns (the meeting pack, src/pack.c).
 */
#ifndef PARKLAND_EXPORT_INTERNAL_H
#define PARKLAND_EXPORT_INTERNAL_H

#include <stdio.h>

#include "parkland/export.h"
#include "pdf_doc.h"

/* The export of opt (format PL_EXPORT_PDF; page size and scale as opt says)
 * drawn on the current page of `pdf` (borrowed, left open). `out` is the
 * stream `pdf` writes to (checked for write errors). */
int pl_export_into_pdf(pl_db *db, const pl_export_options *opt, FILE *out, pl_pdf *pdf, pl_export_result *res,
                       pl_error *err);

#endif
