/*
 * write_kml.c — KML 2.2 (namespace http://www.opengis.net/kml/2.2), valid
 * against the OGC schema ogckml22.xsd, written straight into one output
 * buffer (gis/writer.h pl_w_out), without indentation.
 *
 *   Document: name, description (theme, dates, coordinates — GCJ-02 said
 *   there —, a colour legend as an HTML table), one shared Style per class
 *   of the theme (ids "availability-<status>" / "landing-<class>", colours
 *   aabbggrr from gis/style.c) holding the bilingual balloon of its parcels:
 *   a BalloonStyle whose text is an HTML template filled by the viewer from
 *   each placemark's name and ExtendedData ($[code], $[area_mu] …; Google
 *   Earth's entity replacement), a Folder "图例 legend" with one entry per
 *   class, then one Folder per park (with a LookAt on the park) holding one
 *   Folder per class in legend order.
 *   Placemark: <name> the parcel name (the code when it has none), the
 *   class's styleUrl, ExtendedData/Data for every field (with displayName),
 *   and a MultiGeometry of the polygon(s) and a label Point inside the parcel.
 *   A viewer puts the Data values into the balloon's HTML as they are, so a
 *   placemark whose text holds < > or & (a name like "<b>A&B</b>") gets its
 *   own balloon instead: the shared template filled in, the text
 *   HTML-escaped (an inline Style whose BalloonStyle overrides the shared
 *   one), so such text stays text and the balloon reads the same. In a KMZ
 *   (doc->files_href) a parcel with inspection files gets its own balloon
 *   too: each file a link <a href="files/SHA256.ext">NAME</a> to its entry
 *   in the archive, the name escaped.
 *   --timeline: one Placemark per status period instead, with a TimeSpan
 *   (begin, and end unless the period lasts), that status's style and the
 *   period as Data (period_status, period_begin, period_end), in the folder
 *   of that status.
 *
 * Text: invalid UTF-8 and characters XML 1.0 forbids (control characters)
 * become U+FFFD; & < > are escaped (and " in attributes).
 * Streaming: each placemark is written into the buffer of its class, which
 * goes to one temporary file per class when full; when the park changes its
 * folder is written (its name and LookAt need the park's totals and extent)
 * and the class files are copied into the document by the kernel (sendfile),
 * so memory does not grow with the parcels and folders come out in legend
 * order whatever the order of the rows.
 */
#include "writer.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#define KML_NS "http://www.opengis.net/kml/2.2"
#define KML_BUF (256 * 1024)  /* the document's output buffer */
#define CLASS_BUF (64 * 1024) /* each class file's buffer */
#define CONTEXT_ID "context"  /* the style of context parcels */

typedef struct kml {
    const pl_export_doc *doc;
    pl_w_out o;               /* the document */
    pl_style_theme ftheme;    /* theme of the class folders (availability with --timeline) */
    int in_park;
    char *park;
    char *park_name;
    FILE *cls[PL_STYLE_MAX];  /* placemarks of the current park, per class */
    pl_w_out cbuf[PL_STYLE_MAX];
    long ccount[PL_STYLE_MAX];
    double carea[PL_STYLE_MAX];
    long pcount;
    double parea;
    int have_pb;
    double pb[4];             /* park extent, output lon/lat */
    pl_w_out head;            /* per field of doc->fields: <Data name="…"><displayName>…</displayName><value> */
    /* direct: the rows come by class and the document is a file: placemarks go straight
     * into it, and each folder's header into the room kept for it when the folder is done */
    int direct;
    int cur;                  /* the class folder open, -1 none */
    unsigned long long park_at, class_at;
    size_t park_room, class_room;
    pl_w_out hdr;             /* a header being made */
    size_t *head_at;          /* offsets into head.p, doc->nfields + 1 of them */
} kml;

static void style_id(const pl_style *s, pl_style_theme t, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s", pl_style_theme_name(t), s->key);
}

/* <name>text</name> (the text cleaned and escaped). */
static void element(pl_w_out *o, const char *name, size_t nlen, const char *text)
{
    pl_w_putc(o, '<');
    pl_w_put(o, name, nlen);
    pl_w_putc(o, '>');
    pl_w_put_xml(o, text, 0);
    pl_w_lit(o, "</");
    pl_w_put(o, name, nlen);
    pl_w_putc(o, '>');
}
#define ELEMENT(o, lit, text) element((o), "" lit, sizeof(lit) - 1, (text))

