/*
 * One FastCGI connection from a web server: bytes in through the record
 * decoder to the request; records out, held in memory and then in a
 * temporary file while the request body is still arriving (a web server
 * stops sending the body once a response begins), with back-pressure both
 * ways.  conn_close() is the one teardown.  A peer that sends nothing for
 * --conn-timeout while it owes us bytes (between requests, or in the
 * middle of one's params or body) is closed.  What all connections hold
 * is capped too: past --hold-memory-total output goes to disk, past
 * --spill-total a request's output is no longer read and new requests
 * are refused (conn_held_full, conn_hold_refuse).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "warmcgi.h"

#define CONN_READ_HIGH	(256 * 1024)	/* socket bytes buffered unparsed */
#define CONN_WRITE_MAX	(4 * CONN_READ_HIGH) /* bytes per write(2) */

static void	conn_read_cb(evutil_socket_t, short, void *);
static void	conn_write_cb(evutil_socket_t, short, void *);
static void	conn_drained(struct conn *);
static void	conn_kick(struct conn *);
static void	conn_resume_cb(evutil_socket_t, short, void *);
static void	conn_closed_cb(evutil_socket_t, short, void *);
static void	conn_process(struct conn *);
static void	conn_reading(struct conn *, int);
static void	conn_record(struct conn *, const struct fcgi_record *);
static void	conn_begin(struct conn *, const struct fcgi_record *);
static void	conn_get_values(struct conn *, const struct fcgi_record *);
static void	conn_end_direct(struct conn *, uint16_t, uint8_t);
static void	conn_frame(struct evbuffer *, uint8_t, uint16_t, const void *,
		    size_t);
static int	conn_overflowing(struct conn *);
static int	conn_out_full(struct conn *);
static struct evbuffer *conn_target(struct conn *, size_t);
static void	conn_spill(struct conn *, struct evbuffer *);
static void	conn_flush(struct conn *);
static void	conn_fail(struct conn *, const char *);
static int	conn_spill_open(struct conn *);
static const char *conn_owed(struct conn *);
static void	conn_timeout_cb(evutil_socket_t, short, void *);
static void	conn_held_count(struct conn *);

void
conn_accept(struct server *srv, int fd, const char *peer)
{
	struct conn	*c;

	if (srv->nconns >= srv->cfg->max_conns) {
		log_warnx("%s: refused: %d connections open (--max-conns)",
		    peer, srv->nconns);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s: refused", peer);
		close(fd);
		return;
	}
	c->srv = srv;
	c->spill_fd = -1;
	strlcpy(c->peer, peer, sizeof(c->peer));
	fcgi_decoder_init(&c->dec);
	c->fd = fd;
	c->out = evbuffer_new();
	c->ev_write = event_new(srv->base, fd, EV_WRITE | EV_PERSIST,
	    conn_write_cb, c);
	c->ev_flush = event_new(srv->base, -1, 0, conn_write_cb, c);
	c->in = evbuffer_new();
	c->ev_read = event_new(srv->base, fd, EV_READ | EV_PERSIST,
	    conn_read_cb, c);
	c->held = evbuffer_new();
	c->ev_resume = event_new(srv->base, -1, 0, conn_resume_cb, c);
	c->ev_closed = event_new(srv->base, fd, EV_CLOSED, conn_closed_cb, c);
	if (srv->cfg->conn_timeout > 0)
		c->ev_timeout = evtimer_new(srv->base, conn_timeout_cb, c);
	if (c->out == NULL || c->ev_write == NULL || c->ev_flush == NULL ||
	    c->held == NULL || c->ev_resume == NULL ||
	    c->ev_closed == NULL || c->in == NULL || c->ev_read == NULL ||
	    (srv->cfg->conn_timeout > 0 && c->ev_timeout == NULL)) {
		log_warnx("%s: refused: out of memory", peer);
		close(fd);
		if (c->out != NULL)
			evbuffer_free(c->out);
		if (c->ev_write != NULL)
			event_free(c->ev_write);
		if (c->ev_flush != NULL)
			event_free(c->ev_flush);
		if (c->held != NULL)
			evbuffer_free(c->held);
		if (c->ev_resume != NULL)
			event_free(c->ev_resume);
		if (c->ev_closed != NULL)
			event_free(c->ev_closed);
		if (c->ev_read != NULL)
			event_free(c->ev_read);
		if (c->ev_timeout != NULL)
			event_free(c->ev_timeout);
		if (c->in != NULL)
			evbuffer_free(c->in);
		free(c);
		return;
	}
	/*
	 * Output is written when a turn of the loop has queued it (ev_flush,
	 * conn_kick), and waits for EV_WRITE only when the socket is full:
	 * no write interest, and no epoll_ctl(2) for it, on the common path.
	 */
	event_add(c->ev_read, NULL);
	c->reading = 1;
	c->rx_ms = status_now_ms();
	if (c->ev_timeout != NULL)
		conn_timeout_cb(-1, 0, c);
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	srv->nconns++;
	srv->stats.conns_total++;
	log_debug("%s: connected", c->peer);
	/*
	 * A web server writes its request as it connects: it is here
	 * already as a rule, so read it now, not after a turn of the loop
	 * whose epoll_wait(2) would only say so.
	 */
	conn_read_cb(fd, EV_READ, c);
}

