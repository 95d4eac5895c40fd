/* pdf_pack.c — the meeting pack (pdf_pack.h): laid out once without drawing
 * (to count the pages of each section), then drawn. */
#include "pdf_pack.h"

#include "pdf_draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN (15 * PL_PT_PER_MM)
#define FOOT (10 * PL_PT_PER_MM) /* the page number's line, from the bottom */
#define SIZE 7.0                 /* table text, points */
#define MIN_SIZE 5.0
#define PAD 2.5                  /* cell padding, points */

typedef struct packw {
    const pl_pack_doc *d;
    pl_pdf *pdf;
    cairo_t *cr;
    double W, H, y, bottom;
    int draw;                    /* 0: laying out (counting pages) */
    int page, total;
} packw;

static void footer(packw *p)
{
    if (!p->draw)
        return;
    char s[128];
    snprintf(s, sizeof s, "第 %d 页 / 共 %d 页 · page %d of %d", p->page, p->total, p->page, p->total);
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    pl_pdf_text(p->pdf, s, 7, 0, p->W / 2, p->H - FOOT, PL_ALIGN_CENTER);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void new_page(packw *p)
{
    footer(p);
    if (p->draw)
        pl_pdf_next_page(p->pdf);
    p->page++;
    p->y = MARGIN;
}

/* The widths of the columns and the text size of table t. */
static double widths(packw *p, const pl_pack_table *t, double *w)
{
    double avail = p->W - 2 * MARGIN, size = SIZE, sum = 0;
    for (int pass = 0; pass < 2; pass++) {
        sum = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            double cw, m = 0;
            pl_pdf_text_size(p->pdf, t->labels[c], size, 1, &cw, NULL);
            m = cw;
            for (size_t r = 0; r < t->nrows; r++) {
                pl_pdf_text_size(p->pdf, t->cells[r * t->ncols + c], size, 0, &cw, NULL);
                m = fmax(m, cw);
            }
            w[c] = m + 2 * PAD;
            sum += w[c];
        }
        if (sum <= avail || pass)
            break;
        size = fmax(MIN_SIZE, size * avail / sum);
    }
    if (sum > avail) { /* wrap: every column its share, the narrow ones whole */
        double fair = avail / (double)t->ncols, narrow = 0;
        size_t wide = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            if (w[c] <= fair)
                narrow += w[c];
            else
                wide++;
        }
        double rest = avail - narrow, wsum = 0;
        for (size_t c = 0; c < t->ncols; c++)
            if (w[c] > fair)
                wsum += w[c];
        for (size_t c = 0; c < t->ncols && wide; c++)
            if (w[c] > fair)
                w[c] = rest * w[c] / wsum;
    }
    return size;
}

static double row_height(packw *p, const char *const *cells, const double *w, size_t n, double size, int bold)
{
    double h = 0;
    for (size_t c = 0; c < n; c++)
        h = fmax(h, pl_pdf_text_wrapped_height(p->pdf, cells[c], size, bold, w[c] - 2 * PAD));
    return h + 2 * PAD;
}

