/* cmd_parcel_edit.c — parkland parcel split|merge (宗地分割/合并) */
#include "cli.h"

#include "parkland/parcel.h"
#include "parkland/parcel_edit.h"
#include "parkland/table.h"
#include "parkland/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char split_usage[] =
    "parkland parcel split CODE --line WKT [--line-crs EPSG] [--codes A,B,…] [--names N1,N2,…]\n"
    "                      [--park CODE] [--note TEXT] [--dry-run] [--format table|csv|json]";
static const char merge_usage[] =
    "parkland parcel merge CODE CODE… --into NEWCODE [--name NAME] [--allow-multipart] [--park CODE]\n"
    "                      [--note TEXT] [--dry-run] [--format table|csv|json]";

static void split_help(void)
{
    printf(_("usage: %s\n\n"
           "Split a parcel by a line. The line must cross the parcel; each piece becomes a new\n"
           "parcel and the original is retired (已注销) with its history and lineage kept.\n"
           "Only parcels in reserve (储备) or available (可供) can be split; the pieces take the\n"
           "original's status, land use, attributes and indicators, and their areas must add up to\n"
           "the original's within %.2f m².\n\n"
           "  --line WKT        LINESTRING or MULTILINESTRING, in the working CRS unless --line-crs\n"
           "  --line-crs EPSG   the line's coordinate system (e.g. 4326 lon/lat, 4528 zone-prefixed)\n"
           "                    let the line overshoot the boundary; line points within 1 mm of a\n"
           "                    boundary point are snapped to it\n"
           "  --codes A,B,…     codes of the pieces, largest first (default CODE-1, CODE-2, … by\n"
           "                    descending area; equal areas: the northern, then western piece first)\n"
           "  --names N1,N2,…   names of the pieces, in the order of the codes (default the\n"
           "                    original's name with -1, -2, …)\n"
           "  --park CODE       the parcel's park, when the code exists in several parks\n"
           "  --note TEXT       recorded in the history\n"
           "  --dry-run         show the pieces; write nothing\n"
           "  --format F        table (default), csv, json\n"),
           split_usage, PL_EDIT_AREA_TOLERANCE_M2);
}

static void merge_help(void)
{
    printf(_("usage: %s\n\n"
           "Merge parcels of one park into a new parcel. The parcels must be in the same\n"
           "status, reserve (储备) or available (可供), and share boundaries so that their union is\n"
           "one polygon; the originals are retired (已注销) with their history and lineage kept.\n"
           "The new parcel takes the first parcel's name, land use and attributes, and the\n"
           "indicators when every parcel has the same ones (otherwise none, with a warning).\n\n"
           "  --into NEWCODE      code of the new parcel (must not exist in the park)\n"
           "  --name NAME         its name (default: the first parcel's)\n"
           "  --allow-multipart   accept parcels that do not touch (a multi-part parcel)\n"
           "  --park CODE         the parcels' park, when codes exist in several parks\n"
           "  --note TEXT         recorded in the history\n"
           "  --dry-run           show the result; write nothing\n"
           "  --format F          table (default), csv, json\n"),
           merge_usage);
}

static const char *const keys[] = {"role", "code", "name", "status", "status_zh", "area_m2", "area_mu",
                                   "parts", "holes"};
static const char *const labels[] = {"角色 role", "宗地号 code", "名称 name", "状态 status", "状态",
                                     "面积 m²", "面积 亩", "部分 parts", "洞 holes"};
#define NCOLS (sizeof keys / sizeof *keys)

static int add_rows(pl_table *t, const pl_edit_parcel *ps, size_t n, const char *role, const char *status)
{
    for (size_t i = 0; i < n; i++) {
        char m2[32], mu[32], parts[16], holes[16];
        snprintf(m2, sizeof m2, "%.2f", ps[i].area_m2);
        snprintf(mu, sizeof mu, "%.2f", pl_m2_to_mu(ps[i].area_m2));
        snprintf(parts, sizeof parts, "%d", ps[i].parts);
        snprintf(holes, sizeof holes, "%d", ps[i].holes);
        const char *cells[NCOLS] = {role, ps[i].code, ps[i].name, status, pl_parcel_status_zh(status),
                                    m2, mu, parts, holes};
        if (pl_table_add_row(t, cells))
            return -1;
    }
    return 0;
}

