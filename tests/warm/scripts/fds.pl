#!/usr/bin/perl
# Open descriptors and signal state of the script's process; with
# WAIT_STDIN set, only once stdin reaches EOF.
if ($ENV{WAIT_STDIN}) { local $/; my $all = <STDIN>; }
opendir(my $dh, "/proc/self/fd") or die;
for my $fd (sort { $a <=> $b } grep { /^\d+$/ } readdir $dh) {
	my $t = readlink("/proc/self/fd/$fd") // '?';
	$t =~ s/:\[\d+\]$//;
	$t =~ s{^/proc/\d+/}{/proc/PID/};
	print "fd $fd $t\n";
}
open(my $st, "<", "/proc/self/status") or die;
print grep { /^Sig(Blk|Ign|Cgt):/ } <$st>;
