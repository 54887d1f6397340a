#!/bin/bash
#
# Black-box tests of warm PHP (src/php.c): scripts of a php-cgi --handler
# served by persistent php-cgi workers in FastCGI mode, through a real
# nginx on 127.0.0.1.  Run by `make check` with WARMCGI, FCGI_CLIENT and
# TESTS_SRCDIR set; exits 77 (skip) when nginx, curl or php-cgi is
# missing.
#
# Instances: wp (--warm always), wx (the same, --warm off: by exec, the
# bytes to compare with), wm (--php-max-requests 2, -c 1), wt
# (--idle-timeout 2), w1 (--php-max-requests 1), wr (-c 2,
# --php-max-requests 4, --buffer-body 8 MiB).  nginx passes /p/, /x/, /m/,
# /t/, /1/ and /r/ to them.  wa (-c 1, --kill-grace 1), w0 (-c 1,
# --php-max-requests 0) and wg (-c 1, --warm-memory 1 MiB) are talked to
# directly, by fcgi_client.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

PHP_CGI=$(command -v php-cgi)
. "$TESTS_SRCDIR/lib.sh"
lib_need nginx curl php-cgi sha256sum

START_MS=$(date +%s%N)
lib_init

# Not executable, as a legacy cgi-bin's PHP files often are.
mkdir -p "$T/cgi-bin" "$T/sess"
cp "$TESTS_SRCDIR"/php-cgi-bin/*.php "$TESTS_SRCDIR/handler-cgi-bin/form.php" \
    "$T/cgi-bin/"
chmod 0644 "$T"/cgi-bin/*
head -c $((3 * 1024 * 1024)) /dev/urandom >"$T/b3m.bin"

PHP_H=".php=$PHP_CGI -d display_errors=0 -d session.save_path=$T/sess -d upload_max_filesize=16M -d post_max_size=32M"

# nginx_conf PORT: this suite's locations (lib.sh's start_nginx calls it).
nginx_conf()
{
	local loc
	nginx_conf_head
	cat <<EOF
	server {
		listen 127.0.0.1:$1;
		server_name localhost;
EOF
	for loc in p:wp x:wx m:wm t:wt 1:w1 r:wr; do
		cat <<EOF
		location /${loc%%:*}/ {
			rewrite ^/${loc%%:*}(/.*)\$ \$1 break;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_pass unix:$T/${loc#*:}.sock;
		}
EOF
	done
	cat <<EOF
	}
}
EOF
}

# ---------------------------------------------------------------- setup

start_warmcgi wp "$T/wp.sock" -v -c 4 --warm always --handler "$PHP_H" ||
    exit 99
start_warmcgi wx "$T/wx.sock" -v -c 4 --warm off --handler "$PHP_H" ||
    exit 99
start_warmcgi wm "$T/wm.sock" -v -c 1 --warm always --php-max-requests 2 \
    --status-path /status --handler "$PHP_H" || exit 99
start_warmcgi w1 "$T/w1.sock" -v -c 1 --warm always --php-max-requests 1 \
    --handler "$PHP_H" || exit 99
start_warmcgi wt "$T/wt.sock" -v -c 2 --warm always --idle-timeout 2 \
    --kill-grace 1 --handler "$PHP_H" || exit 99
start_warmcgi wr "$T/wr.sock" -v -c 2 --warm always --php-max-requests 4 \
    --buffer-body $((8 * 1024 * 1024)) --handler "$PHP_H" || exit 99
start_warmcgi wa "$T/wa.sock" -v -c 1 --warm always --kill-grace 1 \
    --handler "$PHP_H" || exit 99
start_warmcgi w0 "$T/w0.sock" -v -c 1 --warm always --php-max-requests 0 \
    --handler "$PHP_H" || exit 99
start_warmcgi wg "$T/wg.sock" -v -c 1 --warm always --warm-memory 1048576 \
    --handler "$PHP_H" || exit 99
start_nginx || exit 99

sha_of()
{
	sha256sum "$1" | cut -d' ' -f1
}

# pids_of PREFIX N: N requests to pid.php; the distinct pids, one a line,
# in the order they first served.
pids_of()
{
	local i
	for (( i = 0; i < $2; i++ )); do
		http "/$1/cgi-bin/pid.php?i=$i" >/dev/null
		sed -n 's/^pid=//p' "$T/body"
	done | awk '!seen[$0]++'	# in the order they served (pids wrap)
}

# wa_pid [NAME=VALUE...]: the pid of wa's worker that answers pid.php,
# asked directly over FastCGI.
wa_pid()
{
	direct_pid wa "$@"
}

# master_of PID: the php-cgi master that forked the child PID, the worker
# warmcgi's log names.
master_of()
{
	ps -o ppid= -p "$1" | tr -d ' '
}

# direct_pid NAME [NAME=VALUE...]: the same, of instance NAME.
direct_pid()
{
	local name=$1
	shift
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/$name.sock" request \
	    "SCRIPT_FILENAME=$T/cgi-bin/pid.php" REQUEST_METHOD=GET "$@" \
	    2>/dev/null </dev/null | tr -d '\r' | sed -n 's/^pid=//p'
}

# ---------------------------------------------------------------- tests

# Sequential requests are served by one worker: the same pid each time,
# a php-cgi child, still running, of a master that warmcgi started.
t_persistent()
{
	local pids n m
	pids=$(pids_of p 6)
	n=$(printf '%s\n' "$pids" | grep -c .)
	expect_eq "distinct pids of 6 requests" "$n" 1 || return 1
	alive "$pids" || { why="worker $pids is not running"; return 1; }
	m=$(master_of "$pids")
	expect_eq "its master's parent" "$(ps -o ppid= -p "$m" | tr -d ' ')" \
	    "${WPID[wp]}" || return 1
	expect_grep log "${WLOG[wp]}" "pid.php: to php-cgi worker $m\$"
}

# A urlencoded POST and a multipart upload through a worker.
t_post_upload()
{
	local code
	code=$(http /p/cgi-bin/form.php -d 'name=warm php&n=2')
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^method=POST$' || return 1
	expect_grep body "$T/body" '^post name=warm php$' || return 1
	expect_grep body "$T/body" '^post n=2$' || return 1
	expect_grep body "$T/body" "^script=$T/cgi-bin/form.php\$" || return 1
	code=$(http /p/cgi-bin/form.php -F "up=@$T/b3m.bin" -F name=x)
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^post name=x$' || return 1
	expect_grep body "$T/body" "^file up error=0 size=$((3 * 1024 * 1024)) sha256=$(sha_of "$T/b3m.bin")\$" ||
	    return 1
	# The worker is still in step: the next request is answered.
	code=$(http /p/cgi-bin/pid.php?after=upload)
	expect_eq "after the upload" "$code" 200 || return 1
	expect_grep body "$T/body" '^query=after=upload$'
}

# session_start() across two requests, the cookie sent back.
t_session()
{
	local code
	rm -f "$T/jar"
	code=$(http /p/cgi-bin/session.php -c "$T/jar")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^n=1$' || return 1
	code=$(http /p/cgi-bin/session.php -b "$T/jar" -c "$T/jar")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^n=2$' || return 1
	count_files "$T/sess" 1 || { why="no session file in $T/sess"; return 1; }
}

# A fatal error answers 500; the worker survives it and serves the next.
t_fatal()
{
	local code before after
	before=$(pids_of p 1)
	code=$(http /p/cgi-bin/fatal.php)
	expect_eq status "$code" 500 || return 1
	code=$(http /p/cgi-bin/pid.php)
	expect_eq "next request" "$code" 200 || return 1
	after=$(sed -n 's/^pid=//p' "$T/body")
	expect_eq "worker after the fatal error" "$after" "$before"
}

# exit() ends the request, not the worker.
t_exit()
{
	local code before after
	before=$(pids_of p 1)
	code=$(http /p/cgi-bin/exit.php)
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^before exit$' || return 1
	expect_nogrep body "$T/body" 'after exit' || return 1
	after=$(pids_of p 1)
	expect_eq "worker after exit()" "$after" "$before"
}

# "?-s" is no option to a worker (CVE-2012-1823): no source shown.
t_dash_s()
{
	local code
	code=$(http '/p/cgi-bin/pid.php?-s')
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^query=-s$' || return 1
	expect_nogrep body "$T/body" '<code>|<\?php|getmypid'
}

# The same bytes warm and by exec.
t_same_bytes()
{
	local page code
	for page in 'hello.php?q=<a&b>' pid.php?x=1 exit.php fatal.php; do
		code=$(http "/p/cgi-bin/$page")
		cp "$T/body" "$T/warm.out"
		sed -i 's/^pid=.*/pid=/' "$T/warm.out"
		expect_eq "$page warm" "$code" \
		    "$(http "/x/cgi-bin/$page")" || return 1
		sed -i 's/^pid=.*/pid=/' "$T/body"
		cmp -s "$T/warm.out" "$T/body" || {
			why="$page: warm and exec bodies differ"
			return 1
		}
	done
	code=$(http /p/cgi-bin/form.php -F "up=@$T/b3m.bin" -F name=y)
	cp "$T/body" "$T/warm.out"
	expect_eq "upload warm" "$code" \
	    "$(http /x/cgi-bin/form.php -F "up=@$T/b3m.bin" -F name=y)" ||
	    return 1
	cmp -s "$T/warm.out" "$T/body" || {
		why="upload: warm and exec bodies differ"
		return 1
	}
	expect_nogrep "exec log" "${WLOG[wx]}" 'to php-cgi worker'
}

