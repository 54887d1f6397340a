/*
 * Counters, the status page and ping.  Counters are updated where things
 * happen and read only here.  A request whose SCRIPT_NAME (or
 * DOCUMENT_URI) is --status-path or --ping-path is answered by warmcgi
 * itself, from a client address --status-allow lets in: the status page
 * as plain text, ?json, or ?openmetrics (the Prometheus text exposition
 * format, which `promtool check metrics` reads, ending with "# EOF"), with
 * ?full adding a row per request in flight; ping answers "pong".  Nothing
 * here runs unless one of the paths is configured.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "warmcgi.h"

enum status_fmt { FMT_TEXT, FMT_JSON, FMT_METRICS };

/* One number of the page: a JSON key, a metric, a line of text. */
struct status_field {
	const char	*name;		/* JSON key; metric warmcgi_NAME */
	const char	*help;
	int		 counter;	/* else a gauge */
	uint64_t	 v;
};

struct status_ctx {
	struct evbuffer		*out;
	enum status_fmt		 fmt;
	int			 n;		/* rows written so far */
	const char		*metric;	/* warmcgi_script_METRIC */
};

static int	 status_allowed(const struct config *, const char *);
static int	 status_query_has(const char *, const char *);
static void	 status_page(struct server *, enum status_fmt, int,
		    struct evbuffer *);
static size_t	 status_fields(struct server *, struct status_field *,
		    size_t);
static void	 status_warm_text(const struct warm_info *, void *);
static void	 status_warm_json(const struct warm_info *, void *);
static void	 status_warm_metric(const struct warm_info *, void *);
static void	 status_php_text(const struct php_info *, void *);
static void	 status_php_json(const struct php_info *, void *);
static void	 status_php_metric(const struct php_info *, void *);
static void	 status_requests(struct server *, enum status_fmt,
		    struct evbuffer *);
static void	 status_label(struct evbuffer *, const char *);

#define STATUS_CLASSES	6	/* requests_by_class: other, 1xx .. 5xx */
static const char *const status_class_names[STATUS_CLASSES] = {
	"other", "1xx", "2xx", "3xx", "4xx", "5xx"
};

void
status_init(struct stats *st)
{
	st->start_time = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &st->start_mono);
}

/* Count one finished request by its HTTP status class. */
void
status_count_response(struct stats *st, int status)
{
	int	 cls = status / 100;

	if (cls < 1 || cls > 5)
		cls = 0;
	st->requests_by_class[cls]++;
}

/*
 * Whether a client may see the page.  A prefix ending in '.' or ':'
 * matches the addresses that start with it ("10.1." is 10.1.0.0/16);
 * any other matches only the address itself, so that "10.0.0.1" does not
 * also let in 10.0.0.10.  Without --status-allow: loopback only.
 */
static int
status_allowed(const struct config *cfg, const char *addr)
{
	static const char *const loopback[] = { "127.", "::1", NULL };
	const char *const	*list = loopback;
	const char		*p;
	size_t			 i, n = 2, len;

	if (cfg->nstatus_allow > 0) {
		list = (const char *const *)cfg->status_allow;
		n = cfg->nstatus_allow;
	}
	if (addr == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		p = list[i];
		if (strcmp(p, "any") == 0 || strcmp(p, addr) == 0)
			return 1;
		len = strlen(p);
		if (len > 0 && (p[len - 1] == '.' || p[len - 1] == ':') &&
		    strncmp(p, addr, len) == 0)
			return 1;
	}
	return 0;
}

/* QUERY_STRING holds this word between '&'s. */
static int
status_query_has(const char *q, const char *word)
{
	size_t	 len = strlen(word);

	while (q != NULL && *q != '\0') {
		if (strncmp(q, word, len) == 0 && (q[len] == '\0' ||
		    q[len] == '&' || q[len] == '='))
			return 1;
		if ((q = strchr(q, '&')) != NULL)
			q++;
	}
	return 0;
}

/*
 * If the request is for the status or the ping path, write the whole
 * response (header block and body) to out and return its HTTP status;
 * else 0 and out is untouched.
 */
