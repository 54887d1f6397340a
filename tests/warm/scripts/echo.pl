#!/usr/bin/perl
# Read CONTENT_LENGTH bytes of binary stdin, echo them and a checksum.
binmode STDIN; binmode STDOUT;
my ($buf, $len) = ('', $ENV{CONTENT_LENGTH});
while (length($buf) < $len) {
	read(STDIN, $buf, $len - length($buf), length($buf)) or last;
}
print $buf, "\nlen=", length($buf), " sum=", unpack("%32C*", $buf), "\n";
