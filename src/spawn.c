/*
 * Child processes: starting a script with its descriptors wired and
 * nothing else inherited, tracking every child by pid until it is reaped,
 * and killing a child's whole process group.  A warm interpreter pool can
 * stand in for spawn_child(): callers only see the pid and three pipes.
 *
 * Scripts are started by a spawn of our own, not posix_spawn(): glibc's
 * leaves its internal signals (32 and 33) ignored in the child whatever
 * the attributes say, and exec keeps SIG_IGN.  A script must start as
 * after a plain fork and exec: every signal at default, an empty mask.
 *
 * A child is signalled only while it cannot have been reaped: our own
 * while it is in the tree (we are its only reaper), a zygote's through a
 * pidfd and only until its exit is reported.  The exits reported before
 * their pid was known wait in the orphan table, by (pid, reporter).
 *
 * A timed-out or aborted script is killed with what it started: its
 * process group, and every other process that descends from us (we are a
 * subreaper) and from the script, or still holds the script's output
 * pipes, found in /proc and signalled through a pidfd (spawn_kill_tree).
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "warmcgi.h"

#define SPAWN_NSIG	64		/* the kernel's signals are 1 .. 64 */
#define SPAWN_SIGSET	8		/* bytes of the kernel's sigset */
#define SPAWN_STACK	(64 * 1024)	/* the child's, until it execs */
#define SPAWN_NOFILE	(1 << 20)	/* closed at most, without close_range */
#define SPAWN_DEPTH	256		/* parent links followed, at most */
#define SPAWN_TERM_FDS	64		/* processes held from SIGTERM on */

/*
 * The child, between clone and exec, runs in our memory on its own stack
 * and may use only raw system calls: no allocation, no lock, no sanitizer
 * bookkeeping (its shadow writes would stay behind in ours).
 */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
#define SPAWN_RAW	__attribute__((no_sanitize("address", "undefined")))
#else
#define SPAWN_RAW
#endif

/* What the child needs; err is its errno if it could not exec. */
struct spawn_exec {
	const struct spawn_args	*a;
	int			 fd[4];		/* become 0, 1, 2 (and 3) */
	int			 nfd;
	volatile int		 err;
};

static int	spawn_pipe(int [2], int, int);
static pid_t	spawn_clone(struct spawn_exec *);
static int	spawn_exec(void *);
static void	spawn_close_from(int);
static int	spawn_pidfd(pid_t);
static int	spawn_pidfd_signal(int, int);
static void	spawn_orphan(struct server *, pid_t, int, uint64_t);
static int	spawn_orphan_claim(struct server *, pid_t, uint64_t, int *);
static void	spawn_orphans_expire(struct server *, time_t);
static void	spawn_child_free(struct server *, struct child *);
static struct child *spawn_start(struct server *, const struct spawn_args *,
		    int, int [3], child_exit_cb, void *);
static int	spawn_ended(pid_t, int *);
static void	spawn_exited_usage(struct server *, pid_t, int, uint64_t,
		    const struct rusage *);
static time_t	spawn_now(void);
static void	spawn_detached_exit(struct child *, int, void *);
static void	spawn_limits_add(struct spawn_limits *, int, uint64_t,
		    uint64_t);

/* One process as the tree walk sees it, from /proc/PID/stat. */
struct spawn_proc {
	pid_t		 pid, ppid, pgid;
	char		 state;		/* 'Z': a zombie, nothing to signal */
	int		 mine;		/* descends from us: 1, 0, -1 unknown */
	int		 in;		/* to be signalled */
};

/*
 * A termination under way: SIGTERM has been sent, SIGKILL follows after
 * the grace whether or not the child has been reaped meanwhile (what it
 * left behind is found again), and to what SIGTERM reached (pidfds).
 */
struct spawn_term {
	TAILQ_ENTRY(spawn_term)	 entry;
	struct server		*srv;
	struct child		*ch;		/* NULL once reaped */
	struct spawn_tree	 tree;
	struct event		*ev;
	int			 fd[SPAWN_TERM_FDS];
	int			 nfd;
	int			 grace;
	pid_t			 pid;
	char			*name;
};

static int	spawn_proc_read(pid_t, struct spawn_proc *);
static int	spawn_proc_cmp(const void *, const void *);
static struct spawn_proc *spawn_proc_find(struct spawn_proc *, size_t,
		    pid_t);
static int	spawn_procs(struct spawn_proc **, size_t *);
static int	spawn_proc_mine(struct spawn_proc *, size_t,
		    struct spawn_proc *, pid_t);
static int	spawn_proc_holds(pid_t, const struct spawn_tree *);
static int	spawn_tree_signal(struct server *, struct child *,
		    const struct spawn_tree *, int, struct spawn_term *);
