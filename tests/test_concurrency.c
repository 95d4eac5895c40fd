/* test_concurrency.c — several users at once (issue 7, item 4): 4 processes write to one database
 * at the same time, 250 mixed writes each (parcel status moves on their own parcels and on parcels
 * they all fight over, lead adds and stage moves on their own leads and on shared ones, imports of
 * small files, project signing, and moves that must be refused). Every command succeeds or fails
 * with a clear message, never "database is locked"/"busy" within the 10 s busy timeout; no update
 * is lost (every successful command has its history rows, history chains old → new without a gap,
 * the final status is the last successful move); no illegal move appears in history.
 *
 * The main run calls the library in forked children, each with its own connection (pl_db_open after
 * the fork; the parent holds none while they run); a smaller run does the same through the
 * parkland command (PARKLAND_BIN), 4 processes × CLI_OPS commands. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/lead.h"
#include "parkland/lifecycle.h"
#include "parkland/project.h"
#include "testutil.h"

#define NPROC 4
#define LIB_OPS 250       /* writes per process through the library */
#define CLI_OPS 15        /* commands per process through the parkland command */
#define OWN 10            /* parcels of each process: P<p>-01…10 */
#define SHARED 3          /* parcels every process moves: S-1…3 */
#define SHARED_LEADS 2    /* leads every process moves: SL-1, SL-2 */
#define FILES 12          /* small files each process may import */
#define MAX_SIGNS 3       /* projects each process signs */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void today_plus(int days, char out[11])
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- the data ------------------------------------------------------------------------------- */

static void txt_header(FILE *f)
{
    fputs("[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n精度=0.001\n"
          "转换参数=,,,,,,\n[地块坐标]\n", f);
}

/* A 30 × 30 m square at (e, n) in EPSG:4528. */
static void txt_square(FILE *f, const char *code, double e, double n)
{
    fprintf(f, "5,0.0900,%s,并发试验%s,面,,工业用地,0601,@\n", code, code);
    fprintf(f, "J1,1,%.3f,%.3f\nJ2,1,%.3f,%.3f\nJ3,1,%.3f,%.3f\nJ4,1,%.3f,%.3f\nJ1,1,%.3f,%.3f\n", n, e, n + 30, e,
            n + 30, e + 30, n, e + 30, n, e);
}

/* The starting database: park QDIP; OWN parcels per process and SHARED parcels, all available with
 * standard-land indicators (a building coverage, nothing a project commits to); SHARED_LEADS leads.
 * Each process's small files (1 or 2 parcels, codes N<p>-<k>-<j>, places of their own) in dir. */
static void make_data(const char *tag, char *path, const char *dir)
{
    pl_db *db = tu_db_new(tag, path);
    tu_park_qdip(db);
    char txt[1100];
    snprintf(txt, sizeof txt, "%s/parcels.txt", dir);
    FILE *f = fopen(txt, "w");
    cr_assert_not_null(f);
    txt_header(f);
    char code[32];
    for (int p = 0; p < NPROC; p++)
        for (int k = 0; k < OWN; k++) {
            snprintf(code, sizeof code, "P%d-%02d", p, k + 1);
            txt_square(f, code, 40510000 + k * 50.0, 3990000 + p * 50.0);
        }
    for (int k = 0; k < SHARED; k++) {
        snprintf(code, sizeof code, "S-%d", k + 1);
        txt_square(f, code, 40510000 + k * 50.0, 3990000 + NPROC * 50.0);
    }
    fclose(f);
    pl_import_options o;
    pl_import_options_init(&o);
    o.status = "available";
    cr_assert_eq(tu_import_with(db, txt, &o), NPROC * OWN + SHARED);
    tu_sql_exec(db, "INSERT INTO parcel_indicator(parcel_id, building_coverage_min, updated_at)"
                    " SELECT id, 40, '2025-01-01T00:00:00Z' FROM parcel");
    for (int k = 0; k < SHARED_LEADS; k++) {
        pl_lead_fields lf;
        pl_lead_fields_init(&lf);
        snprintf(code, sizeof code, "SL-%d", k + 1);
        lf.code = code;
        lf.company = "共享线索有限公司";
        lf.industry = "equipment";
        pl_error err;
        pl_error_clear(&err);
        cr_assert_eq(pl_lead_add(db, &lf, &err), PL_OK, "%s", err.message);
    }
    for (int p = 0; p < NPROC; p++)
        for (int k = 0; k < FILES; k++) {
            snprintf(txt, sizeof txt, "%s/small-%d-%02d.txt", dir, p, k + 1);
            f = fopen(txt, "w");
            cr_assert_not_null(f);
            txt_header(f);
            for (int j = 0; j < 1 + k % 2; j++) {
                snprintf(code, sizeof code, "N%d-%02d-%d", p, k + 1, j + 1);
                txt_square(f, code, 40520000 + p * 1000 + j * 50.0, 3990000 + k * 50.0);
            }
            fclose(f);
        }
    tu_db_close(db);
}

