#!/bin/bash
#
# warmcgi benchmark: a web server (nginx by default; lighttpd, Apache or
# Caddy) + wrk/curl in front of warmcgi and of Debian's fcgiwrap (-c 1,
# -c 4, -c 32), side by side in one run, interleaved
# (for each scenario every wrapper in turn, each freshly started).
# warmcgi runs in exec mode (--warm off) and, for the Perl and Python
# scenarios, also warm (its zygotes), warmed up before it is measured.
# Prints one table (req/s or MiB/s, faults and CPU per request measured in
# a cgroup around each wrapper, p99, peak RSS, ratio, zygote RSS) and a
# verdict per target of issues 2 and 3.  The PHP scenarios (hello.php and
# a WordPress front page) put warmcgi warm (php-cgi workers), php-fpm
# (a static pool of as many children) and php-cgi per request (warmcgi
# --warm off) side by side, with the RSS of the workers, against the
# targets of issue 13.  WARMCGI_BASE adds another warmcgi
# (before/after in one run).  Not part of `make check`; see
# README.md here.
#
# Environment:
#   WARMCGI               the daemon (default: ../../src/warmcgi next to this
#                         script, else ./src/warmcgi in the current directory)
#   BENCH_DURATION        seconds per wrk run for the hello, script and
#                         upload scenarios (5)
#   BENCH_SLEEP_DURATION  seconds per wrk run for the sleep scenario (10)
#   BENCH_TRANSFERS       sequential curl downloads of 64 MiB (4)
#   BENCH_ROUNDS          rounds per scenario, each wrapper once in each
#                         round; the table shows each wrapper's median
#                         round (1)
#   BENCH_SCENARIOS       subset of: idle c sh perl out in sleep cgipm
#                         gitweb python php wp (all; php and wp with nginx
#                         only)
#   BENCH_PHP_CHILDREN    -c of warmcgi and php-fpm's pm.max_children in
#                         the php and wp scenarios (4)
#   BENCH_PHP_MAX_REQUESTS  both warmcgi's --php-max-requests and php-fpm's
#                         pm.max_requests, for recycling like for like
#                         (unset: each its own default, 500 and none)
#   BENCH_CONNS           wrk connections for the hello and script
#                         scenarios (16; 1: one request after another)
#   BENCH_FCGI_KEEPALIVE  nginx keeps up to this many FastCGI connections
#                         to each wrapper open (upstream keepalive,
#                         fastcgi_keep_conn), every row alike (0: one
#                         connection per request, nginx's default)
#   BENCH_WARM_HELPERS    warmcgi --warm-helpers (../../src/warm next to
#                         this script)
#   WARMCGI_BASE          another warmcgi (e.g. a build from before a
#                         change), run as one more wrapper, exec and warm
#                         like WARMCGI, in every scenario (none)
#   BENCH_BASE_HELPERS    its --warm-helpers (../warm next to its
#                         directory's parent's src/, i.e. src/warm of its
#                         tree, if there; else BENCH_WARM_HELPERS)
#   BENCH_COSTS           faults and CPU per request measured in a cgroup
#                         around each wrapper: auto, v1, v2 or off (auto)
#   BENCH_GITWEB          gitweb.cgi (/usr/share/gitweb/gitweb.cgi)
#   BENCH_FCGIWRAP_C      fcgiwrap -c settings ("1 4 32")
#   BENCH_SERVER          the web server in front: nginx, lighttpd, apache
#                         or caddy (nginx)
#   BENCH_WARMCGI_OPTS    options for one more warmcgi, rows "warmcgi+opts"
#                         exec and warm beside the plain ones; @CGI@ in
#                         them is the scripts' directory (none)
#   BENCH_NGINX_WORKERS   nginx worker_processes (1)
#   BENCH_PORT            loopback port for the server (default: a free one)
#   BENCH_KEEP=1          keep the temporary directory (logs, wrk output)
#
# Needs: the server, wrk, curl, cc, perl, spawn-fcgi, fcgiwrap; for the issue 3
# scenarios also CGI.pm (libcgi-pm-perl), gitweb, git and python3; for php
# and wp php-cgi and php-fpm, for wp also wordpress,
# wordpress-theme-twentytwentythree, php-mysql and mariadb-server (its
# own MariaDB on a unix socket in the temporary directory).  Run as
# root or as any user (the server's user line is only written when running
# as root).

set -u
export LC_ALL=C
PATH=$PATH:/usr/sbin:/sbin

HERE=$(cd "$(dirname "$0")" && pwd)
DUR=${BENCH_DURATION:-5}
SLEEP_DUR=${BENCH_SLEEP_DURATION:-10}
NXFER=${BENCH_TRANSFERS:-4}
SCENARIOS=${BENCH_SCENARIOS:-"idle c sh perl out in sleep cgipm gitweb python php wp"}
PHP_C=${BENCH_PHP_CHILDREN:-4}
PHP_MAXREQ=${BENCH_PHP_MAX_REQUESTS:-}
CONNS=${BENCH_CONNS:-16}
FCGI_KEEP=${BENCH_FCGI_KEEPALIVE:-0}
GITWEB_CGI=${BENCH_GITWEB:-/usr/share/gitweb/gitweb.cgi}
FW_CS=${BENCH_FCGIWRAP_C:-"1 4 32"}
NGX_WORKERS=${BENCH_NGINX_WORKERS:-1}
SERVER=${BENCH_SERVER:-nginx}
WC_OPTS=${BENCH_WARMCGI_OPTS:-}
ROUNDS=${BENCH_ROUNDS:-1}
COSTS=${BENCH_COSTS:-auto}

OUT_BYTES=67108864	# must match cgi-bin/out64m.sh
IN_BYTES=16777216

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

# ---------------------------------------------------------------- tools
if [ -z "${WARMCGI:-}" ]; then
	for w in "$HERE/../../src/warmcgi" "$PWD/src/warmcgi"; do
		if [ -x "$w" ]; then WARMCGI=$w; break; fi
	done
fi
[ -n "${WARMCGI:-}" ] && [ -x "$WARMCGI" ] ||
	die "warmcgi not found: build it or set WARMCGI"
WARMCGI=$(cd "$(dirname "$WARMCGI")" && pwd)/$(basename "$WARMCGI")
FCGIWRAP=$(command -v fcgiwrap) || die "fcgiwrap not in PATH"
case $SERVER in
nginx)	SERVER_BIN=nginx ;;
lighttpd) SERVER_BIN=lighttpd ;;
apache)	SERVER_BIN=apache2
	APACHE_MODS=/usr/lib/apache2/modules
	[ -r "$APACHE_MODS/mod_proxy_fcgi.so" ] ||
		die "apache needs $APACHE_MODS/mod_proxy_fcgi.so"
	;;
caddy)	SERVER_BIN=caddy ;;
*)	die "BENCH_SERVER: nginx, lighttpd, apache or caddy" ;;
esac
for t in "$SERVER_BIN" wrk curl cc perl spawn-fcgi setsid awk; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install -y" \
	    "wrk nginx-light fcgiwrap spawn-fcgi curl, or the server)"
done
case "$DUR$SLEEP_DUR$NXFER$NGX_WORKERS$CONNS$ROUNDS$PHP_C" in
*[!0-9]*) die "BENCH_* numbers must be integers" ;;
esac
[ "$ROUNDS" -ge 1 ] || die "BENCH_ROUNDS must be at least 1"
[ "$CONNS" -ge 1 ] || die "BENCH_CONNS must be at least 1"
[[ "$FCGI_KEEP" =~ ^[0-9]+$ ]] ||
	die "BENCH_FCGI_KEEPALIVE must be a number of connections"
[ "$PHP_C" -ge 1 ] || die "BENCH_PHP_CHILDREN must be at least 1"
# The PHP scenarios' locations are written for nginx only.
if [ "$SERVER" != nginx ]; then
	s=""
	for scen in $SCENARIOS; do
		case $scen in
		php|wp) say "$scen: nginx only, left out" ;;
		*) s="$s $scen" ;;
		esac
	done
	SCENARIOS=$s
fi
# wrk needs at least as many connections as threads.
THREADS=2
[ "$CONNS" -lt 2 ] && THREADS=1
case $COSTS in auto|v1|v2|off) ;; *) die "BENCH_COSTS: auto, v1, v2 or off" ;; esac
if [ -n "${WARMCGI_BASE:-}" ]; then
	[ -x "$WARMCGI_BASE" ] || die "WARMCGI_BASE $WARMCGI_BASE is not executable"
	WARMCGI_BASE=$(cd "$(dirname "$WARMCGI_BASE")" && pwd)/$(basename "$WARMCGI_BASE")
fi
for scen in $SCENARIOS; do
	case $scen in
	idle|c|sh|perl|out|in|sleep) ;;
	cgipm)
		perl -MCGI -e 1 2>/dev/null ||
			die "cgipm needs CGI.pm (apt-get install -y libcgi-pm-perl)"
		;;
	gitweb)
		[ -r "$GITWEB_CGI" ] ||
			die "gitweb needs $GITWEB_CGI (apt-get install -y gitweb)"
		command -v git >/dev/null || die "gitweb needs git"
		;;
	python)
		[ -x /usr/bin/python3 ] || die "python needs /usr/bin/python3"
		;;
	php|wp)
		PHP_CGI=$(command -v php-cgi) ||
			die "$scen needs php-cgi (apt-get install -y php-cgi)"
		FPM=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1)
		[ -n "$FPM" ] ||
			die "$scen needs php-fpm (apt-get install -y php-fpm)"
		if [ "$scen" = wp ]; then
			. "$HERE/../wp-setup.sh"
			m=$(wp_missing)
			[ -z "$m" ] || die "wp: $m"
		fi
		;;
	*) die "unknown scenario $scen" ;;
	esac
done
# Warm mode (issue 3 scenarios and the Perl hello): the zygote helpers.
WARM_HELPERS=${BENCH_WARM_HELPERS:-$HERE/../../src/warm}
WARM_SCENARIOS=""
for scen in $SCENARIOS; do
	case $scen in
	perl|cgipm|gitweb|python) WARM_SCENARIOS="$WARM_SCENARIOS $scen" ;;
	esac
done
if [ -n "$WARM_SCENARIOS" ]; then
	[ -r "$WARM_HELPERS/warmcgi-zygote.py" ] &&
	    [ -r "$WARM_HELPERS/perl/WarmCGI/Zygote.pm" ] ||
		die "zygote helpers not found in $WARM_HELPERS: set BENCH_WARM_HELPERS"
	WARM_HELPERS=$(cd "$WARM_HELPERS" && pwd)
