/*
 * Warm interpreter pools.  For each eligible Perl or Python script a
 * zygote (an interpreter that has loaded and compiled it) is started on
 * the script's first request, which is served by exec meanwhile.  Later
 * requests connect to the zygote (src/warm/PROTOCOL.md), which forks a
 * fresh request process for each; we reap those ourselves as a subreaper.
 * A zygote is keyed by the script's path and identity (device, inode,
 * size, mtime, and the interpreter its #! line makes execve(2) run): a
 * changed script gets a new one and the old one retires.  The zygote is
 * that very interpreter, never a substitute.  Anything that goes wrong
 * here only means "serve it by exec".
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "warmcgi.h"

#define WARM_TICK_SEC		5	/* idle, memory and load checks */
#define WARM_LOAD_TIMEOUT	60	/* seconds for a zygote to be READY */
#define WARM_BACKOFF_MIN	1	/* seconds before a failed one retries */
#define WARM_BACKOFF_MAX	300
#define WARM_BACKLOG		128
#define WARM_ENTRIES_MAX	1024	/* scripts remembered, warm or not */
#define WARM_WINDOW_STEP	16	/* warm requests between /proc looks */
#define WARM_WINDOW_US		250000	/* CPU a window needs (10 ms ticks) */
#define WARM_WINDOW_MAX		128	/* ... or that many requests */
#define WARM_STALE_SEC		60	/* an unlocked socket directory this
					   old is stale whatever its pid */
#define WARM_PY_FLAGS		"BEOSbdqsu" /* Python #! flags kept warm */

/* Set by Makefile.am: where an installed warmcgi is, and the build tree. */
#ifndef WARM_SBINDIR
#define WARM_SBINDIR		"/usr/local/sbin"
#endif
#ifndef WARM_BUILD_DIR
#define WARM_BUILD_DIR		""
#endif
/* Under a helpers directory (Makefile.am installs it there). */
#define WARM_XS_MODULE		"perl/auto/WarmCGI/Zygote/Zygote.so"

#ifndef WARM_SRC_HELPERS_DIR
#define WARM_SRC_HELPERS_DIR	""
#endif

enum zygote_state { Z_LOADING, Z_READY, Z_FAILED };

/* What the status page shows of a script's entry. */
struct warm_counts {
	uint64_t		 warm, exec, starts, fallbacks;
	char			 why[96];	/* the last fallback's cause */
};

struct zygote {
	RB_ENTRY(zygote)	 entry;
	TAILQ_ENTRY(zygote)	 lru;
	TAILQ_ENTRY(zygote)	 procs;		/* while its process runs */
	struct warm		*warm;
	char			 path[PATH_MAX];
	struct warm_interp	 interp;	/* what execve would run */
	dev_t			 dev;
	ino_t			 ino;
	off_t			 size;
	struct timespec		 mtime;
	enum zygote_state	 state;
	int			 retired;	/* out of the pool, dying */
	struct child		*child;
	pid_t			 pid;
	uint64_t		 gen;		/* names this process's requests */
	int			 fd_ctl;	/* its stdin: EOF retires it */
	int			 fd_out, fd_log;
	struct event		*ev_out, *ev_log;
	struct evbuffer		*outbuf, *logbuf;
	char			 sock[PATH_MAX];
	time_t			 started, last_used, retry_at;
	int			 backoff;
	uint64_t		 served;
	struct cost		 cost;		/* warm or exec: cost.c */
	unsigned long long	 base_us, base_faults; /* window start */
	unsigned int		 window_n;	/* exits reported since */
	unsigned int		 window_next;	/* look at /proc then */
	int			 have_base;
	struct warm_counts	 counts;	/* kept across its zygotes */
};
RB_HEAD(zygote_tree, zygote);
TAILQ_HEAD(zygote_list, zygote);

struct warm {
	struct server		*srv;
	struct zygote_tree	 tree;
	struct zygote_list	 lru;		/* most recently used first */
	struct zygote_list	 procs;		/* with a process, even retired */
	int			 n;
	char			 dir[PATH_MAX];	/* private, for the sockets */
	int			 dirfd;		/* locked while we run */
	char			 helpers[PATH_MAX - 64]; /* room for the names in it */
	char			 xsinc[PATH_MAX];	/* -I for the Perl XS module */
	struct event		*ev_tick;
	unsigned int		 seq;
	uint64_t		 gens;
};

int		zygote_cmp(struct zygote *, struct zygote *);
RB_PROTOTYPE(zygote_tree, zygote, entry, zygote_cmp)
RB_GENERATE(zygote_tree, zygote, entry, zygote_cmp)

static int	warm_helpers_ok(const char *);
static int	warm_exe_dir(char *, size_t);
static int	warm_built_here(const char *);
static void	warm_xs_find(struct warm *);
static void	warm_sweep(const char *);
static void	warm_sweep_one(const char *, int, const char *);
static enum warm_lang warm_interp_find(const struct config *, const char *,
		    const struct handler *, const char *, struct warm_interp *);
static int	warm_shebang_read(const char *, struct warm_interp *);
static void	warm_interp_resolve(const struct config *, const char *,
		    const char *, struct warm_interp *);
static int	warm_env_lookup(const char *, const char *, const char *,
		    struct warm_interp *);
static int	warm_flags_ok(enum warm_lang, const char *);
static int	warm_allowed(char *const *, size_t, const char *);
static const char *warm_envp_path(char *const *);
static struct zygote *zygote_new(struct warm *, const struct cgi_script *,
		    const struct warm_interp *);
static struct zygote *zygote_alloc(struct warm *, const char *,
		    const struct warm_interp *, dev_t, ino_t, off_t,
		    struct timespec);
static int	zygote_start(struct zygote *, const struct cgi_script *);
static void	zygote_stop(struct zygote *);
static void	zygote_make_room(struct warm *, struct zygote *);
static void	zygote_retire(struct zygote *, const char *);
static void	zygote_free(struct zygote *);
static void	zygote_exit_cb(struct child *, int, void *);
static void	zygote_out_cb(evutil_socket_t, short, void *);
static int	zygote_out_read(struct zygote *);
static int	zygote_exit_line(struct zygote *, char *);
static void	zygote_log_cb(evutil_socket_t, short, void *);
static void	zygote_fail(struct zygote *, const char *);
static int	zygote_gone(struct zygote *);
static struct zygote *zygote_successor(struct zygote *);
static int	zygote_usage(pid_t, unsigned long long *, unsigned long long *);
static void	zygote_window(struct zygote *);
static int	warm_choose(struct zygote **);
static void	zygote_window_start(struct zygote *);
static int	warm_conn_open(struct zygote *, char *const *, char *const *,
		    const char *, struct warm_conn *);
static void	warm_tick_cb(evutil_socket_t, short, void *);

int
zygote_cmp(struct zygote *a, struct zygote *b)
{
	return strcmp(a->path, b->path);
}

