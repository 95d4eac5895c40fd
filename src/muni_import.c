/* muni_import.c — import the firms' annual figures (亩均 evaluation) from CSV
 * through import/csv.c's reader (see parkland/muni.h). */
#include "parkland/muni.h"

#include "csv_reader.h"
#include "hash.h"
#include "db_internal.h"
#include "parkland/parse.h"
#include "message_list.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C_PROJECT, C_COMPANY, C_YEAR, C_TAX, C_SALES, C_VALUE, C_ENERGY, C_RD, C_EMPLOYEES, C_NOTE, NCOL };

static const struct {
    const char *key, *zh;
    const char *aliases[6];
} columns[NCOL] = {
    {"project", "项目编号", {"项目编号", "项目代码", "项目", "project_code", NULL}},
    {"company", "企业名称", {"企业名称", "企业", "单位名称", "company_name", NULL}},
    {"year", "年度", {"年度", "年份", NULL}},
    {"tax", "税收", {"税收", "实缴税金", "实缴税收", "税收实际贡献", "tax_paid", NULL}},
    {"sales", "销售收入", {"销售收入", "营业收入", "主营业务收入", "sales_revenue", "revenue", NULL}},
    {"added_value", "工业增加值", {"工业增加值", "增加值", "value_added", NULL}},
    {"energy", "综合能耗", {"综合能耗", "能耗", "总能耗", "energy_use", NULL}},
    {"rd", "研发经费", {"研发经费", "研发投入", "r&d", "r&d经费", "rd_spending", NULL}},
    {"employees", "从业人员", {"从业人员", "职工人数", "年平均职工人数", "从业人数", NULL}},
    {"note", "备注", {"备注", "notes", NULL}},
};

/* A header cell without its unit: lower-case ASCII, cut at the first '(' or '（', trimmed. */
static void norm_header(const char *in, char *out, size_t len)
{
    size_t k = 0;
    while (*in == ' ' || *in == '\t')
        in++;
    for (; *in && k + 1 < len; in++) {
        if (*in == '(' || !strncmp(in, "（", strlen("（")))
            break;
        out[k++] = (char)tolower((unsigned char)*in);
    }
    while (k && (out[k - 1] == ' ' || out[k - 1] == '\t'))
        k--;
    out[k] = '\0';
}

static int header_column(const char *cell)
{
    char h[256];
    norm_header(cell, h, sizeof h);
    for (int c = 0; c < NCOL; c++) {
        if (!strcmp(h, columns[c].key))
            return c;
        for (int a = 0; columns[c].aliases[a]; a++)
            if (!strcasecmp(h, columns[c].aliases[a]))
                return c;
    }
    return -1;
}

static int blank(const char *s)
{
    return !s || !s[strspn(s, " \t\r\n")];
}

typedef struct annual_import {
    pl_db *db;
    const char *path, *file;
    const pl_muni_import_options *opt;
    pl_muni_import_result *res;
    pl_error *err;
    char now[32];
    int col[NCOL];
    size_t nheader;
    int header_done, header_bad;
    char first[1024];           /* the first refusal, for the error */
    sqlite3_stmt *st_code, *st_company, *st_old, *st_put, *st_seen;
} annual_import;

static void add_message(annual_import *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_message(annual_import *im, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!im->first[0])
        snprintf(im->first, sizeof im->first, "%s", buf);
    pl_muni_import_result *r = im->res;
    pl_message_list_add(&r->messages, &r->nmessages, &r->messages_dropped, PL_MUNI_IMPORT_MAX_MESSAGES, buf);
}

static int read_header(annual_import *im, const pl_csv_row *row)
{
    for (int c = 0; c < NCOL; c++)
        im->col[c] = -1;
    im->nheader = row->nfields;
    im->header_done = 1;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *h = row->fields[i];
        if (blank(h))
            continue;
        int c = header_column(h);
        if (c < 0) {
            add_message(im,
                        "line %ld: unknown column '%s' (field %zu); the columns are project 项目编号, company "
                        "企业名称, year 年度, tax 税收, sales 销售收入, added_value 工业增加值, energy 综合能耗, "
                        "rd 研发经费, employees 从业人员, note 备注",
                        row->line, h, i + 1);
            im->header_bad = 1;
        } else if (im->col[c] >= 0) {
            add_message(im, "line %ld: column %s (%s) appears twice: fields %d and %zu", row->line, columns[c].key,
                        columns[c].zh, im->col[c] + 1, i + 1);
            im->header_bad = 1;
        } else {
            im->col[c] = (int)i;
        }
    }
    if (im->col[C_PROJECT] < 0 && im->col[C_COMPANY] < 0) {
        add_message(im, "line %ld: the header has no project (项目编号) and no company (企业名称) column", row->line);
        im->header_bad = 1;
    }
    if (im->col[C_TAX] < 0 || im->col[C_SALES] < 0) {
        add_message(im, "line %ld: the header has no %s column", row->line,
                    im->col[C_TAX] < 0 ? "tax (税收)" : "sales (销售收入)");
        im->header_bad = 1;
    }
    if (im->col[C_YEAR] < 0 && !im->opt->year) {
        add_message(im, "line %ld: the header has no year (年度) column: give the year with --year", row->line);
        im->header_bad = 1;
    }
    return PL_OK;
}

