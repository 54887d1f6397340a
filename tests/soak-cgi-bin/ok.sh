#!/bin/sh
# A good exec'd request: its id back.
printf 'Content-Type: text/plain\r\n\r\nok %s\n' "${QUERY_STRING#id=}"
