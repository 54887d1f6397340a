#!/usr/bin/perl
# Warm: half an answer, then die.
use strict;
print "Content-Type: text/plain\r\n\r\nhalf";
die "die.pl: soak";