int
status_answer(struct server *srv, const struct cgi_env *env,
    struct evbuffer *out)
{
	const struct config	*cfg = srv->cfg;
	const char		*sn, *du, *q, *addr, *type;
	enum status_fmt		 fmt = FMT_TEXT;
	int			 page;

	sn = cgi_env_get(env, "SCRIPT_NAME");
	du = cgi_env_get(env, "DOCUMENT_URI");
	if (cfg->status_path != NULL && ((sn != NULL &&
	    strcmp(sn, cfg->status_path) == 0) || (du != NULL &&
	    strcmp(du, cfg->status_path) == 0)))
		page = 1;
	else if (cfg->ping_path != NULL && ((sn != NULL &&
	    strcmp(sn, cfg->ping_path) == 0) || (du != NULL &&
	    strcmp(du, cfg->ping_path) == 0)))
		page = 0;
	else
		return 0;
	addr = cgi_env_get(env, "REMOTE_ADDR");
	if (!status_allowed(cfg, addr)) {
		log_warnx("%s: client %s not allowed by --status-allow (403)",
		    page ? cfg->status_path : cfg->ping_path,
		    addr != NULL ? addr : "without REMOTE_ADDR");
		evbuffer_add_printf(out, "Status: 403 Forbidden\r\n"
		    "Content-Type: text/plain\r\n\r\n403 Forbidden\n");
		return 403;
	}
	if (!page) {
		evbuffer_add_printf(out, "Content-Type: text/plain\r\n"
		    "Cache-Control: no-store\r\n\r\npong\n");
		return 200;
	}
	q = cgi_env_get(env, "QUERY_STRING");
	type = "text/plain; charset=utf-8";
	if (status_query_has(q, "json")) {
		fmt = FMT_JSON;
		type = "application/json";
	} else if (status_query_has(q, "openmetrics")) {
		fmt = FMT_METRICS;
		type = "text/plain; version=0.0.4; charset=utf-8";
	}
	evbuffer_add_printf(out, "Content-Type: %s\r\nCache-Control: "
	    "no-store\r\n\r\n", type);
	status_page(srv, fmt, status_query_has(q, "full"), out);
	return 200;
}

/* The numbers of the page, in its order; returns how many. */
static size_t
status_fields(struct server *srv, struct status_field *f, size_t max)
{
	struct stats	*st = &srv->stats;
	struct conn	*c;
	struct timespec	 now;
	uint64_t	 inflight = 0;
	size_t		 n = 0;

	TAILQ_FOREACH(c, &srv->conns, entry)
		if (c->req != NULL)
			inflight++;
	clock_gettime(CLOCK_MONOTONIC, &now);
#define F(nm, h, ctr, val) do {						\
	if (n < max) {							\
		f[n].name = (nm);					\
		f[n].help = (h);					\
		f[n].counter = (ctr);					\
		f[n].v = (uint64_t)(val);				\
		n++;							\
	}								\
} while (0)
	F("start_time_seconds", "Start time, seconds since the epoch.", 0,
	    st->start_time);
	F("uptime_seconds", "Seconds since the start.", 0,
	    now.tv_sec - st->start_mono.tv_sec);
	F("connections_accepted_total", "FastCGI connections accepted.", 1,
	    st->conns_total);
	F("connections_open", "FastCGI connections open.", 0, srv->nconns);
	F("connections_malformed_total", "Connections closed for malformed "
	    "records.", 1, st->malformed_conns);
	F("requests_total", "Requests begun.", 1, st->requests_total);
	F("requests_in_flight", "Requests begun and not ended.", 0, inflight);
	F("requests_queued", "Requests waiting for a slot (-c).", 0,
	    srv->nwaiting);
	F("requests_queued_max", "Most requests waiting at once.", 0,
	    st->queued_max);
	F("slot_limit_reached_total", "Requests that found -c scripts "
	    "running.", 1, st->slots_full);
	F("rejected_busy_total", "Requests refused with 503 past --queue.",
	    1, st->rejected_busy);
	F("scripts_running", "Slots taken, of -c.", 0, srv->nchildren);
	F("scripts_max", "-c.", 0, srv->cfg->max_children);
	F("spawned_total", "Processes started by exec.", 1, st->spawned_total);
	F("spawn_failures_total", "Processes that could not be started.", 1,
	    st->spawn_failures);
	F("timeouts_total", "Scripts past -t or --idle-timeout.", 1,
	    st->timeouts);
	F("kills_total", "Scripts terminated by warmcgi.", 1, st->kills);
	F("aborted_total", "Requests ended early by the client or server.",
	    1, st->aborted);
	F("slow_total", "Requests past --slow-log.", 1, st->slow);
	F("warm_fallbacks_total", "Warm starts that fell back to exec.", 1,
	    st->warm_fallbacks);
	F("bytes_in_total", "Request body bytes received.", 1, st->bytes_in);
	F("bytes_out_total", "Response bytes sent.", 1, st->bytes_out);
	F("spilled_bytes_total", "Output bytes held on disk.", 1,
	    st->spilled_bytes);
