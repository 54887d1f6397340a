/*
 * warmcgi: structures that cross files, limits with their units, and the
 * prototypes of every file grouped by file.  Dependencies run one way:
 * warmcgi.c -> listen -> conn -> request -> {response, spawn, cgi,
 * status} -> {fcgi, log}.
 */
#ifndef WARMCGI_H
#define WARMCGI_H

#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/resource.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fcgi.h"

struct event_base;
struct event;
struct evbuffer;
struct sockaddr;

/* Defaults; every one can be changed on the command line (warmcgi.8). */
#define DEFAULT_MAX_CHILDREN	64		/* -c: scripts at once */
#define DEFAULT_QUEUE_MAX	1024		/* requests waiting for a slot */
#define DEFAULT_MAX_CONNS	4096		/* FastCGI connections */
#define DEFAULT_SOCKET_MODE	0660
#define DEFAULT_GRACE_SEC	10		/* in-flight time at shutdown */
#define DEFAULT_PARAMS_MAX	(128 * 1024)	/* bytes of FCGI_PARAMS */
#define DEFAULT_STDIN_BUF	(256 * 1024)	/* bytes queued to a script */
#define DEFAULT_OUT_BUF		(256 * 1024)	/* bytes queued to the server */
#define DEFAULT_HOLD_MEM	(1024 * 1024)	/* output held in memory */
#define DEFAULT_SPILL_MAX	(1024LL * 1024 * 1024) /* ... then on disk */
#define DEFAULT_PATH		"/usr/local/bin:/usr/bin:/bin"
#define DEFAULT_WARM_MAX	16		/* warm interpreters */
#define DEFAULT_WARM_IDLE	600		/* seconds unused, then retired */
#define DEFAULT_WARM_MEM	(512LL * 1024 * 1024) /* RSS cap, bytes */
#define DEFAULT_PHP_MAX_REQUESTS 500		/* as PHP_FCGI_MAX_REQUESTS */
#define DEFAULT_TIMEOUT		0		/* -t: s a script may run; 0 none */
#define DEFAULT_IDLE_TIMEOUT	120		/* s a script may stay silent */
#define DEFAULT_KILL_GRACE	5		/* s from SIGTERM to SIGKILL */
#define DEFAULT_CONN_TIMEOUT	60		/* s a peer may send nothing */
#define DEFAULT_HOLD_TOTAL	(64 * 1024 * 1024) /* held in memory, all */
#define DEFAULT_SPILL_TOTAL	(4LL * 1024 * 1024 * 1024) /* ... on disk */
#ifndef WARM_HELPERS_DIR
#define WARM_HELPERS_DIR	"/usr/local/libexec/warmcgi"
#endif

#define HEADER_MAX		(64 * 1024)	/* a script's header block */
#define HEADER_LINE_MAX		8192		/* one line of it, as Apache's */
#define ARGV_MAX		256		/* RFC 3875 4.4 argv words */
#define STDERR_LINE_MAX		4096		/* logged stderr line */
#define READ_CHUNK		(64 * 1024)	/* one read from a pipe */
#define MALLOC_KEEP		(8 * 1024 * 1024) /* free heap kept, not trimmed */
#define STDOUT_BATCH		(1024 * 1024)	/* read per wake-up, at most */
#define PIPE_SIZE		(1024 * 1024)	/* stdin/stdout pipes, if allowed */
#define COALESCE_AFTER		(256 * 1024)	/* stdout bytes: a bulk stream */
#define COALESCE_USEC		1000		/* its pause between reads */
#define ACCEPT_PAUSE_SEC	1		/* listener pause on EMFILE */
#define REAP_WAIT_SEC		2		/* after the final SIGKILL */
#define WARM_PID_TIMEOUT	5		/* s for a zygote to fork */
#define EXIT_WAIT_MS		1000		/* exit awaited after EOF */
#define HANDLER_ARGS_MAX	16		/* words after a handler's path */

/*
 * The descriptor budget (listen.c): what one connection, one running
 * script and one zygote can hold open at once, and what the daemon keeps
 * for itself (listeners, the event loop, the log, a spawn's pipes in
 * flight).  --max-conns is lowered until they all fit the limit.
 */
