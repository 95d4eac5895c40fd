/* test_landing.c — the one landing rule of the map and the reports
 * (src/landing.c): stage from the actual dates as of D, the overdue start and
 * the idle/reclaim thresholds at their boundaries. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "landing.h"
#include "vocab.h"

/* The date `days` days before 2026-06-30 (YYYY-MM-DD in a static buffer). */
static const char *days_before(long days)
{
    static char buf[4][16];
    static int k;
    struct tm t = {.tm_year = 126, .tm_mon = 5, .tm_mday = 30 - (int)days, .tm_hour = 12, .tm_isdst = -1};
    mktime(&t); /* normalises the day of the month */
    char *b = buf[k++ & 3];
    strftime(b, 16, "%Y-%m-%d", &t);
    long d0, back;
    cr_assert(pl_date_days("2026-06-30", &d0) && pl_date_days(b, &back) && back == d0 - days, "%s", b);
    return b;
}

#define AS_OF "2026-06-30"

Test(landing, thresholds_at_their_boundaries)
{
    const struct {
        long days;
        int overdue, idle, reclaim;
        const char *cls;
    } cases[] = {
        {-1, 0, 0, 0, "signed"}, {0, 0, 0, 0, "signed"},     {1, 1, 0, 0, "overdue"},  {364, 1, 0, 0, "overdue"},
        {365, 1, 1, 0, "idle"},  {366, 1, 1, 0, "idle"},     {729, 1, 1, 0, "idle"},   {730, 1, 1, 1, "reclaim"},
        {731, 1, 1, 1, "reclaim"}, {4000, 1, 1, 1, "reclaim"},
    };
    const char *const none[PL_MS_KINDS] = {NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pl_landing l;
        pl_landing_of(1, none, days_before(cases[i].days), AS_OF, &l);
        cr_expect_eq(l.overdue_days, cases[i].overdue ? cases[i].days : 0, "%ld days", cases[i].days);
        cr_expect_eq(l.overdue, cases[i].overdue, "%ld days", cases[i].days);
        cr_expect_eq(l.idle, cases[i].idle, "%ld days", cases[i].days);
        cr_expect_eq(l.reclaim, cases[i].reclaim, "%ld days", cases[i].days);
        cr_expect_str_eq(l.cls, cases[i].cls, "%ld days", cases[i].days);
        cr_expect_str_eq(l.stage, "signed");
    }
    cr_expect_eq(PL_IDLE_DAYS, 365);
    cr_expect_eq(PL_RECLAIM_DAYS, 730);
}

Test(landing, stage_from_the_actual_dates_as_of_the_date)
{
    pl_landing l;
    const char *const land[PL_MS_KINDS] = {"2025-01-01", NULL, NULL, NULL};
    pl_landing_of(1, land, "2026-01-01", AS_OF, &l);
    cr_expect_str_eq(l.stage, "land_supplied");
    cr_expect_str_eq(l.cls, "overdue"); /* the flags win over the stage */
    cr_expect_eq(l.overdue_days, 180);

    /* started: never overdue, whatever the agreed date */
    const char *const started[PL_MS_KINDS] = {"2020-01-01", "2026-06-30", "", ""};
    pl_landing_of(1, started, "2020-02-01", AS_OF, &l);
    cr_expect_str_eq(l.stage, "construction");
    cr_expect_str_eq(l.cls, "construction");
    cr_expect_eq(l.overdue, 0);

    /* a start after D has not happened as of D: 2 years late as of D */
    const char *const later[PL_MS_KINDS] = {"2020-01-01", "2026-07-01", NULL, NULL};
    pl_landing_of(1, later, "2024-06-30", AS_OF, &l);
    cr_expect_str_eq(l.stage, "land_supplied");
    cr_expect_str_eq(l.cls, "reclaim");
    cr_expect_eq(l.overdue_days, 730);

    const char *const all[PL_MS_KINDS] = {"2020-01-01", "2020-06-01", "2021-06-01", "2022-06-01"};
    pl_landing_of(1, all, "2020-05-01", AS_OF, &l);
    cr_expect_str_eq(l.cls, "verified");
    const char *const prod[PL_MS_KINDS] = {"2020-01-01", "2020-06-01", "2021-06-01", "2027-06-01"};
    pl_landing_of(1, prod, "2020-05-01", AS_OF, &l);
    cr_expect_str_eq(l.cls, "production");

    /* no project: "none", never overdue */
    pl_landing_of(0, all, "2020-01-01", AS_OF, &l);
    cr_expect_str_eq(l.stage, "none");
    cr_expect_str_eq(l.cls, "none");
    cr_expect_eq(l.overdue, 0);

    /* no agreed start, or not a date: not overdue */
    const char *const none[PL_MS_KINDS] = {NULL, NULL, NULL, NULL};
    const char *bad[] = {NULL, "", "2025-02-30", "someday"};
    for (size_t i = 0; i < 4; i++) {
        pl_landing_of(1, none, bad[i], AS_OF, &l);
        cr_expect_eq(l.overdue, 0, "'%s'", bad[i] ? bad[i] : "NULL");
        cr_expect_str_eq(l.cls, "signed");
    }
}

/* Every class the rule gives is a landing class of the vocabulary (and so has a colour). */
Test(landing, classes_are_the_vocabulary)
{
    const char *const none[PL_MS_KINDS] = {NULL, NULL, NULL, NULL};
    long days[] = {0, 1, 365, 730};
    for (size_t i = 0; i < 4; i++) {
        pl_landing l;
        pl_landing_of(1, none, days_before(days[i]), AS_OF, &l);
        cr_expect_geq(pl_vocab_index(PL_VOCAB_LANDING, l.cls), 0, "%s", l.cls);
        cr_expect_lt(pl_vocab_index(PL_VOCAB_LANDING, l.stage), PL_LANDING_STAGES, "%s", l.stage);
    }
}
