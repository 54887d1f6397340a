#!/usr/bin/python3
print("Content-Type: text/plain\r\n\r\nhello from python")
