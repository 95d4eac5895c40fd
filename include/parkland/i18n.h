/*
 * parkland/i18n.h — one language at a time: the language of user text
 * (messages, table headers, help), through GNU gettext.
 *
 * The msgids are the English text in the sources; po/zh_CN.po translates them
 * into Simplified Chinese (text domain "parkland"). The compiled catalog,
 * LOCALEDIR/zh_CN/LC_MESSAGES/parkland.mo, is found at run time like the data
 * files (src/data_dir.h): $PARKLAND_LOCALE_DIR when set, else PREFIX/share/locale
 * beside the running program, else the build tree's share/locale.
 *
 * Library error messages are translated where they are made (pl_error_set and
 * pl_error_prefix look their format up in the catalog), so a program that
 * never calls pl_lang_set gets English. Machine output (JSON members, CSV
 * keys) never changes with the language.
 */
#ifndef PARKLAND_I18N_H
#define PARKLAND_I18N_H

#include "parkland/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PL_TEXT_DOMAIN "parkland"

typedef enum pl_lang {
    PL_LANG_EN = 0,
    PL_LANG_ZH = 1
} pl_lang;

/* "zh", "zh_CN", "zh-CN", "zh_CN.UTF-8", "cn", "中文" → PL_LANG_ZH; "en", "en_US…",
 * "C", "POSIX" → PL_LANG_EN; -1 for anything else. Case-insensitive. */
int pl_lang_parse(const char *s);

/* The language the environment asks for: the first entry of $LANGUAGE when
 * set, else the first set and non-empty of $LC_ALL, $LC_MESSAGES, $LANG (the
 * POSIX order); Chinese (zh…) gives PL_LANG_ZH, anything else PL_LANG_EN. */
pl_lang pl_lang_from_env(void);

/* Show user text in `lang` from now on (process-wide; not thread-safe: call it
 * at start-up). Chinese works whether or not a zh_CN locale is installed on
 * the machine (the catalog is bound explicitly and selected through
 * $LANGUAGE under LC_MESSAGES=C.UTF-8 when the user's locale cannot be
 * loaded). PL_OK; PL_ERR_IO when the Chinese catalog is not found (text stays
 * English, err names the directories looked in). */
int pl_lang_set(pl_lang lang, pl_error *err);

/* The language of this thread (pl_lang_thread_use), else the one set by pl_lang_set
 * (PL_LANG_EN before). */
pl_lang pl_lang_current(void);
/* 1 once pl_lang_set was called, or this thread chose its language: text is shown in one language. */
int pl_lang_chosen(void);

/* ---- one language per thread (a server answering each request in its browser's) ----------
 *
 * pl_lang_set changes the process (the locale of LC_MESSAGES and $LANGUAGE) and may not be
 * called while other threads translate. A program whose threads each speak their own language
 * calls pl_lang_threads_init once, before it starts them, and then pl_lang_thread_use in each
 * thread as often as it likes: that thread's messages (pl_tr, the library's errors, which are
 * translated where they are made) follow its language, through glibc's per-thread locale
 * (uselocale) that gettext consults. English threads use the locale "C", for which gettext gives
 * every msgid back; Chinese threads use C.UTF-8 with $LANGUAGE=zh_CN set once by the init, so
 * that no zh_CN locale need be installed ($LANGUAGE is then the process's, and inherited by
 * the programs it starts). glibc keys its translation cache by the thread's locale name, so
 * the two languages never mix. The language the process had (pl_lang_set) is kept for threads
 * that never call pl_lang_thread_use. */

/* Bind the catalog and prepare both languages: PL_OK; PL_ERR_IO when the Chinese catalog is
 * not found (Chinese threads then get English), PL_ERR_NOMEM. Not thread-safe: call it once
 * before the threads start. */
int pl_lang_threads_init(pl_error *err);

/* This thread's user text in `lang` from now on (after pl_lang_threads_init; before it, or
 * with -1, the thread follows the process again). Thread-safe. */
void pl_lang_thread_use(int lang);

/* msgid in the current language: the catalog's static text, or msgid itself. */
const char *pl_tr(const char *msgid) __attribute__((format_arg(1)));

/* A bilingual label "中文 english" (Chinese with no ASCII letter, a space,
 * then English that starts with a letter or '(' and has a word of 3 letters
 * or more: "面积(亩) area (mu)", "面积段 亩 size class") in the current language:
 * "中文" (copied into buf) or "english" (a pointer into label); any other text
 * through pl_tr. Before pl_lang_set, the label as it is (both languages). */
const char *pl_tr_label(const char *label, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
