/* code.c — codes found as written, ignoring case, by their map label, or
 * with "did you mean" (parkland/code.h). */
#include "parkland/code.h"
#include "parkland/i18n.h"
#include "parkland/parse.h"

#include "db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kind's noun in the language of the messages (parkland/i18n.h). */
static const char *kind_name(pl_code_kind kind)
{
    return pl_tr(kind == PL_CODE_PARCEL ? "parcel"
                 : kind == PL_CODE_LEAD ? "lead"
                 : kind == PL_CODE_PARK ? "park"
                                        : "project");
}

/* SELECT DISTINCT code of the kind's table WHERE (cond), with ?2 the park for parcels. */
static int prepare(pl_db *db, pl_code_kind kind, const char *cond, sqlite3_stmt **st, pl_error *err)
{
    char sql[512];
    if (kind == PL_CODE_PARCEL)
        snprintf(sql, sizeof sql,
                 "SELECT DISTINCT p.code FROM parcel p JOIN park k ON k.id = p.park_id"
                 " WHERE (?2 IS NULL OR k.code = ?2) AND (%s) ORDER BY p.code",
                 cond);
    else
        snprintf(sql, sizeof sql, "SELECT DISTINCT code FROM %s WHERE ?2 IS NULL AND (%s) ORDER BY code",
                 kind == PL_CODE_LEAD ? "lead" : kind == PL_CODE_PARK ? "park" : "project", cond);
    return pl_db_prepare_kept(db, sql, st, err); /* pl_db_kept_done gives it back */
}

/* The codes of cond (?1 = text): the first into *first (malloc'd, replacing
 * what it held), up to 5 into list (", "-separated); how many (at most 6). -1
 * on error. */
static int codes_where(pl_db *db, pl_code_kind kind, const char *park, const char *text, const char *cond,
                       char **first, char *list, size_t llen, pl_error *err)
{
    sqlite3_stmt *st;
    if (prepare(db, kind, cond, &st, err))
        return -1;
    pl_bind_text(st, 1, text);
    pl_bind_text(st, 2, kind == PL_CODE_PARCEL ? park : NULL);
    int n = 0, step;
    size_t used = 0;
    list[0] = '\0';
    while (n < 6 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (!n) {
            free(*first);
            if (!(*first = strdup(c))) {
                pl_db_kept_done(db, st);
                pl_error_set(err, PL_ERR_NOMEM, "out of memory");
                return -1;
            }
        }
        if (n < 5 && used < llen) {
            int w = snprintf(list + used, llen - used, "%s'%.80s'", n ? ", " : "", c);
            used += w > 0 ? (size_t)w : 0;
        }
        n++;
    }
    if (n < 6 && step != SQLITE_DONE) {
        pl_db_kept_done(db, st);
        pl_db_fail(db, err, "cannot read codes");
        return -1;
    }
    pl_db_kept_done(db, st);
    return n;
}

/* " (did you mean 'A' or 'B'?)" — the nearest codes within pl_suggest_limit;
 * "" when none. */
static int suggest(pl_db *db, pl_code_kind kind, const char *park, const char *text, char *out, size_t olen,
                   pl_error *err)
{
    out[0] = '\0';
    size_t len = strlen(text);
    int limit = pl_suggest_limit(len);
    sqlite3_stmt *st;
    if (prepare(db, kind, kind == PL_CODE_PARCEL ? "length(p.code) BETWEEN ?3 AND ?4" : "length(code) BETWEEN ?3 AND ?4",
                &st, err))
        return -1;
    pl_bind_text(st, 2, kind == PL_CODE_PARCEL ? park : NULL);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)len - limit);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)len + limit);
    char best[3][64] = {"", "", ""};
    int bestd[3] = {limit + 1, limit + 1, limit + 1};
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        int d = pl_edit_distance(text, c, bestd[2] - 1);
        if (d >= bestd[2] || strlen(c) >= sizeof best[0])
            continue;
        int k = 2;
        while (k > 0 && d < bestd[k - 1]) {
            bestd[k] = bestd[k - 1];
            memcpy(best[k], best[k - 1], sizeof best[k]);
            k--;
        }
        bestd[k] = d;
        snprintf(best[k], sizeof best[k], "%s", c);
    }
    pl_db_kept_done(db, st);
    if (step != SQLITE_DONE)
        return pl_db_fail(db, err, "cannot read codes");
    int n = 0;
    while (n < 3 && best[n][0])
        n++;
    if (n == 1)
        snprintf(out, olen, " (did you mean '%s'?)", best[0]);
    else if (n == 2)
        snprintf(out, olen, " (did you mean '%s' or '%s'?)", best[0], best[1]);
    else if (n == 3)
        snprintf(out, olen, " (did you mean '%s', '%s' or '%s'?)", best[0], best[1], best[2]);
    return PL_OK;
}

int pl_code_resolve(pl_db *db, pl_code_kind kind, const char *park, const char *text, char **out,
                    pl_code_match *match, pl_error *err)
{
    *out = NULL;
    if (!text)
        text = "";
    const char *col = kind == PL_CODE_PARCEL ? "p.code" : "code";
    char cond[160], list[512];
    /* as written */
    snprintf(cond, sizeof cond, "%s = ?1", col);
    int n = codes_where(db, kind, park, text, cond, out, list, sizeof list, err);
    pl_code_match how = PL_CODE_EXACT;
    if (n == 0) { /* ignoring case */
        snprintf(cond, sizeof cond, "%s = ?1 COLLATE NOCASE", col);
        n = codes_where(db, kind, park, text, cond, out, list, sizeof list, err);
        how = PL_CODE_CASE;
    }
    if (n == 0 && kind == PL_CODE_PARCEL && *text && !strpbrk(text, "-%_\\")) { /* the map label */
        n = codes_where(db, kind, park, text, "p.code LIKE '%-' || ?1 ESCAPE '\\'", out, list, sizeof list, err);
        how = PL_CODE_LABEL;
    }
    if (n == 1) {
        if (match)
            *match = how;
        return PL_OK;
    }
    free(*out);
    *out = NULL;
    if (n < 0)
        return err->code ? err->code : PL_ERR_DB;
    if (n > 1)
        return pl_error_set(err, PL_ERR_USAGE, "%s '%s' is ambiguous: %s%s%s", kind_name(kind), text, list,
                            n > 5 ? ", …" : "",
                            kind == PL_CODE_PARCEL && !park && how == PL_CODE_LABEL ? " (name one, or the park with --park)"
                                                                                    : " (name one)");
    char hint[300];
    int rc = suggest(db, kind, park, text, hint, sizeof hint, err);
    if (rc)
        return rc;
    if (kind == PL_CODE_PARCEL && park)
        return pl_error_set(err, PL_ERR_NOTFOUND, "no parcel '%s' in park '%s'%s", text, park, hint);
    if (kind == PL_CODE_PARK && !*hint)
        return pl_error_set(err, PL_ERR_NOTFOUND, "no park '%s' (see 'parkland park list')", text);
    return pl_error_set(err, PL_ERR_NOTFOUND, "no %s '%s'%s", kind_name(kind), text, hint);
}
