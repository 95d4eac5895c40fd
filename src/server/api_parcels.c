/* api_parcels.c — GET /api/v1/parcels (GeoJSON of a box, simplified on request), /api/v1/parcels/CODE, /api/v1/free. */
#include "http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/code.h"
#include "parkland/export.h"
#include "parkland/indicators.h"
#include "parkland/inspect.h"
#include "parkland/parcel.h"
#include "parkland/parcel_show.h"
#include "parkland/parse.h"
#include "parkland/query.h"
#include "parkland/units.h"

/* "a,b,c,d" (ASCII commas) into four numbers; 0 when it is not. */
static int parse_numbers(const char *s, double *v, int n)
{
    char buf[256];
    if (!s || strlen(s) >= sizeof buf)
        return 0;
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    int k = 0;
    for (; tok && k < n; k++, tok = strtok_r(NULL, ",", &save))
        if (!pl_parse_number(tok, &v[k]) || !isfinite(v[k]))
            return 0;
    return k == n && !tok;
}

/* The largest box a map may ask for, in square degrees (about 100 km × 100 km here). */
#define MAX_BOX_DEG2 1.0

enum MHD_Result pl_api_parcels(pl_req *r, pl_db *db)
{
    const char *bbox = pl_req_arg(r, "bbox"), *theme = pl_req_arg(r, "theme");
    double box[4];
    if (!bbox || !parse_numbers(bbox, box, 4))
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "bbox=lon1,lat1,lon2,lat2 (WGS 84 degrees) is required");
    if ((box[2] - box[0]) * (box[3] - box[1]) > MAX_BOX_DEG2)
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "the box is larger than %.0f square degree; zoom in",
                              MAX_BOX_DEG2);
    pl_export_options o;
    pl_export_options_init(&o);
    const char *crs = pl_req_arg(r, "crs");
    if (crs) { /* the box and the answer in the map's datum: GCJ-02 (AMap, Tencent), BD-09 (Baidu) */
        int c = pl_near_crs_parse(crs);
        if (c < 0)
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "crs is wgs84, gcj02 or bd09, not '%s'", crs);
        pl_error cerr;
        pl_error_clear(&cerr);
        for (int k = 0; k < 4 && c != PL_NEAR_WGS84; k += 2) /* the corners back to WGS 84 */
            if (pl_near_point(db, box[k], box[k + 1], (pl_near_crs)c, &box[k], &box[k + 1], NULL, 0, &cerr))
                return pl_reply_lib_error(r, &cerr);
        o.gcj02 = c == PL_NEAR_GCJ02;
        o.bd09 = c == PL_NEAR_BD09;
    }
    const char *simplify = pl_req_arg(r, "simplify");
    if (simplify && !(pl_parse_number(simplify, &o.simplify_m) && o.simplify_m >= 0 && o.simplify_m <= 10000))
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "simplify is a tolerance of 0 to 10000 metres, not '%s'",
                              simplify);
    /* and no more decimals than the tolerance can tell: 1e-6° ≈ 0.1 m, 1e-5° ≈ 1.1 m */
    if (o.simplify_m >= 10)
        o.precision = 5;
    else if (o.simplify_m >= 1)
        o.precision = 6;
    const char *fields = pl_req_arg(r, "fields");
    if (fields && strcmp(fields, "map") && strcmp(fields, "all"))
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "fields is map or all, not '%s'", fields);
    o.map_fields = !fields || !strcmp(fields, "map"); /* a map draws; its click asks /parcels/CODE */
    o.format = PL_EXPORT_GEOJSON;
    o.status = pl_req_arg(r, "status");
    o.park = pl_req_arg(r, "park");
    o.lonlat_box = box;
    if (theme) {
        int t = pl_export_theme_parse(theme);
        if (t < 0)
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "unknown theme '%s' (availability, landing, muni, ledger)", theme);
        o.theme = (pl_export_theme)t;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
    pl_error err;
    pl_error_clear(&err);
    pl_export_result res;
    int rc = pl_export_stream(db, &o, f, &res, &err);
    if (fclose(f) && !rc)
        rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
    if (rc) {
        free(text);
        return pl_reply_lib_error(r, &err);
    }
    return pl_reply_bytes(r, MHD_HTTP_OK, "application/geo+json; charset=utf-8", text, len, NULL);
}

/* ---- one parcel: the keys of `parcel show --format json` ---------------------------------- */

