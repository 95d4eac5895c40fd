/*
 * write_html.c — one self-contained HTML file that opens offline on a
 * meeting-room laptop: no network request of any kind (a Content-Security-
 * Policy of default-src 'none' makes sure: no CDN, no tiles, no web fonts;
 * text uses the system's CJK fonts).
 *
 *   header   park name, theme, export and as-of dates, coordinates note;
 *   map      the parcels as SVG paths in the working CRS (y flipped, relative
 *            to the first parcel's label point so numbers stay small), filled
 *            with the class colours of gis/style.c, a code label inside each
 *            parcel (GEOS PointOnSurface), a scale bar; hover highlights,
 *            click shows every field of the parcel in the details panel;
 *   legend   the classes of the theme that have parcels (all with --legend
 *            all) with parcels and area, and a totals table under the
 *            parcel table; a filtered export draws the park's other parcels
 *            grey behind the map (context: code only, in no list or count);
 *   table    every parcel, filterable by class (status) and by text; the
 *            filters and the parcel shown can be preset in the address:
 *            map.html#status=available&q=B-0&parcel=QDIP-2024-019.
 * The inspection photos and documents of a parcel (doc->files_href: a map written
 * to MAP.html has them beside it, MAP_files/SHA256.ext) are links in its details,
 * made with createElement: the name is textContent, the href the URL-escaped path.
 * All text is HTML-escaped; parcel data for the details panel travels as a
 * JSON block with < > & escaped, read with JSON.parse and shown with
 * textContent, so a name like "<script>" is only ever text.
 * The script sets data-ready="N" on <body> when it has wired N parcels, and
 * any script error is recorded in data-error on <html> (the browser test
 * reads both).
 *
 * Streaming: paths, labels, table rows and the JSON block go to four
 * temporary files while the rows come; the end, knowing the extent and the
 * totals, writes the page around them.
 */
#include "writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_PATHS, T_LABELS, T_ROWS, T_JSON, T_CONTEXT, T_N };

typedef struct html {
    const pl_export_doc *doc;
    FILE *t[T_N];
    long n;
    long ncontext;          /* context paths */
    int have_origin;
    double ox, oy;          /* origin: first label point, working CRS */
    int have_ext;
    double ext[4];          /* extent relative to the origin, y flipped */
    pl_buf fields_json;   /* [[key, label, kind], …] from the first feature */
} html;

static int h_begin(void **state, const pl_export_doc *doc, pl_error *err)
{
    html *h = calloc(1, sizeof *h);
    if (!h)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *state = h;
    h->doc = doc;
    for (int i = 0; i < T_N; i++)
        if (!(h->t[i] = tmpfile()))
            return pl_error_set(err, PL_ERR_IO, "cannot create a temporary file for the HTML map");
    return PL_OK;
}

static void ext_add(html *h, double x, double y)
{
    if (!h->have_ext) {
        h->ext[0] = h->ext[2] = x;
        h->ext[1] = h->ext[3] = y;
        h->have_ext = 1;
        return;
    }
    h->ext[0] = fmin(h->ext[0], x);
    h->ext[1] = fmin(h->ext[1], y);
    h->ext[2] = fmax(h->ext[2], x);
    h->ext[3] = fmax(h->ext[3], y);
}

/* Short label drawn on the map: the part of the code after its last '-' when
 * that leaves something, else the code. */
static const char *short_code(const char *code)
{
    if (!code)
        return "";
    const char *dash = strrchr(code, '-');
    return dash && dash[1] ? dash + 1 : code;
}

