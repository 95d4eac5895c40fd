/* cli.h — what the command files share. The CLI includes only the public
 * parkland headers; it parses, calls the library, prints and exits. */
#ifndef PARKLAND_CLI_H
#define PARKLAND_CLI_H

#include <stdio.h>

#include "parkland/code.h"
#include "parkland/db.h"
#include "parkland/error.h"
#include "parkland/i18n.h"
#include "parkland/import.h"
#include "parkland/parse.h"
#include "parkland/report.h"
#include "parkland/table.h"

/* User text in the chosen language (parkland/i18n.h): _("…") where it is
 * used; N_("…") marks a text kept in a table or an array for xgettext, and
 * it is translated with _() where it is shown. */
#define _(msgid) pl_tr(msgid)
#define N_(msgid) msgid

/* Exit statuses of the contract. */
#define EXIT_DONE 0
#define EXIT_REFUSED 1
#define EXIT_USAGE 2

typedef struct cli_global {
    const char *db_path; /* --db, $PARKLAND_DB, or parkland.db */
    const char *db_from; /* where db_path came from: "--db", "$PARKLAND_DB" or NULL (the default) */
    int cache_mb;        /* --cache-mb: page cache of the connection, 0 = parkland's default */
} cli_global;

typedef int (*cmd_fn)(int argc, char **argv, const cli_global *g);

int cmd_init(int argc, char **argv, const cli_global *g);
int cmd_park(int argc, char **argv, const cli_global *g);
int cmd_import(int argc, char **argv, const cli_global *g);
int cmd_parcel(int argc, char **argv, const cli_global *g);
int cmd_lead(int argc, char **argv, const cli_global *g);
int cmd_project(int argc, char **argv, const cli_global *g);
int cmd_query(int argc, char **argv, const cli_global *g);
int cmd_match(int argc, char **argv, const cli_global *g);
int cmd_export(int argc, char **argv, const cli_global *g);
int cmd_report(int argc, char **argv, const cli_global *g);
int cmd_history(int argc, char **argv, const cli_global *g);
int cmd_check(int argc, char **argv, const cli_global *g);
int cmd_user(int argc, char **argv, const cli_global *g);
int cmd_serve(int argc, char **argv, const cli_global *g);
int cmd_inspect(int argc, char **argv, const cli_global *g);
int cmd_idle(int argc, char **argv, const cli_global *g);
int cmd_muni(int argc, char **argv, const cli_global *g);
/* import annual FILE (argv[1] "annual") and report muni (argv[1] "muni"): cmd_muni.c */
int cli_import_annual(int argc, char **argv, const cli_global *g);
int cli_report_muni(int argc, char **argv, const cli_global *g);
/* report monthly (argv[1] "monthly") and report quarterly (argv[1] "quarterly"): cmd_report_period.c */
int cli_report_monthly(int argc, char **argv, const cli_global *g);
int cli_report_quarterly(int argc, char **argv, const cli_global *g);
int cmd_serve(int argc, char **argv, const cli_global *g);
/* parcel subcommands beyond list/show (cmd_parcel_status.c, cmd_parcel_edit.c);
 * argv[0] is the subcommand name. */
int cmd_parcel_status(int argc, char **argv, const cli_global *g);
int cmd_parcel_indicators(int argc, char **argv, const cli_global *g);
int cmd_parcel_split(int argc, char **argv, const cli_global *g);
int cmd_parcel_merge(int argc, char **argv, const cli_global *g);
/* parcel rename|edit (cmd_parcel_fix.c) */
int cmd_parcel_rename(int argc, char **argv, const cli_global *g);
int cmd_parcel_edit(int argc, char **argv, const cli_global *g);
/* parcel sheet (cmd_parcel_sheet.c) */
int cmd_parcel_sheet(int argc, char **argv, const cli_global *g);
/* park subcommands beyond add/list (cmd_park_indicators.c) */
int cmd_park_indicators(int argc, char **argv, const cli_global *g);
/* park targets (cmd_park_targets.c): the targets of the scored figures */
int cmd_park_targets(int argc, char **argv, const cli_global *g);

/* `parcel indicators CODE …` (is_park 0) and `park indicators PARK …` (is_park 1):
 * one option parser and output for both (cmd_parcel_status.c). argv[0] is "indicators". */
int cli_indicators_run(int argc, char **argv, const cli_global *g, int is_park);

/* Terminal columns that text tables fit (0: no limit), set once by main:
 * 0 with --wide; else $COLUMNS when set to a number (also when the output is
 * not a terminal, so `COLUMNS=80 parkland … | less` fits 80); else the
 * terminal's width when standard output is one; else 0. */
size_t cli_table_width(void);
/* Write t to standard output in fmt (pl_table_format); the text form fitted
 * to cli_table_width() (pl_table_write_fit). */
int cli_table_write(const pl_table *t, int fmt);

/* Print "parkland: MESSAGE" on stderr and return the exit status for err. */
int cli_fail(const pl_error *err);
/* Print a usage error (printf-style) and return EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Open the database named by the global options; prints on failure. */
pl_db *cli_open_db(const cli_global *g, int *status);

