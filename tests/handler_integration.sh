#!/bin/bash
#
# Black-box tests of --handler (interpreters by extension: php-cgi, perl)
# and of request bodies without a length (--buffer-body, and streaming
# without it), through a real nginx on 127.0.0.1 and, for PHP, Apache
# 2.4's mod_proxy_fcgi when apache2 is installed.  Run by `make check`
# with WARMCGI, FCGI_CLIENT and TESTS_SRCDIR set; exits 77 (skip) when
# nginx, curl or php-cgi is missing.
#
# Instances: wh (the handlers, --warm always, -v), wh-exec (the same,
# --warm off: the bytes to compare with), wb (--buffer-body 4 MiB with
# --stdin-buffer 64 KiB, so that bodies go to a file), wn (no
# --buffer-body: bodies stream).  nginx passes /h/, /hx/, /b/ and /n/ to
# them; /b/ and /n/ with fastcgi_request_buffering off, so that a chunked
# body reaches warmcgi without CONTENT_LENGTH.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

PHP_CGI=$(command -v php-cgi)
. "$TESTS_SRCDIR/lib.sh"
lib_need nginx curl perl php-cgi sha256sum

START_MS=$(date +%s%N)
lib_init

# Not executable, as a legacy cgi-bin's PHP and Perl files often are.
cp -R "$TESTS_SRCDIR/handler-cgi-bin" "$T/cgi-bin"
chmod 0644 "$T"/cgi-bin/*
chmod 0755 "$T/cgi-bin/eof.pl" "$T/cgi-bin/cgipm.pl"

head -c $((3 * 1024 * 1024)) /dev/urandom >"$T/b3m.bin"
head -c $((5 * 1024 * 1024)) /dev/urandom >"$T/b5m.bin"
head -c 1000 /dev/urandom >"$T/b1k.bin"
{ printf 'name=x&pad='; head -c $((3 * 1024 * 1024)) /dev/zero | tr '\0' a; } \
    >"$T/form3m.txt"
sha_of()
{
	sha256sum "$1" | cut -d' ' -f1
}

PHP_H=".php=$PHP_CGI -d memory_limit=77M -d upload_max_filesize=16M"

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
	for loc in h:wh hx:wh-exec b:wb n:wn; do
		cat <<EOF
		location /${loc%%:*}/ {
			rewrite ^/${loc%%:*}(/.*)\$ \$1 break;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_request_buffering off;
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

start_warmcgi wh "$T/wh.sock" -v --warm always --handler "$PHP_H" \
    --handler .pl=/usr/bin/perl || exit 99
start_warmcgi wh-exec "$T/wh-exec.sock" -v --warm off --handler "$PHP_H" \
    --handler .pl=/usr/bin/perl || exit 99
start_warmcgi wb "$T/wb.sock" -v --warm off --buffer-body $((4 * 1024 * 1024)) \
    --stdin-buffer 65536 --tmpdir "$T" || exit 99
start_warmcgi wn "$T/wn.sock" -v --warm off || exit 99
start_nginx || exit 99

# ---------------------------------------------------------------- tests

# A urlencoded POST to a non-executable .php, run by php-cgi.
t_php_post()
{
	local code
	code=$(http /h/cgi-bin/form.php -d 'name=warm cgi&n=2')
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^method=POST$' || return 1
	expect_grep body "$T/body" '^post name=warm cgi$' || return 1
	expect_grep body "$T/body" '^post n=2$' || return 1
	expect_grep body "$T/body" "^script=$T/cgi-bin/form.php\$"
}

# A multipart upload: php-cgi writes the file, its digest is the sent one.
t_php_upload()
{
	local code
	code=$(http /h/cgi-bin/form.php -F "up=@$T/b3m.bin" -F name=x)
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^post name=x$' || return 1
	expect_grep body "$T/body" "^file up error=0 size=$((3 * 1024 * 1024)) sha256=$(sha_of "$T/b3m.bin")\$"
}

# The handler's words (-d memory_limit=77M) reach php-cgi; no query word
# ever does: "?-s" would make php-cgi print the source (CVE-2012-1823).
t_php_args()
{
	local code
	code=$(http /h/cgi-bin/ini.php)
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^memory_limit=77M$' || return 1
	code=$(http '/h/cgi-bin/ini.php?-s')
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^memory_limit=' || return 1
	expect_nogrep body "$T/body" 'ini_get|<code>|<\?php'
}

# Without --handler, a non-executable .php is refused as before.
t_php_no_handler()
{
	local code
	code=$(http /n/cgi-bin/form.php)
	expect_eq status "$code" 403 || return 1
	expect_grep log "${WLOG[wn]}" "form.php: not executable \(403\)"
}

# A non-executable .pl with no #! line through --handler .pl=/usr/bin/perl:
# kept warm (a zygote of /usr/bin/perl), and byte-identical to exec.
t_pl_warm()
{
	local script=$T/cgi-bin/plain.pl code i
	code=$(http '/h/cgi-bin/plain.pl?a=1' --data-binary "@$T/b1k.bin")
	expect_eq status "$code" 200 || return 1
	if ! wait_log "${WLOG[wh]}" "warm: $script: zygote pid [0-9]+ ready"; then
		why="no zygote became ready for plain.pl"
		return 1
	fi
	expect_grep log "${WLOG[wh]}" \
	    "warm: $script: zygote interpreter /usr/bin/perl \(its --handler\)" ||
	    return 1
	code=$(http '/h/cgi-bin/plain.pl?a=1' --data-binary "@$T/b1k.bin")
	expect_eq status "$code" 200 || return 1
	cp "$T/body" "$T/warm.out"
	cp "$T/hdr" "$T/warm.hdr"
	expect_grep log "${WLOG[wh]}" "debug: $script: warm start\$" || return 1
	code=$(http '/hx/cgi-bin/plain.pl?a=1' --data-binary "@$T/b1k.bin")
	expect_eq status "$code" 200 || return 1
	expect_nogrep log "${WLOG[wh-exec]}" "warm start" || return 1
	expect_grep body "$T/body" "^0=$script argv=0 len=1000 sha256=$(sha_of "$T/b1k.bin")\$" ||
	    return 1
	if ! cmp -s "$T/body" "$T/warm.out"; then
		why="warm and exec bodies differ: $(short "$(cat "$T/warm.out")") vs $(short "$(cat "$T/body")")"
		return 1
	fi
	expect_eq content-type "$(hdr content-type)" \
	    "$(tr -d '\r' <"$T/warm.hdr" | sed -n 's/^[Cc]ontent-[Tt]ype: //p')"
}

# curl sends the body chunked; nginx (request buffering off) streams it
# with an empty CONTENT_LENGTH (fastcgi_params' $content_length) -- once
# the body is larger than what nginx reads with the headers: a small one
# it reads whole first, and then sends its length.
chunked()
{
	http "$1" -H 'Transfer-Encoding: chunked' "${@:2}"
}

# Without --buffer-body the body streams to the script until the end of
# FCGI_STDIN, CONTENT_LENGTH unset: a script reading to EOF gets it all.
t_stream_default()
{
	local code
	code=$(chunked /n/cgi-bin/eof.pl --data-binary "@$T/b3m.bin")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" "^cl= len=$((3 * 1024 * 1024)) sha256=$(sha_of "$T/b3m.bin")\$"
}

# CGI.pm reads no urlencoded POST without CONTENT_LENGTH: the reason for
# the option.  (A multipart one it reads to its closing boundary.)
t_cgipm_needs_length()
{
	local code
	code=$(chunked /n/cgi-bin/cgipm.pl --data-binary "@$T/form3m.txt")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^cl= name= len=0 sha256=[0-9a-f]+ pad=0$'
}

# --buffer-body: the chunked multipart upload is collected (past
# --stdin-buffer, in a file), CONTENT_LENGTH set, CGI.pm reads it all.
t_buffer_body()
{
	local code len
	code=$(chunked /b/cgi-bin/cgipm.pl -F "up=@$T/b3m.bin" -F name=x)
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" "^cl=[0-9]+ name=x len=$((3 * 1024 * 1024)) sha256=$(sha_of "$T/b3m.bin") pad=0\$" ||
	    return 1
	len=$(sed -n 's/^cl=\([0-9]*\) .*/\1/p' "$T/body")
	expect_grep log "${WLOG[wb]}" \
	    "cgipm.pl: body of $len bytes collected in a file" || return 1
	code=$(chunked /b/cgi-bin/cgipm.pl --data-binary "@$T/form3m.txt")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" "^cl=$(stat -c %s "$T/form3m.txt") name=x len=0 sha256=[0-9a-f]+ pad=$((3 * 1024 * 1024))\$" ||
	    return 1
	# A small one stays in memory (straight from tests/fcgi_client: nginx
	# would send its length); a body with a length is not held.
	timeout 90 "$FCGI_CLIENT" -t 60 -i "$T/b1k.bin" "unix:$T/wb.sock" \
	    request "SCRIPT_FILENAME=$T/cgi-bin/eof.pl" REQUEST_METHOD=POST \
	    >"$T/body" 2>"$T/fc.err" </dev/null
	expect_grep body "$T/body" "^cl=1000 len=1000 sha256=$(sha_of "$T/b1k.bin")\$" ||
	    return 1
	expect_grep log "${WLOG[wb]}" "eof.pl: body of 1000 bytes collected\$" ||
	    return 1
	code=$(http /b/cgi-bin/eof.pl --data-binary "@$T/b3m.bin")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" "^cl=$((3 * 1024 * 1024)) len=$((3 * 1024 * 1024)) " ||
	    return 1
	expect_nogrep log "${WLOG[wb]}" "body of $((3 * 1024 * 1024)) bytes"
}

