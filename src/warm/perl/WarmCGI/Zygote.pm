package WarmCGI::Zygote;

# warmcgi zygote for Perl CGI scripts: src/warm/PROTOCOL.md, version 2.
#
#   perl [flags of the script's #! line] -I LIBEXECDIR/perl -MWarmCGI::Zygote SCRIPT
#
# perl compiles SCRIPT as its main program (BEGIN blocks and `use` run
# once, here).  Our INIT block was queued before any of the script's, so it
# runs first: it is the zygote loop.  It forks once per request and only
# ever returns in a request process, which then runs the script's own INIT
# blocks and main program exactly as a cold `perl SCRIPT` would, and exits
# as one would (END blocks, DESTROY, flushing, exit status), which the
# zygote reaps and reports to the daemon.
#
# Core Perl only, and our XS module if it was built.  All our I/O is raw
# (sysread/syswrite on handles of our own), so layers that the script's #!
# flags (-C) or BEGIN blocks put on STDIN/STDOUT/STDERR never get in our
# way.
#
# Every module loaded here is in every request process, which a cold run
# does not have, and makes each one slower: forking copies its page tables,
# and perl's global destruction at exit visits all its symbols, writing to
# each (a page copy each time).  POSIX and Socket, 2400 symbols, cost a
# CGI.pm request a third of a millisecond, so they are not used: the few
# constants below are the same on every Linux architecture, and POSIX is
# loaded only to leave by _exit() on a rare path.

use strict;
use warnings;
use Fcntl qw(F_DUPFD F_GETFL F_SETFL O_NONBLOCK);

our $VERSION = '1';

# quick_exit(), from zygote_exit.c: a request process leaves without
# global destruction where that would run no code and have no effect
# (each glob and object it would write to is a page copied).  Optional:
# without it, a request ends as a cold run does, only slower.  Loaded only
# into the perl it was built by, the same version and binary (written
# beside it, Zygote.perl): another perl lays its interpreter out otherwise.
{
	my $want = "$] " . join(':', (stat '/proc/self/exe')[0, 1]) . "\n";
	for my $dir (grep { !ref } @INC) {
		open(my $f, '<', "$dir/auto/WarmCGI/Zygote/Zygote.perl") or next;
		my $built = <$f>;
		close($f);
		eval { require XSLoader; XSLoader::load('WarmCGI::Zygote'); 1 }
		    if defined $built && $built eq $want;
		last;
	}
}

my $TIMEOUT = 5;	# seconds to get a whole preamble and the E connection
my $SYS_pidfd_open = 434;	# unified numbers (since Linux 5.1)
my $SYS_close_range = 436;
my ($EINTR, $WNOHANG, $AF_UNIX, $MSG_PEEK, $MSG_NOSIGNAL) =
    (4, 1, 1, 2, 0x4000);
my ($CTL, $OUT, $LOG);	# ours on fds 0 (daemon), 1 (reports), 2 (log)
my $LEARN_MAX = 256;	# modules a zygote loads on behalf of its requests
my @SIGFIX;		# [signal, handler]: where the zygote's %SIG differs
			# from what the script's compile phase left
my @DATA;		# open PKG::DATA handles: [glob, fd, offset, utf8]
my $SOCKNAME;		# our listening socket's address
my $in_request = 0;	# this is a request process (or its fork)
my %INC0;		# %INC when the zygote last loaded something
my $NINC0;		# ... how many keys it had
my $learned = 0;
my $pending = '';	# reported, not yet looked at
my $pending_since;	# ... since then
my %REFUSED;		# failed their trial: never again
my $CHLD0;		# the script's own $SIG{CHLD}
my @KPID;		# pidfd => pid of the child it watches (the spare or a
			# request process), 0 for none
my (@MASK, @UNMASK);	# pidfd => its bit in $RIN as a string, and the rest
my %NOFD;		# request processes without a pidfd (an old kernel)
my $NOPIDFD = 0;	# ... how many children have none, the spare included
my @RLIMITS;		# [resource, soft, hard] of each request (WARMCGI_RLIMITS)
my $NICE;		# ... and its niceness (WARMCGI_NICE)
my ($DIE0, $WARN0);	# the script's $SIG{__DIE__} and $SIG{__WARN__}
my $HOOKS;		# ... which of them exist (1, 2), as keys of %SIG
# serve()'s state, declared together so that perl puts the scalars side
# by side: its loop writes them between two forks.  $RIN holds the bits of
# fd 0, $NOTE and the children's pidfds.
my ($RIN, $ROUT, $NSEL, $LEFT, $ERR, $GOT, $PID, $FD, $BUF);
my $KTOP;	# $#KPID, kept: counting an array makes an SV
# The spare: a child forked ahead of a request, that accepts and reads the
# next request itself and then tells us it took it ("T" on
# $NOTE), so that the zygote's loop writes few pages of its own (each one
# a copy per request) and the spare's reading is done once, in the process
# that runs the request.  It forwards learning reports to us ("L" LEN
# "\n" and LEN bytes).  It leaves when $LIFE, a pipe whose write end only
# the zygote holds, is readable: EOF, the zygote has gone, or a byte, the
# zygote replaces it.
my ($SPARE, $SPARE_FD) = (0, -1);	# its pid and pidfd; 0: none
my ($LIFE, $LIFE_W);	# that pipe (non-blocking: we empty it)
my $RETIRING = 0;	# a byte was written for the spare
my ($NOTE, $NOTE_W);	# a socket pair: spares write, we read
my $NOTES = '';		# what was read from $NOTE, not yet acted on
# The request being started, filled in by accept_pair() before the fork.
# A request process only has to use them: nothing of the zygote's loop is
# left to unwind or free in it, which would write (and so copy) pages it
# shares with the zygote.
my $LISTEN;		# our listening socket
my ($RD, $RE);		# the request's D and E connections
my $RCWD;		# ... its cwd, untainted
my @RARGV;		# ... its argv
my ($RPAY, $RENVAT);	# ... its payload, and where its environment
			# ("NAME=value\0" each) starts in it
