/*
 * Check suite for the FastCGI codec (src/fcgi.c): record headers, the
 * begin, end and unknown-type bodies, 1- and 4-byte name-value lengths,
 * pairs, and the stateful decoder fed whole streams, one byte at a time,
 * split at every position, truncated and with a wrong version mid-stream.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fcgi.h"
#include "check_main.h"

#define NREC_MAX	16

/* What a test expects of, or got from, one record. */
struct trec {
	uint8_t		 type;
	uint16_t	 id;
	uint16_t	 clen;
	uint8_t		 pad;
	uint8_t		*content;	/* clen bytes, malloc'd */
};

struct tstream {
	uint8_t		*buf;
	size_t		 len;
	struct trec	 rec[NREC_MAX];
	size_t		 nrec;
	size_t		 end[NREC_MAX];	/* past each record */
};

/* What feeding produced. */
struct tresult {
	struct trec	 rec[NREC_MAX];
	size_t		 nrec;
	int		 rc;		/* last return code */
	size_t		 pending;	/* bytes left unconsumed */
};

static void	 stream_add(struct tstream *, uint8_t, uint16_t, uint16_t,
		    uint8_t);
static void	 stream_free(struct tstream *);
static void	 result_free(struct tresult *);
static int	 feed_chunk(struct fcgi_decoder *, struct tresult *,
		    uint8_t **, size_t *, const uint8_t *, size_t);
static void	 feed_splits(const struct tstream *, size_t, const size_t *,
		    size_t, struct tresult *);
static void	 check_records(const struct tstream *, size_t,
		    const struct tresult *);
static void	 build_mixed(struct tstream *);

/* Append one record with a recognisable content and padding pattern. */
static void
stream_add(struct tstream *s, uint8_t type, uint16_t id, uint16_t clen,
    uint8_t pad)
{
	size_t		 rlen = FCGI_HEADER_LEN + (size_t)clen + pad, i;
	struct trec	*r;
	uint8_t		*p;

	ck_assert_uint_lt(s->nrec, NREC_MAX);
	s->buf = realloc(s->buf, s->len + rlen);
	ck_assert_ptr_nonnull(s->buf);
	p = s->buf + s->len;
	fcgi_header_encode(p, type, id, clen, pad);
	r = &s->rec[s->nrec];
	r->type = type;
	r->id = id;
	r->clen = clen;
	r->pad = pad;
	r->content = malloc(clen > 0 ? clen : 1);
	ck_assert_ptr_nonnull(r->content);
	for (i = 0; i < clen; i++)
		r->content[i] = (uint8_t)(i * 7 + s->nrec * 31 + 1);
	memcpy(p + FCGI_HEADER_LEN, r->content, clen);
	/* Padding is garbage the decoder must skip, not hand out. */
	memset(p + FCGI_HEADER_LEN + clen, 0xee, pad);
	s->len += rlen;
	s->end[s->nrec] = s->len;
	s->nrec++;
}

static void
stream_free(struct tstream *s)
{
	size_t	 i;

	for (i = 0; i < s->nrec; i++)
		free(s->rec[i].content);
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static void
result_free(struct tresult *res)
{
	size_t	 i;

	for (i = 0; i < res->nrec; i++)
		free(res->rec[i].content);
	memset(res, 0, sizeof(*res));
}

/*
 * Feed one chunk as a careful caller would: the bytes left unconsumed so far
 * plus the new chunk, copied to a buffer of exactly that size (so ASan sees
 * any read past it), fed until the decoder wants more or fails.  Returns 0
 * to go on, -1 after an error code.
 */
static int
feed_chunk(struct fcgi_decoder *d, struct tresult *res, uint8_t **pend,
    size_t *npend, const uint8_t *chunk, size_t len)
{
	struct fcgi_record	 rec;
	struct trec		*t;
	uint8_t			*buf;
	size_t			 off = 0, used, total = *npend + len;
	int			 rc;

	if (total == 0)
		return 0;
	if ((buf = malloc(total)) == NULL)
		ck_abort_msg("malloc");
	if (*npend > 0)
		memcpy(buf, *pend, *npend);
	memcpy(buf + *npend, chunk, len);
	free(*pend);
	*pend = NULL;
	*npend = 0;

	for (;;) {
		used = 12345;
		rc = fcgi_decoder_feed(d, buf + off, total - off, &used, &rec);
		/* Plain checks here: ck_assert costs a write per call. */
		if (used > total - off)
			ck_abort_msg("used %zu of %zu bytes", used,
			    total - off);
		off += used;
		res->rc = rc;
		if (rc != FCGI_OK)
			break;
		if (used == 0 || res->nrec >= NREC_MAX ||
		    rec.hdr.version != FCGI_VERSION_1)
			ck_abort_msg("record %zu: used %zu, version %u",
			    res->nrec, used, rec.hdr.version);
		t = &res->rec[res->nrec++];
		t->type = rec.hdr.type;
		t->id = rec.hdr.request_id;
		t->clen = rec.hdr.content_length;
		t->pad = rec.hdr.padding_length;
		if ((t->content = malloc(t->clen > 0 ? t->clen : 1)) == NULL)
			ck_abort_msg("malloc");
		if (t->clen > 0)
			memcpy(t->content, rec.content, t->clen);
		if (off == total)
			break;
	}
	if (off < total) {
		*npend = total - off;
		if ((*pend = malloc(*npend)) == NULL)
			ck_abort_msg("malloc");
		memcpy(*pend, buf + off, *npend);
	}
	free(buf);
	return (rc == FCGI_OK || rc == FCGI_INCOMPLETE) ? 0 : -1;
}

/* Feed the first len bytes of a stream cut at the given offsets. */
static void
feed_splits(const struct tstream *s, size_t len, const size_t *cuts,
    size_t ncuts, struct tresult *res)
{
	struct fcgi_decoder	 d;
	uint8_t			*pend = NULL;
	size_t			 npend = 0, from = 0, to, i;

	memset(res, 0, sizeof(*res));
	res->rc = FCGI_INCOMPLETE;
	fcgi_decoder_init(&d);
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		if (feed_chunk(&d, res, &pend, &npend, s->buf + from,
		    to - from) == -1)
			break;
		from = to;
	}
	res->pending = npend;
	free(pend);
	fcgi_decoder_free(&d);
}