static int print_result(const pl_edit_result *r, int fmt, int dry_run)
{
    for (size_t i = 0; i < r->nwarnings; i++)
        fprintf(stderr, _("parkland: warning: %s\n"), r->warnings[i]);
    pl_table *t = pl_table_new(NCOLS, keys, labels);
    if (!t)
        return EXIT_REFUSED;
    for (size_t k = 5; k < NCOLS; k++)
        pl_table_set_numeric(t, k);
    int split = !strcmp(r->operation, "split");
    if (add_rows(t, r->parents, r->nparents, fmt == PL_TABLE_TEXT ? "原宗地 parent" : "parent", "retired") ||
        add_rows(t, r->children, r->nchildren, fmt == PL_TABLE_TEXT ? "新宗地 child" : "child", r->status)) {
        pl_table_free(t);
        return EXIT_REFUSED;
    }
    if (fmt == PL_TABLE_TEXT) {
        if (split)
            printf(dry_run ? _("would split %s → %zu parcels (park %s)\n") : _("split %s → %zu parcels (park %s)\n"),
                   r->nparents ? r->parents[0].code : "?", r->nchildren, r->park);
        else
            printf(dry_run ? _("would merge %zu parcels → %s (park %s)\n") : _("merged %zu parcels → %s (park %s)\n"),
                   r->nparents, r->nchildren ? r->children[0].code : "?", r->park);
    }
    cli_table_write(t, fmt);
    pl_table_free(t);
    if (fmt == PL_TABLE_TEXT) {
        double diff = r->children_area_m2 - r->parents_area_m2;
        if (fabs(diff) < 0.00005)
            diff = 0; /* no "-0.0000" */
        /* TRANSLATORS: "pieces"/"merged" are the new parcels, "original"/"parcels" the old ones */
        printf(_("area: %s %.2f m² (%.2f 亩) = %s %.2f m² (%.2f 亩), difference %.4f m²\n"),
               split ? _("pieces") : _("merged"), r->children_area_m2, pl_m2_to_mu(r->children_area_m2),
               split ? _("original") : _("parcels"), r->parents_area_m2, pl_m2_to_mu(r->parents_area_m2),
               diff);
        printf(_("indicators: %s\n"), r->indicators_copied ? _("copied") : _("none"));
        if (dry_run)
            printf(_("dry run: nothing was written\n"));
    }
    return EXIT_DONE;
}

