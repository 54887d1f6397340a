#!/usr/bin/python3
# A good warm Python request: its id back.
import os
import re

m = re.search(r"id=(\d+)", os.environ.get("QUERY_STRING", ""))
print("Content-Type: text/plain\r\n\r\nok %s" % (m.group(1) if m else ""))