fi
# The base's helpers: those of its own tree when it has them (an older
# daemon may speak an older zygote protocol).
has_helpers() {
	[ -r "$1/warmcgi-zygote.py" ] && [ -r "$1/perl/WarmCGI/Zygote.pm" ]
}
BASE_HELPERS=""
if [ -n "${WARMCGI_BASE:-}" ] && [ -n "$WARM_SCENARIOS" ]; then
	if [ -n "${BENCH_BASE_HELPERS:-}" ]; then
		BASE_HELPERS=$BENCH_BASE_HELPERS
	else
		BASE_HELPERS=$(dirname "$(dirname "$WARMCGI_BASE")")/src/warm
		has_helpers "$BASE_HELPERS" || BASE_HELPERS=$WARM_HELPERS
	fi
	has_helpers "$BASE_HELPERS" ||
		die "zygote helpers not found in $BASE_HELPERS: set BENCH_BASE_HELPERS"
	BASE_HELPERS=$(cd "$BASE_HELPERS" && pwd)
fi

# ---------------------------------------------------------------- state
T=$(mktemp -d /tmp/warmcgi-bench.XXXXXX) || die "mktemp failed"
mkdir -p "$T/cgi-bin" "$T/sock" "$T/log" "$T/wrk" "$T/nginx" "$T/tmp" \
    "$T/pages" "$T/www" || die "mkdir"
