#!/usr/bin/perl
# Warm: half an answer, then SIGKILL.
$| = 1;
print "Content-Type: text/plain\r\n\r\nhalf";
kill 'KILL', $$;
sleep 60;
