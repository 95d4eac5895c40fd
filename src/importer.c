/*
 * importer.c — one import routine fed by any reader: map attributes, check
 * structure, validate and repair with GEOS, transform to the working CRS,
 * check the zone, the declared area, duplicates, conflicts and overlaps, and
 * write everything in one transaction (or nothing at all). The policy is
 * here; the bulk writing (prepared inserts and updates, history rows, the
 * suspended SpatiaLite triggers) is parcel_writer.c's.
 *
 * Two threads (import_pipe.h): the reader and the geometry stage (structure,
 * validity, repair, transformation, zone, area: judge_geometry) run on a
 * second thread with their own GEOS context and SpatiaLite cache; the
 * caller's thread checks and writes (write_feature) in file order and alone
 * emits messages, so the result is the same as one thread's.
 * GEOS's shared default GeometryFactory keeps a plain int reference count
 * that both threads touch (helgrind reports it); it is never used to free the
 * factory, so the race has no effect (tests/helgrind.supp).
 */
#include "parkland/export.h"
#include "parkland/import.h"
#include "parkland/parcel.h"
#include "parkland/sanity.h"
#include "parkland/units.h"

#include "crs.h"
#include "date.h"
#include "db_internal.h"
#include "geom.h"
#include "hash.h"
#include "import_pipe.h"
#include "parcel_writer.h"
#include "reader.h"
#include "text.h"
#include "xform.h"

#include <errno.h>
#include <limits.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Overlaps smaller than this (m²) are slivers of survey noise, not conflicts. */
#define PL_OVERLAP_TOLERANCE_M2 1.0
/* A parcel of another park that shares this much of the smaller one's area
 * with a new one is the same land: a park's parcels imported into another. */
#define PL_SAME_LAND_SHARE 0.99
/* Declared and computed area may differ this much (fraction) before a warning. */
#define PL_AREA_TOLERANCE 0.005
/* Degrees around a CRS's area of use that still count as inside. */
#define PL_ZONE_MARGIN_DEG 1.0

void pl_import_options_init(pl_import_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = PL_FORMAT_AUTO;
    opt->encoding = PL_ENCODING_AUTO;
}

int pl_area_unit_parse(const char *s)
{
    static const char *const names[] = {"ha", "m2", "mu"};
    static const pl_area_unit units[] = {PL_AREA_UNIT_HA, PL_AREA_UNIT_M2, PL_AREA_UNIT_MU};
    for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
        if (!strcmp(s, names[i]))
            return (int)units[i];
    return -1;
}

void pl_import_result_release(pl_import_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nmessages; i++)
        free(r->messages[i].text);
    free(r->messages);
    r->messages = NULL;
    r->nmessages = 0;
}

typedef struct importer {
    pl_db *db;
    const char *path;
    const pl_import_options *opt;
    pl_import_result *res;
    pl_error *err;          /* fatal errors (stop reading) */
    long park_id;
    const char *status;
    char today[16], now[32];
    int src_ready, src_srid, src_geographic;
    double zone_box[4];     /* working-CRS box of the area of use, with margin */
    int have_zone_box;
    char zone_name[128];
    int bare_geometry;      /* the reader's info.bare_geometry, set at the first feature */
    char code_made[256];    /* a code made by --code-prefix or from the file name */
    int code_made_noted;
    /* the kinds of the features that were not polygons, for the summary of a file without any */
    struct {
        char kind[96];
        long n;
    } nonpoly[8];
    long nonpoly_other;     /* beyond the eight kinds kept */
    /* declared areas written as bare numbers (TXT 地块面积), whose unit is
     * settled when the whole file has been read (settle_area_unit) */
    struct bare_area {
        long id;            /* parcel written with it, 0 when none */
        double raw;         /* the number as written */
        long msg;           /* index of its 公顷 warning, -1 none, -2 dropped (cap) */
    } *bare;
    size_t nbare, bare_cap;
    long bare_seen;         /* bare values read (also under a forced --area-unit) */
    long bare_match[3];     /* of the judged ones, matching their polygon in ha, m², 亩 */
    int area_field_seen;    /* a --field area* column was found in some feature */
    char datum_message[1024]; /* setup_source: the datum transformation, said at the end; "" none */
    /* the 7 parameters of an old datum: --towgs84, else the park's (park_datum_shift) */
    int have_towgs84, towgs84_from_park;
    double towgs84[7];
    int datum_level;
    /* codes when the file has no code column (codes_note) */
    long codes_from_names, codes_missing, code_dups, code_tracked;
    char name_key[64];      /* the column the names (as codes) came from */
    struct code_col {
        char *key;          /* owned */
        long present;       /* features with a value in it */
        int unusable;       /* a repeated value, or decimal numbers */
    } cols[64];
    size_t ncols;
    sqlite3_stmt *st_col;   /* INSERT OR IGNORE into temp.pl_import_col */
    /* prepared once, reused for every feature */
    sqlite3_stmt *st_find, *st_overlap, *st_code;
    int park_had_parcels;   /* at the start of the import (in its transaction): else no code can exist */
    pl_xform *xf;           /* source → working CRS (owned), made by setup_source */
    pl_parcel_writer *writer; /* the inserts and updates (owned), from write_batch on */
    /* the geometry stage's own, used on the reader thread only */
    GEOSContextHandle_t stage_geos; /* owned */
    /* the reader's notes (take_note), said after the features' messages; owned */
    char **notes;
    size_t nnotes, notes_cap;
    long notes_over;        /* beyond PL_IMPORT_MAX_MESSAGES, or no memory: counted as dropped */
    char stage_geos_msg[1024];      /* its last error or notice */
    pl_geom scratch;        /* the current feature's rings, transformed to the working CRS */
    char *text[4];          /* code, name, land use, land use code of the current feature (full length) */
    size_t text_cap[4];
} importer;