#define FDS_PER_CONN		2	/* the socket, a spill file */
#define FDS_PER_SCRIPT		4	/* 3 pipes (warm: 2 sockets, a dup), pidfd */
#define FDS_PER_ZYGOTE		4	/* 3 pipes, a learning socket */
#define FDS_PER_PHP		2	/* a php-cgi worker's socket and log
					   pipe (php.c): -c of them, and one
					   more (a listening socket while a
					   worker starts) */
#define FDS_RESERVE		64

/* config.c: --allow-from ADDR[/PREFIX] and FCGI_WEB_SERVER_ADDRS. */
struct config_addr {
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 addr[16];	/* network byte order */
	int		 prefix;	/* bits that must match */
};

/* config.c: --rlimit NAME=VALUE, by its index in config_rlimit_names. */
enum { RL_CPU, RL_AS, RL_NOFILE, RL_NPROC, RL_CORE, RL_N };
struct config_rlimit {
	int			 set;
	unsigned long long	 value;
};

/* config.c: the command line, parsed in one place. */
#define WARM_OFF	0		/* every script exec'd */
#define WARM_AUTO	1		/* warm where measured to pay */
#define WARM_ALWAYS	2		/* warm wherever it can be */

struct config {
	char		**listen;	/* -s specs */
	size_t		  nlisten;
	int		  max_children;
	int		  queue_max;
	int		  max_conns;
	int		  stderr_to_fcgi;	/* -f */
	char		**allowed;	/* -p: only these scripts run */
	size_t		  nallowed;
	char		**pass_env;	/* --pass-env NAME */
	size_t		  npass_env;
	unsigned int	  socket_mode;
	int		  grace_sec;
	size_t		  params_max;
	size_t		  stdin_buf;
	size_t		  out_buf;
	size_t		  hold_mem;
	long long	  spill_max;
	const char	 *tmpdir;
	int		  verbose;
	int		  syslog;
	int		  warm;		/* --warm: WARM_OFF, _AUTO, _ALWAYS */
	char		**no_warm;	/* --no-warm patterns */
	size_t		  nno_warm;
	int		  warm_max;
	int		  warm_idle;
	long long	  warm_mem;
	int		  php_max_requests; /* --php-max-requests */
	const char	 *warm_helpers;	/* NULL: found at start (warm.c) */
	char		**perl;		/* --perl: allowed warm, or "any" */
	size_t		  nperl;	/* 0: any Perl */
	char		**python;	/* --python: likewise */
	size_t		  npython;
	const char	 *user;		/* -u: drop to this user */
	const char	 *group;	/* -g: ... and group */
	uid_t		  uid;		/* -u's ids, looked up by config_parse */
	gid_t		  gid;
	int		  allow_root;	/* --allow-root */
	const char	 *socket_owner;	/* --socket-owner USER[:GROUP] */
	int		  sock_chown;	/* chown unix sockets to: */
	uid_t		  sock_uid;
	gid_t		  sock_gid;
	char		**roots;	/* -r: scripts resolve inside these */
	size_t		  nroots;
	int		  roots_resolved; /* roots[] are realpath()s we own */
	int		  strict;	/* --strict */
	int		  isindex_argv;	/* --isindex-argv */
	int		  timeout;	/* -t, seconds; 0: none */
	int		  idle_timeout;	/* seconds; 0: none */
	int		  kill_grace;	/* seconds from SIGTERM to SIGKILL */
	int		  conn_timeout;	/* seconds; 0: none */
	const char	 *pidfile;	/* --pidfile */
	struct config_addr *allow_from;	/* --allow-from, FCGI_WEB_SERVER_ADDRS */
	size_t		  nallow_from;
	struct config_rlimit rlimit[RL_N]; /* --rlimit, for scripts */
	int		  nice_set;	/* --nice */
	int		  nice;
	size_t		  hold_total;	/* --hold-memory-total */
	long long	  spill_total;	/* --spill-total */
	struct handler	 *handlers;	/* --handler */
	size_t		  nhandlers;
	long long	  buffer_body;	/* --buffer-body: bytes; 0: stream */
	const char	 *status_path;	/* --status-path, or NULL */
	const char	 *ping_path;	/* --ping-path, or NULL */
	char		**status_allow;	/* --status-allow REMOTE_ADDR prefixes */
	size_t		  nstatus_allow;
	const char	 *access_log;	/* FILE, "syslog", "-", or NULL */
	int		  access_log_json; /* --access-log-format json */
	int		  slow_log;	/* --slow-log seconds; 0: none */
	int		  check;	/* --check: check.c, then exit */
	int		  check_compile; /* --compile */
	int		  check_json;	/* --json */
	char		**check_args;	/* its DIR|SCRIPT arguments */
	size_t		  ncheck_args;
	const char	 *authorizer;	/* --authorizer: the AUTHORIZER script */
	int		  local_redirect; /* --local-redirect: REDIRECT_* */
};

