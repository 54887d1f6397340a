#!/bin/sh
# Half an answer, then dies of SIGSEGV.
ulimit -c 0
printf 'Content-Type: text/plain\r\n\r\nhalf'
kill -SEGV $$
