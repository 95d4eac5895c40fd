/* cmd_match.c — parkland match LEAD */
#include "cli.h"

#include "parkland/match.h"
#include "parkland/table.h"

#include <math.h>
#include <stdio.h>

static const char match_usage[] = "parkland match LEAD [--top N] [--park CODE] [--format table|csv|json]";

static const char match_help[] = /* xgettext:no-c-format */
    N_("\n"
    "Rank the free parcels (available, or reserved for this lead) for a lead, best first, with a\n"
    "score 0–100 and one reason per component:\n"
    "  面积 area           30  land demand vs parcel 亩: full within ±10%, then linear to 0 at ±50%;\n"
    "                          beyond ±10% a parcel smaller than the demand gets 4/5 (×0.8)\n"
    "  产业 industry       25  the parcel allows the lead's industry, or any: full; else 0\n"
    "  投资强度 investment 20  lead investment ÷ land demand (万元/亩) vs the parcel's minimum:\n"
    "                          full when ≥, proportional below\n"
    "  亩均税收 tax        15  lead expected tax (万元/亩·年) vs the parcel's minimum: the same\n"
    "  连片 contiguity     10  within 1 m of a parcel of a project in the same industry: full; else 0\n"
    "  Missing data on either side: half of the component (\"no data\").\n"
    "  Ties: the area closer to the demand first, then park and parcel code.\n"
    "  A signed lead is refused; a lost lead is matched with a warning.\n"
    "  --top N       the best N (default 10)\n"
    "  --park CODE   only this park\n"
    "  --format F    table (default; one line per reason), csv or json (one record per parcel)\n");

static void print_summary(const pl_match_summary *s)
{
    char demand[64] = "未填 no data", inv[160] = "未填 no data", tax[64] = "未填 no data";
    if (!isnan(s->land_mu))
        snprintf(demand, sizeof demand, "%.1f 亩", s->land_mu);
    if (!isnan(s->investment_per_mu))
        snprintf(inv, sizeof inv, "%.0f 万元 = %.1f 万元/亩", s->investment, s->investment_per_mu);
    else if (!isnan(s->investment))
        snprintf(inv, sizeof inv, "%.0f 万元", s->investment);
    if (!isnan(s->tax_per_mu))
        snprintf(tax, sizeof tax, "%.1f 万元/亩·年", s->tax_per_mu);
    printf(_("lead %s %s · stage %s · industry %s%s%s\n"), s->lead, s->company, s->stage,
           s->industry[0] ? s->industry_zh : "未填 no data", s->industry[0] ? " " : "", s->industry);
    printf(_("land demand %s · investment %s · tax %s\n"), demand, inv, tax);
    printf(_("%ld free parcels scored; best %ld shown\n"), s->candidates, s->returned);
}

int cmd_match(int argc, char **argv, const cli_global *g)
{
    if (argc < 2) {
        printf(_("usage: %s\n%s"), match_usage, _(match_help));
        return EXIT_USAGE;
    }
    pl_match_options o;
    pl_match_options_init(&o);
    const char *lead = NULL;
    int fmt = PL_TABLE_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            printf(_("usage: %s\n%s"), match_usage, _(match_help));
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--top", &v))) {
            if (r > 0 && !cli_parse_int("--top", v, &o.top))
                return EXIT_USAGE;
            if (r > 0 && o.top < 1)
                return cli_usage_error(match_usage, "--top must be at least 1, not %d", o.top);
        } else if ((r = cli_opt_value(argc, argv, &i, "--park", &v))) {
            o.park = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(match_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (argv[i][0] != '-' && !lead) {
            lead = argv[i];
        } else {
            return cli_usage_error(match_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!lead)
        return cli_usage_error(match_usage, "match needs a LEAD code");
    int status;
    pl_db *db = cli_open_db_park(g, &o.park, &status);
    if (!db)
        return status;
    if ((status = cli_code(db, PL_CODE_LEAD, NULL, &lead, 0))) {
        pl_db_close(db);
        return status;
    }
    pl_error err;
    pl_error_clear(&err);
    pl_match_summary sum;
    o.summary = &sum;
    pl_table *t = NULL;
    int rc = pl_match_table(db, lead, &o, (pl_table_format)fmt, &t, &err);
    if (!rc) {
        if (sum.warning[0])
            fprintf(stderr, _("parkland: warning: %s\n"), sum.warning);
        if (fmt == PL_TABLE_TEXT) {
            print_summary(&sum);
            cli_table_write(t, PL_TABLE_TEXT);
            printf(_("scoring: area %d + industry %d + investment %d + tax %d + contiguity %d = 100; no data = half "
                     "(see 'parkland match --help')\n"),
                   PL_MATCH_AREA_MAX, PL_MATCH_INDUSTRY_MAX, PL_MATCH_INVESTMENT_MAX, PL_MATCH_TAX_MAX,
                   PL_MATCH_CONTIGUITY_MAX);
        } else {
            cli_table_write(t, fmt);
        }
    }
    pl_table_free(t);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