my $SYS_prlimit64;	# no builtin, and its number is the architecture's
my %PRLIMIT64 = (x86_64 => 302, aarch64 => 261, riscv64 => 261,
    loongarch64 => 261, i386 => 340, i486 => 340, i586 => 340, i686 => 340,
    arm => 369, armv7l => 369, powerpc64 => 325, powerpc64le => 325,
    ppc64 => 325, ppc64le => 325, s390x => 334);

INIT {
	$CHLD0 = $SIG{CHLD};
	snapshot();
	setup();
	serve();	# returns in a request process only
	start_request();
	# Return from INIT: perl runs the script's main program.
}

# A request process tells the zygote which modules it loaded at run time
# (required inside a function, as CGI.pm loads HTML::Entities): the next
# requests find them loaded.  This END block was compiled before the
# script's, so it runs after them.
END {
	return unless $in_request;
	report();
	# Perl's destruction then asks it first whether it would be seen.
	quick_exit() if defined &quick_exit;
}

# On a connection of its own (PROTOCOL.md "Learning"), so that no
# descriptor of ours is open while the script runs.
sub report {
	# Listing %INC writes to each key's shared string, a page copy
	# each: a request that loaded nothing (and unloaded nothing) is
	# told by the count alone.
	return if keys(%INC) == $NINC0;
	local ($?, $!, $@);
	my $s = join '', map { "$_\t$INC{$_}\n" } grep {
	    !exists $INC0{$_} && defined $INC{$_} && !ref $INC{$_} } sort keys %INC;
	return unless length $s && length $s <= 65536;
	for my $type (1, 2) {	# SOCK_STREAM is 2 on MIPS, 1 elsewhere
		socket(my $c, $AF_UNIX, $type, 0) or next;
		# A full backlog (a busy zygote): give up rather than wait.
		fcntl($c, F_SETFL, fcntl($c, F_GETFL, 0) | O_NONBLOCK) or return;
		connect($c, $SOCKNAME) or next;
		syswrite($c, "WCGI1 L\n$s");
		return;
	}
}

# In the zygote: load what requests reported, if this zygote would find
# the very file they loaded and if a trial load in a throwaway child leaves
# nothing behind that a request would notice (see trial()).  Its compile
# phase runs here, like the script's own `use`: failures are ignored, the
# requests load it themselves.
sub learn {
	my (@want, %seen);
	for (split /\n/, $pending) {
		last if $learned + @want + keys(%REFUSED) >= $LEARN_MAX;
		my ($key, $path) = m{\A(\w[\w/.-]*\.pm)\t(/[^\t]+)\z} or next;
		next if exists $INC{$key} || $REFUSED{$key} || $seen{$key}++ ||
		    $key =~ m{(?:\A|/)\.\.(?:/|\z)};
		my ($found) = grep { -f } map { "$_/$key" } grep { !ref } @INC;
		push @want, $key if defined $found && $found eq $path;
	}
	$pending = '';
	@want = trial(@want) or return;
	# fd 1 is the daemon's: what a module prints goes to fd 2.
	open(my $saved, '>&', $OUT) or return;
	$learned += @want;
	local ($@, $!, $?);
	local $SIG{__WARN__} = sub {};
	local $SIG{__DIE__};
	fd_dup2($LOG, 1);
	for my $key (@want) {
		eval { require $key; 1 } or delete $INC{$key};
		$SIG{CHLD} = 'DEFAULT';
	}
	flush_stdout();
	fd_dup2($saved, 1);
	close($saved);
	snapshot();	# a module may have opened its DATA
	spare_retire();	# the next one has them
}

