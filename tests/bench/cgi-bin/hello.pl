#!/usr/bin/perl
# Perl hello: a header block and one line (the cost is perl's start-up).
print "Content-Type: text/plain\r\n\r\nhello from perl\n";
