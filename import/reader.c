/* reader.c — what every format reader does the same way: take its entry
 * arguments (pl_read_begin), open its file (pl_read_open), and hand its
 * notes to the caller (pl_read_note). */
#include "reader.h"

#include <errno.h>
#include <stdlib.h>

void pl_read_begin(pl_read_args *a, const pl_read_options *opt, pl_source_info *info, pl_error *err)
{
    static const pl_read_options defaults = {PL_ENCODING_AUTO, 0, NULL, NULL};
    a->opt = opt ? opt : &defaults;
    a->info = info ? info : &a->local_info;
    a->err = err ? err : &a->local_err;
    memset(a->info, 0, sizeof *a->info);
    pl_error_clear(a->err);
}

FILE *pl_read_open(const char *path, pl_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        pl_error_set(err, PL_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    return f;
}

void pl_read_vnote(const pl_read_options *opt, const char *fmt, va_list ap)
{
    if (!opt || !opt->note)
        return;
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        opt->note(opt->note_ctx, small);
    } else if (n >= 0) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            opt->note(opt->note_ctx, big);
            free(big);
        }
    }
    va_end(again);
}

void pl_read_note(const pl_read_options *opt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pl_read_vnote(opt, fmt, ap);
    va_end(ap);
}