SERVER_LOG=$T/log/server-error.log
# The extra warmcgi's options may name the scripts' directory.
WC_OPTS=${WC_OPTS//@CGI@/$T/cgi-bin}
GROUPS_STARTED=""	# session leaders we started (setsid), for cleanup
NGINX_PID=""
WRK_PID=""

# Stop one process we started with setsid: TERM, up to 5 s to exit, then
# KILL whatever is left in its session (its scripts included).
stop_session() {
	local pid=$1 i st
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		st=$(proc_state "$pid")
		[ -z "$st" ] || [ "$st" = Z ] && break
		sleep 0.1
	done
	pkill -KILL -s "$pid" 2>/dev/null
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	GROUPS_STARTED=${GROUPS_STARTED// $pid/}
	return 0
}

cleanup() {
	local p
	trap - EXIT INT TERM HUP
	[ -n "$WRK_PID" ] && kill -TERM "$WRK_PID" 2>/dev/null
	for p in $GROUPS_STARTED; do stop_session "$p"; done
	[ -n "$NGINX_PID" ] && stop_session "$NGINX_PID"
	declare -F wp_db_stop >/dev/null && wp_db_stop
	touch "$T/stop-all" 2>/dev/null
	wait 2>/dev/null
	for p in ${CG_DIRS:-}; do cg_remove "$p"; done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		say "kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

# ---------------------------------------------------------------- /proc
# State letter of a process ("" when gone).
proc_state() {
	local line rest
	read -r line 2>/dev/null <"/proc/$1/stat" || return 0
	rest=${line##*) }
	echo "${rest%% *}"
}

# One field (VmRSS, VmHWM) of /proc/PID/status in KiB, 0 when gone.
proc_kib() {
	local k v u
	while read -r k v u; do
		if [ "$k" = "$2:" ]; then echo "$v"; return; fi
	done 2>/dev/null <"/proc/$1/status"
	echo 0
}

# Children of PID whose command name is NAME.
children_named() {
	local f line comm rest ppid
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		comm=${line#*(}; comm=${comm%)*}
		rest=${line##*) }; rest=${rest#* }; ppid=${rest%% *}
		[ "$ppid" = "$1" ] && [ "$comm" = "$2" ] &&
			{ f=${f#/proc/}; echo "${f%/stat}"; }
	done
	return 0
}

# Children of PID, whatever their name.
children_of() {
	local f line rest ppid
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		rest=${line##*) }; rest=${rest#* }; ppid=${rest%% *}
		[ "$ppid" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
	return 0
}

# Sum of VmRSS over PIDs (KiB).
rss_sum() {
	local p s=0 v
	for p in "$@"; do v=$(proc_kib "$p" VmRSS); s=$((s + v)); done
	echo "$s"
}

# Background sampler: every 100 ms, the summed VmRSS of PIDs; the peak is
# kept in OUTFILE.  Bounded (10 min) and stopped by STOPFILE.
rss_sampler() {
	local out=$1 stop=$2 peak=0 i s
	shift 2
	echo 0 >"$out"
	for ((i = 0; i < 6000; i++)); do
		[ -e "$stop" ] || [ -e "$T/stop-all" ] && break
		s=$(rss_sum "$@")
		if [ "$s" -gt "$peak" ]; then peak=$s; echo "$peak" >"$out"; fi
		sleep 0.1
	done
}

# ---------------------------------------------------------------- cgroups
# Costs per request: each wrapper runs in a fresh cgroup of its own, made
# under this script's own cgroup (so whatever limits us limits it too) and
# joined by the wrapper's first process before it forks anything, so that
# all it starts (scripts, zygotes, request processes) is counted.  Page
# faults and CPU time are read before and after each measured run.  Each
# counter comes from cgroup v1 when its controller is mounted there, else
# from v2: faults from memory.stat (v1 total_pgfault, v2 pgfault), CPU from
# v1 cpuacct.usage (ns) or v2 cpu.stat usage_usec.
CG_DIRS=""		# cgroups we made and have not removed yet
CG_MEM_PARENT=""	# where the memory cgroups go ("" when no faults)
CG_MEM_KEY=""		# the fault counter in memory.stat
CG_CPU_PARENT=""	# where the CPU cgroups go ("" when no CPU)
CG_CPU_FILE=""		# cpuacct.usage or cpu.stat
CG_N=0
CG_MEM=""		# this run's memory cgroup ("" when none)
CG_CPU=""		# this run's CPU cgroup ("" when none)
CG_PROCS=""		# the cgroup.procs files the wrapper joins

# Our own cgroup's directory in the hierarchy of a v1 CONTROLLER, or of v2
# when CONTROLLER is "" (nothing when not mounted).  /proc/self/cgroup
# gives our path, mountinfo where that hierarchy's root (or, in a
# container, which part of it) is mounted.
cg_own_dir() {	# controller
	local own mnt root mp
	own=$(awk -F: -v c="$1" '
	    c == "" && $1 == "0" && $2 == "" { print $3; exit }
	    c != "" { n = split($2, a, ",")
		for (i = 1; i <= n; i++) if (a[i] == c) { print $3; exit } }' \
	    /proc/self/cgroup)
	[ -n "$own" ] || return 0
	mnt=$(awk -v c="$1" '{
		split($0, h, " - "); split(h[1], l, " "); split(h[2], r, " ")
		if (c == "" && r[1] == "cgroup2") { print l[4], l[5]; exit }
		if (c == "" || r[1] != "cgroup") next
		n = split(r[3], o, ",")
		for (i = 1; i <= n; i++) if (o[i] == c) { print l[4], l[5]; exit }
	    }' /proc/self/mountinfo)
	[ -n "$mnt" ] || return 0
	read -r root mp <<<"$mnt"
	case $own in
	"$root"|"$root"/*) own=${own#"$root"} ;;
	esac
	[ -d "$mp$own" ] && echo "$mp${own%/}"
	return 0
}

# Which counters can be had, each tried in a probe cgroup; says once what
# the cost columns show, or why they are empty.
cg_setup() {
	local d why="" f c
	if [ "$COSTS" = off ]; then
		CG_NOTE="costs: off (BENCH_COSTS=off)"
		return 0
	fi
	if [ "$COSTS" != v2 ]; then
		d=$(cg_own_dir memory)
		if [ -n "$d" ] && [ -w "$d" ]; then
			CG_MEM_PARENT=$d CG_MEM_KEY=total_pgfault
		fi
		d=$(cg_own_dir cpuacct)
		if [ -n "$d" ] && [ -w "$d" ]; then
			CG_CPU_PARENT=$d CG_CPU_FILE=cpuacct.usage
		fi
	fi
	if [ "$COSTS" != v1 ]; then
		d=$(cg_own_dir "")
		if [ -n "$d" ] && [ -w "$d" ]; then
			# memory.stat only where our cgroup hands the memory
			# controller down; we do not change that.
			if [ -z "$CG_MEM_PARENT" ] && grep -qw memory \
			    "$d/cgroup.subtree_control" 2>/dev/null; then
				CG_MEM_PARENT=$d CG_MEM_KEY=pgfault
			fi
			if [ -z "$CG_CPU_PARENT" ]; then
				CG_CPU_PARENT=$d CG_CPU_FILE=cpu.stat
			fi
		fi
	fi
	# Probe: a process moved in must show up in the counters.
	if [ -n "$CG_MEM_PARENT$CG_CPU_PARENT" ]; then
		cg_make probe
		sh -c 'for f in $1; do echo $$ >"$f"; done 2>/dev/null
		    exec sh -c "for i in 1 2 3 4 5 6 7 8; do /bin/true; done"' \
		    sh "$CG_PROCS"
		cg_read
		[ "$CG_F" = - ] || [ "$CG_F" -gt 0 ] || CG_MEM_PARENT=""
		[ "$CG_C" = - ] || [ "$CG_C" -gt 0 ] || CG_CPU_PARENT=""
		[ "$CG_F" = - ] && CG_MEM_PARENT=""
		[ "$CG_C" = - ] && CG_CPU_PARENT=""
		cg_drop
	fi
	if [ -z "$CG_MEM_PARENT$CG_CPU_PARENT" ]; then
		why="no writable memory, cpuacct or v2 cgroup of ours"
		[ "$(id -u)" = 0 ] || why="not root, and $why"
		why="$why; BENCH_COSTS=$COSTS"
	fi
	if [ -n "$why" ]; then
		CG_NOTE="costs: no cgroup could be made ($why); no faults or CPU per request"
	else
		f="faults: none (no memory controller for our cgroup's children)"
		[ -n "$CG_MEM_PARENT" ] &&
			f="faults: $CG_MEM_PARENT/*/memory.stat $CG_MEM_KEY"
		c="CPU: none"
		[ -n "$CG_CPU_PARENT" ] && c="CPU: $CG_CPU_PARENT/*/$CG_CPU_FILE"
		CG_NOTE="costs: a cgroup per wrapper run; $f; $c"
	fi
	say "$CG_NOTE"
	return 0
}

# A fresh cgroup (one per hierarchy used) for a run of SLOT; sets CG_MEM,
# CG_CPU and CG_PROCS.
cg_make() {	# slot
	local name p d
	CG_MEM="" CG_CPU="" CG_PROCS=""
	CG_N=$((CG_N + 1))
	name=${T##*/}.$CG_N.$1
	for p in $CG_MEM_PARENT $CG_CPU_PARENT; do
		d=$p/$name
		[ -d "$d" ] && continue		# v2: one for both
		mkdir "$d" 2>/dev/null || continue
		CG_DIRS="$CG_DIRS $d"
		CG_PROCS="$CG_PROCS $d/cgroup.procs"
	done
	[ -n "$CG_MEM_PARENT" ] && [ -d "$CG_MEM_PARENT/$name" ] &&
		CG_MEM=$CG_MEM_PARENT/$name
	[ -n "$CG_CPU_PARENT" ] && [ -d "$CG_CPU_PARENT/$name" ] &&
		CG_CPU=$CG_CPU_PARENT/$name
	return 0
}

# The wrapper (PID) must have joined; otherwise this run has no costs.
cg_check() {	# pid
	local f
	for f in $CG_PROCS; do
		grep -qx "$1" "$f" 2>/dev/null && continue
		say "$SLOT: not in cgroup ${f%/*}; no costs for this run"
		CG_MEM="" CG_CPU=""
	done
	return 0
}

# CG_F: faults so far, CG_C: CPU ns so far ("-" when not measured).
cg_read() {
	CG_F=- CG_C=-
	if [ -n "$CG_MEM" ]; then
		CG_F=$(awk -v k="$CG_MEM_KEY" '$1 == k { print $2 }' \
		    "$CG_MEM/memory.stat" 2>/dev/null)
	fi
	if [ -n "$CG_CPU" ]; then
		case $CG_CPU_FILE in
		cpu.stat) CG_C=$(awk '$1 == "usage_usec" { print $2 * 1000 }' \
		    "$CG_CPU/cpu.stat" 2>/dev/null) ;;
		*) CG_C=$(cat "$CG_CPU/$CG_CPU_FILE" 2>/dev/null) ;;
		esac
	fi
	case ${CG_F:--} in *[!0-9]*|"") CG_F=- ;; esac
	case ${CG_C:--} in *[!0-9]*|"") CG_C=- ;; esac
	return 0
}

# COST_F, COST_C: faults and CPU ms per request since readings F0 and C0,
# over N requests.
cg_cost() {	# f0 c0 n
	cg_read
	COST_F=$(awk -v a="$1" -v b="$CG_F" -v n="${3:-0}" 'BEGIN {
		if (a == "-" || b == "-" || n + 0 <= 0) print "-"
		else printf "%.0f", (b - a) / n }')
	COST_C=$(awk -v a="$2" -v b="$CG_C" -v n="${3:-0}" 'BEGIN {
		if (a == "-" || b == "-" || n + 0 <= 0) print "-"
		else printf "%.3f", (b - a) / 1e6 / n }')
}

# Remove a cgroup of ours: whatever is still in it (only processes we
# started, and their children) is killed by pid first.  Bounded; one that
# will not go stays in CG_DIRS for the cleanup.
cg_remove() {	# dir
	local i p
	for ((i = 0; i < 50; i++)); do
		[ -d "$1" ] || break
		for p in $(cat "$1/cgroup.procs" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		rmdir "$1" 2>/dev/null && break
		sleep 0.1
	done
	if [ -d "$1" ]; then
		say "could not remove cgroup $1"
	else
		CG_DIRS=${CG_DIRS// $1/}
	fi
	return 0
}

# Remove this run's cgroups.
cg_drop() {
	local f
	for f in $CG_PROCS; do cg_remove "${f%/cgroup.procs}"; done
	CG_MEM="" CG_CPU="" CG_PROCS=""
}

# ---------------------------------------------------------------- setup
cp "$HERE"/cgi-bin/* "$T/cgi-bin/" || die "copy scripts"
case " $SCENARIOS " in
*" gitweb "*)
	cp "$GITWEB_CGI" "$T/cgi-bin/gitweb.cgi" || die "copy gitweb.cgi"
	"$HERE/make-gitweb-repo.sh" "$T" >>"$T/log/setup.log" 2>&1 || {
		tail -5 "$T/log/setup.log" >&2
		die "could not make the gitweb test repository"
	}
	;;
esac
chmod 755 "$T"/cgi-bin/*
cc -O2 -o "$T/cgi-bin/hello-c" "$HERE/hello.c" || die "cc hello.c failed"
head -c "$IN_BYTES" /dev/urandom >"$T/body" || die "body file"
# Apache started as root serves as nobody, who must reach the sockets.
SOCK_OWNER=""
if [ "$SERVER" = apache ] && [ "$(id -u)" = 0 ]; then
	SOCK_OWNER=nobody:nogroup
	chmod 711 "$T" "$T/sock" || die "chmod"
fi

# Wrappers, by slot name: wc (warmcgi exec mode, --warm off, default -c),
# wcw (warmcgi warm mode, --warm auto with our helpers; Perl and Python
# scenarios), wc256 (warmcgi --warm off -c 256, sleep scenario only), fwN
# (fcgiwrap -c N under spawn-fcgi); with WARMCGI_BASE, wb, wbw and wb256
# run it as wc, wcw and wc256 run WARMCGI; with BENCH_WARMCGI_OPTS, wco
# and wcow run WARMCGI as wc and wcw do, plus those options.
FW_SLOTS=""
for n in $FW_CS; do FW_SLOTS="$FW_SLOTS fw$n"; done
ALL_SLOTS="wcw wc wc256$FW_SLOTS"
[ -n "${WARMCGI_BASE:-}" ] && ALL_SLOTS="$ALL_SLOTS wbw wb wb256"
[ -n "$WC_OPTS" ] && ALL_SLOTS="$ALL_SLOTS wcow wco"
# PHP: wcp (warmcgi warm: php-cgi workers), fpm (php-fpm, static pool),
# wcpx (warmcgi --warm off: php-cgi per request), each PHP_C at once.
PHP_SLOTS=""
for scen in $SCENARIOS; do
	case $scen in php|wp) PHP_SLOTS="wcp fpm wcpx" ;; esac
done
ALL_SLOTS="$ALL_SLOTS $PHP_SLOTS"

# Warm slots: warmcgi --warm auto.
is_warm() {
	case $1 in wcw|wbw|wcow) return 0 ;; esac
	return 1
}

label() {
	case $1 in
	wc) echo "warmcgi exec" ;;
	wcw) echo "warmcgi warm" ;;
	wco) echo "warmcgi+opts exec" ;;
	wcow) echo "warmcgi+opts warm" ;;
	wc256) echo "warmcgi -c 256" ;;
	wb) echo "warmcgi-base exec" ;;
	wbw) echo "warmcgi-base warm" ;;
	wb256) echo "warmcgi-base -c 256" ;;
	wcp) echo "warmcgi warm -c $PHP_C${PHP_MAXREQ:+ max $PHP_MAXREQ}" ;;
	wcpx) echo "warmcgi exec -c $PHP_C" ;;
	fpm) echo "php-fpm static $PHP_C${PHP_MAXREQ:+ max $PHP_MAXREQ}" ;;
	fw*) echo "fcgiwrap -c ${1#fw}" ;;
	esac
}

write_nginx_conf() {
	local port=$1 s
	{
		[ "$(id -u)" = 0 ] && echo "user root;"
		cat <<EOF
worker_processes $NGX_WORKERS;
daemon off;
pid $T/nginx/nginx.pid;
error_log $SERVER_LOG warn;
worker_rlimit_nofile 16384;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $T/nginx/body;
	fastcgi_temp_path $T/nginx/fastcgi;
	proxy_temp_path $T/nginx/proxy;
EOF
		nginx -V 2>&1 | grep -q -- --without-http_scgi_module ||
			echo "	scgi_temp_path $T/nginx/scgi;"
		nginx -V 2>&1 | grep -q -- --without-http_uwsgi_module ||
			echo "	uwsgi_temp_path $T/nginx/uwsgi;"
		cat <<EOF
	keepalive_requests 1000000;
	keepalive_timeout 60s;
	client_max_body_size 64m;
	client_body_buffer_size 1m;
	# Stream the body to the wrapper as it arrives, and never spill the
	# response to a temporary file: measure the wrapper, not the disk.
	fastcgi_request_buffering off;
	fastcgi_buffers 16 64k;
	fastcgi_max_temp_file_size 0;
	fastcgi_read_timeout 120s;
	fastcgi_send_timeout 120s;
	fastcgi_connect_timeout 120s;
	server {
		listen 127.0.0.1:$port backlog=4096;
		server_name bench;
		location = /ping { return 200 "pong\n"; }
EOF
		# With BENCH_FCGI_KEEPALIVE, each wrapper behind an upstream
		# whose connections nginx keeps open.
		pass() {
			if [ "$FCGI_KEEP" -gt 0 ]; then
				echo "fastcgi_pass up_$1; fastcgi_keep_conn on;"
			else
				echo "fastcgi_pass unix:$T/sock/$1.sock;"
			fi
		}
		for s in $ALL_SLOTS; do
			cat <<EOF
		location ~ ^/$s/(?<script>[a-z0-9.-]+)\$ {
			$(pass "$s")
			fastcgi_param SCRIPT_FILENAME $T/cgi-bin/\$script;
			fastcgi_param SCRIPT_NAME /\$script;
			fastcgi_param DOCUMENT_ROOT $T/cgi-bin;
			fastcgi_param QUERY_STRING \$query_string;
			fastcgi_param REQUEST_METHOD \$request_method;
			fastcgi_param CONTENT_TYPE \$content_type;
			fastcgi_param CONTENT_LENGTH \$content_length;
			fastcgi_param REQUEST_URI \$request_uri;
			fastcgi_param SERVER_PROTOCOL \$server_protocol;
			fastcgi_param SERVER_SOFTWARE nginx;
			fastcgi_param REMOTE_ADDR \$remote_addr;
			fastcgi_param REMOTE_PORT \$remote_port;
			fastcgi_param SERVER_ADDR \$server_addr;
			fastcgi_param SERVER_PORT \$server_port;
			fastcgi_param SERVER_NAME \$server_name;
			fastcgi_param GITWEB_CONFIG $T/gitweb.conf;
		}
EOF
		done
		# The WordPress front page at /SLOT/wp/: the request WordPress
		# sees is "GET /", the same for every slot.
		for s in $PHP_SLOTS; do
			cat <<EOF
		location = /$s/wp/ {
			$(pass "$s")
			fastcgi_param SCRIPT_FILENAME $T/wp/index.php;
			fastcgi_param SCRIPT_NAME /index.php;
			fastcgi_param DOCUMENT_ROOT $T/wp;
			fastcgi_param QUERY_STRING \$query_string;
			fastcgi_param REQUEST_METHOD \$request_method;
			fastcgi_param CONTENT_TYPE \$content_type;
			fastcgi_param CONTENT_LENGTH \$content_length;
			fastcgi_param REQUEST_URI /;
			fastcgi_param SERVER_PROTOCOL \$server_protocol;
			fastcgi_param SERVER_SOFTWARE nginx;
			fastcgi_param REMOTE_ADDR \$remote_addr;
			fastcgi_param REMOTE_PORT \$remote_port;
			fastcgi_param SERVER_ADDR \$server_addr;
			fastcgi_param SERVER_PORT \$server_port;
			fastcgi_param SERVER_NAME \$server_name;
		}
EOF
		done
		echo "	}"
		[ "$FCGI_KEEP" -gt 0 ] && for s in $ALL_SLOTS; do
			echo "	upstream up_$s {"
			echo "		server unix:$T/sock/$s.sock;"
			echo "		keepalive $FCGI_KEEP;"
			echo "	}"
		done
		echo "}"
	} >"$T/nginx/nginx.conf"
}

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# lighttpd (mod_fastcgi): a prefix per slot, aliased to the scripts'
# directory so that SCRIPT_FILENAME names the script; its body and
# response streamed as nginx's are (stream-*-body 2: no temporary files).
write_lighttpd_conf() {
	local port=$1 s first=1
	{
		cat <<EOF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$SERVER_LOG"
server.upload-dirs = ( "$T/nginx" )
server.max-keep-alive-requests = 1000000
server.max-keep-alive-idle = 60
server.max-connections = 4096
server.stream-request-body = 2
server.stream-response-body = 2
server.modules += ( "mod_alias", "mod_setenv", "mod_fastcgi" )
setenv.add-environment = ( "GITWEB_CONFIG" => "$T/gitweb.conf" )
EOF
		for s in $ALL_SLOTS; do
			echo "alias.url += ( \"/$s/\" => \"$T/cgi-bin/\" )"
		done
		echo "fastcgi.server = ("
		for s in $ALL_SLOTS; do
			[ -n "$first" ] || echo "	,"
			first=""
			cat <<EOF
	"/$s/" => (( "socket" => "$T/sock/$s.sock",
	    "check-local" => "disable" ))
EOF
		done
		echo ")"
	} >"$T/nginx/server.conf"
}

# Apache 2.4 (mpm_event, mod_proxy_fcgi): a ProxyPassMatch per slot, as
# examples/apache/warmcgi.conf; SCRIPT_FILENAME set to the plain path
# (mod_proxy_fcgi sends "proxy:fcgi://HOST/PATH", which warmcgi
# drops but fcgiwrap does not understand), for every slot alike.  Each
# slot's URL names its own host: Apache shares one backend worker between
# URLs of the same scheme and host, whatever their unix sockets.
write_apache_conf() {
	local port=$1 s mod
	{
		cat <<EOF
ServerRoot $T/nginx
ServerName localhost
DefaultRuntimeDir $T/nginx
PidFile $T/nginx/httpd.pid
Mutex file:$T/nginx default
ErrorLog $SERVER_LOG
LogLevel warn
DocumentRoot $T/www
Listen 127.0.0.1:$port
ListenBacklog 4096
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 60
Timeout 120
LimitRequestBody 0
EOF
		[ "$(id -u)" = 0 ] && printf 'User nobody\nGroup nogroup\n'
		for mod in mpm_event authz_core proxy proxy_fcgi; do
			echo "LoadModule ${mod}_module $APACHE_MODS/mod_$mod.so"
		done
		for s in $ALL_SLOTS; do
			cat <<EOF
ProxyPassMatch "^/$s/([a-z0-9.-]+)\$" "unix:$T/sock/$s.sock|fcgi://$s$T/cgi-bin/\$1"
<LocationMatch "^/$s/(?<script>[a-z0-9.-]+)\$">
	ProxyFCGISetEnvIf "true" SCRIPT_FILENAME "$T/cgi-bin/%{reqenv:MATCH_SCRIPT}"
	ProxyFCGISetEnvIf "true" GITWEB_CONFIG "$T/gitweb.conf"
</LocationMatch>
EOF
		done
	} >"$T/nginx/server.conf"
}

# Caddy 2 (reverse_proxy, transport fastcgi): a handle_path per slot;
# SCRIPT_FILENAME and SCRIPT_NAME given explicitly (without split_path
# Caddy sends its root as SCRIPT_FILENAME, which warmcgi walks along
# PATH_INFO but fcgiwrap does not), for every slot alike.
write_caddy_conf() {
	local port=$1 s
	{
		cat <<EOF
{
	admin off
	auto_https off
	storage file_system $T/nginx/caddy
}
http://127.0.0.1:$port {
	handle /ping {
		respond "pong"
	}
EOF
		for s in $ALL_SLOTS; do
			cat <<EOF
	handle_path /$s/* {
		reverse_proxy unix/$T/sock/$s.sock {
			transport fastcgi {
				root $T/cgi-bin
				env SCRIPT_FILENAME $T/cgi-bin{http.request.uri.path}
				env SCRIPT_NAME /$s{http.request.uri.path}
				env PATH_INFO ""
				env GITWEB_CONFIG $T/gitweb.conf
				read_timeout 120s
				write_timeout 120s
			}
		}
	}
EOF
		done
		echo "}"
	} >"$T/nginx/server.conf"
}

# SERVER_CMD: the server in the foreground with its configuration.
write_server_conf() {	# port
	case $SERVER in
	nginx)
		write_nginx_conf "$1"
		nginx -t -q -p "$T/nginx" -e "$SERVER_LOG" \
		    -c "$T/nginx/nginx.conf" || die "bad nginx config"
		SERVER_CMD=(nginx -p "$T/nginx" -e "$SERVER_LOG"
		    -c "$T/nginx/nginx.conf")
		;;
	lighttpd)
		write_lighttpd_conf "$1"
		lighttpd -tt -f "$T/nginx/server.conf" >>"$T/log/server.out" 2>&1 ||
			{ tail -5 "$T/log/server.out" >&2; die "bad lighttpd config"; }
		SERVER_CMD=(lighttpd -D -f "$T/nginx/server.conf")
		;;
	apache)
		write_apache_conf "$1"
		apache2 -t -f "$T/nginx/server.conf" >>"$T/log/server.out" 2>&1 ||
			{ tail -5 "$T/log/server.out" >&2; die "bad apache config"; }
		SERVER_CMD=(apache2 -f "$T/nginx/server.conf" -DFOREGROUND)
		;;
	caddy)
		write_caddy_conf "$1"
		mkdir -p "$T/nginx/caddy"
		# Its own HOME and XDG directories: nothing outside $T.
		SERVER_CMD=(env HOME="$T/nginx/caddy" XDG_DATA_HOME="$T/nginx/caddy"
		    XDG_CONFIG_HOME="$T/nginx/caddy" caddy run --adapter caddyfile
		    --config "$T/nginx/server.conf")
		;;
	esac
}

# The server is up when it answers /ping with any HTTP status.
start_server() {
	local try port i code
	for ((try = 0; try < 10; try++)); do
		if [ -n "${BENCH_PORT:-}" ]; then
			port=$BENCH_PORT
		else
			port=$((20000 + RANDOM % 12000))
			port_busy "$port" && continue
		fi
		write_server_conf "$port"
		setsid "${SERVER_CMD[@]}" </dev/null \
		    >>"$T/log/server.out" 2>&1 &
		NGINX_PID=$!
		for ((i = 0; i < 100; i++)); do
			code=$(curl -s -o /dev/null -w '%{http_code}' \
			    --max-time 1 "http://127.0.0.1:$port/ping")
			if [ -n "$code" ] && [ "$code" != 000 ]; then
				PORT=$port
				return 0
			fi
			[ -z "$(proc_state "$NGINX_PID")" ] ||
			    [ "$(proc_state "$NGINX_PID")" = Z ] && break
			sleep 0.1
		done
		stop_session "$NGINX_PID"
		NGINX_PID=""
		[ -n "${BENCH_PORT:-}" ] && break
	done
	cat "$SERVER_LOG" "$T/log/server.out" >&2 2>/dev/null
	die "$SERVER did not start"
}

# Start the wrapper of SLOT on its socket, in fresh cgroups (cg_make):
# its first process joins them, then execs the wrapper.  Sets WPID (the
# process whose RSS counts: warmcgi's only process, fcgiwrap's parent) and
# RSS_PIDS (WPID plus, for fcgiwrap -c N > 1, its N preforked workers).
start_wrapper() {
	local slot=$1 sock=$T/sock/$1.sock i n w bin=$WARMCGI \
	    helpers=$WARM_HELPERS
	local join='for f in $1; do echo $$ >"$f"; done 2>/dev/null; shift
	    exec "$@"'
	rm -f "$sock"
	cg_make "$slot"
	case $slot in
	wc|wcw|wc256|wb|wbw|wb256|wco|wcow|wcp|wcpx)
		case $slot in
		wb*) bin=$WARMCGI_BASE helpers=$BASE_HELPERS ;;
		esac
		local copt="--warm off" hlp
		case $slot in *256) copt="--warm off -c 256" ;; esac
		# PHP: the workers' sockets go in our temporary directory.
		case $slot in
		wcp) copt="--warm auto --tmpdir $T/tmp"
			[ -z "$PHP_MAXREQ" ] ||
				copt="$copt --php-max-requests $PHP_MAXREQ" ;;
		esac
		case $slot in
		wcp*) copt="$copt -c $PHP_C --handler .php=$PHP_CGI" ;;
		esac
		# Warm: its zygotes' sockets go in our temporary directory.
		if is_warm "$slot"; then
			copt="--warm auto --warm-helpers $helpers"
			copt="$copt --tmpdir $T/tmp"
		fi
		case $slot in wco*) copt="$copt $WC_OPTS" ;; esac
		hlp=$("$bin" -h 2>&1)
		# The server's user must connect (Apache as root: nobody).
		if [ -n "$SOCK_OWNER" ]; then
			case $hlp in
			*--socket-owner*) copt="$copt --socket-owner $SOCK_OWNER" ;;
			*) copt="$copt --socket-mode 0666" ;;
			esac
		fi
		# Where this run's log starts (the file is shared by runs).
		LOG_OFF=$(stat -c %s "$T/log/$slot.log" 2>/dev/null || echo 0)
		# --grace only shortens shutdown between runs.
		# shellcheck disable=SC2086
		# As root, like fcgiwrap beside it: --allow-root, where the
		# binary knows it (a base from before it does not).
		if [ "$(id -u)" = 0 ]; then
			case $hlp in
			*--allow-root*)	copt="$copt --allow-root" ;;
			esac
		fi
		setsid sh -c "$join" sh "$CG_PROCS" \
		    "$bin" -s "unix:$sock" $copt --grace 2 \
		    </dev/null >>"$T/log/$slot.log" 2>&1 &
		;;
	fpm)
		# A static pool, as many children as warmcgi's -c, its own
		# configuration; php.ini is Debian's for FPM as warmcgi's
		# php-cgi reads Debian's for CGI.  As root, -R and user root,
		# like warmcgi's --allow-root beside it.
		{
			printf '[global]\nerror_log = %s\ndaemonize = no\n' \
			    "$T/log/fpm-error.log"
			printf '[bench]\nlisten = %s\npm = static\n' "$sock"
			printf 'pm.max_children = %s\n' "$PHP_C"
			[ -z "$PHP_MAXREQ" ] ||
				printf 'pm.max_requests = %s\n' "$PHP_MAXREQ"
			[ "$(id -u)" = 0 ] && printf 'user = root\n'
		} >"$T/fpm.conf"
		local ropt=""
		[ "$(id -u)" = 0 ] && ropt=-R
		# shellcheck disable=SC2086
		setsid sh -c "$join" sh "$CG_PROCS" \
		    "$FPM" -F -y "$T/fpm.conf" $ropt \
		    </dev/null >>"$T/log/$slot.log" 2>&1 &
		;;
	fw*)
		n=${slot#fw}
		local sopt=""
		[ -n "$SOCK_OWNER" ] &&
			sopt="-U ${SOCK_OWNER%:*} -G ${SOCK_OWNER#*:}"
		# shellcheck disable=SC2086
		setsid sh -c "$join" sh "$CG_PROCS" \
		    spawn-fcgi -n -s "$sock" -M 0660 $sopt -- "$FCGIWRAP" -c "$n" \
		    </dev/null >>"$T/log/$slot.log" 2>&1 &
		;;
	esac
	WPID=$!
	GROUPS_STARTED="$GROUPS_STARTED $WPID"
	RSS_PIDS=$WPID
	for ((i = 0; i < 50; i++)); do
		[ -S "$sock" ] && break
		sleep 0.1
	done
	[ -S "$sock" ] || { tail -5 "$T/log/$slot.log" >&2; die "$slot: no socket"; }
	case $slot in
	fpm)
		for ((i = 0; i < 50; i++)); do
			w=$(children_of "$WPID")
			[ "$(echo "$w" | grep -c .)" -ge "$PHP_C" ] && break
			sleep 0.1
		done
		;;
	fw*)
		n=${slot#fw}
		if [ "$n" -gt 1 ]; then
			for ((i = 0; i < 50; i++)); do
				w=$(children_named "$WPID" fcgiwrap)
				[ "$(echo "$w" | grep -c .)" -ge "$n" ] && break
				sleep 0.1
			done
			RSS_PIDS="$WPID $w"
		fi
		;;
	esac
	cg_check "$WPID"
	sleep 0.3	# let it settle
	return 0
}

stop_wrapper() {
	stop_session "$WPID"
	cg_drop
	rm -f "$T/sock/"*.sock
}

SAMPLER_PID=""
SAMPLER_N=0
start_sampler() {
	SAMPLER_N=$((SAMPLER_N + 1))
	SAMPLER_OUT=$T/rss.$SAMPLER_N
	SAMPLER_STOP=$T/rss.$SAMPLER_N.stop
	# shellcheck disable=SC2086
	rss_sampler "$SAMPLER_OUT" "$SAMPLER_STOP" $RSS_PIDS &
	SAMPLER_PID=$!
}

# Sets PEAK: the sampled maximum, or for warmcgi (one process, started
# fresh for this run) VmHWM if larger, which catches short spikes between
# samples.
stop_sampler() {
	local hwm
	touch "$SAMPLER_STOP"
	wait "$SAMPLER_PID" 2>/dev/null
	PEAK=$(cat "$SAMPLER_OUT" 2>/dev/null)
	PEAK=${PEAK:-0}
	case $SLOT in
	wc*|wb*|fpm)
		hwm=$(proc_kib "$WPID" VmHWM)
		[ "$hwm" -gt "$PEAK" ] && PEAK=$hwm
		;;
	esac
	return 0
}

# ---------------------------------------------------------------- results
declare -A VAL P99 RSS ERR ZYG ZTOT CODE ABORTED FLT CPU
declare -A R_VAL R_P99 R_RSS R_ERR R_FLT R_CPU	# [scenario|slot|round]
ROWS=""
ROUND=1
COST_F=- COST_C=-	# faults and CPU ms per request of the current run

record() {	# scenario slot value p99 rss errors...
	local s=$1 w=$2 v=$3 p=$4 r=$5
	shift 5
	set -- "$s|$w|$ROUND" "$*"
	R_VAL[$1]=$v; R_P99[$1]=$p; R_RSS[$1]=$r; R_ERR[$1]=$2
	R_FLT[$1]=$COST_F; R_CPU[$1]=$COST_C
	[ "$ROUND" = 1 ] && ROWS="$ROWS $s|$w"
	say "$(printf '%-12s %-19s %10s %8s flt %8s ms %10s %8s KiB  %s' \
	    "$s" "$(label "$w")" "$v" "$COST_F" "$COST_C" "$p" "$r" \
	    "$2")$([ "$ROUNDS" -gt 1 ] && echo " (round $ROUND)")"
}

# Each row's median round (the lower one of an even count) becomes its
# figures; errors of the other rounds are added to its own.
pick_medians() {
	local r k med e
	for r in $ROWS; do
		med=$(for ((k = 1; k <= ROUNDS; k++)); do
			echo "${R_VAL[$r|$k]} $k"
		done | sort -g | awk -v n="$ROUNDS" \
		    'NR == int((n + 1) / 2) { print $2 }')
		VAL[$r]=${R_VAL[$r|$med]}; P99[$r]=${R_P99[$r|$med]}
		RSS[$r]=${R_RSS[$r|$med]}; e=${R_ERR[$r|$med]}
		FLT[$r]=${R_FLT[$r|$med]}; CPU[$r]=${R_CPU[$r|$med]}
		for ((k = 1; k <= ROUNDS; k++)); do
			[ "$k" = "$med" ] || [ "${R_ERR[$r|$k]}" = none ] ||
			[ "${R_ERR[$r|$k]}" = - ] || e="$e; round $k: ${R_ERR[$r|$k]}"
		done
		ERR[$r]=$e
	done
}

# ---------------------------------------------------------------- warm mode
# This run's part of the wrapper's log (LOG_OFF: its size at the start).
run_log() {
	tail -c +"$((${1:-$LOG_OFF} + 1))" "$T/log/$SLOT.log" 2>/dev/null
}

# Parent pid of a process ("" when gone).
proc_ppid() {
	local line rest
	read -r line 2>/dev/null <"/proc/$1/stat" || return 0
	rest=${line##*) }; rest=${rest#* }
	echo "${rest%% *}"
}

# Wait, up to 30 s, for warmcgi's log to say the zygote of script PATH is
# ready, fetching URL now and then (the first request starts the zygote
# and is served by exec meanwhile).
wait_zygote() {	# url path
	local i
	for ((i = 0; i < 60; i++)); do
		run_log | grep -F "warm: $2: zygote pid " | grep -q ' ready' &&
			return 0
		((i % 4 == 0)) && curl -s -o /dev/null --max-time 10 "$1"
		sleep 0.5
	done
	return 1
}

# The live zygotes of script PATH in this run: pids the log reported ready
# that are still warmcgi's children with the helper on their command line
# (requests forked from a zygote are reparented to warmcgi too, so the
# command line alone would count them).
zygote_pids() {	# path
	local p cmd
	for p in $(run_log | grep -F "warm: $1: zygote pid " |
	    sed -n 's/.*zygote pid \([0-9][0-9]*\) ready.*/\1/p' | sort -u); do
		[ "$(proc_ppid "$p")" = "$WPID" ] || continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")
		case $cmd in
		*WarmCGI::Zygote*|*warmcgi-zygote.py*) echo "$p" ;;
		esac
	done
	return 0
}

# Script, query string and a string its page must contain, per scenario.
script_of() {
	case $1 in
	c) SCRIPT=hello-c QUERY="" MARK=hello ;;
	sh) SCRIPT=hello.sh QUERY="" MARK=hello ;;
	perl) SCRIPT=hello.pl QUERY="" MARK=hello ;;
	sleep) SCRIPT=sleep.sh QUERY="" MARK=slept ;;
	cgipm) SCRIPT=cgipm.pl QUERY="?name=bench&item=one&item=two&n=5"
	    MARK="cgipm ok name=bench" ;;
	gitweb) SCRIPT=gitweb.cgi QUERY="" MARK=">bench.git</a>" ;;
	python) SCRIPT=bench.py QUERY="?name=bench"
	    MARK="python ok name=bench numbers=285" ;;
	php) SCRIPT=hello.php QUERY="" MARK="hello from php" ;;
	wp) SCRIPT=wp/ QUERY="" MARK="<title>$WP_TITLE</title>" ;;
	esac
}

