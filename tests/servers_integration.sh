#!/bin/bash
#
# Real CGI programs behind each web server (issue 11): nginx, lighttpd
# (mod_fastcgi), Apache 2.4 (mod_proxy_fcgi, its ProxyPassMatch and its
# SetHandler form, one virtual host each) and Caddy 2 (reverse_proxy with
# transport fastcgi), each started once on a free loopback port with the
# configuration a user copies from examples/<server>/; the test changes
# only the paths in it (socket, /usr/lib/cgi-bin, port, document root) and
# wraps it in what a system's main configuration file would hold.
#
# The programs: git-http-backend (a clone of a few MiB of history, then a
# push with a chunked body), gitweb, cgit, a CGI.pm upload form, a Python
# form using only the standard library, a Ruby script using Ruby's cgi and
# a shell script reading QUERY_STRING.  Everything runs first through a
# warmcgi in exec mode (--warm off); then a warmcgi with --warm always
# takes the same socket and every Perl and Python page is fetched again:
# the bytes must be the same, and the log must show warm starts.
#
# Run by `make check` with WARMCGI and TESTS_SRCDIR set.  Prints "ok NAME"
# or "FAIL NAME: why" per test, "# skip ..." for a server or program that
# is not installed, and "N passed, M failed" last; exits 1 on any failure,
# 77 when no server or program is there at all.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

PATH=$PATH:/usr/sbin:/sbin
EXAMPLES=$TESTS_SRCDIR/../examples
HELPERS=$(cd "$TESTS_SRCDIR/../src/warm" 2>/dev/null && pwd)

. "$TESTS_SRCDIR/lib.sh"
lib_need curl git perl python3 sha256sum tar

SERVERS=
command -v nginx >/dev/null && [ -r /etc/nginx/fastcgi_params ] &&
    SERVERS="$SERVERS nginx"
command -v lighttpd >/dev/null && SERVERS="$SERVERS lighttpd"
APACHE_MODS=/usr/lib/apache2/modules
command -v apache2 >/dev/null && [ -r "$APACHE_MODS/mod_proxy_fcgi.so" ] &&
    SERVERS="$SERVERS apache apache-sethandler"
command -v caddy >/dev/null && SERVERS="$SERVERS caddy"
if [ -z "$SERVERS" ]; then
	echo "servers_integration.sh: none of nginx, lighttpd, apache2," \
	    "caddy found, skipping" >&2
	exit 77
fi

GIT_BACKEND=/usr/lib/git-core/git-http-backend
GITWEB=/usr/share/gitweb/gitweb.cgi
CGIT=/usr/lib/cgit/cgit.cgi
HAVE_CGIPM=1
perl -MCGI -e 1 2>/dev/null || HAVE_CGIPM=
HAVE_RUBY=1
ruby -rcgi -e 1 2>/dev/null || HAVE_RUBY=

START_S=$SECONDS
lib_init
CGI=$T/cgi-bin
SOCK=$T/warmcgi.sock
mkdir -p "$CGI" "$T/www" "$T/git" "$T/push" "$T/out" "$T/tmp"
echo "$SERVERS" | tr ' ' '\n' | grep . | while read -r s; do
	mkdir -p "$T/out/exec/$s" "$T/out/warm/$s"
done

# ---------------------------------------------------------------- programs

ln -s "$GIT_BACKEND" "$CGI/git-http-backend"
ln -s "$GITWEB" "$CGI/gitweb.cgi"
ln -s "$CGIT" "$CGI/cgit.cgi"

# CGI.pm: a multipart upload, its sha256 echoed back.
cat >"$CGI/upload.pl" <<'EOF'
#!/usr/bin/perl
use strict;
use warnings;
use CGI;
use Digest::SHA;

