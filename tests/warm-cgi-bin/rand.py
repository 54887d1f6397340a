#!/usr/bin/python3
# random must differ between requests.
import random

print("Content-Type: text/plain\r\n\r\n", end="")
print("rand=" + " ".join(str(random.randrange(10 ** 9)) for _ in range(3)))