# A script edited on disk is seen by the next request, as with php-cgi
# run per request, though its worker has it compiled: opcache checks
# its timestamp on every request (revalidate_freq=0).  The mtimes are
# set in the past, away from opcache's file_update_protection.
t_edit()
{
	local f=$T/cgi-bin/edit.php p0
	printf '<?php echo "v=1\\n";\n' >"$f"
	touch -d '-1 hour' "$f"
	http /p/cgi-bin/edit.php >/dev/null
	http /p/cgi-bin/edit.php >/dev/null
	expect_grep "first version" "$T/body" '^v=1$' || return 1
	p0=$(pids_of p 1)
	printf '<?php echo "v=2 (edited)\\n";\n' >"$f"
	touch -d '-30 min' "$f"
	http /p/cgi-bin/edit.php >/dev/null
	expect_grep "after the edit" "$T/body" '^v=2 \(edited\)$' || return 1
	expect_eq "the same worker" "$(pids_of p 1)" "$p0"
}

# The pool's compiled scripts are in its private opcache.file_cache
# (0700), which a new worker loads from: edit.php, old enough for
# opcache (file_update_protection), is there.
t_file_cache()
{
	local d
	d=$(ls -d /tmp/warmcgi-opcache."${WPID[wp]}".* 2>/dev/null | head -n 1)
	[ -n "$d" ] || { why="no file cache directory"; return 1; }
	expect_eq "its mode" "$(stat -c %a "$d")" 700 || return 1
	expect_eq "its owner" "$(stat -c %u "$d")" "$(id -u)" || return 1
	find "$d" -name 'edit.php.bin' | grep -q . ||
	    { why="edit.php not in $d"; return 1; }
}

