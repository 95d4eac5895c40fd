/* test_vocab.c — the domain vocabulary (base/vocab.h): every term parses from
 * its id, its Chinese and its English label in any ASCII case, unknown words
 * are refused; the public id arrays and label functions, the map styles, and
 * the schema's CHECKs and seed rows agree with it. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_internal.h"
#include "style.h"
#include "vocab.h"
#include "parkland/deadline.h"
#include "parkland/export.h"
#include "parkland/lead.h"
#include "parkland/parcel.h"
#include "parkland/project.h"
#include "testutil.h"

/* ---- the vocabulary itself ------------------------------------------------------------------- */

static void upper(char *dst, const char *src, size_t n)
{
    snprintf(dst, n, "%s", src);
    for (char *p = dst; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

/* "In Production" → "iN pRODUCTION": every other ASCII letter flipped */
static void mixed(char *dst, const char *src, size_t n)
{
    snprintf(dst, n, "%s", src);
    int k = 0;
    for (char *p = dst; *p; p++)
        if (isalpha((unsigned char)*p) && (k++ & 1) == 0)
            *p = (char)(isupper((unsigned char)*p) ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
}

Test(vocab, every_term_parses_from_id_zh_en_in_any_case)
{
    size_t total = 0;
    for (int v = 0; v < PL_VOCABS; v++) {
        cr_assert_gt(pl_vocab_count(v), 1, "%s", pl_vocab_name(v));
        for (size_t i = 0; i < pl_vocab_count(v); i++) {
            const pl_term *t = pl_vocab_at(v, i);
            char buf[128];
            const char *forms[] = {t->id, t->zh, t->en};
            for (size_t f = 0; f < 3; f++) {
                cr_expect_eq(pl_vocab_parse(v, forms[f]), (int)i, "%s: '%s'", pl_vocab_name(v), forms[f]);
                upper(buf, forms[f], sizeof buf);
                cr_expect_eq(pl_vocab_parse(v, buf), (int)i, "%s: '%s'", pl_vocab_name(v), buf);
                mixed(buf, forms[f], sizeof buf);
                cr_expect_eq(pl_vocab_parse(v, buf), (int)i, "%s: '%s'", pl_vocab_name(v), buf);
            }
            cr_expect_str_eq(pl_vocab_parse_id(v, t->zh), t->id);
            cr_expect_eq(pl_vocab_index(v, t->id), (int)i);
            cr_expect_eq(pl_vocab_get(v, t->id), t);
            cr_expect_str_eq(pl_vocab_zh(v, t->id), t->zh);
            cr_expect_str_eq(pl_vocab_en(v, t->id), t->en);
            /* ids are stored: ASCII lowercase letters and '_' */
            for (const char *p = t->id; *p; p++)
                cr_expect(islower((unsigned char)*p) || *p == '_', "%s: id '%s'", pl_vocab_name(v), t->id);
            /* the Chinese label has no ASCII letter that case folding could touch */
            total++;
        }
        cr_expect_null(pl_vocab_at(v, pl_vocab_count(v)));
    }
    /* 10 statuses, 6 lead stages, 6 project stages, 4 milestones, 11 industries, 4 themes, 13 landing classes, 4 roles */
    cr_expect_eq(total, 10 + 6 + 6 + 4 + 11 + 4 + 13 + 4);
}

Test(vocab, unknown_words_are_refused)
{
    const char *bad[] = {"", " ", "reserve ", " reserve", "reserv", "reserves", "储", "储备 ", "Land  bank",
                         "landbank", "lost", "verification", "RESERVE\n", "Ｒｅｓｅｒｖｅ", "预 留"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_expect_eq(pl_vocab_parse(PL_VOCAB_STATUS, bad[i]), -1, "'%s'", bad[i]);
        cr_expect_null(pl_vocab_parse_id(PL_VOCAB_STATUS, bad[i]), "'%s'", bad[i]);
    }
    for (int v = 0; v < PL_VOCABS; v++) {
        cr_expect_eq(pl_vocab_parse(v, NULL), -1);
        cr_expect_eq(pl_vocab_parse(v, "unknown"), -1);
        cr_expect_eq(pl_vocab_index(v, NULL), -1);
        cr_expect_null(pl_vocab_zh(v, "unknown"));
    }
    /* the id is exact for pl_vocab_index (stored values), any form for pl_vocab_parse */
    cr_expect_eq(pl_vocab_index(PL_VOCAB_STATUS, "Available"), -1);
    cr_expect_eq(pl_vocab_index(PL_VOCAB_STATUS, "可供"), -1);
    cr_expect_eq(pl_vocab_parse(PL_VOCAB_STATUS, "Available"), 1);
    /* words of one vocabulary are not another's */
    cr_expect_eq(pl_vocab_parse(PL_VOCAB_MILESTONE, "verified"), -1);
    cr_expect_eq(pl_vocab_parse(PL_VOCAB_PROJECT_STAGE, "new"), -1);
    cr_expect_eq(pl_vocab_parse(PL_VOCAB_LEAD_STAGE, "已签约"), -1); /* the project's; the lead's is 签约 */
    cr_expect_eq(pl_vocab_parse(PL_VOCAB_PROJECT_STAGE, "签约"), -1);
    cr_expect_eq(pl_vocab_count(PL_VOCABS), 0);
    cr_expect_null(pl_vocab_at(PL_VOCABS, 0));
    cr_expect_str_eq(pl_vocab_name(PL_VOCABS), "?");
}

/* Within a vocabulary no two terms share a form (case folded): a parse is never ambiguous. */
Test(vocab, no_two_terms_share_a_form)
{
    for (int v = 0; v < PL_VOCABS; v++)
        for (size_t i = 0; i < pl_vocab_count(v); i++) {
            const pl_term *t = pl_vocab_at(v, i);
            const char *forms[] = {t->id, t->zh, t->en};
            for (size_t f = 0; f < 3; f++) {
                int k = pl_vocab_parse(v, forms[f]);
                cr_expect_eq(k, (int)i, "%s: '%s' is also term %d", pl_vocab_name(v), forms[f], k);
            }
            for (size_t j = 0; j < pl_vocab_count(v); j++) {
                const pl_term *u = pl_vocab_at(v, j);
                if (j == i)
                    continue;
                cr_expect(strcasecmp(t->id, u->en) && strcasecmp(t->en, u->en) && strcmp(t->zh, u->zh) &&
                              strcasecmp(t->id, u->id),
                          "%s: terms %zu and %zu share a form", pl_vocab_name(v), i, j);
            }
        }
}

/* ---- the public face: ids, labels, parsers ----------------------------------------------------- */

static void expect_ids(const char *const *ids, pl_vocab v, size_t n)
{
    size_t i = 0;
    for (; ids[i]; i++) {
        cr_assert_lt(i, n, "%s: more ids than terms", pl_vocab_name(v));
        cr_expect_str_eq(ids[i], pl_vocab_at(v, i)->id);
    }
    cr_expect_eq(i, n, "%s", pl_vocab_name(v));
}

Test(vocab, public_ids_and_labels_are_the_vocabulary)
{
    /* the nine statuses, without 'retired' (the last term) */
    expect_ids(pl_parcel_status_ids, PL_VOCAB_STATUS, pl_vocab_count(PL_VOCAB_STATUS) - 1);
    cr_expect_str_eq(pl_vocab_at(PL_VOCAB_STATUS, pl_vocab_count(PL_VOCAB_STATUS) - 1)->id, "retired");
    expect_ids(pl_lead_stage_ids, PL_VOCAB_LEAD_STAGE, pl_vocab_count(PL_VOCAB_LEAD_STAGE));
    expect_ids(pl_project_stage_ids, PL_VOCAB_PROJECT_STAGE, pl_vocab_count(PL_VOCAB_PROJECT_STAGE));
    expect_ids(pl_milestone_kinds, PL_VOCAB_MILESTONE, pl_vocab_count(PL_VOCAB_MILESTONE));

    for (size_t i = 0; i < pl_vocab_count(PL_VOCAB_STATUS); i++) {
        const pl_term *t = pl_vocab_at(PL_VOCAB_STATUS, i);
        cr_expect_str_eq(pl_parcel_status_zh(t->id), t->zh);
        cr_expect_str_eq(pl_parcel_status_en(t->id), t->en);
        cr_expect_str_eq(pl_parcel_status_parse(t->en), t->id);
    }
    cr_expect_str_eq(pl_parcel_status_parse("可供"), "available");
    cr_expect_str_eq(pl_parcel_status_parse("LAND BANK"), "reserve");
    cr_expect_null(pl_parcel_status_parse("free"));
    cr_expect_null(pl_parcel_status_zh("Available")); /* labels are looked up by id */

    for (size_t i = 0; i < pl_vocab_count(PL_VOCAB_LEAD_STAGE); i++) {
        const pl_term *t = pl_vocab_at(PL_VOCAB_LEAD_STAGE, i);
        cr_expect_str_eq(pl_lead_stage_zh(t->id), t->zh);
        cr_expect_str_eq(pl_lead_stage_en(t->id), t->en);
        cr_expect_str_eq(pl_lead_stage_parse(t->zh), t->id);
    }
    cr_expect_str_eq(pl_lead_stage_parse("letter of INTENT"), "intent");
    cr_expect_str_eq(pl_lead_stage_parse("Contacted"), "contacted");
    cr_expect_null(pl_lead_stage_parse("已签约"));

    for (size_t i = 0; i < pl_vocab_count(PL_VOCAB_PROJECT_STAGE); i++) {
        const pl_term *t = pl_vocab_at(PL_VOCAB_PROJECT_STAGE, i);
        cr_expect_str_eq(pl_project_stage_zh(t->id), t->zh);
        cr_expect_str_eq(pl_project_stage_en(t->id), t->en);
        cr_expect_str_eq(pl_project_stage_parse(t->en), t->id);
    }
    cr_expect_str_eq(pl_project_stage_parse("已投产"), "production");
    cr_expect_str_eq(pl_project_stage_parse("LAND_SUPPLIED"), "land_supplied");
    /* terminated is derived from project.terminated_on (no CHECK to compare with) */
    cr_expect_str_eq(pl_project_stage_parse("已终止"), "terminated");

    for (size_t i = 0; i < pl_vocab_count(PL_VOCAB_MILESTONE); i++) {
        const pl_term *t = pl_vocab_at(PL_VOCAB_MILESTONE, i);
        cr_expect_str_eq(pl_milestone_zh(t->id), t->zh);
        cr_expect_str_eq(pl_milestone_parse(t->zh), t->id);
    }
    cr_expect_str_eq(pl_milestone_parse("Construction Start"), "construction");
    cr_expect_str_eq(pl_milestone_parse("开工"), "construction");
    cr_expect_null(pl_milestone_parse("start"));

    /* themes: pl_export_theme = pl_style_theme = the vocabulary's order */
    cr_expect_eq(pl_vocab_count(PL_VOCAB_THEME), PL_STYLE_THEMES);
    cr_expect_str_eq(pl_export_theme_name(PL_THEME_AVAILABILITY), pl_vocab_at(PL_VOCAB_THEME, 0)->id);
    cr_expect_str_eq(pl_export_theme_name(PL_THEME_LANDING), pl_vocab_at(PL_VOCAB_THEME, 1)->id);
    cr_expect_eq(pl_export_theme_parse("landing"), PL_THEME_LANDING);
    cr_expect_eq(pl_export_theme_parse("项目落地"), PL_THEME_LANDING);
    cr_expect_eq(pl_export_theme_parse("Land Availability"), PL_THEME_AVAILABILITY);
    cr_expect_eq(pl_export_theme_parse("land"), -1);
    cr_expect_str_eq(pl_style_theme_zh(PL_STYLE_LANDING), "项目落地");
    cr_expect_str_eq(pl_style_theme_en(PL_STYLE_AVAILABILITY), "land availability");
    cr_expect_str_eq(pl_style_theme_name(PL_STYLE_THEMES), "?");
}

/* style.c has the colours only: its classes are the statuses (then reclaimed land) and the landing
 * classes, with their labels. */
Test(vocab, map_classes_are_the_vocabulary)
{
    const struct {
        pl_style_theme theme;
        pl_vocab v;
    } pairs[] = {{PL_STYLE_AVAILABILITY, PL_VOCAB_STATUS}, {PL_STYLE_LANDING, PL_VOCAB_LANDING}};
    for (size_t k = 0; k < 2; k++) {
        /* availability: the statuses, then the reclaimed class (not a status) */
        cr_assert_eq(pl_style_count(pairs[k].theme), pl_vocab_count(pairs[k].v) + (k == 0));
        cr_assert_leq(pl_style_count(pairs[k].theme), PL_STYLE_MAX);
        for (size_t i = 0; i < pl_vocab_count(pairs[k].v); i++) {
            const pl_term *t = pl_vocab_at(pairs[k].v, i);
            const pl_style *s = pl_style_at(pairs[k].theme, i);
            cr_expect_str_eq(s->key, t->id);
            cr_expect_str_eq(s->zh, t->zh);
            cr_expect_str_eq(s->en, t->en);
            cr_expect_eq(s->fill[0], '#');
            cr_expect_eq(strlen(s->fill), 7);
        }
    }
    const pl_style *rc = pl_style_at(PL_STYLE_AVAILABILITY, pl_vocab_count(PL_VOCAB_STATUS));
    cr_assert(rc);
    cr_expect_str_eq(rc->key, "reclaimed");
    cr_expect_str_eq(rc->zh, "已收回");
    cr_expect_str_eq(rc->en, "Reclaimed");
    cr_expect_null(pl_parcel_status_zh("reclaimed"), "reclaimed is a map class, not a status");
    /* one id, one colour in both themes */
    const char *shared[] = {"construction", "production", "verified", "idle", "reclaimed"};
    for (size_t i = 0; i < 5; i++) {
        const pl_style *a = pl_style_get(PL_STYLE_AVAILABILITY, shared[i]), *l = pl_style_get(PL_STYLE_LANDING, shared[i]);
        cr_assert(a && l, "%s", shared[i]);
        cr_expect_str_eq(a->fill, l->fill);
        cr_expect_str_eq(a->stroke, l->stroke);
    }
    /* the stage labels of the map are the first six landing classes */
    for (size_t i = 0; i < pl_vocab_count(PL_VOCAB_LANDING); i++) {
        const pl_term *t = pl_vocab_at(PL_VOCAB_LANDING, i);
        if (i < PL_LANDING_STAGES)
            cr_expect_str_eq(pl_stage_zh(t->id), t->zh);
        else
            cr_expect_null(pl_stage_zh(t->id), "%s is a flag, not a stage", t->id);
    }
}

/* ---- the schema ------------------------------------------------------------------------------ */

/* The quoted values of the CHECK that starts with `head` in the CREATE TABLE of `table`
 * of a fresh database, sorted and joined with ','. */
static char *check_values(pl_db *db, const char *table, const char *head)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", -1,
                                    &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no table %s", table);
    const char *sql = (const char *)sqlite3_column_text(st, 0);
    const char *p = strstr(sql, head);
    cr_assert_not_null(p, "%s: no '%s' in %s", table, head, sql);
    cr_assert_null(strstr(p + 1, head), "%s: two '%s'", table, head);
    char *vals[64];
    size_t n = 0;
    int depth = 0;
    for (p += strlen("CHECK "); *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            break;
        else if (*p == '\'') {
            const char *e = strchr(p + 1, '\'');
            cr_assert_not_null(e);
            cr_assert_lt(n, 64);
            vals[n++] = strndup(p + 1, (size_t)(e - p - 1));
            p = e;
        }
    }
    sqlite3_finalize(st);
    for (size_t i = 1; i < n; i++) /* insertion sort: few values */
        for (size_t j = i; j > 0 && strcmp(vals[j - 1], vals[j]) > 0; j--) {
            char *t = vals[j];
            vals[j] = vals[j - 1];
            vals[j - 1] = t;
        }
    char *out = calloc(1, 1024);
    for (size_t i = 0; i < n; i++) {
        snprintf(out + strlen(out), 1024 - strlen(out), "%s%s", i ? "," : "", vals[i]);
        free(vals[i]);
    }
    return out;
}

static char *vocab_values(pl_vocab v)
{
    const char *ids[64];
    size_t n = pl_vocab_count(v);
    for (size_t i = 0; i < n; i++)
        ids[i] = pl_vocab_at(v, i)->id;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            const char *t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    char *out = calloc(1, 1024);
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), 1024 - strlen(out), "%s%s", i ? "," : "", ids[i]);
    return out;
}

