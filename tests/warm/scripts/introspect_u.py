#!/usr/bin/python3 -u
# introspect.py unbuffered (python3 -u): stdio as a cold run makes it.
import signal
import sys
print(sorted(k for k in globals() if k.startswith("__")))
print(sys.path[0], __loader__.name, __loader__.path, __spec__, __package__)
for s in (sys.stdin, sys.stdout, sys.stderr):
    print(s.name, s.mode, s.encoding, s.errors, s.line_buffering,
          s.write_through, type(s.buffer).__name__,
          getattr(s.buffer, "raw", s.buffer).name)
print(sys.stdout is sys.__stdout__, sys.stdin is sys.__stdin__)
print(signal.getsignal(signal.SIGPIPE), signal.getsignal(signal.SIGINT),
      signal.getsignal(signal.SIGXFSZ), signal.getsignal(signal.SIGTERM))
sys.stdout.write("text ")
sys.stdout.buffer.write(b"\x00\xff bytes\n")
print("end")
