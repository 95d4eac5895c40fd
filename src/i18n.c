/* i18n.c — the language of user text: choosing it, binding the catalog
 * (parkland/i18n.h). */
#include "parkland/i18n.h"

#include "data_dir.h"

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pl_lang current = PL_LANG_EN;
static int chosen; /* pl_lang_set was called */
/* pl_lang_threads_init: the LC_MESSAGES locales of English and Chinese threads */
static locale_t thread_locale[2];
static _Thread_local int thread_lang = -1;

int pl_lang_parse(const char *s)
{
    if (!s || !*s)
        return -1;
    if (!strcmp(s, "中文") || !strcmp(s, "简体中文") || !strcasecmp(s, "cn") || !strcasecmp(s, "chinese"))
        return PL_LANG_ZH;
    if (!strcasecmp(s, "english") || !strcmp(s, "英文") || !strcmp(s, "C") || !strcmp(s, "POSIX") ||
        !strncmp(s, "C.", 2))
        return PL_LANG_EN;
    /* a language tag or locale name: LL, LL_CC, LL-CC, LL_CC.CODESET@MOD */
    size_t n = strcspn(s, "_-.@:");
    if (n == 2 && !strncasecmp(s, "zh", 2))
        return PL_LANG_ZH;
    if (n == 2 && !strncasecmp(s, "en", 2))
        return PL_LANG_EN;
    return -1;
}

static void utf8_ctype(void);

pl_lang pl_lang_from_env(void)
{
    const char *v = getenv("LANGUAGE");
    if (v && *v) /* GNU: a list "zh_CN:en"; its first entry rules */
        return pl_lang_parse(v) == PL_LANG_ZH ? PL_LANG_ZH : PL_LANG_EN;
    static const char *const names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if ((v = getenv(names[i])) && *v)
            return pl_lang_parse(v) == PL_LANG_ZH ? PL_LANG_ZH : PL_LANG_EN;
    return PL_LANG_EN;
}

int pl_lang_set(pl_lang lang, pl_error *err)
{
    if (lang != PL_LANG_ZH) {
        /* LC_MESSAGES "C": gettext gives every msgid back as it is */
        setlocale(LC_MESSAGES, "C");
        current = PL_LANG_EN;
        chosen = 1;
        return PL_OK;
    }
    char dir[4096];
    int rc = pl_locale_dir("zh_CN/LC_MESSAGES/" PL_TEXT_DOMAIN ".mo", dir, sizeof dir, err);
    if (rc)
        return rc;
    if (!bindtextdomain(PL_TEXT_DOMAIN, dir) || !bind_textdomain_codeset(PL_TEXT_DOMAIN, "UTF-8"))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    /* The catalog is chosen by $LANGUAGE, which gettext reads unless
     * LC_MESSAGES is "C": the user's locale when the machine has it, else
     * C.UTF-8 (glibc always has it), so that zh_CN.UTF-8 need not be
     * installed. */
    setenv("LANGUAGE", "zh_CN", 1);
    const char *loc = setlocale(LC_MESSAGES, "");
    if (!loc || !strcmp(loc, "C") || !strcmp(loc, "POSIX"))
        loc = setlocale(LC_MESSAGES, "C.UTF-8");
    if (!loc)
        loc = setlocale(LC_MESSAGES, "C.utf8");
    /* and characters in UTF-8: glibc's own messages (strerror) come translated in the character
     * set of LC_CTYPE, which is ASCII ("??????") until a program sets it */
    utf8_ctype();
    current = PL_LANG_ZH;
    chosen = 1;
    return PL_OK;
}

/* LC_CTYPE the user's when it is UTF-8, else C.UTF-8. */
static void utf8_ctype(void)
{
    const char *loc = setlocale(LC_CTYPE, "");
    if (loc && (strstr(loc, "UTF-8") || strstr(loc, "utf8")))
        return;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
}

pl_lang pl_lang_current(void)
{
    return thread_lang >= 0 ? (pl_lang)thread_lang : current;
}

