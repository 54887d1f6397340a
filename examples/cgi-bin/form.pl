#!/usr/bin/perl
# about: Perl, no modules: a form whose POST body is read from stdin and echoed back.
#
# GET shows the form; POST reads CONTENT_LENGTH bytes of
# application/x-www-form-urlencoded body from stdin (warmcgi streams the
# FastCGI request body to it as it arrives) and echoes the fields.
use strict;
use warnings;

sub esc {
	my ($s) = @_;
	$s =~ s/&/&amp;/g;
	$s =~ s/</&lt;/g;
	$s =~ s/>/&gt;/g;
	$s =~ s/"/&quot;/g;
	return $s;
}

sub urldecode {
	my ($s) = @_;
	$s =~ tr/+/ /;
	$s =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge;
	return $s;
}

my $method = $ENV{REQUEST_METHOD} // 'GET';
my @fields;
my $raw = '';
if ($method eq 'POST') {
	my $len = $ENV{CONTENT_LENGTH} // 0;
	$len = 0 unless $len =~ /^\d+$/;
	binmode STDIN;
	while (length($raw) < $len) {
		my $n = read(STDIN, $raw, $len - length($raw), length($raw));
		last unless $n;
	}
	for my $pair (split /&/, $raw) {
		my ($k, $v) = split /=/, $pair, 2;
		push @fields, [urldecode($k // ''), urldecode($v // '')];
	}
}

binmode STDOUT, ':utf8';
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print <<'HTML';
<!DOCTYPE html>
<html><head><title>warmcgi form</title></head>
<body>
<h1>A form, posted to a Perl CGI script</h1>
<form method="post" action="">
<p><label>Name <input name="name" value="Ada"></label></p>
<p><label>Message<br><textarea name="message" rows="4" cols="50">Hello, warmcgi!</textarea></label></p>
<p><button type="submit">Send</button></p>
</form>
HTML
if ($method eq 'POST') {
	utf8::decode($_->[1]) for @fields;
	printf "<h2>You sent %d bytes</h2>\n<table border=\"1\">\n",
	    length($raw);
	printf "<tr><th>%s</th><td><pre>%s</pre></td></tr>\n",
	    esc($_->[0]), esc($_->[1]) for @fields;
	print "</table>\n";
}
print "<p><a href=\"/\">Back to the index</a></p>\n</body></html>\n";