/* The first n records of the stream came out, with the same content. */
static void
check_records(const struct tstream *s, size_t n, const struct tresult *res)
{
	size_t	 i;

	if (res->nrec != n)
		ck_abort_msg("%zu records, expected %zu", res->nrec, n);
	for (i = 0; i < n; i++) {
		if (res->rec[i].type != s->rec[i].type ||
		    res->rec[i].id != s->rec[i].id ||
		    res->rec[i].clen != s->rec[i].clen ||
		    res->rec[i].pad != s->rec[i].pad)
			ck_abort_msg("record %zu: type %u id %u clen %u "
			    "pad %u, expected %u %u %u %u", i, res->rec[i].type,
			    res->rec[i].id, res->rec[i].clen, res->rec[i].pad,
			    s->rec[i].type, s->rec[i].id, s->rec[i].clen,
			    s->rec[i].pad);
		if (memcmp(res->rec[i].content, s->rec[i].content,
		    s->rec[i].clen) != 0)
			ck_abort_msg("record %zu: content differs", i);
	}
}

/* Several records with padding 0, 7 and 255 and an empty one. */
static void
build_mixed(struct tstream *s)
{
	memset(s, 0, sizeof(*s));
	stream_add(s, FCGI_BEGIN_REQUEST, 1, 8, 0);
	stream_add(s, FCGI_PARAMS, 1, 37, 7);
	stream_add(s, FCGI_PARAMS, 1, 0, 0);
	stream_add(s, FCGI_STDIN, 1, 300, 255);
	stream_add(s, FCGI_STDIN, 0x1234, 1, 7);
	stream_add(s, FCGI_GET_VALUES, 0, 0, 255);
	stream_add(s, FCGI_STDIN, 1, 0, 0);
}

START_TEST(test_header_roundtrip)
{
	struct fcgi_header	 h;
	uint8_t			 b[FCGI_HEADER_LEN];

	fcgi_header_encode(b, FCGI_STDOUT, 0xabcd, 0xfedc, 0xfe);
	ck_assert_uint_eq(b[0], 1);
	ck_assert_uint_eq(b[1], FCGI_STDOUT);
	ck_assert_uint_eq(b[2], 0xab);
	ck_assert_uint_eq(b[3], 0xcd);
	ck_assert_uint_eq(b[4], 0xfe);
	ck_assert_uint_eq(b[5], 0xdc);
	ck_assert_uint_eq(b[6], 0xfe);
	ck_assert_uint_eq(b[7], 0);
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(fcgi_header_decode(b, sizeof(b), &h), FCGI_OK);
	ck_assert_uint_eq(h.version, FCGI_VERSION_1);
	ck_assert_uint_eq(h.type, FCGI_STDOUT);
	ck_assert_uint_eq(h.request_id, 0xabcd);
	ck_assert_uint_eq(h.content_length, 0xfedc);
	ck_assert_uint_eq(h.padding_length, 0xfe);

	fcgi_header_encode(b, FCGI_BEGIN_REQUEST, 1, 8, 0);
	ck_assert_int_eq(fcgi_header_decode(b, sizeof(b), &h), FCGI_OK);
	ck_assert_uint_eq(h.type, FCGI_BEGIN_REQUEST);
	ck_assert_uint_eq(h.request_id, 1);
	ck_assert_uint_eq(h.content_length, 8);
	ck_assert_uint_eq(h.padding_length, 0);
}
END_TEST

