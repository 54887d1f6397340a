#!/bin/bash
#
# Privilege and confinement, black-box: warmcgi started as root refuses to
# run scripts as root without -u or --allow-root; -u/-g read back from
# /proc for the daemon, an exec'd script and a warm one; --socket-owner;
# -r escapes by ".." and by a symlink; each --strict refusal; the
# variables a peer may not set; ISINDEX argv.  Requests go straight to the
# sockets with tests/fcgi_client (no nginx).  Needs root (skips, 77,
# without it), the users nobody and www-data, setpriv and perl.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${FCGI_CLIENT:?set FCGI_CLIENT to tests/fcgi_client}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

if [ "$(id -u)" != 0 ]; then
	echo "priv_integration.sh: not root, skipping" >&2
	exit 77
fi
. "$TESTS_SRCDIR/lib.sh"
lib_need setpriv perl stat

if ! getent passwd nobody >/dev/null || ! getent passwd www-data \
    >/dev/null || ! getent group nogroup >/dev/null; then
	echo "priv_integration.sh: no user nobody or www-data, or no group" \
	    "nogroup: skipping" >&2
	exit 77
fi

lib_init
NOBODY=$(id -u nobody)
NOGROUP=$(getent group nogroup | cut -d: -f3)
WWW=$(getent group www-data | cut -d: -f3)

