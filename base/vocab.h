/*
 * vocab.h — the domain vocabulary (internal): the one list of every closed set
 * of words parkland stores or shows, each term with its id (what the database
 * stores), its Chinese and its English label, and one parser that takes any of
 * the three. Pure data: no database, no allocation.
 *
 *   status         parcel status 地块状态 (reserve 储备 … idle 闲置, retired 已注销)
 *   lead stage     招商阶段 (new 线索 … signed 签约, lost 流失)
 *   project stage  项目阶段, derived from the milestones (signed 已签约 … verified 已达产)
 *   milestone      项目节点 (land 供地, construction 开工, production 投产, verification 达产验收)
 *   industry       产业 (the Shandong 十强 and 'other'; the rows the schema seeds into `industry`)
 *   theme          map theme 专题 (availability 土地供应, landing 项目落地)
 *   landing        the landing theme's map classes: a project stage as the map labels it
 *                  (none 未签约, signed … production 投产, verified 达产) or the start
 *                  flags overdue 逾期未开工, idle 闲置(逾期满1年), reclaim 拟收回(逾期满2年)
 *
 * The lists are X-macros so that the public id arrays of the core
 * (pl_parcel_status_ids, pl_lead_stage_ids, …) are expanded from the same
 * text. tests/test_vocab.c checks the schema's CHECKs and seed rows against
 * them. Colours are gis/style.c's, keyed by id.
 */
#ifndef PARKLAND_VOCAB_H
#define PARKLAND_VOCAB_H

#include <stddef.h>

/* X(id, zh, en): the id is a bare token (stringified: #id) so that a table
 * can key other data on it at compile time (gis/style.c: STYLE_##id). */
#define PL_VOCAB_STATUSES(X)                                                                            \
    X(reserve, "储备", "Land bank")                                                                     \
    X(available, "可供", "Available")                                                                   \
    X(reserved, "预留", "Reserved")                                                                     \
    X(listed, "挂牌", "Listed")                                                                         \
    X(transferred, "已出让", "Transferred")                                                             \
    X(construction, "在建", "Under construction")                                                       \
    X(production, "投产", "In production")                                                              \
    X(verified, "达产", "Verified")                                                                     \
    X(idle, "闲置", "Idle")
/* 'retired' (split or merged away) is set by 'parcel split'/'merge' only and is
 * not one of pl_parcel_status_ids; it is the last status. */
#define PL_VOCAB_STATUS_RETIRED(X) X(retired, "已注销", "Retired")

#define PL_VOCAB_LEAD_STAGES(X)                                                                         \
    X(new, "线索", "New lead")                                                                          \
    X(contacted, "洽谈", "Contacted")                                                                   \
    X(visited, "考察", "Visited")                                                                       \
    X(intent, "意向", "Letter of intent")                                                               \
    X(signed, "签约", "Signed")                                                                         \
    X(lost, "流失", "Lost")

#define PL_VOCAB_PROJECT_STAGES(X)                                                                      \
    X(signed, "已签约", "Signed")                                                                       \
    X(land_supplied, "已供地", "Land supplied")                                                         \
    X(construction, "在建", "Under construction")                                                       \
    X(production, "已投产", "In production")                                                            \
    X(verified, "已达产", "Verified")                                                                   \
    X(terminated, "已终止", "Terminated")

#define PL_VOCAB_MILESTONES(X)                                                                          \
    X(land, "供地", "land supply")                                                                      \
    X(construction, "开工", "construction start")                                                       \
    X(production, "投产", "production")                                                                 \
    X(verification, "达产验收", "verification")

/* The ten strong industries (十强产业) first, 'other' (not one of them) last. */
#define PL_VOCAB_INDUSTRIES(X)                                                                          \
    X(it, "新一代信息技术", "New-generation IT")                                                        \
    X(equipment, "高端装备", "High-end equipment")                                                      \
    X(energy_materials, "新能源新材料", "New energy and new materials")                                 \
    X(marine, "现代海洋", "Modern marine")                                                              \
    X(health, "医养健康", "Health and elderly care")                                                    \
    X(chemical, "绿色化工", "Green chemicals")                                                          \
    X(agriculture, "现代高效农业", "Modern efficient agriculture")                                      \
    X(culture, "文化创意", "Culture and creative")                                                      \
    X(tourism, "精品旅游", "Boutique tourism")                                                          \
    X(finance, "现代金融", "Modern finance")                                                            \
    X(other, "其他", "Other")

#define PL_VOCAB_THEMES(X)                                                                              \
    X(availability, "土地供应", "land availability")                                                    \
    X(landing, "项目落地", "project landing")                                                           \
    X(muni, "亩均效益", "per-mu performance")                                                         \
    X(ledger, "存量土地台账", "stock ledger")

/* The classes of the muni map (亩均效益 grades, parkland/muni.h): the four
 * grades, firms not graded (treated as B), land without an evaluation. */
