#!/usr/bin/python3
# Reads exactly CONTENT_LENGTH bytes of binary stdin, prints the length
# and SHA-256, and whether end of file follows.
import hashlib
import os
import sys

want = int(os.environ.get("CONTENT_LENGTH") or 0)
buf = b""
while len(buf) < want:
    chunk = sys.stdin.buffer.read(want - len(buf))
    if not chunk:
        break
    buf += chunk
more = sys.stdin.buffer.read(1)
print("Content-Type: text/plain\r\n\r\n", end="")
print("len=%d" % len(buf))
print("sha256=" + hashlib.sha256(buf).hexdigest())
print("then=" + ("more" if more else "eof"))
