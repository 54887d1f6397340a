#!/bin/bash
#
# Black-box tests of the status page, ping, the access and slow logs and
# SIGHUP (issue 12): a real nginx on 127.0.0.1 in front of warmcgi on unix
# sockets, and tests/fcgi_client for what nginx hides (other client
# addresses).  Run by `make check` with WARMCGI, FCGI_CLIENT and
# TESTS_SRCDIR set; by hand, set them too.  Prints "ok NAME" or "FAIL NAME:
# why" per test and "N passed, M failed"; exits 1 on any failure, 77 (skip)
# when nginx, curl, perl or python3 is missing.  The openmetrics format is
# checked with promtool (Debian's prometheus package) when it is there.
#
# Instances:
#   w1  nginx's /cgi-bin/: --status-path, --ping-path, a text access log,
#       --warm always, -t 4 --kill-grace 1; it sees one known sequence of
#       requests, and its counters are checked against it.
#   sl  straight on its socket: --slow-log 1, a JSON access log,
#       --status-allow 10.1. --status-allow 127.0.0.1.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

. "$TESTS_SRCDIR/lib.sh"
lib_need nginx curl perl python3

HELPERS=$(cd "$TESTS_SRCDIR/../src/warm" 2>/dev/null && pwd)

lib_init

cp -R "$TESTS_SRCDIR/cgi-bin" "$T/cgi-bin"
cp "$TESTS_SRCDIR/warm-cgi-bin/pid.pl" "$T/cgi-bin/pid.pl"
# 200 ms of CPU, by exec (a shell script is never warm): its rusage is
# what the access log shows.
cat >"$T/cgi-bin/spin.sh" <<'EOF'
#!/bin/sh
exec perl -e '1 while (times)[0] < 0.2;
    print "Content-Type: text/plain\r\n\r\nspun\n"'