static void add_message(importer *im, pl_message_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_message(importer *im, pl_message_level level, const char *fmt, ...)
{
    pl_import_result *r = im->res;
    if (level == PL_MSG_WARNING)
        r->warnings++;
    if (r->nmessages >= PL_IMPORT_MAX_MESSAGES) {
        r->messages_dropped++;
        return;
    }
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (r->nmessages % 64 == 0) {
        pl_import_message *m = realloc(r->messages, (r->nmessages + 64) * sizeof *m);
        if (!m) {
            r->messages_dropped++;
            return;
        }
        r->messages = m;
    }
    char *t = strdup(buf);
    if (!t) {
        r->messages_dropped++;
        return;
    }
    r->messages[r->nmessages].level = level;
    r->messages[r->nmessages].text = t;
    r->nmessages++;
}

/* A message before all others (a note that belongs before the features'
 * messages, added once the whole file is known). When the list is full, its
 * last message gives way (counted as dropped, as add_message counts). */
static void add_front(importer *im, pl_message_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_front(importer *im, pl_message_level level, const char *fmt, ...)
{
    pl_import_result *r = im->res;
    if (r->nmessages >= PL_IMPORT_MAX_MESSAGES) {
        free(r->messages[r->nmessages - 1].text);
        r->nmessages--;
        r->messages_dropped++;
    }
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t before = r->nmessages;
    add_message(im, level, "%s", buf);
    if (r->nmessages == before + 1 && before > 0) {
        pl_import_message m = r->messages[before];
        memmove(r->messages + 1, r->messages, before * sizeof *r->messages);
        r->messages[0] = m;
    }
}

/* Remove the messages whose text was freed (set to NULL), keeping the order. */
static void compact_messages(importer *im)
{
    pl_import_result *r = im->res;
    size_t k = 0;
    for (size_t i = 0; i < r->nmessages; i++)
        if (r->messages[i].text)
            r->messages[k++] = r->messages[i];
    r->nmessages = k;
}

/* ---- attribute mapping ------------------------------------------------- */

static const char *const code_keys[] = {"宗地号", "宗地编号", "宗地代码", "地块编号", "地块号", "地块代码",
                                        "code", "parcel_code", "parcelcode", "parcel_id", "parcelid",
                                        "zdh", "zddm", "zdbh", "dkbh", "编号", NULL};
static const char *const name_keys[] = {"地块名称", "宗地名称", "名称", "name", "parcel_name", "dkmc", "zdmc", NULL};
static const char *const use_keys[] = {"地块用途", "土地用途", "用途", "规划用途", "land_use", "landuse", "yt",
                                       "tdyt", NULL};
static const char *const use_code_keys[] = {"地类编码", "用途编码", "用途代码", "land_use_code", "dlbm", NULL};
static const char *const area_m2_keys[] = {"area_m2", "面积平方米", "面积_平方米", NULL};
static const char *const area_ha_keys[] = {"area_ha", "面积公顷", "面积_公顷", NULL};
static const char *const area_mu_keys[] = {"area_mu", "面积亩", "面积_亩", NULL};

static const char *attr_exact(const pl_feature *f, const char *key)
{
    for (size_t i = 0; i < f->nattrs; i++)
        if (!strcasecmp(f->attrs[i].key, key))
            return f->attrs[i].value;
    return NULL;
}

static const char *attr_find(const pl_feature *f, const char *override, const char *const *keys)
{
    if (override)
        return attr_exact(f, override);
    for (size_t k = 0; keys[k]; k++) {
        const char *v = attr_exact(f, keys[k]);
        if (v && *v)
            return v;
    }
    return NULL;
}

/* The key (as in the file) of the attribute attr_find(f, NULL, keys) finds. */
static const char *attr_find_key(const pl_feature *f, const char *const *keys)
{
    for (size_t k = 0; keys[k]; k++)
        for (size_t i = 0; i < f->nattrs; i++)
            if (!strcasecmp(f->attrs[i].key, keys[k]) && f->attrs[i].value && *f->attrs[i].value)
                return f->attrs[i].key;
    return NULL;
}

/* Trimmed copy of `s` into the importer's growable buffer `slot`, never cut
 * (a value of any length lands as written). NULL when blank or out of memory. */
static char *trim_copy(importer *im, int slot, const char *s)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    if (n + 1 > im->text_cap[slot]) {
        char *b = realloc(im->text[slot], n + 1);
        if (!b)
            return NULL;
        im->text[slot] = b;
        im->text_cap[slot] = n + 1;
    }
    char *buf = im->text[slot];
    memcpy(buf, s, n + 1);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r' || buf[n - 1] == '\n'))
        buf[--n] = '\0';
    return buf[0] ? buf : NULL;
}

/* m² per unit of a bare declared area, by pl_area_unit (AUTO: the format's 公顷). */
static double bare_factor(int unit)
{
    return unit == PL_AREA_UNIT_M2 ? 1.0 : unit == PL_AREA_UNIT_MU ? PL_M2_PER_MU : PL_M2_PER_HA;
}

/* Declared area in m²; NAN when none. A column named with --field area,
 * area_ha or area_mu is the only source (in every format, the TXT too:
 * *from_field when one was found); else the reader's (its bare number in the
 * unit of --area-unit: *bare); else the usual area columns. */
static double declared_area(importer *im, const pl_feature *f, int *bare, int *from_field)
{
    const pl_import_options *o = im->opt;
    *bare = *from_field = 0;
    struct {
        const char *field;
        const char *const *keys;
        double factor;
    } tries[] = {
        {o->field_area, area_m2_keys, 1.0},
        {o->field_area_ha, area_ha_keys, PL_M2_PER_HA},
        {o->field_area_mu, area_mu_keys, PL_M2_PER_MU},
    };
    int named = o->field_area || o->field_area_ha || o->field_area_mu;
    if (!named && !isnan(f->declared_area_m2) && f->declared_area_m2 > 0) {
        if (!f->declared_area_unitless)
            return f->declared_area_m2;
        *bare = 1;
        return f->declared_area_m2 / PL_M2_PER_HA * bare_factor(o->area_unit);
    }
    for (size_t i = 0; i < 3; i++) {
        if (named && !tries[i].field)
            continue;
        const char *v = attr_find(f, tries[i].field, tries[i].keys);
        if (v && tries[i].field)
            *from_field = 1;
        if (!v || !*v)
            continue;
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (end != v && errno == 0 && isfinite(d) && d > 0)
            return d * tries[i].factor;
    }
    return NAN;
}

/* The attributes as jansson would write them (compact, in file order):
 * jansson for the odd cases (a repeated key, text that is not UTF-8), else a
 * direct writer with the same escapes, which skips a json_t per value. */
static char *attrs_json_jansson(const pl_feature *f)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (size_t i = 0; i < f->nattrs; i++) {
        json_t *v = json_string(f->attrs[i].value ? f->attrs[i].value : "");
        if (v)
            json_object_set_new(o, f->attrs[i].key, v);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static size_t json_put_string(char *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    out[n++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: break;
        }
        if (esc) {
            out[n++] = esc[0];
            out[n++] = esc[1];
        } else if (c < 0x20) {
            memcpy(out + n, "\\u00", 4);
            out[n + 4] = hex[c >> 4];
            out[n + 5] = hex[c & 15];
            n += 6;
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    return n;
}

static char *attrs_json(const pl_feature *f)
{
    size_t need = 3;
    for (size_t i = 0; i < f->nattrs; i++) {
        const char *k = f->attrs[i].key, *v = f->attrs[i].value ? f->attrs[i].value : "";
        size_t kl = k ? strlen(k) : 0, vl = strlen(v);
        if (!k || !pl_text_is_utf8(k, kl) || !pl_text_is_utf8(v, vl))
            return attrs_json_jansson(f);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(f->attrs[j].key, k))
                return attrs_json_jansson(f);
        need += 6 * (kl + vl) + 6; /* every byte escaped at worst, quotes, ':' and ',' */
    }
    char *out = malloc(need);
    if (!out)
        return NULL;
    size_t n = 0;
    out[n++] = '{';
    for (size_t i = 0; i < f->nattrs; i++) {
        if (i)
            out[n++] = ',';
        n += json_put_string(out + n, f->attrs[i].key);
        out[n++] = ':';
        n += json_put_string(out + n, f->attrs[i].value ? f->attrs[i].value : "");
    }
    out[n++] = '}';
    out[n] = '\0';
    return out;
}

/* ---- source CRS ------------------------------------------------------------ */

/* Xian 1980 and Beijing 1954 reach CGCS2000 only through 7 parameters
 * (domain.md §5): without them PROJ keeps latitude and longitude as they are.
 * Say which transformation is used and how far off it may be; with
 * --towgs84, which parameters were applied. (Said at the end, by the
 * caller's thread: this runs on the reader's.) */
static void datum_message(importer *im)
{
    char datum[128];
    if (im->src_srid == im->db->srid || pl_crs_datum_name(im->src_srid, datum, sizeof datum) != 0)
        return;
    if (im->have_towgs84) {
        const double *p = im->towgs84;
        im->datum_level = PL_MSG_NOTE;
        if (im->towgs84_from_park)
            snprintf(im->datum_message, sizeof im->datum_message,
                     "%s: %s (EPSG:%d) transformed to EPSG:%d with the park's parameters %g,%g,%g,%g,%g,%g,%g "
                     "(parkland park datum; --towgs84 overrides them)", im->path, datum, im->src_srid, im->db->srid,
                     p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        else
            snprintf(im->datum_message, sizeof im->datum_message,
                     "%s: %s (EPSG:%d) transformed to EPSG:%d with --towgs84 %g,%g,%g,%g,%g,%g,%g", im->path, datum,
                     im->src_srid, im->db->srid, p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        return;
    }
    if (!strstr(datum, "Xian 1980") && !strstr(datum, "Beijing 1954"))
        return;
    char op[512] = "?";
    double acc = -1;
    pl_crs_operation_name(im->src_srid, im->db->srid, op, sizeof op, &acc);
    char accuracy[256];
    if (acc >= 0)
        snprintf(accuracy, sizeof accuracy, "accuracy %.1f m", acc);
    else
        snprintf(accuracy, sizeof accuracy, "accuracy unknown to PROJ: it keeps latitude and longitude as they are, "
                 "so expect errors of tens of metres (the datum shift is not applied)");
    im->datum_level = PL_MSG_WARNING;
    if (snprintf(im->datum_message, sizeof im->datum_message,
                 "%s: coordinates in %s (EPSG:%d) without the 7 transformation parameters: transformed to EPSG:%d "
                 "by PROJ's '%s', %s; give the parameters with --towgs84 dX,dY,dZ,rX,rY,rZ,S (m, arc-seconds, ppm)",
                 im->path, datum, im->src_srid, im->db->srid, op, accuracy) >= (int)sizeof im->datum_message)
        memcpy(im->datum_message + sizeof im->datum_message - sizeof "…", "…", sizeof "…"); /* cut, and said */
}

static int setup_source(importer *im, const pl_source_info *info, pl_error *err)
{
    pl_db *db = im->db;
    im->src_ready = 1;
    im->src_srid = im->opt->srid ? im->opt->srid : info->srid;
    im->res->source_srid = im->src_srid;
    if (im->src_srid <= 0)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: the file does not say its coordinate system%s%s; pass --crs EPSG", im->path,
                            info->crs_text[0] ? " in a form parkland knows: " : "", info->crs_text);
    if (!pl_db_ensure_srid(db, im->src_srid))
        return pl_error_set(err, PL_ERR_INPUT, "%s: EPSG:%d is not a coordinate system SpatiaLite knows",
                            im->path, im->src_srid);
    im->src_geographic = pl_db_srid_is_geographic(db, im->src_srid);

    /* The working CRS's area of use, as a box in working coordinates. */
    double aou[4];
    if (pl_crs_area_of_use(db->srid, aou, im->zone_name, sizeof im->zone_name) == 0) {
        double w = fmax(aou[0] - PL_ZONE_MARGIN_DEG, -180), s = fmax(aou[1] - PL_ZONE_MARGIN_DEG, -89.9);
        double e = fmin(aou[2] + PL_ZONE_MARGIN_DEG, 180), n_ = fmin(aou[3] + PL_ZONE_MARGIN_DEG, 89.9);
        /* densify the outline so the projected box holds the curved edges */
        double xy[2 * 84];
        size_t n = 0;
        for (int i = 0; i <= 20; i++) {
            double t = i / 20.0;
            double pts[4][2] = {{w + t * (e - w), s}, {w + t * (e - w), n_}, {w, s + t * (n_ - s)}, {e, s + t * (n_ - s)}};
            for (int k = 0; k < 4; k++, n++)
                xy[2 * n] = pts[k][0], xy[2 * n + 1] = pts[k][1];
        }
        pl_xform *geo;
        pl_error ignored;
        pl_db_ensure_srid(db, 4326);
        if (pl_xform_open(db, 4326, db->srid, 1, &geo, &ignored) == PL_OK) {
            if (pl_xform_points(geo, xy, n, &ignored) == PL_OK) {
                im->zone_box[0] = im->zone_box[2] = xy[0];
                im->zone_box[1] = im->zone_box[3] = xy[1];
                for (size_t i = 1; i < n; i++) {
                    im->zone_box[0] = fmin(im->zone_box[0], xy[2 * i]);
                    im->zone_box[2] = fmax(im->zone_box[2], xy[2 * i]);
                    im->zone_box[1] = fmin(im->zone_box[1], xy[2 * i + 1]);
                    im->zone_box[3] = fmax(im->zone_box[3], xy[2 * i + 1]);
                }
                im->have_zone_box = 1;
            }
            pl_xform_free(geo);
        }
    }
    /* the 7 parameters of an old datum: given, else those the park keeps for it */
    const pl_import_options *o = im->opt;
    if ((im->have_towgs84 = o->have_towgs84)) {
        memcpy(im->towgs84, o->towgs84, sizeof im->towgs84);
    } else if (im->src_srid != db->srid) {
        char datum[128];
        if (pl_crs_datum_name(im->src_srid, datum, sizeof datum) == 0 &&
            (strstr(datum, "Xian 1980") || strstr(datum, "Beijing 1954"))) {
            int rc = pl_park_datum_shift_of(db, im->park_id, strstr(datum, "Xian 1980") ? "Xian 1980" : "Beijing 1954",
                                            im->towgs84, err);
            if (rc == PL_OK)
                im->have_towgs84 = im->towgs84_from_park = 1;
            else if (rc != PL_ERR_NOTFOUND)
                return pl_error_prefix(err, "%s", im->path);
        }
    }
    /* the per-feature transformation, with a PROJ context of its own: it runs on the reader thread */
    if ((im->have_towgs84 ? pl_xform_open_towgs84(db, im->src_srid, im->towgs84, db->srid, &im->xf, err)
                         : pl_xform_open(db, im->src_srid, db->srid, 1, &im->xf, err)) ||
        pl_xform_detach(im->xf, err))
        return pl_error_prefix(err, "%s", im->path);
    datum_message(im);
    return PL_OK;
}

/* ---- the geometry stage (on the reader thread) ------------------------------ */

/* What the geometry stage found out about one feature; one per pipe slot,
 * reused. The stage formats refusals without the feature's name, which the
 * writing stage puts in front (it alone knows the code). */
typedef struct geo_result {
    int refused;            /* 1: the geometry is refused, `message` says why */
    char message[1600];
    int repaired;           /* 1: repaired, `why` says what was wrong */
    char why[1024 + 128];   /* the validity reason and where */
    double area_before;     /* m² of the outer rings as drawn (repaired), NAN when one crosses itself */
    double declared;        /* m² the file states (declared_area), NAN when none */
    int declared_bare;      /* declared_area's *bare and *from_field */
    int declared_from_field;
    double area, box[4];    /* of the working-CRS geometry: m²; minx, miny, maxx, maxy */
    unsigned char *wkb;     /* working-CRS MultiPolygon, ISO WKB; owned, wkb_cap bytes */
    size_t wkb_len, wkb_cap;
    char *json;             /* the attributes as JSON; owned (malloc) */
} geo_result;

static void geo_result_free(geo_result *g)
{
    if (!g)
        return;
    free(g->wkb);
    free(g->json);
    free(g);
}

static void stage_geos_message(const char *message, void *userdata)
{
    importer *im = userdata;
    snprintf(im->stage_geos_msg, sizeof im->stage_geos_msg, "%s", message);
}

/* The feature's own rings, transformed to the working CRS (the common case:
 * no repair): one batch of points through SpatiaLite/PROJ. NULL on failure. */
static GEOSGeometry *raw_to_working(importer *im, const pl_geom *raw)
{
    pl_error ignored;
    if (pl_geom_copy(&im->scratch, raw) || pl_xform_geom(im->xf, &im->scratch, &ignored))
        return NULL;
    return pl_geos_from_raw(im->stage_geos, &im->scratch, im->db->srid);
}

/* Transform a GEOS geometry (a repaired one) from the source CRS to the
 * working CRS, through WKB and SpatiaLite. NULL on failure. */
static GEOSGeometry *to_working(importer *im, const GEOSGeometry *g)
{
    GEOSContextHandle_t gc = im->stage_geos;
    if (im->src_srid == im->db->srid)
        return GEOSGeom_clone_r(gc, g);
    size_t len;
    unsigned char *wkb = pl_geos_to_wkb(gc, g, &len);
    if (!wkb)
        return NULL;
    GEOSGeometry *out = NULL;
    gaiaGeomCollPtr in = len <= INT_MAX ? gaiaFromWkb(wkb, (int)len) : NULL;
    GEOSFree_r(gc, wkb);
    pl_error ignored;
    gaiaGeomCollPtr t = in ? pl_xform_gaia(im->xf, in, &ignored) : NULL;
    if (in)
        gaiaFreeGeomColl(in);
    if (t) {
        unsigned char *blob = NULL;
        int size = 0;
        gaiaToWkb(t, &blob, &size);
        if (blob && size > 0)
            out = pl_geos_from_wkb(gc, blob, (size_t)size);
        free(blob);
        gaiaFreeGeomColl(t);
    }
    if (out)
        GEOSSetSRID_r(gc, out, im->db->srid);
    return out;
}

/* Coordinates of a geographic source must be longitudes and latitudes. */
static int check_degrees(const pl_geom *g, char *why, size_t len)
{
    double minx, miny, maxx, maxy;
    if (!pl_geom_bbox(g, &minx, &miny, &maxx, &maxy))
        return 1;
    if (minx < -180 || maxx > 180 || miny < -90 || maxy > 90) {
        snprintf(why, len, "coordinates (%.10g…%.10g, %.10g…%.10g) are not longitude/latitude degrees; "
                 "is the coordinate system right? (--crs)", minx, maxx, miny, maxy);
        return 0;
    }
    return 1;
}

/* The area enclosed by the outer rings as drawn (each part's shell, holes and
 * overlaps aside), which a user can check against the drawing; NAN when a
 * shell crosses or touches itself and so encloses no area one can name.
 * (GEOS's area of an invalid polygon can be negative.) */
static double shells_area_as_drawn(GEOSContextHandle_t gc, const GEOSGeometry *g)
{
    int n = GEOSGetNumGeometries_r(gc, g);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(gc, g, i);
        const GEOSGeometry *shell = part ? GEOSGetExteriorRing_r(gc, part) : NULL;
        if (!shell || GEOSisSimple_r(gc, shell) != 1)
            return NAN;
        GEOSGeometry *ring = GEOSGeom_clone_r(gc, shell);
        GEOSGeometry *poly = ring ? GEOSGeom_createPolygon_r(gc, ring, NULL, 0) : NULL;
        if (!poly) {
            if (ring)
                GEOSGeom_destroy_r(gc, ring);
            return NAN;
        }
        sum += pl_geos_area(gc, poly);
        GEOSGeom_destroy_r(gc, poly);
    }
    return sum;
}

static void refuse_geometry(geo_result *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse_geometry(geo_result *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->message, sizeof g->message, fmt, ap);
    va_end(ap);
    g->refused = 1;
}

/* Judge one polygon feature: structure, validity (repair), transformation,
 * zone, area; on success the working geometry as WKB. Runs on the reader
 * thread with the stage's own GEOS context and transformation. */
static int judge_geometry(importer *im, const pl_feature *f, geo_result *g)
{
    GEOSContextHandle_t gc = im->stage_geos;
    GEOSGeometry *src = NULL, *fixed = NULL, *work = NULL;
    int rc = PL_OK;
    char why[1024];
    g->refused = g->repaired = 0;
    g->wkb_len = 0;
    if (!pl_geom_check_structure(&f->geom, why, sizeof why) ||
        (im->src_geographic && !check_degrees(&f->geom, why, sizeof why))) {
        refuse_geometry(g, "%s", why);
        return PL_OK;
    }
    src = pl_geos_from_raw(gc, &f->geom, im->src_srid);
    if (!src) {
        refuse_geometry(g, "cannot build a polygon: %s", im->stage_geos_msg);
        goto out;
    }
    double vx, vy;
    int valid = pl_geos_validate(gc, src, why, sizeof why, &vx, &vy);
    g->area_before = NAN;
    if (valid != 1) {
        char where_txt[128] = "";
        if (!isnan(vx))
            snprintf(where_txt, sizeof where_txt, im->src_geographic ? " at lon %.7f lat %.7f" : " at E %.3f N %.3f",
                     vx, vy);
        if (valid < 0)
            snprintf(why, sizeof why, "GEOS cannot judge it: %.900s", im->stage_geos_msg);
        if (!im->opt->repair || valid < 0) {
            refuse_geometry(g, "invalid polygon: %s%s (EPSG:%d; --repair can fix it)", why, where_txt,
                            im->src_srid);
            goto out;
        }
        GEOSGeometry *orig_work = to_working(im, src);
        g->area_before = orig_work ? shells_area_as_drawn(gc, orig_work) : NAN;
        if (orig_work)
            GEOSGeom_destroy_r(gc, orig_work);
        fixed = pl_geos_repair(gc, src);
        if (!fixed) {
            refuse_geometry(g, "invalid polygon (%s%s) and repair leaves nothing of it", why, where_txt);
            goto out;
        }
        snprintf(g->why, sizeof g->why, "%s%s", why, where_txt);
        g->repaired = 1;
    }
    work = fixed ? to_working(im, fixed) : raw_to_working(im, &f->geom);
    if (!work) {
        refuse_geometry(g, "cannot transform from EPSG:%d to EPSG:%d", im->src_srid, im->db->srid);
        goto out;
    }
    if (!GEOSGeom_getXMin_r(gc, work, &g->box[0]) || !GEOSGeom_getYMin_r(gc, work, &g->box[1]) ||
        !GEOSGeom_getXMax_r(gc, work, &g->box[2]) || !GEOSGeom_getYMax_r(gc, work, &g->box[3])) {
        refuse_geometry(g, "the polygon is empty");
        goto out;
    }
    if (im->have_zone_box && !(g->box[0] >= im->zone_box[0] && g->box[2] <= im->zone_box[2] &&
                               g->box[1] >= im->zone_box[1] && g->box[3] <= im->zone_box[3])) {
        refuse_geometry(g, "lies far outside the working coordinate system EPSG:%d (%s); "
                        "is the file's coordinate system EPSG:%d right? (--crs)", im->db->srid, im->zone_name,
                        im->src_srid);
        goto out;
    }
    g->area = pl_geos_area(gc, work);
    if (!(g->area > 0)) {
        refuse_geometry(g, "the polygon has no area");
        goto out;
    }
    if (GEOSGeomTypeId_r(gc, work) != GEOS_MULTIPOLYGON) {
        GEOSGeometry *multi = pl_geos_to_multi(gc, work);
        if (multi) {
            GEOSGeom_destroy_r(gc, work);
            work = multi;
        }
    }
    /* what SpatiaLite's ggi_parcel_geom trigger checks, suspended during the import */
    if (GEOSGeomTypeId_r(gc, work) != GEOS_MULTIPOLYGON) {
        refuse_geometry(g, "is not a polygon once repaired");
        goto out;
    }
    if (!fixed) {
        /* the rings as transformed are the geometry: write their WKB directly
         * (the same bytes GEOS would write, without its stream per byte) */
        if (pl_geom_to_wkb(&im->scratch, &g->wkb, &g->wkb_cap, &g->wkb_len)) {
            rc = PL_ERR_NOMEM;
            goto out;
        }
    } else {
        size_t len;
        unsigned char *wkb = pl_geos_to_wkb(gc, work, &len);
        unsigned char *room = wkb && len > g->wkb_cap ? realloc(g->wkb, len) : g->wkb;
        if (!wkb || !room) {
            if (wkb)
                GEOSFree_r(gc, wkb);
            rc = PL_ERR_NOMEM;
            goto out;
        }
        if (len > g->wkb_cap) {
            g->wkb = room;
            g->wkb_cap = len;
        }
        memcpy(g->wkb, wkb, len);
        g->wkb_len = len;
        GEOSFree_r(gc, wkb);
    }
    free(g->json);
    if (!(g->json = attrs_json(f)))
        rc = PL_ERR_NOMEM;
out:
    if (src)
        GEOSGeom_destroy_r(gc, src);
    if (fixed)
        GEOSGeom_destroy_r(gc, fixed);
    if (work)
        GEOSGeom_destroy_r(gc, work);
    return rc;
}

/* pl_pipe_stage: set up the source CRS at the first feature (the caller's
 * thread is waiting for that item, so the connection is free), then judge
 * the geometry of every polygon. */
static int stage_feature(pl_pipe_item *item, const pl_source_info *info, void *vctx, pl_error *err)
{
    importer *im = vctx;
    if (!im->src_ready) {
        im->bare_geometry = info->bare_geometry;
        int rc = setup_source(im, info, err);
        if (rc)
            return rc;
    }
    geo_result *g = item->data;
    if (!item->f.is_polygon || item->f.refusal)
        return PL_OK;
    /* attribute lookups: off the writing thread too */
    g->declared = declared_area(im, &item->f, &g->declared_bare, &g->declared_from_field);
    int rc = judge_geometry(im, &item->f, g);
    return rc ? pl_error_set(err, rc, "out of memory") : PL_OK;
}

/* ---- the writing stage (on the caller's thread) ------------------------------ */

typedef struct feature_work {
    GEOSGeometry *work;                /* working CRS, built from the WKB when needed */
    const GEOSPreparedGeometry *prep;
} feature_work;

static void feature_work_release(importer *im, feature_work *w)
{
    GEOSContextHandle_t g = im->db->geos;
    if (w->prep)
        GEOSPreparedGeom_destroy_r(g, w->prep);
    if (w->work)
        GEOSGeom_destroy_r(g, w->work);
}

/* The working geometry as GEOS (on the caller's GEOS context). */
static const GEOSGeometry *work_geometry(importer *im, feature_work *w, const geo_result *g)
{
    if (!w->work)
        w->work = pl_geos_from_wkb(im->db->geos, g->wkb, g->wkb_len);
    return w->work;
}

/* Row `st` of st_overlap is parcel of another park that shares `share` % of
 * the smaller area with the feature: the refusal (or, --allow-overlap, the
 * warning) naming both parks and the parcel. 1 when refused. */
static int same_land(importer *im, const char *who, sqlite3_stmt *st, double share)
{
    const char *oc = (const char *)sqlite3_column_text(st, 1);
    const char *ok = (const char *)sqlite3_column_text(st, 5);
    if (im->opt->allow_overlap) {
        add_message(im, PL_MSG_WARNING,
                    "%s: is parcel '%s' of park '%s' (%.1f %% of the land shared), imported into park '%s' too "
                    "(allowed by --allow-overlap)", who, oc, ok, share, im->res->park);
        return 0;
    }
    add_message(im, PL_MSG_REFUSED,
                "%s: is parcel '%s' of park '%s' (%.1f %% of the land shared), not land of park '%s' (import it "
                "into park '%s', or pass --allow-overlap)", who, oc, ok, share, im->res->park, ok);
    return 1;
}

/* Overlaps with parcels of the park (other than `self_id`), and parcels of
 * other parks that are the same land (PL_SAME_LAND_SHARE of the smaller
 * area): 1 when refused. */
static int check_overlaps(importer *im, const char *who, feature_work *w, const geo_result *g, long self_id,
                          int *fatal)
{
    GEOSContextHandle_t gc = im->db->geos;
    double minx = g->box[0], miny = g->box[1], maxx = g->box[2], maxy = g->box[3];
    sqlite3_stmt *st = im->st_overlap;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, im->park_id);
    sqlite3_bind_int64(st, 2, self_id);
    /* R*Tree boxes are 32-bit floats: widen by a metre, confirm exactly below */
    sqlite3_bind_double(st, 3, maxx + 1);
    sqlite3_bind_double(st, 4, minx - 1);
    sqlite3_bind_double(st, 5, maxy + 1);
    sqlite3_bind_double(st, 6, miny - 1);
    int refused = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int same_park = sqlite3_column_int64(st, 3) == im->park_id;
        double smaller = fmin(g->area, sqlite3_column_double(st, 4));
        const void *blob = sqlite3_column_blob(st, 2);
        size_t blen = (size_t)sqlite3_column_bytes(st, 2);
        if (!same_park) {
            /* the same land shares 99 % of the smaller area: impossible when the boxes (the
             * R*Tree's, rounded outward) share less — the neighbours of the other park cost
             * no GEOS call; the same polygon imported again is its own bytes */
            double ix = fmin(maxx, sqlite3_column_double(st, 7)) - fmax(minx, sqlite3_column_double(st, 6));
            double iy = fmin(maxy, sqlite3_column_double(st, 9)) - fmax(miny, sqlite3_column_double(st, 8));
            if (!(smaller > 0) || ix <= 0 || iy <= 0 || ix * iy < PL_SAME_LAND_SHARE * smaller)
                continue;
            if (blob && blen == g->wkb_len && !memcmp(blob, g->wkb, blen)) {
                refused |= same_land(im, who, st, 100.0);
                continue;
            }
        }
        /* GEOS only when there is a candidate: most parcels have none */
        if (!w->prep && (!work_geometry(im, w, g) || !(w->prep = GEOSPrepare_r(gc, w->work)))) {
            pl_error_set(im->err, PL_ERR_NOMEM, "out of memory");
            *fatal = 1;
            break;
        }
        GEOSGeometry *other = pl_geos_from_wkb(gc, blob, blen);
        if (!other)
            continue;
        /* neighbours in a park touch: an intersection (the costlier call) only
         * when the interiors share an area */
        if (GEOSPreparedIntersects_r(gc, w->prep, other) == 1 &&
            GEOSRelatePattern_r(gc, w->work, other, "2********") != 0) {
            GEOSGeometry *inter = GEOSIntersection_r(gc, w->work, other);
            double a = inter ? pl_geos_area(gc, inter) : 0;
            if (inter)
                GEOSGeom_destroy_r(gc, inter);
            if (!same_park && a >= PL_SAME_LAND_SHARE * smaller) {
                refused |= same_land(im, who, st, 100.0 * fmin(a / smaller, 1.0));
            } else if (same_park && a > PL_OVERLAP_TOLERANCE_M2) {
                const char *oc = (const char *)sqlite3_column_text(st, 1);
                if (im->opt->allow_overlap) {
                    add_message(im, PL_MSG_WARNING, "%s: overlaps parcel '%s' by %.2f m² (allowed by --allow-overlap)",
                                who, oc, a);
                } else {
                    add_message(im, PL_MSG_REFUSED, "%s: overlaps parcel '%s' by %.2f m² "
                                "(fix the shapes, or pass --allow-overlap)", who, oc, a);
                    refused = 1;
                }
            }
        }
        GEOSGeom_destroy_r(gc, other);
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        pl_db_fail(im->db, im->err, "overlap check");
        *fatal = 1;
    }
    sqlite3_reset(st);
    return refused;
}