/* ---- one user ------------------------------------------------------------------------------ */

/* What a child does, through the library or the command line. Each returns PL_OK or the refusal
 * code and fills msg; a status move fills from/to with what was done. */
typedef struct user {
    int p;
    int cli;                 /* 1: through PARKLAND_BIN */
    const char *dbpath, *dir;
    pl_db *db;               /* library: its own connection */
    unsigned long long rng;
    FILE *log;
    char msg[PL_ERROR_MAX + 64];
    char out[1100], err[1100]; /* cli: where the command's stdout/stderr go */
    int stderr_lock;         /* cli: a stderr that speaks of a lock or busy database */
} user;

static unsigned next_rand(user *u)
{
    u->rng ^= u->rng << 13;
    u->rng ^= u->rng >> 7;
    u->rng ^= u->rng << 17;
    return (unsigned)(u->rng >> 11);
}

static int says_locked(const char *s)
{
    return strcasestr(s, "lock") || strcasestr(s, "busy");
}

/* cli: run parkland --db DB ARGS…; 0/1/2 or 128+signal; msg = stderr's first line; stdout kept. */
static int cli_run(user *u, char **stdout_text, const char *const *args)
{
    const char *argv[24];
    int n = 0;
    argv[n++] = PARKLAND_BIN;
    argv[n++] = "--db";
    argv[n++] = u->dbpath;
    for (; *args; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return snprintf(u->msg, sizeof u->msg, "fork: %s", strerror(errno)), 99;
    if (pid == 0) {
        int fo = open(u->out, O_WRONLY | O_CREAT | O_TRUNC, 0644), fe = open(u->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    char *e = tu_read_file(u->err, NULL);
    u->msg[0] = '\0';
    if (e) {
        if (says_locked(e))
            u->stderr_lock = 1;
        size_t l = strcspn(e, "\n");
        snprintf(u->msg, sizeof u->msg, "%.*s", (int)(l < 2000 ? l : 2000), e);
        free(e);
    }
    if (stdout_text)
        *stdout_text = tu_read_file(u->out, NULL);
    return rc;
}

static int do_status(user *u, const char *code, const char *to, const char *expires, char from[16], char done[16])
{
    from[0] = done[0] = '\0';
    if (!u->cli) {
        pl_status_options o = {0};
        o.expires = expires;
        pl_status_result r;
        pl_error err;
        pl_error_clear(&err);
        int rc = pl_parcel_set_status(u->db, "QDIP", code, to, &o, &r, &err);
        snprintf(u->msg, sizeof u->msg, "%s", err.message);
        if (!rc) {
            snprintf(from, 16, "%s", r.from);
            snprintf(done, 16, "%s", r.to);
        }
        return rc;
    }
    const char *args[] = {"parcel", "status", code, to, "--park", "QDIP", expires ? "--expires" : NULL, expires, NULL};
    char *o = NULL;
    int rc = cli_run(u, &o, args);
    /* "parcel S-1 (park QDIP): available 可供 → reserved 预留 on 2026-…" */
    const char *a = o ? strstr(o, "): ") : NULL, *b = o ? strstr(o, "→ ") : NULL;
    if (rc == 0 && a && b) {
        sscanf(a + 3, "%15s", from);
        sscanf(b + strlen("→ "), "%15s", done);
    }
    free(o);
    return rc;
}

static int do_lead_add(user *u, const char *code)
{
    if (!u->cli) {
        pl_lead_fields f;
        pl_lead_fields_init(&f);
        f.code = code;
        f.company = "并发试验有限公司";
        f.industry = "equipment";
        pl_error err;
        pl_error_clear(&err);
        int rc = pl_lead_add(u->db, &f, &err);
        snprintf(u->msg, sizeof u->msg, "%s", err.message);
        return rc;
    }
    const char *args[] = {"lead", "add", code, "--company", "并发试验有限公司", "--industry", "equipment", NULL};
    return cli_run(u, NULL, args);
}

static int do_lead_stage(user *u, const char *code, const char *stage, const char *note)
{
    if (!u->cli) {
        pl_error err;
        pl_error_clear(&err);
        int rc = pl_lead_set_stage(u->db, code, stage, NULL, note, 0, &err);
        snprintf(u->msg, sizeof u->msg, "%s", err.message);
        return rc;
    }
    const char *args[] = {"lead", "stage", code, stage, note ? "--note" : NULL, note, NULL};
    return cli_run(u, NULL, args);
}

static int do_import(user *u, const char *file, long *inserted)
{
    *inserted = 0;
    if (!u->cli) {
        pl_import_options o;
        pl_import_options_init(&o);
        o.park = "QDIP";
        pl_import_result r;
        pl_error err;
        pl_error_clear(&err);
        int rc = pl_import_parcels(u->db, file, &o, &r, &err);
        snprintf(u->msg, sizeof u->msg, "%s", err.message);
        *inserted = r.inserted;
        pl_import_result_release(&r);
        return rc;
    }
    const char *args[] = {"import", "parcels", file, "--park", "QDIP", NULL};
    char *o = NULL;
    int rc = cli_run(u, &o, args);
    const char *s = o ? strstr(o, "inserted ") : NULL;
    if (rc == 0 && s)
        *inserted = strtol(s + 9, NULL, 10);
    free(o);
    return rc;
}

static int do_sign(user *u, const char *lead, const char *parcel)
{
    if (!u->cli) {
        const char *parcels[] = {parcel};
        pl_project_sign_options o;
        pl_project_sign_options_init(&o);
        o.lead = lead;
        o.parcels = parcels;
        o.nparcels = 1;
        o.park = "QDIP";
        pl_project_sign_result r;
        pl_error err;
        pl_error_clear(&err);
        int rc = pl_project_sign(u->db, &o, &r, &err);
        snprintf(u->msg, sizeof u->msg, "%s", err.message);
        pl_project_sign_result_release(&r);
        return rc;
    }
    const char *args[] = {"project", "sign", lead, "--parcel", parcel, "--park", "QDIP", NULL};
    return cli_run(u, NULL, args);
}

/* One log line: kind, code, ok, expectation (1 must succeed, 0 must be refused, 2 either), from,
 * to, result code, milliseconds, message (tabs and newlines flattened). */
static void log_op(user *u, const char *kind, const char *code, int rc, int expect, const char *from, const char *to,
                   double ms)
{
    for (char *c = u->msg; *c; c++)
        if (*c == '\t' || *c == '\n')
            *c = ' ';
    fprintf(u->log, "%s\t%s\t%d\t%d\t%s\t%s\t%d\t%.1f\t%s\n", kind, code, rc == 0, expect, from && *from ? from : "-",
            to && *to ? to : "-", rc, ms, rc ? u->msg : "");
}

static const char *const lead_forward[] = {"new", "contacted", "visited", "intent"};

/* The workload of user p: nops writes; the log says what happened. Returns 0, or 1 when the
 * database could not be opened. */
static int workload(user *u, int nops)
{
    char expires[11];
    today_plus(30, expires);
    char own_status[OWN][16];
    int own_flip[OWN] = {0};
    int own_held[OWN] = {0}; /* signed: held by a project (reserved for it), left alone */
    for (int k = 0; k < OWN; k++)
        snprintf(own_status[k], 16, "available");
    char shared_known[SHARED][16];
    for (int k = 0; k < SHARED; k++)
        snprintf(shared_known[k], 16, "available");
    int shared_lead_lost[SHARED_LEADS] = {0};
    int nleads = 0, lead_stage[16] = {0}, imported = 0, signs = 0;
    char code[48], from[16], to[16];
    for (int op = 0; op < nops; op++) {
        unsigned r = next_rand(u) % 100;
        double t0 = now_s();
        int rc;
        if (r >= 50 && r < 62) { /* lead: add one, or move one of ours forward */
            int k = -1;
            for (int i = 0; i < nleads; i++)
                if (lead_stage[i] >= 0 && lead_stage[i] < 3 && (k < 0 || next_rand(u) % 2))
                    k = i;
            if (nleads < 16 && (k < 0 || nleads < 3 || next_rand(u) % 3 == 0)) {
                snprintf(code, sizeof code, "L%d-%02d", u->p, nleads + 1);
                rc = do_lead_add(u, code);
                if (rc == 0)
                    lead_stage[nleads++] = 0;
                log_op(u, "lead-add", code, rc, 1, NULL, "new", (now_s() - t0) * 1e3);
                continue;
            }
            if (k >= 0) {
                snprintf(code, sizeof code, "L%d-%02d", u->p, k + 1);
                const char *fr = lead_forward[lead_stage[k]], *nx = lead_forward[lead_stage[k] + 1];
                rc = do_lead_stage(u, code, nx, NULL);
                if (rc == 0)
                    lead_stage[k]++;
                log_op(u, "lead-stage", code, rc, 1, fr, nx, (now_s() - t0) * 1e3);
                continue;
            }
        } else if (r >= 62 && r < 70) { /* a shared lead: lost, or reopened */
            int k = (int)(next_rand(u) % SHARED_LEADS);
            snprintf(code, sizeof code, "SL-%d", k + 1);
            const char *nx = shared_lead_lost[k] ? "contacted" : "lost";
            rc = do_lead_stage(u, code, nx, shared_lead_lost[k] ? "reopened by the concurrency test" : NULL);
            shared_lead_lost[k] = !shared_lead_lost[k]; /* done, or someone else did it first */
            log_op(u, "shared-lead", code, rc, 2, NULL, rc ? NULL : nx, (now_s() - t0) * 1e3);
            continue;
        } else if (r >= 35 && r < 50) { /* a shared parcel: reserved ↔ available */
            int k = (int)(next_rand(u) % SHARED);
            snprintf(code, sizeof code, "S-%d", k + 1);
            int reserve = !strcmp(shared_known[k], "available");
            rc = do_status(u, code, reserve ? "reserved" : "available", reserve ? expires : NULL, from, to);
            snprintf(shared_known[k], 16, "%s", reserve ? "reserved" : "available");
            log_op(u, "shared-status", code, rc, 2, from, to, (now_s() - t0) * 1e3);
            continue;
        } else if (r >= 70 && r < 80 && imported < FILES) {
            char file[1200];
            snprintf(file, sizeof file, "%s/small-%d-%02d.txt", u->dir, u->p, imported + 1);
            long n = 0;
            rc = do_import(u, file, &n);
            snprintf(code, sizeof code, "small-%d-%02d", u->p, ++imported);
            snprintf(to, sizeof to, "%ld", n);
            log_op(u, "import", code, rc, 1, NULL, to, (now_s() - t0) * 1e3);
            continue;
        } else if (r >= 80 && r < 85 && signs < MAX_SIGNS) {
            int lk = -1, pk = -1;
            for (int i = 0; i < nleads && lk < 0; i++)
                if (lead_stage[i] >= 0)
                    lk = i;
            for (int i = 0; i < OWN && pk < 0; i++)
                if (!strcmp(own_status[i], "available"))
                    pk = i;
            if (lk >= 0 && pk >= 0) {
                char lead[16];
                snprintf(lead, sizeof lead, "L%d-%02d", u->p, lk + 1);
                snprintf(code, sizeof code, "P%d-%02d", u->p, pk + 1);
                rc = do_sign(u, lead, code);
                if (rc == 0) {
                    signs++;
                    snprintf(own_status[pk], 16, "reserved"); /* for the project, until its land supply */
                    own_held[pk] = 1;
                }
                log_op(u, "sign", code, rc, 1, lead_forward[lead_stage[lk]], lead, (now_s() - t0) * 1e3);
                if (rc == 0)
                    lead_stage[lk] = -1; /* signed */
                continue;
            }
        } else if (r >= 85 && r < 92) { /* an illegal move: refused, nothing written */
            int k = (int)(next_rand(u) % OWN);
            snprintf(code, sizeof code, "P%d-%02d", u->p, k + 1);
            rc = do_status(u, code, "verified", NULL, from, to);
            log_op(u, "illegal", code, rc, 0, own_status[k], "verified", (now_s() - t0) * 1e3);
            continue;
        }
        /* the default: one of our parcels one step round available → reserved/reserve → available */
        int k = (int)(next_rand(u) % OWN);
        for (int i = 0; i < OWN && own_held[k]; i++)
            k = (k + 1) % OWN;
        snprintf(code, sizeof code, "P%d-%02d", u->p, k + 1);
        const char *target = "available";
        if (!strcmp(own_status[k], "available"))
            target = (own_flip[k] ^= 1) ? "reserved" : "reserve";
        rc = do_status(u, code, target, !strcmp(target, "reserved") ? expires : NULL, from, to);
        if (rc == 0)
            snprintf(own_status[k], 16, "%s", target);
        log_op(u, "status", code, rc, 1, from, to, (now_s() - t0) * 1e3);
    }
    if (u->stderr_lock)
        fprintf(u->log, "stderr-lock\t-\t0\t1\t-\t-\t0\t0\tthe command printed a lock/busy message on stderr\n");
    return 0;
}

/* Fork NPROC users; each opens its own connection (library) and runs its workload. */
static double run_users(const char *dbpath, const char *dir, int cli, int nops, char logs[NPROC][1100])
{
    pid_t pids[NPROC];
    for (int p = 0; p < NPROC; p++)
        snprintf(logs[p], 1100, "%s/%s-%d.log", dir, cli ? "cli" : "lib", p);
    double t0 = now_s();
    fflush(NULL);
    for (int p = 0; p < NPROC; p++) {
        pids[p] = fork();
        cr_assert_neq(pids[p], -1);
        if (pids[p] == 0) {
            user u = {.p = p, .cli = cli, .dbpath = dbpath, .dir = dir, .rng = 0x9E3779B97F4A7C15ULL * (p + 1)};
            snprintf(u.out, sizeof u.out, "%s/user-%d.out", dir, p);
            snprintf(u.err, sizeof u.err, "%s/user-%d.err", dir, p);
            if (!(u.log = fopen(logs[p], "w")))
                _exit(3);
            int status = 0;
            if (!cli) {
                pl_error err;
                pl_error_clear(&err);
                if (pl_db_open(dbpath, &u.db, &err)) {
                    fprintf(u.log, "open\t-\t0\t1\t-\t-\t%d\t0\t%s\n", err.code, err.message);
                    status = 1;
                } else {
                    char who[16];
                    snprintf(who, sizeof who, "user-%d", p);
                    pl_db_set_user(u.db, who);
                }
            }
            if (!status)
                status = workload(&u, nops);
            pl_db_close(u.db);
            fclose(u.log);
            _exit(status);
        }
    }
    for (int p = 0; p < NPROC; p++) {
        int st;
        cr_assert_eq(waitpid(pids[p], &st, 0), pids[p]);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "user %d ended with status %d", p, st);
    }
    return now_s() - t0;
}

/* ---- checking what they did ------------------------------------------------------------------ */

typedef struct tally {
    long ops, ok, refused, slow;      /* slow: > 100 ms (waited for another writer) */
    double max_ms, total_ms;
    long parcel_moves, lead_moves, leads_added, imported, imports, signs;
} tally;

/* The expected status moves of one parcel (from>to, as the commands reported them). */
typedef struct moves {
    char code[32];
    char **list;
    size_t n;
    char last[16];
} moves;

static moves *find_moves(moves **all, size_t *n, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*all)[i].code, code))
            return &(*all)[i];
    *all = realloc(*all, (*n + 1) * sizeof **all);
    moves *m = &(*all)[(*n)++];
    memset(m, 0, sizeof *m);
    snprintf(m->code, sizeof m->code, "%s", code);
    return m;
}

