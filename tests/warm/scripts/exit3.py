#!/usr/bin/python3
import sys
print("exiting")
sys.exit(3)
