#!/usr/bin/python3
# The environment, sorted, one NAME=value a line.
import os

print("Content-Type: text/plain\r\n\r\n", end="")
for k in sorted(os.environ):
    print(k + "=" + os.environ[k])
