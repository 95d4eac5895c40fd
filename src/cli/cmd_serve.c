/* cmd_serve.c — parkland serve [--listen ADDR:PORT] [--threads N]: the web API (src/server/). */
#include "cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

static const char serve_usage[] =
    "parkland serve [--listen 127.0.0.1:8080] [--threads N] [--per-ip N] [--cert FILE --key FILE]\n"
    "               [--trust-proxy] [--secure-cookie] [--quiet]";

static void help(void)
{
    printf(_("usage: %s\n\n"
           "Serve the database to the bureau's browsers (docs/api.md).\n"
           "  --listen ADDR:PORT  IPv4 address and port (default 127.0.0.1:8080, loopback only);\n"
           "                      port 0 takes any free port\n"
           "  --threads N         worker threads, each with its own database connection (default: one per core, at least 2)\n"
           "  --per-ip N          connections at once from one address (default 32; more get 429):\n"
           "                      behind a reverse proxy every browser comes from the proxy's address\n"
           "  --cert FILE         serve HTTPS with this PEM certificate (chain) …\n"
           "  --key FILE          … and its PEM private key; the session cookie is then Secure\n"
           "  --trust-proxy       the client's address is the last of X-Forwarded-For (only behind a\n"
           "                      reverse proxy that sets it, such as nginx: README)\n"
           "  --secure-cookie     mark the session cookie Secure (behind a TLS reverse proxy)\n"
           "  --quiet             no request log on stderr\n"
           "Accounts: 'parkland user add NAME --role ROLE'. SIGTERM or Ctrl-C: stop accepting,\n"
           "finish the requests in progress, exit 0.\n"),
           serve_usage);
}

int cmd_serve(int argc, char **argv, const cli_global *g)
{
    pl_server_options o;
    pl_server_options_init(&o);
    o.db_path = g->db_path;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_is_help(argv[i])) {
            help();
            return EXIT_DONE;
        } else if ((r = cli_opt_value(argc, argv, &i, "--listen", &v))) {
            o.listen = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--threads", &v))) {
            int n;
            if (r > 0 && !cli_parse_int("--threads", v, &n))
                return EXIT_USAGE;
            if (r > 0 && (n < 1 || n > 64))
                return cli_usage_error(serve_usage, "--threads is 1 to 64, not %d", n);
            o.threads = (unsigned)n;
        } else if ((r = cli_opt_value(argc, argv, &i, "--per-ip", &v))) {
            int n;
            if (r > 0 && !cli_parse_int("--per-ip", v, &n))
                return EXIT_USAGE;
            if (r > 0 && (n < 1 || n > 10000))
                return cli_usage_error(serve_usage, "--per-ip is 1 to 10000, not %d", n);
            o.per_ip = (unsigned)n;
        } else if ((r = cli_opt_value(argc, argv, &i, "--cert", &v))) {
            o.cert_path = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--key", &v))) {
            o.key_path = v;
        } else if (!strcmp(argv[i], "--trust-proxy")) {
            o.trust_proxy = 1;
        } else if (!strcmp(argv[i], "--secure-cookie")) {
            o.secure_cookie = 1;
        } else if (!strcmp(argv[i], "--quiet")) {
            o.quiet = 1;
        } else {
            return cli_usage_error(serve_usage, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return EXIT_USAGE;
    }
    /* the workers inherit this mask: the signals come to sigwait below, never into a request */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    pl_error err;
    pl_error_clear(&err);
    pl_server *s;
    if (pl_server_start(&o, &s, &err))
        return cli_fail(&err);
    char host[64];
    const char *colon = strrchr(o.listen, ':');
    snprintf(host, sizeof host, "%.*s", colon ? (int)(colon - o.listen) : 0, o.listen);
    fprintf(stderr, _("parkland: serving %s on %s://%s:%u/ (%u threads; SIGTERM or Ctrl-C stops)\n"),
            g->db_path, o.cert_path ? "https" : "http", host, pl_server_port(s), o.threads);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, _("parkland: %s: finishing the requests in progress\n"), sig == SIGINT ? "SIGINT" : "SIGTERM");
    pl_server_stop(s, 10.0);
    fprintf(stderr, _("parkland: stopped\n"));
    return EXIT_DONE;
}
