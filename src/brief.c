/*
 * brief.c — the investor brief of a lead (parkland/brief.h): ranks the free
 * parcels with the match library (parkland/match.h), then draws one page a
 * candidate with gis/pdf_draw.h: the parcel in red among its park's parcels
 * (grey, streamed from the database onto the page), its facts, indicators,
 * the score and the reason of each component.
 */
#include "parkland/brief.h"
#include "parkland/match.h"
#include "parkland/parcel.h"
#include "parkland/units.h"

#include "date.h"
#include "db_internal.h"
#include "geom_blob.h"
#include "output_file.h"
#include "pdf_draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PARKLAND_VERSION
#define PARKLAND_VERSION "0"
#endif

#define A4_W (210 * PL_PT_PER_MM)
#define A4_H (297 * PL_PT_PER_MM)
#define MARGIN (15 * PL_PT_PER_MM)

typedef struct cand {
    long parcel_id;
    char park[128], code[128], name[400], status[32];
    double area_m2, score;
    char reason[PL_MATCH_NCOMPONENTS][512];
} cand;

typedef struct gathered {
    cand *c;
    size_t n, cap;
} gathered;

static int keep(const pl_match_result *r, void *ctx)
{
    gathered *g = ctx;
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 8;
        cand *c = realloc(g->c, cap * sizeof *c);
        if (!c)
            return PL_ERR_NOMEM;
        g->c = c;
        g->cap = cap;
    }
    cand *c = &g->c[g->n++];
    memset(c, 0, sizeof *c);
    c->parcel_id = r->parcel_id;
    snprintf(c->park, sizeof c->park, "%s", r->park ? r->park : "");
    snprintf(c->code, sizeof c->code, "%s", r->code ? r->code : "");
    snprintf(c->name, sizeof c->name, "%s", r->name ? r->name : "—");
    snprintf(c->status, sizeof c->status, "%s", r->status ? r->status : "");
    c->area_m2 = r->area_m2;
    c->score = r->score;
    for (int i = 0; i < PL_MATCH_NCOMPONENTS; i++)
        snprintf(c->reason[i], sizeof c->reason[i], "%s", r->reasons[i].text ? r->reasons[i].text : "");
    return 0;
}

static const char parcel_sql[] =
    "SELECT p.geom, k.name, coalesce(k.name_en, ''), p.land_use, p.land_use_code,"
    "       pi.investment_intensity, pi.far_min, pi.far_max, pi.tax_per_mu, pi.industries, pi.base_price,"
    "       pi.term_years, p.park_id"
    "  FROM parcel p JOIN park k ON k.id = p.park_id LEFT JOIN parcel_indicator pi ON pi.parcel_id = p.id"
    " WHERE p.id = ?1";

/* The park's parcels (not retired) and their box. */
static const char park_box_sql[] =
    "SELECT min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom))"
    "  FROM parcel WHERE park_id = ?1 AND status <> 'retired'";
static const char park_parcels_sql[] = "SELECT geom FROM parcel WHERE park_id = ?1 AND status <> 'retired' AND id <> ?2";

typedef struct map {
    double fx, fy, fw, fh, x0, y0, k, n;
} map;

static void path_of(cairo_t *cr, const map *m, const pl_geom *g)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++) {
            const pl_ring *r = &g->polys[i].rings[j];
            for (size_t k = 0; k < r->n; k++) {
                double px = m->fx + m->fw / 2 + (r->xy[2 * k] - m->x0) * m->k;
                double py = m->fy + m->fh / 2 - (r->xy[2 * k + 1] - m->y0) * m->k;
                if (k)
                    cairo_line_to(cr, px, py);
                else
                    cairo_move_to(cr, px, py);
            }
            cairo_close_path(cr);
        }
}

static void fact(char *buf, size_t len, sqlite3_stmt *st, int c, const char *label, const char *unit)
{
    if (sqlite3_column_type(st, c) == SQLITE_NULL)
        return;
    size_t n = strlen(buf);
    if (sqlite3_column_type(st, c) == SQLITE_TEXT)
        snprintf(buf + n, len - n, "%s%s %s%s", n ? "; " : "", label, sqlite3_column_text(st, c), unit);
    else
        snprintf(buf + n, len - n, "%s%s %g%s", n ? "; " : "", label, sqlite3_column_double(st, c), unit);
}

