/* query.c — `query free`: available parcels filtered and sorted by fit,
 * one streaming statement; spatial filters go through the R*Tree index
 * idx_parcel_geom and are confirmed with ST_Distance in the working CRS. */
#include "parkland/query.h"

#include "db_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void pl_query_filter_init(pl_query_filter *f)
{
    memset(f, 0, sizeof *f);
    f->min_mu = f->max_mu = NAN;
    f->max_intensity = f->min_far = NAN;
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

/* WGS84 lon/lat → working CRS. */
static int transform_point(pl_db *db, double lon, double lat, double *x, double *y, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT X(g), Y(g) FROM (SELECT ST_Transform(MakePoint(?1, ?2, 4326), ?3) AS g)",
                           &st, err);
    if (rc)
        return rc;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    sqlite3_bind_int(st, 3, db->srid);
    rc = PL_OK;
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL ||
        sqlite3_column_type(st, 1) == SQLITE_NULL)
        rc = pl_error_set(err, PL_ERR_INPUT, "cannot transform the point %.7f,%.7f (WGS84) to EPSG:%d", lon, lat,
                          db->srid);
    else {
        *x = sqlite3_column_double(st, 0);
        *y = sqlite3_column_double(st, 1);
        if (!isfinite(*x) || !isfinite(*y))
            rc = pl_error_set(err, PL_ERR_INPUT, "the point %.7f,%.7f (WGS84) has no position in EPSG:%d", lon,
                              lat, db->srid);
    }
    sqlite3_finalize(st);
    return rc;
}

typedef struct ref_parcel {
    long id;
    double xmin, xmax, ymin, ymax;
} ref_parcel;

/* The parcel named by --adjacent: its id and bounding box. */
static int find_reference(pl_db *db, const char *park, const char *code, ref_parcel *ref, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
        "SELECT p.id, MbrMinX(p.geom), MbrMaxX(p.geom), MbrMinY(p.geom), MbrMaxY(p.geom), k.code"
        "  FROM parcel p JOIN park k ON k.id = p.park_id"
        " WHERE p.code = ?1 AND (?2 IS NULL OR k.code = ?2) ORDER BY k.code", &st, err);
    if (rc)
        return rc;
    pl_bind_text(st, 1, code);
    pl_bind_text(st, 2, park);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = park ? pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s' in park '%s'", code, park)
                  : pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s'", code);
    } else if (step != SQLITE_ROW) {
        rc = pl_db_fail(db, err, "cannot read parcel");
    } else {
        ref->id = (long)sqlite3_column_int64(st, 0);
        ref->xmin = sqlite3_column_double(st, 1);
        ref->xmax = sqlite3_column_double(st, 2);
        ref->ymin = sqlite3_column_double(st, 3);
        ref->ymax = sqlite3_column_double(st, 4);
        char first[128];
        snprintf(first, sizeof first, "%s", (const char *)sqlite3_column_text(st, 5));
        if (sqlite3_step(st) == SQLITE_ROW)
            rc = pl_error_set(err, PL_ERR_USAGE, "parcel code '%s' exists in parks '%s' and '%s'; name one with --park",
                              code, first, (const char *)sqlite3_column_text(st, 5));
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
                  {f->min_far, "--min-far"}};
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

/* Parameters of the statement below. */
enum {
    P_PARK = 1, P_MIN_MU, P_MAX_MU, P_IND_ID, P_IND_ZH, P_MAX_INT, P_MIN_FAR,
    P_PX, P_PY, P_WITHIN, P_NXMIN, P_NXMAX, P_NYMIN, P_NYMAX,
    P_REF, P_AXMIN, P_AXMAX, P_AYMIN, P_AYMAX, P_TARGET, P_LIMIT, P_SRID
};

/* allowed industries normalised to ",a,b," (Chinese comma, 、 and blanks too);
 * the same expression is used by match.c */
#define INDUSTRY_LIST "(',' || replace(replace(replace(replace(i.industries, '，', ','), '、', ','), ' ', ''), " \
                      "char(9), '') || ',')"

static const char q_select[] =
    "SELECT p.id, k.code, p.code, p.name, p.area_m2,"
    "       i.investment_intensity, i.far_min, i.far_max, i.tax_per_mu, NULLIF(trim(i.industries), ''),";
static const char q_dist_none[] = " NULL AS dist";
static const char q_dist[] = " ST_Distance(p.geom, MakePoint(?8, ?9, ?22)) AS dist";
static const char q_from[] =
    "  FROM parcel p JOIN park k ON k.id = p.park_id"
    "  LEFT JOIN parcel_indicator i ON i.parcel_id = p.id"
    " WHERE p.status = 'available'"
    "   AND (?1 IS NULL OR k.code = ?1)"
    "   AND (?2 IS NULL OR p.area_m2 * 15.0 / 10000.0 >= ?2)"
    "   AND (?3 IS NULL OR p.area_m2 * 15.0 / 10000.0 <= ?3)"
    "   AND (?4 IS NULL OR NULLIF(trim(i.industries), '') IS NULL"
    "        OR instr(" INDUSTRY_LIST ", ',' || ?4 || ',') > 0"
    "        OR instr(" INDUSTRY_LIST ", ',' || ?5 || ',') > 0)"
    "   AND (?6 IS NULL OR i.investment_intensity IS NULL OR i.investment_intensity <= ?6)"
    "   AND (?7 IS NULL OR i.far_max IS NULL OR i.far_max >= ?7)";
