/* test_table.c — tables fitted to a terminal width (pl_table_write_fit):
 * CJK double width, cut with …, wrapped cells and labels, columns hidden by
 * priority, and the full table when it fits or when the width is 0. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/table.h"

/* The text form at `width` in a malloc'ed string. */
static char *fit(const pl_table *t, size_t width, size_t *hidden)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f);
    cr_assert_eq(pl_table_write_fit(t, f, width, hidden), 0);
    fclose(f);
    return buf;
}

static char *plain(const pl_table *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f);
    cr_assert_eq(pl_table_write(t, f, PL_TABLE_TEXT, 0), 0);
    fclose(f);
    return buf;
}

/* Every line of s is at most `width` display columns wide and has no trailing blank. */
static void assert_lines_fit(const char *s, size_t width)
{
    char *copy = strdup(s), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cr_assert_leq(pl_display_width(line), width, "line wider than %zu: '%s'", width, line);
        size_t n = strlen(line);
        cr_assert(n == 0 || line[n - 1] != ' ', "trailing blank: '%s'", line);
    }
    free(copy);
}

static pl_table *parcels(void)
{
    static const char *const keys[] = {"park", "code", "name", "area_mu", "holes"};
    static const char *const labels[] = {"园区 park", "宗地号 code", "名称 name", "面积 亩", "洞 holes"};
    pl_table *t = pl_table_new(5, keys, labels);
    pl_table_set_numeric(t, 3);
    pl_table_set_numeric(t, 4);
    static const int prio[] = {3, 0, 1, 0, 5};
    for (size_t c = 0; c < 5; c++)
        pl_table_set_priority(t, c, prio[c]);
    const char *r1[] = {"QDIP", "QDIP-2024-001", "中德生态园标准地A-01 国际经济合作区", "51.08", "0"};
    const char *r2[] = {"QDIP", "QDIP-2024-002", "short", "1234.50", "2"};
    pl_table_add_row(t, r1);
    pl_table_add_row(t, r2);
    return t;
}

Test(table, fits_or_unlimited_is_the_plain_table)
{
    pl_table *t = parcels();
    char *p = plain(t), *a = fit(t, 0, NULL), *b = fit(t, 500, NULL);
    cr_assert_str_eq(a, p);
    cr_assert_str_eq(b, p);
    cr_assert(strstr(p, "中德生态园标准地A-01 国际经济合作区"));
    free(p), free(a), free(b);
    pl_table_free(t);
}

Test(table, long_text_is_cut_with_an_ellipsis_at_double_width)
{
    pl_table *t = parcels();
    /* natural width: 9+2+13+2+35+2+7+2+8 = 80; at 61 the name gets 16 columns: 7 CJK (14) and …, as
     * the 8th would not leave room for the … */
    size_t hidden = 9;
    char *s = fit(t, 61, &hidden);
    assert_lines_fit(s, 61);
    cr_assert_eq(hidden, 0);
    cr_assert(strstr(s, "QDIP-2024-001"), "key column kept whole:\n%s", s);
    cr_assert(strstr(s, "QDIP-2024-001  中德生态园标准…     51.08"), "cut with … at a double-width boundary:\n%s", s);
    cr_assert(strstr(s, "1234.50") && strstr(s, "洞 holes"), "%s", s);
    cr_assert_null(strstr(s, "not shown"));
    free(s);
    pl_table_free(t);
}

Test(table, columns_are_hidden_by_priority_and_named)
{
    pl_table *t = parcels();
    size_t hidden = 0;
    /* floors: park 9, code 13, name 12, area 7, holes 8 → 57 with blanks; at 45 holes (5) then park (3) go */
    char *s = fit(t, 45, &hidden);
    assert_lines_fit(s, 45);
    cr_assert_eq(hidden, 2, "%s", s);
    cr_assert_null(strstr(s, "洞 holes"), "%s", s);
    cr_assert_null(strstr(s, "园区 park"), "%s", s);
    cr_assert(strstr(s, "名称 name") && strstr(s, "QDIP-2024-002") && strstr(s, "1234.50"), "%s", s);
    cr_assert(strstr(s, "(not shown: park, holes; --wide"), "%s", s);
    free(s);
    pl_table_free(t);
}

Test(table, labels_wrap_before_a_priority_1_column_is_hidden)
{
    pl_table *t = parcels();
    size_t hidden = 0;
    /* without wrapping labels the name (priority 1) would have to go; with them it stays */
    char *s = fit(t, 36, &hidden);
    assert_lines_fit(s, 36);
    cr_assert(strstr(s, "名称 name"), "%s", s);
    cr_assert(strstr(s, "宗地号\n") || strstr(s, "宗地号 "), "%s", s);
    cr_assert_eq(hidden, 2, "%s", s);
    free(s);
    pl_table_free(t);
}

Test(table, key_columns_are_never_cut)
{
    static const char *const keys[] = {"code", "value"};
    pl_table *t = pl_table_new(2, keys, NULL);
    const char *r[] = {"A-VERY-LONG-PARCEL-CODE-0001", "x"};
    pl_table_add_row(t, r);
    char *s = fit(t, 10, NULL); /* wider than asked: a code is never cut */
    cr_assert(strstr(s, "A-VERY-LONG-PARCEL-CODE-0001  x"), "%s", s);
    free(s);
    pl_table_free(t);
}

Test(table, wrapped_cells_break_at_blanks_and_commas)
{
    static const char *const keys[] = {"code", "reasons"};
    pl_table *t = pl_table_new(2, keys, NULL);
    pl_table_set_priority(t, 1, 1);
    pl_table_set_wrap(t, 1);
    const char *r[] = {"P1", "面积 area: 需求 30.0 亩, 地块 58.4 亩 (+94.7%) → 0/30 equipment,it,energy_materials,health"};
    pl_table_add_row(t, r);
    char *s = fit(t, 40, NULL);
    assert_lines_fit(s, 40);
    /* 4 + 2 + 34 columns */
    cr_assert(strstr(s, "P1    面积 area: 需求 30.0 亩, 地块 58.4\n"), "%s", s);
    cr_assert(strstr(s, "\n      亩 (+94.7%) → 0/30 equipment,it,\n"), "%s", s);
    cr_assert(strstr(s, "\n      energy_materials,health\n"), "%s", s);
    cr_assert_null(strstr(s, "…"));
    free(s);
    pl_table_free(t);
}

Test(table, csv_and_json_ignore_the_width)
{
    pl_table *t = parcels();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(pl_table_write(t, f, PL_TABLE_CSV, 0), 0);
    fclose(f);
    cr_assert(strstr(buf, "中德生态园标准地A-01 国际经济合作区"));
    free(buf);
    pl_table_free(t);
}
