/*
 * style.h — the map classes of both themes: key, zh/en label, colours. The
 * keys and labels are the vocabulary's (base/vocab.h: statuses, landing
 * classes, themes); style.c owns the colours. One table for every export format, so a status has the same colour in GeoJSON,
 * KML and HTML, and the legend of each lists the same entries.
 *
 *   availability: one class per parcel status (储备 … 闲置, 已注销), then
 *                 reclaimed 已收回 (land taken back from a project, reserve or
 *                 available again: pl_parcel_reclaim);
 *   landing:      project stage (none 未签约, signed, land_supplied,
 *                 construction, production, verified) or, when construction
 *                 has not started by the agreed date, overdue 逾期未开工,
 *                 idle 闲置 (≥ 1 year late) and reclaim 拟收回 (≥ 2 years);
 *                 reclaimed 已收回 when no project holds reclaimed land.
 *   muni:         the 亩均效益 grade A, B, C, D of the project holding the
 *                 parcel (parkland/muni.h), ungraded 不参评 (under
 *                 construction, newly producing), none 无评价.
 *   ledger:       the stock ledger's category of the parcel as of the date
 *                 (parkland/ledger.h): 批而未供, 供而未用, 用而未尽, 闲置, 低效,
 *                 储备, then other 其他.
 */
#ifndef PARKLAND_STYLE_H
#define PARKLAND_STYLE_H

#include <stddef.h>

/* The themes of a map. The public pl_export_theme (parkland/export.h) has the
 * same values; src/export.c checks it. */
typedef enum pl_style_theme {
    PL_STYLE_AVAILABILITY = 0, /* colour by parcel status (土地供应) */
    PL_STYLE_LANDING,          /* colour by project stage, overdue and idle flagged (项目落地) */
    PL_STYLE_MUNI,             /* colour by the 亩均效益 grade of the project holding the parcel */
    PL_STYLE_LEDGER            /* colour by the stock ledger's category (存量土地台账, parkland/ledger.h) */
} pl_style_theme;

#define PL_STYLE_THEMES 4

/* "availability", "landing"; "?" when unknown. */
const char *pl_style_theme_name(pl_style_theme theme);
/* The theme `name` names: its id, Chinese or English label (vocab.h; ASCII
 * case ignored); -1 when unknown. */
int pl_style_theme_parse(const char *name);
/* "土地供应" / "land availability", "项目落地" / "project landing". */
const char *pl_style_theme_zh(pl_style_theme theme);
const char *pl_style_theme_en(pl_style_theme theme);

typedef struct pl_style {
    const char *key;      /* class id: a status id or a landing class */
    const char *zh, *en;  /* labels */
    const char *fill;     /* "#rrggbb" */
    const char *stroke;   /* "#rrggbb" */
    double fill_opacity;  /* 0..1 */
    double stroke_width;  /* pixels */
} pl_style;

/* Classes of a theme in legend order (static storage). */
size_t pl_style_count(pl_style_theme theme);
const pl_style *pl_style_at(pl_style_theme theme, size_t i);
/* The class `key` of `theme`; NULL when unknown. */
const pl_style *pl_style_get(pl_style_theme theme, const char *key);
/* Position of `key` in the legend order; -1 when unknown. */
int pl_style_index(pl_style_theme theme, const char *key);
/* Largest pl_style_count() over the themes (sizes per-class arrays). */
#define PL_STYLE_MAX 16

/* The grey "context" class of filtered maps: the other parcels of the park,
 * drawn behind the selected ones, in no theme's legend and no count. */
const pl_style *pl_style_context(void);

/* KML colour "aabbggrr" of "#rrggbb" with opacity 0..1 (out: 9 bytes). */
void pl_style_kml_color(const char *hex, double opacity, char out[9]);

/* Landing stage labels (the stage alone, without the overdue flags). */
const char *pl_stage_zh(const char *stage);
const char *pl_stage_en(const char *stage);

#endif