/* A value of the balloon: without a feature, the $[key] a viewer fills in
 * from the placemark's Data; with one, its text HTML-escaped. */
static int balloon_value(pl_buf *b, const pl_export_feature *f, const char *key, const char *text)
{
    return f ? pl_w_buf_html(b, text ? text : "") : pl_buf_addf(b, "$[%s]", key);
}

/* The inspection files of f as links into the KMZ (their names escaped: text only). */
static int balloon_files(pl_buf *b, const pl_export_feature *f)
{
    int rc = PL_OK;
    for (size_t i = 0; !rc && i < f->nfiles; i++) {
        rc = pl_buf_addstr(b, i ? " · " : "<br>附件 files: ");
        rc = rc ? rc : pl_buf_addstr(b, "<a href=\"");
        rc = rc ? rc : pl_w_buf_html(b, f->files[i].href);
        rc = rc ? rc : pl_buf_addstr(b, "\">");
        rc = rc ? rc : pl_w_buf_html(b, f->files[i].name);
        rc = rc ? rc : pl_buf_addstr(b, "</a>");
    }
    return rc;
}

/* The balloon of the parcels of class s: a colour swatch, the class (and
 * the status period when `period`) and a table of every field. Without a
 * feature (f NULL) it is the shared template of the class's style; with one,
 * the same balloon filled with that placemark's values (per: its status
 * period, or NULL), for a placemark whose text holds markup that the viewer
 * would otherwise put into the template as HTML. */
static int balloon(pl_buf *b, const pl_export_doc *doc, const pl_style *s, int period,
                   const pl_export_feature *f, const pl_export_period *per)
{
    int rc = pl_buf_addstr(b, "<h3>");
    rc = rc ? rc : balloon_value(b, f, "code", f ? f->code : NULL);
    rc = rc ? rc : pl_buf_addstr(b, " ");
    rc = rc ? rc : balloon_value(b, f, "name", f ? f->name : NULL);
    rc = rc ? rc : pl_buf_addf(b, "</h3><p><span style=\"background:%s;border:2px solid %s\">"
                                   "&#160;&#160;&#160;&#160;</span> ", s->fill, s->stroke);
    rc = rc ? rc : pl_w_buf_html(b, s->zh);
    rc = rc ? rc : pl_buf_addstr(b, " ");
    rc = rc ? rc : pl_w_buf_html(b, s->en);
    if (!rc && period) {
        rc = pl_buf_addstr(b, " · ");
        rc = rc ? rc : balloon_value(b, f, "period_begin", per ? per->begin : NULL);
        rc = rc ? rc : pl_buf_addstr(b, " – ");
        rc = rc ? rc : balloon_value(b, f, "period_end", per ? per->end : NULL);
    }
    rc = rc ? rc : pl_buf_addstr(b, "</p><table border=\"1\" cellpadding=\"3\" cellspacing=\"0\" "
                                   "style=\"border-collapse:collapse;font-size:12px\">");
    for (size_t i = 0; !rc && i < doc->nfields; i++) {
        char label[256];
        pl_w_field_label(&doc->fields[i], label, sizeof label);
        rc = pl_buf_addstr(b, "<tr><th align=\"left\">");
        rc = rc ? rc : pl_w_buf_html(b, label);
        rc = rc ? rc : pl_buf_addstr(b, "</th><td>");
        rc = rc ? rc : balloon_value(b, f, doc->fields[i].key, f && i < f->nfields ? f->fields[i].text : NULL);
        if (f && doc->files_href && !strcmp(doc->fields[i].key, "inspections"))
            rc = rc ? rc : balloon_files(b, f);
        rc = rc ? rc : pl_buf_addstr(b, "</td></tr>");
    }
    return rc ? rc : pl_buf_addstr(b, "</table>");
}

