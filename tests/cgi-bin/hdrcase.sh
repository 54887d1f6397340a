#!/bin/sh
# Header blocks users' scripts print, by c= in the query string: Status
# lines with odd spacing or no reason phrase, duplicates, a very long
# first line, a block written a few bytes at a time, a local redirect.
case $QUERY_STRING in
c=spaces)
	printf 'Status:404   Not Here  \r\nContent-Type: text/plain\r\n\r\nspaces\n' ;;
c=noreason)
	printf 'Status: 404\r\nContent-Type: text/plain\r\n\r\nnoreason\n' ;;
c=badstatus)
	printf 'Status: abc\r\nContent-Type: text/plain\r\n\r\nbad\n' ;;
c=dup)
	printf 'Status: 200 OK\r\nContent-Type: text/plain\r\nStatus: 403 Forbidden\r\n'
	printf 'Content-Type: text/html\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\ndup\n' ;;
c=long)
	printf 'X-Long: '
	head -c 9000 /dev/zero | tr '\0' a
	printf '\r\nContent-Type: text/plain\r\n\r\nlong\n' ;;
c=tiny)
	# Every byte its own write, with pauses: one read each.
	for w in S t a t u s ': ' 2 0 2 '\r' '\n' C o n t e n t - T y p e \
	    ': text/plain' '\r' '\n' '\r' '\n' tiny '\n'; do
		printf "$w"
		sleep 0.01
	done ;;
c=local)
	printf 'Location: /cgi-bin/hello.sh\r\n\r\n' ;;
esac