/* The one teardown.  Inside conn_process() it is deferred to its end. */
void
conn_close(struct conn *c, const char *why)
{
	struct server	*srv = c->srv;

	if (c->busy) {
		if (c->dead == NULL)
			c->dead = why;
		return;
	}
	log_debug("%s: closed: %s", c->peer, why);
	if (c->req != NULL) {
		request_free(c->req);
		c->req = NULL;
	}
	event_free(c->ev_closed);
	event_free(c->ev_read);
	if (c->ev_timeout != NULL)
		event_free(c->ev_timeout);
	evbuffer_free(c->in);
	event_free(c->ev_write);
	event_free(c->ev_flush);
	evbuffer_free(c->out);
	close(c->fd);
	event_free(c->ev_resume);
	evbuffer_drain(c->held, evbuffer_get_length(c->held));
	if (c->spill_fd != -1)
		close(c->spill_fd);
	c->spill_fd = -1;
	conn_held_count(c);
	evbuffer_free(c->held);
	fcgi_decoder_free(&c->dec);
	TAILQ_REMOVE(&srv->conns, c, entry);
	srv->nconns--;
	free(c);
}

/* Close at the next turn of the loop, from outside any caller's frame. */
static void
conn_fail(struct conn *c, const char *why)
{
	log_warnx("%s: %s", c->peer, why);
	if (c->dead == NULL)
		c->dead = why;
	event_active(c->ev_resume, 0, 0);
}

static void
conn_resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)ev;
	if (c->dead != NULL) {
		conn_close(c, c->dead);
		return;
	}
	conn_process(c);
}

/* The peer hung up while we were not reading (EV_CLOSED, epoll). */
static void
conn_closed_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)ev;
	conn_close(c, c->req != NULL ? "web server closed the connection "
	    "mid-request" : "closed by the web server");
}

static void
conn_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	ssize_t		 n;

	(void)ev;
	n = buf_read_fd(c->in, fd, CONN_READ_HIGH);
	if (n == -1 && errno == EAGAIN)
		return;
	if (n <= 0) {
		conn_close(c, n == 0 ? (c->req != NULL ? "web server closed "
		    "the connection mid-request" : "closed by the web server") :
		    strerror(errno));
		return;
	}
	if (c->ev_timeout != NULL)
		c->rx_ms = status_now_ms();
	conn_process(c);
}

