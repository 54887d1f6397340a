/*
 * Check suite for the command line (src/config.c): the defaults, every
 * short and long option, repeated options, and the errors for bad numbers,
 * bad modes, relative -p paths, bad --pass-env names and stray arguments.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "warmcgi.h"
#include "check_main.h"

static int	run(struct config *, char **);

/* argv arrays live as long as the enclosing block, as cfg's pointers do. */
#define PARSE(cfg, ...)	\
	run((cfg), (char *[]){ "warmcgi", __VA_ARGS__, NULL })

/* config_init, then config_parse on a NULL-terminated argv. */
static int
run(struct config *cfg, char **argv)
{
	int	 argc;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	config_init(cfg);
	return config_parse(cfg, argc, argv);
}

/* Parse, expect CONFIG_ERROR, free. */
#define BAD(...)	do {						\
	struct config	 bad_cfg;					\
	ck_assert_int_eq(PARSE(&bad_cfg, __VA_ARGS__), CONFIG_ERROR);	\
	config_free(&bad_cfg);						\
} while (0)

START_TEST(test_defaults)
{
	struct config	 cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	config_init(&cfg);
	ck_assert_int_eq(cfg.max_children, DEFAULT_MAX_CHILDREN);
	ck_assert_int_eq(cfg.queue_max, DEFAULT_QUEUE_MAX);
	ck_assert_int_eq(cfg.max_conns, DEFAULT_MAX_CONNS);
	ck_assert_uint_eq(cfg.socket_mode, DEFAULT_SOCKET_MODE);
	ck_assert_uint_eq(cfg.socket_mode, 0660);
	ck_assert_int_eq(cfg.grace_sec, DEFAULT_GRACE_SEC);
	ck_assert_uint_eq(cfg.params_max, DEFAULT_PARAMS_MAX);
	ck_assert_uint_eq(cfg.stdin_buf, DEFAULT_STDIN_BUF);
	ck_assert_uint_eq(cfg.out_buf, DEFAULT_OUT_BUF);
	ck_assert_uint_eq(cfg.hold_mem, DEFAULT_HOLD_MEM);
	ck_assert_int_eq(cfg.spill_max, DEFAULT_SPILL_MAX);
	ck_assert_ptr_null(cfg.listen);
	ck_assert_uint_eq(cfg.nlisten, 0);
	ck_assert_ptr_null(cfg.allowed);
	ck_assert_uint_eq(cfg.nallowed, 0);
	ck_assert_ptr_null(cfg.pass_env);
	ck_assert_uint_eq(cfg.npass_env, 0);
	ck_assert_int_eq(cfg.stderr_to_fcgi, 0);
	ck_assert_ptr_null(cfg.tmpdir);
	ck_assert_int_eq(cfg.verbose, 0);
	ck_assert_int_eq(cfg.syslog, 0);
	config_free(&cfg);
}
END_TEST

START_TEST(test_no_options)
{
	struct config	 cfg;

	ck_assert_int_eq(run(&cfg, (char *[]){ "warmcgi", NULL }), CONFIG_OK);
	ck_assert_int_eq(cfg.max_children, DEFAULT_MAX_CHILDREN);
	ck_assert_uint_eq(cfg.nlisten, 0);
	ck_assert_uint_eq(cfg.nallowed, 0);
	config_free(&cfg);
}
END_TEST

START_TEST(test_socket_repeated)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "-s", "unix:/x", "-s",
	    "tcp:127.0.0.1:9000", "-s", "tcp6:[::1]:9001"), CONFIG_OK);
	ck_assert_uint_eq(cfg.nlisten, 3);
	ck_assert_str_eq(cfg.listen[0], "unix:/x");
	ck_assert_str_eq(cfg.listen[1], "tcp:127.0.0.1:9000");
	ck_assert_str_eq(cfg.listen[2], "tcp6:[::1]:9001");
	ck_assert_ptr_null(cfg.listen[3]);
	config_free(&cfg);

	ck_assert_int_eq(PARSE(&cfg, "-sunix:/a", "--socket", "unix:/b",
	    "--socket=unix:/c"), CONFIG_OK);
	ck_assert_uint_eq(cfg.nlisten, 3);
	ck_assert_str_eq(cfg.listen[0], "unix:/a");
	ck_assert_str_eq(cfg.listen[1], "unix:/b");
	ck_assert_str_eq(cfg.listen[2], "unix:/c");
	config_free(&cfg);
}
END_TEST

