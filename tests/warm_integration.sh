#!/bin/bash
#
# Black-box tests of warm interpreters (issue 3): a real nginx on
# 127.0.0.1 in front of several warmcgi instances on unix sockets, the
# scripts of tests/warm-cgi-bin copied to a temporary directory, and
# tests/fcgi_client for what nginx hides (the script's exit status, its
# stderr).  Run by `make check` with WARMCGI, FCGI_CLIENT and TESTS_SRCDIR
# set; by hand, set them too.  Prints "ok NAME" or "FAIL NAME: why" per
# test and "N passed, M failed" last; exits 1 on any failure, 77 (skip)
# when nginx, curl, perl or python3 is missing.  The CGI.pm and gitweb
# tests are skipped, with a message, when those are not installed.
#
# Instances (each with its own TMPDIR, $T/tmp-NAME, where its private
# zygote socket directory warmcgi.PID.XXXXXX goes):
#   c  --warm off -f -v          the reference: every script exec'd
#   w  -f -v                     the equivalence corpus, warm
#   l  -v --grace 600            lifecycle: changes, kills, aborts, load
#   n  --no-warm '$CGI/nowarm*'  a matching script stays cold
#   m  --warm-max 1              two scripts share one zygote slot
#   q  -c 2                      warm requests waiting for a slot
#   a  --warm auto (the default) warm only where measured to pay
#   to -t 3 --kill-grace 1       timeouts
# All but c and a run with --warm always: warm after the first request.
# And, for a test each, straight on their sockets: k1, k2, k3 sharing
# $T/tmp-k (stale socket directories), h and x (finding the helpers).
# nginx maps /c/... to c, /w/... to w and so on, strips the prefix from
# SCRIPT_NAME and REQUEST_URI (so that both modes see the same request),
# and serves gitweb at /c/gitweb.cgi and /w/gitweb.cgi.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

. "$TESTS_SRCDIR/lib.sh"
lib_need nginx curl perl python3 sha256sum md5sum

HELPERS=$(cd "$TESTS_SRCDIR/../src/warm" 2>/dev/null && pwd)
if [ ! -r "$HELPERS/perl/WarmCGI/Zygote.pm" ] ||
    [ ! -r "$HELPERS/warmcgi-zygote.py" ]; then
	echo "warm_integration.sh: zygote helpers not found in" \
	    "$TESTS_SRCDIR/../src/warm" >&2
	exit 99
fi

if [ ! -d "$TESTS_SRCDIR/warm-cgi-bin" ]; then
	echo "warm_integration.sh: $TESTS_SRCDIR/warm-cgi-bin missing" >&2
	exit 99
fi

START_MS=$(date +%s%N)
lib_init

cp -R "$TESTS_SRCDIR/warm-cgi-bin" "$T/cgi-bin"
# CGI.pm page of the benchmark, for the --warm auto test.
cp "$TESTS_SRCDIR/bench/cgi-bin/cgipm.pl" "$T/cgi-bin/"
cp "$TESTS_SRCDIR/cgi-bin/barrier.pl" "$T/cgi-bin"
chmod 0755 "$T"/cgi-bin/*
CGI=$T/cgi-bin
GITWEB=/usr/share/gitweb/gitweb.cgi

HAVE_CGIPM=1
perl -MCGI -e 1 2>/dev/null || HAVE_CGIPM=
HAVE_GITWEB=1
{ [ -r "$GITWEB" ] && command -v git >/dev/null 2>&1 && [ -n "$HAVE_CGIPM" ]; } ||
    HAVE_GITWEB=

# fastcgi_params with REQUEST_URI taken from $warm_uri, the request URI
# without the /c/, /w/ ... prefix: CGI.pm's url() uses REQUEST_URI, and
# the two modes must see the same request.
sed 's/\$request_uri/$warm_uri/' /etc/nginx/fastcgi_params \
    >"$T/fastcgi_params"

# Replaces lib.sh's configuration: our own locations, same layout.
nginx_conf()
{
	local loc
	nginx_conf_head
	cat <<EOF

	map \$request_uri \$warm_uri {
		"~^/[a-z]+(?<rest>/.*)\$" \$rest;
		default \$request_uri;
	}

	server {
		listen 127.0.0.1:$1;
		server_name localhost;
EOF
	for loc in c w l n m q a to; do
		cat <<EOF
		location /$loc/ {
			rewrite ^/$loc(/.*)\$ \$1 break;
			include $T/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T\$fastcgi_script_name;
			fastcgi_pass unix:$T/$loc.sock;
		}
		location = /$loc/gitweb.cgi {
			rewrite ^/$loc(/.*)\$ \$1 break;
			include $T/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $GITWEB;
			fastcgi_param GITWEB_CONFIG $T/gitweb.conf;
			fastcgi_pass unix:$T/$loc.sock;
		}
EOF
	done
	cat <<EOF
	}
}
EOF
}

# start_inst NAME [ARGS]: warmcgi on $T/NAME.sock with TMPDIR=$T/tmp-NAME.
start_inst()
{
	local name=$1
	shift
	mkdir -p "$T/tmp-$name"
	TMPDIR=$T/tmp-$name start_warmcgi "$name" "$T/$name.sock" "$@"
}

# c and w turn ISINDEX argv on, for t_names; l has the default (none).
start_inst c --warm off -f -v --warm-helpers "$HELPERS" --isindex-argv ||
    exit 99
start_inst w --warm always -f -v --warm-helpers "$HELPERS" --isindex-argv ||
    exit 99
start_inst l --warm always -v --warm-helpers "$HELPERS" --grace 600 ||
    exit 99
start_inst n --warm always -v --warm-helpers "$HELPERS" --no-warm "$CGI/nowarm*" ||
    exit 99
start_inst m --warm always -v --warm-helpers "$HELPERS" --warm-max 1 || exit 99
start_inst q --warm always -v --warm-helpers "$HELPERS" -c 2 ||
    exit 99
start_inst a -v --warm-helpers "$HELPERS" || exit 99
start_inst to --warm always -v --warm-helpers "$HELPERS" -t 3 --kill-grace 1 ||
    exit 99
start_nginx || exit 99

# ---------------------------------------------------------------- helpers

# A string as a grep -E pattern matching itself.
esc()
{
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# warm_starts INST SCRIPT: requests the instance has sent to a zygote
# (-v logs "SCRIPT: warm start" for each; "warm start failed" is not one).
warm_starts()
{
	grep -cxF "warmcgi: debug: $2: warm start" "${WLOG[$1]}"
}

# starts_reach INST SCRIPT N: at least N warm starts so far.
starts_reach()
{
	[ "$(warm_starts "$1" "$2")" -ge "$3" ]
}

# ready_count INST SCRIPT: zygotes that became ready for SCRIPT.
ready_count()
{
	grep -cE "warm: $(esc "$2"): zygote pid [0-9]+ ready\$" "${WLOG[$1]}"
}

# zygote_pid INST SCRIPT: the last one that became ready.
zygote_pid()
{
	sed -n "s|^.*warm: $2: zygote pid \([0-9]*\) ready\$|\1|p" \
	    "${WLOG[$1]}" | tail -n 1
}

# is_warm INST SCRIPT: the last thing the log says about SCRIPT's zygotes
# is that one became ready (not that it retired, died or failed).
is_warm()
{
	grep -E "warm: $(esc "$2"): (zygote pid [0-9]+ ready|retiring zygote|zygote (killed|exited|did not))" \
	    "${WLOG[$1]}" | tail -n 1 | grep -qE 'ready$'
}

# warm_up INST URI [CURL ARGS]: make sure the script behind /INST/URI
# has a ready zygote: if not, request it and wait for the log line.  A
# request starts a zygote unless the script is in its back-off after a
# failure (then the first request after that does): so ask again every
# second until one is ready.
warm_up()
{
	local inst=$1 uri=$2 file n i
	shift 2
	file=${uri%%\?*}
	case $uri in
	/gitweb.cgi*)	file=$GITWEB ;;
	*)		file=$T$file ;;
	esac
	is_warm "$inst" "$file" && return 0
	n=$(ready_count "$inst" "$file")
	for (( i = 0; i < WAIT_NAPS; i++ )); do
		(( i % 20 == 0 )) && http "/$inst$uri" "$@" >/dev/null
		ready_more "$inst" "$file" "$n" && return 0
		sleep 0.05
	done
	why="no zygote became ready for $file: $(short "$(grep \
	    -F "$file" "${WLOG[$inst]}" | tail -n 3)")"
	return 1
}

# ready_more INST SCRIPT N: more than N zygotes became ready for SCRIPT.
ready_more()
{
	[ "$(ready_count "$1" "$2")" -gt "$3" ]
}

# new_zygote INST SCRIPT OLD: a zygote other than pid OLD became ready
# last for SCRIPT; its pid in $znew.
new_zygote()
{
	znew=$(zygote_pid "$1" "$2")
	[ -n "$znew" ] && [ "$znew" != "$3" ]
}

# Headers as nginx sent them, less Date (its clock, not the script's).
save_http()
{
	grep -vi '^Date:' "$T/hdr" >"$T/eq-$1.hdr"
	cp "$T/body" "$T/eq-$1.body"
	printf '%s\n' "$2" >"$T/eq-$1.code"
}

# differ WHAT FILE1 FILE2: sets why to the first differing lines.
differ()
{
	cmp -s "$2" "$3" && return 1
	why="$1 differs (cold < > warm): $(short "$(diff -a "$2" "$3" |
	    grep '^[<>]' | head -n 4)")"
	[ -n "$(diff -a "$2" "$3" | grep '^[<>]')" ] ||
	    why="$1 differs (cold $(wc -c <"$2") bytes, warm $(wc -c <"$3"))"
	return 0
}

# eq_http URI [CURL ARGS]: the same request through /c (exec) and /w (a
# warm zygote, checked in the log); status, headers and body must be
# equal byte for byte, after $NORM_SED (a sed script for the body, for
# what must differ; empty by default) and without nginx's Date header.
NORM_SED=
eq_http()
{
	local uri=$1 file before after code_c code_w
	shift
	file=${uri%%\?*}
	case $uri in
	/gitweb.cgi*)	file=$GITWEB ;;
	*)		file=$T$file ;;
	esac
	warm_up w "$uri" "$@" || return 1
	code_c=$(http "/c$uri" "$@")
	save_http c "$code_c"
	before=$(warm_starts w "$file")
	code_w=$(http "/w$uri" "$@")
	save_http w "$code_w"
	after=$(warm_starts w "$file")
	[ "$after" -eq $((before + 1)) ] || {
		why="$uri was not served warm: $(short "$(grep -F "$file" \
		    "${WLOG[w]}" | tail -n 2)")"
		return 1
	}
	if [ -n "$NORM_SED" ]; then
		sed -i -e "$NORM_SED" "$T/eq-c.body" "$T/eq-w.body"
	fi
	differ "status of $uri" "$T/eq-c.code" "$T/eq-w.code" && return 1
	differ "headers of $uri" "$T/eq-c.hdr" "$T/eq-w.hdr" && return 1
	differ "body of $uri" "$T/eq-c.body" "$T/eq-w.body" && return 1
	return 0
}

# eq_fcgi [-i FILE] SCRIPT [NAME=VALUE...]: straight to c.sock and
# w.sock (both -f): stdout, stderr and the exit status (fcgi_client's
# "end app=N" line on its stderr) must be equal.  Leaves them in
# $T/eq-{c,w}.{out,err}.
eq_fcgi()
{
	local in=() script before after m rc method=REQUEST_METHOD=GET
	if [ "$1" = -i ]; then
		in=(-i "$2")
		shift 2
	fi
	script=$CGI/$1
	shift
	case " $* " in *" REQUEST_METHOD="*) method= ;; esac
	warm_up w "/cgi-bin/${script##*/}" || return 1
	for m in c w; do
		[ $m = w ] && before=$(warm_starts w "$script")
		timeout 90 "$FCGI_CLIENT" -t 60 "${in[@]}" "unix:$T/$m.sock" request \
		    "SCRIPT_FILENAME=$script" "SCRIPT_NAME=/cgi-bin/${script##*/}" \
		    $method "$@" \
		    >"$T/eq-$m.out" 2>"$T/eq-$m.err" </dev/null
		rc=$?
		[ $rc -eq 0 ] || {
			why="fcgi_client to $m: rc $rc: $(short "$(cat \
			    "$T/eq-$m.err")")"
			return 1
		}
	done
	after=$(warm_starts w "$script")
	[ "$after" -eq $((before + 1)) ] || {
		why="${script##*/} (direct) was not served warm"
		return 1
	}
	differ "stdout of ${script##*/}" "$T/eq-c.out" "$T/eq-w.out" &&
	    return 1
	differ "stderr and exit status of ${script##*/}" "$T/eq-c.err" \
	    "$T/eq-w.err" && return 1
	return 0
}

