#!/usr/bin/perl
# A module required at run time, inside a sub (as CGI.pm requires
# HTML::Entities): after a request has reported it, the zygote has it.
use strict;
use warnings;
sub wrap { require Text::Wrap; return Text::Wrap::wrap('', '', @_) }
print "was loaded: ", (exists $INC{'Text/Wrap.pm'} ? "yes" : "no"), "\n";
print wrap("a b c"), "\n";
