/*
 * esrijson.c — Esri JSON reader (the ArcGIS REST FeatureSet, or one Esri
 * geometry), reached through the GeoJSON reader, which recognises the format
 * by its top-level members ("geometryType", "spatialReference", "rings"…).
 *
 * What is read:
 *   - a FeatureSet: every element of "features" is one feature; its
 *     "attributes" are the attributes (strings as written, numbers as JSON
 *     writes them, null as "", objects and arrays as compact JSON), its
 *     "geometry" the geometry;
 *   - a document that is one geometry ({"rings": …}) is one feature without
 *     attributes (info->bare_geometry, as a bare GeoJSON geometry);
 *   - a geometry with "rings" is a polygon. Esri rings are a flat list: outer
 *     rings clockwise, holes counter-clockwise (y up). Each clockwise ring
 *     starts a polygon; each counter-clockwise ring is a hole of the first
 *     polygon whose shell holds its first vertex. A hole inside no shell, and
 *     every ring of a geometry that has no clockwise ring (a writer that
 *     ignored the orientation), is read as a polygon of its own, with a note.
 *     Rings are passed on as written (the importer judges closure and
 *     validity);
 *   - "paths" is a Polyline, "x"/"y" a Point, "points" a Multipoint, a
 *     missing or null geometry "null": non-polygons, for the importer to
 *     count;
 *   - the CRS: spatialReference.latestWkid, else .wkid (the current EPSG code
 *     is latestWkid when both are given: wkid may be an old Esri number), of
 *     the document, else of the first geometry that has one. Esri's Web
 *     Mercator numbers 102100 and 102113 read as EPSG:3857. A spatialReference
 *     given only as "wkt" is shown to the user, who passes --crs.
 *
 * The document is loaded whole with jansson (Esri JSON comes from ArcGIS
 * queries of a bounded number of records); files beyond ESRI_MAX_BYTES are
 * refused. Text must be UTF-8 (jansson's own check).
 */
#include "reader.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ESRI_MAX_BYTES ((long long)512 * 1024 * 1024)

typedef struct esri_reader {
    const char *path;       /* borrowed */
    const pl_read_options *opt; /* caller-owned; its note sink takes the notes */
    pl_source_info *info;   /* caller-owned */
    pl_error *err;          /* caller-owned */
    pl_feature f;           /* f.geom owned */
    char where[48];
    pl_attr *attrs;         /* owned, nattrs used */
    char **texts;           /* owned: the value texts of the current feature */
    size_t cap;
    pl_geom rings;          /* owned scratch: polys[0] holds the rings as read */
    long n_ccw_only, n_orphan;
} esri_reader;

/* The EPSG code of a spatialReference object; 0 when it names none. */
static int sr_srid(const json_t *sr)
{
    const json_t *v = json_object_get(sr, "latestWkid");
    if (!json_is_integer(v))
        v = json_object_get(sr, "wkid");
    if (!json_is_integer(v))
        return 0;
    json_int_t code = json_integer_value(v);
    if (code == 102100 || code == 102113)
        return 3857;
    return code > 0 && code < 1000000 ? (int)code : 0;
}

static void take_crs(esri_reader *r, const json_t *sr)
{
    if (!json_is_object(sr) || r->info->srid > 0 || r->info->crs_text[0])
        return;
    int srid = sr_srid(sr);
    const json_t *wkt = json_object_get(sr, "wkt");
    if (srid > 0) {
        r->info->srid = srid;
        snprintf(r->info->crs_text, sizeof r->info->crs_text, "spatialReference wkid %d", srid);
    } else if (json_is_string(wkt)) {
        snprintf(r->info->crs_text, sizeof r->info->crs_text, "%s", json_string_value(wkt));
    }
}