# count_lines FILE PATTERN
count_lines()
{
	grep -cE -- "$2" "$1" 2>/dev/null
}

# more_lines FILE PATTERN N: more than N lines match.
more_lines()
{
	[ "$(count_lines "$1" "$2")" -gt "$3" ]
}

# ---------------------------------------------------------------- corpus

t_exit_pl()
{
	local n
	for n in 3 0 42; do
		eq_http "/cgi-bin/exit.pl?n=$n" || return 1
		expect_eq "status through nginx" "$(cat "$T/eq-w.code")" 200 ||
		    return 1
		eq_fcgi exit.pl "QUERY_STRING=n=$n" || return 1
		expect_grep "exit status" "$T/eq-w.err" \
		    "^fcgi_client: end app=$n proto=0\$" || return 1
		expect_grep stderr "$T/eq-w.err" \
		    "^exit\.pl: stderr before exit $n\$" || return 1
	done
}

t_die_pl()
{
	eq_http /cgi-bin/die.pl || return 1
	expect_grep body "$T/eq-w.body" '^before die$' || return 1
	eq_fcgi die.pl || return 1
	expect_grep "exit status" "$T/eq-w.err" \
	    '^fcgi_client: end app=255 proto=0$' || return 1
	expect_grep stderr "$T/eq-w.err" \
	    "^die\.pl: boom at $(esc "$CGI/die.pl") line 7\.\$"
}

# Dies before its header: 502 in both modes.
t_diehdr_pl()
{
	eq_http /cgi-bin/diehdr.pl || return 1
	expect_eq status "$(cat "$T/eq-w.code")" 502 || return 1
	eq_fcgi diehdr.pl || return 1
	expect_grep stderr "$T/eq-w.err" '^diehdr\.pl: no header for you$'
}

t_exit_py()
{
	local n
	for n in 3 0; do
		eq_http "/cgi-bin/exit.py?n=$n" || return 1
		eq_fcgi exit.py "QUERY_STRING=n=$n" || return 1
		expect_grep "exit status" "$T/eq-w.err" \
		    "^fcgi_client: end app=$n proto=0\$" || return 1
	done
	# sys.exit("message"): the message on stderr, status 1.
	eq_http "/cgi-bin/exit.py?m=bye+now" || return 1
	eq_fcgi exit.py "QUERY_STRING=m=bye+now" || return 1
	expect_grep "exit status" "$T/eq-w.err" \
	    '^fcgi_client: end app=1 proto=0$' || return 1
	expect_grep stderr "$T/eq-w.err" '^bye now$'
}

t_exc_py()
{
	eq_http /cgi-bin/exc.py || return 1
	expect_grep body "$T/eq-w.body" '^before the exception$' || return 1
	eq_fcgi exc.py || return 1
	expect_grep "exit status" "$T/eq-w.err" \
	    '^fcgi_client: end app=1 proto=0$' || return 1
	expect_grep traceback "$T/eq-w.err" \
	    '^Traceback \(most recent call last\):$' || return 1
	expect_grep traceback "$T/eq-w.err" \
	    "^  File \"$(esc "$CGI/exc.py")\", line 13, in <module>\$" ||
	    return 1
	expect_grep traceback "$T/eq-w.err" "^KeyError: 'missing'\$" ||
	    return 1
	# Nothing of the zygote's own frames in the traceback.
	expect_nogrep traceback "$T/eq-w.err" 'zygote'
}

t_exchdr_py()
{
	eq_http /cgi-bin/exchdr.py || return 1
	expect_eq status "$(cat "$T/eq-w.code")" 502 || return 1
	eq_fcgi exchdr.py || return 1
	expect_grep stderr "$T/eq-w.err" \
	    '^RuntimeError: exchdr\.py: no header for you$'
}

t_data_pl()
{
	eq_http /cgi-bin/data.pl || return 1
	expect_grep body "$T/eq-w.body" '^lines=3$' || return 1
	expect_grep body "$T/eq-w.body" '^again: first data line$' || return 1
	# Again: the DATA position must not carry over from the last one.
	eq_http /cgi-bin/data.pl || return 1
	expect_grep body "$T/eq-w.body" '^lines=3$'
}

t_dataend_pl()
{
	eq_http /cgi-bin/dataend.pl || return 1
	expect_eq body "$(tr '\n' '|' <"$T/eq-w.body")" \
	    'end-data: alpha|end-data: beta|eof=1|' || return 1
	eq_http /cgi-bin/dataend.pl
}

# argv words from a query string without '=' (RFC 3875 4.4).
t_names()
{
	local s=$1
	eq_http "/cgi-bin/$s?word1+word%202+%2Bplus" || return 1
	eq_fcgi "$s" 'QUERY_STRING=one+two' || return 1
	if [ "$s" = names.pl ]; then
		expect_grep '$0' "$T/eq-w.body" "^\\\$0=$(esc "$CGI/$s")\$" ||
		    return 1
		expect_grep __FILE__ "$T/eq-w.body" \
		    "^__FILE__=$(esc "$CGI/$s")\$" || return 1
		expect_eq argv "$(grep '^argv=' "$T/eq-w.body" | tr '\n' '|')" \
		    'argv=word1|argv=word 2|argv=+plus|' || return 1
		expect_grep "no warn/die keys in %SIG" "$T/eq-w.body" \
		    '^sig-hooks=$' || return 1
		expect_grep "@INC without the helper" "$T/eq-w.body" \
		    '^inc-has-warmcgi=0$'
	else
		expect_grep __file__ "$T/eq-w.body" \
		    "^__file__=$(esc "$CGI/$s")\$" || return 1
		expect_grep sys.argv "$T/eq-w.body" \
		    "^argv=\\['$(esc "$CGI/$s")', 'word1', 'word 2', '\\+plus'\\]\$" ||
		    return 1
		expect_grep __name__ "$T/eq-w.body" '^__name__=__main__$'
	fi
}

# ISINDEX argv, warm as exec'd: none by default (l), and even with
# --isindex-argv (w) none when a word starts with '-'.
t_isindex_warm()
{
	local s=$1 i q before
	warm_up l "/cgi-bin/$s" || return 1
	warm_up w "/cgi-bin/$s" || return 1
	for i in l w; do
		before=$(warm_starts $i "$CGI/$s")
		case $i in
		l) q='word1+word2' ;;
		w) q='x+-d+y' ;;
		esac
		timeout 30 "$FCGI_CLIENT" "unix:$T/$i.sock" request \
		    "SCRIPT_FILENAME=$CGI/$s" REQUEST_METHOD=GET \
		    "QUERY_STRING=$q" >"$T/ix.out" 2>"$T/ix.err" </dev/null ||
		    { why="$i: fcgi_client failed"; return 1; }
		[ "$(warm_starts $i "$CGI/$s")" -eq $((before + 1)) ] ||
		    { why="$i: not served warm"; return 1; }
		expect_grep "$i: argv" "$T/ix.out" '^argc=0$|^argv=\[.*\]$' ||
		    return 1
		expect_nogrep "$i: argv" "$T/ix.out" \
		    "^argv=(word|x|-d|y)|^argv=\\[.*'(word1|word2|x|-d|y)'" ||
		    return 1
	done
	# The same request with a word that is not an option has its words.
	timeout 30 "$FCGI_CLIENT" "unix:$T/w.sock" request \
	    "SCRIPT_FILENAME=$CGI/$s" REQUEST_METHOD=GET \
	    "QUERY_STRING=x+d+y" >"$T/ix.out" 2>"$T/ix.err" </dev/null
	expect_grep "w: argv" "$T/ix.out" "^argv=d\$|'d'"
}

# inherit_ok FILE: signal masks and descriptors as after a plain fork and
# exec: nothing blocked, none of glibc's internal signals (32, 33) or any
# other above 31 ignored (the interpreter's own ignores are the same cold
# and warm), only 0, 1 and 2 open.
inherit_ok()
{
	local ign
	expect_grep "blocked signals" "$1" '^SigBlk:[[:space:]]+0+$' ||
	    return 1
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$1")
	[ -n "$ign" ] || { why="no SigIgn line: $(short "$(cat "$1")")"; \
	    return 1; }
	expect_eq "ignored signals above 31 (SigIgn $ign)" \
	    "$(( 0x$ign >> 31 ))" 0 || return 1
	expect_eq fds "$(grep '^fd=' "$1" | tr '\n' ' ')" 'fd=0 fd=1 fd=2 '
}

# A warm request starts with what a cold one does (issue 8, item 4): the
# zygote is spawned as a script is, and forks the request.
t_inherit()
{
	eq_fcgi "$1" || return 1
	inherit_ok "$T/eq-c.out" || { why="cold: $why"; return 1; }
	inherit_ok "$T/eq-w.out" || { why="warm: $why"; return 1; }
}

# The environment is the request's, the same in both modes (nginx's
# REMOTE_PORT is normalized: each request is a new TCP connection).
t_env()
{
	local s=$1
	NORM_SED='s/^REMOTE_PORT=[0-9]*$/REMOTE_PORT=N/'
	eq_http "/cgi-bin/$s?first" -H 'X-Leak-Probe: one' &&
	    eq_http "/cgi-bin/$s?second"
	local rc=$?
	NORM_SED=
	[ $rc -eq 0 ] || return 1
	eq_fcgi "$s" QUERY_STRING=direct HTTP_X_ONLY=yes
}

