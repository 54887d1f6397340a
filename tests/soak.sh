#!/bin/bash
#
# The fault soak (issue 10): one warmcgi, warm and exec'd scripts, behind
# a real nginx on 127.0.0.1, given 22,000 requests through nginx from 8
# clients at once, most of them good, the rest scripts that crash,
# SIGKILL themselves mid-stream, die, hang past --timeout (some ignoring
# SIGTERM), print garbage, and clients that hang up early; meanwhile
# malformed and random FastCGI records straight on warmcgi's socket.
# Afterwards every good request must have been answered right (each body
# checked), and warmcgi be as it was after the warm-up: the same
# descriptors, the same children (its zygotes), no zombie, no script
# left, resident memory grown by less than 512 kB in the second half of
# the soak (the first reaches the high-water mark of buffers and arenas).
#
# The requests come from tests/soak_client.pl, the scripts from
# tests/soak-cgi-bin.  Run by `make check' with WARMCGI, FCGI_CLIENT and
# TESTS_SRCDIR set; SOAK_REQUESTS changes the 20,000 of the main phase.
# Prints "ok NAME" or "FAIL NAME: why" per check and "N passed, M failed"
# last; exits 1 on any failure, 77 (skip) when a tool is missing.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

. "$TESTS_SRCDIR/lib.sh"
lib_need nginx perl python3 ps

HELPERS=$(cd "$TESTS_SRCDIR/../src/warm" 2>/dev/null && pwd)
if [ ! -r "$HELPERS/warmcgi-zygote.py" ] ||
    [ ! -d "$TESTS_SRCDIR/soak-cgi-bin" ]; then
	echo "soak.sh: $TESTS_SRCDIR/soak-cgi-bin or src/warm missing" >&2
	exit 99
fi

REQUESTS=${SOAK_REQUESTS:-20000}
WARMUP=2000		# requests before the figures are taken
PAR=8			# clients at once
HANG_AT_ONCE=10		# hanging requests at once, beside the soak
HANG_ROUNDS=4
FUZZ_RUNS=100		# fcgi_client runs of random records
RSS_GROWTH_KB=512	# in the soak's second half, as a leak would

