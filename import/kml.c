/*
 * kml.c — streaming KML 2.2 reader (libxml2 xmlTextReader).
 *
 * The document is never built as a tree: the reader walks the node events
 * one by one and keeps only the placemark being read (its polygons, its
 * attribute texts), so memory is bounded by the largest placemark.
 *
 * Elements are matched on their local name, whatever their namespace (KML
 * 2.2, the older earth.google.com 2.x namespaces, gx: extensions, none).
 * Every <Placemark>, at any depth of Documents and Folders, is one feature:
 *   - Polygon → one polygon (outerBoundaryIs/LinearRing = ring 0, each
 *     innerBoundaryIs/LinearRing a hole); MultiGeometry (nested too) → its
 *     polygons; non-polygon members next to polygons are dropped with a note;
 *   - <MultiPolygon>, <MultiLineString>, <MultiPoint>: not KML 2.2, but
 *     written by real tools and read by Google Earth and GDAL: read as a
 *     MultiGeometry (a polygon of a MultiPolygon is a polygon of the
 *     placemark), with a note naming the first one and how many placemarks
 *     hold one;
 *   - no polygon at all → is_polygon = 0 and kind = the geometry element
 *     ("Point", "LineString", "LinearRing", "MultiGeometry", "Track", …) or
 *     "none".
 * Every <coordinates> of a placemark's geometry is checked (a bad Point is
 * as much a sign of a broken export as a bad ring); only polygon rings are
 * kept. Tuples are "lon,lat[,alt]" separated by any whitespace; blanks next
 * to a comma are tolerated ("120.1, 36.2") as Google Earth does, but every
 * number must be a plain decimal number and a tuple needs 2 or 3 of them.
 * Rings are passed on as written (never closed here).
 *
 * Attributes: "name" and "description" (direct children of the placemark,
 * CDATA included) and every ExtendedData/Data (@name → <value>) and
 * ExtendedData/SchemaData/SimpleData (@name → text), in file order, keys as
 * written. Values are trimmed of leading and trailing XML whitespace.
 *
 * Safety: XML_PARSE_NOENT, DTDLOAD and DTDATTR are never set and NONET is,
 * so no external entity or DTD is ever fetched. XML_PARSE_HUGE is set,
 * because a single ring of a million vertices is a text node larger than
 * libxml2's default 10 MB cap; HUGE also switches off libxml2's own
 * entity-amplification checks, so entities are kept out before libxml2 can
 * see them: the bytes are fed to libxml2 through kml_io_read(), which scans
 * the prolog and refuses a DOCTYPE with an internal subset (the only place a
 * KML file could declare entities — the external subset is never loaded)
 * before handing over its "[" (NUL bytes are skipped, so UTF-16/32 files get
 * the same check). A DOCTYPE without internal subset is harmless and passes.
 * The gate also refuses anything but blanks and a BOM before the first "<",
 * and a file that ends before any element. A DTD node carrying entities and
 * any entity reference (an undefined entity included) are refused as well.
 * Nothing is printed: parser errors go to a structured handler on the
 * reader, and libxml2's global generic and structured handlers (which
 * receive e.g. iconv failures) are redirected for the duration of the call,
 * except while the callback runs, and restored afterwards.
 *
 * Encoding: libxml2 decodes the declared encoding (via iconv). Declared
 * GB2312/GBK/GB18030 is read as GB18030, the superset, because exporters
 * routinely declare GB2312 for text holding GBK-only characters. With
 * --encoding auto an undeclared or UTF-8-declared file that is not strict
 * UTF-8 is read as GBK (with a note); --encoding utf-8/gbk force the
 * decoding regardless of the declaration.
 *
 * Lines: libxml2 stores element lines in 16 bits. Below line 65535 feature
 * and error lines are exact (the line where the start tag ends); beyond it
 * the parser's current line is used, which may be a few lines late.
 */
#include "reader.h"

#include "text.h"

#include <errno.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KML_PEEK 4096          /* bytes read ahead to find the XML declaration */
#define KML_SCAN_BUF 65536     /* block size of the UTF-8 pre-scan */
#define KML_TOKEN_SHOW 40      /* bytes of a bad token quoted in messages */

/* ------------------------------------------------------------------------ */
/* Input: the file, fed to libxml2 through a prolog gate                     */

enum gate_state {
    G_TOP,      /* between prolog constructs */
    G_LT,       /* after '<' */
    G_PI,       /* inside <? … */
    G_PI_Q,     /* inside <? … after '?' */
    G_BANG,     /* after "<!", matching "--" or "DOCTYPE" */
    G_COMMENT,  /* inside <!-- … */
    G_DOCTYPE,  /* inside <!DOCTYPE … before '[' or '>' */
    G_DONE      /* root element reached: pass everything */
};

typedef struct kml_io {
    FILE *f;                      /* owned; closed by kml_io_close() (libxml2 calls it) */
    unsigned char peek[KML_PEEK]; /* first bytes of the file, replayed before reading on */
    size_t npeek, peekpos;
    long raw;                     /* bytes handed out so far */
    int read_errno;               /* errno of a failed read, 0 when none */
    /* prolog gate */
    enum gate_state gs;
    long line;                    /* line of the next byte (NUL bytes skipped) */
    long mark_line;               /* line of the last '<' */
    char kw[8];                   /* "<!" keyword matched so far */
    size_t nkw;
    int dashes, quote;
    int refused;                  /* 1: DOCTYPE internal subset, 2: bytes before the root,
                                     3: end of file before the root */
    long refused_line;
    int refused_byte;
} kml_io;

