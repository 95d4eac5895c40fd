/* cmd_export.c — parkland export geojson|kml|html|txt|pdf [options] -o FILE */
#include "cli.h"

#include "parkland/export.h"
#include "parkland/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char export_usage[] =
    "parkland export geojson|kml|kmz|html|txt|pdf [--theme availability|landing|muni|ledger] [--park CODE] [--status S]\n"
    "               [--industry I] [--gcj02|--bd09] [--precision N] [--bbox] [--timeline] [--as-of D]\n"
    "               [--encoding gbk|utf-8] [--format kml|kmz] [--legend present|all] [--page A4|A3] [--landscape]\n"
    "               [--scale 1:N|fit] [--force] -o FILE";

static void help(void)
{
    printf(_("usage: %s\n\n"
           "Export maps and coordinate files:\n"
           "  geojson   RFC 7946, WGS 84 lon/lat, simplestyle colours; for QGIS and web maps\n"
           "  kml       KML 2.2 for Google Earth: styles, legend, folders by park and class, balloons\n"
           "  kmz       the same KML zipped (doc.kml in a zip archive); also kml with -o FILE.kmz\n"
           "  html      one offline HTML map (no network): SVG parcels, legend, details, filterable table\n"
           "  txt       Ministry coordinate TXT (界址点坐标交换格式) for approval, zone-prefixed CGCS2000\n"
           "  pdf       a printed map sheet (专题图): one page at 1:N, legend with counts and 亩, north arrow,\n"
           "            scale bar, CGCS2000 grid ticks, dates and coordinate system\n\n"
           "  --theme T          availability (by parcel status 土地供应, default) or landing (by project\n"
           "                     stage 项目落地, with start overdue, idle and reclaim candidates flagged)\n"
           "                     or muni (by the 亩均效益 grade A/B/C/D of the project holding the parcel;\n"
           "                     'parkland report muni'), or ledger (by the stock ledger's category as of\n"
           "                     --as-of: 批而未供, 供而未用, 用而未尽, 闲置, 低效, 储备, other; 'parkland report ledger')\n"
           "  --year Y           muni: the year of the grades (default: the latest with annual figures)\n"
           "  --park CODE        one park only\n"
           "  --status S         one parcel status only (retired parcels only when asked for)\n"
           "  --industry I       parcels linked to a lead of industry I or whose indicators allow it\n"
           "                     (with --status or --industry the park's other parcels are drawn in grey\n"
           "                     as context: code only, in no legend count; not in txt)\n"
           "  --legend L         present: the classes that have parcels (default); all: every class\n"
           "  --gcj02            shift lon/lat to GCJ-02 for AMap/Tencent base maps (not for txt)\n"
           "  --bd09             shift lon/lat to BD-09 for Baidu Maps (not for txt)\n"
           "  --precision N      decimals of lon/lat (default %d)\n"
           "  --bbox             geojson: bbox on the collection and on each feature\n"
           "  --timeline         kml: one placemark per status period, for Google Earth's time slider\n"
           "  --as-of D          date for stages, overdue and idle (default today; 2026-03-01, 2026/3/1,\n"
           "                     2026年3月1日, 20260301 …)\n"
           "  --encoding E       txt: gbk (default) or utf-8\n"
           "  --format kml|kmz   kml: plain KML or a KMZ archive (default: kmz when FILE ends in .kmz)\n"
           "  --page P           pdf: A4 (default) or A3\n"
           "  --landscape        pdf: landscape (default portrait)\n"
           "  --scale S          pdf: 1:N (e.g. 1:5000) or fit (default: the smallest of 1, 2, 2.5, 5 × 10^k\n"
           "                     that holds every parcel); a map that does not fit at 1:N is cut into pages,\n"
           "                     after an index sheet of their rectangles and numbers\n"
           "  -o FILE            output file; '-' or none: standard output\n"
           "  --force            replace an existing FILE\n"),
           export_usage, PL_EXPORT_DEFAULT_PRECISION);
}

