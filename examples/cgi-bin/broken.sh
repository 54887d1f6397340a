#!/bin/sh
# about: Forgets its header block: warmcgi answers 502 itself and logs the first bytes.
#
# A CGI response must begin with headers (at least one of Content-Type,
# Location or Status) and an empty line (RFC 3875 6.2).  This one does
# not, so the client gets a short 502 page and warmcgi's log shows what
# the script printed.

echo "Oops, no header block here."