# Warm only: a header sent once is not seen by the next request, nor
# anything of the zygote's or the daemon's; directly, exactly the
# variables sent plus PATH and GATEWAY_INTERFACE.  LC_CTYPE is left out
# of the lists: python3 adds it itself when it coerces the C locale
# (PEP 538); env-same-py checks that warm and cold agree on it.
t_env_noleak()
{
	local s=$1 file=$CGI/$1 before
	warm_up w "/cgi-bin/$s" || return 1
	before=$(warm_starts w "$file")
	expect_eq "first status" \
	    "$(http "/w/cgi-bin/$s?first" -H 'X-Leak-Probe: one')" 200 ||
	    return 1
	expect_grep "first request" "$T/body" '^HTTP_X_LEAK_PROBE=one$' ||
	    return 1
	expect_eq "second status" "$(http "/w/cgi-bin/$s?second")" 200 ||
	    return 1
	expect_nogrep "second request" "$T/body" 'X_LEAK_PROBE|=one$' ||
	    return 1
	expect_grep "second request" "$T/body" '^QUERY_STRING=second$' ||
	    return 1
	expect_nogrep "second request" "$T/body" 'WARMCGI|leaked-' ||
	    return 1
	expect_eq "warm requests" "$(warm_starts w "$file")" $((before + 2)) ||
	    return 1
	fcgi_w "$s" QUERY_STRING=direct HTTP_X_ONLY=yes || return 1
	expect_eq "variables (direct)" "$(sed -n 's/=.*//p' "$T/fc.out" |
	    grep -vx LC_CTYPE | sort | tr '\n' ' ')" "GATEWAY_INTERFACE HTTP_X_ONLY PATH \
QUERY_STRING REQUEST_METHOD SCRIPT_FILENAME " || return 1
	fcgi_w "$s" QUERY_STRING=again || return 1
	expect_eq "variables (direct, next)" "$(sed -n 's/=.*//p' \
	    "$T/fc.out" | grep -vx LC_CTYPE | sort | tr '\n' ' ')" "GATEWAY_INTERFACE PATH \
QUERY_STRING REQUEST_METHOD SCRIPT_FILENAME " || return 1
	expect_eq "warm requests" "$(warm_starts w "$file")" $((before + 4))
}

# fcgi_w SCRIPT [NAME=VALUE...]: one GET straight to w.sock; stdout in
# $T/fc.out, stderr in $T/fc.err.
fcgi_w()
{
	local script=$CGI/$1 rc
	shift
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/w.sock" request \
	    "SCRIPT_FILENAME=$script" REQUEST_METHOD=GET "$@" \
	    >"$T/fc.out" 2>"$T/fc.err" </dev/null
	rc=$?
	[ $rc -eq 0 ] && return 0
	why="fcgi_client: rc $rc: $(short "$(cat "$T/fc.err")")"
	return 1
}

# Binary stdin of CONTENT_LENGTH bytes.
t_stdin()
{
	local s=$1 sha
	sha=$(sha256sum <"$T/r100k.bin" | cut -d' ' -f1)
	eq_http "/cgi-bin/$s" --data-binary "@$T/r100k.bin" \
	    -H 'Content-Type: application/octet-stream' || return 1
	expect_eq body "$(tr '\n' ' ' <"$T/eq-w.body")" \
	    "len=102400 sha256=$sha then=eof " || return 1
	eq_fcgi -i "$T/r100k.bin" "$s" REQUEST_METHOD=POST \
	    CONTENT_LENGTH=102400 || return 1
	expect_grep "direct" "$T/eq-w.out" "^sha256=$sha\$"
}