/* Set up the pools; with --warm off, or no helpers, everything execs. */
int
warm_init(struct server *srv)
{
	const struct config	*cfg = srv->cfg;
	struct warm		*w;
	struct timeval		 tv = { WARM_TICK_SEC, 0 };
	const char		*tmp = cfg->tmpdir;

	if (!cfg->warm)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	w->srv = srv;
	w->dirfd = -1;
	RB_INIT(&w->tree);
	TAILQ_INIT(&w->lru);
	TAILQ_INIT(&w->procs);
	if (warm_helpers_find(cfg, w->helpers, sizeof(w->helpers)) == -1) {
		free(w);
		return 0;
	}
	warm_xs_find(w);
	if (tmp == NULL && (tmp = getenv("TMPDIR")) == NULL)
		tmp = "/tmp";
	warm_sweep(tmp);
	/* Our pid in the name, our lock on it: see warm_sweep(). */
	snprintf(w->dir, sizeof(w->dir), "%s/warmcgi.%d.XXXXXX", tmp,
	    (int)getpid());
	if (mkdtemp(w->dir) == NULL) {
		log_warn("warm: cannot make a directory in %s; warm "
		    "interpreters are off", tmp);
		free(w);
		return 0;
	}
	if ((w->dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || flock(w->dirfd, LOCK_EX) == -1)
		log_warn("warm: cannot lock %s", w->dir);
	if ((w->ev_tick = event_new(srv->base, -1, EV_PERSIST, warm_tick_cb,
	    w)) == NULL) {
		rmdir(w->dir);
		if (w->dirfd != -1)
			close(w->dirfd);
		free(w);
		return -1;
	}
	event_add(w->ev_tick, &tv);
	srv->warm = w;
	return 0;
}

/*
 * Where the zygote helpers are: --warm-helpers if given.  Else, for a
 * warmcgi that runs from anywhere but its installed place, warm/ beside
 * it (src/warm in a build tree) and, if it is the one this build tree
 * made, the source tree's src/warm (a VPATH build); then the installed
 * directory.  0, or -1 with one log line saying warm mode is off.
 */
int
warm_helpers_find(const struct config *cfg, char *dir, size_t len)
{
	char		 exe[PATH_MAX], real[PATH_MAX], beside[PATH_MAX];
	char		 tried[3 * PATH_MAX + 16];
	const char	*cand[3];
	size_t		 n = 0, i;

	if (cfg->warm_helpers != NULL)
		cand[n++] = cfg->warm_helpers;
	else {
		if (warm_exe_dir(exe, sizeof(exe)) == 0 &&
		    (realpath(WARM_SBINDIR, real) == NULL ||
		    strcmp(real, exe) != 0)) {
			if (snprintf(beside, sizeof(beside), "%s/warm", exe) <
			    (int)sizeof(beside))
				cand[n++] = beside;
			if (warm_built_here(exe))
				cand[n++] = WARM_SRC_HELPERS_DIR;
		}
		cand[n++] = WARM_HELPERS_DIR;
	}
	tried[0] = '\0';
	for (i = 0; i < n; i++) {
		if (warm_helpers_ok(cand[i]) &&
		    strlcpy(dir, cand[i], len) < len) {
			log_debug("warm: zygote helpers in %s", dir);
			return 0;
		}
		if (i > 0)
			strlcat(tried, i + 1 == n ? " or " : ", ",
			    sizeof(tried));
		strlcat(tried, cand[i], sizeof(tried));
	}
	log_warnx("warm: warm interpreters are off: no zygote helpers "
	    "(perl/WarmCGI/Zygote.pm and warmcgi-zygote.py) in %s; every "
	    "script is exec'd (install them or give --warm-helpers)", tried);
	return -1;
}

/* The directory of our executable, or -1. */
static int
warm_exe_dir(char *exe, size_t len)
{
	char	*slash;
	ssize_t	 k;

	k = readlink("/proc/self/exe", exe, len - 1);
	if (k <= 0)
		return -1;
	exe[k] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

/* Whether exe (our directory) is the build tree that made us. */
static int
warm_built_here(const char *exe)
{
	char	real[PATH_MAX];

	return realpath(WARM_BUILD_DIR, real) != NULL &&
	    strcmp(real, exe) == 0;
}

/*
 * The Perl zygote's XS module is found by perl beside Zygote.pm, where
 * it is installed and where an in-tree build makes it.  A build tree
 * apart from its sources (VPATH) makes it in the build tree, while the
 * helpers come from the sources (the tests give those): a warmcgi
 * running from that build tree adds -I for it.
 */
static void
warm_xs_find(struct warm *w)
{
	char	p[PATH_MAX], exe[PATH_MAX];

	w->xsinc[0] = '\0';
	if (snprintf(p, sizeof(p), "%s/" WARM_XS_MODULE, w->helpers) <
	    (int)sizeof(p) && access(p, R_OK) == 0)
		return;
	if (access(WARM_BUILD_DIR "/warm/" WARM_XS_MODULE, R_OK) == -1 ||
	    warm_exe_dir(exe, sizeof(exe)) == -1 || !warm_built_here(exe))
		return;
	snprintf(w->xsinc, sizeof(w->xsinc), "-I%s/warm/perl", WARM_BUILD_DIR);
	log_debug("warm: the Perl zygote's XS module from %s/warm/perl",
	    WARM_BUILD_DIR);
}

static int
warm_helpers_ok(const char *dir)
{
	char	 p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s/perl/WarmCGI/Zygote.pm", dir) >=
	    (int)sizeof(p) || access(p, R_OK) == -1)
		return 0;
	if (snprintf(p, sizeof(p), "%s/warmcgi-zygote.py", dir) >=
	    (int)sizeof(p) || access(p, R_OK) == -1)
		return 0;
	return 1;
}

/*
 * Remove the socket directories that daemons killed with SIGKILL left in
 * tmp.  Each running daemon holds a lock (flock) on its own directory
 * from just after creating it; one whose lock is free is stale if the pid
 * in its name is gone or is ours, or if it is older than WARM_STALE_SEC
 * (its pid reused; a lock not taken yet is microseconds old).  Another
 * daemon's directory is never touched while it runs, even from another
 * pid namespace sharing tmp.  Only directories named warmcgi.PID.XXXXXX,
 * owned by our user, never through a symlink.
 */
static void
warm_sweep(const char *tmp)
{
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(tmp)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		warm_sweep_one(tmp, dirfd(d), de->d_name);
	closedir(d);
}

static void
warm_sweep_one(const char *tmp, int pfd, const char *name)
{
	const char	*errstr, *p;
	char		 num[16];
	struct stat	 st, st2;
	struct dirent	*de;
	DIR		*d;
	long long	 pid;
	size_t		 k;
	int		 fd, alive;

	if (strncmp(name, "warmcgi.", 8) != 0)
		return;
	name += 8;
	if ((p = strchr(name, '.')) == NULL || strlen(p + 1) != 6 ||
	    (k = (size_t)(p - name)) == 0 || k >= sizeof(num))
		return;
	memcpy(num, name, k);
	num[k] = '\0';
	name -= 8;
	pid = strtonum(num, 1, INT_MAX, &errstr);
	if (errstr != NULL)
		return;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return;
	if ((fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st2) == -1 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino || st2.st_uid != geteuid() ||
	    flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);		/* replaced, or its daemon runs */
		return;
	}
	alive = (pid_t)pid != getpid() && (kill((pid_t)pid, 0) == 0 ||
	    errno == EPERM);
	if (alive && time(NULL) - st2.st_ctime < WARM_STALE_SEC) {
		close(fd);
		return;
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	/* Its sockets; anything else in it, a directory, stays. */
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			(void)unlinkat(fd, de->d_name, 0);
	if (unlinkat(pfd, name, AT_REMOVEDIR) == 0)
		log_info("warm: removed the stale %s/%s, left by pid %lld",
		    tmp, name, pid);
	else
		log_warn("warm: cannot remove the stale %s/%s", tmp, name);
	closedir(d);
}

/* Retire every zygote (they exit on EOF) and remove our directory. */
void
warm_shutdown(struct server *srv)
{
	struct warm	*w = srv->warm;
	struct zygote	*z;

	if (w == NULL || w->ev_tick == NULL)
		return;
	while ((z = TAILQ_FIRST(&w->lru)) != NULL)
		zygote_retire(z, NULL);
	event_free(w->ev_tick);
	w->ev_tick = NULL;
	if (rmdir(w->dir) == -1 && errno != ENOENT)
		log_warn("warm: rmdir %s", w->dir);
	w->dir[0] = '\0';
	if (w->dirfd != -1)
		close(w->dirfd);
	w->dirfd = -1;
}

/*
 * Free what is left once the loop has ended.  A zygote still running
 * (retired, all of them now) is reaped without us.
 */
void
warm_free(struct server *srv)
{
	struct warm	*w = srv->warm;
	struct zygote	*z;

	if (w == NULL)
		return;
	warm_shutdown(srv);
	while ((z = TAILQ_FIRST(&w->procs)) != NULL) {
		TAILQ_REMOVE(&w->procs, z, procs);
		spawn_disown(z->child);
		z->child = NULL;
		zygote_free(z);
	}
	srv->warm = NULL;
	free(w);
}

/*
 * Whether a script is kept warm, and by which interpreter: exactly the
 * one (and the one argument) execve(2) would run it with, #!/usr/bin/env
 * NAME looked up in PATH, the PATH the script gets; or, for a script of
 * a --handler's extension, that interpreter and its words, #! or not.
 * in->why says why not.
 */
enum warm_lang
warm_eligible(const struct config *cfg, const char *script,
    const char *pathvar, struct warm_interp *in)
{
	return warm_interp_find(cfg, script, cgi_handler_find(cfg, script),
	    pathvar, in);
}

/* warm_eligible() with the handler request.c found, or NULL. */
static enum warm_lang
warm_interp_find(const struct config *cfg, const char *script,
    const struct handler *h, const char *pathvar, struct warm_interp *in)
{
	memset(in, 0, sizeof(*in));
	in->lang = LANG_NONE;
	if (h != NULL) {
		in->handler = h;
		if (strlcpy(in->shebang, h->argv[0], sizeof(in->shebang)) >=
		    sizeof(in->shebang)) {
			in->why = "its --handler's path is too long";
			return LANG_NONE;
		}
	} else if (warm_shebang_read(script, in) == -1)
		return LANG_NONE;
	warm_interp_resolve(cfg, script, pathvar, in);
	return in->lang;
}

/*
 * The #! line as Linux reads it (binfmt_script): within the first
 * WARM_SHEBANG_MAX bytes, up to a newline (without one there, not ours);
 * blanks at its end dropped, a NUL ends it; the interpreter is the first
 * word and everything after the blanks that follow it, inner blanks and
 * all, its one argument.
 */
static int
warm_shebang_read(const char *path, struct warm_interp *in)
{
	char		 line[WARM_SHEBANG_MAX + 1], *p, *end;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		in->why = "it cannot be read";
		return -1;
	}
	n = read(fd, line, WARM_SHEBANG_MAX);
	close(fd);
	if (n < 3 || line[0] != '#' || line[1] != '!') {
		in->why = "it has no #! line";
		return -1;
	}
	if ((end = memchr(line, '\n', (size_t)n)) == NULL) {
		in->why = "its #! line is too long";
		return -1;
	}
	while (end > line + 2 && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0') {
		in->why = "its #! line is empty";
		return -1;
	}
	end = p + strcspn(p, " \t");
	if (*end != '\0') {
		*end++ = '\0';
		end += strspn(end, " \t");
	}
	strlcpy(in->shebang, p, sizeof(in->shebang));
	strlcpy(in->arg, end, sizeof(in->arg));
	return 0;
}

