/*
 * fcgi_client: a small FastCGI client for the black-box tests.  It talks
 * to warmcgi's socket directly, so a test can send what no web server
 * sends: malformed records, other roles, FCGI_GET_VALUES, a second
 * BEGIN_REQUEST while one is active, an FCGI_ABORT_REQUEST.  Records are
 * built and decoded with the daemon's own codec (src/fcgi.h).
 *
 * usage: fcgi_client [-AEkr] [-c count] [-i file] [-n count] [-t sec]
 *            socket mode [args ...]
 *
 * socket is unix:/path or tcp:HOST:PORT.  Modes:
 *
 *   request NAME=VALUE ...   One RESPONDER request (-n: that many, one after
 *                            the other on one connection; -k sets
 *                            FCGI_KEEP_CONN), with the request body read
 *                            from -i file (-E: sent before the empty
 *                            FCGI_PARAMS record).  STDOUT goes to stdout,
 *                            STDERR to stderr (-r: one line per record to
 *                            stdout instead), then "fcgi_client: end app=N
 *                            proto=N" to stderr for each END_REQUEST.
 *                            -A: in the AUTHORIZER role, with no
 *                            FCGI_STDIN at all, as Apache sends it.
 *   raw HEX|@file ...        Send these bytes, then print every record that
 *                            comes back, one line each.
 *   get-values               Ask for FCGI_MAX_CONNS, FCGI_MAX_REQS and
 *                            FCGI_MPXS_CONNS; print the answer.
 *   mpx NAME=VALUE ...       Start request 1, then send BEGIN_REQUEST 2
 *                            while it runs; print the records.
 *   abort MS NAME=VALUE ...  Start request 1, send FCGI_ABORT_REQUEST after
 *                            MS milliseconds; print the records.
 *   fuzz SEED COUNT          Send COUNT random version-1 records; print the
 *                            records.
 *   flood MIB get-values|HEX Send MIB MiB of this record (a GET_VALUES
 *                            for the three names, or the bytes given)
 *                            over and over without reading any reply,
 *                            until all is sent or no byte has gone for 3
 *                            seconds; print "wrote N all|blocked", then
 *                            keep the connection open until standard
 *                            input ends.
 *
 * The printing modes end with a line "eof" (the daemon closed the
 * connection), "timeout" (-t seconds passed, default 10) or "done" (-c
 * records were printed).  Exit status: 0 done, 1 usage or connection
 * error, 2 the connection closed before the request ended, 3 timeout.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fcgi.h"

#define CLIENT_TIMEOUT_SEC	10
#define CLIENT_READ_CHUNK	(64 * 1024)
#define FLOOD_STALL_MS		3000	/* no progress: the peer stopped */

struct client {
	int			 fd;
	uint8_t			*out;		/* bytes still to send */
	size_t			 outlen, outoff, outcap;
	struct fcgi_decoder	 dec;
	int			 eof;
	int			 dump;		/* print one line per record */
	int			 show;		/* request mode: the same */
	int			 stop;		/* the handler is satisfied */
	int			 max_records;	/* -c: stop after these */
	int			 nrecords;
	uint16_t		 want_id;	/* request mode: END awaited */
	int			 ended;
	uint32_t		 app_status;
	uint8_t			 proto_status;
	long long		 deadline;	/* ms, CLOCK_MONOTONIC */
};

static void	 usage(void);
static long long now_ms(void);
static int	 client_connect(const char *);
static void	 out_add(struct client *, const void *, size_t);
static void	 out_record(struct client *, uint8_t, uint16_t, const void *,
		    size_t);
static void	 out_begin(struct client *, uint16_t, uint16_t, uint8_t);
static void	 out_params(struct client *, uint16_t, int, char **, int);
static void	 out_stdin(struct client *, uint16_t, const uint8_t *, size_t);
static void	 out_get_values(struct client *);
static void	 out_file(struct client *, uint16_t, const char *);
static int	 pump(struct client *, long long);
static void	 on_record(struct client *, const struct fcgi_record *);
static void	 dump_record(const struct fcgi_record *);
static void	 dump_end(struct client *, int);
static void	 flood(struct client *, size_t, const uint8_t *, size_t);
static uint8_t	*hex_decode(const char *, size_t *);
static uint8_t	*file_read(const char *, size_t *);

