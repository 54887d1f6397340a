#!/bin/bash
#
# Black-box tests of the limits (issue 10): what scripts run under
# (--rlimit, --nice, exec'd and warm), who may connect (--allow-from,
# FCGI_WEB_SERVER_ADDRS), and the daemon's own limits: its descriptor
# limit and --max-conns, the totals of held output (--hold-memory-total,
# --spill-total), a failed fork (503) and --pidfile.  No web server: the
# requests go straight to warmcgi with tests/fcgi_client, or with a small
# client below that holds a request body open.  Run by `make check` with
# WARMCGI, FCGI_CLIENT and TESTS_SRCDIR set; prints "ok NAME" or "FAIL
# NAME: why" per test and "N passed, M failed"; exits 77 (skip) without
# perl, python3 or prlimit.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

. "$TESTS_SRCDIR/lib.sh"
lib_need perl python3 prlimit

lib_init
CGI=$T/cgi-bin
mkdir -p "$CGI" "$T/sg"
cp "$TESTS_SRCDIR/cgi-bin/hello.sh" "$TESTS_SRCDIR/cgi-bin/big.sh" "$CGI/"
HELPERS=$(dirname "$WARMCGI")/warm
[ -r "$HELPERS/warmcgi-zygote.py" ] || HELPERS=$TESTS_SRCDIR/../src/warm

# What a script runs under, as the kernel says: its limits and niceness.
cat >"$CGI/limits.sh" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
cat /proc/self/limits
sed 's/.*) //' /proc/$$/stat | awk '{ print "nice", $17 }'
EOF
cat >"$CGI/limits.pl" <<'EOF'
#!/usr/bin/perl
print "Content-Type: text/plain\r\n\r\n";
open(my $l, '<', '/proc/self/limits') or die;
print <$l>;
open(my $s, '<', '/proc/self/stat') or die;
my @f = split ' ', (scalar(<$s>) =~ s/.*\) //r);
print "nice $f[16]\n";
EOF
cat >"$CGI/limits.py" <<'EOF'
#!/usr/bin/python3
import sys
sys.stdout.write("Content-Type: text/plain\r\n\r\n")
sys.stdout.write(open("/proc/self/limits").read())
f = open("/proc/self/stat").read().rsplit(") ", 1)[1].split()
sys.stdout.write("nice %s\n" % f[16])
EOF
sed -i "1s|.*|#!$(command -v perl)|" "$CGI/limits.pl"
sed -i "1s|.*|#!$(command -v python3)|" "$CGI/limits.py"
chmod 0755 "$CGI"/*

# A client that sends a request and one byte of its body, then waits for
# the file named by its third argument before ending the body; it prints
# the bytes of FCGI_STDOUT it got and the END_REQUEST's appStatus.
cat >"$T/hold.py" <<'EOF'
import os, socket, struct, sys, time
path, script, release, query = sys.argv[1:5]
def rec(t, c=b""):
    return struct.pack(">BBHHBx", 1, t, 1, len(c), 0) + c
def pair(k, v):
    return bytes([len(k), len(v)]) + k + v
params = (pair(b"SCRIPT_FILENAME", script.encode()) +
    pair(b"REQUEST_METHOD", b"POST") + pair(b"QUERY_STRING", query.encode()))
s = socket.socket(socket.AF_UNIX)
s.connect(path)
s.sendall(rec(1, struct.pack(">HB5x", 1, 0)) + rec(4, params) + rec(4) +
    rec(5, b"x"))
deadline = time.time() + 60
while not os.path.exists(release) and time.time() < deadline:
    time.sleep(0.05)
s.sendall(rec(5))
buf, out, app = b"", 0, None
s.settimeout(60)
while app is None:
    d = s.recv(65536)
    if not d:
        break
    buf += d
    while len(buf) >= 8:
        v, t, i, n, p = struct.unpack(">BBHHB", buf[:7])
        if len(buf) < 8 + n + p:
            break
        c = buf[8:8 + n]
        buf = buf[8 + n + p:]
        if t == 6:
            out += len(c)
        elif t == 3:
            app = struct.unpack(">I", c[:4])[0]
print("stdout %d app %s" % (out, app))
EOF

# fcgi ARGS: tests/fcgi_client, bounded in time; output in $T/fc.out and
# $T/fc.err, exit status in $fc_rc.
fcgi()
{
	timeout 30 "$FCGI_CLIENT" "$@" >"$T/fc.out" 2>"$T/fc.err" </dev/null
	fc_rc=$?
}

get()
{
	fcgi "$1" request "SCRIPT_FILENAME=$2" REQUEST_METHOD=GET \
	    "QUERY_STRING=${3:-}"
}

# limit_of FILE NAME: soft and hard of one line of /proc/PID/limits.
limit_of()
{
	sed -n "s/^$2  *\([0-9a-z]*\)  *\([0-9a-z]*\).*/\1 \2/p" "$1"
}

