/* intensity.c — investment intensity: investment ÷ land area (parkland/intensity.h). */
#include "parkland/intensity.h"

#include "parkland/units.h"

#include <math.h>

double pl_investment_intensity(double investment_wan, double area_m2)
{
    if (isnan(investment_wan) || investment_wan < 0 || isnan(area_m2) || !(area_m2 > 0))
        return NAN;
    return investment_wan / pl_m2_to_mu(area_m2);
}
