/*
 * shp.c — ESRI Shapefile reader (pl_read_shp, see reader.h).
 *
 * shapelib does the record decoding; this file finds the sibling files
 * (extension in any letter case), checks the headers, the .shx index and the
 * .dbf size against the real file sizes before anything is trusted, rebuilds
 * polygons from the flat ring list (outer rings clockwise, holes
 * counter-clockwise), decodes DBF text (UTF-8 or GBK) and reads the .prj,
 * whose CRS gis/prj.c recognises.
 *
 * shapelib's IO hooks carry no user pointer, so the hooks find the current
 * reader through a thread-local pointer that pl_read_shp() sets and restores.
 * The Error hook only records the message: nothing is ever printed.
 */
#include "shp.h"
#include "crs.h"

#include "reader.h"
#include "text.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <shapefil.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>

/* The recogniser under the name the tests have used (see shp.h). */
int pl_shp_srid_from_prj(const char *wkt, char *name, size_t namelen)
{
    pl_prj_crs crs = {0};
    if (wkt)
        pl_prj_recognise(wkt, strnlen(wkt, PL_PRJ_MAX_LEN + 1), &crs);
    if (name && namelen)
        pl_text_copy_utf8(name, namelen, crs.name, strlen(crs.name));
    return crs.srid;
}

/* ======================================================================= */
/* The reader                                                              */
/* ======================================================================= */

#define SHP_MAX_PARTS 10000 /* rings in one record; real parcels have a handful */

/* Where shapelib's hooks find the current reader's files and error buffer. */
typedef struct shp_io {
    const char *shp, *shx, *dbf; /* resolved paths, borrowed from the reader */
    char msg[512];               /* last shapelib error message */
    SAHooks base;                /* the hooks handed to shapelib (ours for FOpen and Error) */
    SAFile (*default_open)(const char *, const char *); /* shapelib's own fopen wrapper */
} shp_io;

static _Thread_local shp_io *tl_io;

static SAFile hook_fopen(const char *filename, const char *access)
{
    shp_io *io = tl_io;
    if (!io || strcmp(access, "rb") != 0)
        return NULL;
    const char *ext = strrchr(filename, '.');
    const char *target = NULL;
    if (ext && strcasecmp(ext, ".shp") == 0)
        target = io->shp;
    else if (ext && strcasecmp(ext, ".shx") == 0)
        target = io->shx;
    else if (ext && strcasecmp(ext, ".dbf") == 0)
        target = io->dbf;
    /* anything else (the .cpg) is read by this file, not by shapelib */
    return target ? io->default_open(target, access) : NULL;
}

static void hook_error(const char *message)
{
    if (tl_io)
        pl_text_copy_utf8(tl_io->msg, sizeof tl_io->msg, message, strlen(message));
}

typedef struct ring_info {
    size_t start, n;    /* vertices [start, start+n) of the record */
    double area;        /* signed shoelace area, positive = counter-clockwise */
    double minx, miny, maxx, maxy;
    long parent;        /* outer ring this hole belongs to, -1 for an outer ring */
    long head, next;    /* holes of this outer ring, in file order */
    int depth;          /* containment depth (all-CCW records) */
} ring_info;

typedef struct ring_order {
    double absarea;
    size_t idx;
} ring_order;

typedef struct shp_reader {
    const char *path;           /* the user's path, borrowed */
    char *shp_path, *shx_path, *dbf_path, *prj_path, *cpg_path; /* owned; prj/cpg may be NULL */
    long long shp_size;
    long nrec;
    SHPHandle shp;              /* owned */
    DBFHandle dbf;              /* owned */
    shp_io io;
    pl_source_info *info;       /* caller's */
    const pl_read_options *opt; /* caller's; its note sink takes the notes */

    pl_encoding enc;            /* PL_ENCODING_UTF8 or PL_ENCODING_GBK */
    int enc_fallback;           /* 1: guessed, so the other encoding may rescue a value */
    char enc_why[96];

    /* Everything below is owned by the reader and reused for every record. */
    int nfields;
    char **keys;                /* UTF-8 field names */
    int *widths;                /* declared byte width of each field */
    pl_attr *attrs;             /* nfields entries pointing into keys / vals */
    char *vals;                 /* all values of the current record, NUL-separated */
    size_t vals_cap;
    size_t *voff;

    double *xy;                 /* interleaved vertices of the current record */
    size_t xy_cap;
    ring_info *ri;
    ring_order *order;
    size_t ri_cap;

    pl_feature f;
    char where[32];
    long n_ccw_only, n_orphan, n_deleted, n_other_type, n_cut;
    int polygon_file;   /* the header's shape type is a polygon type */
} shp_reader;

static const char *shape_type_name(int t)
{
    switch (t) {
    case SHPT_NULL: return "null";
    case SHPT_POINT: return "Point";
    case SHPT_ARC: return "PolyLine";
    case SHPT_POLYGON: return "Polygon";
    case SHPT_MULTIPOINT: return "MultiPoint";
    case SHPT_POINTZ: return "PointZ";
    case SHPT_ARCZ: return "PolyLineZ";
    case SHPT_POLYGONZ: return "PolygonZ";
    case SHPT_MULTIPOINTZ: return "MultiPointZ";
    case SHPT_POINTM: return "PointM";
    case SHPT_ARCM: return "PolyLineM";
    case SHPT_POLYGONM: return "PolygonM";
    case SHPT_MULTIPOINTM: return "MultiPointM";
    case SHPT_MULTIPATCH: return "MultiPatch";
    default: return NULL;
    }
}

