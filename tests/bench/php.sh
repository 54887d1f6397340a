#!/bin/bash
#
# Warm PHP benchmark: hello.php through one nginx and wrk, served by
# warmcgi warm (php-cgi workers, src/php.c), by warmcgi --warm off
# (php-cgi per request) and, when php-fpm is installed, by php-fpm with a
# static pool of the same size, in one run.  Prints req/s, latency, the
# RSS of warmcgi, of its workers and of php-fpm's processes and, where a
# cgroup can be made, CPU ms and page faults per request of each server
# with all its processes.  Not part of `make check`.
#
# Environment:
#   WARMCGI          the daemon (../../src/warmcgi next to this script)
#   BENCH_DURATION   seconds per wrk run (5)
#   BENCH_CHILDREN   -c of warmcgi, php-fpm's pm.max_children (4)
#   BENCH_CONNS      wrk connections (16)
#   BENCH_PHP_MAX    warm's --php-max-requests (its default)
#   BENCH_VERBOSE=1  warm's warmcgi with -v
#   BENCH_ONLY       the columns to run, of "warm exec fpm" (all)
#   BENCH_COSTS=off  no cgroups (CPU and faults per request)
#
# Needs: nginx, wrk, php-cgi; php-fpm for its column.

set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
WARMCGI=${WARMCGI:-$HERE/../../src/warmcgi}
TESTS_SRCDIR=$HERE/..
DUR=${BENCH_DURATION:-5}
KIDS=${BENCH_CHILDREN:-4}
CONNS=${BENCH_CONNS:-16}
PHP_CGI=$(command -v php-cgi) || { echo "php-cgi not found" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found" >&2; exit 1; }
FPM=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1)
ONLY=${BENCH_ONLY:-warm exec fpm}

. "$TESTS_SRCDIR/lib.sh"
lib_init
mkdir -p "$T/cgi-bin"
cat >"$T/cgi-bin/hello.php" <<'EOF'
<?php
header('Content-Type: text/plain');
echo "Hello, world\n";
EOF
chmod 0644 "$T/cgi-bin/hello.php"

nginx_conf()
{
	local loc
	nginx_conf_head
	printf '\tserver {\n\t\tlisten 127.0.0.1:%s;\n' "$1"
	for loc in warm:ww exec:we fpm:fpm; do
		cat <<EOF
		location /${loc%%:*}/ {
			rewrite ^/${loc%%:*}(/.*)\$ \$1 break;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_pass unix:$T/${loc#*:}.sock;
		}
EOF
	done
	printf '\t}\n}\n'
}

# Costs: each server runs in a cgroup of its own, joined before its first
# process runs (so every worker it starts is counted), made under our own
# cgroup: v1 memory (total_pgfault) and cpuacct (usage, ns), else v2
# (pgfault, usage_usec).  CG_DIRS: made, removed at the end.
CG_DIRS=
cg_own()	# controller, or "" for v2: our cgroup's directory
{
	local own mp
	own=$(awk -F: -v c="$1" 'c == "" && $1 == "0" { print $3; exit }
	    c != "" { n = split($2, a, ",")
		for (i = 1; i <= n; i++) if (a[i] == c) { print $3; exit } }' \
	    /proc/self/cgroup)
	mp=$(awk -v c="$1" '{ split($0, h, " - "); split(h[1], l, " ")
		split(h[2], r, " ")
		if (c == "" && r[1] == "cgroup2") { print l[5]; exit }
		if (c != "" && r[1] == "cgroup" && index("," r[3] ",", "," c ","))
			{ print l[5]; exit } }' /proc/self/mountinfo)
	[ -n "$own" ] && [ -n "$mp" ] && [ -w "$mp${own%/}" ] &&
		echo "$mp${own%/}"
}
if [ "${BENCH_COSTS:-}" != off ]; then
	CG_MEM=$(cg_own memory) CG_CPU=$(cg_own cpuacct)
	CG_FKEY=total_pgfault
	if [ -z "$CG_MEM$CG_CPU" ] && CG_CPU=$(cg_own ""); then
		CG_MEM=$CG_CPU CG_FKEY=pgfault
		grep -qw memory "$CG_MEM/cgroup.subtree_control" 2>/dev/null ||
			CG_MEM=
	fi
fi
# cg_make NAME: the cgroups of one server; CG_JOIN their cgroup.procs.
declare -A CG_JOIN
cg_make()
{
	local d
	CG_JOIN[$1]=
	for d in ${CG_MEM:-} ${CG_CPU:-}; do
		[ -d "$d/warmcgi-php.$$.$1" ] && continue
		mkdir "$d/warmcgi-php.$$.$1" 2>/dev/null || continue
		CG_DIRS="$CG_DIRS $d/warmcgi-php.$$.$1"
		CG_JOIN[$1]="${CG_JOIN[$1]} $d/warmcgi-php.$$.$1/cgroup.procs"
	done
}
# cg_read NAME: "faults cpu_ns" so far ("-" for what is not measured).
cg_read()
{
	local f=- c=- d=warmcgi-php.$$.$1
	[ -n "${CG_MEM:-}" ] && [ -d "$CG_MEM/$d" ] && f=$(awk -v k="$CG_FKEY" \
	    '$1 == k { print $2 }' "$CG_MEM/$d/memory.stat")
	if [ -n "${CG_CPU:-}" ] && [ -d "$CG_CPU/$d" ]; then
		if [ -f "$CG_CPU/$d/cpuacct.usage" ]; then
			c=$(cat "$CG_CPU/$d/cpuacct.usage")
		else
			c=$(awk '$1 == "usage_usec" { print $2 * 1000 }' \
			    "$CG_CPU/$d/cpu.stat")
		fi
	fi
	echo "${f:--} ${c:--}"
}
cg_cleanup()
{
	local d p i
	for d in $CG_DIRS; do
		for (( i = 0; i < 50; i++ )); do
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
				kill -KILL "$p" 2>/dev/null
			done
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
	done
}
trap 'lib_cleanup; cg_cleanup' EXIT
# in_cg NAME PROGRAM: $T/in-cg.NAME joins cgroup NAME and execs PROGRAM.
in_cg()
{
	cg_make "$1"
	printf '#!/bin/sh\nfor f in%s; do echo $$ >"$f"; done\nexec %s "$@"\n' \
	    "${CG_JOIN[$1]}" "$2" >"$T/in-cg.$1"
	chmod 0755 "$T/in-cg.$1"
}

# CPU ticks (user + system) a process has used itself.
ticks()
{
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null ||
		echo 0
}

# RSS in KiB of a process and its descendants.
tree_rss()
{
	local p sum=0 kids
	for p in "$@"; do
		sum=$((sum + $(rss_kb "$p" || echo 0)))
		kids=$(ps -o pid= --ppid "$p")
		[ -n "$kids" ] && sum=$((sum + $(tree_rss $kids)))
	done
	echo "$sum"
}

REAL=$WARMCGI
in_cg warm "$REAL"
WARMCGI=$T/in-cg.warm
start_warmcgi ww "$T/ww.sock" ${BENCH_VERBOSE:+-v} -c "$KIDS" --warm always \
    ${BENCH_PHP_MAX:+--php-max-requests "$BENCH_PHP_MAX"} \
    --handler ".php=$PHP_CGI" || exit 1
in_cg exec "$REAL"
WARMCGI=$T/in-cg.exec
start_warmcgi we "$T/we.sock" -c "$KIDS" --warm off \
    --handler ".php=$PHP_CGI" || exit 1
FPM_PID=
case " $ONLY " in *" fpm "*) ;; *) FPM= ;; esac
if [ -n "$FPM" ]; then
	cat >"$T/fpm.conf" <<EOF