static int write_style(kml *k, const pl_style *s, pl_style_theme t)
{
    pl_w_out *o = &k->o;
    char id[96], line[9], poly[9];
    style_id(s, t, id, sizeof id);
    pl_style_kml_color(s->stroke, 1.0, line);
    pl_style_kml_color(s->fill, s->fill_opacity, poly);
    pl_w_lit(o, "<Style id=\"");
    pl_w_put_xml(o, id, 1);
    /* no pin at the label point, only its label */
    pl_w_lit(o, "\"><IconStyle><scale>0</scale></IconStyle><LabelStyle><scale>0.8</scale></LabelStyle>"
                "<LineStyle><color>");
    pl_w_puts(o, line);
    pl_w_lit(o, "</color><width>");
    pl_w_put_num(o, s->stroke_width, 2);
    pl_w_lit(o, "</width></LineStyle><PolyStyle><color>");
    pl_w_puts(o, poly);
    pl_w_lit(o, "</color></PolyStyle><BalloonStyle><text>");
    pl_buf b = PL_BUF_INIT;
    if (balloon(&b, k->doc, s, k->doc->timeline && t == k->ftheme, NULL, NULL)) {
        pl_buf_release(&b);
        return PL_ERR_NOMEM;
    }
    pl_w_put_cdata(o, b.buf, b.len);
    pl_buf_release(&b);
    pl_w_lit(o, "</text></BalloonStyle></Style>\n");
    return PL_OK;
}

/* The grey style of context parcels: thin outline, no label, a balloon of the code only. */
static void context_style(kml *k)
{
    pl_w_out *o = &k->o;
    const pl_style *s = pl_style_context();
    char line[9], poly[9];
    pl_style_kml_color(s->stroke, 1.0, line);
    pl_style_kml_color(s->fill, s->fill_opacity, poly);
    pl_w_lit(o, "<Style id=\"" CONTEXT_ID "\"><IconStyle><scale>0</scale></IconStyle><LabelStyle><scale>0</scale>"
                "</LabelStyle><LineStyle><color>");
    pl_w_puts(o, line);
    pl_w_lit(o, "</color><width>");
    pl_w_put_num(o, s->stroke_width, 2);
    pl_w_lit(o, "</width></LineStyle><PolyStyle><color>");
    pl_w_puts(o, poly);
    pl_w_lit(o, "</color></PolyStyle><BalloonStyle><text><![CDATA[<h3>$[code]</h3><p>背景 context: "
                "筛选之外的宗地 a parcel outside the filter</p>]]></text></BalloonStyle></Style>\n");
}

static int legend_html(pl_buf *b, const pl_export_doc *doc, pl_style_theme t)
{
    int rc = pl_buf_addstr(b, "<table border=\"1\" cellpadding=\"3\" cellspacing=\"0\" "
                             "style=\"border-collapse:collapse\"><tr><th>图例 legend</th><th>类别 class</th></tr>");
    for (size_t i = 0; !rc && i < pl_style_count(t); i++) {
        const pl_style *s = pl_style_at(t, i);
        if (i < PL_STYLE_MAX && !doc->present[i])
            continue;
        rc = pl_buf_addf(b, "<tr><td style=\"background:%s;border:2px solid %s\">&#160;&#160;&#160;&#160;</td><td>",
                          s->fill, s->stroke);
        if (!rc)
            rc = pl_w_buf_html(b, s->zh);
        if (!rc)
            rc = pl_buf_addstr(b, " ");
        if (!rc)
            rc = pl_w_buf_html(b, s->en);
        if (!rc)
            rc = pl_buf_addstr(b, "</td></tr>");
    }
    return rc ? rc : pl_buf_addstr(b, "</table>");
}

/* <Data name="name"><displayName>display</displayName><value> */
static void data_head(pl_w_out *o, const char *name, const char *display)
{
    pl_w_lit(o, "<Data name=\"");
    pl_w_put_xml(o, name, 1);
    pl_w_lit(o, "\"><displayName>");
    pl_w_put_xml(o, display, 0);
    pl_w_lit(o, "</displayName><value>");
}

/* The start of every field's Data element, escaped once for the whole export. */
static int data_heads(kml *k)
{
    const pl_export_doc *doc = k->doc;
    if (!(k->head_at = malloc((doc->nfields + 1) * sizeof *k->head_at)) || pl_w_out_init(&k->head, NULL, 4096))
        return -1;
    for (size_t i = 0; i < doc->nfields; i++) {
        char label[256];
        pl_w_field_label(&doc->fields[i], label, sizeof label);
        k->head_at[i] = k->head.n;
        data_head(&k->head, doc->fields[i].key, label);
    }
    k->head_at[doc->nfields] = k->head.n;
    return k->head.err ? -1 : 0;
}

