/* main.c — the parkland command: global options and the command table. */
#include "cli.h"

#include "parkland/table.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const struct command {
    const char *name;
    cmd_fn fn;
    const char *help; /* one line, translated when shown */
} commands[] = {
    {"init", cmd_init, N_("create the database")},
    {"park", cmd_park, N_("add, list, edit and remove parks")},
    {"import", cmd_import, N_("import cadastral parcels")},
    {"parcel", cmd_parcel, N_("parcels: list, show, status, indicators, split, merge, rename, edit")},
    {"lead", cmd_lead, N_("investment leads")},
    {"project", cmd_project, N_("signed projects, milestones, investment")},
    {"query", cmd_query, N_("free parcels that fit")},
    {"match", cmd_match, N_("rank free parcels for a lead")},
    {"export", cmd_export, N_("maps: geojson, kml, kmz, html, txt, pdf")},
    {"report", cmd_report, N_("availability, landing KPIs, alerts")},
    {"inspect", cmd_inspect, N_("inspection records of a parcel, with photos")},
    {"idle", cmd_idle, N_("idle land (MLR order 53): cases, confirmation, disposal")},
    {"muni", cmd_muni, N_("亩均效益 evaluation settings (weights, baselines, cut-offs)")},
    {"history", cmd_history, N_("every change of a parcel, lead or project")},
    {"check", cmd_check, N_("check the database")},
    {"user", cmd_user, N_("accounts of the web application")},
    {"serve", cmd_serve, N_("the web application's API")},
};

static void usage(FILE *out)
{
    fprintf(out,
            _("usage: parkland [--db FILE] [--cache-mb N] [--lang zh|en] [--keys] [--wide] COMMAND [ARGS]\n"
              "       parkland COMMAND --help\n"
              "       parkland --version\n\n"
              "parkland — land of the international investment industrial parks\n\n"
              "commands:\n"));
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, _(commands[i].help));
    fprintf(out, _("\nThe database is --db FILE, else $PARKLAND_DB, else ./parkland.db.\n"
                   "--cache-mb N keeps up to N MiB (%d-%d) of it in memory; by default SQLite's 2 MiB,\n"
                   "and 16 MiB while importing.\n"
                   "--lang zh|en: the language of messages, headers and help; by default from $LANGUAGE,\n"
                   "$LC_ALL, $LC_MESSAGES or $LANG (Chinese when it is zh_CN or another zh).\n"
                   "--keys: CSV headers are the stable English keys (as in JSON), not the labels.\n"
                   "Times are shown in $TZ, by default Asia/Shanghai (stored in UTC).\n"
                   "Tables fit the terminal ($COLUMNS, else its width; not a terminal: full width unless\n"
                   "$COLUMNS is set): long text is cut with …, less important columns are hidden; --wide\n"
                   "shows every column in full.\n"
                   "These options may also follow the command.\n"
                   "Exit status: 0 done, 1 refused (the message says why), 2 usage error.\n"),
            PL_CACHE_MB_MIN, PL_CACHE_MB_MAX);
}

int cli_fail(const pl_error *err)
{
    fprintf(stderr, _("parkland: %s\n"), err->message[0] ? err->message : _("failed"));
    return err->code == PL_ERR_USAGE ? EXIT_USAGE : EXIT_REFUSED;
}

/* The word of `words` (option names --x found in a usage text, or a list
 * of names) closest to `word` within pl_suggest_limit; "" when none. */
static void closest(const char *word, const char *const *names, size_t nnames, const char *usage, char *best,
                    size_t blen)
{
    int bestd = pl_suggest_limit(strlen(word)) + 1;
    best[0] = '\0';
    for (size_t i = 0; i < nnames; i++) {
        int d = pl_edit_distance(word, names[i], bestd - 1);
        if (d < bestd)
            bestd = d, snprintf(best, blen, "%s", names[i]);
    }
    for (const char *p = usage; p && (p = strstr(p, "--"));) {
        size_t n = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
        char opt[64];
        if (n > 2 && n < sizeof opt) {
            memcpy(opt, p, n);
            opt[n] = '\0';
            int d = pl_edit_distance(word, opt, bestd - 1);
            if (d < bestd)
                bestd = d, snprintf(best, blen, "%s", opt);
        }
        p += n;
    }
}

