#!/bin/bash
# authz_integration.sh: lighttpd (mod_fastcgi "mode" => "authorizer") and
# Apache 2.4 (mod_authnz_fcgi) really asking warmcgi to authorize requests
# for a protected path (FastCGI spec 6.3).  warmcgi runs
# tests/cgi-bin/authz.sh for them (--authorizer): it allows a request
# whose query string or X-Let-In header says let-in, with Variable-USER:
# alice, and denies anything else with a 403 and a body of its own.  The
# protected resource, showuser.sh, is served by the same warmcgi as a
# RESPONDER and prints the USER the server passed on from the authorizer.
#
# Needs lighttpd and apache2 (Debian packages of those names); skipped
# (exit 77) without them.  Run by make check, or by hand:
#   WARMCGI=src/warmcgi FCGI_CLIENT=tests/fcgi_client TESTS_SRCDIR=tests \
#       bash tests/authz_integration.sh

set -u
: "${WARMCGI:?}" "${FCGI_CLIENT:?}" "${TESTS_SRCDIR:?}"
. "$TESTS_SRCDIR/lib.sh"

for tool in lighttpd apache2 curl; do
	if ! command -v "$tool" >/dev/null 2>&1 &&
	    ! [ -x "/usr/sbin/$tool" ]; then
		echo "SKIP: $tool not installed" \
		    "(apt-get install lighttpd apache2 curl)" >&2
		exit 77
	fi
done
PATH=$PATH:/usr/sbin
APACHE_MODS=/usr/lib/apache2/modules

