#!/bin/sh
# A slow script: 0.5 s of doing nothing, then a short answer.  Measures how
# many requests the wrapper keeps in flight at once.
sleep 0.5
printf 'Content-Type: text/plain\r\n\r\nslept\n'
