#!/usr/bin/perl
# Reads its body to EOF whatever CONTENT_LENGTH says (or not).
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);

binmode STDIN;
my $body = do { local $/; <STDIN> } // '';
print "Content-Type: text/plain\r\n\r\n";
print "cl=", $ENV{CONTENT_LENGTH} // 'unset', " len=", length($body),
    " sha256=", sha256_hex($body), "\n";
