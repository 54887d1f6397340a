#!/usr/bin/python3
# Warm: no header block, binary bytes instead.
import sys

sys.stdout.buffer.write(bytes(range(256)) + b"\n\n")
