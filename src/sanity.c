/* sanity.c — plausible values: unit slips and indicator ranges
 * (parkland/sanity.h). */
#include "parkland/sanity.h"

#include "parkland/i18n.h"
#include "parkland/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* marks a text for xgettext; translated with pl_tr where it is shown */
#define N_(msgid) msgid

/* Plausible ranges of the standard-land indicators (标准地控制指标), wide
 * enough for every real park of Shandong's and the national tables, narrow
 * enough to catch a slip of unit or of decimal point. */
static const pl_sanity_range ranges[] = {
    {PL_IND_INVESTMENT_INTENSITY, 50, 5000},           /* 万元/亩 */
    {PL_IND_FAR_MIN, 0.1, 10},
    {PL_IND_FAR_MAX, 0.1, 10},
    {PL_IND_TAX_PER_MU, 1, 500},                       /* 万元/亩·年 */
    {PL_IND_OUTPUT_PER_MU, 10, 20000},                 /* 万元/亩·年 */
    {PL_IND_ENERGY_PER_OUTPUT, 0.005, 5},              /* 吨标准煤/万元 */
    {PL_IND_BUILDING_COVERAGE_MIN, 10, 80},            /* % */
    {PL_IND_ADMIN_SHARE_MAX, 1, 20},                   /* % */
    {PL_IND_GREEN_RATIO_MAX, 1, 40},                   /* % */
    {PL_IND_BASE_PRICE, 1, 2000},                      /* 万元/亩 */
    {PL_IND_THRESHOLD_INVESTMENT_INTENSITY, 50, 5000}, /* 万元/亩 */
    {PL_IND_THRESHOLD_TAX_PER_MU, 1, 500},             /* 万元/亩·年 */
    {PL_IND_THRESHOLD_OUTPUT_PER_MU, 10, 20000},       /* 万元/亩·年 */
};

/* A declared area this close (relative) to a factor of the polygon's. */
#define FACTOR_TOLERANCE 0.005

const pl_sanity_range *pl_sanity_ranges(size_t *n)
{
    *n = sizeof ranges / sizeof *ranges;
    return ranges;
}

int pl_sanity_land_mu(double mu, char *msg, size_t len)
{
    if (!(mu > PL_SANITY_LAND_MU_MAX))
        return 0;
    snprintf(msg, len,
             pl_tr("land demand %.10g 亩 is more than %.0f 亩 (= %.1f ha): m²? %.10g m² would be %.2f 亩; "
                   "kept as %.10g 亩"),
             mu, PL_SANITY_LAND_MU_MAX, mu * PL_M2_PER_MU / PL_M2_PER_HA, mu, mu / PL_M2_PER_MU, mu);
    return 1;
}

/* An area unit in the current language: "ha" is 公顷 in Chinese; 亩 and m² as they are. */
static const char *unit_name(const char *u)
{
    return !strcmp(u, "ha") ? pl_tr(N_("ha")) : u;
}

int pl_sanity_declared_area(double declared_m2, double computed_m2, char *msg, size_t len)
{
    if (!(declared_m2 > 0) || !(computed_m2 > 0) || !isfinite(declared_m2) || !isfinite(computed_m2))
        return 0;
    static const struct {
        double factor;     /* declared ÷ computed */
        const char *label; /* the factor as said: the whole sentence, for the translators */
        const char *read_as, *likely;
    } slips[] = {
        /* TRANSLATORS: the declared m², the polygon's m², the likely unit (twice), the unit
         * the number was read in ("ha", 亩 or m²). */
        {15.0, N_("declared %.2f m² is 15 × the polygon's %.2f m²: %s? (a number in %s read as %s)"), "ha", "亩"},
        {1 / 15.0, N_("declared %.2f m² is 1/15 of the polygon's %.2f m²: %s? (a number in %s read as %s)"), "亩", "ha"},
        {PL_M2_PER_MU, N_("declared %.2f m² is 666.7 × the polygon's %.2f m²: %s? (a number in %s read as %s)"), "亩",
         "m²"},
        {1 / PL_M2_PER_MU, N_("declared %.2f m² is 1/666.7 of the polygon's %.2f m²: %s? (a number in %s read as %s)"),
         "m²", "亩"},
        {PL_M2_PER_HA, N_("declared %.2f m² is 10000 × the polygon's %.2f m²: %s? (a number in %s read as %s)"), "ha",
         "m²"},
        {1 / PL_M2_PER_HA, N_("declared %.2f m² is 1/10000 of the polygon's %.2f m²: %s? (a number in %s read as %s)"),
         "m²", "ha"},
    };
    double ratio = declared_m2 / computed_m2;
    for (size_t i = 0; i < sizeof slips / sizeof *slips; i++)
        if (fabs(ratio / slips[i].factor - 1) <= FACTOR_TOLERANCE) {
            snprintf(msg, len, pl_tr(slips[i].label), declared_m2, computed_m2, unit_name(slips[i].likely),
                     unit_name(slips[i].likely), unit_name(slips[i].read_as));
            return 1;
        }
    return 0;
}

int pl_sanity_indicator(pl_ind_field f, double value, char *msg, size_t len)
{
    if (isnan(value))
        return 0;
    for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++) {
        if (ranges[i].field != f)
            continue;
        if (value >= ranges[i].lo && value <= ranges[i].hi)
            return 0;
        const pl_indicator_info *in = pl_indicator_field_info(f);
        const char *u = in && in->unit[0] ? in->unit : "";
        const char *name = !in ? "" : pl_lang_current() == PL_LANG_ZH ? in->zh : in->en;
        snprintf(msg, len, pl_tr("%s %.10g%s%s is outside the plausible range %.10g–%.10g%s%s: a slip of unit or "
                                 "decimal point?"),
                 name, value, *u ? " " : "", u, ranges[i].lo, ranges[i].hi,
                 *u ? " " : "", u);
        return 1;
    }
    return 0;
}

int pl_sanity_area_attr(const char *key, const char *value, double computed_m2, char *msg, size_t len)
{
    static const struct {
        const char *key;
        double m2; /* m² per unit */
    } keys[] = {
        {"area_m2", 1},          {"面积平方米", 1},          {"面积_平方米", 1},
        {"area_ha", PL_M2_PER_HA}, {"面积公顷", PL_M2_PER_HA}, {"面积_公顷", PL_M2_PER_HA},
        {"地块面积", PL_M2_PER_HA}, {"area_mu", PL_M2_PER_MU}, {"面积亩", PL_M2_PER_MU},
        {"面积_亩", PL_M2_PER_MU},
    };
    if (!key || !value)
        return 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (strcasecmp(key, keys[i].key))
            continue;
        char *end;
        double v = strtod(value, &end);
        if (end == value || *end || !isfinite(v))
            return 0;
        char slip[400];
        if (!pl_sanity_declared_area(v * keys[i].m2, computed_m2, slip, sizeof slip))
            return 0;
        snprintf(msg, len, "%s=%s: %s", key, value, slip);
        return 1;
    }
    return 0;
}
