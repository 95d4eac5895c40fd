/*
 * write_pdf.c — the printed map sheet (export pdf): one page, A4 or A3,
 * portrait or landscape. Title (park, theme); the parcels in the stored
 * projected coordinates at 1:N (asked for, or the smallest nice scale at
 * which the extent fits), filled by the theme's classes (gis/style.c); their
 * codes where they fit and do not collide (shrunk down to MIN_LABEL points,
 * else beside the parcel with a leader line, else omitted); a legend with the count and 亩 of each class; north arrow
 * (grid north), scale bar and the numeric scale; grid ticks in the working
 * CRS with their coordinates on the frame; as-of and export dates, source
 * and coordinate system.
 *
 * Labels: a parcel's code goes inside it, shrunk from MAX_LABEL down to
 * MIN_LABEL points; a code that does not fit so (or meets another label) waits
 * to the end of the page, when every parcel of the page has marked its box in
 * an occupancy map (OCC cells), and is then put beside its parcel (right,
 * left, above, below, the corners; 3, 8, 16 points off) where the label is in
 * the frame, on no parcel's box and on no label, with a thin leader line from
 * the parcel's label point; else it is omitted. Parcels under the pen are
 * never labelled.
 *
 * Streaming: each parcel is added to the path of its class as it comes
 * (the rows come by class into a file), filled BATCH parcels at a time; only
 * the labels placed are kept (at most the frame's area over the smallest
 * label's). cairo's page recording holds the vector drawing until the page
 * is finished, so memory is bounded by what the paper can show: a parcel
 * smaller than RASTER_PT on paper (under the pen, never labelled) is drawn
 * into one image of the frame at RASTER_DPI (a fixed size, made when the
 * first such parcel comes) that is placed on the page under the labels;
 * the others are vectors, at most the frame's area over RASTER_PT² of them,
 * and vertices closer than SKIP to the last one drawn are left out.
 *
 * A map that does not fit on one page at the asked scale is cut into a grid
 * of pages (from the extent's north-west corner, rows north to south, pages
 * without a parcel left out, at most MAX_PAGES), numbered 1… after an index
 * sheet: the whole extent at the scale that fits, with each page's rectangle
 * and number. Neighbouring pages overlap by OVERLAP of a frame (8 mm of an
 * A4 portrait frame across), so that a parcel on a cut narrower than that
 * is whole on one of them. The parcels are then spooled to a temporary file (the page
 * space of their class, code, label point and rings) and drawn from it once
 * for the index and once for each page, so memory stays that of one page.
 */
#include "writer.h"

#include "pdf_draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN_MM 10.0
#define TITLE_MM 16.0
#define BOTTOM_MM 36.0
#define SIDE_MM 14.0     /* room for the northing labels beside the frame */
#define MAX_LABEL 7.0    /* points */
#define MIN_LABEL 3.5
#define CELL 24.0        /* points: the collision grid */
#define M2_PER_MU (10000.0 / 15.0)
#define BATCH 2000       /* parcels in one path */
#define SKIP 0.05        /* points: a vertex this close to the last drawn is skipped (0.018 mm) */
#define RASTER_PT 4.0    /* points: a parcel this small (both sides, 1.4 mm; never labelled) goes into the raster layer */
#define RASTER_DPI 200.0
#define MAX_PAGES 500
#define OCC 2.0          /* points: the cells of the map of where parcels are (leader labels go where none is) */
#define MAX_LEADERS 4096 /* codes waiting for a place beside their parcel, a page */
#define LEADER_SIZE 5.0  /* points */
#define OVERLAP 0.05     /* pages of a grid overlap by this share of a page's frame (a parcel on the cut is whole on one) */

typedef struct label {
    char *text;
    double x, y, size, w, h; /* top-left, size, box */
    int leader;              /* 1: beside its parcel, a line from (ax, ay) to it */
    double ax, ay;
} label;

/* A code that did not fit inside its parcel: placed beside it with a leader
 * line at the end of the page, once every parcel of the page is known. */
typedef struct pending {
    char *text;
    double ax, ay;           /* the label point, page */
    double bx0, by0, bx1, by1; /* the parcel's box, page */
} pending;

typedef struct layer {
    cairo_t *cr;
    const pl_style *batch;   /* class of the parcels in the current path */
    size_t nbatch;
} layer;

