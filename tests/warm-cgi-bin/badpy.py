#!/usr/bin/python3
# Does not compile.
print("Content-Type: text/plain\r\n\r\n", end="")
def broken(:
    pass
