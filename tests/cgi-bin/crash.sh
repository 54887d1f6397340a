#!/bin/sh
# Dies of SIGSEGV without printing anything.
ulimit -c 0
kill -SEGV $$
