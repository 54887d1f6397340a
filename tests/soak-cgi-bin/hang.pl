#!/usr/bin/perl
# Warm: never ends, prints nothing.
select(undef, undef, undef, 1000) while 1;
