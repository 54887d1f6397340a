/*
 * Warm PHP: the scripts of a --handler whose interpreter is php-cgi are
 * served by php-cgi processes kept running in FastCGI mode, one request
 * at a time each.  A worker is a php-cgi master (PHP_FCGI_CHILDREN=1)
 * started with a listening unix socket as fd 0, which is how php-cgi
 * knows to speak FastCGI: it loads its extensions and makes its opcode
 * cache once, then forks the child that serves, and forks the next one
 * when that child exits after PHP_FCGI_MAX_REQUESTS (--php-max-requests)
 * requests.  So recycling costs a fork, not an exec, and the opcode
 * cache, in memory the master made, outlives it.  We send every request
 * on one connection with FCGI_KEEP_CONN, and connect anew for each child
 * (php_worker_next), with the first request it is to serve (php_start):
 * php-cgi closes a connection on which no request came within 5 s of its
 * accept(), which an idle worker's would then be.  The socket's name is
 * kept, for the worker's life, in a directory of ours that only we can
 * enter.  A connection made before the next child accept()s waits in the
 * socket's backlog with its request.
 *
 * The request (request.c) is fed straight from the connection through a
 * struct php_sink: the worker's FCGI_STDOUT and FCGI_STDERR go to it as a
 * script's stdout and stderr would, FCGI_END_REQUEST ends it as a script's
 * exit (appStatus its exit status), under the same header check, time
 * limits and kill policy.  Its body goes from its queue into FCGI_STDIN
 * records (php_stdin); while the web server takes no output, the worker's
 * connection is not read (php_read_pause).
 *
 * A worker holds no script slot; the request it serves holds one (-c)
 * until the worker is done with it.  Workers of all pools together never
 * number more than -c.  A worker's child is replaced after
 * --php-max-requests requests (by php-cgi) and past --warm-memory RSS (by
 * us); a worker is retired idle past --warm-idle, and killed, its whole
 * process group, when the request it serves times out.  One whose client
 * left (an abort, a closed connection) finishes the script unseen (but
 * its stderr logged) and serves on, unless it takes too long
 * (php_req_orphan).  A new worker is started when a request finds no
 * idle one.  A child that dies on its own leaves its request without an
 * answer (502); the master forks the next.  A master that dies holds its
 * pool's starts back for a pause that doubles with each crash in a row,
 * during which its scripts run by exec.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "warmcgi.h"

#define PHP_TICK_SEC		5		/* idle checks */
#define PHP_BACKOFF_MAX		30		/* s between starts, at most */
#define PHP_REQ_ID		1		/* one request per connection */
#define PHP_WQ_MAX		(256 * 1024)	/* body queued to a worker */
#define PHP_OUTQ_MAX		(256 * 1024)	/* output queued to a request */
#define PHP_RSS_EVERY		16		/* requests between RSS looks */
#define PHP_ORPHAN_SEC		5		/* a request whose client left
						   ends within this, without
						   -t: else it is killed */

struct php_worker;
TAILQ_HEAD(php_worker_list, php_worker);

/* The request a worker serves: where its output goes (request.c). */
struct php_req {
	struct php_worker	*w;
	const struct php_sink	*sink;
	void			*arg;
	long long		 cl;		/* CONTENT_LENGTH, or 0 */
	long long		 sent;		/* body bytes sent to the worker */
	long long		 start_ms;	/* handed to the worker */
	int			 in_done;	/* the empty FCGI_STDIN is queued */
	int			 orphan;	/* its client left: stdout dropped */
};

/* Workers of one --handler: the same interpreter and words. */
struct php_pool {
	TAILQ_ENTRY(php_pool)	 entry;
	const struct handler	*h;
	char			**argv;		/* h's, with our -d before */
	char			*fc_opt;	/* "opcache.file_cache=DIR" */
	char			 cache[PATH_MAX]; /* DIR, or "" */
	struct php_worker_list	 idle;		/* last used first */
	int			 fails;		/* crashes in a row */
	time_t			 hold_until;	/* no start before (back-off) */
	uint64_t		 served;	/* END_REQUESTs, the status page's */
	uint64_t		 recycled;	/* children replaced, workers
						   retired, by us */
	uint64_t		 crashed;	/* ... died on their own */
	uint64_t		 killed;	/* ... killed with a request */
};

struct php_worker {
	TAILQ_ENTRY(php_worker)	 entry;		/* its pool's idle list */
	TAILQ_ENTRY(php_worker)	 all;		/* until its exit is reaped */
	struct php		*php;
	struct php_pool		*pool;
	struct child		*child;		/* NULL once reaped */
	pid_t			 pid;		/* the master's, its group's */
	struct sockaddr_un	 sun;		/* its socket, "" once gone */
	int			 fd;		/* our connection to its child */
	unsigned int		 conn;		/* connections made */
	unsigned int		 gen;		/* requests its child served */
	int			 logfd;		/* its own stdout and stderr */
	struct event		*ev_rd, *ev_wr, *ev_log;
	struct event		*ev_orphan;	/* the bound of an orphan's run */
	struct evbuffer		*wq;		/* records to it */
	struct evbuffer		*rq;		/* read, not yet decoded */
	struct evbuffer		*logbuf;
	struct fcgi_decoder	 dec;
	struct php_req		*req;
	unsigned int		 served;
	int			 idle;		/* on its pool's idle list */
	int			 retired;	/* takes no more requests */
	int			 killed;	/* ended by us: no crash */
	int			 signalled;	/* SIGKILL sent */
	int			 broken;	/* writing to it failed */
	int			 paused;	/* its request takes no output */
	time_t			 last_used;
};

struct php {
	struct server		*srv;
	TAILQ_HEAD(, php_pool)	 pools;
	struct php_worker_list	 all;
	int			 nworkers;	/* not retired */
	char			 dir[PATH_MAX];	/* the workers' sockets, 0700 */
	int			 dirfd;		/* its lock, as warm.c's */
	const char		*tmp;		/* where it is made */
	unsigned int		 seq;
	struct event		*ev_tick;
};

