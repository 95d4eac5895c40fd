/* api_reports.c — downloads: GET /api/v1/reports/KIND (report), /api/v1/exports/FORMAT
 * (export), and GET /api/v1/history/ENTITY/CODE (history). The bytes are the CLI's, made by the
 * same library calls; files that need a path (xlsx, kmz) go through a private temporary
 * directory that is removed before the answer. */
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkland/export.h"
#include "parkland/history.h"
#include "parkland/muni.h"
#include "parkland/report.h"

/* A private directory for one file: dir filled, 1; 0 after answering 503. */
static int temp_dir(pl_req *r, char dir[512])
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, 512, "%s/parkland-serve.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir))
        return 1;
    pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot make a temporary directory: %s", strerror(errno));
    return 0;
}

/* The whole of `path` into *data (malloc'd): 1, or 0 after answering 503. Removes the file and dir. */
static int slurp(pl_req *r, const char *path, const char *dir, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    int ok = 0;
    if (f && !fseek(f, 0, SEEK_END)) {
        long n = ftell(f);
        if (n >= 0 && !fseek(f, 0, SEEK_SET) && (*data = malloc((size_t)n + 1)) &&
            fread(*data, 1, (size_t)n, f) == (size_t)n) {
            *len = (size_t)n;
            ok = 1;
        }
    }
    if (f)
        fclose(f);
    unlink(path);
    rmdir(dir);
    if (!ok) {
        free(*data);
        *data = NULL;
        pl_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot read the file made for the answer");
    }
    return ok;
}

/* ---- reports ----------------------------------------------------------------------------- */

