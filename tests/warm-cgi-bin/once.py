#!/usr/bin/python3
# Appends "PID start" to the file named by f=, sleeps s= seconds (default
# 3), then appends "PID done" and answers: a request that is aborted must
# leave at most one start and never a done.
import os
import time
from urllib.parse import parse_qs

q = parse_qs(os.environ.get("QUERY_STRING", ""))


def note(what):
    with open(q["f"][0], "a") as fh:
        fh.write("%d %s\n" % (os.getpid(), what))


note("start")
time.sleep(float(q.get("s", ["3"])[0]))
note("done")
print("Content-Type: text/plain\r\n\r\nonce")
