/* cmd_user.c — parkland user add|list|passwd|disable: the accounts of `parkland serve`. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "parkland/table.h"
#include "parkland/user.h"

static const char user_usage[] =
    "parkland user add NAME --role viewer|investment|land|admin [--password-file F]\n"
    "       parkland user list [--format table|csv|json]\n"
    "       parkland user passwd NAME [--password-file F]\n"
    "       parkland user disable NAME";

static void help(void)
{
    printf(_("usage: %s\n\n"
           "Accounts of 'parkland serve'. The password is read from the terminal\n"
           "without echo, twice; or from the first line of --password-file F ('-' = standard input).\n"
           "It is stored only as an argon2id hash. Roles:\n"
           "  viewer      maps, parcels, reports: read only\n"
           "  investment  leads, match, reserve, sign, projects\n"
           "  land        imports, parcel edits, statuses\n"
           "  admin       users, parks, everything\n"),
           user_usage);
}

/* One line of `f` into buf without its line end; 0 when there is none or it is too long. */
static int read_line(FILE *f, char *buf, size_t len)
{
    if (!fgets(buf, (int)len, f))
        return 0;
    size_t n = strlen(buf);
    if (n == len - 1 && buf[n - 1] != '\n' && !feof(f))
        return 0;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return 1;
}

/* A line from the terminal with echo off. */
static int prompt_hidden(FILE *tty, const char *prompt, char *buf, size_t len)
{
    struct termios old, quiet;
    int fd = fileno(tty);
    if (tcgetattr(fd, &old))
        return 0;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    fputs(prompt, stderr);
    fflush(stderr);
    if (tcsetattr(fd, TCSAFLUSH, &quiet))
        return 0;
    int ok = read_line(tty, buf, len);
    tcsetattr(fd, TCSAFLUSH, &old);
    return ok;
}

/* The password into buf: from `file` (its first line), else the terminal (twice, the same). */
static int get_password(const char *file, char *buf, size_t len)
{
    if (file) {
        FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
        if (!f) {
            fprintf(stderr, _("parkland: cannot read '%s': %s\n"), file, strerror(errno));
            return EXIT_REFUSED;
        }
        int ok = read_line(f, buf, len);
        if (f != stdin)
            fclose(f);
        if (!ok) {
            fprintf(stderr, _("parkland: '%s' holds no password line (at most %d bytes)\n"), file, PL_PASSWORD_MAX);
            return EXIT_REFUSED;
        }
        return EXIT_DONE;
    }
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty) {
        fprintf(stderr, _("parkland: no terminal to ask the password on; give --password-file F\n"));
        return EXIT_USAGE;
    }
    char again[PL_PASSWORD_MAX + 2];
    int ok = prompt_hidden(tty, _("password: "), buf, len) &&
             prompt_hidden(tty, _("again: "), again, sizeof again);
    fclose(tty);
    if (!ok) {
        fprintf(stderr, _("parkland: no password was read\n"));
        return EXIT_REFUSED;
    }
    int same = !strcmp(buf, again);
    memset(again, 0, sizeof again);
    if (!same) {
        fprintf(stderr, _("parkland: the two passwords differ; nothing was changed\n"));
        return EXIT_REFUSED;
    }
    return EXIT_DONE;
}

static int list_row(const pl_user_row *r, void *ctx)
{
    const char *cells[5] = {r->name, pl_role_name(r->role), r->created_at, r->updated_at, r->disabled_at};
    return pl_table_add_row(ctx, cells) ? PL_ERR_NOMEM : 0;
}

int cmd_user(int argc, char **argv, const cli_global *g)
{
    int status;
    if (cli_family_help(argc, argv, help, &status))
        return status;
    const char *sub = argv[1], *name = NULL, *role_s = NULL, *pwfile = NULL;
    int is_add = !strcmp(sub, "add"), is_list = !strcmp(sub, "list"), is_passwd = !strcmp(sub, "passwd"),
        is_disable = !strcmp(sub, "disable");
    if (!is_add && !is_list && !is_passwd && !is_disable)
        return cli_usage_error(user_usage, "unknown user command '%s' (add, list, passwd, disable)", sub);
    int fmt = PL_TABLE_TEXT;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (is_add && (r = cli_opt_value(argc, argv, &i, "--role", &v))) {
            role_s = v;
        } else if ((is_add || is_passwd) && (r = cli_opt_value(argc, argv, &i, "--password-file", &v))) {
            pwfile = v;
        } else if (is_list && (r = cli_opt_value(argc, argv, &i, "--format", &v))) {
            if (r > 0 && cli_table_format(user_usage, v, &fmt))
                return EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(user_usage, "unknown option '%s'", argv[i]);
        } else if (!is_list && !name) {
            name = argv[i];
        } else {
            return cli_usage_error(user_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    if (!is_list && !name)
        return cli_usage_error(user_usage, "user %s needs a NAME", sub);
    int role = 0;
    if (is_add) {
        if (!role_s)
            return cli_usage_error(user_usage, "user add needs --role (viewer, investment, land, admin)");
        if (!(role = pl_role_parse(role_s)))
            return cli_usage_error(user_usage, "unknown role '%s' (viewer, investment, land, admin)", role_s);
    }
    char password[PL_PASSWORD_MAX + 2] = "";
    if ((is_add || is_passwd) && (status = get_password(pwfile, password, sizeof password)))
        return status;
    pl_db *db = cli_open_db(g, &status);
    if (!db) {
        memset(password, 0, sizeof password);
        return status;
    }
    pl_error err;
    pl_error_clear(&err);
    int rc = PL_OK;
    if (is_add) {
        if (!(rc = pl_user_add(db, name, role, password, &err)))
            printf(_("added user %s (%s)\n"), name, pl_role_name(role));
    } else if (is_passwd) {
        if (!(rc = pl_user_set_password(db, name, password, &err)))
            printf(_("set the password of user %s\n"), name);
    } else if (is_disable) {
        if (!(rc = pl_user_disable(db, name, &err)))
            printf(_("disabled user %s\n"), name);
    } else {
        static const char *const keys[] = {"name", "role", "created_at", "updated_at", "disabled_at"};
        static const char *const labels[] = {"用户 name", "角色 role", "创建 created (UTC)", "更新 updated (UTC)",
                                             "停用 disabled (UTC)"};
        pl_table *t = pl_table_new(5, keys, labels);
        if (!t)
            rc = pl_error_set(&err, PL_ERR_NOMEM, "out of memory");
        else if (!(rc = pl_user_each(db, list_row, t, &err)))
            cli_table_write(t, fmt);
        pl_table_free(t);
    }
    memset(password, 0, sizeof password);
    pl_db_close(db);
    return rc ? cli_fail(&err) : EXIT_DONE;
}
