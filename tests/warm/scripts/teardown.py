#!/usr/bin/python3
# At exit: __del__ of the script's objects (also in a cycle), and a file
# left unclosed gets its buffer flushed, as in a cold run.
import os
import sys
class Obj:
    def __del__(self):
        print("del", self.name, sys.__name__)
glob = Obj()
glob.name = "global"
cyc = Obj()
cyc.name = "cycle"
cyc.me = cyc
f = open(os.environ["OUTFILE"], "w")
f.write("unclosed data\n")
print("main")