static int is_xml_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Run the prolog gate over buf[0..n); returns 0 to pass the bytes, -1 to refuse. */
static int gate_scan(kml_io *io, const unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n && io->gs != G_DONE; i++) {
        int c = buf[i];
        if (c == 0)
            continue; /* UTF-16/32: the ASCII of the markup survives without its NULs */
        if (c == '\n')
            io->line++;
        switch (io->gs) {
        case G_TOP:
            if (c == '<') {
                io->gs = G_LT;
                io->mark_line = io->line;
            } else if (!is_xml_space(c) &&
                       !(io->raw + (long)i < 4 && (c == 0xef || c == 0xbb || c == 0xbf ||
                                                   c == 0xfe || c == 0xff))) {
                io->refused = 2;
                io->refused_line = io->line;
                io->refused_byte = c;
                return -1;
            }
            break;
        case G_LT:
            if (c == '?') {
                io->gs = G_PI;
            } else if (c == '!') {
                io->gs = G_BANG;
                io->nkw = 0;
            } else {
                io->gs = G_DONE; /* the root element: libxml2 judges the rest */
            }
            break;
        case G_PI:
            if (c == '?')
                io->gs = G_PI_Q;
            break;
        case G_PI_Q:
            io->gs = c == '>' ? G_TOP : c == '?' ? G_PI_Q : G_PI;
            break;
        case G_BANG:
            io->kw[io->nkw++] = (char)c;
            io->kw[io->nkw] = '\0';
            if (strcmp(io->kw, "--") == 0) {
                io->gs = G_COMMENT;
                io->dashes = 0;
            } else if (strcmp(io->kw, "DOCTYPE") == 0) {
                io->gs = G_DOCTYPE;
                io->quote = 0;
            } else if (strncmp("--", io->kw, io->nkw) != 0 &&
                       strncmp("DOCTYPE", io->kw, io->nkw) != 0) {
                io->gs = G_DONE; /* not well-formed: libxml2 reports it */
            }
            break;
        case G_COMMENT:
            if (c == '-')
                io->dashes++;
            else if (c == '>' && io->dashes >= 2)
                io->gs = G_TOP;
            else
                io->dashes = 0;
            break;
        case G_DOCTYPE:
            if (io->quote) {
                if (c == io->quote)
                    io->quote = 0;
            } else if (c == '"' || c == '\'') {
                io->quote = c;
            } else if (c == '[') {
                io->refused = 1;
                io->refused_line = io->mark_line;
                return -1;
            } else if (c == '>') {
                io->gs = G_TOP;
            }
            break;
        case G_DONE:
            break;
        }
    }
    return 0;
}

/* xmlInputReadCallback: the peeked bytes, then the rest of the file. */
static int kml_io_read(void *ctx, char *buf, int len)
{
    kml_io *io = ctx;
    if (io->refused || io->read_errno || len <= 0)
        return -1;
    size_t n;
    if (io->peekpos < io->npeek) {
        n = io->npeek - io->peekpos;
        if (n > (size_t)len)
            n = (size_t)len;
        memcpy(buf, io->peek + io->peekpos, n);
        io->peekpos += n;
    } else {
        n = fread(buf, 1, (size_t)len, io->f);
        if (n == 0 && ferror(io->f)) {
            io->read_errno = errno ? errno : EIO;
            return -1;
        }
        if (n == 0 && io->gs != G_DONE) {
            io->refused = 3; /* end of file before any element */
            io->refused_line = io->line;
            return -1;
        }
    }
    if (gate_scan(io, (const unsigned char *)buf, n) != 0)
        return -1;
    io->raw += (long)n;
    return (int)n;
}

static int kml_io_close(void *ctx)
{
    kml_io *io = ctx;
    if (io->f)
        fclose(io->f);
    io->f = NULL;
    return 0;
}

/* 1 when the file is strict UTF-8 from `from` on, 0 when not, -1 on a read error.
 * Leaves the file position undefined (the caller seeks back). */
static int file_is_utf8(FILE *f, long from, unsigned char *buf, size_t bufsz)
{
    if (fseek(f, from, SEEK_SET) != 0)
        return -1;
    size_t carry = 0;
    for (;;) {
        size_t n = fread(buf + carry, 1, bufsz - carry, f);
        if (n == 0 && ferror(f))
            return -1;
        size_t total = carry + n, cut = total;
        if (n > 0) {
            /* Keep an incomplete trailing sequence for the next block. */
            for (size_t back = 1; back <= 3 && back <= total; back++) {
                unsigned char b = buf[total - back];
                if ((b & 0xc0) == 0x80)
                    continue;
                size_t need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
                if (need > back)
                    cut = total - back;
                break;
            }
        }
        if (!pl_text_is_utf8((const char *)buf, cut))
            return 0;
        if (n == 0)
            return 1;
        memmove(buf, buf + cut, total - cut);
        carry = total - cut;
    }
}

/* For --encoding auto, once the file is known not to be UTF-8 (it is to be
 * read as GBK): line by line, is each line UTF-8 or GBK (GB18030)? libxml2
 * converts in blocks and names a line near the block's start, and it would
 * turn UTF-8 lines of a mixed file into GBK mojibake without a word. So:
 * *neither = the first line that is neither (0: none); else *utf8_cjk = the
 * first line that is strict UTF-8 holding Chinese characters (3-byte forms
 * U+4E00..U+9FFF, which GBK text hardly ever makes) and *gbk = the first line
 * that is not UTF-8. Returns -1 on a read error. */
