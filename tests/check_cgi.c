/*
 * Check suite for the CGI helpers (src/cgi.c): the environment built from a
 * FastCGI params stream (httpoxy, bad names, repeats, --pass-env), finding
 * the script in a temporary tree with the PATH_INFO walk, -p, argv from a
 * query string (RFC 3875 4.4) and the reason phrases of warmcgi's own
 * answers.  The script's header block is tests/check_response.c's.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "warmcgi.h"
#include "check_main.h"

struct tpair {
	const char	*name;
	size_t		 nlen;		/* 0: strlen(name) */
	const char	*value;
	size_t		 vlen;		/* 0: strlen(value) */
};

static uint8_t	*params_encode(const struct tpair *, size_t, size_t *);
static int	 env_build(struct cgi_env *, const struct tpair *, size_t,
		    const struct config *);
static size_t	 env_count(const struct cgi_env *, const char *);
static void	 tree_path(char *, size_t, const char *);
static void	 tree_file(const char *, mode_t);
static void	 tree_setup(void);
static void	 tree_teardown(void);
static int	 find(struct cgi_script *, const char *, const char *,
		    const char *);
static size_t	 argv_len(char **);

static char	 tree[PATH_MAX];	/* the temporary script tree */

/* Encode pairs into a malloc'd params stream of exactly the right size. */
static uint8_t *
params_encode(const struct tpair *pv, size_t n, size_t *lenp)
{
	uint8_t	*buf, *p;
	size_t	 len = 0, i, nl, vl;

	for (i = 0; i < n; i++) {
		nl = pv[i].nlen ? pv[i].nlen : strlen(pv[i].name);
		vl = pv[i].vlen ? pv[i].vlen : strlen(pv[i].value);
		len += fcgi_pair_size((uint32_t)nl, (uint32_t)vl);
	}
	buf = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(buf);
	for (i = 0, p = buf; i < n; i++) {
		nl = pv[i].nlen ? pv[i].nlen : strlen(pv[i].name);
		vl = pv[i].vlen ? pv[i].vlen : strlen(pv[i].value);
		p += fcgi_pair_encode(p, pv[i].name, (uint32_t)nl,
		    pv[i].value, (uint32_t)vl);
	}
	ck_assert_uint_eq((size_t)(p - buf), len);
	*lenp = len;
	return buf;
}

static int
env_build(struct cgi_env *env, const struct tpair *pv, size_t n,
    const struct config *cfg)
{
	const char	*why = NULL;
	uint8_t		*buf;
	size_t		 len;
	int		 rc;

	buf = params_encode(pv, n, &len);
	rc = cgi_env_build(env, buf, len, cfg, &why);
	free(buf);
	if (rc == 0)
		ck_assert_ptr_nonnull(env->vars);
	return rc;
}

/* How many entries define name; also checks the array's shape. */
static size_t
env_count(const struct cgi_env *env, const char *name)
{
	size_t	 i, c = 0, n = strlen(name);

	ck_assert_ptr_null(env->vars[env->n]);
	for (i = 0; i < env->n; i++) {
		ck_assert_ptr_nonnull(env->vars[i]);
		ck_assert_ptr_nonnull(strchr(env->vars[i], '='));
		if (strncmp(env->vars[i], name, n) == 0 &&
		    env->vars[i][n] == '=')
			c++;
	}
	return c;
}

START_TEST(test_env_copied)
{
	static const struct tpair	 pv[] = {
		{ "SCRIPT_FILENAME", 0, "/srv/cgi-bin/x.cgi", 0 },
		{ "QUERY_STRING", 0, "", 0 },
		{ "REQUEST_METHOD", 0, "POST", 0 },
		{ "CONTENT_LENGTH", 0, "42", 0 },
		{ "HTTP_ACCEPT", 0, "*/*", 0 },
	};
	struct cgi_env			 env;

	ck_assert_int_eq(env_build(&env, pv, 5, NULL), 0);
	ck_assert_str_eq(cgi_env_get(&env, "SCRIPT_FILENAME"),
	    "/srv/cgi-bin/x.cgi");
	ck_assert_str_eq(cgi_env_get(&env, "QUERY_STRING"), "");
	ck_assert_str_eq(cgi_env_get(&env, "REQUEST_METHOD"), "POST");
	ck_assert_str_eq(cgi_env_get(&env, "CONTENT_LENGTH"), "42");
	ck_assert_str_eq(cgi_env_get(&env, "HTTP_ACCEPT"), "*/*");
	ck_assert_str_eq(cgi_env_get(&env, "GATEWAY_INTERFACE"), "CGI/1.1");
	ck_assert_str_eq(cgi_env_get(&env, "PATH"), DEFAULT_PATH);
	ck_assert_uint_eq(env_count(&env, "GATEWAY_INTERFACE"), 1);
	ck_assert_uint_eq(env_count(&env, "PATH"), 1);
	/* Five sent, two added, nothing else. */
	ck_assert_uint_eq(env.n, 7);
	cgi_env_free(&env);
	ck_assert_ptr_null(env.vars);
	ck_assert_uint_eq(env.n, 0);
}
END_TEST

START_TEST(test_env_empty_params)
{
	struct cgi_env	 env;
	const char	*why = NULL;
	uint8_t		 b[1] = { 0 };

	ck_assert_int_eq(cgi_env_build(&env, b, 0, NULL, &why), 0);
	ck_assert_uint_eq(env.n, 2);
	ck_assert_str_eq(cgi_env_get(&env, "GATEWAY_INTERFACE"), "CGI/1.1");
	ck_assert_str_eq(cgi_env_get(&env, "PATH"), DEFAULT_PATH);
	cgi_env_free(&env);
}
END_TEST

START_TEST(test_env_sent_kept)
{
	static const struct tpair	 pv[] = {
		{ "GATEWAY_INTERFACE", 0, "CGI/1.0", 0 },
		{ "PATH", 0, "/opt/bin", 0 },
		{ "PATH_INFO", 0, "/x", 0 },
	};
	struct cgi_env			 env;

	ck_assert_int_eq(env_build(&env, pv, 3, NULL), 0);
	ck_assert_str_eq(cgi_env_get(&env, "GATEWAY_INTERFACE"), "CGI/1.0");
	ck_assert_str_eq(cgi_env_get(&env, "PATH"), "/opt/bin");
	ck_assert_str_eq(cgi_env_get(&env, "PATH_INFO"), "/x");
	ck_assert_uint_eq(env_count(&env, "GATEWAY_INTERFACE"), 1);
	ck_assert_uint_eq(env_count(&env, "PATH"), 1);
	ck_assert_uint_eq(env.n, 3);
	cgi_env_free(&env);

	/* PATH_INFO alone is not PATH: the default is still added. */
	ck_assert_int_eq(env_build(&env, pv + 2, 1, NULL), 0);
	ck_assert_str_eq(cgi_env_get(&env, "PATH"), DEFAULT_PATH);
	ck_assert_str_eq(cgi_env_get(&env, "PATH_INFO"), "/x");
	ck_assert_uint_eq(env.n, 3);
	cgi_env_free(&env);
}
END_TEST

