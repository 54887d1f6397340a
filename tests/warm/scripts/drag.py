#!/usr/bin/python3
# With load=1, imports at run time a clean submodule of a package that is
# not clean: neither may be learned.
import os
import sys

had = int("warmtest_dirtypkg.sub" in sys.modules)
if "load=1" in os.environ.get("QUERY_STRING", ""):
    import warmtest_dirtypkg.sub    # noqa: F401
print("dep=%d" % had)
