/* cli.h — what the command files share. The CLI includes only the public
 * parkland headers; it parses, calls the library, prints and exits. */
#ifndef PARKLAND_CLI_H
#define PARKLAND_CLI_H

#include <stdio.h>

#include "parkland/db.h"
#include "parkland/error.h"

/* Exit statuses of the contract. */
#define EXIT_DONE 0
#define EXIT_REFUSED 1
#define EXIT_USAGE 2

typedef struct cli_global {
    const char *db_path; /* --db, $PARKLAND_DB, or parkland.db */
} cli_global;

typedef int (*cmd_fn)(int argc, char **argv, const cli_global *g);

int cmd_init(int argc, char **argv, const cli_global *g);
int cmd_park(int argc, char **argv, const cli_global *g);
int cmd_import(int argc, char **argv, const cli_global *g);
int cmd_parcel(int argc, char **argv, const cli_global *g);

/* Print "parkland: MESSAGE" on stderr and return the exit status for err. */
int cli_fail(const pl_error *err);
/* Print a usage error (printf-style) and return EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Open the database named by the global options; prints on failure. */
pl_db *cli_open_db(const cli_global *g, int *status);

/* Option parsing: "--name VALUE" or "--name=VALUE". Returns 1 and sets *value
 * (advancing *i) when argv[*i] is that option; 0 otherwise; -1 when the value
 * is missing (a message is printed). */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);
/* 1 when argv[i] is "--help" or "-h". */
int cli_is_help(const char *arg);
/* Parse a number; 0 and message on failure. */
int cli_parse_int(const char *opt, const char *s, int *out);

#endif
