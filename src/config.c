/*
 * The command line, parsed in one place: fcgiwrap's short options plus long
 * ones for everything, every number through strtonum() with an error that
 * names the option.  Nothing here touches the network or the event loop.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warmcgi.h"

enum {
	OPT_SOCKET_MODE = 256,
	OPT_QUEUE,
	OPT_MAX_CONNS,
	OPT_GRACE,
	OPT_MAX_PARAMS,
	OPT_STDIN_BUF,
	OPT_OUT_BUF,
	OPT_HOLD_MEM,
	OPT_SPILL_MAX,
	OPT_TMPDIR,
	OPT_PASS_ENV,
	OPT_SYSLOG,
	OPT_WARM,
	OPT_NO_WARM,
	OPT_WARM_MAX,
	OPT_WARM_IDLE,
	OPT_WARM_MEM,
	OPT_WARM_HELPERS,
	OPT_PERL,
	OPT_PYTHON,
	OPT_ALLOW_ROOT,
	OPT_SOCKET_OWNER,
	OPT_STRICT,
	OPT_ISINDEX_ARGV,
	OPT_IDLE_TIMEOUT,
	OPT_KILL_GRACE,
	OPT_CONN_TIMEOUT,
	OPT_PIDFILE,
	OPT_ALLOW_FROM,
	OPT_RLIMIT,
	OPT_NICE,
	OPT_HOLD_TOTAL,
	OPT_SPILL_TOTAL,
	OPT_HANDLER,
	OPT_BUFFER_BODY,
	OPT_STATUS_PATH,
	OPT_PING_PATH,
	OPT_STATUS_ALLOW,
	OPT_ACCESS_LOG,
	OPT_ACCESS_LOG_FORMAT,
	OPT_SLOW_LOG,
	OPT_CHECK,
	OPT_COMPILE,
	OPT_JSON,
	OPT_AUTHORIZER,
	OPT_LOCAL_REDIRECT,
	OPT_PHP_MAX_REQUESTS
};

static const struct option config_longopts[] = {
	{ "socket",		required_argument, NULL, 's' },
	{ "children",		required_argument, NULL, 'c' },
	{ "stderr-to-server",	no_argument,	   NULL, 'f' },
	{ "allow",		required_argument, NULL, 'p' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "socket-mode",	required_argument, NULL, OPT_SOCKET_MODE },
	{ "queue",		required_argument, NULL, OPT_QUEUE },
	{ "max-conns",		required_argument, NULL, OPT_MAX_CONNS },
	{ "grace",		required_argument, NULL, OPT_GRACE },
	{ "max-params",		required_argument, NULL, OPT_MAX_PARAMS },
	{ "stdin-buffer",	required_argument, NULL, OPT_STDIN_BUF },
	{ "out-buffer",		required_argument, NULL, OPT_OUT_BUF },
	{ "hold-memory",	required_argument, NULL, OPT_HOLD_MEM },
	{ "spill-max",		required_argument, NULL, OPT_SPILL_MAX },
	{ "tmpdir",		required_argument, NULL, OPT_TMPDIR },
	{ "pass-env",		required_argument, NULL, OPT_PASS_ENV },
	{ "syslog",		no_argument,	   NULL, OPT_SYSLOG },
	{ "warm",		required_argument, NULL, OPT_WARM },
	{ "no-warm",		required_argument, NULL, OPT_NO_WARM },
	{ "warm-max",		required_argument, NULL, OPT_WARM_MAX },
	{ "warm-idle",		required_argument, NULL, OPT_WARM_IDLE },
	{ "warm-memory",	required_argument, NULL, OPT_WARM_MEM },
	{ "warm-helpers",	required_argument, NULL, OPT_WARM_HELPERS },
	{ "perl",		required_argument, NULL, OPT_PERL },
	{ "python",		required_argument, NULL, OPT_PYTHON },
	{ "user",		required_argument, NULL, 'u' },
	{ "group",		required_argument, NULL, 'g' },
	{ "allow-root",		no_argument,	   NULL, OPT_ALLOW_ROOT },
	{ "socket-owner",	required_argument, NULL, OPT_SOCKET_OWNER },
	{ "root",		required_argument, NULL, 'r' },
	{ "strict",		no_argument,	   NULL, OPT_STRICT },
	{ "isindex-argv",	no_argument,	   NULL, OPT_ISINDEX_ARGV },
	{ "timeout",		required_argument, NULL, 't' },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "kill-grace",		required_argument, NULL, OPT_KILL_GRACE },
	{ "conn-timeout",	required_argument, NULL, OPT_CONN_TIMEOUT },
	{ "pidfile",		required_argument, NULL, OPT_PIDFILE },
	{ "allow-from",		required_argument, NULL, OPT_ALLOW_FROM },
	{ "rlimit",		required_argument, NULL, OPT_RLIMIT },
	{ "nice",		required_argument, NULL, OPT_NICE },
	{ "hold-memory-total",	required_argument, NULL, OPT_HOLD_TOTAL },
	{ "spill-total",	required_argument, NULL, OPT_SPILL_TOTAL },
	{ "handler",		required_argument, NULL, OPT_HANDLER },
	{ "buffer-body",	required_argument, NULL, OPT_BUFFER_BODY },
	{ "status-path",	required_argument, NULL, OPT_STATUS_PATH },
	{ "ping-path",		required_argument, NULL, OPT_PING_PATH },
	{ "status-allow",	required_argument, NULL, OPT_STATUS_ALLOW },
	{ "access-log",		required_argument, NULL, OPT_ACCESS_LOG },
	{ "access-log-format",	required_argument, NULL, OPT_ACCESS_LOG_FORMAT },
	{ "slow-log",		required_argument, NULL, OPT_SLOW_LOG },
	{ "check",		no_argument,	   NULL, OPT_CHECK },
	{ "compile",		no_argument,	   NULL, OPT_COMPILE },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "authorizer",		required_argument, NULL, OPT_AUTHORIZER },
	{ "local-redirect",	required_argument, NULL, OPT_LOCAL_REDIRECT },
	{ "php-max-requests",	required_argument, NULL, OPT_PHP_MAX_REQUESTS },
	{ NULL,			0,		   NULL, 0 }
};

static int	config_number(const char *, const char *, long long,
		    long long, long long *);
static int	config_append(char ***, size_t *, const char *);
static int	config_mode(const char *, unsigned int *);
static int	config_ids(struct config *);
static int	config_user(const char *, const char *, uid_t *, gid_t *);
static int	config_group(const char *, const char *, gid_t *);
static int	config_rlimits(struct config *, const char *);
static int	config_allow_from(struct config *, const char *, const char *);

/* --rlimit names, in the order of RL_* (warmcgi.h). */
const char *const config_rlimit_names[RL_N] = {
	"cpu", "as", "nofile", "nproc", "core"
};
static int	config_handler(struct config *, const char *);
static void	config_handler_free(struct handler *);

