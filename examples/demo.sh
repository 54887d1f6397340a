#!/bin/sh
# A working demo: warmcgi behind its own nginx on 127.0.0.1:8080, serving
# the scripts in examples/cgi-bin/ at http://127.0.0.1:8080/cgi-bin/...
#
# Run it as root from the source tree after building (./autogen.sh &&
# ./configure && make).  It stays in the foreground, logging warmcgi's
# and nginx's errors to the terminal; Ctrl-C stops both.  Everything it
# makes (socket, nginx config, pid, logs, temp files, index page) goes in
# ./demo/ under the tree.  nginx's config is examples/nginx/warmcgi.conf
# with its paths and port changed.
#
# Environment: PORT (8080), DEMO_DIR (./demo), WARMCGI_OPTS (extra
# options for warmcgi, e.g. "-v" or "-f"), NGINX (nginx).

set -eu

TREE=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-8080}
DEMO_DIR=${DEMO_DIR:-$TREE/demo}
NGINX=${NGINX:-nginx}
WARMCGI="$TREE/src/warmcgi"
SOCK="$DEMO_DIR/warmcgi.sock"

die() {
	echo "demo.sh: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run me as root (nginx runs here with 'user root')"
[ -x "$WARMCGI" ] || die "$WARMCGI not found: build first" \
    "(./autogen.sh && ./configure && make)"
command -v "$NGINX" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
command -v "$NGINX" >/dev/null 2>&1 || die "nginx not found" \
    "(apt-get install nginx-light)"
case $PORT in
''|*[!0-9]*) die "PORT=$PORT is not a port number" ;;
esac

mkdir -p "$DEMO_DIR/html" "$DEMO_DIR/logs" "$DEMO_DIR/tmp"
rm -f "$DEMO_DIR/nginx.pid"

# nginx: the example snippet with the demo's paths, inside a minimal
# main config with its own pid, logs and temp directories.
sed -e "s|unix:/run/warmcgi/warmcgi.sock|unix:$SOCK|" \
    -e "s|listen 80;|listen 127.0.0.1:$PORT;|" \
    -e "s|root /var/www/html;|root $DEMO_DIR/html;|" \
    -e "s|/usr/lib\\\$fastcgi_script_name|$TREE/examples\$fastcgi_script_name|" \
    "$TREE/examples/nginx/warmcgi.conf" >"$DEMO_DIR/warmcgi-site.conf"
for want in "unix:$SOCK" "127.0.0.1:$PORT" "root $DEMO_DIR/html" \
    "$TREE/examples\$fastcgi_script_name"; do
	grep -qF "$want" "$DEMO_DIR/warmcgi-site.conf" ||
	    die "examples/nginx/warmcgi.conf changed: cannot set $want"
done

[ -f /etc/nginx/fastcgi_params ] || die "/etc/nginx/fastcgi_params not found"
cp /etc/nginx/fastcgi_params "$DEMO_DIR/fastcgi_params"

cat >"$DEMO_DIR/nginx.conf" <<EOF
# Made by examples/demo.sh; overwritten on every run.
user root;
worker_processes 1;
daemon off;
pid $DEMO_DIR/nginx.pid;
error_log $DEMO_DIR/logs/nginx-error.log;
error_log stderr warn;

events {
	worker_connections 256;
}

http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log $DEMO_DIR/logs/access.log;
	client_body_temp_path $DEMO_DIR/tmp/body;
	fastcgi_temp_path $DEMO_DIR/tmp/fastcgi;
	proxy_temp_path $DEMO_DIR/tmp/proxy;
	scgi_temp_path $DEMO_DIR/tmp/scgi;
	uwsgi_temp_path $DEMO_DIR/tmp/uwsgi;

	include $DEMO_DIR/warmcgi-site.conf;
}
EOF