# sleep.php started in the background, for the caller's locals: the
# child serving it ($pid), that child's master ($m), the client ($cpid).
sleep_start()
{
	rm -f "$T/sleep.pid"
	http /p/cgi-bin/sleep.php >"$T/sleep.code" &
	cpid=$!
	wait_file "$T/sleep.pid" || { why="sleep.php did not start"; return 1; }
	pid=$(cat "$T/sleep.pid")
	m=$(master_of "$pid")
}

# A worker's child killed in the middle of a request: 502 for that
# request; the next one is served by the next child the same master
# forks, warm (no cold start, no back-off to exec).
t_child_killed()
{
	local code pid m cpid
	sleep_start || return 1
	kill -KILL "$pid"
	wait "$cpid"
	expect_eq "killed request" "$(cat "$T/sleep.code")" 502 || return 1
	expect_grep log "${WLOG[wp]}" "php-cgi\[$m\]: its child .*while serving a request \(502\)" ||
	    return 1
	code=$(http /p/cgi-bin/gen.php)
	expect_eq "next request" "$code" 200 || return 1
	expect_grep "its master" "$T/body" "^ppid=$m\$" || return 1
	expect_nogrep "its child" "$T/body" "^pid=$pid\$" || return 1
	expect_grep log "${WLOG[wp]}" "gen.php: to php-cgi worker $m\$" ||
	    return 1
	expect_nogrep log "${WLOG[wp]}" 'exec meanwhile'
}

# A worker's master killed in the middle of a request: the worker is
# lost (its child too), 502 for that request, the next one served (by
# exec while the pool backs off, then warm again by a new worker).
t_master_killed()
{
	local code pid m cpid
	sleep_start || return 1
	[ "$(ps -o comm= -p "$m")" = php-cgi ] ||
	    { why="sleep.php's parent $m is no php-cgi master"; return 1; }
	kill -KILL "$m"
	wait "$cpid"
	expect_eq "killed request" "$(cat "$T/sleep.code")" 502 || return 1
	expect_grep log "${WLOG[wp]}" "php-cgi\[$m\]: killed by SIGKILL while serving a request \(502\)" ||
	    return 1
	wait_gone "$pid" || { why="its child $pid runs on"; return 1; }
	code=$(http /p/cgi-bin/pid.php)
	expect_eq "next request" "$code" 200 || return 1
	poll worker_other_than "$m" || {
		why="no new worker after the crash"
		return 1
	}
}

