/*
 * main: options, descriptors 0-2, listeners, signals and the event loop,
 * and the orderly shutdown: stop accepting, let requests finish within the
 * grace period, then kill what is left and reap it.
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libutil.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "warmcgi.h"

#define SHUTDOWN_POLL_MS	100

static void	main_signal_cb(evutil_socket_t, short, void *);
static void	main_shutdown(struct server *);
static void	main_shutdown_cb(evutil_socket_t, short, void *);
static void	main_fds_sane(void);
static void	main_priv_check(struct config *);
static void	main_priv_drop(const struct config *);

/*
 * Before anything is opened: refuse to run scripts as root unless told
 * to, and resolve the -r roots once (a request compares real paths).
 */
static void
main_priv_check(struct config *cfg)
{
	char	*real;
	size_t	 i;

	if (geteuid() == 0 && (cfg->user == NULL || cfg->uid == 0) &&
	    !cfg->allow_root)
		fatalx("refusing to run scripts as root: give -u USER (and "
		    "-g GROUP) to run as an unprivileged user, or "
		    "--allow-root");
	if (geteuid() != 0 && cfg->user != NULL && (cfg->uid != getuid() ||
	    cfg->gid != getgid()))
		fatalx("-u %s%s%s: only root can change user or group",
		    cfg->user, cfg->group != NULL ? " -g " : "",
		    cfg->group != NULL ? cfg->group : "");
	for (i = 0; i < cfg->nroots; i++) {
		if ((real = realpath(cfg->roots[i], NULL)) == NULL)
			fatal("-r %s", cfg->roots[i]);
		if (!cfg->roots_resolved) {
			/* From here config_free() frees them all. */
			cfg->roots_resolved = 1;
			memset(cfg->roots, 0, cfg->nroots * sizeof(*cfg->roots));
		}
		cfg->roots[i] = real;
	}
}

/*
 * -u and -g, once the sockets are open and before anything is accepted or
 * run: the user's groups (initgroups, as login does), then gid, then uid,
 * all three of each; then read back, and make sure root cannot be had
 * again.  Any failure is fatal: better not to start than to run as root.
 */
static void
main_priv_drop(const struct config *cfg)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg;

	if (cfg->user == NULL || geteuid() != 0)
		return;
	if (initgroups(cfg->user, cfg->gid) == -1)
		fatal("-u %s: initgroups", cfg->user);
	if (setresgid(cfg->gid, cfg->gid, cfg->gid) == -1)
		fatal("-u %s: setresgid %d", cfg->user, (int)cfg->gid);
	if (setresuid(cfg->uid, cfg->uid, cfg->uid) == -1)
		fatal("-u %s: setresuid %d", cfg->user, (int)cfg->uid);
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		fatal("getresuid");
	if (ru != cfg->uid || eu != cfg->uid || su != cfg->uid ||
	    rg != cfg->gid || eg != cfg->gid || sg != cfg->gid)
		fatalx("-u %s: the user and group did not change", cfg->user);
	if (cfg->uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		fatalx("-u %s: root could be regained", cfg->user);
	if (cfg->gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
		fatalx("-u %s: group 0 could be regained", cfg->user);
	/* Scripts run as this user too: they may not trace us. */
	if (prctl(PR_SET_DUMPABLE, 0) == -1)
		fatal("PR_SET_DUMPABLE");
	log_info("running as %s (uid %d, gid %d)", cfg->user, (int)cfg->uid,
	    (int)cfg->gid);
}

/* Make sure 0, 1 and 2 are open so no socket or pipe lands there. */
static void
main_fds_sane(void)
{
	int	 fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			fatal("/dev/null");
	}
}

static void
main_signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct server	*srv = arg;

	(void)ev;
	switch (sig) {
	case SIGCHLD:
		spawn_reap(srv);
		break;
	case SIGTERM:
	case SIGINT:
		if (srv->stopping) {
			log_info("second signal: killing all scripts");
			srv->deadline_passed = 1;
			spawn_kill_all(srv, SIGKILL);
			break;
		}
		log_info("signal %d: shutting down, %d requests in flight",
		    (int)sig, srv->nchildren + srv->nwaiting);
		main_shutdown(srv);
		break;
	case SIGHUP:
		/* Logs are reopened (rotation); counters stay as they are. */
		accesslog_reopen(srv);
		break;
	}
}

static void
main_shutdown(struct server *srv)
{
	struct conn	*c, *next;
	struct timeval	 tv = { 0, SHUTDOWN_POLL_MS * 1000 };

	srv->stopping = 1;
	clock_gettime(CLOCK_MONOTONIC, &srv->stop_start);
	listen_close_all(srv);
	warm_shutdown(srv);
	php_shutdown(srv);
	TAILQ_FOREACH_SAFE(c, &srv->conns, entry, next)
		conn_stop(c);
	srv->ev_grace = evtimer_new(srv->base, main_shutdown_cb, srv);
	if (srv->ev_grace == NULL)
		fatalx("out of memory");
	evtimer_add(srv->ev_grace, &tv);
}

