/* cmd_query.c — parkland query free */
#include "cli.h"

#include "parkland/lead.h"
#include "parkland/number.h"
#include "parkland/query.h"
#include "parkland/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char query_usage[] =
    "parkland query free [--park CODE] [--min-mu X] [--max-mu X] [--industry I] [--max-intensity X]\n"
    "              [--investment WAN | --lead LEAD] [--min-far X] [--near LON,LAT --within M [--near-crs wgs84|gcj02|bd09]] [--adjacent CODE]\n"
    "              [--limit N] [--format table|csv|json]";

static const char query_help[] = /* xgettext:no-c-format */
    N_("\n"
    "Available parcels (可供地块, status 'available') that fit an investor, best fit first.\n"
    "  --park CODE           only this park\n"
    "  --min-mu X, --max-mu X  area range in 亩 (1 亩 = 10000/15 m²), inclusive\n"
    "  --industry I          the parcel allows this industry (id such as 'it' or Chinese name such as\n"
    "                        新一代信息技术), or allows any\n"
    "  --max-intensity X     investment intensity the investor can meet, 万元/亩: parcels requiring\n"
    "                        at most X (or nothing)\n"
    "  --investment WAN      the investor's investment, 万元: parcels whose required intensity is met\n"
    "                        by WAN ÷ the parcel's area in 亩 (as 'project sign' and 'match' compute it)\n"
    "  --lead LEAD           the same with the lead's investment\n"
    "  --min-far X           parcels whose FAR maximum is at least X (or not capped)\n"
    "  --near LON,LAT --within M  within M metres (or 1.5km) of a WGS84 point; also projected\n"
    "                        X,Y of the working CRS (northing or easting first, told by magnitude)\n"
    "  --near-crs C          the --near longitude,latitude are wgs84 (default), gcj02 (AMap, Tencent)\n"
    "                        or bd09 (Baidu Maps)\n"
    "  --adjacent CODE       touching or within 1 m of parcel CODE (expansion)\n"
    "  --limit N             at most N parcels\n"
    "  --format F            table (default), csv or json\n"
    "Sorted by distance with --near; by closeness to the middle of the area range with --min-mu/--max-mu;\n"
    "else by park and code. Empty industries = any industry; empty indicators = not set.\n");

static int lead_investment(const pl_lead_row *row, void *ctx)
{
    *(double *)ctx = row->investment;
    return 0;
}

/* LON,LAT: two numbers of parkland/parse.h split at the first comma (ASCII or
 * full-width ，), blanks around each ignored. */
static int parse_lonlat(const char *s, double *lon, double *lat)
{
    const char *a = strstr(s, ","), *b = strstr(s, "，");
    const char *comma = a && (!b || a < b) ? a : b;
    if (!comma || strlen(s) >= 256)
        return 0;
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)(comma - s), s);
    return pl_parse_number(first, lon) && pl_parse_number(comma + (comma == a ? 1 : strlen("，")), lat);
}

/* No parcel left: the count after each filter and the one that removed the
 * last candidates (pl_query_free_funnel), on `out`; `lead`: the --lead
 * whose investment the filter holds, or NULL. */
static int print_funnel(pl_db *db, const pl_query_filter *f, const char *lead, FILE *out, pl_error *err)
{
    pl_query_funnel fn;
    int rc = pl_query_free_funnel(db, f, &fn, err);
    if (rc)
        return rc;
    fputs(_("no free parcel passes every filter; free parcels left after each filter:\n"), out);
    for (size_t i = 0; i < fn.n; i++) {
        const char *k = fn.steps[i].filter;
        char what[256];
        if (!strcmp(k, "available"))
            snprintf(what, sizeof what, "%s", _("available (no filter)"));
        else if (!strcmp(k, "park"))
            snprintf(what, sizeof what, "--park %s", f->park);
        else if (!strcmp(k, "area") && !isnan(f->min_mu) && !isnan(f->max_mu))
            snprintf(what, sizeof what, "--min-mu %.10g --max-mu %.10g", f->min_mu, f->max_mu);
        else if (!strcmp(k, "area"))
            snprintf(what, sizeof what, !isnan(f->min_mu) ? "--min-mu %.10g" : "--max-mu %.10g",
                     !isnan(f->min_mu) ? f->min_mu : f->max_mu);
        else if (!strcmp(k, "industry"))
            snprintf(what, sizeof what, "--industry %s", f->industry);
        else if (!strcmp(k, "max_intensity"))
            snprintf(what, sizeof what, "--max-intensity %.10g", f->max_intensity);
        else if (!strcmp(k, "investment") && lead)
            snprintf(what, sizeof what, _("--lead %s (%.10g 万元)"), lead, f->investment);
        else if (!strcmp(k, "investment"))
            snprintf(what, sizeof what, "--investment %.10g", f->investment);
        else if (!strcmp(k, "min_far"))
            snprintf(what, sizeof what, "--min-far %.10g", f->min_far);
        else if (!strcmp(k, "near"))
            snprintf(what, sizeof what, "--near %.6f,%.6f --within %.10g", f->near_lon, f->near_lat, f->within_m);
        else
            snprintf(what, sizeof what, "--adjacent %s", f->adjacent);
        size_t dw = pl_display_width(what);
        fprintf(out, "  %s%*s %6ld%s\n", what, dw < 40 ? (int)(40 - dw) : 0, "", fn.steps[i].remaining,
                (int)i == fn.emptied_by ? _("  ← removed the last candidates") : "");
    }
    return 0;
}

