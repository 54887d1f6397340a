/*
 * The script's response: its header block (RFC 3875 6.2) checked as it
 * arrives, then rewritten once whole (response_rewrite): an NPH status
 * line becomes a Status header, a Status line is read as Apache's mod_cgi
 * reads it, the earlier of duplicate single-valued fields are dropped, a
 * local redirect becomes X-Accel-Redirect or X-Sendfile if asked, and an
 * authorizer's 200 keeps only its Variable- headers.  The scanner
 * (response_scan) is pure: it takes bytes in any pieces, keeps its place
 * in struct response_scan and looks at every byte once, so a header
 * trickled a byte at a time costs no more than one read whole.  The rest
 * keeps the header bytes in an evbuffer until the block is judged; the
 * caller logs and answers.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <limits.h>
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
static const char *response_reason(int);
static int	response_statuses_ok(const char *, const char *, int);
static int	response_status_parse(const char *, size_t, int *,
		    const char **, size_t *);
static int	response_sendfile(const char *, const char *, size_t, char *,
		    size_t, const char **);
static int	response_rewrite(struct response *, const char **);

/* What response_rewrite makes of each line of a block. */
enum { F_OTHER, F_STATUS, F_CTYPE, F_LOCATION, F_CLENGTH, F_VARIABLE,
    F_NFIELDS };

struct response_line {
	const char	*p;		/* the line, its end included */
	size_t		 len;
	size_t		 name;		/* the name's length */
	const char	*val;		/* the value, spaces around it off */
	size_t		 vlen;
	int		 field;		/* F_* */
};

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

	/* Apache reads a line into 8 KiB and no more; nginx less still. */
	if (col >= HEADER_LINE_MAX) {
		s->too_long = 1;
		return RESPONSE_BAD;
	}
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
		if (s->line == 0 || (!s->cgi_field && !s->nph &&
		    !s->authorizer))
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
	/* What response_feed() refuses after the scan, this refuses too. */
	if (rc == RESPONSE_OK && !response_statuses_ok(buf, buf + s.end,
	    s.nph_len > 0))
		rc = RESPONSE_BAD;
	*nph_len = rc == RESPONSE_OK ? s.nph_len : 0;
	if (rc == RESPONSE_OK)
		*end = s.end;
	return rc;
}

