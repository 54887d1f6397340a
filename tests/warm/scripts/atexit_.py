#!/usr/bin/python3
# atexit handlers, a non-daemon thread, flushing: once per request.
import atexit
import threading
import time
atexit.register(lambda: print("atexit ran"))
def late():
    time.sleep(0.05)
    print("thread done")
threading.Thread(target=late).start()
print("main")