#undef F
	return n;
}

static void
status_page(struct server *srv, enum status_fmt fmt, int full,
    struct evbuffer *out)
{
	static const struct {
		const char	*metric, *help;
		int		 counter;
	} warm_metrics[] = {
		{ "script_requests_total", "Requests of a script by way.", 1 },
		{ "script_zygote_starts_total", "Zygotes started for a script.", 1 },
		{ "script_fallbacks_total", "A script's warm starts run by exec.",
		    1 },
		{ "script_zygote_rss_bytes", "A script's zygote's RSS.", 0 },
		{ "script_cpu_seconds", "A script's CPU per request, averaged, "
		    "by way.", 0 },
		{ "script_info", "A script's pool entry.", 0 },
	};
	/* Warm PHP's pools, by handler (php.c). */
	static const struct {
		const char	*metric, *help;
		int		 counter;
	} php_metrics[] = {
		{ "php_workers", "php-cgi workers running, by state.", 0 },
		{ "php_requests_total", "Requests answered by php-cgi workers.",
		    1 },
		{ "php_workers_recycled_total", "php-cgi children replaced "
		    "(--php-max-requests, --warm-memory) and workers retired "
		    "(--warm-idle) by warmcgi.", 1 },
		{ "php_workers_crashed_total", "php-cgi children and masters "
		    "that died on their own.", 1 },
		{ "php_workers_killed_total", "php-cgi workers killed with "
		    "their request (time limits).", 1 },
		{ "php_rss_bytes", "The php-cgi workers' RSS, masters' and "
		    "children's.", 0 },
	};
	struct status_field	 f[32];
	struct status_ctx	 ctx;
	struct tm		 tm;
	char			 when[64];
	size_t			 n, i;
	int			 k;

