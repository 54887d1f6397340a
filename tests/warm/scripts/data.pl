#!/usr/bin/perl
# __DATA__; with PARTIAL=1: read one line, wait for stdin EOF, read the rest.
if ($ENV{PARTIAL}) {
	print "first: ", scalar(<DATA>);
	local $/; my $in = <STDIN>;
}
print "rest: $_" while <DATA>;
__DATA__
line one
line two
line three
