#!/usr/bin/python3
# Python script for the python scenario: imports json, email, http.cookies,
# urllib.parse and html, does a little with each, prints a page.  The cost
# is python's start-up plus importing those modules.
import email.message
import email.utils
import html
import http.cookies
import json
import os
import sys
import urllib.parse

qs = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
name = qs.get("name", ["world"])[0]

cookies = http.cookies.SimpleCookie()
cookies.load(os.environ.get("HTTP_COOKIE", "") or "session=abc123; theme=dark")
cookies["visited"] = "yes"
cookies["visited"]["path"] = "/"

msg = email.message.EmailMessage()
msg["From"] = "bench@example.org"
msg["To"] = email.utils.formataddr((name, "user@example.org"))
msg["Subject"] = "warmcgi bench"
msg["Date"] = email.utils.formatdate(0, usegmt=True)
msg.set_content("hello %s\n" % name)

data = {"name": name, "query": qs,
        "cookies": {k: v.value for k, v in sorted(cookies.items())},
        "numbers": [i * i for i in range(10)]}
doc = json.dumps(data, sort_keys=True, indent=1)
back = json.loads(doc)
url = urllib.parse.urlunsplit(("http", "example.org", "/cgi-bin/bench.py",
                               urllib.parse.urlencode({"name": name}), ""))

out = sys.stdout
out.write("Content-Type: text/html; charset=utf-8\r\n")
out.write(cookies.output(header="Set-Cookie:", sep="\r\n") + "\r\n\r\n")
out.write("<!DOCTYPE html>\n<html><head><title>python bench</title></head>"
          "<body>\n<h1>Hello, %s</h1>\n" % html.escape(name))
out.write("<p>python ok name=%s numbers=%d</p>\n"
          % (html.escape(name), sum(back["numbers"])))
out.write("<p><a href=\"%s\">self</a></p>\n" % html.escape(url))
out.write("<pre>%s</pre>\n" % html.escape(doc))
out.write("<pre>%s</pre>\n" % html.escape(msg.as_string()))
out.write("</body></html>\n")
