/*
 * The migration check (--check): reads a cgi-bin, runs nothing.  For each
 * file it says what a request for it would meet under the options given:
 * whether it can run at all (a directory, not executable, a #! interpreter
 * that is not there, a #! line with a CR from a Windows upload), what runs
 * it, whether it would be served warm and what keeps it cold, NPH, and
 * what -p, -r and --strict refuse.  The answers come from the functions
 * that decide for a real request (cgi.c, warm.c), never from copies.
 * --compile is the one exception to "runs nothing": perl -c and a Python
 * compile of each Perl and Python script, in a child of its own.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "warmcgi.h"

#define CHECK_COMPILE_SEC	60	/* a compile running longer is killed */
#define CHECK_OUTPUT_MAX	2048	/* bytes of a compile's output kept */

/*
 * The Python side of --compile: compile the whole file (every syntax
 * error), then look for the modules of its top-level imports, the ones a
 * warm zygote imports at start, without importing them.
 */
static const char check_py[] =
"import ast, os, sys, importlib.util\n"
"p = sys.argv[1]\n"
"try:\n"
"    src = open(p, 'rb').read()\n"
"    compile(src, p, 'exec')\n"
"    tree = ast.parse(src, p)\n"
"except SyntaxError as e:\n"
"    sys.exit('%s:%s: %s' % (p, e.lineno, e.msg))\n"
"sys.path[0] = os.path.dirname(os.path.abspath(p))\n"
"missing = []\n"
"for n in tree.body:\n"
"    if isinstance(n, ast.Import):\n"
"        names = [a.name for a in n.names]\n"
"    elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:\n"
"        names = [n.module]\n"
"    else:\n"
"        continue\n"
"    for m in names:\n"
"        top = m.split('.')[0]\n"
"        if top in missing or top in sys.modules:\n"
"            continue\n"
"        if importlib.util.find_spec(top) is None:\n"
"            missing.append(top)\n"
"if missing:\n"
"    sys.exit('%s: no module named %s' % (p, ', '.join(missing)))\n";

struct check_row {
	const char	*path;		/* as given, or DIR/NAME */
	const char	*fail;		/* a request would not run it: why */
	char		 failbuf[PATH_MAX + 128];
	const char	*refused;	/* -p, -r or --strict: 403, why */
	char		 interp[PATH_MAX]; /* what runs it; "" for a binary */
	const char	*lang;		/* "perl", "python", "binary", "" */
	const char	*warm;		/* "always", "auto", or NULL: exec */
	const char	*cold;		/* ... and why it is exec'd */
	char		 coldbuf[PATH_MAX + 32];
	int		 nph;
	int		 compiled;	/* 1 clean, -1 errors, 0 not run */
	char		 output[CHECK_OUTPUT_MAX];
};

struct check {
	struct config	*cfg;
	uid_t		 uid;		/* whom --strict checks against */
	int		 helpers;	/* the zygote helpers were found */
	int		 nfiles, nrun, nwarm, nfail, nrefused;
	int		 first;		/* JSON: no comma before this row */
};

static int	check_roots(struct config *);
static void	check_arg(struct check *, const char *);
static void	check_file(struct check *, const char *);
static void	check_script(struct check *, struct check_row *);
static void	check_warm(struct check *, struct check_row *,
		    const struct cgi_script *, const struct warm_interp *);
static void	check_compile(struct check_row *, enum warm_lang,
		    const struct warm_interp *, const char *);
static void	check_print(struct check *, const struct check_row *);
static void	check_json_str(const char *);

/* The exit status: 0 if every file would run, else 1. */
int
check_run(struct config *cfg)
{
	struct check	 ck;
	size_t		 i;

	log_init(cfg->verbose, 0, "warmcgi");
	memset(&ck, 0, sizeof(ck));
	ck.cfg = cfg;
	ck.first = 1;
	ck.uid = cfg->user != NULL ? cfg->uid : geteuid();
	if (check_roots(cfg) == -1)
		return 1;
	if (cfg->warm != WARM_OFF) {
		char	 dir[PATH_MAX];

		ck.helpers = warm_helpers_find(cfg, dir, sizeof(dir)) == 0;
	}
	if (cfg->check_json)
		printf("{\"files\": [");
	for (i = 0; i < cfg->ncheck_args; i++)
		check_arg(&ck, cfg->check_args[i]);
	if (cfg->check_json)
		printf("\n], \"summary\": {\"files\": %d, \"runnable\": %d, "
		    "\"warm\": %d, \"refused\": %d, \"failing\": %d}}\n",
		    ck.nfiles, ck.nrun, ck.nwarm, ck.nrefused, ck.nfail);
	else
		printf("%d files: %d would run (%d warm), %d refused by "
		    "-p, -r or --strict, %d would fail\n", ck.nfiles, ck.nrun,
		    ck.nwarm, ck.nrefused, ck.nfail);
	fflush(stdout);
	return ck.nfail + ck.nrefused > 0 ? 1 : 0;
}