static int scan_lines_gbk(FILE *f, unsigned char *buf, size_t bufsz, long *neither, long *utf8_cjk, long *gbk)
{
    *neither = *utf8_cjk = *gbk = 0;
    if (fseek(f, 0, SEEK_SET) != 0)
        return -1;
    long line = 1;
    int u_need = 0, u_bad = 0, u_cjk = 0, u_lead = 0; /* UTF-8 state of the line */
    unsigned u_lo = 0x80, u_hi = 0xbf;
    int g_state = 0, g_bad = 0;                       /* GB18030 state of the line */
    size_t n;
    int eof = 0;
    while (!eof) {
        n = fread(buf, 1, bufsz, f);
        if (n == 0) {
            if (ferror(f))
                return -1;
            eof = 1;
        }
        for (size_t i = 0; i <= n; i++) {
            int end = i == n;
            if (end && !eof)
                break;
            unsigned c = end ? '\n' : buf[i];
            /* UTF-8: no overlongs, no surrogates, nothing above U+10FFFF */
            if (u_need) {
                if (!end && c >= u_lo && c <= u_hi) {
                    u_lo = 0x80, u_hi = 0xbf;
                    if (--u_need == 0 && u_lead >= 0xe4 && u_lead <= 0xe9)
                        u_cjk = 1;
                    goto gbk;
                }
                u_bad = 1, u_need = 0, u_lo = 0x80, u_hi = 0xbf;
            }
            u_lead = (int)c;
            if (c >= 0xc2 && c <= 0xdf)
                u_need = 1;
            else if (c >= 0xe0 && c <= 0xef)
                u_need = 2, u_lo = c == 0xe0 ? 0xa0 : 0x80, u_hi = c == 0xed ? 0x9f : 0xbf;
            else if (c >= 0xf0 && c <= 0xf4)
                u_need = 3, u_lo = c == 0xf0 ? 0x90 : 0x80, u_hi = c == 0xf4 ? 0x8f : 0xbf;
            else if (c >= 0x80)
                u_bad = 1;
        gbk:
            /* GB18030: lead 81-FE, then trail 40-7E/80-FE, or 30-39 81-FE 30-39 */
            if (g_state == 1 && !end && ((c >= 0x40 && c <= 0x7e) || (c >= 0x80 && c <= 0xfe)))
                g_state = 0;
            else if (g_state == 1 && !end && c >= 0x30 && c <= 0x39)
                g_state = 2;
            else if (g_state == 2 && !end && c >= 0x81 && c <= 0xfe)
                g_state = 3;
            else if (g_state == 3 && !end && c >= 0x30 && c <= 0x39)
                g_state = 0;
            else {
                if (g_state)
                    g_bad = 1, g_state = 0;
                if (c >= 0x81 && c <= 0xfe)
                    g_state = 1;
                else if (c >= 0x80)
                    g_bad = 1;
            }
            if (c == '\n' && !u_need && !g_state) {
                if (u_bad && g_bad) {
                    *neither = line;
                    return 0;
                }
                if (!u_bad && u_cjk && !*utf8_cjk)
                    *utf8_cjk = line;
                if (u_bad && !*gbk)
                    *gbk = line;
                line++;
                u_bad = u_cjk = g_bad = 0;
            }
        }
    }
    return 0;
}

/* The encoding="…" of an XML declaration at the start of buf (after a UTF-8
 * BOM), copied lowercased into out; "" when there is none. */
static void declared_encoding(const unsigned char *buf, size_t n, char *out, size_t outsz)
{
    out[0] = '\0';
    size_t i = pl_text_bom_len((const char *)buf, n);
    if (n - i < 6 || memcmp(buf + i, "<?xml", 5) != 0 || !is_xml_space(buf[i + 5]))
        return;
    size_t end = i + 5;
    while (end + 1 < n && !(buf[end] == '?' && buf[end + 1] == '>'))
        end++;
    for (size_t k = i + 5; k + 8 <= end; k++) {
        if (memcmp(buf + k, "encoding", 8) != 0 || !is_xml_space(buf[k - 1]))
            continue;
        k += 8;
        while (k < end && is_xml_space(buf[k]))
            k++;
        if (k >= end || buf[k] != '=')
            return;
        k++;
        while (k < end && is_xml_space(buf[k]))
            k++;
        if (k >= end || (buf[k] != '"' && buf[k] != '\''))
            return;
        int q = buf[k++];
        size_t o = 0;
        while (k < end && buf[k] != q && o + 1 < outsz) {
            int c = buf[k++];
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        out[o] = '\0';
        return;
    }
}

/* info->encoding = name, cut to fit. */
static void set_encoding(pl_source_info *info, const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof info->encoding)
        n = sizeof info->encoding - 1;
    memcpy(info->encoding, name, n);
    info->encoding[n] = '\0';
}

