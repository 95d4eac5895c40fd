/*
 * parkland/intensity.h — investment intensity 投资强度 (万元/亩), the one way
 * parkland computes it from an investment and a piece of land: `match`
 * (a lead's investment ÷ each parcel's area), `query free --investment` and
 * `project sign` (the committed investment ÷ the parcels' area) all call it,
 * so that a parcel match ranks first is not refused by signing for intensity.
 */
#ifndef PARKLAND_INTENSITY_H
#define PARKLAND_INTENSITY_H

#ifdef __cplusplus
extern "C" {
#endif

/* investment_wan (万元) ÷ the area (m², in 亩: × 15 / 10000); NAN when the
 * investment is NAN or negative, or the area is NAN or not positive. */
double pl_investment_intensity(double investment_wan, double area_m2);

#ifdef __cplusplus
}
#endif
#endif
