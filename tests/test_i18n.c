/* test_i18n.c — one language at a time (parkland/i18n.h): messages, help and
 * table headers in English or Chinese by --lang and the locale variables (the
 * zh_CN locale need not be installed), CSV files with a BOM and headers in
 * that language (--keys: the stable keys), the message naming --db and
 * $PARKLAND_DB when there is no database, a report on a database without
 * parcels, and times stored in UTC shown in $TZ (Asia/Shanghai by default). */
#include <criterion/criterion.h>

#include "testutil.h"

#include "parkland/i18n.h"
#include "parkland/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *out, *err;

static void teardown(void)
{
    tu_outputs_free(&out, &err);
}

TestSuite(i18n, .fini = teardown);

static int starts(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

/* parkland with an environment of its own: ENV is "VAR=value …" for env(1), after the locale and
 * time zone variables of the test's own environment are removed. */
static int run_env(const char *env, const char *db, const char *args)
{
    char dbopt[1200] = "";
    if (db)
        snprintf(dbopt, sizeof dbopt, "--db %s", tu_q(db));
    tu_outputs_free(&out, &err);
    return tu_run(&out, &err, "env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG -u TZ -u PARKLAND_DB %s %s %s %s",
                  env, tu_q(PARKLAND_BIN), dbopt, args);
}

/* A database with park QDIP and two parcels A1 (reserve) and A2 (available); its path. */
static const char *db_with_parcels(void)
{
    static char path[1024];
    pl_db *db = tu_db_new("i18n.db", path);
    tu_park_qdip(db);
    tu_add_rect(db, "QDIP", "A1", "reserve", 500000, 500100, 4000000, 4000100);
    tu_add_rect(db, "QDIP", "A2", "available", 500200, 500300, 4000000, 4000100);
    tu_db_close(db);
    return path;
}

Test(i18n, lang_option_and_locale_variables_choose_the_language)
{
    const char *db = db_with_parcels();
    /* English by default and for C / en locales */
    cr_assert_eq(run_env("LANG=C.UTF-8", db, "park list"), 0, "%s", err);
    cr_assert(strstr(out, "code  name") && !strstr(out, "代码"), "%s", out);
    /* Chinese from LANG, though zh_CN.UTF-8 is not installed on every machine */
    cr_assert_eq(run_env("LANG=zh_CN.UTF-8", db, "park list"), 0, "%s", err);
    cr_assert(strstr(out, "代码  名称") && !strstr(out, "code"), "%s", out);
    cr_assert_eq(run_env("LC_MESSAGES=zh_CN.GB18030", db, "park list"), 0, "%s", err);
    cr_assert(strstr(out, "代码"), "%s", out);
    /* LC_ALL comes before LANG; LANGUAGE before both */
    cr_assert_eq(run_env("LC_ALL=en_US.UTF-8 LANG=zh_CN.UTF-8", db, "park list"), 0, "%s", err);
    cr_assert(strstr(out, "code"), "%s", out);
    cr_assert_eq(run_env("LANGUAGE=zh_CN:en LANG=en_US.UTF-8", db, "park list"), 0, "%s", err);
    cr_assert(strstr(out, "代码"), "%s", out);
    /* --lang before or after the command wins over the environment */
    cr_assert_eq(run_env("LANG=zh_CN.UTF-8", db, "--lang en park list"), 0, "%s", err);
    cr_assert(strstr(out, "code  name"), "%s", out);
    cr_assert_eq(run_env("LANG=C", db, "park list --lang zh"), 0, "%s", err);
    cr_assert(strstr(out, "代码  名称"), "%s", out);
    cr_assert_eq(run_env("LANG=C", db, "park list --lang=zh-CN"), 0, "%s", err);
    cr_assert(strstr(out, "代码"), "%s", out);
    cr_assert_eq(run_env("LANG=C", db, "--lang fr park list"), 2);
    cr_assert(strstr(err, "unknown language 'fr' (zh or en)"), "%s", err);
}

Test(i18n, messages_and_help_in_both_languages)
{
    const char *db = db_with_parcels();
    /* a library error (translated inside pl_error_set) */
    cr_assert_eq(run_env("LANG=C", db, "parcel status A1 bogus"), 2, "%s", err);
    char *en = strdup(err);
    cr_assert_eq(run_env("LANG=zh_CN.UTF-8", db, "parcel status A1 bogus"), 2, "%s", err);
    cr_assert(strstr(en, "unknown status 'bogus'"), "%s", en);
    cr_assert(strstr(err, "未知状态“bogus”"), "%s", err);
    free(en);
    /* a library error with its subject: the parcel named, in Chinese */
    cr_assert_eq(run_env("--", db, "--lang zh parcel status A1 listed"), 1);
    cr_assert(strstr(err, "宗地“A1”为") && strstr(err, "可改为"), "%s", err);
    cr_assert_eq(run_env("--", db, "--lang en parcel status A1 listed"), 1);
    cr_assert(strstr(err, "parcel 'A1' is reserve") && !strstr(err, "宗地“"), "%s", err);
    /* a usage error of the CLI, with "did you mean" found in the English usage */
    cr_assert_eq(run_env("--", db, "--lang zh park add X --nme x"), 2);
    cr_assert(strstr(err, "parkland：多余的参数“--nme”（您是不是要用“--name”？）"), "%s", err);
    cr_assert(strstr(err, "用法：parkland park add"), "%s", err);
    cr_assert_eq(run_env("--", db, "--lang en park add X --nme x"), 2);
    cr_assert(strstr(err, "parkland: unexpected argument '--nme' (did you mean '--name'?)"), "%s", err);
    /* a message printed by a command */
    cr_assert_eq(run_env("--", db, "--lang zh park add JM --name 即墨"), 0, "%s", err);
    cr_assert_str_eq(out, "已新增园区 JM 即墨\n");
    cr_assert_eq(run_env("--", db, "--lang en park add JX --name 胶西"), 0, "%s", err);
    cr_assert_str_eq(out, "added park JX 胶西\n");
    /* help: the command list in one language */
    cr_assert_eq(run_env("LANG=zh_CN.UTF-8", NULL, "--help"), 0);
    cr_assert(strstr(out, "  init     创建数据库\n") && strstr(out, "用法：parkland"), "%s", out);
    cr_assert(!strstr(out, "create the database"), "%s", out);
    cr_assert_eq(run_env("LANG=C.UTF-8", NULL, "--help"), 0);
    cr_assert(strstr(out, "  init     create the database\n") && !strstr(out, "创建数据库"), "%s", out);
    cr_assert_eq(run_env("--", NULL, "--lang zh report --help"), 0);
    cr_assert(strstr(out, "可供土地：按园区和状态统计"), "%s", out);
    /* a parcel list counted in Chinese */
    cr_assert_eq(run_env("--", db, "--lang zh parcel list"), 0, "%s", err);
    cr_assert(strstr(out, "宗地 2 宗\n") || strstr(err, "宗地 2 宗\n"), "%s%s", out, err);
}

Test(i18n, csv_files_have_a_bom_and_headers_in_the_language)
{
    const char *db = db_with_parcels();
    /* copies: tu_tmp's buffers rotate, and tu_run takes some */
    char zh[1024], en[1024], keys[1024], rep[1024];
    snprintf(zh, sizeof zh, "%s", tu_tmp("parks-zh.csv"));
    snprintf(en, sizeof en, "%s", tu_tmp("parks-en.csv"));
    snprintf(keys, sizeof keys, "%s", tu_tmp("parks-keys.csv"));
    snprintf(rep, sizeof rep, "%s", tu_tmp("avail-zh.csv"));
    char args[2048];
    snprintf(args, sizeof args, "--lang zh park list --format csv > %s", tu_q(zh));
    cr_assert_eq(run_env("--", db, args), 0, "%s", err);
    snprintf(args, sizeof args, "--lang en park list --format csv > %s", tu_q(en));
    cr_assert_eq(run_env("--", db, args), 0, "%s", err);
    snprintf(args, sizeof args, "--lang zh park list --format csv --keys > %s", tu_q(keys));
    cr_assert_eq(run_env("--", db, args), 0, "%s", err);
    char *z = tu_read_file(zh, NULL), *e = tu_read_file(en, NULL), *k = tu_read_file(keys, NULL);
    cr_assert(starts(z, "\xEF\xBB\xBF" "代码,名称,英文名,区,宗地,面积(亩)\r\nQDIP,示范园区,"), "%s", z);
    cr_assert(starts(e, "\xEF\xBB\xBF" "code,name,name (en),district,parcels,area (mu)\r\n"), "%s", e);
    cr_assert(starts(k, "\xEF\xBB\xBF" "code,name,name_en,district,parcels,area_mu\r\n"), "%s", k);
    free(z), free(e), free(k);
    /* on a pipe: no BOM; --keys gives the keys of JSON */
    cr_assert_eq(run_env("--", db, "--lang zh parcel list --format csv --keys | cat"), 0, "%s", err);
    cr_assert(starts(out, "park,code,name,land_use,status,status_zh,"), "%s", out);
    cr_assert_eq(run_env("--", db, "--keys parcel list --format csv --lang zh | cat"), 0, "%s", err);
    cr_assert(starts(out, "park,code,name,land_use,status,status_zh,"), "%s", out);
    cr_assert_eq(run_env("--", db, "--lang zh parcel list --format csv | cat"), 0, "%s", err);
    cr_assert(strncmp(out, "\xEF\xBB\xBF", 3) != 0, "no BOM on a pipe: %s", out);
    /* JSON keeps its keys whatever the language */
    cr_assert_eq(run_env("--", db, "--lang zh park list --format json"), 0, "%s", err);
    cr_assert(strstr(out, "\"code\": \"QDIP\"") && strstr(out, "\"area_mu\""), "%s", out);
    /* a report written with -o: BOM, title and headers in the language */
    snprintf(args, sizeof args, "--lang zh report availability --format csv -o %s", tu_q(rep));
    cr_assert_eq(run_env("--", db, args), 0, "%s", err);
    char *r = tu_read_file(rep, NULL);
    cr_assert(starts(r, "\xEF\xBB\xBF宗地按园区、状态 — 截至 "), "%s", r);
    cr_assert(strstr(r, "\r\n园区,园区名称,状态,状态,宗数,面积 亩,面积 ha\r\n"), "%s", r);
    free(r);
}

Test(i18n, no_database_names_db_and_parkland_db)
{
    char missing[1024];
    snprintf(missing, sizeof missing, "%s", tu_tmp("nowhere.db"));
    char args[1200];
    snprintf(args, sizeof args, "--db %s park list", tu_q(missing));
    cr_assert_eq(run_env("LANG=C", NULL, args), 1);
    cr_assert(strstr(err, "no database '") && strstr(err, "(given by --db)") && strstr(err, "$PARKLAND_DB") &&
                  strstr(err, "parkland init"),
              "%s", err);
    char env[1200];
    snprintf(env, sizeof env, "LANG=C PARKLAND_DB=%s", tu_q(missing));
    cr_assert_eq(run_env(env, NULL, "report availability"), 1);
    cr_assert(strstr(err, "(given by $PARKLAND_DB)"), "%s", err);
    /* neither: ./parkland.db of the working directory */
    cr_assert_eq(tu_rerun(&out, &err, "cd %s && env -u PARKLAND_DB LANG=C %s park list", tu_q(tu_tmpdir()),
                          tu_q(PARKLAND_BIN)),
                 1);
    cr_assert(strstr(err, "no database 'parkland.db' in this directory (neither --db FILE nor $PARKLAND_DB"), "%s",
              err);
    snprintf(args, sizeof args, "--lang zh --db %s park list", tu_q(missing));
    cr_assert_eq(run_env("--", NULL, args), 1);
    cr_assert(strstr(err, "没有数据库") && strstr(err, "--db FILE") && strstr(err, "$PARKLAND_DB"), "%s", err);
}

Test(i18n, report_without_parcels_says_so)
{
    char path[1024];
    pl_db *db = tu_db_new("empty.db", path);
    tu_park_qdip(db);
    tu_db_close(db);
    const char *kinds[] = {"availability", "landing", "alerts"};
    for (int i = 0; i < 3; i++) {
        char args[64];
        snprintf(args, sizeof args, "report %s", kinds[i]);
        cr_assert_eq(run_env("LANG=C", path, args), 1, "%s", kinds[i]);
        cr_assert(strstr(err, "has no parcels: nothing to report") && !*out, "%s: %s%s", kinds[i], out, err);
    }
    cr_assert_eq(run_env("LANG=C", path, "report availability --park QDIP"), 1);
    cr_assert(strstr(err, "park 'QDIP' has no parcels"), "%s", err);
    cr_assert_eq(run_env("LANG=zh_CN.UTF-8", path, "report availability"), 1);
    cr_assert(strstr(err, "没有宗地"), "%s", err);
    /* with parcels the report is made */
    const char *full = db_with_parcels();
    cr_assert_eq(run_env("LANG=C", full, "report availability"), 0, "%s", err);
    cr_assert(strstr(out, "land availability — as of "), "%s", out);
    cr_assert_eq(run_env("LANG=zh_CN.UTF-8", full, "report availability"), 0, "%s", err);
    cr_assert(strstr(out, "可供土地 — 截至 "), "%s", out);
}

Test(i18n, times_stored_in_utc_are_shown_in_tz)
{
    char path[1024];
    pl_db *db = tu_db_new("tz.db", path);
    tu_park_qdip(db);
    long id = tu_add_rect(db, "QDIP", "A1", "reserve", 500000, 500100, 4000000, 4000100);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO history(entity, entity_id, code, field, old_value, new_value, at, who) "
             "VALUES ('parcel', %ld, 'A1', 'status', 'reserve', 'available', '2026-01-01T20:30:05Z', 'tester')",
             id);
    tu_sql_exec(db, sql);
    tu_db_close(db);
    /* no TZ: Asia/Shanghai, UTC+8, the next day */
    cr_assert_eq(run_env("LANG=C", path, "history parcel A1"), 0, "%s", err);
    cr_assert(strstr(out, "2026-01-02 04:30:05") && !strstr(out, "2026-01-01T20:30:05Z"), "%s", out);
    cr_assert_eq(run_env("LANG=C TZ=UTC", path, "history parcel A1"), 0, "%s", err);
    cr_assert(strstr(out, "2026-01-01 20:30:05"), "%s", out);
    cr_assert_eq(run_env("LANG=C TZ=America/New_York", path, "history parcel A1"), 0, "%s", err);
    cr_assert(strstr(out, "2026-01-01 15:30:05"), "%s", out);
    /* CSV for people: local; CSV with --keys and JSON: as stored */
    cr_assert_eq(run_env("LANG=C", path, "history parcel A1 --format csv"), 0, "%s", err);
    cr_assert(strstr(out, "2026-01-02 04:30:05"), "%s", out);
    cr_assert_eq(run_env("LANG=C", path, "history parcel A1 --format csv --keys"), 0, "%s", err);
    cr_assert(strstr(out, "2026-01-01T20:30:05Z"), "%s", out);
    cr_assert_eq(run_env("LANG=C", path, "history parcel A1 --format json"), 0, "%s", err);
    cr_assert(strstr(out, "\"2026-01-01T20:30:05Z\""), "%s", out);
}

