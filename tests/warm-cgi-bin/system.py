#!/usr/bin/python3
# Output of os.system, subprocess, os.popen, fork+exec and a child's exit
# status, in order (flushing before each child, as such a script must).
import os
import subprocess
import sys


def say(s):
    sys.stdout.write(s + "\n")
    sys.stdout.flush()


sys.stdout.write("Content-Type: text/plain\r\n\r\n")
say("1 python")
os.system("echo 2 os.system")
subprocess.run(["echo", "3 subprocess.run"], check=True)
say(subprocess.check_output(["echo", "4 check_output"]).decode().rstrip())
say(os.popen("echo 5 popen").read().rstrip())
pid = os.fork()
if pid == 0:
    os.execv("/bin/echo", ["echo", "6 fork and exec"])
_, st = os.waitpid(pid, 0)
say("7 child status %d" % os.waitstatus_to_exitcode(st))
say("8 call status %d" % subprocess.call(["sh", "-c", "exit 7"]))
say("9 done")