/* Caddy's CONTENT_LENGTH -1 (a body of unknown length) is no length. */
START_TEST(test_env_content_length)
{
	static const struct tpair	 bad[] = {
		{ "CONTENT_LENGTH", 0, "-1", 0 },
		{ "REQUEST_METHOD", 0, "POST", 0 },
	};
	static const struct tpair	 good[] = {
		{ "CONTENT_LENGTH", 0, "5242880", 0 },
	};
	static const struct tpair	 empty[] = {
		{ "CONTENT_LENGTH", 0, "", 0 },
	};
	struct cgi_env			 env;

	ck_assert_int_eq(env_build(&env, bad, 2, NULL), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "CONTENT_LENGTH"));
	ck_assert_str_eq(cgi_env_get(&env, "REQUEST_METHOD"), "POST");
	cgi_env_free(&env);
	ck_assert_int_eq(env_build(&env, good, 1, NULL), 0);
	ck_assert_str_eq(cgi_env_get(&env, "CONTENT_LENGTH"), "5242880");
	cgi_env_free(&env);
	/* nginx's empty one for a GET is left as it is. */
	ck_assert_int_eq(env_build(&env, empty, 1, NULL), 0);
	ck_assert_str_eq(cgi_env_get(&env, "CONTENT_LENGTH"), "");
	cgi_env_free(&env);
}
END_TEST

START_TEST(test_env_httpoxy)
{
	static const struct tpair	 pv[] = {
		{ "HTTP_HOST", 0, "example.org", 0 },
		{ "HTTP_PROXY", 0, "http://evil:8080/", 0 },
		{ "HTTP_PROXY_X", 0, "kept", 0 },
		{ "HTTP_PROXYX", 0, "kept too", 0 },
		{ "HTTP_PROX", 0, "and this", 0 },
		{ "HTTP_USER_AGENT", 0, "check", 0 },
	};
	struct cgi_env			 env;
	size_t				 i;

	ck_assert_int_eq(env_build(&env, pv, 6, NULL), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "HTTP_PROXY"));
	ck_assert_uint_eq(env_count(&env, "HTTP_PROXY"), 0);
	for (i = 0; i < env.n; i++)
		ck_assert_ptr_null(strstr(env.vars[i], "evil"));
	ck_assert_str_eq(cgi_env_get(&env, "HTTP_PROXY_X"), "kept");
	ck_assert_str_eq(cgi_env_get(&env, "HTTP_PROXYX"), "kept too");
	ck_assert_str_eq(cgi_env_get(&env, "HTTP_PROX"), "and this");
	ck_assert_str_eq(cgi_env_get(&env, "HTTP_HOST"), "example.org");
	ck_assert_str_eq(cgi_env_get(&env, "HTTP_USER_AGENT"), "check");
	ck_assert_uint_eq(env.n, 5 + 2);
	cgi_env_free(&env);

	/* Dropped even when it is the only one and repeated. */
	ck_assert_int_eq(env_build(&env, pv + 1, 1, NULL), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "HTTP_PROXY"));
	ck_assert_uint_eq(env.n, 2);
	cgi_env_free(&env);
}
END_TEST

START_TEST(test_env_bad_names)
{
	static const struct tpair	 pv[] = {
		{ "A=B", 0, "eq", 0 },
		{ "=", 0, "eq2", 0 },
		{ "NU\0L", 4, "nul", 0 },
		{ "\0", 1, "nul2", 0 },
		{ "", 0, "empty", 0 },
		{ "GOOD", 0, "yes", 0 },
		{ "EMPTY_VALUE", 0, "", 0 },
	};
	struct cgi_env			 env;
	size_t				 i;

	ck_assert_int_eq(env_build(&env, pv, 7, NULL), 0);
	ck_assert_str_eq(cgi_env_get(&env, "GOOD"), "yes");
	ck_assert_str_eq(cgi_env_get(&env, "EMPTY_VALUE"), "");
	ck_assert_ptr_null(cgi_env_get(&env, "A"));
	ck_assert_ptr_null(cgi_env_get(&env, "NU"));
	ck_assert_ptr_null(cgi_env_get(&env, ""));
	for (i = 0; i < env.n; i++) {
		ck_assert_int_ne(env.vars[i][0], '=');
		ck_assert_ptr_null(strstr(env.vars[i], "eq"));
		ck_assert_ptr_null(strstr(env.vars[i], "nul"));
		ck_assert_ptr_null(strstr(env.vars[i], "empty"));
	}
	ck_assert_uint_eq(env.n, 2 + 2);
	cgi_env_free(&env);
}
END_TEST

START_TEST(test_env_repeat_last)
{
	static const struct tpair	 pv[] = {
		{ "X", 0, "1", 0 },
		{ "XX", 0, "two x", 0 },
		{ "Y", 0, "a", 0 },
		{ "X", 0, "2", 0 },
		{ "GATEWAY_INTERFACE", 0, "first", 0 },
		{ "X", 0, "3", 0 },
		{ "GATEWAY_INTERFACE", 0, "second", 0 },
		{ "Y", 0, "b", 0 },
	};
	struct cgi_env			 env;

	ck_assert_int_eq(env_build(&env, pv, 8, NULL), 0);
	ck_assert_str_eq(cgi_env_get(&env, "X"), "3");
	ck_assert_str_eq(cgi_env_get(&env, "XX"), "two x");
	ck_assert_str_eq(cgi_env_get(&env, "Y"), "b");
	ck_assert_str_eq(cgi_env_get(&env, "GATEWAY_INTERFACE"), "second");
	ck_assert_uint_eq(env_count(&env, "X"), 1);
	ck_assert_uint_eq(env_count(&env, "Y"), 1);
	ck_assert_uint_eq(env_count(&env, "GATEWAY_INTERFACE"), 1);
	ck_assert_uint_eq(env.n, 5);	/* X XX Y GATEWAY_INTERFACE PATH */
	cgi_env_free(&env);
}
END_TEST

START_TEST(test_env_truncated)
{
	static const struct tpair	 pv[] = {
		{ "A", 0, "1", 0 },
		{ "LONG_NAME", 0, "a value of some length", 0 },
	};
	static const uint8_t		 huge[] = { 1, 0xff, 0xff, 0xff,
					    0xff, 'N', 'v' };
	struct cgi_env			 env;
	const char			*why;
	uint8_t				*buf, *cut;
	size_t				 len, n;

	buf = params_encode(pv, 2, &len);
	/* Any cut inside the second pair is an error, with a reason. */
	ck_assert_uint_eq(len, 4 + 33);
	for (n = 5; n < len; n++) {
		cut = malloc(n);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, buf, n);
		why = NULL;
		ck_assert_int_eq(cgi_env_build(&env, cut, n, NULL, &why), -1);
		ck_assert_ptr_nonnull(why);
		ck_assert_uint_eq(env.n, 0);
		ck_assert_ptr_null(env.vars);
		free(cut);
	}
	why = NULL;
	ck_assert_int_eq(cgi_env_build(&env, buf, len, NULL, &why), 0);
	cgi_env_free(&env);
	free(buf);

	why = NULL;
	ck_assert_int_eq(cgi_env_build(&env, huge, sizeof(huge), NULL, &why),
	    -1);
	ck_assert_ptr_nonnull(why);
}
END_TEST