static struct php_pool	 *php_pool_get(struct php *, const struct handler *);
static struct php_worker *php_worker_get(struct php *, struct php_pool *);
static struct php_worker *php_worker_new(struct php *, struct php_pool *);
static int	 php_listen(struct php *, struct php_worker *);
static int	 php_worker_connect(struct php_worker *);
static int	 php_worker_next(struct php_worker *, int);
static pid_t	 php_worker_child(struct php_worker *);
static void	 php_worker_eof(struct php_worker *, const char *);
static void	 php_dir_remove(struct php *);
static void	 php_worker_exit_cb(struct child *, int, void *);
static void	 php_worker_rd_cb(evutil_socket_t, short, void *);
static void	 php_worker_wr_cb(evutil_socket_t, short, void *);
static void	 php_worker_kick(struct php_worker *);
static void	 php_worker_log_cb(evutil_socket_t, short, void *);
static void	 php_worker_log(struct php_worker *, int);
static int	 php_worker_decode(struct php_worker *);
static void	 php_worker_record(struct php_worker *,
		    const struct fcgi_record *);
static void	 php_worker_done(struct php_worker *, int);
static const char *php_worker_due(struct php_worker *, struct php_req *,
		    int *);
static void	 php_worker_lost(struct php_worker *, const char *);
static void	 php_worker_retire(struct php_worker *, const char *);
static void	 php_worker_signal(struct php_worker *);
static void	 php_worker_close(struct php_worker *);
static void	 php_conn_close(struct php_worker *);
static void	 php_worker_free(struct php_worker *);
static void	 php_record(struct evbuffer *, uint8_t, const void *, size_t);
static void	 php_params(struct evbuffer *, char *const *);
static void	 php_req_detach(struct php_req *);
static void	 php_req_end(struct php_req *, int);
static int	 php_req_orphan(struct php_req *);
static void	 php_orphan_cb(evutil_socket_t, short, void *);
static void	 php_orphan_err(struct php_worker *, const uint8_t *, size_t);
static void	 php_tick_cb(evutil_socket_t, short, void *);
static void	 php_fd_close(int *, struct event **);
static void	 php_pool_free(struct php_pool *);
static int	 php_rm_cb(const char *, const struct stat *, int,
		    struct FTW *);

/* Only with a php-cgi --handler and --warm other than off. */
int
php_init(struct server *srv)
{
	const struct config	*cfg = srv->cfg;
	struct php		*p;
	struct timeval		 tv = { PHP_TICK_SEC, 0 };
	const char		*tmp = cfg->tmpdir;
	size_t			 i;

	if (cfg->warm == WARM_OFF)
		return 0;
	for (i = 0; i < cfg->nhandlers; i++)
		if (cfg->handlers[i].php)
			break;
	if (i == cfg->nhandlers)
		return 0;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	p->srv = srv;
	TAILQ_INIT(&p->pools);
	TAILQ_INIT(&p->all);
	if (tmp == NULL && (tmp = getenv("TMPDIR")) == NULL)
		tmp = "/tmp";
	p->tmp = tmp;
	p->dirfd = -1;
	/*
	 * Named and locked as warm.c's socket directory, so that a daemon
	 * killed outright has it removed by the next one's sweep.
	 */
	snprintf(p->dir, sizeof(p->dir), "%s/warmcgi.%d.XXXXXX", tmp,
	    (int)getpid());
	if (mkdtemp(p->dir) == NULL) {
		log_warn("php: cannot make a directory in %s; PHP runs by "
		    "exec", tmp);
		free(p);
		return 0;
	}
	if ((p->dirfd = open(p->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || flock(p->dirfd, LOCK_EX) == -1)
		log_warn("php: cannot lock %s", p->dir);
	if ((p->ev_tick = event_new(srv->base, -1, EV_PERSIST, php_tick_cb,
	    p)) == NULL) {
		php_dir_remove(p);
		free(p);
		return -1;
	}
	event_add(p->ev_tick, &tv);
	srv->php = p;
	return 0;
}

/* At shutdown: idle workers go now, busy ones after their request. */
void
php_shutdown(struct server *srv)
{
	struct php		*p = srv->php;
	struct php_pool		*pool;

	if (p == NULL || p->ev_tick == NULL)
		return;
	TAILQ_FOREACH(pool, &p->pools, entry)
		while (!TAILQ_EMPTY(&pool->idle))
			php_worker_retire(TAILQ_FIRST(&pool->idle), NULL);
	event_free(p->ev_tick);
	p->ev_tick = NULL;
}

/* At the end, once every worker has removed its socket's name. */
static void
php_dir_remove(struct php *p)
{
	if (p->dir[0] != '\0' && rmdir(p->dir) == -1 && errno != ENOENT)
		log_warn("php: rmdir %s", p->dir);
	p->dir[0] = '\0';
	if (p->dirfd != -1)
		close(p->dirfd);
	p->dirfd = -1;
}

/* Once the loop has ended: what is left is freed, not waited for. */
void
php_free(struct server *srv)
{
	struct php		*p = srv->php;
	struct php_pool		*pool;
	struct php_worker	*w;

	if (p == NULL)
		return;
	php_shutdown(srv);
	while ((w = TAILQ_FIRST(&p->all)) != NULL) {
		if (w->req != NULL) {
			/* The loop has ended: no request is told. */
			w->req->w = NULL;
			if (w->req->orphan)
				free(w->req);
			w->req = NULL;
		}
		if (w->child != NULL) {
			spawn_kill(w->child, SIGKILL);
			spawn_disown(w->child);
			w->child = NULL;
		}
		php_worker_free(w);
	}
	while ((pool = TAILQ_FIRST(&p->pools)) != NULL) {
		TAILQ_REMOVE(&p->pools, pool, entry);
		php_pool_free(pool);
	}
	php_dir_remove(p);
	srv->php = NULL;
	free(p);
}

/*
 * Hand a request for script (run by handler h, environment envp) to an
 * idle worker, or a new one; what it sends goes to sink with arg, *pid
 * gets its pid.  NULL: run it by exec (no warm PHP, a --no-warm script,
 * a pool backing off after a crash).
 */
struct php_req *
php_start(struct server *srv, const struct handler *h, const char *script,
    char *const *envp, const struct php_sink *sink, void *arg, pid_t *pid)
{
	struct php		*p = srv->php;
	struct php_pool		*pool;
	struct php_worker	*w;
	struct php_req		*pr;
	const char		*errstr;
	size_t			 i, len = sizeof("CONTENT_LENGTH=") - 1;
	int			 refused;

	if (p == NULL || p->ev_tick == NULL || srv->stopping)
		return NULL;
	for (i = 0; i < srv->cfg->nno_warm; i++)
		if (fnmatch(srv->cfg->no_warm[i], script, 0) == 0)
			return NULL;
	if ((pool = php_pool_get(p, h)) == NULL ||
	    (w = php_worker_get(p, pool)) == NULL)
		return NULL;
	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		log_warn("php: %s", script);
		TAILQ_INSERT_HEAD(&pool->idle, w, entry);
		w->idle = 1;
		return NULL;
	}
	/*
	 * Its child's connection comes with its first request (above).
	 * Refused: the master has gone, its exit not yet reaped (a crash).
	 */
	if (w->fd == -1 && php_worker_connect(w) == -1) {
		refused = errno == ECONNREFUSED;
		log_warn("php-cgi[%d]: connecting", (int)w->pid);
		free(pr);
		if (refused)
			php_worker_lost(w, "cannot connect to it");
		else
			php_worker_retire(w, "cannot connect to it");
		return NULL;
	}
	pr->sink = sink;
	pr->arg = arg;
	pr->start_ms = status_now_ms();
	for (i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], "CONTENT_LENGTH=", len) == 0 &&
		    envp[i][len] != '\0')
			pr->cl = strtonum(envp[i] + len, 0, LLONG_MAX, &errstr);
	php_params(w->wq, envp);
	w->req = pr;
	pr->w = w;
	w->last_used = time(NULL);
	php_worker_kick(w);
	*pid = w->pid;
	srv->nchildren++;	/* the request's slot, until the worker is done */
	return pr;
}

