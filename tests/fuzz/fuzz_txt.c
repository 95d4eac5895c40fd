/* fuzz_txt.c — libFuzzer target: the input is a .txt file given to
 * pl_read_txt (import/txt.c), then, when accepted, to the importer (dry run).
 * A crash input is an ordinary .txt file: `parkland import parcels` takes it as is. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path("input.txt");
    fz_write(path, data, size);
    fz_read_and_import(pl_read_txt, PL_FORMAT_TXT, path, size);
    return 0;
}