my $q = CGI->new;
my $fh = $q->upload('file');
my $sha = Digest::SHA->new(256);
$sha->addfile($fh) if $fh;
print $q->header(-type => 'text/plain', -charset => '');
print "name=", scalar($q->param('name')) // '', "\n";
print "file=", ($fh ? scalar($q->param('file')) : 'none'), "\n";
print "sha256=", ($fh ? $sha->hexdigest : 'none'), "\n";
print "script=$ENV{SCRIPT_NAME} path_info=", $ENV{PATH_INFO} // '', "\n";
EOF

# Python, the standard library alone: a urlencoded or multipart POST.
cat >"$CGI/form.py" <<'EOF'
#!/usr/bin/python3
import hashlib
import os
import sys
import urllib.parse
from email.parser import BytesParser
from email.policy import HTTP

n = os.environ.get("CONTENT_LENGTH", "")
body = sys.stdin.buffer.read(int(n)) if n else sys.stdin.buffer.read()
ctype = os.environ.get("CONTENT_TYPE", "")
out = []
if ctype.startswith("multipart/form-data"):
    msg = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if part.get_filename():
            out.append("%s=%s %s" % (name, part.get_filename(),
                                     hashlib.sha256(data).hexdigest()))
        else:
            out.append("%s=%s" % (name, data.decode()))
elif ctype == "application/x-www-form-urlencoded":
    for k, v in urllib.parse.parse_qsl(body.decode()):
        out.append("%s=%s" % (k, v))
else:
    out.append("body=%d %s" % (len(body), hashlib.sha256(body).hexdigest()))
for k, v in urllib.parse.parse_qsl(os.environ.get("QUERY_STRING", "")):
    out.append("q.%s=%s" % (k, v))
out.append("script=%s path_info=%s" % (os.environ.get("SCRIPT_NAME", ""),
                                       os.environ.get("PATH_INFO", "")))
sys.stdout.write("Content-Type: text/plain\r\n\r\n" + "\n".join(out) + "\n")
EOF

# Ruby's cgi.
cat >"$CGI/form.rb" <<'EOF'
#!/usr/bin/ruby
require 'cgi'
cgi = CGI.new
print cgi.header('type' => 'text/plain')
print "who=#{cgi['who']} what=#{cgi['what']}\n"
EOF

