#!/usr/bin/python3
# Its compile phase (a top-level import) handles SIGPIPE.  Creates the file
# MARKER names first thing, then shows its signal state.
import os
import warmtest_pipe_hdl        # noqa: F401
if "MARKER" in os.environ:
    open(os.environ["MARKER"], "w").close()
with open("/proc/self/status") as f:
    print("Content-Type: text/plain\r\n\r\n" + "".join(
        l for l in f if l.startswith(("SigBlk:", "SigIgn:", "SigCgt:"))),
        end="")