static int is_gb_family(const char *enc)
{
    static const char *const names[] = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk",
                                        "gb_2312-80", "euc-cn", "ms936", "windows-936"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(enc, names[i]) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Reader state                                                              */

/* What an open element means inside a placemark. */
enum role {
    R_IGNORE,       /* of no interest, nor is anything below it */
    R_PLACEMARK,
    R_NAME,         /* text collected into an attribute … */
    R_DESC,
    R_VALUE,
    R_SIMPLEDATA,
    R_TEXT,         /* … an element nested inside one of those: its text counts too */
    R_EXTDATA,
    R_DATA,
    R_SCHEMADATA,
    R_MULTI,        /* MultiGeometry */
    R_POLYGON,
    R_OUTER,        /* outerBoundaryIs */
    R_INNER,        /* innerBoundaryIs */
    R_RING,         /* LinearRing of a polygon: its coordinates are kept */
    R_COORDS_KEEP,
    R_GEOM_OTHER,   /* Point, LineString, lone LinearRing, Track, Model … */
    R_COORDS_CHECK  /* coordinates only checked */
};

typedef struct attr_ref {
    size_t key, val;    /* offsets into the arena of NUL-terminated strings */
} attr_ref;

typedef struct kml_reader {
    const char *path;       /* borrowed */
    const pl_read_options *opt; /* borrowed; its note sink takes the notes */
    pl_error *err;          /* caller-owned */
    pl_source_info *info;   /* caller-owned */
    pl_feature_cb cb;
    void *ctx;
    xmlTextReaderPtr xr;    /* owned by pl_read_kml() */
    int failed;             /* err holds the first error raised by a handler */

    /* libxml2 diagnostics (first error only) */
    int xml_err;
    int xml_code;           /* its libxml2 code */
    long xml_err_line;
    char xml_msg[512];
    int ns_noted;
    /* libxml2's global channels as found on entry, restored on return and
     * around each callback (which may use libxml2 itself) */
    xmlGenericErrorFunc old_generic;
    void *old_generic_ctx;
    xmlStructuredErrorFunc old_structured;
    void *old_structured_ctx;

    int root_seen, root_closed;
    long count;             /* placemarks read */

    /* current placemark */
    int in_pm;
    long pm_line;
    char where[64];
    unsigned char *roles;   /* owned; open elements inside the placemark */
    size_t nroles, croles;
    const char *top_kind;   /* first geometry directly under the placemark */
    int ntop;               /* geometries directly under the placemark */
    long nonpoly;           /* non-polygon geometries met */
    int pm_nonstd;          /* the placemark holds a <MultiPolygon> or the like */
    long n_nonstd;          /* placemarks that held one */
    const char *nonstd_kind; /* the first such element's name */
    size_t cur_ring;        /* ring index in the last polygon for R_RING */
    int has_outer;          /* the last polygon got its outer boundary */
    pl_feature f;           /* f.geom owned; f.attrs points into attrs */

    /* attributes: an arena of strings, reset at each placemark */
    char *arena;            /* owned */
    size_t alen, acap;
    attr_ref *refs;         /* owned */
    size_t nrefs, crefs;
    pl_attr *attrs;         /* owned; built from refs before each callback */
    size_t cattrs;
    int collecting;         /* an attribute value is open at the arena's end */
    size_t data_key;        /* arena offset of the current <Data name=…> */
    int data_key_set;

    /* coordinates tokenizer */
    long coord_line;        /* line of the <coordinates> tag, 0 when unknown */
    long coord_nl;          /* newlines seen since */
    double tv[3];           /* numbers of the open tuple */
    int tn;                 /* how many */
    int after_comma;
    char tfirst[KML_TOKEN_SHOW + 1]; /* first token of the open tuple, for messages */
    long tline;             /* its line */
} kml_reader;

static int kr_fail(kml_reader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int kr_fail(kml_reader *r, int code, const char *fmt, ...)
{
    if (r->failed)
        return r->err->code;
    char msg[PL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return pl_error_set(r->err, code, "%s: %s", r->path, msg);
}

static int kr_nomem(kml_reader *r)
{
    return kr_fail(r, PL_ERR_NOMEM, "out of memory");
}

/* Copy at most max bytes of s (not cutting a UTF-8 character) into out[max+1]. */
static void copy_clip(char *out, size_t max, const char *s, size_t len)
{
    size_t n = len < max ? len : max;
    if (n < len)
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    memcpy(out, s, n);
    out[n] = '\0';
}

static void kr_note(kml_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kr_note(kml_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pl_read_vnote(r->opt, fmt, ap);
    va_end(ap);
}

/* libxml2 errors and warnings, from the reader and from the global channel. */
static void kr_structured(void *ctx, xmlErrorPtr e)
{
    kml_reader *r = ctx;
    if (!e || e->level == XML_ERR_NONE || e->level == XML_ERR_WARNING)
        return;
    const char *msg = e->message ? e->message : "XML error";
    char clean[400];
    copy_clip(clean, sizeof clean - 1, msg, strlen(msg));
    for (char *p = clean; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    size_t n = strlen(clean);
    while (n > 0 && clean[n - 1] == ' ')
        clean[--n] = '\0';
    if (n > 0 && clean[0] >= 'A' && clean[0] <= 'Z' && !(clean[1] >= 'A' && clean[1] <= 'Z'))
        clean[0] = (char)(clean[0] - 'A' + 'a');
    long line = e->line > 0 ? e->line : (r->xr ? xmlTextReaderGetParserLineNumber(r->xr) : 0);
    if (e->domain == XML_FROM_NAMESPACE && e->level == XML_ERR_ERROR) {
        /* An undeclared gx: prefix is common in the wild and harmless here. */
        if (!r->ns_noted) {
            r->ns_noted = 1;
            kr_note(r, "%s: line %ld: %s (ignored)", r->path, line, clean);
        }
        return;
    }
    if (r->xml_err)
        return;
    r->xml_err = 1;
    r->xml_code = e->code;
    r->xml_err_line = line;
    if (e->code == XML_ERR_UNDECLARED_ENTITY || e->code == XML_WAR_UNDECLARED_ENTITY)
        snprintf(r->xml_msg, sizeof r->xml_msg, "DTD/entity declarations are not accepted (%s)", clean);
    else
        snprintf(r->xml_msg, sizeof r->xml_msg, "%s", clean);
}

/* libxml2's printf-style generic channel (e.g. "xmlParseChunk: encoder error"). */
static void kr_generic(void *ctx, const char *fmt, ...)
{
    kml_reader *r = ctx;
    if (r->xml_err)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    xmlError e;
    memset(&e, 0, sizeof e);
    e.level = XML_ERR_ERROR;
    e.message = buf;
    kr_structured(r, &e);
}

/* Route libxml2's global channels to r (on) or back to what they were (off). */
static void kr_quiet(kml_reader *r, int on)
{
    if (on) {
        xmlSetGenericErrorFunc(r, kr_generic);
        xmlSetStructuredErrorFunc(r, kr_structured);
    } else {
        xmlSetGenericErrorFunc(r->old_generic_ctx, r->old_generic);
        xmlSetStructuredErrorFunc(r->old_structured_ctx, r->old_structured);
    }
}

/* ------------------------------------------------------------------------ */
/* Attributes                                                                */

static int arena_put(kml_reader *r, const char *s, size_t n)
{
    if (r->alen + n + 1 > r->acap) {
        size_t cap = r->acap ? r->acap : 256;
        while (cap < r->alen + n + 1) {
            if (cap > SIZE_MAX / 2)
                return kr_nomem(r);
            cap *= 2;
        }
        char *p = realloc(r->arena, cap);
        if (!p)
            return kr_nomem(r);
        r->arena = p;
        r->acap = cap;
    }
    memcpy(r->arena + r->alen, s, n);
    r->alen += n;
    r->arena[r->alen] = '\0';
    return PL_OK;
}

/* Store a key (NUL included); *off gets its offset. */
static int arena_key(kml_reader *r, const char *key, size_t *off)
{
    *off = r->alen;
    if (arena_put(r, key, strlen(key)) != PL_OK)
        return r->err->code;
    r->alen++; /* keep the NUL written by arena_put */
    return PL_OK;
}

/* Open an attribute whose value is the text that follows. */
static int attr_open(kml_reader *r, size_t key)
{
    if (r->nrefs == r->crefs) {
        size_t cap = r->crefs ? r->crefs * 2 : 16;
        attr_ref *p = realloc(r->refs, cap * sizeof *p);
        if (!p)
            return kr_nomem(r);
        r->refs = p;
        r->crefs = cap;
    }
    r->refs[r->nrefs].key = key;
    r->refs[r->nrefs].val = r->alen;
    r->nrefs++;
    r->collecting = 1;
    if (arena_put(r, "", 0) != PL_OK)
        return r->err->code;
    return PL_OK;
}

/* Close the open attribute: trim its value and end it with a NUL. */
static int attr_close(kml_reader *r)
{
    if (!r->collecting)
        return PL_OK;
    r->collecting = 0;
    attr_ref *a = &r->refs[r->nrefs - 1];
    while (r->alen > a->val && is_xml_space((unsigned char)r->arena[r->alen - 1]))
        r->alen--;
    while (a->val < r->alen && is_xml_space((unsigned char)r->arena[a->val]))
        a->val++;
    if (arena_put(r, "", 0) != PL_OK)
        return r->err->code;
    r->alen++;
    return PL_OK;
}

/* The value of the attribute `name` of the current element, or NULL; caller xmlFree()s. */
static char *xml_attr(kml_reader *r, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(r->xr, (const xmlChar *)name);
}

/* ------------------------------------------------------------------------ */
/* Coordinates                                                               */

/* 1 when s[0..n) is a plain decimal number: [+-]digits[.digits][e[+-]digits]. */
static int is_decimal(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, ed++;
        if (ed == 0)
            return 0;
    }
    return i == n;
}

static long tok_line(const kml_reader *r)
{
    return r->coord_line ? r->coord_line + r->coord_nl : 0;
}

/* " (line N)" for a coordinate, empty when the line is unknown. */
static void line_suffix(char *buf, size_t n, long line)
{
    if (line > 0)
        snprintf(buf, n, " (line %ld)", line);
    else
        buf[0] = '\0';
}

/* End the open tuple: keep it (in ring, when non-NULL) or complain. */
static int tuple_flush(kml_reader *r, pl_ring *ring)
{
    if (r->tn == 0)
        return PL_OK;
    int n = r->tn;
    r->tn = 0;
    r->after_comma = 0;
    if (n < 2) {
        char ls[40];
        line_suffix(ls, sizeof ls, r->tline);
        return kr_fail(r, PL_ERR_INPUT, "%s: coordinate tuple '%s' has only one number%s", r->where,
                       r->tfirst, ls);
    }
    if (ring && pl_ring_add_point(ring, r->tv[0], r->tv[1]) != 0)
        return kr_nomem(r);
    return PL_OK;
}

static pl_ring *keep_ring(kml_reader *r)
{
    pl_poly *p = &r->f.geom.polys[r->f.geom.n - 1];
    return &p->rings[r->cur_ring];
}

/* Tokenize one text node of a <coordinates> element. */
static int coords_text(kml_reader *r, const char *s, int keep)
{
    pl_ring *ring = keep ? keep_ring(r) : NULL;
    const char *p = s;
    for (;;) {
        while (is_xml_space((unsigned char)*p)) {
            if (*p == '\n')
                r->coord_nl++;
            p++;
        }
        if (*p == '\0')
            return PL_OK;
        if (*p == ',') {
            if (r->tn == 0 || r->after_comma) {
                char ls[40];
                line_suffix(ls, sizeof ls, tok_line(r));
                return kr_fail(r, PL_ERR_INPUT, "%s: misplaced comma in coordinates%s", r->where, ls);
            }
            r->after_comma = 1;
            p++;
            continue;
        }
        const char *t = p;
        while (*p && *p != ',' && !is_xml_space((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - t);
        if (r->tn > 0 && !r->after_comma && tuple_flush(r, ring) != PL_OK)
            return r->err->code;
        char shown[KML_TOKEN_SHOW + 1];
        if (!is_decimal(t, len)) {
            char ls[40];
            copy_clip(shown, KML_TOKEN_SHOW, t, len);
            line_suffix(ls, sizeof ls, tok_line(r));
            return kr_fail(r, PL_ERR_INPUT, "%s: non-numeric coordinate '%s'%s", r->where, shown,
                           ls);
        }
        char *end;
        double v = strtod(t, &end);
        if (end != p) {
            copy_clip(shown, KML_TOKEN_SHOW, t, len);
            return kr_fail(r, PL_ERR_INPUT, "%s: cannot convert coordinate '%s'", r->where, shown);
        }
        if (r->tn == 3) {
            char ls[40];
            line_suffix(ls, sizeof ls, r->tline);
            return kr_fail(r, PL_ERR_INPUT,
                           "%s: coordinate tuple starting '%s' has more than 3 numbers%s",
                           r->where, r->tfirst, ls);
        }
        if (r->tn == 0) {
            copy_clip(r->tfirst, KML_TOKEN_SHOW, t, len);
            r->tline = tok_line(r);
        }
        r->tv[r->tn++] = v;
        r->after_comma = 0;
    }
}

/* ------------------------------------------------------------------------ */
/* Placemarks                                                                */

/* The local name, also when an undeclared prefix left it as "gx:Track". */
static const char *local_name(kml_reader *r)
{
    const char *n = (const char *)xmlTextReaderConstLocalName(r->xr);
    if (!n)
        return "";
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

/* Line of the current element's start tag. */
static long node_line(kml_reader *r)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(r->xr);
    if (n && n->line > 0 && n->line < 65535)
        return n->line;
    return xmlTextReaderGetParserLineNumber(r->xr);
}

static const char *geometry_kind(const char *ln)
{
    static const char *const names[] = {"Polygon", "MultiGeometry", "Point", "LineString",
                                        "LinearRing", "Track", "MultiTrack", "Model",
                                        "MultiPolygon", "MultiLineString", "MultiPoint"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(ln, names[i]) == 0)
            return names[i];
    return NULL;
}

static int role_push(kml_reader *r, enum role role)
{
    if (r->nroles == r->croles) {
        size_t cap = r->croles ? r->croles * 2 : 32;
        unsigned char *p = realloc(r->roles, cap);
        if (!p)
            return kr_nomem(r);
        r->roles = p;
        r->croles = cap;
    }
    r->roles[r->nroles++] = (unsigned char)role;
    return PL_OK;
}

static void placemark_begin(kml_reader *r)
{
    r->in_pm = 1;
    r->count++;
    r->pm_line = node_line(r);
    snprintf(r->where, sizeof r->where, "placemark %ld (line %ld)", r->count, r->pm_line);
    r->nroles = 0;
    r->top_kind = NULL;
    r->ntop = 0;
    r->nonpoly = 0;
    r->pm_nonstd = 0;
    r->has_outer = 0;
    r->cur_ring = 0;
    pl_geom_clear(&r->f.geom);
    r->alen = 0;
    r->nrefs = 0;
    r->collecting = 0;
    r->data_key_set = 0;
}

/* A geometry element under the placemark (top) or under a MultiGeometry. */
static enum role geometry_begin(kml_reader *r, const char *kind, int top)
{
    if (top) {
        if (!r->top_kind)
            r->top_kind = kind;
        r->ntop++;
    }
    if (strcmp(kind, "MultiGeometry") == 0)
        return R_MULTI;
    if (!strcmp(kind, "MultiPolygon") || !strcmp(kind, "MultiLineString") || !strcmp(kind, "MultiPoint")) {
        /* not KML 2.2 (GDAL and Google Earth read it as a MultiGeometry) */
        if (!r->nonstd_kind) {
            r->nonstd_kind = kind;
            kr_note(r, "%s: <%s> (line %ld) is not KML 2.2; read as a <MultiGeometry> of what it holds",
                    r->where, kind, node_line(r));
        }
        r->pm_nonstd = 1;
        return R_MULTI;
    }
    if (strcmp(kind, "Polygon") == 0) {
        pl_poly *p = pl_geom_add_poly(&r->f.geom);
        if (!p || !pl_poly_add_ring(p)) {
            kr_nomem(r);
            return R_IGNORE;
        }
        r->has_outer = 0;
        return R_POLYGON;
    }
    r->nonpoly++;
    return R_GEOM_OTHER;
}

/* Decide the role of an element opening inside the placemark. */
static int element_begin(kml_reader *r)
{
    const char *ln = local_name(r);
    enum role parent = (enum role)r->roles[r->nroles - 1];
    enum role role = R_IGNORE;
    const char *kind;
    switch (parent) {
    case R_PLACEMARK:
        if (strcmp(ln, "name") == 0 || strcmp(ln, "description") == 0) {
            size_t key;
            if (arena_key(r, ln, &key) != PL_OK || attr_open(r, key) != PL_OK)
                return r->err->code;
            role = ln[0] == 'n' ? R_NAME : R_DESC;
        } else if (strcmp(ln, "ExtendedData") == 0) {
            role = R_EXTDATA;
        } else if ((kind = geometry_kind(ln)) != NULL) {
            role = geometry_begin(r, kind, 1);
        }
        break;
    case R_MULTI:
        if ((kind = geometry_kind(ln)) != NULL)
            role = geometry_begin(r, kind, 0);
        break;
    case R_EXTDATA:
        if (strcmp(ln, "Data") == 0 || strcmp(ln, "SchemaData") == 0) {
            role = ln[0] == 'D' ? R_DATA : R_SCHEMADATA;
            r->data_key_set = 0;
            if (role == R_DATA) {
                char *name = xml_attr(r, "name");
                if (name) {
                    int rc = arena_key(r, name, &r->data_key);
                    xmlFree(name);
                    if (rc != PL_OK)
                        return rc;
                    r->data_key_set = 1;
                }
            }
        }
        break;
    case R_DATA:
        if (strcmp(ln, "value") == 0 && r->data_key_set) {
            if (attr_open(r, r->data_key) != PL_OK)
                return r->err->code;
            role = R_VALUE;
        }
        break;
    case R_SCHEMADATA:
        if (strcmp(ln, "SimpleData") == 0) {
            char *name = xml_attr(r, "name");
            if (name) {
                size_t key;
                int rc = arena_key(r, name, &key);
                xmlFree(name);
                if (rc != PL_OK || attr_open(r, key) != PL_OK)
                    return r->err->code;
                role = R_SIMPLEDATA;
            }
        }
        break;
    case R_NAME:
    case R_DESC:
    case R_VALUE:
    case R_SIMPLEDATA:
    case R_TEXT:
        role = R_TEXT;
        break;
    case R_POLYGON:
        if (strcmp(ln, "outerBoundaryIs") == 0)
            role = R_OUTER;
        else if (strcmp(ln, "innerBoundaryIs") == 0)
            role = R_INNER;
        break;
    case R_OUTER:
    case R_INNER:
        if (strcmp(ln, "LinearRing") == 0) {
            pl_poly *p = &r->f.geom.polys[r->f.geom.n - 1];
            if (parent == R_OUTER) {
                if (r->has_outer)
                    return kr_fail(r, PL_ERR_INPUT,
                                   "%s: polygon %zu has more than one outer boundary (line %ld)",
                                   r->where, r->f.geom.n, node_line(r));
                r->has_outer = 1;
                r->cur_ring = 0;
            } else {
                if (!pl_poly_add_ring(p))
                    return kr_nomem(r);
                r->cur_ring = p->n - 1;
            }
            role = R_RING;
        }
        break;
    case R_RING:
    case R_GEOM_OTHER:
        if (strcmp(ln, "coordinates") == 0) {
            role = parent == R_RING ? R_COORDS_KEEP : R_COORDS_CHECK;
            xmlNodePtr n = xmlTextReaderCurrentNode(r->xr);
            r->coord_line = (n && n->line > 0 && n->line < 65535) ? n->line : 0;
            r->coord_nl = 0;
            r->tn = 0;
            r->after_comma = 0;
        }
        break;
    default:
        break;
    }
    if (r->failed)
        return r->err->code;
    return role_push(r, role);
}

/* Hand the finished placemark to the callback. Returns the callback's value. */
static int placemark_emit(kml_reader *r)
{
    if (r->cattrs < r->nrefs) {
        pl_attr *p = realloc(r->attrs, r->nrefs * sizeof *p);
        if (!p)
            return kr_nomem(r);
        r->attrs = p;
        r->cattrs = r->nrefs;
    }
    const char *name = NULL;
    for (size_t i = 0; i < r->nrefs; i++) {
        r->attrs[i].key = r->arena + r->refs[i].key;
        r->attrs[i].value = r->arena + r->refs[i].val;
        if (!name && strcmp(r->attrs[i].key, "name") == 0)
            name = r->attrs[i].value;
    }
    pl_feature *f = &r->f;
    f->number = r->count;
    f->line = r->pm_line;
    f->where = r->where;
    f->is_polygon = f->geom.n > 0;
    if (f->is_polygon)
        f->kind = (r->ntop == 1 && strcmp(r->top_kind, "Polygon") == 0) ? "Polygon" : "MultiPolygon";
    else
        f->kind = r->top_kind ? r->top_kind : "none";
    f->attrs = r->attrs;
    f->nattrs = r->nrefs;
    f->declared_area_m2 = NAN;
    if (f->is_polygon && r->nonpoly > 0) {
        char shown[64] = "";
        if (name && *name) {
            char clip[49];
            copy_clip(clip, 48, name, strlen(name));
            snprintf(shown, sizeof shown, " '%s'", clip);
        }
        kr_note(r, "%s%s: %ld non-polygon member%s ignored", r->where, shown, r->nonpoly,
                r->nonpoly == 1 ? "" : "s");
    }
    r->n_nonstd += r->pm_nonstd;
    r->in_pm = 0;
    if (!r->cb)
        return 0;
    kr_quiet(r, 0);
    int stop = r->cb(f, r->info, r->ctx);
    kr_quiet(r, 1);
    return stop;
}

/* An element closes (or was empty). Returns non-zero to stop. */
static int element_end(kml_reader *r)
{
    enum role role = (enum role)r->roles[--r->nroles];
    switch (role) {
    case R_NAME:
    case R_DESC:
    case R_VALUE:
    case R_SIMPLEDATA:
        return attr_close(r);
    case R_COORDS_KEEP:
        return tuple_flush(r, keep_ring(r));
    case R_COORDS_CHECK:
        return tuple_flush(r, NULL);
    case R_PLACEMARK:
        return placemark_emit(r);
    default:
        return PL_OK;
    }
}

/* One reader event. Returns 0 to go on, non-zero to stop (error or callback). */
static int kr_node(kml_reader *r)
{
    int type = xmlTextReaderNodeType(r->xr);
    switch (type) {
    case XML_READER_TYPE_ELEMENT: {
        int empty = xmlTextReaderIsEmptyElement(r->xr) == 1;
        if (empty && xmlTextReaderDepth(r->xr) == 0)
            r->root_closed = 1;
        if (!r->root_seen) {
            r->root_seen = 1;
            const char *ln = local_name(r);
            if (strcmp(ln, "kml") != 0)
                return kr_fail(r, PL_ERR_INPUT, "line %ld: not a KML document (the root element is <%s>)",
                               node_line(r), (const char *)xmlTextReaderConstName(r->xr));
        }
        int rc;
        if (!r->in_pm) {
            if (strcmp(local_name(r), "Placemark") != 0)
                return 0;
            placemark_begin(r);
            rc = role_push(r, R_PLACEMARK);
        } else {
            rc = element_begin(r);
        }
        if (rc != 0)
            return rc;
        return empty ? element_end(r) : 0;
    }
    case XML_READER_TYPE_END_ELEMENT:
        if (xmlTextReaderDepth(r->xr) == 0)
            r->root_closed = 1;
        return r->in_pm ? element_end(r) : 0;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
        if (!r->in_pm || r->nroles == 0)
            return 0;
        enum role top = (enum role)r->roles[r->nroles - 1];
        const char *v = (const char *)xmlTextReaderConstValue(r->xr);
        if (!v)
            return 0;
        if (top == R_COORDS_KEEP || top == R_COORDS_CHECK)
            return coords_text(r, v, top == R_COORDS_KEEP);
        if (r->collecting && (top == R_NAME || top == R_DESC || top == R_VALUE ||
                              top == R_SIMPLEDATA || top == R_TEXT))
            return arena_put(r, v, strlen(v));
        return 0;
    }
    case XML_READER_TYPE_ENTITY_REFERENCE:
        return kr_fail(r, PL_ERR_INPUT,
                       "line %ld: DTD/entity declarations are not accepted (entity reference &%s;)",
                       (long)xmlTextReaderGetParserLineNumber(r->xr),
                       (const char *)xmlTextReaderConstName(r->xr));
    case XML_READER_TYPE_DOCUMENT_TYPE: {
        xmlNodePtr n = xmlTextReaderCurrentNode(r->xr);
        if (n && n->type == XML_DTD_NODE) {
            xmlDtdPtr dtd = (xmlDtdPtr)n;
            if (dtd->entities || dtd->pentities)
                return kr_fail(r, PL_ERR_INPUT, "line %ld: DTD/entity declarations are not accepted",
                               node_line(r));
        }
        return 0;
    }
    default:
        return 0;
    }
}

/* The result of a read that ended with xmlTextReaderRead() == x (1 when
 * kr_node() stopped it with `stop`). */
static int finish(kml_reader *r, const kml_io *io, int x, int stop, const char *force)
{
    pl_error *err = r->err;
    const char *path = r->path;
    if (r->failed)
        return err->code;
    if (stop)
        return stop; /* the callback asked to stop */
    if (io->refused == 1)
        return pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: DTD/entity declarations are not accepted",
                            path, io->refused_line);
    if (io->refused == 2)
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: line %ld: not an XML document (byte 0x%02x before the root element)",
                            path, io->refused_line, io->refused_byte);
    if (io->refused == 3)
        return pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: the file ends before any XML element",
                            path, io->refused_line);
    if (io->read_errno)
        return pl_error_set(err, PL_ERR_IO, "%s: read error: %s", path, strerror(io->read_errno));
    if (r->xml_err && r->xml_code == XML_ERR_DOCUMENT_END && r->root_seen && !r->root_closed)
        /* libxml2's reader says "extra content" when the file stops inside the root */
        return pl_error_set(err, PL_ERR_INPUT,
                            "%s: line %ld: unexpected end of file: %s is not closed (truncated file?)",
                            path, r->xml_err_line, r->in_pm ? r->where : "the document");
    if (r->xml_err) {
        int gbk = force && strcmp(force, "GB18030") == 0 && strstr(r->xml_msg, "conversion");
        return pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: %s%s", path, r->xml_err_line,
                            r->xml_msg, gbk ? " (read as GBK)" : "");
    }
    if (!r->xr)
        return pl_error_set(err, PL_ERR_INPUT, "%s: cannot start the XML parser", path);
    if (x < 0)
        return pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: malformed XML", path,
                            (long)xmlTextReaderGetParserLineNumber(r->xr));
    if (!r->root_seen)
        return pl_error_set(err, PL_ERR_INPUT, "%s: no XML element found", path);
    if (r->in_pm)
        return pl_error_set(err, PL_ERR_INPUT, "%s: %s: the placemark is not closed", path, r->where);
    if (r->n_nonstd > 1)
        kr_note(r, "%ld placemarks hold <%s> or another multi-geometry element that is not KML 2.2",
                r->n_nonstd, r->nonstd_kind);
    return PL_OK;
}

