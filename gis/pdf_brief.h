/*
 * pdf_brief.h — the pages of the investor brief (`lead brief`), A4 portrait,
 * one a candidate parcel: a heading, the location map (the parcel in red
 * among the park's other parcels in grey, north arrow and scale bar), the
 * facts, the match score with the reason of each component, the lead, the
 * park's contacts and a footer.
 *
 * The caller (src/brief.c) queries and hands plain data; everything is
 * borrowed for the call. The park's other parcels are streamed: `others` is
 * called once and hands each geometry to `draw` as it reads it.
 */
#ifndef PARKLAND_PDF_BRIEF_H
#define PARKLAND_PDF_BRIEF_H

#include <stddef.h>

#include "parkland/error.h"
#include "pdf_doc.h"
#include "rawgeom.h"

#define PL_BRIEF_PAGE_W_MM 210.0
#define PL_BRIEF_PAGE_H_MM 297.0

typedef void pl_brief_draw_fn(void *dctx, const pl_geom *g);

typedef struct pl_brief_page {
    const char *title;             /* "招商地块推介 investor brief · COMPANY" */
    const char *heading;           /* "候选地块 1/2 candidate 1 of 2 · 宗地号 parcel …" */
    const pl_geom *geom;           /* the parcel, working CRS */
    double box[4];                 /* the map's extent: minx, miny, maxx, maxy */
    /* hand each other parcel of the park to draw(dctx, g); PL_OK or an error */
    int (*others)(void *ctx, pl_brief_draw_fn *draw, void *dctx, pl_error *err);
    void *ctx;
    const char *const (*facts)[2]; /* label, value */
    size_t nfacts;
    const char *score;             /* "匹配度 match score 87.5 / 100" */
    const char *const *reasons;
    size_t nreasons;
    const char *who;               /* the lead and its demand */
    const char *contact;           /* the park's contacts, or that none are on record */
    const char *footer;            /* "出图 generated … · parkland …" */
} pl_brief_page;

/* Draw one page on the current page of pdf (opened PL_BRIEF_PAGE_W_MM ×
 * PL_BRIEF_PAGE_H_MM); the caller turns the pages. */
int pl_pdf_brief_page(pl_pdf *pdf, const pl_brief_page *p, pl_error *err);

#endif
