# lib.sh: helpers for tests/integration.sh, sourced by bash.
#
# A temporary directory ($T) holding everything the tests make: sockets,
# logs, nginx's prefix and configuration, request bodies.  Every process
# started here is recorded and stopped by lib_cleanup on exit, whether the
# run passed, failed or was interrupted.  Results are counted by run(),
# which prints "ok NAME" or "FAIL NAME: why" for one test function; a
# test function sets $why and returns 1 to fail.

T=
NPASS=0
NFAIL=0
PIDS=			# warmcgi instances and others we started
NGINX_PID=
NGINX_WORKERS=
PORT=
declare -A WPID		# warmcgi instance name -> pid
declare -A WLOG		# warmcgi instance name -> log file
# As root, warmcgi refuses to run scripts unless given -u or --allow-root.
# These suites run as root (CI does) and their scripts write under $T as
# the harness does, so the daemons they start allow it unless a test gives
# -u itself: the drop has its own tests (t_priv_* in integration.sh).
WARMCGI_ROOT_OPT=
[ "$(id -u)" = 0 ] && WARMCGI_ROOT_OPT=--allow-root
# A small quarantine, so that an ASan build's RSS still means something.
WARMCGI_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8

# lib_need TOOL...: the test is skipped (77), saying why, unless every
# TOOL is installed, and with nginx its fastcgi_params (README's second
# command installs them all).
lib_need()
{
	local tool me=${0##*/}

	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 && continue
		echo "$me: $tool not found, skipping (README's second command" \
		    "installs the test dependencies)" >&2
		exit 77
	done
	case " $* " in
	*" nginx "*)
		[ -r /etc/nginx/fastcgi_params ] && return 0
		echo "$me: /etc/nginx/fastcgi_params missing, skipping" >&2
		exit 77
		;;
	esac
}

lib_init()
{
	T=$(mktemp -d /tmp/warmcgi-it.XXXXXX) || exit 99
	chmod 0755 "$T"
	trap lib_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	ASAN_BUILD=
	if grep -q __asan_init "$WARMCGI" 2>/dev/null; then
		ASAN_BUILD=1
		echo "# warmcgi is built with AddressSanitizer"
	fi
}

# check_sanitizers LOG...: fails, the first report in $why, if a sanitizer
# reported anything in one of these logs.
check_sanitizers()
{
	local f re='ERROR: (Address|Leak)Sanitizer|runtime error:'
	for f in "$@"; do
		[ -f "$f" ] || continue
		if grep -qE "$re" "$f"; then
			why="$(basename "$f"): $(grep -m1 -E "$re" "$f")"
			return 1
		fi
	done
}

# The bound on waiting for something that must happen: generous, since a
# test asserts that it happens, not how soon (figures belong in
# tests/bench).  Counted in 50 ms naps, not read off a clock, so that a
# slow or loaded machine gets more time, never less.
WAIT_NAPS=1200		# 60 s or more