static void	spawn_term_cb(evutil_socket_t, short, void *);
static void	spawn_term_free(struct spawn_term *);

/* One child runs on it at a time: the parent waits until it has exec'd. */
static char	spawn_stack[SPAWN_STACK] __attribute__((aligned(64)));

RB_GENERATE(child_tree, child, entry, child_cmp)
RB_GENERATE(orphan_tree, orphan, entry, orphan_cmp)

int
child_cmp(struct child *a, struct child *b)
{
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

int
orphan_cmp(struct orphan *a, struct orphan *b)
{
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->via < b->via ? -1 : a->via > b->via;
}

void
spawn_init(struct server *srv)
{
	RB_INIT(&srv->children);
	RB_INIT(&srv->orphans);
	TAILQ_INIT(&srv->orphans_age);
	TAILQ_INIT(&srv->terms);
	srv->norphans = 0;
}

/* At exit: what is still tracked is forgotten (and reaped by init). */
void
spawn_free(struct server *srv)
{
	struct child		*ch;
	struct orphan		*o;
	struct spawn_term	*t;

	while ((t = TAILQ_FIRST(&srv->terms)) != NULL)
		spawn_term_free(t);
	while ((ch = RB_MIN(child_tree, &srv->children)) != NULL)
		spawn_child_free(srv, ch);
	while ((o = TAILQ_FIRST(&srv->orphans_age)) != NULL) {
		TAILQ_REMOVE(&srv->orphans_age, o, age);
		RB_REMOVE(orphan_tree, &srv->orphans, o);
		free(o);
	}
	srv->norphans = 0;
}

static void
spawn_limits_add(struct spawn_limits *l, int resource, uint64_t soft,
    uint64_t hard)
{
	l->resource[l->n] = resource;
	l->rl[l->n][0] = soft;
	l->rl[l->n][1] = hard;
	l->n++;
}

/*
 * Once at start, after the descriptor limit was raised (listen.c): what
 * every script gets (--rlimit, --nice) and what a zygote gets (only the
 * descriptor limit as it was, soft, at our start: scripts must not
 * inherit our raised one).  A limit can only be lowered: a value above
 * our own hard limit, or a niceness below ours, is refused here rather
 * than failing every request later.  --rlimit sets the soft and the hard
 * limit alike, so a script cannot raise it back; cpu keeps one second
 * between them, the first bringing SIGXCPU and the second SIGKILL.
 */
int
spawn_limits_init(struct server *srv, unsigned long long nofile_soft)
{
	static const int	 res[RL_N] = { RLIMIT_CPU, RLIMIT_AS,
				    RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE };
	const struct config	*cfg = srv->cfg;
	struct spawn_limits	*s = &srv->lim_script, *z = &srv->lim_zygote;
	struct rlimit		 rl;
	unsigned long long	 v, hard;
	int			 i, prio;

	memset(s, 0, sizeof(*s));
	memset(z, 0, sizeof(*z));
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit");
		return -1;
	}
	spawn_limits_add(z, RLIMIT_NOFILE, nofile_soft, rl.rlim_max);
	if (!cfg->rlimit[RL_NOFILE].set)
		spawn_limits_add(s, RLIMIT_NOFILE, nofile_soft, rl.rlim_max);
	for (i = 0; i < RL_N; i++) {
		if (!cfg->rlimit[i].set)
			continue;
		if (getrlimit(res[i], &rl) == -1) {
			log_warn("getrlimit");
			return -1;
		}
		v = cfg->rlimit[i].value;
		if (v > rl.rlim_max) {
			log_warnx("--rlimit %s=%llu is above warmcgi's own hard "
			    "limit %llu: a limit can only be lowered",
			    config_rlimit_names[i], v,
			    (unsigned long long)rl.rlim_max);
			return -1;
		}
		hard = v;
		if (i == RL_CPU && v < rl.rlim_max)
			hard = v + 1;
		spawn_limits_add(s, res[i], v, hard);
	}
	if (cfg->nice_set) {
		errno = 0;
		prio = getpriority(PRIO_PROCESS, 0);
		if (errno == 0 && cfg->nice < prio) {
			log_warnx("--nice %d is below warmcgi's own niceness %d: "
			    "scripts can only be given less CPU", cfg->nice,
			    prio);
			return -1;
		}
		s->nice_set = 1;
		s->nice = cfg->nice;
	}
	return 0;
}

/* A close-on-exec pipe whose parent end (0 or 1) is non-blocking. */
static int
spawn_pipe(int p[2], int parent_end, int big)
{
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	/* Bigger pipes mean fewer wake-ups; the kernel may refuse. */
	if (big && fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE) == -1)
		(void)fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE / 4);
	/*
	 * A new pipe's end has no status flag set (O_CLOEXEC is a descriptor
	 * flag) and F_SETFL ignores the access mode: no F_GETFL first.
	 */
	if (fcntl(p[parent_end], F_SETFL, O_NONBLOCK) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return 0;
}

