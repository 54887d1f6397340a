/*
 * Child processes: starting a script with its descriptors wired and
 * nothing else inherited, tracking every child by pid until it is reaped,
 * and killing a child's whole process group.  A warm interpreter pool can
 * stand in for spawn_child(): callers only see the pid and three pipes.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "warmcgi.h"


static int	spawn_pipe(int [2], int, int);
static void	spawn_orphan(struct server *, pid_t, int, uint64_t);
static void	spawn_orphans_expire(struct server *, time_t);
static int	spawn_ended(pid_t, int *);
static time_t	spawn_now(void);
static void	spawn_detached_exit(struct child *, int, void *);

RB_GENERATE(child_tree, child, entry, child_cmp)

int
child_cmp(struct child *a, struct child *b)
{
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* A close-on-exec pipe whose parent end (0 or 1) is non-blocking. */
static int
spawn_pipe(int p[2], int parent_end, int big)
{
	int	 fl;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	/* Bigger pipes mean fewer wake-ups; the kernel may refuse. */
	if (big && fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE) == -1)
		(void)fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE / 4);
	if ((fl = fcntl(p[parent_end], F_GETFL)) == -1 ||
	    fcntl(p[parent_end], F_SETFL, fl | O_NONBLOCK) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return 0;
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
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	sigset_t			 none, all;
	struct child			*ch;
	int				 in[2] = { -1, -1 }, out[2] = { -1, -1 };
	int				 err[2] = { -1, -1 }, rc, saved;
	pid_t				 pid;

	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return NULL;
	if (spawn_pipe(in, 1, 1) == -1 || spawn_pipe(out, 0, 1) == -1 ||
	    spawn_pipe(err, 0, 0) == -1)
		goto fail;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	if (a->fd3 != -1)
		posix_spawn_file_actions_adddup2(&fa, a->fd3, 3);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	posix_spawn_file_actions_addclosefrom_np(&fa, a->fd3 != -1 ? 4 : 3);
#endif
	if (a->cwd != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, a->cwd);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);

	rc = posix_spawn(&pid, a->path, &fa, &at, a->argv, a->envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		srv->stats.spawn_failures++;
		errno = rc;
		goto fail;
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	fds[0] = in[1];
	fds[1] = out[0];
	fds[2] = err[0];

	ch->pid = pid;
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

/* Signal the child's whole process group. */
void
spawn_kill(pid_t pgid, int sig)
{
	if (pgid > 0 && kill(-pgid, sig) == -1 && errno == ESRCH)
		(void)kill(pgid, sig);
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
	ch->exit_cb = spawn_detached_exit;
	ch->arg = strdup(name);
}

static void
spawn_detached_exit(struct child *ch, int status, void *arg)
{
	const char	*name = arg != NULL ? arg : "script";

	if (WIFSIGNALED(status))
		log_info("%s[%d]: killed by signal %d after its response "
		    "ended", name, (int)ch->pid, WTERMSIG(status));
	else
		log_info("%s[%d]: exited with status %d after its response "
		    "ended", name, (int)ch->pid, WEXITSTATUS(status));
	free(arg);
}

/*
 * Track a process we did not start: a warm request process, the child of
 * zygote "via", which reports its exit status to us (spawn_exited); if the
 * zygote dies first, the process is reparented to us (a subreaper) and
 * reaped here.  Its exit may already have been reported before its pid
 * reached us: then 1 is returned with its wait status and nothing is
 * tracked.  With via 0 its zygote has gone: if it is not our child now,
 * its status went with the zygote and it ends as if killed.
 */
int
spawn_adopt(struct server *srv, pid_t pid, uint64_t via, child_exit_cb cb,
    void *arg, struct child **out, int *status)
{
	struct child	*ch;
	size_t		 i;

	*out = NULL;
	spawn_orphans_expire(srv, spawn_now());
	for (i = 0; i < srv->norphans; i++) {
		if (srv->orphans[i].pid != pid ||
		    (srv->orphans[i].via != 0 && srv->orphans[i].via != via))
			continue;
		*status = srv->orphans[i].status;
		srv->orphans[i] = srv->orphans[--srv->norphans];
		return 1;
	}
	if (via == 0 && spawn_ended(pid, status))
		return 1;
	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return -1;
	ch->pid = pid;
	ch->srv = srv;
	ch->exit_cb = cb;
	ch->arg = arg;
	ch->slot = 1;	/* reserved by the caller */
	ch->via = via;
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
 * An exit kept past ORPHAN_TTL was never claimed (its request gave up
 * waiting for the pid): drop it before the pid can be reused.
 */
static void
spawn_orphans_expire(struct server *srv, time_t now)
{
	size_t	 i, n = 0;

	for (i = 0; i < srv->norphans; i++)
		if (now - srv->orphans[i].at < ORPHAN_TTL)
			srv->orphans[n++] = srv->orphans[i];
	srv->norphans = n;
}

/* Remember the status of a pid nobody claimed yet; the oldest goes. */
static void
spawn_orphan(struct server *srv, pid_t pid, int status, uint64_t via)
{
	time_t	 now = spawn_now();

	spawn_orphans_expire(srv, now);
	if (srv->norphans == ORPHANS_MAX) {
		memmove(srv->orphans, srv->orphans + 1,
		    (ORPHANS_MAX - 1) * sizeof(srv->orphans[0]));
		srv->norphans--;
	}
	srv->orphans[srv->norphans].pid = pid;
	srv->orphans[srv->norphans].status = status;
	srv->orphans[srv->norphans].via = via;
	srv->orphans[srv->norphans].at = now;
	srv->norphans++;
}

/*
 * A process has exited: reaped by us (via 0), or reported by the zygote
 * whose child it was, which may speak only of its own.
 */
void
spawn_exited(struct server *srv, pid_t pid, int status, uint64_t via)
{
	struct child	 key, *ch;

	key.pid = pid;
	if ((ch = RB_FIND(child_tree, &srv->children, &key)) == NULL) {
		spawn_orphan(srv, pid, status, via);
		return;
	}
	if (via != 0 && ch->via != via) {
		log_warnx("zygote reported pid %d, not its own", (int)pid);
		return;
	}
	RB_REMOVE(child_tree, &srv->children, ch);
	if (ch->slot)
		spawn_slot_free(srv);
	if (ch->exit_cb != NULL)
		ch->exit_cb(ch, status, ch->arg);
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
	pid_t		 pid;
	int		 status;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		spawn_exited(srv, pid, status, 0);
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

void
spawn_kill_all(struct server *srv, int sig)
{
	struct child	*ch;

	RB_FOREACH(ch, child_tree, &srv->children)
		spawn_kill(ch->pid, sig);
}