void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_children = DEFAULT_MAX_CHILDREN;
	cfg->queue_max = DEFAULT_QUEUE_MAX;
	cfg->max_conns = DEFAULT_MAX_CONNS;
	cfg->socket_mode = DEFAULT_SOCKET_MODE;
	cfg->grace_sec = DEFAULT_GRACE_SEC;
	cfg->params_max = DEFAULT_PARAMS_MAX;
	cfg->stdin_buf = DEFAULT_STDIN_BUF;
	cfg->out_buf = DEFAULT_OUT_BUF;
	cfg->hold_mem = DEFAULT_HOLD_MEM;
	cfg->spill_max = DEFAULT_SPILL_MAX;
	cfg->warm = WARM_AUTO;
	cfg->warm_max = DEFAULT_WARM_MAX;
	cfg->warm_idle = DEFAULT_WARM_IDLE;
	cfg->php_max_requests = DEFAULT_PHP_MAX_REQUESTS;
	cfg->warm_mem = DEFAULT_WARM_MEM;
	cfg->timeout = DEFAULT_TIMEOUT;
	cfg->idle_timeout = DEFAULT_IDLE_TIMEOUT;
	cfg->kill_grace = DEFAULT_KILL_GRACE;
	cfg->conn_timeout = DEFAULT_CONN_TIMEOUT;
	cfg->hold_total = DEFAULT_HOLD_TOTAL;
	cfg->spill_total = DEFAULT_SPILL_TOTAL;
}

void
config_free(struct config *cfg)
{
	size_t	 i;

	free(cfg->listen);
	free(cfg->allowed);
	free(cfg->pass_env);
	free(cfg->no_warm);
	free(cfg->perl);
	free(cfg->python);
	for (i = 0; i < cfg->nhandlers; i++)
		config_handler_free(&cfg->handlers[i]);
	free(cfg->handlers);
	if (cfg->roots_resolved)
		for (i = 0; i < cfg->nroots; i++)
			free(cfg->roots[i]);
	free(cfg->roots);
	free(cfg->allow_from);
	free(cfg->status_allow);
	free(cfg->check_args);
	memset(cfg, 0, sizeof(*cfg));
}

