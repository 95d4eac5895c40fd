/*
 * write_geojson.c — GeoJSON (RFC 7946): a FeatureCollection in WGS 84 lon/lat
 * (or GCJ-02, then labelled "coord_sys":"GCJ-02"), exterior rings
 * counter-clockwise and holes clockwise (export.c orients them), no "crs"
 * member, `precision` decimals (trailing zeros dropped), each Feature with
 * the parcel id as "id". Properties: every field of the parcel plus the
 * simplestyle keys fill, fill-opacity, stroke, stroke-width, title. Foreign
 * members: "parkland" (what, when, as of) and "legend" (the classes of the
 * theme with their colours and totals, after the features); with --bbox a
 * "bbox" on the collection (written last, when it is known) and on each
 * feature. Streaming: one feature at a time, nothing kept.
 */
#include "writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gj {
    FILE *out;
    const pl_export_doc *doc;
    long n;
} gj;

static void num(FILE *out, double v, int decimals)
{
    char b[64];
    pl_w_num(b, sizeof b, v, decimals);
    fputs(b, out);
}

static void key(FILE *out, const char *k)
{
    pl_w_json_string(out, k, 0);
    fputc(':', out);
}

static int gj_begin(void **state, const pl_export_doc *doc, pl_error *err)
{
    gj *g = calloc(1, sizeof *g);
    if (!g)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *state = g;
    g->out = doc->out;
    g->doc = doc;
    FILE *o = g->out;
    fputs("{\"type\":\"FeatureCollection\",\"name\":\"parcels\",\n", o);
    if (doc->gcj02)
        fputs("\"coord_sys\":\"GCJ-02\",\n", o);
    fputs("\"parkland\":{", o);
    key(o, "title");
    pl_w_json_string(o, doc->title, 0);
    fputs(",\"theme\":", o);
    pl_w_json_string(o, pl_export_theme_name(doc->theme), 0);
    fputs(",\"theme_zh\":", o);
    pl_w_json_string(o, doc->theme_zh, 0);
    fputs(",\"generated\":", o);
    pl_w_json_string(o, doc->generated, 0);
    fputs(",\"as_of\":", o);
    pl_w_json_string(o, doc->as_of, 0);
    fputs(",\"filter\":", o);
    pl_w_json_string(o, doc->filter, 0);
    fputs(",\"coordinates\":", o);
    pl_w_json_string(o, doc->gcj02 ? "GCJ-02 lon/lat (AMap/Tencent; not WGS 84)" : "WGS 84 lon/lat (EPSG:4326)", 0);
    fputs(",\"version\":", o);
    pl_w_json_string(o, doc->version, 0);
    fputs("},\n\"features\":[", o);
    return ferror(o) ? pl_error_set(err, PL_ERR_IO, "cannot write the GeoJSON") : PL_OK;
}

static void ring(FILE *o, const pl_ring *r, int prec)
{
    fputc('[', o);
    for (size_t k = 0; k < r->n; k++) {
        fputs(k ? ",[" : "[", o);
        num(o, r->xy[2 * k], prec);
        fputc(',', o);
        num(o, r->xy[2 * k + 1], prec);
        fputc(']', o);
    }
    fputc(']', o);
}

static void polygon(FILE *o, const pl_poly *p, int prec)
{
    fputc('[', o);
    for (size_t j = 0; j < p->n; j++) {
        if (j)
            fputc(',', o);
        ring(o, &p->rings[j], prec);
    }
    fputc(']', o);
}

