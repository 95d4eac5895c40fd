/* testutil.h — helpers shared by the Criterion suites. */
#ifndef PARKLAND_TESTUTIL_H
#define PARKLAND_TESTUTIL_H

#include <stddef.h>

/* A fresh, empty temporary directory for this test process; path owned by testutil. */
const char *tu_tmpdir(void);
/* Join tu_tmpdir() and name into a static buffer (one of 8 rotating buffers). */
const char *tu_tmp(const char *name);
/* Write `len` bytes (len == (size_t)-1: strlen) to path; aborts the test on failure. */
void tu_write_file(const char *path, const char *data, size_t len);
/* Read a whole file; caller frees; *len gets the size. NULL when missing. */
char *tu_read_file(const char *path, size_t *len);
/* Run a shell command line; captured stdout/stderr returned in malloc'd strings
 * (caller frees, may pass NULL to discard). Returns the exit status (or 128+signal). */
int tu_run(char **out, char **errout, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