void
config_usage(int to_stderr)
{
	FILE	*f = to_stderr ? stderr : stdout;

	fprintf(f,
"usage: warmcgi [-fhVv] [-c children] [-p path] [-s socket] [-t seconds]\n"
"               [options]\n"
"       warmcgi --check [--compile] [--json] [options] dir|script ...\n"
"  -s, --socket SPEC        listen on unix:/path, tcp:ADDR:PORT or\n"
"                           tcp6:[ADDR]:PORT (default: fd 0 or systemd)\n"
"  -c, --children N         scripts running at once (%d)\n"
"  -f, --stderr-to-server   send scripts' stderr as FCGI_STDERR\n"
"  -p, --allow PATH         only this script may run (repeatable)\n"
"  -v, --verbose            log debug messages\n"
"  -h, --help               this text\n"
"  -V, --version            print the version\n"
"      --socket-mode MODE   unix socket permissions (%04o)\n"
"      --queue N            requests waiting for a slot before 503 (%d)\n"
"      --max-conns N        FastCGI connections at once (%d)\n"
"      --grace SEC          time for requests to finish at shutdown (%d)\n"
"      --max-params BYTES   FCGI_PARAMS bytes per request (%d)\n"
"      --stdin-buffer BYTES request body queued to a script (%d)\n"
"      --out-buffer BYTES   output queued to the server (%d)\n"
"      --hold-memory BYTES  output held in memory until the body ends (%d)\n"
"      --spill-max BYTES    ... and then in a temporary file (%lld)\n"
"      --tmpdir DIR         where spill files go ($TMPDIR or /tmp)\n"
"      --pass-env NAME      pass this variable of warmcgi's own\n"
"                           environment to scripts (repeatable)\n"
"      --syslog             log to syslog instead of stderr\n"
"      --warm MODE          auto: keep Perl and Python scripts warm where\n"
"                           measured to be cheaper; always; off\n"
"      --no-warm PATTERN    never keep scripts matching PATTERN warm\n"
"      --warm-max N         warm interpreters at most (%d)\n"
"      --warm-idle SEC      retire a warm interpreter idle this long (%d)\n"
"      --warm-memory BYTES  retire a warm interpreter past this RSS (%lld)\n"
"      --php-max-requests N a php-cgi worker's child serves N requests,\n"
"                           then its master forks the next; 0: never (%d)\n"
"      --warm-helpers DIR   where the zygote helpers are (warm/ beside an\n"
"                           uninstalled warmcgi, then %s)\n"
"      --perl PATH|any      a Perl that scripts' #! lines may name and\n"
"                           still run warm (repeatable; default any)\n"
"      --python PATH|any    the same for Python 3 (default any)\n"
"                           A warm script runs under the interpreter its\n"
"                           #! line names, never a substitute.\n"
"  -u, --user USER          started as root: run as USER (and scripts too)\n"
"  -g, --group GROUP        ... with this group (USER's own by default)\n"
"      --allow-root         let scripts run as root (refused otherwise)\n"
"      --socket-owner USER[:GROUP]  owner of unix sockets (-u's default)\n"
"  -r, --root DIR           scripts must resolve inside DIR (repeatable)\n"
"      --strict             suexec-style checks of scripts and their\n"
"                           directories; drop interpreter variables\n"
"      --isindex-argv       a query string without '=' becomes argv words\n"
"  -t, --timeout SEC        a script's whole run, then SIGTERM (%d: none)\n"
"      --idle-timeout SEC   a script silent this long gets SIGTERM (%d)\n"
"      --kill-grace SEC     from SIGTERM to SIGKILL (%d)\n"
"      --conn-timeout SEC   close a connection whose web server sends\n"
"                           nothing this long while no script runs (%d)\n"
"                           0 turns each of these off.\n"
"      --pidfile FILE       write warmcgi's pid there, locked; refuse to\n"
"                           start if another warmcgi holds it\n"
"      --allow-from ADDR[/PREFIX]  TCP peers allowed (repeatable; also\n"
"                           FCGI_WEB_SERVER_ADDRS); others are closed\n"
"      --rlimit cpu=S,as=BYTES,nofile=N,nproc=N,core=BYTES\n"
"                           resource limits of every script (repeatable)\n"
"      --nice N             niceness of every script (0 to 19)\n"
"      --hold-memory-total BYTES  output held in memory, all connections\n"
"                           together; past it, on disk (%d)\n"
"      --spill-total BYTES  held output on disk, all together; past it\n"
"                           new requests get 503 (%lld)\n"
"      --handler .EXT=INTERPRETER [ARGS]\n"
"                           run scripts named *.EXT as INTERPRETER ARGS\n"
"                           SCRIPT, executable or not (repeatable; ARGS\n"
"                           split on blanks, no quoting)\n"
"      --buffer-body BYTES  collect a body sent without CONTENT_LENGTH, up\n"
"                           to BYTES (then 413), and set CONTENT_LENGTH\n"
"                           before the script starts (0: stream it)\n"
"      --status-path PATH   answer requests for PATH with the status page\n"
"                           (?json, ?openmetrics, ?full)\n"
"      --ping-path PATH     answer requests for PATH with \"pong\"\n"
"      --status-allow PREFIX  clients (REMOTE_ADDR) that may see both\n"
"                           (repeatable; default 127. and ::1)\n"
"      --access-log FILE|syslog|-  a line per request (reopened on SIGHUP)\n"
"      --access-log-format text|json  (text)\n"
"      --slow-log SEC       log requests still running after SEC (0: off)\n"
"      --check              read these scripts or directories and say\n"
"                           how each would run under the options given;\n"
"                           runs nothing, serves nothing\n"
"      --compile            ... and compile Perl and Python ones (runs\n"
"                           BEGIN blocks and use)\n"
"      --json               ... the report as JSON\n"
"      --authorizer PATH    serve the FastCGI AUTHORIZER role with this\n"
"                           script (refused without it)\n"
"      --local-redirect pass|accel|sendfile\n"
"                           a bare \"Location: /path\": as it is (pass),\n"
"                           as X-Accel-Redirect (nginx) or X-Sendfile\n",
	    DEFAULT_MAX_CHILDREN, DEFAULT_SOCKET_MODE, DEFAULT_QUEUE_MAX,
	    DEFAULT_MAX_CONNS, DEFAULT_GRACE_SEC, DEFAULT_PARAMS_MAX,
	    DEFAULT_STDIN_BUF, DEFAULT_OUT_BUF, DEFAULT_HOLD_MEM,
	    (long long)DEFAULT_SPILL_MAX, DEFAULT_WARM_MAX, DEFAULT_WARM_IDLE,
	    (long long)DEFAULT_WARM_MEM, DEFAULT_PHP_MAX_REQUESTS,
	    WARM_HELPERS_DIR, DEFAULT_TIMEOUT,
	    DEFAULT_IDLE_TIMEOUT, DEFAULT_KILL_GRACE, DEFAULT_CONN_TIMEOUT,
	    DEFAULT_HOLD_TOTAL, (long long)DEFAULT_SPILL_TOTAL);
}

