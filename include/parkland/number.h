/* parkland/number.h — numbers as text. */
#ifndef PARKLAND_NUMBER_H
#define PARKLAND_NUMBER_H

#include <stddef.h>

/* snprintf(buf, len, "%.*f", decimals, v), digit for digit (round half to
 * even on exact ties, "-0.00" for negative zero), without printf's
 * multi-precision path: exact integer arithmetic when |v| < 2^63,
 * 0 ≤ decimals ≤ 15 and len ≥ 40; snprintf otherwise. Returns the length
 * written (NUL not counted). The maps use the same digits with trailing zeros
 * dropped (gis/writer.h, pl_w_num). */
size_t pl_format_fixed(char *buf, size_t len, double v, int decimals);

#endif
