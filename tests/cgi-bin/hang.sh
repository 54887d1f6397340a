#!/bin/sh
# Never ends.  Starts a background sleep and a sleep in a session of its
# own (setsid), then writes "PID BACKGROUND SETSID" to the file named by
# f=.  h=1: prints a header block and a line first; i=1: it and what it
# starts ignore SIGTERM.
q() { printf '%s\n' "$QUERY_STRING" | tr '&' '\n' | sed -n "s/^$1=//p"; }
f=$(q f)
[ "$(q i)" = 1 ] && trap '' TERM
sleep 1000 &
bg=$!
setsid sh -c 'echo $$ >"$0.sid"; exec sleep 1000' "$f" </dev/null &
while [ ! -s "$f.sid" ]; do sleep 0.05; done
if [ "$(q h)" = 1 ]; then
	printf 'Content-Type: text/plain\r\n\r\nstarted\n'
fi
echo "$$ $bg $(cat "$f.sid")" >"$f.tmp" && mv "$f.tmp" "$f"
while :; do
	wait
done