static int
config_number(const char *opt, const char *arg, long long lo, long long hi,
    long long *out)
{
	const char	*errstr;

	*out = strtonum(arg, lo, hi, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "warmcgi: %s: value \"%s\" is %s "
		    "(allowed %lld to %lld)\n", opt, arg, errstr, lo, hi);
		return -1;
	}
	return 0;
}

static int
config_append(char ***list, size_t *n, const char *s)
{
	char	**nl;

	if ((nl = reallocarray(*list, *n + 2, sizeof(*nl))) == NULL) {
		perror("warmcgi");
		return -1;
	}
	nl[(*n)++] = (char *)s;
	nl[*n] = NULL;
	*list = nl;
	return 0;
}

/* Permissions are octal, which strtonum() does not read. */
static int
config_mode(const char *arg, unsigned int *mode)
{
	const char	*p;
	unsigned int	 m = 0;

	if (*arg == '\0' || strlen(arg) > 4)
		goto fail;
	for (p = arg; *p != '\0'; p++) {
		if (*p < '0' || *p > '7')
			goto fail;
		m = m * 8 + (unsigned int)(*p - '0');
	}
	if (m > 0777)
		goto fail;
	*mode = m;
	return 0;
fail:
	fprintf(stderr, "warmcgi: --socket-mode: \"%s\" is not an octal "
	    "mode from 0 to 0777\n", arg);
	return -1;
}