#define PL_VOCAB_MUNI(X)                                                                                \
    X(A, "A类", "Grade A")                                                                              \
    X(B, "B类", "Grade B")                                                                              \
    X(C, "C类", "Grade C")                                                                              \
    X(D, "D类", "Grade D")                                                                              \
    X(ungraded, "不参评(按B)", "Not graded")                                                             \
    X(none, "无评价", "No evaluation")

/* The classes of the ledger map (存量土地台账, parkland/ledger.h): the
 * categories of the stock ledger in the report's order, then other land. */
#define PL_VOCAB_LEDGER(X)                                                                              \
    X(approved_unsupplied, "批而未供", "Approved, not supplied")                                        \
    X(supplied_unused, "供而未用", "Supplied, not started")                                             \
    X(underused, "用而未尽", "Started, not fully built")                                                \
    X(idle, "闲置", "Idle (confirmed)")                                                                 \
    X(inefficient, "低效", "Inefficient")                                                               \
    X(reserve, "储备", "Land bank")                                                                     \
    X(other, "其他", "Other")

/* The six stages first (the map's own labels: 投产, 达产), then the flags: the overdue
 * deadlines (parkland/deadline.h; 逾期未开工 is the Ministry's red line), idle, reclaim. */
#define PL_VOCAB_LANDING(X)                                                                             \
    X(none, "未签约", "No project")                                                                     \
    X(signed, "已签约", "Signed")                                                                       \
    X(land_supplied, "已供地", "Land supplied")                                                         \
    X(construction, "在建", "Under construction")                                                       \
    X(production, "投产", "In production")                                                              \
    X(verified, "达产", "Verified")                                                                     \
    X(overdue_land, "逾期未交地", "Handover overdue (government)")                                      \
    X(overdue, "逾期未开工", "Start overdue")                                                           \
    X(overdue_completion, "逾期未竣工", "Completion overdue")                                           \
    X(overdue_production, "逾期未投产", "Production overdue")                                           \
    X(idle, "闲置(逾期满1年)", "Idle (1 year late)")                                                    \
    X(reclaim, "拟收回(逾期满2年)", "Reclaim candidate (2 years late)")                                  \
    PL_VOCAB_CLASS_RECLAIMED(X)
/* The map class of land taken back from a project (pl_parcel_reclaim): the last
 * landing class, and a class of the availability theme after the statuses
 * (it is not a status: the parcel is reserve or available). */
#define PL_VOCAB_CLASS_RECLAIMED(X) X(reclaimed, "已收回", "Reclaimed")

/* The roles of the web application's accounts (parkland/user.h), least to most. */
#define PL_VOCAB_ROLES(X)                                                                               \
    X(viewer, "查看", "Viewer")                                                                         \
    X(investment, "招商", "Investment")                                                                 \
    X(land, "土地", "Land")                                                                             \
    X(admin, "管理员", "Administrator")

/* Expand a list to its ids only: `{PL_VOCAB_STATUSES(PL_VOCAB_ID) NULL}`. */
#define PL_VOCAB_ID(id, zh, en) #id,

typedef enum pl_vocab {
    PL_VOCAB_STATUS,
    PL_VOCAB_LEAD_STAGE,
    PL_VOCAB_PROJECT_STAGE,
    PL_VOCAB_MILESTONE,
    PL_VOCAB_INDUSTRY,
    PL_VOCAB_THEME,
    PL_VOCAB_LANDING,
    PL_VOCAB_ROLE,
    PL_VOCABS
} pl_vocab;

/* The index of the themes' terms is pl_style_theme (gis/style.h) and
 * pl_export_theme (parkland/export.h); of the milestones, the order above. */
enum { PL_LANDING_STAGES = 6 }; /* the first six landing classes are the stages */

typedef struct pl_term {
    const char *id; /* stored, ASCII lowercase */
    const char *zh; /* Chinese label */
    const char *en; /* English label */
} pl_term;

/* "parcel status", "lead stage", …; "?" when v is out of range. */
const char *pl_vocab_name(pl_vocab v);

/* Terms of v in their order (static storage); pl_vocab_at is NULL past the end. */
size_t pl_vocab_count(pl_vocab v);
const pl_term *pl_vocab_at(pl_vocab v, size_t i);

/* Index of the term whose id is exactly `id`; -1 when none (or id NULL). */
int pl_vocab_index(pl_vocab v, const char *id);
/* The term of id `id`; NULL when none. */
const pl_term *pl_vocab_get(pl_vocab v, const char *id);
/* Its labels; NULL when the id is unknown. */
const char *pl_vocab_zh(pl_vocab v, const char *id);
const char *pl_vocab_en(pl_vocab v, const char *id);

/* The term `s` names: its id or its English label compared with ASCII case
 * folding, or its Chinese label exactly. Index, or -1 when none (s NULL). */
int pl_vocab_parse(pl_vocab v, const char *s);
/* The id (static storage) of the term `s` names; NULL when none. */
const char *pl_vocab_parse_id(pl_vocab v, const char *s);

#endif
