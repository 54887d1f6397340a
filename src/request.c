/*
 * One FastCGI request in the RESPONDER or AUTHORIZER role (the script of
 * --authorizer, which gets no body: spec 6.3): gather the params, find and
 * check the script, wait for a slot, run it, stream FCGI_STDIN to it and
 * its stdout/stderr back, check its header block, and send END_REQUEST
 * only once stdout and stderr are at EOF and the script has been reaped.
 * A script past -t, or silent past --idle-timeout, is terminated with
 * what it started (spawn_terminate) and its response ends: 504 if no
 * header block was sent yet.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "warmcgi.h"

static int	 request_params_end(struct request *, const char **);
static void	 request_prepare(struct request *);
static int	 request_body_wanted(struct request *);
static void	 request_body_end(struct request *);
static void	 request_enqueue(struct request *);
static int	 request_authorizer(struct request *, const char **);
static int	 request_pi_used(struct request *);
static void	 request_dispatch_cb(evutil_socket_t, short, void *);
static void	 request_start(struct request *);
static void	 request_respond(struct request *, int);
static void	 request_error_body(struct request *, int);
static void	 request_fd_close(int *, struct event **);
static void	 request_stdin_close(struct request *);
static void	 request_stdin_discard(struct request *);
static void	 request_stdin_cb(evutil_socket_t, short, void *);
static void	 request_stdin_more(struct request *);
static void	 request_stdout_cb(evutil_socket_t, short, void *);
static int	 request_stdout(struct request *, size_t);
static void	 request_stdout_end(struct request *);
static void	 request_out_pause(struct request *);
static void	 request_coalesce_cb(evutil_socket_t, short, void *);
static void	 request_stderr_cb(evutil_socket_t, short, void *);
static void	 request_stderr(struct request *);
static void	 request_stderr_end(struct request *);
static void	 request_header(struct request *);
static void	 request_bad_header(struct request *, const char *);
static void	 request_authz_flush(struct request *);
static void	 request_stderr_log(struct request *);
static void	 request_child_exit(struct child *, int, void *);
static void	 request_check_end(struct request *);
static int	 request_exit_wait(struct request *);
static void	 request_exit_wait_cb(evutil_socket_t, short, void *);
static const char *request_name(struct request *);
static void	 request_exit_status(struct request *, int);
static int	 request_run_warm(struct request *);
static int	 request_run_php(struct request *);
static void	 request_php_out(void *, const uint8_t *, size_t);
static void	 request_php_err(void *, const uint8_t *, size_t);
static void	 request_php_in_ready(void *);
static void	 request_php_end(void *, int);
static int	 request_warm_pidline(struct request *);
static void	 request_warm_fallback(struct request *, const char *);
static void	 request_warm_timeout_cb(evutil_socket_t, short, void *);
static void	 request_warm_cancel(struct request *);
static void	 request_events(struct request *);
static void	 request_limits_start(struct request *);
static void	 request_limit_arm(struct request *, long long);
static void	 request_limit_cb(evutil_socket_t, short, void *);
static void	 request_expire(struct request *, const char *, int,
		    long long);
static void	 request_tree(struct request *, struct spawn_tree *);
static void	 request_kill(struct request *);
static void	 request_terminate(struct request *, int);
static int	 request_own(struct request *);
static void	 request_slow_cb(evutil_socket_t, short, void *);

/* What a php-cgi worker sends comes in here (php.c). */
static const struct php_sink request_php_sink = {
	request_php_out, request_php_err, request_php_in_ready, request_php_end
};

struct request *
request_new(struct conn *c, uint16_t id, uint8_t flags, uint16_t role)
{
	struct request	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->conn = c;
	r->srv = c->srv;
	r->id = id;
	r->flags = flags;
	r->role = role;
	r->state = R_PARAMS;
	r->fd_in = r->fd_out = r->fd_err = -1;
	body_init(&r->body);
	if ((r->params = evbuffer_new()) == NULL ||
	    (r->stdin_q = evbuffer_new()) == NULL ||
	    (r->chunk = evbuffer_new()) == NULL ||
	    response_init(&r->resp) == -1 ||
	    (r->errline = evbuffer_new()) == NULL) {
		r->ended = 1;
		request_free(r);
		return NULL;
	}
	r->resp.authorizer = r->resp.scan.authorizer =
	    role == FCGI_AUTHORIZER;
	r->resp.redirect = r->srv->cfg->local_redirect;
	r->srv->stats.requests_total++;
	r->begin_ms = status_now_ms();
	conn_hold(c, 1);
	return r;
}

/* The script's name for log lines. */
static const char *
request_name(struct request *r)
{
	const char	*s;

	if (r->script.path[0] != '\0')
		return r->script.path;
	if ((s = cgi_env_get(&r->env, "SCRIPT_FILENAME")) != NULL ||
	    (s = cgi_env_get(&r->env, "SCRIPT_NAME")) != NULL)
		return s;
	return "(no script)";
}

