/* match_internal.h — what the files of `match` share (internal; tests reach
 * the pure scoring and a forced contiguity plan through it):
 *   match_score.c       the score and its reasons from numbers (no database)
 *   match_scan.c        phase 1: the free parcels as numbers, those that may count kept
 *   match_contiguity.c  contiguity: project parcels, R*Tree searches or one pass, the exact test
 *   match_rank.c        phase 2: the best `top`, contiguity looked up where it can change them
 *   match.c             the API (parkland/match.h): the lead, the run, the results */
#ifndef PARKLAND_MATCH_INTERNAL_H
#define PARKLAND_MATCH_INTERNAL_H

#include "parkland/match.h"

#include "buf.h"
#include "db_internal.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>

/* Area fit: full within ±AREA_BAND, zero at ±AREA_ZERO and beyond; beyond the
 * band a parcel smaller than the demand gets AREA_SMALLER of the score a larger
 * parcel with the same deviation gets. */
#define AREA_BAND 0.10
#define AREA_ZERO 0.50
#define AREA_SMALLER 0.8
/* Two parcels within this distance (m) are contiguous. */
#define CONTIGUOUS_M 1.0
#define REASON_MAX 512

/* ---- the lead, as scoring sees it ---- */

typedef struct lead_info {
    long id;
    char code[128], company[512], stage[16], stage_date[16];
    char industry[64], industry_zh[128], industry_en[128];
    double land_mu, investment, per_mu, tax_per_mu; /* NAN when missing */
} lead_info;

/* ---- match_score.c: pure scoring (numbers and text, no database) ---- */

/* Maximum points of each component (PL_MATCH_*_MAX), in enum order. */
extern const int match_component_max[PL_MATCH_NCOMPONENTS];