/* What a peer may not put in a script's environment. */
START_TEST(test_env_denied)
{
	static const struct tpair	 pv[] = {
		{ "LD_PRELOAD", 0, "/tmp/evil.so", 0 },
		{ "LD_LIBRARY_PATH", 0, "/tmp", 0 },
		{ "GLIBC_TUNABLES", 0, "glibc.x=1", 0 },
		{ "BASH_ENV", 0, "/tmp/evil.sh", 0 },
		{ "BASH_FUNC_x%%", 0, "() { id; }", 0 },
		{ "MALLOC_CHECK_", 0, "3", 0 },
		{ "GCONV_PATH", 0, "/tmp", 0 },
		{ "PERL5OPT", 0, "-Mevil", 0 },
		{ "PYTHONPATH", 0, "/tmp", 0 },
		{ "IFS", 0, "x", 0 },
		{ "ENV", 0, "/tmp/evil.sh", 0 },
		{ "LD", 0, "kept: not LD_", 0 },
		{ "HTTP_LD_PRELOAD", 0, "kept: a header", 0 },
		{ "REQUEST_METHOD", 0, "GET", 0 },
	};
	static const char		*always[] = { "LD_PRELOAD",
					    "LD_LIBRARY_PATH", "GLIBC_TUNABLES",
					    "BASH_ENV", "BASH_FUNC_x%%",
					    "MALLOC_CHECK_", "GCONV_PATH" };
	static const char		*strict[] = { "PERL5OPT",
					    "PYTHONPATH", "IFS", "ENV" };
	struct config			 cfg;
	struct cgi_env			 env;
	size_t				 i;

	config_init(&cfg);
	ck_assert_int_eq(env_build(&env, pv, 14, &cfg), 0);
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		ck_assert_msg(cgi_env_get(&env, always[i]) == NULL, "%s set",
		    always[i]);
	for (i = 0; i < sizeof(strict) / sizeof(strict[0]); i++)
		ck_assert_msg(cgi_env_get(&env, strict[i]) != NULL,
		    "%s dropped without --strict", strict[i]);
	ck_assert_str_eq(cgi_env_get(&env, "LD"), "kept: not LD_");
	ck_assert_str_eq(cgi_env_get(&env, "HTTP_LD_PRELOAD"),
	    "kept: a header");
	ck_assert_uint_eq(env.ndropped, 7);
	ck_assert_str_eq(env.dropped, "LD_PRELOAD");
	cgi_env_free(&env);

	cfg.strict = 1;
	ck_assert_int_eq(env_build(&env, pv, 14, &cfg), 0);
	for (i = 0; i < sizeof(strict) / sizeof(strict[0]); i++)
		ck_assert_msg(cgi_env_get(&env, strict[i]) == NULL,
		    "%s set with --strict", strict[i]);
	ck_assert_ptr_null(cgi_env_get(&env, "LD_PRELOAD"));
	ck_assert_ptr_nonnull(cgi_env_get(&env, "REQUEST_METHOD"));
	ck_assert_ptr_nonnull(cgi_env_get(&env, "LD"));
	ck_assert_uint_eq(env.ndropped, 11);
	cgi_env_free(&env);

	/* Without a configuration (the unit tests): the always list. */
	ck_assert_int_eq(env_build(&env, pv, 14, NULL), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "LD_PRELOAD"));
	ck_assert_ptr_nonnull(cgi_env_get(&env, "PERL5OPT"));
	cgi_env_free(&env);

	ck_assert_int_eq(cgi_env_name_allowed("LD_AUDIT", 0), 0);
	ck_assert_int_eq(cgi_env_name_allowed("PYTHONSTARTUP", 0), 1);
	ck_assert_int_eq(cgi_env_name_allowed("PYTHONSTARTUP", 1), 0);
	ck_assert_int_eq(cgi_env_name_allowed("QUERY_STRING", 1), 1);
	config_free(&cfg);
}
END_TEST

/* --pass-env is the operator's: it still passes a denied name. */
START_TEST(test_env_denied_pass_env)
{
	static const struct tpair	 pv[] = {
		{ "LD_LIBRARY_PATH", 0, "/tmp/peer", 0 },
	};
	char				*names[] = { "LD_LIBRARY_PATH", NULL };
	struct config			 cfg;
	struct cgi_env			 env;

	ck_assert_int_eq(setenv("LD_LIBRARY_PATH", "/opt/own/lib", 1), 0);
	config_init(&cfg);
	cfg.pass_env = names;
	cfg.npass_env = 1;
	ck_assert_int_eq(env_build(&env, pv, 1, &cfg), 0);
	ck_assert_str_eq(cgi_env_get(&env, "LD_LIBRARY_PATH"),
	    "/opt/own/lib");
	cgi_env_free(&env);
	unsetenv("LD_LIBRARY_PATH");
}
END_TEST

START_TEST(test_env_pass_env)
{
	static const struct tpair	 pv[] = {
		{ "REQUEST_METHOD", 0, "GET", 0 },
		{ "WARMCGI_T_SENT", 0, "from the server", 0 },
	};
	char				*names[] = { "WARMCGI_T_A",
					    "WARMCGI_T_UNSET", "WARMCGI_T_SENT",
					    NULL };
	struct config			 cfg;
	struct cgi_env			 env;
	size_t				 i;

	ck_assert_int_eq(setenv("WARMCGI_T_A", "a value", 1), 0);
	ck_assert_int_eq(setenv("WARMCGI_T_B", "not listed", 1), 0);
	ck_assert_int_eq(setenv("WARMCGI_T_SENT", "own", 1), 0);
	ck_assert_int_eq(unsetenv("WARMCGI_T_UNSET"), 0);
	ck_assert_int_eq(setenv("HOME", "/nonexistent-home", 1), 0);

	/* Without --pass-env nothing of our environment gets through. */
	config_init(&cfg);
	ck_assert_int_eq(env_build(&env, pv, 2, &cfg), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "WARMCGI_T_A"));
	ck_assert_ptr_null(cgi_env_get(&env, "WARMCGI_T_B"));
	ck_assert_ptr_null(cgi_env_get(&env, "HOME"));
	ck_assert_str_eq(cgi_env_get(&env, "WARMCGI_T_SENT"),
	    "from the server");
	ck_assert_uint_eq(env.n, 4);
	cgi_env_free(&env);

	ck_assert_int_eq(env_build(&env, pv, 2, NULL), 0);
	ck_assert_ptr_null(cgi_env_get(&env, "WARMCGI_T_A"));
	ck_assert_ptr_null(cgi_env_get(&env, "HOME"));
	ck_assert_uint_eq(env.n, 4);
	cgi_env_free(&env);

	/* With it, only the listed ones that are set. */
	cfg.pass_env = names;
	cfg.npass_env = 3;
	ck_assert_int_eq(env_build(&env, pv, 2, &cfg), 0);
	ck_assert_str_eq(cgi_env_get(&env, "WARMCGI_T_A"), "a value");
	ck_assert_ptr_null(cgi_env_get(&env, "WARMCGI_T_B"));
	ck_assert_ptr_null(cgi_env_get(&env, "WARMCGI_T_UNSET"));
	ck_assert_ptr_null(cgi_env_get(&env, "HOME"));
	ck_assert_uint_eq(env_count(&env, "WARMCGI_T_SENT"), 1);
	for (i = 0; i < env.n; i++)
		ck_assert_ptr_null(strstr(env.vars[i], "not listed"));
	ck_assert_uint_eq(env.n, 5);
	cgi_env_free(&env);

	unsetenv("WARMCGI_T_A");
	unsetenv("WARMCGI_T_B");
	unsetenv("WARMCGI_T_SENT");
}
END_TEST

START_TEST(test_env_get_set)
{
	struct cgi_env	 env;

	memset(&env, 0, sizeof(env));
	ck_assert_ptr_null(cgi_env_get(&env, "PATH"));
	ck_assert_int_eq(cgi_env_set(&env, "PATH_INFO", "/info"), 0);
	ck_assert_uint_eq(env.n, 1);
	ck_assert_ptr_null(env.vars[1]);
	/* A prefix of a name is not that name. */
	ck_assert_ptr_null(cgi_env_get(&env, "PATH"));
	ck_assert_ptr_null(cgi_env_get(&env, "PATH_INF"));
	ck_assert_ptr_null(cgi_env_get(&env, "PATH_INFO_X"));
	ck_assert_str_eq(cgi_env_get(&env, "PATH_INFO"), "/info");

	ck_assert_int_eq(cgi_env_set(&env, "PATH", "/bin"), 0);
	ck_assert_uint_eq(env.n, 2);
	ck_assert_str_eq(cgi_env_get(&env, "PATH"), "/bin");
	ck_assert_str_eq(cgi_env_get(&env, "PATH_INFO"), "/info");

	/* Replacing keeps one entry. */
	ck_assert_int_eq(cgi_env_set(&env, "PATH", "/usr/bin:/bin"), 0);
	ck_assert_uint_eq(env.n, 2);
	ck_assert_str_eq(cgi_env_get(&env, "PATH"), "/usr/bin:/bin");
	ck_assert_int_eq(cgi_env_set(&env, "EMPTY", ""), 0);
	ck_assert_str_eq(cgi_env_get(&env, "EMPTY"), "");
	ck_assert_uint_eq(env.n, 3);
	ck_assert_ptr_null(env.vars[3]);
	ck_assert_uint_eq(env_count(&env, "PATH"), 1);
	cgi_env_free(&env);
}
END_TEST

