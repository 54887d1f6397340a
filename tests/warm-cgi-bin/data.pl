#!/usr/bin/perl
# Reads its own __DATA__ section (twice, with a seek back in between, to
# check the handle's offset is this script's own).
use strict;
print "Content-Type: text/plain\r\n\r\n";
my $start = tell(DATA);
my @lines = <DATA>;
print "lines=", scalar(@lines), "\n";
print "data: $_" for @lines;
seek(DATA, $start, 0);
my $first = <DATA>;
print "again: $first";
__DATA__
first data line
second data line with bytes: caf\xc3\xa9
third
