/* test_corrections.c — correcting parcels and parks (issue 13 §2): parcel
 * rename and edit, with their history rows (old, new, who), each refusal with
 * its message and the database unchanged, and the command lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkland/db.h"
#include "parkland/parcel_edit.h"
#include "parkland/parcel_fix.h"
#include "parkland/park.h"
#include "testutil.h"

static pl_db *db;
static char dbpath[1024];
static pl_error err;

static void setup(void)
{
    db = tu_db_new("corrections.db", dbpath);
    tu_park_qdip(db);
    tu_park_jmip(db);
    tu_add_rect(db, "QDIP", "Q-1", "available", 600000, 600100, 3000000, 3000100);
    tu_add_rect(db, "QDIP", "Q-2", "reserve", 600200, 600300, 3000000, 3000100);
    tu_add_rect(db, "JMIP", "Q-1", "available", 610000, 610100, 3000000, 3000100);
    tu_sql_exec(db, "UPDATE parcel SET name = '东区一号', land_use = '工业', land_use_code = '0601',"
                    " attrs = '{\"DKBH\":\"A1\",\"YT\":\"工业\"}' WHERE code = 'Q-2'");
    pl_error_clear(&err);
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(corrections, .init = setup, .fini = teardown);

/* The parcel history rows other than 'created': "code field old>new who note" joined with " | ". */
static const char *changes(void)
{
    return tu_sql_text(db, "SELECT group_concat(code || ' ' || field || ' ' || coalesce(old_value, '∅') || '>' ||"
                           " coalesce(new_value, '∅') || ' ' || who || ' ' || coalesce(note, '∅'), ' | ')"
                           " FROM (SELECT * FROM history WHERE entity = 'parcel' AND field <> 'created' ORDER BY id)");
}

Test(corrections, rename_changes_the_code_with_a_history_row)
{
    cr_assert_eq(pl_parcel_rename(db, "QDIP", "Q-2", "Q-20", "typo in the survey", &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id"
                                  " WHERE k.code = 'QDIP' AND p.code = 'Q-20' AND p.name = '东区一号'"), 1);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'Q-2'"), 0);
    char want[256];
    snprintf(want, sizeof want, "Q-2 code Q-2>Q-20 %s typo in the survey", pl_db_user(db));
    cr_assert_str_eq(changes(), want);
}

