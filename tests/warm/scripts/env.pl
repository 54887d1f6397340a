#!/usr/bin/perl
# %ENV, then the environment a child process gets.
print "$_=$ENV{$_}\n" for sort keys %ENV;
print "--\n";
system("/usr/bin/env");