START_TEST(test_short_options)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "-c", "8", "-f", "-p", "/a", "-p", "/b",
	    "-v", "-s", "unix:/x"), CONFIG_OK);
	ck_assert_int_eq(cfg.max_children, 8);
	ck_assert_int_eq(cfg.stderr_to_fcgi, 1);
	ck_assert_uint_eq(cfg.nallowed, 2);
	ck_assert_str_eq(cfg.allowed[0], "/a");
	ck_assert_str_eq(cfg.allowed[1], "/b");
	ck_assert_ptr_null(cfg.allowed[2]);
	ck_assert_int_eq(cfg.verbose, 1);
	ck_assert_uint_eq(cfg.nlisten, 1);
	/* What was not given keeps its default. */
	ck_assert_int_eq(cfg.queue_max, DEFAULT_QUEUE_MAX);
	ck_assert_uint_eq(cfg.socket_mode, DEFAULT_SOCKET_MODE);
	config_free(&cfg);

	/* Bundled flags and an attached argument. */
	ck_assert_int_eq(PARSE(&cfg, "-fvv", "-c1"), CONFIG_OK);
	ck_assert_int_eq(cfg.stderr_to_fcgi, 1);
	ck_assert_int_eq(cfg.verbose, 2);
	ck_assert_int_eq(cfg.max_children, 1);
	config_free(&cfg);

	/* The last -c wins; the limits are accepted. */
	ck_assert_int_eq(PARSE(&cfg, "-c", "3", "-c", "1000000"), CONFIG_OK);
	ck_assert_int_eq(cfg.max_children, 1000000);
	config_free(&cfg);
}
END_TEST

START_TEST(test_long_options)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg,
	    "--children", "12",
	    "--socket", "unix:/run/w.sock",
	    "--allow", "/srv/a.cgi",
	    "--allow=/srv/b.cgi",
	    "--stderr-to-server",
	    "--socket-mode", "0600",
	    "--queue", "7",
	    "--max-conns", "100",
	    "--grace", "30",
	    "--max-params", "2048",
	    "--stdin-buffer", "8192",
	    "--out-buffer", "16384",
	    "--hold-memory", "65536",
	    "--spill-max", "1000000000000",
	    "--tmpdir", "/var/tmp",
	    "--pass-env", "LANG",
	    "--pass-env", "TZ",
	    "--syslog",
	    "--verbose"), CONFIG_OK);
	ck_assert_int_eq(cfg.max_children, 12);
	ck_assert_uint_eq(cfg.nlisten, 1);
	ck_assert_str_eq(cfg.listen[0], "unix:/run/w.sock");
	ck_assert_uint_eq(cfg.nallowed, 2);
	ck_assert_str_eq(cfg.allowed[0], "/srv/a.cgi");
	ck_assert_str_eq(cfg.allowed[1], "/srv/b.cgi");
	ck_assert_int_eq(cfg.stderr_to_fcgi, 1);
	ck_assert_uint_eq(cfg.socket_mode, 0600);
	ck_assert_int_eq(cfg.queue_max, 7);
	ck_assert_int_eq(cfg.max_conns, 100);
	ck_assert_int_eq(cfg.grace_sec, 30);
	ck_assert_uint_eq(cfg.params_max, 2048);
	ck_assert_uint_eq(cfg.stdin_buf, 8192);
	ck_assert_uint_eq(cfg.out_buf, 16384);
	ck_assert_uint_eq(cfg.hold_mem, 65536);
	ck_assert_int_eq(cfg.spill_max, 1000000000000LL);
	ck_assert_str_eq(cfg.tmpdir, "/var/tmp");
	ck_assert_uint_eq(cfg.npass_env, 2);
	ck_assert_str_eq(cfg.pass_env[0], "LANG");
	ck_assert_str_eq(cfg.pass_env[1], "TZ");
	ck_assert_ptr_null(cfg.pass_env[2]);
	ck_assert_int_eq(cfg.syslog, 1);
	ck_assert_int_eq(cfg.verbose, 1);
	config_free(&cfg);

	/* Zero is allowed where it means "none". */
	ck_assert_int_eq(PARSE(&cfg, "--queue", "0", "--grace", "0",
	    "--hold-memory", "0", "--spill-max", "0", "--children=5"),
	    CONFIG_OK);
	ck_assert_int_eq(cfg.queue_max, 0);
	ck_assert_int_eq(cfg.grace_sec, 0);
	ck_assert_uint_eq(cfg.hold_mem, 0);
	ck_assert_int_eq(cfg.spill_max, 0);
	ck_assert_int_eq(cfg.max_children, 5);
	config_free(&cfg);
}
END_TEST

