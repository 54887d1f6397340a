#!/usr/bin/perl
# soak_client.pl: the HTTP side of tests/soak.sh.  Sends requests
# FIRST..FIRST+COUNT-1 of a fixed mix to nginx on 127.0.0.1:PORT from
# PARALLEL processes, one HTTP/1.0 connection per request, and checks
# every answer a good script must give.  Request i is of kind
# $MIX[i % @MIX]: nothing is random, so a run can be repeated.
#
# usage: soak_client.pl PORT FIRST COUNT PARALLEL
#        soak_client.pl PORT hang COUNT ROUNDS
#
# The second form sends COUNT requests to scripts that never end, all at
# once, ROUNDS times, each answer awaited: the timeout must answer 504.
#
# Prints one line per kind: "KIND sent N status S:N ..." and for a good
# kind "good N bad N", then up to 10 lines "BAD ..." naming a wrong
# answer.  Exit status: 0 every good request was answered right (and
# every answer the mix pins down was that one), 1 otherwise, 2 usage.
# Every wait is bounded: a read gets READ_WAIT seconds.

use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use POSIX qw(:sys_wait_h);

my $READ_WAIT = 60;	# s for nginx to send anything
my $BIG = 32768;	# bytes of x after big.pl's first line

# kind => [path, weight, what the answer must be]
#   body: status 200 and the body "ok ID\n" (big: and $BIG x's)
#   NNN: that status, body not looked at
#   any: whatever comes, or nothing (a fault on the script's side)
#   abort: the client hangs up early; nothing is read
my @KINDS = (
	[ 'ok-sh',	'/cgi-bin/ok.sh',	30, 'body' ],
	[ 'ok-pl',	'/cgi-bin/ok.pl',	24, 'body' ],
	[ 'ok-py',	'/cgi-bin/ok.py',	20, 'body' ],
	[ 'big-pl',	'/cgi-bin/big.pl',	4,  'big' ],
	[ 'crash-sh',	'/cgi-bin/crash.sh',	3,  '502' ],
	[ 'crashmid-sh','/cgi-bin/crashmid.sh',	2,  'any' ],
	[ 'killmid-sh',	'/cgi-bin/killmid.sh',	2,  'any' ],
	[ 'killmid-pl',	'/cgi-bin/killmid.pl',	3,  'any' ],
	[ 'die-pl',	'/cgi-bin/die.pl',	2,  'any' ],
	[ 'exc-py',	'/cgi-bin/exc.py',	2,  'any' ],
	[ 'garbage-sh',	'/cgi-bin/garbage.sh',	3,  '502' ],
	[ 'garbage-py',	'/cgi-bin/garbage.py',	1,  '502' ],
	[ 'abort-slow',	'/cgi-bin/slow.sh',	3,  'abort' ],
	[ 'abort-big',	'/cgi-bin/big.pl',	1,  'abort1k' ],
);
my @HANG = (
	[ 'hang-sh',	'/cgi-bin/hang.sh',	1, '504' ],
	[ 'hang-sh-term','/cgi-bin/hang.sh?i=1', 1, '504' ],
	[ 'hang-pl',	'/cgi-bin/hang.pl',	1, '504' ],
	[ 'hang-py',	'/cgi-bin/hang.py',	1, '504' ],
);

sub usage { print STDERR "usage: soak_client.pl PORT FIRST|hang COUNT " .
    "PARALLEL|ROUNDS\n"; exit 2; }

@ARGV == 4 or usage();
my ($port, $first, $count, $par) = @ARGV;
for ($port, $count, $par) { /^\d+$/ or usage(); }
$first eq 'hang' or $first =~ /^\d+$/ or usage();

# The response to GET PATH, read to its end: (status, body), status
# undef when there was none (connection refused, closed or timed out).
# $abort: 0 read all; -1 hang up at once; N hang up after N body bytes.
sub get {
	my ($path, $abort) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port, Proto => 'tcp', Timeout => $READ_WAIT)
	    or return (undef, "connect: $!");
	$s->autoflush(1);
	print $s "GET $path HTTP/1.0\r\nHost: localhost\r\n\r\n";
	if ($abort && $abort < 0) {
		# Let nginx pass the request on first, then hang up.
		select(undef, undef, undef, 0.02);
		close $s;
		return ('abort', '');
	}
	my $sel = IO::Select->new($s);
	my $buf = '';
	while (1) {
		last unless $sel->can_read($READ_WAIT);
		my $n = sysread($s, $buf, 65536, length $buf);
		last unless $n;
		last if $abort && length $buf > $abort;
	}
	close $s;
	return ('abort', '') if $abort;
	my ($st) = $buf =~ m{^HTTP/1\.\d (\d{3})};
	my $i = index($buf, "\r\n\r\n");
	return ($st, $i < 0 ? '' : substr($buf, $i + 4));
}

