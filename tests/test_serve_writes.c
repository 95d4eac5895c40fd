/* test_serve_writes.c — the land officers' and the administrator's writes of `parkland serve`:
 * parcel edit, status, split, merge, reclaim, check, imports (upload, dry run with its preview,
 * commit, discard, limits), accounts and parks; each endpoint × role, CSRF, bad JSON, the
 * account's name in the history; and HTTPS (--cert/--key) with a self-signed certificate. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parkland/lead.h"
#include "parkland/lifecycle.h"
#include "parkland/user.h"
#include "http.h"
#include "server.h"
#include "serve_client.h"
#include "testutil.h"

#define PASSWORD "pass-word-1"

static pl_server *srv;
static char dbpath[1024];

static session login(const char *user) { return login_as(user, PASSWORD); }

/* ---- the fixture: the sample parcels in QDIP (available), an empty JMIP, one account per role -- */

static void to_status(pl_db *db, const char *code, const char *status)
{
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_set_status(db, "QDIP", code, status, NULL, NULL, &err), PL_OK, "%s → %s: %s", code,
                 status, err.message);
}

static void start_with(void (*tweak)(pl_server_options *o))
{
    pl_db *db = tu_db_new("serve_writes.db", dbpath);
    tu_park_qdip(db);
    tu_park_jmip(db);
    pl_import_options io;
    pl_import_options_init(&io);
    io.park = "QDIP";
    io.status = "available";
    tu_import_with(db, SAMPLES_DIR "/parcels.txt", &io);
    pl_error err;
    /* idle parcels to reclaim: 040, 041, 042 */
    static const char *const idle[] = {"QDIP-2024-040", "QDIP-2024-041", "QDIP-2024-042"};
    for (size_t i = 0; i < 3; i++) {
        to_status(db, idle[i], "listed");
        to_status(db, idle[i], "transferred");
        to_status(db, idle[i], "idle");
    }
    static const char *const users[][2] = {
        {"vera", "viewer"}, {"ivan", "investment"}, {"lena", "land"}, {"adam", "admin"}};
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(pl_user_add(db, users[i][0], pl_role_parse(users[i][1]), PASSWORD, &err), PL_OK, "%s",
                     err.message);
    pl_db_close(db);
    pl_server_options o;
    pl_server_options_init(&o);
    o.db_path = dbpath;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    o.quiet = getenv("PL_TEST_VERBOSE") == NULL;
    if (tweak)
        tweak(&o);
    cr_assert_eq(pl_server_start(&o, &srv, &err), PL_OK, "%s", err.message);
    serve_port = pl_server_port(srv);
}

static void start_default(void) { start_with(NULL); }

static void stop(void)
{
    pl_server_stop(srv, 5);
    srv = NULL;
    pl_library_shutdown();
}

TestSuite(writes, .init = start_default, .fini = stop);

/* A vertical line through the middle of parcel `code` (WKT in the working CRS), from below to above. */
static void split_line(const char *code, char *wkt, size_t len)
{
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    double x = tu_sql_num_arg(db, "SELECT X(PointOnSurface(geom)) FROM parcel WHERE code = ?", code);
    double y0 = tu_sql_num_arg(db, "SELECT MbrMinY(geom) FROM parcel WHERE code = ?", code);
    double y1 = tu_sql_num_arg(db, "SELECT MbrMaxY(geom) FROM parcel WHERE code = ?", code);
    pl_db_close(db);
    snprintf(wkt, len, "LINESTRING(%.3f %.3f, %.3f %.3f)", x, y0 - 50, x, y1 + 50);
}