START_TEST(test_header_bad_version)
{
	struct fcgi_header	 h;
	uint8_t			 b[FCGI_HEADER_LEN];

	fcgi_header_encode(b, FCGI_STDIN, 1, 0, 0);
	b[0] = 0;
	ck_assert_int_eq(fcgi_header_decode(b, sizeof(b), &h), FCGI_MALFORMED);
	b[0] = 2;
	ck_assert_int_eq(fcgi_header_decode(b, sizeof(b), &h), FCGI_MALFORMED);
	b[0] = 0xff;
	ck_assert_int_eq(fcgi_header_decode(b, sizeof(b), &h), FCGI_MALFORMED);
}
END_TEST

START_TEST(test_header_short)
{
	struct fcgi_header	 h;
	uint8_t			 b[FCGI_HEADER_LEN];
	size_t			 n;

	fcgi_header_encode(b, FCGI_STDIN, 1, 0, 0);
	for (n = 0; n < FCGI_HEADER_LEN; n++)
		ck_assert_int_eq(fcgi_header_decode(b, n, &h),
		    FCGI_INCOMPLETE);
	/* Even a wrong version cannot be judged before 8 bytes are here. */
	b[0] = 9;
	ck_assert_int_eq(fcgi_header_decode(b, 7, &h), FCGI_INCOMPLETE);
}
END_TEST

START_TEST(test_length_1_and_4_bytes)
{
	uint8_t		 b[4];
	uint32_t	 v;
	size_t		 used;

	ck_assert_uint_eq(fcgi_length_encode(b, 0), 1);
	ck_assert_uint_eq(b[0], 0);
	used = 99;
	ck_assert_int_eq(fcgi_length_decode(b, 1, &used, &v), FCGI_OK);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(v, 0);

	ck_assert_uint_eq(fcgi_length_encode(b, 127), 1);
	ck_assert_uint_eq(b[0], 127);
	ck_assert_int_eq(fcgi_length_decode(b, 1, &used, &v), FCGI_OK);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(v, 127);

	ck_assert_uint_eq(fcgi_length_encode(b, 128), 4);
	ck_assert_uint_eq(b[0], 0x80);
	ck_assert_uint_eq(b[1], 0);
	ck_assert_uint_eq(b[2], 0);
	ck_assert_uint_eq(b[3], 128);
	ck_assert_int_eq(fcgi_length_decode(b, 4, &used, &v), FCGI_OK);
	ck_assert_uint_eq(used, 4);
	ck_assert_uint_eq(v, 128);

	ck_assert_uint_eq(fcgi_length_encode(b, 0x01020304), 4);
	ck_assert_uint_eq(b[0], 0x81);
	ck_assert_uint_eq(b[1], 2);
	ck_assert_uint_eq(b[2], 3);
	ck_assert_uint_eq(b[3], 4);
	ck_assert_int_eq(fcgi_length_decode(b, 4, &used, &v), FCGI_OK);
	ck_assert_uint_eq(v, 0x01020304);

	/* A 4-byte length with fewer than 4 bytes present. */
	ck_assert_int_eq(fcgi_length_decode(b, 0, &used, &v), FCGI_INCOMPLETE);
	ck_assert_int_eq(fcgi_length_decode(b, 1, &used, &v), FCGI_INCOMPLETE);
	ck_assert_int_eq(fcgi_length_decode(b, 3, &used, &v), FCGI_INCOMPLETE);
}
END_TEST

START_TEST(test_length_max)
{
	static const uint8_t	 max[4] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t			 b[4];
	uint32_t		 v;
	size_t			 used;

	ck_assert_int_eq(fcgi_length_decode(max, 4, &used, &v), FCGI_OK);
	ck_assert_uint_eq(used, 4);
	ck_assert_uint_eq(v, 0x7fffffffU);
	ck_assert_uint_eq(v, FCGI_PAIR_LEN_MAX);
	ck_assert_uint_eq(fcgi_length_encode(b, FCGI_PAIR_LEN_MAX), 4);
	ck_assert_mem_eq(b, max, 4);
}
END_TEST