/*
 * Many params (past the sort's inline room), repeated names, and then
 * variables replaced and added past the array's first room: the strings
 * carved from the params' block and those set later are told apart when
 * freed (ASan), the order stays sorted and the last value wins.
 */
START_TEST(test_env_many)
{
	struct tpair	 pv[100];
	char		 names[100][16], vals[100][16], nm[16];
	struct cgi_env	 env;
	size_t		 i;

	for (i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "V%02zu", (i * 37) % 90);
		snprintf(vals[i], sizeof(vals[i]), "v%zu", i);
		pv[i].name = names[i];
		pv[i].nlen = 0;
		pv[i].value = vals[i];
		pv[i].vlen = 0;
	}
	ck_assert_int_eq(env_build(&env, pv, 100, NULL), 0);
	/* 90 names, GATEWAY_INTERFACE and PATH. */
	ck_assert_uint_eq(env.n, 92);
	for (i = 1; i < 90; i++)
		ck_assert_int_lt(strcmp(env.vars[i - 1], env.vars[i]), 0);
	/* (i * 37) % 90 repeats for i and i + 90: the later one wins. */
	ck_assert_str_eq(cgi_env_get(&env, "V00"), "v90");
	ck_assert_str_eq(cgi_env_get(&env, "V37"), "v91");
	ck_assert_str_eq(cgi_env_get(&env, "V01"), "v73");
	ck_assert_int_eq(cgi_env_set(&env, "V00", "new"), 0);
	ck_assert_int_eq(cgi_env_set(&env, "V00", "newer"), 0);
	for (i = 0; i < 50; i++) {
		snprintf(nm, sizeof(nm), "X%02zu", i);
		ck_assert_int_eq(cgi_env_set(&env, nm, nm), 0);
	}
	ck_assert_uint_eq(env.n, 142);
	ck_assert_str_eq(cgi_env_get(&env, "V00"), "newer");
	ck_assert_str_eq(cgi_env_get(&env, "X49"), "X49");
	ck_assert_str_eq(cgi_env_get(&env, "V89"), "v17");
	ck_assert_uint_eq(env_count(&env, "V00"), 1);
	cgi_env_free(&env);
	ck_assert_ptr_null(env.vars);
}
END_TEST

/* The script tree: a fixture that runs once for the "script" case. */
static void
tree_path(char *buf, size_t size, const char *rel)
{
	int	 n;

	n = snprintf(buf, size, "%s%s", tree, rel);
	ck_assert(n > 0 && (size_t)n < size);
}

static void
tree_file(const char *rel, mode_t mode)
{
	char	 p[PATH_MAX];
	int	 fd;

	tree_path(p, sizeof(p), rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "#!/bin/sh\necho\n", 15), 15);
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void
tree_setup(void)
{
	char	 p[PATH_MAX];

	strlcpy(tree, "/tmp/check_cgi.XXXXXX", sizeof(tree));
	ck_assert_ptr_nonnull(mkdtemp(tree));
	tree_path(p, sizeof(p), "/cgi-bin");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	tree_path(p, sizeof(p), "/cgi-bin/sub");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	tree_file("/cgi-bin/hello.cgi", 0755);
	tree_file("/cgi-bin/owner.cgi", 0700);
	tree_file("/cgi-bin/data.txt", 0644);
	tree_file("/top.cgi", 0755);
}

static void
tree_teardown(void)
{
	static const char	*files[] = { "/cgi-bin/hello.cgi",
				    "/cgi-bin/owner.cgi", "/cgi-bin/data.txt",
				    "/top.cgi" };
	char			 p[PATH_MAX];
	size_t			 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		tree_path(p, sizeof(p), files[i]);
		unlink(p);
	}
	tree_path(p, sizeof(p), "/cgi-bin/sub");
	rmdir(p);
	tree_path(p, sizeof(p), "/cgi-bin");
	rmdir(p);
	rmdir(tree);
}

/* cgi_script_find with these variables set (NULL: not sent). */
static int
find_env(struct cgi_script *sc, const char *filename, const char *root,
    const char *name, const char *pi, const char *query)
{
	struct cgi_env	 env;
	const char	*why = NULL;
	int		 rc;

	memset(&env, 0, sizeof(env));
	ck_assert_int_eq(cgi_env_set(&env, "GATEWAY_INTERFACE", "CGI/1.1"), 0);
	if (filename != NULL)
		ck_assert_int_eq(cgi_env_set(&env, "SCRIPT_FILENAME", filename),
		    0);
	if (root != NULL)
		ck_assert_int_eq(cgi_env_set(&env, "DOCUMENT_ROOT", root), 0);
	if (name != NULL)
		ck_assert_int_eq(cgi_env_set(&env, "SCRIPT_NAME", name), 0);
	if (pi != NULL)
		ck_assert_int_eq(cgi_env_set(&env, "PATH_INFO", pi), 0);
	if (query != NULL)
		ck_assert_int_eq(cgi_env_set(&env, "QUERY_STRING", query), 0);
	rc = cgi_script_find(NULL, &env, sc, &why);
	if (rc != 0)
		ck_assert_ptr_nonnull(why);
	cgi_env_free(&env);
	return rc;
}

static int
find(struct cgi_script *sc, const char *filename, const char *root,
    const char *name)
{
	return find_env(sc, filename, root, name, NULL, NULL);
}

START_TEST(test_find_script_filename)
{
	struct cgi_script	 sc;
	char			 p[PATH_MAX], dir[PATH_MAX];

	tree_path(p, sizeof(p), "/cgi-bin/hello.cgi");
	tree_path(dir, sizeof(dir), "/cgi-bin");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 0);
	ck_assert_str_eq(sc.path, p);
	ck_assert_str_eq(sc.dir, dir);
	ck_assert_str_eq(sc.path_info, "");
	ck_assert_int_eq(sc.split, 0);

	/* SCRIPT_FILENAME wins over DOCUMENT_ROOT + SCRIPT_NAME. */
	ck_assert_int_eq(find(&sc, p, "/nonexistent", "/x.cgi"), 0);
	ck_assert_str_eq(sc.path, p);

	tree_path(p, sizeof(p), "/cgi-bin/owner.cgi");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 0);
	ck_assert_str_eq(sc.path, p);

	tree_path(p, sizeof(p), "/top.cgi");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 0);
	ck_assert_str_eq(sc.dir, tree);
}
END_TEST

