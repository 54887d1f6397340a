#!/usr/bin/perl -w
my $x;
print "v=" . $x . "\n";
warn "explicit\n";