# The shell.
cat >"$CGI/query.sh" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
printf 'QUERY_STRING=%s\n' "$QUERY_STRING"
printf 'script=%s path_info=%s\n' "$SCRIPT_NAME" "$PATH_INFO"
EOF
chmod 0755 "$CGI"/*.pl "$CGI"/*.py "$CGI"/*.rb "$CGI"/*.sh

# ---------------------------------------------------------------- repositories

export GIT_CONFIG_NOSYSTEM=1 HOME=$T/home
mkdir -p "$HOME"
git config --global user.name "Warm Test"
git config --global user.email "test@warmcgi.invalid"
git config --global init.defaultBranch master
git config --global protocol.version 2

# src.git (not in gitweb's and cgit's list, which must not change between
# the exec and warm runs): 300 commits of 12 KiB of random bytes each (about 3.6 MiB that
# do not compress), written by fast-import in one go.  Pushed to over HTTP.
git init -q --bare "$T/push/src.git"
python3 <<'EOF' | git -C "$T/push/src.git" fast-import --quiet
import os, sys
w = sys.stdout.buffer.write
for i in range(300):
    data = os.urandom(12288)
    w(b"commit refs/heads/master\n")
    w(b"committer Warm Test <test@warmcgi.invalid> %d +0000\n" %
      (1112911993 + i * 60))
    msg = b"commit %d\n" % i
    w(b"data %d\n%s" % (len(msg), msg))
    w(b"M 644 inline blob%03d.bin\ndata %d\n" % (i % 50, len(data)))
    w(data + b"\n")
EOF
git -C "$T/push/src.git" config http.receivepack true
SRC_HEAD=$(git -C "$T/push/src.git" rev-parse master)

# web.git: small and dated in 2005, for gitweb and cgit (only read).
git init -q "$T/web"
printf 'Hello from warmcgi\nline two\n' >"$T/web/README"
mkdir "$T/web/doc"
printf 'docs\n' >"$T/web/doc/guide.txt"
git -C "$T/web" add -A
GIT_AUTHOR_DATE='2005-04-07T22:13:13 +0000' \
    GIT_COMMITTER_DATE='2005-04-07T22:13:13 +0000' \
    git -C "$T/web" commit -q -m "Initial revision of the web repository"
git clone -q --bare "$T/web" "$T/git/web.git"
WEB_HEAD=$(git -C "$T/git/web.git" rev-parse master)
echo "a test repository" >"$T/git/web.git/description"

cat >"$T/gitweb.conf" <<EOF
\$projectroot = "$T/git";
\$projects_list = \$projectroot;
\$feature{'snapshot'}{'default'} = ['tgz'];
EOF
cat >"$T/cgitrc" <<EOF
cache-size=0
cache-root=$T/cgit-cache
repo.url=web
repo.path=$T/git/web.git
repo.desc=a test repository
EOF

# The programs' own settings come from warmcgi's environment (--pass-env):
# the web server configuration stays the example's.
export GIT_PROJECT_ROOT=$T/push GIT_HTTP_EXPORT_ALL=1
export GITWEB_CONFIG=$T/gitweb.conf CGIT_CONFIG=$T/cgitrc

# start_wcgi NAME [ARGS]: warmcgi on $SOCK, connectable by Apache's user.
start_wcgi()
{
	local name=$1
	shift
	TMPDIR=$T/tmp start_warmcgi "$name" "$SOCK" "$@" --socket-owner nobody:nogroup \
	    --warm-helpers "$HELPERS" -v \
	    --pass-env GIT_PROJECT_ROOT --pass-env GIT_HTTP_EXPORT_ALL \
	    --pass-env GITWEB_CONFIG --pass-env CGIT_CONFIG
}

# ---------------------------------------------------------------- servers

# example FILE: the example with this test's paths in it.
example()
{
	sed -e "s|/run/warmcgi/warmcgi.sock|$SOCK|g" \
	    -e "s|/usr/lib/cgi-bin|$CGI|g" "$EXAMPLES/$1"
}

declare -A SPORT	# server name -> port

# free_port: a port nothing listens on.
free_port()
{
	local port
	while :; do
		port=$((20000 + RANDOM % 12000))
		port_free "$port" && { echo "$port"; return; }
	done
}

# start_bg NAME PORT... -- CMD...: start a server in the background; it is
# up when every port answers.
start_bg()
{
	local name=$1 pid p i up ports=()
	shift
	while [ "$1" != -- ]; do ports+=("$1"); shift; done
	shift
	"$@" </dev/null >"$T/$name.out" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	for (( i = 0; i < WAIT_NAPS; i++ )); do
		alive "$pid" || break
		up=1
		for p in "${ports[@]}"; do
			port_free "$p" && up=
		done
		[ -n "$up" ] && return 0
		sleep 0.05
	done
	echo "$name did not start:" >&2
	cat "$T/$name.out" >&2
	return 1
}

# nginx: lib.sh's start_nginx, with the example's server block.
nginx_conf()
{
	nginx_conf_head
	example nginx/warmcgi.conf | sed -e "s|listen 80;|listen 127.0.0.1:$1;|" \
	    -e "s|root /var/www/html;|root $T/www;|" \
	    -e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" \
	    -e "s|/usr/lib\\\$fastcgi_script_name|$T\$fastcgi_script_name|"
	echo "}"
}

start_lighttpd()
{
	local port
	port=$(free_port)
	mkdir -p "$T/lighttpd"
	cat >"$T/lighttpd.conf" <<EOF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$T/lighttpd-error.log"
server.upload-dirs = ( "$T/lighttpd" )
EOF
	example lighttpd/warmcgi.conf >>"$T/lighttpd.conf"
	start_bg lighttpd "$port" -- lighttpd -D -f "$T/lighttpd.conf" ||
	    return 1
	SPORT[lighttpd]=$port
}

# Apache as root needs a User: nobody, which may connect to the socket
# (--socket-owner); the scripts still run as warmcgi's user.
start_apache()
{
	local p1 p2 m=$APACHE_MODS mod
	p1=$(free_port)
	while p2=$(free_port); [ "$p2" = "$p1" ]; do :; done
	mkdir -p "$T/apache"
	{
		cat <<EOF
ServerRoot $T/apache
ServerName localhost
DefaultRuntimeDir $T/apache
PidFile $T/apache/httpd.pid
Mutex file:$T/apache default
ErrorLog $T/apache-error.log
LogLevel warn
User nobody
Group nogroup
DocumentRoot $T/www
Listen 127.0.0.1:$p1
Listen 127.0.0.1:$p2
EOF
		for mod in mpm_event authz_core alias proxy proxy_fcgi; do
			echo "LoadModule ${mod}_module $m/mod_$mod.so"
		done
		echo "<VirtualHost 127.0.0.1:$p1>"
		example apache/warmcgi.conf
		echo "</VirtualHost>"
		echo "<VirtualHost 127.0.0.1:$p2>"
		example apache/warmcgi-sethandler.conf
		echo "</VirtualHost>"
	} >"$T/apache.conf"
	start_bg apache "$p1" "$p2" -- \
	    apache2 -f "$T/apache.conf" -DFOREGROUND || return 1
	SPORT[apache]=$p1
	SPORT[apache-sethandler]=$p2
}

# Caddy: no admin endpoint, no automatic HTTPS, its storage under $T.
start_caddy()
{
	local port
	port=$(free_port)
	mkdir -p "$T/caddy"
	{
		printf '{\n\tadmin off\n\tauto_https off\n'
		printf '\tstorage file_system %s\n}\n' "$T/caddy"
		example caddy/Caddyfile | sed \
		    -e "s|^http://:8080 {|http://127.0.0.1:$port {|" \
		    -e "s|root \\* /usr/lib\$|root * $T|"
	} >"$T/Caddyfile"
	HOME=$T/caddy XDG_DATA_HOME=$T/caddy XDG_CONFIG_HOME=$T/caddy \
	    start_bg caddy "$port" -- caddy run --adapter caddyfile \
	    --config "$T/Caddyfile" || return 1
	SPORT[caddy]=$port
}

# --buffer-body: Caddy passes a chunked body on without a length, and
# CGI.pm reads nothing without one.
start_wcgi exec --warm off --buffer-body 67108864 || exit 99
for s in $SERVERS; do
	case $s in
	nginx)	start_nginx || exit 99; SPORT[nginx]=$PORT ;;
	lighttpd) start_lighttpd || exit 99 ;;
	apache)	start_apache || exit 99 ;;
	caddy)	start_caddy || exit 99 ;;
	esac
done
echo "# servers up after $((SECONDS - START_S)) s:$SERVERS"

# ---------------------------------------------------------------- tests
# Each test runs through server $S on port $PORT; $MODE is exec or warm.
# keep NAME: the body just fetched, for the warm/exec comparison.
keep()
{
	cp "$T/body" "$T/out/$MODE/$S/$1"
}

t_git_clone()
{
	local d=$T/clone-$S
	rm -rf "$d"
	if ! git clone -q "http://127.0.0.1:$PORT/cgi-bin/git-http-backend/src.git" \
	    "$d" 2>"$T/git.err"; then
		why="clone: $(short "$(cat "$T/git.err")")"
		return 1
	fi
	expect_eq "cloned HEAD" "$(git -C "$d" rev-parse HEAD)" "$SRC_HEAD" &&
	    expect_eq "fsck" "$(git -C "$d" fsck --full 2>&1 | grep -cv '^Checking')" 0
}

# A push of two commits, one with 1 MiB of random bytes: more than
# http.postBuffer, so git sends the pack with Transfer-Encoding: chunked.
t_git_push()
{
	local d=$T/clone-$S head
	[ -d "$d" ] || { why="no clone"; return 1; }
	head -c 1048576 /dev/urandom >"$d/big-$S.bin"
	git -C "$d" add "big-$S.bin" && git -C "$d" commit -q -m "big via $S"
	echo "$S" >"$d/small-$S.txt"
	git -C "$d" add "small-$S.txt" && git -C "$d" commit -q -m "small via $S"
	head=$(git -C "$d" rev-parse HEAD)
	if ! GIT_TRACE_CURL=1 GIT_TRACE_CURL_NO_DATA=1 git -C "$d" \
	    -c http.postBuffer=65536 push -q origin "HEAD:refs/heads/via-$S" \
	    2>"$T/git.err"; then
		why="push: $(short "$(grep -v '^[0-9:. ]*http\.c' "$T/git.err" | tail -3)")"
		return 1
	fi
	expect_grep "push sent a chunked body" "$T/git.err" \
	    'Send header: Transfer-Encoding: chunked' || return 1
	expect_eq "pushed ref" \
	    "$(git -C "$T/push/src.git" rev-parse "refs/heads/via-$S")" "$head" &&
	    expect_eq "big blob" \
	    "$(git -C "$T/push/src.git" cat-file blob "via-$S~1:big-$S.bin" | sha256sum)" \
	    "$(sha256sum <"$d/big-$S.bin")" &&
	    expect_eq "fsck on the server" \
	    "$(git -C "$T/push/src.git" fsck --full 2>&1 | grep -cv '^Checking')" 0
}

t_gitweb_list()
{
	expect_eq status "$(http '/cgi-bin/gitweb.cgi')" 200 &&
	    expect_grep "project list" "$T/body" 'web\.git' &&
	    expect_grep "description" "$T/body" 'a test repository' &&
	    keep gitweb-list
}

t_gitweb_commit()
{
	expect_eq status "$(http "/cgi-bin/gitweb.cgi?p=web.git;a=commit;h=$WEB_HEAD")" 200 &&
	    expect_grep "commit page" "$T/body" 'Initial revision of the web repository' &&
	    expect_grep "commit id" "$T/body" "$WEB_HEAD" &&
	    keep gitweb-commit
}

t_gitweb_blob()
{
	expect_eq status "$(http '/cgi-bin/gitweb.cgi?p=web.git;a=blob_plain;f=README;hb=HEAD')" 200 &&
	    expect_eq "blob" "$(cat "$T/body")" "$(printf 'Hello from warmcgi\nline two')" &&
	    keep gitweb-blob
}

t_gitweb_snapshot()
{
	local want
	expect_eq status "$(http '/cgi-bin/gitweb.cgi?p=web.git;a=snapshot;h=HEAD;sf=tgz')" 200 ||
	    return 1
	want=$(git -C "$T/git/web.git" archive --format=tar HEAD | tar -xOf - README doc/guide.txt | sha256sum)
	expect_eq "snapshot content" \
	    "$(tar -xzOf "$T/body" --wildcards '*/README' '*/doc/guide.txt' 2>&1 | sha256sum)" \
	    "$want" && keep gitweb-snapshot.tgz
}

