/*
 * write_txt.c — the Ministry coordinate TXT (勘测定界界址点坐标交换格式,
 * domain.md §6), the form parcels are submitted for approval in.
 *
 *   [属性描述] 格式版本号, 数据产生单位, 数据产生日期, 坐标系, 几度分带, 投影类型,
 *              计量单位, 带号, 精度, 转换参数 — for the zone-prefixed CGCS2000
 *              3-degree CRS matching the working CRS (4549 → 4528, 带号 40);
 *              a working CRS that is not such a zone is written as stored and
 *              the header says so (坐标系 names it, 带号 is empty, 说明 explains).
 *   [地块坐标] per parcel: 界址点数,地块面积(ha, 4 decimals),地块编号,地块名称,面,
 *              图幅号(empty),地块用途,地类编码,@ — then 点号,圈号,X,Y lines:
 *              J1… numbered across the parcel, 圈号 1 for the first shell and
 *              counting on over holes and further parts, X = northing and
 *              Y = easting with the zone prefix, 3 decimals; each ring starts at
 *              its north-west vertex and repeats it at the end; shells run
 *              clockwise and holes anticlockwise, as surveys number them;
 *              界址点数 counts every point line, closing repeats included.
 * GBK (default) or UTF-8, CRLF line endings. In text fields a comma becomes
 * "，", "@" becomes "＠" and line breaks and control characters a space, so a
 * name can never break the line structure.
 */
#include "writer.h"
#include "boundary.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct txt {
    const pl_export_doc *doc;
    FILE *out;
    pl_buf line;
    pl_ring ring; /* reoriented copy */
} txt;

/* Write one line (UTF-8 in b) with CRLF, converted to GBK when asked. */
static int put_line(txt *t, const char *what, pl_error *err)
{
    const char *s = pl_buf_cstr(&t->line);
    size_t n = t->line.len;
    if (t->doc->txt_gbk) {
        size_t outlen = 0;
        char *g = pl_text_utf8_to_gbk(s, n, &outlen);
        if (!g)
            return pl_error_set(err, PL_ERR_INPUT, "%s has a character with no GBK form; export with --encoding utf-8",
                                what);
        fwrite(g, 1, outlen, t->out);
        free(g);
    } else {
        fwrite(s, 1, n, t->out);
    }
    fputs("\r\n", t->out);
    pl_buf_reset(&t->line);
    return ferror(t->out) ? pl_error_set(err, PL_ERR_IO, "cannot write the TXT") : PL_OK;
}

/* A text field: cleaned, on one line, without the separators of the format. */
static int add_field(pl_buf *b, const char *s)
{
    char *c = pl_w_clean(s, 1);
    if (!c)
        return -1;
    int rc = 0;
    for (const unsigned char *p = (const unsigned char *)c; *p && !rc; p++) {
        if (*p == ',')
            rc = pl_buf_addstr(b, "，");
        else if (*p == '@')
            rc = pl_buf_addstr(b, "＠");
        else if (*p < 0x20 || *p == 0x7f)
            rc = pl_buf_addstr(b, " ");
        else
            rc = pl_buf_add(b, (const char *)p, 1);
    }
    free(c);
    return rc;
}

static int header(txt *t, const char *key, const char *value, pl_error *err)
{
    if (pl_buf_addf(&t->line, "%s=%s", key, value))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    return put_line(t, "the header", err);
}

