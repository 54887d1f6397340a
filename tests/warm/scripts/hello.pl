#!/usr/bin/perl
print "Content-Type: text/plain\r\n\r\nhello from perl\n";