/* Entries of the staging directory (uploads waiting). */
static int staged_count(void)
{
    DIR *d = opendir(pl_staging_root(pl_server_staging(srv)));
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static const char tiny_geojson[] =
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"G-1\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[120.40,36.30],[120.401,36.30],[120.401,36.301],"
    "[120.40,36.301],[120.40,36.30]]]}}]}";

static resp upload(const session *s, const char *query, const char *type, const char *body, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/imports%s", query);
    return request("POST", path, s ? s->cookie : NULL, s ? s->csrf : NULL, type, body, len);
}

/* The role table of the new endpoints: endpoint × role → status (each role its own targets). */
Test(writes, roles_per_endpoint)
{
    static const char *const roles[] = {"vera", "ivan", "lena", "adam"};
    static const struct {
        const char *method, *path, *body;
        const char *arg[4]; /* the %s of path and body, per role */
        int status[4];
    } calls[] = {
        {"PATCH", "/api/v1/parcels/QDIP-2024-0%s", "{\"name\":\"Edited\",\"attrs\":{\"k\":\"v\"}}",
         {"10", "11", "12", "13"}, {403, 403, 200, 200}},
        {"POST", "/api/v1/parcels/QDIP-2024-0%s/status", "{\"status\":\"reserve\",\"note\":\"back\"}",
         {"14", "15", "16", "17"}, {403, 403, 200, 200}},
        {"POST", "/api/v1/parcels/QDIP-2024-0%s/split", NULL, {"20", "21", "22", "23"}, {403, 403, 201, 201}},
        {"POST", "/api/v1/parcels/merge", "{%s,\"allow_multipart\":true}",
         {"\"codes\":[\"QDIP-2024-030\",\"QDIP-2024-031\"],\"into\":\"M-vera\"",
          "\"codes\":[\"QDIP-2024-032\",\"QDIP-2024-033\"],\"into\":\"M-ivan\"",
          "\"codes\":[\"QDIP-2024-034\",\"QDIP-2024-035\"],\"into\":\"M-lena\"",
          "\"codes\":[\"QDIP-2024-036\",\"QDIP-2024-037\"],\"into\":\"M-adam\""},
         {403, 403, 201, 201}},
        {"POST", "/api/v1/parcels/QDIP-2024-0%s/reclaim", "{\"to\":\"reserve\"}", {"40", "40", "40", "41"},
         {403, 403, 200, 200}},
        {"GET", "/api/v1/check", NULL, {"", "", "", ""}, {403, 403, 200, 200}},
        {"POST", "/api/v1/imports/%s/commit", "{}", {"0", "0", "0", "0"}, {403, 403, 404, 404}},
        {"DELETE", "/api/v1/imports/%s", NULL, {"0", "0", "0", "0"}, {403, 403, 404, 404}},
        {"GET", "/api/v1/users", NULL, {"", "", "", ""}, {403, 403, 403, 200}},
        {"POST", "/api/v1/users", "{\"name\":\"u-%s\",\"role\":\"viewer\",\"password\":\"long-enough-1\"}",
         {"v", "i", "l", "a"}, {403, 403, 403, 201}},
        {"PATCH", "/api/v1/users/u-%s", "{\"password\":\"another-pass-2\"}", {"a", "a", "a", "a"},
         {403, 403, 403, 200}},
        {"GET", "/api/v1/parks", NULL, {"", "", "", ""}, {200, 200, 200, 200}},
        {"POST", "/api/v1/parks", "{\"code\":\"P%s\",\"name\":\"园区 %s\"}", {"v", "i", "l", "a"}, {403, 403, 403, 201}},
    };
    for (size_t u = 0; u < 4; u++) {
        session s = login(roles[u]);
        for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
            char path[256], body[512];
            snprintf(path, sizeof path, calls[i].path, calls[i].arg[u]);
            const char *b = calls[i].body;
            if (strstr(calls[i].path, "/split")) {
                char code[32], line[256];
                snprintf(code, sizeof code, "QDIP-2024-0%s", calls[i].arg[u]);
                split_line(code, line, sizeof line);
                snprintf(body, sizeof body, "{\"line\":\"%s\"}", line);
                b = body;
            } else if (b) {
                snprintf(body, sizeof body, b, calls[i].arg[u], calls[i].arg[u]);
                b = body;
            }
            resp r = call(&s, calls[i].method, path, b);
            cr_assert_eq(r.status, calls[i].status[u], "%s %s as %s: %d %s", calls[i].method, path, roles[u],
                         r.status, r.body);
            if (r.status == 403)
                cr_assert(strstr(error_of(&r), "may not"), "%s", r.body);
            resp_free(&r);
        }
        /* the upload, with a body of its own */
        resp r = upload(&s, "?park=JMIP&filename=g.geojson", "application/geo+json", tiny_geojson,
                        strlen(tiny_geojson));
        cr_assert_eq(r.status, u >= 2 ? 200 : 403, "upload as %s: %d %s", roles[u], r.status, r.body);
        resp_free(&r);
    }
}

