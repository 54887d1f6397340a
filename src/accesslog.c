/*
 * The access log (--access-log FILE|syslog|-): one line per request, at
 * its end, in the format warmcgi.8 documents (or JSON lines with
 * --access-log-format json).  A file is opened before privileges are
 * dropped and reopened on SIGHUP, so that it can be rotated by moving it
 * away; if the reopen fails, lines go on to the old one.  Lines are
 * written with one write(2) each on an O_APPEND descriptor.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "warmcgi.h"

#define ACCESSLOG_MODE	0640
#define ACCESSLOG_FIELD	2048	/* bytes of one escaped field */

struct accesslog {
	int		 fd;		/* -1: syslog */
	int		 own;		/* fd is a file we opened */
	const char	*path;
};

static int	 accesslog_file(const char *);
static void	 accesslog_word(struct evbuffer *, const char *);

static int
accesslog_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    ACCESSLOG_MODE);
}

/* At start, before privileges are dropped. */
int
accesslog_open(struct server *srv)
{
	const char		*spec = srv->cfg->access_log;
	struct accesslog	*al;

	if (spec == NULL)
		return 0;
	if ((al = calloc(1, sizeof(*al))) == NULL) {
		log_warn("--access-log");
		return -1;
	}
	al->path = spec;
	al->fd = -1;
	if (strcmp(spec, "-") == 0)
		al->fd = STDOUT_FILENO;
	else if (strcmp(spec, "syslog") != 0) {
		if ((al->fd = accesslog_file(spec)) == -1) {
			log_warn("--access-log %s", spec);
			free(al);
			return -1;
		}
		al->own = 1;
	}
	srv->alog = al;
	return 0;
}

/* SIGHUP: a file moved away (rotated) is replaced by a new one. */
void
accesslog_reopen(struct server *srv)
{
	struct accesslog	*al = srv->alog;
	int			 fd;

	if (al == NULL || !al->own)
		return;
	if ((fd = accesslog_file(al->path)) == -1) {
		log_warn("SIGHUP: cannot reopen the access log %s; writing on "
		    "to the old one", al->path);
		return;
	}
	close(al->fd);
	al->fd = fd;
	log_info("SIGHUP: access log %s reopened", al->path);
}

void
accesslog_close(struct server *srv)
{
	struct accesslog	*al = srv->alog;

	if (al == NULL)
		return;
	if (al->own)
		close(al->fd);
	free(al);
	srv->alog = NULL;
}

/*
 * A field of the text format: as log_escape() shows it, and a space or
 * '"' as \x20 or \x22, so that fields split on spaces.  "-" if empty.
 */
static void
accesslog_word(struct evbuffer *o, const char *s)
{
	char		 e[ACCESSLOG_FIELD];
	const char	*p;

	if (s == NULL || *s == '\0') {
		evbuffer_add(o, "-", 1);
		return;
	}
	log_escape(e, sizeof(e), s, strlen(s));
	for (p = e; *p != '\0'; p++) {
		if (*p == ' ' || *p == '"')
			evbuffer_add_printf(o, "\\x%02x", (unsigned char)*p);
		else
			evbuffer_add(o, p, 1);
	}
}

/*
 * TIME CLIENT METHOD URI SCRIPT STATUS BYTES_IN BYTES_OUT DURATION_MS
 * EXIT WAY CPU_MS MAXRSS_KB: see warmcgi.8.
 */
