#!/usr/bin/perl
# Shows what a module's load could change for every later request: the
# selected handle, autoflush and layers of STDIN/STDOUT/STDERR, $/ $\ $,
# $", the umask, CORE::GLOBAL:: overrides, signals.  Query mod=NAME&load=1
# then loads lib/NAME.pm and the clean lib/WarmTestClean.pm at run time.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
my ($mod) = ($ENV{QUERY_STRING} // '') =~ /\bmod=(\w+)/ or die "no mod\n";
my $load = ($ENV{QUERY_STRING} =~ /\bload=1/);
my %had = map { $_ => exists $INC{"$_.pm"} ? 1 : 0 } 'WarmTestClean', $mod;
my $sel = select;
my @io = map { select($_); "$|:" . join(',', PerlIO::get_layers($_)) }
    \*STDIN, \*STDOUT, \*STDERR;
select(STDOUT);
my @core = do { no strict 'refs';
    grep { defined &{"CORE::GLOBAL::$_"} } sort keys %CORE::GLOBAL:: };
my $state = join("\n", "select=$sel", "io=@io",
    (map { defined $_ ? "[$_]" : 'undef' } $/, $\, $,, $"),
    sprintf("umask=%03o", umask), "core=@core", '');
open(my $st, "<", "/proc/self/status") or die;
$state .= join('', grep { /^Sig(Blk|Ign|Cgt):/ } <$st>);
if ($load) {
	require "$mod.pm";
	require WarmTestClean;
}
{
	local ($\, $,);
	print STDOUT "Content-Type: text/plain\r\n\r\n",
	    "clean=$had{WarmTestClean} fx=$had{$mod}\n", $state;
}