static void add_move(moves **all, size_t *n, const char *code, const char *from, const char *to)
{
    moves *m = find_moves(all, n, code);
    m->list = realloc(m->list, (m->n + 1) * sizeof *m->list);
    char buf[40];
    snprintf(buf, sizeof buf, "%s>%s", from, to);
    m->list[m->n++] = strdup(buf);
    snprintf(m->last, sizeof m->last, "%s", to);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the logs: every refusal is a clear message (never a lock), every command that had to work
 * worked, every one that had to be refused was; the expected moves per parcel and per lead. */
static void read_logs(char logs[NPROC][1100], tally *t, moves **pm, size_t *npm, moves **lm, size_t *nlm)
{
    memset(t, 0, sizeof *t);
    for (int p = 0; p < NPROC; p++) {
        FILE *f = fopen(logs[p], "r");
        cr_assert_not_null(f, "%s", logs[p]);
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            char *fld[9] = {0};
            char *save = NULL, *s = line;
            for (int i = 0; i < 9; i++) {
                fld[i] = strtok_r(s, "\t", &save);
                s = NULL;
            }
            const char *kind = fld[0], *code = fld[1], *from = fld[4], *to = fld[5], *msg = fld[8] ? fld[8] : "";
            int ok = atoi(fld[2]), expect = atoi(fld[3]), rc = atoi(fld[6]);
            double ms = atof(fld[7]);
            cr_assert(strcmp(kind, "stderr-lock"), "user %d: %s", p, msg);
            cr_assert(strcmp(kind, "open"), "user %d could not open the database: %s", p, msg);
            t->ops++;
            t->total_ms += ms;
            if (ms > t->max_ms)
                t->max_ms = ms;
            t->slow += ms > 100;
            cr_assert(!says_locked(msg), "user %d, %s %s: the user saw '%s'", p, kind, code, msg);
            if (!ok) {
                t->refused++;
                cr_assert(*msg, "user %d, %s %s: refused (%d) without a message", p, kind, code, rc);
                cr_assert_eq(rc, PL_ERR_INPUT, "user %d, %s %s: refused with %d: %s", p, kind, code, rc, msg);
            } else {
                t->ok++;
            }
            if (expect == 1)
                cr_assert(ok, "user %d, %s %s failed: %s", p, kind, code, msg);
            if (expect == 0) {
                cr_assert(!ok, "user %d, %s %s: the illegal move was done", p, kind, code);
                char want[128];
                snprintf(want, sizeof want, "parcel '%s' is %s ", code, from);
                cr_assert(strstr(msg, want) && strstr(msg, "it may go to"), "user %d: %s", p, msg);
            }
            if (!ok)
                continue;
            if (!strcmp(kind, "status") || !strcmp(kind, "shared-status")) {
                cr_assert(strcmp(from, "-") && strcmp(to, "-"), "user %d, %s: the move was not reported", p, code);
                add_move(pm, npm, code, from, to);
                t->parcel_moves++;
            } else if (!strcmp(kind, "sign")) { /* from: the lead's stage, to: the lead */
                add_move(pm, npm, code, "available", "reserved"); /* held for the project */
                add_move(lm, nlm, to, from, "signed");
                t->parcel_moves += 1;
                t->lead_moves++;
                t->signs++;
            } else if (!strcmp(kind, "lead-stage")) {
                add_move(lm, nlm, code, from, to);
                t->lead_moves++;
            } else if (!strcmp(kind, "shared-lead")) {
                add_move(lm, nlm, code, "?", to); /* from is whatever another user left */
                t->lead_moves++;
            } else if (!strcmp(kind, "lead-add")) {
                find_moves(lm, nlm, code);
                t->leads_added++;
            } else if (!strcmp(kind, "import")) {
                t->imported += atol(to);
                t->imports++;
            }
        }
        fclose(f);
    }
}

