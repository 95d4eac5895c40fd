/* number.c — exact decimal text of doubles (parkland/number.h, fixed.h). */
#include "fixed.h"
#include "parkland/number.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char digits2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                 "8081828384858687888990919293949596979899";

/* 10^0 … 10^15 */
static const uint64_t pow10u[16] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
                                    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
                                    1000000000000ull, 10000000000000ull, 100000000000000ull,
                                    1000000000000000ull};

/* v = M·2^e: integer part and fraction split exactly, the fraction scaled by
 * 10^decimals in 128-bit integers and rounded half to even (glibc's printf
 * rounds the exact value the same way in the default rounding mode). */
size_t pl_fixed_fast(char *buf, double v, int decimals, int trim)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int neg = (int)(bits >> 63);
    int bexp = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((1ull << 52) - 1);
    if (bexp == 0x7ff)
        return 0;
    int e;
    if (bexp == 0) {
        e = -1074; /* subnormal */
    } else {
        m |= 1ull << 52;
        e = bexp - 1075;
    }
    uint64_t ip = 0, q = 0;
    if (m == 0) {
        /* zero */
    } else if (e >= 0) {
        if (e > 10) /* ≥ 2^63 */
            return 0;
        ip = m << e;
    } else if (-e > 120) {
        /* |v| < 2^-67: rounds to zero at any of the decimals */
    } else {
        unsigned s = (unsigned)-e;
        uint64_t fm;
        if (s < 64) {
            ip = m >> s;
            fm = m & ((1ull << s) - 1);
        } else {
            fm = m;
        }
        typedef unsigned __int128 u128;
        u128 scaled = (u128)fm * pow10u[decimals];
        u128 mask = ((u128)1 << s) - 1;
        q = (uint64_t)(scaled >> s);
        u128 r = scaled & mask, half = (u128)1 << (s - 1);
        uint64_t last = decimals ? q : ip;
        if (r > half || (r == half && (last & 1))) {
            if (++q == pow10u[decimals]) {
                q = 0;
                ip++;
            }
        }
    }
    char *o = buf;
    if (neg && (ip || q || !trim)) /* printf writes -0.00 */
        *o++ = '-';
    /* the integer part, two digits at a time from the end */
    int nd = 1;
    for (uint64_t t = ip; t >= 10 && nd < 20; t /= 10)
        nd++;
    char *w = o + nd;
    while (ip >= 10) {
        w -= 2;
        memcpy(w, digits2 + 2 * (ip % 100), 2);
        ip /= 100;
    }
    if (w > o)
        *--w = (char)('0' + ip);
    o += nd;
    if (q || (!trim && decimals)) {
        int d = decimals;
        while (trim && q % 10 == 0) { /* trailing zeros dropped */
            q /= 10;
            d--;
        }
        *o++ = '.';
        char *f = o + d;
        while (f - o >= 2) {
            f -= 2;
            memcpy(f, digits2 + 2 * (q % 100), 2);
            q /= 100;
        }
        if (f > o)
            *--f = (char)('0' + q % 10);
        o += d;
    }
    *o = '\0';
    return (size_t)(o - buf);
}

size_t pl_format_trimmed(char *buf, size_t len, double v, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 15)
        decimals = 15;
    if (!isfinite(v)) {
        snprintf(buf, len, "null");
        return strlen(buf);
    }
    if (len >= 40) {
        size_t n = pl_fixed_fast(buf, v, decimals, 1);
        if (n)
            return n;
    }
    snprintf(buf, len, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    if (!strcmp(buf, "-0"))
        snprintf(buf, len, "0");
    return strlen(buf);
}

size_t pl_format_fixed(char *buf, size_t len, double v, int decimals)
{
    if (len >= 40 && decimals >= 0 && decimals <= 15) {
        size_t n = pl_fixed_fast(buf, v, decimals, 0); /* 0 when it cannot: below */
        if (n)
            return n;
    }
    int n = snprintf(buf, len, "%.*f", decimals, v);
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}
