/*
 * libFuzzer harness for the pure parts: the FastCGI record decoder fed in
 * chunks whose sizes come from the input, the params walker that builds a
 * CGI environment, and the CGI header check.  Build with
 * ./configure --enable-fuzzing CC=clang.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "warmcgi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_decoder	 dec;
	struct fcgi_record	 rec;
	struct cgi_env		 env;
	const char		*why;
	size_t			 off = 1, used, chunk, end, nph;
	int			 rc;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] + 1;
	fcgi_decoder_init(&dec);
	while (off < size) {
		if (chunk > size - off)
			chunk = size - off;
		rc = fcgi_decoder_feed(&dec, data + off, chunk, &used, &rec);
		if (rc == FCGI_MALFORMED || rc == FCGI_NOMEM)
			break;
		off += used;
		if (rc != FCGI_OK)
			continue;
		if (rec.hdr.type == FCGI_PARAMS &&
		    cgi_env_build(&env, rec.content, rec.hdr.content_length,
		    NULL, &why) == 0)
			cgi_env_free(&env);
		if (rec.hdr.type == FCGI_STDOUT)
			(void)response_check((const char *)rec.content,
			    rec.hdr.content_length, &end, &nph);
	}
	fcgi_decoder_free(&dec);
	return 0;
}
