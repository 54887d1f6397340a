# No #! line and not executable: runs through --handler .pl=/usr/bin/perl.
# Prints what is the same by exec and warm: $0, @ARGV, its body's digest.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);

binmode STDIN;
binmode STDOUT;
my $body = do { local $/; <STDIN> } // '';
print "Content-Type: text/plain\r\n\r\n";
print "0=$0 argv=", scalar(@ARGV), " len=", length($body),
    " sha256=", sha256_hex($body), "\n";
print "q=", $ENV{QUERY_STRING} // '', "\n";
