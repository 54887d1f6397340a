/*
 * The script's response: its header block (RFC 3875 6.2) checked as it
 * arrives, an NPH status line turned into a Status header.  The scanner
 * (response_scan) is pure: it takes bytes in any pieces, keeps its place
 * in struct response_scan and looks at every byte once, so a header
 * trickled a byte at a time costs no more than one read whole.  The rest
 * keeps the header bytes in an evbuffer until the block is judged; the
 * caller logs and answers.
 */

#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "warmcgi.h"

#define NPH_PREFIX	"HTTP/1."	/* an NPH line: HTTP/1.x NNN reason */
#define NPH_MIN		12		/* up to the status code */
#define SHOW_MAX	64		/* bytes of a bad block to log */

enum { SCAN_NAME, SCAN_VALUE, SCAN_NPH };

static int	response_tchar(int);
static int	response_code(const char *, const char *);
static int	response_byte(struct response_scan *, unsigned char);
static int	response_line_end(struct response_scan *);
static int	response_nph(struct response *);

/* RFC 7230 token characters, which make up a header name. */
static int
response_tchar(int c)
{
	if (isalnum(c))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

void
response_scan_init(struct response_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->rc = RESPONSE_INCOMPLETE;
	s->maybe_nph = 1;
}

/*
 * One byte of a line, a CR that was not half of a CRLF included.  The
 * first line may be an NPH status line for as long as it matches
 * "HTTP/1."; up to its '/' it is a valid name as well, so it is read as
 * one until then.
 */
static int
response_byte(struct response_scan *s, unsigned char c)
{
	size_t	 col = s->col++;

	switch (s->mode) {
	case SCAN_VALUE:
		return RESPONSE_INCOMPLETE;
	case SCAN_NPH:
		if (col < 7)
			return c == NPH_PREFIX[col] ? RESPONSE_INCOMPLETE :
			    RESPONSE_BAD;
		if (col == 8 || col == NPH_MIN)
			return c == ' ' ? RESPONSE_INCOMPLETE : RESPONSE_BAD;
		if (col < NPH_MIN)
			return isdigit(c) ? RESPONSE_INCOMPLETE : RESPONSE_BAD;
		return RESPONSE_INCOMPLETE;	/* the reason phrase */
	}
	if (s->maybe_nph) {
		if (col < 4 && c == NPH_PREFIX[col])
			goto name;
		if (col == 4 && c == '/') {
			s->mode = SCAN_NPH;
			s->nph = 1;
			return RESPONSE_INCOMPLETE;
		}
		s->maybe_nph = 0;
	}
	if (c == ':') {
		if (col == 0)
			return RESPONSE_BAD;
		if ((col == 12 && strncasecmp(s->name, "Content-Type", 12) ==
		    0) || (col == 8 && strncasecmp(s->name, "Location", 8) ==
		    0) || (col == 6 && strncasecmp(s->name, "Status", 6) == 0))
			s->cgi_field = 1;
		s->mode = SCAN_VALUE;
		return RESPONSE_INCOMPLETE;
	}
	if (!response_tchar(c))
		return RESPONSE_BAD;
name:
	if (col < sizeof(s->name))
		s->name[col] = (char)c;
	return RESPONSE_INCOMPLETE;
}

/* A line ended (its CR, if any, taken off): judge it. */
static int
response_line_end(struct response_scan *s)
{
	if (s->col == 0) {
		/* The empty line: the end of the block. */
		if (s->line == 0 || (!s->cgi_field && !s->nph))
			return RESPONSE_BAD;
		s->end = s->scanned;
		return RESPONSE_OK;
	}
	switch (s->mode) {
	case SCAN_NAME:
		return RESPONSE_BAD;	/* no colon */
	case SCAN_NPH:
		if (s->col < NPH_MIN)
			return RESPONSE_BAD;
		s->nph_len = s->scanned - s->line_start;
		break;
	}
	s->line++;
	s->line_start = s->scanned;
	s->col = 0;
	s->mode = SCAN_NAME;
	s->maybe_nph = 0;
	return RESPONSE_INCOMPLETE;
}

/*
 * Take up to len more bytes of the script's output, resuming where the
 * last call stopped: RESPONSE_INCOMPLETE when all were taken and the block
 * has not ended, RESPONSE_OK when it has (s->end is then the offset past
 * its empty line, s->nph_len that of an NPH line with its line end, or 0),
 * RESPONSE_BAD when it cannot be a header block.  *used is the bytes
 * taken; once judged, the answer stays and nothing more is taken.
 */
int
response_scan(struct response_scan *s, const char *p, size_t len,
    size_t *used)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < len && s->rc == RESPONSE_INCOMPLETE; i++) {
		c = (unsigned char)p[i];
		s->scanned++;
		if (s->cr) {
			/* A CR is half a CRLF or part of its line. */
			s->cr = 0;
			if (c == '\n') {
				s->rc = response_line_end(s);
				continue;
			}
			s->rc = response_byte(s, '\r');
			if (s->rc != RESPONSE_INCOMPLETE)
				continue;
		}
		if (c == '\r')
			s->cr = 1;
		else if (c == '\n')
			s->rc = response_line_end(s);
		else
			s->rc = response_byte(s, c);
	}
	*used = i;
	return s->rc;
}

/* The whole of a buffer at once: for tests, fuzzing and one-off checks. */
int
response_check(const char *buf, size_t len, size_t *end, size_t *nph_len)
{
	struct response_scan	 s;
	size_t			 used;
	int			 rc;

	response_scan_init(&s);
	rc = response_scan(&s, buf, len, &used);
	*nph_len = rc == RESPONSE_OK ? s.nph_len : 0;
	if (rc == RESPONSE_OK)
		*end = s.end;
	return rc;
}

