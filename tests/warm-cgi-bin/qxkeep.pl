#!/usr/bin/perl
# A warm request's quick exit (src/warm/zygote_exit.c) leaves as a cold
# run would, or is not taken.  The query: file=PATH appends three lines
# to PATH through a handle flushed as it goes; mode= leaves destruction
# something to do, or to show:
#   destroy   an object whose DESTROY does something
#   buffered  output buffered in a second handle on fd 1 (written at
#             destruction, after STDOUT)
#   full      output buffered for /dev/full (destruction warns)
#   isa       an object of a class whose parent has no package, under a
#             __WARN__ handler that dies (destruction looks up DESTROY
#             quietly)
#   order     a dup of STDOUT that an END block holds (closed, so written
#             out, before STDOUT is flushed)
# Global handles: a file-scope lexical's is closed as the main program's
# scope is left, before END.  The END block sets the exit status.
use strict;
use warnings;
use IO::Handle;
no warnings 'once';
my %q = map { split /=/, $_, 2 } split /&/, $ENV{QUERY_STRING} // '';
my $mode = $q{mode} // '';
open(KEEP, '<', '/dev/null') or die "/dev/null: $!\n";
if (defined $q{file} && $q{file} =~ m{\A(/[\w/.-]+)\z}) {
	open(FH, '>>', $1) or die "$1: $!\n";
	FH->autoflush(1);
	print FH "line $_\n" for 1 .. 3;
}
package Busy { sub DESTROY { $Busy::gone = 1 } }
package Orphan { our @ISA = ('No::Such::Parent') }
our $busy = bless {}, 'Busy' if $mode eq 'destroy';
if ($mode eq 'isa') {
	$SIG{__WARN__} = sub { die "a warning: @_" };
	our $orphan = bless {}, 'Orphan';
}
open(FULL, '>', '/dev/full') and print FULL "lost\n" if $mode eq 'full';
my $dup;
open($dup, '>&', \*STDOUT) or die "dup: $!\n" if $mode eq 'order';
STDOUT->autoflush(1);
print "Content-Type: text/plain\r\n\r\n";
STDOUT->autoflush(0);
print "main program\n";
if ($mode eq 'buffered') {
	open(ALIAS, '>&=', 1) or die "fd 1: $!\n";
	print ALIAS "second handle on fd 1\n";
}
print $dup "dup of STDOUT\n" if $dup;
END {
	print "END block\n" if $dup;
	$? = 3;
}
