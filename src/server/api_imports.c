/* api_imports.c — POST /api/v1/imports (the file as the body: the importer's dry run, its report
 * and the would-be parcels as GeoJSON), POST /api/v1/imports/ID/commit, DELETE /api/v1/imports/ID.
 * The file waits in the server's staging directory (staging.h) between the dry run and the commit;
 * a shapefile comes as a zip of its .shp, .shx, .dbf (.prj, .cpg). */
#include "http.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "parkland/i18n.h"
#include "parkland/import.h"
#include "parkland/parse.h"
#include "parkland/units.h"

#define SPOOL_NAME ".upload"

int pl_upload_begin(pl_req *r)
{
    pl_staging *st = pl_server_staging(r->srv);
    char path[PATH_MAX + 16];
    if (pl_staging_new_dir(st, r->spool_id, r->spool_dir, sizeof r->spool_dir)) {
        r->spool_dir[0] = '\0';
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot keep the upload");
        return 1;
    }
    snprintf(path, sizeof path, "%s/" SPOOL_NAME, r->spool_dir);
    if (!(r->spool = fopen(path, "wb"))) {
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot keep the upload");
        return 1;
    }
    return 0;
}

/* A file name from the client, as a name in the staging directory: its last path component, not
 * empty, not starting with '.', no control character; 0 when it is not one. */
static int safe_name(const char *given, char *out, size_t len)
{
    const char *b = given;
    for (const char *p = given; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    if (!*b || *b == '.' || strlen(b) >= len || strlen(b) > 200)
        return 0;
    for (const unsigned char *p = (const unsigned char *)b; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    json_t *utf8 = json_string(b); /* the name goes into JSON answers and the batch: UTF-8 only */
    if (!utf8)
        return 0;
    json_decref(utf8);
    snprintf(out, len, "%s", b);
    return 1;
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && !strcasecmp(name + n - e, ext);
}

/* The files of a zip into dir (flat: the entries' base names, the formats parkland reads and a
 * shapefile's side files only); the file to import into `file`: the .shp, else the only other one.
 * NULL, or the reason it was refused. */
static const char *unzip_upload(const char *zip_path, const char *dir, char *file, size_t flen, size_t max_total)
{
    static const char *const exts[] = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".txt", ".geojson", ".json", ".kml"};
    int code;
    zip_t *za = zip_open(zip_path, ZIP_RDONLY, &code);
    if (!za)
        return N_("the upload is not a zip archive");
    const char *why = NULL;
    zip_int64_t n = zip_get_num_entries(za, 0);
    size_t total = 0, shp = 0, others = 0;
    char other[PATH_MAX + 256] = "";
    for (zip_int64_t i = 0; i < n && !why; i++) {
        zip_stat_t zs;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) || !(zs.valid & ZIP_STAT_NAME) || !(zs.valid & ZIP_STAT_SIZE)) {
            why = N_("the zip archive is damaged");
            break;
        }
        char name[256];
        size_t nl = strlen(zs.name);
        if (nl && zs.name[nl - 1] == '/') /* a directory entry */
            continue;
        if (!safe_name(zs.name, name, sizeof name))
            continue; /* __MACOSX/._x and the like */
        int wanted = 0;
        for (size_t k = 0; k < sizeof exts / sizeof *exts; k++)
            wanted |= has_ext(name, exts[k]);
        if (!wanted)
            continue;
        if ((total += zs.size) > max_total) {
            why = N_("the zip archive unpacks to more than the upload limit");
            break;
        }
        char path[PATH_MAX + 256];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= flen) {
            why = N_("the zip archive is damaged");
            break;
        }
        FILE *out = fopen(path, "wbx"); /* a name twice in the archive is refused, not overwritten */
        zip_file_t *zf = out ? zip_fopen_index(za, (zip_uint64_t)i, 0) : NULL;
        if (!out || !zf) {
            why = out ? N_("the zip archive is damaged") : N_("the zip archive holds a file name twice");
            if (out)
                fclose(out);
            break;
        }
        char buf[65536];
        zip_int64_t got;
        zip_uint64_t written = 0;
        while ((got = zip_fread(zf, buf, sizeof buf)) > 0) {
            written += (zip_uint64_t)got;
            if (written > zs.size || fwrite(buf, 1, (size_t)got, out) != (size_t)got) {
                got = -1;
                break;
            }
        }
        zip_fclose(zf);
        if (fclose(out) || got < 0) {
            why = N_("the zip archive is damaged");
            break;
        }
        if (has_ext(name, ".shp")) {
            shp++;
            snprintf(file, flen, "%s", path);
        } else if (!has_ext(name, ".shx") && !has_ext(name, ".dbf") && !has_ext(name, ".prj") &&
                   !has_ext(name, ".cpg")) {
            others++;
            snprintf(other, sizeof other, "%s", path);
        }
    }
    zip_discard(za);
    if (why)
        return why;
    if (shp + others != 1)
        return N_("the zip archive must hold one file to import (a .shp with its .shx and .dbf, or one TXT, "
                  "GeoJSON or KML file)");
    if (!shp)
        snprintf(file, flen, "%s", other);
    return NULL;
}

