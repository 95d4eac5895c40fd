/* output_file.c — a user-named output file written safely (see output_file.h). */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXISTS_FMT "'%s' already exists; add --force to replace it"

int pl_output_file_check(const char *path, int force, pl_error *err)
{
    if (!path || !*path)
        return pl_error_set(err, PL_ERR_USAGE, "no output file");
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        if (S_ISLNK(sb.st_mode))
            return pl_error_set(err, PL_ERR_INPUT, "'%s' is a symbolic link; parkland never writes through one "
                                "(remove it or choose another file)", path);
        if (S_ISDIR(sb.st_mode))
            return pl_error_set(err, PL_ERR_INPUT, "'%s' is a directory; name the file to write", path);
        if (!S_ISREG(sb.st_mode))
            return pl_error_set(err, PL_ERR_INPUT, "'%s' is not a regular file; parkland only writes files", path);
        if (!force)
            return pl_error_set(err, PL_ERR_INPUT, EXISTS_FMT, path);
    } else if (errno != ENOENT) {
        return pl_error_set(err, PL_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    }
    const char *slash = strrchr(path, '/');
    if (!*(slash ? slash + 1 : path))
        return pl_error_set(err, PL_ERR_USAGE, "'%s' names a directory, not a file", path);
    return PL_OK;
}

static void release(pl_output_file *o)
{
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    o->fd = -1;
}

int pl_output_file_open(pl_output_file *o, const char *path, int force, pl_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    int rc = pl_output_file_check(path, force, err);
    if (rc)
        return rc;
    /* the temporary file: same directory, so the rename is atomic */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    size_t tlen = strlen(path) + 64;
    o->path = strdup(path);
    o->tmp = malloc(tlen);
    if (!o->path || !o->tmp) {
        release(o);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    int fd = -1;
    for (unsigned attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(o->tmp, tlen, "%.*s%s.%s.part-%ld-%u", (int)dirlen, path, slash ? "/" : "", base, (long)getpid(),
                 attempt);
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) {
            int e = errno;
            pl_error_set(err, PL_ERR_IO, "cannot create a temporary file next to '%s': %s", path, strerror(e));
            release(o);
            return PL_ERR_IO;
        }
    }
    if (fd < 0) {
        rc = pl_error_set(err, PL_ERR_IO, "cannot create a temporary file next to '%s'", path);
        release(o);
        return rc;
    }
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        release(o);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    o->fd = fd;
    o->force = force;
    return PL_OK;
}

void pl_output_file_abort(pl_output_file *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}

int pl_output_file_reopen(pl_output_file *o, pl_error *err)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    o->fd = -1;
    int fd = open(o->tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || !(o->f = fdopen(fd, "r+b"))) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return pl_error_set(err, PL_ERR_IO, "cannot write '%s': %s", o->path, strerror(e));
    }
    o->fd = fd;
    return PL_OK;
}

/* fsync the directory holding path, so that the rename survives a power loss. */
static int sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return ENOMEM;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int e = fd < 0 ? errno : 0;
    free(dir);
    if (fd >= 0) {
        if (fsync(fd) && errno != EINVAL) /* EINVAL: a file system that cannot sync a directory */
            e = errno;
        close(fd);
    }
    return e;
}

int pl_output_file_commit(pl_output_file *o, pl_error *err)
{
    int rc = PL_OK;
    const char *path = o->path;
    if (fflush(o->f) || ferror(o->f) || fsync(o->fd))
        rc = pl_error_set(err, PL_ERR_IO, "cannot write '%s': %s", path, errno ? strerror(errno) : "write error");
    if (fclose(o->f) && !rc)
        rc = pl_error_set(err, PL_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    o->f = NULL;
    int moved = 0;
    if (!rc) {
        struct stat sb;
        if (o->force) {
            if (rename(o->tmp, path))
                rc = pl_error_set(err, PL_ERR_IO, "cannot move the output into '%s': %s", path, strerror(errno));
            else
                moved = 1;
        } else if (link(o->tmp, path)) {
            /* link() refuses an existing target atomically; where the file system has no hard
             * links, fall back to a checked rename */
            if (errno == EEXIST || lstat(path, &sb) == 0)
                rc = pl_error_set(err, PL_ERR_INPUT, EXISTS_FMT, path);
            else if (rename(o->tmp, path))
                rc = pl_error_set(err, PL_ERR_IO, "cannot move the output into '%s': %s", path, strerror(errno));
            else
                moved = 1;
        }
    }
    if (!moved)
        unlink(o->tmp); /* after link(), or after a failure */
    if (!rc) {
        int e = sync_dir(path);
        if (e)
            rc = pl_error_set(err, PL_ERR_IO, "wrote '%s' but cannot sync its directory: %s", path, strerror(e));
    }
    release(o);
    return rc;
}