/*
 * --handler .EXT=INTERPRETER [ARGS]: a script whose name ends in EXT runs
 * as "INTERPRETER ARGS script", executable or not.
 */
struct handler {
	char		 *ext;		/* ".php", its dot included */
	char		**argv;		/* the interpreter, then its words */
	size_t		  argc;
	int		  php;		/* php-cgi: REDIRECT_STATUS, no words */
};

/* --local-redirect: what a bare "Location: /path" becomes (response.c). */
#define REDIRECT_PASS		0	/* itself: the server decides */
#define REDIRECT_ACCEL		1	/* X-Accel-Redirect: /path (nginx) */
#define REDIRECT_SENDFILE	2	/* X-Sendfile: DOCUMENT_ROOT/path */

enum config_rc { CONFIG_OK, CONFIG_EXIT, CONFIG_ERROR };

void	config_init(struct config *);
int	config_parse(struct config *, int, char **);
void	config_free(struct config *);
void	config_usage(int);
int	config_addr_parse(const char *, struct config_addr *);
int	config_addr_match(const struct config_addr *, size_t,
	    const struct sockaddr *);
int	config_env(struct config *);
extern const char *const config_rlimit_names[RL_N];

/* check.c: the migration check (--check): reads a cgi-bin, runs nothing. */
int	check_run(struct config *);

/* buf.c */
ssize_t	buf_read_fd(struct evbuffer *, int, size_t);

/* log.c */
void	log_init(int, int, const char *);
size_t	log_escape(char *, size_t, const char *, size_t);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* status.c: counters, the status page and ping. */
struct stats {
	time_t		start_time;		/* wall clock, for the page */
	struct timespec	start_mono;		/* for the uptime */
	uint64_t	conns_total;
	uint64_t	requests_total;
	uint64_t	requests_by_class[6];	/* 0 unknown, 1xx .. 5xx */
	uint64_t	spawned_total;
	uint64_t	spawn_failures;
	uint64_t	rejected_busy;		/* 503 past the queue */
	uint64_t	malformed_conns;
	uint64_t	aborted;		/* client or server went away */
	uint64_t	bytes_in;		/* FCGI_STDIN to scripts */
	uint64_t	bytes_out;		/* FCGI_STDOUT to servers */
	uint64_t	spilled_bytes;
	uint64_t	queued_max;		/* most waiting at once */
	uint64_t	slots_full;		/* a request found -c reached */
	uint64_t	timeouts;		/* -t or --idle-timeout passed */
	uint64_t	kills;			/* scripts we terminated */
	uint64_t	warm_fallbacks;		/* warm starts run by exec */
	uint64_t	slow;			/* past --slow-log */
};

struct cgi_env;
struct server;

void	status_init(struct stats *);
void	status_count_response(struct stats *, int);
long long status_now_ms(void);
int	status_answer(struct server *, const struct cgi_env *,
	    struct evbuffer *);
void	status_json_string(struct evbuffer *, const char *);

/* spawn.c: starting, tracking, killing and reaping child processes. */
struct child;
typedef void (*child_exit_cb)(struct child *, int, void *);

struct spawn_term;

struct child {
	RB_ENTRY(child)	 entry;
	pid_t		 pid;		/* also its process group */
	int		 pidfd;		/* a zygote's child: signalled by it */
	struct spawn_term *term;	/* being terminated (spawn_terminate) */
	struct server	*srv;
	child_exit_cb	 exit_cb;	/* NULL once its owner has gone */
	int		 slot;		/* counts against -c */
	uint64_t	 via;		/* the zygote that reports its exit */
	void		*arg;
	const struct rusage *usage;	/* in exit_cb, if we reaped it */
};
RB_HEAD(child_tree, child);
int	child_cmp(struct child *, struct child *);
RB_PROTOTYPE(child_tree, child, entry, child_cmp)

/*
 * Resource limits and niceness a child gets, as raw prlimit64(2) and
 * setpriority(2) arguments, worked out once at start (spawn_limits_init).
 */
