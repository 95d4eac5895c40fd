/*
 * sheet.c — the parcel sheet (parkland/sheet.h): gathers the parcel, its
 * indicators, its project or reservation as of the date, its neighbours and
 * its boundary points, and hands them to gis/pdf_sheet.c (PDF) or writes the
 * 界址点成果表 with src/xlsx.c (XLSX). Nothing here draws or prints.
 */
#include "parkland/sheet.h"
#include "parkland/parcel.h"
#include "parkland/units.h"

#include "boundary.h"
#include "crs.h"
#include "date.h"
#include "db_internal.h"
#include "geom_blob.h"
#include "output_file.h"
#include "pdf_sheet.h"
#include "style.h"
#include "xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PARKLAND_VERSION
#define PARKLAND_VERSION "0"
#endif

#define MAX_NEIGHBOURS 200

static const char parcel_sql[] =
    "SELECT p.code, p.name, k.code, k.name, p.land_use, p.land_use_code, p.status, p.status_date, p.area_m2,"
    "       p.geom,"
    "       pi.investment_intensity, pi.far_min, pi.far_max, pi.tax_per_mu, pi.output_per_mu,"
    "       pi.energy_per_output, pi.building_coverage_min, pi.admin_share_max, pi.green_ratio_max,"
    "       pi.industries, pi.base_price, pi.term_years,"
    "       pr.code, pr.signed_on, ld.company, rv.expires_on, p.park_id"
    "  FROM parcel p JOIN park k ON k.id = p.park_id"
    "  LEFT JOIN parcel_indicator pi ON pi.parcel_id = p.id"
    "  LEFT JOIN project pr ON pr.id = (SELECT x.id FROM project_parcel pp JOIN project x ON x.id = pp.project_id"
    "        WHERE pp.parcel_id = p.id AND x.signed_on <= ?2"
    "          AND (x.terminated_on IS NULL OR x.terminated_on > ?2)"
    "        ORDER BY x.signed_on DESC, x.id DESC LIMIT 1)"
    "  LEFT JOIN reservation rv ON pr.id IS NULL AND rv.id = (SELECT r.id FROM reservation r"
    "        WHERE r.parcel_id = p.id AND r.reserved_on <= ?2"
    "          AND (r.released_on IS NULL OR r.released_on > ?2)"
    "        ORDER BY r.reserved_on DESC, r.id DESC LIMIT 1)"
    "  LEFT JOIN lead ld ON ld.id = coalesce(pr.lead_id, rv.lead_id)"
    " WHERE p.id = ?1";

enum { C_CODE, C_NAME, C_PARK, C_PARK_NAME, C_USE, C_USE_CODE, C_STATUS, C_STATUS_DATE, C_AREA, C_GEOM,
       C_INV, C_FAR_MIN, C_FAR_MAX, C_TAX, C_OUTPUT, C_ENERGY, C_COVER, C_ADMIN, C_GREEN, C_INDUSTRIES, C_PRICE,
       C_TERM, C_PROJECT, C_SIGNED, C_COMPANY, C_RESERVED_UNTIL, C_PARK_ID };

/* The other parcels (not retired) whose box meets the box given, with a point inside each. */
static const char neighbour_sql[] =
    "SELECT p.code, p.geom, ST_X(ST_PointOnSurface(p.geom)), ST_Y(ST_PointOnSurface(p.geom))"
    "  FROM parcel p"
    " WHERE p.id IN (SELECT pkid FROM idx_parcel_geom"
    "                 WHERE xmin <= ?3 AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?2)"
    "   AND p.id <> ?5 AND p.status <> 'retired'"
    " ORDER BY p.code LIMIT " "200";

typedef struct sheet {
    pl_geom geom;
    pl_boundary pts;
    pl_geom nb_geom[MAX_NEIGHBOURS];
    pl_sheet_neighbour nb[MAX_NEIGHBOURS];
    char *nb_code[MAX_NEIGHBOURS];
    size_t nnb;
    char code[128], title[768], holder[512], area[160], crs[320], footer[160], status[160], use[400],
        park[400], project[512], indicators[1024], points[160], name[400];
    const char *fill;
    double area_m2; /* as stored */
} sheet;

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s && *s ? s : NULL;
}