/*
 * In the child, sharing our memory until it execs.  Every disposition is
 * reset while all signals are still blocked (so no handler of ours can
 * run here), the mask is emptied only right before execve.  The pipes'
 * sources are all above 2 (main_fds_sane() keeps 0-2 open), so wiring
 * 0, 1, 2 in order clobbers none of them.
 */
static int SPAWN_RAW
spawn_exec(void *arg)
{
	static const unsigned long	 dfl[8];	/* SIG_DFL, no flags */
	static const uint64_t		 none;
	struct spawn_exec		*x = arg;
	const struct spawn_limits	*lim;
	long				 rc;
	int				 sig, fd, i;

	for (sig = 1; sig <= SPAWN_NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)syscall(SYS_rt_sigaction, sig, dfl, NULL,
			    SPAWN_SIGSET);
	if (syscall(SYS_setpgid, 0, 0) == -1)
		goto fail;
	if (x->a->cwd != NULL && syscall(SYS_chdir, x->a->cwd) == -1)
		goto fail;
	for (fd = 0; fd < x->nfd; fd++) {
		/* dup3 refuses a no-op; then only close-on-exec goes. */
		if (x->fd[fd] == fd)
			rc = syscall(SYS_fcntl, fd, F_SETFD, 0);
		else
			rc = syscall(SYS_dup3, x->fd[fd], fd, 0);
		if (rc == -1)
			goto fail;
	}
	spawn_close_from(x->nfd);
	/* After the closing, which may read the old descriptor limit. */
	if ((lim = x->a->lim) != NULL) {
		for (i = 0; i < lim->n; i++)
			if (syscall(SYS_prlimit64, 0, lim->resource[i],
			    lim->rl[i], NULL) == -1)
				goto fail;
		if (lim->nice_set && syscall(SYS_setpriority, PRIO_PROCESS, 0,
		    lim->nice) == -1)
			goto fail;
	}
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL,
	    SPAWN_SIGSET) == -1)
		goto fail;
	(void)syscall(SYS_execve, x->a->path, x->a->argv, x->a->envp);
fail:
	x->err = errno;
	(void)syscall(SYS_exit_group, 127);
	return 127;
}

/*
 * Every descriptor from first up, whether or not it is close-on-exec:
 * close_range (Linux 5.9), else one by one up to the descriptor limit.
 */
static void SPAWN_RAW
spawn_close_from(int first)
{
	uint64_t	 rl[2];		/* the kernel's struct rlimit64 */
	unsigned long	 fd, end = SPAWN_NOFILE;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned int)first, ~0U, 0) == 0)
		return;
#endif
	if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, rl) == 0 &&
	    rl[0] < end)
		end = (unsigned long)rl[0];
	for (fd = (unsigned long)first; fd < end; fd++)
		(void)syscall(SYS_close, fd);
}

/*
 * clone(CLONE_VM | CLONE_VFORK) as posix_spawn does, with every signal
 * blocked around it (the child inherits the mask, so none of our handlers
 * runs in it).  Returns once the child has exec'd or exited.
 */
static pid_t
spawn_clone(struct spawn_exec *x)
{
	uint64_t	 all = ~(uint64_t)0, old;
	pid_t		 pid;
	int		 saved;

	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old,
	    SPAWN_SIGSET) == -1)
		return -1;
	pid = clone(spawn_exec, spawn_stack + sizeof(spawn_stack),
	    CLONE_VM | CLONE_VFORK | SIGCHLD, x);
	saved = errno;
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL,
	    SPAWN_SIGSET);
	errno = saved;
	return pid;
}

/*
 * Start a script.  The child gets the pipes as 0, 1 and 2 and no other
 * descriptor, an empty signal mask with every disposition at default, its
 * own process group (so a kill reaches everything it starts) and the
 * given working directory.  fds[] receives the parent's ends: the script's
 * stdin (write), stdout and stderr (read).  On failure errno says why; for
 * a failed exec it is the exec's errno.
 */
struct child *
spawn_child(struct server *srv, const struct spawn_args *a, int fds[3],
    child_exit_cb cb, void *arg)
{
	return spawn_start(srv, a, -1, fds, cb, arg);
}

/*
 * Start a server process (a php-cgi worker, php.c): fd0 becomes its fd 0,
 * its stdout and stderr share one pipe whose read end is *errfd.  It takes
 * no script slot: the requests it serves hold theirs.
 */
