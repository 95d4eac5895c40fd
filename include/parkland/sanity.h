/* parkland/sanity.h — values that are possible but unlikely: a unit slip
 * (m² typed where 亩 was meant, 亩 read as 公顷) or an indicator outside its
 * plausible range. These are warnings, never refusals: the value is kept as
 * given (a 4000 亩 park-sized project or a FAR of 12 can be real), and the
 * caller shows the text, which names the value and the likely unit or range.
 * Every threshold is in this one file (src/sanity.c). */
#ifndef PARKLAND_SANITY_H
#define PARKLAND_SANITY_H

#include <stddef.h>

#include "parkland/indicators.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A lead's land demand above this many 亩 (200 ha) is more likely m². */
#define PL_SANITY_LAND_MU_MAX 3000.0

/* The warnings are in the current language (parkland/i18n.h: English unless
 * pl_lang_set chose Chinese). */

/* 1 and a warning in msg (len bytes) when a land demand of `mu` 亩
 * is over PL_SANITY_LAND_MU_MAX; 0 (msg untouched) otherwise. */
int pl_sanity_land_mu(double mu, char *msg, size_t len);

/* 1 and a warning when a declared area is, within 0.5 %, 15 × or 1/15 of the
 * polygon's (亩 and 公顷 swapped), or 666.7 × or 1/666.7 (m² and 亩), or
 * 10000 × or 1/10000 (m² and 公顷): the text names the factor and the likely
 * unit. 0 otherwise, and for values that are not positive. */
int pl_sanity_declared_area(double declared_m2, double computed_m2, char *msg, size_t len);

/* pl_sanity_declared_area for a parcel's area attribute KEY=VALUE (parcel
 * edit --attr): the key gives the unit (area_m2, 面积平方米: m²; area_ha,
 * 面积公顷, 地块面积: 公顷; area_mu, 面积亩: 亩; ASCII case ignored), the
 * value a plain number. 0 for other keys and values that are not numbers. */
int pl_sanity_area_attr(const char *key, const char *value, double computed_m2, char *msg, size_t len);

/* The plausible range of an indicator (both bounds inclusive). */
typedef struct pl_sanity_range {
    pl_ind_field field;
    double lo, hi;
} pl_sanity_range;

/* The table of plausible ranges, `*n` entries (static storage). */
const pl_sanity_range *pl_sanity_ranges(size_t *n);

/* 1 and a warning naming the value and the range when `value` of indicator
 * `f` is outside its plausible range; 0 when inside, NAN, or without range. */
int pl_sanity_indicator(pl_ind_field f, double value, char *msg, size_t len);

#ifdef __cplusplus
}
#endif
#endif