/* History of every entity against the commands: the same moves (as multisets; for the shared leads,
 * whose starting stage a user cannot know, by their new value), chained old → new from `start`
 * without a gap, ending at the entity's value now, each parcel move legal. */
static void check_history(pl_db *db, long base_id, const char *entity, const char *field, const char *table,
                          const char *column, moves *m, size_t n, const char *start)
{
    long total = 0;
    for (size_t i = 0; i < n; i++) {
        int from_unknown = !strncmp(m[i].code, "SL-", 3);
        sqlite3_stmt *st;
        cr_assert_eq(sqlite3_prepare_v2(db->h,
            "SELECT old_value, new_value, note FROM history WHERE entity = ?1 AND field = ?2 AND code = ?3"
            " AND id > ?4 ORDER BY id", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, m[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, base_id);
        char prev[16];
        snprintf(prev, sizeof prev, "%s", start);
        char **got = calloc(m[i].n + 1, sizeof *got);
        size_t k = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *o = (const char *)sqlite3_column_text(st, 0), *nw = (const char *)sqlite3_column_text(st, 1);
            const char *note = (const char *)sqlite3_column_text(st, 2);
            cr_assert(o && nw, "%s %s: a history row without old or new value", entity, m[i].code);
            cr_assert_str_eq(o, prev, "%s %s: history goes to %s, then moves out of %s (a lost update)", entity,
                             m[i].code, prev, o);
            if (!strcmp(entity, "parcel"))
                cr_assert(pl_parcel_status_is_legal(o, nw) || (note && !strncmp(note, "forced: ", 8)),
                          "parcel %s: illegal move %s → %s in history", m[i].code, o, nw);
            snprintf(prev, sizeof prev, "%s", nw);
            cr_assert_lt(k, m[i].n, "%s %s: more history rows than successful commands (%zu)", entity, m[i].code,
                         m[i].n);
            char buf[40];
            snprintf(buf, sizeof buf, "%s>%s", from_unknown ? "?" : o, nw);
            got[k++] = strdup(buf);
        }
        sqlite3_finalize(st);
        cr_assert_eq(k, m[i].n, "%s %s: %zu history rows for %zu successful commands", entity, m[i].code, k, m[i].n);
        if (k) {
            qsort(got, k, sizeof *got, cmp_str);
            qsort(m[i].list, m[i].n, sizeof *m[i].list, cmp_str);
        }
        for (size_t j = 0; j < k; j++) {
            cr_assert_str_eq(got[j], m[i].list[j], "%s %s: history and commands differ", entity, m[i].code);
            free(got[j]);
        }
        free(got);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE code = ?1", column, table);
        cr_assert_str_eq(tu_sql_text_arg(db, sql, m[i].code), prev, "%s %s: its last move went to %s", entity,
                         m[i].code, prev);
        total += (long)k;
    }
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM history WHERE entity = '%s' AND field = '%s' AND id > %ld", entity,
             field, base_id);
    cr_assert_eq(tu_sql_count(db, sql), total, "%s: history rows of entities no command moved", entity);
}

