#!/usr/bin/perl
# With load=1, loads at run time a clean module that loads one with an END
# block: neither may be learned.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
my $had = exists $INC{'WarmTestBbb.pm'} ? 1 : 0;
require WarmTestBbb if ($ENV{QUERY_STRING} // '') =~ /load=1/;
print "dep=$had\n";