/*
 * Kill the worker serving this request (an abort, a time-out): SIGTERM,
 * SIGKILL grace seconds later (none: at once).  The worker is replaced;
 * its exit ends the request's output.
 */
void
php_kill(struct php_req *pr, int grace)
{
	struct php_worker	*w;
	struct spawn_tree	 tree;

	if (pr == NULL || (w = pr->w) == NULL || w->child == NULL)
		return;
	if (!w->retired)
		w->php->nworkers--;
	if (!w->killed)
		w->pool->killed++;
	w->retired = w->killed = 1;
	memset(&tree, 0, sizeof(tree));
	tree.pgid = w->pid;
	spawn_terminate(w->php->srv, w->child, &tree, grace, "php-cgi");
}

/*
 * The request has gone (its client left, an abort, a time-out).  A
 * worker still serving it finishes it unseen if it can (php_req_orphan),
 * else it is killed.
 */
void
php_req_free(struct php_req *pr)
{
	if (pr == NULL)
		return;
	if (pr->w != NULL) {
		if (php_req_orphan(pr) == 0)
			return;
		php_kill(pr, 0);
		php_req_detach(pr);
	}
	free(pr);
}

/*
 * As php-fpm does, a worker whose client left runs its script to the
 * end, output dropped, and serves on, warm: killing it would make the
 * next request pay php-cgi's start and an empty opcode cache.  Only with
 * the whole body sent (short of it, php-cgi is still reading the body
 * and the script has not run), a connection in step, and no kill under
 * way.  Bounded: killed if not ended by the request's -t, or within
 * PHP_ORPHAN_SEC without one.  It keeps its -c slot until it ends.  The
 * worker then owns pr.  -1: the worker is to be killed.
 */
static int
php_req_orphan(struct php_req *pr)
{
	struct php_worker	*w = pr->w;
	const struct config	*cfg = w->php->srv->cfg;
	struct timeval		 tv = { PHP_ORPHAN_SEC, 0 };
	long long		 left;

	if (w->killed || w->retired || w->broken || w->fd == -1 ||
	    !pr->in_done || w->child == NULL)
		return -1;
	if (cfg->timeout > 0) {
		left = pr->start_ms + cfg->timeout * 1000LL - status_now_ms();
		if (left <= 0)
			return -1;
		tv.tv_sec = (time_t)(left / 1000);
		tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	}
	if (w->ev_orphan == NULL && (w->ev_orphan = evtimer_new(
	    w->php->srv->base, php_orphan_cb, w)) == NULL)
		return -1;
	evtimer_add(w->ev_orphan, &tv);
	pr->orphan = 1;
	pr->sink = NULL;
	pr->arg = NULL;
	if (w->paused) {
		w->paused = 0;
		event_add(w->ev_rd, NULL);
		if (evbuffer_get_length(w->rq) > 0)
			event_active(w->ev_rd, EV_READ, 1);
	}
	log_debug("php-cgi[%d]: its client left: the script runs on, its "
	    "output dropped, its stderr logged", (int)w->pid);
	return 0;
}

/*
 * An orphan's stderr (PHP's warnings, error_log()) still goes to our log,
 * line by line, under its worker's pid: it is not the web server's to
 * lose.  A line split across records is logged in its pieces.
 */
static void
php_orphan_err(struct php_worker *w, const uint8_t *p, size_t len)
{
	const uint8_t	*nl;
	size_t		 n, k;

	while (len > 0) {
		nl = memchr(p, '\n', len);
		n = k = nl != NULL ? (size_t)(nl - p) : len;
		if (k > 0 && p[k - 1] == '\r')
			k--;
		if (k > 0)
			log_warnx("php-cgi[%d]: %.*s", (int)w->pid, (int)k, p);
		n += nl != NULL;
		p += n;
		len -= n;
	}
}

/* An orphan's bound has passed: the worker is killed and replaced. */
static void
php_orphan_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct php_worker	*w = arg;

	if (w->req == NULL || !w->req->orphan)
		return;
	if (w->php->srv->cfg->timeout > 0)
		log_warnx("php-cgi[%d]: still running at --timeout, after its "
		    "client left: killed", (int)w->pid);
	else
		log_warnx("php-cgi[%d]: still running %d s after its client "
		    "left: killed", (int)w->pid, PHP_ORPHAN_SEC);
	w->php->srv->stats.kills++;
	php_kill(w->req, w->php->srv->cfg->kill_grace);
}

