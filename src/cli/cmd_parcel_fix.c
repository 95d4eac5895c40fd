/* cmd_parcel_fix.c — parkland parcel rename|edit: correcting a parcel (issue 13 §2). */
#include "cli.h"

#include "parkland/parcel.h"
#include "parkland/parcel_fix.h"
#include "parkland/sanity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char rename_usage[] = "parkland parcel rename OLD NEW [--park P] [--note TEXT]";
static const char edit_usage[] =
    "parkland parcel edit CODE [--name N] [--land-use U] [--land-use-code C] [--attr KEY=VALUE]…\n"
    "                     [--clear-attr KEY]… [--approval-doc NO] [--approved-on D] [--park P] [--note TEXT]";

int cmd_parcel_rename(int argc, char **argv, const cli_global *g)
{
    const char *old = NULL, *new_code = NULL, *park = NULL, *note = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\nGive a parcel another code; the history keeps the old one.\n"),
                   rename_usage);
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--note", &v))) {
            note = v;
        } else if (argv[i][0] != '-' && !old) {
            old = argv[i];
        } else if (argv[i][0] != '-' && !new_code) {
            new_code = argv[i];
        } else {
            return cli_usage_error(rename_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!old || !new_code)
        return cli_usage_error(rename_usage, "parcel rename needs OLD and NEW codes");
    int status;
    pl_db *db = cli_open_db_park(g, &park, &status);
    if (!db)
        return status;
    if (!(status = cli_code(db, PL_CODE_PARCEL, park, &old, 0))) {
        pl_error err;
        pl_error_clear(&err);
        if (pl_parcel_rename(db, park, old, new_code, note, &err))
            status = cli_fail(&err);
        else
            printf(_("parcel %s is now %s\n"), old, new_code);
    }
    pl_db_close(db);
    return status;
}

static int keep_area(const pl_parcel_row *r, void *ctx)
{
    *(double *)ctx = r->area_m2;
    return 0;
}

/* An area attribute 15 × or 1/15 of the polygon (parkland/sanity.h): a
 * warning on stderr naming the likely unit; the value is kept. */
static void warn_area_attrs(pl_db *db, const char *park, const char *code, const pl_parcel_changes *c)
{
    double area = NAN;
    pl_error err;
    pl_error_clear(&err);
    if (!c->nattrs || pl_parcel_get(db, park, code, keep_area, &area, &err))
        return;
    for (size_t i = 0; i < c->nattrs; i++) {
        char msg[640];
        if (pl_sanity_area_attr(c->attr_keys[i], c->attr_values[i], area, msg, sizeof msg))
            fprintf(stderr, _("parkland: warning: parcel %s: %s; kept as given\n"), code, msg);
    }
}

int cmd_parcel_edit(int argc, char **argv, const cli_global *g)
{
    pl_parcel_changes c;
    memset(&c, 0, sizeof c);
    const char *code = NULL, *park = NULL;
    /* at most argc of each list; the KEY=VALUE texts are split in copies */
    const char **keys = calloc((size_t)argc + 1, sizeof *keys);
    const char **values = calloc((size_t)argc + 1, sizeof *values);
    const char **clears = calloc((size_t)argc + 1, sizeof *clears);
    char **copies = calloc((size_t)argc + 1, sizeof *copies);
    size_t ncopies = 0;
    int status = EXIT_DONE;
    if (!keys || !values || !clears || !copies)
        status = cli_usage_error(NULL, "out of memory");
    for (int i = 1; i < argc && status == EXIT_DONE; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n\n"
                   "Correct a parcel's name, land use and source attributes. One history row\n"
                   "per changed field; an empty value clears a column. Nothing is written when nothing differs.\n"
                   "  --approval-doc NO, --approved-on D  the approval for construction use (农用地转用/征收批准):\n"
                   "                     its document number and date; approved and not supplied is 批而未供\n"
                   "                     in 'parkland report ledger'\n"),
                   edit_usage);
            status = -1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--name", &v))) {
            c.name = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--land-use-code", &v))) {
            c.land_use_code = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--land-use", &v))) {
            c.land_use = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--approval-doc", &v))) {
            c.approval_doc = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--approved-on", &v))) {
            if (r > 0 && *v && !cli_parse_date("--approved-on", v, &c.approved_on))
                status = EXIT_USAGE;
            else if (r > 0 && !*v)
                c.approved_on = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--clear-attr", &v))) {
            if (r > 0)
                clears[c.nclear++] = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--attr", &v))) {
            const char *eq = r > 0 ? strchr(v, '=') : NULL;
            if (r > 0 && (!eq || eq == v)) {
                status = cli_usage_error(edit_usage, "--attr expects KEY=VALUE, not '%s'", v);
            } else if (r > 0) {
                char *k = strndup(v, (size_t)(eq - v));
                if (!k) {
                    status = cli_usage_error(NULL, "out of memory");
                } else {
                    copies[ncopies++] = k;
                    keys[c.nattrs] = k;
                    values[c.nattrs++] = eq + 1;
                }
            }
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--note", &v))) {
            c.note = v;
        } else if (argv[i][0] != '-' && !code) {
            code = argv[i];
        } else {
            status = cli_usage_error(edit_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            status = EXIT_USAGE;
    }
    if (status == EXIT_DONE && !code)
        status = cli_usage_error(edit_usage, "parcel edit needs a CODE");
    if (status == EXIT_DONE && !c.name && !c.land_use && !c.land_use_code && !c.nattrs && !c.nclear &&
        !c.approval_doc && !c.approved_on)
        status = cli_usage_error(edit_usage, "parcel edit needs something to change (--name, --land-use, "
                                             "--land-use-code, --attr, --clear-attr, --approval-doc, --approved-on)");
    pl_db *db = NULL;
    if (status == EXIT_DONE && (db = cli_open_db_park(g, &park, &status)) && !(status = cli_code(db, PL_CODE_PARCEL, park, &code, 0))) {
        c.attr_keys = keys;
        c.attr_values = values;
        c.clear_attrs = clears;
        pl_error err;
        pl_error_clear(&err);
        int n = 0;
        if (pl_parcel_edit(db, park, code, &c, &n, &err))
            status = cli_fail(&err);
        else if (n)
            printf(_("parcel %s: %d field%s changed\n"), code, n, n == 1 ? "" : "s");
        else
            printf(_("parcel %s: nothing to change (every value is already so); nothing written\n"), code);
        if (status == EXIT_DONE)
            warn_area_attrs(db, park, code, &c);
    }
    pl_db_close(db);
    for (size_t k = 0; k < ncopies; k++)
        free(copies[k]);
    free(copies);
    free(keys);
    free(values);
    free(clears);
    return status < 0 ? EXIT_DONE : status;
}
