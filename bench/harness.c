/*
 * harness.c — in-process timing of `query free` and `match` against the
 * library, and a repeat-runner for command lines (bench/run uses both).
 *
 *   bench-harness query DB RUNS [--park P] [--min-mu X] [--max-mu X] [--industry I]
 *                 [--max-intensity X] [--min-far X] [--near LON,LAT --within M [--spread KM]] [--limit N]
 *                 [--budget S] [--cache-mb N] [--mmap-mb N]
 *   bench-harness match DB RUNS LEAD [--top N] [--park P] [--budget S] [--cache-mb N] [--mmap-mb N]
 *   bench-harness box DB RUNS LON,LAT [--km K] [--budget S] [--cache-mb N] [--mmap-mb N]
 *   bench-harness parcel DB RUNS CODE[,CODE…] [--budget S] [--cache-mb N] [--mmap-mb N]
 *   bench-harness cli RUNS [--warmup K] [--budget S] -- PROGRAM ARGS...
 *
 * box and parcel are the calls behind `parkland serve`'s GET /api/v1/parcels?bbox=
 * (the GeoJSON of a K km × K km box around LON,LAT — default 1 km², moved
 * along a diagonal at each run so that the page cache is not the only thing
 * measured) and GET /api/v1/parcels/CODE (resolve, indicators, detail, row;
 * the codes taken in turn): bench/serve reports the server's overhead over them.
 *
 * query/match open the database once and call pl_query_free / pl_match_lead
 * RUNS times (rows are counted, not printed) — with --cache-mb N on a
 * connection whose page cache holds N MiB, as a long-lived service would
 * set it (pl_db_set_cache_mb); cli runs PROGRAM RUNS times
 * with stdout to /dev/null (fork/exec/wait4, after K untimed warm-up runs).
 * --budget S stops after S seconds of timed runs once 5 runs are done (a call
 * that takes seconds cannot be run 200 times); `runs=` says how many ran.
 * Each prints one line of key=value pairs on stdout:
 *
 *   runs=200 first_ms=1.234 median_ms=0.812 p95_ms=0.950 min_ms=0.701 max_ms=1.234
 *   cpu_median_ms=0.790 rows=17            (query, match)
 *   … cpu_median_ms=41.0 maxrss_kb=31000  (cli)
 *
 * Times are wall-clock milliseconds; first_ms is the first timed run (cold
 * statement cache, cold pages); the median and the 95th percentile (nearest
 * rank) are over all RUNS. cpu_median_ms is the median CPU time (user +
 * system) of the same runs: on a busy machine it is the steadier figure. Exit 1
 * when a call or a run fails (its message on stderr), 2 on usage errors.
 */
#define _DEFAULT_SOURCE 1 /* wait4 */

#include "parkland/code.h"
#include "parkland/db.h"
#include "parkland/export.h"
#include "parkland/indicators.h"
#include "parkland/match.h"
#include "parkland/parcel.h"
#include "parkland/parcel_show.h"
#include "parkland/query.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* --budget S: stop after S seconds of timed runs (at least MIN_RUNS runs);
 * the line then reports the runs actually done. 0 = no limit. */
static double budget_ms = 0;
#define MIN_RUNS 5