Test(writes, unauthorised_without_a_session)
{
    static const char *const calls[][2] = {
        {"PATCH", "/api/v1/parcels/QDIP-2024-001"}, {"POST", "/api/v1/parcels/QDIP-2024-001/status"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/split"}, {"POST", "/api/v1/parcels/merge"},
        {"POST", "/api/v1/parcels/QDIP-2024-040/reclaim"}, {"GET", "/api/v1/check"}, {"POST", "/api/v1/imports"},
        {"POST", "/api/v1/imports/abc/commit"}, {"DELETE", "/api/v1/imports/abc"}, {"GET", "/api/v1/users"},
        {"POST", "/api/v1/users"}, {"PATCH", "/api/v1/users/vera"}, {"GET", "/api/v1/parks"},
        {"POST", "/api/v1/parks"},
    };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        resp r = http(calls[i][0], calls[i][1], NULL, NULL, strcmp(calls[i][0], "GET") ? "{}" : NULL);
        cr_assert_eq(r.status, 401, "%s %s: %d %s", calls[i][0], calls[i][1], r.status, r.body);
        resp_free(&r);
    }
    cr_assert_eq(staged_count(), 0, "a refused upload leaves nothing behind");
}

/* A stolen cookie without the session's CSRF token writes nothing, on every new write. */
Test(writes, csrf_token_needed_for_every_new_write)
{
    static const char *const calls[][3] = {
        {"PATCH", "/api/v1/parcels/QDIP-2024-001", "{\"name\":\"x\"}"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/status", "{\"status\":\"reserve\"}"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/split", "{\"line\":\"LINESTRING(0 0, 1 1)\"}"},
        {"POST", "/api/v1/parcels/merge", "{\"codes\":[\"QDIP-2024-001\",\"QDIP-2024-002\"],\"into\":\"X\"}"},
        {"POST", "/api/v1/parcels/QDIP-2024-040/reclaim", "{}"},
        {"POST", "/api/v1/imports?park=JMIP", "{}"},
        {"POST", "/api/v1/imports/abc/commit", "{}"},
        {"DELETE", "/api/v1/imports/abc", NULL},
        {"POST", "/api/v1/users", "{\"name\":\"x\",\"role\":\"admin\",\"password\":\"long-enough-1\"}"},
        {"PATCH", "/api/v1/users/vera", "{\"disabled\":true}"},
        {"POST", "/api/v1/parks", "{\"code\":\"X\",\"name\":\"X\"}"},
    };
    session s = login("adam");
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        resp r = http(calls[i][0], calls[i][1], s.cookie, NULL, calls[i][2]);
        cr_assert_eq(r.status, 403, "%s %s: %d %s", calls[i][0], calls[i][1], r.status, r.body);
        cr_assert_str_eq(error_of(&r), "a write needs the X-CSRF-Token header of the session");
        resp_free(&r);
    }
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_str_eq(tu_sql_text(db, "SELECT name FROM parcel WHERE code = 'QDIP-2024-001'"), "中德生态园标准地A-01");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM app_user"), 4);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM park"), 2);
    pl_db_close(db);
    cr_assert_eq(staged_count(), 0);
}

