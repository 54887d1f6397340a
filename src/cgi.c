/*
 * CGI semantics (RFC 3875) that do not touch a descriptor: the script's
 * environment built from the FastCGI params, finding the script and its
 * PATH_INFO, the interpreter a --handler gives it, argv from a query
 * string, and the reason phrases of the
 * statuses warmcgi answers with itself (the script's own header block is
 * response.c's).  Everything returns a result and a reason; the caller
 * logs.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "warmcgi.h"

static int	cgi_var_cmp(const void *, const void *);
static int	cgi_env_push(struct cgi_env *, char *);
static int	cgi_name_ok(const uint8_t *, uint32_t);
static int	cgi_name_in(const uint8_t *, uint32_t, const char *const *);
static int	cgi_digits(const uint8_t *, uint32_t);

/*
 * Names a FastCGI peer may not set: whoever can connect to the socket
 * sends the params, and these change what any program does before its
 * first line runs.  Always dropped: the dynamic loader's and the C
 * library's (glibc ignores the same ones in setuid programs), and the
 * ones that make bash run code at start.  A trailing '*' is a prefix.
 */
static const char *const cgi_env_deny[] = {
	"LD_*", "MALLOC_*", "GLIBC_TUNABLES", "GCONV_PATH", "GETCONF_DIR",
	"HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "NIS_PATH", "NLSPATH",
	"RESOLV_*", "RES_OPTIONS", "TZDIR", "BASH_ENV", "BASH_FUNC_*",
	"SHELLOPTS", "BASHOPTS", NULL
};

/*
 * --strict drops as well what interpreters read at start: module paths and
 * options an operator may mean to pass with fastcgi_param, hence not
 * always.  --pass-env still passes any name, being the operator's.
 */
static const char *const cgi_env_deny_strict[] = {
	"ENV", "IFS", "CDPATH", "PS4", "GLOBIGNORE", "PERL*", "PYTHON*",
	"RUBYOPT", "RUBYLIB", "NODE_OPTIONS", "NODE_PATH", "PHPRC",
	"PHP_INI_SCAN_DIR", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "TCLLIBPATH",
	"LUA_*", NULL
};

/*
 * "NAME=value" strings by name, a name before any longer one it starts,
 * and equal names in arrival order: the params' strings lie in the
 * arena in that order, so their addresses tell it.
 */
static int
cgi_var_cmp(const void *a, const void *b)
{
	const unsigned char	*x = *(const unsigned char *const *)a;
	const unsigned char	*y = *(const unsigned char *const *)b;
	size_t			 i;

	for (i = 0; x[i] == y[i] && x[i] != '='; i++)
		;
	if (x[i] == '=' && y[i] == '=')
		return x < y ? -1 : 1;
	if (x[i] == '=' || y[i] == '=')
		return x[i] == '=' ? -1 : 1;
	return x[i] < y[i] ? -1 : 1;
}

/* Append s; vars grows by doubling, a request's env rarely more than once. */
static int
cgi_env_push(struct cgi_env *env, char *s)
{
	char	**nv;
	size_t	  cap;

	if (env->n + 2 > env->cap) {
		cap = env->cap < 16 ? 16 : env->cap * 2;
		if ((nv = reallocarray(env->vars, cap, sizeof(*nv))) == NULL)
			return -1;
		env->vars = nv;
		env->cap = cap;
	}
	env->vars[env->n++] = s;
	env->vars[env->n] = NULL;
	return 0;
}

/* s was allocated on its own, not carved from the arena of the params. */
static int
cgi_env_owned(const struct cgi_env *env, const char *s)
{
	return (uintptr_t)s - (uintptr_t)env->arena >= env->arena_len;
}

/* name=value, or NULL: the index of the variable NAME (of length n). */
static char **
cgi_env_find(const struct cgi_env *env, const char *name, size_t n)
{
	size_t	 i;

	/* The first byte rules out nearly all before a string compare. */
	for (i = 0; i < env->n; i++)
		if (env->vars[i][0] == name[0] &&
		    strncmp(env->vars[i], name, n) == 0 &&
		    env->vars[i][n] == '=')
			return &env->vars[i];
	return NULL;
}

/* An environment name: non-empty, no '=' and no NUL. */
static int
cgi_name_ok(const uint8_t *p, uint32_t n)
{
	if (n == 0)
		return 0;
	return memchr(p, '=', n) == NULL && memchr(p, '\0', n) == NULL;
}

