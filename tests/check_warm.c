/*
 * Check suite for the parts of the warm pools that need no zygote: which
 * scripts are eligible, by their #! line, and with which interpreter flags;
 * and how exits reported by zygotes meet the pids their requests announce.
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>

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

/* What request_child_exit would be told. */
static int	 exits, exit_status;

static void
on_exit_cb(struct child *ch, int status, void *arg)
{
	(void)ch;
	(void)arg;
	exits++;
	exit_status = status;
}

static void
server_init(struct server *srv)
{
	memset(srv, 0, sizeof(*srv));
	RB_INIT(&srv->children);
	exits = exit_status = 0;
}

/* A report read after the pid: only the zygote that forked it counts. */
START_TEST(test_report_after_adopt)
{
	struct server	 srv;
	struct child	*ch;
	int		 status;

	server_init(&srv);
	srv.nchildren = 1;	/* the slot request_run_warm() reserved */
	ck_assert_int_eq(spawn_adopt(&srv, 424242, 7, on_exit_cb, NULL, &ch,
	    &status), 0);
	ck_assert_ptr_nonnull(ch);
	spawn_exited(&srv, 424242, 3 << 8, 8);		/* another zygote's */
	ck_assert_int_eq(exits, 0);
	spawn_exited(&srv, 424242, 3 << 8, 7);
	ck_assert_int_eq(exits, 1);
	ck_assert_int_eq(WEXITSTATUS(exit_status), 3);
	ck_assert_int_eq(srv.nchildren, 0);
	ck_assert(RB_EMPTY(&srv.children));
}
END_TEST

/* A report read before the pid is kept for the adoption, by its zygote. */
START_TEST(test_report_before_adopt)
{
	struct server	 srv;
	struct child	*ch;
	int		 status = 0;

	server_init(&srv);
	spawn_exited(&srv, 535353, 5 << 8, 9);
	ck_assert_uint_eq(srv.norphans, 1);
	ck_assert_int_eq(spawn_adopt(&srv, 535353, 9, on_exit_cb, NULL, &ch,
	    &status), 1);
	ck_assert_ptr_null(ch);
	ck_assert_int_eq(WEXITSTATUS(status), 5);
	ck_assert_uint_eq(srv.norphans, 0);

	/* Kept from zygote 9, it is not zygote 10's pid 535353. */
	spawn_exited(&srv, 535353, 5 << 8, 9);
	srv.nchildren = 1;
	ck_assert_int_eq(spawn_adopt(&srv, 535353, 10, on_exit_cb, NULL,
	    &ch, &status), 0);
	ck_assert_ptr_nonnull(ch);
	spawn_exited(&srv, 535353, 6 << 8, 10);
	ck_assert_int_eq(exits, 1);
	ck_assert_int_eq(WEXITSTATUS(exit_status), 6);

	/* Never claimed in ORPHAN_TTL: gone before the pid comes round. */
	spawn_exited(&srv, 646464, 7 << 8, 12);
	ck_assert_uint_eq(srv.norphans, 2);	/* zygote 9's is left too */
	srv.orphans[0].at -= ORPHAN_TTL;
	srv.orphans[1].at -= ORPHAN_TTL;
	srv.nchildren = 1;
	ck_assert_int_eq(spawn_adopt(&srv, 646464, 12, on_exit_cb, NULL,
	    &ch, &status), 0);
	ck_assert_uint_eq(srv.norphans, 0);
	spawn_exited(&srv, 646464, 8 << 8, 12);
	ck_assert_int_eq(WEXITSTATUS(exit_status), 8);
}
END_TEST

/*
 * Its zygote gone: a request process that is now our child is reaped as
 * usual; one that is not (its status went with the zygote) ends as killed.
 */
START_TEST(test_zygote_lost)
{
	struct server	 srv;
	struct child	*ch;
	pid_t		 pid;
	int		 status, p[2];
	char		 c;

	server_init(&srv);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(p[1]);
		(void)read(p[0], &c, 1);	/* until the pipe closes */
		_exit(4);
	}
	close(p[0]);
	srv.nchildren = 2;
	ck_assert_int_eq(spawn_adopt(&srv, pid, 11, on_exit_cb, NULL, &ch,
	    &status), 0);
	/* Not our child: pid 1 will never be reaped by us. */
	ck_assert_int_eq(spawn_adopt(&srv, 1, 11, on_exit_cb, NULL, &ch,
	    &status), 0);
	spawn_lost(&srv, 11);
	ck_assert_int_eq(exits, 1);
	ck_assert(WIFSIGNALED(exit_status));
	ck_assert_int_eq(WTERMSIG(exit_status), SIGKILL);
	ck_assert_int_eq(srv.nchildren, 1);
	/* The running one is ours now: its reap ends it. */
	close(p[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	spawn_exited(&srv, pid, status, 0);
	ck_assert_int_eq(exits, 2);
	ck_assert(WIFEXITED(exit_status));
	ck_assert_int_eq(WEXITSTATUS(exit_status), 4);
	ck_assert(RB_EMPTY(&srv.children));

	/* Announced after its zygote died, and not our child: lost too. */
	ck_assert_int_eq(spawn_adopt(&srv, 1, 0, on_exit_cb, NULL, &ch,
	    &status), 1);
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
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
	tc = tcase_create("reports");
	tcase_add_test(tc, test_report_after_adopt);
	tcase_add_test(tc, test_report_before_adopt);
	tcase_add_test(tc, test_zygote_lost);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(warm_suite);
}