static void
usage(void)
{
	fprintf(stderr, "usage: fcgi_client [-AEkr] [-c count] [-i file] "
	    "[-n count] [-t sec] socket mode [args ...]\n"
	    "modes: request NAME=VALUE ... | raw HEX|@file ... | "
	    "get-values |\n"
	    "       mpx NAME=VALUE ... | abort MS NAME=VALUE ... | "
	    "fuzz SEED COUNT |\n"
	    "       flood MIB get-values|HEX\n");
	exit(1);
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* unix:/path or tcp:HOST:PORT; the socket is non-blocking once connected. */
static int
client_connect(const char *spec)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res;
	char			 host[256], *port;
	int			 fd, rc;

	if (strncmp(spec, "unix:", 5) == 0) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlcpy(sun.sun_path, spec + 5, sizeof(sun.sun_path)) >=
		    sizeof(sun.sun_path))
			errx(1, "%s: path too long", spec);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			err(1, "socket");
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			err(1, "connect %s", spec);
	} else if (strncmp(spec, "tcp:", 4) == 0) {
		if (strlcpy(host, spec + 4, sizeof(host)) >= sizeof(host) ||
		    (port = strrchr(host, ':')) == NULL)
			errx(1, "%s: expected tcp:HOST:PORT", spec);
		*port++ = '\0';
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
			errx(1, "%s: %s", spec, gai_strerror(rc));
		if ((fd = socket(res->ai_family, res->ai_socktype, 0)) == -1)
			err(1, "socket");
		if (connect(fd, res->ai_addr, res->ai_addrlen) == -1)
			err(1, "connect %s", spec);
		freeaddrinfo(res);
	} else
		errx(1, "%s: expected unix:/path or tcp:HOST:PORT", spec);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		err(1, "fcntl");
	return fd;
}

static void
out_add(struct client *cl, const void *p, size_t len)
{
	uint8_t	*n;
	size_t	 cap;

	if (cl->outlen + len > cl->outcap) {
		cap = cl->outcap ? cl->outcap : 4096;
		while (cap < cl->outlen + len)
			cap *= 2;
		if ((n = realloc(cl->out, cap)) == NULL)
			err(1, "realloc");
		cl->out = n;
		cl->outcap = cap;
	}
	memcpy(cl->out + cl->outlen, p, len);
	cl->outlen += len;
}

/* One record of at most 65535 content bytes. */
static void
out_record(struct client *cl, uint8_t type, uint16_t id, const void *p,
    size_t len)
{
	uint8_t	 hdr[FCGI_HEADER_LEN];

	fcgi_header_encode(hdr, type, id, (uint16_t)len, 0);
	out_add(cl, hdr, sizeof(hdr));
	if (len > 0)
		out_add(cl, p, len);
}

static void
out_begin(struct client *cl, uint16_t id, uint16_t role, uint8_t flags)
{
	uint8_t	 body[FCGI_BEGIN_BODY_LEN];

	memset(body, 0, sizeof(body));
	body[0] = role >> 8;
	body[1] = role & 0xff;
	body[2] = flags;
	out_record(cl, FCGI_BEGIN_REQUEST, id, body, sizeof(body));
}

/* NAME=VALUE arguments as one params stream, split into records. */
static void
out_params(struct client *cl, uint16_t id, int argc, char **argv, int end)
{
	uint8_t		*buf = NULL, *nb;
	size_t		 len = 0, off, n, nlen, vlen;
	const char	*eq;
	int		 i;

	for (i = 0; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			errx(1, "%s: expected NAME=VALUE", argv[i]);
		nlen = (size_t)(eq - argv[i]);
		vlen = strlen(eq + 1);
		n = fcgi_pair_size((uint32_t)nlen, (uint32_t)vlen);
		if ((nb = realloc(buf, len + n)) == NULL)
			err(1, "realloc");
		buf = nb;
		len += fcgi_pair_encode(buf + len, argv[i], (uint32_t)nlen,
		    eq + 1, (uint32_t)vlen);
	}
	for (off = 0; off < len; off += n) {
		n = len - off > FCGI_MAX_CONTENT ? FCGI_MAX_CONTENT : len - off;
		out_record(cl, FCGI_PARAMS, id, buf + off, n);
	}
	if (end)
		out_record(cl, FCGI_PARAMS, id, NULL, 0);
	free(buf);
}

