#!/usr/bin/python3
# Answers, then sys.exit(): n= an integer status (default 3), or m= a
# message (status 1, the message on stderr).
import os
import sys
from urllib.parse import parse_qs

q = parse_qs(os.environ.get("QUERY_STRING", ""))
sys.stdout.write("Content-Type: text/plain\r\n\r\n")
print("exit.py: exiting")
print("exit.py: stderr before exit", file=sys.stderr)
if "m" in q:
    sys.exit(q["m"][0])
sys.exit(int(q.get("n", ["3"])[0]))
