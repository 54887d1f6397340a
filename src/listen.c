/*
 * Listening sockets: unix:/path, tcp:ADDR:PORT and tcp6:[ADDR]:PORT from
 * -s, else a listening socket inherited on fd 0 (spawn-fcgi) or from
 * systemd (LISTEN_FDS).  Accepting pauses for a second on EMFILE instead
 * of spinning; TCP peers outside --allow-from are closed at once.  The
 * descriptor budget: the limit is raised to the hard one at start and
 * --max-conns lowered until every connection, script and zygote fits.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "warmcgi.h"

#define LISTEN_BACKLOG	1024

static int	listen_unix(const char *, const struct config *);
static int	listen_inet(const char *, int);
static int	listen_add(struct server *, int, const char *, const char *);
static void	listen_accept_cb(evutil_socket_t, short, void *);
static void	listen_resume_cb(evutil_socket_t, short, void *);
static int	listen_is_listening(int);

static int
listen_is_listening(int fd)
{
	int		 on = 0;
	socklen_t	 len = sizeof(on);

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 &&
	    on;
}

/* A unix socket; a stale file is replaced only if nothing listens on it. */
static int
listen_unix(const char *path, const struct config *cfg)
{
	unsigned int		 mode = cfg->socket_mode;
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old;
	int			 fd, probe, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_warnx("unix:%s: path too long", path);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_warnx("unix:%s: exists and is not a socket", path);
			return -1;
		}
		if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
		    0)) == -1) {
			log_warn("socket");
			return -1;
		}
		rc = connect(probe, (struct sockaddr *)&sun, sizeof(sun));
		if (rc == 0 || errno != ECONNREFUSED) {
			/* Only a refused connect proves the file stale. */
			log_warnx("unix:%s: in use: %s", path, rc == 0 ?
			    "another process is listening there" :
			    strerror(errno));
			close(probe);
			return -1;
		}
		close(probe);
		if (unlink(path) == -1) {
			log_warn("unix:%s: cannot remove the stale socket",
			    path);
			return -1;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	old = umask(0777 & ~mode);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_warn("unix:%s: bind", path);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, mode) == -1) {
		log_warn("unix:%s: chmod", path);
		close(fd);
		unlink(path);
		return -1;
	}
	/* --socket-owner, or -u's user: who the web server connects as. */
	if (cfg->sock_chown && chown(path, cfg->sock_uid, cfg->sock_gid) ==
	    -1) {
		log_warn("unix:%s: chown to %d:%d", path, (int)cfg->sock_uid,
		    (int)cfg->sock_gid);
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/* tcp:ADDR:PORT or tcp6:[ADDR]:PORT. */
static int
listen_inet(const char *spec, int family)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	int		 fd, on = 1, rc;

	if (strlcpy(host, spec, sizeof(host)) >= sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL) {
		log_warnx("%s: expected ADDR:PORT", spec);
		return -1;
	}
	*port++ = '\0';
	if (family == AF_INET6) {
		if (host[0] != '[' || host[strlen(host) - 1] != ']') {
			log_warnx("tcp6:%s: expected [ADDR]:PORT", spec);
			return -1;
		}
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) !=
	    0) {
		log_warnx("%s: %s", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("%s: socket", spec);
		freeaddrinfo(res);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		log_warn("%s: bind", spec);
		close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
listen_add(struct server *srv, int fd, const char *name,
    const char *unix_path)
{
	struct listener	*l;

	/* One inherited from systemd is not close-on-exec; ours all are. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    evutil_make_socket_nonblocking(fd) == -1 ||
	    (l = calloc(1, sizeof(*l))) == NULL) {
		log_warn("%s", name);
		close(fd);
		return -1;
	}
	l->srv = srv;
	strlcpy(l->name, name, sizeof(l->name));
	if (unix_path != NULL && (l->unix_path = strdup(unix_path)) == NULL)
		goto fail;
	l->fd = fd;
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		log_warn("%s: listen", name);
		goto fail;
	}
	if ((l->ev_accept = event_new(srv->base, fd, EV_READ | EV_PERSIST,
	    listen_accept_cb, l)) == NULL ||
	    (l->ev_pause = evtimer_new(srv->base, listen_resume_cb, l)) ==
	    NULL)
		goto fail;
	event_add(l->ev_accept, NULL);
	TAILQ_INSERT_TAIL(&srv->listeners, l, entry);
	log_debug("listening on %s", name);
	return 0;
fail:
	if (l->ev_accept != NULL)
		event_free(l->ev_accept);
	close(fd);
	free(l->unix_path);
	free(l);
	return -1;
}

/* Open what -s names, or take what we were handed. */
int
listen_open(struct server *srv)
{
	const struct config	*cfg = srv->cfg;
	const char		*s, *e;
	char			 name[256];
	size_t			 i;
	int			 fd, n;
	long long		 nfds;

	for (i = 0; i < cfg->nlisten; i++) {
		s = cfg->listen[i];
		fd = -1;
		if (strncmp(s, "unix:", 5) == 0)
			fd = listen_unix(s + 5, cfg);
		else if (strncmp(s, "tcp:", 4) == 0)
			fd = listen_inet(s + 4, AF_INET);
		else if (strncmp(s, "tcp6:", 5) == 0)
			fd = listen_inet(s + 5, AF_INET6);
		else {
			log_warnx("-s %s: expected unix:/path, tcp:ADDR:PORT "
			    "or tcp6:[ADDR]:PORT", s);
			return -1;
		}
		if (fd == -1 || listen_add(srv, fd, s,
		    strncmp(s, "unix:", 5) == 0 ? s + 5 : NULL) == -1)
			return -1;
	}
	if (cfg->nlisten > 0)
		return 0;

	/* systemd socket activation: fds 3 .. 3+LISTEN_FDS-1. */
	if ((s = getenv("LISTEN_PID")) != NULL &&
	    strtonum(s, 1, INT32_MAX, &e) == getpid() &&
	    (s = getenv("LISTEN_FDS")) != NULL) {
		nfds = strtonum(s, 1, 64, &e);
		if (e != NULL) {
			log_warnx("LISTEN_FDS=%s: %s", s, e);
			return -1;
		}
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		for (n = 0; n < nfds; n++) {
			snprintf(name, sizeof(name), "systemd fd %d", 3 + n);
			if (!listen_is_listening(3 + n)) {
				log_warnx("%s is not a listening socket", name);
				return -1;
			}
			if (listen_add(srv, 3 + n, name, NULL) == -1)
				return -1;
		}
		return 0;
	}
	if (listen_is_listening(0)) {
		/* fd 0 is replaced by /dev/null so no pipe lands on it. */
		if ((fd = fcntl(0, F_DUPFD_CLOEXEC, 3)) == -1) {
			log_warn("fd 0");
			return -1;
		}
		if ((n = open("/dev/null", O_RDONLY)) != -1 && n != 0) {
			dup2(n, 0);
			close(n);
		}
		return listen_add(srv, fd, "fd 0", NULL);
	}
	log_warnx("nothing to listen on: give -s unix:/path, tcp:ADDR:PORT "
	    "or tcp6:[ADDR]:PORT, or start warmcgi with a listening socket "
	    "on fd 0 or through systemd socket activation");
	return -1;
}

/*
 * One connection per wake-up: the socket is level-triggered, so the next
 * turn of the loop comes back for any other waiting, and the accept(2)
 * that would only have said EAGAIN is not made (one per request, as the
 * web servers in front open a connection per request).  EMFILE and
 * friends stop accepting for a moment instead of spinning.
 */
static void
listen_accept_cb(evutil_socket_t lfd, short ev, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 ss;
	struct sockaddr		*sa = (struct sockaddr *)&ss;
	socklen_t		 salen = sizeof(ss);
	struct timeval		 tv = { ACCEPT_PAUSE_SEC, 0 };
	char			 peer[64], addr[INET6_ADDRSTRLEN];
	int			 fd, port = 0;

	(void)ev;
	if ((fd = accept4(lfd, sa, &salen, SOCK_CLOEXEC | SOCK_NONBLOCK)) ==
	    -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR || errno == ECONNABORTED)
			return;
		log_warn("%s: accept (pausing %d s)", l->name,
		    ACCEPT_PAUSE_SEC);
		event_del(l->ev_accept);
		evtimer_add(l->ev_pause, &tv);
		return;
	}
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr,
		    addr, sizeof(addr));
		port = ntohs(((struct sockaddr_in *)sa)->sin_port);
		snprintf(peer, sizeof(peer), "%s:%d#%d", addr, port, (int)fd);
	} else if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr,
		    addr, sizeof(addr));
		port = ntohs(((struct sockaddr_in6 *)sa)->sin6_port);
		snprintf(peer, sizeof(peer), "[%s]:%d#%d", addr, port,
		    (int)fd);
	} else
		snprintf(peer, sizeof(peer), "unix#%d", (int)fd);
	/* A unix socket's peers are chosen by its mode and owner. */
	if (l->srv->cfg->nallow_from > 0 && (sa->sa_family == AF_INET ||
	    sa->sa_family == AF_INET6) && !config_addr_match(
	    l->srv->cfg->allow_from, l->srv->cfg->nallow_from, sa)) {
		log_warnx("%s: refused: not in --allow-from or "
		    "FCGI_WEB_SERVER_ADDRS", peer);
		close(fd);
		return;
	}
	conn_accept(l->srv, fd, peer);
}