Test(writes, bad_json_is_400)
{
    session s = login("adam");
    static const char *const calls[][3] = {
        {"PATCH", "/api/v1/parcels/QDIP-2024-001", "{\"name\":"},
        {"PATCH", "/api/v1/parcels/QDIP-2024-001", "{\"colour\":\"red\"}"},
        {"PATCH", "/api/v1/parcels/QDIP-2024-001", "{\"name\":5}"},
        {"PATCH", "/api/v1/parcels/QDIP-2024-001", "{\"attrs\":{\"k\":[1]}}"},
        {"PATCH", "/api/v1/parcels/QDIP-2024-001", "{\"code\":\"N\",\"name\":\"both\"}"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/status", "[]"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/status", "{}"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/status", "{\"status\":\"reserve\",\"force\":\"yes\"}"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/status", "{\"status\":\"reserve\",\"date\":\"2024-02-30\"}"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/split", "{}"},
        {"POST", "/api/v1/parcels/QDIP-2024-001/split", "{\"line\":\"LINESTRING(0 0, 1 1)\",\"codes\":\"A\"}"},
        {"POST", "/api/v1/parcels/merge", "{\"codes\":[\"QDIP-2024-001\"],\"into\":\"X\"}"},
        {"POST", "/api/v1/parcels/QDIP-2024-040/reclaim", "{\"to\":1}"},
        {"POST", "/api/v1/users", "{\"name\":\"x\",\"role\":\"king\",\"password\":\"long-enough-1\"}"},
        {"POST", "/api/v1/users", "{\"name\":\"x\"}"},
        {"PATCH", "/api/v1/users/vera", "{\"disabled\":1}"},
        {"PATCH", "/api/v1/users/vera", "{}"},
        {"POST", "/api/v1/parks", "{\"code\":\"X\"}"},
    };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        resp r = call(&s, calls[i][0], calls[i][1], calls[i][2]);
        cr_assert_eq(r.status, 400, "%s %s %s: %d %s", calls[i][0], calls[i][1], calls[i][2], r.status, r.body);
        cr_assert(*error_of(&r), "%s", r.body);
        resp_free(&r);
    }
    /* the library's refusals: 404 unknown, 422 against the rules */
    resp r = call(&s, "PATCH", "/api/v1/parcels/QDIP-2024-404", "{\"name\":\"x\"}");
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
    r = call(&s, "POST", "/api/v1/parcels/QDIP-2024-001/status", "{\"status\":\"verified\"}");
    cr_assert_eq(r.status, 422, "%d %s", r.status, r.body);
    resp_free(&r);
    r = call(&s, "POST", "/api/v1/parcels/QDIP-2024-001/reclaim", "{}");
    cr_assert_eq(r.status, 422, "not idle: %d %s", r.status, r.body);
    resp_free(&r);
}

/* A parcel edit through the API is in the history under the account's name, in the same change. */
Test(writes, parcel_edit_history_names_the_account)
{
    session s = login("lena");
    resp r = call(&s, "PATCH", "/api/v1/parcels/QDIP-2024-001",
                  "{\"name\":\"新名称\",\"land_use\":\"仓储用地\",\"attrs\":{\"plot\":\"7\"},\"note\":\"survey\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "新名称");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "land_use")), "仓储用地");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "code")), "QDIP-2024-001");
    resp_free(&r);
    r = call(&s, "PATCH", "/api/v1/parcels/QDIP-2024-001", "{\"code\":\"QDIP-2024-901\",\"note\":\"renumbered\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "code")), "QDIP-2024-901");
    resp_free(&r);
    r = call(&s, "POST", "/api/v1/parcels/QDIP-2024-002/status", "{\"status\":\"listed\",\"date\":\"2024-07-01\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "from")), "available");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "to")), "listed");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "date")), "2024-07-01");
    resp_free(&r);
    r = call(&s, "POST", "/api/v1/parcels/QDIP-2024-042/reclaim", "{\"to\":\"reserve\",\"note\":\"idle two years\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "from")), "idle");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "to")), "reserve");
    resp_free(&r);
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_str_eq(tu_sql_text(db, "SELECT who FROM history WHERE entity = 'parcel' AND field = 'name'"), "lena");
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE entity = 'parcel' AND field = 'name'"), "survey");
    cr_assert_str_eq(tu_sql_text(db, "SELECT who FROM history WHERE entity = 'parcel' AND field = 'attrs.plot'"), "lena");
    cr_assert_str_eq(tu_sql_text(db, "SELECT who FROM history WHERE entity = 'parcel' AND field = 'code'"), "lena");
    cr_assert_str_eq(tu_sql_text(db, "SELECT who FROM history WHERE entity = 'parcel' AND field = 'status'"
                                     " AND new_value = 'listed'"), "lena");
    cr_assert_str_eq(tu_sql_text(db, "SELECT who FROM history WHERE entity = 'parcel' AND field = 'status'"
                                     " AND new_value = 'reserve'"), "lena");
    pl_db_close(db);
}

Test(writes, split_and_merge_answer_the_cli_rows)
{
    session s = login("lena");
    char line[256], body[512];
    split_line("QDIP-2024-003", line, sizeof line);
    snprintf(body, sizeof body, "{\"line\":\"%s\",\"codes\":[\"S-A\",\"S-B\"],\"dry_run\":true}", line);
    resp r = call(&s, "POST", "/api/v1/parcels/QDIP-2024-003/split", body);
    cr_assert_eq(r.status, 200, "a dry run creates nothing: %d %s", r.status, r.body);
    cr_assert(json_is_true(json_object_get(r.json, "dry_run")));
    resp_free(&r);
    snprintf(body, sizeof body, "{\"line\":\"%s\",\"codes\":[\"S-A\",\"S-B\"]}", line);
    r = call(&s, "POST", "/api/v1/parcels/QDIP-2024-003/split", body);
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    json_t *rows = json_object_get(r.json, "parcels");
    cr_assert_eq(json_array_size(rows), 3);
    static const char *const keys[] = {"role", "code", "name", "status", "status_zh", "area_m2", "area_mu", "parts",
                                       "holes"};
    for (size_t k = 0; k < 9; k++)
        cr_assert_not_null(json_object_get(json_array_get(rows, 0), keys[k]), "%s", keys[k]);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "role")), "parent");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 1), "code")), "S-A");
    resp_free(&r);
    r = call(&s, "POST", "/api/v1/parcels/merge", "{\"codes\":[\"S-A\",\"S-B\"],\"into\":\"QDIP-2024-903\"}");
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "operation")), "merge");
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/parcels/QDIP-2024-903", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/parcels/QDIP-2024-003", NULL);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "retired");
    resp_free(&r);
}

