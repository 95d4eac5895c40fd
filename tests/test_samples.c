/* test_samples.c — the sample park through all four importers: the same
 * parcels, codes, holes and areas, and geometries within a millimetre. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db_internal.h"
#include "parkland/db.h"
#include "parkland/import.h"
#include "parkland/park.h"
#include "reader.h"
#include "testutil.h"

static pl_db *db;

static void setup(void)
{
    db = tu_db_new("s.db", NULL);
    pl_error err;
    pl_error_clear(&err);
    static const char *const parks[] = {"TXT", "GJ", "KML", "SHP"};
    static const char *const files[] = {"parcels.txt", "parcels.geojson", "parcels.kml", "parcels.shp"};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(pl_park_add(db, parks[i], parks[i], NULL, NULL, NULL, &err), PL_OK, "%s", err.message);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", SAMPLES_DIR, files[i]);
        pl_import_options o;
        pl_import_options_init(&o);
        o.park = parks[i];
        o.allow_overlap = 1; /* the same sample park four times: the same land in four parks */
        pl_import_result r;
        int rc = pl_import_parcels(db, path, &o, &r, &err);
        for (size_t m = 0; rc && m < r.nmessages; m++)
            fprintf(stderr, "%s\n", r.messages[m].text);
        cr_assert_eq(rc, PL_OK, "%s: %s", files[i], err.message);
        cr_assert_eq(r.refused, 0);
        pl_import_result_release(&r);
    }
}

static void teardown(void)
{
    tu_db_close(db);
}

TestSuite(samples, .init = setup, .fini = teardown);

Test(samples, park_has_at_least_40_varied_parcels)
{
    cr_assert_geq(tu_sql_num_arg(db, "SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id"
                                     " WHERE k.code = ?1", "TXT"), 40);
    /* 5–300 亩 */
    cr_assert_geq(tu_sql_num(db, "SELECT min(area_m2) * 15 / 10000 FROM parcel"), 5.0);
    cr_assert_leq(tu_sql_num(db, "SELECT max(area_m2) * 15 / 10000 FROM parcel"), 300.0);
    cr_assert_geq(tu_sql_num_arg(db, "SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id WHERE k.code = ?1"
                                     " AND ST_NumGeometries(p.geom) > 1", "TXT"), 1);
    cr_assert_geq(tu_sql_num_arg(db, "SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id WHERE k.code = ?1"
                                     " AND NumInteriorRings(ST_GeometryN(p.geom, 1)) > 0", "TXT"), 2);
    cr_assert_eq(tu_sql_num(db, "SELECT count(*) FROM parcel WHERE ST_IsValid(geom) <> 1"), 0);
}

Test(samples, four_formats_same_parcels_within_a_millimetre)
{
    static const char *const others[] = {"GJ", "KML", "SHP"};
    double n = tu_sql_num(db, "SELECT count(*) FROM parcel p JOIN park k ON k.id = p.park_id WHERE k.code = 'TXT'");
    for (int i = 0; i < 3; i++) {
        const char *sql_same =
            "SELECT count(*) FROM parcel a JOIN park ka ON ka.id = a.park_id AND ka.code = 'TXT'"
            " JOIN parcel b ON b.code = a.code JOIN park kb ON kb.id = b.park_id AND kb.code = ?1"
            " WHERE a.name = b.name AND a.land_use = b.land_use AND ST_NPoints(a.geom) = ST_NPoints(b.geom)"
            " AND ST_NumGeometries(a.geom) = ST_NumGeometries(b.geom)";
        cr_assert_eq(tu_sql_num_arg(db, sql_same, others[i]), n, "%s: codes, names, uses or vertex counts differ",
                     others[i]);
        const char *sql_dist =
            "SELECT max(HausdorffDistance(a.geom, b.geom)), max(abs(a.area_m2 - b.area_m2))"
            " FROM parcel a JOIN park ka ON ka.id = a.park_id AND ka.code = 'TXT'"
            " JOIN parcel b ON b.code = a.code JOIN park kb ON kb.id = b.park_id AND kb.code = ?1";
        double d = tu_sql_num_arg(db, sql_dist, others[i]);
        cr_assert_lt(d, 0.001, "%s: geometries differ by %.6f m", others[i], d);
    }
}

/* Area of each parcel against an independent shoelace sum over the TXT's raw rings. */
typedef struct shoelace_ctx {
    long checked;
    double worst;
} shoelace_ctx;

static int shoelace_feature(const pl_feature *f, const pl_source_info *info, void *vctx)
{
    (void)info;
    shoelace_ctx *c = vctx;
    double a = 0;
    for (size_t i = 0; i < f->geom.n; i++)
        for (size_t j = 0; j < f->geom.polys[i].n; j++)
            a += (j == 0 ? 1 : -1) * fabs(pl_ring_signed_area(&f->geom.polys[i].rings[j]));
    const char *code = NULL;
    for (size_t k = 0; k < f->nattrs; k++)
        if (!strcmp(f->attrs[k].key, "地块编号"))
            code = f->attrs[k].value;
    cr_assert_not_null(code);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db->h, "SELECT p.area_m2 FROM parcel p JOIN park k ON k.id = p.park_id"
                              " WHERE p.code = ?1 AND k.code = 'TXT'", -1, &st, NULL);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s missing", code);
    double stored = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    c->worst = fmax(c->worst, fabs(stored - a));
    c->checked++;
    return 0;
}

Test(samples, areas_match_independent_shoelace)
{
    shoelace_ctx c = {0};
    pl_read_options ro = {PL_ENCODING_AUTO, 0, NULL, NULL};
    pl_source_info info;
    memset(&info, 0, sizeof info);
    pl_error err;
    cr_assert_eq(pl_read_txt(SAMPLES_DIR "/parcels.txt", &ro, &info, shoelace_feature, &c, &err), PL_OK, "%s",
                 err.message);
    cr_assert_geq(c.checked, 40);
    cr_assert_lt(c.worst, 0.01, "area off by %.4f m²", c.worst);
    cr_assert_eq(info.srid, 4528);
    cr_assert_str_eq(info.encoding, "gbk");
}
