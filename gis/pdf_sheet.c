/* pdf_sheet.c — the 宗地图 and 界址点成果表 pages (pdf_sheet.h). */
#include "pdf_sheet.h"

#include "pdf_draw.h"
#include "writer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W (210 * PL_PT_PER_MM)
#define PAGE_H (297 * PL_PT_PER_MM)
#define MARGIN (15 * PL_PT_PER_MM)

/* ground (x, y) → page */
typedef struct view {
    double x0, y0;    /* ground point at the page origin of the frame's centre */
    double cx, cy;    /* frame centre on the page */
    double k;         /* points per metre */
} view;

static void to_page(const view *v, double x, double y, double *px, double *py)
{
    *px = v->cx + (x - v->x0) * v->k;
    *py = v->cy - (y - v->y0) * v->k;
}

static void geom_path(cairo_t *cr, const view *v, const pl_geom *g)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++) {
            const pl_ring *r = &g->polys[i].rings[j];
            for (size_t k = 0; k < r->n; k++) {
                double px, py;
                to_page(v, r->xy[2 * k], r->xy[2 * k + 1], &px, &py);
                if (k == 0)
                    cairo_move_to(cr, px, py);
                else
                    cairo_line_to(cr, px, py);
            }
            cairo_close_path(cr);
        }
}

static void map_page(pl_pdf *pdf, const pl_sheet_doc *d, pl_sheet_out *res)
{
    cairo_t *cr = pl_pdf_cr(pdf);
    double y = MARGIN;
    cairo_set_source_rgb(cr, 0, 0, 0);
    pl_pdf_text(pdf, "宗地图", 18, 1, PAGE_W / 2, y, PL_ALIGN_CENTER);
    y += 26;
    pl_pdf_text(pdf, d->title, 10, 0, PAGE_W / 2, y, PL_ALIGN_CENTER);
    y += 18;
    /* the map frame */
    double fx = MARGIN, fy = y, fw = PAGE_W - 2 * MARGIN, fh = 125 * PL_PT_PER_MM;
    double minx, miny, maxx, maxy;
    pl_geom_bbox(d->geom, &minx, &miny, &maxx, &maxy);
    double gw = fmax(maxx - minx, 1), gh = fmax(maxy - miny, 1);
    /* the parcel fills at most 70 % of the frame at a nice scale */
    double n = fmax(pl_pdf_nice_scale(gw, fw * 0.7), pl_pdf_nice_scale(gh, fh * 0.7));
    view v = {(minx + maxx) / 2, (miny + maxy) / 2, fx + fw / 2, fy + fh / 2, 1000.0 * PL_PT_PER_MM / n};
    res->scale = n;
    cairo_save(cr);
    cairo_rectangle(cr, fx, fy, fw, fh);
    cairo_clip(cr);
    /* neighbours, greyed */
    cairo_set_line_width(cr, 0.5);
    for (size_t i = 0; i < d->nnb; i++) {
        geom_path(cr, &v, d->nb[i].geom);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        cairo_stroke(cr);
    }
    for (size_t i = 0; i < d->nnb; i++) {
        double px, py, bx0, by0, bx1, by1, qx0, qy0, qx1, qy1;
        to_page(&v, d->nb[i].label_x, d->nb[i].label_y, &px, &py);
        /* a label point outside the frame: the middle of the part of the box that shows */
        if (px < fx + 20 || px > fx + fw - 20 || py < fy + 10 || py > fy + fh - 10) {
            if (!pl_geom_bbox(d->nb[i].geom, &bx0, &by0, &bx1, &by1))
                continue;
            to_page(&v, bx0, by1, &qx0, &qy0);
            to_page(&v, bx1, by0, &qx1, &qy1);
            qx0 = fmax(qx0, fx);
            qy0 = fmax(qy0, fy);
            qx1 = fmin(qx1, fx + fw);
            qy1 = fmin(qy1, fy + fh);
            if (qx1 - qx0 < 30 || qy1 - qy0 < 12)
                continue;
            px = (qx0 + qx1) / 2;
            py = (qy0 + qy1) / 2;
        }
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        pl_pdf_text(pdf, d->nb[i].code, 7, 0, px, py - 4, PL_ALIGN_CENTER);
    }
    /* the parcel */
    geom_path(cr, &v, d->geom);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    pl_pdf_color(cr, d->fill, 0.45);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.75, 0, 0);
    cairo_set_line_width(cr, 1.4);
    cairo_stroke(cr);
    /* side lengths at the middle of each side, boundary points at the vertices */
    const pl_boundary *b = d->points;
    double gcx = v.x0, gcy = v.y0;
    for (size_t i = 0; i < b->n; i++) {
        const pl_bpoint *p = &b->p[i];
        double px, py;
        to_page(&v, p->x, p->y, &px, &py);
        if (!isnan(p->side) && i > 0) {
            double mx, my;
            to_page(&v, (p->x + b->p[i - 1].x) / 2, (p->y + b->p[i - 1].y) / 2, &mx, &my);
            char s[48];
            snprintf(s, sizeof s, "%.2f", p->side);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.6);
            pl_pdf_text(pdf, s, 6, 0, mx, my - 4, PL_ALIGN_CENTER);
        }
        if (p->closing)
            continue;
        cairo_set_source_rgb(cr, 0.75, 0, 0);
        cairo_arc(cr, px, py, 1.6, 0, 6.283185307179586);
        cairo_fill(cr);
        /* the label away from the parcel's centre */
        double dx = p->x - gcx, dy = p->y - gcy, l = hypot(dx, dy);
        if (l > 0) {
            dx /= l;
            dy /= l;
        }
        char s[32];
        snprintf(s, sizeof s, "J%ld", p->number);
        cairo_set_source_rgb(cr, 0, 0, 0);
        pl_pdf_text(pdf, s, 7, 1, px + dx * 9, py - dy * 9 - 5, PL_ALIGN_CENTER);
    }
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, fx, fy, fw, fh);
    cairo_stroke(cr);
    pl_pdf_north_arrow(pdf, fx + fw - 18, fy + 8, 30);
    pl_pdf_scale_bar(pdf, fx + 6, fy + fh - 26, n, 50 * PL_PT_PER_MM);
    /* the facts */
    y = fy + fh + 12;
    for (size_t i = 0; i < d->nfacts && y < PAGE_H - MARGIN - 30; i++) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        pl_pdf_text(pdf, d->facts[i][0], 8.5, 1, MARGIN, y, PL_ALIGN_LEFT);
        cairo_set_source_rgb(cr, 0, 0, 0);
        double h = pl_pdf_text_wrapped(pdf, d->facts[i][1] ? d->facts[i][1] : "—", 8.5, 0, MARGIN + 120, y,
                                       PAGE_W - 2 * MARGIN - 120);
        y += fmax(h, 12) + 2;
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    pl_pdf_text(pdf, d->crs, 7, 0, MARGIN, PAGE_H - MARGIN - 10, PL_ALIGN_LEFT);
    pl_pdf_text(pdf, d->footer, 7, 0, PAGE_W - MARGIN, PAGE_H - MARGIN - 10, PL_ALIGN_RIGHT);
}

