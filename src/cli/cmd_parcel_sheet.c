/* cmd_parcel_sheet.c — parkland parcel sheet CODE: 宗地图 and 界址点成果表 (PDF) or the table (XLSX). */
#include "cli.h"

#include "parkland/sheet.h"
#include "parkland/units.h"

#include <stdio.h>
#include <string.h>

static const char sheet_usage[] =
    "parkland parcel sheet CODE [--park P] [--format pdf|xlsx] [--as-of D] -o FILE [--force]";

static void help(void)
{
    printf("usage: %s\n\n"
           "The parcel sheet for the approval file: pdf (default) is the 宗地图 — the parcel among its\n"
           "neighbours with its boundary points J1… (clockwise from the north-west corner), side lengths,\n"
           "scale bar and north arrow, area, land use, indicators, status and project — followed by the\n"
           "界址点成果表 (24 points a page); xlsx is the 界址点成果表 alone. Coordinates are the stored ones\n"
           "(working CRS, X = northing, Y = easting); rings are numbered as in the Ministry TXT.\n\n"
           "  --park P      the park, when the code is in several\n"
           "  --format F    pdf (default) or xlsx\n"
           "  --as-of D     date for the project or reservation shown (default today)\n"
           "  -o FILE       output file (required)\n"
           "  --force       replace an existing FILE\n",
           sheet_usage);
}

int cmd_parcel_sheet(int argc, char **argv, const cli_global *g)
{
    const char *code = NULL, *park = NULL, *path = NULL, *as_of = NULL;
    int force = 0;
    pl_sheet_format fmt = PL_SHEET_PDF;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            help();
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0) {
                if (!strcmp(v, "pdf"))
                    fmt = PL_SHEET_PDF;
                else if (!strcmp(v, "xlsx"))
                    fmt = PL_SHEET_XLSX;
                else
                    return cli_usage_error(sheet_usage, "--format is pdf or xlsx, not '%s'", v);
            }
        } else if ((r = cli_opt_value(argc, argv, &i, "--as-of", &v))) {
            if (r > 0 && !cli_parse_date("--as-of", v, &as_of))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "-o", &v)) ||
                   (r = cli_opt_value(argc, argv, &i, "--output", &v))) {
            path = v;
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (!code && argv[i][0] != '-') {
            code = argv[i];
        } else {
            return cli_usage_error(sheet_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!code)
        return cli_usage_error(sheet_usage, "parcel sheet needs a CODE");
    if (!path || !strcmp(path, "-"))
        return cli_usage_error(sheet_usage, "parcel sheet needs an output file (-o FILE)");
    int status;
    pl_db *db = cli_open_db_code(g, PL_CODE_PARCEL, park, &code, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    pl_sheet_result res;
    int rc = pl_parcel_sheet_file(db, park, code, fmt, as_of, path, force, &res, &err);
    if (rc) {
        status = cli_fail(&err);
    } else {
        printf("parcel sheet / 宗地图 %s → %s\n", res.code, path);
        printf("%ld boundary points in %d ring(s), %ld table rows; area %.2f m² = %.4f 亩", res.points, res.rings,
               res.rows, res.area_m2, pl_m2_to_mu(res.area_m2));
        if (fmt == PL_SHEET_PDF)
            printf("; %d pages, map at 1:%.0f", res.pages, res.scale);
        printf("\n");
        status = EXIT_DONE;
    }
    pl_db_close(db);
    return status;
}