START_TEST(test_find_docroot)
{
	struct cgi_script	 sc;
	char			 p[PATH_MAX], dir[PATH_MAX];

	tree_path(p, sizeof(p), "/cgi-bin/hello.cgi");
	tree_path(dir, sizeof(dir), "/cgi-bin");
	ck_assert_int_eq(find(&sc, NULL, tree, "/cgi-bin/hello.cgi"), 0);
	ck_assert_str_eq(sc.path, p);
	ck_assert_str_eq(sc.dir, dir);
	ck_assert_int_eq(sc.split, 0);

	/* An empty SCRIPT_FILENAME counts as not sent. */
	ck_assert_int_eq(find(&sc, "", tree, "/cgi-bin/hello.cgi"), 0);
	ck_assert_str_eq(sc.path, p);

	/* A SCRIPT_NAME without its leading slash still joins. */
	ck_assert_int_eq(find(&sc, NULL, tree, "cgi-bin/hello.cgi"), 0);
	ck_assert_str_eq(sc.path, p);

	/* Only one of the two: nothing to run. */
	ck_assert_int_eq(find(&sc, NULL, tree, NULL), 404);
	ck_assert_int_eq(find(&sc, NULL, NULL, "/cgi-bin/hello.cgi"), 404);
	ck_assert_int_eq(find(&sc, NULL, NULL, NULL), 404);
}
END_TEST

START_TEST(test_find_missing)
{
	struct cgi_script	 sc;
	char			 p[PATH_MAX];

	tree_path(p, sizeof(p), "/cgi-bin/nope.cgi");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 404);
	tree_path(p, sizeof(p), "/nodir/x.cgi");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 404);
	/* The walk stops at a directory: that is not a script. */
	tree_path(p, sizeof(p), "/cgi-bin/sub/missing/more");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 404);
	ck_assert_int_eq(find(&sc, NULL, tree, "/cgi-bin/nope.cgi"), 404);
	ck_assert_int_eq(find(&sc, "/nonexistent-warmcgi-dir/x.cgi", NULL,
	    NULL), 404);
}
END_TEST

START_TEST(test_find_directory)
{
	struct cgi_script	 sc;
	char			 p[PATH_MAX];

	tree_path(p, sizeof(p), "/cgi-bin");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 403);
	tree_path(p, sizeof(p), "/cgi-bin/sub");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 403);
	ck_assert_int_eq(find(&sc, NULL, tree, "/cgi-bin"), 403);
	ck_assert_int_eq(find(&sc, "/", NULL, NULL), 403);
}
END_TEST

START_TEST(test_find_not_executable)
{
	struct cgi_script	 sc;
	char			 p[PATH_MAX];

	tree_path(p, sizeof(p), "/cgi-bin/data.txt");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 403);
	ck_assert_int_eq(find(&sc, NULL, tree, "/cgi-bin/data.txt"), 403);
	tree_path(p, sizeof(p), "/cgi-bin/data.txt/extra");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 403);
}
END_TEST

/* A --handler's script need not be executable, only readable. */
START_TEST(test_find_handler)
{
	struct config		 cfg;
	struct cgi_env		 env;
	struct cgi_script	 sc;
	char			*pl[] = { "/usr/bin/perl", NULL };
	struct handler		 h = { ".txt", pl, 1, 0 };
	const char		*why = NULL;
	char			 p[PATH_MAX];

	config_init(&cfg);
	cfg.handlers = &h;
	cfg.nhandlers = 1;
	memset(&env, 0, sizeof(env));
	tree_path(p, sizeof(p), "/cgi-bin/data.txt/extra");
	ck_assert_int_eq(cgi_env_set(&env, "SCRIPT_FILENAME", p), 0);
	ck_assert_int_eq(cgi_script_find(&cfg, &env, &sc, &why), 0);
	ck_assert_ptr_eq(sc.handler, &h);
	ck_assert_str_eq(sc.path_info, "/extra");
	/* Executable or not, a handler's extension runs through it. */
	tree_path(p, sizeof(p), "/cgi-bin/hello.cgi");
	ck_assert_int_eq(cgi_env_set(&env, "SCRIPT_FILENAME", p), 0);
	ck_assert_int_eq(cgi_script_find(&cfg, &env, &sc, &why), 0);
	ck_assert_ptr_null(sc.handler);
	h.ext = ".cgi";
	ck_assert_int_eq(cgi_script_find(&cfg, &env, &sc, &why), 0);
	ck_assert_ptr_eq(sc.handler, &h);
	/* Not readable: 403 (root reads anything). */
	if (geteuid() != 0) {
		tree_path(p, sizeof(p), "/cgi-bin/hello.cgi");
		ck_assert_int_eq(chmod(p, 0311), 0);
		ck_assert_int_eq(cgi_script_find(&cfg, &env, &sc, &why), 403);
		ck_assert_int_eq(chmod(p, 0755), 0);
	}
	cgi_env_free(&env);
}
END_TEST

START_TEST(test_handler_find)
{
	struct config	 cfg;
	char		*pl[] = { "/usr/bin/perl", NULL };
	char		*php[] = { "/usr/bin/php-cgi", NULL };
	struct handler	 h[2] = { { ".pl", pl, 1, 0 }, { ".php", php, 1, 1 } };

	config_init(&cfg);
	ck_assert_ptr_null(cgi_handler_find(&cfg, "/x/a.pl"));
	ck_assert_ptr_null(cgi_handler_find(NULL, "/x/a.pl"));
	cfg.handlers = h;
	cfg.nhandlers = 2;
	ck_assert_ptr_eq(cgi_handler_find(&cfg, "/x/a.pl"), &h[0]);
	ck_assert_ptr_eq(cgi_handler_find(&cfg, "/x/a.b.php"), &h[1]);
	ck_assert_ptr_eq(cgi_handler_find(&cfg, "a.php"), &h[1]);
	ck_assert_ptr_null(cgi_handler_find(&cfg, "/x/.pl"));
	ck_assert_ptr_null(cgi_handler_find(&cfg, "/x/a.PL"));
	ck_assert_ptr_null(cgi_handler_find(&cfg, "/x/a.pl/"));
	ck_assert_ptr_null(cgi_handler_find(&cfg, "/x.pl/a"));
	ck_assert_ptr_null(cgi_handler_find(&cfg, "/x/a.phps"));
	ck_assert_ptr_null(cgi_handler_find(&cfg, "/x/apl"));
}
END_TEST

/* The interpreter, its words, the script: never a query's words. */
START_TEST(test_handler_argv)
{
	char		*php[] = { "/usr/bin/php-cgi", "-d", "x=1", NULL };
	struct handler	 h = { ".php", php, 3, 1 };
	char		**av;

	av = cgi_handler_argv(&h, "/srv/a.php");
	ck_assert_ptr_nonnull(av);
	ck_assert_str_eq(av[0], "/usr/bin/php-cgi");
	ck_assert_str_eq(av[1], "-d");
	ck_assert_str_eq(av[2], "x=1");
	ck_assert_str_eq(av[3], "/srv/a.php");
	ck_assert_ptr_null(av[4]);
	cgi_argv_free(av);
	h.argc = 1;
	av = cgi_handler_argv(&h, "/srv/a.php");
	ck_assert_str_eq(av[0], "/usr/bin/php-cgi");
	ck_assert_str_eq(av[1], "/srv/a.php");
	ck_assert_ptr_null(av[2]);
	cgi_argv_free(av);
}
END_TEST