/* Decode and handle whole records until input runs out or we pause. */
static void
conn_process(struct conn *c)
{
	struct evbuffer		*in = c->in;
	struct evbuffer_iovec	 v;
	struct fcgi_record	 rec;
	size_t			 used;
	int			 rc, was_paused;

	c->busy = 1;
	for (;;) {
		while (!c->paused && !c->closing && c->dead == NULL &&
		    !conn_out_full(c)) {
			if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 ||
			    v.iov_len == 0)
				break;
			rc = fcgi_decoder_feed(&c->dec, v.iov_base, v.iov_len,
			    &used, &rec);
			if (rc == FCGI_OK)
				conn_record(c, &rec);
			else if (rc == FCGI_MALFORMED) {
				log_warnx("%s: malformed record: FastCGI "
				    "version %d", c->peer, c->dec.hdr.version);
				c->srv->stats.malformed_conns++;
				c->dead = "malformed record";
			} else if (rc == FCGI_NOMEM) {
				log_warnx("%s: out of memory", c->peer);
				c->dead = "out of memory";
			}
			evbuffer_drain(in, used);
		}
		if (c->dead != NULL || c->req == NULL)
			break;
		/* Writing the queued body may make room: parse on, then. */
		was_paused = c->paused;
		request_stdin_flush(c->req);
		if (!was_paused || c->paused || c->closing || c->dead != NULL)
			break;
	}
	c->busy = 0;
	if (c->dead != NULL) {
		conn_close(c, c->dead);
		return;
	}
	/* Bounded input: read more only once this much is parsed. */
	c->out_full = conn_out_full(c);
	conn_reading(c, !c->paused && !c->closing && !c->out_full &&
	    evbuffer_get_length(in) < CONN_READ_HIGH);
}

/*
 * Read the socket or not; while not, still notice a hang-up (EV_CLOSED),
 * so a script whose web server has gone is killed at once.
 */
static void
conn_reading(struct conn *c, int on)
{
	if (c->reading == on)
		return;
	c->reading = on;
	if (on) {
		event_del(c->ev_closed);
		event_add(c->ev_read, NULL);
	} else {
		event_del(c->ev_read);
		event_add(c->ev_closed, NULL);
	}
}

static void
conn_record(struct conn *c, const struct fcgi_record *rec)
{
	const struct fcgi_header	*h = &rec->hdr;
	struct request			*r = c->req;
	const char			*why;
	uint8_t				 buf[FCGI_UNKNOWN_RECORD_LEN];

	if ((h->type == FCGI_ABORT_REQUEST || h->type == FCGI_PARAMS ||
	    h->type == FCGI_STDIN || h->type == FCGI_DATA) &&
	    (r == NULL || h->request_id != r->id))
		return;	/* spec 3.3: records of inactive requests */
	switch (h->type) {
	case FCGI_BEGIN_REQUEST:
		conn_begin(c, rec);
		break;
	case FCGI_ABORT_REQUEST:
		request_abort(r);
		break;
	case FCGI_PARAMS:
		if (request_params(r, rec->content, h->content_length,
		    &why) == -1) {
			log_warnx("%s: %s", c->peer, why);
			c->srv->stats.malformed_conns++;
			c->dead = why;
		}
		break;
	case FCGI_STDIN:
		if (request_stdin(r, rec->content, h->content_length,
		    &why) == -1) {
			log_warnx("%s: %s", c->peer, why);
			c->dead = why;
		}
		break;
	case FCGI_GET_VALUES:
		conn_get_values(c, rec);
		break;
	case FCGI_DATA:
	case FCGI_END_REQUEST:
	case FCGI_STDOUT:
	case FCGI_STDERR:
	case FCGI_GET_VALUES_RESULT:
	case FCGI_UNKNOWN_TYPE:
		log_debug("%s: ignored record of type %d", c->peer, h->type);
		break;
	default:
		log_debug("%s: unknown record type %d", c->peer, h->type);
		fcgi_unknown_encode(buf, h->type);
		evbuffer_add(c->out, buf, sizeof(buf));
		conn_kick(c);
		break;
	}
}