int cli_usage_error(const char *use, const char *fmt, ...)
{
    char msg[PL_ERROR_MAX * 2]; /* room for an error message quoted whole */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    fprintf(stderr, _("parkland: %s"), msg);
    if (_(fmt) != fmt) { /* the option is found in the English text */
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    /* an unknown option: the nearest option of the usage, by edit distance */
    const char *q = NULL;
    if (!strncmp(msg, "unknown option '--", 18))
        q = msg + 16;
    else if (!strncmp(msg, "unexpected argument '--", 23))
        q = msg + 21;
    if (q && use) {
        char word[128], best[64];
        snprintf(word, sizeof word, "%.*s", (int)strcspn(q, "'="), q);
        closest(word, NULL, 0, use, best, sizeof best);
        if (*best && strcmp(best, word))
            fprintf(stderr, _(" (did you mean '%s'?)"), best);
    }
    fputc('\n', stderr);
    if (use)
        fprintf(stderr, _("usage: %s\n"), use);
    return EXIT_USAGE;
}

/* The codes found other than as written (kept, and so reachable, until exit). */
static char *codes_found[256];
static size_t ncodes_found;

int cli_code(pl_db *db, pl_code_kind kind, const char *park, const char **code, int soft)
{
    if (!*code || ncodes_found >= sizeof codes_found / sizeof *codes_found)
        return 0;
    pl_error err;
    pl_error_clear(&err);
    pl_code_match how;
    char *out;
    if (pl_code_resolve(db, kind, park, *code, &out, &how, &err))
        return soft && err.code == PL_ERR_NOTFOUND ? 0 : cli_fail(&err);
    if (how == PL_CODE_EXACT) {
        free(out);
        return 0;
    }
    codes_found[ncodes_found++] = out;
        fprintf(stderr, how == PL_CODE_LABEL ? _("parkland: %s '%s' is '%s' (its map label)\n")
                                             : _("parkland: %s '%s' is '%s'\n"),
                kind == PL_CODE_PARCEL ? _("parcel") : kind == PL_CODE_LEAD ? _("lead")
                : kind == PL_CODE_PARK ? _("park") : _("project"),
                *code, out);
    *code = out;
    return 0;
}

pl_db *cli_open_db_park(const cli_global *g, const char **park, int *status)
{
    pl_db *db = cli_open_db(g, status);
    if (db && park && (*status = cli_code(db, PL_CODE_PARK, NULL, park, 0))) {
        pl_db_close(db);
        return NULL;
    }
    return db;
}

pl_db *cli_open_db_code(const cli_global *g, pl_code_kind kind, const char **park, const char **code, int *status)
{
    pl_db *db = cli_open_db_park(g, park, status);
    if (db && (*status = cli_code(db, kind, park ? *park : NULL, code, 0))) {
        pl_db_close(db);
        return NULL;
    }
    return db;
}

pl_db *cli_open_db(const cli_global *g, int *status)
{
    pl_db *db;
    pl_error err;
    pl_error_clear(&err);
    struct stat st;
    if (stat(g->db_path, &st) != 0 && errno == ENOENT) {
        if (g->db_from)
            fprintf(stderr, _("parkland: no database '%s' (given by %s); name an existing one with --db FILE or "
                              "$PARKLAND_DB, or create it with 'parkland init'\n"),
                    g->db_path, g->db_from);
        else
            fprintf(stderr, _("parkland: no database '%s' in this directory (neither --db FILE nor $PARKLAND_DB was "
                              "given); name one with --db FILE or $PARKLAND_DB, or create it with 'parkland init'\n"),
                    g->db_path);
        *status = EXIT_REFUSED;
        return NULL;
    }
    if (pl_db_open(g->db_path, &db, &err)) {
        *status = cli_fail(&err);
        return NULL;
    }
    if (g->cache_mb && pl_db_set_cache_mb(db, g->cache_mb, &err)) {
        *status = cli_fail(&err);
        pl_db_close(db);
        return NULL;
    }
    *status = EXIT_DONE;
    return db;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n))
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n])
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, _("parkland: option '%s' needs a value\n"), name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int cli_family_help(int argc, char **argv, void (*help)(void), int *status)
{
    int asked = argc < 2;
    for (int i = 1; !asked && i < argc; i++)
        asked = cli_is_help(argv[i]);
    if (asked) {
        help();
        *status = argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    return asked;
}

int cli_parse_int(const char *opt, const char *s, int *out)
{
    double v;
    if (!pl_parse_number(s, &v) || v != floor(v) || v < -2147483647.0 || v > 2147483647.0) {
        fprintf(stderr, _("parkland: %s expects a whole number, not '%s'\n"), opt, s);
        return 0;
    }
    *out = (int)v;
    return 1;
}

int cli_parse_double(const char *opt, const char *s, double *out)
{
    if (!pl_parse_number(s, out)) {
        fprintf(stderr, _("parkland: %s expects a number, not '%s'\n"), opt, s);
        return 0;
    }
    return 1;
}

/* A number as the CLI echoes it: up to 4 decimals, trailing zeros dropped. */
static const char *echo_num(double v, char buf[48])
{
    snprintf(buf, 48, "%.4f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf);
        while (e > dot + 1 && e[-1] == '0')
            *--e = '\0';
        if (e == dot + 1)
            *dot = '\0';
    }
    return buf;
}

int cli_parse_quantity(const char *opt, const char *s, pl_unit unit, double *out)
{
    if (unit == PL_UNIT_NONE)
        return cli_parse_double(opt, s, out);
    int converted = 0;
    if (!pl_parse_quantity(s, unit, out, &converted)) {
        fprintf(stderr, _("parkland: %s expects a number, not '%s' (in %s, or with a unit: %s)\n"), opt, s,
                pl_unit_name(unit), pl_unit_choices(unit));
        return 0;
    }
    if (converted) {
        char b[48];
        fprintf(stderr, _("parkland: %s %s = %s %s\n"), opt, s, echo_num(*out, b), pl_unit_name(unit));
    }
    return 1;
}

/* The dates read: a command line holds a handful. */
static char date_pool[32][11];
static size_t date_pool_used;

int cli_parse_date(const char *opt, const char *s, const char **out)
{
    char d[11];
    if (!pl_parse_date(s, d)) {
        fprintf(stderr, _("parkland: %s '%s' is not a date (a real calendar day: %s)\n"), opt, s, PL_PARSE_DATE_FORMS);
        return 0;
    }
    if (date_pool_used >= sizeof date_pool / sizeof *date_pool) {
        fprintf(stderr, _("parkland: too many dates on the command line\n"));
        return 0;
    }
    memcpy(date_pool[date_pool_used], d, sizeof d);
    *out = date_pool[date_pool_used++];
    return 1;
}

int cli_parse_encoding(const char *usage, const char *value, pl_encoding *enc)
{
    if (!strcmp(value, "auto"))
        *enc = PL_ENCODING_AUTO;
    else if (!strcmp(value, "utf-8") || !strcmp(value, "utf8"))
        *enc = PL_ENCODING_UTF8;
    else if (!strcmp(value, "gbk") || !strcmp(value, "gb18030") || !strcmp(value, "gb2312"))
        *enc = PL_ENCODING_GBK;
    else
        return cli_usage_error(usage, "unknown encoding '%s' (auto, utf-8, gbk)", value);
    return 0;
}

int cli_table_format(const char *usage, const char *value, int *fmt)
{
    int f = pl_table_format_parse(value);
    if (f < 0)
        return cli_usage_error(usage, "unknown format '%s' (table, csv, json)", value);
    *fmt = f;
    return 0;
}

int cli_opt_match(int argc, char **argv, int *i, const cli_text_opt *texts, size_t ntexts, const cli_num_opt *nums,
                  size_t nnums)
{
    const char *v = NULL;
    int r;
    for (size_t k = 0; k < ntexts; k++)
        if ((r = cli_opt_value(argc, argv, i, texts[k].name, &v))) {
            if (r > 0 && texts[k].date)
                return cli_parse_date(texts[k].name, v, texts[k].slot) ? 1 : -1;
            if (r > 0)
                *texts[k].slot = v;
            return r;
        }
    for (size_t k = 0; k < nnums; k++)
        if ((r = cli_opt_value(argc, argv, i, nums[k].name, &v)))
            return r > 0 && !cli_parse_quantity(nums[k].name, v, nums[k].unit, nums[k].slot) ? -1 : r;
    return 0;
}

#if defined(__SANITIZE_ADDRESS__)
#define PL_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define PL_LEAK_CHECKED 1
#endif
#endif

/* The end of a command line: what was printed is flushed and checked, and the
 * process leaves without the libraries' exit-time destructors, which only free
 * memory (PROJ closes its proj.db connection and frees its parsed schema: about
 * 7 M instructions, 8 % of a `query free`). The command has closed the database
 * (its WAL checkpoint and unlink happen there). Builds with a leak checker
 * return normally so that it still runs at exit.
 *
 * Output that could not be written is an error, as in git's run_builtin: a full
 * disk (`>/dev/full`) or an I/O error on standard output is reported and the
 * command exits 1 (or keeps its own non-zero status). A pipe or socket closed by
 * the reader (`| head`) is not: the reader chose to stop. */
static int finish(int status)
{
    struct stat st;
    if (fstat(STDOUT_FILENO, &st) == 0 && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode)) {
        const char *what = NULL;
        int e = 0;
        if (fflush(stdout) != 0)
            what = _("write failure on standard output"), e = errno;
        else if (ferror(stdout))
            what = _("unknown write failure on standard output");
        else if (fclose(stdout) != 0)
            what = _("close failed on standard output"), e = errno;
        if (what) {
            fprintf(stderr, _("parkland: %s%s%s\n"), what, e ? ": " : "", e ? strerror(e) : "");
            if (status == EXIT_DONE)
                status = EXIT_REFUSED;
        }
    }
#ifndef PL_LEAK_CHECKED
    fflush(NULL);
    _exit(status);
#endif
    return status;
}

