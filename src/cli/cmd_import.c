/* cmd_import.c — parkland import parcels FILE [options] | import list | import undo BATCH */
#include "cli.h"

#include "parkland/batch.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "parkland/table.h"
#include "parkland/units.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char import_usage[] =
    "parkland import parcels FILE [--park CODE] [--format auto|txt|geojson|kml|shp] [--crs EPSG]\n"
    "               [--encoding auto|utf-8|gbk] [--status reserve|available] [--date D] [--field KEY=COLUMN]\n"
    "               [--area-unit ha|m2|mu] [--towgs84 DX,DY,DZ,RX,RY,RZ,S] [--on-conflict fail|skip|update]\n"
    "               [--repair] [--allow-overlap] [--dry-run] [--code-prefix P]\n"
    "       parkland import list [--park P] [--format table|csv|json]\n"
    "       parkland import undo BATCH [--note T] [--dry-run]\n"
    "       parkland import annual FILE.csv [--year Y] [--encoding E] [--dry-run]";

static void help(void)
{
    printf(_("usage: %s\n\n"
           "Import cadastral parcels: Ministry coordinate TXT (界址点坐标), GeoJSON, KML,\n"
           "ESRI Shapefile. One transaction: a refused import leaves the database as it was.\n\n"
           "  --park CODE          park to import into (default: the only park)\n"
           "  --format F           auto (extension and content), txt, geojson, kml, shp\n"
           "  --crs EPSG           the file's coordinate system when it does not say, or says wrong\n"
           "  --encoding E         auto (UTF-8, else GBK), utf-8, gbk\n"
           "  --status S           new parcels start as reserve (储备, default) or available (可供)\n"
           "  --date D             the day the parcels entered the land bank (入库日期; default today, not\n"
           "                       after it): reports and maps as of an earlier day count them\n"
           "  --field KEY=COLUMN   source column for code, name, land_use, land_use_code,\n"
           "                       area (m²), area_ha, area_mu\n"
           "  --code-prefix P      a parcel without a code (no code column, no name) gets P-N,\n"
           "                       N its feature number; a file that is one bare geometry gets\n"
           "                       its base name as P by default\n"
           "                       area (m²), area_ha, area_mu (an area column named here wins over\n"
           "                       the TXT's 地块面积)\n"
           "  --area-unit U        unit of the TXT's 地块面积: ha (公顷, as the format says), m2 or mu (亩);\n"
           "                       by default 公顷, or m²/亩 when every parcel matches its polygon in it\n"
           "  --towgs84 P          the 7 parameters from the file's datum (Xian 1980, Beijing 1954) to\n"
           "                       WGS 84/CGCS2000: dX,dY,dZ (m), rX,rY,rZ (arc-seconds), scale (ppm),\n"
           "                       position vector (PROJ's +towgs84); without them PROJ keeps lat/lon\n"
           "  --on-conflict C      a code already in the park: fail (default), skip, update\n"
           "  --repair             make invalid polygons valid (GEOS MakeValid) and report the change\n"
           "  --allow-overlap      accept overlaps with parcels of the park, and parcels that are\n"
           "                       (≥ 99 %%) parcels of another park (reported)\n"
           "  --dry-run            report what would happen; write nothing\n\n"
           "import list: the import batches, newest first: file, sha256, format, encoding,\n"
           "coordinate systems, park, counts, area in 亩, when and by whom, and when undone.\n"
           "  --park P             the batches of park P\n"
           "  --format F           table (default), csv or json\n\n"
           "import undo BATCH: remove the parcels batch BATCH inserted, in one transaction,\n"
           "with a history row 'removed' for each, and mark the batch undone. Refused, changing\n"
           "nothing, when anything touched one of them since (a status change, an edit, indicators,\n"
           "a reservation, a project, a split or merge, a later import: each is listed), when the\n"
           "batch updated existing parcels, or when it was undone already.\n"
           "  --note T             why, kept in the history rows\n"
           "  --dry-run            check and list the parcels; write nothing\n\n"
           "import annual FILE.csv: the firms' annual figures for report muni (亩均效益); see\n"
           "'parkland import annual --help'.\n"),
           import_usage);
}