START_TEST(test_pair_huge_claim)
{
	/* A name claiming 0x7fffffff bytes, with only a few present. */
	static const uint8_t	 p[] = { 0xff, 0xff, 0xff, 0xff, 0x01,
				    'a', 'b', 'c', 'd' };
	static const uint8_t	 q[] = { 0x03, 0xff, 0xff, 0xff, 0xff,
				    'a', 'b', 'c', 'd' };
	const uint8_t		*name, *value;
	uint32_t		 nlen, vlen;
	size_t			 used;

	ck_assert_int_eq(fcgi_pair_decode(p, sizeof(p), &used, &name, &nlen,
	    &value, &vlen), FCGI_INCOMPLETE);
	/* ... and the same for a value. */
	ck_assert_int_eq(fcgi_pair_decode(q, sizeof(q), &used, &name, &nlen,
	    &value, &vlen), FCGI_INCOMPLETE);
}
END_TEST

START_TEST(test_pair_decode_several)
{
	uint8_t		 buf[1024], big[200], *p = buf;
	const uint8_t	*name, *value;
	uint32_t	 nlen, vlen;
	size_t		 used, off, len;

	memset(big, 'v', sizeof(big));
	p += fcgi_pair_encode(p, "QUERY_STRING", 12, "", 0);
	p += fcgi_pair_encode(p, "X", 1, big, 127);
	p += fcgi_pair_encode(p, "Y", 1, big, 128);
	p += fcgi_pair_encode(p, big, 130, "short", 5);
	p += fcgi_pair_encode(p, "", 0, "", 0);
	len = (size_t)(p - buf);
	ck_assert_uint_eq(len, (1 + 1 + 12) + (1 + 1 + 1 + 127) +
	    (1 + 4 + 1 + 128) + (4 + 1 + 130 + 5) + 2);

	off = 0;
	ck_assert_int_eq(fcgi_pair_decode(buf + off, len - off, &used, &name,
	    &nlen, &value, &vlen), FCGI_OK);
	ck_assert_uint_eq(nlen, 12);
	ck_assert_uint_eq(vlen, 0);
	ck_assert_mem_eq(name, "QUERY_STRING", 12);
	ck_assert_uint_eq(used, 14);
	off += used;

	ck_assert_int_eq(fcgi_pair_decode(buf + off, len - off, &used, &name,
	    &nlen, &value, &vlen), FCGI_OK);
	ck_assert_uint_eq(nlen, 1);
	ck_assert_uint_eq(vlen, 127);
	ck_assert_mem_eq(name, "X", 1);
	ck_assert_mem_eq(value, big, 127);
	ck_assert_uint_eq(used, 130);
	off += used;

	ck_assert_int_eq(fcgi_pair_decode(buf + off, len - off, &used, &name,
	    &nlen, &value, &vlen), FCGI_OK);
	ck_assert_uint_eq(nlen, 1);
	ck_assert_uint_eq(vlen, 128);
	ck_assert_mem_eq(name, "Y", 1);
	ck_assert_mem_eq(value, big, 128);
	ck_assert_uint_eq(used, 134);
	off += used;

	ck_assert_int_eq(fcgi_pair_decode(buf + off, len - off, &used, &name,
	    &nlen, &value, &vlen), FCGI_OK);
	ck_assert_uint_eq(nlen, 130);
	ck_assert_uint_eq(vlen, 5);
	ck_assert_mem_eq(name, big, 130);
	ck_assert_mem_eq(value, "short", 5);
	ck_assert_uint_eq(used, 140);
	off += used;

	ck_assert_int_eq(fcgi_pair_decode(buf + off, len - off, &used, &name,
	    &nlen, &value, &vlen), FCGI_OK);
	ck_assert_uint_eq(nlen, 0);
	ck_assert_uint_eq(vlen, 0);
	ck_assert_uint_eq(used, 2);
	off += used;
	ck_assert_uint_eq(off, len);
}
END_TEST

