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
    int *priority;           /* per column: 0 key, higher hidden first */
    unsigned char *wrap;     /* per column: wrap long cells instead of cutting */
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
    t->priority = calloc(ncols, sizeof *t->priority);
    t->wrap = calloc(ncols, 1);
    if (!t->keys || !t->labels || !t->numeric || !t->label_col || !t->priority || !t->wrap) {
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

void pl_table_set_priority(pl_table *t, size_t col, int priority)
{
    if (col < t->ncols && priority >= 0)
        t->priority[col] = priority;
}

void pl_table_set_wrap(pl_table *t, size_t col)
{
    if (col < t->ncols)
        t->wrap[col] = 1;
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

/* ---- fitting the text form to a width ------------------------------------------------- */

/* The narrowest a column of priority > 0 is made (unless its content is narrower). */
#define FIT_FLOOR 12
/* … and a column whose cells wrap. */
#define FIT_FLOOR_WRAP 30

/* Bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xc0) != 0x80)
            return k;
    return n;
}

static size_t char_width(const char *s, size_t n)
{
    char buf[8];
    memcpy(buf, s, n);
    buf[n] = '\0';
    return pl_text_display_width(buf);
}

/* Display width of s[0..n). */
static size_t span_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        size_t k = char_len(s + i);
        w += char_width(s + i, k);
        i += k;
    }
    return w;
}

/* The widest blank-separated word of s. */
static size_t longest_word(const char *s)
{
    size_t best = 0;
    while (*s) {
        size_t n = strcspn(s, " \n");
        size_t w = span_width(s, n);
        if (w > best)
            best = w;
        s += n;
        s += strspn(s, " \n");
    }
    return best;
}

/* Lines of one cell as printed: an array of malloc'ed strings. */
typedef struct cell_lines {
    char **line;
    size_t n, cap;
} cell_lines;

static int lines_add(cell_lines *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4;
        char **p = realloc(l->line, nc * sizeof *p);
        if (!p)
            return -1;
        l->line = p;
        l->cap = nc;
    }
    char *c = malloc(n + 1);
    if (!c)
        return -1;
    memcpy(c, s, n);
    c[n] = '\0';
    l->line[l->n++] = c;
    return 0;
}

static void lines_free(cell_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->line[i]);
    free(l->line);
    l->line = NULL;
    l->n = l->cap = 0;
}

/* s cut to `width` columns, ending in "…" when it was longer. */
static int cut_into(cell_lines *l, const char *s, size_t width)
{
    if (pl_text_display_width(s) <= width)
        return lines_add(l, s, strlen(s));
    size_t w = 0, i = 0;
    while (s[i]) {
        size_t k = char_len(s + i), cw = char_width(s + i, k);
        if (w + cw + 1 > width)
            break;
        w += cw;
        i += k;
    }
    char *buf = malloc(i + 4);
    if (!buf)
        return -1;
    memcpy(buf, s, i);
    memcpy(buf + i, "\xE2\x80\xA6", 4); /* … */
    int rc = lines_add(l, buf, i + 3);
    free(buf);
    return rc;
}

/* s wrapped at blanks, after commas and at line breaks into lines of at most `width`
 * columns; a word wider than that is split between characters. */
static int wrap_into(cell_lines *l, const char *s, size_t width)
{
    if (!width)
        width = 1;
    while (*s) {
        size_t para = strcspn(s, "\n");
        const char *p = s, *end = s + para;
        do {
            /* one line: as many words of p..end as fit */
            const char *q = p, *last_fit = NULL;
            size_t w = 0;
            while (q < end) {
                size_t k = char_len(q), cw = char_width(q, k);
                if (w + cw > width)
                    break;
                w += cw;
                q += k;
                if (q == end || *q == ' ' || q[-1] == ',')
                    last_fit = q;
            }
            const char *stop = q == end ? end : last_fit ? last_fit : q;
            if (stop == p) /* nothing fits: one character anyway */
                stop = p + char_len(p);
            if (lines_add(l, p, (size_t)(stop - p)))
                return -1;
            p = stop;
            while (p < end && *p == ' ')
                p++;
        } while (p < end);
        s = *end ? end + 1 : end;
    }
    if (!l->n)
        return lines_add(l, "", 0);
    return 0;
}