START_TEST(test_bad_numbers)
{
	BAD("-c", "0");
	BAD("-c", "abc");
	BAD("-c", "99999999999");
	BAD("-c", "-1");
	BAD("-c", "");
	BAD("-c", "8x");
	BAD("-c", "1000001");
	BAD("--children", "0");
	BAD("--queue", "-1");
	BAD("--queue", "many");
	BAD("--max-conns", "0");
	BAD("--grace", "86401");
	BAD("--grace", "-5");
	BAD("--max-params", "1023");
	BAD("--stdin-buffer", "4095");
	BAD("--out-buffer", "1");
	BAD("--hold-memory", "x");
	BAD("--spill-max", "1e9");
}
END_TEST

/* The warm interpreter options (issue 3): defaults, values, errors. */
START_TEST(test_warm_options)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "-V"), CONFIG_EXIT);
	ck_assert_int_eq(cfg.warm, 1);
	ck_assert_int_eq(cfg.warm_max, DEFAULT_WARM_MAX);
	ck_assert_int_eq(cfg.warm_idle, DEFAULT_WARM_IDLE);
	ck_assert(cfg.warm_mem == DEFAULT_WARM_MEM);
	ck_assert_ptr_null(cfg.warm_helpers);	/* found at start */
	ck_assert_uint_eq(cfg.nperl, 0);	/* any perl, any python3 */
	ck_assert_uint_eq(cfg.npython, 0);
	config_free(&cfg);

	ck_assert_int_eq(PARSE(&cfg, "--warm=off", "--no-warm", "/a/*.pl",
	    "--no-warm", "*gitweb*", "--warm-max", "3", "--warm-idle", "30",
	    "--warm-memory", "67108864", "--warm-helpers", "/opt/h",
	    "--perl", "/opt/perl", "--python", "/opt/py"), CONFIG_OK);
	ck_assert_int_eq(cfg.warm, 0);
	ck_assert_uint_eq(cfg.nno_warm, 2);
	ck_assert_str_eq(cfg.no_warm[0], "/a/*.pl");
	ck_assert_str_eq(cfg.no_warm[1], "*gitweb*");
	ck_assert_ptr_null(cfg.no_warm[2]);
	ck_assert_int_eq(cfg.warm_max, 3);
	ck_assert_int_eq(cfg.warm_idle, 30);
	ck_assert(cfg.warm_mem == 67108864);
	ck_assert_str_eq(cfg.warm_helpers, "/opt/h");
	ck_assert_uint_eq(cfg.nperl, 1);
	ck_assert_str_eq(cfg.perl[0], "/opt/perl");
	ck_assert_uint_eq(cfg.npython, 1);
	ck_assert_str_eq(cfg.python[0], "/opt/py");
	config_free(&cfg);

	/* Repeatable: a list of interpreters allowed to be warm. */
	ck_assert_int_eq(PARSE(&cfg, "--perl", "/usr/bin/perl", "--perl",
	    "/opt/perl/bin/perl", "--python=any"), CONFIG_OK);
	ck_assert_uint_eq(cfg.nperl, 2);
	ck_assert_str_eq(cfg.perl[0], "/usr/bin/perl");
	ck_assert_str_eq(cfg.perl[1], "/opt/perl/bin/perl");
	ck_assert_ptr_null(cfg.perl[2]);
	ck_assert_uint_eq(cfg.npython, 1);
	ck_assert_str_eq(cfg.python[0], "any");
	config_free(&cfg);

	ck_assert_int_eq(PARSE(&cfg, "--warm", "auto"), CONFIG_OK);
	ck_assert_int_eq(cfg.warm, WARM_AUTO);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--warm", "always"), CONFIG_OK);
	ck_assert_int_eq(cfg.warm, WARM_ALWAYS);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--warm", "off"), CONFIG_OK);
	ck_assert_int_eq(cfg.warm, WARM_OFF);
	config_free(&cfg);

	/* php-cgi's own 0: a worker is never replaced for its count. */
	ck_assert_int_eq(PARSE(&cfg, "-V"), CONFIG_EXIT);
	ck_assert_int_eq(cfg.php_max_requests, DEFAULT_PHP_MAX_REQUESTS);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--php-max-requests", "0"), CONFIG_OK);
	ck_assert_int_eq(cfg.php_max_requests, 0);
	config_free(&cfg);
	BAD("--php-max-requests", "-1");

	BAD("--warm", "on");
	BAD("--warm", "");
	BAD("--warm-max", "0");
	BAD("--warm-idle", "0");
	BAD("--warm-memory", "1000");
	BAD("--perl", "perl");
	BAD("--perl", "");
	BAD("--perl", "all");
	BAD("--python", "python3");
}
END_TEST