struct child *
spawn_server(struct server *srv, const struct spawn_args *a, int fd0,
    int *errfd, child_exit_cb cb, void *arg)
{
	struct child	*ch;
	int		 fds[3];

	if ((ch = spawn_start(srv, a, fd0, fds, cb, arg)) == NULL)
		return NULL;
	ch->slot = 0;
	srv->nchildren--;
	*errfd = fds[2];
	return ch;
}

static struct child *
spawn_start(struct server *srv, const struct spawn_args *a, int fd0,
    int fds[3], child_exit_cb cb, void *arg)
{
	struct spawn_exec	 x;
	struct child		*ch;
	int			 in[2] = { -1, -1 }, out[2] = { -1, -1 };
	int			 err[2] = { -1, -1 }, rc, saved, status;
	pid_t			 pid;

	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return NULL;
	if ((fd0 == -1 && (spawn_pipe(in, 1, 1) == -1 ||
	    spawn_pipe(out, 0, 1) == -1)) || spawn_pipe(err, 0, 0) == -1)
		goto fail;

	memset(&x, 0, sizeof(x));
	x.a = a;
	x.fd[0] = fd0 != -1 ? fd0 : in[0];
	x.fd[1] = fd0 != -1 ? err[1] : out[1];
	x.fd[2] = err[1];
	x.fd[3] = a->fd3;
	x.nfd = a->fd3 != -1 ? 4 : 3;
	if ((pid = spawn_clone(&x)) == -1) {
		srv->stats.spawn_failures++;
		goto fail;
	}
	if (x.err != 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		srv->stats.spawn_failures++;
		errno = x.err;
		goto fail;
	}
	if (fd0 == -1) {
		close(in[0]);
		close(out[1]);
	}
	close(err[1]);
	fds[0] = in[1];
	fds[1] = out[0];
	fds[2] = err[0];

	ch->pid = pid;
	ch->pidfd = -1;	/* ours: in the tree, it cannot have been reaped */
	ch->srv = srv;
	ch->exit_cb = cb;
	ch->arg = arg;
	ch->slot = 1;
	RB_INSERT(child_tree, &srv->children, ch);
	srv->nchildren++;
	srv->stats.spawned_total++;
	return ch;
fail:
	saved = errno;
	for (rc = 0; rc < 2; rc++) {
		if (in[rc] != -1)
			close(in[rc]);
		if (out[rc] != -1)
			close(out[rc]);
		if (err[rc] != -1)
			close(err[rc]);
	}
	free(ch);
	errno = saved;
	return NULL;
}

/* A pidfd for a process, -1 without (Linux before 5.3). */
static int
spawn_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int
spawn_pidfd_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
	(void)pidfd;
	(void)sig;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Signal a tracked child and its process group; NULL (reaped, reported,
 * or never known) is signalled no more.  Our own child cannot be reaped
 * while it is in the tree, so neither its pid nor its group id (a group
 * id stays taken while its leader is unreaped) can have been reused.  A
 * zygote's child is reaped by the zygote: its pidfd pins it, and its
 * group is signalled only while the pidfd says it has not been reaped.
 */
void
spawn_kill(struct child *ch, int sig)
{
	if (ch == NULL || ch->pid <= 0)
		return;
	if (ch->pidfd != -1) {
		if (spawn_pidfd_signal(ch->pidfd, 0) == 0)
			(void)kill(-ch->pid, sig);
		(void)spawn_pidfd_signal(ch->pidfd, sig);
		return;
	}
	/*
	 * Without pidfds a zygote's child is signalled by pid while its exit
	 * is unreported, as the best we can do on an old kernel.
	 */
	if (kill(-ch->pid, sig) == -1 && errno == ESRCH)
		(void)kill(ch->pid, sig);
}

/* The owner has gone: the child is still reaped, nobody is told. */
void
spawn_disown(struct child *ch)
{
	ch->exit_cb = NULL;
	ch->arg = NULL;
}

/*
 * The request has ended but its process runs on: it stays tracked (a slot,
 * killed at shutdown) and its exit is logged under its name.
 */
void
spawn_detach(struct child *ch, const char *name)
{
	char	*who;

	if (asprintf(&who, "%s[%d]", name, (int)ch->pid) == -1)
		who = NULL;
	ch->exit_cb = spawn_detached_exit;
	ch->arg = who;
}

static void
spawn_detached_exit(struct child *ch, int status, void *arg)
{
	const char	*who = arg != NULL ? arg : "script";

	(void)ch;
	if (WIFSIGNALED(status))
		log_info("%s: killed by signal %d after its response ended",
		    who, WTERMSIG(status));
	else
		log_info("%s: exited with status %d after its response ended",
		    who, WEXITSTATUS(status));
	free(arg);
}

