/* test_hostile.c — hostile input (issue 7, items 1, 5 and 6): every crash
 * input the fuzzers found, replayed; SQL metacharacters and 10 kB strings in
 * every text attribute; XXE and billion laughs; NaN, Inf, 1e308 and a
 * million vertices; deeply nested JSON; invalid UTF-8 and mislabelled GBK;
 * database files that are not parkland's or are newer; the database file's
 * mode under the user's umask and symlinks at init. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <shapefil.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "parkland/parcel.h"
#include "db_internal.h"
#include "fuzz/shp_pack.h"
#include "reader.h"
#include "testutil.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    pl_library_init();
    snprintf(dbpath, sizeof dbpath, "%s", tu_tmp("hostile.db"));
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_create(dbpath, 4549, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_park_add(db, "QDIP", "示范园区", "Sample park", "西海岸新区", NULL, &err), PL_OK, "%s",
                 err.message);
}

static void teardown(void)
{
    pl_db_close(db);
    db = NULL;
    pl_library_shutdown();
}

/* ---- helpers ------------------------------------------------------------- */

static long count_sql(const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db->h));
    long v = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* The error and every message of an import, one string (caller frees). */
static char *all_text(const pl_error *err, const pl_import_result *r)
{
    size_t cap = strlen(err->message) + 2;
    for (size_t i = 0; i < r->nmessages; i++)
        cap += strlen(r->messages[i].text) + 1;
    char *s = malloc(cap);
    cr_assert_not_null(s);
    size_t n = (size_t)snprintf(s, cap, "%s\n", err->message);
    for (size_t i = 0; i < r->nmessages; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s\n", r->messages[i].text);
    return s;
}

static int import_as(const char *path, pl_format fmt, pl_encoding enc, int dry_run, pl_import_result *r,
                     pl_error *err)
{
    pl_import_options o;
    pl_import_options_init(&o);
    o.format = fmt;
    o.encoding = enc;
    o.dry_run = dry_run;
    pl_error_clear(err);
    return pl_import_parcels(db, path, &o, r, err);
}

/* Import and expect a refusal whose text holds every one of `expect`
 * (NULL-terminated) and none of `never`; nothing may land. */
static void expect_refused(const char *path, pl_format fmt, pl_encoding enc, const char *const *expect,
                           const char *never)
{
    long parcels = count_sql("SELECT count(*) FROM parcel");
    long batches = count_sql("SELECT count(*) FROM import_batch");
    pl_import_result r;
    pl_error err;
    int rc = import_as(path, fmt, enc, 0, &r, &err);
    char *text = all_text(&err, &r);
    cr_expect_neq(rc, PL_OK, "%s was imported:\n%s", path, text);
    for (size_t i = 0; expect[i]; i++)
        cr_expect(strstr(text, expect[i]) != NULL, "%s: expected '%s' in:\n%s", path, expect[i], text);
    if (never)
        cr_expect(strstr(text, never) == NULL, "%s: '%s' must not appear in:\n%s", path, never, text);
    free(text);
    pl_import_result_release(&r);
    cr_expect_eq(count_sql("SELECT count(*) FROM parcel"), parcels);
    cr_expect_eq(count_sql("SELECT count(*) FROM import_batch"), batches);
}

/* Run argv (no shell: arguments of any length and bytes pass as they are);
 * stdout and stderr captured (caller frees). Returns the exit status. */
static int run_argv(char **out, char **errout, const char *const argv[])
{
    const char *o = tu_tmp("argv.stdout"), *e = tu_tmp("argv.stderr");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0600), fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    if (out)
        *out = tu_read_file(o, NULL);
    if (errout)
        *errout = tu_read_file(e, NULL);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* `unit` repeated until the text holds at least `min` bytes (caller frees). */
static char *repeat(const char *prefix, const char *unit, size_t min)
{
    size_t ul = strlen(unit), pl = strlen(prefix);
    size_t n = (min + ul - 1) / ul;
    char *s = malloc(pl + n * ul + 1);
    cr_assert_not_null(s);
    memcpy(s, prefix, pl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + pl + i * ul, unit, ul);
    s[pl + n * ul] = '\0';
    return s;
}

static FILE *open_w(const char *path)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    return f;
}

#define TXT_HEAD "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n[地块坐标]\n"

/* A TXT square parcel (EPSG:4528) at easting x0, northing 3985700. */
static void txt_parcel(FILE *f, const char *code, const char *name, const char *use, double x0)
{
    fprintf(f, "5,1.0,%s,%s,面,,%s,0601,@\n", code, name, use);
    double pts[5][2] = {{x0, 3985700}, {x0 + 100, 3985700}, {x0 + 100, 3985600}, {x0, 3985600}, {x0, 3985700}};
    for (int i = 0; i < 5; i++)
        fprintf(f, "J%d,1,%.3f,%.3f\n", i % 4 + 1, pts[i][1], pts[i][0]);
}

static void xml_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* ======================================================================= */
/* Item 1: every crash input kept from fuzzing is handled without a crash   */
/* ======================================================================= */

static volatile size_t sink;

static int touch_feature(const pl_feature *f, const pl_source_info *info, void *ctx)
{
    (void)info;
    long *n = ctx;
    (*n)++;
    sink += f->where ? strlen(f->where) : 0;
    sink += f->kind ? strlen(f->kind) : 0;
    for (size_t i = 0; i < f->nattrs; i++)
        sink += strlen(f->attrs[i].key) + strlen(f->attrs[i].value);
    sink += pl_geom_npoints(&f->geom);
    return 0;
}

typedef int (*reader_fn)(const char *, const pl_read_options *, pl_source_info *, pl_feature_cb, void *,
                         pl_error *);

/* What the fuzz targets do with one input: the reader, then the importer
 * (dry run, with a CRS when the file has none). Either accepts or refuses
 * with a message; never crashes (ASan/UBSan builds fail on any report). */
static void replay(reader_fn reader, pl_format fmt, const char *path)
{
    pl_read_options ro = {PL_ENCODING_AUTO, 0, NULL, NULL};
    pl_source_info info;
    memset(&info, 0, sizeof info);
    pl_error err;
    pl_error_clear(&err);
    long n = 0;
    int rc = reader(path, &ro, &info, touch_feature, &n, &err);
    if (rc != PL_OK)
        cr_expect(err.message[0] != '\0', "%s: refused without a reason", path);
    pl_import_options o;
    pl_import_options_init(&o);
    o.format = fmt;
    o.dry_run = 1;
    o.srid = info.srid > 0 ? 0 : 4528;
    for (int repair = 0; repair < 2; repair++) {
        o.repair = repair;
        pl_import_result r;
        pl_error_clear(&err);
        rc = pl_import_parcels(db, path, &o, &r, &err);
        if (rc != PL_OK)
            cr_expect(err.message[0] != '\0' || r.nmessages > 0, "%s: import refused without a reason", path);
        pl_import_result_release(&r);
    }
}