# poll COMMAND [ARGS]: run it every 50 ms until it succeeds; fails when
# it still has not after WAIT_NAPS naps.
poll()
{
	local i
	for (( i = 0; i < WAIT_NAPS; i++ )); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

ok()
{
	NPASS=$((NPASS + 1))
	echo "ok $1"
}

fail()
{
	NFAIL=$((NFAIL + 1))
	echo "FAIL $1: $2"
}

# run NAME FUNCTION [ARGS]: one test, one line.
run()
{
	local name=$1
	shift
	why=
	if "$@" && [ -z "$why" ]; then
		ok "$name"
	else
		fail "$name" "${why:-failed}"
	fi
}

# Assertions: each returns 1 and sets $why on a mismatch.
short()
{
	printf '%s' "$1" | head -c 160 | tr '\r\n' '  '
}

expect_eq()
{
	[ "$2" = "$3" ] && return 0
	why="$1: got '$(short "$2")', want '$3'"
	return 1
}

# expect_grep WHAT FILE PATTERN (grep -E, whole line with -x if wanted)
expect_grep()
{
	grep -qE -- "$3" "$2" 2>/dev/null && return 0
	why="$1: no line matching '$3' in $(basename "$2"): '$(short \
	    "$(head -c 400 "$2" 2>/dev/null)")'"
	return 1
}

expect_nogrep()
{
	local line
	line=$(grep -E -m1 -- "$3" "$2" 2>/dev/null) || return 0
	why="$1: unexpected line '$(short "$line")'"
	return 1
}

# alive PID: the process exists and is not a zombie.
alive()
{
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# all_gone PID...: no pid is alive; the ones that are in $gone_left.
all_gone()
{
	local p
	gone_left=
	for p in "$@"; do
		alive "$p" && gone_left="$gone_left $p"
	done
	[ -z "$gone_left" ]
}

# wait_gone PID...: every pid exits (or is a zombie left to a parent
# other than warmcgi); those left are in $gone_left.
wait_gone()
{
	poll all_gone "$@"
}

# wait_file FILE: FILE exists and is not empty.  (No time limit to pass:
# a call that still gives one fails at once, rather than after the bound.)
wait_file()
{
	[ $# -eq 1 ] || { echo "usage: wait_file FILE" >&2; return 2; }
	poll test -s "$1"
}

# wait_log FILE PATTERN
wait_log()
{
	[ $# -eq 2 ] || { echo "usage: wait_log FILE PATTERN" >&2; return 2; }
	poll grep -qE -- "$2" "$1" 2>/dev/null
}

# count_files DIR N: DIR holds at least N entries.
count_files()
{
	local f=("$1"/*)
	[ -e "${f[0]}" ] || f=()
	[ "${#f[@]}" -ge "$2" ]
}

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

fd_count()
{
	ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# Processes running in the scripts' directory: every script and whatever
# it starts, since they inherit the working directory.  A warm
# interpreter waiting for work (a zygote) is meant to stay and is left out.
script_procs()
{
	local d p
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$(readlink "$d/cwd" 2>/dev/null)" = "$T/cgi-bin" ] ||
		    continue
		tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qi zygote &&
		    continue
		alive "$p" && echo "$p"
	done
}

# spare_of ZPID: the Perl zygote has exactly one child, its spare (no
# request process is left), in $spare_pid.
spare_of()
{
	local -a kids
	read -ra kids <"/proc/$1/task/$1/children" 2>/dev/null || true
	[ "${#kids[@]}" -eq 1 ] && spare_pid=${kids[0]}
}

# traced PID: strace (started as $sp) has attached to PID.
traced()
{
	alive "$sp" && awk '$1 == "TracerPid:" && $2 != 0 { t = 1 }
	    END { exit !t }' "/proc/$1/status"
}

# Zombies whose parent is PID.
zombies_of()
{
	ps -o pid=,stat= --ppid "$1" 2>/dev/null | awk '$2 ~ /^Z/ { print $1 }'
}

# start_warmcgi NAME SOCKET [ARGS]: the daemon on unix:SOCKET, with a
# variable in its environment that no script may see; log in $T/NAME.log.
start_warmcgi()
{
	local name=$1 sock=$2 pid a root=$WARMCGI_ROOT_OPT
	shift 2
	for a in "$@"; do
		case $a in -u|--user|--user=*|--allow-root) root= ;; esac
	done
	WLOG[$name]=$T/$name.log
	# Emptied before the start: a restart reuses the name, and its old
	# "ready:" must not pass for the new daemon's.
	: >"${WLOG[$name]}"
	WARMCGI_SECRET=leaked-$name ASAN_OPTIONS=$WARMCGI_ASAN_OPTIONS \
	    "$WARMCGI" -s "unix:$sock" $root "$@" \
	    >"${WLOG[$name]}" 2>&1 </dev/null &
	pid=$!
	WPID[$name]=$pid
	PIDS="$PIDS $pid"
	if ! wait_log "${WLOG[$name]}" 'ready:'; then
		echo "warmcgi $name did not start:" >&2
		cat "${WLOG[$name]}" >&2
		return 1
	fi
	return 0
}

# stop_pid PID SIG: signal our child and reap it; $stop_rc is its exit
# status, or "timeout" if it did not exit (it is then killed with
# SIGKILL).  Not in a subshell: only this shell can wait for its children.
stop_pid()
{
	kill "-$2" "$1" 2>/dev/null
	if ! wait_gone "$1"; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		stop_rc=timeout
		return
	fi
	wait "$1" 2>/dev/null
	stop_rc=$?
}

port_free()
{
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The start of an nginx configuration of ours, up to inside http { }.
nginx_conf_head()
{
	cat <<EOF
user root;
daemon off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx-error.log info;
events {
	worker_connections 1024;
}
http {
	access_log $T/nginx-access.log;
	client_body_temp_path $T/nginx/client_body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	client_max_body_size 64m;
	fastcgi_read_timeout 300s;
	fastcgi_send_timeout 60s;
EOF
}

# nginx_conf PORT: the configuration, fastcgi_params from the system.
nginx_conf()
{
	local loc=
	nginx_conf_head
	cat <<EOF

	upstream w1_keepalive {
		server unix:$T/w1.sock;
		keepalive 4;
	}

	server {
		listen 127.0.0.1:$1;
		server_name localhost;

		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_pass unix:$T/w1.sock;
		}
		location /ka/ {
			rewrite ^/ka(/.*)\$ \$1 break;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_keep_conn on;
			fastcgi_pass w1_keepalive;
		}
		location /slow/ {
			rewrite ^/slow(/.*)\$ \$1 break;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_buffering off;
			fastcgi_pass unix:$T/w1.sock;
		}
EOF
	for loc in p f q t lr; do
		cat <<EOF
		location /$loc/ {
			rewrite ^/$loc(/.*)\$ \$1 break;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_pass unix:$T/w-$loc.sock;
		}
EOF
	done
	cat <<EOF
	}
}
EOF
}

# Start nginx in the foreground of a background job on a free port.
start_nginx()
{
	local try port i
	mkdir -p "$T/nginx"
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 12000))	# below the ephemeral range
		port_free "$port" || continue
		nginx_conf "$port" >"$T/nginx.conf"
		nginx -p "$T/nginx/" -c "$T/nginx.conf" \
		    -e "$T/nginx-error.log" </dev/null >>"$T/nginx.out" 2>&1 &
		NGINX_PID=$!
		for (( i = 0; i < WAIT_NAPS; i++ )); do
			alive "$NGINX_PID" || break
			if ! port_free "$port"; then
				PORT=$port
				NGINX_WORKERS=$(ps -o pid= --ppid "$NGINX_PID")
				return 0
			fi
			sleep 0.05
		done
		kill -KILL "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=
	done
	echo "nginx did not start:" >&2
	cat "$T/nginx.out" "$T/nginx-error.log" >&2 2>/dev/null
	return 1
}

stop_nginx()
{
	local w
	[ -n "$NGINX_PID" ] || return 0
	NGINX_WORKERS="$NGINX_WORKERS $(ps -o pid= --ppid "$NGINX_PID")"
	stop_pid "$NGINX_PID" TERM
	for w in $NGINX_WORKERS; do
		alive "$w" && kill -KILL "$w" 2>/dev/null
	done
	NGINX_PID=
}

# http PATH [CURL ARGS]: prints the status code; the body is in
# $T/body and the response headers in $T/hdr.
http()
{
	local path=$1
	shift
	curl -sS -m 60 -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" \
	    "http://127.0.0.1:$PORT$path" 2>"$T/curl.err"
}

# A header's value from $T/hdr (case-insensitive name).
hdr()
{
	tr -d '\r' <"$T/hdr" | awk -v n="$1" 'BEGIN { n = tolower(n) }
	    { i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) {
	    v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit } }'
}

# lib_finish: a test script's last words, its time, where its logs are
# kept if they are, its counts; its status is the script's.
lib_finish()
{
	echo "# $(( ($(date +%s%N) - START_MS) / 1000000 )) ms"
	[ "$NFAIL" -eq 0 ] && [ -z "${WARMCGI_KEEP_TMP:-}" ] ||
	    echo "# logs kept in $T"
	echo "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ]
}

# The exit trap.  LIB_AFTER_STOP, if set, is a command run once the
# daemons are stopped and before $T goes (a database their scripts use).
lib_cleanup()
{
	local p
	trap - EXIT
	stop_nginx
	for p in $PIDS; do
		alive "$p" && stop_pid "$p" TERM
	done
	[ -z "${LIB_AFTER_STOP:-}" ] || $LIB_AFTER_STOP
	for p in $(script_procs); do
		kill -KILL "$p" 2>/dev/null
	done
	if [ "$NFAIL" -gt 0 ] || [ -n "${WARMCGI_KEEP_TMP:-}" ]; then
		rm -f "$T"/*.bin
	else
		rm -rf "$T"
	fi
}