/* -r's roots by their real paths, as the daemon resolves them at start. */
static int
check_roots(struct config *cfg)
{
	char	*real;
	size_t	 i;

	for (i = 0; i < cfg->nroots; i++) {
		if ((real = realpath(cfg->roots[i], NULL)) == NULL) {
			fprintf(stderr, "warmcgi: -r %s: %s\n", cfg->roots[i],
			    strerror(errno));
			return -1;
		}
		if (!cfg->roots_resolved) {
			cfg->roots_resolved = 1;
			memset(cfg->roots, 0, cfg->nroots * sizeof(*cfg->roots));
		}
		cfg->roots[i] = real;
	}
	return 0;
}

/* A directory: each of its entries, by name (one level: a cgi-bin). */
static void
check_arg(struct check *ck, const char *arg)
{
	struct dirent	**ents;
	struct stat	  st;
	char		  cwd[PATH_MAX], abs[PATH_MAX], p[PATH_MAX];
	int		  n, i;

	/* A request names a script by its absolute path. */
	while (strncmp(arg, "./", 2) == 0)
		arg += 2 + strspn(arg + 2, "/");
	if (arg[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL &&
	    snprintf(abs, sizeof(abs), "%s%s%s", cwd, strcmp(arg, ".") == 0 ||
	    arg[0] == '\0' ? "" : "/", strcmp(arg, ".") == 0 ? "" : arg) <
	    (int)sizeof(abs))
		arg = abs;
	if (stat(arg, &st) == -1 || !S_ISDIR(st.st_mode)) {
		check_file(ck, arg);
		return;
	}
	if ((n = scandir(arg, &ents, NULL, alphasort)) == -1) {
		fprintf(stderr, "warmcgi: --check: %s: %s\n", arg,
		    strerror(errno));
		ck->nfail++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 &&
		    strcmp(ents[i]->d_name, "..") != 0 &&
		    snprintf(p, sizeof(p), "%s%s%s", arg,
		    arg[strlen(arg) - 1] == '/' ? "" : "/", ents[i]->d_name) <
		    (int)sizeof(p))
			check_file(ck, p);
		free(ents[i]);
	}
	free(ents);
}

static void
check_file(struct check *ck, const char *path)
{
	struct check_row	*row;
	const char		*base;

	if ((row = calloc(1, sizeof(*row))) == NULL) {
		fprintf(stderr, "warmcgi: --check: out of memory\n");
		exit(1);
	}
	row->path = path;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	row->nph = strncmp(base, "nph-", 4) == 0;
	check_script(ck, row);
	ck->nfiles++;
	if (row->fail != NULL)
		ck->nfail++;
	else if (row->refused != NULL)
		ck->nrefused++;
	else {
		ck->nrun++;
		if (row->warm != NULL)
			ck->nwarm++;
	}
	check_print(ck, row);
	free(row);
}

/*
 * What a request for this file meets, in the daemon's order: the file
 * (cgi_script_find's tests), -p, -r and --strict (cgi_script_confine),
 * then what execve(2) does with it, then the warm/exec choice.
 */
