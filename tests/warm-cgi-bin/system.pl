#!/usr/bin/perl
# Output of system(), backticks, a pipe open, fork+exec and a child's exit
# status, in order (stdout unbuffered so that the order is the script's).
use strict;
$| = 1;
print "Content-Type: text/plain\r\n\r\n";
print "1 perl\n";
system("echo 2 system");
print `echo 3 backticks`;
open(my $p, '-|', 'echo', '4 pipe open') or die "pipe: $!";
print <$p>;
close($p);
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
	exec('/bin/echo', '5 fork and exec') or die "exec: $!";
}
waitpid($pid, 0);
print "6 child status ", $? >> 8, "\n";
system("sh", "-c", "exit 7");
print "7 system status ", $? >> 8, "\n";
print "8 done\n";