static int over_budget(double start_ms, int done)
{
    return budget_ms > 0 && done >= MIN_RUNS && now_ms() - start_ms > budget_ms;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_of(double *v, int n) /* sorts v */
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ms: wall times, cpu: CPU times (user + system) of the same runs. */
static void report(double *ms, double *cpu, int runs, long rows, long maxrss_kb)
{
    double first = ms[0];
    double median = median_of(ms, runs);
    int r95 = (int)ceil(0.95 * runs) - 1;
    printf("runs=%d first_ms=%.3f median_ms=%.3f p95_ms=%.3f min_ms=%.3f max_ms=%.3f", runs, first, median,
           ms[r95 < 0 ? 0 : r95], ms[0], ms[runs - 1]);
    printf(" cpu_median_ms=%.3f", median_of(cpu, runs));
    if (rows >= 0)
        printf(" rows=%ld", rows);
    if (maxrss_kb >= 0)
        printf(" maxrss_kb=%ld", maxrss_kb);
    putchar('\n');
}

static void usage(void)
{
    fputs("usage: bench-harness query DB RUNS [--park P] [--min-mu X] [--max-mu X] [--industry I]\n"
          "                     [--max-intensity X] [--min-far X] [--near LON,LAT --within M [--spread KM]] [--limit N]\n"
          "                     [--budget S] [--cache-mb N] [--mmap-mb N]\n"
          "       bench-harness match DB RUNS LEAD [--top N] [--park P] [--budget S] [--cache-mb N] [--mmap-mb N]\n"
          "       bench-harness box DB RUNS LON,LAT [--km K] [--budget S] [--cache-mb N] [--mmap-mb N]\n"
          "       bench-harness parcel DB RUNS CODE[,CODE...] [--budget S] [--cache-mb N] [--mmap-mb N]\n"
          "       bench-harness cli RUNS [--warmup K] [--budget S] -- PROGRAM ARGS...\n",
          stderr);
}

static int parse_runs(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return (*s && !*end && v > 0 && v <= 1000000) ? (int)v : 0;
}

static double parse_num(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno) {
        fprintf(stderr, "bench-harness: %s expects a number, not '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

/* ---- in process ------------------------------------------------------------ */

static int count_free(const pl_free_parcel *row, void *ctx)
{
    (void)row;
    ++*(long *)ctx;
    return 0;
}

static int count_match(const pl_match_result *r, void *ctx)
{
    (void)r;
    ++*(long *)ctx;
    return 0;
}

/* --cache-mb N: the connection's page cache (pl_db_set_cache_mb), as a
 * long-lived service would set it; 0 keeps SQLite's default 2 MiB. */
static int cache_mb;
/* --mmap-mb N: read the file through a memory map of N MiB (pl_db_set_mmap_mb), as the
 * server's workers do; 0 = SQLite's default (none). */
static int mmap_mb;

static pl_db *open_db(const char *path)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    if (pl_db_open(path, &db, &err) || (cache_mb && pl_db_set_cache_mb(db, cache_mb, &err)) ||
        (mmap_mb && pl_db_set_mmap_mb(db, mmap_mb, &err))) {
        fprintf(stderr, "bench-harness: %s\n", err.message);
        return NULL;
    }
    return db;
}

/* One timed call of the library: PL_OK and *rows, or an error in err. */
typedef int (*timed_call)(pl_db *db, void *arg, long *rows, pl_error *err);

/* query free, its --near point moved over a square of half-width `spread_km` around the one
 * given (a fixed sequence: every run of the harness asks the same points), as bench/wrk/free.lua
 * moves it at random; spread_km 0: always the point given. */
typedef struct query_call {
    pl_query_filter f;
    double lon, lat, spread_km;
    unsigned long seq;
} query_call;

static int call_query(pl_db *db, void *arg, long *rows, pl_error *err)
{
    query_call *q = arg;
    if (q->spread_km > 0) {
        double dlat = 1 / 111.2, dlon = dlat / cos(q->lat * M_PI / 180), u[2];
        for (int k = 0; k < 2; k++) { /* a linear congruential sequence in [-1, 1) */
            q->seq = q->seq * 6364136223846793005UL + 1442695040888963407UL;
            u[k] = (double)(q->seq >> 11) / (double)(1UL << 53) * 2 - 1;
        }
        q->f.near_lon = q->lon + u[0] * q->spread_km * dlon;
        q->f.near_lat = q->lat + u[1] * q->spread_km * dlat;
    }
    int rc = pl_query_free(db, &q->f, count_free, rows, err);
    if (rc)
        fprintf(stderr, "bench-harness: query free: %s\n", err->message);
    return rc;
}

typedef struct match_call {
    const char *lead;
    const pl_match_options *o;
} match_call;

static int call_match(pl_db *db, void *arg, long *rows, pl_error *err)
{
    match_call *m = arg;
    int rc = pl_match_lead(db, m->lead, m->o, count_match, rows, err);
    if (rc)
        fprintf(stderr, "bench-harness: match %s: %s\n", m->lead, err->message);
    return rc;
}

/* GET /api/v1/parcels?bbox=: the GeoJSON of a box into memory (src/server/api_parcels.c). */
typedef struct box_call {
    double lon, lat, km;
    int run;
} box_call;

static int call_box(pl_db *db, void *arg, long *rows, pl_error *err)
{
    box_call *b = arg;
    /* a step of 300 m along the diagonal per run, back after 20 */
    double shift = 0.3 * (b->run++ % 20), dlat = 1 / 111.2, dlon = dlat / cos(b->lat * M_PI / 180);
    double box[4] = {b->lon + shift * dlon, b->lat + shift * dlat, b->lon + (shift + b->km) * dlon,
                     b->lat + (shift + b->km) * dlat};
    pl_export_options o;
    pl_export_options_init(&o);
    o.format = PL_EXPORT_GEOJSON;
    o.lonlat_box = box;
    o.map_fields = 1; /* as the server answers a map (fields=map) */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    pl_export_result res;
    int rc = pl_export_stream(db, &o, f, &res, err);
    fclose(f);
    free(text);
    if (rc)
        fprintf(stderr, "bench-harness: box: %s\n", err->message);
    *rows = res.parcels;
    return rc;
}

/* GET /api/v1/parcels/CODE: the same four library calls as the server. */
typedef struct parcel_call {
    char **codes;
    int n, run;
} parcel_call;

static int count_row(const pl_parcel_row *p, void *ctx)
{
    (void)p;
    ++*(long *)ctx;
    return 0;
}

static int call_parcel(pl_db *db, void *arg, long *rows, pl_error *err)
{
    parcel_call *c = arg;
    const char *want = c->codes[c->run++ % c->n];
    char *code = NULL;
    pl_indicators ind;
    pl_parcel_detail d;
    int rc = pl_code_resolve(db, PL_CODE_PARCEL, NULL, want, &code, NULL, err);
    if (!rc)
        rc = pl_parcel_indicators_get(db, NULL, code, &ind, err);
    if (!rc)
        rc = pl_parcel_detail_get(db, NULL, code, &d, err);
    if (!rc)
        rc = pl_parcel_get(db, NULL, code, count_row, rows, err);
    free(code);
    if (rc)
        fprintf(stderr, "bench-harness: parcel %s: %s\n", want, err->message);
    return rc;
}

/* Open DB once, time up to RUNS calls (within --budget), print the report
 * line. The exit status of the subcommand. */
static int time_calls(const char *path, int runs, timed_call call, void *arg)
{
    pl_db *db = open_db(path);
    if (!db)
        return 1;
    double *ms = calloc((size_t)runs, sizeof *ms), *cpu = calloc((size_t)runs, sizeof *cpu);
    long rows = 0;
    int rc = 0;
    int done = 0;
    double start = now_ms();
    for (int r = 0; r < runs && !rc && !over_budget(start, r); r++, done++) {
        pl_error err;
        pl_error_clear(&err);
        long n = 0;
        double c0 = cpu_ms(), t0 = now_ms();
        rc = call(db, arg, &n, &err);
        ms[r] = now_ms() - t0;
        cpu[r] = cpu_ms() - c0;
        rows = n;
    }
    if (!rc)
        report(ms, cpu, done, rows, -1);
    free(ms);
    free(cpu);
    pl_db_close(db);
    return rc ? 1 : 0;
}

static int run_query(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return 2;
    }
    const char *path = argv[0];
    int runs = parse_runs(argv[1]);
    if (!runs) {
        usage();
        return 2;
    }
    pl_query_filter f;
    double spread_km = 0;
    pl_query_filter_init(&f);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage();
            return 2;
        }
        i++;
        if (!strcmp(a, "--park"))
            f.park = v;
        else if (!strcmp(a, "--industry"))
            f.industry = v;
        else if (!strcmp(a, "--min-mu"))
            f.min_mu = parse_num(a, v);
        else if (!strcmp(a, "--max-mu"))
            f.max_mu = parse_num(a, v);
        else if (!strcmp(a, "--max-intensity"))
            f.max_intensity = parse_num(a, v);
        else if (!strcmp(a, "--min-far"))
            f.min_far = parse_num(a, v);
        else if (!strcmp(a, "--within"))
            f.within_m = parse_num(a, v);
        else if (!strcmp(a, "--limit"))
            f.limit = (long)parse_num(a, v);
        else if (!strcmp(a, "--budget"))
            budget_ms = parse_num(a, v) * 1e3;
        else if (!strcmp(a, "--cache-mb"))
            cache_mb = (int)parse_num(a, v);
        else if (!strcmp(a, "--mmap-mb"))
            mmap_mb = (int)parse_num(a, v);
        else if (!strcmp(a, "--spread"))
            spread_km = parse_num(a, v);
        else if (!strcmp(a, "--near")) {
            if (sscanf(v, "%lf,%lf", &f.near_lon, &f.near_lat) != 2) {
                fprintf(stderr, "bench-harness: --near expects LON,LAT, not '%s'\n", v);
                return 2;
            }
        } else {
            usage();
            return 2;
        }
    }
    query_call q = {f, f.near_lon, f.near_lat, spread_km, 1};
    return time_calls(path, runs, call_query, &q);
}