/* ------------------------------------------------------------------------ */

int pl_read_kml(const char *path, const pl_read_options *opt, pl_source_info *info,
                pl_feature_cb cb, void *ctx, pl_error *err)
{
    pl_read_args a;
    pl_read_begin(&a, opt, info, err);
    opt = a.opt;
    info = a.info;
    err = a.err;
    info->srid = opt->srid != 0 ? opt->srid : 4326;
    snprintf(info->crs_text, sizeof info->crs_text, "%s", "WGS 84 longitude/latitude (KML)");

    kml_io *io = calloc(1, sizeof *io);
    kml_reader *r = calloc(1, sizeof *r);
    if (!io || !r) {
        free(io);
        free(r);
        return pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
    }
    r->path = path;
    r->opt = opt;
    r->err = err;
    r->info = info;
    r->cb = cb;
    r->ctx = ctx;
    pl_geom_init(&r->f.geom);
    io->line = 1;
    int rc = PL_OK;
    unsigned char *scan = NULL;

    if (!(io->f = pl_read_open(path, err))) {
        rc = err->code;
        goto done;
    }
    io->npeek = fread(io->peek, 1, sizeof io->peek, io->f);
    if (io->npeek == 0) {
        if (ferror(io->f))
            rc = pl_error_set(err, PL_ERR_IO, "%s: read error: %s", path, strerror(errno));
        else
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: the file is empty", path);
        goto done;
    }

    /* Encoding: which one libxml2 must use, and what to report. */
    char declared[32];
    declared_encoding(io->peek, io->npeek, declared, sizeof declared);
    size_t bom = pl_text_bom_len((const char *)io->peek, io->npeek);
    int wide = io->npeek >= 2 && (io->peek[0] == 0 || io->peek[1] == 0 ||
                                  (io->peek[0] == 0xfe && io->peek[1] == 0xff) ||
                                  (io->peek[0] == 0xff && io->peek[1] == 0xfe));
    const char *force = NULL;
    pl_encoding enc = opt->encoding;
    if (enc == PL_ENCODING_GBK) {
        force = "GB18030";
        snprintf(info->encoding, sizeof info->encoding, "gbk");
    } else if (enc == PL_ENCODING_UTF8) {
        force = "UTF-8";
        snprintf(info->encoding, sizeof info->encoding, "%s", bom ? "utf-8-bom" : "utf-8");
    } else if (is_gb_family(declared)) {
        force = "GB18030";
        set_encoding(info, declared);
    } else if (!wide && !bom && (declared[0] == '\0' || strcmp(declared, "utf-8") == 0 ||
                                 strcmp(declared, "utf8") == 0)) {
        scan = malloc(KML_SCAN_BUF);
        if (!scan) {
            rc = pl_error_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
            goto done;
        }
        int u = file_is_utf8(io->f, 0, scan, KML_SCAN_BUF);
        long neither = 0, utf8_cjk = 0, gbk = 0;
        size_t lt = 0; /* (not markup at all: the prolog gate says so better) */
        while (lt < io->npeek && is_xml_space(io->peek[lt]))
            lt++;
        if (u == 0 && lt < io->npeek && io->peek[lt] == '<' &&
            scan_lines_gbk(io->f, scan, KML_SCAN_BUF, &neither, &utf8_cjk, &gbk) != 0)
            u = -1;
        if (u < 0 || fseek(io->f, (long)io->npeek, SEEK_SET) != 0) {
            rc = pl_error_set(err, PL_ERR_IO, "%s: read error: %s", path, strerror(errno));
            goto done;
        }
        free(scan);
        scan = NULL;
        if (neither) {
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: line %ld: bytes that are neither UTF-8 nor GBK", path, neither);
            goto done;
        }
        if (utf8_cjk && gbk) {
            rc = pl_error_set(err, PL_ERR_INPUT,
                              "%s: line %ld is UTF-8 but line %ld is not: two encodings in one file, refused "
                              "(save it as UTF-8, or choose with --encoding gbk or --encoding utf-8)",
                              path, utf8_cjk, gbk);
            goto done;
        }
        if (u) {
            snprintf(info->encoding, sizeof info->encoding, "utf-8");
        } else {
            force = "GB18030";
            snprintf(info->encoding, sizeof info->encoding, "gbk");
            kr_note(r, "%s: not valid UTF-8%s: read as GBK", path,
                    declared[0] ? " although it declares UTF-8" : "");
        }
    } else {
        int ucs4 = io->npeek >= 4 && ((io->peek[0] == 0 && io->peek[1] == 0) ||
                                      (io->peek[2] == 0 && io->peek[3] == 0));
        set_encoding(info, declared[0] ? declared
                           : bom       ? "utf-8-bom"
                           : ucs4      ? "utf-32"
                           : wide      ? "utf-16"
                                       : "utf-8");
        if (bom && strcmp(info->encoding, "utf-8") == 0)
            snprintf(info->encoding, sizeof info->encoding, "utf-8-bom");
    }

    /* Keep libxml2 quiet: its global channels report into r until we return. */
    xmlInitParser();
    r->old_generic = xmlGenericError;
    r->old_generic_ctx = xmlGenericErrorContext;
    r->old_structured = xmlStructuredError;
    r->old_structured_ctx = xmlStructuredErrorContext;
    kr_quiet(r, 1);

    int options = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA | XML_PARSE_HUGE;
    if (force)
        options |= XML_PARSE_IGNORE_ENC;
    /* io->f now belongs to libxml2, which calls kml_io_close() even on failure. */
    r->xr = xmlReaderForIO(kml_io_read, kml_io_close, io, path, force, options);
    int x = -1, stop = 0;
    if (r->xr) {
        xmlTextReaderSetStructuredErrorHandler(r->xr, kr_structured, r);
        while ((x = xmlTextReaderRead(r->xr)) == 1) {
            if ((stop = kr_node(r)) != 0)
                break;
            if (r->xml_err)
                break; /* an error libxml2 chose to recover from: still an error */
        }
    }
    rc = finish(r, io, x, stop, force);
    if (r->xr)
        xmlFreeTextReader(r->xr);
    r->xr = NULL;

    kr_quiet(r, 0);

done:
    if (io->f)
        fclose(io->f);
    free(scan);
    pl_geom_release(&r->f.geom);
    free(r->roles);
    free(r->arena);
    free(r->refs);
    free(r->attrs);
    free(r);
    free(io);
    return rc;
}