static void
conn_begin(struct conn *c, const struct fcgi_record *rec)
{
	uint16_t	 id = rec->hdr.request_id, role;
	uint8_t		 flags;

	if (fcgi_begin_decode(rec->content, rec->hdr.content_length, &role,
	    &flags) != FCGI_OK || id == FCGI_NULL_REQUEST_ID) {
		log_warnx("%s: malformed BEGIN_REQUEST", c->peer);
		c->srv->stats.malformed_conns++;
		c->dead = "malformed BEGIN_REQUEST";
		return;
	}
	if (c->req != NULL) {
		if (id != c->req->id)
			conn_end_direct(c, id, FCGI_CANT_MPX_CONN);
		return;
	}
	c->keep = (flags & FCGI_KEEP_CONN) != 0;
	if (role != FCGI_RESPONDER && (role != FCGI_AUTHORIZER ||
	    c->srv->cfg->authorizer == NULL)) {
		log_warnx("%s: role %d is not supported%s", c->peer, role,
		    role == FCGI_AUTHORIZER ? " without --authorizer" : "");
		conn_end_direct(c, id, FCGI_UNKNOWN_ROLE);
	} else if (c->srv->stopping) {
		conn_end_direct(c, id, FCGI_OVERLOADED);
		c->keep = 0;
	} else if ((c->req = request_new(c, id, flags, role)) == NULL) {
		log_warnx("%s: out of memory", c->peer);
		conn_end_direct(c, id, FCGI_OVERLOADED);
	}
	if (c->req == NULL && !c->keep)
		c->closing = 1;
}

/*
 * FCGI_GET_VALUES (spec 4.1): answer the three names we know.
 * FCGI_MAX_REQS counts the requests taken at once without a 503: those
 * running (-c) and those queued (--queue), one per connection.
 */
static void
conn_get_values(struct conn *c, const struct fcgi_record *rec)
{
	const struct config	*cfg = c->srv->cfg;
	const uint8_t	*p = rec->content, *name, *value;
	uint32_t	 nlen, vlen;
	size_t		 off = 0, len = rec->hdr.content_length, used, n;
	uint8_t		 out[256];
	char		 val[32];
	size_t		 olen = 0;
	long long	 reqs;

	reqs = (long long)cfg->max_children + cfg->queue_max;
	if (reqs > cfg->max_conns)
		reqs = cfg->max_conns;
	while (off < len && fcgi_pair_decode(p + off, len - off, &used,
	    &name, &nlen, &value, &vlen) == FCGI_OK) {
		off += used;
		if (nlen == 14 && memcmp(name, "FCGI_MAX_CONNS", 14) == 0)
			snprintf(val, sizeof(val), "%d", cfg->max_conns);
		else if (nlen == 13 && memcmp(name, "FCGI_MAX_REQS", 13) == 0)
			snprintf(val, sizeof(val), "%lld", reqs);
		else if (nlen == 15 && memcmp(name, "FCGI_MPXS_CONNS", 15) ==
		    0)
			strlcpy(val, "0", sizeof(val));
		else
			continue;
		n = strlen(val);
		if (olen + fcgi_pair_size(nlen, (uint32_t)n) > sizeof(out))
			break;
		olen += fcgi_pair_encode(out + olen, name, nlen, val,
		    (uint32_t)n);
	}
	conn_frame(c->out, FCGI_GET_VALUES_RESULT, FCGI_NULL_REQUEST_ID, out,
	    olen);
	conn_kick(c);
}

/* An END_REQUEST for a request we never ran; nothing is held before it. */
static void
conn_end_direct(struct conn *c, uint16_t id, uint8_t proto)
{
	uint8_t	 rec[FCGI_END_RECORD_LEN];

	fcgi_end_encode(rec, id, 0, proto);
	evbuffer_add(c->out, rec, sizeof(rec));
	conn_kick(c);
}

/* Frame data as records of at most 65535 bytes (one, if data is empty). */
static void
conn_frame(struct evbuffer *dst, uint8_t type, uint16_t id, const void *data,
    size_t len)
{
	uint8_t		 hdr[FCGI_HEADER_LEN];
	const uint8_t	*p = data;
	size_t		 n, off = 0;

	do {
		n = len - off > FCGI_MAX_CONTENT ? FCGI_MAX_CONTENT : len - off;
		fcgi_header_encode(hdr, type, id, (uint16_t)n, 0);
		evbuffer_add(dst, hdr, sizeof(hdr));
		if (n > 0)
			evbuffer_add(dst, p + off, n);
		off += n;
	} while (off < len);
}

/* Output must wait: held for the body's end, or the socket is full. */
static int
conn_overflowing(struct conn *c)
{
	return c->hold || c->spill_fd != -1 ||
	    evbuffer_get_length(c->held) > 0 ||
	    evbuffer_get_length(c->out) > c->srv->cfg->out_buf;
}

