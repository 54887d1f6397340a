#!/usr/bin/python3
# Half an answer, then an uncaught exception: traceback on stderr, status 1.
import sys


def inner(x):
    return {"a": 1}[x]


print("Content-Type: text/plain\r\n\r\n", end="")
print("before the exception")
sys.stdout.flush()
inner("missing")