/* Whether a worker still serves the request (no END_REQUEST yet). */
int
php_req_busy(const struct php_req *pr)
{
	return pr != NULL && pr->w != NULL;
}

/*
 * Body bytes from q into FCGI_STDIN records, as many as the worker's
 * queue takes (the rest when it drains: sink->in_ready).  The bytes
 * taken; -1 (EPIPE) once the worker reads no more.
 */
int
php_stdin(struct php_req *pr, struct evbuffer *q)
{
	struct php_worker	*w = pr->w;
	uint8_t			 h[FCGI_HEADER_LEN];
	size_t			 len, n, moved = 0;

	if (w == NULL || w->fd == -1 || w->broken || pr->in_done) {
		errno = EPIPE;
		return -1;
	}
	while ((len = evbuffer_get_length(q)) > 0 &&
	    evbuffer_get_length(w->wq) < PHP_WQ_MAX) {
		n = len > FCGI_MAX_CONTENT ? FCGI_MAX_CONTENT : len;
		fcgi_header_encode(h, FCGI_STDIN, PHP_REQ_ID, (uint16_t)n, 0);
		if (evbuffer_add(w->wq, h, sizeof(h)) == -1 ||
		    evbuffer_remove_buffer(q, w->wq, n) != (int)n) {
			errno = ENOMEM;
			return -1;
		}
		moved += n;
	}
	pr->sent += (long long)moved;
	if (moved > 0)
		php_worker_kick(w);
	return (int)moved;
}

/* The body has ended: the empty FCGI_STDIN, once. */
void
php_stdin_end(struct php_req *pr)
{
	struct php_worker	*w = pr->w;

	if (pr->in_done || w == NULL || w->fd == -1 || w->broken)
		return;
	pr->in_done = 1;
	php_record(w->wq, FCGI_STDIN, NULL, 0);
	php_worker_kick(w);
}

/*
 * The request takes no more output for now (on) or again: the worker's
 * connection is not read meanwhile; what was read already waits.
 */
void
php_read_pause(struct php_req *pr, int on)
{
	struct php_worker	*w = pr->w;

	if (w == NULL || w->fd == -1 || w->paused == on)
		return;
	w->paused = on;
	if (on)
		event_del(w->ev_rd);
	else {
		event_add(w->ev_rd, NULL);
		if (evbuffer_get_length(w->rq) > 0)
			event_active(w->ev_rd, EV_READ, 1);
	}
}

/*
 * A handler's pool, made on its first request.  Its workers run the
 * handler's words after two -d of ours (words given later win):
 *
 * opcache.file_cache, a private directory of the pool's (0700, the
 * workers' user's: the daemon's after -u), so that a new worker, after
 * a recycling, --warm-idle or a crash, loads the scripts its pool has
 * compiled instead of compiling them again: WordPress's first page costs
 * a new worker about a third of the CPU.  The SHM cache stays each
 * worker's own and is looked at first.
 *
 * opcache.revalidate_freq=0: a script edited on disk is seen by the next
 * request, as with php-cgi run per request (its default, 2, may serve
 * the old script for 2 seconds).  The timestamps of the file cache are
 * checked as well.
 */
static struct php_pool *
php_pool_get(struct php *p, const struct handler *h)
{
	struct php_pool	*pool;
	size_t		 n, i, j = 0;

	TAILQ_FOREACH(pool, &p->pools, entry)
		if (pool->h == h)
			return pool;
	if ((pool = calloc(1, sizeof(*pool))) == NULL)
		return NULL;
	pool->h = h;
	TAILQ_INIT(&pool->idle);
	for (n = 0; h->argv[n] != NULL; n++)
		;
	if ((pool->argv = reallocarray(NULL, n + 5, sizeof(char *))) ==
	    NULL) {
		free(pool);
		return NULL;
	}
	pool->argv[j++] = h->argv[0];
	snprintf(pool->cache, sizeof(pool->cache),
	    "%s/warmcgi-opcache.%d.XXXXXX", p->tmp, (int)getpid());
	if (mkdtemp(pool->cache) == NULL) {
		log_warn("php: %s: no opcache.file_cache", pool->cache);
		pool->cache[0] = '\0';
	} else if (asprintf(&pool->fc_opt, "opcache.file_cache=%s",
	    pool->cache) == -1)
		pool->fc_opt = NULL;
	if (pool->fc_opt != NULL) {
		pool->argv[j++] = "-d";
		pool->argv[j++] = pool->fc_opt;
	}
	pool->argv[j++] = "-d";
	pool->argv[j++] = "opcache.revalidate_freq=0";
	for (i = 1; i <= n; i++)
		pool->argv[j++] = h->argv[i];
	TAILQ_INSERT_TAIL(&p->pools, pool, entry);
	return pool;
}

/* At the end: the pool's file cache goes with it. */
static void
php_pool_free(struct php_pool *pool)
{
	if (pool->cache[0] != '\0' && nftw(pool->cache, php_rm_cb, 16,
	    FTW_DEPTH | FTW_PHYS) == -1)
		log_warn("php: removing %s", pool->cache);
	free(pool->fc_opt);
	free(pool->argv);
	free(pool);
}

static int
php_rm_cb(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	if (remove(path) == -1 && errno != ENOENT)
		log_warn("php: remove %s", path);
	return 0;
}

/*
 * The last used idle worker (its caches are the warmest), else a new one
 * if -c allows it, an idle worker of another pool retiring to make room.
 */
static struct php_worker *
php_worker_get(struct php *p, struct php_pool *pool)
{
	struct php_pool		*other;
	struct php_worker	*w;

	if ((w = TAILQ_FIRST(&pool->idle)) != NULL) {
		TAILQ_REMOVE(&pool->idle, w, entry);
		w->idle = 0;
		return w;
	}
	if (time(NULL) < pool->hold_until)
		return NULL;
	if (p->nworkers >= p->srv->cfg->max_children) {
		TAILQ_FOREACH(other, &p->pools, entry)
			if (!TAILQ_EMPTY(&other->idle))
				break;
		if (other == NULL)
			return NULL;
		php_worker_retire(TAILQ_LAST(&other->idle, php_worker_list),
		    "making room for another handler's");
	}
	return php_worker_new(p, pool);
}