/* Returns CONFIG_OK, CONFIG_EXIT (help/version shown) or CONFIG_ERROR. */
int
config_parse(struct config *cfg, int argc, char **argv)
{
	long long	 n;
	int		 ch, idx;

	optind = 0;	/* glibc: full reinitialisation, for the tests */
	opterr = 1;
again:
	while ((ch = getopt_long(argc, argv, "+s:c:fp:vhVu:g:r:t:", config_longopts,
	    &idx)) != -1) {
		switch (ch) {
		case 's':
			if (config_append(&cfg->listen, &cfg->nlisten,
			    optarg) == -1)
				return CONFIG_ERROR;
			break;
		case 'c':
			if (config_number("-c", optarg, 1, 1000000, &n) == -1)
				return CONFIG_ERROR;
			cfg->max_children = (int)n;
			break;
		case 'f':
			cfg->stderr_to_fcgi = 1;
			break;
		case 'p':
			if (optarg[0] != '/') {
				fprintf(stderr, "warmcgi: -p: \"%s\" is not an "
				    "absolute path\n", optarg);
				return CONFIG_ERROR;
			}
			if (config_append(&cfg->allowed, &cfg->nallowed,
			    optarg) == -1)
				return CONFIG_ERROR;
			break;
		case 'v':
			cfg->verbose++;
			break;
		case 'h':
			config_usage(0);
			return CONFIG_EXIT;
		case 'V':
			printf("warmcgi %s\n", PACKAGE_VERSION);
			return CONFIG_EXIT;
		case OPT_SOCKET_MODE:
			if (config_mode(optarg, &cfg->socket_mode) == -1)
				return CONFIG_ERROR;
			break;
		case OPT_QUEUE:
			if (config_number("--queue", optarg, 0, 1000000,
			    &n) == -1)
				return CONFIG_ERROR;
			cfg->queue_max = (int)n;
			break;
		case OPT_MAX_CONNS:
			if (config_number("--max-conns", optarg, 1, 1000000,
			    &n) == -1)
				return CONFIG_ERROR;
			cfg->max_conns = (int)n;
			break;
		case OPT_GRACE:
			if (config_number("--grace", optarg, 0, 86400,
			    &n) == -1)
				return CONFIG_ERROR;
			cfg->grace_sec = (int)n;
			break;
		case OPT_MAX_PARAMS:
			if (config_number("--max-params", optarg, 1024,
			    64LL * 1024 * 1024, &n) == -1)
				return CONFIG_ERROR;
			cfg->params_max = (size_t)n;
			break;
		case OPT_STDIN_BUF:
			if (config_number("--stdin-buffer", optarg, 4096,
			    1LL << 30, &n) == -1)
				return CONFIG_ERROR;
			cfg->stdin_buf = (size_t)n;
			break;
		case OPT_OUT_BUF:
			if (config_number("--out-buffer", optarg, 4096,
			    1LL << 30, &n) == -1)
				return CONFIG_ERROR;
			cfg->out_buf = (size_t)n;
			break;
		case OPT_HOLD_MEM:
			if (config_number("--hold-memory", optarg, 0,
			    1LL << 30, &n) == -1)
				return CONFIG_ERROR;
			cfg->hold_mem = (size_t)n;
			break;
		case OPT_SPILL_MAX:
			if (config_number("--spill-max", optarg, 0,
			    1LL << 50, &n) == -1)
				return CONFIG_ERROR;
			cfg->spill_max = n;
			break;
		case OPT_TMPDIR:
			cfg->tmpdir = optarg;
			break;
		case OPT_PASS_ENV:
			if (optarg[0] == '\0' || strchr(optarg, '=') != NULL) {
				fprintf(stderr, "warmcgi: --pass-env: \"%s\" is "
				    "not a variable name\n", optarg);
				return CONFIG_ERROR;
			}
			if (config_append(&cfg->pass_env, &cfg->npass_env,
			    optarg) == -1)
				return CONFIG_ERROR;
			break;
		case OPT_SYSLOG:
			cfg->syslog = 1;
			break;
		case OPT_WARM:
			if (strcmp(optarg, "auto") == 0)
				cfg->warm = WARM_AUTO;
			else if (strcmp(optarg, "always") == 0)
				cfg->warm = WARM_ALWAYS;
			else if (strcmp(optarg, "off") == 0)
				cfg->warm = WARM_OFF;
			else {
				fprintf(stderr, "warmcgi: --warm: \"%s\" is "
				    "not auto, always or off\n", optarg);
				return CONFIG_ERROR;
			}
			break;
		case OPT_NO_WARM:
			if (config_append(&cfg->no_warm, &cfg->nno_warm,
			    optarg) == -1)
				return CONFIG_ERROR;
			break;
		case OPT_WARM_MAX:
			if (config_number("--warm-max", optarg, 1, 10000,
			    &n) == -1)
				return CONFIG_ERROR;
			cfg->warm_max = (int)n;
			break;
		case OPT_WARM_IDLE:
			if (config_number("--warm-idle", optarg, 1, 86400 * 365,
			    &n) == -1)
				return CONFIG_ERROR;
			cfg->warm_idle = (int)n;
			break;
		case OPT_WARM_MEM:
			if (config_number("--warm-memory", optarg, 1048576,
			    1LL << 50, &n) == -1)
				return CONFIG_ERROR;
			cfg->warm_mem = n;
			break;
		case OPT_PHP_MAX_REQUESTS:
			if (config_number("--php-max-requests", optarg, 0,
			    1000000000, &n) == -1)
				return CONFIG_ERROR;
			cfg->php_max_requests = (int)n;
			break;
		case OPT_WARM_HELPERS:
			cfg->warm_helpers = optarg;
			break;
		case OPT_PERL:
		case OPT_PYTHON:
			/* An allow-list: warm.c runs what #! names. */
			if (optarg[0] != '/' && strcmp(optarg, "any") != 0) {
				fprintf(stderr, "warmcgi: %s: \"%s\" is neither "
				    "an absolute path nor \"any\"\n",
				    ch == OPT_PERL ? "--perl" : "--python",
				    optarg);
				return CONFIG_ERROR;
			}
			if ((ch == OPT_PERL ? config_append(&cfg->perl,
			    &cfg->nperl, optarg) : config_append(&cfg->python,
			    &cfg->npython, optarg)) == -1)
				return CONFIG_ERROR;
			break;
		case 'u':
			cfg->user = optarg;
			break;
		case 'g':
			cfg->group = optarg;
			break;
		case OPT_ALLOW_ROOT:
			cfg->allow_root = 1;
			break;
		case OPT_SOCKET_OWNER:
			cfg->socket_owner = optarg;
			break;
		case 'r':
			if (optarg[0] != '/') {
				fprintf(stderr, "warmcgi: -r: \"%s\" is not an "
				    "absolute path\n", optarg);
				return CONFIG_ERROR;
			}
			if (config_append(&cfg->roots, &cfg->nroots,
			    optarg) == -1)
				return CONFIG_ERROR;
			break;
		case OPT_STRICT:
			cfg->strict = 1;
			break;
		case OPT_ISINDEX_ARGV:
			cfg->isindex_argv = 1;
			break;
		case 't':
			if (config_number("-t", optarg, 0, 86400 * 365,
			    &n) == -1)
				return CONFIG_ERROR;
			cfg->timeout = (int)n;
			break;
		case OPT_IDLE_TIMEOUT:
			if (config_number("--idle-timeout", optarg, 0,
			    86400 * 365, &n) == -1)
				return CONFIG_ERROR;
			cfg->idle_timeout = (int)n;
			break;
		case OPT_KILL_GRACE:
			if (config_number("--kill-grace", optarg, 0, 3600,
			    &n) == -1)
				return CONFIG_ERROR;
			cfg->kill_grace = (int)n;
			break;
		case OPT_CONN_TIMEOUT:
			if (config_number("--conn-timeout", optarg, 0,
			    86400 * 365, &n) == -1)
				return CONFIG_ERROR;
			cfg->conn_timeout = (int)n;
			break;
		case OPT_PIDFILE:
			cfg->pidfile = optarg;
			break;
		case OPT_ALLOW_FROM:
			if (config_allow_from(cfg, "--allow-from", optarg) ==
			    -1)
				return CONFIG_ERROR;
			break;
		case OPT_RLIMIT:
			if (config_rlimits(cfg, optarg) == -1)
				return CONFIG_ERROR;
			break;
		case OPT_NICE:
			if (config_number("--nice", optarg, 0, 19, &n) == -1)
				return CONFIG_ERROR;
			cfg->nice_set = 1;
			cfg->nice = (int)n;
			break;
		case OPT_HOLD_TOTAL:
			if (config_number("--hold-memory-total", optarg, 65536,
			    1LL << 40, &n) == -1)
				return CONFIG_ERROR;
			cfg->hold_total = (size_t)n;
			break;
		case OPT_SPILL_TOTAL:
			if (config_number("--spill-total", optarg, 0,
			    1LL << 50, &n) == -1)
				return CONFIG_ERROR;
			cfg->spill_total = n;
			break;
		case OPT_HANDLER:
			if (config_handler(cfg, optarg) == -1)
				return CONFIG_ERROR;
			break;
		case OPT_BUFFER_BODY:
			if (config_number("--buffer-body", optarg, 0,
			    1LL << 50, &n) == -1)
				return CONFIG_ERROR;
			cfg->buffer_body = n;
			break;
		case OPT_STATUS_PATH:
		case OPT_PING_PATH:
			if (optarg[0] != '/') {
				fprintf(stderr, "warmcgi: %s: \"%s\" does not "
				    "start with /\n", ch == OPT_STATUS_PATH ?
				    "--status-path" : "--ping-path", optarg);
				return CONFIG_ERROR;
			}
			if (ch == OPT_STATUS_PATH)
				cfg->status_path = optarg;
			else
				cfg->ping_path = optarg;
			break;
		case OPT_STATUS_ALLOW:
			if (optarg[0] == '\0') {
				fprintf(stderr, "warmcgi: --status-allow: empty "
				    "prefix (\"any\" lets every client in)\n");
				return CONFIG_ERROR;
			}
			if (config_append(&cfg->status_allow,
			    &cfg->nstatus_allow, optarg) == -1)
				return CONFIG_ERROR;
			break;
		case OPT_ACCESS_LOG:
			if (optarg[0] == '\0') {
				fprintf(stderr, "warmcgi: --access-log: give a "
				    "file, syslog or -\n");
				return CONFIG_ERROR;
			}
			cfg->access_log = optarg;
			break;
		case OPT_ACCESS_LOG_FORMAT:
			if (strcmp(optarg, "text") == 0)
				cfg->access_log_json = 0;
			else if (strcmp(optarg, "json") == 0)
				cfg->access_log_json = 1;
			else {
				fprintf(stderr, "warmcgi: --access-log-format: "
				    "\"%s\" is not text or json\n", optarg);
				return CONFIG_ERROR;
			}
			break;
		case OPT_SLOW_LOG:
			if (config_number("--slow-log", optarg, 0,
			    86400 * 365, &n) == -1)
				return CONFIG_ERROR;
			cfg->slow_log = (int)n;
			break;
		case OPT_CHECK:
			cfg->check = 1;
			break;
		case OPT_COMPILE:
			cfg->check_compile = 1;
			break;
		case OPT_JSON:
			cfg->check_json = 1;
			break;
		case OPT_AUTHORIZER:
			if (optarg[0] != '/') {
				fprintf(stderr, "warmcgi: --authorizer: \"%s\" "
				    "is not an absolute path\n", optarg);
				return CONFIG_ERROR;
			}
			cfg->authorizer = optarg;
			break;
		case OPT_LOCAL_REDIRECT:
			if (strcmp(optarg, "pass") == 0)
				cfg->local_redirect = REDIRECT_PASS;
			else if (strcmp(optarg, "accel") == 0)
				cfg->local_redirect = REDIRECT_ACCEL;
			else if (strcmp(optarg, "sendfile") == 0)
				cfg->local_redirect = REDIRECT_SENDFILE;
			else {
				fprintf(stderr, "warmcgi: --local-redirect: "
				    "\"%s\" is not pass, accel or sendfile\n",
				    optarg);
				return CONFIG_ERROR;
			}
			break;
		default:
			fprintf(stderr, "warmcgi: -h lists the options\n");
			return CONFIG_ERROR;
		}
	}
	if (cfg->check && optind < argc) {
		/* "+": getopt stopped at an argument; options may follow. */
		for (; optind < argc; optind++) {
			if (argv[optind][0] == '-' && argv[optind][1] != '\0')
				goto again;
			if (config_append(&cfg->check_args,
			    &cfg->ncheck_args, argv[optind]) == -1)
				return CONFIG_ERROR;
		}
	}
	if ((cfg->check_compile || cfg->check_json) && !cfg->check) {
		fprintf(stderr, "warmcgi: --compile and --json go with "
		    "--check\n");
		return CONFIG_ERROR;
	}
	if (cfg->check) {
		if (cfg->ncheck_args == 0) {
			fprintf(stderr, "warmcgi: --check needs a directory "
			    "or a script\n");
			return CONFIG_ERROR;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "warmcgi: unexpected argument \"%s\"\n",
		    argv[optind]);
		return CONFIG_ERROR;
	}
	if (config_ids(cfg) == -1)
		return CONFIG_ERROR;
	return CONFIG_OK;
}

