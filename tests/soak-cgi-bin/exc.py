#!/usr/bin/python3
# Warm: half an answer, then an uncaught exception.
import sys

sys.stdout.write("Content-Type: text/plain\r\n\r\nhalf")
raise RuntimeError("exc.py: soak")