/*
 * A listening socket for a new worker, named in our directory, which no
 * one else can enter (0700, ours), and our first connection to it, made
 * before the worker runs (the backlog holds it).  -1: none; its
 * listening descriptor, to become the worker's fd 0.
 */
static int
php_listen(struct php *p, struct php_worker *w)
{
	int	 lfd = -1;

	w->sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(w->sun.sun_path, sizeof(w->sun.sun_path),
	    "%s/php%u", p->dir, ++p->seq) >= sizeof(w->sun.sun_path)) {
		w->sun.sun_path[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)unlink(w->sun.sun_path);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&w->sun, sizeof(w->sun)) == -1 ||
	    listen(lfd, 1) == -1 || php_worker_connect(w) == -1) {
		int	 saved = errno;

		if (lfd != -1)
			close(lfd);
		errno = saved;
		return -1;
	}
	return lfd;
}

/*
 * A connection to the worker's socket, for the child serving now or the
 * next one the master forks (until it accept()s, the backlog holds it).
 */
static int
php_worker_connect(struct php_worker *w)
{
	struct event_base	*base = w->php->srv->base;

	if ((w->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		return -1;
	if (connect(w->fd, (struct sockaddr *)&w->sun, sizeof(w->sun)) ==
	    -1 || (w->ev_rd = event_new(base, w->fd, EV_READ | EV_PERSIST,
	    php_worker_rd_cb, w)) == NULL ||
	    (w->ev_wr = event_new(base, w->fd, EV_WRITE | EV_PERSIST,
	    php_worker_wr_cb, w)) == NULL) {
		int	 saved = errno;

		php_conn_close(w);
		errno = saved;
		return -1;
	}
	event_add(w->ev_rd, NULL);
	w->conn++;
	w->gen = 0;
	return 0;
}

/*
 * The connection to the worker's child has ended, or is to end (the
 * child is done or out of step), and the next child gets a new one with
 * its first request (php_start); with kill, this child is killed first,
 * idle as it is, so that it cannot be the one to accept it and serve
 * past its count.  Whatever was read or queued on the old connection
 * goes with it.  -1: the child to kill was not found (the worker is to
 * be retired).
 */
static int
php_worker_next(struct php_worker *w, int kill_child)
{
	pid_t	 c;

	/*
	 * Killed before its connection is closed: it waits on it, idle, so
	 * it dies there; the end of the connection would send it to
	 * accept(2), where a SIGKILL that comes as it takes the next child's
	 * connection lets it take it, then die with it.
	 */
	if (kill_child) {
		if ((c = php_worker_child(w)) <= 0)
			return -1;
		(void)kill(c, SIGKILL);
	}
	php_conn_close(w);
	evbuffer_drain(w->wq, evbuffer_get_length(w->wq));
	evbuffer_drain(w->rq, evbuffer_get_length(w->rq));
	fcgi_decoder_reset(&w->dec);
	w->broken = w->paused = 0;
	return 0;
}

/*
 * The master's child now, or -1.  The kernel lists a process's children
 * (CONFIG_PROC_CHILDREN); with PHP_FCGI_CHILDREN=1 there is one, or none
 * between an exit and the next fork.
 */
static pid_t
php_worker_child(struct php_worker *w)
{
	char		 path[64];
	long long	 c;
	FILE		*f;
	int		 ok;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
	    (int)w->pid, (int)w->pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	ok = fscanf(f, "%lld", &c) == 1 && c > 0 && c <= INT_MAX;
	fclose(f);
	return ok ? (pid_t)c : -1;
}

/*
 * Start a worker: the handler's interpreter and words, FastCGI on fd 0,
 * a master forking one child at a time, each serving
 * --php-max-requests requests.
 */
static struct php_worker *
php_worker_new(struct php *p, struct php_pool *pool)
{
	struct server		*srv = p->srv;
	struct php_worker	*w;
	struct spawn_args	 a;
	char			 maxreq[64];
	char			*envp[] = { "PATH=" DEFAULT_PATH,
				    "PHP_FCGI_CHILDREN=1", maxreq, NULL };
	int			 lfd = -1;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->php = p;
	w->pool = pool;
	w->fd = w->logfd = -1;
	fcgi_decoder_init(&w->dec);
	snprintf(maxreq, sizeof(maxreq), "PHP_FCGI_MAX_REQUESTS=%d",
	    srv->cfg->php_max_requests);
	if ((w->wq = evbuffer_new()) == NULL ||
	    (w->rq = evbuffer_new()) == NULL ||
	    (w->logbuf = evbuffer_new()) == NULL ||
	    (lfd = php_listen(p, w)) == -1) {
		log_warn("php: %s: cannot start a worker", pool->h->argv[0]);
		php_worker_free(w);
		return NULL;
	}
	a.path = pool->h->argv[0];
	a.argv = pool->argv;
	a.envp = envp;
	a.cwd = "/";
	a.fd3 = -1;
	a.lim = &srv->lim_script;
	w->child = spawn_server(srv, &a, lfd, &w->logfd, php_worker_exit_cb,
	    w);
	close(lfd);
	if (w->child == NULL) {
		log_warn("php: cannot run %s", a.path);
		pool->fails++;
		pool->hold_until = time(NULL) + PHP_BACKOFF_MAX;
		php_worker_free(w);
		return NULL;
	}
	w->pid = w->child->pid;
	TAILQ_INSERT_TAIL(&p->all, w, all);
	p->nworkers++;
	if ((w->ev_log = event_new(srv->base, w->logfd, EV_READ | EV_PERSIST,
	    php_worker_log_cb, w)) == NULL) {
		log_warnx("php: out of memory");
		php_worker_retire(w, NULL);
		return NULL;
	}
	event_add(w->ev_log, NULL);
	log_debug("php: %s worker %d started", a.path, (int)w->pid);
	return w;
}

/* One record to the worker; content at most FCGI_MAX_CONTENT bytes. */
static void
php_record(struct evbuffer *b, uint8_t type, const void *p, size_t len)
{
	uint8_t	 h[FCGI_HEADER_LEN];

	fcgi_header_encode(h, type, PHP_REQ_ID, (uint16_t)len, 0);
	evbuffer_add(b, h, sizeof(h));
	if (len > 0)
		evbuffer_add(b, p, len);
}

/*
 * BEGIN_REQUEST (keep the connection) and the environment as PARAMS.
 * php-cgi decodes each PARAMS record on its own, so no pair is split
 * between two; a pair too long for one record is left out.
 */
static void
php_params(struct evbuffer *b, char *const *envp)
{
	static uint8_t	 rec[FCGI_MAX_CONTENT];
	uint8_t		 begin[FCGI_BEGIN_BODY_LEN] = { 0, FCGI_RESPONDER,
			    FCGI_KEEP_CONN };
	const char	*eq;
	size_t		 used = 0, nlen, vlen, sz;
	int		 i;

	php_record(b, FCGI_BEGIN_REQUEST, begin, sizeof(begin));
	for (i = 0; envp[i] != NULL; i++) {
		if ((eq = strchr(envp[i], '=')) == NULL)
			continue;
		nlen = (size_t)(eq - envp[i]);
		vlen = strlen(eq + 1);
		if ((sz = fcgi_pair_size((uint32_t)nlen, (uint32_t)vlen)) >
		    sizeof(rec)) {
			log_warnx("php: %.*s is longer than a FastCGI record: "
			    "left out", (int)(nlen > 64 ? 64 : nlen), envp[i]);
			continue;
		}
		if (used + sz > sizeof(rec)) {
			php_record(b, FCGI_PARAMS, rec, used);
			used = 0;
		}
		used += fcgi_pair_encode(rec + used, envp[i], (uint32_t)nlen,
		    eq + 1, (uint32_t)vlen);
	}
	if (used > 0)
		php_record(b, FCGI_PARAMS, rec, used);
	php_record(b, FCGI_PARAMS, NULL, 0);
}

/*
 * What is queued for the worker goes out at the end of this turn of the
 * loop, in one write with whatever else the turn queues; write interest
 * is registered only if the socket does not take it all.
 */
static void
php_worker_kick(struct php_worker *w)
{
	if (!event_pending(w->ev_wr, EV_WRITE, NULL))
		event_active(w->ev_wr, EV_WRITE, 1);
}

static void
php_worker_wr_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct php_worker	*w = arg;
	int			 n;

	n = evbuffer_write(w->wq, fd);
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		/*
		 * Its reading side has gone, but what it sent before (its
		 * END_REQUEST, perhaps: a worker may answer and exit without
		 * reading the empty FCGI_STDIN) is still to be read: the
		 * read side sees it, then the EOF.
		 */
		log_debug("php-cgi[%d]: writing: %s", (int)w->pid,
		    strerror(errno));
		evbuffer_drain(w->wq, evbuffer_get_length(w->wq));
		event_del(w->ev_wr);
		w->broken = 1;
		return;
	}
	if (evbuffer_get_length(w->wq) == 0)
		event_del(w->ev_wr);
	else if (!event_pending(w->ev_wr, EV_WRITE, NULL))
		event_add(w->ev_wr, NULL);
	/* Room again: more of the body, if the request has more. */
	if (w->req != NULL && !w->req->in_done && !w->req->orphan &&
	    evbuffer_get_length(w->wq) < PHP_WQ_MAX)
		w->req->sink->in_ready(w->req->arg);
}