static int replay_dir(const char *fmt)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/crashes/%s", TEST_DATA_DIR, fmt);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        n++;
        if (!strcmp(fmt, "txt"))
            replay(pl_read_txt, PL_FORMAT_TXT, path);
        else if (!strcmp(fmt, "geojson"))
            replay(pl_read_geojson, PL_FORMAT_GEOJSON, path);
        else if (!strcmp(fmt, "kml"))
            replay(pl_read_kml, PL_FORMAT_KML, path);
        else if (!strcmp(fmt, "shp")) {
            size_t len;
            char *data = tu_read_file(path, &len);
            cr_assert_not_null(data);
            char stem[1024], shp[1100];
            snprintf(stem, sizeof stem, "%s", tu_tmp("crash"));
            cr_assert_eq(fz_shp_unpack((const uint8_t *)data, len, stem), 0);
            free(data);
            snprintf(shp, sizeof shp, "%s.shp", stem);
            replay(pl_read_shp, PL_FORMAT_SHP, shp);
        }
    }
    closedir(d);
    return n;
}

Test(crashes, every_kept_crash_input_is_handled, .init = setup, .fini = teardown)
{
    int n = 0;
    const char *fmts[] = {"txt", "geojson", "kml", "shp"};
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++)
        n += replay_dir(fmts[i]);
    cr_expect_geq(n, 1, "tests/data/crashes/ holds no crash input");
    cr_expect_eq(count_sql("SELECT count(*) FROM parcel"), 0);
}

/* import/txt.c:915 converted any easting above 1e7 to an int zone number
 * (undefined behaviour for 4e57; "zone -2147483648" in the message). */
Test(crashes, txt_easting_beyond_any_zone_is_refused_by_name, .init = setup, .fini = teardown)
{
    expect_refused(TEST_DATA_DIR "/crashes/txt/easting_overflows_int.txt", PL_FORMAT_AUTO, PL_ENCODING_AUTO,
                   (const char *const[]){"line 17: easting 405063333333333333333333333333333333333333333333333333333333",
                                         "too large", NULL},
                   "-2147483648");
    const char *vals[] = {"1e308", "100000000.0", "99999999999999999999"};
    for (size_t i = 0; i < 3; i++) {
        const char *p = tu_tmp("big_easting.txt");
        FILE *f = open_w(p);
        fprintf(f, TXT_HEAD "4,1.0,E-1,名称,面,,工业用地,0601,@\nJ1,1,3985700,40509000\nJ2,1,3985700,%s\n"
                            "J3,1,3985600,40509100\nJ1,1,3985700,40509000\n", vals[i]);
        fclose(f);
        char want[128];
        snprintf(want, sizeof want, "line 10: easting %s is too large", vals[i]);
        expect_refused(p, PL_FORMAT_TXT, PL_ENCODING_AUTO, (const char *const[]){want, NULL}, "-2147483648");
    }
}

/* ======================================================================= */
/* Item 5: SQL metacharacters and 10 kB strings survive import unchanged    */
/* ======================================================================= */

typedef struct text_case {
    char *code, *name, *use;
} text_case;

static void check_json_row(json_t *row, const text_case *c, const char *what)
{
    cr_assert(json_is_object(row), "%s: not an object", what);
    const char *code = json_string_value(json_object_get(row, "code"));
    const char *name = json_string_value(json_object_get(row, "name"));
    const char *use = json_string_value(json_object_get(row, "land_use"));
    cr_assert_not_null(code, "%s: no code", what);
    cr_expect(!strcmp(code, c->code), "%s: code changed (%zu → %zu bytes)", what, strlen(c->code), strlen(code));
    cr_expect(name && !strcmp(name, c->name), "%s: name of '%.40s…' changed (%zu → %zu bytes)", what, c->code,
              strlen(c->name), name ? strlen(name) : 0);
    cr_expect(use && !strcmp(use, c->use), "%s: land use of '%.40s…' changed (%zu → %zu bytes)", what, c->code,
              strlen(c->use), use ? strlen(use) : 0);
}

/* parcel list --format json and parcel show CODE --format json give back
 * exactly what the files held. */
static void check_round_trip(const text_case *cases, size_t n)
{
    char *out = NULL, *errout = NULL;
    const char *list[] = {PARKLAND_BIN, "--db", dbpath, "parcel", "list", "--format", "json", NULL};
    cr_assert_eq(run_argv(&out, &errout, list), 0, "%s", errout);
    json_error_t je;
    json_t *arr = json_loads(out, 0, &je);
    cr_assert(json_is_array(arr), "parcel list is not a JSON array: %s", je.text);
    cr_assert_eq(json_array_size(arr), n);
    for (size_t i = 0; i < n; i++) {
        json_t *found = NULL;
        for (size_t k = 0; k < json_array_size(arr); k++) {
            const char *c = json_string_value(json_object_get(json_array_get(arr, k), "code"));
            if (c && !strcmp(c, cases[i].code))
                found = json_array_get(arr, k);
        }
        cr_assert_not_null(found, "parcel list lost code '%.60s…' (%zu bytes)", cases[i].code, strlen(cases[i].code));
        check_json_row(found, &cases[i], "parcel list");
    }
    json_decref(arr);
    free(out);
    free(errout);
    for (size_t i = 0; i < n; i++) {
        const char *show[] = {PARKLAND_BIN, "--db", dbpath, "parcel", "show", cases[i].code, "--format", "json", NULL};
        cr_assert_eq(run_argv(&out, &errout, show), 0, "%s", errout);
        json_t *v = json_loads(out, 0, &je);
        cr_assert_not_null(v, "parcel show is not JSON: %s", je.text);
        check_json_row(json_is_array(v) ? json_array_get(v, 0) : v, &cases[i], "parcel show");
        json_decref(v);
        free(out);
        free(errout);
    }
}

static void free_cases(text_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].code);
        free(c[i].name);
        free(c[i].use);
    }
}

static void import_ok(const char *path, pl_format fmt, long inserted)
{
    pl_import_result r;
    pl_error err;
    int rc = import_as(path, fmt, PL_ENCODING_AUTO, 0, &r, &err);
    char *text = all_text(&err, &r);
    cr_assert_eq(rc, PL_OK, "%s:\n%.2000s", path, text);
    cr_assert_eq(r.inserted, inserted, "%s:\n%.2000s", path, text);
    free(text);
    pl_import_result_release(&r);
}