/* One FCGI_PARAMS record; -1 and *why when the stream is malformed. */
int
request_params(struct request *r, const uint8_t *p, size_t len,
    const char **why)
{
	if (r->state != R_PARAMS)
		return 0;
	if (len == 0)
		return request_params_end(r, why);
	if (evbuffer_get_length(r->params) + len > r->srv->cfg->params_max) {
		*why = "params larger than --max-params";
		return -1;
	}
	if (evbuffer_add(r->params, p, len) == -1) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

static int
request_params_end(struct request *r, const char **why)
{
	size_t		 len = evbuffer_get_length(r->params);
	const uint8_t	*p = evbuffer_pullup(r->params, -1);

	if (len > 0 && p == NULL) {
		*why = "out of memory";
		return -1;
	}
	if (cgi_env_build(&r->env, p, len, r->srv->cfg, why) == -1)
		return -1;
	evbuffer_free(r->params);
	r->params = NULL;
	if (r->role == FCGI_AUTHORIZER && !r->stdin_done) {
		/*
		 * An authorizer gets no body (spec 6.3), and Apache's
		 * mod_authnz_fcgi sends not even the empty FCGI_STDIN: its
		 * input ends with the params.  Any FCGI_STDIN is ignored.
		 */
		r->stdin_done = r->stdin_discard = 1;
		evbuffer_drain(r->stdin_q, evbuffer_get_length(r->stdin_q));
		conn_hold(r->conn, 0);
	}
	request_prepare(r);
	return 0;
}

/*
 * The script of --authorizer, whatever the params name: they describe the
 * request being authorized.  FCGI_ROLE tells the script its role, as the
 * spec's own library does; a server that sent it is believed.
 */
static int
request_authorizer(struct request *r, const char **why)
{
	struct cgi_env	 env;
	int		 status;

	memset(&env, 0, sizeof(env));
	if (cgi_env_set(&env, "SCRIPT_FILENAME", r->srv->cfg->authorizer) ==
	    -1 || (cgi_env_get(&r->env, "FCGI_ROLE") == NULL &&
	    cgi_env_set(&r->env, "FCGI_ROLE", "AUTHORIZER") == -1)) {
		cgi_env_free(&env);
		*why = "out of memory";
		return 500;
	}
	status = cgi_script_find(r->srv->cfg, &env, &r->script, why);
	cgi_env_free(&env);
	if (status == 0 && r->script.split) {
		*why = "no such file";
		return 404;
	}
	return status;
}

/*
 * The script was found along PATH_INFO (cgi_script_find): the part of it
 * that named the script moves to the end of SCRIPT_NAME, the rest stays.
 */
static int
request_pi_used(struct request *r)
{
	const char	*pi, *sn;
	char		*name;
	size_t		 used;
	int		 rc;

	if ((pi = cgi_env_get(&r->env, "PATH_INFO")) == NULL ||
	    strlen(pi) != r->script.pi_used)
		return -1;
	used = r->script.pi_used - strlen(r->script.path_info);
	if ((sn = cgi_env_get(&r->env, "SCRIPT_NAME")) == NULL)
		sn = "";
	if (asprintf(&name, "%s%.*s", sn, (int)used, pi) == -1)
		return -1;
	rc = cgi_env_set(&r->env, "SCRIPT_NAME", name);
	free(name);
	if (rc == -1 || cgi_env_set(&r->env, "PATH_INFO",
	    r->script.path_info) == -1)
		return -1;
	return 0;
}

/* Find and check the script, then run it, queue it or refuse it. */
static void
request_prepare(struct request *r)
{
	struct server	*srv = r->srv;
	const char	*why, *pi, *sn;
	char		*trimmed;
	size_t		 sl, pl;
	int		 status;

	/* Costs one test when neither path is configured. */
	if ((srv->cfg->status_path != NULL || srv->cfg->ping_path != NULL) &&
	    request_own(r))
		return;
	if ((status = r->role == FCGI_AUTHORIZER ? request_authorizer(r,
	    &why) : cgi_script_find(srv->cfg, &r->env, &r->script,
	    &why)) != 0) {
		log_warnx("%s: %s (%d)", request_name(r), why, status);
		request_respond(r, status);
		return;
	}
	if (!cgi_script_allowed(srv->cfg, r->script.path)) {
		log_warnx("%s: not allowed by -p (403)", r->script.path);
		request_respond(r, 403);
		return;
	}
	if ((status = cgi_script_confine(srv->cfg, &r->script, srv->euid,
	    &why)) != 0) {
		log_warnx("%s: %s (%d)", r->script.path, why, status);
		request_respond(r, status);
		return;
	}
	r->resp.docroot = cgi_env_get(&r->env, "DOCUMENT_ROOT");
	if (r->env.ndropped > 0)
		log_warnx("%s: %zu variables a peer may not set dropped "
		    "(first: %s)", r->script.path, r->env.ndropped,
		    r->env.dropped);
	if (r->script.split && ((pi = cgi_env_get(&r->env, "PATH_INFO")) ==
	    NULL || *pi == '\0')) {
		/* SCRIPT_NAME loses the part that became PATH_INFO. */
		if ((sn = cgi_env_get(&r->env, "SCRIPT_NAME")) != NULL &&
		    (sl = strlen(sn)) > (pl = strlen(r->script.path_info)) &&
		    strcmp(sn + sl - pl, r->script.path_info) == 0 &&
		    (trimmed = strndup(sn, sl - pl)) != NULL) {
			if (cgi_env_set(&r->env, "SCRIPT_NAME", trimmed) == -1)
				status = 500;
			free(trimmed);
		}
		if (cgi_env_set(&r->env, "PATH_INFO", r->script.path_info) ==
		    -1)
			status = 500;
	}
	if (r->script.pi_used > 0 && request_pi_used(r) == -1)
		status = 500;
	/* The script's SCRIPT_FILENAME names the script, whatever was sent. */
	if (status == 0 && (r->script.split || r->script.rewritten ||
	    r->script.pi_used > 0) &&
	    cgi_env_set(&r->env, "SCRIPT_FILENAME", r->script.path) == -1)
		status = 500;
	if (status == 0 && cgi_handler_env(&r->env, &r->script) == -1)
		status = 500;
	if (status == 0)
		r->argv = r->script.handler != NULL ?
		    cgi_handler_argv(r->script.handler, r->script.path) :
		    cgi_argv_build(r->script.path, cgi_env_get(&r->env,
		    "QUERY_STRING"), srv->cfg->isindex_argv);
	if (status != 0 || r->argv == NULL) {
		log_warnx("%s: out of memory (500)", r->script.path);
		request_respond(r, 500);
		return;
	}
	if (request_body_wanted(r)) {
		if (!r->stdin_done) {
			r->state = R_BODY;
			return;
		}
		request_body_end(r);
		return;
	}
	request_enqueue(r);
}

/*
 * --buffer-body: a body that comes without CONTENT_LENGTH (absent or
 * empty, as nginx sends it) is collected whole first, before the request
 * takes a slot or a place in the queue: a slow upload holds neither.
 * What came before the params' end is its start.
 */
static int
request_body_wanted(struct request *r)
{
	const char	*cl = cgi_env_get(&r->env, "CONTENT_LENGTH");

	if (r->srv->cfg->buffer_body == 0 || (cl != NULL && *cl != '\0'))
		return 0;
	r->body.len = (long long)evbuffer_get_length(r->stdin_q);
	return 1;
}

/* The body has ended: CONTENT_LENGTH says how long it was; run it. */
static void
request_body_end(struct request *r)
{
	char	 len[32];

	if (r->body.len > r->srv->cfg->buffer_body) {
		log_warnx("%s: body without CONTENT_LENGTH larger than "
		    "--buffer-body (413)", r->script.path);
		request_respond(r, 413);
		return;
	}
	snprintf(len, sizeof(len), "%lld", r->body.len);
	if ((r->body.len > 0 && cgi_env_set(&r->env, "CONTENT_LENGTH",
	    len) == -1) || body_refill(&r->body, r->stdin_q, READ_CHUNK) ==
	    -1) {
		log_warn("%s: collected body (500)", r->script.path);
		request_respond(r, 500);
		return;
	}
	if (r->body.len > 0)
		log_debug("%s: body of %lld bytes collected%s", r->script.path,
		    r->body.len, r->body.fd != -1 ? " in a file" : "");
	request_enqueue(r);
}

/* Run the request now, queue it for a slot, or refuse it with 503. */
static void
request_enqueue(struct request *r)
{
	struct server	*srv = r->srv;

	if (conn_hold_refuse(srv)) {
		log_warnx("%s: %lld bytes of output held on disk, "
		    "--spill-total reached (503)", r->script.path,
		    srv->spill_total);
		srv->stats.rejected_busy++;
		request_respond(r, 503);
		return;
	}
	if (srv->nchildren < srv->cfg->max_children &&
	    TAILQ_EMPTY(&srv->waitq)) {
		request_start(r);
		return;
	}
	if (srv->nchildren >= srv->cfg->max_children)
		srv->stats.slots_full++;
	if (srv->nwaiting >= srv->cfg->queue_max) {
		log_warnx("%s: %d scripts running and %d waiting (503)",
		    r->script.path, srv->nchildren, srv->nwaiting);
		srv->stats.rejected_busy++;
		request_respond(r, 503);
		return;
	}
	r->state = R_WAIT;
	r->waiting = 1;
	TAILQ_INSERT_TAIL(&srv->waitq, r, wait_entry);
	srv->nwaiting++;
	if ((uint64_t)srv->nwaiting > srv->stats.queued_max)
		srv->stats.queued_max = (uint64_t)srv->nwaiting;
}

/*
 * The status page or ping (status.c): answered here, without a script.
 * 1 if it was one of them.
 */
static int
request_own(struct request *r)
{
	struct evbuffer	*b;
	int		 status;

	if ((b = evbuffer_new()) == NULL)
		return 0;
	if ((status = status_answer(r->srv, &r->env, b)) == 0) {
		evbuffer_free(b);
		return 0;
	}
	r->state = R_RESPOND;
	r->resp.done = 1;
	r->status = status;
	request_stdin_discard(r);
	r->srv->stats.bytes_out += evbuffer_get_length(b);
	r->bytes_out += evbuffer_get_length(b);
	conn_send_buffer(r->conn, FCGI_STDOUT, r->id, b);
	evbuffer_free(b);
	request_check_end(r);
	return 1;
}

/* The wait queue's wake-up, activated by spawn_slot_free(). */
int
request_queue_init(struct server *srv)
{
	srv->ev_dispatch = event_new(srv->base, -1, 0, request_dispatch_cb,
	    srv);
	return srv->ev_dispatch == NULL ? -1 : 0;
}

void
request_queue_free(struct server *srv)
{
	if (srv->ev_dispatch != NULL)
		event_free(srv->ev_dispatch);
	srv->ev_dispatch = NULL;
}

/* Start queued requests while there are free slots. */
static void
request_dispatch_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct server	*srv = arg;
	struct request	*r;

	while (srv->nchildren < srv->cfg->max_children &&
	    (r = TAILQ_FIRST(&srv->waitq)) != NULL) {
		TAILQ_REMOVE(&srv->waitq, r, wait_entry);
		r->waiting = 0;
		srv->nwaiting--;
		request_start(r);
	}
}