static void free_moves(moves *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m[i].n; j++)
            free(m[i].list[j]);
        free(m[i].list);
    }
    free(m);
}

static void check_run(const char *dbpath, long base_history, char logs[NPROC][1100], tally *t)
{
    moves *pm = NULL, *lm = NULL;
    size_t npm = 0, nlm = 0;
    read_logs(logs, t, &pm, &npm, &lm, &nlm);
    pl_db *db = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(tu_sql_text(db, "PRAGMA integrity_check"), "ok");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

    /* the shared leads that nobody moved still need their row checked: add them empty */
    for (int k = 0; k < SHARED_LEADS; k++) {
        char code[16];
        snprintf(code, sizeof code, "SL-%d", k + 1);
        find_moves(&lm, &nlm, code);
    }
    check_history(db, base_history, "parcel", "status", "parcel", "status", pm, npm, "available");
    check_history(db, base_history, "lead", "stage", "lead", "stage", lm, nlm, "new");

    /* reservations: exactly one open for each parcel reserved for a lead, none for the others
     * (a parcel a project holds is reserved without one) */
#define HELD "EXISTS (SELECT 1 FROM project_parcel pp WHERE pp.parcel_id = p.id)"
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM reservation WHERE released_on IS NULL"),
                 tu_sql_count(db, "SELECT count(*) FROM parcel p WHERE status = 'reserved' AND NOT " HELD));
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel p WHERE status = 'reserved' AND (SELECT count(*)"
                                  " FROM reservation r WHERE r.parcel_id = p.id AND released_on IS NULL) <> "
                                  " (CASE WHEN " HELD " THEN 0 ELSE 1 END)"), 0);