/*
 * Replies to records (GET_VALUES, unknown types, refused requests) go
 * straight to the socket: past --out-buffer unread, stop taking records
 * until it has drained (conn_write_cb), or a peer that never reads could
 * make us queue them without end.
 */
static int
conn_out_full(struct conn *c)
{
	return evbuffer_get_length(c->out) > c->srv->cfg->out_buf;
}

int
conn_out_room(struct conn *c)
{
	return !conn_overflowing(c);
}

/*
 * Bring the server's totals of held output up to date with this
 * connection's: after anything that adds to, moves or frees its held
 * buffer or its spill file.  A spill file takes disk space up to its
 * write offset until it is closed, however much of it has been read.
 */
static void
conn_held_count(struct conn *c)
{
	struct server	*srv = c->srv;
	size_t		 held = c->held != NULL ? evbuffer_get_length(c->held) :
			    0;
	off_t		 spill = c->spill_fd != -1 ? c->spill_wr : 0;

	srv->held_total = srv->held_total - c->held_acct + held;
	srv->spill_total = srv->spill_total - (long long)c->spill_acct +
	    (long long)spill;
	c->held_acct = held;
	c->spill_acct = spill;
}

/*
 * Held output has nowhere to go: this connection's must be held, memory
 * (its own or all connections') is used up and so is the disk total.
 * The request then stops reading its script's output, which waits in the
 * pipe and the script, until the body has ended and the output flows.
 */
int
conn_held_full(struct conn *c)
{
	struct server		*srv = c->srv;
	const struct config	*cfg = srv->cfg;

	return conn_overflowing(c) && srv->spill_total >= cfg->spill_total &&
	    (c->spill_fd != -1 || srv->held_total >= cfg->hold_total ||
	    evbuffer_get_length(c->held) >= cfg->hold_mem);
}

/*
 * Whether a new request is refused (503) for held output: the disk total
 * is reached (with --spill-total 0, the memory total), so it could hold
 * next to nothing.
 */
int
conn_hold_refuse(struct server *srv)
{
	const struct config	*cfg = srv->cfg;

	return srv->spill_total >= cfg->spill_total && (cfg->spill_total > 0 ||
	    srv->held_total >= cfg->hold_total);
}

/* Where len more bytes of records go: the socket, memory, or NULL: disk. */
static struct evbuffer *
conn_target(struct conn *c, size_t len)
{
	struct server	*srv = c->srv;

	if (!conn_overflowing(c))
		return c->out;
	if (c->spill_fd == -1 &&
	    evbuffer_get_length(c->held) + len <= srv->cfg->hold_mem &&
	    srv->held_total + len <= srv->cfg->hold_total)
		return c->held;
	return NULL;
}

void
conn_send(struct conn *c, uint8_t type, uint16_t id, const void *data,
    size_t len)
{
	struct evbuffer	*dst, *tmp;

	if (c->dead != NULL)
		return;
	if ((dst = conn_target(c, len + FCGI_HEADER_LEN)) != NULL) {
		conn_frame(dst, type, id, data, len);
		conn_held_count(c);
		if (dst == c->out)
			conn_kick(c);
		return;
	}
	if ((tmp = evbuffer_new()) == NULL) {
		conn_fail(c, "out of memory");
		return;
	}
	conn_frame(tmp, type, id, data, len);
	conn_spill(c, tmp);
	evbuffer_free(tmp);
}

/* Move all of src out as records, without copying the data. */
void
conn_send_buffer(struct conn *c, uint8_t type, uint16_t id,
    struct evbuffer *src)
{
	struct evbuffer	*dst, *tmp = NULL;
	uint8_t		 hdr[FCGI_HEADER_LEN];
	size_t		 len, n;

