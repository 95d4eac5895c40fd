/*
 * parkland/format.h — the file formats parcels are imported from and the
 * text encodings of the files read and written. Part of parkland/import.h;
 * on its own so that the readers (import/) see these names and nothing else
 * of the library's API.
 */
#ifndef PARKLAND_FORMAT_H
#define PARKLAND_FORMAT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_format {
    PL_FORMAT_AUTO = 0,
    PL_FORMAT_TXT,
    PL_FORMAT_GEOJSON,
    PL_FORMAT_KML,
    PL_FORMAT_SHP
} pl_format;

typedef enum pl_encoding {
    PL_ENCODING_AUTO = 0, /* strict UTF-8 (with or without BOM), else GBK */
    PL_ENCODING_UTF8,
    PL_ENCODING_GBK
} pl_encoding;

/* "txt", "geojson", … for a format; "auto" for PL_FORMAT_AUTO. */
const char *pl_format_name(pl_format f);
/* Parse "auto|txt|geojson|kml|shp"; -1 when unknown. */
int pl_format_parse(const char *s);

#ifdef __cplusplus
}
#endif
#endif