/* Whether the park has parcels cannot change during the import (its
 * transaction holds the write lock): asked once, so that a park without
 * parcels costs no lookup per feature. */
static int look_at_park(importer *im)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(im->db, "SELECT EXISTS (SELECT 1 FROM parcel WHERE park_id = ?1)", &st, im->err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, im->park_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        im->park_had_parcels = sqlite3_column_int(st, 0);
    else
        rc = pl_db_fail(im->db, im->err, "cannot read the park");
    sqlite3_finalize(st);
    return rc;
}

/* Count `n` features of kind `kind` that are not polygons. */
static void count_nonpolygon(importer *im, const char *kind, long n)
{
    size_t cap = sizeof im->nonpoly / sizeof im->nonpoly[0];
    for (size_t i = 0; i < cap; i++) {
        if (!im->nonpoly[i].kind[0])
            snprintf(im->nonpoly[i].kind, sizeof im->nonpoly[i].kind, "%s", kind);
        if (!strcmp(im->nonpoly[i].kind, kind)) {
            im->nonpoly[i].n += n;
            return;
        }
    }
    im->nonpoly_other += n;
}

/* "3 features: 2 LineString, 1 Point" — what a file without a polygon holds,
 * the most frequent kind first (file order among equals). */
static void describe_nonpolygons(const importer *im, char *out, size_t len)
{
    size_t cap = sizeof im->nonpoly / sizeof im->nonpoly[0], order[8], k = 0;
    long total = im->nonpoly_other;
    for (size_t i = 0; i < cap && im->nonpoly[i].kind[0]; i++) {
        total += im->nonpoly[i].n;
        size_t j = k++;
        while (j > 0 && im->nonpoly[order[j - 1]].n < im->nonpoly[i].n) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    size_t n = (size_t)snprintf(out, len, "%ld feature%s", total, total == 1 ? "" : "s");
    for (size_t i = 0; i < k && n < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s%ld %s", i ? ", " : ": ", im->nonpoly[order[i]].n,
                              im->nonpoly[order[i]].kind);
    if (im->nonpoly_other && n < len)
        snprintf(out + n, len - n, "%s%ld of other kinds", k ? ", " : ": ", im->nonpoly_other);
}

/* A code for a polygon that has none: PREFIX-N with N its feature number,
 * PREFIX from --code-prefix, else the file's base name when the file is one
 * bare geometry. NULL when neither applies. Said once in a note. */
static const char *make_code(importer *im, const pl_feature *f)
{
    const char *prefix = im->opt->code_prefix;
    char base[200];
    if (!prefix || !*prefix) {
        if (!im->bare_geometry)
            return NULL;
        const char *slash = strrchr(im->path, '/');
        snprintf(base, sizeof base, "%s", slash ? slash + 1 : im->path);
        char *dot = strrchr(base, '.');
        if (dot && dot != base)
            *dot = '\0';
        prefix = base;
    }
    snprintf(im->code_made, sizeof im->code_made, "%s-%ld", prefix, f->number);
    if (!im->code_made_noted++) {
        if (prefix == base)
            add_message(im, PL_MSG_NOTE, "%s: the file is one geometry without attributes: parcel code '%s', "
                        "from the file name (choose another with --code-prefix P)", im->path, im->code_made);
        else
            add_message(im, PL_MSG_NOTE, "%s: parcels without a code are numbered %s-N, N their place in the "
                        "file (--code-prefix %s)", im->path, prefix, prefix);
    }
    return im->code_made;
}

/* For a file without a code column: which columns hold a different value in
 * every parcel, and so could be its codes (--field code=COLUMN). A column of
 * decimal numbers (areas, lengths) is not one; the TXT's own count and area
 * fields neither. */
static int track_code_columns(importer *im, const pl_feature *f)
{
    static const char *const not_codes[] = {"界址点数", "地块面积", "记录图形属性", NULL};
    im->code_tracked++;
    if (!im->st_col) {
        int rc = pl_db_prepare(im->db, "INSERT OR IGNORE INTO temp.pl_import_col(key, value) VALUES (?1, ?2)",
                               &im->st_col, im->err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < f->nattrs; i++) {
        const char *k = f->attrs[i].key, *v = f->attrs[i].value;
        while (v && (*v == ' ' || *v == '\t'))
            v++;
        if (!k || !v || !*v)
            continue;
        size_t c = 0;
        while (c < im->ncols && strcmp(im->cols[c].key, k))
            c++;
        if (c == im->ncols) {
            if (im->ncols == sizeof im->cols / sizeof *im->cols || im->code_tracked > 1)
                continue; /* a column the first parcel lacks cannot be in every parcel */
            if (!(im->cols[c].key = strdup(k)))
                return pl_error_set(im->err, PL_ERR_NOMEM, "out of memory");
            im->cols[c].present = 0;
            im->cols[c].unusable = 0;
            for (size_t n = 0; not_codes[n]; n++)
                im->cols[c].unusable |= !strcmp(k, not_codes[n]);
            im->ncols++;
        }
        struct code_col *col = &im->cols[c];
        if (col->unusable)
            continue;
        col->present++;
        char *end;
        strtod(v, &end);
        if (end != v && !*end && strpbrk(v, ".eE")) {
            col->unusable = 1;
            continue;
        }
        sqlite3_stmt *st = im->st_col;
        sqlite3_reset(st);
        pl_bind_text(st, 1, k);
        pl_bind_text(st, 2, v);
        if (sqlite3_step(st) != SQLITE_DONE)
            return pl_db_fail(im->db, im->err, "code column check");
        col->unusable = sqlite3_changes(im->db->h) != 1;
        sqlite3_reset(st);
    }
    return PL_OK;
}

/* Check and write one feature whose geometry the reader thread has judged.
 * Non-zero only for a fatal error (im->err filled): the import stops. */
static int write_feature(importer *im, const pl_feature *f, const geo_result *g)
{
    pl_import_result *res = im->res;
    res->read++;
    if (im->opt->progress && res->read % 500 == 0)
        im->opt->progress(res->read, im->opt->progress_ctx);

    char who[512];
    const char *code = trim_copy(im, 0, attr_find(f, im->opt->field_code, code_keys));
    const char *name = trim_copy(im, 1, attr_find(f, im->opt->field_name, name_keys));
    int code_from_name = 0;
    if (!code && !im->opt->field_code && f->is_polygon) {
        /* said once the whole file is known, first of all (codes_note) */
        if (name) {
            code = name;
            code_from_name = 1;
            if (!im->codes_from_names++ && !im->opt->field_name) {
                const char *k = attr_find_key(f, name_keys);
                snprintf(im->name_key, sizeof im->name_key, "%s", k ? k : "");
            }
        } else if (!(code = make_code(im, f))) {
            im->codes_missing++;
        }
        int rc = track_code_columns(im, f);
        if (rc)
            return rc;
    }
    if (!code && f->is_polygon)
        code = make_code(im, f);
    snprintf(who, sizeof who, "%s (%s)", f->where ? f->where : "?", code ? code : name ? name : "no code");

    if (!f->is_polygon) {
        /* the readers' "null" (GeoJSON, SHP, Esri JSON) and "none" (KML): no geometry at all */
        int none = f->kind && (!strcmp(f->kind, "null") || !strcmp(f->kind, "none"));
        count_nonpolygon(im, none ? "without geometry" : f->kind ? f->kind : "non-polygon", 1);
        res->skipped++;
        res->skipped_nonpolygon++;
        if (none)
            add_message(im, PL_MSG_NOTE, "%s: skipped: no geometry", who);
        else
            add_message(im, PL_MSG_NOTE, "%s: skipped: a %s, not a polygon", who, f->kind ? f->kind : "non-polygon");
        return 0;
    }
    if (!code && f->nattrs == 0) {
        res->refused++;
        add_message(im, PL_MSG_REFUSED, "%s: no parcel code, and no attributes to take one from "
                    "(--code-prefix P numbers such parcels P-1, P-2…)", who);
        return 0;
    }
    if (!code) {
        res->refused++;
        if (im->opt->field_code)
            add_message(im, PL_MSG_REFUSED, "%s: no value in column '%s' for the parcel code", who,
                        im->opt->field_code);
        else
            add_message(im, PL_MSG_REFUSED, "%s: no parcel code (looked for 宗地号, 地块编号, code…; "
                        "use --field code=COLUMN)", who);
        return 0;
    }
    const char *use = trim_copy(im, 2, attr_find(f, im->opt->field_land_use, use_keys));
    const char *use_code = trim_copy(im, 3, attr_find(f, im->opt->field_land_use_code, use_code_keys));

    /* duplicate within this file */
    sqlite3_reset(im->st_code);
    pl_bind_text(im->st_code, 1, code);
    pl_bind_text(im->st_code, 2, f->where);
    int step = sqlite3_step(im->st_code);
    int fresh = step == SQLITE_DONE && sqlite3_changes(im->db->h) == 1;
    sqlite3_reset(im->st_code);
    if (step != SQLITE_DONE)
        return pl_db_fail(im->db, im->err, "duplicate code check");
    if (!fresh) { /* ignored: the code was there already */
        sqlite3_stmt *q;
        const char *first = "an earlier feature";
        char firstbuf[128];
        if (pl_db_prepare(im->db, "SELECT place FROM temp.pl_import_code WHERE code = ?1", &q, NULL) == PL_OK) {
            pl_bind_text(q, 1, code);
            if (sqlite3_step(q) == SQLITE_ROW) {
                snprintf(firstbuf, sizeof firstbuf, "%s", (const char *)sqlite3_column_text(q, 0));
                first = firstbuf;
            }
            sqlite3_finalize(q);
        }
        res->refused++;
        im->code_dups += code_from_name;
        add_message(im, PL_MSG_REFUSED, "%s: duplicate parcel code '%s' (also at %s)", who, code, first);
        return 0;
    }

    if (f->refusal || g->refused) {
        res->refused++;
        add_message(im, PL_MSG_REFUSED, "%s: %s", who, f->refusal ? f->refusal : g->message);
        return 0;
    }
    double area = g->area;
    if (g->repaired) {
        res->repaired++;
        if (isnan(g->area_before))
            add_message(im, PL_MSG_WARNING, "%s: repaired (%s): %.2f m² after repair (an outer ring crosses "
                        "itself: no area as drawn)", who, g->why, area);
        else
            add_message(im, PL_MSG_WARNING, "%s: repaired (%s): %.2f m² as drawn (outer rings) → %.2f m² after "
                        "repair", who, g->why, g->area_before, area);
    }
    double declared = g->declared;
    im->area_field_seen |= g->declared_from_field;
    struct bare_area *bare = NULL;
    if (g->declared_bare) {
        im->bare_seen++;
        if (!isnan(declared) && im->opt->area_unit == PL_AREA_UNIT_AUTO) {
            if (im->nbare == im->bare_cap) {
                size_t cap = im->bare_cap ? 2 * im->bare_cap : 256;
                struct bare_area *b = realloc(im->bare, cap * sizeof *b);
                if (!b)
                    return pl_error_set(im->err, PL_ERR_NOMEM, "out of memory");
                im->bare = b;
                im->bare_cap = cap;
            }
            bare = &im->bare[im->nbare++];
            bare->id = 0;
            bare->raw = declared / PL_M2_PER_HA;
            bare->msg = -1;
            for (int u = 0; u < 3; u++) {
                double d = bare->raw * bare_factor(PL_AREA_UNIT_HA + u);
                im->bare_match[u] += fabs(area - d) / d <= PL_AREA_TOLERANCE;
            }
        }
    }
    if (!isnan(declared) && fabs(area - declared) / declared > PL_AREA_TOLERANCE) {
        size_t before = res->nmessages;
        long dropped = res->messages_dropped;
        char slip[512] = ""; /* a unit slip (parkland/sanity.h): the likely unit */
        if (pl_sanity_declared_area(declared, area, slip + 2, sizeof slip - 2))
            slip[0] = ';', slip[1] = ' ';
        add_message(im, PL_MSG_WARNING, "%s: the file states %.2f m² (%.4f ha) but the polygon measures %.2f m² "
                    "(%.4f ha), %+.2f%%%s", who, declared, declared / PL_M2_PER_HA, area, area / PL_M2_PER_HA,
                    100.0 * (area - declared) / declared, slip);
        if (bare)
            bare->msg = res->nmessages > before ? (long)before : res->messages_dropped > dropped ? -2 : -1;
    }

    feature_work w = {0};
    int rc = 0;
    /* existing parcel with this code in the park? */
    long existing = 0;
    if (im->park_had_parcels) { /* else only this file's, whose codes differ (st_code) */
        sqlite3_reset(im->st_find);
        sqlite3_bind_int64(im->st_find, 1, im->park_id);
        pl_bind_text(im->st_find, 2, code);
        if (sqlite3_step(im->st_find) == SQLITE_ROW)
            existing = (long)sqlite3_column_int64(im->st_find, 0);
        sqlite3_reset(im->st_find);
    }
    if (existing) {
        if (im->opt->on_conflict == PL_CONFLICT_SKIP) {
            res->skipped++;
            add_message(im, PL_MSG_NOTE, "%s: skipped: parcel '%s' already exists", who, code);
            goto out;
        }
        if (im->opt->on_conflict == PL_CONFLICT_FAIL) {
            res->refused++;
            add_message(im, PL_MSG_REFUSED, "%s: parcel '%s' already exists in the park "
                        "(--on-conflict skip|update)", who, code);
            goto out;
        }
    }
    int fatal = 0;
    if (check_overlaps(im, who, &w, g, existing, &fatal)) {
        res->refused++;
        goto out;
    }
    if (fatal) {
        rc = PL_ERR_DB;
        goto out;
    }
    if (res->refused)
        goto out; /* the import is lost already: keep checking, stop writing */

    char note[1024];
    snprintf(note, sizeof note, "import batch %ld: %s %s", res->batch_id, im->path, f->where ? f->where : "");
    pl_parcel_values v = {.code = code, .name = name, .land_use = use, .land_use_code = use_code, .area_m2 = area,
                          .declared_m2 = declared, .source_ref = f->where, .attrs_json = g->json, .wkb = g->wkb,
                          .wkb_len = g->wkb_len, .box = g->box, .note = note};
    if (existing) {
        rc = pl_parcel_update(im->writer, existing, &v, work_geometry(im, &w, g), im->err);
        if (!rc) {
            res->updated++;
            res->area_m2 += area;
            if (bare)
                bare->id = existing;
        }
    } else {
        long new_id = 0;
        rc = pl_parcel_insert(im->writer, &v, &new_id, im->err);
        if (!rc) {
            res->inserted++;
            res->area_m2 += area;
            if (bare)
                bare->id = new_id;
        }
    }
out:
    feature_work_release(im, &w);
    return rc;
}

/* The unit of the bare declared areas (TXT 地块面积), now that every parcel
 * has been measured: 公顷 as the format says, unless every one of them
 * matches its polygon in m² (or in 亩) and not all in 公顷; then their 公顷
 * warnings go, and the stored declared areas are those of that unit. */
static int settle_area_unit(importer *im)
{
    const pl_import_options *o = im->opt;
    pl_import_result *r = im->res;
    if (o->area_unit != PL_AREA_UNIT_AUTO) {
        if (!im->bare_seen)
            add_message(im, PL_MSG_NOTE, "%s: --area-unit does not apply: no declared area in this file is a bare "
                        "number (as the TXT's 地块面积 is); named columns say their unit (--field area, area_ha, "
                        "area_mu)", im->path);
        return PL_OK;
    }
    long n = (long)im->nbare;
    if (n == 0 || im->bare_match[0] == n)
        return PL_OK;
    int unit = im->bare_match[1] == n ? PL_AREA_UNIT_M2 : im->bare_match[2] == n ? PL_AREA_UNIT_MU : 0;
    if (!unit) {
        add_message(im, PL_MSG_NOTE, "%s: 地块面积 read as 公顷 (ha), as the format says: %ld of %ld parcels differ "
                    "from their polygons by more than %.1f %% (--area-unit m2|mu if the file means another unit)",
                    im->path, n - im->bare_match[0], n, 100 * PL_AREA_TOLERANCE);
        return PL_OK;
    }
    sqlite3_stmt *st = NULL;
    int rc = r->refused ? PL_OK
                        : pl_db_prepare(im->db, "UPDATE parcel SET declared_area_m2 = ?1 WHERE id = ?2", &st, im->err);
    for (size_t i = 0; i < im->nbare && !rc; i++) {
        struct bare_area *b = &im->bare[i];
        if (b->msg >= 0) {
            free(r->messages[b->msg].text);
            r->messages[b->msg].text = NULL;
        } else if (b->msg == -2) {
            r->messages_dropped--;
        }
        if (b->msg != -1)
            r->warnings--;
        if (st && b->id) {
            sqlite3_reset(st);
            sqlite3_bind_double(st, 1, b->raw * bare_factor(unit));
            sqlite3_bind_int64(st, 2, b->id);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = pl_db_fail(im->db, im->err, "cannot store the declared area");
        }
    }
    sqlite3_finalize(st);
    compact_messages(im);
    add_front(im, PL_MSG_NOTE, "%s: 地块面积 read as %s, not 公顷 as the format says: every parcel's declared "
                "area matches its polygon in %s (--area-unit ha|m2|mu to choose)", im->path,
                unit == PL_AREA_UNIT_M2 ? "m² (平方米)" : "亩 (mu)", unit == PL_AREA_UNIT_M2 ? "m²" : "亩");
    return rc;
}

/* Say how the codes were chosen when the file has no code column, first of
 * all the messages (also when the import is refused); when names repeat,
 * name the columns that would give every parcel its own code. */
static void codes_note(importer *im)
{
    if (!im->codes_from_names && !im->codes_missing)
        return;
    char cands[1024] = "";
    size_t len = 0;
    for (size_t i = 0; i < im->ncols && len < sizeof cands - 1; i++)
        if (!im->cols[i].unusable && im->cols[i].present == im->code_tracked)
            len += (size_t)snprintf(cands + len, sizeof cands - len, "%s'%s'", len ? ", " : "", im->cols[i].key);
    if (len >= sizeof cands)
        len = sizeof cands - 1;
    char head[256];
    if (!im->codes_from_names && !im->ncols) {
        add_front(im, PL_MSG_NOTE, "%s: no parcel code column found, and no attributes to take a code from "
                  "(--code-prefix P numbers such parcels P-1, P-2…)", im->path);
        return;
    }
    if (!im->codes_from_names)
        snprintf(head, sizeof head, "no parcel code column found, and no name to use instead "
                 "(--code-prefix P numbers such parcels P-1, P-2…)");
    else if (im->name_key[0])
        snprintf(head, sizeof head, "no parcel code column found; the name (column '%s') is used as the code",
                 im->name_key);
    else
        snprintf(head, sizeof head, "no parcel code column found; the name is used as the code");
    if (!im->code_dups && !im->codes_missing)
        add_front(im, PL_MSG_NOTE, "%s: %s (use --field code=COLUMN to choose one)", im->path, head);
    else if (len)
        add_front(im, PL_MSG_NOTE, "%s: %s%s; columns with a different value for every parcel: %s "
                    "(use --field code=COLUMN)", im->path, head,
                    im->code_dups ? ", and names repeat" : "", cands);
    else
        add_front(im, PL_MSG_NOTE, "%s: %s%s; no column has a different value for every parcel "
                    "(use --field code=COLUMN)", im->path, head, im->code_dups ? ", and names repeat" : "");
}

/* ---- the whole import ---------------------------------------------------- */

static int resolve_park(pl_db *db, const char *code, long *id, char *name, size_t namelen, pl_error *err)
{
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, code ? "SELECT id, code FROM park WHERE code = ?1" : "SELECT id, code FROM park LIMIT 2",
                           &st, err);
    if (rc)
        return rc;
    if (code)
        pl_bind_text(st, 1, code);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        *id = (long)sqlite3_column_int64(st, 0);
        snprintf(name, namelen, "%s", (const char *)sqlite3_column_text(st, 1));
        n++;
    }
    sqlite3_finalize(st);
    if (code && n == 0)
        return pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", code);
    if (!code && n == 0)
        return pl_error_set(err, PL_ERR_INPUT, "no park yet: add one with 'parkland park add CODE --name NAME'");
    if (!code && n > 1)
        return pl_error_set(err, PL_ERR_USAGE, "there are several parks: name one with --park CODE");
    return PL_OK;
}




