#!/bin/sh
# Sleeps s= seconds, then answers; with f=FILE it first writes its pid there.
q() { printf '%s\n' "$QUERY_STRING" | tr '&' '\n' | sed -n "s/^$1=//p"; }
s=$(q s)
f=$(q f)
if [ -n "$f" ]; then
	echo $$ > "$f.tmp" && mv "$f.tmp" "$f"
fi
sleep "${s:-1}"
printf 'Content-Type: text/plain\r\n\r\nslept %s\n' "${s:-1}"
