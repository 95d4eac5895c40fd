/* test_serve.c — `parkland serve` in process on an ephemeral loopback port, spoken to over a
 * plain socket: health, login, sessions, the role table per endpoint, CSRF, limits, bad JSON,
 * XSS text, history's actor, the free-parcel JSON of the CLI, inspection files by SHA-256. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <sched.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "parkland/inspect.h"
#include "parkland/lead.h"
#include "parkland/user.h"
#include "http.h"
#include "server.h"
#include "static_files.h"
#include "serve_client.h"
#include "testutil.h"

#define PASSWORD "pass-word-1"

static pl_server *srv;
static char dbpath[1024];

static session login(const char *user) { return login_as(user, PASSWORD); }

/* The fixture's inspection of QDIP-2024-040: a PNG, and a PDF whose name tries to add a header. */
static const char png_bytes[] = "\x89PNG\r\n\x1a\n" "\x00\xff" "parkland e2e" "\x00"; /* 23 bytes */
#define PNG_SHA256 "a3aebdc1ad694a4f08d752c8615a468f64d2b58244af39a4ff384882ede66dc8"
static const char pdf_bytes[] = "%PDF-1.4\n%hostile name\n"; /* 23 bytes */
#define PDF_SHA256 "2c05735a075c6eec54bd1b273938b9d390658c4263337c0a92cf807efb4733b3"
#define HOSTILE_NAME "a\"\r\nSet-Cookie: x=1.png"

/* ---- the fixture: sample parcels, a lead, one account per role, the server ------------------ */

static void start_with(void (*tweak)(pl_server_options *o))
{
    pl_db *db = tu_db_new("serve.db", dbpath);
    tu_park_qdip(db);
    pl_import_options io;
    pl_import_options_init(&io);
    io.park = "QDIP";
    io.status = "available";
    tu_import_with(db, SAMPLES_DIR "/parcels.txt", &io);
    pl_error err;
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = "L-1";
    f.company = "Seed Co";
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
    static const char *const users[][2] = {
        {"vera", "viewer"}, {"ivan", "investment"}, {"lena", "land"}, {"adam", "admin"}, {"dora", "viewer"}};
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(pl_user_add(db, users[i][0], pl_role_parse(users[i][1]), PASSWORD, &err), PL_OK, "%s",
                     err.message);
    cr_assert_eq(pl_user_disable(db, "dora", &err), PL_OK);
    const char *files[] = {tu_tmp("site.png"), tu_tmp(HOSTILE_NAME)};
    tu_write_file(files[0], png_bytes, sizeof png_bytes - 1);
    tu_write_file(files[1], pdf_bytes, sizeof pdf_bytes - 1);
    pl_inspection_input in = {.date = "2024-06-01", .progress_pct = 40, .built_area_m2 = 1200, .invested_wan = 800,
                              .note = "site visit", .files = files, .nfiles = 2};
    cr_assert_eq(pl_inspection_add(db, NULL, "QDIP-2024-040", &in, NULL, &err), PL_OK, "%s", err.message);
    pl_db_close(db);
    pl_server_options o;
    pl_server_options_init(&o);
    o.db_path = dbpath;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    o.quiet = 1;
    if (tweak)
        tweak(&o);
    cr_assert_eq(pl_server_start(&o, &srv, &err), PL_OK, "%s", err.message);
    serve_port = pl_server_port(srv);
    cr_assert(serve_port > 0);
}

static void start_default(void) { start_with(NULL); }

static void stop(void)
{
    pl_server_stop(srv, 5);
    srv = NULL;
    pl_library_shutdown();
}

TestSuite(serve, .init = start_default, .fini = stop);

Test(serve, healthz_without_login)
{
    resp r = http("GET", "/healthz", NULL, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
    cr_assert_str_eq(header(&r, "Content-Type"), "application/json; charset=utf-8");
    cr_assert_str_eq(header(&r, "X-Content-Type-Options"), "nosniff");
    resp_free(&r);
    r = http("GET", "/nowhere", NULL, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(error_of(&r), "no such resource '/nowhere'");
    resp_free(&r);
    r = http("PUT", "/healthz", NULL, NULL, NULL);
    cr_assert_eq(r.status, 405);
    resp_free(&r);
}

Test(serve, login_ok_wrong_unknown_disabled)
{
    resp r = http("POST", "/api/v1/session", NULL, NULL, "{\"user\":\"ivan\",\"password\":\"" PASSWORD "\"}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    const char *c = header(&r, "Set-Cookie");
    cr_assert_not_null(c);
    cr_assert(strstr(c, "; HttpOnly") && strstr(c, "; SameSite=Strict") && strstr(c, "; Path=/"), "%s", c);
    cr_assert_null(strstr(c, "Secure"), "no TLS, no Secure: %s", c);
    const char *csrf = json_string_value(json_object_get(r.json, "csrf"));
    cr_assert(csrf && strlen(csrf) == 64, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "role")), "investment");
    resp_free(&r);
    static const char *const bad[] = {
        "{\"user\":\"ivan\",\"password\":\"pass-word-2\"}",  /* wrong password */
        "{\"user\":\"nobody\",\"password\":\"" PASSWORD "\"}", /* unknown user */
        "{\"user\":\"dora\",\"password\":\"" PASSWORD "\"}",   /* disabled */
    };
    for (size_t i = 0; i < 3; i++) {
        r = http("POST", "/api/v1/session", NULL, NULL, bad[i]);
        cr_assert_eq(r.status, 401, "%s: %d", bad[i], r.status);
        cr_assert_str_eq(error_of(&r), "wrong user or password");
        cr_assert_null(header(&r, "Set-Cookie"));
        resp_free(&r);
    }
    r = http("POST", "/api/v1/session", NULL, NULL, "{\"user\":\"ivan\"}");
    cr_assert_eq(r.status, 400);
    resp_free(&r);
}

Test(serve, repeated_failures_are_rate_limited_per_user)
{
    for (int i = 0; i < 5; i++) {
        resp r = http("POST", "/api/v1/session", NULL, NULL, "{\"user\":\"ivan\",\"password\":\"guess-guess\"}");
        cr_assert_eq(r.status, 401);
        resp_free(&r);
    }
    /* now even the right password waits */
    resp r = http("POST", "/api/v1/session", NULL, NULL, "{\"user\":\"ivan\",\"password\":\"" PASSWORD "\"}");
    cr_assert_eq(r.status, 429, "%d %s", r.status, r.body);
    cr_assert(strstr(error_of(&r), "too many failed logins"), "%s", r.body);
    resp_free(&r);
    session s = login("adam"); /* another account is not held up */
    (void)s;
}

/* Every endpoint that needs a session answers 401 without one, and with a made-up or ended one. */
Test(serve, unauthorised_without_a_session)
{
    static const char *const calls[][2] = {
        {"GET", "/api/v1/parcels?bbox=120,36,120.1,36.1"}, {"GET", "/api/v1/parcels/QDIP-2024-001"},
        {"GET", "/api/v1/free"}, {"GET", "/api/v1/leads"}, {"GET", "/api/v1/leads/L-1"},
        {"POST", "/api/v1/leads"}, {"PATCH", "/api/v1/leads/L-1"}, {"DELETE", "/api/v1/session"},
        {"GET", "/api/v1/leads/L-1/match"}, {"POST", "/api/v1/leads/L-1/reserve"}, {"GET", "/api/v1/projects"},
        {"POST", "/api/v1/projects"}, {"GET", "/api/v1/projects/P-1"}, {"POST", "/api/v1/projects/P-1/milestones"},
        {"GET", "/api/v1/reports/availability"}, {"GET", "/api/v1/exports/geojson"},
        {"GET", "/api/v1/reports/monthly?month=2026-05"}, {"GET", "/api/v1/reports/quarterly?quarter=2026-Q1"},
        {"GET", "/api/v1/history/parcel/QDIP-2024-001"}, {"GET", "/api/v1/history/lead/L-1"},
        {"GET", "/api/v1/history/project/P-1"}, {"GET", "/api/v1/files/" PNG_SHA256},
    };
    session s = login("adam");
    resp r = http("DELETE", "/api/v1/session", s.cookie, s.csrf, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(header(&r, "Set-Cookie"), "Max-Age=0"));
    resp_free(&r);
    const char *fake = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const char *cookies[] = {NULL, fake, s.cookie};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
            r = http(calls[i][0], calls[i][1], cookies[k], s.csrf, strcmp(calls[i][0], "GET") ? "{}" : NULL);
            cr_assert_eq(r.status, 401, "%s %s (cookie %zu): %d %s", calls[i][0], calls[i][1], k, r.status, r.body);
            resp_free(&r);
        }
}

