#!/bin/sh
# An NPH status line whose text after "HTTP/1.1 " is n= characters long
# ("299 rrr..."), then another header that must arrive intact.
n=$(printf '%s\n' "$QUERY_STRING" | sed -n 's/^n=\([0-9]*\).*/\1/p')
r=$(head -c $((n - 4)) /dev/zero | tr '\0' r)
printf 'HTTP/1.1 299 %s\r\nX-Next: intact\r\nContent-Type: text/plain\r\n\r\nnph body\n' "$r"
