#!/usr/bin/perl
# Writes 1 MiB before it reads its request body, then the body's length and
# SHA-256: with a wrapper that writes the whole body before reading any
# output, both sides block.
use strict;
use warnings;
use Digest::SHA;

binmode(STDIN);
binmode(STDOUT);
$| = 1;
print "Content-Type: application/octet-stream\r\n\r\n";
print "x" x (1024 * 1024);
my $sha = Digest::SHA->new(256);
my ($n, $buf, $r) = (0);
while ($r = read(STDIN, $buf, 65536)) {
	$sha->add($buf);
	$n += $r;
}
die "read: $!" unless defined($r);
print "\nlen=$n sha256=", $sha->hexdigest, "\n";