/* Polled during shutdown: done when nothing runs, forced after grace. */
static void
main_shutdown_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct server	*srv = arg;
	struct conn	*c, *next;
	struct timespec	 now;
	struct timeval	 tv = { 0, SHUTDOWN_POLL_MS * 1000 };
	double		 elapsed;

	(void)fd;
	(void)ev;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (double)(now.tv_sec - srv->stop_start.tv_sec) +
	    (double)(now.tv_nsec - srv->stop_start.tv_nsec) / 1e9;
	if (srv->nconns == 0 && RB_EMPTY(&srv->children)) {
		event_base_loopbreak(srv->base);
		return;
	}
	if (!srv->deadline_passed && elapsed >= srv->cfg->grace_sec) {
		log_warnx("grace period over: killing %d scripts, closing %d "
		    "connections", srv->nchildren, srv->nconns);
		srv->deadline_passed = 1;
		spawn_kill_all(srv, SIGKILL);
		TAILQ_FOREACH_SAFE(c, &srv->conns, entry, next)
			conn_close(c, "shutting down");
	}
	if (srv->deadline_passed && srv->nconns > 0) {
		TAILQ_FOREACH_SAFE(c, &srv->conns, entry, next)
			conn_close(c, "shutting down");
	}
	if (elapsed >= srv->cfg->grace_sec + REAP_WAIT_SEC) {
		log_warnx("%d scripts not reaped at exit", srv->nchildren);
		event_base_loopbreak(srv->base);
		return;
	}
	evtimer_add(srv->ev_grace, &tv);
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct server	 srv;
	struct pidfh	*pfh = NULL;
	pid_t		 other;
	unsigned long long nofile;
	struct event	*sigs[4];
	const int	 signos[4] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };
	int		 i, rc = 1;

	config_init(&cfg);
	switch (config_parse(&cfg, argc, argv)) {
	case CONFIG_EXIT:
		config_free(&cfg);
		return 0;
	case CONFIG_ERROR:
		config_free(&cfg);
		return 1;
	}
	if (cfg.check) {
		/* Reads scripts, runs nothing, serves nothing. */
		rc = check_run(&cfg);
		config_free(&cfg);
		return rc;
	}
	if (config_env(&cfg) == -1) {
		config_free(&cfg);
		return 1;
	}
	log_init(cfg.verbose, cfg.syslog, "warmcgi");
	main_priv_check(&cfg);
	main_fds_sane();
	/* Before any socket: a second instance says why it will not run. */
	if (cfg.pidfile != NULL) {
		if ((pfh = pidfile_open(cfg.pidfile, 0644, &other)) == NULL) {
			if (errno == EEXIST)
				log_warnx("--pidfile %s: warmcgi is already "
				    "running as pid %d", cfg.pidfile,
				    (int)other);
			else
				log_warn("--pidfile %s", cfg.pidfile);
			config_free(&cfg);
			return 1;
		}
		if (pidfile_write(pfh) == -1) {
			log_warn("--pidfile %s", cfg.pidfile);
			pidfile_remove(pfh);
			config_free(&cfg);
			return 1;
		}
	}
	if (listen_fd_budget(&cfg, &nofile) == -1) {
		if (pfh != NULL)
			pidfile_remove(pfh);
		config_free(&cfg);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
#ifdef M_TRIM_THRESHOLD
	/*
	 * Streamed data passes through 64 KiB buffers that are freed as soon
	 * as they are written: without this, glibc gives the top of the heap
	 * back after most of them and the next read faults fresh pages in;
	 * past its mmap threshold (a fixed one, once the trim threshold is
	 * set) each buffer would be a mmap and a munmap.  What is kept is
	 * bounded by the buffer limits.
	 */
	(void)mallopt(M_TRIM_THRESHOLD, MALLOC_KEEP);
	(void)mallopt(M_MMAP_THRESHOLD, MALLOC_KEEP / 8);
#endif
#ifndef EVENT__DISABLE_MM_REPLACEMENT
	/*
	 * libevent's own calloc() (every evbuffer, eight a request) goes
	 * past glibc's per-thread cache, which only malloc() uses; given
	 * malloc, libevent zeroes what it gets itself.  Before any event.
	 */
	event_set_mem_functions(malloc, realloc, free);
#endif

	memset(&srv, 0, sizeof(srv));
	srv.cfg = &cfg;
	TAILQ_INIT(&srv.listeners);
	TAILQ_INIT(&srv.conns);
	TAILQ_INIT(&srv.waitq);
	status_init(&srv.stats);
	spawn_init(&srv);
	if (spawn_limits_init(&srv, nofile) == -1) {
		if (pfh != NULL)
			pidfile_remove(pfh);
		config_free(&cfg);
		return 1;
	}
	if ((srv.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	for (i = 0; i < 4; i++) {
		sigs[i] = evsignal_new(srv.base, signos[i], main_signal_cb,
		    &srv);
		if (sigs[i] == NULL || evsignal_add(sigs[i], NULL) == -1)
			fatalx("cannot handle signal %d", signos[i]);
	}
	/*
	 * As a subreaper we reap what a script leaves behind, and the warm
	 * requests of a zygote that died.
	 */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("PR_SET_CHILD_SUBREAPER");
	if (request_queue_init(&srv) == -1)
		fatalx("out of memory");
	if (listen_open(&srv) == -1 || accesslog_open(&srv) == -1)
		goto fail;
	/* The warm sockets' directory is made as the user zygotes run as. */
	main_priv_drop(&cfg);
	srv.euid = geteuid();
	if (warm_init(&srv) == -1 || php_init(&srv) == -1)
		goto fail;
	log_info("ready: %d scripts at once, %d waiting at most",
	    cfg.max_children, cfg.queue_max);

	event_base_dispatch(srv.base);
	rc = 0;
fail:
	listen_close_all(&srv);
	warm_free(&srv);
	php_free(&srv);
	spawn_reap(&srv);
	request_queue_free(&srv);
	spawn_free(&srv);
	accesslog_close(&srv);
	for (i = 0; i < 4; i++)
		event_free(sigs[i]);
	if (srv.ev_grace != NULL)
		event_free(srv.ev_grace);
	event_base_free(srv.base);
	config_free(&cfg);
	if (pfh != NULL && pidfile_remove(pfh) == -1)
		log_warn("pidfile");
	if (rc == 0)
		log_info("stopped");
	return rc;
}
