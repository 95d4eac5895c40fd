/* style.c — the one colour and label table of the map classes. */
#include "style.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Colours: a status that means the same thing in both themes (construction,
 * production, verified, idle) has the same colour in both. */
static const pl_style availability[] = {
    {"reserve", "储备", "Land bank", "#b0bec5", "#546e7a", 0.6, 1.5},
    {"available", "可供", "Available", "#43a047", "#1b5e20", 0.6, 1.5},
    {"reserved", "预留", "Reserved", "#fdd835", "#f57f17", 0.6, 1.5},
    {"listed", "挂牌", "Listed", "#29b6f6", "#01579b", 0.6, 1.5},
    {"transferred", "已出让", "Transferred", "#7e57c2", "#4527a0", 0.6, 1.5},
    {"construction", "在建", "Under construction", "#fb8c00", "#e65100", 0.6, 1.5},
    {"production", "投产", "In production", "#00897b", "#004d40", 0.6, 1.5},
    {"verified", "达产", "Verified", "#1565c0", "#0d47a1", 0.6, 1.5},
    {"idle", "闲置", "Idle", "#e53935", "#b71c1c", 0.6, 2.5},
    {"retired", "已注销", "Retired", "#eeeeee", "#9e9e9e", 0.6, 1.0},
};

static const pl_style landing[] = {
    {"none", "未签约", "No project", "#e0e0e0", "#9e9e9e", 0.6, 1.0},
    {"signed", "已签约", "Signed", "#ce93d8", "#6a1b9a", 0.6, 1.5},
    {"land_supplied", "已供地", "Land supplied", "#7e57c2", "#4527a0", 0.6, 1.5},
    {"construction", "在建", "Under construction", "#fb8c00", "#e65100", 0.6, 1.5},
    {"production", "投产", "In production", "#00897b", "#004d40", 0.6, 1.5},
    {"verified", "达产", "Verified", "#1565c0", "#0d47a1", 0.6, 1.5},
    {"overdue", "逾期未开工", "Start overdue", "#ffd54f", "#ff6f00", 0.6, 2.5},
    {"idle", "闲置(逾期满1年)", "Idle (1 year late)", "#e53935", "#b71c1c", 0.6, 2.5},
    {"reclaim", "拟收回(逾期满2年)", "Reclaim candidate (2 years late)", "#8e0000", "#3e0000", 0.7, 3.0},
};

static const struct {
    const char *name, *zh, *en;
} themes[PL_STYLE_THEMES] = {
    {"availability", "土地供应", "land availability"},
    {"landing", "项目落地", "project landing"},
};

const char *pl_style_theme_name(pl_style_theme theme)
{
    return (unsigned)theme < PL_STYLE_THEMES ? themes[theme].name : "?";
}

int pl_style_theme_parse(const char *name)
{
    for (int i = 0; name && i < PL_STYLE_THEMES; i++)
        if (!strcmp(name, themes[i].name))
            return i;
    return -1;
}

const char *pl_style_theme_zh(pl_style_theme theme)
{
    return (unsigned)theme < PL_STYLE_THEMES ? themes[theme].zh : "?";
}

const char *pl_style_theme_en(pl_style_theme theme)
{
    return (unsigned)theme < PL_STYLE_THEMES ? themes[theme].en : "?";
}

static const pl_style *table(pl_style_theme theme, size_t *n)
{
    if (theme == PL_STYLE_LANDING) {
        *n = sizeof landing / sizeof *landing;
        return landing;
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

/* The six stages are the first six landing classes: one table. */
static const pl_style *stage(const char *id)
{
    int i = pl_style_index(PL_STYLE_LANDING, id);
    return i >= 0 && i < 6 ? &landing[i] : NULL;
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
