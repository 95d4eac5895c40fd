/* report_ledger.c — `report ledger`: the stock ledger (存量土地台账, 批供用) as
 * of a date: parcels and 亩 by park and category, then every parcel of a
 * category with why (parkland/ledger.h). */
#include "ledger_internal.h"

#include "parkland/i18n.h"
#include "parkland/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "批而未供 Approved, not supplied" in the current language (buf). */
static const char *class_label(pl_ledger_class c, char *buf, size_t len)
{
    char both[160];
    snprintf(both, sizeof both, "%s %s", pl_ledger_class_zh(c), pl_ledger_class_en(c));
    const char *t = pl_tr_label(both, buf, len);
    if (t != buf)
        snprintf(buf, len, "%s", t);
    return buf;
}

static int summary(pl_report *r, const rp_data *d, const pl_ledger *l, pl_error *err)
{
    static const rp_col cols[] = {{"park", "园区 park", 0},
                                  {"category", "类别代码 category", 0},
                                  {"category_label", "类别 name", 0},
                                  {"parcels", "宗地数 parcels", 1},
                                  {"area_mu", "面积(亩) area (mu)", 1},
                                  {"area_ha", "面积(公顷) area (ha)", 1},
                                  {"share_pct", "占比 % share", 1}};
    rp_table *t = rp_table_add(r, "ledger", "存量土地台账 stock ledger", sizeof cols / sizeof *cols, cols);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    /* the note: the categories in the order they are tested (report_definitions.c), the grades' year */
    char note[4096] = "";
    int both = !pl_lang_chosen(), zh = pl_lang_current() == PL_LANG_ZH;
    for (int pass = 0; pass < (both ? 2 : 1); pass++) {
        int z = both ? pass == 0 : zh;
        size_t used = strlen(note);
        snprintf(note + used, sizeof note - used, "%s%s", pass ? " / " : "",
                 z ? "每宗地只计入一类, 依次判定: " : "each parcel in one category, the first that holds: ");
        for (size_t i = 0; i < PL_LEDGER_CLASSES; i++) {
            used = strlen(note);
            snprintf(note + used, sizeof note - used, "%s%s", i ? "; " : "", rp_ledger_definition(i, z, NULL));
        }
        used = strlen(note);
        if (l->muni_year)
            snprintf(note + used, sizeof note - used, z ? "; 亩均评价年度 %d" : "; grades of %d", l->muni_year);
        else
            snprintf(note + used, sizeof note - used, "%s", z ? "; 无亩均评价" : "; no per-mu grades");
    }
    int rc = rp_table_note(t, note, err);
    /* per park (d->parks are the report's), then the total */
    for (size_t k = 0; k <= d->nparks && !rc; k++) {
        long cnt[PL_LEDGER_CLASSES] = {0};
        double m2[PL_LEDGER_CLASSES] = {0}, all = 0;
        for (size_t i = 0; i < l->n; i++) {
            if (k < d->nparks && strcmp(l->parcels[i].park, d->parks[k].code))
                continue;
            cnt[l->parcels[i].cls]++;
            m2[l->parcels[i].cls] += l->parcels[i].area_m2;
            all += l->parcels[i].area_m2;
        }
        for (int c = 0; c < PL_LEDGER_CLASSES && !rc; c++) {
            char lb[160];
            const char *cells[] = {k < d->nparks ? d->parks[k].code : RP_TOTAL,
                                   pl_ledger_class_id((pl_ledger_class)c),
                                   class_label((pl_ledger_class)c, lb, sizeof lb),
                                   rp_int(cnt[c]),
                                   rp_num(pl_m2_to_mu(m2[c]), 2),
                                   rp_num(pl_m2_to_ha(m2[c]), 4),
                                   rp_rate(m2[c], all)};
            rc = rp_row(t, cells, err);
        }
    }
    return rc;
}

static int by_class_park_code(const void *a, const void *b)
{
    const pl_ledger_parcel *x = *(const pl_ledger_parcel *const *)a, *y = *(const pl_ledger_parcel *const *)b;
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    int c = strcmp(x->park, y->park);
    return c ? c : strcmp(x->code, y->code);
}

static int parcel_list(pl_report *r, const pl_ledger *l, pl_error *err)
{
    static const rp_col cols[] = {{"category", "类别代码 category", 0},
                                  {"category_label", "类别 name", 0},
                                  {"park", "园区 park", 0},
                                  {"parcel", "宗地号 parcel", 0},
                                  {"area_mu", "面积(亩) area (mu)", 1},
                                  {"status", "状态 status", 0},
                                  {"project", "项目 project", 0},
                                  {"reason", "依据 reason", 0}};
    rp_table *t = rp_table_add(r, "ledger_parcels", "台账宗地 ledger parcels", sizeof cols / sizeof *cols, cols);
    if (!t)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    const pl_ledger_parcel **ord = malloc((l->n ? l->n : 1) * sizeof *ord);
    if (!ord)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < l->n; i++)
        ord[i] = &l->parcels[i];
    qsort(ord, l->n, sizeof *ord, by_class_park_code);
    int rc = PL_OK;
    for (size_t i = 0; i < l->n && !rc; i++) {
        const pl_ledger_parcel *e = ord[i];
        if (e->cls == PL_LEDGER_OTHER) /* the categories' lists; other land is counted above */
            continue;
        char lb[160];
        const char *cells[] = {pl_ledger_class_id(e->cls), class_label(e->cls, lb, sizeof lb), e->park, e->code,
                               rp_num(pl_m2_to_mu(e->area_m2), 2), e->status, e->project, e->reason};
        rc = rp_row(t, cells, err);
    }
    free(ord);
    return rc;
}

int rp_build_ledger(pl_report *r, pl_db *db, const rp_data *d, pl_error *err)
{
    pl_ledger l;
    int rc = rp_ledger_classify(db, d, r->park[0] ? r->park : NULL, &l, err);
    if (!rc)
        rc = summary(r, d, &l, err);
    if (!rc)
        rc = parcel_list(r, &l, err);
    pl_ledger_release(&l);
    return rc;
}
