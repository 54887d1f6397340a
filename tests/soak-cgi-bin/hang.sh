#!/bin/sh
# Never ends, nor does its background child.  i=1: both ignore SIGTERM,
# so only --kill-grace's SIGKILL ends them.
case $QUERY_STRING in *i=1*) trap '' TERM ;; esac
sleep 1000 &
wait