/* R*Tree boxes are 32-bit floats rounded outwards by SQLite, so the index
 * gives a superset; the exact distance decides. */
static const char q_near[] =
    "   AND p.ROWID IN (SELECT pkid FROM idx_parcel_geom"
    "        WHERE xmin <= ?12 AND xmax >= ?11 AND ymin <= ?14 AND ymax >= ?13)"
    "   AND ST_Distance(p.geom, MakePoint(?8, ?9, ?22)) <= ?10";
static const char q_adjacent[] =
    "   AND p.id <> ?15"
    "   AND p.ROWID IN (SELECT pkid FROM idx_parcel_geom"
    "        WHERE xmin <= ?17 AND xmax >= ?16 AND ymin <= ?19 AND ymax >= ?18)"
    "   AND ST_Distance(p.geom, (SELECT geom FROM parcel WHERE id = ?15)) <= 1.0";
static const char q_order_near[] = " ORDER BY dist, k.code, p.code";
static const char q_order_area[] = " ORDER BY abs(p.area_m2 * 15.0 / 10000.0 - ?20), k.code, p.code";
static const char q_order_code[] = " ORDER BY k.code, p.code";
static const char q_limit[] = " LIMIT ?21";

/* Distance within which two parcels count as adjacent, m. */
#define ADJACENT_M 1.0

int pl_query_free(pl_db *db, const pl_query_filter *filter,
                  int (*cb)(const pl_free_parcel *row, void *ctx), void *ctx, pl_error *err)
{
    pl_query_filter none;
    if (!filter) {
        pl_query_filter_init(&none);
        filter = &none;
    }
    const pl_query_filter *f = filter;
    int rc = validate(f, err);
    if (rc)
        return rc;
    if (f->park && (rc = pl_park_find(db, f->park, NULL, err)))
        return rc;
    char ind_id[64] = "", ind_zh[128] = "";
    if (f->industry && (rc = resolve_industry(db, f->industry, ind_id, sizeof ind_id, ind_zh, sizeof ind_zh, err)))
        return rc;
    int near = !isnan(f->within_m);
    double px = 0, py = 0;
    if (near && (rc = transform_point(db, f->near_lon, f->near_lat, &px, &py, err)))
        return rc;
    ref_parcel ref = {0};
    if (f->adjacent && (rc = find_reference(db, f->park, f->adjacent, &ref, err)))
        return rc;

    char sql[4096];
    size_t n = 0;
#define APPEND(...) n += (size_t)snprintf(sql + n, n < sizeof sql ? sizeof sql - n : 0, __VA_ARGS__)
    APPEND("%s", q_select);
    APPEND("%s", near ? q_dist : q_dist_none);
    APPEND("%s", q_from);
    if (near)
        APPEND("%s", q_near);
    if (f->adjacent)
        APPEND("%s", q_adjacent);
    double target = NAN;
    if (!isnan(f->min_mu) && !isnan(f->max_mu))
        target = (f->min_mu + f->max_mu) / 2.0;
    else if (!isnan(f->min_mu))
        target = f->min_mu;
    else if (!isnan(f->max_mu))
        target = f->max_mu;
    if (near)
        APPEND("%s", q_order_near);
    else if (!isnan(target))
        APPEND("%s", q_order_area);
    else
        APPEND("%s", q_order_code);
    APPEND("%s", q_limit);
#undef APPEND
    if (n >= sizeof sql)
        return pl_error_set(err, PL_ERR_DB, "query free: statement too long");

    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db, sql, &st, err)))
        return rc;
    pl_bind_text(st, P_PARK, f->park);
    bind_opt_double(st, P_MIN_MU, f->min_mu);
    bind_opt_double(st, P_MAX_MU, f->max_mu);
    pl_bind_text(st, P_IND_ID, f->industry ? ind_id : NULL);
    pl_bind_text(st, P_IND_ZH, f->industry ? ind_zh : NULL);
    bind_opt_double(st, P_MAX_INT, f->max_intensity);
    bind_opt_double(st, P_MIN_FAR, f->min_far);
    if (near) {
        sqlite3_bind_int(st, P_SRID, db->srid);
        sqlite3_bind_double(st, P_PX, px);
        sqlite3_bind_double(st, P_PY, py);
        sqlite3_bind_double(st, P_WITHIN, f->within_m);
        sqlite3_bind_double(st, P_NXMIN, px - f->within_m);
        sqlite3_bind_double(st, P_NXMAX, px + f->within_m);
        sqlite3_bind_double(st, P_NYMIN, py - f->within_m);
        sqlite3_bind_double(st, P_NYMAX, py + f->within_m);
    }
    if (f->adjacent) {
        sqlite3_bind_int64(st, P_REF, ref.id);
        sqlite3_bind_double(st, P_AXMIN, ref.xmin - ADJACENT_M);
        sqlite3_bind_double(st, P_AXMAX, ref.xmax + ADJACENT_M);
        sqlite3_bind_double(st, P_AYMIN, ref.ymin - ADJACENT_M);
        sqlite3_bind_double(st, P_AYMAX, ref.ymax + ADJACENT_M);
    }
    if (!near && !isnan(target))
        sqlite3_bind_double(st, P_TARGET, target);
    sqlite3_bind_int64(st, P_LIMIT, f->limit > 0 ? f->limit : -1);

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
    sqlite3_finalize(st);
    return rc;
}