# The modules, in order, that a child of ours loads one after the other,
# up to the first whose load fails, takes over a second or so, or changes
# anything side_effects() looks at (that would reach requests that never
# load it).  That one is refused for good; those after it wait for a later
# report.  Loaded in the same order here, the clean ones find what they
# found in the trial.
sub trial {
	my @keys = @_;
	return unless @keys;
	pipe(my $r, my $w) or return;
	my $pid = fork() // return;
	if ($pid == 0) {
		close($r);
		fd_dup2($LOG, 1);
		local $SIG{__WARN__} = sub {};
		local $SIG{__DIE__};
		require B;
		for my $key (@keys) {
			my $before = side_effects();
			my $clean = eval { require $key; 1 } &&
			    side_effects() eq $before;
			syswrite($w, ($clean ? '+' : '!') . "$key\n");
			last unless $clean;
		}
		hard_exit(0);
	}
	close($w);
	# 1 to 2 s: well inside the daemon's 5 s wait for a P line.
	my ($out, $deadline) = ('', time + 2);
	while (readable($r, $deadline)) {
		my $n = sysread($r, $out, 65536, length($out));
		last unless $n;
	}
	close($r);
	kill('KILL', $pid);
	waitpid($pid, 0);
	my @done = $out =~ /^([+!].*)\n/mg;	# whole lines only
	if (@done && $done[-1] =~ /\A!(.*)\z/s) {
		$REFUSED{$1} = 1;
		pop @done;
	} elsif (@done < @keys) {		# out of time loading this one
		$REFUSED{$keys[@done]} = 1;
	}
	return map { substr($_, 1) } @done;
}