# Past --buffer-body: 413, no script started, the next request served.
t_buffer_body_413()
{
	local code
	code=$(chunked /b/cgi-bin/eof.pl --data-binary "@$T/b5m.bin")
	expect_eq status "$code" 413 || return 1
	expect_grep log "${WLOG[wb]}" \
	    "eof.pl: body without CONTENT_LENGTH larger than --buffer-body \(413\)" ||
	    return 1
	code=$(chunked /b/cgi-bin/eof.pl --data-binary "@$T/b3m.bin")
	expect_eq status "$code" 200
}

# No body file is left behind in --tmpdir.
t_no_body_files()
{
	local f
	f=$(ls "$T" | grep '^warmcgi-body' | head -n 1)
	[ -z "$f" ] && return 0
	why="left behind: $f"
	return 1
}

# ---------------------------------------------------------------- Apache

APACHE_PID=
APORT=

# A PHP form POST through Apache 2.4's mod_proxy_fcgi to wh.
start_apache()
{
	local mods=/usr/lib/apache2/modules try port i
	[ -x /usr/sbin/apache2 ] && [ -r "$mods/mod_proxy_fcgi.so" ] ||
	    return 1
	mkdir -p "$T/apache"
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 12000))
		port_free "$port" || continue
		cat >"$T/apache.conf" <<EOF
