# Imported at the top of args.py: runs once, in the zygote.
import os
PID = os.getpid()
