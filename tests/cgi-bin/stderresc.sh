#!/bin/sh
# One stderr line holding a CR, an escape sequence and a backslash.
printf 'esc-marker a\rb\033[31mc\\d\n' >&2
printf 'Content-Type: text/plain\r\n\r\npid=%s\n' $$
