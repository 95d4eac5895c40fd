/* fuzz_csv.c — libFuzzer target: the input is a .csv file given to
 * pl_csv_read (import/csv.c, libcsv), then, when it reads, to the lead import
 * (pl_lead_import, dry run) into the fuzz database. A crash input is an
 * ordinary .csv file: `parkland lead import` takes it as is. */
#include "fuzz_common.h"

#include "csv_reader.h"
#include "parkland/lead.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
}

static int on_row(const pl_csv_row *row, const pl_csv_info *info, void *ctx)
{
    long *rows = ctx;
    (*rows)++;
    if (row->nfields > PL_CSV_MAX_FIELDS)
        abort();
    for (size_t i = 0; i < row->nfields; i++) {
        fz_touch_str(row->fields[i]);
        if (strlen(row->fields[i]) > PL_CSV_MAX_FIELD)
            abort();
    }
    if (row->bad_field >= 0 && (size_t)row->bad_field >= row->nfields)
        abort();
    fz_touch_str(row->bad);
    if (memchr(info->encoding, 0, sizeof info->encoding) == NULL)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path("input.csv");
    fz_write(path, data, size);
    pl_csv_info info;
    memset(&info, 0, sizeof info);
    pl_error err;
    pl_error_clear(&err);
    long rows = 0;
    int rc = pl_csv_read(path, PL_ENCODING_AUTO, &info, on_row, &rows, &err);
    if (rc != PL_OK && !err.message[0])
        abort(); /* every refusal must say why */
    if (rc != PL_OK || rows == 0 || !fz_import)
        return 0;
    pl_lead_import_options opt = {PL_ENCODING_AUTO, 1};
    pl_lead_import_result res;
    pl_error_clear(&err);
    rc = pl_lead_import(fz_db, path, &opt, &res, &err);
    for (size_t i = 0; i < res.nmessages; i++)
        fz_touch_str(res.messages[i]);
    if (rc != PL_OK && !err.message[0] && res.nmessages == 0)
        abort();
    pl_lead_import_result_release(&res);
    return 0;
}
