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
    char note[1100];
    int zh = pl_lang_current() == PL_LANG_ZH;
    const char *zh_note = "每宗地只计入一类, 依次判定: 闲置 (已认定或处置中的闲置案件) > 低效 (亩均评价 D 类, 或亩均税收/"
                          "亩均产值低于承诺值、宗地指标或园区门槛) > 用而未尽 (已开工未竣工投产, 或最近巡查进度 < 100%% "
                          "或已开发面积 < 宗地面积) > 供而未用 (已供地未开工) > 批而未供 (已批准未供地) > 储备 > 其他; "
                          "亩均评价年度 %s; 占比 = 该类面积 ÷ 园区土地面积";
    const char *en_note = "each parcel in one category, the first that holds: idle (confirmed or disposed case) > "
                          "inefficient (per-mu grade D, or tax/output per mu below the committed figure, the parcel's "
                          "indicator or the park's threshold) > underused (started, not completed or producing, or "
                          "the latest inspection's progress < 100 %% or developed area < the parcel's) > supplied, "
                          "not started > approved, not supplied > land bank > other; grades of %s; share = the "
                          "category's area ÷ the park's land";
    char year[16];
    snprintf(year, sizeof year, "%d", l->muni_year);
    const char *y = l->muni_year ? year : "—";
    if (!pl_lang_chosen()) {
        char a[512], b[512];
        snprintf(a, sizeof a, zh_note, y);
        snprintf(b, sizeof b, en_note, y);
        snprintf(note, sizeof note, "%s / %s", a, b);
    } else {
        snprintf(note, sizeof note, zh ? zh_note : en_note, y);
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
