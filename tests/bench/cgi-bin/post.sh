#!/bin/sh
# POST in: read the body to its end (the wrapper closes stdin after
# CONTENT_LENGTH bytes) and answer with the number of bytes read (run.sh
# checks it against the size it sent).  wc reads in big pieces; `head -c`
# reads 8 KiB at a time and was slower than either wrapper.
printf 'Content-Type: text/plain\r\n\r\n'
exec wc -c
