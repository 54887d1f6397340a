#!/usr/bin/perl
# With load=1, loads at run time a module that prints as it loads and one
# with an END block; says which of them were loaded when it started.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
my %had = map { $_ => exists $INC{"$_.pm"} ? 1 : 0 }
    qw(WarmTestNoisy WarmTestEndBlock);
if (($ENV{QUERY_STRING} // '') =~ /load=1/) {
	require WarmTestNoisy;
	require WarmTestEndBlock;
}
print "\nnoisy=$had{WarmTestNoisy} endblock=$had{WarmTestEndBlock}\n";