START_TEST(test_pair_truncated)
{
	uint8_t		 full[512], *buf, big[300];
	const uint8_t	*name, *value;
	uint32_t	 nlen, vlen;
	size_t		 used, len, n;

	memset(big, 'z', sizeof(big));
	len = fcgi_pair_encode(full, big, 200, big, 90);
	ck_assert_uint_eq(len, fcgi_pair_size(200, 90));
	/* Every proper prefix is INCOMPLETE, never OK or a crash. */
	for (n = 0; n < len; n++) {
		buf = malloc(n > 0 ? n : 1);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, full, n);
		ck_assert_int_eq(fcgi_pair_decode(buf, n, &used, &name,
		    &nlen, &value, &vlen), FCGI_INCOMPLETE);
		free(buf);
	}
	buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, full, len);
	ck_assert_int_eq(fcgi_pair_decode(buf, len, &used, &name, &nlen,
	    &value, &vlen), FCGI_OK);
	ck_assert_uint_eq(used, len);
	free(buf);

	/* Lengths that claim one byte more than is there. */
	full[0] = 3;
	full[1] = 3;
	memcpy(full + 2, "abcdef", 6);
	ck_assert_int_eq(fcgi_pair_decode(full, 8, &used, &name, &nlen,
	    &value, &vlen), FCGI_OK);
	ck_assert_int_eq(fcgi_pair_decode(full, 7, &used, &name, &nlen,
	    &value, &vlen), FCGI_INCOMPLETE);
	full[1] = 4;
	ck_assert_int_eq(fcgi_pair_decode(full, 8, &used, &name, &nlen,
	    &value, &vlen), FCGI_INCOMPLETE);
}
END_TEST

START_TEST(test_pair_encode_size)
{
	static const uint32_t	 lens[] = { 0, 1, 127, 128, 255, 1000 };
	uint8_t			 nbuf[1000], vbuf[1000], *buf;
	const uint8_t		*name, *value;
	uint32_t		 nlen, vlen;
	size_t			 i, j, sz, used, hdr;

	for (i = 0; i < sizeof(nbuf); i++) {
		nbuf[i] = (uint8_t)i;
		vbuf[i] = (uint8_t)(255 - i);
	}
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			sz = fcgi_pair_size(lens[i], lens[j]);
			hdr = (lens[i] < 128 ? 1 : 4) + (lens[j] < 128 ? 1 : 4);
			ck_assert_uint_eq(sz, hdr + lens[i] + lens[j]);
			buf = malloc(sz > 0 ? sz : 1);
			ck_assert_ptr_nonnull(buf);
			ck_assert_uint_eq(fcgi_pair_encode(buf, nbuf, lens[i],
			    vbuf, lens[j]), sz);
			ck_assert_int_eq(fcgi_pair_decode(buf, sz, &used,
			    &name, &nlen, &value, &vlen), FCGI_OK);
			ck_assert_uint_eq(used, sz);
			ck_assert_uint_eq(nlen, lens[i]);
			ck_assert_uint_eq(vlen, lens[j]);
			ck_assert_ptr_eq(name, buf + hdr);
			ck_assert_ptr_eq(value, buf + hdr + lens[i]);
			if (nlen > 0)
				ck_assert_mem_eq(name, nbuf, nlen);
			if (vlen > 0)
				ck_assert_mem_eq(value, vbuf, vlen);
			free(buf);
		}
	}
	ck_assert_uint_eq(fcgi_pair_size(FCGI_PAIR_LEN_MAX, 0),
	    (size_t)4 + 1 + FCGI_PAIR_LEN_MAX);
}
END_TEST

START_TEST(test_begin_decode)
{
	uint8_t		 b[FCGI_BEGIN_BODY_LEN] = { 0, 1, 1, 0, 0, 0, 0,
			    0 };
	uint16_t	 role = 0;
	uint8_t		 flags = 0xff;

	ck_assert_int_eq(fcgi_begin_decode(b, sizeof(b), &role, &flags),
	    FCGI_OK);
	ck_assert_uint_eq(role, FCGI_RESPONDER);
	ck_assert_uint_eq(flags, FCGI_KEEP_CONN);

	b[0] = 0x01;
	b[1] = 0x03;
	b[2] = 0;
	ck_assert_int_eq(fcgi_begin_decode(b, sizeof(b), &role, &flags),
	    FCGI_OK);
	ck_assert_uint_eq(role, 0x0103);
	ck_assert_uint_eq(flags, 0);

	b[0] = 0;
	b[1] = FCGI_AUTHORIZER;
	ck_assert_int_eq(fcgi_begin_decode(b, sizeof(b), &role, &flags),
	    FCGI_OK);
	ck_assert_uint_eq(role, FCGI_AUTHORIZER);

	ck_assert_int_eq(fcgi_begin_decode(b, 7, &role, &flags),
	    FCGI_MALFORMED);
	ck_assert_int_eq(fcgi_begin_decode(b, 0, &role, &flags),
	    FCGI_MALFORMED);
}
END_TEST

