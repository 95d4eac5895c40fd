/* pdf_draw.c — PDF document, pango text and map furniture (pdf_draw.h). */
#include "pdf_draw.h"

#include "writer.h" /* pl_w_clean, pl_w_num */

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct pl_pdf {
    FILE *out;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout;
    PangoFontDescription *font[2];
    int write_failed;
};

/* Set by pl_pdf_open: pango, cairo and fontconfig hold process-wide data. */
static atomic_int text_started;

static cairo_status_t write_fn(void *closure, const unsigned char *data, unsigned int length)
{
    pl_pdf *p = closure;
    if (fwrite(data, 1, length, p->out) != length) {
        p->write_failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

int pl_pdf_open(FILE *out, double w, double h, const char *title, pl_pdf **pdf, pl_error *err)
{
    *pdf = NULL;
    pl_pdf *p = calloc(1, sizeof *p);
    if (!p)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    p->out = out;
    atomic_store(&text_started, 1);
    p->surface = cairo_pdf_surface_create_for_stream(write_fn, p, w, h);
    if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p->surface);
        free(p);
        return pl_error_set(err, PL_ERR_IO, "cannot start the PDF");
    }
    char *t = pl_w_clean(title, 1);
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, t ? t : "");
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "parkland");
    free(t);
    p->cr = cairo_create(p->surface);
    p->layout = pango_cairo_create_layout(p->cr);
    for (int b = 0; b < 2; b++) {
        p->font[b] = pango_font_description_from_string(PL_PDF_FONT);
        pango_font_description_set_weight(p->font[b], b ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    }
    *pdf = p;
    return PL_OK;
}

void pl_pdf_library_shutdown(void)
{
    if (!atomic_exchange(&text_started, 0))
        return;
    /* The font map first: it holds cairo font faces and fontconfig patterns.
     * Then cairo's caches (its FreeType font faces hold fontconfig patterns),
     * then fontconfig itself. */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}

cairo_t *pl_pdf_cr(pl_pdf *pdf)
{
    return pdf->cr;
}

void pl_pdf_next_page(pl_pdf *pdf)
{
    cairo_show_page(pdf->cr);
}

