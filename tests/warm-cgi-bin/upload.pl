#!/usr/bin/perl
# A CGI.pm form application: GET shows the form, POST (multipart) takes a
# file and a text field and reports the file's size and digests.
use strict;
use warnings;
use CGI;
use Digest::MD5;
use Digest::SHA;

my $q = CGI->new;
print $q->header(-type => 'text/html', -charset => 'utf-8');
print $q->start_html(-title => 'Upload test');
if ($q->request_method eq 'POST') {
	my $fh = $q->upload('file');
	my $name = $q->param('file') // '';
	if (!$fh) {
		print $q->p('no file: ' . ($q->cgi_error // 'none'));
	} else {
		binmode $fh;
		my ($md5, $sha) = (Digest::MD5->new, Digest::SHA->new(256));
		my $size = 0;
		while (read($fh, my $chunk, 8192)) {
			$size += length $chunk;
			$md5->add($chunk);
			$sha->add($chunk);
		}
		print $q->p('name: ' . $q->escapeHTML($q->param('name') // ''));
		print $q->p("filename: " . $q->escapeHTML("$name"));
		print $q->p("size: $size");
		print $q->p('md5: ' . $md5->hexdigest);
		print $q->p('sha256: ' . $sha->hexdigest);
	}
} else {
	print $q->start_multipart_form(-action => $q->url(-absolute => 1));
	print $q->textfield(-name => 'name', -default => 'x');
	print $q->filefield(-name => 'file');
	print $q->submit, $q->end_form;
}
print $q->end_html;