static json_t *text_or_null(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *num_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* What `parcel show` adds to the row (parkland/parcel_show.h), and its flags. */
typedef struct parcel_ctx {
    json_t *o;
    const pl_indicators *ind;
    const pl_parcel_detail *d;
    int geometry, source; /* ?geometry=1, ?source=1: the CLI's --geometry, --source */
} parcel_ctx;

static json_t *text_or_empty_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static int parcel_json(const pl_parcel_row *p, void *vctx)
{
    parcel_ctx *c = vctx;
    const pl_parcel_detail *d = c->d;
    json_t *o = json_object();
    json_object_set_new(o, "park", text_or_null(p->park));
    json_object_set_new(o, "code", text_or_null(p->code));
    json_object_set_new(o, "name", text_or_null(p->name));
    json_object_set_new(o, "land_use", text_or_null(p->land_use));
    json_object_set_new(o, "land_use_code", text_or_null(p->land_use_code));
    json_object_set_new(o, "status", text_or_null(p->status));
    json_object_set_new(o, "status_zh", text_or_null(pl_parcel_status_zh(p->status)));
    json_object_set_new(o, "status_date", text_or_null(p->status_date));
    json_object_set_new(o, "area_m2", num_or_null(round(p->area_m2 * 100) / 100));
    json_object_set_new(o, "area_mu", num_or_null(round(pl_m2_to_mu(p->area_m2) * 100) / 100));
    json_object_set_new(o, "area_ha", num_or_null(round(pl_m2_to_ha(p->area_m2) * 1e4) / 1e4));
    json_object_set_new(o, "declared_area_m2", num_or_null(p->declared_area_m2));
    char shape[64];
    snprintf(shape, sizeof shape, "%d part(s), %d hole(s), %d vertices", p->parts, p->holes, p->vertices);
    json_object_set_new(o, "shape", json_string(shape));
    json_object_set_new(o, "batch", p->batch_id ? json_integer(p->batch_id) : json_null());
    json_object_set_new(o, "label_lon", num_or_null(d->label_lon));
    json_object_set_new(o, "label_lat", num_or_null(d->label_lat));
    for (int f = 0; f < PL_IND_PARCEL_FIELDS; f++) {
        const pl_indicator_info *in = pl_indicator_field_info((pl_ind_field)f);
        char v[512];
        pl_indicators_format(c->ind, (pl_ind_field)f, v, sizeof v);
        json_object_set_new(o, in->key, in->kind == PL_IND_TEXT ? text_or_empty_null(v)
                                            : num_or_null(pl_indicators_number(c->ind, (pl_ind_field)f)));
    }
    json_object_set_new(o, "reserved_lead", d->reserved ? text_or_empty_null(d->reserved_lead) : json_null());
    json_object_set_new(o, "reserved_on", text_or_empty_null(d->reserved_on));
    json_object_set_new(o, "reserved_expires", text_or_empty_null(d->reserved_expires));
    json_object_set_new(o, "project", text_or_empty_null(d->project));
    json_object_set_new(o, "project_stage", text_or_empty_null(d->project_stage));
    static const char *const kinds[4] = {"land", "construction", "production", "verification"};
    for (int k = 0; k < 4; k++) {
        char key[64];
        snprintf(key, sizeof key, "%s_planned", kinds[k]);
        json_object_set_new(o, key, text_or_empty_null(d->milestone_planned[k]));
        snprintf(key, sizeof key, "%s_actual", kinds[k]);
        json_object_set_new(o, key, text_or_empty_null(d->milestone_actual[k]));
    }
    json_object_set_new(o, "completion_planned", text_or_empty_null(d->completion_planned));
    json_object_set_new(o, "completion_actual", text_or_empty_null(d->completion_actual));
    json_object_set_new(o, "start_deadline", text_or_empty_null(d->start_deadline));
    json_object_set_new(o, "completion_deadline", text_or_empty_null(d->completion_deadline));
    if (c->source) {
        json_t *attrs = p->attrs_json ? json_loads(p->attrs_json, 0, NULL) : NULL;
        json_object_set_new(o, "attributes", attrs ? attrs : json_null());
    }
    if (c->geometry)
        json_object_set_new(o, "wkt", text_or_null(p->wkt));
    c->o = o;
    return 0;
}

/* The parcel's inspections (parkland/inspect.h), oldest first: the key of `parcel show --format
 * json` ("inspections", text there), here an array of records with their files. */
static int inspection_json(const pl_inspection *in, void *ctx)
{
    json_t *a = ctx, *o = json_object(), *files = json_array();
    json_object_set_new(o, "date", text_or_null(in->date));
    json_object_set_new(o, "progress_pct", num_or_null(in->progress_pct));
    json_object_set_new(o, "built_area_m2", num_or_null(in->built_area_m2));
    json_object_set_new(o, "invested_wan", num_or_null(in->invested_wan));
    json_object_set_new(o, "stopped_since", text_or_null(in->stopped_since));
    json_object_set_new(o, "note", text_or_null(in->note));
    json_object_set_new(o, "who", text_or_null(in->who));
    for (size_t i = 0; i < in->nfiles; i++) {
        json_t *f = json_object();
        json_object_set_new(f, "name", json_string(in->files[i].name));
        json_object_set_new(f, "mime", json_string(in->files[i].mime));
        json_object_set_new(f, "size", json_integer(in->files[i].size));
        json_object_set_new(f, "sha256", json_string(in->files[i].sha256));
        json_array_append_new(files, f);
    }
    json_object_set_new(o, "files", files);
    json_array_append_new(a, o);
    return 0;
}

/* ?NAME=1 (or true, yes): 1; absent or anything else: 0. */
static int arg_flag(pl_req *r, const char *name)
{
    const char *v = pl_req_arg(r, name);
    return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

enum MHD_Result pl_api_parcel(pl_req *r, pl_db *db)
{
    const char *park = pl_req_arg(r, "park");
    pl_error err;
    pl_error_clear(&err);
    char *code = NULL;
    int rc = pl_code_resolve(db, PL_CODE_PARCEL, park, r->arg, &code, NULL, &err);
    pl_indicators ind;
    pl_parcel_detail d;
    parcel_ctx c = {NULL, &ind, &d, arg_flag(r, "geometry"), arg_flag(r, "source")};
    if (!rc)
        rc = pl_parcel_indicators_get(db, park, code, &ind, &err);
    if (!rc)
        rc = pl_parcel_detail_get(db, park, code, &d, &err);
    if (!rc)
        rc = pl_parcel_get(db, park, code, parcel_json, &c, &err);
    if (!rc) {
        json_t *a = json_array();
        json_object_set_new(c.o, "inspections", a);
        rc = pl_inspection_each(db, park, code, inspection_json, a, &err);
    }
    free(code);
    if (rc) {
        json_decref(c.o);
        return pl_reply_lib_error(r, &err);
    }
    return pl_reply_json(r, MHD_HTTP_OK, c.o);
}

/* ---- free parcels: `query free --format json` ------------------------------------------ */

/* A quantity argument in `unit`: 1 when absent or read; 0 after answering 400. */
static int arg_quantity(pl_req *r, const char *name, pl_unit unit, double *out)
{
    const char *v = pl_req_arg(r, name);
    int converted;
    if (!v)
        return 1;
    if (!pl_parse_quantity(v, unit, out, &converted) || !isfinite(*out)) {
        pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s expects a number, not '%s'", name, v);
        return 0;
    }
    return 1;
}

enum MHD_Result pl_api_free(pl_req *r, pl_db *db)
{
    pl_query_filter f;
    pl_query_filter_init(&f);
    f.park = pl_req_arg(r, "park");
    f.industry = pl_req_arg(r, "industry");
    f.adjacent = pl_req_arg(r, "adjacent");
    if (!arg_quantity(r, "min_mu", PL_UNIT_MU, &f.min_mu) || !arg_quantity(r, "max_mu", PL_UNIT_MU, &f.max_mu) ||
        !arg_quantity(r, "max_intensity", PL_UNIT_WAN_PER_MU, &f.max_intensity) ||
        !arg_quantity(r, "min_far", PL_UNIT_NONE, &f.min_far) || !arg_quantity(r, "within", PL_UNIT_M, &f.within_m))
        return MHD_YES;
    const char *near = pl_req_arg(r, "near"), *near_crs = pl_req_arg(r, "near_crs"), *limit = pl_req_arg(r, "limit");
    if (limit) {
        double n;
        if (!pl_parse_number(limit, &n) || n < 1 || n > 1e6 || n != floor(n))
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "limit is a whole number from 1, not '%s'", limit);
        f.limit = (long)n;
    }
    pl_error err;
    pl_error_clear(&err);
    if (near) {
        double ll[2];
        int crs = near_crs ? pl_near_crs_parse(near_crs) : PL_NEAR_WGS84;
        if (!parse_numbers(near, ll, 2))
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "near expects LON,LAT, not '%s'", near);
        if (crs < 0)
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "near_crs is wgs84, gcj02 or bd09, not '%s'", near_crs);
        if (pl_near_point(db, ll[0], ll[1], (pl_near_crs)crs, &f.near_lon, &f.near_lat, NULL, 0, &err))
            return pl_reply_lib_error(r, &err);
    }
    char *adjacent = NULL;
    if (f.adjacent) {
        if (pl_code_resolve(db, PL_CODE_PARCEL, f.park, f.adjacent, &adjacent, NULL, &err))
            return pl_reply_lib_error(r, &err);
        f.adjacent = adjacent;
    }
    pl_table *t = NULL;
    int rc = pl_query_free_table(db, &f, PL_TABLE_JSON, &t, &err);
    free(adjacent);
    if (rc)
        return pl_reply_lib_error(r, &err);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out)
        pl_table_write(t, out, PL_TABLE_JSON, 0);
    pl_table_free(t);
    if (!out || fclose(out)) {
        free(text);
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
    }
    return pl_reply_bytes(r, MHD_HTTP_OK, "application/json; charset=utf-8", text, len, NULL);
}
