/*
 * parkland/parcel_edit.h — split a parcel by a line, merge parcels into one
 * (宗地分割 / 宗地合并). Ownership: see parkland/error.h; a pl_edit_result is
 * filled by pl_parcel_split / pl_parcel_merge and released by the caller with
 * pl_edit_result_release (also after a failure: it is always safe to release).
 *
 * Both operations:
 *   - only touch parcels in status reserve (储备) or available (可供): a reserved or
 *     listed parcel must be released first, a transferred one (or later) cannot
 *     change shape here;
 *   - never delete: the originals become status 'retired' (已注销, replaced by
 *     split/merge) with their geometry, indicators and history kept; the new
 *     parcels take the originals' status;
 *   - write parcel_lineage rows (parent, child, operation, at) and history rows
 *     (the parent: field 'status' → 'retired', note "split into A, B" / "merged
 *     into C"; each child: field 'created', note "split from X" / "merged from A, B");
 *   - check that the areas add up within PL_EDIT_AREA_TOLERANCE_M2 and that every
 *     new geometry is valid (GEOS and SpatiaLite ST_IsValid), and refuse otherwise;
 *   - run in one transaction: a refused operation leaves the database unchanged.
 */
#ifndef PARKLAND_PARCEL_EDIT_H
#define PARKLAND_PARCEL_EDIT_H

#include <stddef.h>

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Areas of the pieces must add up to the original (and a merge to the sum of
 * its parcels) within this many m². */
#define PL_EDIT_AREA_TOLERANCE_M2 0.01
/* A split refuses pieces smaller than this (m²): slivers from a line running
 * along the boundary, never a real parcel. */
#define PL_SPLIT_MIN_PIECE_M2 1.0

/* Vertices of the line within this distance (m) of a vertex of the parcel's
 * boundary are snapped to it (GEOSSnap_r), so that a cut typed from boundary
 * point to boundary point ends there exactly. Elsewhere, let the line overshoot
 * the boundary: a line that ends inside the parcel does not cut it. */
#define PL_SPLIT_SNAP_M 0.001

typedef struct pl_split_options {
    const char *park;       /* park code; NULL when the parcel code is unique across parks */
    const char *line_wkt;   /* LINESTRING or MULTILINESTRING (WKT) */
    int line_srid;          /* EPSG of the line's coordinates; 0 = the working CRS.
                               Vertices are transformed with SpatiaLite ST_Transform;
                               segments are straight in the working CRS. */
    const char *const *codes; /* codes of the pieces, largest first; NULL = CODE-1, CODE-2, … */
    size_t ncodes;
    const char *const *names; /* names of the pieces, in the order of the codes; NULL = the
                                 parent's name suffixed -1, -2, …; "" = no name */
    size_t nnames;
    const char *note;       /* appended to the history notes; may be NULL */
    int dry_run;            /* do and check everything, then roll back */
} pl_split_options;

typedef struct pl_merge_options {
    const char *park;       /* park code; NULL when every code is unique across parks */
    const char *name;       /* name of the new parcel; NULL = the first parcel's */
    int allow_multipart;    /* accept a union of disjoint parts (a MultiPolygon parcel) */
    const char *note;       /* appended to the history notes; may be NULL */
    int dry_run;
} pl_merge_options;

/* One parcel of an edit, as written (or as it would be, in a dry run). */
typedef struct pl_edit_parcel {
    char *code;             /* owned by the result */
    char *name;             /* owned by the result; may be NULL */
    double area_m2;
    int parts, holes;
} pl_edit_parcel;

typedef struct pl_edit_result {
    char park[64];
    char operation[8];      /* "split" or "merge" */
    char status[16];        /* status of the new parcels (the originals') */
    pl_edit_parcel *parents;  /* retired parcels, in the order given */
    size_t nparents;
    pl_edit_parcel *children; /* new parcels (split: by descending area) */
    size_t nchildren;
    double parents_area_m2;   /* sum over the parents */
    double children_area_m2;  /* sum over the children */
    int indicators_copied;    /* 1 when the children got the parents' indicators */
    char **warnings;          /* nwarnings lines, owned by the result */
    size_t nwarnings;
} pl_edit_result;

/* Split parcel `code` by opt->line_wkt into two or more pieces.
 * Refused (PL_ERR_INPUT): a line that misses the parcel, only touches its
 * boundary or does not cut it through; a piece under PL_SPLIT_MIN_PIECE_M2;
 * --codes or --names of the wrong number; --codes repeated or already in the park; a parcel not
 * in reserve/available. The pieces are numbered by descending area (ties: the
 * northern, then the western interior point first); each piece copies the
 * parent's park, name (suffixed "-k", or opt->names[k]), land use, attributes, status and
 * indicators. */
int pl_parcel_split(pl_db *db, const char *code, const pl_split_options *opt, pl_edit_result *out,
                    pl_error *err);

/* Merge parcels `codes[0..ncodes)` (at least 2, one park, one status among
 * reserve/available) into a new parcel `into` (a code not yet in the park).
 * The union (GEOSUnaryUnion_r) must be one polygon unless
 * opt->allow_multipart, and measure the sum of the parcels within
 * PL_EDIT_AREA_TOLERANCE_M2 (overlapping parcels are refused, naming the pair).
 * The new parcel takes the first parcel's name (or opt->name), land use and
 * attributes, and the indicators when every parcel has the same ones (else none,
 * with a warning). */
int pl_parcel_merge(pl_db *db, const char *const *codes, size_t ncodes, const char *into,
                    const pl_merge_options *opt, pl_edit_result *out, pl_error *err);

void pl_edit_result_release(pl_edit_result *r);

/* Lineage of a parcel: one call per relation, parents first, then children.
 * `role` is "parent" (the other parcel was replaced by this one) or "child"
 * (this one was replaced by the other); strings live until the callback
 * returns; a non-zero return stops and is returned. */
typedef struct pl_lineage_row {
    const char *role;       /* "parent" or "child" */
    const char *code;       /* the other parcel's code */
    const char *status;     /* the other parcel's status */
    const char *operation;  /* "split" or "merge" */
    const char *at;         /* YYYY-MM-DDTHH:MM:SSZ */
    double area_m2;         /* the other parcel's area */
} pl_lineage_row;

int pl_parcel_lineage_each(pl_db *db, const char *park, const char *code,
                           int (*cb)(const pl_lineage_row *row, void *ctx), void *ctx, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
