#!/bin/sh
# Answers, closes stdout and stderr and works on (as a script that mails
# after answering does): waits up to 60 s for the file named by f= to
# appear, then writes f.done.
q() { printf '%s\n' "$QUERY_STRING" | tr '&' '\n' | sed -n "s/^$1=//p"; }
f=$(q f)
printf 'Content-Type: text/plain\r\n\r\nanswered\n'
exec >&- 2>&-
i=0
while [ ! -e "$f" ] && [ "$i" -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "$$" > "$f.done"