#define SQL_CODE "-Q'1\"; DROP TABLE parcel;--"
#define SQL_NAME "名称'); DELETE FROM history; -- %s%n%x \\ ' OR '1'='1"
#define SQL_USE "工业' OR 1=1; UPDATE parcel SET status='verified';--"

Test(hostile, sql_metacharacters_and_10kb_strings_round_trip, .init = setup, .fini = teardown)
{
    enum { NC = 8 };
    text_case c[NC];
    size_t n = 0;

    /* Ministry TXT: fields are comma-separated, so no comma in the values */
    c[n] = (text_case){strdup("TXT" SQL_CODE), strdup(SQL_NAME), strdup(SQL_USE)};
    c[n + 1] = (text_case){repeat("TXT-", "宗地'\"%s;--\\", 10240), repeat("", "名称'\"%n;\\", 10240),
                           repeat("", "用途' OR '1'='1;", 10240)};
    const char *txt = tu_tmp("meta.txt");
    FILE *f = open_w(txt);
    fputs(TXT_HEAD, f);
    txt_parcel(f, c[n].code, c[n].name, c[n].use, 40509000);
    txt_parcel(f, c[n + 1].code, c[n + 1].name, c[n + 1].use, 40509200);
    fclose(f);
    import_ok(txt, PL_FORMAT_TXT, 2);
    n += 2;

    /* GeoJSON, written by jansson (every character escaped as JSON wants) */
    c[n] = (text_case){strdup("GJ" SQL_CODE), strdup(SQL_NAME ",\t<b>&amp;</b>"), strdup(SQL_USE)};
    c[n + 1] = (text_case){repeat("GJ-", "宗地'\",%s;--\\", 10240), repeat("", "名称'\"%n;\\<>&", 10240),
                           repeat("", "用途' OR '1'='1,", 10240)};
    json_t *feats = json_array();
    for (int k = 0; k < 2; k++) {
        double x = 120.40 + 0.002 * k;
        json_t *ring = json_pack("[[f,f],[f,f],[f,f],[f,f],[f,f]]", x, 36.10, x + 0.001, 36.10, x + 0.001, 36.101, x,
                                 36.101, x, 36.10);
        json_array_append_new(feats, json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s, s:[o]}}", "type", "Feature",
                                               "properties", "code", c[n + k].code, "name", c[n + k].name, "land_use",
                                               c[n + k].use, "geometry", "type", "Polygon", "coordinates", ring));
    }
    json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", feats);
    const char *gj = tu_tmp("meta.geojson");
    cr_assert_eq(json_dump_file(fc, gj, 0), 0);
    json_decref(fc);
    import_ok(gj, PL_FORMAT_GEOJSON, 2);
    n += 2;

    /* KML: markup characters escaped, "]]>" and quotes in the text */
    c[n] = (text_case){strdup("KML" SQL_CODE "]]>"), strdup(SQL_NAME " <b>&amp;</b> ]]>"), strdup(SQL_USE)};
    c[n + 1] = (text_case){repeat("KML-", "宗地'\",<%s;]]>--\\", 10240), repeat("", "名称'\"%n;&\\", 10240),
                           repeat("", "用途' OR '1'='1<>", 10240)};
    const char *kml = tu_tmp("meta.kml");
    f = open_w(kml);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n", f);
    for (int k = 0; k < 2; k++) {
        double x = 120.41 + 0.002 * k;
        fputs("<Placemark><name>", f);
        xml_escaped(f, c[n + k].name);
        fputs("</name><ExtendedData><Data name=\"code\"><value>", f);
        xml_escaped(f, c[n + k].code);
        fputs("</value></Data><Data name=\"land_use\"><value>", f);
        xml_escaped(f, c[n + k].use);
        fprintf(f, "</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>"
                   "%.6f,36.1 %.6f,36.1 %.6f,36.101 %.6f,36.101 %.6f,36.1</coordinates></LinearRing>"
                   "</outerBoundaryIs></Polygon></Placemark>\n", x, x + 0.001, x + 0.001, x, x);
    }
    fputs("</Document></kml>\n", f);
    fclose(f);
    import_ok(kml, PL_FORMAT_KML, 2);
    n += 2;

    /* Shapefile: a DBF text field holds at most 254 bytes, so 254 it is */
    c[n] = (text_case){strdup("SHP" SQL_CODE), strdup(SQL_NAME), strdup(SQL_USE)};
    char *u254 = repeat("'\"", "宗", 252); /* 2 + 84 × 3 = 254 bytes */
    cr_assert_eq(strlen(u254), 254);
    c[n + 1] = (text_case){strdup(u254), strdup(u254), strdup(u254)};
    c[n + 1].code[0] = 'S'; /* a different code of the same length */
    free(u254);
    char stem[1024], p[1100];
    snprintf(stem, sizeof stem, "%s", tu_tmp("meta"));
    SHPHandle sh = SHPCreate(stem, SHPT_POLYGON);
    snprintf(p, sizeof p, "%s.dbf", stem);
    DBFHandle dbf = DBFCreateEx(p, "UTF-8");
    cr_assert(sh && dbf);
    cr_assert_eq(DBFAddField(dbf, "CODE", FTString, 254, 0), 0);
    cr_assert_eq(DBFAddField(dbf, "NAME", FTString, 254, 0), 1);
    cr_assert_eq(DBFAddField(dbf, "LAND_USE", FTString, 254, 0), 2);
    for (int k = 0; k < 2; k++) {
        double x0 = 40509400 + 200 * k;
        double xs[5] = {x0, x0 + 100, x0 + 100, x0, x0}, ys[5] = {3985700, 3985700, 3985600, 3985600, 3985700};
        SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, xs, ys, NULL); /* clockwise shell */
        cr_assert_eq(SHPWriteObject(sh, -1, o), k);
        SHPDestroyObject(o);
        cr_assert(DBFWriteStringAttribute(dbf, k, 0, c[n + k].code));
        cr_assert(DBFWriteStringAttribute(dbf, k, 1, c[n + k].name));
        cr_assert(DBFWriteStringAttribute(dbf, k, 2, c[n + k].use));
    }
    SHPClose(sh);
    DBFClose(dbf);
    snprintf(p, sizeof p, "%s.prj", stem);
    size_t plen;
    char *prj = tu_read_file(SAMPLES_DIR "/parcels.prj", &plen);
    cr_assert_not_null(prj);
    tu_write_file(p, prj, plen);
    free(prj);
    snprintf(p, sizeof p, "%s.shp", stem);
    import_ok(p, PL_FORMAT_SHP, 2);
    n += 2;

    cr_assert_eq(n, NC);
    cr_assert_geq(strlen(c[1].name), 10240);
    check_round_trip(c, n);
    /* nothing was executed: the tables hold what the imports made */
    cr_expect_eq(count_sql("SELECT count(*) FROM parcel WHERE status = 'reserve'"), NC);
    cr_expect_eq(count_sql("SELECT count(*) FROM history WHERE entity = 'parcel' AND field = 'created'"), NC);
    cr_expect_eq(count_sql("SELECT count(*) FROM import_batch"), 4);
    free_cases(c, n);
}