int pl_lang_chosen(void)
{
    return thread_lang >= 0 || chosen;
}

/* A locale whose categories of `mask` are `name` and whose others are the process's. */
static locale_t messages_locale(int mask, const char *name)
{
    locale_t base = duplocale(LC_GLOBAL_LOCALE);
    if (base == (locale_t)0)
        return (locale_t)0;
    locale_t l = newlocale(mask, name, base);
    if (l == (locale_t)0)
        freelocale(base);
    return l;
}

int pl_lang_threads_init(pl_error *err)
{
    if (thread_locale[PL_LANG_EN])
        return PL_OK;
    /* English: "C", where gettext ignores $LANGUAGE and gives the msgid back */
    if (!(thread_locale[PL_LANG_EN] = messages_locale(LC_MESSAGES_MASK, "C")))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    char dir[4096];
    int rc = pl_locale_dir("zh_CN/LC_MESSAGES/" PL_TEXT_DOMAIN ".mo", dir, sizeof dir, err);
    if (rc)
        return rc;
    if (!bindtextdomain(PL_TEXT_DOMAIN, dir) || !bind_textdomain_codeset(PL_TEXT_DOMAIN, "UTF-8"))
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    /* $LANGUAGE picks the catalog of every thread whose LC_MESSAGES is not "C": a process that
     * was not Chinese goes on in English under "C" (as pl_lang_set(PL_LANG_EN) would) */
    if (current != PL_LANG_ZH)
        setlocale(LC_MESSAGES, "C");
    setenv("LANGUAGE", "zh_CN", 1);
    /* and UTF-8 characters, so that glibc's own messages (strerror) are not "??????" */
    locale_t zh = messages_locale(LC_MESSAGES_MASK | LC_CTYPE_MASK, "C.UTF-8");
    if (!zh)
        zh = messages_locale(LC_MESSAGES_MASK | LC_CTYPE_MASK, "C.utf8");
    if (!zh)
        return pl_error_set(err, PL_ERR_IO, "no C.UTF-8 locale for Chinese messages");
    thread_locale[PL_LANG_ZH] = zh;
    return PL_OK;
}

void pl_lang_thread_use(int lang)
{
    if (lang != PL_LANG_EN && lang != PL_LANG_ZH) {
        thread_lang = -1;
        uselocale(LC_GLOBAL_LOCALE);
        return;
    }
    if (!thread_locale[PL_LANG_EN])
        return;
    locale_t l = thread_locale[lang] ? thread_locale[lang] : thread_locale[PL_LANG_EN];
    thread_lang = thread_locale[lang] ? lang : PL_LANG_EN;
    uselocale(l);
}

const char *pl_tr(const char *msgid)
{
    return dgettext(PL_TEXT_DOMAIN, msgid);
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Where the English half of "中文 english" starts: after the first space
 * whose left part has text outside ASCII and no ASCII letter, and whose right
 * part starts with an ASCII letter or '(' and holds a word of 3 or more ASCII
 * letters. NULL when the label is not written so. */
static const char *english_half(const char *s)
{
    int non_ascii = 0;
    for (const char *p = s; *p; p++) {
        if (is_letter(*p))
            return NULL;
        if ((unsigned char)*p >= 0x80)
            non_ascii = 1;
        if (*p != ' ' || !non_ascii || !(is_letter(p[1]) || p[1] == '('))
            continue;
        for (const char *q = p + 1; *q; q++)
            if (is_letter(q[0]) && is_letter(q[1]) && is_letter(q[2]))
                return p + 1;
        return NULL;
    }
    return NULL;
}

const char *pl_tr_label(const char *label, char *buf, size_t size)
{
    if (!label || !pl_lang_chosen())
        return label;
    const char *en = english_half(label);
    if (!en)
        return pl_tr(label);
    if (pl_lang_current() != PL_LANG_ZH)
        return en;
    size_t n = (size_t)(en - 1 - label);
    if (n >= size)
        n = size - 1;
    memcpy(buf, label, n);
    buf[n] = '\0';
    return buf;
}