Test(writes, check_is_the_cli_json)
{
    session s = login("lena");
    resp r = call(&s, "GET", "/api/v1/check", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert(json_is_array(r.json), "%s", r.body);
    char *out = NULL, *errout = NULL;
    tu_cli(&out, &errout, dbpath, "check --format json");
    json_t *cli = json_loads(out, 0, NULL);
    cr_assert_not_null(cli, "%s", out);
    cr_assert(json_equal(cli, r.json), "cli %s\napi %s", out, r.body);
    json_decref(cli);
    tu_outputs_free(&out, &errout);
    resp_free(&r);
}

/* The GBK Ministry TXT: dry run with its preview (WGS 84), the file kept, commit in one go (201 with
 * the batch), the parcels then served; the upload gone. */
Test(writes, import_dry_run_then_commit)
{
    session s = login("lena");
    size_t len;
    char *txt = tu_read_file(SAMPLES_DIR "/parcels.txt", &len);
    resp r = upload(&s, "?park=JMIP&filename=%E5%AE%97%E5%9C%B0.txt&encoding=gbk&allow_overlap=1", "text/plain", txt,
                    len);
    free(txt);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    const char *id = json_string_value(json_object_get(r.json, "id"));
    cr_assert_not_null(id);
    char upload_id[64];
    snprintf(upload_id, sizeof upload_id, "%s", id);
    cr_assert(json_is_true(json_object_get(r.json, "dry_run")));
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "format")), "txt");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "encoding")), "gbk");
    long inserted = (long)json_integer_value(json_object_get(r.json, "inserted"));
    cr_assert(inserted > 10, "%ld", inserted);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "refused")), 0);
    json_t *fc = json_object_get(r.json, "preview");
    cr_assert_str_eq(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    json_t *features = json_object_get(fc, "features");
    cr_assert_eq((long)json_array_size(features), inserted);
    json_t *f0 = json_array_get(features, 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(f0, "properties"), "park")), "JMIP");
    json_t *pt = json_object_get(json_object_get(f0, "geometry"), "coordinates");
    while (json_is_array(json_array_get(pt, 0))) /* Polygon or MultiPolygon: down to the first position */
        pt = json_array_get(pt, 0);
    double lon = json_number_value(json_array_get(pt, 0)), lat = json_number_value(json_array_get(pt, 1));
    cr_assert(lon > 119 && lon < 122 && lat > 35 && lat < 37, "WGS 84: %f %f", lon, lat);
    resp_free(&r);
    cr_assert_eq(staged_count(), 1, "the upload waits for its commit");
    /* nothing written by the dry run */
    r = call(&s, "GET", "/api/v1/parcels/QDIP-2024-001?park=JMIP", NULL);
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
    /* another account cannot commit it */
    session other = login("adam");
    char path[256];
    snprintf(path, sizeof path, "/api/v1/imports/%s/commit", upload_id);
    r = call(&other, "POST", path, "{}");
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
    r = call(&s, "POST", path, "{}");
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    long batch = (long)json_integer_value(json_object_get(r.json, "batch"));
    cr_assert(batch > 0, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "inserted")), inserted);
    resp_free(&r);
    cr_assert_eq(staged_count(), 0, "committed: the file is gone");
    r = call(&s, "POST", path, "{}");
    cr_assert_eq(r.status, 404, "committed once only: %d %s", r.status, r.body);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/parcels/QDIP-2024-001?park=JMIP", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "park")), "JMIP");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "batch")), batch);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/parcels?park=JMIP&bbox=120.0,35.9,120.3,36.1", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_eq((long)json_array_size(json_object_get(r.json, "features")), inserted);
    resp_free(&r);
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_str_eq(tu_sql_text(db, "SELECT imported_by FROM import_batch ORDER BY id DESC LIMIT 1"), "lena");
    cr_assert_str_eq(tu_sql_text(db, "SELECT file FROM import_batch ORDER BY id DESC LIMIT 1"), "宗地.txt");
    pl_db_close(db);
}

