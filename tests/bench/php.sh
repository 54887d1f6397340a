#!/bin/bash
#
# Warm PHP benchmark: hello.php through one nginx and wrk, served by
# warmcgi warm (php-cgi workers, src/php.c), by warmcgi --warm off
# (php-cgi per request) and, when php-fpm is installed, by php-fpm with a
# static pool of the same size, in one run.  Prints req/s, latency and the
# RSS of warmcgi, of its workers and of php-fpm's processes.  Not part of
# `make check`.
#
# Environment:
#   WARMCGI          the daemon (../../src/warmcgi next to this script)
#   BENCH_DURATION   seconds per wrk run (5)
#   BENCH_CHILDREN   -c of warmcgi, php-fpm's pm.max_children (4)
#   BENCH_CONNS      wrk connections (16)
#   BENCH_PHP_MAX    warm's --php-max-requests (its default)
#   BENCH_VERBOSE=1  warm's warmcgi with -v
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

start_warmcgi ww "$T/ww.sock" ${BENCH_VERBOSE:+-v} -c "$KIDS" --warm always \
    ${BENCH_PHP_MAX:+--php-max-requests "$BENCH_PHP_MAX"} \
    --handler ".php=$PHP_CGI" || exit 1
start_warmcgi we "$T/we.sock" -c "$KIDS" --warm off \
    --handler ".php=$PHP_CGI" || exit 1
FPM_PID=
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
	"$FPM" -y "$T/fpm.conf" -R -F >"$T/fpm.out" 2>&1 &
	FPM_PID=$!
	PIDS="$PIDS $FPM_PID"
	poll test -S "$T/fpm.sock"
fi
start_nginx || exit 1

printf '%-22s %10s %10s %12s %12s\n' "hello.php" "req/s" "avg lat" \
    "daemon RSS" "workers RSS"
for w in warm exec fpm; do
	[ "$w" = fpm ] && [ -z "$FPM_PID" ] && continue
	# Warm up: workers started, opcode caches filled.
	wrk -t 1 -c "$KIDS" -d 1 "http://127.0.0.1:$PORT/$w/cgi-bin/hello.php" \
	    >/dev/null 2>&1
	wrk -t "$(( CONNS < 2 ? 1 : 2 ))" -c "$CONNS" -d "$DUR" \
	    "http://127.0.0.1:$PORT/$w/cgi-bin/hello.php" >"$T/wrk.$w" 2>&1
	case $w in
	warm)	d=$(rss_kb "${WPID[ww]}")
		k=$(tree_rss $(ps -o pid= --ppid "${WPID[ww]}")) ;;
	exec)	d=$(rss_kb "${WPID[we]}"); k=- ;;
	fpm)	d=$(rss_kb "$FPM_PID")
		k=$(tree_rss $(ps -o pid= --ppid "$FPM_PID")) ;;
	esac
	printf '%-22s %10s %10s %9s KiB %9s KiB\n' "$w" \
	    "$(awk '/^Requests\/sec/ { print $2 }' "$T/wrk.$w")" \
	    "$(awk '/^ +Latency/ { print $2 }' "$T/wrk.$w")" "$d" "$k"
	grep -E 'Non-2xx|Socket errors' "$T/wrk.$w"
done
