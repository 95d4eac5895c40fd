/*
 * csv.c — the streaming CSV reader (see csv_reader.h) on libcsv.
 *
 * The file is fed to libcsv one physical line at a time (a chunk ends after
 * LF, CRLF or a lone CR). libcsv can only end a row at a line terminator, so
 * a row always ends at the end of a chunk, and the next row starts in the
 * first chunk after it that holds something other than blanks: that is how
 * each row learns the line it starts on, even when quoted fields span lines.
 *
 * GBK needs no care while parsing: its trail bytes (0x40–0xFE) and
 * GB18030's four-byte forms (digits as 2nd and 4th bytes) never look like a
 * comma, a quote, CR or LF, so libcsv splits the raw bytes and each field is
 * decoded afterwards.
 *
 * Ownership: everything is owned by the csv_state on pl_csv_read's stack and
 * released before it returns.
 */
#include "csv_reader.h"
#include "text.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_IOBUF 65536

enum { ENC_UTF8, ENC_GBK };

typedef struct csv_state {
    const char *path;      /* borrowed */
    pl_error *err;         /* borrowed */
    pl_csv_info *info;     /* borrowed */
    pl_csv_row_cb cb;
    void *ctx;
    int enc;
    pl_encoding asked;     /* the caller's choice */

    /* the row being collected: raw bytes of each field */
    char **raw;
    size_t *rawlen;
    size_t nraw, capraw;
    char **dec;            /* decoded fields handed to the callback (nraw of them) */
    size_t capdec;

    long line;             /* line of the chunk being fed, 1-based */
    long row_line;         /* where the current row started */
    long field_line;       /* where the current field started */
    int pending;           /* the next non-blank chunk starts a row */
    long rows;             /* rows delivered */
    long raw_rows;         /* rows seen, including a skipped sep= line */
    int stop;              /* non-zero: an error (err filled) or the callback's value */
} csv_state;

static int fail(csv_state *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(csv_state *s, int code, const char *fmt, ...)
{
    char msg[PL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pl_error_set(s->err, code, "%s: %s", s->path, msg);
    if (!s->stop)
        s->stop = code;
    return code;
}

/* ---- libcsv callbacks ------------------------------------------------------ */

static void on_field(void *data, size_t len, void *vs)
{
    csv_state *s = vs;
    if (s->stop)
        return;
    if (s->nraw >= PL_CSV_MAX_FIELDS) {
        fail(s, PL_ERR_INPUT, "line %ld: more than %d fields in one row", s->row_line, PL_CSV_MAX_FIELDS);
        return;
    }
    if (s->nraw == s->capraw) {
        size_t ncap = s->capraw ? s->capraw * 2 : 32;
        char **r = realloc(s->raw, ncap * sizeof *r);
        if (r)
            s->raw = r;
        size_t *l = r ? realloc(s->rawlen, ncap * sizeof *l) : NULL;
        if (!r || !l) {
            fail(s, PL_ERR_NOMEM, "line %ld: out of memory", s->line);
            return;
        }
        s->rawlen = l;
        for (size_t i = s->capraw; i < ncap; i++)
            s->raw[i] = NULL;
        s->capraw = ncap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        fail(s, PL_ERR_NOMEM, "line %ld: out of memory", s->line);
        return;
    }
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    /* CRLF inside a quoted field → LF (Excel writes LF in cells, editors CRLF) */
    size_t w = 0;
    for (size_t r = 0; r < len; r++)
        if (!(copy[r] == '\r' && r + 1 < len && copy[r + 1] == '\n'))
            copy[w++] = copy[r];
    copy[w] = '\0';
    s->raw[s->nraw] = copy;
    s->rawlen[s->nraw] = w;
    s->nraw++;
    s->field_line = s->line;
}

static void clear_row(csv_state *s)
{
    for (size_t i = 0; i < s->nraw; i++) {
        free(s->raw[i]);
        s->raw[i] = NULL;
    }
    for (size_t i = 0; i < s->capdec; i++) {
        free(s->dec[i]);
        s->dec[i] = NULL;
    }
    s->nraw = 0;
}

static int has_high_byte(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] >= 0x80)
            return 1;
    return 0;
}