static const char *cell(const annual_import *im, const pl_csv_row *row, int c)
{
    int i = im->col[c];
    if (i < 0 || (size_t)i >= row->nfields || blank(row->fields[i]))
        return NULL;
    return row->fields[i];
}

/* The project a row names: by code, else by its company (one project only). 0 when refused. */
static long find_project(annual_import *im, const pl_csv_row *row, char *code, size_t len, int *db_error)
{
    const char *p = cell(im, row, C_PROJECT), *c = cell(im, row, C_COMPANY);
    sqlite3_stmt *st = p ? im->st_code : im->st_company;
    sqlite3_reset(st);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", p ? p : c ? c : "");
    /* trimmed */
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = '\0';
    const char *key = buf + strspn(buf, " \t");
    if (!*key) {
        add_message(im, "line %ld: no project (项目编号) and no company (企业名称)", row->line);
        return 0;
    }
    pl_bind_text(st, 1, key);
    long id = 0, found = 0;
    int step, other_company = 0;
    char company[512] = "";
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!found++) {
            id = (long)sqlite3_column_int64(st, 0);
            snprintf(code, len, "%s", (const char *)sqlite3_column_text(st, 1));
            const char *zh = (const char *)sqlite3_column_text(st, 2), *en = (const char *)sqlite3_column_text(st, 3);
            snprintf(company, sizeof company, "%s", zh ? zh : "");
            /* a row naming both: the company must be the project's */
            if (p && c) {
                char want[512];
                snprintf(want, sizeof want, "%s", c + strspn(c, " \t"));
                size_t k = strlen(want);
                while (k && (want[k - 1] == ' ' || want[k - 1] == '\t'))
                    want[--k] = '\0';
                other_company = !(zh && !strcmp(zh, want)) && !(en && !strcmp(en, want));
            }
        }
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE) {
        *db_error = pl_db_fail(im->db, im->err, "cannot look the projects up");
        return 0;
    }
    if (!found) {
        add_message(im, "line %ld: %s '%s': no such project", row->line, p ? "project" : "company", key);
        return 0;
    }
    if (other_company) {
        add_message(im, "line %ld: project '%s' is the project of '%s', not of company '%s'", row->line, code,
                    company, c);
        return 0;
    }
    if (found > 1) {
        add_message(im, "line %ld: company '%s' has %ld projects: name the project (项目编号)", row->line, key,
                    found);
        return 0;
    }
    return id;
}