static int is_polygon_type(int t)
{
    return t == SHPT_POLYGON || t == SHPT_POLYGONZ || t == SHPT_POLYGONM;
}

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static uint32_t le32(const unsigned char *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

static char *str_dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int is_regular_file(const char *p, long long *size)
{
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (size)
        *size = (long long)st.st_size;
    return 1;
}

/* prefix + stem + ext as a new string (caller frees); NULL on ENOMEM. */
static char *join3(const char *prefix, size_t plen, const char *stem, size_t slen, const char *ext)
{
    size_t el = strlen(ext);
    char *p = malloc(plen + slen + el + 1);
    if (!p)
        return NULL;
    memcpy(p, prefix, plen);
    memcpy(p + plen, stem, slen);
    memcpy(p + plen + slen, ext, el + 1);
    return p;
}

/* Find prefix+stem+ext where ext (".shx") may be in any letter case: the
 * lowercase form first, then uppercase, then whatever the directory holds.
 * Returns a new string (caller frees), NULL when absent; *oom set on ENOMEM. */
static char *find_sibling(const char *prefix, size_t plen, const char *stem, size_t slen,
                          const char *ext, int *oom)
{
    char up[8] = "";
    size_t el = strnlen(ext, sizeof up - 1); /* ".shx": always short */
    for (size_t i = 0; i < el; i++)
        up[i] = (ext[i] >= 'a' && ext[i] <= 'z') ? (char)(ext[i] - 'a' + 'A') : ext[i];
    up[el] = '\0';
    const char *tries[2] = {ext, up};
    for (int t = 0; t < 2; t++) {
        char *p = join3(prefix, plen, stem, slen, tries[t]);
        if (!p) {
            *oom = 1;
            return NULL;
        }
        if (is_regular_file(p, NULL))
            return p;
        free(p);
    }
    char *dir = plen ? str_dup_n(prefix, plen) : str_dup_n(".", 1);
    if (!dir) {
        *oom = 1;
        return NULL;
    }
    DIR *dh = opendir(dir);
    free(dir);
    if (!dh)
        return NULL;
    char *found = NULL;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl == slen + el && memcmp(de->d_name, stem, slen) == 0 &&
            strcasecmp(de->d_name + slen, ext) == 0) {
            char *p = join3(prefix, plen, de->d_name, nl, "");
            if (!p) {
                *oom = 1;
                break;
            }
            if (is_regular_file(p, NULL)) {
                found = p;
                break;
            }
            free(p);
        }
    }
    closedir(dh);
    return found;
}

static int ends_with_ci(const char *s, const char *ext)
{
    size_t l = strlen(s), e = strlen(ext);
    return l > e && strcasecmp(s + l - e, ext) == 0;
}

/* Locate the .shp and its siblings. */
static int resolve_paths(shp_reader *r, pl_error *err)
{
    const char *p = r->path;
    const char *slash = strrchr(p, '/');
    size_t plen = slash ? (size_t)(slash - p) + 1 : 0;
    const char *base = p + plen;
    size_t blen = strlen(base);
    size_t slen = blen;
    static const char *const exts[] = {".shp", ".shx", ".dbf", ".prj", ".cpg"};
    for (size_t k = 0; k < 5; k++)
        if (ends_with_ci(base, exts[k]))
            slen = blen - 4;
    int oom = 0;

    if (ends_with_ci(base, ".shp") && is_regular_file(p, NULL)) {
        r->shp_path = str_dup_n(p, strlen(p));
        oom = !r->shp_path;
    } else {
        r->shp_path = find_sibling(p, plen, base, slen, ".shp", &oom);
    }
    if (oom)
        return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", p);
    if (!r->shp_path) {
        if (is_regular_file(p, NULL))
            return pl_error_set(err, PL_ERR_INPUT, "%s: no %.*s.shp beside it", p, (int)slen, base);
        return pl_error_set(err, PL_ERR_IO, "%s: cannot open: %s", p, strerror(ENOENT));
    }
    r->shx_path = find_sibling(p, plen, base, slen, ".shx", &oom);
    if (!oom && !r->shx_path)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: missing index file %.*s.shx (a shapefile needs its .shp, .shx and .dbf)",
                            p, (int)slen, base);
    if (!oom)
        r->dbf_path = find_sibling(p, plen, base, slen, ".dbf", &oom);
    if (!oom && !r->dbf_path)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: missing attribute file %.*s.dbf (a shapefile needs its .shp, .shx and .dbf)",
                            p, (int)slen, base);
    if (!oom)
        r->prj_path = find_sibling(p, plen, base, slen, ".prj", &oom);
    if (!oom)
        r->cpg_path = find_sibling(p, plen, base, slen, ".cpg", &oom);
    if (oom)
        return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", p);
    return PL_OK;
}