# The index page: one link per script, described by its "# about:" line.
{
	cat <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>warmcgi demo</title></head>
<body>
<h1>warmcgi demo</h1>
<p>nginx passes <code>/cgi-bin/</code> to warmcgi over FastCGI; warmcgi
runs the scripts in <code>examples/cgi-bin/</code> as CGI programs.</p>
<ul>
EOF
	for f in "$TREE"/examples/cgi-bin/*; do
		if [ ! -f "$f" ] || [ ! -x "$f" ]; then
			continue
		fi
		name=$(basename "$f")
		about=$(sed -n 's/^# about: *//p' "$f" | head -n 1 |
		    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g')
		printf '<li><a href="/cgi-bin/%s">%s</a>: %s</li>\n' \
		    "$name" "$name" "$about"
	done
	cat <<'EOF'
</ul>
<p>Also try <a href="/cgi-bin/hello.sh/extra/path?one+two+three">hello.sh
with PATH_INFO</a> (argv words too with WARMCGI_OPTS=--isindex-argv),
<a href="/cgi-bin/slow.sh?30">slow.sh?30</a> (close the tab midway: the
script is killed), and <a href="/cgi-bin/missing.sh">a missing script</a>
(404 from warmcgi).</p>
</body></html>
EOF
} >"$DEMO_DIR/html/index.html"

warmcgi_pid=
nginx_pid=
sleep_pid=
# Stop both (nginx: fast shutdown; warmcgi: scripts get its grace
# period, or are killed at once if Ctrl-C already reached warmcgi).
# shellcheck disable=SC2317
stop() {
	rc=$1
	set +e
	trap - INT TERM EXIT
	echo
	echo "demo.sh: stopping nginx and warmcgi"
	[ -n "$sleep_pid" ] && kill "$sleep_pid" 2>/dev/null
	[ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null
	[ -n "$warmcgi_pid" ] && kill -TERM "$warmcgi_pid" 2>/dev/null
	[ -n "$nginx_pid" ] && wait "$nginx_pid" 2>/dev/null
	[ -n "$warmcgi_pid" ] && wait "$warmcgi_pid" 2>/dev/null
	exit "$rc"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

# warmcgi first; -c and the rest at their defaults (warmcgi -h).  The
# warm-interpreter helpers are used from the tree, as they are not installed.
warm_opts=
if [ -d "$TREE/src/warm" ] && "$WARMCGI" -h 2>&1 | grep -q -- --warm-helpers
then
	warm_opts="--warm-helpers $TREE/src/warm"
fi
# As root warmcgi refuses to run scripts unless told which user to run
# them as (-u) or that root is meant (--allow-root).  The demo serves the
# tree's own examples, which an unprivileged user may not be able to reach
# (a tree under /root), so it allows root; a real server gives -u www-data
# (WARMCGI_OPTS="-u www-data" here, if the tree is readable by it).
# shellcheck disable=SC2086
"$WARMCGI" -s "unix:$SOCK" --allow-root $warm_opts ${WARMCGI_OPTS:-} &
warmcgi_pid=$!
i=0
while [ ! -S "$SOCK" ]; do
	kill -0 "$warmcgi_pid" 2>/dev/null || die "warmcgi did not start"
	i=$((i + 1))
	[ "$i" -le 50 ] || die "warmcgi made no socket at $SOCK"
	sleep 0.1
done

"$NGINX" -e "$DEMO_DIR/logs/nginx-error.log" -p "$DEMO_DIR" \
    -c "$DEMO_DIR/nginx.conf" &
nginx_pid=$!
i=0
while [ ! -s "$DEMO_DIR/nginx.pid" ]; do
	kill -0 "$nginx_pid" 2>/dev/null ||
	    die "nginx did not start (if port $PORT is taken, try PORT=8081)"
	i=$((i + 1))
	[ "$i" -le 50 ] || die "nginx did not start"
	sleep 0.1
done

cat <<EOF

  warmcgi demo: open http://127.0.0.1:$PORT/
  scripts:      $TREE/examples/cgi-bin/ at http://127.0.0.1:$PORT/cgi-bin/
  socket:       $SOCK
  logs:         warmcgi's on this terminal; nginx's in $DEMO_DIR/logs/
  Press Ctrl-C to stop.

EOF

# Either one dying ends the demo; a signal runs stop().
while kill -0 "$warmcgi_pid" 2>/dev/null && kill -0 "$nginx_pid" 2>/dev/null
do
	sleep 1 &
	sleep_pid=$!
	wait "$sleep_pid" || true
	sleep_pid=
done
echo "demo.sh: nginx or warmcgi exited" >&2
exit 1