int cmd_query(int argc, char **argv, const cli_global *g)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        printf(_("usage: %s\n%s"), query_usage, _(query_help));
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    if (strcmp(argv[1], "free"))
        return cli_usage_error(query_usage, "unknown query '%s' (free)", argv[1]);
    pl_query_filter f;
    pl_query_filter_init(&f);
    int fmt = PL_TABLE_TEXT;
    pl_near_crs near_crs = PL_NEAR_WGS84;
    int near_crs_given = 0;
    const char *lead = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n%s"), query_usage, _(query_help));
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            f.park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--min-mu", &v))) {
            if (r > 0 && !cli_parse_quantity("--min-mu", v, PL_UNIT_MU, &f.min_mu))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--max-mu", &v))) {
            if (r > 0 && !cli_parse_quantity("--max-mu", v, PL_UNIT_MU, &f.max_mu))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--industry", &v))) {
            f.industry = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--max-intensity", &v))) {
            if (r > 0 && !cli_parse_quantity("--max-intensity", v, PL_UNIT_WAN_PER_MU, &f.max_intensity))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--investment", &v))) {
            if (r > 0 && !cli_parse_quantity("--investment", v, PL_UNIT_WAN, &f.investment))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--lead", &v))) {
            lead = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--min-far", &v))) {
            if (r > 0 && !cli_parse_double("--min-far", v, &f.min_far))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--near", &v))) {
            if (r > 0 && !parse_lonlat(v, &f.near_lon, &f.near_lat))
                return cli_usage_error(query_usage, "--near expects LON,LAT in WGS84 degrees (e.g. 120.40,36.10), "
                                                    "not '%s'", v);
        } else if ((r = cli_opt_value(argc, argv, &i, "--near-crs", &v))) {
            int c = r > 0 ? pl_near_crs_parse(v) : 0;
            if (c < 0)
                return cli_usage_error(query_usage, "--near-crs is wgs84, gcj02 or bd09, not '%s'", v);
            near_crs = (pl_near_crs)c;
            near_crs_given = 1;
        } else if ((r = cli_opt_value(argc, argv, &i, "--within", &v))) {
            if (r > 0 && !cli_parse_quantity("--within", v, PL_UNIT_M, &f.within_m))
                return EXIT_USAGE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--adjacent", &v))) {
            f.adjacent = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--limit", &v))) {
            int n;
            if (r > 0 && !cli_parse_int("--limit", v, &n))
                return EXIT_USAGE;
            if (r > 0 && n < 1)
                return cli_usage_error(query_usage, "--limit must be at least 1, not %d", n);
            f.limit = n;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(query_usage, v, &fmt))
                return EXIT_USAGE;
        } else {
            return cli_usage_error(query_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    /* usage errors before touching the database */
    if (!isnan(f.near_lon) && isnan(f.within_m))
        return cli_usage_error(query_usage, "--near needs --within METRES");
    if (isnan(f.near_lon) && !isnan(f.within_m))
        return cli_usage_error(query_usage, "--within needs --near LON,LAT");
    if (near_crs_given && isnan(f.near_lon))
        return cli_usage_error(query_usage, "--near-crs needs --near LON,LAT");
    if (lead && !isnan(f.investment))
        return cli_usage_error(query_usage, "give --investment or --lead, not both");
    int status;
    pl_db *db = cli_open_db_park(g, &f.park, &status);
    if (!db)
        return status;
    pl_error err;
    pl_error_clear(&err);
    if ((status = cli_code(db, PL_CODE_PARCEL, f.park, &f.adjacent, 0)) ||
        (status = cli_code(db, PL_CODE_LEAD, NULL, &lead, 0))) {
        pl_db_close(db);
        return status;
    }
    if (lead) {
        if (pl_lead_get(db, lead, lead_investment, &f.investment, &err)) {
            pl_db_close(db);
            return cli_fail(&err);
        }
        if (isnan(f.investment)) {
            pl_db_close(db);
            pl_error_set(&err, PL_ERR_INPUT, "lead '%s' has no investment: give --investment WAN", lead);
            return cli_fail(&err);
        }
    }
    if (!isnan(f.near_lon)) {
        char how[512];
        if (pl_near_point(db, f.near_lon, f.near_lat, near_crs, &f.near_lon, &f.near_lat, how, sizeof how, &err)) {
            pl_db_close(db);
            return cli_fail(&err);
        }
        if (*how)
            fprintf(stderr, _("parkland: %s\n"), how);
    }
    pl_table *t = NULL;
    int rc = pl_query_free_table(db, &f, (pl_table_format)fmt, &t, &err);
    if (!rc) {
        if (fmt == PL_TABLE_TEXT)
            printf(_("%zu free parcels\n"), pl_table_rows(t));
        cli_table_write(t, fmt);
        /* nothing found: which filter removed the last candidates (stdout for people, else stderr) */
        if (!pl_table_rows(t))
            rc = print_funnel(db, &f, lead, fmt == PL_TABLE_TEXT ? stdout : stderr, &err);
    }
    pl_table_free(t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
