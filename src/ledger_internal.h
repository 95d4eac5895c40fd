/* ledger_internal.h — the stock ledger from the reports' data as of a date
 * (internal): report_ledger.c and ledger.c share one load of rp_data. */
#ifndef PARKLAND_LEDGER_INTERNAL_H
#define PARKLAND_LEDGER_INTERNAL_H

#include "report_internal.h"
#include "parkland/ledger.h"

/* The ledger of the parcels of d (those of d's parks) into *out (released by
 * the caller with pl_ledger_release, also after a failure); park: the
 * report's park or NULL. */
int rp_ledger_classify(pl_db *db, const rp_data *d, const char *park, pl_ledger *out, pl_error *err);

#endif