/* The request body as FCGI_STDIN records, then the empty one. */
static void
out_stdin(struct client *cl, uint16_t id, const uint8_t *p, size_t len)
{
	size_t	 off, n;

	for (off = 0; off < len; off += n) {
		n = len - off > FCGI_MAX_CONTENT ? FCGI_MAX_CONTENT : len - off;
		out_record(cl, FCGI_STDIN, id, p + off, n);
	}
	out_record(cl, FCGI_STDIN, id, NULL, 0);
}

/* FCGI_GET_VALUES for the three names the specification defines. */
static void
out_get_values(struct client *cl)
{
	uint8_t	 rec[64];
	size_t	 len = 0;

	len += fcgi_pair_encode(rec + len, "FCGI_MAX_CONNS", 14, "", 0);
	len += fcgi_pair_encode(rec + len, "FCGI_MAX_REQS", 13, "", 0);
	len += fcgi_pair_encode(rec + len, "FCGI_MPXS_CONNS", 15, "", 0);
	out_record(cl, FCGI_GET_VALUES, FCGI_NULL_REQUEST_ID, rec, len);
}

static void
out_file(struct client *cl, uint16_t id, const char *path)
{
	uint8_t	*p = NULL;
	size_t	 len = 0;

	if (path != NULL)
		p = file_read(path, &len);
	out_stdin(cl, id, p, len);
	free(p);
}

static uint8_t *
file_read(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*p = NULL, *n;
	size_t	 cap = 0, got;

	if ((f = fopen(path, "rb")) == NULL)
		err(1, "%s", path);
	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((n = realloc(p, cap)) == NULL)
				err(1, "realloc");
			p = n;
		}
		if ((got = fread(p + *len, 1, cap - *len, f)) == 0)
			break;
		*len += got;
	}
	if (ferror(f))
		err(1, "%s", path);
	fclose(f);
	return p;
}

/* Hex digits, spaces ignored; "@file" stands for that file's bytes. */
static uint8_t *
hex_decode(const char *s, size_t *len)
{
	uint8_t		*p;
	const char	*q;
	unsigned int	 v;
	size_t		 n = 0;
	int		 half = 0;

	if (s[0] == '@')
		return file_read(s + 1, len);
	if ((p = malloc(strlen(s) / 2 + 1)) == NULL)
		err(1, "malloc");
	for (q = s; *q != '\0'; q++) {
		if (*q == ' ' || *q == '\n' || *q == '\t')
			continue;
		if (*q >= '0' && *q <= '9')
			v = (unsigned int)(*q - '0');
		else if (*q >= 'a' && *q <= 'f')
			v = (unsigned int)(*q - 'a' + 10);
		else if (*q >= 'A' && *q <= 'F')
			v = (unsigned int)(*q - 'A' + 10);
		else
			errx(1, "%s: not hex", s);
		if (half)
			p[n++] |= (uint8_t)v;
		else
			p[n] = (uint8_t)(v << 4);
		half = !half;
	}
	if (half)
		errx(1, "%s: odd number of hex digits", s);
	*len = n;
	return p;
}

static void
dump_record(const struct fcgi_record *rec)
{
	const struct fcgi_header	*h = &rec->hdr;
	const uint8_t			*p = rec->content, *name, *value;
	uint32_t			 nlen, vlen;
	size_t				 off = 0, used;

	switch (h->type) {
	case FCGI_END_REQUEST:
		if (h->content_length < FCGI_END_BODY_LEN) {
			printf("END_REQUEST id=%u short=%u\n", h->request_id,
			    h->content_length);
			break;
		}
		printf("END_REQUEST id=%u app=%u proto=%u\n", h->request_id,
		    (unsigned int)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]), p[4]);
		break;
	case FCGI_UNKNOWN_TYPE:
		printf("UNKNOWN_TYPE type=%u\n",
		    h->content_length > 0 ? p[0] : 256);
		break;
	case FCGI_GET_VALUES_RESULT:
		printf("GET_VALUES_RESULT");
		while (off < h->content_length && fcgi_pair_decode(p + off,
		    h->content_length - off, &used, &name, &nlen, &value,
		    &vlen) == FCGI_OK) {
			printf(" %.*s=%.*s", (int)nlen, name, (int)vlen,
			    value);
			off += used;
		}
		printf("\n");
		break;
	case FCGI_STDOUT:
		printf("STDOUT id=%u len=%u\n", h->request_id,
		    h->content_length);
		break;
	case FCGI_STDERR:
		printf("STDERR id=%u len=%u\n", h->request_id,
		    h->content_length);
		break;
	default:
		printf("TYPE%u id=%u len=%u\n", h->type, h->request_id,
		    h->content_length);
		break;
	}
	fflush(stdout);
}

