/* query.c — `query free`: available parcels filtered and sorted by fit,
 * one streaming statement; spatial filters go through the R*Tree index
 * idx_parcel_geom and are confirmed with ST_Distance in the working CRS.
 *
 * The statement is written for the plan that suits the filter (bench/README.md,
 * "0 → A": left to itself SQLite prefers an equality on an indexed column to
 * the R*Tree): driven by the R*Tree with a spatial filter whose box holds fewer
 * parcels than the area range, else by a range on the index
 * parcel_status_area(status, area_m2) with bounds in m² computed here so that
 * they select exactly the rows the bounds in 亩 select. */
#include "parkland/query.h"
#include "query_internal.h"

#include "db_internal.h"
#include "xform.h"

#include "parkland/intensity.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void pl_query_filter_init(pl_query_filter *f)
{
    memset(f, 0, sizeof *f);
    f->min_mu = f->max_mu = NAN;
    f->max_intensity = f->min_far = f->investment = NAN;
    f->near_lon = f->near_lat = f->within_m = NAN;
}

static void bind_opt_double(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

/* Industry by id, Chinese name or English name → id and Chinese name. */
static int resolve_industry(pl_db *db, const char *industry, char *id, size_t idlen, char *zh, size_t zhlen,
                            pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT id, name_zh FROM industry WHERE id = lower(?1) OR name_zh = ?1"
                               " OR lower(name_en) = lower(?1) ORDER BY id = lower(?1) DESC LIMIT 1", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, industry);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(id, idlen, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(zh, zhlen, "%s", (const char *)sqlite3_column_text(st, 1));
        sqlite3_finalize(st);
        return PL_OK;
    }
    sqlite3_finalize(st);
    char known[1024] = "";
    size_t n = 0;
    if (pl_db_prepare(db, "SELECT id FROM industry ORDER BY rowid", &st, NULL) == PL_OK) {
        while (sqlite3_step(st) == SQLITE_ROW && n < sizeof known) {
            int w = snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "",
                             (const char *)sqlite3_column_text(st, 0));
            if (w < 0)
                break;
            n += (size_t)w;
        }
        sqlite3_finalize(st);
    }
    return pl_error_set(err, PL_ERR_USAGE, "unknown industry '%s' (an id or Chinese name of: %s)", industry, known);
}

/* WGS84 lon/lat → working CRS, through the pipeline stored at init (src/xform.h):
 * the same numbers as ST_Transform(MakePoint(lon, lat, 4326), srid), without
 * PROJ searching proj.db in every new process. */
static int transform_point(pl_db *db, double lon, double lat, double *x, double *y, pl_error *err)
{
    pl_xform *xf;
    pl_error ignored;
    pl_error_clear(&ignored);
    if (pl_xform_open(db, 4326, db->srid, 0, &xf, &ignored) != PL_OK)
        return pl_error_set(err, PL_ERR_INPUT, "cannot transform the point %.7f,%.7f (WGS84) to EPSG:%d", lon, lat,
                            db->srid);
    double xy[2] = {lon, lat};
    int rc = pl_xform_points(xf, xy, 1, &ignored);
    pl_xform_free(xf);
    if (rc != PL_OK || !isfinite(xy[0]) || !isfinite(xy[1]))
        return pl_error_set(err, PL_ERR_INPUT, "the point %.7f,%.7f (WGS84) has no position in EPSG:%d", lon, lat,
                            db->srid);
    *x = xy[0];
    *y = xy[1];
    return PL_OK;
}

typedef struct ref_parcel {
    long id;
    double xmin, xmax, ymin, ymax;
} ref_parcel;

/* The parcel named by --adjacent: its id (pl_parcel_find: not found, or in
 * two parks without --park, is refused there) and bounding box. */
static int find_reference(pl_db *db, const char *park, const char *code, ref_parcel *ref, pl_error *err)
{
    int rc = pl_parcel_find(db, park, code, &ref->id, NULL, 0, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, "SELECT MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM parcel"
                                " WHERE id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, ref->id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        ref->xmin = sqlite3_column_double(st, 0);
        ref->xmax = sqlite3_column_double(st, 1);
        ref->ymin = sqlite3_column_double(st, 2);
        ref->ymax = sqlite3_column_double(st, 3);
    } else {
        rc = pl_db_fail(db, err, "cannot read parcel");
    }
    sqlite3_finalize(st);
    return rc;
}