#undef HELD
    /* leads, imports and projects: none lost, none twice */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead"), SHARED_LEADS + t->leads_added);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND field = 'created'"),
                 SHARED_LEADS + t->leads_added);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code LIKE 'N%'"), t->imported);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch"), 1 + t->imports);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'parcel' AND field = 'created'"),
                 NPROC * OWN + SHARED + t->imported);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project"), t->signs);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project_parcel pp JOIN parcel p ON p.id = pp.parcel_id"
                                  " WHERE p.status = 'reserved'"), t->signs);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM project pr JOIN lead l ON l.id = pr.lead_id"
                                  " WHERE l.stage = 'signed'"), t->signs);
    pl_db_close(db);
    free_moves(pm, npm);
    free_moves(lm, nlm);
}

static long max_history_id(const char *dbpath)
{
    pl_db *db = NULL;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    long id = tu_sql_count(db, "SELECT coalesce(max(id), 0) FROM history");
    pl_db_close(db);
    return id;
}

Test(concurrency, four_library_users_250_writes_each, .timeout = 300)
{
    char path[1024], dir[1024];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    make_data("lib.db", path, dir);
    pl_library_init();
    long base = max_history_id(path);
    char logs[NPROC][1100];
    double took = run_users(path, dir, 0, LIB_OPS, logs);
    tally t;
    check_run(path, base, logs, &t);
    cr_log_info("library: %d users × %d writes in %.2f s: %ld done, %ld refused with a message; %ld parcel moves, "
                "%ld lead moves, %ld leads added, %ld imports (%ld parcels), %ld projects signed; write latency "
                "mean %.1f ms, max %.1f ms, %ld over 100 ms (waiting for another writer)",
                NPROC, LIB_OPS, took, t.ok, t.refused, t.parcel_moves, t.lead_moves, t.leads_added, t.imports,
                t.imported, t.signs, t.total_ms / (double)t.ops, t.max_ms, t.slow);
    cr_assert_eq(t.ops, NPROC * LIB_OPS);
    cr_assert_gt(t.refused, 0, "no shared move was ever refused: the users did not contend");
    cr_assert_gt(t.imports, 0);
    cr_assert_gt(t.signs, 0);
    pl_library_shutdown();
}

