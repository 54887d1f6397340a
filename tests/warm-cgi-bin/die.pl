#!/usr/bin/perl
# Half an answer, then die: the message has " at SCRIPT line N." and the
# exit status is 255, as in any cold perl.
use strict;
print "Content-Type: text/plain\r\n\r\n";
print "before die\n";
die "die.pl: boom";
