#!/bin/sh
# Writes n= bytes of zeros.
n=$(printf '%s\n' "$QUERY_STRING" | tr '&' '\n' | sed -n 's/^n=//p')
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec head -c "${n:-0}" /dev/zero
