#!/usr/bin/python3
# Python's BEGIN: a top-level import runs once per zygote when warm (see
# warmbegin.py), once per request when cold.
import os

import warmbegin

print("Content-Type: text/plain\r\n\r\n", end="")
print("begin-env=" + warmbegin.LOAD_ENV)
print("begin-qs=" + warmbegin.LOAD_QS)
print("begin-same-process=" + ("yes" if warmbegin.LOAD_PID == os.getpid() else "no"))
print("qs-now=" + os.environ.get("QUERY_STRING", ""))