/* Whether every Status value (and an NPH line's) of a block is valid. */
static int
response_statuses_ok(const char *p, const char *end, int nph)
{
	const char	*c, *nl, *v, *reason;
	size_t		 vlen, rlen;
	int		 code;

	for (c = p; c < end; c = nl + 1) {
		if ((nl = memchr(c, '\n', (size_t)(end - c))) == NULL)
			nl = end;
		if (c == p && nph)
			v = c + 9;
		else if (nl - c >= 7 && strncasecmp(c, "Status:", 7) == 0)
			v = c + 7;
		else
			continue;
		while (v < nl && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(nl - v);
		while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
			vlen--;
		if (response_status_parse(v, vlen, &code, &reason, &rlen) ==
		    -1)
			return 0;
	}
	return 1;
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

/* The reason phrase of a status a script gave without one (RFC 9110 15). */
static const char *
response_reason(int code)
{
	switch (code) {
	case 100:	return "Continue";
	case 101:	return "Switching Protocols";
	case 200:	return "OK";
	case 201:	return "Created";
	case 202:	return "Accepted";
	case 203:	return "Non-Authoritative Information";
	case 204:	return "No Content";
	case 205:	return "Reset Content";
	case 206:	return "Partial Content";
	case 300:	return "Multiple Choices";
	case 301:	return "Moved Permanently";
	case 302:	return "Found";
	case 303:	return "See Other";
	case 304:	return "Not Modified";
	case 307:	return "Temporary Redirect";
	case 308:	return "Permanent Redirect";
	case 400:	return "Bad Request";
	case 401:	return "Unauthorized";
	case 402:	return "Payment Required";
	case 403:	return "Forbidden";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 406:	return "Not Acceptable";
	case 407:	return "Proxy Authentication Required";
	case 408:	return "Request Timeout";
	case 409:	return "Conflict";
	case 410:	return "Gone";
	case 411:	return "Length Required";
	case 412:	return "Precondition Failed";
	case 413:	return "Content Too Large";
	case 414:	return "URI Too Long";
	case 415:	return "Unsupported Media Type";
	case 416:	return "Range Not Satisfiable";
	case 417:	return "Expectation Failed";
	case 421:	return "Misdirected Request";
	case 422:	return "Unprocessable Content";
	case 426:	return "Upgrade Required";
	case 428:	return "Precondition Required";
	case 429:	return "Too Many Requests";
	case 431:	return "Request Header Fields Too Large";
	case 451:	return "Unavailable For Legal Reasons";
	case 500:	return "Internal Server Error";
	case 501:	return "Not Implemented";
	case 502:	return "Bad Gateway";
	case 503:	return "Service Unavailable";
	case 504:	return "Gateway Timeout";
	case 505:	return "HTTP Version Not Supported";
	default:	return NULL;
	}
}

/*
 * A Status value read as Apache's mod_cgi reads it: spaces before it
 * skipped, the number its leading digits, valid from 100 to 599; the
 * reason phrase is what follows a space after the digits, spaces around
 * it off.  0, or -1 when the number is not a status.
 */
static int
response_status_parse(const char *v, size_t len, int *code,
    const char **reason, size_t *rlen)
{
	size_t	 i = 0;
	int	 n = 0;

	while (i < len && isdigit((unsigned char)v[i]) && n < 1000)
		n = n * 10 + (v[i++] - '0');
	if (i == 0 || n < 100 || n > 599)
		return -1;
	*code = n;
	*reason = NULL;
	*rlen = 0;
	if (i < len && (v[i] == ' ' || v[i] == '\t')) {
		while (i < len && (v[i] == ' ' || v[i] == '\t'))
			i++;
		*reason = v + i;
		*rlen = len - i;
	}
	return 0;
}

/*
 * --local-redirect=sendfile: the file a local URI names under the
 * document root, percent-decoded.  Only a plain path to a regular file
 * nobody may execute: a script's source must never be sent as a file,
 * and "." or ".." segments could leave the root.  -1 and *why if not.
 */
static int
response_sendfile(const char *root, const char *uri, size_t len, char *out,
    size_t size, const char **why)
{
	struct stat	 st;
	size_t		 i, o, seg;
	int		 hi, lo;

	if (root == NULL || *root != '/') {
		*why = "no absolute DOCUMENT_ROOT";
		return -1;
	}
	o = strlcpy(out, root, size);
	while (o > 0 && out[o - 1] == '/')
		o--;
	for (i = 0, seg = o; i < len; i++) {
		if (uri[i] == '?' || uri[i] == '#') {
			*why = "it has a query string";
			return -1;
		}
		if (o + 1 >= size) {
			*why = "path too long";
			return -1;
		}
		if (uri[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)uri[i + 1]) &&
		    isxdigit((unsigned char)uri[i + 2])) {
			hi = isdigit((unsigned char)uri[i + 1]) ? uri[i + 1] -
			    '0' : tolower((unsigned char)uri[i + 1]) - 'a' + 10;
			lo = isdigit((unsigned char)uri[i + 2]) ? uri[i + 2] -
			    '0' : tolower((unsigned char)uri[i + 2]) - 'a' + 10;
			out[o] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o] = uri[i];
		if (out[o] == '\0') {
			*why = "it holds a NUL";
			return -1;
		}
		if (out[o] == '/')
			seg = o;
		o++;
		out[o] = '\0';
		/* A "." or ".." segment, checked as each segment ends. */
		if ((i + 1 == len || uri[i + 1] == '/' ) && (strcmp(out + seg,
		    "/.") == 0 || strcmp(out + seg, "/..") == 0)) {
			*why = "it has a . or .. segment";
			return -1;
		}
	}
	if (stat(out, &st) == -1 || !S_ISREG(st.st_mode)) {
		*why = "no such regular file";
		return -1;
	}
	if (st.st_mode & 0111) {
		*why = "the file is executable";
		return -1;
	}
	return 0;
}

/*
 * Rewrite a checked block in resp->hdr (the first scan.end bytes; output
 * that came after it follows).  What changes, and why:
 * - an NPH line "HTTP/1.x NNN reason" becomes "Status: NNN reason";
 * - Status, Content-Type, Location and Content-Length say one thing
 *   each: of duplicates the last is kept, as Apache's mod_cgi keeps it
 *   (nginx refuses some duplicates, and two lengths can split a response);
 * - a Status line is read as mod_cgi reads it (spaces, no reason phrase,
 *   which is then the standard one); a number that is no status refuses
 *   the block, where mod_cgi answers 500;
 * - a local redirect (RFC 3875 6.2.2: "Location: /path", no Status)
 *   becomes X-Accel-Redirect or X-Sendfile under --local-redirect;
 * - an authorizer's 200 sends only the Variable- headers, which is all a
 *   server takes from it (spec 6.3), and no body (resp->drop).
 * Other lines go on byte for byte.  Sets resp->status.
 */
static int
response_rewrite(struct response *resp, const char **why)
{
	struct response_scan	*s = &resp->scan;
	struct response_line	*ln = NULL, *l;
	struct evbuffer		*out = NULL;
	const char		*p, *end, *nl, *c, *reason = NULL;
	const char		*hname = NULL, *swhy;
	char			 path[PATH_MAX];
	size_t			 n = 0, i, rlen = 0, bodylen;
	int			 last[F_NFIELDS], code = 0, status, local = 0;
	int			 rc = -1;

	*why = "out of memory";
	if ((p = (const char *)evbuffer_pullup(resp->hdr,
	    (ssize_t)s->end)) == NULL)
		return -1;
	end = p + s->end;
	for (c = p; c < end; c++)
		n += *c == '\n';
	if ((ln = calloc(n + 1, sizeof(*ln))) == NULL)
		return -1;
	for (i = 0; i < F_NFIELDS; i++)
		last[i] = -1;
	for (n = 0, c = p; c < end; n++, c = nl + 1) {
		l = &ln[n];
		nl = memchr(c, '\n', (size_t)(end - c));
		l->p = c;
		l->len = (size_t)(nl - c) + 1;
		if (n == 0 && s->nph_len > 0) {
			/* "HTTP/1.x " then "NNN reason" as a Status value. */
			l->field = F_STATUS;
			l->val = c + 9;
		} else {
			if ((l->val = memchr(c, ':', l->len)) == NULL)
				break;	/* the empty line */
			l->name = (size_t)(l->val - c);
			l->val++;
			if (l->name == 6 && strncasecmp(c, "Status", 6) == 0)
				l->field = F_STATUS;
			else if (l->name == 12 && strncasecmp(c,
			    "Content-Type", 12) == 0)
				l->field = F_CTYPE;
			else if (l->name == 8 && strncasecmp(c, "Location",
			    8) == 0)
				l->field = F_LOCATION;
			else if (l->name == 14 && strncasecmp(c,
			    "Content-Length", 14) == 0)
				l->field = F_CLENGTH;
			else if (l->name > 9 && strncasecmp(c, "Variable-",
			    9) == 0)
				l->field = F_VARIABLE;
		}
		while (l->val < nl && (*l->val == ' ' || *l->val == '\t'))
			l->val++;
		l->vlen = (size_t)(nl - l->val);
		while (l->vlen > 0 && isspace((unsigned char)l->val[l->vlen -
		    1]))
			l->vlen--;
		if (l->field == F_STATUS && response_status_parse(l->val,
		    l->vlen, &code, &reason, &rlen) == -1) {
			*why = "printed an invalid Status line";
			goto fail;
		}
		if (l->field != F_OTHER && l->field != F_VARIABLE) {
			if (last[l->field] != -1)
				resp->ndup++;
			last[l->field] = (int)n;
		}
	}
	/* n: the empty line's index.  Which status the block stands for. */
	if (last[F_STATUS] != -1)
		status = code;
	else if (last[F_LOCATION] != -1) {
		l = &ln[last[F_LOCATION]];
		status = 302;
		local = l->vlen > 0 && l->val[0] == '/' && (l->vlen == 1 ||
		    l->val[1] != '/');
	} else
		status = 200;
	if ((out = evbuffer_new()) == NULL)
		goto fail;
	if (local && resp->redirect == REDIRECT_ACCEL)
		hname = "X-Accel-Redirect";
	else if (local && resp->redirect == REDIRECT_SENDFILE) {
		l = &ln[last[F_LOCATION]];
		if (response_sendfile(resp->docroot, l->val, l->vlen, path,
		    sizeof(path), &swhy) == 0)
			hname = "X-Sendfile";
		else
			resp->note = swhy;
	}
	if (hname != NULL)
		status = 200;	/* the server answers from elsewhere */
	resp->drop = resp->authorizer && status == 200;
	if (resp->drop && evbuffer_add_printf(out, "Status: 200 OK\r\n") == -1)
		goto fail;
	for (i = 0; i <= n; i++) {
		l = &ln[i];
		if (i < n && l->field != F_OTHER && l->field != F_VARIABLE &&
		    last[l->field] != (int)i)
			continue;	/* a later one says it */
		if (resp->drop && i < n && l->field != F_VARIABLE)
			continue;
		if (i < n && l->field == F_STATUS) {
			if (rlen == 0 && (reason = response_reason(code)) !=
			    NULL)
				rlen = strlen(reason);
			if (evbuffer_add_printf(out, "Status: %d%s%.*s\r\n",
			    code, rlen > 0 ? " " : "", (int)rlen, reason) == -1)
				goto fail;
		} else if (i < n && l->field == F_LOCATION && hname != NULL) {
			if (evbuffer_add_printf(out, "%s: %.*s\r\n", hname,
			    hname[2] == 'S' ? (int)strlen(path) : (int)l->vlen,
			    hname[2] == 'S' ? path : l->val) == -1)
				goto fail;
		} else if (evbuffer_add(out, l->p, l->len) == -1)
			goto fail;
	}
	bodylen = evbuffer_get_length(resp->hdr) - s->end;
	if (evbuffer_drain(resp->hdr, s->end) == -1 ||
	    (resp->drop && evbuffer_drain(resp->hdr, bodylen) == -1) ||
	    evbuffer_prepend_buffer(resp->hdr, out) == -1)
		goto fail;
	resp->status = status;
	rc = 0;
fail:
	if (out != NULL)
		evbuffer_free(out);
	free(ln);
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
		*why = s->too_long ? "printed a header line longer than 8192 "
		    "bytes" : "printed an invalid header block";
		return RESPONSE_BAD;
	}
	if (response_rewrite(resp, why) == -1)
		return RESPONSE_BAD;
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