/*
 * What runs, and in which language.  The language comes from the real
 * name of the program (a virtualenv's bin/python3 is a symlink to
 * /usr/bin/python3.11), but the path stays as written: a virtualenv's
 * python must be started by its own path for sys.prefix to be the
 * virtualenv's, and sys.executable and $^X must be as in a cold run.
 */
static void
warm_interp_resolve(const struct config *cfg, const char *script,
    const char *pathvar, struct warm_interp *in)
{
	char		 real[PATH_MAX];
	size_t		 i;

	in->lang = LANG_NONE;
	in->path[0] = '\0';
	in->env = 0;
	if (in->shebang[0] != '/') {
		in->why = "its #! interpreter is not an absolute path";
		return;
	}
	if (realpath(in->shebang, real) == NULL) {
		in->why = "its #! interpreter is not there";
		return;
	}
	if (in->handler != NULL && strcmp(strrchr(real, '/') + 1, "env") == 0) {
		in->why = "its --handler runs env(1)";
		return;
	}
	if (strcmp(strrchr(real, '/') + 1, "env") == 0) {
		in->env = 1;
		if (warm_env_lookup(script, in->arg, pathvar, in) == -1)
			return;
		if (realpath(in->path, real) == NULL) {
			in->why = "env(1) finds nothing to run";
			return;
		}
	} else if (strlcpy(in->path, in->shebang, sizeof(in->path)) >=
	    sizeof(in->path))
		return;
	if ((in->lang = warm_lang_of(real)) == LANG_NONE)
		in->lang = warm_lang_of(in->path);
	if (in->lang == LANG_NONE) {
		in->why = "its interpreter is neither perl nor python3";
		return;
	}
	if (!in->env && in->arg[0] != '\0' &&
	    !warm_flags_ok(in->lang, in->arg)) {
		in->why = "its #! line has more than plain flags";
		in->lang = LANG_NONE;
		return;
	}
	for (i = 1; in->handler != NULL && i < in->handler->argc; i++)
		if (!warm_flags_ok(in->lang, in->handler->argv[i])) {
			in->why = "its --handler has more than plain flags";
			in->lang = LANG_NONE;
			return;
		}
	if (in->lang == LANG_PERL ? !warm_allowed(cfg->perl, cfg->nperl,
	    in->path) : !warm_allowed(cfg->python, cfg->npython, in->path)) {
		in->why = in->lang == LANG_PERL ? "--perl does not name its "
		    "interpreter" : "--python does not name its interpreter";
		in->lang = LANG_NONE;
	}
}