enum MHD_Result pl_api_report(pl_req *r, pl_db *db)
{
    int kind = pl_report_kind_parse(r->arg);
    if (kind < 0)
        return pl_reply_error(r, MHD_HTTP_NOT_FOUND, "unknown report '%s' (availability, landing, alerts, kpi, ledger, muni, monthly, quarterly)", r->arg);
    const char *f = pl_req_arg(r, "format");
    int fmt = f ? pl_report_format_parse(f) : PL_REPORT_JSON;
    if (fmt != PL_REPORT_JSON && fmt != PL_REPORT_CSV && fmt != PL_REPORT_XLSX)
        return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "unknown format '%s' (json, csv, xlsx)", f);
    pl_report_options o = {.park = pl_req_arg(r, "park")};
    char as_of[11];
    if (!pl_req_date(r, "as_of", pl_req_arg(r, "as_of"), as_of, &o.as_of))
        return MHD_YES;
    pl_error err;
    pl_error_clear(&err);
    pl_report *rep = NULL;
    if (kind == PL_REPORT_MUNI) {
        /* 亩均效益: ?year=Y, by default the latest year with annual figures */
        const char *y = pl_req_arg(r, "year");
        char *end = NULL;
        long year = y ? strtol(y, &end, 10) : pl_muni_latest_year(db, &err);
        if (y && (!*y || *end || year < 1900 || year > 9999))
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "year '%s' is not a year (1900 to 9999)", y);
        if (!year && err.code)
            return pl_reply_lib_error(r, &err);
        if (!year)
            return pl_reply_error(r, MHD_HTTP_NOT_FOUND, "no annual figures yet (import annual)");
        if (pl_report_build_muni(db, (int)year, o.park, &rep, &err))
            return pl_reply_lib_error(r, &err);
    } else if (kind == PL_REPORT_MONTHLY || kind == PL_REPORT_QUARTERLY) {
        /* 月度统计 ?month=YYYY-MM&park=P, 季度考核 ?quarter=YYYY-Qn (every park): by default the last
         * complete one, as the CLI */
        int quarterly = kind == PL_REPORT_QUARTERLY;
        const char *period = pl_req_arg(r, quarterly ? "quarter" : "month");
        char def[16];
        if (quarterly && o.park)
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "the quarterly assessment ranks every park: no park");
        if (!period) {
            pl_report_last_period(quarterly, def, sizeof def);
            period = def;
        }
        if (quarterly ? pl_report_build_quarterly(db, period, &rep, &err)
                      : pl_report_build_monthly(db, period, o.park, &rep, &err))
            return pl_reply_lib_error(r, &err);
    } else if (pl_report_build(db, (pl_report_kind)kind, &o, &rep, &err)) {
        return pl_reply_lib_error(r, &err);
    }
    static const char *const ext[] = {[PL_REPORT_JSON] = "json", [PL_REPORT_CSV] = "csv", [PL_REPORT_XLSX] = "xlsx"};
    static const char *const type[] = {
        [PL_REPORT_JSON] = "application/json; charset=utf-8",
        [PL_REPORT_CSV] = "text/csv; charset=utf-8",
        [PL_REPORT_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    char name[128];
    snprintf(name, sizeof name, "%s-%s.%s", pl_report_kind_id((pl_report_kind)kind), pl_report_as_of(rep), ext[fmt]);
    char *data = NULL;
    size_t len = 0;
    int rc = PL_OK;
    if (fmt == PL_REPORT_XLSX) {
        char dir[512], path[700];
        if (!temp_dir(r, dir)) {
            pl_report_free(rep);
            return MHD_YES;
        }
        snprintf(path, sizeof path, "%s/%s", dir, name);
        rc = pl_report_save(rep, path, PL_REPORT_XLSX, 0, &err);
        pl_report_free(rep);
        if (rc) {
            rmdir(dir);
            return pl_reply_lib_error(r, &err);
        }
        if (!slurp(r, path, dir, &data, &len))
            return MHD_YES;
    } else {
        FILE *out = open_memstream(&data, &len);
        rc = out ? pl_report_write(rep, out, (pl_report_format)fmt, &err)
                 : pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
        if (out && fclose(out) && !rc)
            rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
        pl_report_free(rep);
        if (rc) {
            free(data);
            return pl_reply_lib_error(r, &err);
        }
    }
    return pl_reply_download(r, type[fmt], name, data, len);
}

/* ---- exports ----------------------------------------------------------------------------- */

enum MHD_Result pl_api_export(pl_req *r, pl_db *db)
{
    int kmz = !strcmp(r->arg, "kmz");
    int fmt = kmz ? PL_EXPORT_KML : pl_export_format_parse(r->arg);
    if (fmt < 0 || fmt == PL_EXPORT_PDF)
        return pl_reply_error(r, MHD_HTTP_NOT_FOUND, "unknown export '%s' (geojson, kml, kmz, html, txt)", r->arg);
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = (pl_export_format)fmt;
    o.kmz = kmz;
    o.park = pl_req_arg(r, "park");
    o.status = pl_req_arg(r, "status");
    o.industry = pl_req_arg(r, "industry");
    const char *theme = pl_req_arg(r, "theme"), *gcj02 = pl_req_arg(r, "gcj02"), *enc = pl_req_arg(r, "encoding");
    if (theme) {
        int t = pl_export_theme_parse(theme);
        if (t < 0)
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "unknown theme '%s' (availability, landing, muni, ledger)", theme);
        o.theme = (pl_export_theme)t;
    }
    if (gcj02) {
        if (strcmp(gcj02, "0") && strcmp(gcj02, "1") && strcmp(gcj02, "true") && strcmp(gcj02, "false"))
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "gcj02 is true or false, not '%s'", gcj02);
        o.gcj02 = !strcmp(gcj02, "1") || !strcmp(gcj02, "true");
    }
    if (enc) {
        if (!strcmp(enc, "utf-8") || !strcmp(enc, "utf8"))
            o.encoding = PL_ENCODING_UTF8;
        else if (!strcmp(enc, "gbk"))
            o.encoding = PL_ENCODING_GBK;
        else
            return pl_reply_error(r, MHD_HTTP_BAD_REQUEST, "encoding is gbk or utf-8, not '%s'", enc);
    }
    char as_of[11];
    if (!pl_req_date(r, "as_of", pl_req_arg(r, "as_of"), as_of, &o.as_of))
        return MHD_YES;
    const char *ext = kmz ? "kmz" : fmt == PL_EXPORT_GEOJSON ? "geojson" : fmt == PL_EXPORT_KML ? "kml"
                    : fmt == PL_EXPORT_HTML ? "html" : "txt";
    const char *type = kmz ? "application/vnd.google-earth.kmz"
                     : fmt == PL_EXPORT_GEOJSON ? "application/geo+json; charset=utf-8"
                     : fmt == PL_EXPORT_KML ? "application/vnd.google-earth.kml+xml; charset=utf-8"
                     : fmt == PL_EXPORT_HTML ? "text/html; charset=utf-8"
                     : o.encoding == PL_ENCODING_UTF8 ? "text/plain; charset=utf-8" : "text/plain; charset=gbk";
    char name[160];
    snprintf(name, sizeof name, "%s-%s.%s", o.park ? o.park : "parcels", pl_export_theme_name(o.theme), ext);
    for (char *p = name; *p; p++) /* a park code is the user's text: only safe bytes in a file name */
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
              *p == '-' || *p == '_'))
            *p = '_';
    pl_error err;
    pl_error_clear(&err);
    pl_export_result res;
    char *data = NULL;
    size_t len = 0;
    if (kmz) {
        char dir[512], path[700];
        if (!temp_dir(r, dir))
            return MHD_YES;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (pl_export_file(db, &o, path, 0, &res, &err)) {
            rmdir(dir);
            return pl_reply_lib_error(r, &err);
        }
        if (!slurp(r, path, dir, &data, &len))
            return MHD_YES;
    } else {
        FILE *out = open_memstream(&data, &len);
        int rc = out ? pl_export_stream(db, &o, out, &res, &err) : pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
        if (out && fclose(out) && !rc)
            rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
        if (rc) {
            free(data);
            return pl_reply_lib_error(r, &err);
        }
    }
    return pl_reply_download(r, type, name, data, len);
}

/* ---- history ----------------------------------------------------------------------------- */

enum MHD_Result pl_api_history(pl_req *r, pl_db *db)
{
    /* /api/v1/history/ENTITY/CODE: the route names the entity */
    const char *rest = r->url + strlen("/api/v1/history/");
    const char *entity = !strncmp(rest, "parcel/", 7) ? "parcel" : !strncmp(rest, "lead/", 5) ? "lead" : "project";
    pl_code_kind kind = !strcmp(entity, "parcel") ? PL_CODE_PARCEL : !strcmp(entity, "lead") ? PL_CODE_LEAD
                                                                                            : PL_CODE_PROJECT;
    const char *park = pl_req_arg(r, "park");
    pl_error err;
    pl_error_clear(&err);
    char *code = NULL;
    /* as the CLI: a code no longer stored (a removed lead, a retired parcel's old code) is looked
     * for in the history as given */
    if (pl_code_resolve(db, kind, park, r->arg, &code, NULL, &err) && err.code != PL_ERR_NOTFOUND)
        return pl_reply_lib_error(r, &err);
    pl_error_clear(&err);
    pl_table *t = NULL;
    int rc = pl_history_table(db, entity, park, code ? code : r->arg, PL_TABLE_JSON, &t, &err);
    free(code);
    if (rc)
        return pl_reply_lib_error(r, &err);
    return pl_reply_table_json(r, MHD_HTTP_OK, t);
}
