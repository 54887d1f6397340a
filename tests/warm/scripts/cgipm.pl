#!/usr/bin/perl
use strict;
use warnings;
use CGI;
my $q = CGI->new;
print $q->header('text/plain'), "hello ", $q->param('name') // 'nobody', "\n";
