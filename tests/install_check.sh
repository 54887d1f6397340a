#!/bin/bash
# install_check.sh: make install into a real --prefix (a temporary one):
# the daemon, the warm helpers, the man page and the systemd units land
# in their places, the installed daemon finds the installed helpers (not
# the build tree's), the installed units pass systemd-analyze verify, and
# make uninstall takes it all away.  The tree built is the distribution
# tree (make distdir), configured afresh: a build directory configured
# with another prefix cannot say where an installed daemon looks.
#
# Needs: TOP_BUILDDIR (a configured build tree), FCGI_CLIENT,
# TESTS_SRCDIR; perl; systemd-analyze (skipped, saying so, without it).

set -u
. "${TESTS_SRCDIR:?}/lib.sh"
lib_init

P=$T/prefix
B=$T/tree

t_build()
{
	# A build of its own: nothing from the make that runs the tests.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	make -s -C "${TOP_BUILDDIR:?}" distdir distdir="$B" \
	    >"$T/distdir.log" 2>&1 || { why="make distdir failed"; return 1; }
	(cd "$B" && ./configure -q --prefix="$P" && make -s -j2 &&
	    make -s install) >"$T/build.log" 2>&1 ||
	    { why="build: $(tail -3 "$T/build.log")"; return 1; }
}

t_files()
{
	local f missing=
	for f in sbin/warmcgi libexec/warmcgi/warmcgi-zygote.py \
	    libexec/warmcgi/perl/WarmCGI/Zygote.pm share/man/man8/warmcgi.8 \
	    lib/systemd/system/warmcgi.service \
	    lib/systemd/system/warmcgi.socket; do
		[ -f "$P/$f" ] || missing="$missing $f"
	done
	# The Perl zygote's XS module, where configure found perl's headers.
	if grep -q '^warmxsdir = ' "$B/Makefile"; then
		for f in libexec/warmcgi/perl/auto/WarmCGI/Zygote/Zygote.so \
		    libexec/warmcgi/perl/auto/WarmCGI/Zygote/Zygote.perl; do
			[ -f "$P/$f" ] || missing="$missing $f"
		done
	fi
	[ -z "$missing" ] || { why="not installed:$missing"; return 1; }
	[ -x "$P/sbin/warmcgi" ] || { why="warmcgi not executable"; return 1; }
	expect_grep "the installed unit's ExecStart" \
	    "$P/lib/systemd/system/warmcgi.service" \
	    "^ExecStart=$P/sbin/warmcgi( |\$)"
}

# The installed daemon, started with -v, says where its helpers are, and
# --check agrees; then it serves a request.
t_helpers()
{
	local d=$T/cgi-bin pid out z xs
	mkdir -p "$d"
	printf '#!/usr/bin/perl\nprint "Content-Type: text/plain\\n\\nperl ok\\n";\n' \
	    >"$d/hello.pl"
	chmod 0755 "$d/hello.pl"
	"$P/sbin/warmcgi" --check --warm always "$d/hello.pl" \
	    >"$T/check.out" 2>&1
	expect_grep "--check: warm" "$T/check.out" \
	    "^ok +$d/hello.pl: runs /usr/bin/perl, warm\$" || return 1
	"$P/sbin/warmcgi" -s "unix:$T/inst.sock" -v --warm always \
	    $WARMCGI_ROOT_OPT >"$T/inst.log" 2>&1 </dev/null &
	pid=$!
	PIDS="$PIDS $pid"
	wait_log "$T/inst.log" 'ready:' ||
	    { why="the installed daemon did not start"; return 1; }
	expect_grep "helpers found" "$T/inst.log" \
	    "warm: zygote helpers in $P/libexec/warmcgi\$" || return 1
	out=$(timeout 30 "$FCGI_CLIENT" "unix:$T/inst.sock" request \
	    SCRIPT_FILENAME="$d/hello.pl" REQUEST_METHOD=GET 2>"$T/fc.err" \
	    </dev/null)
	# The zygote loaded the installed XS module, if one was installed.
	wait_log "$T/inst.log" 'zygote pid [0-9]+ ready$' ||
	    { stop_pid "$pid" TERM; why="no zygote became ready"; return 1; }
	z=$(sed -n 's/^.*zygote pid \([0-9]*\) ready$/\1/p' "$T/inst.log" |
	    tail -n 1)
	xs=$P/libexec/warmcgi/perl/auto/WarmCGI/Zygote/Zygote.so
	if [ -f "$xs" ] && ! grep -qF "$xs" "/proc/$z/maps" 2>/dev/null; then
		stop_pid "$pid" TERM
		why="zygote '$z' has not loaded $xs"
		return 1
	fi
	stop_pid "$pid" TERM
	case $out in
	*"perl ok"*) ;;
	*) why="request: '$(short "$out")'"; return 1 ;;
	esac
	expect_eq "exit status" "$stop_rc" 0
}

t_systemd()
{
	local u=$P/lib/systemd/system
	if ! command -v systemd-analyze >/dev/null; then
		echo "# skipped: no systemd-analyze (apt-get install systemd)"
		return 0
	fi
	if ! getent passwd www-data >/dev/null; then
		echo "# skipped: no user www-data, which the units name"
		return 0
	fi
	SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no \
	    "$u/warmcgi.socket" "$u/warmcgi.service" >"$T/verify.out" 2>&1
	expect_eq "systemd-analyze verify exit status" "$?" 0 || 
	    { why="$why: $(short "$(cat "$T/verify.out")")"; return 1; }
	# Any complaint at all (an unknown directive is only a warning).
	[ ! -s "$T/verify.out" ] ||
	    { why="systemd-analyze: $(short "$(cat "$T/verify.out")")"; return 1; }
	# And it does complain about a misspelt directive here.
	sed 's/^ProtectSystem=/ProtectSystm=/' "$u/warmcgi.service" \
	    >"$T/warmcgi.service"
	cp "$u/warmcgi.socket" "$T/"
	systemd-analyze verify --man=no "$T/warmcgi.socket" \
	    "$T/warmcgi.service" >"$T/verify2.out" 2>&1
	expect_grep "a misspelt directive is reported" "$T/verify2.out" \
	    "ProtectSystm"
}

t_uninstall()
{
	local left
	(cd "$B" && make -s uninstall) >"$T/uninstall.log" 2>&1 ||
	    { why="make uninstall failed"; return 1; }
	left=$(find "$P" -type f | head -5)
	[ -z "$left" ] || { why="left after uninstall: $left"; return 1; }
}

run install-build t_build || true
if [ "$NFAIL" -eq 0 ]; then
	run install-files t_files
	run install-helpers t_helpers
	run install-systemd-verify t_systemd
	run install-uninstall t_uninstall
fi

[ "$NFAIL" -eq 0 ] && [ -z "${WARMCGI_KEEP_TMP:-}" ] ||
    echo "# logs kept in $T"
echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