/* snprintf that never leaves half a UTF-8 character at the end when it cuts. */
void match_put(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Half of component c's points, in tenths: the score of missing data. */
int match_neutral(int c);
/* Area points in tenths for a parcel of parcel_mu 亩 (the lead has a land
 * demand); *dev the signed deviation, *smaller when the 4/5 applies (both may be NULL). */
int match_area_points(const lead_info *l, double parcel_mu, double *dev, int *smaller);
/* fit: 2 = the parcel allows any industry, 1 = it allows the lead's, 0 = it does not */
int match_industry_points(const lead_info *l, int fit, int *no_data);
/* Component c: the lead's value vs the parcel's required minimum: full when ≥,
 * proportional below, neutral when either is NAN (*no_data). */
int match_minimum_points(int c, double have, double need, int *no_data);
/* How the parcel's `industries` (n bytes, NULL when not set) treats the lead,
 * exactly as SQL would say it: NULLIF(trim(industries), '') IS NULL → 2 (any);
 * else the list with ，and 、 as commas and spaces and tabs removed, framed by
 * commas, holds ",<id>," or ",<Chinese name>," → 1; else 0. -1: out of memory. */
int match_industry_fit(const char *industries, size_t n, const lead_info *l);
/* Area + industry + investment + tax in tenths for a parcel of area_m2 with
 * these minimums (NAN: not set) and industry fit; *dev: |parcel − demand| ÷
 * demand, HUGE_VAL without a demand. */
int match_partial(const lead_info *l, double area_m2, double inv, double tax, int fit, double *dev);

/* A parcel as its reasons state it. */
typedef struct match_parcel {
    double area_m2;
    double inv, tax;                 /* its minimums, NAN when not set */
    const char *industries;          /* NULLIF(trim(industries), ''): NULL when not set */
    int fit;                         /* match_industry_fit */
    int contig;                      /* contiguity points (tenths), as looked up */
    const char *neighbour, *project; /* the contiguous project parcel and its project; NULL when none */
} match_parcel;

/* Points (tenths), no-data flags and the reason of every component. */
typedef struct match_scored {
    int pts[PL_MATCH_NCOMPONENTS];
    int no_data[PL_MATCH_NCOMPONENTS];
    char text[PL_MATCH_NCOMPONENTS][REASON_MAX];
} match_scored;

/* Every component's points and reason for parcel p and lead l, by the same
 * functions as match_partial (so points and text cannot disagree). */
void match_explain(const lead_info *l, const match_parcel *p, match_scored *s);

/* ---- the run ---- */

/* How contiguity is looked up for the candidates left (match_contiguity.c,
 * match_plan_contiguity): by cost, or one way forced (tests). */
typedef enum pl_match_plan {
    PL_MATCH_PLAN_COST,          /* the cheapest of the three below */
    PL_MATCH_PLAN_BY_CANDIDATE,  /* one R*Tree search per candidate */
    PL_MATCH_PLAN_BY_PROJECT,    /* one per project parcel, then lookups */
    PL_MATCH_PLAN_PASS,          /* one pass over the whole R*Tree (when its ids allow) */
    PL_MATCH_NPLANS
} pl_match_plan;

/* pl_match_lead with contiguity looked up by `plan` (pl_match_lead: PL_MATCH_PLAN_COST). */
int pl_match_lead_planned(pl_db *db, const char *lead_code, const pl_match_options *opt, pl_match_plan plan,
                          int (*cb)(const pl_match_result *result, void *ctx), void *ctx, pl_error *err);

/* Area deviations closer than this are a tie (decided by park and code). */
#define PL_MATCH_AREA_TIE 1e-9
/* Points (tenths) of industry, investment and tax together, at most. */
#define OTHERS_MAX ((PL_MATCH_INDUSTRY_MAX + PL_MATCH_INVESTMENT_MAX + PL_MATCH_TAX_MAX) * 10)
/* R*Tree boxes are searched this much wider than CONTIGUOUS_M (the exact test decides). */
#define BOX_SLACK 0.01
/* Industry lists remembered per call (short ones: a park has a handful of distinct lists). */
#define FIT_MEMO 16
#define FIT_MEMO_LEN 96
/* Above this parcel id, no byte map: the R*Tree pass is not used. */
#define BYTEMAP_MAX_ID (32L * 1024 * 1024)

/* A free parcel, as numbers. */
typedef struct cand {
    long id;
    double area_m2, dev;  /* dev: |parcel − demand| ÷ demand; HUGE_VAL without a demand */
    double inv, tax;      /* the parcel's minimums, NAN when not set */
    int fit;              /* match_industry_fit */
    int partial;          /* tenths: area + industry + investment + tax */
    int ub;               /* partial + the most contiguity can add */
} cand;

/* One of the best `top`: exact score and what its reasons need. */
typedef struct entry {
    const cand *c;
    int total;            /* tenths */
    int contig;           /* tenths of it for contiguity, as match_contiguity() gave them */
    char *park, *code, *name, *status, *industries; /* in the same block (name, industries may be NULL) */
    char *neighbour, *project;                      /* in the same block; NULL when not contiguous */
} entry;

typedef struct box {
    long id;
    double x0, x1, y0, y1; /* R*Tree box */
} box;

/* An available parcel as the snapshot keeps it (match_snapshot.c). */
typedef struct match_snap_parcel {
    long id, park_id;
    double area_m2;
    double inv, tax;          /* its minimums, NAN when not set (or no parcel_indicator row) */
    size_t ind_off;           /* its industries: ind_len bytes at ind_off of the snapshot's text */
    unsigned ind_len;
    unsigned char ind_null;   /* industries is NULL (or no parcel_indicator row) */
    unsigned char area_null;  /* area_m2 is NULL (schema: never) */
} match_snap_parcel;

typedef struct match_snapshot match_snapshot;

/* An available parcel before its minimums are read. */
typedef struct arow {
    long id;
    double area_m2;
    int area; /* area points, tenths */
    const match_snap_parcel *sp; /* with a snapshot: the parcel; else NULL */
} arow;

typedef struct fit_memo {
    size_t len;
    int fit;
    char s[FIT_MEMO_LEN];
} fit_memo;

/* Everything one call holds; released by run_free. */
typedef struct run {
    pl_db *db;
    pl_error *err;
    const lead_info *l;
    pl_match_plan plan; /* PL_MATCH_PLAN_COST, or forced */
    int use_snapshot;   /* the call may use (and build) the connection's snapshot (its own read transaction) */
    match_snapshot *snap; /* set by match_snapshot_use: phase 1 reads it instead of the tables */
    const unsigned char *snap_near; /* the snapshot's pass: by box, a project parcel within reach (match_snapshot_use_near) */
    long park_id; /* 0 = every park */
    size_t top;
    sqlite3_stmt *st_count, *st_window, *st_indicator, *st_reserved, *st_projects, *st_near, *st_box, *st_exact,
        *st_detail, *st_pass;
    arow *a;             /* the window being read */
    size_t na, capa;
    char *json;          /* ids for indicator_sql */
    size_t capjson;
    fit_memo memo[FIT_MEMO];
    int nmemo;
    /* phase 1: the candidates kept, and the `top` best lower bounds so far (min-heap, tenths) */
    cand *c;
    size_t nc, capc;
    int *lb;
    size_t nlb, caplb;
    /* contiguity */
    int contig_known;    /* 1: the same for every parcel: contig_value */
    int contig_value;
    long *proj;          /* parcels of live projects of the lead's industry, sorted */
    size_t nproj, capproj;
    long *near;          /* project side: parcels whose box is within reach of a project parcel's, sorted */
    size_t nnear, capnear;
    int near_ready;
    unsigned char *bytemap; /* R*Tree pass: 1 = candidate, 2 = project parcel, by id up to bytemap_max */
    long bytemap_max;
    box *cbox, *qbox;       /* after the pass: candidates' boxes (by id), project parcels' boxes */
    size_t ncbox, capcbox, nqbox, capqbox;
    double gcell;           /* project boxes in a hashed grid of gcell × gcell cells: */
    size_t *gstart, gmask;  /* bucket b holds gent[gstart[b] .. gstart[b + 1]) */
    size_t *gent;           /* indexes into qbox */
    box *qbig;              /* boxes too large for the grid, looked at one by one */
    size_t nqbig, capqbig;
    int pass_ready, pass_oom;
    int planned;         /* match_plan_contiguity has run */
    /* phase 2: the best `top` (min-heap on `better`) */
    entry **h;
    size_t nh, caph;
} run;

/* The most contiguity can add to a parcel (tenths): its one value when known. */
static inline int contig_most(const run *r)
{
    return r->contig_known ? r->contig_value : PL_MATCH_CONTIGUITY_MAX * 10;
}

static inline int nomem(run *r)
{
    return pl_error_set(r->err, PL_ERR_NOMEM, "out of memory");
}

/* Nothing whose upper bound is below this can be among the best `top`. */
static inline int lb_floor(const run *r)
{
    return r->nlb == r->top ? r->lb[0] : INT_MIN;
}

static inline const char *col_str(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* sort_<name>(v, n): sort an array of `type` by its `id` (quicksort, insertion sort below 16) */
#define DEFINE_SORT_BY_ID(name, type)                                                                              \
    static void sort_##name(type *v, size_t n)                                                                    \
    {                                                                                                              \
        while (n > 16) {                                                                                           \
            long a = v[0].id, b = v[n / 2].id, c = v[n - 1].id;                                                    \
            long pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));                    \
            size_t i = 0, j = n - 1;                                                                               \
            for (;;) {                                                                                             \
                while (v[i].id < pivot)                                                                            \
                    i++;                                                                                           \
                while (v[j].id > pivot)                                                                            \
                    j--;                                                                                           \
                if (i >= j)                                                                                        \
                    break;                                                                                         \
                type t = v[i];                                                                                     \
                v[i] = v[j];                                                                                       \
                v[j] = t;                                                                                          \
                i++, j--;                                                                                          \
            }                                                                                                      \
            if (j + 1 < n - j - 1) { /* the smaller part first, the larger one in this loop */                     \
                sort_##name(v, j + 1);                                                                             \
                v += j + 1;                                                                                        \
                n -= j + 1;                                                                                        \
            } else {                                                                                               \
                sort_##name(v + j + 1, n - j - 1);                                                                 \
                n = j + 1;                                                                                         \
            }                                                                                                      \
        }                                                                                                          \
        for (size_t i = 1; i < n; i++) {                                                                           \
            type t = v[i];                                                                                         \
            size_t j = i;                                                                                          \
            while (j > 0 && v[j - 1].id > t.id) {                                                                  \
                v[j] = v[j - 1];                                                                                   \
                j--;                                                                                               \
            }                                                                                                      \
            v[j] = t;                                                                                              \
        }                                                                                                          \
    }


