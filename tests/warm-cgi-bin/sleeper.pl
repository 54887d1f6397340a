#!/usr/bin/perl
# Starts a child `sleep S`, writes "PID PGID CHILD" to the file named by
# f=, then waits for the child and answers (s= seconds, default 30).
use strict;
use POSIX ();
my %q = map { split /=/, $_, 2 } split /&/, $ENV{QUERY_STRING} // '';
my $s = $q{s} // 30;
my $child = fork();
die "fork: $!" unless defined $child;
exec('sleep', $s) or POSIX::_exit(127) if $child == 0;
if (defined $q{f}) {
	open(my $fh, '>', "$q{f}.tmp") or die "$q{f}: $!";
	print $fh "$$ ", getpgrp(), " $child\n";
	close($fh);
	rename("$q{f}.tmp", $q{f});
}
waitpid($child, 0);
print "Content-Type: text/plain\r\n\r\nslept $s\n";