/* Read a small side file (.prj, .cpg) whole; caller frees. NULL on error. */
static char *read_small_file(const char *path, size_t max, size_t *len, int *too_big)
{
    *too_big = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(fp);
        return NULL;
    }
    size_t n = fread(buf, 1, max + 1, fp);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return NULL;
    }
    if (n > max) {
        *too_big = 1;
        n = max;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Check the .shp header: file code and a known shape type. */
static int check_shp_header(shp_reader *r, pl_error *err)
{
    FILE *fp = fopen(r->shp_path, "rb");
    if (!fp)
        return pl_error_set(err, PL_ERR_IO, "%s: cannot open: %s", r->path, strerror(errno));
    unsigned char h[100];
    size_t n = fread(h, 1, sizeof h, fp);
    fclose(fp);
    if (!is_regular_file(r->shp_path, &r->shp_size))
        return pl_error_set(err, PL_ERR_IO, "%s: cannot read", r->path);
    if (n < sizeof h)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: not a shapefile: %zu bytes, shorter than the 100-byte header", r->path, n);
    if (be32(h) != 9994)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: not a shapefile: file code %u where 9994 was expected", r->path, be32(h));
    int type = (int)le32(h + 32);
    const char *tn = shape_type_name(type);
    if (!tn)
        return pl_error_set(err, PL_ERR_INPUT, "%s: unknown shape type %d in the header", r->path, type);
    /* a point or line file is read record by record: the importer says what it holds */
    r->polygon_file = is_polygon_type(type);
    return PL_OK;
}

/* Walk the .shx index: its size and every record's extent in the .shp. */
static int check_shx(shp_reader *r, pl_error *err)
{
    long long size;
    FILE *fp = fopen(r->shx_path, "rb");
    if (!fp || !is_regular_file(r->shx_path, &size)) {
        if (fp)
            fclose(fp);
        return pl_error_set(err, PL_ERR_IO, "%s: cannot open: %s", r->shx_path, strerror(errno));
    }
    unsigned char buf[100];
    int rc = PL_OK;
    if (fread(buf, 1, 100, fp) != 100) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: not a shapefile index: %lld bytes, shorter than the 100-byte header",
                          r->shx_path, size);
        goto out;
    }
    if (be32(buf) != 9994) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: not a shapefile index: file code %u where 9994 was expected",
                          r->shx_path, be32(buf));
        goto out;
    }
    long long declared = (long long)be32(buf + 24) * 2;
    if (declared > size) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: truncated: the header says %lld bytes, the file has %lld",
                          r->shx_path, declared, size);
        goto out;
    }
    if (declared < 100 || (declared - 100) % 8 != 0) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: index length %lld is not 100 + 8 bytes per record",
                          r->shx_path, declared);
        goto out;
    }
    long long n = (declared - 100) / 8;
    if (n > INT_MAX / 2) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: %lld records is more than a shapefile can hold",
                          r->shx_path, n);
        goto out;
    }
    r->nrec = (long)n;
    unsigned char e[8 * 256];
    long done = 0;
    while (done < r->nrec) {
        long want = r->nrec - done > 256 ? 256 : r->nrec - done;
        if (fread(e, 8, (size_t)want, fp) != (size_t)want) {
            rc = pl_error_set(err, PL_ERR_IO, "%s: read error", r->shx_path);
            goto out;
        }
        for (long k = 0; k < want; k++) {
            long rec = done + k + 1;
            long long off = (long long)be32(e + 8 * k) * 2, len = (long long)be32(e + 8 * k + 4) * 2;
            if (off < 100) {
                rc = pl_error_set(err, PL_ERR_INPUT,
                                  "%s: record %ld: the .shx points at byte %lld, inside the 100-byte header",
                                  r->path, rec, off);
                goto out;
            }
            if (len < 4) {
                rc = pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: record length %lld is too short",
                                  r->path, rec, len);
                goto out;
            }
            if (off + 8 + len > r->shp_size) {
                rc = pl_error_set(err, PL_ERR_INPUT,
                                  "%s: record %ld: truncated .shp: the record needs bytes %lld-%lld "
                                  "but the file has %lld",
                                  r->path, rec, off, off + 8 + len, r->shp_size);
                goto out;
            }
        }
        done += want;
    }
out:
    fclose(fp);
    return rc;
}

/* ---- encoding --------------------------------------------------------- */