/* A GBK shapefile comes as a zip of its files; discarding it removes the staged files. */
Test(writes, shapefile_zip_dry_run_then_discard)
{
    const char *zip = tu_tmp("parcels-shp.zip");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w');"
             "[z.write(f, 'shp/' + f) for f in ['parcels.shp','parcels.shx','parcels.dbf','parcels.prj','parcels.cpg']]\" '%s'",
             SAMPLES_DIR, zip);
    cr_assert_eq(system(cmd), 0);
    size_t len;
    char *data = tu_read_file(zip, &len);
    session s = login("lena");
    resp r = upload(&s, "?park=JMIP&allow_overlap=1", "application/zip", data, len);
    free(data);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "format")), "shp");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "encoding")), "gbk");
    json_t *f0 = json_array_get(json_object_get(json_object_get(r.json, "preview"), "features"), 0);
    const char *name = json_string_value(json_object_get(json_object_get(f0, "properties"), "name"));
    cr_assert(name && strstr(name, "中德生态园"), "the GBK names decoded: %s", name ? name : "(none)");
    char path[256];
    snprintf(path, sizeof path, "/api/v1/imports/%s", json_string_value(json_object_get(r.json, "id")));
    resp_free(&r);
    cr_assert_eq(staged_count(), 1);
    r = call(&s, "DELETE", path, NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    resp_free(&r);
    cr_assert_eq(staged_count(), 0, "discarded: the files are gone");
    r = call(&s, "DELETE", path, NULL);
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* A refused import answers 422 with the refusals by feature number, keeps nothing and writes nothing. */
Test(writes, refused_import_is_422_with_feature_numbers)
{
    static const char bad[] =
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"B-1\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[120.40,36.30],[120.401,36.301],[120.401,36.30],"
        "[120.40,36.301],[120.40,36.30]]]}}]}";
    session s = login("lena");
    resp r = upload(&s, "?park=JMIP&filename=bad.geojson", "application/geo+json", bad, strlen(bad));
    cr_assert_eq(r.status, 422, "%d %s", r.status, r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "refused")), 1, "%s", r.body);
    const char *text = json_string_value(json_object_get(json_array_get(json_object_get(r.json, "messages"), 0), "text"));
    cr_assert(text && strstr(text, "feature 1"), "%s", r.body);
    cr_assert(!strstr(r.body, "parkland-serve-"), "no server path in the answer: %s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "id")));
    resp_free(&r);
    cr_assert_eq(staged_count(), 0);
    r = upload(&s, "?park=JMIP&filename=../../etc/passwd", "text/plain", "x", 1);
    cr_assert_eq(r.status, 400, "%d %s", r.status, r.body);
    resp_free(&r);
    r = upload(&s, "?park=JMIP&filename=%D7%DA%B5%D8.txt", "text/plain", "x", 1); /* 宗地 in GBK bytes */
    cr_assert(r.status == 400 || r.status == 422, "%d %s", r.status, r.body);
    cr_assert_not_null(r.json, "the answer is JSON even so: %s", r.body);
    resp_free(&r);
    r = upload(&s, "?park=JMIP&format=dxf", "text/plain", "x", 1);
    cr_assert_eq(r.status, 400, "%d %s", r.status, r.body);
    resp_free(&r);
    cr_assert_eq(staged_count(), 0);
}

Test(writes, accounts_add_passwd_disable)
{
    session a = login("adam");
    resp r = call(&a, "POST", "/api/v1/users", "{\"name\":\"nina\",\"role\":\"土地\",\"password\":\"first-pass-1\"}");
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "nina");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "role")), "land");
    cr_assert(json_is_null(json_object_get(r.json, "disabled_at")));
    cr_assert_null(json_object_get(r.json, "password"));
    resp_free(&r);
    r = call(&a, "POST", "/api/v1/users", "{\"name\":\"nina\",\"role\":\"viewer\",\"password\":\"first-pass-1\"}");
    cr_assert_eq(r.status, 422, "taken: %d %s", r.status, r.body);
    resp_free(&r);
    login_as("nina", "first-pass-1");
    r = call(&a, "PATCH", "/api/v1/users/nina", "{\"password\":\"second-pass-2\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    resp_free(&r);
    r = http("POST", "/api/v1/session", NULL, NULL, "{\"user\":\"nina\",\"password\":\"first-pass-1\"}");
    cr_assert_eq(r.status, 401);
    resp_free(&r);
    session n = login_as("nina", "second-pass-2");
    r = call(&a, "PATCH", "/api/v1/users/nina", "{\"disabled\":true}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert(json_is_string(json_object_get(r.json, "disabled_at")), "%s", r.body);
    resp_free(&r);
    r = call(&n, "GET", "/api/v1/check", NULL);
    cr_assert_eq(r.status, 401, "a disabled account's session ends: %d %s", r.status, r.body);
    resp_free(&r);
    r = call(&a, "GET", "/api/v1/users", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(r.json), 5);
    cr_assert(!strstr(r.body, "argon2"), "no hash in the answer");
    resp_free(&r);
    r = call(&a, "PATCH", "/api/v1/users/nobody", "{\"password\":\"third-pass-3\"}");
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
    r = call(&a, "POST", "/api/v1/parks", "{\"code\":\"LXIP\",\"name\":\"莱西园区\",\"district\":\"莱西市\"}");
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "code")), "LXIP");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "district")), "莱西市");
    resp_free(&r);
    r = call(&a, "POST", "/api/v1/parks", "{\"code\":\"LXIP\",\"name\":\"again\"}");
    cr_assert(r.status == 422 || r.status == 400, "taken: %d %s", r.status, r.body);
    resp_free(&r);
    r = call(&a, "GET", "/api/v1/parks", NULL);
    char *out = NULL, *errout = NULL;
    tu_cli(&out, &errout, dbpath, "park list --format json");
    json_t *cli = json_loads(out, 0, NULL);
    /* the CLI's keys, and beside them each park's WGS 84 extent (null without parcels) */
    size_t i;
    json_t *o;
    json_array_foreach(r.json, i, o) {
        json_t *e = json_object_get(o, "extent");
        cr_assert(json_is_null(e) || json_array_size(e) == 4, "%s", r.body);
        cr_assert_eq(json_is_null(e), json_integer_value(json_object_get(o, "parcels")) == 0, "%s", r.body);
        json_object_del(o, "extent");
    }
    cr_assert(json_equal(cli, r.json), "cli %s\napi %s", out, r.body);
    json_decref(cli);
    tu_outputs_free(&out, &errout);
    resp_free(&r);
}