t_cgit_index()
{
	expect_eq status "$(http '/cgi-bin/cgit.cgi/')" 200 &&
	    expect_grep "repository index" "$T/body" "cgit.cgi/web/" &&
	    expect_grep "description" "$T/body" 'a test repository'
}

t_cgit_log()
{
	expect_eq status "$(http '/cgi-bin/cgit.cgi/web/log/')" 200 &&
	    expect_grep "log" "$T/body" 'Initial revision of the web repository'
}

t_cgit_plain()
{
	expect_eq status "$(http '/cgi-bin/cgit.cgi/web/plain/doc/guide.txt')" 200 &&
	    expect_eq "plain file" "$(cat "$T/body")" docs
}

t_cgipm_upload()
{
	expect_eq status "$(http /cgi-bin/upload.pl -F name=warm \
	    -F "file=@$T/up.bin;filename=up.bin")" 200 &&
	    expect_eq "upload" "$(cat "$T/body")" "$(printf 'name=warm\nfile=up.bin\nsha256=%s\nscript=/cgi-bin/upload.pl path_info=' "$UP_SHA")" &&
	    keep cgipm-upload
}

# The same through chunked transfer: every server but Caddy reads the body
# whole and sends CONTENT_LENGTH, which CGI.pm needs; behind Caddy, warmcgi's
# --buffer-body collects it and sets CONTENT_LENGTH.
t_cgipm_chunked()
{
	expect_eq status "$(http /cgi-bin/upload.pl -F name=chunked \
	    -F "file=@$T/up.bin;filename=up.bin" \
	    -H 'Transfer-Encoding: chunked')" 200 &&
	    expect_grep "upload" "$T/body" "^sha256=$UP_SHA\$" &&
	    keep cgipm-chunked
}