static int h_feature(void *state, const pl_export_feature *f, pl_error *err)
{
    html *h = state;
    const pl_style *s = f->style;
    if (!h->have_origin) {
        h->ox = f->label_x;
        h->oy = f->label_y;
        h->have_origin = 1;
    }
    /* map: one path, even-odd fill for holes and parts; a context parcel (outside the
     * filter) a grey path behind the others, with its code only, in no list */
    FILE *o = h->t[f->context ? T_CONTEXT : T_PATHS];
    if (f->context)
        fprintf(o, "<path class=\"ctx\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"%s\" stroke-width=\"%.2f\" d=\"",
                s->fill, s->fill_opacity, s->stroke, s->stroke_width);
    else
        fprintf(o, "<path class=\"p\" data-i=\"%ld\" data-cls=\"%s\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"%s\" "
                   "stroke-width=\"%.2f\" d=\"", h->n, s->key, s->fill, s->fill_opacity, s->stroke, s->stroke_width);
    for (size_t i = 0; i < f->work->n; i++) {
        const pl_poly *p = &f->work->polys[i];
        for (size_t j = 0; j < p->n; j++) {
            const pl_ring *r = &p->rings[j];
            size_t n = r->n;
            if (n > 1 && r->xy[0] == r->xy[2 * (n - 1)] && r->xy[1] == r->xy[2 * (n - 1) + 1])
                n--; /* Z closes the ring */
            for (size_t k = 0; k < n; k++) {
                double x = r->xy[2 * k] - h->ox, y = h->oy - r->xy[2 * k + 1];
                ext_add(h, x, y);
                fprintf(o, "%s%.2f %.2f", k ? "L" : "M", x, y);
            }
            fputc('Z', o);
        }
    }
    fputs("\"><title>", o);
    pl_w_html(o, f->code);
    if (f->context) {
        fputs(" — 背景 context</title></path>\n", o);
        h->ncontext++;
        return ferror(o) ? pl_error_set(err, PL_ERR_IO, "cannot write a temporary file of the HTML map") : PL_OK;
    }
    fputc(' ', o);
    pl_w_html(o, f->name);
    fprintf(o, " — %s %s</title></path>\n", s->zh, s->en);
    /* label */
    fprintf(h->t[T_LABELS], "<text class=\"l\" x=\"%.2f\" y=\"%.2f\">", f->label_x - h->ox, h->oy - f->label_y);
    pl_w_html(h->t[T_LABELS], short_code(f->code));
    fputs("</text>\n", h->t[T_LABELS]);
    /* table row */
    o = h->t[T_ROWS];
    fprintf(o, "<tr data-i=\"%ld\" data-cls=\"%s\"><td>", h->n, s->key);
    pl_w_html(o, f->park);
    fputs("</td><td>", o);
    pl_w_html(o, f->code);
    fputs("</td><td>", o);
    pl_w_html(o, f->name);
    fputs("</td><td>", o);
    pl_w_html(o, f->land_use);
    fprintf(o, "</td><td><span class=\"sw\" style=\"background:%s;border-color:%s\"></span>%s %s</td>", s->fill,
            s->stroke, s->zh, s->en);
    fprintf(o, "<td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td>", f->area_m2 * 15.0 / 10000.0, f->area_m2);
    pl_w_html(o, f->company);
    fputs("</td></tr>\n", o);
    /* details data */
    o = h->t[T_JSON];
    if (h->n == 0) {
        int rc = pl_buf_addstr(&h->fields_json, "[");
        for (size_t i = 0; !rc && i < f->nfields; i++) {
            char label[256];
            pl_w_field_label(&f->fields[i], label, sizeof label);
            static const char *const kinds[] = {"text", "number", "bool", "date"};
            rc = pl_buf_addf(&h->fields_json, "%s[\"%s\",", i ? "," : "", f->fields[i].key);
            /* labels are static ASCII/CJK without quotes or backslashes */
            rc = rc ? rc : pl_buf_addf(&h->fields_json, "\"%s\",\"%s\"]", label, kinds[f->fields[i].kind]);
        }
        rc = rc ? rc : pl_buf_addstr(&h->fields_json, "]");
        if (rc)
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    fputs(h->n ? ",\n[" : "\n[", o);
    for (size_t i = 0; i < f->nfields; i++) {
        if (i)
            fputc(',', o);
        pl_w_json_string(o, f->fields[i].text, 1);
    }
    char lon[48], lat[48];
    pl_w_num(lon, sizeof lon, f->label_lon, h->doc->precision);
    pl_w_num(lat, sizeof lat, f->label_lat, h->doc->precision);
    fprintf(o, ",\"%s,%s\"", lon, lat);
    /* the inspection files beside the map: [[name, link], …] (null when none) */
    fputs(",", o);
    if (!f->nfiles)
        fputs("null", o);
    for (size_t i = 0; i < f->nfiles; i++) {
        fputs(i ? ",[" : "[[", o);
        pl_w_json_string(o, f->files[i].name, 1);
        fputc(',', o);
        pl_w_json_string(o, f->files[i].href, 1);
        fputs(i + 1 == f->nfiles ? "]]" : "]", o);
    }
    fputc(']', o);
    h->n++;
    for (int i = 0; i < T_N; i++)
        if (ferror(h->t[i]))
            return pl_error_set(err, PL_ERR_IO, "cannot write a temporary file of the HTML map");
    return PL_OK;
}

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Zen Hei\",\"Microsoft YaHei\","
    "\"PingFang SC\",\"Hiragino Sans GB\",sans-serif;color:#222;background:#fff;font-size:14px}"
    "header{padding:10px 16px;border-bottom:1px solid #ccc;background:#f5f7fa}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:14px 0 6px}"
    ".meta{color:#444;font-size:13px}.meta b{color:#b71c1c}"
    "main{display:flex;gap:14px;padding:12px 16px;align-items:flex-start}"
    "#map{flex:1 1 auto;min-width:0;border:1px solid #bbb;background:#fbfbf7;position:relative}"
    "#map svg{width:100%;height:72vh;display:block}"
    "path.p{vector-effect:non-scaling-stroke;cursor:pointer;transition:fill-opacity .1s}"
    "path.p:hover,path.p.hl{stroke:#000;stroke-width:3px;fill-opacity:.95}"
    "path.p.sel{stroke:#d50000;stroke-width:4px;fill-opacity:.95}"
    "path.p.dim{fill-opacity:.1;stroke-opacity:.25}"
    "path.ctx{vector-effect:non-scaling-stroke;pointer-events:none}"
    "text.l{text-anchor:middle;dominant-baseline:central;fill:#111;pointer-events:none;"
    "paint-order:stroke;stroke:#fff;stroke-width:2px;stroke-opacity:.7;vector-effect:non-scaling-stroke}"
    "aside{width:360px;flex:none}"
    ".sw{display:inline-block;width:18px;height:12px;border:2px solid;margin-right:6px;vertical-align:middle}"
    "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:#eef1f5}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "#details table{width:100%;font-size:12px}#details th{width:45%;font-weight:normal;color:#333}"
    ".tbl{padding:0 16px 24px}.filters{margin:6px 0;display:flex;gap:16px;align-items:center}"
    "#list{width:100%;font-size:13px}#list tbody tr{cursor:pointer}#list tbody tr:hover,#list tr.hl{background:#fff3c4}"
    "#list tr.sel{background:#ffe0e0}#list tr.hidden{display:none}"
    ".empty{padding:40px;color:#777;text-align:center}";

/* The script: details, hover, selection, filters. Reads #data (JSON.parse) and
 * writes text with textContent only. */
static const char script[] =
    "(function(){'use strict';\n"
    "var D=JSON.parse(document.getElementById('data').textContent);\n"
    "var F=D.fields,P=D.parcels;\n"
    "var paths=[],rows=[];\n"
    "document.querySelectorAll('path.p').forEach(function(e){paths[+e.getAttribute('data-i')]=e;});\n"
    "document.querySelectorAll('#list tbody tr').forEach(function(e){rows[+e.getAttribute('data-i')]=e;});\n"
    "var det=document.getElementById('details'),cur=-1;\n"
    "function show(i){\n"
    " if(cur>=0){paths[cur]&&paths[cur].classList.remove('sel');rows[cur]&&rows[cur].classList.remove('sel');}\n"
    " cur=i;paths[i]&&paths[i].classList.add('sel');rows[i]&&rows[i].classList.add('sel');\n"
    " while(det.firstChild)det.removeChild(det.firstChild);\n"
    " var t=document.createElement('table'),v=P[i];\n"
    " for(var k=0;k<F.length;k++){if(v[k]===null)continue;\n"
    "  var tr=document.createElement('tr'),th=document.createElement('th'),td=document.createElement('td');\n"
    "  th.textContent=F[k][1];td.textContent=F[k][2]==='bool'?(v[k]==='true'?'是 yes':'否 no'):v[k];\n"
    "  tr.appendChild(th);tr.appendChild(td);t.appendChild(tr);}\n"
    " var tr2=document.createElement('tr'),th2=document.createElement('th'),td2=document.createElement('td');\n"
    " th2.textContent=D.label_point;td2.textContent=v[F.length];tr2.appendChild(th2);tr2.appendChild(td2);\n"
    " t.appendChild(tr2);var fl=v[F.length+1];\n"
    " if(fl){var tr3=document.createElement('tr'),th3=document.createElement('th'),td3=document.createElement('td');\n"
    "  th3.textContent=D.files_label;fl.forEach(function(x,j){if(j)td3.appendChild(document.createTextNode(' · '));\n"
    "   var a=document.createElement('a');a.setAttribute('href',x[1]);a.textContent=x[0];td3.appendChild(a);});\n"
    "  tr3.appendChild(th3);tr3.appendChild(td3);t.appendChild(tr3);}\n"
    " det.appendChild(t);}\n"
    "function hl(i,on){paths[i]&&paths[i].classList.toggle('hl',on);rows[i]&&rows[i].classList.toggle('hl',on);}\n"
    "paths.forEach(function(e,i){if(!e)return;\n"
    " e.addEventListener('click',function(){show(i);if(rows[i])rows[i].scrollIntoView({block:'nearest'});});\n"
    " e.addEventListener('mouseenter',function(){hl(i,true);});e.addEventListener('mouseleave',function(){hl(i,false);});});\n"
    "rows.forEach(function(e,i){if(!e)return;\n"
    " e.addEventListener('click',function(){show(i);});\n"
    " e.addEventListener('mouseenter',function(){hl(i,true);});e.addEventListener('mouseleave',function(){hl(i,false);});});\n"
    "var fs=document.getElementById('f-status'),ft=document.getElementById('f-text'),fc=document.getElementById('f-count');\n"
    "function apply(){var s=fs.value,q=ft.value.trim().toLowerCase(),n=0;\n"
    " rows.forEach(function(r,i){if(!r)return;\n"
    "  var ok=(!s||r.getAttribute('data-cls')===s)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);\n"
    "  r.classList.toggle('hidden',!ok);paths[i]&&paths[i].classList.toggle('dim',!ok);if(ok)n++;});\n"
    " fc.textContent=n+' / '+P.length+' 宗 parcels';}\n"
    "fs.addEventListener('change',apply);ft.addEventListener('input',apply);\n"
    "var pick=null;\n"
    "location.hash.slice(1).split('&').forEach(function(kv){var i=kv.indexOf('='),k=kv.slice(0,i),v;\n"
    " try{v=decodeURIComponent(kv.slice(i+1).replace(/\\+/g,' '));}catch(e){return;}\n"
    " if(k==='status')fs.value=v;else if(k==='q')ft.value=v;else if(k==='parcel')pick=v;});\n"
    "apply();\n"
    "var ci=F.findIndex(function(f){return f[0]==='code';});\n"
    "if(pick!==null&&ci>=0)for(var j=0;j<P.length;j++)if(P[j][ci]===pick){show(j);break;}\n"
    "document.body.setAttribute('data-ready',String(P.length));\n"
    "})();\n";

static int copy(FILE *from, FILE *to, pl_error *err)
{
    return pl_w_copy_file(from, to) ? pl_error_set(err, PL_ERR_IO, "cannot assemble the HTML map") : PL_OK;
}

/* A round length for the scale bar, about a fifth of the map's width. */
static double scale_length(double width)
{
    double target = width / 5.0, best = 1;
    static const double steps[] = {1, 2, 5};
    for (double mag = 1; mag < 1e7; mag *= 10)
        for (int i = 0; i < 3; i++)
            if (steps[i] * mag <= target)
                best = steps[i] * mag;
    return best;
}

static int h_end(void *state, const pl_export_summary *sum, pl_error *err)
{
    html *h = state;
    const pl_export_doc *d = h->doc;
    FILE *o = d->out;
    int rc;
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "script-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", o);
    pl_w_html(o, d->title);
    fprintf(o, " — %s %s — %s</title>\n", d->theme_zh, d->theme_en, d->as_of);
    fputs("<script>window.onerror=function(m){document.documentElement.setAttribute('data-error',String(m));};"
          "</script>\n<style>", o);
    fputs(css, o);
    double w = 1, hgt = 1, pad = 1;
    if (h->have_ext) {
        w = fmax(h->ext[2] - h->ext[0], 1);
        hgt = fmax(h->ext[3] - h->ext[1], 1);
        pad = fmax(w, hgt) * 0.03;
    }
    fprintf(o, "text.l{font-size:%.2fpx}", fmax(w, hgt) / 85.0);
    fputs("</style>\n</head>\n<body>\n<header><h1>", o);
    pl_w_html(o, d->title);
    fprintf(o, "</h1><div class=\"meta\">专题 theme: %s %s · 统计日期 as of %s · 导出日期 exported %s", d->theme_zh,
            d->theme_en, d->as_of, d->generated);
    if (d->filter && *d->filter) {
        fputs(" · 筛选 filter: ", o);
        pl_w_html(o, d->filter);
    }
    fprintf(o, " · %ld 宗 parcels, %.2f 亩 mu (%.2f m²)<br>地图坐标 map: EPSG:%d ", sum->parcels,
            sum->area_m2 * 15.0 / 10000.0, sum->area_m2, d->work_srid);
    pl_w_html(o, d->work_crs_name);
    if (d->gcj02)
        fputs(" · 标注点坐标 label points: <b>GCJ-02</b> (火星坐标, for AMap/Tencent; not WGS 84)", o);
    else if (d->bd09)
        fputs(" · 标注点坐标 label points: <b>BD-09</b> (百度坐标, for Baidu Maps; not WGS 84)", o);
    else
        fputs(" · 标注点坐标 label points: WGS 84 lon/lat", o);
    fputs("</div></header>\n<main>\n<section id=\"map\">\n", o);    if (h->have_ext && !h->n) /* only context parcels: the park is drawn, nothing selected */
        fputs("<div class=\"empty\">没有符合条件的宗地 no parcels match</div>\n", o);

    if (h->have_ext) {
        double vx = h->ext[0] - pad, vy = h->ext[1] - pad, vw = w + 2 * pad, vh = hgt + 2 * pad;
        fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%.2f %.2f %.2f %.2f\" "
                   "preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"parcel map\">\n<g id=\"context\">\n",
                vx, vy, vw, vh);
        if ((rc = copy(h->t[T_CONTEXT], o, err)))
            return rc;
        fputs("</g>\n<g id=\"parcels\">\n", o);
        if ((rc = copy(h->t[T_PATHS], o, err)))
            return rc;
        fputs("</g>\n<g id=\"labels\">\n", o);
        if ((rc = copy(h->t[T_LABELS], o, err)))
            return rc;
        double sl = scale_length(w), sx = h->ext[0], sy = h->ext[3] + pad * 0.5, fs = fmax(w, hgt) / 90.0;
        fprintf(o, "</g>\n<g id=\"scale\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#222\"/>"
                   "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\" fill=\"#222\">%g m</text>"
                   "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\" fill=\"#222\" text-anchor=\"end\">N ↑</text></g>\n"
                   "</svg>\n",
                sx, sy - fs * 0.25, sl, fs * 0.25, sx + sl + fs * 0.4, sy, fs, sl, h->ext[2], h->ext[1] + fs, fs * 1.3);
    } else {
        fputs("<div class=\"empty\">没有符合条件的宗地 no parcels match</div>\n", o);
    }
    fputs("</section>\n<aside>\n<h2>图例 legend</h2>\n<table class=\"legend\"><thead><tr><th>类别 class</th>"
          "<th class=\"n\">宗 parcels</th><th class=\"n\">亩 mu</th></tr></thead><tbody>\n", o);
    size_t nc = pl_style_count(d->theme);
    for (size_t i = 0; i < nc && i < PL_STYLE_MAX; i++) {
        const pl_style *s = pl_style_at(d->theme, i);
        if (!d->present[i])
            continue;
        fprintf(o, "<tr data-cls=\"%s\"><td><span class=\"sw\" style=\"background:%s;border-color:%s\"></span>%s %s"
                   "</td><td class=\"n\">%ld</td><td class=\"n\">%.2f</td></tr>\n",
                s->key, s->fill, s->stroke, s->zh, s->en, sum->count[i], sum->area[i] * 15.0 / 10000.0);
    }
    if (h->ncontext) {
        const pl_style *s = pl_style_context();
        fprintf(o, "<tr class=\"ctx\" data-cls=\"context\"><td><span class=\"sw\" style=\"background:%s;border-color:%s\">"
                   "</span>%s %s: 筛选之外 outside the filter</td><td class=\"n\">—</td><td class=\"n\">—</td></tr>\n",
                s->fill, s->stroke, s->zh, s->en);
    }
    fputs("</tbody></table>\n<h2>详情 details</h2>\n<div id=\"details\">点击地块或表格行查看详情 "
          "click a parcel or a row for its details</div>\n</aside>\n</main>\n", o);
    fputs("<section class=\"tbl\">\n<h2>宗地列表 parcels</h2>\n<div class=\"filters\"><label>状态 status "
          "<select id=\"f-status\"><option value=\"\">全部 all</option>", o);
    for (size_t i = 0; i < nc; i++) {
        const pl_style *s = pl_style_at(d->theme, i);
        if (i < PL_STYLE_MAX && !d->present[i])
            continue;
        fprintf(o, "<option value=\"%s\">%s %s</option>", s->key, s->zh, s->en);
    }
    fputs("</select></label><label>搜索 search <input id=\"f-text\" type=\"search\" "
          "placeholder=\"宗地号、名称、企业 code, name, company\"></label><span id=\"f-count\"></span></div>\n"
          "<table id=\"list\"><thead><tr><th>园区 park</th><th>宗地号 code</th><th>名称 name</th><th>用途 land use</th>"
          "<th>类别 class</th><th class=\"n\">面积 亩</th><th class=\"n\">面积 m²</th><th>企业 company</th></tr></thead>"
          "<tbody>\n", o);
    if ((rc = copy(h->t[T_ROWS], o, err)))
        return rc;
    fputs("</tbody></table>\n<h2>按类别汇总 totals by class</h2>\n<table id=\"totals\"><thead><tr><th>类别 class</th>"
          "<th class=\"n\">宗 parcels</th><th class=\"n\">面积 m²</th><th class=\"n\">面积 亩</th>"
          "<th class=\"n\">占比 share %</th></tr></thead><tbody>\n", o);
    for (size_t i = 0; i < nc && i < PL_STYLE_MAX; i++) {
        const pl_style *s = pl_style_at(d->theme, i);
        if (!d->present[i])
            continue;
        fprintf(o, "<tr data-cls=\"%s\"><td><span class=\"sw\" style=\"background:%s;border-color:%s\"></span>%s %s"
                   "</td><td class=\"n\">%ld</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>"
                   "<td class=\"n\">%.1f</td></tr>\n",
                s->key, s->fill, s->stroke, s->zh, s->en, sum->count[i], sum->area[i], sum->area[i] * 15.0 / 10000.0,
                sum->area_m2 > 0 ? 100.0 * sum->area[i] / sum->area_m2 : 0.0);
    }
    fprintf(o, "</tbody><tfoot><tr><th>合计 total</th><th class=\"n\">%ld</th><th class=\"n\">%.2f</th>"
               "<th class=\"n\">%.2f</th><th class=\"n\">%s</th></tr></tfoot></table>\n",
            sum->parcels, sum->area_m2, sum->area_m2 * 15.0 / 10000.0, sum->parcels ? "100.0" : "0.0");
    fprintf(o, "<p class=\"meta\">parkland %s · 1 亩 = 10000/15 m² · 面积按工作坐标系计算 areas computed in EPSG:%d</p>\n"
               "</section>\n", d->version, d->work_srid);
    fputs("<script type=\"application/json\" id=\"data\">{\"label_point\":", o);
    pl_w_json_string(o, d->gcj02  ? "标注点 label point (GCJ-02 lon,lat)"
                        : d->bd09 ? "标注点 label point (BD-09 lon,lat)"
                                  : "标注点 label point (WGS 84 lon,lat)", 1);
    fputs(",\"files_label\":\"巡查附件 inspection files\",\"fields\":", o);
    fputs(h->fields_json.buf ? h->fields_json.buf : "[]", o);
    fputs(",\"parcels\":[", o);
    if ((rc = copy(h->t[T_JSON], o, err)))
        return rc;
    fputs("\n]}</script>\n<script>\n", o);
    fputs(script, o);
    fputs("</script>\n</body>\n</html>\n", o);
    return ferror(o) ? pl_error_set(err, PL_ERR_IO, "cannot write the HTML map") : PL_OK;
}

static void h_release(void *state)
{
    html *h = state;
    if (!h)
        return;
    for (int i = 0; i < T_N; i++)
        if (h->t[i])
            fclose(h->t[i]);
    pl_buf_release(&h->fields_json);
    free(h);
}

const pl_writer_ops pl_writer_html = {"html", PL_NEED_LONLAT | PL_NEED_LABEL | PL_NEED_WORK | PL_NEED_PRESENT, h_begin, h_feature, h_end, h_release};
