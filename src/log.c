/*
 * Logging: one line per event, to stderr (under a service manager that is
 * the journal) or to syslog.  fatal() is for start-up only; anything a peer
 * or a script can cause is logged with log_warn* and handled.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "warmcgi.h"

static int	 log_verbose;
static int	 log_syslog;
static char	 log_name[32] = "warmcgi";

static void	 log_vlog(int, const char *, int, const char *, va_list);

void
log_init(int verbose, int use_syslog, const char *name)
{
	log_verbose = verbose;
	log_syslog = use_syslog;
	if (name != NULL)
		snprintf(log_name, sizeof(log_name), "%s", name);
	if (log_syslog)
		openlog(log_name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
log_vlog(int pri, const char *prefix, int err, const char *fmt, va_list ap)
{
	char	 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_syslog) {
		if (err)
			syslog(pri, "%s%s: %s", prefix, msg, strerror(err));
		else
			syslog(pri, "%s%s", prefix, msg);
		return;
	}
	if (err)
		fprintf(stderr, "%s: %s%s: %s\n", log_name, prefix, msg,
		    strerror(err));
	else
		fprintf(stderr, "%s: %s%s\n", log_name, prefix, msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, "", saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, "", 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_INFO, "", 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, "debug: ", 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, "", saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, "", 0, fmt, ap);
	va_end(ap);
	exit(1);
}