static int on_row(const pl_csv_row *row, const pl_csv_info *info, void *vim)
{
    (void)info;
    annual_import *im = vim;
    pl_muni_import_result *res = im->res;
    if (!im->header_done)
        return read_header(im, row);
    if (im->header_bad)
        return 0;
    int empty = 1;
    for (size_t i = 0; i < row->nfields && empty; i++)
        if (!blank(row->fields[i]))
            empty = 0;
    if (empty && !row->bad) {
        res->blank++;
        return 0;
    }
    res->rows++;
    if (row->bad) {
        add_message(im, "line %ld: field %ld: %s", row->line, row->bad_field + 1, row->bad);
        res->refused++;
        return 0;
    }
    if (row->nfields != im->nheader) {
        add_message(im, "line %ld: %zu fields where the header has %zu (a missing or extra comma?)", row->line,
                    row->nfields, im->nheader);
        res->refused++;
        return 0;
    }
    long before = (long)res->nmessages + res->messages_dropped;
    int dberr = 0;
    char code[128] = "";
    long project = find_project(im, row, code, sizeof code, &dberr);
    if (dberr)
        return dberr;
    int year = im->opt->year;
    const char *y = cell(im, row, C_YEAR);
    if (y) {
        double v;
        if (!pl_parse_number(y, &v) || v != floor(v) || v < 1900 || v > 9999)
            add_message(im, "line %ld: column year (年度, field %d): '%s' is not a year", row->line,
                        im->col[C_YEAR] + 1, y);
        else if (im->opt->year && (int)v != im->opt->year)
            add_message(im, "line %ld: column year (年度, field %d): %d, but --year is %d", row->line,
                        im->col[C_YEAR] + 1, (int)v, im->opt->year);
        else
            year = (int)v;
    } else if (!year) {
        add_message(im, "line %ld: no year (年度): fill the column or give --year", row->line);
    }
    double v[6];
    static const int numcols[6] = {C_TAX, C_SALES, C_VALUE, C_ENERGY, C_RD, C_EMPLOYEES};
    static const char *const units[6] = {"万元", "万元", "万元", "吨标准煤", "万元", "人"};
    for (int k = 0; k < 6; k++) {
        int c = numcols[k];
        const char *s = cell(im, row, c);
        v[k] = NAN;
        if (!s) {
            if (k < 2)
                add_message(im, "line %ld: column %s (%s, field %d) is empty: it is required", row->line,
                            columns[c].key, columns[c].zh, im->col[c] + 1);
            continue;
        }
        if (!pl_parse_number(s, &v[k]) || !isfinite(v[k]))
            add_message(im, "line %ld: column %s (%s, field %d): '%s' is not a number (%s)", row->line,
                        columns[c].key, columns[c].zh, im->col[c] + 1, s, units[k]);
        else if (v[k] < 0 && c != C_TAX)
            add_message(im, "line %ld: column %s (%s, field %d): %s is negative", row->line, columns[c].key,
                        columns[c].zh, im->col[c] + 1, s);
    }
    if ((long)res->nmessages + res->messages_dropped > before || !project) {
        res->refused++;
        return 0;
    }
    /* the same project and year twice in the file */
    sqlite3_reset(im->st_seen);
    sqlite3_bind_int64(im->st_seen, 1, project);
    sqlite3_bind_int(im->st_seen, 2, year);
    sqlite3_bind_int64(im->st_seen, 3, row->line);
    if (sqlite3_step(im->st_seen) != SQLITE_ROW) {
        sqlite3_reset(im->st_seen);
        return pl_db_fail(im->db, im->err, "cannot check the rows");
    }
    long first = (long)sqlite3_column_int64(im->st_seen, 0);
    sqlite3_reset(im->st_seen);
    if (first != row->line) {
        add_message(im, "line %ld: project '%s', year %d appears again (first on line %ld)", row->line, code, year,
                    first);
        res->refused++;
        return 0;
    }
    if (res->refused)
        return 0;
    /* the figures recorded before, for history */
    char old[256] = "";
    sqlite3_reset(im->st_old);
    sqlite3_bind_int64(im->st_old, 1, project);
    sqlite3_bind_int(im->st_old, 2, year);
    if (sqlite3_step(im->st_old) == SQLITE_ROW)
        snprintf(old, sizeof old, "%s", (const char *)sqlite3_column_text(im->st_old, 0));
    sqlite3_reset(im->st_old);
    sqlite3_stmt *st = im->st_put;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, project);
    sqlite3_bind_int(st, 2, year);
    for (int k = 0; k < 6; k++)
        pl_bind_num(st, 3 + k, v[k]);
    char src[600];
    snprintf(src, sizeof src, "%s line %ld", im->file, row->line);
    pl_bind_text(st, 9, src);
    pl_bind_text(st, 10, im->now);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return pl_db_fail(im->db, im->err, "cannot store the annual figures");
    }
    char now[256];
    snprintf(now, sizeof now, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    char field[32], note[700];
    snprintf(field, sizeof field, "annual_%d", year);
    snprintf(note, sizeof note, "imported from %s", src);
    int rc = pl_history_add(im->db, "project", project, code, field, old[0] ? old : NULL, now, note, 0, im->err);
    if (rc)
        return rc;
    if (old[0])
        res->replaced++;
    else
        res->inserted++;
    return 0;
}

#define SUMMARY_SQL                                                                                               \
    "'tax ' || printf('%.2f', tax) || ', sales ' || printf('%.2f', sales) || ', added_value ' ||"                 \
    " COALESCE(printf('%.2f', added_value), '—') || ', energy ' || COALESCE(printf('%.2f', energy), '—') ||"      \
    " ', rd ' || COALESCE(printf('%.2f', rd), '—') || ', employees ' || COALESCE(printf('%g', employees), '—')"