/* ======================================================================= */
/* Item 5: XXE and billion laughs: refused quickly, no memory growth        */
/* ======================================================================= */

typedef struct child_report {
    int rc, irc;                /* reader's and importer's results */
    double seconds;
    long rss_growth_kb;
    char message[2 * PL_ERROR_MAX + 8];
} child_report;

/* In a forked child: peak RSS before, run the KML reader and the importer on
 * `path`, peak RSS after. `hog_mb` > 0 allocates and touches that much
 * instead (a control: shows the measure sees growth). */
static child_report in_child(const char *path, int hog_mb)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        close(fd[0]);
        child_report rep;
        memset(&rep, 0, sizeof rep);
        struct rusage before, after;
        struct timespec t0, t1;
        getrusage(RUSAGE_SELF, &before);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (hog_mb > 0) {
            size_t sz = (size_t)hog_mb << 20;
            char *m = malloc(sz);
            for (size_t i = 0; m && i < sz; i += 4096)
                m[i] = (char)i;
            sink += m ? (size_t)m[sz / 2] : 0;
            free(m);
        } else {
            /* a connection of its own (one is never shared across fork) */
            pl_error oerr;
            pl_error_clear(&oerr);
            if (pl_db_open(dbpath, &db, &oerr) != PL_OK)
                _exit(3);
            getrusage(RUSAGE_SELF, &before);
            clock_gettime(CLOCK_MONOTONIC, &t0);
            pl_read_options ro = {PL_ENCODING_AUTO, 0, NULL, NULL};
            pl_source_info info;
            memset(&info, 0, sizeof info);
            pl_error err;
            pl_error_clear(&err);
            long nf = 0;
            rep.rc = pl_read_kml(path, &ro, &info, touch_feature, &nf, &err);
            pl_import_result r;
            pl_error ierr;
            rep.irc = import_as(path, PL_FORMAT_KML, PL_ENCODING_AUTO, 0, &r, &ierr);
            snprintf(rep.message, sizeof rep.message, "%s | %s", err.message, ierr.message);
            pl_import_result_release(&r);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        getrusage(RUSAGE_SELF, &after);
        rep.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        rep.rss_growth_kb = after.ru_maxrss - before.ru_maxrss;
        ssize_t w = write(fd[1], &rep, sizeof rep);
        _exit(w == (ssize_t)sizeof rep ? 0 : 1);
    }
    close(fd[1]);
    child_report rep;
    ssize_t got = read(fd[0], &rep, sizeof rep);
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child died on %s (status %d)", path ? path : "hog", st);
    cr_assert_eq(got, (ssize_t)sizeof rep);
    return rep;
}

#define SECRET "PARKLAND-SECRET-7f3a9c"

Test(hostile, kml_external_entities_and_entity_expansion_are_refused, .init = setup,
     .fini = teardown)
{
    /* the control: 64 MB touched shows up in the measure */
    child_report hog = in_child(NULL, 64);
    cr_assert_geq(hog.rss_growth_kb, 60 * 1024, "the RSS measure does not see a 64 MB allocation");

    const char *secret = tu_tmp("secret.txt");
    tu_write_file(secret, SECRET "\n", (size_t)-1);
    char body[4096];
    snprintf(body, sizeof body,
             "<!DOCTYPE kml [<!ENTITY xxe SYSTEM \"file://%s\">]>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">"
             "<Placemark><name>&xxe;</name><Polygon><outerBoundaryIs><LinearRing><coordinates>120.4,36.1 "
             "120.401,36.1 120.401,36.101 120.4,36.1</coordinates></LinearRing></outerBoundaryIs></Polygon>"
             "</Placemark></kml>\n", secret);

    /* XXE in UTF-8, in UTF-16LE with a BOM (NUL bytes between the ASCII), and
     * a billion laughs of 10^30 expansions */
    const char *xxe8 = tu_tmp("xxe8.kml");
    FILE *f = open_w(xxe8);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s", body);
    fclose(f);
    const char *xxe16 = tu_tmp("xxe16.kml");
    f = open_w(xxe16);
    char decl[8192];
    snprintf(decl, sizeof decl, "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n%s", body);
    fputc(0xFF, f);
    fputc(0xFE, f);
    for (const char *s = decl; *s; s++) {
        fputc(*s, f);
        fputc(0, f);
    }
    fclose(f);
    const char *lol = tu_tmp("lol30.kml");
    f = open_w(lol);
    fputs("<?xml version=\"1.0\"?>\n<!DOCTYPE kml [\n <!ENTITY l0 \"lollollollollollollollollollollollol\">\n", f);
    for (int i = 1; i <= 30; i++) {
        fprintf(f, " <!ENTITY l%d \"", i);
        for (int k = 0; k < 10; k++)
            fprintf(f, "&l%d;", i - 1);
        fputs("\">\n", f);
    }
    fputs("]>\n<kml><Placemark><name>&l30;</name></Placemark></kml>\n", f);
    fclose(f);

    const char *files[] = {xxe8, xxe16, lol, TEST_DATA_DIR "/kml/billion_laughs.kml",
                           TEST_DATA_DIR "/kml/xxe_passwd.kml", TEST_DATA_DIR "/kml/xxe_parameter.kml",
                           TEST_DATA_DIR "/kml/xxe_system_doctype.kml"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        child_report rep = in_child(files[i], 0);
        cr_expect_neq(rep.rc, PL_OK, "%s was read: %s", files[i], rep.message);
        cr_expect_neq(rep.irc, PL_OK, "%s was imported: %s", files[i], rep.message);
        cr_expect(strstr(rep.message, "DTD/entity declarations are not accepted") != NULL, "%s: %s", files[i],
                  rep.message);
        cr_expect(strstr(rep.message, SECRET) == NULL && strstr(rep.message, "root:") == NULL,
                  "%s: the entity was read: %s", files[i], rep.message);
        cr_expect_lt(rep.seconds, 5.0, "%s took %.2f s", files[i], rep.seconds);
        cr_expect_lt(rep.rss_growth_kb, 16 * 1024, "%s: peak memory grew by %ld kB", files[i], rep.rss_growth_kb);
    }
    cr_expect_eq(count_sql("SELECT count(*) FROM parcel"), 0);
}