static void
request_start(struct request *r)
{
	struct spawn_args	 a;
	int			 fds[3], status;

	request_limits_start(r);
	if (r->srv->cfg->slow_log > 0 && r->ev_slow == NULL &&
	    (r->ev_slow = evtimer_new(r->srv->base, request_slow_cb,
	    r)) != NULL) {
		struct timeval	 tv = { r->srv->cfg->slow_log, 0 };

		evtimer_add(r->ev_slow, &tv);
	}
	r->ran = 1;
	if (r->script.handler != NULL && r->script.handler->php &&
	    request_run_php(r) == 0)
		return;
	if (!r->warm_tried && request_run_warm(r) == 0)
		return;
	/* A --handler's interpreter runs the script, named last in argv. */
	a.path = r->argv[0];
	a.argv = r->argv;
	a.envp = r->env.vars;
	a.cwd = r->script.dir;
	a.fd3 = -1;
	a.lim = &r->srv->lim_script;
	r->child = spawn_child(r->srv, &a, fds, request_child_exit, r);
	if (r->child == NULL) {
		status = (errno == EMFILE || errno == ENFILE ||
		    errno == EAGAIN || errno == ENOMEM) ? 503 : 502;
		log_warn("%s: cannot run (%d)", r->script.path, status);
		request_respond(r, status);
		return;
	}
	r->state = R_RUN;
	r->pid = r->child->pid;
	r->fd_in = fds[0];
	r->fd_out = fds[1];
	r->fd_err = fds[2];
	request_events(r);
	log_debug("%s: started pid %d", r->script.path, (int)r->pid);
}

/*
 * Through a ready zygote: stdin and stdout share the data connection (fd_in
 * is a dup of it, shut down for EOF), stderr starts with the P<pid> line.
 * The preamble goes first; the body waits until the pid is known, so that
 * a zygote failing before the fork leaves the request intact for exec.
 */
static int
request_run_warm(struct request *r)
{
	struct warm_conn	 wc;
	struct timeval		 tv = { WARM_PID_TIMEOUT, 0 };

	memset(&wc, 0, sizeof(wc));
	/* The script's own argv: what follows a handler's words. */
	if (warm_launch(r->srv, &r->script, r->argv + (r->script.handler !=
	    NULL ? r->script.handler->argc : 0), r->env.vars, &wc) == -1)
		return -1;
	if ((r->fd_in = fcntl(wc.fd_data, F_DUPFD_CLOEXEC, 3)) == -1 ||
	    (r->ev_warm = evtimer_new(r->srv->base, request_warm_timeout_cb,
	    r)) == NULL) {
		log_warn("%s: warm start", r->script.path);
		if (r->fd_in != -1)
			close(r->fd_in);
		r->fd_in = -1;
		close(wc.fd_data);
		close(wc.fd_err);
		evbuffer_free(wc.prelude);
		return -1;
	}
	r->state = R_RUN;
	r->warm = r->warm_pending = 1;
	r->warm_via = wc.via;
	r->srv->nchildren++;	/* the slot its process will hold */
	r->fd_out = wc.fd_data;
	r->fd_err = wc.fd_err;
	r->prelude_left = evbuffer_get_length(wc.prelude);
	evbuffer_prepend_buffer(r->stdin_q, wc.prelude);
	evbuffer_free(wc.prelude);
	evtimer_add(r->ev_warm, &tv);
	request_events(r);
	log_debug("%s: warm start", r->script.path);
	return 0;
}

/*
 * Through a php-cgi worker (php.c): no descriptors and no child of the
 * request's own; the worker's records come in through request_php_sink,
 * its pid names it in log lines.
 */
static int
request_run_php(struct request *r)
{
	if ((r->php = php_start(r->srv, r->script.handler, r->script.path,
	    r->env.vars, &request_php_sink, r, &r->pid)) == NULL)
		return -1;
	r->state = R_RUN;
	log_debug("%s: to php-cgi worker %d", r->script.path, (int)r->pid);
	if (evbuffer_get_length(r->stdin_q) > 0)
		request_stdin_more(r);
	else if (r->stdin_done)
		request_stdin_close(r);
	return 0;
}

/* The worker's FCGI_STDOUT: as a script's stdout. */
static void
request_php_out(void *arg, const uint8_t *p, size_t len)
{
	struct request	*r = arg;

	r->io_ms = status_now_ms();
	if (evbuffer_add(r->chunk, p, len) == 0)
		(void)request_stdout(r, len);
}