static void
listen_resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct listener	*l = arg;

	(void)fd;
	(void)ev;
	if (!l->srv->stopping)
		event_add(l->ev_accept, NULL);
}

/* Stop accepting; unix socket files are removed. */
void
listen_close_all(struct server *srv)
{
	struct listener	*l;

	while ((l = TAILQ_FIRST(&srv->listeners)) != NULL) {
		TAILQ_REMOVE(&srv->listeners, l, entry);
		event_free(l->ev_accept);
		close(l->fd);
		event_free(l->ev_pause);
		if (l->unix_path != NULL && unlink(l->unix_path) == -1)
			log_warn("unix:%s: unlink", l->unix_path);
		free(l->unix_path);
		free(l);
	}
}

/*
 * At start: the descriptor limit up to the hard one (1024 soft is too
 * few for the default --max-conns), then --max-conns down until what may
 * be open at once fits it.  *soft gets the limit as we found it, which
 * children get back (select(2)-era programs expect no more).
 */
int
listen_fd_budget(struct config *cfg, unsigned long long *soft)
{
	struct rlimit	 rl;
	long long	 limit, fixed, conns;
	size_t		 i;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit(RLIMIT_NOFILE)");
		return -1;
	}
	*soft = (unsigned long long)rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
			log_warn("descriptor limit: cannot raise it to %llu",
			    (unsigned long long)rl.rlim_max);
			if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
				return -1;
		}
	}
	limit = rl.rlim_cur > (rlim_t)INT32_MAX ? INT32_MAX :
	    (long long)rl.rlim_cur;
	fixed = FDS_RESERVE + (long long)cfg->max_children * FDS_PER_SCRIPT +
	    (cfg->warm ? (long long)cfg->warm_max * FDS_PER_ZYGOTE : 0);
	for (i = 0; cfg->warm && i < cfg->nhandlers; i++)
		if (cfg->handlers[i].php) {
			fixed += ((long long)cfg->max_children + 1) *
			    FDS_PER_PHP;
			break;
		}
	conns = (limit - fixed) / FDS_PER_CONN;
	if (conns < 1) {
		log_warnx("descriptor limit %lld is too low for -c %d and "
		    "--warm-max %d: %lld are needed before any connection",
		    limit, cfg->max_children, cfg->warm ? cfg->warm_max : 0,
		    fixed);
		return -1;
	}
	if (conns < cfg->max_conns) {
		log_warnx("descriptor limit %lld: --max-conns lowered from %d "
		    "to %lld", limit, cfg->max_conns, conns);
		cfg->max_conns = (int)conns;
	}
	log_debug("descriptor limit %lld (was %llu), --max-conns %d", limit,
	    *soft, cfg->max_conns);
	return 0;
}
