#!/usr/bin/python3
# An exception before any output: no header (warmcgi answers 502).
raise RuntimeError("exchdr.py: no header for you")