	len = evbuffer_get_length(src);
	if (c->dead != NULL || len == 0) {
		evbuffer_drain(src, len);
		return;
	}
	if ((dst = conn_target(c, len + len / FCGI_MAX_CONTENT * 8 + 8)) ==
	    NULL && (dst = tmp = evbuffer_new()) == NULL) {
		evbuffer_drain(src, len);
		conn_fail(c, "out of memory");
		return;
	}
	while ((len = evbuffer_get_length(src)) > 0) {
		n = len > FCGI_MAX_CONTENT ? FCGI_MAX_CONTENT : len;
		fcgi_header_encode(hdr, type, id, (uint16_t)n, 0);
		evbuffer_add(dst, hdr, sizeof(hdr));
		evbuffer_remove_buffer(src, dst, n);
	}
	conn_held_count(c);
	if (dst == c->out)
		conn_kick(c);
	if (tmp != NULL) {
		conn_spill(c, tmp);
		evbuffer_free(tmp);
	}
}

static int
conn_spill_open(struct conn *c)
{
	const char	*dir = c->srv->cfg->tmpdir;
	char		 path[PATH_MAX];
	int		 fd;

	if (dir == NULL && (dir = getenv("TMPDIR")) == NULL)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd == -1) {
		/* No O_TMPFILE on this file system: make and unlink. */
		snprintf(path, sizeof(path), "%s/warmcgi.XXXXXX", dir);
		if ((fd = mkostemp(path, O_CLOEXEC)) == -1) {
			log_warn("%s: cannot make a spill file in %s",
			    c->peer, dir);
			return -1;
		}
		unlink(path);
	}
	c->spill_fd = fd;
	c->spill_rd = c->spill_wr = 0;
	return 0;
}

/* Append framed records to the spill file. */
static void
conn_spill(struct conn *c, struct evbuffer *tmp)
{
	struct evbuffer_iovec	 v;
	size_t			 len = evbuffer_get_length(tmp);
	ssize_t			 w;

	if (c->spill_fd == -1 && conn_spill_open(c) == -1) {
		conn_fail(c, "output lost: no spill file");
		return;
	}
	if ((long long)(c->spill_wr - c->spill_rd) + (long long)len >
	    c->srv->cfg->spill_max) {
		conn_fail(c, "output held past --spill-max");
		return;
	}
	c->srv->stats.spilled_bytes += len;
	while (evbuffer_peek(tmp, -1, NULL, &v, 1) == 1 && v.iov_len > 0) {
		w = pwrite(c->spill_fd, v.iov_base, v.iov_len, c->spill_wr);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_warn("%s: spill file", c->peer);
			conn_fail(c, "output lost: spill file write failed");
			return;
		}
		c->spill_wr += w;
		evbuffer_drain(tmp, (size_t)w);
	}
	conn_held_count(c);
}

/* Move held and spilled records to the socket as it takes them. */
static void
conn_flush(struct conn *c)
{
	struct evbuffer		*out = c->out;
	struct evbuffer_iovec	 v;
	size_t			 want, len = evbuffer_get_length(out);
	ssize_t			 n;

	if (c->hold || c->dead != NULL)
		return;
	if (evbuffer_get_length(c->held) > 0)
		evbuffer_add_buffer(out, c->held);
	while (c->spill_fd != -1 &&
	    evbuffer_get_length(out) < c->srv->cfg->out_buf) {
		want = (size_t)(c->spill_wr - c->spill_rd);
		if (want > READ_CHUNK)
			want = READ_CHUNK;
		if (want > 0) {
			if (evbuffer_reserve_space(out, (ev_ssize_t)want, &v,
			    1) < 1) {
				conn_fail(c, "out of memory");
				return;
			}
			n = pread(c->spill_fd, v.iov_base, want, c->spill_rd);
			if (n <= 0) {
				log_warn("%s: spill file", c->peer);
				conn_fail(c, "output lost: spill file read "
				    "failed");
				return;
			}
			v.iov_len = (size_t)n;
			evbuffer_commit_space(out, &v, 1);
			c->spill_rd += n;
		}
		if (c->spill_rd == c->spill_wr) {
			close(c->spill_fd);
			c->spill_fd = -1;
			c->spill_rd = c->spill_wr = 0;
		}
	}
	conn_held_count(c);
	if (evbuffer_get_length(out) != len)
		conn_kick(c);
	if (c->req != NULL && !conn_overflowing(c))
		request_out_ready(c->req);
}

/*
 * Write what this turn of the loop queued, at its end (ev_flush), not a
 * write per record: a response and its END_REQUEST go out in one writev.
 */
