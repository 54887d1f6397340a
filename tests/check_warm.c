/*
 * Check suite for the parts of the warm pools that need no zygote: which
 * scripts are eligible, by their #! line, with which interpreter (as
 * execve would run it, env(1) looked up in the script's PATH) and flags,
 * under the --perl/--python allow-lists;
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

/* DIR/NAME, made a symlink to target (a directory on the way is made). */
static const char *
link_as(const char *name, const char *target)
{
	static char	 path[256];
	char		*slash;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (slash = path + strlen(dir) + 1; (slash = strchr(slash, '/')) !=
	    NULL; slash++) {
		*slash = '\0';
		(void)mkdir(path, 0755);
		*slash = '/';
	}
	(void)unlink(path);
	ck_assert_int_eq(symlink(target, path), 0);
	return path;
}

static struct warm_interp	 in;

/* The script "s" with this text, under PATH pathvar. */
static enum warm_lang
lang_in(const struct config *cfg, const char *text, const char *pathvar)
{
	return warm_eligible(cfg, script("s", text), pathvar, &in);
}

static enum warm_lang
lang_of(const struct config *cfg, const char *text)
{
	return lang_in(cfg, text, DEFAULT_PATH);
}

/* The interpreter execve would run, and its one #! argument. */
START_TEST(test_eligible)
{
	struct config	 cfg;

	config_init(&cfg);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl\nprint 1;\n"),
	    LANG_PERL);
	ck_assert_str_eq(in.path, "/usr/bin/perl");
	ck_assert_str_eq(in.arg, "");
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl -wT\n"), LANG_PERL);
	ck_assert_str_eq(in.arg, "-wT");
	/* One argument, inner blanks and all, as the kernel passes it. */
	ck_assert_int_eq(lang_of(&cfg, "#! \t/usr/bin/perl  -w -T \t\n"),
	    LANG_PERL);
	ck_assert_str_eq(in.path, "/usr/bin/perl");
	ck_assert_str_eq(in.arg, "-w -T");
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl -w\r\n"), LANG_PERL);
	ck_assert_str_eq(in.arg, "-w\r");
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3\n"), LANG_PYTHON);
	ck_assert_str_eq(in.path, "/usr/bin/python3");
	ck_assert_int_eq(in.env, 0);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3 -u\n"),
	    LANG_PYTHON);
	ck_assert_str_eq(in.arg, "-u");
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3 -OBu\n"),
	    LANG_PYTHON);
	config_free(&cfg);
}
END_TEST

/*
 * A virtualenv's python3, a perl elsewhere: run by the path as written,
 * the language told by what the path really is.
 */
START_TEST(test_eligible_elsewhere)
{
	struct config	 cfg;
	char		 text[512];

	config_init(&cfg);
	snprintf(text, sizeof(text), "#!%s\n",
	    link_as("venv/bin/python3", "/usr/bin/python3"));
	ck_assert_int_eq(lang_of(&cfg, text), LANG_PYTHON);
	ck_assert_str_eq(in.path, link_as("venv/bin/python3",
	    "/usr/bin/python3"));
	/* Named for what it is only once resolved. */
	snprintf(text, sizeof(text), "#!%s\n", link_as("venv/bin/py",
	    "/usr/bin/python3"));
	ck_assert_int_eq(lang_of(&cfg, text), LANG_PYTHON);
	ck_assert_str_eq(in.path, link_as("venv/bin/py", "/usr/bin/python3"));
	snprintf(text, sizeof(text), "#!%s -w\n", link_as("opt/perl5.36.0",
	    "/usr/bin/perl"));
	ck_assert_int_eq(lang_of(&cfg, text), LANG_PERL);
	ck_assert_str_eq(in.path, link_as("opt/perl5.36.0", "/usr/bin/perl"));
	ck_assert_str_eq(in.arg, "-w");
	config_free(&cfg);
}
END_TEST

