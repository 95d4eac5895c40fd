/*
 * pack.c — the meeting pack (parkland/report.h pl_report_pack_file): builds
 * the three reports, turns each report table into a table of the pack (the
 * cells are the report's), adds the definitions of their figures and the
 * idle-land cases, and hands them with the two maps to gis/pdf_pack.c. The
 * maps are the map sheet of `export pdf` drawn into the pack's document.
 *
 * A section is a list of tables: another table (e.g. the idle cases' own
 * list) is one more entry in `sections` below.
 */
#include "parkland/export.h"
#include "parkland/report.h"

#include "db_internal.h" /* pl_today */
#include "export_internal.h"
#include "output_file.h"
#include "pdf_pack.h"

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
    pl_report *rep[3] = {NULL, NULL, NULL};
    for (int k = 0; k < 3 && !rc; k++)
        rc = pl_report_build(db, (pl_report_kind)k, opt, &rep[k], err);
    if (rc) {
        for (int k = 0; k < 3; k++)
            pl_report_free(rep[k]);
        return rc;
    }
    const char *as_of = pl_report_as_of(rep[0]);
    arena a = {0};
    /* the sections: two maps, each report's tables and definitions, the idle cases */
    pl_pack_section sec[8];
    pl_export_theme themes[8] = {0};
    size_t ns = 0;
    pl_pack_table *tabs[3] = {NULL, NULL, NULL}, idle_tab;
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
    /* the idle land: for now the idle-land warnings and reclaim candidates of the alerts */
    static const char *const idle_kinds[] = {"idle", "reclaim", NULL};
    size_t at = pl_report_table_count(rep[2]);
    for (size_t t = 0; t < pl_report_table_count(rep[2]); t++)
        if (!strcmp(pl_report_table_key(rep[2], t), "alerts"))
            at = t;
    if (!rc && at < pl_report_table_count(rep[2])) {
        if (from_report(&a, rep[2], at, "闲置土地 idle land (预警: 闲置, 收回 from the alerts: idle, reclaim)", 0,
                        idle_kinds, &idle_tab))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        else
            sec[ns++] = (pl_pack_section){"闲置土地 idle land", 0, &idle_tab, 1};
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
            res->idle = ns > 5 ? idle_tab.nrows : 0;
        }
    }
    arena_free(&a);
    for (int k = 0; k < 3; k++)
        pl_report_free(rep[k]);
    return rc;
}