static int validate(const pl_query_filter *f, pl_error *err)
{
    const struct {
        double v;
        const char *name;
    } nonneg[] = {{f->min_mu, "--min-mu"}, {f->max_mu, "--max-mu"}, {f->max_intensity, "--max-intensity"},
                  {f->min_far, "--min-far"}, {f->investment, "--investment"}};
    for (size_t i = 0; i < sizeof nonneg / sizeof *nonneg; i++)
        if (!isnan(nonneg[i].v) && (!isfinite(nonneg[i].v) || nonneg[i].v < 0))
            return pl_error_set(err, PL_ERR_USAGE, "%s must be a number ≥ 0, not %g", nonneg[i].name, nonneg[i].v);
    if (!isnan(f->min_mu) && !isnan(f->max_mu) && f->min_mu > f->max_mu)
        return pl_error_set(err, PL_ERR_USAGE, "--min-mu %g is larger than --max-mu %g", f->min_mu, f->max_mu);
    int has_point = !isnan(f->near_lon) || !isnan(f->near_lat);
    if (has_point && (isnan(f->near_lon) || isnan(f->near_lat)))
        return pl_error_set(err, PL_ERR_USAGE, "--near needs both longitude and latitude (LON,LAT)");
    if (has_point && isnan(f->within_m))
        return pl_error_set(err, PL_ERR_USAGE, "--near needs --within METRES");
    if (!has_point && !isnan(f->within_m))
        return pl_error_set(err, PL_ERR_USAGE, "--within needs --near LON,LAT");
    if (has_point) {
        if (!(f->near_lon >= -180 && f->near_lon <= 180))
            return pl_error_set(err, PL_ERR_USAGE, "longitude %g is out of range −180…180 (--near is LON,LAT)",
                                f->near_lon);
        if (!(f->near_lat >= -90 && f->near_lat <= 90))
            return pl_error_set(err, PL_ERR_USAGE,
                                "latitude %g is out of range −90…90 (--near is LON,LAT, e.g. 120.40,36.10)",
                                f->near_lat);
        if (!(f->within_m > 0) || !isfinite(f->within_m))
            return pl_error_set(err, PL_ERR_USAGE, "--within must be a distance in metres > 0, not %g", f->within_m);
    }
    if (f->limit < 0)
        return pl_error_set(err, PL_ERR_USAGE, "--limit must be ≥ 1, not %ld", f->limit);
    return PL_OK;
}

/* ---- the area range in m² ----
 * The filter in 亩 is `area_m2 * 15.0 / 10000.0 >= min_mu` (and `<= max_mu`)
 * evaluated in doubles, as SQLite and C evaluate it. That function of area_m2
 * is non-decreasing (each rounded step is), so {a : f(a) >= mu} is [lo, ∞) and
 * {a : f(a) <= mu} is (-∞, hi]: lo and hi are found by bisection over the
 * doubles in their order (an integer key), at most 64 steps, with no
 * assumption about rounding. area_m2 >= lo then holds for exactly the same
 * rows as the expression, and it can use the index. (SQLite compares an
 * INTEGER area with a REAL bound exactly; the expression converts it to a
 * double first: the same for any area below 2^53 m².) */

static double mu_of(double area_m2)
{
    volatile double a = area_m2; /* no contraction or reassociation across this */
    return a * 15.0 / 10000.0;
}

static int64_t dkey(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u >> 63 ? -(int64_t)(u & ~(UINT64_C(1) << 63)) : (int64_t)u;
}

