/*
 * write_kml.c — KML 2.2 (namespace http://www.opengis.net/kml/2.2), written
 * with libxml2's xmlTextWriter, valid against the OGC schema ogckml22.xsd.
 *
 *   Document: name, description (theme, dates, coordinates — GCJ-02 said
 *   there —, a colour legend as an HTML table), one shared Style per class
 *   of the theme (ids "availability-<status>" / "landing-<class>", colours
 *   aabbggrr from gis/style.c), a Folder "图例 legend" with one entry per
 *   class, then one Folder per park (with a LookAt on the park) holding one
 *   Folder per class in legend order.
 *   Placemark: <name> the parcel name (the code when it has none), a
 *   bilingual balloon (an HTML table in CDATA; all text HTML-escaped, and any
 *   "]]>" split across two CDATA sections), the class's styleUrl,
 *   ExtendedData/Data for every field (with displayName), and a
 *   MultiGeometry of the polygon(s) and a label Point inside the parcel.
 *   --timeline: one Placemark per status period instead, with a TimeSpan
 *   (begin, and end unless the period lasts) and that status's style, in the
 *   folder of that status.
 *
 * Text: invalid UTF-8 and characters XML 1.0 forbids (control characters)
 * become U+FFFD before libxml2 escapes & < >.
 * Streaming: placemarks are serialised one at a time and appended to one
 * temporary file per class; when the park changes its folder is written from
 * them, so memory does not grow with the parcels and folders come out in
 * legend order whatever the order of the rows.
 */
#include "writer.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KML_NS "http://www.opengis.net/kml/2.2"

typedef struct kml {
    const pl_export_doc *doc;
    xmlTextWriterPtr w;       /* the document */
    pl_export_theme ftheme;   /* theme of the class folders (availability with --timeline) */
    int in_park;
    char park[128];
    char *park_name;
    FILE *cls[PL_STYLE_MAX];  /* serialised placemarks of the current park, per class */
    long ccount[PL_STYLE_MAX];
    double carea[PL_STYLE_MAX];
    long pcount;
    double parea;
    int have_pb;
    double pb[4];             /* park extent, output lon/lat */
    xmlBufferPtr pm;          /* one placemark */
    int failed;
} kml;

#define X(call)                  \
    do {                         \
        if ((call) < 0)          \
            k->failed = 1;       \
    } while (0)

static const xmlChar *BC(const char *s)
{
    return (const xmlChar *)s;
}

/* <name>text</name> with the text cleaned for XML. */
static void element(kml *k, xmlTextWriterPtr w, const char *name, const char *text)
{
    char *c = pl_w_clean(text, 0);
    if (!c) {
        k->failed = 1;
        return;
    }
    X(xmlTextWriterWriteElement(w, BC(name), BC(c)));
    free(c);
}

/* <description><![CDATA[html]]></description>, splitting any "]]>". */
static void cdata_element(kml *k, xmlTextWriterPtr w, const char *name, const char *html)
{
    X(xmlTextWriterStartElement(w, BC(name)));
    X(xmlTextWriterWriteRaw(w, BC("<![CDATA[")));
    const char *p = html;
    const char *hit;
    while ((hit = strstr(p, "]]>"))) {
        X(xmlTextWriterWriteRawLen(w, BC(p), (int)(hit - p + 2)));
        X(xmlTextWriterWriteRaw(w, BC("]]><![CDATA[")));
        p = hit + 2;
    }
    X(xmlTextWriterWriteRaw(w, BC(p)));
    X(xmlTextWriterWriteRaw(w, BC("]]>")));
    X(xmlTextWriterEndElement(w));
}

static void style_id(const pl_style *s, pl_export_theme t, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s", pl_export_theme_name(t), s->key);
}