static void
on_record(struct client *cl, const struct fcgi_record *rec)
{
	const struct fcgi_header	*h = &rec->hdr;
	const uint8_t			*p = rec->content;

	cl->nrecords++;
	if (cl->dump) {
		dump_record(rec);
		if (cl->max_records > 0 && cl->nrecords >= cl->max_records)
			cl->stop = 1;
		return;
	}
	if (h->request_id != cl->want_id)
		return;
	if (cl->show)
		dump_record(rec);
	switch (h->type) {
	case FCGI_STDOUT:
		if (!cl->show)
			fwrite(p, 1, h->content_length, stdout);
		break;
	case FCGI_STDERR:
		if (!cl->show)
			fwrite(p, 1, h->content_length, stderr);
		break;
	case FCGI_END_REQUEST:
		if (h->content_length < FCGI_END_BODY_LEN)
			errx(1, "short END_REQUEST");
		cl->app_status = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
		cl->proto_status = p[4];
		cl->ended = 1;
		cl->stop = 1;
		fflush(stdout);
		fprintf(stderr, "fcgi_client: end app=%u proto=%u\n",
		    (unsigned int)cl->app_status, cl->proto_status);
		break;
	}
}

/*
 * Send what is queued and handle what arrives until a handler is
 * satisfied, the peer closes, or until (ms) / the deadline passes.
 * Returns 0 when stopped, 1 on EOF, 3 on timeout, 4 when until passed.
 */
static int
pump(struct client *cl, long long until)
{
	struct pollfd		 pfd;
	struct fcgi_record	 rec;
	uint8_t			 buf[CLIENT_READ_CHUNK];
	const uint8_t		*p;
	size_t			 left, used;
	ssize_t			 n;
	long long		 t, wait;
	int			 rc;

	cl->stop = 0;
	for (;;) {
		if (cl->stop)
			return 0;
		if (cl->eof)
			return 1;
		t = now_ms();
		if (t >= cl->deadline)
			return 3;
		if (until > 0 && t >= until)
			return 4;
		wait = cl->deadline - t;
		if (until > 0 && until - t < wait)
			wait = until - t;
		pfd.fd = cl->fd;
		pfd.events = POLLIN;
		if (cl->outoff < cl->outlen)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, (int)wait) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if ((pfd.revents & POLLOUT) && cl->outoff < cl->outlen) {
			n = write(cl->fd, cl->out + cl->outoff,
			    cl->outlen - cl->outoff);
			if (n > 0)
				cl->outoff += (size_t)n;
			else if (n == -1 && errno != EAGAIN && errno != EINTR) {
				/* The peer may have closed; read what is left. */
				cl->outoff = cl->outlen;
			}
			if (cl->outoff == cl->outlen)
				cl->outoff = cl->outlen = 0;
		}
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		n = read(cl->fd, buf, sizeof(buf));
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno != ECONNRESET)
				warn("read");
			cl->eof = 1;
			continue;
		}
		if (n == 0) {
			cl->eof = 1;
			continue;
		}
		p = buf;
		left = (size_t)n;
		while (left > 0 && !cl->stop) {
			rc = fcgi_decoder_feed(&cl->dec, p, left, &used, &rec);
			p += used;
			left -= used;
			if (rc == FCGI_OK)
				on_record(cl, &rec);
			else if (rc == FCGI_INCOMPLETE)
				break;
			else
				errx(1, "malformed record from the daemon");
		}
	}
}