/* The role table, written out here on its own: endpoint × role → status. */
Test(serve, roles_per_endpoint)
{
    static const char *const roles[] = {"vera", "ivan", "lena", "adam"}; /* viewer investment land admin */
    static const struct {
        const char *method, *path, *body;
        int status[4];
    } calls[] = {
        {"GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/parcels/QDIP-2024-001", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/free?min_mu=30&max_mu=60", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/leads", NULL, {403, 200, 403, 200}},
        {"GET", "/api/v1/leads/L-1", NULL, {403, 200, 403, 200}},
        {"POST", "/api/v1/leads", "{\"code\":\"R-%s\",\"company\":\"Role Co\"}", {403, 201, 403, 201}},
        {"PATCH", "/api/v1/leads/R-%s", "{\"stage\":\"contacted\"}", {403, 200, 403, 200}},
        {"PATCH", "/api/v1/leads/R-%s", "{\"contact\":\"Ms %s\",\"land_mu\":40}", {403, 200, 403, 200}},
        {"GET", "/api/v1/leads/R-%s/match", NULL, {403, 200, 403, 200}},
        {"POST", "/api/v1/leads/R-%s/reserve", "{\"note\":\"by %s\",\"parcel\":\"QDIP-2024-00%s\"}", {403, 201, 403, 201}},
        {"POST", "/api/v1/projects", "{\"lead\":\"R-%s\",\"parcels\":[\"QDIP-2024-00%s\"]}", {403, 201, 403, 201}},
        {"GET", "/api/v1/projects", NULL, {403, 200, 403, 200}},
        {"GET", "/api/v1/projects/P-R-%s", NULL, {403, 200, 403, 200}},
        {"POST", "/api/v1/projects/P-R-%s/milestones", "{\"kind\":\"construction\",\"planned\":\"2030-01-01\"}",
         {403, 200, 403, 200}},
        {"GET", "/api/v1/reports/availability", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/reports/alerts?format=csv", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/reports/monthly?month=2026-05", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/reports/quarterly?quarter=2026-Q1&format=csv", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/exports/kml", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/history/parcel/QDIP-2024-001", NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/files/" PNG_SHA256, NULL, {200, 200, 200, 200}},
        {"GET", "/api/v1/history/lead/R-%s", NULL, {403, 200, 403, 200}},
        {"GET", "/api/v1/history/project/P-R-%s", NULL, {403, 200, 403, 200}},
        {"DELETE", "/api/v1/session", NULL, {200, 200, 200, 200}},
    };
    /* the parcel each role's lead reserves and signs: vera 2, ivan 3, lena 4, adam 5 */
    static const char *const parcel_no[] = {"2", "3", "4", "5"};
    for (size_t u = 0; u < 4; u++) {
        session s = login(roles[u]);
        for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
            char path[256], body[256];
            snprintf(path, sizeof path, calls[i].path, roles[u]);
            if (calls[i].body) /* the role's name in the first %s, its name or its parcel's number in a second */
                snprintf(body, sizeof body, calls[i].body, roles[u],
                         strstr(calls[i].body, "QDIP") ? parcel_no[u] : roles[u]);
            resp r = http(calls[i].method, path, s.cookie, s.csrf, calls[i].body ? body : NULL);
            cr_assert_eq(r.status, calls[i].status[u], "%s %s as %s: %d %s", calls[i].method, path, roles[u],
                         r.status, r.body);
            if (r.status == 403)
                cr_assert(strstr(error_of(&r), "may not"), "%s", r.body);
            resp_free(&r);
        }
    }
}

/* An inspection's files: listed with the parcel, served as stored by their SHA-256 with their
 * type, inline, under a name that cannot add a header; 400 for what is not a SHA-256, 404 for
 * one not stored. */
Test(serve, inspection_files_by_sha256)
{
    session s = login("vera");
    resp r = call(&s, "GET", "/api/v1/parcels/QDIP-2024-040", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *ins = json_object_get(r.json, "inspections");
    cr_assert_eq(json_array_size(ins), 1, "%s", r.body);
    json_t *files = json_object_get(json_array_get(ins, 0), "files");
    cr_assert_eq(json_array_size(files), 2, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(files, 0), "sha256")), PNG_SHA256);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(files, 1), "name")), HOSTILE_NAME);
    resp_free(&r);

    r = call(&s, "GET", "/api/v1/files/" PNG_SHA256, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(r.body_len, sizeof png_bytes - 1);
    cr_assert_eq(memcmp(r.body, png_bytes, r.body_len), 0, "the stored bytes, NULs and all");
    cr_assert_str_eq(header(&r, "Content-Type"), "image/png");
    cr_assert_str_eq(header(&r, "X-Content-Type-Options"), "nosniff");
    cr_assert_str_eq(header(&r, "Content-Disposition"), "inline; filename*=UTF-8''site.png");
    cr_assert_str_eq(header(&r, "Cache-Control"), "private, max-age=86400");
    resp_free(&r);

    r = call(&s, "GET", "/api/v1/files/" PDF_SHA256, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(r.body_len == sizeof pdf_bytes - 1 && !memcmp(r.body, pdf_bytes, r.body_len));
    cr_assert_str_eq(header(&r, "Content-Type"), "application/pdf");
    cr_assert_str_eq(header(&r, "Content-Disposition"), "inline; filename*=UTF-8''a%22%0D%0ASet-Cookie%3A%20x%3D1.png");
    cr_assert_null(header(&r, "Set-Cookie"), "the name added no header: %s", r.head);
    /* every line of the head is one header: no CR or LF but at its end */
    for (const char *l = strchr(r.head, '\n'); l && l[1]; l = strchr(l + 1, '\n'))
        cr_assert(strncasecmp(l + 1, "x=1", 3) && strncasecmp(l + 1, "Set-Cookie", 10), "%s", r.head);
    resp_free(&r);

    static const char *const bad[] = {
        "/api/v1/files/" "A3AEBDC1AD694A4F08D752C8615A468F64D2B58244AF39A4FF384882EDE66DC8", /* upper case */
        "/api/v1/files/a3aebdc1", /* a prefix: the CLI's, not the API's */
        "/api/v1/files/" PNG_SHA256 "0", "/api/v1/files/" "g3aebdc1ad694a4f08d752c8615a468f64d2b58244af39a4ff384882ede66dc8",
        "/api/v1/files/x'%20OR%201=1--",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = call(&s, "GET", bad[i], NULL);
        cr_assert_eq(r.status, 400, "%s: %d %s", bad[i], r.status, r.body);
        cr_assert(strstr(error_of(&r), "SHA-256"), "%s", r.body);
        resp_free(&r);
    }
    r = call(&s, "GET", "/api/v1/files/" "0000000000000000000000000000000000000000000000000000000000000000", NULL);
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    cr_assert(strstr(error_of(&r), "no stored file"), "%s", r.body);
    resp_free(&r);

    r = http("GET", "/api/v1/files/" PNG_SHA256, NULL, NULL, NULL);
    cr_assert_eq(r.status, 401, "%d %s", r.status, r.body);
    cr_assert_eq(strstr(r.body, "parkland e2e"), NULL);
    resp_free(&r);
}

/* A stolen cookie without the session's CSRF token writes nothing. */
Test(serve, csrf_token_needed_for_writes)
{
    session s = login("ivan");
    const char *body = "{\"code\":\"C-1\",\"company\":\"Csrf Co\"}";
    resp r = http("POST", "/api/v1/leads", s.cookie, NULL, body);
    cr_assert_eq(r.status, 403);
    cr_assert_str_eq(error_of(&r), "a write needs the X-CSRF-Token header of the session");
    resp_free(&r);
    session other = login("adam");
    r = http("POST", "/api/v1/leads", s.cookie, other.csrf, body); /* another session's token */
    cr_assert_eq(r.status, 403);
    resp_free(&r);
    r = http("PATCH", "/api/v1/leads/L-1", s.cookie, "", "{\"stage\":\"contacted\"}");
    cr_assert_eq(r.status, 403);
    resp_free(&r);
    r = http("DELETE", "/api/v1/session", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 403);
    resp_free(&r);
    r = http("GET", "/api/v1/leads/C-1", s.cookie, NULL, NULL); /* nothing was written */
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
    r = http("POST", "/api/v1/leads", s.cookie, s.csrf, body);
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    resp_free(&r);
}

Test(serve, bad_json_is_400)
{
    session s = login("ivan");
    static const char *const bodies[] = {
        "{\"code\":",                                   /* cut short */
        "[1,2]",                                        /* not an object */
        "{\"code\":\"D\",\"code\":\"E\",\"company\":\"x\"}", /* a key twice */
        "{\"code\":\"D\",\"company\":\"x\",\"bogus\":1}",  /* unknown field */
        "{\"code\":\"D\",\"company\":\"x\",\"land_mu\":\"lots\"}", /* not a number */
        "{\"code\":\"D\",\"company\":[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]}", /* too deep */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        resp r = http("POST", "/api/v1/leads", s.cookie, s.csrf, bodies[i]);
        cr_assert_eq(r.status, 400, "%s: %d %s", bodies[i], r.status, r.body);
        cr_assert(*error_of(&r), "no JSON error for %s: %s", bodies[i], r.body);
        resp_free(&r);
    }
    /* more than the 64 KiB of a JSON body (the 1 MiB body limit is not reached) */
    size_t n = 70 << 10;
    char *big = malloc(n + 64);
    int k = snprintf(big, 64, "{\"code\":\"D\",\"company\":\"");
    memset(big + k, 'x', n);
    strcpy(big + k + n, "\"}");
    resp r = http("POST", "/api/v1/leads", s.cookie, s.csrf, big);
    cr_assert_eq(r.status, 400, "%d %s", r.status, r.body);
    cr_assert(strstr(error_of(&r), "more than 65536"), "%s", r.body);
    resp_free(&r);
    free(big);
    r = http("GET", "/api/v1/parcels?bbox=1,2,3", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 400);
    resp_free(&r);
    r = http("GET", "/api/v1/free?min_mu=abc", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 400);
    cr_assert_str_eq(error_of(&r), "min_mu expects a number, not 'abc'");
    resp_free(&r);
}

/* A company named like markup comes back as the same text, in JSON with no markup in it. */
Test(serve, xss_text_round_trips_as_json_text)
{
    session s = login("ivan");
    const char *evil = "<img src=x onerror=alert(1)> & \"</script>";
    json_t *in = json_pack("{s:s, s:s}", "code", "X-1", "company", evil);
    char *body = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    resp r = http("POST", "/api/v1/leads", s.cookie, s.csrf, body);
    free(body);
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "company")), evil);
    cr_assert_null(strchr(r.body, '<'), "%s", r.body);
    cr_assert_not_null(strstr(r.body, "\\u003cimg src=x onerror=alert(1)\\u003e \\u0026"), "%s", r.body);
    resp_free(&r);
    r = http("GET", "/api/v1/leads", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_null(strchr(r.body, '<'));
    cr_assert_str_eq(header(&r, "Content-Type"), "application/json; charset=utf-8");
    cr_assert_str_eq(header(&r, "X-Content-Type-Options"), "nosniff");
    int found = 0;
    for (size_t i = 0; i < json_array_size(r.json); i++)
        found += !strcmp(json_string_value(json_object_get(json_array_get(r.json, i), "company")), evil);
    cr_assert_eq(found, 1);
    resp_free(&r);
}

