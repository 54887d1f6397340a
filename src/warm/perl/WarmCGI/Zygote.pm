package WarmCGI::Zygote;

# warmcgi zygote for Perl CGI scripts: src/warm/PROTOCOL.md, version 1.
#
#   perl [flags of the script's #! line] -I LIBEXECDIR/perl -MWarmCGI::Zygote SCRIPT
#
# perl compiles SCRIPT as its main program (BEGIN blocks and `use` run
# once, here).  Our INIT block was queued before any of the script's, so it
# runs first: it is the zygote loop.  It forks once per request and only
# ever returns in a request process, which then runs the script's own INIT
# blocks and main program exactly as a cold `perl SCRIPT` would, and exits
# as one would (END blocks, DESTROY, flushing, exit status).
#
# Core Perl only.  All our I/O is raw (POSIX::read/write, sysread on
# binmode'd sockets), so layers that the script's #! flags (-C) or BEGIN
# blocks put on STDIN/STDOUT/STDERR never get in our way.

use strict;
use warnings;
use POSIX ();

our $VERSION = '1';

my $TIMEOUT = 5;	# seconds to get a whole preamble and the E connection
my %SIG0;		# %SIG as the script's compile phase left it
my @DATA;		# open PKG::DATA handles: [glob, fd, offset, utf8]

INIT {
	# What a cold run has when its main program starts: the signal
	# handlers its compile phase installed (all others at their default,
	# as the daemon spawns us), and its DATA handles' positions.
	%SIG0 = map { $_ => $SIG{$_} } grep { !/^__/ } keys %SIG;
	@DATA = data_handles();
	my $req = serve();	# returns in a request process only
	start_request($req);
	# Return from INIT: perl runs the script's main program.
}

# Log a line to the daemon (fd 2); fatal() also ends the zygote, without
# running the script's END blocks.
sub logmsg { my $m = "warmcgi-zygote[$$]: $_[0]\n"; POSIX::write(2, $m, length($m)) }
sub fatal { logmsg($_[0]); POSIX::_exit(1) }

