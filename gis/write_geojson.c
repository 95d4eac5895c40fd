/*
 * write_geojson.c — GeoJSON (RFC 7946): a FeatureCollection in WGS 84 lon/lat
 * (or GCJ-02, then labelled "coord_sys":"GCJ-02"), exterior rings
 * counter-clockwise and holes clockwise (export.c orients them), no "crs"
 * member, `precision` decimals (trailing zeros dropped), each Feature with
 * the parcel id as "id". Properties: every field of the parcel plus the
 * simplestyle keys fill, fill-opacity, stroke, stroke-width, title. Foreign
 * members: "parkland" (what, when, as of) and "legend" (the classes of the
 * theme that have a parcel, or all of them with --legend all, with their
 * colours and totals, after the features); context parcels of a filtered
 * export have only "code", "context": true, "class": "context" and their
 * grey simplestyle keys, and are in no legend total; with --bbox a
 * "bbox" on the collection (written last, when it is known) and on each
 * feature. Streaming: one feature at a time into one output buffer
 * (gis/writer.h pl_w_out) that goes to the FILE whenever it is full.
 */
#include "writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gj {
    pl_w_out o;
    const pl_export_doc *doc;
    long n;
} gj;

/* Output buffer: written to the FILE whenever full. */
#define GJ_BUF (256 * 1024)

static void key(pl_w_out *o, const char *k)
{
    pl_w_put_json(o, k, 0);
    pl_w_putc(o, ':');
}

static int gj_check(gj *g, pl_error *err)
{
    return g->o.err || ferror(g->o.f) ? pl_error_set(err, PL_ERR_IO, "cannot write the GeoJSON") : PL_OK;
}

static int gj_begin(void **state, const pl_export_doc *doc, pl_error *err)
{
    gj *g = calloc(1, sizeof *g);
    if (!g)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *state = g;
    if (pl_w_out_init(&g->o, doc->out, GJ_BUF))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    g->doc = doc;
    pl_w_out *o = &g->o;
    pl_w_lit(o, "{\"type\":\"FeatureCollection\",\"name\":\"parcels\",\n");
    if (doc->gcj02)
        pl_w_lit(o, "\"coord_sys\":\"GCJ-02\",\n");
    else if (doc->bd09)
        pl_w_lit(o, "\"coord_sys\":\"BD-09\",\n");
    pl_w_lit(o, "\"parkland\":{");
    key(o, "title");
    pl_w_put_json(o, doc->title, 0);
    pl_w_lit(o, ",\"theme\":");
    pl_w_put_json(o, pl_style_theme_name(doc->theme), 0);
    pl_w_lit(o, ",\"theme_zh\":");
    pl_w_put_json(o, doc->theme_zh, 0);
    pl_w_lit(o, ",\"generated\":");
    pl_w_put_json(o, doc->generated, 0);
    pl_w_lit(o, ",\"as_of\":");
    pl_w_put_json(o, doc->as_of, 0);
    pl_w_lit(o, ",\"filter\":");
    pl_w_put_json(o, doc->filter, 0);
    pl_w_lit(o, ",\"coordinates\":");
    pl_w_put_json(o, doc->gcj02  ? "GCJ-02 lon/lat (AMap/Tencent; not WGS 84)"
                     : doc->bd09 ? "BD-09 lon/lat (Baidu Maps; not WGS 84)"
                                 : "WGS 84 lon/lat (EPSG:4326)", 0);
    pl_w_lit(o, ",\"version\":");
    pl_w_put_json(o, doc->version, 0);
    pl_w_lit(o, "},\n\"features\":[");
    return gj_check(g, err);
}

static void ring(pl_w_out *o, const pl_ring *r, int prec)
{
    pl_w_putc(o, '[');
    for (size_t k = 0; k < r->n; k++) {
        if (k)
            pl_w_lit(o, ",[");
        else
            pl_w_putc(o, '[');
        pl_w_put_num(o, r->xy[2 * k], prec);
        pl_w_putc(o, ',');
        pl_w_put_num(o, r->xy[2 * k + 1], prec);
        pl_w_putc(o, ']');
    }
    pl_w_putc(o, ']');
}

static void polygon(pl_w_out *o, const pl_poly *p, int prec)
{
    pl_w_putc(o, '[');
    for (size_t j = 0; j < p->n; j++) {
        if (j)
            pl_w_putc(o, ',');
        ring(o, &p->rings[j], prec);
    }
    pl_w_putc(o, ']');
}