/* php-cgi gets REDIRECT_STATUS and SCRIPT_FILENAME; others nothing. */
START_TEST(test_handler_env)
{
	char			*php[] = { "/usr/bin/php-cgi", NULL };
	char			*pl[] = { "/usr/bin/perl", NULL };
	struct handler		 hphp = { ".php", php, 1, 1 };
	struct handler		 hpl = { ".pl", pl, 1, 0 };
	struct cgi_env		 env;
	struct cgi_script	 sc;

	memset(&env, 0, sizeof(env));
	memset(&sc, 0, sizeof(sc));
	strlcpy(sc.path, "/srv/a.php", sizeof(sc.path));
	ck_assert_int_eq(cgi_env_set(&env, "SCRIPT_NAME", "/a.php"), 0);
	ck_assert_int_eq(cgi_handler_env(&env, &sc), 0);
	ck_assert_uint_eq(env.n, 1);
	sc.handler = &hpl;
	ck_assert_int_eq(cgi_handler_env(&env, &sc), 0);
	ck_assert_uint_eq(env.n, 1);
	sc.handler = &hphp;
	ck_assert_int_eq(cgi_handler_env(&env, &sc), 0);
	ck_assert_str_eq(cgi_env_get(&env, "SCRIPT_FILENAME"), "/srv/a.php");
	ck_assert_str_eq(cgi_env_get(&env, "REDIRECT_STATUS"), "200");
	ck_assert_uint_eq(env.n, 3);
	/* A server's own REDIRECT_STATUS stays; the path is the script's. */
	ck_assert_int_eq(cgi_env_set(&env, "REDIRECT_STATUS", "404"), 0);
	ck_assert_int_eq(cgi_env_set(&env, "SCRIPT_FILENAME", "/srv/a.php/x"),
	    0);
	ck_assert_int_eq(cgi_handler_env(&env, &sc), 0);
	ck_assert_str_eq(cgi_env_get(&env, "REDIRECT_STATUS"), "404");
	ck_assert_str_eq(cgi_env_get(&env, "SCRIPT_FILENAME"), "/srv/a.php");
	cgi_env_free(&env);
}
END_TEST

START_TEST(test_find_relative)
{
	struct cgi_script	 sc;

	ck_assert_int_eq(find(&sc, "cgi-bin/hello.cgi", NULL, NULL), 403);
	ck_assert_int_eq(find(&sc, "./hello.cgi", NULL, NULL), 403);
	ck_assert_int_eq(find(&sc, NULL, "relative/root", "/x.cgi"), 403);
}
END_TEST

START_TEST(test_find_path_info)
{
	struct cgi_script	 sc;
	char			 p[PATH_MAX], script[PATH_MAX];
	char			 dir[PATH_MAX];

	tree_path(script, sizeof(script), "/cgi-bin/hello.cgi");
	tree_path(dir, sizeof(dir), "/cgi-bin");

	tree_path(p, sizeof(p), "/cgi-bin/hello.cgi/extra/path");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 0);
	ck_assert_str_eq(sc.path, script);
	ck_assert_str_eq(sc.dir, dir);
	ck_assert_str_eq(sc.path_info, "/extra/path");
	ck_assert_int_eq(sc.split, 1);

	ck_assert_int_eq(find(&sc, NULL, tree, "/cgi-bin/hello.cgi/a/b.html"),
	    0);
	ck_assert_str_eq(sc.path, script);
	ck_assert_str_eq(sc.path_info, "/a/b.html");
	ck_assert_int_eq(sc.split, 1);

	tree_path(p, sizeof(p), "/cgi-bin/hello.cgi/");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 0);
	ck_assert_str_eq(sc.path, script);
	ck_assert_str_eq(sc.path_info, "/");
	ck_assert_int_eq(sc.split, 1);

	tree_path(p, sizeof(p), "/top.cgi/x");
	ck_assert_int_eq(find(&sc, p, NULL, NULL), 0);
	ck_assert_str_eq(sc.dir, tree);
	ck_assert_str_eq(sc.path_info, "/x");
}
END_TEST

/* cgi_script_find with PATH_INFO and QUERY_STRING too. */
static int
find_pi(struct cgi_script *sc, const char *filename, const char *name,
    const char *pi, const char *query)
{
	return find_env(sc, filename, NULL, name, pi, query);
}

/* Apache mod_proxy_fcgi's "proxy:fcgi://HOST/path" SCRIPT_FILENAME. */
START_TEST(test_find_proxy_fcgi)
{
	struct cgi_script	 sc;
	char			 p[PATH_MAX + 64], script[PATH_MAX];

	tree_path(script, sizeof(script), "/cgi-bin/hello.cgi");
	snprintf(p, sizeof(p), "proxy:fcgi://localhost%s", script);
	ck_assert_int_eq(find_pi(&sc, p, NULL, NULL, NULL), 0);
	ck_assert_str_eq(sc.path, script);
	ck_assert_int_eq(sc.rewritten, 1);
	ck_assert_int_eq(sc.split, 0);

	/* With a port, path info and the query string after it. */
	snprintf(p, sizeof(p), "PROXY:FCGI://127.0.0.1:9000%s/a/b?x=1&y",
	    script);
	ck_assert_int_eq(find_pi(&sc, p, NULL, NULL, "x=1&y"), 0);
	ck_assert_str_eq(sc.path, script);
	ck_assert_str_eq(sc.path_info, "/a/b");
	/* A '?' that is not the query string is part of the path. */
	ck_assert_int_eq(find_pi(&sc, p, NULL, NULL, "other"), 0);
	ck_assert_str_eq(sc.path_info, "/a/b?x=1&y");

	/* No path after the host, another scheme: not absolute. */
	ck_assert_int_eq(find_pi(&sc, "proxy:fcgi://localhost", NULL, NULL,
	    NULL), 403);
	snprintf(p, sizeof(p), "proxy:balancer://x%s", script);
	ck_assert_int_eq(find_pi(&sc, p, NULL, NULL, NULL), 403);
	tree_path(p, sizeof(p), "/cgi-bin/hello.cgi");
	ck_assert_int_eq(find_pi(&sc, p, NULL, NULL, NULL), 0);
	ck_assert_int_eq(sc.rewritten, 0);
}
END_TEST

/* Caddy without split_path: SCRIPT_FILENAME is its root, all is PATH_INFO. */
START_TEST(test_find_dir_path_info)
{
	struct cgi_script	 sc;
	char			 script[PATH_MAX], root[PATH_MAX];

	tree_path(script, sizeof(script), "/cgi-bin/hello.cgi");
	tree_path(root, sizeof(root), "");
	ck_assert_int_eq(find_pi(&sc, root, "", "/cgi-bin/hello.cgi/x/y",
	    NULL), 0);
	ck_assert_str_eq(sc.path, script);
	ck_assert_str_eq(sc.path_info, "/x/y");
	ck_assert_uint_eq(sc.pi_used, strlen("/cgi-bin/hello.cgi/x/y"));

	/* A trailing slash on the root, no path info left. */
	tree_path(root, sizeof(root), "/");
	ck_assert_int_eq(find_pi(&sc, root, NULL, "/cgi-bin/hello.cgi",
	    NULL), 0);
	ck_assert_str_eq(sc.path, script);
	ck_assert_str_eq(sc.path_info, "");
	ck_assert_int_eq(sc.split, 0);

	/* Nothing there, a directory, no PATH_INFO, a ".." in it. */
	ck_assert_int_eq(find_pi(&sc, root, NULL, "/cgi-bin/nope.cgi/x",
	    NULL), 404);
	ck_assert_int_eq(find_pi(&sc, root, NULL, "/cgi-bin/sub", NULL), 403);
	ck_assert_int_eq(find_pi(&sc, root, NULL, NULL, NULL), 403);
	ck_assert_int_eq(find_pi(&sc, root, NULL, "/cgi-bin/../cgi-bin/"
	    "hello.cgi", NULL), 403);
	ck_assert_int_eq(find_pi(&sc, root, NULL, "/cgi-bin/./hello.cgi",
	    NULL), 403);
	/* A server that sent a SCRIPT_NAME named a directory. */
	ck_assert_int_eq(find_pi(&sc, root, "/cgi-bin", "/hello.cgi", NULL),
	    403);
	/* A file's PATH_INFO is never joined to it. */
	ck_assert_int_eq(find_pi(&sc, script, NULL, "/x", NULL), 0);
	ck_assert_uint_eq(sc.pi_used, 0);
}
END_TEST