t_python_form()
{
	expect_eq status "$(http '/cgi-bin/form.py/a/b?x=1&y=two' \
	    --data-urlencode 'who=wörld & co' --data 'n=42')" 200 &&
	    expect_eq "form" "$(cat "$T/body")" "$(printf 'who=wörld & co\nn=42\nq.x=1\nq.y=two\nscript=/cgi-bin/form.py path_info=/a/b')" &&
	    keep python-form
}

t_python_multipart()
{
	expect_eq status "$(http /cgi-bin/form.py -F who=me \
	    -F "file=@$T/up.bin;filename=up.bin")" 200 &&
	    expect_grep "multipart" "$T/body" "^file=up.bin $UP_SHA\$" &&
	    expect_grep "field" "$T/body" '^who=me$' &&
	    keep python-multipart
}

# A 1 MiB body sent chunked: the script reads it whole (Caddy passes it on
# as it comes, without a CONTENT_LENGTH; the others with one).
t_python_chunked()
{
	expect_eq status "$(http /cgi-bin/form.py -H 'Transfer-Encoding: chunked' \
	    -H 'Content-Type: application/octet-stream' \
	    --data-binary "@$T/chunk.bin")" 200 &&
	    expect_grep "body" "$T/body" "^body=1048576 $CHUNK_SHA\$" &&
	    keep python-chunked
}