static void write_style(kml *k, const pl_style *s, pl_export_theme t)
{
    xmlTextWriterPtr w = k->w;
    char id[96], line[9], poly[9], width[32];
    style_id(s, t, id, sizeof id);
    pl_style_kml_color(s->stroke, 1.0, line);
    pl_style_kml_color(s->fill, s->fill_opacity, poly);
    pl_w_num(width, sizeof width, s->stroke_width, 2);
    X(xmlTextWriterStartElement(w, BC("Style")));
    X(xmlTextWriterWriteAttribute(w, BC("id"), BC(id)));
    X(xmlTextWriterStartElement(w, BC("IconStyle"))); /* no pin at the label point, only its label */
    X(xmlTextWriterWriteElement(w, BC("scale"), BC("0")));
    X(xmlTextWriterEndElement(w));
    X(xmlTextWriterStartElement(w, BC("LabelStyle")));
    X(xmlTextWriterWriteElement(w, BC("scale"), BC("0.8")));
    X(xmlTextWriterEndElement(w));
    X(xmlTextWriterStartElement(w, BC("LineStyle")));
    X(xmlTextWriterWriteElement(w, BC("color"), BC(line)));
    X(xmlTextWriterWriteElement(w, BC("width"), BC(width)));
    X(xmlTextWriterEndElement(w));
    X(xmlTextWriterStartElement(w, BC("PolyStyle")));
    X(xmlTextWriterWriteElement(w, BC("color"), BC(poly)));
    X(xmlTextWriterEndElement(w));
    X(xmlTextWriterEndElement(w));
}

static int legend_html(pl_w_buf *b, pl_export_theme t)
{
    int rc = pl_w_buf_str(b, "<table border=\"1\" cellpadding=\"3\" cellspacing=\"0\" "
                             "style=\"border-collapse:collapse\"><tr><th>图例 legend</th><th>类别 class</th></tr>");
    for (size_t i = 0; !rc && i < pl_style_count(t); i++) {
        const pl_style *s = pl_style_at(t, i);
        rc = pl_w_buf_fmt(b, "<tr><td style=\"background:%s;border:2px solid %s\">&#160;&#160;&#160;&#160;</td><td>",
                          s->fill, s->stroke);
        if (!rc)
            rc = pl_w_buf_html(b, s->zh);
        if (!rc)
            rc = pl_w_buf_str(b, " ");
        if (!rc)
            rc = pl_w_buf_html(b, s->en);
        if (!rc)
            rc = pl_w_buf_str(b, "</td></tr>");
    }
    return rc ? rc : pl_w_buf_str(b, "</table>");
}