# Binary stdout flushed at exit, no newline at the end.
t_binout()
{
	local s=$1 want
	want=$(perl -e 'binmode STDOUT; print join("", map { chr } 0 .. 255) x 3,
	    "\r\n\0tail"' | sha256sum | cut -d' ' -f1)
	eq_http "/cgi-bin/$s" || return 1
	expect_eq "body sha256" "$(sha256sum <"$T/eq-w.body" | cut -d' ' -f1)" \
	    "$want" || return 1
	eq_fcgi "$s"
}

# END blocks / atexit handlers and DESTROY / __del__: once per request
# (in its stderr, which -f sends to the client), never in the zygote.
# t_atexit SCRIPT OUTPUT-WORD PATTERN...
t_atexit()
{
	local s=$1 word=$2 pat i n
	shift 2
	eq_http "/cgi-bin/$s" || return 1
	expect_eq "body" "$(tr -d '\r' <"$T/eq-w.body" | tr '\n' '|')" \
	    "main program|$word output|" || return 1
	for i in 1 2 3; do
		eq_fcgi "$s" || return 1
		for pat in "$@"; do
			n=$(count_lines "$T/eq-w.err" "^$s: $pat\$")
			expect_eq "request $i: '$pat' lines" "$n" 1 || return 1
		done
		expect_grep "exit status" "$T/eq-w.err" \
		    '^fcgi_client: end app=0 proto=0$' || return 1
	done
	expect_nogrep "zygote log" "${WLOG[w]}" "$s: ($1|$2|$3)"
}

# The quick exit (src/warm/zygote_exit.c): a warm Perl request whose
# global destruction could not be seen leaves without it, and one whose
# destruction could is left to perl (qxkeep.pl's modes): stdout, stderr
# and exit status (set by an END block) as in a cold run each time, and
# the lines appended to a file through a flushed handle all there.
t_quick_exit_out()
{
	local f=$T/qxkeep.txt m n=0
	rm -f "$f"
	for m in none destroy buffered full isa order; do
		eq_fcgi qxkeep.pl "QUERY_STRING=mode=$m&file=$f" || return 1
		expect_grep "exit status (mode $m)" "$T/eq-w.err" \
		    '^fcgi_client: end app=3 proto=0$' || return 1
		n=$((n + 6))
	done
	expect_grep "stdout (mode order)" "$T/eq-w.out" '^dup of STDOUT' ||
	    return 1
	expect_eq "lines in $f" "$(grep -c '^line [123]$' "$f")" $n
}

# ... but not where destruction closes a pipe to a command: perl waits for
# the command there (qxpipe.pl's appends its line a second after), so the
# line is in the file when the request has ended, cold and warm.
t_quick_exit_pipe()
{
	local f=$T/qxpipe.txt
	rm -f "$f"
	eq_fcgi qxpipe.pl "QUERY_STRING=file=$f" || return 1
	expect_eq "lines in $f" "$(grep -c '^piped$' "$f" 2>/dev/null)" 2
}

# Traced, the quick exit is taken where it may be and only there: after
# its output, qxkeep.pl's request process closes nothing (KEEP is left to
# exit_group), even with output in a second handle (perl flushes every
# handle before destruction), but given an object whose DESTROY does
# something, or a handle whose flush failed, it closes them in global
# destruction.  strace follows the zygote's forks and its spare, forked
# before it attached.
t_quick_exit_traced()
{
	local s=qxkeep.pl q z sp pid closes
	command -v strace >/dev/null || { why="strace is not installed"; return 1; }
	for q in none buffered destroy full; do
		warm_up l "/cgi-bin/$s" || return 1
		z=$(zygote_pid l "$CGI/$s")
		spare_pid=
		poll spare_of "$z" || { why="zygote $z has no lone spare"; return 1; }
		strace -f -qq -s 256 -e trace=write,close,exit_group \
		    -o "$T/qx.trace" \
		    -p "$z" -p "$spare_pid" 2>"$T/qx.err" &
		sp=$!
		if ! poll traced "$spare_pid" || ! traced "$z"; then
			kill "$sp" 2>/dev/null
			wait "$sp"
			why="strace could not attach: $(short "$(cat "$T/qx.err")")"
			return 1
		fi
		timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/l.sock" request \
		    "SCRIPT_FILENAME=$CGI/$s" REQUEST_METHOD=GET \
		    "QUERY_STRING=mode=$q" >"$T/qx.out" 2>&1 </dev/null
		kill "$sp"
		wait "$sp"
		pid=$(sed -n 's/^\([0-9]*\) *write(1, .*main program.*/\1/p' \
		    "$T/qx.trace" | head -n 1)
		[ -n "$pid" ] || { why="mode $q: no write of its output traced: $(short "$(cat "$T/qx.out")")"; return 1; }
		closes=$(awk -v p="$pid" '$1 == p && /main program/ { on = 1 }
		    on && $1 == p && $2 ~ /^close\(/ { n++ } END { print n + 0 }' \
		    "$T/qx.trace")
		expect_grep "mode $q: its exit" "$T/qx.trace" \
		    "^$pid +exit_group\\(3\\)" || return 1
		if [ $q = none ] || [ $q = buffered ]; then
			expect_eq "mode $q: close() calls after its output" "$closes" 0 ||
			    return 1
		elif [ "$closes" -eq 0 ]; then
			why="mode $q: no close() after its output: destruction skipped"
			return 1
		fi
	done
}

# rand()/random differ between requests (and between warm requests).
t_rand()
{
	local s=$1 i vals= v file=$CGI/$1 before after
	warm_up w "/cgi-bin/$s" || return 1
	before=$(warm_starts w "$file")
	for i in 1 2 3 4; do
		expect_eq status "$(http "/w/cgi-bin/$s")" 200 || return 1
		v=$(sed -n 's/^rand=//p' "$T/body")
		expect_grep body "$T/body" '^rand=[0-9]+ [0-9]+ [0-9]+$' ||
		    return 1
		vals="$vals$v
"
	done
	after=$(warm_starts w "$file")
	expect_eq "warm requests" "$((after - before))" 4 || return 1
	expect_eq "distinct values in 4 warm requests" \
	    "$(printf '%s' "$vals" | sort -u | wc -l)" 4 || return 1
	# Same format cold.
	expect_eq "cold status" "$(http "/c/cgi-bin/$s")" 200 || return 1
	expect_grep "cold body" "$T/body" '^rand=[0-9]+ [0-9]+ [0-9]+$'
}

t_system()
{
	local s=$1 want
	eq_http "/cgi-bin/$s" || return 1
	if [ "$s" = system.pl ]; then
		want='1 perl|2 system|3 backticks|4 pipe open|5 fork and exec|6 child status 0|7 system status 7|8 done|'
	else
		want='1 python|2 os.system|3 subprocess.run|4 check_output|5 popen|6 fork and exec|7 child status 0|8 call status 7|9 done|'
	fi
	expect_eq "body" "$(tr '\n' '|' <"$T/eq-w.body")" "$want" || return 1
	eq_fcgi "$s"
}

t_warn_pl()
{
	eq_http /cgi-bin/warn.pl || return 1
	eq_fcgi warn.pl || return 1
	expect_grep "-w warning" "$T/eq-w.err" \
	    "^Use of uninitialized value \\\$undef in addition \\(\\+\\) at $(esc "$CGI/warn.pl") line 4\\.\$" ||
	    return 1
	expect_grep "warn()" "$T/eq-w.err" '^warn\.pl: explicit warning$'
}

t_hooks_pl()
{
	eq_http /cgi-bin/hooks.pl || return 1
	eq_fcgi hooks.pl || return 1
	expect_eq "body" "$(tr -d '\r' <"$T/eq-w.body" | tr '\n' '|')" \
	    'warn hook: CODE|die hook: CODE|done|' || return 1
	expect_grep "warn handler" "$T/eq-w.err" '^hooked warn: hooks\.pl: a warning$' ||
	    return 1
	expect_grep "die handler" "$T/eq-w.err" '^hooked die: hooks\.pl: caught$'
}

t_warn_py()
{
	eq_http /cgi-bin/warn.py || return 1
	eq_fcgi warn.py || return 1
	expect_grep "warning" "$T/eq-w.err" \
	    "^$(esc "$CGI/warn.py"):5: UserWarning: warn\\.py: explicit warning\$"
}

# The one intended difference: a BEGIN block (Perl) or a top-level import
# (Python) runs once, in the zygote, when it loads, and sees the zygote's
# minimal environment (PATH, GATEWAY_INTERFACE, WARMCGI_ZYGOTE_FD), not
# the request's; cold, it runs in every request with the request's
# environment.  Everything else the script prints must still be equal.
t_begin()
{
	local s=$1 marker=$2 file=$CGI/$1 i n
	warm_up w "/cgi-bin/$s?q=1" || return 1
	for i in 1 2 3; do
		expect_eq "cold status" "$(http "/c/cgi-bin/$s?q=$i")" 200 ||
		    return 1
		cp "$T/body" "$T/begin-c.body"
		expect_eq "warm status" "$(http "/w/cgi-bin/$s?q=$i")" 200 ||
		    return 1
		cp "$T/body" "$T/begin-w.body"
		expect_grep "cold BEGIN" "$T/begin-c.body" \
		    '^begin-same-process=yes$' || return 1
		expect_grep "cold BEGIN" "$T/begin-c.body" "^begin-qs=q=$i\$" ||
		    return 1
		expect_grep "cold BEGIN" "$T/begin-c.body" \
		    '^begin-env=.*QUERY_STRING' || return 1
		expect_grep "warm BEGIN" "$T/begin-w.body" \
		    '^begin-same-process=no$' || return 1
		expect_grep "warm BEGIN" "$T/begin-w.body" \
		    '^begin-qs=\(unset\)$' || return 1
		# (Python adds LC_CTYPE when it coerces the C locale.)
		expect_grep "warm BEGIN environment" "$T/begin-w.body" \
		    '^begin-env=GATEWAY_INTERFACE (LC_CTYPE )?PATH WARMCGI_ZYGOTE_FD$' ||
		    return 1
		grep -v '^begin-' "$T/begin-c.body" >"$T/begin-c.rest"
		grep -v '^begin-' "$T/begin-w.body" >"$T/begin-w.rest"
		differ "non-BEGIN output" "$T/begin-c.rest" "$T/begin-w.rest" &&
		    return 1
		expect_grep "warm request" "$T/begin-w.body" "^qs-now=q=$i\$" ||
		    return 1
	done
	# The BEGIN/import message: in the log once, from the one zygote,
	# however many warm requests it served.
	n=$(count_lines "${WLOG[w]}" "warm: $(esc "$file")\\[[0-9]+\\]: $marker\$")
	expect_eq "'$marker' lines from zygotes" "$n" \
	    "$(ready_count w "$file")" || return 1
	expect_eq "zygotes for $s" "$(ready_count w "$file")" 1 || return 1
	# Directly: the cold request's stderr has it, the warm one's not.
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/c.sock" request \
	    "SCRIPT_FILENAME=$file" REQUEST_METHOD=GET >/dev/null \
	    2>"$T/begin-c.err" </dev/null
	timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/w.sock" request \
	    "SCRIPT_FILENAME=$file" REQUEST_METHOD=GET >/dev/null \
	    2>"$T/begin-w.err" </dev/null
	expect_grep "cold stderr" "$T/begin-c.err" "^$marker\$" || return 1
	expect_nogrep "warm stderr" "$T/begin-w.err" "$marker"
}

# ---------------------------------------------------------------- real programs

t_cgipm_upload()
{
	local size md5 sha
	size=$(stat -c %s "$T/up200k.bin")
	md5=$(md5sum <"$T/up200k.bin" | cut -d' ' -f1)
	sha=$(sha256sum <"$T/up200k.bin" | cut -d' ' -f1)
	# The form.
	eq_http /cgi-bin/upload.pl || return 1
	expect_eq "form status" "$(cat "$T/eq-w.code")" 200 || return 1
	expect_grep form "$T/eq-w.body" 'multipart/form-data' || return 1
	expect_grep form "$T/eq-w.body" 'action="/cgi-bin/upload\.pl"' ||
	    return 1
	# The upload, twice (a second warm request must not see the first's).
	eq_http /cgi-bin/upload.pl -F "file=@$T/up200k.bin;filename=up.bin" \
	    -F 'name=first & <upload>' || return 1
	expect_eq "upload status" "$(cat "$T/eq-w.code")" 200 || return 1
	expect_grep size "$T/eq-w.body" "<p>size: $size</p>" || return 1
	expect_grep md5 "$T/eq-w.body" "<p>md5: $md5</p>" || return 1
	expect_grep sha256 "$T/eq-w.body" "<p>sha256: $sha</p>" || return 1
	expect_grep name "$T/eq-w.body" \
	    '<p>name: first &amp; &lt;upload&gt;</p>' || return 1
	expect_grep filename "$T/eq-w.body" '<p>filename: up\.bin</p>' ||
	    return 1
	eq_http /cgi-bin/upload.pl -F "file=@$T/b1.bin;filename=one.bin" \
	    -F 'name=second' || return 1
	expect_grep "second upload" "$T/eq-w.body" '<p>size: 1</p>' ||
	    return 1
	expect_nogrep "second upload" "$T/eq-w.body" 'first|up\.bin'
}

# gitweb's relative ages ("5 min ago", "right now") depend on the clock;
# our commits are dated 2005, so they are stable, but normalize them
# anyway.  Header lines with the clock in them (Date, Expires: gitweb
# sets "+1d" expiry on pages named by a full SHA-1) are dropped.
GITWEB_NORM='s/[0-9]+ (sec|min|hours?|days?|weeks?|months?|years?) ago/N ago/g; s/right now/N ago/g'

git_setup()
{
	local i w=$T/git-work
	mkdir -p "$w" "$T/git"
	(
		export HOME=$T GIT_CONFIG_NOSYSTEM=1
		cd "$w" || exit 1
		git -c init.defaultBranch=master init -q || exit 1
		git config user.name 'Warm Tester'
		git config user.email 'warm@example.invalid'
		for i in 1 2 3; do
			echo "line $i" >>file.txt
			git add file.txt
			GIT_AUTHOR_DATE="2005-04-0$i 12:00:00 +0000" \
			GIT_COMMITTER_DATE="2005-04-0$i 12:00:00 +0000" \
			    git commit -q -m "Warm commit number $i" \
			    -m "Body of commit $i."
		done
		git clone -q --bare "$w" "$T/git/proj.git"
		echo 'Warm test project' >"$T/git/proj.git/description"
	) >"$T/git.log" 2>&1 || return 1
	GIT_SHA=$(git -C "$T/git/proj.git" rev-parse HEAD~1) || return 1
	cat >"$T/gitweb.conf" <<EOF
our \$projectroot = "$T/git";
our \$GIT = "$(command -v git)";
our \$site_name = "warmcgi test";
our \$projects_list = "";
EOF
}

# eq_http_ere ERE URI [CURL ARGS]: eq_http, then the bodies compared
# after sed -E ERE, and the headers without Expires.
eq_http_ere()
{
	local norm=$1
	shift
	if ! eq_http "$@"; then
		# Go on only if the headers or body differed: maybe just in
		# the parts normalized below.
		case $why in
		"headers of "*|"body of "*)	why= ;;
		*)				return 1 ;;
		esac
	fi
	sed -i -E "$norm" "$T/eq-c.body" "$T/eq-w.body"
	sed -i '/^Expires:/Id' "$T/eq-c.hdr" "$T/eq-w.hdr"
	differ "headers of $1 (less Expires)" "$T/eq-c.hdr" "$T/eq-w.hdr" &&
	    return 1
	differ "body of $1 (ages normalized)" "$T/eq-c.body" "$T/eq-w.body" &&
	    return 1
	return 0
}

# t_gitweb URI PATTERN: 200, equal to exec mode, PATTERN in the page.
t_gitweb()
{
	eq_http_ere "$GITWEB_NORM" "$1" || return 1
	expect_eq status "$(cat "$T/eq-w.code")" 200 || return 1
	expect_grep "page" "$T/eq-w.body" "$2"
}

# ---------------------------------------------------------------- lifecycle

# l_get INST URI: GET through nginx; status in $code, body in $T/body.
l_get()
{
	code=$(http "/$1$2")
}

# A changed script gets a new zygote and its new content is served.
t_change()
{
	local f=$CGI/life.pl z1 z2 before
	warm_up l /cgi-bin/life.pl || return 1
	z1=$(zygote_pid l "$f")
	before=$(warm_starts l "$f")
	l_get l /cgi-bin/life.pl
	expect_eq "v1 body" "$(tail -n 1 "$T/body")" "life version 1" ||
	    return 1
	expect_eq "v1 warm" "$(warm_starts l "$f")" $((before + 1)) ||
	    return 1
	# Edit in place: same inode, new size and mtime.
	printf '#!/usr/bin/perl\nprint "Content-Type: text/plain\\r\\n\\r\\n";\nprint "life version 2, changed\\n";\n' >"$f"
	l_get l /cgi-bin/life.pl
	expect_eq "status after the change" "$code" 200 || return 1
	expect_eq "body right after the change" "$(tail -n 1 "$T/body")" \
	    "life version 2, changed" || return 1
	expect_grep log "${WLOG[l]}" \
	    "warm: $(esc "$f"): retiring zygote pid $z1: the script changed\$" ||
	    return 1
	wait_gone "$z1" || { why="old zygote $z1 still running"; \
	    return 1; }
	poll new_zygote l "$f" "$z1" || { why="no new zygote after the change"; \
	    return 1; }
	z2=$znew
	before=$(warm_starts l "$f")
	l_get l /cgi-bin/life.pl
	expect_eq "v2 body from the new zygote" "$(tail -n 1 "$T/body")" \
	    "life version 2, changed" || return 1
	expect_eq "v2 warm" "$(warm_starts l "$f")" $((before + 1)) ||
	    return 1
	# touch alone (mtime) is a change too.
	touch -d "@$(( $(date +%s) + 2 ))" "$f"
	l_get l /cgi-bin/life.pl
	expect_eq "status after touch" "$code" 200 || return 1
	expect_eq "body after touch" "$(tail -n 1 "$T/body")" \
	    "life version 2, changed" || return 1
	expect_grep log "${WLOG[l]}" \
	    "warm: $(esc "$f"): retiring zygote pid $z2: the script changed\$" ||
	    return 1
	poll new_zygote l "$f" "$z2" || { why="no new zygote after touch"; \
	    return 1; }
}

# Compile failures: every request gets what exec mode gives, the log says
# why, the daemon keeps serving.  Spread over a few seconds so that the
# back-off retries (1 s, 2 s) happen in between.
t_compile_fail()
{
	local s=$1 file=$CGI/$1 i
	for i in 1 2 3 4 5; do
		expect_eq "cold status" "$(http "/c/cgi-bin/$s")" 502 ||
		    return 1
		save_http c 502
		code=$(http "/w/cgi-bin/$s")
		save_http w "$code"
		differ "request $i: status" "$T/eq-c.code" "$T/eq-w.code" &&
		    return 1
		differ "request $i: headers" "$T/eq-c.hdr" "$T/eq-w.hdr" &&
		    return 1
		differ "request $i: body" "$T/eq-c.body" "$T/eq-w.body" &&
		    return 1
		timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/c.sock" request \
		    "SCRIPT_FILENAME=$file" REQUEST_METHOD=GET \
		    >"$T/eq-c.out" 2>"$T/eq-c.err" </dev/null
		timeout 90 "$FCGI_CLIENT" -t 60 "unix:$T/w.sock" request \
		    "SCRIPT_FILENAME=$file" REQUEST_METHOD=GET \
		    >"$T/eq-w.out" 2>"$T/eq-w.err" </dev/null
		differ "request $i: direct stdout" "$T/eq-c.out" \
		    "$T/eq-w.out" && return 1
		differ "request $i: direct stderr and exit status" \
		    "$T/eq-c.err" "$T/eq-w.err" && return 1
		sleep 0.6
	done
	expect_grep "compile error" "$T/eq-w.err" "$2" || return 1
	wait_log "${WLOG[w]}" "warm: $(esc "$file"): zygote exited" || true
	expect_grep "log" "${WLOG[w]}" \
	    "warm: $(esc "$file"): zygote exited with status [0-9]+ while loading; serving it by exec" ||
	    return 1
	expect_eq "warm starts of $s" "$(warm_starts w "$file")" 0 || return 1
	expect_eq "status of another script" \
	    "$(http /w/cgi-bin/exit.pl?n=0)" 200 || return 1
	alive "${WPID[w]}" || { why="warmcgi w died"; return 1; }
}

# SIGKILL the zygote: the next requests still succeed (exec), and the
# script is warm again after the back-off.
t_zygote_kill()
{
	local s=$1 file=$CGI/$1 z i before
	cp "$CGI/pid.$2" "$file"
	warm_up l "/cgi-bin/$s" || return 1
	z=$(zygote_pid l "$file")
	kill -KILL "$z" || { why="kill $z failed"; return 1; }
	for i in 1 2 3; do
		l_get l "/cgi-bin/$s"
		expect_eq "request $i after the kill" "$code" 200 || return 1
		expect_grep "request $i body" "$T/body" "^script=$s pid=" ||
		    return 1
	done
	wait_log "${WLOG[l]}" \
	    "warm: $(esc "$file"): zygote killed by signal 9" || {
		why="no log line about the killed zygote"
		return 1
	}
	for (( i = 0; i < WAIT_NAPS / 5; i++ )); do
		new_zygote l "$file" "$z" && break
		l_get l "/cgi-bin/$s"
		expect_eq "request while it recovers" "$code" 200 || return 1
		sleep 0.25
	done
	new_zygote l "$file" "$z" || { why="never warm again"; return 1; }
	before=$(warm_starts l "$file")
	l_get l "/cgi-bin/$s"
	expect_eq "status when warm again" "$code" 200 || return 1
	expect_eq "warm again" "$(warm_starts l "$file")" $((before + 1))
}

# The Perl zygote keeps one spare request process forked ahead (its only
# child when no request runs).  The spare leaves with its zygote, killed
# (it sees its pipe close) or retired because the script changed (the
# zygote ends it first): nothing is left running, no zombie either.
t_spare_gone()
{
	local how=$1 s=spare-$1.pl file=$CGI/spare-$1.pl z spare
	cp "$CGI/pid.pl" "$file"
	warm_up l "/cgi-bin/$s" || return 1
	z=$(zygote_pid l "$file")
	poll spare_of "$z" || { why="zygote $z has no spare"; return 1; }
	spare=$spare_pid
	case $how in
	kill)	kill -KILL "$z" ;;
	change)	touch -d '+1 minute' "$file"
		l_get l "/cgi-bin/$s"
		expect_eq "request to the changed script" "$code" 200 ||
		    return 1 ;;
	esac
	poll no_proc "$z" || { why="zygote $z still there"; return 1; }
	poll no_proc "$spare" ||
	    { why="spare $spare still there"; return 1; }
}