t_ruby_cgi()
{
	expect_eq status "$(http '/cgi-bin/form.rb?what=query' --data 'who=ruby+cgi')" 200 &&
	    expect_eq "ruby" "$(cat "$T/body")" "who=ruby cgi what="
}

t_ruby_get()
{
	expect_eq status "$(http '/cgi-bin/form.rb?what=a%20query&who=x')" 200 &&
	    expect_eq "ruby" "$(cat "$T/body")" "who=x what=a query"
}

t_shell_query()
{
	expect_eq status "$(http '/cgi-bin/query.sh/p/i?a=1&b=%20c')" 200 &&
	    expect_eq "query" "$(cat "$T/body")" "$(printf 'QUERY_STRING=a=1&b=%%20c\nscript=/cgi-bin/query.sh path_info=/p/i')"
}

t_missing()
{
	expect_eq status "$(http '/cgi-bin/nope.sh/x')" 404
}

head -c 5242880 /dev/urandom >"$T/up.bin"
UP_SHA=$(sha256sum <"$T/up.bin" | cut -d' ' -f1)
head -c 1048576 /dev/urandom >"$T/chunk.bin"
CHUNK_SHA=$(sha256sum <"$T/chunk.bin" | cut -d' ' -f1)

# have NAME PATH...: each exists, or a skip line for NAME.
have()
{
	local name=$1 f
	shift
	for f in "$@"; do
		if [ ! -e "$f" ]; then
			echo "# skip $name through $S: $f not installed"
			return 1
		fi
	done
}

