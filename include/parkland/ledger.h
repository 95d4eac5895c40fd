/*
 * parkland/ledger.h — the stock ledger (存量土地台账, 批供用) as of a date
 * (issue 15 §3): every parcel that is land on D (not retired) in exactly one
 * category, the first of this list that holds:
 *
 *   idle                闲置      a recorded idle-land case confirmed (认定) or
 *                                 disposed (处置) and not closed on D
 *                                 (parkland/idle.h), or the parcel's status on D
 *                                 is idle 闲置;
 *   inefficient         低效      supplied and started, and the firm holding it
 *                                 (parkland/muni.h, the latest year with annual
 *                                 figures not after D's year, all parks ranked
 *                                 together) is graded D; or graded, and its tax
 *                                 per mu (tax ÷ its 亩) or sales per mu is below
 *                                 the floor: the project's committed 亩均税收 /
 *                                 亩均产值, else the parcel's indicator, else the
 *                                 park's threshold (park indicators);
 *   underused           用而未尽  started (the holding project's actual
 *                                 construction start ≤ D, or status
 *                                 construction/production/verified on D) and
 *                                 either neither completed (竣工) nor producing
 *                                 on D, or the latest inspection on or before D
 *                                 records progress < 100 % or a developed area
 *                                 (built_area_m2, as the idle test reads it) less
 *                                 than the parcel's area;
 *   supplied_unused     供而未用  supplied (the holding project's actual land
 *                                 milestone 出让/交地 ≤ D, or status transferred
 *                                 or later on D) and not started;
 *   approved_unsupplied 批而未供  approved for construction use (parcel
 *                                 approved_on ≤ D: `parcel edit --approved-on`)
 *                                 and not supplied;
 *   reserve             储备      status reserve 储备 on D (not approved);
 *   other               其他      anything else: land available, reserved or
 *                                 listed without an approval on record.
 * Statuses on D come from history as in the reports (parkland/report.h);
 * projects signed after D, terminated on or before D or whose hold ended
 * (reclaimed) by D do not hold the parcel.
 *
 * Ownership: see parkland/error.h. A pl_ledger is filled by pl_ledger_build
 * and released with pl_ledger_release (always safe to release).
 */
#ifndef PARKLAND_LEDGER_H
#define PARKLAND_LEDGER_H

#include <stddef.h>

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_ledger_class {
    PL_LEDGER_APPROVED_UNSUPPLIED = 0, /* 批而未供 */
    PL_LEDGER_SUPPLIED_UNUSED,         /* 供而未用 */
    PL_LEDGER_UNDERUSED,               /* 用而未尽 */
    PL_LEDGER_IDLE,                    /* 闲置 */
    PL_LEDGER_INEFFICIENT,             /* 低效 */
    PL_LEDGER_RESERVE,                 /* 储备 */
    PL_LEDGER_OTHER,                   /* 其他 */
    PL_LEDGER_CLASSES
} pl_ledger_class;

/* "approved_unsupplied", … "other" (the ledger map's class keys); "" when out of range. Static storage. */
const char *pl_ledger_class_id(pl_ledger_class c);
/* "批而未供", … (Chinese) and "Approved, not supplied", … (English). Static storage. */
const char *pl_ledger_class_zh(pl_ledger_class c);
const char *pl_ledger_class_en(pl_ledger_class c);

typedef struct pl_ledger_parcel {
    long id;
    char park[64], code[128];
    double area_m2;
    pl_ledger_class cls;
    char status[16];           /* on D */
    char project[64];          /* the holding project's code, "" when none */
    char reason[256];          /* why, in English with the dates (e.g. "approved 2025-03-01 (鲁政土字[2025]12号)") */
} pl_ledger_parcel;

typedef struct pl_ledger {
    char as_of[11];
    int muni_year;             /* the year of the grades read, 0 when none */
    pl_ledger_parcel *parcels; /* by parcel id */
    size_t n;
} pl_ledger;

/* The ledger as of `as_of` (NULL = today) of park `park` (NULL = all).
 * PL_ERR_USAGE (bad date), PL_ERR_NOTFOUND (no such park). Reads only. */
int pl_ledger_build(pl_db *db, const char *as_of, const char *park, pl_ledger *out, pl_error *err);
void pl_ledger_release(pl_ledger *l);
/* The entry of parcel `id`, NULL when not in the ledger. */
const pl_ledger_parcel *pl_ledger_find(const pl_ledger *l, long id);

#ifdef __cplusplus
}
#endif
#endif
