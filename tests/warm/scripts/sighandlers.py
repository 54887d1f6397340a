#!/usr/bin/python3
# Handlers installed, signals ignored and blocked by the script's top-level
# imports stay, as in a cold run; what the zygote itself did never shows.
import signal
import sys
import warmtest_signals     # noqa: F401

with open("/proc/self/status") as f:
    print("".join(l for l in f if l.startswith(("SigBlk:", "SigIgn:",
                                                 "SigCgt:"))), end="")
print("CHLD", signal.getsignal(signal.SIGCHLD) is signal.SIG_IGN,
      "INT", signal.getsignal(signal.SIGINT) is signal.SIG_DFL)
sys.stdout.flush()
signal.raise_signal(signal.SIGUSR1)