free_port()
{
	local p
	for p in $(shuf -i 20000-31999 -n 50); do
		port_free "$p" && { echo "$p"; return; }
	done
	echo 0
}

# warm_starts INST: requests instance INST has sent to a zygote (-v).
warm_starts()
{
	grep -c ': warm start$' "${WLOG[$1]}"
}

# Checks the limits --rlimit cpu=7,as=2000000000,nofile=77,nproc=500,core=0
# --nice 7 give, in $T/fc.out.
check_limits()
{
	local f=$T/fc.out
	expect_eq "$1 cpu" "$(limit_of "$f" 'Max cpu time')" "7 8" &&
	expect_eq "$1 as" "$(limit_of "$f" 'Max address space')" \
	    "2000000000 2000000000" &&
	expect_eq "$1 nofile" "$(limit_of "$f" 'Max open files')" "77 77" &&
	expect_eq "$1 nproc" "$(limit_of "$f" 'Max processes')" "500 500" &&
	expect_eq "$1 core" "$(limit_of "$f" 'Max core file size')" "0 0" &&
	expect_grep "$1 nice" "$f" '^nice 7$'
}

# ---------------------------------------------------------------- tests

t_rlimit_exec()
{
	get "unix:$T/r.sock" "$CGI/limits.sh"
	expect_eq "client rc" "$fc_rc" 0 || return 1
	check_limits exec
}

# The first requests of a script may be exec'd while its zygote starts:
# ask until one was served warm, then look at that one's answer.
t_rlimit_warm()
{
	local script=$CGI/$1 i n
	for i in $(seq 1 100); do
		n=$(warm_starts r)
		get "unix:$T/r.sock" "$script"
		[ "$(warm_starts r)" -gt "$n" ] && break
		sleep 0.1
	done
	[ "$(warm_starts r)" -gt "$n" ] || { why="never served warm"; return 1; }
	expect_eq "client rc" "$fc_rc" 0 || return 1
	check_limits "warm $1"
}

# Without --rlimit nofile, scripts get the soft limit warmcgi started with,
# not the hard one it raised its own to.
t_nofile()
{
	local pid=${WPID[n]}
	expect_eq "daemon's limit" "$(limit_of "/proc/$pid/limits" \
	    'Max open files')" "3000 3000" || return 1
	get "unix:$T/n.sock" "$CGI/limits.sh"
	expect_eq "client rc" "$fc_rc" 0 || return 1
	expect_eq "script's limit" "$(limit_of "$T/fc.out" 'Max open files')" \
	    "1000 3000"
}

t_max_conns_shrink()
{
	expect_grep log "${WLOG[n]}" \
	    'descriptor limit 3000: --max-conns lowered from 4096 to 1452' ||
	    return 1
	fcgi "unix:$T/n.sock" get-values
	expect_grep values "$T/fc.out" 'FCGI_MAX_CONNS=1452'
}

# allowed INST PORT: a request over TCP is served.
allowed()
{
	get "tcp:127.0.0.1:$2" "$CGI/hello.sh"
	expect_eq "$1 client rc" "$fc_rc" 0 &&
	    expect_grep "$1 answer" "$T/fc.out" '^hello'
}

# denied INST PORT: the connection is closed at accept, and logged.
denied()
{
	get "tcp:127.0.0.1:$2" "$CGI/hello.sh"
	expect_eq "$1 client rc" "$fc_rc" 2 || return 1
	expect_nogrep "$1 answer" "$T/fc.out" 'hello' || return 1
	wait_log "${WLOG[$1]}" \
	    '127\.0\.0\.1:[0-9]+#[0-9]+: refused: not in --allow-from' || {
		why="$1: no log line"; return 1; }
}