/* ======================================================================= */
/* Item 5: NaN, Inf, 1e308 and a polygon of a million vertices              */
/* ======================================================================= */

#define GJ_ONE(ring) "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"code\":\"G-1\"}," \
                     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[" ring "]]}}]}"
#define KML_ONE(coords) "<?xml version=\"1.0\"?>\n<kml><Placemark><name>K-1</name><Polygon><outerBoundaryIs><LinearRing>" \
                        "<coordinates>" coords "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>"
#define TXT_ONE(east) TXT_HEAD "4,1.0,T-1,名称,面,,工业用地,0601,@\nJ1,1,3985700,40509000\nJ2,1,3985700," east "\n" \
                      "J3,1,3985600,40509100\nJ1,1,3985700,40509000\n"

Test(hostile, nan_inf_and_1e308_coordinates_are_refused_with_a_reason, .init = setup, .fini = teardown)
{
    static const struct {
        const char *name, *content, *expect[3];
    } cases[] = {
        {"nan.txt", TXT_ONE("nan"), {"line 10: non-numeric Y coordinate 'nan'", NULL}},
        {"inf.txt", TXT_ONE("inf"), {"line 10: non-numeric Y coordinate 'inf'", NULL}},
        {"ninf.txt", TXT_ONE("-Infinity"), {"line 10: non-numeric Y coordinate '-Infinity'", NULL}},
        {"1e309.txt", TXT_ONE("1e309"), {"line 10: non-numeric Y coordinate '1e309'", NULL}},
        {"1e308.txt", TXT_ONE("1e308"), {"line 10: easting 1e308 is too large", NULL}},
        {"m1e308.txt", TXT_ONE("-1e308"), {"line 10: easting -1e308 has no zone prefix", NULL}},
        {"nan.geojson", GJ_ONE("[120.4,36.1],[NaN,36.1],[120.401,36.101],[120.4,36.1]"),
         {"line 2 (feature 1)", "expected a value, found 'N'", NULL}},
        {"inf.geojson", GJ_ONE("[120.4,36.1],[Infinity,36.1],[120.401,36.101],[120.4,36.1]"),
         {"line 2 (feature 1)", "expected a value, found 'I'", NULL}},
        {"1e309.geojson", GJ_ONE("[120.4,36.1],[1e309,36.1],[120.401,36.101],[120.4,36.1]"),
         {"feature 1", "real number overflow near '1e309'", NULL}},
        {"1e308.geojson", GJ_ONE("[120.4,36.1],[1e308,36.1],[120.401,36.101],[120.4,36.1]"),
         {"feature 1 (line 2) (G-1)", "are not longitude/latitude degrees", NULL}},
        {"m1e308.geojson", GJ_ONE("[120.4,36.1],[120.401,-1e308],[120.401,36.101],[120.4,36.1]"),
         {"feature 1 (line 2) (G-1)", "are not longitude/latitude degrees", NULL}},
        {"nan.kml", KML_ONE("120.4,36.1 nan,36.1 120.401,36.101 120.4,36.1"),
         {"placemark 1 (line 2)", "non-numeric coordinate 'nan'", NULL}},
        {"inf.kml", KML_ONE("120.4,36.1 120.401,inf 120.401,36.101 120.4,36.1"),
         {"placemark 1 (line 2)", "non-numeric coordinate 'inf'", NULL}},
        {"1e309.kml", KML_ONE("120.4,36.1 1e309,36.1 120.401,36.101 120.4,36.1"),
         {"placemark 1 (line 2) (K-1)", "point 2 is not a finite number", NULL}},
        {"1e308.kml", KML_ONE("120.4,36.1 1e308,36.1 120.401,36.101 120.4,36.1"),
         {"placemark 1 (line 2) (K-1)", "are not longitude/latitude degrees", NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *p = tu_tmp(cases[i].name);
        tu_write_file(p, cases[i].content, (size_t)-1);
        expect_refused(p, PL_FORMAT_AUTO, PL_ENCODING_AUTO, cases[i].expect, NULL);
    }
}

/* A valid polygon of 10^6 vertices: imported whole (or refused with a
 * reason — never a crash). Time is not asserted. */
Test(hostile, million_vertex_polygon, .init = setup, .fini = teardown)
{
    const long n = 1000000; /* point lines, the last one closing the ring */
    const char *p = tu_tmp("million.txt");
    FILE *f = open_w(p);
    fprintf(f, TXT_HEAD "%ld,0,M-1,百万点,面,,工业用地,0601,@\n", n);
    for (long i = 0; i < n - 1; i++) {
        double a = -2 * M_PI * (double)i / (double)(n - 1);
        fprintf(f, "J%ld,1,%.3f,%.3f\n", i + 1, 3990000 + 500 * sin(a), 40520000 + 500 * cos(a));
    }
    fprintf(f, "J1,1,%.3f,%.3f\n", 3990000.0, 40520500.0);
    fclose(f);
    pl_import_result r;
    pl_error err;
    int rc = import_as(p, PL_FORMAT_TXT, PL_ENCODING_AUTO, 0, &r, &err);
    char *text = all_text(&err, &r);
    if (rc == PL_OK) {
        cr_expect_eq(r.inserted, 1);
        /* the circle of 500 m, within the chord error of 10^6 segments */
        cr_expect_float_eq(r.area_m2, M_PI * 500 * 500, 1.0, "%f", r.area_m2);
        cr_expect_eq(count_sql("SELECT ST_NPoints(geom) FROM parcel WHERE code = 'M-1'"), n);
    } else {
        cr_expect(strstr(text, "M-1") || strstr(text, "line 8"), "refused without naming the parcel:\n%s", text);
    }
    free(text);
    pl_import_result_release(&r);
}

/* ======================================================================= */
/* Item 5: deeply nested JSON                                               */
/* ======================================================================= */

static void write_nested(const char *path, const char *before, const char *open, const char *middle,
                         const char *close, const char *after, int depth)
{
    FILE *f = open_w(path);
    fputs(before, f);
    for (int i = 0; i < depth; i++)
        fputs(open, f);
    fputs(middle, f);
    for (int i = 0; i < depth; i++)
        fputs(close, f);
    fputs(after, f);
    fclose(f);
}

Test(hostile, deeply_nested_json_is_refused, .init = setup, .fini = teardown)
{
    const int depth = 200000;
    const char *fhead = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",";
    const char *p = tu_tmp("deep.geojson");
    const char *feature[] = {"line 2 (feature 1): nesting deeper than 64 levels, refused", NULL};
    const char *document[] = {"line 1: nesting deeper than 64 levels, refused", NULL};

    /* inside a feature: properties, coordinates, geometry collections */
    char props[256];
    snprintf(props, sizeof props, "%s\"properties\":", fhead);
    write_nested(p, props, "{\"a\":", "1", "}", ",\"geometry\":null}]}", depth);
    expect_refused(p, PL_FORMAT_GEOJSON, PL_ENCODING_AUTO, feature, NULL);
    snprintf(props, sizeof props, "%s\"properties\":{\"code\":\"D\",\"x\":", fhead);
    write_nested(p, props, "[", "", "]", "},\"geometry\":null}]}", depth);
    expect_refused(p, PL_FORMAT_GEOJSON, PL_ENCODING_AUTO, feature, NULL);
    write_nested(p, "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"code\":\"D\"},"
                    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":",
                 "[", "", "]", "}}]}", depth);
    expect_refused(p, PL_FORMAT_GEOJSON, PL_ENCODING_AUTO, feature, NULL);
    write_nested(p, "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"code\":\"D\"},"
                    "\"geometry\":",
                 "{\"type\":\"GeometryCollection\",\"geometries\":[", "{\"type\":\"Point\",\"coordinates\":[1,2]}",
                 "]}", "}]}", depth / 40);
    expect_refused(p, PL_FORMAT_GEOJSON, PL_ENCODING_AUTO, feature, NULL);
    /* outside the features: a foreign member, the crs, after the features, never closed */
    write_nested(p, "{\"foo\":", "{\"a\":", "1", "}", ",\"type\":\"FeatureCollection\",\"features\":[]}", depth);
    expect_refused(p, PL_FORMAT_GEOJSON, PL_ENCODING_AUTO, document, NULL);
    write_nested(p, "{\"type\":\"FeatureCollection\",\"crs\":", "[", "", "]", ",\"features\":[]}", depth);
    expect_refused(p, PL_FORMAT_GEOJSON, PL_ENCODING_AUTO, document, NULL);
    write_nested(p, "{\"type\":\"FeatureCollection\",\"features\":[],\"bar\":", "[", "", "", "", depth);
    expect_refused(p, PL_FORMAT_GEOJSON, PL_ENCODING_AUTO, document, NULL);
}

/* ======================================================================= */
/* Item 5: invalid UTF-8 and mislabelled GBK                                */
/* ======================================================================= */

Test(hostile, invalid_utf8_and_mislabelled_gbk_are_refused_with_the_line, .init = setup, .fini = teardown)
{
    /* "名称" in GBK; bytes valid in neither encoding */
#define GBK_NAME "\xC3\xFB\xB3\xC6"
#define BAD "\xFF\xFE\xFD"
    static const struct {
        const char *name, *content;
        pl_encoding enc;
        const char *expect[3];
    } cases[] = {
        {"bad.txt", TXT_HEAD "4,1.0,E-1," BAD ",面,,工业用地,0601,@\nJ1,1,3985700,40509000\n", PL_ENCODING_AUTO,
         {"line 8: bytes that are neither UTF-8 nor GBK", NULL}},
        {"gbk-as-utf8.txt", TXT_HEAD "4,1.0,E-1," GBK_NAME ",,,,,@\nJ1,1,3985700,40509000\n", PL_ENCODING_UTF8,
         {"line 8: bytes that are not valid UTF-8 (try --encoding gbk)", NULL}},
        {"bad.geojson", "{\"type\":\"FeatureCollection\",\"features\":[\n\n{\"type\":\"Feature\",\"properties\":"
                        "{\"code\":\"" BAD "\"},\"geometry\":null}]}", PL_ENCODING_AUTO,
         {"line 3 (feature 1)", "text is neither UTF-8 nor GBK (byte 0xFF in a string)", NULL}},
        {"gbk-as-utf8.geojson", "{\"type\":\"FeatureCollection\",\"features\":[\n\n{\"type\":\"Feature\",\"properties\":"
                                "{\"code\":\"" GBK_NAME "\"},\"geometry\":null}]}", PL_ENCODING_UTF8,
         {"line 3 (feature 1)", "invalid UTF-8 text (byte 0xC3 in a string); if the file is GBK, use --encoding gbk",
          NULL}},
        {"gbk-as-utf8.kml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml>\n<Placemark>\n<name>E-1</name>\n"
                            "<description>" GBK_NAME "</description>\n</Placemark></kml>\n", PL_ENCODING_UTF8,
         {"line 5: input is not proper UTF-8", NULL}},
        {"bad-forced.kml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml>\n<Placemark>\n<name>E-1</name>\n"
                           "<description>" BAD "</description>\n</Placemark></kml>\n", PL_ENCODING_UTF8,
         {"line 5: input is not proper UTF-8", NULL}},
        {"bad.kml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml>\n<Placemark>\n<name>E-1</name>\n"
                    "<description>" BAD "</description>\n</Placemark></kml>\n", PL_ENCODING_AUTO,
         {"line 5: bytes that are neither UTF-8 nor GBK", NULL}},
        /* two encodings in one file: reading it all as GBK would store the
         * UTF-8 "工业" as "宸ヤ笟" without a word */
        {"mixed.txt", TXT_HEAD "4,1.0,E-1," GBK_NAME ",,,,,@\nJ1,1,3985700,40509000\n", PL_ENCODING_AUTO,
         {"line 1: bytes that are not valid GBK, while line 8 is not valid UTF-8 (mixed encodings?)", NULL}},
        {"mixed.geojson", "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":"
                          "{\"code\":\"M-1\",\"land_use\":\"工业\",\n\"name\":\"" GBK_NAME "\"},\"geometry\":null}]}",
         PL_ENCODING_AUTO,
         {"line 2: a string in UTF-8 (line 2) and one that is not (line 3): two encodings in one file, refused", NULL}},
        {"mixed.kml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml>\n<Placemark>\n<name>工业E-1</name>\n"
                      "<description>" GBK_NAME "</description>\n</Placemark></kml>\n", PL_ENCODING_AUTO,
         {"line 4 is UTF-8 but line 5 is not: two encodings in one file, refused", NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *p = tu_tmp(cases[i].name);
        tu_write_file(p, cases[i].content, (size_t)-1);
        expect_refused(p, PL_FORMAT_AUTO, cases[i].enc, cases[i].expect, NULL);
    }
}

/* A shapefile with the given NAME values (raw bytes), one square each, in
 * EPSG:4528; `cpg` NULL: no .cpg. Returns the .shp path (static). */
static const char *write_shapefile(const char *name, const char *const *names, int n, const char *cpg)
{
    static char shp[1100];
    char stem[1024], p[1100];
    snprintf(stem, sizeof stem, "%s", tu_tmp(name));
    SHPHandle sh = SHPCreate(stem, SHPT_POLYGON);
    snprintf(p, sizeof p, "%s.dbf", stem);
    DBFHandle dbf = DBFCreateEx(p, cpg ? cpg : "LDID/0");
    cr_assert(sh && dbf);
    cr_assert_eq(DBFAddField(dbf, "CODE", FTString, 20, 0), 0);
    cr_assert_eq(DBFAddField(dbf, "NAME", FTString, 100, 0), 1);
    for (int k = 0; k < n; k++) {
        double x0 = 40509400 + 200 * k;
        double xs[5] = {x0, x0 + 100, x0 + 100, x0, x0}, ys[5] = {3985700, 3985700, 3985600, 3985600, 3985700};
        SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, xs, ys, NULL);
        cr_assert_eq(SHPWriteObject(sh, -1, o), k);
        SHPDestroyObject(o);
        char code[16];
        snprintf(code, sizeof code, "S-%d", k + 1);
        cr_assert(DBFWriteStringAttribute(dbf, k, 0, code));
        cr_assert(DBFWriteStringAttribute(dbf, k, 1, names[k]));
    }
    SHPClose(sh);
    DBFClose(dbf);
    if (!cpg) {
        snprintf(p, sizeof p, "%s.cpg", stem);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s.prj", stem);
    size_t plen;
    char *prj = tu_read_file(SAMPLES_DIR "/parcels.prj", &plen);
    cr_assert_not_null(prj);
    tu_write_file(p, prj, plen);
    free(prj);
    snprintf(shp, sizeof shp, "%s.shp", stem);
    return shp;
}

Test(hostile, shapefile_text_in_the_wrong_encoding_is_refused_with_the_record, .init = setup, .fini = teardown)
{
    const char *gbk_in_utf8[] = {"工业", GBK_NAME};
    const char *p = write_shapefile("gbk-in-utf8", gbk_in_utf8, 2, "UTF-8");
    char want[1200];
    snprintf(want, sizeof want, "%s", p);
    strcpy(want + strlen(want) - 4, ".dbf: record 2: field 'NAME'");
    expect_refused(p, PL_FORMAT_SHP, PL_ENCODING_AUTO, (const char *const[]){want, "UTF-8", NULL}, NULL);
    const char *bad[] = {"工业", "bad " BAD};
    p = write_shapefile("bad", bad, 2, NULL);
    snprintf(want, sizeof want, "%s", p);
    strcpy(want + strlen(want) - 4, ".dbf: record 2: field 'NAME'");
    expect_refused(p, PL_FORMAT_SHP, PL_ENCODING_AUTO, (const char *const[]){want, NULL}, NULL);
    /* no .cpg, UTF-8 and GBK records: refused, not stored as mojibake */
    const char *mixed[] = {"工业用地", GBK_NAME};
    p = write_shapefile("mixed", mixed, 2, NULL);
    snprintf(want, sizeof want, "%s", p);
    strcpy(want + strlen(want) - 4, ".dbf: record 1 is UTF-8 but record 2 is not: two encodings in one file, refused");
    expect_refused(p, PL_FORMAT_SHP, PL_ENCODING_AUTO, (const char *const[]){want, NULL}, NULL);
}

/* A KML that declares UTF-8 but holds GBK is read as GBK under --encoding
 * auto (exporters do this): the text arrives right, and a note says so. */
Test(hostile, gbk_declared_as_utf8_is_decoded_as_gbk_with_a_note, .init = setup, .fini = teardown)
{
    const char *p = tu_tmp("gbk-declared-utf8.kml");
    tu_write_file(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml><Placemark><name>" GBK_NAME "</name>"
                     "<ExtendedData><Data name=\"code\"><value>E-1</value></Data></ExtendedData>"
                     "<Polygon><outerBoundaryIs><LinearRing><coordinates>120.4,36.1 120.401,36.1 120.401,36.101 "
                     "120.4,36.1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>\n",
                  (size_t)-1);
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_as(p, PL_FORMAT_AUTO, PL_ENCODING_AUTO, 0, &r, &err), PL_OK, "%s", err.message);
    cr_expect_str_eq(r.encoding, "gbk");
    int noted = 0;
    for (size_t i = 0; i < r.nmessages; i++)
        noted |= strstr(r.messages[i].text, "not valid UTF-8 although it declares UTF-8: read as GBK") != NULL;
    cr_expect(noted, "no note says the file was read as GBK");
    pl_import_result_release(&r);
    cr_expect_eq(count_sql("SELECT count(*) FROM parcel WHERE code = 'E-1' AND name = '名称'"), 1);
}

/* ======================================================================= */
/* Item 5: database files that are not parkland's, or newer                 */
/* ======================================================================= */

static void expect_db_refused(const char *path, const char *expect)
{
    size_t before_len, after_len;
    char *before = tu_read_file(path, &before_len);
    cr_assert_not_null(before);
    struct stat sb0, sb1;
    cr_assert_eq(stat(path, &sb0), 0);
    pl_db *h = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_expect_neq(pl_db_open(path, &h, &err), PL_OK, "%s was opened", path);
    cr_expect_null(h);
    pl_db_close(h);
    cr_expect(strstr(err.message, expect) != NULL, "%s: expected '%s' in '%s'", path, expect, err.message);
    /* and through the command line, for a read and a write */
    char *out = NULL, *eo = NULL;
    const char *list[] = {PARKLAND_BIN, "--db", path, "parcel", "list", NULL};
    cr_expect_eq(run_argv(&out, &eo, list), 1);
    cr_expect(strstr(eo, expect) != NULL, "parcel list: expected '%s' in '%s'", expect, eo);
    free(out);
    free(eo);
    const char *imp[] = {PARKLAND_BIN, "--db", path, "import", "parcels", TEST_DATA_DIR "/txt/example_utf8.txt", NULL};
    cr_expect_eq(run_argv(&out, &eo, imp), 1);
    cr_expect(strstr(eo, expect) != NULL, "import: expected '%s' in '%s'", expect, eo);
    free(out);
    free(eo);
    const char *init[] = {PARKLAND_BIN, "--db", path, "init", NULL};
    cr_expect_eq(run_argv(&out, &eo, init), 1);
    cr_expect(strstr(eo, "already exists") != NULL, "init over it: %s", eo);
    free(out);
    free(eo);

    char *after = tu_read_file(path, &after_len);
    cr_assert_not_null(after);
    cr_expect(before_len == after_len && memcmp(before, after, before_len) == 0, "%s was modified", path);
    cr_expect_eq(stat(path, &sb1), 0);
    cr_expect_eq(sb0.st_mode, sb1.st_mode);
    char side[1100];
    snprintf(side, sizeof side, "%s-journal", path);
    cr_expect_neq(access(side, F_OK), 0, "%s left behind", side);
    free(before);
    free(after);
}

static void sql_file(const char *path, const char *sql)
{
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_close(h), SQLITE_OK);
}

Test(files, foreign_and_newer_databases_are_refused_unmodified, .init = setup, .fini = teardown)
{
    /* a real parkland database with one parcel, closed (WAL checkpointed) */
    pl_import_result r;
    pl_error err;
    cr_assert_eq(import_as(TEST_DATA_DIR "/txt/example_utf8.txt", PL_FORMAT_AUTO, PL_ENCODING_AUTO, 0, &r, &err),
                 PL_OK, "%s", err.message);
    pl_import_result_release(&r);
    pl_db_close(db);
    db = NULL;

    const char *text = tu_tmp("notes.db");
    tu_write_file(text, "宗地 notes, not a database\n", (size_t)-1);
    expect_db_refused(text, "is not a database file");

    const char *empty = tu_tmp("empty.db");
    tu_write_file(empty, "", 0);
    expect_db_refused(empty, "is not a parkland database (application id 0)");

    const char *other = tu_tmp("other.db");
    sql_file(other, "CREATE TABLE parcel(code TEXT); INSERT INTO parcel VALUES ('x');");
    expect_db_refused(other, "is not a parkland database (application id 0)");

    const char *otherwal = tu_tmp("other-wal.db");
    sql_file(otherwal, "PRAGMA journal_mode = WAL; PRAGMA application_id = 1196444487; CREATE TABLE gpkg(x);");
    expect_db_refused(otherwal, "is not a parkland database (application id 1196444487)");

    const char *newer = tu_tmp("newer.db");
    tu_copy_file(dbpath, newer);
    sql_file(newer, "PRAGMA user_version = 99;");
    char newer_says[96];
    snprintf(newer_says, sizeof newer_says, "has schema version 99, newer than this parkland (%d); upgrade parkland",
             PL_SCHEMA_VERSION);
    expect_db_refused(newer, newer_says);

    /* parkland's application id on a file without parkland's tables */
    const char *forged = tu_tmp("forged.db");
    sql_file(forged, "PRAGMA application_id = 1347112004; CREATE TABLE t(x);");
    expect_db_refused(forged, "the working CRS is missing from meta");

    const char *cut = tu_tmp("truncated.db");
    size_t len;
    char *b = tu_read_file(dbpath, &len);
    cr_assert_gt(len, 8192);
    tu_write_file(cut, b, 8192);
    free(b);
    expect_db_refused(cut, "database");

    /* the real one still opens */
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
}

/* ======================================================================= */
/* Item 6: the database file's mode follows the umask; no symlink followed */
/* ======================================================================= */

static mode_t created_mode(mode_t mask, const char *name)
{
    const char *p = tu_tmp(name);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        umask(mask);
        pl_db *h;
        pl_error err;
        pl_error_clear(&err);
        if (pl_db_create(p, 4549, &h, &err) != PL_OK)
            _exit(1);
        /* while open, the WAL side files must not be wider than the file */
        struct stat sd, sw;
        char wal[1100];
        snprintf(wal, sizeof wal, "%s-wal", p);
        int ok = stat(p, &sd) == 0 && (stat(wal, &sw) != 0 || (sw.st_mode & 0777) == (sd.st_mode & 0777));
        pl_db_close(h);
        _exit(ok ? 0 : 2);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "umask %03o: create failed (%d)", (unsigned)mask, st);
    struct stat sb;
    cr_assert_eq(stat(p, &sb), 0);
    return sb.st_mode & 07777;
}

Test(files, database_is_created_with_the_users_umask, .init = setup, .fini = teardown)
{
    cr_expect_eq(created_mode(077, "u077.db"), 0600);
    cr_expect_eq(created_mode(022, "u022.db"), 0644);
    cr_expect_eq(created_mode(002, "u002.db"), 0664, "a group-shared directory (umask 002) needs a group-writable file");
    cr_expect_eq(created_mode(027, "u027.db"), 0640);
    char *out = NULL, *eo = NULL;
    const char *p = tu_tmp("cli077.db");
    cr_assert_eq(tu_run(&out, &eo, "umask 077; %s --db '%s' init", PARKLAND_BIN, p), 0, "%s", eo);
    struct stat sb;
    cr_assert_eq(stat(p, &sb), 0);
    cr_expect_eq(sb.st_mode & 07777, 0600);
    free(out);
    free(eo);
}

Test(files, init_never_follows_a_symlink, .init = setup, .fini = teardown)
{
    const char *target = tu_tmp("precious.txt");
    tu_write_file(target, "keep me\n", (size_t)-1);
    const char *link1 = tu_tmp("link-to-file.db");
    cr_assert_eq(symlink(target, link1), 0);
    const char *missing = tu_tmp("not-there.txt");
    const char *link2 = tu_tmp("dangling.db");
    cr_assert_eq(symlink(missing, link2), 0);

    pl_db *h = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_expect_eq(pl_db_create(link1, 4549, &h, &err), PL_ERR_INPUT);
    cr_expect(strstr(err.message, "already exists; parkland init never overwrites a file") != NULL, "%s",
              err.message);
    pl_error_clear(&err);
    cr_expect_eq(pl_db_create(link2, 4549, &h, &err), PL_ERR_INPUT);
    cr_expect(strstr(err.message, "already exists") != NULL, "%s", err.message);
    cr_expect_null(h);
    size_t len;
    char *b = tu_read_file(target, &len);
    cr_expect(b && !strcmp(b, "keep me\n"));
    free(b);
    cr_expect_neq(access(missing, F_OK), 0, "init created the symlink's target");
}
