/* cmd_import.c — parkland import parcels FILE [options] */
#include "cli.h"

#include "parkland/import.h"
#include "parkland/park.h"
#include "parkland/units.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char import_usage[] =
    "parkland import parcels FILE [--park CODE] [--format auto|txt|geojson|kml|shp] [--crs EPSG]\n"
    "               [--encoding auto|utf-8|gbk] [--status reserve|available] [--field KEY=COLUMN]\n"
    "               [--area-unit ha|m2|mu] [--towgs84 DX,DY,DZ,RX,RY,RZ,S] [--on-conflict fail|skip|update]\n"
    "               [--repair] [--allow-overlap] [--dry-run] [--code-prefix P]";

static void help(void)
{
    printf("usage: %s\n\n"
           "Import cadastral parcels (导入宗地): Ministry coordinate TXT (界址点坐标), GeoJSON, KML,\n"
           "ESRI Shapefile. One transaction: a refused import leaves the database as it was.\n\n"
           "  --park CODE          park to import into (default: the only park)\n"
           "  --format F           auto (extension and content), txt, geojson, kml, shp\n"
           "  --crs EPSG           the file's coordinate system when it does not say, or says wrong\n"
           "  --encoding E         auto (UTF-8, else GBK), utf-8, gbk\n"
           "  --status S           new parcels start as reserve (储备, default) or available (可供)\n"
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
           "  --allow-overlap      accept overlaps with parcels of the park (reported)\n"
           "  --dry-run            report what would happen; write nothing\n",
           import_usage);
}

static void progress(long features, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r正在导入 importing… %ld features", features);
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
        fprintf(out, "… and %ld more messages\n", r->messages_dropped);
}

int cmd_import(int argc, char **argv, const cli_global *g)
{
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) {
            help();
            return EXIT_DONE;
        }
    if (argc < 2 || strcmp(argv[1], "parcels"))
        return cli_usage_error(import_usage, "what to import? ('import parcels FILE')");
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
    pl_db *db = cli_open_db(g, &status);
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
        printf("%s %s → park %s%s\n", o.dry_run ? "would import" : "imported", path, r.park,
               o.dry_run ? " (dry run: nothing written / 试运行，未写入)" : "");
        printf("format %s, encoding %s, EPSG:%d → EPSG:%d, sha256 %.16s…\n", r.format,
               r.encoding[0] ? r.encoding : "-", r.source_srid, r.target_srid, r.sha256);
        printf("read %ld: inserted %ld, updated %ld, skipped %ld (%ld not polygons), refused %ld, repaired %ld\n",
               r.read, r.inserted, r.updated, r.skipped, r.skipped_nonpolygon, r.refused, r.repaired);
        printf("area 面积 %.2f m² = %.2f 亩 = %.4f ha\n", r.area_m2, pl_m2_to_mu(r.area_m2), pl_m2_to_ha(r.area_m2));
        if (r.batch_id)
            printf("batch 批次 %ld\n", r.batch_id);
        print_messages(&r, stdout, PL_MSG_NOTE);
    }
    pl_import_result_release(&r);
    pl_db_close(db);
    return status;
}
