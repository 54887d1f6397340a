#!/usr/bin/perl
# Appends "PID start" to the file named by f=, sleeps s= seconds (default
# 3), then appends "PID done" and answers: a request that is aborted must
# leave at most one start and never a done.
my %q = map { split /=/, $_, 2 } split /&/, $ENV{QUERY_STRING} // '';
sub note { open(my $fh, '>>', $q{f}) or die "$q{f}: $!"; print $fh "$$ $_[0]\n"; close($fh); }
note('start');
sleep($q{s} // 3);
note('done');
print "Content-Type: text/plain\r\n\r\nonce\n";