START_TEST(test_script_allowed)
{
	struct config	 cfg;
	char		*allow[] = { "/srv/cgi-bin/a.cgi",
			    "/srv/cgi-bin/b.cgi", NULL };

	config_init(&cfg);
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/srv/cgi-bin/a.cgi"), 1);
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/anything"), 1);

	cfg.allowed = allow;
	cfg.nallowed = 2;
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/srv/cgi-bin/a.cgi"), 1);
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/srv/cgi-bin/b.cgi"), 1);
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/srv/cgi-bin/c.cgi"), 0);
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/srv/cgi-bin/a.cgix"), 0);
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/srv/cgi-bin/a.cg"), 0);
	ck_assert_int_eq(cgi_script_allowed(&cfg, "/srv/cgi-bin"), 0);
	ck_assert_int_eq(cgi_script_allowed(&cfg, ""), 0);
}
END_TEST

/*
 * -r and --strict (cgi_script_confine): a second tree, made per test,
 * with a root, a directory outside it and scripts of every kind.
 */
static char	 ctree[PATH_MAX];

static void
ctree_file(const char *rel, mode_t mode)
{
	char	 p[PATH_MAX];
	int	 fd;

	ck_assert_int_lt(snprintf(p, sizeof(p), "%s%s", ctree, rel),
	    (int)sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "#!/bin/sh\necho\n", 15), 15);
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void
ctree_dir(const char *rel, mode_t mode)
{
	char	 p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s", ctree, rel);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void
ctree_link(const char *target, const char *rel)
{
	char	 p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s", ctree, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void
ctree_setup(void)
{
	strlcpy(ctree, "/tmp/check_cgi_root.XXXXXX", sizeof(ctree));
	ck_assert_ptr_nonnull(mkdtemp(ctree));
	ck_assert_int_eq(chmod(ctree, 0755), 0);
	ctree_dir("/www", 0755);
	ctree_dir("/www/cgi-bin", 0755);
	ctree_dir("/www/cgi-bin/wdir", 0777);
	ctree_dir("/www/cgi-bin/gdir", 0775);
	ctree_dir("/www-other", 0755);
	ctree_dir("/outside", 0755);
	ctree_file("/www/cgi-bin/ok.cgi", 0755);
	ctree_file("/www/cgi-bin/gw.cgi", 0775);
	ctree_file("/www/cgi-bin/ow.cgi", 0757);
	ctree_file("/www/cgi-bin/suid.cgi", 04755);
	ctree_file("/www/cgi-bin/sgid.cgi", 02755);
	ctree_file("/www/cgi-bin/wdir/x.cgi", 0755);
	ctree_file("/www/cgi-bin/gdir/x.cgi", 0755);
	ctree_file("/www-other/x.cgi", 0755);
	ctree_file("/outside/evil.cgi", 0755);
	ctree_link("../../outside/evil.cgi", "/www/cgi-bin/link.cgi");
	ctree_link("ok.cgi", "/www/cgi-bin/inlink.cgi");
	ctree_link("/bin/sh", "/www/cgi-bin/sh.cgi");
}

static void
ctree_teardown(void)
{
	char	 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ctree);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", ctree);
}

/* Find REL in the tree, then confine it; the status, *sc as left. */
static int
confine(struct cgi_script *sc, const struct config *cfg, const char *rel,
    uid_t uid)
{
	char		 p[PATH_MAX];
	const char	*why = NULL;
	int		 rc;

	snprintf(p, sizeof(p), "%s%s", ctree, rel);
	ck_assert_msg(find(sc, p, NULL, NULL) == 0, "%s not found", rel);
	rc = cgi_script_confine(cfg, sc, uid, &why);
	if (rc != 0) {
		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(sc->path, p);	/* untouched */
	}
	return rc;
}

START_TEST(test_confine_root)
{
	struct config		 cfg;
	struct cgi_script	 sc;
	char			 root[PATH_MAX], want[PATH_MAX + 64];
	char			*roots[] = { root, NULL };

	config_init(&cfg);
	/* Neither -r nor --strict: nothing checked, nothing changed. */
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/link.cgi", 0), 0);
	snprintf(want, sizeof(want), "%s/www/cgi-bin/link.cgi", ctree);
	ck_assert_str_eq(sc.path, want);

	ck_assert_ptr_nonnull(realpath(ctree, root));
	strlcat(root, "/www", sizeof(root));
	cfg.roots = roots;
	cfg.nroots = 1;
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/ok.cgi", 0), 0);
	/* Out by "..", by a symlink, and a sibling sharing the prefix. */
	ck_assert_int_eq(confine(&sc, &cfg,
	    "/www/cgi-bin/../../outside/evil.cgi", 0), 403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/link.cgi", 0), 403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/sh.cgi", 0), 403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www-other/x.cgi", 0), 403);
	ck_assert_int_eq(confine(&sc, &cfg, "/outside/evil.cgi", 0), 403);
	/* A symlink inside runs by its real path, from its real dir. */
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/inlink.cgi", 0), 0);
	snprintf(want, sizeof(want), "%s/cgi-bin/ok.cgi", root);
	ck_assert_str_eq(sc.path, want);
	snprintf(want, sizeof(want), "%s/cgi-bin", root);
	ck_assert_str_eq(sc.dir, want);
	/* ".." that stays inside is fine. */
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/wdir/../ok.cgi",
	    0), 0);
	/* "/" holds everything. */
	roots[0] = "/";
	ck_assert_int_eq(confine(&sc, &cfg, "/outside/evil.cgi", 0), 0);
}
END_TEST

START_TEST(test_confine_strict)
{
	struct config		 cfg;
	struct cgi_script	 sc;
	uid_t			 me = geteuid();

	config_init(&cfg);
	cfg.strict = 1;
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/ok.cgi", me), 0);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/gw.cgi", me), 403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/ow.cgi", me), 403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/suid.cgi", me),
	    403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/sgid.cgi", me),
	    403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/wdir/x.cgi", me),
	    403);
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/gdir/x.cgi", me),
	    403);
	/* The real file is what is checked: a symlink to a safe file. */
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/inlink.cgi", me),
	    0);
	/* Owned by another user than the one warmcgi runs as. */
	ck_assert_int_eq(confine(&sc, &cfg, "/www/cgi-bin/ok.cgi",
	    me + 12345), 403);
}
END_TEST

static size_t
argv_len(char **av)
{
	size_t	 n;

	ck_assert_ptr_nonnull(av);
	for (n = 0; av[n] != NULL; n++)
		;
	return n;
}

START_TEST(test_argv_words)
{
	char	**av;

	av = cgi_argv_build("/cgi-bin/x.cgi", "a+b%20c", 1);
	ck_assert_uint_eq(argv_len(av), 3);
	ck_assert_str_eq(av[0], "/cgi-bin/x.cgi");
	ck_assert_str_eq(av[1], "a");
	ck_assert_str_eq(av[2], "b c");
	cgi_argv_free(av);

	av = cgi_argv_build("/x", "one", 1);
	ck_assert_uint_eq(argv_len(av), 2);
	ck_assert_str_eq(av[1], "one");
	cgi_argv_free(av);

	/* An encoded '=' is not an unencoded one (RFC 3875 4.4). */
	av = cgi_argv_build("/x", "a%3Db+%2b%41", 1);
	ck_assert_uint_eq(argv_len(av), 3);
	ck_assert_str_eq(av[1], "a=b");
	ck_assert_str_eq(av[2], "+A");
	cgi_argv_free(av);
}
END_TEST