typedef struct pdfw {
    const pl_export_doc *doc;
    pl_pdf *pdf;
    int into;                /* pdf is the caller's (doc->into) */
    cairo_t *cr;
    double W, H;             /* page, points */
    double fx, fy, fw, fh;   /* map frame */
    double x0, y0, k, n;     /* ground centre, points per metre, scale */
    double step;             /* grid ticks, metres */
    label *labels;
    size_t nlabels, clabels;
    size_t **cells;          /* per grid cell: label indices, [0] = count, [1] = capacity */
    int gw, gh;
    layer vec, ras;          /* the page (vectors) and the raster layer (ras.cr NULL until needed) */
    cairo_surface_t *img;    /* the raster layer's image */
    long rastered;           /* parcels drawn into it */
    int no_labels;           /* the index sheet: parcels without codes */
    unsigned char *occ;      /* per OCC cell of the frame: 1 when a parcel's box covers it */
    int ow, oh;
    pending *pend;
    size_t npend;
    long leaders;            /* labels placed with a leader, all pages */
    long ncontext;           /* context parcels (a filtered export: the park's others, grey, no code) */
    /* several pages */
    int multi;               /* 1: the grid of pages below, after an index sheet */
    int cols, rows;
    double gx0, gy1;         /* north-west corner of the grid, metres */
    double gpw, gph;         /* ground size of a page's frame, metres */
    double sx, sy;           /* from one page's frame to the next: (1 − OVERLAP) of it */
    unsigned char *used;     /* per grid page: 1 when a parcel meets it */
    int *number;             /* per grid page: its page number, 0 when left out */
    int pages;               /* map pages made */
    FILE *spool;
    pl_geom g;               /* a spooled parcel read back */
    char *code;
    size_t ccode;
} pdfw;

/* Fill and stroke the parcels gathered in the layer's current path. */
static void flush_batch(pdfw *p, layer *ly)
{
    if (!ly->batch || !ly->nbatch)
        return;
    cairo_t *cr = ly->cr;
    const pl_style *st = ly->batch;
    pl_pdf_color(cr, st->fill, st->fill_opacity > 0 ? st->fill_opacity : 0.6);
    cairo_fill_preserve(cr);
    pl_pdf_color(cr, st->stroke, 1);
    cairo_set_line_width(cr, p->n > 20000 ? 0.15 : 0.35);
    cairo_stroke(cr);
    ly->nbatch = 0;
}

/* The raster layer: an image of the frame at RASTER_DPI, in page points. */
static int raster_open(pdfw *p)
{
    double px = RASTER_DPI / 72.0;
    p->img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(p->fw * px), (int)ceil(p->fh * px));
    if (cairo_surface_status(p->img))
        return -1;
    cairo_t *cr = p->ras.cr = cairo_create(p->img);
    if (cairo_status(cr))
        return -1;
    cairo_scale(cr, px, px);
    cairo_translate(cr, -p->fx, -p->fy);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    return 0;
}

/* Place the raster layer on the page (inside the frame's clip) and free it. */
static void raster_place(pdfw *p)
{
    if (!p->ras.cr)
        return;
    flush_batch(p, &p->ras);
    cairo_surface_flush(p->img);
    cairo_t *cr = p->vec.cr;
    cairo_save(cr);
    cairo_translate(cr, p->fx, p->fy);
    cairo_scale(cr, 72.0 / RASTER_DPI, 72.0 / RASTER_DPI);
    cairo_set_source_surface(cr, p->img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_destroy(p->ras.cr);
    p->ras.cr = NULL;
    cairo_surface_destroy(p->img); /* the PDF surface keeps its own reference until the page is written */
    p->img = NULL;
}

static void to_page(const pdfw *p, double x, double y, double *px, double *py)
{
    *px = p->fx + p->fw / 2 + (x - p->x0) * p->k;
    *py = p->fy + p->fh / 2 - (y - p->y0) * p->k;
}

static void grid_ticks(pdfw *p)
{
    cairo_t *cr = p->cr;
    double gx0 = p->x0 - p->fw / 2 / p->k, gx1 = p->x0 + p->fw / 2 / p->k;
    double gy0 = p->y0 - p->fh / 2 / p->k, gy1 = p->y0 + p->fh / 2 / p->k;
    double step = p->step = pl_pdf_nice_step((gx1 - gx0) / 5);
    double tick = 2.5 * PL_PT_PER_MM;
    cairo_set_line_width(cr, 0.4);
    char s[48];
    for (double e = ceil(gx0 / step) * step; e <= gx1; e += step) {
        double px, py;
        to_page(p, e, p->y0, &px, &py);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, px, p->fy);
        cairo_line_to(cr, px, p->fy + tick);
        cairo_move_to(cr, px, p->fy + p->fh);
        cairo_line_to(cr, px, p->fy + p->fh - tick);
        cairo_stroke(cr);
        pl_w_num(s, sizeof s, e, 0);
        pl_pdf_text(p->pdf, s, 5.5, 0, px, p->fy - 8, PL_ALIGN_CENTER);
        pl_pdf_text(p->pdf, s, 5.5, 0, px, p->fy + p->fh + 1, PL_ALIGN_CENTER);
    }
    for (double nn = ceil(gy0 / step) * step; nn <= gy1; nn += step) {
        double px, py;
        to_page(p, p->x0, nn, &px, &py);
        cairo_move_to(cr, p->fx, py);
        cairo_line_to(cr, p->fx + tick, py);
        cairo_move_to(cr, p->fx + p->fw, py);
        cairo_line_to(cr, p->fx + p->fw - tick, py);
        cairo_stroke(cr);
        pl_w_num(s, sizeof s, nn, 0);
        pl_pdf_text(p->pdf, s, 5.5, 0, p->fx - 2, py - 4, PL_ALIGN_RIGHT);
        pl_pdf_text(p->pdf, s, 5.5, 0, p->fx + p->fw + 2, py - 4, PL_ALIGN_LEFT);
    }
}

