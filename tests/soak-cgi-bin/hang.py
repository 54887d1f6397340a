#!/usr/bin/python3
# Warm: never ends, prints nothing.
import time

while True:
    time.sleep(1000)
