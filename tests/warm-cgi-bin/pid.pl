#!/usr/bin/perl
# Its name and pid; with s=SEC it sleeps first (to overlap requests).
use strict;
use File::Basename;
my ($s) = ($ENV{QUERY_STRING} // '') =~ /(?:^|&)s=([0-9.]+)/;
select(undef, undef, undef, $s) if $s;
print "Content-Type: text/plain\r\n\r\n";
print "script=", basename($0), " pid=$$\n";
