/* test_testutil.c — the shared helpers themselves: tu_q quotes any text as one shell word, and
 * tu_cli runs the parkland command on a database whose path the shell would otherwise split. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

Test(testutil, quoted_text_comes_back_as_one_word_unchanged)
{
    static const char *const words[] = {"plain", "two words", "it's", "''", "$HOME `id` $(id) \\ \" ; | & > *", ""};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        char *out = NULL;
        cr_assert_eq(tu_run(&out, NULL, "printf '[%%s]' %s", tu_q(words[i])), 0, "%s", words[i]);
        char want[256];
        snprintf(want, sizeof want, "[%s]", words[i]);
        cr_expect_str_eq(out, want);
        free(out);
    }
}

Test(testutil, cli_quotes_the_database_path)
{
    char *out = NULL, *err = NULL;
    const char *db = tu_tmp("it's a $park.db");
    cr_assert_eq(tu_cli(&out, &err, db, "init"), 0, "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db, "park add QDIP --name %s", tu_q("示范 'park'")), 0, "%s", err);
    cr_assert_eq(tu_cli(&out, &err, db, "park list --format csv --keys"), 0, "%s", err);
    cr_expect(strstr(out, "QDIP,示范 'park'"), "%s", out);
    /* no --db: the command alone; *out and *err are replaced, not appended to */
    cr_assert_eq(tu_cli(&out, &err, NULL, "--db %s park list", tu_q(db)), 0, "%s", err);
    cr_expect(strstr(out, "QDIP") && !strstr(out, "QDIP,"), "%s", out);
    cr_assert_eq(tu_cli(&out, &err, NULL, "frobnicate"), 2);
    cr_expect_str_eq(out, "");
    cr_expect(strstr(err, "unknown command 'frobnicate'"), "%s", err);
    tu_outputs_free(&out, &err);
}