[global]
error_log = $T/fpm.log
daemonize = no
[www]
listen = $T/fpm.sock
pm = static
pm.max_children = $KIDS
EOF
	[ "$(id -u)" = 0 ] && printf 'user = root\n' >>"$T/fpm.conf"
	in_cg fpm "$FPM"
	"$T/in-cg.fpm" -y "$T/fpm.conf" -R -F >"$T/fpm.out" 2>&1 &
	FPM_PID=$!
	PIDS="$PIDS $FPM_PID"
	poll test -S "$T/fpm.sock"
fi
start_nginx || exit 1

printf '%-10s %10s %9s %12s %13s %8s %8s %7s\n' "hello.php" "req/s" \
    "avg lat" "daemon RSS" "workers RSS" "CPU ms/r" "daemon" "faults/r"
for w in $ONLY; do
	[ "$w" = fpm ] && [ -z "$FPM_PID" ] && continue
	# Warm up: workers started, opcode caches filled.
	wrk -t 1 -c "$KIDS" -d 1 "http://127.0.0.1:$PORT/$w/cgi-bin/hello.php" \
	    >/dev/null 2>&1
	case $w in
	warm)	dp=${WPID[ww]} ;;
	exec)	dp=${WPID[we]} ;;
	fpm)	dp=$FPM_PID ;;
	esac
	t0=$(ticks "$dp")
	read -r f0 c0 <<<"$(cg_read "$w")"
	wrk -t "$(( CONNS < 2 ? 1 : 2 ))" -c "$CONNS" -d "$DUR" \
	    "http://127.0.0.1:$PORT/$w/cgi-bin/hello.php" >"$T/wrk.$w" 2>&1
	read -r f1 c1 <<<"$(cg_read "$w")"
	t1=$(ticks "$dp")
	n=$(awk '/requests in/ { print $1 }' "$T/wrk.$w")
	case $w in
	warm)	d=$(rss_kb "${WPID[ww]}")
		k=$(tree_rss $(ps -o pid= --ppid "${WPID[ww]}")) ;;
	exec)	d=$(rss_kb "${WPID[we]}"); k=- ;;
	fpm)	d=$(rss_kb "$FPM_PID")
		k=$(tree_rss $(ps -o pid= --ppid "$FPM_PID")) ;;
	esac
	printf '%-10s %10s %9s %8s KiB %9s KiB %8s %8s %7s\n' "$w" \
	    "$(awk '/^Requests\/sec/ { print $2 }' "$T/wrk.$w")" \
	    "$(awk '/^ +Latency/ { print $2 }' "$T/wrk.$w")" "$d" "$k" \
	    "$(awk -v a="$c0" -v b="$c1" -v n="${n:-0}" 'BEGIN {
		if (a == "-" || b == "-" || n <= 0) print "-"
		else printf "%.3f", (b - a) / 1e6 / n }')" \
	    "$(awk -v a="$t0" -v b="$t1" -v n="${n:-0}" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { if (n <= 0) print "-"
		else printf "%.3f", (b - a) * 1000 / hz / n }')" \
	    "$(awk -v a="$f0" -v b="$f1" -v n="${n:-0}" 'BEGIN {
		if (a == "-" || b == "-" || n <= 0) print "-"
		else printf "%.2f", (b - a) / n }')"
	grep -E 'Non-2xx|Socket errors' "$T/wrk.$w"
done