/*
 * The ids of -u, -g and --socket-owner, looked up once at start.  -g
 * defaults to -u's primary group; the socket to -u's user and group.
 */
static int
config_ids(struct config *cfg)
{
	char	 owner[256], *colon;

	if (cfg->group != NULL && cfg->user == NULL) {
		fprintf(stderr, "warmcgi: -g needs -u\n");
		return -1;
	}
	if (cfg->user != NULL) {
		if (config_user("-u", cfg->user, &cfg->uid, &cfg->gid) == -1)
			return -1;
		if (cfg->group != NULL &&
		    config_group("-g", cfg->group, &cfg->gid) == -1)
			return -1;
		cfg->sock_uid = cfg->uid;
		cfg->sock_gid = cfg->gid;
		cfg->sock_chown = 1;
	}
	if (cfg->socket_owner == NULL)
		return 0;
	if (strlcpy(owner, cfg->socket_owner, sizeof(owner)) >=
	    sizeof(owner)) {
		fprintf(stderr, "warmcgi: --socket-owner: too long\n");
		return -1;
	}
	if ((colon = strchr(owner, ':')) != NULL)
		*colon++ = '\0';
	if (config_user("--socket-owner", owner, &cfg->sock_uid,
	    &cfg->sock_gid) == -1)
		return -1;
	if (colon != NULL && config_group("--socket-owner", colon,
	    &cfg->sock_gid) == -1)
		return -1;
	cfg->sock_chown = 1;
	return 0;
}