static int kml_begin(void **state, const pl_export_doc *doc, pl_error *err)
{
    kml *k = calloc(1, sizeof *k);
    if (!k)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *state = k;
    k->doc = doc;
    k->ftheme = doc->timeline ? PL_STYLE_AVAILABILITY : doc->theme;
    k->direct = doc->rows_by_class;
    k->cur = -1;
    if (pl_w_out_init(&k->o, doc->out, KML_BUF) || data_heads(k) || pl_w_out_init(&k->hdr, NULL, 4096))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    pl_w_out *o = &k->o;
    pl_w_lit(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"" KML_NS "\">\n<Document>\n");
    char name[1024];
    snprintf(name, sizeof name, "%s — %s %s", doc->title, doc->theme_zh, doc->theme_en);
    ELEMENT(o, "name", name);
    pl_w_lit(o, "\n<open>1</open>\n");
    pl_buf d = PL_BUF_INIT;
    int rc = pl_buf_addstr(&d, "<p><b>");
    rc = rc ? rc : pl_w_buf_html(&d, doc->title);
    rc = rc ? rc : pl_buf_addstr(&d, "</b></p><p>专题 theme: ");
    rc = rc ? rc : pl_w_buf_html(&d, doc->theme_zh);
    rc = rc ? rc : pl_buf_addf(&d, " %s%s<br/>导出日期 exported: %s<br/>统计日期 as of: %s<br/>", doc->theme_en,
                                doc->timeline ? " (时间轴 timeline: one placemark per status period)" : "",
                                doc->generated, doc->as_of);
    if (!rc && doc->filter && *doc->filter) {
        rc = pl_buf_addstr(&d, "筛选 filter: ");
        rc = rc ? rc : pl_w_buf_html(&d, doc->filter);
        rc = rc ? rc : pl_buf_addstr(&d, "<br/>");
    }
    rc = rc ? rc
            : pl_buf_addstr(&d, doc->gcj02  ? "坐标 coordinates: <b>GCJ-02</b> (火星坐标, shifted for AMap/Tencent "
                                             "base maps; they do not line up with WGS 84 imagery)"
                                : doc->bd09 ? "坐标 coordinates: <b>BD-09</b> (百度坐标, shifted for Baidu Maps; "
                                             "they do not line up with WGS 84 imagery)"
                                            : "坐标 coordinates: WGS 84 lon/lat (EPSG:4326)");
    rc = rc ? rc : pl_buf_addf(&d, "<br/>parkland %s</p>", doc->version);
    rc = rc ? rc : legend_html(&d, doc, k->ftheme);
    if (rc) {
        pl_buf_release(&d);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    pl_w_lit(o, "<description>");
    pl_w_put_cdata(o, d.buf, d.len);
    pl_w_lit(o, "</description>\n");
    pl_buf_release(&d);
    for (size_t i = 0; !rc && i < pl_style_count(doc->theme); i++)
        rc = write_style(k, pl_style_at(doc->theme, i), doc->theme);
    if (k->ftheme != doc->theme)
        for (size_t i = 0; !rc && i < pl_style_count(k->ftheme); i++)
            rc = write_style(k, pl_style_at(k->ftheme, i), k->ftheme);
    if (!rc && doc->context)
        context_style(k);
    if (rc)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    /* the legend: one entry per class, in the theme's colours; its balloon is only the class */
    pl_w_lit(o, "<Folder><name>图例 legend</name>\n");
    for (size_t i = 0; i < pl_style_count(k->ftheme); i++) {
        const pl_style *s = pl_style_at(k->ftheme, i);
        if (i < PL_STYLE_MAX && !doc->present[i])
            continue;
        char label[256], id[96];
        snprintf(label, sizeof label, "%s %s", s->zh, s->en);
        style_id(s, k->ftheme, id, sizeof id);
        pl_w_lit(o, "<Placemark>");
        ELEMENT(o, "name", label);
        pl_w_lit(o, "<styleUrl>#");
        pl_w_put_xml(o, id, 0);
        pl_w_lit(o, "</styleUrl><Style><BalloonStyle><text>$[name]</text></BalloonStyle></Style></Placemark>\n");
    }
    pl_w_lit(o, "</Folder>\n");
    return k->o.err ? pl_error_set(err, PL_ERR_IO, "cannot write the KML") : PL_OK;
}

static void coords_ring(pl_w_out *o, const pl_ring *r, int prec)
{
    pl_w_lit(o, "<coordinates>");
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            pl_w_putc(o, ' ');
        pl_w_put_num(o, r->xy[2 * i], prec);
        pl_w_putc(o, ',');
        pl_w_put_num(o, r->xy[2 * i + 1], prec);
    }
    pl_w_lit(o, "</coordinates>");
}

