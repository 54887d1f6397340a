#!/usr/bin/perl
# $0, __FILE__, __LINE__, @ARGV (from a query string without '='), the
# keys of %SIG for warn and die handlers (none).
use strict;
print "Content-Type: text/plain\r\n\r\n";
print "\$0=$0\n";
print "__FILE__=", __FILE__, "\n";
print "__LINE__=", __LINE__, "\n";
print "caller-file=", (caller(0))[1] // 'none', "\n";
print "argc=", scalar(@ARGV), "\n";
print "argv=$_\n" for @ARGV;
print "sig-hooks=", join(",", sort grep { /\A__/ } keys %SIG), "\n";
print "inc-has-warmcgi=", (grep({ /warm/i } @INC) ? 1 : 0), "\n";