/* Its FCGI_STDERR: as a script's stderr. */
static void
request_php_err(void *arg, const uint8_t *p, size_t len)
{
	struct request	*r = arg;

	r->io_ms = status_now_ms();
	if (evbuffer_add(r->chunk, p, len) == 0)
		request_stderr(r);
}

/* Its queue has room for more of the body. */
static void
request_php_in_ready(void *arg)
{
	request_stdin_more(arg);
}

/*
 * FCGI_END_REQUEST (app_status, its exit status), or the worker lost
 * (-1): both outputs end, as at a script's exit.  May free r.
 */
static void
request_php_end(void *arg, int app_status)
{
	struct request	*r = arg;

	if (app_status >= 0) {
		r->exited = 1;
		r->wstatus = (app_status & 0xff) << 8;	/* W_EXITCODE */
		r->app_status = (uint32_t)app_status;
	}
	request_stdout_end(r);
	request_stderr_end(r);
	if (!r->stdin_discard)
		request_stdin_discard(r);
	request_check_end(r);
}

/* Events on the three descriptors of a started script. */
static void
request_events(struct request *r)
{
	struct event_base	*base = r->srv->base;

	r->ev_in = event_new(base, r->fd_in, EV_WRITE | EV_PERSIST,
	    request_stdin_cb, r);
	r->ev_out = event_new(base, r->fd_out, EV_READ | EV_PERSIST,
	    request_stdout_cb, r);
	r->ev_err = event_new(base, r->fd_err, EV_READ | EV_PERSIST,
	    request_stderr_cb, r);
	if (r->ev_in == NULL || r->ev_out == NULL || r->ev_err == NULL) {
		/* The reap and the closed pipes end the request. */
		log_warnx("%s: out of memory", r->script.path);
		spawn_kill(r->child, SIGKILL);
		r->killed = 1;
		request_stdin_close(r);
		request_fd_close(&r->fd_out, &r->ev_out);
		request_fd_close(&r->fd_err, &r->ev_err);
		return;
	}
	event_add(r->ev_out, NULL);
	event_add(r->ev_err, NULL);
	if (evbuffer_get_length(r->stdin_q) > 0)
		event_add(r->ev_in, NULL);
	else if (r->stdin_done)
		request_stdin_close(r);
}

/* stderr of a warm request begins with "P<pid>\n": adopt that process. */
static int
request_warm_pidline(struct request *r)
{
	struct child	*ch;
	const char	*errstr;
	char		*nl;
	size_t		 take;
	long long	 pid;
	int		 status, rc;

	take = sizeof(r->pidline) - 1 - r->pidlen;
	if (take > evbuffer_get_length(r->chunk))
		take = evbuffer_get_length(r->chunk);
	evbuffer_copyout(r->chunk, r->pidline + r->pidlen, take);
	r->pidline[r->pidlen + take] = '\0';
	if ((nl = strchr(r->pidline, '\n')) == NULL) {
		evbuffer_drain(r->chunk, take);
		r->pidlen += take;
		if (r->pidlen == sizeof(r->pidline) - 1)
			return -1;
		return 0;
	}
	evbuffer_drain(r->chunk, (size_t)(nl - r->pidline) + 1 - r->pidlen);
	*nl = '\0';
	pid = r->pidline[0] == 'P' ? strtonum(r->pidline + 1, 2, INT32_MAX,
	    &errstr) : 0;
	if (pid == 0)
		return -1;
	r->warm_pending = 0;
	evtimer_del(r->ev_warm);
	r->pid = (pid_t)pid;
	/* Its zygote gone, it is ours to reap (or lost with it). */
	rc = spawn_adopt(r->srv, r->pid, r->warm_via, !warm_gen_alive(r->srv,
	    r->warm_via), request_child_exit, r, &ch, &status);
	if (rc == -1) {
		/* Killed by spawn_adopt(), which could not track it. */
		log_warn("%s: warm pid %d", r->script.path, (int)r->pid);
		r->killed = 1;
		spawn_slot_free(r->srv);
	} else if (rc == 1) {
		spawn_slot_free(r->srv);
		request_exit_status(r, status);
	} else
		r->child = ch;
	if (r->out_wait_pid && r->ev_out != NULL)
		event_add(r->ev_out, NULL);
	r->out_wait_pid = 0;
	/* Now the body may follow the preamble. */
	if (evbuffer_get_length(r->stdin_q) > 0 && r->ev_in != NULL)
		event_add(r->ev_in, NULL);
	else if (r->stdin_done)
		request_stdin_close(r);
	return 1;
}

/*
 * The zygote did not fork this request: run it by exec instead.  One that
 * was retired meanwhile drops what it had not taken (a warning for each
 * would only repeat the retirement); one that died has its end logged.
 */
static void
request_warm_fallback(struct request *r, const char *why)
{
	if (warm_gen_serving(r->srv, r->warm_via))
		log_warnx("%s: warm start failed (%s); running it by exec",
		    r->script.path, why);
	else
		log_debug("%s: warm start failed (%s): its zygote was retired "
		    "or has gone; running it by exec", r->script.path, why);
	r->srv->stats.warm_fallbacks++;
	warm_report_failure(r->srv, r->script.path, r->warm_via, why);
	if (r->ev_warm != NULL) {
		event_free(r->ev_warm);
		r->ev_warm = NULL;
	}
	request_stdin_close(r);
	request_fd_close(&r->fd_out, &r->ev_out);
	request_fd_close(&r->fd_err, &r->ev_err);
	evbuffer_drain(r->stdin_q, r->prelude_left);
	evbuffer_drain(r->chunk, evbuffer_get_length(r->chunk));
	r->prelude_left = 0;
	r->pidlen = 0;
	r->warm = r->warm_pending = r->out_wait_pid = 0;
	r->warm_tried = 1;
	spawn_slot_free(r->srv);
	request_start(r);
}

/*
 * Give up on a warm start whose pid has not been read.  After the
 * shutdown the P line is either queued here already (the process runs:
 * it is adopted, and the caller kills it) or its write fails and the
 * request process exits without running the script (PROTOCOL.md).  Never
 * a fall-back to exec: an aborted request must not run twice.
 */
static void
request_warm_cancel(struct request *r)
{
	if (!r->warm_pending)
		return;
	(void)shutdown(r->fd_err, SHUT_RDWR);
	if (buf_read_fd(r->chunk, r->fd_err, sizeof(r->pidline)) > 0 &&
	    request_warm_pidline(r) == 1)
		return;
	r->warm_pending = 0;
	if (r->ev_warm != NULL)
		evtimer_del(r->ev_warm);
	evbuffer_drain(r->chunk, evbuffer_get_length(r->chunk));
	request_fd_close(&r->fd_out, &r->ev_out);
	request_fd_close(&r->fd_err, &r->ev_err);
	spawn_slot_free(r->srv);
	log_debug("%s: warm start cancelled before its pid was known", r->script.path);
}

static void
request_warm_timeout_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct request	*r = arg;

	(void)fd;
	(void)ev;
	if (r->warm_pending)
		request_warm_fallback(r, "no pid from the zygote in time");
}