/*
 * #!/usr/bin/env NAME: the program execvp(3) in env(1) would find, in
 * PATH (unset: execvp's "/bin:/usr/bin").  Only a plain NAME; a relative
 * PATH entry (the script's directory for an empty one) that holds it first
 * makes the script not ours rather than risk a different pick.
 */
static int
warm_env_lookup(const char *script, const char *name, const char *pathvar,
    struct warm_interp *in)
{
	char		 cand[PATH_MAX];
	const char	*p, *e, *slash;
	struct stat	 st;
	int		 k, dlen;

	if (name[0] == '\0' || name[0] == '-' || strpbrk(name, " \t=") !=
	    NULL) {
		in->why = "its #! line runs env(1) with no plain name";
		return -1;
	}
	if (strchr(name, '/') != NULL) {
		if (name[0] != '/') {
			in->why = "its #! line runs env(1) with a relative path";
			return -1;
		}
		strlcpy(in->path, name, sizeof(in->path));
		return 0;
	}
	if (pathvar == NULL)
		pathvar = "/bin:/usr/bin";
	slash = strrchr(script, '/');
	dlen = slash == NULL ? 1 : (int)(slash - script);
	for (p = pathvar; ; p = e + 1) {
		e = p + strcspn(p, ":");
		if (*p == '/')
			k = snprintf(cand, sizeof(cand), "%.*s%s%s", (int)(e - p),
			    p, e[-1] == '/' ? "" : "/", name);
		else
			k = snprintf(cand, sizeof(cand), "%.*s/%.*s%s%s", dlen,
			    slash == NULL ? "." : script, (int)(e - p), p,
			    e == p ? "" : "/", name);
		if (k > 0 && k < (int)sizeof(cand) && stat(cand, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			if (*p != '/') {
				in->why = "env(1) finds its interpreter "
				    "through a relative PATH entry";
				return -1;
			}
			strlcpy(in->path, cand, sizeof(in->path));
			return 0;
		}
		if (*e == '\0')
			break;
	}
	in->why = "env(1) finds no such interpreter in the script's PATH";
	return -1;
}

/* perl, perl5.36.0; python3, python3.11. */
enum warm_lang
warm_lang_of(const char *path)
{
	const char	*base = strrchr(path, '/') ? strrchr(path, '/') + 1 :
			    path;

	if (strcmp(base, "perl") == 0 || (strncmp(base, "perl5", 5) == 0 &&
	    strspn(base + 5, "0123456789.") == strlen(base + 5)))
		return LANG_PERL;
	if (strcmp(base, "python3") == 0 || (strncmp(base, "python3.", 8) ==
	    0 && base[8] != '\0' && strspn(base + 8, "0123456789") ==
	    strlen(base + 8)))
		return LANG_PYTHON;
	return LANG_NONE;
}

/*
 * The #! argument, kept as the one argument the kernel passes.  Perl
 * splits it into switches itself (and reads them again from the script);
 * Python takes one word of flags, of those that change nothing the
 * helper relies on (not -I or -P: sys.path[0]; not -c, -m, -x, -W ...).
 */
static int
warm_flags_ok(enum warm_lang lang, const char *arg)
{
	const char	*w;

	if (lang == LANG_PYTHON)
		return arg[0] == '-' && arg[1] != '\0' &&
		    strspn(arg + 1, WARM_PY_FLAGS) == strlen(arg + 1);
	for (w = arg; *w != '\0'; w += strspn(w, " \t")) {
		if (w[0] != '-' || w[1] == '\0')
			return 0;	/* a program file, or a lone - */
		w += strcspn(w, " \t");
	}
	return 1;
}

/* --perl/--python: none given, or "any", allows every one. */
static int
warm_allowed(char *const *list, size_t n, const char *path)
{
	size_t	 i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(list[i], "any") == 0 || strcmp(list[i], path) == 0)
			return 1;
	return 0;
}

/* The script's PATH, from the environment it gets (cgi_env_build). */
static const char *
warm_envp_path(char *const *envp)
{
	for (; *envp != NULL; envp++)
		if (strncmp(*envp, "PATH=", 5) == 0)
			return *envp + 5;
	return NULL;
}

/*
 * Try to run the script warm.  0: connected to a ready zygote; out holds
 * the data and error connections and the bytes to send first on the data
 * one.  -1: run it by exec (a zygote may be starting for next time).
 */
int
warm_launch(struct server *srv, const struct cgi_script *sc, char *const *argv,
    char *const *envp, struct warm_conn *out)
{
	const struct config *cfg = srv->cfg;
	struct warm	*w = srv->warm;
	struct zygote	 key, *z;
	struct warm_interp in;
	struct cost	 learnt;
	struct warm_counts counts;
	const char	*pathvar = warm_envp_path(envp);
	size_t		 i;
	int		 changed;
	time_t		 now = time(NULL);

	if (w == NULL || w->ev_tick == NULL || srv->stopping)
		return -1;
	for (i = 0; i < srv->cfg->nno_warm; i++)
		if (fnmatch(srv->cfg->no_warm[i], sc->path, 0) == 0)
			return -1;
	strlcpy(key.path, sc->path, sizeof(key.path));
	z = RB_FIND(zygote_tree, &w->tree, &key);
	cost_init(&learnt);
	memset(&counts, 0, sizeof(counts));
	if (z != NULL) {
		learnt = z->cost;
		counts = z->counts;
	}
	if (z != NULL && (z->dev != sc->st.st_dev ||
	    z->ino != sc->st.st_ino || z->size != sc->st.st_size ||
	    z->mtime.tv_sec != sc->st.st_mtim.tv_sec ||
	    z->mtime.tv_nsec != sc->st.st_mtim.tv_nsec)) {
		zygote_retire(z, "the script changed");
		z = NULL;
	}
	/* env(1)'s pick depends on this request's PATH and on the disk. */
	if (z != NULL && z->interp.env) {
		in = z->interp;
		warm_interp_resolve(srv->cfg, sc->path, pathvar, &in);
		if (in.lang != z->interp.lang ||
		    strcmp(in.path, z->interp.path) != 0) {
			zygote_retire(z, z->child != NULL ? "env(1) now "
			    "finds another interpreter" : NULL);
			z = NULL;
		}
	}
	if (z == NULL) {
		(void)warm_interp_find(srv->cfg, sc->path, sc->handler,
		    pathvar, &in);
		if ((z = zygote_new(w, sc, &in)) == NULL)
			return -1;
		/* What the old version cost is the best guess for the new. */
		z->cost = learnt;
		z->counts = counts;
		(void)cost_choose(&z->cost, &changed);
		if (cost_keep_warm(&z->cost) || cfg->warm == WARM_ALWAYS)
			zygote_start(z, sc);
		return -1;
	}
	TAILQ_REMOVE(&w->lru, z, lru);
	TAILQ_INSERT_HEAD(&w->lru, z, lru);
	z->last_used = now;
	if (cfg->warm != WARM_ALWAYS && !warm_choose(&z))
		return -1;
	if (z->state == Z_FAILED && now >= z->retry_at)
		zygote_start(z, sc);
	if (z->state != Z_READY)
		return -1;
	return warm_conn_open(z, argv, envp, sc->dir, out);
}