run_exec()
{
	if have git-http-backend "$GIT_BACKEND"; then
		run "$S git clone" t_git_clone
		run "$S git push, chunked" t_git_push
	fi
	if have gitweb "$GITWEB" && [ -n "$HAVE_CGIPM" ]; then
		run "$S gitweb project list" t_gitweb_list
		run "$S gitweb commit" t_gitweb_commit
		run "$S gitweb blob" t_gitweb_blob
		run "$S gitweb snapshot" t_gitweb_snapshot
	fi
	if have cgit "$CGIT"; then
		run "$S cgit index" t_cgit_index
		run "$S cgit log" t_cgit_log
		run "$S cgit plain" t_cgit_plain
	fi
	if [ -n "$HAVE_CGIPM" ]; then
		run "$S CGI.pm 5 MiB upload" t_cgipm_upload
		run "$S CGI.pm upload, chunked" t_cgipm_chunked
	fi
	run "$S python form" t_python_form
	run "$S python multipart" t_python_multipart
	run "$S python chunked 1 MiB" t_python_chunked
	if [ -n "$HAVE_RUBY" ]; then
		run "$S ruby cgi POST" t_ruby_cgi
		run "$S ruby cgi GET" t_ruby_get
	fi
	run "$S shell QUERY_STRING" t_shell_query
	run "$S 404" t_missing
}

# The Perl and Python pages again, from a warm instance.
run_warm()
{
	if [ -e "$GITWEB" ] && [ -n "$HAVE_CGIPM" ]; then
		run "$S warm gitweb project list" t_gitweb_list
		run "$S warm gitweb commit" t_gitweb_commit
		run "$S warm gitweb blob" t_gitweb_blob
		run "$S warm gitweb snapshot" t_gitweb_snapshot
	fi
	if [ -n "$HAVE_CGIPM" ]; then
		run "$S warm CGI.pm 5 MiB upload" t_cgipm_upload
		run "$S warm CGI.pm upload, chunked" t_cgipm_chunked
	fi
	run "$S warm python form" t_python_form
	run "$S warm python multipart" t_python_multipart
	run "$S warm python chunked 1 MiB" t_python_chunked
}

MODE=exec
for S in $SERVERS; do
	PORT=${SPORT[$S]}
	run_exec
done
echo "# exec done after $((SECONDS - START_S)) s"

# The warm instance takes over the socket the servers connect to.
stop_pid "${WPID[exec]}" TERM
start_wcgi warm --warm always --buffer-body 67108864 || exit 99
MODE=warm
for S in $SERVERS; do
	PORT=${SPORT[$S]}
	run_warm
done

t_same_bytes()
{
	local f bad=
	for f in "$T/out/exec/$S"/*; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$T/out/warm/$S/$(basename "$f")" ||
		    bad="$bad $(basename "$f")"
	done
	[ -z "$bad" ] || { why="warm and exec differ:$bad"; return 1; }
	[ -n "$(ls "$T/out/exec/$S")" ] || { why="nothing compared"; return 1; }
}

for S in $SERVERS; do
	run "$S warm and exec give the same bytes" t_same_bytes
done

# Warm it was: each Perl and Python program started from a zygote.
t_warm_starts()
{
	local s n
	for s in $WARM_SCRIPTS; do
		n=$(grep -cxF "warmcgi: debug: $CGI/$s: warm start" "${WLOG[warm]}")
		[ "$n" -gt 0 ] || { why="$s: no warm start"; return 1; }
	done
}
WARM_SCRIPTS="form.py"
[ -n "$HAVE_CGIPM" ] && WARM_SCRIPTS="$WARM_SCRIPTS upload.pl"
[ -n "$HAVE_CGIPM" ] && [ -e "$GITWEB" ] &&
    WARM_SCRIPTS="$WARM_SCRIPTS gitweb.cgi"
run "warm starts in the warm instance" t_warm_starts

t_sanitizers()
{
	check_sanitizers "${WLOG[exec]}" "${WLOG[warm]}"
}
run "no sanitizer reports" t_sanitizers

echo "# servers_integration.sh: $((SECONDS - START_S)) s"
echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