/* The .cpg names a code page: UTF-8 or GBK (0 when neither). */
static pl_encoding encoding_of_cpg(const char *txt, size_t len, char *norm, size_t normlen)
{
    size_t o = 0, b = pl_text_bom_len(txt, len);
    for (size_t i = b; i < len && o + 1 < normlen; i++) {
        char c = txt[i];
        if (c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\r' || c == '\n')
            continue;
        norm[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    norm[o] = '\0';
    static const char *const utf8[] = {"UTF8", "65001", "CP65001", NULL};
    static const char *const gbk[] = {"GBK", "936", "CP936", "ANSI936", "MS936", "WINDOWS936",
                                      "GB2312", "GB18030", "54936", "CP54936", "EUCCN", "20936", NULL};
    for (const char *const *p = utf8; *p; p++)
        if (strcmp(norm, *p) == 0)
            return PL_ENCODING_UTF8;
    for (const char *const *p = gbk; *p; p++)
        if (strcmp(norm, *p) == 0)
            return PL_ENCODING_GBK;
    return PL_ENCODING_AUTO;
}

/* Convert one DBF text to UTF-8 in `enc`. `may_be_cut`: the text fills its
 * field, so a writer may have cut it inside a character; such a dangling
 * partial character is dropped and *cut set. Returns a malloc'd string, or
 * NULL when the bytes are not valid in `enc` (or on ENOMEM: *oom set). */
static char *decode_text(pl_encoding enc, const char *s, size_t len, int may_be_cut, int *cut, int *oom)
{
    *cut = 0;
    size_t i = 0;
    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    if (i == len) {
        char *d = str_dup_n(s, len);
        *oom = !d;
        return d;
    }
    if (enc == PL_ENCODING_UTF8) {
        if (pl_text_is_utf8(s, len)) {
            char *d = str_dup_n(s, len);
            *oom = !d;
            return d;
        }
        if (may_be_cut) {
            size_t k = pl_text_utf8_cut(s, len);
            if (k < len && pl_text_is_utf8(s, k)) {
                char *d = str_dup_n(s, k);
                *oom = !d;
                *cut = 1;
                return d;
            }
        }
        return NULL;
    }
    errno = 0;
    char *d = pl_text_gbk_to_utf8(s, len, NULL);
    if (d)
        return d;
    if (errno == ENOMEM) {
        *oom = 1;
        return NULL;
    }
    if (may_be_cut && len > 1 && (unsigned char)s[len - 1] >= 0x81) {
        errno = 0;
        d = pl_text_gbk_to_utf8(s, len - 1, NULL);
        if (d)
            *cut = 1;
        else if (errno == ENOMEM)
            *oom = 1;
    }
    return d;
}

static const char *enc_label(pl_encoding e)
{
    return e == PL_ENCODING_GBK ? "GBK" : "UTF-8";
}

/* Decode with the reader's encoding; when it was only a guess, the other one
 * may rescue a value. NULL with *oom == 0: valid in neither. */
static char *decode_field(shp_reader *r, const char *s, size_t len, int may_be_cut, int *cut, int *oom)
{
    *oom = 0;
    char *d = decode_text(r->enc, s, len, may_be_cut, cut, oom);
    if (!d && !*oom && r->enc_fallback)
        d = decode_text(r->enc == PL_ENCODING_GBK ? PL_ENCODING_UTF8 : PL_ENCODING_GBK, s, len,
                        may_be_cut, cut, oom);
    return d;
}

/* Right-trim blanks (DBF padding); returns the new length. */
static size_t rtrim(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\0'))
        len--;
    return len;
}

static int dbf_read_error(shp_reader *r, long rec, pl_error *err)
{
    return pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: cannot read the attributes%s%s%s", r->dbf_path,
                        rec, r->io.msg[0] ? " (" : "", r->io.msg, r->io.msg[0] ? ")" : "");
}

/* 1 when valid UTF-8 text holds a Chinese character (a 3-byte form with lead
 * 0xE4..0xE9, U+4000..U+9FFF), which GBK text hardly ever makes. */
static int utf8_has_cjk(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0xe4 && (unsigned char)s[i] <= 0xe9)
            return 1;
    return 0;
}

/* AUTO: UTF-8 when every name and value is (possibly cut) UTF-8, else GBK.
 * A file with UTF-8 Chinese in one record and non-UTF-8 text in another
 * holds two encodings: refused (read as GBK, the UTF-8 would be mojibake). */
static int guess_encoding(shp_reader *r, pl_error *err)
{
    r->enc = PL_ENCODING_UTF8;
    for (int k = 0; k < r->nfields; k++) {
        char name[XBASE_FLDNAME_LEN_READ + 1];
        DBFGetFieldInfo(r->dbf, k, name, NULL, NULL);
        size_t l = rtrim(name, strlen(name));
        if (!pl_text_is_utf8(name, l) && !pl_text_is_utf8(name, pl_text_utf8_cut(name, l))) {
            r->enc = PL_ENCODING_GBK;
            return PL_OK;
        }
    }
    long utf8_cjk = 0, not_utf8 = 0;
    for (long i = 0; i < r->nrec && !(utf8_cjk && not_utf8); i++) {
        for (int k = 0; k < r->nfields; k++) {
            r->io.msg[0] = '\0';
            const char *s = DBFReadStringAttribute(r->dbf, (int)i, k);
            if (!s)
                return dbf_read_error(r, i + 1, err);
            size_t l = strlen(s);
            size_t t = rtrim(s, l);
            if (pl_text_is_utf8(s, t) || (l == (size_t)r->widths[k] && pl_text_is_utf8(s, pl_text_utf8_cut(s, t)))) {
                if (!utf8_cjk && utf8_has_cjk(s, t))
                    utf8_cjk = i + 1;
                continue;
            }
            r->enc = PL_ENCODING_GBK;
            if (!not_utf8) { /* (bytes valid in neither are refused with their field when read) */
                int cut, oom = 0;
                char *d = decode_text(PL_ENCODING_GBK, s, t, l == (size_t)r->widths[k], &cut, &oom);
                if (oom)
                    return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->dbf_path);
                if (d)
                    not_utf8 = i + 1;
                free(d);
            }
        }
    }
    if (utf8_cjk && not_utf8)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: record %ld is UTF-8 but record %ld is not: two encodings in one file, refused "
                            "(add a .cpg, or choose with --encoding gbk or --encoding utf-8)",
                            r->dbf_path, utf8_cjk, not_utf8);
    return PL_OK;
}

static int choose_encoding(shp_reader *r, const pl_read_options *opt, pl_error *err)
{
    r->enc_fallback = 0;
    if (r->cpg_path) {
        size_t len = 0;
        int big;
        char *txt = read_small_file(r->cpg_path, 256, &len, &big);
        if (txt) {
            char norm[64];
            pl_encoding e = encoding_of_cpg(txt, len, norm, sizeof norm);
            free(txt);
            if (e != PL_ENCODING_AUTO) {
                r->enc = e;
                snprintf(r->enc_why, sizeof r->enc_why, "the .cpg says %s", norm);
                return PL_OK;
            }
            pl_read_note(r->opt, "%s: code page '%s' is neither UTF-8 nor GBK; the encoding is guessed",
                         r->cpg_path, norm);
        }
    }
    int ldid = r->dbf->iLanguageDriver;
    if (ldid == 0x4d || ldid == 0x7a) {
        r->enc = PL_ENCODING_GBK;
        snprintf(r->enc_why, sizeof r->enc_why, "the .dbf language driver 0x%02X says GBK", ldid);
        return PL_OK;
    }
    pl_encoding user = opt ? opt->encoding : PL_ENCODING_AUTO;
    if (user == PL_ENCODING_UTF8 || user == PL_ENCODING_GBK) {
        r->enc = user;
        snprintf(r->enc_why, sizeof r->enc_why, "--encoding %s", user == PL_ENCODING_GBK ? "gbk" : "utf-8");
        return PL_OK;
    }
    r->enc_fallback = 1;
    int rc = guess_encoding(r, err);
    snprintf(r->enc_why, sizeof r->enc_why, "guessed %s", enc_label(r->enc));
    return rc;
}

/* ---- DBF -------------------------------------------------------------- */