START_TEST(test_missing_argument)
{
	BAD("-c");
	BAD("-s");
	BAD("-p");
	BAD("--children");
	BAD("--socket-mode");
	BAD("--pass-env");
}
END_TEST

START_TEST(test_socket_mode)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "--socket-mode", "600"), CONFIG_OK);
	ck_assert_uint_eq(cfg.socket_mode, 0600);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--socket-mode", "0777"), CONFIG_OK);
	ck_assert_uint_eq(cfg.socket_mode, 0777);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--socket-mode", "0"), CONFIG_OK);
	ck_assert_uint_eq(cfg.socket_mode, 0);
	config_free(&cfg);

	BAD("--socket-mode", "0999");
	BAD("--socket-mode", "12345");
	BAD("--socket-mode", "8");
	BAD("--socket-mode", "");
	BAD("--socket-mode", "rw");
	BAD("--socket-mode", "-600");
	BAD("--socket-mode", "1777");
}
END_TEST

START_TEST(test_allow_relative)
{
	BAD("-p", "relative/x.cgi");
	BAD("-p", "x.cgi");
	BAD("-p", "");
	BAD("-p", "/ok.cgi", "-p", "./x.cgi");
	BAD("--allow", "cgi-bin/x");
}
END_TEST

START_TEST(test_pass_env_bad)
{
	BAD("--pass-env", "A=B");
	BAD("--pass-env", "=");
	BAD("--pass-env", "");
	BAD("--pass-env", "LANG", "--pass-env", "X=1");
}
END_TEST

START_TEST(test_stray_argument)
{
	BAD("extra");
	BAD("-c", "4", "extra");
	BAD("-f", "unix:/x");
	BAD("-x");
	BAD("--nope");
	BAD("--children", "4", "--", "extra");
}
END_TEST

START_TEST(test_help_version)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "-h"), CONFIG_EXIT);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--help"), CONFIG_EXIT);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "-V"), CONFIG_EXIT);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--version"), CONFIG_EXIT);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "-c", "4", "-h"), CONFIG_EXIT);
	config_free(&cfg);
}
END_TEST

START_TEST(test_free_resets)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "-s", "unix:/x", "-p", "/a",
	    "--pass-env", "LANG"), CONFIG_OK);
	config_free(&cfg);
	ck_assert_ptr_null(cfg.listen);
	ck_assert_uint_eq(cfg.nlisten, 0);
	ck_assert_ptr_null(cfg.allowed);
	ck_assert_uint_eq(cfg.nallowed, 0);
	ck_assert_ptr_null(cfg.pass_env);
	ck_assert_uint_eq(cfg.npass_env, 0);

	/* A second parse in the same process starts from the first argument. */
	ck_assert_int_eq(PARSE(&cfg, "-c", "9"), CONFIG_OK);
	ck_assert_int_eq(cfg.max_children, 9);
	config_free(&cfg);
}
END_TEST

