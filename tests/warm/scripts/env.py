#!/usr/bin/python3
# os.environ, then the environment a child process gets.
import os
import subprocess
import sys
for k in sorted(os.environ):
    print("%s=%s" % (k, os.environ[k]))
print("--", flush=True)
subprocess.run(["/usr/bin/env"])
