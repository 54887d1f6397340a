#!/usr/bin/perl
# Binary output, all 256 byte values several times, no newline at the end
# and no explicit flush: it must all arrive at exit.
use strict;
binmode STDOUT;
print "Content-Type: application/octet-stream\r\n\r\n";
my $all = join('', map { chr } 0 .. 255);
print $all x 3;
print "\r\n\0tail";
