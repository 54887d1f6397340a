/*
 * Check suite for the script's response (src/response.c): the header
 * block check (RFC 3875 6.2), NPH status lines included; the incremental
 * scanner fed in every split, one byte at a time, and shown to look at
 * each byte once; the NPH line turned into a Status header whatever its
 * length; the 64 KiB limit; the first bytes kept for the log.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/buffer.h>

#include "warmcgi.h"
#include "check_main.h"

/* response_check on a copy of exactly len bytes, so ASan sees overreads. */
static int
hdr(const char *s, size_t len, size_t *end, size_t *nph)
{
	char	*b;
	int	 rc;

	b = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(b);
	memcpy(b, s, len);
	*end = 0xdead;
	*nph = 0xbeef;
	rc = response_check(b, len, end, nph);
	free(b);
	return rc;
}

#define HDR(s, e, n)	hdr((s), strlen(s), (e), (n))

START_TEST(test_hdr_crlf)
{
	const char	*s;
	size_t		 end, nph;

	s = "Content-Type: text/html\r\n\r\n<html>";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, strlen("Content-Type: text/html\r\n\r\n"));
	ck_assert_uint_eq(nph, 0);

	s = "Status: 201 Created\r\nContent-Type: text/plain\r\n"
	    "X-Thing: y\r\n\r\n";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, strlen(s));
	ck_assert_uint_eq(nph, 0);

	/* Names are case-insensitive; any one of the three will do. */
	ck_assert_int_eq(HDR("content-type: x\r\n\r\n", &end, &nph),
	    RESPONSE_OK);
	ck_assert_int_eq(HDR("LOCATION: /elsewhere\r\n\r\n", &end, &nph),
	    RESPONSE_OK);
	ck_assert_int_eq(HDR("status: 404\r\n\r\n", &end, &nph), RESPONSE_OK);
	ck_assert_int_eq(HDR("X-A: 1\r\nLocation: http://x/\r\n\r\n", &end,
	    &nph), RESPONSE_OK);
}
END_TEST

START_TEST(test_hdr_lf)
{
	const char	*s;
	size_t		 end, nph;

	s = "Content-Type: text/html\n\nbody\n\nmore";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, strlen("Content-Type: text/html\n\n"));
	ck_assert_uint_eq(nph, 0);

	/* Mixed line ends. */
	s = "Status: 200 OK\r\nContent-Type: a/b\n\r\nx";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, strlen(s) - 1);
	s = "Content-Type: a/b\r\n\nx";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, strlen(s) - 1);
}
END_TEST

START_TEST(test_hdr_incomplete)
{
	static const char	*inc[] = {
		"",
		"C",
		"Content-Ty",
		"Content-Type",
		"Content-Type:",
		"Content-Type: text/ht",
		"Content-Type: text/html\r\n",
		"Content-Type: text/html\n",
		"Content-Type: text/html\nX-Y: z\n",
		"X-Y: z\nStatus",
		"H",
		"HTTP/1.",
		"HTTP/1.1 40",
		"HTTP/1.1 404",
		"HTTP/1.1 404 Not Found\r\n",
		"HTTP/1.1 404 Not Found\r\nContent-Type: x\r\n",
	};
	const char		*s = "Status: 302 Found\nLocation: /a\n\n";
	size_t			 i, end, nph;

	for (i = 0; i < sizeof(inc) / sizeof(inc[0]); i++)
		ck_assert_msg(HDR(inc[i], &end, &nph) == RESPONSE_INCOMPLETE,
		    "\"%s\" is not INCOMPLETE", inc[i]);
	/* Every prefix of a good block with bare LFs. */
	for (i = 0; i < strlen(s); i++)
		ck_assert_msg(hdr(s, i, &end, &nph) == RESPONSE_INCOMPLETE,
		    "prefix %zu is not INCOMPLETE", i);
	ck_assert_int_eq(hdr(s, strlen(s), &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, strlen(s));
}
END_TEST

/*
 * A block with CRLF line ends can be read up to the CR of its empty line:
 * that is still a valid block waiting for its LF, not a bad one.
 */
START_TEST(test_hdr_split_crlf)
{
	static const char	*blocks[] = {
		"Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nbody",
		"Content-Type: text/html\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Type: a\r\n\r\n",
	};
	size_t			 b, i, len, end, nph;

	for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
		len = strstr(blocks[b], "\r\n\r\n") + 4 - blocks[b];
		for (i = 0; i < len; i++)
			ck_assert_msg(hdr(blocks[b], i, &end, &nph) ==
			    RESPONSE_INCOMPLETE, "block %zu, prefix %zu "
			    "(ending \"%s\") is not INCOMPLETE", b, i,
			    i > 0 && blocks[b][i - 1] == '\r' ? "\\r" : "...");
		ck_assert_int_eq(hdr(blocks[b], len, &end, &nph), RESPONSE_OK);
		ck_assert_uint_eq(end, len);
	}
}
END_TEST

