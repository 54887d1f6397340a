#!/usr/bin/perl
# A warm request's quick exit (src/warm/zygote_exit.c) leaves as a cold
# run would: output still buffered in STDOUT, in a second handle on fd 1
# and in a file handle is written out, STDOUT's first, and the process
# exits with the status an END block set.  Global handles: a file-scope
# lexical's would be closed as the main program's scope is left, before
# END.  Nothing here could run at global destruction (IO::Handle's
# DESTROY is empty), so it is taken; unless the query is "destroy": then
# an object whose DESTROY does something is left for it.
use strict;
use warnings;
use IO::Handle;
no warnings 'once';
open(KEEP, '<', '/dev/null') or die "/dev/null: $!\n";
package Busy { sub DESTROY { $Busy::gone = 1 } }
our $busy = bless {}, 'Busy' if ($ENV{QUERY_STRING} // '') eq 'destroy';
my ($file) = ($ENV{QUERY_STRING} // '') =~ m{\Afile=(/[\w/.-]+)\z};
if (defined $file) {
	open(FH, '>>', $file) or die "$file: $!\n";
	print FH "line $_\n" for 1 .. 3;
}
open(ALIAS, '>&=', 1) or die "fd 1: $!\n";
print "Content-Type: text/plain\r\n\r\n";
print "main program\n";
print ALIAS "second handle on fd 1\n";
END { $? = 3 }
