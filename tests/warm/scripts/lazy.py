#!/usr/bin/python3
# A module imported at run time, inside a function (as email.message
# imports email.policy): after a request has reported it, the zygote has it.
import sys


def wrap(s):
    import textwrap
    return textwrap.fill(s)


print("was loaded:", "yes" if "textwrap" in sys.modules else "no")
print(wrap("a b c"))