static void table_page(pl_pdf *pdf, const pl_sheet_doc *d, size_t from, int page, int pages)
{
    cairo_t *cr = pl_pdf_cr(pdf);
    const pl_boundary *b = d->points;
    double y = MARGIN;
    cairo_set_source_rgb(cr, 0, 0, 0);
    pl_pdf_text(pdf, from ? "界址点成果表(续)" : "界址点成果表", 16, 1, PAGE_W / 2, y, PL_ALIGN_CENTER);
    y += 30;
    const char *hdr[][2] = {{"宗地号", d->code}, {"权利人/用地单位", d->holder}, {"面积", d->area},
                            {"坐标系", d->crs}};
    for (size_t i = 0; i < sizeof hdr / sizeof *hdr; i++) {
        pl_pdf_text(pdf, hdr[i][0], 9, 1, MARGIN, y, PL_ALIGN_LEFT);
        pl_pdf_text_wrapped(pdf, hdr[i][1] ? hdr[i][1] : "—", 9, 0, MARGIN + 90, y, PAGE_W - 2 * MARGIN - 90);
        y += 15;
    }
    y += 6;
    static const char *const cols[] = {"序号", "点号", "圈号", "X (北 m)", "Y (东 m)", "边长 (m)"};
    static const double widths[] = {45, 55, 45, 110, 110, 80};
    double tw = 0;
    for (int c = 0; c < 6; c++)
        tw += widths[c];
    double x0 = (PAGE_W - tw) / 2, rh = 20;
    cairo_set_line_width(cr, 0.5);
    size_t to = from + PL_SHEET_ROWS < b->n ? from + PL_SHEET_ROWS : b->n;
    for (size_t r = from; r <= to; r++) {
        int head = r == from;
        const pl_bpoint *p = head ? NULL : &b->p[r - 1];
        char cell[6][64];
        if (head) {
            for (int c = 0; c < 6; c++)
                snprintf(cell[c], sizeof cell[c], "%s", cols[c]);
        } else {
            snprintf(cell[0], sizeof cell[0], "%zu", r);
            snprintf(cell[1], sizeof cell[1], "J%ld", p->number);
            snprintf(cell[2], sizeof cell[2], "%d", p->ring);
            snprintf(cell[3], sizeof cell[3], "%.3f", p->y);
            snprintf(cell[4], sizeof cell[4], "%.3f", p->x);
            if (isnan(p->side))
                cell[5][0] = 0;
            else
                snprintf(cell[5], sizeof cell[5], "%.2f", p->side);
        }
        double x = x0;
        for (int c = 0; c < 6; c++) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_rectangle(cr, x, y, widths[c], rh);
            cairo_stroke(cr);
            pl_pdf_text(pdf, cell[c], 9, head, c >= 3 ? x + widths[c] - 5 : x + widths[c] / 2, y + 4,
                        c >= 3 ? PL_ALIGN_RIGHT : PL_ALIGN_CENTER);
            x += widths[c];
        }
        y += rh;
    }
    char s[128];
    snprintf(s, sizeof s, "第 %d 页 共 %d 页 · 点 %zu–%zu / %zu", page, pages, from + 1, to, b->n);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    pl_pdf_text(pdf, s, 8, 0, PAGE_W / 2, y + 8, PL_ALIGN_CENTER);
    pl_pdf_text(pdf, d->footer, 7, 0, PAGE_W - MARGIN, PAGE_H - MARGIN - 10, PL_ALIGN_RIGHT);
}

int pl_pdf_sheet_write(FILE *out, const pl_sheet_doc *d, pl_sheet_out *res, pl_error *err)
{
    pl_sheet_out local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    pl_pdf *pdf;
    int rc = pl_pdf_open(out, PAGE_W, PAGE_H, d->title, &pdf, err);
    if (rc)
        return rc;
    map_page(pdf, d, res);
    size_t tables = (d->points->n + PL_SHEET_ROWS - 1) / PL_SHEET_ROWS;
    int pages = 1 + (int)tables;
    for (size_t t = 0; t < tables; t++) {
        pl_pdf_next_page(pdf);
        table_page(pdf, d, t * PL_SHEET_ROWS, (int)t + 2, pages);
    }
    res->pages = pages;
    return pl_pdf_close(pdf, err);
}