static int kml_begin(void **state, const pl_export_doc *doc, pl_error *err)
{
    kml *k = calloc(1, sizeof *k);
    if (!k)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *state = k;
    k->doc = doc;
    k->ftheme = doc->timeline ? PL_THEME_AVAILABILITY : doc->theme;
    k->pm = xmlBufferCreate();
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(doc->out, NULL);
    if (!k->pm || !ob || !(k->w = xmlNewTextWriter(ob))) {
        if (ob && !k->w)
            xmlOutputBufferClose(ob);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    xmlTextWriterPtr w = k->w;
    X(xmlTextWriterSetIndent(w, 1));
    X(xmlTextWriterSetIndentString(w, BC(" ")));
    X(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
    X(xmlTextWriterStartElement(w, BC("kml")));
    X(xmlTextWriterWriteAttribute(w, BC("xmlns"), BC(KML_NS)));
    X(xmlTextWriterStartElement(w, BC("Document")));
    char name[1024];
    snprintf(name, sizeof name, "%s — %s %s", doc->title, doc->theme_zh, doc->theme_en);
    element(k, w, "name", name);
    X(xmlTextWriterWriteElement(w, BC("open"), BC("1")));
    pl_w_buf d = {0};
    int rc = pl_w_buf_str(&d, "<p><b>");
    rc = rc ? rc : pl_w_buf_html(&d, doc->title);
    rc = rc ? rc : pl_w_buf_str(&d, "</b></p><p>专题 theme: ");
    rc = rc ? rc : pl_w_buf_html(&d, doc->theme_zh);
    rc = rc ? rc : pl_w_buf_fmt(&d, " %s%s<br/>导出日期 exported: %s<br/>统计日期 as of: %s<br/>", doc->theme_en,
                                doc->timeline ? " (时间轴 timeline: one placemark per status period)" : "",
                                doc->generated, doc->as_of);
    if (!rc && doc->filter && *doc->filter) {
        rc = pl_w_buf_str(&d, "筛选 filter: ");
        rc = rc ? rc : pl_w_buf_html(&d, doc->filter);
        rc = rc ? rc : pl_w_buf_str(&d, "<br/>");
    }
    rc = rc ? rc
            : pl_w_buf_str(&d, doc->gcj02 ? "坐标 coordinates: <b>GCJ-02</b> (火星坐标, shifted for AMap/Tencent "
                                            "base maps; they do not line up with WGS 84 imagery)"
                                          : "坐标 coordinates: WGS 84 lon/lat (EPSG:4326)");
    rc = rc ? rc : pl_w_buf_fmt(&d, "<br/>parkland %s</p>", doc->version);
    rc = rc ? rc : legend_html(&d, k->ftheme);
    if (rc) {
        pl_w_buf_free(&d);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    cdata_element(k, w, "description", d.p);
    pl_w_buf_free(&d);
    for (size_t i = 0; i < pl_style_count(doc->theme); i++)
        write_style(k, pl_style_at(doc->theme, i), doc->theme);
    if (k->ftheme != doc->theme)
        for (size_t i = 0; i < pl_style_count(k->ftheme); i++)
            write_style(k, pl_style_at(k->ftheme, i), k->ftheme);
    /* the legend: one entry per class, in the theme's colours */
    X(xmlTextWriterStartElement(w, BC("Folder")));
    X(xmlTextWriterWriteElement(w, BC("name"), BC("图例 legend")));
    for (size_t i = 0; i < pl_style_count(k->ftheme); i++) {
        const pl_style *s = pl_style_at(k->ftheme, i);
        char label[256], id[96], url[100];
        snprintf(label, sizeof label, "%s %s", s->zh, s->en);
        style_id(s, k->ftheme, id, sizeof id);
        snprintf(url, sizeof url, "#%s", id);
        X(xmlTextWriterStartElement(w, BC("Placemark")));
        element(k, w, "name", label);
        X(xmlTextWriterWriteElement(w, BC("styleUrl"), BC(url)));
        X(xmlTextWriterEndElement(w));
    }
    X(xmlTextWriterEndElement(w));
    return k->failed ? pl_error_set(err, PL_ERR_IO, "cannot write the KML") : PL_OK;
}

static void coords_ring(kml *k, xmlTextWriterPtr w, const pl_ring *r)
{
    pl_w_buf b = {0};
    char x[48], y[48];
    for (size_t i = 0; i < r->n; i++) {
        pl_w_num(x, sizeof x, r->xy[2 * i], k->doc->precision);
        pl_w_num(y, sizeof y, r->xy[2 * i + 1], k->doc->precision);
        if (pl_w_buf_fmt(&b, "%s%s,%s", i ? " " : "", x, y))
            k->failed = 1;
    }
    X(xmlTextWriterWriteElement(w, BC("coordinates"), BC(b.p ? b.p : "")));
    pl_w_buf_free(&b);
}

static void geometry(kml *k, xmlTextWriterPtr w, const pl_export_feature *f)
{
    X(xmlTextWriterStartElement(w, BC("MultiGeometry")));
    for (size_t i = 0; i < f->geom->n; i++) {
        const pl_poly *p = &f->geom->polys[i];
        X(xmlTextWriterStartElement(w, BC("Polygon")));
        for (size_t j = 0; j < p->n; j++) {
            X(xmlTextWriterStartElement(w, BC(j ? "innerBoundaryIs" : "outerBoundaryIs")));
            X(xmlTextWriterStartElement(w, BC("LinearRing")));
            coords_ring(k, w, &p->rings[j]);
            X(xmlTextWriterEndElement(w));
            X(xmlTextWriterEndElement(w));
        }
        X(xmlTextWriterEndElement(w));
    }
    char x[48], y[48], pt[100];
    pl_w_num(x, sizeof x, f->label_lon, k->doc->precision);
    pl_w_num(y, sizeof y, f->label_lat, k->doc->precision);
    snprintf(pt, sizeof pt, "%s,%s", x, y);
    X(xmlTextWriterStartElement(w, BC("Point")));
    X(xmlTextWriterWriteElement(w, BC("coordinates"), BC(pt)));
    X(xmlTextWriterEndElement(w));
    X(xmlTextWriterEndElement(w));
}

/* The balloon: a colour swatch and a table of every field that has a value. */
static int balloon(pl_w_buf *b, const pl_export_feature *f, const pl_export_period *per)
{
    const pl_style *s = per ? per->style : f->style;
    int rc = pl_w_buf_str(b, "<h3>");
    rc = rc ? rc : pl_w_buf_html(b, f->code);
    rc = rc ? rc : pl_w_buf_str(b, " ");
    rc = rc ? rc : pl_w_buf_html(b, f->name);
    rc = rc ? rc : pl_w_buf_fmt(b, "</h3><p><span style=\"background:%s;border:2px solid %s\">&#160;&#160;&#160;&#160;"
                                   "</span> ", s->fill, s->stroke);
    rc = rc ? rc : pl_w_buf_html(b, s->zh);
    rc = rc ? rc : pl_w_buf_str(b, " ");
    rc = rc ? rc : pl_w_buf_html(b, s->en);
    if (!rc && per)
        rc = pl_w_buf_fmt(b, " · %s – %s", per->begin, per->end[0] ? per->end : "至今 now");
    rc = rc ? rc : pl_w_buf_str(b, "</p><table border=\"1\" cellpadding=\"3\" cellspacing=\"0\" "
                                   "style=\"border-collapse:collapse;font-size:12px\">");
    for (size_t i = 0; !rc && i < f->nfields; i++) {
        const pl_export_field *fl = &f->fields[i];
        if (!fl->text)
            continue;
        char label[256];
        pl_w_field_label(fl, label, sizeof label);
        rc = pl_w_buf_str(b, "<tr><th align=\"left\">");
        rc = rc ? rc : pl_w_buf_html(b, label);
        rc = rc ? rc : pl_w_buf_str(b, "</th><td>");
        if (!rc && fl->kind == PL_FIELD_BOOL)
            rc = pl_w_buf_str(b, fl->num ? "是 yes" : "否 no");
        else if (!rc)
            rc = pl_w_buf_html(b, fl->text);
        rc = rc ? rc : pl_w_buf_str(b, "</td></tr>");
    }
    return rc ? rc : pl_w_buf_str(b, "</table>");
}

static void data(kml *k, xmlTextWriterPtr w, const char *name, const char *display, const char *value)
{
    X(xmlTextWriterStartElement(w, BC("Data")));
    X(xmlTextWriterWriteAttribute(w, BC("name"), BC(name)));
    element(k, w, "displayName", display);
    element(k, w, "value", value ? value : "");
    X(xmlTextWriterEndElement(w));
}

/* Serialise one placemark (per: the status period, or NULL) and append it to its class file. */
static int placemark(kml *k, const pl_export_feature *f, const pl_export_period *per, size_t pi, pl_error *err)
{
    const pl_style *s = per ? per->style : f->style;
    int ci = pl_style_index(k->ftheme, s->key);
    if (ci < 0 || ci >= PL_STYLE_MAX)
        ci = 0;
    xmlBufferEmpty(k->pm);
    xmlTextWriterPtr w = xmlNewTextWriterMemory(k->pm, 0);
    if (!w)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    X(xmlTextWriterSetIndent(w, 1));
    X(xmlTextWriterSetIndentString(w, BC(" ")));
    char id[64], name[1024], url[100], sid[96];
    if (per)
        snprintf(id, sizeof id, "p%ld-%zu", f->id, pi + 1);
    else
        snprintf(id, sizeof id, "p%ld", f->id);
    X(xmlTextWriterStartElement(w, BC("Placemark")));
    X(xmlTextWriterWriteAttribute(w, BC("id"), BC(id)));
    const char *label = f->name ? f->name : f->code ? f->code : "";
    if (per)
        snprintf(name, sizeof name, "%s · %s", label, s->zh);
    else
        snprintf(name, sizeof name, "%s", label);
    element(k, w, "name", name);
    pl_w_buf b = {0};
    if (balloon(&b, f, per)) {
        pl_w_buf_free(&b);
        xmlFreeTextWriter(w);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    cdata_element(k, w, "description", b.p);
    pl_w_buf_free(&b);
    if (per) {
        X(xmlTextWriterStartElement(w, BC("TimeSpan")));
        X(xmlTextWriterWriteElement(w, BC("begin"), BC(per->begin)));
        if (per->end[0])
            X(xmlTextWriterWriteElement(w, BC("end"), BC(per->end)));
        X(xmlTextWriterEndElement(w));
    }
    style_id(s, per ? PL_THEME_AVAILABILITY : k->doc->theme, sid, sizeof sid);
    snprintf(url, sizeof url, "#%s", sid);
    X(xmlTextWriterWriteElement(w, BC("styleUrl"), BC(url)));
    X(xmlTextWriterStartElement(w, BC("ExtendedData")));
    for (size_t i = 0; i < f->nfields; i++) {
        char display[256];
        pl_w_field_label(&f->fields[i], display, sizeof display);
        data(k, w, f->fields[i].key, display, f->fields[i].text);
    }
    if (per) {
        data(k, w, "period_status", "时段状态 period status", per->status);
        data(k, w, "period_begin", "时段开始 period begins", per->begin);
        data(k, w, "period_end", "时段结束 period ends", per->end);
    }
    X(xmlTextWriterEndElement(w));
    geometry(k, w, f);
    X(xmlTextWriterEndElement(w));
    xmlFreeTextWriter(w); /* flushes into k->pm */
    if (k->failed)
        return pl_error_set(err, PL_ERR_IO, "cannot write the KML (parcel '%s')", f->code ? f->code : "?");
    if (!k->cls[ci] && !(k->cls[ci] = tmpfile()))
        return pl_error_set(err, PL_ERR_IO, "cannot create a temporary file for the KML");
    size_t n = (size_t)xmlBufferLength(k->pm);
    if (fwrite(xmlBufferContent(k->pm), 1, n, k->cls[ci]) != n || fputc('\n', k->cls[ci]) == EOF)
        return pl_error_set(err, PL_ERR_IO, "cannot write a temporary file for the KML");
    k->ccount[ci]++;
    k->carea[ci] += f->area_m2;
    return PL_OK;
}

/* Write the current park's folder from the class files. */
static int flush_park(kml *k, pl_error *err)
{
    if (!k->in_park)
        return PL_OK;
    xmlTextWriterPtr w = k->w;
    char name[1024];
    snprintf(name, sizeof name, "%s (%s) — %ld 宗 parcels, %.2f 亩 mu", k->park_name ? k->park_name : k->park,
             k->park, k->pcount, k->parea * 15.0 / 10000.0);
    X(xmlTextWriterStartElement(w, BC("Folder")));
    element(k, w, "name", name);
    X(xmlTextWriterWriteElement(w, BC("open"), BC("1")));
    if (k->have_pb) {
        double lon = (k->pb[0] + k->pb[2]) / 2, lat = (k->pb[1] + k->pb[3]) / 2;
        double wm = (k->pb[2] - k->pb[0]) * 111320.0 * cos(lat * 3.14159265358979323846 / 180.0);
        double hm = (k->pb[3] - k->pb[1]) * 110540.0;
        char b[64];
        X(xmlTextWriterStartElement(w, BC("LookAt")));
        pl_w_num(b, sizeof b, lon, k->doc->precision);
        X(xmlTextWriterWriteElement(w, BC("longitude"), BC(b)));
        pl_w_num(b, sizeof b, lat, k->doc->precision);
        X(xmlTextWriterWriteElement(w, BC("latitude"), BC(b)));
        X(xmlTextWriterWriteElement(w, BC("altitude"), BC("0")));
        X(xmlTextWriterWriteElement(w, BC("heading"), BC("0")));
        X(xmlTextWriterWriteElement(w, BC("tilt"), BC("0")));
        pl_w_num(b, sizeof b, fmax(wm, hm) * 1.6 + 300.0, 0);
        X(xmlTextWriterWriteElement(w, BC("range"), BC(b)));
        X(xmlTextWriterEndElement(w));
    }
    for (size_t i = 0; i < pl_style_count(k->ftheme) && i < PL_STYLE_MAX; i++) {
        if (!k->cls[i])
            continue;
        const pl_style *s = pl_style_at(k->ftheme, i);
        snprintf(name, sizeof name, "%s %s — %ld%s, %.2f 亩 mu", s->zh, s->en, k->ccount[i],
                 k->doc->timeline ? " 时段 periods" : " 宗 parcels", k->carea[i] * 15.0 / 10000.0);
        X(xmlTextWriterStartElement(w, BC("Folder")));
        element(k, w, "name", name);
        if (fflush(k->cls[i]) || fseek(k->cls[i], 0, SEEK_SET))
            return pl_error_set(err, PL_ERR_IO, "cannot read back a temporary file of the KML");
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, k->cls[i])) > 0)
            X(xmlTextWriterWriteRawLen(w, BC(buf), (int)n));
        if (ferror(k->cls[i]))
            return pl_error_set(err, PL_ERR_IO, "cannot read back a temporary file of the KML");
        X(xmlTextWriterEndElement(w));
        fclose(k->cls[i]);
        k->cls[i] = NULL;
        k->ccount[i] = 0;
        k->carea[i] = 0;
    }
    X(xmlTextWriterEndElement(w));
    k->in_park = 0;
    k->pcount = 0;
    k->parea = 0;
    k->have_pb = 0;
    free(k->park_name);
    k->park_name = NULL;
    return k->failed ? pl_error_set(err, PL_ERR_IO, "cannot write the KML") : PL_OK;
}

static int kml_feature(void *state, const pl_export_feature *f, pl_error *err)
{
    kml *k = state;
    int rc;
    const char *park = f->park ? f->park : "";
    if (k->in_park && strcmp(k->park, park) && (rc = flush_park(k, err)))
        return rc;
    if (!k->in_park) {
        k->in_park = 1;
        snprintf(k->park, sizeof k->park, "%s", park);
        if (f->park_name && !(k->park_name = strdup(f->park_name)))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    k->pcount++;
    k->parea += f->area_m2;
    double b[4];
    if (pl_geom_bbox(f->geom, &b[0], &b[1], &b[2], &b[3])) {
        if (!k->have_pb) {
            memcpy(k->pb, b, sizeof b);
            k->have_pb = 1;
        } else {
            k->pb[0] = fmin(k->pb[0], b[0]);
            k->pb[1] = fmin(k->pb[1], b[1]);
            k->pb[2] = fmax(k->pb[2], b[2]);
            k->pb[3] = fmax(k->pb[3], b[3]);
        }
    }
    if (k->doc->timeline && f->periods) {
        for (size_t i = 0; i < f->nperiods; i++)
            if ((rc = placemark(k, f, &f->periods[i], i, err)))
                return rc;
        return PL_OK;
    }
    return placemark(k, f, NULL, 0, err);
}

static int kml_end(void *state, const pl_export_summary *sum, pl_error *err)
{
    (void)sum;
    kml *k = state;
    int rc = flush_park(k, err);
    if (rc)
        return rc;
    X(xmlTextWriterEndDocument(k->w)); /* closes Document and kml */
    X(xmlTextWriterFlush(k->w));
    return k->failed ? pl_error_set(err, PL_ERR_IO, "cannot write the KML") : PL_OK;
}

static void kml_release(void *state)
{
    kml *k = state;
    if (!k)
        return;
    if (k->w)
        xmlFreeTextWriter(k->w); /* the output buffer flushes; the FILE stays open */
    if (k->pm)
        xmlBufferFree(k->pm);
    for (size_t i = 0; i < PL_STYLE_MAX; i++)
        if (k->cls[i])
            fclose(k->cls[i]);
    free(k->park_name);
    free(k);
}

const pl_writer_ops pl_writer_kml = {"kml", PL_NEED_LONLAT | PL_NEED_LABEL | PL_NEED_HISTORY, kml_begin, kml_feature, kml_end,
                                     kml_release};