static void
request_fd_close(int *fd, struct event **ev)
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

/*
 * End the script's stdin; a warm one's is a socket it also writes to, a
 * php-cgi worker's an empty FCGI_STDIN.
 */
static void
request_stdin_close(struct request *r)
{
	if (r->php != NULL)
		php_stdin_end(r->php);
	if (r->fd_in != -1 && r->warm)
		(void)shutdown(r->fd_in, SHUT_WR);
	request_fd_close(&r->fd_in, &r->ev_in);
}

/* A short text/plain answer of warmcgi's own. */
static void
request_error_body(struct request *r, int status)
{
	char	 buf[256];
	int	 n;

	n = snprintf(buf, sizeof(buf), "Status: %d %s\r\n"
	    "Content-Type: text/plain\r\n\r\n%d %s\n", status,
	    cgi_status_reason(status), status, cgi_status_reason(status));
	r->status = status;
	r->srv->stats.bytes_out += (uint64_t)n;
	r->bytes_out += (uint64_t)n;
	conn_send(r->conn, FCGI_STDOUT, r->id, buf, (size_t)n);
}

/* Answer without running a script; END follows when the body has ended. */
static void
request_respond(struct request *r, int status)
{
	r->state = R_RESPOND;
	r->resp.done = 1;
	request_stdin_discard(r);
	request_error_body(r, status);
	request_check_end(r);
}

/* One FCGI_STDIN record; an empty one ends the body.  -1 and *why: close. */
int
request_stdin(struct request *r, const uint8_t *p, size_t len,
    const char **why)
{
	const char	*bwhy;
	int		 status;

	if (r->stdin_done)
		return 0;
	if (len == 0 && r->state == R_BODY) {
		r->stdin_done = 1;
		conn_hold(r->conn, 0);
		request_body_end(r);	/* may end r: return at once */
		return 0;
	}
	if (len == 0) {
		r->stdin_done = 1;
		if ((r->fd_in != -1 || r->php != NULL) &&
		    evbuffer_get_length(r->stdin_q) == 0)
			request_stdin_close(r);
		conn_hold(r->conn, 0);
		request_check_end(r);
		return 0;
	}
	r->srv->stats.bytes_in += len;
	r->bytes_in += len;
	if (r->stdin_discard)
		return 0;
	if (r->state == R_BODY) {
		if ((status = body_add(&r->body, r->stdin_q, p, len,
		    r->srv->cfg, &bwhy)) != 0) {
			log_warnx("%s: %s (%d)", r->script.path, bwhy, status);
			request_respond(r, status);	/* ends at the body's end */
		}
		return 0;
	}
	/*
	 * The body may start before the params end (spec 3.3 lets streams
	 * interleave).  Pausing then would never end, the params' end being
	 * behind the pause: keep up to --stdin-buffer of it, no more.
	 */
	if (r->state == R_PARAMS && evbuffer_get_length(r->stdin_q) + len >
	    r->srv->cfg->stdin_buf) {
		*why = "request body before the end of its params is larger "
		    "than --stdin-buffer";
		return -1;
	}
	if (evbuffer_add(r->stdin_q, p, len) == -1) {
		*why = "out of memory";
		return -1;
	}
	/* Written by request_stdin_flush() once the records are parsed. */
	if (r->state != R_PARAMS &&
	    evbuffer_get_length(r->stdin_q) >= r->srv->cfg->stdin_buf)
		conn_read_pause(r->conn, 1);
	return 0;
}

/*
 * After a batch of FCGI_STDIN records: write what they queued at once,
 * in one call, rather than a loop turn later.
 */
void
request_stdin_flush(struct request *r)
{
	if ((r->ev_in == NULL && r->php == NULL) ||
	    evbuffer_get_length(r->stdin_q) == 0)
		return;
	if (r->php != NULL)
		request_stdin_more(r);
	else if (!r->warm_pending)
		request_stdin_cb(r->fd_in, EV_WRITE, r);
	else if (r->prelude_left > 0)
		event_add(r->ev_in, NULL);
}

/* The script will not read more: drop what is queued and what comes. */
static void
request_stdin_discard(struct request *r)
{
	r->stdin_discard = 1;
	body_free(&r->body);
	evbuffer_drain(r->stdin_q, evbuffer_get_length(r->stdin_q));
	request_stdin_close(r);
	conn_read_pause(r->conn, 0);
}

static void
request_stdin_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct request	*r = arg;
	int		 n;

	(void)ev;
	if (r->warm_pending) {
		/* Only the preamble until the zygote has forked. */
		n = evbuffer_write_atmost(r->stdin_q, fd,
		    (ev_ssize_t)r->prelude_left);
		if (n > 0)
			r->prelude_left -= (size_t)n;
		if (r->prelude_left == 0)
			event_del(r->ev_in);
		if (n >= 0 || errno == EAGAIN || errno == EINTR)
			return;
		request_warm_fallback(r, strerror(errno));
		return;
	}
	request_stdin_more(r);
}

/*
 * Write the body queued for the script: to its pipe or socket, or into
 * its php-cgi worker's FCGI_STDIN records, which take what they have room
 * for (php_stdin) and say when there is more (request_php_in_ready).
 */
static void
request_stdin_more(struct request *r)
{
	int	 n;

	do {
		n = r->php != NULL ? php_stdin(r->php, r->stdin_q) :
		    evbuffer_write(r->stdin_q, r->fd_in);
		if (n > 0)
			r->io_ms = status_now_ms();
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			log_debug("%s: stdin closed early: %s",
			    r->script.path, strerror(errno));
			request_stdin_discard(r);
			return;
		}
		/* A collected body's next part, from its file. */
		if (body_refill(&r->body, r->stdin_q, READ_CHUNK) == -1) {
			log_warn("%s: reading the collected body; its stdin "
			    "ends", r->script.path);
			request_stdin_discard(r);
			return;
		}
	} while (r->php != NULL && n > 0 &&
	    evbuffer_get_length(r->stdin_q) > 0);
	if (evbuffer_get_length(r->stdin_q) == 0) {
		if (r->ev_in != NULL)
			event_del(r->ev_in);
		if (r->stdin_done)
			request_stdin_close(r);
	} else if (r->ev_in != NULL)
		event_add(r->ev_in, NULL);
	if (evbuffer_get_length(r->stdin_q) < r->srv->cfg->stdin_buf)
		conn_read_pause(r->conn, 0);
}

