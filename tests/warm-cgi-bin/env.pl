#!/usr/bin/perl
# The environment, sorted, one NAME=value a line.
print "Content-Type: text/plain\r\n\r\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
