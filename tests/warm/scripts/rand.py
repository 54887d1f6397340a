#!/usr/bin/python3
import random
print(random.random())
