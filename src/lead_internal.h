/* lead_internal.h — the checks of a new lead, shared by lead.c (add, import)
 * and lead_edit.c (edit): one owner for what a valid lead is (internal). */
#ifndef PARKLAND_LEAD_INTERNAL_H
#define PARKLAND_LEAD_INTERNAL_H

#include <stddef.h>

#include "parkland/lead.h"

/* A lead as pl_lead_add would store it. */
typedef struct pl_lead_checked {
    char industry[32];         /* industry id; "" when none */
    char currency[4];          /* "" for CNY */
    double investment_cny;     /* NAN when unknown */
    double investment_foreign; /* NAN when CNY or unknown */
} pl_lead_checked;

/* Check `f` as pl_lead_add does and fill `out`. The problems found, joined
 * with "; ", go to problems[len] ("" when none). PL_OK (also with problems),
 * or an error (err set) when the database cannot be read. */
/* Set lead `id` (code `code`)'s park to the park coded `park` (NULL: none,
 * 未定园区) inside the caller's transaction, with a history row 'park' (old →
 * new park code) when it changes; *changed (may be NULL) 1 then, else 0.
 * PL_ERR_NOTFOUND for an unknown park. */
int pl_lead_park_set(pl_db *db, long id, const char *code, const char *park, int *changed, pl_error *err);

int pl_lead_check(pl_db *db, const pl_lead_fields *f, pl_lead_checked *out, char *problems, size_t len,
                  pl_error *err);

#endif
