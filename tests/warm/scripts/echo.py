#!/usr/bin/python3
# Read CONTENT_LENGTH bytes of binary stdin, echo them and a checksum.
import hashlib
import os
import sys
data = sys.stdin.buffer.read(int(os.environ["CONTENT_LENGTH"]))
sys.stdout.buffer.write(data)
print("\nlen=%d sha256=%s" % (len(data), hashlib.sha256(data).hexdigest()))