/* Header: section lines have no '='. */
static int t_begin(void **state, const pl_export_doc *doc, pl_error *err)
{
    txt *t = calloc(1, sizeof *t);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *state = t;
    t->doc = doc;
    t->out = doc->out;
    int rc = 0;
    char zone[16] = "", producer[512], crs[512];
    if (doc->txt_zone)
        snprintf(zone, sizeof zone, "%d", doc->txt_zone);
    snprintf(producer, sizeof producer, "parkland %s", doc->version);
    if (pl_buf_addstr(&t->line, "[属性描述]") || (rc = put_line(t, "the header", err)))
        return rc ? rc : pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    if ((rc = header(t, "格式版本号", "1.01", err)) || (rc = header(t, "数据产生单位", producer, err)) ||
        (rc = header(t, "数据产生日期", doc->generated, err)))
        return rc;
    if (doc->txt_zone) {
        if ((rc = header(t, "坐标系", "2000国家大地坐标系", err)) || (rc = header(t, "几度分带", "3", err)) ||
            (rc = header(t, "投影类型", "高斯克吕格", err)) || (rc = header(t, "计量单位", "米", err)) ||
            (rc = header(t, "带号", zone, err)) || (rc = header(t, "精度", "0.001", err)) ||
            (rc = header(t, "转换参数", ",,,,,,", err)))
            return rc;
    } else {
        snprintf(crs, sizeof crs, "EPSG:%d %s", doc->work_srid, doc->work_crs_name ? doc->work_crs_name : "");
        char note[768];
        snprintf(note, sizeof note, "工作坐标系EPSG:%d不是2000国家大地坐标系3度带,坐标按工作坐标系输出 "
                 "(the working CRS is not a CGCS2000 3-degree zone; coordinates are written in it, X = northing)",
                 doc->work_srid);
        if ((rc = header(t, "坐标系", crs, err)) || (rc = header(t, "投影类型", "", err)) ||
            (rc = header(t, "计量单位", "米", err)) || (rc = header(t, "带号", "", err)) ||
            (rc = header(t, "精度", "0.001", err)) || (rc = header(t, "转换参数", ",,,,,,", err)))
            return rc;
        /* the note as its own key, after the standard ones; readers skip unknown keys */
        pl_buf_reset(&t->line);
        if (pl_buf_addstr(&t->line, "说明=") || add_field(&t->line, note))
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        if ((rc = put_line(t, "the header", err)))
            return rc;
    }
    if (pl_buf_addstr(&t->line, "[地块坐标]"))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    return put_line(t, "the header", err);
}

static int t_feature(void *state, const pl_export_feature *f, pl_error *err)
{
    txt *t = state;
    const pl_geom *g = f->work;
    long points = 0;
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++) {
            const pl_ring *r = &g->polys[i].rings[j];
            size_t n = r->n;
            if (n > 1 && r->xy[0] == r->xy[2 * (n - 1)] && r->xy[1] == r->xy[2 * (n - 1) + 1])
                n--;
            points += (long)n + 1;
        }
    char what[256];
    snprintf(what, sizeof what, "parcel '%s'", f->code ? f->code : "?");
    pl_buf_reset(&t->line);
    int bad = pl_buf_addf(&t->line, "%ld,%.4f,", points, f->area_m2 / 10000.0);
    bad = bad || add_field(&t->line, f->code) || pl_buf_addstr(&t->line, ",") || add_field(&t->line, f->name) ||
          pl_buf_addstr(&t->line, ",面,,") || add_field(&t->line, f->land_use) || pl_buf_addstr(&t->line, ",") ||
          add_field(&t->line, f->land_use_code) || pl_buf_addstr(&t->line, ",@");
    if (bad)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    int rc = put_line(t, what, err);
    if (rc)
        return rc;
    long pt = 1;
    int ringno = 1;
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++, ringno++) {
            if (pl_boundary_ring(&t->ring, &g->polys[i].rings[j], j == 0))
                return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            long first = pt;
            for (size_t k = 0; k <= t->ring.n; k++) {
                size_t q = k < t->ring.n ? k : 0; /* the closing repeat */
                double x = t->ring.xy[2 * q + 1];                          /* northing */
                double y = t->ring.xy[2 * q] + t->doc->txt_east_offset; /* easting with zone prefix */
                if (pl_buf_addf(&t->line, "J%ld,%d,%.3f,%.3f", k < t->ring.n ? pt++ : first, ringno, x, y))
                    return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                if ((rc = put_line(t, what, err)))
                    return rc;
            }
        }
    return PL_OK;
}

static int t_end(void *state, const pl_export_summary *sum, pl_error *err)
{
    (void)sum;
    txt *t = state;
    return ferror(t->out) ? pl_error_set(err, PL_ERR_IO, "cannot write the TXT") : PL_OK;
}

static void t_release(void *state)
{
    txt *t = state;
    if (!t)
        return;
    pl_buf_release(&t->line);
    free(t->ring.xy);
    free(t);
}

const pl_writer_ops pl_writer_txt = {"txt", PL_NEED_WORK, t_begin, t_feature, t_end, t_release};