static int gj_feature(void *state, const pl_export_feature *f, pl_error *err)
{
    gj *g = state;
    pl_w_out *o = &g->o;
    int prec = g->doc->precision;
    if (g->n++)
        pl_w_lit(o, ",\n");
    else
        pl_w_putc(o, '\n');
    pl_w_lit(o, "{\"type\":\"Feature\",\"id\":");
    pl_w_put_long(o, f->id);
    pl_w_putc(o, ',');
    if (g->doc->bbox) {
        double b[4];
        if (pl_geom_bbox(f->geom, &b[0], &b[1], &b[2], &b[3])) {
            pl_w_lit(o, "\"bbox\":[");
            for (int i = 0; i < 4; i++) {
                if (i)
                    pl_w_putc(o, ',');
                pl_w_put_num(o, b[i], prec);
            }
            pl_w_lit(o, "],");
        }
    }
    pl_w_lit(o, "\"properties\":{");
    for (size_t i = 0; i < f->nfields; i++) {
        const pl_export_field *fl = &f->fields[i];
        if (i)
            pl_w_putc(o, ',');
        key(o, fl->key);
        if (!fl->text)
            pl_w_lit(o, "null");
        else if (fl->kind == PL_FIELD_NUMBER || fl->kind == PL_FIELD_BOOL)
            pl_w_puts(o, fl->text);
        else
            pl_w_put_json(o, fl->text, 0);
    }
    const pl_style *s = f->style;
    if (f->context) /* another parcel of the park, outside the filter: its code and colours only */
        pl_w_lit(o, ",\"context\":true,\"class\":\"context\"");
    pl_w_lit(o, ",\"fill\":");
    pl_w_put_json(o, s->fill, 0);
    pl_w_lit(o, ",\"fill-opacity\":");
    pl_w_put_num(o, s->fill_opacity, 2);
    pl_w_lit(o, ",\"stroke\":");
    pl_w_put_json(o, s->stroke, 0);
    pl_w_lit(o, ",\"stroke-width\":");
    pl_w_put_num(o, s->stroke_width, 2);
    char title[1024];
    const char *name = f->context ? NULL : f->name;
    snprintf(title, sizeof title, "%s%s%s", f->code ? f->code : "", name ? " " : "", name ? name : "");
    pl_w_lit(o, ",\"title\":");
    pl_w_put_json(o, title, 0);
    pl_w_lit(o, "},\"geometry\":{");
    const pl_geom *gm = f->geom;
    if (gm->n == 1) {
        pl_w_lit(o, "\"type\":\"Polygon\",\"coordinates\":");
        polygon(o, &gm->polys[0], prec);
    } else {
        pl_w_lit(o, "\"type\":\"MultiPolygon\",\"coordinates\":[");
        for (size_t i = 0; i < gm->n; i++) {
            if (i)
                pl_w_putc(o, ',');
            polygon(o, &gm->polys[i], prec);
        }
        pl_w_putc(o, ']');
    }
    pl_w_lit(o, "}}");
    return g->o.err ? pl_error_set(err, PL_ERR_IO, "cannot write the GeoJSON") : PL_OK;
}

static int gj_end(void *state, const pl_export_summary *sum, pl_error *err)
{
    gj *g = state;
    pl_w_out *o = &g->o;
    pl_w_lit(o, "\n],\n\"legend\":[");
    size_t n = pl_style_count(g->doc->theme);
    for (size_t i = 0, listed = 0; i < n; i++) {
        const pl_style *s = pl_style_at(g->doc->theme, i);
        if (i < PL_STYLE_MAX && !g->doc->present[i] && !sum->count[i])
            continue; /* a class no selected parcel has (all with --legend all) */
        if (listed++)
            pl_w_lit(o, ",\n");
        else
            pl_w_putc(o, '\n');
        pl_w_lit(o, "{\"class\":");
        pl_w_put_json(o, s->key, 0);
        pl_w_lit(o, ",\"label_zh\":");
        pl_w_put_json(o, s->zh, 0);
        pl_w_lit(o, ",\"label_en\":");
        pl_w_put_json(o, s->en, 0);
        pl_w_lit(o, ",\"fill\":");
        pl_w_put_json(o, s->fill, 0);
        pl_w_lit(o, ",\"stroke\":");
        pl_w_put_json(o, s->stroke, 0);
        pl_w_lit(o, ",\"parcels\":");
        pl_w_put_long(o, i < PL_STYLE_MAX ? sum->count[i] : 0);
        pl_w_lit(o, ",\"area_m2\":");
        pl_w_put_num(o, i < PL_STYLE_MAX ? sum->area[i] : 0, 2);
        pl_w_lit(o, ",\"area_mu\":");
        pl_w_put_num(o, i < PL_STYLE_MAX ? sum->area[i] * 15.0 / 10000.0 : 0, 4);
        pl_w_putc(o, '}');
    }
    pl_w_lit(o, "\n]");
    if (g->doc->bbox && sum->have_bbox) {
        pl_w_lit(o, ",\n\"bbox\":[");
        for (int i = 0; i < 4; i++) {
            if (i)
                pl_w_putc(o, ',');
            pl_w_put_num(o, sum->bbox[i], g->doc->precision);
        }
        pl_w_putc(o, ']');
    }
    pl_w_lit(o, "}\n");
    pl_w_out_flush(o);
    return gj_check(g, err);
}

static void gj_release(void *state)
{
    gj *g = state;
    if (!g)
        return;
    pl_w_out_free(&g->o);
    free(g);
}

const pl_writer_ops pl_writer_geojson = {"geojson", PL_NEED_LONLAT, gj_begin, gj_feature, gj_end, gj_release};