# The next request is served by a worker other than master $1.
worker_other_than()
{
	local p
	http /p/cgi-bin/pid.php >/dev/null
	p=$(sed -n 's/^pid=//p' "$T/body")
	[ -n "$p" ] && p=$(master_of "$p") && [ -n "$p" ] &&
	    [ "$p" != "$1" ] &&
	    grep -q "pid.php: to php-cgi worker $p\$" "${WLOG[wp]}"
}

# --php-max-requests 2 with one worker at most (-c 1): five requests,
# three children of one master, each gone once replaced.
t_max_requests()
{
	local pids n p
	pids=$(pids_of m 5)
	n=$(printf '%s\n' "$pids" | grep -c .)
	expect_eq "distinct pids of 5 requests" "$n" 3 || return 1
	for p in $(head -n 2 <<<"$pids"); do
		wait_gone "$p" || { why="retired child $p runs on"; return 1; }
	done
	n=$(sed -n 's/.*pid.php: to php-cgi worker //p' "${WLOG[wm]}" |
	    sort -u | wc -l)
	expect_eq "workers (masters)" "$n" 1 || return 1
	expect_grep log "${WLOG[wm]}" 'recycled: --php-max-requests served'
}

# The opcode cache outlives the recycling of children: six requests to
# gen.php through wm (--php-max-requests 2) are three children of one
# master, and the cache's hits grow with each request, the first of a
# child's included (a fresh php-cgi would start again from none).
t_opcache_kept()
{
	local i h prev=-1 pids masters
	for (( i = 0; i < 6; i++ )); do
		expect_eq "request $i" "$(http "/m/cgi-bin/gen.php?i=$i")" 200 ||
		    return 1
		h=$(sed -n 's/^hits=//p' "$T/body")
		[ -n "$h" ] && [ "$h" -gt "$prev" ] ||
		    { why="request $i: hits '$h' after $prev"; return 1; }
		prev=$h
		sed -n 's/^pid=//p' "$T/body" >>"$T/oc.pids"
		sed -n 's/^ppid=//p' "$T/body" >>"$T/oc.masters"
	done
	pids=$(sort -u "$T/oc.pids" | wc -l)
	masters=$(sort -u "$T/oc.masters" | wc -l)
	[ "$pids" -ge 3 ] || { why="$pids children served 6 requests"; return 1; }
	expect_eq "masters" "$masters" 1
}

# --php-max-requests 0, as php-cgi's own 0: past php-cgi's default 500
# requests, the same worker serves on.
t_max_requests_zero()
{
	local i pids
	pids=$(for (( i = 0; i < 510; i++ )); do direct_pid w0; done |
	    awk '!seen[$0]++')
	expect_eq "pids of 510 requests" "$(echo $pids)" "$(echo $pids |
	    awk '{ print $1 }')" || return 1
	[ -n "$pids" ] || { why="no pid answered"; return 1; }
	expect_eq "retirements" "$(grep -c 'retired' "${WLOG[w0]}")" 0
}