# A warm request costs the Perl zygote few page faults of its own (issue
# 9): each page its loop writes between two forks is copied once per
# request.  50 requests one after the other: the zygote's minor faults
# (/proc/PID/stat) stay under 40 a request (about 24; 57 when each step of
# its loop was a sub of its own).  A count, not a time: load does not
# change it.
t_zygote_faults()
{
	local s=zfaults.pl file=$CGI/zfaults.pl z f0 f1 n=50 max=40
	cp "$CGI/pid.pl" "$file"
	warm_up l "/cgi-bin/$s" || return 1
	z=$(zygote_pid l "$file")
	zfaults_run "$file" 5 || return 1	# settled: spare forked, pages touched
	f0=$(minflt "$z")
	zfaults_run "$file" $n || return 1
	f1=$(minflt "$z")
	expect_eq "zygote" "$(zygote_pid l "$file")" "$z" || return 1
	[ -n "$f0" ] && [ -n "$f1" ] ||
	    { why="no /proc/$z/stat"; return 1; }
	(( f1 - f0 < max * n )) && return 0
	why="zygote $z: $(( f1 - f0 )) minor faults for $n requests (limit $(( max * n )))"
	return 1
}

# A warm CGI.pm request, all its processes counted: the zygote's own
# minor faults and its reaped request processes' (cminflt).  With the
# quick exit about 400 a request; 480 without it, which this fails.  The
# fewest of three runs of 10: a run in which the zygote learnt a module
# (a trial fork that loads it) or replaced its spare counts those too.
t_request_faults()
{
	local file=$CGI/cgipm.pl z f0 f1 i n=10 max=440 min=
	warm_up l /cgi-bin/cgipm.pl || return 1
	z=$(zygote_pid l "$file")
	for (( i = 0; i < 3; i++ )); do
		f0=$(tree_faults "$z")
		zfaults_run "$file" $n || return 1
		f1=$(tree_faults "$z")
		[ -n "$f0" ] && [ -n "$f1" ] ||
		    { why="no /proc/$z/stat"; return 1; }
		[ -z "$min" ] || (( f1 - f0 < min )) && min=$(( f1 - f0 ))
	done
	expect_eq "zygote" "$(zygote_pid l "$file")" "$z" || return 1
	echo "# cgipm.pl warm: $(( min / n )) minor faults a request"
	(( min < max * n )) && return 0
	why="zygote $z and its requests: $min minor faults for $n requests (limit $(( max * n )))"
	return 1
}

# tree_faults PID: its minor faults and those of its reaped children.
tree_faults()
{
	sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $8 + $9 }'
}

# zfaults_run SCRIPT N: N requests one after the other on instance l,
# each ending with status 0.
zfaults_run()
{
	local ends
	timeout 90 "$FCGI_CLIENT" -t 60 -n "$2" "unix:$T/l.sock" request \
	    "SCRIPT_FILENAME=$1" REQUEST_METHOD=GET GATEWAY_INTERFACE=CGI/1.1 \
	    SERVER_PROTOCOL=HTTP/1.1 >"$T/zf.out" 2>"$T/zf.err" </dev/null
	ends=$(grep -c '^fcgi_client: end app=0 ' "$T/zf.err")
	[ "$ends" -eq "$2" ] && return 0
	why="$ends of $2 requests ended with status 0: $(short "$(cat "$T/zf.err")")"
	return 1
}

# minflt PID: its minor page faults so far (field 10 of /proc/PID/stat,
# counted after the command name, which may hold spaces).
minflt()
{
	sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $8 }'
}

# no_proc PID: no such process, not even a zombie.
no_proc()
{
	[ ! -e "/proc/$1" ]
}

# Requests that a zygote had not taken when it was retired are run by
# exec, and, the zygote having been retired on purpose, with no warning
# each ("warm start failed" only at debug level).  Stopped, the zygote and
# its spare leave three requests in its socket's backlog; the script
# changes, and a fourth request retires the zygote; continued, it sees
# EOF and ends, dropping the three.
t_retired_pending()
{
	local s=pending.pl file=$CGI/pending.pl z i n0 w0 pids=()
	cp "$CGI/pid.pl" "$file"
	warm_up l "/cgi-bin/$s" || return 1
	z=$(zygote_pid l "$file")
	spare_pid=
	poll spare_of "$z" || { why="zygote $z has no lone spare"; return 1; }
	n0=$(warm_starts l "$file")
	w0=$(count_lines "${WLOG[l]}" "^warmcgi: $(esc "$file"): warm start failed")
	kill -STOP "$z" "$spare_pid"
	for i in 1 2 3; do
		curl -sS -m 120 -o "$T/pend.$i.body" -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/l/cgi-bin/$s" >"$T/pend.$i.code" \
		    2>/dev/null &
		pids+=($!)
	done
	if ! poll starts_reach l "$file" $((n0 + 3)); then
		kill -CONT "$z" "$spare_pid"
		wait "${pids[@]}"
		why="the three requests did not reach the zygote"
		return 1
	fi
	touch -d '+1 minute' "$file"
	l_get l "/cgi-bin/$s"
	kill -CONT "$z" "$spare_pid"
	wait "${pids[@]}"
	expect_eq "the request that retired it" "$code" 200 || return 1
	for i in 1 2 3; do
		expect_eq "pending request $i" "$(cat "$T/pend.$i.code")" 200 ||
		    return 1
		expect_grep "its body" "$T/pend.$i.body" "^script=$s pid=" ||
		    return 1
	done
	expect_eq "warnings about warm starts" "$(count_lines "${WLOG[l]}" \
	    "^warmcgi: $(esc "$file"): warm start failed")" "$w0"
}

# A zygote dies (HOW: kill, or retired because its script changed) while
# a request it forked is running: the request still ends normally, its
# exit status now reaped by warmcgi (the request process was reparented).
# The request waits on a child `sleep` that the test ends once warmcgi
# has seen the zygote go.
t_zygote_gone_inflight()
{
	local how=$1 s=$2 file=$CGI/$2 f=$T/inflight-$2.pid cpid z rc=0
	local pid pgid child n
	warm_up l "/cgi-bin/$s?s=0" || return 1
	z=$(zygote_pid l "$file")
	rm -f "$f" "$T/inflight.body"
	curl -sS -m 120 -o "$T/inflight.body" -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/l/cgi-bin/$s?s=600&f=$f" \
	    >"$T/inflight.code" 2>/dev/null &
	cpid=$!
	if ! wait_file "$f"; then
		kill "$cpid"
		wait "$cpid"
		why="the script did not start"
		return 1
	fi
	read -r pid pgid child <"$f"
	case $how in
	kill)	n=$(count_lines "${WLOG[l]}" "zygote killed by signal 9")
		kill -KILL "$z"
		poll more_lines "${WLOG[l]}" "zygote killed by signal 9" "$n" ||
		    { why="no log line about the killed zygote"; rc=1; } ;;
	change)	touch -d '+1 minute' "$file"
		l_get l "/cgi-bin/$s?s=0"
		expect_eq "request to the changed script" "$code" 200 ||
		    rc=1 ;;
	esac
	kill "$child"
	wait "$cpid"
	expect_eq "in-flight request" "$(cat "$T/inflight.code")" 200 ||
	    return 1
	expect_eq "its body" "$(cat "$T/inflight.body")" "slept 600" ||
	    return 1
	expect_nogrep "log" "${WLOG[l]}" "exit status went with" || return 1
	return $rc
}