/* Writes are in the history under the account's name; the lead's stage moves. */
Test(serve, history_names_the_account)
{
    session s = login("ivan");
    resp r = http("PATCH", "/api/v1/leads/l-1", s.cookie, s.csrf, "{\"stage\":\"contacted\",\"note\":\"called\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "stage")), "contacted");
    resp_free(&r);
    r = http("PATCH", "/api/v1/leads/L-1", s.cookie, s.csrf, "{\"stage\":\"signed\"}");
    cr_assert_eq(r.status, 422, "the library's rule: %d %s", r.status, r.body);
    resp_free(&r);
    r = http("PATCH", "/api/v1/leads/L-404", s.cookie, s.csrf, "{\"stage\":\"contacted\"}");
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_str_eq(tu_sql_text(db, "SELECT who FROM history WHERE entity = 'lead' AND field = 'stage'"), "ivan");
    cr_assert_str_eq(tu_sql_text(db, "SELECT note FROM history WHERE entity = 'lead' AND field = 'stage'"), "called");
    pl_db_close(db);
}

/* GET /api/v1/free is `query free --format json`, byte for byte; parcels by box are GeoJSON. */
Test(serve, free_is_the_cli_json_and_parcels_are_geojson)
{
    session s = login("vera");
    resp r = http("GET", "/api/v1/free?min_mu=30&max_mu=60", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "query free --min-mu 30 --max-mu 60 --format json"), 0, "%s", errout);
    cr_assert_str_eq(r.body, out);
    cr_assert(json_array_size(r.json) > 0);
    tu_outputs_free(&out, &errout);
    resp_free(&r);
    r = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&status=available", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(header(&r, "Content-Type"), "application/geo+json; charset=utf-8");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "type")), "FeatureCollection");
    json_t *fs = json_object_get(r.json, "features");
    cr_assert_eq(json_array_size(fs), 48);
    json_t *p = json_object_get(json_array_get(fs, 0), "properties");
    static const char *const keys[] = {"code", "name", "park", "status", "area_mu", "class"};
    for (size_t i = 0; i < 6; i++)
        cr_assert_not_null(json_object_get(p, keys[i]), "no '%s'", keys[i]);
    /* what a map draws, not every field: those come with fields=all, or with the click */
    cr_assert_null(json_object_get(p, "investment_intensity_wan_per_mu"), "%s", r.body);
    cr_assert_null(json_object_get(p, "construction_planned"));
    cr_assert_not_null(json_object_get(p, "fill"));
    size_t map_bytes = strlen(r.body);
    resp_free(&r);
    r = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&status=available&fields=all", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    fs = json_object_get(r.json, "features");
    cr_assert_eq(json_array_size(fs), 48);
    p = json_object_get(json_array_get(fs, 0), "properties");
    for (size_t i = 0; i < 6; i++)
        cr_assert_not_null(json_object_get(p, keys[i]), "no '%s'", keys[i]);
    cr_assert(json_object_get(p, "investment_intensity_wan_per_mu") && json_object_get(p, "construction_planned"),
              "fields=all: every field of export geojson");
    cr_assert(strlen(r.body) > map_bytes * 3 / 2, "%zu bytes, the map's %zu", strlen(r.body), map_bytes);
    resp_free(&r);
    r = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&fields=some", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(r.body, "fields is map or all"), "%s", r.body);
    resp_free(&r);
    /* a box away from the park: none; a small one: some */
    r = http("GET", "/api/v1/parcels?bbox=121.0,36.5,121.1,36.6", s.cookie, NULL, NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "features")), 0);
    /* the legend is the classes of the box, not of the whole database */
    cr_assert_eq(json_array_size(json_object_get(r.json, "legend")), 0, "%s", r.body);
    resp_free(&r);
    r = http("GET", "/api/v1/parcels?bbox=120.07,36.04,120.075,36.045", s.cookie, NULL, NULL);
    size_t some = json_array_size(json_object_get(r.json, "features"));
    cr_assert(some > 0 && some < 48, "%zu", some);
    json_t *legend = json_object_get(r.json, "legend");
    cr_assert(json_array_size(legend) > 0);
    for (size_t i = 0; i < json_array_size(legend); i++) { /* each legend class is drawn in the box */
        const char *cls = json_string_value(json_object_get(json_array_get(legend, i), "class"));
        int drawn = 0;
        for (size_t k = 0; k < some; k++) {
            json_t *pk = json_object_get(json_array_get(json_object_get(r.json, "features"), k), "properties");
            drawn |= !strcmp(json_string_value(json_object_get(pk, "class")), cls);
        }
        cr_assert(drawn, "legend class '%s' is not in the box", cls);
    }
    resp_free(&r);
    r = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&status=bogus", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 400, "%d %s", r.status, r.body);
    resp_free(&r);
    r = http("GET", "/api/v1/parcels/001", s.cookie, NULL, NULL); /* the map label, as the CLI takes it */
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "code")), "QDIP-2024-001");
    resp_free(&r);
    r = http("GET", "/api/v1/parcels/QDIP-2024-999", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cr_assert(strstr(error_of(&r), "no parcel 'QDIP-2024-999'"), "%s", r.body);
    resp_free(&r);
}

/* The first coordinate of the parcel `code` in a FeatureCollection, or 0. */
static int first_point(json_t *fc, const char *code, double *lon, double *lat)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f) {
        if (strcmp(json_string_value(json_object_get(json_object_get(f, "properties"), "code")), code))
            continue;
        json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
        while (json_is_array(json_array_get(c, 0)))
            c = json_array_get(c, 0);
        *lon = json_real_value(json_array_get(c, 0));
        *lat = json_real_value(json_array_get(c, 1));
        return 1;
    }
    return 0;
}

/* The vertices of every feature of a FeatureCollection (polygons and multipolygons). */
static size_t count_vertices(json_t *c)
{
    if (!json_is_array(c))
        return 0;
    if (json_is_number(json_array_get(c, 0)))
        return 1;
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(c, i, e) n += count_vertices(e);
    return n;
}

static size_t fc_vertices(json_t *fc, double *area_mu)
{
    size_t n = 0, i;
    json_t *f;
    *area_mu = 0;
    json_array_foreach(json_object_get(fc, "features"), i, f) {
        n += count_vertices(json_object_get(json_object_get(f, "geometry"), "coordinates"));
        *area_mu += json_number_value(json_object_get(json_object_get(f, "properties"), "area_mu"));
    }
    return n;
}

Test(serve, parcels_box_simplified_on_request)
{
    session s = login("vera");
    resp full = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1", s.cookie, NULL, NULL);
    resp simple = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&simplify=30", s.cookie, NULL, NULL);
    cr_assert_eq(simple.status, 200, "%d %s", simple.status, simple.body);
    double full_mu, simple_mu;
    size_t vf = fc_vertices(full.json, &full_mu), vs = fc_vertices(simple.json, &simple_mu);
    /* the same parcels with their stored areas, fewer vertices, a smaller answer */
    cr_assert_eq(json_array_size(json_object_get(simple.json, "features")),
                 json_array_size(json_object_get(full.json, "features")));
    cr_assert_float_eq(simple_mu, full_mu, 1e-6);
    cr_assert(vs < vf && simple.body_len < full.body_len, "%zu vertices → %zu, %zu bytes → %zu", vf, vs, full.body_len,
              simple.body_len);
    resp_free(&simple);
    simple = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&simplify=0", s.cookie, NULL, NULL);
    cr_assert_str_eq(simple.body, full.body); /* 0: as stored */
    resp_free(&simple);
    resp_free(&full);
    static const char *const bad[] = {"-1", "abc", "20000", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&simplify=%s", bad[i]);
        resp r = http("GET", path, s.cookie, NULL, NULL);
        cr_assert_eq(r.status, 400, "%s: %d", bad[i], r.status);
        cr_assert(strstr(error_of(&r), "simplify is a tolerance of 0 to 10000 metres"), "%s", r.body);
        resp_free(&r);
    }
}

Test(serve, parks_with_their_extent)
{
    session s = login("vera"), a = login("adam");
    resp r = http("POST", "/api/v1/parks", a.cookie, a.csrf, "{\"code\": \"EMPTY\", \"name\": \"空园区\"}");
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert(json_is_null(json_object_get(r.json, "extent")), "%s", r.body); /* no parcel yet */
    resp_free(&r);
    r = http("GET", "/api/v1/parks", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_eq(json_array_size(r.json), 2, "%s", r.body);
    json_t *q = json_array_get(r.json, 1);
    cr_assert_str_eq(json_string_value(json_object_get(q, "code")), "QDIP");
    json_t *e = json_object_get(q, "extent");
    cr_assert_eq(json_array_size(e), 4, "%s", r.body);
    double b[4];
    for (int i = 0; i < 4; i++)
        b[i] = json_real_value(json_array_get(e, (size_t)i));
    /* every parcel of the park is in it: the whole-park box finds them all, and a box of the extent too */
    resp all = http("GET", "/api/v1/parcels?bbox=119.5,35.5,120.5,36.5", s.cookie, NULL, NULL);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/parcels?bbox=%.7f,%.7f,%.7f,%.7f", b[0], b[1], b[2], b[3]);
    resp in = http("GET", path, s.cookie, NULL, NULL);
    cr_assert(b[0] < b[2] && b[1] < b[3] && b[2] - b[0] < 0.2 && b[3] - b[1] < 0.2, "%s", r.body);
    cr_assert(json_array_size(json_object_get(all.json, "features")) > 0);
    cr_assert_eq(json_array_size(json_object_get(in.json, "features")),
                 json_array_size(json_object_get(all.json, "features")));
    /* and each parcel's first point lies inside it */
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(all.json, "features"), i, f) {
        double lon, lat;
        cr_assert(first_point(all.json, json_string_value(json_object_get(json_object_get(f, "properties"), "code")),
                              &lon, &lat));
        cr_assert(lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3], "%f,%f", lon, lat);
    }
    resp_free(&all);
    resp_free(&in);
    resp_free(&r);
}

