#!/usr/bin/perl
# Cheap by exec, dear warm: only its zygote builds a big heap, which each
# warm request then writes to (a copy of every page).
our @big;
BEGIN { my $n = $ENV{WARMCGI_ZYGOTE_FD} ? 400000 : 0; @big = map { "x$_" } 1 .. $n; }
$_ .= "" for @big;
print "Content-Type: text/plain\r\n\r\nbigheap ", scalar(@big) ? "warm" : "cold", "\n";
