/*
 * test_print.c — the printed outputs: `parcel sheet` (宗地图 and 界址点成果表 as
 * PDF, the table as XLSX) and `export pdf` (the map sheet). The PDFs are
 * read back with poppler's pdfinfo, pdffonts and pdftotext, the workbook with
 * openpyxl; the table is checked against the stored vertices and against the
 * Ministry TXT export of the same parcels; the map's scale is measured from
 * the PDF's drawing operators.
 */
#include "testutil.h"

#include "parkland/park.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dbpath[1024];

/* QD-H: 300 × 200 m with a 20 × 30 m hole, named 测试&<特殊>; QD-N its neighbour to
 * the east; QD-M two parts with millimetres; QD-C a 40-gon (41 table rows). */
static void make_db(void)
{
    pl_db *db = tu_db_new("print.db", dbpath);
    tu_park_qdip(db);
    tu_add_parcel(db, "QDIP", "QD-H", "available",
                  "POLYGON((509000 3985500, 509300 3985500, 509300 3985700, 509000 3985700, 509000 3985500),"
                  "(509100 3985600, 509100 3985630, 509120 3985630, 509120 3985600, 509100 3985600))");
    tu_sql_exec(db, "UPDATE parcel SET name = '测试&<特殊>', land_use = '工业用地', land_use_code = '0601'"
                    " WHERE code = 'QD-H'");
    tu_add_rect(db, "QDIP", "QD-N", "reserve", 509300, 509400, 3985500, 3985700);
    tu_add_parcel(db, "QDIP", "QD-M", "reserve",
                  "MULTIPOLYGON(((509400 3985500, 509500 3985500, 509500 3985600, 509400 3985600, 509400 3985500)),"
                  "((509600 3985500.123, 509650.456 3985500.123, 509650.456 3985560.789, 509600 3985560.789,"
                  " 509600 3985500.123)))");
    char wkt[4096] = "POLYGON((";
    for (int k = 0; k <= 40; k++) {
        double a = 2 * 3.14159265358979 * (k % 40) / 40;
        snprintf(wkt + strlen(wkt), sizeof wkt - strlen(wkt), "%s%.3f %.3f", k ? ", " : "", 510000 + 100 * cos(a),
                 3986000 + 100 * sin(a));
    }
    strcat(wkt, "))");
    tu_add_parcel(db, "QDIP", "QD-C", "available", wkt);
    tu_db_close(db);
}

/* The output of a shell command (caller frees); the test fails when it fails. */
static char *sh(const char *fmt, const char *a, const char *b)
{
    char *out = NULL, *err = NULL;
    int rc = tu_run(&out, &err, fmt, a, b);
    cr_assert_eq(rc, 0, "%s: %s", fmt, err ? err : "");
    free(err);
    return out;
}

/* The rows of the 界址点成果表 in pdftotext -layout text, one "序号 点号 圈号 X Y [边长]" a line. */
static const char rows_py[] =
    "import re, sys\n"
    "for line in sys.stdin:\n"
    "    m = re.match(r'^\\s*(\\d+)\\s+(J\\d+)\\s+(\\d+)\\s+(\\d+\\.\\d{3})\\s+(\\d+\\.\\d{3})(\\s+(\\d+\\.\\d{2}))?\\s*$', line)\n"
    "    if m: print(' '.join(x for x in m.group(1, 2, 3, 4, 5, 7) if x))\n";

static char *pdf_rows(const char *pdf)
{
    char script[1024];
    snprintf(script, sizeof script, "%s", tu_tmp("rows.py"));
    tu_write_file(script, rows_py, (size_t)-1);
    return sh("pdftotext -layout %s - | python3 %s", tu_q(pdf), tu_q(script));
}

/* The stored vertices in the 界址点 order, as the table prints them. */
static const char rows_h[] =
    "1 J1 1 3985700.000 509000.000\n"
    "2 J2 1 3985700.000 509300.000 300.00\n"
    "3 J3 1 3985500.000 509300.000 200.00\n"
    "4 J4 1 3985500.000 509000.000 300.00\n"
    "5 J1 1 3985700.000 509000.000 200.00\n"
    "6 J5 2 3985630.000 509100.000\n"
    "7 J6 2 3985600.000 509100.000 30.00\n"
    "8 J7 2 3985600.000 509120.000 20.00\n"
    "9 J8 2 3985630.000 509120.000 30.00\n"
    "10 J5 2 3985630.000 509100.000 20.00\n";
static const char rows_m[] =
    "1 J1 1 3985600.000 509400.000\n"
    "2 J2 1 3985600.000 509500.000 100.00\n"
    "3 J3 1 3985500.000 509500.000 100.00\n"
    "4 J4 1 3985500.000 509400.000 100.00\n"
    "5 J1 1 3985600.000 509400.000 100.00\n"
    "6 J5 2 3985560.789 509600.000\n"
    "7 J6 2 3985560.789 509650.456 50.46\n"
    "8 J7 2 3985500.123 509650.456 60.67\n"
    "9 J8 2 3985500.123 509600.000 50.46\n"
    "10 J5 2 3985560.789 509600.000 60.67\n";

