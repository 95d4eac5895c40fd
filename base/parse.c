/* parse.c — the one dialect of dates, numbers and quantities (parkland/parse.h). */
#include "parkland/parse.h"

#include "date.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest value read (folded); longer values are refused. */
#define FOLD_MAX 256

/* Copy s into out[FOLD_MAX] with the full-width ASCII forms (U+FF01–FF5E) as
 * ASCII and the ideographic space as a space, without the blanks around it.
 * 0 when s is NULL or too long. */
static int fold(const char *s, char out[FOLD_MAX])
{
    if (!s)
        return 0;
    size_t k = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c;
        size_t n = 1;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF)
            c = (unsigned char)(p[2] - 0x81 + 0x21), n = 3;
        else if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E)
            c = (unsigned char)(p[2] - 0x80 + 0x60), n = 3;
        else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            c = ' ', n = 3;
        else if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) /* U+2212 minus sign */
            c = '-', n = 3;
        else
            c = p[0];
        if (k + 1 >= FOLD_MAX)
            return 0;
        out[k++] = (char)c;
        p += n;
    }
    while (k && (out[k - 1] == ' ' || out[k - 1] == '\t'))
        k--;
    out[k] = '\0';
    size_t lead = strspn(out, " \t");
    memmove(out, out + lead, k - lead + 1);
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Up to max digits at s into *v; the number of digits read (0 when none). */
static size_t digits(const char *s, size_t max, int *v)
{
    size_t n = 0;
    int x = 0;
    while (n < max && is_digit(s[n]))
        x = x * 10 + (s[n++] - '0');
    *v = x;
    return n;
}

int pl_parse_date(const char *s, char out[11])
{
    char f[FOLD_MAX];
    if (!fold(s, f))
        return 0;
    int y, m, d;
    size_t n = digits(f, 8, &y);
    const char *p = f + n;
    if (n == 8 && !*p) { /* 20260301 */
        d = y % 100;
        m = y / 100 % 100;
        y /= 10000;
    } else if (n == 4) {
        static const char nian[] = "年", yue[] = "月", ri[] = "日";
        if (!strncmp(p, nian, sizeof nian - 1)) { /* 2026年3月1日 */
            p += sizeof nian - 1;
            size_t k = digits(p, 2, &m);
            if (!k || is_digit(p[k]) || strncmp(p + k, yue, sizeof yue - 1))
                return 0;
            p += k + sizeof yue - 1;
            if (!(k = digits(p, 2, &d)) || is_digit(p[k]))
                return 0;
            p += k;
            if (!strncmp(p, ri, sizeof ri - 1))
                p += sizeof ri - 1;
        } else if (*p == '-' || *p == '/' || *p == '.') { /* 2026-3-1, 2026/3/1, 2026.3.1 */
            char sep = *p++;
            size_t k = digits(p, 2, &m);
            if (!k || p[k] != sep)
                return 0;
            p += k + 1;
            if (!(k = digits(p, 2, &d)))
                return 0;
            p += k;
        } else {
            return 0;
        }
        if (*p)
            return 0;
    } else {
        return 0;
    }
    if (y < 1000 || !pl_date_ymd_valid(y, m, d))
        return 0;
    if (out) {
        out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
        out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10);
        out[4] = '-', out[5] = (char)('0' + m / 10), out[6] = (char)('0' + m % 10);
        out[7] = '-', out[8] = (char)('0' + d / 10), out[9] = (char)('0' + d % 10), out[10] = '\0';
    }
    return 1;
}

int pl_parse_month(const char *s, char out[8])
{
    char f[FOLD_MAX];
    if (!fold(s, f))
        return 0;
    int y, m;
    size_t n = digits(f, 6, &y);
    const char *p = f + n;
    if (n == 6 && !*p) { /* 202603 */
        m = y % 100;
        y /= 100;
    } else if (n == 4 && (*p == '-' || *p == '/' || *p == '.')) {
        size_t k = digits(++p, 2, &m);
        if (!k || p[k])
            return 0;
    } else if (n == 4 && !strncmp(p, "年", strlen("年"))) {
        p += strlen("年");
        size_t k = digits(p, 2, &m);
        if (!k || (p[k] && strcmp(p + k, "月")))
            return 0;
    } else {
        return 0;
    }
    if (y < 1000 || m < 1 || m > 12)
        return 0;
    if (out) {
        out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
        out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10);
        out[4] = '-', out[5] = (char)('0' + m / 10), out[6] = (char)('0' + m % 10), out[7] = '\0';
    }
    return 1;
}

/* The number at the start of the folded f: its length, *out set; 0 when f
 * does not start with one. Thousands separators only in the integer part,
 * each followed by exactly three digits. */