static int prepare_all(importer *im)
{
    pl_db *db = im->db;
    pl_error *e = im->err;
    int rc;
    if ((rc = look_at_park(im)) ||
        (rc = pl_db_prepare(db, "SELECT id FROM parcel WHERE park_id = ?1 AND code = ?2", &im->st_find, e)) ||
        (rc = pl_db_prepare(db,
            /* driven by the R*Tree, each candidate looked up by rowid: never a scan of the
             * park's parcels (with an equality on park_id SQLite preferred the (park_id, code)
             * index, O(parcels in the park) per feature), and no IN (subquery), which
             * builds an ephemeral table per feature */
            "SELECT p.id, p.code, ST_AsBinary(p.geom), p.park_id, p.area_m2,"
            " CASE WHEN p.park_id <> ?1 THEN (SELECT k.code FROM park k WHERE k.id = p.park_id) END,"
            " r.xmin, r.xmax, r.ymin, r.ymax"
            " FROM idx_parcel_geom r CROSS JOIN parcel p ON p.id = r.pkid"
            " WHERE r.xmin <= ?3 AND r.xmax >= ?4 AND r.ymin <= ?5 AND r.ymax >= ?6"
            "   AND p.id <> ?2 AND p.status <> 'retired'", &im->st_overlap, e)) ||
        (rc = pl_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS pl_import_code(code TEXT PRIMARY KEY, place TEXT) WITHOUT ROWID;"
                             "DELETE FROM temp.pl_import_code;"
                             "CREATE TEMP TABLE IF NOT EXISTS pl_import_col(key TEXT, value TEXT, PRIMARY KEY (key, value))"
                             " WITHOUT ROWID;"
                             "DELETE FROM temp.pl_import_col;", e)) ||
        (rc = pl_db_prepare(db, "INSERT OR IGNORE INTO temp.pl_import_code(code, place) VALUES (?1, ?2)"
                                /* no RETURNING: it builds an ephemeral table per row */
                                , &im->st_code, e)))
        return rc;
    return PL_OK;
}