static void geometry(pl_w_out *o, const pl_export_feature *f, int prec)
{
    pl_w_lit(o, "<MultiGeometry>");
    for (size_t i = 0; i < f->geom->n; i++) {
        const pl_poly *p = &f->geom->polys[i];
        pl_w_lit(o, "<Polygon>");
        for (size_t j = 0; j < p->n; j++) {
            if (j)
                pl_w_lit(o, "<innerBoundaryIs><LinearRing>");
            else
                pl_w_lit(o, "<outerBoundaryIs><LinearRing>");
            coords_ring(o, &p->rings[j], prec);
            if (j)
                pl_w_lit(o, "</LinearRing></innerBoundaryIs>");
            else
                pl_w_lit(o, "</LinearRing></outerBoundaryIs>");
        }
        pl_w_lit(o, "</Polygon>");
    }
    pl_w_lit(o, "<Point><coordinates>");
    pl_w_put_num(o, f->label_lon, prec);
    pl_w_putc(o, ',');
    pl_w_put_num(o, f->label_lat, prec);
    pl_w_lit(o, "</coordinates></Point></MultiGeometry>");
}

/* 1 when a text the balloon template would show holds HTML markup characters. */
static int has_markup(const pl_export_feature *f)
{
    for (size_t i = 0; i < f->nfields; i++) {
        const pl_export_field *fl = &f->fields[i];
        if (fl->text && fl->kind != PL_FIELD_NUMBER && fl->kind != PL_FIELD_BOOL && strpbrk(fl->text, "<>&"))
            return 1;
    }
    return 0;
}

/* <Data name="name"><displayName>display</displayName><value>value</value></Data> */
static void data(pl_w_out *o, const char *name, const char *display, const char *value)
{
    data_head(o, name, display);
    pl_w_put_xml(o, value, 0);
    pl_w_lit(o, "</value></Data>");
}

/* Position of the class of style s in the legend of the folders. */
static int class_of(const kml *k, const pl_style *s)
{
    if (s == pl_style_context()) /* after the theme's classes */
        return (int)pl_style_count(k->ftheme);
    int ci = pl_style_index(k->ftheme, s->key);
    return ci < 0 || ci >= PL_STYLE_MAX ? 0 : ci;
}

