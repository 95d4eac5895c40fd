/* data_dir.h — where parkland's read-only data files (data/ in the source,
 * share/parkland/ once installed) are found at run time. */
#ifndef PL_DATA_DIR_H
#define PL_DATA_DIR_H

#include "parkland/error.h"

#include <stddef.h>

/* The full name of the data file NAME (e.g. "national_controls.csv") into
 * path[size]. The directory is, in this order:
 *   1. $PARKLAND_DATA_DIR when it is set and not empty — an explicit choice, so
 *      the only one looked at (the file need not exist: opening it reports that);
 *   2. PREFIX/share/parkland, PREFIX being the directory above the one that
 *      holds the running program (/proc/self/exe): the installed tree, wherever
 *      it was installed or moved to;
 *   3. the build tree's share/parkland (PARKLAND_BUILD_DATA_DIR, compiled in),
 *      for a program run from the build.
 * Among 2 and 3, the first that holds a readable NAME. PL_OK, or PL_ERR_IO with
 * err naming the directories looked in. */
int pl_data_path(const char *name, char *path, size_t size, pl_error *err);

/* The locale directory that holds PROBE (e.g. "zh_CN/LC_MESSAGES/parkland.mo")
 * into dir[size], in the same order: $PARKLAND_LOCALE_DIR (taken as it is),
 * PREFIX/share/locale beside the running program, the build tree's
 * share/locale (PARKLAND_BUILD_LOCALE_DIR). PL_OK, or PL_ERR_IO naming them. */
int pl_locale_dir(const char *probe, char *dir, size_t size, pl_error *err);

#endif