Test(vocab, schema_checks_hold_the_vocabulary)
{
    pl_db *db = tu_db_new("vocab.db", NULL);
    const struct {
        const char *table, *head;
        pl_vocab v;
    } checks[] = {
        {"parcel", "CHECK (status", PL_VOCAB_STATUS},
        {"lead", "CHECK (stage", PL_VOCAB_LEAD_STAGE},
    };
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        char *got = check_values(db, checks[i].table, checks[i].head), *want = vocab_values(checks[i].v);
        cr_expect_str_eq(got, want, "%s %s", checks[i].table, checks[i].head);
        free(got);
        free(want);
    }
    /* the milestones: the vocabulary's (the stages) and 竣工, a deadline (parkland/deadline.h, schema 10) */
    char *got = check_values(db, "milestone", "CHECK (kind"), *want = vocab_values(PL_VOCAB_MILESTONE);
    cr_expect_str_eq(got, "completion,construction,land,production,verification");
    cr_expect_str_eq(want, "construction,land,production,verification");
    for (int k = 0; k < PL_DL_KINDS; k++)
        cr_expect(strstr(got, pl_deadline_ids[k]), "%s", pl_deadline_ids[k]);
    free(got);
    free(want);
    /* and a CHECK really refuses a word outside it */
    const char *ins = "INSERT INTO lead(code, company, stage, stage_date, created_at, updated_at)"
                      " VALUES ('L-%s', 'c', '%s', '2025-01-01', 'now', 'now')";
    char sql[256];
    snprintf(sql, sizeof sql, ins, "1", "New lead");
    cr_expect_eq(sqlite3_exec(db->h, sql, NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT); /* a label is not stored */
    snprintf(sql, sizeof sql, ins, "2", "new");
    cr_expect_eq(sqlite3_exec(db->h, sql, NULL, NULL, NULL), SQLITE_OK);
    tu_db_close(db);
}

/* The industry rows the schema seeds are the vocabulary's, in its order; 'other' is not 十强. */
Test(vocab, seeded_industries_are_the_vocabulary)
{
    pl_db *db = tu_db_new("industry.db", NULL);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT id, name_zh, name_en, ten_strong FROM industry ORDER BY rowid", -1,
                                    &st, NULL), SQLITE_OK);
    size_t i = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const pl_term *t = pl_vocab_at(PL_VOCAB_INDUSTRY, i++);
        cr_assert_not_null(t, "more industry rows than terms");
        cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), t->id);
        cr_expect_str_eq((const char *)sqlite3_column_text(st, 1), t->zh);
        cr_expect_str_eq((const char *)sqlite3_column_text(st, 2), t->en);
        cr_expect_eq(sqlite3_column_int(st, 3), strcmp(t->id, "other") != 0, "%s", t->id);
    }
    sqlite3_finalize(st);
    cr_expect_eq(i, pl_vocab_count(PL_VOCAB_INDUSTRY));
    tu_db_close(db);
}