void
accesslog_write(struct server *srv, const struct request *r)
{
	struct accesslog	*al = srv->alog;
	struct evbuffer		*o;
	const struct cgi_env	*env = &r->env;
	const char		*way, *script;
	char			*line;
	size_t			 len;
	char			 when[64], exitw[32], cpu[32], rss[32];
	struct tm		 tm;
	struct timespec		 now;
	long long		 dur;
	double			 ms;
	int			 status = r->ended ? r->status : 0;

	if (al == NULL || (o = evbuffer_new()) == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
	dur = (r->end_ms != 0 ? r->end_ms : status_now_ms()) - r->begin_ms;
	way = !r->ran ? "self" : r->warm ? "warm" : "exec";
	if ((script = r->script.path)[0] == '\0' &&
	    (script = cgi_env_get(env, "SCRIPT_FILENAME")) == NULL)
		script = cgi_env_get(env, "SCRIPT_NAME");
	/* An exit status, a signal's name (SIGTERM), or "-": not known. */
	if (!r->exited)
		strlcpy(exitw, "-", sizeof(exitw));
	else if (!WIFSIGNALED(r->wstatus))
		snprintf(exitw, sizeof(exitw), "%d", WEXITSTATUS(r->wstatus));
	else if (spawn_signame(WTERMSIG(r->wstatus)) != NULL)
		strlcpy(exitw, spawn_signame(WTERMSIG(r->wstatus)),
		    sizeof(exitw));
	else
		snprintf(exitw, sizeof(exitw), "SIG%d", WTERMSIG(r->wstatus));
	strlcpy(cpu, "-", sizeof(cpu));
	strlcpy(rss, "-", sizeof(rss));
	if (r->have_usage) {
		ms = (double)r->usage.ru_utime.tv_sec * 1e3 +
		    (double)r->usage.ru_utime.tv_usec / 1e3 +
		    (double)r->usage.ru_stime.tv_sec * 1e3 +
		    (double)r->usage.ru_stime.tv_usec / 1e3;
		snprintf(cpu, sizeof(cpu), "%.3f", ms);
		snprintf(rss, sizeof(rss), "%ld", r->usage.ru_maxrss);
	}
	if (!srv->cfg->access_log_json) {
		evbuffer_add_printf(o, "%s ", when);
		accesslog_word(o, cgi_env_get(env, "REMOTE_ADDR"));
		evbuffer_add(o, " ", 1);
		accesslog_word(o, cgi_env_get(env, "REQUEST_METHOD"));
		evbuffer_add(o, " ", 1);
		accesslog_word(o, cgi_env_get(env, "REQUEST_URI"));
		evbuffer_add(o, " ", 1);
		accesslog_word(o, script);
		evbuffer_add_printf(o, " %d %llu %llu %lld %s %s %s %s\n",
		    status, (unsigned long long)r->bytes_in,
		    (unsigned long long)r->bytes_out, dur, exitw, way, cpu,
		    rss);
	} else {
		evbuffer_add_printf(o, "{\"time\":\"%s\",\"client\":", when);
		status_json_string(o, cgi_env_get(env, "REMOTE_ADDR") ?
		    cgi_env_get(env, "REMOTE_ADDR") : "");
		evbuffer_add_printf(o, ",\"method\":");
		status_json_string(o, cgi_env_get(env, "REQUEST_METHOD") ?
		    cgi_env_get(env, "REQUEST_METHOD") : "");
		evbuffer_add_printf(o, ",\"uri\":");
		status_json_string(o, cgi_env_get(env, "REQUEST_URI") ?
		    cgi_env_get(env, "REQUEST_URI") : "");
		evbuffer_add_printf(o, ",\"script\":");
		status_json_string(o, script != NULL ? script : "");
		evbuffer_add_printf(o, ",\"status\":%d,\"bytes_in\":%llu,"
		    "\"bytes_out\":%llu,\"duration_ms\":%lld,\"exit\":",
		    status, (unsigned long long)r->bytes_in,
		    (unsigned long long)r->bytes_out, dur);
		if (!r->exited)
			evbuffer_add_printf(o, "null");
		else
			status_json_string(o, exitw);
		evbuffer_add_printf(o, ",\"way\":\"%s\",\"cpu_ms\":%s,"
		    "\"maxrss_kb\":%s}\n", way, r->have_usage ? cpu : "null",
		    r->have_usage ? rss : "null");
	}
	if (al->fd == -1) {
		/* syslog adds its own time and ends the line. */
		line = (char *)evbuffer_pullup(o, -1);
		len = evbuffer_get_length(o);
		if (line != NULL && len > 0) {
			line[len - 1] = '\0';
			syslog(LOG_INFO | LOG_DAEMON, "%s", line +
			    (srv->cfg->access_log_json ? 0 : strlen(when) + 1));
		}
	} else if (evbuffer_write(o, al->fd) == -1 && errno != EAGAIN)
		log_debug("access log: %s", strerror(errno));
	evbuffer_free(o);
}