	n = status_fields(srv, f, sizeof(f) / sizeof(f[0]));
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	ctx.fmt = fmt;
	switch (fmt) {
	case FMT_TEXT:
		gmtime_r(&srv->stats.start_time, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		evbuffer_add_printf(out, "warmcgi %s, started %s\n\n",
		    PACKAGE_VERSION, when);
		for (i = 0; i < n; i++)
			evbuffer_add_printf(out, "%-28s %llu\n", f[i].name,
			    (unsigned long long)f[i].v);
		for (k = 0; k < STATUS_CLASSES; k++)
			evbuffer_add_printf(out, "responses_%-18s %llu\n",
			    status_class_names[k], (unsigned long long)
			    srv->stats.requests_by_class[k]);
		warm_each(srv, status_warm_text, &ctx);
		ctx.n = 0;
		php_each(srv, status_php_text, &ctx);
		break;
	case FMT_JSON:
		evbuffer_add_printf(out, "{\"version\":\"%s\"",
		    PACKAGE_VERSION);
		for (i = 0; i < n; i++)
			evbuffer_add_printf(out, ",\"%s\":%llu", f[i].name,
			    (unsigned long long)f[i].v);
		evbuffer_add_printf(out, ",\"responses\":{");
		for (k = 0; k < STATUS_CLASSES; k++)
			evbuffer_add_printf(out, "%s\"%s\":%llu", k ? "," : "",
			    status_class_names[k], (unsigned long long)
			    srv->stats.requests_by_class[k]);
		evbuffer_add_printf(out, "},\"warm\":[");
		warm_each(srv, status_warm_json, &ctx);
		evbuffer_add_printf(out, "],\"php\":[");
		ctx.n = 0;
		php_each(srv, status_php_json, &ctx);
		evbuffer_add_printf(out, "]");
		break;
	case FMT_METRICS:
		for (i = 0; i < n; i++)
			evbuffer_add_printf(out, "# HELP warmcgi_%s %s\n"
			    "# TYPE warmcgi_%s %s\nwarmcgi_%s %llu\n",
			    f[i].name, f[i].help, f[i].name, f[i].counter ?
			    "counter" : "gauge", f[i].name,
			    (unsigned long long)f[i].v);
		evbuffer_add_printf(out, "# HELP warmcgi_responses_total "
		    "Requests ended, by HTTP status class.\n"
		    "# TYPE warmcgi_responses_total counter\n");
		for (k = 0; k < STATUS_CLASSES; k++)
			evbuffer_add_printf(out, "warmcgi_responses_total"
			    "{class=\"%s\"} %llu\n", status_class_names[k],
			    (unsigned long long)
			    srv->stats.requests_by_class[k]);
		for (i = 0; i < sizeof(warm_metrics) /
		    sizeof(warm_metrics[0]); i++) {
			evbuffer_add_printf(out, "# HELP warmcgi_%s %s\n"
			    "# TYPE warmcgi_%s %s\n", warm_metrics[i].metric,
			    warm_metrics[i].help, warm_metrics[i].metric,
			    warm_metrics[i].counter ? "counter" : "gauge");
			ctx.metric = warm_metrics[i].metric;
			warm_each(srv, status_warm_metric, &ctx);
		}
		for (i = 0; srv->php != NULL && i < sizeof(php_metrics) /
		    sizeof(php_metrics[0]); i++) {
			evbuffer_add_printf(out, "# HELP warmcgi_%s %s\n"
			    "# TYPE warmcgi_%s %s\n", php_metrics[i].metric,
			    php_metrics[i].help, php_metrics[i].metric,
			    php_metrics[i].counter ? "counter" : "gauge");
			ctx.metric = php_metrics[i].metric;
			php_each(srv, status_php_metric, &ctx);
		}
		break;
	}
	if (full)
		status_requests(srv, fmt, out);
	if (fmt == FMT_JSON)
		evbuffer_add_printf(out, "}\n");
	else if (fmt == FMT_METRICS)
		evbuffer_add_printf(out, "# EOF\n");
}

/* Averaged CPU per request, ms, or -1 when not measured yet. */
#define STATUS_COST_MS(n, us)	((n) > 0 ? (us) / 1000 : -1.0)
#define STATUS_MODE(c)	((c)->mode == COST_WARM_PAYS ? "warm" :		\
	    (c)->mode == COST_EXEC_PAYS ? "exec" : "undecided")

static void
status_warm_text(const struct warm_info *wi, void *arg)
{
	struct status_ctx	*ctx = arg;
	char			 s[1024], in[1024], why[512];

	log_escape(s, sizeof(s), wi->script, strlen(wi->script));
	log_escape(in, sizeof(in), wi->interp, strlen(wi->interp));
	log_escape(why, sizeof(why), wi->fallback_why,
	    strlen(wi->fallback_why));
	if (ctx->n++ == 0)
		evbuffer_add_printf(ctx->out, "\nwarm pools:\n");
	evbuffer_add_printf(ctx->out, "\nscript %s\n  interpreter %s\n"
	    "  state %s%s%s\n  zygote_pid %d\n  zygote_rss_bytes %lld\n"
	    "  requests_warm %llu\n  requests_exec %llu\n  zygote_starts %llu\n"
	    "  fallbacks %llu%s%s%s\n"
	    "  cost_mode %s\n  cpu_ms_warm %.3f (%.0f faults, %u samples)\n"
	    "  cpu_ms_exec %.3f (%.0f faults, %u samples)\n", s, in,
	    wi->state, wi->why_cold[0] != '\0' ? ": " : "", wi->why_cold,
	    (int)wi->pid, wi->rss, (unsigned long long)wi->warm,
	    (unsigned long long)wi->exec, (unsigned long long)wi->starts,
	    (unsigned long long)wi->fallbacks, why[0] != '\0' ? " (last: " :
	    "", why, why[0] != '\0' ? ")" : "", STATUS_MODE(wi->cost),
	    STATUS_COST_MS(wi->cost->warm_n, wi->cost->warm_us),
	    wi->cost->warm_faults, wi->cost->warm_n,
	    STATUS_COST_MS(wi->cost->exec_n, wi->cost->exec_us),
	    wi->cost->exec_faults, wi->cost->exec_n);
}