static int open_dbf(shp_reader *r, pl_error *err)
{
    r->io.msg[0] = '\0';
    r->dbf = DBFOpenLL(r->dbf_path, "rb", &r->io.base);
    long long size;
    if (!is_regular_file(r->dbf_path, &size))
        return pl_error_set(err, PL_ERR_IO, "%s: cannot read", r->dbf_path);
    if (!r->dbf && size < 32)
        return pl_error_set(err, PL_ERR_INPUT, "%s: not a dBASE table: %lld bytes, shorter than the 32-byte header",
                            r->dbf_path, size);
    if (!r->dbf)
        return pl_error_set(err, PL_ERR_INPUT, "%s: not a readable dBASE table (%s)", r->dbf_path,
                            r->io.msg[0] ? r->io.msg : "damaged header or field list");
    long long hdr = r->dbf->nHeaderLength, reclen = r->dbf->nRecordLength, nrec = r->dbf->nRecords;
    if (nrec < 0 || reclen <= 0 || hdr < 32)
        return pl_error_set(err, PL_ERR_INPUT, "%s: bad dBASE header", r->dbf_path);
    if (hdr + nrec * reclen > size) {
        long long whole = size > hdr ? (size - hdr) / reclen : 0;
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: record %lld: truncated .dbf: %lld records of %lld bytes need %lld bytes, "
                            "the file has %lld",
                            r->dbf_path, whole + 1, nrec, reclen, hdr + nrec * reclen, size);
    }
    if (nrec != r->nrec)
        return pl_error_set(err, PL_ERR_INPUT, "%s: the .shp has %ld records but the .dbf has %lld",
                            r->path, r->nrec, nrec);
    r->nfields = DBFGetFieldCount(r->dbf);
    if (r->nfields < 0)
        return pl_error_set(err, PL_ERR_INPUT, "%s: bad dBASE header", r->dbf_path);
    size_t nf = (size_t)r->nfields;
    r->keys = calloc(nf ? nf : 1, sizeof *r->keys);
    r->widths = calloc(nf ? nf : 1, sizeof *r->widths);
    r->attrs = calloc(nf ? nf : 1, sizeof *r->attrs);
    r->voff = calloc(nf ? nf : 1, sizeof *r->voff);
    if (!r->keys || !r->widths || !r->attrs || !r->voff)
        return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
    for (int k = 0; k < r->nfields; k++) {
        int w = 0;
        DBFGetFieldInfo(r->dbf, k, NULL, &w, NULL);
        r->widths[k] = w;
    }
    return PL_OK;
}

static int load_field_names(shp_reader *r, pl_error *err)
{
    for (int k = 0; k < r->nfields; k++) {
        char name[XBASE_FLDNAME_LEN_READ + 1];
        DBFGetFieldInfo(r->dbf, k, name, NULL, NULL);
        size_t l = rtrim(name, strlen(name));
        int cut, oom;
        r->keys[k] = decode_field(r, name, l, l >= XBASE_FLDNAME_LEN_WRITE, &cut, &oom);
        if (oom)
            return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        if (!r->keys[k])
            return pl_error_set(err, PL_ERR_INPUT, "%s: field %d: the name is not valid %s (%s)", r->dbf_path,
                                k + 1, enc_label(r->enc), r->enc_why);
        if (cut)
            pl_read_note(r->opt,
                         "%s: field name '%s' was cut inside a character by the writer (dBASE allows 10 bytes)",
                         r->dbf_path, r->keys[k]);
        r->attrs[k].key = r->keys[k];
    }
    return PL_OK;
}

/* Decode every field of record `i` into r->vals and point r->attrs at them. */
static int read_attributes(shp_reader *r, long i, pl_error *err)
{
    size_t used = 0;
    for (int k = 0; k < r->nfields; k++) {
        r->io.msg[0] = '\0';
        int isnull = DBFIsAttributeNULL(r->dbf, (int)i, k);
        const char *s = DBFReadStringAttribute(r->dbf, (int)i, k);
        if (!s)
            return dbf_read_error(r, i + 1, err);
        size_t l = strlen(s);
        size_t start = 0;
        while (start < l && s[start] == ' ')
            start++;
        size_t t = rtrim(s, l);
        if (t < start)
            t = start;
        char *v = NULL;
        size_t vlen = 0;
        if (!isnull && t > start) {
            int cut, oom;
            v = decode_field(r, s + start, t - start, l == (size_t)r->widths[k], &cut, &oom);
            if (oom)
                return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
            if (!v)
                return pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: field '%s': the text is not valid %s (%s)",
                                    r->dbf_path, i + 1, r->keys[k], enc_label(r->enc), r->enc_why);
            if (cut && r->n_cut++ == 0)
                pl_read_note(r->opt, "%s: record %ld: field '%s' was cut inside a character by the writer",
                             r->dbf_path, i + 1, r->keys[k]);
            vlen = strlen(v);
        }
        if (used + vlen + 1 > r->vals_cap) {
            size_t cap = r->vals_cap ? r->vals_cap : 256;
            while (cap < used + vlen + 1)
                cap *= 2;
            char *n = realloc(r->vals, cap);
            if (!n) {
                free(v);
                return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
            }
            r->vals = n;
            r->vals_cap = cap;
        }
        if (vlen)
            memcpy(r->vals + used, v, vlen);
        r->vals[used + vlen] = '\0';
        free(v);
        r->voff[k] = used;
        used += vlen + 1;
    }
    for (int k = 0; k < r->nfields; k++)
        r->attrs[k].value = r->vals + r->voff[k];
    return PL_OK;
}

/* ---- geometry ------------------------------------------------------- */

static pl_ring ring_view(const shp_reader *r, size_t idx)
{
    pl_ring v;
    v.xy = r->xy + 2 * r->ri[idx].start;
    v.n = r->ri[idx].n;
    v.cap = v.n;
    return v;
}

/* 1 when ring a lies inside ring b: a's box within b's, and most of a few
 * sample points (edge midpoints, which rarely sit on b's boundary even when
 * the rings share vertices) inside b. */
static int ring_inside(const shp_reader *r, size_t a, size_t b)
{
    const ring_info *A = &r->ri[a], *B = &r->ri[b];
    if (!(A->minx >= B->minx && A->maxx <= B->maxx && A->miny >= B->miny && A->maxy <= B->maxy))
        return 0;
    pl_ring vb = ring_view(r, b);
    const double *p = r->xy + 2 * A->start;
    size_t n = A->n, samples = n < 5 ? n : 5, in = 0;
    for (size_t s = 0; s < samples; s++) {
        size_t i = s * n / samples, j = (i + 1) % n;
        double x = (p[2 * i] + p[2 * j]) / 2, y = (p[2 * i + 1] + p[2 * j + 1]) / 2;
        in += pl_ring_contains_point(&vb, x, y) ? 1 : 0;
    }
    return 2 * in > samples;
}