# Check one answer against what its kind must give: '' or why not.
sub judge {
	my ($k, $id, $st, $body) = @_;
	my $want = $k->[3];
	return '' if $want eq 'any' || $want =~ /^abort/;
	if ($want =~ /^\d+$/) {
		return '' if defined $st && $st eq $want;
		return "status " . ($st // 'none') . ", want $want";
	}
	my $exp = "ok $id\n" . ($want eq 'big' ? ('x' x $BIG) . "\n" : '');
	return "status " . ($st // 'none') . ": $body"
	    unless defined $st && $st eq '200';
	return '' if $body eq $exp;
	return sprintf("body of %d bytes, want %d: %.60s", length $body,
	    length $exp, $body);
}

# One worker's share: lines "KIND STATUS" or "BAD ..." on $out.
sub work {
	my ($out, @ids) = @_;
	my @mix = map { ($_) x $_->[2] } @KINDS;
	for my $id (@ids) {
		my $k = $mix[$id % @mix];
		my $abort = $k->[3] eq 'abort' ? -1 :
		    $k->[3] eq 'abort1k' ? 1024 : 0;
		my $sep = $k->[1] =~ /\?/ ? '&' : '?';
		my ($st, $body) = get("$k->[1]${sep}id=$id", $abort);
		my $why = judge($k, $id, $st, $body);
		$why =~ tr/\r\n/  /;
		print $out "$k->[0] ", ($st // 'none'), ' ',
		    ($k->[3] =~ /^(body|big)$/ ? 'good' : 'fault'),
		    ($why eq '' ? " ok\n" : " bad $id $why\n");
	}
}

# Run $n workers, worker w getting the ids of @{$shares[w]}; each writes
# its lines to a pipe read here.
sub spread {
	my @shares = @_;
	my (@pids, @fhs);
	for my $share (@shares) {
		pipe(my $r, my $w) or die "pipe: $!";
		my $pid = fork;
		die "fork: $!" unless defined $pid;
		if ($pid == 0) {
			close $r;
			$w->autoflush(0);
			work($w, @$share);
			close $w;
			POSIX::_exit(0);
		}
		close $w;
		push @pids, $pid;
		push @fhs, $r;
	}
	my @lines;
	push @lines, <$_> for @fhs;
	waitpid($_, 0) for @pids;
	return @lines;
}

my @lines;
if ($first eq 'hang') {
	# COUNT at once, ROUNDS times: the hang kinds in turn.
	@KINDS = @HANG;
	my $id = 0;
	for (1 .. $par) {
		push @lines, spread(map { [ $id++ ] } 1 .. $count);
	}
} else {
	my @shares = map { [] } 1 .. $par;
	push @{$shares[$_ % $par]}, $_ for $first .. $first + $count - 1;
	@lines = spread(@shares);
}

my (%sent, %status, %good, %bad, @why);
for (@lines) {
	chomp;
	my ($kind, $st, $class, $res, $rest) = split / /, $_, 5;
	$sent{$kind}++;
	$status{$kind}{$st}++;
	if ($res eq 'ok') {
		$good{$kind}++ if $class eq 'good';
	} else {
		$bad{$kind}++;
		push @why, "BAD $kind $rest" if @why < 10;
	}
}
my $total = 0;
for my $kind (sort keys %sent) {
	$total += $sent{$kind};
	my $h = $status{$kind};
	printf "%s sent %d status %s%s\n", $kind, $sent{$kind},
	    join(' ', map { "$_:$h->{$_}" } sort keys %$h),
	    (grep { $_->[0] eq $kind && $_->[3] =~ /^(body|big)$/ } @KINDS) ?
	    sprintf(" good %d bad %d", $good{$kind} // 0, $bad{$kind} // 0) :
	    ($bad{$kind} ? " bad $bad{$kind}" : '');
}
print "total $total\n";
print @why;
my $expected = $first eq 'hang' ? $count * $par : $count;
if ($total != $expected) {
	print "BAD $total answers counted, $expected requests sent\n";
	exit 1;
}
exit(%bad ? 1 : 0);
