#!/usr/bin/perl
# END blocks and DESTROY at global destruction, once per request.
package Obj;
sub new { bless { name => $_[1] }, $_[0] }
sub DESTROY { print "DESTROY $_[0]{name}\n" }
package main;
our $global = Obj->new("global");
my $lexical = Obj->new("lexical");
END { print "END ran\n" }
print "main\n";
exit($ENV{EXIT_CODE} // 0);