static void
status_warm_json(const struct warm_info *wi, void *arg)
{
	struct status_ctx	*ctx = arg;
	struct evbuffer		*o = ctx->out;

	evbuffer_add_printf(o, "%s{\"script\":", ctx->n++ ? "," : "");
	status_json_string(o, wi->script);
	evbuffer_add_printf(o, ",\"interpreter\":");
	status_json_string(o, wi->interp);
	evbuffer_add_printf(o, ",\"state\":\"%s\",\"why_cold\":", wi->state);
	status_json_string(o, wi->why_cold);
	evbuffer_add_printf(o, ",\"zygote_pid\":%d,\"zygote_rss_bytes\":%lld,"
	    "\"requests_warm\":%llu,\"requests_exec\":%llu,"
	    "\"zygote_starts\":%llu,\"fallbacks\":%llu,\"fallback_last\":",
	    (int)wi->pid, wi->rss, (unsigned long long)wi->warm,
	    (unsigned long long)wi->exec, (unsigned long long)wi->starts,
	    (unsigned long long)wi->fallbacks);
	status_json_string(o, wi->fallback_why);
	evbuffer_add_printf(o, ",\"cost\":{\"mode\":\"%s\",\"warm_cpu_ms\":"
	    "%.3f,\"warm_faults\":%.0f,\"warm_samples\":%u,\"exec_cpu_ms\":"
	    "%.3f,\"exec_faults\":%.0f,\"exec_samples\":%u}}",
	    STATUS_MODE(wi->cost),
	    STATUS_COST_MS(wi->cost->warm_n, wi->cost->warm_us),
	    wi->cost->warm_faults, wi->cost->warm_n,
	    STATUS_COST_MS(wi->cost->exec_n, wi->cost->exec_us),
	    wi->cost->exec_faults, wi->cost->exec_n);
}

static void
status_php_text(const struct php_info *pi, void *arg)
{
	struct status_ctx	*ctx = arg;
	char			 in[1024];

	log_escape(in, sizeof(in), pi->interp, strlen(pi->interp));
	if (ctx->n++ == 0)
		evbuffer_add_printf(ctx->out, "\nphp pools:\n");
	evbuffer_add_printf(ctx->out, "\nhandler %s\n  interpreter %s\n"
	    "  workers %d\n  idle %d\n  busy %d\n  requests %llu\n"
	    "  recycled %llu\n  crashed %llu\n  killed %llu\n"
	    "  rss_bytes %lld\n", pi->ext, in, pi->workers, pi->idle,
	    pi->busy, (unsigned long long)pi->served,
	    (unsigned long long)pi->recycled, (unsigned long long)pi->crashed,
	    (unsigned long long)pi->killed, pi->rss);
}

static void
status_php_json(const struct php_info *pi, void *arg)
{
	struct status_ctx	*ctx = arg;
	struct evbuffer		*o = ctx->out;

	evbuffer_add_printf(o, "%s{\"handler\":", ctx->n++ ? "," : "");
	status_json_string(o, pi->ext);
	evbuffer_add_printf(o, ",\"interpreter\":");
	status_json_string(o, pi->interp);
	evbuffer_add_printf(o, ",\"workers\":%d,\"idle\":%d,\"busy\":%d,"
	    "\"requests\":%llu,\"recycled\":%llu,\"crashed\":%llu,"
	    "\"killed\":%llu,\"rss_bytes\":%lld}", pi->workers, pi->idle,
	    pi->busy, (unsigned long long)pi->served,
	    (unsigned long long)pi->recycled, (unsigned long long)pi->crashed,
	    (unsigned long long)pi->killed, pi->rss);
}