/* The import's options from its parameters (strings; borrowed from params): 1, or 0 after answering 400. */
static int import_options(pl_req *r, json_t *params, pl_import_options *o)
{
    pl_import_options_init(o);
    const char *v;
    o->park = pl_json_str(params, "park");
    o->status = pl_json_str(params, "status");
    o->code_prefix = pl_json_str(params, "code_prefix");
    o->source_name = pl_json_str(params, "filename");
    if ((v = pl_json_str(params, "format"))) {
        int f = pl_format_parse(v);
        if (f < 0) {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "format is auto, txt, geojson, kml or shp, not '%s'", v);
            return 0;
        }
        o->format = (pl_format)f;
    }
    if ((v = pl_json_str(params, "encoding"))) {
        if (!strcasecmp(v, "auto"))
            o->encoding = PL_ENCODING_AUTO;
        else if (!strcasecmp(v, "utf-8") || !strcasecmp(v, "utf8"))
            o->encoding = PL_ENCODING_UTF8;
        else if (!strcasecmp(v, "gbk") || !strcasecmp(v, "gb18030") || !strcasecmp(v, "gb2312"))
            o->encoding = PL_ENCODING_GBK;
        else {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "encoding is auto, utf-8 or gbk, not '%s'", v);
            return 0;
        }
    }
    if ((v = pl_json_str(params, "crs"))) {
        double n;
        if (!pl_parse_number(v, &n) || n < 1 || n > 999999 || n != floor(n)) {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "crs is an EPSG number, not '%s'", v);
            return 0;
        }
        o->srid = (int)n;
    }
    if ((v = pl_json_str(params, "on_conflict"))) {
        if (!strcmp(v, "fail"))
            o->on_conflict = PL_CONFLICT_FAIL;
        else if (!strcmp(v, "skip"))
            o->on_conflict = PL_CONFLICT_SKIP;
        else if (!strcmp(v, "update"))
            o->on_conflict = PL_CONFLICT_UPDATE;
        else {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "on_conflict is fail, skip or update, not '%s'", v);
            return 0;
        }
    }
    if ((v = pl_json_str(params, "area_unit"))) {
        int u = pl_area_unit_parse(v);
        if (u < 0) {
            pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "area_unit is ha, m2 or mu, not '%s'", v);
            return 0;
        }
        o->area_unit = (pl_area_unit)u;
    }
    o->repair = json_is_true(json_object_get(params, "repair"));
    o->allow_overlap = json_is_true(json_object_get(params, "allow_overlap"));
    return 1;
}

/* `text` without the staging directory's prefix (the client knows its file by its own name). */
static json_t *message_text(const char *text, const char *dir)
{
    size_t dl = strlen(dir);
    char *out = malloc(strlen(text) + 1), *o = out;
    if (!out)
        return json_string(text);
    for (const char *p = text; *p;) {
        if (!strncmp(p, dir, dl) && p[dl] == '/')
            p += dl + 1;
        else
            *o++ = *p++;
    }
    *o = '\0';
    json_t *j = json_string(out);
    free(out);
    return j ? j : json_string("?");
}

