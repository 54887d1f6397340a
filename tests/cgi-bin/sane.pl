#!/usr/bin/perl
# Prints what a script inherits besides its environment: the working
# directory and the open descriptors.
use strict;
use warnings;
use Cwd qw(getcwd);

print "Content-Type: text/plain\r\n\r\n";
print "cwd=", getcwd(), "\n";
opendir(my $d, "/proc/self/fd") or die "opendir: $!";
for my $fd (sort { $a <=> $b } grep { /^\d+$/ } readdir($d)) {
	my $to = readlink("/proc/self/fd/$fd") // "";
	next if $to =~ m{^/proc/\d+/fd$};	# the directory being read
	print "fd=$fd $to\n";
}
closedir($d);