/*
 * Warm (1) or exec (0) for this request, by what each has been measured
 * to cost (cost.c).  A zygote no longer worth its keep is stopped; its
 * entry, with the figures, stays in the pool (*zp is the new one).
 */
static int
warm_choose(struct zygote **zp)
{
	struct zygote	*z = *zp;
	struct cost	*c = &z->cost;
	enum cost_way	 way;
	int		 changed;

	way = cost_choose(c, &changed);
	if (changed)
		log_info("warm: %s: %.2f ms and %.0f faults a request warm, "
		    "%.2f ms and %.0f by exec: serving it %s", z->path,
		    c->warm_us / 1000, c->warm_faults, c->exec_us / 1000,
		    c->exec_faults, c->mode == COST_WARM_PAYS ? "warm" :
		    "by exec");
	if (!cost_keep_warm(c) && z->child != NULL) {
		log_info("warm: %s: stopping zygote pid %d: exec is cheaper",
		    z->path, (int)z->pid);
		if ((*zp = zygote_successor(z)) == NULL)
			return 0;
	}
	return way == COST_WARM;
}

/*
 * An exec'd request of a script has been reaped: what it used is the
 * exec figure of the script's entry, if the script is still the same.
 */
void
warm_note_exec(struct server *srv, const struct cgi_script *sc,
    const struct rusage *ru)
{
	struct zygote	 key, *z;
	double		 us;

	if (srv->warm == NULL || ru == NULL)
		return;
	strlcpy(key.path, sc->path, sizeof(key.path));
	if ((z = RB_FIND(zygote_tree, &srv->warm->tree, &key)) == NULL ||
	    z->dev != sc->st.st_dev || z->ino != sc->st.st_ino ||
	    z->mtime.tv_sec != sc->st.st_mtim.tv_sec ||
	    z->mtime.tv_nsec != sc->st.st_mtim.tv_nsec)
		return;
	z->counts.exec++;
	us = (double)ru->ru_utime.tv_sec * 1e6 + ru->ru_utime.tv_usec +
	    (double)ru->ru_stime.tv_sec * 1e6 + ru->ru_stime.tv_usec;
	cost_note_exec(&z->cost, us, (double)ru->ru_minflt);
}

/*
 * CPU (microseconds) and minor faults of a zygote and of the children it
 * has reaped: its requests' share and its own.
 */
static int
zygote_usage(pid_t pid, unsigned long long *us, unsigned long long *faults)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 minflt, cminflt, ut, st, cut, cst;
	ssize_t			 n;
	long			 hz = sysconf(_SC_CLK_TCK);
	int			 fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || hz <= 0)
		return -1;
	buf[n] = '\0';
	/* After the name, which may hold anything: from field 3 on. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 1,
	    " %*c %*d %*d %*d %*d %*d %*u %llu %llu %*u %*u %llu %llu %llu "
	    "%llu", &minflt, &cminflt, &ut, &st, &cut, &cst) != 6)
		return -1;
	*us = (ut + st + cut + cst) * 1000000ULL / (unsigned long long)hz;
	*faults = minflt + cminflt;
	return 0;
}

/*
 * After exit reports: once a window is long enough for the clock ticks
 * /proc counts in, what it cost per request is a warm figure.
 */
static void
zygote_window(struct zygote *z)
{
	unsigned long long	 us, faults;

	if (!z->have_base || z->window_n < z->window_next)
		return;
	z->window_next = z->window_n + WARM_WINDOW_STEP;
	if (zygote_usage(z->pid, &us, &faults) == -1)
		return;
	if (us - z->base_us < WARM_WINDOW_US && z->window_n < WARM_WINDOW_MAX)
		return;
	cost_note_warm(&z->cost, (double)(us - z->base_us),
	    (double)(faults - z->base_faults), z->window_n);
	zygote_window_start(z);
}

/* A new window: from now, counting exits reported from now. */
static void
zygote_window_start(struct zygote *z)
{
	z->have_base = zygote_usage(z->pid, &z->base_us, &z->base_faults) == 0;
	z->window_n = 0;
	z->window_next = WARM_WINDOW_STEP;
}

/* A new pool entry; the least recently used one goes past --warm-max. */
static struct zygote *
zygote_new(struct warm *w, const struct cgi_script *sc,
    const struct warm_interp *in)
{
	struct zygote	*z;

	if ((z = zygote_alloc(w, sc->path, in, sc->st.st_dev, sc->st.st_ino,
	    sc->st.st_size, sc->st.st_mtim)) == NULL)
		return NULL;
	RB_INSERT(zygote_tree, &w->tree, z);
	TAILQ_INSERT_HEAD(&w->lru, z, lru);
	w->n++;
	/* Entries remember scripts that are not warm too: bound them. */
	if (w->n > WARM_ENTRIES_MAX)
		zygote_retire(TAILQ_LAST(&w->lru, zygote_list), NULL);
	return z;
}

/* An entry for a script, in no list yet, with no process. */
static struct zygote *
zygote_alloc(struct warm *w, const char *path, const struct warm_interp *in,
    dev_t dev, ino_t ino, off_t size, struct timespec mtime)
{
	struct zygote	*z;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	z->warm = w;
	cost_init(&z->cost);
	strlcpy(z->path, path, sizeof(z->path));
	z->interp = *in;
	z->dev = dev;
	z->ino = ino;
	z->size = size;
	z->mtime = mtime;
	z->fd_ctl = z->fd_out = z->fd_log = -1;
	z->backoff = WARM_BACKOFF_MIN;
	z->state = Z_FAILED;
	z->last_used = time(NULL);
	return z;
}

/*
 * Start the interpreter the script's #! line names, as execve would run it
 * (its path as written, its one argument), or its --handler with the
 * handler's words; READY on its fd 1 makes it
 * usable.
 */