# What a module's load may change that every request of a zygote that
# loaded it would see: END blocks, signal and warn/die handlers,
# descriptors, environment, @INC, cwd; the layers and autoflush of
# STDIN/STDOUT/STDERR (binmode, $|) and the handle print selects; $/, $\,
# $, and $"; the umask; CORE::GLOBAL:: overrides of built-in functions.
sub side_effects {
	my $end = B::end_av();
	opendir(my $fds, "/proc/self/fd");
	my @fds = sort grep { /\A[0-9]+\z/ } readdir($fds);
	closedir($fds);
	my $sel = select;
	my @io = map { select($_); ($|, PerlIO::get_layers($_), ';') }
	    \*STDIN, \*STDOUT, \*STDERR;
	select($sel);
	no strict 'refs';
	my @core = map { "$_=" . \&{"CORE::GLOBAL::$_"} }
	    grep { defined &{"CORE::GLOBAL::$_"} } sort keys %CORE::GLOBAL::;
	no warnings 'uninitialized';
	return join "\0", ($end->isa('B::AV') ? $end->FILL : -1),
	    (map { "$_=$SIG{$_}" } sort keys %SIG), @fds,
	    (map { "$_=$ENV{$_}" } sort keys %ENV), @INC, readlink('/proc/self/cwd'),
	    "$sel", @io, (map { defined ? "=$_" : '' } $/, $\, $,, $"),
	    umask, @core;
}

# What a cold run has when its main program starts: the signal handlers
# its compile phase installed (all others at their default, as the daemon
# spawns us; SIGCHLD as the script left it), and its DATA handles'
# positions.  Also %INC, which report() compares with: taken here, not in
# each request process, where copying it would cost page copies.
sub snapshot {
	%INC0 = %INC;
	$NINC0 = keys(%INC0);
	my %want = map { $_ => $SIG{$_} // 'DEFAULT' } grep { !/^__/ } keys %SIG;
	$want{CHLD} = $CHLD0 // 'DEFAULT';
	@DATA = data_handles();
	$SIG{CHLD} = 'DEFAULT';	# ours to reap, whatever the script chose
	@SIGFIX = map { [$_, $want{$_}] }
	    grep { ($SIG{$_} // 'DEFAULT') ne $want{$_} } keys %want;
}

# Write out what STDOUT holds (setting $| flushes), leaving $| as it was.
sub flush_stdout {
	my $old = select(STDOUT);
	my $af = $|;
	$| = 1;
	$| = $af;
	select($old);
}

# Log a line to the daemon (fd 2); fatal() also ends the zygote, without
# running the script's END blocks.
sub logmsg {
	my $m = "warmcgi-zygote[$$]: $_[0]\n";
	utf8::encode($m) if utf8::is_utf8($m);
	syswrite($LOG, $m);
}
sub fatal { logmsg($_[0]); hard_exit(1) }

# Leave at once: no END blocks, no destruction, no flushing.
sub hard_exit {
	require POSIX;
	POSIX::_exit($_[0]);
}

# dup2(): put handle $src's descriptor on $fd, under whatever perl handle
# is on $fd (STDOUT keeps its layers; perl's open() would give a socket
# a new output layer stack).  $fd is free between the two calls: nothing
# else runs in this process.
sub fd_dup2 {
	my ($src, $fd) = @_;
	return if fileno($src) == $fd;
	if (syscall($SYS_close_range, $fd, $fd, 0) == 0) {
		fcntl($src, F_DUPFD, $fd) // fatal("F_DUPFD: $!");
	} else {				# Linux < 5.9
		require POSIX;
		POSIX::dup2(fileno($src), $fd);
	}
}

sub fd_close {
	return if syscall($SYS_close_range, $_[0], $_[0], 0) == 0;
	open(my $h, '<&=', $_[0]) or return;	# Linux < 5.9
	close($h);
}

# The zygote's descriptors, limits and code pages; then READY.  The
# script's warn and die handlers are not for our errors: they are put back
# in each request process.
sub setup {
	# (Deleted, not set to undef: a cold run has no such keys in %SIG.)
	$HOOKS = (exists $SIG{__DIE__} ? 1 : 0) | (exists $SIG{__WARN__} ? 2 : 0);
	$DIE0 = delete $SIG{__DIE__};
	$WARN0 = delete $SIG{__WARN__};
	open($LOG, '>&=', 2) or die "fd 2: $!\n";
	open($OUT, '>&=', 1) or fatal("fd 1: $!");
	open($CTL, '<&=', 0) or fatal("fd 0: $!");
	my ($lfd) = ($ENV{WARMCGI_ZYGOTE_FD} // 3) =~ /\A([0-9]+)\z/;	# untainted
	defined $lfd or fatal("bad WARMCGI_ZYGOTE_FD");
	limits_init();
	open($LISTEN, '+<&=', $lfd) or fatal("fd $lfd: $!");
	$SOCKNAME = getsockname($LISTEN) or fatal("getsockname: $!");
	# Whatever the compile phase printed goes out now, before READY, not
	# into every request.
	flush_stdout();
	# A fresh perl's @INC has no directory of ours.
	# (Nor the build tree's, where a VPATH build put our XS module.)
	(my $inc = $INC{'WarmCGI/Zygote.pm'} // '') =~ s{/WarmCGI/Zygote\.pm\z}{};
	@INC = grep { $_ ne $inc && (ref || !-e "$_/auto/WarmCGI/Zygote") }
	    @INC;
	share_code();
	syswrite($OUT, "READY\n") or fatal("write READY: $!");
	for my $type (1, 2) {	# SOCK_STREAM is 2 on MIPS, 1 elsewhere
		last if socketpair($NOTE, $NOTE_W, $AF_UNIX, $type, 0);
	}
	defined fileno($NOTE) or fatal("socketpair: $!");
	pipe($LIFE, $LIFE_W) or fatal("pipe: $!");
	# Raw descriptors under our handles: fork() flushes every buffered
	# handle, writing to each one's buffer (copied pages).
	binmode($_, ':pop') for $LOG, $OUT, $CTL, $LISTEN, $NOTE, $NOTE_W,
	    $LIFE, $LIFE_W;
	fcntl($LIFE, F_SETFL, fcntl($LIFE, F_GETFL, 0) | O_NONBLOCK)
	    or fatal("fcntl: $!");
	# The spare's notes are read as they come, without waiting.
	fcntl($NOTE, F_SETFL, fcntl($NOTE, F_GETFL, 0) | O_NONBLOCK)
	    or fatal("fcntl: $!");
	# Buffers of their final size, each its own (not a copy-on-write
	# share of a constant), made once: growing one in the loop would
	# allocate (and write) memory per request.  1024 bits, as select()
	# has, grown by mask() for a pidfd above; 512 bytes read at most.
	vec($_, 1023, 1) = 0 for $RIN, $ROUT;
	vec($BUF, 8 * 512, 1) = 0;
	@KPID = (0) x 64;
	$KTOP = $#KPID;
	vec($RIN, 0, 1) = 1;
	vec($RIN, fileno($NOTE), 1) = 1;
}

# The zygote loop.  Returns in a request process only; the zygote itself
# only leaves by _exit(0) when fd 0 reaches EOF.  Each fork makes every
# page shared again, so each page this loop writes costs a copy per
# request: all it does is keep a spare forked, turn the spare that took a
# request into a request process it watches, and reap.  The accepting and
# reading is the spare's (spare()), the loop's state is in the scalars
# above, updated in place, and a request process leaves the loop at once.
# What each request takes (a fork, the spare's "T", a request process's
# exit) is done here, inline: a sub called writes its own pad, depth and
# @_ (pages copied per request); the subs it calls are for rarer events.
sub serve {
	while (1) {
		if (!$SPARE) {
			$PID = fork();
			if (!defined $PID) {
				logmsg("fork: $!");
			} elsif ($PID == 0) {
				close($LIFE_W);
				close($NOTE);
				spare();
				return;
			} else {
				# Its exit makes its pidfd readable, with no
				# race against select; without one, it is
				# polled for.
				$SPARE = $PID;
				$SPARE_FD = syscall($SYS_pidfd_open, $PID, 0);
				if ($SPARE_FD < 0) {
					$NOPIDFD++;
				} else {
					mask($SPARE_FD) unless defined $MASK[$SPARE_FD];
					$KPID[$SPARE_FD] = $PID;
					# (In place: vec() as an lvalue
					# allocates.)
					$RIN |= $MASK[$SPARE_FD];
				}
			}
		}
		# A child without a pidfd (an old kernel) is polled for; a
		# spare that could not be forked is tried again.
		$ROUT = $RIN;
		$NSEL = select($ROUT, undef, undef,
		    $NOPIDFD || !$SPARE ? 0.05 : length $pending ? 0.01 : undef);
		if ($NSEL < 0) {
			# (Reading $! makes its string too: a few copied
			# pages.)
			$ERR = $! + 0;
			next if $ERR == $EINTR;
			$! = $ERR;
			fatal("select: $!");
		}
		# Ready descriptors not yet accounted for: a pidfd still
		# ready after the reaping below belongs to a child that
		# waitpid(-1) does not give us.
		$LEFT = $NSEL > 0 ? $NSEL - vec($ROUT, 0, 1) : 0;
		# The spare's notes; a lone "T" (it took a request) is acted
		# on here.
		if ($NSEL > 0 && vec($ROUT, fileno($NOTE), 1)) {
			$LEFT--;
			$GOT = sysread($NOTE, $BUF, 512);
			if (defined $GOT && $GOT == 1 && $BUF eq 'T' &&
			    !length $NOTES && $SPARE) {
				$NOFD{$SPARE} = 1 if $SPARE_FD < 0;
				$SPARE = 0;
				$SPARE_FD = -1;
				spare_done() if $RETIRING;
			} else {
				$NOTES .= $BUF if $GOT;
				notes();
			}
		}
		# Report each request process that has exited: "X<pid>
		# <wait status>".  The spare tells us it took a request
		# before it can exit.
		while (($PID = waitpid(-1, $WNOHANG)) > 0) {
			if ($PID == $SPARE) {
				notes();
				if ($PID == $SPARE) {
					$LEFT -= vec($ROUT, $SPARE_FD, 1)
					    if $SPARE_FD >= 0 && $NSEL > 0;
					spare_gone();
					next;
				}
			}
			# (Not a hash of pids: storing and deleting keys
			# writes several pages.)
			$FD = $KTOP;
			$FD-- while $FD >= 0 && $KPID[$FD] != $PID;
			if ($FD >= 0) {
				$LEFT -= vec($ROUT, $FD, 1) if $NSEL > 0;
				# unwatch($FD), inline
				$KPID[$FD] = 0;
				$RIN &= $UNMASK[$FD];
				syscall($SYS_close_range, $FD, $FD, 0) == 0
				    or fd_close($FD);
			} elsif ($NOPIDFD && delete $NOFD{$PID}) {
				$NOPIDFD--;
			} else {
				next;	# a spare's exit we did not wait for
			}
			# (sprintf: "$PID" would store a string in $PID.)
			syswrite($OUT, sprintf("X%d %d\n", $PID, $?))
			    or fatal("write: $!");
		}
		reap_lost() if $LEFT > 0;
		# Learn when no request waits, or it would wait long.
		if (length $pending && ($NSEL == 0 || time - $pending_since >= 1)) {
			learn();
			next;
		}
		if ($NSEL > 0 && vec($ROUT, 0, 1)) {
			$GOT = sysread($CTL, $BUF, 512);
			quit() if defined $GOT && $GOT == 0;	# EOF: exit now, quietly
		}
	}
}

# Make the select() bit strings of pidfd $fd, growing $RIN (and all of
# them) if it has no bit for it.
sub mask {
	my ($fd) = @_;
	if ($fd >= 8 * length $RIN) {
		$RIN .= "\0" x (length $RIN);
		@MASK = @UNMASK = ();
		mask($_) for grep { $KPID[$_] } 0 .. $#KPID;
		return mask($fd);
	}
	$KPID[$_] //= 0 for 0 .. $fd;
	$KTOP = $#KPID;
	my $m = "\0" x length $RIN;
	vec($m, $fd, 1) = 1;
	$MASK[$fd] = $m;
	$UNMASK[$fd] = ~$m;
}

# Stop watching pidfd $fd (its child has exited) and close it.
sub unwatch {
	my ($fd) = @_;
	$KPID[$fd] = 0;
	$RIN &= $UNMASK[$fd];
	fd_close($fd);
}

# The zygote ends (its fd 0 reached EOF): its spare, which has taken no
# request (one that took one has told us so and is a request process),
# goes first, so that none is left behind.
sub quit {
	if ($SPARE) {
		kill('KILL', $SPARE);
		waitpid($SPARE, 0);
	}
	hard_exit(0);
}

# The zygote has changed (it learnt modules): a spare forked before would
# not have them.  It leaves when it sees the byte on its pipe, or goes on
# with the request it is already reading; the next one is forked once it
# has gone or has told us, and the byte is taken back then.
sub spare_retire {
	return unless $SPARE && !$RETIRING;
	$RETIRING = 1 if syswrite($LIFE_W, "x");
}

# The spare has gone or become a request process: no byte is left for the
# next one.
sub spare_done {
	$SPARE = 0;
	$SPARE_FD = -1;
	return unless $RETIRING;
	sysread($LIFE, $BUF, 64);
	$RETIRING = 0;
}

# In a spare: wait for a request and read it (into $RD, $RE and the other
# request variables), tell the zygote, return.  Leaves when its pipe is
# readable.
sub spare {
	my $rin = '';
	vec($rin, fileno($LIFE), 1) = 1;
	vec($rin, fileno($LISTEN), 1) = 1;
	while (1) {
		my $n = select(my $rout = $rin, undef, undef, undef);
		next if $n < 0 && $! == $EINTR;
		hard_exit(0) if $n < 0 || vec($rout, fileno($LIFE), 1);
		next unless vec($rout, fileno($LISTEN), 1);
		my $got = eval { accept_pair() };
		logmsg($@ =~ s/\n\z//r) if $@ && $@ ne "gone\n";
		next unless $got;
		# Before the P line: if the zygote has gone, nobody would
		# report our exit, so the request is not ours to run.
		note("T") or hard_exit(127);
		return;
	}
}

# In a spare: a message to the zygote; false if it could not be sent.
sub note {
	my $sent = send($NOTE_W, $_[0], $MSG_NOSIGNAL);
	return defined $sent && $sent == length $_[0];
}

# In the zygote: act on what spares told us (serve() has read the lone
# "T" of a usual request itself).
sub notes {
	1 while sysread($NOTE, $NOTES, 65536, length $NOTES);
	while (length $NOTES) {
		if (substr($NOTES, 0, 1) eq 'T') {
			substr($NOTES, 0, 1) = '';
			next unless $SPARE;
			$NOFD{$SPARE} = 1 if $SPARE_FD < 0;
			spare_done();
		} elsif ($NOTES =~ /\AL([0-9]+)\n/ &&
		    length($NOTES) >= $+[0] + $1) {
			$pending_since = time unless length $pending;
			$pending .= substr($NOTES, $+[0], $1);
			substr($NOTES, 0, $+[0] + $1) = '';
		} else {
			last;
		}
	}
}

# fork() copies the page table entries of a mapping only if it has private
# pages: a read-only mapping of a file (the code and constants of perl and
# its libraries) is left for each request process to fault in again, the
# pages the zygote has used included.  Giving each such mapping one private
# page, by writing one of its bytes back through /proc/self/mem as a
# debugger sets a breakpoint, makes fork() copy its entries.  Best effort:
# a kernel that refuses the write just costs the faults.
sub share_code {
	open(my $maps, '<', '/proc/self/maps') or return;
	open(my $mem, '+<', '/proc/self/mem') or return;
	no warnings 'portable';		# hex() of a 64-bit address
	while (my $l = <$maps>) {
		# start-end perms offset dev inode path: private, read-only
		my ($at) = $l =~ /\A([0-9a-f]+)-[0-9a-f]+ r-[-x]p \S+ \S+ [1-9]/
		    or next;
		$at = hex($at);
		my $b;
		sysseek($mem, $at, 0) && sysread($mem, $b, 1) &&
		    sysseek($mem, $at, 0) && syswrite($mem, $b);
	}
	close($mem);
	close($maps);
}

# Accept one D/E pair and check it.  Returns true with the request in $RD,
# $RE, $RCWD, @RARGV, $RPAY and $RENVAT, false for a learning connection
# or a pair the daemon gave up on; dies on a bad pair.  Until then D and E are
# closed when they go out of scope.
sub accept_pair {
	my $deadline = time + $TIMEOUT;
	accept(my $d, $LISTEN) or die "accept: $!\n";
	binmode($d);
	my $first = line($d, $deadline);
	if ($first eq "WCGI1 L\n") {
		forward(slurp($d, $deadline));
		return;
	}
	# "WCGI1 D" or "E", a 16-digit hex token: compared, not matched (a
	# regex match writes pages, a copy each per request).
	my $ok = length($first) == 25 && substr($first, 24) eq "\n" &&
	    substr($first, 8, 16) !~ tr/0-9A-Fa-f//c;
	# The E of a pair whose D the daemon closed unread: let it go.
	return if $ok && substr($first, 0, 8) eq "WCGI1 E ";
	($ok && substr($first, 0, 8) eq "WCGI1 D ")
	    or die "bad preamble on D\n";
	substr($first, 6, 1) = "E";	# the E line that must follow
	my $len = line($d, $deadline);
	(length($len) > 1 && length($len) < 11 && chop($len) eq "\n" &&
	    $len !~ tr/0-9//c) or die "bad payload length on D\n";
	my $payload = readn($d, $len, $deadline);
	my $e;
	while (1) {	# a report may come between D and E
		readable($LISTEN, $deadline) or die "no E connection\n";
		accept($e, $LISTEN) or die "accept E: $!\n";
		binmode($e);
		my $l = eval { line($e, $deadline) };
		if (!defined $l) {	# "gone": a report that never came
			die $@ unless $@ eq "gone\n";
			next;
		}
		last if $l eq $first;
		$l eq "WCGI1 L\n" or die "bad preamble or token on E\n";
		forward(slurp($e, $deadline));
	}

	# cwd, argc, argv[0..argc-1], envc, env[0..envc-1], each
	# NUL-terminated.
	# Walked with index(), not split into lists, and the environment left
	# in $RPAY for start_request(): each list and regex match writes pages
	# (a copy each) in every request process.
	my $at = index($payload, "\0");
	$at > -1 or die "bad payload\n";
	$RCWD = substr($payload, 0, $at);
	($RCWD) = $RCWD =~ /\A(.*)\z/s if ${^TAINT};	# untainted, perl -T
	@RARGV = ();
	for my $n (0, 1) {	# argc, then envc: that many fields after it
		my $end = index($payload, "\0", ++$at);
		my $c = substr($payload, $at, $end - $at);
		($end > $at && $end - $at < 10 && $c !~ tr/0-9//c) or
		    die($n ? "bad envc\n" : "bad argc\n");
		$at = $end;
		$RENVAT = $at + 1 if $n;
		while ($c-- > 0) {
			$end = index($payload, "\0", $at + 1);
			$end > -1 or die($n ? "bad envc\n" : "bad argc\n");
			push @RARGV, substr($payload, $at + 1, $end - $at - 1)
			    unless $n;
			$at = $end;
		}
	}
	$at == length($payload) - 1 or die "bad envc\n";
	$RPAY = $payload;
	($RD, $RE) = ($d, $e);
	return 1;
}

# In a spare: a learning report, for the zygote.
sub forward {
	note("L" . length($_[0]) . "\n$_[0]") if length $_[0];
}

# Pidfds that were ready but whose children waitpid(-1) did not give
# us: not ours to wait for any more (a module set SIGCHLD to be ignored),
# so reported as killed, so that the daemon does not wait for them for
# ever.
sub reap_lost {
	for my $fd (0 .. $#KPID) {
		my $pid = $KPID[$fd];
		next unless $pid && vec($ROUT, $fd, 1);
		my $got = waitpid($pid, $WNOHANG);
		next if $got == 0;
		my $status = $got == $pid ? $? : 9;
		notes() if $pid == $SPARE;
		if ($pid == $SPARE) {
			spare_gone();
			next;
		}
		unwatch($fd);
		syswrite($OUT, sprintf("X%d %d\n", $pid, $status))
		    or fatal("write: $!");
	}
}

# The spare has gone without a request: retired, or killed.
sub spare_gone {
	if ($SPARE_FD < 0) {
		$NOPIDFD--;
	} else {
		unwatch($SPARE_FD);
	}
	spare_done();
}

# Read one "\n"-terminated line and nothing after it: peek, then read up
# to the line end (or all that was there, and peek again).
sub line {
	my ($fh, $deadline) = @_;
	my $s = '';
	while (1) {
		length($s) < 64 or die "line too long\n";
		readable($fh, $deadline) or die "timeout\n";
		my $peek;
		unless (defined recv($fh, $peek, 64 - length($s), $MSG_PEEK)) {
			next if $! == $EINTR;
			die "recv: $!\n";
		}
		# Closed before a word: the daemon gave up on this request.
		length($peek) or die(length($s) ? "early end of file\n" : "gone\n");
		my $i = index($peek, "\n");
		$s .= readn($fh, $i < 0 ? length($peek) : $i + 1, $deadline);
		return $s if $i >= 0;
	}
}

# Read up to end of file (64 KiB at most) before $deadline.
sub slurp {
	my ($fh, $deadline) = @_;
	my $buf = '';
	while (length($buf) < 65536) {
		readable($fh, $deadline) or die "timeout\n";
		my $r = sysread($fh, $buf, 65536 - length($buf), length($buf));
		next if !defined $r && $! == $EINTR;
		defined $r or die "read: $!\n";
		last if $r == 0;
	}
	return $buf;
}

# Read exactly $n bytes before $deadline.
sub readn {
	my ($fh, $n, $deadline) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		readable($fh, $deadline) or die "timeout\n";
		my $r = sysread($fh, $buf, $n - length($buf), length($buf));
		next if !defined $r && $! == $EINTR;
		defined $r or die "read: $!\n";
		$r > 0 or die "early end of file\n";
	}
	return $buf;
}

# Wait until $fh is readable; false at $deadline.
sub readable {
	my ($fh, $deadline) = @_;
	while ((my $left = $deadline - time) > 0) {
		vec(my $rin = '', fileno($fh), 1) = 1;
		my $n = select($rin, undef, undef, $left);
		return 1 if $n > 0;
		return 0 if $n == 0 || $! != $EINTR;
	}
	return 0;
}

# All open PKG::DATA handles (the script's __DATA__ or __END__, and those
# of modules it loaded), with their position and whether they decode UTF-8.
sub data_handles {
	my @found;
	my @todo = ('main::');
	no strict 'refs';
	while (defined(my $pkg = shift @todo)) {
		my $stash = \%{$pkg};
		push @todo, map { "$pkg$_" } grep { /::\z/ && $_ ne 'main::' } keys %$stash;
		my $glob = $stash->{DATA};
		next unless defined $glob && ref(\$glob) eq 'GLOB' && *{$glob}{IO};
		my $fd = fileno($glob);
		my $pos = defined $fd ? tell($glob) : -1;
		push @found, [$glob, $fd, $pos, scalar grep { $_ eq 'utf8' } PerlIO::get_layers($glob)]
		    if $pos >= 0;
	}
	return @found;
}

# Steps 1-5 of PROTOCOL.md "One request", in the request process.
sub start_request {
	# 1. own process group, so that the daemon can kill(-pid) the tree
	setpgrp(0, 0);
	# 2. our pid, before anything else is written on E.  If that fails,
	# the daemon has closed E (the client went away) and would not track
	# us: leave before any of the script runs.  No SIGPIPE either: the
	# compile phase may have set a handler for it, or ignored it.
	my $p = "P$$\n";
	my $sent = send($RE, $p, $MSG_NOSIGNAL);
	hard_exit(127) unless defined $sent && $sent == length $p;
	# 3. descriptors: D on 0 and 1, E on 2, nothing of the zygote's.
	# Perl's STDIN/STDOUT/STDERR stay the same handles (with the
	# layers the compile phase gave them, as in a cold run) over the new
	# descriptors; the zygote never read or left output in them.
	close($LISTEN);
	# Ours only: with them gone, the script's close(STDOUT) closes fd 1
	# (perl keeps a descriptor open while any handle of its is on it).
	close($_) for $CTL, $OUT, $LOG, $NOTE_W, $LIFE;
	$KPID[$_] && fd_close($_) for 0 .. $KTOP;
	$in_request = 1;
	fd_dup2($RD, 0);
	fd_dup2($RD, 1);
	fd_dup2($RE, 2);
	close($RD);
	close($RE);
	# Our own copy of each DATA handle, same file, same position.
	for (@DATA) {
		my ($glob, $fd, $pos, $utf8) = @$_;
		open(my $fh, '<', "/proc/self/fd/$fd") or next;
		open($glob, '<&', $fh) or next;
		close($fh);
		binmode($glob, ':utf8') if $utf8;
		seek($glob, $pos, 0);
	}
	# 4. environment, argv, cwd, signals, random seed
	%ENV = ();
	# (As split /=/, $_, 2 of each would, without its lists: a name
	# up to the first "=", no entry without one or with an empty name.)
	for (my ($at, $end, $eq) = ($RENVAT); $at < length $RPAY;
	    $at = $end + 1) {
		$end = index($RPAY, "\0", $at);
		$eq = index($RPAY, "=", $at);
		$ENV{substr($RPAY, $at, $eq - $at)} = substr($RPAY, $eq + 1,
		    $end - $eq - 1) if $eq > $at && $eq < $end;
	}
	$0 = $RARGV[0] if @RARGV;
	@ARGV = @RARGV[1 .. $#RARGV];
	unless (chdir($RCWD)) {
		print STDERR "warmcgi-zygote: chdir $RCWD: $!\n";
		hard_exit(127);
	}
	# (Only those that differ: each store costs three system calls.)
	$SIG{$_->[0]} = $_->[1] for @SIGFIX;
	$SIG{__DIE__} = $DIE0 if $HOOKS & 1;
	$SIG{__WARN__} = $WARN0 if $HOOKS & 2;
	srand();
	# The rest of what a fresh perl has: its start time and clean status
	# variables.
	$^T = time;
	# 5. the script's resource limits and niceness
	limits_apply();
	($!, $?, $@) = (0, 0, '');
}

# The daemon's --rlimit and --nice for request processes (PROTOCOL.md).
# prlimit64's number comes from the table above by perl's architecture,
# else from syscall.ph; without one the zygote does not start (the daemon
# runs the script by exec then, applying the limits itself): a limit is
# never skipped.  Config is loaded only when there are limits.
sub limits_init {
	for (split /,/, $ENV{WARMCGI_RLIMITS} // '') {
		/\A([0-9]+):([0-9]+):([0-9]+)\z/
		    or fatal("bad WARMCGI_RLIMITS item \"$_\"");
		push @RLIMITS, [$1 + 0, $2, $3];
	}
	($NICE) = ($ENV{WARMCGI_NICE} // '') =~ /\A([0-9]+)\z/;
	return unless @RLIMITS;
	require Config;
	my $arch = $Config::Config{archname};
	my ($cpu) = $arch =~ /\A([^-]+)/;
	$SYS_prlimit64 = $PRLIMIT64{$cpu // ''}
	    unless $arch =~ /x32/ || $Config::Config{ivsize} < 8;
	unless (defined $SYS_prlimit64) {
		eval { package main; require 'syscall.ph'; };
		$SYS_prlimit64 = eval { main::SYS_prlimit64() };
	}
	defined $SYS_prlimit64 && $Config::Config{ivsize} >= 8
	    or fatal("no prlimit64 system call number for $arch: "
	    . "--rlimit cannot be applied to warm requests");
}

# In a request process, before the script: what an exec'd one gets from
# the daemon.  A failure ends the request before any of the script runs.
sub limits_apply {
	for (@RLIMITS) {
		my $rl = pack('QQ', $_->[1], $_->[2]);
		next if syscall($SYS_prlimit64, 0, $_->[0], $rl, 0) == 0;
		print STDERR "warmcgi-zygote: prlimit64 $_->[0]: $!\n";
		hard_exit(127);
	}
	return unless defined $NICE;
	return if setpriority(0, 0, $NICE + 0);
	print STDERR "warmcgi-zygote: setpriority $NICE: $!\n";
	hard_exit(127);
}

1;
