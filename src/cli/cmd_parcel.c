/* cmd_parcel.c — parkland parcel list|show */
#include "cli.h"

#include "parkland/parcel.h"
#include "parkland/indicators.h"
#include "parkland/parcel_edit.h"
#include "parkland/parcel_show.h"
#include "parkland/inspect.h"
#include "parkland/project.h"
#include "parkland/table.h"
#include "parkland/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char parcel_usage[] =
    "parkland parcel list [--park CODE] [--status S] [--format table|csv|json]\n"
    "       parkland parcel show CODE [--park CODE] [--geometry] [--source] [--format table|csv|json]\n"
    "       parkland parcel status CODE STATUS [--date D] [--note TEXT] [--force] [--park P] [--lead LEAD] [--expires D]\n"
    "       parkland parcel indicators CODE [--investment-intensity X] [--far-min X] [--far-max X] [--tax-per-mu X] ...\n"
    "       parkland parcel rename OLD NEW [--park P] [--note TEXT]\n"
    "       parkland parcel edit CODE [--name N] [--land-use U] [--land-use-code C] [--attr KEY=VALUE]... [--clear-attr KEY]...\n"
    "       parkland parcel sheet CODE [--park P] [--format pdf|xlsx] [--as-of D] -o FILE [--force]";

typedef struct list_ctx {
    pl_table *t;
    int show;          /* 1: parcel show as text, 2: as csv/json */
    const void *extra; /* parcel show: a show_extra */
} list_ctx;

static const char *const list_keys[] = {"park", "code", "name", "land_use", "status", "status_zh", "area_m2",
                                        "area_mu", "area_ha", "declared_area_m2", "parts", "holes"};
static const char *const list_labels[] = {"园区 park", "宗地号 code", "名称 name", "用途 land use", "状态 status",
                                          "状态", "面积 m²", "面积 亩", "面积 ha", "申报面积 m² declared",
                                          "部分 parts", "洞 holes"};
#define LIST_COLS (sizeof list_keys / sizeof *list_keys)
/* which columns stay when the table must fit the terminal (pl_table_set_priority) */
static const int list_priority[LIST_COLS] = {3, 0, 1, 3, 0, 2, 4, 0, 5, 6, 7, 7};

static int add_row(const pl_parcel_row *r, void *vctx)
{
    list_ctx *c = vctx;
    char m2[32], mu[32], ha[32], decl[32] = "", parts[16], holes[16];
    snprintf(m2, sizeof m2, "%.2f", r->area_m2);
    snprintf(mu, sizeof mu, "%.2f", pl_m2_to_mu(r->area_m2));
    snprintf(ha, sizeof ha, "%.4f", pl_m2_to_ha(r->area_m2));
    if (!isnan(r->declared_area_m2))
        snprintf(decl, sizeof decl, "%.2f", r->declared_area_m2);
    snprintf(parts, sizeof parts, "%d", r->parts);
    snprintf(holes, sizeof holes, "%d", r->holes);
    const char *cells[LIST_COLS] = {r->park, r->code, r->name, r->land_use, r->status,
                                    pl_parcel_status_zh(r->status), m2, mu, ha, decl, parts, holes};
    return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
}

/* What `parcel show` prints beyond the parcel's row. */
typedef struct show_extra {
    const pl_indicators *ind;
    const pl_parcel_detail *d;
    int geometry, source; /* --geometry, --source */
    char *inspections;    /* csv/json: every inspection, " | " between them (malloc'd) */
} show_extra;