static void
check_script(struct check *ck, struct check_row *row)
{
	struct cgi_script	 sc;
	struct warm_interp	 in;
	struct stat		 st;
	char			 head[4], dir[PATH_MAX], *slash;
	const char		*why, *interp;
	enum warm_lang		 lang;
	ssize_t			 n;
	int			 fd;

	if (stat(row->path, &st) == -1) {
		snprintf(row->failbuf, sizeof(row->failbuf), "%s",
		    strerror(errno));
		row->fail = row->failbuf;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		row->fail = "a directory (only the files of the directory "
		    "given are read)";
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		row->fail = "not a regular file";
		return;
	}
	if ((st.st_mode & 0111) == 0 || access(row->path, X_OK) == -1) {
		row->fail = "not executable (chmod +x)";
		return;
	}
	memset(&sc, 0, sizeof(sc));
	strlcpy(sc.path, row->path, sizeof(sc.path));
	sc.st = st;
	if (!cgi_script_allowed(ck->cfg, sc.path))
		row->refused = "-p does not name it";
	else if (cgi_script_confine(ck->cfg, &sc, ck->uid, &why) != 0)
		row->refused = why;

	if ((fd = open(sc.path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		row->fail = "it cannot be read";
		return;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n == 4 && memcmp(head, "\177ELF", 4) == 0) {
		row->lang = "binary";
		row->cold = "a binary";
		return;
	}
	if (n < 2 || head[0] != '#' || head[1] != '!') {
		row->fail = "no #! line and not a binary: execve(2) refuses "
		    "it (ENOEXEC)";
		return;
	}

	(void)warm_eligible(ck->cfg, sc.path, DEFAULT_PATH, &in);
	if (in.shebang[0] == '\0') {
		row->fail = in.why;
		return;
	}
	if (strchr(in.shebang, '\r') != NULL || strchr(in.arg, '\r') != NULL) {
		row->fail = "its #! line ends in a carriage return (saved "
		    "with Windows line ends?): the interpreter is looked up "
		    "with a CR in its name; convert it with dos2unix";
		return;
	}
	/* The kernel takes a relative interpreter from the cwd: the dir. */
	strlcpy(dir, sc.path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	if (in.shebang[0] == '/')
		strlcpy(row->interp, in.shebang, sizeof(row->interp));
	else if (snprintf(row->interp, sizeof(row->interp), "%s/%s", dir,
	    in.shebang) >= (int)sizeof(row->interp)) {
		row->fail = "its #! interpreter's path is too long";
		return;
	}
	if (access(row->interp, X_OK) == -1) {
		snprintf(row->failbuf, sizeof(row->failbuf), "its #! "
		    "interpreter %s %s", in.shebang, errno == ENOENT ?
		    "is not there" : "cannot be run");
		row->fail = row->failbuf;
		return;
	}
	if (in.env && in.path[0] == '\0' && in.why != NULL &&
	    strstr(in.why, "finds no such") != NULL) {
		snprintf(row->failbuf, sizeof(row->failbuf), "env(1) finds "
		    "no %s in %s", in.arg, DEFAULT_PATH);
		row->fail = row->failbuf;
		return;
	}
	if (in.path[0] != '\0')
		strlcpy(row->interp, in.path, sizeof(row->interp));
	interp = row->interp;
	/* The language even where --perl or a flag keeps it cold. */
	if ((lang = in.lang) == LANG_NONE) {
		char	 real[PATH_MAX];

		lang = realpath(interp, real) != NULL ? warm_lang_of(real) :
		    LANG_NONE;
		if (lang == LANG_NONE)
			lang = warm_lang_of(interp);
	}
	row->lang = lang == LANG_PERL ? "perl" : lang == LANG_PYTHON ?
	    "python" : "";
	check_warm(ck, row, &sc, &in);
	if (ck->cfg->check_compile && lang != LANG_NONE)
		check_compile(row, lang, &in, dir);
}

/* The daemon's choice, warm_launch()'s tests in its order. */
static void
check_warm(struct check *ck, struct check_row *row,
    const struct cgi_script *sc, const struct warm_interp *in)
{
	const struct config	*cfg = ck->cfg;
	size_t			 i;

	if (cfg->warm == WARM_OFF) {
		row->cold = "--warm off";
		return;
	}
	for (i = 0; i < cfg->nno_warm; i++)
		if (fnmatch(cfg->no_warm[i], sc->path, 0) == 0) {
			snprintf(row->coldbuf, sizeof(row->coldbuf),
			    "--no-warm %s", cfg->no_warm[i]);
			row->cold = row->coldbuf;
			return;
		}
	if (in->lang == LANG_NONE) {
		row->cold = in->why;
		return;
	}
	if (!ck->helpers) {
		row->cold = "no zygote helpers (install them or give "
		    "--warm-helpers)";
		return;
	}
	row->warm = cfg->warm == WARM_ALWAYS ? "always" : "auto";
}

/*
 * perl -c (which runs BEGIN blocks and use: the script's own code) or a
 * Python compile and module lookup, by the interpreter a request would
 * get, in the script's directory, with the environment a zygote starts
 * with.  Output and a non-zero exit mark the row.
 */
static void
check_compile(struct check_row *row, enum warm_lang lang,
    const struct warm_interp *in, const char *dir)
{
	char		*argv[6], *envp[] = { "PATH=" DEFAULT_PATH,
			    "GATEWAY_INTERFACE=CGI/1.1", NULL };
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 n;
	time_t		 end = time(NULL) + CHECK_COMPILE_SEC;
	int		 fds[2], i = 0, status, killed = 0, nullfd;
	pid_t		 pid;

	argv[i++] = row->interp;
	if (lang == LANG_PERL) {
		argv[i++] = "-c";
		/* perl insists on seeing -T from the #! line again here. */
		if (!in->env && in->arg[0] != '\0')
			argv[i++] = (char *)in->arg;
	} else {
		argv[i++] = "-B";
		argv[i++] = "-c";
		argv[i++] = (char *)check_py;
	}
	argv[i++] = (char *)row->path;
	argv[i] = NULL;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(row->output, sizeof(row->output), "pipe: %s",
		    strerror(errno));
		row->compiled = -1;
		return;
	}
	if ((pid = fork()) == -1) {
		snprintf(row->output, sizeof(row->output), "fork: %s",
		    strerror(errno));
		row->compiled = -1;
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		/* Its own group: a timeout kills what BEGIN started too. */
		setpgid(0, 0);
		if ((nullfd = open("/dev/null", O_RDONLY)) == -1 ||
		    dup2(nullfd, 0) == -1 || dup2(fds[1], 1) == -1 ||
		    dup2(fds[1], 2) == -1 || chdir(dir) == -1)
			_exit(127);
		execve(argv[0], argv, envp);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		int	 left = (int)(end - time(NULL));
		char	 discard[4096];

		if (left <= 0) {
			kill(-pid, SIGKILL);
			killed = 1;
			break;
		}
		if (poll(&pfd, 1, left * 1000) == -1 && errno != EINTR)
			break;
		if (pfd.revents == 0)
			continue;
		if (len + 1 < sizeof(row->output))
			n = read(fds[0], row->output + len,
			    sizeof(row->output) - 1 - len);
		else
			n = read(fds[0], discard, sizeof(discard));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + 1 < sizeof(row->output))
			len += (size_t)n;
	}
	close(fds[0]);
	row->output[len] = '\0';
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* What BEGIN left running in its group goes with it. */
	kill(-pid, SIGKILL);
	if (killed)
		snprintf(row->output, sizeof(row->output), "still compiling "
		    "after %d seconds: killed", CHECK_COMPILE_SEC);
	row->compiled = !killed && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 ? 1 : -1;
	if (row->compiled == -1) {
		snprintf(row->failbuf, sizeof(row->failbuf), "%s",
		    lang == LANG_PERL ? "perl -c fails" :
		    "it does not compile or a module is missing");
		row->fail = row->failbuf;
	}
}

static void
check_print(struct check *ck, const struct check_row *row)
{
	const char	*status;
	char		*line, *next;
	char		 out[CHECK_OUTPUT_MAX];

	status = row->fail != NULL ? "fail" : row->refused != NULL ?
	    "refused" : "ok";
	if (ck->cfg->check_json) {
		printf("%s\n{\"path\": ", ck->first ? "" : ",");
		ck->first = 0;
		check_json_str(row->path);
		printf(", \"status\": \"%s\", \"why\": ", status);
		check_json_str(row->fail != NULL ? row->fail : row->refused);
		printf(", \"interpreter\": ");
		check_json_str(row->interp[0] != '\0' ? row->interp : NULL);
		printf(", \"language\": ");
		check_json_str(row->lang != NULL && row->lang[0] != '\0' ?
		    row->lang : NULL);
		printf(", \"warm\": ");
		check_json_str(row->warm);
		printf(", \"cold\": ");
		check_json_str(row->warm == NULL && row->lang != NULL ?
		    row->cold : NULL);
		printf(", \"nph\": %s", row->nph ? "true" : "false");
		printf(", \"compile\": %s", row->compiled == 0 ? "null" :
		    row->compiled > 0 ? "\"ok\"" : "\"failed\"");
		printf(", \"output\": ");
		check_json_str(row->compiled != 0 ? row->output : NULL);
		printf("}");
		return;
	}
	printf("%-7s %s: ", status, row->path);
	if (row->fail != NULL && row->lang == NULL) {
		printf("%s\n", row->fail);
		return;
	}
	if (row->refused != NULL)
		printf("403: %s; ", row->refused);
	if (row->fail != NULL)
		printf("%s; ", row->fail);
	if (row->interp[0] != '\0')
		printf("runs %s", row->interp);
	else
		printf("runs itself");
	if (row->warm != NULL)
		printf(", %s", strcmp(row->warm, "auto") == 0 ? "warm where "
		    "measured cheaper than exec (--warm auto)" : "warm");
	else if (row->cold != NULL)
		printf(", exec'd: %s", row->cold);
	if (row->nph)
		printf(", NPH");
	if (row->compiled > 0)
		printf(", compiles");
	printf("\n");
	if (row->compiled < 0) {
		strlcpy(out, row->output, sizeof(out));
		for (line = out; line != NULL && *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			printf("        | %s\n", line);
		}
	}
}

/* A JSON string, or null; bytes that are not printable ASCII escaped. */
static void
check_json_str(const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		printf("null");
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			printf("\\n");
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}