Test(sheet, pdf_pages_fonts_text_and_table)
{
    make_db();
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("h.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "parcel sheet QD-H -o %s", tu_q(pdf)), 0, "%s", err);
    cr_assert(strstr(out, "8 boundary points in 2 ring(s), 10 table rows"), "%s", out);
    char *info = sh("pdfinfo %s%s", tu_q(pdf), "");
    cr_assert(strstr(info, "Pages:           2\n"), "%s", info);
    cr_assert(strstr(info, "595.276 x 841.89 pts (A4)"), "%s", info);
    char *fonts = sh("pdffonts %s%s", tu_q(pdf), "");
    int nfonts = 0;
    char *l = strstr(fonts, "\n---");
    cr_assert_not_null(l, "%s", fonts);
    for (l = strchr(l + 1, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        /* name, type, encoding, then emb sub uni object-id generation: emb is the 5th word from the end */
        char *w[32];
        int n = 0;
        char line[512];
        size_t len = strcspn(l + 1, "\n");
        snprintf(line, sizeof line, "%.*s", (int)len, l + 1);
        for (char *tok = strtok(line, " "); tok && n < 32; tok = strtok(NULL, " "))
            w[n++] = tok;
        cr_assert_geq(n, 6, "%s", l + 1);
        cr_assert_str_eq(w[n - 5], "yes", "font not embedded: %.*s", (int)len, l + 1);
        nfonts++;
    }
    cr_assert_geq(nfonts, 1, "%s", fonts);
    cr_assert(strstr(fonts, "NotoSansCJK"), "%s", fonts);
    char *text = sh("pdftotext %s -%s", tu_q(pdf), "");
    cr_assert(strstr(text, "测试&<特殊>"), "the name as written: %s", text);
    cr_assert(strstr(text, "宗地图") && strstr(text, "界址点成果表") && strstr(text, "QD-H"), "%s", text);
    cr_assert(strstr(text, "QD-N"), "the neighbour's code on the map: %s", text);
    cr_assert(strstr(text, "59400.00 m²") && strstr(text, "89.1000 亩") && strstr(text, "5.9400 ha"), "%s", text);
    cr_assert(strstr(text, "工业用地 (0601)") && strstr(text, "可供"), "land use and status: %s", text);
    cr_assert(strstr(text, "J1") && strstr(text, "J8") && strstr(text, "300.00"), "%s", text);
    char *rows = pdf_rows(pdf);
    cr_assert_str_eq(rows, rows_h);
    free(rows);
    free(text);
    free(fonts);
    free(info);
    tu_outputs_free(&out, &err);
}

/* A multi-part parcel: the second part is ring 2, numbered on from the first; the
 * same points, numbers and rings as the Ministry TXT export writes. */
Test(sheet, multipart_matches_the_txt_export)
{
    make_db();
    char pdf[1024], txt[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("m.pdf"));
    snprintf(txt, sizeof txt, "%s", tu_tmp("all.txt"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "parcel sheet QD-M -o %s", tu_q(pdf)), 0, "%s", err);
    char *rows = pdf_rows(pdf);
    cr_assert_str_eq(rows, rows_m);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export txt --encoding utf-8 -o %s", tu_q(txt)), 0, "%s", err);
    char *t = tu_read_file(txt, NULL);
    const char *codes[] = {"QD-H", "QD-M"};
    const char *expect[] = {rows_h, rows_m};
    for (int c = 0; c < 2; c++) {
        if (c == 0) {
            snprintf(pdf, sizeof pdf, "%s", tu_tmp("h.pdf"));
            cr_assert_eq(tu_cli(&out, &err, dbpath, "parcel sheet QD-H -o %s --force", tu_q(pdf)), 0, "%s", err);
        }
        const char *p = strstr(t, codes[c]);
        cr_assert_not_null(p, "%s in the TXT", codes[c]);
        /* each row as the TXT writes it: 点号,圈号,X,Y with the zone prefix (带号 40) */
        for (const char *r = expect[c]; *r; r = strchr(r, '\n') + 1) {
            long seq, num;
            int ring;
            double x, y;
            cr_assert_eq(sscanf(r, "%ld J%ld %d %lf %lf", &seq, &num, &ring, &x, &y), 5);
            char line[128];
            snprintf(line, sizeof line, "\r\nJ%ld,%d,%.3f,%.3f\r\n", num, ring, x, y + 40e6);
            const char *q = strstr(p, line);
            cr_assert_not_null(q, "%s row %ld: %s not in the TXT", codes[c], seq, line + 2);
            p = q + 2; /* in order */
        }
    }
    free(t);
    free(rows);
    tu_outputs_free(&out, &err);
}

/* 41 rows: 24 on the first table page, the rest on a continuation page. */
Test(sheet, continuation_pages)
{
    make_db();
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("c.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "parcel sheet QD-C -o %s", tu_q(pdf)), 0, "%s", err);
    char *info = sh("pdfinfo %s%s", tu_q(pdf), "");
    cr_assert(strstr(info, "Pages:           3\n"), "%s", info);
    char *p2 = sh("pdftotext -f 2 -l 2 %s -%s", tu_q(pdf), "");
    char *p3 = sh("pdftotext -f 3 -l 3 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(p2, "第 2 页 共 3 页") && !strstr(p2, "(续)"), "%s", p2);
    cr_assert(strstr(p3, "界址点成果表(续)") && strstr(p3, "第 3 页 共 3 页") && strstr(p3, "QD-C"), "%s", p3);
    char *rows = pdf_rows(pdf);
    int n = 0;
    for (char *r = rows; (r = strchr(r, '\n')); r++)
        n++;
    cr_assert_eq(n, 41, "%s", rows);
    cr_assert(strstr(rows, "\n41 J1 1 "), "the closing repeat last: %s", rows);
    free(rows);
    free(p2);
    free(p3);
    free(info);
    tu_outputs_free(&out, &err);
}

Test(sheet, refusals_write_nothing)
{
    make_db();
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("x.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_neq(tu_cli(&out, &err, dbpath, "parcel sheet NOPE -o %s", tu_q(pdf)), 0);
    cr_assert(strstr(err, "NOPE"), "%s", err);
    cr_assert_neq(access(pdf, F_OK), 0);
    tu_write_file(pdf, "old", 3);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "parcel sheet QD-H -o %s", tu_q(pdf)), 0);
    char *kept = tu_read_file(pdf, NULL);
    cr_assert_str_eq(kept, "old");
    free(kept);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "parcel sheet QD-H --format svg -o %s", tu_q(pdf)), 0);
    cr_assert(strstr(err, "pdf or xlsx"), "%s", err);
    tu_outputs_free(&out, &err);
}

static const char xlsx_py[] =
    "import sys, openpyxl\n"
    "ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]\n"
    "rows = list(ws.iter_rows(values_only=True))\n"
    "print(ws.title)\n"
    "print(rows[0][0])\n"
    "print('|'.join(rows[1]))\n"
    "for r in rows[2:]:\n"
    "    assert all(isinstance(v, (int, float)) for v in r[3:5]), r\n"
    "    print(' '.join(x for x in ('%d' % r[0], r[1], '%d' % r[2], '%.3f' % r[3], '%.3f' % r[4],\n"
    "                                '%.2f' % r[5] if r[5] is not None else None) if x))\n";

Test(sheet, xlsx_read_back)
{
    const char *py = NULL;
    static const char *const cands[] = {"/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 2 && !py; i++)
        if (tu_run(NULL, NULL, "%s -c 'import openpyxl'", cands[i]) == 0)
            py = cands[i];
    if (!py)
        cr_skip("python3-openpyxl is not installed (scripts/install-deps installs it)");
    make_db();
    char x[1024], script[1024];
    snprintf(x, sizeof x, "%s", tu_tmp("m.xlsx"));
    snprintf(script, sizeof script, "%s", tu_tmp("x.py"));
    tu_write_file(script, xlsx_py, (size_t)-1);
    char *out = NULL, *err = NULL;
    for (int c = 0; c < 2; c++) {
        cr_assert_eq(tu_cli(&out, &err, dbpath, "parcel sheet %s --format xlsx -o %s --force", c ? "QD-M" : "QD-H",
                            tu_q(x)), 0, "%s", err);
        cr_assert_eq(tu_rerun(&out, &err, "%s %s %s", py, script, tu_q(x)), 0, "%s", err);
        const char *nl = strchr(out, '\n');
        cr_assert(!strncmp(out, "界址点成果表\n", strlen("界址点成果表\n")), "%s", out);
        nl = strchr(nl + 1, '\n');
        cr_assert(strstr(out, c ? "宗地号 QD-M" : "宗地号 QD-H"), "%s", out);
        cr_assert(strstr(out, c ? "13060.96 m²" : "59400.00 m²"), "%s", out);
        const char *hdr = "序号|点号|圈号|X (北 m)|Y (东 m)|边长 (m)\n";
        cr_assert(!strncmp(nl + 1, hdr, strlen(hdr)), "%s", out);
        cr_assert_str_eq(nl + 1 + strlen(hdr), c ? rows_m : rows_h);
    }
    tu_outputs_free(&out, &err);
}

/* ---- export pdf: the map sheet ---------------------------------------------------------------- */

/* The subpaths drawn on page 1, from the content streams' m/l/h operators, in
 * millimetres (each "n x0 y0 x1 y1 …" a line). cairo writes one flip of the
 * page (1 0 0 -1 0 H cm) and the coordinates in points; distances keep. */
static const char paths_py[] =
    "import re, sys, zlib\n"
    "d = open(sys.argv[1], 'rb').read()\n"
    "mm = 25.4 / 72\n"
    "for m in re.finditer(rb'obj\\s*<<(.*?)>>\\s*stream\\r?\\n', d, re.S):\n"
    "    if b'FlateDecode' not in m.group(1) or b'Length1' in m.group(1) or b'Subtype' in m.group(1): continue\n"
    "    end = d.find(b'endstream', m.end())\n"
    "    try: t = zlib.decompress(d[m.end():end]).decode('latin1')\n"
    "    except Exception: continue\n"
    "    for cm in re.findall(r'([-\\d. ]+) cm', t):\n"
    "        a = [float(v) for v in cm.split()]\n"
    "        if abs(abs(a[0]) - 1) > 1e-9 or abs(abs(a[3]) - 1) > 1e-9 or a[1] or a[2]: sys.exit('a scaled cm: ' + cm)\n"
    "    ops, cur = [], None\n"
    "    for tok in t.split():\n"
    "        if re.fullmatch(r'-?\\d+(\\.\\d+)?', tok): ops.append(float(tok)); continue\n"
    "        if tok == 'm' and len(ops) >= 2:\n"
    "            if cur: print(len(cur) // 2, ' '.join('%.4f' % v for v in cur))\n"
    "            cur = [ops[-2] * mm, ops[-1] * mm]\n"
    "        elif tok == 'l' and len(ops) >= 2 and cur is not None: cur += [ops[-2] * mm, ops[-1] * mm]\n"
    "        elif tok != 'h' and cur:\n"
    "            print(len(cur) // 2, ' '.join('%.4f' % v for v in cur)); cur = None\n"
    "        ops = []\n";

static void map_db_pdf(const char *args, const char *pdf)
{
    char *out = NULL, *err = NULL;
    int rc = tu_cli(&out, &err, dbpath, "export pdf %s -o %s --force", args, tu_q(pdf));
    cr_assert_eq(rc, 0, "%s", err);
    tu_outputs_free(&out, &err);
}

/* At 1:10000, the first vertex of QD-H (509000, 3985500) and of QD-C (510100, 3986000),
 * 1208.305 m apart on the ground, are 120.8305 mm apart on the page, within 0.1 mm. */
Test(map, scale_on_paper)
{
    make_db();
    char pdf[1024], script[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("scale.pdf"));
    snprintf(script, sizeof script, "%s", tu_tmp("paths.py"));
    tu_write_file(script, paths_py, (size_t)-1);
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf --status available --scale 1:10000 -o %s", tu_q(pdf)), 0,
                 "%s", err);
    cr_assert(strstr(out, "at 1:10000") && !strstr(out, "centre only"), "%s", out);
    cr_assert_eq(tu_rerun(&out, &err, "python3 %s %s", script, tu_q(pdf)), 0, "%s", err);
    double hx = NAN, hy = NAN, hw = 0, cx = NAN, cy = NAN;
    for (char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        int n = atoi(l);
        double v[8];
        /* cairo closes a ring with h: the closing point is not repeated */
        if (n == 4 && sscanf(strchr(l, ' '), "%lf %lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4],
                             &v[5], &v[6], &v[7]) == 8) {
            double w = fabs(v[2] - v[0]) + fabs(v[5] - v[3]);
            if (w > hw) { /* the outer ring of QD-H, not its hole */
                hw = w;
                hx = v[0];
                hy = v[1];
            }
        } else if (n == 40 && isnan(cx)) {
            sscanf(strchr(l, ' '), "%lf %lf", &cx, &cy);
        }
    }
    cr_assert(!isnan(hx) && !isnan(cx), "paths: %s", out);
    double ground = hypot(510100 - 509000, 3986000 - 3985500); /* m */
    double paper = hypot(cx - hx, cy - hy);                   /* mm */
    cr_assert_float_eq(paper, ground / 10000 * 1000, 0.1, "paper %.4f mm for %.3f m", paper, ground);
    /* and the sides of QD-H: 300 m → 30 mm */
    cr_assert_float_eq(hw, 30 + 20, 0.1, "%.4f", hw);
    tu_outputs_free(&out, &err);
}

Test(map, page_fonts_text_legend_and_colours)
{
    make_db();
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("a3.pdf"));
    map_db_pdf("--page A3 --landscape --theme availability --as-of 2026-03-01", pdf);
    char *info = sh("pdfinfo %s%s", tu_q(pdf), "");
    cr_assert(strstr(info, "Pages:           1\n"), "%s", info);
    cr_assert(strstr(info, "1190.55 x 841.89 pts (A3)"), "%s", info);
    char *fonts = sh("pdffonts %s | tail -n +3 | awk '{print $(NF-4)}' | sort -u%s", tu_q(pdf), "");
    cr_assert_str_eq(fonts, "yes\n");
    char *text = sh("pdftotext -layout %s -%s", tu_q(pdf), "");
    cr_assert(strstr(text, "示范园区 QDIP") && strstr(text, "土地供应"), "title: %s", text);
    cr_assert(strstr(text, "可供 Available 2 宗") && strstr(text, "储备 Land bank 2 宗"), "legend: %s", text);
    cr_assert(strstr(text, "合计 4 宗"), "%s", text);
    cr_assert(strstr(text, "QD-H") && strstr(text, "QD-M"), "labels: %s", text);
    cr_assert(strstr(text, "比例尺 1:"), "%s", text);
    cr_assert(strstr(text, "数据截至 as of 2026-03-01") && strstr(text, "EPSG:4549"), "%s", text);
    cr_assert(strstr(text, "3986000") && strstr(text, "509500"), "grid coordinates on the frame: %s", text);
    /* rendered: not blank, and the classes' colours are there */
    char *px = sh("pdftoppm -r 30 -png %s | python3 -c \"import sys, zlib, struct\n"
                  "d = sys.stdin.buffer.read()\n"
                  "print(len(d) > 1000)\"%s", tu_q(pdf), "");
    cr_assert_str_eq(px, "True\n");
    char ppm[1024];
    snprintf(ppm, sizeof ppm, "%s", tu_tmp("r"));
    free(sh("pdftoppm -r 30 %s %s", tu_q(pdf), tu_q(ppm)));
    char *colours = sh("python3 -c \"import sys, glob\n"
                       "d = open(glob.glob(sys.argv[1] + '*.ppm')[0], 'rb').read()\n"
                       "h = d.split(b'\\n', 3); px = h[3]\n"
                       "c = {}\n"
                       "for i in range(0, len(px) - 2, 3): c[px[i:i+3]] = c.get(px[i:i+3], 0) + 1\n"
                       "white = c.get(b'\\xff\\xff\\xff', 0)\n"
                       "print('non-white %%.3f' %% (1 - white / (len(px) / 3)), 'colours', sum(1 for v in c.values() if v > 20))\" %s%s",
                       tu_q(ppm), "");
    double nonwhite = 0;
    int ncol = 0;
    cr_assert_eq(sscanf(colours, "non-white %lf colours %d", &nonwhite, &ncol), 2, "%s", colours);
    cr_assert_gt(nonwhite, 0.01, "%s", colours);
    cr_assert_geq(ncol, 4, "%s", colours);
    free(colours);
    free(px);
    free(text);
    free(fonts);
    free(info);
}