ServerRoot $T/apache
Listen 127.0.0.1:$port
PidFile $T/apache/httpd.pid
ErrorLog $T/apache-error.log
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule proxy_module $mods/mod_proxy.so
LoadModule proxy_fcgi_module $mods/mod_proxy_fcgi.so
ServerName localhost
DocumentRoot $T
<Directory $T>
	Require all granted
</Directory>
ProxyPass /cgi-bin/ "unix:$T/wa.sock|fcgi://localhost$T/cgi-bin/"
ProxyFCGISetEnvIf "true" SCRIPT_FILENAME "$T%{reqenv:SCRIPT_NAME}"
EOF
		[ "$(id -u)" = 0 ] && printf 'User nobody\nGroup nogroup\n' \
		    >>"$T/apache.conf"
		APACHE_RUN_DIR=$T/apache APACHE_LOCK_DIR=$T/apache \
		    /usr/sbin/apache2 -X -f "$T/apache.conf" \
		    </dev/null >>"$T/apache.out" 2>&1 &
		APACHE_PID=$!
		PIDS="$PIDS $APACHE_PID"
		for (( i = 0; i < WAIT_NAPS; i++ )); do
			alive "$APACHE_PID" || break
			if ! port_free "$port"; then
				APORT=$port
				return 0
			fi
			sleep 0.05
		done
		kill -KILL "$APACHE_PID" 2>/dev/null
		wait "$APACHE_PID" 2>/dev/null
		APACHE_PID=
	done
	return 1
}

# Apache's worker runs as nobody when we are root: a socket it may use.
# mod_proxy_fcgi sends SCRIPT_FILENAME as proxy:fcgi://...: the
# configuration sets the file's path instead.
t_apache_php_post()
{
	local code
	code=$(curl -sS -m 60 -o "$T/body" -w '%{http_code}' \
	    -d 'name=apache&n=3' \
	    "http://127.0.0.1:$APORT/cgi-bin/form.php" 2>"$T/curl.err")
	expect_eq status "$code" 200 || return 1
	expect_grep body "$T/body" '^post name=apache$' || return 1
	expect_grep body "$T/body" "^script=$T/cgi-bin/form.php\$"
}

t_sanitizers()
{
	check_sanitizers "${WLOG[@]}"
}

run php-post t_php_post
run php-upload t_php_upload
run php-handler-args t_php_args
run php-no-handler-403 t_php_no_handler
run pl-handler-warm-same-bytes t_pl_warm
run stream-no-length t_stream_default
run cgipm-needs-length t_cgipm_needs_length
run buffer-body t_buffer_body
run buffer-body-413 t_buffer_body_413
if start_warmcgi wa "$T/wa.sock" --socket-mode 0666 --handler "$PHP_H" &&
    start_apache; then
	run apache-php-post t_apache_php_post
else
	echo "# skipped apache-php-post: apache2 with mod_proxy_fcgi" \
	    "did not start"
fi
stop_nginx
for p in "${!WPID[@]}"; do
	alive "${WPID[$p]}" && stop_pid "${WPID[$p]}" TERM
done
run no-body-files-left t_no_body_files
run sanitizers t_sanitizers

lib_finish