/*
 * Track a process we did not start: a warm request process, the child of
 * zygote "via", which reports its exit status to us (spawn_exited); if the
 * zygote dies first ("gone"), the process is reparented to us (a
 * subreaper) and reaped here.  Its exit may already have been reported
 * before its pid reached us, by its zygote or (that zygote gone) by our
 * reap: then 1 is returned with its wait status and nothing is tracked.
 * With its zygote gone, a process that is not our child now took its
 * status with the zygote and ends as if killed.  -1: no memory; the
 * process is then killed, as it could not be tracked.
 */
int
spawn_adopt(struct server *srv, pid_t pid, uint64_t via, int gone,
    child_exit_cb cb, void *arg, struct child **out, int *status)
{
	struct child	*ch;
	int		 fd;

	*out = NULL;
	spawn_orphans_expire(srv, spawn_now());
	if (spawn_orphan_claim(srv, pid, via, status) ||
	    (gone && spawn_orphan_claim(srv, pid, 0, status)))
		return 1;
	if (gone && spawn_ended(pid, status))
		return 1;
	/* Unreported, so not reaped a moment ago but by a hair's breadth. */
	fd = spawn_pidfd(pid);
	if ((ch = calloc(1, sizeof(*ch))) == NULL) {
		if (fd != -1) {
			(void)spawn_pidfd_signal(fd, SIGKILL);
			close(fd);
		} else if (gone)
			(void)kill(pid, SIGKILL);	/* our unreaped child */
		return -1;
	}
	ch->pid = pid;
	ch->pidfd = fd;
	ch->srv = srv;
	ch->exit_cb = cb;
	ch->arg = arg;
	ch->slot = 1;	/* reserved by the caller */
	ch->via = gone ? 0 : via;
	RB_INSERT(child_tree, &srv->children, ch);
	*out = ch;
	return 0;
}

static time_t
spawn_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * An exit kept past ORPHAN_TTL was never claimed: a request waits for its
 * pid WARM_PID_TIMEOUT at most, so nobody can claim it any more.  Drop it
 * before the pid can be reused.
 */
static void
spawn_orphans_expire(struct server *srv, time_t now)
{
	struct orphan	*o;

	while ((o = TAILQ_FIRST(&srv->orphans_age)) != NULL &&
	    now - o->at >= ORPHAN_TTL) {
		TAILQ_REMOVE(&srv->orphans_age, o, age);
		RB_REMOVE(orphan_tree, &srv->orphans, o);
		free(o);
		srv->norphans--;
	}
}

/*
 * Remember the status of a pid nobody claimed yet.  Nothing is evicted
 * early: what a waiting request needs stays until it is claimed or
 * expires, so the table holds at most the exits of ORPHAN_TTL seconds.
 */
static void
spawn_orphan(struct server *srv, pid_t pid, int status, uint64_t via)
{
	struct orphan	 key, *o;
	time_t		 now = spawn_now();

	spawn_orphans_expire(srv, now);
	key.pid = pid;
	key.via = via;
	if ((o = RB_FIND(orphan_tree, &srv->orphans, &key)) != NULL)
		TAILQ_REMOVE(&srv->orphans_age, o, age);  /* reused: newer */
	else {
		if ((o = calloc(1, sizeof(*o))) == NULL) {
			log_warn("pid %d: its exit status is lost", (int)pid);
			return;
		}
		o->pid = pid;
		o->via = via;
		RB_INSERT(orphan_tree, &srv->orphans, o);
		srv->norphans++;
	}
	o->status = status;
	o->at = now;
	TAILQ_INSERT_TAIL(&srv->orphans_age, o, age);
}

/* Take the exit of pid reported by via (0: reaped by us), if kept. */
static int
spawn_orphan_claim(struct server *srv, pid_t pid, uint64_t via, int *status)
{
	struct orphan	 key, *o;

	key.pid = pid;
	key.via = via;
	if ((o = RB_FIND(orphan_tree, &srv->orphans, &key)) == NULL)
		return 0;
	*status = o->status;
	TAILQ_REMOVE(&srv->orphans_age, o, age);
	RB_REMOVE(orphan_tree, &srv->orphans, o);
	free(o);
	srv->norphans--;
	return 1;
}

/* Untrack a child, whose slot is free again. */
static void
spawn_child_free(struct server *srv, struct child *ch)
{
	RB_REMOVE(child_tree, &srv->children, ch);
	if (ch->term != NULL)
		ch->term->ch = NULL;
	if (ch->slot)
		srv->nchildren--;
	if (ch->pidfd != -1)
		close(ch->pidfd);
	free(ch);
}

/*
 * A process has exited: reaped by us (via 0), or reported by the zygote
 * whose child it was, which may speak only of its own.
 */
void
spawn_exited(struct server *srv, pid_t pid, int status, uint64_t via)
{
	spawn_exited_usage(srv, pid, status, via, NULL);
}