#define SPAWN_NRLIM	8
struct spawn_limits {
	int		 n;
	int		 resource[SPAWN_NRLIM];
	uint64_t	 rl[SPAWN_NRLIM][2];	/* soft, hard: struct rlimit64 */
	int		 nice_set;
	int		 nice;
};

struct spawn_args {
	const char	 *path;
	char *const	 *argv;
	char *const	 *envp;
	const char	 *cwd;
	int		  fd3;		/* becomes the child's fd 3, or -1 */
	const struct spawn_limits *lim;	/* applied before exec, or NULL */
};

/*
 * An exit nobody had claimed yet (a warm request's, or an orphan), found
 * by (pid, via); none is dropped before ORPHAN_TTL, which outlasts the
 * wait of any request that could claim it (WARM_PID_TIMEOUT).
 */
struct orphan {
	RB_ENTRY(orphan)	 entry;
	TAILQ_ENTRY(orphan)	 age;		/* oldest first */
	pid_t			 pid;
	int			 status;
	uint64_t		 via;		/* its zygote's report; 0: reaped */
	time_t			 at;		/* monotonic seconds */
};
RB_HEAD(orphan_tree, orphan);
TAILQ_HEAD(orphan_list, orphan);
int	orphan_cmp(struct orphan *, struct orphan *);
RB_PROTOTYPE(orphan_tree, orphan, entry, orphan_cmp)
#define ORPHAN_TTL	10	/* seconds an unclaimed exit is kept */

/* What a kill must reach beyond the process group: holders of these. */
struct spawn_tree {
	pid_t		 pgid;		/* the script's group, its first pid */
	ino_t		 ino[2];	/* its stdout and stderr, or 0 */
};
TAILQ_HEAD(spawn_term_list, spawn_term);

struct child	*spawn_child(struct server *, const struct spawn_args *,
		    int [3], child_exit_cb, void *);
struct child	*spawn_server(struct server *, const struct spawn_args *,
		    int, int *, child_exit_cb, void *);
void		 spawn_init(struct server *);
void		 spawn_free(struct server *);
void		 spawn_kill(struct child *, int);
void		 spawn_disown(struct child *);
void		 spawn_detach(struct child *, const char *);
int		 spawn_adopt(struct server *, pid_t, uint64_t, int,
		    child_exit_cb, void *, struct child **, int *);
void		 spawn_exited(struct server *, pid_t, int, uint64_t);
void		 spawn_lost(struct server *, uint64_t);
void		 spawn_reap(struct server *);
void		 spawn_kill_all(struct server *, int);
void		 spawn_slot_free(struct server *);
long long	 spawn_rss(pid_t);
int		 spawn_kill_tree(struct server *, struct child *,
		    const struct spawn_tree *, int);
void		 spawn_terminate(struct server *, struct child *,
		    const struct spawn_tree *, int, const char *);
const char	*spawn_signame(int);
int		 spawn_limits_init(struct server *, unsigned long long);

/* cgi.c: CGI semantics, RFC 3875, without I/O on the connection. */
struct cgi_env {
	char		**vars;		/* "NAME=value", NULL-terminated */
	size_t		  n;
	size_t		  cap;		/* room in vars, its NULL included */
	char		 *arena;	/* the params' strings, one block */
	size_t		  arena_len;	/* ... not freed one by one */
	size_t		  ndropped;	/* denied names a peer sent */
	char		  dropped[64];	/* the first, escaped */
};

struct cgi_script {
	char		 path[4096];	/* the executable */
	char		 dir[4096];	/* its directory: the cwd */
	char		 path_info[4096]; /* split off by the walk */
	int		 split;		/* path_info was split off */
	int		 rewritten;	/* SCRIPT_FILENAME was not a path */
	size_t		 pi_used;	/* PATH_INFO's length, if joined */
	struct stat	 st;		/* identity, for the warm pools */
	const struct handler *handler;	/* --handler that runs it, or NULL */
};

int		 cgi_env_build(struct cgi_env *, const uint8_t *, size_t,
		    const struct config *, const char **);
void		 cgi_env_free(struct cgi_env *);
const char	*cgi_env_get(const struct cgi_env *, const char *);
int		 cgi_env_set(struct cgi_env *, const char *, const char *);
int		 cgi_script_find(const struct config *, const struct cgi_env *,
		    struct cgi_script *, const char **);