START_TEST(test_argv_equals)
{
	char	**av;

	av = cgi_argv_build("/x", "a=b", 1);
	ck_assert_uint_eq(argv_len(av), 1);
	ck_assert_str_eq(av[0], "/x");
	cgi_argv_free(av);

	av = cgi_argv_build("/x", "word+other=1", 1);
	ck_assert_uint_eq(argv_len(av), 1);
	cgi_argv_free(av);

	av = cgi_argv_build("/x", "=", 1);
	ck_assert_uint_eq(argv_len(av), 1);
	cgi_argv_free(av);
}
END_TEST

START_TEST(test_argv_empty)
{
	char	**av;

	av = cgi_argv_build("/x", "", 1);
	ck_assert_uint_eq(argv_len(av), 1);
	ck_assert_str_eq(av[0], "/x");
	cgi_argv_free(av);

	av = cgi_argv_build("/x", NULL, 1);
	ck_assert_uint_eq(argv_len(av), 1);
	ck_assert_str_eq(av[0], "/x");
	cgi_argv_free(av);

	cgi_argv_free(NULL);
}
END_TEST

START_TEST(test_argv_bad_escape)
{
	static const char	*bad[] = { "a+%zz", "a+%2", "%", "a%0",
				    "a+b+%g1", "%00", "x+%%41", "%2+a" };
	char			**av;
	size_t			  i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		av = cgi_argv_build("/x", bad[i], 1);
		ck_assert_msg(argv_len(av) == 1, "\"%s\": %zu words", bad[i],
		    argv_len(av) - 1);
		ck_assert_str_eq(av[0], "/x");
		cgi_argv_free(av);
	}
}
END_TEST

START_TEST(test_argv_max)
{
	char	 q[ARGV_MAX * 2 + 8], **av;
	size_t	 i;

	/* Exactly ARGV_MAX words. */
	for (i = 0; i < ARGV_MAX; i++) {
		q[2 * i] = (char)('a' + i % 26);
		q[2 * i + 1] = '+';
	}
	q[2 * ARGV_MAX - 1] = '\0';
	av = cgi_argv_build("/x", q, 1);
	ck_assert_uint_eq(argv_len(av), ARGV_MAX + 1);
	ck_assert_str_eq(av[1], "a");
	ck_assert_str_eq(av[ARGV_MAX], "v");	/* 255 % 26 = 21 */
	cgi_argv_free(av);

	/* One more: no words at all. */
	q[2 * ARGV_MAX - 1] = '+';
	q[2 * ARGV_MAX] = 'z';
	q[2 * ARGV_MAX + 1] = '\0';
	av = cgi_argv_build("/x", q, 1);
	ck_assert_uint_eq(argv_len(av), 1);
	ck_assert_str_eq(av[0], "/x");
	cgi_argv_free(av);
}
END_TEST

/* Without --isindex-argv a query string never becomes argv words. */
START_TEST(test_argv_isindex_off)
{
	static const char	*qs[] = { "a+b%20c", "one", "-s", "a=b", "",
				    "%2Dd+x" };
	char			**av;
	size_t			  i;

	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		av = cgi_argv_build("/x", qs[i], 0);
		ck_assert_msg(argv_len(av) == 1, "\"%s\": %zu words", qs[i],
		    argv_len(av) - 1);
		ck_assert_str_eq(av[0], "/x");
		cgi_argv_free(av);
	}
	av = cgi_argv_build("/x", NULL, 0);
	ck_assert_uint_eq(argv_len(av), 1);
	cgi_argv_free(av);
}
END_TEST

/* Even with it, a word starting with '-' (decoded) means no words. */
START_TEST(test_argv_dash)
{
	static const char	*qs[] = { "-s", "-d+allow_url_include%3don",
				    "a+-b", "%2Ds", "a+%2D%2D", "-", "x+y+-" };
	char			**av;
	size_t			  i;

	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		av = cgi_argv_build("/x", qs[i], 1);
		ck_assert_msg(argv_len(av) == 1, "\"%s\": %zu words", qs[i],
		    argv_len(av) - 1);
		ck_assert_str_eq(av[0], "/x");
		cgi_argv_free(av);
	}
	/* A '-' inside a word is harmless. */
	av = cgi_argv_build("/x", "a-b+c%2D", 1);
	ck_assert_uint_eq(argv_len(av), 3);
	ck_assert_str_eq(av[1], "a-b");
	ck_assert_str_eq(av[2], "c-");
	cgi_argv_free(av);
}
END_TEST

START_TEST(test_status_reason)
{
	ck_assert_str_eq(cgi_status_reason(400), "Bad Request");
	ck_assert_str_eq(cgi_status_reason(403), "Forbidden");
	ck_assert_str_eq(cgi_status_reason(404), "Not Found");
	ck_assert_str_eq(cgi_status_reason(500), "Internal Server Error");
	ck_assert_str_eq(cgi_status_reason(502), "Bad Gateway");
	ck_assert_str_eq(cgi_status_reason(503), "Service Unavailable");
	ck_assert_str_eq(cgi_status_reason(504), "Gateway Timeout");
	ck_assert_ptr_nonnull(cgi_status_reason(599));
	ck_assert_uint_gt(strlen(cgi_status_reason(599)), 0);
}
END_TEST

static Suite *
cgi_suite(void)
{
	Suite	*s = suite_create("cgi");
	TCase	*tc;

	tc = tcase_create("env");
	tcase_add_test(tc, test_env_copied);
	tcase_add_test(tc, test_env_empty_params);
	tcase_add_test(tc, test_env_sent_kept);
	tcase_add_test(tc, test_env_httpoxy);
	tcase_add_test(tc, test_env_bad_names);
	tcase_add_test(tc, test_env_repeat_last);
	tcase_add_test(tc, test_env_truncated);
	tcase_add_test(tc, test_env_pass_env);
	tcase_add_test(tc, test_env_get_set);
	tcase_add_test(tc, test_env_many);
	tcase_add_test(tc, test_env_denied);
	tcase_add_test(tc, test_env_denied_pass_env);
	tcase_add_test(tc, test_env_content_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("script");
	tcase_add_unchecked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_test(tc, test_find_script_filename);
	tcase_add_test(tc, test_find_docroot);
	tcase_add_test(tc, test_find_missing);
	tcase_add_test(tc, test_find_directory);
	tcase_add_test(tc, test_find_not_executable);
	tcase_add_test(tc, test_find_relative);
	tcase_add_test(tc, test_find_handler);
	tcase_add_test(tc, test_find_path_info);
	tcase_add_test(tc, test_find_proxy_fcgi);
	tcase_add_test(tc, test_find_dir_path_info);
	tcase_add_test(tc, test_script_allowed);
	suite_add_tcase(s, tc);

	tc = tcase_create("confine");
	tcase_add_checked_fixture(tc, ctree_setup, ctree_teardown);
	tcase_add_test(tc, test_confine_root);
	tcase_add_test(tc, test_confine_strict);
	suite_add_tcase(s, tc);

	tc = tcase_create("argv");
	tcase_add_test(tc, test_argv_words);
	tcase_add_test(tc, test_argv_equals);
	tcase_add_test(tc, test_argv_empty);
	tcase_add_test(tc, test_argv_bad_escape);
	tcase_add_test(tc, test_argv_max);
	tcase_add_test(tc, test_argv_isindex_off);
	tcase_add_test(tc, test_argv_dash);
	tcase_add_test(tc, test_handler_find);
	tcase_add_test(tc, test_handler_argv);
	tcase_add_test(tc, test_handler_env);
	suite_add_tcase(s, tc);

	tc = tcase_create("status");
	tcase_add_test(tc, test_status_reason);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(cgi_suite);
}
