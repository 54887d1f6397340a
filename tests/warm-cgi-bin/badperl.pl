#!/usr/bin/perl
# Does not compile.
use strict;
print "Content-Type: text/plain\r\n\r\n";
my $x = ;
print "never\n";