/* Title, grid ticks and the frame's clip of a page centred on (x0, y0) at
 * 1:p->n; `sub` under the title (NULL: the filter). */
static void page_begin(pdfw *p, double x0, double y0, const char *sub)
{
    const pl_export_doc *doc = p->doc;
    cairo_t *cr = p->cr;
    double m = MARGIN_MM * PL_PT_PER_MM;
    p->x0 = x0;
    p->y0 = y0;
    p->k = 1000.0 * PL_PT_PER_MM / p->n;
    char title[1024];
    snprintf(title, sizeof title, "%s  %s %s", doc->title, doc->theme_zh, doc->theme_en);
    cairo_set_source_rgb(cr, 0, 0, 0);
    pl_pdf_text(p->pdf, title, 14, 1, p->W / 2, m, PL_ALIGN_CENTER);
    char line[1024];
    if (sub && doc->filter && *doc->filter)
        snprintf(line, sizeof line, "%s · %s", sub, doc->filter);
    else
        snprintf(line, sizeof line, "%s", sub ? sub : doc->filter ? doc->filter : "");
    if (*line)
        pl_pdf_text(p->pdf, line, 7.5, 0, p->W / 2, m + 20, PL_ALIGN_CENTER);
    grid_ticks(p);
    cairo_save(cr);
    cairo_rectangle(cr, p->fx, p->fy, p->fw, p->fh);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
}

static int w_begin(void **state, const pl_export_doc *doc, pl_error *err)
{
    pdfw *p = calloc(1, sizeof *p);
    if (!p)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *state = p;
    p->doc = doc;
    pl_geom_init(&p->g);
    p->W = doc->page_w_mm * PL_PT_PER_MM;
    p->H = doc->page_h_mm * PL_PT_PER_MM;
    double m = MARGIN_MM * PL_PT_PER_MM;
    p->fx = m + SIDE_MM * PL_PT_PER_MM;
    p->fy = m + TITLE_MM * PL_PT_PER_MM;
    p->fw = p->W - 2 * p->fx;
    p->fh = p->H - p->fy - m - BOTTOM_MM * PL_PT_PER_MM;
    double ex0 = 0, ey0 = 0, ex1 = 100, ey1 = 100;
    if (doc->have_extent) {
        ex0 = doc->extent[0];
        ey0 = doc->extent[1];
        ex1 = doc->extent[2];
        ey1 = doc->extent[3];
    }
    double gw = fmax(ex1 - ex0, 1), gh = fmax(ey1 - ey0, 1);
    p->n = doc->scale > 0 ? doc->scale
                          : fmax(pl_pdf_nice_scale(gw, p->fw * 0.96), pl_pdf_nice_scale(gh, p->fh * 0.96));
    p->k = 1000.0 * PL_PT_PER_MM / p->n;
    p->multi = gw * p->k > p->fw + 1e-6 || gh * p->k > p->fh + 1e-6;
    if (p->multi) {
        p->gpw = p->fw / p->k;
        p->gph = p->fh / p->k;
        p->sx = p->gpw * (1 - OVERLAP);
        p->sy = p->gph * (1 - OVERLAP);
        p->cols = gw <= p->gpw ? 1 : (int)ceil((gw - p->gpw) / p->sx - 1e-9) + 1;
        p->rows = gh <= p->gph ? 1 : (int)ceil((gh - p->gph) / p->sy - 1e-9) + 1;
        if ((double)p->cols * (double)p->rows > MAX_PAGES)
            return pl_error_set(err, PL_ERR_USAGE, "at 1:%.0f the map needs %.0f pages; at most %d are made: choose a "
                                "smaller scale (or --scale fit)", p->n, (double)p->cols * (double)p->rows, MAX_PAGES);
        p->gx0 = ex0;
        p->gy1 = ey1;
        p->used = calloc((size_t)p->cols * (size_t)p->rows, 1);
        p->number = calloc((size_t)p->cols * (size_t)p->rows, sizeof *p->number);
        p->spool = tmpfile();
        if (!p->used || !p->number)
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        if (!p->spool)
            return pl_error_set(err, PL_ERR_IO, "cannot create a temporary file for the map's pages");
    }
    if (doc->map_scale)
        *doc->map_scale = p->n;
    if (doc->map_clipped)
        *doc->map_clipped = 0;
    p->gw = (int)(p->fw / CELL) + 1;
    p->gh = (int)(p->fh / CELL) + 1;
    p->cells = calloc((size_t)p->gw * (size_t)p->gh, sizeof *p->cells);
    p->ow = (int)(p->fw / OCC) + 1;
    p->oh = (int)(p->fh / OCC) + 1;
    p->occ = calloc((size_t)p->ow * (size_t)p->oh, 1);
    p->pend = malloc(MAX_LEADERS * sizeof *p->pend);
    if (!p->cells || !p->occ || !p->pend)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");

    char title[1024];
    snprintf(title, sizeof title, "%s  %s %s", doc->title, doc->theme_zh, doc->theme_en);
    if (doc->into) {
        p->pdf = doc->into;
        p->into = 1;
    } else {
        int rc = pl_pdf_open(doc->out, p->W, p->H, title, &p->pdf, err);
        if (rc)
            return rc;
    }
    p->cr = p->vec.cr = pl_pdf_cr(p->pdf);
    if (!p->multi)
        page_begin(p, (ex0 + ex1) / 2, (ey0 + ey1) / 2, NULL);
    return PL_OK;
}

