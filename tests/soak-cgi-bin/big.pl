#!/usr/bin/perl
# A good warm request with a larger body, in pieces: its id, then 32 KiB
# of x and a newline.
my ($id) = ($ENV{QUERY_STRING} // '') =~ /id=(\d+)/;
$| = 1;
print "Content-Type: text/plain\r\n\r\nok $id\n";
print 'x' x 4096 for 1 .. 8;
print "\n";
