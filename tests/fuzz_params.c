/*
 * libFuzzer harness for the params walker: the input is a whole
 * FCGI_PARAMS stream.  fcgi_pair_decode (src/fcgi.c) must keep every pair
 * inside the stream, and a pair re-encoded must decode to the same name
 * and value.  cgi_env_build (src/cgi.c) must then succeed exactly when
 * every byte formed pairs, and build an environment of NAME=value strings
 * with no name twice, none a peer may not set, GATEWAY_INTERFACE and
 * PATH present; once without a configuration, once with --strict and a
 * --pass-env name.  Built and run by `make fuzz' (see Makefile.am).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "warmcgi.h"

#define FUZZ_PASS_NAME	"WARMCGI_FUZZ_PASS"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static int	fuzz_walk(const uint8_t *, size_t);
static void	fuzz_env(const uint8_t *, size_t, const struct config *, int);

/* Walk the pairs as the daemon does: 1 if all the bytes were pairs. */
static int
fuzz_walk(const uint8_t *p, size_t len)
{
	const uint8_t	*name, *value, *n2, *v2;
	uint8_t		*enc;
	uint32_t	 nlen, vlen, nl2, vl2;
	size_t		 off = 0, used, size, u2;

	while (off < len) {
		if (fcgi_pair_decode(p + off, len - off, &used, &name, &nlen,
		    &value, &vlen) != FCGI_OK)
			return 0;
		if (used == 0 || used > len - off || name < p + off ||
		    value + vlen > p + off + used || name + nlen > value)
			abort();
		size = fcgi_pair_size(nlen, vlen);
		if (size > used || (enc = malloc(size)) == NULL)
			abort();
		if (fcgi_pair_encode(enc, name, nlen, value, vlen) != size ||
		    fcgi_pair_decode(enc, size, &u2, &n2, &nl2, &v2, &vl2) !=
		    FCGI_OK || u2 != size || nl2 != nlen || vl2 != vlen ||
		    memcmp(n2, name, nlen) != 0 || memcmp(v2, value, vlen) != 0)
			abort();
		free(enc);
		off += used;
	}
	return 1;
}

static void
fuzz_env(const uint8_t *p, size_t len, const struct config *cfg, int whole)
{
	struct cgi_env	 env;
	const char	*why = NULL, *eq;
	char		*name;
	size_t		 i, j, n;

	if (cgi_env_build(&env, p, len, cfg, &why) == -1) {
		if (whole || why == NULL)
			abort();
		return;
	}
	if (!whole || env.vars == NULL || env.vars[env.n] != NULL ||
	    cgi_env_get(&env, "GATEWAY_INTERFACE") == NULL ||
	    cgi_env_get(&env, "PATH") == NULL)
		abort();
	for (i = 0; i < env.n; i++) {
		if ((eq = strchr(env.vars[i], '=')) == NULL ||
		    eq == env.vars[i])
			abort();
		n = (size_t)(eq - env.vars[i]);
		for (j = i + 1; j < env.n; j++)
			if (strncmp(env.vars[j], env.vars[i], n + 1) == 0)
				abort();
		if ((name = strndup(env.vars[i], n)) == NULL)
			abort();
		if (strcmp(name, "HTTP_PROXY") == 0 ||
		    (strcmp(name, FUZZ_PASS_NAME) != 0 &&
		    !cgi_env_name_allowed(name, cfg != NULL && cfg->strict)))
			abort();
		free(name);
	}
	cgi_env_free(&env);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	*pass[] = { FUZZ_PASS_NAME };
	struct config	 cfg;
	int		 whole;

	setenv(FUZZ_PASS_NAME, "from the daemon", 1);
	whole = fuzz_walk(data, size);
	fuzz_env(data, size, NULL, whole);
	config_init(&cfg);
	cfg.strict = 1;
	cfg.pass_env = pass;
	cfg.npass_env = 1;
	fuzz_env(data, size, &cfg, whole);
	return 0;
}