# One request saved to FILE; 0 when it is a 200 containing MARK.  Sets
# CODE[scenario|slot].
fetch_page() {	# url mark file
	local code
	code=$(curl -s --max-time 30 -o "$3" -w '%{http_code}' "$1")
	CODE[$SCEN|$SLOT]=$code
	[ "$code" = 200 ] && grep -qF -- "$2" "$3"
}

# A request through nginx must work before it is benchmarked.
smoke() {	# url expect
	local body
	body=$(curl -s --max-time 10 "$1") || return 1
	case $body in *"$2"*) return 0 ;; esac
	return 1
}

# wrk_bg OUT SECS ARGS...: wrk --latency for SECS seconds, its output in
# OUT.  In the background, so that a signal to this script is handled now
# rather than when wrk ends.
wrk_bg() {
	local out=$1 secs=$2
	shift 2
	timeout $(( secs + 60 )) wrk -d "${secs}s" --latency "$@" >"$out" 2>&1 &
	WRK_PID=$!
	wait "$WRK_PID"
	WRK_PID=""
}

# wrk run: parses req/s, p99 and the error lines.
run_wrk() {	# slot script threads conns secs
	local slot=$1 url="http://127.0.0.1:$PORT/$1/$2" out rps p99 non2xx \
	    sockerr errs="" n f0 c0
	out=$T/wrk/$SCEN.$slot.txt
	cg_read
	f0=$CG_F c0=$CG_C
	wrk_bg "$out" "$5" -t "$3" -c "$4" --timeout 10s "$url"
	n=$(awk '/ requests in / { print $1 }' "$out")
	cg_cost "$f0" "$c0" "$n"
	rps=$(awk '/^Requests\/sec:/ { printf "%.1f", $2 }' "$out")
	p99=$(awk '/^ +99%/ { print $2 }' "$out")
	non2xx=$(awk -F': *' '/Non-2xx/ { print $2 }' "$out")
	sockerr=$(sed -n 's/^ *Socket errors: *//p' "$out")
	[ -n "$non2xx" ] && errs="non-2xx $non2xx/${n:-?}"
	[ -n "$sockerr" ] && errs="${errs:+$errs; }socket errors: $sockerr"
	WRK_RPS=${rps:-0}; WRK_P99=${p99:--}; WRK_ERR=${errs:-none}
}