/* 1 when the box meets a label already placed. */
static int collides(const pdfw *p, double x, double y, double w, double h)
{
    int c0 = (int)((x - p->fx) / CELL), c1 = (int)((x + w - p->fx) / CELL);
    int r0 = (int)((y - p->fy) / CELL), r1 = (int)((y + h - p->fy) / CELL);
    for (int r = r0 < 0 ? 0 : r0; r <= r1 && r < p->gh; r++)
        for (int c = c0 < 0 ? 0 : c0; c <= c1 && c < p->gw; c++) {
            const size_t *cell = p->cells[(size_t)r * (size_t)p->gw + (size_t)c];
            for (size_t i = 0; cell && i < cell[0]; i++) {
                const label *l = &p->labels[cell[2 + i]];
                if (x < l->x + l->w && l->x < x + w && y < l->y + l->h && l->y < y + h)
                    return 1;
            }
        }
    return 0;
}

static int place(pdfw *p, const char *text, double x, double y, double size, double w, double h, int leader,
                 double ax, double ay)
{
    if (p->nlabels == p->clabels) {
        size_t c = p->clabels ? 2 * p->clabels : 256;
        label *l = realloc(p->labels, c * sizeof *l);
        if (!l)
            return -1;
        p->labels = l;
        p->clabels = c;
    }
    char *t = strdup(text);
    if (!t)
        return -1;
    size_t idx = p->nlabels++;
    p->labels[idx] = (label){t, x, y, size, w, h, leader, ax, ay};
    int c0 = (int)((x - p->fx) / CELL), c1 = (int)((x + w - p->fx) / CELL);
    int r0 = (int)((y - p->fy) / CELL), r1 = (int)((y + h - p->fy) / CELL);
    for (int r = r0 < 0 ? 0 : r0; r <= r1 && r < p->gh; r++)
        for (int c = c0 < 0 ? 0 : c0; c <= c1 && c < p->gw; c++) {
            size_t **cell = &p->cells[(size_t)r * (size_t)p->gw + (size_t)c];
            if (!*cell || (*cell)[0] == (*cell)[1]) {
                size_t cap = *cell ? 2 * (*cell)[1] : 4;
                size_t *q = realloc(*cell, (cap + 2) * sizeof *q);
                if (!q)
                    return -1;
                if (!*cell)
                    q[0] = 0;
                q[1] = cap;
                *cell = q;
            }
            (*cell)[2 + (*cell)[0]++] = idx;
        }
    return 0;
}

/* The OCC cells of a page box, clipped to the frame. */
static void occ_range(const pdfw *p, double x0, double y0, double x1, double y1, int *c0, int *r0, int *c1, int *r1)
{
    *c0 = (int)fmax(0, floor((x0 - p->fx) / OCC));
    *r0 = (int)fmax(0, floor((y0 - p->fy) / OCC));
    *c1 = (int)fmin(p->ow - 1, floor((x1 - p->fx) / OCC));
    *r1 = (int)fmin(p->oh - 1, floor((y1 - p->fy) / OCC));
}

static void occupy(pdfw *p, double x0, double y0, double x1, double y1)
{
    int c0, r0, c1, r1;
    occ_range(p, x0, y0, x1, y1, &c0, &r0, &c1, &r1);
    for (int r = r0; r <= r1; r++)
        memset(p->occ + (size_t)r * (size_t)p->ow + (size_t)c0, 1, c1 >= c0 ? (size_t)(c1 - c0 + 1) : 0);
}

/* 1 when no parcel's box meets the page box. */
static int free_space(const pdfw *p, double x0, double y0, double x1, double y1)
{
    int c0, r0, c1, r1;
    occ_range(p, x0, y0, x1, y1, &c0, &r0, &c1, &r1);
    for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++)
            if (p->occ[(size_t)r * (size_t)p->ow + (size_t)c])
                return 0;
    return 1;
}

static int leader_later(pdfw *p, const char *text, double ax, double ay, double bx0, double by0, double bx1,
                        double by1, pl_error *err)
{
    if (p->npend == MAX_LEADERS)
        return PL_OK; /* omitted */
    char *t = strdup(text);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    p->pend[p->npend++] = (pending){t, ax, ay, bx0, by0, bx1, by1};
    return PL_OK;
}

/* The codes that did not fit in their parcels: beside the parcel (right,
 * left, above, below, then the corners; nearer first) where the label box is
 * inside the frame, on no parcel and on no label; else omitted. */
