/* style.c — the one colour and label table of the map classes. */
#include "style.h"
#include "vocab.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Colours by class id: fill, stroke, fill opacity, stroke width. The labels
 * are the vocabulary's (vocab.h); a class without a colour here does not
 * compile. One id has one colour in both themes (construction, production,
 * verified, idle). */
#define STYLE_reserve "#b0bec5", "#546e7a", 0.6, 1.5
#define STYLE_available "#43a047", "#1b5e20", 0.6, 1.5
#define STYLE_reserved "#fdd835", "#f57f17", 0.6, 1.5
#define STYLE_listed "#29b6f6", "#01579b", 0.6, 1.5
#define STYLE_transferred "#7e57c2", "#4527a0", 0.6, 1.5
#define STYLE_construction "#fb8c00", "#e65100", 0.6, 1.5
#define STYLE_production "#00897b", "#004d40", 0.6, 1.5
#define STYLE_verified "#1565c0", "#0d47a1", 0.6, 1.5
#define STYLE_idle "#e53935", "#b71c1c", 0.6, 2.5
#define STYLE_retired "#eeeeee", "#9e9e9e", 0.6, 1.0
#define STYLE_none "#e0e0e0", "#9e9e9e", 0.6, 1.0
#define STYLE_signed "#ce93d8", "#6a1b9a", 0.6, 1.5
#define STYLE_land_supplied "#7e57c2", "#4527a0", 0.6, 1.5
/* past the agreed start: red, as the Ministry's land market monitoring system marks it */
#define STYLE_overdue "#ff8a80", "#d50000", 0.7, 2.5
#define STYLE_overdue_land "#80deea", "#00838f", 0.6, 2.5
#define STYLE_overdue_completion "#ffab40", "#e65100", 0.6, 2.5
#define STYLE_overdue_production "#ffd54f", "#ff6f00", 0.6, 2.5
#define STYLE_reclaim "#8e0000", "#3e0000", 0.7, 3.0
#define STYLE_reclaimed "#a1887f", "#3e2723", 0.6, 2.5
#define STYLE_A "#1a9850", "#00441b", 0.7, 1.5
#define STYLE_B "#91cf60", "#386b1f", 0.7, 1.5
#define STYLE_C "#fdae61", "#b35806", 0.7, 1.5
#define STYLE_D "#d73027", "#67000d", 0.7, 2.5
#define STYLE_ungraded "#c6dbef", "#4292c6", 0.6, 1.5
/* ledger: idle and reserve keep their colours of the availability theme */
#define STYLE_approved_unsupplied "#ffee58", "#f9a825", 0.7, 1.5
#define STYLE_supplied_unused "#ab47bc", "#6a1b9a", 0.7, 2.0
#define STYLE_underused "#ffa726", "#e65100", 0.7, 1.5
#define STYLE_inefficient "#8d6e63", "#4e342e", 0.7, 2.0
#define STYLE_other "#e0e0e0", "#9e9e9e", 0.5, 1.0

#define STYLE(id, zh, en) {#id, zh, en, STYLE_##id},

/* availability: one class per parcel status, in lifecycle order, then reclaimed land */
static const pl_style availability[] = {PL_VOCAB_STATUSES(STYLE) PL_VOCAB_STATUS_RETIRED(STYLE)
                                            PL_VOCAB_CLASS_RECLAIMED(STYLE)};
/* landing: the six stages, then the overdue deadlines, idle, reclaim, reclaimed */
static const pl_style landing[] = {PL_VOCAB_LANDING(STYLE)};
/* muni: the grades, not graded, no evaluation */
static const pl_style muni[] = {PL_VOCAB_MUNI(STYLE)};
/* ledger: the stock ledger's categories, then other land */
static const pl_style ledger[] = {PL_VOCAB_LEDGER(STYLE)};