static void
conn_kick(struct conn *c)
{
	if (c->flushing || event_pending(c->ev_write, EV_WRITE, NULL))
		return;
	c->flushing = 1;
	event_active(c->ev_flush, EV_WRITE, 0);
}

/*
 * Queued output to the socket: ev_flush, or EV_WRITE while the socket is
 * full.  Below half of --out-buffer, held output follows and reading
 * resumes (conn_drained).
 */
static void
conn_write_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	int		 n;

	(void)fd;
	(void)ev;
	c->flushing = 0;
	if (evbuffer_get_length(c->out) > 0) {
		n = evbuffer_write_atmost(c->out, c->fd, CONN_WRITE_MAX);
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			conn_close(c, strerror(errno));
			return;
		}
	}
	if (evbuffer_get_length(c->out) > 0) {
		if (!event_pending(c->ev_write, EV_WRITE, NULL))
			event_add(c->ev_write, NULL);
	} else if (event_pending(c->ev_write, EV_WRITE, NULL))
		event_del(c->ev_write);
	if (evbuffer_get_length(c->out) <= c->srv->cfg->out_buf / 2)
		conn_drained(c);
}

/* The socket took most of what was queued: more may follow. */
static void
conn_drained(struct conn *c)
{
	conn_flush(c);
	if (c->out_full && !conn_out_full(c)) {
		c->out_full = 0;
		event_active(c->ev_resume, 0, 0);
	}
	if (c->closing && c->req == NULL && c->spill_fd == -1 &&
	    evbuffer_get_length(c->held) == 0 &&
	    evbuffer_get_length(c->out) == 0)
		conn_close(c, "done");
}

/* Hold output until the request body has ended, or release it. */
void
conn_hold(struct conn *c, int on)
{
	c->hold = on;
	if (!on)
		conn_flush(c);
}

/* Stop or restart reading records (a script's stdin queue is full). */
void
conn_read_pause(struct conn *c, int on)
{
	if (on && !c->paused) {
		c->paused = 1;
		conn_reading(c, 0);
	} else if (!on && c->paused) {
		c->paused = 0;
		if (!c->busy)
			event_active(c->ev_resume, 0, 0);
	}
}

/* END_REQUEST has been queued: free the request, maybe close. */
void
conn_request_done(struct conn *c)
{
	struct request	*r = c->req;

	c->req = NULL;
	request_free(r);
	if (!c->keep || c->srv->stopping)
		c->closing = 1;
}

/* Shutdown: idle connections close now, busy ones after their request. */
void
conn_stop(struct conn *c)
{
	if (c->req == NULL && evbuffer_get_length(c->out) == 0) {
		conn_close(c, "shutting down");
		return;
	}
	c->keep = 0;
	if (c->req == NULL)
		c->closing = 1;
}

/*
 * What the peer owes us, or NULL while the wait is ours: a script runs
 * with its body all sent, waits for a slot, or has stopped reading it.
 */
static const char *
conn_owed(struct conn *c)
{
	if (c->paused)
		return NULL;
	if (c->req == NULL)
		return "between requests";
	if (c->req->state == R_PARAMS)
		return "in the middle of a request's params";
	if (!c->req->stdin_done)
		return "in the middle of a request body";
	return NULL;
}

/* --conn-timeout: counted only while the peer owes us bytes. */
static void
conn_timeout_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	struct timeval	 tv;
	const char	*owed;
	long long	 now = status_now_ms(), limit, left;

	(void)fd;
	(void)ev;
	limit = c->srv->cfg->conn_timeout * 1000LL;
	if ((owed = conn_owed(c)) == NULL)
		c->rx_ms = now;
	else if (now - c->rx_ms >= limit) {
		if (c->req == NULL)
			log_debug("%s: nothing received for %d s between "
			    "requests (--conn-timeout)", c->peer,
			    c->srv->cfg->conn_timeout);
		else
			log_warnx("%s: nothing received for %d s %s "
			    "(--conn-timeout)", c->peer,
			    c->srv->cfg->conn_timeout, owed);
		conn_close(c, "--conn-timeout");
		return;
	}
	left = c->rx_ms + limit - now;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	evtimer_add(c->ev_timeout, &tv);
}
