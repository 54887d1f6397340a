/*
 * libFuzzer harness for the FastCGI record decoder (src/fcgi.c).  The
 * first input byte sets a chunk size, the rest is a byte stream as a peer
 * would send it.  The stream is decoded twice, whole and in those chunks,
 * and both must give the same records and end the same way: a record
 * split across reads is decoded as if it had arrived at once.  Every
 * record must carry version 1 and point inside memory the decoder may
 * hand out.  Built and run by `make fuzz' (see Makefile.am).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "warmcgi.h"

#define FNV_BASIS	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static uint64_t	fuzz_hash(uint64_t, const uint8_t *, size_t);
static int	fuzz_decode(const uint8_t *, size_t, size_t, uint64_t *,
		    size_t *);

static uint64_t
fuzz_hash(uint64_t h, const uint8_t *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

/*
 * Decode the stream in chunks of at most chunk bytes: the final return
 * code, a hash of every record (header fields and content) and the
 * record count.
 */
static int
fuzz_decode(const uint8_t *p, size_t len, size_t chunk, uint64_t *h,
    size_t *nrec)
{
	struct fcgi_decoder	 dec;
	struct fcgi_record	 rec;
	uint8_t			 f[6];
	uint16_t		 role;
	uint8_t			 flags;
	size_t			 off = 0, n, used;
	int			 rc = FCGI_INCOMPLETE;

	*h = FNV_BASIS;
	*nrec = 0;
	fcgi_decoder_init(&dec);
	while (off < len) {
		n = len - off < chunk ? len - off : chunk;
		rc = fcgi_decoder_feed(&dec, p + off, n, &used, &rec);
		if (used > n)
			abort();
		if (rc == FCGI_MALFORMED || rc == FCGI_NOMEM)
			break;
		/* Either a record came out or every byte offered was taken. */
		if (rc == FCGI_INCOMPLETE && used != n)
			abort();
		off += used;
		if (rc != FCGI_OK)
			continue;
		if (rec.hdr.version != FCGI_VERSION_1)
			abort();
		f[0] = rec.hdr.type;
		f[1] = (uint8_t)(rec.hdr.request_id >> 8);
		f[2] = (uint8_t)rec.hdr.request_id;
		f[3] = (uint8_t)(rec.hdr.content_length >> 8);
		f[4] = (uint8_t)rec.hdr.content_length;
		f[5] = rec.hdr.padding_length;
		*h = fuzz_hash(*h, f, sizeof(f));
		/* The padding is read too: it must be in the same memory. */
		*h = fuzz_hash(*h, rec.content, (size_t)rec.hdr.content_length +
		    rec.hdr.padding_length);
		(*nrec)++;
		if (rec.hdr.type == FCGI_BEGIN_REQUEST &&
		    fcgi_begin_decode(rec.content, rec.hdr.content_length,
		    &role, &flags) == FCGI_OK)
			*h = fuzz_hash(*h, &flags, 1);
	}
	fcgi_decoder_free(&dec);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t	 h1, h2;
	size_t		 n1, n2;
	int		 rc1, rc2;

	if (size < 1)
		return 0;
	rc1 = fuzz_decode(data + 1, size - 1, size, &h1, &n1);
	rc2 = fuzz_decode(data + 1, size - 1, (size_t)data[0] % 16 + 1, &h2,
	    &n2);
	/* Same records, and the stream ends the same way. */
	if (n1 != n2 || h1 != h2 || rc1 != rc2)
		abort();
	return 0;
}