/* #!/usr/bin/env NAME: NAME looked up in the script's own PATH. */
START_TEST(test_eligible_env)
{
	struct config	 cfg;
	char		 pathvar[512], venv[256];

	config_init(&cfg);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env perl\n", "/usr/bin"),
	    LANG_PERL);
	ck_assert_int_eq(in.env, 1);
	ck_assert_str_eq(in.path, "/usr/bin/perl");
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env python3\n",
	    "/nonexistent:/usr/bin/:/bin"), LANG_PYTHON);
	ck_assert_str_eq(in.path, "/usr/bin/python3");
	ck_assert_str_eq(in.arg, "python3");

	/* First in PATH wins: the virtualenv's. */
	link_as("venv/bin/python3", "/usr/bin/python3");
	snprintf(venv, sizeof(venv), "%s/venv/bin", dir);
	snprintf(pathvar, sizeof(pathvar), "%s:/usr/bin:/bin", venv);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env python3\n", pathvar),
	    LANG_PYTHON);
	ck_assert_str_eq(in.path, link_as("venv/bin/python3",
	    "/usr/bin/python3"));
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env python3\n",
	    "/usr/bin:/bin"), LANG_PYTHON);
	ck_assert_str_eq(in.path, "/usr/bin/python3");

	/* Found first through a relative entry (cwd: the script's dir). */
	snprintf(pathvar, sizeof(pathvar), "venv/bin:%s", venv);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env python3\n", pathvar),
	    LANG_NONE);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env python3\n",
	    ":/usr/bin"), LANG_PYTHON);	/* none in the script's dir */
	link_as("python3", "/usr/bin/python3");
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env python3\n",
	    ":/usr/bin"), LANG_NONE);	/* one there: not ours */
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env perl\n",
	    "nothere:/usr/bin"), LANG_PERL);

	/* Not a plain name, or not found. */
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env perl -w\n",
	    "/usr/bin"), LANG_NONE);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env -S perl -w\n",
	    "/usr/bin"), LANG_NONE);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env A=1\n", "/usr/bin"),
	    LANG_NONE);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env\n", "/usr/bin"),
	    LANG_NONE);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env python3\n",
	    "/nonexistent"), LANG_NONE);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env /usr/bin/perl\n",
	    "/nonexistent"), LANG_PERL);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env bin/perl\n",
	    "/usr"), LANG_NONE);
	config_free(&cfg);
}
END_TEST

START_TEST(test_not_eligible)
{
	struct config	 cfg;
	struct warm_interp w;
	char		 text[WARM_SHEBANG_MAX + 8];

	config_init(&cfg);
	ck_assert_int_eq(lang_of(&cfg, "#!/bin/sh\necho\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "print 1;\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, ""), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl"), LANG_NONE);
	/* No line end within the bytes the kernel reads. */
	memset(text, ' ', sizeof(text));
	memcpy(text, "#!/usr/bin/perl -w", 18);
	strlcpy(text + WARM_SHEBANG_MAX, "-T\n", sizeof(text) -
	    WARM_SHEBANG_MAX);
	ck_assert_int_eq(lang_of(&cfg, text), LANG_NONE);
	text[WARM_SHEBANG_MAX - 1] = '\n';
	ck_assert_int_eq(lang_of(&cfg, text), LANG_PERL);
	/* execve would fail: "/usr/bin/perl\r" is not there */
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl\r\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!perl\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/nonexistent/python3\n"),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl x.pl\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl -w x.pl\n"),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl -\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3 -I\n"), LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3 -u -B\n"),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3 -m x\n"),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3 x.py\n"),
	    LANG_NONE);
	ck_assert_int_eq(lang_of(&cfg, "#!/bin/cat\n"), LANG_NONE);
	ck_assert_ptr_nonnull(in.why);
	ck_assert_int_eq(warm_eligible(&cfg, "/nonexistent/x", DEFAULT_PATH,
	    &w), LANG_NONE);
	config_free(&cfg);
}
END_TEST