int pl_pdf_close(pl_pdf *p, pl_error *err)
{
    if (!p)
        return PL_OK;
    cairo_status_t st = cairo_status(p->cr);
    cairo_show_page(p->cr);
    g_object_unref(p->layout);
    for (int b = 0; b < 2; b++)
        pango_font_description_free(p->font[b]);
    cairo_destroy(p->cr);
    cairo_surface_finish(p->surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(p->surface);
    cairo_surface_destroy(p->surface);
    int failed = p->write_failed;
    free(p);
    if (failed)
        return pl_error_set(err, PL_ERR_IO, "cannot write the PDF");
    if (st != CAIRO_STATUS_SUCCESS)
        return pl_error_set(err, PL_ERR_IO, "cannot draw the PDF: %s", cairo_status_to_string(st));
    return PL_OK;
}

static void set_text(pl_pdf *p, const char *text, double size, int bold)
{
    pango_font_description_set_absolute_size(p->font[bold != 0], size * PANGO_SCALE);
    pango_layout_set_font_description(p->layout, p->font[bold != 0]);
    pango_layout_set_width(p->layout, -1);
    char *t = pl_w_clean(text, 0);
    pango_layout_set_text(p->layout, t ? t : "", -1);
    free(t);
}

void pl_pdf_text_size(pl_pdf *p, const char *text, double size, int bold, double *w, double *h)
{
    set_text(p, text, size, bold);
    int pw, ph;
    pango_layout_get_size(p->layout, &pw, &ph);
    if (w)
        *w = (double)pw / PANGO_SCALE;
    if (h)
        *h = (double)ph / PANGO_SCALE;
}

double pl_pdf_text(pl_pdf *p, const char *text, double size, int bold, double x, double y, int align)
{
    double w, h;
    pl_pdf_text_size(p, text, size, bold, &w, &h);
    double left = align == PL_ALIGN_CENTER ? x - w / 2 : align == PL_ALIGN_RIGHT ? x - w : x;
    cairo_move_to(p->cr, left, y);
    pango_cairo_update_layout(p->cr, p->layout);
    pango_cairo_show_layout(p->cr, p->layout);
    cairo_new_path(p->cr);
    return w;
}

static double wrapped(pl_pdf *p, const char *text, double size, int bold, double x, double y, double width, int draw)
{
    set_text(p, text, size, bold);
    pango_layout_set_width(p->layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
    int pw, ph;
    pango_layout_get_size(p->layout, &pw, &ph);
    if (draw) {
        cairo_move_to(p->cr, x, y);
        pango_cairo_update_layout(p->cr, p->layout);
        pango_cairo_show_layout(p->cr, p->layout);
        cairo_new_path(p->cr);
    }
    pango_layout_set_width(p->layout, -1);
    return (double)ph / PANGO_SCALE;
}

double pl_pdf_text_wrapped(pl_pdf *p, const char *text, double size, int bold, double x, double y, double width)
{
    return wrapped(p, text, size, bold, x, y, width, 1);
}

double pl_pdf_text_wrapped_height(pl_pdf *p, const char *text, double size, int bold, double width)
{
    return wrapped(p, text, size, bold, 0, 0, width, 0);
}

void pl_pdf_color(cairo_t *cr, const char *hex, double alpha)
{
    unsigned r = 128, g = 128, b = 128;
    if (hex && hex[0] == '#' && strlen(hex) == 7)
        sscanf(hex + 1, "%2x%2x%2x", &r, &g, &b);
    cairo_set_source_rgba(cr, r / 255.0, g / 255.0, b / 255.0, alpha);
}

double pl_pdf_nice_scale(double ground_m, double paper_pt)
{
    double need = ground_m * 1000.0 / (paper_pt / PL_PT_PER_MM); /* mm of ground per mm of paper */
    static const double steps[] = {1, 2, 2.5, 5};
    for (double p = 100; p < 1e9; p *= 10)
        for (int i = 0; i < 4; i++)
            if (steps[i] * p >= need)
                return steps[i] * p;
    return need;
}

double pl_pdf_nice_step(double target_m)
{
    if (!(target_m > 0))
        return 1;
    double p = pow(10, floor(log10(target_m)));
    double m = target_m / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

double pl_pdf_scale_bar(pl_pdf *p, double x, double y, double n, double max_pt)
{
    cairo_t *cr = p->cr;
    double pt_per_m = 1000.0 * PL_PT_PER_MM / n;
    double seg = pl_pdf_nice_step(max_pt / 4 / pt_per_m);
    while (4 * seg * pt_per_m > max_pt && seg > 1e-3)
        seg = pl_pdf_nice_step(seg / 2.1);
    double seg_pt = seg * pt_per_m, bar_y = y + 10;
    cairo_set_line_width(cr, 0.5);
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x + i * seg_pt, bar_y, seg_pt, 4);
        cairo_set_source_rgb(cr, i % 2 ? 1 : 0, i % 2 ? 1 : 0, i % 2 ? 1 : 0);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_stroke(cr);
    }
    for (int i = 0; i <= 4; i++) {
        char b[48];
        pl_w_num(b, sizeof b, seg * i, 3);
        if (i == 4)
            strcat(b, " m");
        pl_pdf_text(p, b, 6, 0, x + i * seg_pt, y, PL_ALIGN_CENTER);
    }
    char s[64];
    snprintf(s, sizeof s, "比例尺 1:%.0f", n);
    pl_pdf_text(p, s, 8, 1, x + 4 * seg_pt + 14, bar_y - 3, PL_ALIGN_LEFT);
    return 20;
}

void pl_pdf_north_arrow(pl_pdf *p, double x, double y, double h)
{
    cairo_t *cr = p->cr;
    double w = h * 0.35, top = y + h * 0.3;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, x, top);
    cairo_line_to(cr, x + w / 2, y + h);
    cairo_line_to(cr, x, y + h * 0.8);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_move_to(cr, x, top);
    cairo_line_to(cr, x - w / 2, y + h);
    cairo_line_to(cr, x, y + h * 0.8);
    cairo_close_path(cr);
    cairo_stroke(cr);
    pl_pdf_text(p, "北 N", h * 0.22, 1, x, y, PL_ALIGN_CENTER);
}
