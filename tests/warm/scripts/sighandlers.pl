#!/usr/bin/perl
# Handlers installed and signals blocked at compile time stay, as in a cold
# run.
use POSIX ();
BEGIN {
	POSIX::sigprocmask(POSIX::SIG_BLOCK(),
	    POSIX::SigSet->new(POSIX::SIGUSR2()));
	$SIG{__WARN__} = sub { print "caught warning: $_[0]" };
	$SIG{__DIE__} = sub { print "die handler: $_[0]" };
	$SIG{USR1} = sub { print "usr1\n" };
	$SIG{HUP} = 'IGNORE';
	$SIG{CHLD} = 'IGNORE';	# the zygote reaps its own: restored per request
}
open(my $st, "<", "/proc/self/status") or die;
print grep { /^Sig(Blk|Ign|Cgt):/ } <$st>;
print "CHLD=$SIG{CHLD}\n";
kill 'USR1', $$;
warn "w\n";
die "d\n";