/* ---- limits --------------------------------------------------------------------------------- */

static void small_upload(pl_server_options *o) { o->max_upload = 2048; }

Test(writes_limits, oversized_upload_is_413, .fini = stop)
{
    start_with(small_upload);
    session s = login("lena");
    size_t n = 8192;
    char *big = malloc(n);
    memset(big, ' ', n);
    resp r = upload(&s, "?park=JMIP&filename=big.geojson", "application/geo+json", big, n);
    cr_assert_eq(r.status, 413, "%d %s", r.status, r.body);
    cr_assert_str_eq(error_of(&r), "the body is larger than 2048 bytes");
    resp_free(&r);
    /* chunked, without a length: counted as it comes, and the partial file removed */
    char head[1024];
    int m = snprintf(head, sizeof head,
                     "POST /api/v1/imports?park=JMIP HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: pl_session=%s\r\n"
                     "X-CSRF-Token: %s\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
                     s.cookie, s.csrf);
    char *req = malloc((size_t)m + 3 * 4200 + 16);
    memcpy(req, head, (size_t)m);
    for (int c = 0; c < 3; c++) {
        m += sprintf(req + m, "1000\r\n");
        memset(req + m, 'y', 4096);
        m += 4096;
        m += sprintf(req + m, "\r\n");
    }
    m += sprintf(req + m, "0\r\n\r\n");
    r = raw(req, (size_t)m);
    free(req);
    cr_assert_eq(r.status, 413, "%d %s", r.status, r.body);
    resp_free(&r);
    free(big);
    cr_assert_eq(staged_count(), 0, "nothing kept of a refused upload");
    /* the JSON endpoints keep their own limit */
    r = upload(&s, "?park=JMIP&filename=g.geojson", "application/geo+json", tiny_geojson, strlen(tiny_geojson));
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    resp_free(&r);
}

static void short_uploads(pl_server_options *o) { o->upload_ttl_s = 1; }

Test(writes_limits, uploads_expire, .fini = stop)
{
    start_with(short_uploads);
    session s = login("lena");
    resp r = upload(&s, "?park=JMIP&filename=g.geojson", "application/geo+json", tiny_geojson, strlen(tiny_geojson));
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/imports/%s/commit", json_string_value(json_object_get(r.json, "id")));
    resp_free(&r);
    cr_assert_eq(staged_count(), 1);
    sleep(2);
    r = call(&s, "POST", path, "{}");
    cr_assert_eq(r.status, 404, "expired: %d %s", r.status, r.body);
    resp_free(&r);
    cr_assert_eq(staged_count(), 0);
}

Test(writes_limits, stopping_removes_the_uploads, .fini = pl_library_shutdown)
{
    start_with(NULL);
    session s = login("lena");
    resp r = upload(&s, "?park=JMIP&filename=g.geojson", "application/geo+json", tiny_geojson, strlen(tiny_geojson));
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    resp_free(&r);
    char root[4096];
    snprintf(root, sizeof root, "%s", pl_staging_root(pl_server_staging(srv)));
    cr_assert_eq(access(root, F_OK), 0);
    pl_server_stop(srv, 5);
    srv = NULL;
    cr_assert_neq(access(root, F_OK), 0, "'%s' is gone", root);
}

