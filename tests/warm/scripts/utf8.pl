#!/usr/bin/perl
# Layers set at compile time stay on STDOUT and DATA, as in a cold run.
use utf8;
use open qw(:std :encoding(UTF-8));
print "é ☃\n";
print "data: $_" while <DATA>;
__DATA__
ñandú