/* `parcel show`: one field per line (text) or one record (csv/json). */
static int show_row(const pl_parcel_row *r, void *vctx)
{
    list_ctx *c = vctx;
    const show_extra *x = c->extra;
    const pl_parcel_detail *d = x->d;
    char m2[32], mu[32], ha[32], area[128], decl[32] = "", batch[32] = "", shape[64], lon[32] = "", lat[32] = "",
        label[128] = "", resv[512] = "", proj[512] = "", ind_text[PL_IND_PARCEL_FIELDS][96],
        ms_text[5][64];
    snprintf(m2, sizeof m2, "%.2f", r->area_m2);
    snprintf(mu, sizeof mu, "%.2f", pl_m2_to_mu(r->area_m2));
    snprintf(ha, sizeof ha, "%.4f", pl_m2_to_ha(r->area_m2));
    snprintf(area, sizeof area, _("%s m² = %s 亩 = %s ha"), m2, mu, ha);
    if (!isnan(r->declared_area_m2))
        snprintf(decl, sizeof decl, "%.2f", r->declared_area_m2);
    if (r->batch_id)
        snprintf(batch, sizeof batch, "%ld", r->batch_id);
    snprintf(shape, sizeof shape, _("%d part(s), %d hole(s), %d vertices"), r->parts, r->holes, r->vertices);
    if (!isnan(d->label_lon)) {
        snprintf(lon, sizeof lon, "%.6f", d->label_lon);
        snprintf(lat, sizeof lat, "%.6f", d->label_lat);
        snprintf(label, sizeof label, _("%s, %s (WGS 84 lon, lat)"), lon, lat);
    }
    if (d->reserved)
        snprintf(resv, sizeof resv, "%s%s%s%s%s → %s%s", d->reserved_lead[0] ? d->reserved_lead : _("(no lead)"),
                 d->reserved_company[0] ? " " : "", d->reserved_company, d->reserved_on[0] ? ", " : "",
                 d->reserved_on, d->reserved_expires, d->reservation_expired ? _(" (expired)") : "");
    if (d->has_project)
        snprintf(proj, sizeof proj, _("%s %s · %s %s · signed %s"), d->project, d->project_company,
                 d->project_stage, pl_project_stage_zh(d->project_stage) ? pl_project_stage_zh(d->project_stage) : "",
                 d->project_signed_on);
    const char *fields[64][3];
    size_t n = 0;
#define F(key, label, value) (fields[n][0] = (key), fields[n][1] = (label), fields[n][2] = (value), n++)
    F("park", "园区 park", r->park);
    F("code", "宗地号 code", r->code);
    F("name", "名称 name", r->name);
    F("land_use", "用途 land use", r->land_use);
    F("land_use_code", "地类编码 land use code", r->land_use_code);
    char status[64];
    snprintf(status, sizeof status, "%s %s", r->status, pl_parcel_status_zh(r->status) ? pl_parcel_status_zh(r->status) : "");
    if (c->show == 1) { /* text: one row (two rows both labelled 状态 in Chinese) */
        F("status", "状态 status", status);
    } else {
        F("status", "状态 status", r->status);
        F("status_zh", "状态", pl_parcel_status_zh(r->status));
    }
    F("status_date", "状态日期 status date", r->status_date);
    if (c->show == 1) {
        F("area", "面积 area", area);
    } else {
        F("area_m2", "面积 area (m²)", m2);
        F("area_mu", "面积 area (亩)", mu);
        F("area_ha", "面积 area (ha)", ha);
    }
    F("declared_area_m2", "申报面积 declared (m²)", decl);
    if (c->show == 1) {
        F("label_point", "标注点 label point", label);
    } else {
        F("label_lon", "标注点经度 label lon", lon);
        F("label_lat", "标注点纬度 label lat", lat);
    }
    F("shape", "形状 shape", shape);
    F("batch", "导入批次 batch", batch);
    /* indicators: in text only those set; in csv/json every parcel field */
    for (int f = 0; f < PL_IND_PARCEL_FIELDS; f++) {
        const pl_indicator_info *info = pl_indicator_field_info((pl_ind_field)f);
        char v[64];
        pl_indicators_format(x->ind, (pl_ind_field)f, v, sizeof v);
        if (c->show == 1 && !v[0])
            continue;
        if (c->show == 1)
            snprintf(ind_text[f], sizeof ind_text[f], "%s%s%s", v, info->unit[0] ? " " : "", info->unit);
        else
            snprintf(ind_text[f], sizeof ind_text[f], "%s", v);
        char lbl[96];
        snprintf(lbl, sizeof lbl, "%s %s", info->zh, info->en);
        /* labels live in static storage only for the keys; keep a copy per field */
        static char labels[PL_IND_PARCEL_FIELDS][96];
        snprintf(labels[f], sizeof labels[f], "%s", lbl);
        F(info->key, labels[f], ind_text[f]);
    }
    if (c->show == 1 && !x->ind->present)
        F("indicators", "指标 indicators", _("(none)"));
    if (c->show == 1) {
        F("reservation", "预留 reservation", d->reserved ? resv : _("(none)"));
    } else {
        F("reserved_lead", "预留线索 reserved for", d->reserved ? d->reserved_lead : "");
        F("reserved_on", "预留日 reserved on", d->reserved_on);
        F("reserved_expires", "预留到期 expires", d->reserved_expires);
    }
    if (c->show == 1) {
        F("project", "项目 project", d->has_project ? proj : _("(none)"));
    } else {
        F("project", "项目 project", d->project);
        F("project_stage", "项目阶段 stage", d->project_stage);
    }
    static const char *const ms_keys[4][2] = {{"land_planned", "land_actual"},
                                              {"construction_planned", "construction_actual"},
                                              {"production_planned", "production_actual"},
                                              {"verification_planned", "verification_actual"}};
    static const char *const ms_kinds[4] = {"land", "construction", "production", "verification"};
    static char ms_labels[4][64];
    for (int k = 0; k < 4 && (d->has_project || c->show != 1); k++) { /* csv/json: every key, always */
        snprintf(ms_labels[k], sizeof ms_labels[k], "  %s %s", pl_milestone_zh(ms_kinds[k]), ms_kinds[k]);
        if (c->show == 1) {
            if (!d->milestone_planned[k][0] && !d->milestone_actual[k][0])
                continue;
            snprintf(ms_text[k], sizeof ms_text[k], _("planned %s · actual %s"),
                     d->milestone_planned[k][0] ? d->milestone_planned[k] : "—",
                     d->milestone_actual[k][0] ? d->milestone_actual[k] : "—");
            F(ms_keys[k][0], ms_labels[k], ms_text[k]);
        } else {
            F(ms_keys[k][0], ms_labels[k], d->milestone_planned[k]);
            F(ms_keys[k][1], ms_labels[k], d->milestone_actual[k]);
        }
    }
    if (c->show == 1) {
        if (d->completion_planned[0] || d->completion_actual[0]) {
            snprintf(ms_text[4], sizeof ms_text[4], _("planned %s · actual %s"),
                     d->completion_planned[0] ? d->completion_planned : "—",
                     d->completion_actual[0] ? d->completion_actual : "—");
            F("completion_planned", "  竣工 completion", ms_text[4]);
        }
        if (d->start_deadline[0])
            F("start_deadline", "  有效开工期限 start deadline", d->start_deadline);
        if (d->completion_deadline[0])
            F("completion_deadline", "  有效竣工期限 completion deadline", d->completion_deadline);
    } else {
        F("completion_planned", "  竣工 completion", d->completion_planned);
        F("completion_actual", "  竣工 completion", d->completion_actual);
        F("start_deadline", "  有效开工期限 start deadline", d->start_deadline);
        F("completion_deadline", "  有效竣工期限 completion deadline", d->completion_deadline);
    }
    if (c->show != 1)
        F("inspections", "巡查 inspections", x->inspections ? x->inspections : "");
    if (x->source)
        F("attributes", "原始属性 source attributes", r->attrs_json);
    if (x->geometry)
        F("wkt", "几何 geometry (WKT)", r->wkt);
#undef F
    if (c->show == 1) { /* text: key/value rows */
        for (size_t i = 0; i < n; i++) {
            const char *cells[2] = {fields[i][1], fields[i][2]};
            if (pl_table_add_row(c->t, cells))
                return PL_ERR_NOMEM;
        }
    } else {
        const char *keys[64], *cells[64];
        for (size_t i = 0; i < n; i++) {
            keys[i] = fields[i][0];
            cells[i] = fields[i][2];
        }
        c->t = pl_table_new(n, keys, NULL);
        if (!c->t || pl_table_add_row(c->t, cells))
            return PL_ERR_NOMEM;
    }
    return 0;
}

