"""Ignores SIGPIPE (as Python does at start-up anyway)."""
import signal

signal.signal(signal.SIGPIPE, signal.SIG_IGN)