static int gj_feature(void *state, const pl_export_feature *f, pl_error *err)
{
    gj *g = state;
    FILE *o = g->out;
    int prec = g->doc->precision;
    fputs(g->n++ ? ",\n" : "\n", o);
    fprintf(o, "{\"type\":\"Feature\",\"id\":%ld,", f->id);
    if (g->doc->bbox) {
        double b[4];
        if (pl_geom_bbox(f->geom, &b[0], &b[1], &b[2], &b[3])) {
            fputs("\"bbox\":[", o);
            for (int i = 0; i < 4; i++) {
                if (i)
                    fputc(',', o);
                num(o, b[i], prec);
            }
            fputs("],", o);
        }
    }
    fputs("\"properties\":{", o);
    for (size_t i = 0; i < f->nfields; i++) {
        const pl_export_field *fl = &f->fields[i];
        if (i)
            fputc(',', o);
        key(o, fl->key);
        if (!fl->text)
            fputs("null", o);
        else if (fl->kind == PL_FIELD_NUMBER || fl->kind == PL_FIELD_BOOL)
            fputs(fl->text, o);
        else
            pl_w_json_string(o, fl->text, 0);
    }
    const pl_style *s = f->style;
    fputs(",\"fill\":", o);
    pl_w_json_string(o, s->fill, 0);
    fputs(",\"fill-opacity\":", o);
    num(o, s->fill_opacity, 2);
    fputs(",\"stroke\":", o);
    pl_w_json_string(o, s->stroke, 0);
    fputs(",\"stroke-width\":", o);
    num(o, s->stroke_width, 2);
    char title[1024];
    snprintf(title, sizeof title, "%s%s%s", f->code ? f->code : "", f->name ? " " : "", f->name ? f->name : "");
    fputs(",\"title\":", o);
    pl_w_json_string(o, title, 0);
    fputs("},\"geometry\":{", o);
    const pl_geom *gm = f->geom;
    if (gm->n == 1) {
        fputs("\"type\":\"Polygon\",\"coordinates\":", o);
        polygon(o, &gm->polys[0], prec);
    } else {
        fputs("\"type\":\"MultiPolygon\",\"coordinates\":[", o);
        for (size_t i = 0; i < gm->n; i++) {
            if (i)
                fputc(',', o);
            polygon(o, &gm->polys[i], prec);
        }
        fputc(']', o);
    }
    fputs("}}", o);
    return ferror(o) ? pl_error_set(err, PL_ERR_IO, "cannot write the GeoJSON") : PL_OK;
}

static int gj_end(void *state, const pl_export_summary *sum, pl_error *err)
{
    gj *g = state;
    FILE *o = g->out;
    fputs("\n],\n\"legend\":[", o);
    size_t n = pl_style_count(g->doc->theme);
    for (size_t i = 0; i < n; i++) {
        const pl_style *s = pl_style_at(g->doc->theme, i);
        fputs(i ? ",\n" : "\n", o);
        fputs("{\"class\":", o);
        pl_w_json_string(o, s->key, 0);
        fputs(",\"label_zh\":", o);
        pl_w_json_string(o, s->zh, 0);
        fputs(",\"label_en\":", o);
        pl_w_json_string(o, s->en, 0);
        fputs(",\"fill\":", o);
        pl_w_json_string(o, s->fill, 0);
        fputs(",\"stroke\":", o);
        pl_w_json_string(o, s->stroke, 0);
        fprintf(o, ",\"parcels\":%ld,\"area_m2\":", i < PL_STYLE_MAX ? sum->count[i] : 0);
        num(o, i < PL_STYLE_MAX ? sum->area[i] : 0, 2);
        fputs(",\"area_mu\":", o);
        num(o, i < PL_STYLE_MAX ? sum->area[i] * 15.0 / 10000.0 : 0, 4);
        fputc('}', o);
    }
    fputs("\n]", o);
    if (g->doc->bbox && sum->have_bbox) {
        fputs(",\n\"bbox\":[", o);
        for (int i = 0; i < 4; i++) {
            if (i)
                fputc(',', o);
            num(o, sum->bbox[i], g->doc->precision);
        }
        fputc(']', o);
    }
    fputs("}\n", o);
    return ferror(o) ? pl_error_set(err, PL_ERR_IO, "cannot write the GeoJSON") : PL_OK;
}

static void gj_release(void *state)
{
    free(state);
}

const pl_writer_ops pl_writer_geojson = {"geojson", PL_NEED_LONLAT, gj_begin, gj_feature, gj_end, gj_release};
