#!/usr/bin/python3
# What a request process starts with besides its environment: its signal
# masks (python ignores SIGPIPE and SIGXFSZ itself, warm or cold) and its
# descriptors, by number only (cold ones are pipes, warm ones a socket).
import os

print("Content-Type: text/plain\r\n\r\n", end="")
with open("/proc/self/status") as f:
    print("".join(l for l in f if l.startswith(("SigBlk:", "SigIgn:"))),
          end="")
for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
    try:
        os.readlink("/proc/self/fd/%d" % fd)
    except OSError:
        continue    # the directory that was being read
    print("fd=%d" % fd)
