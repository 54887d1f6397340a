/*
 * A request body collected whole before its script starts (--buffer-body):
 * a body that came without CONTENT_LENGTH (chunked, or HTTP/2, streamed
 * by the server) is counted so that CONTENT_LENGTH can be set, for the
 * scripts that read nothing without it.  Up to --stdin-buffer it stays in
 * the request's stdin queue; past that it all goes to an unlinked file in
 * --tmpdir, read back into the queue as the script takes it.  Nothing here
 * logs: the caller does, with the script's name.
 */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "warmcgi.h"

static int	body_open(struct body *, const char *);
static int	body_write(struct body *, const void *, size_t);

void
body_init(struct body *b)
{
	b->fd = -1;
	b->wr = b->rd = 0;
	b->len = 0;
}

/* An unlinked file in dir ($TMPDIR or /tmp without --tmpdir). */
static int
body_open(struct body *b, const char *dir)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (dir == NULL && (dir = getenv("TMPDIR")) == NULL)
		dir = "/tmp";
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) == -1) {
		/* No O_TMPFILE on this file system: make and unlink. */
		if (snprintf(path, sizeof(path), "%s/warmcgi-body.XXXXXX",
		    dir) >= (int)sizeof(path))
			return -1;
		if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
			return -1;
		unlink(path);
	}
	b->fd = fd;
	b->wr = b->rd = 0;
	return 0;
}

static int
body_write(struct body *b, const void *p, size_t len)
{
	const char	*s = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = pwrite(b->fd, s, len, b->wr)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b->wr += n;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Add len bytes of the body.  Returns 0; 413 past --buffer-body; 500 and
 * *why when it cannot be kept.  q is the request's stdin queue, which
 * holds the body while it fits in --stdin-buffer.
 */
int
body_add(struct body *b, struct evbuffer *q, const void *p, size_t len,
    const struct config *cfg, const char **why)
{
	struct evbuffer_iovec	 v;

	if (b->len + (long long)len > cfg->buffer_body) {
		*why = "body without CONTENT_LENGTH larger than --buffer-body";
		return 413;
	}
	if (b->fd == -1 && evbuffer_get_length(q) + len <= cfg->stdin_buf) {
		if (evbuffer_add(q, p, len) == -1) {
			*why = "out of memory";
			return 500;
		}
		b->len += (long long)len;
		return 0;
	}
	if (b->fd == -1) {
		if (body_open(b, cfg->tmpdir) == -1) {
			*why = "cannot make a body file in --tmpdir";
			return 500;
		}
		/* What was in memory goes first. */
		while (evbuffer_peek(q, -1, NULL, &v, 1) > 0) {
			if (body_write(b, v.iov_base, v.iov_len) == -1)
				goto fail;
			evbuffer_drain(q, v.iov_len);
		}
	}
	if (body_write(b, p, len) == -1)
		goto fail;
	b->len += (long long)len;
	return 0;
fail:
	*why = errno == ENOSPC ? "body file: no space left in --tmpdir" :
	    "body file: write failed";
	return 500;
}

/*
 * Move what the file holds into q until q holds want bytes; the file is
 * closed once read to its end.  -1 on a read error.
 */
int
body_refill(struct body *b, struct evbuffer *q, size_t want)
{
	struct evbuffer_iovec	 v;
	size_t			 have;
	ssize_t			 n;

	while (b->fd != -1 && (have = evbuffer_get_length(q)) < want) {
		if (b->rd == b->wr) {
			body_free(b);
			break;
		}
		if (evbuffer_reserve_space(q, (ev_ssize_t)(want - have), &v,
		    1) < 1)
			return -1;
		if ((off_t)v.iov_len > b->wr - b->rd)
			v.iov_len = (size_t)(b->wr - b->rd);
		if ((n = pread(b->fd, v.iov_base, v.iov_len, b->rd)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return -1;
		}
		v.iov_len = (size_t)n;
		if (evbuffer_commit_space(q, &v, 1) == -1)
			return -1;
		b->rd += n;
	}
	return 0;
}

/* Close the file, if any; the length counted stays. */
void
body_free(struct body *b)
{
	if (b->fd != -1)
		close(b->fd);
	b->fd = -1;
	b->wr = b->rd = 0;
}