static void row(packw *p, const pl_pack_table *t, const char *const *cells, const double *w, double size, double h,
                int header)
{
    if (p->draw) {
        cairo_t *cr = p->cr;
        double x = MARGIN;
        if (header) {
            cairo_set_source_rgb(cr, 0.88, 0.90, 0.93);
            cairo_rectangle(cr, MARGIN, p->y, p->W - 2 * MARGIN, h);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (size_t c = 0; c < t->ncols; c++) {
            double cw;
            pl_pdf_text_size(p->pdf, cells[c], size, header, &cw, NULL);
            if (t->numeric && t->numeric[c] && !header && cw <= w[c] - 2 * PAD)
                pl_pdf_text(p->pdf, cells[c], size, 0, x + w[c] - PAD, p->y + PAD, PL_ALIGN_RIGHT);
            else
                pl_pdf_text_wrapped(p->pdf, cells[c], size, header, x + PAD, p->y + PAD, w[c] - 2 * PAD);
            x += w[c];
        }
        cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
        cairo_set_line_width(cr, 0.3);
        cairo_move_to(cr, MARGIN, p->y + h);
        cairo_line_to(cr, x, p->y + h);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    p->y += h;
}

static int table(packw *p, const pl_pack_table *t)
{
    double *w = calloc(t->ncols ? t->ncols : 1, sizeof *w);
    if (!w)
        return -1;
    double size = widths(p, t, w);
    double hh = row_height(p, t->labels, w, t->ncols, size, 1);
    double first = t->nrows ? row_height(p, t->cells, w, t->ncols, size, 0) : 0;
    if (p->y + 16 + hh + first > p->bottom)
        new_page(p);
    if (p->draw)
        pl_pdf_text(p->pdf, t->title, 10, 1, MARGIN, p->y, PL_ALIGN_LEFT);
    p->y += 16;
    row(p, t, t->labels, w, size, hh, 1);
    for (size_t r = 0; r < t->nrows; r++) {
        const char *const *cells = t->cells + r * t->ncols;
        double h = row_height(p, cells, w, t->ncols, size, 0);
        if (p->y + h > p->bottom) {
            new_page(p);
            if (p->draw) {
                char s[1024];
                snprintf(s, sizeof s, "%s (续 continued)", t->title);
                pl_pdf_text(p->pdf, s, 10, 1, MARGIN, p->y, PL_ALIGN_LEFT);
            }
            p->y += 16;
            row(p, t, t->labels, w, size, hh, 1);
        }
        row(p, t, cells, w, size, h, 0);
    }
    if (!t->nrows) {
        if (p->draw)
            pl_pdf_text(p->pdf, "(无 none)", size, 0, MARGIN + PAD, p->y + PAD, PL_ALIGN_LEFT);
        p->y += size + 2 * PAD;
    }
    if (t->note) {
        double h = pl_pdf_text_wrapped_height(p->pdf, t->note, 6.5, 0, p->W - 2 * MARGIN);
        if (p->y + 4 + h > p->bottom)
            new_page(p);
        if (p->draw) {
            cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
            pl_pdf_text_wrapped(p->pdf, t->note, 6.5, 0, MARGIN, p->y + 4, p->W - 2 * MARGIN);
            cairo_set_source_rgb(p->cr, 0, 0, 0);
        }
        p->y += 4 + h;
    }
    p->y += 14;
    free(w);
    return 0;
}

static void contents(packw *p, const pl_pack_out *res)
{
    const pl_pack_doc *d = p->d;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    double y = MARGIN + 10;
    y += pl_pdf_text_wrapped(p->pdf, d->title, 16, 1, MARGIN, y, p->W - 2 * MARGIN) + 6;
    if (d->subtitle)
        y += pl_pdf_text_wrapped(p->pdf, d->subtitle, 9, 0, MARGIN, y, p->W - 2 * MARGIN) + 24;
    pl_pdf_text(p->pdf, "目录 contents", 13, 1, MARGIN, y, PL_ALIGN_LEFT);
    y += 26;
    for (size_t i = 0; i < d->nsections; i++) {
        char s[1024], n[32];
        snprintf(s, sizeof s, "%zu  %s", i + 1, d->sections[i].title);
        snprintf(n, sizeof n, "%d", res->first_page[i]);
        double tw = pl_pdf_text(p->pdf, s, 10, 0, MARGIN + 10, y, PL_ALIGN_LEFT);
        double nw = pl_pdf_text(p->pdf, n, 10, 0, p->W - MARGIN, y, PL_ALIGN_RIGHT);
        cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(p->cr, 0.5);
        double dash[] = {0.8, 2.5};
        cairo_set_dash(p->cr, dash, 2, 0);
        cairo_move_to(p->cr, MARGIN + 10 + tw + 4, y + 9);
        cairo_line_to(p->cr, p->W - MARGIN - nw - 4, y + 9);
        cairo_stroke(p->cr);
        cairo_set_dash(p->cr, NULL, 0, 0);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        y += 20;
    }
}

/* One pass: laying out (draw 0) or drawing. */
static int pass(packw *p, pl_pack_out *res, pl_error *err)
{
    const pl_pack_doc *d = p->d;
    p->page = 1;
    p->y = MARGIN;
    if (p->draw)
        contents(p, res);
    for (size_t i = 0; i < d->nsections; i++) {
        const pl_pack_section *s = &d->sections[i];
        new_page(p);
        res->first_page[i] = p->page;
        if (s->map) {
            if (p->draw) {
                int rc = d->map(d->ctx, i, p->pdf, err);
                if (rc)
                    return rc;
                cairo_set_source_rgb(p->cr, 0, 0, 0);
            }
            continue;
        }
        if (p->draw)
            pl_pdf_text(p->pdf, s->title, 14, 1, MARGIN, p->y, PL_ALIGN_LEFT);
        p->y += 26;
        for (size_t t = 0; t < s->ntables; t++)
            if (table(p, &s->tables[t]))
                return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    footer(p);
    return PL_OK;
}

int pl_pdf_pack_write(FILE *out, const pl_pack_doc *d, pl_pack_out *res, pl_error *err)
{
    pl_pack_out local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (d->nsections > sizeof res->first_page / sizeof *res->first_page)
        return pl_error_set(err, PL_ERR_USAGE, "a pack holds at most %zu sections",
                            sizeof res->first_page / sizeof *res->first_page);
    packw p = {0};
    p.d = d;
    p.W = PL_PACK_PAGE_W_MM * PL_PT_PER_MM;
    p.H = PL_PACK_PAGE_H_MM * PL_PT_PER_MM;
    p.bottom = p.H - FOOT - 14;
    int rc = pl_pdf_open(out, p.W, p.H, d->title, &p.pdf, err);
    if (rc)
        return rc;
    p.cr = pl_pdf_cr(p.pdf);
    rc = pass(&p, res, err); /* the pages of each section */
    if (!rc) {
        p.total = p.page;
        p.draw = 1;
        rc = pass(&p, res, err);
        res->pages = p.page;
    }
    if (rc) {
        pl_error e;
        pl_error_clear(&e);
        pl_pdf_close(p.pdf, &e);
        return rc;
    }
    return pl_pdf_close(p.pdf, err);
}
