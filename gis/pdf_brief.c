/* pdf_brief.c — one page of the investor brief (pdf_brief.h). */
#include "pdf_brief.h"

#include "pdf_draw.h"

#include <math.h>

#define A4_W (PL_BRIEF_PAGE_W_MM * PL_PT_PER_MM)
#define A4_H (PL_BRIEF_PAGE_H_MM * PL_PT_PER_MM)
#define MARGIN (15 * PL_PT_PER_MM)
#define FLUSH 2000 /* other parcels in one path */

typedef struct map {
    cairo_t *cr;
    double fx, fy, fw, fh, x0, y0, k, n;
    long pending;
} map;

static void path_of(cairo_t *cr, const map *m, const pl_geom *g)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++) {
            const pl_ring *r = &g->polys[i].rings[j];
            for (size_t k = 0; k < r->n; k++) {
                double px = m->fx + m->fw / 2 + (r->xy[2 * k] - m->x0) * m->k;
                double py = m->fy + m->fh / 2 - (r->xy[2 * k + 1] - m->y0) * m->k;
                if (k)
                    cairo_line_to(cr, px, py);
                else
                    cairo_move_to(cr, px, py);
            }
            cairo_close_path(cr);
        }
}

static void grey(map *m)
{
    cairo_t *cr = m->cr;
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.2);
    cairo_stroke(cr);
    m->pending = 0;
}

static void draw_other(void *dctx, const pl_geom *g)
{
    map *m = dctx;
    path_of(m->cr, m, g);
    if (++m->pending >= FLUSH)
        grey(m);
}

int pl_pdf_brief_page(pl_pdf *pdf, const pl_brief_page *p, pl_error *err)
{
    cairo_t *cr = pl_pdf_cr(pdf);
    double y = MARGIN;
    cairo_set_source_rgb(cr, 0, 0, 0);
    pl_pdf_text(pdf, p->title, 14, 1, A4_W / 2, y, PL_ALIGN_CENTER);
    y += 22;
    pl_pdf_text(pdf, p->heading, 9, 0, A4_W / 2, y, PL_ALIGN_CENTER);
    y += 18;

    /* the map: the box given */
    map m = {cr, MARGIN, y, A4_W - 2 * MARGIN, 95 * PL_PT_PER_MM, 0, 0, 0, 0, 0};
    const double *b = p->box;
    m.x0 = (b[0] + b[2]) / 2;
    m.y0 = (b[1] + b[3]) / 2;
    m.n = fmax(pl_pdf_nice_scale(fmax(b[2] - b[0], 1), m.fw * 0.94), pl_pdf_nice_scale(fmax(b[3] - b[1], 1), m.fh * 0.94));
    m.k = 1000.0 * PL_PT_PER_MM / m.n;
    cairo_save(cr);
    cairo_rectangle(cr, m.fx, m.fy, m.fw, m.fh);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    int rc = p->others ? p->others(p->ctx, draw_other, &m, err) : PL_OK;
    grey(&m);
    path_of(cr, &m, p->geom);
    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.5, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    cairo_restore(cr);
    if (rc)
        return rc;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, m.fx, m.fy, m.fw, m.fh);
    cairo_stroke(cr);
    pl_pdf_north_arrow(pdf, m.fx + m.fw - 14, m.fy + 6, 24);
    y = m.fy + m.fh + 6;
    pl_pdf_scale_bar(pdf, m.fx, y, m.n, 40 * PL_PT_PER_MM);
    pl_pdf_text(pdf, "红色: 本地块 red: this parcel · 灰色: 园区其他地块 grey: the park's other parcels", 7, 0,
                m.fx + m.fw, y, PL_ALIGN_RIGHT);
    y += 30;

    /* facts, score and reasons */
    double w = A4_W - 2 * MARGIN;
    for (size_t i = 0; i < p->nfacts; i++) {
        pl_pdf_text(pdf, p->facts[i][0], 8.5, 1, MARGIN, y, PL_ALIGN_LEFT);
        y += pl_pdf_text_wrapped(pdf, p->facts[i][1], 8.5, 0, MARGIN + 110, y, w - 110) + 4;
    }
    y += 8;
    pl_pdf_text(pdf, p->score, 12, 1, MARGIN, y, PL_ALIGN_LEFT);
    y += 20;
    for (size_t i = 0; i < p->nreasons; i++)
        y += pl_pdf_text_wrapped(pdf, p->reasons[i], 8.5, 0, MARGIN + 10, y, w - 10) + 3;
    y += 10;
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    y += pl_pdf_text_wrapped(pdf, p->who, 7.5, 0, MARGIN, y, w) + 10;
    if (p->contact) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        pl_pdf_text_wrapped(pdf, p->contact, 8.5, 0, MARGIN, y, w);
    }
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    pl_pdf_text(pdf, p->footer, 6.5, 0, MARGIN, A4_H - MARGIN, PL_ALIGN_LEFT);
    return PL_OK;
}