static void
php_worker_rd_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct php_worker	*w = arg;
	unsigned int		 conn = w->conn;
	ssize_t			 n = 1;
	int			 err = 0;

	if (!w->paused && (n = buf_read_fd(w->rq, fd, READ_CHUNK)) == -1 &&
	    ((err = errno) == EAGAIN || err == EINTR))
		n = 1;
	/*
	 * What came before an end of the connection is taken first (it
	 * writes and logs: the read's errno is kept aside).
	 */
	if (php_worker_decode(w) == -1 || w->conn != conn || n > 0)
		return;
	/* ECONNRESET: it closed with our bytes unread (a kill mid-request). */
	php_worker_eof(w, n == 0 || err == ECONNRESET ?
	    "closed its connection" : strerror(err));
}

/*
 * Records read, to the request while it takes them; -1: the connection
 * they came on has gone (w lost, or connected anew).
 */
static int
php_worker_decode(struct php_worker *w)
{
	struct fcgi_record	 rec;
	const uint8_t		*p;
	size_t			 len, used;
	unsigned int		 conn = w->conn;
	int			 rc;

	while ((len = evbuffer_get_length(w->rq)) > 0 && !w->paused) {
		if ((p = evbuffer_pullup(w->rq, -1)) == NULL) {
			php_worker_lost(w, "out of memory");
			return -1;
		}
		rc = fcgi_decoder_feed(&w->dec, p, len, &used, &rec);
		if (rc == FCGI_INCOMPLETE) {
			evbuffer_drain(w->rq, used);
			break;
		}
		if (rc != FCGI_OK) {
			php_worker_lost(w, rc == FCGI_NOMEM ? "out of memory" :
			    "malformed FastCGI record");
			return -1;
		}
		/* Its content may point into rq: drained once handled. */
		php_worker_record(w, &rec);
		if (w->fd == -1 || w->conn != conn)
			return -1;
		evbuffer_drain(w->rq, used);
	}
	return 0;
}