EOF
chmod 0755 "$T"/cgi-bin/*
CGI=$T/cgi-bin
ALOG=$T/access.log
JLOG=$T/access.json

fcgi()
{
	timeout 90 "$FCGI_CLIENT" -t 60 "$@" >"$T/fc.out" 2>"$T/fc.err" \
	    </dev/null
	fc_rc=$?
}

TMPDIR=$T start_warmcgi w1 "$T/w1.sock" -v --warm always \
    --warm-helpers "$HELPERS" -t 4 --idle-timeout 0 --kill-grace 1 \
    --status-path /cgi-bin/status --ping-path /cgi-bin/ping \
    --access-log "$ALOG" || exit 99
start_warmcgi sl "$T/sl.sock" -v --warm off --slow-log 1 \
    --status-path /status --status-allow 10.1. --status-allow 127.0.0.1 \
    --access-log "$JLOG" --access-log-format json || exit 99
start_nginx || exit 99

# json_get FILE EXPR: a value of the JSON document in FILE (python3).
json_get()
{
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2], {"d": d}))' "$1" "$2" 2>"$T/py.err"
}

# The body of the last response, without its header block (fcgi_client).
fc_body()
{
	sed '1,/^\r*$/d' "$T/fc.out"
}

# ---------------------------------------------------------------- tests

# The known sequence on w1, then its counters.  Every request goes through
# nginx except none; each is checked to have done what it should.
t_sequence()
{
	local code zpid n i spare spare_pid
	code=$(http /cgi-bin/hello.sh) && expect_eq "hello" "$code" 200 ||
	    return 1
	code=$(http /cgi-bin/nonexistent.sh) &&
	    expect_eq "missing script" "$code" 404 || return 1
	head -c 1000 /dev/zero >"$T/k1.bin"
	code=$(http /cgi-bin/echo.sh -X POST --data-binary @"$T/k1.bin") &&
	    expect_eq "POST" "$code" 200 || return 1
	code=$(http "/cgi-bin/hang.sh?f=$T/hang1") &&
	    expect_eq "timeout" "$code" 504 || return 1
	# pid.pl: exec'd while its zygote starts, then served warm.
	code=$(http /cgi-bin/pid.pl) && expect_eq "pid.pl 1" "$code" 200 ||
	    return 1
	wait_log "${WLOG[w1]}" "warm: $CGI/pid\.pl: zygote pid [0-9]+ ready" ||
	    { why="pid.pl's zygote not ready"; return 1; }
	code=$(http /cgi-bin/pid.pl) && expect_eq "pid.pl 2" "$code" 200 ||
	    return 1
	n=$(grep -c "$CGI/pid\.pl: warm start\$" "${WLOG[w1]}")
	expect_eq "warm starts so far" "$n" 1 || return 1
	# A fall-back: the zygote, stopped, takes the connection into its
	# backlog and dies without answering; the request runs by exec.
	# (Its spare, the child that would accept it, is stopped too, once it
	# is the zygote's only child: a pid.pl request process that exits
	# meanwhile frees its pid for any process of the machine, which
	# would then be stopped and killed here.)
	zpid=$(sed -n "s|.*warm: $CGI/pid\.pl: zygote pid \([0-9]*\) ready.*|\1|p" \
	    "${WLOG[w1]}" | tail -1)
	poll spare_of "$zpid" || { why="zygote $zpid has no lone spare"; return 1; }
	spare=$spare_pid
	kill -STOP "$zpid" "$spare"
	http /cgi-bin/pid.pl >"$T/fb.code" &
	i=$!
	# Connected to the stopped zygote: its debug line says so.
	for (( n = 0; n < WAIT_NAPS; n++ )); do
		[ "$(grep -c "$CGI/pid\.pl: warm start\$" "${WLOG[w1]}")" \
		    -ge 2 ] && break
		sleep 0.05
	done
	kill -KILL "$zpid" "$spare"
	wait "$i"
	expect_eq "fall-back" "$(cat "$T/fb.code")" 200 || return 1
	expect_grep "fall-back logged" "${WLOG[w1]}" \
	    "$CGI/pid\.pl: warm start failed .*running it by exec" || return 1
	code=$(http "/cgi-bin/spin.sh?x=1") && expect_eq "spin" "$code" 200 ||
	    return 1
	# Requests so far: 8; 2xx: hello, echo, pid.pl x3, spin.
	code=$(http "/cgi-bin/status?json") &&
	    expect_eq "status" "$code" 200 || return 1
	cp "$T/body" "$T/status1.json"
	python3 -m json.tool "$T/status1.json" >/dev/null 2>"$T/py.err" || {
		why="not JSON: $(short "$(cat "$T/py.err")")"
		return 1
	}
	expect_eq "content type" "$(hdr Content-Type)" application/json ||
	    return 1
	local -A want=(
		[requests_total]=9 [requests_in_flight]=1
		[timeouts_total]=1 [kills_total]=1 [warm_fallbacks_total]=1
		[bytes_in_total]=1000 [rejected_busy_total]=0
		[spawn_failures_total]=0 [requests_queued]=0
		[responses.2xx]=6 [responses.4xx]=1 [responses.5xx]=1
	)
	local k e
	for k in "${!want[@]}"; do
		e="d['${k%%.*}']"
		[ "${k#*.}" != "$k" ] && e="$e['${k#*.}']"
		expect_eq "$k" "$(json_get "$T/status1.json" "$e")" \
		    "${want[$k]}" || return 1
	done
	# The pool entry of pid.pl: one warm, two by exec (the first and the
	# fall-back), one zygote started, one fall-back and why; figures.
	e="[w for w in d['warm'] if w['script'] == '$CGI/pid.pl'][0]"
	expect_eq "pid.pl warm" "$(json_get "$T/status1.json" \
	    "$e['requests_warm']")" 1 || return 1
	expect_eq "pid.pl exec" "$(json_get "$T/status1.json" \
	    "$e['requests_exec']")" 2 || return 1
	expect_eq "pid.pl starts" "$(json_get "$T/status1.json" \
	    "$e['zygote_starts']")" 1 || return 1
	expect_eq "pid.pl fallbacks" "$(json_get "$T/status1.json" \
	    "$e['fallbacks']")" 1 || return 1
	expect_eq "pid.pl fallback why" "$(json_get "$T/status1.json" \
	    "$e['fallback_last'] != ''")" True || return 1
	expect_eq "pid.pl interpreter" "$(json_get "$T/status1.json" \
	    "$e['interpreter']")" /usr/bin/perl || return 1
	expect_eq "pid.pl exec figure" "$(json_get "$T/status1.json" \
	    "$e['cost']['exec_samples'] >= 1 and \
	    $e['cost']['exec_cpu_ms'] > 0")" True || return 1
	e="[w for w in d['warm'] if w['script'] == '$CGI/hello.sh'][0]"
	expect_eq "hello.sh cold" "$(json_get "$T/status1.json" \
	    "$e['state']")" cold || return 1
}

# The same counters in the text and openmetrics formats; ?full's rows.
t_formats()
{
	local code
	code=$(http /cgi-bin/status) && expect_eq "text" "$code" 200 ||
	    return 1
	expect_grep "text: timeouts" "$T/body" '^timeouts_total +1$' ||
	    return 1
	expect_grep "text: 4xx" "$T/body" '^responses_4xx +1$' || return 1
	expect_grep "text: pool" "$T/body" "^script $CGI/pid\.pl\$" ||
	    return 1
	code=$(http "/cgi-bin/status?openmetrics&full") &&
	    expect_eq "openmetrics" "$code" 200 || return 1
	cp "$T/body" "$T/metrics.txt"
	expect_eq "last line" "$(tail -n 1 "$T/metrics.txt")" "# EOF" ||
	    return 1
	expect_grep "metrics: timeouts" "$T/metrics.txt" \
	    '^warmcgi_timeouts_total 1$' || return 1
	expect_grep "metrics: 4xx" "$T/metrics.txt" \
	    '^warmcgi_responses_total\{class="4xx"\} 1$' || return 1
	expect_grep "metrics: pool" "$T/metrics.txt" \
	    "^warmcgi_script_requests_total\\{script=\"$CGI/pid\\.pl\",way=\"warm\"\\} 1\$" ||
	    return 1
	expect_grep "metrics: in flight" "$T/metrics.txt" \
	    '^warmcgi_request_elapsed_seconds\{.*state="params"' || return 1
	if command -v promtool >/dev/null 2>&1; then
		promtool check metrics <"$T/metrics.txt" >"$T/promtool.out" 2>&1 || {
			why="promtool: $(short "$(cat "$T/promtool.out")")"
			return 1
		}
	else
		echo "# promtool not found (apt-get install prometheus):" \
		    "openmetrics checked by grep only"
	fi
	code=$(http "/cgi-bin/status?json&full") &&
	    expect_eq "json full" "$code" 200 || return 1
	expect_eq "a row in flight" "$(json_get "$T/body" \
	    "len(d['requests'])")" 1 || return 1
}

t_ping()
{
	local code
	code=$(http /cgi-bin/ping) && expect_eq "ping" "$code" 200 || return 1
	expect_eq "pong" "$(cat "$T/body")" pong
}

# --status-allow: a prefix ending in '.' is a range; other entries are
# whole addresses; no REMOTE_ADDR is refused.
t_allow()
{
	local a want
	for a in 10.1.9.9:200 127.0.0.1:200 10.2.0.1:403 127.0.0.10:403 \
	    -:403; do
		want=${a##*:}
		a=${a%:*}
		if [ "$a" = - ]; then
			fcgi "unix:$T/sl.sock" request SCRIPT_NAME=/status
		else
			fcgi "unix:$T/sl.sock" request SCRIPT_NAME=/status \
			    "REMOTE_ADDR=$a"
		fi
		if [ "$want" = 200 ]; then
			expect_grep "$a allowed" "$T/fc.out" '^connections_open' ||
			    return 1
		else
			expect_grep "$a refused" "$T/fc.out" '^Status: 403' ||
			    return 1
		fi
	done
	expect_grep "refusal logged" "${WLOG[sl]}" \
	    '/status: client 10\.2\.0\.1 not allowed by --status-allow \(403\)'
}

# The access log's line for spin.sh: every field, and its CPU time is the
# script's (it spins 200 ms of CPU; at least 100 ms is asked).
t_access_log()
{
	local line
	wait_log "$ALOG" ' /cgi-bin/spin\.sh\?x=1 ' || {
		why="no line for spin.sh in the access log"
		return 1
	}
	line=$(grep ' /cgi-bin/spin\.sh?x=1 ' "$ALOG")
	read -r t client method uri script status bin bout dur exitw way cpu \
	    rss extra <<<"$line"
	expect_eq "time" "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' \
	    <<<"$t")" 1 || return 1
	expect_eq "client" "$client" 127.0.0.1 || return 1
	expect_eq "method" "$method" GET || return 1
	expect_eq "script" "$script" "$CGI/spin.sh" || return 1
	expect_eq "status" "$status" 200 || return 1
	expect_eq "bytes in" "$bin" 0 || return 1
	[ "$bout" -gt 0 ] || { why="bytes out: $bout"; return 1; }
	[ "$dur" -ge 0 ] || { why="duration: $dur"; return 1; }
	expect_eq "exit" "$exitw" 0 || return 1
	expect_eq "way" "$way" exec || return 1
	expect_eq "cpu >= 100 ms" "$(awk -v c="$cpu" 'BEGIN { print (c >= 100) }')" \
	    1 || return 1
	[ "$rss" -gt 0 ] || { why="maxrss: $rss"; return 1; }
	expect_eq "no more fields" "$extra" "" || return 1
	# The others of the sequence: 404 and 504 with how they ended.
	expect_grep "404 line" "$ALOG" \
	    ' GET /cgi-bin/nonexistent\.sh [^ ]+ 404 0 [0-9]+ [0-9]+ - self - -$' ||
	    return 1
	expect_grep "504 line" "$ALOG" \
	    " GET /cgi-bin/hang\\.sh\\?f=[^ ]+ $CGI/hang\\.sh 504 0 [0-9]+ [0-9]+ SIGTERM exec [0-9.]+ [0-9]+\$" ||
	    return 1
	expect_grep "POST line" "$ALOG" \
	    " POST /cgi-bin/echo\\.sh $CGI/echo\\.sh 200 1000 [0-9]+ " ||
	    return 1
	expect_grep "warm line" "$ALOG" \
	    " GET /cgi-bin/pid\\.pl $CGI/pid\\.pl 200 0 [0-9]+ [0-9]+ 0 warm - -\$"
}

# --slow-log 1: a held script is logged with its pid while it runs, and
# its JSON access-log line follows once it is let go.
t_slow_log()
{
	local pid b=$T/barrier-slow
	mkdir "$b"
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/sl.sock" request \
	    "SCRIPT_FILENAME=$CGI/barrier.pl" REQUEST_METHOD=GET \
	    REMOTE_ADDR=127.0.0.1 "REQUEST_URI=/barrier.pl?b=$b&n=2" \
	    "QUERY_STRING=b=$b&n=2" >"$T/slow.out" 2>&1 </dev/null &
	pid=$!
	wait_log "${WLOG[sl]}" "slow: $CGI/barrier\\.pl\\[[0-9]+\\]: running for [0-9]+\\.[0-9]{3} s \\(--slow-log 1\\)" || {
		why="no slow-log line"
		kill "$pid"
		return 1
	}
	# Still running: not answered, and no access-log line yet.
	alive "$pid" || { why="the request ended before its slow line"; return 1; }
	expect_nogrep "no access line yet" "$JLOG" barrier || return 1
	local spid
	spid=$(sed -n "s|.*slow: $CGI/barrier\\.pl\\[\\([0-9]*\\)\\].*|\\1|p" \
	    "${WLOG[sl]}")
	expect_eq "its pid" "$(ls "$b")" "$spid" || return 1
	touch "$b/go"
	wait "$pid"
	expect_grep "answered" "$T/slow.out" 'met 2' || return 1
	wait_log "$JLOG" barrier || { why="no JSON line"; return 1; }
	python3 - "$JLOG" "$CGI/barrier.pl" >"$T/py.out" 2>&1 <<'EOF' || {
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
r = [l for l in lines if l["script"] == sys.argv[2]]
assert len(r) == 1, lines
r = r[0]
assert r["status"] == 200 and r["way"] == "exec" and r["exit"] == "0", r
assert r["method"] == "GET" and r["client"] == "127.0.0.1", r
assert r["duration_ms"] >= 1000, r
assert isinstance(r["cpu_ms"], float) and r["maxrss_kb"] > 0, r
EOF
		why="JSON access log: $(short "$(tail -n 3 "$T/py.out")")"
		return 1
	}
	fcgi "unix:$T/sl.sock" request SCRIPT_NAME=/status \
	    REMOTE_ADDR=127.0.0.1
	expect_grep "slow counted" "$T/fc.out" '^slow_total +1$'
}

# SIGHUP: the access log, moved away, is opened anew; counters survive.
t_sighup()
{
	local before after code
	code=$(http "/cgi-bin/status?json") || return 1
	before=$(json_get "$T/body" "d['requests_total']")
	mv "$ALOG" "$ALOG.1"
	kill -HUP "${WPID[w1]}"
	wait_log "${WLOG[w1]}" "SIGHUP: access log $ALOG reopened" || {
		why="no reopen logged"
		return 1
	}
	code=$(http "/cgi-bin/hello.sh?after-hup") &&
	    expect_eq "after HUP" "$code" 200 || return 1
	wait_log "$ALOG" 'hello\.sh\?after-hup' || {
		why="no line in the new file"
		return 1
	}
	expect_nogrep "old file" "$ALOG.1" 'after-hup' || return 1
	alive "${WPID[w1]}" || { why="warmcgi died"; return 1; }
	code=$(http "/cgi-bin/status?json") || return 1
	after=$(json_get "$T/body" "d['requests_total']")
	# The status request, hello.sh and this one.
	expect_eq "counters kept" "$after" $((before + 2))
}

# What nothing else may leave: sanitizer reports.
t_sanitizers()
{
	check_sanitizers "${WLOG[w1]}" "${WLOG[sl]}"
}

run sequence-counters t_sequence
run formats t_formats
run ping t_ping
run status-allow t_allow
run access-log t_access_log
run slow-log t_slow_log
run sighup-reopen t_sighup
stop_nginx
for n in w1 sl; do
	stop_pid "${WPID[$n]}" TERM
done
run sanitizers t_sanitizers

echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
