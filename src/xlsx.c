/* xlsx.c — XLSX sheets through libxlsxwriter (see xlsx.h). */
#include "xlsx.h"

#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_MAX_DECIMALS 6
#define XLSX_MAX_WIDTH 60.0

struct pl_xlsx {
    lxw_workbook *wb;
    char *path;
    lxw_worksheet *ws;               /* current sheet */
    size_t ncols;
    unsigned char *numeric;          /* current sheet's numeric columns */
    double *width;                   /* column widths seen so far */
    lxw_row_t row;                   /* next row */
    lxw_format *bold, *title, *num[XLSX_MAX_DECIMALS + 1];
    lxw_error failed;                /* first libxlsxwriter error */
};

int pl_xlsx_is_number(const char *s, double *value, int *decimals)
{
    if (!s || !*s)
        return 0;
    const char *p = s;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    int dec = 0;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p)) {
            p++;
            dec++;
        }
    }
    if (*p)
        return 0;
    if (value)
        *value = strtod(s, NULL);
    if (decimals)
        *decimals = dec;
    return 1;
}

int pl_xlsx_open(const char *path, pl_xlsx **out, pl_error *err)
{
    *out = NULL;
    pl_xlsx *x = calloc(1, sizeof *x);
    if (!x || !(x->path = strdup(path))) {
        free(x);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    x->wb = workbook_new(path);
    if (!x->wb) {
        free(x->path);
        free(x);
        return pl_error_set(err, PL_ERR_IO, "cannot start the workbook '%s'", path);
    }
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    format_set_bg_color(x->bold, 0xDDEBF7);
    format_set_bottom(x->bold, LXW_BORDER_THIN);
    x->title = workbook_add_format(x->wb);
    format_set_bold(x->title);
    format_set_font_size(x->title, 12);
    static const char *const fmts[XLSX_MAX_DECIMALS + 1] = {"0", "0.0", "0.00", "0.000", "0.0000", "0.00000",
                                                            "0.000000"};
    for (int i = 0; i <= XLSX_MAX_DECIMALS; i++) {
        x->num[i] = workbook_add_format(x->wb);
        format_set_num_format(x->num[i], fmts[i]);
    }
    *out = x;
    return PL_OK;
}

static void note_error(pl_xlsx *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->failed == LXW_NO_ERROR)
        x->failed = e;
}

static void seen_width(pl_xlsx *x, size_t c, const char *s)
{
    double w = (double)pl_text_display_width(s) + 2.0;
    if (w > XLSX_MAX_WIDTH)
        w = XLSX_MAX_WIDTH;
    if (w > x->width[c])
        x->width[c] = w;
}

/* Column widths of the finished sheet. */
static void finish_sheet(pl_xlsx *x)
{
    if (!x->ws)
        return;
    for (size_t c = 0; c < x->ncols; c++)
        note_error(x, worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, x->width[c], NULL));
    x->ws = NULL;
}

int pl_xlsx_sheet(pl_xlsx *x, const char *name, const char *title, size_t ncols, const char *const *labels,
                  const unsigned char *numeric, pl_error *err)
{
    finish_sheet(x);
    if (x->failed)
        return pl_error_set(err, PL_ERR_IO, "workbook '%s': %s", x->path, lxw_strerror(x->failed));
    lxw_error v = workbook_validate_sheet_name(x->wb, name);
    if (v != LXW_NO_ERROR)
        return pl_error_set(err, PL_ERR_IO, "workbook '%s': sheet name '%s': %s", x->path, name, lxw_strerror(v));
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws)
        return pl_error_set(err, PL_ERR_IO, "workbook '%s': cannot add sheet '%s'", x->path, name);
    unsigned char *nm = calloc(ncols ? ncols : 1, 1);
    double *w = calloc(ncols ? ncols : 1, sizeof *w);
    if (!nm || !w) {
        free(nm);
        free(w);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    if (numeric)
        memcpy(nm, numeric, ncols);
    free(x->numeric);
    free(x->width);
    x->numeric = nm;
    x->width = w;
    x->ws = ws;
    x->ncols = ncols;
    x->row = 0;
    if (title)
        note_error(x, worksheet_write_string(ws, x->row++, 0, title, x->title));
    for (size_t c = 0; c < ncols; c++) {
        note_error(x, worksheet_write_string(ws, x->row, (lxw_col_t)c, labels[c], x->bold));
        seen_width(x, c, labels[c]);
    }
    x->row++;
    worksheet_freeze_panes(ws, x->row, 0);
    return x->failed ? pl_error_set(err, PL_ERR_IO, "workbook '%s': %s", x->path, lxw_strerror(x->failed)) : PL_OK;
}