/* "label value unit; " for an indicator the parcel has. */
static void indicator(char *buf, size_t len, sqlite3_stmt *st, int c, const char *label, const char *unit)
{
    if (sqlite3_column_type(st, c) == SQLITE_NULL)
        return;
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, "%s%s %g%s", n ? "; " : "", label, sqlite3_column_double(st, c), unit);
}

static int gather(pl_db *db, long id, const char *as_of, sheet *s, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, parcel_sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    pl_bind_text(st, 2, as_of);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = pl_db_fail(db, err, "cannot read the parcel");
        sqlite3_finalize(st);
        return rc;
    }
    const char *code = col(st, C_CODE), *name = col(st, C_NAME), *status = col(st, C_STATUS);
    snprintf(s->code, sizeof s->code, "%s", code ? code : "");
    snprintf(s->name, sizeof s->name, "%s", name ? name : "—");
    snprintf(s->title, sizeof s->title, "宗地号 %s%s%s", s->code, name ? "  " : "", name ? name : "");
    double m2 = sqlite3_column_double(st, C_AREA);
    s->area_m2 = m2;
    snprintf(s->area, sizeof s->area, "%.2f m² = %.4f 亩 = %.4f ha", m2, pl_m2_to_mu(m2), pl_m2_to_ha(m2));
    const char *company = col(st, C_COMPANY);
    snprintf(s->holder, sizeof s->holder, "%s%s", company ? company : "—",
             company && !col(st, C_PROJECT) ? " (预留 reserved)" : "");
    snprintf(s->status, sizeof s->status, "%s %s (%s 起)", status ? pl_parcel_status_zh(status) ? pl_parcel_status_zh(status) : status : "—",
             status ? status : "", col(st, C_STATUS_DATE) ? col(st, C_STATUS_DATE) : "?");
    const pl_style *style = status ? pl_style_get(PL_STYLE_AVAILABILITY, status) : NULL;
    s->fill = style ? style->fill : "#cccccc";
    const char *use = col(st, C_USE), *use_code = col(st, C_USE_CODE);
    snprintf(s->use, sizeof s->use, "%s%s%s%s", use ? use : "—", use_code ? " (" : "", use_code ? use_code : "",
             use_code ? ")" : "");
    snprintf(s->park, sizeof s->park, "%s %s", col(st, C_PARK_NAME) ? col(st, C_PARK_NAME) : "",
             col(st, C_PARK) ? col(st, C_PARK) : "");
    if (col(st, C_PROJECT))
        snprintf(s->project, sizeof s->project, "%s, 签约 %s, %s", col(st, C_PROJECT),
                 col(st, C_SIGNED) ? col(st, C_SIGNED) : "?", company ? company : "");
    else if (company)
        snprintf(s->project, sizeof s->project, "无签约项目; 预留给 %s 至 %s", company,
                 col(st, C_RESERVED_UNTIL) ? col(st, C_RESERVED_UNTIL) : "?");
    else
        snprintf(s->project, sizeof s->project, "—");
    char *ind = s->indicators;
    size_t il = sizeof s->indicators;
    indicator(ind, il, st, C_INV, "固定资产投资强度≥", " 万元/亩");
    indicator(ind, il, st, C_FAR_MIN, "容积率≥", "");
    indicator(ind, il, st, C_FAR_MAX, "容积率≤", "");
    indicator(ind, il, st, C_TAX, "亩均税收≥", " 万元/亩·年");
    indicator(ind, il, st, C_OUTPUT, "亩均产值≥", " 万元/亩·年");
    indicator(ind, il, st, C_ENERGY, "单位产值能耗≤", " 吨标准煤/万元");
    indicator(ind, il, st, C_COVER, "建筑系数≥", "%");
    indicator(ind, il, st, C_ADMIN, "行政办公及生活服务设施用地≤", "%");
    indicator(ind, il, st, C_GREEN, "绿地率≤", "%");
    indicator(ind, il, st, C_PRICE, "起始价", " 万元/亩");
    indicator(ind, il, st, C_TERM, "出让年限", " 年");
    if (col(st, C_INDUSTRIES)) {
        size_t n = strlen(ind);
        snprintf(ind + n, il - n, "%s准入产业 %s", n ? "; " : "", col(st, C_INDUSTRIES));
    }
    if (!*ind)
        snprintf(ind, il, "—");
    const unsigned char *b = sqlite3_column_blob(st, C_GEOM);
    int bad = !b || pl_blob_to_geom(b, (size_t)sqlite3_column_bytes(st, C_GEOM), &s->geom) || s->geom.n == 0;
    sqlite3_finalize(st);
    if (bad)
        return pl_error_set(err, PL_ERR_DB, "parcel '%s' has no readable geometry", s->code);
    if (pl_boundary_of(&s->geom, &s->pts))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    int holes = 0;
    for (size_t i = 0; i < s->geom.n; i++)
        holes += (int)s->geom.polys[i].n - 1;
    snprintf(s->points, sizeof s->points, "%ld 点, %d 圈 (%zu 部分, %d 洞)", s->pts.vertices, s->pts.rings,
             s->geom.n, holes);
    char crs_name[256] = "";
    double aou[4];
    if (pl_crs_area_of_use(db->srid, aou, crs_name, sizeof crs_name))
        crs_name[0] = 0;
    snprintf(s->crs, sizeof s->crs, "EPSG:%d %s (X 北 northing, Y 东 easting, m)", db->srid, crs_name);
    char today[16];
    pl_today(today, sizeof today);
    snprintf(s->footer, sizeof s->footer, "截至 as of %s · 出图 %s · parkland %s", as_of, today, PARKLAND_VERSION);

    /* the neighbours within half the parcel's size around it */
    double minx, miny, maxx, maxy;
    pl_geom_bbox(&s->geom, &minx, &miny, &maxx, &maxy);
    double m = fmax(maxx - minx, maxy - miny);
    if ((rc = pl_db_prepare(db, neighbour_sql, &st, err)))
        return rc;
    sqlite3_bind_double(st, 1, minx - m);
    sqlite3_bind_double(st, 2, miny - m);
    sqlite3_bind_double(st, 3, maxx + m);
    sqlite3_bind_double(st, 4, maxy + m);
    sqlite3_bind_int64(st, 5, id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && s->nnb < MAX_NEIGHBOURS) {
        size_t i = s->nnb;
        const unsigned char *nb = sqlite3_column_blob(st, 1);
        if (!nb || pl_blob_to_geom(nb, (size_t)sqlite3_column_bytes(st, 1), &s->nb_geom[i]))
            continue;
        s->nb_code[i] = strdup(col(st, 0) ? col(st, 0) : "?");
        if (!s->nb_code[i]) {
            sqlite3_finalize(st);
            return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        s->nb[i] = (pl_sheet_neighbour){s->nb_code[i], &s->nb_geom[i], sqlite3_column_double(st, 2),
                                        sqlite3_column_double(st, 3)};
        s->nnb++;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read the neighbouring parcels");
    sqlite3_finalize(st);
    return rc;
}

static void sheet_release(sheet *s)
{
    pl_geom_release(&s->geom);
    pl_boundary_release(&s->pts);
    for (size_t i = 0; i < MAX_NEIGHBOURS; i++) {
        pl_geom_release(&s->nb_geom[i]);
        free(s->nb_code[i]);
    }
}

static int write_pdf(sheet *s, FILE *out, pl_sheet_result *res, pl_error *err)
{
    const char *facts[][2] = {
        {"宗地号 code", s->code},
        {"地块名称 name", s->name},
        {"园区 park", s->park},
        {"权利人/用地单位 holder", s->holder},
        {"用途 land use (地类编码)", s->use},
        {"面积 area", s->area},
        {"状态 status", s->status},
        {"项目 project", s->project},
        {"控制指标 indicators", s->indicators},
        {"界址点 boundary points", s->points},
    };
    pl_sheet_doc d = {s->code, s->title, s->holder, s->area, s->crs, s->footer, s->fill,
                      facts, sizeof facts / sizeof *facts, &s->geom, &s->pts, s->nb, s->nnb};
    pl_sheet_out o;
    int rc = pl_pdf_sheet_write(out, &d, &o, err);
    res->pages = o.pages;
    res->scale = o.scale;
    return rc;
}

/* pl_xlsx_fill: the 界址点成果表 of the sheet `ctx`. */
static int fill_xlsx(pl_xlsx *x, void *ctx, pl_error *err)
{
    const sheet *s = ctx;
    static const char *const labels[] = {"序号", "点号", "圈号", "X (北 m)", "Y (东 m)", "边长 (m)"};
    static const unsigned char numeric[] = {1, 0, 1, 1, 1, 1};
    char title[1600];
    snprintf(title, sizeof title, "界址点成果表 · 宗地号 %s · 权利人/用地单位 %s · 面积 %s · %s", s->code,
             s->holder, s->area, s->crs);
    int rc = pl_xlsx_sheet(x, "界址点成果表", title, 6, labels, numeric, err);
    for (size_t i = 0; i < s->pts.n && !rc; i++) {
        const pl_bpoint *p = &s->pts.p[i];
        char c[6][48];
        snprintf(c[0], sizeof c[0], "%zu", i + 1);
        snprintf(c[1], sizeof c[1], "J%ld", p->number);
        snprintf(c[2], sizeof c[2], "%d", p->ring);
        snprintf(c[3], sizeof c[3], "%.3f", p->y);
        snprintf(c[4], sizeof c[4], "%.3f", p->x);
        if (isnan(p->side))
            c[5][0] = 0;
        else
            snprintf(c[5], sizeof c[5], "%.2f", p->side);
        const char *cells[6] = {c[0], c[1], c[2], c[3], c[4], c[5]};
        rc = pl_xlsx_row(x, cells, err);
    }
    return rc;
}

/* The 界址点成果表 as a workbook (xlsx.h: written in a private directory, copied into `out`). */
static int write_xlsx(sheet *s, FILE *out, pl_error *err)
{
    return pl_xlsx_write_stream(out, fill_xlsx, s, err);
}

int pl_parcel_sheet_file(pl_db *db, const char *park, const char *code, pl_sheet_format format,
                         const char *as_of, const char *path, int force, pl_sheet_result *res, pl_error *err)
{
    pl_sheet_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (format != PL_SHEET_PDF && format != PL_SHEET_XLSX)
        return pl_error_set(err, PL_ERR_USAGE, "a parcel sheet is pdf or xlsx");
    if (as_of && !pl_date_valid(as_of))
        return pl_error_set(err, PL_ERR_USAGE, "--as-of '%s' is not a date YYYY-MM-DD", as_of);
    if (!code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel?");
    long id;
    int rc = pl_parcel_find(db, park, code, &id, NULL, 0, err);
    if (rc)
        return rc;
    if ((rc = pl_output_file_check(path, force, err)))
        return rc;
    char today[16];
    pl_today(today, sizeof today);
    sheet *s = calloc(1, sizeof *s);
    if (!s)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    pl_geom_init(&s->geom);
    for (size_t i = 0; i < MAX_NEIGHBOURS; i++)
        pl_geom_init(&s->nb_geom[i]);
    rc = gather(db, id, as_of ? as_of : today, s, err);
    pl_output_file out;
    if (!rc && !(rc = pl_output_file_open(&out, path, force, err))) {
        rc = format == PL_SHEET_PDF ? write_pdf(s, out.f, res, err) : write_xlsx(s, out.f, err);
        if (rc)
            pl_output_file_abort(&out);
        else
            rc = pl_output_file_commit(&out, err);
    }
    if (!rc) {
        snprintf(res->code, sizeof res->code, "%s", s->code);
        res->points = s->pts.vertices;
        res->rows = (long)s->pts.n;
        res->rings = s->pts.rings;
        res->area_m2 = s->area_m2;
    }
    sheet_release(s);
    free(s);
    return rc;
}
