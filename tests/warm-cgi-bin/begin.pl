#!/usr/bin/perl
# BEGIN runs at compile time: once per cold run, but only once per zygote
# when warm, in the zygote, with the zygote's environment.  This is the
# intended difference between the modes.
use strict;
my ($begin_pid, $begin_env, $begin_qs);
BEGIN {
	$begin_pid = $$;
	$begin_env = join(' ', sort keys %ENV);
	$begin_qs = $ENV{QUERY_STRING} // '(unset)';
	print STDERR "begin.pl: BEGIN ran\n";
}
print "Content-Type: text/plain\r\n\r\n";
print "begin-env=$begin_env\n";
print "begin-qs=$begin_qs\n";
print "begin-same-process=", ($begin_pid == $$ ? "yes" : "no"), "\n";
print "qs-now=$ENV{QUERY_STRING}\n";
