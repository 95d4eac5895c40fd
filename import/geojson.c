/*
 * geojson.c — streaming GeoJSON reader (RFC 7946, plus the older `crs` member).
 *
 * The document is never loaded whole. A small byte-level scanner
 * (json_scan.h: string- and escape-aware) and walk_value (with an explicit
 * bracket stack) walk the top-level object:
 *
 *   pass 1  scans the whole file once, checking its JSON syntax and collecting
 *           the top-level "type" and "crs" members, wherever they stand (a crs
 *           written after "features" is honoured). No feature is parsed.
 *   pass 2  walks the file again. Every element of "features" (or the single
 *           top-level Feature) is read member by member: the value of its
 *           "geometry" goes into a small tree of its own (gj_node: one node
 *           per value, numbers converted in place, no allocation per value),
 *           from which the rings are filled; the feature's other bytes are cut
 *           out, with a placeholder for the geometry, and parsed with jansson
 *           (type, properties, id). A bare geometry document is read into the
 *           tree whole. The results, the messages included, are those of the
 *           jansson reading of whole features it replaced: numbers are
 *           converted as jansson converts them (bit for bit), a repeated
 *           member counts last, escapes in names and strings are decoded,
 *           and what jansson itself refused in a geometry (a number out of
 *           range, a \u escape that is no character) is refused in its words,
 *           in the same order against the rest of the feature.
 *
 * Memory is bounded by the largest feature (the capture buffer, the geometry
 * tree, the jansson tree of the rest, the attribute arena), not by the number
 * of features.
 * Nesting deeper than GJ_MAX_DEPTH levels (counted from the top of the
 * document) and features larger than GJ_MAX_FEATURE bytes are refused before
 * jansson sees them.
 *
 * Encoding: GeoJSON is UTF-8. Pass 1 checks every string byte by byte: as
 * strict UTF-8, or as GBK when --encoding gbk. With --encoding auto and no
 * BOM, the first string that is not UTF-8 sends pass 1 round again as GBK
 * (a BOM settles the file as UTF-8). GBK is scanned GBK-aware: inside a
 * string a lead byte 0x81-0xFE takes its trail bytes along, so a trail byte
 * 0x5C is never read as a backslash escape; each cut-out chunk is converted
 * with pl_text_gbk_to_utf8() before jansson parses it. Outside strings JSON
 * is ASCII, so nothing else needs care. Bad text is thus refused in pass 1,
 * with its line, before any feature is handed out.
 *
 * Esri JSON (an ArcGIS FeatureSet, or one Esri geometry) has no top-level
 * "type" but members GeoJSON lacks ("geometryType", "spatialReference",
 * "rings"…): pass 1 notes them, and such a file is handed to esrijson.c.
 *
 * Choices worth knowing:
 *   - a top-level "type", "crs" or "features" given twice is an error;
 *   - "crs": null reads as no crs (4326); a crs form not understood is an
 *     error unless the user gave --crs, which always wins;
 *   - the feature "id" becomes the last attribute (after the properties, so
 *     a lookup taking the first "id" finds a property of that name);
 *   - a missing "geometry" reads as null; a polygon without rings adds no
 *     polygon (an empty Polygon gives an empty pl_geom, for the importer to
 *     judge); a GeometryCollection of only (Multi)Polygons is one parcel of
 *     kind "GeometryCollection", any other member makes it a non-polygon
 *     of kind "GeometryCollection (2 LineString, 1 Point)";
 *   - integers too big for 64 bits are read as doubles, and then (as jansson
 *     does) every number of that feature: property integers are written as
 *     reals, and the integer -0 reads -0.0 (elsewhere 0.0, an integer);
 *   - keys are matched on their raw bytes: a top-level member written with
 *     escapes ("\u0074ype") is not recognised as "type" (inside a feature
 *     names are decoded, as jansson decodes them).
 */
#include "reader.h"

#include "buf.h"
#include "json_scan.h"
#include "text.h"

#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GJ_MAX_DEPTH 64                          /* nesting levels, whole document */
#define GJ_MAX_FEATURE ((size_t)256 * 1024 * 1024) /* bytes of one feature */
#define GJ_MAX_CRS ((size_t)64 * 1024)           /* bytes of the crs member */

/* ------------------------------------------------------------------------ */
/* Reader state                                                              */

/* An error jansson would report inside a geometry member (what pass 1 does
 * not check: a number out of range, a \u escape that is no character). */
typedef struct gj_lexerr {
    int set;
    int toobig;                  /* an integer beyond 64 bits: jansson reads the feature again as reals */
    long line;                   /* of the file */
    size_t ph;                   /* index of the geometry member (its placeholder) */
    char text[160];              /* as jansson words it */
} gj_lexerr;

typedef struct gj_reader {
    gj_scan s;
    const char *path;            /* borrowed */
    pl_error *err;               /* caller-owned */
    pl_source_info *info;        /* caller-owned */
    pl_feature_cb cb;
    void *ctx;
    size_t bom;                  /* bytes of BOM to skip at the start */

    /* pass 1 findings */
    char type[64];               /* raw top-level "type" (cut), "" when absent */
    long type_line;
    int type_seen, features_seen, features_is_array, crs_seen;
    long features_line, crs_line, top_line;
    char *crs;                   /* owned: raw bytes of the crs member */
    size_t crslen;
    int single;                  /* 1: the document itself is the one feature */
    char esri_key[24];           /* a top-level member only Esri JSON has ("geometryType", "rings"…), "" when none */
    long esri_line;
    int stopped, stopval;        /* the callback returned stopval != 0 */

    /* per feature, reused for the whole file */
    pl_feature f;
    char where[64];
    char kind[96];               /* "GeometryCollection (2 LineString, 1 Point)" */
    pl_attr *attrs;              /* owned array, capacity attrcap */
    size_t *attroff;             /* owned: arena offset of each value, or SIZE_MAX */
    size_t nattrs, attrcap;
    char *arena;                 /* owned text arena for values that are not strings */
    size_t alen, acap;

    /* Pass 2, per feature: the "geometry" member is parsed here (gj_node
     * tree), not by jansson; jansson gets the rest of the feature with each
     * geometry value replaced by a placeholder. All reused for the file. */
    struct gj_node *nodes;       /* owned: the last geometry member's tree, nodes[0] its root */
    size_t nnodes, nodecap;
    pl_buf strs;                 /* owned: decoded strings of the nodes, NUL-terminated */
    pl_buf raw;                  /* owned: raw bytes of the string being read */
    pl_buf num;                  /* owned: text of a number read byte by byte */
    int geom_seen;               /* the feature has a "geometry" member */
    int geom_badtext;            /* a geometry string is not valid GBK */
    size_t *ph;                  /* owned: capture offset of each placeholder */
    size_t nph, phcap;
    gj_lexerr lex_int, lex_real; /* first jansson-level error in the geometry, read without / with
                                    JSON_DECODE_INT_AS_REAL */
    int int_as_real;             /* the feature is read as jansson does with JSON_DECODE_INT_AS_REAL */
} gj_reader;