START_TEST(test_priv_options)
{
	struct config	 cfg;
	char		*a[] = { "warmcgi", "-u", "nobody", "--strict",
			    "--isindex-argv", "-r", "/srv/a", "--root", "/srv/b",
			    "--allow-root", NULL };
	char		*b[] = { "warmcgi", "--user", "nobody", "-g", "root",
			    "--socket-owner", "root:nogroup", NULL };
	char		*c[] = { "warmcgi", "--socket-owner", "nobody", NULL };

	ck_assert_int_eq(run(&cfg, a), CONFIG_OK);
	ck_assert_str_eq(cfg.user, "nobody");
	ck_assert_int_eq(cfg.uid, 65534);
	ck_assert_int_eq(cfg.gid, 65534);
	ck_assert_int_eq(cfg.sock_chown, 1);
	ck_assert_int_eq(cfg.sock_uid, 65534);
	ck_assert_int_eq(cfg.sock_gid, 65534);
	ck_assert_int_eq(cfg.strict, 1);
	ck_assert_int_eq(cfg.isindex_argv, 1);
	ck_assert_int_eq(cfg.allow_root, 1);
	ck_assert_uint_eq(cfg.nroots, 2);
	ck_assert_str_eq(cfg.roots[1], "/srv/b");
	config_free(&cfg);

	/* -g wins over the user's group; --socket-owner over -u. */
	ck_assert_int_eq(run(&cfg, b), CONFIG_OK);
	ck_assert_int_eq(cfg.uid, 65534);
	ck_assert_int_eq(cfg.gid, 0);
	ck_assert_int_eq(cfg.sock_uid, 0);
	ck_assert_int_eq(cfg.sock_gid, 65534);
	config_free(&cfg);

	/* The owner's own group without ":GROUP"; nothing else changes. */
	ck_assert_int_eq(run(&cfg, c), CONFIG_OK);
	ck_assert_ptr_null(cfg.user);
	ck_assert_int_eq(cfg.sock_chown, 1);
	ck_assert_int_eq(cfg.sock_uid, 65534);
	ck_assert_int_eq(cfg.sock_gid, 65534);
	ck_assert_int_eq(cfg.strict, 0);
	ck_assert_int_eq(cfg.isindex_argv, 0);
	ck_assert_int_eq(cfg.allow_root, 0);
	config_free(&cfg);
}
END_TEST

START_TEST(test_priv_bad)
{
	struct config	 cfg;
	char		*bad[][4] = {
		{ "warmcgi", "-u", "no-such-user-warmcgi", NULL },
		{ "warmcgi", "-u", "", NULL },
		{ "warmcgi", "-g", "root", NULL },	/* -g needs -u */
		{ "warmcgi", "-r", "relative", NULL },
		{ "warmcgi", "--socket-owner", "nobody:no-such-group-wc",
		    NULL },
		{ "warmcgi", "--socket-owner", ":root", NULL },
	};
	char		*g[] = { "warmcgi", "-u", "nobody", "-g",
			    "no-such-group-wc", NULL };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(run(&cfg, bad[i]) == CONFIG_ERROR, "%s %s",
		    bad[i][1], bad[i][2]);
		config_free(&cfg);
	}
	ck_assert_int_eq(run(&cfg, g), CONFIG_ERROR);
	config_free(&cfg);
}
END_TEST

/* -t, --idle-timeout, --kill-grace, --conn-timeout: defaults, 0, limits. */
START_TEST(test_timeouts)
{
	struct config	 cfg;

	config_init(&cfg);
	ck_assert_int_eq(cfg.timeout, DEFAULT_TIMEOUT);
	ck_assert_int_eq(cfg.idle_timeout, DEFAULT_IDLE_TIMEOUT);
	ck_assert_int_eq(cfg.kill_grace, DEFAULT_KILL_GRACE);
	ck_assert_int_eq(cfg.conn_timeout, DEFAULT_CONN_TIMEOUT);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "-t", "30", "--idle-timeout", "0",
	    "--kill-grace", "0", "--conn-timeout", "7"), CONFIG_OK);
	ck_assert_int_eq(cfg.timeout, 30);
	ck_assert_int_eq(cfg.idle_timeout, 0);
	ck_assert_int_eq(cfg.kill_grace, 0);
	ck_assert_int_eq(cfg.conn_timeout, 7);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--timeout", "0"), CONFIG_OK);
	ck_assert_int_eq(cfg.timeout, 0);
	config_free(&cfg);
	BAD("-t", "-1");
	BAD("-t", "1s");
	BAD("--idle-timeout", "x");
	BAD("--kill-grace", "3601");
	BAD("--conn-timeout", "-5");
}
END_TEST

