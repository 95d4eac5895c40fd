/* test_output_file.c — src/output_file.c, the one way export -o and report -o
 * write a file: a temporary file beside the target (O_EXCL | O_NOFOLLOW),
 * fsync, rename; nothing left and the old target kept on any failure. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_file.h"
#include "testutil.h"

static long leftovers(void)
{
    DIR *d = opendir(tu_tmpdir());
    cr_assert_not_null(d);
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".part-") != NULL;
    closedir(d);
    return n;
}

static void assert_file(const char *path, const char *want)
{
    char *c = tu_read_file(path, NULL);
    cr_assert_not_null(c, "'%s' is missing", path);
    cr_assert_str_eq(c, want, "%s", path);
    free(c);
}

Test(output_file, writes_a_new_file_and_replaces_one_only_with_force)
{
    pl_error err;
    pl_error_clear(&err);
    pl_output_file o;
    const char *path = tu_tmp("a.txt");
    cr_assert_eq(pl_output_file_open(&o, path, 0, &err), PL_OK, "%s", err.message);
    cr_assert_eq(access(path, F_OK), -1, "nothing at the target before the commit");
    fputs("first", o.f);
    cr_assert_eq(pl_output_file_commit(&o, &err), PL_OK, "%s", err.message);
    assert_file(path, "first");
    cr_assert_eq(pl_output_file_open(&o, path, 0, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "already exists; add --force to replace it"), "%s", err.message);
    cr_assert_eq(pl_output_file_open(&o, path, 1, &err), PL_OK, "%s", err.message);
    fputs("second", o.f);
    cr_assert_eq(pl_output_file_commit(&o, &err), PL_OK, "%s", err.message);
    assert_file(path, "second");
    cr_assert_eq(leftovers(), 0);
}

Test(output_file, a_file_that_appears_meanwhile_is_kept)
{
    pl_error err;
    pl_error_clear(&err);
    pl_output_file o;
    const char *path = tu_tmp("race.txt");
    cr_assert_eq(pl_output_file_open(&o, path, 0, &err), PL_OK, "%s", err.message);
    fputs("ours", o.f);
    tu_write_file(path, "theirs", (size_t)-1);
    cr_assert_eq(pl_output_file_commit(&o, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "already exists"), "%s", err.message);
    assert_file(path, "theirs");
    cr_assert_eq(leftovers(), 0);
}

Test(output_file, links_are_never_followed)
{
    pl_error err;
    pl_error_clear(&err);
    pl_output_file o;
    const char *target = tu_tmp("target.txt");
    tu_write_file(target, "target", (size_t)-1);
    const char *link = tu_tmp("link.txt");
    cr_assert_eq(symlink(target, link), 0);
    for (int force = 0; force < 2; force++) {
        cr_assert_eq(pl_output_file_open(&o, link, force, &err), PL_ERR_INPUT);
        cr_assert(strstr(err.message, "is a symbolic link"), "%s", err.message);
    }
    cr_assert_eq(pl_output_file_open(&o, tu_tmpdir(), 1, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "is a directory"), "%s", err.message);
    cr_assert_eq(pl_output_file_open(&o, "/dev/null", 1, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "not a regular file"), "%s", err.message);

    /* links planted at the first temporary names: skipped, neither followed nor reused */
    const char *path = tu_tmp("out.txt");
    char planted[2][1024];
    for (int k = 0; k < 2; k++) {
        snprintf(planted[k], sizeof planted[k], "%s/.out.txt.part-%ld-%d", tu_tmpdir(), (long)getpid(), k);
        cr_assert_eq(symlink(k ? tu_tmp("made-by-link") : target, planted[k]), 0);
    }
    cr_assert_eq(pl_output_file_open(&o, path, 0, &err), PL_OK, "%s", err.message);
    cr_assert(strstr(o.tmp, ".part-") && strcmp(o.tmp, planted[0]) && strcmp(o.tmp, planted[1]), "%s", o.tmp);
    fputs("out", o.f);
    cr_assert_eq(pl_output_file_commit(&o, &err), PL_OK, "%s", err.message);
    assert_file(path, "out");
    assert_file(target, "target");
    cr_assert_eq(access(tu_tmp("made-by-link"), F_OK), -1);
    struct stat sb;
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(lstat(planted[k], &sb), 0);
        cr_assert(S_ISLNK(sb.st_mode));
        unlink(planted[k]);
    }
    cr_assert_eq(leftovers(), 0);
}

Test(output_file, a_failure_keeps_the_old_file_and_leaves_nothing)
{
    pl_error err;
    pl_error_clear(&err);
    pl_output_file o;
    const char *path = tu_tmp("old.txt");
    tu_write_file(path, "old", (size_t)-1);
    /* the writer gives up */
    cr_assert_eq(pl_output_file_open(&o, path, 1, &err), PL_OK, "%s", err.message);
    fputs("half", o.f);
    fflush(o.f);
    pl_output_file_abort(&o);
    assert_file(path, "old");
    cr_assert_eq(leftovers(), 0);
    /* the disk refuses (the file size limit, as a full disk would): caught at commit */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old_lim, lim;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old_lim), 0);
    lim = old_lim;
    lim.rlim_cur = 4096;
    cr_assert_eq(pl_output_file_open(&o, path, 1, &err), PL_OK, "%s", err.message);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    for (int i = 0; i < 1000; i++)
        fputs("0123456789abcdef", o.f);
    int rc = pl_output_file_commit(&o, &err);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old_lim), 0);
    cr_assert_eq(rc, PL_ERR_IO, "%s", err.message);
    cr_assert(strstr(err.message, "cannot write") && strstr(err.message, "old.txt"), "%s", err.message);
    assert_file(path, "old");
    cr_assert_eq(leftovers(), 0);
    /* a missing directory: an error, nothing created */
    cr_assert_eq(pl_output_file_open(&o, tu_tmp("no/such/dir.txt"), 0, &err), PL_ERR_IO);
    cr_assert(strstr(err.message, "cannot create a temporary file next to"), "%s", err.message);
}

Test(output_file, the_umask_decides_the_mode)
{
    pl_error err;
    pl_error_clear(&err);
    pl_output_file o;
    const char *path = tu_tmp("mode.txt");
    mode_t old = umask(027);
    cr_assert_eq(pl_output_file_open(&o, path, 0, &err), PL_OK, "%s", err.message);
    umask(old);
    cr_assert_eq(pl_output_file_commit(&o, &err), PL_OK, "%s", err.message);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0640);
}