/* The attribute text of a JSON value (malloc'd; NULL when out of memory). */
static char *value_text(const json_t *v)
{
    char buf[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        return strdup(json_string_value(v));
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return strdup(buf);
    case JSON_REAL: {
        double d = json_real_value(v);
        snprintf(buf, sizeof buf, "%.15g", d);
        if (strtod(buf, NULL) != d)
            snprintf(buf, sizeof buf, "%.17g", d);
        return strdup(buf);
    }
    case JSON_TRUE:
        return strdup("true");
    case JSON_FALSE:
        return strdup("false");
    case JSON_NULL:
        return strdup("");
    default:
        return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
}

static void texts_free(esri_reader *r)
{
    for (size_t i = 0; i < r->f.nattrs; i++)
        free(r->texts[i]);
    r->f.nattrs = 0;
}

static int read_attributes(esri_reader *r, const json_t *attrs)
{
    texts_free(r);
    if (!json_is_object(attrs))
        return PL_OK;
    size_t n = json_object_size(attrs);
    if (n > r->cap) {
        pl_attr *a = realloc(r->attrs, n * sizeof *a);
        if (a)
            r->attrs = a;
        char **t = realloc(r->texts, n * sizeof *t);
        if (t)
            r->texts = t;
        if (!a || !t)
            return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        r->cap = n;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)attrs, key, v) {
        char *t = value_text(v);
        if (!t)
            return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        r->texts[r->f.nattrs] = t;
        r->attrs[r->f.nattrs].key = key;
        r->attrs[r->f.nattrs].value = t;
        r->f.nattrs++;
    }
    r->f.attrs = r->attrs;
    return PL_OK;
}

static int copy_ring(esri_reader *r, pl_poly *p, const pl_ring *from)
{
    pl_ring *to = pl_poly_add_ring(p);
    if (!to)
        return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
    for (size_t k = 0; k < from->n; k++)
        if (pl_ring_add_point(to, from->xy[2 * k], from->xy[2 * k + 1]))
            return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
    return PL_OK;
}

/* "rings" (already checked to be an array) into r->f.geom, polygons rebuilt
 * from the ring orientation. */
static int read_rings(esri_reader *r, const json_t *rings)
{
    pl_geom_clear(&r->rings);
    pl_poly *all = pl_geom_add_poly(&r->rings);
    if (!all)
        return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
    size_t i, k;
    json_t *ring, *pt;
    json_array_foreach(rings, i, ring) {
        if (!json_is_array(ring))
            return pl_error_set(r->err, PL_ERR_INPUT, "%s: %s: ring %zu is not an array of points", r->path,
                                r->where, i + 1);
        pl_ring *pr = pl_poly_add_ring(all);
        if (!pr)
            return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        json_array_foreach(ring, k, pt) {
            const json_t *x = json_array_get(pt, 0), *y = json_array_get(pt, 1);
            if (!json_is_number(x) || !json_is_number(y))
                return pl_error_set(r->err, PL_ERR_INPUT, "%s: %s: ring %zu point %zu: expected [x, y] numbers",
                                    r->path, r->where, i + 1, k + 1);
            if (pl_ring_add_point(pr, json_number_value(x), json_number_value(y)))
                return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        }
    }
    size_t nr = all->n, nouter = 0;
    for (i = 0; i < nr; i++)
        nouter += pl_ring_signed_area(&all->rings[i]) <= 0; /* clockwise (or flat) */
    int rc;
    if (nouter == 0 && nr > 0)
        r->n_ccw_only++;
    for (i = 0; i < nr; i++) { /* shells first, in file order */
        if (nouter && pl_ring_signed_area(&all->rings[i]) > 0)
            continue;
        pl_poly *p = pl_geom_add_poly(&r->f.geom);
        if (!p)
            return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        if ((rc = copy_ring(r, p, &all->rings[i])))
            return rc;
    }
    size_t nshell = r->f.geom.n;
    for (i = 0; nouter && i < nr; i++) { /* then each hole into the first shell that holds it */
        const pl_ring *h = &all->rings[i];
        if (pl_ring_signed_area(h) <= 0)
            continue;
        size_t s = 0;
        while (s < nshell && !(h->n > 0 && pl_ring_contains_point(&r->f.geom.polys[s].rings[0], h->xy[0], h->xy[1])))
            s++;
        pl_poly *p = s < nshell ? &r->f.geom.polys[s] : pl_geom_add_poly(&r->f.geom);
        if (!p)
            return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        if (s == nshell)
            r->n_orphan++;
        if ((rc = copy_ring(r, p, h)))
            return rc;
    }
    return PL_OK;
}

