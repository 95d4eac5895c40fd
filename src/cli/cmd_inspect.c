/* cmd_inspect.c — parkland inspect CODE … | inspect photo SHA256 -o FILE */
#include "cli.h"

#include "parkland/inspect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char inspect_usage[] =
    "parkland inspect CODE --date D [--progress-pct N] [--built-area M2] [--invested WAN]\n"
    "                 [--stopped-since D] [--note T] [--photo FILE]... [--park P]\n"
    "       parkland inspect photo SHA256 -o FILE [--force]";

static void help(void)
{
    printf(_("usage: %s\n\n"
             "Record an inspection (巡查) of a parcel: how far the work is on the date. The idle-land\n"
             "test of MLR order 53 ('parkland idle list') reads the latest inspection.\n\n"
             "  --date D            the day of the inspection (required; not in the future)\n"
             "  --progress-pct N    construction progress, 0-100 %%\n"
             "  --built-area M2     area developed, m² (or with a unit: 2亩, 0.5公顷)\n"
             "  --invested WAN      investment spent so far, 万元 (or 1.2亿元)\n"
             "  --stopped-since D   work has stopped since D (停工)\n"
             "  --note T            what was seen\n"
             "  --photo FILE        a photo or document to attach (JPEG, PNG or PDF, at most %ld MB);\n"
             "                      repeat for more; stored in the database with its SHA-256\n"
             "  --park P            the park, when the code exists in several\n\n"
             "inspect photo SHA256 -o FILE writes a stored file back out (8 or more leading digits of\n"
             "its sha256 are enough; --force replaces an existing FILE).\n"),
           inspect_usage, PL_INSPECTION_FILE_MAX / (1024 * 1024));
}

static int photo_out(int argc, char **argv, const cli_global *g)
{
    const char *sha = NULL, *out = NULL;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            help();
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", &v)) || (r = cli_opt_value(argc, argv, &i, "--output", &v))) {
            out = v;
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(inspect_usage, "unknown option '%s'", argv[i]);
        } else if (!sha) {
            sha = argv[i];
        } else {
            return cli_usage_error(inspect_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!sha)
        return cli_usage_error(inspect_usage, "inspect photo needs the file's SHA256");
    if (!out)
        return cli_usage_error(inspect_usage, "inspect photo needs -o FILE");
    int st;
    pl_db *db = cli_open_db(g, &st);
    if (!db)
        return st;
    pl_error err;
    pl_error_clear(&err);
    char name[256];
    size_t size = 0;
    int rc = pl_inspection_file_save(db, sha, out, force, name, &size, &err);
    pl_db_close(db);
    if (rc)
        return cli_fail(&err);
    printf(_("wrote %s (%zu bytes) → %s\n"), name, size, out);
    return EXIT_DONE;
}

/* The files of the inspection just recorded: name, size, sha256. */
static int print_files(const pl_inspection *in, void *ctx)
{
    if (in->id != *(const long *)ctx)
        return 0;
    for (size_t i = 0; i < in->nfiles; i++)
        printf(_("  %s  %s  %ld bytes  sha256 %s\n"), in->files[i].name, in->files[i].mime, in->files[i].size,
               in->files[i].sha256);
    return 0;
}

int cmd_inspect(int argc, char **argv, const cli_global *g)
{
    if (argc >= 2 && !strcmp(argv[1], "photo"))
        return photo_out(argc - 1, argv + 1, g);
    const char *code = NULL, *park = NULL;
    pl_inspection_input in = {0};
    in.progress_pct = in.built_area_m2 = in.invested_wan = NAN;
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        fprintf(stderr, _("parkland: out of memory\n"));
        return EXIT_REFUSED;
    }
    int status = -1;
    const cli_text_opt texts[] = {{"--date", &in.date, 1},
                                  {"--stopped-since", &in.stopped_since, 1},
                                  {"--note", &in.note, 0},
                                  {"--park", &park, 0}};
    const cli_num_opt nums[] = {{"--progress-pct", &in.progress_pct, PL_UNIT_NONE},
                                {"--built-area", &in.built_area_m2, PL_UNIT_M2},
                                {"--invested", &in.invested_wan, PL_UNIT_WAN}};
    for (int i = 1; i < argc && status < 0; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            help();
            status = EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--photo", &v))) {
            if (r > 0)
                files[in.nfiles++] = v;
        } else if ((r = cli_opt_match(argc, argv, &i, texts, sizeof texts / sizeof *texts, nums,
                                      sizeof nums / sizeof *nums))) {
        } else if (argv[i][0] == '-' && argv[i][1]) {
            status = cli_usage_error(inspect_usage, "unknown option '%s'", argv[i]);
        } else if (!code) {
            code = argv[i];
        } else {
            status = cli_usage_error(inspect_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            status = EXIT_USAGE;
    }
    if (status < 0 && !code)
        status = cli_usage_error(inspect_usage, "inspect needs a parcel CODE");
    if (status < 0 && !in.date)
        status = cli_usage_error(inspect_usage, "inspect needs --date D, the day of the inspection");
    if (status >= 0) {
        free(files);
        return status;
    }
    in.files = files;
    int st;
    pl_db *db = cli_open_db_code(g, PL_CODE_PARCEL, &park, &code, &st);
    if (!db) {
        free(files);
        return st;
    }
    pl_error err;
    pl_error_clear(&err);
    long id = 0;
    int rc = pl_inspection_add(db, park, code, &in, &id, &err);
    free(files);
    if (!rc) {
        printf(_("recorded inspection %ld of parcel %s on %s (%zu files)\n"), id, code, in.date, in.nfiles);
        rc = pl_inspection_each(db, park, code, print_files, &id, &err);
    }
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