/* The importer's report: counts and messages (refusals with their feature numbers). */
static json_t *report_json(const pl_import_result *res, const char *dir, const char *id)
{
    static const char *const levels[] = {"note", "warning", "refused"};
    json_t *msgs = json_array();
    for (size_t i = 0; i < res->nmessages; i++)
        json_array_append_new(msgs, json_pack("{s:s, s:o}", "level", levels[res->messages[i].level % 3], "text",
                                              message_text(res->messages[i].text, dir)));
    json_t *o = json_object();
    json_object_set_new(o, "id", id ? json_string(id) : json_null());
    json_object_set_new(o, "dry_run", json_boolean(res->dry_run));
    json_object_set_new(o, "batch", res->batch_id ? json_integer(res->batch_id) : json_null());
    json_object_set_new(o, "park", json_string(res->park));
    json_object_set_new(o, "format", json_string(res->format));
    json_object_set_new(o, "encoding", res->encoding[0] ? json_string(res->encoding) : json_null());
    json_object_set_new(o, "source_srid", res->source_srid ? json_integer(res->source_srid) : json_null());
    json_object_set_new(o, "target_srid", json_integer(res->target_srid));
    json_object_set_new(o, "sha256", json_string(res->sha256));
    json_object_set_new(o, "read", json_integer(res->read));
    json_object_set_new(o, "inserted", json_integer(res->inserted));
    json_object_set_new(o, "updated", json_integer(res->updated));
    json_object_set_new(o, "skipped", json_integer(res->skipped));
    json_object_set_new(o, "skipped_nonpolygon", json_integer(res->skipped_nonpolygon));
    json_object_set_new(o, "refused", json_integer(res->refused));
    json_object_set_new(o, "repaired", json_integer(res->repaired));
    json_object_set_new(o, "warnings", json_integer(res->warnings));
    json_object_set_new(o, "area_m2", json_real(round(res->area_m2 * 100) / 100));
    json_object_set_new(o, "area_mu", json_real(round(pl_m2_to_mu(res->area_m2) * 100) / 100));
    json_object_set_new(o, "messages", msgs);
    json_object_set_new(o, "messages_dropped", json_integer(res->messages_dropped));
    return o;
}

/* A preview larger than this (bytes of GeoJSON) is left out of the answer ("preview": null). */
#define MAX_PREVIEW (32u << 20)

/* Run the import of `file` (dry run or not): its report (the caller's), or NULL after answering the
 * error (422 with the report when features were refused). A dry run's preview, the GeoJSON text, in
 * *preview_text (malloc'd; NULL when larger than MAX_PREVIEW): spliced into the answer as it is,
 * never parsed (a jansson tree of 10k parcels is ten times the text). */
static json_t *run_import(pl_req *r, pl_db *db, const char *dir, const char *file, json_t *params, int dry_run,
                          const char *id, char **preview_text, size_t *preview_len)
{
    pl_import_options o;
    if (!import_options(r, params, &o))
        return NULL;
    o.dry_run = dry_run;
    char *pv = NULL;
    size_t pvlen = 0;
    FILE *pf = NULL;
    if (dry_run && !(o.preview = pf = open_memstream(&pv, &pvlen))) {
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
        return NULL;
    }
    pl_import_result res;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_import_parcels(db, file, &o, &res, &err);
    if (pf && fclose(pf) && !rc)
        rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
    if (rc || pvlen > MAX_PREVIEW) {
        free(pv);
        pv = NULL;
    }
    if (preview_text) {
        *preview_text = pv;
        *preview_len = pv ? pvlen : 0;
    } else {
        free(pv);
    }
    if (rc) {
        json_t *msg = message_text(err.message, dir);
        json_t *rep = report_json(&res, dir, NULL);
        json_object_set_new(rep, "error", msg);
        pl_import_result_release(&res);
        if (rc == PL_ERR_INPUT) { /* refused: why, feature by feature */
            pl_reply_json(r, MHD_HTTP_UNPROCESSABLE_CONTENT, rep);
        } else {
            pl_error shown = err;
            snprintf(shown.message, sizeof shown.message, "%s", json_string_value(msg) ? json_string_value(msg) : "");
            json_decref(rep);
            pl_reply_lib_error(r, &shown);
        }
        return NULL;
    }
    json_t *rep = report_json(&res, dir, id);
    pl_import_result_release(&res);
    return rep;
}