Test(map, fit_and_refusals)
{
    make_db();
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("fit.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf --theme landing --scale fit -o %s", tu_q(pdf)), 0, "%s", err);
    /* 1.2 km wide on a 162 mm frame: 1:10000 is the smallest nice scale that holds it */
    cr_assert(strstr(out, "at 1:10000"), "%s", out);
    char *text = sh("pdftotext %s -%s", tu_q(pdf), "");
    cr_assert(strstr(text, "项目落地") && strstr(text, "未签约"), "%s", text);
    free(text);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf --scale 1:1000 -o %s --force", tu_q(pdf)), 0, "%s", err);
    cr_assert(strstr(out, "pages after an index sheet"), "does not fit at 1:1000: %s", out);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "export pdf --scale 1:abc -o %s --force", tu_q(pdf)), 0);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "export pdf --page A5 -o %s --force", tu_q(pdf)), 0);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "export geojson --scale 1:1000 -o %s --force", tu_q(pdf)), 0);
    cr_assert(strstr(err, "pdf"), "%s", err);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "export pdf --gcj02 -o %s --force", tu_q(pdf)), 0);
    tu_outputs_free(&out, &err);
}

/* Crowded parcels: the codes shrink to fit or are left out, and no two overlap
 * (word boxes of pdftotext -bbox). */