/* The samples of one family (ctx->metric) for one PHP pool. */
static void
status_php_metric(const struct php_info *pi, void *arg)
{
	struct status_ctx	*ctx = arg;
	struct evbuffer		*o = ctx->out;
	const char		*m = ctx->metric;
	unsigned long long	 v;

	if (strcmp(m, "php_workers") == 0) {
		evbuffer_add_printf(o, "warmcgi_%s{handler=\"", m);
		status_label(o, pi->ext);
		evbuffer_add_printf(o, "\",state=\"idle\"} %d\n", pi->idle);
		evbuffer_add_printf(o, "warmcgi_%s{handler=\"", m);
		status_label(o, pi->ext);
		evbuffer_add_printf(o, "\",state=\"busy\"} %d\n", pi->busy);
		return;
	}
	if (strcmp(m, "php_rss_bytes") == 0)
		v = (unsigned long long)pi->rss;
	else if (strcmp(m, "php_requests_total") == 0)
		v = pi->served;
	else if (strcmp(m, "php_workers_recycled_total") == 0)
		v = pi->recycled;
	else if (strcmp(m, "php_workers_crashed_total") == 0)
		v = pi->crashed;
	else
		v = pi->killed;
	evbuffer_add_printf(o, "warmcgi_%s{handler=\"", m);
	status_label(o, pi->ext);
	evbuffer_add_printf(o, "\"} %llu\n", v);
}

/* The samples of one family (ctx->metric) for one pool entry. */
static void
status_warm_metric(const struct warm_info *wi, void *arg)
{
	struct status_ctx	*ctx = arg;
	struct evbuffer		*o = ctx->out;
	const char		*m = ctx->metric;
	const struct cost	*c = wi->cost;

	if (strcmp(m, "script_requests_total") == 0) {
		evbuffer_add_printf(o, "warmcgi_%s{script=\"", m);
		status_label(o, wi->script);
		evbuffer_add_printf(o, "\",way=\"warm\"} %llu\n",
		    (unsigned long long)wi->warm);
		evbuffer_add_printf(o, "warmcgi_%s{script=\"", m);
		status_label(o, wi->script);
		evbuffer_add_printf(o, "\",way=\"exec\"} %llu\n",
		    (unsigned long long)wi->exec);
	} else if (strcmp(m, "script_cpu_seconds") == 0) {
		if (c->warm_n > 0) {
			evbuffer_add_printf(o, "warmcgi_%s{script=\"", m);
			status_label(o, wi->script);
			evbuffer_add_printf(o, "\",way=\"warm\"} %.6f\n",
			    c->warm_us / 1e6);
		}
		if (c->exec_n > 0) {
			evbuffer_add_printf(o, "warmcgi_%s{script=\"", m);
			status_label(o, wi->script);
			evbuffer_add_printf(o, "\",way=\"exec\"} %.6f\n",
			    c->exec_us / 1e6);
		}
	} else if (strcmp(m, "script_info") == 0) {
		evbuffer_add_printf(o, "warmcgi_%s{script=\"", m);
		status_label(o, wi->script);
		evbuffer_add_printf(o, "\",interpreter=\"");
		status_label(o, wi->interp);
		evbuffer_add_printf(o, "\",state=\"%s\",pid=\"%d\",mode=\"%s\"} "
		    "1\n", wi->state, (int)wi->pid, STATUS_MODE(c));
	} else if (strcmp(m, "script_zygote_rss_bytes") == 0) {
		if (wi->rss < 0)
			return;
		evbuffer_add_printf(o, "warmcgi_%s{script=\"", m);
		status_label(o, wi->script);
		evbuffer_add_printf(o, "\"} %lld\n", wi->rss);
	} else {
		evbuffer_add_printf(o, "warmcgi_%s{script=\"", m);
		status_label(o, wi->script);
		evbuffer_add_printf(o, "\"} %llu\n", (unsigned long long)
		    (strcmp(m, "script_zygote_starts_total") == 0 ? wi->starts :
		    wi->fallbacks));
	}
}