static int wide_tables;
static size_t table_width;

size_t cli_table_width(void)
{
    return table_width;
}

int cli_table_write(const pl_table *t, int fmt)
{
    if (fmt == PL_TABLE_TEXT)
        return pl_table_write_fit(t, stdout, table_width, NULL);
    return pl_table_write(t, stdout, (pl_table_format)fmt, 0);
}

/* The width of cli_table_width(). */
static size_t find_table_width(void)
{
    if (wide_tables)
        return 0;
    const char *cols = getenv("COLUMNS");
    if (cols && *cols) {
        char *end;
        long n = strtol(cols, &end, 10);
        if (!*end && n > 0 && n < 100000)
            return (size_t)n;
    }
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

/* --db FILE, --cache-mb N, --lang L, --keys or --wide at argv[*i] (before or after
 * the command): 1 when taken (advancing *i), 0 when argv[*i] is none of them,
 * -1 after a message. (--lang was applied already by choose_language.) */
static int global_option(int argc, char **argv, int *i, cli_global *g)
{
    const char *v;
    if (!strcmp(argv[*i], "--wide")) {
        wide_tables = 1;
        return 1;
    }
    int r = cli_opt_value(argc, argv, i, "--db", &v);
    if (r > 0)
        g->db_path = v, g->db_from = "--db";
    if (r)
        return r;
    if ((r = cli_opt_value(argc, argv, i, "--lang", &v)))
        return r;
    if (!strcmp(argv[*i], "--keys")) {
        pl_table_csv_keys(1);
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, "--cache-mb", &v)) <= 0)
        return r;
    if (!cli_parse_int("--cache-mb", v, &g->cache_mb))
        return -1;
    /* checked here too: 0 would mean "not set" and be ignored */
    if (g->cache_mb < PL_CACHE_MB_MIN || g->cache_mb > PL_CACHE_MB_MAX) {
        cli_usage_error(NULL, "--cache-mb wants a whole number of MiB from %d to %d, not '%s'", PL_CACHE_MB_MIN,
                        PL_CACHE_MB_MAX, v);
        return -1;
    }
    return 1;
}

