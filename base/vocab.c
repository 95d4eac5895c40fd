/* vocab.c — the domain vocabulary: the tables of vocab.h's lists. */
#include "vocab.h"

#include <string.h>

#define TERM(id, zh, en) {#id, zh, en},

static const pl_term statuses[] = {PL_VOCAB_STATUSES(TERM) PL_VOCAB_STATUS_RETIRED(TERM)};
static const pl_term lead_stages[] = {PL_VOCAB_LEAD_STAGES(TERM)};
static const pl_term project_stages[] = {PL_VOCAB_PROJECT_STAGES(TERM)};
static const pl_term milestones[] = {PL_VOCAB_MILESTONES(TERM)};
static const pl_term industries[] = {PL_VOCAB_INDUSTRIES(TERM)};
static const pl_term themes[] = {PL_VOCAB_THEMES(TERM)};
static const pl_term landing[] = {PL_VOCAB_LANDING(TERM)};
static const pl_term roles[] = {PL_VOCAB_ROLES(TERM)};

#define N(a) (sizeof a / sizeof *a)

static const struct {
    const char *name;
    const pl_term *terms;
    size_t n;
} vocabs[PL_VOCABS] = {
    [PL_VOCAB_STATUS] = {"parcel status", statuses, N(statuses)},
    [PL_VOCAB_LEAD_STAGE] = {"lead stage", lead_stages, N(lead_stages)},
    [PL_VOCAB_PROJECT_STAGE] = {"project stage", project_stages, N(project_stages)},
    [PL_VOCAB_MILESTONE] = {"milestone", milestones, N(milestones)},
    [PL_VOCAB_INDUSTRY] = {"industry", industries, N(industries)},
    [PL_VOCAB_THEME] = {"theme", themes, N(themes)},
    [PL_VOCAB_LANDING] = {"landing class", landing, N(landing)},
    [PL_VOCAB_ROLE] = {"role", roles, N(roles)},
};

_Static_assert(N(landing) > PL_LANDING_STAGES, "the landing classes start with the six stages");

const char *pl_vocab_name(pl_vocab v)
{
    return (unsigned)v < PL_VOCABS ? vocabs[v].name : "?";
}

size_t pl_vocab_count(pl_vocab v)
{
    return (unsigned)v < PL_VOCABS ? vocabs[v].n : 0;
}

const pl_term *pl_vocab_at(pl_vocab v, size_t i)
{
    return i < pl_vocab_count(v) ? &vocabs[v].terms[i] : NULL;
}

int pl_vocab_index(pl_vocab v, const char *id)
{
    size_t n = pl_vocab_count(v);
    for (size_t i = 0; id && i < n; i++)
        if (!strcmp(vocabs[v].terms[i].id, id))
            return (int)i;
    return -1;
}

const pl_term *pl_vocab_get(pl_vocab v, const char *id)
{
    int i = pl_vocab_index(v, id);
    return i < 0 ? NULL : &vocabs[v].terms[i];
}

const char *pl_vocab_zh(pl_vocab v, const char *id)
{
    const pl_term *t = pl_vocab_get(v, id);
    return t ? t->zh : NULL;
}

const char *pl_vocab_en(pl_vocab v, const char *id)
{
    const pl_term *t = pl_vocab_get(v, id);
    return t ? t->en : NULL;
}

/* a and b equal with A–Z folded to a–z (other bytes compared as they are) */
static int ascii_case_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

int pl_vocab_parse(pl_vocab v, const char *s)
{
    size_t n = pl_vocab_count(v);
    for (size_t i = 0; s && i < n; i++) {
        const pl_term *t = &vocabs[v].terms[i];
        if (ascii_case_eq(t->id, s) || ascii_case_eq(t->en, s) || !strcmp(t->zh, s))
            return (int)i;
    }
    return -1;
}

const char *pl_vocab_parse_id(pl_vocab v, const char *s)
{
    int i = pl_vocab_parse(v, s);
    return i < 0 ? NULL : vocabs[v].terms[i].id;
}
