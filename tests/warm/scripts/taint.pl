#!/usr/bin/perl -T
# Taint mode: the zygote must work under -T like a cold run.
print "taint=${^TAINT}\n";
print "cwd=", readlink("/proc/self/cwd"), "\n";
print "q=$ENV{QUERY_STRING}\n";
