#!/usr/bin/perl
# Rewritten by the test to check a changed script gets a new zygote.
print "Content-Type: text/plain\r\n\r\n";
print "life version 1\n";