static int run_match(int argc, char **argv)
{
    if (argc < 3) {
        usage();
        return 2;
    }
    const char *path = argv[0], *lead = argv[2];
    int runs = parse_runs(argv[1]);
    if (!runs) {
        usage();
        return 2;
    }
    pl_match_options o;
    pl_match_options_init(&o);
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage();
            return 2;
        }
        i++;
        if (!strcmp(a, "--top"))
            o.top = (int)parse_num(a, v);
        else if (!strcmp(a, "--budget"))
            budget_ms = parse_num(a, v) * 1e3;
        else if (!strcmp(a, "--cache-mb"))
            cache_mb = (int)parse_num(a, v);
        else if (!strcmp(a, "--mmap-mb"))
            mmap_mb = (int)parse_num(a, v);
        else if (!strcmp(a, "--park"))
            o.park = v;
        else {
            usage();
            return 2;
        }
    }
    match_call m = {lead, &o};
    return time_calls(path, runs, call_match, &m);
}

/* ---- command lines ------------------------------------------------------------ */

/* Options common to box and parcel; 0 or the exit status of a usage error. */
static int common_option(const char *a, const char *v, int *i)
{
    if (!strcmp(a, "--budget"))
        budget_ms = parse_num(a, v) * 1000;
    else if (!strcmp(a, "--cache-mb"))
        cache_mb = (int)parse_num(a, v);
    else if (!strcmp(a, "--mmap-mb"))
        mmap_mb = (int)parse_num(a, v);
    else
        return 2;
    ++*i;
    return 0;
}

