/*
 * The FastCGI record codec.  Pure: it turns bytes into headers, records and
 * name-value pairs and back, byte by byte with shifts, and never touches a
 * descriptor.  What to do with a record is decided by conn.c and request.c.
 */

#include <stdlib.h>
#include <string.h>

#include "fcgi.h"

/* Decode an 8-byte record header (spec 3.3); only version 1 exists. */
int
fcgi_header_decode(const uint8_t *p, size_t len, struct fcgi_header *h)
{
	if (len < FCGI_HEADER_LEN)
		return FCGI_INCOMPLETE;
	h->version = p[0];
	h->type = p[1];
	h->request_id = (uint16_t)(p[2] << 8 | p[3]);
	h->content_length = (uint16_t)(p[4] << 8 | p[5]);
	h->padding_length = p[6];
	if (h->version != FCGI_VERSION_1)
		return FCGI_MALFORMED;
	return FCGI_OK;
}

void
fcgi_header_encode(uint8_t *p, uint8_t type, uint16_t id, uint16_t clen,
    uint8_t pad)
{
	p[0] = FCGI_VERSION_1;
	p[1] = type;
	p[2] = id >> 8;
	p[3] = id & 0xff;
	p[4] = clen >> 8;
	p[5] = clen & 0xff;
	p[6] = pad;
	p[7] = 0;
}

/* FCGI_BeginRequestBody: role (2 bytes), flags, 5 reserved bytes. */
int
fcgi_begin_decode(const uint8_t *p, size_t len, uint16_t *role,
    uint8_t *flags)
{
	if (len < FCGI_BEGIN_BODY_LEN)
		return FCGI_MALFORMED;
	*role = (uint16_t)(p[0] << 8 | p[1]);
	*flags = p[2];
	return FCGI_OK;
}

/* A whole FCGI_END_REQUEST record: header plus 8-byte body. */
void
fcgi_end_encode(uint8_t *p, uint16_t id, uint32_t app_status,
    uint8_t proto_status)
{
	fcgi_header_encode(p, FCGI_END_REQUEST, id, FCGI_END_BODY_LEN, 0);
	p += FCGI_HEADER_LEN;
	p[0] = app_status >> 24;
	p[1] = (app_status >> 16) & 0xff;
	p[2] = (app_status >> 8) & 0xff;
	p[3] = app_status & 0xff;
	p[4] = proto_status;
	p[5] = p[6] = p[7] = 0;
}

/* A whole FCGI_UNKNOWN_TYPE record (spec 4.2). */
void
fcgi_unknown_encode(uint8_t *p, uint8_t type)
{
	fcgi_header_encode(p, FCGI_UNKNOWN_TYPE, FCGI_NULL_REQUEST_ID, 8, 0);
	memset(p + FCGI_HEADER_LEN, 0, 8);
	p[FCGI_HEADER_LEN] = type;
}

/* One name or value length: 1 byte if < 128, else 4 with the top bit set. */
int
fcgi_length_decode(const uint8_t *p, size_t len, size_t *used,
    uint32_t *out)
{
	if (len < 1)
		return FCGI_INCOMPLETE;
	if ((p[0] & 0x80) == 0) {
		*out = p[0];
		*used = 1;
		return FCGI_OK;
	}
	if (len < 4)
		return FCGI_INCOMPLETE;
	*out = (uint32_t)(p[0] & 0x7f) << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	*used = 4;
	return FCGI_OK;
}

size_t
fcgi_length_encode(uint8_t *p, uint32_t n)
{
	if (n < 128) {
		p[0] = (uint8_t)n;
		return 1;
	}
	p[0] = (uint8_t)((n >> 24) | 0x80);
	p[1] = (n >> 16) & 0xff;
	p[2] = (n >> 8) & 0xff;
	p[3] = n & 0xff;
	return 4;
}

/*
 * Decode one name-value pair from a complete params stream.  A pair that
 * runs past len is INCOMPLETE; the caller decides whether more can come.
 */