const struct handler *cgi_handler_find(const struct config *, const char *);
char		**cgi_handler_argv(const struct handler *, const char *);
int		 cgi_handler_env(struct cgi_env *, const struct cgi_script *);
int		 cgi_script_allowed(const struct config *, const char *);
int		 cgi_script_confine(const struct config *, struct cgi_script *,
		    uid_t, const char **);
int		 cgi_env_name_allowed(const char *, int);
char		**cgi_argv_build(const char *, const char *, int);
void		 cgi_argv_free(char **);
const char	*cgi_status_reason(int);

/*
 * response.c: the script's response, its header block checked as it
 * arrives.  struct response_scan is the pure scanner's place in it.
 */
enum response_rc {
	RESPONSE_BAD = -1, RESPONSE_OK = 0, RESPONSE_INCOMPLETE = 1
};

struct response_scan {
	size_t		 scanned;	/* bytes taken, in all: each once */
	size_t		 line_start;	/* offset of the current line */
	size_t		 col;		/* its bytes so far, a held CR aside */
	size_t		 end;		/* RESPONSE_OK: past the empty line */
	size_t		 nph_len;	/* the NPH line with its end, or 0 */
	size_t		 line;		/* complete lines so far */
	int		 mode;		/* in a name, a value, an NPH line */
	int		 cr;		/* a CR held: half a CRLF, or not */
	int		 maybe_nph;	/* the first line may be HTTP/1.x */
	int		 nph;
	int		 cgi_field;	/* Content-Type, Location or Status */
	int		 authorizer;	/* set by the caller: no CGI field needed */
	int		 too_long;	/* a line past HEADER_LINE_MAX */
	int		 rc;		/* enum response_rc, once judged */
	char		 name[13];	/* the start of the field name */
};

struct response {
	struct evbuffer		*hdr;		/* the header block so far */
	struct response_scan	 scan;
	int			 done;		/* checked and sent on */
	int			 bad;		/* refused: 502 */
	int			 status;	/* HTTP status it stands for */
	/* Set by the caller after response_init(): */
	int			 authorizer;	/* FCGI_AUTHORIZER: allow or deny */
	int			 redirect;	/* REDIRECT_* for a local Location */
	const char		*docroot;	/* ... REDIRECT_SENDFILE's root */
	/* Set by response_feed(), for the caller to log: */
	int			 drop;		/* send no body (authorizer 200) */
	int			 ndup;		/* earlier duplicates dropped */
	const char		*note;		/* a redirect left as it was: why */
};

void	response_scan_init(struct response_scan *);
int	response_scan(struct response_scan *, const char *, size_t, size_t *);
int	response_check(const char *, size_t, size_t *, size_t *);
int	response_status(const char *, size_t);
int	response_init(struct response *);
int	response_feed(struct response *, struct evbuffer *, const char **);
void	response_reject(struct response *, char *, size_t);
void	response_free(struct response *);

/* cost.c: warm or exec, by what each costs a script (pure). */
enum cost_mode { COST_UNDECIDED, COST_WARM_PAYS, COST_EXEC_PAYS };
enum cost_way { COST_EXEC, COST_WARM };

struct cost {
	double		 exec_us, exec_faults;	/* per request, averaged */
	double		 warm_us, warm_faults;
	unsigned int	 exec_n, warm_n;	/* samples (warm: windows) */
	unsigned int	 exec_want;		/* exec'd requests to measure */
	int		 warm_fresh;		/* a window not decided on */
	enum cost_mode	 mode;
	int		 probing;		/* exec pays: trying warm */
	unsigned int	 left;			/* requests to the next probe */
	unsigned int	 gap;			/* exec pays: between probes */
};

void		cost_init(struct cost *);
void		cost_note_exec(struct cost *, double, double);
void		cost_note_warm(struct cost *, double, double, unsigned int);
enum cost_way	cost_choose(struct cost *, int *);
int		cost_keep_warm(const struct cost *);

/* warm.c: warm interpreter pools. */
struct warm;
struct warm_conn {
	int		 fd_data;	/* the script's stdin and stdout */
	int		 fd_err;	/* its stderr, first the P<pid> line */
	struct evbuffer	*prelude;	/* to send first on fd_data */
	uint64_t	 via;		/* the zygote, for spawn_adopt() */
};