/* The language (--lang anywhere on the command line, else the environment)
 * and the time zone of what is shown; 0, or EXIT_USAGE after a message. */
static int choose_language(int argc, char **argv)
{
    /* Times are stored in UTC and shown in $TZ: by default China Standard
     * Time (no daylight saving; "CST-8" where the zone database is missing). */
    const char *tz = getenv("TZ");
    if (!tz || !*tz)
        setenv("TZ", access("/usr/share/zoneinfo/Asia/Shanghai", R_OK) == 0 ? "Asia/Shanghai" : "CST-8", 1);
    tzset();
    int lang = pl_lang_from_env();
    const char *bad = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            v = argv[++i];
        else if (!strncmp(argv[i], "--lang=", 7))
            v = argv[i] + 7;
        if (v && pl_lang_parse(v) >= 0)
            lang = pl_lang_parse(v);
        else if (v)
            bad = v;
    }
    pl_error err;
    pl_error_clear(&err);
    if (pl_lang_set((pl_lang)lang, &err))
        fprintf(stderr, "parkland: %s (messages stay in English)\n", err.message);
    if (bad) {
        cli_usage_error(NULL, "unknown language '%s' (zh or en)", bad);
        return EXIT_USAGE;
    }
    return 0;
}

int main(int argc, char **argv)
{
    pl_library_init();
    if (choose_language(argc, argv))
        return EXIT_USAGE;
    pl_table_csv_keys(0);
    cli_global g = {.db_path = getenv("PARKLAND_DB"), .db_from = "$PARKLAND_DB"};
    if (!g.db_path || !*g.db_path)
        g.db_path = "parkland.db", g.db_from = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        int r = global_option(argc, argv, &i, &g);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0) {
            continue;
        } else if (!strcmp(argv[i], "--version")) {
            printf(_("parkland %s (%s)\n"), PARKLAND_VERSION, pl_library_versions());
            return finish(EXIT_DONE);
        } else if (cli_is_help(argv[i])) {
            usage(stdout);
            return finish(EXIT_DONE);
        } else {
            return cli_usage_error(NULL, "unknown option '%s' (see 'parkland --help')", argv[i]);
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    /* The global options are taken after the command too (no command has an
     * option of the same name); the command sees its arguments without them. */
    int cargc = 0;
    for (int k = i; k < argc; k++) {
        int r = k > i ? global_option(argc, argv, &k, &g) : 0;
        if (r < 0)
            return EXIT_USAGE;
        if (!r)
            argv[i + cargc++] = argv[k];
    }
    argv[i + cargc] = NULL;
    table_width = find_table_width();
    int status = -1;
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
        if (!strcmp(argv[i], commands[c].name)) {
            status = commands[c].fn(cargc, argv + i, &g);
            break;
        }
    if (status < 0) {
        const char *names[sizeof commands / sizeof *commands];
        for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
            names[c] = commands[c].name;
        char best[32];
        closest(argv[i], names, sizeof names / sizeof *names, NULL, best, sizeof best);
        if (*best)
            status = cli_usage_error(NULL, "unknown command '%s' (did you mean '%s'? see 'parkland --help')", argv[i],
                                     best);
        else
            status = cli_usage_error(NULL, "unknown command '%s' (see 'parkland --help')", argv[i]);
    }
    pl_library_shutdown();
    return finish(status);
}
