/*
 * fuzz_common.h — what the libFuzzer targets of tests/fuzz/ share (header
 * only: each target is one translation unit).
 *
 * Every reader takes a path, so each input is written to a file in a private
 * temporary directory (on /dev/shm when there is one) and read from there.
 * The reader's callback touches every byte the reader hands out (keys,
 * values, locations, coordinates), so that AddressSanitizer sees a feature
 * that points into freed or unterminated memory. When the reader accepts the
 * file and found at least one polygon, the same file then goes through the
 * whole importer (pl_import_parcels, --dry-run) into a real parkland
 * database made once per process: attribute mapping, structure checks, GEOS
 * validation and repair, the CRS transform, conflict and overlap checks
 * (the database holds the sample park's 48 parcels, so that inputs grown
 * from the samples meet existing codes and shapes; --on-conflict fail, skip
 * and update all occur).
 *
 * Environment: PARKLAND_FUZZ_NO_IMPORT=1 fuzzes the reader alone (faster).
 */
#ifndef PARKLAND_FUZZ_COMMON_H
#define PARKLAND_FUZZ_COMMON_H

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "reader.h"

static char fz_dir[512];
static pl_db *fz_db;
static int fz_import = 1;

/* Remove the private directory and everything in it (flat). */
static void fz_cleanup(void)
{
    if (fz_db) {
        pl_db_close(fz_db);
        fz_db = NULL;
    }
    if (!fz_dir[0])
        return;
    DIR *d = opendir(fz_dir);
    if (d) {
        struct dirent *de;
        char p[1024];
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            snprintf(p, sizeof p, "%s/%s", fz_dir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(fz_dir);
    fz_dir[0] = '\0';
}

static const char *fz_path(const char *name)
{
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", fz_dir, name);
    return b;
}

__attribute__((unused)) static void fz_write(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    if (len && fwrite(data, 1, len, f) != len) {
        perror(path);
        abort();
    }
    fclose(f);
}

/* Once per process: library, private directory and (unless disabled) a
 * parkland database with one park to import into. */
static void fz_init(void)
{
    pl_library_init();
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(fz_dir, sizeof fz_dir, "%s/parkland-fuzz-XXXXXX", base);
    if (!mkdtemp(fz_dir)) {
        perror(fz_dir);
        abort();
    }
    atexit(fz_cleanup);
    const char *no = getenv("PARKLAND_FUZZ_NO_IMPORT");
    fz_import = !(no && *no && strcmp(no, "0"));
    if (!fz_import)
        return;
    pl_error err;
    pl_error_clear(&err);
    if (pl_db_create(fz_path("fuzz.db"), 4528, &fz_db, &err) ||
        pl_park_add(fz_db, "FZ", "模糊测试园", "fuzz park", NULL, NULL, &err)) {
        fprintf(stderr, "fuzz: cannot set up the database: %s\n", err.message);
        abort();
    }
#ifdef PARKLAND_FUZZ_SAMPLES
    pl_import_options opt;
    pl_import_options_init(&opt);
    opt.park = "FZ";
    pl_import_result res;
    if (pl_import_parcels(fz_db, PARKLAND_FUZZ_SAMPLES "/parcels.txt", &opt, &res, &err) != PL_OK) {
        fprintf(stderr, "fuzz: cannot import the sample parcels: %s\n", err.message);
        abort();
    }
    pl_import_result_release(&res);
#endif
}

/* Touch everything a feature points to. */
static volatile size_t fz_sink;

static void fz_touch_str(const char *s)
{
    if (s)
        fz_sink += strlen(s);
}

static void fz_touch_info(const pl_source_info *info)
{
    if (!info)
        return;
    fz_sink += strnlen(info->crs_text, sizeof info->crs_text);
    fz_sink += strnlen(info->encoding, sizeof info->encoding);
    if (memchr(info->crs_text, 0, sizeof info->crs_text) == NULL ||
        memchr(info->encoding, 0, sizeof info->encoding) == NULL)
        abort(); /* a reader left a fixed buffer unterminated */
}

/* pl_note_fn: touch every note the reader gives. */
static void fz_on_note(void *ctx, const char *text)
{
    (void)ctx;
    fz_touch_str(text);
}

typedef struct fz_count {
    long features, polygons;
} fz_count;

static int fz_on_feature(const pl_feature *f, const pl_source_info *info, void *ctx)
{
    fz_count *c = ctx;
    c->features++;
    if (f->is_polygon)
        c->polygons++;
    fz_touch_str(f->where);
    fz_touch_str(f->kind);
    for (size_t i = 0; i < f->nattrs; i++) {
        fz_touch_str(f->attrs[i].key);
        fz_touch_str(f->attrs[i].value);
    }
    double acc = 0;
    for (size_t p = 0; p < f->geom.n; p++) {
        const pl_poly *poly = &f->geom.polys[p];
        for (size_t r = 0; r < poly->n; r++) {
            const pl_ring *ring = &poly->rings[r];
            if (ring->n > ring->cap)
                abort(); /* more points than allocated */
            for (size_t k = 0; k < 2 * ring->n; k++)
                acc += ring->xy[k];
        }
    }
    fz_sink += (size_t)(isfinite(acc) && acc > 0);
    fz_touch_info(info);
    return 0;
}

typedef int (*fz_reader)(const char *path, const pl_read_options *opt, pl_source_info *info,
                         pl_feature_cb cb, void *ctx, pl_error *err);

/* Read `path` with `reader`; when it is accepted and holds polygons, import
 * it (dry run) through the whole importer with format `fmt`. `size_hint`
 * picks the importer's options deterministically from the input. */
__attribute__((unused)) static void fz_read_and_import(fz_reader reader, pl_format fmt, const char *path, size_t size_hint)
{
    pl_read_options ro = {PL_ENCODING_AUTO, 0, fz_on_note, NULL};
    pl_source_info info;
    memset(&info, 0, sizeof info);
    pl_error err;
    pl_error_clear(&err);
    fz_count c = {0, 0};
    int rc = reader(path, &ro, &info, fz_on_feature, &c, &err);
    fz_touch_info(&info);
    if (memchr(err.message, 0, sizeof err.message) == NULL)
        abort();
    if (rc != PL_OK && !err.message[0])
        abort(); /* every refusal must say why */
    if (rc != PL_OK || c.polygons == 0 || !fz_import)
        return;

    pl_import_options opt;
    pl_import_options_init(&opt);
    opt.format = fmt;
    opt.park = "FZ";
    opt.dry_run = 1;
    opt.srid = info.srid > 0 ? 0 : 4528; /* get past "no CRS" to the geometry checks */
    opt.repair = (int)(size_hint & 1);
    opt.allow_overlap = (int)((size_hint >> 1) & 1);
    opt.on_conflict = (pl_on_conflict)((size_hint >> 2) % 3);
    pl_import_result res;
    pl_error_clear(&err);
    rc = pl_import_parcels(fz_db, path, &opt, &res, &err);
    for (size_t i = 0; i < res.nmessages; i++)
        fz_touch_str(res.messages[i].text);
    if (rc != PL_OK && !err.message[0] && res.nmessages == 0)
        abort();
    pl_import_result_release(&res);
}

#endif
