#include "testutil.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tu_tmpdir(void)
{
    static char dir[512];
    static pid_t owner;
    if (!dir[0] || owner != getpid()) {
        mkdir(TEST_TMP_DIR, 0755);
        snprintf(dir, sizeof dir, "%s/t%ld-XXXXXX", TEST_TMP_DIR, (long)getpid());
        cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
        owner = getpid();
    }
    return dir;
}

const char *tu_tmp(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", tu_tmpdir(), name);
    return b;
}

void tu_write_file(const char *path, const char *data, size_t len)
{
    if (len == (size_t)-1)
        len = strlen(data);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int tu_run(char **out, char **errout, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    const char *o = tu_tmp("run.stdout"), *e = tu_tmp("run.stderr");
    char full[9000];
    snprintf(full, sizeof full, "( %s ) >'%s' 2>'%s'", cmd, o, e);
    int st = system(full);
    if (out)
        *out = tu_read_file(o, NULL);
    if (errout)
        *errout = tu_read_file(e, NULL);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