/* Failed logins from two browsers behind one proxy: with --trust-proxy each has its own count (the
 * last X-Forwarded-For address); without it, the header is not believed and they share the proxy's. */
static int failures_until_blocked(const char *xff)
{
    extra_headers = xff;
    int n = 0;
    for (; n < 10; n++) {
        resp r = http("POST", "/api/v1/session", NULL, NULL, "{\"user\":\"lena\",\"password\":\"wrong-one-9\"}");
        int status = r.status;
        resp_free(&r);
        if (status == 429)
            break;
        cr_assert_eq(status, 401);
    }
    extra_headers = NULL;
    return n;
}

static void trust_proxy(pl_server_options *o) { o->trust_proxy = 1; }

Test(writes_limits, trust_proxy_takes_the_forwarded_address, .fini = stop)
{
    start_with(trust_proxy);
    cr_assert_eq(failures_until_blocked("X-Forwarded-For: 203.0.113.9, 10.0.0.1\r\n"), 5);
    cr_assert_eq(failures_until_blocked("X-Forwarded-For: 10.0.0.2\r\n"), 5, "another browser is not blocked");
    /* a forged header in front of the proxy's own entry changes nothing: the last one counts */
    cr_assert_eq(failures_until_blocked("X-Forwarded-For: 10.0.0.2, 10.0.0.1\r\n"), 0);
}

Test(writes_limits, forwarded_address_ignored_without_trust_proxy, .fini = stop)
{
    start_with(NULL);
    cr_assert_eq(failures_until_blocked("X-Forwarded-For: 10.0.0.1\r\n"), 5);
    cr_assert_eq(failures_until_blocked("X-Forwarded-For: 10.0.0.2\r\n"), 0, "the proxy's address is blocked");
}

/* ---- TLS ------------------------------------------------------------------------------------ */

static char cert_path[1024], key_path[1024];

static void tls(pl_server_options *o)
{
    o->cert_path = cert_path;
    o->key_path = key_path;
}

Test(writes_tls, https_login_with_a_self_signed_certificate, .fini = stop)
{
    snprintf(cert_path, sizeof cert_path, "%s", tu_tmp("tls-cert.pem"));
    snprintf(key_path, sizeof key_path, "%s", tu_tmp("tls-key.pem"));
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout '%s' -out '%s' "
             ">/dev/null 2>&1",
             key_path, cert_path);
    cr_assert_eq(system(cmd), 0, "openssl");
    start_with(tls);
    cr_assert(pl_server_tls(srv));
    char *out = NULL, *errout = NULL;
    int rc = tu_run(&out, &errout,
                    "curl -sk -i --max-time 20 -H 'Content-Type: application/json' "
                    "-d '{\"user\":\"lena\",\"password\":\"" PASSWORD "\"}' https://127.0.0.1:%u/api/v1/session",
                    serve_port);
    cr_assert_eq(rc, 0, "curl: %s %s", out, errout);
    cr_assert(strstr(out, "HTTP/1.1 200") || strstr(out, "HTTP/2 200"), "%s", out);
    const char *cookie = strstr(out, "set-cookie:") ? strstr(out, "set-cookie:") : strstr(out, "Set-Cookie:");
    cr_assert_not_null(cookie, "%s", out);
    cr_assert(strstr(cookie, "; Secure"), "Secure under TLS: %s", out);
    cr_assert(strstr(cookie, "HttpOnly") && strstr(cookie, "SameSite=Strict"), "%s", out);
    tu_outputs_free(&out, &errout);
    /* plain HTTP on the TLS port is not served */
    rc = tu_run(&out, &errout, "curl -s --max-time 5 -o /dev/null -w '%%{http_code}' http://127.0.0.1:%u/healthz",
                serve_port);
    cr_assert(rc != 0 || strcmp(out, "200"), "plain HTTP answered: %s", out);
    tu_outputs_free(&out, &errout);
}

Test(writes_tls, a_key_without_a_certificate_is_refused, .fini = pl_library_shutdown)
{
    pl_server_options o;
    pl_server_options_init(&o);
    o.db_path = "/nonexistent.db";
    o.key_path = "/nonexistent.pem";
    pl_error err;
    pl_error_clear(&err);
    pl_server *s = NULL;
    cr_assert_eq(pl_server_start(&o, &s, &err), PL_ERR_USAGE);
    cr_assert(strstr(err.message, "--cert"), "%s", err.message);
}