static int place_leaders(pdfw *p, pl_error *err)
{
    static const double gaps[] = {3, 8, 16};
    for (size_t i = 0; i < p->npend; i++) {
        const pending *q = &p->pend[i];
        double w, h;
        pl_pdf_text_size(p->pdf, q->text, LEADER_SIZE, 0, &w, &h);
        h *= 0.8;
        int done = 0;
        for (size_t gi = 0; gi < sizeof gaps / sizeof *gaps && !done; gi++) {
            double g = gaps[gi];
            const double xy[8][2] = {
                {q->bx1 + g, q->ay - h / 2}, {q->bx0 - g - w, q->ay - h / 2},
                {q->ax - w / 2, q->by0 - g - h}, {q->ax - w / 2, q->by1 + g},
                {q->bx1 + g, q->by0 - g - h}, {q->bx0 - g - w, q->by0 - g - h},
                {q->bx1 + g, q->by1 + g}, {q->bx0 - g - w, q->by1 + g},
            };
            for (int k = 0; k < 8 && !done; k++) {
                double x = xy[k][0], y = xy[k][1];
                if (x < p->fx || y < p->fy || x + w > p->fx + p->fw || y + h > p->fy + p->fh)
                    continue;
                if (!free_space(p, x - 1, y - 1, x + w + 1, y + h + 1) || collides(p, x - 1, y - 1, w + 2, h + 2))
                    continue;
                if (place(p, q->text, x, y, LEADER_SIZE, w, h, 1, q->ax, q->ay))
                    return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                p->leaders++;
                done = 1;
            }
        }
    }
    for (size_t i = 0; i < p->npend; i++)
        free(p->pend[i].text);
    p->npend = 0;
    return PL_OK;
}

