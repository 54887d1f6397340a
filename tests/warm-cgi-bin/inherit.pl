#!/usr/bin/perl
# What a request process starts with besides its environment: its signal
# masks (perl ignores SIGFPE itself, warm or cold) and its descriptors, by
# number only (cold ones are pipes, warm ones a socket).
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
open(my $st, '<', '/proc/self/status') or die "status: $!";
print grep { /^Sig(Blk|Ign):/ } <$st>;
close($st);
opendir(my $d, '/proc/self/fd') or die "opendir: $!";
for my $fd (sort { $a <=> $b } grep { /^\d+$/ } readdir($d)) {
	my $to = readlink("/proc/self/fd/$fd") // '';
	next if $to =~ m{^/proc/\d+/fd$};	# the directory being read
	print "fd=$fd\n";
}
closedir($d);