Test(serve, parcels_box_and_answer_in_gcj02)
{
    session s = login("vera");
    resp w = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1", s.cookie, NULL, NULL);
    resp g = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&crs=gcj02", s.cookie, NULL, NULL);
    cr_assert_eq(g.status, 200, "%d %s", g.status, g.body);
    cr_assert_str_eq(json_string_value(json_object_get(g.json, "coord_sys")), "GCJ-02");
    double wlon, wlat, glon, glat;
    cr_assert(first_point(w.json, "QDIP-2024-001", &wlon, &wlat) && first_point(g.json, "QDIP-2024-001", &glon, &glat));
    /* GCJ-02 near Qingdao: a few hundred metres east */
    cr_assert(glon - wlon > 0.001 && glon - wlon < 0.01 && fabs(glat - wlat) < 0.01, "%f,%f → %f,%f", wlon, wlat,
              glon, glat);
    resp_free(&w);
    resp_free(&g);
    /* the box is read in GCJ-02 too: a small one around the shifted point finds the parcel */
    char path[256];
    snprintf(path, sizeof path, "/api/v1/parcels?bbox=%.6f,%.6f,%.6f,%.6f&crs=gcj02", glon - 0.0003, glat - 0.0003,
             glon + 0.0003, glat + 0.0003);
    g = http("GET", path, s.cookie, NULL, NULL);
    cr_assert(first_point(g.json, "QDIP-2024-001", &glon, &glat), "%s", g.body);
    resp_free(&g);
    g = http("GET", "/api/v1/parcels?bbox=120.0,35.9,120.3,36.1&crs=mars", s.cookie, NULL, NULL);
    cr_assert_eq(g.status, 400);
    cr_assert_str_eq(error_of(&g), "crs is wgs84, gcj02 or bd09, not 'mars'");
    resp_free(&g);
}

Test(serve, pages_are_embedded_files_without_session)
{
    resp r = http("GET", "/", NULL, NULL, NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(header(&r, "Content-Type"), "text/html; charset=utf-8");
    cr_assert(strstr(header(&r, "Content-Security-Policy"), "default-src 'self'"));
    cr_assert_str_eq(header(&r, "Cache-Control"), "no-cache");
    cr_assert_str_eq(header(&r, "X-Content-Type-Options"), "nosniff");
    cr_assert(strstr(r.body, "<script src=\"/js/map.js\" defer></script>"), "%s", r.body);
    char etag[128];
    snprintf(etag, sizeof etag, "%s", header(&r, "ETag"));
    cr_assert(strlen(etag) == 22 && etag[0] == '"', "%s", etag);
    resp_free(&r);
    /* revalidation: the same ETag is 304 without a body */
    char inm[160];
    snprintf(inm, sizeof inm, "If-None-Match: %s\r\n", etag);
    extra_headers = inm;
    r = http("GET", "/index.html", NULL, NULL, NULL);
    extra_headers = NULL;
    cr_assert_eq(r.status, 304);
    cr_assert_eq(r.body_len, 0);
    resp_free(&r);
    static const char *const types[][2] = {
        {"/js/api.js", "text/javascript; charset=utf-8"}, {"/css/app.css", "text/css; charset=utf-8"},
        {"/vendor/leaflet/leaflet.js", "text/javascript; charset=utf-8"},
        {"/vendor/leaflet/images/layers.png", "image/png"}, {"/vendor/leaflet/LICENSE", "text/plain; charset=utf-8"},
        {"/favicon.svg", "image/svg+xml"}, {"/import.html", "text/html; charset=utf-8"},
        {"/js/import.js", "text/javascript; charset=utf-8"}, {"/users.html", "text/html; charset=utf-8"},
        {"/js/users.js", "text/javascript; charset=utf-8"}};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        r = http("GET", types[i][0], NULL, NULL, NULL);
        cr_assert_eq(r.status, 200, "%s: %d", types[i][0], r.status);
        cr_assert_str_eq(header(&r, "Content-Type"), types[i][1], "%s", types[i][0]);
        resp_free(&r);
    }
    /* nothing outside the table, however the path is written */
    static const char *const outside[] = {"/../CMakeLists.txt", "/%2e%2e/%2e%2e/etc/passwd", "/js/../index.html",
                                          "/js/%2e%2e/index.html", "//etc/passwd", "/vendor/README.md",
                                          "/web/index.html", "/index.html/", "/INDEX.HTML"};
    for (size_t i = 0; i < sizeof outside / sizeof *outside; i++) {
        r = http("GET", outside[i], NULL, NULL, NULL);
        cr_assert_eq(r.status, 404, "%s: %d", outside[i], r.status);
        cr_assert_str_eq(header(&r, "Content-Type"), "application/json; charset=utf-8");
        resp_free(&r);
    }
    r = http("POST", "/index.html", NULL, NULL, "{}");
    cr_assert_eq(r.status, 405);
    resp_free(&r);
    /* the API keeps its own policy, and its session */
    r = http("GET", "/api/v1/free", NULL, NULL, NULL);
    cr_assert_eq(r.status, 401);
    cr_assert(strstr(header(&r, "Content-Security-Policy"), "default-src 'none'"));
    resp_free(&r);
    /* every page is CSP-compatible: scripts from files only, no inline handler or style element */
    for (size_t i = 0; i < pl_static_files_count; i++) {
        const pl_static_file *f = &pl_static_files[i];
        if (strncmp(f->type, "text/html", 9))
            continue;
        char *text = strndup((const char *)f->data, f->size);
        cr_assert_null(strstr(text, "<script>"), "%s has an inline script", f->path);
        cr_assert_null(strstr(text, " onclick="), "%s", f->path);
        cr_assert_null(strstr(text, "<style"), "%s", f->path);
        cr_assert_null(strstr(text, " style="), "%s", f->path);
        free(text);
    }
}

static void small_body(pl_server_options *o) { o->max_body = 4096; }
static void two_per_ip(pl_server_options *o) { o->per_ip = 2; }
/* 2 s: under load a worker's first request (it opens its database) can take most of a second */
static void short_sessions(pl_server_options *o) { o->session_idle_s = 2; }
static void short_timeout(pl_server_options *o) { o->timeout_s = 1; }

