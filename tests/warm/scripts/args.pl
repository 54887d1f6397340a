#!/usr/bin/perl
# argv, $0, __FILE__, cwd, pids; $zpid is set at compile time (in the zygote).
our $zpid;
BEGIN { $zpid = $$ }
print "0=$0\n";
print "ARGV=", join("|", @ARGV), "\n";
print "FILE=", __FILE__, "\n";
print "cwd=", readlink("/proc/self/cwd"), "\n";
print "pid=$$ pgrp=", getpgrp(), " zpid=$zpid\n";
print "T=$^T\n";
print "INC=", join("|", @INC), "\n";
