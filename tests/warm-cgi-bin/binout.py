#!/usr/bin/python3
# Binary output through sys.stdout.buffer, all 256 byte values several
# times, no newline at the end and no explicit flush.
import sys

out = sys.stdout.buffer
out.write(b"Content-Type: application/octet-stream\r\n\r\n")
out.write(bytes(range(256)) * 3)
out.write(b"\r\n\0tail")