# The zygote loop.  Returns the request (a hash) in a request process; the
# zygote itself only leaves by _exit(0) when fd 0 reaches EOF.
sub serve {
	local $SIG{__DIE__};	# the script's handlers are not for our errors
	local $SIG{__WARN__};
	my ($lfd) = ($ENV{WARMCGI_ZYGOTE_FD} // 3) =~ /\A([0-9]+)\z/;	# untainted
	defined $lfd or fatal("bad WARMCGI_ZYGOTE_FD");
	open(my $listen, '+<&=', $lfd) or fatal("fd $lfd: $!");
	# Whatever the compile phase printed goes out now, before READY, not
	# into every request.
	{ my $old = select(STDOUT); my $af = $|; $| = 1; $| = $af; select($old) }
	POSIX::write(1, "READY\n", 6) or fatal("write READY: $!");
	while (1) {
		my $rin = '';
		vec($rin, 0, 1) = 1;
		vec($rin, fileno($listen), 1) = 1;
		my $n = select(my $rout = $rin, undef, undef, undef);
		next if $n < 0 && $! == POSIX::EINTR();
		fatal("select: $!") if $n < 0;
		if (vec($rout, 0, 1)) {
			my $got = POSIX::read(0, my $buf, 512);
			POSIX::_exit(0) if defined $got && $got == 0;	# EOF: exit now, quietly
		}
		next unless vec($rout, fileno($listen), 1);
		my $req = eval { accept_pair($listen) };
		logmsg($@ =~ s/\n\z//r) if $@;
		return $req if $req;
	}
}

# Accept one D/E pair, check it, and fork the request process.  Returns the
# request in the request process, nothing in the zygote; dies on a bad
# pair.  D and E are closed in the zygote when they go out of scope.
sub accept_pair {
	my ($listen) = @_;
	my $deadline = time + $TIMEOUT;
	accept(my $d, $listen) or die "accept: $!\n";
	binmode($d);
	my ($tok) = line($d, $deadline) =~ /\AWCGI1 D ([0-9A-Fa-f]{16})\n\z/
	    or die "bad preamble on D\n";
	my ($len) = line($d, $deadline) =~ /\A([0-9]{1,9})\n\z/
	    or die "bad payload length on D\n";
	my $payload = readn($d, $len, $deadline);
	readable($listen, $deadline) or die "no E connection\n";
	accept(my $e, $listen) or die "accept E: $!\n";
	binmode($e);
	line($e, $deadline) eq "WCGI1 E $tok\n" or die "bad preamble or token on E\n";

	# cwd, argc, argv[0..argc-1], envc, env[0..envc-1], each NUL-terminated
	my @f = split /\0/, $payload, -1;
	(@f >= 3 && pop(@f) eq '') or die "bad payload\n";
	my ($cwd, $argc) = splice(@f, 0, 2);
	($argc =~ /\A[0-9]+\z/ && @f > $argc) or die "bad argc\n";
	my @argv = splice(@f, 0, $argc);
	my $envc = shift @f;
	($envc =~ /\A[0-9]+\z/ && @f == $envc) or die "bad envc\n";

	my $pid = fork() // die "fork: $!\n";
	if ($pid == 0) {
		# Intermediate child: fork the request process and leave at
		# once, without END blocks or flushing.  The request process
		# is reparented to the daemon (a child subreaper).
		my $pid2 = fork();
		POSIX::_exit(1) unless defined $pid2;
		POSIX::_exit(0) if $pid2;
		return { listen => $listen, d => $d, e => $e, cwd => $cwd,
		    argv => \@argv, env => \@f };
	}
	waitpid($pid, 0);
	return;
}

# Read one "\n"-terminated line, byte by byte so that nothing after it is
# consumed.
sub line {
	my ($fh, $deadline) = @_;
	my $s = '';
	while ($s !~ /\n\z/) {
		length($s) < 64 or die "line too long\n";
		$s .= readn($fh, 1, $deadline);
	}
	return $s;
}

# Read exactly $n bytes before $deadline.
sub readn {
	my ($fh, $n, $deadline) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		readable($fh, $deadline) or die "timeout\n";
		my $r = sysread($fh, $buf, $n - length($buf), length($buf));
		next if !defined $r && $! == POSIX::EINTR();
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
		return 0 if $n == 0 || $! != POSIX::EINTR();
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

# Steps 1-4 of PROTOCOL.md "One request", in the request process.
sub start_request {
	my ($r) = @_;
	# 1. own process group, so that the daemon can kill(-pid) the tree
	POSIX::setpgid(0, 0);
	# 2. our pid, before anything else is written on E
	syswrite($r->{e}, "P$$\n");
	# 3. descriptors: D on 0 and 1, E on 2, nothing of the zygote's.
	# Perl's STDIN/STDOUT/STDERR stay the same handles (with the
	# layers the compile phase gave them, as in a cold run) over the new
	# descriptors; the zygote never read or left output in them.
	close($r->{listen});
	POSIX::dup2(fileno($r->{d}), 0);
	POSIX::dup2(fileno($r->{d}), 1);
	POSIX::dup2(fileno($r->{e}), 2);
	close($r->{d});
	close($r->{e});
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
	for (@{ $r->{env} }) {
		my ($k, $v) = split /=/, $_, 2;
		$ENV{$k} = $v if defined $v && $k ne '';
	}
	$0 = $r->{argv}[0] if @{ $r->{argv} };
	@ARGV = @{ $r->{argv} }[1 .. $#{ $r->{argv} }];
	my ($cwd) = $r->{cwd} =~ /\A(.*)\z/s;	# untainted for perl -T
	unless (chdir($cwd)) {
		print STDERR "warmcgi-zygote: chdir $cwd: $!\n";
		POSIX::_exit(127);
	}
	$SIG{$_} = $SIG0{$_} // 'DEFAULT' for keys %SIG0;
	POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new());
	srand();
	# The rest of what a fresh perl has: its start time, clean status
	# variables, and an @INC without our -I directory.
	$^T = time;
	(my $inc = $INC{'WarmCGI/Zygote.pm'} // '') =~ s{/WarmCGI/Zygote\.pm\z}{};
	@INC = grep { $_ ne $inc } @INC;
	($!, $?, $@) = (0, 0, '');
}

1;