START_TEST(test_hdr_no_cgi_field)
{
	size_t	 end, nph;

	ck_assert_int_eq(HDR("X-Foo: bar\r\n\r\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Content-Length: 3\n\nabc", &end, &nph),
	    RESPONSE_BAD);
	ck_assert_int_eq(HDR("Content-Typo: x\n\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Statu: 200\n\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Locations: /\n\n", &end, &nph), RESPONSE_BAD);
	/* An empty line first: no header at all. */
	ck_assert_int_eq(HDR("\r\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("\r\nContent-Type: x\r\n\r\n", &end, &nph),
	    RESPONSE_BAD);
}
END_TEST

START_TEST(test_hdr_body_first)
{
	size_t	 end, nph;

	/* Judged on the partial line, before any line end arrives. */
	ck_assert_int_eq(HDR("<", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("<html>", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("<html><body>hello", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Hello world", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("{\"json\": 1}", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("<html>\n<body>\n\n", &end, &nph), RESPONSE_BAD);
}
END_TEST

START_TEST(test_hdr_no_colon)
{
	size_t	 end, nph;

	ck_assert_int_eq(HDR("Content-Type text/html\r\n\r\n", &end, &nph),
	    RESPONSE_BAD);
	ck_assert_int_eq(HDR("ContentType\r\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Content-Type: a\r\nJunk\r\n\r\n", &end, &nph),
	    RESPONSE_BAD);
	ck_assert_int_eq(HDR("Content-Type: a\nJunk\n", &end, &nph),
	    RESPONSE_BAD);
	ck_assert_int_eq(HDR(": value\n\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Content-Type: x\n: value\n\n", &end, &nph),
	    RESPONSE_BAD);
	ck_assert_int_eq(HDR("Bad Name: x\n\n", &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Bad(name): x\n\n", &end, &nph), RESPONSE_BAD);
}
END_TEST

START_TEST(test_hdr_folding)
{
	size_t	 end, nph;

	ck_assert_int_eq(HDR("Content-Type: text/html\r\n charset=x\r\n\r\n",
	    &end, &nph), RESPONSE_BAD);
	ck_assert_int_eq(HDR("Content-Type: text/html\n\tcharset=x\n\n",
	    &end, &nph), RESPONSE_BAD);
	/* Seen as soon as the continuation starts. */
	ck_assert_int_eq(HDR("Content-Type: text/html\r\n ", &end, &nph),
	    RESPONSE_BAD);
	ck_assert_int_eq(HDR(" Content-Type: x\n\n", &end, &nph),
	    RESPONSE_BAD);
}
END_TEST

START_TEST(test_hdr_nph)
{
	const char	*s;
	size_t		 end, nph;

	s = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nbody";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(nph, strlen("HTTP/1.1 404 Not Found\r\n"));
	ck_assert_uint_eq(end, strlen(s) - 4);

	/* An NPH line alone with bare LFs; no Content-Type needed. */
	s = "HTTP/1.0 200 OK\n\n";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(nph, strlen("HTTP/1.0 200 OK\n"));
	ck_assert_uint_eq(end, strlen(s));

	s = "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\n"
	    "X-Y: z\r\n\r\n";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(nph, strlen("HTTP/1.1 301 Moved Permanently\r\n"));
	ck_assert_uint_eq(end, strlen(s));

	/* Without a reason phrase. */
	s = "HTTP/1.1 204\r\n\r\n";
	ck_assert_int_eq(HDR(s, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(nph, 14);

	/* Not NPH: nph_len is 0. */
	ck_assert_int_eq(HDR("Content-Type: x\n\n", &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(nph, 0);
}
END_TEST

START_TEST(test_hdr_nph_bad)
{
	static const char	*bad[] = {
		"HTTP/1.1 20 x\r\n\r\n",
		"HTTP/1.1 20 x",
		"HTTP/1.1 20\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 abc OK\r\n\r\n",
		"HTTP/1.x 200 OK\r\n\r\n",
		"HTTP/1.1  200 OK\r\n",
		"HTTP/1.1-200 OK\r\n",
		"HTTP/1.\r\n\r\n",
		"HTTP/2 200 OK\r\n\r\n",
		"Content-Type: a\r\nHTTP/1.1 200 OK\r\n\r\n",
	};
	size_t			 i, end, nph;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(HDR(bad[i], &end, &nph) == RESPONSE_BAD,
		    "bad NPH %zu is not BAD", i);
}
END_TEST

START_TEST(test_hdr_end_exact)
{
	char	 big[300];
	size_t	 end, nph, i;

	/* The end is past the first empty line, not a later one. */
	ck_assert_int_eq(HDR("Location: /a\n\n\n\nbody\r\n\r\n", &end, &nph),
	    RESPONSE_OK);
	ck_assert_uint_eq(end, 14);
	ck_assert_int_eq(HDR("Location: /a\r\n\r\n\r\n", &end, &nph),
	    RESPONSE_OK);
	ck_assert_uint_eq(end, 16);
	ck_assert_int_eq(HDR("Status: 500\r\n\r\nStatus: 200\r\n\r\n", &end,
	    &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, 15);

	/* A long header line. */
	memcpy(big, "Content-Type: ", 14);
	for (i = 14; i < 290; i++)
		big[i] = 'x';
	memcpy(big + 290, "\r\n\r\nZZZZ", 8);
	ck_assert_int_eq(hdr(big, sizeof(big) - 2, &end, &nph), RESPONSE_OK);
	ck_assert_uint_eq(end, 294);
}
END_TEST

START_TEST(test_hdr_status)
{
	static const struct {
		const char	*s;
		int		 status;
	} t[] = {
		{ "Status: 404 Not Found\r\nContent-Type: x\r\n\r\n", 404 },
		{ "Content-Type: x\r\nstatus: 201\n\n", 201 },
		{ "HTTP/1.1 503 Busy\r\n\r\n", 503 },
		{ "HTTP/1.0 204\n\n", 204 },
		{ "Location: /x\r\n\r\n", 302 },
		{ "location: http://a/\n\n", 302 },
		{ "Location: /x\r\nStatus: 301 Moved\r\n\r\n", 301 },
		{ "Status: 303 See Other\r\nLocation: /x\r\n\r\n", 303 },
		{ "Content-Type: text/html\r\n\r\n", 200 },
		{ "X-Status: 500\r\nContent-Type: a\r\n\r\n", 200 },
		/* Found by tests/fuzz_response.c: atoi overflowed. */
		{ "Status:11111111111111111111+1\n\r\n", 0 },
		{ "Status: 4040 Big\r\n\r\n", 0 },
		{ "Status:\t200\n\n", 200 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(response_status(t[i].s, strlen(t[i].s)) ==
		    t[i].status, "\"%s\": %d, expected %d", t[i].s,
		    response_status(t[i].s, strlen(t[i].s)), t[i].status);
}
END_TEST

/* Blocks good, bad, incomplete, NPH, with a body: every kind of answer. */
static const char *blocks[] = {
	"Content-Type: text/html\r\n\r\n<html>",
	"Status: 201 Created\r\nContent-Type: text/plain\r\nX-Thing: y\r\n\r\n",
	"Status: 200 OK\r\nContent-Type: a/b\n\r\nx",
	"Status: 302 Found\nLocation: /a\n\nbody\n\nmore",
	"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nbody",
	"HTTP/1.0 200 OK\n\n",
	"HTTP/1.1 204\r\n\r\n",
	"HTTP/1.1 200 O\rK\r\r\nX: \r\r\n\r\n",
	"HTTP/1.1 20 x\r\n\r\n",
	"HTTP/1.1 2000 OK\r\n\r\n",
	"HTTP/1.x 200 OK\r\n\r\n",
	"HTTP/2 200 OK\r\n\r\n",
	"HTTP\r\n\r\n",
	"HTTPX: y\r\nStatus: 200\r\n\r\n",
	"Host: x\nLocation: /\n\n",
	"X-Foo: bar\r\n\r\n",
	"\r\nContent-Type: x\r\n\r\n",
	"<html>\n<body>\n\n",
	"Content-Type: text/html\r\n charset=x\r\n\r\n",
	"Content-Type: a\r\nJunk\r\n\r\n",
	"Content-Type\r: a\r\n\r\n",
	"Content-Type: a\r\n\rX\r\n\r\n",
	"Content-Type: a\r\n\r\r\n",
	"X: a\rb\r\nStatus: 500\r\n\r\n",
	"Content-Type: x\r\nContent-Type",
	"",
};

/* Scan s in pieces of the given sizes (0: the rest, one byte at a time). */
static int
scan_pieces(const char *s, size_t len, const size_t *cuts, size_t ncuts,
    struct response_scan *sc)
{
	size_t	 off = 0, i, n, used, taken = 0;
	int	 rc = RESPONSE_INCOMPLETE;
	char	*b;

	response_scan_init(sc);
	for (i = 0; off < len; i++) {
		n = i < ncuts ? cuts[i] : 1;
		if (n > len - off)
			n = len - off;
		/* An exact copy, so ASan sees a read past a piece. */
		b = malloc(n);
		ck_assert_ptr_nonnull(b);
		memcpy(b, s + off, n);
		rc = response_scan(sc, b, n, &used);
		free(b);
		ck_assert_uint_le(used, n);
		taken += used;
		if (rc != RESPONSE_INCOMPLETE) {
			ck_assert_uint_eq(taken, sc->scanned);
			break;
		}
		ck_assert_uint_eq(used, n);
		off += n;
	}
	return rc;
}

static void
same_as_whole(const char *s, size_t len, const size_t *cuts, size_t ncuts,
    const char *how)
{
	struct response_scan	 sc;
	size_t			 end = 0, nph = 0;
	int			 whole, rc;

	whole = hdr(s, len, &end, &nph);
	rc = scan_pieces(s, len, cuts, ncuts, &sc);
	ck_assert_msg(rc == whole, "\"%.*s\" %s: %d, whole %d", (int)len, s,
	    how, rc, whole);
	if (rc == RESPONSE_OK) {
		ck_assert_uint_eq(sc.end, end);
		ck_assert_uint_eq(sc.nph_len, nph);
		ck_assert_uint_eq(sc.scanned, end);
	}
}

/*
 * Every prefix of every block, one byte at a time and cut in two at every
 * place: the same answer as the block read whole.
 */
START_TEST(test_scan_splits)
{
	size_t	 b, len, pre, cut;
	char	 how[64];

	for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
		len = strlen(blocks[b]);
		for (pre = 0; pre <= len; pre++) {
			same_as_whole(blocks[b], pre, NULL, 0, "bytewise");
			for (cut = 0; cut <= pre; cut++) {
				snprintf(how, sizeof(how), "cut at %zu", cut);
				same_as_whole(blocks[b], pre,
				    (size_t []){ cut, pre - cut }, 2, how);
			}
		}
	}
}
END_TEST

/* Once judged, the answer stays and no more bytes are taken. */
START_TEST(test_scan_sticky)
{
	struct response_scan	 sc;
	size_t			 used;

	response_scan_init(&sc);
	ck_assert_int_eq(response_scan(&sc, "Location: /\n\nbody", 17, &used),
	    RESPONSE_OK);
	ck_assert_uint_eq(used, 13);
	ck_assert_int_eq(response_scan(&sc, "more", 4, &used), RESPONSE_OK);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(sc.scanned, 13);
	ck_assert_uint_eq(sc.end, 13);

	response_scan_init(&sc);
	ck_assert_int_eq(response_scan(&sc, "<ht", 3, &used), RESPONSE_BAD);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(response_scan(&sc, "X: y\n\n", 6, &used),
	    RESPONSE_BAD);
	ck_assert_uint_eq(used, 0);
}
END_TEST

/* A header block of about len bytes: many lines, one of them long. */
static char *
big_block(size_t len)
{
	static const char	 head[] =
	    "Content-Type: text/plain\r\nX-Long: ";
	char			*s;
	size_t			 i, n;

	s = malloc(len + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	for (i = 0; i < len / 2; i++)
		s[n++] = 'v';
	for (i = 4000; i < n; i += 4000)
		memcpy(s + i, "\r\nX-L: ", 7);	/* lines under 8 KiB */
	while (n + 8 < len) {
		memcpy(s + n, "\r\nX: y", 6);
		n += 6;
	}
	memcpy(s + n, "\r\n\r\n", 4);
	n += 4;
	s[n] = '\0';
	return s;
}

/*
 * A 60 KiB block trickled one byte per read: each byte is looked at once,
 * not once per read after it (which would be some 1.8 billion).
 */
START_TEST(test_feed_linear)
{
	struct response	 resp;
	struct evbuffer	*in;
	const char	*why = NULL;
	char		*s;
	size_t		 len, i;
	int		 rc = RESPONSE_INCOMPLETE;

	s = big_block(60 * 1024);
	len = strlen(s);
	ck_assert_int_eq(response_init(&resp), 0);
	ck_assert_ptr_nonnull(in = evbuffer_new());
	for (i = 0; i < len && rc == RESPONSE_INCOMPLETE; i++) {
		evbuffer_add(in, s + i, 1);
		rc = response_feed(&resp, in, &why);
		ck_assert_uint_eq(evbuffer_get_length(in), 0);
	}
	ck_assert_msg(rc == RESPONSE_OK, "rc %d: %s", rc, why);
	ck_assert_uint_eq(i, len);
	ck_assert_uint_lt(resp.scan.scanned, 2 * len);
	ck_assert_uint_eq(resp.scan.scanned, len);
	ck_assert_int_eq(resp.done, 1);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_uint_eq(evbuffer_get_length(resp.hdr), len);
	ck_assert_int_eq(memcmp(evbuffer_pullup(resp.hdr, -1), s, len), 0);
	evbuffer_free(in);
	response_free(&resp);
	free(s);
}
END_TEST

/* Feed s in pieces of n bytes; what resp->hdr then holds is in *out. */
static int
feed(struct response *resp, const char *s, size_t len, size_t n,
    const char **why, char **out, size_t *outlen)
{
	struct evbuffer	*in;
	size_t		 off;
	int		 rc = RESPONSE_INCOMPLETE;

	ck_assert_int_eq(response_init(resp), 0);
	ck_assert_ptr_nonnull(in = evbuffer_new());
	*why = NULL;
	for (off = 0; off < len && rc == RESPONSE_INCOMPLETE; off += n) {
		evbuffer_add(in, s + off, n < len - off ? n : len - off);
		rc = response_feed(resp, in, why);
	}
	evbuffer_free(in);
	*outlen = evbuffer_get_length(resp->hdr);
	*out = malloc(*outlen + 1);
	ck_assert_ptr_nonnull(*out);
	evbuffer_copyout(resp->hdr, *out, *outlen);
	(*out)[*outlen] = '\0';
	return rc;
}

/*
 * An NPH status line of any length becomes a whole "Status:" header with
 * its CRLF, and the next header follows intact.  245 and 246 characters
 * after "HTTP/1.1 " were the edge of a 256-byte line buffer.
 */
START_TEST(test_feed_nph_long)
{
	static const size_t	 lens[] = { 5, 200, 244, 245, 246, 247,
	    300, 1000, HEADER_LINE_MAX - 9 };
	static const size_t	 pieces[] = { 1, 7, 100000 };
	static const char	 rest[] = "\r\nX-Next: intact\r\n"
	    "Content-Type: text/plain\r\n\r\n";
	struct response		 resp;
	const char		*why;
	char			*in, *want, *out;
	size_t			 l, p, n, outlen;
	int			 rc;

	for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		n = lens[l];
		in = malloc(9 + n + sizeof(rest));
		want = malloc(8 + n + sizeof(rest));
		ck_assert_ptr_nonnull(in);
		ck_assert_ptr_nonnull(want);
		memcpy(in, "HTTP/1.1 299 ", 13);
		memset(in + 13, 'r', n - 4);
		memcpy(in + 9 + n, rest, sizeof(rest));
		memcpy(want, "Status: ", 8);
		memcpy(want + 8, in + 9, n);
		memcpy(want + 8 + n, rest, sizeof(rest));
		for (p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
			rc = feed(&resp, in, strlen(in), pieces[p], &why,
			    &out, &outlen);
			ck_assert_msg(rc == RESPONSE_OK, "%zu: rc %d (%s)", n,
			    rc, why);
			ck_assert_int_eq(resp.status, 299);
			ck_assert_msg(outlen == strlen(want) &&
			    strcmp(out, want) == 0, "status text of %zu, "
			    "pieces of %zu: got \"%.40s...%s\"", n, pieces[p],
			    out, outlen > 60 ? out + outlen - 60 : out);
			free(out);
			response_free(&resp);
		}
		free(in);
		free(want);
	}

	/* Spaces after the status go; it has no reason phrase then. */
	rc = feed(&resp, "HTTP/1.1 299 \r\n\r\n", 17, 1, &why, &out, &outlen);
	ck_assert_int_eq(rc, RESPONSE_OK);
	ck_assert_str_eq(out, "Status: 299\r\n\r\n");
	free(out);
	response_free(&resp);

	/* Bare LFs: the Status line gets a CRLF, the rest is unchanged. */
	rc = feed(&resp, "HTTP/1.0 200 OK\n\nx", 18, 18, &why, &out, &outlen);
	ck_assert_int_eq(rc, RESPONSE_OK);
	ck_assert_str_eq(out, "Status: 200 OK\r\n\nx");
	free(out);
	response_free(&resp);
}
END_TEST

/*
 * The block may fill 64 KiB exactly (in lines of 4000 bytes); one byte
 * more and it is refused.
 */
START_TEST(test_feed_limit)
{
	struct response	 resp;
	const char	*why;
	char		*s, *out;
	size_t		 len, outlen, i;

	s = malloc(HEADER_MAX + 2);
	ck_assert_ptr_nonnull(s);
	memcpy(s, "Content-Type: x\r\nX: ", 20);
	memset(s + 20, 'a', HEADER_MAX - 24);
	for (i = 4000; i + 5 < HEADER_MAX - 4; i += 4000)
		memcpy(s + i, "\r\nX: ", 5);
	memcpy(s + HEADER_MAX - 4, "\r\n\r\n", 5);
	len = strlen(s);
	ck_assert_uint_eq(len, HEADER_MAX);
	ck_assert_int_eq(feed(&resp, s, len, 4096, &why, &out, &outlen),
	    RESPONSE_OK);
	ck_assert_uint_eq(resp.scan.end, HEADER_MAX);
	free(out);
	response_free(&resp);

	/* Not ended by 64 KiB: refused, whatever else came in that read. */
	memcpy(s + HEADER_MAX - 4, "a\r\n\r\n", 6);
	ck_assert_int_eq(feed(&resp, s, len + 1, 100000, &why, &out, &outlen),
	    RESPONSE_BAD);
	ck_assert_str_eq(why, "printed a header block larger than 64 KiB");
	free(out);
	response_free(&resp);
	ck_assert_int_eq(feed(&resp, s, len + 1, 1, &why, &out, &outlen),
	    RESPONSE_BAD);
	ck_assert_str_eq(why, "printed a header block larger than 64 KiB");
	ck_assert_uint_eq(outlen, HEADER_MAX);
	free(out);
	response_free(&resp);

	/* Just under the limit it waits for more. */
	ck_assert_int_eq(feed(&resp, s, HEADER_MAX - 1, 1000, &why, &out,
	    &outlen), RESPONSE_INCOMPLETE);
	free(out);
	response_free(&resp);
	free(s);
}
END_TEST

/* A refused block: its first 64 bytes, up to a NUL, for the log line. */
START_TEST(test_feed_reject)
{
	struct response	 resp;
	const char	*why;
	char		 show[65], *out, long_body[200];
	size_t		 outlen;

	ck_assert_int_eq(feed(&resp, "<html>\n<body>", 13, 3, &why, &out,
	    &outlen), RESPONSE_BAD);
	ck_assert_str_eq(why, "printed an invalid header block");
	free(out);
	response_reject(&resp, show, sizeof(show));
	ck_assert_str_eq(show, "<ht");
	ck_assert_int_eq(resp.bad, 1);
	ck_assert_uint_eq(evbuffer_get_length(resp.hdr), 0);
	response_free(&resp);

	ck_assert_int_eq(feed(&resp, "\x1f\x8b\x08\x00\x01", 5, 5, &why, &out,
	    &outlen), RESPONSE_BAD);
	free(out);
	response_reject(&resp, show, sizeof(show));
	ck_assert_str_eq(show, "\x1f\x8b\x08");
	response_free(&resp);

	memset(long_body, 'z', sizeof(long_body));
	long_body[0] = '{';
	ck_assert_int_eq(feed(&resp, long_body, sizeof(long_body), 200, &why,
	    &out, &outlen), RESPONSE_BAD);
	free(out);
	response_reject(&resp, show, sizeof(show));
	ck_assert_uint_eq(strlen(show), 64);
	response_free(&resp);
}
END_TEST

/* The block fed in pieces of n bytes with these options; 0: whole. */
static int
rewrite(struct response *resp, const char *s, int authorizer, int redirect,
    const char *docroot, size_t n, const char **why, char **out)
{
	struct evbuffer	*in;
	size_t		 len = strlen(s), off, outlen;
	int		 rc = RESPONSE_INCOMPLETE;

	ck_assert_int_eq(response_init(resp), 0);
	resp->authorizer = resp->scan.authorizer = authorizer;
	resp->redirect = redirect;
	resp->docroot = docroot;
	if (n == 0)
		n = len;
	ck_assert_ptr_nonnull(in = evbuffer_new());
	*why = NULL;
	for (off = 0; off < len && rc == RESPONSE_INCOMPLETE; off += n) {
		evbuffer_add(in, s + off, n < len - off ? n : len - off);
		rc = response_feed(resp, in, why);
	}
	/* What request.c sends after the block, unless it drops it. */
	if (rc == RESPONSE_OK && off < len && !resp->drop)
		evbuffer_add(resp->hdr, s + off, len - off);
	evbuffer_free(in);
	outlen = evbuffer_get_length(resp->hdr);
	ck_assert_ptr_nonnull(*out = malloc(outlen + 1));
	evbuffer_copyout(resp->hdr, *out, outlen);
	(*out)[outlen] = '\0';
	return rc;
}

/* rewrite() must give want (and status), fed whole and a byte at a time. */
static void
rewrite_ok(const char *s, int authorizer, int redirect, const char *docroot,
    const char *want, int status)
{
	struct response	 resp;
	const char	*why;
	char		*out;
	size_t		 n;

	for (n = 0; n < 2; n++) {
		ck_assert_msg(rewrite(&resp, s, authorizer, redirect, docroot,
		    n, &why, &out) == RESPONSE_OK, "%s: %s", s, why);
		ck_assert_str_eq(out, want);
		ck_assert_int_eq(resp.status, status);
		free(out);
		response_free(&resp);
	}
}

static void
rewrite_bad(const char *s, const char *want_why)
{
	struct response	 resp;
	const char	*why;
	char		*out;

	ck_assert_int_eq(rewrite(&resp, s, 0, REDIRECT_PASS, NULL, 0, &why,
	    &out), RESPONSE_BAD);
	ck_assert_str_eq(why, want_why);
	free(out);
	response_free(&resp);
}

/* Status lines as Apache's mod_cgi reads them (util_script.c). */
START_TEST(test_rewrite_status)
{
	/* Spaces before and after, tabs, none after the colon. */
	rewrite_ok("Status:404 Not Found\r\n\r\nx", 0, 0, NULL,
	    "Status: 404 Not Found\r\n\r\nx", 404);
	rewrite_ok("Status: \t 404   Gone away  \t\r\n\r\n", 0, 0, NULL,
	    "Status: 404 Gone away\r\n\r\n", 404);
	/* No reason phrase: the standard one. */
	rewrite_ok("Status: 404\r\nContent-Type: text/plain\n\n", 0, 0, NULL,
	    "Status: 404 Not Found\r\nContent-Type: text/plain\n\n", 404);
	rewrite_ok("status: 201 \r\n\r\n", 0, 0, NULL,
	    "Status: 201 Created\r\n\r\n", 201);
	/* A code with no standard phrase keeps none. */
	rewrite_ok("Status: 299\r\n\r\n", 0, 0, NULL, "Status: 299\r\n\r\n",
	    299);
	/* Digits then text: the digits are the status, as atoi(). */
	rewrite_ok("Status: 200OK\r\n\r\n", 0, 0, NULL,
	    "Status: 200 OK\r\n\r\n", 200);
	/* No number, or none that is a status: refused (mod_cgi: 500). */
	rewrite_bad("Status: OK\r\n\r\n", "printed an invalid Status line");
	rewrite_bad("Status:\r\nContent-Type: x\r\n\r\n",
	    "printed an invalid Status line");
	rewrite_bad("Status: 99 Low\r\n\r\n", "printed an invalid Status line");
	rewrite_bad("Status: 600 High\r\n\r\n",
	    "printed an invalid Status line");
	rewrite_bad("Status: 2000000000000\r\n\r\n",
	    "printed an invalid Status line");
	rewrite_bad("HTTP/1.1 999 Odd\r\n\r\n", "printed an invalid Status line");
	/* Any other line goes on byte for byte. */
	rewrite_ok("Content-Type:text/plain  \r\nX-A:  b \n\r\nbody", 0, 0,
	    NULL, "Content-Type:text/plain  \r\nX-A:  b \n\r\nbody", 200);
}
END_TEST

/* Of duplicate single-valued fields the last is kept, as mod_cgi does. */
START_TEST(test_rewrite_dup)
{
	struct response	 resp;
	const char	*why;
	char		*out;

	rewrite_ok("Status: 200 OK\r\nContent-Type: a/b\r\nStatus: 404\r\n"
	    "Content-Type: c/d\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
	    "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nab", 0, 0, NULL,
	    "Status: 404 Not Found\r\nContent-Type: c/d\r\nContent-Length: 2"
	    "\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nab", 404);
	ck_assert_int_eq(rewrite(&resp, "Location: /a\r\nLOCATION: http://x/"
	    "\r\n\r\n", 0, 0, NULL, 0, &why, &out), RESPONSE_OK);
	ck_assert_str_eq(out, "LOCATION: http://x/\r\n\r\n");
	ck_assert_int_eq(resp.ndup, 1);
	ck_assert_int_eq(resp.status, 302);
	free(out);
	response_free(&resp);
	/* An NPH line is a Status line: a later Status says more. */
	rewrite_ok("HTTP/1.0 200 OK\r\nStatus: 403\r\n\r\n", 0, 0, NULL,
	    "Status: 403 Forbidden\r\n\r\n", 403);
}
END_TEST

/* A line past 8 KiB is refused, as Apache refuses it; 8 KiB is fine. */
START_TEST(test_rewrite_long_line)
{
	struct response	 resp;
	const char	*why;
	char		*s, *out;
	size_t		 n;

	for (n = HEADER_LINE_MAX - 1; n <= HEADER_LINE_MAX + 100; n += 101) {
		ck_assert_ptr_nonnull(s = malloc(n + 32));
		memcpy(s, "X-Long: ", 8);
		memset(s + 8, 'a', n - 8);
		strcpy(s + n, "\r\nContent-Type: x\r\n\r\n");
		ck_assert_int_eq(rewrite(&resp, s, 0, 0, NULL, 1000, &why,
		    &out), n < HEADER_LINE_MAX ? RESPONSE_OK : RESPONSE_BAD);
		if (n >= HEADER_LINE_MAX)
			ck_assert_str_eq(why, "printed a header line longer "
			    "than 8192 bytes");
		free(out);
		free(s);
		response_free(&resp);
	}
}
END_TEST

/*
 * AUTHORIZER: a block of Variable- headers alone is one; a 200 sends the
 * Status and Variable- headers only, and no body; any other status goes
 * on whole.
 */
START_TEST(test_rewrite_authorizer)
{
	struct response	 resp;
	const char	*why;
	char		*out;

	rewrite_ok("Variable-USER: alice\r\n\r\nignored", 1, 0, NULL,
	    "Status: 200 OK\r\nVariable-USER: alice\r\n\r\n", 200);
	rewrite_ok("Status: 200\nContent-Type: text/plain\nX-A: 1\n"
	    "variable-Auth_Method: db lookup\n\nbody", 1, 0, NULL,
	    "Status: 200 OK\r\nvariable-Auth_Method: db lookup\n\n", 200);
	rewrite_ok("Content-Type: text/html\r\n\r\n<p>ok</p>", 1, 0, NULL,
	    "Status: 200 OK\r\n\r\n", 200);
	rewrite_ok("Status: 403 Go away\r\nContent-Type: text/plain\r\n"
	    "Variable-USER: x\r\n\r\nno\n", 1, 0, NULL, "Status: 403 Go away"
	    "\r\nContent-Type: text/plain\r\nVariable-USER: x\r\n\r\nno\n", 403);
	ck_assert_int_eq(rewrite(&resp, "Variable-A: 1\r\n\r\nx", 1, 0, NULL,
	    0, &why, &out), RESPONSE_OK);
	ck_assert_int_eq(resp.drop, 1);
	free(out);
	response_free(&resp);
	/* A responder still needs a CGI field. */
	ck_assert_int_eq(rewrite(&resp, "Variable-A: 1\r\n\r\n", 0, 0, NULL,
	    0, &why, &out), RESPONSE_BAD);
	free(out);
	response_free(&resp);
	/* Nothing at all is no answer for an authorizer either. */
	ck_assert_int_eq(rewrite(&resp, "\r\n", 1, 0, NULL, 0, &why, &out),
	    RESPONSE_BAD);
	free(out);
	response_free(&resp);
}
END_TEST

/* --local-redirect: a bare local Location, and only that, is turned. */
START_TEST(test_rewrite_local_redirect)
{
	struct response	 resp;
	const char	*why;
	char		 dir[] = "/tmp/check_response.XXXXXX", f[64], x[64];
	char		 want[160], *out;
	FILE		*fp;

	/* pass: as it is. */
	rewrite_ok("Location: /a?b=1\r\n\r\n", 0, REDIRECT_PASS, NULL,
	    "Location: /a?b=1\r\n\r\n", 302);
	/* accel: nginx's internal redirect, query and all. */
	rewrite_ok("Location:  /a/b?c=1 \r\nX-A: 1\r\n\r\n", 0, REDIRECT_ACCEL,
	    NULL, "X-Accel-Redirect: /a/b?c=1\r\nX-A: 1\r\n\r\n", 200);
	/* With a Status, or to another site, it is a real redirect. */
	rewrite_ok("Status: 301\r\nLocation: /a\r\n\r\n", 0, REDIRECT_ACCEL,
	    NULL, "Status: 301 Moved Permanently\r\nLocation: /a\r\n\r\n", 301);
	rewrite_ok("Location: http://x/a\r\n\r\n", 0, REDIRECT_ACCEL, NULL,
	    "Location: http://x/a\r\n\r\n", 302);
	rewrite_ok("Location: //x/a\r\n\r\n", 0, REDIRECT_ACCEL, NULL,
	    "Location: //x/a\r\n\r\n", 302);

	/* sendfile: a plain, non-executable file under DOCUMENT_ROOT. */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(f, sizeof(f), "%s/a b.txt", dir);
	snprintf(x, sizeof(x), "%s/run.cgi", dir);
	ck_assert_ptr_nonnull(fp = fopen(f, "w"));
	fclose(fp);
	ck_assert_ptr_nonnull(fp = fopen(x, "w"));
	fclose(fp);
	ck_assert_int_eq(chmod(x, 0755), 0);
	snprintf(want, sizeof(want), "X-Sendfile: %s\r\n\r\n", f);
	rewrite_ok("Location: /a%20b.txt\r\n\r\n", 0, REDIRECT_SENDFILE, dir,
	    want, 200);
	/* Not a file, executable, a query, "..": Location as it was. */
	ck_assert_int_eq(rewrite(&resp, "Location: /run.cgi\r\n\r\n", 0,
	    REDIRECT_SENDFILE, dir, 0, &why, &out), RESPONSE_OK);
	ck_assert_str_eq(out, "Location: /run.cgi\r\n\r\n");
	ck_assert_str_eq(resp.note, "the file is executable");
	free(out);
	response_free(&resp);
	rewrite_ok("Location: /a%20b.txt?x\r\n\r\n", 0, REDIRECT_SENDFILE, dir,
	    "Location: /a%20b.txt?x\r\n\r\n", 302);
	rewrite_ok("Location: /x/../a%20b.txt\r\n\r\n", 0, REDIRECT_SENDFILE,
	    dir, "Location: /x/../a%20b.txt\r\n\r\n", 302);
	rewrite_ok("Location: /x/%2e%2E/a%20b.txt\r\n\r\n", 0,
	    REDIRECT_SENDFILE, dir, "Location: /x/%2e%2E/a%20b.txt\r\n\r\n",
	    302);
	rewrite_ok("Location: /\r\n\r\n", 0, REDIRECT_SENDFILE, dir,
	    "Location: /\r\n\r\n", 302);
	rewrite_ok("Location: /a%00b\r\n\r\n", 0, REDIRECT_SENDFILE, dir,
	    "Location: /a%00b\r\n\r\n", 302);
	rewrite_ok("Location: /a%20b.txt\r\n\r\n", 0, REDIRECT_SENDFILE, NULL,
	    "Location: /a%20b.txt\r\n\r\n", 302);
	unlink(f);
	unlink(x);
	rmdir(dir);
}
END_TEST

static Suite *
response_suite(void)
{
	Suite	*s = suite_create("response");
	TCase	*tc;

	tc = tcase_create("check");
	tcase_add_test(tc, test_hdr_crlf);
	tcase_add_test(tc, test_hdr_lf);
	tcase_add_test(tc, test_hdr_incomplete);
	tcase_add_test(tc, test_hdr_split_crlf);
	tcase_add_test(tc, test_hdr_no_cgi_field);
	tcase_add_test(tc, test_hdr_body_first);
	tcase_add_test(tc, test_hdr_no_colon);
	tcase_add_test(tc, test_hdr_folding);
	tcase_add_test(tc, test_hdr_nph);
	tcase_add_test(tc, test_hdr_nph_bad);
	tcase_add_test(tc, test_hdr_end_exact);
	tcase_add_test(tc, test_hdr_status);
	suite_add_tcase(s, tc);

	tc = tcase_create("incremental");
	tcase_add_test(tc, test_scan_splits);
	tcase_add_test(tc, test_scan_sticky);
	tcase_add_test(tc, test_feed_linear);
	tcase_add_test(tc, test_feed_nph_long);
	tcase_add_test(tc, test_feed_limit);
	tcase_add_test(tc, test_feed_reject);
	tcase_add_test(tc, test_rewrite_status);
	tcase_add_test(tc, test_rewrite_dup);
	tcase_add_test(tc, test_rewrite_long_line);
	tcase_add_test(tc, test_rewrite_authorizer);
	tcase_add_test(tc, test_rewrite_local_redirect);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(response_suite);
}