START_TEST(test_end_encode)
{
	static const uint8_t	 want1[FCGI_END_RECORD_LEN] = {
		1, FCGI_END_REQUEST, 0x12, 0x34, 0, 8, 0, 0,
		0xde, 0xad, 0xbe, 0xef, FCGI_UNKNOWN_ROLE, 0, 0, 0
	};
	static const uint8_t	 want2[FCGI_END_RECORD_LEN] = {
		1, FCGI_END_REQUEST, 0, 1, 0, 8, 0, 0,
		0, 0, 0, 1, FCGI_REQUEST_COMPLETE, 0, 0, 0
	};
	uint8_t			 b[FCGI_END_RECORD_LEN + 1];

	ck_assert_int_eq(FCGI_END_RECORD_LEN, 16);
	memset(b, 0x55, sizeof(b));
	fcgi_end_encode(b, 0x1234, 0xdeadbeef, FCGI_UNKNOWN_ROLE);
	ck_assert_mem_eq(b, want1, sizeof(want1));
	ck_assert_uint_eq(b[FCGI_END_RECORD_LEN], 0x55);	/* no overrun */

	memset(b, 0x55, sizeof(b));
	fcgi_end_encode(b, 1, 1, FCGI_REQUEST_COMPLETE);
	ck_assert_mem_eq(b, want2, sizeof(want2));
}
END_TEST

START_TEST(test_unknown_encode)
{
	static const uint8_t	 want[FCGI_UNKNOWN_RECORD_LEN] = {
		1, FCGI_UNKNOWN_TYPE, 0, 0, 0, 8, 0, 0,
		42, 0, 0, 0, 0, 0, 0, 0
	};
	uint8_t			 b[FCGI_UNKNOWN_RECORD_LEN + 1];

	memset(b, 0x55, sizeof(b));
	fcgi_unknown_encode(b, 42);
	ck_assert_mem_eq(b, want, sizeof(want));
	ck_assert_uint_eq(b[FCGI_UNKNOWN_RECORD_LEN], 0x55);
}
END_TEST

START_TEST(test_decoder_whole)
{
	struct tstream	 s;
	struct tresult	 res;

	build_mixed(&s);
	feed_splits(&s, s.len, NULL, 0, &res);
	ck_assert_int_eq(res.rc, FCGI_OK);
	ck_assert_uint_eq(res.pending, 0);
	check_records(&s, s.nrec, &res);
	result_free(&res);
	stream_free(&s);
}
END_TEST

START_TEST(test_decoder_one_byte)
{
	struct tstream	 s;
	struct tresult	 res;
	size_t		*cuts, i;

	build_mixed(&s);
	cuts = calloc(s.len, sizeof(*cuts));
	ck_assert_ptr_nonnull(cuts);
	for (i = 0; i + 1 < s.len; i++)
		cuts[i] = i + 1;
	feed_splits(&s, s.len, cuts, s.len - 1, &res);
	ck_assert_int_eq(res.rc, FCGI_OK);
	ck_assert_uint_eq(res.pending, 0);
	check_records(&s, s.nrec, &res);
	result_free(&res);
	free(cuts);
	stream_free(&s);
}
END_TEST

START_TEST(test_decoder_every_split)
{
	struct tstream	 s;
	struct tresult	 res;
	size_t		 cut;

	build_mixed(&s);
	for (cut = 0; cut <= s.len; cut++) {
		feed_splits(&s, s.len, &cut, 1, &res);
		ck_assert_msg(res.rc == FCGI_OK, "split at %zu: rc %d", cut,
		    res.rc);
		ck_assert_uint_eq(res.pending, 0);
		check_records(&s, s.nrec, &res);
		result_free(&res);
	}
	stream_free(&s);
}
END_TEST

START_TEST(test_decoder_three_chunks)
{
	struct tstream	 s;
	struct tresult	 res;
	size_t		 cuts[2];

	/* Both cuts inside the long record and around its neighbours. */
	build_mixed(&s);
	for (cuts[0] = s.end[2] - 3; cuts[0] < s.end[4] + 3; cuts[0]++) {
		for (cuts[1] = cuts[0]; cuts[1] <= s.len; cuts[1] += 5) {
			feed_splits(&s, s.len, cuts, 2, &res);
			ck_assert_int_eq(res.rc, FCGI_OK);
			check_records(&s, s.nrec, &res);
			result_free(&res);
		}
	}
	stream_free(&s);
}
END_TEST