static int
config_user(const char *opt, const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;

	errno = 0;
	if (*name == '\0' || (pw = getpwnam(name)) == NULL) {
		fprintf(stderr, "warmcgi: %s: no user \"%s\"%s%s\n", opt, name,
		    errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int
config_group(const char *opt, const char *name, gid_t *gid)
{
	struct group	*gr;

	errno = 0;
	if (*name == '\0' || (gr = getgrnam(name)) == NULL) {
		fprintf(stderr, "warmcgi: %s: no group \"%s\"%s%s\n", opt,
		    name, errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/*
 * --rlimit cpu=S,as=BYTES,...: every item a lower limit for scripts; a
 * name given again takes the later value.
 */
static int
config_rlimits(struct config *cfg, const char *arg)
{
	static const long long	 lo[RL_N] = { 1, 1024 * 1024, 3, 0, 0 };
	char			 opt[64], *copy, *item, *rest, *eq;
	long long		 n;
	int			 i;

	if ((copy = strdup(arg)) == NULL) {
		perror("warmcgi");
		return -1;
	}
	for (rest = copy; (item = strsep(&rest, ",")) != NULL; ) {
		if ((eq = strchr(item, '=')) == NULL)
			goto bad;
		*eq++ = '\0';
		for (i = 0; i < RL_N; i++)
			if (strcmp(item, config_rlimit_names[i]) == 0)
				break;
		if (i == RL_N)
			goto bad;
		snprintf(opt, sizeof(opt), "--rlimit %s", item);
		if (config_number(opt, eq, lo[i], 1LL << 50, &n) == -1) {
			free(copy);
			return -1;
		}
		cfg->rlimit[i].set = 1;
		cfg->rlimit[i].value = (unsigned long long)n;
	}
	free(copy);
	return 0;
bad:
	fprintf(stderr, "warmcgi: --rlimit: \"%s\": expected NAME=VALUE with "
	    "NAME one of cpu, as, nofile, nproc, core\n", arg);
	free(copy);
	return -1;
}

/* ADDR or ADDR/PREFIX, IPv4 or IPv6; the host bits must be zero. */
int
config_addr_parse(const char *s, struct config_addr *a)
{
	char		 host[INET6_ADDRSTRLEN + 8], *slash;
	const char	*errstr;
	int		 bits, i;

	memset(a, 0, sizeof(*a));
	if (strlcpy(host, s, sizeof(host)) >= sizeof(host))
		return -1;
	if ((slash = strchr(host, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, host, a->addr) == 1) {
		a->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, host, a->addr) == 1) {
		a->family = AF_INET6;
		bits = 128;
	} else
		return -1;
	a->prefix = bits;
	if (slash != NULL) {
		a->prefix = (int)strtonum(slash, 0, bits, &errstr);
		if (errstr != NULL)
			return -1;
	}
	/* 10.0.0.1/8 is more likely a typo than a network: refuse it. */
	for (i = a->prefix; i < bits; i++)
		if (a->addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

/*
 * Whether a peer's address is in one of the networks; an IPv4-mapped IPv6
 * address is compared as the IPv4 address it carries.
 */
int
config_addr_match(const struct config_addr *list, size_t n,
    const struct sockaddr *sa)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0xff, 0xff };
	const uint8_t		*p;
	size_t			 i;
	int			 family, bit;

	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		p = (const uint8_t *)&((const struct sockaddr_in *)sa)->
		    sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		family = AF_INET6;
		p = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (memcmp(p, mapped, sizeof(mapped)) == 0) {
			family = AF_INET;
			p += sizeof(mapped);
		}
	} else
		return 0;
	for (i = 0; i < n; i++) {
		if (list[i].family != family)
			continue;
		for (bit = 0; bit < list[i].prefix; bit++)
			if ((list[i].addr[bit / 8] ^ p[bit / 8]) &
			    (0x80 >> (bit % 8)))
				break;
		if (bit == list[i].prefix)
			return 1;
	}
	return 0;
}

/* A comma-separated list of ADDR[/PREFIX], blanks around items allowed. */
static int
config_allow_from(struct config *cfg, const char *what, const char *arg)
{
	struct config_addr	 a, *nl;
	char			*copy, *item, *rest, *end;

	if ((copy = strdup(arg)) == NULL) {
		perror("warmcgi");
		return -1;
	}
	for (rest = copy; (item = strsep(&rest, ",")) != NULL; ) {
		item += strspn(item, " \t");
		for (end = item + strlen(item); end > item &&
		    (end[-1] == ' ' || end[-1] == '\t'); end--)
			end[-1] = '\0';
		if (*item == '\0' && rest == NULL && item != copy)
			break;	/* a trailing comma */
		if (config_addr_parse(item, &a) == -1) {
			fprintf(stderr, "warmcgi: %s: \"%s\" is not an "
			    "address or ADDR/PREFIX network\n", what, item);
			free(copy);
			return -1;
		}
		if ((nl = reallocarray(cfg->allow_from, cfg->nallow_from + 1,
		    sizeof(*nl))) == NULL) {
			perror("warmcgi");
			free(copy);
			return -1;
		}
		nl[cfg->nallow_from++] = a;
		cfg->allow_from = nl;
	}
	free(copy);
	return 0;
}

/*
 * What the environment adds to the command line: libfcgi's
 * FCGI_WEB_SERVER_ADDRS, a comma-separated list of the web servers' IP
 * addresses, joins --allow-from.  Empty or unset, it allows everyone, as
 * in libfcgi.
 */
int
config_env(struct config *cfg)
{
	const char	*s = getenv("FCGI_WEB_SERVER_ADDRS");

	if (s == NULL || s[strspn(s, " \t,")] == '\0')
		return 0;
	return config_allow_from(cfg, "FCGI_WEB_SERVER_ADDRS", s);
}

/*
 * --handler .EXT=INTERPRETER [ARGS]: ARGS are split on blanks, without
 * quoting (the shell's quotes keep the whole value one word); a word with
 * a blank in it needs a wrapper script.  The interpreter's base name
 * starting with php-cgi marks it as PHP's CGI binary (cgi.c).
 */
static int
config_handler(struct config *cfg, const char *arg)
{
	struct handler	 h, *nh;
	const char	*eq, *p, *base;
	size_t		 i, len;

	memset(&h, 0, sizeof(h));
	if ((eq = strchr(arg, '=')) == NULL || eq - arg < 2 || arg[0] != '.' ||
	    memchr(arg, '/', (size_t)(eq - arg)) != NULL ||
	    memchr(arg + 1, '.', (size_t)(eq - arg - 1)) != NULL) {
		fprintf(stderr, "warmcgi: --handler: \"%s\" is not "
		    ".EXT=INTERPRETER (EXT: one extension, such as .php)\n",
		    arg);
		return -1;
	}
	for (i = 0; i < cfg->nhandlers; i++)
		if (strlen(cfg->handlers[i].ext) == (size_t)(eq - arg) &&
		    strncmp(cfg->handlers[i].ext, arg, (size_t)(eq - arg)) == 0) {
			fprintf(stderr, "warmcgi: --handler: %s given twice\n",
			    cfg->handlers[i].ext);
			return -1;
		}
	if ((h.ext = strndup(arg, (size_t)(eq - arg))) == NULL ||
	    (h.argv = calloc(HANDLER_ARGS_MAX + 2, sizeof(*h.argv))) == NULL)
		goto nomem;
	for (p = eq + 1; *(p += strspn(p, " \t")) != '\0'; p += len) {
		len = strcspn(p, " \t");
		if (h.argc == HANDLER_ARGS_MAX + 1) {
			fprintf(stderr, "warmcgi: --handler: %s: more than %d "
			    "arguments\n", h.ext, HANDLER_ARGS_MAX);
			goto fail;
		}
		if ((h.argv[h.argc++] = strndup(p, len)) == NULL)
			goto nomem;
	}
	if (h.argc == 0 || h.argv[0][0] != '/') {
		fprintf(stderr, "warmcgi: --handler: %s: the interpreter is "
		    "not an absolute path\n", h.ext);
		goto fail;
	}
	base = strrchr(h.argv[0], '/') + 1;
	h.php = strncmp(base, "php-cgi", 7) == 0;
	if ((nh = reallocarray(cfg->handlers, cfg->nhandlers + 1,
	    sizeof(*nh))) == NULL)
		goto nomem;
	cfg->handlers = nh;
	cfg->handlers[cfg->nhandlers++] = h;
	return 0;
nomem:
	perror("warmcgi");
fail:
	config_handler_free(&h);
	return -1;
}

static void
config_handler_free(struct handler *h)
{
	size_t	 i;

	for (i = 0; h->argv != NULL && i < h->argc; i++)
		free(h->argv[i]);
	free(h->argv);
	free(h->ext);
	memset(h, 0, sizeof(*h));
}
