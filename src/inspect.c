/* inspect.c — inspection records (巡查) with their photos and documents
 * (parkland/inspect.h, issue 15 §2). */
#include "parkland/inspect.h"
#include "parkland/i18n.h"

#include "date.h"
#include "db_internal.h"
#include "hash.h"
#include "output_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pl_inspection_file_type(const unsigned char *d, size_t n)
{
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (n >= 5 && !memcmp(d, "%PDF-", 5))
        return "application/pdf";
    return NULL;
}

typedef struct loaded {
    const char *path, *name;
    unsigned char *data;
    size_t size;
    const char *mime;
    char sha256[65];
} loaded;

/* Read `path` whole, refusing it beyond the limit (without reading it all). */
static int load_file(loaded *f, pl_error *err)
{
    FILE *fp = fopen(f->path, "rb");
    if (!fp)
        return pl_error_set(err, PL_ERR_IO, "cannot read '%s': %s", f->path, strerror(errno));
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap);
    int rc = PL_OK;
    while (buf) {
        if (n == cap) {
            if (cap > (size_t)PL_INSPECTION_FILE_MAX)
                break;
            unsigned char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf)
        rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    else if (ferror(fp))
        rc = pl_error_set(err, PL_ERR_IO, "cannot read '%s': %s", f->path, strerror(errno));
    else if (n > (size_t)PL_INSPECTION_FILE_MAX)
        rc = pl_error_set(err, PL_ERR_INPUT, "'%s' is larger than %ld MB, the limit for a photo or document",
                          f->path, PL_INSPECTION_FILE_MAX / (1024 * 1024));
    else if (n == 0)
        rc = pl_error_set(err, PL_ERR_INPUT, "'%s' is empty", f->path);
    else if (!(f->mime = pl_inspection_file_type(buf, n)))
        rc = pl_error_set(err, PL_ERR_INPUT,
                          "'%s' is not a JPEG, PNG or PDF file (its first bytes say neither); "
                          "attach photos or PDF documents", f->path);
    else if (pl_sha256_hex(buf, n, f->sha256))
        rc = pl_error_set(err, PL_ERR_IO, "cannot hash '%s'", f->path);
    fclose(fp);
    if (rc) {
        free(buf);
        return rc;
    }
    f->data = buf;
    f->size = n;
    const char *slash = strrchr(f->path, '/');
    f->name = slash ? slash + 1 : f->path;
    return PL_OK;
}

static int check_input(const pl_inspection_input *in, pl_error *err)
{
    char today[16];
    pl_today(today, sizeof today);
    if (!in->date || !pl_date_valid_years(in->date, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX) || strlen(in->date) != 10)
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a date (YYYY-MM-DD, a real calendar day)",
                            in->date ? in->date : "");
    if (strcmp(in->date, today) > 0)
        return pl_error_set(err, PL_ERR_USAGE, "inspection date %s is in the future", in->date);
    if (!isnan(in->progress_pct) && (in->progress_pct < 0 || in->progress_pct > 100))
        return pl_error_set(err, PL_ERR_USAGE, "progress %g %% is not between 0 and 100", in->progress_pct);
    if (!isnan(in->built_area_m2) && in->built_area_m2 < 0)
        return pl_error_set(err, PL_ERR_USAGE, "built area %g m² is negative", in->built_area_m2);
    if (!isnan(in->invested_wan) && in->invested_wan < 0)
        return pl_error_set(err, PL_ERR_USAGE, "investment %g 万元 is negative", in->invested_wan);
    if (in->stopped_since) {
        if (!pl_date_valid_years(in->stopped_since, PL_DATE_YEAR_MIN, PL_DATE_YEAR_MAX) ||
            strlen(in->stopped_since) != 10)
            return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a date (YYYY-MM-DD, a real calendar day)",
                                in->stopped_since);
        if (strcmp(in->stopped_since, in->date) > 0)
            return pl_error_set(err, PL_ERR_USAGE, "work stopped since %s, after the inspection on %s",
                                in->stopped_since, in->date);
    }
    return PL_OK;
}