static int cmp_order(const void *a, const void *b)
{
    const ring_order *x = a, *y = b;
    if (x->absarea != y->absarea)
        return x->absarea > y->absarea ? -1 : 1; /* larger first */
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int grow_buffers(shp_reader *r, size_t nv, size_t np, pl_error *err)
{
    if (2 * nv > r->xy_cap) {
        double *n = realloc(r->xy, 2 * nv * sizeof *n);
        if (!n)
            return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        r->xy = n;
        r->xy_cap = 2 * nv;
    }
    if (np > r->ri_cap) {
        ring_info *ri = realloc(r->ri, np * sizeof *ri);
        if (ri)
            r->ri = ri;
        ring_order *ro = realloc(r->order, np * sizeof *ro);
        if (ro)
            r->order = ro;
        if (!ri || !ro)
            return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        r->ri_cap = np;
    }
    return PL_OK;
}

/* Turn the record's flat ring list into polygons in r->f.geom. */
static int build_polygons(shp_reader *r, const SHPObject *o, long rec, pl_error *err)
{
    size_t nv = (size_t)o->nVertices, np = (size_t)o->nParts;
    int rc = grow_buffers(r, nv, np, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < nv; i++) {
        r->xy[2 * i] = o->padfX[i];
        r->xy[2 * i + 1] = o->padfY[i];
    }
    size_t ncw = 0, nccw = 0;
    for (size_t k = 0; k < np; k++) {
        ring_info *ri = &r->ri[k];
        ri->start = (size_t)o->panPartStart[k];
        ri->n = (k + 1 < np ? (size_t)o->panPartStart[k + 1] : nv) - ri->start;
        pl_ring v = ring_view(r, k);
        ri->area = pl_ring_signed_area(&v);
        ri->minx = ri->miny = INFINITY;
        ri->maxx = ri->maxy = -INFINITY;
        for (size_t i = 0; i < ri->n; i++) {
            double x = v.xy[2 * i], y = v.xy[2 * i + 1];
            ri->minx = fmin(ri->minx, x);
            ri->maxx = fmax(ri->maxx, x);
            ri->miny = fmin(ri->miny, y);
            ri->maxy = fmax(ri->maxy, y);
        }
        ri->parent = ri->head = ri->next = -1;
        ri->depth = 0;
        ncw += ri->area < 0;
        nccw += ri->area > 0;
    }

    if (ncw > 0 || nccw == 0) {
        /* The rule: clockwise (or flat) rings are shells, counter-clockwise
         * rings holes of the smallest shell around them. */
        long orphans = 0, first_orphan = 0;
        for (size_t h = 0; h < np; h++) {
            if (!(r->ri[h].area > 0))
                continue;
            long best = -1;
            for (size_t s = 0; s < np; s++) {
                if (r->ri[s].area > 0 || !ring_inside(r, h, s))
                    continue;
                if (best < 0 || fabs(r->ri[s].area) < fabs(r->ri[best].area))
                    best = (long)s;
            }
            r->ri[h].parent = best;
            if (best < 0 && orphans++ == 0)
                first_orphan = (long)h + 1;
        }
        if (orphans > 0 && r->n_orphan++ == 0)
            pl_read_note(r->opt,
                         "%s: record %ld: counter-clockwise ring %ld lies in no clockwise ring; "
                         "read as a polygon of its own (the writer may ignore ring orientation)",
                         r->path, rec, first_orphan);
    } else {
        /* Every ring counter-clockwise: the writer ignored orientation, so
         * nesting decides: even depth is a shell, odd depth a hole. */
        for (size_t k = 0; k < np; k++) {
            double a = fabs(r->ri[k].area);
            r->order[k].absarea = isnan(a) ? 0 : a;
            r->order[k].idx = k;
        }
        qsort(r->order, np, sizeof *r->order, cmp_order);
        for (size_t p = 0; p < np; p++) {
            size_t i = r->order[p].idx;
            long container = -1;
            for (size_t q = p; q-- > 0;) {
                if (ring_inside(r, i, r->order[q].idx)) {
                    container = (long)r->order[q].idx;
                    break;
                }
            }
            r->ri[i].depth = container < 0 ? 0 : r->ri[container].depth + 1;
            r->ri[i].parent = (r->ri[i].depth % 2) ? container : -1;
        }
        if (r->n_ccw_only++ == 0)
            pl_read_note(r->opt,
                         "%s: record %ld: every ring is counter-clockwise (the writer ignored the shapefile "
                         "rule); holes were found by containment",
                         r->path, rec);
    }

    for (size_t k = np; k-- > 0;) {
        long p = r->ri[k].parent;
        if (p >= 0) {
            r->ri[k].next = r->ri[p].head;
            r->ri[p].head = (long)k;
        }
    }
    pl_geom *g = &r->f.geom;
    for (size_t k = 0; k < np; k++) {
        if (r->ri[k].parent >= 0)
            continue;
        pl_poly *poly = pl_geom_add_poly(g);
        if (!poly)
            return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        for (long j = (long)k; j >= 0; j = (j == (long)k) ? r->ri[k].head : r->ri[j].next) {
            pl_ring *ring = pl_poly_add_ring(poly);
            if (!ring)
                return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
            const double *p = r->xy + 2 * r->ri[j].start;
            for (size_t i = 0; i < r->ri[j].n; i++)
                if (pl_ring_add_point(ring, p[2 * i], p[2 * i + 1]) != 0)
                    return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", r->path);
        }
    }
    r->f.is_polygon = 1;
    r->f.kind = g->n > 1 ? "MultiPolygon" : "Polygon";
    return PL_OK;
}

/* Checks shared by the raw-record diagnosis and the decoded shape. */
static int check_counts(shp_reader *r, long rec, long long np, long long nv, long long content,
                        pl_error *err)
{
    if (nv < 0 || np < 0 || 44 + 4 * np + 16 * nv > content)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: record %ld: %lld parts and %lld vertices do not fit in a %lld-byte record",
                            r->path, rec, np, nv, content);
    if (nv > 0 && np == 0)
        return pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: %lld vertices but no part", r->path, rec, nv);
    if (np > SHP_MAX_PARTS)
        return pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: %lld parts is more than one parcel can have (%d)",
                            r->path, rec, np, SHP_MAX_PARTS);
    return PL_OK;
}