/* A user whose write waits for another that holds the write lock for `hold` seconds: in a forked
 * child with its own connection, started once the holder (this process, a plain SQLite connection
 * opened after the fork) has the lock. Its result code and message; *waited: from the moment the
 * lock was taken to the end of the write (CLOCK_MONOTONIC, one clock for both processes). */
static int wait_behind_writer(const char *path, const char *dir, double hold, double *waited, char *msg, size_t len)
{
    char res[1100];
    snprintf(res, sizeof res, "%s/waiter.txt", dir);
    int go[2];
    cr_assert_eq(pipe(go), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        close(go[1]);
        pl_db *db = NULL;
        pl_error err;
        pl_error_clear(&err);
        int rc = pl_db_open(path, &db, &err);
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(3);
        if (!rc)
            rc = pl_parcel_set_status(db, "QDIP", "P0-01", "reserve", NULL, NULL, &err);
        FILE *f = fopen(res, "w");
        if (f) {
            fprintf(f, "%d\t%.6f\t%s\n", rc, now_s(), err.message); /* CLOCK_MONOTONIC: one clock for all */
            fclose(f);
        }
        pl_db_close(db);
        _exit(0);
    }
    close(go[0]);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    double locked_at = now_s();
    cr_assert_eq(write(go[1], "g", 1), 1);
    close(go[1]);
    usleep((useconds_t)(hold * 1e6));
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(h);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char *r = tu_read_file(res, NULL);
    cr_assert_not_null(r);
    int rc = atoi(r);
    char *tab = strchr(r, '\t');
    *waited = atof(tab + 1) - locked_at;
    snprintf(msg, len, "%s", strchr(tab + 1, '\t') + 1);
    msg[strcspn(msg, "\n")] = '\0';
    free(r);
    return rc;
}