START_TEST(test_limit_options)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "--rlimit", "cpu=5,as=2000000,nofile=64",
	    "--rlimit", "nproc=0,core=0,cpu=9", "--nice", "19", "--pidfile",
	    "/run/w.pid", "--hold-memory-total", "65536", "--spill-total", "0"),
	    CONFIG_OK);
	ck_assert_int_eq(cfg.rlimit[RL_CPU].set, 1);
	ck_assert_uint_eq(cfg.rlimit[RL_CPU].value, 9);
	ck_assert_uint_eq(cfg.rlimit[RL_AS].value, 2000000);
	ck_assert_uint_eq(cfg.rlimit[RL_NOFILE].value, 64);
	ck_assert_int_eq(cfg.rlimit[RL_NPROC].set, 1);
	ck_assert_uint_eq(cfg.rlimit[RL_NPROC].value, 0);
	ck_assert_int_eq(cfg.rlimit[RL_CORE].set, 1);
	ck_assert_int_eq(cfg.nice_set, 1);
	ck_assert_int_eq(cfg.nice, 19);
	ck_assert_str_eq(cfg.pidfile, "/run/w.pid");
	ck_assert_uint_eq(cfg.hold_total, 65536);
	ck_assert_int_eq(cfg.spill_total, 0);
	config_free(&cfg);

	config_init(&cfg);
	ck_assert_int_eq(cfg.rlimit[RL_CPU].set, 0);
	ck_assert_int_eq(cfg.nice_set, 0);
	ck_assert_uint_eq(cfg.hold_total, DEFAULT_HOLD_TOTAL);
	ck_assert_int_eq(cfg.spill_total, DEFAULT_SPILL_TOTAL);
	config_free(&cfg);

	BAD("--rlimit", "cpu");
	BAD("--rlimit", "cpu=0");
	BAD("--rlimit", "fsize=1");
	BAD("--rlimit", "as=1000");
	BAD("--rlimit", "nofile=2");
	BAD("--rlimit", "cpu=1,");
	BAD("--nice", "-1");
	BAD("--nice", "20");
	BAD("--hold-memory-total", "1000");
}
END_TEST

static int
match(struct config *cfg, int family, const char *addr)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	sin.sin_family = AF_INET;
	sin6.sin6_family = AF_INET6;
	if (family == AF_INET) {
		ck_assert_int_eq(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
		return config_addr_match(cfg->allow_from, cfg->nallow_from,
		    (struct sockaddr *)&sin);
	}
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &sin6.sin6_addr), 1);
	return config_addr_match(cfg->allow_from, cfg->nallow_from,
	    (struct sockaddr *)&sin6);
}

START_TEST(test_allow_from)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "--allow-from", "10.1.0.0/16",
	    "--allow-from", "192.0.2.7, 2001:db8::/32,", "--allow-from",
	    "0.0.0.0/0"), CONFIG_OK);
	ck_assert_uint_eq(cfg.nallow_from, 4);
	config_free(&cfg);

	ck_assert_int_eq(PARSE(&cfg, "--allow-from", "10.1.0.0/16",
	    "--allow-from", "192.0.2.7,2001:db8::/32"), CONFIG_OK);
	ck_assert_int_eq(match(&cfg, AF_INET, "10.1.255.3"), 1);
	ck_assert_int_eq(match(&cfg, AF_INET, "10.2.0.1"), 0);
	ck_assert_int_eq(match(&cfg, AF_INET, "192.0.2.7"), 1);
	ck_assert_int_eq(match(&cfg, AF_INET, "192.0.2.8"), 0);
	ck_assert_int_eq(match(&cfg, AF_INET6, "2001:db8:1::5"), 1);
	ck_assert_int_eq(match(&cfg, AF_INET6, "2001:db9::5"), 0);
	/* IPv4-mapped: as the IPv4 address. */
	ck_assert_int_eq(match(&cfg, AF_INET6, "::ffff:10.1.2.3"), 1);
	ck_assert_int_eq(match(&cfg, AF_INET6, "::ffff:10.3.2.3"), 0);
	config_free(&cfg);

	BAD("--allow-from", "10.0.0.1/8");	/* host bits set */
	BAD("--allow-from", "10.0.0.0/33");
	BAD("--allow-from", "::/129");
	BAD("--allow-from", "example.com");
	BAD("--allow-from", "");
	BAD("--allow-from", "1.2.3.4,,5.6.7.8");
}
END_TEST