/* The same, with what the process used when we reaped it ourselves. */
static void
spawn_exited_usage(struct server *srv, pid_t pid, int status, uint64_t via,
    const struct rusage *ru)
{
	struct child	 key, *ch;
	child_exit_cb	 cb;
	void		*arg;

	key.pid = pid;
	if ((ch = RB_FIND(child_tree, &srv->children, &key)) == NULL) {
		spawn_orphan(srv, pid, status, via);
		return;
	}
	if (via != 0 && ch->via != via) {
		log_warnx("zygote reported pid %d, not its own", (int)pid);
		return;
	}
	/* Out of the tree first: nothing may signal it from the callback. */
	RB_REMOVE(child_tree, &srv->children, ch);
	if (ch->term != NULL)
		ch->term->ch = NULL;
	if (ch->slot)
		spawn_slot_free(srv);
	if (ch->pidfd != -1)
		close(ch->pidfd);
	ch->pidfd = -1;
	ch->pid = 0;
	cb = ch->exit_cb;
	arg = ch->arg;
	ch->usage = ru;
	if (cb != NULL)
		cb(ch, status, arg);
	free(ch);
}

/*
 * Zygote "via" has exited and been reaped, after everything it wrote was
 * read: its children still running are ours now; one it reaped without a
 * word is gone for good, and ends as if killed.
 */
void
spawn_lost(struct server *srv, uint64_t via)
{
	struct child	*ch;
	pid_t		 pid;
	int		 status;

	/* Afresh after each: an owner told of an exit may change the tree. */
	for (;;) {
		RB_FOREACH(ch, child_tree, &srv->children)
			if (ch->via == via)
				break;
		if (ch == NULL)
			return;
		ch->via = 0;
		pid = ch->pid;
		if (spawn_ended(pid, &status))
			spawn_exited(srv, pid, status, 0);
	}
}

/*
 * Whether a process whose zygote has gone has ended, with its status: it
 * is either our child now (reaped here if it has exited) or, if not, its
 * status went with the zygote and it ends as if killed.
 */
static int
spawn_ended(pid_t pid, int *status)
{
	pid_t	 got;

	if ((got = waitpid(pid, status, WNOHANG)) == 0)
		return 0;
	if (got == pid)
		return 1;
	log_warnx("pid %d: its exit status went with its zygote", (int)pid);
	*status = SIGKILL;
	return 1;
}

/* Collect every exited child (on SIGCHLD) and tell its owner. */
void
spawn_reap(struct server *srv)
{
	struct rusage	 ru;
	pid_t		 pid;
	int		 status;

	for (;;) {
		pid = wait4(-1, &status, WNOHANG, &ru);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		spawn_exited_usage(srv, pid, status, 0, &ru);
	}
}

/*
 * The one place a script slot (-c) is given back, whatever freed it: a
 * reap, a zygote's exit report, a warm start that never got a process.
 * The wait queue is served from the loop, never from inside the caller.
 */
void
spawn_slot_free(struct server *srv)
{
	srv->nchildren--;
	if (srv->ev_dispatch != NULL && !TAILQ_EMPTY(&srv->waitq))
		event_active(srv->ev_dispatch, EV_TIMEOUT, 0);
}

/* Everything, at shutdown; a SIGKILL pending after a SIGTERM goes now. */
void
spawn_kill_all(struct server *srv, int sig)
{
	struct child		*ch;
	struct spawn_term	*t;

	if (sig == SIGKILL)
		while ((t = TAILQ_FIRST(&srv->terms)) != NULL)
			spawn_term_cb(-1, 0, t);
	RB_FOREACH(ch, child_tree, &srv->children)
		spawn_kill(ch, sig);
}