static double dval(int64_t k)
{
    uint64_t u = k >= 0 ? (uint64_t)k : (uint64_t)(-k) | UINT64_C(1) << 63;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* The smallest area with mu_of(area) >= mu (upper = 0), or the largest with
 * mu_of(area) <= mu (upper = 1); mu finite. */
static double area_bound(double mu, int upper)
{
    int64_t lo = dkey(-INFINITY), hi = dkey(INFINITY); /* mu_of(-inf) < mu < mu_of(inf) */
    /* the keys span more than INT64_MAX: differences in unsigned arithmetic */
    while ((uint64_t)hi - (uint64_t)lo > 1) {
        int64_t mid = (int64_t)((uint64_t)lo + ((uint64_t)hi - (uint64_t)lo) / 2);
        double f = mu_of(dval(mid));
        if (upper ? f <= mu : !(f >= mu))
            lo = mid;
        else
            hi = mid;
    }
    return upper ? dval(lo) : dval(hi);
}

/* Parameters of the statement below. */
enum {
    P_PARK = 1, P_MIN_M2, P_MAX_M2, P_IND_ID, P_IND_ZH, P_MAX_INT, P_MIN_FAR,
    P_PX, P_PY, P_WITHIN, P_NXMIN, P_NXMAX, P_NYMIN, P_NYMAX,
    P_REF, P_AXMIN, P_AXMAX, P_AYMIN, P_AYMAX, P_TARGET, P_LIMIT, P_SRID, P_INVEST
};

/* pl_intensity(investment 万元, area_m2): pl_investment_intensity in SQL, so
 * that --investment is compared exactly as `project sign` computes it */
#define INTENSITY_FN "pl_intensity"

static void sql_intensity(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    double v = NAN;
    if (sqlite3_value_type(argv[0]) != SQLITE_NULL && sqlite3_value_type(argv[1]) != SQLITE_NULL)
        v = pl_investment_intensity(sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1]));
    if (isnan(v))
        sqlite3_result_null(c);
    else
        sqlite3_result_double(c, v);
}

/* allowed industries normalised to ",a,b," (Chinese comma, 、 and blanks too);
 * the same expression is used by match.c */
#define INDUSTRY_LIST "(',' || replace(replace(replace(replace(i.industries, '，', ','), '、', ','), ' ', ''), " \
                      "char(9), '') || ',')"

static const char q_select[] =
    "SELECT p.id, k.code, p.code, p.name, p.area_m2,"
    "       i.investment_intensity, i.far_min, i.far_max, i.tax_per_mu, NULLIF(trim(i.industries), ''),";
static const char q_dist_none[] = " NULL AS dist";
static const char q_dist[] = " ST_Distance(p.geom, MakePoint(?8, ?9, ?22)) AS dist";
/* CROSS JOIN fixes the order of the loops: parcels first (or the R*Tree, then
 * the parcel by its rowid), then its park and indicators. */
static const char q_from_parcel[] = "  FROM parcel p";
static const char q_from_rtree[] = "  FROM idx_parcel_geom r CROSS JOIN parcel p ON p.id = r.pkid";
static const char q_join[] =
    "  CROSS JOIN park k ON k.id = p.park_id"
    "  LEFT JOIN parcel_indicator i ON i.parcel_id = p.id"
    " WHERE p.status = 'available'";
/* R*Tree boxes are 32-bit floats rounded outwards by SQLite, so the index
 * gives a superset; the exact distance decides. */
static const char q_near_box[] = "xmin <= ?12 AND xmax >= ?11 AND ymin <= ?14 AND ymax >= ?13";
static const char q_adj_box[] = "xmin <= ?17 AND xmax >= ?16 AND ymin <= ?19 AND ymax >= ?18";
static const char q_filters[] =
    "   AND (?1 IS NULL OR k.code = ?1)"
    "   AND (?4 IS NULL OR NULLIF(trim(i.industries), '') IS NULL"
    "        OR instr(" INDUSTRY_LIST ", ',' || ?4 || ',') > 0"
    "        OR instr(" INDUSTRY_LIST ", ',' || ?5 || ',') > 0)"
    "   AND (?6 IS NULL OR i.investment_intensity IS NULL OR i.investment_intensity <= ?6)"
    "   AND (?7 IS NULL OR i.far_max IS NULL OR i.far_max >= ?7)"
    "   AND (?23 IS NULL OR i.investment_intensity IS NULL"
    "        OR i.investment_intensity <= " INTENSITY_FN "(?23, p.area_m2))";
