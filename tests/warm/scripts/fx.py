#!/usr/bin/python3
# Shows what a module's import could change for every later request: the
# umask, warning filters and how warnings are shown, the root logger,
# socket's default timeout, sys.stdout, builtins, signals.  Query
# mod=NAME&load=1 then imports NAME and the clean warmtest_clean at run
# time.
import builtins
import importlib
import io
import logging
import os
import re
import socket
import sys
import warnings

query = os.environ.get("QUERY_STRING", "")
mod = re.search(r"\bmod=(\w+)", query)[1]
had = [int(m in sys.modules) for m in ("warmtest_clean", mod)]
mask = os.umask(0o022)
os.umask(mask)
state = [oct(mask),
         # (a learned warmtest_clean's own filter concerns only its code)
         [f for f in warnings.filters if f[2].__module__ != "warmtest_clean"],
         warnings.showwarning is warnings._showwarning_orig,
         logging.root.handlers, logging.root.level, socket.getdefaulttimeout(),
         sys.stdout is sys.__stdout__, type(sys.stdout).__name__,
         builtins.open is io.open]
with open("/proc/self/status") as f:
    state += [l for l in f if l.startswith(("SigBlk:", "SigIgn:", "SigCgt:"))]
if "load=1" in query:
    importlib.import_module(mod)
    import warmtest_clean       # noqa: F401
print("Content-Type: text/plain\r\n\r\nclean=%d fx=%d" % tuple(had))
print("\n".join(map(str, state)))