# $T/run: sockets of daemons that drop to nobody, who must be able to
# remove them at exit.  $T/pcgi: scripts anyone may run, owned by root.
# $T/outside: what -r must keep out.  $T/strict: nobody's own scripts
# for --strict, one for each refusal.
RUN=$T/run
P=$T/pcgi
O=$T/outside
S=$T/strict
mkdir -p "$RUN" "$P" "$O" "$S" "$S/wdir" "$S/odir"
chown nobody:nogroup "$RUN"
cp "$TESTS_SRCDIR/cgi-bin/env.pl" "$TESTS_SRCDIR/cgi-bin/hello.sh" "$P/"
cat >"$P/id.sh" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
grep -E '^(Uid|Gid|Groups):' /proc/self/status
EOF
cat >"$P/idw.pl" <<'EOF'
#!/usr/bin/perl
print "Content-Type: text/plain\r\n\r\n";
open(my $f, '<', '/proc/self/status') or die "status: $!\n";
while (<$f>) { print if /^(Uid|Gid|Groups):/ }
EOF
cp "$P/hello.sh" "$O/x.sh"
cp "$P/idw.pl" "$O/w.pl"
chmod 0755 "$P"/* "$O"/*
ln -s "$O/x.sh" "$P/link.sh"
ln -s ../outside/w.pl "$P/wlink.pl"
for f in ok gw ow suid sgid root wdir/x odir/x; do
	cp "$P/hello.sh" "$S/$f.sh"
done
cp "$P/env.pl" "$S/env.pl"
chown nobody:nogroup "$S" "$S"/*.sh "$S/env.pl" "$S/wdir" "$S/wdir/x.sh" \
    "$S/odir/x.sh"
chown root:root "$S/root.sh"
chown www-data:www-data "$S/odir"
chmod 0755 "$S" "$S"/*.sh "$S/env.pl" "$S/odir" "$S/odir/x.sh" \
    "$S/wdir/x.sh"
chmod 0775 "$S/gw.sh"
chmod 0757 "$S/ow.sh"
chmod 04755 "$S/suid.sh"
chmod 02755 "$S/sgid.sh"
chmod 0777 "$S/wdir"

# fcgi SOCK SCRIPT [NAME=VALUE...]: one GET; $T/fc.out, $T/fc.err, $fc_rc.
fcgi()
{
	local sock=$1 script=$2
	shift 2
	timeout 30 "$FCGI_CLIENT" "unix:$sock" request \
	    "SCRIPT_FILENAME=$script" REQUEST_METHOD=GET "$@" \
	    >"$T/fc.out" 2>"$T/fc.err" </dev/null
	fc_rc=$?
}

# ids FILE: "uid U U U U gid G G G G groups G..." from /proc status lines.
ids()
{
	awk '$1 == "Uid:" { u = $2 " " $3 " " $4 " " $5 }
	    $1 == "Gid:" { g = $2 " " $3 " " $4 " " $5 }
	    $1 == "Groups:" { $1 = ""; sub(/^ +/, ""); sub(/ +$/, ""); s = $0 }
	    END { print "uid " u " gid " g " groups " s }' "$1"
}

# expect_status WHAT CODE: the response in $T/fc.out has that status
# (warmcgi's own answers carry a Status header; a script's 200 none).
expect_status()
{
	if [ "$2" = 200 ]; then
		expect_eq "$1: client rc" "$fc_rc" 0 || return 1
		expect_nogrep "$1" "$T/fc.out" '^Status:' || return 1
		return 0
	fi
	expect_grep "$1" "$T/fc.out" "^Status: $2"
}

# ---------------------------------------------------------------- tests

# As root without -u or --allow-root: no start, a message naming both, no
# socket left behind; -u root is no better.
t_root_refused()
{
	local rc
	ASAN_OPTIONS=$WARMCGI_ASAN_OPTIONS timeout 10 "$WARMCGI" \
	    -s "unix:$T/refused.sock" >"$T/refused.log" 2>&1 </dev/null
	rc=$?
	expect_eq "exit status" "$rc" 1 || return 1
	expect_grep message "$T/refused.log" \
	    'refusing to run scripts as root: .*-u USER.*--allow-root' ||
	    return 1
	[ ! -e "$T/refused.sock" ] || { why="socket left behind"; return 1; }
	ASAN_OPTIONS=$WARMCGI_ASAN_OPTIONS timeout 10 "$WARMCGI" -u root \
	    -s "unix:$T/refused.sock" >"$T/refused2.log" 2>&1 </dev/null
	rc=$?
	expect_eq "-u root exit status" "$rc" 1 || return 1
	expect_grep "-u root message" "$T/refused2.log" 'refusing to run'
}

# Not root, -u of someone else: refused with a message, not ignored.
t_not_root_u()
{
	local rc
	ASAN_OPTIONS=$WARMCGI_ASAN_OPTIONS timeout 10 setpriv \
	    --reuid=nobody --regid=nogroup --clear-groups "$WARMCGI" \
	    -u www-data -s "unix:$RUN/nr.sock" >"$T/nr.log" 2>&1 </dev/null
	rc=$?
	expect_eq "exit status" "$rc" 1 || return 1
	expect_grep message "$T/nr.log" 'only root can change user'
}

# -u nobody: the daemon, an exec'd script, a warm one and its zygote all
# run as nobody with nobody's groups, read back from /proc.
t_drop()
{
	local want pid z n
	want="uid $NOBODY $NOBODY $NOBODY $NOBODY gid $NOGROUP $NOGROUP $NOGROUP $NOGROUP groups $(id -G nobody)"
	pid=${WPID[pd]}
	ids "/proc/$pid/status" >"$T/pd.ids"
	expect_eq daemon "$(cat "$T/pd.ids")" "$want" || return 1
	expect_grep log "${WLOG[pd]}" 'running as nobody' || return 1
	fcgi "$RUN/pd.sock" "$P/id.sh"
	expect_status id.sh 200 || return 1
	expect_eq "exec'd script" "$(ids "$T/fc.out")" "$want" || return 1
	# Warm: the first request starts the zygote; wait for it, then one
	# more request is served by it.
	fcgi "$RUN/pd.sock" "$P/idw.pl"
	wait_log "${WLOG[pd]}" "warm: $P/idw\.pl: zygote pid [0-9]+ ready" ||
	    { why="no zygote for idw.pl"; return 1; }
	n=$(grep -c "$P/idw.pl: warm start$" "${WLOG[pd]}")
	fcgi "$RUN/pd.sock" "$P/idw.pl"
	expect_status idw.pl 200 || return 1
	[ "$(grep -c "$P/idw.pl: warm start$" "${WLOG[pd]}")" -gt "$n" ] ||
	    { why="idw.pl was not served warm"; return 1; }
	expect_eq "warm script" "$(ids "$T/fc.out")" "$want" || return 1
	z=$(sed -n "s|^.*warm: $P/idw.pl: zygote pid \([0-9]*\) ready\$|\1|p" \
	    "${WLOG[pd]}" | tail -n 1)
	ids "/proc/$z/status" >"$T/z.ids"
	expect_eq zygote "$(cat "$T/z.ids")" "$want" || return 1
	# The socket: nobody's, as -u gives it by default.
	expect_eq "socket owner" "$(stat -c %U:%G "$RUN/pd.sock")" \
	    nobody:nogroup
}

# -u nobody -g www-data: www-data is the group, and the only one.
t_drop_group()
{
	local want
	start_warmcgi pg "$RUN/pg.sock" -u nobody -g www-data --warm off ||
	    { why="did not start"; return 1; }
	want="uid $NOBODY $NOBODY $NOBODY $NOBODY gid $WWW $WWW $WWW $WWW groups $WWW"
	ids "/proc/${WPID[pg]}/status" >"$T/pg.ids"
	expect_eq daemon "$(cat "$T/pg.ids")" "$want" || return 1
	fcgi "$RUN/pg.sock" "$P/id.sh"
	expect_eq script "$(ids "$T/fc.out")" "$want"
}

# The socket's owner decides who may connect: root's 0660 socket refuses
# nobody; with --socket-owner nobody:nogroup nobody gets in.
t_socket_owner()
{
	start_warmcgi so0 "$T/so0.sock" --warm off ||
	    { why="so0 did not start"; return 1; }
	start_warmcgi so1 "$T/so1.sock" --warm off \
	    --socket-owner nobody:nogroup ||
	    { why="so1 did not start"; return 1; }
	expect_eq "default owner" "$(stat -c %U:%G:%a "$T/so0.sock")" \
	    root:root:660 || return 1
	expect_eq "--socket-owner" "$(stat -c %U:%G:%a "$T/so1.sock")" \
	    nobody:nogroup:660 || return 1
	setpriv --reuid=nobody --regid=nogroup --clear-groups timeout 30 \
	    "$FCGI_CLIENT" "unix:$T/so0.sock" request \
	    "SCRIPT_FILENAME=$P/hello.sh" REQUEST_METHOD=GET \
	    >"$T/so0.out" 2>&1 </dev/null &&
	    { why="nobody connected to root's socket"; return 1; }
	setpriv --reuid=nobody --regid=nogroup --clear-groups timeout 30 \
	    "$FCGI_CLIENT" "unix:$T/so1.sock" request \
	    "SCRIPT_FILENAME=$P/hello.sh" REQUEST_METHOD=GET \
	    >"$T/so1.out" 2>&1 </dev/null ||
	    { why="nobody could not connect: $(short "$(cat \
	    "$T/so1.out")")"; return 1; }
	expect_grep "so1 answer" "$T/so1.out" '^hello'
}

# -r: inside runs; out by "..", by a symlink (exec'd or warm) is 403 with
# a log line naming the script and the reason.
t_root_escape()
{
	local s
	fcgi "$RUN/rt.sock" "$P/hello.sh"
	expect_status inside 200 || return 1
	expect_grep inside "$T/fc.out" '^hello' || return 1
	for s in "$P/../outside/x.sh" "$P/link.sh" "$P/wlink.pl"; do
		fcgi "$RUN/rt.sock" "$s"
		expect_status "$s" 403 || return 1
		wait_log "${WLOG[rt]}" \
		    "$(printf '%s' "$s" | sed 's/[.]/\\./g'): its real path is outside every -r root \(403\)" ||
		    { why="no log line for $s"; return 1; }
	done
	# The same scripts run without -r (pd): the 403 is -r's doing.
	fcgi "$RUN/pd.sock" "$P/link.sh"
	expect_status "without -r" 200
}

# --strict: each refusal 403 with its reason; the safe script runs; and
# without --strict (pd) the group-writable one would have run.
t_strict()
{
	local f reason
	fcgi "$RUN/st.sock" "$S/ok.sh"
	expect_status ok.sh 200 || return 1
	while IFS='|' read -r f reason; do
		fcgi "$RUN/st.sock" "$S/$f"
		expect_status "$f" 403 || return 1
		wait_log "${WLOG[st]}" \
		    "$(printf '%s' "$S/$f" | sed 's/[.]/\\./g'): --strict: $reason \(403\)" ||
		    { why="no log line for $f: $(short "$(tail -n 2 \
		    "${WLOG[st]}")")"; return 1; }
	done <<EOF
gw.sh|writable by group or others
ow.sh|writable by group or others
suid.sh|setuid or setgid
sgid.sh|setuid or setgid
root.sh|not owned by the user warmcgi runs as
wdir/x.sh|its directory is writable by group or others
odir/x.sh|its directory is owned by another user
EOF
	fcgi "$RUN/pd.sock" "$S/gw.sh"
	expect_status "without --strict" 200
}

# Loader, libc and bash variables a peer sends never reach a script;
# interpreter ones only with --strict; one log line per request.
t_env_drop()
{
	local v
	set -- "LD_PRELOAD=/nonexistent/evil.so" "BASH_ENV=/nonexistent/x" \
	    "GLIBC_TUNABLES=glibc.malloc.check=3" "LD_LIBRARY_PATH=/tmp" \
	    "PERL5OPT=-w" "PYTHONPATH=/nonexistent" "IFS=x" "X_KEPT=1"
	fcgi "$RUN/pd.sock" "$P/env.pl" "$@"
	expect_status env.pl 200 || return 1
	for v in LD_PRELOAD BASH_ENV GLIBC_TUNABLES LD_LIBRARY_PATH; do
		expect_nogrep "$v" "$T/fc.out" "^$v=" || return 1
	done
	for v in PERL5OPT PYTHONPATH IFS X_KEPT; do
		expect_grep "$v without --strict" "$T/fc.out" "^$v=" || return 1
	done
	wait_log "${WLOG[pd]}" \
	    "env\.pl: 4 variables a peer may not set dropped \(first: LD_PRELOAD\)" ||
	    { why="no log line"; return 1; }
	fcgi "$RUN/st.sock" "$S/env.pl" "$@"
	expect_status "env.pl --strict" 200 || return 1
	for v in LD_PRELOAD BASH_ENV PERL5OPT PYTHONPATH IFS; do
		expect_nogrep "$v with --strict" "$T/fc.out" "^$v=" || return 1
	done
	expect_grep "X_KEPT with --strict" "$T/fc.out" '^X_KEPT=1$'
}

# ISINDEX: no words by default; words with --isindex-argv, but none when
# one starts with '-', encoded or not.
t_isindex()
{
	local q
	fcgi "$RUN/pd.sock" "$P/env.pl" QUERY_STRING=word1+word2
	expect_grep default "$T/fc.out" '^argc=0$' || return 1
	fcgi "$T/ix.sock" "$P/env.pl" QUERY_STRING=word1+word%202
	expect_grep "--isindex-argv" "$T/fc.out" '^argc=2$' || return 1
	expect_grep "--isindex-argv" "$T/fc.out" '^argv=word 2$' || return 1
	for q in -s x+-d+y %2Ds a+%2D%2Dhelp; do
		fcgi "$T/ix.sock" "$P/env.pl" "QUERY_STRING=$q"
		expect_grep "'$q'" "$T/fc.out" '^argc=0$' || return 1
	done
}

# A dropped daemon still stops cleanly and removes its socket.
t_stop()
{
	stop_pid "${WPID[pd]}" TERM
	expect_eq "exit status" "$stop_rc" 0 || return 1
	[ ! -e "$RUN/pd.sock" ] || { why="socket left behind"; return 1; }
	expect_nogrep log "${WLOG[pd]}" 'unlink'
}

t_sanitizers()
{
	local n
	for n in "${!WLOG[@]}"; do
		check_sanitizers "${WLOG[$n]}" || return 1
	done
	check_sanitizers "$T/refused.log" "$T/refused2.log" "$T/nr.log"
}

# ---------------------------------------------------------------- setup

start_warmcgi pd "$RUN/pd.sock" -u nobody -v --warm always || exit 99
start_warmcgi rt "$RUN/rt.sock" -u nobody -v --warm always -r "$P" ||
    exit 99
start_warmcgi st "$RUN/st.sock" -u nobody -v --strict --warm off || exit 99
start_warmcgi ix "$T/ix.sock" --isindex-argv --warm off || exit 99

run root-refused t_root_refused
run not-root-u t_not_root_u
run drop-nobody t_drop
run drop-group t_drop_group
run socket-owner t_socket_owner
run root-escape-403 t_root_escape
run strict-403 t_strict
run env-dropped t_env_drop
run isindex-argv t_isindex
run stop-dropped t_stop
run sanitizers t_sanitizers

[ "$NFAIL" -eq 0 ] && [ -z "${WARMCGI_KEEP_TMP:-}" ] ||
    echo "# logs kept in $T"
echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
