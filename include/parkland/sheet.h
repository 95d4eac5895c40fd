/*
 * parkland/sheet.h — the parcel sheet for the approval file: the 宗地图 (the
 * parcel among its neighbours with its boundary points J1… and side lengths
 * at a stated scale, its area, land use, indicators, status and project) and
 * the 界址点成果表 (the stored vertices in the working CRS, X = northing and
 * Y = easting to 0.001 m, side lengths to 0.01 m, rings numbered as the
 * Ministry TXT numbers them), as a PDF, or the table alone as an XLSX
 * workbook.
 *
 * Ownership: see parkland/error.h. The result is a plain struct.
 */
#ifndef PARKLAND_SHEET_H
#define PARKLAND_SHEET_H

#include "parkland/db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_sheet_format {
    PL_SHEET_PDF = 0,
    PL_SHEET_XLSX
} pl_sheet_format;

typedef struct pl_sheet_result {
    char code[128];    /* the parcel */
    long points;       /* boundary points (distinct) */
    long rows;         /* rows of the table (closing repeats included) */
    int rings;
    int pages;         /* PDF pages */
    double scale;      /* denominator of the map's scale (PDF) */
    double area_m2;
} pl_sheet_result;

/* Write the sheet of parcel `code` (park NULL: the code is unique) to `path`
 * as pl_export_file writes (a temporary file renamed into place; an existing
 * file only with `force`). `as_of` (YYYY-MM-DD, NULL = today) picks the
 * project or reservation shown. */
int pl_parcel_sheet_file(pl_db *db, const char *park, const char *code, pl_sheet_format format,
                         const char *as_of, const char *path, int force, pl_sheet_result *res, pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