static void
dump_end(struct client *cl, int rc)
{
	switch (rc) {
	case 0:
		printf("done\n");
		break;
	case 1:
		printf("eof\n");
		break;
	default:
		printf("timeout\n");
		break;
	}
	fflush(stdout);
	exit(rc == 3 ? 3 : 0);
}

/*
 * Write len bytes made of rec over and over, reading nothing, until all
 * is written or the peer has taken nothing for FLOOD_STALL_MS; then hold
 * the connection open until our standard input ends.
 */
static void
flood(struct client *cl, size_t len, const uint8_t *rec, size_t reclen)
{
	struct pollfd	 pfd;
	uint8_t		*buf;
	size_t		 n, cap, off = 0, total = 0, want;
	ssize_t		 w;
	long long	 last = now_ms();
	char		 c;

	/* A buffer of whole records, so every write ends on one. */
	n = CLIENT_READ_CHUNK / reclen;
	if (n == 0)
		n = 1;
	cap = n * reclen;
	if ((buf = malloc(cap)) == NULL)
		err(1, "malloc");
	for (n = 0; n < cap; n += reclen)
		memcpy(buf + n, rec, reclen);
	while (total < len) {
		if (now_ms() - last >= FLOOD_STALL_MS ||
		    now_ms() >= cl->deadline)
			break;
		pfd.fd = cl->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 100) == -1 && errno != EINTR)
			err(1, "poll");
		want = cap - off;
		if (want > len - total)
			want = len - total;
		if ((w = write(cl->fd, buf + off, want)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			err(1, "write");
		}
		total += (size_t)w;
		off = (off + (size_t)w) % cap;
		last = now_ms();
	}
	printf("wrote %zu %s\n", total, total == len ? "all" : "blocked");
	fflush(stdout);
	free(buf);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	close(cl->fd);
	exit(0);
}

/* Static, so what is still allocated at exit is not reported as a leak. */
static struct client	 cl;

