/* cmd_parcel.c — parkland parcel list|show */
#include "cli.h"

#include "parkland/parcel.h"
#include "parkland/parcel_edit.h"
#include "parkland/table.h"
#include "parkland/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char parcel_usage[] =
    "parkland parcel list [--park CODE] [--status S] [--format table|csv|json]\n"
    "       parkland parcel show CODE [--park CODE] [--format table|csv|json]\n"
    "       parkland parcel status CODE STATUS [--date D] [--note TEXT] [--force] [--park P] [--lead LEAD] [--expires D]\n"
    "       parkland parcel indicators CODE [--investment-intensity X] [--far-min X] [--far-max X] [--tax-per-mu X] ...\n"
    "       parkland parcel rename OLD NEW [--park P] [--note TEXT]\n"
    "       parkland parcel edit CODE [--name N] [--land-use U] [--land-use-code C] [--attr KEY=VALUE]... [--clear-attr KEY]...";

typedef struct list_ctx {
    pl_table *t;
    int show;
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

/* `parcel show`: one field per line (text) or one record (csv/json). */
static int show_row(const pl_parcel_row *r, void *vctx)
{
    list_ctx *c = vctx;
    char m2[32], mu[32], ha[32], decl[32] = "", batch[32] = "", shape[64];
    snprintf(m2, sizeof m2, "%.2f", r->area_m2);
    snprintf(mu, sizeof mu, "%.2f", pl_m2_to_mu(r->area_m2));
    snprintf(ha, sizeof ha, "%.4f", pl_m2_to_ha(r->area_m2));
    if (!isnan(r->declared_area_m2))
        snprintf(decl, sizeof decl, "%.2f", r->declared_area_m2);
    if (r->batch_id)
        snprintf(batch, sizeof batch, "%ld", r->batch_id);
    snprintf(shape, sizeof shape, "%d part(s), %d hole(s), %d vertices", r->parts, r->holes, r->vertices);
    const char *fields[][3] = {
        {"park", "园区 park", r->park},
        {"code", "宗地号 code", r->code},
        {"name", "名称 name", r->name},
        {"land_use", "用途 land use", r->land_use},
        {"land_use_code", "地类编码 land use code", r->land_use_code},
        {"status", "状态 status", r->status},
        {"status_zh", "状态", pl_parcel_status_zh(r->status)},
        {"status_date", "状态日期 status date", r->status_date},
        {"area_m2", "面积 area (m²)", m2},
        {"area_mu", "面积 area (亩)", mu},
        {"area_ha", "面积 area (ha)", ha},
        {"declared_area_m2", "申报面积 declared (m²)", decl},
        {"shape", "形状 shape", shape},
        {"batch", "导入批次 batch", batch},
        {"attributes", "原始属性 source attributes", r->attrs_json},
        {"wkt", "几何 geometry (WKT)", r->wkt},
    };
    size_t n = sizeof fields / sizeof *fields;
    if (c->show == 1) { /* text: key/value rows */
        for (size_t i = 0; i < n; i++) {
            const char *cells[2] = {fields[i][1], fields[i][2]};
            pl_table_add_row(c->t, cells);
        }
    } else {
        const char *keys[16], *cells[16];
        for (size_t i = 0; i < n; i++) {
            keys[i] = fields[i][0];
            cells[i] = fields[i][2];
        }
        c->t = pl_table_new(n, keys, NULL);
        if (!c->t)
            return PL_ERR_NOMEM;
        pl_table_add_row(c->t, cells);
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

int cmd_parcel(int argc, char **argv, const cli_global *g)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        printf("usage: %s\n\n  list        list parcels / 宗地列表\n  show        one parcel / 宗地详情\n"
               "  status      move a parcel to another status / 宗地状态变更\n"
               "  indicators  standard-land indicators / 标准地控制指标\n"
               "  split       split a parcel by a line / 宗地分割\n"
               "  merge       merge parcels into one / 宗地合并\n"
               "  rename      give a parcel another code / 宗地重新编号\n"
               "  edit        correct name, land use, attributes / 宗地信息更正\n"
               "(parkland parcel SUBCOMMAND --help for the options)\n", parcel_usage);
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    const char *sub = argv[1];
    static const struct {
        const char *name;
        cmd_fn fn;
    } more[] = {{"status", cmd_parcel_status}, {"indicators", cmd_parcel_indicators},
                {"split", cmd_parcel_split}, {"merge", cmd_parcel_merge},
                {"rename", cmd_parcel_rename}, {"edit", cmd_parcel_edit}};
    for (size_t k = 0; k < sizeof more / sizeof *more; k++)
        if (!strcmp(sub, more[k].name))
            return more[k].fn(argc - 1, argv + 1, g);
    int is_list = !strcmp(sub, "list"), is_show = !strcmp(sub, "show");
    if (!is_list && !is_show)
        return cli_usage_error(parcel_usage, "unknown parcel command '%s'", sub);
    pl_parcel_filter f = {0};
    const char *code = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf("usage: %s\n", parcel_usage);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            f.park = v;
        } else if (is_list && (r = cli_opt_value(argc, argv, &i, "--status", &v))) {
            f.status = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(parcel_usage, v, &fmt))
                return EXIT_USAGE;
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
    pl_db *db = cli_open_db_code(g, PL_CODE_PARCEL, f.park, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    list_ctx c = {0};
    int rc;
    if (is_list) {
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
        c.show = 1;
        rc = pl_parcel_get(db, f.park, code, show_row, &c, &err);
    } else {
        c.show = 2;
        rc = pl_parcel_get(db, f.park, code, show_row, &c, &err);
    }
    if (!rc && is_show && fmt == PL_TABLE_TEXT)
        rc = pl_parcel_lineage_each(db, f.park, code, add_lineage_row, &c, &err);
    if (!rc && c.t) {
        if (is_list && fmt == PL_TABLE_TEXT)
            printf("%zu parcels / 宗地\n", pl_table_rows(c.t));
        cli_table_write(c.t, fmt);
    }
    pl_table_free(c.t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