static void finalize_all(importer *im)
{
    pl_parcel_writer_free(im->writer);
    im->writer = NULL;
    pl_xform_free(im->xf);
    im->xf = NULL;
    pl_geom_release(&im->scratch);
    sqlite3_finalize(im->st_find);
    sqlite3_finalize(im->st_overlap);
    sqlite3_finalize(im->st_code);
    sqlite3_finalize(im->st_col);
    im->st_col = NULL;
    for (size_t i = 0; i < im->ncols; i++)
        free(im->cols[i].key);
    im->ncols = 0;
    free(im->bare);
    im->bare = NULL;
    im->nbare = im->bare_cap = 0;
    for (int i = 0; i < 4; i++)
        free(im->text[i]);
    for (size_t i = 0; i < im->nnotes; i++)
        free(im->notes[i]);
    free(im->notes);
    im->notes = NULL;
    im->nnotes = im->notes_cap = 0;
}

static int write_batch(importer *im, int insert)
{
    sqlite3_stmt *st;
    pl_import_result *r = im->res;
    int rc;
    if (insert) {
        rc = pl_db_prepare(im->db,
            "INSERT INTO import_batch(file, sha256, format, encoding, source_srid, target_srid, park_id, options,"
            " imported_at, imported_by) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8, ?9)", &st, im->err);
        if (rc)
            return rc;
        char opts[256];
        snprintf(opts, sizeof opts, "status=%s on_conflict=%s repair=%d allow_overlap=%d", im->status,
                 im->opt->on_conflict == PL_CONFLICT_UPDATE ? "update"
                 : im->opt->on_conflict == PL_CONFLICT_SKIP ? "skip" : "fail",
                 im->opt->repair, im->opt->allow_overlap);
        pl_bind_text(st, 1, im->opt->source_name ? im->opt->source_name : im->path);
        pl_bind_text(st, 2, ""); /* the reader thread hashes the file: set at the end */
        pl_bind_text(st, 3, r->format);
        pl_bind_text(st, 4, NULL);
        sqlite3_bind_int(st, 5, im->db->srid);
        sqlite3_bind_int64(st, 6, im->park_id);
        pl_bind_text(st, 7, opts);
        pl_bind_text(st, 8, im->now);
        pl_bind_text(st, 9, im->db->user);
    } else {
        rc = pl_db_prepare(im->db,
            "UPDATE import_batch SET encoding = ?1, source_srid = ?2, n_read = ?3, n_inserted = ?4,"
            " n_updated = ?5, n_skipped = ?6, n_repaired = ?7, area_m2 = ?8, sha256 = ?10, format = ?11"
            " WHERE id = ?9", &st,
            im->err);
        if (rc)
            return rc;
        pl_bind_text(st, 1, r->encoding);
        sqlite3_bind_int(st, 2, r->source_srid);
        sqlite3_bind_int64(st, 3, r->read);
        sqlite3_bind_int64(st, 4, r->inserted);
        sqlite3_bind_int64(st, 5, r->updated);
        sqlite3_bind_int64(st, 6, r->skipped);
        sqlite3_bind_int64(st, 7, r->repaired);
        sqlite3_bind_double(st, 8, r->area_m2);
        sqlite3_bind_int64(st, 9, r->batch_id);
        pl_bind_text(st, 10, r->sha256);
        pl_bind_text(st, 11, r->format);
    }
    rc = sqlite3_step(st) == SQLITE_DONE ? PL_OK : pl_db_fail(im->db, im->err, "cannot record the import batch");
    if (insert && !rc)
        r->batch_id = (long)sqlite3_last_insert_rowid(im->db->h);
    sqlite3_finalize(st);
    return rc;
}

