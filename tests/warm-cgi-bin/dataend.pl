#!/usr/bin/perl
# In the main program __END__ also opens DATA.
print "Content-Type: text/plain\r\n\r\n";
while (my $l = <DATA>) {
	print "end-data: $l";
}
print "eof=", (eof(DATA) ? 1 : 0), "\n";
__END__
alpha
beta