enum warm_lang { LANG_NONE, LANG_PERL, LANG_PYTHON };
#define WARM_SHEBANG_MAX	256	/* bytes of a #! line the kernel reads */

/*
 * What execve(2) runs for a script: its #! line, as the kernel reads it,
 * or the --handler for its extension.
 */
struct warm_interp {
	char		 shebang[WARM_SHEBANG_MAX]; /* the interpreter named */
	char		 arg[WARM_SHEBANG_MAX];	/* its one argument, or "" */
	int		 env;		/* shebang is env(1): arg is a name */
	const struct handler *handler;	/* shebang and words are its instead */
	char		 path[4096];	/* what runs: shebang, or env's pick */
	enum warm_lang	 lang;		/* LANG_NONE: not kept warm */
	const char	*why;		/* ... and why not */
};

enum warm_lang warm_eligible(const struct config *, const char *,
	    const char *, struct warm_interp *);
enum warm_lang warm_lang_of(const char *);
int	warm_helpers_find(const struct config *, char *, size_t);
int	warm_init(struct server *);
void	warm_shutdown(struct server *);
void	warm_free(struct server *);
int	warm_launch(struct server *, const struct cgi_script *, char *const *,
	    char *const *, struct warm_conn *);
void	warm_report_failure(struct server *, const char *, uint64_t,
	    const char *);
int	warm_gen_alive(struct server *, uint64_t);
int	warm_gen_serving(struct server *, uint64_t);
void	warm_note_exec(struct server *, const struct cgi_script *,
	    const struct rusage *);

/*
 * php.c: warm PHP, persistent php-cgi workers in FastCGI mode for the
 * scripts of a php-cgi --handler.  A request's side (request.c) is a
 * struct php_sink: what the worker sends, as a script's stdout, stderr
 * and exit (appStatus; -1 when the worker was lost), and room for more
 * body after php_stdin() took what it could.  end may free the request.
 */
struct php;
struct php_req;
struct php_sink {
	void	(*out)(void *, const uint8_t *, size_t);
	void	(*err)(void *, const uint8_t *, size_t);
	void	(*in_ready)(void *);
	void	(*end)(void *, int);
};
int		 php_init(struct server *);
void		 php_shutdown(struct server *);
void		 php_free(struct server *);
struct php_req	*php_start(struct server *, const struct handler *,
		    const char *, char *const *, const struct php_sink *,
		    void *, pid_t *);
int		 php_stdin(struct php_req *, struct evbuffer *);
void		 php_stdin_end(struct php_req *);
void		 php_read_pause(struct php_req *, int);
int		 php_req_busy(const struct php_req *);
void		 php_kill(struct php_req *, int);
void		 php_req_free(struct php_req *);
/* One pool of php-cgi workers as the status page shows it (php_each). */
struct php_info {
	const char	*ext;		/* its --handler's extension */
	const char	*interp;	/* ... and php-cgi */
	int		 workers;	/* running, taking requests */
	int		 idle;		/* ... of them idle */
	int		 busy;		/* serving a request (or finishing one
					   whose client left) */
	long long	 rss;		/* the masters' and children's, bytes */
	uint64_t	 served;	/* requests answered */
	uint64_t	 recycled;	/* children replaced: max requests,
					   --warm-memory; workers retired:
					   --warm-idle ... */
	uint64_t	 crashed;	/* children and masters that died on
					   their own */
	uint64_t	 killed;	/* ... killed with their request */
};
typedef void (*php_info_cb)(const struct php_info *, void *);
void		 php_each(struct server *, php_info_cb, void *);

/* body.c: a body without a length, collected first (--buffer-body). */
struct body {
	int		 fd;		/* past --stdin-buffer: a file, or -1 */
	off_t		 wr, rd;	/* written to it, read back from it */
	long long	 len;		/* bytes in all */
};

void	body_init(struct body *);
int	body_add(struct body *, struct evbuffer *, const void *, size_t,
	    const struct config *, const char **);