/*
 * A --handler gives the interpreter and its words, whatever the #! line
 * says or lacks; only Perl and Python with plain flags are kept warm.
 */
START_TEST(test_eligible_handler)
{
	struct config	 cfg;
	char		*pl[] = { "/usr/bin/perl", "-w", NULL };
	char		*plx[] = { "/usr/bin/perl", "other.pl", NULL };
	char		*py[] = { "/usr/bin/python3", "-u", NULL };
	char		*sh[] = { "/bin/sh", NULL };
	char		*env[] = { "/usr/bin/env", "perl", NULL };
	struct handler	 h[] = { { ".pl", pl, 2, 0 }, { ".py", py, 2, 0 },
			    { ".sh", sh, 1, 0 }, { ".e", env, 2, 0 },
			    { ".x", plx, 2, 0 } };

	config_init(&cfg);
	cfg.handlers = h;
	cfg.nhandlers = 5;
	ck_assert_int_eq(warm_eligible(&cfg, script("a.pl", "print 1;\n"),
	    DEFAULT_PATH, &in), LANG_PERL);
	ck_assert_str_eq(in.path, "/usr/bin/perl");
	ck_assert_ptr_eq(in.handler, &h[0]);
	ck_assert_int_eq(in.env, 0);
	ck_assert_int_eq(warm_eligible(&cfg, script("b.pl",
	    "#!/usr/bin/python3\n"), DEFAULT_PATH, &in), LANG_PERL);
	ck_assert_int_eq(warm_eligible(&cfg, script("a.py", "print(1)\n"),
	    DEFAULT_PATH, &in), LANG_PYTHON);
	ck_assert_str_eq(in.path, "/usr/bin/python3");
	ck_assert_int_eq(warm_eligible(&cfg, script("a.sh",
	    "#!/usr/bin/perl\n"), DEFAULT_PATH, &in), LANG_NONE);
	ck_assert_int_eq(warm_eligible(&cfg, script("a.e", "print 1;\n"),
	    DEFAULT_PATH, &in), LANG_NONE);
	ck_assert_int_eq(warm_eligible(&cfg, script("a.x", "print 1;\n"),
	    DEFAULT_PATH, &in), LANG_NONE);
	ck_assert_ptr_nonnull(in.why);
	/* No handler: the #! line as before. */
	ck_assert_int_eq(warm_eligible(&cfg, script("a.cgi", "print 1;\n"),
	    DEFAULT_PATH, &in), LANG_NONE);
	ck_assert_ptr_null(in.handler);
	cfg.handlers = NULL;
	cfg.nhandlers = 0;
	config_free(&cfg);
}
END_TEST