/*
 * A status code: three digits after blanks (RFC 3875 6.3.3), else 0.
 * Not atoi: a script may print any number of digits, and an int that
 * overflows is undefined.
 */
static int
response_code(const char *p, const char *end)
{
	int	 code = 0, n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < end && n < 4 && isdigit((unsigned char)*p); p++, n++)
		code = code * 10 + (*p - '0');
	return n == 3 ? code : 0;
}

/*
 * The HTTP status a checked header block stands for, for the counters:
 * an NPH status line, a Status header, 302 for a bare Location, else 200.
 */
int
response_status(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl;
	int		 status = 200, location = 0;

	if (len > NPH_MIN && strncmp(buf, NPH_PREFIX, 7) == 0)
		return response_code(buf + 9, end);
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl - p > 7 && strncasecmp(p, "Status:", 7) == 0)
			return response_code(p + 7, nl);
		if (nl - p > 9 && strncasecmp(p, "Location:", 9) == 0)
			location = 1;
		p = nl + 1;
	}
	return location ? 302 : status;
}

int
response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	response_scan_init(&resp->scan);
	if ((resp->hdr = evbuffer_new()) == NULL)
		return -1;
	return 0;
}

void
response_free(struct response *resp)
{
	if (resp->hdr != NULL)
		evbuffer_free(resp->hdr);
	resp->hdr = NULL;
}

/*
 * NPH: "HTTP/1.x NNN reason" becomes "Status: NNN reason", whole and with
 * its CRLF however long it is, in place of that line.
 */
static int
response_nph(struct response *resp)
{
	struct evbuffer	*line;
	const char	*p;
	size_t		 n = resp->scan.nph_len;
	int		 rc = -1;

	if ((p = (const char *)evbuffer_pullup(resp->hdr, (ssize_t)n)) ==
	    NULL || (line = evbuffer_new()) == NULL)
		return -1;
	while (n > NPH_MIN && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (evbuffer_add(line, "Status: ", 8) == 0 &&
	    evbuffer_add(line, p + 9, n - 9) == 0 &&
	    evbuffer_add(line, "\r\n", 2) == 0 &&
	    evbuffer_drain(resp->hdr, resp->scan.nph_len) == 0 &&
	    evbuffer_prepend_buffer(resp->hdr, line) == 0)
		rc = 0;
	evbuffer_free(line);
	return rc;
}

/*
 * Move a piece of the script's output from src into the header block and
 * scan what is new in it, no more than HEADER_MAX bytes in all.  On
 * RESPONSE_OK resp->hdr holds what to send: the block (NPH line rewritten)
 * and whatever output came after it; resp->status is set.  On RESPONSE_BAD
 * *why says what was wrong.
 */
int
response_feed(struct response *resp, struct evbuffer *src, const char **why)
{
	struct response_scan	*s = &resp->scan;
	struct evbuffer_ptr	 pos;
	struct evbuffer_iovec	 v;
	const char		*p;
	size_t			 left, n, used;
	int			 rc = s->rc;

	left = evbuffer_get_length(src);
	if (left > HEADER_MAX - s->scanned)
		left = HEADER_MAX - s->scanned;
	evbuffer_ptr_set(src, &pos, 0, EVBUFFER_PTR_SET);
	while (rc == RESPONSE_INCOMPLETE && left > 0 &&
	    evbuffer_peek(src, (ev_ssize_t)left, &pos, &v, 1) > 0) {
		n = v.iov_len < left ? v.iov_len : left;
		rc = response_scan(s, v.iov_base, n, &used);
		left -= n;
		if (left > 0 &&
		    evbuffer_ptr_set(src, &pos, n, EVBUFFER_PTR_ADD) == -1)
			break;
	}
	if (evbuffer_add_buffer(resp->hdr, src) == -1) {
		*why = "out of memory";
		return RESPONSE_BAD;
	}
	switch (rc) {
	case RESPONSE_INCOMPLETE:
		if (s->scanned < HEADER_MAX)
			return RESPONSE_INCOMPLETE;
		*why = "printed a header block larger than 64 KiB";
		return RESPONSE_BAD;
	case RESPONSE_BAD:
		*why = "printed an invalid header block";
		return RESPONSE_BAD;
	}
	if ((p = (const char *)evbuffer_pullup(resp->hdr,
	    (ssize_t)s->end)) == NULL) {
		*why = "out of memory";
		return RESPONSE_BAD;
	}
	resp->status = response_status(p, s->end);
	if (s->nph_len > 0 && response_nph(resp) == -1) {
		*why = "out of memory";
		return RESPONSE_BAD;
	}
	resp->done = 1;
	return RESPONSE_OK;
}

/*
 * The block was refused: keep its first bytes, as text for the log line,
 * and throw the rest away.  A NUL ends the text (the log escapes the rest).
 */
void
response_reject(struct response *resp, char *show, size_t size)
{
	const char	*p, *nul;
	size_t		 n;

	n = evbuffer_get_length(resp->hdr);
	if (n > SHOW_MAX)
		n = SHOW_MAX;
	if (n > size - 1)
		n = size - 1;
	if ((p = (const char *)evbuffer_pullup(resp->hdr, (ssize_t)n)) == NULL)
		n = 0;
	else if ((nul = memchr(p, '\0', n)) != NULL)
		n = (size_t)(nul - p);
	if (n > 0)
		memcpy(show, p, n);
	show[n] = '\0';
	resp->bad = 1;
	evbuffer_drain(resp->hdr, evbuffer_get_length(resp->hdr));
}