START_TEST(test_decoder_max_content)
{
	struct tstream	 s;
	struct tresult	 res;
	size_t		*cuts, i, cut;

	memset(&s, 0, sizeof(s));
	stream_add(&s, FCGI_STDIN, 1, FCGI_MAX_CONTENT, 0);
	stream_add(&s, FCGI_STDIN, 1, 0, 0);
	stream_add(&s, FCGI_STDOUT, 2, FCGI_MAX_CONTENT, FCGI_MAX_PADDING);
	stream_add(&s, FCGI_STDIN, 1, 0, 0);
	ck_assert_uint_eq(s.len, 4 * FCGI_HEADER_LEN + 2 * 65535 + 255);

	feed_splits(&s, s.len, NULL, 0, &res);
	ck_assert_int_eq(res.rc, FCGI_OK);
	check_records(&s, s.nrec, &res);
	result_free(&res);

	cuts = calloc(s.len, sizeof(*cuts));
	ck_assert_ptr_nonnull(cuts);
	for (i = 0; i + 1 < s.len; i++)
		cuts[i] = i + 1;
	feed_splits(&s, s.len, cuts, s.len - 1, &res);
	ck_assert_int_eq(res.rc, FCGI_OK);
	check_records(&s, s.nrec, &res);
	result_free(&res);
	free(cuts);

	for (cut = 1; cut < s.len; cut += 4099) {
		feed_splits(&s, s.len, &cut, 1, &res);
		ck_assert_int_eq(res.rc, FCGI_OK);
		check_records(&s, s.nrec, &res);
		result_free(&res);
	}
	stream_free(&s);
}
END_TEST

START_TEST(test_decoder_bad_version)
{
	struct tstream	 s;
	struct tresult	 res;
	size_t		*cuts, i, cut, bad;

	build_mixed(&s);
	bad = s.end[2];			/* record 3's version byte */
	s.buf[bad] = 2;

	feed_splits(&s, s.len, NULL, 0, &res);
	ck_assert_int_eq(res.rc, FCGI_MALFORMED);
	check_records(&s, 3, &res);
	result_free(&res);

	cuts = calloc(s.len, sizeof(*cuts));
	ck_assert_ptr_nonnull(cuts);
	for (i = 0; i + 1 < s.len; i++)
		cuts[i] = i + 1;
	feed_splits(&s, s.len, cuts, s.len - 1, &res);
	ck_assert_int_eq(res.rc, FCGI_MALFORMED);
	check_records(&s, 3, &res);
	result_free(&res);
	free(cuts);

	for (cut = 0; cut <= s.len; cut++) {
		feed_splits(&s, s.len, &cut, 1, &res);
		ck_assert_msg(res.rc == FCGI_MALFORMED, "split at %zu: rc %d",
		    cut, res.rc);
		check_records(&s, 3, &res);
		result_free(&res);
	}

	/* Version 0 in the very first record. */
	s.buf[bad] = 1;
	s.buf[0] = 0;
	feed_splits(&s, s.len, NULL, 0, &res);
	ck_assert_int_eq(res.rc, FCGI_MALFORMED);
	ck_assert_uint_eq(res.nrec, 0);
	result_free(&res);
	stream_free(&s);
}
END_TEST

START_TEST(test_decoder_truncated)
{
	struct tstream	 s;
	struct tresult	 res;
	size_t		 len, whole, cut;

	build_mixed(&s);
	/* Any prefix yields the records wholly inside it, then waits. */
	for (len = 0; len < s.len; len++) {
		for (whole = 0; whole < s.nrec && s.end[whole] <= len; whole++)
			;
		feed_splits(&s, len, NULL, 0, &res);
		ck_assert_msg(res.rc == FCGI_INCOMPLETE ||
		    (res.rc == FCGI_OK && whole > 0 && s.end[whole - 1] == len),
		    "prefix %zu: rc %d", len, res.rc);
		check_records(&s, whole, &res);
		result_free(&res);

		/* The same prefix cut in two. */
		cut = len / 2;
		feed_splits(&s, len, &cut, 1, &res);
		ck_assert_int_ne(res.rc, FCGI_MALFORMED);
		check_records(&s, whole, &res);
		result_free(&res);
	}
	/* Missing only the last padding byte: still waiting. */
	feed_splits(&s, s.end[5] - 1, NULL, 0, &res);
	ck_assert_int_eq(res.rc, FCGI_INCOMPLETE);
	check_records(&s, 5, &res);
	result_free(&res);
	stream_free(&s);
}
END_TEST