lib_init
START_MS=$(date +%s%N)
cp -R "$TESTS_SRCDIR/cgi-bin" "$T/cgi-bin"
chmod 0755 "$T"/cgi-bin/*
CGI=$T/cgi-bin
mkdir -p "$T/htdocs/protected" "$T/apache" "$T/lighttpd"
cp "$CGI/showuser.sh" "$T/htdocs/protected/showuser.sh"

# Run as root (CI), the servers' workers run as nobody: the socket must
# let them in, and what they read must be readable.
# lighttpd opens its log once it is nobody.
OWNER_OPTS=()
if [ "$(id -u)" = 0 ]; then
	OWNER_OPTS=(--socket-mode 0666)
	chown nobody:nogroup "$T/lighttpd"
fi

# free_port: a port nobody listens on, in $FREE_PORT.
free_port()
{
	local try
	for try in $(seq 1 50); do
		FREE_PORT=$((20000 + RANDOM % 12000))
		port_free "$FREE_PORT" && return 0
	done
	return 1
}

# wait_port PID PORT: PID listens there (or has died: fails).
wait_port()
{
	local i
	for (( i = 0; i < WAIT_NAPS; i++ )); do
		alive "$1" || return 1
		port_free "$2" || return 0
		sleep 0.05
	done
	return 1
}

# mod_authnz_fcgi reaches its authorizer over TCP only (fcgi://host:port/):
# warmcgi listens on both, unix for the responders, TCP for Apache.
free_port || exit 99
AZ_TCP=$FREE_PORT
start_warmcgi az "$T/w-az.sock" -v -s "tcp:127.0.0.1:$AZ_TCP" \
    --authorizer "$CGI/authz.sh" "${OWNER_OPTS[@]}" || exit 99

# ------------------------------------------------------------ lighttpd

LIGHTTPD_PID=
lighttpd_conf()
{
	cat <<CONF
server.document-root = "$T/htdocs"
server.bind = "127.0.0.1"
server.port = $1
server.errorlog = "$T/lighttpd/error.log"
server.modules += ( "mod_fastcgi" )
CONF
	[ "$(id -u)" = 0 ] && cat <<CONF
server.username = "nobody"
server.groupname = "nogroup"
CONF
	# The authorizer for every URL under /protected/, then the script
	# there as a responder, both from the one warmcgi.
	cat <<CONF
\$HTTP["url"] =~ "^/protected/" {
	fastcgi.server = (
		"/protected/" => ((
			"socket" => "$T/w-az.sock",
			"mode" => "authorizer",
			"docroot" => "$T/htdocs",
			"check-local" => "disable",
		)),
		".sh" => ((
			"socket" => "$T/w-az.sock",
			"check-local" => "disable",
		)),
	)
}
CONF
}

start_lighttpd()
{
	free_port || return 1
	lighttpd_conf "$FREE_PORT" >"$T/lighttpd.conf"
	lighttpd -D -f "$T/lighttpd.conf" </dev/null \
	    >>"$T/lighttpd.out" 2>&1 &
	LIGHTTPD_PID=$!
	PIDS="$PIDS $LIGHTTPD_PID"
	if ! wait_port "$LIGHTTPD_PID" "$FREE_PORT"; then
		echo "lighttpd did not start:" >&2
		cat "$T/lighttpd.out" "$T/lighttpd/error.log" >&2 2>/dev/null
		return 1
	fi
	PORT=$FREE_PORT
}

# -------------------------------------------------------------- Apache

APACHE_PID=
apache_conf()
{
	local m
	for m in mpm_event authn_core authz_core authz_user authnz_fcgi \
	    proxy proxy_fcgi; do
		echo "LoadModule ${m}_module $APACHE_MODS/mod_$m.so"
	done
	[ "$(id -u)" = 0 ] && printf 'User nobody\nGroup nogroup\n'
	cat <<CONF
ServerName localhost
ServerRoot $T/apache
DefaultRuntimeDir $T/apache
PidFile $T/apache/httpd.pid
Listen 127.0.0.1:$1
ErrorLog $T/apache-error.log
LogLevel warn authnz_fcgi:debug
DocumentRoot $T/htdocs

# The FastCGI authorizer, in mod_authnz_fcgi's check_user_id mode: its
# 200 lets the request in, the user taken from its Variable-USER; any
# other answer goes to the client (Authoritative On).
AuthnzFcgiDefineProvider authnz warmcgi fcgi://127.0.0.1:$AZ_TCP/
<Location "/protected/">
	AuthnzFcgiCheckAuthnProvider warmcgi Authoritative On \\
	    RequireBasicAuth Off UserExpr "%{reqenv:USER}"
	Require valid-user
	SetHandler "proxy:unix:$T/w-az.sock|fcgi://localhost/"
	ProxyFCGISetEnvIf "true" SCRIPT_FILENAME \\
	    "$T/htdocs/protected/showuser.sh"
</Location>
CONF
}

start_apache()
{
	free_port || return 1
	apache_conf "$FREE_PORT" >"$T/apache.conf"
	apache2 -f "$T/apache.conf" -DFOREGROUND </dev/null \
	    >>"$T/apache.out" 2>&1 &
	APACHE_PID=$!
	PIDS="$PIDS $APACHE_PID"
	if ! wait_port "$APACHE_PID" "$FREE_PORT"; then
		echo "apache2 did not start:" >&2
		cat "$T/apache.out" "$T/apache-error.log" >&2 2>/dev/null
		return 1
	fi
	PORT=$FREE_PORT
}

# stop_server PID: the server and the workers it started.
stop_server()
{
	local kids k
	kids=$(ps -o pid= --ppid "$1" 2>/dev/null)
	stop_pid "$1" TERM
	for k in $kids; do
		alive "$k" && kill -KILL "$k" 2>/dev/null
	done
}

# ---------------------------------------------------------------- tests

# t_server NAME: through whichever server is on $PORT.
t_allowed()
{
	local code
	code=$(http '/protected/showuser.sh?let-in')
	expect_eq "status" "$code" 200 || return 1
	expect_eq "body" "$(cat "$T/body")" "user=alice remote_user=$1" ||
	    return 1
	expect_nogrep "authorizer's body" "$T/body" 'authorizer body'
}

t_allowed_header()
{
	local code
	code=$(http '/protected/showuser.sh' -H 'X-Let-In: let-in')
	expect_eq "status" "$code" 200 || return 1
	expect_grep "body" "$T/body" '^user=alice '
}

t_denied()
{
	local code
	code=$(http '/protected/showuser.sh')
	expect_eq "status" "$code" 403 || return 1
	expect_grep "body" "$T/body" \
	    '^denied by authz\.sh \(role AUTHORIZER, ' || return 1
	expect_nogrep "protected body" "$T/body" '^user='
}

# The script ran as an AUTHORIZER: its decisions are in warmcgi's log.
t_logged()
{
	expect_grep "allowed" "${WLOG[az]}" 'authz\.sh\[[0-9]+\]: authorized \(200\)' ||
	    return 1
	expect_grep "denied" "${WLOG[az]}" 'authz\.sh\[[0-9]+\]: denied \(403\)'
}

if start_lighttpd; then
	run lighttpd-allowed t_allowed none
	run lighttpd-allowed-header t_allowed_header
	run lighttpd-denied t_denied
	stop_server "$LIGHTTPD_PID"
else
	fail lighttpd-start "lighttpd did not start"
fi

if start_apache; then
	run apache-allowed t_allowed alice
	run apache-allowed-header t_allowed_header
	run apache-denied t_denied
	stop_server "$APACHE_PID"
else
	fail apache-start "apache2 did not start"
fi
run authorizer-logged t_logged
run sanitizers check_sanitizers "${WLOG[az]}"

lib_finish