# The system calls of warm PHP requests (issue 13), each on a connection
# of its own as from nginx, counted in w0 (-c 1, its worker warm): one
# accept4 per connection and none that only says EAGAIN (the listener is
# level-triggered: the next turn of the loop takes the next one), no
# geteuid (ours is known), and an epoll_wait for the connection and one
# for the worker's answer, not one more for the request's records: they
# are read as the connection is taken, unless they had not come yet.
t_syscalls()
{
	local i n=20 sp acc again euid waits rd_again
	command -v strace >/dev/null || { why="strace is not installed"; return 1; }
	for i in 1 2; do
		[ -n "$(direct_pid w0)" ] || { why="w0 did not answer"; return 1; }
	done
	strace -qq -o "$T/strace.out" -p "${WPID[w0]}" 2>"$T/strace.err" &
	sp=$!
	if ! poll traced "${WPID[w0]}"; then
		kill "$sp" 2>/dev/null
		wait "$sp"
		why="strace could not attach: $(short "$(cat "$T/strace.err")")"
		return 1
	fi
	for (( i = 0; i < n; i++ )); do
		[ -n "$(direct_pid w0)" ] && continue
		kill "$sp"
		wait "$sp"
		why="request $i got no pid"
		return 1
	done
	kill "$sp"
	wait "$sp"
	acc=$(grep -c '^accept4(' "$T/strace.out")
	again=$(grep -c '^accept4(.*= -1 EAGAIN' "$T/strace.out")
	euid=$(grep -c '^geteuid(' "$T/strace.out")
	waits=$(grep -c '^epoll_wait(' "$T/strace.out")
	rd_again=$(grep -c '^read(.*= -1 EAGAIN' "$T/strace.out")
	expect_eq "accept4 calls for $n connections" "$acc" "$n" || return 1
	expect_eq "accept4 calls that said EAGAIN" "$again" 0 || return 1
	expect_eq "geteuid calls" "$euid" 0 || return 1
	# Two a request, one for each read that found nothing yet, and a
	# few for timers (the pool's tick) and the trace's ends.
	if (( waits > 2 * n + rd_again + 4 )); then
		why="$waits epoll_wait calls for $n requests ($rd_again reads found nothing)"
		return 1
	fi
}

# wm_status [QUERY]: wm's status page, asked directly over FastCGI.
wm_status()
{
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/wm.sock" request \
	    SCRIPT_NAME=/status REQUEST_METHOD=GET REMOTE_ADDR=127.0.0.1 \
	    "QUERY_STRING=${1:-}" 2>/dev/null </dev/null | tr -d '\r'
}

# The status page shows the PHP pool in each format, its counters moved
# by traffic: two more requests to wm (--php-max-requests 2, -c 1, after
# t_max_requests' five and t_opcache_kept's six) are two more answered
# and one more child recycled.
t_status()
{
	local n0 r0 n1
	wm_status >"$T/st0"
	expect_grep "text" "$T/st0" '^handler \.php$' || return 1
	n0=$(sed -n 's/^  requests //p' "$T/st0")
	r0=$(sed -n 's/^  recycled //p' "$T/st0")
	[ -n "$n0" ] && [ "$n0" -ge 5 ] && [ "$r0" -ge 2 ] ||
	    { why="requests '$n0', recycled '$r0' after five"; return 1; }
	http /m/cgi-bin/pid.php >/dev/null
	http /m/cgi-bin/pid.php >/dev/null
	wm_status >"$T/st1"
	n1=$((n0 + 2))
	expect_grep requests "$T/st1" "^  requests $n1\$" || return 1
	expect_grep recycled "$T/st1" "^  recycled $((r0 + 1))\$" || return 1
	expect_grep workers "$T/st1" '^  workers 1$' || return 1
	expect_grep busy "$T/st1" '^  busy 0$' || return 1
	expect_grep crashed "$T/st1" '^  crashed 0$' || return 1
	expect_grep rss "$T/st1" '^  rss_bytes [1-9][0-9]{5,}$' || return 1
	wm_status json >"$T/st.json"
	expect_grep json "$T/st.json" \
	    "\"php\":\\[\\{\"handler\":\"\\.php\",\"interpreter\":\"[^\"]*php-cgi[^\"]*\",\"workers\":1,\"idle\":1,\"busy\":0,\"requests\":$n1," ||
	    return 1
	wm_status openmetrics >"$T/st.om"
	expect_grep openmetrics "$T/st.om" \
	    "^warmcgi_php_requests_total\\{handler=\"\\.php\"\\} $n1\$" ||
	    return 1
	expect_grep openmetrics "$T/st.om" \
	    "^warmcgi_php_workers_recycled_total\\{handler=\"\\.php\"\\} $((r0 + 1))\$" ||
	    return 1
	expect_grep openmetrics "$T/st.om" \
	    '^warmcgi_php_workers\{handler="\.php",state="idle"\} 1$' ||
	    return 1
	expect_grep openmetrics "$T/st.om" '^# EOF$'
}

# Past --warm-memory (1 MiB here, less than any php-cgi), looked at
# every 16 requests: the child is killed between two requests and the
# same master forks the next; 20 requests, two children, one master.
t_warm_memory()
{
	local i
	for (( i = 0; i < 20; i++ )); do
		timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/wg.sock" request \
		    "SCRIPT_FILENAME=$T/cgi-bin/gen.php" REQUEST_METHOD=GET \
		    2>/dev/null </dev/null | tr -d '\r'
	done >"$T/wg.out"
	expect_eq "answers" "$(grep -c '^pid=' "$T/wg.out")" 20 || return 1
	expect_eq "children" "$(sed -n 's/^pid=//p' "$T/wg.out" | sort -u |
	    wc -l)" 2 || return 1
	expect_eq "masters" "$(sed -n 's/^ppid=//p' "$T/wg.out" | sort -u |
	    wc -l)" 1 || return 1
	expect_grep log "${WLOG[wg]}" 'its child recycled: over --warm-memory'
}