/* ?full: a row per request in flight. */
static void
status_requests(struct server *srv, enum status_fmt fmt,
    struct evbuffer *o)
{
	static const char *const states[] = {
		"params", "queued", "running", "responding"
	};
	struct conn	*c;
	struct request	*r;
	const char	*script, *method;
	char		 s[1024];
	long long	 now = status_now_ms();
	int		 n = 0;

	if (fmt == FMT_TEXT)
		evbuffer_add_printf(o, "\nrequests in flight:\n%-8s %-10s "
		    "%-8s %-10s %s\n", "pid", "state", "method", "elapsed_ms",
		    "script");
	else if (fmt == FMT_JSON)
		evbuffer_add_printf(o, ",\"requests\":[");
	else
		evbuffer_add_printf(o, "# HELP warmcgi_request_elapsed_seconds "
		    "A request in flight.\n"
		    "# TYPE warmcgi_request_elapsed_seconds gauge\n");
	TAILQ_FOREACH(c, &srv->conns, entry) {
		if ((r = c->req) == NULL)
			continue;
		script = r->script.path[0] != '\0' ? r->script.path :
		    cgi_env_get(&r->env, "SCRIPT_FILENAME");
		if (script == NULL)
			script = "";
		if ((method = cgi_env_get(&r->env, "REQUEST_METHOD")) == NULL)
			method = "";
		switch (fmt) {
		case FMT_TEXT:
			log_escape(s, sizeof(s), script, strlen(script));
			evbuffer_add_printf(o, "%-8d %-10s %-8.8s %-10lld %s%s\n",
			    (int)r->pid, states[r->state], method,
			    now - r->begin_ms, s, r->warm ? " (warm)" : "");
			break;
		case FMT_JSON:
			evbuffer_add_printf(o, "%s{\"pid\":%d,\"state\":\"%s\","
			    "\"warm\":%s,\"elapsed_ms\":%lld,\"method\":",
			    n ? "," : "", (int)r->pid, states[r->state],
			    r->warm ? "true" : "false", now - r->begin_ms);
			status_json_string(o, method);
			evbuffer_add_printf(o, ",\"script\":");
			status_json_string(o, script);
			evbuffer_add_printf(o, "}");
			break;
		case FMT_METRICS:
			evbuffer_add_printf(o, "warmcgi_request_elapsed_seconds"
			    "{conn=\"%d\",pid=\"%d\",state=\"%s\",method=\"", n,
			    (int)r->pid, states[r->state]);
			status_label(o, method);
			evbuffer_add_printf(o, "\",script=\"");
			status_label(o, script);
			evbuffer_add_printf(o, "\"} %.3f\n",
			    (double)(now - r->begin_ms) / 1000);
			break;
		}
		n++;
	}
	if (fmt == FMT_JSON)
		evbuffer_add_printf(o, "]");
}

/*
 * A JSON string of s as log_escape() shows it (valid UTF-8, odd bytes as
 * \xNN), with '"', '\' and controls escaped for JSON.
 */
void
status_json_string(struct evbuffer *o, const char *s)
{
	char		 e[4096];
	const char	*p;

	log_escape(e, sizeof(e), s, strlen(s));
	evbuffer_add(o, "\"", 1);
	for (p = e; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			evbuffer_add_printf(o, "\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			evbuffer_add_printf(o, "\\u%04x", (unsigned char)*p);
		else
			evbuffer_add(o, p, 1);
	}
	evbuffer_add(o, "\"", 1);
}

/* A label value in the text exposition format: \\, \" and \n escaped. */
static void
status_label(struct evbuffer *o, const char *s)
{
	char		 e[4096];
	const char	*p;

	log_escape(e, sizeof(e), s, strlen(s));
	for (p = e; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			evbuffer_add_printf(o, "\\%c", *p);
		else
			evbuffer_add(o, p, 1);
	}
}

/* Milliseconds of the monotonic clock: what every timer here counts in. */
long long
status_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
