#!/bin/sh
# An AUTHORIZER (FastCGI spec 6.3): allows a request whose query string
# or X-Let-In header says "let-in", telling the server who it is with a
# Variable- header; denies anything else with a 403 of its own.  The
# Content-Type and body of its 200 must not reach anyone.
case "$QUERY_STRING $HTTP_X_LET_IN" in
*let-in*)
	printf 'Status: 200\r\nVariable-USER: alice\r\nContent-Type: text/plain\r\n\r\n'
	printf 'authorizer body\n' ;;
*)
	printf 'Status: 403 Keep Out\r\nContent-Type: text/plain\r\nX-Authz: no\r\n\r\n'
	printf 'denied by authz.sh (role %s, body length "%s")\n' \
	    "$FCGI_ROLE" "$CONTENT_LENGTH" ;;
esac