# --php-max-requests 1: each worker exits right after its answer, maybe
# before reading the empty FCGI_STDIN sent after the params: the answer
# still counts, every request gets its 200.
t_max_requests_one()
{
	local i code
	for (( i = 0; i < 20; i++ )); do
		code=$(http "/1/cgi-bin/pid.php?i=$i")
		expect_eq "request $i" "$code" 200 || return 1
	done
	expect_nogrep log "${WLOG[w1]}" '\(502\)'
}

# A worker left idle after its child was recycled (--php-max-requests 1)
# for longer than php-cgi waits for a request on a connection it has
# just accepted (a poll(2) of 5 s, then it closes it and accepts again):
# no death of its child is seen, no crash counted, and the next request
# is served by the next child of the same master.  The sleep is php-cgi's
# own timer passing, not a bound on us.
t_recycled_idle()
{
	local i
	for i in 0 1; do
		timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/w1.sock" request \
		    "SCRIPT_FILENAME=$T/cgi-bin/gen.php" REQUEST_METHOD=GET \
		    "QUERY_STRING=idle=$i" 2>/dev/null </dev/null |
		    tr -d '\r' >"$T/ri.$i"
		[ "$i" = 1 ] || sleep 7
	done
	expect_grep "first" "$T/ri.0" '^pid=[0-9]+$' || return 1
	expect_grep "after the idle time" "$T/ri.1" '^pid=[0-9]+$' || return 1
	expect_eq "master" "$(sed -n 's/^ppid=//p' "$T/ri.1")" \
	    "$(sed -n 's/^ppid=//p' "$T/ri.0")" || return 1
	expect_nogrep log "${WLOG[w1]}" 'its child (closed|connection)'
}

# Past --idle-timeout: 504, the worker killed (no crash: no back-off),
# the next request served warm by a new worker.
t_timeout()
{
	local code pid
	rm -f "$T/sleep.pid"
	code=$(http /t/cgi-bin/sleep.php)
	expect_eq status "$code" 504 || return 1
	pid=$(cat "$T/sleep.pid")
	wait_gone "$pid" || { why="worker $pid still running"; return 1; }
	code=$(http /t/cgi-bin/pid.php)
	expect_eq "next request" "$code" 200 || return 1
	expect_grep log "${WLOG[wt]}" "pid.php: to php-cgi worker [0-9]+\$" ||
	    return 1
	expect_nogrep log "${WLOG[wt]}" 'exec meanwhile'
}

# A steady stream through workers whose children are recycled every 4
# requests: each request answered by a worker (none by exec, none 502 or
# 503), each child serving 4 at most, by no more masters than -c 2 ever
# started (a recycling is a fork of the master, not a new worker).
t_recycle_stream()
{
	local i j n loops=
	for (( j = 0; j < 4; j++ )); do
		for (( i = 0; i < 15; i++ )); do
			curl -s -m 60 -o "$T/rs.$j.$i" -w '%{http_code}\n' \
			    "http://127.0.0.1:$PORT/r/cgi-bin/gen.php?s=$j.$i"
		done >"$T/rs.codes.$j" &
		loops="$loops $!"
	done
	wait $loops
	n=$(cat "$T"/rs.codes.* | grep -c '^200$')
	expect_eq "200s of 60 requests" "$n" 60 || return 1
	n=$(cat "$T"/rs.[0-9]* | grep -c '^pid=[0-9]')
	expect_eq "answers with a pid" "$n" 60 || return 1
	n=$(grep -c 'gen.php: to php-cgi worker' "${WLOG[wr]}")
	expect_eq "requests to workers" "$n" 60 || return 1
	expect_nogrep log "${WLOG[wr]}" '\((502|503)\)' || return 1
	n=$(cat "$T"/rs.[0-9]* | sed -n 's/^pid=//p' | sort | uniq -c |
	    awk '$1 > 4' | wc -l)
	expect_eq "children serving more than 4" "$n" 0 || return 1
	n=$(cat "$T"/rs.[0-9]* | sed -n 's/^pid=//p' | sort -u | wc -l)
	[ "$n" -ge 15 ] || { why="$n children served 60 requests"; return 1; }
	n=$(cat "$T"/rs.[0-9]* | sed -n 's/^ppid=//p' | sort -u | wc -l)
	[ "$n" -ge 1 ] && [ "$n" -le 2 ] ||
	    { why="$n masters served, -c 2"; return 1; }
	n=$(grep -c 'php: .* worker [0-9]* started' "${WLOG[wr]}")
	[ "$n" -le 2 ] || { why="$n workers started, -c 2"; return 1; }
	expect_grep log "${WLOG[wr]}" 'recycled: --php-max-requests served'
}