Test(serve_limits, oversized_body_is_413, .fini = stop)
{
    start_with(small_body);
    session s = login("ivan");
    size_t n = 8192;
    char *big = malloc(n + 64);
    int k = snprintf(big, 64, "{\"code\":\"D\",\"company\":\"");
    memset(big + k, 'x', n);
    strcpy(big + k + n, "\"}");
    resp r = http("POST", "/api/v1/leads", s.cookie, s.csrf, big);
    cr_assert_eq(r.status, 413, "%d %s", r.status, r.body);
    cr_assert_str_eq(error_of(&r), "the body is larger than 4096 bytes");
    resp_free(&r);
    free(big);
    /* chunked, without a length: counted as it comes */
    char req[16384];
    int m = snprintf(req, sizeof req,
                     "POST /api/v1/leads HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: pl_session=%s\r\n"
                     "X-CSRF-Token: %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                     s.cookie, s.csrf);
    for (int c = 0; c < 3; c++) {
        m += snprintf(req + m, sizeof req - (size_t)m, "1000\r\n");
        memset(req + m, 'y', 4096);
        m += 4096;
        m += snprintf(req + m, sizeof req - (size_t)m, "\r\n");
    }
    m += snprintf(req + m, sizeof req - (size_t)m, "0\r\n\r\n");
    r = raw(req, (size_t)m);
    cr_assert_eq(r.status, 413, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* More connections from one address than allowed: 429 with a JSON message. */
Test(serve_limits, too_many_connections_from_one_address_is_429, .fini = stop)
{
    start_with(two_per_ip);
    int a = connect_local(), b = connect_local();
    nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL); /* the server has counted them */
    resp r = http("GET", "/healthz", NULL, NULL, NULL);
    cr_assert_eq(r.status, 429, "%d %s", r.status, r.body);
    cr_assert(strstr(error_of(&r), "too many connections"), "%s", r.body);
    resp_free(&r);
    close(a);
    close(b);
    nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    r = http("GET", "/healthz", NULL, NULL, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
}

/* A session unused for longer than session_idle_s is over. */
Test(serve_limits, sessions_expire, .fini = stop)
{
    start_with(short_sessions);
    session s = login("vera");
    resp r = http("GET", "/api/v1/free", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    nanosleep(&(struct timespec){2, 300 * 1000 * 1000}, NULL);
    r = http("GET", "/api/v1/free", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 401, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* An account disabled while logged in is out at its next request. */
Test(serve, disabled_account_loses_its_session)
{
    session s = login("ivan");
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_eq(pl_user_disable(db, "ivan", &err), PL_OK);
    pl_db_close(db);
    resp r = http("GET", "/api/v1/leads", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 401, "%d %s", r.status, r.body);
    cr_assert_str_eq(error_of(&r), "the account 'ivan' is disabled; log in again");
    resp_free(&r);
}

/* Four clients writing at once: every answer 201, every lead there once, each worker on its own connection. */
typedef struct writer {
    session s;
    int id, created;
} writer;

static void *write_leads(void *arg)
{
    writer *w = arg;
    for (int i = 0; i < 10; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"code\":\"W-%d-%d\",\"company\":\"Writer %d\"}", w->id, i, w->id);
        resp r = http("POST", "/api/v1/leads", w->s.cookie, w->s.csrf, body);
        w->created += r.status == 201;
        resp_free(&r);
    }
    return NULL;
}

Test(serve, concurrent_writers_lose_nothing)
{
    writer w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (writer){login(i % 2 ? "ivan" : "adam"), i, 0};
        pthread_create(&t[i], NULL, write_leads, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].created, 10, "writer %d: %d of 10", i, w[i].created);
    }
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code LIKE 'W-%'"), 40);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND code LIKE 'W-%'"
                                  " AND field = 'created' AND who IN ('ivan', 'adam')"), 40);
    pl_db_close(db);
}

/* The command: SIGTERM with a client connected → "stopped", exit 0. */
Test(serve_cli, sigterm_stops_cleanly)
{
    pl_db *db = tu_db_new("serve_cli.db", dbpath);
    tu_db_close(db);
    int errpipe[2];
    cr_assert_eq(pipe(errpipe), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(errpipe[1], 2);
        close(errpipe[0]);
        execl(PARKLAND_BIN, PARKLAND_BIN, "--db", dbpath, "serve", "--listen", "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    close(errpipe[1]);
    FILE *err = fdopen(errpipe[0], "r");
    char line[512] = "";
    cr_assert_not_null(fgets(line, sizeof line, err));
    const char *at = strstr(line, "http://127.0.0.1:");
    cr_assert_not_null(at, "%s", line);
    serve_port = (unsigned)atoi(at + strlen("http://127.0.0.1:"));
    resp r = http("GET", "/healthz", NULL, NULL, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    int idle = connect_local(); /* a keep-alive client that says nothing */
    kill(pid, SIGTERM);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    char all[2048] = "";
    while (fgets(line, sizeof line, err))
        strncat(all, line, sizeof all - strlen(all) - 1);
    cr_assert_not_null(strstr(all, "parkland: stopped"), "%s", all);
    fclose(err);
    close(idle);
}

/* Headers beyond max_header (16 KiB): libmicrohttpd's 431, and the server goes on. */
Test(serve, oversized_headers_are_refused)
{
    size_t n = 20000;
    char *req = malloc(n + 128);
    int k = snprintf(req, 128, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ");
    memset(req + k, 'a', n);
    strcpy(req + k + n, "\r\n\r\n");
    resp r = raw(req, strlen(req));
    cr_assert_eq(r.status, 431, "%d", r.status);
    resp_free(&r);
    free(req);
    r = http("GET", "/healthz", NULL, NULL, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
}

/* A connection that says nothing is closed after timeout_s. */
Test(serve_limits, idle_connections_time_out, .fini = stop)
{
    start_with(short_timeout);
    int fd = connect_local();
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char b[16];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ssize_t n = recv(fd, b, sizeof b, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_eq(n, 0, "the server did not close the idle connection (%zd after %.1f s)", n, s);
    cr_assert(s > 0.5 && s < 4, "closed after %.1f s", s);
    close(fd);
}

/* The keys of the CLI's `--format json` are the API's (the same names for the same things). */
static void assert_same_keys(json_t *cli, json_t *api, const char *what)
{
    cr_assert(json_is_object(cli) && json_is_object(api), "%s", what);
    const char *k;
    json_t *v;
    json_object_foreach(cli, k, v) cr_assert_not_null(json_object_get(api, k), "%s: the API has no '%s'", what, k);
    json_object_foreach(api, k, v) cr_assert_not_null(json_object_get(cli, k), "%s: the CLI has no '%s'", what, k);
}

Test(serve, keys_are_the_cli_json_keys)
{
    session s = login("adam");
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead show L-1 --format json"), 0, "%s", errout);
    json_t *cli = json_loads(out, 0, NULL);
    resp r = http("GET", "/api/v1/leads/L-1", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    assert_same_keys(json_array_get(cli, 0), r.json, "lead");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "company")), "Seed Co");
    json_decref(cli);
    resp_free(&r);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel show QDIP-2024-001 --format json"), 0, "%s", errout);
    cli = json_loads(out, 0, NULL);
    r = http("GET", "/api/v1/parcels/QDIP-2024-001", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    assert_same_keys(json_array_get(cli, 0), r.json, "parcel");
    char *mu = json_dumps(json_object_get(r.json, "area_mu"), JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cli, 0), "area_mu")), mu);
    free(mu);
    json_decref(cli);
    resp_free(&r);
    tu_outputs_free(&out, &errout);
}

/* ---- lead edit, match, reserve, sign, projects, milestones (issue 14) ---------------------- */

static const char *str_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "(null)";
}

Test(serve, lead_edit_changes_every_field_of_add)
{
    session s = login("ivan");
    resp r = call(&s, "PATCH", "/api/v1/leads/l-1",
                  "{\"company\":\"New Co\",\"company_en\":\"New Co Ltd\",\"country\":\"DE\",\"industry\":\"equipment\","
                  "\"industry_code\":\"34\",\"new_economy\":true,\"investment_wan\":\"1.2亿元\",\"land_mu\":\"40亩\","
                  "\"tax_per_mu\":30,\"output_per_mu\":500,\"contact\":\"Ms Li\",\"owner\":\"ivan\",\"source\":\"fair\","
                  "\"note\":\"edited\",\"park\":\"QDIP\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(str_of(r.json, "company"), "New Co");
    cr_assert_str_eq(str_of(r.json, "industry"), "equipment");
    cr_assert_str_eq(str_of(r.json, "note"), "edited");
    cr_assert_float_eq(json_number_value(json_object_get(r.json, "investment_wan")), 12000, 1e-9);
    cr_assert_float_eq(json_number_value(json_object_get(r.json, "land_mu")), 40, 1e-9);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "new_economy")), 1);
    resp_free(&r);
    r = call(&s, "PATCH", "/api/v1/leads/L-1", "{\"contact\":null,\"currency\":\"USD\",\"rate\":7.1}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert(json_is_null(json_object_get(r.json, "contact")), "%s", r.body);
    cr_assert_str_eq(str_of(r.json, "currency"), "USD");
    resp_free(&r);
    /* bad input: 400 before the library; refused by the library: 422; nothing written */
    static const struct {
        const char *body;
        int status;
    } bad[] = {
        {"{\"bogus\":1}", 400},
        {"{\"code\":\"L-2\"}", 400},
        {"{\"company\":null}", 400},
        {"{\"land_mu\":\"lots\"}", 400},
        {"{\"new_economy\":\"yes\"}", 400},
        {"{\"stage\":\"contacted\",\"company\":\"x\"}", 400},
        {"{\"land_mu\":-5}", 422},
        {"{\"industry\":\"no-such-industry\"}", 422},
        {"{\"stage\":\"contacted\",\"date\":\"2026-02-30\"}", 400},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = call(&s, "PATCH", "/api/v1/leads/L-1", bad[i].body);
        cr_assert_eq(r.status, bad[i].status, "%s: %d %s", bad[i].body, r.status, r.body);
        cr_assert(*error_of(&r), "%s", r.body);
        resp_free(&r);
    }
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(DISTINCT who) FROM history WHERE entity = 'lead' AND "
                                     "field IN ('company', 'land_mu', 'contact')"), "ivan");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND field = 'company'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE land_mu = 40 AND company = 'New Co'"), 1);
    pl_db_close(db);
}

/* GET …/match is `match LEAD --format json`, byte for byte. */
Test(serve, match_is_the_cli_json)
{
    session s = login("ivan");
    resp r = call(&s, "PATCH", "/api/v1/leads/L-1", "{\"land_mu\":40,\"industry\":\"equipment\",\"investment_wan\":12000}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/leads/l-1/match?top=5", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "match L-1 --top 5 --format json"), 0, "%s", errout);
    cr_assert_str_eq(r.body, out);
    cr_assert_eq(json_array_size(r.json), 5);
    cr_assert_not_null(json_object_get(json_array_get(r.json, 0), "area_reason"));
    tu_outputs_free(&out, &errout);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/leads/L-1/match?top=0", NULL);
    cr_assert_eq(r.status, 400);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/leads/L-404/match", NULL);
    cr_assert_eq(r.status, 404);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/leads/L-1/match?park=NOPE", NULL);
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* Reserve a parcel for a lead, sign the lead onto it, plan and record milestones; each write in
 * the history under the account's name; the JSON of projects is the CLI's. */
