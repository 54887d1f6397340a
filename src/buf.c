/*
 * Reading a descriptor into an evbuffer.  libevent 2.1's evbuffer_read()
 * takes at most 4 KiB per call and asks FIONREAD first; this reads up to
 * 64 KiB per read() straight into the buffer's free space, until the
 * descriptor is drained or max bytes have come.
 */

#include <errno.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "warmcgi.h"

/* Returns the bytes read, 0 at EOF, -1 on error (errno). */
ssize_t
buf_read_fd(struct evbuffer *buf, int fd, size_t max)
{
	struct evbuffer_iovec	 v;
	ssize_t			 n, total = 0;

	while ((size_t)total < max) {
		if (evbuffer_reserve_space(buf, READ_CHUNK, &v, 1) < 1)
			return total > 0 ? total : -1;
		if (v.iov_len > READ_CHUNK)
			v.iov_len = READ_CHUNK;
		do
			n = read(fd, v.iov_base, v.iov_len);
		while (n == -1 && errno == EINTR);
		if (n <= 0) {
			evbuffer_commit_space(buf, NULL, 0);
			return total > 0 ? total : n;
		}
		v.iov_len = (size_t)n;
		evbuffer_commit_space(buf, &v, 1);
		total += n;
		if ((size_t)n < READ_CHUNK)
			break;	/* drained */
	}
	return total;
}
