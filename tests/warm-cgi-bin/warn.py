#!/usr/bin/python3
# A warning goes to stderr.
import warnings

warnings.warn("warn.py: explicit warning")
print("Content-Type: text/plain\r\n\r\n", end="")
print("warned")
