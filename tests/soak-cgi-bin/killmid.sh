#!/bin/sh
# Half an answer, then SIGKILL.
printf 'Content-Type: text/plain\r\n\r\nhalf'
kill -KILL $$