int	body_refill(struct body *, struct evbuffer *, size_t);
void	body_free(struct body *);
/* One pool entry as the status page shows it (warm_each). */
struct warm_info {
	const char	*script;
	const char	*interp;	/* what its #! line runs */
	const char	*state;		/* loading, ready, failed, cold */
	const char	*why_cold;	/* cold: why it is not kept warm */
	pid_t		 pid;		/* its zygote, or 0 */
	long long	 rss;		/* the zygote's, bytes; -1 unknown */
	uint64_t	 warm;		/* requests served warm */
	uint64_t	 exec;		/* ... and by exec (cold starts) */
	uint64_t	 starts;	/* zygotes started */
	uint64_t	 fallbacks;	/* warm starts that fell back to exec */
	const char	*fallback_why;	/* the last one's cause, or "" */
	const struct cost *cost;	/* what each way costs (cost.c) */
};
typedef void (*warm_info_cb)(const struct warm_info *, void *);
void	warm_each(struct server *, warm_info_cb, void *);

/* conn.c: one FastCGI connection. */
struct request;

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct server		*srv;
	int			 fd;		/* the socket */
	struct evbuffer		*out;		/* records to write to it */
	struct event		*ev_write;	/* ... while it is full */
	struct event		*ev_flush;	/* ... at the end of this turn */
	int			 flushing;	/* ev_flush is active */
	struct evbuffer		*in;		/* read, not yet decoded */
	struct event		*ev_read;
	struct event		*ev_resume;	/* deferred resume or close */
	struct event		*ev_closed;	/* hang-up while paused */
	struct fcgi_decoder	 dec;
	struct request		*req;		/* at most one: no mpx */
	int			 keep;		/* FCGI_KEEP_CONN of the last */
	int			 busy;		/* inside conn_read_cb */
	int			 closing;	/* close once output is flushed */
	const char		*dead;		/* close at the next chance */
	int			 paused;	/* reading stopped by back-pressure */
	int			 out_full;	/* ... or by output unread */
	int			 reading;	/* ev_read, else ev_closed, is on */
	int			 hold;		/* output held until stdin ends */
	struct evbuffer		*held;		/* held or overflow records */
	int			 spill_fd;	/* ... past hold_mem, on disk */
	off_t			 spill_rd, spill_wr;
	struct event		*ev_timeout;	/* --conn-timeout */
	long long		 rx_ms;		/* last byte from the peer */
	char			 peer[64];
	size_t			 held_acct;	/* counted in srv->held_total */
	off_t			 spill_acct;	/* ... in srv->spill_total */
};
TAILQ_HEAD(conn_list, conn);

void	conn_accept(struct server *, int, const char *);
void	conn_close(struct conn *, const char *);
void	conn_send(struct conn *, uint8_t, uint16_t, const void *, size_t);
void	conn_send_buffer(struct conn *, uint8_t, uint16_t, struct evbuffer *);
int	conn_out_room(struct conn *);
int	conn_held_full(struct conn *);
int	conn_hold_refuse(struct server *);
void	conn_hold(struct conn *, int);
void	conn_read_pause(struct conn *, int);
void	conn_request_done(struct conn *);
void	conn_stop(struct conn *);

/* request.c: one request, BEGIN -> PARAMS -> STDIN -> run -> END. */
enum request_state {
	R_PARAMS,		/* gathering FCGI_PARAMS */
	R_BODY,			/* collecting a body without a length */
	R_WAIT,			/* in the server's queue for a slot */
	R_RUN,			/* the script runs */
	R_RESPOND		/* answered by warmcgi itself */
};

