/*
 * Check suite for the part of the warm pools that needs no process: which
 * scripts are eligible, by their #! line, and with which interpreter flags.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "warmcgi.h"
#include "check_main.h"

static char	 dir[] = "/tmp/check_warm.XXXXXX";

/* Write a script with the given first bytes; returns its path. */
static const char *
script(const char *name, const char *text)
{
	static char	 path[256];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static enum warm_lang
lang_of(const struct config *cfg, const char *text, size_t *nargs,
    char **args)
{
	static char	 store[256];

	return warm_eligible(cfg, script("s", text), args, nargs, store,
	    sizeof(store));
}

START_TEST(test_eligible)
{
	struct config	 cfg;
	char		*args[WARM_ARGS_MAX];
	size_t		 n;

	config_init(&cfg);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl\nprint 1;\n", &n,
	    args), LANG_PERL);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl -wT\n", &n, args),
	    LANG_PERL);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(args[0], "-wT");
	ck_assert_int_eq(lang_of(&cfg, "#! /usr/bin/perl -w -T\r\n", &n,
	    args), LANG_PERL);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(args[1], "-T");
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/env perl\n", &n, args),
	    LANG_PERL);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/local/bin/perl\n", &n, args),
	    LANG_PERL);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3\n", &n, args),
	    LANG_PYTHON);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/env python3\n", &n, args),
	    LANG_PYTHON);
	ck_assert_uint_eq(n, 0);
	config_free(&cfg);
}
END_TEST

START_TEST(test_not_eligible)
{
	struct config	 cfg;
	char		*args[WARM_ARGS_MAX];
	size_t		 n;

	config_init(&cfg);
	ck_assert_int_eq(lang_of(&cfg, "#!/bin/sh\necho\n", &n, args),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "print 1;\n", &n, args), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "", &n, args), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl", &n, args),
	    LANG_NONE);	/* no line end within the first line */
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3 -u\n", &n, args),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python2\n", &n, args),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl x.pl\n", &n, args),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perlx\n", &n, args),
	    LANG_NONE);
	ck_assert_int_eq(warm_eligible(&cfg, "/nonexistent/x", args, &n,
	    (char [64]){ 0 }, 64), LANG_NONE);
	config_free(&cfg);
}
END_TEST

START_TEST(test_configured_interpreter)
{
	struct config	 cfg;
	char		*args[WARM_ARGS_MAX];
	size_t		 n;

	config_init(&cfg);
	cfg.perl = "/opt/p/bin/myperl";
	cfg.python = "/opt/p/bin/py";
	ck_assert_int_eq(lang_of(&cfg, "#!/opt/p/bin/myperl -w\n", &n, args),
	    LANG_PERL);
	ck_assert_int_eq(lang_of(&cfg, "#!/opt/p/bin/py\n", &n, args),
	    LANG_PYTHON);
	ck_assert_int_eq(lang_of(&cfg, "#!/opt/q/bin/myperl\n", &n, args),
	    LANG_NONE);
	config_free(&cfg);
}
END_TEST

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s/s", dir);
	unlink(path);
	rmdir(dir);
	strlcpy(dir, "/tmp/check_warm.XXXXXX", sizeof(dir));
}

static Suite *
warm_suite(void)
{
	Suite	*s = suite_create("warm");
	TCase	*tc = tcase_create("eligible");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_eligible);
	tcase_add_test(tc, test_not_eligible);
	tcase_add_test(tc, test_configured_interpreter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(warm_suite());
}