static int gj_fail(gj_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "FILE: feature N (line L): REASON" */
static int gj_fail(gj_reader *r, const char *fmt, ...)
{
    char reason[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return pl_error_set(r->err, PL_ERR_INPUT, "%s: %s: %s", r->path, r->where, reason);
}

static int gj_nomem(gj_reader *r)
{
    return pl_error_set(r->err, PL_ERR_NOMEM, "%s: out of memory", r->path);
}

/* Rewind to the first byte after the BOM. */
static int gj_rewind(gj_reader *r)
{
    gj_scan *s = &r->s;
    if (fseek(s->f, (long)r->bom, SEEK_SET) != 0)
        return pl_error_set(r->err, PL_ERR_IO, "%s: cannot seek: %s", r->path, strerror(errno));
    clearerr(s->f);
    s->pos = s->len = 0;
    s->line = 1;
    s->consumed = 0;
    s->ioerr = 0;
    s->feature = 0;
    s->cap_on = 0;
    return PL_OK;
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* Copy at most n-1 bytes of UTF-8 `src` into dst without cutting a character. */
static void copy_utf8(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* copy_utf8 into buf, returned for use in a message. */
static const char *clip(char *buf, size_t n, const char *src)
{
    copy_utf8(buf, n, src);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Attributes                                                                */

static int arena_add(gj_reader *r, const char *text, size_t len, size_t *off)
{
    if (len > SIZE_MAX / 2 - r->alen - 1)
        return -1;
    if (r->alen + len + 1 > r->acap) {
        size_t ncap = r->acap ? r->acap : 1024;
        while (ncap < r->alen + len + 1)
            ncap *= 2;
        char *n = realloc(r->arena, ncap);
        if (!n)
            return -1;
        r->arena = n;
        r->acap = ncap;
    }
    memcpy(r->arena + r->alen, text, len);
    r->arena[r->alen + len] = '\0';
    *off = r->alen;
    r->alen += len + 1;
    return 0;
}

/* Shortest of %.15g..%.17g that reads back as the same double. */
static void fmt_real(double v, char *buf, size_t n)
{
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Append key/value; the value text is `str` (borrowed from the json tree,
 * must outlive the callback) or, when str is NULL, the text of `v` put into
 * the arena. */
static int attr_add(gj_reader *r, const char *key, json_t *v)
{
    if (r->nattrs == r->attrcap) {
        size_t ncap = r->attrcap ? r->attrcap * 2 : 16;
        pl_attr *na = realloc(r->attrs, ncap * sizeof *na);
        if (!na)
            return -1;
        r->attrs = na;
        size_t *no = realloc(r->attroff, ncap * sizeof *no);
        if (!no)
            return -1;
        r->attroff = no;
        r->attrcap = ncap;
    }
    pl_attr *a = &r->attrs[r->nattrs];
    size_t *off = &r->attroff[r->nattrs];
    a->key = key;
    a->value = NULL;
    *off = SIZE_MAX;
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        a->value = json_string_value(v);
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        if (arena_add(r, num, strlen(num), off) != 0)
            return -1;
        break;
    case JSON_REAL:
        fmt_real(json_real_value(v), num, sizeof num);
        if (arena_add(r, num, strlen(num), off) != 0)
            return -1;
        break;
    case JSON_TRUE:
        a->value = "true";
        break;
    case JSON_FALSE:
        a->value = "false";
        break;
    case JSON_NULL:
        a->value = "";
        break;
    case JSON_OBJECT:
    case JSON_ARRAY: {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!t)
            return -1;
        int rc = arena_add(r, t, strlen(t), off);
        free(t);
        if (rc != 0)
            return -1;
        break;
    }
    }
    r->nattrs++;
    return 0;
}

/* Properties in file order, then the feature's own "id" (after them, so that a
 * lookup taking the first "id" finds the property when both exist). */
static int attrs_build(gj_reader *r, json_t *feature)
{
    r->nattrs = 0;
    r->alen = 0;
    json_t *props = json_object_get(feature, "properties");
    if (props && !json_is_null(props)) {
        if (!json_is_object(props))
            return gj_fail(r, "\"properties\" must be an object or null, found %s",
                           json_kind(props));
        const char *key;
        json_t *v;
        json_object_foreach(props, key, v) {
            if (attr_add(r, key, v) != 0)
                return gj_nomem(r);
        }
    }
    json_t *id = json_object_get(feature, "id");
    if (id && !json_is_null(id)) {
        if (!json_is_string(id) && !json_is_number(id))
            return gj_fail(r, "\"id\" must be a string or a number, found %s", json_kind(id));
        if (attr_add(r, "id", id) != 0)
            return gj_nomem(r);
    }
    for (size_t i = 0; i < r->nattrs; i++)
        if (r->attroff[i] != SIZE_MAX)
            r->attrs[i].value = r->arena + r->attroff[i];
    r->f.attrs = r->attrs;
    r->f.nattrs = r->nattrs;
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Geometry                                                                  */

static const char *const GJ_TYPES[] = {"Point", "MultiPoint", "LineString", "MultiLineString",
                                       "Polygon", "MultiPolygon", "GeometryCollection"};

/* The static name of a geometry type, NULL when unknown. */
static const char *geom_type_name(const char *t)
{
    for (size_t i = 0; i < sizeof GJ_TYPES / sizeof GJ_TYPES[0]; i++)
        if (strcmp(t, GJ_TYPES[i]) == 0)
            return GJ_TYPES[i];
    return NULL;
}

/* A geometry member is read into a small tree of its own (gj_node, below)
 * instead of a jansson tree: no allocation per number, and the numbers are
 * converted once, exactly as jansson converts them. It is a tree rather than
 * points written straight into r->f.geom because JSON members come in any
 * order and a repeated member replaces the earlier one (jansson's rule):
 * "coordinates" may precede "type", and a later "type" may change how they
 * read. Everything the old jansson path reported is reported the same way:
 * syntax errors as the scanner words them, and jansson's own findings (a
 * number out of range, a \u escape that is no character) with jansson's
 * words, in the same order relative to the rest of the feature. */

enum { GN_NULL, GN_FALSE, GN_TRUE, GN_NUM, GN_STR, GN_ARR, GN_OBJ };

/* One JSON value. An array or object is followed by its elements (an
 * object's as key, value, key, value …); `next` is the index of the first
 * node after the whole value. */
typedef struct gj_node {
    unsigned char type;
    unsigned char negzero; /* the integer -0: jansson reads integer 0, or -0.0 when reading reals */
    uint32_t count;        /* elements of an array, members of an object */
    uint32_t next;
    union {
        double num;
        struct {
            uint32_t off, len; /* decoded UTF-8 in r->strs, NUL-terminated there */
        } str;
    } v;
} gj_node;

static double node_num(const gj_reader *r, const gj_node *n)
{
    return n->negzero && r->int_as_real ? -0.0 : n->v.num;
}

static const char *node_str(const gj_reader *r, const gj_node *n)
{
    return r->strs.buf + n->v.str.off;
}

static const char *node_kind(const gj_node *n)
{
    switch (n->type) {
    case GN_OBJ: return "an object";
    case GN_ARR: return "an array";
    case GN_STR: return "a string";
    case GN_NUM: return "a number";
    case GN_TRUE:
    case GN_FALSE: return "a boolean";
    }
    return "null";
}

/* The value of member `key` of object node `obj` (the last one when the
 * name is repeated, as in jansson), or -1. */
static long node_get(const gj_reader *r, size_t obj, const char *key)
{
    const gj_node *n = r->nodes;
    size_t klen = strlen(key);
    long found = -1;
    size_t k = obj + 1;
    for (uint32_t i = 0; i < n[obj].count; i++) {
        size_t v = k + 1;
        if (n[k].v.str.len == klen && memcmp(node_str(r, &n[k]), key, klen) == 0)
            found = (long)v;
        k = n[v].next;
    }
    return found;
}

/* Note a jansson-level error in e, unless one is noted already (jansson
 * stops at the first). `saved` is the token as jansson shows it after
 * "near" (only tokens of at most 20 bytes are shown). */
static void lex_note(gj_reader *r, gj_lexerr *e, int toobig, const char *msg, const char *saved,
                     size_t savedlen)
{
    if (e->set)
        return;
    e->set = 1;
    e->toobig = toobig;
    e->line = r->s.line;
    e->ph = r->nph;
    if (saved && savedlen <= 20)
        snprintf(e->text, sizeof e->text, "%s near '%.*s'", msg, (int)savedlen, saved);
    else
        snprintf(e->text, sizeof e->text, "%s", msg);
}

static long dom_new(gj_reader *r)
{
    if (r->nnodes == r->nodecap) {
        if (r->nnodes >= GJ_MAX_FEATURE) { /* only when the file grew since pass 1 */
            char reason[96];
            snprintf(reason, sizeof reason, "feature larger than %zu MiB, refused",
                     GJ_MAX_FEATURE / (1024 * 1024));
            return sc_fail(&r->s, r->s.line, reason);
        }
        size_t ncap = r->nodecap ? r->nodecap * 2 : 1024;
        gj_node *n = realloc(r->nodes, ncap * sizeof *n);
        if (!n) {
            gj_nomem(r);
            return -1;
        }
        r->nodes = n;
        r->nodecap = ncap;
    }
    gj_node *n = &r->nodes[r->nnodes];
    n->negzero = 0;
    n->count = 0;
    n->next = (uint32_t)(r->nnodes + 1);
    return (long)r->nnodes++;
}

/* Exact powers of ten: every one up to 1e22 is a double. */
static const double GJ_P10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Set node n to the JSON number t[0..len) (grammar checked, parts in np) as
 * jansson 2.14 reads it: an integer (no '.', no exponent) through strtoll,
 * then converted to double; a real through strtod. Both give the double
 * nearest to the decimal value, so one conversion serves: when the digits
 * fit in 53 bits and the power of ten in 0..22, both are exact doubles and
 * one IEEE multiplication or division rounds correctly (Clinger's fast
 * path: the same result as strtod); otherwise strtod itself. The integer -0
 * reads +0.0 (marked negzero). An integer beyond 64 bits and a real out of
 * range are noted as jansson would report them. 0, or -1 (no memory). */
static int num_value(gj_reader *r, const char *t, size_t len, const gj_numparts *np, gj_node *n)
{
    int exact = np->ilen + np->flen <= 19; /* np->m holds every digit */
    long e10 = np->ex - (long)np->flen;
    int toobig = np->is_int && (np->ilen > 19 || (np->ilen == 19 && memcmp(t + np->neg, np->neg
                                                                            ? "9223372036854775808"
                                                                            : "9223372036854775807", 19) > 0));
    int overflow = 0;
    double v;
    if (exact && np->m == 0) {
        v = np->neg ? -0.0 : 0.0;
#if FLT_EVAL_METHOD == 0
    } else if (exact && np->m <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
        v = (double)np->m;
        v = e10 < 0 ? v / GJ_P10[-e10] : v * GJ_P10[e10];
        if (np->neg)
            v = -v;
#endif
    } else {
        char tmp[64];
        const char *z = tmp;
        if (len < sizeof tmp) {
            memcpy(tmp, t, len);
            tmp[len] = '\0';
        } else {
            if (t != r->num.buf) {
                pl_buf_reset(&r->num);
                if (sc_buf_add(&r->s, &r->num, t, len) != 0)
                    return -1;
            }
            z = r->num.buf; /* NUL-terminated by sc_buf_add */
        }
        char *zend;
        errno = 0;
        v = strtod(z, &zend);
        overflow = (v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE;
    }
    n->type = GN_NUM;
    if (np->is_int && !toobig && exact && np->m == 0 && np->neg) {
        v = 0.0;
        n->negzero = 1;
    }
    n->v.num = v;
    if (toobig) {
        lex_note(r, &r->lex_int, 1, np->neg ? "too big negative integer" : "too big integer", t, len);
        if (overflow)
            lex_note(r, &r->lex_real, 0, "real number overflow", t, len);
    } else if (overflow) {
        lex_note(r, &r->lex_int, 0, "real number overflow", t, len);
        lex_note(r, &r->lex_real, 0, "real number overflow", t, len);
    }
    return 0;
}

/* A number value into node idx (the '-' or first digit is next). */
static int dom_number(gj_reader *r, size_t idx)
{
    gj_scan *s = &r->s;
    gj_numparts np;
    const unsigned char *b = s->buf + s->pos;
    size_t k = num_scan(b, s->buf + s->len, &np);
    if (k && !np.open) { /* the number and the byte after it are in the buffer */
        if (sc_consume(s, k, 0) != 0) /* b stays valid: no refill until the next peek */
            return -1;
        return num_value(r, (const char *)b, k, &np, &r->nodes[idx]);
    }
    /* Across a block boundary, or a bad number (sc_number words the error). */
    pl_buf_reset(&r->num);
    if (sc_number(s, &r->num) != 0)
        return -1;
    num_scan((const unsigned char *)r->num.buf, (const unsigned char *)r->num.buf + r->num.len, &np);
    return num_value(r, r->num.buf, r->num.len, &np, &r->nodes[idx]);
}

static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10);
    }
    return v;
}

static char simple_escape(char e)
{
    switch (e) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    }
    return e; /* " \ / */
}

/* Append the string whose raw UTF-8 bytes (escapes as written, checked by
 * sc_string) are raw[0..len) to r->strs, decoded as jansson decodes it; a
 * \u escape that is no character is noted as jansson reports it. */
static int str_decode(gj_reader *r, const char *raw, size_t len)
{
    gj_scan *s = &r->s;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && raw[j] != '\\')
            j++;
        if (j > i && sc_buf_add(s, &r->strs, raw + i, j - i) != 0)
            return -1;
        if (j >= len)
            break;
        i = j;
        unsigned char out[4];
        size_t olen = 1;
        if (raw[i + 1] != 'u') {
            out[0] = (unsigned char)simple_escape(raw[i + 1]);
            i += 2;
        } else {
            long v = hex4(raw + i + 2), v2 = -1;
            i += 6;
            if (v >= 0xD800 && v <= 0xDBFF && i + 1 < len && raw[i] == '\\' && raw[i + 1] == 'u') {
                v2 = hex4(raw + i + 2);
                i += 6;
            }
            if ((v >= 0xD800 && v <= 0xDBFF && !(v2 >= 0xDC00 && v2 <= 0xDFFF)) ||
                (v >= 0xDC00 && v <= 0xDFFF)) {
                char msg[64], saved[24];
                if (v2 >= 0)
                    snprintf(msg, sizeof msg, "invalid Unicode '\\u%04lX\\u%04lX'", v, v2);
                else
                    snprintf(msg, sizeof msg, "invalid Unicode '\\u%04lX'", v);
                if (len + 2 <= 20) {
                    saved[0] = '"';
                    memcpy(saved + 1, raw, len);
                    saved[len + 1] = '"';
                }
                lex_note(r, &r->lex_int, 0, msg, saved, len + 2);
                lex_note(r, &r->lex_real, 0, msg, saved, len + 2);
                return 0;
            }
            if (v2 >= 0)
                v = ((v - 0xD800) << 10) + (v2 - 0xDC00) + 0x10000;
            if (v < 0x80) {
                out[0] = (unsigned char)v;
            } else if (v < 0x800) {
                out[0] = (unsigned char)(0xC0 | (v >> 6));
                out[1] = (unsigned char)(0x80 | (v & 0x3F));
                olen = 2;
            } else if (v < 0x10000) {
                out[0] = (unsigned char)(0xE0 | (v >> 12));
                out[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
                out[2] = (unsigned char)(0x80 | (v & 0x3F));
                olen = 3;
            } else {
                out[0] = (unsigned char)(0xF0 | (v >> 18));
                out[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
                out[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
                out[3] = (unsigned char)(0x80 | (v & 0x3F));
                olen = 4;
            }
        }
        if (sc_buf_add(s, &r->strs, out, olen) != 0)
            return -1;
    }
    return 0;
}

/* A string value (or member name) into node idx (the quote is next). */
static int dom_string(gj_reader *r, size_t idx)
{
    gj_scan *s = &r->s;
    pl_buf_reset(&r->raw);
    if (sc_string(s, NULL, 0, NULL, &r->raw) != 0)
        return -1;
    const char *raw = r->raw.buf ? r->raw.buf : "";
    size_t len = r->raw.len;
    char *conv = NULL; /* owned */
    if (s->gbk) {
        size_t i = 0;
        while (i < len && (unsigned char)raw[i] < 0x80)
            i++;
        if (i < len) {
            conv = pl_text_gbk_to_utf8(raw, len, &len);
            if (!conv) {
                if (errno == ENOMEM) {
                    gj_nomem(r);
                    return -1;
                }
                r->geom_badtext = 1; /* only when the file changed since pass 1 */
                len = 0;
            }
            raw = conv ? conv : "";
        }
    }
    size_t off = r->strs.len;
    int rc = off < UINT32_MAX / 2 ? str_decode(r, raw, len) : sc_fail(s, s->line, "strings too large, refused");
    free(conv);
    if (rc != 0 || sc_buf_add(s, &r->strs, "", 1) != 0)
        return -1;
    gj_node *n = &r->nodes[idx];
    n->type = GN_STR;
    n->v.str.off = (uint32_t)off;
    n->v.str.len = (uint32_t)(r->strs.len - 1 - off);
    return 0;
}

/* A member name and the ':' after it (whitespace before the name skipped),
 * as sc_key does, into a new node. */
static int dom_key(gj_reader *r)
{
    gj_scan *s = &r->s;
    if (sc_peek(s) != '"')
        return sc_expected(s, "a member name in double quotes");
    long idx = dom_new(r);
    return idx < 0 || dom_string(r, (size_t)idx) != 0 ? -1 : sc_colon(s);
}

/* Consume one JSON value, checking its syntax, with the same checks and
 * messages whether or not it is kept: with `tree`, each value becomes a node
 * of tree->nodes (appended; the caller empties it), as the geometry is read;
 * without, it is only scanned (pass 1, and the members of a feature other
 * than its geometry). `base` is the nesting depth of the container holding it
 * (0 for the document itself). Iterative: the bracket stack is a local array
 * bounded by GJ_MAX_DEPTH. */
static int walk_value(gj_scan *s, int base, gj_reader *tree)
{
    char open[GJ_MAX_DEPTH];      /* '{' or '[' */
    uint32_t node[GJ_MAX_DEPTH];  /* with a tree: the container's node */
    int depth = 0;
    char reason[96];

    if (sc_skip_ws(s) != 0)
        return -1;
    for (;;) {
        /* A value is expected here. */
        int c = sc_peek(s);
        if (c != '{' && c != '[' && c != '"' && c != '-' && !sc_is_digit(c) && c != 't' && c != 'f' &&
            c != 'n')
            return sc_expected(s, "a value");
        long idx = tree ? dom_new(tree) : 0;
        if (idx < 0)
            return -1;
        if (c == '{' || c == '[') {
            if (base + depth + 1 > GJ_MAX_DEPTH) {
                snprintf(reason, sizeof reason, "nesting deeper than %d levels, refused",
                         GJ_MAX_DEPTH);
                return sc_fail(s, s->line, reason);
            }
            if (tree)
                tree->nodes[idx].type = c == '{' ? GN_OBJ : GN_ARR;
            if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
                return -1;
            open[depth] = (char)c;
            node[depth++] = (uint32_t)idx;
            int close = c == '{' ? '}' : ']';
            if (sc_peek(s) == close) {
                if (sc_next(s) == -2)
                    return -1;
                depth--;
                if (tree)
                    tree->nodes[idx].next = (uint32_t)tree->nnodes;
            } else if (c == '{') {
                if ((tree ? dom_key(tree) : sc_key(s, NULL, 0, NULL)) != 0)
                    return -1;
                continue;
            } else {
                continue;
            }
        } else if (c == '"') {
            if ((tree ? dom_string(tree, (size_t)idx) : sc_string(s, NULL, 0, NULL, NULL)) != 0)
                return -1;
        } else if (c == '-' || sc_is_digit(c)) {
            if ((tree ? dom_number(tree, (size_t)idx) : sc_number(s, NULL)) != 0)
                return -1;
        } else {
            if (sc_literal(s, c == 't' ? "true" : c == 'f' ? "false" : "null") != 0)
                return -1;
            if (tree)
                tree->nodes[idx].type = c == 't' ? GN_TRUE : c == 'f' ? GN_FALSE : GN_NULL;
        }
        /* A value is complete: close containers or move to the next element. */
        for (;;) {
            if (depth == 0)
                return 0;
            int in_object = open[depth - 1] == '{';
            uint32_t top = node[depth - 1];
            if (tree)
                tree->nodes[top].count++;
            int more = sc_after_value(s, in_object);
            if (more < 0 || (more && in_object && (tree ? dom_key(tree) : sc_key(s, NULL, 0, NULL)) != 0))
                return -1;
            if (more)
                break;
            depth--;
            if (tree)
                tree->nodes[top].next = (uint32_t)tree->nnodes;
        }
    }
}

/* Consume one JSON value, checking its syntax (walk_value without a tree). */
static int sc_value(gj_scan *s, int base)
{
    return walk_value(s, base, NULL);
}

/* Read one JSON value into r->nodes (walk_value with r as the tree). */
static int dom_parse(gj_reader *r, int base)
{
    return walk_value(&r->s, base, r);
}

/* Forget the geometry of the previous feature. */
static void feature_reset(gj_reader *r)
{
    r->nnodes = 0;
    pl_buf_reset(&r->strs);
    r->nph = 0;
    r->geom_seen = r->geom_badtext = r->int_as_real = 0;
    r->lex_int.set = r->lex_real.set = 0;
}

/* The value of a feature's "geometry" member (next, after the ':'): into
 * r->nodes, and into the capture as a placeholder, "0" followed by as many
 * line feeds as the value spans (so that jansson's line numbers hold). */
static int geom_member(gj_reader *r, int base)
{
    gj_scan *s = &r->s;
    size_t off = s->caplen;
    long line0 = s->line;
    r->nnodes = 0;
    pl_buf_reset(&r->strs);
    s->cap_on = 0;
    int rc = dom_parse(r, base);
    s->cap_on = 1;
    if (rc != 0)
        return -1;
    if (r->nph == r->phcap) {
        size_t ncap = r->phcap ? r->phcap * 2 : 4;
        size_t *n = realloc(r->ph, ncap * sizeof *n);
        if (!n) {
            gj_nomem(r);
            return -1;
        }
        r->ph = n;
        r->phcap = ncap;
    }
    r->ph[r->nph++] = off;
    r->geom_seen = 1;
    if (sc_cap_push(s, '0') != 0)
        return -1;
    for (long l = line0; l < s->line; l++)
        if (sc_cap_push(s, '\n') != 0)
            return -1;
    return 0;
}

/* 1 when the raw member name (escapes not decoded; cut at outsz-1 bytes,
 * rawlen in full) is `want` (ASCII) once decoded, as jansson decodes it. */
static int key_is(const char *raw, size_t rawlen, size_t outsz, const char *want)
{
    if (rawlen >= outsz)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < rawlen; k++) {
        unsigned c = (unsigned char)raw[i];
        if (c == '\\') {
            if (raw[i + 1] == 'u') {
                long v = hex4(raw + i + 2);
                if (v >= 0x80)
                    return 0;
                c = (unsigned)v;
                i += 6;
            } else {
                c = (unsigned char)simple_escape(raw[i + 1]);
                i += 2;
            }
        } else {
            i++;
        }
        if (!want[k] || (unsigned char)want[k] != c)
            return 0;
    }
    return want[k] == '\0';
}

/* Pass 2: one Feature object (next byte '{'), `base` as for sc_value. Its
 * "geometry" members go to r->nodes (the last one stays), everything else
 * into the capture for jansson. */
static int feature_scan(gj_reader *r, int base)
{
    gj_scan *s = &r->s;
    feature_reset(r);
    sc_cap_start(s, GJ_MAX_FEATURE);
    if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
        return -1;
    if (sc_peek(s) == '}')
        return sc_next(s) == -2 ? -1 : 0;
    for (;;) {
        char key[64];
        size_t klen;
        if (sc_key(s, key, sizeof key, &klen) != 0)
            return -1;
        if (key_is(key, klen, sizeof key, "geometry")) {
            if (geom_member(r, base + 1) != 0)
                return -1;
        } else if (sc_value(s, base + 1) != 0) {
            return -1;
        }
        int more = sc_after_value(s, 1);
        if (more <= 0)
            return more;
    }
}

/* Pass 2: a document that is a bare geometry, into r->nodes. */
static int bare_scan(gj_reader *r)
{
    feature_reset(r);
    r->s.cap_on = 0;
    return dom_parse(r, 0);
}

/* Append one polygon (an array of rings, node `rings`) to r->f.geom. `pno`
 * numbers it in messages. A polygon without rings adds nothing. */
static int read_polygon(gj_reader *r, size_t rings, size_t pno)
{
    const gj_node *n = r->nodes;
    if (n[rings].type != GN_ARR)
        return gj_fail(r, "polygon %zu: expected an array of rings, found %s", pno,
                       node_kind(&n[rings]));
    size_t nr = n[rings].count;
    if (nr == 0)
        return PL_OK;
    pl_poly *poly = pl_geom_add_poly(&r->f.geom);
    if (!poly)
        return gj_nomem(r);
    size_t ring = rings + 1;
    for (size_t i = 0; i < nr; i++, ring = n[ring].next) {
        if (n[ring].type != GN_ARR)
            return gj_fail(r, "polygon %zu ring %zu: expected an array of positions, found %s",
                           pno, i + 1, node_kind(&n[ring]));
        pl_ring *pr = pl_poly_add_ring(poly);
        if (!pr)
            return gj_nomem(r);
        size_t np = n[ring].count, pos = ring + 1;
        for (size_t k = 0; k < np; k++, pos = n[pos].next) {
            if (n[pos].type != GN_ARR)
                return gj_fail(r, "polygon %zu ring %zu point %zu: expected a position [x, y], found %s",
                               pno, i + 1, k + 1, node_kind(&n[pos]));
            size_t dim = n[pos].count;
            if (dim < 2)
                return gj_fail(r, "polygon %zu ring %zu point %zu: position has %zu number%s, expected at least 2",
                               pno, i + 1, k + 1, dim, dim == 1 ? "" : "s");
            size_t c = pos + 1;
            for (size_t d = 0; d < dim; d++, c = n[c].next) {
                if (n[c].type != GN_NUM) {
                    char shown[80] = "", cut[64];
                    if (n[c].type == GN_STR)
                        snprintf(shown, sizeof shown, " '%s'", clip(cut, sizeof cut, node_str(r, &n[c])));
                    return gj_fail(r, "polygon %zu ring %zu point %zu: coordinate %zu is %s%s, not a number",
                                   pno, i + 1, k + 1, d + 1, node_kind(&n[c]), shown);
                }
            }
            /* x and y are the first two elements: numbers, so single nodes */
            if (pl_ring_add_point(pr, node_num(r, &n[pos + 1]), node_num(r, &n[pos + 2])) != 0)
                return gj_nomem(r);
        }
    }
    return PL_OK;
}

/* Read geometry node `g` into r->f. *only_polys is cleared when it (or a
 * member of a collection) is not a polygon; `*pno` counts polygons for
 * messages. */
static int read_geometry(gj_reader *r, size_t g, int *only_polys, size_t *pno, int top)
{
    const gj_node *n = r->nodes;
    if (n[g].type != GN_OBJ)
        return gj_fail(r, "geometry must be an object or null, found %s", node_kind(&n[g]));
    long jt = node_get(r, g, "type");
    if (jt < 0 || n[jt].type != GN_STR)
        return gj_fail(r, "geometry has no \"type\" string");
    const char *t = geom_type_name(node_str(r, &n[jt]));
    if (!t) {
        char cut[64];
        return gj_fail(r, "unknown geometry type '%s'", clip(cut, sizeof cut, node_str(r, &n[jt])));
    }
    if (top)
        r->f.kind = t;
    if (strcmp(t, "GeometryCollection") == 0) {
        long gs = node_get(r, g, "geometries");
        if (gs < 0 || n[gs].type != GN_ARR)
            return gj_fail(r, "GeometryCollection has no \"geometries\" array");
        if (n[gs].count == 0)
            *only_polys = 0;
        size_t m = (size_t)gs + 1;
        for (uint32_t i = 0; i < n[gs].count && *only_polys; i++, m = n[m].next) {
            int rc = read_geometry(r, m, only_polys, pno, 0);
            if (rc != PL_OK)
                return rc;
        }
        return PL_OK;
    }
    int is_poly = strcmp(t, "Polygon") == 0, is_multi = strcmp(t, "MultiPolygon") == 0;
    if (!is_poly && !is_multi) {
        *only_polys = 0; /* not a parcel: its coordinates are not looked at */
        return PL_OK;
    }
    long coords = node_get(r, g, "coordinates");
    if (coords < 0 || n[coords].type != GN_ARR)
        return gj_fail(r, "%s has no \"coordinates\" array", t);
    if (is_poly)
        return read_polygon(r, (size_t)coords, ++*pno);
    size_t p = (size_t)coords + 1;
    for (uint32_t i = 0; i < n[coords].count; i++, p = n[p].next) {
        int rc = read_polygon(r, p, ++*pno);
        if (rc != PL_OK)
            return rc;
    }
    return PL_OK;
}

/* The kind of a GeometryCollection that is not a parcel, with what it holds
 * ("GeometryCollection (2 LineString, 1 Point)", most frequent first), in
 * r->kind. Members are only looked at for their "type". */
static const char *collection_kind(gj_reader *r, size_t g)
{
    const gj_node *n = r->nodes;
    long gs = node_get(r, g, "geometries");
    if (gs < 0 || n[gs].type != GN_ARR)
        return "GeometryCollection";
    if (n[gs].count == 0)
        return "GeometryCollection (empty)";
    const char *names[8];
    long counts[8];
    size_t k = 0;
    long other = 0;
    size_t m = (size_t)gs + 1;
    for (uint32_t i = 0; i < n[gs].count; i++, m = n[m].next) {
        const char *t = "unknown";
        long jt = n[m].type == GN_OBJ ? node_get(r, m, "type") : -1;
        if (jt >= 0 && n[jt].type == GN_STR && geom_type_name(node_str(r, &n[jt])))
            t = geom_type_name(node_str(r, &n[jt]));
        size_t j = 0;
        while (j < k && strcmp(names[j], t) != 0)
            j++;
        if (j == k && k == sizeof names / sizeof names[0]) {
            other++;
            continue;
        }
        if (j == k) {
            names[k] = t;
            counts[k++] = 0;
        }
        counts[j]++;
    }
    for (size_t i = 1; i < k; i++) /* most frequent first, file order among equals */
        for (size_t j = i; j > 0 && counts[j - 1] < counts[j]; j--) {
            long c = counts[j];
            const char *s = names[j];
            counts[j] = counts[j - 1], names[j] = names[j - 1];
            counts[j - 1] = c, names[j - 1] = s;
        }
    size_t len = (size_t)snprintf(r->kind, sizeof r->kind, "GeometryCollection (");
    for (size_t i = 0; i < k && len < sizeof r->kind; i++)
        len += (size_t)snprintf(r->kind + len, sizeof r->kind - len, "%s%ld %s", i ? ", " : "", counts[i], names[i]);
    if (other && len < sizeof r->kind)
        len += (size_t)snprintf(r->kind + len, sizeof r->kind - len, ", %ld other", other);
    if (len < sizeof r->kind)
        snprintf(r->kind + len, sizeof r->kind - len, ")");
    return r->kind;
}

/* ------------------------------------------------------------------------ */
/* One feature                                                               */

static int lex_fail(gj_reader *r, const gj_lexerr *e)
{
    return gj_fail(r, "at line %ld: %s", e->line, e->text);
}

static int json_fail(gj_reader *r, const json_error_t *je, long line)
{
    if (json_error_code(je) == json_error_out_of_memory)
        return gj_nomem(r);
    return gj_fail(r, "at line %ld: %s", line + (je->line > 0 ? je->line - 1 : 0), je->text);
}

/* Whether jansson's error `je` (NULL: none) in the text with placeholders
 * comes before the geometry's `g` (NULL: none) in the feature. */
static int json_first(const gj_reader *r, const json_error_t *je, const gj_lexerr *g)
{
    if (!je)
        return 0;
    if (!g)
        return 1;
    return (size_t)je->position <= r->ph[g->ph];
}

/* The capture converted from GBK, piece by piece between the placeholders
 * (their offsets in r->ph move to the converted text; a placeholder is ASCII
 * and stands outside any string, so no character is cut). NULL with errno
 * set when a piece is not GBK or on ENOMEM; the caller frees the result. */
static char *gbk_pieces(gj_reader *r, size_t *outlen)
{
    gj_scan *s = &r->s;
    char *out = NULL;
    size_t len = 0, from = 0;
    for (size_t k = 0; k <= r->nph; k++) {
        size_t to = k < r->nph ? r->ph[k] : s->caplen, clen = 0;
        char *c = pl_text_gbk_to_utf8(s->cap + from, to - from, &clen);
        if (!c) {
            free(out);
            return NULL;
        }
        char *n = realloc(out, len + clen + 1);
        if (!n) {
            free(c);
            free(out);
            errno = ENOMEM;
            return NULL;
        }
        out = n;
        memcpy(out + len, c, clen);
        free(c);
        len += clen;
        out[len] = '\0';
        if (k < r->nph)
            r->ph[k] = len;
        from = to;
    }
    *outlen = len;
    return out;
}

/* Parse the feature without its geometry (the capture) with jansson. The
 * error reported is the one jansson reported when it parsed the whole
 * feature: the first in the text, the geometry's included; an integer
 * beyond 64 bits anywhere has the whole feature read again with
 * JSON_DECODE_INT_AS_REAL. On success *root owns the tree. */
static int rest_load(gj_reader *r, long line, json_t **root)
{
    gj_scan *s = &r->s;
    const char *text = s->cap;
    size_t len = s->caplen;
    char *conv = NULL; /* owned: the text converted from GBK */
    if (s->gbk) {
        conv = gbk_pieces(r, &len);
        if (!conv) {
            if (errno == ENOMEM)
                return gj_nomem(r);
            return gj_fail(r, "text is neither valid UTF-8 nor valid GBK");
        }
        text = conv;
    } else if (!pl_text_is_utf8(text, len)) {
        return gj_fail(r, "invalid UTF-8 text (if the file is GBK, use --encoding gbk)");
    }
    int rc = PL_OK, toobig = 0;
    json_error_t je;
    json_t *t = json_loadb(text, len, 0, &je);
    const gj_lexerr *g = r->lex_int.set ? &r->lex_int : NULL;
    if (json_first(r, t ? NULL : &je, g)) {
        if (!strstr(je.text, "too big")) {
            rc = json_fail(r, &je, line);
            goto out;
        }
        toobig = 1;
    } else if (g) {
        if (!g->toobig) {
            rc = lex_fail(r, g);
            goto out;
        }
        toobig = 1;
    }
    if (toobig) {
        json_decref(t);
        r->int_as_real = 1;
        t = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &je);
        g = r->lex_real.set ? &r->lex_real : NULL;
        if (json_first(r, t ? NULL : &je, g)) {
            rc = json_fail(r, &je, line);
            goto out;
        }
        if (g) {
            rc = lex_fail(r, g);
            goto out;
        }
    }
    *root = t;
    t = NULL;
out:
    json_decref(t);
    free(conv);
    return rc;
}

/* Feature `number` starting on `line` has been scanned (feature_scan, or
 * bare_scan when `bare`: the document is a geometry, not a Feature): fill
 * r->f and call the callback. */
static int gj_feature(gj_reader *r, long number, long line, int bare)
{
    snprintf(r->where, sizeof r->where, "feature %ld (line %ld)", number, line);
    pl_geom_clear(&r->f.geom);
    r->f.number = number;
    r->f.line = line;
    r->f.where = r->where;
    r->f.is_polygon = 0;
    r->f.kind = "null";
    r->f.attrs = NULL;
    r->f.nattrs = 0;
    r->f.declared_area_m2 = NAN;
    if (r->geom_badtext)
        return gj_fail(r, "text is neither valid UTF-8 nor valid GBK");

    int rc = PL_OK;
    json_t *root = NULL;
    if (bare) {
        const gj_lexerr *g = r->lex_int.set ? &r->lex_int : NULL;
        if (g && g->toobig) {
            r->int_as_real = 1;
            g = r->lex_real.set ? &r->lex_real : NULL;
        }
        if (g)
            return lex_fail(r, g);
    } else {
        if ((rc = rest_load(r, line, &root)) != PL_OK)
            return rc;
        json_t *jt = json_object_get(root, "type");
        if (!json_is_string(jt)) {
            rc = gj_fail(r, "expected a Feature object with \"type\": \"Feature\"");
            goto out;
        }
        if (strcmp(json_string_value(jt), "Feature") != 0) {
            char cut[64];
            rc = gj_fail(r, "\"type\" is '%s', expected 'Feature'",
                         clip(cut, sizeof cut, json_string_value(jt)));
            goto out;
        }
        if ((rc = attrs_build(r, root)) != PL_OK)
            goto out;
    }
    /* A missing geometry reads as null. */
    if (bare || (r->geom_seen && r->nodes[0].type != GN_NULL)) {
        int only_polys = 1;
        size_t pno = 0;
        if ((rc = read_geometry(r, 0, &only_polys, &pno, 1)) != PL_OK)
            goto out;
        r->f.is_polygon = only_polys;
        if (!only_polys)
            pl_geom_clear(&r->f.geom);
        if (!only_polys && strcmp(r->f.kind, "GeometryCollection") == 0)
            r->f.kind = collection_kind(r, 0);
    }
    rc = r->cb(&r->f, r->info, r->ctx);
    if (rc != 0) {
        r->stopped = 1;
        r->stopval = rc;
    }
out:
    json_decref(root);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Top level                                                                 */

/* The "features" array (next byte '['). Pass 1 only checks its syntax; pass 2
 * cuts out each element and hands it to gj_feature(). */
static int walk_features(gj_reader *r, int pass)
{
    gj_scan *s = &r->s;
    int stream = pass == 2 && !r->single;
    if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
        return -1;
    if (sc_peek(s) == ']')
        return sc_next(s) == -2 ? -1 : 0;
    for (long n = 1;; n++) {
        s->feature = n;
        if (sc_skip_ws(s) != 0)
            return -1;
        long line = s->line;
        unsigned long long start = s->consumed;
        if (stream) {
            int c = sc_peek(s);
            if (c != '{') {
                char found[32];
                sc_describe(c, found, sizeof found);
                snprintf(r->where, sizeof r->where, "feature %ld (line %ld)", n, line);
                gj_fail(r, "expected a Feature object '{', found %s", found);
                return -1;
            }
        }
        int rc = stream ? feature_scan(r, 2) : sc_value(s, 2);
        s->cap_on = 0;
        if (rc != 0)
            return -1;
        if (s->consumed - start > GJ_MAX_FEATURE) { /* pass 1 refuses it before any callback */
            snprintf(r->where, sizeof r->where, "feature %ld (line %ld)", n, line);
            gj_fail(r, "feature larger than %zu MiB, refused", GJ_MAX_FEATURE / (1024 * 1024));
            return -1;
        }
        if (stream && gj_feature(r, n, line, 0) != 0)
            return -1;
        if (sc_skip_ws(s) != 0)
            return -1;
        int c = sc_peek(s);
        if (c == ',') {
            if (sc_next(s) == -2)
                return -1;
            continue;
        }
        if (c != ']')
            return sc_expected(s, "',' or ']' after a feature");
        s->feature = 0;
        return sc_next(s) == -2 ? -1 : 0;
    }
}

/* Top-level members of Esri JSON (an ArcGIS FeatureSet, or one Esri
 * geometry) that GeoJSON does not have. */
static int is_esri_key(const char *key)
{
    static const char *const keys[] = {"geometryType", "spatialReference", "rings", "paths",
                                       "fieldAliases", "objectIdFieldName", "globalIdFieldName"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/* Walk the top-level object. Returns 0, or -1 with r->err set or r->stopped. */
static int walk(gj_reader *r, int pass)
{
    gj_scan *s = &r->s;
    if (gj_rewind(r) != PL_OK || sc_skip_ws(s) != 0)
        return -1;
    int c = sc_peek(s);
    if (c < 0) {
        if (!s->ioerr)
            pl_error_set(r->err, PL_ERR_INPUT, "%s: empty file", r->path);
        return -1;
    }
    if (c != '{')
        return sc_expected(s, "'{' (a GeoJSON object)");
    r->top_line = s->line;
    if (pass == 2 && r->single) {
        int bare = strcmp(r->type, "Feature") != 0;
        r->info->bare_geometry = bare;
        s->feature = 1;
        int rc = bare ? bare_scan(r) : feature_scan(r, 0);
        s->cap_on = 0;
        s->feature = 0;
        if (rc != 0)
            return -1;
        if (gj_feature(r, 1, r->top_line, bare) != 0)
            return -1;
    } else {
        if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
            return -1;
        if (sc_peek(s) == '}') {
            if (sc_next(s) == -2)
                return -1;
        } else {
            for (;;) {
                char key[24];
                size_t klen;
                if (sc_key(s, key, sizeof key, &klen) != 0)
                    return -1;
                long vline = s->line;
                if (pass == 1 && !r->esri_key[0] && klen < sizeof key && is_esri_key(key)) {
                    snprintf(r->esri_key, sizeof r->esri_key, "%s", key);
                    r->esri_line = vline;
                }
                int is_features = klen == 8 && strcmp(key, "features") == 0;
                int is_type = klen == 4 && strcmp(key, "type") == 0;
                int is_crs = klen == 3 && strcmp(key, "crs") == 0;
                if ((is_features && r->features_seen && pass == 1) ||
                    (is_type && r->type_seen && pass == 1) || (is_crs && r->crs_seen && pass == 1))
                    return sc_fail(s, vline, is_features ? "duplicate top-level \"features\" member"
                                             : is_type ? "duplicate top-level \"type\" member"
                                                       : "duplicate top-level \"crs\" member");
                if (is_features && sc_peek(s) == '[') {
                    if (pass == 1) {
                        r->features_seen = r->features_is_array = 1;
                        r->features_line = vline;
                    }
                    if (walk_features(r, pass) != 0)
                        return -1;
                } else if (is_type && pass == 1) {
                    size_t tlen;
                    if (sc_peek(s) != '"')
                        return sc_expected(s, "a string as the value of the top-level \"type\"");
                    if (sc_string(s, r->type, sizeof r->type, &tlen, NULL) != 0)
                        return -1;
                    r->type_seen = 1;
                    r->type_line = vline;
                } else if (is_crs && pass == 1) {
                    r->crs_seen = 1;
                    r->crs_line = vline;
                    sc_cap_start(s, GJ_MAX_CRS);
                    int rc = sc_value(s, 1);
                    s->cap_on = 0;
                    if (rc != 0)
                        return -1;
                    r->crs = malloc(s->caplen ? s->caplen : 1);
                    if (!r->crs) {
                        gj_nomem(r);
                        return -1;
                    }
                    memcpy(r->crs, s->cap, s->caplen);
                    r->crslen = s->caplen;
                } else {
                    if (is_features && pass == 1) {
                        r->features_seen = 1;
                        r->features_line = vline;
                    }
                    if (sc_value(s, 1) != 0)
                        return -1;
                }
                if (sc_skip_ws(s) != 0)
                    return -1;
                c = sc_peek(s);
                if (c == '}')
                    break;
                if (c != ',')
                    return sc_expected(s, "',' or '}' after a member of the top-level object");
                if (sc_next(s) == -2 || sc_skip_ws(s) != 0)
                    return -1;
            }
            if (sc_next(s) == -2)
                return -1;
        }
    }
    if (sc_skip_ws(s) != 0)
        return -1;
    if (sc_peek(s) >= 0)
        return sc_expected(s, "end of file after the top-level object");
    return s->ioerr ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* CRS                                                                       */

static int parse_code(const char *p)
{
    long v = 0;
    if (!*p)
        return 0;
    for (; *p; p++) {
        if (!sc_is_digit((unsigned char)*p) || v > 99999999)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

/* EPSG code named by a GeoJSON crs name; 0 when the form is not known. */
static int crs_name_srid(const char *name)
{
    static const char *const crs84[] = {
        "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84", "CRS84",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "https://www.opengis.net/def/crs/OGC/1.3/CRS84"};
    for (size_t i = 0; i < sizeof crs84 / sizeof crs84[0]; i++)
        if (strcasecmp(name, crs84[i]) == 0)
            return 4326;
    static const char *const prefixes[] = {"EPSG:", "http://www.opengis.net/def/crs/EPSG/0/",
                                           "https://www.opengis.net/def/crs/EPSG/0/"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncasecmp(name, prefixes[i], n) == 0)
            return parse_code(name + n);
    }
    /* urn:ogc:def:crs:EPSG:[version]:CODE */
    const char *urn = "urn:ogc:def:crs:EPSG:";
    if (strncasecmp(name, urn, strlen(urn)) == 0) {
        const char *colon = strchr(name + strlen(urn), ':');
        return colon ? parse_code(colon + 1) : 0;
    }
    return 0;
}

static int gj_crs(gj_reader *r, const pl_read_options *opt)
{
    pl_source_info *info = r->info;
    info->srid = 4326; /* RFC 7946 */
    if (!r->crs_seen)
        return PL_OK;
    const char *text = r->crs;
    size_t len = r->crslen;
    char *conv = NULL; /* owned */
    if (r->s.gbk) {
        conv = pl_text_gbk_to_utf8(text, len, &len);
        if (!conv)
            return pl_error_set(r->err, PL_ERR_INPUT, "%s: line %ld: crs member is not valid GBK",
                                r->path, r->crs_line);
        text = conv;
    }
    json_error_t je;
    json_t *crs = json_loadb(text, len, JSON_DECODE_ANY, &je);
    free(conv);
    if (!crs)
        return pl_error_set(r->err, PL_ERR_INPUT, "%s: line %ld: crs member: %s", r->path,
                            r->crs_line, je.text);
    int rc = PL_OK;
    if (json_is_null(crs))
        goto out; /* "crs": null — nothing said */
    json_t *t = json_object_get(crs, "type");
    json_t *props = json_object_get(crs, "properties");
    json_t *name = json_object_get(props, "name");
    if (!json_is_string(t) || strcmp(json_string_value(t), "name") != 0 || !json_is_string(name)) {
        char *dump = json_dumps(crs, JSON_COMPACT | JSON_ENCODE_ANY);
        char cut[256];
        copy_utf8(info->crs_text, sizeof info->crs_text, dump ? dump : "");
        if (!opt || opt->srid <= 0)
            rc = pl_error_set(r->err, PL_ERR_INPUT,
                              "%s: line %ld: unsupported crs member %s (expected "
                              "{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:N\"}}; use --crs)",
                              r->path, r->crs_line, clip(cut, sizeof cut, dump ? dump : ""));
        free(dump);
        goto out;
    }
    copy_utf8(info->crs_text, sizeof info->crs_text, json_string_value(name));
    int srid = crs_name_srid(json_string_value(name));
    if (srid > 0)
        info->srid = srid;
    else if (!opt || opt->srid <= 0) {
        char cut[256];
        rc = pl_error_set(r->err, PL_ERR_INPUT,
                          "%s: line %ld: unsupported crs name '%s' (expected EPSG:N, "
                          "urn:ogc:def:crs:EPSG::N or urn:ogc:def:crs:OGC:1.3:CRS84; use --crs)",
                          r->path, r->crs_line, clip(cut, sizeof cut, json_string_value(name)));
    }
out:
    json_decref(crs);
    return rc;
}

/* Forget what a pass 1 learned (before it runs again as GBK). */
static void pass1_reset(gj_reader *r)
{
    r->type[0] = '\0';
    r->type_line = 0;
    r->type_seen = r->features_seen = r->features_is_array = r->crs_seen = 0;
    r->esri_key[0] = '\0';
    r->esri_line = 0;
    r->features_line = r->crs_line = 0;
    free(r->crs);
    r->crs = NULL;
    r->crslen = 0;
}

/* ------------------------------------------------------------------------ */

int pl_read_geojson(const char *path, const pl_read_options *opt, pl_source_info *info,
                    pl_feature_cb cb, void *ctx, pl_error *err)
{
    pl_read_args a;
    pl_read_begin(&a, opt, info, err);
    opt = a.opt;
    info = a.info;
    err = a.err;

    FILE *f = pl_read_open(path, err);
    if (!f)
        return err->code;
    gj_reader *r = calloc(1, sizeof *r);
    if (!r) {
        fclose(f);
        return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
    }
    r->path = path;
    r->err = err;
    r->info = info;
    r->cb = cb;
    r->ctx = ctx;
    r->s.f = f;
    r->s.path = path;
    r->s.err = err;
    pl_geom_init(&r->f.geom);
    int rc = PL_OK, esri = 0;

    unsigned char head[3];
    size_t nhead = fread(head, 1, sizeof head, f);
    r->bom = pl_text_bom_len((const char *)head, nhead);
    pl_encoding enc = opt->encoding;
    r->s.gbk = enc == PL_ENCODING_GBK;

    /* Pass 1: syntax, text encoding, top-level type and crs. With --encoding
     * auto, text that is not UTF-8 (and no BOM) sends pass 1 round again as GBK. */
    if (walk(r, 1) != 0) {
        if (!(r->s.bad_text && enc == PL_ENCODING_AUTO && !r->bom && !r->s.gbk)) {
            rc = err->code;
            goto done;
        }
        pl_error_clear(err);
        pass1_reset(r);
        r->s.bad_text = 0;
        r->s.gbk = r->s.gbk_auto = 1;
        long not_utf8 = r->s.bad_text_line;
        if (walk(r, 1) != 0) {
            rc = err->code;
            goto done;
        }
        if (r->s.utf8_cjk_line) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "%s: line %ld: a string in UTF-8 (line %ld) and one that is not (line %ld): two "
                              "encodings in one file, refused (save it as UTF-8, or choose with --encoding gbk or "
                              "--encoding utf-8)", path, r->s.utf8_cjk_line < not_utf8 ? r->s.utf8_cjk_line : not_utf8,
                              r->s.utf8_cjk_line, not_utf8);
            goto done;
        }
    }
    snprintf(info->encoding, sizeof info->encoding, "%s",
             r->s.gbk ? "gbk" : r->bom ? "utf-8-bom" : "utf-8");
    if (!r->type_seen && r->esri_key[0]) {
        /* Esri JSON (ArcGIS REST): its own geometry model (rings by orientation)
         * and spatialReference; read by esrijson.c once this reader is closed */
        esri = 1;
        goto done;
    }
    if (!r->type_seen) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: the top-level object has no \"type\" member",
                          path, r->top_line);
        goto done;
    }
    if (strcmp(r->type, "FeatureCollection") == 0) {
        if (!r->features_seen) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "%s: line %ld: FeatureCollection has no \"features\" member", path,
                              r->top_line);
            goto done;
        }
        if (!r->features_is_array) {
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: \"features\" must be an array",
                              path, r->features_line);
            goto done;
        }
    } else if (strcmp(r->type, "Feature") == 0 || geom_type_name(r->type)) {
        r->single = 1;
        if (r->s.consumed > GJ_MAX_FEATURE) { /* the document is the feature */
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "%s: feature 1 (line %ld): feature larger than %zu MiB, refused", path,
                              r->top_line, GJ_MAX_FEATURE / (1024 * 1024));
            goto done;
        }
    } else {
        /* Shown as ASCII: the raw bytes may be GBK or cut inside a character. */
        for (char *p = r->type; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "%s: line %ld: unsupported GeoJSON type '%s' (expected FeatureCollection, "
                          "Feature or a geometry)", path, r->type_line, r->type);
        goto done;
    }
    if ((rc = gj_crs(r, opt)) != PL_OK)
        goto done;
    if (opt->srid > 0)
        info->srid = opt->srid;

    /* Pass 2: the features. */
    if (walk(r, 2) != 0)
        rc = r->stopped ? r->stopval : err->code;

done:
    pl_geom_release(&r->f.geom);
    free(r->attrs);
    free(r->attroff);
    free(r->arena);
    free(r->crs);
    free(r->s.cap);
    free(r->nodes);
    pl_buf_release(&r->strs);
    pl_buf_release(&r->raw);
    pl_buf_release(&r->num);
    free(r->ph);
    free(r);
    fclose(f);
    if (esri)
        return pl_read_esrijson(path, opt, info, cb, ctx, err);
    return rc;
}
