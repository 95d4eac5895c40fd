/*
 * parkland/history.h — every recorded change of a parcel, lead, project or park.
 * Ownership: see parkland/error.h. The strings of a pl_history_row live until
 * the callback returns.
 */
#ifndef PARKLAND_HISTORY_H
#define PARKLAND_HISTORY_H

#include "parkland/db.h"
#include "parkland/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pl_history_row {
    long id;               /* increasing: the order changes were recorded in */
    const char *entity;    /* "parcel", "lead", "project", "park" */
    long entity_id;
    const char *code;      /* the entity's code at the time */
    const char *field;     /* "created", "status", "geometry", "far_min"… */
    const char *old_value; /* NULL when none (full text, e.g. a whole WKT) */
    const char *new_value;
    const char *at;        /* when it was recorded, UTC "YYYY-MM-DDTHH:MM:SSZ" */
    const char *effective; /* YYYY-MM-DD the change takes effect (status moves), else NULL */
    const char *who;
    const char *note;
    long batch_id;         /* import batch, 0 when none */
} pl_history_row;

/* Parse "parcel|lead|project|park"; NULL when unknown (returns the static id). */
const char *pl_history_entity_parse(const char *s);

/* Call `cb` for every history row of the entity named `code`, oldest first.
 * `park` narrows a parcel code to one park (NULL: the code must be unique);
 * it is ignored for other entities. A parcel no longer in the parcel table,
 * or a lead removed (pl_lead_remove), is still found by the code its history
 * rows carry. PL_ERR_NOTFOUND when no such
 * entity has ever existed; a non-zero return of `cb` stops and is returned. */
int pl_history_each(pl_db *db, const char *entity, const char *park, const char *code,
                    int (*cb)(const pl_history_row *row, void *ctx), void *ctx, pl_error *err);

/* pl_history_each into a table (parkland/table.h), the columns of `history … --format F`: at,
 * effective, who, field, old, new, note, batch; in the text format a long geometry is summarised
 * ("MULTIPOLYGON … (1234 chars)"). *out is the caller's (pl_table_free). */
int pl_history_table(pl_db *db, const char *entity, const char *park, const char *code, pl_table_format fmt,
                     pl_table **out, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
