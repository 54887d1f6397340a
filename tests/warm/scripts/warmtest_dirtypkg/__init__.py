"""A package whose import leaves an atexit handler behind."""
import atexit
import sys

atexit.register(lambda: print("warmtest_dirtypkg ran", file=sys.stderr))
