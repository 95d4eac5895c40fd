/*
 * shp_pack.h — one fuzz input holds a whole shapefile: its parts in the order
 * .shp .shx .dbf .prj .cpg, separated by FZ_SHP_SEP. An empty or missing part
 * means that file is absent. tests/fuzz/run packs the seed shapefiles this
 * way; tests/test_hostile.c unpacks the kept crash inputs the same way.
 * Header only (static functions).
 */
#ifndef PARKLAND_SHP_PACK_H
#define PARKLAND_SHP_PACK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FZ_SHP_SEP "#PKLSHP#"
#define FZ_SHP_NPARTS 5

static const char *const fz_shp_exts[FZ_SHP_NPARTS] = {".shp", ".shx", ".dbf", ".prj", ".cpg"};

/* Write `stem`.shp, .shx … from the packed input (removing stale parts).
 * Returns 0, or -1 when a file cannot be written. */
static int fz_shp_unpack(const uint8_t *data, size_t size, const char *stem)
{
    const size_t sl = sizeof FZ_SHP_SEP - 1;
    size_t pos = 0;
    for (int part = 0; part < FZ_SHP_NPARTS; part++) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s", stem, fz_shp_exts[part]);
        unlink(path);
        if (pos > size)
            continue;
        size_t end = size, next = size + 1;
        if (part < FZ_SHP_NPARTS - 1) {
            for (size_t i = pos; i + sl <= size; i++)
                if (memcmp(data + i, FZ_SHP_SEP, sl) == 0) {
                    end = i;
                    next = i + sl;
                    break;
                }
        }
        if (end > pos) {
            FILE *f = fopen(path, "wb");
            if (!f)
                return -1;
            size_t n = fwrite(data + pos, 1, end - pos, f);
            if (fclose(f) != 0 || n != end - pos)
                return -1;
        }
        pos = next;
    }
    return 0;
}

#endif