/* Feature `number` (geometry `g`, attributes `attrs`, either may be NULL) to the callback. */
static int emit(esri_reader *r, long number, const json_t *g, const json_t *attrs, pl_feature_cb cb, void *ctx)
{
    snprintf(r->where, sizeof r->where, "feature %ld", number);
    pl_geom_clear(&r->f.geom);
    r->f.number = number;
    r->f.line = 0;
    r->f.where = r->where;
    r->f.declared_area_m2 = NAN;
    r->f.attrs = r->attrs;
    int rc = read_attributes(r, attrs);
    if (rc)
        return rc;
    const json_t *rings = json_object_get(g, "rings");
    r->f.is_polygon = 0;
    if (!json_is_object(g))
        r->f.kind = "null";
    else if (json_is_array(rings)) {
        take_crs(r, json_object_get(g, "spatialReference"));
        long ccw = r->n_ccw_only, orphan = r->n_orphan;
        if ((rc = read_rings(r, rings)))
            return rc;
        if (r->n_ccw_only > ccw && r->n_ccw_only == 1)
            pl_read_note(r->opt, "%s: only counter-clockwise rings (Esri outer rings are clockwise): each read as a "
                         "polygon", r->where);
        if (r->n_orphan > orphan && r->n_orphan == 1)
            pl_read_note(r->opt, "%s: a counter-clockwise ring (a hole) inside no clockwise ring: read as a polygon",
                         r->where);
        r->f.is_polygon = r->f.geom.n > 0;
        r->f.kind = r->f.geom.n > 1 ? "MultiPolygon" : "Polygon";
        if (!r->f.is_polygon)
            r->f.kind = "empty Polygon";
    } else if (json_object_get(g, "paths"))
        r->f.kind = "Polyline";
    else if (json_object_get(g, "points"))
        r->f.kind = "Multipoint";
    else if (json_object_get(g, "x"))
        r->f.kind = "Point";
    else
        r->f.kind = "unknown geometry";
    if (!cb)
        return 0;
    return cb(&r->f, r->info, ctx);
}

int pl_read_esrijson(const char *path, const pl_read_options *opt, pl_source_info *info, pl_feature_cb cb,
                     void *ctx, pl_error *err)
{
    pl_read_args a;
    pl_read_begin(&a, opt, info, err);
    opt = a.opt;
    info = a.info;
    err = a.err;
    snprintf(info->format, sizeof info->format, "esrijson");
    snprintf(info->encoding, sizeof info->encoding, "utf-8");
    struct stat sb;
    if (stat(path, &sb) != 0)
        return pl_error_set(err, PL_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if ((long long)sb.st_size > ESRI_MAX_BYTES)
        return pl_error_set(err, PL_ERR_INPUT, "%s: Esri JSON larger than %lld MiB, refused (convert it: "
                            "ogr2ogr -f GeoJSON OUT.geojson %s)", path, ESRI_MAX_BYTES / (1024 * 1024), path);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return pl_error_set(err, PL_ERR_INPUT, "%s: line %d: Esri JSON: %s", path, je.line, je.text);
    esri_reader r = {.path = path, .opt = opt, .info = info, .err = err};
    pl_geom_init(&r.f.geom);
    pl_geom_init(&r.rings);
    int rc = PL_OK;
    take_crs(&r, json_object_get(root, "spatialReference"));
    if (opt->srid > 0)
        info->srid = opt->srid; /* --crs wins */
    const json_t *features = json_object_get(root, "features");
    if (json_is_array(json_object_get(root, "rings"))) {
        info->bare_geometry = 1;
        rc = emit(&r, 1, root, NULL, cb, ctx);
    } else if (json_is_array(features)) {
        /* the CRS before the first callback: a FeatureSet without a document one may have it per geometry */
        size_t i;
        json_t *ft;
        json_array_foreach(features, i, ft) take_crs(&r, json_object_get(json_object_get(ft, "geometry"),
                                                                             "spatialReference"));
        json_array_foreach(features, i, ft) {
            if (!json_is_object(ft)) {
                rc = pl_error_set(err, PL_ERR_INPUT, "%s: feature %zu: not an object", path, i + 1);
                break;
            }
            if ((rc = emit(&r, (long)i + 1, json_object_get(ft, "geometry"), json_object_get(ft, "attributes"),
                           cb, ctx)))
                break;
        }
    } else {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: Esri JSON without \"features\" or \"rings\": no geometry to read",
                          path);
    }
    if (!rc && r.n_ccw_only > 1)
        pl_read_note(opt, "%ld features had only counter-clockwise rings", r.n_ccw_only);
    if (!rc && r.n_orphan > 1)
        pl_read_note(opt, "%ld features had counter-clockwise rings inside no clockwise ring", r.n_orphan);
    texts_free(&r);
    free(r.attrs);
    free(r.texts);
    pl_geom_release(&r.f.geom);
    pl_geom_release(&r.rings);
    json_decref(root);
    return rc;
}
