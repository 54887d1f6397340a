#!/usr/bin/perl
# system(), backticks, fork and exec: their output reaches the client.
print "a\n";
system("echo hi");
print "back: ", `echo tick`;
my $pid = fork();
if ($pid == 0) { exec "echo", "forked" or die "exec: $!"; }
waitpid($pid, 0);
print "status=$?\n";
system("echo err >&2");