static const char q_near_dist[] = "   AND ST_Distance(p.geom, MakePoint(?8, ?9, ?22)) <= ?10";
static const char q_adj_dist[] =
    "   AND p.id <> ?15"
    "   AND ST_Distance(p.geom, (SELECT geom FROM parcel WHERE id = ?15)) <= 1.0";
static const char q_order_near[] = " ORDER BY dist, k.code, p.code";
static const char q_order_area[] = " ORDER BY abs(p.area_m2 * 15.0 / 10000.0 - ?20), k.code, p.code";
static const char q_order_code[] = " ORDER BY k.code, p.code";
static const char q_limit[] = " LIMIT ?21";

/* Distance within which two parcels count as adjacent, m. */
#define ADJACENT_M 1.0

/* What drives the statement. */
enum {
    DRIVE_INDEX,    /* the (status, area_m2, …) index: a range of areas, or every free parcel */
    DRIVE_NEAR,     /* the R*Tree, the --near box */
    DRIVE_ADJACENT  /* the R*Tree, the --adjacent parcel's box */
};

/* A box larger than this many parcels is not counted further when choosing. */
#define PLAN_COUNT_CAP 4096

typedef struct plan {
    int near, has_min, has_max, drive;
    double min_m2, max_m2, target;
    double px, py;
    ref_parcel ref;
    char ind_id[64], ind_zh[128];
} plan;

/* count(*) of `sql` (which has LIMIT ?3) with ?1/?2 or a box bound, at most cap. */
static long count_capped(pl_db *db, const char *sql, const double *v, int nv, long cap, pl_error *err)
{
    sqlite3_stmt *st;
    if (pl_db_prepare_kept(db, sql, &st, err))
        return -1;
    for (int k = 0; k < nv; k++)
        if (!isnan(v[k]))
            sqlite3_bind_double(st, k + 1, v[k]);
    sqlite3_bind_int64(st, nv + 1, cap);
    long n = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    else
        pl_db_fail(db, err, "cannot read free parcels");
    pl_db_kept_done(db, st);
    return n;
}

/* Near with an area range: the R*Tree when its box holds fewer parcels than
 * the range (counted, both capped), else the area index. */
static int choose_near_driver(pl_db *db, plan *pl, double within, pl_error *err)
{
    const double box[4] = {pl->px - within, pl->px + within, pl->py - within, pl->py + within};
    long n_box = count_capped(db, "SELECT count(*) FROM (SELECT 1 FROM idx_parcel_geom"
                                  " WHERE xmin <= ?2 AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?3 LIMIT ?5)",
                              box, 4, PLAN_COUNT_CAP, err);
    if (n_box < 0)
        return PL_ERR_DB;
    const double range[2] = {pl->has_min ? pl->min_m2 : NAN, pl->has_max ? pl->max_m2 : NAN};
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM parcel WHERE status = 'available'%s%s LIMIT ?3)",
             pl->has_min ? " AND area_m2 >= ?1" : "", pl->has_max ? " AND area_m2 <= ?2" : "");
    long n_area = count_capped(db, sql, range, 2, n_box + 1, err);
    if (n_area < 0)
        return PL_ERR_DB;
    pl->drive = n_area < n_box ? DRIVE_INDEX : DRIVE_NEAR;
    return PL_OK;
}

/* Check the filter, resolve its names, choose the plan and prepare the
 * statement with its values bound (prefixed with EXPLAIN QUERY PLAN when
 * `explain`). */