Test(corrections, rename_refusals_change_nothing)
{
    tu_db_close(db);
    char *before = tu_db_snapshot(dbpath);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    /* a code the park already has */
    cr_assert_eq(pl_parcel_rename(db, "QDIP", "Q-2", "Q-1", NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "parcel 'Q-1' already exists in park 'QDIP'; 'Q-2' not renamed");
    /* an unknown parcel, an unknown park, an ambiguous code, the same code */
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_rename(db, "QDIP", "Q-9", "Q-10", NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no parcel 'Q-9' in park 'QDIP'");
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_rename(db, "NOPE", "Q-2", "Q-10", NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no park 'NOPE' (see 'parkland park list')");
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_rename(db, NULL, "Q-1", "Q-10", NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "parcel code 'Q-1' exists in parks 'JMIP' and 'QDIP'; name one with --park");
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_rename(db, "QDIP", "Q-2", "Q-2", NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "parcel 'Q-2' already has the code 'Q-2'");
    pl_db_close(db);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
}

Test(corrections, rename_in_another_park_is_fine_and_history_follows)
{
    /* JMIP has no Q-2: the QDIP code may be taken there */
    cr_assert_eq(pl_parcel_rename(db, "JMIP", "Q-1", "Q-2", NULL, &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM parcel WHERE code = 'Q-2'"), 2);
}

Test(corrections, edit_writes_one_row_per_changed_field)
{
    pl_parcel_changes c;
    memset(&c, 0, sizeof c);
    c.name = "东区一号";            /* unchanged: no row */
    c.land_use = "仓储";
    c.land_use_code = "";          /* cleared */
    const char *keys[] = {"DKBH", "NEW"}, *vals[] = {"A2", "x"}, *clr[] = {"YT", "ABSENT"};
    c.attr_keys = keys;
    c.attr_values = vals;
    c.nattrs = 2;
    c.clear_attrs = clr;
    c.nclear = 2;
    c.note = "survey 2024";
    int n = -1;
    cr_assert_eq(pl_parcel_edit(db, "QDIP", "Q-2", &c, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(tu_sql_text(db, "SELECT name || '|' || land_use || '|' || coalesce(land_use_code, '∅') || '|' ||"
                                     " attrs FROM parcel WHERE code = 'Q-2'"),
                     "东区一号|仓储|∅|{\"DKBH\":\"A2\",\"NEW\":\"x\"}");
    const char *u = pl_db_user(db);
    char want[1024];
    snprintf(want, sizeof want,
             "Q-2 land_use 工业>仓储 %s survey 2024 | Q-2 land_use_code 0601>∅ %s survey 2024 | "
             "Q-2 attrs.DKBH A1>A2 %s survey 2024 | Q-2 attrs.NEW ∅>x %s survey 2024 | "
             "Q-2 attrs.YT 工业>∅ %s survey 2024",
             u, u, u, u, u);
    cr_assert_str_eq(changes(), want);
}

Test(corrections, edit_that_changes_nothing_writes_nothing)
{
    tu_db_close(db);
    char *before = tu_db_snapshot(dbpath);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    pl_parcel_changes c;
    memset(&c, 0, sizeof c);
    c.name = "东区一号";
    const char *keys[] = {"DKBH"}, *vals[] = {"A1"}, *clr[] = {"ABSENT"};
    c.attr_keys = keys;
    c.attr_values = vals;
    c.nattrs = 1;
    c.clear_attrs = clr;
    c.nclear = 1;
    int n = -1;
    cr_assert_eq(pl_parcel_edit(db, "QDIP", "Q-2", &c, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 0);
    /* a bad key after a good change: refused, nothing written */
    const char *bad[] = {"a\"b"};
    c.name = "新名";
    c.clear_attrs = bad;
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_edit(db, "QDIP", "Q-2", &c, &n, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "attribute key 'a\"b' is empty, too long or has a '\"'");
    pl_error_clear(&err);
    cr_assert_eq(pl_parcel_edit(db, NULL, "Q-9", &c, &n, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no parcel 'Q-9'");
    pl_db_close(db);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
}

Test(corrections, command_line_rename_and_edit)
{
    char *out = NULL, *errout = NULL;
    /* the map label resolves through the code resolver */
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel rename q-2 Q-3 --park QDIP --note 'renumbered'"), 0, "%s",
                 errout);
    cr_assert_str_eq(out, "parcel Q-2 is now Q-3\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel rename Q-3 Q-1 --park QDIP"), 1);
    cr_assert_str_eq(errout, "parkland: parcel 'Q-1' already exists in park 'QDIP'; 'Q-3' not renamed\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel rename Q-77 Q-78 --park QDIP"), 1);
    cr_assert(strstr(errout, "parkland: no parcel 'Q-77' in park 'QDIP'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel edit Q-3 --park QDIP --name 西区 --attr DKBH=B7 --clear-attr YT"),
                 0, "%s", errout);
    cr_assert_str_eq(out, "parcel Q-3: 3 fields changed\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel edit Q-3 --park QDIP --name 西区"), 0, "%s", errout);
    cr_assert_str_eq(out, "parcel Q-3: nothing to change (every value is already so); nothing written\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel edit Q-3 --park QDIP --attr =x"), 2);
    cr_assert(strstr(errout, "--attr expects KEY=VALUE, not '=x'"), "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history parcel Q-3 --park QDIP"), 0, "%s", errout);
    cr_assert(strstr(out, "Q-2") && strstr(out, "Q-3") && strstr(out, "西区") && strstr(out, "B7"), "%s", out);
    tu_outputs_free(&out, &errout);
}

/* ---- parks ---------------------------------------------------------------------------------------- */

static const char *park_changes(void)
{
    return tu_sql_text(db, "SELECT group_concat(code || ' ' || field || ' ' || coalesce(old_value, '∅') || '>' ||"
                           " coalesce(new_value, '∅') || ' ' || who || ' ' || coalesce(note, '∅'), ' | ')"
                           " FROM (SELECT * FROM history WHERE entity = 'park' AND field <> 'created' ORDER BY id)");
}

Test(corrections, park_edit_writes_one_row_per_changed_field)
{
    int n = -1;
    /* the name unchanged, name_en changed, district cleared */
    cr_assert_eq(pl_park_edit(db, "JMIP", "即墨园区", "Jimo Park", "", "renamed", &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(tu_sql_text(db, "SELECT name || '|' || name_en || '|' || coalesce(district, '∅') FROM park"
                                     " WHERE code = 'JMIP'"),
                     "即墨园区|Jimo Park|∅");
    const char *u = pl_db_user(db);
    char want[512];
    snprintf(want, sizeof want, "JMIP name_en Jimo park>Jimo Park %s renamed | JMIP district 即墨区>∅ %s renamed", u,
             u);
    cr_assert_str_eq(park_changes(), want);
    /* again: nothing differs, nothing written */
    cr_assert_eq(pl_park_edit(db, "JMIP", NULL, "Jimo Park", NULL, NULL, &n, &err), PL_OK, "%s", err.message);
    cr_assert_eq(n, 0);
    cr_assert_str_eq(park_changes(), want);
}

Test(corrections, park_refusals_change_nothing)
{
    tu_db_close(db);
    char *before = tu_db_snapshot(dbpath);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    cr_assert_eq(pl_park_remove(db, "QDIP", NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "park 'QDIP' not removed: it has 2 parcels");
    pl_error_clear(&err);
    cr_assert_eq(pl_park_remove(db, "JMIP", NULL, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "park 'JMIP' not removed: it has 1 parcel");
    pl_error_clear(&err);
    cr_assert_eq(pl_park_remove(db, "NOPE", NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no park 'NOPE' (see 'parkland park list')");
    pl_error_clear(&err);
    cr_assert_eq(pl_park_edit(db, "QDIP", "", NULL, NULL, NULL, NULL, &err), PL_ERR_USAGE);
    cr_assert_str_eq(err.message, "park 'QDIP' needs a name that is not empty");
    pl_error_clear(&err);
    cr_assert_eq(pl_park_edit(db, "NOPE", "x", NULL, NULL, NULL, NULL, &err), PL_ERR_NOTFOUND);
    cr_assert_str_eq(err.message, "no park 'NOPE' (see 'parkland park list')");
    pl_db_close(db);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
}

Test(corrections, park_remove_keeps_a_removed_row)
{
    tu_sql_exec(db, "DELETE FROM parcel WHERE park_id = (SELECT id FROM park WHERE code = 'JMIP')");
    cr_assert_eq(pl_park_remove(db, "JMIP", "duplicate", &err), PL_OK, "%s", err.message);
    cr_assert_eq(tu_sql_count(db, "SELECT count(*) FROM park WHERE code = 'JMIP'"), 0);
    cr_assert_str_eq(tu_sql_text_arg(db, "SELECT json_extract(old_value, '$.name') || ' ' ||"
                                         " coalesce(new_value, '∅') || ' ' || note || ' ' || (who = ?1)"
                                         " FROM history WHERE entity = 'park' AND field = 'removed'",
                                     pl_db_user(db)),
                     "即墨园区 ∅ duplicate 1");
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "history park JMIP"), 0, "%s", errout);
    cr_assert(strstr(out, "removed") && strstr(out, "duplicate"), "%s", out);
    tu_outputs_free(&out, &errout);
}

Test(corrections, command_line_park_edit_and_remove)
{
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park edit QDIP --district 黄岛区 --note 'new district'"), 0, "%s",
                 errout);
    cr_assert_str_eq(out, "park QDIP: 1 field changed\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park edit QDIP --district 黄岛区"), 0, "%s", errout);
    cr_assert_str_eq(out, "park QDIP: nothing to change (every value is already so); nothing written\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park edit QDIP"), 2);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park remove QDIP"), 1);
    cr_assert_str_eq(errout, "parkland: park 'QDIP' not removed: it has 2 parcels\n");
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park add EMPTY --name 空园"), 0, "%s", errout);
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "park remove EMPTY"), 0, "%s", errout);
    cr_assert_str_eq(out, "removed park EMPTY (its history stays: 'parkland history park EMPTY')\n");
    tu_outputs_free(&out, &errout);
}

/* ---- split --names ------------------------------------------------------------------------------ */

#define CUT_Q2 "LINESTRING(600230 2999990, 600230 3000110)" /* Q-2 into 7000 m² (east) and 3000 m² (west) */

Test(corrections, split_names_name_the_pieces)
{
    const char *codes[] = {"Q-2E", "Q-2W"}, *names[] = {"东区一号东", ""};
    pl_split_options o;
    memset(&o, 0, sizeof o);
    o.park = "QDIP";
    o.line_wkt = CUT_Q2;
    o.codes = codes;
    o.ncodes = 2;
    o.names = names;
    o.nnames = 2;
    pl_edit_result r;
    cr_assert_eq(pl_parcel_split(db, "Q-2", &o, &r, &err), PL_OK, "%s", err.message);
    cr_assert_str_eq(r.children[0].name, "东区一号东");
    cr_assert_null(r.children[1].name);
    pl_edit_result_release(&r);
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(code || '=' || coalesce(name, '∅') || ' ' || area_m2, ', ')"
                                     " FROM (SELECT * FROM parcel WHERE code LIKE 'Q-2_' ORDER BY code)"),
                     "Q-2E=东区一号东 7000.0, Q-2W=∅ 3000.0");
}

Test(corrections, split_without_names_keeps_the_suffixed_name_and_wrong_count_is_refused)
{
    tu_db_close(db);
    char *before = tu_db_snapshot(dbpath);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    const char *names[] = {"only one"};
    pl_split_options o;
    memset(&o, 0, sizeof o);
    o.park = "QDIP";
    o.line_wkt = CUT_Q2;
    o.names = names;
    o.nnames = 1;
    pl_edit_result r;
    cr_assert_eq(pl_parcel_split(db, "Q-2", &o, &r, &err), PL_ERR_INPUT);
    cr_assert_str_eq(err.message, "the line cuts parcel 'Q-2' into 2 pieces but --names names 1");
    pl_edit_result_release(&r);
    pl_db_close(db);
    char *after = tu_db_snapshot(dbpath);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    pl_error_clear(&err);
    cr_assert_eq(pl_db_open(dbpath, &db, &err), PL_OK, "%s", err.message);
    char *out = NULL, *errout = NULL;
    cr_assert_eq(tu_cli(&out, &errout, dbpath, "parcel split Q-2 --park QDIP --line '" CUT_Q2 "' --names 大块,小块"), 0,
                 "%s", errout);
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(code || '=' || name, ', ')"
                                     " FROM (SELECT * FROM parcel WHERE code LIKE 'Q-2-_' ORDER BY code)"),
                     "Q-2-1=大块, Q-2-2=小块");
    /* without --names: the parent's name with -1, -2 */
    tu_add_rect(db, "QDIP", "Q-5", "reserve", 600200, 600300, 3000200, 3000300);
    tu_sql_exec(db, "UPDATE parcel SET name = '五号' WHERE code = 'Q-5'");
    cr_assert_eq(tu_cli(&out, &errout, dbpath,
                        "parcel split Q-5 --park QDIP --line 'LINESTRING(600230 3000190, 600230 3000310)'"),
                 0, "%s", errout);
    cr_assert_str_eq(tu_sql_text(db, "SELECT group_concat(code || '=' || name, ', ')"
                                     " FROM (SELECT * FROM parcel WHERE code LIKE 'Q-5-_' ORDER BY code)"),
                     "Q-5-1=五号-1, Q-5-2=五号-2");
    tu_outputs_free(&out, &errout);
}