# --no-warm PATTERN: a matching script starts no zygote; another does.
t_no_warm()
{
	local f=$CGI/nowarm.pl i
	cp "$CGI/pid.pl" "$f"
	for i in 1 2 3 4; do
		l_get n /cgi-bin/nowarm.pl
		expect_eq "request $i" "$code" 200 || return 1
		expect_grep "body $i" "$T/body" '^script=nowarm\.pl pid=' ||
		    return 1
		sleep 0.2
	done
	expect_nogrep "log" "${WLOG[n]}" "zygote.*nowarm|nowarm.*warm start" ||
	    return 1
	[ -z "$(ps -o args= --ppid "${WPID[n]}" | grep -i zygote)" ] || {
		why="zygote running: $(ps -o args= --ppid "${WPID[n]}" |
		    grep -i zygote)"
		return 1
	}
	[ -z "$(ls "$T/tmp-n"/warmcgi.*/ 2>/dev/null)" ] || {
		why="zygote socket: $(ls "$T/tmp-n"/warmcgi.*/)"
		return 1
	}
	# The same instance does keep other scripts warm.
	warm_up n /cgi-bin/pid.pl
}

# --warm off: no zygote ever, no socket directory (checked after the
# whole corpus has run through instance c).
t_warm_off()
{
	local z
	expect_nogrep "log" "${WLOG[c]}" 'zygote|warm start' || return 1
	z=$(ps -o pid=,args= --ppid "${WPID[c]}" | grep -i zygote)
	[ -z "$z" ] || { why="zygote under c: $z"; return 1; }
	[ -z "$(ls -A "$T/tmp-c" 2>/dev/null)" ] || {
		why="made $(ls -A "$T/tmp-c")"
		return 1
	}
}

# --warm-max 1 and two warm scripts: both keep answering correctly.
t_warm_max()
{
	local a=$CGI/maxa.pl b=$CGI/maxb.pl i s n
	cp "$CGI/pid.pl" "$a"
	cp "$CGI/pid.pl" "$b"
	for s in maxa maxb maxa; do
		warm_up m "/cgi-bin/$s.pl" || return 1
		# Ready once does not mean ready now: wait for this one.
		for (( i = 0; i < WAIT_NAPS / 2; i++ )); do
			n=$(warm_starts m "$CGI/$s.pl")
			l_get m "/cgi-bin/$s.pl"
			expect_eq "$s" "$code" 200 || return 1
			expect_grep "$s body" "$T/body" "^script=$s\\.pl pid=" ||
			    return 1
			[ "$(warm_starts m "$CGI/$s.pl")" -gt "$n" ] && break
			sleep 0.1
		done
		[ "$(warm_starts m "$CGI/$s.pl")" -gt "$n" ] || {
			why="$s.pl never served warm"
			return 1
		}
	done
	for i in $(seq 1 10); do
		for s in maxa maxb; do
			l_get m "/cgi-bin/$s.pl"
			expect_eq "round $i: $s" "$code" 200 || return 1
			expect_grep "round $i: $s body" "$T/body" \
			    "^script=$s\\.pl pid=" || return 1
		done
	done
	expect_grep log "${WLOG[m]}" 'retiring zygote pid [0-9]+: --warm-max reached' ||
	    return 1
	poll zygotes_at_most m 1 || {
		why="$(ps -o args= --ppid "${WPID[m]}" | grep -ci zygote) zygotes running"
		return 1
	}
}

# zygotes_at_most INST N: INST runs no more than N zygotes.
zygotes_at_most()
{
	[ "$(ps -o args= --ppid "${WPID[$1]}" | grep -ci zygote)" -le "$2" ]
}

# The client disconnects from a warm script that sleeps with a child
# `sleep`: the whole process group goes (long before the sleep would end).
t_disconnect()
{
	local s=$1 file=$CGI/$1 f=$T/disc-$1.pid cpid pid pgid child before
	local ppid left
	warm_up l "/cgi-bin/$s?s=0" || return 1
	before=$(warm_starts l "$file")
	rm -f "$f"
	curl -sS -m 120 -o /dev/null \
	    "http://127.0.0.1:$PORT/l/cgi-bin/$s?s=600&f=$f" 2>/dev/null &
	cpid=$!
	if ! wait_file "$f"; then
		kill "$cpid"
		wait "$cpid"
		why="the script did not start"
		return 1
	fi
	read -r pid pgid child <"$f"
	expect_eq "warm" "$(warm_starts l "$file")" $((before + 1)) || {
		kill "$cpid"; wait "$cpid"; return 1; }
	expect_eq "own process group" "$pgid" "$pid" || {
		kill "$cpid"; wait "$cpid"; return 1; }
	ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
	ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$ppid/status")
	expect_eq "grandparent (warmcgi, its zygote's parent)" "$ppid" \
	    "${WPID[l]}" || {
		kill "$cpid"; wait "$cpid"; return 1; }
	sleep 0.2
	kill -KILL "$cpid"
	wait "$cpid" 2>/dev/null
	if ! wait_gone "$pid" "$child"; then
		why="still running a minute after the client left:$gone_left"
		return 1
	fi
	# Nothing else of the group either.
	left=$(ps -eo pid=,pgid=,stat=,args= | awk -v g="$pgid" \
	    '$2 == g && $3 !~ /^Z/')
	[ -z "$left" ] || { why="process group $pgid: $(short "$left")"; \
	    return 1; }
}

# 50 concurrent requests to a warm Perl script that waits until all 50
# have started (barrier.pl): all 200, all met, distinct pids, all warm.
t_concurrent()
{
	local file=$CGI/barrier.pl b=$T/bar-conc i pids= before after n200
	local nmet npid
	rm -rf "$b" "$T"/conc.*
	mkdir "$b" "$b-0"
	warm_up l "/cgi-bin/barrier.pl?b=$b-0&n=0" || return 1
	before=$(warm_starts l "$file")
	for i in $(seq 1 50); do
		curl -s -m 150 -o "$T/conc.$i.body" -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/l/cgi-bin/barrier.pl?b=$b&n=50" \
		    >"$T/conc.$i.code" 2>/dev/null &
		pids="$pids $!"
	done
	wait $pids
	after=$(warm_starts l "$file")
	n200=$(cat "$T"/conc.*.code | grep -o 200 | wc -l)
	nmet=$(cat "$T"/conc.*.body | grep -cx 'met 50')
	[ "$n200" -eq 50 ] && [ "$nmet" -eq 50 ] || {
		why="$n200 x 200, $nmet met the barrier: $(grep -hv '^script=' \
		    "$T"/conc.*.body | sort | uniq -c | head -n 3 | tr '\n' ' ')"
		return 1
	}
	npid=$(cat "$T"/conc.*.body | sed -n 's/^script=barrier\.pl pid=//p' |
	    sort -u | wc -l)
	expect_eq "distinct pids" "$npid" 50 || return 1
	expect_eq "warm starts" "$((after - before))" 50 || return 1
	expect_nogrep "log" "${WLOG[l]}" '^warmcgi: /.*: warm start failed'
}

# t_queue_drain INST SCRIPT N: N concurrent warm requests, more than the
# instance's -c, each sleeping 0.3 s: those that wait for a slot start as
# warm requests end, so every one is answered (a queue that only drains
# on SIGCHLD leaves them hanging until curl gives up).
t_queue_drain()
{
	local inst=$1 script=$2 n=$3 i pids= n200
	warm_up "$inst" "/cgi-bin/$script?s=0" || return 1
	rm -f "$T"/qd.*
	for i in $(seq 1 "$n"); do
		curl -s -m 90 -o "$T/qd.$i.body" -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/$inst/cgi-bin/$script?s=0.3" \
		    >"$T/qd.$i.code" 2>/dev/null &
		pids="$pids $!"
	done
	wait $pids
	n200=$(cat "$T"/qd.*.code | grep -o 200 | wc -l)
	expect_eq "answers with 200" "$n200" "$n" || return 1
	n200=$(cat "$T"/qd.*.body | grep -cx 'slept 0.3')
	expect_eq "bodies" "$n200" "$n" || return 1
	expect_nogrep "log" "${WLOG[$inst]}" \
	    '^warmcgi: /.*: warm start failed' || return 1
}

# t_abort_pending SCRIPT: FCGI_ABORT_REQUEST right behind the params of a
# warm request, while its pid is not known yet (and a few ms later): the
# script runs at most once and never to its end, nothing falls back to
# exec, and the zygote serves on.
t_abort_pending()
{
	local s=$1 file=$CGI/$1 f zpid i pids pid ms execs
	warm_up l "/cgi-bin/$s?s=0&f=$T/ab-warm" || return 1
	zpid=$(zygote_pid l "$file")
	execs=$(grep -c "$(esc "$file"): started pid" "${WLOG[l]}")
	for i in 1 2 3 4 5 6; do
		ms=$(( (i - 1) % 3 ))
		f=$T/ab-$s.$i
		rm -f "$f"
		timeout 60 "$FCGI_CLIENT" -t 50 "unix:$T/l.sock" abort "$ms" \
		    "SCRIPT_FILENAME=$file" REQUEST_METHOD=GET \
		    "QUERY_STRING=s=3&f=$f" >"$T/ab.out" 2>&1
		grep -q 'END_REQUEST' "$T/ab.out" || {
			why="round $i: no END_REQUEST: $(short "$(cat "$T/ab.out")")"
			return 1; }
		pids=$(sed -n 's/ start$//p' "$f" 2>/dev/null)
		[ "$(printf '%s' "$pids" | grep -c .)" -le 1 ] || {
			why="round $i: ran twice: $pids"; return 1; }
		for pid in $pids; do
			wait_gone "$pid" || {
				why="round $i: pid $pid still runs"; return 1; }
		done
		! grep -q done "$f" 2>/dev/null || {
			why="round $i: an aborted request ran to its end"
			return 1; }
	done
	expect_eq "zygote" "$(zygote_pid l "$file")" "$zpid" || return 1
	expect_nogrep "log" "${WLOG[l]}" "$(esc "$file"): warm start failed" ||
	    return 1
	expect_eq "runs by exec" "$(grep -c "$(esc "$file"): started pid" \
	    "${WLOG[l]}")" "$execs" || return 1
}