static void
php_worker_record(struct php_worker *w, const struct fcgi_record *rec)
{
	struct php_req	*pr = w->req;
	const uint8_t	*c = rec->content;

	if (rec->hdr.request_id != PHP_REQ_ID || pr == NULL)
		return;
	switch (rec->hdr.type) {
	case FCGI_STDOUT:
		if (rec->hdr.content_length > 0 && !pr->orphan)
			pr->sink->out(pr->arg, c, rec->hdr.content_length);
		break;
	case FCGI_STDERR:
		if (pr->orphan)
			php_orphan_err(w, c, rec->hdr.content_length);
		else if (rec->hdr.content_length > 0)
			pr->sink->err(pr->arg, c, rec->hdr.content_length);
		break;
	case FCGI_END_REQUEST:
		/* appStatus, B0..B3 (spec 5.5); a short record says 0. */
		php_worker_done(w, rec->hdr.content_length < 4 ? 0 :
		    (int)((uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 |
		    (uint32_t)c[2] << 8 | c[3]) & INT_MAX);
		break;
	}
}

/* The request and its worker part; the worker reads again while idle. */
static void
php_req_detach(struct php_req *pr)
{
	struct php_worker	*w = pr->w;

	w->req = NULL;
	pr->w = NULL;
	if (w->ev_orphan != NULL)
		evtimer_del(w->ev_orphan);
	spawn_slot_free(w->php->srv);
	if (w->paused) {
		w->paused = 0;
		if (w->fd != -1)
			event_add(w->ev_rd, NULL);
	}
}

/*
 * The worker is done with the request (appStatus, or -1: lost); told
 * last, for the request may end and be freed at once.
 */
static void
php_req_end(struct php_req *pr, int app_status)
{
	const struct php_sink	*sink = pr->sink;
	void			*arg = pr->arg;
	pid_t			 pid = pr->w->pid;

	php_req_detach(pr);
	if (pr->orphan) {
		log_debug("php-cgi[%d]: done with the request its client left "
		    "(%s)", (int)pid, app_status >= 0 ? "ended" : "lost");
		free(pr);
		return;
	}
	sink->end(arg, app_status);
}

/*
 * FCGI_END_REQUEST: the worker is free again, unless it is due to go.
 * Its child is in step for the next request only if it got exactly the
 * body it was told of (it reads up to CONTENT_LENGTH, and skips the
 * empty FCGI_STDIN that ends it): any other bytes would be read as the
 * next request's records.  A child that has served --php-max-requests
 * closes the connection and exits: the next child gets a new one.
 */
static void
php_worker_done(struct php_worker *w, int app_status)
{
	struct php_req	*pr = w->req;
	const char	*why;
	int		 kill_child;

	w->served++;
	w->gen++;
	w->pool->served++;
	w->pool->fails = 0;
	w->last_used = time(NULL);
	if (!w->retired && (why = php_worker_due(w, pr, &kill_child)) !=
	    NULL) {
		if (kill_child == -1)
			php_worker_retire(w, why);
		else if (php_worker_next(w, kill_child) == -1)
			php_worker_retire(w, "its child not found");
		else {
			log_debug("php-cgi[%d]: its child recycled: %s",
			    (int)w->pid, why);
			w->pool->recycled++;
		}
	}
	if (!w->retired) {
		TAILQ_INSERT_HEAD(&w->pool->idle, w, entry);
		w->idle = 1;
	}
	php_req_end(pr, app_status);
}

/*
 * Why a worker that has just served pr must change: its child, *kill 0
 * (it exits by itself) or 1 (killed), or the whole worker, -1.  NULL:
 * it serves on.
 */
static const char *
php_worker_due(struct php_worker *w, struct php_req *pr, int *kill)
{
	const struct config	*cfg = w->php->srv->cfg;
	pid_t			 c;

	*kill = -1;
	if (w->php->srv->stopping)
		return "shutting down";
	*kill = 0;
	if (cfg->php_max_requests > 0 &&
	    w->gen >= (unsigned int)cfg->php_max_requests)
		return "--php-max-requests served";
	*kill = 1;
	if (w->broken)
		return "its connection is half closed";
	if (pr->sent != pr->cl)
		return "a body other than its CONTENT_LENGTH";
	/*
	 * The child is what grows; the master, which only forks, does not.
	 * Replacing the child keeps the master's opcode cache and costs a
	 * fork; without the kernel's list of children the worker goes.
	 */
	if (w->served % PHP_RSS_EVERY == 0) {
		if ((c = php_worker_child(w)) <= 0)
			*kill = -1;
		if ((c > 0 ? spawn_rss(c) : spawn_rss(w->pid)) > cfg->warm_mem)
			return "over --warm-memory";
	}
	return NULL;
}

/*
 * The connection to the worker's child ended: the child died, or was
 * killed (by a script's own kill, by the OOM killer...).  A request it
 * served ends without more output (502 if none came); the master forks
 * the next child, which gets a new connection with the next request.  A
 * worker we are ending anyway, or whose master is gone, is lost.
 */
static void
php_worker_eof(struct php_worker *w, const char *why)
{
	struct php_req	*pr = w->req;

	if (w->killed || w->retired || w->child == NULL) {
		php_worker_lost(w, why);
		return;
	}
	log_warnx("php-cgi[%d]: its child %s%s", (int)w->pid, why,
	    pr != NULL ? " while serving a request (502)" : "");
	(void)php_worker_next(w, 0);
	w->pool->crashed++;
	if (pr != NULL) {
		TAILQ_INSERT_HEAD(&w->pool->idle, w, entry);
		w->idle = 1;
		php_req_end(pr, -1);
	}
}

/*
 * The worker is of no more use (its connection broken, the master
 * gone): a request it serves ends without more output (502 if none
 * came), and its process group, if it still runs, is killed.  Unless we
 * ended it ourselves, the master's exit then counts as a crash
 * (php_worker_exit_cb).
 */
static void
php_worker_lost(struct php_worker *w, const char *why)
{
	if (!w->killed && w->fd != -1)
		log_warnx("php-cgi[%d]: %s%s", (int)w->pid, why,
		    w->req != NULL ? " while serving a request (502)" : "");
	if (!w->retired)
		w->php->nworkers--;
	w->retired = 1;
	php_worker_signal(w);
	php_worker_close(w);
	if (w->req != NULL)
		php_req_end(w->req, -1);
}

/* Retire a worker: no more requests; it is killed and reaped. */
static void
php_worker_retire(struct php_worker *w, const char *why)
{
	if (why != NULL) {
		log_debug("php-cgi[%d]: retired: %s", (int)w->pid, why);
		if (!w->retired)
			w->pool->recycled++;
	}
	if (!w->retired)
		w->php->nworkers--;
	w->retired = w->killed = 1;
	php_worker_signal(w);
	php_worker_close(w);
}

/*
 * SIGKILL, once: an idle or retiring php-cgi has nothing to finish, and
 * one that lost its connection would wait in accept() for ever.
 */
static void
php_worker_signal(struct php_worker *w)
{
	if (w->child != NULL && !w->signalled)
		spawn_kill(w->child, SIGKILL);
	w->signalled = 1;
}

/* Off its idle list, its connection closed, its socket's name removed. */
static void
php_worker_close(struct php_worker *w)
{
	if (w->idle) {
		TAILQ_REMOVE(&w->pool->idle, w, entry);
		w->idle = 0;
	}
	php_conn_close(w);
	if (w->sun.sun_path[0] != '\0' && unlink(w->sun.sun_path) == -1 &&
	    errno != ENOENT)
		log_warn("php: unlink %s", w->sun.sun_path);
	w->sun.sun_path[0] = '\0';
}

static void
php_conn_close(struct php_worker *w)
{
	if (w->ev_wr != NULL) {
		event_free(w->ev_wr);
		w->ev_wr = NULL;
	}
	php_fd_close(&w->fd, &w->ev_rd);
}

/* Reaped: a death we did not cause holds the pool's starts back. */
static void
php_worker_exit_cb(struct child *ch, int status, void *arg)
{
	struct php_worker	*w = arg;
	struct php_pool		*pool = w->pool;
	int			 pause;

	w->child = NULL;
	if (!w->killed) {
		pool->crashed++;
		pool->fails++;
		pause = pool->fails > 5 ? PHP_BACKOFF_MAX :
		    (1 << (pool->fails - 1));
		if (pause > PHP_BACKOFF_MAX)
			pause = PHP_BACKOFF_MAX;
		pool->hold_until = time(NULL) + pause;
		if (WIFSIGNALED(status))
			log_warnx("php-cgi[%d]: killed by %s%s; new workers "
			    "in %d s, exec meanwhile", (int)w->pid,
			    spawn_signame(WTERMSIG(status)) != NULL ?
			    spawn_signame(WTERMSIG(status)) : "a signal",
			    w->req != NULL ? " while serving a request (502)" :
			    "", pause);
		else
			log_warnx("php-cgi[%d]: exited with status %d%s; new "
			    "workers in %d s, exec meanwhile", (int)w->pid,
			    WEXITSTATUS(status), w->req != NULL ? " while "
			    "serving a request (502)" : "", pause);
	}
	w->killed = 1;
	/*
	 * Its child and what scripts started may outlive the master (a
	 * SIGKILL to it alone): its group goes too.  The group's id cannot
	 * be a new process's while one of its members lives.
	 */
	(void)kill(-w->pid, SIGKILL);
	php_worker_lost(w, "exited");
	php_worker_log(w, 1);
	php_worker_free(w);
}

/* What the worker printed outside any request (start-up warnings). */
static void
php_worker_log_cb(evutil_socket_t fd, short ev, void *arg)
{
	php_worker_log(arg, 0);
}

static void
php_worker_log(struct php_worker *w, int last)
{
	char	*line;
	size_t	 n;
	ssize_t	 got;

	if (w->logfd == -1)
		return;
	got = buf_read_fd(w->logbuf, w->logfd, READ_CHUNK);
	while ((line = evbuffer_readln(w->logbuf, &n,
	    EVBUFFER_EOL_CRLF)) != NULL) {
		log_warnx("php-cgi[%d]: %s", (int)w->pid, line);
		free(line);
	}
	if ((n = evbuffer_get_length(w->logbuf)) >= STDERR_LINE_MAX ||
	    (n > 0 && (last || got == 0))) {
		line = (char *)evbuffer_pullup(w->logbuf, (ssize_t)n);
		log_warnx("php-cgi[%d]: %.*s", (int)w->pid, (int)n, line);
		evbuffer_drain(w->logbuf, n);
	}
	if (got == 0 || (got == -1 && errno != EAGAIN && errno != EINTR))
		php_fd_close(&w->logfd, &w->ev_log);
}

static void
php_worker_free(struct php_worker *w)
{
	if (w->pid > 0)
		TAILQ_REMOVE(&w->php->all, w, all);
	if (w->ev_orphan != NULL)
		event_free(w->ev_orphan);
	php_worker_close(w);
	php_fd_close(&w->logfd, &w->ev_log);
	if (w->wq != NULL)
		evbuffer_free(w->wq);
	if (w->rq != NULL)
		evbuffer_free(w->rq);
	if (w->logbuf != NULL)
		evbuffer_free(w->logbuf);
	fcgi_decoder_free(&w->dec);
	free(w);
}

/* Each pool as the status page shows it. */
void
php_each(struct server *srv, php_info_cb cb, void *arg)
{
	struct php		*p = srv->php;
	struct php_pool		*pool;
	struct php_worker	*w;
	struct php_info		 pi;
	long long		 rss;
	pid_t			 c;

	if (p == NULL)
		return;
	TAILQ_FOREACH(pool, &p->pools, entry) {
		memset(&pi, 0, sizeof(pi));
		pi.ext = pool->h->ext;
		pi.interp = pool->h->argv[0];
		TAILQ_FOREACH(w, &p->all, all) {
			if (w->pool != pool || w->child == NULL)
				continue;
			if (w->req != NULL)
				pi.busy++;
			if (w->retired)
				continue;
			pi.workers++;
			if (w->idle)
				pi.idle++;
			if ((rss = spawn_rss(w->pid)) > 0)
				pi.rss += rss;
			if ((c = php_worker_child(w)) > 0 &&
			    (rss = spawn_rss(c)) > 0)
				pi.rss += rss;
		}
		pi.served = pool->served;
		pi.recycled = pool->recycled;
		pi.crashed = pool->crashed;
		pi.killed = pool->killed;
		cb(&pi, arg);
	}
}

/* --warm-idle: idle workers unused this long retire. */
static void
php_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct php		*p = arg;
	struct php_pool		*pool;
	struct php_worker	*w, *prev;
	time_t			 now = time(NULL);

	TAILQ_FOREACH(pool, &p->pools, entry)
		for (w = TAILQ_LAST(&pool->idle, php_worker_list); w != NULL;
		    w = prev) {
			prev = TAILQ_PREV(w, php_worker_list, entry);
			if (now - w->last_used < p->srv->cfg->warm_idle)
				break;
			php_worker_retire(w, "idle past --warm-idle");
		}
}

static void
php_fd_close(int *fd, struct event **ev)
{
	if (*ev != NULL) {
		event_free(*ev);
		*ev = NULL;
	}
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}