static void free_all(cell_lines *cl, size_t n)
{
    for (size_t c = 0; c < n; c++)
        lines_free(&cl[c]);
}

/* One table row (r == 0 the labels) as one or more printed lines. */
static int write_fit_row(const pl_table *t, FILE *out, const unsigned char *vis, const size_t *w, size_t r,
                         cell_lines *cl)
{
    size_t lastvis = 0, nlines = 1;
    for (size_t c = 0; c < t->ncols; c++)
        if (vis[c])
            lastvis = c;
    for (size_t c = 0; c < t->ncols; c++) {
        if (!vis[c])
            continue;
        char tb[32];
        const char *s = r == 0 ? t->labels[c] : local_time(t->cells[(r - 1) * t->ncols + c], tb);
        if (!s)
            s = "";
        int rc = r == 0 || t->wrap[c] ? wrap_into(&cl[c], s, w[c]) : cut_into(&cl[c], s, w[c]);
        if (rc) {
            free_all(cl, t->ncols);
            return -1;
        }
        if (cl[c].n > nlines)
            nlines = cl[c].n;
    }
    int empty = r > 0; /* a row with nothing in its shown columns is left out */
    for (size_t c = 0; c < t->ncols && empty; c++)
        empty = !vis[c] || (cl[c].n == 1 && !cl[c].line[0][0]);
    for (size_t k = 0; k < nlines && !empty; k++) {
        size_t pending = 0; /* blanks written only before more text: no trailing blanks */
        for (size_t c = 0; c <= lastvis; c++) {
            if (!vis[c])
                continue;
            const char *s = k < cl[c].n ? cl[c].line[k] : "";
            size_t dw = pl_text_display_width(s);
            size_t padn = w[c] > dw ? w[c] - dw : 0;
            if (t->numeric[c] && r > 0)
                pending += padn;
            if (*s) {
                pad(out, pending);
                fputs(s, out);
                pending = 0;
            }
            if (!(t->numeric[c] && r > 0))
                pending += padn;
            pending += 2;
        }
        fputc('\n', out);
    }
    free_all(cl, t->ncols);
    return 0;
}

