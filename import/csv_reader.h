/*
 * csv_reader.h — a streaming CSV reader on libcsv: RFC 4180 and what Excel
 * writes (CRLF rows, quoted fields holding commas, quotes and line breaks,
 * UTF-8 with or without BOM, or GBK). Used by the lead import; like the
 * parcel readers it never touches the database and never prints.
 *
 * Rows come one at a time to a callback, with the line on which each row
 * starts; memory holds one row, not the file.
 *
 * Encoding (PL_ENCODING_AUTO): a UTF-8 BOM means UTF-8; a file whose every
 * line is valid UTF-8 is UTF-8; otherwise, when more lines hold valid
 * non-ASCII UTF-8 than lines that are invalid, it is UTF-8 with damaged lines
 * (each reported); else GBK (read as GB18030, its superset). A field that
 * cannot be decoded does not stop the reader: the row arrives with `bad` set,
 * so that the caller can report every bad row.
 *
 * What stops the reader (PL_ERR_INPUT, err = "FILE: line N: reason"): a NUL
 * byte (binary data or UTF-16), a quote inside an unquoted field, text after
 * the closing quote of a field, a quoted field that never closes, a field
 * longer than PL_CSV_MAX_FIELD bytes, a row of more than PL_CSV_MAX_FIELDS
 * fields, a UTF-8 BOM in a file read with --encoding gbk.
 *
 * Kept as written: blank lines and lines of blanks are skipped (libcsv);
 * spaces around unquoted fields are trimmed (libcsv); CRLF inside a quoted
 * field becomes LF; an Excel "sep=," first line is skipped.
 *
 * Ownership: the pl_csv_row and its strings belong to the reader and are
 * valid only during the callback.
 */
#ifndef PARKLAND_CSV_READER_H
#define PARKLAND_CSV_READER_H

#include <stddef.h>

#include "parkland/error.h"
#include "parkland/format.h" /* pl_encoding */

#define PL_CSV_MAX_FIELD (256 * 1024)
#define PL_CSV_MAX_FIELDS 1024

typedef struct pl_csv_row {
    long number;              /* 1-based row number (the header, when there is one, is row 1) */
    long line;                /* 1-based line of the file where the row starts */
    size_t nfields;
    const char *const *fields; /* nfields UTF-8 strings, NUL-terminated ("" for empty) */
    long bad_field;           /* -1, or the 0-based field whose bytes could not be decoded */
    const char *bad;          /* NULL, or why ("bytes that are neither UTF-8 nor GBK") */
} pl_csv_row;

typedef struct pl_csv_info {
    char encoding[16];        /* "utf-8", "utf-8-bom" or "gbk"; set before the first row */
    long rows;                /* rows handed to the callback so far */
    long lines;               /* lines read so far */
} pl_csv_info;

/* Return 0 to go on; any other value stops the reader, which returns it. */
typedef int (*pl_csv_row_cb)(const pl_csv_row *row, const pl_csv_info *info, void *ctx);

/* Read the CSV file `path`. `info` is filled (may be NULL). */
int pl_csv_read(const char *path, pl_encoding encoding, pl_csv_info *info, pl_csv_row_cb cb, void *ctx,
                pl_error *err);

#endif
