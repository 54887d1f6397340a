#!/bin/sh
# Prints the shell's blocked and ignored signal masks (perl would ignore
# SIGFPE itself, so this is sh).
printf 'Content-Type: text/plain\r\n\r\n'
grep -E '^Sig(Blk|Ign):' /proc/$$/status
