#!/usr/bin/python3
"""argv, __file__, cwd, pids; pidmod.PID was set at import (in the zygote)."""
import os
import sys
import pidmod
print("argv=%r" % (sys.argv,))
print("file=%s name=%s doc=%r" % (__file__, __name__, __doc__[:4]))
print("cwd=%s" % os.getcwd())
print("pid=%d pgrp=%d zpid=%d" % (os.getpid(), os.getpgrp(), pidmod.PID))
print("main=%s" % (sys.modules["__main__"].__dict__ is globals()))
