#!/usr/bin/perl
# Dies before any output: no header at all (warmcgi answers 502).
use strict;
die "diehdr.pl: no header for you\n";
