#!/usr/bin/perl
# A barrier: b=DIR names a directory, n=N a count.  Each run adds a file
# named by its pid to DIR, waits until DIR holds N files, then answers
# with its name and pid and "met N".  N runs started together can all
# answer only if they all run at once; a test can also hold one run, and
# let it go by adding a file itself.  After 90 s of waiting (1800 naps of
# 50 ms: more on a loaded machine, never less) it takes its file back and
# gives up with a 500 saying how far it got, so that a wrapper that runs
# them one at a time, or in smaller batches, fails clearly instead of
# hanging.
use strict;
use warnings;
use File::Basename;

my %q = map { split(/=/, $_, 2) } split(/&/, $ENV{QUERY_STRING} // '');
my ($dir, $n) = ($q{b} // '', $q{n} // '');
my $seen = 0;

sub answer
{
	my ($status, $msg) = @_;
	print "Status: $status\r\n" if $status;
	print "Content-Type: text/plain\r\n\r\n";
	print "script=", basename($0), " pid=$$\n$msg\n";
	exit 0;
}

answer("500 Bad Barrier", "barrier: want b=DIR&n=N")
    unless $dir ne '' && $n =~ /^[0-9]+$/;
open(my $fh, '>', "$dir/$$") or answer("500 Bad Barrier", "$dir/$$: $!");
close($fh);
for (my $i = 0; $i <= 1800; $i++) {
	opendir(my $d, $dir) or answer("500 Bad Barrier", "$dir: $!");
	$seen = grep { !/^\./ } readdir($d);
	closedir($d);
	answer(undef, "met $n") if $seen >= $n;
	select(undef, undef, undef, 0.05);
}
unlink("$dir/$$");
answer("500 Barrier Not Met", "barrier not met: $seen of $n after 90 s");