/* Draw one parcel on the current page (nothing when it is off the page). */
static int draw_parcel(pdfw *p, const pl_style *style, const char *code, double label_x, double label_y,
                       const pl_geom *g, pl_error *err)
{
    cairo_t *cr = p->cr;
    double minx, miny, maxx, maxy;
    if (!pl_geom_bbox(g, &minx, &miny, &maxx, &maxy))
        return PL_OK;
    double bx0, by0, bx1, by1;
    to_page(p, minx, maxy, &bx0, &by0);
    to_page(p, maxx, miny, &bx1, &by1);
    if (bx1 < p->fx || bx0 > p->fx + p->fw || by1 < p->fy || by0 > p->fy + p->fh)
        return PL_OK; /* off the page */
    /* parcels of one class go into one path, filled and stroked together
     * (the rows come by class when the output is a file); those under the
     * pen into the raster layer */
    layer *lay = &p->vec;
    if (bx1 - bx0 < RASTER_PT && by1 - by0 < RASTER_PT) {
        if (!p->ras.cr && raster_open(p))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory (the map's raster layer)");
        lay = &p->ras;
        cr = lay->cr;
        p->rastered++;
    }
    if (style != lay->batch || lay->nbatch >= BATCH)
        flush_batch(p, lay);
    lay->batch = style;
    lay->nbatch++;
    {
        for (size_t i = 0; i < g->n; i++)
            for (size_t j = 0; j < g->polys[i].n; j++) {
                const pl_ring *r = &g->polys[i].rings[j];
                double lx = 0, ly = 0;
                for (size_t k = 0; k < r->n; k++) {
                    double px, py;
                    to_page(p, r->xy[2 * k], r->xy[2 * k + 1], &px, &py);
                    if (k == 0) {
                        cairo_move_to(cr, px, py);
                    } else if (k + 1 == r->n || fabs(px - lx) >= SKIP || fabs(py - ly) >= SKIP) {
                        cairo_line_to(cr, px, py); /* points closer than SKIP to the last are not seen */
                    } else {
                        continue;
                    }
                    lx = px;
                    ly = py;
                }
                cairo_close_path(cr);
            }
    }
    occupy(p, bx0, by0, bx1, by1);
    /* the code, where it fits: shrink, then beside the parcel with a leader line, then omit;
     * none for a context parcel */
    const char *text = p->no_labels || style == pl_style_context() ? NULL : code;
    if (!text || lay == &p->ras)
        return PL_OK;
    double bw = bx1 - bx0, bh = by1 - by0;
    double lx, ly;
    to_page(p, label_x, label_y, &lx, &ly);
    if (bh < MIN_LABEL * 1.2 || bw < MIN_LABEL * 0.55 * (double)strlen(text))
        return leader_later(p, text, lx, ly, bx0, by0, bx1, by1, err);
    for (double size = MAX_LABEL; size >= MIN_LABEL; size -= 0.5) {
        double w, h;
        pl_pdf_text_size(p->pdf, text, size, 0, &w, &h);
        h *= 0.8;
        if (w > bw * 0.95 || h > bh * 0.9)
            continue;
        double x = lx - w / 2, y = ly - h / 2;
        if (x < p->fx || y < p->fy || x + w > p->fx + p->fw || y + h > p->fy + p->fh)
            continue;
        if (collides(p, x, y, w, h))
            continue;
        if (place(p, text, x, y, size, w, h, 0, 0, 0))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        return PL_OK;
    }
    return leader_later(p, text, lx, ly, bx0, by0, bx1, by1, err);
}

#define SPOOL_W(v) (fwrite(&(v), sizeof(v), 1, p->spool) == 1)
#define SPOOL_R(v) (fread(&(v), sizeof(v), 1, p->spool) == 1)

/* Several pages: the parcel goes to the spool, and the pages it meets are marked. */
static int spool_parcel(pdfw *p, const pl_export_feature *f, pl_error *err)
{
    const pl_geom *g = f->work;
    double minx, miny, maxx, maxy;
    if (!pl_geom_bbox(g, &minx, &miny, &maxx, &maxy))
        return PL_OK;
    /* page (c, r) covers x from gx0 + c·sx to that + gpw, y from gy1 − r·sy down by gph */
    int c0 = (int)ceil((minx - p->gx0 - p->gpw) / p->sx), c1 = (int)floor((maxx - p->gx0) / p->sx);
    int r0 = (int)ceil((p->gy1 - p->gph - maxy) / p->sy), r1 = (int)floor((p->gy1 - miny) / p->sy);
    /* a context parcel is drawn where there is a page, but makes none */
    for (int r = r0 < 0 ? 0 : r0; !f->context && r <= r1 && r < p->rows; r++)
        for (int c = c0 < 0 ? 0 : c0; c <= c1 && c < p->cols; c++)
            p->used[(size_t)r * (size_t)p->cols + (size_t)c] = 1;
    const pl_style *st = f->style;
    size_t len = f->code ? strlen(f->code) : 0, n = g->n;
    int ok = SPOOL_W(st) && SPOOL_W(len) && (!len || fwrite(f->code, 1, len, p->spool) == len) &&
             SPOOL_W(f->label_x) && SPOOL_W(f->label_y) && SPOOL_W(n);
    for (size_t i = 0; ok && i < g->n; i++) {
        size_t nr = g->polys[i].n;
        ok = SPOOL_W(nr);
        for (size_t j = 0; ok && j < nr; j++) {
            const pl_ring *r = &g->polys[i].rings[j];
            ok = SPOOL_W(r->n) && fwrite(r->xy, sizeof *r->xy, 2 * r->n, p->spool) == 2 * r->n;
        }
    }
    return ok ? PL_OK : pl_error_set(err, PL_ERR_IO, "cannot write the temporary file of the map's pages");
}

/* Draw every spooled parcel on the current page. */
static int draw_spool(pdfw *p, pl_error *err)
{
    if (fflush(p->spool) || fseek(p->spool, 0, SEEK_SET))
        return pl_error_set(err, PL_ERR_IO, "cannot read the temporary file of the map's pages");
    const pl_style *st;
    size_t len;
    while (SPOOL_R(st)) {
        double lx, ly;
        size_t n;
        int ok = SPOOL_R(len);
        if (ok && len + 1 > p->ccode) {
            char *c = realloc(p->code, len + 1);
            if (!c)
                return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            p->code = c;
            p->ccode = len + 1;
        }
        ok = ok && (!len || fread(p->code, 1, len, p->spool) == len) && SPOOL_R(lx) && SPOOL_R(ly) && SPOOL_R(n);
        if (ok)
            p->code[len] = 0;
        pl_geom_clear(&p->g);
        for (size_t i = 0; ok && i < n; i++) {
            size_t nr;
            pl_poly *poly = (ok = SPOOL_R(nr)) ? pl_geom_add_poly(&p->g) : NULL;
            ok = ok && poly;
            for (size_t j = 0; ok && j < nr; j++) {
                size_t np;
                pl_ring *r = (ok = SPOOL_R(np)) ? pl_poly_add_ring(poly) : NULL;
                ok = ok && r;
                for (size_t k = 0; ok && k < np; k++) {
                    double xy[2];
                    ok = fread(xy, sizeof *xy, 2, p->spool) == 2 && !pl_ring_add_point(r, xy[0], xy[1]);
                }
            }
        }
        if (!ok)
            return pl_error_set(err, PL_ERR_IO, "cannot read the temporary file of the map's pages");
        int rc = draw_parcel(p, st, len ? p->code : NULL, lx, ly, &p->g, err);
        if (rc)
            return rc;
    }
    return ferror(p->spool) ? pl_error_set(err, PL_ERR_IO, "cannot read the temporary file of the map's pages") : PL_OK;
}

static int w_feature(void *state, const pl_export_feature *f, pl_error *err)
{
    pdfw *p = state;
    if (f->context)
        p->ncontext++;
    if (p->multi)
        return spool_parcel(p, f, err);
    return draw_parcel(p, f->style, f->code, f->label_x, f->label_y, f->work, err);
}

static void legend(pdfw *p, const pl_export_summary *sum, double x, double y, double width)
{
    cairo_t *cr = p->cr;
    const pl_export_doc *d = p->doc;
    cairo_set_source_rgb(cr, 0, 0, 0);
    char s[256];
    snprintf(s, sizeof s, "图例 legend · %s · 合计 %ld 宗 %.2f 亩", d->theme_zh, sum->parcels,
             sum->area_m2 / M2_PER_MU);
    double tw = pl_pdf_text(p->pdf, s, 7.5, 1, x, y, PL_ALIGN_LEFT);
    if (p->ncontext) { /* the grey ones: in no class and no count above */
        const pl_style *cx = pl_style_context();
        double cx0 = x + tw + 10;
        cairo_rectangle(cr, cx0, y + 1.5, 10, 6.5);
        pl_pdf_color(cr, cx->fill, cx->fill_opacity);
        cairo_fill_preserve(cr);
        pl_pdf_color(cr, cx->stroke, 1);
        cairo_set_line_width(cr, 0.4);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(s, sizeof s, "背景 context: 筛选外的园区其他地块 the park's other parcels, %ld 宗", p->ncontext);
        pl_pdf_text(p->pdf, s, 6, 0, cx0 + 13, y + 0.5, PL_ALIGN_LEFT);
    }
    y += 12;
    size_t n = pl_style_count(d->theme);
    int cols = width > 300 ? 3 : 2, rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
    double cw = width / cols;
    for (size_t i = 0; i < n; i++) {
        const pl_style *st = pl_style_at(d->theme, i);
        double cx = x + cw * (double)(i / (size_t)rows), cy = y + 9.5 * (double)(i % (size_t)rows);
        cairo_rectangle(cr, cx, cy + 1, 10, 6.5);
        pl_pdf_color(cr, st->fill, st->fill_opacity > 0 ? st->fill_opacity : 0.6);
        cairo_fill_preserve(cr);
        pl_pdf_color(cr, st->stroke, 1);
        cairo_set_line_width(cr, 0.4);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(s, sizeof s, "%s %s  %ld 宗 %.2f 亩", st->zh, st->en, sum->count[i], sum->area[i] / M2_PER_MU);
        pl_pdf_text(p->pdf, s, 6, 0, cx + 13, cy, PL_ALIGN_LEFT);
    }
}

/* Close the current page: the parcels still in a path, the raster layer, the
 * labels, the frame, north arrow, legend, scale bar and notes. */
static int page_end(pdfw *p, const pl_export_summary *sum, pl_error *err)
{
    cairo_t *cr = p->cr;
    const pl_export_doc *d = p->doc;
    flush_batch(p, &p->vec);
    raster_place(p);
    int rc = place_leaders(p, err);
    /* the leader lines: from the label point in the parcel to the nearest point of its label's box */
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 0.3);
    for (size_t i = 0; i < p->nlabels; i++) {
        const label *l = &p->labels[i];
        if (!l->leader)
            continue;
        double tx = fmin(fmax(l->ax, l->x), l->x + l->w), ty = fmin(fmax(l->ay, l->y), l->y + l->h);
        cairo_move_to(cr, l->ax, l->ay);
        cairo_line_to(cr, tx, ty);
        cairo_stroke(cr);
        cairo_arc(cr, l->ax, l->ay, 0.6, 0, 6.283185307179586);
        cairo_fill(cr);
    }
    /* the labels over every parcel, still inside the frame */
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t i = 0; i < p->nlabels; i++) {
        const label *l = &p->labels[i];
        pl_pdf_text(p->pdf, l->text, l->size, 0, l->x, l->y - l->h * 0.1, PL_ALIGN_LEFT);
    }
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, p->fx, p->fy, p->fw, p->fh);
    cairo_stroke(cr);
    pl_pdf_north_arrow(p->pdf, p->fx + p->fw - 16, p->fy + 8, 28);
    double m = MARGIN_MM * PL_PT_PER_MM, by = p->fy + p->fh + 12;
    double right = 62 * PL_PT_PER_MM;
    legend(p, sum, m, by, p->W - 2 * m - right);
    double rx = p->W - m - right;
    pl_pdf_scale_bar(p->pdf, rx, by, p->n, 32 * PL_PT_PER_MM);
    char s[512];
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    double ty = by + 26;
    snprintf(s, sizeof s, "数据截至 as of %s · 出图 exported %s", d->as_of, d->generated);
    pl_pdf_text(p->pdf, s, 6, 0, rx, ty, PL_ALIGN_LEFT);
    snprintf(s, sizeof s, "坐标系 EPSG:%d %s", d->work_srid, d->work_crs_name ? d->work_crs_name : "");
    ty += pl_pdf_text_wrapped(p->pdf, s, 6, 0, rx, ty + 9, right) + 9;
    snprintf(s, sizeof s, "坐标网 grid ticks %.0f m · 来源 source parkland %s", p->step, d->version);
    pl_pdf_text(p->pdf, s, 6, 0, rx, ty, PL_ALIGN_LEFT);
    /* the next page starts with no label */
    for (size_t i = 0; i < p->nlabels; i++)
        free(p->labels[i].text);
    p->nlabels = 0;
    for (size_t i = 0; i < (size_t)p->gw * (size_t)p->gh; i++)
        if (p->cells[i])
            p->cells[i][0] = 0;
    memset(p->occ, 0, (size_t)p->ow * (size_t)p->oh);
    return rc;
}