/* One page: the candidate `c` of the lead described by `s`. */
static int page(pl_db *db, pl_pdf *pdf, const pl_match_summary *s, const cand *c, int no, int of, const char *today,
                pl_error *err)
{
    cairo_t *cr = pl_pdf_cr(pdf);
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, parcel_sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, c->parcel_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = pl_db_fail(db, err, "cannot read the parcel");
        sqlite3_finalize(st);
        return rc;
    }
    pl_geom g;
    pl_geom_init(&g);
    const unsigned char *b = sqlite3_column_blob(st, 0);
    if (!b || pl_blob_to_geom(b, (size_t)sqlite3_column_bytes(st, 0), &g) || !g.n) {
        sqlite3_finalize(st);
        pl_geom_release(&g);
        return pl_error_set(err, PL_ERR_DB, "parcel '%s': cannot read its geometry", c->code);
    }
    char park[512], use[512] = "", ind[1024] = "";
    snprintf(park, sizeof park, "%s %s %s", c->park, sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "",
             (const char *)sqlite3_column_text(st, 2));
    fact(use, sizeof use, st, 3, "", "");
    fact(use, sizeof use, st, 4, " 地类编码 code", "");
    fact(ind, sizeof ind, st, 5, "投资强度 investment ≥", " 万元/亩");
    fact(ind, sizeof ind, st, 6, "容积率 FAR ≥", "");
    fact(ind, sizeof ind, st, 7, "≤", "");
    fact(ind, sizeof ind, st, 8, "亩均税收 tax ≥", " 万元/亩·年");
    fact(ind, sizeof ind, st, 9, "产业 industries", "");
    fact(ind, sizeof ind, st, 10, "基准地价 base price", " 万元/亩");
    fact(ind, sizeof ind, st, 11, "年限 term", " 年 years");
    long park_id = sqlite3_column_int64(st, 12);
    sqlite3_finalize(st);

    double y = MARGIN;
    char line[1024];
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(line, sizeof line, "招商地块推介 investor brief · %s", s->company);
    pl_pdf_text(pdf, line, 14, 1, A4_W / 2, y, PL_ALIGN_CENTER);
    y += 22;
    snprintf(line, sizeof line, "候选地块 %d/%d candidate %d of %d · 宗地号 parcel %s · %s", no, of, no, of, c->code, park);
    pl_pdf_text(pdf, line, 9, 0, A4_W / 2, y, PL_ALIGN_CENTER);
    y += 18;

    /* the map: the park's box */
    map m = {MARGIN, y, A4_W - 2 * MARGIN, 95 * PL_PT_PER_MM, 0, 0, 0, 0};
    double bx0, by0, bx1, by1;
    pl_geom_bbox(&g, &bx0, &by0, &bx1, &by1);
    if (!(rc = pl_db_prepare(db, park_box_sql, &st, err))) {
        sqlite3_bind_int64(st, 1, park_id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            bx0 = fmin(bx0, sqlite3_column_double(st, 0));
            by0 = fmin(by0, sqlite3_column_double(st, 1));
            bx1 = fmax(bx1, sqlite3_column_double(st, 2));
            by1 = fmax(by1, sqlite3_column_double(st, 3));
        }
        sqlite3_finalize(st);
    }
    if (rc) {
        pl_geom_release(&g);
        return rc;
    }
    m.x0 = (bx0 + bx1) / 2;
    m.y0 = (by0 + by1) / 2;
    m.n = fmax(pl_pdf_nice_scale(fmax(bx1 - bx0, 1), m.fw * 0.94), pl_pdf_nice_scale(fmax(by1 - by0, 1), m.fh * 0.94));
    m.k = 1000.0 * PL_PT_PER_MM / m.n;
    cairo_save(cr);
    cairo_rectangle(cr, m.fx, m.fy, m.fw, m.fh);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    if (!(rc = pl_db_prepare(db, park_parcels_sql, &st, err))) {
        sqlite3_bind_int64(st, 1, park_id);
        sqlite3_bind_int64(st, 2, c->parcel_id);
        pl_geom o;
        pl_geom_init(&o);
        long n = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *ob = sqlite3_column_blob(st, 0);
            if (ob && !pl_blob_to_geom(ob, (size_t)sqlite3_column_bytes(st, 0), &o))
                path_of(cr, &m, &o);
            if (++n % 2000 == 0) {
                cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
                cairo_fill_preserve(cr);
                cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
                cairo_set_line_width(cr, 0.2);
                cairo_stroke(cr);
            }
        }
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(cr, 0.2);
        cairo_stroke(cr);
        pl_geom_release(&o);
        sqlite3_finalize(st);
    }
    path_of(cr, &m, &g);
    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.5, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    cairo_restore(cr);
    pl_geom_release(&g);
    if (rc)
        return rc;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, m.fx, m.fy, m.fw, m.fh);
    cairo_stroke(cr);
    pl_pdf_north_arrow(pdf, m.fx + m.fw - 14, m.fy + 6, 24);
    y = m.fy + m.fh + 6;
    pl_pdf_scale_bar(pdf, m.fx, y, m.n, 40 * PL_PT_PER_MM);
    pl_pdf_text(pdf, "红色: 本地块 red: this parcel · 灰色: 园区其他地块 grey: the park's other parcels", 7, 0,
                m.fx + m.fw, y, PL_ALIGN_RIGHT);
    y += 30;

    /* facts, score and reasons */
    char area[160], score[160];
    snprintf(area, sizeof area, "%.2f m² = %.2f 亩 mu", c->area_m2, pl_m2_to_mu(c->area_m2));
    const char *zh = pl_parcel_status_zh(c->status);
    char status[160];
    snprintf(status, sizeof status, "%s %s", zh ? zh : "", c->status);
    const char *rows[][2] = {
        {"宗地号 parcel", c->code},       {"名称 name", c->name},    {"园区 park", park},
        {"面积 area", area},              {"状态 status", status},   {"用途 land use", *use ? use : "—"},
        {"控制指标 indicators", *ind ? ind : "—"},
    };
    double w = A4_W - 2 * MARGIN;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        pl_pdf_text(pdf, rows[i][0], 8.5, 1, MARGIN, y, PL_ALIGN_LEFT);
        y += pl_pdf_text_wrapped(pdf, rows[i][1], 8.5, 0, MARGIN + 110, y, w - 110) + 4;
    }
    y += 8;
    snprintf(score, sizeof score, "匹配度 match score %.1f / 100", c->score);
    pl_pdf_text(pdf, score, 12, 1, MARGIN, y, PL_ALIGN_LEFT);
    y += 20;
    for (int i = 0; i < PL_MATCH_NCOMPONENTS; i++)
        y += pl_pdf_text_wrapped(pdf, c->reason[i], 8.5, 0, MARGIN + 10, y, w - 10) + 3;
    y += 10;
    char demand[512] = "";
    if (!isnan(s->land_mu))
        snprintf(demand + strlen(demand), sizeof demand - strlen(demand), "用地需求 land demand %.1f 亩 mu; ", s->land_mu);
    if (!isnan(s->investment))
        snprintf(demand + strlen(demand), sizeof demand - strlen(demand), "投资 investment %.0f 万元; ", s->investment);
    char who[sizeof s->lead + sizeof s->company + sizeof s->industry_zh + sizeof demand + 64];
    snprintf(who, sizeof who, "客户 lead %s · %s · 产业 industry %s · %s", s->lead, s->company,
             *s->industry_zh ? s->industry_zh : "—", demand);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    pl_pdf_text_wrapped(pdf, who, 7.5, 0, MARGIN, y, w);
    snprintf(line, sizeof line, "出图 generated %s · parkland %s · 园区联系方式未登记 the park's contacts are not on record",
             today, PARKLAND_VERSION);
    pl_pdf_text(pdf, line, 6.5, 0, MARGIN, A4_H - MARGIN, PL_ALIGN_LEFT);
    return PL_OK;
}