static int
zygote_start(struct zygote *z, const struct cgi_script *sc)
{
	struct warm		*w = z->warm;
	struct server		*srv = w->srv;
	const struct warm_interp *in = &z->interp;
	struct sockaddr_un	 sun;
	struct spawn_args	 a;
	char			*argv[8 + HANDLER_ARGS_MAX];
	char			 inc[PATH_MAX], helper[PATH_MAX];
	char			 pathenv[] = "PATH=" DEFAULT_PATH;
	char			 gwenv[] = "GATEWAY_INTERFACE=CGI/1.1";
	char			 fdenv[] = "WARMCGI_ZYGOTE_FD=3";
	char			 rlenv[32 + SPAWN_NRLIM * 64], niceenv[32];
	char			*envp[] = { pathenv, gwenv, fdenv, NULL, NULL,
				    NULL };
	const struct spawn_limits *lim = &srv->lim_script;
	size_t			 n = 0, i, len;
	int			 lfd, fds[3];

	z->state = Z_FAILED;
	z->retry_at = time(NULL) + z->backoff;
	if (in->lang == LANG_NONE) {
		log_debug("warm: %s: served by exec: %s", z->path, in->why);
		z->retry_at = (time_t)1 << 62;	/* until the script changes */
		return -1;
	}
	argv[n++] = (char *)in->path;
	if (in->arg[0] != '\0' && !in->env)
		argv[n++] = (char *)in->arg;
	for (i = 1; in->handler != NULL && i < in->handler->argc; i++)
		argv[n++] = in->handler->argv[i];
	if (in->lang == LANG_PERL) {
		snprintf(inc, sizeof(inc), "-I%s/perl", w->helpers);
		snprintf(helper, sizeof(helper), "%s/perl/WarmCGI/Zygote.pm",
		    w->helpers);
		argv[n++] = inc;
		if (w->xsinc[0] != '\0')
			argv[n++] = w->xsinc;
		argv[n++] = "-MWarmCGI::Zygote";
	} else {
		snprintf(helper, sizeof(helper), "%s/warmcgi-zygote.py",
		    w->helpers);
		argv[n++] = helper;
	}
	argv[n++] = z->path;
	argv[n] = NULL;
	if (access(helper, R_OK) == -1) {
		log_warn("warm: %s", helper);
		z->retry_at = time(NULL) + WARM_BACKOFF_MAX;
		return -1;
	}
	zygote_make_room(w, z);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(z->sock, sizeof(z->sock), "%s/z%u.sock", w->dir,
	    ++w->seq) >= (int)sizeof(z->sock) ||
	    strlcpy(sun.sun_path, z->sock, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_warnx("warm: %s: socket path too long", z->sock);
		return -1;
	}
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("warm: socket");
		return -1;
	}
	if (bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(lfd, WARM_BACKLOG) == -1) {
		log_warn("warm: %s", z->sock);
		close(lfd);
		unlink(z->sock);
		return -1;
	}
	/*
	 * The scripts' limits, for its request processes (PROTOCOL.md); not
	 * the descriptor limit of our start, which the zygote has already
	 * and passes on.  Without any, nothing: no cost in each request.
	 */
	len = strlcpy(rlenv, "WARMCGI_RLIMITS=", sizeof(rlenv));
	for (i = 0; i < (size_t)lim->n; i++) {
		if (lim->resource[i] == RLIMIT_NOFILE &&
		    !srv->cfg->rlimit[RL_NOFILE].set)
			continue;
		len += (size_t)snprintf(rlenv + len, sizeof(rlenv) - len,
		    "%s%d:%llu:%llu", rlenv[len - 1] != '=' ? "," : "",
		    lim->resource[i],
		    (unsigned long long)lim->rl[i][0],
		    (unsigned long long)lim->rl[i][1]);
	}
	n = 3;
	if (rlenv[len - 1] != '=')
		envp[n++] = rlenv;
	if (lim->nice_set) {
		snprintf(niceenv, sizeof(niceenv), "WARMCGI_NICE=%d",
		    lim->nice);
		envp[n++] = niceenv;
	}
	a.path = argv[0];
	a.argv = argv;
	a.envp = envp;
	a.cwd = sc->dir;
	a.fd3 = lfd;
	a.lim = &srv->lim_zygote;
	z->child = spawn_child(srv, &a, fds, zygote_exit_cb, z);
	close(lfd);
	if (z->child == NULL) {
		log_warn("warm: %s: cannot start %s", z->path, argv[0]);
		unlink(z->sock);
		return -1;
	}
	z->child->slot = 0;	/* a zygote takes no script slot */
	srv->nchildren--;
	z->pid = z->child->pid;
	z->counts.starts++;
	z->gen = ++w->gens;
	TAILQ_INSERT_TAIL(&w->procs, z, procs);
	z->fd_ctl = fds[0];
	z->fd_out = fds[1];
	z->fd_log = fds[2];
	z->outbuf = evbuffer_new();
	z->logbuf = evbuffer_new();
	z->ev_out = event_new(srv->base, z->fd_out, EV_READ | EV_PERSIST,
	    zygote_out_cb, z);
	z->ev_log = event_new(srv->base, z->fd_log, EV_READ | EV_PERSIST,
	    zygote_log_cb, z);
	if (z->outbuf == NULL || z->logbuf == NULL || z->ev_out == NULL ||
	    z->ev_log == NULL) {
		zygote_fail(z, "out of memory");
		return -1;
	}
	event_add(z->ev_out, NULL);
	event_add(z->ev_log, NULL);
	z->state = Z_LOADING;
	z->started = time(NULL);
	log_debug("warm: %s: zygote interpreter %s%s%s%s", z->path, in->path,
	    argv[1] == in->arg ? " " : "", argv[1] == in->arg ? in->arg : "",
	    in->handler != NULL ? " (its --handler)" : "");
	log_debug("warm: %s: zygote pid %d loading", z->path, (int)z->pid);
	return 0;
}

/* At most --warm-max interpreters run: the least recently used goes. */
static void
zygote_make_room(struct warm *w, struct zygote *keep)
{
	struct zygote	*z, *victim = NULL;
	int		 running = 0;

	TAILQ_FOREACH(z, &w->lru, lru) {
		if (z->child == NULL || z == keep)
			continue;
		running++;
		victim = z;
	}
	if (running >= w->srv->cfg->warm_max && victim != NULL)
		zygote_retire(victim, "--warm-max reached");
}

/* Close our ends; the zygote exits on EOF (or was killed). */
static void
zygote_stop(struct zygote *z)
{
	if (z->ev_out != NULL)
		event_free(z->ev_out);
	if (z->ev_log != NULL)
		event_free(z->ev_log);
	z->ev_out = z->ev_log = NULL;
	if (z->outbuf != NULL)
		evbuffer_free(z->outbuf);
	if (z->logbuf != NULL)
		evbuffer_free(z->logbuf);
	z->outbuf = z->logbuf = NULL;
	if (z->fd_ctl != -1)
		close(z->fd_ctl);
	if (z->fd_out != -1)
		close(z->fd_out);
	if (z->fd_log != -1)
		close(z->fd_log);
	z->fd_ctl = z->fd_out = z->fd_log = -1;
	if (z->sock[0] != '\0')
		unlink(z->sock);
	z->sock[0] = '\0';
}