static size_t scan_number(const char *f, double *out)
{
    char buf[FOLD_MAX];
    size_t i = 0, k = 0, mant = 0;
    if (f[i] == '+' || f[i] == '-')
        buf[k++] = f[i++];
    while (is_digit(f[i]) || f[i] == ',') {
        if (f[i] == ',') {
            if (!i || !is_digit(f[i - 1]) || !is_digit(f[i + 1]) || !is_digit(f[i + 2]) || !is_digit(f[i + 3]) ||
                is_digit(f[i + 4]))
                return 0;
            i++;
            continue;
        }
        buf[k++] = f[i++];
        mant++;
    }
    if (f[i] == '.') {
        buf[k++] = f[i++];
        while (is_digit(f[i]))
            buf[k++] = f[i++], mant++;
    }
    if (!mant)
        return 0;
    if ((f[i] == 'e' || f[i] == 'E') &&
        (is_digit(f[i + 1]) || ((f[i + 1] == '+' || f[i + 1] == '-') && is_digit(f[i + 2])))) {
        buf[k++] = f[i++];
        if (f[i] == '+' || f[i] == '-')
            buf[k++] = f[i++];
        while (is_digit(f[i]))
            buf[k++] = f[i++];
    }
    buf[k] = '\0';
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return i;
}

int pl_parse_number(const char *s, double *out)
{
    char f[FOLD_MAX];
    double v;
    size_t n;
    if (!fold(s, f) || !(n = scan_number(f, &v)) || f[n])
        return 0;
    *out = v;
    return 1;
}

int pl_parse_number_list(const char *s, double *out, size_t n)
{
    char f[FOLD_MAX];
    if (!n || !fold(s, f))
        return 0;
    char *p = f;
    for (size_t i = 0; i < n; i++) {
        char *comma = strchr(p, ',');
        if ((i + 1 < n) != (comma != NULL))
            return 0;
        if (comma)
            *comma = '\0';
        double v;
        size_t len;
        char *b = p + strspn(p, " \t");
        size_t e = strlen(b);
        while (e && (b[e - 1] == ' ' || b[e - 1] == '\t'))
            b[--e] = '\0';
        if (strchr(b, ',') || !(len = scan_number(b, &v)) || b[len])
            return 0;
        out[i] = v;
        p = comma ? comma + 1 : p;
    }
    return 1;
}

/* ---- units ------------------------------------------------------------------------ */

enum dim { DIM_NONE, DIM_AREA, DIM_MONEY, DIM_LENGTH, DIM_INTENSITY, DIM_INTENSITY_YEAR };

/* A unit as written: its dimension and its size in the dimension's first
 * unit (m², 万元, m, 万元/亩, 万元/亩·年) as num/den. */
static const struct unit_name {
    const char *text;
    pl_unit unit; /* the unit it is, when an option takes it as its own */
    enum dim dim;
    double num, den;
} unit_names[] = {
    {"m²", PL_UNIT_M2, DIM_AREA, 1, 1},
    {"m2", PL_UNIT_M2, DIM_AREA, 1, 1},
    {"㎡", PL_UNIT_M2, DIM_AREA, 1, 1},
    {"平方米", PL_UNIT_M2, DIM_AREA, 1, 1},
    {"平米", PL_UNIT_M2, DIM_AREA, 1, 1},
    {"sqm", PL_UNIT_M2, DIM_AREA, 1, 1},
    {"亩", PL_UNIT_MU, DIM_AREA, 10000, 15},
    {"mu", PL_UNIT_MU, DIM_AREA, 10000, 15},
    {"公顷", PL_UNIT_HA, DIM_AREA, 10000, 1},
    {"ha", PL_UNIT_HA, DIM_AREA, 10000, 1},
    {"hectare", PL_UNIT_HA, DIM_AREA, 10000, 1},
    {"hectares", PL_UNIT_HA, DIM_AREA, 10000, 1},
    {"万元", PL_UNIT_WAN, DIM_MONEY, 1, 1},
    {"万", PL_UNIT_WAN, DIM_MONEY, 1, 1},
    {"亿元", PL_UNIT_NONE, DIM_MONEY, 10000, 1},
    {"亿", PL_UNIT_NONE, DIM_MONEY, 10000, 1},
    {"元", PL_UNIT_NONE, DIM_MONEY, 1, 10000},
    {"m", PL_UNIT_M, DIM_LENGTH, 1, 1},
    {"米", PL_UNIT_M, DIM_LENGTH, 1, 1},
    {"metre", PL_UNIT_M, DIM_LENGTH, 1, 1},
    {"metres", PL_UNIT_M, DIM_LENGTH, 1, 1},
    {"meter", PL_UNIT_M, DIM_LENGTH, 1, 1},
    {"meters", PL_UNIT_M, DIM_LENGTH, 1, 1},
    {"km", PL_UNIT_NONE, DIM_LENGTH, 1000, 1},
    {"公里", PL_UNIT_NONE, DIM_LENGTH, 1000, 1},
    {"千米", PL_UNIT_NONE, DIM_LENGTH, 1000, 1},
    {"万元/亩", PL_UNIT_WAN_PER_MU, DIM_INTENSITY, 1, 1},
    {"万元/公顷", PL_UNIT_NONE, DIM_INTENSITY, 1, 15},
    {"元/m²", PL_UNIT_NONE, DIM_INTENSITY, 1, 15},
    {"元/m2", PL_UNIT_NONE, DIM_INTENSITY, 1, 15},
    {"元/㎡", PL_UNIT_NONE, DIM_INTENSITY, 1, 15},
    {"元/平方米", PL_UNIT_NONE, DIM_INTENSITY, 1, 15},
    {"万元/亩·年", PL_UNIT_WAN_PER_MU_YEAR, DIM_INTENSITY_YEAR, 1, 1},
    {"万元/亩/年", PL_UNIT_WAN_PER_MU_YEAR, DIM_INTENSITY_YEAR, 1, 1},
    {"万元/亩", PL_UNIT_WAN_PER_MU_YEAR, DIM_INTENSITY_YEAR, 1, 1},
    {"万元/公顷·年", PL_UNIT_NONE, DIM_INTENSITY_YEAR, 1, 15},
    {"万元/公顷/年", PL_UNIT_NONE, DIM_INTENSITY_YEAR, 1, 15},
};

