#include "parkland/error.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The format in the language of the messages (parkland/i18n.h: the text
 * domain "parkland"; the msgid itself until a catalog is chosen). */
#define TR(fmt) dgettext("parkland", fmt)

void pl_error_clear(pl_error *err)
{
    if (!err)
        return;
    err->code = PL_OK;
    err->message[0] = '\0';
}

int pl_error_set(pl_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, TR(fmt), ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int pl_error_prefix(pl_error *err, const char *fmt, ...)
{
    if (!err)
        return PL_ERR_INPUT;
    char prefix[512], old[PL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, TR(fmt), ap);
    va_end(ap);
    memcpy(old, err->message, sizeof old);
    size_t n = strlen(prefix);
    if (n > sizeof err->message - 3)
        n = sizeof err->message - 3;
    memcpy(err->message, prefix, n);
    memcpy(err->message + n, ": ", 2);
    size_t room = sizeof err->message - n - 3;
    size_t m = strnlen(old, room);
    memcpy(err->message + n + 2, old, m);
    err->message[n + 2 + m] = '\0';
    return err->code;
}
