#!/usr/bin/python3
import sys
sys.exit("fatal: a message")
