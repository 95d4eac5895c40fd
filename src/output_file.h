/* output_file.h — a file the user names (export -o, report -o), written so
 * that it is never half written, never written through a symbolic link and
 * never replaced unless asked (internal).
 *
 * pl_output_file_open checks the target (a symbolic link, a directory or
 * anything but a regular file is refused; an existing file is refused unless
 * `force`) and creates a temporary file beside it, ".NAME.part-PID-N", with
 * O_CREAT | O_EXCL | O_NOFOLLOW (mode 0666 less the umask): nothing planted
 * at that name is followed or reused. The caller writes to `f`.
 * pl_output_file_commit flushes and fsyncs the temporary file, moves it into
 * place (rename with `force`; else link(), which never replaces a file that
 * appeared meanwhile) and fsyncs the directory. On any failure of commit, and
 * on pl_output_file_abort, the temporary file is removed and the target is
 * as it was. Both release everything `open` took. */
#ifndef PARKLAND_OUTPUT_FILE_H
#define PARKLAND_OUTPUT_FILE_H

#include "parkland/error.h"

#include <stdio.h>

typedef struct pl_output_file {
    FILE *f;   /* write here (binary) */
    int fd;    /* the descriptor of f, for hints such as sync_file_range */
    char *path; /* owned copy of the target */
    char *tmp;  /* owned: the temporary file */
    int force;
} pl_output_file;

/* Errors: PL_ERR_USAGE (no path, a path ending in '/'), PL_ERR_INPUT (the
 * target is a link, a directory, not a regular file, or exists without
 * force), PL_ERR_IO (cannot create the temporary file), PL_ERR_NOMEM. On
 * error nothing is created and *o holds nothing to release. */
int pl_output_file_open(pl_output_file *o, const char *path, int force, pl_error *err);
/* Checks of pl_output_file_open on the target only (nothing is created). */
int pl_output_file_check(const char *path, int force, pl_error *err);
/* Errors: PL_ERR_IO (write, fsync, rename), PL_ERR_INPUT (the target
 * appeared meanwhile, without force). */
int pl_output_file_commit(pl_output_file *o, pl_error *err);
void pl_output_file_abort(pl_output_file *o);
/* The temporary file was replaced at its name by a library that writes whole
 * files itself (libzip's zip_close renames its own file over o->tmp): open
 * what is at o->tmp now as `f`/`fd`, so commit syncs and moves that file.
 * Errors: PL_ERR_IO (o->tmp cannot be opened; `f` is NULL then and abort
 * still removes o->tmp). */
int pl_output_file_reopen(pl_output_file *o, pl_error *err);

#endif