# 16 MiB uploads on one connection, one after another, by wrk (curl spent
# more CPU than nginx and either wrapper together reading and sending the
# body); MiB/s from its request rate.
run_upload() {	# slot
	local out=$T/wrk/$SCEN.$1.txt n bad rps f0 c0
	cg_read
	f0=$CG_F c0=$CG_C
	BENCH_BODY=$T/body wrk_bg "$out" "$DUR" -t 1 -c 1 --timeout 30s \
	    -s "$HERE/post.lua" "http://127.0.0.1:$PORT/$1/post.sh"
	n=$(awk '/ requests in / { print $1 }' "$out")
	cg_cost "$f0" "$c0" "$n"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	bad=$(awk '/^bad responses:/ { print $3 }' "$out")
	WRK_RPS=$(awk -v r="${rps:-0}" -v b="$IN_BYTES" \
	    'BEGIN { printf "%.1f", r * b / 1048576 }')
	WRK_P99=$(awk '/^ +99%/ { print $2 }' "$out")
	WRK_P99=${WRK_P99:--}
	if [ -z "$bad" ] || [ -z "$n" ] || [ "$n" -eq 0 ]; then
		WRK_ERR="wrk failed (see $out)"
	elif [ "$bad" -gt 0 ]; then
		WRK_ERR="$bad/$n uploads not answered with $IN_BYTES"
	else
		WRK_ERR=none
	fi
}