/* The index sheet, then every page of the grid that has a parcel. */
static int write_pages(pdfw *p, const pl_export_summary *sum, pl_error *err)
{
    cairo_t *cr = p->cr;
    double asked = p->n;
    for (int r = 0; r < p->rows; r++)
        for (int c = 0; c < p->cols; c++)
            if (p->used[r * p->cols + c])
                p->number[r * p->cols + c] = ++p->pages;
    /* the index: the grid's extent at the scale that fits */
    double gw = p->gpw + p->sx * (p->cols - 1), gh = p->gph + p->sy * (p->rows - 1);
    p->n = fmax(pl_pdf_nice_scale(gw, p->fw * 0.96), pl_pdf_nice_scale(gh, p->fh * 0.96));
    char sub[256];
    snprintf(sub, sizeof sub, "索引图 index sheet · 1:%.0f 分 %d 幅 in %d sheets · 相邻幅重叠 %.0f%% neighbours overlap by %.0f%%",
             asked, p->pages, p->pages, OVERLAP * 100, OVERLAP * 100);
    page_begin(p, p->gx0 + gw / 2, p->gy1 - gh / 2, sub);
    p->no_labels = 1;
    int rc = draw_spool(p, err);
    p->no_labels = 0;
    if (rc)
        return rc;
    flush_batch(p, &p->vec);
    raster_place(p);
    for (int r = 0; r < p->rows; r++)
        for (int c = 0; c < p->cols; c++) {
            int no = p->number[r * p->cols + c];
            if (!no)
                continue;
            double x0, y0, x1, y1;
            to_page(p, p->gx0 + c * p->sx, p->gy1 - r * p->sy, &x0, &y0);
            to_page(p, p->gx0 + c * p->sx + p->gpw, p->gy1 - r * p->sy - p->gph, &x1, &y1);
            cairo_set_source_rgb(cr, 0.75, 0, 0);
            cairo_set_line_width(cr, 0.9);
            cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
            cairo_stroke(cr);
            char s[16];
            snprintf(s, sizeof s, "%d", no);
            double size = fmin(16, fmax(5, (y1 - y0) / 3));
            pl_pdf_text(p->pdf, s, size, 1, (x0 + x1) / 2, (y0 + y1) / 2 - size * 0.7, PL_ALIGN_CENTER);
        }
    if ((rc = page_end(p, sum, err)))
        return rc;
    /* the pages */
    p->n = asked;
    for (int r = 0; r < p->rows; r++)
        for (int c = 0; c < p->cols; c++) {
            int no = p->number[r * p->cols + c];
            if (!no)
                continue;
            pl_pdf_next_page(p->pdf);
            snprintf(sub, sizeof sub, "第 %d/%d 幅 sheet %d of %d · 第 %d 行 %d 列 row %d column %d", no, p->pages, no,
                     p->pages, r + 1, c + 1, r + 1, c + 1);
            page_begin(p, p->gx0 + c * p->sx + p->gpw / 2, p->gy1 - r * p->sy - p->gph / 2, sub);
            if ((rc = draw_spool(p, err)) || (rc = page_end(p, sum, err)))
                return rc;
        }
    return PL_OK;
}

