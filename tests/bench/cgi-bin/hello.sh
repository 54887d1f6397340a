#!/bin/sh
# sh hello: a header block and one line.
printf 'Content-Type: text/plain\r\n\r\nhello from sh\n'