int pl_muni_import(pl_db *db, const char *path, const pl_muni_import_options *opt, pl_muni_import_result *res,
                   pl_error *err)
{
    pl_muni_import_options defaults = {0, PL_ENCODING_AUTO, 0};
    if (!opt)
        opt = &defaults;
    memset(res, 0, sizeof *res);
    if (opt->year && (opt->year < 1900 || opt->year > 9999))
        return pl_error_set(err, PL_ERR_USAGE, "year %d is not a year (1900 to 9999)", opt->year);
    const char *slash = strrchr(path, '/');
    annual_import im = {.db = db, .path = path, .file = slash ? slash + 1 : path, .opt = opt, .res = res, .err = err};
    pl_now_iso(im.now, sizeof im.now);
    int rc = pl_file_sha256(path, res->sha256, err);
    if (rc)
        return rc;
    if ((rc = pl_db_begin(db, err)))
        return rc;
    if ((rc = pl_db_prepare(db, "SELECT x.id, x.code, l.company, l.company_en FROM project x"
                                " JOIN lead l ON l.id = x.lead_id WHERE x.code = ?1", &im.st_code, err)) ||
        (rc = pl_db_prepare(db,
                            "SELECT x.id, x.code, l.company, l.company_en FROM project x JOIN lead l ON l.id = x.lead_id"
                            " WHERE l.company = ?1 OR l.company_en = ?1 ORDER BY x.code", &im.st_company, err)) ||
        (rc = pl_db_prepare(db, "SELECT " SUMMARY_SQL " FROM annual_figure WHERE project_id = ?1 AND year = ?2",
                            &im.st_old, err)) ||
        (rc = pl_db_prepare(db,
                            "INSERT INTO annual_figure(project_id, year, tax, sales, added_value, energy, rd,"
                            " employees, source, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                            " ON CONFLICT(project_id, year) DO UPDATE SET tax = excluded.tax, sales = excluded.sales,"
                            " added_value = excluded.added_value, energy = excluded.energy, rd = excluded.rd,"
                            " employees = excluded.employees, source = excluded.source,"
                            " recorded_at = excluded.recorded_at RETURNING " SUMMARY_SQL, &im.st_put, err)) ||
        (rc = pl_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS pl_annual_seen(project INTEGER, year INTEGER,"
                             " line INTEGER, PRIMARY KEY (project, year)); DELETE FROM temp.pl_annual_seen;", err)) ||
        (rc = pl_db_prepare(db,
                            "INSERT INTO temp.pl_annual_seen(project, year, line) VALUES (?1, ?2, ?3)"
                            " ON CONFLICT(project, year) DO UPDATE SET line = line RETURNING line", &im.st_seen,
                            err)))
        goto fail;
    pl_csv_info info;
    memset(&info, 0, sizeof info);
    pl_error_clear(err);
    rc = pl_csv_read(path, opt->encoding, &info, on_row, &im, err);
    snprintf(res->encoding, sizeof res->encoding, "%s", info.encoding);
    if (rc)
        goto fail;
    if (!im.header_done) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: empty file: no header row (project,year,tax,sales,…)", path);
        goto fail;
    }
    if (im.header_bad || res->refused) {
        if (im.header_bad)
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: %s; the header row is refused, nothing was imported", path,
                              im.first);
        else
            rc = pl_error_set(err, PL_ERR_INPUT, "%s: %s; %ld of %ld rows refused, nothing was imported", path,
                              im.first, res->refused, res->rows);
        goto fail;
    }
    if (!res->rows) {
        rc = pl_error_set(err, PL_ERR_INPUT, "%s: no figures after the header row", path);
        goto fail;
    }
    sqlite3_finalize(im.st_code);
    sqlite3_finalize(im.st_company);
    sqlite3_finalize(im.st_old);
    sqlite3_finalize(im.st_put);
    sqlite3_finalize(im.st_seen);
    pl_db_exec(db, "DELETE FROM temp.pl_annual_seen;", NULL);
    if (opt->dry_run) {
        pl_db_rollback(db);
        return PL_OK;
    }
    return pl_db_commit(db, err);
fail:
    sqlite3_finalize(im.st_code);
    sqlite3_finalize(im.st_company);
    sqlite3_finalize(im.st_old);
    sqlite3_finalize(im.st_put);
    sqlite3_finalize(im.st_seen);
    pl_db_rollback(db);
    res->inserted = res->replaced = 0;
    return rc;
}

void pl_muni_import_result_release(pl_muni_import_result *r)
{
    if (r)
        pl_message_list_release(&r->messages, &r->nmessages);
}
