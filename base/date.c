/* date.c — YYYY-MM-DD dates and day numbers (see date.h). */
#include "date.h"

#include <string.h>

int pl_date_ymd_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int pl_date_parse(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int yy = two(s) * 100 + two(s + 2), mm = two(s + 5), dd = two(s + 8);
    if (!pl_date_ymd_valid(yy, mm, dd))
        return 0;
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
    return 1;
}

int pl_date_valid(const char *s)
{
    return pl_date_parse(s, NULL, NULL, NULL);
}

int pl_date_valid_years(const char *s, int ymin, int ymax)
{
    int y;
    return pl_date_parse(s, &y, NULL, NULL) && y >= ymin && y <= ymax;
}

long pl_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int pl_date_days(const char *s, long *days)
{
    int y, m, d;
    if (!pl_date_parse(s, &y, &m, &d))
        return 0;
    if (days)
        *days = pl_days_from_civil(y, m, d);
    return 1;
}