Test(serve, reserve_sign_milestones)
{
    session s = login("adam");
    resp r = call(&s, "POST", "/api/v1/leads/L-1/reserve", "{\"parcel\":\"006\",\"expires\":\"2099-06-30\"}");
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert_str_eq(str_of(r.json, "parcel"), "QDIP-2024-006");
    cr_assert_str_eq(str_of(r.json, "status"), "reserved");
    cr_assert_str_eq(str_of(r.json, "lead"), "L-1");
    cr_assert_str_eq(str_of(r.json, "expires"), "2099-06-30");
    resp_free(&r);
    static const struct {
        const char *body;
        int status;
    } bad_reserve[] = {
        {"{\"parcel\":\"006\"}", 422},                       /* reserved already */
        {"{}", 400},                                         /* no parcel */
        {"{\"parcel\":\"007\",\"expires\":\"someday\"}", 400}, /* not a date */
        {"{\"parcel\":\"QDIP-2024-999\"}", 404},
        {"{\"parcel\":7}", 400},
    };
    for (size_t i = 0; i < sizeof bad_reserve / sizeof *bad_reserve; i++) {
        r = call(&s, "POST", "/api/v1/leads/L-1/reserve", bad_reserve[i].body);
        cr_assert_eq(r.status, bad_reserve[i].status, "%s: %d %s", bad_reserve[i].body, r.status, r.body);
        resp_free(&r);
    }
    /* sign */
    static const struct {
        const char *body;
        int status;
    } bad_sign[] = {
        {"{\"lead\":\"L-1\"}", 400},
        {"{\"lead\":\"L-1\",\"parcels\":[]}", 400},
        {"{\"lead\":\"L-1\",\"parcels\":[\"006\"],\"far\":\"high\"}", 400},
        {"{\"lead\":\"L-1\",\"parcels\":[\"006\"],\"accept_shortfall\":true}", 400},
        {"{\"lead\":\"L-1\",\"parcels\":[\"006\"],\"wish\":1}", 400},
        {"{\"lead\":\"L-404\",\"parcels\":[\"006\"]}", 404},
    };
    for (size_t i = 0; i < sizeof bad_sign / sizeof *bad_sign; i++) {
        r = call(&s, "POST", "/api/v1/projects", bad_sign[i].body);
        cr_assert_eq(r.status, bad_sign[i].status, "%s: %d %s", bad_sign[i].body, r.status, r.body);
        resp_free(&r);
    }
    r = call(&s, "POST", "/api/v1/projects",
             "{\"lead\":\"l-1\",\"parcels\":[\"006\"],\"start_by\":\"2099-01-01\",\"note\":\"board approved\"}");
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert_str_eq(str_of(r.json, "code"), "P-L-1");
    cr_assert_str_eq(str_of(r.json, "parcels"), "QDIP-2024-006");
    cr_assert_str_eq(str_of(r.json, "construction_planned"), "2099-01-01");
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/leads/L-1", NULL);
    cr_assert_str_eq(str_of(r.json, "stage"), "signed");
    resp_free(&r);
    r = call(&s, "POST", "/api/v1/projects", "{\"lead\":\"L-1\",\"parcels\":[\"007\"]}"); /* signed already */
    cr_assert_eq(r.status, 422, "%d %s", r.status, r.body);
    cr_assert(*error_of(&r) && json_is_array(json_object_get(r.json, "problems")), "%s", r.body);
    resp_free(&r);
    /* milestones */
    r = call(&s, "POST", "/api/v1/projects/p-l-1/milestones", "{\"kind\":\"开工\",\"planned\":\"2099/2/1\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(str_of(r.json, "construction_planned"), "2099-02-01");
    resp_free(&r);
    static const struct {
        const char *body;
        int status;
    } bad_ms[] = {
        {"{\"kind\":\"land\"}", 400},
        {"{\"kind\":\"land\",\"planned\":\"2099-01-01\",\"actual\":\"2026-01-01\"}", 400},
        {"{\"kind\":\"party\",\"planned\":\"2099-01-01\"}", 400},
        {"{\"kind\":\"land\",\"actual\":\"2099-01-01\"}", 422}, /* in the future */
        {"{\"kind\":\"production\",\"actual\":\"2000-01-01\"}", 422}, /* before signing, out of order */
    };
    for (size_t i = 0; i < sizeof bad_ms / sizeof *bad_ms; i++) {
        r = call(&s, "POST", "/api/v1/projects/P-L-1/milestones", bad_ms[i].body);
        cr_assert_eq(r.status, bad_ms[i].status, "%s: %d %s", bad_ms[i].body, r.status, r.body);
        resp_free(&r);
    }
    r = call(&s, "POST", "/api/v1/projects/P-404/milestones", "{\"kind\":\"land\",\"planned\":\"2099-01-01\"}");
    cr_assert_eq(r.status, 404);
    resp_free(&r);
    /* 竣工 completion, as `project milestone CODE completion` takes it (a deadline, deadline.h) */
    r = call(&s, "POST", "/api/v1/projects/P-L-1/milestones", "{\"kind\":\"completion\",\"planned\":\"2100-06-30\"}");
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(str_of(r.json, "code"), "P-L-1");
    resp_free(&r);
    r = call(&s, "POST", "/api/v1/projects/P-L-1/milestones", "{\"kind\":\"竣工\",\"actual\":\"2000-01-01\"}");
    cr_assert_eq(r.status, 422, "no actual start yet: %d %s", r.status, r.body);
    resp_free(&r);
    /* the parcel: the agreed completion and the effective start and completion deadlines, as parcel show */
    r = call(&s, "GET", "/api/v1/parcels/QDIP-2024-006", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(str_of(r.json, "completion_planned"), "2100-06-30");
    cr_assert(json_is_null(json_object_get(r.json, "completion_actual")), "%s", r.body);
    cr_assert_str_eq(str_of(r.json, "start_deadline"), "2099-02-01");
    cr_assert_str_eq(str_of(r.json, "completion_deadline"), "2100-06-30");
    resp_free(&r);
    {
        char *o2 = NULL, *e2 = NULL;
        cr_assert_eq(tu_cli(&o2, &e2, dbpath, "parcel show QDIP-2024-006"), 0, "%s", e2);
        cr_assert(strstr(o2, "有效开工期限") && strstr(o2, "2099-02-01") &&
                      strstr(o2, "有效竣工期限") && strstr(o2, "2100-06-30"),
                  "%s", o2);
        cr_assert_eq(tu_cli(&o2, &e2, dbpath, "parcel show QDIP-2024-006 --format csv"), 0, "%s", e2);
        cr_assert(strstr(o2, "start_deadline") && strstr(o2, "completion_deadline"), "%s", o2);
        tu_outputs_free(&o2, &e2);
    }
    /* the CLI's JSON */
    char *out = NULL, *errout = NULL;
    r = call(&s, "GET", "/api/v1/projects", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project list --format json"), 0, "%s", errout);
    cr_assert_str_eq(r.body, out);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/projects?stage=bogus", NULL);
    cr_assert_eq(r.status, 400);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/projects/P-L-1", NULL);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "project show P-L-1 --format json"), 0, "%s", errout);
    json_t *cli = json_loads(out, 0, NULL);
    cr_assert(json_equal(json_array_get(cli, 0), r.json), "%s\n%s", out, r.body);
    json_decref(cli);
    resp_free(&r);
    /* the history: who is the account */
    r = call(&s, "GET", "/api/v1/history/project/P-L-1", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history project P-L-1 --format json"), 0, "%s", errout);
    cr_assert_str_eq(r.body, out);
    cr_assert(json_array_size(r.json) >= 2);
    for (size_t i = 0; i < json_array_size(r.json); i++)
        cr_assert_str_eq(str_of(json_array_get(r.json, i), "who"), "adam");
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/history/parcel/006", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    int by_adam = 0;
    for (size_t i = 0; i < json_array_size(r.json); i++)
        by_adam += !strcmp(str_of(json_array_get(r.json, i), "who"), "adam");
    cr_assert(by_adam >= 2, "reserve and sign by adam: %s", r.body); /* reserved, then held for the project */
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/history/lead/L-404", NULL);
    cr_assert_eq(r.status, 404, "%d %s", r.status, r.body);
    resp_free(&r);
    tu_outputs_free(&out, &errout);
}

/* Every write of this issue needs the session's CSRF token. */
Test(serve, csrf_token_needed_for_new_writes)
{
    session s = login("adam");
    static const char *const writes[][3] = {
        {"PATCH", "/api/v1/leads/L-1", "{\"contact\":\"x\"}"},
        {"POST", "/api/v1/leads/L-1/reserve", "{\"parcel\":\"006\"}"},
        {"POST", "/api/v1/projects", "{\"lead\":\"L-1\",\"parcels\":[\"006\"]}"},
        {"POST", "/api/v1/projects/P-L-1/milestones", "{\"kind\":\"land\",\"planned\":\"2099-01-01\"}"},
    };
    for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
        resp r = http(writes[i][0], writes[i][1], s.cookie, NULL, writes[i][2]);
        cr_assert_eq(r.status, 403, "%s %s: %d", writes[i][0], writes[i][1], r.status);
        cr_assert_str_eq(error_of(&r), "a write needs the X-CSRF-Token header of the session");
        resp_free(&r);
    }
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE who = 'adam'"), 0);
    pl_db_close(db);
}

/* ---- reports, exports, history --------------------------------------------------------------- */

Test(serve, reports_are_the_cli_downloads)
{
    session s = login("vera");
    resp r = call(&s, "GET", "/api/v1/reports/availability?as_of=2026-06-01", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(header(&r, "Content-Disposition"), "attachment; filename=\"availability-2026-06-01.json\"");
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "report availability --as-of 2026-06-01 --format json"), 0, "%s", errout);
    /* the same JSON; its "<20" is written "\u003c20" as in every JSON answer */
    json_t *cli = json_loads(out, 0, NULL);
    cr_assert(cli && json_equal(cli, r.json));
    json_decref(cli);
    cr_assert_null(strchr(r.body, '<'));
    cr_assert_not_null(strstr(r.body, "\"\\u003c20\""));
    resp_free(&r);
    /* the headers in the browser's language, as the CLI's in its --lang */
    extra_headers = "Accept-Language: zh-CN\r\n";
    r = call(&s, "GET", "/api/v1/reports/landing?format=csv&park=QDIP&as_of=2026/6/1", NULL);
    extra_headers = NULL;
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(header(&r, "Content-Type"), "text/csv; charset=utf-8");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh report landing --park QDIP --as-of 2026-06-01 --format csv"),
                 0, "%s", errout);
    cr_assert_str_eq(r.body, out);
    cr_assert(!strncmp(r.body, "\xEF\xBB\xBF", 3), "CSV with its BOM");
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/reports/alerts?format=xlsx", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert(r.body_len > 1000 && !memcmp(r.body, "PK\x03\x04", 4), "a zip of %zu bytes", r.body_len);
    cr_assert(strstr(header(&r, "Content-Disposition"), ".xlsx\""));
    resp_free(&r);
    static const struct {
        const char *path;
        int status;
    } bad[] = {
        {"/api/v1/reports/everything", 404},
        {"/api/v1/reports/availability?format=pdf", 400},
        {"/api/v1/reports/availability?format=text", 400},
        {"/api/v1/reports/availability?as_of=yesterday", 400},
        {"/api/v1/reports/availability?park=NOPE", 404},
        {"/api/v1/reports/muni", 404}, /* no annual figures yet */
        {"/api/v1/reports/muni?year=20x6", 400},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = call(&s, "GET", bad[i].path, NULL);
        cr_assert_eq(r.status, bad[i].status, "%s: %d %s", bad[i].path, r.status, r.body);
        cr_assert(*error_of(&r), "%s", r.body);
        resp_free(&r);
    }
    /* report muni (亩均效益) of a year: the CLI's JSON */
    pl_db *db;
    pl_error err;
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    tu_sql_exec(db, "INSERT INTO lead(code, company, stage, stage_date, created_at, updated_at)"
                    " VALUES ('L-MU', '亩均公司', 'signed', '2020-01-01', 'x', 'x');"
                    "INSERT INTO project(code, lead_id, signed_on, created_at, updated_at)"
                    " SELECT 'P-MU', id, '2020-01-01', 'x', 'x' FROM lead WHERE code = 'L-MU';"
                    "INSERT INTO milestone(project_id, kind, actual) SELECT id, 'production', '2020-06-01'"
                    " FROM project WHERE code = 'P-MU';"
                    "INSERT INTO annual_figure(project_id, year, tax, sales, recorded_at)"
                    " SELECT id, 2025, 100, 3000, 'x' FROM project WHERE code = 'P-MU'");
    pl_db_close(db);
    extra_headers = "Accept-Language: en\r\n";
    r = call(&s, "GET", "/api/v1/reports/muni?year=2025", NULL);
    extra_headers = NULL;
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(header(&r, "Content-Disposition"), "attachment; filename=\"muni-2025-12-31.json\"");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang en report muni --year 2025 --format json"), 0, "%s", errout);
    json_t *mj = json_loads(out, 0, NULL);
    cr_assert(mj && json_equal(mj, r.json), "%s", r.body);
    json_decref(mj);
    resp_free(&r);
    tu_outputs_free(&out, &errout);
}

/* report monthly and report quarterly: the CLI's JSON and CSV, an XLSX, the period refused when it
 * is not one, and by default the last complete one. */
Test(serve, monthly_and_quarterly_reports)
{
    session s = login("vera");
    char *out = NULL, *errout = NULL;
    extra_headers = "Accept-Language: zh-CN\r\n";
    resp r = call(&s, "GET", "/api/v1/reports/monthly?month=2026-05&park=QDIP", NULL);
    extra_headers = NULL;
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(header(&r, "Content-Disposition"), "attachment; filename=\"monthly-2026-05-31.json\"");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang zh report monthly --month 2026-05 --park QDIP --format json"), 0, "%s",
                 errout);
    json_t *cli = json_loads(out, 0, NULL);
    cr_assert(cli && json_equal(cli, r.json), "%s", r.body);
    json_decref(cli);
    resp_free(&r);
    extra_headers = "Accept-Language: en\r\n";
    r = call(&s, "GET", "/api/v1/reports/quarterly?quarter=2026-Q1&format=csv", NULL);
    extra_headers = NULL;
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_str_eq(header(&r, "Content-Type"), "text/csv; charset=utf-8");
    cr_assert_str_eq(header(&r, "Content-Disposition"), "attachment; filename=\"quarterly-2026-03-31.csv\"");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang en report quarterly --quarter 2026-Q1 --format csv"), 0, "%s",
                 errout);
    cr_assert_str_eq(r.body, out);
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/reports/quarterly?quarter=2026-Q2&format=xlsx", NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert(r.body_len > 1000 && !memcmp(r.body, "PK\x03\x04", 4), "a zip of %zu bytes", r.body_len);
    resp_free(&r);
    /* no period: the last complete one, as the CLI's default */
    extra_headers = "Accept-Language: en\r\n";
    r = call(&s, "GET", "/api/v1/reports/monthly", NULL);
    extra_headers = NULL;
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "--lang en report monthly --format json"), 0, "%s", errout);
    cli = json_loads(out, 0, NULL);
    cr_assert(cli && json_equal(cli, r.json), "%s", r.body);
    json_decref(cli);
    resp_free(&r);
    static const struct {
        const char *path;
        int status;
    } bad[] = {
        {"/api/v1/reports/monthly?month=2026-13", 400},
        {"/api/v1/reports/monthly?month=May", 400},
        {"/api/v1/reports/monthly?month=2026-05&park=NOPE", 404},
        {"/api/v1/reports/monthly?month=2026-05&format=text", 400},
        {"/api/v1/reports/quarterly?quarter=2026-Q5", 400},
        {"/api/v1/reports/quarterly?quarter=2026-Q1&park=QDIP", 400},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = call(&s, "GET", bad[i].path, NULL);
        cr_assert_eq(r.status, bad[i].status, "%s: %d %s", bad[i].path, r.status, r.body);
        cr_assert(*error_of(&r), "%s", r.body);
        resp_free(&r);
    }
    tu_outputs_free(&out, &errout);
}

