/*
 * brief.c — the investor brief of a lead (parkland/brief.h): ranks the free
 * parcels with the match library (parkland/match.h), then draws one page a
 * candidate: the queries here, the drawing in gis/pdf_brief.c, which is handed
 * plain data: the parcel, the park's box, its other parcels (streamed from the
 * database onto the page), its facts, indicators, the score and the reason of
 * each component, the park's contacts (parkland/park.h).
 */
#include "parkland/brief.h"
#include "parkland/match.h"
#include "parkland/parcel.h"
#include "parkland/park.h"
#include "parkland/units.h"

#include "date.h"
#include "db_internal.h"
#include "geom_blob.h"
#include "output_file.h"
#include "pdf_brief.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PARKLAND_VERSION
#define PARKLAND_VERSION "0"
#endif

#define A4_W (PL_BRIEF_PAGE_W_MM * PL_PT_PER_MM)
#define A4_H (PL_BRIEF_PAGE_H_MM * PL_PT_PER_MM)

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

/* The park's other parcels, handed one by one to the drawing. */
typedef struct others_ctx {
    pl_db *db;
    long park_id, parcel_id;
} others_ctx;

static int others(void *ctx, pl_brief_draw_fn *draw, void *dctx, pl_error *err)
{
    const others_ctx *o = ctx;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(o->db, park_parcels_sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, o->park_id);
    sqlite3_bind_int64(st, 2, o->parcel_id);
    pl_geom g;
    pl_geom_init(&g);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *b = sqlite3_column_blob(st, 0);
        if (b && !pl_blob_to_geom(b, (size_t)sqlite3_column_bytes(st, 0), &g))
            draw(dctx, &g);
    }
    if (step != SQLITE_DONE)
        rc = pl_db_fail(o->db, err, "cannot read the park's parcels");
    pl_geom_release(&g);
    sqlite3_finalize(st);
    return rc;
}

/* The park's contacts as one line, or that there are none on record. */
static void contact_line(pl_db *db, const char *park, char *buf, size_t len)
{
    pl_park_contact c;
    pl_error e;
    pl_error_clear(&e);
    if (pl_park_contact_get(db, park, &c, &e) || (!*c.name && !*c.phone && !*c.address && !*c.email)) {
        snprintf(buf, len, "园区联系方式未登记 the park's contacts are not on record");
        return;
    }
    snprintf(buf, len, "园区联系方式 park contacts");
    const char *const parts[][2] = {{"联系人 contact", c.name}, {"电话 phone", c.phone}, {"地址 address", c.address},
                                    {"邮箱 e-mail", c.email}};
    for (size_t i = 0; i < 4; i++)
        if (*parts[i][1]) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s %s", i && n > 40 ? " · " : ": ", parts[i][0], parts[i][1]);
        }
}

/* One page: the candidate `c` of the lead described by `s`. */
static int page(pl_db *db, pl_pdf *pdf, const pl_match_summary *s, const cand *c, int no, int of, const char *today,
                pl_error *err)
{
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

    pl_brief_page p = {0};
    char title[1024], heading[1024];
    snprintf(title, sizeof title, "招商地块推介 investor brief · %s", s->company);
    snprintf(heading, sizeof heading, "候选地块 %d/%d candidate %d of %d · 宗地号 parcel %s · %s", no, of, no, of, c->code,
             park);
    p.title = title;
    p.heading = heading;
    p.geom = &g;
    /* the map: the park's box */
    pl_geom_bbox(&g, &p.box[0], &p.box[1], &p.box[2], &p.box[3]);
    if (!(rc = pl_db_prepare(db, park_box_sql, &st, err))) {
        sqlite3_bind_int64(st, 1, park_id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            p.box[0] = fmin(p.box[0], sqlite3_column_double(st, 0));
            p.box[1] = fmin(p.box[1], sqlite3_column_double(st, 1));
            p.box[2] = fmax(p.box[2], sqlite3_column_double(st, 2));
            p.box[3] = fmax(p.box[3], sqlite3_column_double(st, 3));
        }
        sqlite3_finalize(st);
    }
    if (rc) {
        pl_geom_release(&g);
        return rc;
    }
    others_ctx oc = {db, park_id, c->parcel_id};
    p.others = others;
    p.ctx = &oc;

    char area[160], score[160];
    snprintf(area, sizeof area, "%.2f m² = %.2f 亩 mu", c->area_m2, pl_m2_to_mu(c->area_m2));
    const char *zh = pl_parcel_status_zh(c->status);
    char status[160];
    snprintf(status, sizeof status, "%s %s", zh ? zh : "", c->status);
    const char *const rows[][2] = {
        {"宗地号 parcel", c->code},       {"名称 name", c->name},    {"园区 park", park},
        {"面积 area", area},              {"状态 status", status},   {"用途 land use", *use ? use : "—"},
        {"控制指标 indicators", *ind ? ind : "—"},
    };
    p.facts = rows;
    p.nfacts = sizeof rows / sizeof *rows;
    snprintf(score, sizeof score, "匹配度 match score %.1f / 100", c->score);
    p.score = score;
    const char *reasons[PL_MATCH_NCOMPONENTS];
    for (int i = 0; i < PL_MATCH_NCOMPONENTS; i++)
        reasons[i] = c->reason[i];
    p.reasons = reasons;
    p.nreasons = PL_MATCH_NCOMPONENTS;
    char demand[512] = "";
    if (!isnan(s->land_mu))
        snprintf(demand + strlen(demand), sizeof demand - strlen(demand), "用地需求 land demand %.1f 亩 mu; ", s->land_mu);
    if (!isnan(s->investment))
        snprintf(demand + strlen(demand), sizeof demand - strlen(demand), "投资 investment %.0f 万元; ", s->investment);
    char who[sizeof s->lead + sizeof s->company + sizeof s->industry_zh + sizeof demand + 64];
    snprintf(who, sizeof who, "客户 lead %s · %s · 产业 industry %s · %s", s->lead, s->company,
             *s->industry_zh ? s->industry_zh : "—", demand);
    p.who = who;
    char contact[1400], footer[256];
    contact_line(db, c->park, contact, sizeof contact);
    p.contact = contact;
    snprintf(footer, sizeof footer, "出图 generated %s · parkland %s", today, PARKLAND_VERSION);
    p.footer = footer;
    rc = pl_pdf_brief_page(pdf, &p, err);
    pl_geom_release(&g);
    return rc;
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
