#!/bin/sh
# A non-parsed-header response: an HTTP status line comes first.
printf 'HTTP/1.1 299 Custom\r\nContent-Type: text/plain\r\n\r\nnph body\n'
