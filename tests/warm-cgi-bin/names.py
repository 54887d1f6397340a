#!/usr/bin/python3
# __file__, __name__, sys.argv (from a query string without '='),
# sys.path[0] and what __main__ looks like.
import os
import sys

print("Content-Type: text/plain\r\n\r\n", end="")
print("__file__=" + __file__)
print("__name__=" + __name__)
print("argv=" + repr(sys.argv))
print("path0=" + sys.path[0])
print("main-is-this=" + str(sys.modules["__main__"].__dict__ is globals()))
print("main-file=" + sys.modules["__main__"].__file__)
print("has-spec=" + str(__spec__ is not None))
print("cwd=" + os.getcwd())
print("warm-names=" + " ".join(sorted(n for n in globals() if "warm" in n.lower())))