struct request {
	TAILQ_ENTRY(request)	 wait_entry;
	struct conn		*conn;
	struct server		*srv;
	uint16_t		 id;
	uint8_t			 flags;
	uint16_t		 role;		/* FCGI_RESPONDER or _AUTHORIZER */
	int			 authz_hold;	/* a denial held in resp.hdr */
	enum request_state	 state;
	struct evbuffer		*params;
	struct cgi_env		 env;
	struct cgi_script	 script;
	char			**argv;
	int			 waiting;	/* in the server's wait queue */
	int			 stdin_done;	/* empty FCGI_STDIN seen */
	int			 stdin_discard;	/* the script stopped reading */
	int			 status;	/* HTTP status, for counters */
	struct child		*child;		/* until reaped */
	struct php_req		*php;		/* served by a php-cgi worker */
	pid_t			 pid;		/* its process group */
	int			 killed;
	int			 fd_in, fd_out, fd_err;
	struct event		*ev_in, *ev_out, *ev_err;
	struct evbuffer		*stdin_q;
	struct body		 body;		/* --buffer-body */
	struct evbuffer		*chunk;		/* one read from a pipe */
	struct response		 resp;		/* the script's header block */
	struct evbuffer		*errline;	/* partial stderr line */
	int			 stderr_sent;	/* FCGI_STDERR to end (-f) */
	uint32_t		 app_status;
	int			 ended;
	int			 warm;		/* served by a zygote */
	int			 warm_pending;	/* its P<pid> line not yet read */
	int			 out_wait_pid;	/* stdout ended before it */
	uint64_t		 warm_via;	/* the zygote that forked it */
	int			 warm_tried;	/* fell back: exec from now on */
	size_t			 prelude_left;	/* preamble bytes still to send */
	struct event		*ev_warm;	/* P<pid> line time-out */
	char			 pidline[32];
	size_t			 pidlen;
	uint64_t		 out_total;	/* stdout bytes so far */
	struct event		*ev_coalesce;	/* re-arms stdout reading */
	struct event		*ev_exit;	/* EXIT_WAIT_MS after EOF */
	struct event		*ev_limit;	/* -t and --idle-timeout */
	long long		 start_ms;	/* the script started */
	long long		 io_ms;		/* it last read or wrote */
	int			 timed_out;	/* SIGTERM sent: draining */
	uint64_t		 bytes_in;	/* FCGI_STDIN bytes */
	uint64_t		 bytes_out;	/* FCGI_STDOUT bytes */
	long long		 begin_ms;	/* BEGIN_REQUEST came */
	long long		 end_ms;	/* END_REQUEST sent, or 0 */
	int			 exited;	/* wait status below is known */
	int			 wstatus;
	int			 have_usage;	/* usage is the script's */
	struct rusage		 usage;
	int			 ran;		/* a script was started */
	struct event		*ev_slow;	/* --slow-log */
};
TAILQ_HEAD(request_list, request);

struct request	*request_new(struct conn *, uint16_t, uint8_t, uint16_t);
int		 request_params(struct request *, const uint8_t *, size_t,
		    const char **);
int		 request_stdin(struct request *, const uint8_t *, size_t,
		    const char **);
void		 request_stdin_flush(struct request *);
void		 request_abort(struct request *);
void		 request_out_ready(struct request *);
void		 request_free(struct request *);
int		 request_queue_init(struct server *);
void		 request_queue_free(struct server *);

/* accesslog.c: one line per request, to a file, syslog or stdout. */
struct accesslog;
int	accesslog_open(struct server *);
void	accesslog_reopen(struct server *);
void	accesslog_close(struct server *);
void	accesslog_write(struct server *, const struct request *);

/* listen.c: listening sockets. */
struct listener {
	TAILQ_ENTRY(listener)	 entry;
	struct server		*srv;
	int			 fd;
	struct event		*ev_accept;	/* EV_READ: a connection */
	struct event		*ev_pause;	/* resumes accepting */
	char			*unix_path;	/* unlinked at exit */
	char			 name[256];
};
TAILQ_HEAD(listener_list, listener);

int	listen_open(struct server *);
int	listen_fd_budget(struct config *, unsigned long long *);
void	listen_close_all(struct server *);

/* The whole daemon's state; one instance, passed where it is needed. */
struct server {
	struct event_base	*base;
	const struct config	*cfg;
	struct listener_list	 listeners;
	struct conn_list	 conns;
	int			 nconns;
	struct request_list	 waitq;
	int			 nwaiting;
	int			 nchildren;	/* slots taken, of -c */
	struct event		*ev_dispatch;	/* a slot was freed */
	struct child_tree	 children;
	struct orphan_tree	 orphans;	/* by (pid, via) */
	struct orphan_list	 orphans_age;
	size_t			 norphans;
	struct warm		*warm;
	struct php		*php;		/* warm PHP, or NULL */
	struct spawn_term_list	 terms;		/* SIGKILL pending */
	struct stats		 stats;
	struct accesslog	*alog;		/* --access-log, or NULL */
	int			 stopping;
	int			 deadline_passed;
	struct timespec		 stop_start;
	struct event		*ev_grace;
	struct spawn_limits	 lim_script;	/* --rlimit, --nice */
	struct spawn_limits	 lim_zygote;	/* the start's nofile back */
	uid_t			 euid;		/* ours, once -u has dropped root */
	size_t			 held_total;	/* output held in memory, all */
	long long		 spill_total;	/* ... and in spill files */
};

#endif /* WARMCGI_H */