int pl_table_write_fit(const pl_table *t, FILE *out, size_t width, size_t *hidden)
{
    if (hidden)
        *hidden = 0;
    size_t n = t->ncols;
    size_t *nat = calloc(n ? n : 1, sizeof *nat), *cellw = calloc(n ? n : 1, sizeof *cellw);
    size_t *floor_w = calloc(n ? n : 1, sizeof *floor_w), *w = calloc(n ? n : 1, sizeof *w);
    unsigned char *vis = malloc(n ? n : 1);
    cell_lines *cl = calloc(n ? n : 1, sizeof *cl);
    int rc = -1;
    if (!nat || !cellw || !floor_w || !w || !vis || !cl)
        goto done;
    size_t total = 0;
    for (size_t c = 0; c < n; c++) {
        for (size_t r = 0; r < t->rows; r++) {
            char tb[32];
            const char *s = local_time(t->cells[r * n + c], tb);
            size_t dw = s ? pl_text_display_width(s) : 0;
            if (dw > cellw[c])
                cellw[c] = dw;
        }
        size_t lw = pl_text_display_width(t->labels[c]);
        nat[c] = lw > cellw[c] ? lw : cellw[c];
        vis[c] = 1;
        total += nat[c] + (c ? 2 : 0);
    }
    if (!width || total <= width) {
        free(nat), free(cellw), free(floor_w), free(w), free(vis), free(cl);
        write_text(t, out);
        return ferror(out) ? -1 : 0;
    }
    /* First without wrapping a label: hide columns by priority until their
     * floors fit. When even the key columns do not fit so, again with the
     * labels wrapped. */
    size_t nvis = n;
    for (int tier = 0; tier < 2; tier++) {
        for (size_t c = 0; c < n; c++) {
            size_t label = tier ? longest_word(t->labels[c]) : pl_text_display_width(t->labels[c]);
            size_t least = t->wrap[c] ? FIT_FLOOR_WRAP : FIT_FLOOR;
            if (!t->wrap[c] && (t->priority[c] == 0 || t->numeric[c]))
                floor_w[c] = cellw[c] > label ? cellw[c] : label;
            else
                floor_w[c] = nat[c] < (label > least ? label : least) ? nat[c] : (label > least ? label : least);
            vis[c] = 1;
        }
        nvis = n;
        size_t sum;
        for (;;) {
            sum = 0;
            for (size_t c = 0; c < n; c++)
                if (vis[c])
                    sum += floor_w[c];
            sum += nvis > 1 ? 2 * (nvis - 1) : 0;
            if (sum <= width)
                break;
            size_t victim = n;
            for (size_t c = 0; c < n; c++)
                if (vis[c] && t->priority[c] > 0 && nvis > 1 &&
                    (victim == n || t->priority[c] >= t->priority[victim]))
                    victim = c;
            if (victim == n)
                break;
            vis[victim] = 0;
            nvis--;
        }
        int lost_important = 0; /* a column of priority 1 hidden: wrap the labels rather */
        for (size_t c = 0; c < n; c++)
            lost_important |= !vis[c] && t->priority[c] == 1;
        if (sum <= width && !lost_important)
            break;
    }
    /* narrow the widest columns, down to their floors */
    total = 0;
    for (size_t c = 0; c < n; c++)
        if (vis[c])
            w[c] = nat[c], total += nat[c];
    total += nvis > 1 ? 2 * (nvis - 1) : 0;
    while (total > width) {
        size_t best = n;
        for (size_t c = 0; c < n; c++)
            if (vis[c] && w[c] > floor_w[c] && (best == n || w[c] >= w[best]))
                best = c;
        if (best == n)
            break;
        w[best]--;
        total--;
    }
    for (size_t r = 0; r <= t->rows; r++) {
        if (write_fit_row(t, out, vis, w, r, cl))
            goto done;
        if (r == 0) { /* the rule under the labels */
            int first = 1;
            for (size_t c = 0; c < n; c++) {
                if (!vis[c])
                    continue;
                if (!first)
                    fputs("  ", out);
                first = 0;
                for (size_t k = 0; k < w[c]; k++)
                    fputc('-', out);
            }
            fputc('\n', out);
        }
    }
    if (nvis < n) { /* which columns are hidden, wrapped to the width */
        size_t len = 64;
        for (size_t c = 0; c < n; c++)
            len += strlen(t->keys[c]) + 2;
        char *note = malloc(len);
        if (!note)
            goto done;
        size_t at = 0;
        note[0] = '\0';
        for (size_t c = 0; c < n; c++)
            if (!vis[c])
                at += (size_t)snprintf(note + at, len - at, "%s%s", at ? ", " : "", t->keys[c]);
        const char *fmt = pl_tr("(not shown: %s; --wide shows every column)");
        size_t tlen = strlen(fmt) + at + 1;
        char *text = malloc(tlen);
        if (!text) {
            free(note);
            goto done;
        }
        snprintf(text, tlen, fmt, note);
        free(note);
        note = text;
        cell_lines nl = {0};
        int wrc = wrap_into(&nl, note, width);
        for (size_t k = 0; !wrc && k < nl.n; k++)
            fprintf(out, "%s\n", nl.line[k]);
        lines_free(&nl);
        free(note);
        if (wrc)
            goto done;
        if (hidden)
            *hidden = n - nvis;
    }
    rc = ferror(out) ? -1 : 0;
done:
    free(nat), free(cellw), free(floor_w), free(w), free(vis), free(cl);
    return rc;
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
    free(t->priority);
    free(t->wrap);
    free(t);
}