static int run_box(int argc, char **argv)
{
    if (argc < 3 || !parse_runs(argv[1])) {
        usage();
        return 2;
    }
    box_call b = {0, 0, 1, 0};
    if (sscanf(argv[2], "%lf,%lf", &b.lon, &b.lat) != 2) {
        usage();
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage();
            return 2;
        }
        if (!strcmp(a, "--km")) {
            b.km = parse_num(a, v);
            i++;
        } else if (common_option(a, v, &i)) {
            usage();
            return 2;
        }
    }
    return time_calls(argv[0], parse_runs(argv[1]), call_box, &b);
}

static int run_parcel(int argc, char **argv)
{
    if (argc < 3 || !parse_runs(argv[1])) {
        usage();
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v || common_option(a, v, &i)) {
            usage();
            return 2;
        }
    }
    char *list = strdup(argv[2]), *save = NULL;
    parcel_call c = {NULL, 0, 0};
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char **grown = realloc(c.codes, (size_t)(c.n + 1) * sizeof *grown);
        if (!grown)
            break;
        c.codes = grown;
        c.codes[c.n++] = t;
    }
    int rc = c.n ? time_calls(argv[0], parse_runs(argv[1]), call_parcel, &c) : 2;
    free(c.codes);
    free(list);
    return rc;
}

/* Run argv once with stdout to /dev/null; wall time in *ms, user + system CPU
 * time in *cpu, peak RSS in *rss_kb. */
static int run_once(char **argv, double *ms, double *cpu, long *rss_kb)
{
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench-harness: fork");
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            close(fd);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "bench-harness: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("bench-harness: wait4");
        return -1;
    }
    *ms = now_ms() - t0;
    *cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
    *rss_kb = ru.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench-harness: %s exited with status %d\n", argv[0],
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return -1;
    }
    return 0;
}

static int run_cli(int argc, char **argv)
{
    if (argc < 1) {
        usage();
        return 2;
    }
    int runs = parse_runs(argv[0]), warmup = 1, i = 1;
    if (!runs) {
        usage();
        return 2;
    }
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--warmup") && i + 1 < argc)
            warmup = (int)parse_num("--warmup", argv[++i]);
        else if (!strcmp(argv[i], "--budget") && i + 1 < argc)
            budget_ms = parse_num("--budget", argv[++i]) * 1e3;
        else {
            usage();
            return 2;
        }
    }
    if (i + 1 >= argc) {
        usage();
        return 2;
    }
    char **cmd = argv + i + 1;
    double *ms = calloc((size_t)runs, sizeof *ms), *cpu = calloc((size_t)runs, sizeof *cpu);
    long maxrss = 0, rss;
    double t, c;
    int rc = 0;
    for (int w = 0; w < warmup && !rc; w++)
        rc = run_once(cmd, &t, &c, &rss);
    int done = 0;
    double start = now_ms();
    for (int r = 0; r < runs && !rc && !over_budget(start, r); r++, done++) {
        rc = run_once(cmd, &ms[r], &cpu[r], &rss);
        if (rss > maxrss)
            maxrss = rss;
    }
    if (!rc)
        report(ms, cpu, done, -1, maxrss);
    free(ms);
    free(cpu);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return 2;
    }
    if (!strcmp(argv[1], "cli"))
        return run_cli(argc - 2, argv + 2);
    pl_library_init();
    int rc;
    if (!strcmp(argv[1], "query"))
        rc = run_query(argc - 2, argv + 2);
    else if (!strcmp(argv[1], "match"))
        rc = run_match(argc - 2, argv + 2);
    else if (!strcmp(argv[1], "box"))
        rc = run_box(argc - 2, argv + 2);
    else if (!strcmp(argv[1], "parcel"))
        rc = run_parcel(argc - 2, argv + 2);
    else {
        usage();
        rc = 2;
    }
    pl_library_shutdown();
    return rc;
}
