"""Leaves an atexit handler behind: a zygote must not learn it, or every
request would run it."""
import atexit
import sys

atexit.register(lambda: print("warmtest_atexit ran", file=sys.stderr))
