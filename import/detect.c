/*
 * detect.c — tell the format of an input file and dispatch to its reader.
 *
 * Detection: by extension (.txt, .geojson/.json, .kml, .shp, any case), else
 * by sniffing the first SNIFF_BYTES bytes: the TXT section names in UTF-8 or
 * GBK, a JSON object naming a FeatureCollection or a "type", a <kml element,
 * or the shapefile magic number 9994 (0x0000270a, big-endian) at offset 0.
 */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SNIFF_BYTES 4096

static const struct {
    pl_format fmt;
    const char *name;
} FORMATS[] = {
    {PL_FORMAT_AUTO, "auto"}, {PL_FORMAT_TXT, "txt"}, {PL_FORMAT_GEOJSON, "geojson"},
    {PL_FORMAT_KML, "kml"},   {PL_FORMAT_SHP, "shp"},
};

const char *pl_format_name(pl_format f)
{
    for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++)
        if (FORMATS[i].fmt == f)
            return FORMATS[i].name;
    return "unknown";
}

int pl_format_parse(const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++)
        if (strcasecmp(s, FORMATS[i].name) == 0)
            return (int)FORMATS[i].fmt;
    return -1;
}

/* memmem is a GNU extension: a plain search over n bytes. */
static int contains(const unsigned char *buf, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || k > n)
        return 0;
    for (size_t i = 0; i + k <= n; i++)
        if (buf[i] == (unsigned char)needle[0] && memcmp(buf + i, needle, k) == 0)
            return 1;
    return 0;
}

static int contains_nocase(const unsigned char *buf, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || k > n)
        return 0;
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp((const char *)buf + i, needle, k) == 0)
            return 1;
    return 0;
}

static pl_format by_extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot)
        return PL_FORMAT_AUTO;
    dot++;
    if (strcasecmp(dot, "txt") == 0)
        return PL_FORMAT_TXT;
    if (strcasecmp(dot, "geojson") == 0 || strcasecmp(dot, "json") == 0)
        return PL_FORMAT_GEOJSON;
    if (strcasecmp(dot, "kml") == 0)
        return PL_FORMAT_KML;
    if (strcasecmp(dot, "shp") == 0)
        return PL_FORMAT_SHP;
    return PL_FORMAT_AUTO;
}

static pl_format by_content(const unsigned char *b, size_t n)
{
    /* section names of the Ministry TXT, simplified and traditional, UTF-8 and GBK */
    static const char *const TXT_MARKS[] = {
        "[属性描述]", "[地块坐标]", "[屬性描述]", "[地塊坐標]",
        "[\xca\xf4\xd0\xd4\xc3\xe8\xca\xf6]", /* [属性描述] GBK */
        "[\xb5\xd8\xbf\xe9\xd7\xf8\xb1\xea]", /* [地块坐标] GBK */
        "[\x8c\xd9\xd0\xd4\xc3\xe8\xca\xf6]", /* [屬性描述] GBK */
        "[\xb5\xd8\x89\x4b\xd7\xf8\x98\xcb]", /* [地塊坐標] GBK */
    };
    if (n >= 4 && b[0] == 0x00 && b[1] == 0x00 && b[2] == 0x27 && b[3] == 0x0a)
        return PL_FORMAT_SHP;
    for (size_t i = 0; i < sizeof TXT_MARKS / sizeof TXT_MARKS[0]; i++)
        if (contains(b, n, TXT_MARKS[i]))
            return PL_FORMAT_TXT;

    size_t i = 0;
    if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
        i = 3;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    /* Esri JSON too: the GeoJSON reader recognises it and says how to convert it */
    if (i < n && b[i] == '{' && (contains(b, n, "FeatureCollection") || contains(b, n, "\"type\"") ||
                                 contains(b, n, "\"geometryType\"") || contains(b, n, "\"rings\"")))
        return PL_FORMAT_GEOJSON;
    if (i < n && b[i] == '<' && contains_nocase(b, n, "<kml"))
        return PL_FORMAT_KML;
    return PL_FORMAT_AUTO;
}

pl_format pl_format_detect(const char *path, pl_error *err)
{
    if (!path) {
        pl_error_set(err, PL_ERR_USAGE, "no input file");
        return PL_FORMAT_AUTO;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        pl_error_set(err, PL_ERR_IO, "%s: %s", path, strerror(errno));
        return PL_FORMAT_AUTO;
    }
    pl_format f = by_extension(path);
    if (f == PL_FORMAT_AUTO) {
        unsigned char buf[SNIFF_BYTES];
        size_t n = fread(buf, 1, sizeof buf, fp);
        if (ferror(fp)) {
            pl_error_set(err, PL_ERR_IO, "%s: read error: %s", path, strerror(errno));
            fclose(fp);
            return PL_FORMAT_AUTO;
        }
        f = by_content(buf, n);
        if (f == PL_FORMAT_AUTO)
            pl_error_set(err, PL_ERR_INPUT, "%s: cannot tell the format (use --format)", path);
    }
    fclose(fp);
    return f;
}

int pl_read_any(const char *path, pl_format fmt, const pl_read_options *opt, pl_source_info *info,
                pl_feature_cb cb, void *ctx, pl_error *err)
{
    if (fmt == PL_FORMAT_AUTO) {
        pl_error e;
        pl_error_clear(&e);
        fmt = pl_format_detect(path, &e);
        if (fmt == PL_FORMAT_AUTO) {
            if (err)
                *err = e;
            return e.code ? e.code : PL_ERR_INPUT;
        }
    }
    switch (fmt) {
    case PL_FORMAT_TXT:
        return pl_read_txt(path, opt, info, cb, ctx, err);
    case PL_FORMAT_GEOJSON:
        return pl_read_geojson(path, opt, info, cb, ctx, err);
    case PL_FORMAT_KML:
        return pl_read_kml(path, opt, info, cb, ctx, err);
    case PL_FORMAT_SHP:
        return pl_read_shp(path, opt, info, cb, ctx, err);
    default:
        return pl_error_set(err, PL_ERR_USAGE, "unknown format %d", (int)fmt);
    }
}
