#!/bin/bash
# scaleout_integration.sh: examples/scale-out/ in miniature.  Two warmcgi
# instances on loopback TCP ports behind one nginx upstream with
# fastcgi_next_upstream; while clients keep sending idempotent GETs, one
# instance gets SIGTERM: it finishes what it has, nginx sends the rest to
# the other, and no request fails.  Then the stopped one is started again
# and gets requests again: a rolling restart.  Each instance's status page
# counts its own share.
#
# Needs: WARMCGI, FCGI_CLIENT, TESTS_SRCDIR; nginx, curl, python3.

set -u
. "${TESTS_SRCDIR:?}/lib.sh"
lib_init

CLIENTS=4		# client loops at once
PER_CLIENT=60		# requests each
mkdir -p "$T/cgi-bin"
# Each answer names the instance that ran it (warmcgi's own INSTANCE,
# passed with --pass-env) and the request.
cat >"$T/cgi-bin/who.sh" <<'EOS'
#!/bin/sh
sleep 0.05
printf 'Content-Type: text/plain\n\n%s %s\n' "$INSTANCE" "$QUERY_STRING"
EOS
chmod 0755 "$T/cgi-bin/who.sh"

# --allow-from where this warmcgi has it: the example's setting.
ALLOW=()
"$WARMCGI" --help 2>&1 | grep -q -- '--allow-from' &&
    ALLOW=(--allow-from 127.0.0.1)

declare -A WPORT
# start_tcp NAME [PORT]: warmcgi on tcp:127.0.0.1:PORT (a free one if not
# given), INSTANCE=NAME in its environment.
start_tcp()
{
	local name=$1 port=${2:-} try pid
	for try in 1 2 3 4 5 6 7 8 9 10; do
		[ -n "${2:-}" ] || port=$((20000 + RANDOM % 12000))
		port_free "$port" || continue
		WLOG[$name]=$T/$name.$try.log
		# Emptied here, not only by the redirection in the child: a
		# restart reuses the name, and the old "ready:" seen before the
		# child truncates it would send us to wait for a running daemon.
		: >"${WLOG[$name]}"
		INSTANCE=$name ASAN_OPTIONS=$WARMCGI_ASAN_OPTIONS \
		    "$WARMCGI" -s "tcp:127.0.0.1:$port" --pass-env INSTANCE \
		    "${ALLOW[@]}" $WARMCGI_ROOT_OPT -v \
		    --status-path /warmcgi-status \
		    >"${WLOG[$name]}" 2>&1 </dev/null &
		pid=$!
		PIDS="$PIDS $pid"
		# Ready, or it exited (the port was taken meanwhile).
		poll eval "grep -q 'ready:' '${WLOG[$name]}' || ! alive $pid"
		if grep -q 'ready:' "${WLOG[$name]}"; then
			WPID[$name]=$pid
			WPORT[$name]=$port
			return 0
		fi
		kill "$pid" 2>/dev/null		# not ready in time either
		wait "$pid" 2>/dev/null
	done
	echo "warmcgi $name did not start:" >&2
	cat "${WLOG[$name]}" >&2
	return 1
}

# The upstream of examples/scale-out/nginx.conf, on our ports.
nginx_conf()
{
	nginx_conf_head
	cat <<EOF
	upstream warmcgi_pool {
		server 127.0.0.1:${WPORT[a]} max_fails=1 fail_timeout=1s;
		server 127.0.0.1:${WPORT[b]} max_fails=1 fail_timeout=1s;
		keepalive 8;
	}
	server {
		listen 127.0.0.1:$1;
		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_pass warmcgi_pool;
			fastcgi_keep_conn on;
			fastcgi_next_upstream error timeout invalid_header http_503;
		}
	}
}
EOF
}