# t_adaptive SCRIPT QUERY WAY N: with --warm auto, N sequential requests
# for SCRIPT; the instance then has decided to serve it WAY ("warm" or
# "by exec"), logging both figures, and a script that exec pays for has
# no zygote left.
t_adaptive()
{
	local s=$1 q=$2 way=$3 n=$4 file=$CGI/$1 i code
	for i in $(seq 1 "$n"); do
		code=$(curl -s -m 60 -o /dev/null -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/a/cgi-bin/$s?$q")
		[ "$code" = 200 ] || { why="request $i: $code"; return 1; }
		grep -qE "warm: $(esc "$file"): .* a request warm, .* by exec: serving it " \
		    "${WLOG[a]}" && break
	done
	expect_grep "decision" "${WLOG[a]}" \
	    "warm: $(esc "$file"): [0-9.]+ ms and [0-9]+ faults a request warm, [0-9.]+ ms and [0-9]+ by exec: serving it $way\$" ||
	    return 1
	if [ "$way" = "by exec" ]; then
		expect_grep "zygote stopped" "${WLOG[a]}" \
		    "warm: $(esc "$file"): stopping zygote pid [0-9]+: exec is cheaper" ||
		    return 1
	fi
}

# After t_adaptive decided on exec for bigheap.pl: the decision survives
# a change of the script (no zygote is started for the new version).
t_adaptive_change()
{
	local file=$CGI/bigheap.pl i before code
	before=$(grep -c "warm: $(esc "$file"): zygote pid [0-9]* loading" \
	    "${WLOG[a]}")
	touch -d "@$(( $(date +%s) + 5 ))" "$file"
	for i in 1 2 3 4 5 6 7 8; do
		code=$(curl -s -m 60 -o "$T/ad.body" -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/a/cgi-bin/bigheap.pl")
		expect_eq "status" "$code" 200 || return 1
		expect_eq "body" "$(cat "$T/ad.body")" "bigheap cold" || return 1
	done
	expect_eq "zygotes started" "$(grep -c "warm: $(esc "$file"): zygote pid [0-9]* loading" \
	    "${WLOG[a]}")" "$before" || return 1
}

# Every pid that was ever a zygote, from the logs.
all_zygote_pids()
{
	sed -n 's/.*warm: .*: zygote pid \([0-9]*\) loading$/\1/p' \
	    "${WLOG[@]}" | sort -u
}

# Processes working in the scripts' directory (scripts, their children
# and the zygotes) or that are zygotes of ours.
our_procs()
{
	local d p z
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" = "$$" ] && continue
		if [ "$(readlink "$d/cwd" 2>/dev/null)" = "$CGI" ]; then
			alive "$p" && echo "$p $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)"
		fi
	done
	for z in $ZYGOTES; do
		alive "$z" && tr '\0' ' ' <"/proc/$z/cmdline" 2>/dev/null |
		    grep -qi zygote && echo "$z (zygote)"
	done
}

# none_of_ours: our_procs finds nothing.
none_of_ours()
{
	[ -z "$(our_procs)" ]
}

# SIGTERM with a warm request in flight (waiting on a child `sleep` that
# the test ends once the log says l is shutting down): it finishes, every
# instance exits 0, no zygote or script process is left, socket
# directories removed.
t_sigterm()
{
	local f=$T/term.pid cpid code name rc left file=$CGI/sleeper.pl
	local before pid pgid child
	warm_up l "/cgi-bin/sleeper.pl?s=0" || return 1
	ZYGOTES=$(all_zygote_pids)
	[ -n "$(ls "$T/tmp-l"/warmcgi.*/*.sock 2>/dev/null)" ] || {
		why="no zygote socket in $T/tmp-l/warmcgi.*"
		return 1
	}
	before=$(warm_starts l "$file")
	rm -f "$f"
	curl -sS -m 120 -o "$T/term.body" -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/l/cgi-bin/sleeper.pl?s=600&f=$f" \
	    >"$T/term.code" 2>/dev/null &
	cpid=$!
	wait_file "$f" || { why="the script did not start"; return 1; }
	read -r pid pgid child <"$f"
	expect_eq "in-flight request is warm" "$(warm_starts l "$file")" \
	    $((before + 1)) || { kill "$child"; return 1; }
	kill -TERM "${WPID[l]}"
	wait_log "${WLOG[l]}" 'shutting down, 1 requests in flight'
	kill "$child"
	wait "$cpid"
	code=$(cat "$T/term.code")
	expect_grep "l log" "${WLOG[l]}" 'shutting down, 1 requests in flight' ||
	    return 1
	expect_eq "in-flight request status" "$code" 200 || return 1
	expect_eq "in-flight request body" "$(cat "$T/term.body")" \
	    "slept 600" || return 1
	# It exits by itself once the request is done (signal 0: only wait).
	stop_pid "${WPID[l]}" 0
	expect_eq "l exit status after one SIGTERM" "$stop_rc" 0 || return 1
	stop_nginx
	for name in w c n m q a to; do
		stop_pid "${WPID[$name]}" TERM
		rc=$stop_rc
		expect_eq "$name exit status" "$rc" 0 || return 1
	done
	for name in l w c n m q a to; do
		[ ! -e "$T/$name.sock" ] || { why="$name.sock left"; return 1; }
	done
	poll none_of_ours
	left=$(our_procs)
	[ -z "$left" ] || { why="left running: $(short "$left")"; return 1; }
	left=$(ls -d "$T"/tmp-*/warmcgi.* 2>/dev/null)
	[ -z "$left" ] || { why="socket directories left: $left"; return 1; }
}

# After the shutdown: no zygote ran the scripts' END blocks or atexit
# handlers (they exit on EOF without them).
t_zygote_no_end()
{
	expect_nogrep "w log" "${WLOG[w]}" \
	    'END ran|DESTROY ran|atexit ran|__del__ ran' || return 1
	expect_nogrep "l log" "${WLOG[l]}" \
	    'END ran|DESTROY ran|atexit ran|__del__ ran'
}

t_sanitizers()
{
	check_sanitizers "${WLOG[@]}"
}

# ------------------------------------------- the interpreter #! names

# A virtualenv made without network (python3 -m venv --without-pip; by
# hand, a symlink and pyvenv.cfg, where the venv module is missing) with
# a module only its site-packages has; a perl copied elsewhere; scripts
# that print what their interpreter is.
interp_setup()
{
	local py3 site s
	py3=$(PATH=/usr/local/bin:/usr/bin:/bin command -v python3) || {
		why="no python3 in the scripts' PATH"; return 1; }
	VENV=$T/venv
	if ! "$py3" -m venv --without-pip "$VENV" >/dev/null 2>&1; then
		rm -rf "$VENV"
		mkdir -p "$VENV/bin" && ln -s "$py3" "$VENV/bin/python3" &&
		    printf 'home = %s\n' "${py3%/*}" >"$VENV/pyvenv.cfg" ||
		    return 1
	fi
	site=$("$VENV/bin/python3" -c \
	    'import sysconfig; print(sysconfig.get_paths()["purelib"])') ||
	    return 1
	mkdir -p "$site" &&
	    echo 'WHERE = "venv only"' >"$site/venvonly.py" || return 1
	mkdir -p "$T/bin" && cp /usr/bin/perl "$T/bin/perl" || return 1
	for s in venv.py envpy.py; do
		case $s in
		venv.py)	echo "#!$VENV/bin/python3" ;;
		envpy.py)	echo "#!/usr/bin/env python3" ;;
		esac >"$CGI/$s"
		cat >>"$CGI/$s" <<'PY'
import sys
try:
    import venvonly
    where = venvonly.WHERE
except ImportError:
    where = "none"
print("Content-Type: text/plain\n")
print("executable=" + sys.executable)
print("prefix=" + sys.prefix)
print("base_prefix=" + sys.base_prefix)
print("venvonly=" + where)
print("path=" + ":".join(sys.path))
PY
	done
	{
		echo "#!$T/bin/perl -w"
		cat <<'PL'
print "Content-Type: text/plain\r\n\r\n";
print "X=$^X\n0=$0\nW=$^W\nINC=@INC\n";
PL
	} >"$CGI/perlx.pl"
	chmod 0755 "$CGI/venv.py" "$CGI/envpy.py" "$CGI/perlx.pl"
}

# #!/virtualenv/bin/python3: warm (the second and third requests, with
# the zygote ready) as exec'd, the virtualenv's prefix and module.
t_interp_venv()
{
	eq_http /cgi-bin/venv.py || return 1
	eq_http /cgi-bin/venv.py || return 1
	expect_grep "body" "$T/eq-w.body" "^prefix=$(esc "$VENV")\$" ||
	    return 1
	expect_grep "body" "$T/eq-w.body" "^executable=$(esc \
	    "$VENV")/bin/python3\$" || return 1
	expect_grep "body" "$T/eq-w.body" '^venvonly=venv only$'
}

# A perl at another path: $^X is that copy in both modes.
t_interp_perl()
{
	eq_http /cgi-bin/perlx.pl || return 1
	eq_http /cgi-bin/perlx.pl || return 1
	expect_grep "body" "$T/eq-w.body" "^X=$(esc "$T")/bin/perl\$" ||
	    return 1
	expect_grep "body" "$T/eq-w.body" '^W=1$'
}

# fcgi_to INST SCRIPT [NAME=VALUE...]: one GET straight to INST.sock;
# stdout in $T/fd-INST.out, stderr in $T/fd-INST.err.
fcgi_to()
{
	local inst=$1 script=$2 rc
	shift 2
	timeout 30 "$FCGI_CLIENT" "unix:$T/$inst.sock" request \
	    "SCRIPT_FILENAME=$script" REQUEST_METHOD=GET "$@" \
	    >"$T/fd-$inst.out" 2>"$T/fd-$inst.err" </dev/null
	rc=$?
	[ $rc -eq 0 ] && return 0
	why="fcgi_client to $inst: rc $rc: $(short "$(cat "$T/fd-$inst.err")")"
	return 1
}

# #!/usr/bin/env python3, with the PATH the script gets (sent by the
# web server here): the virtualenv's python3 first in it, then not; each
# time, once a zygote for that pick is ready, warm output equals exec'd.
# ready_more INST SCRIPT N: more than N zygotes became ready for SCRIPT.
ready_more()
{
	[ "$(ready_count "$1" "$2")" -gt "$3" ]
}