static const struct unit_name *unit_own(pl_unit u)
{
    for (size_t i = 0; i < sizeof unit_names / sizeof *unit_names; i++)
        if (unit_names[i].unit == u && u != PL_UNIT_NONE)
            return &unit_names[i];
    return NULL;
}

const char *pl_unit_name(pl_unit u)
{
    const struct unit_name *n = unit_own(u);
    return n ? n->text : "";
}

pl_unit pl_unit_parse(const char *text)
{
    for (size_t i = 0; text && i < sizeof unit_names / sizeof *unit_names; i++)
        if (!strcasecmp(unit_names[i].text, text))
            return unit_names[i].unit;
    return PL_UNIT_NONE;
}

const char *pl_unit_choices(pl_unit unit)
{
    const struct unit_name *n = unit_own(unit);
    switch (n ? n->dim : DIM_NONE) {
    case DIM_AREA:
        return "亩/mu, 公顷/ha, m²/m2/平方米";
    case DIM_MONEY:
        return "万元/万, 亿元/亿, 元";
    case DIM_LENGTH:
        return "m/米, km/公里";
    case DIM_INTENSITY:
        return "万元/亩, 万元/公顷, 元/m²";
    case DIM_INTENSITY_YEAR:
        return "万元/亩·年, 万元/公顷·年";
    default:
        return "";
    }
}

int pl_parse_quantity(const char *s, pl_unit unit, double *out, int *converted)
{
    char f[FOLD_MAX];
    double v;
    size_t n;
    if (!fold(s, f) || !(n = scan_number(f, &v)))
        return 0;
    const char *u = f + n;
    u += strspn(u, " \t");
    int conv = 0;
    if (*u) {
        const struct unit_name *want = unit_own(unit);
        if (!want)
            return 0;
        /* the middle dot of 万元/亩·年 may be written ・ or • */
        char norm[FOLD_MAX];
        size_t k = 0;
        for (const char *p = u; *p;) {
            if (!strncmp(p, "・", 3) || !strncmp(p, "•", 3)) {
                memcpy(norm + k, "·", 2), k += 2, p += 3;
            } else {
                norm[k++] = *p++;
            }
        }
        norm[k] = '\0';
        const struct unit_name *got = NULL;
        for (size_t i = 0; i < sizeof unit_names / sizeof *unit_names && !got; i++)
            if (unit_names[i].dim == want->dim && !strcasecmp(unit_names[i].text, norm))
                got = &unit_names[i];
        if (!got)
            return 0;
        if (got->num != want->num || got->den != want->den) {
            v = v * got->num * want->den / (got->den * want->num);
            if (!isfinite(v))
                return 0;
            conv = 1;
        }
    }
    *out = v;
    if (converted)
        *converted = conv;
    return 1;
}

/* ---- did you mean ---------------------------------------------------------------------- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int pl_edit_distance(const char *a, const char *b, int limit)
{
    size_t n = strlen(a), m = strlen(b);
    if (limit < 0)
        limit = 0;
    if ((n > m ? n - m : m - n) > (size_t)limit)
        return limit + 1;
    if (m > 255 || n > 255)
        return limit + 1;
    /* three rows of the optimal-string-alignment table */
    int rows[3][256];
    int *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= m; j++)
        p[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        c[0] = (int)i;
        int best = c[0];
        for (size_t j = 1; j <= m; j++) {
            int cost = lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]);
            int v = p[j - 1] + cost;
            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (i > 1 && j > 1 && lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 2]) &&
                lower((unsigned char)a[i - 2]) == lower((unsigned char)b[j - 1]) && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
        int *t = pp;
        pp = p, p = c, c = t;
    }
    return p[m] > limit ? limit + 1 : p[m];
}

int pl_suggest_limit(size_t n)
{
    return n <= 4 ? 1 : n <= 9 ? 2 : 3;
}