# client N: PER_CLIENT GETs one after the other; one line per answer,
# "CODE BODY", in $T/client.N.
client()
{
	local i code
	for (( i = 0; i < PER_CLIENT; i++ )); do
		code=$(curl -sS -m 60 -o "$T/c$1.body" -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/cgi-bin/who.sh?$1-$i" \
		    2>>"$T/curl.err")
		echo "$code $(head -n 1 "$T/c$1.body" 2>/dev/null)" \
		    >>"$T/client.$1"
		rm -f "$T/c$1.body"
	done
}

# served NAME: how many answers came from NAME so far.
served()
{
	cat "$T"/client.* 2>/dev/null | grep -c "^200 $1 " || true
}

served_at_least()
{
	[ "$(served "$1")" -ge "$2" ]
}

t_rolling()
{
	local c pids= want total bad a_before a_after
	for (( c = 0; c < CLIENTS; c++ )); do
		client "$c" &
		pids="$pids $!"
	done
	# Mid-load: both have served, then a gets SIGTERM.
	if ! poll served_at_least a 10 || ! poll served_at_least b 10; then
		why="both instances did not get requests"
		wait $pids
		return 1
	fi
	a_before=$(served a)
	stop_pid "${WPID[a]}" TERM
	wait $pids
	expect_eq "a's exit status after SIGTERM" "$stop_rc" 0 || return 1
	want=$((CLIENTS * PER_CLIENT))
	total=$(cat "$T"/client.* | wc -l)
	expect_eq "answers" "$total" "$want" || return 1
	bad=$(cat "$T"/client.* | grep -vE '^200 (a|b) [0-9]+-[0-9]+$' |
	    head -3)
	[ -z "$bad" ] || { why="failed requests: $(short "$bad")"; return 1; }
	# Each answer is its own request's, once.
	bad=$(cat "$T"/client.* | awk '{ print $3 }' | sort | uniq -d |
	    head -3)
	[ -z "$bad" ] || { why="answered twice: $bad"; return 1; }
	a_after=$(served a)
	# a finishes what it had in flight when signalled, then nothing.
	[ "$((a_after - a_before))" -le "$CLIENTS" ] ||
	    { why="a answered $((a_after - a_before)) after SIGTERM"; return 1; }
	expect_eq "b's share" "$(served b)" "$((want - a_after))" || return 1
	expect_eq "b's share on its status page" "$(answered_2xx b)" \
	    "$(served b)" || return 1
	expect_grep "a shut down cleanly" "${WLOG[a]}" 'stopped$'
}

# answered_2xx NAME: the 2xx answers NAME's status page counts (the page
# itself is counted once it has ended, so not in its own figure).
answered_2xx()
{
	timeout 90 "$FCGI_CLIENT" -t 60 "tcp:127.0.0.1:${WPORT[$1]}" request \
	    SCRIPT_NAME=/warmcgi-status QUERY_STRING=json \
	    REMOTE_ADDR=127.0.0.1 2>/dev/null | sed '1,/^\r*$/d' |
	    python3 -c 'import json, sys; print(json.load(sys.stdin)["responses"]["2xx"])'
}

got_a()
{
	RN=$((RN + 1))
	curl -sS -m 60 "http://127.0.0.1:$PORT/cgi-bin/who.sh?r-$RN" \
	    2>>"$T/curl.err" | grep -q "^a r-"
}

# The stopped instance comes back on its port and nginx uses it again.
t_restart()
{
	RN=0
	start_tcp a "${WPORT[a]}" || { why="a did not restart"; return 1; }
	poll got_a || { why="no request reached the restarted a"; return 1; }
	# The new a has answered exactly the one request that reached it.
	expect_eq "a's share on its status page" "$(answered_2xx a)" 1
}

t_sanitizers()
{
	check_sanitizers "$T"/a.*.log "$T"/b.*.log
}

start_tcp a || exit 99
start_tcp b || exit 99
start_nginx || exit 99
[ ${#ALLOW[@]} -gt 0 ] && echo "# with --allow-from 127.0.0.1"

run scaleout-sigterm-no-loss t_rolling
run scaleout-restart t_restart
run sanitizers t_sanitizers

[ "$NFAIL" -eq 0 ] && [ -z "${WARMCGI_KEEP_TMP:-}" ] ||
    echo "# logs kept in $T"
echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
