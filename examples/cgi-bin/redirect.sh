#!/bin/sh
# about: A 303 See Other redirect: a Status header and a Location header, no body.
#
# The web server turns these CGI headers into the HTTP status line and
# the Location the browser follows.

printf 'Status: 303 See Other\r\n'
printf 'Location: /cgi-bin/hello.sh?you+were+redirected\r\n'
printf '\r\n'
