#!/usr/bin/perl -w
# Warnings from -w on the #! line, and warn().
my $undef;
my $sum = $undef + 1;
warn "warn.pl: explicit warning\n";
print "Content-Type: text/plain\r\n\r\n";
print "sum=$sum\n";
