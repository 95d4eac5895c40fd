/*
 * pack.c — the meeting pack (parkland/report.h pl_report_pack_file): builds
 * the availability, landing, alerts and kpi reports, turns each report table
 * into a table of the pack (the cells are the report's), adds the
 * definitions of their figures, the kpi figures (考核指标) with theirs, and
 * the idle land: the open idle cases (parkland/idle.h) and the alerts' idle
 * and reclaim rows; and hands them with the two maps to gis/pdf_pack.c. The
 * maps are the map sheet of `export pdf` drawn into the pack's document.
 *
 * A section is a list of tables: another table is one more entry in
 * `sections` below.
 */
#include "parkland/export.h"
#include "parkland/idle.h"
#include "parkland/kpi.h"
#include "parkland/report.h"

#include "db_internal.h" /* pl_today */
#include "export_internal.h"
#include "output_file.h"
#include "pdf_pack.h"
#include "report_internal.h" /* rp_definition_at: the kpi figures' definitions, by key */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Strings and arrays made for the pack, freed together. */
typedef struct arena {
    void **p;
    size_t n, cap;
} arena;

static void *keep(arena *a, void *p)
{
    if (!p)
        return NULL;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        void **q = realloc(a->p, cap * sizeof *q);
        if (!q) {
            free(p);
            return NULL;
        }
        a->p = q;
        a->cap = cap;
    }
    a->p[a->n++] = p;
    return p;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->p[i]);
    free(a->p);
}

static char *keep_str(arena *a, const char *fmt, const char *x, const char *y)
{
    size_t len = strlen(fmt) + strlen(x) + strlen(y) + 1;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, fmt, x, y);
    return keep(a, s);
}

/* Table t of report r as a table of the pack; rows only those whose column
 * `col` is one of `only` (NULL: every row). -1 on ENOMEM. */
static int from_report(arena *a, const pl_report *r, size_t t, const char *title, size_t col,
                       const char *const *only, pl_pack_table *out)
{
    size_t nc = pl_report_table_cols(r, t), nr = pl_report_table_rows(r, t);
    const char **labels = keep(a, calloc(nc ? nc : 1, sizeof *labels));
    unsigned char *numeric = keep(a, calloc(nc ? nc : 1, 1));
    const char **cells = keep(a, calloc(nc * nr + 1, sizeof *cells));
    if (!labels || !numeric || !cells)
        return -1;
    for (size_t c = 0; c < nc; c++) {
        labels[c] = pl_report_col_label(r, t, c);
        numeric[c] = (unsigned char)pl_report_col_numeric(r, t, c);
    }
    size_t rows = 0;
    for (size_t i = 0; i < nr; i++) {
        int take = !only;
        for (size_t k = 0; only && only[k] && !take; k++)
            take = !strcmp(pl_report_cell(r, t, i, col), only[k]);
        if (!take)
            continue;
        for (size_t c = 0; c < nc; c++)
            cells[rows * nc + c] = pl_report_cell(r, t, i, c);
        rows++;
    }
    *out = (pl_pack_table){title ? title : pl_report_table_title(r, t), nc, rows, labels, cells, numeric,
                           pl_report_table_note(r, t)};
    return 0;
}

/* The definitions of the figures of report r: table, column, numerator, denominator. */
static int definitions(arena *a, const pl_report *r, pl_pack_table *out)
{
    static const char *const labels[] = {"表 table", "列 column", "分子 numerator", "分母 denominator"};
    size_t n = 0, cap = 0;
    const char **cells = NULL;
    for (size_t t = 0; t < pl_report_table_count(r); t++)
        for (size_t c = 0; c < pl_report_table_cols(r, t); c++) {
            const char *den_zh, *den_en;
            const char *num_zh = pl_report_definition(r, t, c, PL_REPORT_LANG_ZH, &den_zh);
            const char *num_en = pl_report_definition(r, t, c, PL_REPORT_LANG_EN, &den_en);
            if (!num_zh)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                const char **q = realloc(cells, 4 * cap * sizeof *q);
                if (!q) {
                    free(cells);
                    return -1;
                }
                cells = q;
            }
            const char **row = cells + 4 * n++;
            row[0] = pl_report_table_title(r, t);
            row[1] = pl_report_col_label(r, t, c);
            row[2] = keep_str(a, "%s\n%s", num_zh, num_en);
            row[3] = den_zh ? keep_str(a, "%s\n%s", den_zh, den_en) : "— (计数或合计 a count or a sum)";
            if (!row[2] || !row[3]) {
                free(cells);
                return -1;
            }
        }
    if (!keep(a, cells) && cells)
        return -1;
    *out = (pl_pack_table){"指标定义 definitions", 4, n, labels, cells ? cells : labels, NULL, NULL};
    return 0;
}

