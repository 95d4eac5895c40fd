/*
 * pdf_sheet.h — the parcel sheet (宗地图) and its 界址点成果表 as a PDF
 * (A4 portrait): page 1 the parcel with its neighbours (greyed, with their
 * codes), its boundary points J1… and side lengths at a stated scale, north
 * arrow, scale bar and the parcel's facts; then the table of boundary points,
 * PL_SHEET_ROWS rows a page, continued over as many pages as needed.
 *
 * Everything is given by the caller (src/sheet.c) and borrowed for the call.
 */
#ifndef PARKLAND_PDF_SHEET_H
#define PARKLAND_PDF_SHEET_H

#include <stddef.h>
#include <stdio.h>

#include "boundary.h"
#include "parkland/error.h"
#include "rawgeom.h"

#define PL_SHEET_ROWS 24

typedef struct pl_sheet_neighbour {
    const char *code;
    const pl_geom *geom;   /* working CRS */
    double label_x, label_y;
} pl_sheet_neighbour;

typedef struct pl_sheet_doc {
    const char *code;      /* 宗地号 */
    const char *title;     /* "宗地图 QDIP-2024-001 名称" */
    const char *holder;    /* 权利人/用地单位 ("—" when none) */
    const char *area;      /* "12345.67 m² = 18.52 亩 = 1.2346 ha" */
    const char *crs;       /* "EPSG:4549 CGCS2000 …" */
    const char *footer;    /* "出图 2026-03-01 · parkland 0.1.0" */
    const char *fill;      /* the parcel's status colour "#rrggbb" */
    const char *const (*facts)[2]; /* label, value rows under the map */
    size_t nfacts;
    const pl_geom *geom;   /* the parcel, working CRS */
    const pl_boundary *points;
    const pl_sheet_neighbour *nb;
    size_t nnb;
} pl_sheet_doc;

typedef struct pl_sheet_out {
    int pages;
    double scale;          /* denominator of the map's scale */
} pl_sheet_out;

int pl_pdf_sheet_write(FILE *out, const pl_sheet_doc *d, pl_sheet_out *res, pl_error *err);

#endif