/* --perl and --python: which interpreters may be warm, not substitutes. */
START_TEST(test_allowed_interpreters)
{
	struct config	 cfg;
	char		*perls[] = { "/opt/perl/bin/perl", "/usr/bin/perl",
			    NULL };
	char		*pythons[] = { "/opt/py/bin/python3", NULL };
	char		*any[] = { "/opt/py/bin/python3", "any", NULL };
	char		 text[512];

	config_init(&cfg);
	cfg.perl = perls;
	cfg.nperl = 2;
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/perl -w\n"), LANG_PERL);
	ck_assert_str_eq(in.path, "/usr/bin/perl");
	snprintf(text, sizeof(text), "#!%s\n", link_as("bin/perl",
	    "/usr/bin/perl"));
	ck_assert_int_eq(lang_of(&cfg, text), LANG_NONE);
	ck_assert_int_eq(lang_in(&cfg, "#!/usr/bin/env perl\n", "/usr/bin"),
	    LANG_PERL);
	/* Python untouched by --perl. */
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3\n"), LANG_PYTHON);

	cfg.python = pythons;
	cfg.npython = 1;
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3\n"), LANG_NONE);
	ck_assert_ptr_nonnull(strstr(in.why, "--python"));
	cfg.python = any;
	cfg.npython = 2;
	ck_assert_int_eq(lang_of(&cfg, "#!/usr/bin/python3\n"), LANG_PYTHON);
	cfg.perl = cfg.python = NULL;	/* not config_free()'s to free */
	cfg.nperl = cfg.npython = 0;
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
	spawn_init(srv);
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
	ck_assert_int_eq(spawn_adopt(&srv, 424242, 7, 0, on_exit_cb, NULL, &ch,
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
	struct orphan	*o;
	int		 status = 0;

	server_init(&srv);
	spawn_exited(&srv, 535353, 5 << 8, 9);
	ck_assert_uint_eq(srv.norphans, 1);
	ck_assert_int_eq(spawn_adopt(&srv, 535353, 9, 0, on_exit_cb, NULL, &ch,
	    &status), 1);
	ck_assert_ptr_null(ch);
	ck_assert_int_eq(WEXITSTATUS(status), 5);
	ck_assert_uint_eq(srv.norphans, 0);

	/* Kept from zygote 9, it is not zygote 10's pid 535353. */
	spawn_exited(&srv, 535353, 5 << 8, 9);
	srv.nchildren = 1;
	ck_assert_int_eq(spawn_adopt(&srv, 535353, 10, 0, on_exit_cb, NULL,
	    &ch, &status), 0);
	ck_assert_ptr_nonnull(ch);
	spawn_exited(&srv, 535353, 6 << 8, 10);
	ck_assert_int_eq(exits, 1);
	ck_assert_int_eq(WEXITSTATUS(exit_status), 6);

	/* Never claimed in ORPHAN_TTL: gone before the pid comes round. */
	spawn_exited(&srv, 646464, 7 << 8, 12);
	ck_assert_uint_eq(srv.norphans, 2);	/* zygote 9's is left too */
	TAILQ_FOREACH(o, &srv.orphans_age, age)
		o->at -= ORPHAN_TTL;
	srv.nchildren = 1;
	ck_assert_int_eq(spawn_adopt(&srv, 646464, 12, 0, on_exit_cb, NULL,
	    &ch, &status), 0);
	ck_assert_uint_eq(srv.norphans, 0);
	spawn_exited(&srv, 646464, 8 << 8, 12);
	ck_assert_int_eq(WEXITSTATUS(exit_status), 8);
	spawn_free(&srv);
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
	ck_assert_int_eq(spawn_adopt(&srv, pid, 11, 0, on_exit_cb, NULL, &ch,
	    &status), 0);
	/* Not our child: pid 1 will never be reaped by us. */
	ck_assert_int_eq(spawn_adopt(&srv, 1, 11, 0, on_exit_cb, NULL, &ch,
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
	ck_assert_int_eq(spawn_adopt(&srv, 1, 11, 1, on_exit_cb, NULL, &ch,
	    &status), 1);
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
	spawn_free(&srv);
}
END_TEST

/*
 * Its zygote gone before the pid was read: the exit that zygote reported
 * is found (it used to be skipped, and the request ended as killed), as is
 * one we reaped; while the zygote lives, one we reaped is not its child's.
 */
START_TEST(test_adopt_zygote_gone)
{
	struct server	 srv;
	struct child	*ch;
	int		 status = 0;

	server_init(&srv);
	spawn_exited(&srv, 717171, 9 << 8, 21);
	ck_assert_int_eq(spawn_adopt(&srv, 717171, 21, 1, on_exit_cb, NULL,
	    &ch, &status), 1);
	ck_assert_int_eq(WEXITSTATUS(status), 9);
	ck_assert_uint_eq(srv.norphans, 0);

	/* Reparented to us and reaped before its pid was read. */
	spawn_exited(&srv, 727272, 2 << 8, 0);
	ck_assert_int_eq(spawn_adopt(&srv, 727272, 22, 1, on_exit_cb, NULL,
	    &ch, &status), 1);
	ck_assert_int_eq(WEXITSTATUS(status), 2);

	/* Zygote 23 alive: a pid we reaped is not one of its children. */
	spawn_exited(&srv, 737373, 2 << 8, 0);
	srv.nchildren = 1;
	ck_assert_int_eq(spawn_adopt(&srv, 737373, 23, 0, on_exit_cb, NULL,
	    &ch, &status), 0);
	spawn_exited(&srv, 737373, 3 << 8, 23);
	ck_assert_int_eq(exits, 1);
	ck_assert_int_eq(WEXITSTATUS(exit_status), 3);
	ck_assert_uint_eq(srv.norphans, 1);
	spawn_free(&srv);
}
END_TEST

/* However many exits come before their pids, none is lost (was 256). */
START_TEST(test_orphans_no_eviction)
{
	struct server	 srv;
	struct child	*ch;
	int		 i, status;

	server_init(&srv);
	for (i = 0; i < 1000; i++)
		spawn_exited(&srv, 100000 + i, (i % 200) << 8, 31);
	ck_assert_uint_eq(srv.norphans, 1000);
	for (i = 0; i < 1000; i++) {
		status = -1;
		ck_assert_int_eq(spawn_adopt(&srv, 100000 + i, 31, 0,
		    on_exit_cb, NULL, &ch, &status), 1);
		ck_assert_int_eq(WEXITSTATUS(status), i % 200);
	}
	ck_assert_uint_eq(srv.norphans, 0);
	spawn_free(&srv);
}
END_TEST

/*
 * A zygote's child is signalled through a pidfd: killed while it runs;
 * once reaped (here by us, standing in for the zygote) nothing is sent.
 */
START_TEST(test_kill_adopted)
{
	struct server	 srv;
	struct child	*ch;
	pid_t		 pid;
	int		 status;

	server_init(&srv);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	(void)setpgid(pid, pid);
	srv.nchildren = 1;
	ck_assert_int_eq(spawn_adopt(&srv, pid, 41, 0, on_exit_cb, NULL, &ch,
	    &status), 0);
	ck_assert_int_ne(ch->pidfd, -1);
	spawn_kill(ch, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
	/* Reaped, not yet reported: the pidfd refuses, the group is left. */
	spawn_kill(ch, SIGKILL);
	spawn_exited(&srv, pid, status, 41);
	ck_assert_int_eq(exits, 1);
	ck_assert(RB_EMPTY(&srv.children));
	spawn_free(&srv);
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
	const char	*files[] = { "s", "python3", "venv/bin/python3", "venv/bin/py",
			    "venv/bin", "venv", "opt/perl5.36.0", "opt",
			    "bin/perl", "bin", "a.pl", "b.pl", "a.py", "a.sh",
			    "a.e", "a.x", "a.cgi" };
	char		 path[256];
	size_t		 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (unlink(path) == -1)
			rmdir(path);
	}
	ck_assert_int_eq(rmdir(dir), 0);
	strlcpy(dir, "/tmp/check_warm.XXXXXX", sizeof(dir));
}

static Suite *
warm_suite(void)
{
	Suite	*s = suite_create("warm");
	TCase	*tc = tcase_create("eligible");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_eligible);
	tcase_add_test(tc, test_eligible_elsewhere);
	tcase_add_test(tc, test_eligible_env);
	tcase_add_test(tc, test_not_eligible);
	tcase_add_test(tc, test_allowed_interpreters);
	tcase_add_test(tc, test_eligible_handler);
	suite_add_tcase(s, tc);
	tc = tcase_create("reports");
	tcase_add_test(tc, test_report_after_adopt);
	tcase_add_test(tc, test_report_before_adopt);
	tcase_add_test(tc, test_zygote_lost);
	tcase_add_test(tc, test_adopt_zygote_gone);
	tcase_add_test(tc, test_orphans_no_eviction);
	tcase_add_test(tc, test_kill_adopted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(warm_suite);
}
