/* test_csv.c — the CSV reader (import/csv.c) on good and malformed files, and
 * the lead import on top of it: every malformed file is refused whole, with
 * the line and the reason, and leaves the database exactly as it was. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/lead.h"
#include "parkland/park.h"
#include "testutil.h"

#define CSV_DIR TEST_DATA_DIR "/csv/"

/* ---- the reader ------------------------------------------------------------------ */

#define MAXROWS 64

typedef struct got_row {
    long number, line;
    size_t nfields;
    char joined[2048]; /* fields joined with '|' */
    long bad_field;
    char bad[160];
} got_row;

typedef struct got {
    got_row rows[MAXROWS];
    int n;
    int stop_at; /* return 77 on this row number (0: never) */
} got;

static int collect(const pl_csv_row *row, const pl_csv_info *info, void *vg)
{
    got *g = vg;
    cr_assert_not_null(info);
    cr_assert(info->encoding[0], "encoding known before the first row");
    cr_assert_lt(g->n, MAXROWS);
    got_row *r = &g->rows[g->n++];
    r->number = row->number;
    r->line = row->line;
    r->nfields = row->nfields;
    size_t used = 0;
    r->joined[0] = '\0';
    for (size_t i = 0; i < row->nfields; i++)
        used += (size_t)snprintf(r->joined + used, sizeof r->joined - used, "%s%s", i ? "|" : "", row->fields[i]);
    r->bad_field = row->bad_field;
    snprintf(r->bad, sizeof r->bad, "%s", row->bad ? row->bad : "");
    return g->stop_at && row->number == g->stop_at ? 77 : 0;
}

static int read_csv(const char *path, pl_encoding enc, pl_csv_info *info, got *g, pl_error *err)
{
    memset(g->rows, 0, sizeof g->rows);
    g->n = 0;
    pl_error_clear(err);
    return pl_csv_read(path, enc, info, collect, g, err);
}

TestSuite(csv);