/* `parcel show` text: where the parcel came from or went (split and merge). */
static int add_lineage_row(const pl_lineage_row *r, void *vctx)
{
    list_ctx *c = vctx;
    int split = !strcmp(r->operation, "split"), parent = !strcmp(r->role, "parent");
    const char *label = parent ? (split ? "分割自 split from" : "合并自 merged from")
                               : (split ? "分割为 split into" : "并入 merged into");
    char value[512];
    snprintf(value, sizeof value, "%s (%s, %.2f m², %.10s)", r->code, r->status, r->area_m2, r->at);
    const char *cells[2] = {label, value};
    return pl_table_add_row(c->t, cells) ? PL_ERR_NOMEM : 0;
}

/* `parcel show`: one row per inspection (text), or all of them joined into x->inspections. */
typedef struct inspection_ctx {
    list_ctx *c;
    show_extra *x;
} inspection_ctx;

static int add_inspection(const pl_inspection *in, void *vctx)
{
    inspection_ctx *ic = vctx;
    char text[4096];
    pl_inspection_text(in, text, sizeof text);
    if (ic->c->show == 1) {
        const char *cells[2] = {"巡查 inspection", text};
        return pl_table_add_row(ic->c->t, cells) ? PL_ERR_NOMEM : 0;
    }
    size_t old = ic->x->inspections ? strlen(ic->x->inspections) : 0;
    char *p = realloc(ic->x->inspections, old + strlen(text) + 4);
    if (!p)
        return PL_ERR_NOMEM;
    snprintf(p + old, strlen(text) + 4, "%s%s", old ? " | " : "", text);
    ic->x->inspections = p;
    return 0;
}