static int prepare_free(pl_db *db, const pl_query_filter *f, int explain, sqlite3_stmt **out, pl_error *err)
{
    *out = NULL;
    pl_query_filter none; /* no filter: the defaults (every value is bound before this returns) */
    if (!f) {
        pl_query_filter_init(&none);
        f = &none;
    }
    int rc = validate(f, err);
    if (rc)
        return rc;
    if (f->park && (rc = pl_park_find(db, f->park, NULL, err)))
        return rc;
    plan pl;
    memset(&pl, 0, sizeof pl);
    if (f->industry &&
        (rc = resolve_industry(db, f->industry, pl.ind_id, sizeof pl.ind_id, pl.ind_zh, sizeof pl.ind_zh, err)))
        return rc;
    pl.near = !isnan(f->within_m);
    if (pl.near && (rc = transform_point(db, f->near_lon, f->near_lat, &pl.px, &pl.py, err)))
        return rc;
    if (f->adjacent && (rc = find_reference(db, f->park, f->adjacent, &pl.ref, err)))
        return rc;
    pl.has_min = !isnan(f->min_mu);
    pl.has_max = !isnan(f->max_mu);
    if (pl.has_min)
        pl.min_m2 = area_bound(f->min_mu, 0);
    if (pl.has_max)
        pl.max_m2 = area_bound(f->max_mu, 1);
    pl.target = NAN;
    if (pl.has_min && pl.has_max)
        pl.target = (f->min_mu + f->max_mu) / 2.0;
    else if (pl.has_min)
        pl.target = f->min_mu;
    else if (pl.has_max)
        pl.target = f->max_mu;

    /* the adjacent box is one parcel's: it always drives when given */
    if (f->adjacent)
        pl.drive = DRIVE_ADJACENT;
    else if (pl.near && (pl.has_min || pl.has_max))
        rc = choose_near_driver(db, &pl, f->within_m, err);
    else if (pl.near)
        pl.drive = DRIVE_NEAR;
    else
        pl.drive = DRIVE_INDEX;
    if (rc)
        return rc;

    char sql[4096];
    size_t n = 0;
#define APPEND(...) n += (size_t)snprintf(sql + n, n < sizeof sql ? sizeof sql - n : 0, __VA_ARGS__)
    if (explain)
        APPEND("EXPLAIN QUERY PLAN ");
    APPEND("%s%s", q_select, pl.near ? q_dist : q_dist_none);
    int by_rtree = pl.drive == DRIVE_NEAR || pl.drive == DRIVE_ADJACENT;
    APPEND("%s%s", by_rtree ? q_from_rtree : q_from_parcel, q_join);
    if (by_rtree)
        APPEND(" AND r.%s", pl.drive == DRIVE_NEAR ? q_near_box : q_adj_box);
    /* bounds on the column: the area index's range when it drives (a unary +
     * would hide the column from the planner; it is not needed here since the
     * R*Tree loop comes first otherwise and gives the rowid) */
    if (pl.has_min)
        APPEND(" AND p.area_m2 >= ?2");
    if (pl.has_max)
        APPEND(" AND p.area_m2 <= ?3");
    /* a spatial filter that does not drive: a list of rowids from its box,
     * with + so that the planner does not take the list as the way in */
    if (pl.near && pl.drive != DRIVE_NEAR)
        APPEND(" AND +p.ROWID IN (SELECT pkid FROM idx_parcel_geom WHERE %s)", q_near_box);
    if (f->adjacent && pl.drive != DRIVE_ADJACENT)
        APPEND(" AND +p.ROWID IN (SELECT pkid FROM idx_parcel_geom WHERE %s)", q_adj_box);
    APPEND("%s", q_filters);
    if (pl.near)
        APPEND("%s", q_near_dist);
    if (f->adjacent)
        APPEND("%s", q_adj_dist);
    if (pl.near)
        APPEND("%s", q_order_near);
    else if (!isnan(pl.target))
        APPEND("%s", q_order_area);
    else
        APPEND("%s", q_order_code);
    /* no LIMIT when there is none: with one, SQLite sorts through an ephemeral
     * B-tree to drop rows past it (an insert per row, a third of the area
     * query's time); without, its sorter */
    if (f->limit > 0)
        APPEND("%s", q_limit);
#undef APPEND
    if (n >= sizeof sql)
        return pl_error_set(err, PL_ERR_DB, "query free: statement too long");

    /* once per connection: (re)defining a function expires the connection's prepared statements,
     * the kept ones (pl_db_prepare_kept) included */
    if (!db->intensity_fn) {
        if (sqlite3_create_function_v2(db->h, INTENSITY_FN, 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                       sql_intensity, NULL, NULL, NULL) != SQLITE_OK)
            return pl_db_fail(db, err, "cannot register " INTENSITY_FN);
        db->intensity_fn = 1;
    }
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare_kept(db, sql, &st, err))) /* given back with pl_db_kept_done */
        return rc;
    pl_bind_text(st, P_PARK, f->park);
    bind_opt_double(st, P_INVEST, f->investment);
    if (pl.has_min)
        sqlite3_bind_double(st, P_MIN_M2, pl.min_m2);
    if (pl.has_max)
        sqlite3_bind_double(st, P_MAX_M2, pl.max_m2);
    pl_bind_text(st, P_IND_ID, f->industry ? pl.ind_id : NULL);
    pl_bind_text(st, P_IND_ZH, f->industry ? pl.ind_zh : NULL);
    bind_opt_double(st, P_MAX_INT, f->max_intensity);
    bind_opt_double(st, P_MIN_FAR, f->min_far);
    if (pl.near) {
        sqlite3_bind_int(st, P_SRID, db->srid);
        sqlite3_bind_double(st, P_PX, pl.px);
        sqlite3_bind_double(st, P_PY, pl.py);
        sqlite3_bind_double(st, P_WITHIN, f->within_m);
        sqlite3_bind_double(st, P_NXMIN, pl.px - f->within_m);
        sqlite3_bind_double(st, P_NXMAX, pl.px + f->within_m);
        sqlite3_bind_double(st, P_NYMIN, pl.py - f->within_m);
        sqlite3_bind_double(st, P_NYMAX, pl.py + f->within_m);
    }
    if (f->adjacent) {
        sqlite3_bind_int64(st, P_REF, pl.ref.id);
        sqlite3_bind_double(st, P_AXMIN, pl.ref.xmin - ADJACENT_M);
        sqlite3_bind_double(st, P_AXMAX, pl.ref.xmax + ADJACENT_M);
        sqlite3_bind_double(st, P_AYMIN, pl.ref.ymin - ADJACENT_M);
        sqlite3_bind_double(st, P_AYMAX, pl.ref.ymax + ADJACENT_M);
    }
    if (!pl.near && !isnan(pl.target))
        sqlite3_bind_double(st, P_TARGET, pl.target);
    if (f->limit > 0)
        sqlite3_bind_int64(st, P_LIMIT, f->limit);
    *out = st;
    return PL_OK;
}

