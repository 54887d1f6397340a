#!/bin/sh
# A client redirect (RFC 3875 6.2.4): Location alone.
printf 'Location: http://127.0.0.1/elsewhere\r\n\r\n'