/* ---- match_scan.c: phase 1 ---- */

/* Count the free parcels (*candidates), keep in r->c those that may be among the best `top`. */
int match_gather(run *r, long *candidates);

/* ---- match_snapshot.c: the free parcels in memory, per connection ---- */

/* Make r->snap the connection's snapshot, read again if the tables it holds
 * have changed (schema 15's counters, read in the caller's read transaction). */
int match_snapshot_use(run *r);
/* Available parcels (in r->park_id when set). */
size_t match_snapshot_count(const run *r);
/* The available parcels from the first with area_m2 >= lo, by area_m2 then id: *n of them. */
const match_snap_parcel *match_snapshot_parcels(const run *r, double lo, size_t *n);
/* p's industries (ind_len bytes, not terminated), NULL when not set. */
const char *match_snapshot_industries(const run *r, const match_snap_parcel *p);
/* r->proj for the lead's industry: kept, or read by `load` (match_load_projects' query) and kept. */
int match_snapshot_projects(run *r, int (*load)(run *r));
/* The pass from the snapshot: r->snap_near for the lead's industry (kept, or made by match_near_projects). */
int match_snapshot_use_near(run *r);
/* After it: parcel id's box in *cb and whether a project parcel is within its reach (0 without a box). */
int match_snapshot_near(const run *r, long id, box *cb);
/* Times this connection's snapshot of the parcels has been read (tests: 0 without one). */
unsigned long match_snapshot_builds(const pl_db *db);

