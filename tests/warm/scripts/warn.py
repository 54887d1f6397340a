#!/usr/bin/python3
import warnings
warnings.warn("careful")
print("done")