Test(csv, utf8_quoted_commas_newlines_and_quotes)
{
    got g = {0};
    pl_csv_info info;
    pl_error err;
    cr_assert_eq(read_csv(CSV_DIR "good_utf8.csv", PL_ENCODING_AUTO, &info, &g, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(info.encoding, "utf-8");
    cr_assert_eq(g.n, 4);
    cr_assert_eq(info.rows, 4);
    cr_assert_eq(info.lines, 5);
    /* row numbers and the line each row starts on: DE-001's note spans lines 2–3 */
    long lines[] = {1, 2, 4, 5};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(g.rows[i].number, i + 1);
        cr_expect_eq(g.rows[i].line, lines[i], "row %d starts on line %ld", i + 1, g.rows[i].line);
        cr_expect_eq(g.rows[i].nfields, 18);
        cr_expect_eq(g.rows[i].bad_field, -1);
    }
    cr_assert(strstr(g.rows[1].joined, "|Siemens Smart Manufacturing (Qingdao) Co., Ltd.|"), "%s", g.rows[1].joined);
    cr_assert(strstr(g.rows[1].joined, "|两期建设：\n一期 60 亩, 二期 60 亩|contacted|"), "%s", g.rows[1].joined);
    cr_assert(strstr(g.rows[2].joined, "|佐藤 \"Sato\" 健|"), "%s", g.rows[2].joined);
    cr_assert(strstr(g.rows[2].joined, "|12,000|JPY|0.048|"), "%s", g.rows[2].joined);
    /* empty fields stay empty, also at the end of a row */
    cr_assert(strstr(g.rows[3].joined, "|医养健康|是|30,000|||80|"), "%s", g.rows[3].joined);
    cr_assert(g.rows[3].joined[strlen(g.rows[3].joined) - 1] == '|', "%s", g.rows[3].joined);
}

Test(csv, excel_utf8_bom_crlf)
{
    got g = {0};
    pl_csv_info info;
    pl_error err;
    cr_assert_eq(read_csv(CSV_DIR "good_bom_crlf.csv", PL_ENCODING_AUTO, &info, &g, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(info.encoding, "utf-8-bom");
    cr_assert_eq(g.n, 5);
    /* the BOM is not part of the first header cell */
    cr_assert(!strncmp(g.rows[0].joined, "编号|企业名称|", strlen("编号|企业名称|")), "%s", g.rows[0].joined);
    long lines[] = {1, 2, 4, 5, 6};
    for (int i = 0; i < 5; i++)
        cr_expect_eq(g.rows[i].line, lines[i], "row %d starts on line %ld", i + 1, g.rows[i].line);
    /* CRLF inside a quoted field becomes LF; none is left anywhere */
    cr_assert(strstr(g.rows[1].joined, "|氢燃料电池,\n储能系统|intent|2025-06-18"), "%s", g.rows[1].joined);
    for (int i = 0; i < g.n; i++)
        cr_assert_null(strchr(g.rows[i].joined, '\r'), "row %d keeps a CR", i + 1);
    /* Excel's blank rows arrive as rows of empty fields */
    cr_assert_str_eq(g.rows[3].joined, "|||||||||||||||||");
}

Test(csv, gbk_without_bom_crlf_quoted_newline)
{
    got g = {0};
    pl_csv_info info;
    pl_error err;
    cr_assert_eq(read_csv(CSV_DIR "good_gbk_crlf.csv", PL_ENCODING_AUTO, &info, &g, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(info.encoding, "gbk");
    cr_assert_eq(g.n, 3);
    cr_assert_eq(g.rows[1].line, 2);
    cr_assert_eq(g.rows[2].line, 4);
    cr_assert(!strncmp(g.rows[0].joined, "编号|企业名称|英文名称|国别|行业|四新|计划投资（万元）|",
                       strlen("编号|企业名称|英文名称|国别|行业|四新|计划投资（万元）|")),
              "%s", g.rows[0].joined);
    cr_assert(strstr(g.rows[1].joined, "RU-001|俄罗斯诺瓦泰克(青岛)能源装备有限公司|"), "%s", g.rows[1].joined);
    cr_assert(strstr(g.rows[1].joined, "|伊万诺夫, Ivanov|赵静|上合示范区|LNG装备\n本地化配套|visited|"), "%s",
              g.rows[1].joined);
    /* the same file forced as GBK reads the same; forced as UTF-8 its rows are bad */
    got g2 = {0};
    cr_assert_eq(read_csv(CSV_DIR "good_gbk_crlf.csv", PL_ENCODING_GBK, &info, &g2, &err), PL_OK);
    cr_assert_str_eq(g2.rows[1].joined, g.rows[1].joined);
    cr_assert_eq(read_csv(CSV_DIR "good_gbk_crlf.csv", PL_ENCODING_UTF8, &info, &g2, &err), PL_OK);
    cr_assert_str_eq(info.encoding, "utf-8");
    cr_assert_eq(g2.rows[0].bad_field, 0);
    cr_assert_str_eq(g2.rows[0].bad, "bytes that are not valid UTF-8 (try --encoding gbk)");
}

Test(csv, gbk_behind_a_bom_is_reported_not_guessed)
{
    /* a UTF-8 BOM says UTF-8: GBK bytes after it are bad rows, not silently re-read as GBK */
    const char *p = tu_tmp("bom-gbk.csv");
    char buf[256];
    size_t n = 0;
    memcpy(buf, "\xef\xbb\xbf" "code,company\r\nA,", 19);
    n = 19;
    memcpy(buf + n, "\xbc\xd7\xb9\xab\xcb\xbe\r\n", 8); /* 甲公司 in GBK */
    n += 8;
    tu_write_file(p, buf, n);
    got g = {0};
    pl_csv_info info;
    pl_error err;
    cr_assert_eq(read_csv(p, PL_ENCODING_AUTO, &info, &g, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(info.encoding, "utf-8-bom");
    cr_assert_eq(g.n, 2);
    cr_assert_eq(g.rows[1].bad_field, 1);
    cr_assert_str_eq(g.rows[1].bad, "bytes that are not valid UTF-8, while the rest of the file is UTF-8");
    /* and --encoding gbk with a BOM is a contradiction */
    cr_assert_eq(read_csv(p, PL_ENCODING_GBK, &info, &g, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "line 1: the file starts with a UTF-8 byte-order mark, yet --encoding gbk"),
              "%s", err.message);
    cr_assert_eq(g.n, 0);
}

Test(csv, mostly_utf8_with_one_damaged_line_stays_utf8)
{
    const char *p = tu_tmp("damaged.csv");
    tu_write_file(p, "code,company\nA,甲公司\nB,乙公司\nC,bad \xff byte\nD,丁公司\n", (size_t)-1);
    got g = {0};
    pl_csv_info info;
    pl_error err;
    cr_assert_eq(read_csv(p, PL_ENCODING_AUTO, &info, &g, &err), PL_OK);
    cr_assert_str_eq(info.encoding, "utf-8");
    cr_assert_eq(g.n, 5);
    cr_assert_str_eq(g.rows[2].joined, "B|乙公司");
    cr_assert_eq(g.rows[3].line, 4);
    cr_assert_eq(g.rows[3].bad_field, 1);
    cr_assert_str_eq(g.rows[3].joined, "C|", "the undecodable field is handed over empty");
    cr_assert_eq(g.rows[4].bad_field, -1);
}

Test(csv, lone_cr_and_crlf_split_across_reads)
{
    got g = {0};
    pl_csv_info info;
    pl_error err;
    const char *p = tu_tmp("mac.csv");
    tu_write_file(p, "a,b\r1,2\r\r3,\"x\ry\"\r4,5", (size_t)-1);
    cr_assert_eq(read_csv(p, PL_ENCODING_AUTO, &info, &g, &err), PL_OK, "%s", err.message);
    cr_assert_eq(g.n, 4);
    long lines[] = {1, 2, 4, 6};
    for (int i = 0; i < 4; i++)
        cr_expect_eq(g.rows[i].line, lines[i], "row %d on line %ld", i + 1, g.rows[i].line);
    cr_assert_str_eq(g.rows[2].joined, "3|x\ry");
    cr_assert_eq(info.lines, 6);

    /* a CRLF whose CR ends one 64 KiB read and whose LF starts the next counts once */
    size_t len = 65536 + 64;
    char *big = malloc(len);
    memcpy(big, "k,v\r\n", 5);
    size_t pos = 5;
    memcpy(big + pos, "1,\"", 3);
    pos += 3;
    while (pos < 65536 - 3)
        big[pos++] = 'x';
    memcpy(big + pos, "\",", 2); /* the quoted field closes; an empty field follows */
    pos += 2;
    big[pos++] = '\r'; /* byte 65535: the last of the first read */
    big[pos++] = '\n';
    memcpy(big + pos, "2,two\r\n3,three", 14);
    pos += 14;
    p = tu_tmp("split.csv");
    tu_write_file(p, big, pos);
    free(big);
    cr_assert_eq(read_csv(p, PL_ENCODING_AUTO, &info, &g, &err), PL_OK, "%s", err.message);
    cr_assert_eq(g.n, 4);
    cr_assert_eq(g.rows[1].line, 2);
    cr_assert_eq(g.rows[1].nfields, 3);
    cr_assert_eq(g.rows[2].line, 3, "line %ld", g.rows[2].line);
    cr_assert_str_eq(g.rows[2].joined, "2|two");
    cr_assert_eq(g.rows[3].line, 4);
}

Test(csv, blank_lines_sep_hint_and_callback_stop)
{
    const char *p = tu_tmp("sep.csv");
    tu_write_file(p, "sep=,\n\ncode,company\n   \nA,甲\nB,乙\nC,丙\n", (size_t)-1);
    got g = {0};
    pl_csv_info info;
    pl_error err;
    cr_assert_eq(read_csv(p, PL_ENCODING_AUTO, &info, &g, &err), PL_OK);
    cr_assert_eq(g.n, 4, "sep= and blank lines are not rows");
    cr_assert_eq(g.rows[0].number, 1);
    cr_assert_eq(g.rows[0].line, 3);
    cr_assert_str_eq(g.rows[0].joined, "code|company");
    cr_assert_eq(g.rows[1].line, 5);
    g.stop_at = 2;
    g.n = 0;
    pl_error_clear(&err);
    cr_assert_eq(pl_csv_read(p, PL_ENCODING_AUTO, &info, collect, &g, &err), 77);
    cr_assert_eq(g.n, 2, "nothing after the callback said stop");
}

/* structural errors stop the reader with FILE: line N: reason */
static const struct {
    const char *file;
    const char *message;
    int rows_before; /* rows delivered before the error */
} broken[] = {
    {"bad_unterminated_quote.csv",
     "bad_unterminated_quote.csv: line 3: field 2: a quoted field that never closes (unterminated quote; it runs to "
     "the end of the file on line 4)", 2},
    {"bad_stray_quote.csv",
     "bad_stray_quote.csv: line 3: field 2: a quote inside an unquoted field (quote the whole field and double the "
     "quotes inside: \"say \"\"hi\"\"\")", 2},
    {"bad_binary.csv", "bad_binary.csv: line 1: NUL byte: binary data or UTF-16 text, not a CSV file", 0},
};

Test(csv, structural_errors_name_line_and_reason)
{
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        got g = {0};
        pl_csv_info info;
        pl_error err;
        char path[1024];
        snprintf(path, sizeof path, CSV_DIR "%s", broken[i].file);
        cr_expect_eq(read_csv(path, PL_ENCODING_AUTO, &info, &g, &err), PL_ERR_INPUT, "%s", broken[i].file);
        cr_expect(strstr(err.message, broken[i].message) != NULL, "%s:\n  got  %s\n  want %s", broken[i].file,
                  err.message, broken[i].message);
        cr_expect_eq(g.n, broken[i].rows_before, "%s: %d rows before the error", broken[i].file, g.n);
    }
    const char *p = tu_tmp("after-quote.csv");
    tu_write_file(p, "a,b\n\"x\"y,2\n", (size_t)-1);
    got g = {0};
    pl_error err;
    cr_assert_eq(read_csv(p, PL_ENCODING_AUTO, NULL, &g, &err), PL_ERR_INPUT);
    cr_assert(strstr(err.message, "line 2: field 1: text after the closing quote of a quoted field"), "%s",
              err.message);
    cr_assert_eq(read_csv(TEST_DATA_DIR "/csv/no-such-file.csv", PL_ENCODING_AUTO, NULL, &g, &err), PL_ERR_IO);
    cr_assert(strstr(err.message, "cannot read"), "%s", err.message);
    cr_assert_eq(read_csv(CSV_DIR "empty.csv", PL_ENCODING_AUTO, NULL, &g, &err), PL_OK);
    cr_assert_eq(g.n, 0);
}

/* ---- the lead import on malformed files ------------------------------------------------ */

static pl_db *db;
static char dbpath[1024];

static void setup(void)
{
    db = tu_db_new("csv.db", dbpath);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(csv_import, .init = setup, .fini = teardown);

typedef struct bad_file {
    const char *file;
    pl_encoding enc;
    const char *expect[4]; /* each must appear in the error or the row messages */
    size_t nmessages;      /* exact number of row messages */
} bad_file;

static const bad_file bad_files[] = {
    {"bad_unterminated_quote.csv", PL_ENCODING_AUTO,
     {"bad_unterminated_quote.csv: line 3: field 2: a quoted field that never closes (unterminated quote", NULL}, 0},
    {"bad_field_count.csv", PL_ENCODING_AUTO,
     {"line 3: 3 fields where the header has 4", "line 4: 5 fields where the header has 4",
      "bad_field_count.csv: 2 of 3 rows refused; nothing was imported", NULL}, 2},
    {"bad_utf8.csv", PL_ENCODING_AUTO,
     {"line 3: column 'company' (field 2): bytes that are not valid UTF-8, while the rest of the file is UTF-8",
      "1 of 2 rows refused", NULL}, 1},
    {"bad_number.csv", PL_ENCODING_AUTO,
     {"line 2: investment (计划投资) '12万亩' is not a number (万元)", "line 3: land_mu (用地需求) 'abc' is not a number (亩)",
      "line 4: investment (计划投资) '0x10' is not a number (万元); land_mu (用地需求) 'nan' is not a number (亩)", NULL}, 3},
    {"bad_industry.csv", PL_ENCODING_AUTO,
     {"line 3: unknown industry '半导体' (one of: it 新一代信息技术, equipment 高端装备,", "1 of 2 rows refused", NULL}, 1},
    {"bad_duplicate_code.csv", PL_ENCODING_AUTO, {"line 4: code 'F-1' appears again (first on line 2)", NULL}, 1},
    {"bad_missing_company.csv", PL_ENCODING_AUTO, {"line 2: lead 'G-1' has no company name (企业名称)", NULL}, 1},
    {"empty.csv", PL_ENCODING_AUTO, {"empty.csv: empty file: no header row", NULL}, 0},
    {"bad_binary.csv", PL_ENCODING_AUTO, {"bad_binary.csv: line 1: NUL byte", NULL}, 0},
    {"bad_unknown_column.csv", PL_ENCODING_AUTO,
     {"line 1: unknown column 'revenue' (field 3); the columns are code 编号, company 企业名称",
      "the header row is refused; nothing was imported", NULL}, 1},
    {"bad_stage.csv", PL_ENCODING_AUTO,
     {"line 3: unknown stage 'negotiating' (new 线索, contacted 洽谈",
      "line 4: stage 'signed' comes only from signing a project ('parkland project sign I-3 --parcel …')", NULL}, 2},
    {"bad_stray_quote.csv", PL_ENCODING_AUTO, {"line 3: field 2: a quote inside an unquoted field", NULL}, 0},
    {"bad_currency.csv", PL_ENCODING_AUTO,
     {"line 2: currency EUR needs a rate (汇率: CNY per 1 EUR)", "line 3: rate 7.8 given without a foreign currency",
      "line 4: unknown currency 'XX1'", NULL}, 3},
    {"bad_gbk.csv", PL_ENCODING_AUTO, {"line 3: column 'company' (field 2): bytes that are neither UTF-8 nor GBK", NULL}, 1},
    {"bad_date.csv", PL_ENCODING_AUTO,
     {"line 2: date '2025-02-30' is not a real date (YYYY-MM-DD)", "line 3: date 2099-01-01 is in the future", NULL}, 2},
    {"bad_no_code_column.csv", PL_ENCODING_AUTO, {"line 1: the header has no code (编号) column", NULL}, 1},
    {"bad_park.csv", PL_ENCODING_AUTO,
     {"line 3: lead 'PK-2': no park 'NOPE' (see 'parkland park list')", "2 of 2 rows refused", NULL}, 2},
    {"good_gbk_crlf.csv", PL_ENCODING_UTF8,
     {"line 1: header field 1: bytes that are not valid UTF-8 (try --encoding gbk)",
      "line 1: the header has no code (编号) and no company (企业名称) column", NULL}, 2},
};

Test(csv_import, every_malformed_file_is_refused_whole)
{
    /* something already there, so that "unchanged" means something */
    pl_lead_fields f;
    pl_lead_fields_init(&f);
    f.code = "KEEP-1";
    f.company = "已有企业";
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_add(db, &f, &err), PL_OK, "%s", err.message);
    char *before = tu_db_snapshot(dbpath);
    size_t n = sizeof bad_files / sizeof *bad_files;
    cr_assert_geq(n, 10);
    for (size_t i = 0; i < n; i++) {
        const bad_file *b = &bad_files[i];
        char path[1024];
        snprintf(path, sizeof path, CSV_DIR "%s", b->file);
        pl_lead_import_options o = {b->enc, 0};
        pl_lead_import_result r;
        pl_error_clear(&err);
        int rc = pl_lead_import(db, path, &o, &r, &err);
        cr_expect_eq(rc, PL_ERR_INPUT, "%s: rc %d (%s)", b->file, rc, err.message);
        cr_expect_eq(r.inserted, 0, "%s", b->file);
        cr_expect_eq(r.batch_id, 0, "%s", b->file);
        char shown[16384];
        size_t len = (size_t)snprintf(shown, sizeof shown, "%s\n", err.message);
        for (size_t m = 0; m < r.nmessages && len < sizeof shown; m++)
            len += (size_t)snprintf(shown + len, sizeof shown - len, "%s\n", r.messages[m]);
        for (int k = 0; k < 4 && b->expect[k]; k++)
            cr_expect(strstr(shown, b->expect[k]) != NULL, "%s: expected '%s' in:\n%s", b->file, b->expect[k], shown);
        cr_expect_eq(r.nmessages, b->nmessages, "%s: %zu messages:\n%s", b->file, r.nmessages, shown);
        pl_lead_import_result_release(&r);
        char *after = tu_db_snapshot(dbpath);
        cr_expect_str_eq(after, before, "%s changed the database", b->file);
        free(after);
    }
    free(before);
}

Test(csv_import, header_only_imports_no_lead_and_records_the_batch)
{
    pl_lead_import_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_import(db, CSV_DIR "header_only.csv", NULL, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.rows, 0);
    cr_assert_eq(r.inserted, 0);
    cr_assert_eq(r.nmessages, 0);
    cr_assert_gt(r.batch_id, 0);
    pl_lead_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead"), 0);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch WHERE format = 'csv' AND options = 'leads'"
                                  " AND n_read = 0 AND n_inserted = 0"), 1);
}

Test(csv_import, three_encodings_land_with_values_history_and_batch)
{
    const char *files[] = {"good_utf8.csv", "good_bom_crlf.csv", "good_gbk_crlf.csv"};
    const char *encs[] = {"utf-8", "utf-8-bom", "gbk"};
    long inserted[] = {3, 2, 2};
    for (int i = 0; i < 3; i++) {
        char path[1024];
        snprintf(path, sizeof path, CSV_DIR "%s", files[i]);
        pl_lead_import_result r;
        pl_error err;
        pl_error_clear(&err);
        int rc = pl_lead_import(db, path, NULL, &r, &err);
        for (size_t m = 0; m < r.nmessages; m++)
            fprintf(stderr, "%s: %s\n", files[i], r.messages[m]);
        cr_assert_eq(rc, PL_OK, "%s: %s", files[i], err.message);
        cr_assert_str_eq(r.encoding, encs[i]);
        cr_assert_eq(r.inserted, inserted[i]);
        cr_assert_eq(strlen(r.sha256), 64);
        pl_lead_import_result_release(&r);
    }
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead"), 7);
    /* EUR 5000 万 × 7.8 = 39000 万元; the Chinese header names and the 万 separators are read */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'DE-001' AND company = '西门子智能制造(青岛)有限公司'"
                                  " AND company_en = 'Siemens Smart Manufacturing (Qingdao) Co., Ltd.'"
                                  " AND country = '德国' AND industry = 'equipment' AND new_economy = 1"
                                  " AND currency = 'EUR' AND investment_foreign = 5000 AND rate = 7.8"
                                  " AND abs(investment - 39000) < 1e-6 AND land_mu = 120 AND tax_per_mu = 30"
                                  " AND output_per_mu = 500 AND contact = 'Hans Müller, +49 89 1234' AND owner = '王磊'"
                                  " AND note = '两期建设：' || char(10) || '一期 60 亩, 二期 60 亩'"
                                  " AND stage = 'contacted' AND stage_date = '2025-03-05'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'JP-001' AND industry = 'equipment'"
                                  " AND new_economy = 0 AND abs(investment - 576) < 1e-9 AND investment_foreign = 12000"
                                  " AND contact = '佐藤 \"Sato\" 健' AND stage_date = '2025-04-08' AND note IS NULL"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'CN-001' AND industry = 'health'"
                                  " AND new_economy = 1 AND investment = 30000 AND currency IS NULL AND rate IS NULL"
                                  " AND stage = 'new'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'KR-001' AND company = '韩国斗山新能源(青岛)有限公司'"
                                  " AND country = '韩国' AND industry = 'energy_materials' AND currency = 'KRW'"
                                  " AND abs(investment - 85000 * 0.0053) < 1e-9"
                                  " AND note = '氢燃料电池,' || char(10) || '储能系统' AND stage = 'intent'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'RU-001' AND company = '俄罗斯诺瓦泰克(青岛)能源装备有限公司'"
                                  " AND country = '俄罗斯' AND currency = 'RUB' AND abs(investment - 42000 * 0.078) < 1e-9"
                                  " AND contact = '伊万诺夫, Ivanov' AND source = '上合示范区' AND stage = 'visited'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'KZ-001' AND industry = 'agriculture'"
                                  " AND currency = 'USD' AND investment = 8000 * 7.1"), 1);
    /* history: one 'created' per lead, one 'stage' per lead past new (5 of 7), with the batch and the line */
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND field = 'created'"
                                  " AND batch_id IS NOT NULL AND who = 'tester'"), 7);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND field = 'stage'"
                                  " AND old_value = 'new' AND batch_id IS NOT NULL"), 5);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND code = 'JP-001'"
                                  " AND field = 'created' AND note = 'imported from good_utf8.csv line 4'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE code = 'KR-001' AND field = 'stage'"
                                  " AND new_value = 'intent' AND effective = '2025-06-18'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM import_batch WHERE format = 'csv' AND options = 'leads'"), 3);
    cr_assert_eq(tu_sql_count(db, "SELECT n_skipped FROM import_batch WHERE file LIKE '%good_bom_crlf.csv'"), 2);
}

