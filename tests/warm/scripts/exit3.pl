#!/usr/bin/perl
print "exiting\n";
exit 3;
