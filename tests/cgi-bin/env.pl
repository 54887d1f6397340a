#!/usr/bin/perl
# Prints the environment it was given, one NAME=value a line, sorted, then
# its argv words (RFC 3875 4.4).
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
print "argc=", scalar(@ARGV), "\n";
print "argv=$_\n" for @ARGV;