START_TEST(test_web_server_addrs)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "--allow-from", "10.0.0.0/8"),
	    CONFIG_OK);
	setenv("FCGI_WEB_SERVER_ADDRS", " 127.0.0.1 , 192.0.2.1", 1);
	ck_assert_int_eq(config_env(&cfg), 0);
	ck_assert_uint_eq(cfg.nallow_from, 3);
	ck_assert_int_eq(match(&cfg, AF_INET, "127.0.0.1"), 1);
	ck_assert_int_eq(match(&cfg, AF_INET, "10.9.9.9"), 1);
	ck_assert_int_eq(match(&cfg, AF_INET, "127.0.0.2"), 0);
	config_free(&cfg);

	config_init(&cfg);
	setenv("FCGI_WEB_SERVER_ADDRS", "", 1);
	ck_assert_int_eq(config_env(&cfg), 0);
	ck_assert_uint_eq(cfg.nallow_from, 0);
	setenv("FCGI_WEB_SERVER_ADDRS", "127.0.0.1,bogus", 1);
	ck_assert_int_eq(config_env(&cfg), -1);
	unsetenv("FCGI_WEB_SERVER_ADDRS");
	config_free(&cfg);
}
END_TEST

START_TEST(test_handlers)
{
	struct config	 cfg;

	config_init(&cfg);
	ck_assert_uint_eq(cfg.nhandlers, 0);
	ck_assert_int_eq(cfg.buffer_body, 0);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--handler", ".pl=/usr/bin/perl",
	    "--handler", ".php= /usr/bin/php-cgi8.2  -d\tmemory_limit=256M ",
	    "--handler", ".py=/usr/bin/python3 -u", "--buffer-body", "1048576"),
	    CONFIG_OK);
	ck_assert_uint_eq(cfg.nhandlers, 3);
	ck_assert_str_eq(cfg.handlers[0].ext, ".pl");
	ck_assert_uint_eq(cfg.handlers[0].argc, 1);
	ck_assert_str_eq(cfg.handlers[0].argv[0], "/usr/bin/perl");
	ck_assert_ptr_null(cfg.handlers[0].argv[1]);
	ck_assert_int_eq(cfg.handlers[0].php, 0);
	/* Blanks split the words; none is kept at either end. */
	ck_assert_str_eq(cfg.handlers[1].ext, ".php");
	ck_assert_uint_eq(cfg.handlers[1].argc, 3);
	ck_assert_str_eq(cfg.handlers[1].argv[0], "/usr/bin/php-cgi8.2");
	ck_assert_str_eq(cfg.handlers[1].argv[1], "-d");
	ck_assert_str_eq(cfg.handlers[1].argv[2], "memory_limit=256M");
	ck_assert_ptr_null(cfg.handlers[1].argv[3]);
	ck_assert_int_eq(cfg.handlers[1].php, 1);
	ck_assert_str_eq(cfg.handlers[2].argv[1], "-u");
	ck_assert_int_eq(cfg.handlers[2].php, 0);
	ck_assert_int_eq(cfg.buffer_body, 1048576);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--handler", ".x=/opt/php-cgi"),
	    CONFIG_OK);
	ck_assert_int_eq(cfg.handlers[0].php, 1);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--handler", ".x=/opt/bin/php"),
	    CONFIG_OK);
	ck_assert_int_eq(cfg.handlers[0].php, 0);
	config_free(&cfg);
	BAD("--handler", "php=/usr/bin/php-cgi");	/* no dot */
	BAD("--handler", ".=/usr/bin/perl");		/* no extension */
	BAD("--handler", ".pl");			/* no interpreter */
	BAD("--handler", ".pl=");
	BAD("--handler", ".pl=   ");
	BAD("--handler", ".pl=perl");			/* relative */
	BAD("--handler", ".tar.gz=/bin/tar");		/* two extensions */
	BAD("--handler", "./pl=/usr/bin/perl");
	BAD("--handler", ".pl=/usr/bin/perl", "--handler", ".pl=/bin/sh");
	BAD("--handler", ".pl=/usr/bin/perl 1 2 3 4 5 6 7 8 9 10 11 12 13 14 "
	    "15 16 17");
	ck_assert_int_eq(PARSE(&cfg, "--handler", ".pl=/usr/bin/perl 1 2 3 4 "
	    "5 6 7 8 9 10 11 12 13 14 15 16"), CONFIG_OK);
	ck_assert_uint_eq(cfg.handlers[0].argc, HANDLER_ARGS_MAX + 1);
	config_free(&cfg);
	BAD("--buffer-body", "-1");
	BAD("--buffer-body", "1k");
}
END_TEST