# Sequential curl downloads; MiB/s over the sum of their times.
run_stream() {	# slot
	local slot=$1 url="http://127.0.0.1:$PORT/$1/" i line code size tm \
	    bad=0 tot_b=0 tot_t=0 max_t=0 nx=$NXFER f0 c0
	: >"$T/wrk/$SCEN.$slot.txt"
	cg_read
	f0=$CG_F c0=$CG_C
	for ((i = 0; i < nx; i++)); do
		line=$(curl -s --max-time 120 -o /dev/null \
		    -w '%{http_code} %{size_download} %{time_total}' \
		    "${url}out64m.sh")
		read -r code size tm <<<"$line"
		[ "$code" = 200 ] && [ "$size" = "$OUT_BYTES" ] ||
			bad=$((bad + 1))
		echo "$line" >>"$T/wrk/$SCEN.$slot.txt"
		tot_b=$(awk -v a="$tot_b" -v b="${size:-0}" 'BEGIN { print a + b }')
		tot_t=$(awk -v a="$tot_t" -v b="${tm:-0}" 'BEGIN { print a + b }')
		max_t=$(awk -v a="$max_t" -v b="${tm:-0}" \
		    'BEGIN { m = (b > a) ? b : a; print m }')
	done
	cg_cost "$f0" "$c0" "$nx"
	WRK_RPS=$(awk -v b="$tot_b" -v t="$tot_t" \
	    'BEGIN { printf "%.1f", (t > 0) ? b / 1048576 / t : 0 }')
	WRK_P99=$(awk -v t="$max_t" 'BEGIN { printf "%.2fs", t }')
	if [ "$bad" -gt 0 ]; then
		WRK_ERR="$bad/$nx transfers failed or short"
	else
		WRK_ERR=none
	fi
}

# ---------------------------------------------------------------- scenarios
scenario_slots() {
	local b="" o=""
	case $1 in
	sleep) [ -n "${WARMCGI_BASE:-}" ] && b=" wb wb256"
	    echo "wc wc256$b$FW_SLOTS" ;;
	perl|cgipm|gitweb|python) [ -n "${WARMCGI_BASE:-}" ] && b=" wbw wb"
	    [ -n "$WC_OPTS" ] && o=" wcow wco"
	    echo "wcw wc$o$b$FW_SLOTS" ;;
	php|wp) echo "$PHP_SLOTS" ;;
	*) [ -n "${WARMCGI_BASE:-}" ] && b=" wb"
	    [ -n "$WC_OPTS" ] && o=" wco"
	    echo "wc$o$b$FW_SLOTS" ;;
	esac
}

run_one() {	# scenario slot
	local peak
	SCEN=$1 SLOT=$2
	COST_F=- COST_C=-
	start_wrapper "$SLOT"
	case $SCEN in
	idle)
		sleep 0.5
		peak=$(rss_sum $RSS_PIDS)
		stop_wrapper
		record idle "$SLOT" - - "$peak" -
		return
		;;
	php|wp)
		run_php
		return
		;;
	c|sh|perl|cgipm|gitweb|python)
		local url i note="" off p k hwm tot=0 zl="" warmlog
		script_of "$SCEN"
		url="http://127.0.0.1:$PORT/$SLOT/$SCRIPT$QUERY"
		first_page "$url" || return
		if is_warm "$SLOT"; then
			# Warm up: wait for the zygote, a few requests more,
			# then the page compared with exec's, served warm.
			if wait_zygote "$url" "$T/cgi-bin/$SCRIPT"; then
				for ((i = 0; i < 3; i++)); do
					curl -s -o /dev/null --max-time 10 "$url"
				done
			else
				note="NOT WARM: no zygote ready in 30 s"
				say "$SCEN: $note; log:"
				run_log | tail -n 8 >&2
			fi
			if ! fetch_page "$url" "$MARK" "$T/pages/$SCEN.$SLOT"
			then
				note="${note:+$note; }bad warm page"
				note="$note (HTTP ${CODE[$SCEN|$SLOT]})"
			fi
			off=$(stat -c %s "$T/log/$SLOT.log" 2>/dev/null || echo 0)
		fi
		start_sampler
		run_wrk "$SLOT" "$SCRIPT$QUERY" "$THREADS" "$CONNS" "$DUR"
		if is_warm "$SLOT"; then
			sleep 0.3	# let the last requests exit
			for p in $(zygote_pids "$T/cgi-bin/$SCRIPT"); do
				k=$(proc_kib "$p" VmRSS)
				hwm=$(proc_kib "$p" VmHWM)
				tot=$((tot + k))
				zl="${zl:+$zl, }pid $p $k KiB (peak $hwm)"
			done
			[ -z "$zl" ] && zl="no zygote alive"
			ZYG[$SCEN|$SLOT]=$zl
			ZTOT[$SCEN|$SLOT]=$tot
			# Anything the warm machinery logged under load
			# (fallbacks to exec, zygote deaths, its stderr).
			# When wrk stops it drops its connections with
			# requests in flight; a Python request process then
			# logs a BrokenPipeError in its set-up: at most one
			# per connection, not counted as a problem.
			# --warm auto's decisions are news, not problems.
			warmlog=$(run_log "$off" | grep -F 'warm: ' |
			    grep -v -E 'zygote pid [0-9]+ (ready|loading)' |
			    grep -v -E ' by exec: serving it (warm|by exec)$|: exec is cheaper$')
			k=$(echo "$warmlog" | grep -c 'request set-up: BrokenPipeError')
			if [ "$k" -gt 0 ] && [ "$k" -le "$CONNS" ]; then
				warmlog=$(echo "$warmlog" |
				    grep -v 'request set-up: BrokenPipeError')
				ABORTED[$SCEN|$SLOT]=$k
			fi
			if [ -n "$warmlog" ]; then
				note="${note:+$note; }$(echo "$warmlog" |
				    grep -c .) warm log lines under load"
				say "$SCEN: warm log lines under load:"
				echo "$warmlog" | tail -n 8 >&2
			fi
		fi
		if [ -n "$note" ]; then
			if [ "$WRK_ERR" = none ]; then WRK_ERR=$note
			else WRK_ERR="$WRK_ERR; $note"; fi
		fi
		;;
	sleep)
		if ! smoke "http://127.0.0.1:$PORT/$SLOT/sleep.sh" slept; then
			stop_wrapper
			record "$SCEN" "$SLOT" 0 - 0 "BROKEN: smoke request failed"
			return
		fi
		start_sampler
		run_wrk "$SLOT" sleep.sh 2 256 "$SLEEP_DUR"
		;;
	out)
		start_sampler
		run_stream "$SLOT"
		;;
	in)
		start_sampler
		run_upload "$SLOT"
		;;
	esac
	stop_sampler
	stop_wrapper
	record "$SCEN" "$SLOT" "$WRK_RPS" "$WRK_P99" "$PEAK" "$WRK_ERR"
	if [ "$WRK_ERR" != none ]; then
		say "errors: the wrapper's and $SERVER's last log lines:"
		tail -n 8 "$T/log/$SLOT.log" "$SERVER_LOG" >&2
	fi
}

# Background sampler of the children of PID (a PHP pool): every 100 ms
# their summed VmRSS; at the peak, "pid RSS (VmHWM)" of each is written
# to OUTFILE.detail and the sum to OUTFILE.  Bounded (10 min) and
# stopped by STOPFILE.
# kids_of PID: its children and theirs (warmcgi's php-cgi masters and
# the child each forks; php-fpm's pool), from one pass over /proc.
kids_of() {
	local f line rest ppid pid
	local -A kids=()
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		rest=${line##*) }; rest=${rest#* }; ppid=${rest%% *}
		f=${f#/proc/}
		kids[$ppid]="${kids[$ppid]-} ${f%/stat}"
	done
	for pid in ${kids[$1]-}; do
		echo "$pid"
		for f in ${kids[$pid]-}; do echo "$f"; done
	done
}

kids_sampler() {
	local out=$1 stop=$2 pid=$3 peak=0 i s p k d
	echo 0 >"$out"
	: >"$out.detail"
	for ((i = 0; i < 6000; i++)); do
		[ -e "$stop" ] || [ -e "$T/stop-all" ] && break
		s=0 d=""
		for p in $(kids_of "$pid"); do
			k=$(proc_kib "$p" VmRSS)
			s=$((s + k))
			d="${d:+$d, }pid $p $k KiB (peak $(proc_kib "$p" VmHWM))"
		done
		if [ "$s" -gt "$peak" ]; then
			peak=$s
			echo "$d" >"$out.detail"
			echo "$peak" >"$out"
		fi
		sleep 0.1
	done
}

# first_page URL: the scenario's page, fetched and kept; if it is not
# right, the wrapper is stopped, its row recorded broken, and 1 returned.
first_page() {
	fetch_page "$1" "$MARK" "$T/pages/$SCEN.$SLOT" && return 0
	stop_wrapper
	record "$SCEN" "$SLOT" 0 - 0 "BROKEN: first request" \
	    "failed (HTTP ${CODE[$SCEN|$SLOT]:-none}, or no" \
	    "\"$MARK\" in the page)"
	tail -n 8 "$T/log/$SLOT.log" >&2
	return 1
}

# A PHP scenario's run of SLOT (started): the page checked, a warm-up,
# the page kept for the comparison, then wrk.  The warm-up is requests
# from PHP_C curls at once, each to its end: warmcgi's workers start on
# demand and each fills its own opcode cache (php-fpm's children are
# started and share theirs), and a request the client drops (as wrk
# drops those in flight when it stops) has its worker killed, so the
# warm-up must not end that way.  The workers' RSS (warmcgi's php-cgi
# masters and their children, each counting the pages they share;
# php-fpm's pool; its master is the row's peak RSS) is sampled
# during the wrk run, for the same reason.  For warmcgi also what it
# logged about its workers under load.
run_php() {
	local url note="" off warmlog kpid=""
	script_of "$SCEN"
	url="http://127.0.0.1:$PORT/$SLOT/$SCRIPT$QUERY"
	first_page "$url" || return
	seq $((8 * PHP_C)) | xargs -P "$PHP_C" -I{} \
	    curl -s -o /dev/null --max-time 60 "$url"
	fetch_page "$url" "$MARK" "$T/pages/$SCEN.$SLOT" ||
		note="bad page after warm-up (HTTP ${CODE[$SCEN|$SLOT]})"
	off=$(stat -c %s "$T/log/$SLOT.log" 2>/dev/null || echo 0)
	start_sampler
	case $SLOT in
	wcp|fpm)
		rm -f "$T/kids.stop"
		kids_sampler "$T/kids" "$T/kids.stop" "$WPID" &
		kpid=$!
		;;
	esac
	run_wrk "$SLOT" "$SCRIPT$QUERY" "$THREADS" "$CONNS" "$DUR"
	if [ -n "$kpid" ]; then
		touch "$T/kids.stop"
		wait "$kpid" 2>/dev/null
		ZTOT[$SCEN|$SLOT]=$(cat "$T/kids")
		ZYG[$SCEN|$SLOT]=$(cat "$T/kids.detail")
		[ -n "${ZYG[$SCEN|$SLOT]}" ] ||
			ZYG[$SCEN|$SLOT]="no worker seen"
	fi
	if [ "$SLOT" = wcp ]; then
		warmlog=$(run_log "$off" | grep -F 'php-cgi[')
		if [ -n "$warmlog" ]; then
			note="${note:+$note; }$(echo "$warmlog" | grep -c .)"
			note="$note worker log lines under load"
			say "$SCEN: worker log lines under load:"
			echo "$warmlog" | tail -n 8 >&2
		fi
	fi
	if [ -n "$note" ]; then
		if [ "$WRK_ERR" = none ]; then WRK_ERR=$note
		else WRK_ERR="$WRK_ERR; $note"; fi
	fi
	stop_sampler
	stop_wrapper
	record "$SCEN" "$SLOT" "$WRK_RPS" "$WRK_P99" "$PEAK" "$WRK_ERR"
	if [ "$WRK_ERR" != none ]; then
		say "errors: the wrapper's and $SERVER's last log lines:"
		tail -n 8 "$T/log/$SLOT.log" "$SERVER_LOG" >&2
	fi
}

scen_name() {
	case $1 in
	idle) echo "idle" ;;
	c) echo "C hello" ;;
	sh) echo "sh hello" ;;
	perl) echo "Perl hello" ;;
	cgipm) echo "CGI.pm" ;;
	gitweb) echo "gitweb" ;;
	python) echo "Python" ;;
	php) echo "hello.php" ;;
	wp) echo "WordPress" ;;
	out) echo "64 MiB out" ;;
	in) echo "16 MiB in" ;;
	sleep) echo "sleep 0.5s" ;;
	esac
}