/* Write one placemark (per: the status period, or NULL) into o. */
static int placemark(kml *k, pl_w_out *o, const pl_export_feature *f, const pl_export_period *per, size_t pi,
                     pl_error *err)
{
    const pl_style *s = per ? per->style : f->style;
    pl_w_lit(o, "<Placemark id=\"p");
    pl_w_put_long(o, f->id);
    if (per) {
        pl_w_putc(o, '-');
        pl_w_put_long(o, (long)pi + 1);
    }
    pl_w_lit(o, "\">");
    const char *label = f->name && !f->context ? f->name : f->code ? f->code : "";
    if (per) {
        char name[1024];
        snprintf(name, sizeof name, "%s · %s", label, s->zh);
        ELEMENT(o, "name", name);
        pl_w_lit(o, "<TimeSpan><begin>");
        pl_w_put_xml(o, per->begin, 0);
        pl_w_lit(o, "</begin>");
        if (per->end[0]) {
            pl_w_lit(o, "<end>");
            pl_w_put_xml(o, per->end, 0);
            pl_w_lit(o, "</end>");
        }
        pl_w_lit(o, "</TimeSpan>");
    } else {
        char name[1024];
        snprintf(name, sizeof name, "%s", label);
        ELEMENT(o, "name", name);
    }
    char sid[96];
    if (f->context)
        snprintf(sid, sizeof sid, "%s", CONTEXT_ID);
    else
        style_id(s, per ? PL_STYLE_AVAILABILITY : k->doc->theme, sid, sizeof sid);
    pl_w_lit(o, "<styleUrl>#");
    pl_w_put_xml(o, sid, 0);
    pl_w_lit(o, "</styleUrl>");
    /* its own balloon also for the links to its inspection files (KMZ) */
    if (!f->context && (has_markup(f) || (k->doc->files_href && f->nfiles))) {
        pl_buf b = PL_BUF_INIT;
        if (balloon(&b, k->doc, s, per != NULL, f, per)) {
            pl_buf_release(&b);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        pl_w_lit(o, "<Style><BalloonStyle><text>");
        pl_w_put_cdata(o, b.buf, b.len);
        pl_w_lit(o, "</text></BalloonStyle></Style>");
        pl_buf_release(&b);
    }
    pl_w_lit(o, "<ExtendedData>");
    /* every row has the export's fields, in its order (row_fields in src/export.c) */
    for (size_t i = 0; i < f->nfields && i < k->doc->nfields; i++) {
        pl_w_put(o, k->head.p + k->head_at[i], k->head_at[i + 1] - k->head_at[i]);
        pl_w_put_xml(o, f->fields[i].text, 0);
        pl_w_lit(o, "</value></Data>");
    }
    if (per) {
        data(o, "period_status", "时段状态 period status", per->status);
        data(o, "period_begin", "时段开始 period begins", per->begin);
        data(o, "period_end", "时段结束 period ends", per->end);
    }
    pl_w_lit(o, "</ExtendedData>");
    geometry(o, f, k->doc->precision);
    pl_w_lit(o, "</Placemark>\n");
    if (o->err)
        return pl_error_set(err, PL_ERR_IO, "cannot write the KML (parcel '%s')", f->code ? f->code : "?");
    int ci = class_of(k, s);
    k->ccount[ci]++;
    k->carea[ci] += f->area_m2;
    return PL_OK;
}

/* The buffer of class ci's file, made on first use. */
static int spool(kml *k, int ci, pl_w_out **o, pl_error *err)
{
    if (!k->cls[ci]) {
        if (!(k->cls[ci] = tmpfile()))
            return pl_error_set(err, PL_ERR_IO, "cannot create a temporary file for the KML");
        if (!k->cbuf[ci].p && pl_w_out_init(&k->cbuf[ci], k->cls[ci], CLASS_BUF))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        k->cbuf[ci].f = k->cls[ci];
    }
    *o = &k->cbuf[ci];
    return PL_OK;
}

/* ---- folder headers ------------------------------------------------------------------------ */

/* <Folder><name>park (code) — n 宗 parcels, a 亩 mu</name><open>1</open><LookAt>…</LookAt> */
static void park_header(const kml *k, pl_w_out *o)
{
    char name[1024];
    snprintf(name, sizeof name, "%s (%s) — %ld 宗 parcels, %.2f 亩 mu", k->park_name ? k->park_name : k->park,
             k->park, k->pcount, k->parea * 15.0 / 10000.0);
    pl_w_lit(o, "<Folder>");
    ELEMENT(o, "name", name);
    pl_w_lit(o, "<open>1</open>");
    if (k->have_pb) {
        double lon = (k->pb[0] + k->pb[2]) / 2, lat = (k->pb[1] + k->pb[3]) / 2;
        double wm = (k->pb[2] - k->pb[0]) * 111320.0 * cos(lat * 3.14159265358979323846 / 180.0);
        double hm = (k->pb[3] - k->pb[1]) * 110540.0;
        pl_w_lit(o, "<LookAt><longitude>");
        pl_w_put_num(o, lon, k->doc->precision);
        pl_w_lit(o, "</longitude><latitude>");
        pl_w_put_num(o, lat, k->doc->precision);
        pl_w_lit(o, "</latitude><altitude>0</altitude><heading>0</heading><tilt>0</tilt><range>");
        pl_w_put_num(o, fmax(wm, hm) * 1.6 + 300.0, 0);
        pl_w_lit(o, "</range></LookAt>");
    }
    pl_w_putc(o, '\n');
}

#define PERIODS " 时段 periods"
#define PARCELS " 宗 parcels"

/* <Folder><name>class — n 宗 parcels, a 亩 mu</name> */
static const pl_style *folder_style(const kml *k, size_t i)
{
    return i == pl_style_count(k->ftheme) ? pl_style_context() : pl_style_at(k->ftheme, i);
}

static void class_header(const kml *k, size_t i, pl_w_out *o)
{
    const pl_style *s = folder_style(k, i);
    char name[1024];
    snprintf(name, sizeof name, "%s %s — %ld%s, %.2f 亩 mu", s->zh, s->en, k->ccount[i],
             k->doc->timeline && s != pl_style_context() ? PERIODS : PARCELS, k->carea[i] * 15.0 / 10000.0);
    pl_w_lit(o, "<Folder>");
    ELEMENT(o, "name", name);
    pl_w_putc(o, '\n');
}

/* The most bytes a header can take, whatever the counts and areas turn out to
 * be: its text so far escaped, plus the longest number "%ld" (20) and "%.2f"
 * (≤ 320: the largest double) can print, the units, and what a name cut at
 * 1023 bytes in the middle of a character adds (U+FFFD). */
#define NUMBERS_MAX (20 + 320 + 32)
static size_t header_room(kml *k, const char *known, size_t fixed)
{
    k->hdr.n = 0;
    pl_w_put_xml(&k->hdr, known, 0);
    return fixed + k->hdr.n + NUMBERS_MAX;
}

static size_t park_room(kml *k)
{
    char known[1024];
    snprintf(known, sizeof known, "%s (%s) — ", k->park_name ? k->park_name : k->park, k->park);
    return header_room(k, known, sizeof "<Folder><name></name><open>1</open>\n" + sizeof PARCELS ", 亩 mu" +
                                         sizeof "<LookAt><longitude></longitude><latitude></latitude><altitude>0"
                                                "</altitude><heading>0</heading><tilt>0</tilt><range></range></LookAt>" +
                                         3 * 64);
}

static size_t class_room(kml *k, size_t i)
{
    const pl_style *s = folder_style(k, i);
    char known[1024];
    snprintf(known, sizeof known, "%s %s — ", s->zh, s->en);
    return header_room(k, known, sizeof "<Folder><name></name>\n" + sizeof PERIODS ", 亩 mu");
}

/* Keep `room` bytes of the document for a header written later (spaces: white
 * space between elements, where the header's own padding stays too). */
static unsigned long long reserve(kml *k, size_t room)
{
    static const char spaces[64] = "                                                               ";
    unsigned long long at = k->o.done + k->o.n;
    for (size_t left = room; left;) {
        size_t n = left < 63 ? left : 63;
        pl_w_put(&k->o, spaces, n);
        left -= n;
    }
    return at;
}

/* Write a header made into k->hdr at `at` of the file, padded with spaces to `room`. */
static int patch(kml *k, unsigned long long at, size_t room, pl_error *err)
{
    if (k->hdr.err || k->hdr.n > room)
        return pl_error_set(err, PL_ERR_IO, "cannot write the KML (a folder header of %zu bytes in %zu)", k->hdr.n,
                            room);
    int nl = k->hdr.n && k->hdr.p[k->hdr.n - 1] == '\n'; /* the padding before the line ends */
    k->hdr.n -= (size_t)nl;
    while (k->hdr.n < room - (size_t)nl)
        pl_w_putc(&k->hdr, ' ');
    if (nl)
        pl_w_putc(&k->hdr, '\n');
    if (pl_w_out_flush(&k->o) || fflush(k->doc->out))
        return pl_error_set(err, PL_ERR_IO, "cannot write the KML");
    for (size_t w = 0; w < room;) {
        ssize_t n = pwrite(k->doc->out_fd, k->hdr.p + w, room - w, (off_t)(at + w));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return pl_error_set(err, PL_ERR_IO, "cannot write the KML: %s", n < 0 ? strerror(errno) : "short write");
        w += (size_t)n;
    }
    return PL_OK;
}

/* Direct: end the open class folder and write its header. */
static int close_class(kml *k, pl_error *err)
{
    if (k->cur < 0)
        return PL_OK;
    pl_w_lit(&k->o, "</Folder>\n");
    k->hdr.n = 0;
    class_header(k, (size_t)k->cur, &k->hdr);
    int rc = patch(k, k->class_at, k->class_room, err);
    k->ccount[k->cur] = 0;
    k->carea[k->cur] = 0;
    k->cur = -1;
    return rc;
}

/* Copy the class file `from` (flushed) to the end of the document. */
static int copy_class(kml *k, FILE *from)
{
    if (pl_w_out_flush(&k->o) || fflush(k->doc->out) || fflush(from))
        return -1;
    int in = fileno(from), out = fileno(k->doc->out);
    off_t size = lseek(in, 0, SEEK_END), pos = 0;
    if (size < 0)
        return -1;
    /* the kernel copies page to page; where it cannot (out is not a file descriptor,
     * or sendfile refuses it), through a buffer */
    while (out >= 0 && pos < size) {
        ssize_t n = sendfile(out, in, &pos, (size_t)(size - pos));
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (pos == 0 && n < 0 && (errno == EINVAL || errno == ENOSYS))
            break;
        return -1;
    }
    if (pos < size) {
        if (fseeko(from, pos, SEEK_SET))
            return -1;
        char b[65536];
        size_t n;
        while ((n = fread(b, 1, sizeof b, from)) > 0)
            if (fwrite(b, 1, n, k->doc->out) != n)
                return -1;
        if (ferror(from))
            return -1;
    }
    return 0;
}

static void park_done(kml *k)
{
    k->in_park = 0;
    k->pcount = 0;
    k->parea = 0;
    k->have_pb = 0;
    free(k->park);
    free(k->park_name);
    k->park = k->park_name = NULL;
}

/* End the current park's folder: direct, its last class folder and its header;
 * else the whole folder from the class files. */
static int flush_park(kml *k, pl_error *err)
{
    if (!k->in_park)
        return PL_OK;
    pl_w_out *o = &k->o;
    int rc;
    if (k->direct) {
        if ((rc = close_class(k, err)))
            return rc;
        pl_w_lit(o, "</Folder>\n");
        k->hdr.n = 0;
        park_header(k, &k->hdr);
        if ((rc = patch(k, k->park_at, k->park_room, err)))
            return rc;
        park_done(k);
        return k->o.err ? pl_error_set(err, PL_ERR_IO, "cannot write the KML") : PL_OK;
    }
    park_header(k, o);
    for (size_t i = 0; i <= pl_style_count(k->ftheme) && i < PL_STYLE_MAX; i++) {
        if (!k->cls[i])
            continue;
        class_header(k, i, o);
        if (pl_w_out_flush(&k->cbuf[i]) || copy_class(k, k->cls[i]))
            return pl_error_set(err, PL_ERR_IO, "cannot copy a temporary file into the KML");
        pl_w_lit(o, "</Folder>\n");
        fclose(k->cls[i]);
        k->cls[i] = NULL;
        k->cbuf[i].f = NULL;
        k->ccount[i] = 0;
        k->carea[i] = 0;
    }
    pl_w_lit(o, "</Folder>\n");
    park_done(k);
    return k->o.err ? pl_error_set(err, PL_ERR_IO, "cannot write the KML") : PL_OK;
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
        if (!(k->park = strdup(park)) || (f->park_name && !(k->park_name = strdup(f->park_name))))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        if (k->direct) {
            k->park_room = park_room(k);
            k->park_at = reserve(k, k->park_room);
        }
    }
    if (!f->context) {
        k->pcount++;
        k->parea += f->area_m2;
    }
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
    pl_w_out *o = NULL;
    if (k->doc->timeline && f->periods && !f->context) {
        for (size_t i = 0; i < f->nperiods; i++)
            if ((rc = spool(k, class_of(k, f->periods[i].style), &o, err)) ||
                (rc = placemark(k, o, f, &f->periods[i], i, err)))
                return rc;
        return PL_OK;
    }
    int ci = class_of(k, f->style);
    if (!k->direct)
        return (rc = spool(k, ci, &o, err)) ? rc : placemark(k, o, f, NULL, 0, err);
    if (ci != k->cur) { /* the rows come by class (PL_NEED_CLASS_ORDER) */
        if (ci < k->cur)
            return pl_error_set(err, PL_ERR_DB, "cannot write the KML: the parcels do not come by class");
        if ((rc = close_class(k, err)))
            return rc;
        k->cur = ci;
        k->class_room = class_room(k, (size_t)ci);
        k->class_at = reserve(k, k->class_room);
    }
    return placemark(k, &k->o, f, NULL, 0, err);
}

static int kml_end(void *state, const pl_export_summary *sum, pl_error *err)
{
    (void)sum;
    kml *k = state;
    int rc = flush_park(k, err);
    if (rc)
        return rc;
    pl_w_lit(&k->o, "</Document>\n</kml>\n");
    pl_w_out_flush(&k->o);
    return k->o.err ? pl_error_set(err, PL_ERR_IO, "cannot write the KML") : PL_OK;
}

static void kml_release(void *state)
{
    kml *k = state;
    if (!k)
        return;
    pl_w_out_free(&k->o);
    for (size_t i = 0; i < PL_STYLE_MAX; i++) {
        if (k->cls[i])
            fclose(k->cls[i]);
        pl_w_out_free(&k->cbuf[i]);
    }
    pl_w_out_free(&k->head);
    pl_w_out_free(&k->hdr);
    free(k->head_at);
    free(k->park);
    free(k->park_name);
    free(k);
}

const pl_writer_ops pl_writer_kml = {"kml", PL_NEED_LONLAT | PL_NEED_LABEL | PL_NEED_HISTORY | PL_NEED_CLASS_ORDER | PL_NEED_PRESENT,
                                     kml_begin, kml_feature, kml_end, kml_release};