Test(map, labels_shrink_or_are_omitted)
{
    pl_db *db = tu_db_new("crowd.db", dbpath);
    tu_park_qdip(db);
    char code[32];
    for (int i = 0; i < 60; i++) { /* 60 strips 4 m wide, then 6 blocks 150 m wide */
        snprintf(code, sizeof code, "S-%02d", i);
        tu_add_rect(db, "QDIP", code, "available", 509000 + 4 * i, 509004 + 4 * i, 3985000, 3985300);
    }
    for (int i = 0; i < 6; i++) {
        snprintf(code, sizeof code, "B-%02d", i);
        tu_add_rect(db, "QDIP", code, "reserve", 509300 + 150 * i, 509450 + 150 * i, 3985000, 3985300);
    }
    tu_db_close(db);
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("crowd.pdf"));
    map_db_pdf("--landscape", pdf);
    char *words = sh("pdftotext -bbox %s - | python3 -c \"import re, sys\n"
                     "w = [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer("
                     "r'<word xMin=.([\\d.]+). yMin=.([\\d.]+). xMax=.([\\d.]+). yMax=.([\\d.]+).>([SB]-\\d\\d)</word>', sys.stdin.read())]\n"
                     "bad = [(a[0], b[0]) for i, a in enumerate(w) for b in w[i + 1:]"
                     " if a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01 and a[2] < b[4] - 0.01 and b[2] < a[4] - 0.01]\n"
                     "print(len([x for x in w if x[0][0] == 'S']), len([x for x in w if x[0][0] == 'B']), len(bad))\"%s",
                     tu_q(pdf), "");
    int s = -1, b = -1, overlaps = -1;
    cr_assert_eq(sscanf(words, "%d %d %d", &s, &b, &overlaps), 3, "%s", words);
    cr_assert_eq(b, 6, "every wide block labelled: %s", words);
    cr_assert_lt(s, 60, "not every strip can hold its code: %s", words);
    cr_assert_eq(overlaps, 0, "%s", words);
    free(words);
}

/* Parcels under the pen (2 m at 1:10000 is 0.57 pt) go into one raster image of the
 * frame, not into the page's vector recording: the PDF holds one 200 ppi image and no
 * path of theirs, the legend still counts them, and their colour shows when rendered. */