static void
request_stdout_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct request	*r = arg;
	struct timeval	 tv = { 0, COALESCE_USEC };
	ssize_t		 n;

	(void)ev;
	n = buf_read_fd(r->chunk, fd, STDOUT_BATCH);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		r->io_ms = status_now_ms();
	if (n <= 0 && r->warm_pending) {
		/*
		 * A zygote that died before forking resets this connection
		 * too: no verdict until its P line says whether the script
		 * ran (else the request falls back to exec, not to a 502).
		 */
		event_del(r->ev_out);
		r->out_wait_pid = 1;
		return;
	}
	if (n <= 0) {
		if (n == -1)
			log_warn("%s: reading stdout", r->script.path);
		request_fd_close(&r->fd_out, &r->ev_out);
		request_stdout_end(r);
		request_check_end(r);
		return;
	}
	if (!request_stdout(r, (size_t)n))
		return;
	/*
	 * A bulk stream that drained the pipe in small pieces: let it fill
	 * for a moment, so each wake-up moves much more than a page.
	 */
	if (n < READ_CHUNK && r->out_total > COALESCE_AFTER &&
	    (r->ev_coalesce != NULL || (r->ev_coalesce = evtimer_new(
	    r->srv->base, request_coalesce_cb, r)) != NULL)) {
		event_del(r->ev_out);
		evtimer_add(r->ev_coalesce, &tv);
	}
}

/*
 * n bytes of the script's stdout, in r->chunk: its header block checked,
 * then the body sent on.  1 if the stream goes on unpaused.
 */
static int
request_stdout(struct request *r, size_t n)
{
	if (r->resp.bad || r->resp.drop) {
		evbuffer_drain(r->chunk, evbuffer_get_length(r->chunk));
		return 0;
	}
	if (!r->resp.done) {
		request_header(r);
		/* What came with the header block counts as a read too. */
		if (r->resp.done && !conn_out_room(r->conn) &&
		    (r->stdin_done || conn_held_full(r->conn)))
			request_out_pause(r);
		return 0;
	}
	r->srv->stats.bytes_out += (uint64_t)n;
	r->bytes_out += (uint64_t)n;
	r->out_total += (uint64_t)n;
	if (r->authz_hold) {
		evbuffer_add_buffer(r->resp.hdr, r->chunk);
		if (evbuffer_get_length(r->resp.hdr) >= HEADER_MAX)
			request_authz_flush(r);
		return 0;
	}
	conn_send_buffer(r->conn, FCGI_STDOUT, r->id, r->chunk);
	if (!conn_out_room(r->conn) && (r->stdin_done ||
	    conn_held_full(r->conn))) {
		request_out_pause(r);
		return 0;
	}
	return 1;
}

/* The script's stdout has ended: it must have sent a header block. */
static void
request_stdout_end(struct request *r)
{
	if (!r->resp.done && !r->resp.bad && !r->killed)
		request_bad_header(r, evbuffer_get_length(r->resp.hdr) ?
		    "ended inside its header block" :
		    "ended without printing a header block");
}

/* Read no more of its stdout until request_out_ready(). */
static void
request_out_pause(struct request *r)
{
	if (r->php != NULL)
		php_read_pause(r->php, 1);
	else if (r->ev_out != NULL)
		event_del(r->ev_out);
}

static void
request_coalesce_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct request	*r = arg;

	(void)fd;
	(void)ev;
	if (r->ev_out != NULL && ((!r->stdin_done &&
	    !conn_held_full(r->conn)) || conn_out_room(r->conn)))
		event_add(r->ev_out, NULL);
}

/* Gather the header block, check it, then send it on (response.c). */
static void
request_header(struct request *r)
{
	const char	*why;

	switch (response_feed(&r->resp, r->chunk, &why)) {
	case RESPONSE_INCOMPLETE:
		return;
	case RESPONSE_BAD:
		request_bad_header(r, why);
		return;
	}
	r->status = r->resp.status;
	if (r->resp.ndup > 0)
		log_warnx("%s[%d]: printed Status, Content-Type, Location or "
		    "Content-Length more than once: the last of each kept, %d "
		    "line%s dropped", r->script.path, (int)r->pid, r->resp.ndup,
		    r->resp.ndup == 1 ? "" : "s");
	if (r->resp.note != NULL)
		log_debug("%s[%d]: local redirect passed as it is: %s",
		    r->script.path, (int)r->pid, r->resp.note);
	if (r->role == FCGI_AUTHORIZER)
		log_debug("%s[%d]: %s (%d)", r->script.path, (int)r->pid,
		    r->status == 200 ? "authorized" : "denied", r->status);
	r->srv->stats.bytes_out += evbuffer_get_length(r->resp.hdr);
	r->bytes_out += evbuffer_get_length(r->resp.hdr);
	if (r->role == FCGI_AUTHORIZER && !r->resp.drop) {
		/*
		 * A denial: Apache's mod_authnz_fcgi shows the client only
		 * the body that came in the records up to the end of the
		 * header block, so block and body go in one record (up to
		 * HEADER_MAX; it keeps 8 KiB).
		 */
		r->authz_hold = 1;
		return;
	}
	conn_send_buffer(r->conn, FCGI_STDOUT, r->id, r->resp.hdr);
}

/* Send a denial held by request_header(), and stream what follows. */
static void
request_authz_flush(struct request *r)
{
	if (!r->authz_hold)
		return;
	r->authz_hold = 0;
	conn_send_buffer(r->conn, FCGI_STDOUT, r->id, r->resp.hdr);
}

/* No valid header block: answer 502 and swallow the rest of the output. */
static void
request_bad_header(struct request *r, const char *what)
{
	char	 show[65];

	response_reject(&r->resp, show, sizeof(show));
	log_warnx("%s[%d]: %s (502); its output began \"%s\"",
	    r->script.path, (int)r->pid, what, show);
	request_error_body(r, 502);
}

static void
request_stderr_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct request	*r = arg;
	int		 n;

	(void)ev;
	n = buf_read_fd(r->chunk, fd, READ_CHUNK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		r->io_ms = status_now_ms();
	if (r->warm_pending) {
		if (n <= 0) {
			request_warm_fallback(r, n == 0 ? "the zygote closed "
			    "the connection" : strerror(errno));
			return;
		}
		switch (request_warm_pidline(r)) {
		case -1:
			request_warm_fallback(r, "no pid line from the zygote");
			return;
		case 0:
			return;
		}
		if (evbuffer_get_length(r->chunk) == 0) {
			request_check_end(r);
			return;
		}
	}
	if (n <= 0) {
		request_stderr_end(r);
		request_fd_close(&r->fd_err, &r->ev_err);
		request_check_end(r);
		return;
	}
	request_stderr(r);
}

/* The script's stderr, in r->chunk: to the server (-f) or our log. */
static void
request_stderr(struct request *r)
{
	if (r->srv->cfg->stderr_to_fcgi) {
		if (evbuffer_get_length(r->chunk) > 0)
			r->stderr_sent = 1;
		conn_send_buffer(r->conn, FCGI_STDERR, r->id, r->chunk);
		return;
	}
	evbuffer_add_buffer(r->errline, r->chunk);
	request_stderr_log(r);
}

/* Its stderr has ended: a last line without its newline is logged. */
static void
request_stderr_end(struct request *r)
{
	if (evbuffer_get_length(r->errline) > 0) {
		evbuffer_add(r->errline, "\n", 1);
		request_stderr_log(r);
	}
}

