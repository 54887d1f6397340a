#!/usr/bin/python3
# Open descriptors and signal state of the script's process; with
# WAIT_STDIN set, only once stdin reaches EOF.
import os
import re
import sys
if os.environ.get("WAIT_STDIN"):
    sys.stdin.buffer.read()
for fd in sorted(int(f) for f in os.listdir("/proc/self/fd")):
    try:
        t = os.readlink("/proc/self/fd/%d" % fd)
    except OSError:
        t = "?"
    t = re.sub(r"^/proc/\d+/", "/proc/PID/", re.sub(r":\[\d+\]$", "", t))
    print("fd %d %s" % (fd, t))
with open("/proc/self/status") as f:
    print("".join(l for l in f if re.match(r"Sig(Blk|Ign|Cgt):", l)), end="")