START_TEST(test_status_options)
{
	struct config	 cfg;

	config_init(&cfg);
	ck_assert_ptr_null(cfg.status_path);
	ck_assert_ptr_null(cfg.ping_path);
	ck_assert_ptr_null(cfg.access_log);
	ck_assert_int_eq(cfg.slow_log, 0);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--status-path", "/st", "--ping-path",
	    "/ping", "--status-allow", "10.1.", "--status-allow", "any",
	    "--access-log", "syslog", "--access-log-format", "json",
	    "--slow-log", "5"), CONFIG_OK);
	ck_assert_str_eq(cfg.status_path, "/st");
	ck_assert_str_eq(cfg.ping_path, "/ping");
	ck_assert_uint_eq(cfg.nstatus_allow, 2);
	ck_assert_str_eq(cfg.status_allow[1], "any");
	ck_assert_str_eq(cfg.access_log, "syslog");
	ck_assert_int_eq(cfg.access_log_json, 1);
	ck_assert_int_eq(cfg.slow_log, 5);
	config_free(&cfg);
	BAD("--status-path", "st");
	BAD("--ping-path", "");
	BAD("--status-allow", "");
	BAD("--access-log", "");
	BAD("--access-log-format", "xml");
	BAD("--slow-log", "-1");
}
END_TEST

/* --check: its arguments, options before and after them, and misuse. */
START_TEST(test_check)
{
	struct config	 cfg;

	ck_assert_int_eq(PARSE(&cfg, "--check", "/a", "b", "--strict", "-r",
	    "/srv", "c", "--json"), CONFIG_OK);
	ck_assert_int_eq(cfg.check, 1);
	ck_assert_int_eq(cfg.check_json, 1);
	ck_assert_int_eq(cfg.check_compile, 0);
	ck_assert_int_eq(cfg.strict, 1);
	ck_assert_uint_eq(cfg.nroots, 1);
	ck_assert_uint_eq(cfg.ncheck_args, 3);
	ck_assert_str_eq(cfg.check_args[0], "/a");
	ck_assert_str_eq(cfg.check_args[1], "b");
	ck_assert_str_eq(cfg.check_args[2], "c");
	ck_assert_ptr_null(cfg.check_args[3]);
	config_free(&cfg);
	ck_assert_int_eq(PARSE(&cfg, "--compile", "--check", "-"), CONFIG_OK);
	ck_assert_int_eq(cfg.check_compile, 1);
	ck_assert_str_eq(cfg.check_args[0], "-");
	config_free(&cfg);
	BAD("--check");
	BAD("--check", "--json");
	BAD("--json", "/a");
	BAD("--compile");
	BAD("/a", "--check");
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("good");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_no_options);
	tcase_add_test(tc, test_socket_repeated);
	tcase_add_test(tc, test_short_options);
	tcase_add_test(tc, test_long_options);
	tcase_add_test(tc, test_socket_mode);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_free_resets);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad");
	tcase_add_test(tc, test_bad_numbers);
	tcase_add_test(tc, test_missing_argument);
	tcase_add_test(tc, test_allow_relative);
	tcase_add_test(tc, test_pass_env_bad);
	tcase_add_test(tc, test_stray_argument);
	tcase_add_test(tc, test_warm_options);
	tcase_add_test(tc, test_priv_options);
	tcase_add_test(tc, test_priv_bad);
	tcase_add_test(tc, test_timeouts);
	tcase_add_test(tc, test_limit_options);
	tcase_add_test(tc, test_allow_from);
	tcase_add_test(tc, test_web_server_addrs);
	tcase_add_test(tc, test_handlers);
	tcase_add_test(tc, test_status_options);
	tcase_add_test(tc, test_check);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(config_suite);
}
