#!/bin/sh
# about: Streams one line a second (slow.sh?N for N lines): output is forwarded as it comes.
#
# "X-Accel-Buffering: no" asks nginx not to buffer the response, so each
# line reaches the browser when the script prints it.  Close the tab
# midway: warmcgi sees the web server drop the request and kills the
# script's whole process group (sleep included) at once.

# N comes from the query string itself: warmcgi passes no argv words
# unless started with --isindex-argv.
n=10
case "${QUERY_STRING:-}" in
''|*[!0-9]*) ;;
*) n=$QUERY_STRING ;;
esac
[ "$n" -gt 60 ] && n=60

printf 'Content-Type: text/plain; charset=utf-8\r\n'
printf 'X-Accel-Buffering: no\r\n'
printf 'X-Content-Type-Options: nosniff\r\n'
printf '\r\n'

i=1
while [ "$i" -le "$n" ]; do
	echo "line $i of $n at $(date +%T)"
	[ "$i" -lt "$n" ] && sleep 1
	i=$((i + 1))
done
echo "done"