Test(i18n, bilingual_labels_split_by_language)
{
    char buf[64];
    /* before a language is chosen (a program using the library): as written */
    cr_assert_str_eq(pl_tr_label("面积(亩) area (mu)", buf, sizeof buf), "面积(亩) area (mu)");
    pl_error e;
    pl_error_clear(&e);
    cr_assert_eq(pl_lang_set(PL_LANG_EN, &e), PL_OK, "%s", e.message);
    cr_assert_str_eq(pl_tr_label("面积(亩) area (mu)", buf, sizeof buf), "area (mu)");
    cr_assert_str_eq(pl_tr_label("面积段 亩 size class", buf, sizeof buf), "size class");
    cr_assert_str_eq(pl_tr_label("面积 ha", buf, sizeof buf), "面积 ha"); /* a unit, not English: kept */
    cr_assert_str_eq(pl_tr_label("dX m", buf, sizeof buf), "dX m");
    cr_assert_eq(pl_lang_set(PL_LANG_ZH, &e), PL_OK, "%s", e.message);
    cr_assert_str_eq(pl_tr_label("面积(亩) area (mu)", buf, sizeof buf), "面积(亩)");
    cr_assert_str_eq(pl_tr_label("面积段 亩 size class", buf, sizeof buf), "面积段 亩");
    /* the catalog in the process: a library message and its format arguments */
    pl_error_set(&e, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", "X");
    cr_assert_str_eq(e.message, "没有园区“X”（见“parkland park list”）");
    cr_assert_eq(pl_lang_set(PL_LANG_EN, &e), PL_OK);
    pl_error_set(&e, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", "X");
    cr_assert_str_eq(e.message, "no park 'X' (see 'parkland park list')");
    cr_assert_eq(pl_lang_parse("zh_CN.UTF-8"), PL_LANG_ZH);
    cr_assert_eq(pl_lang_parse("zh-Hans"), PL_LANG_ZH);
    cr_assert_eq(pl_lang_parse("en_GB"), PL_LANG_EN);
    cr_assert_eq(pl_lang_parse("C.UTF-8"), PL_LANG_EN);
    cr_assert_eq(pl_lang_parse("fr_FR"), -1);
}

/* The commands of the merged branches (user, serve, parcel sheet, parcel indicators) speak one
 * language too: help, messages and the password prompts' text. */
/* A code not found: the kind's noun is in the language of the message too. */
Test(i18n, unknown_code_names_its_kind_in_the_language)
{
    const char *db = db_with_parcels();
    cr_assert_eq(run_env("--", db, "--lang zh parcel show NOPE-1"), 1);
    cr_assert(strstr(err, "没有宗地“NOPE-1”") && !strstr(err, "parcel"), "%s", err);
    cr_assert_eq(run_env("--", db, "--lang zh lead show NOPE-1"), 1);
    cr_assert(strstr(err, "没有线索“NOPE-1”"), "%s", err);
    cr_assert_eq(run_env("--", db, "--lang en parcel show NOPE-1"), 1);
    cr_assert(strstr(err, "no parcel 'NOPE-1'"), "%s", err);
}

Test(i18n, user_serve_and_sheet_in_one_language)
{
    const char *db = db_with_parcels();
    cr_assert_eq(run_env("--", NULL, "--lang zh user --help"), 0);
    cr_assert(strstr(out, "“parkland serve”的网页版账号") && strstr(out, "admin       管理员"), "%s", out);
    cr_assert(!strstr(out, "Accounts of") && !strstr(out, "read only"), "%s", out);
    cr_assert_eq(run_env("--", NULL, "--lang en user --help"), 0);
    cr_assert(strstr(out, "Accounts of 'parkland serve'.") && !strstr(out, "网页版") && !strstr(out, "管理员"), "%s",
              out);
    cr_assert_eq(run_env("--", NULL, "--lang zh serve --help"), 0);
    cr_assert(strstr(out, "网页服务") && !strstr(out, "Serve the database"), "%s", out);
    cr_assert_eq(run_env("--", NULL, "--lang en serve --help"), 0);
    cr_assert(strstr(out, "Serve the database") && !strstr(out, "网页服务"), "%s", out);
    cr_assert_eq(run_env("--", NULL, "--lang zh parcel sheet --help"), 0);
    cr_assert(strstr(out, "报批用的宗地图表") && !strstr(out, "approval file"), "%s", out);
    cr_assert_eq(run_env("--", NULL, "--lang en parcel indicators --help"), 0);
    cr_assert(strstr(out, "tax per mu") && !strstr(out, "亩均税收") && !strstr(out, "宗地标准地控制指标"), "%s", out);
    cr_assert_eq(run_env("--", NULL, "--lang zh parcel indicators --help"), 0);
    cr_assert(strstr(out, "亩均税收") && !strstr(out, "tax per mu") && strstr(out, "原因（记入历史）"), "%s", out);
    /* a password file without a line: the message in Chinese */
    const char *empty = tu_tmp("empty-password");
    FILE *f = fopen(empty, "w");
    cr_assert_not_null(f);
    fclose(f);
    char args[1200];
    snprintf(args, sizeof args, "--lang zh user add amy --role viewer --password-file %s", tu_q(empty));
    cr_assert_eq(run_env("--", db, args), 1, "%s", err);
    cr_assert(strstr(err, "中没有密码行（最多") && !strstr(err, "holds no"), "%s", err);
    cr_assert_eq(run_env("--", db, "--lang zh user add amy --role boss"), 2);
    cr_assert(strstr(err, "未知角色“boss”"), "%s", err);
}