Test(serve, exports_are_downloads)
{
    session s = login("lena");
    static const struct {
        const char *path, *type, *start;
    } ok[] = {
        {"/api/v1/exports/geojson?park=QDIP", "application/geo+json; charset=utf-8", "{"},
        {"/api/v1/exports/kml?theme=landing", "application/vnd.google-earth.kml+xml; charset=utf-8", "<?xml"},
        {"/api/v1/exports/kmz", "application/vnd.google-earth.kmz", "PK\x03\x04"},
        {"/api/v1/exports/html?status=available", "text/html; charset=utf-8", "<!DOCTYPE html>"},
        {"/api/v1/exports/txt?encoding=utf-8", "text/plain; charset=utf-8", ""},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        resp r = call(&s, "GET", ok[i].path, NULL);
        cr_assert_eq(r.status, 200, "%s: %d %s", ok[i].path, r.status, r.body);
        cr_assert_str_eq(header(&r, "Content-Type"), ok[i].type, "%s", ok[i].path);
        cr_assert(!strncmp(r.body, ok[i].start, strlen(ok[i].start)), "%s: %.40s", ok[i].path, r.body);
        cr_assert(r.body_len > 100, "%s: %zu bytes", ok[i].path, r.body_len);
        cr_assert(!strncmp(header(&r, "Content-Disposition"), "attachment; filename=\"", 22), "%s", ok[i].path);
        resp_free(&r);
    }
    resp r = call(&s, "GET", "/api/v1/exports/geojson?park=QDIP", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "features")), 48, "%s", r.body);
    cr_assert_str_eq(header(&r, "Content-Disposition"), "attachment; filename=\"QDIP-availability.geojson\"");
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/exports/txt", NULL); /* GBK by default, as the CLI */
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "export txt -o -"), 0, "%s", errout);
    cr_assert_eq(r.body_len, strlen(out));
    cr_assert(!memcmp(r.body, out, r.body_len));
    tu_outputs_free(&out, &errout);
    resp_free(&r);
    static const struct {
        const char *path;
        int status;
    } bad[] = {
        {"/api/v1/exports/pdf", 404},
        {"/api/v1/exports/../../etc/passwd", 404},
        {"/api/v1/exports/geojson?theme=rainbow", 400},
        {"/api/v1/exports/txt?encoding=latin1", 400},
        {"/api/v1/exports/kml?as_of=never", 400},
        {"/api/v1/exports/geojson?park=NOPE", 404},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = call(&s, "GET", bad[i].path, NULL);
        cr_assert_eq(r.status, bad[i].status, "%s: %d %s", bad[i].path, r.status, r.body);
        resp_free(&r);
    }
}

/* ---- errors in the browser's language ---------------------------------------------------- */

static const char zh_first[] = "Accept-Language: zh-CN,zh;q=0.9,en;q=0.8\r\n";
static const char en_first[] = "Accept-Language: en-GB,en;q=0.9,zh-CN;q=0.5\r\n";

Test(serve, errors_in_the_browsers_language)
{
    session s = login("ivan");
    extra_headers = zh_first;
    resp r = call(&s, "GET", "/api/v1/leads/L-404", NULL);
    cr_assert_eq(r.status, 404);
    cr_assert(!strncmp(error_of(&r), "没有", strlen("没有")), "%s", r.body);
    cr_assert_str_eq(header(&r, "Content-Language"), "zh-CN");
    resp_free(&r);
    r = call(&s, "GET", "/api/v1/free?min_mu=abc", NULL); /* the server's own message */
    cr_assert_eq(r.status, 400);
    cr_assert_str_eq(error_of(&r), "min_mu 应为数字，而不是“abc”");
    resp_free(&r);
    r = http("GET", "/api/v1/leads", NULL, NULL, NULL);
    cr_assert_eq(r.status, 401);
    cr_assert_str_eq(error_of(&r), "请先登录（POST /api/v1/session）");
    resp_free(&r);
    extra_headers = en_first;
    r = call(&s, "GET", "/api/v1/leads/L-404", NULL);
    cr_assert(!strncmp(error_of(&r), "no lead 'L-404'", 15), "%s", r.body);
    cr_assert_str_eq(header(&r, "Content-Language"), "en");
    resp_free(&r);
    extra_headers = "Accept-Language: fr-FR, de;q=0.9\r\n"; /* neither: the server's language (English here) */
    r = call(&s, "GET", "/api/v1/free?min_mu=abc", NULL);
    cr_assert_str_eq(error_of(&r), "min_mu expects a number, not 'abc'");
    resp_free(&r);
    extra_headers = "Accept-Language: en;q=0.2, zh;q=0.8\r\n"; /* by q, not by order */
    r = call(&s, "GET", "/api/v1/free?min_mu=abc", NULL);
    cr_assert_str_eq(error_of(&r), "min_mu 应为数字，而不是“abc”");
    resp_free(&r);
    extra_headers = NULL;
}

/* Two languages at once on the same workers: each answer in its own request's language. */
typedef struct asker {
    session s;
    const char *lang;
    int zh;
    int wrong;
} asker;

static void *ask_in_a_language(void *arg)
{
    asker *a = arg;
    extra_headers = a->lang;
    for (int i = 0; i < 40; i++) {
        resp r = call(&a->s, "GET", "/api/v1/leads/L-404", NULL);
        int is_zh = !strncmp(error_of(&r), "没有", strlen("没有"));
        a->wrong += r.status != 404 || is_zh != a->zh;
        resp_free(&r);
    }
    return NULL;
}

