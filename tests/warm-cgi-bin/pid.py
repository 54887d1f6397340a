#!/usr/bin/python3
# Its name and pid; with s=SEC it sleeps first.
import os
import sys
import time
from urllib.parse import parse_qs

s = parse_qs(os.environ.get("QUERY_STRING", "")).get("s")
if s:
    time.sleep(float(s[0]))
print("Content-Type: text/plain\r\n\r\n", end="")
print("script=%s pid=%d" % (os.path.basename(sys.argv[0]), os.getpid()))
