/*
 * date.h — calendar dates written YYYY-MM-DD, and day numbers for "days
 * between" (internal). Proleptic Gregorian calendar; no time zones.
 */
#ifndef PARKLAND_DATE_H
#define PARKLAND_DATE_H

/* The years a register takes (leads, projects, milestones). */
#define PL_DATE_YEAR_MIN 1900
#define PL_DATE_YEAR_MAX 2200

/* 1 when y-m-d is a real calendar date (year 1 or later), else 0. */
int pl_date_ymd_valid(int y, int m, int d);

/* 1 when s is exactly YYYY-MM-DD (ten characters, ASCII digits) and a real
 * calendar date of years 0001–9999; *y, *m, *d are set when not NULL. 0 else
 * (s may be NULL). */
int pl_date_parse(const char *s, int *y, int *m, int *d);

/* pl_date_parse(s, NULL, NULL, NULL). */
int pl_date_valid(const char *s);

/* pl_date_parse with the year in ymin..ymax. */
int pl_date_valid_years(const char *s, int ymin, int ymax);

/* Days since 1970-01-01 of y-m-d (H. Hinnant's days_from_civil). */
long pl_days_from_civil(int y, int m, int d);

/* 1 when pl_date_parse takes s; *days (when not NULL) gets its day number
 * since 1970-01-01, so that two dates are b - a days apart. */
int pl_date_days(const char *s, long *days);

#endif