START_TEST(test_decoder_incomplete_then_rest)
{
	struct fcgi_decoder	 d;
	struct fcgi_record	 rec;
	uint8_t			 b[FCGI_HEADER_LEN + 5 + 3];
	size_t			 used;

	fcgi_header_encode(b, FCGI_STDIN, 7, 5, 3);
	memcpy(b + FCGI_HEADER_LEN, "hello", 5);
	memset(b + FCGI_HEADER_LEN + 5, 0, 3);
	fcgi_decoder_init(&d);
	/* A header alone: consumed, nothing yielded. */
	ck_assert_int_eq(fcgi_decoder_feed(&d, b, 3, &used, &rec),
	    FCGI_INCOMPLETE);
	ck_assert_uint_eq(used, 3);
	ck_assert_int_eq(fcgi_decoder_feed(&d, b + 3, 9, &used, &rec),
	    FCGI_INCOMPLETE);
	ck_assert_uint_eq(used, 9);
	ck_assert_int_eq(fcgi_decoder_feed(&d, b + 12, 3, &used, &rec),
	    FCGI_INCOMPLETE);
	ck_assert_uint_eq(used, 3);
	ck_assert_int_eq(fcgi_decoder_feed(&d, b + 15, 1, &used, &rec),
	    FCGI_OK);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(rec.hdr.request_id, 7);
	ck_assert_uint_eq(rec.hdr.content_length, 5);
	ck_assert_mem_eq(rec.content, "hello", 5);
	/* An empty feed changes nothing. */
	ck_assert_int_eq(fcgi_decoder_feed(&d, b, 0, &used, &rec),
	    FCGI_INCOMPLETE);
	ck_assert_uint_eq(used, 0);
	fcgi_decoder_free(&d);
}
END_TEST

START_TEST(test_decoder_reset)
{
	struct fcgi_decoder	 d;
	struct fcgi_record	 rec;
	struct tstream		 s;
	size_t			 used, part;

	build_mixed(&s);
	fcgi_decoder_init(&d);

	/* Half a header, then a reset: the next stream starts afresh. */
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf, 5, &used, &rec),
	    FCGI_INCOMPLETE);
	fcgi_decoder_reset(&d);
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf, s.end[0], &used, &rec),
	    FCGI_OK);
	ck_assert_uint_eq(used, s.end[0]);
	ck_assert_uint_eq(rec.hdr.type, FCGI_BEGIN_REQUEST);
	ck_assert_mem_eq(rec.content, s.rec[0].content, 8);

	/* A header and part of a body, then a reset. */
	part = s.end[3] - 100;
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf + s.end[2],
	    part - s.end[2], &used, &rec), FCGI_INCOMPLETE);
	fcgi_decoder_reset(&d);
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf + s.end[3], 3, &used,
	    &rec), FCGI_INCOMPLETE);
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf + s.end[3] + 3,
	    s.end[4] - s.end[3] - 3, &used, &rec), FCGI_OK);
	ck_assert_uint_eq(rec.hdr.request_id, 0x1234);
	ck_assert_uint_eq(rec.hdr.content_length, 1);
	ck_assert_mem_eq(rec.content, s.rec[4].content, 1);

	/* After a wrong version the decoder is usable again once reset. */
	s.buf[0] = 3;
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf, 4, &used, &rec),
	    FCGI_INCOMPLETE);
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf + 4, 4, &used, &rec),
	    FCGI_MALFORMED);
	fcgi_decoder_reset(&d);
	s.buf[0] = 1;
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf, 4, &used, &rec),
	    FCGI_INCOMPLETE);
	ck_assert_int_eq(fcgi_decoder_feed(&d, s.buf + 4, s.end[0] - 4, &used,
	    &rec), FCGI_OK);
	ck_assert_uint_eq(rec.hdr.type, FCGI_BEGIN_REQUEST);
	ck_assert_mem_eq(rec.content, s.rec[0].content, 8);

	fcgi_decoder_free(&d);
	stream_free(&s);
}
END_TEST

static Suite *
fcgi_suite(void)
{
	Suite	*s = suite_create("fcgi");
	TCase	*tc;

	tc = tcase_create("header");
	tcase_add_test(tc, test_header_roundtrip);
	tcase_add_test(tc, test_header_bad_version);
	tcase_add_test(tc, test_header_short);
	tcase_add_test(tc, test_begin_decode);
	tcase_add_test(tc, test_end_encode);
	tcase_add_test(tc, test_unknown_encode);
	suite_add_tcase(s, tc);

	tc = tcase_create("pairs");
	tcase_add_test(tc, test_length_1_and_4_bytes);
	tcase_add_test(tc, test_length_max);
	tcase_add_test(tc, test_pair_huge_claim);
	tcase_add_test(tc, test_pair_decode_several);
	tcase_add_test(tc, test_pair_truncated);
	tcase_add_test(tc, test_pair_encode_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("decoder");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_decoder_whole);
	tcase_add_test(tc, test_decoder_one_byte);
	tcase_add_test(tc, test_decoder_every_split);
	tcase_add_test(tc, test_decoder_three_chunks);
	tcase_add_test(tc, test_decoder_max_content);
	tcase_add_test(tc, test_decoder_bad_version);
	tcase_add_test(tc, test_decoder_truncated);
	tcase_add_test(tc, test_decoder_incomplete_then_rest);
	tcase_add_test(tc, test_decoder_reset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(fcgi_suite);
}
