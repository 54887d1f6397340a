#!/bin/sh
# POST in: read exactly CONTENT_LENGTH bytes of the body and answer with the
# number of bytes read (run.sh checks it against the size it sent).
printf 'Content-Type: text/plain\r\n\r\n'
head -c "${CONTENT_LENGTH:-0}" | wc -c
