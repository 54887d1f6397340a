#!/bin/sh
# No header block: bytes no header starts with.
printf '\001\377garbage\000\r\n\r\nnot a header\n'