# A body larger than every queue on its way (--stdin-buffer, the
# worker's), and output larger than the connection's: both intact; what
# the script logs (error_log: FCGI_STDERR) is in our log with its pid.
t_big_body()
{
	local code out=$((3 * 1000 * 1000)) size
	code=$(http "/p/cgi-bin/body.php?out=$out" \
	    -H "Content-Type: application/octet-stream" --data-binary "@$T/b3m.bin")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" "^len=$((3 * 1024 * 1024))\$" || return 1
	expect_grep body "$T/body" "^sha256=$(sha_of "$T/b3m.bin")" || return 1
	size=$(stat -c %s "$T/body")
	expect_eq "body size" "$size" $((out + 12 + 72)) ||
	    return 1
	expect_grep log "${WLOG[wp]}" \
	    "body.php\[[0-9]+\]: .*body.php read $((3 * 1024 * 1024)) bytes" ||
	    return 1
	code=$(http /p/cgi-bin/pid.php?after=body)
	expect_eq "after it" "$code" 200
}

# --buffer-body: a body without a length, collected (in a file, past
# --stdin-buffer), then sent to the worker with its CONTENT_LENGTH.
t_buffer_body()
{
	timeout 90 "$FCGI_CLIENT" -t 60 -i "$T/b3m.bin" "unix:$T/wr.sock" \
	    request "SCRIPT_FILENAME=$T/cgi-bin/body.php" REQUEST_METHOD=POST \
	    >"$T/body" 2>"$T/fc.err" </dev/null
	expect_grep body "$T/body" "^len=$((3 * 1024 * 1024))\$" || return 1
	expect_grep body "$T/body" "^sha256=$(sha_of "$T/b3m.bin")" || return 1
	expect_grep log "${WLOG[wr]}" \
	    "body.php: body of $((3 * 1024 * 1024)) bytes collected in a file" ||
	    return 1
	expect_grep log "${WLOG[wr]}" "body.php: to php-cgi worker"
}

# When warmcgi stops, its workers go too.
t_workers_stop()
{
	local pids p
	pids=$(ps -o pid= --ppid "${WPID[wp]}")
	[ -n "$pids" ] || { why="no worker to see stop"; return 1; }
	for p in $pids; do
		pids="$pids $(ps -o pid= --ppid "$p")"
	done
	stop_pid "${WPID[wp]}" TERM
	expect_eq "warmcgi's exit" "$stop_rc" 0 || return 1
	wait_gone $pids || { why="left running:$gone_left"; return 1; }
	! ls -d /tmp/warmcgi."${WPID[wp]}".* >/dev/null 2>&1 || {
		why="socket directory left"
		return 1
	}
	! ls -d /tmp/warmcgi-opcache."${WPID[wp]}".* >/dev/null 2>&1 || {
		why="file cache directory left"
		return 1
	}
}

