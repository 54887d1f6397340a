#!/usr/bin/python3
# os.system, subprocess, fork and exec: their output reaches the client.
import os
import subprocess
import sys
print("a", flush=True)
os.system("echo hi")
print("back:", subprocess.run(["echo", "tick"], capture_output=True, text=True).stdout, end="", flush=True)
pid = os.fork()
if pid == 0:
    os.execvp("echo", ["echo", "forked"])
print("status=%d" % os.waitpid(pid, 0)[1], flush=True)
subprocess.run("echo err >&2", shell=True)