Test(serve, languages_do_not_mix_between_threads)
{
    asker a[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (asker){login("ivan"), i % 2 ? zh_first : en_first, i % 2, 0};
        pthread_create(&t[i], NULL, ask_in_a_language, &a[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(a[i].wrong, 0, "client %d (%s): %d answers in the other language", i, a[i].zh ? "zh" : "en",
                     a[i].wrong);
    }
}

/* docs/openapi.yaml parses as YAML (python3), every $ref in it resolves, and its paths and
 * methods are the role table's, no more and no less. */
Test(serve_docs, openapi_is_yaml_and_describes_every_route)
{
    const char *script =
        "import sys, re, yaml\n"
        "d = yaml.safe_load(open(sys.argv[1]))\n"
        "assert d['openapi'].startswith('3.'), d['openapi']\n"
        "def refs(x):\n"
        "    if isinstance(x, dict):\n"
        "        for k, v in x.items():\n"
        "            if k == '$ref': yield v\n"
        "            else: yield from refs(v)\n"
        "    elif isinstance(x, list):\n"
        "        for v in x: yield from refs(v)\n"
        "for r in refs(d):\n"
        "    node = d\n"
        "    for part in r[2:].split('/'): node = node[part]\n"
        "for p, ops in d['paths'].items():\n"
        "    for m in ops: print(m.upper(), re.sub(r'\\{[^}]+\\}', '_', p))\n";
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "python3 -c \"$(cat <<'PY'\n%sPY\n)\" '%s' | sort", script,
             SAMPLES_DIR "/../docs/openapi.yaml");
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char line[256], got[64][256];
    size_t n = 0;
    while (n < 64 && fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(got[n++], sizeof got[0], "%s", line);
    }
    cr_assert_eq(pclose(p), 0, "python3 could not read docs/openapi.yaml");
    size_t nroutes;
    const pl_route *routes = pl_routes(&nroutes);
    cr_assert_eq(n, nroutes, "the OpenAPI file has %zu operations, the role table %zu", n, nroutes);
    for (size_t i = 0; i < nroutes; i++) {
        char want[160];
        snprintf(want, sizeof want, "%s %s", routes[i].method, routes[i].pattern);
        int found = 0;
        for (size_t k = 0; k < n; k++)
            found += !strcmp(got[k], want);
        cr_assert_eq(found, 1, "'%s' is not in docs/openapi.yaml", want);
    }
}

/* ---- hostile requests (issue 14) ------------------------------------------------------------ */

/* Paths that climb out, encoded or not, with NUL bytes or of absurd length: never a file of the
 * machine, never a 5xx, always a JSON error. */
Test(serve, path_traversal_and_odd_paths_are_refused)
{
    session s = login("adam");
    static const char *const paths[] = {
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/../../../../etc/passwd",
        "/api/v1/parcels/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/v1/parcels/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/v1/history/parcel/..%5c..%5cwindows%5cwin.ini",
        "/api/v1/exports/..%2f..%2f..%2fetc%2fpasswd",
        "/api/v1/reports/%00",
        "/api/v1/parcels/QDIP-2024-001%00.json",
        "/api/v1//parcels",
        "/api/v1/parcels/",
        "//etc/passwd",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        resp r = http("GET", paths[i], s.cookie, NULL, NULL);
        cr_assert(r.status >= 400 && r.status < 500, "%s: %d %s", paths[i], r.status, r.body);
        cr_assert_null(strstr(r.body, "root:"), "%s: %s", paths[i], r.body);
        cr_assert_null(strstr(r.body, "[fonts]"), "%s", paths[i]);
        resp_free(&r);
    }
    /* a 6 KiB path: refused, the server still answers */
    char *longpath = malloc(6200);
    strcpy(longpath, "/api/v1/parcels/");
    memset(longpath + 16, 'A', 6000);
    longpath[6016] = '\0';
    resp r = http("GET", longpath, s.cookie, NULL, NULL);
    cr_assert(r.status >= 400 && r.status < 500, "%d", r.status);
    resp_free(&r);
    free(longpath);
    r = http("GET", "/healthz", NULL, NULL, NULL);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
}

/* SQL metacharacters in every place a request carries text: as data, never as SQL. */
Test(serve, sql_metacharacters_are_data)
{
    session s = login("adam");
    const char *evil = "x'); DROP TABLE lead; --";
    json_t *in = json_pack("{s:s, s:s, s:s}", "code", "SQL-1", "company", evil, "note", "' OR '1'='1");
    char *body = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    resp r = http("POST", "/api/v1/leads", s.cookie, s.csrf, body);
    free(body);
    cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "company")), evil);
    resp_free(&r);
    static const char *const gets[] = {
        "/api/v1/leads?q=%25'%20OR%20'1'%3D'1",         /* a search that would match all */
        "/api/v1/leads?stage=intent'%20OR%201%3D1--",   /* an enumerated value */
        "/api/v1/free?industry='%20OR%201%3D1--",
        "/api/v1/free?park=QDIP'%20--",
        "/api/v1/parcels/'%20OR%20'1'%3D'1",
        "/api/v1/leads/L-1'%20OR%20'1'%3D'1/match",
        "/api/v1/parcels?bbox=120,36,120.1,36.1&status=available'%20OR%201%3D1--",
    };
    for (size_t i = 0; i < sizeof gets / sizeof *gets; i++) {
        r = http("GET", gets[i], s.cookie, NULL, NULL);
        cr_assert(r.status == 200 || r.status == 400 || r.status == 404, "%s: %d %s", gets[i], r.status, r.body);
        if (i == 0) /* no lead has that text: none, not all */
            cr_assert_eq(json_array_size(r.json), 0, "%s", r.body);
        resp_free(&r);
    }
    r = http("POST", "/api/v1/session", NULL, NULL, "{\"user\":\"' OR '1'='1\",\"password\":\"' OR '1'='1\"}");
    cr_assert_eq(r.status, 401);
    resp_free(&r);
    /* the tables are all there, the evil lead is one row among the others */
    r = http("GET", "/api/v1/leads", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(r.json), 2, "%s", r.body);
    resp_free(&r);
}

/* A stolen session cookie without its CSRF token writes nothing, whatever it tries; logging out
 * ends the cookie for everyone holding it. */
Test(serve, stolen_cookie_without_the_token_writes_nothing)
{
    session s = login("adam");
    static const char *const writes[][3] = {
        {"POST", "/api/v1/leads", "{\"code\":\"T-1\",\"company\":\"Thief\"}"},
        {"PATCH", "/api/v1/leads/L-1", "{\"company\":\"Stolen\"}"},
        {"POST", "/api/v1/leads/L-1/reserve", "{\"parcels\":[\"QDIP-2024-001\"]}"},
        {"POST", "/api/v1/projects", "{\"lead\":\"L-1\",\"code\":\"P-T\",\"parcels\":[\"QDIP-2024-001\"]}"},
    };
    for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
        resp r = http(writes[i][0], writes[i][1], s.cookie, NULL, writes[i][2]);
        cr_assert_eq(r.status, 403, "%s %s: %d %s", writes[i][0], writes[i][1], r.status, r.body);
        resp_free(&r);
        r = http(writes[i][0], writes[i][1], s.cookie, "0123456789abcdef", writes[i][2]); /* a guess */
        cr_assert_eq(r.status, 403, "%s %s: %d", writes[i][0], writes[i][1], r.status);
        resp_free(&r);
    }
    resp r = http("GET", "/api/v1/leads/L-1", s.cookie, NULL, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "company")), "Seed Co");
    resp_free(&r);
    r = http("GET", "/api/v1/leads/T-1", s.cookie, NULL, NULL);
    cr_assert_eq(r.status, 404);
    resp_free(&r);
    r = http("DELETE", "/api/v1/session", s.cookie, s.csrf, NULL);
    cr_assert_eq(r.status, 200, "%d %s", r.status, r.body);
    resp_free(&r);
    r = http("GET", "/api/v1/leads", s.cookie, NULL, NULL); /* the copy is dead too */
    cr_assert_eq(r.status, 401);
    resp_free(&r);
}

/* A second server on a port already served is refused at start (it would otherwise share the
 * port's connections with the first, SO_REUSEPORT, and answer from another database). */
Test(serve, a_port_already_served_is_refused)
{
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", serve_port);
    pl_server_options o;
    pl_server_options_init(&o);
    o.db_path = dbpath;
    o.listen = addr;
    o.threads = 1;
    o.quiet = 1;
    pl_server *second = NULL;
    pl_error err;
    pl_error_clear(&err);
    int rc = pl_server_start(&o, &second, &err);
    if (rc == PL_OK)
        pl_server_stop(second, 1);
    cr_assert_neq(rc, PL_OK, "a second server started on %s", addr);
    cr_assert(strstr(err.message, "cannot listen on") && strstr(err.message, addr), "%s", err.message);
    cr_assert(strstr(err.message, "in use"), "the system's reason: %s", err.message);
    /* the command says it once, in its own words: not libmicrohttpd's "Failed to bind to port 0" */
    char *out = NULL, *errout = NULL;
    cr_assert_neq(tu_cli(&out, &errout, dbpath, "serve --listen %s", addr), 0);
    cr_assert(strstr(errout, addr), "%s", errout);
    cr_assert_eq(strchr(errout, '\n') - errout + 1, (long)strlen(errout), "one line: %s", errout);
    cr_assert_null(strstr(errout, "??"), "the system's reason in UTF-8 in either language: %s", errout);
    cr_assert_null(strstr(errout, "port 0"), "%s", errout);
    cr_assert_null(strstr(errout, "Failed to bind"), "%s", errout);
    tu_outputs_free(&out, &errout);
}

/* One worker per core (at least 2, at most 64) unless --threads says otherwise; the start line
 * says how many. */
Test(serve, default_workers_one_per_core)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 0)
        cores = CPU_COUNT(&cpus);
    unsigned want = cores < 2 ? 2 : cores > 64 ? 64 : (unsigned)cores;
    pl_server_options o;
    pl_server_options_init(&o);
    cr_assert_eq(o.threads, want, "%u workers for %ld cores", o.threads, cores);
    cr_assert_eq(pl_server_default_threads(), want);
}