/* 200 with the report and "preview": the GeoJSON text (stolen; NULL: null) as its last member. */
static enum MHD_Result reply_with_preview(pl_req *r, json_t *rep, char *preview, size_t plen)
{
    char *head = json_dumps(rep, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(rep);
    size_t hlen = head ? strlen(head) : 0;
    char *out = head ? malloc(hlen + plen + 32) : NULL;
    if (!out) {
        free(head);
        free(preview);
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
    }
    memcpy(out, head, hlen - 1); /* without its closing brace */
    size_t n = hlen - 1;
    n += (size_t)sprintf(out + n, ",\"preview\":");
    if (preview) {
        memcpy(out + n, preview, plen);
        n += plen;
    } else {
        n += (size_t)sprintf(out + n, "null");
    }
    out[n++] = '}';
    out[n] = '\0';
    free(head);
    free(preview);
    return pl_reply_bytes(r, MHD_HTTP_OK, "application/json; charset=utf-8", out, n, NULL);
}

enum MHD_Result pl_api_import_upload(pl_req *r, pl_db *db)
{
    if (!r->spool) /* pl_upload_begin answered */
        return r->answered ? MHD_YES : pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot keep the upload");
    int bad = fclose(r->spool);
    r->spool = NULL;
    if (bad)
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot keep the upload");
    if (!r->spool_len)
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "the upload is empty: send the file as the body");
    static const char *const args[] = {"format", "park", "encoding", "filename", "status", "crs", "on_conflict",
                                       "area_unit", "code_prefix"};
    json_t *params = json_object();
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        const char *v = pl_req_arg(r, args[i]);
        if (v && *v)
            json_object_set_new(params, args[i], json_string(v));
    }
    static const char *const flags[] = {"repair", "allow_overlap"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = pl_req_arg(r, flags[i]);
        json_object_set_new(params, flags[i], json_boolean(v && (!strcmp(v, "1") || !strcmp(v, "true"))));
    }
    const char *given = pl_json_str(params, "filename");
    const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    int is_zip = (type && (!strncasecmp(type, "application/zip", 15) || !strncasecmp(type, "application/x-zip", 17))) ||
                 (given && has_ext(given, ".zip"));
    char name[256], spool[PATH_MAX + 16], file[PATH_MAX + 256];
    snprintf(spool, sizeof spool, "%s/" SPOOL_NAME, r->spool_dir);
    if (given && (strchr(given, '/') || strchr(given, '\\') || !safe_name(given, name, sizeof name))) {
        enum MHD_Result ret = pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "'%s' is not a file name", given);
        json_decref(params); /* after the answer: given is params' */
        return ret;
    }
    if (is_zip) {
        const char *why = unzip_upload(spool, r->spool_dir, file, sizeof file, pl_server_opts(r->srv)->max_upload * 4);
        unlink(spool);
        if (why) {
            json_decref(params);
            return pl_reply_error(r, MHD_HTTP_UNPROCESSABLE_CONTENT, "%s", pl_tr(why));
        }
        if (!given || has_ext(given, ".zip")) { /* the batch records the file imported, not the archive */
            const char *slash = strrchr(file, '/');
            json_object_set_new(params, "filename", json_string(slash ? slash + 1 : file));
        }
    } else {
        /* the name tells the format (auto); without one the content does */
        snprintf(file, sizeof file, "%s/%s", r->spool_dir, given ? name : "upload");
        if (rename(spool, file)) {
            json_decref(params);
            return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot keep the upload");
        }
    }
    char *preview = NULL;
    size_t plen = 0;
    json_t *rep = run_import(r, db, r->spool_dir, file, params, 1, r->spool_id, &preview, &plen);
    if (!rep) {
        json_decref(params);
        return MHD_YES; /* the directory goes when the request completes */
    }
    if (pl_staging_put(pl_server_staging(r->srv), r->spool_id, r->user, r->spool_dir, file, params)) {
        json_decref(rep);
        free(preview);
        return pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "too many uploads wait for their commit; commit or discard one first");
    }
    r->spool_dir[0] = '\0'; /* the store's now */
    return reply_with_preview(r, rep, preview, plen);
}

enum MHD_Result pl_api_import_commit(pl_req *r, pl_db *db)
{
    pl_staging *st = pl_server_staging(r->srv);
    char dir[PATH_MAX], file[PATH_MAX];
    json_t *params = NULL;
    if (!pl_staging_take(st, r->arg, r->user, dir, file, &params))
        return pl_reply_error(r, MHD_HTTP_NOT_FOUND, "no upload '%s' waiting (discarded, committed or expired)",
                              r->arg);
    json_t *rep = run_import(r, db, dir, file, params, 0, NULL, NULL, NULL);
    if (rep) {
        pl_staging_remove_dir(dir);
        json_decref(params);
        return pl_reply_json(r, MHD_HTTP_CREATED, rep);
    }
    /* refused now (the database changed since the dry run): it waits for a discard or another try */
    if (pl_staging_put(st, r->arg, r->user, dir, file, params))
        pl_staging_remove_dir(dir);
    return MHD_YES;
}

enum MHD_Result pl_api_import_discard(pl_req *r, pl_db *db)
{
    (void)db;
    char dir[PATH_MAX], file[PATH_MAX];
    json_t *params = NULL;
    if (!pl_staging_take(pl_server_staging(r->srv), r->arg, r->user, dir, file, &params))
        return pl_reply_error(r, MHD_HTTP_NOT_FOUND, "no upload '%s' waiting (discarded, committed or expired)",
                              r->arg);
    pl_staging_remove_dir(dir);
    json_decref(params);
    return pl_reply_json(r, MHD_HTTP_OK, json_pack("{s:s, s:b}", "id", r->arg, "discarded", 1));
}
