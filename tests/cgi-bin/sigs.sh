#!/bin/sh
# Prints the blocked and ignored signal masks the script started with (perl
# would ignore SIGFPE itself, so this is sh).  exec, because while dash
# waits for a child it blocks every signal: a child reading the shell's
# masks could see that.  Masks and ignored signals survive exec.
printf 'Content-Type: text/plain\r\n\r\n'
exec grep -E '^Sig(Blk|Ign):' /proc/$$/status
