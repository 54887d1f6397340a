/*
 * libFuzzer harness for the check of a script's header block
 * (src/response.c).  The first input byte sets a piece size, the rest is
 * what a script printed.  response_check reads it whole; response_scan
 * must judge it the same when fed in those pieces, and so must
 * response_feed, which the daemon calls with the script's output in an
 * evbuffer; on success the block it hands on must end where the scan
 * said, an NPH line rewritten to a Status header.  Built and run by
 * `make fuzz' (see Makefile.am).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "warmcgi.h"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	fuzz_feed(const char *, size_t, size_t, int, size_t, size_t);

/*
 * The daemon's way: pieces added to an evbuffer and fed as they come.
 * rc, end and nph_len are response_check's answer for the whole.
 */
static void
fuzz_feed(const char *p, size_t len, size_t piece, int rc, size_t end,
    size_t nph_len)
{
	struct response	 resp;
	struct evbuffer	*src;
	const char	*why = NULL, *hdr;
	char		 show[80];
	size_t		 off = 0, n, hlen;
	int		 frc = RESPONSE_INCOMPLETE;

	if (response_init(&resp) == -1 || (src = evbuffer_new()) == NULL)
		abort();
	while (off < len && frc == RESPONSE_INCOMPLETE) {
		n = len - off < piece ? len - off : piece;
		if (evbuffer_add(src, p + off, n) == -1)
			abort();
		off += n;
		frc = response_feed(&resp, src, &why);
		/* Everything fed is moved on, judged or not. */
		if (evbuffer_get_length(src) != 0)
			abort();
	}
	/* Past HEADER_MAX the daemon gives up where the whole check may not. */
	if (len <= HEADER_MAX && frc != rc)
		abort();
	switch (frc) {
	case RESPONSE_OK:
		/*
		 * The block may be rewritten (Status values, an NPH line);
		 * what came after it goes on byte for byte.
		 */
		hlen = evbuffer_get_length(resp.hdr);
		if (!resp.done || resp.status < 0 || resp.status > 999 ||
		    end > off || hlen <= off - end || (hdr = (const char *)
		    evbuffer_pullup(resp.hdr, -1)) == NULL ||
		    memcmp(hdr + hlen - (off - end), p + end, off - end) != 0)
			abort();
		/* An NPH line becomes a Status line (the last one wins). */
		if (nph_len > 0 && memmem(hdr, hlen - (off - end), "Status: ",
		    8) == NULL)
			abort();
		break;
	case RESPONSE_BAD:
		if (why == NULL)
			abort();
		response_reject(&resp, show, sizeof(show));
		if (strlen(show) >= sizeof(show) ||
		    evbuffer_get_length(resp.hdr) != 0)
			abort();
		break;
	}
	evbuffer_free(src);
	response_free(&resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct response_scan	 s, w;
	const char		*p = (const char *)data + 1;
	size_t			 len, piece, end = 0, nph_len = 0, off, n, used;
	int			 rc, rcw, rc2 = RESPONSE_INCOMPLETE;

	if (size < 1)
		return 0;
	len = size - 1;
	piece = (size_t)data[0] % 32 + 1;
	rc = response_check(p, len, &end, &nph_len);
	if (rc == RESPONSE_OK) {
		if (end == 0 || end > len || nph_len >= end)
			abort();
		n = (size_t)response_status(p, end);
		if (n > 999)
			abort();
	}

	/*
	 * The scan, whole: response_check() is it plus the Status values,
	 * so it accepts nothing the scan refuses.
	 */
	response_scan_init(&w);
	rcw = response_scan(&w, p, len, &used);
	if (rc == RESPONSE_OK && (rcw != RESPONSE_OK || w.end != end ||
	    w.nph_len != nph_len))
		abort();

	/* The same bytes in pieces: the same answer as whole. */
	response_scan_init(&s);
	for (off = 0; off < len && rc2 == RESPONSE_INCOMPLETE; off += n) {
		n = len - off < piece ? len - off : piece;
		rc2 = response_scan(&s, p + off, n, &used);
		if (used > n || (rc2 == RESPONSE_INCOMPLETE && used != n))
			abort();
	}
	if (rc2 != rcw || (rcw == RESPONSE_OK && (s.end != w.end ||
	    s.nph_len != w.nph_len)))
		abort();

	fuzz_feed(p, len, piece, rc, end, nph_len);
	return 0;
}