t_allow_from()
{
	allowed a1 "$PORT_A1" && denied a2 "$PORT_A2" &&
	    allowed a3 "$PORT_A3" && denied a4 "$PORT_A4" &&
	    allowed a5 "$PORT_A5"
}

# spill_size PID: the size of PID's spill file in $T/sg, or nothing.
spill_size()
{
	local fd
	for fd in /proc/$1/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		"$T/sg/"*) stat -L -c %s "$fd" 2>/dev/null; return ;;
		esac
	done
}

# Held output: A's body stays open while its script prints 4 MB; all
# connections together may hold 64 kB in memory (A alone could hold 1
# MiB), so the rest goes to a spill file.  Once that has reached
# --spill-total (100 kB), A's output is no longer read (its script waits
# in its write: 4 MB is more than the pipe, the spill file and one more
# read) and a new request gets 503.  When A's body ends it gets all of its
# output.
t_held_totals()
{
	local pid=${WPID[g]} hold i n=4000000 size=
	rm -f "$T/release"
	timeout 90 python3 "$T/hold.py" "$T/g.sock" "$CGI/big.sh" \
	    "$T/release" n=$n >"$T/hold.out" 2>&1 &
	hold=$!
	for i in $(seq 1 600); do
		size=$(spill_size "$pid")
		[ -n "$size" ] && [ "$size" -ge 100000 ] && break
		sleep 0.05
	done
	if [ -z "$size" ] || [ "$size" -lt 100000 ]; then
		why="no spill file of 100 kB past --hold-memory-total: '$size'"
		touch "$T/release"; wait $hold; return 1
	fi
	get "unix:$T/g.sock" "$CGI/hello.sh"
	expect_grep "second request" "$T/fc.out" '^Status: 503' &&
	    expect_grep log "${WLOG[g]}" '--spill-total reached \(503\)' &&
	    [ -n "$(script_procs)" ] || {
		why=${why:-"the script is not waiting in its write"}
		touch "$T/release"; wait $hold; return 1; }
	touch "$T/release"
	wait $hold
	expect_eq "held request" "$(cat "$T/hold.out")" \
	    "stdout $((n + 42)) app 0" || return 1
	for i in $(seq 1 200); do
		[ -z "$(spill_size "$pid")" ] && break
		sleep 0.05
	done
	get "unix:$T/g.sock" "$CGI/hello.sh"
	expect_grep "request after" "$T/fc.out" '^hello'
}

# A fork that fails: warmcgi as an unprivileged user allowed one process,
# itself.  The request gets 503 and the log says why.
t_fork_fails()
{
	local port
	if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
		echo "# fork-fails-503: needs root and setpriv, skipped"
		return 0
	fi
	port=$(free_port)
	WLOG[u]=$T/u.log
	prlimit --nproc=1:1 setpriv --reuid=54321 --regid=54321 \
	    --clear-groups "$WARMCGI" -s "tcp:127.0.0.1:$port" --warm off \
	    -c 2 >"${WLOG[u]}" 2>&1 </dev/null &
	WPID[u]=$!
	PIDS="$PIDS $!"
	wait_log "${WLOG[u]}" 'ready:' || {
		why="did not start: $(short "$(cat "${WLOG[u]}")")"; return 1; }
	get "tcp:127.0.0.1:$port" "$CGI/hello.sh"
	expect_eq "client rc" "$fc_rc" 0 || return 1
	expect_grep answer "$T/fc.out" '^Status: 503' || return 1
	expect_grep log "${WLOG[u]}" \
	    'hello\.sh: cannot run \(503\): Resource temporarily unavailable'
}

t_pidfile()
{
	local pid=${WPID[pf]}
	expect_eq "pid in the file" "$(cat "$T/w.pid")" "$pid" || return 1
	WARMCGI_SECRET= "$WARMCGI" $WARMCGI_ROOT_OPT -s "unix:$T/pf2.sock" --pidfile "$T/w.pid" \
	    >"$T/pf2.log" 2>&1 </dev/null
	expect_eq "second instance's status" "$?" 1 || return 1
	expect_grep "second instance" "$T/pf2.log" \
	    "--pidfile $T/w.pid: warmcgi is already running as pid $pid" ||
	    return 1
	expect_eq "pid still in the file" "$(cat "$T/w.pid")" "$pid" || return 1
	stop_pid "$pid" TERM
	expect_eq "exit status" "$stop_rc" 0 || return 1
	[ ! -e "$T/w.pid" ] || { why="pidfile left behind"; return 1; }
}