Test(csv_import, a_second_import_of_the_same_file_is_refused_and_dry_run_writes_nothing)
{
    pl_lead_import_options dry = {PL_ENCODING_AUTO, 1};
    pl_lead_import_result r;
    pl_error err;
    pl_error_clear(&err);
    char *empty = tu_db_snapshot(dbpath);
    cr_assert_eq(pl_lead_import(db, CSV_DIR "good_utf8.csv", &dry, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 3);
    cr_assert_eq(r.batch_id, 0);
    pl_lead_import_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, empty, "a dry run changed the database");
    free(after);
    free(empty);

    cr_assert_eq(pl_lead_import(db, CSV_DIR "good_utf8.csv", NULL, &r, &err), PL_OK, "%s", err.message);
    pl_lead_import_result_release(&r);
    char *before = tu_db_snapshot(dbpath);
    cr_assert_eq(pl_lead_import(db, CSV_DIR "good_utf8.csv", NULL, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nmessages, 3);
    cr_assert_str_eq(r.messages[0], "line 2: lead 'DE-001' already exists in the database");
    cr_assert_str_eq(r.messages[1], "line 4: lead 'JP-001' already exists in the database");
    cr_assert(strstr(err.message, "3 of 3 rows refused; nothing was imported"), "%s", err.message);
    pl_lead_import_result_release(&r);
    after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
}

Test(csv_import, cli_lead_import_contract)
{
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead import %s", tu_q(CSV_DIR "bad_field_count.csv")),
                 1);
    cr_assert(strstr(errout, "refused: line 3: 3 fields where the header has 4"), "%s", errout);
    cr_assert(strstr(errout, "refused: line 4: 5 fields where the header has 4"), "%s", errout);
    cr_assert(strstr(errout, "parkland: " CSV_DIR "bad_field_count.csv: 2 of 3 rows refused; nothing was imported"),
              "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead import %s --encoding gbk", tu_q(CSV_DIR "good_gbk_crlf.csv")), 0,
                 "%s", errout);
    cr_assert(strstr(out, "imported " CSV_DIR "good_gbk_crlf.csv: 2 leads"), "%s", out);
    cr_assert(strstr(out, "encoding gbk"), "%s", out);
    cr_assert(strstr(out, "batch 1"), "%s", out);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead import %s --encoding latin1", tu_q(CSV_DIR "good_gbk_crlf.csv")), 2);
    cr_assert(strstr(errout, "unknown encoding 'latin1'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "lead import"), 2);
    tu_outputs_free(&out, &errout);
}

Test(csv_import, unnamed_excel_columns_must_stay_empty)
{
    /* Excel keeps a column someone once touched: no name, empty cells — ignored */
    const char *ok = tu_tmp("unnamed-ok.csv");
    tu_write_file(ok, "编号,企业名称,,\r\nU-1,甲公司,,\r\nU-2,乙公司,,\r\n", (size_t)-1);
    pl_lead_import_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_import(db, ok, NULL, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 2);
    pl_lead_import_result_release(&r);
    /* … but a value under no name is data that would be lost: refused */
    const char *bad = tu_tmp("unnamed-bad.csv");
    tu_write_file(bad, "编号,企业名称,\r\nU-3,丙公司,\r\nU-4,丁公司,3000\r\n", (size_t)-1);
    char *before = tu_db_snapshot(dbpath);
    cr_assert_eq(pl_lead_import(db, bad, NULL, &r, &err), PL_ERR_INPUT);
    cr_assert_eq(r.nmessages, 1);
    cr_assert_str_eq(r.messages[0], "line 3: field 3 holds '3000' but its column has no name in the header");
    pl_lead_import_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
}

/* A park column (园区, 意向园区, park) names the park the lead negotiates for, as lead add --park. */
Test(csv_import, the_park_column_sets_the_leads_park_with_its_history)
{
    pl_lead_import_result r;
    pl_error err;
    pl_error_clear(&err);
    cr_assert_eq(pl_park_add(db, "QDIP", "青岛园区", NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
    char *before = tu_db_snapshot(dbpath);
    /* PK-2 names an unknown park: the file is refused whole */
    cr_assert_eq(pl_lead_import(db, CSV_DIR "bad_park.csv", NULL, &r, &err), PL_ERR_INPUT);
    pl_lead_import_result_release(&r);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    const char *path = tu_tmp("park.csv");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("code,company,意向园区\nPK-1,甲公司,QDIP\nPK-3,丙公司,\n", f);
    fclose(f);
    pl_error_clear(&err);
    cr_assert_eq(pl_lead_import(db, path, NULL, &r, &err), PL_OK, "%s", err.message);
    cr_assert_eq(r.inserted, 2);
    pl_lead_import_result_release(&r);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead l JOIN park k ON k.id = l.park_id"
                                  " WHERE l.code = 'PK-1' AND k.code = 'QDIP'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM lead WHERE code = 'PK-3' AND park_id IS NULL"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'lead' AND code = 'PK-1'"
                                  " AND field = 'park' AND new_value = 'QDIP'"), 1);
}