static int w_end(void *state, const pl_export_summary *sum, pl_error *err)
{
    pdfw *p = state;
    int rc = PL_OK;
    if (p->multi)
        rc = write_pages(p, sum, err);
    else
        rc = page_end(p, sum, err);
    if (p->doc->map_pages)
        *p->doc->map_pages = p->multi ? p->pages : 1;
    if (rc || p->into)
        return rc;
    rc = pl_pdf_close(p->pdf, err); /* the whole document is written here */
    p->pdf = NULL;
    return rc;
}

static void w_release(void *state)
{
    pdfw *p = state;
    if (!p)
        return;
    if (p->pdf && !p->into) {
        pl_error e;
        pl_error_clear(&e);
        pl_pdf_close(p->pdf, &e);
    }
    if (p->ras.cr)
        cairo_destroy(p->ras.cr);
    if (p->img)
        cairo_surface_destroy(p->img);
    for (size_t i = 0; i < p->nlabels; i++)
        free(p->labels[i].text);
    free(p->labels);
    for (size_t i = 0; i < p->npend; i++)
        free(p->pend[i].text);
    free(p->pend);
    free(p->occ);
    if (p->spool)
        fclose(p->spool);
    free(p->used);
    free(p->number);
    free(p->code);
    pl_geom_release(&p->g);
    for (size_t i = 0; p->cells && i < (size_t)p->gw * (size_t)p->gh; i++)
        free(p->cells[i]);
    free(p->cells);
    free(p);
}

const pl_writer_ops pl_writer_pdf = {"pdf", PL_NEED_WORK | PL_NEED_EXTENT | PL_NEED_CLASS_ORDER, w_begin, w_feature, w_end, w_release};