unit() {
	case $1 in out|in) echo "MiB/s" ;; idle) echo "" ;; *) echo "req/s" ;; esac
}

# Best fcgiwrap value of a scenario.
best_fw() {
	local s b=0 v
	for s in $FW_SLOTS; do
		v=${VAL[$1|$s]:-0}
		[ "$v" = - ] && continue
		b=$(awk -v a="$b" -v c="$v" 'BEGIN { m = (c > a) ? c : a; print m }')
	done
	echo "$b"
}

ratio() {	# value best
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

print_table() {
	local r s w v u rt e last="" ABORT_NOTE="" zn zs
	echo
	echo "warmcgi benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) CPUs," \
	    "load at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "warmcgi: $WARMCGI  fcgiwrap: $FCGIWRAP"
	case $SERVER in
	nginx)	echo "server: $(nginx -v 2>&1 | sed 's/.*: //'), workers: $NGX_WORKERS" ;;
	lighttpd) echo "server: $(lighttpd -v 2>&1 | cut -d' ' -f1)" ;;
	apache)	echo "server: $(apache2 -v 2>&1 | sed -n 's/^Server version: //p') (mpm_event)" ;;
	caddy)	echo "server: caddy $(caddy version 2>&1 | cut -d' ' -f1)" ;;
	esac
	[ -n "$WC_OPTS" ] && echo "warmcgi+opts: $WC_OPTS"
	[ -n "$WARM_SCENARIOS" ] &&
		echo "warm helpers: $WARM_HELPERS"
	[ -n "${WARMCGI_BASE:-}" ] &&
		echo "warmcgi-base: $WARMCGI_BASE${BASE_HELPERS:+  warm helpers: $BASE_HELPERS}"
	echo "$CG_NOTE"
	echo "hello and scripts: wrk -t $THREADS -c $CONNS -d ${DUR}s;" \
	    "sleep: wrk -t 2 -c 256 -d ${SLEEP_DUR}s;"
	echo "64 MiB out: $NXFER sequential curl downloads (p99 column =" \
	    "slowest); 16 MiB in: wrk -t 1 -c 1 -d ${DUR}s uploads"
	[ "$ROUNDS" -gt 1 ] &&
		echo "$ROUNDS rounds per scenario, every wrapper once in each;" \
		    "each row is that wrapper's median round"
	echo
	printf '%-11s | %-19s | %12s | %7s | %6s | %9s | %10s | %-7s | %s\n' \
	    scenario wrapper "req/s|MiB/s" flt/req "CPU ms" p99 "peak RSS" \
	    ratio errors
	printf '%s\n' "------------+---------------------+--------------+---------+--------+-----------+------------+---------+-------"
	for r in $ROWS; do
		s=${r%%|*}; w=${r#*|}
		v=${VAL[$r]}; u=$(unit "$s")
		rt=""
		case $s:$w in
		php:fpm|wp:fpm) ;;
		php:*|wp:*) rt=$(ratio "$v" "${VAL[$s|fpm]:-0}") ;;
		*:wc*|*:wb*) [ "$s" != idle ] &&
		    rt=$(ratio "$v" "$(best_fw "$s")") ;;
		esac
		[ "$s" = idle ] && v="-"
		e=${ERR[$r]}
		printf '%-11s | %-19s | %12s | %7s | %6s | %9s | %6s KiB | %-7s | %s\n' \
		    "$([ "$s" != "$last" ] && scen_name "$s")" "$(label "$w")" \
		    "$v${u:+ }$u" "${FLT[$r]}" "${CPU[$r]}" "${P99[$r]}" \
		    "${RSS[$r]}" "$rt" "$e"
		if [ -n "${ZTOT[$r]:-}" ]; then
			case $s:$w in
			*:fpm) zn="  + pool" zs="master + pool" ;;
			php:*|wp:*) zn="  + workers" zs="warmcgi + workers" ;;
			*) zn="  + zygotes" zs="warmcgi + zygotes" ;;
			esac
			printf '%-11s | %-19s | %12s | %7s | %6s | %9s | %6s KiB | %-7s | %s\n' \
			    "" "$zn" "" "" "" "" "${ZTOT[$r]}" "" \
			    "${ZYG[$r]}; $zs $((${RSS[$r]} + ${ZTOT[$r]})) KiB"
			[ -n "${ABORTED[$r]:-}" ] &&
				ABORT_NOTE="$ABORT_NOTE $(scen_name "$s") ${ABORTED[$r]},"
		fi
		last=$s
	done
	echo
	echo "flt/req, CPU ms: page faults and CPU time per request (per" \
	    "transfer or upload for 64 MiB out and 16 MiB in) of everything in"
	echo "the wrapper's cgroup (it, its scripts, zygotes and request" \
	    "processes; not $SERVER or wrk) over the wrk or curl run."
	echo "ratio = warmcgi / best fcgiwrap setting of the same scenario." \
	    "peak RSS: warmcgi's one process (VmHWM of a fresh start);"
	echo "fcgiwrap: the sum of its parent and preforked workers" \
	    "(shared pages counted in each); scripts are not counted."
	echo "warm: + zygotes = VmRSS of each zygote (warmcgi's children" \
	    "running WarmCGI::Zygote or warmcgi-zygote.py) after the wrk run,"
	echo "their VmHWM in parentheses, and the sum; the per-request" \
	    "processes forked from a zygote are not counted."
	[ -n "$PHP_SLOTS" ] &&
		echo "PHP: ratio = value / php-fpm's; warmcgi's peak RSS is" \
		    "its own, + workers its php-cgi masters and their children" \
		    "(shared pages counted in each); php-fpm's is its" &&
		echo "master's, + pool its $PHP_C children; each at the peak" \
		    "of their sum sampled in the wrk run (VmRSS, VmHWM in parentheses)."
	[ -n "$ABORT_NOTE" ] &&
		echo "warm log: request set-up BrokenPipeError when wrk stopped" \
		    "(requests aborted in flight, <= 1 per connection):${ABORT_NOTE%,}"
	return 0
}

# The page of each warm run against exec's (status, then the body with the
# slot's URL prefix and gitweb's "N units ago" normalized).
normalize_page() {
	sed -E -e 's#/(wcw|wc|wc256|wbw|wb|wb256|wcow|wco|wcp|wcpx|fpm|fw[0-9]+)/#/SLOT/#g' \
	    -e 's/[0-9]+ (sec|min|hours|days|weeks|months|years) ago/AGE ago/g' \
	    -e 's/right now/AGE ago/g' "$1"
}

print_checks() {
	local s a b na nb d x w e n
	for s in $SCENARIOS; do
	for x in c b co; do
		w=w${x}w e=w$x n=warmcgi
		[ "$x" = b ] && n=base
		[ "$x" = co ] && n=+opts
		[ -n "${CODE[$s|$w]:-}" ] && [ -n "${CODE[$s|$e]:-}" ] ||
			continue
		[ -z "${d:-}" ] && { echo; echo "Warm vs exec page (status," \
		    "body; URL prefix and ages normalized):"; d=1; }
		a=$T/pages/$s.$w; b=$T/pages/$s.$e
		na=$(wc -c <"$a" 2>/dev/null || echo 0)
		nb=$(wc -c <"$b" 2>/dev/null || echo 0)
		if [ "${CODE[$s|$w]}" = "${CODE[$s|$e]}" ] &&
		    cmp -s <(normalize_page "$a") <(normalize_page "$b"); then
			printf '  %-11s %-8s same: HTTP %s, %s bytes\n' \
			    "$(scen_name "$s")" "$n" \
			    "${CODE[$s|$w]}" "$na"
		else
			printf '  %-11s %-8s DIFFERENT: warm HTTP %s %s bytes, exec' \
			    "$(scen_name "$s")" "$n" \
			    "${CODE[$s|$w]}" "$na"
			printf ' HTTP %s %s bytes; first difference:\n' \
			    "${CODE[$s|$e]}" "$nb"
			diff <(normalize_page "$a") <(normalize_page "$b") |
			    head -n 6 | sed 's/^/      /'
		fi
	done
	done
	print_php_checks
	return 0
}

# PHP: warmcgi's pages, warm and exec, against php-fpm's.
print_php_checks() {
	local s w a b h=""
	for s in $SCENARIOS; do
	case $s in php|wp) ;; *) continue ;; esac
	for w in wcp wcpx; do
		[ -n "${CODE[$s|$w]:-}" ] && [ -n "${CODE[$s|fpm]:-}" ] ||
			continue
		[ -z "$h" ] && { echo; echo "Page against php-fpm's" \
		    "(status, body; URL prefix normalized):"; h=1; }
		a=$T/pages/$s.$w; b=$T/pages/$s.fpm
		if [ "${CODE[$s|$w]}" = "${CODE[$s|fpm]}" ] &&
		    cmp -s <(normalize_page "$a") <(normalize_page "$b"); then
			printf '  %-11s %-8s same: HTTP %s, %s bytes\n' \
			    "$(scen_name "$s")" "$(label "$w" | cut -d' ' -f2)" \
			    "${CODE[$s|$w]}" "$(wc -c <"$a")"
		else
			printf '  %-11s %-8s DIFFERENT: HTTP %s %s bytes, php-fpm HTTP %s %s bytes\n' \
			    "$(scen_name "$s")" "$(label "$w" | cut -d' ' -f2)" \
			    "${CODE[$s|$w]}" "$(wc -c <"$a" 2>/dev/null)" \
			    "${CODE[$s|fpm]}" "$(wc -c <"$b" 2>/dev/null)"
			cmp <(normalize_page "$a") <(normalize_page "$b") 2>&1 |
			    head -n 1 | sed 's/^/      /'
		fi
	done
	done
	return 0
}

