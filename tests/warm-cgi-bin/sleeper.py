#!/usr/bin/python3
# Starts a child `sleep S`, writes "PID PGID CHILD" to the file named by
# f=, then waits for the child and answers (s= seconds, default 30).
import os
import subprocess
from urllib.parse import parse_qs

q = parse_qs(os.environ.get("QUERY_STRING", ""))
s = q.get("s", ["30"])[0]
child = subprocess.Popen(["sleep", s])
if "f" in q:
    f = q["f"][0]
    with open(f + ".tmp", "w") as fh:
        fh.write("%d %d %d\n" % (os.getpid(), os.getpgrp(), child.pid))
    os.rename(f + ".tmp", f)
child.wait()
print("Content-Type: text/plain\r\n\r\nslept " + s)
