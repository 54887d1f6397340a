#!/usr/bin/perl
# A good warm Perl request: its id back.
my ($id) = ($ENV{QUERY_STRING} // '') =~ /id=(\d+)/;
print "Content-Type: text/plain\r\n\r\nok $id\n";
