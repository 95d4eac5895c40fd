/* query_internal.h — what tests/test_query.c may reach inside src/query.c.
 * Not part of the API (not installed with include/parkland). */
#ifndef PARKLAND_QUERY_INTERNAL_H
#define PARKLAND_QUERY_INTERNAL_H

#include "parkland/query.h"

#include <stddef.h>

/* The plan SQLite follows for pl_query_free(db, filter): the detail column
 * of EXPLAIN QUERY PLAN, one step a line ("SEARCH p USING INDEX …\n…"),
 * into buf (len bytes; cut short when it does not fit, always terminated).
 * Refuses what pl_query_free refuses. */
int pl_query_free_plan(pl_db *db, const pl_query_filter *filter, char *buf, size_t len, pl_error *err);

#endif
