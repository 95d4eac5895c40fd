/* data_dir.c — finding the data files: $PARKLAND_DATA_DIR, the installed
 * prefix, the build tree (data_dir.h). */
#include "data_dir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PARKLAND_INSTALL_DATA_SUBDIR
#define PARKLAND_INSTALL_DATA_SUBDIR "share/parkland"
#endif
#ifndef PARKLAND_BUILD_DATA_DIR
#define PARKLAND_BUILD_DATA_DIR ""
#endif
#ifndef PARKLAND_INSTALL_LOCALE_SUBDIR
#define PARKLAND_INSTALL_LOCALE_SUBDIR "share/locale"
#endif
#ifndef PARKLAND_BUILD_LOCALE_DIR
#define PARKLAND_BUILD_LOCALE_DIR ""
#endif

/* PREFIX/share/parkland (CMake's DATADIR/parkland) for the running program
 * PREFIX/bin/parkland into dir[size]; 0 when /proc/self/exe cannot be read or
 * has no parent directory. */
static int installed_dir_of(const char *subdir, char *dir, size_t size)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || (size_t)n >= sizeof exe - 1)
        return 0;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) { /* drop the program's name, then its directory (bin) */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return 0;
        *slash = '\0';
    }
    int len = snprintf(dir, size, "%s/%s", exe, subdir);
    return len > 0 && (size_t)len < size;
}

static int installed_dir(char *dir, size_t size)
{
    return installed_dir_of(PARKLAND_INSTALL_DATA_SUBDIR, dir, size);
}

static int readable_in(const char *dir, const char *name, char *path, size_t size)
{
    int len = snprintf(path, size, "%s/%s", dir, name);
    return len > 0 && (size_t)len < size && access(path, R_OK) == 0;
}

int pl_data_path(const char *name, char *path, size_t size, pl_error *err)
{
    const char *env = getenv("PARKLAND_DATA_DIR");
    if (env && *env) {
        int len = snprintf(path, size, "%s/%s", env, name);
        if (len < 0 || (size_t)len >= size)
            return pl_error_set(err, PL_ERR_IO, "the data directory '%s' (PARKLAND_DATA_DIR) is too long", env);
        return PL_OK;
    }
    char installed[4096] = "";
    if (installed_dir(installed, sizeof installed) && readable_in(installed, name, path, size))
        return PL_OK;
    if (*PARKLAND_BUILD_DATA_DIR && readable_in(PARKLAND_BUILD_DATA_DIR, name, path, size))
        return PL_OK;
    return pl_error_set(err, PL_ERR_IO,
                        "cannot find the data file '%s' in '%s' (the installed data) or '%s' (the build tree); "
                        "set PARKLAND_DATA_DIR to the directory that holds it",
                        name, *installed ? installed : "(unknown program path)",
                        *PARKLAND_BUILD_DATA_DIR ? PARKLAND_BUILD_DATA_DIR : "(none)");
}

int pl_locale_dir(const char *probe, char *dir, size_t size, pl_error *err)
{
    const char *env = getenv("PARKLAND_LOCALE_DIR");
    char path[4096];
    if (env && *env) {
        int len = snprintf(dir, size, "%s", env);
        if (len < 0 || (size_t)len >= size)
            return pl_error_set(err, PL_ERR_IO, "the locale directory '%s' (PARKLAND_LOCALE_DIR) is too long", env);
        return PL_OK;
    }
    char installed[4096] = "";
    if (installed_dir_of(PARKLAND_INSTALL_LOCALE_SUBDIR, installed, sizeof installed) &&
        readable_in(installed, probe, path, sizeof path) && (size_t)snprintf(dir, size, "%s", installed) < size)
        return PL_OK;
    if (*PARKLAND_BUILD_LOCALE_DIR && readable_in(PARKLAND_BUILD_LOCALE_DIR, probe, path, sizeof path) &&
        (size_t)snprintf(dir, size, "%s", PARKLAND_BUILD_LOCALE_DIR) < size)
        return PL_OK;
    return pl_error_set(err, PL_ERR_IO,
                        "cannot find the translations '%s' in '%s' (the installed ones) or '%s' (the build tree); "
                        "set PARKLAND_LOCALE_DIR to the directory that holds them",
                        probe, *installed ? installed : "(unknown program path)",
                        *PARKLAND_BUILD_LOCALE_DIR ? PARKLAND_BUILD_LOCALE_DIR : "(none)");
}