Test(map, parcels_under_the_pen_are_rastered)
{
    pl_db *db = tu_db_new("tiny.db", dbpath);
    tu_park_qdip(db);
    char code[32];
    for (int i = 0; i < 400; i++) {
        snprintf(code, sizeof code, "T-%03d", i);
        double x = 509000 + 50 * (i % 20), y = 3985000 + 50 * (i / 20);
        tu_add_rect(db, "QDIP", code, i % 2 ? "available" : "reserve", x, x + 2, y, y + 2);
    }
    tu_add_rect(db, "QDIP", "BIG", "available", 509000, 509400, 3986000, 3986300);
    tu_db_close(db);
    char pdf[1024], script[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("tiny.pdf"));
    snprintf(script, sizeof script, "%s", tu_tmp("paths.py"));
    tu_write_file(script, paths_py, (size_t)-1);
    map_db_pdf("--scale 1:10000", pdf);
    char *imgs = sh("pdfimages -list %s | awk 'NR > 2 && $3 == \"image\" {print $4, $5, $13}'%s", tu_q(pdf), "");
    int w = 0, h = 0, ppi = 0;
    cr_assert_eq(sscanf(imgs, "%d %d %d", &w, &h, &ppi), 3, "%s", imgs);
    cr_assert(!strchr(imgs, '\n') || !strchr(strchr(imgs, '\n') + 1, '\n'), "one image: %s", imgs);
    cr_assert_eq(ppi, 200, "%s", imgs);
    tu_write_file(script,
                  "import re, sys, zlib\n"
                  "d = open(sys.argv[1], 'rb').read(); n = 0\n"
                  "for m in re.finditer(rb'obj\\s*<<(.*?)>>\\s*stream\\r?\\n', d, re.S):\n"
                  "    if b'FlateDecode' not in m.group(1) or b'Length1' in m.group(1) or b'Subtype' in m.group(1): continue\n"
                  "    try: t = zlib.decompress(d[m.end():d.find(b'endstream', m.end())]).decode('latin1')\n"
                  "    except Exception: continue\n"
                  "    n += len(re.findall(r'\\s(m|re)\\s', t))\n"
                  "print(n)\n",
                  (size_t)-1);
    char *paths = sh("python3 %s %s", script, tu_q(pdf));
    cr_assert_lt(atoi(paths), 200, "the 400 tiny parcels are not vector paths (the frame, ticks, legend are): %s", paths);
    char *text = sh("pdftotext -layout %s -%s", tu_q(pdf), "");
    cr_assert(strstr(text, "合计 401 宗"), "%s", text);
    cr_assert(strstr(text, "BIG"), "the big parcel is still labelled: %s", text);
    char *dark = sh("pdftoppm -r 200 -gray %s | python3 -c \"import sys\n"
                    "d = sys.stdin.buffer.read().split(b'\\n', 3)[3]\n"
                    "print(sum(1 for b in d if b < 200))\"%s", tu_q(pdf), "");
    cr_assert_gt(atoi(dark), 400, "the rastered parcels show: %s", dark);
    free(dark);
    free(text);
    free(paths);
    free(imgs);
}

/* 48 parcels 50 m square at a 250 m pitch over 1800 × 1300 m: at 1:5000 an A4 portrait
 * frame holds 810 × 1125 m, so 3 × 2 pages (no parcel crosses a page edge), after the
 * index sheet; every code is on exactly one map page, none on the index. */
