/* fuzz_shp.c — libFuzzer target: the input is a packed shapefile (see
 * shp_pack.h: .shp, .shx, .dbf, .prj, .cpg separated by "#PKLSHP#"), unpacked
 * beside each other and given to pl_read_shp (import/shp.c, shapelib), then,
 * when accepted, to the importer (dry run). */
#include "fuzz_common.h"
#include "shp_pack.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *stem = fz_path("input");
    char shp[1024];
    snprintf(shp, sizeof shp, "%s.shp", stem);
    if (fz_shp_unpack(data, size, stem) != 0)
        abort();
    fz_read_and_import(pl_read_shp, PL_FORMAT_SHP, shp, size);
    return 0;
}
