/* park_datum.c — a park's 7 parameters from an old datum (Xian 1980, Beijing
 * 1954) to CGCS2000/WGS 84 (table park_datum_shift, schema 4). Files from
 * the 1980s and 1990s surveys of a park are in one of these datums; PROJ
 * has no published transformation for them (domain.md §5), so the park keeps
 * the parameters its surveyors use, and every import of such a file into the
 * park applies them. */
#include "parkland/park.h"
#include "parkland/parse.h"

#include "db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    const char *const forms[5];
} datums[] = {
    {"Xian 1980", {"xian80", "西安80", "西安1980", "xian 1980", "xian1980"}},
    {"Beijing 1954", {"beijing54", "北京54", "北京1954", "beijing 1954", "beijing1954"}},
};

const char *pl_datum_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof datums / sizeof *datums; i++)
        for (size_t j = 0; j < sizeof datums[i].forms / sizeof *datums[i].forms; j++)
            if (!strcasecmp(s, datums[i].forms[j]))
                return datums[i].name;
    return NULL;
}

/* "dX,dY,dZ,rX,rY,rZ,S", each number in the fewest digits that read back as
 * the same double (1.1, not 1.1000000000000001). */
static void format_towgs84(const double p[7], char *buf, size_t len)
{
    size_t n = 0;
    for (int i = 0; i < 7 && n < len; i++) {
        char num[32];
        for (int digits = 15; digits <= 17; digits++) {
            snprintf(num, sizeof num, "%.*g", digits, p[i]);
            if (strtod(num, NULL) == p[i])
                break;
        }
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "", num);
    }
}

int pl_towgs84_parse(const char *s, double p[7])
{
    /* the one dialect (parkland/parse.h): full-width digits, commas and minus signs too */
    return pl_parse_number_list(s, p, 7) ? 0 : -1;
}

int pl_park_set_datum_shift(pl_db *db, const char *park, const char *datum, const double towgs84[7],
                            const char *note, pl_error *err)
{
    const char *name = pl_datum_parse(datum);
    if (!name)
        return pl_error_set(err, PL_ERR_USAGE, "unknown datum '%s' (xian80 or beijing54)", datum ? datum : "");
    long park_id;
    int rc = pl_park_find(db, park, &park_id, err);
    if (rc)
        return rc;
    char value[7 * 26], old[7 * 26] = "", now[32], field[48];
    format_towgs84(towgs84, value, sizeof value);
    pl_now_iso(now, sizeof now);
    snprintf(field, sizeof field, "towgs84 %s", name);
    sqlite3_stmt *st = NULL;
    if ((rc = pl_db_begin(db, err)))
        return rc;
    if ((rc = pl_db_prepare(db, "SELECT towgs84 FROM park_datum_shift WHERE park_id = ?1 AND datum = ?2", &st, err)))
        goto done;
    sqlite3_bind_int64(st, 1, park_id);
    pl_bind_text(st, 2, name);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        snprintf(old, sizeof old, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (step != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot read the datum parameters of the park");
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = pl_db_prepare(db,
                            "INSERT INTO park_datum_shift(park_id, datum, towgs84, note, updated_at, updated_by)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(park_id, datum) DO UPDATE SET"
                            " towgs84 = excluded.towgs84, note = excluded.note, updated_at = excluded.updated_at,"
                            " updated_by = excluded.updated_by",
                            &st, err)))
        goto done;
    sqlite3_bind_int64(st, 1, park_id);
    pl_bind_text(st, 2, name);
    pl_bind_text(st, 3, value);
    pl_bind_text(st, 4, note);
    pl_bind_text(st, 5, now);
    pl_bind_text(st, 6, pl_db_user(db));
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = pl_db_fail(db, err, "cannot keep the datum parameters of the park");
        goto done;
    }
    rc = pl_history_add(db, "park", park_id, park, field, old[0] ? old : NULL, value, note, 0, err);
done:
    sqlite3_finalize(st);
    if (rc) {
        pl_db_rollback(db);
        return rc;
    }
    return pl_db_commit(db, err);
}

int pl_park_each_datum_shift(pl_db *db, const char *park, int (*cb)(const pl_datum_shift *shift, void *ctx),
                             void *ctx, pl_error *err)
{
    long park_id;
    int rc = pl_park_find(db, park, &park_id, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = pl_db_prepare(db,
                            "SELECT datum, towgs84, note, updated_at, updated_by FROM park_datum_shift"
                            " WHERE park_id = ?1 ORDER BY datum",
                            &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, park_id);
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        pl_datum_shift s;
        memset(&s, 0, sizeof s);
        const char *t;
        snprintf(s.datum, sizeof s.datum, "%s", (const char *)sqlite3_column_text(st, 0));
        if (pl_towgs84_parse((const char *)sqlite3_column_text(st, 1), s.towgs84)) {
            rc = pl_error_set(err, PL_ERR_INPUT, "park '%s': the stored %s parameters are not 7 numbers", park,
                              s.datum);
            break;
        }
        if ((t = (const char *)sqlite3_column_text(st, 2)))
            snprintf(s.note, sizeof s.note, "%s", t);
        snprintf(s.updated_at, sizeof s.updated_at, "%s", (const char *)sqlite3_column_text(st, 3));
        snprintf(s.updated_by, sizeof s.updated_by, "%s", (const char *)sqlite3_column_text(st, 4));
        rc = cb(&s, ctx);
    }
    if (!rc && step != SQLITE_DONE)
        rc = pl_db_fail(db, err, "cannot read the datum parameters of the park");
    sqlite3_finalize(st);
    return rc;
}

int pl_park_datum_shift_of(pl_db *db, long park_id, const char *datum, double towgs84[7], pl_error *err)
{
    const char *name = pl_datum_parse(datum);
    if (!name)
        return PL_ERR_NOTFOUND;
    sqlite3_stmt *st;
    int rc = pl_db_prepare(db, "SELECT towgs84 FROM park_datum_shift WHERE park_id = ?1 AND datum = ?2", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, park_id);
    pl_bind_text(st, 2, name);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = pl_towgs84_parse((const char *)sqlite3_column_text(st, 0), towgs84)
                 ? pl_error_set(err, PL_ERR_INPUT, "the stored %s parameters of the park are not 7 numbers", name)
                 : PL_OK;
    else
        rc = step == SQLITE_DONE ? PL_ERR_NOTFOUND : pl_db_fail(db, err, "cannot read the datum parameters");
    sqlite3_finalize(st);
    return rc;
}