Test(map, pages_and_index_sheet)
{
    pl_db *db = tu_db_new("pages.db", dbpath);
    tu_park_qdip(db);
    char code[32];
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 8; c++) {
            snprintf(code, sizeof code, "G-%d-%d", r, c);
            double x = 509000 + 250 * c, top = 3987000 - 250 * r;
            tu_add_rect(db, "QDIP", code, c % 2 ? "available" : "reserve", x, x + 50, top - 50, top);
        }
    tu_db_close(db);
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("pages.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf --scale 1:5000 -o %s", tu_q(pdf)), 0, "%s", err);
    cr_assert(strstr(out, "at 1:5000 on 6 pages after an index sheet"), "%s", out);
    tu_outputs_free(&out, &err);
    char *info = sh("pdfinfo %s%s", tu_q(pdf), "");
    cr_assert(strstr(info, "Pages:           7\n"), "%s", info);
    char *index = sh("pdftotext -f 1 -l 1 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(index, "索引图 index sheet") && strstr(index, "分 6 幅"), "%s", index);
    cr_assert(!strstr(index, "G-0-0"), "no codes on the index: %s", index);
    for (int i = 1; i <= 6; i++) {
        char n[8];
        snprintf(n, sizeof n, "\n%d\n", i);
        cr_assert(strstr(index, n), "page number %d on the index: %s", i, index);
    }
    char *codes = sh("for i in 2 3 4 5 6 7; do pdftotext -f $i -l $i %s - | grep -o 'G-[0-9]-[0-9]' | sort -u; done"
                     " | sort | uniq -c | awk '{print $1}' | sort | uniq -c%s", tu_q(pdf), "");
    /* every code on a map page; those in the strips where pages overlap on two */
    cr_assert_str_eq(codes, "     36 1\n     12 2\n", "every code over the map pages: %s", codes);
    char *p2 = sh("pdftotext -f 2 -l 2 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(p2, "第 1/6 幅 sheet 1 of 6") && strstr(p2, "G-0-0") && !strstr(p2, "G-0-7"), "%s", p2);
    cr_assert(strstr(p2, "合计 48 宗") && strstr(p2, "比例尺 1:5000"), "the whole map's legend: %s", p2);
    free(p2);
    free(codes);
    free(index);
    free(info);
}

/* lead brief: one page per candidate of `match`, best first, with the score and its
 * reasons in Chinese and English; fonts embedded; refusals write nothing. */
Test(brief, one_page_per_candidate)
{
    make_db();
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("brief.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "lead add LD-1 --company 某某新能源有限公司 --land-mu 90 --investment 30000"),
                 0, "%s", err);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "match LD-1 --format csv"), 0, "%s", err);
    char *qdh = strstr(out, "QD-H"), *qdc = strstr(out, "QD-C");
    cr_assert(qdh && qdc, "%s", out);
    int h_first = qdh < qdc; /* QD-H is 90 亩 (the demand), QD-C about 47 */
    cr_assert(h_first, "%s", out);
    /* no contacts on record yet: the brief says so */
    cr_assert_eq(tu_cli(&out, &err, dbpath, "lead brief LD-1 --top 1 -o %s", tu_q(pdf)), 0, "%s", err);
    char *none = sh("pdftotext -layout %s -%s", tu_q(pdf), "");
    cr_assert(strstr(none, "园区联系方式未登记 the park's contacts are not on record"), "%s", none);
    free(none);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "park edit QDIP --contact-name 王经理 --contact-phone 0532-86881234"
                                            " --contact-address '青岛市西海岸新区 1 号' --contact-email invest@qdip.example.cn"),
                 0, "%s", err);
    cr_assert(strstr(out, "4 fields changed"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "history park QDIP"), 0, "%s", err);
    cr_assert(strstr(out, "contact_phone") && strstr(out, "0532-86881234") && strstr(out, "contact_name"), "%s", out);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "park edit QDIP --contact-email not-an-address"), 0);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "lead brief LD-1 -o %s --force", tu_q(pdf)), 0, "%s", err);
    cr_assert(strstr(out, "2 candidate parcel(s)"), "%s", out);
    char *info = sh("pdfinfo %s%s", tu_q(pdf), "");
    cr_assert(strstr(info, "Pages:           2\n"), "%s", info);
    char *fonts = sh("pdffonts %s | tail -n +3 | awk '{print $(NF-4)}' | sort -u%s", tu_q(pdf), "");
    cr_assert_str_eq(fonts, "yes\n");
    char *p1 = sh("pdftotext -layout -f 1 -l 1 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(p1, "招商地块推介 investor brief") && strstr(p1, "某某新能源有限公司"), "%s", p1);
    cr_assert(strstr(p1, "候选地块 1/2 candidate 1 of 2") && strstr(p1, "宗地号 parcel QD-H"), "%s", p1);
    cr_assert(strstr(p1, "匹配度 match score") && strstr(p1, "面积 area: 需求 90.0 亩") && strstr(p1, "连片 contiguity"),
              "%s", p1);
    cr_assert(strstr(p1, "测试&<特殊>") && strstr(p1, "示范园区"), "name and park: %s", p1);
    cr_assert(strstr(p1, "比例尺 1:"), "the location map's scale: %s", p1);
    cr_assert(strstr(p1, "园区联系方式 park contacts") && strstr(p1, "王经理") && strstr(p1, "0532-86881234") &&
                  strstr(p1, "invest@qdip.example.cn") && strstr(p1, "青岛市西海岸新区 1 号"),
              "the park's contacts on each page: %s", p1);
    char *p2 = sh("pdftotext -layout -f 2 -l 2 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(p2, "宗地号 parcel QD-C") && strstr(p2, "candidate 2 of 2"), "%s", p2);
    cr_assert(strstr(p2, "王经理") && strstr(p2, "0532-86881234"), "contacts on page 2 too: %s", p2);
    cr_assert_eq(tu_cli(&out, &err, dbpath, "lead brief LD-1 --top 1 -o %s --force", tu_q(pdf)), 0, "%s", err);
    free(info);
    info = sh("pdfinfo %s%s", tu_q(pdf), "");
    cr_assert(strstr(info, "Pages:           1\n"), "--top 1: %s", info);
    char other[1024];
    snprintf(other, sizeof other, "%s", tu_tmp("nobrief.pdf"));
    cr_assert_neq(tu_cli(&out, &err, dbpath, "lead brief NOSUCH -o %s", tu_q(other)), 0);
    cr_assert_neq(tu_cli(&out, &err, dbpath, "lead brief LD-1 --top 0 -o %s", tu_q(other)), 0);
    cr_assert(access(other, F_OK) != 0, "nothing written");
    tu_outputs_free(&out, &err);
    free(p2);
    free(p1);
    free(fonts);
    free(info);
}

/* report pack: contents page with each section's first page, the two maps, the
 * report tables with their definitions, the idle land, "第 N 页 / 共 M 页" on
 * every page; the page count pdfinfo reads is the M printed. */
Test(pack, contents_sections_and_page_numbers)
{
    char path[1024];
    pl_db *db = tu_db_new("pack.db", path);
    char *sql = tu_read_file(TEST_DATA_DIR "/report/dataset.sql", NULL);
    cr_assert_not_null(sql);
    tu_sql_exec(db, sql);
    free(sql);
    tu_db_close(db);
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("pack.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, path, "report pack --as-of 2024-06-30 -o %s", tu_q(pdf)), 0, "%s", err);
    int pages = 0, sections = 0;
    size_t alerts = 0, idle = 0;
    char *w = strstr(out, "→");
    cr_assert(w && sscanf(strstr(w, "(") + 1, "%d pages, %d sections, %zu alerts, %zu idle", &pages, &sections,
                          &alerts, &idle) == 4, "%s", out);
    cr_assert_eq(sections, 7, "%s", out);
    cr_assert_eq(alerts, 6, "%s", out);
    cr_assert_eq(idle, 1, "P3's B1, suspected idle: %s", out);
    char *info = sh("pdfinfo %s%s", tu_q(pdf), "");
    char want[64];
    snprintf(want, sizeof want, "Pages:           %d\n", pages);
    cr_assert(strstr(info, want), "%d pages: %s", pages, info);
    cr_assert(strstr(info, "595.276 x 841.89 pts (A4)"), "%s", info);
    cr_assert_geq(pages, 7, "contents, 2 maps, 4 sections of tables");
    char *fonts = sh("pdffonts %s | tail -n +3 | awk '{print $(NF-4)}' | sort -u%s", tu_q(pdf), "");
    cr_assert_str_eq(fonts, "yes\n");
    /* the contents: each section with the page pdftotext finds its title on */
    char *p1 = sh("pdftotext -layout -f 1 -l 1 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(p1, "目录 contents") && strstr(p1, "会议材料 meeting pack") && strstr(p1, "2024-06-30"), "%s", p1);
    static const char *const titles[] = {"可供土地图 availability map", "项目落地图 landing map",
                                         "可供土地 land availability", "项目落地 project landing", "预警 alerts",
                                         "考核指标 scored figures", "闲置土地 idle land"};
    /* what each section's first page shows */
    static const char *const heads[] = {"土地供应", "项目落地", "可供土地 land availability", "项目落地 project landing",
                                        "预警汇总 alerts by kind", "考核指标 scored figures",
                                        "闲置土地案件 open idle-land cases"};
    int last = 1;
    for (size_t i = 0; i < 7; i++) {
        char *line = strstr(p1, titles[i]);
        cr_assert_not_null(line, "%s in the contents: %s", titles[i], p1);
        char *eol = strchr(line, '\n');
        cr_assert_not_null(eol);
        char *q = eol;
        while (q > line && q[-1] >= '0' && q[-1] <= '9')
            q--;
        int page = atoi(q);
        cr_assert_gt(page, last, "%s on page %d after %d", titles[i], page, last);
        last = page;
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "pdftotext -layout -f %d -l %d %s -", page, page, tu_q(pdf));
        char *text = NULL, *e2 = NULL;
        cr_assert_eq(tu_run(&text, &e2, "%s", cmd), 0);
        cr_assert(strstr(text, heads[i]), "section %zu on page %d: %s", i + 1, page, text);
        char foot[96];
        snprintf(foot, sizeof foot, "第 %d 页 / 共 %d 页 · page %d of %d", page, pages, page, pages);
        cr_assert(strstr(text, foot), "%s: %s", foot, text);
        tu_outputs_free(&text, &e2);
    }
    char *all = sh("pdftotext -layout %s -%s", tu_q(pdf), "");
    cr_assert(strstr(all, "指标定义 definitions") && strstr(all, "开工率") && strstr(all, "约定开工日"),
              "definitions with numerator and denominator: %.3000s", all);
    cr_assert(strstr(all, "P3"), "the idle case: %.3000s", all);
    /* the kpi figures with their definitions: 开工率 with numerator, denominator and target */
    char *kpi = strstr(all, "考核指标 scored figures\n");
    cr_assert_not_null(kpi, "%.3000s", all);
    cr_assert(strstr(kpi, "start_rate") && strstr(kpi, "考核指标定义 definitions of the scored figures") &&
                  strstr(kpi, "有效开工期限 ≤ 统计日的项目(应开工)"),
              "%.4000s", kpi);
    /* the idle land: the open case of B1 (stage, days, evidence), then the alerts' idle row of P3 */
    char *idle_sec = strstr(kpi, "闲置土地案件 open idle-land cases");
    cr_assert_not_null(idle_sec, "%.4000s", kpi);
    cr_assert(strstr(idle_sec, "B1") && strstr(idle_sec, "疑似闲置 suspected") && strstr(idle_sec, "not started"),
              "%.3000s", idle_sec);
    cr_assert(strstr(idle_sec, "闲置与收回预警 idle-land and reclaim alerts") && strstr(idle_sec, "闲置预警"), "%.3000s",
              idle_sec);
    char foot[96];
    snprintf(foot, sizeof foot, "第 %d 页 / 共 %d 页", pages, pages);
    cr_assert(strstr(all, foot), "the last page's number");
    /* refusals: no -o, an existing file without --force */
    cr_assert_neq(tu_cli(&out, &err, path, "report pack --as-of 2024-06-30"), 0);
    cr_assert_neq(tu_cli(&out, &err, path, "report pack -o %s", tu_q(pdf)), 0);
    tu_outputs_free(&out, &err);
    free(all);
    free(p1);
    free(fonts);
    free(info);
}

/* Schema 12: a database of schema 8 (no park_contact) gets the table when opened,
 * and its parks' contacts can be set. */
Test(brief, contact_table_migrates)
{
    make_db();
    pl_db *db = NULL;
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
    tu_sql_exec(db, "DROP TABLE park_contact; PRAGMA user_version = 8; UPDATE meta SET value = '8' WHERE key = 'schema_version'");
    tu_db_close(db);
    cr_assert_eq(pl_db_open(dbpath, &db, &e), PL_OK, "%s", e.message);
    cr_assert_eq(tu_sql_count(db, "PRAGMA user_version"), PL_SCHEMA_VERSION);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'park_contact'"), 1);
    pl_park_contact_edit c = {"李四", "13800000000", NULL, NULL};
    int n = 0;
    cr_assert_eq(pl_park_edit_contact(db, "QDIP", NULL, NULL, NULL, &c, NULL, &n, &e), PL_OK, "%s", e.message);
    cr_assert_eq(n, 2);
    pl_park_contact got;
    cr_assert_eq(pl_park_contact_get(db, "QDIP", &got, &e), PL_OK, "%s", e.message);
    cr_assert_str_eq(got.name, "李四");
    cr_assert_str_eq(got.phone, "13800000000");
    cr_assert_str_eq(got.email, "");
    /* the same again changes nothing; "" clears */
    cr_assert_eq(pl_park_edit_contact(db, "QDIP", NULL, NULL, NULL, &c, NULL, &n, &e), PL_OK, "%s", e.message);
    cr_assert_eq(n, 0);
    pl_park_contact_edit clear = {NULL, "", NULL, NULL};
    cr_assert_eq(pl_park_edit_contact(db, "QDIP", NULL, NULL, NULL, &clear, NULL, &n, &e), PL_OK, "%s", e.message);
    cr_assert_eq(n, 1);
    cr_assert_eq(pl_park_contact_get(db, "QDIP", &got, &e), PL_OK, "%s", e.message);
    cr_assert_str_eq(got.phone, "");
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM history WHERE entity = 'park' AND field LIKE 'contact_%'"), 3);
    tu_db_close(db);
}

/* Shrink, then leader, then omit: the code of a strip 4 m wide cannot go inside
 * it even at the smallest size, and there is free paper to its east: it is
 * printed beside the strip, with a thin line from the strip's label point to
 * the label (a two-point path from inside the strip to the label's edge). */
Test(map, label_beside_with_a_leader)
{
    pl_db *db = tu_db_new("leader.db", dbpath);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "QD-BIG", "available", 509000, 509200, 3985500, 3985700);
    tu_add_rect(db, "QDIP", "QD-L1", "reserve", 509300, 509304, 3985560, 3985640);
    tu_db_close(db);
    char pdf[1024], script[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("leader.pdf"));
    snprintf(script, sizeof script, "%s", tu_tmp("paths.py"));
    tu_write_file(script, paths_py, (size_t)-1);
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf -o %s", tu_q(pdf)), 0, "%s", err);
    const char *at = strstr(out, "at 1:");
    cr_assert_not_null(at, "%s", out);
    double n = atof(at + 5);
    cr_assert_gt(n, 0);
    /* the strip on paper (mm from the left): the frame's centre is the page's, at the extent's centre */
    double x0 = 105 + (509300 - 509152) * 1000 / n, x1 = 105 + (509304 - 509152) * 1000 / n;
    double y0 = 138.5 - (3985640 - 3985600) * 1000 / n, y1 = 138.5 - (3985560 - 3985600) * 1000 / n;
    cr_assert_lt((x1 - x0) * 72 / 25.4, 5 * 0.55 * 3.5, "too narrow for the code at the smallest size");
    char *word = sh("pdftotext -bbox %s - | grep -o '<word [^>]*>QD-L1<'%s", tu_q(pdf), "");
    double wx0, wy0, wx1, wy1;
    cr_assert_eq(sscanf(word, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &wx0, &wy0, &wx1, &wy1), 4,
                 "%s", word);
    wx0 *= 25.4 / 72, wx1 *= 25.4 / 72, wy0 *= 25.4 / 72, wy1 *= 25.4 / 72;
    cr_assert(wx0 > x1 || wx1 < x0, "the code is beside the strip, not on it: %.2f–%.2f mm, strip %.2f–%.2f", wx0, wx1,
              x0, x1);
    double gap = wx0 > x1 ? wx0 - x1 : x0 - wx1, edge = wx0 > x1 ? wx0 : wx1; /* the label's edge facing the strip */
    cr_assert_lt(gap, 8, "and near it: %.2f mm away", gap);
    cr_assert((wy0 + wy1) / 2 > y0 && (wy0 + wy1) / 2 < y1, "level with the strip: %.2f in %.2f–%.2f", (wy0 + wy1) / 2,
              y0, y1);
    cr_assert_eq(tu_rerun(&out, &err, "python3 %s %s", script, tu_q(pdf)), 0, "%s", err);
    int leaders = 0;
    for (char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        double a, b, c, d;
        if (atoi(l) == 2 && sscanf(strchr(l, ' '), "%lf %lf %lf %lf", &a, &b, &c, &d) == 4 && a > x0 - 0.05 &&
            a < x1 + 0.05 && fabs(c - edge) < 0.6)
            leaders++;
    }
    cr_assert_eq(leaders, 1, "one leader line from the strip to its code: %s", out);
    /* the big parcel's code is inside it, with no leader */
    free(word);
    word = sh("pdftotext -bbox %s - | grep -c '>QD-BIG<'%s", tu_q(pdf), "");
    cr_assert_str_eq(word, "1\n");
    free(word);
    tu_outputs_free(&out, &err);
}

/* paths_py for a page cut out by pdfseparate: every compressed stream that is a
 * page's content (cairo starts it with its y flip). */
static const char page_paths_py[] =
    "import re, sys, zlib\n"
    "d = open(sys.argv[1], 'rb').read()\n"
    "mm = 25.4 / 72\n"
    "for m in re.finditer(rb'stream\\r?\\n', d):\n"
    "    end = d.find(b'endstream', m.end())\n"
    "    try: t = zlib.decompress(d[m.end():end]).decode('latin1')\n"
    "    except Exception: continue\n"
    "    if not t.startswith('1 0 0 -1 0 '): continue\n"
    "    ops, cur = [], None\n"
    "    for tok in t.split():\n"
    "        if re.fullmatch(r'-?\\d+(\\.\\d+)?', tok): ops.append(float(tok)); continue\n"
    "        if tok == 'm' and len(ops) >= 2:\n"
    "            if cur: print(len(cur) // 2, ' '.join('%.4f' % v for v in cur))\n"
    "            cur = [ops[-2] * mm, ops[-1] * mm]\n"
    "        elif tok == 'l' and len(ops) >= 2 and cur is not None: cur += [ops[-2] * mm, ops[-1] * mm]\n"
    "        elif tok == 're' and len(ops) >= 4:\n"
    "            x, y, w, h = (v * mm for v in ops[-4:])\n"
    "            print(4, ' '.join('%.4f' % v for v in (x, y, x + w, y, x + w, y + h, x, y + h)))\n"
    "        elif tok != 'h' and cur:\n"
    "            print(len(cur) // 2, ' '.join('%.4f' % v for v in cur)); cur = None\n"
    "        ops = []\n";

/* Pages overlap: a parcel 40 m wide across the cut of pages 810 m wide (1:5000,
 * A4 portrait: a 162 mm frame) is whole on the second page, which starts 5 % of
 * a frame earlier (769.5 m east of the grid's west edge, the parcel at 790–830 m):
 * its four corners are inside that page's frame, where the overlap puts them;
 * the index sheet says the pages overlap. */
Test(map, pages_overlap)
{
    pl_db *db = tu_db_new("overlap.db", dbpath);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "OV-W", "reserve", 509000, 509050, 3986950, 3987000);
    tu_add_rect(db, "QDIP", "OV-X", "available", 509790, 509830, 3986900, 3986950);
    tu_add_rect(db, "QDIP", "OV-E", "reserve", 510500, 510550, 3986950, 3987000);
    tu_db_close(db);
    char pdf[1024], page[1024], script[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("overlap.pdf"));
    snprintf(page, sizeof page, "%s", tu_tmp("overlap-3.pdf"));
    snprintf(script, sizeof script, "%s", tu_tmp("page_paths.py"));
    tu_write_file(script, page_paths_py, (size_t)-1);
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf --scale 1:5000 -o %s", tu_q(pdf)), 0, "%s", err);
    cr_assert(strstr(out, "on 2 pages after an index sheet"), "%s", out);
    char *index = sh("pdftotext -f 1 -l 1 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(index, "相邻幅重叠 5% neighbours overlap by 5%"), "%s", index);
    char *p3 = sh("pdftotext -f 3 -l 3 %s -%s", tu_q(pdf), "");
    cr_assert(strstr(p3, "OV-X") && strstr(p3, "OV-E") && !strstr(p3, "OV-W"), "%s", p3);
    free(p3);
    char *sep = sh("pdfseparate -f 3 -l 3 %s %s", tu_q(pdf), tu_q(page));
    free(sep);
    cr_assert_eq(tu_rerun(&out, &err, "python3 %s %s", script, tu_q(page)), 0, "%s", err);
    int found = 0;
    for (char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        double v[8];
        if (atoi(l) != 4 || sscanf(strchr(l, ' '), "%lf %lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4],
                                   &v[5], &v[6], &v[7]) != 8)
            continue;
        double minx = fmin(fmin(v[0], v[2]), fmin(v[4], v[6])), maxx = fmax(fmax(v[0], v[2]), fmax(v[4], v[6]));
        if (fabs(maxx - minx - 8) > 0.05) /* OV-X: 40 m = 8 mm across */
            continue;
        found++;
        /* the frame: 10 mm margin + 14 mm for the northings on each side */
        cr_assert(minx >= 24 - 1e-6 && maxx <= 186 + 1e-6, "OV-X whole on page 2: %.2f–%.2f mm", minx, maxx);
        cr_assert_float_eq(minx, 105 + (790 - (769.5 + 405)) * 0.2, 0.1, "%.3f", minx);
    }
    cr_assert_geq(found, 1, "OV-X on page 2 (filled, then stroked): %s", out);
    tu_outputs_free(&out, &err);
    free(index);
}

/* A filtered map (--status available) draws the park's other parcels in grey as
 * context, as the HTML and GeoJSON maps do: grey (#d9d9d9) filled paths, no code
 * on them, in no count of the legend, named beside it. */
Test(map, context_in_grey)
{
    make_db();
    char pdf[1024];
    snprintf(pdf, sizeof pdf, "%s", tu_tmp("context.pdf"));
    char *out = NULL, *err = NULL;
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf --status available -o %s", tu_q(pdf)), 0, "%s", err);
    cr_assert(strstr(out, "drawn in grey as context: 2"), "QD-N and QD-M: %s", out);
    char *text = sh("pdftotext -layout %s -%s", tu_q(pdf), "");
    cr_assert(strstr(text, "合计 2 宗"), "the legend counts the selected only: %s", text);
    cr_assert(strstr(text, "背景 context") && strstr(text, "other parcels, 2 宗"), "%s", text);
    cr_assert(strstr(text, "QD-H") && !strstr(text, "QD-N"), "codes on the selected only: %s", text);
    /* the grey fill is in the page's drawing (217/255) */
    char *grey = sh("python3 -c \"import re, sys, zlib\n"
                    "d = open(sys.argv[1], 'rb').read()\n"
                    "n = 0\n"
                    "for m in re.finditer(rb'stream\\r?\\n', d):\n"
                    "    try: t = zlib.decompress(d[m.end():d.find(b'endstream', m.end())]).decode('latin1')\n"
                    "    except Exception: continue\n"
                    "    n += t.count('0.85098 0.85098 0.85098 rg')\n"
                    "print(n)\" %s%s", tu_q(pdf), "");
    cr_assert_geq(atoi(grey), 2, "grey fills: map and legend swatch: %s", grey);
    /* without a filter there is no context */
    cr_assert_eq(tu_cli(&out, &err, dbpath, "export pdf -o %s --force", tu_q(pdf)), 0, "%s", err);
    cr_assert(!strstr(out, "drawn in grey"), "%s", out);
    free(grey);
    free(text);
    tu_outputs_free(&out, &err);
}