int cmd_parcel(int argc, char **argv, const cli_global *g)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        printf(_("usage: %s\n\n  list        list parcels\n  show        one parcel\n"
               "  status      move a parcel to another status\n"
               "  indicators  standard-land indicators\n"
               "  split       split a parcel by a line\n"
               "  merge       merge parcels into one\n"
               "  rename      give a parcel another code\n"
               "  edit        correct name, land use, attributes\n"
               "  sheet       parcel sheet and boundary-point table, PDF or XLSX\n"
               "(parkland parcel SUBCOMMAND --help for the options)\n"), parcel_usage);
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    const char *sub = argv[1];
    static const struct {
        const char *name;
        cmd_fn fn;
    } more[] = {{"status", cmd_parcel_status}, {"indicators", cmd_parcel_indicators},
                {"split", cmd_parcel_split}, {"merge", cmd_parcel_merge},
                {"rename", cmd_parcel_rename}, {"edit", cmd_parcel_edit},
                {"sheet", cmd_parcel_sheet}};
    for (size_t k = 0; k < sizeof more / sizeof *more; k++)
        if (!strcmp(sub, more[k].name))
            return more[k].fn(argc - 1, argv + 1, g);
    int is_list = !strcmp(sub, "list"), is_show = !strcmp(sub, "show");
    if (!is_list && !is_show)
        return cli_usage_error(parcel_usage, "unknown parcel command '%s'", sub);
    pl_parcel_filter f = {0};
    const char *code = NULL;
    int fmt = PL_TABLE_TEXT;
    show_extra x = {0};
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n"), parcel_usage);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            f.park = v;
        } else if (is_list && (r = cli_opt_value(argc, argv, &i, "--status", &v))) {
            f.status = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(parcel_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (is_show && !strcmp(argv[i], "--geometry")) {
            x.geometry = 1;
        } else if (is_show && !strcmp(argv[i], "--source")) {
            x.source = 1;
        } else if (is_show && !code && argv[i][0] != '-') {
            code = argv[i];
        } else {
            return cli_usage_error(parcel_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (is_show && !code)
        return cli_usage_error(parcel_usage, "parcel show needs a CODE");
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_PARCEL, &f.park, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    list_ctx c = {0};
    pl_indicators ind;
    pl_parcel_detail detail;
    int rc = 0;
    if (is_show) {
        rc = pl_parcel_indicators_get(db, f.park, code, &ind, &err);
        if (!rc)
            rc = pl_parcel_detail_get(db, f.park, code, &detail, &err);
        x.ind = &ind;
        x.d = &detail;
        c.extra = &x;
    }
    if (rc) {
        /* the parcel could not be read: reported below */
    } else if (is_list) {
        c.t = pl_table_new(LIST_COLS, list_keys, list_labels);
        for (size_t k = 6; k <= 11; k++)
            pl_table_set_numeric(c.t, k);
        for (size_t k = 0; k < LIST_COLS; k++)
            pl_table_set_priority(c.t, k, list_priority[k]);
        rc = pl_parcel_each(db, &f, add_row, &c, &err);
    } else if (fmt == PL_TABLE_TEXT) {
        static const char *const k2[] = {"field", "value"};
        static const char *const l2[] = {"字段 field", "值 value"};
        c.t = pl_table_new(2, k2, l2);
        if (c.t) { /* field names in the chosen language; to fit the terminal, long values wrap */
            pl_table_set_label_column(c.t, 0);
            pl_table_set_priority(c.t, 0, 1);
            pl_table_set_wrap(c.t, 1);
        }
        c.show = 1;
        rc = pl_parcel_get(db, f.park, code, show_row, &c, &err);
    } else {
        c.show = 2;
        inspection_ctx ic = {&c, &x};
        rc = pl_inspection_each(db, f.park, code, add_inspection, &ic, &err);
        if (!rc)
            rc = pl_parcel_get(db, f.park, code, show_row, &c, &err);
    }
    if (!rc && is_show && fmt == PL_TABLE_TEXT)
        rc = pl_parcel_lineage_each(db, f.park, code, add_lineage_row, &c, &err);
    if (!rc && is_show && fmt == PL_TABLE_TEXT) {
        inspection_ctx ic = {&c, &x};
        rc = pl_inspection_each(db, f.park, code, add_inspection, &ic, &err);
    }
    free(x.inspections);
    if (!rc && c.t) {
        if (is_list && fmt == PL_TABLE_TEXT)
            printf(_("%zu parcels\n"), pl_table_rows(c.t));
        cli_table_write(c.t, fmt);
    }
    pl_table_free(c.t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