int pl_query_free(pl_db *db, const pl_query_filter *filter,
                  int (*cb)(const pl_free_parcel *row, void *ctx), void *ctx, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare_free(db, filter, 0, &st, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_free_parcel r;
        r.id = (long)sqlite3_column_int64(st, 0);
        r.park = (const char *)sqlite3_column_text(st, 1);
        r.code = (const char *)sqlite3_column_text(st, 2);
        r.name = (const char *)sqlite3_column_text(st, 3);
        r.area_m2 = sqlite3_column_double(st, 4);
        r.area_mu = r.area_m2 * 15.0 / 10000.0;
        r.investment_intensity = pl_col_num(st, 5);
        r.far_min = pl_col_num(st, 6);
        r.far_max = pl_col_num(st, 7);
        r.tax_per_mu = pl_col_num(st, 8);
        r.industries = (const char *)sqlite3_column_text(st, 9);
        r.distance_m = pl_col_num(st, 10);
        if ((rc = cb(&r, ctx)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read free parcels");
    pl_db_kept_done(db, st);
    return rc;
}

int pl_query_free_plan(pl_db *db, const pl_query_filter *filter, char *buf, size_t len, pl_error *err)
{
    if (len)
        buf[0] = '\0';
    sqlite3_stmt *st;
    int rc = prepare_free(db, filter, 1, &st, err);
    if (rc)
        return rc;
    size_t n = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        if (n < len)
            n += (size_t)snprintf(buf + n, len - n, "%s\n", detail ? detail : "");
    }
    if (step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot explain the query");
    pl_db_kept_done(db, st);
    return rc;
}
