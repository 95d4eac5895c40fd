/* parkland/units.h — area units. 1 亩 = 10000/15 m² exactly; 1 ha = 15 亩. */
#ifndef PARKLAND_UNITS_H
#define PARKLAND_UNITS_H

#define PL_M2_PER_MU (10000.0 / 15.0)
#define PL_M2_PER_HA 10000.0

static inline double pl_m2_to_mu(double m2) { return m2 * 15.0 / 10000.0; }
static inline double pl_m2_to_ha(double m2) { return m2 / PL_M2_PER_HA; }
static inline double pl_mu_to_m2(double mu) { return mu * 10000.0 / 15.0; }

#endif