/* The definitions of the figures of the kpi table (one row per figure, named by
 * its key in the kpi column): figure, numerator, denominator. */
static int kpi_definitions(arena *a, pl_pack_table *out)
{
    static const char *const labels[] = {"指标 figure", "分子 numerator", "分母 denominator"};
    size_t n = 0;
    const char **cells = keep(a, calloc(3 * rp_definition_count() + 1, sizeof *cells));
    if (!cells)
        return -1;
    for (size_t d = 0; d < rp_definition_count(); d++) {
        const rp_definition *def = rp_definition_at(d);
        if (!def->table || strcmp(def->table, "kpi"))
            continue;
        const char *zh = "";
        for (int k = 0; k < PL_KPIS; k++)
            if (!strcmp(pl_kpi_key((pl_kpi_id)k), def->col))
                zh = pl_kpi_zh((pl_kpi_id)k);
        if (!strcmp(def->col, "target_pct"))
            zh = "目标 target";
        const char **row = cells + 3 * n++;
        row[0] = keep_str(a, "%s\n%s", zh, def->col);
        row[1] = keep_str(a, "%s\n%s", def->num_zh, def->num_en);
        row[2] = def->den_zh ? keep_str(a, "%s\n%s", def->den_zh, def->den_en) : "— (目标 a target)";
        if (!row[0] || !row[1] || !row[2])
            return -1;
    }
    *out = (pl_pack_table){"考核指标定义 definitions of the scored figures", 3, n, labels, cells, NULL, NULL};
    return 0;
}

static char *keep_printf(arena *a, const char *fmt, long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, fmt, v);
    return keep(a, strdup(buf));
}

/* The open idle cases as of the pack's date (疑似, 认定, 处置; parkland/idle.h). */
static int idle_cases(arena *a, pl_db *db, const char *as_of, const char *park, size_t *ncases, pl_pack_table *out,
                      pl_error *err)
{
    static const char *const labels[] = {"园区 park", "宗地 parcel", "项目 project", "阶段 stage", "天数 days",
                                         "依据 evidence"};
    static const unsigned char numeric[] = {0, 0, 0, 0, 1, 0};
    static const char *const stages[PL_IDLE_STAGES] = {"疑似闲置 suspected", "认定闲置 confirmed", "处置 disposed",
                                                       "已结案 closed"};
    pl_idle_case *cs = NULL;
    size_t n = 0;
    int rc = pl_idle_cases(db, as_of, park, 0, &cs, &n, err);
    if (rc)
        return rc;
    const char **cells = keep(a, calloc(6 * n + 1, sizeof *cells));
    for (size_t i = 0; i < n && cells; i++) {
        const pl_idle_case *c = &cs[i];
        char ev[1024];
        pl_idle_evidence_text(&c->ev, ev, sizeof ev);
        const char **row = cells + 6 * i;
        row[0] = keep_str(a, "%s%s", c->park, "");
        row[1] = keep_str(a, "%s%s", c->parcel, "");
        row[2] = keep_str(a, "%s%s", c->ev.project, "");
        row[3] = stages[c->stage];
        row[4] = keep_printf(a, "%ld", c->days);
        row[5] = keep_str(a, "%s%s", ev, "");
        if (!row[0] || !row[1] || !row[2] || !row[4] || !row[5])
            cells = NULL;
    }
    free(cs);
    if (!cells)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    *ncases = n;
    *out = (pl_pack_table){"闲置土地案件 open idle-land cases (疑似, 认定, 处置)", 6, n, labels, cells, numeric, NULL};
    return PL_OK;
}

typedef struct map_ctx {
    pl_db *db;
    const pl_report_options *opt;
    const char *as_of;
    FILE *out;
    const pl_export_theme *themes; /* per section; only map sections read */
} map_ctx;

static int draw_map(void *ctx, size_t s, pl_pdf *pdf, pl_error *err)
{
    const map_ctx *m = ctx;
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_PDF;
    o.theme = m->themes[s];
    o.park = m->opt->park;
    o.as_of = m->as_of;
    o.scale = 0; /* fitted: one page */
    return pl_export_into_pdf(m->db, &o, m->out, pdf, NULL, err);
}