/*
 * A zygote that cannot serve: stop it and retry later, with back-off.  A
 * process still running is killed and leaves the pool as a retired one
 * does (the exits of its requests are still read until it has gone); a
 * fresh entry takes its place.
 */
static void
zygote_fail(struct zygote *z, const char *why)
{
	struct zygote	*nz;

	log_warnx("warm: %s: %s; serving it by exec, retrying in %d s",
	    z->path, why, z->backoff);
	if (z->child != NULL) {
		spawn_kill(z->child, SIGKILL);
		if (z->retired)
			return;
		if ((nz = zygote_successor(z)) == NULL)
			return;
		z = nz;
	}
	zygote_stop(z);
	z->state = Z_FAILED;
	z->retry_at = time(NULL) + z->backoff;
	z->backoff = z->backoff * 2 > WARM_BACKOFF_MAX ? WARM_BACKOFF_MAX :
	    z->backoff * 2;
}

/*
 * A fresh entry, without a process, takes the place of z in the pool,
 * with what was learnt of the script; z retires.  NULL if there is no
 * memory for one: z is just retired.
 */
static struct zygote *
zygote_successor(struct zygote *z)
{
	struct warm	*w = z->warm;
	struct zygote	*nz;

	if ((nz = zygote_alloc(w, z->path, &z->interp, z->dev, z->ino,
	    z->size, z->mtime)) == NULL) {
		zygote_retire(z, NULL);
		return NULL;
	}
	nz->backoff = z->backoff;
	nz->last_used = z->last_used;
	nz->cost = z->cost;
	nz->counts = z->counts;
	TAILQ_INSERT_BEFORE(z, nz, lru);
	zygote_retire(z, NULL);
	RB_INSERT(zygote_tree, &w->tree, nz);
	w->n++;
	return nz;
}

/* Take a zygote out of the pool; requests it already forked go on. */
static void
zygote_retire(struct zygote *z, const char *why)
{
	struct warm	*w = z->warm;

	if (why != NULL)
		log_info("warm: %s: retiring zygote pid %d: %s", z->path,
		    (int)z->pid, why);
	RB_REMOVE(zygote_tree, &w->tree, z);
	TAILQ_REMOVE(&w->lru, z, lru);
	w->n--;
	z->retired = 1;
	if (z->child == NULL) {
		zygote_free(z);
		return;
	}
	/* EOF on its fd 0 ends it; what it reports is read until then. */
	if (z->fd_ctl != -1)
		close(z->fd_ctl);
	z->fd_ctl = -1;
	if (z->sock[0] != '\0')
		unlink(z->sock);
	z->sock[0] = '\0';
}

static void
zygote_free(struct zygote *z)
{
	zygote_stop(z);
	free(z);
}

static void
zygote_exit_cb(struct child *ch, int status, void *arg)
{
	struct zygote	*z = arg;
	struct server	*srv = z->warm->srv;
	uint64_t	 gen = z->gen;
	char		 why[64];

	(void)ch;
	z->child = NULL;
	TAILQ_REMOVE(&z->warm->procs, z, procs);
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "zygote killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "zygote exited with status %d%s",
		    WEXITSTATUS(status), z->state == Z_LOADING ?
		    " while loading" : "");
	if (!z->retired)
		z->state = Z_FAILED;	/* no new requests meanwhile */
	/* The exits it reported before its own, then those it could not. */
	while (z->fd_out != -1 && zygote_out_read(z) > 0)
		;
	if (z->retired) {
		zygote_free(z);
		spawn_lost(srv, gen);
		return;
	}
	zygote_fail(z, why);
	spawn_lost(srv, gen);
}

/* The zygote's fd 1: READY once loaded, then X lines. */
static void
zygote_out_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)zygote_out_read(arg);
}

/*
 * Read what is there and act on each line; 0 at end of file (its exit is
 * reported by the reap) or when nothing was there.
 */
static int
zygote_out_read(struct zygote *z)
{
	char		*line;
	int		 n;

	if (z->outbuf == NULL || z->fd_out == -1)
		return 0;
	n = evbuffer_read(z->outbuf, z->fd_out, READ_CHUNK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		event_del(z->ev_out);
		return 0;
	}
	while ((line = evbuffer_readln(z->outbuf, NULL,
	    EVBUFFER_EOL_LF)) != NULL) {
		if (zygote_exit_line(z, line))
			z->window_n++;
		else if (strcmp(line, "READY") == 0 && z->state == Z_LOADING) {
			z->state = Z_READY;
			zygote_window_start(z);
			z->backoff = WARM_BACKOFF_MIN;
			log_info("warm: %s: zygote pid %d ready", z->path,
			    (int)z->pid);
		} else
			log_warnx("warm: %s[%d]: unexpected \"%.64s\"",
			    z->path, (int)z->pid, line);
		free(line);
	}
	if (evbuffer_get_length(z->outbuf) > 256)
		evbuffer_drain(z->outbuf, evbuffer_get_length(z->outbuf));
	zygote_window(z);
	return n;
}

/* "X<pid> <wait status>": a request process it forked has exited. */
static int
zygote_exit_line(struct zygote *z, char *line)
{
	const char	*errstr;
	char		*sp;
	long long	 pid, status;

	if (line[0] != 'X' || (sp = strchr(line, ' ')) == NULL)
		return 0;
	*sp++ = '\0';
	pid = strtonum(line + 1, 2, INT32_MAX, &errstr);
	if (errstr != NULL)
		return 0;
	status = strtonum(sp, 0, 0xffff, &errstr);
	if (errstr != NULL)
		return 0;
	spawn_exited(z->warm->srv, (pid_t)pid, (int)status, z->gen);
	return 1;
}

/* The zygote's stderr (compile errors, BEGIN-time warnings): our log. */
static void
zygote_log_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct zygote	*z = arg;
	char		*line;
	size_t		 len;
	int		 n;

	(void)ev;
	n = evbuffer_read(z->logbuf, fd, READ_CHUNK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		evbuffer_add(z->logbuf, "\n", 1);
	while ((line = evbuffer_readln(z->logbuf, &len,
	    EVBUFFER_EOL_LF)) != NULL) {
		if (len > 0)
			log_warnx("warm: %s[%d]: %s", z->path, (int)z->pid,
			    line);
		free(line);
	}
	if ((len = evbuffer_get_length(z->logbuf)) >= STDERR_LINE_MAX)
		evbuffer_drain(z->logbuf, len);
	if (n <= 0)
		event_del(z->ev_log);
}