t_interp_env()
{
	local s=$CGI/envpy.py p n i before
	for p in "$VENV/bin:/usr/bin:/bin" "/usr/local/bin:/usr/bin:/bin"; do
		n=$(ready_count w "$s")
		fcgi_to w "$s" "PATH=$p" || return 1
		poll ready_more w "$s" "$n" || {
			why="no zygote became ready for $s, PATH=$p"
			return 1
		}
		for i in 1 2; do
			before=$(warm_starts w "$s")
			fcgi_to c "$s" "PATH=$p" && fcgi_to w "$s" "PATH=$p" ||
			    return 1
			expect_eq "warm requests (PATH=$p)" \
			    "$(warm_starts w "$s")" $((before + 1)) || return 1
			differ "output (PATH=$p)" "$T/fd-c.out" "$T/fd-w.out" &&
			    return 1
		done
		case $p in
		"$VENV"/*)
			expect_grep "body" "$T/fd-w.out" \
			    "^prefix=$(esc "$VENV")\$" || return 1 ;;
		*)
			expect_grep "body" "$T/fd-w.out" '^venvonly=none$' ||
			    return 1 ;;
		esac
	done
	expect_grep "log" "${WLOG[w]}" \
	    "warm: $(esc "$s"): retiring zygote pid [0-9]+: env\\(1\\) now finds another interpreter"
}

# ------------------------------------------- socket directories, helpers

# A SIGKILLed daemon's socket directory is removed by the next one
# started with the same TMPDIR; a running daemon's, a symlink and a
# directory of another name are not.
t_stale_dir()
{
	local tmp=$T/tmp-k s=$CGI/env.pl d1 d2 z k k1
	mkdir -p "$tmp" "$T/decoy" && touch "$T/decoy/keep" || return 1
	ln -s "$T/decoy" "$tmp/warmcgi.2147483646.abcdef"
	mkdir "$tmp/warmcgi.abcdef"
	for k in k1 k2; do
		TMPDIR=$tmp start_warmcgi $k "$T/$k.sock" -v \
		    --warm-helpers "$HELPERS" || { why="$k did not start"; \
		    return 1; }
		fcgi_to $k "$s" || return 1
		wait_log "${WLOG[$k]}" \
		    "warm: $(esc "$s"): zygote pid [0-9]+ ready\$" || {
			why="$k: no zygote became ready"
			return 1
		}
	done
	k1=${WPID[k1]}
	d1=$(ls -d "$tmp/warmcgi.$k1".* 2>/dev/null)
	d2=$(ls -d "$tmp/warmcgi.${WPID[k2]}".* 2>/dev/null)
	[ -d "$d1" ] && [ -d "$d2" ] || {
		why="no warmcgi.PID.* directories: $(ls "$tmp" | tr '\n' ' ')"
		return 1
	}
	[ -n "$(ls "$d1"/*.sock 2>/dev/null)" ] || {
		why="no socket in $d1"; return 1; }
	z=$(sed -n 's/.*warm: .*: zygote pid \([0-9]*\) loading$/\1/p' \
	    "${WLOG[k1]}")
	kill -KILL "$k1" $z
	wait "$k1" 2>/dev/null
	wait_gone "$k1" $z || { why="still running:$gone_left"; \
	    return 1; }
	[ -d "$d1" ] || { why="$d1 went with SIGKILL"; return 1; }
	TMPDIR=$tmp start_warmcgi k3 "$T/k3.sock" -v \
	    --warm-helpers "$HELPERS" || { why="k3 did not start"; return 1; }
	[ ! -e "$d1" ] || { why="$d1 left"; return 1; }
	expect_grep "k3 log" "${WLOG[k3]}" \
	    "warm: removed the stale $(esc "$d1"), left by pid $k1\$" ||
	    return 1
	[ -d "$d2" ] || { why="the running k2's $d2 removed"; return 1; }
	[ -L "$tmp/warmcgi.2147483646.abcdef" ] && [ -e "$T/decoy/keep" ] ||
	    { why="the symlink or what it points to removed"; return 1; }
	[ -d "$tmp/warmcgi.abcdef" ] || { why="warmcgi.abcdef removed"; \
	    return 1; }
	# k2 still serves warm.
	fcgi_to k2 "$s" || return 1
	expect_grep "k2 output" "$T/fd-k2.out" '^SCRIPT_FILENAME=' || return 1
	for k in k2 k3; do
		stop_pid "${WPID[$k]}" TERM
		expect_eq "$k exit status" "$stop_rc" 0 || return 1
	done
	rm -f "$tmp/warmcgi.2147483646.abcdef"
	rmdir "$tmp/warmcgi.abcdef"
	[ -z "$(ls -A "$tmp")" ] || { why="left in $tmp: $(ls -A "$tmp")"; \
	    return 1; }
}

# Run from the build tree without --warm-helpers, warmcgi finds them
# there; with none to be found, one line at start says warm is off.
t_helpers_found()
{
	local s=$CGI/env.pl
	mkdir -p "$T/tmp-h" "$T/tmp-x"
	TMPDIR=$T/tmp-h start_warmcgi h "$T/h.sock" -v ||
	    { why="h did not start"; return 1; }
	expect_nogrep "h log" "${WLOG[h]}" 'warm interpreters are off' ||
	    return 1
	fcgi_to h "$s" || return 1
	wait_log "${WLOG[h]}" \
	    "warm: $(esc "$s"): zygote pid [0-9]+ ready\$" || {
		why="h: no zygote became ready: $(short "$(grep warm: \
		    "${WLOG[h]}" | tail -n 2)")"
		return 1
	}
	stop_pid "${WPID[h]}" TERM
	expect_eq "h exit status" "$stop_rc" 0 || return 1

	TMPDIR=$T/tmp-x start_warmcgi x "$T/x.sock" -v \
	    --warm-helpers /nonexistent || { why="x did not start"; return 1; }
	fcgi_to x "$s" && fcgi_to x "$s" || return 1
	expect_grep "x output" "$T/fd-x.out" '^SCRIPT_FILENAME=' || return 1
	expect_eq "start-up lines" "$(grep -c 'warm interpreters are off' \
	    "${WLOG[x]}")" 1 || return 1
	expect_grep "x log" "${WLOG[x]}" \
	    'warm: warm interpreters are off: no zygote helpers .* in /nonexistent;' ||
	    return 1
	expect_nogrep "x log" "${WLOG[x]}" 'zygote pid|warm start' || return 1
	stop_pid "${WPID[x]}" TERM
	expect_eq "x exit status" "$stop_rc" 0
}

# A warm request past -t (3 s on "to"): 504, its process and its child
# gone, one log line.
t_warm_timeout()
{
	local s=$1 f=$T/wto-$1.pid pid pgid child before rc
	warm_up to "/cgi-bin/$s?s=0" || return 1
	before=$(warm_starts to "$CGI/$s")
	rm -f "$f"
	timeout 60 "$FCGI_CLIENT" -t 50 "unix:$T/to.sock" request \
	    "SCRIPT_FILENAME=$CGI/$s" REQUEST_METHOD=GET \
	    "QUERY_STRING=s=1000&f=$f" >"$T/wto.out" 2>"$T/wto.err" </dev/null
	rc=$?
	expect_eq "client rc ($(short "$(cat "$T/wto.err")"))" "$rc" 0 ||
	    return 1
	expect_eq "warm" "$(warm_starts to "$CGI/$s")" $((before + 1)) ||
	    return 1
	expect_grep reply "$T/wto.out" '^Status: 504' || return 1
	[ -s "$f" ] || { why="the script never wrote its pid"; return 1; }
	read -r pid pgid child <"$f"
	wait_gone "$pid" "$child" || {
		why="left running after the time-out:$gone_left"; return 1; }
	expect_grep log "${WLOG[to]}" \
	    "$(esc "$CGI/$s")\\[$pid\\]: --timeout 3 s passed, [0-9.]+ s after its start: SIGTERM, then SIGKILL after 1 s \\(504\\)"
}

# ---------------------------------------------------------------- run

head -c 1 /dev/urandom >"$T/b1.bin"
head -c 102400 /dev/urandom >"$T/r100k.bin"
head -c 204800 /dev/urandom >"$T/up200k.bin"

run exit-pl t_exit_pl
run die-pl t_die_pl
run die-before-header-pl t_diehdr_pl
run sys-exit-py t_exit_py
run exception-py t_exc_py
run exception-before-header-py t_exchdr_py
run data-pl t_data_pl
run end-data-pl t_dataend_pl
run names-pl t_names names.pl
run names-py t_names names.py
run isindex-warm-pl t_isindex_warm names.pl
run isindex-warm-py t_isindex_warm names.py
run inherit-pl t_inherit inherit.pl
run inherit-py t_inherit inherit.py
run env-same-pl t_env env.pl
run env-same-py t_env env.py
run env-no-leak-pl t_env_noleak env.pl
run env-no-leak-py t_env_noleak env.py
run stdin-pl t_stdin stdin.pl
run stdin-py t_stdin stdin.py
run stdout-binary-pl t_binout binout.pl
run stdout-binary-py t_binout binout.py
run end-blocks-pl t_atexit endblk.pl END 'END ran' 'second END ran' \
    'DESTROY ran'
run quick-exit-out t_quick_exit_out
run quick-exit-pipe t_quick_exit_pipe
run quick-exit-traced t_quick_exit_traced
run atexit-py t_atexit atexit_.py atexit 'atexit ran' \
    'second atexit ran' '__del__ ran'
run rand-pl t_rand rand.pl
run random-py t_rand rand.py
run system-pl t_system system.pl
run subprocess-py t_system system.py
run warnings-pl t_warn_pl
run warn-die-handlers-pl t_hooks_pl
run warnings-py t_warn_py
run begin-once-pl t_begin begin.pl 'begin\.pl: BEGIN ran'
run import-once-py t_begin begin.py 'warmbegin\.py: imported'

if [ -n "$HAVE_CGIPM" ]; then
	run cgipm-upload t_cgipm_upload
else
	echo "# skipped cgipm-upload: CGI.pm missing (apt-get install" \
	    "missing (apt-get install libcgi-pm-perl)"
fi
if [ -z "$HAVE_GITWEB" ]; then
	echo "# skipped gitweb: gitweb, git or CGI.pm missing (apt-get" \
	    "install gitweb git)"
elif ! git_setup; then
	fail gitweb "cannot make the test repository: $(short "$(cat \
	    "$T/git.log")")"
else
	run gitweb-project-list t_gitweb /gitweb.cgi \
	    'a=summary" title="Warm test project">Warm test project</a>'
	run gitweb-commit t_gitweb "/gitweb.cgi?p=proj.git;a=commit;h=$GIT_SHA" \
	    '>Warm commit number 2<'
fi

if interp_setup; then
	run interp-venv-py t_interp_venv
	run interp-other-perl t_interp_perl
	run interp-env-path-py t_interp_env
else
	fail interp-setup "${why:-cannot make the virtualenv or copy perl}"
fi
run stale-socket-dir t_stale_dir
run helpers-beside-build t_helpers_found
run script-changed t_change
run compile-error-pl t_compile_fail badperl.pl 'syntax error at'
run syntax-error-py t_compile_fail badpy.py 'SyntaxError'
run zygote-sigkill-pl t_zygote_kill killme.pl pl
run zygote-sigkill-py t_zygote_kill killme.py py
run spare-gone-zygote-killed-pl t_spare_gone kill
run spare-gone-script-changed-pl t_spare_gone change
run zygote-faults-pl t_zygote_faults
run zygote-killed-inflight-pl t_zygote_gone_inflight kill sleeper.pl
run zygote-killed-inflight-py t_zygote_gone_inflight kill sleeper.py
run zygote-retired-inflight-pl t_zygote_gone_inflight change sleeper.pl
run retired-pending-pl t_retired_pending
run no-warm-pattern t_no_warm
run warm-max-1 t_warm_max
run client-disconnect-pl t_disconnect sleeper.pl
run timeout-pl t_warm_timeout sleeper.pl
run timeout-py t_warm_timeout sleeper.py
run client-disconnect-py t_disconnect sleeper.py
run concurrent-50 t_concurrent
run abort-pending-pl t_abort_pending once.pl
run abort-pending-py t_abort_pending once.py
if [ -n "$HAVE_CGIPM" ]; then
	run request-faults-cgipm t_request_faults
	run adaptive-cgipm-warm t_adaptive cgipm.pl \
	    'name=bench&item=one&n=5' warm 400
else
	echo "# skipped request-faults-cgipm, adaptive-cgipm-warm: CGI.pm" \
	    "missing (apt-get install libcgi-pm-perl)"
fi
run adaptive-bigheap-exec t_adaptive bigheap.pl '' 'by exec' 200
run adaptive-decision-survives-change t_adaptive_change
run queue-drains-pl t_queue_drain q sleeper.pl 16
run queue-drains-py t_queue_drain q sleeper.py 16
run queue-drains-c64 t_queue_drain l sleeper.pl 65
run warm-off-no-zygote t_warm_off
run sigterm-cleanup t_sigterm
run zygote-no-end-blocks t_zygote_no_end
run sanitizers t_sanitizers

lib_finish