/* Without -f, each stderr line goes to our log with the script and pid. */
static void
request_stderr_log(struct request *r)
{
	char	*line;
	size_t	 n;

	while ((line = evbuffer_readln(r->errline, &n,
	    EVBUFFER_EOL_CRLF)) != NULL) {
		log_warnx("%s[%d]: %s", r->script.path, (int)r->pid, line);
		free(line);
	}
	if ((n = evbuffer_get_length(r->errline)) >= STDERR_LINE_MAX) {
		line = (char *)evbuffer_pullup(r->errline, (ssize_t)n);
		log_warnx("%s[%d]: %.*s", r->script.path, (int)r->pid,
		    (int)n, line);
		evbuffer_drain(r->errline, n);
	}
}

static void
request_child_exit(struct child *ch, int status, void *arg)
{
	struct request	*r = arg;

	r->child = NULL;
	if (ch->usage != NULL) {
		r->usage = *ch->usage;
		r->have_usage = 1;
	}
	if (!r->warm && !r->killed)
		warm_note_exec(r->srv, &r->script, ch->usage);
	request_exit_status(r, status);
	request_check_end(r);
}

/* The script's wait status becomes FastCGI's appStatus. */
static void
request_exit_status(struct request *r, int status)
{
	r->exited = 1;
	r->wstatus = status;
	if (WIFEXITED(status))
		r->app_status = (uint32_t)WEXITSTATUS(status);
	else if (WIFSIGNALED(status)) {
		r->app_status = 128 + (uint32_t)WTERMSIG(status);
		if (!r->killed && spawn_signame(WTERMSIG(status)) != NULL)
			log_warnx("%s[%d]: killed by %s", r->script.path,
			    (int)r->pid, spawn_signame(WTERMSIG(status)));
		else if (!r->killed)
			log_warnx("%s[%d]: killed by signal %d",
			    r->script.path, (int)r->pid, WTERMSIG(status));
	}
	/* A body nobody reads any more must not stall the request. */
	if (!r->stdin_discard && r->fd_in != -1)
		request_stdin_discard(r);
}

/* FCGI_ABORT_REQUEST: kill the script and end the request. */
void
request_abort(struct request *r)
{
	struct server	*srv = r->srv;

	if (r->waiting) {
		TAILQ_REMOVE(&srv->waitq, r, wait_entry);
		r->waiting = 0;
		srv->nwaiting--;
	}
	request_warm_cancel(r);
	if (r->php != NULL) {
		/* Its worker runs the script to its end unseen (php.c). */
		php_req_free(r->php);
		r->php = NULL;
	} else if (r->pid > 0) {
		request_kill(r);
		r->killed = 1;
	}
	if (r->state != R_RUN)
		r->state = R_RESPOND;
	request_stdin_discard(r);
	if (!r->stdin_done) {
		r->stdin_done = 1;
		conn_hold(r->conn, 0);
	}
	request_check_end(r);
}

/* The connection can take output again. */
void
request_out_ready(struct request *r)
{
	if (r->php != NULL)
		php_read_pause(r->php, 0);
	else if (r->ev_out != NULL)
		event_add(r->ev_out, NULL);
}

/*
 * Whether to end a request whose stdout and stderr are at EOF but whose
 * process has not been reaped.  Its exit usually follows at once (the
 * pipes close as it exits): wait EXIT_WAIT_MS for the status.  A script
 * still running then closed both on purpose and works on (mails, starts
 * a helper): the response ends, as with Apache's mod_cgi, and the process
 * stays tracked by spawn.c (killed at shutdown, reaped, logged).
 */
static int
request_exit_wait(struct request *r)
{
	struct timeval	 tv = { EXIT_WAIT_MS / 1000,
			    (EXIT_WAIT_MS % 1000) * 1000 };

	if (r->ev_exit == NULL) {
		if ((r->ev_exit = evtimer_new(r->srv->base,
		    request_exit_wait_cb, r)) == NULL)
			return 1;
		evtimer_add(r->ev_exit, &tv);
		return 0;
	}
	if (evtimer_pending(r->ev_exit, NULL))
		return 0;
	log_info("%s[%d]: closed its output and runs on; the response ends",
	    r->script.path, (int)r->pid);
	spawn_detach(r->child, r->script.path);
	r->child = NULL;
	return 1;
}

static void
request_exit_wait_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	request_check_end(arg);
}

/*
 * END_REQUEST once the body has ended, both pipes are at EOF and the
 * script has been reaped (or runs on detached).  This may free r: callers
 * return right after.
 */
static void
request_check_end(struct request *r)
{
	uint8_t	 rec[FCGI_END_RECORD_LEN];

	if (r->ended || !r->stdin_done || r->state == R_PARAMS ||
	    r->state == R_BODY || r->state == R_WAIT)
		return;
	if (r->fd_out != -1 || r->fd_err != -1 || r->warm_pending ||
	    php_req_busy(r->php))
		return;
	if (r->child != NULL && !request_exit_wait(r))
		return;
	request_authz_flush(r);
	r->ended = 1;
	r->end_ms = status_now_ms();
	status_count_response(&r->srv->stats, r->status);
	/* An empty record ends each stream sent (spec 3.3, 5.3). */
	if (r->stderr_sent)
		conn_send(r->conn, FCGI_STDERR, r->id, NULL, 0);
	conn_send(r->conn, FCGI_STDOUT, r->id, NULL, 0);
	fcgi_end_encode(rec, r->id, r->app_status, FCGI_REQUEST_COMPLETE);
	conn_send(r->conn, FCGI_END_REQUEST, r->id, rec + FCGI_HEADER_LEN,
	    FCGI_END_BODY_LEN);
	conn_request_done(r->conn);
}

/* Tear down; a script still running is killed with its process group. */
void
request_free(struct request *r)
{
	struct server	*srv;

	if (r == NULL)
		return;
	srv = r->srv;
	if (r->waiting) {
		TAILQ_REMOVE(&srv->waitq, r, wait_entry);
		srv->nwaiting--;
	}
	if (!r->ended) {
		srv->stats.aborted++;
		log_debug("%s: request ended early", request_name(r));
	}
	if (srv->alog != NULL && r->env.vars != NULL)
		accesslog_write(srv, r);
	if (r->ev_slow != NULL)
		event_free(r->ev_slow);
	request_warm_cancel(r);
	if (r->ev_warm != NULL)
		event_free(r->ev_warm);
	if (r->ev_coalesce != NULL)
		event_free(r->ev_coalesce);
	if (r->ev_exit != NULL)
		event_free(r->ev_exit);
	if (r->ev_limit != NULL)
		event_free(r->ev_limit);
	/*
	 * Ended early: the script, or what it left holding its pipes, dies.
	 * Once reaped or reported, its pid may be another's: spawn.c
	 * signals only what it has made sure is still of this request.
	 */
	if (!r->ended && r->pid > 0 && (r->child != NULL || r->fd_out != -1 ||
	    r->fd_err != -1))
		request_kill(r);
	if (r->child != NULL)
		spawn_disown(r->child);
	php_req_free(r->php);
	r->php = NULL;
	request_stdin_close(r);
	request_fd_close(&r->fd_out, &r->ev_out);
	request_fd_close(&r->fd_err, &r->ev_err);
	if (r->params != NULL)
		evbuffer_free(r->params);
	if (r->stdin_q != NULL)
		evbuffer_free(r->stdin_q);
	body_free(&r->body);
	if (r->chunk != NULL)
		evbuffer_free(r->chunk);
	response_free(&r->resp);
	if (r->errline != NULL)
		evbuffer_free(r->errline);
	cgi_env_free(&r->env);
	cgi_argv_free(r->argv);
	free(r);
}