/* Part k (0-based) of np starts at vertex s; prev is the start of part k-1. */
static int check_part(shp_reader *r, long rec, long long k, long long s, long long prev, long long nv,
                      pl_error *err)
{
    if (k == 0 && s != 0)
        return pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: part 1 starts at vertex %lld instead of 0",
                            r->path, rec, s);
    if (s < 0 || s >= nv)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: record %ld: part %lld starts at vertex %lld, outside the record's %lld vertices",
                            r->path, rec, k + 1, s, nv);
    if (k > 0 && s <= prev)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: record %ld: part %lld starts at vertex %lld, not after part %lld (vertex %lld)",
                            r->path, rec, k + 1, s, k, prev);
    return PL_OK;
}

/* shapelib refused record i: read its raw bytes to say why in our words. */
static int diagnose_record(shp_reader *r, long i, pl_error *err)
{
    long rec = i + 1;
    char why[600];
    snprintf(why, sizeof why, "%s%s%s", r->io.msg[0] ? " (" : "", r->io.msg, r->io.msg[0] ? ")" : "");
    long long off = (long long)r->shp->panRecOffset[i], content = (long long)r->shp->panRecSize[i];
    FILE *fp = fopen(r->shp_path, "rb");
    unsigned char h[8 + 44];
    int rc = -1;
    if (fp && fseek(fp, (long)off, SEEK_SET) == 0 && fread(h, 1, 12, fp) == 12) {
        int type = (int)le32(h + 8);
        if (is_polygon_type(type) && content >= 44 && fread(h + 12, 1, 40, fp) == 40) {
            long long np = (int32_t)le32(h + 44), nv = (int32_t)le32(h + 48);
            rc = check_counts(r, rec, np, nv, content, err);
            long long prev = 0;
            for (long long k = 0; rc == PL_OK && k < np; k++) {
                unsigned char b[4];
                if (fread(b, 1, 4, fp) != 4) {
                    rc = -1;
                    break;
                }
                long long s = (int32_t)le32(b);
                rc = check_part(r, rec, k, s, prev, nv, err);
                prev = s;
            }
        } else if (is_polygon_type(type)) {
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: %lld bytes is too short for a polygon record",
                              r->path, rec, content);
        }
    }
    if (fp)
        fclose(fp);
    if (rc > 0)
        return rc;
    return pl_error_set(err, PL_ERR_INPUT, "%s: record %ld: unreadable shape record%s", r->path, rec, why);
}

/* Read record i (0-based) into r->f.geom after checking its structure. */
static int read_shape(shp_reader *r, long i, pl_error *err)
{
    long rec = i + 1;
    pl_geom_clear(&r->f.geom);
    r->io.msg[0] = '\0';
    SHPObject *o = SHPReadObject(r->shp, (int)i);
    if (!o)
        return diagnose_record(r, i, err);
    int rc = PL_OK;
    const char *tn = shape_type_name(o->nSHPType);
    if (o->nSHPType == SHPT_NULL) {
        r->f.is_polygon = 0;
        r->f.kind = "null";
        goto out;
    }
    if (!is_polygon_type(o->nSHPType)) {
        r->f.is_polygon = 0;
        r->f.kind = tn ? tn : "unknown";
        if (r->polygon_file && r->n_other_type++ == 0)
            pl_read_note(r->opt, "%s: record %ld: a %s record in a polygon file", r->path, rec, r->f.kind);
        goto out;
    }
    long long nv = o->nVertices, np = o->nParts;
    if ((rc = check_counts(r, rec, np, nv, (long long)r->shp->panRecSize[i], err)))
        goto out;
    if (nv == 0) {
        r->f.is_polygon = 0;
        r->f.kind = "empty";
        goto out;
    }
    for (long long k = 0; k < np; k++)
        if ((rc = check_part(r, rec, k, o->panPartStart[k], k ? o->panPartStart[k - 1] : 0, nv, err)))
            goto out;
    rc = build_polygons(r, o, rec, err);
out:
    SHPDestroyObject(o);
    return rc;
}

/* ---- .prj ------------------------------------------------------------- */