int pl_lead_brief_file(pl_db *db, const char *lead, int top, const char *path, int force, pl_brief_result *res,
                       pl_error *err)
{
    pl_brief_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (!lead)
        return pl_error_set(err, PL_ERR_USAGE, "which lead?");
    int rc = pl_output_file_check(path, force, err);
    if (rc)
        return rc;
    pl_match_summary s;
    pl_match_options o;
    pl_match_options_init(&o);
    o.top = top > 0 ? top : 5;
    o.summary = &s;
    gathered g = {0};
    rc = pl_match_lead(db, lead, &o, keep, &g, err);
    if (rc == PL_ERR_NOMEM)
        pl_error_set(err, rc, "out of memory");
    if (!rc && !g.n)
        rc = pl_error_set(err, PL_ERR_INPUT, "lead '%s': no free parcel to propose", s.lead);
    char today[16];
    pl_today(today, sizeof today);
    pl_output_file out;
    if (!rc && !(rc = pl_output_file_open(&out, path, force, err))) {
        pl_pdf *pdf = NULL;
        char title[768];
        snprintf(title, sizeof title, "招商地块推介 investor brief %s", s.company);
        rc = pl_pdf_open(out.f, A4_W, A4_H, title, &pdf, err);
        for (size_t i = 0; !rc && i < g.n; i++) {
            if (i)
                pl_pdf_next_page(pdf);
            rc = page(db, pdf, &s, &g.c[i], (int)i + 1, (int)g.n, today, err);
        }
        if (!rc) {
            rc = pl_pdf_close(pdf, err);
        } else if (pdf) {
            pl_error e;
            pl_error_clear(&e);
            pl_pdf_close(pdf, &e);
        }
        if (rc)
            pl_output_file_abort(&out);
        else
            rc = pl_output_file_commit(&out, err);
    }
    if (!rc) {
        snprintf(res->lead, sizeof res->lead, "%s", s.lead);
        res->pages = (int)g.n;
    }
    free(g.c);
    return rc;
}