typedef struct list_ctx {
    pl_table *t;
} list_ctx;

static int add_batch_row(const pl_batch_row *b, void *vctx)
{
    list_ctx *c = vctx;
    char id[24], src[24] = "", dst[24], n[5][24], mu[48];
    snprintf(id, sizeof id, "%ld", b->id);
    if (b->source_srid)
        snprintf(src, sizeof src, "%d", b->source_srid);
    snprintf(dst, sizeof dst, "%d", b->target_srid);
    const long counts[5] = {b->n_read, b->n_inserted, b->n_updated, b->n_skipped, b->n_repaired};
    for (int i = 0; i < 5; i++)
        snprintf(n[i], sizeof n[i], "%ld", counts[i]);
    snprintf(mu, sizeof mu, "%.2f", pl_m2_to_mu(b->area_m2));
    char sha[17];
    snprintf(sha, sizeof sha, "%.16s", b->sha256 ? b->sha256 : "");
    const char *cells[] = {id,   b->file, sha,  b->format, b->encoding, src,  dst,  b->park, n[0],
                           n[1], n[2],    n[3], n[4],      mu,          b->imported_at, b->imported_by,
                           b->undone_at, b->undone_by};
    return pl_table_add_row(c->t, cells) ? 1 : 0;
}

static int import_list(int argc, char **argv, const cli_global *g)
{
    const char *park = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(import_usage, v, &fmt))
                return EXIT_USAGE;
        } else {
            return cli_usage_error(import_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    int status;
    pl_db *db = cli_open_db_park(g, &park, &status);
    if (!db)
        return status;
    static const char *const keys[] = {"batch", "file", "sha256", "format", "encoding", "source_srid",
                                       "target_srid", "park", "read", "inserted", "updated", "skipped",
                                       "repaired", "area_mu", "imported_at", "imported_by", "undone_at",
                                       "undone_by"};
    static const char *const labels[] = {"批次 batch", "文件 file", "sha256", "格式 format", "编码 encoding",
                                         "源坐标 source EPSG", "目标坐标 target EPSG", "园区 park", "读取 read", "新增 inserted",
                                         "更新 updated", "跳过 skipped", "修复 repaired", "面积(亩) area (mu)",
                                         "导入时间 imported at", "操作人 by", "撤销时间 undone at", "撤销人 by"};
    list_ctx c = {pl_table_new(18, keys, labels)};
    static const size_t numeric[] = {0, 5, 6, 8, 9, 10, 11, 12, 13};
    for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++)
        pl_table_set_numeric(c.t, numeric[i]);
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_batch_each(db, park, add_batch_row, &c, &err);
    if (rc == 1 && !err.message[0])
        pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
    if (!rc) {
        if (fmt == PL_TABLE_TEXT)
            printf(_("%zu import batch%s\n"), pl_table_rows(c.t), pl_table_rows(c.t) == 1 ? "" : "es");
        cli_table_write(c.t, fmt);
    }
    pl_table_free(c.t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}

static int import_undo(int argc, char **argv, const cli_global *g)
{
    const char *batch = NULL, *note = NULL;
    int dry_run = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--note", &v))) {
            note = v;
        } else if (!strcmp(argv[i], "--dry-run")) {
            dry_run = 1;
        } else if ((argv[i][0] == '-' && argv[i][1]) || batch) {
            return cli_usage_error(import_usage, "unexpected argument '%s'", argv[i]);
        } else {
            batch = argv[i];
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    int id;
    if (!batch)
        return cli_usage_error(import_usage, "import undo needs a BATCH (see 'parkland import list')");
    if (!cli_parse_int("BATCH", batch, &id) || id <= 0)
        return cli_usage_error(import_usage, "BATCH is a batch number of 'parkland import list', not '%s'", batch);
    int status;
    pl_db *db = cli_open_db(g, &status);
    if (!db)
        return status;
    pl_batch_undo_result r;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_batch_undo(db, id, note, dry_run, &r, &err);
    if (rc) {
        for (size_t i = 0; i < r.nblockers; i++)
            fprintf(stderr, "%s: %s\n", r.blockers[i].code, r.blockers[i].what);
        status = cli_fail(&err);
    } else {
        printf(_("%s import batch %ld ('%s'): %zu parcel%s %s%s\n"), dry_run ? _("would undo") : _("undid"),
               r.batch_id, r.file, r.ncodes, r.ncodes == 1 ? "" : "s", dry_run ? _("would be removed") : _("removed"),
               dry_run ? _(" (dry run: nothing written)") : "");
        for (size_t i = 0; i < r.ncodes; i++)
            printf("  %s\n", r.codes[i]);
    }
    pl_batch_undo_result_release(&r);
    pl_db_close(db);
    return status;
}

static void progress(long features, void *ctx)
{
    (void)ctx;
    fputc('\r', stderr);
    fprintf(stderr, _("importing… %ld features"), features);
    fflush(stderr);
}

static int set_field(pl_import_options *o, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv || !eq[1])
        return 0;
    size_t n = (size_t)(eq - kv);
    const char *col = eq + 1;
    static const char *const keys[] = {"code", "name", "land_use", "land_use_code", "area", "area_ha", "area_mu"};
    const char **slots[] = {&o->field_code, &o->field_name, &o->field_land_use, &o->field_land_use_code,
                            &o->field_area, &o->field_area_ha, &o->field_area_mu};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strlen(keys[i]) == n && !strncmp(kv, keys[i], n)) {
            *slots[i] = col;
            return 1;
        }
    return 0;
}

