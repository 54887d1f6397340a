#!/usr/bin/perl
# Warn and die handlers set by the compile phase are in force when the
# script runs (the zygote sets them aside for its own loop and puts them
# back in each request process).
BEGIN {
	$SIG{__WARN__} = sub { print STDERR "hooked warn: $_[0]" };
	$SIG{__DIE__} = sub { print STDERR "hooked die: $_[0]" };
}
print "Content-Type: text/plain\r\n\r\n";
print "warn hook: ", ref($SIG{__WARN__}), "\ndie hook: ", ref($SIG{__DIE__}), "\n";
warn "hooks.pl: a warning\n";
eval { die "hooks.pl: caught\n" };
print "done\n";