# The client leaves while linger.php runs (how: $1, "hangup" or
# "abort"): the worker runs the script to its end, its output dropped
# but its stderr logged, and serves the next request, warm.  -c 1: that request waits for the
# slot the worker keeps until it is done, so it cannot be another's.
t_client_left()
{
	local how=$1 tag=$2 p0 m0 p cpid
	p0=$(wa_pid QUERY_STRING=before=$tag)
	[ -n "$p0" ] || { why="no worker answered"; return 1; }
	m0=$(master_of "$p0")
	if [ "$how" = hangup ]; then
		timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/wa.sock" request \
		    "SCRIPT_FILENAME=$T/cgi-bin/linger.php" REQUEST_METHOD=GET \
		    "QUERY_STRING=tag=$tag" >/dev/null 2>&1 </dev/null &
		cpid=$!
		wait_file "$T/linger.$tag.pid" ||
		    { why="linger.php did not start"; return 1; }
		kill "$cpid"
		wait "$cpid"
	else
		timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/wa.sock" abort 100 \
		    "SCRIPT_FILENAME=$T/cgi-bin/linger.php" REQUEST_METHOD=GET \
		    "QUERY_STRING=tag=$tag" >"$T/abort.out" 2>&1 </dev/null
		expect_grep "abort answer" "$T/abort.out" 'END_REQUEST' ||
		    return 1
		wait_file "$T/linger.$tag.pid" ||
		    { why="linger.php did not start"; return 1; }
	fi
	expect_eq "linger.php's worker" "$(cat "$T/linger.$tag.pid")" "$p0" ||
	    return 1
	wait_log "${WLOG[wa]}" "php-cgi\[$m0\]: its client left" ||
	    { why="no log of the client leaving"; return 1; }
	touch "$T/linger.$tag.go"
	wait_file "$T/linger.$tag.done" ||
	    { why="linger.php did not finish"; return 1; }
	p=$(wa_pid QUERY_STRING=after=$tag)
	expect_eq "worker after the client left" "$p" "$p0" || return 1
	expect_grep log "${WLOG[wa]}" \
	    "php-cgi\[$m0\]: done with the request its client left \(ended\)" ||
	    return 1
	expect_grep log "${WLOG[wa]}" \
	    "php-cgi\[$m0\]: .*linger.php $tag: still here after the client left" ||
	    return 1
	expect_nogrep log "${WLOG[wa]}" "php-cgi\[$m0\]: still running"
}

# A script that runs on past the bound after its client left (no -t: 5
# s) is killed, no crash, and a new worker serves the next request.
t_client_left_hang()
{
	local p0 m0 p cpid
	p0=$(wa_pid QUERY_STRING=before=h)
	[ -n "$p0" ] || { why="no worker answered"; return 1; }
	m0=$(master_of "$p0")
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/wa.sock" request \
	    "SCRIPT_FILENAME=$T/cgi-bin/linger.php" REQUEST_METHOD=GET \
	    "QUERY_STRING=tag=h" >/dev/null 2>&1 </dev/null &
	cpid=$!
	wait_file "$T/linger.h.pid" || { why="linger.php did not start"; return 1; }
	kill "$cpid"
	wait "$cpid"
	wait_log "${WLOG[wa]}" \
	    "php-cgi\[$m0\]: still running 5 s after its client left: killed" ||
	    { why="the lingering worker was not killed"; return 1; }
	wait_gone "$p0" "$m0" || { why="worker $m0 still running"; return 1; }
	p=$(wa_pid QUERY_STRING=after=h)
	[ -n "$p" ] && p=$(master_of "$p") && [ "$p" != "$m0" ] ||
	    { why="next request: master '$p', not a new worker's"; return 1; }
	expect_grep log "${WLOG[wa]}" "pid.php: to php-cgi worker $p\$" ||
	    return 1
	[ ! -e "$T/linger.h.done" ] || { why="linger.php finished"; return 1; }
	expect_nogrep log "${WLOG[wa]}" 'exec meanwhile'
}

t_sanitizers()
{
	check_sanitizers "${WLOG[@]}"
}

run php-persistent t_persistent
run php-post-upload t_post_upload
run php-session t_session
run php-fatal-500 t_fatal
run php-exit t_exit
run php-dash-s t_dash_s
run php-warm-exec-same-bytes t_same_bytes
run php-edit-seen t_edit
run php-file-cache t_file_cache
run php-child-killed-502 t_child_killed
run php-master-killed-502 t_master_killed
run php-max-requests t_max_requests
run php-opcache-kept-recycling t_opcache_kept
run php-status t_status
run php-max-requests-zero t_max_requests_zero
run php-max-requests-one t_max_requests_one
run php-recycled-idle-kept t_recycled_idle
run php-warm-memory-child t_warm_memory
run php-syscalls t_syscalls
run php-idle-timeout-504 t_timeout
run php-recycle-stream t_recycle_stream
run php-big-body t_big_body
run php-buffer-body t_buffer_body
run php-client-hangup-worker-kept t_client_left hangup a
run php-client-abort-worker-kept t_client_left abort b
run php-client-left-hang-killed t_client_left_hang
stop_nginx
run php-workers-stop t_workers_stop
for p in "${!WPID[@]}"; do
	alive "${WPID[$p]}" && stop_pid "${WPID[$p]}" TERM
done
run sanitizers t_sanitizers

lib_finish
