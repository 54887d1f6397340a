#!/usr/bin/perl
print "before\n";
die "boom";
