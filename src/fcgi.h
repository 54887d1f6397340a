/*
 * The FastCGI 1.0 record codec: constants from the specification, pure
 * encode/decode functions and a small stateful decoder that turns arbitrary
 * chunks of a byte stream into whole records.  Nothing here does I/O, logs
 * or allocates beyond the decoder's own reassembly buffer, so it can be
 * unit-tested and fuzzed on its own.
 */
#ifndef WARMCGI_FCGI_H
#define WARMCGI_FCGI_H

#include <stddef.h>
#include <stdint.h>

/* FastCGI spec, section 8. */
#define FCGI_VERSION_1		1
#define FCGI_HEADER_LEN		8
#define FCGI_MAX_CONTENT	65535
#define FCGI_MAX_PADDING	255

#define FCGI_BEGIN_REQUEST	1
#define FCGI_ABORT_REQUEST	2
#define FCGI_END_REQUEST	3
#define FCGI_PARAMS		4
#define FCGI_STDIN		5
#define FCGI_STDOUT		6
#define FCGI_STDERR		7
#define FCGI_DATA		8
#define FCGI_GET_VALUES		9
#define FCGI_GET_VALUES_RESULT	10
#define FCGI_UNKNOWN_TYPE	11

#define FCGI_NULL_REQUEST_ID	0
#define FCGI_KEEP_CONN		1

#define FCGI_RESPONDER		1
#define FCGI_AUTHORIZER		2
#define FCGI_FILTER		3

#define FCGI_REQUEST_COMPLETE	0
#define FCGI_CANT_MPX_CONN	1
#define FCGI_OVERLOADED		2
#define FCGI_UNKNOWN_ROLE	3

#define FCGI_BEGIN_BODY_LEN	8
#define FCGI_END_BODY_LEN	8
#define FCGI_END_RECORD_LEN	(FCGI_HEADER_LEN + FCGI_END_BODY_LEN)
#define FCGI_UNKNOWN_RECORD_LEN	(FCGI_HEADER_LEN + 8)

/* Name-value lengths are 31-bit (spec 3.4). */
#define FCGI_PAIR_LEN_MAX	0x7fffffffU

/* Every decode function returns one of these. */
enum fcgi_rc {
	FCGI_NOMEM = -2,	/* the decoder could not grow its buffer */
	FCGI_MALFORMED = -1,	/* the bytes can never form a valid item */
	FCGI_OK = 0,		/* an item was decoded */
	FCGI_INCOMPLETE = 1	/* more bytes are needed */
};

struct fcgi_header {
	uint8_t		version;
	uint8_t		type;
	uint16_t	request_id;
	uint16_t	content_length;
	uint8_t		padding_length;
};

/* A whole record; content points into the caller's or decoder's memory. */
struct fcgi_record {
	struct fcgi_header	 hdr;
	const uint8_t		*content;
};

struct fcgi_decoder {
	uint8_t		 hbuf[FCGI_HEADER_LEN];
	size_t		 hgot;		/* header bytes gathered */
	struct fcgi_header hdr;
	uint8_t		*body;		/* reassembly buffer for split records */
	size_t		 bodycap;
	size_t		 bgot;		/* content+padding bytes gathered */
};

int	fcgi_header_decode(const uint8_t *, size_t, struct fcgi_header *);
void	fcgi_header_encode(uint8_t *, uint8_t, uint16_t, uint16_t, uint8_t);
int	fcgi_begin_decode(const uint8_t *, size_t, uint16_t *, uint8_t *);
void	fcgi_end_encode(uint8_t *, uint16_t, uint32_t, uint8_t);
void	fcgi_unknown_encode(uint8_t *, uint8_t);
int	fcgi_length_decode(const uint8_t *, size_t, size_t *, uint32_t *);
size_t	fcgi_length_encode(uint8_t *, uint32_t);
int	fcgi_pair_decode(const uint8_t *, size_t, size_t *,
	    const uint8_t **, uint32_t *, const uint8_t **, uint32_t *);
size_t	fcgi_pair_size(uint32_t, uint32_t);
size_t	fcgi_pair_encode(uint8_t *, const void *, uint32_t, const void *,
	    uint32_t);

void	fcgi_decoder_init(struct fcgi_decoder *);
void	fcgi_decoder_reset(struct fcgi_decoder *);
int	fcgi_decoder_feed(struct fcgi_decoder *, const uint8_t *, size_t,
	    size_t *, struct fcgi_record *);
void	fcgi_decoder_free(struct fcgi_decoder *);

#endif /* WARMCGI_FCGI_H */
