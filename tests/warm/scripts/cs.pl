#!/usr/bin/perl -CS
# A -C flag on the #! line: STDOUT encodes UTF-8, as in a cold run.
print "\x{e9}\x{2603}\n";