/* pl_pipe_prologue: the file's SHA-256, on the reader thread (an eighth of
 * the writing thread's work when it was done before the import). */
static int hash_file(void *vctx, pl_error *err)
{
    importer *im = vctx;
    return pl_file_sha256(im->path, im->res->sha256, err);
}

/* pl_note_fn: keep one note of the reader (on the reader thread; the
 * caller's thread reads them once the pipe has finished). More than the
 * result can hold are only counted. */
static void take_note(void *vctx, const char *text)
{
    importer *im = vctx;
    if (im->nnotes >= PL_IMPORT_MAX_MESSAGES) {
        im->notes_over++;
        return;
    }
    if (im->nnotes == im->notes_cap) {
        size_t cap = im->notes_cap ? 2 * im->notes_cap : 16;
        char **n = realloc(im->notes, cap * sizeof *n);
        if (!n) {
            im->notes_over++;
            return;
        }
        im->notes = n;
        im->notes_cap = cap;
    }
    if (!(im->notes[im->nnotes] = strdup(text)))
        im->notes_over++;
    else
        im->nnotes++;
}

/* Read the file on a second thread (the reader and the geometry stage) and
 * check and write its features here, in file order. */
static int read_and_write(importer *im, pl_format fmt, pl_source_info *info, pl_error *err)
{
    geo_result *results[PL_PIPE_SLOTS] = {0};
    int rc = PL_OK;
    for (size_t i = 0; i < PL_PIPE_SLOTS && !rc; i++)
        if (!(results[i] = calloc(1, sizeof *results[i])))
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    if (!rc && !(im->stage_geos = GEOS_init_r()))
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    pl_pipe *pipe = NULL;
    if (!rc) {
        GEOSContext_setErrorMessageHandler_r(im->stage_geos, stage_geos_message, im);
        GEOSContext_setNoticeMessageHandler_r(im->stage_geos, stage_geos_message, im);
        pl_read_options ro = {im->opt->encoding, im->opt->srid, take_note, im};
        void *slot_data[PL_PIPE_SLOTS];
        for (size_t i = 0; i < PL_PIPE_SLOTS; i++)
            slot_data[i] = results[i];
        rc = pl_pipe_start(&pipe, slot_data, im->path, fmt, &ro, info, hash_file, stage_feature, im, err);
    }
    if (!rc) {
        pl_pipe_item *it;
        while ((it = pl_pipe_next(pipe))) {
            rc = write_feature(im, &it->f, it->data);
            pl_pipe_release(pipe, it);
            if (rc)
                break;
        }
        pl_error reader_err;
        pl_error_clear(&reader_err);
        int read_rc = pl_pipe_finish(pipe, rc != PL_OK, &reader_err);
        if (!rc && read_rc) { /* the reader's or the stage's error */
            rc = read_rc;
            *err = reader_err;
        }
    }
    if (im->stage_geos)
        GEOS_finish_r(im->stage_geos);
    im->stage_geos = NULL;
    for (size_t i = 0; i < PL_PIPE_SLOTS; i++)
        geo_result_free(results[i]);
    return rc;
}