int pl_xlsx_row(pl_xlsx *x, const char *const *cells, pl_error *err)
{
    if (!x->ws)
        return pl_error_set(err, PL_ERR_USAGE, "workbook '%s': a row before any sheet", x->path);
    for (size_t c = 0; c < x->ncols; c++) {
        const char *s = cells[c];
        if (!s || !*s)
            continue;
        double v;
        int dec;
        if (x->numeric[c] && pl_xlsx_is_number(s, &v, &dec))
            note_error(x, worksheet_write_number(x->ws, x->row, (lxw_col_t)c, v,
                                                 x->num[dec > XLSX_MAX_DECIMALS ? XLSX_MAX_DECIMALS : dec]));
        else
            note_error(x, worksheet_write_string(x->ws, x->row, (lxw_col_t)c, s, NULL));
        seen_width(x, c, s);
    }
    x->row++;
    return x->failed ? pl_error_set(err, PL_ERR_IO, "workbook '%s': %s", x->path, lxw_strerror(x->failed)) : PL_OK;
}

int pl_xlsx_close(pl_xlsx *x, pl_error *err)
{
    if (!x)
        return PL_OK;
    finish_sheet(x);
    lxw_error before = x->failed;
    lxw_error e = workbook_close(x->wb);
    int rc = PL_OK;
    if (before != LXW_NO_ERROR)
        rc = pl_error_set(err, PL_ERR_IO, "workbook '%s': %s", x->path, lxw_strerror(before));
    else if (e != LXW_NO_ERROR)
        rc = pl_error_set(err, PL_ERR_IO, "cannot write the workbook '%s': %s", x->path, lxw_strerror(e));
    free(x->numeric);
    free(x->width);
    free(x->path);
    free(x);
    return rc;
}

int pl_xlsx_write_stream(FILE *out, pl_xlsx_fill fill, void *ctx, pl_error *err)
{
    const char *tdir = getenv("TMPDIR");
    if (!tdir || !*tdir)
        tdir = "/tmp";
    char dir[4096], file[4200];
    if (snprintf(dir, sizeof dir, "%s/parkland-xlsx-XXXXXX", tdir) >= (int)sizeof dir)
        return pl_error_set(err, PL_ERR_IO, "TMPDIR is too long");
    if (!mkdtemp(dir))
        return pl_error_set(err, PL_ERR_IO, "cannot create a private directory for the workbook in '%s': %s", tdir,
                            strerror(errno));
    snprintf(file, sizeof file, "%s/workbook.xlsx", dir);
    pl_xlsx *x;
    int rc = pl_xlsx_open(file, &x, err);
    if (!rc) {
        rc = fill(x, ctx, err);
        pl_error e2;
        int crc = pl_xlsx_close(x, rc ? &e2 : err);
        if (!rc)
            rc = crc;
    }
    if (!rc) {
        int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            rc = pl_error_set(err, PL_ERR_IO, "cannot read back the workbook: %s", strerror(errno));
        } else {
            char buf[65536];
            ssize_t n;
            while ((n = read(fd, buf, sizeof buf)) > 0)
                if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
                    break;
            if (n < 0)
                rc = pl_error_set(err, PL_ERR_IO, "cannot read back the workbook: %s", strerror(errno));
            else if (n > 0 || ferror(out))
                rc = pl_error_set(err, PL_ERR_IO, "cannot write the workbook: %s", strerror(errno));
            close(fd);
        }
    }
    unlink(file);
    rmdir(dir);
    return rc;
}
