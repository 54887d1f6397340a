#!/bin/bash
#
# Black-box tests: a real nginx on 127.0.0.1 in front of warmcgi on unix
# sockets in a temporary directory, cgi-fcgi from libfcgi-bin, and
# tests/fcgi_client sending what no web server would.  Run by `make check`
# with WARMCGI, FCGI_CLIENT and TESTS_SRCDIR set; by hand, set them too.
# Prints "ok NAME" or "FAIL NAME: why" per test and "N passed, M failed";
# exits 1 on any failure, 77 (skip) when nginx, cgi-fcgi or curl is missing.
#
# Instances: w1 (the main one: -c 128, --max-params 8192, -v), w-p (-p),
# w-f (-f), w-q (-c 2 --queue 1), w-t (SIGTERM, --grace 600), a few on
# dup.sock, and w-gv (GET_VALUES with --max-conns below -c plus --queue),
# w-to (-t 3 --kill-grace 1), w-idle (--idle-timeout 2) and w-ct
# (--conn-timeout 2).

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

. "$TESTS_SRCDIR/lib.sh"
lib_need nginx cgi-fcgi curl perl sha256sum

START_MS=$(date +%s%N)
lib_init

# The scripts run from a copy, beside files that must not run.
cp -R "$TESTS_SRCDIR/cgi-bin" "$T/cgi-bin"
chmod 0755 "$T"/cgi-bin/*
printf '#!/bin/sh\necho never\n' >"$T/cgi-bin/noexec.sh"
chmod 0644 "$T/cgi-bin/noexec.sh"
mkdir "$T/cgi-bin/adir"
CGI=$T/cgi-bin
W1=$T/w1.sock

head -c 0 /dev/urandom >"$T/b0.bin"
head -c 1 /dev/urandom >"$T/b1.bin"
head -c 65537 /dev/urandom >"$T/b65537.bin"
head -c $((10 * 1024 * 1024)) /dev/urandom >"$T/b10m.bin"

# fcgi ARGS: tests/fcgi_client, bounded in time (-t 60 unless ARGS say
# otherwise); stdout in $T/fc.out, stderr in $T/fc.err, exit status in
# $fc_rc.
fcgi()
{
	timeout 90 "$FCGI_CLIENT" -t 60 "$@" >"$T/fc.out" 2>"$T/fc.err" \
	    </dev/null
	fc_rc=$?
}

# A normal request to w1 that must succeed, after each malformed input.
w1_serves()
{
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$W1" request \
	    "SCRIPT_FILENAME=$CGI/hello.sh" REQUEST_METHOD=GET \
	    >"$T/ok.out" 2>"$T/ok.err" </dev/null
	local rc=$?
	alive "${WPID[w1]}" || { why="${why:+$why; }warmcgi died"; return 1; }
	[ $rc -eq 0 ] && grep -q '^hello' "$T/ok.out" &&
	    grep -q 'end app=0 proto=0' "$T/ok.err" && return 0
	why="${why:+$why; }the next request failed (rc $rc): $(short \
	    "$(cat "$T/ok.out" "$T/ok.err")")"
	return 1
}

# ---------------------------------------------------------------- setup

# w1 counts its descriptors against these: no warm interpreters (their
# pipes stay open while they idle; tests/warm_integration.sh has them).
start_warmcgi w1 "$W1" -v -c 128 --max-params 8192 --warm off || exit 99
W1_IDLE_FDS=$(fd_count "${WPID[w1]}")
W1_IDLE_RSS=$(rss_kb "${WPID[w1]}")
start_warmcgi p "$T/w-p.sock" -p "$CGI/hello.sh" || exit 99
start_warmcgi f "$T/w-f.sock" -f || exit 99
start_warmcgi q "$T/w-q.sock" -c 2 --queue 1 || exit 99
start_warmcgi t "$T/w-t.sock" --grace 600 || exit 99
start_warmcgi to "$T/w-to.sock" -v -t 3 --idle-timeout 0 --kill-grace 1 ||
    exit 99
start_warmcgi idle "$T/w-idle.sock" -v --idle-timeout 2 --kill-grace 1 ||
    exit 99
# 1000 connections and its own descriptors: above the usual soft 1024.
ulimit -Sn 4096 2>/dev/null
start_warmcgi ct "$T/w-ct.sock" -v --conn-timeout 2 --warm off || exit 99
start_warmcgi lr "$T/w-lr.sock" -v --local-redirect accel || exit 99
start_warmcgi az "$T/w-az.sock" -v --authorizer "$CGI/authz.sh" || exit 99
start_nginx || exit 99

# ---------------------------------------------------------------- tests

t_env_nginx()
{
	local code
	code=$(http '/cgi-bin/env.pl?a=1&b=2' -H 'Proxy: evil' \
	    -H 'X-Probe: yes')
	expect_eq status "$code" 200 || return 1
	expect_grep env "$T/body" '^GATEWAY_INTERFACE=CGI/1\.1$' || return 1
	expect_grep env "$T/body" '^REQUEST_METHOD=GET$' || return 1
	expect_grep env "$T/body" '^QUERY_STRING=a=1&b=2$' || return 1
	expect_grep env "$T/body" '^SCRIPT_NAME=/cgi-bin/env\.pl$' || return 1
	expect_grep env "$T/body" '^SCRIPT_FILENAME=' || return 1
	expect_grep env "$T/body" '^PATH=.' || return 1
	expect_grep env "$T/body" '^HTTP_X_PROBE=yes$' || return 1
	expect_grep env "$T/body" '^argc=0$' || return 1
	expect_nogrep env "$T/body" '^HTTP_PROXY=' || return 1
	expect_nogrep env "$T/body" 'WARMCGI_SECRET|leaked-' || return 1
}

# Straight to the socket with three params: everything else the script
# sees is warmcgi's doing, and only GATEWAY_INTERFACE and PATH may be.
t_env_direct()
{
	local names
	fcgi "unix:$W1" request "SCRIPT_FILENAME=$CGI/env.pl" \
	    REQUEST_METHOD=GET QUERY_STRING=x=1 HTTP_PROXY=evil
	expect_eq "client rc" "$fc_rc" 0 || return 1
	names=$(sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$T/fc.out" |
	    grep -v '^argc$' | sort | tr '\n' ' ')
	expect_eq "variables" "$names" \
	    "GATEWAY_INTERFACE PATH QUERY_STRING REQUEST_METHOD SCRIPT_FILENAME " ||
	    return 1
	expect_grep env "$T/fc.out" '^PATH=/usr/local/bin:/usr/bin:/bin$' ||
	    return 1
	expect_grep env "$T/fc.out" '^GATEWAY_INTERFACE=CGI/1\.1$'
}

# An ISINDEX query (no '=') gives no argv words by default, as in fcgiwrap
# and slowcgi; tests/priv_integration.sh has --isindex-argv.
t_argv()
{
	local code
	code=$(http '/cgi-bin/env.pl?word1+word%202+%2Bplus')
	expect_eq status "$code" 200 || return 1
	expect_grep argv "$T/body" '^argc=0$' || return 1
	expect_nogrep argv "$T/body" '^argv='
}

t_path_info()
{
	local code
	code=$(http '/cgi-bin/env.pl/extra/path')
	expect_eq status "$code" 200 || return 1
	expect_grep env "$T/body" '^PATH_INFO=/extra/path$' || return 1
	expect_grep env "$T/body" '^SCRIPT_NAME=/cgi-bin/env\.pl$'
}

t_sane()
{
	local code
	code=$(http '/cgi-bin/sane.pl')
	expect_eq status "$code" 200 || return 1
	expect_grep cwd "$T/body" "^cwd=$CGI\$" || return 1
	expect_eq fds "$(grep '^fd=' "$T/body" | cut -d' ' -f1 | tr '\n' ' ')" \
	    'fd=0 fd=1 fd=2 ' || return 1
	code=$(http '/cgi-bin/sigs.sh')
	expect_eq status "$code" 200 || return 1
	sigs_ok "$T/body"
}

# sigs_ok FILE: sigs.sh's output; nothing blocked and nothing ignored,
# glibc's internal signals 32 and 33 included.
sigs_ok()
{
	expect_grep "blocked signals" "$1" '^SigBlk:[[:space:]]+0+$' ||
	    return 1
	expect_grep "ignored signals" "$1" '^SigIgn:[[:space:]]+0+$'
}

# start_inherited NAME fd0|systemd SOCKET [ARGS]: the daemon handed a
# listening unix socket, as spawn-fcgi does on fd 0 or systemd on fd 3
# (LISTEN_PID is the daemon's pid: perl execs it), and a stray fd 7 that
# is not close-on-exec either; log in $T/NAME.log.
start_inherited()
{
	local name=$1 mode=$2 sock=$3 pid
	shift 3
	WLOG[$name]=$T/$name.log
	ASAN_OPTIONS=$WARMCGI_ASAN_OPTIONS perl -MIO::Socket::UNIX -MPOSIX -e '
		$^F = 1000;	# nothing close-on-exec: as a spawner hands it
		my ($mode, $path, @cmd) = @ARGV;
		my $s = IO::Socket::UNIX->new(Local => $path, Listen => 16)
		    or die "$path: $!\n";
		my $to = $mode eq "fd0" ? 0 : 3;
		if (fileno($s) != $to) {
			defined(POSIX::dup2(fileno($s), $to)) or die "dup2: $!\n";
			POSIX::close(fileno($s));
		}
		@ENV{qw(LISTEN_PID LISTEN_FDS)} = ($$, 1) if $mode eq "systemd";
		exec(@cmd) or die "exec: $!\n";
	    ' "$mode" "$sock" "$WARMCGI" $WARMCGI_ROOT_OPT "$@" \
	    >"${WLOG[$name]}" 2>&1 </dev/null \
	    7</dev/null &
	pid=$!
	WPID[$name]=$pid
	PIDS="$PIDS $pid"
	wait_log "${WLOG[$name]}" 'ready:' && return 0
	why="warmcgi $name did not start: $(short "$(cat "${WLOG[$name]}")")"
	return 1
}

# A listener handed to us (fd 0, systemd) is no script's, nor any other
# descriptor: it sees fds 0-2 only, and starts with every signal at
# default, none blocked.
t_inherited()
{
	local mode=$1 sock=$T/inh-$1.sock rc
	start_inherited "inh-$mode" "$mode" "$sock" || return 1
	fcgi "unix:$sock" request "SCRIPT_FILENAME=$CGI/sane.pl" \
	    REQUEST_METHOD=GET
	expect_eq fds "$(grep '^fd=' "$T/fc.out" | cut -d' ' -f1 | tr '\n' ' ')" \
	    'fd=0 fd=1 fd=2 ' || return 1
	fcgi "unix:$sock" request "SCRIPT_FILENAME=$CGI/sigs.sh" \
	    REQUEST_METHOD=GET
	sigs_ok "$T/fc.out" || return 1
	stop_pid "${WPID[inh-$mode]}" TERM
	rc=$stop_rc
	expect_eq "exit status" "$rc" 0
}

# post_nginx SIZE: the body comes back unchanged through nginx.
t_post_nginx()
{
	local f=$T/b$1.bin code
	code=$(http /cgi-bin/echo.sh --data-binary "@$f" \
	    -H 'Content-Type: application/octet-stream')
	expect_eq status "$code" 200 || return 1
	expect_eq sha256 "$(sha256sum <"$T/body" | cut -d' ' -f1)" \
	    "$(sha256sum <"$f" | cut -d' ' -f1)"
}

t_post_direct()
{
	local want i
	want=$( { printf 'Content-Type: application/octet-stream\r\n\r\n'
	    cat "$T/b10m.bin"; } | sha256sum | cut -d' ' -f1)
	# Several times: a stall here has depended on timing.
	for i in 1 2 3; do
		fcgi -i "$T/b10m.bin" "unix:$W1" request \
		    "SCRIPT_FILENAME=$CGI/echo.sh" REQUEST_METHOD=POST \
		    CONTENT_LENGTH=10485760
		expect_eq "run $i: client rc" "$fc_rc" 0 || return 1
		expect_eq "run $i: sha256" \
		    "$(sha256sum <"$T/fc.out" | cut -d' ' -f1)" "$want" ||
		    return 1
	done
}

# The script writes 1 MiB before reading its 10 MiB body.
early_check()
{
	local out=$1 size want
	size=$(stat -c %s "$out")
	want="len=10485760 sha256=$(sha256sum <"$T/b10m.bin" | cut -d' ' -f1)"
	expect_eq "last line" "$(tail -n 1 "$out")" "$want" || return 1
	expect_eq "1 MiB of x" "$(head -c 1048576 "$out" | tr -d x | wc -c)" \
	    0
}

t_early_nginx()
{
	local code
	code=$(http /cgi-bin/early.pl --data-binary "@$T/b10m.bin")
	expect_eq status "$code" 200 || return 1
	early_check "$T/body"
}

t_early_direct()
{
	local i
	# Several times: a stall here has depended on timing.
	for i in 1 2 3 4 5; do
		fcgi -i "$T/b10m.bin" "unix:$W1" request \
		    "SCRIPT_FILENAME=$CGI/early.pl" REQUEST_METHOD=POST \
		    CONTENT_LENGTH=10485760
		expect_eq "run $i: client rc ($(short "$(cat "$T/fc.err")"))" \
		    "$fc_rc" 0 || return 1
		tail -c +$((38 + 4 + 1)) "$T/fc.out" >"$T/fc.body"
		early_check "$T/fc.body" || { why="run $i: $why"; return 1; }
	done
}

t_noread_nginx()
{
	local code
	code=$(http /cgi-bin/noread.sh --data-binary "@$T/b10m.bin")
	expect_eq status "$code" 200 || return 1
	expect_eq body "$(cat "$T/body")" "not read"
}

t_noread_direct()
{
	fcgi -i "$T/b10m.bin" "unix:$W1" request \
	    "SCRIPT_FILENAME=$CGI/noread.sh" REQUEST_METHOD=POST \
	    CONTENT_LENGTH=10485760
	expect_eq "client rc" "$fc_rc" 0 || return 1
	expect_grep body "$T/fc.out" '^not read$'
}

# 100 MiB out through nginx (unbuffered) to a client reading at ~20 MB/s.
t_stream_rss()
{
	local pid=${WPID[w1]} cpid max=0 r
	local size=$((100 * 1024 * 1024)) out bound
	curl -sS -m 300 --limit-rate 20M -o /dev/null \
	    -w '%{http_code} %{size_download}' \
	    "http://127.0.0.1:$PORT/slow/cgi-bin/big.sh?n=$size" \
	    >"$T/stream.out" 2>"$T/stream.err" &
	cpid=$!
	while alive "$cpid"; do
		r=$(rss_kb "$pid")
		[ -n "$r" ] && [ "$r" -gt "$max" ] && max=$r
		sleep 0.1
	done
	wait "$cpid"
	out=$(cat "$T/stream.out")
	expect_eq "status and bytes" "$out" "200 $size" || return 1
	# ASan's shadow memory and quarantine: judge the growth instead.
	if [ -n "$ASAN_BUILD" ]; then
		bound=$((W1_IDLE_RSS + 64 * 1024))
	else
		bound=$((32 * 1024))
	fi
	[ "$max" -lt "$bound" ] || {
		why="peak VmRSS ${max} kB >= ${bound} kB (idle $W1_IDLE_RSS kB)"
		return 1
	}
	echo "# stream: peak VmRSS $max kB, idle $W1_IDLE_RSS kB"
}

t_status()
{
	local code
	code=$(http /cgi-bin/status.sh)
	expect_eq status "$code" 201 || return 1
	expect_eq body "$(cat "$T/body")" created
}

t_location()
{
	local code
	code=$(http /cgi-bin/redirect.sh)
	expect_eq status "$code" 302 || return 1
	expect_eq location "$(hdr Location)" http://127.0.0.1/elsewhere
}

t_nph()
{
	local code
	code=$(http /cgi-bin/nph.sh)
	expect_eq status "$code" 299 || return 1
	expect_eq body "$(cat "$T/body")" "nph body"
}

# NPH lines of every length around the old 256-byte line buffer and past
# it: a whole Status header with its CRLF, the next header intact.
t_nph_long()
{
	local n code r
	for n in 244 245 246 247 300 4000; do
		r=$(head -c $((n - 4)) /dev/zero | tr '\0' r)
		code=$(http "/cgi-bin/nphlong.sh?n=$n")
		expect_eq "status ($n)" "$code" 299 || return 1
		expect_eq "X-Next ($n)" "$(hdr X-Next)" intact || return 1
		expect_eq "body ($n)" "$(cat "$T/body")" "nph body" || return 1
		fcgi "unix:$W1" request "SCRIPT_FILENAME=$CGI/nphlong.sh" \
		    REQUEST_METHOD=GET "QUERY_STRING=n=$n"
		expect_eq "client rc ($n)" "$fc_rc" 0 || return 1
		expect_eq "first lines ($n)" "$(head -n 2 "$T/fc.out")" \
		    "$(printf 'Status: 299 %s\r\nX-Next: intact\r' "$r")" ||
		    return 1
	done
}

t_bare_lf()
{
	local code
	code=$(http /cgi-bin/lf.sh)
	expect_eq status "$code" 200 || return 1
	expect_eq X-Lf "$(hdr X-Lf)" yes || return 1
	expect_eq body "$(cat "$T/body")" "bare lf"
}

# expect_status PATH CODE [BODY-PATTERN]
t_expect_status()
{
	local code
	code=$(http "$1")
	expect_eq "status of $1" "$code" "$2" || return 1
	[ -z "$3" ] || expect_grep body "$T/body" "$3"
}

t_allow()
{
	local code
	code=$(http /p/cgi-bin/hello.sh)
	expect_eq "allowed script" "$code" 200 || return 1
	code=$(http /p/cgi-bin/env.pl)
	expect_eq "script refused by -p" "$code" 403 || return 1
	expect_grep log "${WLOG[p]}" "$CGI/env\.pl.*403"
}

t_crash()
{
	local code
	code=$(http /cgi-bin/crash.sh)
	expect_eq status "$code" 502 || return 1
	alive "${WPID[w1]}" || { why="warmcgi died"; return 1; }
	code=$(http /cgi-bin/hello.sh)
	expect_eq "next request" "$code" 200
}

# Five requests through an upstream with keepalive: one connection.
t_keepalive()
{
	local before after i code
	before=$(grep -c ': connected$' "${WLOG[w1]}")
	for i in 1 2 3 4 5; do
		code=$(http /ka/cgi-bin/hello.sh)
		expect_eq "request $i" "$code" 200 || return 1
		expect_eq "body $i" "$(cat "$T/body")" hello || return 1
	done
	after=$(grep -c ': connected$' "${WLOG[w1]}")
	expect_eq "connections accepted for 5 requests" \
	    "$((after - before))" 1
}

t_keepalive_direct()
{
	fcgi -k -n 3 "unix:$W1" request \
	    "SCRIPT_FILENAME=$CGI/hello.sh" REQUEST_METHOD=GET
	expect_eq "client rc ($(short "$(cat "$T/fc.err")"))" "$fc_rc" 0 ||
	    return 1
	expect_eq "answers" "$(grep -c '^hello' "$T/fc.out")" 3
}

# The client goes away during a long silent script: the script and its
# child go (long before the script would end by itself).
t_disconnect()
{
	local cpid pid pgid child f=$T/slow.pid
	rm -f "$f"
	curl -sS -m 120 -o /dev/null "http://127.0.0.1:$PORT/cgi-bin/slow.sh?f=$f" \
	    2>/dev/null &
	cpid=$!
	if ! wait_file "$f"; then
		kill "$cpid"
		wait "$cpid"
		why="the script did not start"
		return 1
	fi
	read -r pid pgid child <"$f"
	expect_eq "own process group" "$pgid" "$pid" || { kill "$cpid"; return 1; }
	sleep 0.2
	kill -KILL "$cpid"
	wait "$cpid" 2>/dev/null
	if ! wait_gone "$pid" "$child"; then
		why="still running a minute after the client left:$gone_left"
		return 1
	fi
}

# 100 scripts that each wait until all 100 have started (barrier.pl):
# they all answer only if they all run at once.  A wrapper that ran them
# one at a time or in smaller batches leaves them waiting until they give
# up (500 after 90 s).
t_concurrent()
{
	local i b=$T/bar-conc n200 nmet pids=
	rm -rf "$b" "$T"/conc.*
	mkdir "$b"
	for i in $(seq 1 100); do
		curl -s -m 150 -o "$T/conc.$i.body" -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/cgi-bin/barrier.pl?b=$b&n=100" \
		    >"$T/conc.$i.code" 2>/dev/null &
		pids="$pids $!"
	done
	wait $pids
	n200=$(cat "$T"/conc.*.code | grep -o 200 | wc -l)
	nmet=$(cat "$T"/conc.*.body | grep -cx 'met 100')
	[ "$n200" -eq 100 ] && [ "$nmet" -eq 100 ] && return 0
	why="$n200 x 200, $nmet met the barrier: $(grep -hv '^script=' \
	    "$T"/conc.*.body | sort | uniq -c | head -n 3 | tr '\n' ' ')"
	return 1
}

# -c 2 --queue 1 and 10 requests that stay until the test lets them go:
# 2 run, 1 waits, the other 7 get 503 at once; then all 3 finish.
t_queue_full()
{
	local i b=$T/bar-q n200 n503 pids=
	rm -rf "$b" "$T"/q.*
	mkdir "$b"
	for i in $(seq 1 10); do
		curl -s -m 150 -o /dev/null -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/q/cgi-bin/barrier.pl?b=$b&n=3" \
		    >"$T/q.$i" 2>/dev/null &
		pids="$pids $!"
	done
	poll q_rejected 7
	n503=$(cat "$T"/q.* | grep -o 503 | wc -l)
	# Two running (their files in $b) and 7 answered: let them all go.
	touch "$b/go"
	wait $pids
	n200=$(cat "$T"/q.* | grep -o 200 | wc -l)
	[ "$n503" -eq 7 ] && [ "$n200" -eq 3 ] && return 0
	why="$n503 x 503 while 2 ran, then $n200 x 200: $(cat "$T"/q.* |
	    tr '\n' ' ')"
	return 1
}

# q_rejected N: N of the queue-full requests have been answered 503, and
# 2 are running.
q_rejected()
{
	[ "$(cat "$T"/q.* | grep -o 503 | wc -l)" -ge "$1" ] &&
	    count_files "$T/bar-q" 2
}

t_stderr_log()
{
	local code pid
	code=$(http '/cgi-bin/stderr.sh?m=log1')
	expect_eq status "$code" 200 || return 1
	pid=$(sed -n 's/^pid=//p' "$T/body")
	wait_log "${WLOG[w1]}" "stderr-marker-log1" || true
	expect_grep "warmcgi log" "${WLOG[w1]}" \
	    "$CGI/stderr\.sh\[$pid\]: stderr-marker-log1\$"
}

t_stderr_fcgi()
{
	local code
	code=$(http '/f/cgi-bin/stderr.sh?m=fcgi2')
	expect_eq status "$code" 200 || return 1
	wait_log "$T/nginx-error.log" "stderr-marker-fcgi2" || true
	expect_grep "nginx error log" "$T/nginx-error.log" \
	    'FastCGI sent in stderr: "stderr-marker-fcgi2' || return 1
	expect_nogrep "warmcgi -f log" "${WLOG[f]}" 'stderr-marker-fcgi2'
}

# log_lines WHAT PATTERN COUNT: the w1 log has COUNT lines holding the
# fixed string PATTERN.
log_lines()
{
	local n
	n=$(grep -cF -- "$2" "${WLOG[w1]}")
	expect_eq "$1: lines with '$2'" "$n" "$3"
}

# A script name with a newline in it cannot forge a log line.
t_log_name_escaped()
{
	fcgi "unix:$W1" request \
	    "SCRIPT_FILENAME=/nonexistent/a"$'\n'"warmcgi: forged-line-1" \
	    REQUEST_METHOD=GET
	expect_eq "client rc" "$fc_rc" 0 || return 1
	expect_grep status "$T/fc.out" '^Status: 404' || return 1
	fcgi "unix:$W1" request DOCUMENT_ROOT=/nonexistent \
	    "SCRIPT_NAME=/b"$'\r\n'"warmcgi: forged-line-2" REQUEST_METHOD=GET
	expect_eq "client rc" "$fc_rc" 0 || return 1
	wait_log "${WLOG[w1]}" 'forged-line-2' || true
	log_lines "SCRIPT_FILENAME" \
	    '/nonexistent/a\x0awarmcgi: forged-line-1: no such file (404)' 1 ||
	    return 1
	log_lines "SCRIPT_NAME" \
	    '/nonexistent/b\x0d\x0awarmcgi: forged-line-2: no such file (404)' 1 ||
	    return 1
	expect_nogrep "forged line" "${WLOG[w1]}" '^warmcgi: forged-line'
}

# A stderr line with a CR, ESC and a backslash: one log line, escaped.
t_stderr_escaped()
{
	local code pid
	code=$(http '/cgi-bin/stderresc.sh')
	expect_eq status "$code" 200 || return 1
	pid=$(sed -n 's/^pid=//p' "$T/body")
	wait_log "${WLOG[w1]}" "esc-marker" || true
	log_lines "stderr" "esc-marker" 1 || return 1
	grep -qxF -- "warmcgi: $CGI/stderresc.sh[$pid]: esc-marker "\
'a\x0db\x1b[31mc\\d' "${WLOG[w1]}" && return 0
	why="stderr line: $(grep -F esc-marker "${WLOG[w1]}" | cat -A)"
	return 1
}

# Malformed input straight to w1; each is followed by a normal request.
t_bad_version()
{
	fcgi "unix:$W1" raw "02010001000800000001000000000000"
	expect_eq "reply" "$(tr '\n' ' ' <"$T/fc.out")" "eof " || return 1
	w1_serves
}

t_bad_pair_length()
{
	# BEGIN, then params whose value length (127) runs past the record.
	fcgi "unix:$W1" raw \
	    "01010001000800000001000000000000" \
	    "0104000100040000047f4142" "0104000100000000"
	expect_eq "reply" "$(tr '\n' ' ' <"$T/fc.out")" "eof " || return 1
	w1_serves
}

t_params_too_big()
{
	local big
	big=$(head -c 20000 /dev/zero | tr '\0' a)
	fcgi "unix:$W1" request "SCRIPT_FILENAME=$CGI/hello.sh" \
	    REQUEST_METHOD=GET "BIG=$big"
	expect_eq "client rc (2: closed)" "$fc_rc" 2 || return 1
	expect_grep log "${WLOG[w1]}" 'max-params' || return 1
	w1_serves
}

t_garbage()
{
	{ printf '\377'; head -c 65535 /dev/urandom; } >"$T/garbage.bin"
	fcgi "unix:$W1" raw "@$T/garbage.bin"
	expect_eq "reply" "$(tail -n 1 "$T/fc.out")" "eof" || return 1
	w1_serves
}

# Random version-1 records: whatever the answer, w1 keeps serving.
t_fuzz()
{
	local seed
	for seed in 1 2 3 4 5 6 7 8; do
		fcgi -t 2 "unix:$W1" fuzz "$seed" 300
		case $fc_rc in
		0|3) ;;
		*)	why="seed $seed: client rc $fc_rc: $(short \
			    "$(cat "$T/fc.err")")"
			return 1 ;;
		esac
		alive "${WPID[w1]}" || { why="seed $seed: warmcgi died"; \
		    return 1; }
	done
	w1_serves
}

# Without --authorizer the role is refused (FCGI_UNKNOWN_ROLE).
t_authorizer()
{
	fcgi "unix:$W1" raw "01010001000800000002000000000000"
	expect_eq "reply" "$(tr '\n' ' ' <"$T/fc.out")" \
	    "END_REQUEST id=1 app=0 proto=3 eof " || return 1
	w1_serves
}

# With it, az runs authz.sh for AUTHORIZER requests, which send no
# FCGI_STDIN at all (as Apache's mod_authnz_fcgi): a 200 goes back as its
# Status and Variable- headers alone, a 403 whole; responders still work.
t_authorizer_served()
{
	fcgi -A "unix:$T/w-az.sock" request REQUEST_METHOD=GET \
	    SCRIPT_FILENAME=/protected/file "QUERY_STRING=let-in"
	expect_eq "allow rc" "$fc_rc" 0 || return 1
	expect_eq "allow reply" "$(tr '\r\n' '|~' <"$T/fc.out")" \
	    'Status: 200 OK|~Variable-USER: alice|~|~' || return 1
	expect_grep "allow end" "$T/fc.err" 'end app=0 proto=0' || return 1
	fcgi -A "unix:$T/w-az.sock" request REQUEST_METHOD=POST \
	    SCRIPT_FILENAME=/protected/file
	expect_eq "deny rc" "$fc_rc" 0 || return 1
	expect_grep "deny status" "$T/fc.out" '^Status: 403 Keep Out' ||
	    return 1
	expect_grep "deny header" "$T/fc.out" '^X-Authz: no' || return 1
	expect_grep "deny body" "$T/fc.out" \
	    '^denied by authz.sh \(role AUTHORIZER, body length ""\)$' ||
	    return 1
	fcgi "unix:$T/w-az.sock" request REQUEST_METHOD=GET \
	    "SCRIPT_FILENAME=$CGI/hello.sh"
	expect_grep "responder" "$T/fc.out" '^hello$'
}

# Header blocks as Apache's mod_cgi reads them, through nginx.
t_hdr_cases()
{
	local code
	code=$(http '/cgi-bin/hdrcase.sh?c=spaces')
	expect_eq "spaces status" "$code" 404 || return 1
	expect_grep "spaces line" "$T/hdr" '^HTTP/1.1 404 Not Here.$' ||
	    return 1
	code=$(http '/cgi-bin/hdrcase.sh?c=noreason')
	expect_eq "no reason" "$code" 404 || return 1
	expect_grep "no reason line" "$T/hdr" '^HTTP/1.1 404 Not Found.$' ||
	    return 1
	code=$(http '/cgi-bin/hdrcase.sh?c=badstatus')
	expect_eq "bad status" "$code" 502 || return 1
	expect_grep "bad status log" "${WLOG[w1]}" \
	    'hdrcase.sh\[[0-9]+\]: printed an invalid Status line \(502\)' ||
	    return 1
	code=$(http '/cgi-bin/hdrcase.sh?c=dup')
	expect_eq "dup status" "$code" 403 || return 1
	expect_eq "dup type" "$(hdr Content-Type)" text/html || return 1
	expect_eq "dup X-Dup" "$(grep -ci '^X-Dup:' "$T/hdr")" 2 || return 1
	expect_eq "dup body" "$(cat "$T/body")" dup || return 1
	expect_grep "dup log" "${WLOG[w1]}" 'hdrcase.sh\[[0-9]+\]: printed Status, Content-Type, Location or Content-Length more than once: the last of each kept, 2 lines dropped' ||
	    return 1
	code=$(http '/cgi-bin/hdrcase.sh?c=long')
	expect_eq "long line" "$code" 502 || return 1
	expect_grep "long line log" "${WLOG[w1]}" \
	    'hdrcase.sh\[[0-9]+\]: printed a header line longer than 8192 bytes \(502\)' ||
	    return 1
	code=$(http '/cgi-bin/hdrcase.sh?c=tiny')
	expect_eq "tiny writes" "$code" 202 || return 1
	expect_eq "tiny type" "$(hdr Content-Type)" text/plain || return 1
	expect_eq "tiny body" "$(cat "$T/body")" tiny
}

# A local redirect (RFC 3875 6.2.2): nginx's own way by default (a 302
# to the client), an internal redirect with --local-redirect accel.
t_local_redirect()
{
	local code
	code=$(http '/cgi-bin/hdrcase.sh?c=local')
	expect_eq "pass status" "$code" 302 || return 1
	expect_eq "pass location" "$(hdr Location)" /cgi-bin/hello.sh ||
	    return 1
	code=$(http '/lr/cgi-bin/hdrcase.sh?c=local')
	expect_eq "accel status" "$code" 200 || return 1
	expect_eq "accel body" "$(cat "$T/body")" hello || return 1
	expect_eq "accel no X-Accel" "$(hdr X-Accel-Redirect)" ""
}

# FCGI_MAX_REQS: requests run or queued at once (-c plus --queue), but
# no more than the connections, one request each (--max-conns).
t_get_values()
{
	fcgi -c 1 "unix:$W1" get-values
	expect_eq "w1 reply" "$(head -n 1 "$T/fc.out")" "GET_VALUES_RESULT \
FCGI_MAX_CONNS=4096 FCGI_MAX_REQS=1152 FCGI_MPXS_CONNS=0" || return 1
	fcgi -c 1 "unix:$T/w-q.sock" get-values
	expect_grep "w-q reply" "$T/fc.out" ' FCGI_MAX_REQS=3( |$)' ||
	    return 1
	start_warmcgi gv "$T/w-gv.sock" -c 3 --queue 4 --max-conns 5 || {
		why="warmcgi gv did not start"; return 1; }
	fcgi -c 1 "unix:$T/w-gv.sock" get-values
	stop_pid "${WPID[gv]}" TERM
	expect_eq "gv reply" "$(head -n 1 "$T/fc.out")" "GET_VALUES_RESULT \
FCGI_MAX_CONNS=5 FCGI_MAX_REQS=5 FCGI_MPXS_CONNS=0" || return 1
	w1_serves
}

t_unknown_type()
{
	fcgi -c 1 "unix:$W1" raw "0163000000000000"
	expect_eq "reply" "$(tr '\n' ' ' <"$T/fc.out")" \
	    "UNKNOWN_TYPE type=99 done " || return 1
	w1_serves
}

# Request 1 stays (barrier.pl, let go by the test) until request 2, sent
# on the same connection while it runs, has been refused.
t_cant_mpx()
{
	local b=$T/bar-mpx cpid
	rm -rf "$b"
	mkdir "$b"
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$W1" mpx \
	    "SCRIPT_FILENAME=$CGI/barrier.pl" REQUEST_METHOD=GET \
	    "QUERY_STRING=b=$b&n=2" >"$T/fc.out" 2>"$T/fc.err" </dev/null &
	cpid=$!
	wait_log "$T/fc.out" '^END_REQUEST id=2 '
	touch "$b/go"
	wait "$cpid"
	expect_eq "records" "$(grep -E '^(END|eof|timeout)' "$T/fc.out" |
	    tr '\n' ' ')" \
	    "END_REQUEST id=2 app=0 proto=1 END_REQUEST id=1 app=0 proto=0 eof " ||
	    return 1
	w1_serves
}

# Replies nobody reads: 32 MiB of requests for them, and w1 must stop
# reading that connection rather than queue the answers (bound: 16 MiB
# of VmRSS growth; answering them all would take over 32 MiB more).
t_flood()
{
	local pid=${WPID[w1]} base r cpid out
	rm -f "$T/flood.in" "$T/flood.out"
	mkfifo "$T/flood.in" || { why="mkfifo"; return 1; }
	base=$(rss_kb "$pid")
	timeout 120 "$FCGI_CLIENT" -t 90 "unix:$W1" flood 32 "$1" \
	    <"$T/flood.in" >"$T/flood.out" 2>"$T/flood.err" &
	cpid=$!
	exec 9>"$T/flood.in"
	wait_log "$T/flood.out" '^wrote ' || true
	r=$(rss_kb "$pid")
	exec 9>&-
	wait "$cpid"
	out=$(cat "$T/flood.out" "$T/flood.err")
	expect_grep "client ($(short "$out"))" "$T/flood.out" \
	    '^wrote [0-9]+ blocked$' || return 1
	[ "$((r - base))" -lt $((16 * 1024)) ] || {
		why="VmRSS grew from $base kB to $r kB"; return 1; }
	echo "# flood: $(cat "$T/flood.out"), VmRSS $base -> $r kB"
	w1_serves
}

# -f: a non-empty FCGI_STDERR stream ends with an empty record before
# END_REQUEST (spec 3.3); without -f there is no stderr stream at all.
t_stderr_end()
{
	local seq
	fcgi -r "unix:$T/w-f.sock" request "SCRIPT_FILENAME=$CGI/stderr.sh" \
	    REQUEST_METHOD=GET QUERY_STRING=m=end3
	expect_eq "client rc ($(short "$(cat "$T/fc.err")"))" "$fc_rc" 0 ||
	    return 1
	seq=$(awk '
	    /^STDERR id=1 len=0$/ { e0++; if (end) bad = 1; next }
	    /^STDERR id=1 len=/ { e++; if (e0 || end) bad = 1; next }
	    /^STDOUT id=1 len=0$/ { o0++; if (end) bad = 1; next }
	    /^END_REQUEST id=1 / { end++ }
	    END { printf "stderr=%s stderr-end=%d stdout-end=%d end=%d " \
		"order=%s", (e > 0 ? "yes" : "no"), e0, o0, end,
		(bad ? "bad" : "ok") }' \
	    "$T/fc.out")
	expect_eq "-f records ($(tr '\n' ' ' <"$T/fc.out"))" "$seq" \
	    "stderr=yes stderr-end=1 stdout-end=1 end=1 order=ok" || return 1
	fcgi -r "unix:$W1" request "SCRIPT_FILENAME=$CGI/stderr.sh" \
	    REQUEST_METHOD=GET QUERY_STRING=m=end4
	expect_eq "client rc" "$fc_rc" 0 || return 1
	expect_nogrep "records without -f" "$T/fc.out" '^STDERR'
}

# The body before the empty FCGI_PARAMS record (spec 3.3 lets streams
# interleave): up to --stdin-buffer bytes are kept and reach the script;
# one byte more closes the connection, with a log line.
t_early_stdin()
{
	local size want
	for size in 1 65537 262144; do
		head -c "$size" "$T/b10m.bin" >"$T/early.bin"
		want=$( { printf 'Content-Type: application/octet-stream\r\n\r\n'
		    cat "$T/early.bin"; } | sha256sum | cut -d' ' -f1)
		fcgi -E -i "$T/early.bin" "unix:$W1" request \
		    "SCRIPT_FILENAME=$CGI/echo.sh" REQUEST_METHOD=POST \
		    "CONTENT_LENGTH=$size"
		expect_eq "$size bytes: client rc ($(short \
		    "$(cat "$T/fc.err")"))" "$fc_rc" 0 || return 1
		expect_eq "$size bytes: sha256" \
		    "$(sha256sum <"$T/fc.out" | cut -d' ' -f1)" "$want" ||
		    return 1
	done
	head -c 262145 "$T/b10m.bin" >"$T/early.bin"
	fcgi -E -i "$T/early.bin" "unix:$W1" request \
	    "SCRIPT_FILENAME=$CGI/echo.sh" REQUEST_METHOD=POST \
	    CONTENT_LENGTH=262145
	expect_eq "262145 bytes: client rc (2: closed)" "$fc_rc" 2 || return 1
	expect_grep log "${WLOG[w1]}" 'before the end of its params.*--stdin-buffer' ||
	    return 1
	w1_serves
}

# fcgi_abort FILE NAME=VALUE...: one request straight to w1 and, once FILE
# is there (the script has started) rather than after some time, an
# FCGI_ABORT_REQUEST; prints the END_REQUEST that comes back, "eof" if
# the connection closes first, or "gave up" when FILE never shows.
fcgi_abort()
{
	timeout 120 perl -MIO::Socket::UNIX -e '
	    my ($path, $file, @pairs) = @ARGV;
	    sub rec { pack("CCnnCx", 1, $_[0], 1, length($_[1]), 0) . $_[1] }
	    sub len { length($_[0]) < 128 ? pack("C", length($_[0])) :
	        pack("N", length($_[0]) | 0x80000000) }
	    my $s = IO::Socket::UNIX->new(Peer => $path) or die "$path: $!\n";
	    my $p = join("", map { my ($k, $v) = split(/=/, $_, 2);
	        len($k) . len($v) . $k . $v } @pairs);
	    syswrite($s, rec(1, pack("nCx5", 1, 0)) . rec(4, $p) . rec(4, "") .
	        rec(5, ""));
	    my $i = 0;
	    select(undef, undef, undef, 0.05) until -s $file || ++$i > 1200;
	    if (!-s $file) { print "gave up\n"; exit 1; }
	    syswrite($s, rec(2, ""));
	    my $buf = "";
	    for (;;) {
	        while (length($buf) >= 8) {
	            my ($v, $t, $id, $cl, $pl) = unpack("CCnnC", $buf);
	            last if length($buf) < 8 + $cl + $pl;
	            my $c = substr($buf, 8, $cl);
	            substr($buf, 0, 8 + $cl + $pl) = "";
	            next unless $t == 3;
	            printf("END_REQUEST id=%u app=%u proto=%u\n", $id,
	                unpack("NC", $c));
	            exit 0;
	        }
	        if (!sysread($s, $buf, 65536, length($buf))) {
	            print "eof\n";
	            exit 1;
	        }
	    }' "$W1" "$@"
}

t_abort()
{
	local f=$T/abort.pid pid pgid child
	rm -f "$f"
	fcgi_abort "$f" "SCRIPT_FILENAME=$CGI/slow.sh" REQUEST_METHOD=GET \
	    "QUERY_STRING=f=$f" >"$T/abort.out" 2>&1
	expect_grep "reply" "$T/abort.out" '^END_REQUEST id=1 app=[0-9]+ proto=0$' ||
	    return 1
	read -r pid pgid child <"$f"
	wait_gone "$pid" "$child" || {
		why="script still running after the abort:$gone_left"
		return 1
	}
	w1_serves
}

t_cgi_fcgi()
{
	env -i "SCRIPT_FILENAME=$CGI/env.pl" REQUEST_METHOD=GET \
	    QUERY_STRING=cf=1 SCRIPT_NAME=/env.pl \
	    timeout 60 cgi-fcgi -bind -connect "$W1" \
	    >"$T/cf.out" 2>"$T/cf.err" </dev/null
	local rc=$?
	expect_eq "cgi-fcgi rc ($(short "$(cat "$T/cf.err")"))" "$rc" 0 ||
	    return 1
	expect_grep reply "$T/cf.out" '^Content-Type: text/plain' || return 1
	expect_grep reply "$T/cf.out" '^QUERY_STRING=cf=1$' || return 1
	expect_grep reply "$T/cf.out" '^GATEWAY_INTERFACE=CGI/1\.1$'
}

# SIGTERM with one request in flight: it stays (barrier.pl) until the log
# says warmcgi is shutting down, then finishes, and warmcgi exits 0.
t_sigterm()
{
	local b=$T/bar-term cpid pid rc code
	rm -rf "$b"
	mkdir "$b"
	curl -sS -m 150 -o "$T/term.body" -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/t/cgi-bin/barrier.pl?b=$b&n=2" \
	    >"$T/term.code" 2>/dev/null &
	cpid=$!
	poll count_files "$b" 1 || { why="the script did not start"; return 1; }
	pid=$(ls "$b")
	kill -TERM "${WPID[t]}"
	wait_log "${WLOG[t]}" 'shutting down, 1 requests in flight'
	touch "$b/go"
	wait "$cpid"
	code=$(cat "$T/term.code")
	stop_pid "${WPID[t]}" 0
	rc=$stop_rc
	expect_grep "log" "${WLOG[t]}" 'shutting down, 1 requests in flight' ||
	    return 1
	expect_eq "request status" "$code" 200 || return 1
	expect_eq "request body" "$(tail -n 1 "$T/term.body")" "met 2" ||
	    return 1
	expect_eq "warmcgi exit status" "$rc" 0 || return 1
	[ ! -e "$T/w-t.sock" ] || { why="socket file left behind"; return 1; }
	wait_gone "$pid" || { why="script left running:$gone_left"; \
	    return 1; }
}

# A second daemon on a live socket fails; a stale one is replaced.
t_socket_in_use()
{
	local s=$T/dup.sock rc
	start_warmcgi dup1 "$s" || { why="first did not start"; return 1; }
	ASAN_OPTIONS=$WARMCGI_ASAN_OPTIONS timeout 60 "$WARMCGI" \
	    $WARMCGI_ROOT_OPT -s "unix:$s" >"$T/dup2.log" 2>&1 </dev/null
	rc=$?
	expect_eq "second daemon exit status" "$rc" 1 || return 1
	expect_grep "second daemon message" "$T/dup2.log" \
	    "$s.*(listen|in use)" || return 1
	kill -KILL "${WPID[dup1]}"
	wait "${WPID[dup1]}" 2>/dev/null
	[ -S "$s" ] || { why="no stale socket after kill -9"; return 1; }
	start_warmcgi dup3 "$s" || { why="did not replace the stale socket: \
$(short "$(cat "${WLOG[dup3]}")")"; return 1; }
	fcgi "unix:$s" request "SCRIPT_FILENAME=$CGI/hello.sh" \
	    REQUEST_METHOD=GET
	expect_grep "request to the new daemon" "$T/fc.out" '^hello' ||
	    return 1
	stop_pid "${WPID[dup3]}" TERM
	rc=$stop_rc
	expect_eq "exit status" "$rc" 0
}

# After everything: nothing left running, no zombie, descriptors back.
t_leftovers()
{
	local procs z
	stop_nginx
	procs=$(script_procs | tr '\n' ' ')
	[ -z "$procs" ] || { why="script processes left: $procs"; return 1; }
	z=$(zombies_of "${WPID[w1]}" | tr '\n' ' ')
	[ -z "$z" ] || { why="zombies of warmcgi: $z"; return 1; }
	poll w1_fds_idle || {
		why="warmcgi has $(fd_count "${WPID[w1]}") descriptors open, \
$W1_IDLE_FDS idle: \
$(ls -l "/proc/${WPID[w1]}/fd" | awk 'NR > 1 { print $NF }' | tr '\n' ' ')"
		return 1
	}
}

w1_fds_idle()
{
	[ "$(fd_count "${WPID[w1]}")" -eq "$W1_IDLE_FDS" ]
}

t_shutdown_main()
{
	local name rc
	for name in w1 p f q; do
		stop_pid "${WPID[$name]}" TERM
		rc=$stop_rc
		expect_eq "$name exit status" "$rc" 0 || return 1
	done
	[ ! -e "$W1" ] || { why="w1 socket left behind"; return 1; }
}

t_sanitizers()
{
	check_sanitizers "${WLOG[@]}" "$T/dup2.log"
}

# A script that closes stdout and stderr and works on: its response ends
# at EOF, before it exits; its exit is still reaped and logged.
t_detach()
{
	local f=$T/detach.go code
	rm -f "$f" "$f.done"
	code=$(curl -s -m 30 -o "$T/detach.body" -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/cgi-bin/detach.sh?f=$f")
	[ -e "$f.done" ] && { why="the script had already ended"; return 1; }
	expect_eq "status" "$code" 200 || return 1
	expect_eq "body" "$(cat "$T/detach.body")" answered || return 1
	touch "$f"
	wait_file "$f.done" || { why="the script never finished"; \
	    return 1; }
	wait_log "${WLOG[w1]}" "detach\.sh\[$(cat "$f.done")\]: exited with status 0 after its response ended" || {
		why="no exit line in the log"; return 1; }
}

# hang.sh on w-to (-t 3 --kill-grace 1) with QUERY_STRING extras $1: the
# script, its background child and its setsid'd grandchild all go; $2 is
# what the client must see, $3 the END_REQUEST's appStatus, $4 a log line.
t_timeout()
{
	local f=$T/to.pids pid bg sid
	rm -f "$f" "$f.sid"
	fcgi -t 60 "unix:$T/w-to.sock" request "SCRIPT_FILENAME=$CGI/hang.sh" \
	    REQUEST_METHOD=GET "QUERY_STRING=f=$f$1"
	expect_eq "client rc ($(short "$(cat "$T/fc.err")"))" "$fc_rc" 0 ||
	    return 1
	expect_grep reply "$T/fc.out" "$2" || return 1
	expect_grep end "$T/fc.err" "end app=$3 proto=0" || return 1
	[ -s "$f" ] || { why="the script never wrote its pids"; return 1; }
	read -r pid bg sid <"$f"
	wait_gone "$pid" "$bg" "$sid" || {
		why="left running after the time-out:$gone_left"; return 1; }
	wait_log "${WLOG[to]}" "hang\.sh\[$pid\]: --timeout 3 s passed, [0-9.]+ s after its start: SIGTERM, then SIGKILL after 1 s $4" || {
		why="no time-out line: $(short "$(grep hang "${WLOG[to]}" |
		    tail -n 2)")"
		return 1
	}
}

# A script that ignores SIGTERM gets SIGKILL after --kill-grace.
t_timeout_trap()
{
	t_timeout "&i=1" '^Status: 504' 137 '\(504\)' || return 1
	expect_grep "SIGKILL line" "${WLOG[to]}" \
	    'hang\.sh\[[0-9]+\]: [0-9]+ process(es)? still running 1 s after SIGTERM \(--kill-grace\): SIGKILL'
}

# drip.sh on w-idle (--idle-timeout 2, no -t) prints for 4 s, then is
# silent: it runs on while it prints, then its response ends.
t_idle_timeout()
{
	local f=$T/idle.pid pid
	rm -f "$f"
	fcgi -t 60 "unix:$T/w-idle.sock" request \
	    "SCRIPT_FILENAME=$CGI/drip.sh" REQUEST_METHOD=GET \
	    "QUERY_STRING=f=$f&n=8"
	expect_eq "client rc ($(short "$(cat "$T/fc.err")"))" "$fc_rc" 0 ||
	    return 1
	expect_grep "last line" "$T/fc.out" '^line 8$' || return 1
	expect_nogrep "no 504" "$T/fc.out" '504' || return 1
	[ -s "$f" ] || { why="the script never wrote its pid"; return 1; }
	pid=$(cat "$f")
	wait_gone "$pid" || { why="left running:$gone_left"; return 1; }
	expect_grep log "${WLOG[idle]}" "drip\.sh\[$pid\]: --idle-timeout 2 s passed, [0-9.]+ s after its start: SIGTERM, then SIGKILL after 1 s \(response cut short\)"
}

# hexrec TYPE ID HEXCONTENT: one FastCGI record, in hex.
hexrec()
{
	perl -e 'my ($t, $id, $c) = @ARGV; $c = pack("H*", $c);
	    print unpack("H*", pack("CCnnCC", 1, $t, $id, length $c, 0, 0) .
	    $c)' "$1" "$2" "$3"
}

# hexpairs NAME VALUE ...: FCGI_PARAMS pairs (short ones), in hex.
hexpairs()
{
	perl -e 'my $o = ""; while (@ARGV) { my ($n, $v) = splice(@ARGV, 0, 2);
	    $o .= pack("CC", length $n, length $v) . $n . $v }
	    print unpack("H*", $o)' "$@"
}

# On w-ct (--conn-timeout 2): a peer that sends nothing, one that stops
# inside its params and one that stops inside a request body are closed,
# while another request is served meanwhile.
t_conn_timeout()
{
	local begin params body i pids= rc
	begin=$(hexrec 1 1 0001010000000000)
	params=$(hexrec 4 1 "$(hexpairs SCRIPT_FILENAME "$CGI/echo.sh" \
	    REQUEST_METHOD POST CONTENT_LENGTH 10)")
	body=$(hexrec 5 1 616263)
	timeout 60 "$FCGI_CLIENT" -t 50 "unix:$T/w-ct.sock" raw \
	    >"$T/ct1.out" 2>&1 </dev/null &
	pids="$pids $!"
	timeout 60 "$FCGI_CLIENT" -t 50 "unix:$T/w-ct.sock" raw "$begin" \
	    "$params" >"$T/ct2.out" 2>&1 </dev/null &
	pids="$pids $!"
	timeout 60 "$FCGI_CLIENT" -t 50 "unix:$T/w-ct.sock" raw "$begin" \
	    "$params" "$(hexrec 4 1 '')" "$body" >"$T/ct3.out" 2>&1 \
	    </dev/null &
	pids="$pids $!"
	fcgi "unix:$T/w-ct.sock" request "SCRIPT_FILENAME=$CGI/hello.sh" \
	    REQUEST_METHOD=GET
	rc=$fc_rc
	for i in $pids; do
		wait "$i"
	done
	expect_eq "request meanwhile" "$rc" 0 || return 1
	expect_grep "served meanwhile" "$T/fc.out" '^hello' || return 1
	for i in 1 2 3; do
		expect_eq "stalled client $i" "$(tail -n 1 "$T/ct$i.out")" eof ||
		    return 1
	done
	expect_grep "params line" "${WLOG[ct]}" \
	    "nothing received for 2 s in the middle of a request's params \(--conn-timeout\)" ||
	    return 1
	expect_grep "body line" "${WLOG[ct]}" \
	    'nothing received for 2 s in the middle of a request body \(--conn-timeout\)' ||
	    return 1
	expect_grep "idle line" "${WLOG[ct]}" \
	    'nothing received for 2 s between requests \(--conn-timeout\)'
}

# 1000 idle connections to w-ct are all closed by --conn-timeout, while
# requests keep being served.
t_conn_timeout_1000()
{
	local ppid rc
	rm -f "$T/w-ct.sock.held"
	perl -MIO::Socket::UNIX -MIO::Select -e '
	    my ($path, $n) = @ARGV; my @s;
	    for (1 .. $n) {
		my $c = IO::Socket::UNIX->new(Peer => $path) or
		    die "connect $_: $!\n";
		push @s, $c;
	    }
	    open(my $fh, ">", "$path.held") or die; close($fh);
	    my $sel = IO::Select->new(@s); my $closed = 0;
	    my $end = time + 50;
	    while ($sel->count && time < $end) {
		for my $c ($sel->can_read(1)) {
		    my $b; my $r = sysread($c, $b, 16);
		    next if defined $r && $r > 0;
		    $sel->remove($c); close($c); $closed++;
		}
	    }
	    print "closed $closed\n";' "$T/w-ct.sock" 1000 \
	    >"$T/ct1000.out" 2>&1 </dev/null &
	ppid=$!
	wait_file "$T/w-ct.sock.held" || true
	fcgi "unix:$T/w-ct.sock" request "SCRIPT_FILENAME=$CGI/hello.sh" \
	    REQUEST_METHOD=GET
	rc=$fc_rc
	wait "$ppid"
	expect_eq "request while 1000 are held" "$rc" 0 || return 1
	expect_eq "closed by warmcgi" "$(cat "$T/ct1000.out")" "closed 1000"
}

# A script killed by a signal is logged with the signal's name.
t_signal_name()
{
	local code
	code=$(http /cgi-bin/crash.sh)
	expect_eq status "$code" 502 || return 1
	wait_log "${WLOG[w1]}" 'crash\.sh\[[0-9]+\]: killed by SIGSEGV$' ||
	    { why="no line naming SIGSEGV"; return 1; }
}

# The connection's side of a request in few system calls: no write
# interest registered (EPOLLOUT, two epoll_ctl calls a request) while the
# socket takes what is written.  Seen with strace(1) on the daemon
# (installed with the test dependencies; a failure if it cannot attach).
t_syscalls()
{
	local i sp n
	command -v strace >/dev/null || { why="strace is not installed"; return 1; }
	strace -qq -s 256 -e trace=epoll_ctl,writev -o "$T/strace.out" \
	    -p "${WPID[w1]}" 2>"$T/strace.err" &
	sp=$!
	for (( i = 0; i < WAIT_NAPS; i++ )); do
		alive "$sp" || break
		awk '$1 == "TracerPid:" && $2 != 0 { t = 1 } END { exit !t }' \
		    "/proc/${WPID[w1]}/status" && break
		sleep 0.05
	done
	if ! alive "$sp"; then
		wait "$sp"
		why="strace could not attach: $(short "$(cat "$T/strace.err")")"
		return 1
	fi
	for i in 1 2 3 4 5; do
		w1_serves || { kill "$sp"; wait "$sp"; return 1; }
	done
	kill "$sp"
	wait "$sp"
	if grep -q EPOLLOUT "$T/strace.out"; then
		why="write interest registered: $(short "$(grep EPOLLOUT \
		    "$T/strace.out" | head -n 3)")"
		return 1
	fi
	# Traced all along: five END_REQUESTs (version 1, type 3, id 1).
	n=$(grep -c '^writev(.*\\1\\3\\0\\1\\0\\10' "$T/strace.out")
	expect_eq "END_REQUESTs written" "$n" 5
}

run syscalls t_syscalls
run env-nginx t_env_nginx
run env-direct t_env_direct
run argv t_argv
run path-info t_path_info
run script-inherits-nothing t_sane
run inherited-fd0-listener t_inherited fd0
run inherited-systemd-listener t_inherited systemd
for size in 0 1 65537 10m; do
	run "post-$size" t_post_nginx "$size"
done
run post-10m-direct t_post_direct
run write-before-read-nginx t_early_nginx
run write-before-read-direct t_early_direct
run body-never-read-nginx t_noread_nginx
run body-never-read-direct t_noread_direct
run stream-100m-rss t_stream_rss
run status-201 t_status
run location-302 t_location
run nph-299 t_nph
run nph-long t_nph_long
run bare-lf t_bare_lf
run missing-404 t_expect_status /cgi-bin/missing.sh 404 '404'
run noexec-403 t_expect_status /cgi-bin/noexec.sh 403
run directory-403 t_expect_status /cgi-bin/adir 403
run allow-p-403 t_allow
run bad-interpreter-502 t_expect_status /cgi-bin/badinterp.sh 502
run no-header-502 t_expect_status /cgi-bin/nohdr.sh 502
run no-output-502 t_expect_status /cgi-bin/silent.sh 502
run crash t_crash
run keepalive-upstream t_keepalive
run keepalive-direct t_keepalive_direct
run client-disconnect t_disconnect
run detached-after-eof t_detach
run concurrent-100 t_concurrent
run queue-full-503 t_queue_full
run stderr-to-log t_stderr_log
run stderr-to-server t_stderr_fcgi
run log-name-escaped t_log_name_escaped
run stderr-escaped t_stderr_escaped
run bad-version t_bad_version
run bad-pair-length t_bad_pair_length
run params-too-big t_params_too_big
run garbage t_garbage
run fuzz-records t_fuzz
run role-authorizer t_authorizer
run role-authorizer-served t_authorizer_served
run header-cases t_hdr_cases
run local-redirect t_local_redirect
run get-values t_get_values
run unknown-type t_unknown_type
run cant-mpx-conn t_cant_mpx
run unread-replies-unknown-type t_flood 0163000000000000
run unread-replies-get-values t_flood get-values
run stderr-stream-end t_stderr_end
run stdin-before-params-end t_early_stdin
run abort-request t_abort
run timeout-504 t_timeout "" '^Status: 504' 143 '\(504\)'
run timeout-after-header t_timeout "&h=1" '^started$' 143 \
    '\(response cut short\)'
run timeout-sigterm-ignored t_timeout_trap
run idle-timeout t_idle_timeout
run conn-timeout t_conn_timeout
run conn-timeout-1000 t_conn_timeout_1000
run signal-name t_signal_name
run cgi-fcgi t_cgi_fcgi
run sigterm-in-flight t_sigterm
run socket-in-use t_socket_in_use
run no-leftovers t_leftovers
run shutdown t_shutdown_main
run sanitizers t_sanitizers

lib_finish
