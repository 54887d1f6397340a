#!/usr/bin/python3
# An uncaught KeyboardInterrupt: traceback, then death by SIGINT.
print("before")
raise KeyboardInterrupt
