#!/usr/bin/perl
# rand() must differ between requests, even though the compile phase (in
# the zygote, when warm) already used, and so seeded, the generator.
my $at_compile;
BEGIN { $at_compile = rand() }
print "Content-Type: text/plain\r\n\r\n";
print "rand=", join(' ', map { int(rand(1e9)) } 1 .. 3), "\n";