static void print_messages(const pl_import_result *r, FILE *out, int level_min)
{
    static const char *const tag[] = {"note", "warning", "refused"};
    for (size_t i = 0; i < r->nmessages; i++)
        if ((int)r->messages[i].level >= level_min)
            fprintf(out, "%s: %s\n", tag[r->messages[i].level], r->messages[i].text);
    if (r->messages_dropped)
        fprintf(out, _("… and %ld more messages\n"), r->messages_dropped);
}

int cmd_import(int argc, char **argv, const cli_global *g)
{
    if (argc >= 2 && !strcmp(argv[1], "annual"))
        return cli_import_annual(argc, argv, g);
    int list = argc >= 2 && !strcmp(argv[1], "list"), undo = argc >= 2 && !strcmp(argv[1], "undo");
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) {
            help();
            return EXIT_DONE;
        }
    if (list)
        return import_list(argc, argv, g);
    if (undo)
        return import_undo(argc, argv, g);
    if (argc < 2 || strcmp(argv[1], "parcels"))
        return cli_usage_error(import_usage, "what to import? ('import parcels FILE', 'import annual FILE', 'import list', 'import undo BATCH')");
    pl_import_options o;
    pl_import_options_init(&o);
    const char *path = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            o.park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            int f = r > 0 ? pl_format_parse(v) : 0;
            if (r > 0 && f < 0)
                return cli_usage_error(import_usage, "unknown format '%s'", v);
            o.format = (pl_format)f;
        } else if ((r = cli_opt_value(argc, argv, &i, "--crs", &v))) {
            if (r > 0 && (!strncmp(v, "EPSG:", 5) || !strncmp(v, "epsg:", 5)))
                v += 5;
            if (r > 0 && (!cli_parse_int("--crs", v, &o.srid) || o.srid <= 0))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--encoding", &v))) {
            if (r > 0 && cli_parse_encoding(import_usage, v, &o.encoding))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--status", &v))) {
            if (r > 0 && strcmp(v, "reserve") && strcmp(v, "available"))
                return cli_usage_error(import_usage, "--status is reserve or available, not '%s'", v);
            o.status = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--date", &v))) {
            if (r > 0 && !cli_parse_date("--date", v, &o.date))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--field", &v))) {
            if (r > 0 && !set_field(&o, v))
                return cli_usage_error(import_usage,
                                       "--field expects KEY=COLUMN with KEY one of code, name, land_use, "
                                       "land_use_code, area, area_ha, area_mu; not '%s'", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "--code-prefix", &v))) {
            if (r > 0 && !*v)
                return cli_usage_error(import_usage, "--code-prefix needs a non-empty prefix");
            o.code_prefix = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--area-unit", &v))) {
            int u = r > 0 ? pl_area_unit_parse(v) : 0;
            if (r > 0 && u < 0)
                return cli_usage_error(import_usage, "--area-unit is ha, m2 or mu, not '%s'", v);
            o.area_unit = (pl_area_unit)u;
        } else if ((r = cli_opt_value(argc, argv, &i, "--towgs84", &v))) {
            if (r > 0) {
                if (pl_towgs84_parse(v, o.towgs84))
                    return cli_usage_error(import_usage, "--towgs84 expects 7 numbers DX,DY,DZ,RX,RY,RZ,S, not '%s'",
                                           v);
                o.have_towgs84 = 1;
            }
        } else if ((r = cli_opt_value(argc, argv, &i, "--on-conflict", &v))) {
            if (r > 0) {
                if (!strcmp(v, "fail"))
                    o.on_conflict = PL_CONFLICT_FAIL;
                else if (!strcmp(v, "skip"))
                    o.on_conflict = PL_CONFLICT_SKIP;
                else if (!strcmp(v, "update"))
                    o.on_conflict = PL_CONFLICT_UPDATE;
                else
                    return cli_usage_error(import_usage, "--on-conflict is fail, skip or update, not '%s'", v);
            }
        } else if (!strcmp(argv[i], "--repair")) {
            o.repair = 1;
        } else if (!strcmp(argv[i], "--allow-overlap")) {
            o.allow_overlap = 1;
        } else if (!strcmp(argv[i], "--dry-run")) {
            o.dry_run = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(import_usage, "unknown option '%s'", argv[i]);
        } else if (path) {
            return cli_usage_error(import_usage, "one file at a time ('%s' and '%s')", path, argv[i]);
        } else {
            path = argv[i];
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!path)
        return cli_usage_error(import_usage, "import parcels needs a FILE");

    struct stat sb;
    if (isatty(STDERR_FILENO) && stat(path, &sb) == 0 && sb.st_size > 4 * 1024 * 1024)
        o.progress = progress;

    int status;
    pl_db *db = cli_open_db_park(g, &o.park, &status);
    if (!db)
        return status;
    pl_import_result r;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_import_parcels(db, path, &o, &r, &err);
    if (o.progress)
        fputs("\r\033[K", stderr);
    if (rc) {
        print_messages(&r, stderr, PL_MSG_NOTE); /* notes too: how codes were chosen explains refusals */
        status = cli_fail(&err);
    } else {
        printf(_("%s %s → park %s%s\n"), o.dry_run ? _("would import") : _("imported"), path, r.park,
               o.dry_run ? _(" (dry run: nothing written)") : "");
        printf(_("format %s, encoding %s, EPSG:%d → EPSG:%d, sha256 %.16s…\n"), r.format,
               r.encoding[0] ? r.encoding : "-", r.source_srid, r.target_srid, r.sha256);
        printf(_("read %ld: inserted %ld, updated %ld, skipped %ld (%ld not polygons), refused %ld, repaired %ld\n"),
               r.read, r.inserted, r.updated, r.skipped, r.skipped_nonpolygon, r.refused, r.repaired);
        printf(_("area %.2f m² = %.2f 亩 = %.4f ha\n"), r.area_m2, pl_m2_to_mu(r.area_m2), pl_m2_to_ha(r.area_m2));
        if (r.batch_id)
            printf(_("batch %ld\n"), r.batch_id);
        print_messages(&r, stdout, PL_MSG_NOTE);
    }
    pl_import_result_release(&r);
    pl_db_close(db);
    return status;
}
