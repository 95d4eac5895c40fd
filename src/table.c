/* table.c — aligned text, CSV and JSON tables. */
#include "parkland/table.h"
#include "parkland/i18n.h"

#include "text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct pl_table {
    size_t ncols;
    char **keys, **labels;   /* owned */
    unsigned char *numeric;  /* per column */
    unsigned char *label_col; /* per column: cells are labels (pl_table_set_label_column) */
    char **cells;            /* rows * ncols, owned (NULL allowed) */
    size_t rows, cap;
};

int pl_table_format_parse(const char *s)
{
    if (!strcmp(s, "table") || !strcmp(s, "text"))
        return PL_TABLE_TEXT;
    if (!strcmp(s, "csv"))
        return PL_TABLE_CSV;
    if (!strcmp(s, "json"))
        return PL_TABLE_JSON;
    return -1;
}

size_t pl_display_width(const char *utf8)
{
    return pl_text_display_width(utf8);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

pl_table *pl_table_new(size_t ncols, const char *const *keys, const char *const *labels)
{
    pl_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->keys = calloc(ncols, sizeof *t->keys);
    t->labels = calloc(ncols, sizeof *t->labels);
    t->numeric = calloc(ncols, 1);
    t->label_col = calloc(ncols, 1);
    if (!t->keys || !t->labels || !t->numeric || !t->label_col) {
        pl_table_free(t);
        return NULL;
    }
    for (size_t i = 0; i < ncols; i++) {
        char buf[256];
        t->keys[i] = strdup(keys[i]);
        t->labels[i] = strdup(labels ? pl_tr_label(labels[i], buf, sizeof buf) : keys[i]);
    }
    return t;
}

void pl_table_set_numeric(pl_table *t, size_t col)
{
    if (col < t->ncols)
        t->numeric[col] = 1;
}

void pl_table_set_label_column(pl_table *t, size_t col)
{
    if (col < t->ncols)
        t->label_col[col] = 1;
}

int pl_table_add_row(pl_table *t, const char *const *cells)
{
    if (t->rows == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, nc * t->ncols * sizeof *c);
        if (!c)
            return -1;
        t->cells = c;
        t->cap = nc;
    }
    char **row = t->cells + t->rows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        char buf[256];
        row[i] = dup_or_null(t->label_col[i] ? pl_tr_label(cells[i], buf, sizeof buf) : cells[i]);
    }
    t->rows++;
    return 0;
}

size_t pl_table_rows(const pl_table *t)
{
    return t->rows;
}

static int csv_keys = 1;

void pl_table_csv_keys(int keys)
{
    csv_keys = keys != 0;
}

/* A cell "YYYY-MM-DDTHH:MM:SSZ" (a time stored in UTC) as local time
 * "YYYY-MM-DD HH:MM:SS" into buf; any other cell as it is. */
static const char *local_time(const char *s, char buf[32])
{
    if (!s || strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        s[19] != 'Z')
        return s;
    struct tm tm = {0};
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        return s;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    /* days from the civil date (UTC), without timegm (not in C11/POSIX) */
    long y = tm.tm_year + 1900L, m = tm.tm_mon + 1L;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + tm.tm_mday - 1;
    long days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    time_t t = (time_t)(days * 86400L + tm.tm_hour * 3600L + tm.tm_min * 60L + tm.tm_sec);
    struct tm lt;
    if (!localtime_r(&t, &lt) || !strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &lt))
        return s;
    return buf;
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

static void write_text(const pl_table *t, FILE *out)
{
    size_t *w = calloc(t->ncols, sizeof *w);
    if (!w)
        return;
    for (size_t c = 0; c < t->ncols; c++)
        w[c] = pl_text_display_width(t->labels[c]);
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            char tb[32];
            const char *s = local_time(t->cells[r * t->ncols + c], tb);
            size_t dw = s ? pl_text_display_width(s) : 0;
            if (dw > w[c])
                w[c] = dw;
        }
    for (size_t r = 0; r <= t->rows + 1; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (r == 1) { /* rule under the header */
                for (size_t k = 0; k < w[c]; k++)
                    fputc('-', out);
            } else {
                char tb[32];
                const char *s = r == 0 ? t->labels[c] : local_time(t->cells[(r - 2) * t->ncols + c], tb);
                if (!s)
                    s = "";
                size_t dw = pl_text_display_width(s);
                int last = c + 1 == t->ncols;
                if (t->numeric[c] && r > 0) {
                    pad(out, w[c] - dw);
                    fputs(s, out);
                } else {
                    fputs(s, out);
                    if (!last)
                        pad(out, w[c] - dw);
                }
            }
            if (c + 1 < t->ncols)
                fputs("  ", out);
        }
        fputc('\n', out);
    }
    free(w);
}

static void csv_cell(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* 1 when out is a regular file with nothing written yet (a BOM goes first) */
static int empty_regular_file(FILE *out)
{
    struct stat st;
    return fstat(fileno(out), &st) == 0 && S_ISREG(st.st_mode) && ftell(out) == 0;
}

static void write_csv(const pl_table *t, FILE *out, int bom)
{
    if (bom || empty_regular_file(out))
        fputs("\xEF\xBB\xBF", out);
    for (size_t r = 0; r <= t->rows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', out);
            char tb[32];
            csv_cell(out, r == 0 ? (csv_keys ? t->keys[c] : t->labels[c])
                                 : csv_keys ? t->cells[(r - 1) * t->ncols + c]
                                            : local_time(t->cells[(r - 1) * t->ncols + c], tb));
        }
        fputs("\r\n", out);
    }
}

static int write_json(const pl_table *t, FILE *out)
{
    json_t *arr = json_array();
    if (!arr)
        return -1;
    for (size_t r = 0; r < t->rows; r++) {
        json_t *o = json_object();
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * t->ncols + c];
            json_t *v;
            if (!s || (t->numeric[c] && !*s)) {
                v = json_null();
            } else if (t->numeric[c]) {
                char *end;
                double d = strtod(s, &end);
                v = *end ? json_string(s) : (strchr(s, '.') || strchr(s, 'e')) ? json_real(d)
                                                                               : json_integer(strtoll(s, NULL, 10));
            } else {
                v = json_string(s);
            }
            json_object_set_new(o, t->keys[c], v ? v : json_null());
        }
        json_array_append_new(arr, o);
    }
    int rc = json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    fputc('\n', out);
    json_decref(arr);
    return rc;
}

int pl_table_write(const pl_table *t, FILE *out, pl_table_format fmt, int bom)
{
    switch (fmt) {
    case PL_TABLE_CSV:
        write_csv(t, out, bom);
        break;
    case PL_TABLE_JSON:
        if (write_json(t, out))
            return -1;
        break;
    default:
        write_text(t, out);
    }
    return ferror(out) ? -1 : 0;
}

void pl_table_free(pl_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->rows * t->ncols; i++)
        free(t->cells[i]);
    for (size_t i = 0; i < t->ncols; i++) {
        free(t->keys ? t->keys[i] : NULL);
        free(t->labels ? t->labels[i] : NULL);
    }
    free(t->cells);
    free(t->keys);
    free(t->labels);
    free(t->numeric);
    free(t->label_col);
    free(t);
}