/*
 * -t and --idle-timeout count from the script's start, once: time in the
 * wait queue is not the script's, and a warm start that falls back to
 * exec keeps its clock.
 */
static void
request_limits_start(struct request *r)
{
	const struct config	*cfg = r->srv->cfg;

	if (r->ev_limit != NULL || (cfg->timeout == 0 &&
	    cfg->idle_timeout == 0))
		return;
	r->start_ms = r->io_ms = status_now_ms();
	if ((r->ev_limit = evtimer_new(r->srv->base, request_limit_cb,
	    r)) == NULL) {
		log_warnx("%s: out of memory: runs without a time limit",
		    r->script.path);
		return;
	}
	request_limit_arm(r, r->start_ms);
}

/* The timer, for the nearest limit still ahead. */
static void
request_limit_arm(struct request *r, long long now)
{
	const struct config	*cfg = r->srv->cfg;
	struct timeval		 tv;
	long long		 next = -1, at;

	if (cfg->timeout > 0)
		next = r->start_ms + cfg->timeout * 1000LL;
	at = r->io_ms + cfg->idle_timeout * 1000LL;
	if (cfg->idle_timeout > 0 && (next == -1 || at < next))
		next = at;
	next = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(next / 1000);
	tv.tv_usec = (suseconds_t)(next % 1000) * 1000;
	evtimer_add(r->ev_limit, &tv);
}

/* Check the limits; re-armed for the nearest one still ahead. */
static void
request_limit_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct request		*r = arg;
	const struct config	*cfg = r->srv->cfg;
	long long		 now = status_now_ms();

	(void)fd;
	(void)ev;
	if (r->state != R_RUN || r->ended)
		return;
	if (r->timed_out) {
		/*
		 * Past the grace and the reap: whatever still holds the
		 * pipes is not ours to wait for.  The response ends.
		 */
		log_warnx("%s[%d]: output still open after SIGKILL; the "
		    "response ends", r->script.path, (int)r->pid);
		request_fd_close(&r->fd_out, &r->ev_out);
		request_fd_close(&r->fd_err, &r->ev_err);
		if (r->child != NULL) {
			spawn_detach(r->child, r->script.path);
			r->child = NULL;
		}
		php_req_free(r->php);
		r->php = NULL;
		request_check_end(r);
		return;
	}
	/* Output the web server has not taken is no silence of the script. */
	if ((r->ev_out != NULL && !event_pending(r->ev_out, EV_READ, NULL)) ||
	    (r->php != NULL && !conn_out_room(r->conn)))
		r->io_ms = now;
	if (cfg->timeout > 0 && now - r->start_ms >= cfg->timeout * 1000LL) {
		request_expire(r, "--timeout", cfg->timeout, now);
		return;
	}
	if (cfg->idle_timeout > 0 &&
	    now - r->io_ms >= cfg->idle_timeout * 1000LL) {
		request_expire(r, "--idle-timeout", cfg->idle_timeout, now);
		return;
	}
	request_limit_arm(r, now);
}

/* The output pipes (or a warm request's sockets) spawn.c looks for. */
static void
request_tree(struct request *r, struct spawn_tree *tree)
{
	struct stat	 st;

	memset(tree, 0, sizeof(*tree));
	tree->pgid = r->pid;
	if (r->fd_out != -1 && fstat(r->fd_out, &st) == 0)
		tree->ino[0] = st.st_ino;
	if (r->fd_err != -1 && fstat(r->fd_err, &st) == 0)
		tree->ino[1] = st.st_ino;
}

/* SIGKILL to the script and what it started (an abort, an early end). */
static void
request_kill(struct request *r)
{
	r->srv->stats.kills++;
	request_terminate(r, 0);
}

/* SIGTERM, SIGKILL grace seconds later; a php-cgi worker is php.c's. */
static void
request_terminate(struct request *r, int grace)
{
	struct spawn_tree	 tree;

	if (r->php != NULL) {
		php_kill(r->php, grace);
		return;
	}
	request_tree(r, &tree);
	spawn_terminate(r->srv, r->child, &tree, grace, r->script.path);
}

/* --slow-log: the script still runs past it; said once, while it runs. */
static void
request_slow_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct request	*r = arg;
	long long	 ms = status_now_ms() - r->begin_ms;

	(void)fd;
	(void)ev;
	if (r->ended || r->state != R_RUN)
		return;
	r->srv->stats.slow++;
	log_warnx("slow: %s[%d]: running for %lld.%03lld s (--slow-log %d)",
	    r->script.path, (int)r->pid, ms / 1000, ms % 1000,
	    r->srv->cfg->slow_log);
}

/*
 * A limit has passed: SIGTERM to the script and what it started, SIGKILL
 * after --kill-grace (spawn_terminate); the client gets 504 if no header
 * was sent, else the stream ends.  Its body is no longer read.  One log
 * line says which limit, after how long, and what was sent.
 */
static void
request_expire(struct request *r, const char *what, int limit, long long now)
{
	const struct config	*cfg = r->srv->cfg;
	struct timeval		 tv = { cfg->kill_grace + REAP_WAIT_SEC, 0 };
	const char		*cut;
	long long		 ms = now - r->start_ms;

	r->timed_out = 1;
	r->srv->stats.timeouts++;
	request_warm_cancel(r);
	if (!r->resp.done && !r->resp.bad) {
		request_error_body(r, 504);
		cut = "504";
	} else
		cut = r->resp.done ? "response cut short" : "502";
	r->resp.bad = 1;	/* the rest of its output is dropped */
	if (r->pid > 0) {
		log_warnx("%s[%d]: %s %d s passed, %lld.%lld s after its start: "
		    "SIGTERM, then SIGKILL after %d s (%s)", r->script.path,
		    (int)r->pid, what, limit, ms / 1000, ms % 1000 / 100,
		    cfg->kill_grace, cut);
		request_terminate(r, cfg->kill_grace);
		r->srv->stats.kills++;
		r->killed = 1;
	} else
		log_warnx("%s: %s %d s passed before its warm start (%s)",
		    r->script.path, what, limit, cut);
	request_stdin_discard(r);
	if (!r->stdin_done) {
		r->stdin_done = 1;
		conn_hold(r->conn, 0);
	}
	evtimer_add(r->ev_limit, &tv);
	request_check_end(r);
}
