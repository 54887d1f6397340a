"""Handles SIGPIPE: the handler says so on fd 2."""
import os
import signal

signal.signal(signal.SIGPIPE,
              lambda *_: os.write(2, b"SIGPIPE handler ran\n"))
