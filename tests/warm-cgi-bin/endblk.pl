#!/usr/bin/perl
# END blocks and DESTROY run once per request, at exit, as in a cold run;
# the END block also writes to stdout after the main program.
use strict;
package Guard { sub new { bless {}, shift } sub DESTROY { print STDERR "endblk.pl: DESTROY ran\n" } }
our $guard = Guard->new;
END { print "END output\n"; print STDERR "endblk.pl: END ran\n"; }
END { print STDERR "endblk.pl: second END ran\n"; }
print "Content-Type: text/plain\r\n\r\n";
print "main program\n";
