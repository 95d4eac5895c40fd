/* test_refused.c — files the importer refuses, one case a file: tests/data/refused/FORMAT/ holds each
 * input beside NAME.expected, what `parkland import parcels NAME` run in that directory must print on
 * stderr, word for word (README.md there says how to add a case). Each case also exits as expected (1
 * unless said), prints nothing on stdout and leaves the database as it was. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "testutil.h"

#define REFUSED_DIR TEST_DATA_DIR "/refused/"

/* Files beside a .shp that are part of it, not inputs of their own. */
static int is_sidecar(const char *name)
{
    static const char *const exts[] = {".shx", ".dbf", ".prj", ".cpg"};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof *exts; i++)
        if (!strcasecmp(dot, exts[i]))
            return 1;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted; *n gets their number. Caller frees each and the array. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot list %s", dir);
    size_t cap = 64;
    char **names = malloc(cap * sizeof *names);
    *n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

/* "NAME.EXT" → "NAME.expected" */
static void expected_name(const char *input, char *buf, size_t len)
{
    const char *dot = strrchr(input, '.');
    int stem = dot ? (int)(dot - input) : (int)strlen(input);
    snprintf(buf, len, "%.*s.expected", stem, input);
}

/* One case: the input `name` in dir against dir/NAME.expected. */
static void check_case(const char *dir, const char *name, const char *command, const char *dbpath,
                       const char *before)
{
    char exp_path[1024], exp_name[512];
    expected_name(name, exp_name, sizeof exp_name);
    snprintf(exp_path, sizeof exp_path, "%s/%s", dir, exp_name);
    char *expected = tu_read_file(exp_path, NULL);
    cr_assert_not_null(expected, "%s: no %s beside it", name, exp_name);
    /* header lines (# comment, args: ARGS, exit: N), then stderr exactly */
    char args[512] = "";
    int want_exit = 1;
    char *body = expected;
    for (;;) {
        if (!strncmp(body, "# ", 2)) {
            body = strchr(body, '\n');
            cr_assert_not_null(body, "%s: comment line without a line end", exp_name);
            body++;
        } else if (!strncmp(body, "args: ", 6)) {
            char *eol = strchr(body, '\n');
            cr_assert_not_null(eol, "%s: args line without a line end", exp_name);
            snprintf(args, sizeof args, "%.*s", (int)(eol - body - 6), body + 6);
            body = eol + 1;
        } else if (!strncmp(body, "exit: ", 6)) {
            want_exit = atoi(body + 6);
            body = strchr(body, '\n');
            cr_assert_not_null(body, "%s: exit line without a line end", exp_name);
            body++;
        } else {
            break;
        }
    }
    cr_assert_neq(want_exit, 0, "%s: a refusal exits non-zero", exp_name);
    cr_assert_neq(body[0], '\0', "%s: no message", exp_name);
    char *out = NULL, *err = NULL;
    int st = tu_run(&out, &err, "cd %s && %s --db %s %s %s %s", tu_q(dir), tu_q(PARKLAND_BIN), tu_q(dbpath), command,
                    tu_q(name), args);
    cr_expect_eq(st, want_exit, "%s: exit %d, expected %d; stderr:\n%s", name, st, want_exit, err);
    cr_expect_str_eq(err, body, "%s: stderr differs from %s", name, exp_name);
    cr_expect_str_eq(out, "", "%s: stdout", name);
    char *after = tu_db_snapshot(dbpath);
    cr_expect_str_eq(after, before, "%s changed the database", name);
    free(after);
    tu_outputs_free(&out, &err);
    free(expected);
}

/* Every case of REFUSED_DIR/format against a database with a park and the parcels of example_utf8.txt. */
static void check_format(const char *format, const char *command)
{
    char dbpath[1024];
    pl_db *db = tu_db_new("refused.db", dbpath);
    tu_park_qdip(db);
    tu_import(db, TEST_DATA_DIR "/txt/example_utf8.txt", NULL);
    tu_db_close(db);
    char *before = tu_db_snapshot(dbpath);

    char dir[512];
    snprintf(dir, sizeof dir, REFUSED_DIR "%s", format);
    size_t n, cases = 0;
    char **names = list_dir(dir, &n);
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        if (ends_with(name, ".expected")) {
            /* an .expected file without its input would be a case that never runs */
            size_t stem = strlen(name) - strlen(".expected");
            int found = 0;
            for (size_t j = 0; j < n && !found; j++)
                found = j != i && !strncmp(names[j], name, stem) && names[j][stem] == '.' &&
                        !strchr(names[j] + stem + 1, '.') && !is_sidecar(names[j]);
            cr_expect(found, "%s/%s: no input file beside it", format, name);
            continue;
        }
        if (!strcmp(name, "README.md") || is_sidecar(name))
            continue;
        check_case(dir, name, command, dbpath, before);
        cases++;
    }
    cr_assert_gt(cases, 0, "no case in %s", dir);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(before);
}

Test(refused, txt)
{
    check_format("txt", "import parcels");
}

Test(refused, geojson)
{
    check_format("geojson", "import parcels");
}

Test(refused, kml)
{
    check_format("kml", "import parcels");
}

Test(refused, shp)
{
    check_format("shp", "import parcels");
}