_Static_assert(sizeof availability / sizeof *availability <= PL_STYLE_MAX &&
                   sizeof landing / sizeof *landing <= PL_STYLE_MAX && sizeof muni / sizeof *muni <= PL_STYLE_MAX &&
                   sizeof ledger / sizeof *ledger <= PL_STYLE_MAX,
               "PL_STYLE_MAX bounds every theme");
_Static_assert(PL_STYLE_AVAILABILITY == 0 && PL_STYLE_LANDING == 1 && PL_STYLE_MUNI == 2 && PL_STYLE_LEDGER == 3 &&
                   PL_STYLE_THEMES == 4,
               "pl_style_theme is the order of the vocabulary's themes");

const char *pl_style_theme_name(pl_style_theme theme)
{
    const pl_term *t = pl_vocab_at(PL_VOCAB_THEME, (size_t)theme);
    return t ? t->id : "?";
}

int pl_style_theme_parse(const char *name)
{
    return pl_vocab_parse(PL_VOCAB_THEME, name);
}

const char *pl_style_theme_zh(pl_style_theme theme)
{
    const pl_term *t = pl_vocab_at(PL_VOCAB_THEME, (size_t)theme);
    return t ? t->zh : "?";
}

const char *pl_style_theme_en(pl_style_theme theme)
{
    const pl_term *t = pl_vocab_at(PL_VOCAB_THEME, (size_t)theme);
    return t ? t->en : "?";
}

static const pl_style *table(pl_style_theme theme, size_t *n)
{
    if (theme == PL_STYLE_LANDING) {
        *n = sizeof landing / sizeof *landing;
        return landing;
    }
    if (theme == PL_STYLE_MUNI) {
        *n = sizeof muni / sizeof *muni;
        return muni;
    }
    if (theme == PL_STYLE_LEDGER) {
        *n = sizeof ledger / sizeof *ledger;
        return ledger;
    }
    *n = sizeof availability / sizeof *availability;
    return availability;
}

size_t pl_style_count(pl_style_theme theme)
{
    size_t n;
    table(theme, &n);
    return n;
}

const pl_style *pl_style_at(pl_style_theme theme, size_t i)
{
    size_t n;
    const pl_style *t = table(theme, &n);
    return i < n ? &t[i] : NULL;
}

int pl_style_index(pl_style_theme theme, const char *key)
{
    size_t n;
    const pl_style *t = table(theme, &n);
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(t[i].key, key))
            return (int)i;
    return -1;
}

const pl_style *pl_style_get(pl_style_theme theme, const char *key)
{
    int i = pl_style_index(theme, key);
    return i < 0 ? NULL : pl_style_at(theme, (size_t)i);
}

const pl_style *pl_style_context(void)
{
    static const pl_style context = {"context", "背景", "context", "#d9d9d9", "#9e9e9e", 0.35, 0.8};
    return &context;
}

void pl_style_kml_color(const char *hex, double opacity, char out[9])
{
    unsigned r = 0, g = 0, b = 0;
    if (!hex || sscanf(hex, "#%2x%2x%2x", &r, &g, &b) != 3)
        r = g = b = 0x80;
    if (!(opacity >= 0))
        opacity = 0;
    if (opacity > 1)
        opacity = 1;
    unsigned a = (unsigned)lround(opacity * 255.0);
    snprintf(out, 9, "%02x%02x%02x%02x", a & 0xff, b & 0xff, g & 0xff, r & 0xff);
}

/* The six stages are the first PL_LANDING_STAGES landing classes. */
static const pl_style *stage(const char *id)
{
    int i = pl_style_index(PL_STYLE_LANDING, id);
    return i >= 0 && i < PL_LANDING_STAGES ? &landing[i] : NULL;
}

const char *pl_stage_zh(const char *id)
{
    const pl_style *s = stage(id);
    return s ? s->zh : NULL;
}

const char *pl_stage_en(const char *id)
{
    const pl_style *s = stage(id);
    return s ? s->en : NULL;
}