/* A signal's name for log lines, "SIGSEGV"; NULL if it has none here. */
const char *
spawn_signame(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT",
		[SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
		[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
		[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",
		[SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",
		[SIGTERM] = "SIGTERM", [SIGCHLD] = "SIGCHLD",
		[SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
		[SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
		[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG",
		[SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
		[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
		[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO",
		[SIGSYS] = "SIGSYS",
#ifdef SIGSTKFLT
		[SIGSTKFLT] = "SIGSTKFLT",
#endif
#ifdef SIGPWR
		[SIGPWR] = "SIGPWR",
#endif
	};

	if (sig <= 0 || (size_t)sig >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[sig];
}

/* pid, state, parent and group of a process; -1 if it has gone. */
static int
spawn_proc_read(pid_t pid, struct spawn_proc *p)
{
	char	 path[64], buf[512], *s;
	ssize_t	 n;
	int	 fd, ppid, pgid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The name in parentheses may hold anything: after the last ')'. */
	if ((s = strrchr(buf, ')')) == NULL ||
	    sscanf(s + 1, " %c %d %d", &p->state, &ppid, &pgid) != 3)
		return -1;
	p->pid = pid;
	p->ppid = ppid;
	p->pgid = pgid;
	p->mine = -1;
	p->in = 0;
	return 0;
}

static int
spawn_proc_cmp(const void *a, const void *b)
{
	const struct spawn_proc	*x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static struct spawn_proc *
spawn_proc_find(struct spawn_proc *ps, size_t n, pid_t pid)
{
	struct spawn_proc	 key;

	key.pid = pid;
	return bsearch(&key, ps, n, sizeof(*ps), spawn_proc_cmp);
}

/* Every process in /proc, sorted by pid. */
static int
spawn_procs(struct spawn_proc **out, size_t *nout)
{
	struct spawn_proc	*ps = NULL, *np;
	struct dirent		*de;
	const char		*errstr;
	DIR			*d;
	size_t			 n = 0, cap = 0;
	long long		 pid;

	*out = NULL;
	*nout = 0;
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		pid = strtonum(de->d_name, 1, INT32_MAX, &errstr);
		if (errstr != NULL)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			if ((np = reallocarray(ps, cap, sizeof(*ps))) == NULL) {
				free(ps);
				closedir(d);
				return -1;
			}
			ps = np;
		}
		if (spawn_proc_read((pid_t)pid, &ps[n]) == 0)
			n++;
	}
	closedir(d);
	qsort(ps, n, sizeof(*ps), spawn_proc_cmp);
	*out = ps;
	*nout = n;
	return 0;
}

/* Whether p descends from us, following the parent links we read. */
static int
spawn_proc_mine(struct spawn_proc *ps, size_t n, struct spawn_proc *p,
    pid_t self)
{
	struct spawn_proc	*q = p;
	int			 depth, mine = 0;

	for (depth = 0; q != NULL && depth < SPAWN_DEPTH; depth++) {
		if (q->mine != -1) {
			mine = q->mine;
			break;
		}
		if (q->ppid == self) {
			mine = 1;
			break;
		}
		if (q->ppid <= 1)
			break;
		q = spawn_proc_find(ps, n, q->ppid);
	}
	p->mine = mine;
	return mine;
}

/* Whether a process holds one of the script's output pipes open. */
static int
spawn_proc_holds(pid_t pid, const struct spawn_tree *tree)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[64], link[64], *b;
	unsigned long long ino;
	ssize_t		 n;
	int		 found = 0;

	if (tree == NULL || (tree->ino[0] == 0 && tree->ino[1] == 0))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		/* "pipe:[INODE]", or "socket:[INODE]" for a warm request. */
		if ((b = strchr(link, '[')) == NULL ||
		    sscanf(b, "[%llu]", &ino) != 1)
			continue;
		found = ino != 0 && (ino == (unsigned long long)tree->ino[0] ||
		    ino == (unsigned long long)tree->ino[1]);
	}
	closedir(d);
	return found;
}

/*
 * Signal a script and what it started: the tracked child ch (its group
 * through spawn_kill), and every process that descends from us and is in
 * the script's group (while that number cannot be another script's),
 * holds its output pipes, or descends from one of these.  A process is
 * signalled through a pidfd, after reading again that it is still the one
 * found; without pidfds only our own unreaped children are.  Another
 * tracked child (a script, a zygote) is never one of them.  keep, if
 * given, takes the pidfds of what was signalled.  Returns how many live
 * processes were signalled.
 */
static int
spawn_tree_signal(struct server *srv, struct child *ch,
    const struct spawn_tree *tree, int sig, struct spawn_term *keep)
{
	struct spawn_proc	*ps, *p, *q, now;
	struct child		 key, *other;
	pid_t			 self = getpid(), pgid = tree->pgid;
	size_t			 n, i;
	int			 changed, count = 0, fd;

	if (ch != NULL && ch->pidfd != -1 &&
	    spawn_pidfd_signal(ch->pidfd, 0) == -1)
		ch = NULL;	/* reaped by its zygote: its number is free */
	if (ch != NULL) {
		spawn_kill(ch, sig);
		pgid = ch->pid;
	}
	if (spawn_procs(&ps, &n) == -1) {
		log_warn("/proc: cannot look for what the script started");
		return ch != NULL;
	}
	/* A group whose leader is gone is trusted while no other has it. */
	key.pid = pgid;
	if (pgid > 0 && ch == NULL &&
	    RB_FIND(child_tree, &srv->children, &key) != NULL)
		pgid = 0;
	for (i = 0; i < n; i++) {
		p = &ps[i];
		key.pid = p->pid;
		other = RB_FIND(child_tree, &srv->children, &key);
		if (p->pid == self || (other != NULL && other != ch))
			p->mine = 0;
		else if (ch != NULL && p->pid == ch->pid) {
			p->in = 1;
			count += p->state != 'Z';
		} else if (spawn_proc_mine(ps, n, p, self) &&
		    ((pgid > 0 && p->pgid == pgid) ||
		    spawn_proc_holds(p->pid, tree)))
			p->in = 2;
	}
	do {
		changed = 0;
		for (i = 0; i < n; i++) {
			p = &ps[i];
			if (p->in || p->pid == self)
				continue;
			key.pid = p->pid;
			if ((other = RB_FIND(child_tree, &srv->children,
			    &key)) != NULL && other != ch)
				continue;
			if ((q = spawn_proc_find(ps, n, p->ppid)) != NULL &&
			    q->in) {
				p->in = 2;
				changed = 1;
			}
		}
	} while (changed);
	for (i = 0; i < n; i++) {
		p = &ps[i];
		if (p->in != 2 || p->state == 'Z')
			continue;
		if ((fd = spawn_pidfd(p->pid)) == -1) {
			/* Our unreaped child: its pid cannot be reused. */
			if (p->ppid == self && kill(p->pid, sig) == 0)
				count++;
			continue;
		}
		if (spawn_proc_read(p->pid, &now) == 0 &&
		    now.ppid == p->ppid && now.pgid == p->pgid &&
		    spawn_pidfd_signal(fd, sig) == 0) {
			count++;
			if (keep != NULL && keep->nfd < SPAWN_TERM_FDS) {
				keep->fd[keep->nfd++] = fd;
				fd = -1;
			}
		}
		if (fd != -1)
			close(fd);
	}
	free(ps);
	return count;
}

/* SIGKILL now to a script and everything it started (see above). */
int
spawn_kill_tree(struct server *srv, struct child *ch,
    const struct spawn_tree *tree, int sig)
{
	return spawn_tree_signal(srv, ch, tree, sig, NULL);
}

/*
 * The kill policy of a time-out: SIGTERM to the script and what it
 * started, SIGKILL grace seconds later to whatever of it is left, whether
 * or not the script itself has exited meanwhile.  With no grace, or no
 * memory for the wait, SIGKILL at once.
 */
void
spawn_terminate(struct server *srv, struct child *ch,
    const struct spawn_tree *tree, int grace, const char *name)
{
	struct spawn_term	*t;
	struct timeval		 tv = { grace, 0 };

	if (grace <= 0 || (ch != NULL && ch->term != NULL) ||
	    (t = calloc(1, sizeof(*t))) == NULL) {
		(void)spawn_tree_signal(srv, ch, tree, SIGKILL, NULL);
		return;
	}
	t->srv = srv;
	t->tree = *tree;
	t->grace = grace;
	t->pid = ch != NULL ? ch->pid : tree->pgid;
	if ((t->name = strdup(name)) == NULL ||
	    (t->ev = evtimer_new(srv->base, spawn_term_cb, t)) == NULL) {
		free(t->name);
		free(t);
		(void)spawn_tree_signal(srv, ch, tree, SIGKILL, NULL);
		return;
	}
	TAILQ_INSERT_TAIL(&srv->terms, t, entry);
	if (ch != NULL) {
		t->ch = ch;
		ch->term = t;
	}
	(void)spawn_tree_signal(srv, ch, tree, SIGTERM, t);
	evtimer_add(t->ev, &tv);
}

static void
spawn_term_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct spawn_term	*t = arg;
	int			 i, n;

	(void)fd;
	(void)ev;
	n = spawn_tree_signal(t->srv, t->ch, &t->tree, SIGKILL, NULL);
	for (i = 0; i < t->nfd; i++)
		(void)spawn_pidfd_signal(t->fd[i], SIGKILL);
	if (n > 0)
		log_warnx("%s[%d]: %d process%s still running %d s after "
		    "SIGTERM (--kill-grace): SIGKILL", t->name, (int)t->pid,
		    n, n == 1 ? "" : "es", t->grace);
	spawn_term_free(t);
}

static void
spawn_term_free(struct spawn_term *t)
{
	int	 i;

	TAILQ_REMOVE(&t->srv->terms, t, entry);
	if (t->ch != NULL)
		t->ch->term = NULL;
	for (i = 0; i < t->nfd; i++)
		close(t->fd[i]);
	event_free(t->ev);
	free(t->name);
	free(t);
}

/* A process's resident set size in bytes, from /proc; -1 if unknown. */
long long
spawn_rss(pid_t pid)
{
	char		 path[64];
	long long	 size, rss;
	FILE		*f;
	int		 ok;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	ok = fscanf(f, "%lld %lld", &size, &rss) == 2;
	fclose(f);
	return ok ? rss * sysconf(_SC_PAGESIZE) : -1;
}