/* Split "A,B,C" into a NULL-terminated malloc'd array of pointers into a copy. */
static char **split_list(const char *s, size_t *n, char **store)
{
    *n = 0;
    *store = strdup(s);
    if (!*store)
        return NULL;
    size_t cap = 1;
    for (const char *c = s; *c; c++)
        cap += *c == ',';
    char **v = calloc(cap + 1, sizeof *v);
    if (!v)
        return NULL;
    char *save = NULL;
    for (char *tok = strtok_r(*store, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = '\0';
        v[(*n)++] = tok;
    }
    return v;
}

int cmd_parcel_split(int argc, char **argv, const cli_global *g)
{
    pl_split_options o;
    memset(&o, 0, sizeof o);
    const char *code = NULL, *codes = NULL, *names = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            split_help();
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--line-crs", &v))) {
            if (r > 0 && !cli_parse_int("--line-crs", v, &o.line_srid))
                return EXIT_USAGE;
            if (r > 0 && o.line_srid <= 0)
                return cli_usage_error(split_usage, "--line-crs expects an EPSG code, not '%s'", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "--line", &v))) {
            o.line_wkt = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--codes", &v))) {
            codes = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--names", &v))) {
            names = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            o.park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--note", &v))) {
            o.note = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(split_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--dry-run")) {
            o.dry_run = 1;
        } else if (!code && argv[i][0] != '-') {
            code = argv[i];
        } else {
            return cli_usage_error(split_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!code)
        return cli_usage_error(split_usage, "parcel split needs a CODE");
    if (!o.line_wkt || !*o.line_wkt)
        return cli_usage_error(split_usage, "parcel split needs --line WKT (e.g. 'LINESTRING(x1 y1, x2 y2)')");
    char *store = NULL;
    char **list = NULL;
    if (codes) {
        size_t n = 0;
        list = split_list(codes, &n, &store);
        if (!list) {
            free(store);
            return cli_usage_error(NULL, "out of memory");
        }
        for (size_t k = 0; k < n; k++)
            if (!*list[k]) {
                free(list);
                free(store);
                return cli_usage_error(split_usage, "--codes has an empty code: '%s'", codes);
            }
        if (n < 2) {
            free(list);
            free(store);
            return cli_usage_error(split_usage, "--codes needs at least two codes (A,B)");
        }
        o.codes = (const char *const *)list;
        o.ncodes = n;
    }
    char *name_store = NULL;
    char **name_list = NULL;
    if (names) {
        size_t n = 0;
        if (!(name_list = split_list(names, &n, &name_store))) {
            free(list);
            free(store);
            free(name_store);
            return cli_usage_error(NULL, "out of memory");
        }
        o.names = (const char *const *)name_list;
        o.nnames = n;
    }
    int status;
    pl_db *db = cli_open_db_park(g, &o.park, &status);
    if (db && !(status = cli_code(db, PL_CODE_PARCEL, o.park, &code, 0))) {
        pl_error err;
        pl_error_clear(&err);
        pl_edit_result r;
        int rc = pl_parcel_split(db, code, &o, &r, &err);
        status = rc ? cli_fail(&err) : print_result(&r, fmt, o.dry_run);
        pl_edit_result_release(&r);
    }
    pl_db_close(db);
    free(list);
    free(store);
    free(name_list);
    free(name_store);
    return status;
}

int cmd_parcel_merge(int argc, char **argv, const cli_global *g)
{
    pl_merge_options o;
    memset(&o, 0, sizeof o);
    const char *into = NULL;
    int fmt = PL_TABLE_TEXT;
    const char **codes = calloc((size_t)argc + 1, sizeof *codes);
    size_t n = 0;
    if (!codes)
        return cli_usage_error(NULL, "out of memory");
    int status = EXIT_DONE;
    for (int i = 1; i < argc && status == EXIT_DONE; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            merge_help();
            free(codes);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--into", &v))) {
            into = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--name", &v))) {
            o.name = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            o.park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--note", &v))) {
            o.note = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(merge_usage, v, &fmt))
                status = EXIT_USAGE;
        } else if (!strcmp(argv[i], "--allow-multipart")) {
            o.allow_multipart = 1;
        } else if (!strcmp(argv[i], "--dry-run")) {
            o.dry_run = 1;
        } else if (argv[i][0] != '-') {
            codes[n++] = argv[i];
        } else {
            status = cli_usage_error(merge_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            status = EXIT_USAGE;
    }
    if (status == EXIT_DONE && n < 2)
        status = cli_usage_error(merge_usage, "parcel merge needs at least two parcel codes");
    if (status == EXIT_DONE && (!into || !*into))
        status = cli_usage_error(merge_usage, "parcel merge needs --into NEWCODE");
    if (status != EXIT_DONE) {
        free(codes);
        return status;
    }
    pl_db *db = cli_open_db_park(g, &o.park, &status);
    if (!db) {
        free(codes);
        return status;
    }
    for (size_t k = 0; k < n && !status; k++)
        status = cli_code(db, PL_CODE_PARCEL, o.park, &codes[k], 0);
    if (status) {
        pl_db_close(db);
        free(codes);
        return status;
    }
    pl_error err;
    pl_error_clear(&err);
    pl_edit_result r;
    int rc = pl_parcel_merge(db, codes, n, into, &o, &r, &err);
    status = rc ? cli_fail(&err) : print_result(&r, fmt, o.dry_run);
    pl_edit_result_release(&r);
    pl_db_close(db);
    free(codes);
    return status;
}