/* Page cache while importing. An import inserts into the R*Tree and the
 * (status, area) index at random places; with SQLite's 2 MiB those pages are
 * spilled to the WAL and read back again and again (at 100 000 parcels a
 * third of the import's system time). 16 MiB is reached by 10 000 parcels
 * already, so peak memory stays flat in the number of parcels. */
#define PL_IMPORT_CACHE_KIB 16384

static int import_file(pl_db *db, const char *path, const pl_import_options *opt, pl_import_result *res,
                       pl_error *err);

int pl_import_parcels(pl_db *db, const char *path, const pl_import_options *opt, pl_import_result *res,
                      pl_error *err)
{
    sqlite3_stmt *st;
    long before = 0;
    if (!db->cache_mb && sqlite3_prepare_v2(db->h, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            before = (long)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    /* only ever larger, and never over a size the caller chose (pl_db_set_cache_mb) */
    int grow = before != 0 && (before < 0 ? -before : before * 4) < PL_IMPORT_CACHE_KIB;
    char sql[64];
    if (grow) {
        snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", PL_IMPORT_CACHE_KIB);
        sqlite3_exec(db->h, sql, NULL, NULL, NULL);
    }
    int rc = import_file(db, path, opt, res, err);
    if (grow) {
        snprintf(sql, sizeof sql, "PRAGMA cache_size = %ld", before);
        sqlite3_exec(db->h, sql, NULL, NULL, NULL);
    }
    return rc;
}

/* The would-be parcels of a dry run (batch res->batch_id, still in the open transaction) as GeoJSON. */
static int write_preview(pl_db *db, const pl_import_result *res, FILE *out, pl_error *err)
{
    pl_export_options eo;
    pl_export_options_init(&eo);
    eo.format = PL_EXPORT_GEOJSON;
    eo.park = res->park;
    eo.batch_id = res->batch_id;
    pl_export_result er;
    return pl_export_stream(db, &eo, out, &er, err);
}

static int import_file(pl_db *db, const char *path, const pl_import_options *opt, pl_import_result *res,
                       pl_error *err)
{
    pl_import_options defaults;
    if (!opt) {
        pl_import_options_init(&defaults);
        opt = &defaults;
    }
    memset(res, 0, sizeof *res);
    res->dry_run = opt->dry_run;
    res->target_srid = db->srid;
    importer im = {.db = db, .path = path, .opt = opt, .res = res, .err = err};
    im.status = opt->status ? opt->status : "reserve";
    if (strcmp(im.status, "reserve") && strcmp(im.status, "available"))
        return pl_error_set(err, PL_ERR_USAGE, "a new parcel starts as 'reserve' or 'available', not '%s'",
                            im.status);
    pl_today(im.today, sizeof im.today);
    pl_now_iso(im.now, sizeof im.now);
    if (opt->date && (!pl_date_valid_years(opt->date, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX) || strlen(opt->date) != 10))
        return pl_error_set(err, PL_ERR_USAGE, "import date '%s' is not a real date (YYYY-MM-DD)", opt->date);
    if (opt->date && strcmp(opt->date, im.today) > 0)
        return pl_error_set(err, PL_ERR_INPUT, "import date %s is in the future (today is %s)", opt->date, im.today);

    pl_source_info info;
    memset(&info, 0, sizeof info);
    pl_format fmt = opt->format;
    if (fmt == PL_FORMAT_AUTO && (fmt = pl_format_detect(path, err)) == PL_FORMAT_AUTO)
        return err->code ? err->code : pl_error_set(err, PL_ERR_INPUT, "%s: cannot tell the format", path);
    snprintf(res->format, sizeof res->format, "%s", pl_format_name(fmt));
    int rc = resolve_park(db, opt->park, &im.park_id, res->park, sizeof res->park, err);
    if (rc)
        return rc;
    if ((rc = pl_db_begin(db, err)))
        return rc;
    if ((rc = prepare_all(&im)) || (rc = write_batch(&im, 1)) ||
        (rc = pl_parcel_writer_open(db, im.park_id, res->batch_id, im.status, im.today, opt->date, im.now, &im.writer, err)))
        goto fail;

    pl_error_clear(err);
    if ((rc = read_and_write(&im, fmt, &info, err))) {
        if (!err->message[0])
            pl_error_set(err, rc, "%s: import stopped", path);
        goto fail;
    }
    snprintf(res->encoding, sizeof res->encoding, "%s", info.encoding);
    if (info.format[0]) /* the reader found another format than the one asked for (Esri JSON in a .json) */
        snprintf(res->format, sizeof res->format, "%s", info.format);
    if (!im.src_ready)
        res->source_srid = opt->srid ? opt->srid : info.srid;
    /* the reader's notes, after the features' messages */
    for (size_t i = 0; i < im.nnotes; i++)
        add_message(&im, PL_MSG_NOTE, "%s: %s", path, im.notes[i]);
    res->messages_dropped += im.notes_over;
    if (info.skipped > 0) {
        res->skipped += info.skipped;
        res->skipped_nonpolygon += info.skipped;
        long left = info.skipped;
        for (size_t i = 0; i < sizeof info.skipped_kinds / sizeof info.skipped_kinds[0]; i++)
            if (info.skipped_kinds[i].kind && info.skipped_kinds[i].n > 0 && info.skipped_kinds[i].n <= left) {
                count_nonpolygon(&im, info.skipped_kinds[i].kind, info.skipped_kinds[i].n);
                left -= info.skipped_kinds[i].n;
            }
        if (left > 0)
            count_nonpolygon(&im, "skipped by the reader", left);
    }
    if ((rc = settle_area_unit(&im)))
        goto fail;
    if (!im.area_field_seen && res->read > res->refused) {
        const char *keys[] = {"area", "area_ha", "area_mu"};
        const char *cols[] = {opt->field_area, opt->field_area_ha, opt->field_area_mu};
        for (int i = 0; i < 3; i++)
            if (cols[i])
                add_message(&im, PL_MSG_NOTE, "%s: --field %s=%s does not apply: no feature has a column '%s', "
                            "so no declared area was read", path, keys[i], cols[i], cols[i]);
    }
    if (im.datum_message[0])
        add_front(&im, (pl_message_level)im.datum_level, "%s", im.datum_message);
    codes_note(&im);
    if (res->read == 0 && info.skipped == 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: no parcel found in the file", path);
        goto fail;
    }
    if (res->read + info.skipped == res->skipped_nonpolygon) {
        /* nothing in the file is a polygon: an empty batch would only hide that */
        char what[512];
        describe_nonpolygons(&im, what, sizeof what);
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: %s; no polygon", path, what);
        goto fail;
    }
    if (res->refused) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: %ld of %ld features refused; nothing was imported", path,
                          res->refused, res->read);
        goto fail;
    }
    if ((rc = write_batch(&im, 0)) || (rc = pl_parcel_writer_finish(im.writer, err)))
        goto fail;
    finalize_all(&im);
    if (opt->dry_run && opt->preview && (rc = write_preview(db, res, opt->preview, err))) {
        pl_db_rollback(db);
        res->batch_id = 0;
        return rc;
    }
    if (opt->dry_run) {
        pl_db_rollback(db);
        res->batch_id = 0;
        return PL_OK;
    }
    return pl_db_commit(db, err);
fail:
    finalize_all(&im);
    pl_db_rollback(db);
    res->batch_id = 0;
    return rc;
}
