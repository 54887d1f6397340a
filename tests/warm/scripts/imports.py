#!/usr/bin/python3
import email.message
import html
import http.cookies
import json
import os
import urllib.parse
q = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
c = http.cookies.SimpleCookie(os.environ.get("HTTP_COOKIE", ""))
m = email.message.EmailMessage()
m["Content-Type"] = "application/json"
print("Content-Type: %s\r\n\r\n%s" % (m["Content-Type"], html.escape(json.dumps({"q": q, "c": len(c)}))))
