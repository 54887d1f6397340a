#!/usr/bin/perl
# CGI.pm script for the cgipm scenario: parse the query string, print a
# small HTML page.  The cost is perl's start-up plus compiling CGI.pm.
use strict;
use warnings;
use CGI;

my $q = CGI->new;
my $name = $q->param('name') // 'world';
my @items = $q->multi_param('item');
my $n = $q->param('n') // 3;
$n = 3 unless $n =~ /^\d+$/ && $n <= 100;

print $q->header(-type => 'text/html', -charset => 'utf-8');
print $q->start_html(-title => 'cgipm bench');
print $q->h1('Hello, ' . $q->escapeHTML($name));
print $q->p('cgipm ok name=' . $q->escapeHTML($name));
print $q->ul(map { $q->li($q->escapeHTML($_)) } @items) if @items;
print $q->table({ -border => 1 },
    map { $q->Tr($q->td($_), $q->td($_ * $_)) } 1 .. $n);
print $q->start_form(-method => 'GET', -action => $q->url(-relative => 1)),
    $q->textfield(-name => 'name'), $q->submit(-value => 'Go'),
    $q->end_form;
print $q->end_html, "\n";
