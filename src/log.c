/*
 * Logging: one line per event, to stderr (under a service manager that is
 * the journal) or to syslog.  fatal() is for start-up only; anything a peer
 * or a script can cause is logged with log_warn* and handled.  Every line
 * is escaped here, in one place: names from a URI and a script's stderr
 * reach the log, and a newline in them must not forge a line of its own.
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
static size_t	 log_utf8(const unsigned char *, size_t);

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

/*
 * The length of the UTF-8 sequence that starts p, if it is a well-formed
 * one (RFC 3629: no overlong forms, no surrogates) for a character that
 * neither controls nor breaks a line; else 0.
 */
static size_t
log_utf8(const unsigned char *p, size_t len)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n > len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	/* C1 controls; U+2028 and U+2029 end a line for some readers. */
	if (p[0] == 0xc2 && p[1] <= 0x9f)
		return 0;
	if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
		return 0;
	return n;
}

/*
 * Copy src to dst as one unambiguous line: control characters, DEL and
 * bytes that are not readable UTF-8 become \xNN and a backslash becomes
 * \\; printable ASCII and UTF-8 text stay as they are.  dst is always
 * terminated and an escape or a character is never cut; returns the
 * length written.
 */
size_t
log_escape(char *dst, size_t size, const char *src, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 i = 0, o = 0, n;

	if (size == 0)
		return 0;
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (o + 1 >= size)
				break;
			dst[o++] = (char)p[i++];
		} else if (p[i] == '\\') {
			if (o + 2 >= size)
				break;
			dst[o++] = '\\';
			dst[o++] = '\\';
			i++;
		} else if ((n = log_utf8(p + i, len - i)) > 0) {
			if (o + n >= size)
				break;
			memcpy(dst + o, p + i, n);
			o += n;
			i += n;
		} else {
			if (o + 4 >= size)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[p[i] >> 4];
			dst[o++] = hex[p[i] & 0xf];
			i++;
		}
	}
	dst[o] = '\0';
	return o;
}

static void
log_vlog(int pri, const char *prefix, int err, const char *fmt, va_list ap)
{
	char	 msg[2048], line[sizeof(msg) * 4];
	int	 n;

	n = snprintf(msg, sizeof(msg), "%s", prefix);
	if (n >= 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if (err) {
		n = (int)strlen(msg);
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
		    strerror(err));
	}
	log_escape(line, sizeof(line), msg, strlen(msg));
	if (log_syslog)
		syslog(pri, "%s", line);
	else
		fprintf(stderr, "%s: %s\n", log_name, line);
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