lib_init
# An ASan build holds freed memory back in a quarantine until it is full:
# a small one fills in the warm-up, so that what grows after it is ours.
WARMCGI_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
cp -R "$TESTS_SRCDIR/soak-cgi-bin" "$T/cgi-bin"
chmod 0755 "$T"/cgi-bin/*
SOCK=$T/soak.sock

# Replaces lib.sh's configuration: every script on the one instance.
nginx_conf()
{
	nginx_conf_head
	cat <<EOF

	server {
		listen 127.0.0.1:$1;
		server_name localhost;
		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_pass unix:$SOCK;
		}
	}
}
EOF
}

# -t 10: a hang ends after 10 s, 504; --kill-grace 1: one that ignores
# SIGTERM gets SIGKILL a second later.  A good request is answered in
# milliseconds, so even a loaded machine leaves it far from 10 s.
mkdir -p "$T/tmp"
TMPDIR=$T/tmp start_warmcgi soak "$SOCK" --warm always \
    --warm-helpers "$HELPERS" --warm-idle 3600 -t 10 --kill-grace 1 ||
    exit 99
start_nginx || exit 99
PID=${WPID[soak]}

# The daemon's children: "PID STATE COMMAND" lines.
children()
{
	ps -o pid=,stat=,args= --ppid "$PID" 2>/dev/null
}

# At rest: no script running (none in the scripts' directory, every child
# of warmcgi a zygote) and as many descriptors as at the start ($1; the
# zygotes' sockets come and go with them).
at_rest()
{
	[ -z "$(script_procs)" ] || return 1
	[ -z "$(children | grep -vi zygote)" ] || return 1
	[ -z "$1" ] || [ "$(fd_count "$PID")" -eq "$1" ]
}

# soak_client ARGS: the client, its report in $T/client.out (and on our
# output, as figures for the log); fails with the first BAD line in $why.
soak_client()
{
	timeout 900 perl "$TESTS_SRCDIR/soak_client.pl" "$PORT" "$@" \
	    >"$T/client.out" 2>&1
	local rc=$?
	sed 's/^/# /' "$T/client.out"
	[ $rc -eq 0 ] && return 0
	why="soak_client.pl $* exit $rc: $(short "$(grep -m1 '^BAD' \
	    "$T/client.out")")"
	return 1
}

# Malformed and random records straight on warmcgi's socket, by the
# $FUZZ_RUNS: random version-1 records, and a wrong version, a
# BEGIN_REQUEST for no role, params that run past their record, a
# record longer than it says, one at a time.
records()
{
	local i rc bad=0 raw=(
	    "0201000100080000000100000000000000"
	    "01010001000800000007000000000000"
	    "0101000100080000000100000000000001040001000500000a80000000"
	    "01010001000800000001000000000000010400010003000001ff41ff"
	    "0105000100ff0000"
	)
	for (( i = 1; i <= FUZZ_RUNS; i++ )); do
		timeout 60 "$FCGI_CLIENT" -t 1 "unix:$SOCK" fuzz "$i" 50 \
		    >/dev/null 2>&1 </dev/null
		rc=$?
		case $rc in 0|2|3) ;; *) bad=$((bad + 1)) ;; esac
		timeout 60 "$FCGI_CLIENT" -t 1 "unix:$SOCK" raw \
		    "${raw[i % ${#raw[@]}]}" >/dev/null 2>&1 </dev/null
	done
	echo "$bad" >"$T/records.bad"
}

# ---------------------------------------------------------------- warm-up

# Every kind once at least (the mix repeats every 100 requests) and every
# hang script once, so each zygote the soak will use is started.
t_warmup()
{
	soak_client 0 "$WARMUP" "$PAR" || return 1
	soak_client hang 4 1 || return 1
	if ! poll at_rest ""; then
		why="scripts still running after the warm-up: $(short \
		    "$(children | grep -vi zygote)") $(script_procs)"
		return 1
	fi
	# The descriptor count settles once the last request's are closed.
	FDS0=$(fd_count "$PID")
	poll at_rest "$FDS0" || true
	FDS0=$(fd_count "$PID")
	ZYG0=$(children | grep -ci zygote)
	RSS0=$(rss_kb "$PID")
	echo "# after the warm-up: $FDS0 descriptors, $ZYG0 zygotes," \
	    "VmRSS $RSS0 kB"
	[ "$ZYG0" -gt 0 ] || { why="no zygote: nothing ran warm"; return 1; }
}

# ---------------------------------------------------------------- soak

t_soak()
{
	local rpid hpid rc=0 start end
	start=$(date +%s)
	records &
	rpid=$!
	PIDS="$PIDS $rpid"
	perl "$TESTS_SRCDIR/soak_client.pl" "$PORT" hang "$HANG_AT_ONCE" \
	    "$HANG_ROUNDS" >"$T/hang.out" 2>&1 &
	hpid=$!
	PIDS="$PIDS $hpid"
	# Resident memory is taken between two halves: buffers and malloc's
	# arenas reach their high-water mark in the first (a busier machine
	# pushes it higher), a leak grows in the second as in the first.
	soak_client "$WARMUP" $((REQUESTS / 2)) "$PAR" || rc=1
	RSS1=$(rss_kb "$PID")
	soak_client $((WARMUP + REQUESTS / 2)) $((REQUESTS / 2)) "$PAR" ||
	    rc=1
	wait "$hpid" || {
		[ -n "$why" ] || why="hang phase: $(short "$(grep -m1 '^BAD' \
		    "$T/hang.out")")"
		rc=1
	}
	sed 's/^/# /' "$T/hang.out"
	wait "$rpid"
	end=$(date +%s)
	echo "# soak: $REQUESTS requests, $((HANG_AT_ONCE * HANG_ROUNDS))" \
	    "hangs and $FUZZ_RUNS x 2 record runs in $((end - start)) s"
	alive "$PID" || { why="warmcgi died"; return 1; }
	[ "$(cat "$T/records.bad" 2>/dev/null)" = 0 ] || {
		why="${why:+$why; }fcgi_client failed $(cat "$T/records.bad") times"
		rc=1
	}
	return $rc
}

# ---------------------------------------------------------------- after

t_rest()
{
	if ! poll at_rest "$FDS0"; then
		why="not back at rest: $(fd_count "$PID") descriptors, $FDS0"
		why="$why before; children: $(short "$(children | tr '\n' ';')")"
		why="$why; scripts: $(script_procs | tr '\n' ' ')"
		return 1
	fi
	echo "# after the soak: $(fd_count "$PID") descriptors, $(children |
	    grep -ci zygote) zygotes"
}

t_children()
{
	local n
	n=$(children | grep -ci zygote)
	expect_eq "zygotes" "$n" "$ZYG0" || return 1
	expect_eq "children other than zygotes" \
	    "$(children | grep -vi zygote | tr '\n' ';')" ""
}

t_zombies()
{
	local z p
	z=$(zombies_of "$PID")
	for p in $(children | awk '{ print $1 }'); do
		z="$z $(zombies_of "$p")"
	done
	z=$(echo $z)
	expect_eq "zombies" "$z" ""
}

t_rss()
{
	local rss
	rss=$(rss_kb "$PID")
	echo "# VmRSS $RSS0 kB after the warm-up, $RSS1 kB half-way" \
	    "($((RSS1 - RSS0)) kB), $rss kB after the soak ($((rss - RSS1)) kB)"
	[ $((rss - RSS1)) -lt "$RSS_GROWTH_KB" ] && return 0
	why="VmRSS grew from $RSS1 to $rss kB in the soak's second half"
	return 1
}

t_log()
{
	check_sanitizers "${WLOG[soak]}" || return 1
	expect_grep log "${WLOG[soak]}" 'hang\.(sh|pl|py)\[[0-9]+\]: --timeout 10 s passed' ||
	    return 1
	expect_grep log "${WLOG[soak]}" 'still running 1 s after SIGTERM \(--kill-grace\): SIGKILL'
}

run warmup t_warmup || true
if [ "$NFAIL" -eq 0 ]; then
	run soak t_soak
	run back-at-rest t_rest
	run children t_children
	run zombies t_zombies
	run rss t_rss
fi
run log t_log

# SIGTERM: warmcgi ends at once (nothing runs), with status 0 and, in an
# ASan build, no leak reported at exit.
t_exit()
{
	stop_pid "$PID" TERM
	expect_eq "exit status" "$stop_rc" 0 || return 1
	check_sanitizers "${WLOG[soak]}"
}
run exit t_exit

echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
