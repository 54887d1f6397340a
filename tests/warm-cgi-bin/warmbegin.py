# Imported at the top level of begin.py: when warm, the zygote imports it
# once, in its own process and environment (the intended difference).
import os
import sys

LOAD_PID = os.getpid()
LOAD_ENV = " ".join(sorted(os.environ))
LOAD_QS = os.environ.get("QUERY_STRING", "(unset)")
print("warmbegin.py: imported", file=sys.stderr)
