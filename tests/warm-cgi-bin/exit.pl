#!/usr/bin/perl
# Answers, then exits with n= from the query (default 3): exit N.
use strict;
my ($n) = ($ENV{QUERY_STRING} // '') =~ /(?:^|&)n=([0-9]+)/;
$n //= 3;
print "Content-Type: text/plain\r\n\r\n";
print "exit.pl: exiting with $n\n";
print STDERR "exit.pl: stderr before exit $n\n";
exit $n;