/* The figures of an inspection as one line (English: the history's record). */
static void record_text(const pl_inspection_input *in, char *buf, size_t len)
{
    size_t n = 0;
    int w = snprintf(buf, len, "%s", in->date);
#define ADD(...)                                                                                                   \
    do {                                                                                                           \
        if (w >= 0 && (size_t)w < len - n)                                                                         \
            n += (size_t)w;                                                                                        \
        w = snprintf(buf + n, len - n, __VA_ARGS__);                                                               \
    } while (0)
    if (!isnan(in->progress_pct))
        ADD("; progress %.4g %%", in->progress_pct);
    if (!isnan(in->built_area_m2))
        ADD("; built %.2f m²", in->built_area_m2);
    if (!isnan(in->invested_wan))
        ADD("; invested %.4f 万元", in->invested_wan);
    if (in->stopped_since)
        ADD("; stopped since %s", in->stopped_since);
#undef ADD
}

int pl_inspection_add(pl_db *db, const char *park, const char *code, const pl_inspection_input *in, long *id,
                      pl_error *err)
{
    if (id)
        *id = 0;
    if (!code || !*code)
        return pl_error_set(err, PL_ERR_USAGE, "which parcel? (a parcel code)");
    int rc = check_input(in, err);
    if (rc)
        return rc;
    loaded *files = in->nfiles ? calloc(in->nfiles, sizeof *files) : NULL;
    if (in->nfiles && !files)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < in->nfiles && !rc; i++) {
        files[i].path = in->files[i];
        rc = load_file(&files[i], err);
        for (size_t j = 0; j < i && !rc; j++)
            if (!strcmp(files[j].sha256, files[i].sha256))
                rc = pl_error_set(err, PL_ERR_INPUT, "'%s' is the same file as '%s' (sha256 %s)", files[i].path,
                                  files[j].path, files[i].sha256);
    }
    long pid = 0, iid = 0;
    char pcode[128] = "";
    sqlite3_stmt *st = NULL;
    if (rc || (rc = pl_db_begin(db, err)))
        goto out;
    if ((rc = pl_parcel_find(db, park, code, &pid, NULL, 0, err)))
        goto fail;
    snprintf(pcode, sizeof pcode, "%s", code);
    char now[32];
    pl_now_iso(now, sizeof now);
    if ((rc = pl_db_prepare(db,
                            "INSERT INTO inspection(parcel_id, inspected_on, progress_pct, built_area_m2, invested_wan,"
                            " stopped_since, note, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                            &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, pid);
    pl_bind_text(st, 2, in->date);
    pl_bind_num(st, 3, in->progress_pct);
    pl_bind_num(st, 4, in->built_area_m2);
    pl_bind_num(st, 5, in->invested_wan);
    pl_bind_text(st, 6, in->stopped_since);
    pl_bind_text(st, 7, in->note && *in->note ? in->note : NULL);
    pl_bind_text(st, 8, now);
    pl_bind_text(st, 9, pl_db_user(db));
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot record the inspection");
        goto fail;
    }
    iid = (long)sqlite3_last_insert_rowid(db->h);
    sqlite3_finalize(st);
    st = NULL;
    char rec[512];
    record_text(in, rec, sizeof rec);
    if ((rc = pl_history_add_effective(db, "parcel", pid, pcode, "inspection", NULL, rec, in->note, in->date, 0, err)))
        goto fail;
    if (in->nfiles && (rc = pl_db_prepare(db,
                                          "INSERT INTO inspection_file(inspection_id, name, mime, size, sha256, data)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, err)))
        goto fail;
    for (size_t i = 0; i < in->nfiles; i++) {
        const loaded *f = &files[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, iid);
        pl_bind_text(st, 2, f->name);
        pl_bind_text(st, 3, f->mime);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)f->size);
        pl_bind_text(st, 5, f->sha256);
        sqlite3_bind_blob64(st, 6, f->data, f->size, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = pl_db_fail(db, err, "cannot store the file");
            pl_error_prefix(err, "file '%s'", f->path);
            goto fail;
        }
        char val[512];
        snprintf(val, sizeof val, "%s (%s, %zu bytes, sha256 %s)", f->name, f->mime, f->size, f->sha256);
        if ((rc = pl_history_add_effective(db, "parcel", pid, pcode, "inspection_file", NULL, val, NULL, in->date, 0,
                                           err)))
            goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = pl_db_commit(db, err)))
        goto out;
    if (id)
        *id = iid;
    goto out;
fail:
    sqlite3_finalize(st);
    pl_db_rollback(db);
out:
    for (size_t i = 0; i < in->nfiles && files; i++)
        free(files[i].data);
    free(files);
    return rc;
}

static const char *ctext(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int pl_inspection_each(pl_db *db, const char *park, const char *code, int (*cb)(const pl_inspection *, void *),
                       void *ctx, pl_error *err)
{
    long pid;
    char pk[64];
    int rc = pl_parcel_find(db, park, code, &pid, pk, sizeof pk, err);
    sqlite3_stmt *st = NULL, *fs = NULL;
    if (rc || (rc = pl_db_prepare_kept(db,
                                  "SELECT i.id, p.code, i.inspected_on, i.progress_pct, i.built_area_m2, i.invested_wan,"
                                  " i.stopped_since, i.note, i.created_at, i.created_by"
                                  " FROM inspection i JOIN parcel p ON p.id = i.parcel_id WHERE i.parcel_id = ?1"
                                  " ORDER BY i.inspected_on, i.id", &st, err)) ||
        (rc = pl_db_prepare_kept(db, "SELECT name, mime, size, sha256 FROM inspection_file WHERE inspection_id = ?1"
                                " ORDER BY id", &fs, err)))
        goto out;
    sqlite3_bind_int64(st, 1, pid);
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_inspection in = {0};
        in.id = (long)sqlite3_column_int64(st, 0);
        in.park = pk;
        in.code = ctext(st, 1);
        in.date = ctext(st, 2);
        in.progress_pct = pl_col_num(st, 3);
        in.built_area_m2 = pl_col_num(st, 4);
        in.invested_wan = pl_col_num(st, 5);
        in.stopped_since = ctext(st, 6);
        in.note = ctext(st, 7);
        in.at = ctext(st, 8);
        in.who = ctext(st, 9);
        /* the files: their strings copied (the statement is stepped once per file) */
        size_t n = 0, cap = 0;
        pl_inspection_file *f = NULL;
        char **strs = NULL;
        sqlite3_reset(fs);
        sqlite3_bind_int64(fs, 1, in.id);
        while (!rc && sqlite3_step(fs) == SQLITE_ROW) {
            if (n == cap) {
                cap = cap ? cap * 2 : 4;
                pl_inspection_file *nf = realloc(f, cap * sizeof *f);
                char **ns = nf ? realloc(strs, cap * 3 * sizeof *ns) : NULL;
                if (nf)
                    f = nf;
                if (ns)
                    strs = ns;
                if (!nf || !ns) {
                    rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                    break;
                }
            }
            strs[3 * n] = strdup(ctext(fs, 0));
            strs[3 * n + 1] = strdup(ctext(fs, 1));
            strs[3 * n + 2] = strdup(ctext(fs, 3));
            f[n].name = strs[3 * n];
            f[n].mime = strs[3 * n + 1];
            f[n].size = (long)sqlite3_column_int64(fs, 2);
            f[n].sha256 = strs[3 * n + 2];
            n++;
        }
        in.nfiles = n;
        in.files = f;
        if (!rc)
            rc = cb(&in, ctx);
        for (size_t k = 0; k < 3 * n; k++)
            free(strs[k]);
        free(strs);
        free(f);
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read the inspections");
out:
    pl_db_kept_done(db, st);
    pl_db_kept_done(db, fs);
    return rc;
}

void pl_inspection_text(const pl_inspection *in, char *buf, size_t len)
{
    if (!len)
        return;
    size_t n = 0;
    int w = snprintf(buf, len, "%s", in->date);
#define ADD(...)                                                                                                   \
    do {                                                                                                           \
        if (w >= 0 && (size_t)w < len - n)                                                                         \
            n += (size_t)w;                                                                                        \
        else                                                                                                       \
            n = len - 1;                                                                                           \
        w = snprintf(buf + n, len - n, __VA_ARGS__);                                                               \
    } while (0)
    if (!isnan(in->progress_pct))
        ADD(pl_tr("; progress %.4g %%"), in->progress_pct);
    if (!isnan(in->built_area_m2))
        ADD(pl_tr("; built %.2f m²"), in->built_area_m2);
    if (!isnan(in->invested_wan))
        ADD(pl_tr("; invested %.2f 万元"), in->invested_wan);
    if (in->stopped_since)
        ADD(pl_tr("; stopped since %s"), in->stopped_since);
    if (in->note && *in->note)
        ADD("; %s", in->note);
    for (size_t i = 0; i < in->nfiles; i++)
        ADD(pl_tr("; file %s (%ld bytes, sha256 %s)"), in->files[i].name, in->files[i].size, in->files[i].sha256);
#undef ADD
}

int pl_inspection_file_get(pl_db *db, const char *sha256, unsigned char **data, size_t *size, char name[256],
                           char mime[32], pl_error *err)
{
    *data = NULL;
    *size = 0;
    char key[65];
    size_t n = sha256 ? strlen(sha256) : 0;
    if (n < 8 || n > 64)
        return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a sha256 (8 to 64 hex digits)", sha256 ? sha256 : "");
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)sha256[i]))
            return pl_error_set(err, PL_ERR_USAGE, "'%s' is not a sha256 (8 to 64 hex digits)", sha256);
        key[i] = (char)tolower((unsigned char)sha256[i]);
    }
    key[n] = '\0';
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db,
                           /* a range of the index on sha256 for a prefix (?3 = ?1 || 'g', past
                            * every hex digit), the same for all 64 */
                           "SELECT name, mime, data, (SELECT count(DISTINCT sha256) FROM inspection_file"
                           " WHERE sha256 >= ?1 AND sha256 < ?3) FROM inspection_file"
                           " WHERE sha256 >= ?1 AND sha256 < ?3 ORDER BY id LIMIT 1", &st, err);
    if (rc)
        return rc;
    char upper[72];
    snprintf(upper, sizeof upper, "%sg", key);
    pl_bind_text(st, 1, key);
    pl_bind_text(st, 3, upper);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc = pl_error_set(err, PL_ERR_NOTFOUND, "no stored file with sha256 '%s'", sha256);
    else if (step != SQLITE_ROW)
        rc = pl_db_fail(db, err, "cannot read the stored file");
    else if (sqlite3_column_int(st, 3) > 1)
        rc = pl_error_set(err, PL_ERR_USAGE, "sha256 '%s' names %d files; give more digits", sha256,
                          sqlite3_column_int(st, 3));
    else {
        size_t len = (size_t)sqlite3_column_bytes(st, 2);
        unsigned char *p = malloc(len ? len : 1);
        if (!p)
            rc = pl_error_set(err, PL_ERR_NOMEM, "out of memory");
        else {
            if (len)
                memcpy(p, sqlite3_column_blob(st, 2), len);
            *data = p;
            *size = len;
            if (name)
                snprintf(name, 256, "%s", ctext(st, 0));
            if (mime)
                snprintf(mime, 32, "%s", ctext(st, 1));
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int pl_inspection_file_save(pl_db *db, const char *sha256, const char *path, int force, char name[256], size_t *size,
                            pl_error *err)
{
    unsigned char *data;
    size_t n;
    int rc = pl_output_file_check(path, force, err);
    if (rc || (rc = pl_inspection_file_get(db, sha256, &data, &n, name, NULL, err)))
        return rc;
    pl_output_file o;
    if (!(rc = pl_output_file_open(&o, path, force, err))) {
        if (fwrite(data, 1, n, o.f) != n) {
            rc = pl_error_set(err, PL_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
            pl_output_file_abort(&o);
        } else {
            rc = pl_output_file_commit(&o, err);
        }
    }
    free(data);
    if (!rc && size)
        *size = n;
    return rc;
}
