#!/bin/sh
# about: A non-parsed-header script: its "HTTP/1.1 200 OK" line becomes "Status: 200 OK".
#
# NPH scripts print an HTTP status line first.  A FastCGI web server
# expects CGI headers, so warmcgi rewrites that first line into a Status
# header and passes the rest of the header block unchanged.

printf 'HTTP/1.1 200 OK\r\n'
printf 'Content-Type: text/plain; charset=utf-8\r\n'
printf '\r\n'
echo "This script began its output with an HTTP status line."