int
main(int argc, char *argv[])
{
	const char	*stdin_file = NULL, *errstr, *mode;
	uint8_t		*bytes, rec[FCGI_HEADER_LEN + 512];
	size_t		 len;
	long long	 ms;
	unsigned int	 seed;
	int		 ch, keep = 0, count = 1, timeout = CLIENT_TIMEOUT_SEC;
	int		 early = 0, authorizer = 0;
	int		 i, j, n, rc;

	while ((ch = getopt(argc, argv, "+AEc:i:kn:rt:")) != -1) {
		switch (ch) {
		case 'A':
			authorizer = 1;
			break;
		case 'E':
			early = 1;
			break;
		case 'c':
			cl.max_records = (int)strtonum(optarg, 1, 1000000,
			    &errstr);
			if (errstr != NULL)
				errx(1, "-c %s: %s", optarg, errstr);
			break;
		case 'i':
			stdin_file = optarg;
			break;
		case 'k':
			keep = 1;
			break;
		case 'n':
			count = (int)strtonum(optarg, 1, 1000, &errstr);
			if (errstr != NULL)
				errx(1, "-n %s: %s", optarg, errstr);
			break;
		case 'r':
			cl.show = 1;
			break;
		case 't':
			timeout = (int)strtonum(optarg, 1, 3600, &errstr);
			if (errstr != NULL)
				errx(1, "-t %s: %s", optarg, errstr);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();
	signal(SIGPIPE, SIG_IGN);
	/* A backstop in case the poll loop itself never returns. */
	alarm((unsigned int)timeout + 5);
	fcgi_decoder_init(&cl.dec);
	cl.deadline = now_ms() + (long long)timeout * 1000;
	mode = argv[1];
	cl.fd = client_connect(argv[0]);
	argc -= 2;
	argv += 2;

	if (strcmp(mode, "request") == 0) {
		for (i = 1; i <= count; i++) {
			cl.want_id = (uint16_t)i;
			cl.ended = 0;
			out_begin(&cl, (uint16_t)i, authorizer ?
			    FCGI_AUTHORIZER : FCGI_RESPONDER,
			    keep || i < count ? FCGI_KEEP_CONN : 0);
			out_params(&cl, (uint16_t)i, argc, argv, !early);
			if (!authorizer)
				out_file(&cl, (uint16_t)i, stdin_file);
			if (early)
				out_record(&cl, FCGI_PARAMS, (uint16_t)i,
				    NULL, 0);
			rc = pump(&cl, 0);
			if (rc == 1) {
				fflush(stdout);
				fprintf(stderr, "fcgi_client: connection "
				    "closed before END_REQUEST\n");
				return 2;
			}
			if (rc == 3) {
				fflush(stdout);
				fprintf(stderr, "fcgi_client: timeout\n");
				return 3;
			}
		}
		fflush(stdout);
		free(cl.out);
		fcgi_decoder_free(&cl.dec);
		close(cl.fd);
		return 0;
	}

	cl.dump = 1;
	if (strcmp(mode, "raw") == 0) {
		for (i = 0; i < argc; i++) {
			bytes = hex_decode(argv[i], &len);
			out_add(&cl, bytes, len);
			free(bytes);
		}
		dump_end(&cl, pump(&cl, 0));
	} else if (strcmp(mode, "get-values") == 0) {
		out_get_values(&cl);
		dump_end(&cl, pump(&cl, 0));
	} else if (strcmp(mode, "flood") == 0) {
		if (argc < 2)
			usage();
		n = (int)strtonum(argv[0], 1, 4096, &errstr);
		if (errstr != NULL)
			errx(1, "flood MiB %s: %s", argv[0], errstr);
		if (strcmp(argv[1], "get-values") == 0) {
			out_get_values(&cl);
			bytes = cl.out;
			len = cl.outlen;
			cl.out = NULL;
		} else if ((bytes = hex_decode(argv[1], &len)) == NULL ||
		    len == 0)
			errx(1, "flood: no record");
		flood(&cl, (size_t)n * 1024 * 1024, bytes, len);
	} else if (strcmp(mode, "mpx") == 0) {
		out_begin(&cl, 1, FCGI_RESPONDER, 0);
		out_params(&cl, 1, argc, argv, 1);
		out_file(&cl, 1, stdin_file);
		out_begin(&cl, 2, FCGI_RESPONDER, 0);
		out_params(&cl, 2, argc, argv, 1);
		out_stdin(&cl, 2, NULL, 0);
		dump_end(&cl, pump(&cl, 0));
	} else if (strcmp(mode, "abort") == 0) {
		if (argc < 1)
			usage();
		ms = strtonum(argv[0], 0, 3600000, &errstr);
		if (errstr != NULL)
			errx(1, "abort %s: %s", argv[0], errstr);
		out_begin(&cl, 1, FCGI_RESPONDER, 0);
		out_params(&cl, 1, argc - 1, argv + 1, 1);
		out_file(&cl, 1, stdin_file);
		rc = pump(&cl, now_ms() + ms);
		if (rc != 4)
			dump_end(&cl, rc);
		out_record(&cl, FCGI_ABORT_REQUEST, 1, NULL, 0);
		dump_end(&cl, pump(&cl, 0));
	} else if (strcmp(mode, "fuzz") == 0) {
		if (argc < 2)
			usage();
		seed = (unsigned int)strtonum(argv[0], 0, UINT_MAX, &errstr);
		if (errstr != NULL)
			errx(1, "fuzz seed %s: %s", argv[0], errstr);
		n = (int)strtonum(argv[1], 1, 100000, &errstr);
		if (errstr != NULL)
			errx(1, "fuzz count %s: %s", argv[1], errstr);
		srandom(seed);
		for (i = 0; i < n; i++) {
			/* Mostly known types and small ids, to go deep. */
			len = (size_t)(random() % 300);
			fcgi_header_encode(rec, (uint8_t)(random() % 13),
			    (uint16_t)(random() % 3), (uint16_t)len,
			    (uint8_t)(random() % 8));
			for (j = 0; j < (int)len + rec[6]; j++)
				rec[FCGI_HEADER_LEN + j] = (uint8_t)random();
			if (rec[1] == FCGI_BEGIN_REQUEST && len >= 2 &&
			    random() % 2) {
				rec[FCGI_HEADER_LEN] = 0;
				rec[FCGI_HEADER_LEN + 1] = FCGI_RESPONDER;
			}
			out_add(&cl, rec, FCGI_HEADER_LEN + len + rec[6]);
		}
		dump_end(&cl, pump(&cl, 0));
	} else
		usage();
	return 0;
}
