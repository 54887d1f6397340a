#!/bin/sh
# Silent for 10 minutes, far longer than any test waits for it to go, then
# answers.  It first writes "PID PGID CHILD" to the file named by f=,
# CHILD being the sleep it waits for.
f=$(printf '%s\n' "$QUERY_STRING" | tr '&' '\n' | sed -n 's/^f=//p')
sleep 600 &
child=$!
pgid=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f3)
echo "$$ $pgid $child" > "$f.tmp" && mv "$f.tmp" "$f"
wait
printf 'Content-Type: text/plain\r\n\r\nlate\n'
