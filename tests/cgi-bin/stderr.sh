#!/bin/sh
# Writes m= to stderr as "stderr-marker-M", then answers with its pid.
m=$(printf '%s\n' "$QUERY_STRING" | tr '&' '\n' | sed -n 's/^m=//p')
echo "stderr-marker-$m" >&2
printf 'Content-Type: text/plain\r\n\r\npid=%s\n' $$