t_bad_limits()
{
	"$WARMCGI" $WARMCGI_ROOT_OPT -s "unix:$T/bad.sock" --nice 0 --rlimit nofile=1000000000 \
	    >"$T/bad.log" 2>&1 </dev/null
	expect_eq "status" "$?" 1 || return 1
	expect_grep log "$T/bad.log" \
	    '--rlimit nofile=1000000000 is above warmcgi.s own hard limit'
}

# ---------------------------------------------------------------- setup

LIMITS="--rlimit cpu=7,as=2000000000,nofile=77 --rlimit nproc=500,core=0
    --nice 7"
# shellcheck disable=SC2086
start_warmcgi r "$T/r.sock" -v --warm-helpers "$HELPERS" $LIMITS || exit 99
# Under prlimit: its descriptor limit, 1000 of 3000, is raised to 3000 and
# --max-conns lowered to (3000 - 64 reserved - 8 scripts * 4) / 2 = 1452.
# (Raising a hard limit to 3000 needs root, or one that high already.)
HARD_NOFILE=$(ulimit -Hn)
if [ "$(id -u)" = 0 ] || [ "$HARD_NOFILE" = unlimited ] ||
    [ "$HARD_NOFILE" -ge 3000 ]; then
	WLOG[n]=$T/n.log
	prlimit --nofile=1000:3000 "$WARMCGI" $WARMCGI_ROOT_OPT -s "unix:$T/n.sock" -c 8 -v \
	    --warm off >"${WLOG[n]}" 2>&1 </dev/null &
	WPID[n]=$!
	PIDS="$PIDS $!"
	wait_log "${WLOG[n]}" 'ready:' || { cat "${WLOG[n]}"; exit 99; }
fi
for i in 1 2 3 4 5; do
	eval "PORT_A$i=\$(free_port)"
done
start_warmcgi a1 "$T/a1.sock" -s "tcp:127.0.0.1:$PORT_A1" \
    --allow-from 127.0.0.0/8 || exit 99
start_warmcgi a2 "$T/a2.sock" -s "tcp:127.0.0.1:$PORT_A2" \
    --allow-from 127.0.0.2/32 --allow-from ::1 || exit 99
FCGI_WEB_SERVER_ADDRS="127.0.0.5, 127.0.0.1" \
    start_warmcgi a3 "$T/a3.sock" -s "tcp:127.0.0.1:$PORT_A3" || exit 99
FCGI_WEB_SERVER_ADDRS=127.0.0.2 \
    start_warmcgi a4 "$T/a4.sock" -s "tcp:127.0.0.1:$PORT_A4" || exit 99
# Both: either list lets a peer in.
FCGI_WEB_SERVER_ADDRS=127.0.0.2 start_warmcgi a5 "$T/a5.sock" \
    -s "tcp:127.0.0.1:$PORT_A5" --allow-from 127.0.0.1 || exit 99
start_warmcgi g "$T/g.sock" -v --warm off --hold-memory 1048576 \
    --hold-memory-total 65536 --spill-total 100000 --tmpdir "$T/sg" ||
    exit 99
start_warmcgi pf "$T/pf.sock" --pidfile "$T/w.pid" || exit 99

run rlimit-nice-exec t_rlimit_exec
run rlimit-nice-warm-perl t_rlimit_warm limits.pl
run rlimit-nice-warm-python t_rlimit_warm limits.py
if [ -n "${WPID[n]:-}" ]; then
	run nofile-raised t_nofile
	run max-conns-shrinks t_max_conns_shrink
else
	echo "# nofile-raised, max-conns-shrinks: hard limit $HARD_NOFILE," \
	    "skipped"
fi
run allow-from t_allow_from
run held-output-totals t_held_totals
run fork-fails-503 t_fork_fails
run pidfile t_pidfile
run limits-checked-at-start t_bad_limits
run sanitizers check_sanitizers "$T"/*.log

echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
