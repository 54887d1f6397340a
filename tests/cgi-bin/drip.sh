#!/bin/sh
# Prints a header, then a line every half second n= times, then hangs
# silently, having written its pid to the file named by f=.
q() { printf '%s\n' "$QUERY_STRING" | tr '&' '\n' | sed -n "s/^$1=//p"; }
f=$(q f)
n=$(q n)
printf 'Content-Type: text/plain\r\n\r\n'
i=0
while [ "$i" -lt "${n:-1}" ]; do
	i=$((i + 1))
	echo "line $i"
	sleep 0.5
done
echo $$ >"$f.tmp" && mv "$f.tmp" "$f"
exec sleep 1000
