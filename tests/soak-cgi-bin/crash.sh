#!/bin/sh
# Dies of SIGSEGV before printing anything.
ulimit -c 0
kill -SEGV $$
