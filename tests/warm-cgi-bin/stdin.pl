#!/usr/bin/perl
# Reads exactly CONTENT_LENGTH bytes of binary stdin, prints the length
# and SHA-256, and whether end of file follows.
use strict;
use Digest::SHA qw(sha256_hex);
binmode STDIN;
my $want = $ENV{CONTENT_LENGTH} // 0;
my $buf = '';
while (length($buf) < $want) {
	my $n = read(STDIN, $buf, $want - length($buf), length($buf));
	last unless $n;
}
my $more = read(STDIN, my $extra, 1);
print "Content-Type: text/plain\r\n\r\n";
print "len=", length($buf), "\n";
print "sha256=", sha256_hex($buf), "\n";
print "then=", ($more ? "more" : "eof"), "\n";