int pl_report_pack_file(pl_db *db, const pl_report_options *opt, const char *path, int force,
                        pl_report_pack_result *res, pl_error *err)
{
    pl_report_pack_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    pl_report_options defaults = {0};
    if (!opt)
        opt = &defaults;
    int rc = pl_output_file_check(path, force, err);
    if (rc)
        return rc;
    pl_report *rep[4] = {NULL, NULL, NULL, NULL}; /* availability, landing, alerts, kpi */
    for (int k = 0; k < 4 && !rc; k++)
        rc = pl_report_build(db, (pl_report_kind)k, opt, &rep[k], err);
    if (rc) {
        for (int k = 0; k < 4; k++)
            pl_report_free(rep[k]);
        return rc;
    }
    const char *as_of = pl_report_as_of(rep[0]);
    arena a = {0};
    /* the sections: two maps, each report's tables and definitions, the kpi figures, the idle land */
    pl_pack_section sec[8];
    pl_export_theme themes[8] = {0};
    size_t ns = 0, ncases = 0;
    pl_pack_table *tabs[3] = {NULL, NULL, NULL}, kpi_tab[2], idle_tab[2];
    sec[ns] = (pl_pack_section){"可供土地图 availability map", 1, NULL, 0};
    themes[ns++] = PL_THEME_AVAILABILITY;
    sec[ns] = (pl_pack_section){"项目落地图 landing map", 1, NULL, 0};
    themes[ns++] = PL_THEME_LANDING;
    for (int k = 0; k < 3 && !rc; k++) {
        size_t nt = pl_report_table_count(rep[k]);
        tabs[k] = keep(&a, calloc(nt + 1, sizeof *tabs[k]));
        if (!tabs[k]) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
            break;
        }
        for (size_t t = 0; t < nt && !rc; t++)
            if (from_report(&a, rep[k], t, NULL, 0, NULL, &tabs[k][t]))
                rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        size_t n = nt;
        if (!rc && k != PL_REPORT_ALERTS) {
            if (definitions(&a, rep[k], &tabs[k][n++]))
                rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        }
        sec[ns++] = (pl_pack_section){pl_report_kind_title((pl_report_kind)k), 0, tabs[k], n};
    }
    /* the scored figures (report kpi's figures table) with their definitions */
    for (size_t t = 0; t < pl_report_table_count(rep[3]) && !rc; t++) {
        if (strcmp(pl_report_table_key(rep[3], t), "kpi"))
            continue;
        if (from_report(&a, rep[3], t, NULL, 0, NULL, &kpi_tab[0]) || kpi_definitions(&a, &kpi_tab[1]))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        else
            sec[ns++] = (pl_pack_section){"考核指标 scored figures", 0, kpi_tab, 2};
    }
    /* the idle land: the open cases, then the idle-land warnings and reclaim candidates of the alerts */
    if (!rc)
        rc = idle_cases(&a, db, as_of, opt->park, &ncases, &idle_tab[0], err);
    static const char *const idle_kinds[] = {"idle", "reclaim", NULL};
    size_t at = pl_report_table_count(rep[2]);
    for (size_t t = 0; t < pl_report_table_count(rep[2]); t++)
        if (!strcmp(pl_report_table_key(rep[2], t), "alerts"))
            at = t;
    if (!rc) {
        size_t nt = 1;
        if (at < pl_report_table_count(rep[2]) &&
            from_report(&a, rep[2], at, "闲置与收回预警 idle-land and reclaim alerts", 0, idle_kinds, &idle_tab[nt++]))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        else
            sec[ns++] = (pl_pack_section){"闲置土地 idle land", 0, idle_tab, nt};
    }
    char title[512], sub[512], today[16];
    pl_today(today, sizeof today);
    snprintf(title, sizeof title, "会议材料 meeting pack · %s", opt->park ? opt->park : "全部园区 all parks");
    snprintf(sub, sizeof sub, "数据截至 as of %s · 出图 generated %s · parkland", as_of, today);
    pl_output_file out;
    if (!rc && !(rc = pl_output_file_open(&out, path, force, err))) {
        map_ctx m = {db, opt, as_of, out.f, themes};
        pl_pack_doc d = {title, sub, sec, ns, draw_map, &m};
        pl_pack_out po;
        rc = pl_pdf_pack_write(out.f, &d, &po, err);
        if (rc)
            pl_output_file_abort(&out);
        else if (!(rc = pl_output_file_commit(&out, err))) {
            snprintf(res->as_of, sizeof res->as_of, "%s", as_of);
            res->pages = po.pages;
            res->sections = (int)ns;
            res->alerts = pl_report_alerts(rep[2]);
            res->idle = ncases;
        }
    }
    arena_free(&a);
    for (int k = 0; k < 4; k++)
        pl_report_free(rep[k]);
    return rc;
}