static void read_prj(shp_reader *r)
{
    if (!r->prj_path)
        return;
    size_t len = 0;
    int big;
    char *txt = read_small_file(r->prj_path, PL_PRJ_MAX_LEN, &len, &big);
    if (!txt) {
        pl_read_note(r->opt, "%s: cannot read; the CRS is unknown", r->prj_path);
        return;
    }
    size_t b = pl_text_bom_len(txt, len);
    char *w = txt + b;
    len -= b;
    while (len > 0 && (w[len - 1] == '\n' || w[len - 1] == '\r' || w[len - 1] == ' ' || w[len - 1] == '\t'))
        w[--len] = '\0';
    while (len > 0 && (*w == ' ' || *w == '\t' || *w == '\r' || *w == '\n')) {
        w++;
        len--;
    }
    if (big) {
        pl_read_note(r->opt, "%s: larger than %d bytes; the CRS is unknown", r->prj_path, PL_PRJ_MAX_LEN);
    } else {
        pl_prj_crs crs;
        r->info->srid = pl_prj_recognise(w, len, &crs);
        if (crs.note[0])
            pl_read_note(r->opt, "%s: %s", r->prj_path, crs.note);
        if (crs.found == PL_PRJ_NOT_TEXT) {
            free(txt);
            return;
        }
    }
    if (pl_text_is_utf8(w, len)) {
        pl_text_copy_utf8(r->info->crs_text, sizeof r->info->crs_text, w, len);
    } else {
        char *u = pl_text_gbk_to_utf8(w, len, NULL);
        if (u) {
            pl_text_copy_utf8(r->info->crs_text, sizeof r->info->crs_text, u, strlen(u));
            free(u);
        } else { /* neither: keep the ASCII, mark the rest */
            size_t o = 0;
            for (size_t i = 0; i < len && o + 1 < sizeof r->info->crs_text; i++)
                r->info->crs_text[o++] = ((unsigned char)w[i] < 0x80) ? w[i] : '?';
            r->info->crs_text[o] = '\0';
        }
    }
    free(txt);
}

/* ---- the whole file --------------------------------------------------- */

static void reader_release(shp_reader *r)
{
    if (r->shp)
        SHPClose(r->shp);
    if (r->dbf)
        DBFClose(r->dbf);
    free(r->shp_path);
    free(r->shx_path);
    free(r->dbf_path);
    free(r->prj_path);
    free(r->cpg_path);
    for (int k = 0; r->keys && k < r->nfields; k++)
        free(r->keys[k]);
    free(r->keys);
    free(r->widths);
    free(r->attrs);
    free(r->vals);
    free(r->voff);
    free(r->xy);
    free(r->ri);
    free(r->order);
    pl_geom_release(&r->f.geom);
}

static int read_all(shp_reader *r, const pl_read_options *opt, pl_feature_cb cb, void *ctx, pl_error *err)
{
    int rc = resolve_paths(r, err);
    if (rc)
        return rc;
    r->io.shp = r->shp_path;
    r->io.shx = r->shx_path;
    r->io.dbf = r->dbf_path;
    if ((rc = check_shp_header(r, err)) || (rc = check_shx(r, err)))
        return rc;

    r->io.msg[0] = '\0';
    r->shp = SHPOpenLL(r->shp_path, "rb", &r->io.base);
    if (!r->shp)
        return pl_error_set(err, PL_ERR_INPUT, "%s: not a readable shapefile%s%s%s", r->path,
                            r->io.msg[0] ? " (" : "", r->io.msg, r->io.msg[0] ? ")" : "");
    int nent = 0, type = 0;
    SHPGetInfo(r->shp, &nent, &type, NULL, NULL);
    if (nent != r->nrec)
        return pl_error_set(err, PL_ERR_INPUT, "%s: the .shx lists %ld records but shapelib sees %d", r->path,
                            r->nrec, nent);
    if ((rc = open_dbf(r, err)))
        return rc;

    read_prj(r);
    if ((rc = choose_encoding(r, opt, err)))
        return rc;
    snprintf(r->info->encoding, sizeof r->info->encoding, "%s", r->enc == PL_ENCODING_GBK ? "gbk" : "utf-8");
    if ((rc = load_field_names(r, err)))
        return rc;

    r->f.line = 0;
    r->f.where = r->where;
    r->f.attrs = r->attrs;
    r->f.nattrs = (size_t)r->nfields;
    r->f.declared_area_m2 = NAN;
    for (long i = 0; i < r->nrec; i++) {
        r->io.msg[0] = '\0';
        if (DBFIsRecordDeleted(r->dbf, (int)i)) {
            pl_source_skip(r->info, "deleted record");
            if (r->n_deleted++ == 0)
                pl_read_note(r->opt, "%s: record %ld: deleted in the .dbf; skipped", r->path, i + 1);
            continue;
        }
        r->f.number = i + 1;
        snprintf(r->where, sizeof r->where, "record %ld", i + 1);
        if ((rc = read_shape(r, i, err)) || (rc = read_attributes(r, i, err)))
            return rc;
        if (cb) {
            int stop = cb(&r->f, r->info, ctx);
            if (stop)
                return stop;
        }
    }
    if (r->n_deleted > 1)
        pl_read_note(r->opt, "%s: %ld records deleted in the .dbf were skipped", r->path, r->n_deleted);
    if (r->n_ccw_only > 1)
        pl_read_note(r->opt, "%s: %ld records had only counter-clockwise rings", r->path, r->n_ccw_only);
    if (r->n_orphan > 1)
        pl_read_note(r->opt, "%s: %ld records had counter-clockwise rings outside every clockwise ring",
                     r->path, r->n_orphan);
    if (r->n_other_type > 1)
        pl_read_note(r->opt, "%s: %ld records were not polygons", r->path, r->n_other_type);
    return PL_OK;
}

int pl_read_shp(const char *path, const pl_read_options *opt, pl_source_info *info, pl_feature_cb cb,
                void *ctx, pl_error *err)
{
    pl_read_args a;
    pl_read_begin(&a, opt, info, err);
    opt = a.opt;
    info = a.info;
    err = a.err;
    snprintf(info->encoding, sizeof info->encoding, "utf-8");
    if (!path)
        return pl_error_set(err, PL_ERR_USAGE, "no shapefile path given");

    shp_reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.info = info;
    r.opt = opt;
    pl_geom_init(&r.f.geom);
    SASetupDefaultHooks(&r.io.base);
    r.io.default_open = r.io.base.FOpen;
    r.io.base.FOpen = hook_fopen;
    r.io.base.Error = hook_error;

    shp_io *saved = tl_io; /* restored below, so a callback may read another shapefile */
    tl_io = &r.io;
    int rc = read_all(&r, opt, cb, ctx, err);
    reader_release(&r);
    tl_io = saved;
    return rc;
}