int
fcgi_pair_decode(const uint8_t *p, size_t len, size_t *used,
    const uint8_t **name, uint32_t *nlen, const uint8_t **value,
    uint32_t *vlen)
{
	size_t	 off = 0, n;
	int	 rc;

	if ((rc = fcgi_length_decode(p, len, &n, nlen)) != FCGI_OK)
		return rc;
	off += n;
	if ((rc = fcgi_length_decode(p + off, len - off, &n, vlen)) !=
	    FCGI_OK)
		return rc;
	off += n;
	if (*nlen > len - off || *vlen > len - off - *nlen)
		return FCGI_INCOMPLETE;
	*name = p + off;
	*value = p + off + *nlen;
	*used = off + *nlen + *vlen;
	return FCGI_OK;
}

size_t
fcgi_pair_size(uint32_t nlen, uint32_t vlen)
{
	return (nlen < 128 ? 1 : 4) + (vlen < 128 ? 1 : 4) +
	    (size_t)nlen + vlen;
}

/* Encode a pair into p, which must hold fcgi_pair_size() bytes. */
size_t
fcgi_pair_encode(uint8_t *p, const void *name, uint32_t nlen,
    const void *value, uint32_t vlen)
{
	size_t	 off;

	off = fcgi_length_encode(p, nlen);
	off += fcgi_length_encode(p + off, vlen);
	memcpy(p + off, name, nlen);
	off += nlen;
	memcpy(p + off, value, vlen);
	return off + vlen;
}

void
fcgi_decoder_init(struct fcgi_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

/* Forget a partly gathered record; the buffer is kept for reuse. */
void
fcgi_decoder_reset(struct fcgi_decoder *d)
{
	d->hgot = 0;
	d->bgot = 0;
}

void
fcgi_decoder_free(struct fcgi_decoder *d)
{
	free(d->body);
	fcgi_decoder_init(d);
}

/*
 * Feed bytes; *used tells how many were taken.  FCGI_OK yields one whole
 * record in rec, whose content stays valid until the next call and until
 * the caller discards the input it fed.  A record that arrives whole in one
 * chunk is returned in place; a split one is gathered in a buffer that
 * grows only to the size that record needs.
 */
int
fcgi_decoder_feed(struct fcgi_decoder *d, const uint8_t *in, size_t len,
    size_t *used, struct fcgi_record *rec)
{
	size_t	 need, take, off = 0;
	uint8_t	*nb;
	int	 rc;

	*used = 0;
	if (d->hgot == 0 && len >= FCGI_HEADER_LEN) {
		if ((rc = fcgi_header_decode(in, len, &d->hdr)) != FCGI_OK)
			return rc;
		need = FCGI_HEADER_LEN + d->hdr.content_length +
		    d->hdr.padding_length;
		if (len >= need) {
			rec->hdr = d->hdr;
			rec->content = in + FCGI_HEADER_LEN;
			*used = need;
			return FCGI_OK;
		}
	}
	if (d->hgot < FCGI_HEADER_LEN) {
		take = FCGI_HEADER_LEN - d->hgot;
		if (take > len)
			take = len;
		memcpy(d->hbuf + d->hgot, in, take);
		d->hgot += take;
		off += take;
		if (d->hgot < FCGI_HEADER_LEN) {
			*used = off;
			return FCGI_INCOMPLETE;
		}
		if ((rc = fcgi_header_decode(d->hbuf, d->hgot, &d->hdr)) !=
		    FCGI_OK) {
			*used = off;
			return rc;
		}
		d->bgot = 0;
	}
	need = (size_t)d->hdr.content_length + d->hdr.padding_length;
	if (need > d->bodycap) {
		if ((nb = realloc(d->body, need)) == NULL) {
			*used = off;
			return FCGI_NOMEM;
		}
		d->body = nb;
		d->bodycap = need;
	}
	take = need - d->bgot;
	if (take > len - off)
		take = len - off;
	if (take > 0)
		memcpy(d->body + d->bgot, in + off, take);
	d->bgot += take;
	off += take;
	*used = off;
	if (d->bgot < need)
		return FCGI_INCOMPLETE;
	rec->hdr = d->hdr;
	rec->content = d->body;
	d->hgot = 0;
	d->bgot = 0;
	return FCGI_OK;
}