/* ---- match_contiguity.c ---- */

/* Is id in the sorted array v of n? */
int match_has_id(const long *v, size_t n, long id);
/* r->proj: the parcels of live projects of the lead's industry, sorted. */
int match_load_projects(run *r);
/* Choose how contiguity is looked up for the candidates left (and for
 * `extra`, the window being read) and prepare it; sets r->planned. */
int match_plan_contiguity(run *r, const arow *extra, size_t nextra);
/* near[i]: is a box of r->proj within reach of boxes[i] (n boxes by id)? (For the snapshot; builds r's grid.) */
int match_near_projects(run *r, const box *boxes, size_t n, unsigned char *near);
/* Was this parcel's box looked for in the pass? */
int match_pass_marked(const run *r, long id);
/* After the pass: is a project parcel's box within reach of parcel id's? Its box in *cb (0 without one). */
int match_pass_maybe(const run *r, long id, box *cb);
/* Contiguity of c (tenths); when contiguous, the neighbour's and its project's
 * codes are copied into nb and pr (REASON_MAX bytes each, "" otherwise). */
int match_contiguity(run *r, const cand *c, int *points, char *nb, char *pr);

/* ---- match_rank.c: phase 2 ---- */

/* The best `top` of r->c in r->h, best first. */
int match_rank(run *r);

#endif
