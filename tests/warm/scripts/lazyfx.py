#!/usr/bin/python3
# With load=1, imports at run time a module that prints as it is imported
# and one that registers an atexit handler; says which of them were
# imported when it started.
import os
import sys

had = {m: int(m in sys.modules)
       for m in ("warmtest_noisy", "warmtest_atexit")}
if "load=1" in os.environ.get("QUERY_STRING", ""):
    import warmtest_noisy       # noqa: F401
    import warmtest_atexit      # noqa: F401
print("\nnoisy=%d atexit=%d" % (had["warmtest_noisy"],
                                 had["warmtest_atexit"]))
