#!/usr/bin/perl
# A pipe to a command left open: a cold run's global destruction closes
# it and waits for the command, so a warm request must not leave quickly.
# A global handle: a file-scope lexical's would be closed (and waited
# for) as the main program's scope is left, before END.
use strict;
use warnings;
my ($file) = ($ENV{QUERY_STRING} // '') =~ m{\Afile=(/[\w/.-]+)\z}
    or die "no file= in the query\n";
open(PIPE, '|-', '/bin/sh', '-c',
    'exec >/dev/null 2>&1; sleep 1; cat >>"$0"', $file) or die "sh: $!\n";
print PIPE "piped\n";
print "Content-Type: text/plain\r\n\r\npipe left open\n";