/* One request: the data and error connections and the preamble. */
static int
warm_conn_open(struct zygote *z, char *const *argv, char *const *envp,
    const char *cwd, struct warm_conn *out)
{
	struct sockaddr_un	 sun;
	struct evbuffer		*payload = NULL;
	char			 token[17], line[64];
	uint8_t			 rnd[8];
	size_t			 i, argc, envc;
	int			 fd[2] = { -1, -1 }, k;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, z->sock, sizeof(sun.sun_path));
	for (k = 0; k < 2; k++) {
		fd[k] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd[k] == -1 || connect(fd[k], (struct sockaddr *)&sun,
		    sizeof(sun)) == -1) {
			log_warn("warm: %s: connect to zygote pid %d", z->path,
			    (int)z->pid);
			goto fail;
		}
	}
	/* One call: libbsd's arc4random checks for a fork on each. */
	arc4random_buf(rnd, sizeof(rnd));
	for (i = 0; i < 16; i++)
		token[i] = "0123456789abcdef"[(rnd[i / 2] >> (i % 2 * 4)) & 15];
	token[16] = '\0';
	if ((payload = evbuffer_new()) == NULL ||
	    (out->prelude = evbuffer_new()) == NULL)
		goto fail;
	for (argc = 0; argv[argc] != NULL; argc++)
		;
	for (envc = 0; envp[envc] != NULL; envc++)
		;
	evbuffer_add(payload, cwd, strlen(cwd) + 1);
	evbuffer_add_printf(payload, "%zu", argc);
	evbuffer_add(payload, "", 1);
	for (i = 0; i < argc; i++)
		evbuffer_add(payload, argv[i], strlen(argv[i]) + 1);
	evbuffer_add_printf(payload, "%zu", envc);
	evbuffer_add(payload, "", 1);
	for (i = 0; i < envc; i++)
		evbuffer_add(payload, envp[i], strlen(envp[i]) + 1);
	evbuffer_add_printf(out->prelude, "WCGI1 D %s\n%zu\n", token,
	    evbuffer_get_length(payload));
	evbuffer_add_buffer(out->prelude, payload);
	evbuffer_free(payload);
	payload = NULL;
	k = snprintf(line, sizeof(line), "WCGI1 E %s\n", token);
	if (write(fd[1], line, (size_t)k) != k) {
		log_warn("warm: %s: zygote pid %d", z->path, (int)z->pid);
		goto fail;
	}
	out->fd_data = fd[0];
	out->fd_err = fd[1];
	out->via = z->gen;
	z->served++;
	z->counts.warm++;
	return 0;
fail:
	if (payload != NULL)
		evbuffer_free(payload);
	if (out->prelude != NULL)
		evbuffer_free(out->prelude);
	out->prelude = NULL;
	for (k = 0; k < 2; k++)
		if (fd[k] != -1)
			close(fd[k]);
	return -1;
}

/*
 * A warm request on this script went wrong: start afresh next time, if
 * the zygote it went to is still the one in the pool.
 */
void
warm_report_failure(struct server *srv, const char *path, uint64_t gen,
    const char *why)
{
	struct zygote	 key, *z;

	if (srv->warm == NULL)
		return;
	strlcpy(key.path, path, sizeof(key.path));
	if ((z = RB_FIND(zygote_tree, &srv->warm->tree, &key)) == NULL)
		return;
	/* Counted as warm when it connected; it was served by exec. */
	if (z->counts.warm > 0)
		z->counts.warm--;
	z->counts.fallbacks++;
	strlcpy(z->counts.why, why, sizeof(z->counts.why));
	if (z->state != Z_READY || z->gen != gen)
		return;
	if (zygote_gone(z))
		z->state = Z_FAILED;	/* its exit fails it, saying why */
	else
		zygote_fail(z, why);
}

/*
 * The zygote has died and is not reaped yet (its socket refused us first,
 * a SIGKILL, say): its exit, about to be read, fails it with the cause.
 */
static int
zygote_gone(struct zygote *z)
{
	siginfo_t	si;

	memset(&si, 0, sizeof(si));
	return z->child != NULL && waitid(P_PID, z->pid, &si,
	    WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == z->pid;
}

/* Each pool entry, most recently used first, for the status page. */
void
warm_each(struct server *srv, warm_info_cb cb, void *arg)
{
	static const char *const states[] = { "loading", "ready", "failed" };
	struct warm_info	 wi;
	struct zygote		*z;

	if (srv->warm == NULL)
		return;
	TAILQ_FOREACH(z, &srv->warm->lru, lru) {
		memset(&wi, 0, sizeof(wi));
		wi.script = z->path;
		wi.interp = z->interp.path[0] != '\0' ? z->interp.path :
		    z->interp.shebang;
		/* Without a process: never started, stopped, or failed. */
		if (z->interp.lang == LANG_NONE)
			wi.state = "cold";
		else if (z->child == NULL)
			wi.state = "none";
		else
			wi.state = states[z->state];
		wi.why_cold = z->interp.lang == LANG_NONE &&
		    z->interp.why != NULL ? z->interp.why : "";
		wi.pid = z->child != NULL ? z->pid : 0;
		wi.rss = wi.pid != 0 ? spawn_rss(z->pid) : -1;
		wi.warm = z->counts.warm;
		wi.exec = z->counts.exec;
		wi.starts = z->counts.starts;
		wi.fallbacks = z->counts.fallbacks;
		wi.fallback_why = z->counts.why;
		wi.cost = &z->cost;
		cb(&wi, arg);
	}
}

/* The zygote process of that generation, retired or not; NULL once gone. */
static struct zygote *
warm_gen_find(struct server *srv, uint64_t gen)
{
	struct zygote	*z;

	if (srv->warm == NULL)
		return NULL;
	TAILQ_FOREACH(z, &srv->warm->procs, procs)
		if (z->gen == gen)
			return z;
	return NULL;
}

/*
 * Whether the zygote of that generation still runs and serves: not
 * retired (its script changed, exec proved cheaper, --warm-idle, ...)
 * and not gone.  A request it failed otherwise is explained by that.
 */
int
warm_gen_serving(struct server *srv, uint64_t gen)
{
	struct zygote	*z = warm_gen_find(srv, gen);

	return z != NULL && !z->retired && !zygote_gone(z);
}

/* Whether the zygote process of that generation still runs. */
int
warm_gen_alive(struct server *srv, uint64_t gen)
{
	return warm_gen_find(srv, gen) != NULL;
}

/* Idle expiry, the memory cap and stalled loads. */
static void
warm_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct warm		*w = arg;
	const struct config	*cfg = w->srv->cfg;
	struct zygote		*z, *next;
	time_t			 now = time(NULL);
	long long		 rss;

	(void)fd;
	(void)ev;
	for (z = TAILQ_FIRST(&w->lru); z != NULL; z = next) {
		next = TAILQ_NEXT(z, lru);
		if (now - z->last_used >= cfg->warm_idle)
			zygote_retire(z, "idle");
		else if (z->state == Z_LOADING &&
		    now - z->started >= WARM_LOAD_TIMEOUT)
			zygote_fail(z, "zygote did not become ready");
		else if (z->state == Z_READY &&
		    (rss = spawn_rss(z->pid)) > cfg->warm_mem)
			zygote_retire(z, "over --warm-memory");
	}
}