/* The name is one of the list, or starts with one of its prefixes. */
static int
cgi_name_in(const uint8_t *p, uint32_t n, const char *const *list)
{
	size_t	 len;

	for (; *list != NULL; list++) {
		/* Called for every param: the first byte settles most. */
		if ((*list)[0] != p[0])
			continue;
		len = strlen(*list);
		if ((*list)[len - 1] == '*') {
			if (n >= len - 1 && memcmp(p, *list, len - 1) == 0)
				return 1;
		} else if (n == len && memcmp(p, *list, len) == 0)
			return 1;
	}
	return 0;
}

static int
cgi_digits(const uint8_t *p, uint32_t n)
{
	uint32_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* A peer may set NAME in a script's environment (see cgi_env_deny). */
int
cgi_env_name_allowed(const char *name, int strict)
{
	size_t	 n = strlen(name);

	if (cgi_name_in((const uint8_t *)name, (uint32_t)n, cgi_env_deny))
		return 0;
	return !strict || !cgi_name_in((const uint8_t *)name, (uint32_t)n,
	    cgi_env_deny_strict);
}

/*
 * Build the environment from a whole FCGI_PARAMS stream.  Names that cannot
 * be environment names, HTTP_PROXY (httpoxy: it comes from a client's
 * Proxy header) and the denied names above are dropped, the latter counted
 * in env->ndropped with the first in env->dropped; a repeated name keeps
 * its last value.
 */
int
cgi_env_build(struct cgi_env *env, const uint8_t *p, size_t len,
    const struct config *cfg, const char **why)
{
	const uint8_t	*name, *value;
	uint32_t	 nlen, vlen;
	size_t		 off, used, npairs = 0, bytes = 0, i, j, nlen_i;
	const char	*val;
	char		*s;

	memset(env, 0, sizeof(*env));
	/*
	 * First count the pairs and their bytes: the strings then go into
	 * one block, in arrival order, and the variables into one array with
	 * room for what is added below and later, not one allocation each
	 * (this runs for every request).
	 */
	for (off = 0; off < len; off += used) {
		if (fcgi_pair_decode(p + off, len - off, &used, &name, &nlen,
		    &value, &vlen) != FCGI_OK) {
			*why = "a name-value pair runs past the params";
			return -1;
		}
		npairs++;
		bytes += (size_t)nlen + vlen + 2;
	}
	env->cap = npairs + (cfg != NULL ? cfg->npass_env : 0) + 8;
	if ((env->vars = reallocarray(NULL, env->cap,
	    sizeof(*env->vars))) == NULL)
		goto nomem;
	if (bytes > 0 && (env->arena = malloc(bytes)) == NULL)
		goto nomem;
	env->arena_len = bytes;
	s = env->arena;
	for (off = 0; off < len; off += used) {
		(void)fcgi_pair_decode(p + off, len - off, &used, &name, &nlen,
		    &value, &vlen);
		if (!cgi_name_ok(name, nlen) ||
		    memchr(value, '\0', vlen) != NULL)
			continue;
		if (nlen == 10 && memcmp(name, "HTTP_PROXY", 10) == 0)
			continue;
		/*
		 * RFC 3875 4.1.2: CONTENT_LENGTH is decimal digits or absent.
		 * Caddy sends -1 for a body of unknown length: that is absent.
		 */
		if (nlen == 14 && memcmp(name, "CONTENT_LENGTH", 14) == 0 &&
		    vlen > 0 && !cgi_digits(value, vlen))
			continue;
		if (cgi_name_in(name, nlen, cgi_env_deny) || (cfg != NULL &&
		    cfg->strict && cgi_name_in(name, nlen,
		    cgi_env_deny_strict))) {
			if (env->ndropped++ == 0)
				log_escape(env->dropped, sizeof(env->dropped),
				    (const char *)name, nlen);
			continue;
		}
		memcpy(s, name, nlen);
		s[nlen] = '=';
		memcpy(s + nlen + 1, value, vlen);
		s[nlen + 1 + vlen] = '\0';
		env->vars[env->n++] = s;
		s += (size_t)nlen + vlen + 2;
	}
	if (env->n > 1)
		qsort(env->vars, env->n, sizeof(*env->vars), cgi_var_cmp);
	/* Sorted by name, then arrival: the last of a name wins. */
	for (i = j = 0; i < env->n; i++) {
		nlen_i = strcspn(env->vars[i], "=");
		if (i + 1 < env->n && strncmp(env->vars[i], env->vars[i + 1],
		    nlen_i + 1) == 0)
			continue;
		env->vars[j++] = env->vars[i];
	}
	env->n = j;
	env->vars[env->n] = NULL;
	if (cgi_env_get(env, "GATEWAY_INTERFACE") == NULL &&
	    cgi_env_set(env, "GATEWAY_INTERFACE", "CGI/1.1") == -1)
		goto nomem;
	for (i = 0; cfg != NULL && i < cfg->npass_env; i++) {
		if ((val = getenv(cfg->pass_env[i])) == NULL ||
		    cgi_env_get(env, cfg->pass_env[i]) != NULL)
			continue;
		if (cgi_env_set(env, cfg->pass_env[i], val) == -1)
			goto nomem;
	}
	if (cgi_env_get(env, "PATH") == NULL &&
	    cgi_env_set(env, "PATH", DEFAULT_PATH) == -1)
		goto nomem;
	return 0;
nomem:
	*why = "out of memory";
	cgi_env_free(env);
	return -1;
}

void
cgi_env_free(struct cgi_env *env)
{
	size_t	 i;

	for (i = 0; i < env->n; i++)
		if (cgi_env_owned(env, env->vars[i]))
			free(env->vars[i]);
	free(env->vars);
	free(env->arena);
	memset(env, 0, sizeof(*env));
}

const char *
cgi_env_get(const struct cgi_env *env, const char *name)
{
	size_t	 n = strlen(name);
	char	**vp;

	if ((vp = cgi_env_find(env, name, n)) == NULL)
		return NULL;
	return *vp + n + 1;
}

/* Set or replace one variable. */
int
cgi_env_set(struct cgi_env *env, const char *name, const char *value)
{
	size_t	 n = strlen(name), vlen = strlen(value);
	char	*s, **vp;

	if ((s = malloc(n + vlen + 2)) == NULL)
		return -1;
	memcpy(s, name, n);
	s[n] = '=';
	memcpy(s + n + 1, value, vlen + 1);
	if ((vp = cgi_env_find(env, name, n)) != NULL) {
		if (cgi_env_owned(env, *vp))
			free(*vp);
		*vp = s;
		return 0;
	}
	if (cgi_env_push(env, s) == -1) {
		free(s);
		return -1;
	}
	return 0;
}

/*
 * Apache's mod_proxy_fcgi (unless "ProxyFCGIBackendType GENERIC") sends
 * SCRIPT_FILENAME as "proxy:fcgi://HOST/path", with "?QUERY" after it when
 * a ProxyPassMatch target carries the query; PHP-FPM takes the path out the
 * same way.  Returns the path, or NULL when fn has no such prefix; sets
 * *qlen to the length of a "?QUERY_STRING" suffix to drop.
 */
static const char *
cgi_proxy_path(const char *fn, const char *query, size_t *qlen)
{
	static const char	 scheme[] = "proxy:fcgi://";
	const char		*path;
	size_t			 len, ql;

	*qlen = 0;
	if (strncasecmp(fn, scheme, sizeof(scheme) - 1) != 0)
		return NULL;
	if ((path = strchr(fn + sizeof(scheme) - 1, '/')) == NULL)
		return "";
	len = strlen(path);
	if (query != NULL && *query != '\0' && (ql = strlen(query)) < len &&
	    path[len - ql - 1] == '?' && strcmp(path + len - ql, query) == 0)
		*qlen = ql + 1;
	return path;
}

/* A "." or ".." component in path: never looked up from a PATH_INFO. */
static int
cgi_has_dotdot(const char *path)
{
	const char	*p;

	for (p = path; (p = strstr(p, "/.")) != NULL; p++)
		if (p[2] == '/' || p[2] == '\0' ||
		    (p[2] == '.' && (p[3] == '/' || p[3] == '\0')))
			return 1;
	return 0;
}

/*
 * Find the script: SCRIPT_FILENAME, else DOCUMENT_ROOT + SCRIPT_NAME.  When
 * the whole path does not exist, walk back one component at a time until a
 * regular file is found; what was cut off is the PATH_INFO.  A path that
 * names a directory is looked along with PATH_INFO joined to it.  A script
 * a --handler of cfg (which may be NULL) runs need only be readable, else
 * it must be executable.  Returns 0, or the HTTP status to answer with and
 * *why.
 */
int
cgi_script_find(const struct config *cfg, const struct cgi_env *env,
    struct cgi_script *sc, const char **why)
{
	const char	*fn, *root, *name, *pp, *pi;
	struct stat	 st;
	char		*p, full[sizeof(sc->path)];
	size_t		 cut = 0, qlen, len;
	int		 n, first = 1;

	memset(sc, 0, sizeof(*sc));
	if ((fn = cgi_env_get(env, "SCRIPT_FILENAME")) != NULL && *fn != '\0') {
		if ((pp = cgi_proxy_path(fn,
		    cgi_env_get(env, "QUERY_STRING"), &qlen)) != NULL) {
			sc->rewritten = 1;
			n = snprintf(sc->path, sizeof(sc->path), "%.*s",
			    (int)(strlen(pp) - qlen), pp);
		} else
			n = snprintf(sc->path, sizeof(sc->path), "%s", fn);
	} else {
		root = cgi_env_get(env, "DOCUMENT_ROOT");
		name = cgi_env_get(env, "SCRIPT_NAME");
		if (root == NULL || name == NULL) {
			*why = "neither SCRIPT_FILENAME nor DOCUMENT_ROOT and "
			    "SCRIPT_NAME were sent";
			return 404;
		}
		n = snprintf(sc->path, sizeof(sc->path), "%s%s%s", root,
		    (*name == '/' || *root == '\0') ? "" : "/", name);
	}
	if (n < 0 || (size_t)n >= sizeof(sc->path)) {
		*why = "script path too long";
		return 404;
	}
	if (sc->path[0] != '/') {
		*why = "script path is not absolute";
		return 403;
	}
	/*
	 * A directory, no SCRIPT_NAME and a PATH_INFO: Caddy without
	 * split_path sends its root as SCRIPT_FILENAME and the whole URL path
	 * as PATH_INFO.  The script is then found along the two joined.  A
	 * server that named a script (SCRIPT_NAME) named a directory: 403.
	 */
	if (((name = cgi_env_get(env, "SCRIPT_NAME")) == NULL ||
	    *name == '\0') &&
	    (pi = cgi_env_get(env, "PATH_INFO")) != NULL && *pi == '/' &&
	    stat(sc->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (cgi_has_dotdot(pi)) {
			*why = "PATH_INFO has a .. component";
			return 403;
		}
		len = strlen(sc->path);
		while (len > 0 && sc->path[len - 1] == '/')
			sc->path[--len] = '\0';
		if (strlcat(sc->path, pi, sizeof(sc->path)) >=
		    sizeof(sc->path)) {
			*why = "script path too long";
			return 404;
		}
		sc->pi_used = strlen(pi);
	}
	strlcpy(full, sc->path, sizeof(full));
	for (;;) {
		if (stat(sc->path, &st) == 0) {
			if (S_ISREG(st.st_mode))
				break;
			*why = first ? "not a regular file" :
			    "no such file";
			strlcpy(sc->path, full, sizeof(sc->path));
			return first ? 403 : 404;
		}
		if (errno == EACCES) {
			*why = "permission denied";
			strlcpy(sc->path, full, sizeof(sc->path));
			return 403;
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			*why = "cannot stat the script";
			strlcpy(sc->path, full, sizeof(sc->path));
			return 404;
		}
		first = 0;
		if ((p = strrchr(sc->path, '/')) == NULL || p == sc->path) {
			*why = "no such file";
			strlcpy(sc->path, full, sizeof(sc->path));
			return 404;
		}
		*p = '\0';
		cut = (size_t)(p - sc->path);
	}
	if (cut > 0) {
		strlcpy(sc->path_info, full + cut, sizeof(sc->path_info));
		sc->split = 1;
	}
	if ((sc->handler = cgi_handler_find(cfg, sc->path)) != NULL) {
		if (access(sc->path, R_OK) == -1) {
			*why = "not readable (for its --handler)";
			return 403;
		}
	} else if ((st.st_mode & 0111) == 0 || access(sc->path, X_OK) == -1) {
		*why = "not executable";
		return 403;
	}
	sc->st = st;
	strlcpy(sc->dir, sc->path, sizeof(sc->dir));
	if ((p = strrchr(sc->dir, '/')) == sc->dir)
		p[1] = '\0';
	else
		*p = '\0';
	return 0;
}

/*
 * The --handler for a script: its file name ends in the extension, with
 * something before it ("x.php", not ".php"); letters compare exactly.
 */
const struct handler *
cgi_handler_find(const struct config *cfg, const char *path)
{
	const char	*base;
	size_t		 i, blen, elen;

	if (cfg == NULL || cfg->nhandlers == 0)
		return NULL;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	blen = strlen(base);
	for (i = 0; i < cfg->nhandlers; i++) {
		elen = strlen(cfg->handlers[i].ext);
		if (blen > elen && strcmp(base + blen - elen,
		    cfg->handlers[i].ext) == 0)
			return &cfg->handlers[i];
	}
	return NULL;
}

/*
 * argv for a script run by its handler: the interpreter, its words, the
 * script, and nothing after: no RFC 3875 4.4 words ever, since php-cgi
 * (and perl, python) would read them as options (CVE-2012-1823).
 */
char **
cgi_handler_argv(const struct handler *h, const char *script)
{
	char	**av;
	size_t	  i;

	if ((av = calloc(h->argc + 2, sizeof(*av))) == NULL)
		return NULL;
	for (i = 0; i < h->argc; i++)
		if ((av[i] = strdup(h->argv[i])) == NULL)
			goto fail;
	if ((av[i] = strdup(script)) == NULL)
		goto fail;
	return av;
fail:
	cgi_argv_free(av);
	return NULL;
}

/*
 * What php-cgi needs to run the script it is given: SCRIPT_FILENAME names
 * the file it opens (it ignores argv under a CGI environment), and
 * REDIRECT_STATUS tells cgi.force_redirect (on by default) that a server
 * sent the request, as Apache's Action does.  A REDIRECT_STATUS the server
 * sent stays (an ErrorDocument's); a client cannot send one (HTTP_*).
 */
int
cgi_handler_env(struct cgi_env *env, const struct cgi_script *sc)
{
	if (sc->handler == NULL || !sc->handler->php)
		return 0;
	if (cgi_env_set(env, "SCRIPT_FILENAME", sc->path) == -1)
		return -1;
	if (cgi_env_get(env, "REDIRECT_STATUS") == NULL &&
	    cgi_env_set(env, "REDIRECT_STATUS", "200") == -1)
		return -1;
	return 0;
}

/* -p: with any allowed paths given, only those exact paths may run. */
int
cgi_script_allowed(const struct config *cfg, const char *path)
{
	size_t	 i;

	if (cfg->nallowed == 0)
		return 1;
	for (i = 0; i < cfg->nallowed; i++)
		if (strcmp(cfg->allowed[i], path) == 0)
			return 1;
	return 0;
}

/* DIR's name is a prefix of path, ending at a component's end. */
static int
cgi_path_inside(const char *path, const char *dir)
{
	size_t	 n = strlen(dir);

	if (strncmp(path, dir, n) != 0)
		return 0;
	return path[n] == '/' || path[n] == '\0' || (n > 0 && dir[n - 1] == '/');
}

/*
 * -r and --strict, after cgi_script_find(): the script's real path (every
 * symlink and ".." resolved) must be inside one of the roots, themselves
 * resolved at start; with --strict the script and its directory must be
 * safe to run as uid, as suexec checks them.  The script then runs by its
 * real path, so a symlink swapped after the check is not followed.
 * Returns 0, or 403 and *why.
 */
int
cgi_script_confine(const struct config *cfg, struct cgi_script *sc,
    uid_t uid, const char **why)
{
	char		 real[sizeof(sc->path)], dir[sizeof(sc->dir)], *p;
	struct stat	 st, dst;
	size_t		 i;

	if (cfg->nroots == 0 && !cfg->strict)
		return 0;
	if (strlen(sc->path) >= PATH_MAX || realpath(sc->path, real) == NULL) {
		*why = "cannot resolve the script's path";
		return 403;
	}
	for (i = 0; i < cfg->nroots; i++)
		if (cgi_path_inside(real, cfg->roots[i]))
			break;
	if (cfg->nroots > 0 && i == cfg->nroots) {
		*why = "its real path is outside every -r root";
		return 403;
	}
	strlcpy(dir, real, sizeof(dir));
	if ((p = strrchr(dir, '/')) == dir)
		p[1] = '\0';
	else if (p != NULL)
		*p = '\0';
	if (lstat(real, &st) == -1 || !S_ISREG(st.st_mode) ||
	    lstat(dir, &dst) == -1 || !S_ISDIR(dst.st_mode)) {
		*why = "the script changed while it was checked";
		return 403;
	}
	if (cfg->strict) {
		if (st.st_uid != uid) {
			*why = "--strict: not owned by the user warmcgi runs as";
			return 403;
		}
		if (st.st_mode & (S_IWGRP | S_IWOTH)) {
			*why = "--strict: writable by group or others";
			return 403;
		}
		if (st.st_mode & (S_ISUID | S_ISGID)) {
			*why = "--strict: setuid or setgid";
			return 403;
		}
		if (dst.st_uid != uid && dst.st_uid != 0) {
			*why = "--strict: its directory is owned by another "
			    "user";
			return 403;
		}
		if (dst.st_mode & (S_IWGRP | S_IWOTH)) {
			*why = "--strict: its directory is writable by group "
			    "or others";
			return 403;
		}
	}
	strlcpy(sc->path, real, sizeof(sc->path));
	strlcpy(sc->dir, dir, sizeof(sc->dir));
	sc->st = st;
	return 0;
}

static int
cgi_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * argv for the script.  RFC 3875 4.4 (the ISINDEX query) only with
 * --isindex-argv: a query string without an unencoded '=' is split on '+'
 * into words, each URL-decoded; a word that does not decode, a word that
 * starts with '-' once decoded (an option to whatever reads argv: php-cgi's
 * CVE-2012-1823), or too many words, means no words at all.  Without it, as
 * in fcgiwrap and slowcgi, argv is the path alone.
 */
char **
cgi_argv_build(const char *path, const char *query, int isindex)
{
	char		**av;
	const char	 *p, *end;
	char		 *w;
	size_t		  n = 1, words = 0, i;
	int		  hi, lo;

	if (isindex && query != NULL && *query != '\0' &&
	    strchr(query, '=') == NULL) {
		words = 1;
		for (p = query; *p != '\0'; p++)
			if (*p == '+')
				words++;
		if (words > ARGV_MAX)
			words = 0;
	}
	if ((av = calloc(words + 2, sizeof(*av))) == NULL)
		return NULL;
	if ((av[0] = strdup(path)) == NULL)
		goto fail;
	for (p = query; words > 0 && n <= words; n++) {
		if ((end = strchr(p, '+')) == NULL)
			end = p + strlen(p);
		if ((w = malloc((size_t)(end - p) + 1)) == NULL)
			goto fail;
		av[n] = w;
		for (; p < end; p++) {
			if (*p != '%') {
				*w++ = *p;
				continue;
			}
			if (end - p < 3 || (hi = cgi_hexval(p[1])) < 0 ||
			    (lo = cgi_hexval(p[2])) < 0 || (hi == 0 && lo == 0))
				goto nowords;
			*w++ = (char)(hi << 4 | lo);
			p += 2;
		}
		*w = '\0';
		if (av[n][0] == '-')
			goto nowords;
		if (*end == '+')
			p = end + 1;
		else
			p = end;
	}
	return av;
nowords:
	for (i = 1; av[i] != NULL; i++) {
		free(av[i]);
		av[i] = NULL;
	}
	return av;
fail:
	cgi_argv_free(av);
	return NULL;
}

void
cgi_argv_free(char **av)
{
	size_t	 i;

	if (av == NULL)
		return;
	for (i = 0; av[i] != NULL; i++)
		free(av[i]);
	free(av);
}

const char *
cgi_status_reason(int status)
{
	switch (status) {
	case 400:	return "Bad Request";
	case 403:	return "Forbidden";
	case 404:	return "Not Found";
	case 413:	return "Content Too Large";
	case 500:	return "Internal Server Error";
	case 502:	return "Bad Gateway";
	case 503:	return "Service Unavailable";
	case 504:	return "Gateway Timeout";
	default:	return "Error";
	}
}
