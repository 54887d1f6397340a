#!/usr/bin/python3
# atexit handlers and __del__ run once per request, at exit, as in a cold
# run; one handler also writes to stdout after the main program.
import atexit
import sys


def bye():
    print("atexit output")
    print("atexit_.py: atexit ran", file=sys.stderr)


atexit.register(bye)
atexit.register(lambda: print("atexit_.py: second atexit ran", file=sys.stderr))


class Guard:
    def __del__(self):
        print("atexit_.py: __del__ ran", file=sys.stderr)


guard = Guard()
print("Content-Type: text/plain\r\n\r\n", end="")
print("main program")
