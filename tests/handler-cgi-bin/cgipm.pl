#!/usr/bin/perl
# CGI.pm reads a POST body only as long as CONTENT_LENGTH says: a
# multipart upload's file size and digest, and text fields.
use strict;
use warnings;
use CGI;
use Digest::SHA qw(sha256_hex);

my $q = CGI->new;
my $fh = $q->upload('up');
my $data = '';
if ($fh) {
	binmode $fh;
	local $/;
	$data = <$fh>;
}
print $q->header(-type => 'text/plain');
print "cl=", $ENV{CONTENT_LENGTH} // 'unset', " name=", $q->param('name') // '',
    " len=", length($data), " sha256=", sha256_hex($data),
    " pad=", length($q->param('pad') // ''), "\n";