static void deliver(csv_state *s)
{
    s->raw_rows++;
    /* Excel's "sep=," hint line */
    if (s->raw_rows == 1 && s->nraw == 2 && !strcmp(s->raw[0], "sep=") && !s->raw[1][0])
        return;
    if (s->nraw > s->capdec) {
        char **d = realloc(s->dec, s->nraw * sizeof *d);
        if (!d) {
            fail(s, PL_ERR_NOMEM, "line %ld: out of memory", s->row_line);
            return;
        }
        for (size_t i = s->capdec; i < s->nraw; i++)
            d[i] = NULL;
        s->dec = d;
        s->capdec = s->nraw;
    }
    long bad_field = -1;
    const char *bad = NULL;
    for (size_t i = 0; i < s->nraw; i++) {
        const char *r = s->raw[i];
        size_t n = s->rawlen[i];
        char *d = NULL;
        if (!has_high_byte(r, n)) {
            d = strdup(r);
        } else if (s->enc == ENC_UTF8) {
            if (pl_text_is_utf8(r, n)) {
                d = strdup(r);
            } else if (bad_field < 0) {
                bad_field = (long)i;
                bad = s->asked == PL_ENCODING_UTF8 ? "bytes that are not valid UTF-8 (try --encoding gbk)"
                                                   : "bytes that are not valid UTF-8, while the rest of the "
                                                     "file is UTF-8";
            }
        } else {
            errno = 0;
            d = pl_text_gbk_to_utf8(r, n, NULL);
            if (!d && errno == ENOMEM) {
                fail(s, PL_ERR_NOMEM, "line %ld: out of memory", s->row_line);
                return;
            }
            if (!d && bad_field < 0) {
                bad_field = (long)i;
                bad = s->asked == PL_ENCODING_GBK ? "bytes that are not valid GBK (try --encoding utf-8)"
                                                  : "bytes that are neither UTF-8 nor GBK";
            }
        }
        if (!d)
            d = strdup("");
        if (!d) {
            fail(s, PL_ERR_NOMEM, "line %ld: out of memory", s->row_line);
            return;
        }
        s->dec[i] = d;
    }
    pl_csv_row row = {++s->rows, s->row_line, s->nraw, (const char *const *)s->dec, bad_field, bad};
    if (s->info)
        s->info->rows = s->rows;
    int rc = s->cb(&row, s->info, s->ctx);
    if (rc && !s->stop)
        s->stop = rc;
}

static void on_row(int c, void *vs)
{
    (void)c;
    csv_state *s = vs;
    if (!s->stop)
        deliver(s);
    clear_row(s);
    s->pending = 1;
}

/* ---- pass 1: is it UTF-8? ---------------------------------------------------- */

typedef struct utf8_scan {
    int need;                  /* continuation bytes still expected */
    unsigned char lo, hi;      /* range of the next continuation byte */
    int line_mb, line_bad;     /* this line: a complete multibyte char, an error */
    long mb_lines, bad_lines;
} utf8_scan;

static void scan_end_line(utf8_scan *u)
{
    if (u->need)
        u->line_bad = 1;
    u->need = 0;
    if (u->line_bad)
        u->bad_lines++;
    else if (u->line_mb)
        u->mb_lines++;
    u->line_mb = u->line_bad = 0;
}

static void scan_byte(utf8_scan *u, unsigned char c)
{
    if (c == '\n' || c == '\r') {
        scan_end_line(u);
        return;
    }
    if (u->need) {
        if (c < u->lo || c > u->hi) {
            u->line_bad = 1;
            u->need = 0;
            /* c is looked at again as a lead byte below */
        } else {
            u->lo = 0x80;
            u->hi = 0xbf;
            if (--u->need == 0)
                u->line_mb = 1;
            return;
        }
    }
    if (c < 0x80)
        return;
    u->lo = 0x80;
    u->hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        u->need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        u->need = 2;
        if (c == 0xe0)
            u->lo = 0xa0;
        else if (c == 0xed)
            u->hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        u->need = 3;
        if (c == 0xf0)
            u->lo = 0x90;
        else if (c == 0xf4)
            u->hi = 0x8f;
    } else {
        u->line_bad = 1;
    }
}

/* 1 = read as UTF-8, 0 = GBK, <0 read error */
static int guess_utf8(FILE *fp)
{
    utf8_scan u = {0};
    unsigned char buf[CSV_IOBUF];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        for (size_t i = 0; i < n; i++)
            scan_byte(&u, buf[i]);
    if (ferror(fp))
        return -1;
    scan_end_line(&u);
    if (u.bad_lines == 0)
        return 1;
    return u.mb_lines > u.bad_lines;
}

/* ---- pass 2: parse ------------------------------------------------------------ */

static int is_blank_chunk(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return 0;
    return 1;
}

static void feed(csv_state *s, struct csv_parser *p, const unsigned char *chunk, size_t n)
{
    if (memchr(chunk, '\0', n)) {
        fail(s, PL_ERR_INPUT, "line %ld: NUL byte: binary data or UTF-16 text, not a CSV file", s->line);
        return;
    }
    if (s->pending && !is_blank_chunk(chunk, n)) {
        s->pending = 0;
        s->row_line = s->field_line = s->line;
    }
    size_t done = csv_parse(p, chunk, n, on_field, on_row, s);
    if (s->stop)
        return;
    if (done < n) {
        if (csv_error(p) == CSV_EPARSE) {
            long field = (long)s->nraw + 1;
            if (chunk[done] == '"')
                fail(s, PL_ERR_INPUT,
                     "line %ld: field %ld: a quote inside an unquoted field (quote the whole field and "
                     "double the quotes inside: \"say \"\"hi\"\"\")", s->line, field);
            else
                fail(s, PL_ERR_INPUT, "line %ld: field %ld: text after the closing quote of a quoted field",
                     s->line, field);
        } else {
            fail(s, PL_ERR_NOMEM, "line %ld: %s", s->line, csv_strerror(csv_error(p)));
        }
        return;
    }
    if (p->entry_pos > PL_CSV_MAX_FIELD)
        fail(s, PL_ERR_INPUT,
             "line %ld: a field longer than %d bytes (does the quote opened on line %ld ever close?)", s->line,
             PL_CSV_MAX_FIELD, s->field_line);
}