/* The busy timeout is 10 s of wall clock: SpatiaLite's initialisation sets 5 s of its own, which
 * parkland used to keep (a write behind one that took 6 s failed with "database is busy"). */
Test(concurrency, a_write_waits_10_s_for_another_then_says_why, .timeout = 120)
{
    char path[1024], dir[1024];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    make_data("wait.db", path, dir);
    pl_library_init();
    double waited;
    char msg[PL_ERROR_MAX];
    cr_assert_eq(wait_behind_writer(path, dir, 6.0, &waited, msg, sizeof msg), PL_OK, "%s", msg);
    cr_assert(waited >= 5.9 && waited < 9, "waited %.3f s", waited);
    double first = waited;
    cr_assert_eq(wait_behind_writer(path, dir, 11.5, &waited, msg, sizeof msg), PL_ERR_DB);
    cr_assert(waited >= 10 && waited < 11.5, "gave up after %.3f s", waited);
    cr_assert_str_eq(msg, "cannot start a transaction: the database is busy (another user is writing); try again");
    cr_log_info("a write behind another: done after %.2f s of a 6 s hold; refused after %.2f s of an 11.5 s one",
                first, waited);
    pl_library_shutdown();
}

Test(concurrency, four_command_line_users, .timeout = 300)
{
    char path[1024], dir[1024];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    make_data("cli.db", path, dir);
    pl_library_init();
    long base = max_history_id(path);
    char logs[NPROC][1100];
    double took = run_users(path, dir, 1, CLI_OPS, logs);
    tally t;
    check_run(path, base, logs, &t);
    cr_log_info("command line: %d users × %d commands in %.2f s: %ld done, %ld refused with a message; %ld parcel "
                "moves, %ld lead moves, %ld imports, %ld signed; latency mean %.1f ms, max %.1f ms",
                NPROC, CLI_OPS, took, t.ok, t.refused, t.parcel_moves, t.lead_moves, t.imports, t.signs,
                t.total_ms / (double)t.ops, t.max_ms);
    cr_assert_eq(t.ops, NPROC * CLI_OPS);
    pl_library_shutdown();
}