/* The stored code that *code names (parkland/code.h: as written, ignoring
 * case, or a parcel's map label such as 006): *code becomes it (static
 * storage of the command line), with "parkland: parcel '006' is
 * 'QDIP-2024-006'" on stderr when it was not written as stored. Returns 0, or
 * the exit status after the message (not found, with "did you mean"; several
 * match). soft = 1: a code not found is left as written, for the library to
 * judge (history keeps codes of parcels that are gone). */
int cli_code(pl_db *db, pl_code_kind kind, const char *park, const char **code, int soft);
/* cli_open_db, then, when park is not NULL, cli_code (PL_CODE_PARK, not soft) on *park (a park
 * code of --park or of the command line: found ignoring case, or "did you mean"): the database,
 * or NULL with *status the exit status (the database closed again when the park is refused). */
pl_db *cli_open_db_park(const cli_global *g, const char **park, int *status);
/* cli_open_db_park, then cli_code (not soft) on *code, looked for in *park (park NULL: in every
 * park): the database, or NULL with *status the exit status (the database closed again when the
 * code is refused). */
pl_db *cli_open_db_code(const cli_global *g, pl_code_kind kind, const char **park, const char **code, int *status);

/* Option parsing: "--name VALUE" or "--name=VALUE". Returns 1 and sets *value
 * (advancing *i) when argv[*i] is that option; 0 otherwise; -1 when the value
 * is missing (a message is printed). */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);
/* The output options every report takes (report availability … ledger, muni, monthly,
 * quarterly): --format text|csv|json|xlsx, -o/--output FILE, --force. cmd_report.c. */
typedef struct cli_report_output {
    int fmt;          /* a pl_report_format; PL_REPORT_TEXT unless --format */
    const char *file; /* argv's -o FILE, or NULL: the terminal */
    int force;        /* --force: an existing FILE is replaced */
} cli_report_output;
/* argv[*i] as one of those options: 1 when it was (*i past its value), 0 when it is none of
 * them, -1 after a usage error was printed (the caller returns EXIT_USAGE). */
int cli_report_output_option(int argc, char **argv, int *i, const char *usage, cli_report_output *o);
/* After the options: 0, or EXIT_USAGE after its message (xlsx without -o, an empty -o). */
int cli_report_output_check(const char *usage, const cli_report_output *o);
/* The report into o->file (pl_report_save) or onto stdout fitted to the terminal. */
int cli_report_output_write(const pl_report *rep, const cli_report_output *o, pl_error *err);
/* 1 when argv[i] is "--help" or "-h". */
int cli_is_help(const char *arg);
/* A command family (argv[1] the subcommand): with no subcommand, or --help/-h
 * anywhere, print help() and return 1 with *status EXIT_USAGE (no subcommand)
 * or EXIT_DONE; 0 otherwise. */
int cli_family_help(int argc, char **argv, void (*help)(void), int *status);
/* Parse a whole number (the dialect of parkland/parse.h: １２，０００ too);
 * 0 and message on failure. */
int cli_parse_int(const char *opt, const char *s, int *out);
/* Parse a finite decimal number (parkland/parse.h: 12,000, full-width digits);
 * 0 and "OPT expects a number, not 'S'" on failure. */
int cli_parse_double(const char *opt, const char *s, double *out);
/* Parse a quantity in `unit` (40, 40亩, 2.6公顷, 26666m² for 亩; 1.2亿元 for
 * 万元; parkland/parse.h): when a unit was converted, "parkland: OPT S = X UNIT"
 * on stderr. 0 and "OPT expects a number, not 'S' (in UNIT, or with a unit: …)"
 * on failure. PL_UNIT_NONE: cli_parse_double. */
int cli_parse_quantity(const char *opt, const char *s, pl_unit unit, double *out);
/* Parse a date in any form of parkland/parse.h; *out gets it as YYYY-MM-DD
 * (static storage of the command line). 0 and "OPT 'S' is not a date (…)" on
 * failure. */
int cli_parse_date(const char *opt, const char *s, const char **out);
/* --encoding VALUE (auto, utf-8/utf8, gbk/gb18030/gb2312) into *enc: 0, or
 * EXIT_USAGE after "unknown encoding 'V' (auto, utf-8, gbk)" and the usage. */
int cli_parse_encoding(const char *usage, const char *value, pl_encoding *enc);
/* --format VALUE of a table (table/text, csv, json) into *fmt: 0, or EXIT_USAGE
 * after "unknown format 'V' (table, csv, json)" and the usage. */
int cli_table_format(const char *usage, const char *value, int *fmt);

/* A command's plain options: a name and where its value goes. */
typedef struct cli_text_opt {
    const char *name;
    const char **slot;
    int date; /* 1: a date, normalised to YYYY-MM-DD by cli_parse_date */
} cli_text_opt;
typedef struct cli_num_opt {
    const char *name;
    double *slot;
    pl_unit unit; /* cli_parse_quantity; PL_UNIT_NONE: a plain number */
} cli_num_opt;
/* argv[*i] against the text and number options: 1 when one matched and its
 * value is stored (advancing *i), 0 when none matched, -1 when its value is
 * missing or not a number (a message is printed). */
int cli_opt_match(int argc, char **argv, int *i, const cli_text_opt *texts, size_t ntexts, const cli_num_opt *nums,
                  size_t nnums);

#endif