int cmd_export(int argc, char **argv, const cli_global *g)
{
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) {
            help();
            return EXIT_DONE;
        }
    if (argc < 2)
        return cli_usage_error(export_usage, "export what? (geojson, kml, kmz, html, txt, pdf)");
    int kmz = -1; /* -1: from the file name */
    int fmt = pl_export_format_parse(argv[1]);
    if (!strcmp(argv[1], "kmz")) {
        fmt = PL_EXPORT_KML;
        kmz = 1;
    }
    if (fmt < 0)
        return cli_usage_error(export_usage, "unknown export format '%s' (geojson, kml, kmz, html, txt, pdf)", argv[1]);
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = (pl_export_format)fmt;
    const char *path = NULL;
    int force = 0, page_set = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if ((r = cli_opt_value(argc, argv, &i, "--theme", &v))) {
            int t = r > 0 ? pl_export_theme_parse(v) : 0;
            if (t < 0)
                return cli_usage_error(export_usage, "--theme is availability, landing, muni or ledger, not '%s'", v);
            o.theme = (pl_export_theme)t;
        } else if ((r = cli_opt_value(argc, argv, &i, "--year", &v))) {
            if (r > 0 && (!cli_parse_int("--year", v, &o.year) || o.year < 1900 || o.year > 9999))
                return cli_usage_error(export_usage, "--year expects a year (1900 to 9999), not '%s'", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            o.park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--status", &v))) {
            o.status = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--industry", &v))) {
            o.industry = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--precision", &v))) {
            if (r > 0 && !cli_parse_int("--precision", v, &o.precision))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--as-of", &v))) {
            if (r > 0 && !cli_parse_date("--as-of", v, &o.as_of))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--encoding", &v))) {
            if (r > 0) {
                if (!strcmp(v, "utf-8") || !strcmp(v, "utf8"))
                    o.encoding = PL_ENCODING_UTF8;
                else if (!strcmp(v, "gbk") || !strcmp(v, "gb18030"))
                    o.encoding = PL_ENCODING_GBK;
                else
                    return cli_usage_error(export_usage, "--encoding is gbk or utf-8, not '%s'", v);
            }
        } else if ((r = cli_opt_value(argc, argv, &i, "--legend", &v))) {
            if (r > 0) {
                if (!strcmp(v, "all"))
                    o.legend_all = 1;
                else if (!strcmp(v, "present"))
                    o.legend_all = 0;
                else
                    return cli_usage_error(export_usage, "--legend is present or all, not '%s'", v);
            }
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0) {
                if (fmt != PL_EXPORT_KML)
                    return cli_usage_error(export_usage, "--format kml|kmz is for export kml");
                if (!strcmp(v, "kmz"))
                    kmz = 1;
                else if (!strcmp(v, "kml"))
                    kmz = 0;
                else
                    return cli_usage_error(export_usage, "--format is kml or kmz, not '%s'", v);
            }
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", &v)) || (r = cli_opt_value(argc, argv, &i, "--output", &v))) {
            if (r > 0 && path)
                return cli_usage_error(export_usage, "one output file at a time ('%s' and '%s')", path, v);
            path = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--page", &v))) {
            if (r > 0) {
                if (!strcmp(v, "A4") || !strcmp(v, "a4"))
                    o.page_a3 = 0;
                else if (!strcmp(v, "A3") || !strcmp(v, "a3"))
                    o.page_a3 = 1;
                else
                    return cli_usage_error(export_usage, "--page is A4 or A3, not '%s'", v);
                page_set = 1;
            }
        } else if ((r = cli_opt_value(argc, argv, &i, "--scale", &v))) {
            if (r > 0) {
                const char *n = !strncmp(v, "1:", 2) ? v + 2 : v;
                char *end;
                double d = strtod(n, &end);
                if (!strcmp(v, "fit"))
                    o.scale = 0;
                else if (end == n || *end || !(d >= 10 && d <= 1e8))
                    return cli_usage_error(export_usage, "--scale is 1:N (N from 10 to 100000000) or fit, not '%s'", v);
                else
                    o.scale = d;
                page_set = 1;
            }
        } else if (!strcmp(argv[i], "--landscape")) {
            o.landscape = 1;
        } else if (!strcmp(argv[i], "--gcj02")) {
            o.gcj02 = 1;
        } else if (!strcmp(argv[i], "--bd09")) {
            o.bd09 = 1;
        } else if (!strcmp(argv[i], "--bbox")) {
            o.bbox = 1;
        } else if (!strcmp(argv[i], "--timeline")) {
            o.timeline = 1;
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else {
            return cli_usage_error(export_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    int to_stdout = !path || !strcmp(path, "-");
    o.kmz = kmz >= 0 ? kmz : !to_stdout && pl_export_path_is_kmz(path);
    if (o.kmz && to_stdout)
        return cli_usage_error(export_usage, "a kmz is a zip archive: name the file with -o FILE.kmz");
    if (page_set && o.format != PL_EXPORT_PDF)
        return cli_usage_error(export_usage, "--page and --scale are for pdf");
    int status;
    pl_db *db = cli_open_db_park(g, &o.park, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_export_result res;
    int rc = to_stdout ? pl_export_stream(db, &o, stdout, &res, &err)
                       : pl_export_file(db, &o, path, force, &res, &err);
    if (rc)
        status = cli_fail(&err);
    else if (res.files_named) /* the note goes to stderr: stdout may be the export */
        fprintf(stderr, o.format == PL_EXPORT_HTML
                            ? _("note: %ld inspection files are named, not linked: a map on standard output cannot "
                                "carry them (write it to a file, -o MAP.html, for MAP_files/ beside it)\n")
                            : _("note: %ld inspection files are named, not linked: a KML cannot carry them (export "
                                "to a .kmz for them)\n"),
                res.files_named);
    if (!rc && !to_stdout) {
        printf(_("exported %ld parcels (%.2f 亩 = %.2f m²) → %s\n"), res.parcels, pl_m2_to_mu(res.area_m2),
               res.area_m2, path);
        printf(_("format %s, theme %s%s, coordinates %s\n"), o.kmz ? "kmz (doc.kml)" : pl_export_format_name(o.format),
               pl_export_theme_name(o.theme), o.timeline ? _(" (timeline)") : "", res.crs_note);
        if (o.timeline)
            printf(_("%ld placemarks, one per status period\n"), res.features);
        if (res.context)
            printf(_("other parcels of the park drawn in grey as context: %ld\n"), res.context);
        if (res.files)
            printf(o.kmz ? _("inspection files linked from the balloons: %ld (files/ in the kmz)\n")
                         : _("inspection files linked from the details panel: %ld (the directory beside the map)\n"),
                   res.files);
    }
    pl_db_close(db);
    return status;
}