# WARMCGI against WARMCGI_BASE, row by row: req/s (or MiB/s) ratio, and
# the costs per request of each.
print_base_compare() {
	local s m b d=""
	[ -n "${WARMCGI_BASE:-}" ] || return 0
	for s in $SCENARIOS; do
		[ "$s" = idle ] && continue
		for m in wc wcw wc256; do
			b=wb${m#wc}
			[ -n "${VAL[$s|$m]:-}" ] && [ -n "${VAL[$s|$b]:-}" ] ||
				continue
			[ -z "$d" ] && { echo; echo "warmcgi against" \
			    "warmcgi-base (new / base; costs new vs base):"; d=1; }
			printf '  %-11s %-8s %7s %s   flt/req %s vs %s   CPU ms/req %s vs %s\n' \
			    "$(scen_name "$s")" "$(label "$m" | cut -d' ' -f2-)" \
			    "$(ratio "${VAL[$s|$m]}" "${VAL[$s|$b]}")" \
			    "$(unit "$s")" "${FLT[$s|$m]}" "${FLT[$s|$b]}" \
			    "${CPU[$s|$m]}" "${CPU[$s|$b]}"
		done
	done
	return 0
}

# warmcgi with BENCH_WARMCGI_OPTS against without, row by row, in the
# same rounds: req/s ratio (issue 10: within 3 %), and both costs per
# request.
print_opts_compare() {
	local s m o d="" r ok
	[ -n "$WC_OPTS" ] || return 0
	for s in $SCENARIOS; do
		[ "$s" = idle ] && continue
		for m in wc wcw; do
			o=wco${m#wc}
			[ -n "${VAL[$s|$m]:-}" ] && [ -n "${VAL[$s|$o]:-}" ] ||
				continue
			[ -z "$d" ] && { echo; echo "warmcgi+opts against" \
			    "warmcgi (with / without: $WC_OPTS):"; d=1; }
			r=$(ratio "${VAL[$s|$o]}" "${VAL[$s|$m]}")
			ok=0
			ge "${VAL[$s|$o]}" "$(awk -v b="${VAL[$s|$m]}" \
			    'BEGIN { print 0.97 * b }')" && ok=1
			verdict "$(scen_name "$s") $(label "$m" | cut -d' ' -f2-): within 3 %" \
			    "$ok" "$(printf '%s vs %s %s (%s)   flt/req %s vs %s   CPU ms/req %s vs %s' \
			    "${VAL[$s|$o]}" "${VAL[$s|$m]}" "$(unit "$s")" "$r" \
			    "${FLT[$s|$o]}" "${FLT[$s|$m]}" \
			    "${CPU[$s|$o]}" "${CPU[$s|$m]}")"
		done
	done
	return 0
}

verdict() {	# label pass(0/1|-) detail
	local v=FAIL
	[ "$2" = 1 ] && v=PASS
	[ "$2" = - ] && v=note
	printf '%-5s %-44s %s\n' "$v" "$1" "$3"
}

ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# wrk's latency (123.45us, 12.34ms, 1.23s, 1.00m) in ms.
to_ms() {
	awk -v t="$1" 'BEGIN {
		v = t + 0; u = t; sub(/^[0-9.]+/, "", u)
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000
		else if (u == "m") v *= 60000; else if (u != "ms") v = -1
		print v }'
}

# The fcgiwrap slot with the best value of a scenario.
best_fw_slot() {
	local s b=0 bs="" v
	for s in $FW_SLOTS; do
		v=${VAL[$1|$s]:-0}
		[ "$v" = - ] && continue
		if [ -z "$bs" ] || ! ge "$b" "$v"; then b=$v; bs=$s; fi
	done
	echo "$bs"
}

print_verdicts() {
	local s v b ok x bs p pb
	echo
	echo "Targets (issue 2):"
	for s in c sh perl; do
		[ -n "${VAL[$s|wc]:-}" ] || continue
		v=${VAL[$s|wc]}; b=$(best_fw "$s"); ok=0
		ge "$v" "$b" && [ "${ERR[$s|wc]}" = none ] && ok=1
		verdict "$(scen_name "$s"): warmcgi >= best fcgiwrap" "$ok" \
		    "$v vs $b req/s ($(ratio "$v" "$b")), errors: ${ERR[$s|wc]}"
	done
	if [ -n "${VAL[sleep|wc256]:-}" ]; then
		v=${VAL[sleep|wc256]}; ok=0
		ge "$v" 400 && ok=1
		verdict "sleep 0.5s, warmcgi -c 256 >= 400 req/s" "$ok" \
		    "$v req/s, errors: ${ERR[sleep|wc256]}"
	fi
	for s in out in; do
		[ -n "${VAL[$s|wc]:-}" ] || continue
		v=${VAL[$s|wc]}; b=$(best_fw "$s"); ok=0
		ge "$v" "$(awk -v b="$b" 'BEGIN { print 1.5 * b }')" &&
		    [ "${ERR[$s|wc]}" = none ] && ok=1
		verdict "$(scen_name "$s"): warmcgi >= 1.5x fcgiwrap" "$ok" \
		    "$v vs $b MiB/s ($(ratio "$v" "$b"))"
	done
	if [ -n "${RSS[idle|wc]:-}" ]; then
		v=${RSS[idle|wc]}; ok=0
		[ "$v" -lt 4096 ] && ok=1
		verdict "warmcgi idle RSS < 4 MiB" "$ok" "$v KiB"
	fi
	for s in out in; do
		[ -n "${RSS[$s|wc]:-}" ] || continue
		v=${RSS[$s|wc]}; ok=0
		[ "$v" -lt 16384 ] && ok=1
		verdict "warmcgi RSS while streaming < 16 MiB ($s)" "$ok" \
		    "peak $v KiB"
	done
	x=""
	for s in cgipm gitweb python; do
		[ -n "${VAL[$s|wcw]:-}" ] && x=1
	done
	[ -n "$x" ] || return 0
	echo
	echo "Targets (issue 3), warm vs best fcgiwrap, wrk -t 2 -c $CONNS:"
	for s in cgipm gitweb python; do
		[ -n "${VAL[$s|wcw]:-}" ] || continue
		case $s in cgipm) x=8 ;; gitweb) x=3 ;; python) x=6 ;; esac
		v=${VAL[$s|wcw]}; bs=$(best_fw_slot "$s")
		b=${VAL[$s|$bs]:-0}; ok=0
		ge "$v" "$(awk -v b="$b" -v x="$x" 'BEGIN { print x * b }')" &&
		    [ "${ERR[$s|wcw]}" = none ] && ok=1
		verdict "$(scen_name "$s"): warm >= ${x}x fcgiwrap" "$ok" \
		    "$v vs $b req/s ($(ratio "$v" "$b"), $(label "$bs")), errors: ${ERR[$s|wcw]}"
		if [ "$s" = gitweb ]; then
			ok=-
			ge "$v" "$(awk -v b="$b" 'BEGIN { print 5 * b }')" &&
			    ok=1
			verdict "gitweb: warm >= 5x (pre-forked spare child)" \
			    "$ok" "$(ratio "$v" "$b"); informational: warmcgi has no pre-forked spare child"
		fi
		p=$(to_ms "${P99[$s|wcw]}"); pb=$(to_ms "${P99[$s|$bs]:--}")
		ok=0
		ge "$p" 0 && ge "$pb" "$p" && ok=1
		verdict "$(scen_name "$s"): warm p99 <= fcgiwrap's" "$ok" \
		    "${P99[$s|wcw]} vs ${P99[$s|$bs]:--} ($(label "$bs"), its best req/s)"
	done
}

# Issue 13's targets: warm at least 0.9x php-fpm on both pages, and at
# least 10x php-cgi per request on WordPress.
print_php_verdicts() {
	local s v b ok
	[ -n "$PHP_SLOTS" ] || return 0
	echo
	echo "Targets (issue 13), warmcgi warm -c $PHP_C against php-fpm" \
	    "static $PHP_C and warmcgi exec -c $PHP_C:"
	for s in php wp; do
		[ -n "${VAL[$s|wcp]:-}" ] || continue
		v=${VAL[$s|wcp]}; b=${VAL[$s|fpm]:-0}; ok=0
		ge "$v" "$(awk -v b="$b" 'BEGIN { print 0.9 * b }')" &&
		    [ "${ERR[$s|wcp]}" = none ] && ok=1
		verdict "$(scen_name "$s"): warm >= 0.9x php-fpm" "$ok" \
		    "$v vs $b req/s ($(ratio "$v" "$b")), errors: ${ERR[$s|wcp]}"
	done
	if [ -n "${VAL[wp|wcp]:-}" ]; then
		v=${VAL[wp|wcp]}; b=${VAL[wp|wcpx]:-0}; ok=0
		ge "$v" "$(awk -v b="$b" 'BEGIN { print 10 * b }')" &&
		    [ "${ERR[wp|wcp]}" = none ] && ok=1
		verdict "WordPress: warm >= 10x php-cgi per request" "$ok" \
		    "$v vs $b req/s ($(ratio "$v" "$b"))"
	fi
	return 0
}

# The WordPress of the wp scenario: a copy of Debian's in $T/wp on a
# MariaDB of its own in $T/db (socket $T/db.sock), installed by its
# installer's form run through php-cgi, with this server's address.  The
# database runs outside the wrappers' cgroups: its work is the same for
# every row and is not in their costs.
setup_wp() {
	wp_copy "$T" || die "wp: $wp_why"
	wp_db_start "$T" || die "wp: $wp_why"
	wp_install_cgi "127.0.0.1:$PORT" "bench-$RANDOM$RANDOM" ||
		die "wp: $wp_why"
	say "wp: WordPress installed in $T/wp, MariaDB pid $WP_DB_PID"
}

# ---------------------------------------------------------------- main
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
cg_setup
start_server
say "$SERVER on 127.0.0.1:$PORT, temp dir $T"
case " $SCENARIOS " in *" wp "*) setup_wp ;; esac
for scen in $SCENARIOS; do
	for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
		for slot in $(scenario_slots "$scen"); do
			run_one "$scen" "$slot"
		done
	done
done
pick_medians
print_table
print_base_compare
print_opts_compare
print_checks
print_verdicts
print_php_verdicts
exit 0