int pl_csv_read(const char *path, pl_encoding encoding, pl_csv_info *info, pl_csv_row_cb cb, void *ctx,
                pl_error *err)
{
    pl_csv_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pl_error_set(err, PL_ERR_IO, "cannot read '%s': %s", path, strerror(errno));

    csv_state s = {.path = path, .err = err, .info = info, .cb = cb, .ctx = ctx, .asked = encoding,
                   .line = 1, .pending = 1};
    struct csv_parser p;
    int parser_ready = 0;
    unsigned char head[3] = {0, 0, 0};
    size_t nh = fread(head, 1, 3, fp);
    int bom = nh == 3 && pl_text_bom_len((const char *)head, 3) == 3;
    if (ferror(fp) || fseek(fp, 0L, SEEK_SET)) {
        fail(&s, PL_ERR_IO, "read error: %s", strerror(errno));
        goto out;
    }
    if (encoding == PL_ENCODING_GBK) {
        if (bom) {
            fail(&s, PL_ERR_INPUT, "line 1: the file starts with a UTF-8 byte-order mark, yet --encoding gbk "
                                   "was asked (try --encoding utf-8)");
            goto out;
        }
        s.enc = ENC_GBK;
    } else if (encoding == PL_ENCODING_UTF8 || bom) {
        s.enc = ENC_UTF8;
    } else {
        int g = guess_utf8(fp);
        if (g < 0 || fseek(fp, 0L, SEEK_SET)) {
            fail(&s, PL_ERR_IO, "read error: %s", strerror(errno));
            goto out;
        }
        s.enc = g ? ENC_UTF8 : ENC_GBK;
    }
    snprintf(info->encoding, sizeof info->encoding, "%s",
             s.enc == ENC_GBK ? "gbk" : bom ? "utf-8-bom" : "utf-8");
    if (bom && fseek(fp, 3L, SEEK_SET)) {
        fail(&s, PL_ERR_IO, "read error: %s", strerror(errno));
        goto out;
    }

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        fail(&s, PL_ERR_NOMEM, "out of memory");
        goto out;
    }
    parser_ready = 1;
    unsigned char buf[CSV_IOBUF];
    size_t n;
    int prev_cr = 0;          /* the last chunk ended with CR: a LF next is its pair */
    int mid_line = 0;         /* bytes of the current line seen without its end */
    while (!s.stop && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
        size_t i = 0;
        while (i < n && !s.stop) {
            if (prev_cr && buf[i] == '\n') {
                /* the LF of a CRLF split across two reads: already counted */
                feed(&s, &p, buf + i, 1);
                prev_cr = 0;
                i++;
                continue;
            }
            prev_cr = 0;
            size_t j = i;
            while (j < n && buf[j] != '\n' && buf[j] != '\r')
                j++;
            if (j == n) { /* no line end in this read */
                feed(&s, &p, buf + i, n - i);
                mid_line = 1;
                break;
            }
            if (buf[j] == '\r') {
                if (j + 1 < n && buf[j + 1] == '\n')
                    j++;
                else if (j + 1 == n)
                    prev_cr = 1;
            }
            feed(&s, &p, buf + i, j + 1 - i);
            mid_line = 0;
            s.line++;
            i = j + 1;
        }
    }
    if (!s.stop && ferror(fp))
        fail(&s, PL_ERR_IO, "read error: %s", strerror(errno));
    info->lines = s.line - (mid_line ? 0 : 1);
    if (!s.stop) {
        long last = mid_line ? s.line : s.line - 1;
        if (csv_fini(&p, on_field, on_row, &s) != 0 && !s.stop)
            fail(&s, PL_ERR_INPUT,
                 "line %ld: field %ld: a quoted field that never closes (unterminated quote; it runs to the end "
                 "of the file on line %ld)",
                 s.field_line, (long)s.nraw + 1, last > 0 ? last : 1);
    }
out:
    if (parser_ready)
        csv_free(&p);
    clear_row(&s);
    free(s.raw);
    free(s.rawlen);
    free(s.dec);
    fclose(fp);
    info->rows = s.rows;
    return s.stop;
}
